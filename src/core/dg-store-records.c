/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-store"

#include "config.h"

#include "dg-store-jobs-private.h"
#include "dg-store-metrics.h"
#include "dg-store-records.h"
#include "dg-util.h"

void
dg_store_attempt_clear (DgStoreAttempt *attempt)
{
  g_clear_pointer (&attempt->outcome, g_free);
  g_clear_pointer (&attempt->detail, g_free);
}

DgStoreRecord *
dg_store_record_new (gint64 index)
{
  DgStoreRecord *record = g_new0 (DgStoreRecord, 1);

  record->index = index;
  record->created_at_ms = dg_now_ms ();
  return record;
}

void
dg_store_record_free (DgStoreRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->data);
  g_free (record->error);
  g_free (record->fingerprint);
  g_clear_pointer (&record->attempt_log, g_array_unref);
  g_free (record);
}

static void
bind_optional_int (sqlite3_stmt *stmt, int index, gint64 value)
{
  if (value < 0)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_int64 (stmt, index, value);
}

static gboolean
insert_attempts (DgStore *store, const char *job_id, DgStoreRecord *record, GError **error)
{
  if (record->attempt_log == NULL)
    return TRUE;
  for (guint i = 0; i < record->attempt_log->len; i++)
    {
      DgStoreAttempt *attempt = &g_array_index (record->attempt_log, DgStoreAttempt, i);
      sqlite3_stmt *stmt = dg_store_prepare (
          store,
          "INSERT OR REPLACE INTO record_attempts (job_id, idx, attempt, outcome, "
          "detail, http_status, duration_ms, prompt_tokens, completion_tokens, "
          "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          error);

      if (stmt == NULL)
        return FALSE;
      dg_store_bind_text (stmt, 1, job_id);
      sqlite3_bind_int64 (stmt, 2, record->index);
      sqlite3_bind_int (stmt, 3, (int) attempt->attempt);
      dg_store_bind_text (stmt, 4, attempt->outcome != NULL ? attempt->outcome : "unknown");
      dg_store_bind_text (stmt, 5, attempt->detail);
      bind_optional_int (stmt, 6, attempt->http_status > 0 ? (gint64) attempt->http_status : -1);
      sqlite3_bind_int64 (stmt, 7, attempt->duration_ms);
      bind_optional_int (stmt, 8, attempt->prompt_tokens);
      bind_optional_int (stmt, 9, attempt->completion_tokens);
      sqlite3_bind_int64 (stmt, 10, attempt->created_at_ms);
      if (!dg_store_step_done (store, stmt, error))
        return FALSE;
    }
  return TRUE;
}

typedef struct
{
  gint64 ok, failed, retries, duplicates, prompt_tokens, completion_tokens, model_ms;
} Totals;

static gboolean
has_fingerprint (DgStore *store, const char *job_id, const char *fingerprint, gboolean *out_found,
                 GError **error)
{
  sqlite3_stmt *stmt = dg_store_prepare (
      store, "SELECT 1 FROM records WHERE job_id = ? AND fingerprint = ? LIMIT 1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, job_id);
  dg_store_bind_text (stmt, 2, fingerprint);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      dg_store_set_error (store, rc, "Cannot look for duplicate records", error);
      return FALSE;
    }
  *out_found = rc == SQLITE_ROW;
  return TRUE;
}

/* Marks (or takes out) the ok records whose data the job already has. */
static gboolean
check_duplicates (DgStore *store, const char *job_id, GPtrArray *records, DgStoreCommitFlags flags,
                  GPtrArray **out_refused, GError **error)
{
  for (guint i = 0; i < records->len;)
    {
      DgStoreRecord *record = g_ptr_array_index (records, i);
      gboolean found = FALSE;

      if (record->ok && record->fingerprint != NULL &&
          !has_fingerprint (store, job_id, record->fingerprint, &found, error))
        return FALSE;
      if (found && (flags & DG_STORE_COMMIT_REFUSE_DUPLICATES))
        {
          if (*out_refused == NULL)
            *out_refused = g_ptr_array_new_with_free_func ((GDestroyNotify) dg_store_record_free);
          g_ptr_array_add (*out_refused, g_ptr_array_steal_index (records, i));
          continue;
        }
      if (found)
        record->duplicates++;
      i++;
    }
  return TRUE;
}

static gboolean
commit_records (DgStore *store, const char *job_id, const char *peer_id, GPtrArray *records,
                DgStoreCommitFlags flags, GPtrArray **out_refused, Totals *totals, GError **error)
{
  g_autofree char *now = dg_iso_now ();
  sqlite3 *db = dg_store_get_db (store);
  sqlite3_stmt *stmt;

  if (flags != DG_STORE_COMMIT_NONE &&
      !check_duplicates (store, job_id, records, flags, out_refused, error))
    return FALSE;

  for (guint i = 0; i < records->len; i++)
    {
      DgStoreRecord *record = g_ptr_array_index (records, i);

      stmt = dg_store_prepare (store,
                               "INSERT OR IGNORE INTO records (job_id, idx, status, data, error, "
                               "attempts, created_at, fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                               error);
      if (stmt == NULL)
        return FALSE;
      dg_store_bind_text (stmt, 1, job_id);
      sqlite3_bind_int64 (stmt, 2, record->index);
      dg_store_bind_text (stmt, 3, record->ok ? "ok" : "failed");
      dg_store_bind_text (stmt, 4, record->ok ? record->data : NULL);
      dg_store_bind_text (stmt, 5, record->ok ? NULL : record->error);
      sqlite3_bind_int (stmt, 6, (int) MAX (record->attempts, 1));
      sqlite3_bind_int64 (stmt, 7, record->created_at_ms);
      dg_store_bind_text (stmt, 8, record->ok ? record->fingerprint : NULL);
      if (!dg_store_step_done (store, stmt, error))
        return FALSE;
      if (sqlite3_changes (db) == 0)
        continue; /* stored before (a resumed job): counted then */

      if (!insert_attempts (store, job_id, record, error))
        return FALSE;
      if (record->ok)
        totals->ok++;
      else
        totals->failed++;
      totals->retries += record->retries;
      totals->duplicates += record->duplicates;
      totals->prompt_tokens += MAX (record->prompt_tokens, 0);
      totals->completion_tokens += MAX (record->completion_tokens, 0);
      totals->model_ms += MAX (record->model_ms, 0);
    }

  if (totals->ok + totals->failed == 0)
    return TRUE;

  stmt = dg_store_prepare (store,
                           "UPDATE job_slices SET generated_ok = generated_ok + ?3, "
                           "generated_failed = generated_failed + ?4, last_update_at = ?5, "
                           "started_at = COALESCE(started_at, ?5) "
                           "WHERE job_id = ?1 AND peer_id = ?2",
                           error);
  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, job_id);
  dg_store_bind_text (stmt, 2, peer_id);
  sqlite3_bind_int64 (stmt, 3, totals->ok);
  sqlite3_bind_int64 (stmt, 4, totals->failed);
  dg_store_bind_text (stmt, 5, now);
  if (!dg_store_step_done (store, stmt, error))
    return FALSE;

  stmt = dg_store_prepare (store,
                           "UPDATE jobs SET total_ok = total_ok + ?2, "
                           "total_failed = total_failed + ?3, total_retries = total_retries + ?4, "
                           "duplicates = duplicates + ?5, prompt_tokens = prompt_tokens + ?6, "
                           "completion_tokens = completion_tokens + ?7, model_ms = model_ms + ?8, "
                           "updated_at = ?9 WHERE id = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, job_id);
  sqlite3_bind_int64 (stmt, 2, totals->ok);
  sqlite3_bind_int64 (stmt, 3, totals->failed);
  sqlite3_bind_int64 (stmt, 4, totals->retries);
  sqlite3_bind_int64 (stmt, 5, totals->duplicates);
  sqlite3_bind_int64 (stmt, 6, totals->prompt_tokens);
  sqlite3_bind_int64 (stmt, 7, totals->completion_tokens);
  sqlite3_bind_int64 (stmt, 8, totals->model_ms);
  dg_store_bind_text (stmt, 9, now);
  if (!dg_store_step_done (store, stmt, error))
    return FALSE;

  return dg_store_metrics_add (store, "totalRecordsGenerated", totals->ok, error) &&
         dg_store_job_sync_base (store, job_id, error);
}

/**
 * dg_store_records_commit:
 *
 * Stores a batch of records in one transaction. Indices already stored are
 * skipped, so a batch can be replayed safely.
 */
gboolean
dg_store_records_commit (DgStore *store, const char *job_id, const char *peer_id,
                         GPtrArray *records, gint64 *out_ok, gint64 *out_failed, GError **error)
{
  return dg_store_records_commit_full (store, job_id, peer_id, records, DG_STORE_COMMIT_NONE, NULL,
                                       out_ok, out_failed, error);
}

gboolean
dg_store_records_commit_full (DgStore *store, const char *job_id, const char *peer_id,
                              GPtrArray *records, DgStoreCommitFlags flags, GPtrArray **out_refused,
                              gint64 *out_ok, gint64 *out_failed, GError **error)
{
  g_autoptr (GPtrArray) refused = NULL;
  Totals totals = { 0 };

  g_return_val_if_fail (DG_IS_STORE (store), FALSE);
  g_return_val_if_fail (job_id != NULL && peer_id != NULL && records != NULL, FALSE);
  g_return_val_if_fail (!(flags & DG_STORE_COMMIT_REFUSE_DUPLICATES) || out_refused != NULL, FALSE);

  if (out_refused != NULL)
    *out_refused = NULL;
  if (records->len == 0)
    return TRUE;
  if (!dg_store_begin (store, error))
    return FALSE;
  if (!commit_records (store, job_id, peer_id, records, flags, &refused, &totals, error))
    {
      dg_store_rollback (store);
      /* Nothing was stored: the refused records go back where they were. */
      if (refused != NULL)
        g_ptr_array_extend_and_steal (records, g_steal_pointer (&refused));
      return FALSE;
    }
  if (!dg_store_commit (store, error))
    {
      if (refused != NULL)
        g_ptr_array_extend_and_steal (records, g_steal_pointer (&refused));
      return FALSE;
    }
  if (out_refused != NULL)
    *out_refused = g_steal_pointer (&refused);
  if (out_ok != NULL)
    *out_ok = totals.ok;
  if (out_failed != NULL)
    *out_failed = totals.failed;
  return TRUE;
}

guint8 *
dg_store_records_stored (DgStore *store, const char *job_id, gint64 start, gint64 end,
                         gint64 *out_count, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (store);
  g_autofree guint8 *bits = NULL;
  gint64 count = 0;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (DG_IS_STORE (store), NULL);
  g_return_val_if_fail (end >= start, NULL);

  bits = g_malloc0 ((gsize) ((end - start + 7) / 8) + 1);
  stmt = dg_store_prepare (
      store, "SELECT idx FROM records WHERE job_id = ? AND idx >= ? AND idx < ?", error);
  if (stmt == NULL)
    return NULL;
  dg_store_bind_text (stmt, 1, job_id);
  sqlite3_bind_int64 (stmt, 2, start);
  sqlite3_bind_int64 (stmt, 3, end);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 offset = sqlite3_column_int64 (stmt, 0) - start;

      bits[offset / 8] |= (guint8) (1u << (offset % 8));
      count++;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      dg_store_set_error (store, rc, "Cannot read the stored records", error);
      return NULL;
    }
  if (out_count != NULL)
    *out_count = count;
  return g_steal_pointer (&bits);
}

gboolean
dg_store_records_has_fingerprint (DgStore *store, const char *job_id, const char *fingerprint,
                                  gboolean *out_found, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (store);

  g_return_val_if_fail (DG_IS_STORE (store), FALSE);
  return has_fingerprint (store, job_id, fingerprint, out_found, error);
}

void
dg_record_row_free (DgRecordRow *row)
{
  if (row == NULL)
    return;
  g_free (row->data);
  g_free (row->error);
  g_free (row);
}

JsonObject *
dg_record_row_to_json (const DgRecordRow *row)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "i", row->index);
  json_object_set_boolean_member (object, "ok", row->ok);
  if (row->ok)
    {
      JsonNode *data = row->data != NULL ? json_from_string (row->data, NULL) : NULL;

      json_object_set_member (object, "data", data != NULL ? data : json_node_new (JSON_NODE_NULL));
    }
  else
    json_object_set_string_member (object, "error", row->error != NULL ? row->error : "error");
  json_object_set_int_member (object, "attempts", row->attempts);
  return object;
}

GPtrArray *
dg_store_records_range (DgStore *store, const char *job_id, gint64 first, gint64 limit,
                        GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (store);
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) dg_record_row_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (DG_IS_STORE (store), NULL);
  g_return_val_if_fail (first >= 0 && limit >= 0, NULL);

  stmt = dg_store_prepare (store,
                           "SELECT idx, status, data, error, attempts, created_at FROM records "
                           "WHERE job_id = ? AND idx >= ? AND idx < ? ORDER BY idx",
                           error);
  if (stmt == NULL)
    return NULL;
  dg_store_bind_text (stmt, 1, job_id);
  sqlite3_bind_int64 (stmt, 2, first);
  sqlite3_bind_int64 (stmt, 3, first + limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DgRecordRow *row = g_new0 (DgRecordRow, 1);

      row->index = sqlite3_column_int64 (stmt, 0);
      row->ok = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 1), "ok") == 0;
      row->data = dg_store_column_dup (stmt, 2);
      row->error = dg_store_column_dup (stmt, 3);
      row->attempts = (guint) sqlite3_column_int (stmt, 4);
      row->created_at_ms = sqlite3_column_int64 (stmt, 5);
      g_ptr_array_add (rows, row);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      dg_store_set_error (store, rc, "Cannot read records", error);
      return NULL;
    }
  return g_steal_pointer (&rows);
}

GArray *
dg_store_record_attempts (DgStore *store, const char *job_id, gint64 index, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (store);
  g_autoptr (GArray) attempts = g_array_new (FALSE, TRUE, sizeof (DgStoreAttempt));
  sqlite3_stmt *stmt;
  int rc;

  g_array_set_clear_func (attempts, (GDestroyNotify) dg_store_attempt_clear);
  stmt = dg_store_prepare (store,
                           "SELECT attempt, outcome, detail, http_status, duration_ms, "
                           "prompt_tokens, completion_tokens, created_at FROM record_attempts "
                           "WHERE job_id = ? AND idx = ? ORDER BY attempt",
                           error);
  if (stmt == NULL)
    return NULL;
  dg_store_bind_text (stmt, 1, job_id);
  sqlite3_bind_int64 (stmt, 2, index);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DgStoreAttempt attempt = { 0 };

      attempt.attempt = (guint) sqlite3_column_int (stmt, 0);
      attempt.outcome = dg_store_column_dup (stmt, 1);
      attempt.detail = dg_store_column_dup (stmt, 2);
      attempt.http_status = (guint) sqlite3_column_int (stmt, 3);
      attempt.duration_ms = sqlite3_column_int64 (stmt, 4);
      attempt.prompt_tokens =
          sqlite3_column_type (stmt, 5) == SQLITE_NULL ? -1 : sqlite3_column_int64 (stmt, 5);
      attempt.completion_tokens =
          sqlite3_column_type (stmt, 6) == SQLITE_NULL ? -1 : sqlite3_column_int64 (stmt, 6);
      attempt.created_at_ms = sqlite3_column_int64 (stmt, 7);
      g_array_append_val (attempts, attempt);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      dg_store_set_error (store, rc, "Cannot read the attempts of a record", error);
      return NULL;
    }
  return g_steal_pointer (&attempts);
}

struct _DgRecordCursor
{
  sqlite3 *db;
  sqlite3_stmt *stmt;
  char *job_id;
};

static void
cursor_set_error (DgRecordCursor *cursor, int rc, const char *what, GError **error)
{
  g_set_error (error, DG_STORE_ERROR,
               (rc & 0xff) == SQLITE_CORRUPT ? DG_STORE_ERROR_CORRUPT
               : (rc & 0xff) == SQLITE_BUSY  ? DG_STORE_ERROR_BUSY
                                             : DG_STORE_ERROR_FAILED,
               "%s: %s", what, sqlite3_errmsg (cursor->db));
}

/**
 * dg_store_record_cursor_new:
 *
 * Opens a read-only connection positioned before the first ok record of @job_id.
 */
DgRecordCursor *
dg_store_record_cursor_new (DgStore *store, const char *job_id, GError **error)
{
  g_autoptr (DgRecordCursor) cursor = g_new0 (DgRecordCursor, 1);
  int rc;

  g_return_val_if_fail (DG_IS_STORE (store), NULL);
  g_return_val_if_fail (job_id != NULL, NULL);

  cursor->job_id = g_strdup (job_id);
  cursor->db = dg_store_open_reader (store, error);
  if (cursor->db == NULL)
    return NULL;
  /* One read transaction for every pass: the snapshot does not move. */
  rc = sqlite3_exec (cursor->db, "BEGIN", NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (cursor->db,
                             "SELECT idx, data FROM records WHERE job_id = ? AND status = 'ok' "
                             "ORDER BY idx",
                             -1, &cursor->stmt, NULL);
  if (rc != SQLITE_OK)
    {
      cursor_set_error (cursor, rc, "Cannot read the records", error);
      return NULL;
    }
  sqlite3_bind_text (cursor->stmt, 1, cursor->job_id, -1, SQLITE_STATIC);
  return g_steal_pointer (&cursor);
}

gboolean
dg_record_cursor_next (DgRecordCursor *cursor, gint64 *out_index, const char **out_data,
                       gsize *out_length, GError **error)
{
  int rc;

  g_return_val_if_fail (cursor != NULL, FALSE);

  rc = sqlite3_step (cursor->stmt);
  if (rc == SQLITE_ROW)
    {
      const char *data = (const char *) sqlite3_column_text (cursor->stmt, 1);

      *out_index = sqlite3_column_int64 (cursor->stmt, 0);
      *out_data = data != NULL ? data : "null";
      if (out_length != NULL)
        *out_length = data != NULL ? (gsize) sqlite3_column_bytes (cursor->stmt, 1) : 4;
      return TRUE;
    }
  if (rc != SQLITE_DONE)
    cursor_set_error (cursor, rc, "Cannot read the records", error);
  return FALSE;
}

gboolean
dg_record_cursor_rewind (DgRecordCursor *cursor, GError **error)
{
  g_return_val_if_fail (cursor != NULL, FALSE);
  sqlite3_reset (cursor->stmt);
  return TRUE;
}

void
dg_record_cursor_free (DgRecordCursor *cursor)
{
  if (cursor == NULL)
    return;
  if (cursor->stmt != NULL)
    sqlite3_finalize (cursor->stmt);
  if (cursor->db != NULL)
    {
      sqlite3_exec (cursor->db, "COMMIT", NULL, NULL, NULL);
      sqlite3_close_v2 (cursor->db);
    }
  g_free (cursor->job_id);
  g_free (cursor);
}
