/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define DG_STORE_ERROR (dg_store_error_quark ())

typedef enum {
  DG_STORE_ERROR_OPEN,        /* the database file cannot be opened or created */
  DG_STORE_ERROR_TOO_NEW,     /* written by a newer DataGems: we refuse to touch it */
  DG_STORE_ERROR_MIGRATE,     /* an upgrade step failed; the database is unchanged */
  DG_STORE_ERROR_CORRUPT,     /* SQLite reports corruption */
  DG_STORE_ERROR_FULL,        /* the disk is full */
  DG_STORE_ERROR_BUSY,        /* another process holds the database for too long */
  DG_STORE_ERROR_NOT_FOUND,   /* no such row */
  DG_STORE_ERROR_CONSTRAINT,  /* a uniqueness or foreign-key rule was broken */
  DG_STORE_ERROR_FAILED,      /* any other SQLite error */
} DgStoreError;

GQuark dg_store_error_quark (void);

#define DG_TYPE_STORE (dg_store_get_type ())
G_DECLARE_FINAL_TYPE (DgStore, dg_store, DG, STORE, GObject)

/* The schema version this build writes; dg_store_open() upgrades older files to it. */
#define DG_STORE_SCHEMA_VERSION (dg_store_latest_schema_version ())

int         dg_store_latest_schema_version (void);

DgStore    *dg_store_open                  (const char          *path,
                                            GError             **error);
void        dg_store_open_async            (const char          *path,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
DgStore    *dg_store_open_finish           (GAsyncResult        *result,
                                            GError             **error);
DgStore    *dg_store_open_at_version       (const char          *path,
                                            int                  version,
                                            GError             **error);

const char *dg_store_get_path              (DgStore             *self);
int         dg_store_get_schema_version    (DgStore             *self);

/* Transactions group many writes (records in batches) into one commit. */
gboolean    dg_store_begin                 (DgStore             *self,
                                            GError             **error);
gboolean    dg_store_commit                (DgStore             *self,
                                            GError             **error);
void        dg_store_rollback              (DgStore             *self);

/* Settings: a small key/value table for instance-wide preferences. */
char       *dg_store_get_setting           (DgStore             *self,
                                            const char          *key,
                                            GError             **error);
gboolean    dg_store_set_setting           (DgStore             *self,
                                            const char          *key,
                                            const char          *value,
                                            GError             **error);

/*
 * Runs @func on a worker thread with the store, for faces whose main loop
 * must not wait on SQLite. Each room builds its typed _async/_finish pairs
 * on this. @func returns a pointer result (or NULL with @error set).
 */
typedef gpointer (*DgStoreFunc) (DgStore       *store,
                                 gpointer       data,
                                 GCancellable  *cancellable,
                                 GError       **error);

void        dg_store_run_async             (DgStore             *self,
                                            DgStoreFunc          func,
                                            gpointer             data,
                                            GDestroyNotify       data_free,
                                            GDestroyNotify       result_free,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gpointer    dg_store_run_finish            (DgStore             *self,
                                            GAsyncResult        *result,
                                            GError             **error);

G_END_DECLS
