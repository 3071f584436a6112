/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-inference"

#include "config.h"

#include <string.h>

#include "dg-inference-private.h"
#include "dg-json-copy.h"

G_DEFINE_BOXED_TYPE (DgInferenceRequest, dg_inference_request, dg_inference_request_ref,
                     dg_inference_request_unref)
G_DEFINE_BOXED_TYPE (DgInferenceResult, dg_inference_result, dg_inference_result_ref,
                     dg_inference_result_unref)
G_DEFINE_BOXED_TYPE (DgInferenceQueue, dg_inference_queue, dg_inference_queue_ref,
                     dg_inference_queue_unref)

/* Parameters that would break the exchange: ours to set, never the user's. */
static const char *const reserved_parameters[] = { "messages", "response_format", "stream" };
static const char *const secret_parameters[] = { "authorization", "api_key", "apikey",
                                                 "access_token", "token" };

DgInferenceShared *
dg_inference_shared_ref (DgInferenceShared *shared)
{
  g_atomic_ref_count_inc (&shared->ref_count);
  return shared;
}

void
dg_inference_shared_unref (DgInferenceShared *shared)
{
  if (!g_atomic_ref_count_dec (&shared->ref_count))
    return;
  if (shared->validate_destroy != NULL)
    shared->validate_destroy (shared->validate_data);
  if (shared->offline != NULL && shared->offline_free != NULL)
    shared->offline_free (shared->offline);
  g_clear_pointer (&shared->endpoint, dg_inference_endpoint_unref);
  g_clear_pointer (&shared->schema, json_node_unref);
  g_clear_pointer (&shared->default_parameters, json_object_unref);
  g_free (shared->schema_name);
  g_free (shared->draft_title);
  g_free (shared->draft_description);
  g_free (shared->draft_instructions);
  g_free (shared->request_url);
  g_free (shared->endpoint_key);
  g_free (shared->model_json);
  g_free (shared->params_json);
  g_free (shared->params_log_json);
  g_free (shared->schema_json);
  g_free (shared->schema_name_json);
  if (shared->auth_header != NULL)
    explicit_bzero (shared->auth_header, strlen (shared->auth_header));
  g_free (shared->auth_header);
  g_free (shared->url_error);
  g_mutex_clear (&shared->lock);
  g_free (shared);
}

/**
 * dg_inference_request_new:
 * @endpoint: where the call goes
 * @kind: a record or a schema draft
 * @messages: the chat messages (see dg-prompts.h)
 *
 * Returns: (transfer full): a request with the engine's default attempts and no schema.
 */
DgInferenceRequest *
dg_inference_request_new (DgInferenceEndpoint *endpoint, DgInferenceKind kind, JsonArray *messages)
{
  DgInferenceRequest *self;
  DgInferenceShared *shared;

  g_return_val_if_fail (endpoint != NULL, NULL);
  g_return_val_if_fail (messages != NULL, NULL);

  shared = g_new0 (DgInferenceShared, 1);
  g_atomic_ref_count_init (&shared->ref_count);
  g_mutex_init (&shared->lock);
  shared->endpoint = dg_inference_endpoint_ref (endpoint);
  shared->kind = kind;

  self = g_new0 (DgInferenceRequest, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->shared = shared;
  self->messages = json_array_ref (messages);
  self->index = -1;
  return self;
}

DgInferenceRequest *
dg_inference_request_new_from_template (DgInferenceRequest *template_, JsonArray *messages)
{
  DgInferenceRequest *self;

  g_return_val_if_fail (template_ != NULL, NULL);
  g_return_val_if_fail (messages != NULL, NULL);

  dg_inference_request_prepare (template_);
  self = g_new0 (DgInferenceRequest, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->shared = dg_inference_shared_ref (template_->shared);
  self->messages = json_array_ref (messages);
  self->index = -1;
  return self;
}

DgInferenceRequest *
dg_inference_request_ref (DgInferenceRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
dg_inference_request_unref (DgInferenceRequest *self)
{
  g_return_if_fail (self != NULL);
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  dg_inference_shared_unref (self->shared);
  g_clear_pointer (&self->messages, json_array_unref);
  g_free (self->messages_json);
  g_free (self);
}

#define RETURN_IF_SHARED_FROZEN(self)                             \
  G_STMT_START                                                    \
  {                                                               \
    g_return_if_fail (self != NULL);                              \
    g_return_if_fail (!g_atomic_int_get (&self->shared->frozen)); \
  }                                                               \
  G_STMT_END

void
dg_inference_request_set_response_schema (DgInferenceRequest *self, const char *name,
                                          JsonNode *schema)
{
  RETURN_IF_SHARED_FROZEN (self);
  g_free (self->shared->schema_name);
  self->shared->schema_name = g_strdup (name);
  g_clear_pointer (&self->shared->schema, json_node_unref);
  if (schema != NULL)
    {
      /* A private sealed copy: the worker and the offline generator read it later. */
      self->shared->schema = dg_json_copy (schema);
      json_node_seal (self->shared->schema);
    }
}

void
dg_inference_request_set_default_parameters (DgInferenceRequest *self, JsonObject *parameters)
{
  RETURN_IF_SHARED_FROZEN (self);
  g_clear_pointer (&self->shared->default_parameters, json_object_unref);
  if (parameters != NULL)
    self->shared->default_parameters = dg_json_object_copy (parameters);
}

void
dg_inference_request_set_max_attempts (DgInferenceRequest *self, guint max_attempts)
{
  RETURN_IF_SHARED_FROZEN (self);
  self->shared->max_attempts = max_attempts;
}

void
dg_inference_request_set_validate_func (DgInferenceRequest *self, DgInferenceValidateFunc func,
                                        gpointer user_data, GDestroyNotify destroy)
{
  DgInferenceShared *shared;

  RETURN_IF_SHARED_FROZEN (self);
  shared = self->shared;
  if (shared->validate_destroy != NULL)
    shared->validate_destroy (shared->validate_data);
  shared->validate = func;
  shared->validate_data = user_data;
  shared->validate_destroy = destroy;
}

void
dg_inference_request_set_record (DgInferenceRequest *self, gint64 index, guint64 seed)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (!g_atomic_int_get (&self->submitted));
  self->index = index;
  self->seed = seed;
}

void
dg_inference_request_set_draft_input (DgInferenceRequest *self, const char *title,
                                      const char *description, const char *instructions,
                                      gboolean dataset_mode)
{
  DgInferenceShared *shared;

  RETURN_IF_SHARED_FROZEN (self);
  shared = self->shared;
  g_free (shared->draft_title);
  g_free (shared->draft_description);
  g_free (shared->draft_instructions);
  shared->draft_title = g_strdup (title);
  shared->draft_description = g_strdup (description);
  shared->draft_instructions = g_strdup (instructions);
  shared->draft_dataset_mode = dataset_mode;
}

static gboolean
name_in (const char *name, const char *const *names, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (g_ascii_strcasecmp (name, names[i]) == 0)
      return TRUE;
  return FALSE;
}

static char *
node_to_json (JsonNode *node)
{
  return json_to_string (node, FALSE);
}

static char *
string_to_json (const char *value)
{
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, value);
  return node_to_json (node);
}

/* ",\"k\":v,…" for every member, in order. */
static char *
members_fragment (JsonObject *object, gboolean redact)
{
  GString *out = g_string_new (NULL);
  g_autoptr (GList) names = json_object_get_members (object);

  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *name = l->data;
      g_autofree char *key = string_to_json (name);
      g_autofree char *value = NULL;

      if (redact && name_in (name, secret_parameters, G_N_ELEMENTS (secret_parameters)))
        value = g_strdup ("\"[redacted]\"");
      else
        value = node_to_json (json_object_get_member (object, name));
      g_string_append_printf (out, ",%s:%s", key, value);
    }
  return g_string_free (out, FALSE);
}

/* OpenAI accepts schema names of [a-zA-Z0-9_-]{1,64}. */
static char *
sanitize_schema_name (const char *name, DgInferenceKind kind)
{
  GString *out = g_string_new (NULL);

  for (const char *p = name != NULL ? name : ""; *p != '\0' && out->len < 64; p++)
    if (g_ascii_isalnum (*p) || *p == '_' || *p == '-')
      g_string_append_c (out, *p);
    else if (out->len > 0 && out->str[out->len - 1] != '_')
      g_string_append_c (out, '_');
  if (out->len == 0)
    g_string_append (out, kind == DG_INFERENCE_KIND_SCHEMA ? "json_schema" : "record");
  return g_string_free (out, FALSE);
}

static void
prepare_shared (DgInferenceShared *shared)
{
  DgInferenceEndpoint *endpoint = shared->endpoint;
  g_autoptr (JsonObject) params = json_object_new ();
  g_autofree char *model = g_strdup (endpoint->model);
  g_autofree char *name = NULL;

  dg_inference_endpoint_freeze (endpoint);

  /* Request defaults first, the endpoint's (user's) parameters override them. */
  for (guint pass = 0; pass < 2; pass++)
    {
      JsonObject *source = pass == 0 ? shared->default_parameters : endpoint->parameters;
      g_autoptr (GList) names = source != NULL ? json_object_get_members (source) : NULL;

      for (GList *l = names; l != NULL; l = l->next)
        {
          const char *key = l->data;
          JsonNode *value = json_object_get_member (source, key);

          if (name_in (key, reserved_parameters, G_N_ELEMENTS (reserved_parameters)))
            continue;
          if (strcmp (key, "model") == 0)
            {
              /* A "model" parameter overrides the profile's model, as upstream's spread does. */
              if (JSON_NODE_HOLDS_VALUE (value) &&
                  json_node_get_value_type (value) == G_TYPE_STRING)
                {
                  g_free (model);
                  model = g_strdup (json_node_get_string (value));
                }
              continue;
            }
          /* A real copy: the endpoint is shared by requests submitted on other threads. */
          json_object_set_member (params, key, dg_json_copy (value));
        }
    }

  shared->request_url = dg_inference_endpoint_dup_request_url (endpoint);
  shared->endpoint_key = dg_inference_endpoint_dup_key (endpoint);
  shared->model_json = model != NULL && *model != '\0' ? string_to_json (model) : NULL;
  shared->params_json = members_fragment (params, FALSE);
  shared->params_log_json = members_fragment (params, TRUE);
  shared->schema_json = shared->schema != NULL ? node_to_json (shared->schema) : NULL;
  name = sanitize_schema_name (shared->schema_name, shared->kind);
  shared->schema_name_json = string_to_json (name);
  if (endpoint->backend != DG_INFERENCE_BACKEND_OFFLINE && endpoint->base_url != NULL)
    {
      g_autoptr (GError) error = NULL;

      if (!dg_url_policy_check (endpoint->base_url, endpoint->url_policy, &error))
        shared->url_error = g_strdup (error->message);
    }
  if (endpoint->api_key != NULL)
    shared->auth_header = g_strconcat ("Authorization: Bearer ", endpoint->api_key, NULL);
}

void
dg_inference_request_prepare (DgInferenceRequest *self)
{
  DgInferenceShared *shared = self->shared;

  if (!g_atomic_int_get (&shared->frozen))
    {
      g_mutex_lock (&shared->lock);
      if (!g_atomic_int_get (&shared->frozen))
        {
          prepare_shared (shared);
          g_atomic_int_set (&shared->frozen, TRUE);
        }
      g_mutex_unlock (&shared->lock);
    }
  if (self->messages_json == NULL)
    {
      g_autoptr (JsonNode) node = json_node_new (JSON_NODE_ARRAY);

      json_node_set_array (node, self->messages);
      self->messages_json = node_to_json (node);
    }
}

DgInferenceResult *
dg_inference_result_new (void)
{
  DgInferenceResult *self = g_new0 (DgInferenceResult, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->attempts = g_ptr_array_new_with_free_func ((GDestroyNotify) dg_inference_attempt_free);
  self->prompt_tokens = -1;
  self->completion_tokens = -1;
  self->index = -1;
  return self;
}

DgInferenceResult *
dg_inference_result_ref (DgInferenceResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
dg_inference_result_unref (DgInferenceResult *self)
{
  g_return_if_fail (self != NULL);
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_clear_pointer (&self->output, json_node_unref);
  g_clear_error (&self->error);
  g_ptr_array_unref (self->attempts);
  g_free (self->model);
  g_free (self);
}

void
dg_inference_attempt_free (DgInferenceAttempt *attempt)
{
  if (attempt == NULL)
    return;
  g_free (attempt->error);
  g_free (attempt);
}

const char *
dg_inference_outcome_to_string (DgInferenceOutcome outcome)
{
  static const char *const names[] = {
    [DG_INFERENCE_OUTCOME_OK] = "ok",
    [DG_INFERENCE_OUTCOME_TRANSPORT] = "transport",
    [DG_INFERENCE_OUTCOME_TIMEOUT] = "timeout",
    [DG_INFERENCE_OUTCOME_RATE_LIMITED] = "rate-limited",
    [DG_INFERENCE_OUTCOME_SERVER_ERROR] = "server-error",
    [DG_INFERENCE_OUTCOME_HTTP_ERROR] = "http-error",
    [DG_INFERENCE_OUTCOME_FORMAT_FALLBACK] = "format-fallback",
    [DG_INFERENCE_OUTCOME_BAD_RESPONSE] = "bad-response",
    [DG_INFERENCE_OUTCOME_RESULT_ERROR] = "result-error",
    [DG_INFERENCE_OUTCOME_UNPARSABLE] = "unparsable",
    [DG_INFERENCE_OUTCOME_INVALID] = "invalid",
    [DG_INFERENCE_OUTCOME_REFUSED] = "refused",
    [DG_INFERENCE_OUTCOME_CANCELLED] = "cancelled",
  };

  if ((guint) outcome < G_N_ELEMENTS (names) && names[outcome] != NULL)
    return names[outcome];
  return "unknown";
}

/**
 * dg_inference_queue_new:
 * @inference: the engine
 * @owner: (nullable): the user the work is for (fair share between users)
 * @label: (nullable): for logs, e.g. the job id
 *
 * Returns: (transfer full): a new queue.
 */
DgInferenceQueue *
dg_inference_queue_new (DgInference *inference, const char *owner, const char *label)
{
  DgInferenceQueue *self;

  g_return_val_if_fail (DG_IS_INFERENCE (inference), NULL);

  self = g_new0 (DgInferenceQueue, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->worker = dg_inference_worker_ref (dg_inference_get_worker (inference));
  self->id = dg_inference_worker_next_queue_id (self->worker);
  self->owner = g_strdup (owner != NULL ? owner : "");
  self->label = g_strdup (label != NULL ? label : "");
  g_queue_init (&self->ready);
  return self;
}

DgInferenceQueue *
dg_inference_queue_ref (DgInferenceQueue *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
dg_inference_queue_unref (DgInferenceQueue *self)
{
  g_return_if_fail (self != NULL);
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  /* The worker holds a reference while it has tasks of this queue. */
  g_assert (g_queue_is_empty (&self->ready));
  g_free (self->owner);
  g_free (self->label);
  dg_inference_worker_unref (self->worker);
  g_free (self);
}

void
dg_inference_queue_cancel (DgInferenceQueue *self)
{
  g_return_if_fail (self != NULL);
  if (g_atomic_int_compare_and_exchange (&self->cancelled, FALSE, TRUE))
    dg_inference_worker_cancel_queue (self->worker, self);
}

gboolean
dg_inference_queue_is_cancelled (DgInferenceQueue *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return g_atomic_int_get (&self->cancelled);
}

guint
dg_inference_queue_get_pending (DgInferenceQueue *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return (guint) g_atomic_int_get (&self->pending);
}
