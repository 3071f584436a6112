/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-inference"

#include "config.h"

#include <string.h>

#include "dg-inference-private.h"

/* The engine façade: owns the worker, offers GTask flavours and model listing. */

G_DEFINE_QUARK (dg_inference_error_quark, dg_inference_error)

struct _DgInference
{
  GObject parent_instance;
  DgInferenceWorker *worker;
};

G_DEFINE_FINAL_TYPE (DgInference, dg_inference, G_TYPE_OBJECT)

static void
dg_inference_dispose (GObject *object)
{
  DgInference *self = DG_INFERENCE (object);

  if (self->worker != NULL)
    {
      dg_inference_worker_shutdown (self->worker);
      g_clear_pointer (&self->worker, dg_inference_worker_unref);
    }
  G_OBJECT_CLASS (dg_inference_parent_class)->dispose (object);
}

static void
dg_inference_class_init (DgInferenceClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dg_inference_dispose;
}

static void
dg_inference_init (DgInference *self)
{
}

/**
 * dg_inference_new:
 * @options: (nullable): limits, timeouts and backoff; zero fields take the defaults
 *
 * Returns: (transfer full): a running engine.
 */
DgInference *
dg_inference_new (const DgInferenceOptions *options)
{
  DgInference *self = g_object_new (DG_TYPE_INFERENCE, NULL);

  self->worker = dg_inference_worker_new (options);
  return self;
}

/**
 * dg_inference_new_from_config:
 * @config: the instance settings
 *
 * Returns: (transfer full): a running engine with the configured limits.
 */
DgInference *
dg_inference_new_from_config (DgConfig *config)
{
  DgInferenceOptions options;

  g_return_val_if_fail (config != NULL, NULL);
  dg_inference_options_init_from_config (&options, config);
  return dg_inference_new (&options);
}

void
dg_inference_options_init_from_config (DgInferenceOptions *options, DgConfig *config)
{
  g_return_if_fail (options != NULL);
  g_return_if_fail (config != NULL);

  memset (options, 0, sizeof *options);
  options->concurrency = (guint) MAX (0, config->inference_concurrency);
  options->max_attempts = (guint) MAX (0, config->inference_max_attempts);
  options->connect_timeout_ms = (guint) MAX (0, config->inference_connect_timeout_ms);
  options->timeout_ms = (guint) MAX (0, config->inference_timeout_ms);
  options->log_requests = config->log_inference_requests;
}

DgInferenceWorker *
dg_inference_get_worker (DgInference *self)
{
  return self->worker;
}

void
dg_inference_submit (DgInference *self, DgInferenceQueue *queue, DgInferenceRequest *request,
                     GCancellable *cancellable, DgInferenceCallback callback, gpointer user_data,
                     GDestroyNotify destroy)
{
  g_return_if_fail (DG_IS_INFERENCE (self));
  g_return_if_fail (self->worker != NULL);
  g_return_if_fail (request != NULL);
  g_return_if_fail (callback != NULL);
  g_return_if_fail (queue == NULL || queue->worker == self->worker);
  g_return_if_fail (!g_atomic_int_get (&request->submitted));

  dg_inference_worker_submit (
      self->worker, queue != NULL ? queue : dg_inference_worker_get_default_queue (self->worker),
      request, cancellable, callback, user_data, destroy);
}

static void
request_async_done (DgInferenceResult *result, gpointer user_data)
{
  GTask *task = user_data;

  g_task_return_pointer (task, dg_inference_result_ref (result),
                         (GDestroyNotify) dg_inference_result_unref);
}

void
dg_inference_request_async (DgInference *self, DgInferenceQueue *queue, DgInferenceRequest *request,
                            GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data)
{
  GTask *task;

  g_return_if_fail (DG_IS_INFERENCE (self));
  g_return_if_fail (request != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dg_inference_request_async);
  /* Our result says "cancelled" itself, with the attempts made so far. */
  g_task_set_check_cancellable (task, FALSE);
  dg_inference_submit (self, queue, request, cancellable, request_async_done, task, g_object_unref);
}

DgInferenceResult *
dg_inference_request_finish (DgInference *self, GAsyncResult *result, GError **error)
{
  DgInferenceResult *res;

  g_return_val_if_fail (DG_IS_INFERENCE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  res = g_task_propagate_pointer (G_TASK (result), error);
  if (res != NULL && res->status != DG_INFERENCE_STATUS_OK && res->error != NULL)
    g_propagate_error (error, g_error_copy (res->error));
  return res;
}

void
dg_inference_shutdown (DgInference *self)
{
  g_return_if_fail (DG_IS_INFERENCE (self));
  if (self->worker != NULL)
    dg_inference_worker_shutdown (self->worker);
}

guint
dg_inference_get_concurrency (DgInference *self)
{
  g_return_val_if_fail (DG_IS_INFERENCE (self), 0);
  return dg_inference_worker_get_concurrency (self->worker);
}

void
dg_inference_set_concurrency (DgInference *self, guint concurrency)
{
  g_return_if_fail (DG_IS_INFERENCE (self));
  g_return_if_fail (concurrency > 0);
  dg_inference_worker_set_concurrency (self->worker, concurrency);
}

void
dg_inference_get_stats (DgInference *self, DgInferenceStats *out_stats)
{
  g_return_if_fail (DG_IS_INFERENCE (self));
  g_return_if_fail (out_stats != NULL);
  dg_inference_worker_get_stats (self->worker, out_stats);
}

guint
dg_inference_get_endpoint_limit (DgInference *self, DgInferenceEndpoint *endpoint)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (DG_IS_INFERENCE (self), 0);
  g_return_val_if_fail (endpoint != NULL, 0);
  key = dg_inference_endpoint_dup_key (endpoint);
  return dg_inference_worker_get_endpoint_limit (self->worker, key);
}

/* ---- model listing: rare, so a blocking transfer in a GTask thread ---- */

typedef struct
{
  char *base_url;
  char *api_key;
  DgUrlPolicyFlags policy;
  guint connect_timeout_ms;
  guint timeout_ms;
  gboolean offline;
} ModelsData;

static void
models_data_free (gpointer data)
{
  ModelsData *d = data;

  g_free (d->base_url);
  if (d->api_key != NULL)
    explicit_bzero (d->api_key, strlen (d->api_key));
  g_free (d->api_key);
  g_free (d);
}

typedef struct
{
  GString *body;
  GCancellable *cancellable;
} ModelsTransfer;

static size_t
models_write_cb (char *ptr, size_t size, size_t nmemb, void *data)
{
  ModelsTransfer *xfer = data;
  size_t n = size * nmemb;

  if (xfer->body->len + n > DG_INFERENCE_MAX_RESPONSE_BYTES)
    return 0;
  g_string_append_len (xfer->body, ptr, (gssize) n);
  return n;
}

static int
models_progress_cb (void *data, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                    curl_off_t ulnow)
{
  ModelsTransfer *xfer = data;

  return g_cancellable_is_cancelled (xfer->cancellable) ? 1 : 0;
}

/* One GET; returns the HTTP status (0 on transport errors, with @error set). */
static long
models_get (ModelsData *d, const char *url, GString *body, GCancellable *cancellable,
            GError **error)
{
  DgInferencePolicyGuard guard = { d->policy, NULL };
  ModelsTransfer xfer = { body, cancellable };
  struct curl_slist *headers = NULL;
  g_autofree char *auth = NULL;
  char errbuf[CURL_ERROR_SIZE] = "";
  CURL *easy = curl_easy_init ();
  CURLcode rc;
  long status = 0;

  headers = curl_slist_append (headers, "Accept: application/json");
  if (d->api_key != NULL)
    {
      auth = g_strconcat ("Authorization: Bearer ", d->api_key, NULL);
      headers = curl_slist_append (headers, auth);
    }
  curl_easy_setopt (easy, CURLOPT_URL, url);
  curl_easy_setopt (easy, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt (easy, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (easy, CURLOPT_WRITEFUNCTION, models_write_cb);
  curl_easy_setopt (easy, CURLOPT_WRITEDATA, &xfer);
  curl_easy_setopt (easy, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (easy, CURLOPT_XFERINFOFUNCTION, models_progress_cb);
  curl_easy_setopt (easy, CURLOPT_XFERINFODATA, &xfer);
  curl_easy_setopt (easy, CURLOPT_ERRORBUFFER, errbuf);
  dg_inference_setup_easy (easy, &guard, d->connect_timeout_ms, d->timeout_ms);

  rc = curl_easy_perform (easy);
  curl_easy_getinfo (easy, CURLINFO_RESPONSE_CODE, &status);
  if (auth != NULL)
    explicit_bzero (auth, strlen (auth));
  curl_slist_free_all (headers);
  curl_easy_cleanup (easy);

  if (rc == CURLE_OK)
    return status;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    ;
  else if (guard.error != NULL)
    g_set_error_literal (error, DG_INFERENCE_ERROR, DG_INFERENCE_ERROR_ENDPOINT,
                         guard.error->message);
  else if (rc == CURLE_OPERATION_TIMEDOUT)
    g_set_error (error, DG_INFERENCE_ERROR, DG_INFERENCE_ERROR_TIMEOUT,
                 "Model list request timed out (%s)", errbuf[0] ? errbuf : curl_easy_strerror (rc));
  else
    g_set_error (error, DG_INFERENCE_ERROR, DG_INFERENCE_ERROR_TRANSPORT,
                 "Model list request failed: %s", errbuf[0] ? errbuf : curl_easy_strerror (rc));
  g_clear_error (&guard.error);
  return 0;
}

static void
list_models_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  static const char *const paths[] = { "/models", "/get_models" };
  ModelsData *d = task_data;
  GError *error = NULL;
  long last_status = 0;
  gsize len;

  if (d->offline)
    {
      JsonArray *models = json_array_new ();
      json_array_add_string_element (models, "offline");
      g_task_return_pointer (task, models, (GDestroyNotify) json_array_unref);
      return;
    }
  if (!dg_url_policy_check (d->base_url, d->policy, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  len = strlen (d->base_url);
  if (len > 0 && d->base_url[len - 1] == '/')
    len--;
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *url = g_strdup_printf ("%.*s%s", (int) len, d->base_url, paths[i]);
      g_autoptr (GString) body = g_string_new (NULL);
      g_autoptr (JsonNode) root = NULL;
      JsonNode *data;
      JsonArray *models;

      last_status = models_get (d, url, body, cancellable, &error);
      if (last_status == 0)
        {
          g_task_return_error (task, error);
          return;
        }
      if (last_status < 200 || last_status >= 300)
        continue;

      root = dg_json_repair_parse_strict (body->str, (gssize) body->len, &error);
      if (root == NULL)
        {
          g_prefix_error (&error, "Model list: ");
          g_task_return_error (task, error);
          return;
        }
      data = JSON_NODE_HOLDS_OBJECT (root)
                 ? json_object_get_member (json_node_get_object (root), "data")
                 : NULL;
      if (data != NULL && JSON_NODE_HOLDS_ARRAY (data) &&
          json_array_get_length (json_node_get_array (data)) > 0)
        models = json_array_ref (json_node_get_array (data));
      else if (JSON_NODE_HOLDS_ARRAY (root))
        models = json_array_ref (json_node_get_array (root));
      else
        models = json_array_new ();
      g_task_return_pointer (task, models, (GDestroyNotify) json_array_unref);
      return;
    }
  g_task_return_new_error (task, DG_INFERENCE_ERROR, DG_INFERENCE_ERROR_HTTP,
                           "Model list failed with status %ld", last_status);
}

void
dg_inference_list_models_async (DgInference *self, DgInferenceEndpoint *endpoint,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data)
{
  const DgInferenceOptions *options;
  g_autoptr (GTask) task = NULL;
  ModelsData *d;

  g_return_if_fail (DG_IS_INFERENCE (self));
  g_return_if_fail (endpoint != NULL);

  options = dg_inference_worker_get_options (self->worker);
  d = g_new0 (ModelsData, 1);
  d->offline = endpoint->backend == DG_INFERENCE_BACKEND_OFFLINE || endpoint->base_url == NULL;
  d->base_url = g_strdup (endpoint->base_url);
  d->api_key = g_strdup (endpoint->api_key);
  d->policy = endpoint->url_policy;
  d->connect_timeout_ms =
      endpoint->connect_timeout_ms ? endpoint->connect_timeout_ms : options->connect_timeout_ms;
  /* A model list is small: do not wait as long as for a generation. */
  d->timeout_ms = endpoint->timeout_ms ? endpoint->timeout_ms : MIN (options->timeout_ms, 30000);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dg_inference_list_models_async);
  g_task_set_task_data (task, d, models_data_free);
  g_task_run_in_thread (task, list_models_thread);
}

/**
 * dg_inference_list_models_finish:
 * @self: the engine
 * @result: the GAsyncResult
 * @error: why listing failed
 *
 * Returns: (transfer full): the models, entries passed through unchanged.
 */
JsonArray *
dg_inference_list_models_finish (DgInference *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
