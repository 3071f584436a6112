/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-jobs"

#include "config.h"

#include "dg-job.h"
#include "dg-json-writer.h"
#include "dg-store-jobs.h"
#include "dg-store-metrics.h"
#include "dg-store-records.h"
#include "dg-test-jobs.h"
#include "dg-test-utils.h"

typedef DgTestStoreFixture Fixture;
#define fixture_setup dg_test_store_fixture_setup
#define fixture_teardown dg_test_store_fixture_teardown

static DgJob *
get_job (Fixture *f, const char *id)
{
  g_autoptr (GError) error = NULL;
  DgJob *job = dg_store_job_get (f->store, id, DG_STORE_JOB_FULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (job);
  return job;
}

static void
get_metrics (Fixture *f, DgMetrics *metrics)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (dg_store_metrics_get (f->store, metrics, &error));
  g_assert_no_error (error);
}

static void
set_status (Fixture *f, const char *id, DgJobStatus to)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (dg_store_job_set_status (f->store, id, to, NULL, &error));
  g_assert_no_error (error);
}

static void
test_split (void)
{
  const char *const abc[] = { "a", "b", "c", NULL };
  g_autoptr (GArray) ten = dg_job_split (10, abc);
  g_autoptr (GArray) two = dg_job_split (2, abc);
  DgSliceRange *r;

  /* Upstream 7.2 worked example: 4/3/3 with ranges [0,4), [4,7), [7,10). */
  g_assert_cmpuint (ten->len, ==, 3);
  r = &g_array_index (ten, DgSliceRange, 0);
  g_assert_cmpstr (r->peer_id, ==, "a");
  g_assert_cmpint (r->range_start, ==, 0);
  g_assert_cmpint (r->range_end, ==, 4);
  r = &g_array_index (ten, DgSliceRange, 1);
  g_assert_cmpint (r->range_start, ==, 4);
  g_assert_cmpint (r->range_end, ==, 7);
  r = &g_array_index (ten, DgSliceRange, 2);
  g_assert_cmpstr (r->peer_id, ==, "c");
  g_assert_cmpint (r->range_start, ==, 7);
  g_assert_cmpint (r->range_end, ==, 10);

  /* 2 over three peers: c gets the empty range [2,2). */
  r = &g_array_index (two, DgSliceRange, 2);
  g_assert_cmpint (r->range_start, ==, 2);
  g_assert_cmpint (r->range_end, ==, 2);
  g_assert_cmpint (g_array_index (two, DgSliceRange, 0).range_end, ==, 1);
}

static void
test_ids (void)
{
  g_autofree char *id = dg_job_new_id ();
  g_autofree char *other = dg_job_new_id ();
  g_autoptr (GRegex) format = g_regex_new ("^job_[0-9]{13}_[0-9a-f]{6}$", 0, 0, NULL);

  g_assert_true (g_regex_match (format, id, 0, NULL));
  g_assert_cmpstr (id, !=, other);
  g_assert_true (dg_job_id_is_valid (id));
  g_assert_true (dg_job_id_is_valid ("job_1700000000000_0a1b2c"));
  g_assert_false (dg_job_id_is_valid ("job_1700000000000_0A1B2C"));
  g_assert_false (dg_job_id_is_valid ("job__0a1b2c"));
  g_assert_false (dg_job_id_is_valid ("job_17_0a1b2"));
  g_assert_false (dg_job_id_is_valid ("../etc/passwd"));
  g_assert_false (dg_job_id_is_valid (NULL));
}

static void
test_transitions (void)
{
  /* Forward only, plus paused <-> running. */
  g_assert_true (dg_job_status_can_move (DG_JOB_STATUS_QUEUED, DG_JOB_STATUS_RUNNING));
  g_assert_true (dg_job_status_can_move (DG_JOB_STATUS_RUNNING, DG_JOB_STATUS_PAUSED));
  g_assert_true (dg_job_status_can_move (DG_JOB_STATUS_PAUSED, DG_JOB_STATUS_RUNNING));
  g_assert_true (dg_job_status_can_move (DG_JOB_STATUS_RUNNING, DG_JOB_STATUS_SUCCEEDED));
  g_assert_true (dg_job_status_can_move (DG_JOB_STATUS_RUNNING, DG_JOB_STATUS_FAILED));
  g_assert_true (dg_job_status_can_move (DG_JOB_STATUS_PAUSED, DG_JOB_STATUS_CANCELLED));
  g_assert_false (dg_job_status_can_move (DG_JOB_STATUS_RUNNING, DG_JOB_STATUS_QUEUED));
  g_assert_false (dg_job_status_can_move (DG_JOB_STATUS_FAILED, DG_JOB_STATUS_RUNNING));
  g_assert_false (dg_job_status_can_move (DG_JOB_STATUS_SUCCEEDED, DG_JOB_STATUS_FAILED));
  g_assert_false (dg_job_status_can_move (DG_JOB_STATUS_CANCELLED, DG_JOB_STATUS_RUNNING));
  g_assert_false (dg_job_status_can_move (DG_JOB_STATUS_PAUSED, DG_JOB_STATUS_SUCCEEDED));
  for (int s = DG_JOB_STATUS_QUEUED; s <= DG_JOB_STATUS_CANCELLED; s++)
    {
      DgJobStatus back;

      g_assert_true (dg_job_status_from_string (dg_job_status_to_string (s), &back));
      g_assert_cmpint (back, ==, s);
    }
}

static void
test_insert_and_base (Fixture *f, gconstpointer data)
{
  g_autofree char *id = dg_test_jobs_create (f->store, "ana", 10, NULL);
  g_autoptr (DgJob) job = get_job (f, id);
  g_autoptr (GList) keys = NULL;
  GString *order = g_string_new (NULL);
  g_autofree char *joined = NULL;
  DgMetrics metrics = { 0 };

  g_assert_cmpstr (job->owner, ==, "ana");
  g_assert_cmpint (job->status, ==, DG_JOB_STATUS_QUEUED);
  g_assert_cmpint (job->total_records, ==, 10);
  g_assert_cmpuint (job->slices->len, ==, 1);
  /* The stored base follows the columns, keys in creation order, totals appended as upstream. */
  keys = json_object_get_members (job->base);
  for (GList *l = keys; l != NULL; l = l->next)
    g_string_append_printf (order, "%s%s", order->len > 0 ? "," : "", (const char *) l->data);
  joined = g_string_free (order, FALSE);
  g_assert_cmpstr (joined, ==,
                   "id,owner,title,status,totalRecords,totalGenerated,totalOk,totalFailed,"
                   "updatedAt");
  g_assert_cmpstr (json_object_get_string_member (job->base, "status"), ==, "queued");

  get_metrics (f, &metrics);
  g_assert_cmpint (metrics.total_jobs, ==, 1);
  g_assert_cmpint (metrics.total_records_requested, ==, 10);
  g_assert_cmpint (metrics.active_jobs, ==, 0);
  g_assert_nonnull (metrics.last_job_at);
  dg_metrics_clear (&metrics);
}

static void
test_draft_once (Fixture *f, gconstpointer data)
{
  const char *const peers[] = { "local", NULL };
  g_autoptr (GArray) slices = dg_job_split (3, peers);
  g_autoptr (JsonObject) base = json_object_new ();
  g_autoptr (JsonObject) details = json_object_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *existing = NULL;
  g_autofree char *owner = NULL;
  g_autofree char *found = NULL;
  DgStoreJobSpec spec = { 0 };
  DgMetrics metrics = { 0 };

  spec.id = "job_1700000000000_aaaaaa";
  spec.owner = "ana";
  spec.title = "Once";
  spec.total_records = 3;
  spec.draft_id = "draft-1";
  spec.base = base;
  spec.details = details;
  spec.slices = slices;
  g_assert_true (dg_store_job_insert (f->store, &spec, &existing, &owner, &error));
  g_assert_no_error (error);
  g_assert_null (existing);

  /* The same draft again: nothing new, the first job's id comes back. */
  spec.id = "job_1700000000001_bbbbbb";
  g_assert_true (dg_store_job_insert (f->store, &spec, &existing, &owner, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (existing, ==, "job_1700000000000_aaaaaa");
  g_assert_cmpstr (owner, ==, "ana");
  g_assert_cmpint (dg_test_jobs_query_int (f->db_path, "SELECT count(*) FROM jobs"), ==, 1);

  found = dg_store_job_find_by_draft (f->store, "draft-1", NULL, &error);
  g_assert_cmpstr (found, ==, "job_1700000000000_aaaaaa");
  get_metrics (f, &metrics);
  g_assert_cmpint (metrics.total_jobs, ==, 1);
  dg_metrics_clear (&metrics);
}

static void
test_zero_record_slices (Fixture *f, gconstpointer data)
{
  const char *const peers[] = { "local", "b", "c", NULL };
  g_autofree char *id = dg_test_jobs_create (f->store, "ana", 1, peers);
  const char *const records[] = { "{\"n\":1}" };
  g_autoptr (GError) error = NULL;
  g_autoptr (DgJob) job = NULL;
  DgJobStatus status;

  job = get_job (f, id);
  g_assert_cmpuint (job->slices->len, ==, 3);
  /* The empty slices are finished at once; upstream failed such jobs. */
  g_assert_null (((DgJobSlice *) g_ptr_array_index (job->slices, 0))->finished_at);
  g_assert_nonnull (((DgJobSlice *) g_ptr_array_index (job->slices, 1))->finished_at);
  g_assert_nonnull (((DgJobSlice *) g_ptr_array_index (job->slices, 2))->finished_at);

  g_assert_true (dg_store_job_start_slice (f->store, id, "local", &status, &error));
  g_assert_cmpint (status, ==, DG_JOB_STATUS_RUNNING);
  dg_test_jobs_store (f->store, id, "local", records, 1);
  g_assert_true (dg_store_job_finish_slice (f->store, id, "local", &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, DG_JOB_STATUS_SUCCEEDED);
}

static void
test_lifecycle_and_metrics (Fixture *f, gconstpointer data)
{
  const char *const records[] = { "{\"n\":1}", "!bad output", "{\"n\":3}" };
  g_autofree char *id = dg_test_jobs_create (f->store, "ana", 3, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (DgJob) job = NULL;
  DgMetrics metrics = { 0 };
  DgJobStatus status;

  g_assert_true (dg_store_job_start_slice (f->store, id, "local", &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, DG_JOB_STATUS_RUNNING);
  get_metrics (f, &metrics);
  g_assert_cmpint (metrics.active_jobs, ==, 1);
  dg_metrics_clear (&metrics);

  dg_test_jobs_store (f->store, id, "local", records, 3);
  /* Storing the same indices again changes nothing (exactly once). */
  dg_test_jobs_store (f->store, id, "local", records, 3);
  g_assert_true (dg_store_job_finish_slice (f->store, id, "local", &status, &error));
  g_assert_cmpint (status, ==, DG_JOB_STATUS_SUCCEEDED);

  job = get_job (f, id);
  g_assert_cmpint (job->total_ok, ==, 2);
  g_assert_cmpint (job->total_failed, ==, 1);
  g_assert_nonnull (job->finished_at);
  g_assert_cmpuint (job->errors->len, ==, 1);
  g_assert_cmpint (g_array_index (job->errors, DgJobError, 0).index, ==, 1);
  g_assert_cmpstr (g_array_index (job->errors, DgJobError, 0).message, ==, "bad output");
  g_assert_cmpint (json_object_get_int_member (job->base, "totalGenerated"), ==, 3);
  g_assert_true (json_object_has_member (job->base, "jobFinishedAt"));
  g_assert_true (json_object_has_member (job->base, "recordsDurationMs"));

  get_metrics (f, &metrics);
  g_assert_cmpint (metrics.total_records_generated, ==, 2);
  g_assert_cmpint (metrics.active_jobs, ==, 0);
  g_assert_cmpint (metrics.failed_jobs, ==, 0);
  dg_metrics_clear (&metrics);

  /* Final: nothing moves it back. */
  g_assert_false (dg_store_job_set_status (f->store, id, DG_JOB_STATUS_RUNNING, NULL, &error));
  g_assert_error (error, DG_STORE_ERROR, DG_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  g_assert_false (dg_store_job_set_status (f->store, id, DG_JOB_STATUS_FAILED, NULL, &error));
  g_assert_error (error, DG_STORE_ERROR, DG_STORE_ERROR_CONSTRAINT);
}

static void
test_pause_cancel_fail (Fixture *f, gconstpointer data)
{
  g_autofree char *a = dg_test_jobs_create (f->store, "ana", 5, NULL);
  g_autofree char *b = dg_test_jobs_create (f->store, "ana", 5, NULL);
  g_autoptr (GError) error = NULL;
  DgMetrics metrics = { 0 };
  DgJobStatus status;

  g_assert_true (dg_store_job_start_slice (f->store, a, "local", &status, &error));
  g_assert_true (dg_store_job_start_slice (f->store, b, "local", &status, &error));
  set_status (f, a, DG_JOB_STATUS_PAUSED);
  /* A paused job is not started by the runner. */
  g_assert_true (dg_store_job_start_slice (f->store, a, "local", &status, &error));
  g_assert_cmpint (status, ==, DG_JOB_STATUS_PAUSED);
  get_metrics (f, &metrics);
  g_assert_cmpint (metrics.active_jobs, ==, 2);
  dg_metrics_clear (&metrics);

  set_status (f, a, DG_JOB_STATUS_RUNNING);
  set_status (f, a, DG_JOB_STATUS_CANCELLED);
  set_status (f, b, DG_JOB_STATUS_FAILED);
  get_metrics (f, &metrics);
  g_assert_cmpint (metrics.active_jobs, ==, 0);
  g_assert_cmpint (metrics.failed_jobs, ==, 1);
  g_assert_cmpint (metrics.total_jobs, ==, 2);
  dg_metrics_clear (&metrics);

  /* Runnable: neither (cancelled and failed). */
  {
    g_auto (GStrv) ids = dg_store_jobs_runnable (f->store, "local", &error);

    g_assert_no_error (error);
    g_assert_cmpuint (g_strv_length (ids), ==, 0);
  }
}

static void
test_retry_failed (Fixture *f, gconstpointer data)
{
  const char *const records[] = { "{\"n\":1}", "!bad", "!worse" };
  const char *const fixed[] = { NULL, "{\"n\":2}", "{\"n\":3}" };
  g_autofree char *id = dg_test_jobs_create (f->store, "ana", 3, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (DgJob) job = NULL;
  g_autofree guint8 *stored = NULL;
  DgMetrics metrics = { 0 };
  DgJobStatus status;
  gint64 count = -1;

  g_assert_true (dg_store_job_start_slice (f->store, id, "local", &status, &error));
  dg_test_jobs_store (f->store, id, "local", records, 3);
  g_assert_true (dg_store_job_finish_slice (f->store, id, "local", &status, &error));
  g_assert_cmpint (status, ==, DG_JOB_STATUS_SUCCEEDED);

  g_assert_true (dg_store_job_retry_failed (f->store, id, &count, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count, ==, 2);
  job = get_job (f, id);
  g_assert_cmpint (job->status, ==, DG_JOB_STATUS_RUNNING);
  g_assert_cmpint (job->total_failed, ==, 0);
  g_assert_null (job->finished_at);
  g_assert_false (json_object_has_member (job->base, "jobFinishedAt"));
  stored = dg_store_records_stored (f->store, id, 0, 3, &count, &error);
  g_assert_cmpint (count, ==, 1);
  g_assert_cmpint (stored[0], ==, 0x1);
  get_metrics (f, &metrics);
  g_assert_cmpint (metrics.active_jobs, ==, 1);
  dg_metrics_clear (&metrics);

  dg_test_jobs_store (f->store, id, "local", fixed, 3);
  g_assert_true (dg_store_job_finish_slice (f->store, id, "local", &status, &error));
  g_assert_cmpint (status, ==, DG_JOB_STATUS_SUCCEEDED);
  g_clear_pointer (&job, dg_job_unref);
  job = get_job (f, id);
  g_assert_cmpint (job->total_ok, ==, 3);
  g_assert_cmpint (job->total_failed, ==, 0);

  /* Nothing failed: a no-op. Cancelled: refused. */
  g_assert_true (dg_store_job_retry_failed (f->store, id, &count, &error));
  g_assert_cmpint (count, ==, 0);
}

static void
test_delete (Fixture *f, gconstpointer data)
{
  const char *const records[] = { "{\"n\":1}", "{\"n\":2}" };
  g_autofree char *id = dg_test_jobs_create (f->store, "ana", 4, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (DgJob) gone = NULL;
  DgMetrics metrics = { 0 };
  DgJobStatus status;

  g_assert_true (dg_store_job_start_slice (f->store, id, "local", &status, &error));
  dg_test_jobs_store (f->store, id, "local", records, 2);
  g_assert_true (dg_store_job_delete (f->store, id, &error));
  g_assert_no_error (error);
  gone = dg_store_job_get (f->store, id, DG_STORE_JOB_BASIC, &error);
  g_assert_null (gone);
  g_assert_error (error, DG_STORE_ERROR, DG_STORE_ERROR_NOT_FOUND);
  g_assert_cmpint (dg_test_jobs_query_int (f->db_path, "SELECT count(*) FROM records"), ==, 0);
  g_assert_cmpint (dg_test_jobs_query_int (f->db_path, "SELECT count(*) FROM job_slices"), ==, 0);
  get_metrics (f, &metrics);
  g_assert_cmpint (metrics.active_jobs, ==, 0);
  g_assert_cmpint (metrics.total_jobs, ==, 1);
  dg_metrics_clear (&metrics);
}

static void
test_list_owner (Fixture *f, gconstpointer data)
{
  g_autofree char *a = dg_test_jobs_create (f->store, "ana", 1, NULL);
  g_autofree char *b = dg_test_jobs_create (f->store, "bob", 1, NULL);
  g_autofree char *c = dg_test_jobs_create (f->store, "ana", 1, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) ana = NULL;
  g_autoptr (GPtrArray) all = NULL;

  set_status (f, a, DG_JOB_STATUS_RUNNING);
  ana = dg_store_jobs_list (f->store, "ana", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ana->len, ==, 2);
  for (guint i = 0; i < ana->len; i++)
    g_assert_cmpstr (((DgJob *) g_ptr_array_index (ana, i))->owner, ==, "ana");
  /* Most recently updated first. */
  g_assert_cmpstr (((DgJob *) g_ptr_array_index (ana, 0))->updated_at, >=,
                   ((DgJob *) g_ptr_array_index (ana, 1))->updated_at);
  all = dg_store_jobs_list (f->store, NULL, &error);
  g_assert_cmpuint (all->len, ==, 3);
}

static void
test_leases (Fixture *f, gconstpointer data)
{
  g_autofree char *id = dg_test_jobs_create (f->store, "ana", 1, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *holder = NULL;
  gint64 later = g_get_real_time () / 1000 + 60000;

  g_assert_true (dg_store_job_claim (f->store, id, "host/1", later, NULL, &error));
  g_assert_true (dg_store_job_claim (f->store, id, "host/1", later, NULL, &error));
  g_assert_false (dg_store_job_claim (f->store, id, "host/2", later, &holder, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (holder, ==, "host/1");
  /* The holder is gone: the other process takes over, once. */
  g_assert_true (dg_store_job_take_lease (f->store, id, "host/2", "host/1", later, &error));
  g_assert_false (dg_store_job_take_lease (f->store, id, "host/3", "host/1", later, &error));
  g_assert_false (dg_store_job_renew_lease (f->store, id, "host/1", later, &error));
  g_assert_true (dg_store_job_renew_lease (f->store, id, "host/2", later, &error));
  g_assert_true (dg_store_job_release (f->store, id, "host/2", &error));
  /* An expired lease is free. */
  g_assert_true (dg_store_job_claim (f->store, id, "host/3", 1, NULL, &error));
  g_assert_true (dg_store_job_claim (f->store, id, "host/4", later, NULL, &error));
  g_assert_no_error (error);
}

static void
test_records_range (Fixture *f, gconstpointer data)
{
  const char *const records[] = { "{\"n\":1}", NULL, "!bad", "{\"n\":4}" };
  g_autofree char *id = dg_test_jobs_create (f->store, "ana", 4, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (JsonObject) json = NULL;
  g_autofree char *text = NULL;
  gboolean found;

  dg_test_jobs_store (f->store, id, "local", records, 4);
  rows = dg_store_records_range (f->store, id, 1, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpint (((DgRecordRow *) g_ptr_array_index (rows, 0))->index, ==, 2);
  g_assert_false (((DgRecordRow *) g_ptr_array_index (rows, 0))->ok);
  json = dg_record_row_to_json (g_ptr_array_index (rows, 1));
  text = dg_json_object_to_string (json, DG_JSON_WRITE_COMPACT);
  g_assert_cmpstr (text, ==, "{\"i\":3,\"ok\":true,\"data\":{\"n\":4},\"attempts\":1}");

  {
    g_autoptr (JsonNode) node = json_from_string ("{\"n\":4}", NULL);
    g_autofree char *fp = dg_json_fingerprint (node);

    g_assert_true (dg_store_records_has_fingerprint (f->store, id, fp, &found, &error));
    g_assert_true (found);
  }
}

static void
test_job_json (Fixture *f, gconstpointer data)
{
  const char *const peers[] = { "local", "b", NULL };
  const char *const records[] = { "!first failure", "{\"n\":2}" };
  g_autofree char *id = dg_test_jobs_create (f->store, "ana", 3, peers);
  g_autoptr (DgJob) job = NULL;
  g_autoptr (JsonObject) json = NULL;
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;
  JsonArray *peer_states;
  JsonObject *first;

  dg_test_jobs_store (f->store, id, "local", records, 2);
  job = get_job (f, id);
  json = dg_job_to_json (job);
  g_assert_true (json_object_has_member (json, "job"));
  g_assert_true (json_object_has_member (json, "details"));
  g_assert_true (json_object_has_member (json, "run"));
  peer_states = json_object_get_array_member (json, "peers");
  g_assert_cmpuint (json_array_get_length (peer_states), ==, 2);
  first = json_array_get_object_element (peer_states, 0);
  json_object_remove_member (first, "lastUpdateAt");
  json_object_remove_member (first, "startedAt");
  json_node_set_object (node, first);
  text = dg_json_to_string (node, DG_JSON_WRITE_COMPACT);
  /* Upstream 4.2 key order, with the failures of this slice attached. */
  g_assert_cmpstr (text, ==,
                   "{\"peerId\":\"local\",\"assigned\":2,\"range\":{\"start\":0,\"end\":2},"
                   "\"generatedOk\":1,\"generatedFailed\":1,"
                   "\"errors\":[{\"index\":0,\"message\":\"first failure\"}]}");
}

static void
test_remote_peers (Fixture *f, gconstpointer data)
{
  const char *const peers[] = { "a", "local", "b", NULL };
  const char *const mine[] = { NULL, NULL, NULL, NULL, "{\"n\":5}", "{\"n\":6}", "{\"n\":7}" };
  g_autofree char *id = dg_test_jobs_create (f->store, "ana", 10, peers);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) a_state = json_from_string (
      "{\"peerId\":\"a\",\"assigned\":4,\"range\":{\"start\":0,\"end\":4},"
      "\"generatedOk\":3,\"generatedFailed\":1,\"startedAt\":\"2026-01-01T00:00:00.000Z\","
      "\"finishedAt\":\"2026-01-01T00:01:00.000Z\",\"resultCid\":\"cid-a\"}",
      NULL);
  g_autoptr (JsonNode) b_state =
      json_from_string ("{\"peerId\":\"b\",\"generatedOk\":3,\"generatedFailed\":0,"
                        "\"finishedAt\":\"2026-01-01T00:02:00.000Z\",\"resultCid\":\"cid-b\"}",
                        NULL);
  g_autoptr (JsonNode) unknown = json_from_string ("{\"peerId\":\"zz\"}", NULL);
  g_autoptr (DgJob) job = NULL;
  DgJobStatus status;

  /* Peer a finished its slice first: the job runs, with a's counts. */
  g_assert_true (dg_store_job_apply_peer_state (f->store, id, json_node_get_object (a_state),
                                                &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, DG_JOB_STATUS_RUNNING);

  /* Our slice [4, 7). */
  g_assert_true (dg_store_job_start_slice (f->store, id, "local", &status, &error));
  dg_test_jobs_store (f->store, id, "local", mine, G_N_ELEMENTS (mine));
  g_assert_true (dg_store_job_finish_slice (f->store, id, "local", &status, &error));
  g_assert_cmpint (status, ==, DG_JOB_STATUS_RUNNING); /* b is not done */

  g_assert_true (dg_store_job_apply_peer_state (f->store, id, json_node_get_object (b_state),
                                                &status, &error));
  g_assert_cmpint (status, ==, DG_JOB_STATUS_SUCCEEDED);
  job = get_job (f, id);
  g_assert_cmpint (job->total_ok, ==, 9);
  g_assert_cmpint (job->total_failed, ==, 1);
  g_assert_cmpstr (json_object_get_string_member (
                       ((DgJobSlice *) g_ptr_array_index (job->slices, 0))->extra, "resultCid"),
                   ==, "cid-a");

  g_assert_false (dg_store_job_apply_peer_state (f->store, id, json_node_get_object (unknown),
                                                 &status, &error));
  g_assert_error (error, DG_STORE_ERROR, DG_STORE_ERROR_NOT_FOUND);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/jobs/split", test_split);
  g_test_add_func ("/core/jobs/ids", test_ids);
  g_test_add_func ("/core/jobs/transitions", test_transitions);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/core/jobs/insert-and-base", test_insert_and_base);
  ADD ("/core/jobs/draft-once", test_draft_once);
  ADD ("/core/jobs/zero-record-slices", test_zero_record_slices);
  ADD ("/core/jobs/lifecycle-and-metrics", test_lifecycle_and_metrics);
  ADD ("/core/jobs/pause-cancel-fail", test_pause_cancel_fail);
  ADD ("/core/jobs/retry-failed", test_retry_failed);
  ADD ("/core/jobs/delete", test_delete);
  ADD ("/core/jobs/list-owner", test_list_owner);
  ADD ("/core/jobs/leases", test_leases);
  ADD ("/core/jobs/records-range", test_records_range);
  ADD ("/core/jobs/job-json", test_job_json);
  ADD ("/core/jobs/remote-peers", test_remote_peers);
#undef ADD

  return g_test_run ();
}
