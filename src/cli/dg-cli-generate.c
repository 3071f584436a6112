/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "dg-cli-job-run.h"

/*
 * `datagems-cli generate`: a dataset from a description (drafted by the
 * configured model, or from the built-in templates without one) or from a
 * JSON Schema file, then run here with a live progress bar, then written to
 * --output. Ctrl-C pauses; `datagems-cli resume JOB` continues.
 */

typedef struct
{
  GMainLoop *loop;
  DgDraft *draft;
  GError *error;
} DraftWait;

static void
on_drafted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  DraftWait *wait = user_data;

  wait->draft = dg_engine_draft_finish (DG_ENGINE (source), result, &wait->error);
  g_main_loop_quit (wait->loop);
}

int
dg_cli_generate (int argc, char **argv)
{
  g_autofree char *title = NULL;
  g_autofree char *description = NULL;
  g_autofree char *instructions = NULL;
  g_autofree char *schema_path = NULL;
  g_autofree char *backend = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *model = NULL;
  g_autofree char *output = NULL;
  g_autofree char *user = NULL;
  g_autofree char *seed_text = NULL;
  gint64 records = 10;
  int concurrency = 0;
  int max_attempts = 0;
  gboolean dataset_mode = FALSE;
  gboolean distinct = FALSE;
  gboolean quiet = FALSE;
  int batch_records = 0;
  int batch_interval_ms = 0;
  const GOptionEntry entries[] = {
    { "description", 'd', 0, G_OPTION_ARG_STRING, &description,
      N_ ("What the dataset is about (drafts a schema)"), N_ ("TEXT") },
    { "instructions", 'i', 0, G_OPTION_ARG_STRING, &instructions,
      N_ ("How the records should look"), N_ ("TEXT") },
    { "schema", 's', 0, G_OPTION_ARG_FILENAME, &schema_path,
      N_ ("Use this JSON Schema instead of drafting one"), N_ ("FILE") },
    { "title", 't', 0, G_OPTION_ARG_STRING, &title, N_ ("The job's title"), N_ ("TEXT") },
    { "records", 'n', 0, G_OPTION_ARG_INT64, &records, N_ ("How many records (default 10)"), "N" },
    { "backend", 'b', 0, G_OPTION_ARG_STRING, &backend,
      N_ ("ratio1, openai or offline (default: the configured model, else offline)"), N_ ("NAME") },
    { "base-url", 0, 0, G_OPTION_ARG_STRING, &base_url,
      N_ ("The model server (default DATAGEN_INFERENCE_BASE_URL)"), N_ ("URL") },
    { "model", 'm', 0, G_OPTION_ARG_STRING, &model, N_ ("The model name to ask for"), N_ ("NAME") },
    { "concurrency", 'c', 0, G_OPTION_ARG_INT, &concurrency,
      N_ ("Requests in flight (default DATAGEMS_INFERENCE_CONCURRENCY)"), "N" },
    { "max-attempts", 0, 0, G_OPTION_ARG_INT, &max_attempts, N_ ("Model calls per record"), "N" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text, N_ ("Seed for repeatable runs"), "N" },
    { "dataset", 0, 0, G_OPTION_ARG_NONE, &dataset_mode,
      N_ ("Dataset mode: records with a ground-truth label"), NULL },
    { "distinct", 0, 0, G_OPTION_ARG_NONE, &distinct,
      N_ ("Regenerate exact duplicates so that records are distinct"), NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_ ("Write the records here; the format follows the extension (.json, .jsonl, .csv)"),
      N_ ("FILE") },
    { "user", 'u', 0, G_OPTION_ARG_STRING, &user,
      N_ ("Act as this DataGems user (default: your login name)"), N_ ("NAME") },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_ ("No progress output"), NULL },
    DG_CLI_RUNNER_OPTION_ENTRIES (batch_records, batch_interval_ms),
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  DgConfig *config;
  g_autoptr (DgEngine) engine = NULL;
  g_autoptr (DgDraft) draft = NULL;
  g_autoptr (JsonNode) schema = NULL;
  g_autoptr (JsonObject) inference = NULL;
  g_autoptr (JsonArray) details = NULL;
  g_autoptr (GPtrArray) warnings = NULL;
  g_autoptr (DgInferenceEndpoint) endpoint = NULL;
  g_autofree char *owner = NULL;
  g_autofree char *job_id = NULL;
  DgDraftRequest request = { 0 };
  DgConfirmRequest confirm = { 0 };
  DgExportFormat format;
  DgJobRunnerOptions runner_options = { 0 };
  DgInferenceBackend backend_kind = DG_INFERENCE_BACKEND_RATIO1;
  GError *error = NULL;
  int status;

  g_option_context_set_summary (
      context, _ ("Generate a dataset from a description or a JSON Schema, with live progress.\n"
                  "Ctrl-C pauses; “datagems-cli resume JOB” continues."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!dg_cli_parse (context, &argc, &argv, "generate", &status))
    return status;
  if (argc > 1)
    return dg_cli_usage_error ("generate", _ ("Unexpected argument “%s”"), argv[1]);
  if (schema_path == NULL && description == NULL)
    return dg_cli_usage_error ("generate", _ ("Give --description or --schema"));
  if (records < 1)
    return dg_cli_usage_error ("generate", _ ("--records must be at least 1"));
  if (concurrency < 0 || max_attempts < 0)
    return dg_cli_usage_error ("generate", _ ("--concurrency and --max-attempts are positive"));
  if (backend != NULL && !dg_inference_backend_from_string (backend, &backend_kind))
    return dg_cli_usage_error ("generate", _ ("Unknown backend “%s” (ratio1, openai, offline)"),
                               backend);
  if (output != NULL && !dg_export_format_from_path (output, &format, &error))
    return dg_cli_job_usage_error ("generate", NULL, error);
  if (seed_text != NULL)
    {
      guint64 seed;

      if (!g_ascii_string_to_unsigned (seed_text, 10, 0, (G_GUINT64_CONSTANT (1) << 53) - 1, &seed,
                                       &error))
        return dg_cli_job_usage_error ("generate", "--seed: ", error);
      confirm.has_seed = TRUE;
      confirm.seed = seed;
    }
  if (schema_path != NULL)
    {
      schema = dg_cli_load_json_file (schema_path, &error);
      if (schema == NULL)
        return dg_cli_fail (error);
    }

  runner_options.batch_records = (guint) MAX (batch_records, 0);
  runner_options.batch_interval_ms = (guint) MAX (batch_interval_ms, 0);
  engine = dg_cli_job_engine ((guint) concurrency, &runner_options, &error);
  if (engine == NULL)
    return dg_cli_fail (error);
  config = dg_engine_get_config (engine);
  owner = dg_cli_job_owner (user);

  /* The model: the configured one, or the server and model given here. */
  if (base_url != NULL || model != NULL ||
      (backend != NULL && backend_kind != DG_INFERENCE_BACKEND_OFFLINE))
    {
      inference = json_object_new ();
      json_object_set_boolean_member (inference, "useExternalApi", base_url != NULL);
      json_object_set_string_member (inference, "baseUrl",
                                     base_url != NULL ? base_url
                                     : config->inference_base_url != NULL
                                         ? config->inference_base_url
                                         : "");
      if (model != NULL)
        json_object_set_string_member (inference, "model", model);
    }
  endpoint = backend != NULL && backend_kind == DG_INFERENCE_BACKEND_OFFLINE
                 ? dg_inference_endpoint_new (DG_INFERENCE_BACKEND_OFFLINE, NULL)
                 : dg_inference_endpoint_resolve (config, backend != NULL ? (int) backend_kind : -1,
                                                  base_url, NULL, model, NULL, NULL,
                                                  DG_URL_POLICY_ALLOW_PRIVATE);

  request.title = title != NULL ? title
                  : schema != NULL && JSON_NODE_HOLDS_OBJECT (schema) &&
                          json_object_get_string_member_with_default (json_node_get_object (schema),
                                                                      "title", NULL) != NULL
                      ? json_object_get_string_member (json_node_get_object (schema), "title")
                      : _ ("Command-line dataset");
  request.total_records = records;
  request.description = description != NULL ? description : request.title;
  request.instructions = instructions != NULL ? instructions
                         : description != NULL
                             ? description
                             : _ ("Realistic, varied records that follow the schema.");
  request.dataset_mode = dataset_mode;
  request.endpoint = endpoint;
  request.by_owner = TRUE; /* whoever runs the CLI owns the database (see DgConfig) */

  if (schema != NULL)
    draft = dg_engine_draft_from_schema (engine, owner, &request, schema, &error);
  else
    {
      g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
      DraftWait wait = { loop, NULL, NULL };

      if (!quiet)
        fprintf (stderr, _ ("Drafting a schema…\n"));
      dg_engine_draft_async (engine, owner, &request, NULL, on_drafted, &wait);
      g_main_loop_run (loop);
      draft = wait.draft;
      error = wait.error;
      if (draft != NULL && draft->template_id != NULL && !quiet)
        fprintf (stderr, _ ("No model is configured: using the built-in “%s” template.\n"),
                 draft->template_id);
    }
  if (draft == NULL)
    return dg_cli_fail (error);

  confirm.token = draft->token;
  confirm.backend = backend;
  confirm.inference = inference;
  confirm.allow_private_urls = TRUE; /* a local user may use local model servers */
  confirm.concurrency = (guint) concurrency;
  confirm.max_attempts = (guint) max_attempts;
  confirm.regenerate_duplicates = distinct;
  job_id = dg_engine_confirm (engine, owner, &confirm, &details, &warnings, &error);
  for (guint i = 0; warnings != NULL && i < warnings->len && !quiet; i++)
    fprintf (stderr, _ ("Schema fixed: %s\n"), (const char *) g_ptr_array_index (warnings, i));
  if (job_id == NULL)
    {
      for (guint i = 0; details != NULL && i < json_array_get_length (details); i++)
        {
          JsonObject *entry = json_array_get_object_element (details, i);

          fprintf (stderr, "  %s: %s\n",
                   *json_object_get_string_member (entry, "path") != '\0'
                       ? json_object_get_string_member (entry, "path")
                       : "/",
                   json_object_get_string_member (entry, "message"));
        }
      return dg_cli_fail (error);
    }
  if (!quiet)
    fprintf (stderr, _ ("Job %s: %" G_GINT64_FORMAT " records\n"), job_id, records);
  printf ("%s\n", job_id);
  fflush (stdout);

  status = dg_cli_job_follow (engine, owner, job_id, output, quiet);
  dg_engine_shutdown (engine);
  return status;
}
