/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>

#include "dg-cli-commands.h"

typedef struct
{
  const char *name;
  const char *summary;
  int (*run) (int argc, char **argv);
} DgCliCommand;

/* Keep sorted by name; `datagems-cli --help` lists them in this order. */
static const DgCliCommand commands[] = {
  { "export", N_ ("Export a job's records as JSON, JSONL or CSV"), dg_cli_export },
  { "generate", N_ ("Generate a dataset from a description or a JSON Schema"), dg_cli_generate },
  { "info", N_ ("Show the version, configuration source and database"), dg_cli_info },
  { "jobs", N_ ("List your jobs"), dg_cli_jobs },
  { "resume", N_ ("Continue a paused or interrupted job"), dg_cli_resume },
  { "users", N_ ("Manage accounts: list, add, passwd, role, delete, check"), dg_cli_users },
  { "validate", N_ ("Check a JSON Schema and a JSONL file of records against it"),
    dg_cli_validate },
};

static void
print_help (FILE *out)
{
  fprintf (out, "%s\n\n", _ ("Usage: datagems-cli COMMAND [OPTION…]"));
  fprintf (out, "%s\n\n", _ ("DataGems generates synthetic structured data from a JSON Schema."));
  fprintf (out, "%s\n", _ ("Commands:"));
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, _ (commands[i].summary));
  fprintf (out, "\n%s\n", _ ("Options:"));
  fprintf (out, "  %-14s %s\n", "-h, --help", _ ("Show this help"));
  fprintf (out, "  %-14s %s\n", "--version", _ ("Show the version"));
  fprintf (out, "\n%s\n", _ ("Run “datagems-cli COMMAND --help” for a command’s options."));
}

int
main (int argc, char **argv)
{
  const char *name;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("datagems-cli");

  if (argc < 2)
    {
      print_help (stderr);
      return DG_CLI_EXIT_USAGE;
    }

  name = argv[1];
  if (g_str_equal (name, "--help") || g_str_equal (name, "-h") || g_str_equal (name, "help"))
    {
      print_help (stdout);
      return DG_CLI_EXIT_OK;
    }
  if (g_str_equal (name, "--version") || g_str_equal (name, "version"))
    {
      printf ("datagems-cli %s\n", PACKAGE_VERSION);
      return DG_CLI_EXIT_OK;
    }

  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (commands[i].name, name))
      {
        /* GOptionContext's usage line names the program: make it "datagems-cli CMD". */
        g_autofree char *prgname = g_strdup_printf ("datagems-cli %s", name);

        g_set_prgname (prgname);
        return commands[i].run (argc - 1, argv + 1);
      }

  fprintf (stderr, _ ("datagems-cli: unknown command “%s”\n"), name);
  fprintf (stderr, "%s\n", _ ("Run “datagems-cli --help” to list the commands."));
  return DG_CLI_EXIT_USAGE;
}
