/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-engine"

#include "config.h"

#include "dg-engine-private.h"
#include "dg-json-copy.h"
#include "dg-offline.h"
#include "dg-prompts.h"
#include "dg-schema-draft.h"
#include "dg-templates.h"
#include "dg-util.h"

/* Drafting and confirming: from "describe a dataset" to a queued job. */

static void
draft_free (DgDraft *draft)
{
  g_clear_pointer (&draft->schema, json_node_unref);
  g_clear_pointer (&draft->sanitized_schema, json_node_unref);
  g_clear_pointer (&draft->warnings, g_ptr_array_unref);
  g_clear_pointer (&draft->issues, json_array_unref);
  g_free (draft->token);
  g_free (draft->generated_at);
  g_free (draft->backend);
  g_free (draft->model);
  g_free (draft->template_id);
  g_free (draft);
}

DgDraft *
dg_draft_ref (DgDraft *draft)
{
  g_return_val_if_fail (draft != NULL, NULL);
  g_atomic_ref_count_inc (&draft->ref_count);
  return draft;
}

void
dg_draft_unref (DgDraft *draft)
{
  g_return_if_fail (draft != NULL);
  if (g_atomic_ref_count_dec (&draft->ref_count))
    draft_free (draft);
}

G_DEFINE_BOXED_TYPE (DgDraft, dg_draft, dg_draft_ref, dg_draft_unref)

/**
 * dg_draft_to_json:
 *
 * Returns: the body of upstream's POST /api/tasks/schema answer.
 */
JsonObject *
dg_draft_to_json (const DgDraft *draft)
{
  JsonObject *object = json_object_new ();

  g_return_val_if_fail (draft != NULL, object);
  /* Drafts are shared between threads (atomic refcount): copy, never share, their JSON. */
  json_object_set_member (object, "schema", dg_json_copy (draft->schema));
  json_object_set_string_member (object, "schemaGeneratedAt", draft->generated_at);
  json_object_set_int_member (object, "schemaDurationMs", draft->duration_ms);
  json_object_set_int_member (object, "schemaRefreshes", draft->refreshes);
  json_object_set_string_member (object, "draftToken", draft->token);
  json_object_set_int_member (object, "failedAttempts", draft->failed_attempts);
  return object;
}

static gboolean
check_length (const char *value, const char *name, glong max, GError **error)
{
  glong length = value != NULL ? g_utf8_strlen (value, -1) : 0;

  if (value == NULL || !g_utf8_validate (value, -1, NULL) || length < 1 || length > max)
    {
      g_set_error (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_INVALID,
                   "%s must be between 1 and %ld characters", name, max);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_request (DgEngine *self, const DgDraftRequest *request, GError **error)
{
  if (!check_length (request->title, "The title", 200, error) ||
      !check_length (request->description, "The description", 2000, error) ||
      !check_length (request->instructions, "The instructions", 8000, error))
    return FALSE;
  int limit = request->by_owner ? self->config->owner_max_records_per_job
                                : self->config->max_records_per_job;

  if (request->total_records < 1 || request->total_records > limit)
    {
      g_set_error (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_INVALID,
                   "The number of records must be between 1 and %d "
                   "(DATAGEN_MAX_RECORDS_PER_JOB)",
                   limit);
      return FALSE;
    }
  return TRUE;
}

/* Upstream: the previous token's count + 1 when it verifies (for this user), else 0. */
static gint64
count_refreshes (DgEngine *self, const char *owner, const char *previous_token)
{
  g_autoptr (DgDraftClaims) previous = NULL;

  if (previous_token == NULL || self->secret == NULL)
    return 0;
  previous = dg_draft_token_verify (previous_token, owner, self->secret,
                                    g_get_real_time () / G_USEC_PER_SEC, NULL);
  return previous != NULL ? previous->schema_refreshes + 1 : 0;
}

/* Signs the draft and adds the sanitised view the UI shows before confirming. */
static gboolean
complete_draft (DgEngine *self, const char *owner, const DgDraftRequest *request, DgDraft *draft,
                GError **error)
{
  g_autoptr (DgDraftClaims) claims = dg_draft_claims_new ();
  const char *secret = dg_engine_get_secret (self, error);

  if (secret == NULL)
    return FALSE;
  claims->username = g_strdup (owner);
  claims->title = g_strdup (request->title);
  claims->total_records = request->total_records;
  claims->description = g_strdup (request->description);
  claims->instructions = g_strdup (request->instructions);
  claims->schema = json_node_ref (draft->schema);
  claims->schema_generated_at = g_strdup (draft->generated_at);
  claims->schema_duration_ms = draft->duration_ms;
  claims->schema_refreshes = draft->refreshes;
  claims->dataset_mode = request->dataset_mode;
  /* Caller-owned: a private copy, as the caller may use it on other threads meanwhile. */
  claims->inference = request->inference != NULL ? dg_json_object_copy (request->inference) : NULL;
  draft->token = dg_draft_token_sign (claims, secret, g_get_real_time () / G_USEC_PER_SEC, error);
  if (draft->token == NULL)
    return FALSE;

  draft->sanitized_schema = dg_schema_sanitize (draft->schema, &draft->warnings);
  dg_schema_check (draft->sanitized_schema, &draft->issues, NULL);
  return TRUE;
}

static DgDraft *
draft_new (void)
{
  DgDraft *draft = g_new0 (DgDraft, 1);

  g_atomic_ref_count_init (&draft->ref_count);
  draft->prompt_tokens = -1;
  draft->completion_tokens = -1;
  return draft;
}

DgDraft *
dg_engine_draft_from_schema (DgEngine *self, const char *owner, const DgDraftRequest *request,
                             JsonNode *schema, GError **error)
{
  g_autoptr (DgDraft) draft = NULL;

  g_return_val_if_fail (DG_IS_ENGINE (self), NULL);
  g_return_val_if_fail (owner != NULL && request != NULL && schema != NULL, NULL);

  if (!check_request (self, request, error))
    return NULL;
  draft = draft_new ();
  /* The draft outlives the call and may go to other threads: share nothing with @schema. */
  draft->schema = dg_json_copy (schema);
  draft->generated_at = dg_iso_now ();
  draft->refreshes = count_refreshes (self, owner, request->previous_token);
  draft->backend = g_strdup ("manual");
  if (!complete_draft (self, owner, request, draft, error))
    return NULL;
  return g_steal_pointer (&draft);
}

typedef struct
{
  char *owner;
  char *title;
  gint64 total_records;
  char *description;
  char *instructions;
  gboolean dataset_mode;
  char *previous_token;
  JsonObject *inference;
  DgInferenceEndpoint *endpoint;
  DgDraft *draft;
  gint64 started_us;
} DraftState;

static void
draft_state_free (gpointer data)
{
  DraftState *st = data;

  g_free (st->owner);
  g_free (st->title);
  g_free (st->description);
  g_free (st->instructions);
  g_free (st->previous_token);
  g_clear_pointer (&st->inference, json_object_unref);
  g_clear_pointer (&st->endpoint, dg_inference_endpoint_unref);
  g_clear_pointer (&st->draft, dg_draft_unref);
  g_free (st);
}

static void
on_draft_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  DgEngine *self = g_task_get_source_object (task);
  DraftState *st = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (DgInferenceResult) result =
      dg_inference_request_finish (DG_INFERENCE (source), res, &error);
  DgDraftRequest request = { 0 };
  DgDraft *draft = st->draft;

  if (error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, DG_ENGINE_ERROR, DG_ENGINE_ERROR_INFERENCE,
                                 "Inference failed: %s", error->message);
      return;
    }

  /* The output was built on the inference worker thread: take a private copy. */
  draft->schema = dg_json_copy (result->output);
  draft->duration_ms = (g_get_monotonic_time () - st->started_us) / 1000;
  draft->failed_attempts = result->failed_attempts;
  draft->prompt_tokens = result->prompt_tokens;
  draft->completion_tokens = result->completion_tokens;
  draft->model = g_strdup (result->model != NULL ? result->model
                                                 : dg_inference_endpoint_get_model (st->endpoint));

  request.title = st->title;
  request.total_records = st->total_records;
  request.description = st->description;
  request.instructions = st->instructions;
  request.dataset_mode = st->dataset_mode;
  request.inference = st->inference;
  if (!complete_draft (self, st->owner, &request, draft, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, dg_draft_ref (draft), (GDestroyNotify) dg_draft_unref);
}

/**
 * dg_engine_draft_async:
 *
 * Asks the model (or, without one, the offline templates) for a schema and
 * signs a draft token for @owner. The schema is returned as drafted; the
 * sanitised version and its issues come with it.
 */
void
dg_engine_draft_async (DgEngine *self, const char *owner, const DgDraftRequest *request,
                       GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (DgInferenceRequest) call = NULL;
  g_autoptr (DgInferenceQueue) queue = NULL;
  g_autoptr (JsonArray) messages = NULL;
  g_autoptr (JsonObject) parameters = NULL;
  g_autoptr (JsonNode) response_schema = NULL;
  DraftState *st;

  g_return_if_fail (DG_IS_ENGINE (self));
  g_return_if_fail (owner != NULL && request != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dg_engine_draft_async);
  if (!check_request (self, request, &error) || dg_engine_get_secret (self, &error) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  st = g_new0 (DraftState, 1);
  st->owner = g_strdup (owner);
  st->title = g_strdup (request->title);
  st->total_records = request->total_records;
  st->description = g_strdup (request->description);
  st->instructions = g_strdup (request->instructions);
  st->dataset_mode = request->dataset_mode;
  st->previous_token = g_strdup (request->previous_token);
  st->inference = request->inference != NULL ? dg_json_object_copy (request->inference) : NULL;
  st->endpoint = request->endpoint != NULL
                     ? dg_inference_endpoint_ref (request->endpoint)
                     : dg_inference_endpoint_resolve (self->config, -1, NULL, NULL, NULL, NULL,
                                                      NULL, DG_URL_POLICY_ALLOW_PRIVATE);
  st->draft = draft_new ();
  st->draft->generated_at = dg_iso_now (); /* upstream: taken before the call */
  st->draft->refreshes = count_refreshes (self, owner, request->previous_token);
  st->draft->backend =
      g_strdup (dg_inference_backend_to_string (dg_inference_endpoint_get_backend (st->endpoint)));
  st->started_us = g_get_monotonic_time ();
  g_task_set_task_data (task, st, draft_state_free);

  if (dg_inference_endpoint_get_backend (st->endpoint) == DG_INFERENCE_BACKEND_OFFLINE)
    {
      /* No model: the template that matches best is the draft. */
      g_autofree char *text =
          g_strjoin (" ", request->title, request->description, request->instructions, NULL);
      const char *template_id = NULL;

      st->draft->schema = dg_templates_suggest_schema (text, &template_id);
      st->draft->template_id = g_strdup (template_id);
      st->draft->duration_ms = (g_get_monotonic_time () - st->started_us) / 1000;
      if (!complete_draft (self, owner, request, st->draft, &error))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_pointer (task, dg_draft_ref (st->draft), (GDestroyNotify) dg_draft_unref);
      return;
    }

  messages = dg_prompts_draft_messages (request->title, request->description, request->instructions,
                                        request->dataset_mode);
  call = dg_inference_request_new (st->endpoint, DG_INFERENCE_KIND_SCHEMA, messages);
  response_schema = dg_prompts_draft_response_schema ();
  dg_inference_request_set_response_schema (call, "json_schema", response_schema);
  parameters = dg_prompts_draft_parameters ();
  dg_inference_request_set_default_parameters (call, parameters);
  dg_inference_request_set_draft_input (call, request->title, request->description,
                                        request->instructions, request->dataset_mode);
  queue = dg_inference_queue_new (self->inference, owner, "draft");
  dg_inference_request_async (self->inference, queue, call, cancellable, on_draft_done,
                              g_steal_pointer (&task));
}

DgDraft *
dg_engine_draft_finish (DgEngine *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- Confirm -------------------------------------------------------------------------- */

static guint64
random_seed (void)
{
  guint64 seed;

  dg_random_bytes ((guint8 *) &seed, sizeof seed);
  /* Seeds travel in JSON: keep them exact for JavaScript readers too. */
  return seed & ((G_GUINT64_CONSTANT (1) << 53) - 1);
}

static JsonObject *
default_inference (DgEngine *self)
{
  JsonObject *inference = json_object_new ();

  json_object_set_boolean_member (inference, "useExternalApi", FALSE);
  json_object_set_string_member (
      inference, "baseUrl",
      self->config->inference_base_url != NULL ? self->config->inference_base_url : "");
  json_object_set_string_member (inference, "path", "/create_chat_completion");
  return inference;
}

static JsonArray *
peers_array (GStrv peers)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; peers != NULL && peers[i] != NULL; i++)
    json_array_add_string_element (array, peers[i]);
  return array;
}

/* Upstream 4.1, keys in creation order. */
static JsonObject *
build_base (const char *id, const char *owner, DgDraftClaims *claims, GStrv peers, const char *now)
{
  JsonObject *base = json_object_new ();

  json_object_set_string_member (base, "id", id);
  json_object_set_string_member (base, "owner", owner);
  json_object_set_string_member (base, "title", claims->title);
  json_object_set_string_member (base, "status", "queued");
  json_object_set_int_member (base, "totalRecords", claims->total_records);
  json_object_set_boolean_member (base, "datasetMode", claims->dataset_mode);
  json_object_set_array_member (base, "peers", peers_array (peers));
  json_object_set_int_member (base, "peerCount", g_strv_length (peers));
  json_object_set_int_member (base, "totalGenerated", 0);
  json_object_set_int_member (base, "totalOk", 0);
  json_object_set_int_member (base, "totalFailed", 0);
  /* Set by the sync once the details are in R1FS; standalone jobs have none. */
  json_object_set_string_member (base, "jobDetailsCid", "");
  json_object_set_string_member (base, "createdAt", now);
  json_object_set_string_member (base, "schemaGeneratedAt",
                                 claims->schema_generated_at != NULL ? claims->schema_generated_at
                                                                     : now);
  json_object_set_int_member (base, "schemaDurationMs", claims->schema_duration_ms);
  json_object_set_int_member (base, "schemaRefreshes", claims->schema_refreshes);
  json_object_set_string_member (base, "updatedAt", now);
  return base;
}

/* Upstream 4.3. */
static JsonObject *
build_details (const char *id, const char *owner, DgDraftClaims *claims, JsonNode *schema,
               JsonObject *inference, const char *now)
{
  JsonObject *details = json_object_new ();

  json_object_set_string_member (details, "id", id);
  json_object_set_string_member (details, "owner", owner);
  json_object_set_string_member (details, "description",
                                 claims->description != NULL ? claims->description : "");
  json_object_set_string_member (details, "instructions",
                                 claims->instructions != NULL ? claims->instructions : "");
  json_object_set_member (details, "schema", json_node_copy (schema));
  json_object_set_object_member (details, "inference", json_object_ref (inference));
  json_object_set_boolean_member (details, "datasetMode", claims->dataset_mode);
  json_object_set_string_member (details, "createdAt", now);
  json_object_set_string_member (details, "schemaGeneratedAt",
                                 claims->schema_generated_at != NULL ? claims->schema_generated_at
                                                                     : now);
  json_object_set_int_member (details, "schemaDurationMs", claims->schema_duration_ms);
  json_object_set_int_member (details, "schemaRefreshes", claims->schema_refreshes);
  return details;
}

static void
add_detail (JsonArray **details, const char *message)
{
  JsonObject *entry = json_object_new ();

  if (*details == NULL)
    *details = json_array_new ();
  json_object_set_string_member (entry, "path", "");
  json_object_set_string_member (entry, "message", message);
  json_array_add_object_element (*details, entry);
}

/* What the run record says about the model: backend, model, URL (never a key). */
static JsonObject *
build_run (DgEngine *self, const DgConfirmRequest *request, DgInferenceEndpoint *endpoint,
           GPtrArray *warnings)
{
  JsonObject *run = json_object_new ();
  JsonObject *parameters = dg_inference_endpoint_get_parameters (endpoint);
  g_autofree char *url = dg_inference_endpoint_dup_request_url (endpoint);
  JsonArray *notes = json_array_new ();

  json_object_set_string_member (
      run, "backend",
      dg_inference_backend_to_string (dg_inference_endpoint_get_backend (endpoint)));
  if (dg_inference_endpoint_get_model (endpoint) != NULL)
    json_object_set_string_member (run, "model", dg_inference_endpoint_get_model (endpoint));
  else
    json_object_set_null_member (run, "model");
  if (url != NULL)
    json_object_set_string_member (run, "endpoint", url);
  else
    json_object_set_null_member (run, "endpoint");
  json_object_set_object_member (run, "parameters",
                                 parameters != NULL ? dg_json_object_copy (parameters)
                                                    : json_object_new ());
  json_object_set_string_member (run, "promptsVersion", dg_prompts_version ());
  json_object_set_int_member (run, "seed",
                              (gint64) (request->has_seed ? request->seed : random_seed ()));
  json_object_set_int_member (run, "concurrency", request->concurrency);
  json_object_set_int_member (run, "maxAttempts",
                              request->max_attempts > 0 ? (gint64) request->max_attempts
                                                        : self->config->inference_max_attempts);
  json_object_set_boolean_member (run, "regenerateDuplicates", request->regenerate_duplicates);
  json_object_set_string_member (run, "urlPolicy",
                                 request->allow_private_urls ? "allow-private" : "strict");
  for (guint i = 0; warnings != NULL && i < warnings->len; i++)
    json_array_add_string_element (notes, g_ptr_array_index (warnings, i));
  json_object_set_array_member (run, "schemaWarnings", notes);
  return run;
}

/**
 * dg_engine_confirm:
 *
 * Blocking version of dg_engine_confirm_async() (worker threads, CLI).
 */
char *
dg_engine_confirm (DgEngine *self, const char *owner, const DgConfirmRequest *request,
                   JsonArray **out_details, GPtrArray **out_warnings, GError **error)
{
  g_autoptr (DgDraftClaims) claims = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (JsonNode) schema = NULL;
  g_autoptr (GPtrArray) warnings = NULL;
  g_autoptr (JsonArray) details = NULL;
  g_autoptr (JsonObject) inference = NULL;
  g_autoptr (DgInferenceEndpoint) endpoint = NULL;
  g_autoptr (DgJob) probe = NULL;
  g_autoptr (JsonObject) base = NULL;
  g_autoptr (JsonObject) job_details = NULL;
  g_autoptr (JsonObject) run = NULL;
  g_autoptr (GArray) slices = NULL;
  g_autoptr (DgJob) created = NULL;
  g_autofree char *existing = NULL;
  g_autofree char *existing_owner = NULL;
  g_autofree char *id = NULL;
  g_autofree char *now = NULL;
  const char *const local_peers[] = { "local", NULL };
  GStrv peers;
  const char *secret;
  DgStoreJobSpec spec = { 0 };
  gint64 now_ms;

  g_return_val_if_fail (DG_IS_ENGINE (self), NULL);
  g_return_val_if_fail (owner != NULL && request != NULL, NULL);

  secret = dg_engine_get_secret (self, error);
  if (secret == NULL)
    return NULL;
  claims = dg_draft_token_verify (request->token, owner, secret,
                                  g_get_real_time () / G_USEC_PER_SEC, &local_error);
  if (claims == NULL)
    {
      g_set_error_literal (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_INVALID_DRAFT,
                           "Invalid or expired draft");
      return NULL;
    }

  /* Once per draft: a replayed confirm gets the first job back. */
  existing = dg_store_job_find_by_draft (self->store, claims->draft_id, NULL, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (existing != NULL)
    return g_steal_pointer (&existing);

  schema =
      dg_schema_sanitize (request->schema != NULL ? request->schema : claims->schema, &warnings);
  if (!dg_schema_check (schema, &details, error))
    goto invalid;

  /* Private copies: callers may share the request's JSON with other threads. */
  inference = request->inference != NULL ? dg_json_object_copy (request->inference)
                                         : default_inference (self);
  /* Build the job's endpoint as the runner will, to record and check it now. */
  probe = dg_job_new ();
  probe->details = json_object_new ();
  json_object_set_object_member (probe->details, "inference", json_object_ref (inference));
  probe->run = json_object_new ();
  if (request->backend != NULL)
    json_object_set_string_member (probe->run, "backend", request->backend);
  json_object_set_string_member (probe->run, "urlPolicy",
                                 request->allow_private_urls ? "allow-private" : "strict");
  endpoint = dg_job_runner_default_endpoint (self->config, probe, &local_error);
  if (endpoint == NULL)
    {
      g_set_error (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_INVALID, "%s", local_error->message);
      return NULL;
    }
  if (dg_inference_endpoint_get_backend (endpoint) == DG_INFERENCE_BACKEND_OFFLINE)
    {
      g_autoptr (DgOfflineGenerator) generator = dg_offline_generator_new (schema, &local_error);

      if (generator == NULL)
        {
          g_autofree char *message = g_strdup_printf (
              "The offline generator cannot follow this schema: %s", local_error->message);

          add_detail (&details, message);
          g_set_error_literal (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_INVALID_SCHEMA,
                               "Invalid schema");
          goto invalid_set;
        }
    }

  now_ms = dg_now_ms ();
  now = dg_iso_timestamp (now_ms);
  id = dg_job_new_id ();
  peers = self->config->peers != NULL && self->config->peers[0] != NULL ? self->config->peers
                                                                        : (GStrv) local_peers;
  base = build_base (id, owner, claims, peers, now);
  job_details = build_details (id, owner, claims, schema, inference, now);
  run = build_run (self, request, endpoint, warnings);
  slices = dg_job_split (claims->total_records, (const char *const *) peers);

  spec.id = id;
  spec.owner = owner;
  spec.title = claims->title;
  spec.total_records = claims->total_records;
  spec.dataset_mode = claims->dataset_mode;
  spec.draft_id = claims->draft_id;
  spec.base = base;
  spec.details = job_details;
  spec.run = run;
  spec.slices = slices;
  spec.created_ms = now_ms;
  if (!dg_store_job_insert (self->store, &spec, &existing, NULL, error))
    return NULL;
  if (existing != NULL)
    return g_steal_pointer (&existing);

  if (out_warnings != NULL)
    *out_warnings = g_steal_pointer (&warnings);
  created = dg_store_job_get (self->store, id, DG_STORE_JOB_BASIC, NULL);
  if (created != NULL)
    dg_engine_emit_later (self, SIGNAL_JOB_ADDED, created);
  if (!self->config->disable_worker && !self->shut_down)
    dg_job_runner_run (self->runner, id);
  return g_steal_pointer (&id);

invalid:
  /* dg_schema_check() set @error; the details go to the caller. */
invalid_set:
  if (out_details != NULL)
    *out_details = g_steal_pointer (&details);
  if (out_warnings != NULL)
    *out_warnings = g_steal_pointer (&warnings);
  if (error != NULL && *error != NULL && (*error)->domain == DG_DRAFT_ERROR)
    {
      GError *converted =
          g_error_new_literal (DG_ENGINE_ERROR, DG_ENGINE_ERROR_INVALID_SCHEMA, "Invalid schema");

      g_clear_error (error);
      g_propagate_error (error, converted);
    }
  return NULL;
}

typedef struct
{
  char *owner;
  DgConfirmRequest request;
  JsonArray *details;
  GPtrArray *warnings;
} ConfirmState;

static void
confirm_state_free (gpointer data)
{
  ConfirmState *st = data;

  g_free (st->owner);
  g_free ((char *) st->request.token);
  g_free ((char *) st->request.backend);
  g_clear_pointer (&st->request.schema, json_node_unref);
  g_clear_pointer (&st->request.inference, json_object_unref);
  g_clear_pointer (&st->details, json_array_unref);
  g_clear_pointer (&st->warnings, g_ptr_array_unref);
  g_free (st);
}

static void
confirm_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  ConfirmState *st = task_data;
  GError *error = NULL;
  char *id =
      dg_engine_confirm (source, st->owner, &st->request, &st->details, &st->warnings, &error);

  if (id == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, id, g_free);
}

void
dg_engine_confirm_async (DgEngine *self, const char *owner, const DgConfirmRequest *request,
                         GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  ConfirmState *st;

  g_return_if_fail (DG_IS_ENGINE (self));
  g_return_if_fail (owner != NULL && request != NULL);

  st = g_new0 (ConfirmState, 1);
  st->owner = g_strdup (owner);
  st->request = *request;
  st->request.token = g_strdup (request->token);
  st->request.backend = g_strdup (request->backend);
  /* The JSON goes to the GTask thread: deep copies, so it shares no (non-atomic) counts with
   * the caller's trees. */
  st->request.schema = request->schema != NULL ? dg_json_copy (request->schema) : NULL;
  st->request.inference =
      request->inference != NULL ? dg_json_object_copy (request->inference) : NULL;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dg_engine_confirm_async);
  g_task_set_task_data (task, st, confirm_state_free);
  g_task_run_in_thread (task, confirm_thread);
}

char *
dg_engine_confirm_finish (DgEngine *self, GAsyncResult *result, JsonArray **out_details,
                          GPtrArray **out_warnings, GError **error)
{
  ConfirmState *st;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  /* The thread has returned and kept no reference: @details (built there from fresh strings,
   * sharing nothing) changes hands whole, with no copy needed. */
  st = g_task_get_task_data (G_TASK (result));
  if (out_details != NULL)
    *out_details = g_steal_pointer (&st->details);
  if (out_warnings != NULL)
    *out_warnings = g_steal_pointer (&st->warnings);
  return g_task_propagate_pointer (G_TASK (result), error);
}
