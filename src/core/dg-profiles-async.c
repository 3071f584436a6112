/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-profiles"

/* The main-loop face of DgProfiles: each call runs its blocking twin on a worker thread. */

#include "config.h"

#include "dg-crypto.h"
#include "dg-profiles.h"

typedef enum
{
  OP_LIST,
  OP_UPSERT,
  OP_ACTIVATE,
  OP_DELETE,
  OP_ENDPOINT,
} OpKind;

typedef struct
{
  OpKind kind;
  char *owner;
  char *id;
  char *name;
  char *base_url;
  char *path;
  char *model;
  char *api_key;
  gboolean set_active;
  DgUrlPolicyFlags policy;
  JsonObject *parameters;
} Op;

static void
op_free (Op *op)
{
  g_free (op->owner);
  g_free (op->id);
  g_free (op->name);
  g_free (op->base_url);
  g_free (op->path);
  g_free (op->model);
  if (op->api_key != NULL)
    dg_crypto_wipe (op->api_key, strlen (op->api_key));
  g_free (op->api_key);
  g_clear_pointer (&op->parameters, json_object_unref);
  g_free (op);
}

static void
op_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  DgProfiles *self = source;
  Op *op = data;
  DgProfileSettings *settings = NULL;
  GError *error = NULL;

  switch (op->kind)
    {
    case OP_LIST:
      settings = dg_profiles_list (self, op->owner, &error);
      break;
    case OP_UPSERT:
      {
        DgProfileUpsert u = { op->id,    op->name,    op->base_url,  op->path,
                              op->model, op->api_key, op->set_active };

        settings = dg_profiles_upsert (self, op->owner, &u, op->policy, NULL, &error);
        break;
      }
    case OP_ACTIVATE:
      settings = dg_profiles_activate (self, op->owner, op->id, &error);
      break;
    case OP_DELETE:
      settings = dg_profiles_delete (self, op->owner, op->id, &error);
      break;
    case OP_ENDPOINT:
      {
        DgInferenceEndpoint *endpoint =
            dg_profiles_endpoint (self, op->owner, op->id, op->parameters, op->policy, &error);

        if (endpoint != NULL)
          g_task_return_pointer (task, endpoint, (GDestroyNotify) dg_inference_endpoint_unref);
        else
          g_task_return_error (task, error);
        return;
      }
    default:
      g_assert_not_reached ();
    }
  if (settings != NULL)
    g_task_return_pointer (task, settings, (GDestroyNotify) dg_profile_settings_free);
  else
    g_task_return_error (task, error);
}

static void
op_run (DgProfiles *self, Op *op, GCancellable *cancellable, GAsyncReadyCallback callback,
        gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, op_run);
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);
  g_task_run_in_thread (task, op_thread);
}

static Op *
op_new (OpKind kind, const char *owner, const char *id)
{
  Op *op = g_new0 (Op, 1);

  op->kind = kind;
  op->owner = g_strdup (owner);
  op->id = g_strdup (id);
  return op;
}

void
dg_profiles_list_async (DgProfiles *self, const char *owner, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (DG_IS_PROFILES (self));
  g_return_if_fail (owner != NULL);

  op_run (self, op_new (OP_LIST, owner, NULL), cancellable, callback, user_data);
}

void
dg_profiles_upsert_async (DgProfiles *self, const char *owner, const DgProfileUpsert *upsert,
                          DgUrlPolicyFlags policy, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  Op *op;

  g_return_if_fail (DG_IS_PROFILES (self));
  g_return_if_fail (owner != NULL && upsert != NULL);

  op = op_new (OP_UPSERT, owner, upsert->id);
  op->name = g_strdup (upsert->name);
  op->base_url = g_strdup (upsert->base_url);
  op->path = g_strdup (upsert->path);
  op->model = g_strdup (upsert->model);
  op->api_key = g_strdup (upsert->api_key);
  op->set_active = upsert->set_active;
  op->policy = policy;
  op_run (self, op, cancellable, callback, user_data);
}

void
dg_profiles_activate_async (DgProfiles *self, const char *owner, const char *id,
                            GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data)
{
  g_return_if_fail (DG_IS_PROFILES (self));
  g_return_if_fail (owner != NULL && id != NULL);

  op_run (self, op_new (OP_ACTIVATE, owner, id), cancellable, callback, user_data);
}

void
dg_profiles_delete_async (DgProfiles *self, const char *owner, const char *id,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  g_return_if_fail (DG_IS_PROFILES (self));
  g_return_if_fail (owner != NULL && id != NULL);

  op_run (self, op_new (OP_DELETE, owner, id), cancellable, callback, user_data);
}

/**
 * dg_profiles_settings_finish:
 *
 * Returns: (transfer full) (nullable): the user's settings after the operation.
 */
DgProfileSettings *
dg_profiles_settings_finish (DgProfiles *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
dg_profiles_endpoint_async (DgProfiles *self, const char *owner, const char *id,
                            JsonObject *parameters, DgUrlPolicyFlags policy,
                            GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data)
{
  Op *op;

  g_return_if_fail (DG_IS_PROFILES (self));
  g_return_if_fail (owner != NULL);

  op = op_new (OP_ENDPOINT, owner, id);
  op->parameters = parameters != NULL ? json_object_ref (parameters) : NULL;
  op->policy = policy;
  op_run (self, op, cancellable, callback, user_data);
}

/**
 * dg_profiles_endpoint_finish:
 *
 * Returns: (transfer full) (nullable): the endpoint, with the profile's key.
 */
DgInferenceEndpoint *
dg_profiles_endpoint_finish (DgProfiles *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
