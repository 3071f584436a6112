/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-store"

#include "config.h"

#include "dg-store-private.h"
#include "dg-store-sessions.h"

void
dg_store_session_row_free (DgStoreSessionRow *row)
{
  if (row == NULL)
    return;
  g_free (row->id);
  g_free (row->username);
  g_free (row->role);
  g_free (row);
}

gboolean
dg_store_sessions_insert (DgStore *self, const char *id, const char *username, const char *role,
                          gint64 issued_at, gint64 expires_at, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (self);
  sqlite3_stmt *stmt = dg_store_prepare (self,
                                         "INSERT INTO sessions (id, username, role, issued_at, "
                                         "expires_at) VALUES (?, ?, ?, ?, ?)",
                                         error);

  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, id);
  dg_store_bind_text (stmt, 2, username);
  dg_store_bind_text (stmt, 3, role);
  sqlite3_bind_int64 (stmt, 4, issued_at);
  sqlite3_bind_int64 (stmt, 5, expires_at);
  return dg_store_step_done (self, stmt, error);
}

DgStoreSessionRow *
dg_store_sessions_get (DgStore *self, const char *id, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (self);
  sqlite3_stmt *stmt = dg_store_prepare (self,
                                         "SELECT id, username, role, issued_at, expires_at, "
                                         "revoked_at FROM sessions WHERE id = ?",
                                         error);
  DgStoreSessionRow *row = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  dg_store_bind_text (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      row = g_new0 (DgStoreSessionRow, 1);
      row->id = dg_store_column_dup (stmt, 0);
      row->username = dg_store_column_dup (stmt, 1);
      row->role = dg_store_column_dup (stmt, 2);
      row->issued_at = sqlite3_column_int64 (stmt, 3);
      row->expires_at = sqlite3_column_int64 (stmt, 4);
      row->revoked_at = sqlite3_column_int64 (stmt, 5);
    }
  else if (rc != SQLITE_DONE)
    dg_store_set_error (self, rc, "Cannot read a session", error);
  sqlite3_reset (stmt);
  return row;
}

gboolean
dg_store_sessions_revoke (DgStore *self, const char *id, gint64 now, gboolean *changed,
                          GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (self);
  sqlite3_stmt *stmt = dg_store_prepare (
      self, "UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now);
  dg_store_bind_text (stmt, 2, id);
  if (!dg_store_step_done (self, stmt, error))
    return FALSE;
  if (changed != NULL)
    *changed = sqlite3_changes (dg_store_get_db (self)) > 0;
  return TRUE;
}

gint64
dg_store_sessions_revoke_user (DgStore *self, const char *username, gint64 now, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (self);
  sqlite3_stmt *stmt = dg_store_prepare (self,
                                         "UPDATE sessions SET revoked_at = ?1 WHERE username = ?2 "
                                         "AND revoked_at IS NULL AND expires_at > ?1",
                                         error);

  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, now);
  dg_store_bind_text (stmt, 2, username);
  if (!dg_store_step_done (self, stmt, error))
    return -1;
  return sqlite3_changes (dg_store_get_db (self));
}

gboolean
dg_store_sessions_purge (DgStore *self, gint64 before, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (self);
  sqlite3_stmt *stmt = dg_store_prepare (self,
                                         "DELETE FROM sessions WHERE expires_at <= ?1 OR "
                                         "(revoked_at IS NOT NULL AND revoked_at <= ?1)",
                                         error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, before);
  return dg_store_step_done (self, stmt, error);
}

char *
dg_store_settings_ensure (DgStore *self, const char *key, const char *candidate, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (self);
  sqlite3_stmt *stmt = dg_store_prepare (
      self, "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", error);

  g_return_val_if_fail (key != NULL && candidate != NULL, NULL);

  if (stmt == NULL)
    return NULL;
  dg_store_bind_text (stmt, 1, key);
  dg_store_bind_text (stmt, 2, candidate);
  if (!dg_store_step_done (self, stmt, error))
    return NULL;
  return dg_store_get_setting (self, key, error);
}
