/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-store"

#include "config.h"

#include "dg-store-mail.h"
#include "dg-store-private.h"

char *
dg_store_mail_failures_get (DgStore *self, const char *email, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = NULL;
  sqlite3_stmt *stmt;
  char *record = NULL;
  int rc;

  g_return_val_if_fail (DG_IS_STORE (self), NULL);
  g_return_val_if_fail (email != NULL, NULL);

  locker = dg_store_lock (self);
  stmt = dg_store_prepare (self, "SELECT record FROM mail_failures WHERE email = ?", error);
  if (stmt == NULL)
    return NULL;
  dg_store_bind_text (stmt, 1, email);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    record = dg_store_column_dup (stmt, 0);
  else if (rc != SQLITE_DONE)
    dg_store_set_error (self, rc, "Cannot read a mail failure record", error);
  sqlite3_reset (stmt);
  return record;
}

gboolean
dg_store_mail_failures_put (DgStore *self, const char *email, const char *record, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (DG_IS_STORE (self), FALSE);
  g_return_val_if_fail (email != NULL && record != NULL, FALSE);

  locker = dg_store_lock (self);
  stmt = dg_store_prepare (self,
                           "INSERT INTO mail_failures (email, record) VALUES (?, ?) "
                           "ON CONFLICT (email) DO UPDATE SET record = excluded.record",
                           error);
  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, email);
  dg_store_bind_text (stmt, 2, record);
  return dg_store_step_done (self, stmt, error);
}

gboolean
dg_store_mail_failures_delete (DgStore *self, const char *email, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (DG_IS_STORE (self), FALSE);
  g_return_val_if_fail (email != NULL, FALSE);

  locker = dg_store_lock (self);
  stmt = dg_store_prepare (self, "DELETE FROM mail_failures WHERE email = ?", error);
  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, email);
  return dg_store_step_done (self, stmt, error);
}
