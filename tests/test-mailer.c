/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-mailer"

#include "config.h"

#include <string.h>

#include "dg-mailer.h"
#include "dg-smtp-standin.h"
#include "dg-test-utils.h"

#define SMTP_USER "resend"
#define SMTP_PASS "re_test_api_key"

typedef struct
{
  DgSmtpStandin *smtp;
  DgMailer *mailer;
} Fixture;

static DgMailer *
mailer_for (DgSmtpStandin *smtp, const char *password, guint timeout_ms)
{
  DgMailerOptions options = {
    .host = "127.0.0.1",
    .port = dg_smtp_standin_get_port (smtp),
    .user = SMTP_USER,
    .password = password,
    .from = "DataGems <no-reply@datagems.app>",
    .connect_timeout_ms = 2000,
    .timeout_ms = timeout_ms,
    .allow_plaintext_for_tests = TRUE,
  };

  return dg_mailer_new (&options);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->smtp = dg_smtp_standin_new (SMTP_USER, SMTP_PASS);
  f->mailer = mailer_for (f->smtp, SMTP_PASS, 5000);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->mailer);
  dg_smtp_standin_free (f->smtp);
}

static void
test_config_check (void)
{
  struct
  {
    const char *host;
    int port;
    const char *user;
    const char *password;
    const char *from;
    int code;
  } cases[] = {
    { "smtp.resend.com", 465, "resend", "key", "no-reply@datagems.app", -1 },
    { "smtp.resend.com", 465, "resend", "", "no-reply@datagems.app", DG_MAILER_ERROR_NO_PASSWORD },
    { "smtp.resend.com", 465, "resend", NULL, "no-reply@datagems.app",
      DG_MAILER_ERROR_NO_PASSWORD },
    { "  ", 465, "resend", "key", "no-reply@datagems.app", DG_MAILER_ERROR_NOT_CONFIGURED },
    { "smtp.resend.com", 0, "resend", "key", "no-reply@datagems.app",
      DG_MAILER_ERROR_NOT_CONFIGURED },
    { "smtp.resend.com", 465, NULL, "key", "no-reply@datagems.app",
      DG_MAILER_ERROR_NOT_CONFIGURED },
    { "smtp.resend.com", 465, "resend", "key", "", DG_MAILER_ERROR_NOT_CONFIGURED },
    /* Both missing: the host/port/user/from message comes first, as upstream checks it first. */
    { NULL, 465, "resend", NULL, "x@y.z", DG_MAILER_ERROR_NOT_CONFIGURED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      DgMailerOptions options = { cases[i].host, cases[i].port, cases[i].user, cases[i].password,
                                  cases[i].from };
      g_autoptr (DgMailer) mailer = dg_mailer_new (&options);
      g_autoptr (GError) error = NULL;
      gboolean ok = dg_mailer_check_config (mailer, &error);

      if (cases[i].code < 0)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_true (dg_mailer_is_configured (mailer));
          continue;
        }
      g_assert_false (ok);
      g_assert_error (error, DG_MAILER_ERROR, cases[i].code);
      g_assert_true (dg_mailer_error_is_config (error));
      g_assert_cmpstr (error->message, ==,
                       cases[i].code == DG_MAILER_ERROR_NO_PASSWORD ? DG_MAILER_NO_PASSWORD_MESSAGE
                                                                    : DG_MAILER_CONFIG_MESSAGE);
    }
  g_assert_cmpstr (DG_MAILER_CONFIG_MESSAGE, ==,
                   "SMTP host, port, user, and from must be configured");
  g_assert_cmpstr (DG_MAILER_NO_PASSWORD_MESSAGE, ==, "SMTP password/API key is not configured");
}

/* upstream mailer.test.ts: 465 -> secure, anything else -> STARTTLS required. */
static void
test_security (void)
{
  DgMailerOptions options = { "smtp.example.org", 465, "u", "p", "a@b.cd" };
  g_autoptr (DgMailer) implicit = dg_mailer_new (&options);
  g_autoptr (DgMailer) starttls = NULL;
  g_autoptr (DgMailer) plain = NULL;

  g_assert_cmpint (dg_mailer_get_security (implicit), ==, DG_MAILER_SECURITY_IMPLICIT_TLS);
  options.port = 587;
  starttls = dg_mailer_new (&options);
  g_assert_cmpint (dg_mailer_get_security (starttls), ==, DG_MAILER_SECURITY_STARTTLS);
  options.allow_plaintext_for_tests = TRUE;
  plain = dg_mailer_new (&options);
  g_assert_cmpint (dg_mailer_get_security (plain), ==, DG_MAILER_SECURITY_PLAINTEXT);
}

/* Without the test-only switch, a server that offers no STARTTLS gets no login and no mail. */
static void
test_starttls_required (void)
{
  g_autoptr (DgSmtpStandin) smtp = dg_smtp_standin_new (SMTP_USER, SMTP_PASS);
  DgMailerOptions options = { "127.0.0.1",
                              dg_smtp_standin_get_port (smtp),
                              SMTP_USER,
                              SMTP_PASS,
                              "no-reply@datagems.app",
                              2000,
                              5000,
                              FALSE };
  g_autoptr (DgMailer) mailer = dg_mailer_new (&options);
  g_autoptr (GError) error = NULL;

  g_assert_false (dg_mailer_send_credentials (mailer, "alice@example.com", "alice_1a2b",
                                              "pw-secret", NULL, &error));
  g_assert_error (error, DG_MAILER_ERROR, DG_MAILER_ERROR_TLS);
  g_assert_null (strstr (error->message, SMTP_PASS));
  g_assert_cmpuint (dg_smtp_standin_connections (smtp), ==, 1);
  g_assert_cmpuint (dg_smtp_standin_n_messages (smtp), ==, 0);
}

static void
test_credentials_mail (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DgSmtpMessage) m = NULL;
  g_autofree char *text = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *date = NULL;
  g_autofree char *id = NULL;

  g_assert_true (dg_mailer_send_credentials (f->mailer, "alice@example.com", "alice_8aa2",
                                             "Zm9vYmFyYmF6cXV4", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dg_smtp_standin_n_messages (f->smtp), ==, 1);

  m = dg_smtp_standin_get_message (f->smtp, 0);
  g_assert_cmpstr (m->mail_from, ==, "no-reply@datagems.app");
  g_assert_cmpuint (g_strv_length (m->rcpt_to), ==, 1);
  g_assert_cmpstr (m->rcpt_to[0], ==, "alice@example.com");
  g_assert_cmpstr (m->auth_user, ==, SMTP_USER);

  subject = dg_smtp_message_get_header (m, "Subject");
  g_assert_cmpstr (subject, ==, "Your DataGems account credentials");
  from = dg_smtp_message_get_header (m, "From");
  g_assert_cmpstr (from, ==, "DataGems <no-reply@datagems.app>");
  to = dg_smtp_message_get_header (m, "To");
  g_assert_cmpstr (to, ==, "alice@example.com");
  date = dg_smtp_message_get_header (m, "Date");
  g_assert_true (g_str_has_suffix (date, "+0000"));
  id = dg_smtp_message_get_header (m, "Message-ID");
  g_assert_true (g_str_has_suffix (id, "@datagems.app>"));

  text = dg_smtp_message_get_text (m);
  g_assert_nonnull (strstr (text, "\nUsername: alice_8aa2\n"));
  g_assert_nonnull (strstr (text, "\nPassword: Zm9vYmFyYmF6cXV4\n"));
  g_assert_nonnull (strstr (text, "change your password"));
}

static void
test_unicode_and_dots (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DgSmtpMessage) m = NULL;
  g_autoptr (DgSmtpMessage) m2 = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text2 = NULL;
  g_autofree char *subject = NULL;
  const char *body = "Bună ziua, Ștefan!\n.\n..two\nend";
  const char *ascii = "line one\n.\n.leading dot\nlast";

  g_assert_true (dg_mailer_send (f->mailer, "stefan@example.ro", "Contul tău DataGems — detalii",
                                 body, NULL, &error));
  g_assert_no_error (error);
  m = dg_smtp_standin_get_message (f->smtp, 0);
  subject = dg_smtp_message_get_header (m, "Subject");
  g_assert_true (g_str_has_prefix (subject, "=?UTF-8?B?"));
  text = dg_smtp_message_get_text (m);
  g_assert_cmpstr (text, ==, body);

  /* libcurl dot-stuffs and the server unstuffs: lines starting with "." survive. */
  g_assert_true (dg_mailer_send (f->mailer, "a@example.com", "dots", ascii, NULL, &error));
  g_assert_no_error (error);
  m2 = dg_smtp_standin_get_message (f->smtp, 1);
  text2 = dg_smtp_message_get_text (m2);
  g_assert_cmpstr (text2, ==, "line one\n.\n.leading dot\nlast\n");
}

static void
test_invalid_input (Fixture *f, gconstpointer data)
{
  const char *bad_recipients[] = { "",        "no-at-sign", "a@",
                                   "@b.c",    "a b@c.de",   "a@b.c\r\nRCPT TO:<x@y.z>",
                                   "<a@b.c>", "a@b.c,d@e.f" };

  for (guint i = 0; i < G_N_ELEMENTS (bad_recipients); i++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_false (dg_mailer_send (f->mailer, bad_recipients[i], "s", "b", NULL, &error));
      g_assert_error (error, DG_MAILER_ERROR, DG_MAILER_ERROR_INVALID);
    }
  {
    g_autoptr (GError) error = NULL;

    g_assert_false (
        dg_mailer_send (f->mailer, "a@b.cd", "x\r\nBcc: evil@example.com", "b", NULL, &error));
    g_assert_error (error, DG_MAILER_ERROR, DG_MAILER_ERROR_INVALID);
  }
  g_assert_cmpuint (dg_smtp_standin_connections (f->smtp), ==, 0);
}

static void
test_refusals (Fixture *f, gconstpointer data)
{
  struct
  {
    DgSmtpFault fault;
    int code;
    const char *text;
  } cases[] = {
    { DG_SMTP_FAULT_REJECT_RCPT, DG_MAILER_ERROR_REJECTED, "550" },
    { DG_SMTP_FAULT_REJECT_DATA, DG_MAILER_ERROR_REJECTED, "554" },
    { DG_SMTP_FAULT_REJECT_MESSAGE, DG_MAILER_ERROR_REJECTED, "554" },
    { DG_SMTP_FAULT_AUTH_FAIL, DG_MAILER_ERROR_AUTH, SMTP_USER },
    { DG_SMTP_FAULT_CLOSE, DG_MAILER_ERROR_CONNECT, "127.0.0.1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;

      dg_smtp_standin_inject (f->smtp, cases[i].fault, 1);
      g_assert_false (dg_mailer_send_credentials (f->mailer, "bob@example.com", "bob_0001",
                                                  "s3cret-password", NULL, &error));
      g_test_message ("fault %d: %s", cases[i].fault, error ? error->message : "");
      g_assert_error (error, DG_MAILER_ERROR, cases[i].code);
      g_assert_false (dg_mailer_error_is_config (error));
      g_assert_nonnull (strstr (error->message, cases[i].text));
      g_assert_null (strstr (error->message, "s3cret-password"));
      g_assert_null (strstr (error->message, SMTP_PASS));
    }
  g_assert_cmpuint (dg_smtp_standin_n_messages (f->smtp), ==, 0);

  /* A wrong password is a login refusal too. */
  {
    g_autoptr (DgMailer) wrong = mailer_for (f->smtp, "not-the-key", 5000);
    g_autoptr (GError) error = NULL;

    g_assert_false (dg_mailer_send (wrong, "bob@example.com", "s", "b", NULL, &error));
    g_assert_error (error, DG_MAILER_ERROR, DG_MAILER_ERROR_AUTH);
  }
  /* And the next normal send goes through. */
  {
    g_autoptr (GError) error = NULL;

    g_assert_true (dg_mailer_send (f->mailer, "bob@example.com", "s", "b", NULL, &error));
    g_assert_no_error (error);
  }
}

static void
test_timeout (Fixture *f, gconstpointer data)
{
  g_autoptr (DgMailer) quick = mailer_for (f->smtp, SMTP_PASS, 400);
  g_autoptr (GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  dg_smtp_standin_inject (f->smtp, DG_SMTP_FAULT_HANG, 1);
  g_assert_false (dg_mailer_send (quick, "c@example.com", "s", "b", NULL, &error));
  g_assert_error (error, DG_MAILER_ERROR, DG_MAILER_ERROR_TIMEOUT);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
}

static void
test_unreachable (void)
{
  g_autoptr (DgSmtpStandin) smtp = dg_smtp_standin_new (NULL, NULL);
  g_autoptr (DgMailer) mailer = mailer_for (smtp, SMTP_PASS, 2000);
  g_autoptr (GError) error = NULL;

  /* Nothing listens on the port once the stand-in is gone. */
  g_clear_pointer (&smtp, dg_smtp_standin_free);
  g_assert_false (dg_mailer_send (mailer, "c@example.com", "s", "b", NULL, &error));
  g_assert_error (error, DG_MAILER_ERROR, DG_MAILER_ERROR_CONNECT);
}

static void
test_unconfigured_send (void)
{
  DgMailerOptions options = { "smtp.resend.com", 465, "resend", "", "no-reply@datagems.app" };
  g_autoptr (DgMailer) mailer = dg_mailer_new (&options);
  g_autoptr (GError) error = NULL;

  g_assert_false (dg_mailer_send_credentials (mailer, "a@b.cd", "u", "p", NULL, &error));
  g_assert_error (error, DG_MAILER_ERROR, DG_MAILER_ERROR_NO_PASSWORD);
}

static void
on_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
test_async (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;

  dg_mailer_send_credentials_async (f->mailer, "d@example.com", "d_ffff", "pw", NULL, on_sent,
                                    &result);
  DG_TEST_WAIT (result != NULL, 10000);
  g_assert_true (dg_mailer_send_credentials_finish (f->mailer, result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dg_smtp_standin_n_messages (f->smtp), ==, 1);
}

int
main (int argc, char **argv)
{
  /* GIO's GNOME proxy module would read the desktop's proxy settings: keep tests hermetic. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/core/mailer/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  g_test_add_func ("/core/mailer/config-check", test_config_check);
  g_test_add_func ("/core/mailer/security", test_security);
  g_test_add_func ("/core/mailer/starttls-required", test_starttls_required);
  g_test_add_func ("/core/mailer/unreachable", test_unreachable);
  g_test_add_func ("/core/mailer/unconfigured-send", test_unconfigured_send);
  ADD ("credentials-mail", test_credentials_mail);
  ADD ("unicode-and-dots", test_unicode_and_dots);
  ADD ("invalid-input", test_invalid_input);
  ADD ("refusals", test_refusals);
  ADD ("timeout", test_timeout);
  ADD ("async", test_async);
#undef ADD

  return g_test_run ();
}
