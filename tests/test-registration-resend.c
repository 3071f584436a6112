/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-registration"

#include "config.h"

#include <string.h>

#include "test-registration.h"

/* Resend (upstream 1.6, 10.4) and rate limiting (10.5) over real sockets. */

/* upstream: resend with no record -> 200 generic message, no email. */
static void
test_resend_no_record (Fixture *f, gconstpointer data)
{
  DgRegistrationResult r = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) body = NULL;
  g_autofree char *text = NULL;

  g_assert_true (
      dg_registration_resend (f->reg, "nobody@example.com", "1.1.1.1", &r, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (r.http_status, ==, 200);
  body = dg_registration_result_to_json (&r);
  text = json_to_string (body, FALSE);
  g_assert_cmpstr (text, ==,
                   "{\"message\":\"If credentials are eligible for resend, they were sent.\"}");
  g_assert_cmpuint (dg_smtp_standin_connections (f->smtp), ==, 0);
  dg_registration_result_clear (&r);

  g_assert_false (dg_registration_resend (f->reg, "not-an-email", "1.1.1.1", &r, NULL, &error));
  g_assert_error (error, DG_REGISTRATION_ERROR, DG_REGISTRATION_ERROR_INVALID_PAYLOAD);
  dg_registration_result_clear (&r);
}

/* Registers with a refused mail; returns the username. */
static char *
register_with_failed_mail (Fixture *f, const char *email)
{
  DgRegistrationResult r = { 0 };
  g_autoptr (GError) error = NULL;
  char *username;

  dg_smtp_standin_inject (f->smtp, DG_SMTP_FAULT_REJECT_DATA, 1);
  g_assert_false (dg_test_reg_register (f, "Gina", email, "RO", "10.1.1.1", &r, &error));
  g_assert_error (error, DG_REGISTRATION_ERROR, DG_REGISTRATION_ERROR_MAIL_FAILED);
  username = g_steal_pointer (&r.username);
  dg_registration_result_clear (&r);
  return username;
}

/* upstream: resend with record -> 200, email sent, marked sent; then nothing more. */
static void
test_resend_success (Fixture *f, gconstpointer data)
{
  g_autofree char *username = register_with_failed_mail (f, "gina@example.com");
  DgRegistrationResult r = { 0 };
  g_autoptr (GError) error = NULL;
  g_autofree char *mailed_user = NULL;
  g_autofree char *mailed_pass = NULL;
  g_autoptr (JsonObject) record = NULL;

  f->now += 60 * 1000;
  /* A padded email is not valid for zod: 400, as upstream. */
  g_assert_false (
      dg_registration_resend (f->reg, " Gina@Example.com ", "10.1.1.2", &r, NULL, &error));
  g_assert_error (error, DG_REGISTRATION_ERROR, DG_REGISTRATION_ERROR_INVALID_PAYLOAD);
  g_clear_error (&error);
  dg_registration_result_clear (&r);

  g_assert_true (dg_registration_resend (f->reg, "Gina@Example.com", "10.1.1.2", &r, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (r.http_status, ==, 200);
  g_assert_cmpstr (r.message, ==, DG_REGISTRATION_MSG_RESEND_GENERIC);
  dg_registration_result_clear (&r);

  g_assert_cmpuint (dg_smtp_standin_n_messages (f->smtp), ==, 1);
  dg_test_reg_mailed_credentials (f, 0, &mailed_user, &mailed_pass);
  g_assert_cmpstr (mailed_user, ==, username);
  dg_test_reg_assert_can_sign_in (f, mailed_user, mailed_pass);

  record = dg_test_reg_stored_failure (f, "gina@example.com");
  g_assert_cmpstr (dg_mail_failure_record_get_string (record, "status"), ==, "sent");
  g_assert_cmpstr (dg_mail_failure_record_get_string (record, "lastErrorCode"), ==, "sent");
  g_assert_null (dg_mail_failure_record_get_string (record, "passwordEncrypted"));
  g_assert_cmpstr (dg_mail_failure_record_get_string (record, "updatedAt"), ==,
                   "2026-02-17T10:12:12.345Z");

  /* registrationFailures: after mark-sent the lookup finds nothing to resend. */
  g_assert_true (dg_registration_resend (f->reg, "gina@example.com", "10.1.1.3", &r, NULL, &error));
  g_assert_cmpuint (r.http_status, ==, 200);
  g_assert_cmpuint (dg_smtp_standin_n_messages (f->smtp), ==, 1);
  dg_registration_result_clear (&r);
}

/* upstream: resend provider failure -> 502 and the record marked for retry. */
static void
test_resend_failure (Fixture *f, gconstpointer data)
{
  g_autofree char *username = register_with_failed_mail (f, "hans@example.com");
  DgRegistrationResult r = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) record = NULL;

  f->now += 1000;
  dg_smtp_standin_inject (f->smtp, DG_SMTP_FAULT_REJECT_MESSAGE, 1);
  g_assert_false (
      dg_registration_resend (f->reg, "hans@example.com", "10.1.1.2", &r, NULL, &error));
  g_assert_error (error, DG_REGISTRATION_ERROR, DG_REGISTRATION_ERROR_RESEND_FAILED);
  g_assert_cmpuint (r.http_status, ==, 502);
  g_assert_cmpstr (r.message, ==,
                   "Unable to resend credentials right now. Please try again later.");
  g_assert_false (r.can_resend);
  dg_registration_result_clear (&r);

  record = dg_test_reg_stored_failure (f, "hans@example.com");
  g_assert_cmpint (dg_mail_failure_record_get_attempts (record), ==, 2);
  g_assert_cmpstr (dg_mail_failure_record_get_string (record, "status"), ==, "pending");
  g_assert_cmpstr (dg_mail_failure_record_get_string (record, "lastErrorCode"), ==,
                   "delivery_failed");
  g_assert_cmpstr (dg_mail_failure_record_get_string (record, "failedAt"), ==,
                   "2026-02-17T10:11:12.345Z");
  g_assert_cmpstr (dg_mail_failure_record_get_string (record, "updatedAt"), ==,
                   "2026-02-17T10:11:13.345Z");
  g_assert_nonnull (dg_mail_failure_record_get_string (record, "passwordEncrypted"));
  g_assert_cmpuint (dg_smtp_standin_n_messages (f->smtp), ==, 0);
}

static void
test_resend_expired (Fixture *f, gconstpointer data)
{
  g_autofree char *username = register_with_failed_mail (f, "ioana@example.com");
  DgRegistrationResult r = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) record = NULL;

  f->now += (gint64) f->config->register_failure_ttl_seconds * 1000 + 1;
  g_assert_true (
      dg_registration_resend (f->reg, "ioana@example.com", "10.1.1.2", &r, NULL, &error));
  g_assert_cmpuint (r.http_status, ==, 200);
  g_assert_cmpuint (dg_smtp_standin_n_messages (f->smtp), ==, 0);
  dg_registration_result_clear (&r);

  record = dg_test_reg_stored_failure (f, "ioana@example.com");
  g_assert_cmpstr (dg_mail_failure_record_get_string (record, "status"), ==, "expired");
  g_assert_null (dg_mail_failure_record_get_string (record, "passwordEncrypted"));
}

static void
test_resend_secret_rotated (Fixture *f, gconstpointer data)
{
  g_autofree char *username = register_with_failed_mail (f, "jan@example.com");
  const Options *o = data;
  g_autoptr (DgConfig) rotated = dg_test_reg_config (f, o, "a-brand-new-secret");
  g_autoptr (DgRegistration) reg = dg_test_reg_registration (f, rotated, f->mailer);
  DgRegistrationResult r = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) record = NULL;

  g_assert_true (dg_registration_resend (reg, "jan@example.com", "10.1.1.2", &r, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (r.http_status, ==, 200);
  g_assert_cmpuint (dg_smtp_standin_n_messages (f->smtp), ==, 0);
  dg_registration_result_clear (&r);

  record = dg_test_reg_stored_failure (f, "jan@example.com");
  g_assert_cmpstr (dg_mail_failure_record_get_string (record, "status"), ==, "expired");
  g_assert_cmpstr (dg_mail_failure_record_get_string (record, "lastErrorCode"), ==,
                   "decrypt_failed");
}

/* Start a window 30 s before its end, so Retry-After is 30 as in upstream's test. */
static void
pin_30s_before_window_end (Fixture *f, gint64 window_s)
{
  gint64 now_s = f->now / 1000;

  f->now = ((now_s / window_s + 1) * window_s - 30) * 1000;
}

/* registrationRateLimit: with max 2 per IP, the third register from that IP is denied. */
static void
test_rate_limit_register (Fixture *f, gconstpointer data)
{
  const char *emails[] = { "k1@example.com", "k2@example.com", "k3@example.com" };

  pin_30s_before_window_end (f, 900);
  for (guint i = 0; i < 3; i++)
    {
      DgRegistrationResult r = { 0 };
      g_autoptr (GError) error = NULL;

      g_assert_false (dg_test_reg_register (f, "K", emails[i], "RO", "203.0.113.9", &r, &error));
      if (i < 2)
        /* allowed, then stopped by the unconfigured mailer (the counter is still consumed) */
        g_assert_error (error, DG_REGISTRATION_ERROR, DG_REGISTRATION_ERROR_MAIL_NOT_CONFIGURED);
      else
        {
          g_assert_error (error, DG_REGISTRATION_ERROR, DG_REGISTRATION_ERROR_RATE_LIMITED);
          g_assert_cmpuint (r.http_status, ==, 429);
          g_assert_cmpint (r.retry_after_seconds, ==, 30);
          g_assert_cmpstr (r.message, ==,
                           "Too many registration attempts. Please try again later.");
        }
      dg_registration_result_clear (&r);
    }
  /* Another address is not affected; the next window starts afresh. */
  {
    DgRegistrationResult r = { 0 };
    g_autoptr (GError) error = NULL;

    g_assert_false (
        dg_test_reg_register (f, "K", "k4@example.com", "RO", "203.0.113.10", &r, &error));
    g_assert_error (error, DG_REGISTRATION_ERROR, DG_REGISTRATION_ERROR_MAIL_NOT_CONFIGURED);
    dg_registration_result_clear (&r);
    g_clear_error (&error);
    f->now += 31 * 1000;
    g_assert_false (
        dg_test_reg_register (f, "K", "k5@example.com", "RO", "203.0.113.9", &r, &error));
    g_assert_error (error, DG_REGISTRATION_ERROR, DG_REGISTRATION_ERROR_MAIL_NOT_CONFIGURED);
    dg_registration_result_clear (&r);
  }
}

/* Per email: 3 per window by default, whatever the address. */
static void
test_rate_limit_register_email (Fixture *f, gconstpointer data)
{
  for (guint i = 0; i < 4; i++)
    {
      DgRegistrationResult r = { 0 };
      g_autoptr (GError) error = NULL;
      g_autofree char *ip = g_strdup_printf ("198.51.100.%u", i + 1);
      int expected =
          i < 3 ? DG_REGISTRATION_ERROR_MAIL_NOT_CONFIGURED : DG_REGISTRATION_ERROR_RATE_LIMITED;

      g_assert_false (dg_test_reg_register (f, "L", "L@Example.com", "RO", ip, &r, &error));
      g_assert_error (error, DG_REGISTRATION_ERROR, expected);
      dg_registration_result_clear (&r);
    }
}

/* registrationRateLimit: resend with max 1 per email is denied on the second try from another IP. */
static void
test_rate_limit_resend (Fixture *f, gconstpointer data)
{
  DgRegistrationResult r = { 0 };
  g_autoptr (GError) error = NULL;

  g_assert_true (dg_registration_resend (f->reg, "m@example.com", "192.0.2.1", &r, NULL, &error));
  g_assert_no_error (error);
  dg_registration_result_clear (&r);
  g_assert_false (dg_registration_resend (f->reg, "m@example.com", "192.0.2.2", &r, NULL, &error));
  g_assert_error (error, DG_REGISTRATION_ERROR, DG_REGISTRATION_ERROR_RATE_LIMITED);
  g_assert_cmpuint (r.http_status, ==, 429);
  g_assert_cmpstr (r.message, ==, "Too many resend attempts. Please try again later.");
  g_assert_cmpint (r.retry_after_seconds, >=, 1);
  dg_registration_result_clear (&r);
}

void
dg_test_registration_add_resend_tests (void)
{
  static const Options standalone = { FALSE, FALSE, NULL };
  static const Options unconfigured = { FALSE, TRUE, NULL };
  static const char *const ip2_env[] = { "DATAGEN_REGISTER_MAX_PER_IP=2", NULL };
  static const Options ip2 = { FALSE, TRUE, ip2_env };
  static const char *const resend1_env[] = { "DATAGEN_REGISTER_RESEND_MAX_PER_EMAIL=1", NULL };
  static const Options resend1 = { FALSE, FALSE, resend1_env };
  static const Options connected = { TRUE, FALSE, NULL };

#define ADD(path, opts, func)                                                      \
  g_test_add ("/core/registration/" path, Fixture, &opts, dg_test_reg_setup, func, \
              dg_test_reg_teardown)
  ADD ("resend/no-record", standalone, test_resend_no_record);
  ADD ("resend/success", standalone, test_resend_success);
  ADD ("resend/failure", standalone, test_resend_failure);
  ADD ("resend/expired", standalone, test_resend_expired);
  ADD ("resend/secret-rotated", standalone, test_resend_secret_rotated);
  ADD ("rate-limit/register-ip", ip2, test_rate_limit_register);
  ADD ("rate-limit/register-email", unconfigured, test_rate_limit_register_email);
  ADD ("rate-limit/resend-email", resend1, test_rate_limit_resend);
  ADD ("connected/resend-success", connected, test_resend_success);
#undef ADD
}
