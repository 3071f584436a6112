/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-session"

#include "config.h"

#include <string.h>

#include "dg-accounts.h"
#include "dg-jwt.h"
#include "dg-session.h"
#include "dg-store-sessions.h"
#include "dg-test-utils.h"
#include "dg-util.h"

/* 2024-01-01T00:00:00Z */
#define EPOCH_S G_GINT64_CONSTANT (1704067200)
#define EPOCH_MS (EPOCH_S * 1000)

/* Computed independently (Python hmac/base64) from the same claims and secrets. */
#define SESSION_VECTOR                                                                           \
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."                                                        \
  "eyJ1c2VybmFtZSI6ImFsaWNlIiwicm9sZSI6ImFkbWluIiwiaWF0IjoxNzA0MDY3MjAwLCJleHAiOjE3MDQ2NzIwMDAs" \
  "InR5cCI6InNlc3Npb24iLCJzaWQiOiIwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZiJ9."                \
  "TNCeZ4T6C2PLry2MjAp5m-xFwI7pxs3YCJ1NQIcmX8E"
#define DRAFT_PAYLOAD \
  "eyJ0aXRsZSI6InQiLCJpYXQiOjE3MDQwNjcyMDAsImV4cCI6MTcwNDA2OTAwMCwidHlwIjoiZHJhZnQifQ"
#define HS384_VECTOR                                    \
  "eyJhbGciOiJIUzM4NCIsInR5cCI6IkpXVCJ9." DRAFT_PAYLOAD \
  ".RWpBuZwz0VHNg60qdOulh9yWaac-HQzHUK01ZCWXUEMp_NAFYmkfFAeKibrVthRQ"
#define HS512_VECTOR                                    \
  "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9." DRAFT_PAYLOAD \
  ".0yQ3Vxflv42H17xEhBRiVYryuDSpIT1dTAMVJfj7_qVV7HKk_w7aLxWN_RRkBTFi-95_oPiKfx7X5FfbVjDOUw"
/* What upstream's jsonwebtoken issues: no kind claim, no session id. */
#define UPSTREAM_SESSION                                                                         \
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."                                                        \
  "eyJ1c2VybmFtZSI6ImFsaWNlIiwicm9sZSI6InVzZXIiLCJpYXQiOjE3MDQwNjcyMDAsImV4cCI6MTcwNDY3MjAwMH0." \
  "KZ1d2GF12f9kMQLJOzK8UvtO910xAV5v_7LvoemZKsQ"
#define NONE_TOKEN                                                                               \
  "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0."                                                         \
  "eyJ1c2VybmFtZSI6ImFsaWNlIiwicm9sZSI6ImFkbWluIiwiaWF0IjoxNzA0MDY3MjAwLCJleHAiOjE3MDQ2NzIwMDAs" \
  "InR5cCI6InNlc3Npb24iLCJzaWQiOiIwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZiJ9."

static const char dev_secret[] = DG_SESSION_DEV_SECRET;

static char *
payload_json (const char *token)
{
  g_auto (GStrv) parts = g_strsplit (token, ".", -1);
  g_autoptr (GString) b64 = g_string_new (parts[1]);
  guchar *raw;
  gsize length;
  char *json;

  g_strdelimit (b64->str, "-", '+');
  g_strdelimit (b64->str, "_", '/');
  while (b64->len % 4 != 0)
    g_string_append_c (b64, '=');
  raw = g_base64_decode (b64->str, &length);
  json = g_strndup ((const char *) raw, length);
  g_free (raw);
  return json;
}

/* The claims of alice's admin session @sid, issued at EPOCH_S, in dg_sessions_issue()'s order. */
static JsonObject *
admin_session_claims (const char *sid, gint64 exp)
{
  JsonObject *claims = json_object_new ();

  json_object_set_string_member (claims, "username", "alice");
  json_object_set_string_member (claims, "role", "admin");
  json_object_set_int_member (claims, "iat", EPOCH_S);
  json_object_set_int_member (claims, "exp", exp);
  json_object_set_string_member (claims, "typ", "session");
  json_object_set_string_member (claims, "sid", sid);
  return claims;
}

/* ---------------------------------------------------------------------------------------- */
/* JWT */

static void
test_jwt_vector (void)
{
  g_autoptr (JsonObject) claims =
      admin_session_claims ("0123456789abcdef0123456789abcdef", EPOCH_S + 604800);
  g_autoptr (JsonObject) payload = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;

  token = dg_jwt_sign (claims, DG_JWT_KIND_SESSION, dev_secret, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, SESSION_VECTOR);

  payload = dg_jwt_verify (SESSION_VECTOR, DG_JWT_KIND_SESSION, dev_secret, EPOCH_S, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (payload, "username"), ==, "alice");
  g_assert_cmpint (json_object_get_int_member (payload, "exp"), ==, EPOCH_S + 604800);
}

/* jsonwebtoken accepts the whole HMAC family for a string secret. */
static void
test_jwt_algorithms (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) a = dg_jwt_verify (HS384_VECTOR, DG_JWT_KIND_DRAFT, "k", EPOCH_S, &error);
  g_autoptr (JsonObject) b = NULL;
  g_autoptr (JsonObject) claims = json_object_new ();
  g_autofree char *signed384 = NULL;
  g_autoptr (JsonObject) c = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (a, "title"), ==, "t");
  b = dg_jwt_verify (HS512_VECTOR, DG_JWT_KIND_DRAFT, "k", EPOCH_S, &error);
  g_assert_no_error (error);

  json_object_set_string_member (claims, "title", "t");
  json_object_set_int_member (claims, "iat", EPOCH_S);
  json_object_set_int_member (claims, "exp", EPOCH_S + 1800);
  signed384 = dg_jwt_sign_with_alg (claims, DG_JWT_KIND_DRAFT, "k", "HS384", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (signed384, ==, HS384_VECTOR);
  c = dg_jwt_verify (signed384, DG_JWT_KIND_DRAFT, "k", EPOCH_S, &error);
  g_assert_no_error (error);
}

static void
assert_refused (const char *token, const char *kind, const char *secret, gint64 now, int code,
                const char *message)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) payload = dg_jwt_verify (token, kind, secret, now, &error);

  g_assert_null (payload);
  g_assert_error (error, DG_JWT_ERROR, code);
  if (message != NULL)
    g_assert_cmpstr (error->message, ==, message);
}

static char *
sign_claims (const char *json, const char *kind, const char *secret)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  char *token;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  token = dg_jwt_sign (json_node_get_object (json_parser_get_root (parser)), kind, secret, &error);
  g_assert_no_error (error);
  return token;
}

static void
test_jwt_refusals (void)
{
  g_autofree char *tampered = g_strdup (SESSION_VECTOR);
  g_autofree char *bad_sig = g_strdup (SESSION_VECTOR);
  g_autofree char *nbf = sign_claims ("{\"nbf\":1704067260,\"exp\":1804067200}", "session", "s");
  g_autofree char *bad_exp = sign_claims ("{\"exp\":\"soon\"}", "session", "s");
  g_autofree char *bad_nbf = sign_claims ("{\"nbf\":null}", "session", "s");
  g_autofree char *no_exp = sign_claims ("{\"username\":\"x\"}", "session", "s");
  g_autoptr (JsonObject) forever = NULL;
  g_autoptr (GError) error = NULL;
  char *p;

  /* exp is the first second that is refused: no leeway. */
  assert_refused (SESSION_VECTOR, "session", dev_secret, EPOCH_S + 604800, DG_JWT_ERROR_EXPIRED,
                  "jwt expired");
  /* One character of the payload changed. */
  p = strchr (tampered, '.') + 5;
  *p = *p == 'A' ? 'B' : 'A';
  assert_refused (tampered, "session", dev_secret, EPOCH_S, DG_JWT_ERROR_SIGNATURE,
                  "invalid signature");
  p = bad_sig + strlen (bad_sig) - 1;
  *p = *p == 'E' ? 'F' : 'E';
  assert_refused (bad_sig, "session", dev_secret, EPOCH_S, DG_JWT_ERROR_SIGNATURE, NULL);
  assert_refused (SESSION_VECTOR, "session", "another-secret", EPOCH_S, DG_JWT_ERROR_SIGNATURE,
                  NULL);
  assert_refused (NONE_TOKEN, "session", dev_secret, EPOCH_S, DG_JWT_ERROR_ALGORITHM,
                  "invalid algorithm");
  /* Kinds cannot be swapped, and upstream's kind-less tokens are not sessions here. */
  assert_refused (SESSION_VECTOR, "draft", dev_secret, EPOCH_S, DG_JWT_ERROR_WRONG_KIND, NULL);
  assert_refused (HS384_VECTOR, "session", "k", EPOCH_S, DG_JWT_ERROR_WRONG_KIND, NULL);
  assert_refused (UPSTREAM_SESSION, "session", dev_secret, EPOCH_S, DG_JWT_ERROR_WRONG_KIND, NULL);
  /* nbf and exp as jsonwebtoken checks them. */
  assert_refused (nbf, "session", "s", 1704067259, DG_JWT_ERROR_NOT_ACTIVE, "jwt not active");
  forever = dg_jwt_verify (nbf, "session", "s", 1704067260, &error);
  g_assert_no_error (error);
  assert_refused (bad_exp, "session", "s", EPOCH_S, DG_JWT_ERROR_CLAIM, "invalid exp value");
  assert_refused (bad_nbf, "session", "s", EPOCH_S, DG_JWT_ERROR_CLAIM, "invalid nbf value");
  g_clear_pointer (&forever, json_object_unref);
  forever = dg_jwt_verify (no_exp, "session", "s", G_MAXINT32, &error);
  g_assert_no_error (error);
  /* Not a token at all. */
  assert_refused ("", "session", "s", EPOCH_S, DG_JWT_ERROR_MALFORMED, "jwt must be provided");
  assert_refused ("a.b", "session", "s", EPOCH_S, DG_JWT_ERROR_MALFORMED, "jwt malformed");
  assert_refused ("a.b.c.d", "session", "s", EPOCH_S, DG_JWT_ERROR_MALFORMED, NULL);
  assert_refused ("e30.e30.!!", "session", "s", EPOCH_S, DG_JWT_ERROR_MALFORMED, NULL);
  assert_refused ("bm90IGpzb24.e30.x", "session", "s", EPOCH_S, DG_JWT_ERROR_MALFORMED, NULL);
  assert_refused (SESSION_VECTOR, "session", "", EPOCH_S, DG_JWT_ERROR_SECRET, NULL);
}

static void
test_jwt_sign_kind (void)
{
  g_autoptr (JsonObject) claims = json_object_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *json = NULL;

  json_object_set_string_member (claims, "title", "x");
  token = dg_jwt_sign (claims, DG_JWT_KIND_DRAFT, "k", &error);
  g_assert_no_error (error);
  json = payload_json (token);
  g_assert_cmpstr (json, ==, "{\"title\":\"x\",\"typ\":\"draft\"}");
  /* The caller's object is left as it was. */
  g_assert_false (json_object_has_member (claims, "typ"));

  json_object_set_string_member (claims, "typ", "session");
  g_clear_pointer (&token, g_free);
  token = dg_jwt_sign (claims, DG_JWT_KIND_DRAFT, "k", &error);
  g_assert_null (token);
  g_assert_error (error, DG_JWT_ERROR, DG_JWT_ERROR_WRONG_KIND);
  g_clear_error (&error);
  token = dg_jwt_sign (claims, DG_JWT_KIND_SESSION, "", &error);
  g_assert_error (error, DG_JWT_ERROR, DG_JWT_ERROR_SECRET);
}

/* ---------------------------------------------------------------------------------------- */
/* Sessions */

typedef DgTestStoreFixture Fixture;
#define fixture_setup dg_test_store_fixture_setup
#define fixture_teardown dg_test_store_fixture_teardown

static void
test_secret_resolution (Fixture *f, gconstpointer data)
{
  g_autoptr (DgConfig) configured = dg_test_config_new ("DATAGEN_SESSION_SECRET=from-env", NULL);
  g_autoptr (DgConfig) dev = dg_test_config_new ("NODE_ENV=development", NULL);
  g_autoptr (DgConfig) mock = dg_test_config_new ("DATAGEN_MOCK_CSTORE=1", NULL);
  g_autoptr (DgConfig) desktop = dg_test_config_new (NULL, NULL);
  g_autoptr (DgConfig) production = dg_test_config_new ("NODE_ENV=production", NULL);
  g_autoptr (DgConfig) staging = dg_test_config_new ("NODE_ENV=staging", NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *a = dg_session_resolve_secret (configured, f->store, &error);
  g_autofree char *b = dg_session_resolve_secret (dev, f->store, &error);
  g_autofree char *c = dg_session_resolve_secret (mock, NULL, &error);
  g_autofree char *d1 = dg_session_resolve_secret (desktop, f->store, &error);
  g_autofree char *d2 = dg_session_resolve_secret (desktop, f->store, &error);
  g_autofree char *stored = dg_store_get_setting (f->store, DG_SESSION_SECRET_SETTING, &error);
  g_autofree char *missing = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (a, ==, "from-env");
  g_assert_cmpstr (b, ==, "datagems-dev-session-secret");
  g_assert_cmpstr (c, ==, "datagems-dev-session-secret");
  /* A desktop install gets its own secret, created once and kept. */
  g_assert_cmpuint (strlen (d1), ==, 64);
  g_assert_cmpstr (d1, ==, d2);
  g_assert_cmpstr (d1, ==, stored);

  missing = dg_session_resolve_secret (production, f->store, &error);
  g_assert_null (missing);
  g_assert_error (error, DG_SESSION_ERROR, DG_SESSION_ERROR_NOT_CONFIGURED);
  g_assert_cmpstr (error->message, ==,
                   "Missing required environment variable: DATAGEN_SESSION_SECRET");
  g_clear_error (&error);
  missing = dg_session_resolve_secret (staging, f->store, &error);
  g_assert_error (error, DG_SESSION_ERROR, DG_SESSION_ERROR_NOT_CONFIGURED);
  g_clear_error (&error);
  missing = dg_session_resolve_secret (desktop, NULL, &error);
  g_assert_error (error, DG_SESSION_ERROR, DG_SESSION_ERROR_NOT_CONFIGURED);
}

static DgSessions *
sessions_with_secret (Fixture *f, const char *secret)
{
  g_autofree char *var = g_strdup_printf ("DATAGEN_SESSION_SECRET=%s", secret);
  g_autoptr (DgConfig) config = dg_test_config_new (var, NULL);

  return dg_sessions_new (config, f->store);
}

static void
test_issue_verify (Fixture *f, gconstpointer data)
{
  g_autoptr (DgSessions) sessions = sessions_with_secret (f, "s3cret");
  g_autoptr (DgSessions) other = sessions_with_secret (f, "other");
  g_autoptr (GError) error = NULL;
  g_autoptr (DgSession) issued = NULL;
  g_autoptr (DgSession) verified = NULL;
  g_autoptr (DgSession) refused = NULL;
  g_autofree char *token = NULL;
  g_autofree char *json = NULL;
  g_autofree char *expected = NULL;
  g_autoptr (JsonNode) claims_node = NULL;
  g_autofree char *claims_json = NULL;

  token = dg_sessions_issue (sessions, "alice", "admin", EPOCH_MS + 999, &issued, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (issued->id), ==, 32);
  json = payload_json (token);
  expected = g_strdup_printf ("{\"username\":\"alice\",\"role\":\"admin\",\"iat\":1704067200,"
                              "\"exp\":1704672000,\"typ\":\"session\",\"sid\":\"%s\"}",
                              issued->id);
  g_assert_cmpstr (json, ==, expected);

  verified = dg_sessions_verify (sessions, token, EPOCH_MS + 604799999, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (verified->username, ==, "alice");
  g_assert_cmpstr (verified->role, ==, "admin");
  g_assert_cmpstr (verified->id, ==, issued->id);
  g_assert_cmpint (verified->issued_at, ==, EPOCH_S);
  g_assert_cmpint (verified->expires_at, ==, EPOCH_S + 604800);
  /* /api/auth/me answers with the whole payload. */
  claims_node = json_node_init_object (json_node_alloc (), verified->claims);
  claims_json = json_to_string (claims_node, FALSE);
  g_assert_cmpstr (claims_json, ==, expected);

  refused = dg_sessions_verify (sessions, token, EPOCH_MS + 604800000, &error);
  g_assert_null (refused);
  g_assert_error (error, DG_SESSION_ERROR, DG_SESSION_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "Invalid session: jwt expired");
  g_clear_error (&error);
  refused = dg_sessions_verify (other, token, EPOCH_MS, &error);
  g_assert_error (error, DG_SESSION_ERROR, DG_SESSION_ERROR_INVALID);
  g_clear_error (&error);
  refused = dg_sessions_verify (sessions, NULL, EPOCH_MS, &error);
  g_assert_error (error, DG_SESSION_ERROR, DG_SESSION_ERROR_INVALID);
  g_clear_error (&error);

  /* A well-signed session whose record is unknown (another instance's, or a forged sid). */
  {
    g_autoptr (JsonObject) claims = admin_session_claims ("not-a-session", EPOCH_S + 60);
    g_autofree char *forged = NULL;

    forged = dg_jwt_sign (claims, DG_JWT_KIND_SESSION, "s3cret", &error);
    refused = dg_sessions_verify (sessions, forged, EPOCH_MS, &error);
    g_assert_null (refused);
    g_assert_error (error, DG_SESSION_ERROR, DG_SESSION_ERROR_REVOKED);
  }
}

/* Logout, deletion and role changes end sessions at once. */
static void
test_revocation (Fixture *f, gconstpointer data)
{
  g_autoptr (DgSessions) sessions = sessions_with_secret (f, "s3cret");
  g_autoptr (DgConfig) config = dg_test_config_new ("R1EN_CSTORE_AUTH_SECRET=pepper", NULL);
  g_autoptr (DgAccounts) accounts = dg_accounts_new (config, f->store, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (DgAccount) bob = NULL;
  g_autoptr (DgAccount) promoted = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  g_autofree char *fourth = NULL;
  g_autofree char *fifth = NULL;
  g_autoptr (DgSession) issued = NULL;
  g_autoptr (DgSession) carol = NULL;
  gint64 now = dg_now_ms ();
  DgSession *session;

  bob = dg_accounts_create (accounts, "bob", "pw", NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  /* Logout revokes one session, not the others. */
  first = dg_sessions_issue (sessions, "bob", "user", now, &issued, &error);
  second = dg_sessions_issue (sessions, "bob", "user", now, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (dg_sessions_revoke (sessions, issued->id, now, &error));
  session = dg_sessions_verify (sessions, first, now, &error);
  g_assert_null (session);
  g_assert_error (error, DG_SESSION_ERROR, DG_SESSION_ERROR_REVOKED);
  g_clear_error (&error);
  session = dg_sessions_verify (sessions, second, now, &error);
  g_assert_no_error (error);
  dg_session_free (session);

  /* A role change signs the user out everywhere (the token still says "user"). */
  promoted = dg_accounts_set_role (accounts, "root", "bob", "admin", NULL, &error);
  g_assert_no_error (error);
  session = dg_sessions_verify (sessions, second, now, &error);
  g_assert_null (session);
  g_assert_error (error, DG_SESSION_ERROR, DG_SESSION_ERROR_REVOKED);
  g_clear_error (&error);

  /* So does deletion. */
  third = dg_sessions_issue (sessions, "bob", "admin", now, NULL, &error);
  g_assert_true (dg_accounts_soft_delete (accounts, "root", "bob", NULL, &error));
  g_assert_no_error (error);
  session = dg_sessions_verify (sessions, third, now, &error);
  g_assert_null (session);
  g_assert_error (error, DG_SESSION_ERROR, DG_SESSION_ERROR_REVOKED);
  g_clear_error (&error);

  /* revoke_user counts; purge removes ended rows. */
  fourth = dg_sessions_issue (sessions, "carol", "user", now, &carol, &error);
  g_assert_cmpint (dg_sessions_revoke_user (sessions, "carol", now, &error), ==, 1);
  g_assert_cmpint (dg_sessions_revoke_user (sessions, "carol", now, &error), ==, 0);
  /* An issue an hour later clears ended rows on its way. */
  fifth = dg_sessions_issue (sessions, "erin", "user", now + 3600 * 1000 + 1, NULL, &error);
  g_assert_no_error (error);
  {
    g_autoptr (DgStoreSessionRow) row = dg_store_sessions_get (f->store, carol->id, &error);

    g_assert_no_error (error);
    g_assert_null (row);
  }
  g_assert_true (dg_sessions_purge (sessions, now + 1, &error));
  g_assert_no_error (error);
  {
    g_autoptr (DgStoreSessionRow) row = dg_store_sessions_get (f->store, issued->id, &error);

    g_assert_no_error (error);
    g_assert_null (row);
  }
}

static void
test_not_configured (Fixture *f, gconstpointer data)
{
  g_autoptr (DgConfig) config = dg_test_config_new ("NODE_ENV=production", NULL);
  g_autoptr (DgSessions) sessions = dg_sessions_new (config, f->store);
  g_autoptr (GError) error = NULL;
  g_autofree char *token = dg_sessions_issue (sessions, "alice", "user", EPOCH_MS, NULL, &error);
  DgSession *session;

  g_assert_null (token);
  g_assert_error (error, DG_SESSION_ERROR, DG_SESSION_ERROR_NOT_CONFIGURED);
  g_clear_error (&error);
  session = dg_sessions_verify (sessions, SESSION_VECTOR, EPOCH_MS, &error);
  g_assert_null (session);
  g_assert_error (error, DG_SESSION_ERROR, DG_SESSION_ERROR_NOT_CONFIGURED);
}

static void
test_cookies (void)
{
  g_autofree char *dev = dg_session_cookie ("abc.def.ghi", FALSE);
  g_autofree char *prod = dg_session_cookie ("abc.def.ghi", TRUE);
  g_autofree char *clear_dev = dg_session_clear_cookie (FALSE);
  g_autofree char *clear_prod = dg_session_clear_cookie (TRUE);
  struct
  {
    const char *header;
    const char *token;
  } cases[] = {
    { "datagen_session=abc.def", "abc.def" },
    { "theme=dark; datagen_session=abc.def; other=1", "abc.def" },
    { " datagen_session = \"abc.def\" ", "abc.def" },
    { "datagen_session=first; datagen_session=second", "first" },
    { "datagen_session=a%2Eb", "a.b" },
    { "datagen_session=%zz", "%zz" },
    { "datagen_session=", NULL },
    { "xdatagen_session=abc", NULL },
    { "", NULL },
  };

  g_assert_cmpstr (dev, ==,
                   "datagen_session=abc.def.ghi; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax");
  g_assert_cmpstr (prod, ==,
                   "datagen_session=abc.def.ghi; Max-Age=604800; Path=/; HttpOnly; Secure; "
                   "SameSite=Lax");
  g_assert_cmpstr (clear_dev, ==, "datagen_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax");
  g_assert_cmpstr (clear_prod, ==,
                   "datagen_session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *token = dg_session_token_from_cookie_header (cases[i].header);

      g_assert_cmpstr (token, ==, cases[i].token);
    }
  g_assert_null (dg_session_token_from_cookie_header (NULL));
}

static void
issued_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  char **token = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (DgSession) session = NULL;

  *token = dg_sessions_issue_finish (DG_SESSIONS (source), result, &session, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (session->username, ==, "dana");
}

static void
verified_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  DgSession **out = user_data;
  g_autoptr (GError) error = NULL;

  *out = dg_sessions_verify_finish (DG_SESSIONS (source), result, &error);
  g_assert_no_error (error);
}

static void
revoked_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  gboolean *done = user_data;
  g_autoptr (GError) error = NULL;

  *done = dg_sessions_revoke_finish (DG_SESSIONS (source), result, &error);
  g_assert_no_error (error);
}

static void
test_async (Fixture *f, gconstpointer data)
{
  g_autoptr (DgSessions) sessions = sessions_with_secret (f, "s3cret");
  g_autofree char *token = NULL;
  g_autoptr (DgSession) session = NULL;
  g_autoptr (GError) error = NULL;
  gboolean revoked = FALSE;
  DgSession *after;

  dg_sessions_issue_async (sessions, "dana", "user", dg_now_ms (), NULL, issued_cb, &token);
  DG_TEST_WAIT (token != NULL, 10000);
  dg_sessions_verify_async (sessions, token, dg_now_ms (), NULL, verified_cb, &session);
  DG_TEST_WAIT (session != NULL, 10000);
  dg_sessions_revoke_async (sessions, session->id, dg_now_ms (), NULL, revoked_cb, &revoked);
  DG_TEST_WAIT (revoked, 10000);
  after = dg_sessions_verify (sessions, token, dg_now_ms (), &error);
  g_assert_null (after);
  g_assert_error (error, DG_SESSION_ERROR, DG_SESSION_ERROR_REVOKED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/session/jwt-vector", test_jwt_vector);
  g_test_add_func ("/core/session/jwt-algorithms", test_jwt_algorithms);
  g_test_add_func ("/core/session/jwt-refusals", test_jwt_refusals);
  g_test_add_func ("/core/session/jwt-sign-kind", test_jwt_sign_kind);
  g_test_add_func ("/core/session/cookies", test_cookies);
#define ADD(path, func) \
  g_test_add ("/core/session/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("secret", test_secret_resolution);
  ADD ("issue-verify", test_issue_verify);
  ADD ("revocation", test_revocation);
  ADD ("not-configured", test_not_configured);
  ADD ("async", test_async);
#undef ADD

  return g_test_run ();
}
