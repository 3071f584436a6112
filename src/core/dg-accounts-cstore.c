/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-accounts"

#include "config.h"

#include "dg-accounts-private.h"

/*
 * Connected mode: the CStore auth hash, used exactly as cstore-auth-ts's adapter uses it
 * (ratio1-interop.md 4.9): an empty stored value means "missing", the hset answer is
 * ignored (a "false" only means the write was not replicated yet; the node kept it), and
 * create is a check followed by a write, as racy as upstream's.
 */

typedef struct
{
  DgAccountsBackend parent;
  DgCStore *cstore;
  char *hkey;
} CStoreBackend;

static char *
cstore_get (DgAccountsBackend *backend, const char *username, GCancellable *cancellable,
            GError **error)
{
  CStoreBackend *self = (CStoreBackend *) backend;
  g_autofree char *value = dg_cstore_hget (self->cstore, self->hkey, username, cancellable, error);

  if (value == NULL || value[0] == '\0')
    return NULL;
  return g_steal_pointer (&value);
}

static gboolean
cstore_put (DgAccountsBackend *backend, const char *username, JsonObject *record, const char *text,
            GCancellable *cancellable, GError **error)
{
  CStoreBackend *self = (CStoreBackend *) backend;
  g_autoptr (GError) local_error = NULL;

  if (dg_cstore_hset (self->cstore, self->hkey, username, text, cancellable, &local_error))
    return TRUE;
  if (g_error_matches (local_error, DG_CSTORE_ERROR, DG_CSTORE_ERROR_NOT_CONFIRMED))
    {
      g_message ("CStore stored account “%s” but its peers did not confirm the write yet",
                 username);
      return TRUE;
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

static GHashTable *
cstore_get_all (DgAccountsBackend *backend, GCancellable *cancellable, GError **error)
{
  CStoreBackend *self = (CStoreBackend *) backend;

  return dg_cstore_hgetall (self->cstore, self->hkey, cancellable, error);
}

static gboolean
cstore_insert (DgAccountsBackend *backend, const char *username, JsonObject *record,
               const char *text, gboolean only_if_empty, gboolean *inserted,
               GCancellable *cancellable, GError **error)
{
  *inserted = FALSE;
  if (only_if_empty)
    {
      g_autoptr (GHashTable) all = cstore_get_all (backend, cancellable, error);
      GHashTableIter iter;
      gpointer value;

      if (all == NULL)
        return FALSE;
      g_hash_table_iter_init (&iter, all);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        if (((const char *) value)[0] != '\0')
          return TRUE;
    }
  else
    {
      g_autoptr (GError) local_error = NULL;
      g_autofree char *existing = cstore_get (backend, username, cancellable, &local_error);

      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (existing != NULL)
        return TRUE;
    }
  if (!cstore_put (backend, username, record, text, cancellable, error))
    return FALSE;
  *inserted = TRUE;
  return TRUE;
}

static void
cstore_free (DgAccountsBackend *backend)
{
  CStoreBackend *self = (CStoreBackend *) backend;

  g_clear_object (&self->cstore);
  g_free (self->hkey);
  g_free (self);
}

DgAccountsBackend *
dg_accounts_backend_cstore_new (DgCStore *cstore, const char *hkey)
{
  CStoreBackend *self = g_new0 (CStoreBackend, 1);

  self->parent.kind = DG_ACCOUNTS_BACKEND_CSTORE;
  self->parent.get = cstore_get;
  self->parent.put = cstore_put;
  self->parent.insert = cstore_insert;
  self->parent.get_all = cstore_get_all;
  self->parent.free = cstore_free;
  self->cstore = g_object_ref (cstore);
  self->hkey = g_strdup (hkey);
  return &self->parent;
}
