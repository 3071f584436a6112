/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "dg-config.h"
#include "dg-store.h"

G_BEGIN_DECLS

/*
 * Sessions: the `datagen_session` cookie of upstream-behaviour.md section 2 (HS256 JWT,
 * claims {username, role, iat, exp} in that order, 7 days), plus "typ":"session" and
 * "sid": the id of a row in the sessions table. A token is valid only while its row exists,
 * is not revoked, has not expired and still names the same user and role, so logout,
 * account deletion and role changes take effect at once.
 */

#define DG_SESSION_COOKIE_NAME  "datagen_session"
#define DG_SESSION_TTL_SECONDS  604800
#define DG_SESSION_DEV_SECRET   "datagems-dev-session-secret"
#define DG_SESSION_ID_CLAIM     "sid"
/* Settings key of the secret generated for a standalone desktop install. */
#define DG_SESSION_SECRET_SETTING "session.secret"

#define DG_SESSION_ERROR (dg_session_error_quark ())

typedef enum {
  DG_SESSION_ERROR_NOT_CONFIGURED, /* "Missing required environment variable: DATAGEN_SESSION_SECRET" */
  DG_SESSION_ERROR_INVALID,        /* no token, malformed, bad signature, expired, not a session */
  DG_SESSION_ERROR_REVOKED,        /* signed by us but logged out, deleted, role changed or unknown */
} DgSessionError;

GQuark dg_session_error_quark (void);

/*
 * The signing secret shared by sessions, draft tokens and the registration-failure key
 * (upstream section 2), resolved in this order:
 *  1. DATAGEN_SESSION_SECRET;
 *  2. NODE_ENV development/test, or mock mode: the constant DG_SESSION_DEV_SECRET (logged
 *     once with g_message);
 *  3. standalone (not connected) without NODE_ENV, with @store: a random secret created on
 *     first use and kept in the store's settings (DG_SESSION_SECRET_SETTING), so a desktop
 *     install works without configuration and sessions survive restarts;
 *  4. otherwise DG_SESSION_ERROR_NOT_CONFIGURED.
 * Blocking (may write the settings table); call from a worker thread or at start-up.
 */
char       *dg_session_resolve_secret  (DgConfig     *config,
                                        DgStore      *store,
                                        GError      **error);

/* Set-Cookie values exactly as upstream's cookie 1.1.1 writes them; @secure = production. */
char       *dg_session_cookie          (const char   *token,
                                        gboolean      secure);
char       *dg_session_clear_cookie    (gboolean      secure);
/* The datagen_session value from a Cookie request header, or NULL. */
char       *dg_session_token_from_cookie_header (const char *cookie_header);

/* A verified session. */
typedef struct {
  char       *id;          /* sid */
  char       *username;
  char       *role;
  gint64      issued_at;   /* Unix seconds (iat) */
  gint64      expires_at;  /* Unix seconds (exp) */
  JsonObject *claims;      /* the whole verified payload (what /api/auth/me returns) */
} DgSession;

#define DG_TYPE_SESSION (dg_session_get_type ())
GType       dg_session_get_type        (void) G_GNUC_CONST;
DgSession  *dg_session_copy            (const DgSession *session);
void        dg_session_free            (DgSession       *session);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DgSession, dg_session_free)

#define DG_TYPE_SESSIONS (dg_sessions_get_type ())
G_DECLARE_FINAL_TYPE (DgSessions, dg_sessions, DG, SESSIONS, GObject)

/* Never fails: a missing secret is reported by each call (login → 500 upstream). */
DgSessions *dg_sessions_new            (DgConfig     *config,
                                        DgStore      *store);

/*
 * Issues a session token for @username/@role at @now_ms and records it.
 * @out_session: (out) (optional): the session as verify would return it.
 */
char       *dg_sessions_issue          (DgSessions   *self,
                                        const char   *username,
                                        const char   *role,
                                        gint64        now_ms,
                                        DgSession   **out_session,
                                        GError      **error);
/* Verifies signature, kind, expiry and the server-side record. */
DgSession  *dg_sessions_verify         (DgSessions   *self,
                                        const char   *token,
                                        gint64        now_ms,
                                        GError      **error);
/* Logout: revokes one session (unknown ids are not an error). */
gboolean    dg_sessions_revoke         (DgSessions   *self,
                                        const char   *session_id,
                                        gint64        now_ms,
                                        GError      **error);
/* Revokes every live session of @username; returns how many were revoked, -1 on error. */
gint64      dg_sessions_revoke_user    (DgSessions   *self,
                                        const char   *username,
                                        gint64        now_ms,
                                        GError      **error);
/* Deletes rows that expired or were revoked before @before_ms (issue also does it hourly). */
gboolean    dg_sessions_purge          (DgSessions   *self,
                                        gint64        before_ms,
                                        GError      **error);

/* Main-loop variants (the sync ones touch SQLite). */
void        dg_sessions_issue_async    (DgSessions          *self,
                                        const char          *username,
                                        const char          *role,
                                        gint64               now_ms,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
char       *dg_sessions_issue_finish   (DgSessions          *self,
                                        GAsyncResult        *result,
                                        DgSession          **out_session,
                                        GError             **error);
void        dg_sessions_verify_async   (DgSessions          *self,
                                        const char          *token,
                                        gint64               now_ms,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
DgSession  *dg_sessions_verify_finish  (DgSessions          *self,
                                        GAsyncResult        *result,
                                        GError             **error);
void        dg_sessions_revoke_async   (DgSessions          *self,
                                        const char          *session_id,
                                        gint64               now_ms,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean    dg_sessions_revoke_finish  (DgSessions          *self,
                                        GAsyncResult        *result,
                                        GError             **error);

G_END_DECLS
