/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-cli-jobs"

#include "config.h"

#include <signal.h>
#include <sqlite3.h>

#include "dg-json-reader.h"
#include "dg-model-standin.h"
#include "dg-test-jobs.h"
#include "dg-test-utils.h"

/*
 * datagems-cli generate / resume / jobs / export, run as child processes,
 * including the crash test: a 2,000-record job killed with SIGKILL at random
 * moments and resumed each time.
 */

typedef struct
{
  DgTestDir *dir;
  char *db_path;
  char *schema_path;
  DgModelStandin *standin;
} Fixture;

static const char schema[] =
    "{\"title\":\"People\",\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\","
    "\"minLength\":1},\"age\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":120}},"
    "\"required\":[\"name\",\"age\"],\"additionalProperties\":false}";

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = dg_test_dir_new ();
  f->db_path = dg_test_dir_file (f->dir, "datagems.db");
  f->schema_path = dg_test_dir_file (f->dir, "people.schema.json");
  g_assert_true (g_file_set_contents (f->schema_path, schema, -1, NULL));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->standin, dg_model_standin_free);
  g_free (f->schema_path);
  g_free (f->db_path);
  dg_test_dir_free (f->dir);
}

static GSubprocess *
spawn_cli_full (Fixture *f, const char *const *args, GSubprocessFlags flags,
                const char *stdout_path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  const char *cli = g_getenv ("DG_CLI");
  GSubprocess *child;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (gpointer) cli);
  for (gsize i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_setenv (launcher, "DATAGEMS_DATA_DIR", f->dir->path, TRUE);
  g_subprocess_launcher_setenv (launcher, "DATAGEMS_DATABASE", f->db_path, TRUE);
  g_subprocess_launcher_setenv (launcher, "DATAGEN_MAX_RECORDS_PER_JOB", "5000", TRUE);
  g_subprocess_launcher_setenv (launcher, "DATAGEMS_INFERENCE_CONCURRENCY", "8", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "NODE_ENV");
  if (g_getenv ("ASAN_OPTIONS") != NULL)
    {
      /* Full unwinding on every malloc (test.sh, for leak suppressions of GLib frames) makes
       * a 2,000-record child crawl; its leak reports stay exact with the fast unwinder. */
      g_autofree char *options =
          g_strconcat (g_getenv ("ASAN_OPTIONS"), ":fast_unwind_on_malloc=1", NULL);

      g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", options, TRUE);
    }
  g_subprocess_launcher_unsetenv (launcher, "DATAGEN_INFERENCE_HOST");
  if (f->standin != NULL)
    g_subprocess_launcher_setenv (launcher, "DATAGEN_INFERENCE_BASE_URL",
                                  dg_model_standin_get_url (f->standin), TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "DATAGEN_INFERENCE_BASE_URL");
  if (stdout_path != NULL)
    g_subprocess_launcher_set_stdout_file_path (launcher, stdout_path);
  child = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  return child;
}

static GSubprocess *
spawn_cli (Fixture *f, const char *const *args, GSubprocessFlags flags)
{
  return spawn_cli_full (f, args, flags, NULL);
}

/* Runs datagems-cli to the end; returns its exit status. */
static int
run_cli (Fixture *f, const char *const *args, char **out, char **err)
{
  g_autoptr (GSubprocess) child =
      spawn_cli (f, args, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GError) error = NULL;

  g_subprocess_communicate_utf8 (child, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (child));
  return g_subprocess_get_exit_status (child);
}

/* An integer from the database, or -1 while it cannot be read yet. */
static gint64
db_int (Fixture *f, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  if (!g_file_test (f->db_path, G_FILE_TEST_EXISTS))
    return -1;
  if (sqlite3_open_v2 (f->db_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK)
    {
      sqlite3_busy_timeout (db, 5000);
      if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK &&
          sqlite3_step (stmt) == SQLITE_ROW)
        value = sqlite3_column_int64 (stmt, 0);
      sqlite3_finalize (stmt);
    }
  sqlite3_close (db);
  return value;
}

static char *
db_text (Fixture *f, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_open_v2 (f->db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static char *
generate (Fixture *f, const char *records, const char *output)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *args[] = {
    "generate",  "--schema", f->schema_path, "--records", records,
    "--backend", "offline",  "--seed",       "42",        output != NULL ? "--output" : NULL,
    output,      NULL
  };

  g_assert_cmpint (run_cli (f, args, &out, &err), ==, 0);
  g_strstrip (out);
  g_assert_true (g_str_has_prefix (out, "job_"));
  return g_steal_pointer (&out);
}

static void
test_generate_and_export (Fixture *f, gconstpointer data)
{
  g_autofree char *csv_path = dg_test_dir_file (f->dir, "people.csv");
  g_autofree char *csv = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *job = NULL;
  g_auto (GStrv) lines = NULL;
  const char *args[] = { "generate",  "--schema", f->schema_path, "--records", "20",
                         "--backend", "offline",  "--output",     csv_path,    NULL };

  g_assert_cmpint (run_cli (f, args, &out, &err), ==, 0);
  /* Not a terminal: plain progress lines, then a summary. */
  g_assert_nonnull (strstr (err, "records/s"));
  g_assert_nonnull (strstr (err, "succeeded: 20 records (20 ok, 0 failed)"));
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  lines = g_strsplit (csv, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 21);
  g_assert_cmpstr (lines[0], ==, "name,age");

  job = g_strstrip (g_strdup (out));
  {
    g_autofree char *jsonl = NULL;
    g_autofree char *jerr = NULL;
    const char *export_args[] = { "export", job, "--format", "jsonl", "--with-index", NULL };
    g_auto (GStrv) jl = NULL;

    g_assert_cmpint (run_cli (f, export_args, &jsonl, &jerr), ==, 0);
    jl = g_strsplit (jsonl, "\n", -1);
    g_assert_cmpuint (g_strv_length (jl), ==, 21); /* 20 lines, each ending in \n */
    g_assert_true (g_str_has_prefix (jl[0], "{\"i\":0,\"data\":{\"name\":"));
    g_assert_true (g_str_has_prefix (jl[19], "{\"i\":19,\"data\":"));
  }
  {
    g_autofree char *json = NULL;
    g_autofree char *jerr = NULL;
    const char *export_args[] = { "export", job, "--format", "json", NULL };
    g_autoptr (GError) error = NULL;
    g_autoptr (JsonNode) node = NULL;

    g_assert_cmpint (run_cli (f, export_args, &json, &jerr), ==, 0);
    g_assert_true (g_str_has_prefix (json, "[\n  {\n    \"name\": "));
    node = dg_json_parse (json, -1, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 20);
  }
}

static void
test_jobs_json (Fixture *f, gconstpointer data)
{
  g_autofree char *first = generate (f, "3", NULL);
  g_autofree char *second = generate (f, "4", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GList) keys = NULL;
  const char *args[] = { "jobs", "--json", NULL };
  const char *bob[] = { "jobs", "--json", "--user", "bob", NULL };
  const char *table[] = { "jobs", NULL };
  const char *const expected_keys[] = {
    "id",
    "owner",
    "title",
    "status",
    "totalRecords",
    "datasetMode",
    "peers",
    "peerCount",
    "totalGenerated",
    "totalOk",
    "totalFailed",
    "jobDetailsCid",
    "createdAt",
    "schemaGeneratedAt",
    "schemaDurationMs",
    "schemaRefreshes",
    "updatedAt",
  };
  JsonArray *jobs;
  JsonObject *latest;
  guint k = 0;

  g_assert_cmpint (run_cli (f, args, &out, &err), ==, 0);
  node = dg_json_parse (out, -1, &error);
  g_assert_no_error (error);
  jobs = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (jobs), ==, 2);
  latest = json_array_get_object_element (jobs, 0);
  g_assert_cmpstr (json_object_get_string_member (latest, "id"), ==, second);
  g_assert_cmpstr (json_object_get_string_member (latest, "status"), ==, "succeeded");
  g_assert_cmpstr (json_object_get_string_member (latest, "owner"), ==, g_get_user_name ());
  /* Upstream job-base key order, later keys appended. */
  keys = json_object_get_members (latest);
  for (GList *l = keys; l != NULL && k < G_N_ELEMENTS (expected_keys); l = l->next, k++)
    g_assert_cmpstr (l->data, ==, expected_keys[k]);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Another user sees none of them. */
  g_assert_cmpint (run_cli (f, bob, &out, &err), ==, 0);
  g_assert_cmpstr (out, ==, "[]\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (f, table, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, first));
  g_assert_nonnull (strstr (out, "succeeded"));
}

static void
test_export_errors (Fixture *f, gconstpointer data)
{
  g_autofree char *job = generate (f, "3", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GSubprocess) child = NULL;
  g_autoptr (GError) error = NULL;
  const char *unknown[] = { "export", "job_1700000000000_abcdef", "--format", "csv", NULL };
  const char *foreign[] = { "export", job, "--format", "csv", "--user", "bob", NULL };
  const char *no_format[] = { "export", job, NULL };
  const char *index_csv[] = { "export", job, "--format", "csv", "--with-index", NULL };
  const char *bad_format[] = { "export", job, "--format", "xml", NULL };

  g_assert_cmpint (run_cli (f, unknown, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "Not found"));
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (f, foreign, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "Not found"));
  g_assert_cmpstr (out, ==, "");
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (f, no_format, &out, &err), ==, 2);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (f, index_csv, &out, &err), ==, 2);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (f, bad_format, &out, &err), ==, 2);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);

  /* A full disk (standard output on /dev/full): a clear error, nothing lost. */
  if (!g_file_test ("/dev/full", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("/dev/full is not available");
      return;
    }
  child = spawn_cli_full (f, (const char *const[]){ "export", job, "--format", "json", NULL },
                          G_SUBPROCESS_FLAGS_STDERR_PIPE, "/dev/full");
  g_subprocess_communicate_utf8 (child, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (child), ==, 1);
  g_assert_nonnull (strstr (err, "the disk is full"));
  g_assert_cmpint (db_int (f, "SELECT count(*) FROM records"), ==, 3);
}

static gboolean
stored_at_least (Fixture *f, gint64 count)
{
  return db_int (f, "SELECT count(*) FROM records") >= count;
}

static void
on_exited (GObject *source, GAsyncResult *result, gpointer user_data)
{
  gboolean *exited = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *exited = TRUE;
}

/* Waits (bounded) until @count records are stored while @child runs. */
static void
wait_stored (Fixture *f, GSubprocess *child, gint64 count)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  gboolean exited = FALSE;

  g_subprocess_wait_async (child, cancellable, on_exited, &exited);
  while (!stored_at_least (f, count))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      /* The child must still be running to store more. */
      if (exited && !stored_at_least (f, count))
        g_error ("datagems-cli exited before storing %" G_GINT64_FORMAT " records", count);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_cancellable_cancel (cancellable);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
test_interrupt_and_resume (Fixture *f, gconstpointer data)
{
  g_autoptr (GSubprocess) child = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out_path = dg_test_dir_file (f->dir, "out.jsonl");
  g_autofree char *job = NULL;
  g_autofree char *status = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto (GStrv) lines = NULL;
  const char *args[] = { "generate",  "--schema", f->schema_path,
                         "--records", "300",      "--concurrency",
                         "2",         NULL };

  f->standin = dg_model_standin_new ();
  dg_model_standin_set_latency_ms (f->standin, 10);
  child =
      spawn_cli (f, args, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  wait_stored (f, child, 20);
  /* Ctrl-C: the job pauses cleanly. */
  g_subprocess_send_signal (child, SIGINT);
  g_assert_true (g_subprocess_wait (child, NULL, &error));
  g_assert_true (g_subprocess_get_if_exited (child));
  g_assert_cmpint (g_subprocess_get_exit_status (child), ==, 130);
  job = db_text (f, "SELECT id FROM jobs");
  status = db_text (f, "SELECT status FROM jobs");
  g_assert_cmpstr (status, ==, "paused");
  g_assert_cmpint (db_int (f, "SELECT count(*) FROM records"), <, 300);
  g_assert_null (db_text (f, "SELECT lease_owner FROM jobs"));

  {
    const char *resume[] = { "resume", job, "--output", out_path, NULL };

    g_assert_cmpint (run_cli (f, resume, &out, &err), ==, 0);
  }
  g_assert_cmpint (db_int (f, "SELECT count(DISTINCT idx) FROM records"), ==, 300);
  g_assert_true (g_file_get_contents (out_path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 301);
}

static void
test_busy_job (Fixture *f, gconstpointer data)
{
  g_autoptr (GSubprocess) child = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *job = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *args[] = {
    "generate", "--schema", f->schema_path, "--records", "100", "--concurrency", "1", NULL,
  };

  f->standin = dg_model_standin_new ();
  dg_model_standin_set_latency_ms (f->standin, 40);
  child =
      spawn_cli (f, args, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  wait_stored (f, child, 3);
  job = db_text (f, "SELECT id FROM jobs");

  /* A second process may not run the same job at the same time. */
  {
    const char *resume[] = { "resume", job, NULL };

    g_assert_cmpint (run_cli (f, resume, &out, &err), ==, 1);
    g_assert_nonnull (strstr (err, "being run by another DataGems process"));
  }

  g_subprocess_send_signal (child, SIGKILL);
  g_assert_true (g_subprocess_wait (child, NULL, &error));
  /* Once that process is gone, its lease is taken over at once. */
  {
    const char *resume[] = { "resume", job, "--quiet", NULL };
    g_autofree char *out2 = NULL;
    g_autofree char *err2 = NULL;

    g_assert_cmpint (run_cli (f, resume, &out2, &err2), ==, 0);
  }
  g_assert_cmpint (db_int (f, "SELECT count(DISTINCT idx) FROM records"), ==, 100);
}

#define CRASH_RECORDS 2000
#define CRASH_CONCURRENCY 8
#define CRASH_BATCH 8

/*
 * Under test.sh's ASan settings (full unwinding on every malloc, so that suppressions see
 * GLib frames) the stand-in model server in this process spends minutes unwinding. The
 * crash test then runs in a child copy of this test with the fast unwinder and without
 * leak detection (the other tests of this suite keep both); TRUE when that was done.
 */
static gboolean
ran_in_fast_child (void)
{
  const char *asan = g_getenv ("ASAN_OPTIONS");
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) child = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *self = NULL;
  g_autofree char *options = NULL;
  g_autofree char *out = NULL;
  g_auto (GStrv) lines = NULL;

  if (asan == NULL || strstr (asan, "fast_unwind_on_malloc=0") == NULL ||
      g_getenv ("DG_CRASH_TEST_CHILD") != NULL)
    return FALSE;
  self = g_file_read_link ("/proc/self/exe", &error);
  g_assert_no_error (error);
  options = g_strconcat (asan, ":fast_unwind_on_malloc=1:detect_leaks=0", NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", options, TRUE);
  g_subprocess_launcher_setenv (launcher, "DG_CRASH_TEST_CHILD", "1", TRUE);
  child =
      g_subprocess_launcher_spawn (launcher, &error, self, "-p", "/cli/jobs/crash-resume", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (child, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "# "))
      g_test_message ("%s", lines[i] + 2);
  g_assert_true (g_subprocess_get_if_exited (child));
  g_assert_cmpint (g_subprocess_get_exit_status (child), ==, 0);
  g_assert_nonnull (strstr (out, "ok 1 /cli/jobs/crash-resume"));
  return TRUE;
}

static void
test_crash_resume (Fixture *f, gconstpointer data)
{
  g_autofree char *job = NULL;
  g_autofree char *status = NULL;
  guint kills = 0;
  guint max_waste = 0;
  guint previous_requests = 0;
  gint64 previous_stored = 0;
  gint64 threshold = 0;
  DgStandinStats stats;
  /* At each kill, requests may be in flight (the window) or answered but not yet stored
   * (one batch): that is all a resumed run may ask again. */
  const guint window = 2 * CRASH_CONCURRENCY + CRASH_BATCH;

  if (ran_in_fast_child ())
    return;
  f->standin = dg_model_standin_new ();
  dg_model_standin_set_latency_ms (f->standin, 1);

  for (;;)
    {
      g_autoptr (GSubprocess) child = NULL;
      g_autoptr (GError) error = NULL;
      guint requests, waste;
      gint64 stored;
      const char *first[] = { "generate",
                              "--schema",
                              f->schema_path,
                              "--records",
                              G_STRINGIFY (CRASH_RECORDS),
                              "--batch-records",
                              G_STRINGIFY (CRASH_BATCH),
                              "--batch-interval-ms",
                              "5",
                              "--quiet",
                              NULL };
      const char *again[] = {
        "resume",  job, "--batch-records", G_STRINGIFY (CRASH_BATCH), "--batch-interval-ms", "5",
        "--quiet", NULL
      };
      gboolean last = kills == 5;

      child = spawn_cli (f, job == NULL ? first : again,
                         G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
      if (last)
        {
          g_assert_true (g_subprocess_wait (child, NULL, &error));
          g_assert_cmpint (g_subprocess_get_exit_status (child), ==, 0);
        }
      else
        {
          /* A random moment: after some more records are stored. */
          threshold += g_test_rand_int_range (1, (CRASH_RECORDS - threshold) / (6 - kills));
          wait_stored (f, child, threshold);
          g_subprocess_send_signal (child, SIGKILL);
          g_assert_true (g_subprocess_wait (child, NULL, &error));
          g_assert_true (g_subprocess_get_if_signaled (child));
          kills++;
        }
      if (job == NULL)
        job = db_text (f, "SELECT id FROM jobs");

      /* Requests the killed process sent just before it died still reach the stand-in. */
      DG_TEST_WAIT (({
                      dg_model_standin_get_stats (f->standin, &stats);
                      stats.in_flight == 0;
                    }),
                    10000);
      dg_model_standin_get_stats (f->standin, &stats);
      stored = db_int (f, "SELECT count(*) FROM records");
      requests = stats.total - previous_requests;
      g_assert_cmpint (stored, >=, previous_stored);
      /* Every request of this run stored a new record, except those cut off by the kill. */
      g_assert_cmpuint (requests, >=, stored - previous_stored);
      waste = requests - (guint) (stored - previous_stored);
      g_test_message ("run %u: %u requests, %" G_GINT64_FORMAT " new records, %u cut off", kills,
                      requests, stored - previous_stored, waste);
      /* What the kill cut off (a few of its requests may be counted in the next run). */
      g_assert_cmpuint (waste, <=, window);
      max_waste = MAX (max_waste, waste);
      previous_requests = stats.total;
      previous_stored = stored;
      if (last)
        break;
    }

  /* Every index stored exactly once. */
  g_assert_cmpint (db_int (f, "SELECT count(*) FROM records"), ==, CRASH_RECORDS);
  g_assert_cmpint (db_int (f, "SELECT count(DISTINCT idx) FROM records"), ==, CRASH_RECORDS);
  g_assert_cmpint (db_int (f, "SELECT min(idx) FROM records"), ==, 0);
  g_assert_cmpint (db_int (f, "SELECT max(idx) FROM records"), ==, CRASH_RECORDS - 1);
  g_assert_cmpint (db_int (f, "SELECT total_ok + total_failed FROM jobs"), ==, CRASH_RECORDS);
  g_assert_cmpint (db_int (f, "SELECT generated_ok + generated_failed FROM job_slices"), ==,
                   CRASH_RECORDS);
  status = db_text (f, "SELECT status FROM jobs");
  g_assert_cmpstr (status, ==, "succeeded");
  /* The stand-in saw 2,000 requests plus what was in flight at each kill. */
  g_assert_cmpuint (stats.total, <=, CRASH_RECORDS + kills * window);
  g_test_message ("%u kills, %u requests in all, at most %u cut off by one kill", kills,
                  stats.total, max_waste);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/cli/jobs/generate-and-export", test_generate_and_export);
  ADD ("/cli/jobs/jobs-json", test_jobs_json);
  ADD ("/cli/jobs/export-errors", test_export_errors);
  ADD ("/cli/jobs/interrupt-and-resume", test_interrupt_and_resume);
  ADD ("/cli/jobs/busy-job", test_busy_job);
  ADD ("/cli/jobs/crash-resume", test_crash_resume);
#undef ADD

  return g_test_run ();
}
