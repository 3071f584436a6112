/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-jwt"

#include "config.h"

#include <string.h>

#include "dg-crypto.h"
#include "dg-json-reader.h"
#include "dg-json-writer.h"
#include "dg-jwt.h"

G_DEFINE_QUARK (dg_jwt_error_quark, dg_jwt_error)

static gboolean
checksum_for_alg (const char *alg, GChecksumType *type)
{
  if (g_strcmp0 (alg, "HS256") == 0)
    *type = G_CHECKSUM_SHA256;
  else if (g_strcmp0 (alg, "HS384") == 0)
    *type = G_CHECKSUM_SHA384;
  else if (g_strcmp0 (alg, "HS512") == 0)
    *type = G_CHECKSUM_SHA512;
  else
    return FALSE;
  return TRUE;
}

/* base64url(HMAC(secret, header.payload)), the third part of the token. */
static char *
signature (GChecksumType type, const char *secret, const char *signing_input, gsize length)
{
  g_autoptr (GHmac) hmac = g_hmac_new (type, (const guchar *) secret, strlen (secret));
  guint8 digest[64];
  gsize digest_length = sizeof digest;

  g_hmac_update (hmac, (const guchar *) signing_input, length);
  g_hmac_get_digest (hmac, digest, &digest_length);
  return dg_base64url_encode (digest, digest_length);
}

static char *
encode_object (JsonObject *object)
{
  g_autofree char *json = dg_json_object_to_string (object, DG_JSON_WRITE_COMPACT);

  return dg_base64url_encode ((const guint8 *) json, strlen (json));
}

char *
dg_jwt_sign_with_alg (JsonObject *claims, const char *kind, const char *secret, const char *alg,
                      GError **error)
{
  g_autoptr (JsonObject) header = json_object_new ();
  g_autoptr (JsonObject) payload = json_object_new ();
  g_autoptr (GList) members = NULL;
  g_autofree char *header_b64 = NULL;
  g_autofree char *payload_b64 = NULL;
  g_autofree char *signing_input = NULL;
  g_autofree char *sig = NULL;
  GChecksumType type;
  JsonNode *existing;

  g_return_val_if_fail (claims != NULL, NULL);
  g_return_val_if_fail (kind != NULL && *kind != '\0', NULL);

  if (!checksum_for_alg (alg, &type))
    {
      g_set_error (error, DG_JWT_ERROR, DG_JWT_ERROR_ALGORITHM, "invalid algorithm: %s",
                   alg != NULL ? alg : "(none)");
      return NULL;
    }
  if (secret == NULL || *secret == '\0')
    {
      g_set_error_literal (error, DG_JWT_ERROR, DG_JWT_ERROR_SECRET,
                           "secretOrPrivateKey must have a value");
      return NULL;
    }
  existing = json_object_get_member (claims, DG_JWT_KIND_CLAIM);
  if (existing != NULL &&
      (!JSON_NODE_HOLDS_VALUE (existing) || json_node_get_value_type (existing) != G_TYPE_STRING ||
       !g_str_equal (json_node_get_string (existing), kind)))
    {
      g_set_error (error, DG_JWT_ERROR, DG_JWT_ERROR_WRONG_KIND,
                   "The claims already say this is not a %s token", kind);
      return NULL;
    }

  /* jsonwebtoken's header, in its order. */
  json_object_set_string_member (header, "alg", alg);
  json_object_set_string_member (header, "typ", "JWT");

  members = json_object_get_members (claims);
  for (GList *l = members; l != NULL; l = l->next)
    json_object_set_member (payload, l->data,
                            json_node_copy (json_object_get_member (claims, l->data)));
  if (existing == NULL)
    json_object_set_string_member (payload, DG_JWT_KIND_CLAIM, kind);

  header_b64 = encode_object (header);
  payload_b64 = encode_object (payload);
  signing_input = g_strconcat (header_b64, ".", payload_b64, NULL);
  sig = signature (type, secret, signing_input, strlen (signing_input));
  return g_strconcat (signing_input, ".", sig, NULL);
}

/**
 * dg_jwt_sign:
 *
 * Returns: (transfer full): the compact token, or %NULL with @error set
 */
char *
dg_jwt_sign (JsonObject *claims, const char *kind, const char *secret, GError **error)
{
  return dg_jwt_sign_with_alg (claims, kind, secret, "HS256", error);
}

static gboolean
is_base64url (const char *text, gsize length)
{
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalnum (text[i]) && text[i] != '-' && text[i] != '_')
      return FALSE;
  return TRUE;
}

/* The JSON object encoded in one part of the token, or NULL. */
static JsonObject *
decode_part (const char *part)
{
  g_autoptr (JsonNode) root = NULL;
  g_autofree guint8 *json = NULL;
  gsize length;

  json = dg_base64url_decode (part, &length);
  if (json != NULL)
    root = dg_json_parse ((const char *) json, (gssize) length, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

static gboolean
malformed (GError **error)
{
  g_set_error_literal (error, DG_JWT_ERROR, DG_JWT_ERROR_MALFORMED, "jwt malformed");
  return FALSE;
}

/* Reads a numeric claim. FALSE when absent; *@bad when present but not a number. */
static gboolean
number_claim (JsonObject *payload, const char *name, double *out, gboolean *bad)
{
  JsonNode *node = json_object_get_member (payload, name);
  GType type;

  *bad = FALSE;
  if (node == NULL)
    return FALSE;
  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    {
      *bad = TRUE;
      return FALSE;
    }
  *out = json_node_get_double (node);
  return TRUE;
}

JsonObject *
dg_jwt_verify (const char *token, const char *kind, const char *secret, gint64 now_seconds,
               GError **error)
{
  g_auto (GStrv) parts = NULL;
  g_autoptr (JsonObject) header = NULL;
  g_autoptr (JsonObject) payload = NULL;
  g_autofree char *expected = NULL;
  const char *alg;
  const char *token_kind;
  GChecksumType type;
  JsonNode *node;
  gboolean bad;
  double value;

  g_return_val_if_fail (kind != NULL, NULL);

  if (secret == NULL || *secret == '\0')
    {
      g_set_error_literal (error, DG_JWT_ERROR, DG_JWT_ERROR_SECRET,
                           "secret or public key must be provided");
      return NULL;
    }
  if (token == NULL || *token == '\0')
    {
      g_set_error_literal (error, DG_JWT_ERROR, DG_JWT_ERROR_MALFORMED, "jwt must be provided");
      return NULL;
    }
  parts = g_strsplit (token, ".", -1);
  if (g_strv_length (parts) != 3 || parts[0][0] == '\0' || parts[1][0] == '\0' ||
      !is_base64url (parts[0], strlen (parts[0])) || !is_base64url (parts[1], strlen (parts[1])) ||
      !is_base64url (parts[2], strlen (parts[2])))
    return (malformed (error), NULL);
  header = decode_part (parts[0]);
  if (header == NULL)
    return (malformed (error), NULL);

  /* A string secret allows only the HMAC family; "none" and RS/ES tokens are refused. */
  node = json_object_get_member (header, "alg");
  alg = node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
                json_node_get_value_type (node) == G_TYPE_STRING
            ? json_node_get_string (node)
            : NULL;
  if (!checksum_for_alg (alg, &type))
    {
      g_set_error_literal (error, DG_JWT_ERROR, DG_JWT_ERROR_ALGORITHM, "invalid algorithm");
      return NULL;
    }
  expected = signature (type, secret, token, strlen (parts[0]) + 1 + strlen (parts[1]));
  if (!dg_crypto_str_equal (expected, parts[2]))
    {
      g_set_error_literal (error, DG_JWT_ERROR, DG_JWT_ERROR_SIGNATURE, "invalid signature");
      return NULL;
    }
  payload = decode_part (parts[1]);
  if (payload == NULL)
    return (malformed (error), NULL);

  if (number_claim (payload, "nbf", &value, &bad) && value > (double) now_seconds)
    {
      g_set_error_literal (error, DG_JWT_ERROR, DG_JWT_ERROR_NOT_ACTIVE, "jwt not active");
      return NULL;
    }
  if (bad)
    {
      g_set_error_literal (error, DG_JWT_ERROR, DG_JWT_ERROR_CLAIM, "invalid nbf value");
      return NULL;
    }
  /* No leeway: a token is expired from its exp second on. */
  if (number_claim (payload, "exp", &value, &bad) && (double) now_seconds >= value)
    {
      g_set_error_literal (error, DG_JWT_ERROR, DG_JWT_ERROR_EXPIRED, "jwt expired");
      return NULL;
    }
  if (bad)
    {
      g_set_error_literal (error, DG_JWT_ERROR, DG_JWT_ERROR_CLAIM, "invalid exp value");
      return NULL;
    }

  node = json_object_get_member (payload, DG_JWT_KIND_CLAIM);
  token_kind = node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
                       json_node_get_value_type (node) == G_TYPE_STRING
                   ? json_node_get_string (node)
                   : NULL;
  if (g_strcmp0 (token_kind, kind) != 0)
    {
      g_set_error (error, DG_JWT_ERROR, DG_JWT_ERROR_WRONG_KIND, "not a %s token", kind);
      return NULL;
    }
  return g_steal_pointer (&payload);
}
