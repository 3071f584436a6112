/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-interop"

#include "config.h"

#include <string.h>

#include "dg-accounts.h"
#include "dg-cstore-standin.h"
#include "dg-test-utils.h"

/*
 * DataGems and the real @ratio1/cstore-auth-ts (Node, tests/interop) share one CStore (the
 * stand-in): accounts created by either side sign in on the other. Needs node and npm; the
 * first run installs tests/interop/node_modules with `npm ci` from the committed lock file.
 */

#define HKEY "auth:interop"
#define PEPPER "interop-pepper-\xc8\x99tefan" /* non-ASCII on purpose: raw UTF-8 bytes */
#define BOOTSTRAP "bootstrap-admin-password-123"

typedef struct
{
  char *interop_dir;
  char *node;
  DgTestDir *dir;
  DgCStoreStandin *standin;
  DgConfig *config;
  DgStore *store;
  DgCStore *cstore;
  DgAccounts *accounts;
} Fixture;

static char *
interop_dir (void)
{
  const char *root = g_getenv ("DG_SOURCE_ROOT");

  if (root == NULL)
    return NULL;
  return g_build_filename (root, "tests", "interop", NULL);
}

/* Installs the Node packages once; FALSE (test failed) when npm cannot. */
static gboolean
ensure_node_modules (const char *dir, const char *npm)
{
  g_autofree char *marker =
      g_build_filename (dir, "node_modules", "@ratio1", "cstore-auth-ts", "package.json", NULL);
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;

  if (g_file_test (marker, G_FILE_TEST_EXISTS))
    return TRUE;
  g_test_message ("Installing tests/interop/node_modules with npm ci");
  launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_cwd (launcher, dir);
  process = g_subprocess_launcher_spawn (launcher, &error, npm, "ci", "--no-audit", "--no-fund",
                                         "--loglevel=error", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (process))
    {
      g_test_message ("npm ci failed:\n%s", out);
      return FALSE;
    }
  return g_file_test (marker, G_FILE_TEST_EXISTS);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autofree char *npm = g_find_program_in_path ("npm");
  g_autofree char *env_url = NULL;
  g_autofree char *env_dir = NULL;

  f->node = g_find_program_in_path ("node");
  f->interop_dir = interop_dir ();
  if (f->node == NULL || npm == NULL)
    {
      g_test_skip ("node and npm are not installed; the cstore-auth-ts interop test needs them");
      return;
    }
  if (f->interop_dir == NULL)
    {
      g_test_skip ("DG_SOURCE_ROOT is not set (run through meson test)");
      return;
    }
  if (!ensure_node_modules (f->interop_dir, npm))
    {
      g_test_fail_printf ("npm ci failed in %s; see the test log", f->interop_dir);
      return;
    }

  f->dir = dg_test_dir_new ();
  f->standin = dg_cstore_standin_new ();
  env_url = g_strdup_printf ("EE_CHAINSTORE_API_URL=%s", dg_cstore_standin_get_url (f->standin));
  env_dir = g_strdup_printf ("DATAGEMS_DATA_DIR=%s", f->dir->path);
  {
    const char *env[] = { env_url,
                          env_dir,
                          "R1EN_CSTORE_AUTH_HKEY=" HKEY,
                          "R1EN_CSTORE_AUTH_SECRET=" PEPPER,
                          "R1EN_CSTORE_AUTH_BOOTSTRAP_ADMIN_PWD=" BOOTSTRAP,
                          "DATAGEN_SESSION_SECRET=interop-session-secret",
                          "R1EN_CHAINSTORE_PEERS=peer-a",
                          "R1EN_HOST_ADDR=peer-a",
                          NULL };

    f->config = dg_test_config_newv (env);
  }
  g_assert_true (f->config->connected);
  f->store = dg_test_store_new (f->dir);
  f->cstore = dg_cstore_new (f->config->cstore_url, NULL);
  f->accounts = dg_accounts_new (f->config, f->store, f->cstore);
  g_assert_cmpint (dg_accounts_get_backend_kind (f->accounts), ==, DG_ACCOUNTS_BACKEND_CSTORE);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->accounts);
  g_clear_object (&f->cstore);
  g_clear_object (&f->store);
  g_clear_pointer (&f->config, dg_config_unref);
  g_clear_pointer (&f->standin, dg_cstore_standin_free);
  g_clear_pointer (&f->dir, dg_test_dir_free);
  g_free (f->interop_dir);
  g_free (f->node);
}

/* Runs `node interop.js ...` against the stand-in and returns its JSON answer. */
static JsonObject *
run_node (Fixture *f, const char *const *args)
{
  g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_subprocess_launcher_set_cwd (launcher, f->interop_dir);
  /* The SDK prefers CSTORE_API_URL; make sure only the stand-in's address is seen. */
  g_subprocess_launcher_unsetenv (launcher, "CSTORE_API_URL");
  g_subprocess_launcher_unsetenv (launcher, "EE_CSTORE_AUTH_HKEY");
  g_subprocess_launcher_unsetenv (launcher, "EE_CSTORE_AUTH_SECRET");
  g_subprocess_launcher_setenv (launcher, "EE_CHAINSTORE_API_URL",
                                dg_cstore_standin_get_url (f->standin), TRUE);
  g_subprocess_launcher_setenv (launcher, "R1EN_CSTORE_AUTH_HKEY", HKEY, TRUE);
  g_subprocess_launcher_setenv (launcher, "R1EN_CSTORE_AUTH_SECRET", PEPPER, TRUE);
  g_subprocess_launcher_setenv (launcher, "R1EN_CSTORE_AUTH_BOOTSTRAP_ADMIN_PWD", BOOTSTRAP, TRUE);
  g_ptr_array_add (argv, f->node);
  g_ptr_array_add (argv, (gpointer) "interop.js");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_test_message ("node interop.js %s -> %s%s", args[0], out, err);
  g_assert_true (g_subprocess_get_successful (process));
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
assert_node_ok (JsonObject *answer, const char *username)
{
  JsonObject *user;

  g_assert_true (json_object_get_boolean_member (answer, "ok"));
  user = json_object_get_object_member (answer, "user");
  g_assert_cmpstr (json_object_get_string_member (user, "username"), ==, username);
}

static void
assert_node_error (JsonObject *answer, const char *code)
{
  g_assert_false (json_object_get_boolean_member (answer, "ok"));
  g_assert_cmpstr (json_object_get_string_member (answer, "code"), ==, code);
}

/* Node creates a user; DataGems signs it in (and refuses a wrong password). */
static void
test_node_to_datagems (Fixture *f, gconstpointer data)
{
  const char *create[] = { "create", "Node.User", "N0de-Passw0rd! ✓",
                           "{\"email\":\"node@example.com\",\"country\":\"RO\"}", NULL };
  g_autoptr (JsonObject) answer = NULL;
  g_autoptr (DgAccount) account = NULL;
  g_autoptr (DgAccount) admin = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (DgAccount) wrong = NULL;
  g_autofree char *stored = NULL;

  if (g_test_failed () || f->accounts == NULL)
    return;

  answer = run_node (f, create);
  assert_node_ok (answer, "node.user");
  stored = dg_cstore_standin_hget_string (f->standin, HKEY, "node.user");
  g_assert_true (
      g_str_has_prefix (stored, "{\"type\":\"simple\",\"password\":{\"algo\":\"argon2id\""));

  account = dg_accounts_authenticate (f->accounts, "node.user", "N0de-Passw0rd! ✓", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (account->role, ==, "user");
  g_assert_cmpstr (dg_account_get_metadata_text (account, "email"), ==, "node@example.com");

  wrong = dg_accounts_authenticate (f->accounts, "node.user", "N0de-Passw0rd!", NULL, &error);
  g_assert_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_INVALID_CREDENTIALS);
  g_assert_null (wrong);
  g_clear_error (&error);

  /* Node bootstrapped the admin: it signs in here with the same bootstrap password. */
  admin = dg_accounts_authenticate (f->accounts, "admin", BOOTSTRAP, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (admin->role, ==, "admin");
}

/* DataGems creates a user; Node signs it in, lists it, and reads the same public view. */
static void
test_datagems_to_node (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonObject) metadata = json_object_new ();
  g_autoptr (DgAccount) created = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) ok = NULL;
  g_autoptr (JsonObject) bad = NULL;
  g_autoptr (JsonObject) list = NULL;
  g_autoptr (JsonObject) node_admin = NULL;
  const char *auth_ok[] = { "auth", "C.User", "C-Passw0rd-ș", NULL };
  const char *auth_bad[] = { "auth", "c.user", "c-passw0rd-ș", NULL };
  const char *auth_admin[] = { "auth", "admin", BOOTSTRAP, NULL };
  const char *list_args[] = { "list", NULL };
  JsonObject *user;
  JsonArray *users;
  gboolean found = FALSE;

  if (g_test_failed () || f->accounts == NULL)
    return;

  json_object_set_string_member (metadata, "email", "c@example.com");
  json_object_set_string_member (metadata, "name", "Ana");
  created =
      dg_accounts_create (f->accounts, "C.User", "C-Passw0rd-ș", NULL, metadata, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (created->username, ==, "c.user");

  ok = run_node (f, auth_ok);
  assert_node_ok (ok, "c.user");
  user = json_object_get_object_member (ok, "user");
  g_assert_cmpstr (json_object_get_string_member (user, "role"), ==, "user");
  g_assert_cmpstr (json_object_get_string_member (user, "type"), ==, "simple");
  g_assert_cmpstr (json_object_get_string_member (user, "createdAt"), ==, created->created_at);
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (user, "metadata"), "email"), ==,
      "c@example.com");

  bad = run_node (f, auth_bad);
  assert_node_error (bad, "INVALID_CREDENTIALS");

  /* We bootstrapped the admin first this time: Node accepts it. */
  node_admin = run_node (f, auth_admin);
  assert_node_ok (node_admin, "admin");

  list = run_node (f, list_args);
  users = json_object_get_array_member (list, "users");
  for (guint i = 0; i < json_array_get_length (users); i++)
    found = found || g_strcmp0 (json_object_get_string_member (
                                    json_array_get_object_element (users, i), "username"),
                                "c.user") == 0;
  g_assert_true (found);
}

/* Both sides refuse to create a name the other already has. */
static void
test_exists_both_ways (Fixture *f, gconstpointer data)
{
  const char *create_node[] = { "create", "shared.name", "pw-one", NULL };
  const char *create_again[] = { "create", "dg.name", "pw-two", NULL };
  g_autoptr (JsonObject) first = NULL;
  g_autoptr (JsonObject) second = NULL;
  g_autoptr (DgAccount) clash = NULL;
  g_autoptr (DgAccount) mine = NULL;
  g_autoptr (GError) error = NULL;

  if (g_test_failed () || f->accounts == NULL)
    return;

  first = run_node (f, create_node);
  assert_node_ok (first, "shared.name");
  clash = dg_accounts_create (f->accounts, "Shared.Name", "pw-x", NULL, NULL, NULL, &error);
  g_assert_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_EXISTS);
  g_clear_error (&error);

  mine = dg_accounts_create (f->accounts, "dg.name", "pw-y", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  second = run_node (f, create_again);
  assert_node_error (second, "USER_EXISTS");
}

int
main (int argc, char **argv)
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/core/interop/node-to-datagems", Fixture, NULL, fixture_setup, test_node_to_datagems,
              fixture_teardown);
  g_test_add ("/core/interop/datagems-to-node", Fixture, NULL, fixture_setup, test_datagems_to_node,
              fixture_teardown);
  g_test_add ("/core/interop/exists-both-ways", Fixture, NULL, fixture_setup, test_exists_both_ways,
              fixture_teardown);
  return g_test_run ();
}
