/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-store"

#include "config.h"

#include "dg-json-writer.h"
#include "dg-store-jobs-private.h"
#include "dg-store-jobs.h"
#include "dg-store-metrics.h"
#include "dg-util.h"

/* Creating and reading jobs, and keeping the stored job base in step with the columns. */

static JsonObject *
parse_object (const char *text)
{
  g_autoptr (JsonNode) node = NULL;

  if (text == NULL)
    return NULL;
  node = json_from_string (text, NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_object_ref (json_node_get_object (node));
}

gboolean
dg_store_job_read_status (DgStore *store, const char *id, DgJobStatus *out_status, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (store);
  sqlite3_stmt *stmt = dg_store_prepare (store, "SELECT status FROM jobs WHERE id = ?", error);
  gboolean ok = FALSE;
  int rc;

  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      ok = dg_job_status_from_string ((const char *) sqlite3_column_text (stmt, 0), out_status);
      if (!ok)
        g_set_error (error, DG_STORE_ERROR, DG_STORE_ERROR_CORRUPT, "Job %s has an unknown status",
                     id);
    }
  else if (rc == SQLITE_DONE)
    g_set_error (error, DG_STORE_ERROR, DG_STORE_ERROR_NOT_FOUND, "No job %s", id);
  else
    dg_store_set_error (store, rc, "Cannot read a job", error);
  sqlite3_reset (stmt);
  return ok;
}

gboolean
dg_store_job_sync_base (DgStore *store, const char *id, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (store);
  g_autoptr (JsonObject) base = NULL;
  g_autofree char *status = NULL;
  g_autofree char *updated_at = NULL;
  g_autofree char *started_at = NULL;
  g_autofree char *finished_at = NULL;
  g_autofree char *text = NULL;
  gint64 total_ok, total_failed;
  sqlite3_stmt *stmt;
  int rc;

  stmt = dg_store_prepare (store,
                           "SELECT base, status, total_ok, total_failed, updated_at, started_at, "
                           "finished_at FROM jobs WHERE id = ?",
                           error);
  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, DG_STORE_ERROR, DG_STORE_ERROR_NOT_FOUND, "No job %s", id);
      else
        dg_store_set_error (store, rc, "Cannot read a job", error);
      sqlite3_reset (stmt);
      return FALSE;
    }
  base = parse_object ((const char *) sqlite3_column_text (stmt, 0));
  status = dg_store_column_dup (stmt, 1);
  total_ok = sqlite3_column_int64 (stmt, 2);
  total_failed = sqlite3_column_int64 (stmt, 3);
  updated_at = dg_store_column_dup (stmt, 4);
  started_at = dg_store_column_dup (stmt, 5);
  finished_at = dg_store_column_dup (stmt, 6);
  sqlite3_reset (stmt);

  /* A damaged base is rebuilt from what we know rather than left stale. */
  if (base == NULL)
    {
      base = json_object_new ();
      json_object_set_string_member (base, "id", id);
    }
  json_object_set_string_member (base, "status", status);
  json_object_set_int_member (base, "totalGenerated", total_ok + total_failed);
  json_object_set_int_member (base, "totalOk", total_ok);
  json_object_set_int_member (base, "totalFailed", total_failed);
  json_object_set_string_member (base, "updatedAt", updated_at);
  if (started_at != NULL)
    json_object_set_string_member (base, "jobStartedAt", started_at);
  if (finished_at != NULL)
    {
      json_object_set_string_member (base, "jobFinishedAt", finished_at);
      if (started_at != NULL)
        json_object_set_int_member (
            base, "recordsDurationMs",
            MAX (0, dg_iso_parse_ms (finished_at) - dg_iso_parse_ms (started_at)));
    }
  else
    {
      /* A retried job is no longer finished. */
      json_object_remove_member (base, "jobFinishedAt");
      json_object_remove_member (base, "recordsDurationMs");
    }

  text = dg_json_object_to_string (base, DG_JSON_WRITE_COMPACT);
  stmt = dg_store_prepare (store, "UPDATE jobs SET base = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, text);
  dg_store_bind_text (stmt, 2, id);
  return dg_store_step_done (store, stmt, error);
}

static gboolean
insert_job (DgStore *store, const DgStoreJobSpec *spec, char **out_existing_id,
            char **out_existing_owner, GError **error)
{
  g_autofree char *created = dg_iso_timestamp (spec->created_ms);
  g_autofree char *base = dg_json_object_to_string (spec->base, DG_JSON_WRITE_COMPACT);
  g_autofree char *details = dg_json_object_to_string (spec->details, DG_JSON_WRITE_COMPACT);
  g_autofree char *run =
      spec->run != NULL ? dg_json_object_to_string (spec->run, DG_JSON_WRITE_COMPACT) : NULL;
  sqlite3_stmt *stmt;

  if (spec->draft_id != NULL)
    {
      g_autoptr (GError) local_error = NULL;
      char *existing =
          dg_store_job_find_by_draft (store, spec->draft_id, out_existing_owner, &local_error);

      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (existing != NULL)
        {
          *out_existing_id = existing;
          return TRUE;
        }
    }

  stmt = dg_store_prepare (store,
                           "INSERT INTO jobs (id, owner, title, status, total_records, "
                           "dataset_mode, draft_id, base, details, run, created_at, updated_at) "
                           "VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?)",
                           error);
  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, spec->id);
  dg_store_bind_text (stmt, 2, spec->owner);
  dg_store_bind_text (stmt, 3, spec->title);
  sqlite3_bind_int64 (stmt, 4, spec->total_records);
  sqlite3_bind_int (stmt, 5, spec->dataset_mode ? 1 : 0);
  dg_store_bind_text (stmt, 6, spec->draft_id);
  dg_store_bind_text (stmt, 7, base);
  dg_store_bind_text (stmt, 8, details);
  dg_store_bind_text (stmt, 9, run);
  dg_store_bind_text (stmt, 10, created);
  dg_store_bind_text (stmt, 11, created);
  if (!dg_store_step_done (store, stmt, error))
    return FALSE;

  for (guint i = 0; i < spec->slices->len; i++)
    {
      DgSliceRange *range = &g_array_index (spec->slices, DgSliceRange, i);
      gboolean empty = range->range_end == range->range_start;

      stmt =
          dg_store_prepare (store,
                            "INSERT INTO job_slices (job_id, peer_id, position, range_start, "
                            "range_end, finished_at, last_update_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                            error);
      if (stmt == NULL)
        return FALSE;
      dg_store_bind_text (stmt, 1, spec->id);
      dg_store_bind_text (stmt, 2, range->peer_id);
      sqlite3_bind_int (stmt, 3, (int) range->position);
      sqlite3_bind_int64 (stmt, 4, range->range_start);
      sqlite3_bind_int64 (stmt, 5, range->range_end);
      /* A peer with nothing to do is done at once (upstream marked such jobs failed). */
      dg_store_bind_text (stmt, 6, empty ? created : NULL);
      dg_store_bind_text (stmt, 7, empty ? created : NULL);
      if (!dg_store_step_done (store, stmt, error))
        return FALSE;
    }

  return dg_store_metrics_add (store, "totalJobs", 1, error) &&
         dg_store_metrics_add (store, "totalRecordsRequested", spec->total_records, error) &&
         dg_store_metrics_set_last_job_at (store, created, error) &&
         dg_store_job_sync_base (store, spec->id, error);
}

/**
 * dg_store_job_insert:
 *
 * Writes a new queued job, its slices and its metrics in one transaction.
 */
gboolean
dg_store_job_insert (DgStore *store, const DgStoreJobSpec *spec, char **out_existing_id,
                     char **out_existing_owner, GError **error)
{
  g_return_val_if_fail (DG_IS_STORE (store), FALSE);
  g_return_val_if_fail (spec != NULL && spec->id != NULL && spec->owner != NULL, FALSE);
  g_return_val_if_fail (spec->base != NULL && spec->details != NULL && spec->slices != NULL, FALSE);
  g_return_val_if_fail (out_existing_id != NULL && *out_existing_id == NULL, FALSE);

  DG_STORE_IN_TRANSACTION (store, error,
                           insert_job (store, spec, out_existing_id, out_existing_owner, error));
}

char *
dg_store_job_find_by_draft (DgStore *store, const char *draft_id, char **out_owner, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (store);
  sqlite3_stmt *stmt;
  char *id = NULL;
  int rc;

  g_return_val_if_fail (DG_IS_STORE (store), NULL);
  g_return_val_if_fail (draft_id != NULL, NULL);

  stmt = dg_store_prepare (store, "SELECT id, owner FROM jobs WHERE draft_id = ?", error);
  if (stmt == NULL)
    return NULL;
  dg_store_bind_text (stmt, 1, draft_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      id = dg_store_column_dup (stmt, 0);
      if (out_owner != NULL)
        *out_owner = dg_store_column_dup (stmt, 1);
    }
  else if (rc != SQLITE_DONE)
    dg_store_set_error (store, rc, "Cannot read a job", error);
  sqlite3_reset (stmt);
  return id;
}

#define JOB_COLUMNS                                                                         \
  "id, owner, title, status, total_records, dataset_mode, draft_id, base, total_ok, "       \
  "total_failed, total_retries, prompt_tokens, completion_tokens, created_at, updated_at, " \
  "started_at, finished_at, model_ms, duplicates"

static DgJob *
job_from_row (sqlite3_stmt *stmt)
{
  DgJob *job = dg_job_new ();

  job->id = dg_store_column_dup (stmt, 0);
  job->owner = dg_store_column_dup (stmt, 1);
  job->title = dg_store_column_dup (stmt, 2);
  if (!dg_job_status_from_string ((const char *) sqlite3_column_text (stmt, 3), &job->status))
    job->status = DG_JOB_STATUS_FAILED;
  job->total_records = sqlite3_column_int64 (stmt, 4);
  job->dataset_mode = sqlite3_column_int (stmt, 5) != 0;
  job->draft_id = dg_store_column_dup (stmt, 6);
  job->base = parse_object ((const char *) sqlite3_column_text (stmt, 7));
  job->total_ok = sqlite3_column_int64 (stmt, 8);
  job->total_failed = sqlite3_column_int64 (stmt, 9);
  job->total_retries = sqlite3_column_int64 (stmt, 10);
  job->prompt_tokens = sqlite3_column_int64 (stmt, 11);
  job->completion_tokens = sqlite3_column_int64 (stmt, 12);
  job->created_at = dg_store_column_dup (stmt, 13);
  job->updated_at = dg_store_column_dup (stmt, 14);
  job->started_at = dg_store_column_dup (stmt, 15);
  job->finished_at = dg_store_column_dup (stmt, 16);
  job->model_ms = sqlite3_column_int64 (stmt, 17);
  job->duplicates = sqlite3_column_int64 (stmt, 18);
  if (job->base == NULL)
    job->base = json_object_new ();
  return job;
}

/* The stored run record plus what the runner measured: token usage and timing. */
static JsonObject *
compose_run (DgJob *job, JsonObject *stored)
{
  JsonObject *run = json_object_new ();
  JsonObject *usage = json_object_new ();
  JsonObject *timing = json_object_new ();
  gint64 processed = dg_job_get_processed (job);

  if (stored != NULL)
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init_ordered (&iter, stored);
      while (json_object_iter_next_ordered (&iter, &name, &member))
        json_object_set_member (run, name, json_node_copy (member));
    }
  json_object_set_int_member (usage, "promptTokens", job->prompt_tokens);
  json_object_set_int_member (usage, "completionTokens", job->completion_tokens);
  json_object_set_int_member (usage, "retries", job->total_retries);
  json_object_set_int_member (usage, "duplicates", job->duplicates);
  json_object_set_object_member (run, "usage", usage);

  if (job->started_at != NULL)
    json_object_set_string_member (timing, "startedAt", job->started_at);
  else
    json_object_set_null_member (timing, "startedAt");
  if (job->finished_at != NULL)
    json_object_set_string_member (timing, "finishedAt", job->finished_at);
  else
    json_object_set_null_member (timing, "finishedAt");
  if (job->started_at != NULL && job->finished_at != NULL)
    json_object_set_int_member (
        timing, "recordsDurationMs",
        MAX (0, dg_iso_parse_ms (job->finished_at) - dg_iso_parse_ms (job->started_at)));
  else
    json_object_set_null_member (timing, "recordsDurationMs");
  json_object_set_int_member (timing, "modelMs", job->model_ms);
  json_object_set_int_member (timing, "meanModelMsPerRecord",
                              processed > 0 ? job->model_ms / processed : 0);
  json_object_set_object_member (run, "timing", timing);
  return run;
}

static gboolean
read_slices (DgStore *store, DgJob *job, GError **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = dg_store_prepare (store,
                           "SELECT peer_id, position, range_start, range_end, generated_ok, "
                           "generated_failed, state, started_at, finished_at, last_update_at "
                           "FROM job_slices WHERE job_id = ? ORDER BY position",
                           error);
  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, job->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DgJobSlice *slice = g_new0 (DgJobSlice, 1);

      slice->peer_id = dg_store_column_dup (stmt, 0);
      slice->position = (guint) sqlite3_column_int (stmt, 1);
      slice->range_start = sqlite3_column_int64 (stmt, 2);
      slice->range_end = sqlite3_column_int64 (stmt, 3);
      slice->generated_ok = sqlite3_column_int64 (stmt, 4);
      slice->generated_failed = sqlite3_column_int64 (stmt, 5);
      slice->extra = parse_object ((const char *) sqlite3_column_text (stmt, 6));
      slice->started_at = dg_store_column_dup (stmt, 7);
      slice->finished_at = dg_store_column_dup (stmt, 8);
      slice->last_update_at = dg_store_column_dup (stmt, 9);
      g_ptr_array_add (job->slices, slice);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      dg_store_set_error (store, rc, "Cannot read the slices of a job", error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_errors (DgStore *store, DgJob *job, GError **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = dg_store_prepare (store,
                           "SELECT idx, error FROM records WHERE job_id = ? AND status = 'failed' "
                           "ORDER BY idx LIMIT ?",
                           error);
  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, job->id);
  sqlite3_bind_int (stmt, 2, DG_STORE_JOB_MAX_ERRORS);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DgJobError entry;

      entry.index = sqlite3_column_int64 (stmt, 0);
      entry.message = dg_store_column_dup (stmt, 1);
      if (entry.message == NULL)
        entry.message = g_strdup ("error");
      g_array_append_val (job->errors, entry);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      dg_store_set_error (store, rc, "Cannot read the failures of a job", error);
      return FALSE;
    }
  return TRUE;
}

/**
 * dg_store_job_get:
 * @flags: what to read besides the job row
 *
 * Returns: (transfer full): a snapshot of the job, or NULL with
 * DG_STORE_ERROR_NOT_FOUND.
 */
DgJob *
dg_store_job_get (DgStore *store, const char *id, DgStoreJobFlags flags, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (store);
  g_autoptr (DgJob) job = NULL;
  g_autoptr (JsonObject) run = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (DG_IS_STORE (store), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  stmt = dg_store_prepare (store, "SELECT " JOB_COLUMNS ", details, run FROM jobs WHERE id = ?",
                           error);
  if (stmt == NULL)
    return NULL;
  dg_store_bind_text (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      job = job_from_row (stmt);
      job->details = parse_object ((const char *) sqlite3_column_text (stmt, 19));
      run = parse_object ((const char *) sqlite3_column_text (stmt, 20));
    }
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, DG_STORE_ERROR, DG_STORE_ERROR_NOT_FOUND, "No job %s", id);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      dg_store_set_error (store, rc, "Cannot read a job", error);
      return NULL;
    }
  if (job->details == NULL)
    job->details = json_object_new ();
  job->run = compose_run (job, run);

  if ((flags & DG_STORE_JOB_WITH_SLICES) && !read_slices (store, job, error))
    return NULL;
  if ((flags & DG_STORE_JOB_WITH_ERRORS) && !read_errors (store, job, error))
    return NULL;
  return g_steal_pointer (&job);
}

GPtrArray *
dg_store_jobs_list (DgStore *store, const char *owner, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (store);
  g_autoptr (GPtrArray) jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) dg_job_unref);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (DG_IS_STORE (store), NULL);

  stmt = dg_store_prepare (store,
                           "SELECT " JOB_COLUMNS " FROM jobs WHERE ?1 IS NULL OR owner = ?1 "
                           "ORDER BY updated_at DESC, id DESC",
                           error);
  if (stmt == NULL)
    return NULL;
  dg_store_bind_text (stmt, 1, owner);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (jobs, job_from_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      dg_store_set_error (store, rc, "Cannot list the jobs", error);
      return NULL;
    }
  return g_steal_pointer (&jobs);
}

GStrv
dg_store_jobs_runnable (DgStore *store, const char *peer_id, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (store);
  g_autoptr (GStrvBuilder) ids = g_strv_builder_new ();
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (DG_IS_STORE (store), NULL);
  g_return_val_if_fail (peer_id != NULL, NULL);

  stmt = dg_store_prepare (store,
                           "SELECT j.id FROM jobs j JOIN job_slices s ON s.job_id = j.id "
                           "WHERE s.peer_id = ? AND s.finished_at IS NULL "
                           "AND j.status IN ('queued', 'running') ORDER BY j.created_at, j.id",
                           error);
  if (stmt == NULL)
    return NULL;
  dg_store_bind_text (stmt, 1, peer_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (ids, (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      dg_store_set_error (store, rc, "Cannot list the jobs to run", error);
      return NULL;
    }
  return g_strv_builder_end (ids);
}

static gboolean
merge_base (DgStore *store, const char *id, JsonObject *patch, GError **error)
{
  g_autoptr (JsonObject) base = NULL;
  g_autofree char *text = NULL;
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;
  sqlite3_stmt *stmt;
  int rc;

  stmt = dg_store_prepare (store, "SELECT base FROM jobs WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    base = parse_object ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, DG_STORE_ERROR, DG_STORE_ERROR_NOT_FOUND, "No job %s", id);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    {
      dg_store_set_error (store, rc, "Cannot read a job", error);
      return FALSE;
    }
  if (base == NULL)
    base = json_object_new ();
  json_object_iter_init_ordered (&iter, patch);
  while (json_object_iter_next_ordered (&iter, &name, &member))
    json_object_set_member (base, name, json_node_copy (member));
  text = dg_json_object_to_string (base, DG_JSON_WRITE_COMPACT);
  stmt = dg_store_prepare (store, "UPDATE jobs SET base = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, text);
  dg_store_bind_text (stmt, 2, id);
  /* The columns stay the truth for status and totals. */
  return dg_store_step_done (store, stmt, error) && dg_store_job_sync_base (store, id, error);
}

gboolean
dg_store_job_merge_base (DgStore *store, const char *id, JsonObject *patch, GError **error)
{
  g_return_val_if_fail (DG_IS_STORE (store), FALSE);
  g_return_val_if_fail (id != NULL && patch != NULL, FALSE);

  DG_STORE_IN_TRANSACTION (store, error, merge_base (store, id, patch, error));
}
