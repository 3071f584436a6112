/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dg-store.h"

G_BEGIN_DECLS

/*
 * The `accounts` table: one row per canonical username holding the cstore-auth-ts record
 * JSON verbatim in `record`; the other columns are indexes derived from it by the caller
 * (dg-accounts). Thread-safe (the store's lock).
 */

typedef struct {
  const char *username;
  const char *record;      /* the JSON text, stored byte for byte */
  const char *role;        /* "admin" | "user" */
  const char *email;       /* metadata email, trimmed and lowercased; NULL when none */
  gboolean    deleted;
  const char *created_at;
  const char *updated_at;
} DgStoreAccountRow;

/* The record text, or NULL without an error when there is no such row. */
char       *dg_store_accounts_get           (DgStore                 *self,
                                             const char              *username,
                                             GError                 **error);
/* Inserts or replaces. */
gboolean    dg_store_accounts_put           (DgStore                 *self,
                                             const DgStoreAccountRow *row,
                                             GError                 **error);
/*
 * Inserts only when no row has this username (@only_if_empty: only when the table is
 * empty). *@inserted says whether it did. One statement: atomic across threads/processes.
 */
gboolean    dg_store_accounts_insert        (DgStore                 *self,
                                             const DgStoreAccountRow *row,
                                             gboolean                 only_if_empty,
                                             gboolean                *inserted,
                                             GError                 **error);
gboolean    dg_store_accounts_delete        (DgStore                 *self,
                                             const char              *username,
                                             GError                 **error);
/* username -> record text, both owned by the table. */
GHashTable *dg_store_accounts_get_all       (DgStore                 *self,
                                             GError                 **error);
/* The username of the account with this (normalised) email, or NULL without an error. */
char       *dg_store_accounts_find_by_email (DgStore                 *self,
                                             const char              *email,
                                             GError                 **error);
/* Number of rows; -1 on error. */
gint64      dg_store_accounts_count         (DgStore                 *self,
                                             GError                 **error);

G_END_DECLS
