/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-registration"

#include "config.h"

#include <string.h>

#include "dg-store-mail.h"
#include "test-registration.h"

/*
 * Registration over real sockets: the SMTP stand-in receives the mail, SQLite (standalone)
 * or the CStore stand-in (connected) keeps accounts, index, counters and failure records.
 * Mirrors upstream's registerRoutes / registrationFailures / registrationRateLimit /
 * userIndex tests.
 */

static gint64
fixture_clock (gpointer data)
{
  Fixture *f = data;

  return f->now;
}

DgConfig *
dg_test_reg_config (Fixture *f, const Options *o, const char *secret)
{
  g_autoptr (GPtrArray) env = g_ptr_array_new_with_free_func (g_free);
  DgConfig *config;

  g_ptr_array_add (env, g_strdup_printf ("DATAGEMS_DATA_DIR=%s", f->dir->path));
  g_ptr_array_add (env, g_strdup_printf ("DATAGEN_SESSION_SECRET=%s", secret));
  if (o->connected)
    {
      g_ptr_array_add (env, g_strdup_printf ("EE_CHAINSTORE_API_URL=%s",
                                             dg_cstore_standin_get_url (f->cstore_standin)));
      g_ptr_array_add (env, g_strdup ("R1EN_CSTORE_AUTH_HKEY=" AUTH_HKEY));
      g_ptr_array_add (env, g_strdup ("R1EN_CSTORE_AUTH_SECRET=" AUTH_PEPPER));
      g_ptr_array_add (env, g_strdup ("R1EN_CSTORE_AUTH_BOOTSTRAP_ADMIN_PWD=boot-password"));
      g_ptr_array_add (env, g_strdup ("R1EN_CHAINSTORE_PEERS=peer-a"));
      g_ptr_array_add (env, g_strdup ("R1EN_HOST_ADDR=peer-a"));
    }
  for (guint i = 0; o->extra_env != NULL && o->extra_env[i] != NULL; i++)
    g_ptr_array_add (env, g_strdup (o->extra_env[i]));
  g_ptr_array_add (env, NULL);
  config = dg_test_config_newv ((const char *const *) env->pdata);
  g_assert_cmpint (config->connected, ==, o->connected);
  return config;
}

DgMailer *
dg_test_reg_mailer (Fixture *f, const char *password, guint timeout_ms)
{
  DgMailerOptions options = {
    .host = "127.0.0.1",
    .port = dg_smtp_standin_get_port (f->smtp),
    .user = SMTP_USER,
    .password = password,
    .from = "DataGems <no-reply@datagems.app>",
    .connect_timeout_ms = 2000,
    .timeout_ms = timeout_ms,
    .allow_plaintext_for_tests = TRUE,
  };

  return dg_mailer_new (&options);
}

DgRegistration *
dg_test_reg_registration (Fixture *f, DgConfig *config, DgMailer *mailer)
{
  DgRegistration *reg =
      dg_registration_new (config, f->store, f->accounts, mailer, f->limiter, f->cstore);

  dg_registration_set_clock (reg, fixture_clock, f);
  return reg;
}

void
dg_test_reg_setup (Fixture *f, gconstpointer data)
{
  const Options *o = data;

  f->dir = dg_test_dir_new ();
  f->smtp = dg_smtp_standin_new (SMTP_USER, SMTP_PASS);
  if (o->connected)
    f->cstore_standin = dg_cstore_standin_new ();
  f->config = dg_test_reg_config (f, o, SECRET);
  f->store = dg_test_store_new (f->dir);
  if (o->connected)
    {
      f->cstore = dg_cstore_new (f->config->cstore_url, NULL);
      dg_cstore_set_timeouts (f->cstore, 2000, 10000);
    }
  f->accounts = dg_accounts_new (f->config, f->store, f->cstore);
  f->limiter = dg_rate_limiter_new (f->config, f->store, f->cstore);
  f->mailer = dg_test_reg_mailer (f, o->mail_unconfigured ? "" : SMTP_PASS, 5000);
  f->now = dg_test_registration_epoch_ms ();
  f->reg = dg_test_reg_registration (f, f->config, f->mailer);
}

void
dg_test_reg_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->reg);
  g_clear_object (&f->mailer);
  g_clear_object (&f->limiter);
  g_clear_object (&f->accounts);
  g_clear_object (&f->cstore);
  g_clear_object (&f->store);
  g_clear_pointer (&f->config, dg_config_unref);
  g_clear_pointer (&f->cstore_standin, dg_cstore_standin_free);
  g_clear_pointer (&f->smtp, dg_smtp_standin_free);
  dg_test_dir_free (f->dir);
}

gboolean
dg_test_reg_register (Fixture *f, const char *name, const char *email, const char *country,
                      const char *ip, DgRegistrationResult *result, GError **error)
{
  DgRegistrationRequest request = { name, email, country, ip };

  return dg_registration_register (f->reg, &request, result, NULL, error);
}

/* The failure record of @email as stored (SQLite or CStore), parsed. */
JsonObject *
dg_test_reg_stored_failure (Fixture *f, const char *email)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;

  if (f->cstore_standin != NULL)
    text = dg_cstore_standin_hget_string (f->cstore_standin, DG_MAIL_FAILURES_HKEY, email);
  else
    {
      text = dg_store_mail_failures_get (f->store, email, &error);
      g_assert_no_error (error);
    }
  return text != NULL ? dg_mail_failure_record_parse (text) : NULL;
}

/* Username and password from the text of mail @index. */
void
dg_test_reg_mailed_credentials (Fixture *f, guint index, char **username, char **password)
{
  g_autoptr (DgSmtpMessage) m = dg_smtp_standin_get_message (f->smtp, index);
  g_autofree char *text = NULL;
  g_autoptr (GMatchInfo) match = NULL;
  g_autoptr (GRegex) regex = g_regex_new ("Username: (\\S+)\\nPassword: (\\S+)\\n", 0, 0, NULL);

  g_assert_nonnull (m);
  text = dg_smtp_message_get_text (m);
  g_assert_true (g_regex_match (regex, text, 0, &match));
  *username = g_match_info_fetch (match, 1);
  *password = g_match_info_fetch (match, 2);
}

void
dg_test_reg_assert_can_sign_in (Fixture *f, const char *username, const char *password)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DgAccount) account =
      dg_accounts_authenticate (f->accounts, username, password, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (account->username, ==, username);
  g_assert_cmpstr (account->role, ==, "user");
}

/* upstream registerRoutes: success -> 200 with username and one email. */
static void
test_register_success (Fixture *f, gconstpointer data)
{
  DgRegistrationResult r = { 0 };
  g_autoptr (GError) error = NULL;
  g_autofree char *username = NULL;
  g_autofree char *password = NULL;
  g_autoptr (DgAccount) account = NULL;
  g_autoptr (DgSmtpMessage) m = NULL;

  g_assert_true (dg_test_reg_register (f, "  Ana Pop ", "Ana.Pop@Example.COM", "Romania ",
                                       "10.0.0.1", &r, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (r.http_status, ==, 200);
  g_assert_cmpstr (r.message, ==, "Account created. Credentials sent by email.");
  g_assert_true (g_regex_match_simple ("^ana_pop_[0-9a-f]{4}$", r.username, 0, 0));
  g_assert_false (r.can_resend);

  g_assert_cmpuint (dg_smtp_standin_n_messages (f->smtp), ==, 1);
  m = dg_smtp_standin_get_message (f->smtp, 0);
  g_assert_cmpstr (m->rcpt_to[0], ==, "ana.pop@example.com");
  dg_test_reg_mailed_credentials (f, 0, &username, &password);
  g_assert_cmpstr (username, ==, r.username);
  g_assert_cmpuint (strlen (password), ==, 16);
  dg_test_reg_assert_can_sign_in (f, username, password);

  /* metadata {name, email, country} with name/country untrimmed, email normalised */
  account = dg_accounts_get (f->accounts, username, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (account->metadata, "name"), ==, "  Ana Pop ");
  g_assert_cmpstr (json_object_get_string_member (account->metadata, "email"), ==,
                   "ana.pop@example.com");
  g_assert_cmpstr (json_object_get_string_member (account->metadata, "country"), ==, "Romania ");

  if (f->cstore_standin != NULL)
    {
      g_autofree char *index = dg_cstore_standin_hget_string (
          f->cstore_standin, DG_REGISTRATION_EMAIL_INDEX_HKEY, "ana.pop@example.com");
      g_autofree char *entry =
          dg_cstore_standin_hget_string (f->cstore_standin, DG_REGISTRATION_USERS_HKEY, username);
      g_autofree char *expected = g_strdup_printf (
          "{\"username\":\"%s\",\"name\":\"Ana Pop\",\"email\":\"ana.pop@example.com\","
          "\"country\":\"Romania\",\"createdAt\":\"%s\"}",
          username, account->created_at);
      g_autofree char *record =
          dg_cstore_standin_hget_string (f->cstore_standin, AUTH_HKEY, username);

      g_assert_cmpstr (index, ==, username);
      g_assert_cmpstr (entry, ==, expected);
      g_assert_true (g_str_has_prefix (record, "{\"type\":\"simple\""));
    }
  dg_registration_result_clear (&r);
}

/* userIndex: the email is found again whatever its case. */
static void
test_register_email_exists (Fixture *f, gconstpointer data)
{
  DgRegistrationResult r = { 0 };
  g_autoptr (GError) error = NULL;

  g_assert_true (dg_test_reg_register (f, "Bob", "bob@example.com", "RO", "10.0.0.2", &r, &error));
  dg_registration_result_clear (&r);
  g_assert_false (
      dg_test_reg_register (f, "Bob 2", "BOB@Example.com", "RO", "10.0.0.3", &r, &error));
  g_assert_error (error, DG_REGISTRATION_ERROR, DG_REGISTRATION_ERROR_EMAIL_EXISTS);
  g_assert_cmpuint (r.http_status, ==, 409);
  g_assert_cmpstr (r.message, ==, "Email already registered");
  g_assert_cmpuint (dg_smtp_standin_n_messages (f->smtp), ==, 1);
  dg_registration_result_clear (&r);
}

/* upstream: mailer unconfigured -> 503, no user created, no email. */
static void
test_register_mail_unconfigured (Fixture *f, gconstpointer data)
{
  DgRegistrationResult r = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (DgAccount) found = NULL;

  g_assert_false (
      dg_test_reg_register (f, "Carl", "carl@example.com", "RO", "10.0.0.4", &r, &error));
  g_assert_error (error, DG_REGISTRATION_ERROR, DG_REGISTRATION_ERROR_MAIL_NOT_CONFIGURED);
  g_assert_cmpuint (r.http_status, ==, 503);
  g_assert_cmpstr (r.message, ==, "Email delivery is not configured. Please try again later.");
  g_assert_cmpuint (dg_smtp_standin_connections (f->smtp), ==, 0);
  g_clear_error (&error);
  found = dg_accounts_find_by_email (f->accounts, "carl@example.com", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (found);
  dg_registration_result_clear (&r);

  /* resend answers the same 503 */
  g_assert_false (
      dg_registration_resend (f->reg, "carl@example.com", "10.0.0.4", &r, NULL, &error));
  g_assert_error (error, DG_REGISTRATION_ERROR, DG_REGISTRATION_ERROR_MAIL_NOT_CONFIGURED);
  g_assert_cmpuint (r.http_status, ==, 503);
  dg_registration_result_clear (&r);
}

/* The stored record decrypts to a password that signs in; the clear password is nowhere. */
static void
assert_failure_record (Fixture *f, const char *email, const char *username)
{
  g_autoptr (JsonObject) record = dg_test_reg_stored_failure (f, email);
  g_autofree char *text = NULL;
  g_autofree char *password = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (record);
  text = dg_mail_failure_record_to_string (record);
  g_assert_cmpstr (dg_mail_failure_record_get_string (record, "email"), ==, email);
  g_assert_cmpstr (dg_mail_failure_record_get_string (record, "username"), ==, username);
  g_assert_cmpint (dg_mail_failure_record_get_attempts (record), ==, 1);
  g_assert_cmpstr (dg_mail_failure_record_get_string (record, "status"), ==, "pending");
  g_assert_cmpstr (dg_mail_failure_record_get_string (record, "lastErrorCode"), ==,
                   "delivery_failed");
  g_assert_cmpstr (dg_mail_failure_record_get_string (record, "failedAt"), ==,
                   "2026-02-17T10:11:12.345Z");
  password = dg_mail_failure_decrypt (
      SECRET, dg_mail_failure_record_get_string (record, "passwordEncrypted"), &error);
  g_assert_no_error (error);
  g_assert_null (strstr (text, password));
  dg_test_reg_assert_can_sign_in (f, username, password);
}

/* upstream: email failure -> 502 with canResend and a failure record. */
static void
test_register_mail_refused (Fixture *f, gconstpointer data)
{
  DgRegistrationResult r = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) body = NULL;
  g_autofree char *text = NULL;

  dg_smtp_standin_inject (f->smtp, DG_SMTP_FAULT_REJECT_RCPT, 1);
  g_assert_false (
      dg_test_reg_register (f, "Dana", "dana@example.com", "RO", "10.0.0.5", &r, &error));
  g_assert_error (error, DG_REGISTRATION_ERROR, DG_REGISTRATION_ERROR_MAIL_FAILED);
  g_assert_cmpuint (r.http_status, ==, 502);
  g_assert_true (r.can_resend);
  g_assert_nonnull (strstr (r.detail, "550"));
  body = dg_registration_result_to_json (&r);
  text = json_to_string (body, FALSE);
  g_assert_cmpstr (text, ==,
                   "{\"error\":\"Account created, but email delivery failed. Use the resend "
                   "endpoint to retry.\",\"canResend\":true}");
  assert_failure_record (f, "dana@example.com", r.username);
  dg_registration_result_clear (&r);
}

static void
test_register_mail_timeout (Fixture *f, gconstpointer data)
{
  DgRegistrationResult r = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (DgMailer) quick = dg_test_reg_mailer (f, SMTP_PASS, 500);
  g_autoptr (DgRegistration) reg = dg_test_reg_registration (f, f->config, quick);
  DgRegistrationRequest request = { "Emil", "emil@example.com", "RO", "10.0.0.6" };

  dg_smtp_standin_inject (f->smtp, DG_SMTP_FAULT_HANG, 1);
  g_assert_false (dg_registration_register (reg, &request, &r, NULL, &error));
  g_assert_error (error, DG_REGISTRATION_ERROR, DG_REGISTRATION_ERROR_MAIL_FAILED);
  g_assert_cmpuint (r.http_status, ==, 502);
  g_assert_true (r.can_resend);
  assert_failure_record (f, "emil@example.com", r.username);
  dg_registration_result_clear (&r);
}

static void
test_register_invalid (Fixture *f, gconstpointer data)
{
  g_autofree char *long_name = g_strnfill (121, 'n');
  g_autofree char *max_name = g_strnfill (120, 'n');
  struct
  {
    const char *name, *email, *country;
  } cases[] = {
    { "", "a@b.cd", "RO" },        { NULL, "a@b.cd", "RO" },  { "N", "a@b.cd", "" },
    { "N", "a@b", "RO" },          { "N", " a@b.cd", "RO" },  { "N", NULL, "RO" },
    { long_name, "a@b.cd", "RO" }, { "N", "a@b.cd", "\xff" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      DgRegistrationResult r = { 0 };
      g_autoptr (GError) error = NULL;

      g_assert_false (dg_test_reg_register (f, cases[i].name, cases[i].email, cases[i].country,
                                            "1.1.1.1", &r, &error));
      g_assert_error (error, DG_REGISTRATION_ERROR, DG_REGISTRATION_ERROR_INVALID_PAYLOAD);
      g_assert_cmpuint (r.http_status, ==, 400);
      g_assert_cmpstr (r.message, ==, "Invalid payload");
      dg_registration_result_clear (&r);
    }
  /* 120 UTF-16 units is fine; emoji count twice. */
  {
    DgRegistrationResult r = { 0 };
    g_autoptr (GError) error = NULL;
    GString *emoji = g_string_new (NULL);

    for (int i = 0; i < 61; i++)
      g_string_append (emoji, "😀");
    g_assert_false (dg_test_reg_register (f, emoji->str, "a@b.cd", "RO", "1.1.1.1", &r, &error));
    g_assert_error (error, DG_REGISTRATION_ERROR, DG_REGISTRATION_ERROR_INVALID_PAYLOAD);
    g_string_free (emoji, TRUE);
    dg_registration_result_clear (&r);
    g_clear_error (&error);
    g_assert_true (dg_test_reg_register (f, max_name, "max@b.cd", "RO", "1.1.1.1", &r, &error));
    g_assert_no_error (error);
    dg_registration_result_clear (&r);
  }
  g_assert_cmpuint (dg_smtp_standin_n_messages (f->smtp), ==, 1);
}

static void
test_register_disabled (Fixture *f, gconstpointer data)
{
  DgRegistrationResult r = { 0 };
  g_autoptr (GError) error = NULL;

  g_assert_true (dg_registration_is_enabled (f->reg, &error));
  g_assert_true (dg_registration_set_enabled (f->reg, FALSE, &error));
  g_assert_no_error (error);
  g_assert_false (dg_registration_is_enabled (f->reg, &error));
  g_assert_no_error (error);

  g_assert_false (dg_test_reg_register (f, "F", "f@example.com", "RO", "1.1.1.1", &r, &error));
  g_assert_error (error, DG_REGISTRATION_ERROR, DG_REGISTRATION_ERROR_DISABLED);
  g_assert_cmpuint (r.http_status, ==, 403);
  g_clear_error (&error);
  dg_registration_result_clear (&r);
  g_assert_false (dg_registration_resend (f->reg, "f@example.com", "1.1.1.1", &r, NULL, &error));
  g_assert_error (error, DG_REGISTRATION_ERROR, DG_REGISTRATION_ERROR_DISABLED);
  g_clear_error (&error);
  dg_registration_result_clear (&r);

  g_assert_true (dg_registration_set_enabled (f->reg, TRUE, &error));
  g_assert_true (dg_registration_is_enabled (f->reg, &error));

  /* DATAGEMS_ALLOW_REGISTRATION=false wins over the setting. */
  {
    const char *env[] = { "DATAGEMS_ALLOW_REGISTRATION=false", NULL };
    Options o = { FALSE, FALSE, env };
    g_autoptr (DgConfig) config = dg_test_reg_config (f, &o, SECRET);
    g_autoptr (DgRegistration) reg = dg_test_reg_registration (f, config, f->mailer);

    g_assert_false (dg_registration_is_enabled (reg, &error));
    g_assert_no_error (error);
  }
  g_assert_cmpuint (dg_smtp_standin_connections (f->smtp), ==, 0);
}

/* Connected: the counters are the upstream CStore plain keys. */
static void
test_rate_limit_keys_connected (Fixture *f, gconstpointer data)
{
  DgRegistrationResult r = { 0 };
  g_autoptr (GError) error = NULL;
  gint64 bucket = f->now / 1000 / 900;
  g_autofree char *ip_key =
      g_strdup_printf ("datagen:rate:register:ip:203.0.113.9:%" G_GINT64_FORMAT, bucket);
  g_autofree char *email_key =
      g_strdup_printf ("datagen:rate:register:email:n%%40example.com:%" G_GINT64_FORMAT, bucket);
  g_autofree char *ip_count = NULL;
  g_autofree char *email_count = NULL;

  g_assert_false (dg_test_reg_register (f, "N", "n@example.com", "RO", "203.0.113.9", &r, &error));
  g_assert_error (error, DG_REGISTRATION_ERROR, DG_REGISTRATION_ERROR_MAIL_NOT_CONFIGURED);
  dg_registration_result_clear (&r);
  ip_count = dg_cstore_standin_get_string (f->cstore_standin, ip_key);
  email_count = dg_cstore_standin_get_string (f->cstore_standin, email_key);
  g_assert_cmpstr (ip_count, ==, "1");
  g_assert_cmpstr (email_count, ==, "1");
}

/* Connected: an outage of CStore is a 503, never an empty 500. */
static void
test_connected_unavailable (Fixture *f, gconstpointer data)
{
  DgRegistrationResult r = { 0 };
  g_autoptr (GError) error = NULL;

  dg_cstore_standin_inject (f->cstore_standin, NULL, DG_CSTORE_FAULT_500, 100, 0);
  g_assert_false (dg_test_reg_register (f, "O", "o@example.com", "RO", "1.1.1.1", &r, &error));
  g_assert_error (error, DG_REGISTRATION_ERROR, DG_REGISTRATION_ERROR_UNAVAILABLE);
  g_assert_cmpuint (r.http_status, ==, 503);
  g_assert_nonnull (r.detail);
  dg_registration_result_clear (&r);
}

static void
on_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (res);
}

static void
test_async (Fixture *f, gconstpointer data)
{
  DgRegistrationRequest request = { "Pia", "pia@example.com", "RO", "1.1.1.1" };
  DgRegistrationResult r = { 0 };
  g_autoptr (GError) error = NULL;
  GAsyncResult *res = NULL;

  dg_registration_register_async (f->reg, &request, NULL, on_done, &res);
  DG_TEST_WAIT (res != NULL, 30000);
  g_assert_true (dg_registration_finish (f->reg, res, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (r.http_status, ==, 200);
  g_clear_object (&res);
  dg_registration_result_clear (&r);

  dg_registration_resend_async (f->reg, "pia@example.com", "1.1.1.1", NULL, on_done, &res);
  DG_TEST_WAIT (res != NULL, 30000);
  g_assert_true (dg_registration_finish (f->reg, res, &r, &error));
  g_assert_cmpuint (r.http_status, ==, 200);
  g_clear_object (&res);
  dg_registration_result_clear (&r);

  dg_registration_set_enabled_async (f->reg, FALSE, NULL, on_done, &res);
  DG_TEST_WAIT (res != NULL, 30000);
  g_assert_true (dg_registration_set_enabled_finish (f->reg, res, &error));
  g_clear_object (&res);
  dg_registration_is_enabled_async (f->reg, NULL, on_done, &res);
  DG_TEST_WAIT (res != NULL, 30000);
  g_assert_false (dg_registration_is_enabled_finish (f->reg, res, &error));
  g_assert_no_error (error);
  g_clear_object (&res);

  dg_registration_register_async (f->reg, &request, NULL, on_done, &res);
  DG_TEST_WAIT (res != NULL, 30000);
  g_assert_false (dg_registration_finish (f->reg, res, &r, &error));
  g_assert_error (error, DG_REGISTRATION_ERROR, DG_REGISTRATION_ERROR_DISABLED);
  g_assert_cmpuint (r.http_status, ==, 403);
  g_clear_object (&res);
  dg_registration_result_clear (&r);
}

void
dg_test_registration_add_flow_tests (void)
{
  static const Options standalone = { FALSE, FALSE, NULL };
  static const Options unconfigured = { FALSE, TRUE, NULL };
  static const Options connected = { TRUE, FALSE, NULL };
  static const Options connected_unconfigured = { TRUE, TRUE, NULL };
  static const char *const mock_env[] = { "DATAGEN_MOCK_CSTORE=true", NULL };
  static const Options mock = { FALSE, FALSE, mock_env };

#define ADD(path, opts, func)                                                      \
  g_test_add ("/core/registration/" path, Fixture, &opts, dg_test_reg_setup, func, \
              dg_test_reg_teardown)
  ADD ("register/success", standalone, test_register_success);
  ADD ("register/email-exists", standalone, test_register_email_exists);
  ADD ("register/mail-unconfigured", unconfigured, test_register_mail_unconfigured);
  ADD ("register/mail-refused", standalone, test_register_mail_refused);
  ADD ("register/mail-timeout", standalone, test_register_mail_timeout);
  ADD ("register/invalid", standalone, test_register_invalid);
  ADD ("register/disabled", standalone, test_register_disabled);
  ADD ("connected/success", connected, test_register_success);
  ADD ("connected/email-exists", connected, test_register_email_exists);
  ADD ("connected/mail-refused", connected, test_register_mail_refused);
  ADD ("connected/rate-limit-keys", connected_unconfigured, test_rate_limit_keys_connected);
  ADD ("connected/unavailable", connected, test_connected_unavailable);
  ADD ("mock/success", mock, test_register_success);
  ADD ("mock/mail-refused", mock, test_register_mail_refused);
  ADD ("async", standalone, test_async);
#undef ADD
}

int
main (int argc, char **argv)
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, NULL);

  dg_test_registration_add_record_tests ();
  dg_test_registration_add_flow_tests ();
  dg_test_registration_add_resend_tests ();
  return g_test_run ();
}
