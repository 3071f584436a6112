/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-store"

#include "config.h"

#include <string.h>

#include "dg-crypto.h"
#include "dg-store-private.h"
#include "dg-store-profiles.h"

void
dg_store_profile_row_free (DgStoreProfileRow *row)
{
  if (row == NULL)
    return;
  g_free (row->id);
  g_free (row->owner);
  g_free (row->name);
  g_free (row->base_url);
  g_free (row->path);
  g_free (row->model);
  if (row->api_key_encrypted != NULL)
    dg_crypto_wipe (row->api_key_encrypted, strlen (row->api_key_encrypted));
  g_free (row->api_key_encrypted);
  g_free (row->api_key_location);
  g_free (row->created_at);
  g_free (row->updated_at);
  g_free (row);
}

GPtrArray *
dg_store_profiles_list (DgStore *self, const char *owner, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (self);
  sqlite3_stmt *stmt = dg_store_prepare (self,
                                         "SELECT id, owner, name, base_url, path, model, "
                                         "api_key_encrypted, active, position, created_at, "
                                         "updated_at, api_key_location FROM inference_profiles "
                                         "WHERE owner = ? "
                                         "ORDER BY position, created_at, id",
                                         error);
  g_autoptr (GPtrArray) rows = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) dg_store_profile_row_free);
  dg_store_bind_text (stmt, 1, owner);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DgStoreProfileRow *row = g_new0 (DgStoreProfileRow, 1);

      row->id = dg_store_column_dup (stmt, 0);
      row->owner = dg_store_column_dup (stmt, 1);
      row->name = dg_store_column_dup (stmt, 2);
      row->base_url = dg_store_column_dup (stmt, 3);
      row->path = dg_store_column_dup (stmt, 4);
      row->model = dg_store_column_dup (stmt, 5);
      row->api_key_encrypted = dg_store_column_dup (stmt, 6);
      row->active = sqlite3_column_int (stmt, 7) != 0;
      row->position = sqlite3_column_int64 (stmt, 8);
      row->created_at = dg_store_column_dup (stmt, 9);
      row->updated_at = dg_store_column_dup (stmt, 10);
      row->api_key_location = dg_store_column_dup (stmt, 11);
      g_ptr_array_add (rows, row);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      dg_store_set_error (self, rc, "Cannot read inference profiles", error);
      return NULL;
    }
  return g_steal_pointer (&rows);
}

static void
bind_row (sqlite3_stmt *stmt, const DgStoreProfileRow *row)
{
  dg_store_bind_text (stmt, 1, row->id);
  dg_store_bind_text (stmt, 2, row->owner);
  dg_store_bind_text (stmt, 3, row->name);
  dg_store_bind_text (stmt, 4, row->base_url);
  dg_store_bind_text (stmt, 5, row->path);
  dg_store_bind_text (stmt, 6, row->model);
  dg_store_bind_text (stmt, 7, row->api_key_encrypted);
  sqlite3_bind_int (stmt, 8, row->active ? 1 : 0);
  sqlite3_bind_int64 (stmt, 9, row->position);
  dg_store_bind_text (stmt, 10, row->created_at);
  dg_store_bind_text (stmt, 11, row->updated_at);
  dg_store_bind_text (stmt, 12, row->api_key_location);
}

gboolean
dg_store_profiles_insert (DgStore *self, const DgStoreProfileRow *row, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (self);
  sqlite3_stmt *stmt = dg_store_prepare (self,
                                         "INSERT INTO inference_profiles (id, owner, name, "
                                         "base_url, path, model, api_key_encrypted, active, "
                                         "position, created_at, updated_at, api_key_location) "
                                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                         error);

  if (stmt == NULL)
    return FALSE;
  bind_row (stmt, row);
  return dg_store_step_done (self, stmt, error);
}

gboolean
dg_store_profiles_update (DgStore *self, const DgStoreProfileRow *row, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (self);
  /* Same parameter numbers as the insert, so bind_row() serves both. */
  sqlite3_stmt *stmt = dg_store_prepare (self,
                                         "UPDATE inference_profiles SET name = ?3, base_url = ?4, "
                                         "path = ?5, model = ?6, api_key_encrypted = ?7, "
                                         "active = ?8, position = ?9, created_at = ?10, "
                                         "updated_at = ?11, api_key_location = ?12 "
                                         "WHERE id = ?1 AND owner = ?2",
                                         error);

  if (stmt == NULL)
    return FALSE;
  bind_row (stmt, row);
  return dg_store_step_done (self, stmt, error);
}

gboolean
dg_store_profiles_delete (DgStore *self, const char *owner, const char *id, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (self);
  sqlite3_stmt *stmt =
      dg_store_prepare (self, "DELETE FROM inference_profiles WHERE owner = ? AND id = ?", error);

  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, owner);
  dg_store_bind_text (stmt, 2, id);
  return dg_store_step_done (self, stmt, error);
}

gboolean
dg_store_profiles_set_active (DgStore *self, const char *owner, const char *id, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (self);
  sqlite3_stmt *stmt = dg_store_prepare (
      self, "UPDATE inference_profiles SET active = (id IS ?) WHERE owner = ?", error);

  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, id);
  dg_store_bind_text (stmt, 2, owner);
  return dg_store_step_done (self, stmt, error);
}
