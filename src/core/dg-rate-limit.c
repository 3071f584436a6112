/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-rate-limit"

#include "config.h"

#include <string.h>

#include "dg-js-string.h"
#include "dg-rate-limit.h"
#include "dg-store-ratelimit.h"

/* Expired rows are purged at most this often (each purge scans the table). */
#define PURGE_INTERVAL_MS (60 * 1000)
/* Login names longer than this (never valid ones: 64 UTF-16 units at most) are counted under
 * their digest, so a name from the network cannot make a counter row any size it likes. */
#define LOGIN_SUBJECT_MAX_BYTES 256

/* ---------------------------------------------------------------------------------------- */
/* Keys and addresses */

char *
dg_rate_limit_encode_uri_component (const char *text)
{
  static const char hex[] = "0123456789ABCDEF";
  GString *out;

  g_return_val_if_fail (text != NULL, NULL);

  out = g_string_sized_new (strlen (text));
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    {
      if (g_ascii_isalnum (*p) || strchr ("-_.!~*'()", *p) != NULL)
        g_string_append_c (out, (char) *p);
      else
        {
          g_string_append_c (out, '%');
          g_string_append_c (out, hex[*p >> 4]);
          g_string_append_c (out, hex[*p & 0xf]);
        }
    }
  return g_string_free (out, FALSE);
}

/* JS trim() + toLowerCase() of a subject; "unknown" when nothing is left (upstream safeSubject). */
static char *
normalise_subject (const char *subject)
{
  char *normalised = dg_js_trim_lower (subject);

  if (normalised == NULL || normalised[0] == '\0')
    {
      g_free (normalised);
      return g_strdup ("unknown");
    }
  return normalised;
}

char *
dg_rate_limit_key (const char *prefix, const char *subject, gint64 bucket)
{
  g_autofree char *normalised = normalise_subject (subject);
  g_autofree char *encoded = dg_rate_limit_encode_uri_component (normalised);

  g_return_val_if_fail (prefix != NULL, NULL);

  if (bucket < 0)
    return g_strdup_printf ("%s:%s", prefix, encoded);
  return g_strdup_printf ("%s:%s:%" G_GINT64_FORMAT, prefix, encoded, bucket);
}

/* An IPv4-mapped IPv6 address (::ffff:a.b.c.d) as the IPv4 address it stands for. */
static GInetAddress *
unmap_ipv4 (GInetAddress *address)
{
  const guint8 *bytes;
  static const guint8 prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

  if (g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV6)
    return NULL;
  bytes = g_inet_address_to_bytes (address);
  if (memcmp (bytes, prefix, sizeof prefix) != 0)
    return NULL;
  return g_inet_address_new_from_bytes (bytes + 12, G_SOCKET_FAMILY_IPV4);
}

static gboolean
is_trusted_proxy (DgConfig *config, const char *peer)
{
  g_autoptr (GInetAddress) address = NULL;
  g_autoptr (GInetAddress) mapped = NULL;

  if (config->trusted_proxies == NULL || peer == NULL)
    return FALSE;
  address = g_inet_address_new_from_string (peer);
  if (address == NULL)
    return FALSE;
  mapped = unmap_ipv4 (address);
  for (guint i = 0; config->trusted_proxies[i] != NULL; i++)
    {
      g_autoptr (GInetAddressMask) mask =
          g_inet_address_mask_new_from_string (config->trusted_proxies[i], NULL);

      if (mask == NULL)
        continue;
      if (g_inet_address_mask_matches (mask, address) ||
          (mapped != NULL && g_inet_address_mask_matches (mask, mapped)))
        return TRUE;
    }
  return FALSE;
}

/* The first comma-separated entry of @header, trimmed; NULL when empty. */
static char *
first_entry (const char *header)
{
  g_auto (GStrv) parts = NULL;

  if (header == NULL)
    return NULL;
  parts = g_strsplit (header, ",", 2);
  if (parts[0] == NULL)
    return NULL;
  g_strstrip (parts[0]);
  return parts[0][0] != '\0' ? g_strdup (parts[0]) : NULL;
}

char *
dg_rate_limit_client_address (DgConfig *config, const char *peer_address,
                              const char *x_forwarded_for, const char *x_real_ip)
{
  g_return_val_if_fail (config != NULL, NULL);

  if (is_trusted_proxy (config, peer_address))
    {
      char *forwarded = first_entry (x_forwarded_for);

      if (forwarded == NULL && x_real_ip != NULL)
        {
          forwarded = g_strstrip (g_strdup (x_real_ip));
          if (forwarded[0] == '\0')
            g_clear_pointer (&forwarded, g_free);
        }
      if (forwarded != NULL)
        return forwarded;
    }
  if (peer_address == NULL || peer_address[0] == '\0')
    return g_strdup ("unknown");
  return g_strdup (peer_address);
}

/* ---------------------------------------------------------------------------------------- */
/* DgRateLimiter */

struct _DgRateLimiter
{
  GObject parent_instance;

  DgConfig *config;
  DgStore *store;
  DgCStore *cstore; /* registration counters in connected mode */
  GMutex mutex;
  gint64 last_purge_ms;
};

G_DEFINE_FINAL_TYPE (DgRateLimiter, dg_rate_limiter, G_TYPE_OBJECT)

static void
dg_rate_limiter_finalize (GObject *object)
{
  DgRateLimiter *self = DG_RATE_LIMITER (object);

  g_clear_pointer (&self->config, dg_config_unref);
  g_clear_object (&self->store);
  g_clear_object (&self->cstore);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (dg_rate_limiter_parent_class)->finalize (object);
}

static void
dg_rate_limiter_class_init (DgRateLimiterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dg_rate_limiter_finalize;
}

static void
dg_rate_limiter_init (DgRateLimiter *self)
{
  g_mutex_init (&self->mutex);
}

DgRateLimiter *
dg_rate_limiter_new (DgConfig *config, DgStore *store, DgCStore *cstore)
{
  DgRateLimiter *self;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (DG_IS_STORE (store), NULL);
  g_return_val_if_fail (cstore == NULL || DG_IS_CSTORE (cstore), NULL);

  self = g_object_new (DG_TYPE_RATE_LIMITER, NULL);
  self->config = dg_config_ref (config);
  self->store = g_object_ref (store);
  if (config->connected)
    self->cstore = cstore != NULL
                       ? g_object_ref (cstore)
                       : dg_cstore_new (config->cstore_url,
                                        (const char *const *) config->sdk_chainstore_peers);
  return self;
}

static gboolean
maybe_purge (DgRateLimiter *self, gint64 now_ms, GError **error)
{
  gboolean due;

  g_mutex_lock (&self->mutex);
  due = now_ms - self->last_purge_ms >= PURGE_INTERVAL_MS || now_ms < self->last_purge_ms;
  if (due)
    self->last_purge_ms = now_ms;
  g_mutex_unlock (&self->mutex);
  return !due || dg_store_ratelimit_purge (self->store, now_ms, error);
}

/* parseInt(raw, 10): leading white space, a sign, digits; NaN (FALSE) when none. */
static gboolean
js_parse_int (const char *raw, gint64 *out)
{
  const char *p = raw;
  gboolean negative = FALSE;
  gint64 value = 0;
  gboolean any = FALSE;

  while (g_ascii_isspace (*p))
    p++;
  if (*p == '+' || *p == '-')
    negative = *p++ == '-';
  for (; g_ascii_isdigit (*p); p++)
    {
      any = TRUE;
      if (value < G_MAXINT64 / 10 - 10)
        value = value * 10 + (*p - '0');
    }
  *out = negative ? -value : value;
  return any;
}

/* One fixed-window hit (upstream consumeBucket): returns the counter after the hit. */
static gboolean
consume_bucket (DgRateLimiter *self, const char *prefix, const char *subject, gint64 window_s,
                gint64 max, gint64 now_ms, DgRateLimitResult *result, GCancellable *cancellable,
                GError **error)
{
  gint64 now_s = now_ms / 1000;
  gint64 bucket = now_s / window_s;
  g_autofree char *key = dg_rate_limit_key (prefix, subject, bucket);
  gint64 count, window_end;

  if (self->cstore != NULL)
    {
      g_autoptr (GError) local_error = NULL;
      g_autofree char *raw = dg_cstore_get (self->cstore, key, cancellable, &local_error);
      g_autofree char *text = NULL;
      gint64 current;

      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      count = js_parse_int (raw != NULL ? raw : "0", &current) ? current + 1 : 1;
      text = g_strdup_printf ("%" G_GINT64_FORMAT, count);
      /* Upstream ignores set's answer; a "false" only means "not replicated yet". */
      if (!dg_cstore_set (self->cstore, key, text, cancellable, &local_error) &&
          !g_error_matches (local_error, DG_CSTORE_ERROR, DG_CSTORE_ERROR_NOT_CONFIRMED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }
  else
    {
      if (!maybe_purge (self, now_ms, error) ||
          !dg_store_ratelimit_hit (self->store, key, now_ms, (bucket + 1) * window_s * 1000, &count,
                                   &window_end, error))
        return FALSE;
    }

  result->count = count;
  result->limit = max;
  result->allowed = count <= max;
  result->retry_after_seconds = MAX (1, (bucket + 1) * window_s - now_s);
  return TRUE;
}

gboolean
dg_rate_limiter_check_registration (DgRateLimiter *self, DgRateLimitKind kind, const char *ip,
                                    const char *email, gint64 now_ms, DgRateLimitResult *result,
                                    GCancellable *cancellable, GError **error)
{
  const DgConfig *c;
  gboolean resend = kind == DG_RATE_LIMIT_RESEND;
  gint64 window;

  g_return_val_if_fail (DG_IS_RATE_LIMITER (self), FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  c = self->config;
  window = MAX (1, resend ? c->resend_window_seconds : c->register_window_seconds);
  /* The address first; the email is counted only when the address passed. */
  if (!consume_bucket (self, resend ? DG_RATE_PREFIX_RESEND_IP : DG_RATE_PREFIX_REGISTER_IP, ip,
                       window, resend ? c->resend_max_per_ip : c->register_max_per_ip, now_ms,
                       result, cancellable, error))
    return FALSE;
  if (!result->allowed)
    return TRUE;
  return consume_bucket (self, resend ? DG_RATE_PREFIX_RESEND_EMAIL : DG_RATE_PREFIX_REGISTER_EMAIL,
                         email, window,
                         resend ? c->resend_max_per_email : c->register_max_per_email, now_ms,
                         result, cancellable, error);
}

/* ---------------------------------------------------------------------------------------- */
/* Login */

/* The counter key of a login name: dg_rate_limit_key(), or the digest of a huge name. */
static char *
login_user_key (const char *username)
{
  g_autofree char *normalised = normalise_subject (username);
  g_autofree char *digest = NULL;

  if (strlen (normalised) <= LOGIN_SUBJECT_MAX_BYTES)
    return dg_rate_limit_key (DG_RATE_PREFIX_LOGIN_USER, normalised, -1);
  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, normalised, -1);
  return g_strdup_printf ("%s:sha256:%s", DG_RATE_PREFIX_LOGIN_USER, digest);
}

static gint64
seconds_until (gint64 window_end_ms, gint64 now_ms)
{
  return MAX (1, (window_end_ms - now_ms + 999) / 1000);
}

/*
 * Fills @result from the two counters: refused while either reached the maximum, for as
 * long as the longest such window still runs.
 */
static void
login_decision (DgRateLimiter *self, gint64 user_count, gint64 user_end, gint64 address_count,
                gint64 address_end, gint64 now_ms, DgRateLimitResult *result)
{
  gint64 max = MAX (1, self->config->login_max_failures);
  gboolean user_blocked = user_count >= max;
  gboolean address_blocked = address_count >= max;

  result->limit = max;
  result->allowed = !user_blocked && !address_blocked;
  result->retry_after_seconds = 0;
  result->count = MAX (user_count, address_count);
  if (user_blocked)
    {
      result->retry_after_seconds = seconds_until (user_end, now_ms);
      result->count = user_count;
    }
  if (address_blocked && seconds_until (address_end, now_ms) > result->retry_after_seconds)
    {
      result->retry_after_seconds = seconds_until (address_end, now_ms);
      result->count = address_count;
    }
}

gboolean
dg_rate_limiter_login_check (DgRateLimiter *self, const char *username, const char *address,
                             gint64 now_ms, DgRateLimitResult *result, GError **error)
{
  g_autofree char *user_key = NULL;
  g_autofree char *address_key = NULL;
  gint64 user_count, user_end, address_count, address_end;

  g_return_val_if_fail (DG_IS_RATE_LIMITER (self), FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  user_key = login_user_key (username);
  address_key = dg_rate_limit_key (DG_RATE_PREFIX_LOGIN_ADDRESS, address, -1);
  if (!dg_store_ratelimit_peek (self->store, user_key, now_ms, &user_count, &user_end, error) ||
      !dg_store_ratelimit_peek (self->store, address_key, now_ms, &address_count, &address_end,
                                error))
    return FALSE;
  login_decision (self, user_count, user_end, address_count, address_end, now_ms, result);
  return TRUE;
}

gboolean
dg_rate_limiter_login_failed (DgRateLimiter *self, const char *username, const char *address,
                              gint64 now_ms, DgRateLimitResult *result, GError **error)
{
  g_autofree char *user_key = NULL;
  g_autofree char *address_key = NULL;
  gint64 window_end;
  gint64 user_count, user_end, address_count, address_end;

  g_return_val_if_fail (DG_IS_RATE_LIMITER (self), FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  user_key = login_user_key (username);
  address_key = dg_rate_limit_key (DG_RATE_PREFIX_LOGIN_ADDRESS, address, -1);
  /* A window opens at the first failure and keeps its end until it expires. */
  window_end = now_ms + (gint64) MAX (1, self->config->login_window_seconds) * 1000;
  if (!maybe_purge (self, now_ms, error) ||
      !dg_store_ratelimit_hit (self->store, user_key, now_ms, window_end, &user_count, &user_end,
                               error) ||
      !dg_store_ratelimit_hit (self->store, address_key, now_ms, window_end, &address_count,
                               &address_end, error))
    return FALSE;
  login_decision (self, user_count, user_end, address_count, address_end, now_ms, result);
  return TRUE;
}

gboolean
dg_rate_limiter_login_succeeded (DgRateLimiter *self, const char *username, gint64 now_ms,
                                 GError **error)
{
  g_autofree char *user_key = NULL;

  g_return_val_if_fail (DG_IS_RATE_LIMITER (self), FALSE);

  user_key = login_user_key (username);
  return dg_store_ratelimit_reset (self->store, user_key, error);
}

/* ---------------------------------------------------------------------------------------- */
/* Main-loop variants */

typedef enum
{
  LIMIT_REGISTRATION,
  LIMIT_LOGIN_CHECK,
  LIMIT_LOGIN_FAILED,
  LIMIT_LOGIN_SUCCEEDED,
} LimitOpKind;

typedef struct
{
  LimitOpKind kind;
  DgRateLimitKind registration_kind;
  char *subject;
  char *address;
  gint64 now_ms;
} LimitOp;

static void
limit_op_free (LimitOp *op)
{
  g_free (op->subject);
  g_free (op->address);
  g_free (op);
}

static void
limit_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  LimitOp *op = task_data;
  DgRateLimitResult *result = g_new0 (DgRateLimitResult, 1);
  GError *error = NULL;
  gboolean ok = FALSE;

  switch (op->kind)
    {
    case LIMIT_REGISTRATION:
      ok =
          dg_rate_limiter_check_registration (source, op->registration_kind, op->address,
                                              op->subject, op->now_ms, result, cancellable, &error);
      break;
    case LIMIT_LOGIN_CHECK:
      ok = dg_rate_limiter_login_check (source, op->subject, op->address, op->now_ms, result,
                                        &error);
      break;
    case LIMIT_LOGIN_FAILED:
      ok = dg_rate_limiter_login_failed (source, op->subject, op->address, op->now_ms, result,
                                         &error);
      break;
    case LIMIT_LOGIN_SUCCEEDED:
      ok = dg_rate_limiter_login_succeeded (source, op->subject, op->now_ms, &error);
      result->allowed = TRUE;
      break;
    default:
      g_assert_not_reached ();
    }
  if (!ok)
    {
      g_free (result);
      g_task_return_error (task, error);
    }
  else
    g_task_return_pointer (task, result, g_free);
}

static void
run_limit_op (DgRateLimiter *self, LimitOp *op, gpointer tag, GCancellable *cancellable,
              GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, tag);
  g_task_set_task_data (task, op, (GDestroyNotify) limit_op_free);
  g_task_run_in_thread (task, limit_thread);
}

static gboolean
finish_limit_op (DgRateLimiter *self, GAsyncResult *result, gpointer tag, DgRateLimitResult *out,
                 GError **error)
{
  g_autofree DgRateLimitResult *value = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tag, FALSE);

  value = g_task_propagate_pointer (G_TASK (result), error);
  if (value == NULL)
    return FALSE;
  if (out != NULL)
    *out = *value;
  return TRUE;
}

static LimitOp *
limit_op_new (LimitOpKind kind, const char *subject, const char *address, gint64 now_ms)
{
  LimitOp *op = g_new0 (LimitOp, 1);

  op->kind = kind;
  op->subject = g_strdup (subject);
  op->address = g_strdup (address);
  op->now_ms = now_ms;
  return op;
}

void
dg_rate_limiter_check_registration_async (DgRateLimiter *self, DgRateLimitKind kind, const char *ip,
                                          const char *email, gint64 now_ms,
                                          GCancellable *cancellable, GAsyncReadyCallback callback,
                                          gpointer user_data)
{
  LimitOp *op = limit_op_new (LIMIT_REGISTRATION, email, ip, now_ms);

  g_return_if_fail (DG_IS_RATE_LIMITER (self));
  op->registration_kind = kind;
  run_limit_op (self, op, dg_rate_limiter_check_registration_async, cancellable, callback,
                user_data);
}

gboolean
dg_rate_limiter_check_registration_finish (DgRateLimiter *self, GAsyncResult *result,
                                           DgRateLimitResult *out, GError **error)
{
  return finish_limit_op (self, result, dg_rate_limiter_check_registration_async, out, error);
}

void
dg_rate_limiter_login_check_async (DgRateLimiter *self, const char *username, const char *address,
                                   gint64 now_ms, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (DG_IS_RATE_LIMITER (self));
  run_limit_op (self, limit_op_new (LIMIT_LOGIN_CHECK, username, address, now_ms),
                dg_rate_limiter_login_check_async, cancellable, callback, user_data);
}

gboolean
dg_rate_limiter_login_check_finish (DgRateLimiter *self, GAsyncResult *result,
                                    DgRateLimitResult *out, GError **error)
{
  return finish_limit_op (self, result, dg_rate_limiter_login_check_async, out, error);
}

void
dg_rate_limiter_login_failed_async (DgRateLimiter *self, const char *username, const char *address,
                                    gint64 now_ms, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (DG_IS_RATE_LIMITER (self));
  run_limit_op (self, limit_op_new (LIMIT_LOGIN_FAILED, username, address, now_ms),
                dg_rate_limiter_login_failed_async, cancellable, callback, user_data);
}

gboolean
dg_rate_limiter_login_failed_finish (DgRateLimiter *self, GAsyncResult *result,
                                     DgRateLimitResult *out, GError **error)
{
  return finish_limit_op (self, result, dg_rate_limiter_login_failed_async, out, error);
}

void
dg_rate_limiter_login_succeeded_async (DgRateLimiter *self, const char *username, gint64 now_ms,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data)
{
  g_return_if_fail (DG_IS_RATE_LIMITER (self));
  run_limit_op (self, limit_op_new (LIMIT_LOGIN_SUCCEEDED, username, NULL, now_ms),
                dg_rate_limiter_login_succeeded_async, cancellable, callback, user_data);
}

gboolean
dg_rate_limiter_login_succeeded_finish (DgRateLimiter *self, GAsyncResult *result, GError **error)
{
  return finish_limit_op (self, result, dg_rate_limiter_login_succeeded_async, NULL, error);
}
