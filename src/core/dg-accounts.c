/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-accounts"

#include "config.h"

#include "dg-accounts-private.h"
#include "dg-crypto.h"
#include "dg-password.h"
#include "dg-store-accounts.h"
#include "dg-store-sessions.h"
#include "dg-util.h"

G_DEFINE_QUARK (dg_accounts_error_quark, dg_accounts_error)

/* Settings key of the pepper generated for a standalone install without R1EN_CSTORE_AUTH_SECRET. */
#define PEPPER_SETTING "accounts.pepper"
/* Mock accounts live only in this process, so their pepper need not be secret. */
#define MOCK_PEPPER "datagems-mock-pepper"

G_DEFINE_FINAL_TYPE (DgAccounts, dg_accounts, G_TYPE_OBJECT)

static void
dg_accounts_finalize (GObject *object)
{
  DgAccounts *self = DG_ACCOUNTS (object);

  g_clear_pointer (&self->backend, dg_accounts_backend_free);
  g_clear_pointer (&self->config, dg_config_unref);
  g_clear_object (&self->store);
  g_clear_pointer (&self->dummy_record, json_object_unref);
  if (self->pepper != NULL)
    dg_crypto_wipe (self->pepper, strlen (self->pepper));
  g_free (self->pepper);
  g_mutex_clear (&self->init_mutex);

  G_OBJECT_CLASS (dg_accounts_parent_class)->finalize (object);
}

static void
dg_accounts_class_init (DgAccountsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dg_accounts_finalize;
}

static void
dg_accounts_init (DgAccounts *self)
{
  g_mutex_init (&self->init_mutex);
}

DgAccounts *
dg_accounts_new (DgConfig *config, DgStore *store, DgCStore *cstore)
{
  DgAccounts *self;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (DG_IS_STORE (store), NULL);
  g_return_val_if_fail (cstore == NULL || DG_IS_CSTORE (cstore), NULL);

  self = g_object_new (DG_TYPE_ACCOUNTS, NULL);
  self->config = dg_config_ref (config);
  self->store = g_object_ref (store);
  if (config->mock_cstore)
    self->backend = dg_accounts_backend_memory_new ();
  else if (config->connected)
    {
      g_autoptr (DgCStore) own = NULL;

      if (cstore == NULL)
        cstore = own =
            dg_cstore_new (config->cstore_url, (const char *const *) config->sdk_chainstore_peers);
      self->backend = dg_accounts_backend_cstore_new (cstore, config->auth_hkey);
    }
  else
    self->backend = dg_accounts_backend_sqlite_new (store);
  return self;
}

DgAccountsBackendKind
dg_accounts_get_backend_kind (DgAccounts *self)
{
  g_return_val_if_fail (DG_IS_ACCOUNTS (self), DG_ACCOUNTS_BACKEND_SQLITE);
  return self->backend->kind;
}

gboolean
dg_accounts_is_mock (DgAccounts *self)
{
  g_return_val_if_fail (DG_IS_ACCOUNTS (self), FALSE);
  return self->backend->kind == DG_ACCOUNTS_BACKEND_MOCK;
}

void
dg_accounts_set_clock (DgAccounts *self, DgAccountsClock clock, gpointer user_data)
{
  g_return_if_fail (DG_IS_ACCOUNTS (self));
  self->clock = clock;
  self->clock_data = user_data;
}

gint64
_dg_accounts_now_ms (DgAccounts *self)
{
  return self->clock != NULL ? self->clock (self->clock_data) : dg_now_ms ();
}

char *
_dg_accounts_now_iso (DgAccounts *self)
{
  return dg_iso_timestamp (_dg_accounts_now_ms (self));
}

/* ---------------------------------------------------------------------------------------- */
/* Initialisation */

static gboolean
env_missing (GError **error, const char *name)
{
  g_set_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_NOT_CONFIGURED,
               "Environment variable %s is required but was not provided.", name);
  return FALSE;
}

/* Maps dg-password's errors onto ours (the password messages are upstream's already). */
void
_dg_accounts_propagate_password_error (GError **error, GError *password_error)
{
  if (g_error_matches (password_error, DG_PASSWORD_ERROR, DG_PASSWORD_ERROR_INVALID_PASSWORD))
    g_set_error_literal (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_INVALID_PASSWORD,
                         password_error->message);
  else
    g_propagate_error (error, g_error_copy (password_error));
}

JsonObject *
_dg_accounts_hash_password (DgAccounts *self, const char *password, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  JsonObject *record = dg_password_hash (password, self->pepper, &local_error);

  if (record == NULL)
    _dg_accounts_propagate_password_error (error, local_error);
  return record;
}

/*
 * The mock users' password records, hashed once with MOCK_PEPPER and fixed salts so that
 * starting in mock mode costs no hashing (/core/accounts/mock-login proves they match).
 */
static const struct
{
  const char *username;
  const char *role;
  const char *hash;
  const char *salt;
} mock_users[] = {
  { "admin", DG_ACCOUNT_ROLE_ADMIN,
    "y0K9aVQOTHm8CiyHbV6wvvJxME97UKW1KdUeaNrLbOk=", "bW9jay1hZG1pbi1zYWx0IQ==" },
  { "test_user", DG_ACCOUNT_ROLE_USER,
    "3YqhFxs1YYSMpnEyHfIfvbhPEpioAzgECjTgtgtmF6g=", "bW9jay11c2VyLXNhbHQhIQ==" },
};

static gboolean
seed_mock_users (DgAccounts *self, GError **error)
{
  g_autofree char *now = _dg_accounts_now_iso (self);

  for (gsize i = 0; i < G_N_ELEMENTS (mock_users); i++)
    {
      JsonObject *password = dg_password_record_new (DG_PASSWORD_ALGO_ARGON2ID, mock_users[i].hash,
                                                     mock_users[i].salt);
      g_autoptr (JsonObject) record = NULL;
      g_autofree char *text = NULL;

      record = dg_accounts_record_new (password, mock_users[i].role, NULL, now);
      text = dg_accounts_record_to_text (record);
      if (!self->backend->put (self->backend, mock_users[i].username, record, text, NULL, error))
        return FALSE;
    }
  return TRUE;
}

/*
 * Hashes @password into a new record and writes it under @name, unless the name is taken
 * (@only_if_empty: unless any account exists); *@inserted tells which. Returns the record,
 * also when it was not written; NULL with @error when hashing or storage failed.
 */
static JsonObject *
insert_new_account (DgAccounts *self, const char *name, const char *password, const char *role,
                    JsonObject *metadata, gboolean only_if_empty, gboolean *inserted,
                    GCancellable *cancellable, GError **error)
{
  g_autoptr (JsonObject) record = NULL;
  g_autofree char *text = NULL;
  g_autofree char *now = NULL;
  JsonObject *password_record;

  password_record = _dg_accounts_hash_password (self, password, error);
  if (password_record == NULL)
    return NULL;
  now = _dg_accounts_now_iso (self);
  record = dg_accounts_record_new (password_record, role, metadata, now);
  text = dg_accounts_record_to_text (record);
  if (!self->backend->insert (self->backend, name, record, text, only_if_empty, inserted,
                              cancellable, error))
    return NULL;
  return g_steal_pointer (&record);
}

static gboolean
create_bootstrap_admin (DgAccounts *self, gboolean only_if_empty, GCancellable *cancellable,
                        GError **error)
{
  g_autoptr (JsonObject) record = NULL;
  gboolean inserted;

  record = insert_new_account (self, DG_ACCOUNTS_ADMIN_USERNAME,
                               self->config->auth_bootstrap_admin_password, DG_ACCOUNT_ROLE_ADMIN,
                               NULL, only_if_empty, &inserted, cancellable, error);
  if (record == NULL)
    return FALSE;
  if (inserted)
    g_message ("Created the bootstrap admin account “%s”", DG_ACCOUNTS_ADMIN_USERNAME);
  return TRUE;
}

static gboolean
initialise (DgAccounts *self, GCancellable *cancellable, GError **error)
{
  const DgConfig *config = self->config;
  g_autofree char *pepper = NULL;
  g_autofree char *existing = NULL;
  g_autoptr (GError) local_error = NULL;

  switch (self->backend->kind)
    {
    case DG_ACCOUNTS_BACKEND_MOCK:
      pepper = g_strdup (MOCK_PEPPER);
      self->pepper = g_steal_pointer (&pepper);
      return seed_mock_users (self, error);

    case DG_ACCOUNTS_BACKEND_CSTORE:
      if (config->auth_hkey == NULL)
        return env_missing (error, "R1EN_CSTORE_AUTH_HKEY");
      if (config->auth_secret == NULL)
        return env_missing (error, "R1EN_CSTORE_AUTH_SECRET");
      self->pepper = g_strdup (config->auth_secret);
      /* 4.7: an existing admin is never validated or overwritten. */
      existing =
          self->backend->get (self->backend, DG_ACCOUNTS_ADMIN_USERNAME, cancellable, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (existing != NULL)
        return TRUE;
      if (config->auth_bootstrap_admin_password == NULL)
        return env_missing (error, "R1EN_CSTORE_AUTH_BOOTSTRAP_ADMIN_PWD");
      return create_bootstrap_admin (self, FALSE, cancellable, error);

    case DG_ACCOUNTS_BACKEND_SQLITE:
    default:
      if (config->auth_secret != NULL)
        self->pepper = g_strdup (config->auth_secret);
      else
        {
          g_autofree char *candidate = dg_random_hex (32);

          self->pepper = dg_store_settings_ensure (self->store, PEPPER_SETTING, candidate, error);
          if (self->pepper == NULL)
            return FALSE;
        }
      /* Standalone: the configured password creates the admin only on a fresh install;
       * without it the first run asks the desktop user (dg_accounts_needs_first_admin). */
      if (config->auth_bootstrap_admin_password == NULL)
        return TRUE;
      return create_bootstrap_admin (self, TRUE, cancellable, error);
    }
}

gboolean
dg_accounts_prepare (DgAccounts *self, GCancellable *cancellable, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;

  g_return_val_if_fail (DG_IS_ACCOUNTS (self), FALSE);

  locker = g_mutex_locker_new (&self->init_mutex);
  if (self->initialised)
    return TRUE;
  /* Unlike upstream (15.14), a failed initialisation is retried by the next call. */
  if (!initialise (self, cancellable, error))
    {
      g_clear_pointer (&self->pepper, g_free);
      return FALSE;
    }
  self->initialised = TRUE;
  return TRUE;
}

/* ---------------------------------------------------------------------------------------- */
/* Reading */

/* The key under which @username is stored: canonical, or in mock mode trimmed + lowercased. */
char *
_dg_accounts_storage_name (DgAccounts *self, const char *username, GError **error)
{
  char *name;

  if (self->backend->kind != DG_ACCOUNTS_BACKEND_MOCK)
    return dg_accounts_canonicalize_username (username, error);
  name = dg_js_trim_lower (username);
  if (name == NULL || name[0] == '\0')
    {
      g_free (name);
      return dg_accounts_canonicalize_username (username, error);
    }
  return name;
}

gboolean
_dg_accounts_load_record (DgAccounts *self, const char *name, JsonObject **out_record,
                          GCancellable *cancellable, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *text = self->backend->get (self->backend, name, cancellable, &local_error);

  *out_record = NULL;
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (text == NULL)
    return TRUE;
  *out_record = dg_accounts_record_parse (name, text, error);
  return *out_record != NULL;
}

gboolean
_dg_accounts_lookup (DgAccounts *self, const char *username, char **out_name,
                     JsonObject **out_record, GCancellable *cancellable, GError **error)
{
  *out_name = NULL;
  *out_record = NULL;
  if (!dg_accounts_prepare (self, cancellable, error))
    return FALSE;
  *out_name = _dg_accounts_storage_name (self, username, error);
  if (*out_name == NULL)
    return FALSE;
  return _dg_accounts_load_record (self, *out_name, out_record, cancellable, error);
}

gboolean
_dg_accounts_store_record (DgAccounts *self, const char *name, JsonObject *record,
                           GCancellable *cancellable, GError **error)
{
  g_autofree char *text = dg_accounts_record_to_text (record);

  return self->backend->put (self->backend, name, record, text, cancellable, error);
}

gboolean
_dg_accounts_validate_role (const char *role, GError **error)
{
  if (g_strcmp0 (role, DG_ACCOUNT_ROLE_ADMIN) == 0 || g_strcmp0 (role, DG_ACCOUNT_ROLE_USER) == 0)
    return TRUE;
  g_set_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_INVALID_ROLE,
               "Invalid user role \"%s\". Expected \"admin\" or \"user\".",
               role != NULL ? role : "undefined");
  return FALSE;
}

DgAccount *
dg_accounts_get (DgAccounts *self, const char *username, GCancellable *cancellable, GError **error)
{
  g_autofree char *name = NULL;
  g_autoptr (JsonObject) record = NULL;

  g_return_val_if_fail (DG_IS_ACCOUNTS (self), NULL);

  if (!_dg_accounts_lookup (self, username, &name, &record, cancellable, error) || record == NULL)
    return NULL;
  return dg_accounts_record_to_account (name, record);
}

static int
compare_accounts (gconstpointer a, gconstpointer b)
{
  const DgAccount *x = *(DgAccount *const *) a;
  const DgAccount *y = *(DgAccount *const *) b;

  return dg_accounts_compare_usernames (x->username, y->username);
}

/* Every parsable record as a DgAccount; skipped records are logged. */
static GPtrArray *
load_all (DgAccounts *self, gboolean include_deleted, GCancellable *cancellable, GError **error)
{
  g_autoptr (GHashTable) all = self->backend->get_all (self->backend, cancellable, error);
  g_autoptr (GPtrArray) accounts = NULL;
  GHashTableIter iter;
  gpointer key, value;

  if (all == NULL)
    return NULL;
  accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) dg_account_free);
  g_hash_table_iter_init (&iter, all);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autoptr (GError) parse_error = NULL;
      g_autoptr (JsonObject) record = dg_accounts_record_parse (key, value, &parse_error);
      DgAccount *account;

      if (record == NULL)
        {
          g_debug ("Skipping an account: %s", parse_error->message);
          continue;
        }
      account = dg_accounts_record_to_account (key, record);
      if (account->deleted && !include_deleted)
        dg_account_free (account);
      else
        g_ptr_array_add (accounts, account);
    }
  g_ptr_array_sort (accounts, compare_accounts);
  return g_steal_pointer (&accounts);
}

GPtrArray *
dg_accounts_list (DgAccounts *self, gboolean include_deleted, GCancellable *cancellable,
                  GError **error)
{
  g_return_val_if_fail (DG_IS_ACCOUNTS (self), NULL);

  if (!dg_accounts_prepare (self, cancellable, error))
    return NULL;
  return load_all (self, include_deleted, cancellable, error);
}

DgAccount *
dg_accounts_find_by_email (DgAccounts *self, const char *email, GCancellable *cancellable,
                           GError **error)
{
  g_autofree char *wanted = NULL;
  g_autoptr (GPtrArray) all = NULL;
  DgAccount *found = NULL;

  g_return_val_if_fail (DG_IS_ACCOUNTS (self), NULL);
  g_return_val_if_fail (email != NULL, NULL);

  if (!dg_accounts_prepare (self, cancellable, error))
    return NULL;
  wanted = dg_js_trim_lower (email);
  if (wanted == NULL || wanted[0] == '\0')
    return NULL;

  if (self->backend->find_email != NULL)
    {
      g_autoptr (GError) local_error = NULL;
      g_autofree char *username =
          self->backend->find_email (self->backend, wanted, cancellable, &local_error);

      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      return username != NULL ? dg_accounts_get (self, username, cancellable, error) : NULL;
    }

  all = load_all (self, TRUE, cancellable, error);
  if (all == NULL)
    return NULL;
  /* Prefer a live account over a soft-deleted one with the same address. */
  for (guint i = 0; i < all->len; i++)
    {
      DgAccount *account = g_ptr_array_index (all, i);
      const char *value = dg_account_get_metadata_text (account, "email");
      g_autofree char *normalised = value != NULL ? dg_js_trim_lower (value) : NULL;

      if (g_strcmp0 (normalised, wanted) == 0 && (found == NULL || found->deleted))
        found = account;
    }
  return found != NULL ? dg_account_copy (found) : NULL;
}

/* ---------------------------------------------------------------------------------------- */
/* Creating */

DgAccount *
dg_accounts_create (DgAccounts *self, const char *username, const char *password, const char *role,
                    JsonObject *metadata, GCancellable *cancellable, GError **error)
{
  g_autofree char *name = NULL;
  g_autofree char *existing = NULL;
  g_autoptr (JsonObject) record = NULL;
  g_autoptr (GError) local_error = NULL;
  gboolean inserted;

  g_return_val_if_fail (DG_IS_ACCOUNTS (self), NULL);

  if (!dg_accounts_prepare (self, cancellable, error))
    return NULL;
  name = _dg_accounts_storage_name (self, username, error);
  if (name == NULL)
    return NULL;

  /* The order of cstore-auth-ts: exists, then role, then password. */
  existing = self->backend->get (self->backend, name, cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (existing != NULL)
    {
      g_set_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_EXISTS,
                   "User \"%s\" already exists.", name);
      return NULL;
    }
  if (role == NULL)
    role = DG_ACCOUNT_ROLE_USER;
  /* Upstream's mock turns any other role into "user". */
  if (self->backend->kind == DG_ACCOUNTS_BACKEND_MOCK &&
      g_strcmp0 (role, DG_ACCOUNT_ROLE_ADMIN) != 0)
    role = DG_ACCOUNT_ROLE_USER;
  if (!_dg_accounts_validate_role (role, error))
    return NULL;

  record = insert_new_account (self, name, password, role, metadata, FALSE, &inserted, cancellable,
                               error);
  if (record == NULL)
    return NULL;
  if (!inserted)
    {
      /* Someone else created it while we were hashing. */
      g_set_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_EXISTS,
                   "User \"%s\" already exists.", name);
      return NULL;
    }
  return dg_accounts_record_to_account (name, record);
}

gboolean
dg_accounts_needs_first_admin (DgAccounts *self, GCancellable *cancellable, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  gint64 count;

  g_return_val_if_fail (DG_IS_ACCOUNTS (self), FALSE);

  if (self->backend->kind != DG_ACCOUNTS_BACKEND_SQLITE)
    return FALSE;
  /* Initialisation creates the bootstrap admin when a password is configured. */
  if (!dg_accounts_prepare (self, cancellable, error))
    return FALSE;
  count = dg_store_accounts_count (self->store, &local_error);
  if (count < 0)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return count == 0;
}

DgAccount *
dg_accounts_create_first_admin (DgAccounts *self, const char *username, const char *password,
                                GCancellable *cancellable, GError **error)
{
  g_autofree char *name = NULL;
  g_autoptr (JsonObject) record = NULL;
  gboolean inserted = FALSE;

  g_return_val_if_fail (DG_IS_ACCOUNTS (self), NULL);

  if (!dg_accounts_prepare (self, cancellable, error))
    return NULL;
  name = dg_accounts_canonicalize_username (username, error);
  if (name == NULL)
    return NULL;
  if (self->backend->kind == DG_ACCOUNTS_BACKEND_SQLITE)
    {
      record = insert_new_account (self, name, password, DG_ACCOUNT_ROLE_ADMIN, NULL, TRUE,
                                   &inserted, cancellable, error);
      if (record == NULL)
        return NULL;
    }
  if (!inserted)
    {
      g_set_error_literal (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_INITIALIZED,
                           "An account already exists; an administrator must create new ones");
      return NULL;
    }
  return dg_accounts_record_to_account (name, record);
}
