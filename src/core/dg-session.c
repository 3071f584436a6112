/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-session"

#include "config.h"

#include <string.h>

#include "dg-crypto.h"
#include "dg-json-copy.h"
#include "dg-jwt.h"
#include "dg-session.h"
#include "dg-store-sessions.h"
#include "dg-util.h"

G_DEFINE_QUARK (dg_session_error_quark, dg_session_error)

/* ---------------------------------------------------------------------------------------- */
/* The signing secret */

char *
dg_session_resolve_secret (DgConfig *config, DgStore *store, GError **error)
{
  static gsize dev_secret_announced = 0;
  g_autofree char *candidate = NULL;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (store == NULL || DG_IS_STORE (store), NULL);

  if (config->session_secret != NULL && !config->session_secret_is_dev_default)
    return g_strdup (config->session_secret);

  if (config->session_secret_is_dev_default || config->development || config->mock_cstore)
    {
      /* g_message, not g_warning: warnings are fatal in tests that run in this mode. */
      if (g_once_init_enter (&dev_secret_announced))
        {
          g_message ("DATAGEN_SESSION_SECRET is not set; signing sessions with the "
                     "development secret (never use this mode in production)");
          g_once_init_leave (&dev_secret_announced, 1);
        }
      return g_strdup (DG_SESSION_DEV_SECRET);
    }

  /* A desktop install: nothing to configure, sessions survive restarts. */
  if (config->node_env == NULL && !config->connected && store != NULL)
    {
      candidate = dg_random_hex (32);
      return dg_store_settings_ensure (store, DG_SESSION_SECRET_SETTING, candidate, error);
    }

  g_set_error_literal (error, DG_SESSION_ERROR, DG_SESSION_ERROR_NOT_CONFIGURED,
                       "Missing required environment variable: DATAGEN_SESSION_SECRET");
  return NULL;
}

/* ---------------------------------------------------------------------------------------- */
/* Cookies */

/**
 * dg_session_cookie:
 *
 * Returns: the Set-Cookie value for @token, attributes in the order the cookie package
 *   writes them: Max-Age, Path, HttpOnly, Secure (production only), SameSite.
 */
char *
dg_session_cookie (const char *token, gboolean secure)
{
  g_return_val_if_fail (token != NULL, NULL);
  return g_strdup_printf ("%s=%s; Max-Age=%d; Path=/; HttpOnly;%s SameSite=Lax",
                          DG_SESSION_COOKIE_NAME, token, DG_SESSION_TTL_SECONDS,
                          secure ? " Secure;" : "");
}

char *
dg_session_clear_cookie (gboolean secure)
{
  return g_strdup_printf ("%s=; Max-Age=0; Path=/; HttpOnly;%s SameSite=Lax",
                          DG_SESSION_COOKIE_NAME, secure ? " Secure;" : "");
}

/**
 * dg_session_token_from_cookie_header:
 *
 * Parses a Cookie header as the cookie package does: pairs split on ";", names and
 * values trimmed, the first pair of a name wins, surrounding quotes are removed and
 * %-escapes decoded when valid.
 *
 * Returns: (nullable): the datagen_session value, or %NULL when absent or empty
 */
char *
dg_session_token_from_cookie_header (const char *cookie_header)
{
  g_auto (GStrv) pairs = NULL;

  if (cookie_header == NULL)
    return NULL;
  pairs = g_strsplit (cookie_header, ";", -1);
  for (guint i = 0; pairs[i] != NULL; i++)
    {
      char *eq = strchr (pairs[i], '=');
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;
      char *unescaped;
      gsize length;

      if (eq == NULL)
        continue;
      name = g_strstrip (g_strndup (pairs[i], eq - pairs[i]));
      if (!g_str_equal (name, DG_SESSION_COOKIE_NAME))
        continue;
      value = g_strstrip (g_strdup (eq + 1));
      length = strlen (value);
      if (length >= 2 && value[0] == '"' && value[length - 1] == '"')
        {
          memmove (value, value + 1, length - 2);
          value[length - 2] = '\0';
        }
      unescaped = strchr (value, '%') != NULL ? g_uri_unescape_string (value, NULL) : NULL;
      if (unescaped != NULL)
        {
          g_free (value);
          value = unescaped;
        }
      if (value[0] == '\0')
        return NULL;
      return g_steal_pointer (&value);
    }
  return NULL;
}

/* ---------------------------------------------------------------------------------------- */
/* DgSession */

G_DEFINE_BOXED_TYPE (DgSession, dg_session, dg_session_copy, dg_session_free)

DgSession *
dg_session_copy (const DgSession *session)
{
  DgSession *copy;

  g_return_val_if_fail (session != NULL, NULL);

  copy = g_new0 (DgSession, 1);
  copy->id = g_strdup (session->id);
  copy->username = g_strdup (session->username);
  copy->role = g_strdup (session->role);
  copy->issued_at = session->issued_at;
  copy->expires_at = session->expires_at;
  /* Not a reference: copies go to other threads, and json-glib counts without atomics. */
  copy->claims = session->claims != NULL ? dg_json_object_copy (session->claims) : NULL;
  return copy;
}

void
dg_session_free (DgSession *session)
{
  if (session == NULL)
    return;
  g_free (session->id);
  g_free (session->username);
  g_free (session->role);
  g_clear_pointer (&session->claims, json_object_unref);
  g_free (session);
}

/* ---------------------------------------------------------------------------------------- */
/* DgSessions */

struct _DgSessions
{
  GObject parent_instance;

  DgConfig *config;
  DgStore *store;
  GMutex mutex;
  char *secret; /* resolved on first use */
  gint64 last_purge_ms;
};

/* Ended sessions are deleted at most this often, by the next issue. */
#define PURGE_INTERVAL_MS (60 * 60 * 1000)

G_DEFINE_FINAL_TYPE (DgSessions, dg_sessions, G_TYPE_OBJECT)

static void
dg_sessions_finalize (GObject *object)
{
  DgSessions *self = DG_SESSIONS (object);

  g_clear_pointer (&self->config, dg_config_unref);
  g_clear_object (&self->store);
  if (self->secret != NULL)
    dg_crypto_wipe (self->secret, strlen (self->secret));
  g_free (self->secret);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (dg_sessions_parent_class)->finalize (object);
}

static void
dg_sessions_class_init (DgSessionsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dg_sessions_finalize;
}

static void
dg_sessions_init (DgSessions *self)
{
  g_mutex_init (&self->mutex);
}

DgSessions *
dg_sessions_new (DgConfig *config, DgStore *store)
{
  DgSessions *self;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (DG_IS_STORE (store), NULL);

  self = g_object_new (DG_TYPE_SESSIONS, NULL);
  self->config = dg_config_ref (config);
  self->store = g_object_ref (store);
  return self;
}

/* The secret, resolved once; a failure is retried by the next call. Borrowed. */
static const char *
get_secret (DgSessions *self, GError **error)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  if (self->secret == NULL)
    self->secret = dg_session_resolve_secret (self->config, self->store, error);
  return self->secret;
}

static gboolean
purge_due (DgSessions *self, gint64 now_ms)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  if (now_ms - self->last_purge_ms < PURGE_INTERVAL_MS && now_ms >= self->last_purge_ms)
    return FALSE;
  self->last_purge_ms = now_ms;
  return TRUE;
}

char *
dg_sessions_issue (DgSessions *self, const char *username, const char *role, gint64 now_ms,
                   DgSession **out_session, GError **error)
{
  g_autoptr (JsonObject) claims = NULL;
  g_autofree char *sid = NULL;
  g_autofree char *token = NULL;
  const char *secret;
  gint64 iat, exp;

  g_return_val_if_fail (DG_IS_SESSIONS (self), NULL);
  g_return_val_if_fail (username != NULL && role != NULL, NULL);

  secret = get_secret (self, error);
  if (secret == NULL)
    return NULL;

  sid = dg_random_hex (16);
  iat = now_ms / 1000;
  exp = iat + DG_SESSION_TTL_SECONDS;
  /* Upstream's claims in upstream's order, then what makes it ours. */
  claims = json_object_new ();
  json_object_set_string_member (claims, "username", username);
  json_object_set_string_member (claims, "role", role);
  json_object_set_int_member (claims, "iat", iat);
  json_object_set_int_member (claims, "exp", exp);
  json_object_set_string_member (claims, DG_JWT_KIND_CLAIM, DG_JWT_KIND_SESSION);
  json_object_set_string_member (claims, DG_SESSION_ID_CLAIM, sid);

  token = dg_jwt_sign (claims, DG_JWT_KIND_SESSION, secret, error);
  if (token == NULL)
    return NULL;
  if (purge_due (self, now_ms) && !dg_store_sessions_purge (self->store, now_ms, error))
    return NULL;
  if (!dg_store_sessions_insert (self->store, sid, username, role, now_ms, exp * 1000, error))
    return NULL;

  if (out_session != NULL)
    {
      DgSession *session = g_new0 (DgSession, 1);

      session->id = g_steal_pointer (&sid);
      session->username = g_strdup (username);
      session->role = g_strdup (role);
      session->issued_at = iat;
      session->expires_at = exp;
      session->claims = g_steal_pointer (&claims);
      *out_session = session;
    }
  return g_steal_pointer (&token);
}

static const char *
claim_string (JsonObject *claims, const char *name)
{
  JsonNode *node = json_object_get_member (claims, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
claim_seconds (JsonObject *claims, const char *name, gint64 *out)
{
  JsonNode *node = json_object_get_member (claims, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_INT64 &&
       json_node_get_value_type (node) != G_TYPE_DOUBLE))
    return FALSE;
  *out = (gint64) json_node_get_double (node);
  return TRUE;
}

DgSession *
dg_sessions_verify (DgSessions *self, const char *token, gint64 now_ms, GError **error)
{
  g_autoptr (JsonObject) claims = NULL;
  g_autoptr (DgStoreSessionRow) row = NULL;
  g_autoptr (GError) local_error = NULL;
  const char *secret;
  const char *username, *role, *sid;
  gint64 iat = 0, exp = 0;
  DgSession *session;

  g_return_val_if_fail (DG_IS_SESSIONS (self), NULL);

  secret = get_secret (self, error);
  if (secret == NULL)
    return NULL;
  claims = dg_jwt_verify (token, DG_JWT_KIND_SESSION, secret, now_ms / 1000, &local_error);
  if (claims == NULL)
    {
      g_set_error (error, DG_SESSION_ERROR, DG_SESSION_ERROR_INVALID, "Invalid session: %s",
                   local_error->message);
      return NULL;
    }
  username = claim_string (claims, "username");
  role = claim_string (claims, "role");
  sid = claim_string (claims, DG_SESSION_ID_CLAIM);
  if (username == NULL || role == NULL || sid == NULL || !claim_seconds (claims, "iat", &iat) ||
      !claim_seconds (claims, "exp", &exp))
    {
      g_set_error_literal (error, DG_SESSION_ERROR, DG_SESSION_ERROR_INVALID,
                           "Invalid session: claims are missing");
      return NULL;
    }

  row = dg_store_sessions_get (self->store, sid, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (row == NULL || row->revoked_at != 0 || row->expires_at <= now_ms ||
      !g_str_equal (row->username, username) || !g_str_equal (row->role, role))
    {
      g_set_error_literal (error, DG_SESSION_ERROR, DG_SESSION_ERROR_REVOKED,
                           "The session has ended; sign in again");
      return NULL;
    }

  session = g_new0 (DgSession, 1);
  session->id = g_strdup (sid);
  session->username = g_strdup (username);
  session->role = g_strdup (role);
  session->issued_at = iat;
  session->expires_at = exp;
  session->claims = g_steal_pointer (&claims);
  return session;
}

gboolean
dg_sessions_revoke (DgSessions *self, const char *session_id, gint64 now_ms, GError **error)
{
  g_return_val_if_fail (DG_IS_SESSIONS (self), FALSE);
  g_return_val_if_fail (session_id != NULL, FALSE);

  return dg_store_sessions_revoke (self->store, session_id, now_ms, NULL, error);
}

gint64
dg_sessions_revoke_user (DgSessions *self, const char *username, gint64 now_ms, GError **error)
{
  g_return_val_if_fail (DG_IS_SESSIONS (self), -1);
  g_return_val_if_fail (username != NULL, -1);

  return dg_store_sessions_revoke_user (self->store, username, now_ms, error);
}

gboolean
dg_sessions_purge (DgSessions *self, gint64 before_ms, GError **error)
{
  g_return_val_if_fail (DG_IS_SESSIONS (self), FALSE);

  return dg_store_sessions_purge (self->store, before_ms, error);
}

/* ---------------------------------------------------------------------------------------- */
/* Main-loop variants */

typedef struct
{
  char *username;
  char *role;
  char *token;
  char *session_id;
  gint64 now_ms;
} SessionOp;

typedef struct
{
  char *token;
  DgSession *session;
} Issued;

static void
session_op_free (SessionOp *op)
{
  g_free (op->username);
  g_free (op->role);
  g_free (op->token);
  g_free (op->session_id);
  g_free (op);
}

/* Runs @func with @op (taken) in a GTask thread. */
static void
run_op (DgSessions *self, SessionOp *op, gpointer source_tag, GTaskThreadFunc func,
        GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, (GDestroyNotify) session_op_free);
  g_task_run_in_thread (task, func);
}

static void
issued_free (Issued *issued)
{
  g_free (issued->token);
  g_clear_pointer (&issued->session, dg_session_free);
  g_free (issued);
}

static void
issue_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  SessionOp *op = task_data;
  GError *error = NULL;
  Issued *issued = g_new0 (Issued, 1);

  issued->token =
      dg_sessions_issue (source, op->username, op->role, op->now_ms, &issued->session, &error);
  if (issued->token == NULL)
    {
      issued_free (issued);
      g_task_return_error (task, error);
    }
  else
    g_task_return_pointer (task, issued, (GDestroyNotify) issued_free);
}

void
dg_sessions_issue_async (DgSessions *self, const char *username, const char *role, gint64 now_ms,
                         GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data)
{
  SessionOp *op;

  g_return_if_fail (DG_IS_SESSIONS (self));

  op = g_new0 (SessionOp, 1);
  op->username = g_strdup (username);
  op->role = g_strdup (role);
  op->now_ms = now_ms;
  run_op (self, op, dg_sessions_issue_async, issue_thread, cancellable, callback, user_data);
}

char *
dg_sessions_issue_finish (DgSessions *self, GAsyncResult *result, DgSession **out_session,
                          GError **error)
{
  Issued *issued;
  char *token;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  issued = g_task_propagate_pointer (G_TASK (result), error);
  if (issued == NULL)
    return NULL;
  token = g_steal_pointer (&issued->token);
  if (out_session != NULL)
    *out_session = g_steal_pointer (&issued->session);
  issued_free (issued);
  return token;
}

static void
verify_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  SessionOp *op = task_data;
  GError *error = NULL;
  DgSession *session = dg_sessions_verify (source, op->token, op->now_ms, &error);

  if (session == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, session, (GDestroyNotify) dg_session_free);
}

void
dg_sessions_verify_async (DgSessions *self, const char *token, gint64 now_ms,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  SessionOp *op;

  g_return_if_fail (DG_IS_SESSIONS (self));

  op = g_new0 (SessionOp, 1);
  op->token = g_strdup (token);
  op->now_ms = now_ms;
  run_op (self, op, dg_sessions_verify_async, verify_thread, cancellable, callback, user_data);
}

DgSession *
dg_sessions_verify_finish (DgSessions *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
revoke_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  SessionOp *op = task_data;
  GError *error = NULL;

  if (dg_sessions_revoke (source, op->session_id, op->now_ms, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
dg_sessions_revoke_async (DgSessions *self, const char *session_id, gint64 now_ms,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  SessionOp *op;

  g_return_if_fail (DG_IS_SESSIONS (self));

  op = g_new0 (SessionOp, 1);
  op->session_id = g_strdup (session_id);
  op->now_ms = now_ms;
  run_op (self, op, dg_sessions_revoke_async, revoke_thread, cancellable, callback, user_data);
}

gboolean
dg_sessions_revoke_finish (DgSessions *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
