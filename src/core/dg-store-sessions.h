/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dg-store.h"

G_BEGIN_DECLS

/* The `sessions` table: one row per issued session token. Times are Unix milliseconds. */

typedef struct {
  char   *id;
  char   *username;
  char   *role;
  gint64  issued_at;
  gint64  expires_at;
  gint64  revoked_at;   /* 0 when live */
} DgStoreSessionRow;

void        dg_store_session_row_free        (DgStoreSessionRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DgStoreSessionRow, dg_store_session_row_free)

gboolean    dg_store_sessions_insert         (DgStore     *self,
                                              const char  *id,
                                              const char  *username,
                                              const char  *role,
                                              gint64       issued_at,
                                              gint64       expires_at,
                                              GError     **error);
/* NULL without an error when there is no such session. */
DgStoreSessionRow *dg_store_sessions_get     (DgStore     *self,
                                              const char  *id,
                                              GError     **error);
/* Revokes one session if live; *@changed (optional) says whether it was. */
gboolean    dg_store_sessions_revoke         (DgStore     *self,
                                              const char  *id,
                                              gint64       now,
                                              gboolean    *changed,
                                              GError     **error);
/* Revokes every live session of @username; returns the number revoked or -1. */
gint64      dg_store_sessions_revoke_user    (DgStore     *self,
                                              const char  *username,
                                              gint64       now,
                                              GError     **error);
/* Deletes sessions that expired, or were revoked, before @before. */
gboolean    dg_store_sessions_purge          (DgStore     *self,
                                              gint64       before,
                                              GError     **error);

/*
 * Returns the setting @key, storing @candidate first when it has no value yet (one atomic
 * statement, so concurrent first uses agree on one value). Used for generated secrets.
 */
char       *dg_store_settings_ensure         (DgStore     *self,
                                              const char  *key,
                                              const char  *candidate,
                                              GError     **error);

G_END_DECLS
