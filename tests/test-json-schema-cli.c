/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-test"

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "dg-test-utils.h"
#include "test-json-schema.h"

/* `datagems-cli validate`, run as the built binary ($DG_CLI). */

#define SCHEMA                                                                            \
  "{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", \"type\": \"object\"," \
  " \"properties\": {\"name\": {\"type\": \"string\", \"minLength\": 1},"                 \
  " \"age\": {\"type\": \"integer\", \"minimum\": 0, \"maximum\": 120},"                  \
  " \"email\": {\"type\": \"string\", \"format\": \"email\"}},"                           \
  " \"required\": [\"name\", \"email\"], \"additionalProperties\": false}"

typedef struct
{
  int status;
  char *out;
  char *err;
} Result;

static void
result_clear (Result *r)
{
  g_free (r->out);
  g_free (r->err);
}

/* Runs datagems-cli with @args (NULL-terminated), feeding @stdin_text; FALSE to skip. */
static gboolean
run_cli (Result *r, const char *stdin_text, const char *const *args)
{
  const char *cli = g_getenv ("DG_CLI");
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;

  if (cli == NULL || !g_file_test (cli, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("DG_CLI does not name the built datagems-cli");
      return FALSE;
    }
  g_ptr_array_add (argv, (gpointer) cli);
  g_ptr_array_add (argv, "validate");
  for (gsize i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char *const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                   G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, stdin_text, NULL, &r->out, &r->err, &error);
  g_assert_no_error (error);
  r->status = g_subprocess_get_exit_status (process);
  return TRUE;
}

static char *
write_file (DgTestDir *dir, const char *name, const char *contents)
{
  char *path = dg_test_dir_file (dir, name);
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

static void
test_cli_valid (void)
{
  g_autoptr (DgTestDir) dir = dg_test_dir_new ();
  g_autofree char *schema = write_file (dir, "schema.json", SCHEMA);
  g_autofree char *data =
      write_file (dir, "data.jsonl",
                  "{\"name\": \"Ana\", \"age\": 30, \"email\": \"ana@example.com\"}\n"
                  "\n"
                  "{\"name\": \"Ion\", \"email\": \"ion@example.ro\"}\n");
  Result r = { 0 };

  if (!run_cli (&r, NULL, (const char *const[]){ schema, data, NULL }))
    return;
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, "2 records: 2 valid, 0 invalid\n");
  result_clear (&r);

  /* the schema alone */
  if (!run_cli (&r, NULL, (const char *const[]){ schema, NULL }))
    return;
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "a valid JSON Schema"));
  result_clear (&r);
}

static void
test_cli_invalid_records (void)
{
  g_autoptr (DgTestDir) dir = dg_test_dir_new ();
  g_autofree char *schema = write_file (dir, "schema.json", SCHEMA);
  g_autofree char *data = write_file (dir, "data.jsonl",
                                      "{\"name\": \"Ana\", \"email\": \"ana@example.com\"}\n"
                                      "{\"name\": \"\", \"age\": 130, \"extra\": 1}\n"
                                      "{\"name\": \"x\", oops}\n"
                                      "{\"name\": \"Dan\", \"email\": \"not an address\"}\n");
  g_auto (GStrv) lines = NULL;
  Result r = { 0 };

  if (!run_cli (&r, NULL, (const char *const[]){ schema, data, NULL }))
    return;
  g_assert_cmpint (r.status, ==, 1);
  lines = g_strsplit (r.out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  g_assert_cmpstr (lines[0], ==,
                   "line 2: (root): missing required property “email” (at /required); "
                   "/name: must be at least 1 character long (at /properties/name/minLength); "
                   "/age: must be ≤ 120 (at /properties/age/maximum); "
                   "/extra: property “extra” is not allowed (at /additionalProperties)");
  g_assert_cmpstr (lines[1], ==,
                   "line 3: not valid JSON: column 15: unexpected 'o', expected a string "
                   "(object key)");
  g_assert_cmpstr (lines[2], ==, "4 records: 2 valid, 2 invalid (1 not JSON)");
  result_clear (&r);

  /* format is only an annotation unless asked for; stdin works as "-" */
  if (!run_cli (&r, "{\"name\": \"Dan\", \"email\": \"not an address\"}\n",
                (const char *const[]){ "--format-assert", schema, "-", NULL }))
    return;
  g_assert_cmpint (r.status, ==, 1);
  g_assert_cmpstr (r.out, ==,
                   "line 1: /email: must be a valid email (at /properties/email/format)\n"
                   "1 record: 0 valid, 1 invalid\n");
  result_clear (&r);
}

/* Hostile lines in the data file: each is one clear "not valid JSON" line, nothing more. */
static void
test_cli_hostile_lines (void)
{
  g_autoptr (DgTestDir) dir = dg_test_dir_new ();
  g_autofree char *schema = write_file (dir, "schema.json", SCHEMA);
  g_autoptr (GString) data = g_string_new ("{\"name\": \"Ana\", \"email\": \"a@example.com\"}\n");
  g_autofree char *path = dg_test_dir_file (dir, "data.jsonl");
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) lines = NULL;
  Result r = { 0 };

  for (int i = 0; i < 10000; i++)
    g_string_append_c (data, '[');
  g_string_append (data, "\n{\"name\": \"caf\xC3\", \"email\": \"a@example.com\"}\n");
  g_string_append (data, "{\"name\": \"Ana\", \"email\": \"a@example.com\", \"age\": 1e999}\n");
  g_string_append (data, "Sure! Here is the record: {\"name\": \"Ana\"}\n");
  g_file_set_contents (path, data->str, data->len, &error);
  g_assert_no_error (error);

  if (!run_cli (&r, NULL, (const char *const[]){ schema, path, NULL }))
    return;
  g_assert_cmpint (r.status, ==, 1);
  lines = g_strsplit (r.out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 6);
  g_assert_cmpstr (lines[0], ==,
                   "line 2: not valid JSON: column 513: nesting deeper than 512 levels");
  g_assert_cmpstr (lines[1], ==, "line 3: not valid JSON: column 14: invalid UTF-8 in string");
  g_assert_cmpstr (lines[2], ==,
                   "line 4: not valid JSON: column 50: number 1e999 is too large for a double");
  g_assert_cmpstr (lines[3], ==,
                   "line 5: not valid JSON: column 1: unexpected 'S', expected a JSON value");
  g_assert_cmpstr (lines[4], ==, "5 records: 1 valid, 4 invalid (4 not JSON)");
  result_clear (&r);
}

static void
test_cli_array_file (void)
{
  g_autoptr (DgTestDir) dir = dg_test_dir_new ();
  g_autofree char *schema = write_file (dir, "schema.json", SCHEMA);
  g_autofree char *data = write_file (dir, "data.json",
                                      "[\n  {\"name\": \"Ana\", \"email\": \"a@example.com\"},\n"
                                      "  {\"name\": 7, \"email\": \"b@example.com\"}\n]\n");
  Result r = { 0 };

  if (!run_cli (&r, NULL, (const char *const[]){ schema, data, NULL }))
    return;
  g_assert_cmpint (r.status, ==, 1);
  g_assert_cmpstr (r.out, ==,
                   "item 1: /name: must be string, not integer (at /properties/name/type)\n"
                   "2 records: 1 valid, 1 invalid\n");
  result_clear (&r);
}

static void
test_cli_bad_schema (void)
{
  g_autoptr (DgTestDir) dir = dg_test_dir_new ();
  g_autofree char *bad = write_file (
      dir, "bad.json", "{\"type\": \"object\", \"properties\": {\"a\": {\"minimum\": \"3\"}}}");
  g_autofree char *cycle =
      write_file (dir, "cycle.json",
                  "{\"$defs\": {\"a\": {\"$ref\": \"#/$defs/b\"}, "
                  "\"b\": {\"$ref\": \"#/$defs/a\"}}, \"$ref\": \"#/$defs/a\"}");
  g_autofree char *broken = write_file (dir, "broken.json", "{\"type\": ");
  g_autofree char *data = write_file (dir, "data.jsonl", "{}\n");
  Result r = { 0 };

  if (!run_cli (&r, NULL, (const char *const[]){ bad, data, NULL }))
    return;
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.out, "not a valid JSON Schema"));
  g_assert_nonnull (strstr (r.out, "/properties/a/minimum: must be number, not string"));
  result_clear (&r);

  if (!run_cli (&r, NULL, (const char *const[]){ cycle, data, NULL }))
    return;
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.out, "reference cycle"));
  result_clear (&r);

  if (!run_cli (&r, NULL, (const char *const[]){ broken, data, NULL }))
    return;
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "line 1, column 10: unexpected end of input"));
  result_clear (&r);
}

static void
test_cli_usage (void)
{
  Result r = { 0 };

  if (!run_cli (&r, NULL, (const char *const[]){ NULL }))
    return;
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "datagems-cli validate"));
  result_clear (&r);

  if (!run_cli (&r, NULL, (const char *const[]){ "/nonexistent/schema.json", NULL }))
    return;
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "/nonexistent/schema.json"));
  result_clear (&r);
}

void
dg_test_json_schema_cli_add_tests (void)
{
  g_test_add_func ("/core/json-schema/cli/valid", test_cli_valid);
  g_test_add_func ("/core/json-schema/cli/invalid-records", test_cli_invalid_records);
  g_test_add_func ("/core/json-schema/cli/hostile-lines", test_cli_hostile_lines);
  g_test_add_func ("/core/json-schema/cli/array-file", test_cli_array_file);
  g_test_add_func ("/core/json-schema/cli/bad-schema", test_cli_bad_schema);
  g_test_add_func ("/core/json-schema/cli/usage", test_cli_usage);
}
