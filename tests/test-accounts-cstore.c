/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-accounts"

#include "config.h"

#include "dg-cstore-standin.h"
#include "test-accounts.h"

/* Connected mode: accounts in the CStore auth hash, against the CStore stand-in. */

#define HKEY "auth:test"

typedef struct
{
  DgTestDir *dir;
  DgStore *store;
  DgCStoreStandin *standin;
  DgCStore *client;
  gint64 now_ms;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = dg_test_dir_new ();
  f->store = dg_test_store_new (f->dir);
  f->standin = dg_cstore_standin_new ();
  f->client = dg_cstore_new (dg_cstore_standin_get_url (f->standin), NULL);
  dg_cstore_set_timeouts (f->client, 2000, 5000);
  f->now_ms = TEST_ACCOUNTS_EPOCH_MS;
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->client);
  dg_cstore_standin_free (f->standin);
  g_clear_object (&f->store);
  dg_test_dir_free (f->dir);
}

/* Stores @text as a JSON string value, as cstore-auth-ts does. */
static void
hput (Fixture *f, const char *field, const char *text)
{
  g_autoptr (JsonNode) node = json_node_init_string (json_node_alloc (), text);
  g_autofree char *json = json_to_string (node, FALSE);

  dg_cstore_standin_hput_json (f->standin, HKEY, field, json);
}

static DgAccounts *
connected (Fixture *f, const char *bootstrap)
{
  g_autofree char *url =
      g_strdup_printf ("EE_CHAINSTORE_API_URL=%s", dg_cstore_standin_get_url (f->standin));
  g_autofree char *bootstrap_var =
      bootstrap != NULL ? g_strdup_printf ("R1EN_CSTORE_AUTH_BOOTSTRAP_ADMIN_PWD=%s", bootstrap)
                        : g_strdup ("UNRELATED=1");
  g_autoptr (DgConfig) config = dg_test_config_new (
      url, "R1EN_CHAINSTORE_PEERS=peer-a", "R1EN_HOST_ADDR=peer-a", "R1EN_CSTORE_AUTH_HKEY=" HKEY,
      "R1EN_CSTORE_AUTH_SECRET=super-secret-pepper", bootstrap_var, NULL);
  DgAccounts *accounts;

  g_assert_true (config->connected);
  accounts = dg_accounts_new (config, f->store, f->client);
  g_assert_cmpint (dg_accounts_get_backend_kind (accounts), ==, DG_ACCOUNTS_BACKEND_CSTORE);
  dg_accounts_set_clock (accounts, test_accounts_clock, &f->now_ms);
  return accounts;
}

/* 4.7: the configured password creates "admin" once; an existing admin is left alone. */
static void
test_bootstrap (Fixture *f, gconstpointer data)
{
  g_autoptr (DgAccounts) accounts = connected (f, "boot-password");
  g_autoptr (DgAccounts) second = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (DgAccount) admin = NULL;
  g_autoptr (JsonObject) record = NULL;
  g_autofree char *text = NULL;
  g_autofree char *after = NULL;

  g_assert_true (dg_accounts_prepare (accounts, NULL, &error));
  g_assert_no_error (error);
  text = dg_cstore_standin_hget_string (f->standin, HKEY, "admin");
  g_assert_nonnull (text);
  record = test_accounts_parse_object (text);
  g_assert_cmpstr (json_object_get_string_member (record, "role"), ==, "admin");
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (record, "metadata")), ==,
                    0);
  g_assert_true (
      g_str_has_prefix (text, "{\"type\":\"simple\",\"password\":{\"algo\":\"argon2id\""));
  admin = dg_accounts_authenticate (accounts, "admin", "boot-password", NULL, &error);
  g_assert_no_error (error);

  second = connected (f, "another-password");
  g_assert_true (dg_accounts_prepare (second, NULL, &error));
  after = dg_cstore_standin_hget_string (f->standin, HKEY, "admin");
  g_assert_cmpstr (after, ==, text);
}

static void
test_bootstrap_missing (Fixture *f, gconstpointer data)
{
  g_autoptr (DgAccounts) accounts = connected (f, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = NULL;

  g_assert_false (dg_accounts_prepare (accounts, NULL, &error));
  g_assert_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_NOT_CONFIGURED);
  g_assert_cmpstr (error->message, ==,
                   "Environment variable R1EN_CSTORE_AUTH_BOOTSTRAP_ADMIN_PWD is required but was "
                   "not provided.");
  g_clear_error (&error);

  /* Not cached: once another instance wrote an admin, the next call succeeds. */
  hput (f, "admin", ADMIN_SCRYPT_RECORD);
  list = dg_accounts_list (accounts, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_false (dg_accounts_needs_first_admin (accounts, NULL, &error));
}

/* Records written by cstore-auth-ts log in here, and ours are stored as it stores them. */
static void
test_interop (Fixture *f, gconstpointer data)
{
  g_autoptr (DgAccounts) accounts = connected (f, "unused");
  g_autoptr (GError) error = NULL;
  g_autoptr (DgAccount) alice = NULL;
  g_autoptr (DgAccount) bob = NULL;
  g_autoptr (DgAccount) ghost = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (JsonObject) metadata = test_accounts_parse_object ("{\"email\":\"bob@x.io\"}");
  g_autoptr (JsonObject) record = NULL;
  g_autoptr (DgAccount) found = NULL;
  g_autofree char *text = NULL;
  DgAccount *missing;

  hput (f, "alice", ALICE_RECORD);
  hput (f, "admin", ADMIN_SCRYPT_RECORD);
  /* cstore-auth-ts' test cleanup leaves "" behind: that is "missing". */
  hput (f, "ghost", "");

  alice = dg_accounts_authenticate (accounts, "Alice", "S3curePassw0rd", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (alice->username, ==, "alice");

  bob = dg_accounts_create (accounts, "bob", "bob-password", NULL, metadata, NULL, &error);
  g_assert_no_error (error);
  text = dg_cstore_standin_hget_string (f->standin, HKEY, "bob");
  record = test_accounts_parse_object (text);
  g_assert_cmpstr (json_object_get_string_member (record, "createdAt"), ==,
                   "2024-01-01T00:00:00.000Z");
  g_assert_true (g_str_has_suffix (text, "\"role\":\"user\",\"metadata\":{\"email\":\"bob@x.io\"},"
                                         "\"createdAt\":\"2024-01-01T00:00:00.000Z\",\"updatedAt\":"
                                         "\"2024-01-01T00:00:00.000Z\"}"));

  g_assert_null (dg_accounts_get (accounts, "ghost", NULL, &error));
  g_assert_no_error (error);
  list = dg_accounts_list (accounts, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);
  g_assert_cmpstr (((DgAccount *) list->pdata[0])->username, ==, "admin");
  g_assert_cmpstr (((DgAccount *) list->pdata[1])->username, ==, "alice");
  g_assert_cmpstr (((DgAccount *) list->pdata[2])->username, ==, "bob");
  found = dg_accounts_find_by_email (accounts, "BOB@x.io ", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found->username, ==, "bob");

  /* A node that stores the value but cannot confirm replication still created it. */
  dg_cstore_standin_inject (f->standin, "/hset", DG_CSTORE_FAULT_FALSE, 1, 0);
  ghost = dg_accounts_create (accounts, "ghost", "pw", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  {
    g_autofree char *stored = dg_cstore_standin_hget_string (f->standin, HKEY, "ghost");

    g_assert_nonnull (stored);
  }

  /* A CStore failure is not "invalid credentials". */
  dg_cstore_standin_inject (f->standin, "/hget", DG_CSTORE_FAULT_500, 1, 0);
  missing = dg_accounts_authenticate (accounts, "alice", "S3curePassw0rd", NULL, &error);
  g_assert_null (missing);
  g_assert_error (error, DG_CSTORE_ERROR, DG_CSTORE_ERROR_HTTP);
}

static void
test_soft_delete (Fixture *f, gconstpointer data)
{
  g_autoptr (DgAccounts) accounts = connected (f, "unused");
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  hput (f, "admin", ADMIN_SCRYPT_RECORD);
  hput (f, "alice", ALICE_RECORD);
  f->now_ms += 60000;
  g_assert_true (dg_accounts_soft_delete (accounts, "admin", "alice", NULL, &error));
  g_assert_no_error (error);
  text = dg_cstore_standin_hget_string (f->standin, HKEY, "alice");
  g_assert_cmpstr (text, ==,
                   "{\"type\":\"simple\",\"password\":null,\"role\":\"user\",\"metadata\":{"
                   "\"email\":\"alice@example.com\",\"__datagemsDeleted\":true,"
                   "\"__datagemsDeletedAt\":\"2024-01-01T00:01:00.000Z\",\"__datagemsDeletedBy\":"
                   "\"admin\"},\"createdAt\":\"2024-01-01T00:00:00.000Z\",\"updatedAt\":"
                   "\"2024-01-01T00:01:00.000Z\"}");
  g_assert_false (dg_accounts_soft_delete (accounts, "admin", "admin", NULL, &error));
  g_assert_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_SELF_ACTION);
}

void
test_accounts_add_cstore_tests (void)
{
#define ADD(path, func) \
  g_test_add ("/core/accounts/cstore/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("bootstrap", test_bootstrap);
  ADD ("bootstrap-missing", test_bootstrap_missing);
  ADD ("interop", test_interop);
  ADD ("soft-delete", test_soft_delete);
#undef ADD
}
