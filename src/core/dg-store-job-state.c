/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-store"

#include "config.h"

#include "dg-json-writer.h"
#include "dg-store-jobs-private.h"
#include "dg-store-jobs.h"
#include "dg-store-metrics.h"
#include "dg-util.h"

/* How jobs move: status, slices, retries, deletion and runner leases. */

static gboolean
is_active (DgJobStatus status)
{
  return status == DG_JOB_STATUS_RUNNING || status == DG_JOB_STATUS_PAUSED;
}

gboolean
dg_store_job_apply_status (DgStore *store, const char *id, DgJobStatus from, DgJobStatus to,
                           gint64 now_ms, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (store);
  g_autofree char *now = dg_iso_timestamp (now_ms);
  sqlite3_stmt *stmt;

  stmt = dg_store_prepare (
      store,
      "UPDATE jobs SET status = ?2, updated_at = ?3,"
      " started_at = CASE WHEN ?2 = 'running' AND started_at IS NULL THEN ?3 ELSE started_at END,"
      " finished_at = CASE WHEN ?4 THEN ?3 ELSE finished_at END "
      "WHERE id = ?1",
      error);
  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, id);
  dg_store_bind_text (stmt, 2, dg_job_status_to_string (to));
  dg_store_bind_text (stmt, 3, now);
  sqlite3_bind_int (stmt, 4, dg_job_status_is_final (to));
  if (!dg_store_step_done (store, stmt, error))
    return FALSE;

  if (!dg_store_metrics_add (store, "activeJobs", (gint64) is_active (to) - is_active (from),
                             error) ||
      !dg_store_metrics_add (store, "failedJobs",
                             (gint64) (to == DG_JOB_STATUS_FAILED) - (from == DG_JOB_STATUS_FAILED),
                             error))
    return FALSE;
  if (from == DG_JOB_STATUS_QUEUED && to == DG_JOB_STATUS_RUNNING &&
      !dg_store_metrics_set_last_job_at (store, now, error))
    return FALSE;
  return dg_store_job_sync_base (store, id, error);
}

static gboolean
set_status (DgStore *store, const char *id, DgJobStatus to, DgJobStatus *out_previous,
            GError **error)
{
  DgJobStatus from;

  if (!dg_store_job_read_status (store, id, &from, error))
    return FALSE;
  if (out_previous != NULL)
    *out_previous = from;
  if (from == to)
    return TRUE;
  if (!dg_job_status_can_move (from, to))
    {
      g_set_error (error, DG_STORE_ERROR, DG_STORE_ERROR_CONSTRAINT,
                   "Job %s is %s and cannot become %s", id, dg_job_status_to_string (from),
                   dg_job_status_to_string (to));
      return FALSE;
    }
  return dg_store_job_apply_status (store, id, from, to, dg_now_ms (), error);
}

gboolean
dg_store_job_set_status (DgStore *store, const char *id, DgJobStatus to, DgJobStatus *out_previous,
                         GError **error)
{
  g_return_val_if_fail (DG_IS_STORE (store), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  DG_STORE_IN_TRANSACTION (store, error, set_status (store, id, to, out_previous, error));
}

static gboolean
touch_slice (DgStore *store, const char *id, const char *peer_id, gboolean finish, gint64 now_ms,
             GError **error)
{
  g_autofree char *now = dg_iso_timestamp (now_ms);
  sqlite3_stmt *stmt;

  stmt = dg_store_prepare (store,
                           "UPDATE job_slices SET started_at = COALESCE(started_at, ?3), "
                           "last_update_at = ?3, "
                           "finished_at = CASE WHEN ?4 THEN COALESCE(finished_at, ?3) "
                           "ELSE finished_at END WHERE job_id = ?1 AND peer_id = ?2",
                           error);
  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, id);
  dg_store_bind_text (stmt, 2, peer_id);
  dg_store_bind_text (stmt, 3, now);
  sqlite3_bind_int (stmt, 4, finish ? 1 : 0);
  if (!dg_store_step_done (store, stmt, error))
    return FALSE;
  if (sqlite3_changes (dg_store_get_db (store)) == 0)
    {
      g_set_error (error, DG_STORE_ERROR, DG_STORE_ERROR_NOT_FOUND, "Job %s has no slice for %s",
                   id, peer_id);
      return FALSE;
    }
  return TRUE;
}

static gboolean
start_slice (DgStore *store, const char *id, const char *peer_id, DgJobStatus *out_status,
             GError **error)
{
  gint64 now = dg_now_ms ();
  DgJobStatus status;

  if (!dg_store_job_read_status (store, id, &status, error))
    return FALSE;
  *out_status = status;
  if (status != DG_JOB_STATUS_QUEUED && status != DG_JOB_STATUS_RUNNING)
    return TRUE;
  if (!touch_slice (store, id, peer_id, FALSE, now, error))
    return FALSE;
  if (status == DG_JOB_STATUS_QUEUED)
    {
      *out_status = DG_JOB_STATUS_RUNNING;
      return dg_store_job_apply_status (store, id, status, DG_JOB_STATUS_RUNNING, now, error);
    }
  return TRUE;
}

gboolean
dg_store_job_start_slice (DgStore *store, const char *id, const char *peer_id,
                          DgJobStatus *out_status, GError **error)
{
  DgJobStatus ignored;

  g_return_val_if_fail (DG_IS_STORE (store), FALSE);
  g_return_val_if_fail (id != NULL && peer_id != NULL, FALSE);

  DG_STORE_IN_TRANSACTION (
      store, error,
      start_slice (store, id, peer_id, out_status != NULL ? out_status : &ignored, error));
}

/* The job succeeds when every slice is finished and complete. */
static gboolean
check_completion (DgStore *store, const char *id, DgJobStatus status, gint64 now,
                  DgJobStatus *out_status, GError **error)
{
  sqlite3_stmt *stmt;
  gint64 unfinished;
  int rc;

  *out_status = status;
  stmt = dg_store_prepare (store,
                           "SELECT count(*) FROM job_slices WHERE job_id = ? AND "
                           "(finished_at IS NULL OR "
                           "generated_ok + generated_failed < range_end - range_start)",
                           error);
  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, id);
  rc = sqlite3_step (stmt);
  unfinished = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      dg_store_set_error (store, rc, "Cannot read the slices of a job", error);
      return FALSE;
    }
  if (unfinished == 0 && dg_job_status_can_move (status, DG_JOB_STATUS_SUCCEEDED))
    {
      *out_status = DG_JOB_STATUS_SUCCEEDED;
      return dg_store_job_apply_status (store, id, status, DG_JOB_STATUS_SUCCEEDED, now, error);
    }
  return dg_store_job_sync_base (store, id, error);
}

static gboolean
finish_slice (DgStore *store, const char *id, const char *peer_id, DgJobStatus *out_status,
              GError **error)
{
  gint64 now = dg_now_ms ();
  DgJobStatus status;

  if (!dg_store_job_read_status (store, id, &status, error))
    return FALSE;
  *out_status = status;
  if (!touch_slice (store, id, peer_id, TRUE, now, error))
    return FALSE;
  return check_completion (store, id, status, now, out_status, error);
}

gboolean
dg_store_job_finish_slice (DgStore *store, const char *id, const char *peer_id,
                           DgJobStatus *out_status, GError **error)
{
  DgJobStatus ignored;

  g_return_val_if_fail (DG_IS_STORE (store), FALSE);
  g_return_val_if_fail (id != NULL && peer_id != NULL, FALSE);

  DG_STORE_IN_TRANSACTION (
      store, error,
      finish_slice (store, id, peer_id, out_status != NULL ? out_status : &ignored, error));
}

static gboolean
retry_failed (DgStore *store, const char *id, gint64 *out_count, GError **error)
{
  gint64 now_ms = dg_now_ms ();
  g_autofree char *now = dg_iso_timestamp (now_ms);
  DgJobStatus status;
  sqlite3_stmt *stmt;
  gint64 count;
  int rc;

  if (!dg_store_job_read_status (store, id, &status, error))
    return FALSE;
  if (status == DG_JOB_STATUS_CANCELLED)
    {
      g_set_error (error, DG_STORE_ERROR, DG_STORE_ERROR_CONSTRAINT,
                   "Job %s was cancelled; its failed records cannot be retried", id);
      return FALSE;
    }

  stmt = dg_store_prepare (
      store, "SELECT count(*) FROM records WHERE job_id = ? AND status = 'failed'", error);
  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, id);
  rc = sqlite3_step (stmt);
  count = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      dg_store_set_error (store, rc, "Cannot count the failed records", error);
      return FALSE;
    }
  *out_count = count;
  if (count == 0)
    return TRUE;

  /* Each slice loses its failures and is no longer finished. */
  stmt = dg_store_prepare (
      store,
      "UPDATE job_slices SET generated_failed = generated_failed - (SELECT count(*) FROM records r "
      "WHERE r.job_id = job_slices.job_id AND r.status = 'failed' AND r.idx >= range_start AND "
      "r.idx < range_end), finished_at = NULL, last_update_at = ?2 WHERE job_id = ?1 AND EXISTS "
      "(SELECT 1 FROM records r WHERE r.job_id = job_slices.job_id AND r.status = 'failed' AND "
      "r.idx >= range_start AND r.idx < range_end)",
      error);
  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, id);
  dg_store_bind_text (stmt, 2, now);
  if (!dg_store_step_done (store, stmt, error))
    return FALSE;

  stmt = dg_store_prepare (store,
                           "DELETE FROM record_attempts WHERE job_id = ?1 AND idx IN "
                           "(SELECT idx FROM records WHERE job_id = ?1 AND status = 'failed')",
                           error);
  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, id);
  if (!dg_store_step_done (store, stmt, error))
    return FALSE;

  stmt =
      dg_store_prepare (store, "DELETE FROM records WHERE job_id = ? AND status = 'failed'", error);
  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, id);
  if (!dg_store_step_done (store, stmt, error))
    return FALSE;

  stmt = dg_store_prepare (store,
                           "UPDATE jobs SET total_failed = max(0, total_failed - ?2), "
                           "updated_at = ?3 WHERE id = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, count);
  dg_store_bind_text (stmt, 3, now);
  if (!dg_store_step_done (store, stmt, error))
    return FALSE;

  if (status == DG_JOB_STATUS_SUCCEEDED || status == DG_JOB_STATUS_FAILED)
    {
      /* The explicit way back from a final state: the job runs again. */
      stmt = dg_store_prepare (store, "UPDATE jobs SET finished_at = NULL WHERE id = ?", error);
      if (stmt == NULL)
        return FALSE;
      dg_store_bind_text (stmt, 1, id);
      if (!dg_store_step_done (store, stmt, error))
        return FALSE;
      return dg_store_job_apply_status (store, id, status, DG_JOB_STATUS_RUNNING, now_ms, error);
    }
  return dg_store_job_sync_base (store, id, error);
}

gboolean
dg_store_job_retry_failed (DgStore *store, const char *id, gint64 *out_count, GError **error)
{
  gint64 ignored;

  g_return_val_if_fail (DG_IS_STORE (store), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  DG_STORE_IN_TRANSACTION (
      store, error, retry_failed (store, id, out_count != NULL ? out_count : &ignored, error));
}

static gboolean
delete_job (DgStore *store, const char *id, GError **error)
{
  DgJobStatus status;
  sqlite3_stmt *stmt;

  if (!dg_store_job_read_status (store, id, &status, error))
    return FALSE;
  if (!dg_store_metrics_add (store, "activeJobs", is_active (status) ? -1 : 0, error))
    return FALSE;
  /* Children first: cheaper than cascading row by row through the foreign keys. */
  stmt = dg_store_prepare (store, "DELETE FROM record_attempts WHERE job_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, id);
  if (!dg_store_step_done (store, stmt, error))
    return FALSE;
  stmt = dg_store_prepare (store, "DELETE FROM records WHERE job_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, id);
  if (!dg_store_step_done (store, stmt, error))
    return FALSE;
  stmt = dg_store_prepare (store, "DELETE FROM jobs WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, id);
  return dg_store_step_done (store, stmt, error);
}

gboolean
dg_store_job_delete (DgStore *store, const char *id, GError **error)
{
  g_return_val_if_fail (DG_IS_STORE (store), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  DG_STORE_IN_TRANSACTION (store, error, delete_job (store, id, error));
}

gboolean
dg_store_job_claim (DgStore *store, const char *id, const char *holder, gint64 until_ms,
                    char **out_holder, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (store);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (DG_IS_STORE (store), FALSE);
  g_return_val_if_fail (id != NULL && holder != NULL, FALSE);

  stmt = dg_store_prepare (store,
                           "UPDATE jobs SET lease_owner = ?2, lease_until = ?3 WHERE id = ?1 AND "
                           "(lease_owner IS NULL OR lease_owner = ?2 OR lease_until < ?4)",
                           error);
  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, id);
  dg_store_bind_text (stmt, 2, holder);
  sqlite3_bind_int64 (stmt, 3, until_ms);
  sqlite3_bind_int64 (stmt, 4, dg_now_ms ());
  if (!dg_store_step_done (store, stmt, error))
    return FALSE;
  if (sqlite3_changes (dg_store_get_db (store)) > 0)
    return TRUE;

  stmt = dg_store_prepare (store, "SELECT lease_owner FROM jobs WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && out_holder != NULL)
    *out_holder = dg_store_column_dup (stmt, 0);
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, DG_STORE_ERROR, DG_STORE_ERROR_NOT_FOUND, "No job %s", id);
  else if (rc != SQLITE_ROW)
    dg_store_set_error (store, rc, "Cannot read a job", error);
  return FALSE;
}

gboolean
dg_store_job_take_lease (DgStore *store, const char *id, const char *holder,
                         const char *previous_holder, gint64 until_ms, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (store);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (DG_IS_STORE (store), FALSE);

  stmt = dg_store_prepare (store,
                           "UPDATE jobs SET lease_owner = ?2, lease_until = ?3 "
                           "WHERE id = ?1 AND lease_owner IS ?4",
                           error);
  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, id);
  dg_store_bind_text (stmt, 2, holder);
  sqlite3_bind_int64 (stmt, 3, until_ms);
  dg_store_bind_text (stmt, 4, previous_holder);
  if (!dg_store_step_done (store, stmt, error))
    return FALSE;
  return sqlite3_changes (dg_store_get_db (store)) > 0;
}

gboolean
dg_store_job_renew_lease (DgStore *store, const char *id, const char *holder, gint64 until_ms,
                          GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (store);
  sqlite3_stmt *stmt;

  stmt = dg_store_prepare (
      store, "UPDATE jobs SET lease_until = ?3 WHERE id = ?1 AND lease_owner = ?2", error);
  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, id);
  dg_store_bind_text (stmt, 2, holder);
  sqlite3_bind_int64 (stmt, 3, until_ms);
  if (!dg_store_step_done (store, stmt, error))
    return FALSE;
  return sqlite3_changes (dg_store_get_db (store)) > 0;
}

gboolean
dg_store_job_release (DgStore *store, const char *id, const char *holder, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (store);
  sqlite3_stmt *stmt;

  stmt = dg_store_prepare (store,
                           "UPDATE jobs SET lease_owner = NULL, lease_until = 0 "
                           "WHERE id = ?1 AND lease_owner = ?2",
                           error);
  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, id);
  dg_store_bind_text (stmt, 2, holder);
  return dg_store_step_done (store, stmt, error);
}

static gint64
state_int (JsonObject *state, const char *name, gint64 fallback)
{
  JsonNode *node = json_object_get_member (state, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return fallback;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return MAX (json_node_get_int (node), 0);
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return (gint64) MAX (json_node_get_double (node), 0);
  return fallback;
}

static const char *
state_string (JsonObject *state, const char *name)
{
  JsonNode *node = json_object_get_member (state, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
apply_peer_state (DgStore *store, const char *id, JsonObject *state, DgJobStatus *out_status,
                  GError **error)
{
  static const char *const known[] = {
    "peerId",    "assigned",   "range",        "generatedOk", "generatedFailed",
    "startedAt", "finishedAt", "lastUpdateAt", "errors",
  };
  g_autoptr (JsonObject) extra = json_object_new ();
  g_autofree char *extra_text = NULL;
  const char *peer = state_string (state, "peerId");
  gint64 now = dg_now_ms ();
  gint64 old_ok, old_failed, ok, failed;
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;
  DgJobStatus status;
  sqlite3_stmt *stmt;
  int rc;

  if (peer == NULL)
    {
      g_set_error (error, DG_STORE_ERROR, DG_STORE_ERROR_CONSTRAINT, "A peer state needs a peerId");
      return FALSE;
    }
  if (!dg_store_job_read_status (store, id, &status, error))
    return FALSE;

  stmt = dg_store_prepare (store,
                           "SELECT generated_ok, generated_failed, state FROM job_slices "
                           "WHERE job_id = ? AND peer_id = ?",
                           error);
  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, id);
  dg_store_bind_text (stmt, 2, peer);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      g_autoptr (JsonNode) old_state = NULL;

      old_ok = sqlite3_column_int64 (stmt, 0);
      old_failed = sqlite3_column_int64 (stmt, 1);
      if (sqlite3_column_text (stmt, 2) != NULL)
        old_state = json_from_string ((const char *) sqlite3_column_text (stmt, 2), NULL);
      if (old_state != NULL && JSON_NODE_HOLDS_OBJECT (old_state))
        {
          json_object_iter_init_ordered (&iter, json_node_get_object (old_state));
          while (json_object_iter_next_ordered (&iter, &name, &member))
            json_object_set_member (extra, name, json_node_copy (member));
        }
    }
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, DG_STORE_ERROR, DG_STORE_ERROR_NOT_FOUND, "Job %s has no slice for %s",
                   id, peer);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    {
      dg_store_set_error (store, rc, "Cannot read the slices of a job", error);
      return FALSE;
    }

  /* Keys we have no column for (resultCid, errorsCid, ...) are kept as they come. */
  json_object_iter_init_ordered (&iter, state);
  while (json_object_iter_next_ordered (&iter, &name, &member))
    {
      gboolean is_known = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (known); i++)
        is_known |= g_str_equal (name, known[i]);
      if (!is_known)
        json_object_set_member (extra, name, json_node_copy (member));
    }
  extra_text = json_object_get_size (extra) > 0
                   ? dg_json_object_to_string (extra, DG_JSON_WRITE_COMPACT)
                   : NULL;
  ok = state_int (state, "generatedOk", old_ok);
  failed = state_int (state, "generatedFailed", old_failed);

  stmt = dg_store_prepare (store,
                           "UPDATE job_slices SET generated_ok = ?3, generated_failed = ?4, "
                           "state = ?5, started_at = COALESCE(?6, started_at), "
                           "finished_at = COALESCE(?7, finished_at), "
                           "last_update_at = COALESCE(?8, last_update_at) "
                           "WHERE job_id = ?1 AND peer_id = ?2",
                           error);
  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, id);
  dg_store_bind_text (stmt, 2, peer);
  sqlite3_bind_int64 (stmt, 3, ok);
  sqlite3_bind_int64 (stmt, 4, failed);
  dg_store_bind_text (stmt, 5, extra_text);
  dg_store_bind_text (stmt, 6, state_string (state, "startedAt"));
  dg_store_bind_text (stmt, 7, state_string (state, "finishedAt"));
  dg_store_bind_text (stmt, 8, state_string (state, "lastUpdateAt"));
  if (!dg_store_step_done (store, stmt, error))
    return FALSE;

  stmt = dg_store_prepare (store,
                           "UPDATE jobs SET total_ok = max(0, total_ok + ?2), "
                           "total_failed = max(0, total_failed + ?3), updated_at = ?4 "
                           "WHERE id = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;
  {
    g_autofree char *now_iso = dg_iso_timestamp (now);

    dg_store_bind_text (stmt, 1, id);
    sqlite3_bind_int64 (stmt, 2, ok - old_ok);
    sqlite3_bind_int64 (stmt, 3, failed - old_failed);
    dg_store_bind_text (stmt, 4, now_iso);
    if (!dg_store_step_done (store, stmt, error))
      return FALSE;
  }

  /* Another peer started it: it runs, even if nothing is left for this instance. */
  if (status == DG_JOB_STATUS_QUEUED &&
      (state_string (state, "startedAt") != NULL || ok + failed > 0))
    {
      if (!dg_store_job_apply_status (store, id, status, DG_JOB_STATUS_RUNNING, now, error))
        return FALSE;
      status = DG_JOB_STATUS_RUNNING;
    }
  return check_completion (store, id, status, now, out_status, error);
}

/**
 * dg_store_job_apply_peer_state:
 * @state: an upstream peer state (4.2) of another peer, as read from CStore
 *
 * Brings that peer's slice up to date (counters, times, resultCid and other
 * keys), adds the change to the job's totals, and lets the job succeed when
 * every slice is complete. For the sync; the local slice is the runner's.
 */
gboolean
dg_store_job_apply_peer_state (DgStore *store, const char *id, JsonObject *state,
                               DgJobStatus *out_status, GError **error)
{
  DgJobStatus ignored;

  g_return_val_if_fail (DG_IS_STORE (store), FALSE);
  g_return_val_if_fail (id != NULL && state != NULL, FALSE);

  DG_STORE_IN_TRANSACTION (
      store, error,
      apply_peer_state (store, id, state, out_status != NULL ? out_status : &ignored, error));
}
