/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-store"

#include "config.h"

#include "dg-store-private.h"
#include "dg-store-ratelimit.h"

gboolean
dg_store_ratelimit_hit (DgStore *self, const char *key, gint64 now, gint64 window_end,
                        gint64 *out_count, gint64 *out_window_end, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (self);
  /* One statement, so concurrent hits never lose a count; an expired row restarts at 1. */
  sqlite3_stmt *stmt =
      dg_store_prepare (self,
                        "INSERT INTO rate_limits (key, count, window_end) VALUES (?1, 1, ?3) "
                        "ON CONFLICT (key) DO UPDATE SET "
                        "count = CASE WHEN window_end <= ?2 THEN 1 ELSE count + 1 END, "
                        "window_end = CASE WHEN window_end <= ?2 THEN ?3 ELSE window_end END "
                        "RETURNING count, window_end",
                        error);
  int rc;

  g_return_val_if_fail (key != NULL, FALSE);

  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, key);
  sqlite3_bind_int64 (stmt, 2, now);
  sqlite3_bind_int64 (stmt, 3, window_end);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      dg_store_set_error (self, rc, "Cannot update a rate-limit counter", error);
      sqlite3_reset (stmt);
      return FALSE;
    }
  *out_count = sqlite3_column_int64 (stmt, 0);
  *out_window_end = sqlite3_column_int64 (stmt, 1);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      dg_store_set_error (self, rc, "Cannot update a rate-limit counter", error);
      return FALSE;
    }
  return TRUE;
}

gboolean
dg_store_ratelimit_peek (DgStore *self, const char *key, gint64 now, gint64 *out_count,
                         gint64 *out_window_end, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (self);
  sqlite3_stmt *stmt = dg_store_prepare (
      self, "SELECT count, window_end FROM rate_limits WHERE key = ? AND window_end > ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, key);
  sqlite3_bind_int64 (stmt, 2, now);
  *out_count = 0;
  *out_window_end = 0;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out_count = sqlite3_column_int64 (stmt, 0);
      *out_window_end = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      dg_store_set_error (self, rc, "Cannot read a rate-limit counter", error);
      return FALSE;
    }
  return TRUE;
}

gboolean
dg_store_ratelimit_reset (DgStore *self, const char *key, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (self);
  sqlite3_stmt *stmt = dg_store_prepare (self, "DELETE FROM rate_limits WHERE key = ?", error);

  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, key);
  return dg_store_step_done (self, stmt, error);
}

gboolean
dg_store_ratelimit_purge (DgStore *self, gint64 now, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (self);
  sqlite3_stmt *stmt =
      dg_store_prepare (self, "DELETE FROM rate_limits WHERE window_end <= ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now);
  return dg_store_step_done (self, stmt, error);
}
