/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-bench"

#include "config.h"

#include <time.h>

#include "dg-json-reader.h"
#include "dg-json-schema.h"
#include "dg-offline.h"
#include "dg-test-utils.h"

/*
 * Offline generator throughput on one core: compiles a realistic 10-property schema
 * (formats, a pattern, ranges, multipleOf, an enum, a nested object, a unique array)
 * once, then generates records (seed 42, indices 0..N-1) and frees them. Prints records
 * per second (CPU and wall time) and the peak resident set size. The target is 100,000
 * records/s. The first 1,000 records are also validated, with format assertion.
 *
 * Usage: bench-offline [RECORDS]
 */

#define TARGET_PER_SECOND 100000

static const char schema_text[] =
    "{"
    "  \"$schema\": \"https://json-schema.org/draft/2020-12/schema\","
    "  \"type\": \"object\","
    "  \"properties\": {"
    "    \"id\": {\"type\": \"string\", \"format\": \"uuid\"},"
    "    \"full_name\": {\"type\": \"string\", \"minLength\": 3, \"maxLength\": 80},"
    "    \"email\": {\"type\": \"string\", \"format\": \"email\", \"maxLength\": 254},"
    "    \"age\": {\"type\": \"integer\", \"minimum\": 18, \"maximum\": 99},"
    "    \"score\": {\"type\": \"number\", \"minimum\": 0, \"maximum\": 100, \"multipleOf\": 0.01},"
    "    \"status\": {\"enum\": [\"active\", \"inactive\", \"pending\", \"banned\"]},"
    "    \"created_at\": {\"type\": \"string\", \"format\": \"date-time\"},"
    "    \"address\": {"
    "      \"type\": \"object\","
    "      \"properties\": {"
    "        \"street\": {\"type\": \"string\", \"minLength\": 1},"
    "        \"city\": {\"type\": \"string\", \"minLength\": 1},"
    "        \"postal_code\": {\"type\": \"string\", \"pattern\": \"^\\\\d{6}$\"},"
    "        \"country\": {\"type\": \"string\"}"
    "      },"
    "      \"required\": [\"street\", \"city\", \"postal_code\", \"country\"],"
    "      \"additionalProperties\": false"
    "    },"
    "    \"tags\": {\"type\": \"array\", \"items\": {\"type\": \"string\"},"
    "             \"maxItems\": 5, \"uniqueItems\": true},"
    "    \"verified\": {\"type\": \"boolean\"}"
    "  },"
    "  \"required\": [\"id\", \"full_name\", \"email\", \"age\", \"score\", \"status\","
    "                \"created_at\", \"address\", \"tags\", \"verified\"],"
    "  \"additionalProperties\": false"
    "}";

static double
cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main (int argc, char **argv)
{
  guint n_records = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 300000;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) schema_node = NULL;
  g_autoptr (DgJsonSchema) validator = NULL;
  g_autoptr (DgOfflineGenerator) gen = NULL;
  double cpu0, cpu1, compile0, compile1;
  gint64 wall0, wall1;
  guint64 members = 0;

  schema_node = dg_json_parse (schema_text, -1, &error);
  g_assert_no_error (error);
  validator = dg_json_schema_new (schema_node, DG_JSON_SCHEMA_FORMAT_ASSERT, &error);
  g_assert_no_error (error);

  compile0 = cpu_seconds ();
  gen = dg_offline_generator_new (schema_node, &error);
  compile1 = cpu_seconds ();
  g_assert_no_error (error);

  for (guint i = 0; i < MIN (n_records, 1000); i++)
    {
      g_autoptr (JsonNode) record = dg_offline_generator_generate (gen, 42, i, &error);

      g_assert_no_error (error);
      g_assert_true (dg_json_schema_validate (validator, record, NULL));
    }

  wall0 = g_get_monotonic_time ();
  cpu0 = cpu_seconds ();
  for (guint i = 0; i < n_records; i++)
    {
      JsonNode *record = dg_offline_generator_generate (gen, 42, i, NULL);

      members += json_object_get_size (json_node_get_object (record));
      json_node_unref (record);
    }
  cpu1 = cpu_seconds ();
  wall1 = g_get_monotonic_time ();

  g_assert_cmpuint (members, >=, (guint64) n_records * 10);
  g_print ("offline benchmark: %u records of a 10-property schema (compiled in %.2f ms)\n",
           n_records, (compile1 - compile0) * 1000);
  g_print ("  generate: %.0f records/s on CPU time (%.3f s), %.0f records/s wall (%.3f s); "
           "target %d: %s\n",
           n_records / (cpu1 - cpu0), cpu1 - cpu0, n_records / ((wall1 - wall0) / 1e6),
           (wall1 - wall0) / 1e6, TARGET_PER_SECOND,
           n_records / (cpu1 - cpu0) >= TARGET_PER_SECOND ? "met" : "NOT met");
  g_print ("  peak RSS: %ld kB\n", dg_test_peak_rss_kb ());
  return 0;
}
