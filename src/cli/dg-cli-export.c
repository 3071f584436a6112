/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "dg-cli-job-run.h"

/*
 * `datagems-cli export JOB --format json|jsonl|csv [--with-index] [--output FILE]`:
 * streams a job's records to a file or to standard output.
 */
int
dg_cli_export (int argc, char **argv)
{
  g_autofree char *format_name = NULL;
  g_autofree char *output = NULL;
  g_autofree char *user = NULL;
  gboolean with_index = FALSE;
  gboolean partial = FALSE;
  const GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name,
      N_ ("json, jsonl or csv (default: from the --output extension)"), N_ ("FORMAT") },
    { "with-index", 0, 0, G_OPTION_ARG_NONE, &with_index,
      N_ ("JSONL lines as {\"i\": index, \"data\": record}"), NULL },
    { "partial", 0, 0, G_OPTION_ARG_NONE, &partial,
      N_ ("Export an unfinished job (what is stored so far)"), NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_ ("Write to this file (default: standard output)"), N_ ("FILE") },
    { "user", 'u', 0, G_OPTION_ARG_STRING, &user,
      N_ ("Act as this DataGems user (default: your login name)"), N_ ("NAME") },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new (_ ("JOB"));
  g_autoptr (DgEngine) engine = NULL;
  g_autofree char *owner = NULL;
  DgExportFormat format;
  DgEngineExportFlags flags = DG_ENGINE_EXPORT_NONE;
  GError *error = NULL;
  int status;

  g_option_context_set_summary (context, _ ("Export a job's records as JSON, JSONL or CSV."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!dg_cli_parse (context, &argc, &argv, "export", &status))
    return status;
  if (argc != 2)
    return dg_cli_usage_error ("export", _ ("Give one job id"));
  if (format_name != NULL)
    {
      if (!dg_export_format_from_string (format_name, &format, &error))
        return dg_cli_job_usage_error ("export", NULL, error);
    }
  else if (output == NULL || g_str_equal (output, "-"))
    return dg_cli_usage_error ("export", _ ("Give --format (json, jsonl or csv)"));
  else if (!dg_export_format_from_path (output, &format, &error))
    return dg_cli_job_usage_error ("export", NULL, error);
  if (with_index && format != DG_EXPORT_FORMAT_JSONL)
    return dg_cli_usage_error ("export", _ ("--with-index applies to the jsonl format"));
  if (with_index)
    flags |= DG_ENGINE_EXPORT_WITH_INDEX;
  if (partial)
    flags |= DG_ENGINE_EXPORT_PARTIAL;

  engine = dg_cli_job_engine (0, NULL, &error);
  if (engine == NULL)
    return dg_cli_fail (error);
  owner = dg_cli_job_owner (user);

  if (!dg_cli_job_export (engine, owner, argv[1], format, flags, output, &error))
    {
      if (g_error_matches (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_NOT_COMPLETED))
        {
          fprintf (stderr, "datagems-cli: %s (%s)\n", error->message,
                   _ ("use --partial to export what is stored so far"));
          g_error_free (error);
          return DG_CLI_EXIT_FAILURE;
        }
      return dg_cli_fail (error);
    }
  return DG_CLI_EXIT_OK;
}
