/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-jobs"

#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "dg-engine.h"
#include "dg-model-standin.h"
#include "dg-store-jobs.h"
#include "dg-test-utils.h"

/*
 * Benchmarks of issue 5 (run with `meson test --benchmark --suite jobs` or directly):
 *  1. runner overhead: CPU the runner adds per record on top of the model call, against the
 *     stand-in model server (target ≤ 0.2 ms);
 *  2. a 1,000,000-record job filled by the offline generator, then exported to JSONL, CSV
 *     and JSON by `datagems-cli export` in a child process, with its wall time and peak RSS
 *     (target ≤ 10 s and ≤ 64 MB each for JSONL and CSV).
 * DG_BENCH_RECORDS overrides the 1,000,000.
 */

static const char schema_text[] =
    "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"title\":\"Customers\","
    "\"type\":\"object\",\"properties\":{"
    "\"customer_id\":{\"type\":\"string\",\"format\":\"uuid\"},"
    "\"name\":{\"type\":\"string\",\"minLength\":1},"
    "\"email\":{\"type\":\"string\",\"format\":\"email\"},"
    "\"age\":{\"type\":\"integer\",\"minimum\":18,\"maximum\":90},"
    "\"city\":{\"type\":\"string\"},"
    "\"plan\":{\"enum\":[\"free\",\"pro\",\"team\"]},"
    "\"active\":{\"type\":\"boolean\"},"
    "\"signup_date\":{\"type\":\"string\",\"format\":\"date\"}},"
    "\"required\":[\"customer_id\",\"name\",\"email\",\"age\",\"city\",\"plan\",\"active\","
    "\"signup_date\"],\"additionalProperties\":false}";

typedef struct
{
  DgTestDir *dir;
  char *db_path;
  DgConfig *config;
  DgStore *store;
  DgEngine *engine;
} Bench;

static void
bench_open (Bench *b, const char *base_url, guint concurrency)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *database = NULL;
  g_autofree char *url = NULL;
  g_autofree char *conc = g_strdup_printf ("DATAGEMS_INFERENCE_CONCURRENCY=%u", concurrency);
  const char *env[8] = { 0 };
  guint n = 0;

  b->dir = dg_test_dir_new ();
  b->db_path = dg_test_dir_file (b->dir, "datagems.db");
  data_dir = g_strdup_printf ("DATAGEMS_DATA_DIR=%s", b->dir->path);
  database = g_strdup_printf ("DATAGEMS_DATABASE=%s", b->db_path);
  env[n++] = data_dir;
  env[n++] = database;
  env[n++] = conc;
  env[n++] = "DATAGEN_MAX_RECORDS_PER_JOB=100000000";
  env[n++] = "NODE_ENV=test";
  if (base_url != NULL)
    {
      url = g_strdup_printf ("DATAGEN_INFERENCE_BASE_URL=%s", base_url);
      env[n++] = url;
    }
  b->config = dg_config_new_from_environ (env, &error);
  g_assert_no_error (error);
  b->store = dg_store_open (b->db_path, &error);
  g_assert_no_error (error);
  b->engine = dg_engine_new (b->config, b->store, NULL, NULL, &error);
  g_assert_no_error (error);
}

static void
bench_close (Bench *b)
{
  dg_engine_shutdown (b->engine);
  g_clear_object (&b->engine);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&b->store);
  g_clear_pointer (&b->config, dg_config_unref);
  g_free (b->db_path);
  dg_test_dir_free (b->dir);
}

static char *
start_job (Bench *b, gint64 records)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) schema = json_from_string (schema_text, NULL);
  g_autoptr (DgDraft) draft = NULL;
  DgDraftRequest request = { 0 };
  DgConfirmRequest confirm = { 0 };
  char *id;

  request.title = "Customers";
  request.total_records = records;
  request.description = "Customers of a software company";
  request.instructions = "Realistic customers";
  draft = dg_engine_draft_from_schema (b->engine, "bench", &request, schema, &error);
  g_assert_no_error (error);
  confirm.token = draft->token;
  confirm.has_seed = TRUE;
  confirm.seed = 1;
  id = dg_engine_confirm (b->engine, "bench", &confirm, NULL, NULL, &error);
  g_assert_no_error (error);
  return id;
}

static gboolean
succeeded (Bench *b, const char *id)
{
  g_autoptr (DgJobProgress) progress = dg_engine_get_progress (b->engine, id);

  return progress != NULL && progress->status == DG_JOB_STATUS_SUCCEEDED && !progress->active;
}

static void
bench_runner_overhead (void)
{
  g_autoptr (DgModelStandin) standin = dg_model_standin_new ();
  Bench b = { 0 };
  const gint64 records = 20000;
  g_autofree char *id = NULL;
  gint64 cpu_before, cpu_after, started;
  double per_record_ms;

  dg_model_standin_set_latency_ms (standin, 0);
  bench_open (&b, dg_model_standin_get_url (standin), 8);
  cpu_before = dg_job_runner_get_cpu_us (dg_engine_get_runner (b.engine));
  started = g_get_monotonic_time ();
  id = start_job (&b, records);
  DG_TEST_WAIT (succeeded (&b, id), 600000);
  cpu_after = dg_job_runner_get_cpu_us (dg_engine_get_runner (b.engine));
  per_record_ms = (cpu_after - cpu_before) / 1000.0 / records;
  printf ("runner overhead: %" G_GINT64_FORMAT " records through the stand-in model in %.2f s; "
          "runner CPU %.3f ms per record (target <= 0.2)\n",
          records, (g_get_monotonic_time () - started) / 1e6, per_record_ms);
  fflush (stdout);
  bench_close (&b);
  g_assert_cmpfloat (per_record_ms, <=, 0.2);
}

typedef struct
{
  double seconds;
  double cpu_seconds;
  glong peak_rss_kb;
} ChildCost;

/*
 * Runs datagems-cli with @args in @dir and measures it. This process stays small (the
 * jobs run in the children), so that the child's peak RSS, which Linux starts from the
 * parent's size at fork, is the CLI's own.
 */
static void
run_cli_measured (const char *dir, const char *const *args, ChildCost *cost)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *data_dir = g_strdup_printf ("DATAGEMS_DATA_DIR=%s", dir);
  const char *cli = g_getenv ("DG_CLI");
  const char *envp[] = { data_dir, "DATAGEN_MAX_RECORDS_PER_JOB=100000000", NULL };
  struct rusage usage;
  gint64 started = g_get_monotonic_time ();
  GPid pid;
  int status;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (gpointer) cli);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_async (NULL, (char **) argv->pdata, (char **) envp,
                                G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL |
                                    G_SPAWN_STDOUT_TO_DEV_NULL,
                                NULL, NULL, &pid, &error));
  g_assert_no_error (error);
  g_assert_cmpint (wait4 (pid, &status, 0, &usage), ==, pid);
  g_spawn_close_pid (pid);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  cost->seconds = (g_get_monotonic_time () - started) / 1e6;
  cost->cpu_seconds = usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
                      (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  cost->peak_rss_kb = usage.ru_maxrss;
}

static void
bench_million (void)
{
  g_autoptr (DgTestDir) dir = dg_test_dir_new ();
  g_autofree char *schema_path = dg_test_dir_file (dir, "customers.schema.json");
  const char *override = g_getenv ("DG_BENCH_RECORDS");
  g_autofree char *records = g_strdup (override != NULL ? override : "1000000");
  const char *formats[] = { "jsonl", "csv", "json" };
  const char *generate[] = { "generate",  "--schema", schema_path, "--records", records,
                             "--backend", "offline",  "--seed",    "1",         "--quiet",
                             "--user",    "bench",    NULL };
  g_autofree char *db_path = dg_test_dir_file (dir, "datagems.db");
  g_autofree char *job = NULL;
  gint64 n = g_ascii_strtoll (records, NULL, 10);
  ChildCost cost;

  g_assert_true (g_file_set_contents (schema_path, schema_text, -1, NULL));
  run_cli_measured (dir->path, generate, &cost);
  printf ("offline fill (datagems-cli generate): %" G_GINT64_FORMAT " records in %.1f s "
          "(%.0f records/s), %.1f µs CPU per record, peak RSS %.1f MB\n",
          n, cost.seconds, n / cost.seconds, cost.cpu_seconds * 1e6 / n, cost.peak_rss_kb / 1024.0);
  fflush (stdout);

  {
    g_autoptr (GError) error = NULL;
    g_autoptr (DgStore) store = dg_store_open (db_path, &error);
    g_autoptr (GPtrArray) jobs = NULL;

    g_assert_no_error (error);
    jobs = dg_store_jobs_list (store, "bench", &error);
    g_assert_no_error (error);
    g_assert_cmpuint (jobs->len, ==, 1);
    g_assert_cmpint (((DgJob *) g_ptr_array_index (jobs, 0))->total_ok, ==, n);
    job = g_strdup (((DgJob *) g_ptr_array_index (jobs, 0))->id);
  }

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *output = g_strdup_printf ("%s/export.%s", dir->path, formats[i]);
      const char *export[] = { "export", job,      "--format", formats[i], "--output",
                               output,   "--user", "bench",    NULL };
      GStatBuf st;

      run_cli_measured (dir->path, export, &cost);
      g_assert_cmpint (g_stat (output, &st), ==, 0);
      printf ("export %-5s: %.2f s, peak RSS %.1f MB, %.1f MB written%s\n", formats[i],
              cost.seconds, cost.peak_rss_kb / 1024.0, st.st_size / 1048576.0,
              i < 2 ? " (target <= 10 s, <= 64 MB)" : "");
      fflush (stdout);
      g_unlink (output);
      if (i < 2)
        {
          g_assert_cmpfloat (cost.seconds, <=, 10.0);
          g_assert_cmpint (cost.peak_rss_kb, <=, 64 * 1024);
        }
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  /* The million first, while this process is small (see run_cli_measured()). */
  g_test_add_func ("/bench/jobs/million", bench_million);
  g_test_add_func ("/bench/jobs/runner-overhead", bench_runner_overhead);
  return g_test_run ();
}
