/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-offline"

#include "config.h"

#include <gio/gio.h>
#include <math.h>
#include <string.h>

#include "dg-json-schema.h"
#include "dg-offline.h"
#include "dg-test-utils.h"
#include "test-offline.h"

/* A 10-property record of the kind users describe, with hints in the property names. */
static const char person_schema[] =
    "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\","
    "\"properties\":{"
    "\"customer_id\":{\"type\":\"string\"},"
    "\"first_name\":{\"type\":\"string\"},"
    "\"last_name\":{\"type\":\"string\"},"
    "\"customer_email\":{\"type\":\"string\"},"
    "\"phone\":{\"type\":\"string\"},"
    "\"age\":{\"type\":\"integer\"},"
    "\"city\":{\"type\":\"string\"},"
    "\"price\":{\"type\":\"number\",\"minimum\":0},"
    "\"created_at\":{\"type\":\"string\",\"format\":\"date-time\"},"
    "\"description\":{\"type\":\"string\"},"
    "\"nickname\":{\"type\":[\"string\",\"null\"]}},"
    "\"required\":[\"customer_id\",\"first_name\",\"last_name\",\"customer_email\",\"phone\","
    "\"age\",\"city\",\"price\",\"created_at\",\"description\"],"
    "\"additionalProperties\":false}";

JsonNode *
test_offline_parse (const char *json)
{
  GError *error = NULL;
  JsonNode *node = json_from_string (json, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

DgOfflineGenerator *
test_offline_compile (const char *json)
{
  g_autoptr (JsonNode) schema = test_offline_parse (json);
  g_autoptr (GError) error = NULL;
  DgOfflineGenerator *gen = dg_offline_generator_new (schema, &error);

  g_assert_no_error (error);
  g_assert_nonnull (gen);
  return gen;
}

JsonNode *
test_offline_generate (DgOfflineGenerator *gen, guint64 seed, gint64 index)
{
  g_autoptr (GError) error = NULL;
  JsonNode *record = dg_offline_generator_generate (gen, seed, index, &error);

  g_assert_no_error (error);
  g_assert_nonnull (record);
  return record;
}

char *
test_offline_to_string (JsonNode *node)
{
  return json_to_string (node, FALSE);
}

static char *
generate_text (DgOfflineGenerator *gen, guint64 seed, gint64 index)
{
  g_autoptr (JsonNode) record = test_offline_generate (gen, seed, index);
  return test_offline_to_string (record);
}

static gboolean
matches (const char *pattern, const char *text)
{
  return g_regex_match_simple (pattern, text, G_REGEX_DOLLAR_ENDONLY, 0);
}

static void
test_determinism (void)
{
  g_autoptr (DgOfflineGenerator) a = test_offline_compile (person_schema);
  g_autoptr (DgOfflineGenerator) b = test_offline_compile (person_schema);
  guint differ = 0;

  for (gint64 i = -3; i < 60; i++)
    {
      g_autofree char *first = generate_text (a, 7, i);
      g_autofree char *again = generate_text (a, 7, i);
      g_autofree char *other_gen = generate_text (b, 7, i);
      g_autofree char *other_seed = generate_text (a, 8, i);

      g_assert_cmpstr (first, ==, again);
      g_assert_cmpstr (first, ==, other_gen);
      differ += g_strcmp0 (first, other_seed) != 0;
    }
  g_assert_cmpuint (differ, ==, 63);
}

static void
test_variety (void)
{
  g_autoptr (DgOfflineGenerator) gen = test_offline_compile (person_schema);
  g_autoptr (GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) emails = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint with_nickname = 0, null_nickname = 0;
  gint64 youngest = G_MAXINT64, oldest = 0;
  const guint n = 300;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (JsonNode) record = test_offline_generate (gen, 1, i);
      JsonObject *obj = json_node_get_object (record);
      gint64 age = json_object_get_int_member (obj, "age");
      JsonNode *nick = json_object_get_member (obj, "nickname");

      g_hash_table_add (names, g_strdup (json_object_get_string_member (obj, "first_name")));
      g_hash_table_add (emails, g_strdup (json_object_get_string_member (obj, "customer_email")));
      youngest = MIN (youngest, age);
      oldest = MAX (oldest, age);
      with_nickname += nick != NULL;
      null_nickname += nick != NULL && JSON_NODE_HOLDS_NULL (nick);
    }
  g_assert_cmpuint (g_hash_table_size (names), >=, 40);
  g_assert_cmpuint (g_hash_table_size (emails), >=, n * 8 / 10);
  g_assert_cmpint (youngest, <=, 25);
  g_assert_cmpint (oldest, >=, 80);
  /* optional properties appear in most records but not all; nullable ones are sometimes null */
  g_assert_cmpuint (with_nickname, >=, n * 65 / 100);
  g_assert_cmpuint (with_nickname, <=, n * 93 / 100);
  g_assert_cmpuint (null_nickname, >=, 3);
  g_assert_cmpuint (null_nickname, <=, with_nickname / 4);
}

typedef struct
{
  DgOfflineGenerator *gen;
  char **out;
  guint n;
} ThreadJob;

static gpointer
thread_main (gpointer data)
{
  ThreadJob *job = data;

  for (guint i = 0; i < job->n; i++)
    job->out[i] = generate_text (job->gen, 99, (gint64) (job->n - 1 - i));
  return NULL;
}

static void
test_threads (void)
{
  g_autoptr (DgOfflineGenerator) gen = test_offline_compile (person_schema);
  const guint n = 150;
  ThreadJob jobs[4];
  GThread *threads[4];

  for (guint t = 0; t < 4; t++)
    {
      jobs[t].gen = gen;
      jobs[t].n = n;
      jobs[t].out = g_new0 (char *, n + 1);
      threads[t] = g_thread_new ("offline-test", thread_main, &jobs[t]);
    }
  for (guint t = 0; t < 4; t++)
    g_thread_join (threads[t]);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *expected = generate_text (gen, 99, (gint64) (n - 1 - i));
      for (guint t = 0; t < 4; t++)
        g_assert_cmpstr (jobs[t].out[i], ==, expected);
    }
  for (guint t = 0; t < 4; t++)
    g_strfreev (jobs[t].out);
}

/* Lower-case ASCII letters of @text, or NULL when it has other letters. */
static char *
ascii_slug (const char *text)
{
  GString *s = g_string_new (NULL);

  for (const char *p = text; *p; p++)
    {
      if ((guchar) *p >= 0x80)
        return (g_string_free (s, TRUE), NULL);
      if (g_ascii_isalnum (*p))
        g_string_append_c (s, g_ascii_tolower (*p));
    }
  return g_string_free (s, FALSE);
}

static void
test_hints (void)
{
  g_autoptr (DgOfflineGenerator) gen = test_offline_compile (person_schema);

  for (guint i = 0; i < 120; i++)
    {
      g_autoptr (JsonNode) record = test_offline_generate (gen, 3, i);
      JsonObject *obj = json_node_get_object (record);
      const char *email = json_object_get_string_member (obj, "customer_email");
      const char *first = json_object_get_string_member (obj, "first_name");
      const char *phone = json_object_get_string_member (obj, "phone");
      const char *description = json_object_get_string_member (obj, "description");
      const char *id = json_object_get_string_member (obj, "customer_id");
      double price = json_object_get_double_member (obj, "price");
      gint64 age = json_object_get_int_member (obj, "age");
      g_autofree char *last = ascii_slug (json_object_get_string_member (obj, "last_name"));
      g_autoptr (GDateTime) created =
          g_date_time_new_from_iso8601 (json_object_get_string_member (obj, "created_at"), NULL);

      g_assert_true (matches ("^[a-z0-9._]+@example\\.(com|org|net)$", email));
      g_assert_true (g_unichar_isupper (g_utf8_get_char (first)));
      /* phone numbers come only from ranges reserved for fiction */
      g_assert_true (matches (
          "^(\\+1 \\d{3}-555-01\\d\\d|\\+44 7700 900\\d{3}|\\+44 20 7946 0\\d{3})$", phone));
      g_assert_true (matches ("^CUS-[1-9]\\d{5}$", id));
      g_assert_cmpint (age, >=, 18);
      g_assert_cmpint (age, <=, 90);
      g_assert_cmpfloat (price, >=, 0);
      g_assert_cmpfloat (fabs (price * 100 - round (price * 100)), <, 1e-6);
      g_assert_nonnull (created);
      g_assert_nonnull (strchr (description, ' '));
      g_assert_cmpuint (strlen (json_object_get_string_member (obj, "city")), >, 1);
      /* the email belongs to the person of the record */
      if (last != NULL)
        g_assert_nonnull (strstr (email, last));
    }
}

static void
test_formats (void)
{
  static const char schema_json[] =
      "{\"type\":\"object\",\"properties\":{"
      "\"d\":{\"type\":\"string\",\"format\":\"date\"},"
      "\"dt\":{\"type\":\"string\",\"format\":\"date-time\"},"
      "\"t\":{\"type\":\"string\",\"format\":\"time\"},"
      "\"e\":{\"type\":\"string\",\"format\":\"email\"},"
      "\"u\":{\"type\":\"string\",\"format\":\"uuid\"},"
      "\"v4\":{\"type\":\"string\",\"format\":\"ipv4\"},"
      "\"v6\":{\"type\":\"string\",\"format\":\"ipv6\"},"
      "\"uri\":{\"type\":\"string\",\"format\":\"uri\"},"
      "\"ref\":{\"type\":\"string\",\"format\":\"uri-reference\"},"
      "\"h\":{\"type\":\"string\",\"format\":\"hostname\"},"
      "\"dur\":{\"type\":\"string\",\"format\":\"duration\"},"
      "\"ptr\":{\"type\":\"string\",\"format\":\"json-pointer\"},"
      "\"rx\":{\"type\":\"string\",\"format\":\"regex\"},"
      "\"tpl\":{\"type\":\"string\",\"format\":\"uri-template\"},"
      "\"rel\":{\"type\":\"string\",\"format\":\"relative-json-pointer\"},"
      "\"birth_date\":{\"type\":\"string\",\"format\":\"date\"}},"
      "\"required\":[\"d\",\"dt\",\"t\",\"e\",\"u\",\"v4\",\"v6\",\"uri\",\"ref\",\"h\",\"dur\","
      "\"ptr\",\"rx\",\"tpl\",\"rel\",\"birth_date\"]}";
  g_autoptr (DgOfflineGenerator) gen = test_offline_compile (schema_json);
  g_autoptr (JsonNode) schema = test_offline_parse (schema_json);
  g_autoptr (GError) error = NULL;
  g_autoptr (DgJsonSchema) validator =
      dg_json_schema_new (schema, DG_JSON_SCHEMA_FORMAT_ASSERT, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < 80; i++)
    {
      g_autoptr (JsonNode) record = test_offline_generate (gen, 5, i);
      JsonObject *o = json_node_get_object (record);
      g_autofree char *midnight =
          g_strconcat (json_object_get_string_member (o, "d"), "T00:00:00Z", NULL);
      g_autofree char *born =
          g_strconcat (json_object_get_string_member (o, "birth_date"), "T00:00:00Z", NULL);
      g_autoptr (GDateTime) date = g_date_time_new_from_iso8601 (midnight, NULL);
      g_autoptr (GDateTime) birth = g_date_time_new_from_iso8601 (born, NULL);
      g_autoptr (GDateTime) dt =
          g_date_time_new_from_iso8601 (json_object_get_string_member (o, "dt"), NULL);
      g_autoptr (GInetAddress) v4 =
          g_inet_address_new_from_string (json_object_get_string_member (o, "v4"));
      g_autoptr (GInetAddress) v6 =
          g_inet_address_new_from_string (json_object_get_string_member (o, "v6"));
      g_autoptr (GRegex) rx = g_regex_new (json_object_get_string_member (o, "rx"), 0, 0, NULL);
      g_autoptr (GUri) uri =
          g_uri_parse (json_object_get_string_member (o, "uri"), G_URI_FLAGS_NONE, NULL);

      g_assert_nonnull (date);
      g_assert_nonnull (dt);
      g_assert_cmpint (g_date_time_get_year (dt), >=, 2019);
      g_assert_cmpint (g_date_time_get_year (dt), <=, 2025);
      g_assert_nonnull (birth);
      g_assert_cmpint (g_date_time_get_year (birth), <=, 2006);
      g_assert_true (matches ("^([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\dZ$",
                              json_object_get_string_member (o, "t")));
      g_assert_true (matches ("^[a-z0-9._]+@example\\.(com|org|net)$",
                              json_object_get_string_member (o, "e")));
      g_assert_true (
          matches ("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
                   json_object_get_string_member (o, "u")));
      /* documentation ranges only: RFC 5737 and RFC 3849 */
      g_assert_nonnull (v4);
      g_assert_cmpint (g_inet_address_get_family (v4), ==, G_SOCKET_FAMILY_IPV4);
      g_assert_true (matches ("^(192\\.0\\.2|198\\.51\\.100|203\\.0\\.113)\\.",
                              json_object_get_string_member (o, "v4")));
      g_assert_nonnull (v6);
      g_assert_cmpint (g_inet_address_get_family (v6), ==, G_SOCKET_FAMILY_IPV6);
      g_assert_true (g_str_has_prefix (json_object_get_string_member (o, "v6"), "2001:db8:"));
      g_assert_nonnull (uri);
      g_assert_true (matches ("(^|\\.)example\\.(com|org|net)$", g_uri_get_host (uri)));
      g_assert_true (
          matches ("(^|\\.)example\\.(com|org|net)$", json_object_get_string_member (o, "h")));
      g_assert_true (g_str_has_prefix (json_object_get_string_member (o, "ref"), "/"));
      g_assert_true (g_str_has_prefix (json_object_get_string_member (o, "dur"), "P"));
      g_assert_true (g_str_has_prefix (json_object_get_string_member (o, "ptr"), "/"));
      g_assert_nonnull (rx);
      g_assert_true (dg_json_schema_validate (validator, record, NULL));
    }
}

typedef struct
{
  const char *schema;
  double lo, hi;
  gboolean lo_excl, hi_excl;
  double multiple; /* 0: none */
  gboolean integer;
  guint min_distinct;
} NumberCase;

static void
test_numbers (void)
{
  static const NumberCase cases[] = {
    { "{\"type\":\"integer\",\"minimum\":-5,\"maximum\":5}", -5, 5, 0, 0, 0, 1, 9 },
    { "{\"type\":\"integer\",\"exclusiveMinimum\":0,\"exclusiveMaximum\":3}", 1, 2, 0, 0, 0, 1, 2 },
    { "{\"type\":\"number\",\"exclusiveMinimum\":0,\"exclusiveMaximum\":1}", 0, 1, 1, 1, 0, 0, 20 },
    { "{\"type\":\"number\",\"minimum\":1.5,\"maximum\":1.5}", 1.5, 1.5, 0, 0, 0, 0, 1 },
    { "{\"type\":\"integer\",\"multipleOf\":7,\"minimum\":100,\"maximum\":200}", 100, 200, 0, 0, 7,
      1, 10 },
    { "{\"type\":\"number\",\"multipleOf\":0.25,\"minimum\":0,\"maximum\":2}", 0, 2, 0, 0, 0.25, 0,
      6 },
    { "{\"type\":\"integer\",\"multipleOf\":1.5,\"minimum\":0,\"maximum\":30}", 0, 30, 0, 0, 3, 1,
      6 },
    { "{\"type\":\"number\",\"multipleOf\":0.01,\"minimum\":10,\"maximum\":20}", 10, 20, 0, 0, 0.01,
      0, 50 },
    { "{\"type\":\"integer\",\"minimum\":1000000000000}", 1e12, 1e15, 0, 0, 0, 1, 50 },
    { "{\"type\":\"integer\",\"maximum\":-1000}", -1e15, -1000, 0, 0, 0, 1, 50 },
    { "{\"type\":\"number\",\"maximum\":-0.5,\"exclusiveMaximum\":-1}", -1e15, -1, 0, 1, 0, 0, 50 },
    { "{\"type\":\"integer\",\"multipleOf\":1e-8,\"minimum\":1,\"maximum\":9}", 1, 9, 0, 0, 0, 1,
      5 },
    { "{\"type\":\"number\",\"minimum\":0,\"maximum\":3,\"not\":{\"type\":\"integer\"}}", 0, 3, 0,
      0, 0, 0, 20 },
    { "{\"type\":\"number\",\"multipleOf\":0.1,\"minimum\":35,\"maximum\":41}", 35, 41, 0, 0, 0.1,
      0, 20 },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      const NumberCase *k = &cases[c];
      g_autoptr (DgOfflineGenerator) gen = test_offline_compile (k->schema);
      g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      g_test_message ("schema %s", k->schema);
      for (guint i = 0; i < 200; i++)
        {
          g_autoptr (JsonNode) value = test_offline_generate (gen, 11, i);
          double v = json_node_get_double (value);

          g_assert_true (JSON_NODE_HOLDS_VALUE (value));
          g_assert_cmpfloat (v, >=, k->lo);
          g_assert_cmpfloat (v, <=, k->hi);
          if (k->lo_excl)
            g_assert_cmpfloat (v, >, k->lo);
          if (k->hi_excl)
            g_assert_cmpfloat (v, <, k->hi);
          if (k->integer)
            g_assert_cmpint (json_node_get_value_type (value), ==, G_TYPE_INT64);
          if (k->multiple != 0)
            {
              double q = v / k->multiple;
              g_assert_cmpfloat (fabs (q - round (q)), <, 1e-6);
            }
          if (strstr (k->schema, "\"not\""))
            g_assert_cmpfloat (v, !=, floor (v));
          g_hash_table_add (seen, g_strdup_printf ("%.17g", v));
        }
      g_assert_cmpuint (g_hash_table_size (seen), >=, k->min_distinct);
    }
}

static void
test_strings (void)
{
  static const struct
  {
    const char *schema;
    glong min, max;
  } cases[] = {
    { "{\"type\":\"string\",\"minLength\":300}", 300, G_MAXLONG },
    { "{\"type\":\"string\",\"maxLength\":0}", 0, 0 },
    { "{\"type\":\"string\",\"minLength\":7,\"maxLength\":7}", 7, 7 },
    { "{\"type\":\"object\",\"properties\":{\"description\":{\"type\":\"string\",\"maxLength\":20}}"
      ","
      "\"required\":[\"description\"]}",
      1, 20 },
    { "{\"type\":\"object\",\"properties\":{\"first_name\":{\"type\":\"string\",\"maxLength\":5}},"
      "\"required\":[\"first_name\"]}",
      1, 5 },
    { "{\"type\":\"object\",\"properties\":{\"email\":{\"type\":\"string\",\"minLength\":40,"
      "\"maxLength\":50}},\"required\":[\"email\"]}",
      40, 50 },
    { "{\"type\":\"string\",\"format\":\"email\",\"minLength\":5,\"maxLength\":8}", 5, 8 },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr (DgOfflineGenerator) gen = test_offline_compile (cases[c].schema);

      g_test_message ("schema %s", cases[c].schema);
      for (guint i = 0; i < 100; i++)
        {
          g_autoptr (JsonNode) value = test_offline_generate (gen, 2, i);
          JsonNode *s =
              JSON_NODE_HOLDS_OBJECT (value)
                  ? json_object_get_member (json_node_get_object (value),
                                            strstr (cases[c].schema, "first_name")  ? "first_name"
                                            : strstr (cases[c].schema, "email\":{") ? "email"
                                                                                    : "description")
                  : value;
          glong length = g_utf8_strlen (json_node_get_string (s), -1);

          g_assert_cmpint (length, >=, cases[c].min);
          g_assert_cmpint (length, <=, cases[c].max);
        }
    }
}

static void
test_patterns (void)
{
  static const struct
  {
    const char *pattern;
    const char *extra; /* more keywords, e.g. lengths */
  } cases[] = {
    { "^[a-z]{3}-\\\\d{2,4}$", "" },
    { "^(foo|bar)+$", ",\"maxLength\":12" },
    { "^[A-Z][a-z]+ [A-Z][a-z]+$", "" },
    { "\\\\d{3}", ",\"minLength\":10" },
    { "^[^aeiou\\\\s]{5}$", "" },
    { "^\\\\w+@\\\\w+\\\\.(com|org)$", "" },
    { "^#[0-9a-fA-F]{6}$", "" },
    { "^(\\\\+\\\\d{1,3} )?\\\\d{3}-\\\\d{4}$", "" },
    { "^.{2,5}$", "" },
    { "^[\\\\u0100-\\\\u017f]{3}$", "" },
    { "^a?b*c+$", ",\"minLength\":4,\"maxLength\":9" },
    { "^(?:[01]\\\\d|2[0-3]):[0-5]\\\\d$", "" },
    { "^(?<year>\\\\d{4})-(?<month>0[1-9]|1[0-2])$", "" },
    { "^\\\\$?\\\\d+(\\\\.\\\\d\\\\d)?$", "" },
    { "^\\\\x41\\\\u0042C$", "" },
    { "^[\\\\w.-]+$", ",\"minLength\":20,\"maxLength\":20" },
    { "^[A-Z]{2}\\\\d{2}[A-Z0-9]{4}\\\\d{7}([A-Z0-9]?){0,16}$", "" },
    /* outside the generator's subset: candidates checked with the regex engine */
    { "^(?=.*\\\\d)[a-z\\\\d]{4,12}$", "" },
    { "^\\\\p{Letter}+$", "" },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autofree char *schema = g_strdup_printf ("{\"type\":\"string\",\"pattern\":\"%s\"%s}",
                                                 cases[c].pattern, cases[c].extra);
      g_autoptr (DgOfflineGenerator) gen = test_offline_compile (schema);
      g_autoptr (JsonNode) parsed = test_offline_parse (schema);
      g_autoptr (GError) error = NULL;
      g_autoptr (DgJsonSchema) validator = dg_json_schema_new (parsed, DG_JSON_SCHEMA_NONE, &error);
      g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      g_assert_no_error (error);
      g_test_message ("schema %s", schema);
      for (guint i = 0; i < 100; i++)
        {
          g_autoptr (JsonNode) value = test_offline_generate (gen, 4, i);

          /* judged with ECMA-262 semantics, as records are */
          g_assert_true (dg_json_schema_validate (validator, value, NULL));
          g_hash_table_add (seen, g_strdup (json_node_get_string (value)));
        }
      g_assert_cmpuint (g_hash_table_size (seen), >=, strstr (schema, "x41") ? 1 : 3);
    }
}

static JsonArray *
array_of (JsonNode *node)
{
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  return json_node_get_array (node);
}

static void
test_arrays (void)
{
  g_autoptr (DgOfflineGenerator) sized = test_offline_compile (
      "{\"type\":\"array\",\"items\":{\"type\":\"integer\"},\"minItems\":2,\"maxItems\":4}");
  g_autoptr (DgOfflineGenerator) unique = test_offline_compile (
      "{\"type\":\"array\",\"items\":{\"enum\":[\"a\",\"b\",\"c\"]},\"minItems\":3,"
      "\"uniqueItems\":true}");
  g_autoptr (DgOfflineGenerator) tuple = test_offline_compile (
      "{\"type\":\"array\",\"prefixItems\":[{\"type\":\"string\",\"format\":\"date\"},"
      "{\"type\":\"integer\"}],\"items\":false,\"minItems\":2}");
  g_autoptr (DgOfflineGenerator) contains = test_offline_compile (
      "{\"type\":\"array\",\"items\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":100},"
      "\"contains\":{\"minimum\":90},\"minContains\":2,\"maxContains\":3,\"maxItems\":6}");
  guint lengths[5] = { 0 };

  for (guint i = 0; i < 100; i++)
    {
      g_autoptr (JsonNode) a = test_offline_generate (sized, 1, i);
      g_autoptr (JsonNode) b = test_offline_generate (unique, 1, i);
      g_autoptr (JsonNode) c = test_offline_generate (tuple, 1, i);
      g_autoptr (JsonNode) d = test_offline_generate (contains, 1, i);
      guint n = json_array_get_length (array_of (a));
      JsonArray *u = array_of (b);
      guint high = 0;

      g_assert_cmpuint (n, >=, 2);
      g_assert_cmpuint (n, <=, 4);
      lengths[n]++;
      g_assert_cmpuint (json_array_get_length (u), ==, 3);
      g_assert_cmpstr (json_array_get_string_element (u, 0), !=,
                       json_array_get_string_element (u, 1));
      g_assert_cmpstr (json_array_get_string_element (u, 1), !=,
                       json_array_get_string_element (u, 2));
      g_assert_cmpstr (json_array_get_string_element (u, 0), !=,
                       json_array_get_string_element (u, 2));
      g_assert_cmpuint (json_array_get_length (array_of (c)), ==, 2);
      g_assert_true (
          matches ("^\\d{4}-\\d\\d-\\d\\d$", json_array_get_string_element (array_of (c), 0)));
      g_assert_cmpint (json_node_get_value_type (json_array_get_element (array_of (c), 1)), ==,
                       G_TYPE_INT64);
      for (guint k = 0; k < json_array_get_length (array_of (d)); k++)
        high += json_array_get_int_element (array_of (d), k) >= 90;
      g_assert_cmpuint (high, >=, 2);
      g_assert_cmpuint (high, <=, 3);
    }
  g_assert_cmpuint (lengths[2], >, 0);
  g_assert_cmpuint (lengths[3], >, 0);
  g_assert_cmpuint (lengths[4], >, 0);
}

static void
test_objects (void)
{
  g_autoptr (DgOfflineGenerator) optional = test_offline_compile (
      "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"a\":{},\"b\":{},"
      "\"c\":{},\"d\":{},\"e\":{},\"f\":{},\"g\":{},\"h\":{}},\"required\":[\"id\"],"
      "\"additionalProperties\":false}");
  g_autoptr (DgOfflineGenerator) patterned = test_offline_compile (
      "{\"type\":\"object\",\"patternProperties\":{\"^x_[a-z]{3}$\":{\"type\":\"integer\"}},"
      "\"additionalProperties\":false,\"minProperties\":3}");
  g_autoptr (DgOfflineGenerator) capped = test_offline_compile (
      "{\"type\":\"object\",\"properties\":{\"a\":{},\"b\":{},\"c\":{},\"d\":{},\"e\":{}},"
      "\"maxProperties\":2}");
  g_autoptr (DgOfflineGenerator) dependent = test_offline_compile (
      "{\"type\":\"object\",\"properties\":{\"card\":{\"type\":\"string\"},"
      "\"billing_address\":{\"type\":\"string\"}},\"dependentRequired\":{\"card\":"
      "[\"billing_address\"]}}");
  guint present = 0;

  for (guint i = 0; i < 200; i++)
    {
      g_autoptr (JsonNode) a = test_offline_generate (optional, 6, i);
      g_autoptr (JsonNode) b = test_offline_generate (patterned, 6, i);
      g_autoptr (JsonNode) c = test_offline_generate (capped, 6, i);
      g_autoptr (JsonNode) d = test_offline_generate (dependent, 6, i);
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      g_assert_true (json_object_has_member (json_node_get_object (a), "id"));
      present += json_object_get_size (json_node_get_object (a)) - 1;
      g_assert_cmpuint (json_object_get_size (json_node_get_object (b)), >=, 3);
      json_object_iter_init (&iter, json_node_get_object (b));
      while (json_object_iter_next (&iter, &name, &member))
        {
          g_assert_true (matches ("^x_[a-z]{3}$", name));
          g_assert_cmpint (json_node_get_value_type (member), ==, G_TYPE_INT64);
        }
      g_assert_cmpuint (json_object_get_size (json_node_get_object (c)), <=, 2);
      if (json_object_has_member (json_node_get_object (d), "card"))
        g_assert_true (json_object_has_member (json_node_get_object (d), "billing_address"));
    }
  /* optional properties: present deterministically by a ratio of about 80% */
  g_assert_cmpuint (present, >=, 200 * 8 * 70 / 100);
  g_assert_cmpuint (present, <=, 200 * 8 * 90 / 100);
}

static guint
tree_depth (JsonNode *node)
{
  JsonObject *obj = json_node_get_object (node);
  JsonArray *children;
  guint deepest = 0;

  if (!json_object_has_member (obj, "children"))
    return 1;
  children = json_object_get_array_member (obj, "children");
  for (guint i = 0; i < json_array_get_length (children); i++)
    deepest = MAX (deepest, tree_depth (json_array_get_element (children, i)));
  return deepest + 1;
}

static void
test_combinators (void)
{
  g_autoptr (DgOfflineGenerator) tree = test_offline_compile (
      "{\"$defs\":{\"node\":{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},"
      "\"children\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/node\"}}},"
      "\"required\":[\"name\"]}},\"$ref\":\"#/$defs/node\"}");
  g_autoptr (DgOfflineGenerator) all = test_offline_compile (
      "{\"allOf\":[{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}},"
      "\"required\":[\"a\"]},{\"properties\":{\"a\":{\"minimum\":10,\"maximum\":12}}}]}");
  g_autoptr (DgOfflineGenerator) any = test_offline_compile (
      "{\"anyOf\":[{\"type\":\"string\",\"maxLength\":3},{\"type\":\"integer\",\"minimum\":100}]}");
  g_autoptr (DgOfflineGenerator) one = test_offline_compile (
      "{\"type\":\"integer\",\"minimum\":1,\"maximum\":100,\"oneOf\":[{\"multipleOf\":3},"
      "{\"multipleOf\":5}]}");
  g_autoptr (DgOfflineGenerator) not = test_offline_compile (
      "{\"type\":\"integer\",\"minimum\":0,\"maximum\":10,\"not\":{\"enum\":[3,4,5]}}");
  g_autoptr (DgOfflineGenerator) cond = test_offline_compile (
      "{\"type\":\"object\",\"properties\":{\"country\":{\"enum\":[\"US\",\"RO\"]},"
      "\"zip\":{\"type\":\"string\"}},\"required\":[\"country\",\"zip\"],"
      "\"if\":{\"properties\":{\"country\":{\"const\":\"US\"}}},"
      "\"then\":{\"properties\":{\"zip\":{\"pattern\":\"^\\\\d{5}$\"}}},"
      "\"else\":{\"properties\":{\"zip\":{\"pattern\":\"^\\\\d{6}$\"}}}}");
  g_autoptr (DgOfflineGenerator) constant =
      test_offline_compile ("{\"const\":{\"a\":[1,2.5,null]}}");
  g_autoptr (DgOfflineGenerator) null_only = test_offline_compile ("{\"type\":\"null\"}");
  g_autoptr (DgOfflineGenerator) anything = test_offline_compile ("true");
  guint strings = 0, us = 0;

  for (guint i = 0; i < 200; i++)
    {
      g_autoptr (JsonNode) t = test_offline_generate (tree, 8, i);
      g_autoptr (JsonNode) a = test_offline_generate (all, 8, i);
      g_autoptr (JsonNode) b = test_offline_generate (any, 8, i);
      g_autoptr (JsonNode) o = test_offline_generate (one, 8, i);
      g_autoptr (JsonNode) n = test_offline_generate (not, 8, i);
      g_autoptr (JsonNode) c = test_offline_generate (cond, 8, i);
      g_autoptr (JsonNode) k = test_offline_generate (constant, 8, i);
      g_autoptr (JsonNode) z = test_offline_generate (null_only, 8, i);
      g_autoptr (JsonNode) x = test_offline_generate (anything, 8, i);
      g_autofree char *k_text = test_offline_to_string (k);
      gint64 a_value = json_object_get_int_member (json_node_get_object (a), "a");
      gint64 o_value = json_node_get_int (o);
      gint64 n_value = json_node_get_int (n);
      JsonObject *co = json_node_get_object (c);

      g_assert_cmpuint (tree_depth (t), <=, 12);
      g_assert_cmpint (a_value, >=, 10);
      g_assert_cmpint (a_value, <=, 12);
      if (json_node_get_value_type (b) == G_TYPE_STRING)
        {
          g_assert_cmpint (strlen (json_node_get_string (b)), <=, 3);
          strings++;
        }
      else
        g_assert_cmpint (json_node_get_int (b), >=, 100);
      /* exactly one of the branches: never a multiple of 15 */
      g_assert_true ((o_value % 3 == 0) != (o_value % 5 == 0));
      g_assert_true (n_value < 3 || n_value > 5);
      if (g_str_equal (json_object_get_string_member (co, "country"), "US"))
        {
          us++;
          g_assert_true (matches ("^\\d{5}$", json_object_get_string_member (co, "zip")));
        }
      else
        g_assert_true (matches ("^\\d{6}$", json_object_get_string_member (co, "zip")));
      g_assert_cmpstr (k_text, ==, "{\"a\":[1,2.5,null]}");
      g_assert_true (JSON_NODE_HOLDS_NULL (z));
      g_assert_nonnull (x);
    }
  g_assert_cmpuint (strings, >, 20);
  g_assert_cmpuint (strings, <, 180);
  g_assert_cmpuint (us, >, 20);
  g_assert_cmpuint (us, <, 180);
}

static void
test_errors (void)
{
  static const struct
  {
    const char *schema;
    DgOfflineError code;
    const char *needle;
  } cases[] = {
    { "{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"integer\",\"minimum\":10,"
      "\"maximum\":5}}}",
      DG_OFFLINE_ERROR_UNSATISFIABLE, "at /properties/x" },
    { "{\"properties\":{\"s\":{\"type\":\"string\",\"minLength\":5,\"maxLength\":2}}}",
      DG_OFFLINE_ERROR_UNSATISFIABLE, "at /properties/s" },
    { "{\"type\":\"strin\"}", DG_OFFLINE_ERROR_INVALID_SCHEMA, "\"strin\"" },
    { "{\"type\":\"integer\",\"minimum\":\"5\"}", DG_OFFLINE_ERROR_INVALID_SCHEMA, "minimum" },
    { "{\"type\":\"integer\",\"multipleOf\":0}", DG_OFFLINE_ERROR_INVALID_SCHEMA, "multipleOf" },
    { "{\"$ref\":\"https://example.com/other.json\"}", DG_OFFLINE_ERROR_UNSUPPORTED, "outside" },
    { "{\"$ref\":\"#/$defs/missing\"}", DG_OFFLINE_ERROR_INVALID_SCHEMA, "does not resolve" },
    { "{\"items\":{\"$dynamicRef\":\"#meta\"}}", DG_OFFLINE_ERROR_UNSUPPORTED, "at /items" },
    { "{\"type\":\"object\",\"properties\":{\"a\":false},\"required\":[\"a\"]}",
      DG_OFFLINE_ERROR_UNSATISFIABLE, "\"a\"" },
    { "{\"enum\":[]}", DG_OFFLINE_ERROR_UNSATISFIABLE, "enum" },
    { "{\"type\":\"string\",\"enum\":[1,2]}", DG_OFFLINE_ERROR_UNSATISFIABLE, "enum" },
    { "{\"type\":\"integer\",\"minimum\":1.2,\"maximum\":1.8}", DG_OFFLINE_ERROR_UNSATISFIABLE,
      "integer" },
    { "{\"properties\":{\"code\":{\"type\":\"string\",\"pattern\":\"(unclosed\"}}}",
      DG_OFFLINE_ERROR_INVALID_SCHEMA, "/properties/code/pattern" },
    { "{\"properties\":{\"code\":{\"type\":\"string\",\"pattern\":\"^\\\\bzq\\\\b$\"}}}",
      DG_OFFLINE_ERROR_UNSUPPORTED, "word boundaries" },
    { "{\"not\":{}}", DG_OFFLINE_ERROR_UNSATISFIABLE, "not" },
    { "false", DG_OFFLINE_ERROR_UNSATISFIABLE, "false" },
    { "{\"type\":\"array\",\"items\":{\"type\":\"boolean\"},\"minItems\":3,\"uniqueItems\":true}",
      DG_OFFLINE_ERROR_FAILED, "uniqueItems" },
    { "{\"type\":\"object\",\"properties\":{\"next\":{\"$ref\":\"#\"}},\"required\":[\"next\"]}",
      DG_OFFLINE_ERROR_FAILED, "recursive" },
    { "[1,2]", DG_OFFLINE_ERROR_INVALID_SCHEMA, "object or a boolean" },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr (JsonNode) schema = test_offline_parse (cases[c].schema);
      g_autoptr (GError) error = NULL;
      g_autoptr (DgOfflineGenerator) gen = dg_offline_generator_new (schema, &error);

      g_test_message ("schema %s: %s", cases[c].schema, error != NULL ? error->message : "(none)");
      g_assert_null (gen);
      g_assert_error (error, DG_OFFLINE_ERROR, (gint) cases[c].code);
      g_assert_nonnull (strstr (error->message, cases[c].needle));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/offline/determinism", test_determinism);
  g_test_add_func ("/core/offline/variety", test_variety);
  g_test_add_func ("/core/offline/threads", test_threads);
  g_test_add_func ("/core/offline/hints", test_hints);
  g_test_add_func ("/core/offline/formats", test_formats);
  g_test_add_func ("/core/offline/numbers", test_numbers);
  g_test_add_func ("/core/offline/strings", test_strings);
  g_test_add_func ("/core/offline/patterns", test_patterns);
  g_test_add_func ("/core/offline/arrays", test_arrays);
  g_test_add_func ("/core/offline/objects", test_objects);
  g_test_add_func ("/core/offline/combinators", test_combinators);
  g_test_add_func ("/core/offline/errors", test_errors);
  test_offline_add_validation_tests ();
  test_offline_add_template_tests ();
  return g_test_run ();
}
