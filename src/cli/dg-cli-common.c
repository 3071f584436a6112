/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "dg-cli-commands.h"
#include "dg-json-reader.h"

/**
 * dg_cli_load_config:
 *
 * Resolves DataGems' settings from this process's environment.
 */
DgConfig *
dg_cli_load_config (GError **error)
{
  return dg_config_new_from_environ (NULL, error);
}

DgStore *
dg_cli_open_store (DgConfig *config, GError **error)
{
  return dg_store_open (config->database_path, error);
}

/**
 * dg_cli_load_json_file:
 * @path: a file name from the command line
 *
 * Reads and strictly parses a JSON file; a parse error names the file.
 *
 * Returns: (transfer full) (nullable): the JSON value, or %NULL with @error set
 */
JsonNode *
dg_cli_load_json_file (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  g_autoptr (GError) local_error = NULL;
  gsize length;
  JsonNode *node;

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  node = dg_json_parse (contents, length, &local_error);
  if (node == NULL)
    g_set_error (error, local_error->domain, local_error->code, "%s: %s", path,
                 local_error->message);
  return node;
}

/* Prints @error the way every command reports failure, and frees it. */
int
dg_cli_fail (GError *error)
{
  fprintf (stderr, "datagems-cli: %s\n", error->message);
  g_error_free (error);
  return DG_CLI_EXIT_FAILURE;
}

int
dg_cli_usage_error (const char *command, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "datagems-cli %s: %s\n", command, message);
  fprintf (stderr, _ ("Try “datagems-cli %s --help”.\n"), command);
  return DG_CLI_EXIT_USAGE;
}

/* Parses options; on failure sets *exit_status to the usage error status. */
gboolean
dg_cli_parse (GOptionContext *context, int *argc, char ***argv, const char *command,
              int *exit_status)
{
  g_autoptr (GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *exit_status = dg_cli_usage_error (command, "%s", error->message);
      return FALSE;
    }
  return TRUE;
}
