/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-accounts"

#include "config.h"

#include <string.h>

#include "test-accounts.h"

/* `datagems-cli users …`: the built binary, a private data folder, passwords on stdin. */

typedef struct
{
  DgTestDir *dir;
  char *cli;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = dg_test_dir_new ();
  f->cli = g_strdup (g_getenv ("DG_CLI"));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_free (f->cli);
  dg_test_dir_free (f->dir);
}

/* A hermetic environment: only what the binary and the sanitizers need. */
static GStrv
cli_environment (Fixture *f)
{
  static const char *const inherited[] = { "PATH",         "LD_LIBRARY_PATH", "ASAN_OPTIONS",
                                           "LSAN_OPTIONS", "UBSAN_OPTIONS",   "G_DEBUG",
                                           "G_SLICE" };
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *home = g_strdup_printf ("HOME=%s", f->dir->path);
  g_autofree char *data = g_strdup_printf ("DATAGEMS_DATA_DIR=%s/data", f->dir->path);

  for (guint i = 0; i < G_N_ELEMENTS (inherited); i++)
    if (g_getenv (inherited[i]) != NULL)
      {
        g_autofree char *entry = g_strdup_printf ("%s=%s", inherited[i], g_getenv (inherited[i]));

        g_strv_builder_add (builder, entry);
      }
  g_strv_builder_add (builder, home);
  g_strv_builder_add (builder, data);
  g_strv_builder_add (builder, "LC_ALL=C.UTF-8");
  return g_strv_builder_end (builder);
}

/* Runs `datagems-cli users ARGS…` with @input on stdin; returns the exit status. */
static int
run_users (Fixture *f, const char *input, char **out, char **err, ...)
{
  g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                 G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) env = cli_environment (f);
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  va_list args;

  g_ptr_array_add (argv, f->cli);
  g_ptr_array_add (argv, (gpointer) "users");
  va_start (args, err);
  for (const char *arg = va_arg (args, const char *); arg != NULL;
       arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_set_environ (launcher, env);
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, &stdout_text, &stderr_text, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  if (out != NULL)
    *out = g_steal_pointer (&stdout_text);
  if (err != NULL)
    *err = g_steal_pointer (&stderr_text);
  return g_subprocess_get_exit_status (process);
}

static gboolean
have_cli (Fixture *f)
{
  if (f->cli != NULL && g_file_test (f->cli, G_FILE_TEST_IS_EXECUTABLE))
    return TRUE;
  g_test_skip ("DG_CLI does not point at the built datagems-cli");
  return FALSE;
}

static void
test_lifecycle (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (!have_cli (f))
    return;

  g_assert_cmpint (run_users (f, "s3cret-pass\n", &out, &err, "add", "Alice", "--role", "admin",
                              "--email", "alice@example.com", NULL),
                   ==, 0);
  g_assert_nonnull (strstr (out, "“alice” (admin)"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A second account with the same name is refused with upstream's message. */
  g_assert_cmpint (run_users (f, "x\n", NULL, &err, "add", "alice", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "User \"alice\" already exists."));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_users (f, "", &out, NULL, "list", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "alice"));
  g_assert_nonnull (strstr (out, "admin"));
  g_assert_nonnull (strstr (out, "alice@example.com"));
  g_clear_pointer (&out, g_free);

  /* check behaves like htpasswd -v: the exit status is the answer (CRLF is tolerated). */
  g_assert_cmpint (run_users (f, "s3cret-pass\r\n", &out, NULL, "check", "alice", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_users (f, "wrong\n", NULL, &err, "check", "alice", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "Invalid username or password."));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_users (f, "new-pass", NULL, NULL, "passwd", "alice", NULL), ==, 0);
  g_assert_cmpint (run_users (f, "new-pass\n", NULL, NULL, "check", "alice", NULL), ==, 0);
  g_assert_cmpint (run_users (f, "s3cret-pass\n", NULL, NULL, "check", "alice", NULL), ==, 1);

  g_assert_cmpint (run_users (f, "", &out, NULL, "role", "alice", "user", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "is now user"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_users (f, "", NULL, &err, "role", "alice", "owner", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "Invalid user role \"owner\""));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_users (f, "", NULL, NULL, "delete", "alice", NULL), ==, 0);
  g_assert_cmpint (run_users (f, "new-pass\n", NULL, NULL, "check", "alice", NULL), ==, 1);
  g_assert_cmpint (run_users (f, "", &out, NULL, "list", NULL), ==, 0);
  g_assert_null (strstr (out, "alice"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_users (f, "", &out, NULL, "list", "--all", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "alice"));
  g_assert_nonnull (strstr (out, "(deleted)"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_users (f, "", NULL, &err, "delete", "alice", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "Account not found"));
}

/* Usage errors exit with 2; passwords cannot come from arguments; stdin must have one. */
static void
test_usage (Fixture *f, gconstpointer data)
{
  g_autofree char *err = NULL;

  if (!have_cli (f))
    return;

  g_assert_cmpint (run_users (f, "", NULL, NULL, NULL), ==, 2);
  g_assert_cmpint (run_users (f, "", NULL, NULL, "frobnicate", NULL), ==, 2);
  g_assert_cmpint (run_users (f, "", NULL, NULL, "add", NULL), ==, 2);
  g_assert_cmpint (run_users (f, "", NULL, NULL, "add", "bob", "hunter2", NULL), ==, 2);
  g_assert_cmpint (run_users (f, "", NULL, NULL, "add", "bob", "--password", "x", NULL), ==, 2);
  g_assert_cmpint (run_users (f, "", NULL, NULL, "list", "--role", "admin", NULL), ==, 2);
  g_assert_cmpint (run_users (f, "", NULL, NULL, "role", "bob", NULL), ==, 2);

  g_assert_cmpint (run_users (f, "", NULL, &err, "add", "bob", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "No password was given on standard input"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_users (f, "\n", NULL, &err, "add", "bob", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "Invalid password: value must be a non-empty string"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_users (f, "pw\n", NULL, &err, "add", "x@y", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "Invalid username:"));
}

void
test_accounts_add_cli_tests (void)
{
  g_test_add ("/core/accounts/cli/lifecycle", Fixture, NULL, fixture_setup, test_lifecycle,
              fixture_teardown);
  g_test_add ("/core/accounts/cli/usage", Fixture, NULL, fixture_setup, test_usage,
              fixture_teardown);
}
