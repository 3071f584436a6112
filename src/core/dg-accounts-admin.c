/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-accounts"

#include "config.h"

#include <string.h>

#include "dg-accounts-private.h"
#include "dg-crypto.h"
#include "dg-password.h"
#include "dg-store-sessions.h"
#include "dg-util.h"

/* Who soft-deleted an account when no signed-in admin did (the CLI's operator). */
#define OPERATOR_ACTOR "system"

static gboolean
invalid_credentials (GError **error)
{
  g_set_error_literal (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_INVALID_CREDENTIALS,
                       "Invalid username or password.");
  return FALSE;
}

/*
 * Verifies @password against the record's password. FALSE without an error is a mismatch
 * (also for records that cannot be used, which cstore-auth-ts maps to invalid credentials);
 * only a failure of the hash itself (out of memory) is an error.
 */
static gboolean
verify_password (DgAccounts *self, JsonObject *record, const char *password, GError **error)
{
  JsonNode *node = json_object_get_member (record, "password");
  g_autoptr (GError) local_error = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  if (dg_password_verify (json_node_get_object (node), password, self->pepper, &local_error))
    return TRUE;
  if (g_error_matches (local_error, DG_PASSWORD_ERROR, DG_PASSWORD_ERROR_FAILED))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (local_error != NULL)
    g_debug ("Cannot verify a password record: %s", local_error->message);
  return FALSE;
}

/* verify_password() for a login: FALSE with INVALID_CREDENTIALS on a mismatch. */
static gboolean
check_password (DgAccounts *self, JsonObject *record, const char *password, GError **error)
{
  g_autoptr (GError) local_error = NULL;

  if (verify_password (self, record, password != NULL ? password : "", &local_error))
    return TRUE;
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    invalid_credentials (error);
  return FALSE;
}

/*
 * _dg_accounts_load_record() for a password check: a record that cannot be parsed counts
 * as missing (cstore-auth-ts refuses it as invalid credentials); errors are storage failures.
 */
static gboolean
load_login_record (DgAccounts *self, const char *name, JsonObject **out_record,
                   GCancellable *cancellable, GError **error)
{
  g_autoptr (GError) local_error = NULL;

  if (_dg_accounts_load_record (self, name, out_record, cancellable, &local_error))
    return TRUE;
  if (!g_error_matches (local_error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_SERIALIZATION))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  g_debug ("%s", local_error->message);
  return TRUE;
}

/* Whether @record holds a password object (null or absent: the account cannot log in). */
static gboolean
has_password (JsonObject *record)
{
  JsonNode *node = json_object_get_member (record, "password");

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node);
}

/*
 * Spends one hash on a record nobody can match, so that an unknown or deleted user takes
 * as long to refuse as a wrong password: response times do not reveal which names exist.
 */
static void
verify_dummy (DgAccounts *self, const char *password)
{
  guint8 bytes[DG_PASSWORD_SALT_LENGTH + DG_ARGON2ID_OUTPUT_LENGTH];
  g_autofree char *salt = NULL;
  g_autofree char *hash = NULL;

  g_mutex_lock (&self->init_mutex);
  if (self->dummy_record == NULL)
    {
      dg_random_bytes (bytes, sizeof bytes);
      salt = g_base64_encode (bytes, DG_PASSWORD_SALT_LENGTH);
      hash = g_base64_encode (bytes + DG_PASSWORD_SALT_LENGTH, DG_ARGON2ID_OUTPUT_LENGTH);
      self->dummy_record = dg_password_record_new (DG_PASSWORD_ALGO_ARGON2ID, hash, salt);
    }
  g_mutex_unlock (&self->init_mutex);
  /* Shared by concurrent logins: dg_password_verify() only reads it. */
  dg_password_verify (self->dummy_record, password != NULL && *password ? password : "x",
                      self->pepper, NULL);
}

/* Upstream's mock login (11.1): trimmed, case-insensitive, "admin/admin" shorthand. */
static DgAccount *
authenticate_mock (DgAccounts *self, const char *username, const char *password,
                   GCancellable *cancellable, GError **error)
{
  g_autofree char *username_input = NULL;
  g_autofree char *password_input = NULL;
  g_autofree char *username_candidate = NULL;
  g_autofree char *password_candidate = NULL;
  g_autofree char *key = NULL;
  g_autoptr (JsonObject) record = NULL;
  g_autoptr (GError) local_error = NULL;
  const char *slash;
  const char *candidates[3];

  if (username == NULL || password == NULL || !g_utf8_validate (username, -1, NULL) ||
      !g_utf8_validate (password, -1, NULL))
    return (invalid_credentials (error), NULL);

  username_input = dg_js_trim (username);
  password_input = dg_js_trim (password);
  username_candidate = g_strdup (username_input);
  password_candidate = g_strdup (password_input);
  slash = strchr (username_input, '/');
  if (slash != NULL && slash > username_input && slash[1] != '\0' &&
      (password_input[0] == '\0' || g_str_equal (password_input, username_input)))
    {
      g_free (username_candidate);
      g_free (password_candidate);
      username_candidate = g_strndup (username_input, slash - username_input);
      password_candidate = g_strdup (slash + 1);
    }

  key = dg_js_to_lower (username_candidate);
  if (!load_login_record (self, key, &record, cancellable, error))
    return NULL;
  if (record == NULL)
    return (invalid_credentials (error), NULL);

  /* The raw, the trimmed and the shorthand password, each tried once. */
  candidates[0] = password;
  candidates[1] = password_input;
  candidates[2] = password_candidate;
  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      gboolean seen = FALSE;

      for (guint j = 0; j < i; j++)
        seen = seen || g_str_equal (candidates[i], candidates[j]);
      if (seen || candidates[i][0] == '\0')
        continue;
      if (verify_password (self, record, candidates[i], &local_error))
        return dg_accounts_record_to_account (key, record);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }
  return (invalid_credentials (error), NULL);
}

DgAccount *
dg_accounts_authenticate (DgAccounts *self, const char *username, const char *password,
                          GCancellable *cancellable, GError **error)
{
  g_autofree char *name = NULL;
  g_autoptr (JsonObject) record = NULL;

  g_return_val_if_fail (DG_IS_ACCOUNTS (self), NULL);

  if (!dg_accounts_prepare (self, cancellable, error))
    return NULL;
  if (self->backend->kind == DG_ACCOUNTS_BACKEND_MOCK)
    return authenticate_mock (self, username, password, cancellable, error);

  /* An invalid name is reported as such, not masked (cstore-auth-ts does the same). */
  name = dg_accounts_canonicalize_username (username, error);
  if (name == NULL)
    return NULL;
  if (!load_login_record (self, name, &record, cancellable, error))
    return NULL;
  if (record == NULL || !has_password (record))
    {
      verify_dummy (self, password);
      return (invalid_credentials (error), NULL);
    }
  if (!check_password (self, record, password, error))
    return NULL;
  return dg_accounts_record_to_account (name, record);
}

/* ---------------------------------------------------------------------------------------- */
/* cstore-auth-ts updates */

static void
touch (DgAccounts *self, JsonObject *record)
{
  g_autofree char *now = _dg_accounts_now_iso (self);

  json_object_set_string_member (record, "updatedAt", now);
}

static gboolean
revoke_sessions (DgAccounts *self, const char *name, GError **error)
{
  gint64 n = dg_store_sessions_revoke_user (self->store, name, _dg_accounts_now_ms (self), error);

  if (n > 0)
    g_debug ("Revoked %" G_GINT64_FORMAT " session(s) of “%s”", n, name);
  return n >= 0;
}

DgAccount *
dg_accounts_update (DgAccounts *self, const char *username, const char *role, JsonObject *metadata,
                    GCancellable *cancellable, GError **error)
{
  g_autofree char *name = NULL;
  g_autoptr (JsonObject) record = NULL;

  g_return_val_if_fail (DG_IS_ACCOUNTS (self), NULL);

  if (!_dg_accounts_lookup (self, username, &name, &record, cancellable, error))
    return NULL;
  if (record == NULL)
    {
      g_set_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_NOT_FOUND, "User \"%s\" not found.",
                   name);
      return NULL;
    }
  if (role != NULL && !_dg_accounts_validate_role (role, error))
    return NULL;

  if (role != NULL && !g_str_equal (role, json_object_get_string_member (record, "role")))
    {
      if (!revoke_sessions (self, name, error))
        return NULL;
      json_object_set_string_member (record, "role", role);
    }
  /* Replaced whole, not merged, as upstream does. */
  if (metadata != NULL)
    json_object_set_object_member (record, "metadata", dg_json_object_copy (metadata));
  touch (self, record);
  if (!_dg_accounts_store_record (self, name, record, cancellable, error))
    return NULL;
  return dg_accounts_record_to_account (name, record);
}

static gboolean
replace_password (DgAccounts *self, const char *name, JsonObject *record, const char *password,
                  GCancellable *cancellable, GError **error)
{
  JsonObject *password_record = _dg_accounts_hash_password (self, password, error);

  if (password_record == NULL)
    return FALSE;
  json_object_set_object_member (record, "password", password_record);
  touch (self, record);
  return _dg_accounts_store_record (self, name, record, cancellable, error);
}

gboolean
dg_accounts_change_password (DgAccounts *self, const char *username, const char *current_password,
                             const char *new_password, GCancellable *cancellable, GError **error)
{
  g_autofree char *name = NULL;
  g_autoptr (JsonObject) record = NULL;

  g_return_val_if_fail (DG_IS_ACCOUNTS (self), FALSE);

  if (!dg_accounts_prepare (self, cancellable, error))
    return FALSE;
  name = _dg_accounts_storage_name (self, username, error);
  if (name == NULL)
    return FALSE;
  if (!load_login_record (self, name, &record, cancellable, error))
    return FALSE;
  if (record == NULL)
    return invalid_credentials (error);
  if (!check_password (self, record, current_password, error))
    return FALSE;
  return replace_password (self, name, record, new_password, cancellable, error);
}

/* ---------------------------------------------------------------------------------------- */
/* Administration */

/*
 * Resolves the target of an admin action the way upstream's admin code does: trimmed and
 * lowercased, refused when it is the actor (@self_message), then read; unknown and
 * soft-deleted accounts are "Account not found".
 */
static JsonObject *
load_admin_target (DgAccounts *self, const char *actor, const char *username,
                   const char *self_message, char **out_name, GCancellable *cancellable,
                   GError **error)
{
  g_autofree char *target = dg_js_trim_lower (username);
  g_autofree char *name = NULL;
  g_autoptr (JsonObject) record = NULL;
  JsonNode *metadata;

  if (target == NULL || target[0] == '\0')
    {
      g_set_error_literal (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_INVALID_USERNAME,
                           "Invalid username: value must not be empty");
      return NULL;
    }
  if (self_message != NULL && actor != NULL)
    {
      g_autofree char *actor_name = dg_js_trim_lower (actor);

      if (g_strcmp0 (actor_name, target) == 0)
        {
          g_set_error_literal (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_SELF_ACTION,
                               self_message);
          return NULL;
        }
    }
  name = _dg_accounts_storage_name (self, target, error);
  if (name == NULL)
    return NULL;
  if (!_dg_accounts_load_record (self, name, &record, cancellable, error))
    return NULL;
  metadata = record != NULL ? json_object_get_member (record, "metadata") : NULL;
  if (record == NULL || (JSON_NODE_HOLDS_OBJECT (metadata) &&
                         dg_accounts_metadata_is_deleted (json_node_get_object (metadata))))
    {
      g_set_error_literal (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_NOT_FOUND,
                           "Account not found");
      return NULL;
    }
  *out_name = g_steal_pointer (&name);
  return g_steal_pointer (&record);
}

gboolean
dg_accounts_set_password (DgAccounts *self, const char *actor, const char *username,
                          const char *password, GCancellable *cancellable, GError **error)
{
  g_autofree char *name = NULL;
  g_autoptr (JsonObject) record = NULL;

  g_return_val_if_fail (DG_IS_ACCOUNTS (self), FALSE);

  if (!dg_accounts_prepare (self, cancellable, error))
    return FALSE;
  record = load_admin_target (self, actor, username, NULL, &name, cancellable, error);
  if (record == NULL)
    return FALSE;
  if (password == NULL || password[0] == '\0')
    {
      g_set_error_literal (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_INVALID_PASSWORD,
                           "Invalid password: value must be a non-empty string");
      return FALSE;
    }
  /* Sessions go first: if that fails, nothing changed. */
  if (!revoke_sessions (self, name, error))
    return FALSE;
  return replace_password (self, name, record, password, cancellable, error);
}

char *
dg_accounts_reset_password (DgAccounts *self, const char *actor, const char *username,
                            GCancellable *cancellable, GError **error)
{
  g_autoptr (DgSecret) password = NULL;

  g_return_val_if_fail (DG_IS_ACCOUNTS (self), NULL);

  password = dg_password_generate ();
  if (!dg_accounts_set_password (self, actor, username, password, cancellable, error))
    return NULL;
  return g_steal_pointer (&password);
}

DgAccount *
dg_accounts_set_role (DgAccounts *self, const char *actor, const char *username, const char *role,
                      GCancellable *cancellable, GError **error)
{
  g_autofree char *name = NULL;
  g_autoptr (JsonObject) record = NULL;

  g_return_val_if_fail (DG_IS_ACCOUNTS (self), NULL);

  if (!dg_accounts_prepare (self, cancellable, error))
    return NULL;
  if (!_dg_accounts_validate_role (role, error))
    return NULL;
  record = load_admin_target (self, actor, username, "You cannot change your own role", &name,
                              cancellable, error);
  if (record == NULL)
    return NULL;
  if (!g_str_equal (json_object_get_string_member (record, "role"), role))
    {
      if (!revoke_sessions (self, name, error))
        return NULL;
      json_object_set_string_member (record, "role", role);
      touch (self, record);
      if (!_dg_accounts_store_record (self, name, record, cancellable, error))
        return NULL;
    }
  return dg_accounts_record_to_account (name, record);
}

gboolean
dg_accounts_soft_delete (DgAccounts *self, const char *actor, const char *username,
                         GCancellable *cancellable, GError **error)
{
  g_autofree char *name = NULL;
  g_autofree char *now = NULL;
  g_autofree char *actor_name = NULL;
  g_autoptr (JsonObject) record = NULL;
  g_autoptr (JsonObject) replacement = NULL;
  JsonNode *metadata_node;
  JsonObject *metadata;

  g_return_val_if_fail (DG_IS_ACCOUNTS (self), FALSE);

  if (!dg_accounts_prepare (self, cancellable, error))
    return FALSE;
  record = load_admin_target (self, actor, username, "You cannot delete your own account", &name,
                              cancellable, error);
  if (record == NULL)
    return FALSE;
  if (!revoke_sessions (self, name, error))
    return FALSE;
  /* Upstream's mock deletes for real. */
  if (self->backend->kind == DG_ACCOUNTS_BACKEND_MOCK)
    return self->backend->put (self->backend, name, NULL, NULL, cancellable, error);

  /* 1.19: a new record with password null and the deletion marks added to the metadata. */
  now = _dg_accounts_now_iso (self);
  actor_name = actor != NULL ? dg_js_trim_lower (actor) : g_strdup (OPERATOR_ACTOR);
  metadata_node = json_object_get_member (record, "metadata");
  metadata = JSON_NODE_HOLDS_OBJECT (metadata_node)
                 ? dg_json_object_copy (json_node_get_object (metadata_node))
                 : json_object_new ();
  json_object_set_boolean_member (metadata, DG_ACCOUNT_META_DELETED, TRUE);
  json_object_set_string_member (metadata, DG_ACCOUNT_META_DELETED_AT, now);
  json_object_set_string_member (metadata, DG_ACCOUNT_META_DELETED_BY,
                                 actor_name != NULL ? actor_name : OPERATOR_ACTOR);
  replacement = json_object_new ();
  json_object_set_string_member (replacement, "type", "simple");
  json_object_set_null_member (replacement, "password");
  json_object_set_string_member (replacement, "role",
                                 json_object_get_string_member (record, "role"));
  json_object_set_object_member (replacement, "metadata", metadata);
  json_object_set_string_member (replacement, "createdAt",
                                 json_object_get_string_member (record, "createdAt"));
  json_object_set_string_member (replacement, "updatedAt", now);
  return _dg_accounts_store_record (self, name, replacement, cancellable, error);
}
