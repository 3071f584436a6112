/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-cli"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "dg-accounts.h"
#include "dg-cli-commands.h"
#include "dg-crypto.h"

/* Longer lines are refused rather than silently cut. */
#define MAX_PASSWORD_LENGTH 4096

/*
 * Reads one line from standard input: the whole password, without its line ending.
 * On a terminal the line is typed after @prompt with echo turned off. Passwords are
 * never taken from the command line, where other users could read them (ps, history).
 */
static char *
read_line (const char *prompt, GError **error)
{
  gboolean tty = isatty (STDIN_FILENO);
  struct termios saved, silent;
  gboolean echo_off = FALSE;
  char buffer[MAX_PASSWORD_LENGTH + 2];
  char *line;
  gsize length;

  if (tty)
    {
      fprintf (stderr, "%s", prompt);
      fflush (stderr);
      if (tcgetattr (STDIN_FILENO, &saved) == 0)
        {
          silent = saved;
          silent.c_lflag &= ~(tcflag_t) ECHO;
          silent.c_lflag |= ECHONL;
          echo_off = tcsetattr (STDIN_FILENO, TCSAFLUSH, &silent) == 0;
        }
    }
  line = fgets (buffer, sizeof buffer, stdin);
  if (echo_off)
    tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);

  if (line == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _ ("No password was given on standard input"));
      return NULL;
    }
  length = strlen (buffer);
  if (length > 0 && buffer[length - 1] == '\n')
    buffer[--length] = '\0';
  else if (!feof (stdin))
    {
      dg_crypto_wipe (buffer, sizeof buffer);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _ ("The password is longer than %d bytes"), MAX_PASSWORD_LENGTH);
      return NULL;
    }
  if (length > 0 && buffer[length - 1] == '\r')
    buffer[--length] = '\0';
  line = g_strdup (buffer);
  dg_crypto_wipe (buffer, sizeof buffer);
  return line;
}

/* A new password: typed twice on a terminal, one line from a pipe. */
static char *
read_new_password (GError **error)
{
  char *password = read_line (_ ("New password: "), error);
  char *again;
  gboolean same;

  if (password == NULL || !isatty (STDIN_FILENO))
    return password;
  again = read_line (_ ("Retype the new password: "), error);
  if (again == NULL)
    {
      dg_secret_free (password);
      return NULL;
    }
  same = g_str_equal (password, again);
  dg_secret_free (again);
  if (!same)
    {
      dg_secret_free (password);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _ ("The passwords do not match"));
      return NULL;
    }
  return password;
}

static void
print_accounts (GPtrArray *accounts)
{
  printf ("%-24s %-6s %-32s %-8s %s\n", _ ("USERNAME"), _ ("ROLE"), _ ("EMAIL"), _ ("COUNTRY"),
          _ ("CREATED"));
  for (guint i = 0; i < accounts->len; i++)
    {
      const DgAccount *account = g_ptr_array_index (accounts, i);
      const char *email = dg_account_get_metadata_text (account, "email");
      const char *country = dg_account_get_metadata_text (account, "country");

      printf ("%-24s %-6s %-32s %-8s %s%s\n", account->username, account->role,
              email != NULL ? email : "-", country != NULL ? country : "-", account->created_at,
              account->deleted ? _ (" (deleted)") : "");
    }
}

static int
expect_args (int argc, int wanted, const char *usage)
{
  if (argc == wanted)
    return -1;
  return dg_cli_usage_error ("users", "%s", usage);
}

/* `datagems-cli users ACTION …`: manage the accounts of this instance. */
int
dg_cli_users (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (DgConfig) config = NULL;
  g_autoptr (DgStore) store = NULL;
  g_autoptr (DgAccounts) accounts = NULL;
  g_autofree char *role = NULL;
  g_autofree char *email = NULL;
  gboolean all = FALSE;
  GError *error = NULL;
  const char *action;
  int status;
  GOptionEntry entries[] = {
    { "role", 'r', 0, G_OPTION_ARG_STRING, &role, N_ ("Role of the new account (admin or user)"),
      N_ ("ROLE") },
    { "email", 'e', 0, G_OPTION_ARG_STRING, &email, N_ ("Email address of the new account"),
      N_ ("EMAIL") },
    { "all", 'a', 0, G_OPTION_ARG_NONE, &all, N_ ("List deleted accounts too"), NULL },
    { NULL },
  };

  context = g_option_context_new (_ ("list | add NAME | passwd NAME | role NAME ROLE | "
                                     "delete NAME | check NAME"));
  g_option_context_set_summary (context, _ ("Manage the accounts of this DataGems instance."));
  g_option_context_set_description (
      context, _ ("Actions:\n"
                  "  list           list the accounts\n"
                  "  add NAME       create an account (password read from standard input)\n"
                  "  passwd NAME    set a new password (read from standard input)\n"
                  "  role NAME ROLE make an account an admin or a user\n"
                  "  delete NAME    delete an account (soft delete, as the web admin does)\n"
                  "  check NAME     exit with 0 when the password on standard input is right\n\n"
                  "Passwords are never read from the command line. On a terminal they are\n"
                  "typed without echo; otherwise the first line of standard input is used."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!dg_cli_parse (context, &argc, &argv, "users", &status))
    return status;
  if (argc < 2)
    return dg_cli_usage_error ("users", "%s", _ ("an action is required"));
  action = argv[1];
  if ((role != NULL || email != NULL) && !g_str_equal (action, "add"))
    return dg_cli_usage_error ("users", "%s", _ ("--role and --email only apply to “add”"));
  if (all && !g_str_equal (action, "list"))
    return dg_cli_usage_error ("users", "%s", _ ("--all only applies to “list”"));

  if (g_str_equal (action, "list"))
    status = expect_args (argc, 2, _ ("usage: users list [--all]"));
  else if (g_str_equal (action, "role"))
    status = expect_args (argc, 4, _ ("usage: users role NAME admin|user"));
  else if (g_str_equal (action, "add") || g_str_equal (action, "passwd") ||
           g_str_equal (action, "delete") || g_str_equal (action, "check"))
    status = expect_args (argc, 3, _ ("this action takes exactly one NAME"));
  else
    return dg_cli_usage_error ("users", _ ("unknown action “%s”"), action);
  if (status >= 0)
    return status;

  config = dg_cli_load_config (&error);
  if (config == NULL)
    return dg_cli_fail (error);
  store = dg_cli_open_store (config, &error);
  if (store == NULL)
    return dg_cli_fail (error);
  accounts = dg_accounts_new (config, store, NULL);

  if (g_str_equal (action, "list"))
    {
      g_autoptr (GPtrArray) list = dg_accounts_list (accounts, all, NULL, &error);

      if (list == NULL)
        return dg_cli_fail (error);
      print_accounts (list);
      return DG_CLI_EXIT_OK;
    }

  if (g_str_equal (action, "add"))
    {
      g_autoptr (JsonObject) metadata = json_object_new ();
      g_autoptr (DgAccount) account = NULL;
      char *password;

      if (email != NULL)
        json_object_set_string_member (metadata, "email", email);
      password = read_new_password (&error);
      if (password == NULL)
        return dg_cli_fail (error);
      account = dg_accounts_create (accounts, argv[2], password, role, metadata, NULL, &error);
      dg_secret_free (password);
      if (account == NULL)
        return dg_cli_fail (error);
      printf (_ ("Created the account “%s” (%s)\n"), account->username, account->role);
      return DG_CLI_EXIT_OK;
    }

  if (g_str_equal (action, "passwd"))
    {
      char *password = read_new_password (&error);
      gboolean ok;

      if (password == NULL)
        return dg_cli_fail (error);
      ok = dg_accounts_set_password (accounts, NULL, argv[2], password, NULL, &error);
      dg_secret_free (password);
      if (!ok)
        return dg_cli_fail (error);
      printf (_ ("Changed the password of “%s”; its sessions were signed out\n"), argv[2]);
      return DG_CLI_EXIT_OK;
    }

  if (g_str_equal (action, "role"))
    {
      g_autoptr (DgAccount) account =
          dg_accounts_set_role (accounts, NULL, argv[2], argv[3], NULL, &error);

      if (account == NULL)
        return dg_cli_fail (error);
      printf (_ ("“%s” is now %s\n"), account->username, account->role);
      return DG_CLI_EXIT_OK;
    }

  if (g_str_equal (action, "delete"))
    {
      if (!dg_accounts_soft_delete (accounts, NULL, argv[2], NULL, &error))
        return dg_cli_fail (error);
      printf (_ ("Deleted the account “%s”\n"), argv[2]);
      return DG_CLI_EXIT_OK;
    }

  /* check: like `htpasswd -v`, the exit status is the answer. */
  {
    g_autoptr (DgAccount) account = NULL;
    char *password = read_line (_ ("Password: "), &error);

    if (password == NULL)
      return dg_cli_fail (error);
    account = dg_accounts_authenticate (accounts, argv[2], password, NULL, &error);
    dg_secret_free (password);
    if (account == NULL)
      return dg_cli_fail (error);
    printf (_ ("The password of “%s” is correct\n"), account->username);
    return DG_CLI_EXIT_OK;
  }
}
