/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-cstore"

#include "config.h"

#include "dg-crypto.h"
#include "dg-cstore.h"

/* Main-loop wrappers: every call runs its blocking twin in a GTask worker thread. */

typedef enum
{
  OP_STATUS,
  OP_GET,
  OP_HGET,
  OP_SET,
  OP_HSET,
  OP_HGETALL,
} Op;

typedef struct
{
  Op op;
  char *hkey;
  char *key;
  char *value;
} Call;

static void
call_free (Call *call)
{
  g_free (call->hkey);
  g_free (call->key);
  /* Values may be secrets (account records): wiped before freeing, where a plain memset
   * before free() may be optimised away. */
  dg_secret_free (call->value);
  g_free (call);
}

static void
run_call (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  DgCStore *self = source;
  Call *call = task_data;
  GError *error = NULL;

  switch (call->op)
    {
    case OP_STATUS:
      {
        JsonNode *node = dg_cstore_get_status (self, cancellable, &error);

        if (node != NULL)
          g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
        else
          g_task_return_error (task, error);
        return;
      }
    case OP_GET:
    case OP_HGET:
      {
        char *value = call->op == OP_GET
                          ? dg_cstore_get (self, call->key, cancellable, &error)
                          : dg_cstore_hget (self, call->hkey, call->key, cancellable, &error);

        if (error != NULL)
          g_task_return_error (task, error);
        else
          g_task_return_pointer (task, value, g_free);
        return;
      }
    case OP_SET:
    case OP_HSET:
      {
        gboolean ok =
            call->op == OP_SET
                ? dg_cstore_set (self, call->key, call->value, cancellable, &error)
                : dg_cstore_hset (self, call->hkey, call->key, call->value, cancellable, &error);

        if (ok)
          g_task_return_boolean (task, TRUE);
        else
          g_task_return_error (task, error);
        return;
      }
    case OP_HGETALL:
      {
        GHashTable *table = dg_cstore_hgetall (self, call->hkey, cancellable, &error);

        if (table != NULL)
          g_task_return_pointer (task, table, (GDestroyNotify) g_hash_table_unref);
        else
          g_task_return_error (task, error);
        return;
      }
    default:
      g_assert_not_reached ();
    }
}

static void
start (DgCStore *self, Op op, const char *hkey, const char *key, const char *value,
       gpointer source_tag, GCancellable *cancellable, GAsyncReadyCallback callback,
       gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  Call *call = g_new0 (Call, 1);

  call->op = op;
  call->hkey = g_strdup (hkey);
  call->key = g_strdup (key);
  call->value = g_strdup (value);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);
  g_task_run_in_thread (task, run_call);
}

void
dg_cstore_get_status_async (DgCStore *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data)
{
  g_return_if_fail (DG_IS_CSTORE (self));
  start (self, OP_STATUS, NULL, NULL, NULL, dg_cstore_get_status_async, cancellable, callback,
         user_data);
}

JsonNode *
dg_cstore_get_status_finish (DgCStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
dg_cstore_get_async (DgCStore *self, const char *key, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (DG_IS_CSTORE (self));
  start (self, OP_GET, NULL, key, NULL, dg_cstore_get_async, cancellable, callback, user_data);
}

char *
dg_cstore_get_finish (DgCStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
dg_cstore_hget_async (DgCStore *self, const char *hkey, const char *field,
                      GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (DG_IS_CSTORE (self));
  start (self, OP_HGET, hkey, field, NULL, dg_cstore_hget_async, cancellable, callback, user_data);
}

char *
dg_cstore_hget_finish (DgCStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
dg_cstore_set_async (DgCStore *self, const char *key, const char *value, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (DG_IS_CSTORE (self));
  start (self, OP_SET, NULL, key, value, dg_cstore_set_async, cancellable, callback, user_data);
}

gboolean
dg_cstore_set_finish (DgCStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
dg_cstore_hset_async (DgCStore *self, const char *hkey, const char *field, const char *value,
                      GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (DG_IS_CSTORE (self));
  start (self, OP_HSET, hkey, field, value, dg_cstore_hset_async, cancellable, callback, user_data);
}

gboolean
dg_cstore_hset_finish (DgCStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
dg_cstore_hgetall_async (DgCStore *self, const char *hkey, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (DG_IS_CSTORE (self));
  start (self, OP_HGETALL, hkey, NULL, NULL, dg_cstore_hgetall_async, cancellable, callback,
         user_data);
}

GHashTable *
dg_cstore_hgetall_finish (DgCStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
