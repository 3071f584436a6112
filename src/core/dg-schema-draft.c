/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-draft"

#include "config.h"

#include "dg-jwt.h"
#include "dg-schema-draft.h"
#include "dg-util.h"

G_DEFINE_QUARK (dg - draft - error - quark, dg_draft_error)

/* Upstream's optional draft fields, in the order upstream writes them. */
static const char *const inference_keys[] = {
  "profileId", "inferenceBaseUrl", "inferencePath", "inferenceModel", "inferenceParams",
};

DgDraftClaims *
dg_draft_claims_new (void)
{
  return g_new0 (DgDraftClaims, 1);
}

void
dg_draft_claims_free (DgDraftClaims *claims)
{
  if (claims == NULL)
    return;
  g_free (claims->draft_id);
  g_free (claims->username);
  g_free (claims->title);
  g_free (claims->description);
  g_free (claims->instructions);
  g_clear_pointer (&claims->schema, json_node_unref);
  g_free (claims->schema_generated_at);
  g_clear_pointer (&claims->inference, json_object_unref);
  g_free (claims);
}

/**
 * dg_draft_token_sign:
 *
 * Returns: the compact JWT, or NULL with DG_JWT_ERROR_SECRET for an empty secret.
 */
char *
dg_draft_token_sign (DgDraftClaims *claims, const char *secret, gint64 now_seconds, GError **error)
{
  g_autoptr (JsonObject) payload = json_object_new ();

  g_return_val_if_fail (claims != NULL, NULL);
  g_return_val_if_fail (claims->username != NULL && claims->schema != NULL, NULL);

  if (claims->draft_id == NULL)
    claims->draft_id = dg_random_hex (16);
  claims->issued_at = now_seconds;
  claims->expires_at = now_seconds + DG_DRAFT_TOKEN_TTL_SECONDS;

  json_object_set_string_member (payload, "title", claims->title != NULL ? claims->title : "");
  json_object_set_int_member (payload, "totalRecords", claims->total_records);
  json_object_set_string_member (payload, "description",
                                 claims->description != NULL ? claims->description : "");
  json_object_set_string_member (payload, "instructions",
                                 claims->instructions != NULL ? claims->instructions : "");
  json_object_set_member (payload, "schema", json_node_copy (claims->schema));
  if (claims->schema_generated_at != NULL)
    json_object_set_string_member (payload, "schemaGeneratedAt", claims->schema_generated_at);
  json_object_set_int_member (payload, "schemaDurationMs", claims->schema_duration_ms);
  json_object_set_int_member (payload, "schemaRefreshes", claims->schema_refreshes);
  json_object_set_boolean_member (payload, "datasetMode", claims->dataset_mode);
  for (guint i = 0; claims->inference != NULL && i < G_N_ELEMENTS (inference_keys); i++)
    {
      JsonNode *value = json_object_get_member (claims->inference, inference_keys[i]);

      if (value != NULL && !JSON_NODE_HOLDS_NULL (value))
        json_object_set_member (payload, inference_keys[i], json_node_copy (value));
    }
  json_object_set_string_member (payload, "username", claims->username);
  json_object_set_string_member (payload, "jti", claims->draft_id);
  json_object_set_int_member (payload, "iat", claims->issued_at);
  json_object_set_int_member (payload, "exp", claims->expires_at);

  return dg_jwt_sign (payload, DG_JWT_KIND_DRAFT, secret, error);
}

static const char *
string_member (JsonObject *object, const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
int_member (JsonObject *object, const char *name, gint64 *out)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    *out = json_node_get_int (node);
  else if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    *out = (gint64) json_node_get_double (node);
  else
    return FALSE;
  return TRUE;
}

/**
 * dg_draft_token_verify:
 * @username: (nullable): the confirming user; NULL skips the binding check
 *
 * Returns: (transfer full): the draft, or NULL with a DG_DRAFT_ERROR.
 */
DgDraftClaims *
dg_draft_token_verify (const char *token, const char *username, const char *secret,
                       gint64 now_seconds, GError **error)
{
  g_autoptr (DgDraftClaims) claims = dg_draft_claims_new ();
  g_autoptr (JsonObject) payload = NULL;
  g_autoptr (GError) local_error = NULL;
  JsonNode *member;
  const char *text;

  if (token == NULL || *token == '\0')
    {
      g_set_error_literal (error, DG_DRAFT_ERROR, DG_DRAFT_ERROR_INVALID_TOKEN,
                           "Invalid or expired draft");
      return NULL;
    }
  payload = dg_jwt_verify (token, DG_JWT_KIND_DRAFT, secret, now_seconds, &local_error);
  if (payload == NULL)
    {
      g_debug ("Draft token refused: %s", local_error->message);
      g_set_error_literal (error, DG_DRAFT_ERROR, DG_DRAFT_ERROR_INVALID_TOKEN,
                           "Invalid or expired draft");
      return NULL;
    }

  /* Signed by us, so the shape is ours; still, refuse anything incomplete. */
  text = string_member (payload, "username");
  member = json_object_get_member (payload, "schema");
  if (text == NULL || string_member (payload, "jti") == NULL || member == NULL ||
      !int_member (payload, "totalRecords", &claims->total_records))
    {
      g_set_error_literal (error, DG_DRAFT_ERROR, DG_DRAFT_ERROR_INVALID_TOKEN,
                           "Invalid or expired draft");
      return NULL;
    }
  if (username != NULL && g_strcmp0 (username, text) != 0)
    {
      g_set_error (error, DG_DRAFT_ERROR, DG_DRAFT_ERROR_FOREIGN_TOKEN,
                   "This draft belongs to another user");
      return NULL;
    }

  claims->username = g_strdup (text);
  claims->draft_id = g_strdup (string_member (payload, "jti"));
  claims->title = g_strdup (string_member (payload, "title"));
  claims->description = g_strdup (string_member (payload, "description"));
  claims->instructions = g_strdup (string_member (payload, "instructions"));
  claims->schema = json_node_copy (member);
  claims->schema_generated_at = g_strdup (string_member (payload, "schemaGeneratedAt"));
  int_member (payload, "schemaDurationMs", &claims->schema_duration_ms);
  int_member (payload, "schemaRefreshes", &claims->schema_refreshes);
  claims->dataset_mode =
      json_object_get_boolean_member_with_default (payload, "datasetMode", FALSE);
  int_member (payload, "iat", &claims->issued_at);
  int_member (payload, "exp", &claims->expires_at);
  for (guint i = 0; i < G_N_ELEMENTS (inference_keys); i++)
    {
      JsonNode *value = json_object_get_member (payload, inference_keys[i]);

      if (value == NULL)
        continue;
      if (claims->inference == NULL)
        claims->inference = json_object_new ();
      json_object_set_member (claims->inference, inference_keys[i], json_node_copy (value));
    }
  return g_steal_pointer (&claims);
}
