/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-test"

#include "config.h"

#include <string.h>

#include "dg-json-copy.h"
#include "dg-json-reader.h"
#include "dg-json-schema-private.h"
#include "dg-json-schema.h"
#include "dg-json-writer.h"
#include "dg-test-utils.h"
#include "test-json-schema.h"

/*
 * The JSON reader and deep copies, and hostile input for reader and validator: deep nesting, huge strings,
 * invalid UTF-8, reference cycles. The official suite, the validator's messages and
 * `datagems-cli validate` are in the other test-json-schema-*.c files.
 */

static JsonNode *
parse_ok (const char *text)
{
  g_autoptr (GError) error = NULL;
  JsonNode *node = dg_json_parse (text, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static void
test_reader_values (void)
{
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  JsonObject *object;
  JsonArray *array;
  gsize end = 0;

  node = parse_ok ("\xEF\xBB\xBF {\"a\": [1, -0, 1.0, 9223372036854775807, -9223372036854775808,"
                   " 9223372036854775808, 1e2, 2.5E-3, true, false, null],"
                   " \"s\": \"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" \\/ \\t\", \"a\": {\"dup\": 1}}");
  object = json_node_get_object (node);
  /* duplicate keys: the last one wins */
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "a")));
  g_assert_cmpstr (json_object_get_string_member (object, "s"), ==, "café 😀 \"q\" / \t");
  g_clear_pointer (&node, json_node_unref);

  node = parse_ok ("[1, -0, 1.0, 9223372036854775807, -9223372036854775808, "
                   "9223372036854775808, 1e2, 2.5E-3, true, false, null, \"\"]");
  array = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (array), ==, 12);
  g_assert_cmpint (json_node_get_value_type (json_array_get_element (array, 0)), ==, G_TYPE_INT64);
  g_assert_cmpint (json_array_get_int_element (array, 1), ==, 0);
  g_assert_cmpint (json_node_get_value_type (json_array_get_element (array, 2)), ==, G_TYPE_DOUBLE);
  g_assert_cmpint (json_array_get_int_element (array, 3), ==, G_MAXINT64);
  g_assert_cmpint (json_array_get_int_element (array, 4), ==, G_MININT64);
  /* beyond gint64: a double, never a wrapped integer */
  g_assert_cmpint (json_node_get_value_type (json_array_get_element (array, 5)), ==, G_TYPE_DOUBLE);
  g_assert_cmpfloat (json_array_get_double_element (array, 5), ==, 9223372036854775808.0);
  g_assert_cmpfloat (json_array_get_double_element (array, 6), ==, 100.0);
  g_assert_cmpfloat (json_array_get_double_element (array, 7), ==, 0.0025);
  g_assert_true (json_array_get_boolean_element (array, 8));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_array_get_element (array, 10)));
  g_clear_pointer (&node, json_node_unref);

  /* with end_offset, concatenated values can be read one by one */
  text = g_strdup ("{\"a\": 1}  [2] trailing prose");
  node = dg_json_parse_full (text, -1, DG_JSON_PARSE_NONE, 0, &end, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (end, ==, 10);
  g_clear_pointer (&node, json_node_unref);
  node = dg_json_parse_full (text + end, -1, DG_JSON_PARSE_NONE, 0, &end, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  g_assert_cmpstr (text + 10 + end, ==, "trailing prose");

  /* U+0000 only when asked for, and then the string ends there (as in JsonParser) */
  g_clear_pointer (&node, json_node_unref);
  node = dg_json_parse_full ("\"a\\u0000b\"", -1, DG_JSON_PARSE_ALLOW_NUL, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_node_get_string (node), ==, "a");
}

static void
test_reader_errors (void)
{
  static const struct
  {
    const char *text;
    DgJsonError code;
    const char *message;
  } cases[] = {
    { "", DG_JSON_ERROR_TRUNCATED, "line 1, column 1: no JSON value (empty input)" },
    { "  \n ", DG_JSON_ERROR_TRUNCATED, "line 2, column 2: no JSON value (empty input)" },
    { "{\"a\": 1,}", DG_JSON_ERROR_SYNTAX, "line 1, column 9: trailing comma before '}'" },
    { "[1, 2", DG_JSON_ERROR_TRUNCATED,
      "line 1, column 6: unexpected end of input, expected ',' or ']' after array element" },
    { "{\"a\" 1}", DG_JSON_ERROR_SYNTAX,
      "line 1, column 6: unexpected '1', expected ':' after object key" },
    { "{a: 1}", DG_JSON_ERROR_SYNTAX,
      "line 1, column 2: unexpected 'a', expected a string (object key)" },
    { "[01]", DG_JSON_ERROR_SYNTAX,
      "line 1, column 2: invalid number: leading zeros are not allowed" },
    { "[1.]", DG_JSON_ERROR_SYNTAX,
      "line 1, column 4: unexpected ']', expected a digit after the decimal point" },
    { "[NaN]", DG_JSON_ERROR_SYNTAX, "line 1, column 2: unexpected 'N', expected a JSON value" },
    { "[1e400]", DG_JSON_ERROR_NUMBER, "line 1, column 2: number 1e400 is too large for a double" },
    { "\"tab\there\"", DG_JSON_ERROR_SYNTAX,
      "line 1, column 5: control character U+0009 in string (it must be escaped)" },
    { "\"\\x41\"", DG_JSON_ERROR_SYNTAX, "line 1, column 2: invalid escape \\x in string" },
    { "\"\\ud800 x\"", DG_JSON_ERROR_ENCODING,
      "line 1, column 2: lone UTF-16 surrogate \\uD800 in string" },
    { "\"\\udc00\"", DG_JSON_ERROR_ENCODING,
      "line 1, column 2: lone UTF-16 surrogate \\uDC00 in string" },
    { "[\"ok\",\n \"caf\xC3\"]", DG_JSON_ERROR_ENCODING,
      "line 2, column 6: invalid UTF-8 in string" },
    { "\"\xED\xA0\x80\"", DG_JSON_ERROR_ENCODING, "line 1, column 2: invalid UTF-8 in string" },
    { "\"\xC0\xAF\"", DG_JSON_ERROR_ENCODING, "line 1, column 2: invalid UTF-8 in string" },
    { "\"a\\u0000\"", DG_JSON_ERROR_UNSUPPORTED,
      "line 1, column 3: \\u0000 in a string is not supported" },
    { "{} {}", DG_JSON_ERROR_TRAILING, "line 1, column 4: unexpected '{' after the JSON value" },
    { "tru", DG_JSON_ERROR_TRUNCATED, "line 1, column 4: unexpected end of input in 'true'" },
    { "// comment\n1", DG_JSON_ERROR_SYNTAX,
      "line 1, column 1: unexpected '/', expected a JSON value" },
    { "\xFF", DG_JSON_ERROR_SYNTAX,
      "line 1, column 1: unexpected byte 0xFF, expected a JSON value" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (JsonNode) node = dg_json_parse (cases[i].text, -1, &error);

      g_assert_null (node);
      g_assert_error (error, DG_JSON_ERROR, (int) cases[i].code);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

/* "[[[…1…]]]" or "{"a":{"a":…}}" nested @depth levels */
static char *
nested (guint depth, gboolean objects)
{
  GString *s = g_string_sized_new (depth * 6 + 2);

  for (guint i = 0; i < depth; i++)
    g_string_append (s, objects ? "{\"a\":" : "[");
  g_string_append_c (s, '1');
  for (guint i = 0; i < depth; i++)
    g_string_append_c (s, objects ? '}' : ']');
  return g_string_free (s, FALSE);
}

static void
test_reader_deep (void)
{
  g_autofree char *arrays = nested (10000, FALSE);
  g_autofree char *objects = nested (10000, TRUE);
  g_autofree char *ok = nested (DG_JSON_DEFAULT_MAX_DEPTH, FALSE);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = NULL;

  node = dg_json_parse (arrays, -1, &error);
  g_assert_null (node);
  g_assert_error (error, DG_JSON_ERROR, DG_JSON_ERROR_DEPTH);
  g_assert_cmpstr (error->message, ==, "line 1, column 513: nesting deeper than 512 levels");
  g_clear_error (&error);

  node = dg_json_parse (objects, -1, &error);
  g_assert_null (node);
  g_assert_error (error, DG_JSON_ERROR, DG_JSON_ERROR_DEPTH);
  g_clear_error (&error);

  node = dg_json_parse (ok, -1, &error);
  g_assert_no_error (error);
  g_clear_pointer (&node, json_node_unref);

  /* the limit is the caller's to raise; the reader itself never recurses */
  node = dg_json_parse_full (arrays, -1, DG_JSON_PARSE_NONE, 20000, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
}

/* A 50 MB string: read, measured and matched without trouble; bad UTF-8 at its end found. */
/* A copy keeps member order and values, and shares no object, array or value with its source. */
static void
test_copy (void)
{
  g_autoptr (JsonNode) source =
      parse_ok ("{\"z\": {\"b\": [1, 2.5, \"s\", true, null]}, \"a\": -0.1, \"m\": {}}");
  g_autoptr (JsonNode) copy = dg_json_copy (source);
  g_autoptr (JsonObject) object = dg_json_object_copy (json_node_get_object (source));
  g_autofree char *before = dg_json_to_string (source, DG_JSON_WRITE_COMPACT);
  g_autofree char *copied = dg_json_to_string (copy, DG_JSON_WRITE_COMPACT);
  g_autofree char *object_text = dg_json_object_to_string (object, DG_JSON_WRITE_COMPACT);
  g_autofree char *after = NULL;
  g_autoptr (JsonNode) shallow = NULL;
  g_autoptr (JsonNode) deep_enough = NULL;
  JsonObject *inner;

  g_assert_cmpstr (copied, ==, "{\"z\":{\"b\":[1,2.5,\"s\",true,null]},\"a\":-0.1,\"m\":{}}");
  g_assert_cmpstr (object_text, ==, copied);
  g_assert_true (json_node_get_object (copy) != json_node_get_object (source));
  inner = json_object_get_object_member (json_node_get_object (source), "z");
  g_assert_true (json_object_get_object_member (json_node_get_object (copy), "z") != inner);
  g_assert_false (json_node_is_immutable (copy));

  /* Changing the source leaves both copies alone. */
  json_array_add_int_element (json_object_get_array_member (inner, "b"), 7);
  json_object_set_string_member (json_node_get_object (source), "a", "changed");
  after = dg_json_to_string (copy, DG_JSON_WRITE_COMPACT);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpfloat (json_object_get_double_member (object, "a"), ==, -0.1);

  /* Levels: the root object, "z", "b", then its scalars. */
  shallow = dg_json_copy_full (copy, 3);
  g_assert_null (shallow);
  deep_enough = dg_json_copy_full (copy, 4);
  g_assert_nonnull (deep_enough);
}

static gpointer
copy_thread (gpointer data)
{
  JsonNode *shared = data;

  DG_TEST_REPEAT_MS (i, 500)
  {
    g_autoptr (JsonNode) copy = dg_json_copy (shared);

    g_assert_cmpint (json_array_get_length (json_node_get_array (copy)), ==, 4);
  }
  return NULL;
}

/* Threads may copy one tree at once: copying only reads (json_node_copy() would take
 * references, which json-glib counts without atomics). */
static void
test_copy_threads (void)
{
  g_autoptr (JsonNode) shared = parse_ok ("[{\"a\": [1]}, [\"x\"], 0.5, \"s\"]");
  g_autofree char *text = NULL;
  GThread *threads[4];

  json_node_seal (shared);
  for (gsize i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("copy", copy_thread, shared);
  for (gsize i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  text = dg_json_to_string (shared, DG_JSON_WRITE_COMPACT);
  g_assert_cmpstr (text, ==, "[{\"a\":[1]},[\"x\"],0.5,\"s\"]");
}

/* RFC 3986 5.4: every normal and abnormal example of reference resolution. */
static void
test_uri_resolve (void)
{
  static const char *const cases[][2] = {
    { "g:h", "g:h" },
    { "g", "http://a/b/c/g" },
    { "./g", "http://a/b/c/g" },
    { "g/", "http://a/b/c/g/" },
    { "/g", "http://a/g" },
    { "//g", "http://g" },
    { "?y", "http://a/b/c/d;p?y" },
    { "g?y", "http://a/b/c/g?y" },
    { "#s", "http://a/b/c/d;p?q#s" },
    { "g#s", "http://a/b/c/g#s" },
    { "g?y#s", "http://a/b/c/g?y#s" },
    { ";x", "http://a/b/c/;x" },
    { "g;x", "http://a/b/c/g;x" },
    { "g;x?y#s", "http://a/b/c/g;x?y#s" },
    { "", "http://a/b/c/d;p?q" },
    { ".", "http://a/b/c/" },
    { "./", "http://a/b/c/" },
    { "..", "http://a/b/" },
    { "../", "http://a/b/" },
    { "../g", "http://a/b/g" },
    { "../..", "http://a/" },
    { "../../", "http://a/" },
    { "../../g", "http://a/g" },
    { "../../../g", "http://a/g" },
    { "../../../../g", "http://a/g" },
    { "/./g", "http://a/g" },
    { "/../g", "http://a/g" },
    { "g.", "http://a/b/c/g." },
    { ".g", "http://a/b/c/.g" },
    { "g..", "http://a/b/c/g.." },
    { "..g", "http://a/b/c/..g" },
    { "./../g", "http://a/b/g" },
    { "./g/.", "http://a/b/c/g/" },
    { "g/./h", "http://a/b/c/g/h" },
    { "g/../h", "http://a/b/c/h" },
    { "g;x=1/./y", "http://a/b/c/g;x=1/y" },
    { "g;x=1/../y", "http://a/b/c/y" },
    { "g?y/./x", "http://a/b/c/g?y/./x" },
    { "g?y/../x", "http://a/b/c/g?y/../x" },
    { "g#s/./x", "http://a/b/c/g#s/./x" },
    { "g#s/../x", "http://a/b/c/g#s/../x" },
    { "http:g", "http:g" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *resolved = dg_js_uri_resolve ("http://a/b/c/d;p?q", cases[i][0]);

      g_assert_cmpstr (resolved, ==, cases[i][1]);
    }
  {
    /* A base with an authority and an empty path merges under "/". */
    g_autofree char *resolved = dg_js_uri_resolve ("http://a", "g");

    g_assert_cmpstr (resolved, ==, "http://a/g");
  }
}

static void
test_huge_string (void)
{
  const gsize size = 50 * 1024 * 1024;
  g_autofree char *text = g_malloc (size + 16);
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (JsonNode) schema_node = NULL;
  g_autoptr (DgJsonSchema) schema = NULL;
  g_autoptr (GPtrArray) issues = NULL;
  g_autoptr (GError) error = NULL;

  text[0] = '"';
  memset (text + 1, 'a', size);
  memcpy (text + 1 + size, "\"", 2);
  node = dg_json_parse (text, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (json_node_get_string (node)), ==, size);

  schema_node = parse_ok ("{\"type\": \"string\", \"maxLength\": 100, \"pattern\": \"^a+$\","
                          " \"format\": \"email\"}");
  schema = dg_json_schema_new (schema_node, DG_JSON_SCHEMA_FORMAT_ASSERT, &error);
  g_assert_no_error (error);
  g_assert_false (dg_json_schema_validate (schema, node, &issues));
  g_assert_cmpuint (issues->len, ==, 2);
  g_assert_cmpstr (((DgJsonSchemaIssue *) g_ptr_array_index (issues, 0))->message, ==,
                   "must be at most 100 characters long");
  g_assert_cmpstr (((DgJsonSchemaIssue *) g_ptr_array_index (issues, 1))->message, ==,
                   "must be a valid email");

  /* the same text with an invalid byte before the closing quote */
  g_clear_pointer (&node, json_node_unref);
  text[size] = '\xC3';
  node = dg_json_parse (text, -1, &error);
  g_assert_null (node);
  g_assert_error (error, DG_JSON_ERROR, DG_JSON_ERROR_ENCODING);
  g_assert_cmpstr (error->message, ==, "line 1, column 52428801: invalid UTF-8 in string");
}

static void
test_ref_cycle (void)
{
  static const struct
  {
    const char *schema;
    const char *message;
  } cases[] = {
    { "{\"$defs\": {\"a\": {\"$ref\": \"#/$defs/b\"}, \"b\": {\"$ref\": \"#/$defs/a\"}},"
      " \"$ref\": \"#/$defs/a\"}",
      "reference cycle: “#/$defs/a” → “#/$defs/b” → “#/$defs/a” applies to the same value "
      "forever at /$defs/a" },
    { "{\"$ref\": \"#\"}", "reference cycle: “#” → “#” applies to the same value forever" },
    { "{\"anyOf\": [{\"type\": \"string\"}, {\"allOf\": [{\"$ref\": \"#\"}]}]}",
      "reference cycle: “#” → “#/anyOf/1” → “#/anyOf/1/allOf/0” → “#” applies to the same "
      "value forever" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (JsonNode) node = parse_ok (cases[i].schema);
      g_autoptr (GError) error = NULL;
      g_autoptr (DgJsonSchema) schema = dg_json_schema_new (node, DG_JSON_SCHEMA_NONE, &error);

      g_assert_null (schema);
      g_assert_error (error, DG_JSON_SCHEMA_ERROR, DG_JSON_SCHEMA_ERROR_REF_CYCLE);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

static void
test_deep_schema (void)
{
  g_autofree char *text = nested (10000, TRUE);
  g_autoptr (GString) schema_text = g_string_new (NULL);
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (DgJsonSchema) schema = NULL;
  g_autoptr (GPtrArray) issues = NULL;

  /* {"properties": {"a": {"properties": {"a": … }}}} 5,000 levels of subschemas */
  for (guint i = 0; i < 5000; i++)
    g_string_append (schema_text, "{\"properties\": {\"a\": ");
  g_string_append (schema_text, "true");
  for (guint i = 0; i < 5000; i++)
    g_string_append (schema_text, "}}");
  node = dg_json_parse_full (schema_text->str, -1, DG_JSON_PARSE_NONE, 20000, NULL, &error);
  g_assert_no_error (error);
  schema = dg_json_schema_new (node, DG_JSON_SCHEMA_NONE, &error);
  g_assert_null (schema);
  g_assert_error (error, DG_JSON_SCHEMA_ERROR, DG_JSON_SCHEMA_ERROR_TOO_DEEP);
  g_assert_cmpstr (error->message, ==, "the schema is nested deeper than 1000 levels");
  g_clear_error (&error);
  g_assert_false (dg_json_schema_check_schema (node, &issues, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (issues->len, >=, 1);
}

/* A recursive schema against a 10,000-deep value (built with a raised reader limit). */
static void
test_deep_instance (void)
{
  g_autofree char *arrays = nested (10000, FALSE);
  g_autofree char *objects = nested (10000, TRUE);
  g_autoptr (JsonNode) deep_array = NULL;
  g_autoptr (JsonNode) deep_object = NULL;
  g_autoptr (JsonNode) schema_node = NULL;
  g_autoptr (DgJsonSchema) schema = NULL;
  g_autoptr (GPtrArray) issues = NULL;
  g_autoptr (GError) error = NULL;
  DgJsonSchemaIssue *issue;

  deep_array = dg_json_parse_full (arrays, -1, DG_JSON_PARSE_NONE, 20000, NULL, &error);
  g_assert_no_error (error);
  deep_object = dg_json_parse_full (objects, -1, DG_JSON_PARSE_NONE, 20000, NULL, &error);
  g_assert_no_error (error);

  schema_node = parse_ok ("{\"anyOf\": [{\"type\": \"integer\"}, {\"type\": \"array\", \"items\": "
                          "{\"$ref\": \"#\"}}], \"additionalProperties\": {\"$ref\": \"#\"}}");
  schema = dg_json_schema_new (schema_node, DG_JSON_SCHEMA_NONE, &error);
  g_assert_no_error (error);
  g_assert_false (dg_json_schema_validate (schema, deep_array, NULL));
  g_assert_false (dg_json_schema_validate (schema, deep_array, &issues));
  g_assert_cmpuint (issues->len, ==, 1);
  issue = g_ptr_array_index (issues, 0);
  g_assert_true (g_str_has_prefix (issue->message, "must match at least one schema in “anyOf”"));
  g_clear_pointer (&issues, g_ptr_array_unref);
  g_clear_pointer (&schema, dg_json_schema_unref);
  g_clear_pointer (&schema_node, json_node_unref);

  /* comparisons of deep values (const, enum, uniqueItems) stay bounded too */
  schema_node = parse_ok ("{\"additionalProperties\": {\"$ref\": \"#\"}, \"const\": {\"a\": 1},"
                          " \"enum\": [[1], {\"a\": {\"a\": 2}}]}");
  schema = dg_json_schema_new (schema_node, DG_JSON_SCHEMA_NONE, &error);
  g_assert_no_error (error);
  g_assert_false (dg_json_schema_validate (schema, deep_object, NULL));
  g_assert_false (dg_json_schema_validate (schema, deep_object, &issues));
  /* two issues per level, so the list is cut at its limit */
  g_assert_cmpuint (issues->len, ==, 101);
  issue = g_ptr_array_index (issues, 100);
  g_assert_cmpstr (issue->message, ==, "more than 100 errors; validation stopped here");
  g_clear_pointer (&issues, g_ptr_array_unref);
  g_clear_pointer (&schema, dg_json_schema_unref);
  g_clear_pointer (&schema_node, json_node_unref);

  /* without errors to report, the depth limit is what stops it */
  schema_node = parse_ok ("{\"additionalProperties\": {\"$ref\": \"#\"}}");
  schema = dg_json_schema_new (schema_node, DG_JSON_SCHEMA_NONE, &error);
  g_assert_no_error (error);
  g_assert_false (dg_json_schema_validate (schema, deep_object, &issues));
  g_assert_cmpuint (issues->len, ==, 1);
  issue = g_ptr_array_index (issues, 0);
  g_assert_cmpstr (issue->message, ==,
                   "evaluation is nested deeper than 1000 schemas (a recursive schema, or a "
                   "value nested too deeply)");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/core/json-schema/reader/values", test_reader_values);
  g_test_add_func ("/core/json-schema/reader/errors", test_reader_errors);
  g_test_add_func ("/core/json-schema/reader/deep", test_reader_deep);
  g_test_add_func ("/core/json-schema/copy/shares-nothing", test_copy);
  g_test_add_func ("/core/json-schema/copy/threads", test_copy_threads);
  g_test_add_func ("/core/json-schema/uri-resolve", test_uri_resolve);
  g_test_add_func ("/core/json-schema/hostile/huge-string", test_huge_string);
  g_test_add_func ("/core/json-schema/hostile/ref-cycle", test_ref_cycle);
  g_test_add_func ("/core/json-schema/hostile/deep-schema", test_deep_schema);
  g_test_add_func ("/core/json-schema/hostile/deep-instance", test_deep_instance);
  dg_test_json_schema_validate_add_tests ();
  dg_test_json_schema_suite_add_tests ();
  dg_test_json_schema_cli_add_tests ();
  return g_test_run ();
}
