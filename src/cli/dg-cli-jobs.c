/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "dg-cli-job-run.h"
#include "dg-json-writer.h"

/* `datagems-cli jobs [--json]`: the user's jobs, most recently updated first. */
int
dg_cli_jobs (int argc, char **argv)
{
  g_autofree char *user = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_ ("Print the job records as a JSON array (upstream job-base shape)"), NULL },
    { "user", 'u', 0, G_OPTION_ARG_STRING, &user,
      N_ ("Act as this DataGems user (default: your login name)"), N_ ("NAME") },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (DgEngine) engine = NULL;
  g_autoptr (GPtrArray) jobs = NULL;
  g_autofree char *owner = NULL;
  GError *error = NULL;
  int status;

  g_option_context_set_summary (context, _ ("List your jobs."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!dg_cli_parse (context, &argc, &argv, "jobs", &status))
    return status;
  if (argc > 1)
    return dg_cli_usage_error ("jobs", _ ("Unexpected argument “%s”"), argv[1]);

  engine = dg_cli_job_engine (0, NULL, &error);
  if (engine == NULL)
    return dg_cli_fail (error);
  owner = dg_cli_job_owner (user);
  jobs = dg_engine_list_jobs (engine, owner, &error);
  if (jobs == NULL)
    return dg_cli_fail (error);

  if (json)
    {
      g_autoptr (JsonArray) array = json_array_new ();
      g_autoptr (JsonNode) node = json_node_new (JSON_NODE_ARRAY);
      g_autofree char *text = NULL;

      for (guint i = 0; i < jobs->len; i++)
        json_array_add_object_element (
            array, json_object_ref (((DgJob *) g_ptr_array_index (jobs, i))->base));
      json_node_set_array (node, array);
      text = dg_json_to_string (node, DG_JSON_WRITE_PRETTY);
      printf ("%s\n", text);
      return DG_CLI_EXIT_OK;
    }

  if (jobs->len == 0)
    {
      fprintf (stderr, _ ("No jobs yet for %s.\n"), owner);
      return DG_CLI_EXIT_OK;
    }
  printf ("%-26s %-10s %15s  %-24s  %s\n", _ ("JOB"), _ ("STATUS"), _ ("DONE/TOTAL"), _ ("UPDATED"),
          _ ("TITLE"));
  for (guint i = 0; i < jobs->len; i++)
    {
      DgJob *job = g_ptr_array_index (jobs, i);
      g_autofree char *done = g_strdup_printf ("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                                               dg_job_get_processed (job), job->total_records);

      printf ("%-26s %-10s %15s  %-24s  %s\n", job->id, dg_job_status_to_string (job->status), done,
              job->updated_at, job->title);
    }
  return DG_CLI_EXIT_OK;
}
