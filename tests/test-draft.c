/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-draft"

#include "config.h"

#include "dg-json-writer.h"
#include "dg-jwt.h"
#include "dg-schema-draft.h"

#define SECRET "test-secret"
#define NOW 1700000000

static JsonNode *
parse (const char *text)
{
  g_autoptr (GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

/* Sanitises @input and checks the result and the warnings. */
static void
check_sanitize (const char *input, const char *expected, const char *const *warnings)
{
  g_autoptr (JsonNode) node = parse (input);
  g_autoptr (GPtrArray) got = NULL;
  g_autoptr (JsonNode) result = dg_schema_sanitize (node, &got);
  g_autofree char *text = dg_json_to_string (result, DG_JSON_WRITE_COMPACT);
  g_autofree char *again = dg_json_to_string (node, DG_JSON_WRITE_COMPACT);
  g_autoptr (JsonNode) original = parse (input);
  g_autofree char *original_text = dg_json_to_string (original, DG_JSON_WRITE_COMPACT);

  g_assert_cmpstr (text, ==, expected);
  /* The input is not changed. */
  g_assert_cmpstr (again, ==, original_text);
  if (warnings != NULL)
    {
      guint n = g_strv_length ((char **) warnings);

      for (guint i = 0; i < MIN (n, got->len); i++)
        g_assert_cmpstr (got->pdata[i], ==, warnings[i]);
      g_assert_cmpuint (got->len, ==, n);
    }
}

static void
test_sanitize_upstream_example (void)
{
  const char *const warnings[] = {
    "Replaced invalid $schema with JSON Schema 2020-12 URL.",
    "Forced schema type to object.",
    "Normalized property schema for \"a\".",
    "Normalized property schema for \"e\".",
    "Normalized property schema for \"g\".",
    "Rebuilt required list from properties.",
    "Set additionalProperties to false.",
    NULL,
  };

  /* Upstream section 6's example; unlike upstream, g keeps its description. */
  check_sanitize (
      "{\"$schema\":\"http://x\",\"type\":\"array\",\"properties\":{\"a\":\"text\","
      "\"e\":[],\"g\":{\"@type\":\"integer\",\"description\":\"x\"},"
      "\"j\":{\"type\":\"string\",\"minLength\":2}}}",
      "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\","
      "\"properties\":{\"a\":{\"type\":\"string\"},\"e\":{\"type\":\"array\",\"items\":"
      "{\"type\":\"string\"}},\"g\":{\"type\":\"integer\",\"description\":\"x\"},"
      "\"j\":{\"type\":\"string\",\"minLength\":2}},\"required\":[\"a\",\"e\",\"g\",\"j\"],"
      "\"additionalProperties\":false}",
      warnings);
}

static void
test_sanitize_keeps_unions_and_descriptions (void)
{
  const char *const none[] = { NULL };

  /* Upstream turned these into {"type":"object"}: a valid schema stays as it is. */
  check_sanitize (
      "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\","
      "\"properties\":{\"nick\":{\"type\":[\"string\",\"null\"],\"description\":\"Nickname\"},"
      "\"tier\":{\"enum\":[\"gold\",\"silver\"],\"description\":\"Tier\"}},"
      "\"required\":[\"nick\"],\"additionalProperties\":false}",
      "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\","
      "\"properties\":{\"nick\":{\"type\":[\"string\",\"null\"],\"description\":\"Nickname\"},"
      "\"tier\":{\"enum\":[\"gold\",\"silver\"],\"description\":\"Tier\"}},"
      "\"required\":[\"nick\"],\"additionalProperties\":false}",
      none);
}

static void
test_sanitize_recurses (void)
{
  const char *const warnings[] = {
    "Normalized property schema for \"address.zip\".",
    "Normalized property schema for \"address.since\".",
    "Removed invalid entries from the required list of address.",
    "Normalized property schema for \"tags[items]\".",
    "Normalized property schema for \"note\".",
    NULL,
  };

  check_sanitize (
      "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\","
      "\"properties\":{\"address\":{\"type\":\"object\",\"properties\":{\"zip\":\"int\","
      "\"since\":{\"type\":\"datetime\",\"description\":\"Moved in\"}},\"required\":[\"zip\",3]},"
      "\"tags\":{\"type\":\"array\",\"items\":{\"description\":\"A tag\"}},"
      "\"note\":\"Free text written by the agent\"},"
      "\"required\":[\"address\"],\"additionalProperties\":false}",
      "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\","
      "\"properties\":{\"address\":{\"type\":\"object\",\"properties\":{\"zip\":{\"type\":"
      "\"integer\"},"
      "\"since\":{\"type\":\"string\",\"description\":\"Moved in\",\"format\":\"date-time\"}},"
      "\"required\":[\"zip\"]},\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\","
      "\"description\":\"A tag\"}},\"note\":{\"type\":\"string\",\"description\":\"Free text "
      "written by "
      "the agent\"}},\"required\":[\"address\"],\"additionalProperties\":false}",
      warnings);
}

static void
test_sanitize_not_object (void)
{
  const char *const warnings[] = { "Schema is not an object; cannot sanitize.", NULL };

  check_sanitize ("[1,2]", "[1,2]", warnings);
  check_sanitize ("\"schema\"", "\"schema\"", warnings);
}

static void
test_sanitize_mock_fields (void)
{
  g_autoptr (JsonNode) node =
      parse ("{\"title\":\"SyntheticRecord\",\"fields\":[{\"name\":\"field_1\","
             "\"type\":\"string\"}]}");
  g_autoptr (JsonNode) result = dg_schema_sanitize (node, NULL);
  JsonObject *root = json_node_get_object (result);

  /* Upstream's mock drafts keep "fields" and get empty properties. */
  g_assert_true (json_object_has_member (root, "fields"));
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (root, "properties")), ==,
                    0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "required")), ==, 0);
}

static void
test_check (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonArray) details = NULL;
  g_autoptr (JsonNode) good =
      parse ("{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\","
             "\"properties\":{\"n\":{\"type\":\"integer\",\"minimum\":0}},\"required\":[\"n\"],"
             "\"additionalProperties\":false}");
  g_autoptr (JsonNode) bad =
      parse ("{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\","
             "\"properties\":{\"n\":{\"type\":\"integer\",\"minimum\":\"zero\"}},"
             "\"additionalProperties\":\"no\"}");
  g_autoptr (JsonNode) array = parse ("[]");
  JsonObject *first;

  g_assert_true (dg_schema_check (good, &details, &error));
  g_assert_no_error (error);
  g_assert_null (details);

  /* An edit that breaks the schema: clear details, as REST's {"error":"Invalid schema","details"}. */
  g_assert_false (dg_schema_check (bad, &details, &error));
  g_assert_error (error, DG_DRAFT_ERROR, DG_DRAFT_ERROR_INVALID_SCHEMA);
  g_assert_cmpstr (error->message, ==, "Invalid schema");
  g_assert_nonnull (details);
  g_assert_cmpuint (json_array_get_length (details), >=, 2);
  first = json_array_get_object_element (details, 0);
  g_assert_true (json_object_has_member (first, "path"));
  g_assert_true (json_object_has_member (first, "message"));
  g_clear_error (&error);
  g_clear_pointer (&details, json_array_unref);

  g_assert_false (dg_schema_check (array, &details, &error));
  g_assert_cmpstr (
      json_object_get_string_member (json_array_get_object_element (details, 0), "message"), ==,
      "Schema must be an object");
}

static DgDraftClaims *
make_claims (void)
{
  DgDraftClaims *claims = dg_draft_claims_new ();

  claims->username = g_strdup ("ana");
  claims->title = g_strdup ("People");
  claims->total_records = 25;
  claims->description = g_strdup ("People in a CRM");
  claims->instructions = g_strdup ("Realistic names");
  claims->schema = parse ("{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}}}");
  claims->schema_generated_at = g_strdup ("2026-01-02T03:04:05.006Z");
  claims->schema_duration_ms = 1234;
  claims->schema_refreshes = 2;
  claims->dataset_mode = TRUE;
  claims->inference = json_object_new ();
  json_object_set_string_member (claims->inference, "inferenceModel", "m1");
  return claims;
}

static void
test_token_roundtrip (void)
{
  g_autoptr (DgDraftClaims) claims = make_claims ();
  g_autoptr (GError) error = NULL;
  g_autofree char *token = dg_draft_token_sign (claims, SECRET, NOW, &error);
  g_autoptr (DgDraftClaims) back = NULL;
  g_autofree char *schema = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (claims->draft_id);
  back = dg_draft_token_verify (token, "ana", SECRET, NOW + 60, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->draft_id, ==, claims->draft_id);
  g_assert_cmpstr (back->username, ==, "ana");
  g_assert_cmpstr (back->title, ==, "People");
  g_assert_cmpint (back->total_records, ==, 25);
  g_assert_cmpstr (back->instructions, ==, "Realistic names");
  g_assert_cmpint (back->schema_duration_ms, ==, 1234);
  g_assert_cmpint (back->schema_refreshes, ==, 2);
  g_assert_true (back->dataset_mode);
  g_assert_cmpint (back->expires_at, ==, NOW + 1800);
  g_assert_cmpstr (json_object_get_string_member (back->inference, "inferenceModel"), ==, "m1");
  schema = dg_json_to_string (back->schema, DG_JSON_WRITE_COMPACT);
  g_assert_cmpstr (schema, ==,
                   "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}}}");
}

static void
test_token_bad (void)
{
  g_autoptr (DgDraftClaims) claims = make_claims ();
  g_autoptr (GError) error = NULL;
  g_autofree char *token = dg_draft_token_sign (claims, SECRET, NOW, &error);
  g_autofree char *tampered = g_strdup (token);
  g_autoptr (JsonObject) session = json_object_new ();
  g_autofree char *session_token = NULL;
  const char *const garbage[] = { "", "garbage", "a.b.c", "eyJhbGciOiJub25lIn0.e30.", NULL };
  DgDraftClaims *none;

  /* Expired after 30 minutes. */
  none = dg_draft_token_verify (token, "ana", SECRET, NOW + 1800, &error);
  g_assert_null (none);
  g_assert_error (error, DG_DRAFT_ERROR, DG_DRAFT_ERROR_INVALID_TOKEN);
  g_assert_cmpstr (error->message, ==, "Invalid or expired draft");
  g_clear_error (&error);

  /* Another user's draft. */
  none = dg_draft_token_verify (token, "bob", SECRET, NOW, &error);
  g_assert_null (none);
  g_assert_error (error, DG_DRAFT_ERROR, DG_DRAFT_ERROR_FOREIGN_TOKEN);
  g_clear_error (&error);

  /* Another secret, a flipped signature byte, garbage. */
  none = dg_draft_token_verify (token, "ana", "other-secret", NOW, &error);
  g_assert_error (error, DG_DRAFT_ERROR, DG_DRAFT_ERROR_INVALID_TOKEN);
  g_clear_error (&error);
  tampered[strlen (tampered) - 2] = tampered[strlen (tampered) - 2] == 'A' ? 'B' : 'A';
  none = dg_draft_token_verify (tampered, "ana", SECRET, NOW, &error);
  g_assert_error (error, DG_DRAFT_ERROR, DG_DRAFT_ERROR_INVALID_TOKEN);
  g_clear_error (&error);
  for (guint i = 0; garbage[i] != NULL; i++)
    {
      none = dg_draft_token_verify (garbage[i], "ana", SECRET, NOW, &error);
      g_assert_null (none);
      g_assert_error (error, DG_DRAFT_ERROR, DG_DRAFT_ERROR_INVALID_TOKEN);
      g_clear_error (&error);
    }

  /* A session token is never a draft (upstream 15.19). */
  json_object_set_string_member (session, "username", "ana");
  json_object_set_string_member (session, "role", "user");
  json_object_set_int_member (session, "iat", NOW);
  json_object_set_int_member (session, "exp", NOW + 600);
  session_token = dg_jwt_sign (session, DG_JWT_KIND_SESSION, SECRET, &error);
  g_assert_no_error (error);
  none = dg_draft_token_verify (session_token, "ana", SECRET, NOW, &error);
  g_assert_null (none);
  g_assert_error (error, DG_DRAFT_ERROR, DG_DRAFT_ERROR_INVALID_TOKEN);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/draft/sanitize-upstream-example", test_sanitize_upstream_example);
  g_test_add_func ("/core/draft/sanitize-keeps-unions-and-descriptions",
                   test_sanitize_keeps_unions_and_descriptions);
  g_test_add_func ("/core/draft/sanitize-recurses", test_sanitize_recurses);
  g_test_add_func ("/core/draft/sanitize-not-object", test_sanitize_not_object);
  g_test_add_func ("/core/draft/sanitize-mock-fields", test_sanitize_mock_fields);
  g_test_add_func ("/core/draft/check", test_check);
  g_test_add_func ("/core/draft/token-roundtrip", test_token_roundtrip);
  g_test_add_func ("/core/draft/token-bad", test_token_bad);

  return g_test_run ();
}
