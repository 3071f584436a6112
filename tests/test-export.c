/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-export"

#include "config.h"

#include <fcntl.h>
#include <gio/gunixoutputstream.h>
#include <unistd.h>

#include "dg-export.h"
#include "dg-json-writer.h"
#include "dg-store.h"
#include "dg-test-jobs.h"
#include "dg-test-utils.h"

typedef DgTestStoreFixture Fixture;
#define fixture_setup dg_test_store_fixture_setup
#define fixture_teardown dg_test_store_fixture_teardown

/* The export of @job as a string. */
static char *
export_to_string (Fixture *f, const char *job, gint64 total, DgExportFormat format,
                  DgExportFlags flags)
{
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr (GError) error = NULL;

  g_assert_true (
      dg_export_write (f->store, job, total, format, flags, out, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (out, NULL, NULL));
  if (g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out)) == 0)
    return g_strdup ("");
  return g_strndup (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (out)),
                    g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out)));
}

/* Upstream section 8's worked example; index 1 failed. */
static const char *const example[] = {
  "{\"a\":1,\"b\":\"x\"}",
  "!model output was not valid",
  "{\"b\":\"y,z\",\"c\":true,\"d\":{\"n\":[1,2]},\"e\":\"he said \\\"hi\\\"\\nbye\"}",
  "\"str\"",
  "[1,2]",
};

static void
test_json_example (Fixture *f, gconstpointer data)
{
  g_autofree char *job = dg_test_jobs_create (f->store, "ana", 5, NULL);
  g_autofree char *text = NULL;

  dg_test_jobs_store (f->store, job, "local", example, G_N_ELEMENTS (example));
  text = export_to_string (f, job, 5, DG_EXPORT_FORMAT_JSON, DG_EXPORT_NONE);
  /* Byte for byte what JSON.stringify (results, null, 2) gives (checked with node). */
  g_assert_cmpstr (text, ==,
                   "[\n"
                   "  {\n"
                   "    \"a\": 1,\n"
                   "    \"b\": \"x\"\n"
                   "  },\n"
                   "  null,\n"
                   "  {\n"
                   "    \"b\": \"y,z\",\n"
                   "    \"c\": true,\n"
                   "    \"d\": {\n"
                   "      \"n\": [\n"
                   "        1,\n"
                   "        2\n"
                   "      ]\n"
                   "    },\n"
                   "    \"e\": \"he said \\\"hi\\\"\\nbye\"\n"
                   "  },\n"
                   "  \"str\",\n"
                   "  [\n"
                   "    1,\n"
                   "    2\n"
                   "  ]\n"
                   "]");
}

static void
test_csv_example (Fixture *f, gconstpointer data)
{
  g_autofree char *job = dg_test_jobs_create (f->store, "ana", 5, NULL);
  g_autofree char *text = NULL;

  dg_test_jobs_store (f->store, job, "local", example, G_N_ELEMENTS (example));
  text = export_to_string (f, job, 5, DG_EXPORT_FORMAT_CSV, DG_EXPORT_NONE);
  g_assert_cmpstr (text, ==,
                   "a,b,value,c,d,e\n"
                   "1,x,,,,\n"
                   ",,,,,\n"
                   ",\"y,z\",,true,\"{\"\"n\"\":[1,2]}\",\"he said \"\"hi\"\"\n"
                   "bye\"\n"
                   ",,str,,,\n"
                   ",,\"[1,2]\",,,");
}

static void
test_csv_missing_and_nulls (Fixture *f, gconstpointer data)
{
  const char *const records[] = {
    "{\"x\":null,\"y\":\"a\\rb\",\"z\":[]}",
    NULL,
    "{\"y\":\"caf\\u00e9 \\ud83d\\ude00\",\"x\":1.5e-7,\"w\":{}}",
  };
  g_autofree char *job = dg_test_jobs_create (f->store, "ana", 4, NULL);
  g_autofree char *text = NULL;

  dg_test_jobs_store (f->store, job, "local", records, G_N_ELEMENTS (records));
  text = export_to_string (f, job, 4, DG_EXPORT_FORMAT_CSV, DG_EXPORT_NONE);
  /* A lone \r does not quote; missing rows (1 and 3) add "value" where the first appears. */
  g_assert_cmpstr (text, ==,
                   "x,y,z,value,w\n"
                   ",a\rb,[],,\n"
                   ",,,,\n"
                   "1.5e-7,café 😀,,,{}\n"
                   ",,,,");
}

static void
test_csv_header_quoted (Fixture *f, gconstpointer data)
{
  const char *const records[] = {
    "{\"plain\":1,\"with,comma\":2,\"with \\\"quote\\\"\":3,\"two\\nlines\":4}",
  };
  g_autofree char *job = dg_test_jobs_create (f->store, "ana", 1, NULL);
  g_autofree char *text = NULL;

  dg_test_jobs_store (f->store, job, "local", records, G_N_ELEMENTS (records));
  text = export_to_string (f, job, 1, DG_EXPORT_FORMAT_CSV, DG_EXPORT_NONE);
  /* Contract fix 12: header names are quoted like cells (upstream wrote them raw). */
  g_assert_cmpstr (text, ==,
                   "plain,\"with,comma\",\"with \"\"quote\"\"\",\"two\nlines\"\n"
                   "1,2,3,4");
}

static void
test_csv_no_keys (Fixture *f, gconstpointer data)
{
  const char *const records[] = { "{}", "{}" };
  g_autofree char *job = dg_test_jobs_create (f->store, "ana", 2, NULL);
  g_autofree char *text = NULL;

  dg_test_jobs_store (f->store, job, "local", records, G_N_ELEMENTS (records));
  text = export_to_string (f, job, 2, DG_EXPORT_FORMAT_CSV, DG_EXPORT_NONE);
  g_assert_cmpstr (text, ==, "");
}

static void
test_jsonl (Fixture *f, gconstpointer data)
{
  g_autofree char *job = dg_test_jobs_create (f->store, "ana", 5, NULL);
  g_autofree char *plain = NULL;
  g_autofree char *indexed = NULL;

  dg_test_jobs_store (f->store, job, "local", example, G_N_ELEMENTS (example));
  plain = export_to_string (f, job, 5, DG_EXPORT_FORMAT_JSONL, DG_EXPORT_NONE);
  g_assert_cmpstr (
      plain, ==,
      "{\"a\":1,\"b\":\"x\"}\n"
      "{\"b\":\"y,z\",\"c\":true,\"d\":{\"n\":[1,2]},\"e\":\"he said \\\"hi\\\"\\nbye\"}\n"
      "\"str\"\n"
      "[1,2]\n");
  indexed = export_to_string (f, job, 5, DG_EXPORT_FORMAT_JSONL, DG_EXPORT_WITH_INDEX);
  g_assert_cmpstr (
      indexed, ==,
      "{\"i\":0,\"data\":{\"a\":1,\"b\":\"x\"}}\n"
      "{\"i\":2,\"data\":{\"b\":\"y,z\",\"c\":true,\"d\":{\"n\":[1,2]},\"e\":\"he said "
      "\\\"hi\\\"\\nbye\"}}\n"
      "{\"i\":3,\"data\":\"str\"}\n"
      "{\"i\":4,\"data\":[1,2]}\n");
}

static void
test_partial_json (Fixture *f, gconstpointer data)
{
  const char *const records[] = { NULL, "{\"n\":1}" };
  g_autofree char *job = dg_test_jobs_create (f->store, "ana", 3, NULL);
  g_autofree char *text = NULL;

  dg_test_jobs_store (f->store, job, "local", records, G_N_ELEMENTS (records));
  text = export_to_string (f, job, 3, DG_EXPORT_FORMAT_JSON, DG_EXPORT_NONE);
  g_assert_cmpstr (text, ==, "[\n  null,\n  {\n    \"n\": 1\n  },\n  null\n]");
}

static void
test_empty_values (Fixture *f, gconstpointer data)
{
  const char *const records[] = { "{\"a\":[],\"b\":{},\"c\":[{}],\"d\":\"\"}" };
  g_autofree char *job = dg_test_jobs_create (f->store, "ana", 1, NULL);
  g_autofree char *text = NULL;

  dg_test_jobs_store (f->store, job, "local", records, G_N_ELEMENTS (records));
  text = export_to_string (f, job, 1, DG_EXPORT_FORMAT_JSON, DG_EXPORT_NONE);
  g_assert_cmpstr (text, ==,
                   "[\n  {\n    \"a\": [],\n    \"b\": {},\n    \"c\": [\n      {}\n    ],\n"
                   "    \"d\": \"\"\n  }\n]");
}

static void
check_full_disk (Fixture *f, GOutputStream *out)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *job = dg_test_jobs_create (f->store, "ana", 5, NULL);
  g_autofree char *query = NULL;

  dg_test_jobs_store (f->store, job, "local", example, G_N_ELEMENTS (example));
  for (DgExportFormat format = DG_EXPORT_FORMAT_JSON; format <= DG_EXPORT_FORMAT_CSV; format++)
    {
      g_assert_false (dg_export_write (f->store, job, 5, format, DG_EXPORT_NONE, out, NULL, NULL,
                                       NULL, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
      g_assert_nonnull (strstr (error->message, "disk is full"));
      g_clear_error (&error);
    }
  /* Nothing lost: the records are all still there. */
  query = g_strdup_printf ("SELECT count(*) FROM records WHERE job_id = '%s'", job);
  g_assert_cmpint (dg_test_jobs_query_int (f->db_path, query), ==, 5);
}

static void
test_full_disk_stream (Fixture *f, gconstpointer data)
{
  g_autoptr (GOutputStream) out = dg_test_full_stream_new (20);

  check_full_disk (f, out);
}

static void
test_full_disk_dev_full (Fixture *f, gconstpointer data)
{
  g_autoptr (GOutputStream) out = NULL;
  int fd = open ("/dev/full", O_WRONLY | O_CLOEXEC);

  if (fd < 0)
    {
      g_test_skip ("/dev/full is not available");
      return;
    }
  out = g_unix_output_stream_new (fd, TRUE);
  check_full_disk (f, out);
}

static void
test_unknown_job (Fixture *f, gconstpointer data)
{
  g_autofree char *text =
      export_to_string (f, "job_1_abcdef", 2, DG_EXPORT_FORMAT_JSON, DG_EXPORT_NONE);

  /* The exporter itself only streams; the engine refuses unknown and foreign jobs. */
  g_assert_cmpstr (text, ==, "[\n  null,\n  null\n]");
}

static void
test_formats (void)
{
  g_autoptr (GError) error = NULL;
  DgExportFormat format;

  g_assert_true (dg_export_format_from_string ("CSV", &format, &error));
  g_assert_cmpint (format, ==, DG_EXPORT_FORMAT_CSV);
  g_assert_true (dg_export_format_from_string ("ndjson", &format, &error));
  g_assert_cmpint (format, ==, DG_EXPORT_FORMAT_JSONL);
  g_assert_true (dg_export_format_from_path ("/tmp/a.b/out.jsonl", &format, &error));
  g_assert_cmpint (format, ==, DG_EXPORT_FORMAT_JSONL);
  g_assert_true (dg_export_format_from_path ("out.json", &format, &error));
  g_assert_cmpint (format, ==, DG_EXPORT_FORMAT_JSON);
  g_assert_false (dg_export_format_from_path ("/tmp/a.csv/out", &format, &error));
  g_assert_error (error, DG_EXPORT_ERROR, DG_EXPORT_ERROR_FORMAT);
  g_clear_error (&error);
  g_assert_false (dg_export_format_from_string ("xml", &format, &error));
  g_assert_error (error, DG_EXPORT_ERROR, DG_EXPORT_ERROR_FORMAT);
  g_assert_cmpstr (dg_export_format_content_type (DG_EXPORT_FORMAT_CSV), ==, "text/csv");
}

static void
test_writer_numbers (void)
{
  static const double numbers[] = {
    0.1,
    1e21,
    1.5e-7,
    -0.0,
    123456789012345680000.0,
    9007199254740992.0,
    9007199254740994.0,
    1152921504606846976.0,
    1e-6,
    1e-7,
    100,
    1.7976931348623157e308,
    5e-324,
    0.000001234,
    123.456,
    -42.5,
    1e20,
    33.3333333333333333,
  };
  g_autoptr (JsonArray) array = json_array_new ();
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_ARRAY);
  g_autofree char *text = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (numbers); i++)
    json_array_add_double_element (array, numbers[i]);
  json_node_set_array (node, array);
  text = dg_json_to_string (node, DG_JSON_WRITE_COMPACT);
  /* Produced by node's JSON.stringify for the same doubles. */
  g_assert_cmpstr (text, ==,
                   "[0.1,1e+21,1.5e-7,0,123456789012345680000,9007199254740992,9007199254740994,"
                   "1152921504606847000,0.000001,1e-7,100,1.7976931348623157e+308,5e-324,"
                   "0.000001234,123.456,-42.5,100000000000000000000,33.333333333333336]");
}

static void
test_writer_strings (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = json_from_string (
      "{\"s\":\"tab\\t nl\\n cr\\r \\u0001 \\u001f quote\\\" back\\\\ slash\\/ é 😀 \\u2028\","
      "\"big\":9007199254740993,\"i\":-7}",
      &error);
  g_autofree char *text = NULL;
  g_autofree char *sorted = NULL;
  g_autofree char *fp1 = NULL;
  g_autofree char *fp2 = NULL;
  g_autoptr (JsonNode) reordered = NULL;

  g_assert_no_error (error);
  text = dg_json_to_string (node, DG_JSON_WRITE_COMPACT);
  g_assert_cmpstr (text, ==,
                   "{\"s\":\"tab\\t nl\\n cr\\r \\u0001 \\u001f quote\\\" back\\\\ slash/ é 😀 "
                   "\u2028\",\"big\":9007199254740992,\"i\":-7}");
  sorted = dg_json_to_string (node, DG_JSON_WRITE_SORT_KEYS);
  g_assert_true (g_str_has_prefix (sorted, "{\"big\":"));

  reordered = json_from_string ("{\"i\":-7,\"big\":9007199254740993,\"s\":\"tab\\t nl\\n cr\\r "
                                "\\u0001 \\u001f quote\\\" back\\\\ slash/ é 😀 \\u2028\"}",
                                &error);
  g_assert_no_error (error);
  fp1 = dg_json_fingerprint (node);
  fp2 = dg_json_fingerprint (reordered);
  g_assert_cmpstr (fp1, ==, fp2);
  g_assert_cmpuint (strlen (fp1), ==, 64);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/core/export/json-example", test_json_example);
  ADD ("/core/export/csv-example", test_csv_example);
  ADD ("/core/export/csv-missing-and-nulls", test_csv_missing_and_nulls);
  ADD ("/core/export/csv-header-quoted", test_csv_header_quoted);
  ADD ("/core/export/csv-no-keys", test_csv_no_keys);
  ADD ("/core/export/jsonl", test_jsonl);
  ADD ("/core/export/partial-json", test_partial_json);
  ADD ("/core/export/empty-values", test_empty_values);
  ADD ("/core/export/full-disk-stream", test_full_disk_stream);
  ADD ("/core/export/full-disk-dev-full", test_full_disk_dev_full);
  ADD ("/core/export/unknown-job", test_unknown_job);
#undef ADD
  g_test_add_func ("/core/export/formats", test_formats);
  g_test_add_func ("/core/export/writer-numbers", test_writer_numbers);
  g_test_add_func ("/core/export/writer-strings", test_writer_strings);

  return g_test_run ();
}
