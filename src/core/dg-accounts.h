/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "dg-config.h"
#include "dg-cstore.h"
#include "dg-store.h"

G_BEGIN_DECLS

/*
 * DgAccounts: user accounts in the @ratio1/cstore-auth-ts record format
 * (ratio1-interop.md 4.2-4.9, upstream-behaviour.md 10.1, 1.18-1.19, 11.1), behind one
 * interface with three backends chosen from the configuration:
 *
 *  - SQLite (standalone): the `accounts` table keeps each record's JSON verbatim;
 *  - CStore (connected): the auth hash named by R1EN_CSTORE_AUTH_HKEY, shared with the
 *    earlier DataGems and with cstore-auth-ts itself;
 *  - mock (DATAGEN_MOCK_CSTORE): in memory, with admin/admin and test_user/testtest.
 *
 * Threading: the plain functions block (SQLite, HTTP and ~0.2 s of Argon2id per password):
 * call them from worker threads (the CLI may call them directly). Main-loop callers use the
 * _async/_finish pairs, which run the same code in a GTask thread. One DgAccounts may be
 * used from any number of threads at once.
 *
 * Initialisation is lazy, as in cstore-auth-ts: the first call of any function creates the
 * bootstrap admin when needed (4.7); a failed initialisation is retried by the next call.
 *
 * Storage failures keep their own error domains (DG_STORE_ERROR, DG_CSTORE_ERROR);
 * everything else is a DG_ACCOUNTS_ERROR with the upstream message.
 *
 * Role changes, password resets and deletions revoke the user's sessions at once (the
 * sessions table of the DgStore given at construction).
 */

#define DG_ACCOUNTS_ERROR (dg_accounts_error_quark ())

typedef enum {
  DG_ACCOUNTS_ERROR_INVALID_USERNAME,    /* "Invalid username: <detail>" */
  DG_ACCOUNTS_ERROR_INVALID_PASSWORD,    /* "Invalid password: value must be a non-empty string" */
  DG_ACCOUNTS_ERROR_INVALID_ROLE,        /* Invalid user role "x". Expected "admin" or "user". */
  DG_ACCOUNTS_ERROR_INVALID_METADATA,    /* metadata must be a JSON object */
  DG_ACCOUNTS_ERROR_EXISTS,              /* User "x" already exists. */
  DG_ACCOUNTS_ERROR_NOT_FOUND,           /* User "x" not found. (admin actions: "Account not found") */
  DG_ACCOUNTS_ERROR_INVALID_CREDENTIALS, /* "Invalid username or password." */
  DG_ACCOUNTS_ERROR_SERIALIZATION,       /* Failed to parse user record for "x": <detail> */
  DG_ACCOUNTS_ERROR_NOT_CONFIGURED,      /* Environment variable X is required but was not provided. */
  DG_ACCOUNTS_ERROR_SELF_ACTION,         /* "You cannot delete your own account" / change your own role */
  DG_ACCOUNTS_ERROR_INITIALIZED,         /* the first admin was requested but an account exists */
} DgAccountsError;

GQuark dg_accounts_error_quark (void);

typedef enum {
  DG_ACCOUNTS_BACKEND_SQLITE,
  DG_ACCOUNTS_BACKEND_CSTORE,
  DG_ACCOUNTS_BACKEND_MOCK,
} DgAccountsBackendKind;

#define DG_ACCOUNT_ROLE_ADMIN "admin"
#define DG_ACCOUNT_ROLE_USER  "user"
/* The bootstrap admin is always this field (4.6, 4.7). */
#define DG_ACCOUNTS_ADMIN_USERNAME "admin"

/* Metadata keys of upstream's soft delete (1.19). */
#define DG_ACCOUNT_META_DELETED    "__datagemsDeleted"
#define DG_ACCOUNT_META_DELETED_AT "__datagemsDeletedAt"
#define DG_ACCOUNT_META_DELETED_BY "__datagemsDeletedBy"

/*
 * DgAccount: the public view of an account (cstore-auth-ts PublicUser), never the password.
 */
typedef struct {
  char       *username;     /* canonical */
  char       *role;         /* "admin" or "user" */
  JsonObject *metadata;     /* never NULL; {} when the record has none */
  char       *created_at;   /* JS ISO strings as stored */
  char       *updated_at;
  gboolean    deleted;      /* soft-deleted: __datagemsDeleted true or __datagemsDeletedAt a string */
  gboolean    has_password; /* FALSE for a soft-deleted record (password null) */
} DgAccount;

#define DG_TYPE_ACCOUNT (dg_account_get_type ())
GType       dg_account_get_type            (void) G_GNUC_CONST;
DgAccount  *dg_account_copy                (const DgAccount *account);
void        dg_account_free                (DgAccount       *account);
/* A metadata member when it is a string with non-blank content, else NULL (email, country, name). */
const char *dg_account_get_metadata_text   (const DgAccount *account,
                                            const char      *key);
gboolean    dg_account_is_admin            (const DgAccount *account);
/* {username, role, metadata, createdAt, updatedAt, type}: cstore-auth-ts PublicUser order. */
JsonNode   *dg_account_to_public_json      (const DgAccount *account);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DgAccount, dg_account_free)

/*
 * Canonicalises a username as cstore-auth-ts does (4.6): JS trim, full Unicode lowercasing
 * (U+212A KELVIN SIGN becomes "k"), 3..64 UTF-16 units, then ^[a-z0-9._-]+$. Errors are
 * DG_ACCOUNTS_ERROR_INVALID_USERNAME with the upstream messages.
 */
char       *dg_accounts_canonicalize_username (const char  *username,
                                               GError     **error);
/* Orders usernames as JavaScript's localeCompare does for them (upstream sorts lists so). */
int         dg_accounts_compare_usernames     (const char  *a,
                                               const char  *b);

#define DG_TYPE_ACCOUNTS (dg_accounts_get_type ())
G_DECLARE_FINAL_TYPE (DgAccounts, dg_accounts, DG, ACCOUNTS, GObject)

/*
 * @config: mock_cstore selects the mock backend, connected the CStore backend, anything
 *   else SQLite. The pepper is R1EN_CSTORE_AUTH_SECRET; standalone without it, a random
 *   pepper is created once and kept in the store's settings ("accounts.pepper").
 * @store: the local database (accounts in standalone mode; sessions in every mode).
 * @cstore: (nullable): the CStore client for connected mode; NULL creates one from
 *   @config (cstore_url, sdk_chainstore_peers).
 */
DgAccounts *dg_accounts_new                (DgConfig    *config,
                                            DgStore     *store,
                                            DgCStore    *cstore);
DgAccountsBackendKind dg_accounts_get_backend_kind (DgAccounts *self);
gboolean    dg_accounts_is_mock            (DgAccounts  *self);

/* Milliseconds since the epoch for createdAt/updatedAt; tests pin it (default dg_now_ms()). */
typedef gint64 (*DgAccountsClock) (gpointer user_data);
void        dg_accounts_set_clock          (DgAccounts      *self,
                                            DgAccountsClock  clock,
                                            gpointer         user_data);

/* Runs the lazy initialisation (bootstrap admin, mock users) now. */
gboolean    dg_accounts_prepare            (DgAccounts    *self,
                                            GCancellable  *cancellable,
                                            GError       **error);

/*
 * First run: TRUE when standalone, no account exists and no bootstrap password is configured;
 * the face then asks the user to create the admin with dg_accounts_create_first_admin().
 * Never TRUE in connected or mock mode.
 */
gboolean    dg_accounts_needs_first_admin  (DgAccounts    *self,
                                            GCancellable  *cancellable,
                                            GError       **error);
/* Creates an admin only while no account exists (atomically); else DG_ACCOUNTS_ERROR_INITIALIZED. */
DgAccount  *dg_accounts_create_first_admin (DgAccounts    *self,
                                            const char    *username,
                                            const char    *password,
                                            GCancellable  *cancellable,
                                            GError       **error);

/*
 * createUser (4.8): @role NULL means "user"; @metadata (nullable) is deep-copied. In mock
 * mode the username is only trimmed and lowercased and an unknown role becomes "user", as
 * upstream's mock does.
 */
DgAccount  *dg_accounts_create             (DgAccounts    *self,
                                            const char    *username,
                                            const char    *password,
                                            const char    *role,
                                            JsonObject    *metadata,
                                            GCancellable  *cancellable,
                                            GError       **error);
/* getUser: NULL without an error when the account does not exist. Soft-deleted ones are returned. */
DgAccount  *dg_accounts_get                (DgAccounts    *self,
                                            const char    *username,
                                            GCancellable  *cancellable,
                                            GError       **error);
/*
 * getAllUsers sorted by username (upstream's order); unparsable records are skipped with a
 * debug message. Soft-deleted accounts only with @include_deleted.
 * Returns: (element-type DgAccount): a new array that frees its elements
 */
GPtrArray  *dg_accounts_list               (DgAccounts    *self,
                                            gboolean       include_deleted,
                                            GCancellable  *cancellable,
                                            GError       **error);
/*
 * Finds the account whose metadata email equals @email after trim + lowercase (including
 * soft-deleted ones). NULL without an error when none. In connected mode this reads the
 * whole auth hash; registration there uses the upstream email index instead.
 */
DgAccount  *dg_accounts_find_by_email      (DgAccounts    *self,
                                            const char    *email,
                                            GCancellable  *cancellable,
                                            GError       **error);

/*
 * authenticate (4.8): returns the account, or DG_ACCOUNTS_ERROR_INVALID_CREDENTIALS for a
 * missing, unparsable, soft-deleted or mismatching account, or INVALID_USERNAME for a name
 * that fails canonicalisation. Costs one password hash. Mock mode follows upstream's mock
 * rules (trimmed, case-insensitive lookup; "admin/admin" shorthand; trimmed password).
 */
DgAccount  *dg_accounts_authenticate       (DgAccounts    *self,
                                            const char    *username,
                                            const char    *password,
                                            GCancellable  *cancellable,
                                            GError       **error);

/* updateUser (4.8): @role and @metadata are optional (NULL keeps); metadata is replaced whole. */
DgAccount  *dg_accounts_update             (DgAccounts    *self,
                                            const char    *username,
                                            const char    *role,
                                            JsonObject    *metadata,
                                            GCancellable  *cancellable,
                                            GError       **error);
/* changePassword (4.8): a user changes their own password; wrong current → INVALID_CREDENTIALS. */
gboolean    dg_accounts_change_password    (DgAccounts    *self,
                                            const char    *username,
                                            const char    *current_password,
                                            const char    *new_password,
                                            GCancellable  *cancellable,
                                            GError       **error);

/*
 * Administration. @actor is the signed-in admin's username (NULL: the machine's operator,
 * e.g. the CLI, who may act on any account). Unknown or soft-deleted targets are
 * DG_ACCOUNTS_ERROR_NOT_FOUND "Account not found". Each revokes the target's sessions.
 */
/* Sets a new password chosen by the operator (CLI `users passwd`). */
gboolean    dg_accounts_set_password       (DgAccounts    *self,
                                            const char    *actor,
                                            const char    *username,
                                            const char    *password,
                                            GCancellable  *cancellable,
                                            GError       **error);
/* Generates a new password, stores its hash and returns it (show or mail it once). */
char       *dg_accounts_reset_password     (DgAccounts    *self,
                                            const char    *actor,
                                            const char    *username,
                                            GCancellable  *cancellable,
                                            GError       **error);
/* An admin cannot change their own role (SELF_ACTION "You cannot change your own role"). */
DgAccount  *dg_accounts_set_role           (DgAccounts    *self,
                                            const char    *actor,
                                            const char    *username,
                                            const char    *role,
                                            GCancellable  *cancellable,
                                            GError       **error);
/*
 * Upstream's DELETE /api/admin/accounts (1.19): the target is trimmed and lowercased;
 * equal to @actor → SELF_ACTION "You cannot delete your own account"; a name failing the
 * username rules → INVALID_USERNAME (upstream answers 500 "Failed to delete account");
 * unknown or already deleted → NOT_FOUND "Account not found". Soft delete: password null,
 * metadata + __datagemsDeleted/At/By, updatedAt now. Mock mode deletes for real.
 */
gboolean    dg_accounts_soft_delete        (DgAccounts    *self,
                                            const char    *actor,
                                            const char    *username,
                                            GCancellable  *cancellable,
                                            GError       **error);

/* Main-loop variants: same semantics, run in a GTask thread. */
void        dg_accounts_authenticate_async (DgAccounts          *self,
                                            const char          *username,
                                            const char          *password,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
DgAccount  *dg_accounts_authenticate_finish (DgAccounts         *self,
                                             GAsyncResult       *result,
                                             GError            **error);
void        dg_accounts_needs_first_admin_async (DgAccounts          *self,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean    dg_accounts_needs_first_admin_finish (DgAccounts         *self,
                                                  GAsyncResult       *result,
                                                  GError            **error);
void        dg_accounts_create_first_admin_async (DgAccounts          *self,
                                                  const char          *username,
                                                  const char          *password,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
DgAccount  *dg_accounts_create_first_admin_finish (DgAccounts         *self,
                                                   GAsyncResult       *result,
                                                   GError            **error);
void        dg_accounts_create_async       (DgAccounts          *self,
                                            const char          *username,
                                            const char          *password,
                                            const char          *role,
                                            JsonObject          *metadata,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
DgAccount  *dg_accounts_create_finish      (DgAccounts          *self,
                                            GAsyncResult        *result,
                                            GError             **error);
void        dg_accounts_get_async          (DgAccounts          *self,
                                            const char          *username,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
/* NULL without an error: no such account. */
DgAccount  *dg_accounts_get_finish         (DgAccounts          *self,
                                            GAsyncResult        *result,
                                            GError             **error);
void        dg_accounts_list_async         (DgAccounts          *self,
                                            gboolean             include_deleted,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
GPtrArray  *dg_accounts_list_finish        (DgAccounts          *self,
                                            GAsyncResult        *result,
                                            GError             **error);
void        dg_accounts_change_password_async (DgAccounts          *self,
                                               const char          *username,
                                               const char          *current_password,
                                               const char          *new_password,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean    dg_accounts_change_password_finish (DgAccounts         *self,
                                                GAsyncResult       *result,
                                                GError            **error);
void        dg_accounts_set_password_async (DgAccounts          *self,
                                            const char          *actor,
                                            const char          *username,
                                            const char          *password,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean    dg_accounts_set_password_finish (DgAccounts         *self,
                                             GAsyncResult       *result,
                                             GError            **error);
void        dg_accounts_reset_password_async (DgAccounts          *self,
                                              const char          *actor,
                                              const char          *username,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
char       *dg_accounts_reset_password_finish (DgAccounts         *self,
                                               GAsyncResult       *result,
                                               GError            **error);
void        dg_accounts_set_role_async     (DgAccounts          *self,
                                            const char          *actor,
                                            const char          *username,
                                            const char          *role,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
DgAccount  *dg_accounts_set_role_finish    (DgAccounts          *self,
                                            GAsyncResult        *result,
                                            GError             **error);
void        dg_accounts_soft_delete_async  (DgAccounts          *self,
                                            const char          *actor,
                                            const char          *username,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean    dg_accounts_soft_delete_finish (DgAccounts          *self,
                                            GAsyncResult        *result,
                                            GError             **error);

G_END_DECLS
