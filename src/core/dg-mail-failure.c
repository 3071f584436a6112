/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-registration"

#include "config.h"

#include <string.h>

#include "dg-crypto.h"
#include "dg-json-reader.h"
#include "dg-mail-failure.h"
#include "dg-util.h"

#define KEY_CONTEXT ":datagen:register-failure:v1"

G_DEFINE_QUARK (dg_mail_failure_error_quark, dg_mail_failure_error)

static void
derive_key (const char *secret, guint8 key[DG_SHA256_LENGTH])
{
  g_autofree char *material = g_strconcat (secret, KEY_CONTEXT, NULL);

  dg_crypto_sha256 (material, strlen (material), key);
  dg_crypto_wipe (material, strlen (material));
}

/**
 * dg_mail_failure_encrypt:
 * @secret: the session signing secret
 * @password: the text to protect
 *
 * Returns: "iv.tag.ciphertext", each part unpadded base64url.
 */
char *
dg_mail_failure_encrypt (const char *secret, const char *password)
{
  guint8 key[DG_SHA256_LENGTH];
  char *token;

  g_return_val_if_fail (secret != NULL && password != NULL, NULL);

  derive_key (secret, key);
  token = dg_crypto_seal (key, NULL, password);
  dg_crypto_wipe (key, sizeof key);
  return token;
}

/**
 * dg_mail_failure_decrypt:
 * @secret: the session signing secret
 * @token: a value written by dg_mail_failure_encrypt() or by the earlier implementation
 *
 * Returns: (nullable): the password, or NULL with an error.
 */
char *
dg_mail_failure_decrypt (const char *secret, const char *token, GError **error)
{
  guint8 key[DG_SHA256_LENGTH];
  g_autoptr (GError) local_error = NULL;
  char *plain;

  g_return_val_if_fail (secret != NULL && token != NULL, NULL);

  derive_key (secret, key);
  /* Node's Buffer.from(x, "base64url") is lenient; so are we when reading. */
  plain = dg_crypto_open (key, NULL, token, DG_CRYPTO_OPEN_LENIENT, &local_error);
  dg_crypto_wipe (key, sizeof key);
  if (plain != NULL)
    return plain;
  if (g_error_matches (local_error, DG_CRYPTO_ERROR, DG_CRYPTO_ERROR_FORMAT))
    g_set_error (error, DG_MAIL_FAILURE_ERROR, DG_MAIL_FAILURE_ERROR_FORMAT,
                 "The encrypted password is malformed: %s", local_error->message);
  else
    g_set_error_literal (error, DG_MAIL_FAILURE_ERROR, DG_MAIL_FAILURE_ERROR_DECRYPT,
                         "The encrypted password cannot be decrypted with the current secret");
  return NULL;
}

JsonObject *
dg_mail_failure_record_new (const char *email, const char *username, const char *password_encrypted,
                            gint64 now_ms)
{
  JsonObject *record = json_object_new ();
  g_autofree char *now = dg_iso_timestamp (now_ms);

  /* Member order as the earlier implementation writes it. */
  json_object_set_string_member (record, "email", email);
  json_object_set_string_member (record, "username", username);
  json_object_set_string_member (record, "passwordEncrypted", password_encrypted);
  json_object_set_int_member (record, "attempts", 1);
  json_object_set_string_member (record, "status", DG_MAIL_FAILURE_STATUS_PENDING);
  json_object_set_string_member (record, "failedAt", now);
  json_object_set_string_member (record, "updatedAt", now);
  json_object_set_string_member (record, "lastErrorCode", DG_MAIL_FAILURE_CODE_DELIVERY_FAILED);
  return record;
}

JsonObject *
dg_mail_failure_record_parse (const char *text)
{
  g_autoptr (JsonNode) root = NULL;

  /* Records come from a shared CStore: strict, depth-limited parsing. */
  if (text != NULL)
    root = dg_json_parse_full (text, -1, DG_JSON_PARSE_ALLOW_NUL, 0, NULL, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_debug ("Ignoring a mail failure record that is not a JSON object");
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

char *
dg_mail_failure_record_to_string (JsonObject *record)
{
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), record);

  return json_to_string (node, FALSE);
}

const char *
dg_mail_failure_record_get_string (JsonObject *record, const char *member)
{
  JsonNode *node = json_object_get_member (record, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gint64
dg_mail_failure_record_get_attempts (JsonObject *record)
{
  JsonNode *node = json_object_get_member (record, "attempts");

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return (gint64) json_node_get_double (node);
  return 0;
}

gboolean
dg_mail_failure_record_is_pending (JsonObject *record)
{
  return g_strcmp0 (dg_mail_failure_record_get_string (record, "status"),
                    DG_MAIL_FAILURE_STATUS_PENDING) == 0;
}

gboolean
dg_mail_failure_record_is_expired (JsonObject *record, gint64 now_ms, gint64 ttl_seconds)
{
  const char *failed_at = dg_mail_failure_record_get_string (record, "failedAt");
  gint64 failed_ms = failed_at != NULL ? dg_iso_parse_ms (failed_at) : -1;

  if (failed_ms < 0)
    return TRUE;
  return now_ms - failed_ms > ttl_seconds * 1000;
}

static void
touch (JsonObject *record, gint64 now_ms)
{
  g_autofree char *now = dg_iso_timestamp (now_ms);

  json_object_set_string_member (record, "updatedAt", now);
}

void
dg_mail_failure_record_mark_sent (JsonObject *record, gint64 now_ms)
{
  json_object_set_string_member (record, "status", DG_MAIL_FAILURE_STATUS_SENT);
  if (json_object_has_member (record, "passwordEncrypted"))
    json_object_remove_member (record, "passwordEncrypted");
  json_object_set_string_member (record, "lastErrorCode", DG_MAIL_FAILURE_CODE_SENT);
  touch (record, now_ms);
}

void
dg_mail_failure_record_mark_expired (JsonObject *record, gint64 now_ms)
{
  json_object_set_string_member (record, "status", DG_MAIL_FAILURE_STATUS_EXPIRED);
  if (json_object_has_member (record, "passwordEncrypted"))
    json_object_remove_member (record, "passwordEncrypted");
  touch (record, now_ms);
}

void
dg_mail_failure_record_mark_decrypt_failed (JsonObject *record, gint64 now_ms)
{
  json_object_set_string_member (record, "status", DG_MAIL_FAILURE_STATUS_EXPIRED);
  json_object_set_string_member (record, "lastErrorCode", DG_MAIL_FAILURE_CODE_DECRYPT_FAILED);
  touch (record, now_ms);
}

void
dg_mail_failure_record_mark_retry_failed (JsonObject *record, gint64 now_ms)
{
  json_object_set_int_member (record, "attempts", dg_mail_failure_record_get_attempts (record) + 1);
  json_object_set_string_member (record, "lastErrorCode", DG_MAIL_FAILURE_CODE_DELIVERY_FAILED);
  touch (record, now_ms);
}
