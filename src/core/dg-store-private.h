/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Only the dg-store*.c files include this: SQL lives in the store room and
 * nowhere else. Each table family has its own dg-store-<table>.c file built
 * on these helpers.
 */

#include <sqlite3.h>

#include "dg-store.h"

G_BEGIN_DECLS

/* Every statement runs with the store's recursive lock held. */
GRecMutexLocker *dg_store_lock          (DgStore      *self);

/* A cached prepared statement, reset and with its bindings cleared. Lock first. */
sqlite3_stmt    *dg_store_prepare       (DgStore      *self,
                                         const char   *sql,
                                         GError      **error);
gboolean         dg_store_exec          (DgStore      *self,
                                         const char   *sql,
                                         GError      **error);
sqlite3         *dg_store_get_db        (DgStore      *self);

/* Steps a statement that returns no rows (INSERT/UPDATE/DELETE). */
gboolean         dg_store_step_done     (DgStore      *self,
                                         sqlite3_stmt *stmt,
                                         GError      **error);

/* Fills @error from the connection's last error, with @what as context. */
void             dg_store_set_error     (DgStore      *self,
                                         int           rc,
                                         const char   *what,
                                         GError      **error);

/* A separate read-only connection for long reads (exports) that must not block writers. */
sqlite3         *dg_store_open_reader   (DgStore      *self,
                                         GError      **error);

/* Binding helpers: NULL strings bind as SQL NULL. */
void             dg_store_bind_text     (sqlite3_stmt *stmt,
                                         int           index,
                                         const char   *value);
char            *dg_store_column_dup    (sqlite3_stmt *stmt,
                                         int           column);

/* dg-store-migrations.c */
typedef struct {
  int         version;
  const char *description;
  const char *sql;
} DgStoreMigration;

const DgStoreMigration *dg_store_migrations (guint *n_migrations);

G_END_DECLS
