/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-registration"

#include "config.h"

#include <string.h>

#include "dg-crypto.h"
#include "dg-registration-private.h"

/* Every "nothing to do" case answers the same, so the endpoint reveals nothing. */
static gboolean
answer_generic (DgRegistrationResult *result)
{
  result->http_status = 200;
  g_free (result->message);
  result->message = g_strdup (DG_REGISTRATION_MSG_RESEND_GENERIC);
  return TRUE;
}

/* Saves a changed record; a failure here only costs the bookkeeping, so it is logged. */
static void
save (DgRegistration *self, const char *email, JsonObject *record, DgRegistrationResult *result,
      GCancellable *cancellable)
{
  g_autoptr (GError) error = NULL;

  if (!dg_registration_failure_put (self, email, record, cancellable, &error))
    {
      g_message ("Cannot update the mail failure record: %s", error->message);
      g_free (result->detail);
      result->detail = g_strdup (error->message);
    }
}

/**
 * dg_registration_resend:
 * @email: the address given in the resend form
 * @client_ip: the address to throttle on
 * @result: (out caller-allocates): the HTTP answer
 *
 * Mails the stored credentials again when a pending, unexpired failure record exists
 * (upstream 1.6 and 10.4). Returns FALSE only for the error answers (400, 403, 429, 500,
 * 502, 503); the generic 200 covers sent and not-eligible alike.
 */
gboolean
dg_registration_resend (DgRegistration *self, const char *email, const char *client_ip,
                        DgRegistrationResult *result, GCancellable *cancellable, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (JsonObject) record = NULL;
  g_autofree char *normalized = NULL;
  g_autoptr (DgSecret) password = NULL;
  DgRateLimitResult limit = { 0 };
  const char *username;
  const char *encrypted;
  gint64 now;

  g_return_val_if_fail (DG_IS_REGISTRATION (self), FALSE);
  g_return_val_if_fail (result != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!dg_registration_begin (self, result, error))
    return FALSE;

  if (!dg_registration_email_is_valid (email))
    return dg_registration_fail (result, error, DG_REGISTRATION_ERROR_INVALID_PAYLOAD,
                                 DG_REGISTRATION_MSG_INVALID, NULL);
  normalized = dg_registration_normalize_email (email);

  if (!dg_rate_limiter_check_registration (self->limiter, DG_RATE_LIMIT_RESEND, client_ip,
                                           normalized, dg_registration_now (self), &limit,
                                           cancellable, &local_error))
    return dg_registration_fail_from (result, error, local_error);
  if (!limit.allowed)
    {
      result->retry_after_seconds = MAX (limit.retry_after_seconds, 1);
      return dg_registration_fail (result, error, DG_REGISTRATION_ERROR_RATE_LIMITED,
                                   DG_REGISTRATION_MSG_RATE_RESEND, NULL);
    }

  if (!dg_mailer_check_config (self->mailer, &local_error))
    return dg_registration_fail (result, error, DG_REGISTRATION_ERROR_MAIL_NOT_CONFIGURED,
                                 DG_REGISTRATION_MSG_MAIL_CONFIG, local_error);

  record = dg_registration_failure_get (self, normalized, cancellable, &local_error);
  if (local_error != NULL)
    return dg_registration_fail_from (result, error, local_error);
  if (record == NULL || !dg_mail_failure_record_is_pending (record))
    return answer_generic (result);

  now = dg_registration_now (self);
  if (dg_mail_failure_record_is_expired (record, now, self->config->register_failure_ttl_seconds))
    {
      dg_mail_failure_record_mark_expired (record, now);
      save (self, normalized, record, result, cancellable);
      return answer_generic (result);
    }

  if (self->config->session_secret == NULL)
    return dg_registration_fail (result, error, DG_REGISTRATION_ERROR_AUTH_NOT_CONFIGURED,
                                 DG_REGISTRATION_MSG_AUTH_CONFIG, NULL);
  username = dg_mail_failure_record_get_string (record, "username");
  encrypted = dg_mail_failure_record_get_string (record, "passwordEncrypted");
  if (encrypted != NULL)
    password = dg_mail_failure_decrypt (self->config->session_secret, encrypted, &local_error);
  if (password == NULL || username == NULL || *username == '\0')
    {
      /* A rotated secret (or a damaged record): the password is gone for good. */
      g_debug ("Mail failure record cannot be used: %s",
               local_error ? local_error->message : "no username or password");
      dg_mail_failure_record_mark_decrypt_failed (record, now);
      save (self, normalized, record, result, cancellable);
      return answer_generic (result);
    }

  if (!dg_mailer_send_credentials (self->mailer, normalized, username, password, cancellable,
                                   &local_error))
    {
      g_message ("Credentials for %s could not be mailed again: %s", username,
                 local_error->message);
      dg_mail_failure_record_mark_retry_failed (record, dg_registration_now (self));
      save (self, normalized, record, result, cancellable);
      return dg_registration_fail (result, error, DG_REGISTRATION_ERROR_RESEND_FAILED,
                                   DG_REGISTRATION_MSG_RESEND_FAILED, local_error);
    }
  dg_mail_failure_record_mark_sent (record, dg_registration_now (self));
  save (self, normalized, record, result, cancellable);
  return answer_generic (result);
}
