/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-accounts"

#include "config.h"

#include <string.h>

#include "dg-password.h"
#include "dg-store-accounts.h"
#include "dg-store-sessions.h"
#include "test-accounts.h"

/* Standalone accounts (SQLite): the record format, cstore-auth-ts' rules, administration. */

typedef TestAccountsFixture Fixture;

static void
test_first_run (Fixture *f, gconstpointer data)
{
  g_autoptr (DgAccounts) accounts = test_accounts_standalone (f, NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (DgAccount) admin = NULL;
  g_autoptr (DgAccount) again = NULL;
  g_autoptr (DgAccount) logged_in = NULL;
  g_autoptr (DgAccount) no_default = NULL;
  g_autoptr (DgAccounts) reopened = NULL;

  g_assert_true (dg_accounts_needs_first_admin (accounts, NULL, &error));
  g_assert_no_error (error);

  /* There is no default password on a fresh install. */
  no_default = dg_accounts_authenticate (accounts, "admin", "admin", NULL, &error);
  g_assert_null (no_default);
  g_assert_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_INVALID_CREDENTIALS);
  g_assert_cmpstr (error->message, ==, "Invalid username or password.");
  g_clear_error (&error);

  admin = dg_accounts_create_first_admin (accounts, " Owner ", "first-secret", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (admin->username, ==, "owner");
  g_assert_cmpstr (admin->role, ==, "admin");
  g_assert_false (dg_accounts_needs_first_admin (accounts, NULL, &error));
  g_assert_no_error (error);

  /* Only while no account exists. */
  again = dg_accounts_create_first_admin (accounts, "intruder", "x", NULL, &error);
  g_assert_null (again);
  g_assert_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_INITIALIZED);
  g_clear_error (&error);

  /* A new instance over the same file (restart) finds it. */
  reopened = test_accounts_standalone (f, NULL, NULL);
  logged_in = dg_accounts_authenticate (reopened, "OWNER", "first-secret", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (logged_in->username, ==, "owner");
  g_assert_true (dg_account_is_admin (logged_in));
}

static void
test_bootstrap_standalone (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DgAccounts) accounts = test_accounts_standalone (f, NULL, "boot-password");
  g_autoptr (DgAccount) admin = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (DgAccounts) later = NULL;
  g_autoptr (GPtrArray) later_list = NULL;

  g_assert_false (dg_accounts_needs_first_admin (accounts, NULL, &error));
  g_assert_no_error (error);
  admin = dg_accounts_authenticate (accounts, "admin", "boot-password", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (admin->role, ==, "admin");
  g_assert_cmpuint (json_object_get_size (admin->metadata), ==, 0);
  g_assert_cmpstr (admin->created_at, ==, "2024-01-01T00:00:00.000Z");

  /* On an install that already has accounts the variable creates nothing. */
  g_assert_true (dg_accounts_soft_delete (accounts, NULL, "admin", NULL, &error));
  g_assert_no_error (error);
  later = test_accounts_standalone (f, NULL, "other-password");
  later_list = dg_accounts_list (later, TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (later_list->len, ==, 1);
  g_assert_true (((DgAccount *) later_list->pdata[0])->deleted);
  list = dg_accounts_list (later, FALSE, NULL, &error);
  g_assert_cmpuint (list->len, ==, 0);
}

/* The stored text is cstore-auth-ts' record, key for key, in its order. */
static void
test_record_format (Fixture *f, gconstpointer data)
{
  g_autoptr (DgAccounts) accounts = test_accounts_standalone (f, "super-secret-pepper", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) metadata =
      test_accounts_parse_object ("{\"email\":\" Alice@Example.com \",\"country\":\"RO\",\"n\":1}");
  g_autoptr (DgAccount) alice = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  g_autoptr (JsonObject) record = NULL;
  g_autoptr (JsonObject) password = NULL;
  g_autofree char *email = NULL;

  alice = dg_accounts_create (accounts, "Alice", "S3curePassw0rd", NULL, metadata, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (alice->username, ==, "alice");
  g_assert_cmpstr (alice->role, ==, "user");
  g_assert_cmpstr (dg_account_get_metadata_text (alice, "country"), ==, "RO");

  text = test_accounts_get_raw (f, "alice");
  record = test_accounts_parse_object (text);
  password = json_object_ref (json_object_get_object_member (record, "password"));
  expected = g_strdup_printf (
      "{\"type\":\"simple\",\"password\":{\"algo\":\"argon2id\",\"hash\":\"%s\",\"salt\":\"%s\","
      "\"version\":1,\"params\":{\"timeCost\":3,\"memoryCost\":65536,\"parallelism\":1,"
      "\"outputLen\":32}},\"role\":\"user\",\"metadata\":{\"email\":\" Alice@Example.com \","
      "\"country\":\"RO\",\"n\":1},\"createdAt\":\"2024-01-01T00:00:00.000Z\",\"updatedAt\":"
      "\"2024-01-01T00:00:00.000Z\"}",
      json_object_get_string_member (password, "hash"),
      json_object_get_string_member (password, "salt"));
  g_assert_cmpstr (text, ==, expected);
  g_assert_cmpuint (strlen (json_object_get_string_member (password, "hash")), ==, 44);
  g_assert_cmpuint (strlen (json_object_get_string_member (password, "salt")), ==, 24);
  /* The same pepper verifies it in another implementation: check with dg-password directly. */
  g_assert_true (dg_password_verify (password, "S3curePassw0rd", "super-secret-pepper", &error));

  /* The email index column holds the normalised address. */
  email = dg_store_accounts_find_by_email (f->store, "alice@example.com", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (email, ==, "alice");
}

/* Records written by cstore-auth-ts itself log in. */
static void
test_upstream_records (Fixture *f, gconstpointer data)
{
  g_autoptr (DgAccounts) accounts = test_accounts_standalone (f, "super-secret-pepper", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (DgAccount) alice = NULL;
  g_autoptr (DgAccount) admin = NULL;
  g_autoptr (DgAccount) wrong = NULL;

  test_accounts_put_raw (f, "alice", ALICE_RECORD);
  test_accounts_put_raw (f, "admin", ADMIN_SCRYPT_RECORD);

  alice = dg_accounts_authenticate (accounts, "alice", "S3curePassw0rd", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dg_account_get_metadata_text (alice, "email"), ==, "alice@example.com");
  admin = dg_accounts_authenticate (accounts, "Admin", "boot-password", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (dg_account_is_admin (admin));
  wrong = dg_accounts_authenticate (accounts, "alice", "boot-password", NULL, &error);
  g_assert_null (wrong);
  g_assert_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_INVALID_CREDENTIALS);
}

static void
test_create_errors (Fixture *f, gconstpointer data)
{
  g_autoptr (DgAccounts) accounts = test_accounts_standalone (f, NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (DgAccount) bob = NULL;
  DgAccount *refused;

  bob = dg_accounts_create (accounts, "bob", "pw", "admin", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bob->role, ==, "admin");

  /* Existence is checked before the role and the password, as cstore-auth-ts does. */
  refused = dg_accounts_create (accounts, " BOB", "", "boss", NULL, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_EXISTS);
  g_assert_cmpstr (error->message, ==, "User \"bob\" already exists.");
  g_clear_error (&error);

  refused = dg_accounts_create (accounts, "carol", "", "boss", NULL, NULL, &error);
  g_assert_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_INVALID_ROLE);
  g_assert_cmpstr (error->message, ==,
                   "Invalid user role \"boss\". Expected \"admin\" or \"user\".");
  g_clear_error (&error);

  refused = dg_accounts_create (accounts, "carol", "", NULL, NULL, NULL, &error);
  g_assert_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_INVALID_PASSWORD);
  g_assert_cmpstr (error->message, ==, "Invalid password: value must be a non-empty string");
  g_clear_error (&error);

  refused = dg_accounts_create (accounts, "c", "pw", NULL, NULL, NULL, &error);
  g_assert_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_INVALID_USERNAME);
  g_clear_error (&error);
  g_assert_null (refused);
}

/* Every way a login can fail, each an "invalid credentials" except a malformed name. */
static void
test_authenticate_refusals (Fixture *f, gconstpointer data)
{
  g_autoptr (DgAccounts) accounts = test_accounts_standalone (f, "super-secret-pepper", NULL);
  static const struct
  {
    const char *name;
    const char *record;
  } broken[] = {
    { "notjson", "{not json" },
    { "array", "[1,2]" },
    { "nopass", "{\"type\":\"simple\",\"password\":null,\"role\":\"user\",\"metadata\":{},"
                "\"createdAt\":\"x\",\"updatedAt\":\"x\"}" },
    { "badalgo", "{\"type\":\"simple\",\"password\":{\"algo\":\"md5\",\"hash\":\"x\",\"salt\":"
                 "\"x\",\"version\":1,\"params\":{}},\"role\":\"user\",\"metadata\":{},"
                 "\"createdAt\":\"x\",\"updatedAt\":\"x\"}" },
    { "badrole", "{\"type\":\"simple\",\"password\":null,\"role\":\"root\",\"metadata\":{},"
                 "\"createdAt\":\"x\",\"updatedAt\":\"x\"}" },
    /* cstore-auth-ts accepts a record without a password member; it cannot log in. */
    { "nopassmember", "{\"type\":\"simple\",\"role\":\"user\",\"metadata\":{},"
                      "\"createdAt\":\"x\",\"updatedAt\":\"x\"}" },
  };
  const char *names[] = { "nobody", "alice" };
  g_autoptr (GError) error = NULL;
  DgAccount *account;

  test_accounts_put_raw (f, "alice", ALICE_RECORD);
  for (guint i = 0; i < G_N_ELEMENTS (broken); i++)
    test_accounts_put_raw (f, broken[i].name, broken[i].record);

  for (guint i = 0; i < G_N_ELEMENTS (broken); i++)
    {
      account = dg_accounts_authenticate (accounts, broken[i].name, "pw", NULL, &error);
      g_assert_null (account);
      g_assert_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_INVALID_CREDENTIALS);
      g_clear_error (&error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      account = dg_accounts_authenticate (accounts, names[i], "wrong", NULL, &error);
      g_assert_null (account);
      g_assert_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_INVALID_CREDENTIALS);
      g_clear_error (&error);
    }
  /* Not masked: the name itself is invalid. */
  account = dg_accounts_authenticate (accounts, "x@y", "pw", NULL, &error);
  g_assert_null (account);
  g_assert_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_INVALID_USERNAME);
  g_clear_error (&error);

  /* getUser throws on a malformed record; the list skips it. */
  account = dg_accounts_get (accounts, "badrole", NULL, &error);
  g_assert_null (account);
  g_assert_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_SERIALIZATION);
  g_assert_cmpstr (error->message, ==,
                   "Failed to parse user record for \"badrole\": role must be \"admin\" or "
                   "\"user\"");
}

static void
test_update (Fixture *f, gconstpointer data)
{
  g_autoptr (DgAccounts) accounts = test_accounts_standalone (f, "super-secret-pepper", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) metadata = test_accounts_parse_object ("{\"country\":\"DE\"}");
  g_autoptr (DgAccount) updated = NULL;
  g_autoptr (JsonObject) stored = NULL;
  g_autofree char *text = NULL;
  DgAccount *missing;

  /* A record with a member we do not know, as another implementation may write. */
  test_accounts_put_raw (
      f, "alice",
      "{\"type\":\"simple\",\"password\":null,\"role\":\"user\",\"metadata\":{\"email\":"
      "\"a@x.io\"},\"createdAt\":\"2023-05-01T00:00:00.000Z\",\"updatedAt\":"
      "\"2023-05-01T00:00:00.000Z\",\"extra\":{\"k\":[1,2]}}");
  f->now_ms = TEST_ACCOUNTS_EPOCH_MS + 1234;
  updated = dg_accounts_update (accounts, "alice", "admin", metadata, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (updated->role, ==, "admin");
  g_assert_null (dg_account_get_metadata_text (updated, "email")); /* replaced, not merged */
  g_assert_cmpstr (dg_account_get_metadata_text (updated, "country"), ==, "DE");
  g_assert_cmpstr (updated->created_at, ==, "2023-05-01T00:00:00.000Z");
  g_assert_cmpstr (updated->updated_at, ==, "2024-01-01T00:00:01.234Z");

  text = test_accounts_get_raw (f, "alice");
  g_assert_cmpstr (text, ==,
                   "{\"type\":\"simple\",\"password\":null,\"role\":\"admin\",\"metadata\":{"
                   "\"country\":\"DE\"},\"createdAt\":\"2023-05-01T00:00:00.000Z\",\"updatedAt\":"
                   "\"2024-01-01T00:00:01.234Z\",\"extra\":{\"k\":[1,2]}}");

  missing = dg_accounts_update (accounts, "zed", NULL, NULL, NULL, &error);
  g_assert_null (missing);
  g_assert_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "User \"zed\" not found.");
  g_clear_error (&error);

  missing = dg_accounts_update (accounts, "alice", "owner", NULL, NULL, &error);
  g_assert_null (missing);
  g_assert_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_INVALID_ROLE);
}

/* Records are rewritten as JSON.stringify writes them: numbers and escapes included. */
static void
test_json_stringify (Fixture *f, gconstpointer data)
{
  g_autoptr (DgAccounts) accounts = test_accounts_standalone (f, "pepper", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (DgAccount) updated = NULL;
  g_autofree char *text = NULL;

  test_accounts_put_raw (f, "zoe",
                         "{\"type\":\"simple\",\"password\":null,\"role\":\"user\",\"metadata\":{"
                         "\"score\":0.1,\"big\":1E21,\"tiny\":1.5e-7,\"n\":-0,\"name\":"
                         "\"Zo\\u00eb\\u2028\\u0001\\/\"},"
                         "\"createdAt\":\"x\",\"updatedAt\":\"x\"}");
  updated = dg_accounts_update (accounts, "zoe", "admin", NULL, NULL, &error);
  g_assert_no_error (error);
  text = test_accounts_get_raw (f, "zoe");
  g_assert_cmpstr (text, ==,
                   "{\"type\":\"simple\",\"password\":null,\"role\":\"admin\",\"metadata\":{"
                   "\"score\":0.1,\"big\":1e+21,\"tiny\":1.5e-7,\"n\":0,\"name\":\"Zo\xc3\xab"
                   "\xe2\x80\xa8\\u0001/\"},\"createdAt\":\"x\",\"updatedAt\":"
                   "\"2024-01-01T00:00:00.000Z\"}");
}

static void
test_change_password (Fixture *f, gconstpointer data)
{
  g_autoptr (DgAccounts) accounts = test_accounts_standalone (f, "super-secret-pepper", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (DgAccount) ok = NULL;
  DgAccount *refused;

  test_accounts_put_raw (f, "alice", ALICE_RECORD);
  g_assert_false (
      dg_accounts_change_password (accounts, "alice", "wrong", "n3w-pass", NULL, &error));
  g_assert_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_INVALID_CREDENTIALS);
  g_clear_error (&error);
  g_assert_false (dg_accounts_change_password (accounts, "nobody", "x", "y", NULL, &error));
  g_assert_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_INVALID_CREDENTIALS);
  g_clear_error (&error);

  g_assert_true (
      dg_accounts_change_password (accounts, "alice", "S3curePassw0rd", "n3w-pass", NULL, &error));
  g_assert_no_error (error);
  ok = dg_accounts_authenticate (accounts, "alice", "n3w-pass", NULL, &error);
  g_assert_no_error (error);
  refused = dg_accounts_authenticate (accounts, "alice", "S3curePassw0rd", NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_INVALID_CREDENTIALS);
}

static gint64
session_revoked_at (Fixture *f, const char *id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DgStoreSessionRow) row = dg_store_sessions_get (f->store, id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (row);
  return row->revoked_at;
}

static void
add_session (Fixture *f, const char *id, const char *username)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (dg_store_sessions_insert (f->store, id, username, "user", f->now_ms,
                                           f->now_ms + 3600 * 1000, &error));
  g_assert_no_error (error);
}

/* The administration beyond upstream: reset, role, operator password; each revokes. */
static void
test_admin_actions (Fixture *f, gconstpointer data)
{
  g_autoptr (DgAccounts) accounts = test_accounts_standalone (f, "super-secret-pepper", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (DgAccount) promoted = NULL;
  g_autoptr (DgAccount) after_reset = NULL;
  g_autofree char *password = NULL;
  DgAccount *refused;

  test_accounts_put_raw (f, "alice", ALICE_RECORD);
  test_accounts_put_raw (f, "admin", ADMIN_SCRYPT_RECORD);
  add_session (f, "s-alice-1", "alice");
  add_session (f, "s-admin-1", "admin");

  f->now_ms += 1000;
  promoted = dg_accounts_set_role (accounts, "admin", "Alice", "admin", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (promoted->role, ==, "admin");
  g_assert_cmpstr (promoted->updated_at, ==, "2024-01-01T00:00:01.000Z");
  g_assert_cmpint (session_revoked_at (f, "s-alice-1"), ==, f->now_ms);
  g_assert_cmpint (session_revoked_at (f, "s-admin-1"), ==, 0);

  refused = dg_accounts_set_role (accounts, "admin", " ADMIN", "user", NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_SELF_ACTION);
  g_assert_cmpstr (error->message, ==, "You cannot change your own role");
  g_clear_error (&error);
  refused = dg_accounts_set_role (accounts, "admin", "ghost", "user", NULL, &error);
  g_assert_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "Account not found");
  g_clear_error (&error);
  refused = dg_accounts_set_role (accounts, "admin", "alice", "root", NULL, &error);
  g_assert_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_INVALID_ROLE);
  g_clear_error (&error);

  add_session (f, "s-alice-2", "alice");
  password = dg_accounts_reset_password (accounts, "admin", "alice", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (password), ==, 16);
  g_assert_cmpint (session_revoked_at (f, "s-alice-2"), ==, f->now_ms);
  after_reset = dg_accounts_authenticate (accounts, "alice", password, NULL, &error);
  g_assert_no_error (error);

  g_assert_true (dg_accounts_set_password (accounts, NULL, "alice", "operator-set", NULL, &error));
  g_assert_no_error (error);
  g_assert_false (dg_accounts_set_password (accounts, NULL, "alice", "", NULL, &error));
  g_assert_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_INVALID_PASSWORD);
}

/* Upstream's DELETE /api/admin/accounts (1.19), byte for byte. */
static void
test_soft_delete (Fixture *f, gconstpointer data)
{
  g_autoptr (DgAccounts) accounts = test_accounts_standalone (f, "super-secret-pepper", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (DgAccount) deleted = NULL;
  g_autoptr (GPtrArray) live = NULL;
  g_autoptr (GPtrArray) all = NULL;
  g_autofree char *text = NULL;
  DgAccount *refused;

  test_accounts_put_raw (f, "alice", ALICE_RECORD);

  g_assert_false (dg_accounts_soft_delete (accounts, "Alice", " alice ", NULL, &error));
  g_assert_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_SELF_ACTION);
  g_assert_cmpstr (error->message, ==, "You cannot delete your own account");
  g_clear_error (&error);
  g_assert_false (dg_accounts_soft_delete (accounts, "admin", "ghost", NULL, &error));
  g_assert_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "Account not found");
  g_clear_error (&error);
  /* Names that fail the rules: upstream answers 500 "Failed to delete account". */
  g_assert_false (dg_accounts_soft_delete (accounts, "admin", "x@y", NULL, &error));
  g_assert_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_INVALID_USERNAME);
  g_clear_error (&error);

  f->now_ms = TEST_ACCOUNTS_EPOCH_MS + 86400000;
  add_session (f, "s-alice", "alice");
  g_assert_true (dg_accounts_soft_delete (accounts, " Admin ", "ALICE", NULL, &error));
  g_assert_no_error (error);
  text = test_accounts_get_raw (f, "alice");
  g_assert_cmpstr (text, ==,
                   "{\"type\":\"simple\",\"password\":null,\"role\":\"user\",\"metadata\":{"
                   "\"email\":\"alice@example.com\",\"__datagemsDeleted\":true,"
                   "\"__datagemsDeletedAt\":\"2024-01-02T00:00:00.000Z\",\"__datagemsDeletedBy\":"
                   "\"admin\"},\"createdAt\":\"2024-01-01T00:00:00.000Z\",\"updatedAt\":"
                   "\"2024-01-02T00:00:00.000Z\"}");
  g_assert_cmpint (session_revoked_at (f, "s-alice"), ==, f->now_ms);

  deleted = dg_accounts_get (accounts, "alice", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (deleted->deleted);
  g_assert_false (deleted->has_password);
  refused = dg_accounts_authenticate (accounts, "alice", "S3curePassw0rd", NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_INVALID_CREDENTIALS);
  g_clear_error (&error);
  g_assert_false (dg_accounts_soft_delete (accounts, "admin", "alice", NULL, &error));
  g_assert_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_NOT_FOUND);
  g_clear_error (&error);

  live = dg_accounts_list (accounts, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (live->len, ==, 0);
  all = dg_accounts_list (accounts, TRUE, NULL, &error);
  g_assert_cmpuint (all->len, ==, 1);
}

/* The admin list: sorted as upstream, email/country only when non-blank, junk skipped. */
static void
test_list (Fixture *f, gconstpointer data)
{
  g_autoptr (DgAccounts) accounts = test_accounts_standalone (f, "pepper", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (DgAccount) by_email = NULL;
  g_autoptr (DgAccount) updated = NULL;
  const char *order[] = { "aa_b", "aa-b", "aa.b", "aa1", "aab" };

  for (guint i = G_N_ELEMENTS (order); i > 0; i--)
    {
      g_autofree char *meta = g_strdup_printf ("{\"email\":\"%s@X.io\",\"country\":%s}",
                                               order[i - 1], i == 1 ? "\"  \"" : "\"RO\"");
      g_autofree char *record = g_strdup_printf (
          "{\"type\":\"simple\",\"password\":null,\"role\":\"user\",\"metadata\":%s,"
          "\"createdAt\":\"x\",\"updatedAt\":\"x\"}",
          meta);

      test_accounts_put_raw (f, order[i - 1], record);
    }
  test_accounts_put_raw (f, "broken", "{\"type\":\"other\"}");
  test_accounts_put_raw (f, "meta-null",
                         "{\"type\":\"simple\",\"password\":null,\"role\":\"admin\","
                         "\"createdAt\":\"x\",\"updatedAt\":\"x\"}");

  list = dg_accounts_list (accounts, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, G_N_ELEMENTS (order) + 1);
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    g_assert_cmpstr (((DgAccount *) list->pdata[i])->username, ==, order[i]);
  g_assert_cmpstr (((DgAccount *) list->pdata[5])->username, ==, "meta-null");
  g_assert_null (dg_account_get_metadata_text (list->pdata[0], "country"));
  g_assert_cmpstr (dg_account_get_metadata_text (list->pdata[1], "country"), ==, "RO");
  g_assert_cmpstr (dg_account_get_metadata_text (list->pdata[1], "email"), ==, "aa-b@X.io");
  g_assert_cmpuint (json_object_get_size (((DgAccount *) list->pdata[5])->metadata), ==, 0);

  /* The index column is written by our own writes; find_by_email reads it. */
  updated = dg_accounts_update (accounts, "aa1", NULL, ((DgAccount *) list->pdata[3])->metadata,
                                NULL, &error);
  g_assert_no_error (error);
  by_email = dg_accounts_find_by_email (accounts, " AA1@x.IO", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (by_email->username, ==, "aa1");
  g_assert_null (dg_accounts_find_by_email (accounts, "nobody@x.io", NULL, &error));
  g_assert_no_error (error);
}

static void
test_public_json (Fixture *f, gconstpointer data)
{
  g_autoptr (DgAccounts) accounts = test_accounts_standalone (f, "super-secret-pepper", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (DgAccount) alice = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *json = NULL;

  test_accounts_put_raw (f, "alice", ALICE_RECORD);
  alice = dg_accounts_get (accounts, "alice", NULL, &error);
  g_assert_no_error (error);
  node = dg_account_to_public_json (alice);
  json = json_to_string (node, FALSE);
  g_assert_cmpstr (json, ==,
                   "{\"username\":\"alice\",\"role\":\"user\",\"metadata\":{\"email\":"
                   "\"alice@example.com\"},\"createdAt\":\"2024-01-01T00:00:00.000Z\","
                   "\"updatedAt\":\"2024-01-01T00:00:00.000Z\",\"type\":\"simple\"}");
  g_assert_null (dg_accounts_get (accounts, "nobody", NULL, &error));
  g_assert_no_error (error);
}

void
test_accounts_add_sqlite_tests (void)
{
#define ADD(path, func)                                                                        \
  g_test_add ("/core/accounts/sqlite/" path, Fixture, NULL, test_accounts_fixture_setup, func, \
              test_accounts_fixture_teardown)
  ADD ("first-run", test_first_run);
  ADD ("bootstrap", test_bootstrap_standalone);
  ADD ("record-format", test_record_format);
  ADD ("upstream-records", test_upstream_records);
  ADD ("create-errors", test_create_errors);
  ADD ("authenticate-refusals", test_authenticate_refusals);
  ADD ("update", test_update);
  ADD ("json-stringify", test_json_stringify);
  ADD ("change-password", test_change_password);
  ADD ("admin-actions", test_admin_actions);
  ADD ("soft-delete", test_soft_delete);
  ADD ("list", test_list);
  ADD ("public-json", test_public_json);
#undef ADD
}
