/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-engine"

#include "config.h"

#include "test-engine-fixture.h"

/* Jobs running: slices, duplicates, the model, control actions, exports, failures, many jobs. */

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

/* The instance budget (the desktop's preference) reaches jobs that are already running. */
static void
test_budget_change (Fixture *f, gconstpointer data)
{
  g_autoptr (DgDraft) draft = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *id = NULL;
  DgInference *inference;
  DgStandinStats stats;

  f->standin = dg_model_standin_new ();
  base_url =
      g_strdup_printf ("DATAGEN_INFERENCE_BASE_URL=%s", dg_model_standin_get_url (f->standin));
  start_engine (f, (const char *const[]){ base_url, NULL });
  inference = dg_engine_get_inference (f->engine);
  g_assert_cmpuint (dg_inference_get_concurrency (inference), ==, 4);

  draft = draft_schema (f, "ana", 40, people_schema);
  dg_model_standin_set_latency_ms (f->standin, 300);
  id = confirm (f, "ana", draft, NULL);
  DG_TEST_WAIT ((dg_model_standin_get_stats (f->standin, &stats), stats.in_flight == 4), 15000);

  /* Raised mid-run: the job's window (twice the budget) grows with it and twice as many
   * record calls run at once. */
  dg_inference_set_concurrency (inference, 8);
  DG_TEST_WAIT ((dg_model_standin_get_stats (f->standin, &stats), stats.in_flight == 8), 15000);
  wait_status (f, id, DG_JOB_STATUS_SUCCEEDED);
  dg_model_standin_get_stats (f->standin, &stats);
  g_assert_cmpuint (stats.max_in_flight, ==, 8);
  g_assert_cmpuint (stats.total, ==, 40);
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

void
add_run_tests (void)
{
  ADD_ENGINE_TEST ("/core/engine/zero-record-peers", test_zero_record_peers);
  ADD_ENGINE_TEST ("/core/engine/duplicates", test_duplicates);
  ADD_ENGINE_TEST ("/core/engine/standin-model", test_standin_model);
  ADD_ENGINE_TEST ("/core/engine/budget-change", test_budget_change);
  ADD_ENGINE_TEST ("/core/engine/control", test_control);
  ADD_ENGINE_TEST ("/core/engine/export-to-file", test_export_to_file);
  ADD_ENGINE_TEST ("/core/engine/endpoint-failure-pauses", test_endpoint_failure_pauses);
  ADD_ENGINE_TEST ("/core/engine/concurrent-jobs", test_concurrent_jobs);
}
