/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dg-store.h"

G_BEGIN_DECLS

/*
 * The `mail_failures` table (standalone mode): one credentials-delivery failure record per
 * normalised email, the JSON text exactly as it would be stored in the CStore hash
 * `datagen:register-mail-failures` (upstream-behaviour.md 4.8). Thread-safe (the store's lock).
 */

/* The record text, or NULL without an error when there is none. */
char       *dg_store_mail_failures_get    (DgStore     *self,
                                           const char  *email,
                                           GError     **error);
/* Inserts or replaces @email's record. */
gboolean    dg_store_mail_failures_put    (DgStore     *self,
                                           const char  *email,
                                           const char  *record,
                                           GError     **error);
gboolean    dg_store_mail_failures_delete (DgStore     *self,
                                           const char  *email,
                                           GError     **error);

G_END_DECLS
