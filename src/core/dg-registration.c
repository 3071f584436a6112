/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-registration"

#include "config.h"

#include <string.h>

#include "dg-crypto.h"
#include "dg-password.h"
#include "dg-registration-private.h"
#include "dg-store-mail.h"
#include "dg-util.h"

#define MAX_CREATE_ATTEMPTS 3
#define USERNAME_MAX 64
#define SUFFIX_LENGTH 5 /* "_" + 4 hex */

G_DEFINE_QUARK (dg_registration_error_quark, dg_registration_error)

G_DEFINE_FINAL_TYPE (DgRegistration, dg_registration, G_TYPE_OBJECT)

static void
dg_registration_finalize (GObject *object)
{
  DgRegistration *self = DG_REGISTRATION (object);

  g_clear_pointer (&self->config, dg_config_unref);
  g_clear_object (&self->store);
  g_clear_object (&self->accounts);
  g_clear_object (&self->mailer);
  g_clear_object (&self->limiter);
  g_clear_object (&self->cstore);
  G_OBJECT_CLASS (dg_registration_parent_class)->finalize (object);
}

static void
dg_registration_class_init (DgRegistrationClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dg_registration_finalize;
}

static void
dg_registration_init (DgRegistration *self)
{
}

/**
 * dg_registration_new:
 *
 * Returns: (transfer full): the registration service; it keeps references to its parts.
 */
DgRegistration *
dg_registration_new (DgConfig *config, DgStore *store, DgAccounts *accounts, DgMailer *mailer,
                     DgRateLimiter *limiter, DgCStore *cstore)
{
  DgRegistration *self;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (DG_IS_STORE (store), NULL);
  g_return_val_if_fail (DG_IS_ACCOUNTS (accounts), NULL);
  g_return_val_if_fail (DG_IS_MAILER (mailer), NULL);
  g_return_val_if_fail (DG_IS_RATE_LIMITER (limiter), NULL);
  g_return_val_if_fail (cstore == NULL || DG_IS_CSTORE (cstore), NULL);

  self = g_object_new (DG_TYPE_REGISTRATION, NULL);
  self->config = dg_config_ref (config);
  self->store = g_object_ref (store);
  self->accounts = g_object_ref (accounts);
  self->mailer = g_object_ref (mailer);
  self->limiter = g_object_ref (limiter);
  self->connected = config->connected && config->cstore_url != NULL;
  if (self->connected)
    self->cstore = cstore != NULL
                       ? g_object_ref (cstore)
                       : dg_cstore_new (config->cstore_url,
                                        (const char *const *) config->sdk_chainstore_peers);
  return self;
}

void
dg_registration_set_clock (DgRegistration *self, DgRegistrationClock clock, gpointer user_data)
{
  g_return_if_fail (DG_IS_REGISTRATION (self));
  self->clock = clock;
  self->clock_data = user_data;
}

gint64
dg_registration_now (DgRegistration *self)
{
  return self->clock != NULL ? self->clock (self->clock_data) : dg_now_ms ();
}

void
dg_registration_result_clear (DgRegistrationResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->message, g_free);
  g_clear_pointer (&result->username, g_free);
  g_clear_pointer (&result->detail, g_free);
  memset (result, 0, sizeof *result);
}

/**
 * dg_registration_result_to_json:
 *
 * Returns: (transfer full): the response body upstream sends for @result.
 */
JsonNode *
dg_registration_result_to_json (const DgRegistrationResult *result)
{
  JsonObject *body = json_object_new ();
  JsonNode *node;

  g_return_val_if_fail (result != NULL, NULL);

  if (result->http_status == 200)
    {
      if (result->username != NULL)
        json_object_set_string_member (body, "username", result->username);
      json_object_set_string_member (body, "message", result->message ? result->message : "");
    }
  else
    {
      json_object_set_string_member (body, "error", result->message ? result->message : "");
      if (result->can_resend)
        json_object_set_boolean_member (body, "canResend", TRUE);
    }
  node = json_node_init_object (json_node_alloc (), body);
  json_object_unref (body);
  return node;
}

static guint
status_for (DgRegistrationError code)
{
  switch (code)
    {
    case DG_REGISTRATION_ERROR_DISABLED:
      return 403;
    case DG_REGISTRATION_ERROR_INVALID_PAYLOAD:
    case DG_REGISTRATION_ERROR_FAILED:
      return 400;
    case DG_REGISTRATION_ERROR_RATE_LIMITED:
      return 429;
    case DG_REGISTRATION_ERROR_EMAIL_EXISTS:
    case DG_REGISTRATION_ERROR_USER_EXISTS:
      return 409;
    case DG_REGISTRATION_ERROR_AUTH_NOT_CONFIGURED:
      return 500;
    case DG_REGISTRATION_ERROR_MAIL_FAILED:
    case DG_REGISTRATION_ERROR_RESEND_FAILED:
      return 502;
    case DG_REGISTRATION_ERROR_MAIL_NOT_CONFIGURED:
    case DG_REGISTRATION_ERROR_UNAVAILABLE:
    default:
      return 503;
    }
}

gboolean
dg_registration_fail (DgRegistrationResult *result, GError **error, DgRegistrationError code,
                      const char *message, const GError *cause)
{
  result->http_status = status_for (code);
  g_free (result->message);
  result->message = g_strdup (message);
  if (cause != NULL)
    {
      g_free (result->detail);
      result->detail = g_strdup (cause->message);
    }
  g_set_error_literal (error, DG_REGISTRATION_ERROR, code, message);
  return FALSE;
}

static gboolean
is_storage_error (const GError *error)
{
  return error->domain == DG_STORE_ERROR ||
         (error->domain == DG_CSTORE_ERROR && error->code != DG_CSTORE_ERROR_INVALID);
}

/* Upstream's catch-all for steps 5-8 ("exists" / auth config / anything else), plus our 503. */
gboolean
dg_registration_begin (DgRegistration *self, DgRegistrationResult *result, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  gboolean enabled;

  memset (result, 0, sizeof *result);
  enabled = dg_registration_is_enabled (self, &local_error);
  if (local_error != NULL)
    return dg_registration_fail_from (result, error, local_error);
  if (!enabled)
    return dg_registration_fail (result, error, DG_REGISTRATION_ERROR_DISABLED,
                                 DG_REGISTRATION_MSG_DISABLED, NULL);
  return TRUE;
}

gboolean
dg_registration_fail_from (DgRegistrationResult *result, GError **error, const GError *cause)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      dg_registration_fail (result, NULL, DG_REGISTRATION_ERROR_UNAVAILABLE,
                            DG_REGISTRATION_MSG_UNAVAILABLE, cause);
      g_propagate_error (error, g_error_copy (cause));
      return FALSE;
    }
  if (g_error_matches (cause, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_EXISTS) ||
      strstr (cause->message, "exists") != NULL)
    return dg_registration_fail (result, error, DG_REGISTRATION_ERROR_USER_EXISTS,
                                 DG_REGISTRATION_MSG_USER_EXISTS, cause);
  if (g_error_matches (cause, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_NOT_CONFIGURED))
    return dg_registration_fail (result, error, DG_REGISTRATION_ERROR_AUTH_NOT_CONFIGURED,
                                 DG_REGISTRATION_MSG_AUTH_CONFIG, cause);
  if (is_storage_error (cause))
    return dg_registration_fail (result, error, DG_REGISTRATION_ERROR_UNAVAILABLE,
                                 DG_REGISTRATION_MSG_UNAVAILABLE, cause);
  return dg_registration_fail (result, error, DG_REGISTRATION_ERROR_FAILED,
                               DG_REGISTRATION_MSG_FAILED, cause);
}

/* ---- Settings ------------------------------------------------------------------------- */

gboolean
dg_registration_is_enabled (DgRegistration *self, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *value = NULL;

  g_return_val_if_fail (DG_IS_REGISTRATION (self), FALSE);

  if (!self->config->allow_registration)
    return FALSE;
  value = dg_store_get_setting (self->store, DG_REGISTRATION_SETTING_ENABLED, &local_error);
  if (value == NULL)
    {
      if (g_error_matches (local_error, DG_STORE_ERROR, DG_STORE_ERROR_NOT_FOUND))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return g_strcmp0 (value, "false") != 0;
}

gboolean
dg_registration_set_enabled (DgRegistration *self, gboolean enabled, GError **error)
{
  g_return_val_if_fail (DG_IS_REGISTRATION (self), FALSE);
  return dg_store_set_setting (self->store, DG_REGISTRATION_SETTING_ENABLED,
                               enabled ? "true" : "false", error);
}

/* ---- Generated credentials and input rules ---------------------------------------------- */

char *
dg_registration_generate_username (const char *email)
{
  g_autoptr (GString) base = g_string_new (NULL);
  const char *at;
  const char *end;
  g_autofree char *suffix = NULL;
  g_autofree char *local = NULL;
  gsize start = 0;

  g_return_val_if_fail (email != NULL, NULL);

  at = strchr (email, '@');
  end = at != NULL ? at : email + strlen (email);
  local = g_utf8_make_valid (email, end - email);
  for (const char *p = local; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')
        g_string_append_c (base, (char) c);
      else
        /* JavaScript replaces per UTF-16 unit: characters outside the BMP count twice. */
        g_string_append (base, c > 0xFFFF ? "__" : "_");
    }
  while (start < base->len && base->str[start] == '_')
    start++;
  g_string_erase (base, 0, (gssize) start);
  while (base->len > 0 && base->str[base->len - 1] == '_')
    g_string_truncate (base, base->len - 1);
  if (base->len == 0)
    g_string_assign (base, "user");
  /* Upstream cut after appending the suffix, losing it for long local parts (bug 18). */
  if (base->len > USERNAME_MAX - SUFFIX_LENGTH)
    g_string_truncate (base, USERNAME_MAX - SUFFIX_LENGTH);
  suffix = dg_random_hex (2);
  g_string_append_printf (base, "_%s", suffix);
  return g_string_free (g_steal_pointer (&base), FALSE);
}

char *
dg_registration_generate_password (void)
{
  /* Upstream's registration and admin reset use the same generator. */
  return dg_password_generate ();
}

static gsize
utf16_length (const char *text)
{
  gsize n = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    n += g_utf8_get_char (p) > 0xFFFF ? 2 : 1;
  return n;
}

gboolean
dg_registration_email_is_valid (const char *email)
{
  static GRegex *regex = NULL;
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      /* zod 4's z.string().email() */
      regex = g_regex_new ("^(?!\\.)(?!.*\\.\\.)([A-Za-z0-9_'+\\-\\.]*)[A-Za-z0-9_+-]@"
                           "([A-Za-z0-9][A-Za-z0-9\\-]*\\.)+[A-Za-z]{2,}$",
                           G_REGEX_DOLLAR_ENDONLY | G_REGEX_OPTIMIZE, 0, NULL);
      g_assert (regex != NULL);
      g_once_init_leave (&once, 1);
    }
  if (email == NULL || !g_utf8_validate (email, -1, NULL) || utf16_length (email) > 200)
    return FALSE;
  return g_regex_match (regex, email, 0, NULL);
}

char *
dg_registration_normalize_email (const char *email)
{
  g_autofree char *trimmed = NULL;

  g_return_val_if_fail (email != NULL, NULL);
  trimmed = g_strstrip (g_strdup (email));
  return g_utf8_strdown (trimmed, -1);
}

static gboolean
text_is_valid (const char *text, gsize max)
{
  gsize n;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return FALSE;
  n = utf16_length (text);
  return n >= 1 && n <= max;
}

/* ---- Storage of the index and the failure records ---------------------------------------- */

static gboolean
email_registered (DgRegistration *self, const char *email, gboolean *registered,
                  GCancellable *cancellable, GError **error)
{
  GError *local_error = NULL;

  if (self->connected)
    {
      g_autofree char *username = dg_cstore_hget (self->cstore, DG_REGISTRATION_EMAIL_INDEX_HKEY,
                                                  email, cancellable, &local_error);

      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      /* Upstream tests truthiness: an empty value is no entry. */
      *registered = username != NULL && *username != '\0';
      return TRUE;
    }
  else
    {
      g_autoptr (DgAccount) account =
          dg_accounts_find_by_email (self->accounts, email, cancellable, &local_error);

      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      *registered = account != NULL;
      return TRUE;
    }
}

/* A CStore write that the node kept but could not replicate in time is good enough here. */
static gboolean
cstore_write_ok (gboolean ok, GError **error)
{
  if (!ok && g_error_matches (*error, DG_CSTORE_ERROR, DG_CSTORE_ERROR_NOT_CONFIRMED))
    {
      g_debug ("CStore write not confirmed by peers yet: %s", (*error)->message);
      g_clear_error (error);
      return TRUE;
    }
  return ok;
}

/* Upstream 4.4: datagen:users (trimmed name/country) and datagen:user-email-index. */
static gboolean
write_user_index (DgRegistration *self, const DgAccount *account, const char *email,
                  const char *name, const char *country, GCancellable *cancellable, GError **error)
{
  g_autoptr (JsonObject) entry = json_object_new ();
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *text = NULL;
  g_autofree char *trimmed_name = g_strstrip (g_strdup (name));
  g_autofree char *trimmed_country = g_strstrip (g_strdup (country));
  GError *local_error = NULL;
  gboolean ok;

  if (!self->connected)
    return TRUE; /* the accounts table's email column is the index */

  json_object_set_string_member (entry, "username", account->username);
  json_object_set_string_member (entry, "name", trimmed_name);
  json_object_set_string_member (entry, "email", email);
  json_object_set_string_member (entry, "country", trimmed_country);
  json_object_set_string_member (entry, "createdAt", account->created_at);
  node = json_node_init_object (json_node_alloc (), entry);
  text = json_to_string (node, FALSE);

  ok = dg_cstore_hset (self->cstore, DG_REGISTRATION_USERS_HKEY, account->username, text,
                       cancellable, &local_error);
  if (cstore_write_ok (ok, &local_error))
    ok = dg_cstore_hset (self->cstore, DG_REGISTRATION_EMAIL_INDEX_HKEY, email, account->username,
                         cancellable, &local_error);
  ok = cstore_write_ok (ok, &local_error);
  if (!ok)
    g_propagate_error (error, local_error);
  return ok;
}

JsonObject *
dg_registration_failure_get (DgRegistration *self, const char *email, GCancellable *cancellable,
                             GError **error)
{
  g_autofree char *text = NULL;
  GError *local_error = NULL;

  if (self->connected)
    text = dg_cstore_hget (self->cstore, DG_MAIL_FAILURES_HKEY, email, cancellable, &local_error);
  else
    text = dg_store_mail_failures_get (self->store, email, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (text == NULL || *text == '\0')
    return NULL;
  return dg_mail_failure_record_parse (text);
}

gboolean
dg_registration_failure_put (DgRegistration *self, const char *email, JsonObject *record,
                             GCancellable *cancellable, GError **error)
{
  g_autofree char *text = dg_mail_failure_record_to_string (record);

  if (self->connected)
    return cstore_write_ok (
        dg_cstore_hset (self->cstore, DG_MAIL_FAILURES_HKEY, email, text, cancellable, error),
        error);
  return dg_store_mail_failures_put (self->store, email, text, error);
}

/* ---- POST /api/auth/register ---------------------------------------------------------- */

static JsonObject *
make_metadata (const DgRegistrationRequest *request, const char *email)
{
  JsonObject *metadata = json_object_new ();

  /* name and country untrimmed here, as upstream stores them in the auth record. */
  json_object_set_string_member (metadata, "name", request->name);
  json_object_set_string_member (metadata, "email", email);
  json_object_set_string_member (metadata, "country", request->country);
  return metadata;
}

static DgAccount *
create_account (DgRegistration *self, const DgRegistrationRequest *request, const char *email,
                char **username, const char *password, GCancellable *cancellable, GError **error)
{
  g_autoptr (JsonObject) metadata = make_metadata (request, email);

  for (int attempt = 1;; attempt++)
    {
      GError *local_error = NULL;
      DgAccount *account =
          dg_accounts_create (self->accounts, *username, password, DG_ACCOUNT_ROLE_USER, metadata,
                              cancellable, &local_error);

      if (account != NULL)
        return account;
      if (!g_error_matches (local_error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_EXISTS) ||
          attempt == MAX_CREATE_ATTEMPTS)
        {
          g_propagate_error (error, local_error);
          return NULL;
        }
      g_clear_error (&local_error);
      g_free (*username);
      *username = dg_registration_generate_username (email);
    }
}

static gboolean
record_mail_failure (DgRegistration *self, const char *email, const char *username,
                     const char *password, GCancellable *cancellable, GError **error)
{
  g_autofree char *encrypted = NULL;
  g_autoptr (JsonObject) record = NULL;

  if (self->config->session_secret == NULL)
    {
      g_set_error_literal (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_NOT_CONFIGURED,
                           "Missing required environment variable: DATAGEN_SESSION_SECRET");
      return FALSE;
    }
  encrypted = dg_mail_failure_encrypt (self->config->session_secret, password);
  record = dg_mail_failure_record_new (email, username, encrypted, dg_registration_now (self));
  return dg_registration_failure_put (self, email, record, cancellable, error);
}

/**
 * dg_registration_register:
 * @request: the submitted form
 * @result: (out caller-allocates): the HTTP answer, success or not
 *
 * Returns: TRUE when the account exists and its credentials were mailed.
 */
gboolean
dg_registration_register (DgRegistration *self, const DgRegistrationRequest *request,
                          DgRegistrationResult *result, GCancellable *cancellable, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GError) mail_error = NULL;
  g_autoptr (DgAccount) account = NULL;
  g_autofree char *email = NULL;
  g_autofree char *username = NULL;
  g_autoptr (DgSecret) password = NULL; /* wiped on every way out */
  DgRateLimitResult limit = { 0 };
  gboolean registered = FALSE;

  g_return_val_if_fail (DG_IS_REGISTRATION (self), FALSE);
  g_return_val_if_fail (request != NULL && result != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!dg_registration_begin (self, result, error))
    return FALSE;

  if (!text_is_valid (request->name, 120) || !text_is_valid (request->country, 120) ||
      !dg_registration_email_is_valid (request->email))
    return dg_registration_fail (result, error, DG_REGISTRATION_ERROR_INVALID_PAYLOAD,
                                 DG_REGISTRATION_MSG_INVALID, NULL);
  email = dg_registration_normalize_email (request->email);

  /* Counted even when a later step fails, as upstream. */
  if (!dg_rate_limiter_check_registration (self->limiter, DG_RATE_LIMIT_REGISTER,
                                           request->client_ip, email, dg_registration_now (self),
                                           &limit, cancellable, &local_error))
    return dg_registration_fail_from (result, error, local_error);
  if (!limit.allowed)
    {
      result->retry_after_seconds = MAX (limit.retry_after_seconds, 1);
      return dg_registration_fail (result, error, DG_REGISTRATION_ERROR_RATE_LIMITED,
                                   DG_REGISTRATION_MSG_RATE_REGISTER, NULL);
    }

  username = dg_registration_generate_username (email);
  password = dg_registration_generate_password ();

  if (!dg_mailer_check_config (self->mailer, &local_error))
    return dg_registration_fail (result, error, DG_REGISTRATION_ERROR_MAIL_NOT_CONFIGURED,
                                 DG_REGISTRATION_MSG_MAIL_CONFIG, local_error);

  if (!email_registered (self, email, &registered, cancellable, &local_error))
    return dg_registration_fail_from (result, error, local_error);
  if (registered)
    return dg_registration_fail (result, error, DG_REGISTRATION_ERROR_EMAIL_EXISTS,
                                 DG_REGISTRATION_MSG_EMAIL_EXISTS, NULL);

  account = create_account (self, request, email, &username, password, cancellable, &local_error);
  if (account == NULL)
    return dg_registration_fail_from (result, error, local_error);
  result->username = g_strdup (account->username);

  if (!write_user_index (self, account, email, request->name, request->country, cancellable,
                         &local_error))
    return dg_registration_fail_from (result, error, local_error);

  if (!dg_mailer_send_credentials (self->mailer, email, account->username, password, cancellable,
                                   &mail_error))
    {
      gboolean config_error = dg_mailer_error_is_config (mail_error);

      g_message ("Credentials for %s could not be mailed: %s", account->username,
                 mail_error->message);
      if (!record_mail_failure (self, email, account->username, password, cancellable,
                                &local_error))
        return dg_registration_fail_from (result, error, local_error);
      result->can_resend = TRUE;
      dg_registration_fail (result, error, DG_REGISTRATION_ERROR_MAIL_FAILED,
                            DG_REGISTRATION_MSG_MAIL_FAILED, mail_error);
      if (config_error)
        result->http_status = 503;
      return FALSE;
    }

  result->http_status = 200;
  result->message = g_strdup (DG_REGISTRATION_MSG_CREATED);
  return TRUE;
}
