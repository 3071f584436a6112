/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-accounts"

#include "config.h"

#include <string.h>

#include "dg-accounts-private.h"
#include "dg-js-string.h"
#include "dg-json-copy.h"
#include "dg-json-reader.h"
#include "dg-json-writer.h"
#include "dg-password.h"

/**
 * dg_accounts_canonicalize_username:
 *
 * Returns: (transfer full): the canonical username, or %NULL with
 *   DG_ACCOUNTS_ERROR_INVALID_USERNAME and cstore-auth-ts' message
 */
char *
dg_accounts_canonicalize_username (const char *username, GError **error)
{
  g_autofree char *lowered = NULL;
  gsize length;

  if (username == NULL || !g_utf8_validate (username, -1, NULL))
    {
      g_set_error_literal (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_INVALID_USERNAME,
                           "Invalid username: value must be a string");
      return NULL;
    }
  lowered = dg_js_trim_lower (username);
  if (lowered[0] == '\0')
    {
      g_set_error_literal (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_INVALID_USERNAME,
                           "Invalid username: value must not be empty");
      return NULL;
    }
  /* The length is checked before the pattern, so "??" gets the length message. */
  length = dg_js_utf16_length (lowered);
  if (length < 3 || length > 64)
    {
      g_set_error_literal (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_INVALID_USERNAME,
                           "Invalid username: length must be between 3 and 64 characters");
      return NULL;
    }
  for (const char *p = lowered; *p != '\0'; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
          *p == '-'))
      {
        g_set_error_literal (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_INVALID_USERNAME,
                             "Invalid username: only lowercase letters, numbers, \".\", \"-\", "
                             "and \"_\" are allowed after canonicalization");
        return NULL;
      }
  return g_steal_pointer (&lowered);
}

/* Primary collation weights of the root locale (ICU, what localeCompare uses): punctuation
 * "_" < "-" < "." before digits before letters. */
static int
collation_weight (guchar c)
{
  if (c == '_')
    return 1;
  if (c == '-')
    return 2;
  if (c == '.')
    return 3;
  if (c >= '0' && c <= '9')
    return 10 + (c - '0');
  if (c >= 'a' && c <= 'z')
    return 20 + (c - 'a');
  return 100 + c;
}

int
dg_accounts_compare_usernames (const char *a, const char *b)
{
  const guchar *x = (const guchar *) a;
  const guchar *y = (const guchar *) b;

  for (; *x != '\0' && *y != '\0'; x++, y++)
    {
      int d = collation_weight (*x) - collation_weight (*y);

      if (d != 0)
        return d;
    }
  return (*x != '\0') - (*y != '\0');
}

/* ---------------------------------------------------------------------------------------- */
/* JSON helpers */

static const char *
string_member (JsonObject *object, const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* String(value) of a JS value, for the "unsupported user type" message. */
static char *
js_string_of (JsonNode *node)
{
  if (node == NULL)
    return g_strdup ("undefined");
  if (JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("null");
  if (JSON_NODE_HOLDS_OBJECT (node))
    return g_strdup ("[object Object]");
  if (JSON_NODE_HOLDS_ARRAY (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return dg_json_to_string (node, DG_JSON_WRITE_COMPACT);
  return g_strdup (json_node_get_string (node));
}

static gboolean
serialization_error (GError **error, const char *username, const char *detail)
{
  g_set_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_SERIALIZATION,
               "Failed to parse user record for \"%s\": %s", username, detail);
  return FALSE;
}

/**
 * dg_accounts_record_parse:
 *
 * parseUserRecord of cstore-auth-ts: the checks, their order and their messages. A missing
 * or null metadata becomes {} (in the returned object, which is otherwise the stored one,
 * unknown members included, so that updates keep what other implementations wrote).
 */
JsonObject *
dg_accounts_record_parse (const char *username, const char *text, GError **error)
{
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (JsonObject) record = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GError) password_error = NULL;
  g_autofree char *type_text = NULL;
  JsonNode *node;
  const char *role;

  /* A strict reader (RFC 8259, like JSON.parse; duplicate keys keep the last value). */
  root = text != NULL ? dg_json_parse (text, -1, &local_error) : NULL;
  if (root == NULL)
    {
      serialization_error (error, username, "value is not valid JSON");
      return NULL;
    }
  if ((!JSON_NODE_HOLDS_OBJECT (root) && !JSON_NODE_HOLDS_ARRAY (root)))
    {
      serialization_error (error, username, "value must be an object");
      return NULL;
    }
  if (JSON_NODE_HOLDS_ARRAY (root))
    {
      serialization_error (error, username, "unsupported user type \"undefined\"");
      return NULL;
    }
  /* A private copy the caller may change. */
  record = dg_json_object_copy (json_node_get_object (root));

  node = json_object_get_member (record, "type");
  if (g_strcmp0 (string_member (record, "type"), "simple") != 0)
    {
      g_autofree char *detail = NULL;

      type_text = js_string_of (node);
      detail = g_strdup_printf ("unsupported user type \"%s\"", type_text);
      serialization_error (error, username, detail);
      return NULL;
    }
  role = string_member (record, "role");
  if (g_strcmp0 (role, DG_ACCOUNT_ROLE_ADMIN) != 0 && g_strcmp0 (role, DG_ACCOUNT_ROLE_USER) != 0)
    {
      serialization_error (error, username, "role must be \"admin\" or \"user\"");
      return NULL;
    }
  if (string_member (record, "createdAt") == NULL || string_member (record, "updatedAt") == NULL)
    {
      serialization_error (error, username, "timestamps are missing or invalid");
      return NULL;
    }
  node = json_object_get_member (record, "metadata");
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    json_object_set_object_member (record, "metadata", json_object_new ());
  else if (!JSON_NODE_HOLDS_OBJECT (node) && !JSON_NODE_HOLDS_ARRAY (node))
    {
      serialization_error (error, username, "metadata must be an object");
      return NULL;
    }
  node = json_object_get_member (record, "password");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node) &&
      !dg_password_record_check (node, &password_error))
    {
      serialization_error (error, username, password_error->message);
      return NULL;
    }
  return g_steal_pointer (&record);
}

char *
dg_accounts_record_to_text (JsonObject *record)
{
  /* JSON.stringify's output, byte for byte (json-glib would write 0.1 as 0.10000000000000001). */
  return dg_json_object_to_string (record, DG_JSON_WRITE_COMPACT);
}

JsonObject *
dg_accounts_record_new (JsonObject *password, const char *role, JsonObject *metadata,
                        const char *now_iso)
{
  JsonObject *record = json_object_new ();

  /* cstore-auth-ts key order: type, password, role, metadata, createdAt, updatedAt. */
  json_object_set_string_member (record, "type", "simple");
  if (password != NULL)
    json_object_set_object_member (record, "password", password);
  else
    json_object_set_null_member (record, "password");
  json_object_set_string_member (record, "role", role);
  json_object_set_object_member (
      record, "metadata", metadata != NULL ? dg_json_object_copy (metadata) : json_object_new ());
  json_object_set_string_member (record, "createdAt", now_iso);
  json_object_set_string_member (record, "updatedAt", now_iso);
  return record;
}

gboolean
dg_accounts_metadata_is_deleted (JsonObject *metadata)
{
  JsonNode *flag;

  if (metadata == NULL)
    return FALSE;
  flag = json_object_get_member (metadata, DG_ACCOUNT_META_DELETED);
  if (flag != NULL && JSON_NODE_HOLDS_VALUE (flag) &&
      json_node_get_value_type (flag) == G_TYPE_BOOLEAN && json_node_get_boolean (flag))
    return TRUE;
  return string_member (metadata, DG_ACCOUNT_META_DELETED_AT) != NULL;
}

/* The record's metadata as an object ({} for an array, as upstream's admin code reads it). */
static JsonObject *
record_metadata (JsonObject *record)
{
  JsonNode *node = json_object_get_member (record, "metadata");

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    return json_node_get_object (node);
  return NULL;
}

DgAccount *
dg_accounts_record_to_account (const char *username, JsonObject *record)
{
  DgAccount *account = g_new0 (DgAccount, 1);
  JsonObject *metadata = record_metadata (record);
  JsonNode *password = json_object_get_member (record, "password");

  account->username = g_strdup (username);
  account->role = g_strdup (string_member (record, "role"));
  account->metadata = metadata != NULL ? dg_json_object_copy (metadata) : json_object_new ();
  account->created_at = g_strdup (string_member (record, "createdAt"));
  account->updated_at = g_strdup (string_member (record, "updatedAt"));
  account->deleted = dg_accounts_metadata_is_deleted (metadata);
  account->has_password = password != NULL && !JSON_NODE_HOLDS_NULL (password);
  return account;
}

char *
dg_accounts_record_email (JsonObject *record)
{
  JsonObject *metadata = record_metadata (record);
  const char *email = metadata != NULL ? string_member (metadata, "email") : NULL;
  g_autofree char *normalised = NULL;

  if (email == NULL)
    return NULL;
  normalised = dg_js_trim_lower (email);
  if (normalised == NULL || normalised[0] == '\0')
    return NULL;
  return g_steal_pointer (&normalised);
}

/* ---------------------------------------------------------------------------------------- */
/* DgAccount */

G_DEFINE_BOXED_TYPE (DgAccount, dg_account, dg_account_copy, dg_account_free)

DgAccount *
dg_account_copy (const DgAccount *account)
{
  DgAccount *copy;

  g_return_val_if_fail (account != NULL, NULL);

  copy = g_new0 (DgAccount, 1);
  copy->username = g_strdup (account->username);
  copy->role = g_strdup (account->role);
  copy->metadata = dg_json_object_copy (account->metadata);
  copy->created_at = g_strdup (account->created_at);
  copy->updated_at = g_strdup (account->updated_at);
  copy->deleted = account->deleted;
  copy->has_password = account->has_password;
  return copy;
}

void
dg_account_free (DgAccount *account)
{
  if (account == NULL)
    return;
  g_free (account->username);
  g_free (account->role);
  g_clear_pointer (&account->metadata, json_object_unref);
  g_free (account->created_at);
  g_free (account->updated_at);
  g_free (account);
}

/**
 * dg_account_get_metadata_text:
 *
 * Returns: (nullable): the metadata member @key when it is a string that is not blank
 *   (how upstream's admin list reads email and country), else %NULL
 */
const char *
dg_account_get_metadata_text (const DgAccount *account, const char *key)
{
  const char *value;

  g_return_val_if_fail (account != NULL && key != NULL, NULL);

  value = string_member (account->metadata, key);
  if (value == NULL)
    return NULL;
  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p))
    if (!dg_js_is_space (g_utf8_get_char (p)))
      return value;
  return NULL;
}

gboolean
dg_account_is_admin (const DgAccount *account)
{
  g_return_val_if_fail (account != NULL, FALSE);
  return g_strcmp0 (account->role, DG_ACCOUNT_ROLE_ADMIN) == 0;
}

JsonNode *
dg_account_to_public_json (const DgAccount *account)
{
  g_autoptr (JsonObject) object = NULL;

  g_return_val_if_fail (account != NULL, NULL);

  object = json_object_new ();
  json_object_set_string_member (object, "username", account->username);
  json_object_set_string_member (object, "role", account->role);
  json_object_set_object_member (object, "metadata", dg_json_object_copy (account->metadata));
  json_object_set_string_member (object, "createdAt", account->created_at);
  json_object_set_string_member (object, "updatedAt", account->updated_at);
  json_object_set_string_member (object, "type", "simple");
  return json_node_init_object (json_node_alloc (), object);
}
