/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-registration"

#include "config.h"

#include <string.h>

#include "dg-registration-private.h"

/* Main-loop wrappers: each call runs its blocking twin in a GTask thread. */

typedef struct
{
  gboolean resend;
  char *name;
  char *email;
  char *country;
  char *client_ip;
} Call;

typedef struct
{
  DgRegistrationResult result;
  GError *error;
} Outcome;

static void
call_free (Call *call)
{
  g_free (call->name);
  g_free (call->email);
  g_free (call->country);
  g_free (call->client_ip);
  g_free (call);
}

static void
outcome_free (Outcome *outcome)
{
  dg_registration_result_clear (&outcome->result);
  g_clear_error (&outcome->error);
  g_free (outcome);
}

static void
run_call (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Call *call = task_data;
  Outcome *outcome = g_new0 (Outcome, 1);

  if (call->resend)
    dg_registration_resend (source, call->email, call->client_ip, &outcome->result, cancellable,
                            &outcome->error);
  else
    {
      DgRegistrationRequest request = { call->name, call->email, call->country, call->client_ip };

      dg_registration_register (source, &request, &outcome->result, cancellable, &outcome->error);
    }
  g_task_return_pointer (task, outcome, (GDestroyNotify) outcome_free);
}

static void
start (DgRegistration *self, Call *call, gpointer tag, GCancellable *cancellable,
       GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, tag);
  /* The answer must always come back (it carries the HTTP status), cancelled or not. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);
  g_task_run_in_thread (task, run_call);
}

void
dg_registration_register_async (DgRegistration *self, const DgRegistrationRequest *request,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data)
{
  Call *call;

  g_return_if_fail (DG_IS_REGISTRATION (self));
  g_return_if_fail (request != NULL);

  call = g_new0 (Call, 1);
  call->name = g_strdup (request->name);
  call->email = g_strdup (request->email);
  call->country = g_strdup (request->country);
  call->client_ip = g_strdup (request->client_ip);
  start (self, call, dg_registration_register_async, cancellable, callback, user_data);
}

void
dg_registration_resend_async (DgRegistration *self, const char *email, const char *client_ip,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  Call *call;

  g_return_if_fail (DG_IS_REGISTRATION (self));

  call = g_new0 (Call, 1);
  call->resend = TRUE;
  call->email = g_strdup (email);
  call->client_ip = g_strdup (client_ip);
  start (self, call, dg_registration_resend_async, cancellable, callback, user_data);
}

/**
 * dg_registration_finish:
 * @result: (out caller-allocates): the HTTP answer
 *
 * Finishes dg_registration_register_async() and dg_registration_resend_async().
 */
gboolean
dg_registration_finish (DgRegistration *self, GAsyncResult *res, DgRegistrationResult *result,
                        GError **error)
{
  Outcome *outcome;

  g_return_val_if_fail (g_task_is_valid (res, self), FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  outcome = g_task_propagate_pointer (G_TASK (res), NULL);
  g_assert (outcome != NULL);
  *result = outcome->result;
  memset (&outcome->result, 0, sizeof outcome->result);
  if (outcome->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&outcome->error));
      outcome_free (outcome);
      return FALSE;
    }
  outcome_free (outcome);
  return TRUE;
}

static void
set_enabled_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;

  if (dg_registration_set_enabled (source, GPOINTER_TO_INT (task_data), &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
dg_registration_set_enabled_async (DgRegistration *self, gboolean enabled,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (DG_IS_REGISTRATION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dg_registration_set_enabled_async);
  g_task_set_task_data (task, GINT_TO_POINTER (enabled ? 1 : 0), NULL);
  g_task_run_in_thread (task, set_enabled_thread);
}

gboolean
dg_registration_set_enabled_finish (DgRegistration *self, GAsyncResult *res, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (res, self), FALSE);
  return g_task_propagate_boolean (G_TASK (res), error);
}

static void
is_enabled_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  gboolean enabled = dg_registration_is_enabled (source, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, enabled);
}

void
dg_registration_is_enabled_async (DgRegistration *self, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (DG_IS_REGISTRATION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dg_registration_is_enabled_async);
  g_task_run_in_thread (task, is_enabled_thread);
}

/* FALSE with @error unset means "disabled". */
gboolean
dg_registration_is_enabled_finish (DgRegistration *self, GAsyncResult *res, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (res, self), FALSE);
  return g_task_propagate_boolean (G_TASK (res), error);
}
