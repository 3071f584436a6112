/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "dg-accounts.h"
#include "dg-cstore-standin.h"
#include "dg-mail-failure.h"
#include "dg-rate-limit.h"
#include "dg-registration.h"
#include "dg-smtp-standin.h"
#include "dg-test-utils.h"

G_BEGIN_DECLS

/* 2026-02-17T10:11:12.345Z, the pinned "now" of the registration tests. */
static inline gint64
dg_test_registration_epoch_ms (void)
{
  return G_GINT64_CONSTANT (1771323072345);
}

#define SMTP_USER   "resend"
#define SMTP_PASS   "re_smtp_key"
#define SECRET      "registration-test-secret"
#define AUTH_HKEY   "auth:test"
#define AUTH_PEPPER "super-secret-pepper"

/* Per-test setup: connected (CStore stand-in) or standalone, SMTP password set or not. */
typedef struct
{
  gboolean connected;
  gboolean mail_unconfigured;
  const char *const *extra_env;
} Options;

typedef struct
{
  DgTestDir *dir;
  DgSmtpStandin *smtp;
  DgCStoreStandin *cstore_standin;
  DgConfig *config;
  DgStore *store;
  DgCStore *cstore;
  DgAccounts *accounts;
  DgMailer *mailer;
  DgRateLimiter *limiter;
  DgRegistration *reg;
  gint64 now;
} Fixture;

/* The fixture shared by test-registration.c and test-registration-resend.c. */
void            dg_test_reg_setup               (Fixture       *f,
                                                 gconstpointer  data);
void            dg_test_reg_teardown            (Fixture       *f,
                                                 gconstpointer  data);
DgConfig       *dg_test_reg_config              (Fixture       *f,
                                                 const Options *o,
                                                 const char    *secret);
DgMailer       *dg_test_reg_mailer              (Fixture       *f,
                                                 const char    *password,
                                                 guint          timeout_ms);
DgRegistration *dg_test_reg_registration        (Fixture       *f,
                                                 DgConfig      *config,
                                                 DgMailer      *mailer);
gboolean        dg_test_reg_register            (Fixture              *f,
                                                 const char           *name,
                                                 const char           *email,
                                                 const char           *country,
                                                 const char           *ip,
                                                 DgRegistrationResult *result,
                                                 GError              **error);
/* The failure record of @email as stored (SQLite or CStore), parsed; NULL when none. */
JsonObject     *dg_test_reg_stored_failure      (Fixture       *f,
                                                 const char    *email);
/* Username and password from the text of mail @index. */
void            dg_test_reg_mailed_credentials  (Fixture       *f,
                                                 guint          index,
                                                 char         **username,
                                                 char         **password);
void            dg_test_reg_assert_can_sign_in  (Fixture       *f,
                                                 const char    *username,
                                                 const char    *password);

void dg_test_registration_add_record_tests (void);
void dg_test_registration_add_flow_tests   (void);
void dg_test_registration_add_resend_tests (void);

G_END_DECLS
