/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-mailer"

#include "config.h"

#include <curl/curl.h>
#include <string.h>

#include "dg-crypto.h"
#include "dg-mailer.h"
#include "dg-util.h"

G_DEFINE_QUARK (dg_mailer_error_quark, dg_mailer_error)

struct _DgMailer
{
  GObject parent_instance;

  char *host;
  int port;
  char *user;
  char *password;
  char *from;
  guint connect_timeout_ms;
  guint timeout_ms;
  gboolean plaintext;
};

G_DEFINE_FINAL_TYPE (DgMailer, dg_mailer, G_TYPE_OBJECT)

static void
dg_mailer_finalize (GObject *object)
{
  DgMailer *self = DG_MAILER (object);

  g_free (self->host);
  g_free (self->user);
  dg_secret_free (self->password);
  g_free (self->from);
  G_OBJECT_CLASS (dg_mailer_parent_class)->finalize (object);
}

static void
dg_mailer_class_init (DgMailerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dg_mailer_finalize;
}

static void
dg_mailer_init (DgMailer *self)
{
}

/* Blank (NULL, empty or only whitespace) strings count as unset, as upstream's check does. */
static char *
dup_nonblank (const char *value)
{
  g_autofree char *copy = NULL;

  if (value == NULL)
    return NULL;
  copy = g_strstrip (g_strdup (value));
  return *copy != '\0' ? g_steal_pointer (&copy) : NULL;
}

/**
 * dg_mailer_new:
 * @options: the transport settings (copied)
 *
 * Returns: (transfer full): a mailer; the configuration is checked when sending.
 */
DgMailer *
dg_mailer_new (const DgMailerOptions *options)
{
  DgMailer *self;

  g_return_val_if_fail (options != NULL, NULL);

  self = g_object_new (DG_TYPE_MAILER, NULL);
  self->host = dup_nonblank (options->host);
  self->port = options->port;
  self->user = dup_nonblank (options->user);
  /* The password is used verbatim (an API key may legitimately contain spaces). */
  self->password =
      options->password != NULL && *options->password != '\0' ? g_strdup (options->password) : NULL;
  self->from = dup_nonblank (options->from);
  self->connect_timeout_ms = options->connect_timeout_ms > 0 ? options->connect_timeout_ms
                                                             : DG_MAILER_DEFAULT_CONNECT_TIMEOUT_MS;
  self->timeout_ms = options->timeout_ms > 0 ? options->timeout_ms : DG_MAILER_DEFAULT_TIMEOUT_MS;
  self->plaintext = options->allow_plaintext_for_tests;
  return self;
}

/**
 * dg_mailer_new_from_config:
 * @config: the resolved settings
 *
 * Returns: (transfer full): a mailer for DATAGEN_SMTP_*; never allows clear text.
 */
DgMailer *
dg_mailer_new_from_config (DgConfig *config)
{
  DgMailerOptions options = { 0 };

  g_return_val_if_fail (config != NULL, NULL);

  options.host = config->smtp_host;
  options.port = config->smtp_port;
  options.user = config->smtp_user;
  options.password = config->smtp_pass;
  options.from = config->smtp_from;
  return dg_mailer_new (&options);
}

gboolean
dg_mailer_error_is_config (const GError *error)
{
  return error != NULL && error->domain == DG_MAILER_ERROR &&
         (error->code == DG_MAILER_ERROR_NOT_CONFIGURED ||
          error->code == DG_MAILER_ERROR_NO_PASSWORD);
}

gboolean
dg_mailer_check_config (DgMailer *self, GError **error)
{
  g_return_val_if_fail (DG_IS_MAILER (self), FALSE);

  if (self->host == NULL || self->port <= 0 || self->port > 65535 || self->user == NULL ||
      self->from == NULL)
    {
      g_set_error_literal (error, DG_MAILER_ERROR, DG_MAILER_ERROR_NOT_CONFIGURED,
                           DG_MAILER_CONFIG_MESSAGE);
      return FALSE;
    }
  if (self->password == NULL)
    {
      g_set_error_literal (error, DG_MAILER_ERROR, DG_MAILER_ERROR_NO_PASSWORD,
                           DG_MAILER_NO_PASSWORD_MESSAGE);
      return FALSE;
    }
  return TRUE;
}

gboolean
dg_mailer_is_configured (DgMailer *self)
{
  return dg_mailer_check_config (self, NULL);
}

DgMailerSecurity
dg_mailer_get_security (DgMailer *self)
{
  g_return_val_if_fail (DG_IS_MAILER (self), DG_MAILER_SECURITY_STARTTLS);

  if (self->plaintext)
    return DG_MAILER_SECURITY_PLAINTEXT;
  return self->port == 465 ? DG_MAILER_SECURITY_IMPLICIT_TLS : DG_MAILER_SECURITY_STARTTLS;
}

/* A bare addr-spec we can put in an SMTP command and a header without any escaping. */
static gboolean
address_is_safe (const char *address)
{
  const char *at;

  if (address == NULL || *address == '\0' || strlen (address) > 254)
    return FALSE;
  for (const char *p = address; *p != '\0'; p++)
    if ((guchar) *p <= ' ' || (guchar) *p == 0x7f || strchr ("<>()[],;:\\\"", *p) != NULL)
      return FALSE;
  at = strrchr (address, '@');
  return at != NULL && at != address && at[1] != '\0';
}

static gboolean
has_line_break (const char *text)
{
  return strpbrk (text, "\r\n") != NULL;
}

/* The envelope address inside a From value such as "DataGems <no-reply@datagems.app>". */
static char *
envelope_address (const char *from)
{
  const char *open = strrchr (from, '<');
  const char *close = open != NULL ? strchr (open, '>') : NULL;

  if (open != NULL && close != NULL)
    return g_strndup (open + 1, (gsize) (close - open - 1));
  return g_strdup (from);
}

static gboolean
is_ascii (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p >= 0x80)
      return FALSE;
  return TRUE;
}

/* RFC 2047 encoded words, each at most 75 characters, split on UTF-8 boundaries. */
static void
append_header_text (GString *out, const char *text)
{
  const char *p = text;

  if (is_ascii (text))
    {
      g_string_append (out, text);
      return;
    }
  while (*p != '\0')
    {
      const char *end = p;
      g_autofree char *b64 = NULL;

      while (*end != '\0' && end - p < 45)
        end = g_utf8_next_char (end);
      b64 = g_base64_encode ((const guchar *) p, (gsize) (end - p));
      if (p != text)
        g_string_append (out, "\r\n ");
      g_string_append_printf (out, "=?UTF-8?B?%s?=", b64);
      p = end;
    }
}

static char *
rfc5322_date (void)
{
  static const char *const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
  static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  return g_strdup_printf (
      "%s, %02d %s %04d %02d:%02d:%02d +0000", days[g_date_time_get_day_of_week (now) - 1],
      g_date_time_get_day_of_month (now), months[g_date_time_get_month (now) - 1],
      g_date_time_get_year (now), g_date_time_get_hour (now), g_date_time_get_minute (now),
      g_date_time_get_second (now));
}

/* Body with CRLF line ends; base64 when it is not short-lined ASCII. */
static void
append_body (GString *out, const char *body)
{
  gboolean plain = is_ascii (body);
  gsize line = 0;

  for (const char *p = body; plain && *p != '\0'; p++)
    {
      line = (*p == '\n') ? 0 : line + 1;
      if (line > 998)
        plain = FALSE;
    }

  if (plain)
    {
      g_string_append (out, "Content-Transfer-Encoding: 7bit\r\n\r\n");
      for (const char *p = body; *p != '\0'; p++)
        {
          if (*p == '\r')
            continue;
          if (*p == '\n')
            g_string_append (out, "\r\n");
          else
            g_string_append_c (out, *p);
        }
    }
  else
    {
      g_autofree char *b64 = g_base64_encode ((const guchar *) body, strlen (body));
      gsize n = strlen (b64);

      g_string_append (out, "Content-Transfer-Encoding: base64\r\n\r\n");
      for (gsize i = 0; i < n; i += 76)
        {
          g_string_append_len (out, b64 + i, (gssize) MIN (76, n - i));
          g_string_append (out, "\r\n");
        }
    }
  if (out->len < 2 || strcmp (out->str + out->len - 2, "\r\n") != 0)
    g_string_append (out, "\r\n");
}

static char *
compose (DgMailer *self, const char *from_address, const char *to, const char *subject,
         const char *body)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autofree char *date = rfc5322_date ();
  g_autofree char *id = dg_random_hex (16);
  const char *domain = strrchr (from_address, '@') + 1;

  g_string_append_printf (out, "Date: %s\r\n", date);
  g_string_append_printf (out, "From: %s\r\n", self->from);
  g_string_append_printf (out, "To: %s\r\n", to);
  g_string_append (out, "Subject: ");
  append_header_text (out, subject);
  g_string_append (out, "\r\n");
  g_string_append_printf (out, "Message-ID: <%s@%s>\r\n", id, domain);
  g_string_append (out, "MIME-Version: 1.0\r\n");
  g_string_append (out, "Content-Type: text/plain; charset=utf-8\r\n");
  append_body (out, body);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

typedef struct
{
  const char *data;
  gsize length;
  gsize offset;
  GCancellable *cancellable;
} Upload;

static size_t
on_read (char *buffer, size_t size, size_t nitems, void *user_data)
{
  Upload *up = user_data;
  gsize n = MIN (size * nitems, up->length - up->offset);

  memcpy (buffer, up->data + up->offset, n);
  up->offset += n;
  return n;
}

static int
on_progress (void *user_data, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
             curl_off_t ulnow)
{
  Upload *up = user_data;

  return g_cancellable_is_cancelled (up->cancellable) ? 1 : 0;
}

static void
set_delivery_error (DgMailer *self, CURLcode rc, long smtp_code, const char *why, GError **error)
{
  switch (rc)
    {
    case CURLE_LOGIN_DENIED:
      g_set_error (error, DG_MAILER_ERROR, DG_MAILER_ERROR_AUTH,
                   "The mail server %s refused the login of %s: %s", self->host, self->user, why);
      return;
    case CURLE_OPERATION_TIMEDOUT:
      g_set_error (error, DG_MAILER_ERROR, DG_MAILER_ERROR_TIMEOUT,
                   "The mail server %s did not answer in time: %s", self->host, why);
      return;
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
      g_set_error (error, DG_MAILER_ERROR, DG_MAILER_ERROR_TLS,
                   "No secure connection to the mail server %s: %s", self->host, why);
      return;
    default:
      break;
    }
  if (smtp_code >= 400)
    g_set_error (error, DG_MAILER_ERROR, DG_MAILER_ERROR_REJECTED,
                 "The mail server %s refused the message (SMTP %ld): %s", self->host, smtp_code,
                 why);
  else if (rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_CONNECT ||
           rc == CURLE_GOT_NOTHING || rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR ||
           rc == CURLE_WEIRD_SERVER_REPLY)
    g_set_error (error, DG_MAILER_ERROR, DG_MAILER_ERROR_CONNECT,
                 "Cannot talk to the mail server %s: %s", self->host, why);
  else
    g_set_error (error, DG_MAILER_ERROR, DG_MAILER_ERROR_FAILED,
                 "Sending mail through %s failed: %s", self->host, why);
}

/**
 * dg_mailer_send:
 * @to: one bare recipient address
 *
 * Returns: TRUE when the server accepted the message.
 */
gboolean
dg_mailer_send (DgMailer *self, const char *to, const char *subject, const char *body,
                GCancellable *cancellable, GError **error)
{
  g_autofree char *from_address = NULL;
  g_autofree char *message = NULL;
  g_autofree char *url = NULL;
  g_autofree char *mail_from = NULL;
  g_autofree char *rcpt_to = NULL;
  char errbuf[CURL_ERROR_SIZE] = "";
  struct curl_slist *rcpt = NULL;
  Upload up = { 0 };
  long smtp_code = 0;
  DgMailerSecurity security;
  CURLcode rc;
  CURL *curl;

  g_return_val_if_fail (DG_IS_MAILER (self), FALSE);
  g_return_val_if_fail (to != NULL && subject != NULL && body != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!dg_mailer_check_config (self, error))
    return FALSE;
  from_address = envelope_address (self->from);
  if (!address_is_safe (from_address) || has_line_break (self->from))
    {
      g_set_error (error, DG_MAILER_ERROR, DG_MAILER_ERROR_INVALID,
                   "The sender address \"%s\" is not a valid email address", self->from);
      return FALSE;
    }
  if (!address_is_safe (to))
    {
      g_set_error_literal (error, DG_MAILER_ERROR, DG_MAILER_ERROR_INVALID,
                           "The recipient is not a valid email address");
      return FALSE;
    }
  if (has_line_break (subject) || !g_utf8_validate (subject, -1, NULL) ||
      !g_utf8_validate (body, -1, NULL))
    {
      g_set_error_literal (error, DG_MAILER_ERROR, DG_MAILER_ERROR_INVALID,
                           "The message subject or text is not valid");
      return FALSE;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  dg_curl_global_init ();
  message = compose (self, from_address, to, subject, body);
  up = (Upload){ message, strlen (message), 0, cancellable };
  /* IPv6 literals need brackets in a URL. */
  security = dg_mailer_get_security (self);
  url = g_strdup_printf ("%s://%s%s%s:%d",
                         security == DG_MAILER_SECURITY_IMPLICIT_TLS ? "smtps" : "smtp",
                         strchr (self->host, ':') ? "[" : "", self->host,
                         strchr (self->host, ':') ? "]" : "", self->port);
  mail_from = g_strdup_printf ("<%s>", from_address);
  rcpt_to = g_strdup_printf ("<%s>", to);
  rcpt = curl_slist_append (rcpt, rcpt_to);

  curl = curl_easy_init ();
  if (curl == NULL)
    {
      curl_slist_free_all (rcpt);
      g_set_error_literal (error, DG_MAILER_ERROR, DG_MAILER_ERROR_FAILED,
                           "Cannot start an SMTP transfer (out of memory)");
      return FALSE;
    }
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, errbuf);
  /* STARTTLS is mandatory unless a test talks to a local clear-text stand-in. */
  curl_easy_setopt (curl, CURLOPT_USE_SSL,
                    security == DG_MAILER_SECURITY_PLAINTEXT ? (long) CURLUSESSL_NONE
                                                             : (long) CURLUSESSL_ALL);
  curl_easy_setopt (curl, CURLOPT_USERNAME, self->user);
  curl_easy_setopt (curl, CURLOPT_PASSWORD, self->password);
  curl_easy_setopt (curl, CURLOPT_MAIL_FROM, mail_from);
  curl_easy_setopt (curl, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt (curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt (curl, CURLOPT_READFUNCTION, on_read);
  curl_easy_setopt (curl, CURLOPT_READDATA, &up);
  curl_easy_setopt (curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t) up.length);
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT_MS, (long) self->connect_timeout_ms);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, (long) self->timeout_ms);
  curl_easy_setopt (curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt (curl, CURLOPT_XFERINFODATA, &up);

  rc = curl_easy_perform (curl);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &smtp_code);
  curl_easy_cleanup (curl);
  curl_slist_free_all (rcpt);
  /* The message holds the mailed password in clear: wipe it. */
  dg_crypto_wipe (message, up.length);

  if (rc == CURLE_OK)
    {
      g_debug ("Mail accepted by %s", self->host);
      return TRUE;
    }
  if (rc == CURLE_ABORTED_BY_CALLBACK && g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  set_delivery_error (self, rc, smtp_code, errbuf[0] != '\0' ? errbuf : curl_easy_strerror (rc),
                      error);
  return FALSE;
}

/**
 * dg_mailer_credentials_body:
 *
 * Returns: the text of the credentials email (upstream 10.4).
 */
char *
dg_mailer_credentials_body (const char *username, const char *password)
{
  g_return_val_if_fail (username != NULL && password != NULL, NULL);

  return g_strdup_printf ("Hello,\n"
                          "\n"
                          "Welcome to DataGems! Your account has been created.\n"
                          "\n"
                          "Username: %s\n"
                          "Password: %s\n"
                          "\n"
                          "Sign in with these credentials and change your password after your "
                          "first sign-in.\n"
                          "\n"
                          "If you did not ask for a DataGems account, you can ignore this email.\n"
                          "\n"
                          "The DataGems team\n",
                          username, password);
}

gboolean
dg_mailer_send_credentials (DgMailer *self, const char *to, const char *username,
                            const char *password, GCancellable *cancellable, GError **error)
{
  g_autofree char *body = NULL;
  gboolean ok;

  g_return_val_if_fail (DG_IS_MAILER (self), FALSE);
  g_return_val_if_fail (to != NULL && username != NULL && password != NULL, FALSE);

  body = dg_mailer_credentials_body (username, password);
  ok = dg_mailer_send (self, to, DG_MAILER_CREDENTIALS_SUBJECT, body, cancellable, error);
  dg_crypto_wipe (body, strlen (body));
  return ok;
}

typedef struct
{
  char *to;
  char *username;
  char *password;
} CredentialsCall;

static void
credentials_call_free (CredentialsCall *call)
{
  g_free (call->to);
  g_free (call->username);
  dg_secret_free (call->password);
  g_free (call);
}

static void
send_credentials_thread (GTask *task, gpointer source, gpointer task_data,
                         GCancellable *cancellable)
{
  CredentialsCall *call = task_data;
  GError *error = NULL;

  if (dg_mailer_send_credentials (source, call->to, call->username, call->password, cancellable,
                                  &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
dg_mailer_send_credentials_async (DgMailer *self, const char *to, const char *username,
                                  const char *password, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  CredentialsCall *call;

  g_return_if_fail (DG_IS_MAILER (self));
  g_return_if_fail (to != NULL && username != NULL && password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dg_mailer_send_credentials_async);
  call = g_new0 (CredentialsCall, 1);
  call->to = g_strdup (to);
  call->username = g_strdup (username);
  call->password = g_strdup (password);
  g_task_set_task_data (task, call, (GDestroyNotify) credentials_call_free);
  g_task_run_in_thread (task, send_credentials_thread);
}

gboolean
dg_mailer_send_credentials_finish (DgMailer *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
