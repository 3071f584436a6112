/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-registration"

#include "config.h"

#include <gcrypt.h>
#include <string.h>

#include "dg-crypto.h"
#include "dg-json-reader.h"
#include "dg-mail-failure.h"
#include "dg-util.h"

#define KEY_CONTEXT ":datagen:register-failure:v1"
#define IV_LENGTH 12
#define TAG_LENGTH 16

G_DEFINE_QUARK (dg_mail_failure_error_quark, dg_mail_failure_error)

static void
derive_key (const char *secret, guint8 key[DG_SHA256_LENGTH])
{
  g_autofree char *material = g_strconcat (secret, KEY_CONTEXT, NULL);

  dg_crypto_sha256 (material, strlen (material), key);
  dg_crypto_wipe (material, strlen (material));
}

static gcry_cipher_hd_t
open_cipher (const char *secret, const guint8 iv[IV_LENGTH])
{
  guint8 key[DG_SHA256_LENGTH];
  gcry_cipher_hd_t hd = NULL;
  gcry_error_t err;

  dg_crypto_init ();
  derive_key (secret, key);
  err = gcry_cipher_open (&hd, GCRY_CIPHER_AES256, GCRY_CIPHER_MODE_GCM, 0);
  if (err == 0)
    err = gcry_cipher_setkey (hd, key, sizeof key);
  if (err == 0)
    err = gcry_cipher_setiv (hd, iv, IV_LENGTH);
  dg_crypto_wipe (key, sizeof key);
  if (err != 0)
    g_error ("AES-256-GCM is unavailable in libgcrypt: %s", gcry_strerror (err));
  return hd;
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
  guint8 iv[IV_LENGTH];
  guint8 tag[TAG_LENGTH];
  gsize length;
  g_autofree guint8 *ciphertext = NULL;
  g_autofree char *iv_text = NULL;
  g_autofree char *tag_text = NULL;
  g_autofree char *ct_text = NULL;
  gcry_cipher_hd_t hd;
  gcry_error_t err;

  g_return_val_if_fail (secret != NULL && password != NULL, NULL);

  length = strlen (password);
  dg_random_bytes (iv, sizeof iv);
  hd = open_cipher (secret, iv);
  ciphertext = g_malloc (MAX (length, 1));
  err = gcry_cipher_final (hd);
  if (err == 0)
    err = gcry_cipher_encrypt (hd, ciphertext, length, password, length);
  if (err == 0)
    err = gcry_cipher_gettag (hd, tag, sizeof tag);
  gcry_cipher_close (hd);
  if (err != 0)
    g_error ("AES-256-GCM encryption failed: %s", gcry_strerror (err));

  iv_text = dg_base64url_encode (iv, sizeof iv);
  tag_text = dg_base64url_encode (tag, sizeof tag);
  ct_text = dg_base64url_encode (ciphertext, length);
  return g_strconcat (iv_text, ".", tag_text, ".", ct_text, NULL);
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
  g_auto (GStrv) parts = NULL;
  g_autofree guint8 *iv = NULL;
  g_autofree guint8 *tag = NULL;
  g_autofree guint8 *ciphertext = NULL;
  g_autofree char *plain = NULL;
  gsize iv_len = 0, tag_len = 0, ct_len = 0;
  gcry_cipher_hd_t hd;
  gcry_error_t err;

  g_return_val_if_fail (secret != NULL && token != NULL, NULL);

  parts = g_strsplit (token, ".", -1);
  if (g_strv_length (parts) != 3)
    {
      g_set_error_literal (error, DG_MAIL_FAILURE_ERROR, DG_MAIL_FAILURE_ERROR_FORMAT,
                           "The encrypted password does not have three parts");
      return NULL;
    }
  /* Node's Buffer.from(x, "base64url") is lenient; so are we when reading. */
  iv = dg_base64_decode_lenient (parts[0], &iv_len);
  tag = dg_base64_decode_lenient (parts[1], &tag_len);
  ciphertext = dg_base64_decode_lenient (parts[2], &ct_len);
  if (iv_len != IV_LENGTH || tag_len != TAG_LENGTH)
    {
      g_set_error_literal (error, DG_MAIL_FAILURE_ERROR, DG_MAIL_FAILURE_ERROR_FORMAT,
                           "The encrypted password has a wrong IV or tag size");
      return NULL;
    }

  hd = open_cipher (secret, iv);
  plain = g_malloc0 (ct_len + 1);
  err = gcry_cipher_final (hd);
  if (err == 0)
    err = gcry_cipher_decrypt (hd, plain, ct_len, ciphertext, ct_len);
  if (err == 0)
    err = gcry_cipher_checktag (hd, tag, TAG_LENGTH);
  gcry_cipher_close (hd);
  if (err != 0 || !g_utf8_validate (plain, (gssize) ct_len, NULL) || memchr (plain, 0, ct_len))
    {
      dg_crypto_wipe (plain, ct_len);
      g_set_error_literal (error, DG_MAIL_FAILURE_ERROR, DG_MAIL_FAILURE_ERROR_DECRYPT,
                           "The encrypted password cannot be decrypted with the current secret");
      return NULL;
    }
  return g_steal_pointer (&plain);
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
