/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-accounts"

#include "config.h"

#include "dg-accounts-private.h"

/* Mock mode (DATAGEN_MOCK_CSTORE): accounts in memory, lost when the process ends. */

typedef struct
{
  DgAccountsBackend parent;
  GMutex mutex;
  GHashTable *records; /* username -> record text */
} MemoryBackend;

static char *
memory_get (DgAccountsBackend *backend, const char *username, GCancellable *cancellable,
            GError **error)
{
  MemoryBackend *self = (MemoryBackend *) backend;
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  return g_strdup (g_hash_table_lookup (self->records, username));
}

static gboolean
memory_put (DgAccountsBackend *backend, const char *username, JsonObject *record, const char *text,
            GCancellable *cancellable, GError **error)
{
  MemoryBackend *self = (MemoryBackend *) backend;
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  if (text == NULL)
    g_hash_table_remove (self->records, username);
  else
    g_hash_table_insert (self->records, g_strdup (username), g_strdup (text));
  return TRUE;
}

static gboolean
memory_insert (DgAccountsBackend *backend, const char *username, JsonObject *record,
               const char *text, gboolean only_if_empty, gboolean *inserted,
               GCancellable *cancellable, GError **error)
{
  MemoryBackend *self = (MemoryBackend *) backend;
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  *inserted = only_if_empty ? g_hash_table_size (self->records) == 0
                            : !g_hash_table_contains (self->records, username);
  if (*inserted)
    g_hash_table_insert (self->records, g_strdup (username), g_strdup (text));
  return TRUE;
}

static GHashTable *
memory_get_all (DgAccountsBackend *backend, GCancellable *cancellable, GError **error)
{
  MemoryBackend *self = (MemoryBackend *) backend;
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  GHashTable *copy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->records);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (copy, g_strdup (key), g_strdup (value));
  return copy;
}

static void
memory_free (DgAccountsBackend *backend)
{
  MemoryBackend *self = (MemoryBackend *) backend;

  g_hash_table_unref (self->records);
  g_mutex_clear (&self->mutex);
  g_free (self);
}

DgAccountsBackend *
dg_accounts_backend_memory_new (void)
{
  MemoryBackend *self = g_new0 (MemoryBackend, 1);

  self->parent.kind = DG_ACCOUNTS_BACKEND_MOCK;
  self->parent.get = memory_get;
  self->parent.put = memory_put;
  self->parent.insert = memory_insert;
  self->parent.get_all = memory_get_all;
  self->parent.free = memory_free;
  g_mutex_init (&self->mutex);
  self->records = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return &self->parent;
}
