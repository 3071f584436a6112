/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-test"

#include "config.h"

#include <string.h>

#include "dg-json-reader.h"
#include "dg-json-schema-private.h"
#include "dg-json-schema.h"
#include "dg-test-utils.h"
#include "test-json-schema.h"

/* The validator: messages and locations, numbers, patterns, threads, check_schema. */

static JsonNode *
parse (const char *text)
{
  g_autoptr (GError) error = NULL;
  JsonNode *node = dg_json_parse (text, -1, &error);

  g_assert_no_error (error);
  return node;
}

static DgJsonSchema *
compile (const char *text, DgJsonSchemaFlags flags)
{
  g_autoptr (JsonNode) node = parse (text);
  g_autoptr (GError) error = NULL;
  DgJsonSchema *schema = dg_json_schema_new (node, flags, &error);

  g_assert_no_error (error);
  return schema;
}

/* "instance|keyword|message" per issue, joined with newlines */
static char *
issues_text (DgJsonSchema *schema, const char *instance_text)
{
  g_autoptr (JsonNode) instance = parse (instance_text);
  g_autoptr (GPtrArray) issues = NULL;
  GString *s = g_string_new (NULL);
  gboolean valid = dg_json_schema_validate (schema, instance, &issues);

  g_assert_cmpint (valid, ==, dg_json_schema_validate (schema, instance, NULL));
  g_assert_cmpint (valid, ==, issues->len == 0);
  for (guint i = 0; i < issues->len; i++)
    {
      DgJsonSchemaIssue *issue = g_ptr_array_index (issues, i);

      g_string_append_printf (s, "%s%s|%s|%s", i > 0 ? "\n" : "", issue->instance_location,
                              issue->keyword_location, issue->message);
    }
  return g_string_free (s, FALSE);
}

#define PERSON                                                                                  \
  "{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", \"type\": \"object\","       \
  " \"$defs\": {\"tag\": {\"type\": \"string\", \"pattern\": \"^[a-z]+$\"}},"                   \
  " \"properties\": {"                                                                          \
  "  \"name\": {\"type\": \"string\", \"minLength\": 1, \"maxLength\": 5},"                     \
  "  \"age\": {\"type\": \"integer\", \"minimum\": 0, \"maximum\": 120},"                       \
  "  \"score\": {\"type\": \"number\", \"exclusiveMinimum\": 0, \"multipleOf\": 0.5},"          \
  "  \"email\": {\"type\": \"string\", \"format\": \"email\"},"                                 \
  "  \"role\": {\"enum\": [\"admin\", \"user\"]},"                                              \
  "  \"kind\": {\"const\": \"person\"},"                                                        \
  "  \"tags\": {\"type\": \"array\", \"items\": {\"$ref\": \"#/$defs/tag\"}, \"uniqueItems\": " \
  "true, \"maxItems\": 3},"                                                                     \
  "  \"nick\": {\"type\": [\"string\", \"null\"]},"                                             \
  "  \"address\": {\"type\": \"object\", \"required\": [\"city\"],"                             \
  "    \"properties\": {\"city\": {\"type\": \"string\"}}, \"additionalProperties\": false}},"  \
  " \"required\": [\"name\", \"email\"], \"additionalProperties\": false}"

static void
test_messages (void)
{
  g_autoptr (DgJsonSchema) schema = compile (PERSON, DG_JSON_SCHEMA_FORMAT_ASSERT);
  static const struct
  {
    const char *instance;
    const char *issues;
  } cases[] = {
    { "{\"name\": \"Ana\", \"email\": \"ana@example.com\"}", "" },
    { "{\"name\": \"Ana\"}", "|/required|missing required property “email”" },
    { "[]", "|/type|must be object, not array" },
    { "{\"name\": \"Anastasia\", \"email\": \"ana@example.com\", \"age\": 121}",
      "/name|/properties/name/maxLength|must be at most 5 characters long\n"
      "/age|/properties/age/maximum|must be ≤ 120" },
    { "{\"name\": \"\", \"email\": \"nope\", \"age\": 1.5, \"score\": 0}",
      "/name|/properties/name/minLength|must be at least 1 character long\n"
      "/age|/properties/age/type|must be integer, not number\n"
      "/score|/properties/score/exclusiveMinimum|must be > 0\n"
      "/email|/properties/email/format|must be a valid email" },
    { "{\"name\": \"Ana\", \"email\": \"a@b.ro\", \"score\": 2.25, \"role\": \"root\", "
      "\"kind\": \"cat\"}",
      "/score|/properties/score/multipleOf|must be a multiple of 0.5\n"
      "/role|/properties/role/enum|must be one of [\"admin\",\"user\"]\n"
      "/kind|/properties/kind/const|must be \"person\"" },
    { "{\"name\": \"Ana\", \"email\": \"a@b.ro\", \"tags\": [\"x\", \"Y\", \"x\", \"z\"]}",
      "/tags|/properties/tags/maxItems|must have at most 3 items\n"
      "/tags|/properties/tags/uniqueItems|items 0 and 2 are equal; items must be unique\n"
      "/tags/1|/properties/tags/items/$ref/pattern|must match the pattern “^[a-z]+$”" },
    { "{\"name\": \"Ana\", \"email\": \"a@b.ro\", \"nick\": 3, \"extra\": true,"
      " \"address\": {\"street\": \"x\"}}",
      "/nick|/properties/nick/type|must be string or null, not integer\n"
      "/address|/properties/address/required|missing required property “city”\n"
      "/address/street|/properties/address/additionalProperties|property “street” is not "
      "allowed\n"
      "/extra|/additionalProperties|property “extra” is not allowed" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = issues_text (schema, cases[i].instance);

      g_assert_cmpstr (text, ==, cases[i].issues);
    }
}

static void
test_messages_applicators (void)
{
  g_autoptr (DgJsonSchema) schema =
      compile ("{\"properties\": {"
               "  \"id\": {\"anyOf\": [{\"type\": \"integer\"}, {\"type\": \"string\", \"format\": "
               "\"uuid\"}]},"
               "  \"shape\": {\"oneOf\": [{\"required\": [\"r\"]}, {\"required\": [\"w\"]}]},"
               "  \"plain\": {\"not\": {\"type\": \"null\"}},"
               "  \"list\": {\"contains\": {\"const\": 1}, \"maxContains\": 1},"
               "  \"card\": {\"if\": {\"properties\": {\"kind\": {\"const\": \"visa\"}}},"
               "            \"then\": {\"required\": [\"cvv\"]}, \"dependentRequired\": {\"cvv\": "
               "[\"kind\"]}},"
               "  \"strict\": {\"properties\": {\"a\": true}, \"unevaluatedProperties\": false}"
               "}}",
               DG_JSON_SCHEMA_FORMAT_ASSERT);
  static const struct
  {
    const char *instance;
    const char *issues;
  } cases[] = {
    { "{\"id\": \"x\"}",
      "/id|/properties/id/anyOf|must match at least one schema in “anyOf” (closest, "
      "alternative 0: must be integer, not string)" },
    { "{\"shape\": {\"r\": 1, \"w\": 2}}",
      "/shape|/properties/shape/oneOf|must match exactly one schema in “oneOf”, but matches 0 "
      "and 1" },
    { "{\"plain\": null}", "/plain|/properties/plain/not|must not match the schema in “not”" },
    { "{\"list\": [2, 3]}",
      "/list|/properties/list/contains|must contain at least 1 item matching “contains”" },
    { "{\"list\": [1, 1]}",
      "/list|/properties/list/maxContains|must contain at most 1 item matching “contains”" },
    { "{\"card\": {\"kind\": \"visa\"}}",
      "/card|/properties/card/then/required|missing required property “cvv”" },
    { "{\"card\": {\"cvv\": \"123\"}}",
      "/card|/properties/card/dependentRequired/cvv|missing property “kind”, required when "
      "“cvv” is present" },
    { "{\"strict\": {\"a\": 1, \"b\": 2}}",
      "/strict/b|/properties/strict/unevaluatedProperties|unevaluated property “b” is not "
      "allowed" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = issues_text (schema, cases[i].instance);

      g_assert_cmpstr (text, ==, cases[i].issues);
    }
}

static void
test_issue_to_string (void)
{
  DgJsonSchemaIssue issue = { "/age", "/properties/age/maximum", "must be ≤ 120" };
  DgJsonSchemaIssue root = { "", "/required", "missing required property “email”" };
  g_autofree char *a = dg_json_schema_issue_to_string (&issue);
  g_autofree char *b = dg_json_schema_issue_to_string (&root);

  g_autoptr (GPtrArray) issues = g_ptr_array_new ();
  g_autofree char *all = NULL;
  g_autofree char *first = NULL;

  g_assert_cmpstr (a, ==, "/age: must be ≤ 120 (at /properties/age/maximum)");
  g_assert_cmpstr (b, ==, "(root): missing required property “email” (at /required)");

  g_ptr_array_add (issues, &issue);
  g_ptr_array_add (issues, &root);
  g_ptr_array_add (issues, &issue);
  all = dg_json_schema_issues_join (issues, 0);
  first = dg_json_schema_issues_join (issues, 1);
  g_assert_cmpstr (all, ==,
                   "/age: must be ≤ 120 (at /properties/age/maximum); (root): missing required "
                   "property “email” (at /required); /age: must be ≤ 120 (at "
                   "/properties/age/maximum)");
  g_assert_cmpstr (first, ==, "/age: must be ≤ 120 (at /properties/age/maximum) (and 2 more)");
}

static void
test_numbers (void)
{
  static const struct
  {
    const char *schema;
    const char *instance;
    gboolean valid;
  } cases[] = {
    /* multipleOf in decimal, not binary, arithmetic */
    { "{\"multipleOf\": 0.1}", "0.3", TRUE },
    { "{\"multipleOf\": 0.1}", "0.30000000000000004", FALSE },
    { "{\"multipleOf\": 0.01}", "19.99", TRUE },
    { "{\"multipleOf\": 0.01}", "19.999", FALSE },
    { "{\"multipleOf\": 0.0001}", "0.0075", TRUE },
    { "{\"multipleOf\": 1.5}", "4.5", TRUE },
    { "{\"multipleOf\": 1e-8}", "12391239123", TRUE },
    { "{\"multipleOf\": 0.5}", "1e308", TRUE },
    { "{\"multipleOf\": 0.123456789}", "1e308", FALSE },
    { "{\"multipleOf\": 3}", "9007199254740993", TRUE },
    { "{\"multipleOf\": 3}", "9007199254740994", FALSE },
    { "{\"multipleOf\": 7}", "-9223372036854775808", FALSE },
    { "{\"multipleOf\": 2}", "-9223372036854775808", TRUE },
    /* exact comparisons between gint64 and double */
    { "{\"maximum\": 9007199254740992.0}", "9007199254740993", FALSE },
    { "{\"maximum\": 9007199254740993}", "9007199254740992.0", TRUE },
    { "{\"exclusiveMaximum\": 9223372036854775807}", "9223372036854775808", FALSE },
    { "{\"minimum\": -1e300}", "-9223372036854775808", TRUE },
    /* 1 == 1.0 everywhere */
    { "{\"const\": 1}", "1.0", TRUE },
    { "{\"enum\": [2.0, \"a\"]}", "2", TRUE },
    { "{\"uniqueItems\": true}", "[1, 1.0]", FALSE },
    { "{\"uniqueItems\": true}", "[{\"a\": 1, \"b\": [1]}, {\"b\": [1.0], \"a\": 1.0}]", FALSE },
    { "{\"uniqueItems\": true}", "[0, false, null, \"0\", [], {}]", TRUE },
    { "{\"type\": \"integer\"}", "1.0", TRUE },
    { "{\"type\": \"integer\"}", "1e30", TRUE },
    { "{\"type\": \"integer\"}", "1.5", FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (DgJsonSchema) schema = compile (cases[i].schema, DG_JSON_SCHEMA_NONE);
      g_autoptr (JsonNode) instance = parse (cases[i].instance);

      if (dg_json_schema_validate (schema, instance, NULL) != cases[i].valid)
        g_error ("%s against %s should be %s", cases[i].instance, cases[i].schema,
                 cases[i].valid ? "valid" : "invalid");
    }

  /* a large array of unique items takes the hashing path */
  {
    g_autoptr (DgJsonSchema) schema = compile ("{\"uniqueItems\": true}", DG_JSON_SCHEMA_NONE);
    g_autoptr (GString) text = g_string_new ("[");
    g_autoptr (JsonNode) instance = NULL;
    g_autoptr (GPtrArray) issues = NULL;

    for (int i = 0; i < 1000; i++)
      g_string_append_printf (text, "%s{\"n\": %d}", i > 0 ? ", " : "", i);
    g_string_append (text, ", {\"n\": 500.0}]");
    instance = parse (text->str);
    g_assert_false (dg_json_schema_validate (schema, instance, &issues));
    g_assert_cmpstr (((DgJsonSchemaIssue *) g_ptr_array_index (issues, 0))->message, ==,
                     "items 500 and 1000 are equal; items must be unique");
  }
}

/* ECMA-262 semantics where PCRE differs */
static void
test_patterns (void)
{
  static const struct
  {
    const char *pattern;
    const char *subject;
    gboolean matches;
  } cases[] = {
    { "^\\d+$", "123", TRUE },
    { "^\\d+$", "১২", FALSE }, /* Bengali digits are not \d in ECMA-262 */
    { "^\\w+$", "é", FALSE },
    { "^\\p{L}+$", "é", TRUE },
    { "^\\p{Letter}+$", "école", TRUE },
    { "^\\p{Lu}", "É", TRUE },
    { "^abc$", "abc\n", FALSE },
    { "^a.c$", "a\nc", FALSE },
    { "^a.c$", "a\u00e9c", TRUE },
    { "^\\s$", "\u00a0", TRUE },
    { "^\\s$", "\ufeff", TRUE },
    { "^\\S$", "\u2013", TRUE },
    { "\\bfoo\\b", "a foo.", TRUE },
    { "\\bfoo\\b", "éfooé", TRUE },
    { "^\\u00e9$", "é", TRUE },
    { "^\\u{1F600}$", "😀", TRUE },
    { "^\\ud83d\\ude00$", "😀", TRUE },
    { "^\\cJ$", "\n", TRUE },
    { "^[^]$", "\n", TRUE },
    { "^[]$", "", FALSE },
    { "^(?<year>\\d{4})-\\k<year>$", "2024-2024", TRUE },
    { "(?<=a)b", "ab", TRUE },
    { "^[\\w-]+$", "a-b_c", TRUE },
    { "^[\\d\\-]+$", "12-3", TRUE },
    { "x{", "x{", TRUE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (JsonNode) schema_node = json_node_alloc ();
      g_autoptr (JsonObject) object = json_object_new ();
      g_autoptr (JsonNode) subject = json_node_init_string (json_node_alloc (), cases[i].subject);
      g_autoptr (DgJsonSchema) schema = NULL;
      g_autoptr (GError) error = NULL;

      json_object_set_string_member (object, "pattern", cases[i].pattern);
      json_node_init_object (schema_node, object);
      schema = dg_json_schema_new (schema_node, DG_JSON_SCHEMA_NONE, &error);
      g_assert_no_error (error);
      if (dg_json_schema_validate (schema, subject, NULL) != cases[i].matches)
        g_error ("/%s/ should %smatch “%s”", cases[i].pattern, cases[i].matches ? "" : "not ",
                 cases[i].subject);
    }

  /* not ECMA-262: a clear error at compile time */
  {
    static const char *const bad[] = { "\\a", "(?P<n>x)", "(?i)abc", "a**", "(ab", "[a-" };

    for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr (JsonNode) schema_node = json_node_alloc ();
        g_autoptr (JsonObject) object = json_object_new ();
        g_autoptr (GError) error = NULL;
        g_autoptr (DgJsonSchema) schema = NULL;

        json_object_set_string_member (object, "pattern", bad[i]);
        json_node_init_object (schema_node, object);
        schema = dg_json_schema_new (schema_node, DG_JSON_SCHEMA_NONE, &error);
        g_assert_null (schema);
        g_assert_error (error, DG_JSON_SCHEMA_ERROR, DG_JSON_SCHEMA_ERROR_PATTERN);
        g_assert_true (g_str_has_suffix (error->message, "at /pattern"));
      }
  }
}

/* The DFA fast path must agree with GRegex on every pattern it accepts. */
static void
test_dfa (void)
{
  static const char *const patterns[] = {
    "^[A-Z]{2}-\\d{4}$",
    "^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$",
    "^\\+?[0-9 ()-]{7,20}$",
    "^[A-Z][a-z]+( [A-Z][a-z]+)+$",
    "ab|cd",
    "^(ab|cd)*$",
    "^a?b+c*$",
    "x(y|z)?x",
    "^.{2,4}$",
    "^(?:[0-9a-f]{2}:){5}[0-9a-f]{2}$",
    "a{0}b",
    "^$",
    "^\\s*$",
    "\\S\\s\\S",
    "^[^aeiou]+$",
    "\\.",
    "^[\\x41-\\x43]+$",
    "^(a|)b$",
    "^(?<name>a)+$",
    "a*",
    "b+$",
    "^\\W\\D$",
  };
  static const char *const subjects[] = {
    "",
    "a",
    "ab",
    "abc",
    "cd",
    "abcd",
    "RO-1234",
    "ro-1234",
    "jo.doe@example.com",
    "x@y",
    "+40 (721) 000-111",
    "Ana Pop",
    "Ana",
    "xx",
    "xyx",
    "xzx",
    "aabbb",
    "bbb",
    "\n\n",
    "é",
    "aa:bb:cc:dd:ee:ff",
    " ",
    "\u00a0",
    "a b",
    "a\u2028b",
    "bcd",
    "ABC",
    "ABCD",
    "b",
    "a.b",
    "  \t",
    "éb",
    "!x",
    "a\nb",
    "😀😀",
  };
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  guint with_dfa = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (patterns); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GRegex) regex = dg_js_regex_compile (patterns[i], &error);
      DgJsDfa *dfa = dg_js_dfa_compile (patterns[i]);

      g_assert_no_error (error);
      if (dfa == NULL)
        continue;
      with_dfa++;
      for (gsize j = 0; j < G_N_ELEMENTS (subjects); j++)
        {
          gboolean expected = g_regex_match (regex, subjects[j], 0, NULL);

          if (dg_js_dfa_match (dfa, subjects[j], strlen (subjects[j])) != expected)
            g_error ("DFA and GRegex disagree on /%s/ and “%s”", patterns[i], subjects[j]);
        }
      /* random strings over a small alphabet */
      for (int n = 0; n < 2000; n++)
        {
          static const char alphabet[] = "abcdxyzAZ09-.:@ é\n";
          char buf[32];
          int len = g_rand_int_range (rand, 0, 12), k = 0;

          for (int m = 0; m < len; m++)
            {
              char c = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];

              if ((guchar) c >= 0x80)
                {
                  buf[k++] = '\xC3';
                  buf[k++] = '\xA9';
                }
              else
                buf[k++] = c;
            }
          buf[k] = '\0';
          if (dg_js_dfa_match (dfa, buf, k) != g_regex_match (regex, buf, 0, NULL))
            g_error ("DFA and GRegex disagree on /%s/ and “%s”", patterns[i], buf);
        }
      dg_js_dfa_free (dfa);
    }
  /* every pattern above is in the subset; these are not */
  g_assert_cmpuint (with_dfa, ==, G_N_ELEMENTS (patterns));
  g_assert_null (dg_js_dfa_compile ("(?=a)b"));
  g_assert_null (dg_js_dfa_compile ("\\bx"));
  g_assert_null (dg_js_dfa_compile ("^é$"));
  g_assert_null (dg_js_dfa_compile ("^a|b$"));
}

typedef struct
{
  DgJsonSchema *schema;
  JsonNode **records;
  guint n_records;
  const char *expected;
  gboolean ok;
} ThreadWork;

static char *
digest (DgJsonSchema *schema, JsonNode **records, guint n)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GPtrArray) issues = NULL;
      gboolean quick = dg_json_schema_validate (schema, records[i], NULL);

      dg_json_schema_validate (schema, records[i], &issues);
      g_string_append_printf (s, "%d:", quick);
      for (guint j = 0; j < issues->len; j++)
        {
          DgJsonSchemaIssue *issue = g_ptr_array_index (issues, j);

          g_string_append_printf (s, "%s %s %s;", issue->instance_location, issue->keyword_location,
                                  issue->message);
        }
      g_string_append_c (s, '\n');
    }
  return g_string_free (s, FALSE);
}

static gpointer
validate_thread (gpointer data)
{
  ThreadWork *work = data;

  work->ok = TRUE;
  for (int round = 0; round < 20 && work->ok; round++)
    {
      g_autofree char *d = digest (work->schema, work->records, work->n_records);

      work->ok = g_str_equal (d, work->expected);
    }
  return NULL;
}

/* One compiled schema, several threads validating at once, the same answers as alone. */
static void
test_threads (void)
{
  g_autoptr (DgJsonSchema) schema = compile (PERSON, DG_JSON_SCHEMA_FORMAT_ASSERT);
  static const char *const texts[] = {
    "{\"name\": \"Ana\", \"email\": \"ana@example.com\", \"tags\": [\"a\", \"b\"]}",
    "{\"name\": \"\", \"email\": \"x\", \"tags\": [\"A\", \"A\"], \"extra\": 1}",
    "{\"name\": \"Ion\", \"email\": \"ion@example.ro\", \"age\": 200, \"score\": 1.25}",
    "{\"address\": {\"city\": 3, \"zip\": \"1\"}, \"role\": \"root\"}",
    "[1, 2, 3]",
  };
  JsonNode *records[G_N_ELEMENTS (texts)];
  g_autofree char *expected = NULL;
  ThreadWork work[4];
  GThread *threads[4];

  for (gsize i = 0; i < G_N_ELEMENTS (texts); i++)
    records[i] = parse (texts[i]);
  expected = digest (schema, records, G_N_ELEMENTS (texts));
  for (gsize i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      work[i] = (ThreadWork){ schema, records, G_N_ELEMENTS (texts), expected, FALSE };
      threads[i] = g_thread_new ("validate", validate_thread, &work[i]);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      g_thread_join (threads[i]);
      g_assert_true (work[i].ok);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (texts); i++)
    json_node_unref (records[i]);
}

static gpointer
quote_values_thread (gpointer data)
{
  DgJsonSchema *schema = data;
  g_autoptr (JsonNode) instance = parse ("{\"c\": 1, \"e\": 2}");

  DG_TEST_REPEAT_MS (i, 500)
  {
    g_autoptr (GPtrArray) issues = NULL;

    g_assert_false (dg_json_schema_validate (schema, instance, &issues));
    g_assert_cmpuint (issues->len, ==, 2);
  }
  return NULL;
}

/*
 * Failures quote the schema's own values (const, enum). json-glib counts references to
 * objects, arrays and scalars without atomics, so threads quoting them at once must only
 * read them: a lost update would free a value under another thread.
 */
static void
test_threads_quote_values (void)
{
  g_autoptr (DgJsonSchema) schema =
      compile ("{\"properties\": {\"c\": {\"const\": {\"k\": [0.1, \"x\"]}},"
               " \"e\": {\"enum\": [[1], {\"a\": null}, 0.5, \"s\", true]}}}",
               DG_JSON_SCHEMA_NONE);
  g_autoptr (JsonNode) instance = parse ("{\"c\": 1, \"e\": 2}");
  g_autoptr (GPtrArray) issues = NULL;
  GThread *threads[4];

  for (gsize i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("validate", quote_values_thread, schema);
  for (gsize i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);

  g_assert_false (dg_json_schema_validate (schema, instance, &issues));
  g_assert_cmpuint (issues->len, ==, 2);
  g_assert_cmpstr (((DgJsonSchemaIssue *) issues->pdata[0])->message, ==,
                   "must be {\"k\":[0.1,\"x\"]}");
  g_assert_cmpstr (((DgJsonSchemaIssue *) issues->pdata[1])->message, ==,
                   "must be one of [[1],{\"a\":null},0.5,\"s\",true]");
}

static void
test_check_schema (void)
{
  static const struct
  {
    const char *schema;
    const char *issue; /* "location|message" of the first issue; NULL when valid */
  } cases[] = {
    { PERSON, NULL },
    { "true", NULL },
    { "{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"strin\"}}}",
      "/properties/a/type|must match at least one schema in “anyOf” (closest, alternative 0: "
      "must be one of [\"array\",\"boolean\",\"integer\",\"null\",\"number\",\"object\","
      "\"string\"])" },
    { "{\"minLength\": -1}", "/minLength|must be ≥ 0" },
    { "{\"required\": [\"a\", \"a\"]}", "/required|items 0 and 1 are equal; items must be unique" },
    { "{\"pattern\": \"(unclosed\"}", "/pattern|must be a valid regex" },
    { "{\"$id\": \"has space\"}", "/$id|must be a valid uri-reference" },
    { "{\"properties\": {\"a\": {\"$ref\": \"#/$defs/missing\"}}}",
      "/properties/a/$ref|cannot resolve $ref “#/$defs/missing”: “/$defs/missing” does not "
      "exist" },
    { "{\"$defs\": {\"a\": {\"$ref\": \"#/$defs/a\"}}, \"$ref\": \"#/$defs/a\"}",
      "/$defs/a|reference cycle: “#/$defs/a” → “#/$defs/a” applies to the same value forever" },
    { "{\"pattern\": \"(?<=a+)b\"}",
      "/pattern|pattern “(?<=a+)b” cannot be compiled: lookbehind assertion is not fixed "
      "length" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (JsonNode) node = parse (cases[i].schema);
      g_autoptr (GPtrArray) issues = NULL;
      g_autoptr (GError) error = NULL;
      gboolean valid = dg_json_schema_check_schema (node, &issues, &error);

      g_assert_no_error (error);
      if (cases[i].issue == NULL)
        {
          g_assert_true (valid);
          g_assert_cmpuint (issues->len, ==, 0);
        }
      else
        {
          DgJsonSchemaIssue *issue;
          g_autofree char *text = NULL;

          g_assert_false (valid);
          g_assert_cmpuint (issues->len, >=, 1);
          issue = g_ptr_array_index (issues, 0);
          text = g_strdup_printf ("%s|%s", issue->instance_location, issue->message);
          g_assert_cmpstr (text, ==, cases[i].issue);
        }
    }
}

static JsonNode *
resolve_test (const char *uri, gpointer user_data, GError **error)
{
  guint *calls = user_data;

  (*calls)++;
  if (g_str_equal (uri, "https://example.com/common.json"))
    return parse ("{\"$defs\": {\"zip\": {\"type\": \"string\", \"pattern\": \"^\\\\d{6}$\"}}}");
  if (g_str_equal (uri, "https://example.com/broken.json"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "not in the test's store");
      return NULL;
    }
  return NULL;
}

static void
test_resolver (void)
{
  g_autoptr (JsonNode) node = parse ("{\"$id\": \"https://example.com/person.json\","
                                     " \"properties\": {\"zip\": {\"$ref\": "
                                     "\"common.json#/$defs/zip\"}}}");
  g_autoptr (JsonNode) broken = parse ("{\"$ref\": \"https://example.com/broken.json\"}");
  g_autoptr (JsonNode) unknown = parse ("{\"$ref\": \"other.json\"}");
  g_autoptr (JsonNode) good = parse ("{\"zip\": \"400000\"}");
  g_autoptr (JsonNode) bad = parse ("{\"zip\": \"4000\"}");
  g_autoptr (DgJsonSchema) schema = NULL;
  g_autoptr (GError) error = NULL;
  guint calls = 0;

  schema = dg_json_schema_new_full (node, NULL, DG_JSON_SCHEMA_NONE, resolve_test, &calls, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (calls, ==, 1);
  g_assert_true (dg_json_schema_validate (schema, good, NULL));
  g_assert_false (dg_json_schema_validate (schema, bad, NULL));
  g_clear_pointer (&schema, dg_json_schema_unref);

  schema =
      dg_json_schema_new_full (broken, NULL, DG_JSON_SCHEMA_NONE, resolve_test, &calls, &error);
  g_assert_null (schema);
  g_assert_error (error, DG_JSON_SCHEMA_ERROR, DG_JSON_SCHEMA_ERROR_REF);
  g_assert_cmpstr (error->message, ==,
                   "cannot load “https://example.com/broken.json”: not in the test's store");
  g_clear_error (&error);

  schema = dg_json_schema_new_full (unknown, "https://example.com/dir/main.json",
                                    DG_JSON_SCHEMA_NONE, resolve_test, &calls, &error);
  g_assert_null (schema);
  g_assert_error (error, DG_JSON_SCHEMA_ERROR, DG_JSON_SCHEMA_ERROR_REF);
  g_assert_cmpstr (error->message, ==,
                   "cannot resolve $ref “other.json”: no schema has the URI "
                   "“https://example.com/dir/other.json” at /$ref");
}

/* format is an annotation unless asked for (or the meta-schema has format-assertion) */
static void
test_format_flag (void)
{
  g_autoptr (DgJsonSchema) annotate = compile ("{\"format\": \"date\"}", DG_JSON_SCHEMA_NONE);
  g_autoptr (DgJsonSchema) assert =
      compile ("{\"format\": \"date\"}", DG_JSON_SCHEMA_FORMAT_ASSERT);
  g_autoptr (DgJsonSchema) unknown =
      compile ("{\"format\": \"color\"}", DG_JSON_SCHEMA_FORMAT_ASSERT);
  g_autoptr (JsonNode) bad = parse ("\"2021-02-29\"");
  g_autoptr (JsonNode) good = parse ("\"2024-02-29\"");

  g_assert_true (dg_json_schema_validate (annotate, bad, NULL));
  g_assert_false (dg_json_schema_validate (assert, bad, NULL));
  g_assert_true (dg_json_schema_validate (assert, good, NULL));
  g_assert_true (dg_json_schema_validate (unknown, bad, NULL));
}

void
dg_test_json_schema_validate_add_tests (void)
{
  g_test_add_func ("/core/json-schema/validate/messages", test_messages);
  g_test_add_func ("/core/json-schema/validate/messages-applicators", test_messages_applicators);
  g_test_add_func ("/core/json-schema/validate/issue-to-string", test_issue_to_string);
  g_test_add_func ("/core/json-schema/validate/numbers", test_numbers);
  g_test_add_func ("/core/json-schema/validate/patterns", test_patterns);
  g_test_add_func ("/core/json-schema/validate/dfa", test_dfa);
  g_test_add_func ("/core/json-schema/validate/threads", test_threads);
  g_test_add_func ("/core/json-schema/validate/threads-quote-values", test_threads_quote_values);
  g_test_add_func ("/core/json-schema/validate/check-schema", test_check_schema);
  g_test_add_func ("/core/json-schema/validate/resolver", test_resolver);
  g_test_add_func ("/core/json-schema/validate/format-flag", test_format_flag);
}
