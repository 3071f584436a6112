/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-inference"

#include "config.h"

#include "dg-inference-private.h"
#include "dg-offline.h"
#include "dg-templates.h"

/*
 * The offline backend, no HTTP: records from dg-offline, schema drafts from dg-templates. The
 * generator is compiled once per shared request (once per job when the runner uses a template
 * request) and is thread-safe.
 */

typedef struct
{
  DgOfflineGenerator *generator;
  char *error; /* the schema could not be compiled: every record fails the same way */
} OfflineState;

static void
offline_state_free (gpointer data)
{
  OfflineState *state = data;

  g_clear_pointer (&state->generator, dg_offline_generator_unref);
  g_free (state->error);
  g_free (state);
}

static OfflineState *
offline_state (DgInferenceShared *shared)
{
  OfflineState *state;

  g_mutex_lock (&shared->lock);
  state = shared->offline;
  if (state == NULL)
    {
      g_autoptr (GError) error = NULL;

      state = g_new0 (OfflineState, 1);
      if (shared->schema == NULL)
        state->error = g_strdup ("The offline generator needs the job's JSON Schema");
      else if ((state->generator = dg_offline_generator_new (shared->schema, &error)) == NULL)
        state->error = g_strdup_printf ("Offline generator: %s", error->message);
      shared->offline = state;
      shared->offline_free = offline_state_free;
    }
  g_mutex_unlock (&shared->lock);
  return state;
}

JsonNode *
dg_inference_offline_run (DgInferenceShared *shared, gint64 index, guint64 seed, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  OfflineState *state;
  JsonNode *record;

  if (shared->kind == DG_INFERENCE_KIND_SCHEMA)
    {
      /* No model to draft with: the built-in template that best matches the request. */
      g_autofree char *text =
          g_strjoin ("\n", shared->draft_title != NULL ? shared->draft_title : "",
                     shared->draft_description != NULL ? shared->draft_description : "",
                     shared->draft_instructions != NULL ? shared->draft_instructions : "", NULL);

      return dg_templates_suggest_schema (text, NULL);
    }

  state = offline_state (shared);
  if (state->error != NULL)
    {
      g_set_error_literal (error, DG_INFERENCE_ERROR, DG_INFERENCE_ERROR_OFFLINE, state->error);
      return NULL;
    }
  record = dg_offline_generator_generate (state->generator, seed, MAX (index, 0), &local_error);
  if (record == NULL)
    g_set_error (error, DG_INFERENCE_ERROR, DG_INFERENCE_ERROR_OFFLINE, "Offline generator: %s",
                 local_error->message);
  return record;
}
