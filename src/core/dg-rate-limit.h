/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "dg-config.h"
#include "dg-cstore.h"
#include "dg-store.h"

G_BEGIN_DECLS

/*
 * Throttling.
 *
 * Registration and resend (upstream-behaviour.md 10.5, exactly): fixed windows
 * bucket = floor(now_s / window), key "<prefix>:<encodeURIComponent(lower(trim(subject))
 * or "unknown")>:<bucket>", count += 1, allowed iff count <= max (denied attempts count too),
 * Retry-After = max(1, (bucket + 1) * window - now_s); the address first, and the email only
 * when the address passed. Counters live in the SQLite rate_limits table standalone (one
 * atomic statement per hit; expired windows are purged) and under the upstream CStore plain
 * keys in connected mode (read then write, as upstream, so both kinds of instance share them).
 *
 * Login (ours): failures are counted per username and per client address in windows that
 * start at the first failure and last DgConfig.login_window_seconds; once either count
 * reaches DgConfig.login_max_failures further attempts are refused until that window ends
 * (Retry-After). A success clears the username's counter, never the address's. Login
 * counters are always local (SQLite), also in connected mode.
 *
 * Every function takes the current time so tests can pin it. The plain functions block
 * (SQLite or HTTP); main-loop callers use the _async variants.
 */

typedef enum {
  DG_RATE_LIMIT_REGISTER,
  DG_RATE_LIMIT_RESEND,
} DgRateLimitKind;

typedef struct {
  gboolean allowed;
  gint64   retry_after_seconds; /* meaningful when !allowed (always >= 1) */
  gint64   count;               /* the counter that decided, after this call */
  gint64   limit;               /* its maximum */
} DgRateLimitResult;

/* Key prefixes (upstream 4.9 for registration; ours for login). */
#define DG_RATE_PREFIX_REGISTER_IP     "datagen:rate:register:ip"
#define DG_RATE_PREFIX_REGISTER_EMAIL  "datagen:rate:register:email"
#define DG_RATE_PREFIX_RESEND_IP       "datagen:rate:register:resend:ip"
#define DG_RATE_PREFIX_RESEND_EMAIL    "datagen:rate:register:resend:email"
#define DG_RATE_PREFIX_LOGIN_USER      "datagems:rate:login:user"
#define DG_RATE_PREFIX_LOGIN_ADDRESS   "datagems:rate:login:address"

/* JavaScript encodeURIComponent (UTF-8, uppercase hex; A-Z a-z 0-9 - _ . ! ~ * ' ( ) kept). */
char       *dg_rate_limit_encode_uri_component (const char *text);
/* "<prefix>:<encoded subject>:<bucket>"; @bucket < 0 leaves the bucket out (login keys). */
char       *dg_rate_limit_key                  (const char *prefix,
                                                const char *subject,
                                                gint64      bucket);

/*
 * The client address to throttle on: when @peer_address is one of
 * DgConfig.trusted_proxies (addresses or CIDR ranges), the first entry of
 * @x_forwarded_for (trimmed), else @x_real_ip (trimmed); otherwise @peer_address itself.
 * "unknown" when nothing usable is given.
 */
char       *dg_rate_limit_client_address       (DgConfig   *config,
                                                const char *peer_address,
                                                const char *x_forwarded_for,
                                                const char *x_real_ip);

#define DG_TYPE_RATE_LIMITER (dg_rate_limiter_get_type ())
G_DECLARE_FINAL_TYPE (DgRateLimiter, dg_rate_limiter, DG, RATE_LIMITER, GObject)

/*
 * @store: local counters (login always; registration when standalone).
 * @cstore: (nullable): registration counters in connected mode (DgConfig.connected);
 *   NULL there creates a client from @config.
 */
DgRateLimiter *dg_rate_limiter_new             (DgConfig       *config,
                                                DgStore        *store,
                                                DgCStore       *cstore);

/* Counts one registration (or resend) attempt from @ip for @email (10.5). */
gboolean    dg_rate_limiter_check_registration (DgRateLimiter     *self,
                                                DgRateLimitKind    kind,
                                                const char        *ip,
                                                const char        *email,
                                                gint64             now_ms,
                                                DgRateLimitResult *result,
                                                GCancellable      *cancellable,
                                                GError           **error);

/* Before verifying a password: may @username try from @address now? Counts nothing. */
gboolean    dg_rate_limiter_login_check        (DgRateLimiter     *self,
                                                const char        *username,
                                                const char        *address,
                                                gint64             now_ms,
                                                DgRateLimitResult *result,
                                                GError           **error);
/* After a failed login: counts it; @result says whether the next attempt is refused. */
gboolean    dg_rate_limiter_login_failed       (DgRateLimiter     *self,
                                                const char        *username,
                                                const char        *address,
                                                gint64             now_ms,
                                                DgRateLimitResult *result,
                                                GError           **error);
/* After a successful login: clears the username's failures (the address keeps its count). */
gboolean    dg_rate_limiter_login_succeeded    (DgRateLimiter     *self,
                                                const char        *username,
                                                gint64             now_ms,
                                                GError           **error);

/* Main-loop variants; the result is copied out by _finish. */
void        dg_rate_limiter_check_registration_async  (DgRateLimiter       *self,
                                                       DgRateLimitKind      kind,
                                                       const char          *ip,
                                                       const char          *email,
                                                       gint64               now_ms,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean    dg_rate_limiter_check_registration_finish (DgRateLimiter       *self,
                                                       GAsyncResult        *result,
                                                       DgRateLimitResult   *out,
                                                       GError             **error);
void        dg_rate_limiter_login_check_async  (DgRateLimiter       *self,
                                                const char          *username,
                                                const char          *address,
                                                gint64               now_ms,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean    dg_rate_limiter_login_check_finish (DgRateLimiter       *self,
                                                GAsyncResult        *result,
                                                DgRateLimitResult   *out,
                                                GError             **error);
void        dg_rate_limiter_login_failed_async (DgRateLimiter       *self,
                                                const char          *username,
                                                const char          *address,
                                                gint64               now_ms,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean    dg_rate_limiter_login_failed_finish (DgRateLimiter      *self,
                                                 GAsyncResult       *result,
                                                 DgRateLimitResult  *out,
                                                 GError            **error);
void        dg_rate_limiter_login_succeeded_async (DgRateLimiter       *self,
                                                   const char          *username,
                                                   gint64               now_ms,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean    dg_rate_limiter_login_succeeded_finish (DgRateLimiter      *self,
                                                    GAsyncResult       *result,
                                                    GError            **error);

G_END_DECLS
