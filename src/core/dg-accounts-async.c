/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-accounts"

#include "config.h"

#include <string.h>

#include "dg-accounts-private.h"
#include "dg-crypto.h"

/*
 * The _async/_finish pairs: each packs its arguments into an Operation and runs the
 * blocking function in a GTask thread, so the main loop never waits on a hash, SQLite or
 * CStore.
 */

typedef enum
{
  OP_AUTHENTICATE,
  OP_NEEDS_FIRST_ADMIN,
  OP_CREATE_FIRST_ADMIN,
  OP_CREATE,
  OP_GET,
  OP_LIST,
  OP_CHANGE_PASSWORD,
  OP_SET_PASSWORD,
  OP_RESET_PASSWORD,
  OP_SET_ROLE,
  OP_SOFT_DELETE,
} OperationKind;

typedef struct
{
  OperationKind kind;
  char *actor;
  char *username;
  char *password;
  char *new_password;
  char *role;
  JsonObject *metadata;
  gboolean include_deleted;
} Operation;

static void
operation_free (Operation *op)
{
  g_free (op->actor);
  g_free (op->username);
  dg_secret_free (op->password);
  dg_secret_free (op->new_password);
  g_free (op->role);
  g_clear_pointer (&op->metadata, json_object_unref);
  g_free (op);
}

static Operation *
operation_new (OperationKind kind)
{
  Operation *op = g_new0 (Operation, 1);

  op->kind = kind;
  return op;
}

static void
operation_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  DgAccounts *self = source;
  Operation *op = task_data;
  GError *error = NULL;
  gpointer result = NULL;
  GDestroyNotify result_free = NULL;
  gboolean ok = FALSE;

  switch (op->kind)
    {
    case OP_AUTHENTICATE:
      result = dg_accounts_authenticate (self, op->username, op->password, cancellable, &error);
      result_free = (GDestroyNotify) dg_account_free;
      break;
    case OP_CREATE_FIRST_ADMIN:
      result =
          dg_accounts_create_first_admin (self, op->username, op->password, cancellable, &error);
      result_free = (GDestroyNotify) dg_account_free;
      break;
    case OP_CREATE:
      result = dg_accounts_create (self, op->username, op->password, op->role, op->metadata,
                                   cancellable, &error);
      result_free = (GDestroyNotify) dg_account_free;
      break;
    case OP_GET:
      result = dg_accounts_get (self, op->username, cancellable, &error);
      result_free = (GDestroyNotify) dg_account_free;
      break;
    case OP_SET_ROLE:
      result = dg_accounts_set_role (self, op->actor, op->username, op->role, cancellable, &error);
      result_free = (GDestroyNotify) dg_account_free;
      break;
    case OP_LIST:
      result = dg_accounts_list (self, op->include_deleted, cancellable, &error);
      result_free = (GDestroyNotify) g_ptr_array_unref;
      break;
    case OP_RESET_PASSWORD:
      result = dg_accounts_reset_password (self, op->actor, op->username, cancellable, &error);
      result_free = (GDestroyNotify) dg_secret_free;
      break;
    case OP_NEEDS_FIRST_ADMIN:
      ok = dg_accounts_needs_first_admin (self, cancellable, &error);
      break;
    case OP_CHANGE_PASSWORD:
      ok = dg_accounts_change_password (self, op->username, op->password, op->new_password,
                                        cancellable, &error);
      break;
    case OP_SET_PASSWORD:
      ok = dg_accounts_set_password (self, op->actor, op->username, op->password, cancellable,
                                     &error);
      break;
    case OP_SOFT_DELETE:
      ok = dg_accounts_soft_delete (self, op->actor, op->username, cancellable, &error);
      break;
    default:
      g_assert_not_reached ();
    }

  if (error != NULL)
    g_task_return_error (task, error);
  else if (result_free != NULL)
    g_task_return_pointer (task, result, result_free);
  else
    g_task_return_boolean (task, ok);
}

static void
run (DgAccounts *self, Operation *op, gpointer source_tag, GCancellable *cancellable,
     GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, (GDestroyNotify) operation_free);
  g_task_run_in_thread (task, operation_thread);
}

static gpointer
finish_pointer (DgAccounts *self, GAsyncResult *result, gpointer source_tag, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
finish_boolean (DgAccounts *self, GAsyncResult *result, gpointer source_tag, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
dg_accounts_authenticate_async (DgAccounts *self, const char *username, const char *password,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data)
{
  Operation *op = operation_new (OP_AUTHENTICATE);

  g_return_if_fail (DG_IS_ACCOUNTS (self));
  op->username = g_strdup (username);
  op->password = g_strdup (password);
  run (self, op, dg_accounts_authenticate_async, cancellable, callback, user_data);
}

DgAccount *
dg_accounts_authenticate_finish (DgAccounts *self, GAsyncResult *result, GError **error)
{
  return finish_pointer (self, result, dg_accounts_authenticate_async, error);
}

void
dg_accounts_needs_first_admin_async (DgAccounts *self, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (DG_IS_ACCOUNTS (self));
  run (self, operation_new (OP_NEEDS_FIRST_ADMIN), dg_accounts_needs_first_admin_async, cancellable,
       callback, user_data);
}

gboolean
dg_accounts_needs_first_admin_finish (DgAccounts *self, GAsyncResult *result, GError **error)
{
  return finish_boolean (self, result, dg_accounts_needs_first_admin_async, error);
}

void
dg_accounts_create_first_admin_async (DgAccounts *self, const char *username, const char *password,
                                      GCancellable *cancellable, GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  Operation *op = operation_new (OP_CREATE_FIRST_ADMIN);

  g_return_if_fail (DG_IS_ACCOUNTS (self));
  op->username = g_strdup (username);
  op->password = g_strdup (password);
  run (self, op, dg_accounts_create_first_admin_async, cancellable, callback, user_data);
}

DgAccount *
dg_accounts_create_first_admin_finish (DgAccounts *self, GAsyncResult *result, GError **error)
{
  return finish_pointer (self, result, dg_accounts_create_first_admin_async, error);
}

void
dg_accounts_create_async (DgAccounts *self, const char *username, const char *password,
                          const char *role, JsonObject *metadata, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  Operation *op = operation_new (OP_CREATE);

  g_return_if_fail (DG_IS_ACCOUNTS (self));
  op->username = g_strdup (username);
  op->password = g_strdup (password);
  op->role = g_strdup (role);
  /* A private copy: the caller may keep changing its object. */
  op->metadata = metadata != NULL ? dg_json_object_copy (metadata) : NULL;
  run (self, op, dg_accounts_create_async, cancellable, callback, user_data);
}

DgAccount *
dg_accounts_create_finish (DgAccounts *self, GAsyncResult *result, GError **error)
{
  return finish_pointer (self, result, dg_accounts_create_async, error);
}

void
dg_accounts_get_async (DgAccounts *self, const char *username, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  Operation *op = operation_new (OP_GET);

  g_return_if_fail (DG_IS_ACCOUNTS (self));
  op->username = g_strdup (username);
  run (self, op, dg_accounts_get_async, cancellable, callback, user_data);
}

DgAccount *
dg_accounts_get_finish (DgAccounts *self, GAsyncResult *result, GError **error)
{
  return finish_pointer (self, result, dg_accounts_get_async, error);
}

void
dg_accounts_list_async (DgAccounts *self, gboolean include_deleted, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  Operation *op = operation_new (OP_LIST);

  g_return_if_fail (DG_IS_ACCOUNTS (self));
  op->include_deleted = include_deleted;
  run (self, op, dg_accounts_list_async, cancellable, callback, user_data);
}

GPtrArray *
dg_accounts_list_finish (DgAccounts *self, GAsyncResult *result, GError **error)
{
  return finish_pointer (self, result, dg_accounts_list_async, error);
}

void
dg_accounts_change_password_async (DgAccounts *self, const char *username,
                                   const char *current_password, const char *new_password,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  Operation *op = operation_new (OP_CHANGE_PASSWORD);

  g_return_if_fail (DG_IS_ACCOUNTS (self));
  op->username = g_strdup (username);
  op->password = g_strdup (current_password);
  op->new_password = g_strdup (new_password);
  run (self, op, dg_accounts_change_password_async, cancellable, callback, user_data);
}

gboolean
dg_accounts_change_password_finish (DgAccounts *self, GAsyncResult *result, GError **error)
{
  return finish_boolean (self, result, dg_accounts_change_password_async, error);
}

void
dg_accounts_set_password_async (DgAccounts *self, const char *actor, const char *username,
                                const char *password, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  Operation *op = operation_new (OP_SET_PASSWORD);

  g_return_if_fail (DG_IS_ACCOUNTS (self));
  op->actor = g_strdup (actor);
  op->username = g_strdup (username);
  op->password = g_strdup (password);
  run (self, op, dg_accounts_set_password_async, cancellable, callback, user_data);
}

gboolean
dg_accounts_set_password_finish (DgAccounts *self, GAsyncResult *result, GError **error)
{
  return finish_boolean (self, result, dg_accounts_set_password_async, error);
}

void
dg_accounts_reset_password_async (DgAccounts *self, const char *actor, const char *username,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  Operation *op = operation_new (OP_RESET_PASSWORD);

  g_return_if_fail (DG_IS_ACCOUNTS (self));
  op->actor = g_strdup (actor);
  op->username = g_strdup (username);
  run (self, op, dg_accounts_reset_password_async, cancellable, callback, user_data);
}

char *
dg_accounts_reset_password_finish (DgAccounts *self, GAsyncResult *result, GError **error)
{
  return finish_pointer (self, result, dg_accounts_reset_password_async, error);
}

void
dg_accounts_set_role_async (DgAccounts *self, const char *actor, const char *username,
                            const char *role, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  Operation *op = operation_new (OP_SET_ROLE);

  g_return_if_fail (DG_IS_ACCOUNTS (self));
  op->actor = g_strdup (actor);
  op->username = g_strdup (username);
  op->role = g_strdup (role);
  run (self, op, dg_accounts_set_role_async, cancellable, callback, user_data);
}

DgAccount *
dg_accounts_set_role_finish (DgAccounts *self, GAsyncResult *result, GError **error)
{
  return finish_pointer (self, result, dg_accounts_set_role_async, error);
}

void
dg_accounts_soft_delete_async (DgAccounts *self, const char *actor, const char *username,
                               GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data)
{
  Operation *op = operation_new (OP_SOFT_DELETE);

  g_return_if_fail (DG_IS_ACCOUNTS (self));
  op->actor = g_strdup (actor);
  op->username = g_strdup (username);
  run (self, op, dg_accounts_soft_delete_async, cancellable, callback, user_data);
}

gboolean
dg_accounts_soft_delete_finish (DgAccounts *self, GAsyncResult *result, GError **error)
{
  return finish_boolean (self, result, dg_accounts_soft_delete_async, error);
}
