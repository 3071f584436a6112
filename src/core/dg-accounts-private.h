/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dg-accounts.h"
#include "dg-js-string.h"
#include "dg-json-copy.h"

G_BEGIN_DECLS

typedef struct _DgAccountsBackend DgAccountsBackend;

/* Shared by dg-accounts*.c. */
struct _DgAccounts {
  GObject parent_instance;

  DgConfig *config;
  DgStore *store;
  DgAccountsBackend *backend;
  DgAccountsClock clock;
  gpointer clock_data;

  GMutex init_mutex;
  gboolean initialised;
  char *pepper; /* set once initialised */
  JsonObject *dummy_record; /* verified against for unknown users, to hide which names exist */
};

gint64      _dg_accounts_now_ms           (DgAccounts    *self);
char       *_dg_accounts_now_iso          (DgAccounts    *self);
/* The key of @username: canonical, or in mock mode only trimmed and lowercased. */
char       *_dg_accounts_storage_name     (DgAccounts    *self,
                                           const char    *username,
                                           GError       **error);
/*
 * Reads and parses the record stored under @name: TRUE with *@out_record NULL when there is
 * none; FALSE with @error when it cannot be read (storage) or parsed (SERIALIZATION).
 */
gboolean    _dg_accounts_load_record      (DgAccounts    *self,
                                           const char    *name,
                                           JsonObject   **out_record,
                                           GCancellable  *cancellable,
                                           GError       **error);
/* Prepares @self, then loads the record of @username under its storage name (*@out_name). */
gboolean    _dg_accounts_lookup           (DgAccounts    *self,
                                           const char    *username,
                                           char         **out_name,
                                           JsonObject   **out_record,
                                           GCancellable  *cancellable,
                                           GError       **error);
gboolean    _dg_accounts_store_record     (DgAccounts    *self,
                                           const char    *name,
                                           JsonObject    *record,
                                           GCancellable  *cancellable,
                                           GError       **error);
gboolean    _dg_accounts_validate_role    (const char    *role,
                                           GError       **error);
/* A new password record with the instance's pepper (errors mapped to ours). */
JsonObject *_dg_accounts_hash_password    (DgAccounts    *self,
                                           const char    *password,
                                           GError       **error);
void        _dg_accounts_propagate_password_error (GError **error,
                                                   GError  *password_error);

/*
 * The storage under DgAccounts: the three calls cstore-auth-ts makes (hget, hset, hgetAll)
 * plus an insert-if-absent, which SQLite and memory do atomically and CStore (like
 * cstore-auth-ts) as a check then a write. Values are record JSON texts.
 */
struct _DgAccountsBackend {
  DgAccountsBackendKind kind;

  /* The record text, or NULL without an error when missing (an empty value counts as missing). */
  char       *(*get)     (DgAccountsBackend  *self,
                          const char         *username,
                          GCancellable       *cancellable,
                          GError            **error);
  /* Writes @text (whose parsed form is @record) under @username; NULL deletes. */
  gboolean    (*put)     (DgAccountsBackend  *self,
                          const char         *username,
                          JsonObject         *record,
                          const char         *text,
                          GCancellable       *cancellable,
                          GError            **error);
  /* As put, only when @username is absent (@only_if_empty: only when no account exists). */
  gboolean    (*insert)  (DgAccountsBackend  *self,
                          const char         *username,
                          JsonObject         *record,
                          const char         *text,
                          gboolean            only_if_empty,
                          gboolean           *inserted,
                          GCancellable       *cancellable,
                          GError            **error);
  /* username -> record text. */
  GHashTable *(*get_all) (DgAccountsBackend  *self,
                          GCancellable       *cancellable,
                          GError            **error);
  /* Optional fast path: username with this normalised email, NULL without error if none. */
  char       *(*find_email) (DgAccountsBackend  *self,
                             const char         *email,
                             GCancellable       *cancellable,
                             GError            **error);
  void        (*free)    (DgAccountsBackend  *self);
};

DgAccountsBackend *dg_accounts_backend_sqlite_new (DgStore    *store);
DgAccountsBackend *dg_accounts_backend_cstore_new (DgCStore   *cstore,
                                                   const char *hkey);
DgAccountsBackend *dg_accounts_backend_memory_new (void);
void               dg_accounts_backend_free       (DgAccountsBackend *backend);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DgAccountsBackend, dg_accounts_backend_free)

/* dg-accounts-record.c: the record format. */

/* Parses and validates a stored value (parseUserRecord); errors are SERIALIZATION. */
JsonObject *dg_accounts_record_parse     (const char  *username,
                                          const char  *text,
                                          GError     **error);
/* Compact JSON text of a record (JSON.stringify key order is the object's insertion order). */
char       *dg_accounts_record_to_text   (JsonObject  *record);
/* A new record {type, password, role, metadata, createdAt, updatedAt}; takes @password. */
JsonObject *dg_accounts_record_new       (JsonObject  *password,
                                          const char  *role,
                                          JsonObject  *metadata,
                                          const char  *now_iso);
DgAccount  *dg_accounts_record_to_account (const char *username,
                                           JsonObject *record);
/* The metadata email, trimmed and lowercased, or NULL (the SQLite email index). */
char       *dg_accounts_record_email     (JsonObject  *record);
gboolean    dg_accounts_metadata_is_deleted (JsonObject *metadata);

G_END_DECLS
