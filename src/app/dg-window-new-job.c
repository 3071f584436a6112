/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-app"

#include "config.h"

#include <glib/gi18n.h>

#include "dg-templates.h"
#include "dg-window-private.h"

/*
 * The new-job page of the window: model servers and profiles, drafting (cancellable, with
 * a time/token estimate), templates and confirming. Everything slow is an engine or
 * profiles _async call.
 */

/* Profile ids of the new-job page. */
#define PROFILE_DEFAULT "default"
#define PROFILE_OFFLINE "offline"
/* Object data of the window: the DgProfileSettings listed for the new-job page. */
#define USER_PROFILES_KEY "dg-user-profiles"

static gboolean
is_user_profile (const char *id)
{
  return id != NULL && g_strcmp0 (id, PROFILE_DEFAULT) != 0 && g_strcmp0 (id, PROFILE_OFFLINE) != 0;
}

/* ---- the new-job page ---- */

static void
on_models_listed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DgWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonArray) models =
      dg_inference_list_models_finish (DG_INFERENCE (source), result, &error);
  g_autoptr (GStrvBuilder) names = g_strv_builder_new ();
  g_auto (GStrv) list = NULL;

  if (dg_window_is_closed (self))
    return;
  if (models == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        dg_job_editor_set_message (self->job_editor, error->message, TRUE);
      return;
    }
  /* Entries are names or objects such as {"id": "gpt-4o", …} (upstream 1.17). */
  for (guint i = 0; i < json_array_get_length (models); i++)
    {
      JsonNode *node = json_array_get_element (models, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_strv_builder_add (names, json_node_get_string (node));
      else if (JSON_NODE_HOLDS_OBJECT (node) &&
               json_object_has_member (json_node_get_object (node), "id"))
        g_strv_builder_add (names, json_object_get_string_member_with_default (
                                       json_node_get_object (node), "id", ""));
    }
  list = g_strv_builder_end (names);
  dg_job_editor_set_models (self->job_editor, (const char *const *) list);
}

static DgInferenceEndpoint *
selected_endpoint (DgWindow *self, GError **error)
{
  DgConfig *config = dg_application_get_config (dg_window_get_app (self));
  g_autoptr (JsonObject) params = dg_job_editor_dup_parameters (self->job_editor, error);

  if (params == NULL && error != NULL && *error != NULL)
    return NULL;
  if (g_strcmp0 (dg_job_editor_get_profile_id (self->job_editor), PROFILE_OFFLINE) == 0)
    return dg_inference_endpoint_new (DG_INFERENCE_BACKEND_OFFLINE, NULL);
  /* The desktop user may point at local model servers (the local-first case). */
  return dg_inference_endpoint_resolve (config, -1, NULL, NULL,
                                        dg_job_editor_get_model (self->job_editor), NULL, params,
                                        DG_URL_POLICY_ALLOW_PRIVATE);
}

static void
on_profile_changed (DgWindow *self)
{
  g_autoptr (DgInferenceEndpoint) endpoint = NULL;

  dg_job_editor_set_models (self->job_editor, NULL);
  /* The offline generator has no models to choose from. */
  dg_job_editor_set_model_visible (
      self->job_editor,
      g_strcmp0 (dg_job_editor_get_profile_id (self->job_editor), PROFILE_DEFAULT) == 0);
  if (g_strcmp0 (dg_job_editor_get_profile_id (self->job_editor), PROFILE_DEFAULT) != 0)
    return;
  endpoint = selected_endpoint (self, NULL);
  if (endpoint == NULL ||
      dg_inference_endpoint_get_backend (endpoint) == DG_INFERENCE_BACKEND_OFFLINE)
    return;
  dg_inference_list_models_async (dg_engine_get_inference (dg_window_get_engine (self)), endpoint,
                                  self->jobs_cancellable, on_models_listed, g_object_ref (self));
}

/* The user's model servers (the one in use first), then the configured server and the
 * offline generator. */
static void
set_profiles (DgWindow *self, const DgProfileSettings *settings)
{
  DgConfig *config = dg_application_get_config (dg_window_get_app (self));
  g_autoptr (DgInferenceEndpoint) configured = NULL;
  g_autoptr (GStrvBuilder) ids = g_strv_builder_new ();
  g_autoptr (GStrvBuilder) names = g_strv_builder_new ();
  g_auto (GStrv) id_list = NULL;
  g_auto (GStrv) name_list = NULL;

  if (settings != NULL && settings->active != NULL)
    {
      g_strv_builder_add (ids, settings->active->id);
      g_strv_builder_add (names, settings->active->name);
    }
  for (guint i = 0; settings != NULL && i < settings->profiles->len; i++)
    {
      const DgProfile *p = g_ptr_array_index (settings->profiles, i);

      if (p == settings->active)
        continue;
      g_strv_builder_add (ids, p->id);
      g_strv_builder_add (names, p->name);
    }
  configured = dg_inference_endpoint_resolve (config, -1, NULL, NULL, NULL, NULL, NULL,
                                              DG_URL_POLICY_ALLOW_PRIVATE);
  if (dg_inference_endpoint_get_backend (configured) != DG_INFERENCE_BACKEND_OFFLINE)
    {
      /* Translators: %s is a URL */
      g_autofree char *default_name = g_strdup_printf (
          _ ("Configured model server (%s)"), dg_inference_endpoint_get_base_url (configured));

      g_strv_builder_add (ids, PROFILE_DEFAULT);
      g_strv_builder_add (names, default_name);
    }
  /* Without a model: templates and the offline generator. */
  g_strv_builder_add (ids, PROFILE_OFFLINE);
  g_strv_builder_add (names, _ ("Offline generator"));
  id_list = g_strv_builder_end (ids);
  name_list = g_strv_builder_end (names);
  dg_job_editor_set_profiles (self->job_editor, (const char *const *) id_list,
                              (const char *const *) name_list);
  on_profile_changed (self);
}

static void
on_user_profiles_listed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DgWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  DgProfileSettings *settings = dg_profiles_settings_finish (DG_PROFILES (source), result, &error);

  if (settings == NULL)
    {
      if (!dg_window_is_closed (self) && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        dg_job_editor_set_message (self->job_editor, error->message, TRUE);
      return;
    }
  /* Kept for confirm: the public view only (no keys). */
  g_object_set_data_full (G_OBJECT (self), USER_PROFILES_KEY, settings,
                          (GDestroyNotify) dg_profile_settings_free);
  if (!dg_window_is_closed (self) && settings->profiles->len > 0)
    set_profiles (self, settings);
}

void
dg_window_new_job (DgWindow *self)
{
  DgApplication *app = dg_window_get_app (self);
  DgConfig *config = dg_application_get_config (app);

  if (self->session == NULL)
    return;

  g_clear_pointer (&self->draft, dg_draft_unref);
  dg_job_editor_reset (self->job_editor, g_settings_get_int (self->settings, "default-records"),
                       g_settings_get_boolean (self->settings, "default-dataset-mode"));
  dg_job_editor_set_max_records (self->job_editor, config->owner_max_records_per_job);
  g_object_set_data (G_OBJECT (self), USER_PROFILES_KEY, NULL);
  set_profiles (self, NULL);
  if (dg_application_get_profiles (app) != NULL)
    dg_profiles_list_async (dg_application_get_profiles (app), dg_window_get_owner (self),
                            self->jobs_cancellable, on_user_profiles_listed, g_object_ref (self));

  g_clear_pointer (&self->opened_job_id, g_free);
  adw_window_title_set_title (self->content_title, _ ("New Job"));
  gtk_stack_set_visible_child_name (self->content_stack, "editor");
  adw_leaflet_set_visible_child (self->leaflet, self->content);
  gtk_single_selection_set_selected (self->jobs_selection, GTK_INVALID_LIST_POSITION);
}

static char *
format_estimate (DgWindow *self, const DgDraft *draft, gint64 records)
{
  guint concurrency = MAX (1, (guint) g_settings_get_int (self->settings, "default-concurrency"));
  GString *text = g_string_new (NULL);
  double seconds;

  /* Translators: %.1f is seconds */
  g_string_append_printf (text, _ ("Drafted in %.1f s"), draft->duration_ms / 1000.0);
  if (draft->model != NULL)
    g_string_append_printf (text, " · %s", draft->model);
  if (g_strcmp0 (draft->backend, "offline") == 0)
    {
      g_string_append (text, " · ");
      g_string_append (text, _ ("offline generator: no model time, no tokens"));
      return g_string_free (text, FALSE);
    }

  /* A record call costs about what the draft call cost; N of them, C at a time. */
  seconds = (double) draft->duration_ms / 1000.0 * (double) records / (double) concurrency;
  g_string_append (text, " · ");
  if (seconds < 120)
    g_string_append_printf (text, _ ("about %.0f s for %lld records"), seconds,
                            (long long) records);
  else
    g_string_append_printf (text, _ ("about %.0f min for %lld records"), seconds / 60,
                            (long long) records);
  if (draft->prompt_tokens >= 0 && draft->completion_tokens >= 0)
    {
      g_string_append (text, " · ");
      g_string_append_printf (
          text, _ ("about %lld tokens"),
          (long long) ((draft->prompt_tokens + draft->completion_tokens) * records));
    }
  return g_string_free (text, FALSE);
}

static void
on_drafted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DgWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (DgDraft) draft = dg_engine_draft_finish (DG_ENGINE (source), result, &error);
  g_autofree char *estimate = NULL;

  if (dg_window_is_closed (self))
    return;
  dg_job_editor_set_drafting (self->job_editor, FALSE);
  if (draft == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        dg_job_editor_set_message (self->job_editor, _ ("Drafting was cancelled"), FALSE);
      else
        dg_job_editor_set_message (self->job_editor, error->message, TRUE);
      return;
    }
  g_clear_pointer (&self->draft, dg_draft_unref);
  self->draft = dg_draft_ref (draft);
  estimate = format_estimate (self, draft, dg_job_editor_get_records (self->job_editor));
  dg_job_editor_set_schema (self->job_editor, draft->sanitized_schema, estimate);
  if (draft->warnings != NULL && draft->warnings->len > 0)
    {
      g_autofree char *joined = NULL;

      g_ptr_array_add (draft->warnings, NULL);
      joined = g_strjoinv ("\n", (char **) draft->warnings->pdata);
      g_ptr_array_remove_index (draft->warnings, draft->warnings->len - 1);
      dg_job_editor_set_message (self->job_editor, joined, FALSE);
    }
}

static void
fill_request (DgWindow *self, DgDraftRequest *request, char **instructions)
{
  *instructions = dg_job_editor_dup_instructions (self->job_editor);
  request->title = dg_job_editor_get_title (self->job_editor);
  request->total_records = dg_job_editor_get_records (self->job_editor);
  request->description = dg_job_editor_get_description (self->job_editor);
  request->instructions = *instructions;
  request->dataset_mode = dg_job_editor_get_dataset_mode (self->job_editor);
  request->previous_token = self->draft ? self->draft->token : NULL;
  /* Whoever signs in at this workstation owns its database (see DgConfig). */
  request->by_owner = TRUE;
}

static void
start_draft (DgWindow *self, DgInferenceEndpoint *endpoint)
{
  g_autofree char *instructions = NULL;
  DgDraftRequest request = { 0 };

  fill_request (self, &request, &instructions);
  request.endpoint = endpoint;
  dg_job_editor_set_drafting (self->job_editor, TRUE);
  dg_engine_draft_async (dg_window_get_engine (self), dg_window_get_owner (self), &request,
                         self->draft_cancellable, on_drafted, g_object_ref (self));
}

static void
on_profile_endpoint (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DgWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (DgInferenceEndpoint) endpoint =
      dg_profiles_endpoint_finish (DG_PROFILES (source), result, &error);

  if (dg_window_is_closed (self))
    return;
  if (endpoint == NULL || g_cancellable_is_cancelled (self->draft_cancellable))
    {
      dg_job_editor_set_drafting (self->job_editor, FALSE);
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        dg_job_editor_set_message (self->job_editor, error->message, TRUE);
      return;
    }
  start_draft (self, endpoint);
}

static void
on_editor_draft (DgWindow *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DgInferenceEndpoint) endpoint = NULL;
  const char *profile_id = dg_job_editor_get_profile_id (self->job_editor);

  g_clear_object (&self->draft_cancellable);
  self->draft_cancellable = g_cancellable_new ();
  if (is_user_profile (profile_id))
    {
      g_autoptr (JsonObject) params = dg_job_editor_dup_parameters (self->job_editor, &error);

      if (params == NULL && error != NULL)
        {
          dg_job_editor_set_message (self->job_editor, error->message, TRUE);
          return;
        }
      /* The key is decrypted off the main loop. */
      dg_job_editor_set_drafting (self->job_editor, TRUE);
      dg_profiles_endpoint_async (dg_application_get_profiles (dg_window_get_app (self)),
                                  dg_window_get_owner (self), profile_id, params,
                                  DG_URL_POLICY_ALLOW_PRIVATE, self->draft_cancellable,
                                  on_profile_endpoint, g_object_ref (self));
      return;
    }
  endpoint = selected_endpoint (self, &error);
  if (endpoint == NULL)
    {
      dg_job_editor_set_message (self->job_editor, error->message, TRUE);
      return;
    }
  start_draft (self, endpoint);
}

static void
on_editor_cancel_draft (DgWindow *self)
{
  if (self->draft_cancellable != NULL)
    g_cancellable_cancel (self->draft_cancellable);
}

static void
on_editor_template (DgWindow *self, const char *template_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) schema = dg_templates_get_schema (template_id, &error);

  if (schema == NULL)
    {
      dg_job_editor_set_message (self->job_editor, error->message, TRUE);
      return;
    }
  /* A template is confirmed through a draft signed for it at confirm time. */
  g_clear_pointer (&self->draft, dg_draft_unref);
  dg_job_editor_set_schema (self->job_editor, schema, NULL);
  dg_job_editor_set_message (self->job_editor, NULL, FALSE);
}

static void
on_confirmed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DgWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonArray) details = NULL;
  g_autofree char *job_id = NULL;

  self->confirming = FALSE;
  job_id = dg_engine_confirm_finish (DG_ENGINE (source), result, &details, NULL, &error);
  if (dg_window_is_closed (self))
    return;
  if (job_id == NULL)
    {
      g_autoptr (GString) text = g_string_new (error->message);

      for (guint i = 0; details != NULL && i < json_array_get_length (details); i++)
        {
          JsonObject *detail = json_array_get_object_element (details, i);

          g_string_append_printf (
              text, "\n%s: %s", json_object_get_string_member_with_default (detail, "path", ""),
              json_object_get_string_member_with_default (detail, "message", ""));
        }
      dg_job_editor_set_message (self->job_editor, text->str, TRUE);
      return;
    }
  g_clear_pointer (&self->draft, dg_draft_unref);
  dg_window_add_toast (self, _ ("Job started"), NULL, NULL, NULL);
  dg_window_open_job (self, job_id);
}

static void
on_editor_confirm (DgWindow *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) schema = dg_job_editor_dup_schema (self->job_editor, &error);
  DgConfirmRequest request = { 0 };
  const char *profile_id = dg_job_editor_get_profile_id (self->job_editor);
  gboolean offline = g_strcmp0 (profile_id, PROFILE_OFFLINE) == 0;
  g_autoptr (JsonObject) inference = NULL;

  if (schema == NULL || self->confirming)
    {
      if (error != NULL)
        dg_job_editor_set_message (self->job_editor, error->message, TRUE);
      return;
    }

  if (self->draft == NULL)
    {
      DgDraftRequest draft_request = { 0 };
      g_autofree char *instructions = NULL;

      fill_request (self, &draft_request, &instructions);
      self->draft = dg_engine_draft_from_schema (
          dg_window_get_engine (self), dg_window_get_owner (self), &draft_request, schema, &error);
      if (self->draft == NULL)
        {
          dg_job_editor_set_message (self->job_editor, error->message, TRUE);
          return;
        }
    }

  if (is_user_profile (profile_id))
    {
      DgProfileSettings *settings = g_object_get_data (G_OBJECT (self), USER_PROFILES_KEY);
      const DgProfile *profile =
          settings != NULL ? dg_profile_settings_find (settings, profile_id) : NULL;

      /* The runner takes the profile's current server and key when the job runs; its base
       * URL here lets confirm check it and record the backend. */
      inference = json_object_new ();
      json_object_set_boolean_member (inference, "useExternalApi", TRUE);
      json_object_set_string_member (inference, "profileId", profile_id);
      if (profile != NULL && profile->base_url != NULL)
        json_object_set_string_member (inference, "baseUrl", profile->base_url);
    }
  request.inference = inference;
  request.token = self->draft->token;
  request.schema = schema;
  request.backend = offline ? "offline" : NULL;
  request.allow_private_urls = TRUE;
  request.concurrency = 0; /* follow the instance budget (the preference), even if it changes */
  self->confirming = TRUE;
  dg_engine_confirm_async (dg_window_get_engine (self), dg_window_get_owner (self), &request,
                           self->jobs_cancellable, on_confirmed, g_object_ref (self));
}

void
dg_window_new_job_init (DgWindow *self)
{
  g_signal_connect_object (self->job_editor, "draft", G_CALLBACK (on_editor_draft), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->job_editor, "cancel-draft", G_CALLBACK (on_editor_cancel_draft),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->job_editor, "template", G_CALLBACK (on_editor_template), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->job_editor, "confirm", G_CALLBACK (on_editor_confirm), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->job_editor, "profile-changed", G_CALLBACK (on_profile_changed),
                           self, G_CONNECT_SWAPPED);

  {
    guint n = 0;
    const DgTemplate *templates = dg_templates_list (&n);

    for (guint i = 0; i < n; i++)
      if (g_strcmp0 (templates[i].id, DG_TEMPLATE_BLANK_ID) != 0)
        dg_job_editor_add_template (self->job_editor, templates[i].id,
                                    dg_template_get_title (&templates[i]));
  }
}
