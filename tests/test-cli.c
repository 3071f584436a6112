/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-cli"

#include "config.h"

#include "dg-store.h"
#include "dg-test-utils.h"

/* Runs datagems-cli with @args in a private data folder, with @env ("NAME=value", ...)
 * added; returns the exit status. */
static int
run_cli_env (DgTestDir *dir, const char *const *env, const char *const *args, char **out,
             char **err)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) child = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  const char *cli = g_getenv ("DG_CLI");

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (gpointer) cli);
  for (gsize i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "DATAGEMS_DATA_DIR", dir->path, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "DATAGEMS_DATABASE");
  g_subprocess_launcher_unsetenv (launcher, "DATAGEN_INFERENCE_HOST");
  g_subprocess_launcher_unsetenv (launcher, "DATAGEN_INFERENCE_BASE_URL");
  g_subprocess_launcher_unsetenv (launcher, "DATAGEN_MAX_RECORDS_PER_JOB");
  for (gsize i = 0; env != NULL && env[i] != NULL; i++)
    {
      g_auto (GStrv) pair = g_strsplit (env[i], "=", 2);
      g_subprocess_launcher_setenv (launcher, pair[0], pair[1], TRUE);
    }
  child = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (child, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (child));
  return g_subprocess_get_exit_status (child);
}

static int
run_cli (DgTestDir *dir, const char *const *args, char **out, char **err)
{
  return run_cli_env (dir, NULL, args, out, err);
}

static void
test_help (void)
{
  g_autoptr (DgTestDir) dir = dg_test_dir_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *args[] = { "--help", NULL };

  g_assert_cmpint (run_cli (dir, args, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "Usage: datagems-cli COMMAND"));
  g_assert_nonnull (strstr (out, "info"));
}

static void
test_no_command (void)
{
  g_autoptr (DgTestDir) dir = dg_test_dir_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *args[] = { NULL };

  g_assert_cmpint (run_cli (dir, args, &out, &err), ==, 2);
  g_assert_nonnull (strstr (err, "Usage: datagems-cli COMMAND"));
}

static void
test_version (void)
{
  g_autoptr (DgTestDir) dir = dg_test_dir_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *args[] = { "--version", NULL };

  g_assert_cmpint (run_cli (dir, args, &out, &err), ==, 0);
  g_assert_cmpstr (out, ==, "datagems-cli " PACKAGE_VERSION "\n");
}

static void
test_unknown_command (void)
{
  g_autoptr (DgTestDir) dir = dg_test_dir_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *args[] = { "frobnicate", NULL };

  g_assert_cmpint (run_cli (dir, args, &out, &err), ==, 2);
  g_assert_nonnull (strstr (err, "unknown command “frobnicate”"));
  g_assert_cmpstr (out, ==, "");
}

static void
test_info (void)
{
  g_autoptr (DgTestDir) dir = dg_test_dir_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *db = dg_test_dir_file (dir, "datagems.db");
  g_autofree char *expected_db = NULL;
  g_autofree char *expected_version = NULL;
  const char *args[] = { "info", NULL };

  g_assert_cmpint (run_cli (dir, args, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "DataGems " PACKAGE_VERSION));
  expected_db = g_strdup_printf ("Database:        %s\n", db);
  g_assert_nonnull (strstr (out, expected_db));
  expected_version = g_strdup_printf ("Schema version:  %d\n", dg_store_latest_schema_version ());
  g_assert_nonnull (strstr (out, expected_version));
  g_assert_nonnull (strstr (out, "Mode:            standalone"));
  g_assert_nonnull (strstr (out, "offline generator"));
  /* info opened (and so created) the database at the configured place. */
  g_assert_true (g_file_test (db, G_FILE_TEST_IS_REGULAR));
}

static void
test_info_bad_config (void)
{
  g_autoptr (DgTestDir) dir = dg_test_dir_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *args[] = { "info", NULL };

  g_setenv ("DATAGEMS_PORT", "not-a-port", TRUE);
  g_assert_cmpint (run_cli (dir, args, &out, &err), ==, 1);
  g_unsetenv ("DATAGEMS_PORT");
  g_assert_nonnull (strstr (err, "DATAGEMS_PORT"));
}

static void
test_info_unusable_database (void)
{
  g_autoptr (DgTestDir) dir = dg_test_dir_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *db = dg_test_dir_file (dir, "datagems.db");
  const char *args[] = { "info", NULL };

  g_assert_true (g_file_set_contents (db, "definitely not sqlite, just some text here", -1, NULL));
  g_assert_cmpint (run_cli (dir, args, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "datagems-cli: "));
}

/* The web limit of 200 records per job binds remote users, not the database's owner. */
static void
test_generate_beyond_web_limit (void)
{
  g_autoptr (DgTestDir) dir = dg_test_dir_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *schema = dg_test_dir_file (dir, "schema.json");
  g_autofree char *output = dg_test_dir_file (dir, "out.jsonl");
  g_autofree char *contents = NULL;
  const char *args[] = { "generate", "-q", "-s", schema, "-n", "300", "-o", output, NULL };
  guint lines = 0;

  g_assert_true (
      g_file_set_contents (schema,
                           "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}},"
                           "\"required\":[\"n\"]}",
                           -1, NULL));
  g_assert_cmpint (run_cli (dir, args, &out, &err), ==, 0);
  g_assert_true (g_file_get_contents (output, &contents, NULL, NULL));
  for (const char *p = contents; *p != '\0'; p++)
    lines += *p == '\n';
  g_assert_cmpuint (lines, ==, 300);

  /* An explicit setting still applies. */
  {
    g_autofree char *out2 = NULL;
    g_autofree char *err2 = NULL;
    const char *env[] = { "DATAGEN_MAX_RECORDS_PER_JOB=100", NULL };
    const char *limited[] = { "generate", "-q", "-s", schema, "-n", "300", NULL };

    g_assert_cmpint (run_cli_env (dir, env, limited, &out2, &err2), ==, 1);
    g_assert_nonnull (strstr (err2, "between 1 and 100"));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/help", test_help);
  g_test_add_func ("/cli/no-command", test_no_command);
  g_test_add_func ("/cli/version", test_version);
  g_test_add_func ("/cli/unknown-command", test_unknown_command);
  g_test_add_func ("/cli/info", test_info);
  g_test_add_func ("/cli/info-bad-config", test_info_bad_config);
  g_test_add_func ("/cli/info-unusable-database", test_info_unusable_database);
  g_test_add_func ("/cli/generate-beyond-web-limit", test_generate_beyond_web_limit);

  return g_test_run ();
}
