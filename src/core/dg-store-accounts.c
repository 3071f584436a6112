/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-store"

#include "config.h"

#include "dg-store-accounts.h"
#include "dg-store-private.h"

static void
bind_row (sqlite3_stmt *stmt, const DgStoreAccountRow *row)
{
  dg_store_bind_text (stmt, 1, row->username);
  dg_store_bind_text (stmt, 2, row->record);
  dg_store_bind_text (stmt, 3, row->role);
  dg_store_bind_text (stmt, 4, row->email);
  sqlite3_bind_int (stmt, 5, row->deleted ? 1 : 0);
  dg_store_bind_text (stmt, 6, row->created_at);
  dg_store_bind_text (stmt, 7, row->updated_at);
}

/* Runs a one-column, at-most-one-row query bound to @key; NULL without error when no row. */
static char *
query_text (DgStore *self, sqlite3_stmt *stmt, const char *key, const char *what, GError **error)
{
  char *value = NULL;
  int rc;

  dg_store_bind_text (stmt, 1, key);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    value = dg_store_column_dup (stmt, 0);
  else if (rc != SQLITE_DONE)
    dg_store_set_error (self, rc, what, error);
  sqlite3_reset (stmt);
  return value;
}

char *
dg_store_accounts_get (DgStore *self, const char *username, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (self);
  sqlite3_stmt *stmt =
      dg_store_prepare (self, "SELECT record FROM accounts WHERE username = ?", error);

  g_return_val_if_fail (username != NULL, NULL);

  if (stmt == NULL)
    return NULL;
  return query_text (self, stmt, username, "Cannot read an account", error);
}

gboolean
dg_store_accounts_put (DgStore *self, const DgStoreAccountRow *row, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (self);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (row != NULL && row->username != NULL && row->record != NULL, FALSE);

  stmt = dg_store_prepare (self,
                           "INSERT INTO accounts (username, record, role, email, deleted, "
                           "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                           "ON CONFLICT (username) DO UPDATE SET record = excluded.record, "
                           "role = excluded.role, email = excluded.email, "
                           "deleted = excluded.deleted, created_at = excluded.created_at, "
                           "updated_at = excluded.updated_at",
                           error);
  if (stmt == NULL)
    return FALSE;
  bind_row (stmt, row);
  return dg_store_step_done (self, stmt, error);
}

gboolean
dg_store_accounts_insert (DgStore *self, const DgStoreAccountRow *row, gboolean only_if_empty,
                          gboolean *inserted, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (self);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (row != NULL && row->username != NULL && row->record != NULL, FALSE);
  g_return_val_if_fail (inserted != NULL, FALSE);

  *inserted = FALSE;
  if (only_if_empty)
    stmt = dg_store_prepare (self,
                             "INSERT INTO accounts (username, record, role, email, deleted, "
                             "created_at, updated_at) SELECT ?, ?, ?, ?, ?, ?, ? "
                             "WHERE NOT EXISTS (SELECT 1 FROM accounts)",
                             error);
  else
    stmt = dg_store_prepare (self,
                             "INSERT INTO accounts (username, record, role, email, deleted, "
                             "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                             "ON CONFLICT (username) DO NOTHING",
                             error);
  if (stmt == NULL)
    return FALSE;
  bind_row (stmt, row);
  if (!dg_store_step_done (self, stmt, error))
    return FALSE;
  *inserted = sqlite3_changes (dg_store_get_db (self)) > 0;
  return TRUE;
}

gboolean
dg_store_accounts_delete (DgStore *self, const char *username, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (self);
  sqlite3_stmt *stmt = dg_store_prepare (self, "DELETE FROM accounts WHERE username = ?", error);

  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, username);
  return dg_store_step_done (self, stmt, error);
}

GHashTable *
dg_store_accounts_get_all (DgStore *self, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (self);
  g_autoptr (GHashTable) all = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sqlite3_stmt *stmt = dg_store_prepare (self, "SELECT username, record FROM accounts", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_insert (all, dg_store_column_dup (stmt, 0), dg_store_column_dup (stmt, 1));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      dg_store_set_error (self, rc, "Cannot read the accounts", error);
      return NULL;
    }
  return g_steal_pointer (&all);
}

char *
dg_store_accounts_find_by_email (DgStore *self, const char *email, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (self);
  /* A live account wins over a soft-deleted one with the same address. */
  sqlite3_stmt *stmt = dg_store_prepare (self,
                                         "SELECT username FROM accounts WHERE email = ? "
                                         "ORDER BY deleted, username LIMIT 1",
                                         error);

  g_return_val_if_fail (email != NULL, NULL);

  if (stmt == NULL)
    return NULL;
  return query_text (self, stmt, email, "Cannot look up an account", error);
}

gint64
dg_store_accounts_count (DgStore *self, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (self);
  sqlite3_stmt *stmt = dg_store_prepare (self, "SELECT count(*) FROM accounts", error);
  gint64 count = -1;
  int rc;

  if (stmt == NULL)
    return -1;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    count = sqlite3_column_int64 (stmt, 0);
  else
    dg_store_set_error (self, rc, "Cannot count the accounts", error);
  sqlite3_reset (stmt);
  return count;
}
