/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "dg-accounts.h"
#include "dg-config.h"
#include "dg-cstore.h"
#include "dg-mailer.h"
#include "dg-rate-limit.h"
#include "dg-store.h"

G_BEGIN_DECLS

/*
 * DgRegistration: self-registration and credential resend, the engine side of upstream's
 * POST /api/auth/register and /api/auth/register/resend (upstream-behaviour.md 1.5, 1.6,
 * 10.3-10.5), step for step, with two differences: the generated username keeps its random
 * suffix however long the email (upstream bug 18), and storage outages are a 503 instead
 * of an empty 500 (contract 2.1).
 *
 * Every call fills a DgRegistrationResult with the exact HTTP answer (status, the "message"
 * or "error" text, canResend, Retry-After), so a face only copies it out; on failure it also
 * returns FALSE with a DG_REGISTRATION_ERROR whose message is that same public text (the
 * underlying cause, never a secret, is in result->detail for the log).
 *
 * Standalone: accounts and their email column in SQLite, failure records in the
 * mail_failures table, rate-limit counters in rate_limits. Connected: the upstream CStore
 * hashes datagen:users, datagen:user-email-index and datagen:register-mail-failures.
 *
 * The plain calls block (password hashing, SMTP, storage): worker threads only; main-loop
 * callers use the _async variants. One DgRegistration serves any number of threads.
 */

#define DG_REGISTRATION_ERROR (dg_registration_error_quark ())

typedef enum {
  DG_REGISTRATION_ERROR_DISABLED,            /* 403 "Self-registration is disabled" (ours) */
  DG_REGISTRATION_ERROR_INVALID_PAYLOAD,     /* 400 "Invalid payload" */
  DG_REGISTRATION_ERROR_RATE_LIMITED,        /* 429 + Retry-After */
  DG_REGISTRATION_ERROR_MAIL_NOT_CONFIGURED, /* 503 "Email delivery is not configured. ..." */
  DG_REGISTRATION_ERROR_EMAIL_EXISTS,        /* 409 "Email already registered" */
  DG_REGISTRATION_ERROR_USER_EXISTS,         /* 409 "User already exists" */
  DG_REGISTRATION_ERROR_AUTH_NOT_CONFIGURED, /* 500 "Server auth is not configured" */
  DG_REGISTRATION_ERROR_FAILED,              /* 400 "Unable to create account" */
  DG_REGISTRATION_ERROR_UNAVAILABLE,         /* 503: SQLite / CStore cannot be reached (ours) */
  DG_REGISTRATION_ERROR_MAIL_FAILED,         /* 502 (503 on a mailer config error) + canResend */
  DG_REGISTRATION_ERROR_RESEND_FAILED,       /* 502 "Unable to resend credentials right now. ..." */
} DgRegistrationError;

GQuark dg_registration_error_quark (void);

/* The public texts, exactly as upstream answers them. */
#define DG_REGISTRATION_MSG_CREATED        "Account created. Credentials sent by email."
#define DG_REGISTRATION_MSG_RESEND_GENERIC "If credentials are eligible for resend, they were sent."
#define DG_REGISTRATION_MSG_DISABLED       "Self-registration is disabled"
#define DG_REGISTRATION_MSG_INVALID        "Invalid payload"
#define DG_REGISTRATION_MSG_RATE_REGISTER  "Too many registration attempts. Please try again later."
#define DG_REGISTRATION_MSG_RATE_RESEND    "Too many resend attempts. Please try again later."
#define DG_REGISTRATION_MSG_MAIL_CONFIG    "Email delivery is not configured. Please try again later."
#define DG_REGISTRATION_MSG_EMAIL_EXISTS   "Email already registered"
#define DG_REGISTRATION_MSG_USER_EXISTS    "User already exists"
#define DG_REGISTRATION_MSG_AUTH_CONFIG    "Server auth is not configured"
#define DG_REGISTRATION_MSG_FAILED         "Unable to create account"
#define DG_REGISTRATION_MSG_UNAVAILABLE    "Account storage is unavailable. Please try again later."
#define DG_REGISTRATION_MSG_MAIL_FAILED    "Account created, but email delivery failed. Use the resend endpoint to retry."
#define DG_REGISTRATION_MSG_RESEND_FAILED  "Unable to resend credentials right now. Please try again later."

/* The CStore hashes of connected mode (upstream 4.4). */
#define DG_REGISTRATION_USERS_HKEY       "datagen:users"
#define DG_REGISTRATION_EMAIL_INDEX_HKEY "datagen:user-email-index"
/* The store setting the desktop owner toggles ("true"/"false"; absent = enabled). */
#define DG_REGISTRATION_SETTING_ENABLED  "registration.enabled"

typedef struct {
  const char *name;      /* 1..120 UTF-16 units */
  const char *email;     /* zod email, <= 200 */
  const char *country;   /* 1..120 */
  const char *client_ip; /* the address to throttle on (dg_rate_limit_client_address) */
} DgRegistrationRequest;

typedef struct {
  guint     http_status;         /* 200 on success */
  char     *message;             /* "message" on success, "error" otherwise */
  char     *username;            /* the created account (success and MAIL_FAILED) */
  gboolean  can_resend;          /* MAIL_FAILED: answer "canResend": true */
  gint64    retry_after_seconds; /* RATE_LIMITED: the Retry-After header (else 0) */
  char     *detail;              /* the underlying cause for the log, or NULL */
} DgRegistrationResult;

void        dg_registration_result_clear   (DgRegistrationResult *result);
/* The response body: {"username","message"}, {"message"} or {"error"[, "canResend": true]}. */
JsonNode   *dg_registration_result_to_json (const DgRegistrationResult *result);

/*
 * Username of upstream 10.3 (local part, [^a-z0-9_] -> "_", outer "_" trimmed, "user" when
 * empty, then "_" + 4 random hex) with the suffix always kept: the base is cut to 59
 * characters first. @email must already be normalised.
 */
char       *dg_registration_generate_username (const char *email);
/* 16 characters: URL-safe base64 of 12 random bytes. */
char       *dg_registration_generate_password (void);
/* zod 4's email rule (upstream conventions) and the 200-character limit. */
gboolean    dg_registration_email_is_valid    (const char *email);
/* Trim + lowercase (ASCII trim of JS whitespace is enough for valid emails). */
char       *dg_registration_normalize_email   (const char *email);

#define DG_TYPE_REGISTRATION (dg_registration_get_type ())
G_DECLARE_FINAL_TYPE (DgRegistration, dg_registration, DG, REGISTRATION, GObject)

/*
 * @cstore: (nullable): connected mode's client (config->connected); NULL there creates one
 *   from @config.
 */
DgRegistration *dg_registration_new       (DgConfig       *config,
                                           DgStore        *store,
                                           DgAccounts     *accounts,
                                           DgMailer       *mailer,
                                           DgRateLimiter  *limiter,
                                           DgCStore       *cstore);

/* Milliseconds since the epoch; tests pin it (default dg_now_ms()). */
typedef gint64 (*DgRegistrationClock) (gpointer user_data);
void        dg_registration_set_clock     (DgRegistration      *self,
                                           DgRegistrationClock  clock,
                                           gpointer             user_data);

/* DgConfig.allow_registration and the store setting DG_REGISTRATION_SETTING_ENABLED. */
gboolean    dg_registration_is_enabled    (DgRegistration  *self,
                                           GError         **error);
gboolean    dg_registration_set_enabled   (DgRegistration  *self,
                                           gboolean         enabled,
                                           GError         **error);

/* POST /api/auth/register. @result is always filled (clear it with dg_registration_result_clear). */
gboolean    dg_registration_register      (DgRegistration              *self,
                                           const DgRegistrationRequest *request,
                                           DgRegistrationResult        *result,
                                           GCancellable                *cancellable,
                                           GError                     **error);
/* POST /api/auth/register/resend for @email from @client_ip. */
gboolean    dg_registration_resend        (DgRegistration              *self,
                                           const char                  *email,
                                           const char                  *client_ip,
                                           DgRegistrationResult        *result,
                                           GCancellable                *cancellable,
                                           GError                     **error);

void        dg_registration_register_async  (DgRegistration              *self,
                                             const DgRegistrationRequest *request,
                                             GCancellable                *cancellable,
                                             GAsyncReadyCallback          callback,
                                             gpointer                     user_data);
void        dg_registration_resend_async    (DgRegistration              *self,
                                             const char                  *email,
                                             const char                  *client_ip,
                                             GCancellable                *cancellable,
                                             GAsyncReadyCallback          callback,
                                             gpointer                     user_data);
/* Finishes both; @result is filled as by the plain calls. */
gboolean    dg_registration_finish          (DgRegistration              *self,
                                             GAsyncResult                *res,
                                             DgRegistrationResult        *result,
                                             GError                     **error);
void        dg_registration_set_enabled_async  (DgRegistration      *self,
                                                gboolean             enabled,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean    dg_registration_set_enabled_finish (DgRegistration      *self,
                                                GAsyncResult        *res,
                                                GError             **error);
void        dg_registration_is_enabled_async   (DgRegistration      *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean    dg_registration_is_enabled_finish  (DgRegistration      *self,
                                                GAsyncResult        *res,
                                                GError             **error);

G_END_DECLS
