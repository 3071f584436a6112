/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-engine"

#include "config.h"

#include "dg-engine.h"
#include "dg-json-writer.h"
#include "dg-model-standin.h"
#include "dg-test-jobs.h"
#include "dg-test-utils.h"

typedef struct
{
  DgTestDir *dir;
  char *db_path;
  DgModelStandin *standin;
  DgConfig *config;
  DgStore *store;
  DgEngine *engine;
  GHashTable *added;   /* job id set, from "job-added" */
  GHashTable *removed; /* job id set, from "job-removed" */
  guint changed;
} Fixture;

/* A schema every backend can fill. */
static const char people_schema[] =
    "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\","
    "\"properties\":{\"name\":{\"type\":\"string\",\"minLength\":1},"
    "\"age\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":120}},"
    "\"required\":[\"name\",\"age\"],\"additionalProperties\":false}";

static void
on_added (DgEngine *engine, const char *id, const char *owner, Fixture *f)
{
  g_hash_table_add (f->added, g_strdup (id));
}

static void
on_removed (DgEngine *engine, const char *id, const char *owner, Fixture *f)
{
  g_hash_table_add (f->removed, g_strdup (id));
}

static void
on_changed (DgEngine *engine, const char *id, const char *owner, Fixture *f)
{
  f->changed++;
}

/* Builds the engine over a fresh database with @extra environment entries. */
static void
start_engine (Fixture *f, const char *const *extra)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GStrvBuilder) env = g_strv_builder_new ();
  g_auto (GStrv) envp = NULL;
  g_autofree char *data_dir = g_strdup_printf ("DATAGEMS_DATA_DIR=%s", f->dir->path);
  g_autofree char *database = g_strdup_printf ("DATAGEMS_DATABASE=%s", f->db_path);
  DgJobRunnerOptions options = { 0 };

  g_strv_builder_add (env, data_dir);
  g_strv_builder_add (env, database);
  g_strv_builder_add (env, "NODE_ENV=test");
  g_strv_builder_add (env, "DATAGEMS_INFERENCE_CONCURRENCY=4");
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_strv_builder_add (env, extra[i]);
  envp = g_strv_builder_end (env);

  f->config = dg_config_new_from_environ ((const char *const *) envp, &error);
  g_assert_no_error (error);
  f->store = dg_store_open (f->db_path, &error);
  g_assert_no_error (error);
  options.batch_interval_ms = 10;
  options.batch_records = 16;
  f->engine = dg_engine_new (f->config, f->store, NULL, &options, &error);
  g_assert_no_error (error);
  g_signal_connect (f->engine, "job-added", G_CALLBACK (on_added), f);
  g_signal_connect (f->engine, "job-removed", G_CALLBACK (on_removed), f);
  g_signal_connect (f->engine, "job-changed", G_CALLBACK (on_changed), f);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = dg_test_dir_new ();
  f->db_path = dg_test_dir_file (f->dir, "datagems.db");
  f->added = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  f->removed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  if (f->engine != NULL)
    dg_engine_shutdown (f->engine);
  g_clear_object (&f->engine);
  /* Deliver what the runner posted before it stopped. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&f->store);
  g_clear_pointer (&f->config, dg_config_unref);
  g_clear_pointer (&f->standin, dg_model_standin_free);
  g_hash_table_unref (f->added);
  g_hash_table_unref (f->removed);
  g_free (f->db_path);
  dg_test_dir_free (f->dir);
}

static JsonNode *
parse (const char *text)
{
  g_autoptr (GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

static DgDraftRequest
people_request (gint64 total)
{
  DgDraftRequest request = { 0 };

  request.title = "People";
  request.total_records = total;
  request.description = "People in a customer database";
  request.instructions = "Realistic adult names and ages";
  return request;
}

static DgDraft *
draft_schema (Fixture *f, const char *owner, gint64 total, const char *schema_text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) schema = parse (schema_text);
  DgDraftRequest request = people_request (total);
  DgDraft *draft = dg_engine_draft_from_schema (f->engine, owner, &request, schema, &error);

  g_assert_no_error (error);
  g_assert_nonnull (draft);
  return draft;
}

static char *
confirm (Fixture *f, const char *owner, DgDraft *draft, const DgConfirmRequest *base)
{
  g_autoptr (GError) error = NULL;
  DgConfirmRequest request = { 0 };
  char *id;

  if (base != NULL)
    request = *base;
  request.token = draft->token;
  id = dg_engine_confirm (f->engine, owner, &request, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (id);
  return id;
}

static DgJobStatus
status_of (Fixture *f, const char *id)
{
  g_autoptr (DgJobProgress) progress = dg_engine_get_progress (f->engine, id);

  return progress != NULL ? progress->status : DG_JOB_STATUS_QUEUED;
}

static void
wait_status (Fixture *f, const char *id, DgJobStatus status)
{
  DG_TEST_WAIT (status_of (f, id) == status, 20000);
}

static DgJob *
get_job (Fixture *f, const char *owner, const char *id)
{
  g_autoptr (GError) error = NULL;
  DgJob *job = dg_engine_get_job (f->engine, owner, id, &error);

  g_assert_no_error (error);
  return job;
}

static void
test_offline_end_to_end (Fixture *f, gconstpointer data)
{
  g_autoptr (DgDraft) draft = NULL;
  g_autoptr (DgJob) job = NULL;
  g_autoptr (DgMetrics) metrics = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;
  DgConfirmRequest request = { 0 };

  start_engine (f, NULL);
  draft = draft_schema (f, "ana", 40, people_schema);
  g_assert_null (draft->issues);
  request.has_seed = TRUE;
  request.seed = 7;
  id = confirm (f, "ana", draft, &request);
  DG_TEST_WAIT (g_hash_table_contains (f->added, id), 5000);
  wait_status (f, id, DG_JOB_STATUS_SUCCEEDED);

  job = get_job (f, "ana", id);
  g_assert_cmpint (job->status, ==, DG_JOB_STATUS_SUCCEEDED);
  g_assert_cmpint (job->total_ok, ==, 40);
  g_assert_cmpint (job->total_failed, ==, 0);
  g_assert_cmpstr (json_object_get_string_member (job->run, "backend"), ==, "offline");
  g_assert_cmpint (json_object_get_int_member (job->run, "seed"), ==, 7);
  g_assert_cmpstr (json_object_get_string_member (job->base, "status"), ==, "succeeded");
  g_assert_true (dg_job_id_is_valid (id));
  g_assert_cmpint (dg_test_jobs_query_int (f->db_path, "SELECT count(DISTINCT idx) FROM records"),
                   ==, 40);

  metrics = dg_engine_get_metrics (f->engine, &error);
  g_assert_no_error (error);
  g_assert_cmpint (metrics->total_jobs, ==, 1);
  g_assert_cmpint (metrics->total_records_requested, ==, 40);
  g_assert_cmpint (metrics->total_records_generated, ==, 40);
  g_assert_cmpint (metrics->active_jobs, ==, 0);
  g_assert_cmpint (metrics->failed_jobs, ==, 0);
  g_assert_cmpuint (f->changed, >, 0);
}

static void
on_drafted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  DgDraft **out = user_data;
  g_autoptr (GError) error = NULL;

  *out = dg_engine_draft_finish (DG_ENGINE (source), result, &error);
  g_assert_no_error (error);
}

static void
test_draft_without_model (Fixture *f, gconstpointer data)
{
  DgDraftRequest request = people_request (5);
  g_autoptr (DgDraft) draft = NULL;
  g_autoptr (DgDraft) again = NULL;
  g_autoptr (JsonObject) json = NULL;

  start_engine (f, NULL);
  /* No model configured: the offline templates draft the schema. */
  dg_engine_draft_async (f->engine, "ana", &request, NULL, on_drafted, &draft);
  DG_TEST_WAIT (draft != NULL, 10000);
  g_assert_cmpstr (draft->backend, ==, "offline");
  g_assert_true (JSON_NODE_HOLDS_OBJECT (draft->schema));
  g_assert_nonnull (draft->token);
  g_assert_null (draft->issues);
  g_assert_cmpint (draft->refreshes, ==, 0);
  json = dg_draft_to_json (draft);
  g_assert_true (json_object_has_member (json, "draftToken"));
  g_assert_true (json_object_has_member (json, "schemaGeneratedAt"));

  /* A re-draft with the previous token counts a refresh. */
  request.previous_token = draft->token;
  dg_engine_draft_async (f->engine, "ana", &request, NULL, on_drafted, &again);
  DG_TEST_WAIT (again != NULL, 10000);
  g_assert_cmpint (again->refreshes, ==, 1);
}

static void
test_confirm_once_and_foreign (Fixture *f, gconstpointer data)
{
  g_autoptr (DgDraft) draft = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  DgConfirmRequest request = { 0 };
  char *none;

  start_engine (f, (const char *const[]){ "DATAGEN_DISABLE_WORKER=1", NULL });
  draft = draft_schema (f, "ana", 3, people_schema);
  first = confirm (f, "ana", draft, NULL);
  /* A replayed confirm returns the same job, without a second one or a second count. */
  second = confirm (f, "ana", draft, NULL);
  g_assert_cmpstr (first, ==, second);
  g_assert_cmpint (dg_test_jobs_query_int (f->db_path, "SELECT count(*) FROM jobs"), ==, 1);
  g_assert_cmpint (
      dg_test_jobs_query_int (f->db_path, "SELECT value FROM metrics WHERE name = 'totalJobs'"), ==,
      1);

  /* Bob cannot confirm Ana's draft. */
  request.token = draft->token;
  none = dg_engine_confirm (f->engine, "bob", &request, NULL, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_INVALID_DRAFT);
  g_assert_cmpstr (error->message, ==, "Invalid or expired draft");
  g_clear_error (&error);

  /* Malformed tokens. */
  for (guint i = 0; i < 3; i++)
    {
      const char *const bad[] = { "", "not.a.token", "eyJhbGciOiJIUzI1NiJ9.e30.AAAA" };

      request.token = bad[i];
      none = dg_engine_confirm (f->engine, "ana", &request, NULL, NULL, &error);
      g_assert_null (none);
      g_assert_error (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_INVALID_DRAFT);
      g_clear_error (&error);
    }
}

static void
test_edited_schema (Fixture *f, gconstpointer data)
{
  g_autoptr (DgDraft) draft = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonArray) details = NULL;
  g_autoptr (GPtrArray) warnings = NULL;
  g_autoptr (JsonNode) broken = parse ("{\"type\":\"object\",\"properties\":{\"age\":"
                                       "{\"type\":\"integer\",\"minimum\":\"zero\"}}}");
  g_autoptr (JsonNode) edited =
      parse ("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\",\"minLength\":2}},"
             "\"required\":[\"city\"]}");
  g_autoptr (DgJob) job = NULL;
  g_autofree char *id = NULL;
  DgConfirmRequest request = { 0 };
  char *none;

  start_engine (f, (const char *const[]){ "DATAGEN_DISABLE_WORKER=1", NULL });
  draft = draft_schema (f, "ana", 3, people_schema);
  request.token = draft->token;
  request.schema = broken;
  none = dg_engine_confirm (f->engine, "ana", &request, &details, &warnings, &error);
  g_assert_null (none);
  g_assert_error (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_INVALID_SCHEMA);
  g_assert_cmpstr (error->message, ==, "Invalid schema");
  g_assert_nonnull (details);
  g_assert_cmpuint (json_array_get_length (details), >=, 1);
  g_assert_nonnull (warnings);
  g_assert_cmpint (dg_test_jobs_query_int (f->db_path, "SELECT count(*) FROM jobs"), ==, 0);

  /* A good edit is sanitised and becomes the job's schema. */
  g_clear_error (&error);
  request.schema = edited;
  id = dg_engine_confirm (f->engine, "ana", &request, NULL, NULL, &error);
  g_assert_no_error (error);
  job = get_job (f, "ana", id);
  {
    g_autofree char *text = dg_json_to_string (dg_job_get_schema (job), DG_JSON_WRITE_COMPACT);

    g_assert_cmpstr (text, ==,
                     "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\","
                     "\"minLength\":2}},\"required\":[\"city\"],\"$schema\":"
                     "\"https://json-schema.org/draft/2020-12/schema\","
                     "\"additionalProperties\":false}");
  }
}

static void
test_owner_scoping (Fixture *f, gconstpointer data)
{
  g_autoptr (DgDraft) draft = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr (GPtrArray) bobs = NULL;
  g_autofree char *id = NULL;
  DgJob *none;

  start_engine (f, NULL);
  draft = draft_schema (f, "ana", 5, people_schema);
  id = confirm (f, "ana", draft, NULL);
  wait_status (f, id, DG_JOB_STATUS_SUCCEEDED);

  none = dg_engine_get_job (f->engine, "bob", id, &error);
  g_assert_null (none);
  g_assert_error (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "Not found");
  g_clear_error (&error);
  g_assert_false (dg_engine_export (f->engine, "bob", id, DG_EXPORT_FORMAT_JSON,
                                    DG_ENGINE_EXPORT_NONE, out, NULL, NULL, NULL, &error));
  g_assert_error (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (dg_engine_control (f->engine, "bob", id, DG_JOB_ACTION_DELETE, &error));
  g_assert_error (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (dg_engine_export (f->engine, "ana", "job_1_abcdef", DG_EXPORT_FORMAT_CSV,
                                    DG_ENGINE_EXPORT_NONE, out, NULL, NULL, NULL, &error));
  g_assert_error (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  bobs = dg_engine_list_jobs (f->engine, "bob", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bobs->len, ==, 0);
  {
    g_autoptr (DgJob) mine = dg_engine_get_job (f->engine, "ana", id, NULL);
    g_autoptr (DgJob) trusted = dg_engine_get_job (f->engine, NULL, id, NULL);

    g_assert_nonnull (mine);
    g_assert_nonnull (trusted);
  }
}

static void
test_zero_record_peers (Fixture *f, gconstpointer data)
{
  g_autoptr (DgDraft) draft = NULL;
  g_autoptr (DgJob) job = NULL;
  g_autofree char *id = NULL;

  start_engine (f,
                (const char *const[]){ "DATAGEN_MOCK_CSTORE=1", "R1EN_CHAINSTORE_PEERS=local,b,c",
                                       "R1EN_HOST_ADDR=local", NULL });
  /* One record over three peers: b and c get nothing and are done at once. */
  draft = draft_schema (f, "ana", 1, people_schema);
  id = confirm (f, "ana", draft, NULL);
  wait_status (f, id, DG_JOB_STATUS_SUCCEEDED);
  job = get_job (f, "ana", id);
  g_assert_cmpuint (job->slices->len, ==, 3);
  g_assert_cmpint (json_object_get_int_member (job->base, "peerCount"), ==, 3);
  g_assert_cmpint (job->total_ok, ==, 1);
}

static void
test_duplicates (Fixture *f, gconstpointer data)
{
  static const char tiny[] = "{\"type\":\"object\",\"properties\":{\"yes\":{\"type\":\"boolean\"}},"
                             "\"required\":[\"yes\"],\"additionalProperties\":false}";
  g_autoptr (DgDraft) first_draft = NULL;
  g_autoptr (DgDraft) second_draft = NULL;
  g_autoptr (DgJob) kept = NULL;
  g_autoptr (DgJob) distinct = NULL;
  g_autofree char *kept_id = NULL;
  g_autofree char *distinct_id = NULL;
  DgConfirmRequest request = { 0 };

  start_engine (f, NULL);
  /* Only two distinct records exist for this schema. */
  first_draft = draft_schema (f, "ana", 6, tiny);
  kept_id = confirm (f, "ana", first_draft, NULL);
  wait_status (f, kept_id, DG_JOB_STATUS_SUCCEEDED);
  kept = get_job (f, "ana", kept_id);
  g_assert_cmpint (kept->total_ok, ==, 6);
  g_assert_cmpint (kept->duplicates, >=, 4);

  /* Asked for distinct records: the duplicates are regenerated, then given up on. */
  second_draft = draft_schema (f, "ana", 6, tiny);
  request.regenerate_duplicates = TRUE;
  distinct_id = confirm (f, "ana", second_draft, &request);
  wait_status (f, distinct_id, DG_JOB_STATUS_SUCCEEDED);
  distinct = get_job (f, "ana", distinct_id);
  g_assert_cmpint (distinct->total_ok, <=, 2);
  g_assert_cmpint (distinct->total_ok + distinct->total_failed, ==, 6);
  g_assert_cmpuint (distinct->errors->len, >=, 4);
  g_assert_nonnull (strstr (g_array_index (distinct->errors, DgJobError, 0).message, "Duplicate"));
}

static void
test_standin_model (Fixture *f, gconstpointer data)
{
  g_autoptr (DgDraft) draft = NULL;
  g_autoptr (DgJob) job = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (DgRecordPage) page = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *id = NULL;
  DgStandinStats stats;
  JsonObject *usage;

  f->standin = dg_model_standin_new ();
  dg_model_standin_set_latency_ms (f->standin, 5);
  dg_model_standin_set_fault_at (f->standin, 3, DG_STANDIN_FAULT_INVALID_RECORD);
  base_url =
      g_strdup_printf ("DATAGEN_INFERENCE_BASE_URL=%s", dg_model_standin_get_url (f->standin));
  start_engine (f, (const char *const[]){ base_url, NULL });

  draft = draft_schema (f, "ana", 30, people_schema);
  id = confirm (f, "ana", draft, NULL);
  wait_status (f, id, DG_JOB_STATUS_SUCCEEDED);

  job = get_job (f, "ana", id);
  g_assert_cmpint (job->total_ok, ==, 30);
  g_assert_cmpint (job->total_failed, ==, 0);
  /* One invalid answer was re-asked: one retry, counted apart from the records. */
  g_assert_cmpint (job->total_retries, ==, 1);
  g_assert_cmpstr (json_object_get_string_member (job->run, "backend"), ==, "ratio1");
  usage = json_object_get_object_member (job->run, "usage");
  g_assert_cmpint (json_object_get_int_member (usage, "retries"), ==, 1);
  dg_model_standin_get_stats (f->standin, &stats);
  g_assert_cmpuint (stats.total, ==, 31);
  g_assert_cmpuint (stats.max_in_flight, <=, 4);

  page = dg_engine_get_records (f->engine, "ana", id, 10, 5, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->rows->len, ==, 5);
  g_assert_cmpint (page->total_records, ==, 30);
  g_assert_cmpint (((DgRecordRow *) g_ptr_array_index (page->rows, 0))->index, ==, 10);
}

static void
test_control (Fixture *f, gconstpointer data)
{
  g_autoptr (DgDraft) draft = NULL;
  g_autoptr (DgDraft) other = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr (DgJob) job = NULL;
  g_autoptr (DgMetrics) metrics = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *id = NULL;
  g_autofree char *other_id = NULL;
  DgConfirmRequest request = { 0 };

  f->standin = dg_model_standin_new ();
  dg_model_standin_set_latency_ms (f->standin, 20);
  base_url =
      g_strdup_printf ("DATAGEN_INFERENCE_BASE_URL=%s", dg_model_standin_get_url (f->standin));
  start_engine (f, (const char *const[]){ base_url, NULL });

  draft = draft_schema (f, "ana", 200, people_schema);
  request.concurrency = 2;
  id = confirm (f, "ana", draft, &request);
  wait_status (f, id, DG_JOB_STATUS_RUNNING);

  /* An unfinished job is not exported unless asked for a partial export. */
  g_assert_false (dg_engine_export (f->engine, "ana", id, DG_EXPORT_FORMAT_JSONL,
                                    DG_ENGINE_EXPORT_NONE, out, NULL, NULL, NULL, &error));
  g_assert_error (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_NOT_COMPLETED);
  g_assert_cmpstr (error->message, ==, "Job not completed");
  g_clear_error (&error);
  g_assert_true (dg_engine_export (f->engine, "ana", id, DG_EXPORT_FORMAT_JSONL,
                                   DG_ENGINE_EXPORT_PARTIAL, out, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (dg_engine_control (f->engine, "ana", id, DG_JOB_ACTION_PAUSE, &error));
  g_assert_no_error (error);
  wait_status (f, id, DG_JOB_STATUS_PAUSED);
  DG_TEST_WAIT (!dg_job_runner_is_running (dg_engine_get_runner (f->engine), id), 5000);
  /* Pausing a paused job changes nothing. */
  g_assert_true (dg_engine_control (f->engine, "ana", id, DG_JOB_ACTION_PAUSE, &error));
  g_assert_no_error (error);

  g_assert_true (dg_engine_control (f->engine, "ana", id, DG_JOB_ACTION_RESUME, &error));
  g_assert_no_error (error);
  wait_status (f, id, DG_JOB_STATUS_RUNNING);
  g_assert_true (dg_engine_control (f->engine, "ana", id, DG_JOB_ACTION_CANCEL, &error));
  wait_status (f, id, DG_JOB_STATUS_CANCELLED);
  /* Cancelled is final. */
  g_assert_false (dg_engine_control (f->engine, "ana", id, DG_JOB_ACTION_RESUME, &error));
  g_assert_error (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_STATE);
  g_clear_error (&error);
  g_assert_false (dg_engine_control (f->engine, "ana", id, DG_JOB_ACTION_RETRY_FAILED, &error));
  g_assert_error (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_STATE);
  g_clear_error (&error);

  /* Retry failed records: a finished job with failures runs again and succeeds. */
  dg_model_standin_set_latency_ms (f->standin, 1);
  other = draft_schema (f, "ana", 6, people_schema);
  request.max_attempts = 1;
  request.concurrency = 1;
  {
    DgStandinStats stats;

    /* The cancelled job's last requests must be in before counting arrivals. */
    DG_TEST_WAIT (({
                    dg_model_standin_get_stats (f->standin, &stats);
                    stats.in_flight == 0 &&
                        !dg_job_runner_is_running (dg_engine_get_runner (f->engine), id);
                  }),
                  10000);
    dg_model_standin_get_stats (f->standin, &stats);
    dg_model_standin_set_fault_at (f->standin, stats.total + 1, DG_STANDIN_FAULT_INVALID_RECORD);
  }
  other_id = confirm (f, "ana", other, &request);
  wait_status (f, other_id, DG_JOB_STATUS_SUCCEEDED);
  job = get_job (f, "ana", other_id);
  g_assert_cmpint (job->total_failed, ==, 1);
  g_clear_pointer (&job, dg_job_unref);
  g_assert_true (
      dg_engine_control (f->engine, "ana", other_id, DG_JOB_ACTION_RETRY_FAILED, &error));
  g_assert_no_error (error);
  DG_TEST_WAIT (({
                  g_autoptr (DgJob) j = dg_engine_get_job (f->engine, "ana", other_id, NULL);
                  j != NULL && j->status == DG_JOB_STATUS_SUCCEEDED && j->total_ok == 6;
                }),
                20000);

  /* Delete removes the job and its records. */
  g_assert_true (dg_engine_control (f->engine, "ana", id, DG_JOB_ACTION_DELETE, &error));
  g_assert_no_error (error);
  DG_TEST_WAIT (g_hash_table_contains (f->removed, id), 5000);
  job = dg_engine_get_job (f->engine, "ana", id, &error);
  g_assert_null (job);
  g_assert_error (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM records WHERE job_id = '%s'", id);

    g_assert_cmpint (dg_test_jobs_query_int (f->db_path, sql), ==, 0);
  }

  metrics = dg_engine_get_metrics (f->engine, &error);
  g_assert_cmpint (metrics->total_jobs, ==, 2);
  g_assert_cmpint (metrics->active_jobs, ==, 0);
}

static void
test_export_to_file (Fixture *f, gconstpointer data)
{
  g_autoptr (DgDraft) draft = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GFile) file = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *id = NULL;
  g_autoptr (GOutputStream) full = dg_test_full_stream_new (10);

  start_engine (f, NULL);
  draft = draft_schema (f, "ana", 3, people_schema);
  id = confirm (f, "ana", draft, NULL);
  wait_status (f, id, DG_JOB_STATUS_SUCCEEDED);

  path = dg_test_dir_file (f->dir, "out.csv");
  file = g_file_new_for_path (path);
  g_assert_true (g_file_set_contents (path, "OLD", -1, NULL));
  /* A job that is not there does not touch the file. */
  g_assert_false (dg_engine_export_to_file (f->engine, "ana", "job_1_abcdef", DG_EXPORT_FORMAT_CSV,
                                            DG_ENGINE_EXPORT_NONE, file, NULL, NULL, NULL, &error));
  g_assert_error (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "OLD");
  g_clear_pointer (&contents, g_free);

  g_assert_true (dg_engine_export_to_file (f->engine, "ana", id, DG_EXPORT_FORMAT_CSV,
                                           DG_ENGINE_EXPORT_NONE, file, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "name,age\n"));

  /* A full disk: a clear error, the records untouched. */
  g_assert_false (dg_engine_export (f->engine, "ana", id, DG_EXPORT_FORMAT_JSON,
                                    DG_ENGINE_EXPORT_NONE, full, NULL, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  g_assert_cmpint (dg_test_jobs_query_int (f->db_path, "SELECT count(*) FROM records"), ==, 3);
}

static void
test_draft_with_model (Fixture *f, gconstpointer data)
{
  DgDraftRequest request = people_request (5);
  g_autoptr (DgDraft) draft = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *body = NULL;

  f->standin = dg_model_standin_new ();
  base_url =
      g_strdup_printf ("DATAGEN_INFERENCE_BASE_URL=%s", dg_model_standin_get_url (f->standin));
  start_engine (f, (const char *const[]){ base_url, NULL });
  dg_engine_draft_async (f->engine, "ana", &request, NULL, on_drafted, &draft);
  DG_TEST_WAIT (draft != NULL, 10000);
  g_assert_cmpstr (draft->backend, ==, "ratio1");
  g_assert_null (draft->template_id);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (draft->schema));
  g_assert_nonnull (draft->sanitized_schema);
  g_assert_nonnull (draft->token);
  /* One schema call, and the description reaches the model (contract fix 9). */
  body = dg_model_standin_dup_last_body (f->standin);
  g_assert_nonnull (strstr (body, "People in a customer database"));
}

typedef struct
{
  gboolean done;
  GError *error;
} Failure;

static void
on_draft_failed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Failure *failure = user_data;
  DgDraft *draft = dg_engine_draft_finish (DG_ENGINE (source), result, &failure->error);

  g_assert_null (draft);
  failure->done = TRUE;
}

static void
test_draft_failures (Fixture *f, gconstpointer data)
{
  DgDraftRequest request = people_request (5);
  g_autofree char *base_url = NULL;
  Failure failure = { 0 };
  DgDraft *none;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) schema = parse (people_schema);

  f->standin = dg_model_standin_new ();
  dg_model_standin_set_fixed_response (f->standin, 401, "{\"error\":\"bad key\"}");
  base_url =
      g_strdup_printf ("DATAGEN_INFERENCE_BASE_URL=%s", dg_model_standin_get_url (f->standin));
  start_engine (f, (const char *const[]){ base_url, NULL });

  /* The model fails: a clear "Inference failed: …" (upstream answered an empty 500). */
  dg_engine_draft_async (f->engine, "ana", &request, NULL, on_draft_failed, &failure);
  DG_TEST_WAIT (failure.done, 10000);
  g_assert_error (failure.error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_INFERENCE);
  g_assert_true (g_str_has_prefix (failure.error->message, "Inference failed: "));
  g_clear_error (&failure.error);

  /* Bad requests are refused before any model call. */
  request.total_records = 0;
  none = dg_engine_draft_from_schema (f->engine, "ana", &request, schema, &error);
  g_assert_null (none);
  g_assert_error (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_INVALID);
  g_clear_error (&error);
  request = people_request (5);
  request.title = "";
  none = dg_engine_draft_from_schema (f->engine, "ana", &request, schema, &error);
  g_assert_error (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_INVALID);
  g_clear_error (&error);
  request = people_request (201);
  none = dg_engine_draft_from_schema (f->engine, "ana", &request, schema, &error);
  g_assert_error (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_INVALID);
}

static void
test_endpoint_failure_pauses (Fixture *f, gconstpointer data)
{
  g_autoptr (DgDraft) draft = NULL;
  g_autoptr (DgJob) job = NULL;
  g_autoptr (DgJobProgress) progress = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *id = NULL;

  f->standin = dg_model_standin_new ();
  base_url =
      g_strdup_printf ("DATAGEN_INFERENCE_BASE_URL=%s", dg_model_standin_get_url (f->standin));
  start_engine (f, (const char *const[]){ base_url, NULL });
  draft = draft_schema (f, "ana", 40, people_schema);
  /* Refused credentials on every call: the job pauses with the reason, records untouched. */
  dg_model_standin_set_fixed_response (f->standin, 401, "{\"error\":\"bad key\"}");
  id = confirm (f, "ana", draft, NULL);
  wait_status (f, id, DG_JOB_STATUS_PAUSED);
  DG_TEST_WAIT (({
                  g_autoptr (DgJobProgress) p = dg_engine_get_progress (f->engine, id);
                  p != NULL && !p->active;
                }),
                10000);
  progress = dg_engine_get_progress (f->engine, id);
  g_assert_nonnull (progress->message);
  g_assert_nonnull (strstr (progress->message, "model server keeps failing"));
  job = get_job (f, "ana", id);
  g_assert_cmpint (job->status, ==, DG_JOB_STATUS_PAUSED);
  g_assert_cmpint (job->total_failed, ==, 0);
  g_assert_cmpstr (json_object_get_string_member (job->base, "statusReason"), ==,
                   progress->message);

  /* The server is back: resume finishes the job. */
  dg_model_standin_set_fixed_response (f->standin, 0, NULL);
  g_assert_true (dg_engine_control (f->engine, "ana", id, DG_JOB_ACTION_RESUME, NULL));
  wait_status (f, id, DG_JOB_STATUS_SUCCEEDED);
  g_clear_pointer (&job, dg_job_unref);
  job = get_job (f, "ana", id);
  g_assert_cmpint (job->total_ok, ==, 40);
}

static void
test_concurrent_jobs (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (DgMetrics) metrics = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *base_url = NULL;
  gint64 ok = 0;

  f->standin = dg_model_standin_new ();
  dg_model_standin_set_latency_ms (f->standin, 2);
  base_url =
      g_strdup_printf ("DATAGEN_INFERENCE_BASE_URL=%s", dg_model_standin_get_url (f->standin));
  start_engine (f, (const char *const[]){ base_url, NULL });
  /* Several jobs of two users at once, on the model and offline. */
  for (guint i = 0; i < 6; i++)
    {
      g_autoptr (DgDraft) draft = draft_schema (f, i % 2 ? "ana" : "bob", 10 + i, people_schema);
      DgConfirmRequest request = { 0 };

      request.backend = i % 3 == 0 ? "offline" : NULL;
      g_ptr_array_add (ids, confirm (f, i % 2 ? "ana" : "bob", draft, &request));
    }
  for (guint i = 0; i < ids->len; i++)
    wait_status (f, g_ptr_array_index (ids, i), DG_JOB_STATUS_SUCCEEDED);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr (DgJob) job = get_job (f, NULL, g_ptr_array_index (ids, i));

      g_assert_cmpint (job->total_ok, ==, 10 + i);
      ok += job->total_ok;
    }
  /* Counted per job, exactly, whatever the interleaving. */
  metrics = dg_engine_get_metrics (f->engine, &error);
  g_assert_no_error (error);
  g_assert_cmpint (metrics->total_jobs, ==, 6);
  g_assert_cmpint (metrics->total_records_requested, ==, ok);
  g_assert_cmpint (metrics->total_records_generated, ==, ok);
  g_assert_cmpint (metrics->active_jobs, ==, 0);
  g_assert_cmpint (metrics->failed_jobs, ==, 0);
  g_assert_nonnull (metrics->last_job_at);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/core/engine/offline-end-to-end", test_offline_end_to_end);
  ADD ("/core/engine/draft-without-model", test_draft_without_model);
  ADD ("/core/engine/confirm-once-and-foreign", test_confirm_once_and_foreign);
  ADD ("/core/engine/edited-schema", test_edited_schema);
  ADD ("/core/engine/owner-scoping", test_owner_scoping);
  ADD ("/core/engine/zero-record-peers", test_zero_record_peers);
  ADD ("/core/engine/duplicates", test_duplicates);
  ADD ("/core/engine/standin-model", test_standin_model);
  ADD ("/core/engine/control", test_control);
  ADD ("/core/engine/export-to-file", test_export_to_file);
  ADD ("/core/engine/draft-with-model", test_draft_with_model);
  ADD ("/core/engine/draft-failures", test_draft_failures);
  ADD ("/core/engine/endpoint-failure-pauses", test_endpoint_failure_pauses);
  ADD ("/core/engine/concurrent-jobs", test_concurrent_jobs);
#undef ADD

  return g_test_run ();
}
