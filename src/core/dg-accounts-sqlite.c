/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-accounts"

#include "config.h"

#include "dg-accounts-private.h"
#include "dg-store-accounts.h"

/* Standalone accounts: the `accounts` table, record JSON verbatim plus index columns. */

typedef struct
{
  DgAccountsBackend parent;
  DgStore *store;
} SqliteBackend;

static char *
sqlite_get (DgAccountsBackend *backend, const char *username, GCancellable *cancellable,
            GError **error)
{
  SqliteBackend *self = (SqliteBackend *) backend;

  return dg_store_accounts_get (self->store, username, error);
}

/* The index columns come from the record itself, so they can never disagree with it. */
static void
fill_row (DgStoreAccountRow *row, const char *username, JsonObject *record, const char *text,
          char **email)
{
  JsonNode *metadata = json_object_get_member (record, "metadata");

  *email = dg_accounts_record_email (record);
  row->username = username;
  row->record = text;
  row->role = json_object_get_string_member (record, "role");
  row->email = *email;
  row->deleted = metadata != NULL && JSON_NODE_HOLDS_OBJECT (metadata) &&
                 dg_accounts_metadata_is_deleted (json_node_get_object (metadata));
  row->created_at = json_object_get_string_member (record, "createdAt");
  row->updated_at = json_object_get_string_member (record, "updatedAt");
}

static gboolean
sqlite_put (DgAccountsBackend *backend, const char *username, JsonObject *record, const char *text,
            GCancellable *cancellable, GError **error)
{
  SqliteBackend *self = (SqliteBackend *) backend;
  DgStoreAccountRow row = { 0 };
  g_autofree char *email = NULL;

  if (text == NULL)
    return dg_store_accounts_delete (self->store, username, error);
  fill_row (&row, username, record, text, &email);
  return dg_store_accounts_put (self->store, &row, error);
}

static gboolean
sqlite_insert (DgAccountsBackend *backend, const char *username, JsonObject *record,
               const char *text, gboolean only_if_empty, gboolean *inserted,
               GCancellable *cancellable, GError **error)
{
  SqliteBackend *self = (SqliteBackend *) backend;
  DgStoreAccountRow row = { 0 };
  g_autofree char *email = NULL;

  fill_row (&row, username, record, text, &email);
  return dg_store_accounts_insert (self->store, &row, only_if_empty, inserted, error);
}

static GHashTable *
sqlite_get_all (DgAccountsBackend *backend, GCancellable *cancellable, GError **error)
{
  SqliteBackend *self = (SqliteBackend *) backend;

  return dg_store_accounts_get_all (self->store, error);
}

static char *
sqlite_find_email (DgAccountsBackend *backend, const char *email, GCancellable *cancellable,
                   GError **error)
{
  SqliteBackend *self = (SqliteBackend *) backend;

  return dg_store_accounts_find_by_email (self->store, email, error);
}

static void
sqlite_free (DgAccountsBackend *backend)
{
  SqliteBackend *self = (SqliteBackend *) backend;

  g_clear_object (&self->store);
  g_free (self);
}

DgAccountsBackend *
dg_accounts_backend_sqlite_new (DgStore *store)
{
  SqliteBackend *self = g_new0 (SqliteBackend, 1);

  self->parent.kind = DG_ACCOUNTS_BACKEND_SQLITE;
  self->parent.get = sqlite_get;
  self->parent.put = sqlite_put;
  self->parent.insert = sqlite_insert;
  self->parent.get_all = sqlite_get_all;
  self->parent.find_email = sqlite_find_email;
  self->parent.free = sqlite_free;
  self->store = g_object_ref (store);
  return &self->parent;
}

void
dg_accounts_backend_free (DgAccountsBackend *backend)
{
  if (backend != NULL)
    backend->free (backend);
}
