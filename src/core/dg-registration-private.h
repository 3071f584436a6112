/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Shared by dg-registration.c (register), dg-registration-resend.c and -async.c. */

#include "dg-mail-failure.h"
#include "dg-registration.h"

G_BEGIN_DECLS

struct _DgRegistration
{
  GObject parent_instance;

  DgConfig *config;
  DgStore *store;
  DgAccounts *accounts;
  DgMailer *mailer;
  DgRateLimiter *limiter;
  DgCStore *cstore; /* connected mode only */
  gboolean connected;
  DgRegistrationClock clock;
  gpointer clock_data;
};

gint64      dg_registration_now            (DgRegistration        *self);

/* Clears @result, then FALSE (with the public answer) when registration is off or its
 * setting cannot be read: how every request starts. */
gboolean    dg_registration_begin          (DgRegistration        *self,
                                            DgRegistrationResult  *result,
                                            GError               **error);
/* Fills @result and @error with @code's public answer; @cause (nullable) goes to detail. */
gboolean    dg_registration_fail           (DgRegistrationResult  *result,
                                            GError               **error,
                                            DgRegistrationError    code,
                                            const char            *message,
                                            const GError          *cause);
/* Maps a storage / accounts failure as upstream's catch-all does (plus our 503). */
gboolean    dg_registration_fail_from      (DgRegistrationResult  *result,
                                            GError               **error,
                                            const GError          *cause);

/* The failure record of @email (NULL without an error when none or unreadable). */
JsonObject *dg_registration_failure_get    (DgRegistration        *self,
                                            const char            *email,
                                            GCancellable          *cancellable,
                                            GError               **error);
gboolean    dg_registration_failure_put    (DgRegistration        *self,
                                            const char            *email,
                                            JsonObject            *record,
                                            GCancellable          *cancellable,
                                            GError               **error);

G_END_DECLS
