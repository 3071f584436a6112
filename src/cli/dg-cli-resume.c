/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "dg-cli-job-run.h"

/*
 * `datagems-cli resume JOB`: continues a job paused with Ctrl-C, or one whose
 * process was killed: the runner reads what is stored and asks only for the rest.
 */
int
dg_cli_resume (int argc, char **argv)
{
  g_autofree char *output = NULL;
  g_autofree char *user = NULL;
  int concurrency = 0;
  gboolean quiet = FALSE;
  int batch_records = 0;
  int batch_interval_ms = 0;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_ ("Write the records here when done; the format follows the extension"), N_ ("FILE") },
    { "concurrency", 'c', 0, G_OPTION_ARG_INT, &concurrency, N_ ("Requests in flight"), "N" },
    { "user", 'u', 0, G_OPTION_ARG_STRING, &user,
      N_ ("Act as this DataGems user (default: your login name)"), N_ ("NAME") },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_ ("No progress output"), NULL },
    DG_CLI_RUNNER_OPTION_ENTRIES (batch_records, batch_interval_ms),
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new (_ ("JOB"));
  g_autoptr (DgEngine) engine = NULL;
  g_autoptr (DgJob) job = NULL;
  g_autofree char *owner = NULL;
  DgExportFormat format;
  DgJobRunnerOptions runner_options = { 0 };
  GError *error = NULL;
  int status;

  g_option_context_set_summary (context, _ ("Continue a paused or interrupted job."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!dg_cli_parse (context, &argc, &argv, "resume", &status))
    return status;
  if (argc != 2)
    return dg_cli_usage_error ("resume", _ ("Give one job id"));
  if (concurrency < 0)
    return dg_cli_usage_error ("resume", _ ("--concurrency is positive"));
  if (output != NULL && !dg_export_format_from_path (output, &format, &error))
    return dg_cli_job_usage_error ("resume", NULL, error);

  runner_options.batch_records = (guint) MAX (batch_records, 0);
  runner_options.batch_interval_ms = (guint) MAX (batch_interval_ms, 0);
  engine = dg_cli_job_engine ((guint) concurrency, &runner_options, &error);
  if (engine == NULL)
    return dg_cli_fail (error);
  owner = dg_cli_job_owner (user);

  job = dg_engine_get_job (engine, owner, argv[1], &error);
  if (job == NULL)
    return dg_cli_fail (error);
  switch (job->status)
    {
    case DG_JOB_STATUS_PAUSED:
      /* Marked running again; the runner below picks it up. */
      if (!dg_engine_control (engine, owner, job->id, DG_JOB_ACTION_RESUME, &error))
        return dg_cli_fail (error);
      break;
    case DG_JOB_STATUS_QUEUED:
    case DG_JOB_STATUS_RUNNING:
      break; /* interrupted (killed): just run it */
    case DG_JOB_STATUS_SUCCEEDED:
      if (!quiet)
        fprintf (stderr, _ ("Job %s has already succeeded.\n"), job->id);
      if (output != NULL && !dg_cli_job_export (engine, owner, job->id, format,
                                                DG_ENGINE_EXPORT_NONE, output, &error))
        return dg_cli_fail (error);
      return DG_CLI_EXIT_OK;
    case DG_JOB_STATUS_FAILED:
    case DG_JOB_STATUS_CANCELLED:
    default:
      fprintf (stderr,
               _ ("datagems-cli: job %s is %s and cannot be resumed (its failed records can be "
                  "retried from the app)\n"),
               job->id, dg_job_status_to_string (job->status));
      return DG_CLI_EXIT_FAILURE;
    }

  status = dg_cli_job_follow (engine, owner, job->id, output, quiet);
  dg_engine_shutdown (engine);
  return status;
}
