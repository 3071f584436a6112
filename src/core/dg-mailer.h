/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "dg-config.h"

G_BEGIN_DECLS

/*
 * DgMailer: sends mail over SMTP with libcurl, as upstream's nodemailer transport does
 * (upstream-behaviour.md 10.4): implicit TLS (smtps://) on port 465, otherwise STARTTLS
 * is required (a server without STARTTLS is refused, never a clear-text login); login
 * with user/password; connect timeout 10 s, whole exchange 30 s.
 *
 * Immutable after creation: one DgMailer may be used from any thread. The plain calls
 * block (worker threads only); the _async variants run them in a GTask thread.
 * Passwords (SMTP and mailed credentials) never appear in logs or error messages.
 */

#define DG_MAILER_ERROR (dg_mailer_error_quark ())

typedef enum {
  /* Configuration (upstream MailerConfigError; registration answers 503 for these two). */
  DG_MAILER_ERROR_NOT_CONFIGURED, /* "SMTP host, port, user, and from must be configured" */
  DG_MAILER_ERROR_NO_PASSWORD,    /* "SMTP password/API key is not configured" */
  /* Delivery (registration answers 502). */
  DG_MAILER_ERROR_INVALID,        /* a recipient, sender or subject that cannot be sent safely */
  DG_MAILER_ERROR_CONNECT,        /* the server cannot be reached or closed the connection */
  DG_MAILER_ERROR_TIMEOUT,        /* no answer in time */
  DG_MAILER_ERROR_TLS,            /* TLS failed or the server does not offer STARTTLS */
  DG_MAILER_ERROR_AUTH,           /* the server refused the login */
  DG_MAILER_ERROR_REJECTED,       /* the server refused the sender, a recipient or the message */
  DG_MAILER_ERROR_FAILED,         /* anything else */
} DgMailerError;

GQuark dg_mailer_error_quark (void);

#define DG_MAILER_CONFIG_MESSAGE      "SMTP host, port, user, and from must be configured"
#define DG_MAILER_NO_PASSWORD_MESSAGE "SMTP password/API key is not configured"
#define DG_MAILER_CREDENTIALS_SUBJECT "Your DataGems account credentials"

#define DG_MAILER_DEFAULT_CONNECT_TIMEOUT_MS 10000
#define DG_MAILER_DEFAULT_TIMEOUT_MS         30000

/* TRUE for the configuration codes (NOT_CONFIGURED, NO_PASSWORD): upstream's 503 cases. */
gboolean dg_mailer_error_is_config (const GError *error);

typedef struct {
  const char *host;
  int         port;           /* 465: implicit TLS; anything else: STARTTLS required */
  const char *user;
  const char *password;
  const char *from;           /* "addr@example.org" or "Name <addr@example.org>" */
  guint       connect_timeout_ms; /* 0: DG_MAILER_DEFAULT_CONNECT_TIMEOUT_MS */
  guint       timeout_ms;         /* 0: DG_MAILER_DEFAULT_TIMEOUT_MS (whole exchange) */
  /* Tests only: talk clear-text SMTP to a local stand-in (no TLS at all). Never set from
   * configuration or the environment. */
  gboolean    allow_plaintext_for_tests;
} DgMailerOptions;

#define DG_TYPE_MAILER (dg_mailer_get_type ())
G_DECLARE_FINAL_TYPE (DgMailer, dg_mailer, DG, MAILER, GObject)

/* Copies @options. An incomplete configuration is accepted here; sending reports it. */
DgMailer   *dg_mailer_new               (const DgMailerOptions *options);
/* From DATAGEN_SMTP_HOST/PORT/USER/PASS/FROM. */
DgMailer   *dg_mailer_new_from_config   (DgConfig              *config);

/* Upstream's configuration check: host, port, user, from non-blank, then the password. */
gboolean    dg_mailer_check_config      (DgMailer              *self,
                                         GError               **error);
gboolean    dg_mailer_is_configured     (DgMailer              *self);

typedef enum {
  DG_MAILER_SECURITY_IMPLICIT_TLS, /* port 465: smtps:// (nodemailer secure: true) */
  DG_MAILER_SECURITY_STARTTLS,     /* any other port: STARTTLS required (requireTLS: true) */
  DG_MAILER_SECURITY_PLAINTEXT,    /* tests only (allow_plaintext_for_tests) */
} DgMailerSecurity;

DgMailerSecurity dg_mailer_get_security (DgMailer            *self);

/* Sends a plain-text UTF-8 message to one recipient (bare address). */
gboolean    dg_mailer_send              (DgMailer              *self,
                                         const char            *to,
                                         const char            *subject,
                                         const char            *body,
                                         GCancellable          *cancellable,
                                         GError               **error);

/* The credentials email of upstream 10.4 (subject DG_MAILER_CREDENTIALS_SUBJECT). */
char       *dg_mailer_credentials_body  (const char            *username,
                                         const char            *password);
gboolean    dg_mailer_send_credentials  (DgMailer              *self,
                                         const char            *to,
                                         const char            *username,
                                         const char            *password,
                                         GCancellable          *cancellable,
                                         GError               **error);

void        dg_mailer_send_credentials_async  (DgMailer            *self,
                                               const char          *to,
                                               const char          *username,
                                               const char          *password,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean    dg_mailer_send_credentials_finish (DgMailer            *self,
                                               GAsyncResult        *result,
                                               GError             **error);

G_END_DECLS
