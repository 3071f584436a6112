/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-inference"

#include "config.h"

#include <string.h>
#include <time.h>

#include "dg-inference-worker-private.h"
#include "dg-util.h"

/*
 * The inference worker: one thread, one libcurl multi handle, every endpoint.
 *
 * Other threads talk to it only through a locked command list (submit, cancel) followed by
 * curl_multi_wakeup(). Results leave it as idle sources attached to the submitter's main
 * context. Everything below "worker thread only" is touched by this thread alone.
 */

static void
endpoint_state_free (gpointer data)
{
  EndpointState *ep = data;

  g_free (ep->key);
  g_free (ep);
}

static void
owner_state_free (gpointer data)
{
  OwnerState *owner = data;

  g_assert (g_queue_is_empty (&owner->queues)); /* emptied by the thread when it stops */
  g_free (owner->name);
  g_free (owner);
}

static void
apply_defaults (DgInferenceOptions *o)
{
#define DEFAULT(field, value) \
  if (o->field == 0)          \
  o->field = (value)
  DEFAULT (concurrency, DG_INFERENCE_DEFAULT_CONCURRENCY);
  DEFAULT (max_attempts, DG_INFERENCE_DEFAULT_MAX_ATTEMPTS);
  DEFAULT (connect_timeout_ms, DG_INFERENCE_DEFAULT_CONNECT_TIMEOUT_MS);
  DEFAULT (timeout_ms, DG_INFERENCE_DEFAULT_TIMEOUT_MS);
  DEFAULT (backoff_base_ms, DG_INFERENCE_DEFAULT_BACKOFF_BASE_MS);
  DEFAULT (backoff_max_ms, DG_INFERENCE_DEFAULT_BACKOFF_MAX_MS);
  DEFAULT (retry_after_max_ms, DG_INFERENCE_DEFAULT_RETRY_AFTER_MAX_MS);
#undef DEFAULT
}

DgInferenceWorker *
dg_inference_worker_new (const DgInferenceOptions *options)
{
  DgInferenceWorker *w = g_new0 (DgInferenceWorker, 1);

  dg_curl_global_init ();

  g_atomic_ref_count_init (&w->ref_count);
  if (options != NULL)
    w->options = *options;
  apply_defaults (&w->options);
  w->concurrency = w->options.concurrency;
  g_mutex_init (&w->lock);
  g_mutex_init (&w->stats_lock);
  g_queue_init (&w->commands);
  w->limits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  w->tasks = g_hash_table_new (g_int64_hash, g_int64_equal);
  w->endpoints = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, endpoint_state_free);
  w->owners = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, owner_state_free);
  w->multi = curl_multi_init ();
  /* Keep a connection per slot alive so every request reuses one. */
  curl_multi_setopt (w->multi, CURLMOPT_MAXCONNECTS, (long) w->options.concurrency * 2 + 4);

  w->thread = g_thread_new ("dg-inference", dg_inference_worker_thread, w);

  w->default_queue = g_new0 (DgInferenceQueue, 1);
  g_atomic_ref_count_init (&w->default_queue->ref_count);
  w->default_queue->owner = g_strdup ("");
  w->default_queue->label = g_strdup ("default");
  w->default_queue->id = dg_inference_worker_next_queue_id (w);
  g_queue_init (&w->default_queue->ready);
  /* The default queue holds no reference to the worker (it would be a cycle). */
  return w;
}

DgInferenceWorker *
dg_inference_worker_ref (DgInferenceWorker *w)
{
  g_atomic_ref_count_inc (&w->ref_count);
  return w;
}

void
dg_inference_worker_unref (DgInferenceWorker *w)
{
  if (!g_atomic_ref_count_dec (&w->ref_count))
    return;
  dg_inference_worker_shutdown (w);
  g_free (w->default_queue->owner);
  g_free (w->default_queue->label);
  g_free (w->default_queue);
  g_queue_clear_full (&w->idle_easy, (GDestroyNotify) curl_easy_cleanup);
  curl_multi_cleanup (w->multi);
  g_hash_table_unref (w->tasks);
  g_hash_table_unref (w->endpoints);
  g_hash_table_unref (w->owners);
  g_hash_table_unref (w->limits);
  g_mutex_clear (&w->lock);
  g_mutex_clear (&w->stats_lock);
  g_free (w);
}

const DgInferenceOptions *
dg_inference_worker_get_options (DgInferenceWorker *w)
{
  return &w->options;
}

guint64
dg_inference_worker_next_queue_id (DgInferenceWorker *w)
{
  return (guint64) g_atomic_pointer_add ((gsize *) &w->next_id, 1) + 1;
}

DgInferenceQueue *
dg_inference_worker_get_default_queue (DgInferenceWorker *w)
{
  return w->default_queue;
}

/* Queue references, except for the default queue which lives as long as the worker. */
DgInferenceQueue *
dg_inference_worker_queue_ref (DgInferenceWorker *w, DgInferenceQueue *q)
{
  return q == w->default_queue ? q : dg_inference_queue_ref (q);
}

void
dg_inference_worker_queue_unref (DgInferenceWorker *w, DgInferenceQueue *q)
{
  if (q != w->default_queue)
    dg_inference_queue_unref (q);
}

static void
command_free (DgInferenceWorker *w, Command *cmd)
{
  if (cmd->queue != NULL)
    dg_inference_worker_queue_unref (w, cmd->queue);
  g_free (cmd);
}

/* Returns FALSE (and frees @cmd) when the worker has stopped taking commands. */
static gboolean
push_command (DgInferenceWorker *w, Command *cmd)
{
  gboolean accepted;

  g_mutex_lock (&w->lock);
  accepted = !w->quit;
  if (accepted)
    g_queue_push_tail (&w->commands, cmd);
  g_mutex_unlock (&w->lock);
  if (accepted)
    curl_multi_wakeup (w->multi);
  else if (cmd->kind != CMD_SUBMIT)
    command_free (w, cmd);
  return accepted;
}

/* ---- delivery (runs on the submitter's context) ---- */

void
dg_inference_task_free (Task *task)
{
  if (task->cancellable != NULL)
    {
      if (task->cancel_handler != 0)
        g_cancellable_disconnect (task->cancellable, task->cancel_handler);
      g_object_unref (task->cancellable);
    }
  if (task->destroy != NULL)
    task->destroy (task->user_data);
  g_clear_pointer (&task->result, dg_inference_result_unref);
  dg_inference_request_unref (task->request);
  dg_inference_worker_queue_unref (task->worker, task->queue);
  g_main_context_unref (task->context);
  dg_inference_worker_unref (task->worker);
  g_free (task);
}

static gboolean
deliver_cb (gpointer data)
{
  Task *task = data;

  g_atomic_int_add (&task->queue->pending, -1);
  task->callback (task->result, task->user_data);
  return G_SOURCE_REMOVE;
}

void
dg_inference_task_deliver (Task *task)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_static_name (source, "[dg-inference] result");
  g_source_set_callback (source, deliver_cb, task, (GDestroyNotify) dg_inference_task_free);
  g_source_attach (source, task->context);
  g_source_unref (source);
}

/* ---- submission (any thread) ---- */

typedef struct
{
  DgInferenceWorker *worker;
  guint64 id;
} CancelData;

static void
cancel_data_free (gpointer data)
{
  CancelData *cd = data;

  dg_inference_worker_unref (cd->worker);
  g_free (cd);
}

static void
on_cancelled (GCancellable *cancellable, gpointer data)
{
  CancelData *cd = data;
  Command *cmd = g_new0 (Command, 1);

  cmd->kind = CMD_CANCEL_TASK;
  cmd->id = cd->id;
  push_command (cd->worker, cmd);
}

static DgInferenceResult *
result_for_request (DgInferenceRequest *request)
{
  DgInferenceResult *result = dg_inference_result_new ();

  result->index = request->index;
  return result;
}

void
dg_inference_worker_submit (DgInferenceWorker *w, DgInferenceQueue *queue,
                            DgInferenceRequest *request, GCancellable *cancellable,
                            DgInferenceCallback callback, gpointer user_data,
                            GDestroyNotify destroy)
{
  Task *task = g_new0 (Task, 1);
  Command *cmd;

  dg_inference_request_prepare (request);
  g_atomic_int_set (&request->submitted, TRUE);

  task->id = (guint64) g_atomic_pointer_add ((gsize *) &w->next_id, 1) + 1;
  task->worker = dg_inference_worker_ref (w);
  task->request = dg_inference_request_ref (request);
  task->queue = dg_inference_worker_queue_ref (w, queue);
  task->context = g_main_context_ref_thread_default ();
  task->callback = callback;
  task->user_data = user_data;
  task->destroy = destroy;
  task->submitted_us = g_get_monotonic_time ();
  task->result = result_for_request (request);
  g_atomic_int_inc (&queue->pending);

  /* Connect before queueing: the worker also checks the cancellable when it takes the task. */
  if (cancellable != NULL)
    {
      CancelData *cd = g_new0 (CancelData, 1);

      cd->worker = dg_inference_worker_ref (w);
      cd->id = task->id;
      task->cancellable = g_object_ref (cancellable);
      task->cancel_handler =
          g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), cd, cancel_data_free);
    }

  g_mutex_lock (&w->stats_lock);
  w->stats.submitted++;
  g_mutex_unlock (&w->stats_lock);

  cmd = g_new0 (Command, 1);
  cmd->kind = CMD_SUBMIT;
  cmd->task = task;
  if (!push_command (w, cmd))
    {
      g_free (cmd);
      task->result->status = DG_INFERENCE_STATUS_CANCELLED;
      task->result->error = g_error_new_literal (DG_INFERENCE_ERROR, DG_INFERENCE_ERROR_SHUTDOWN,
                                                 "The inference engine has been shut down");
      dg_inference_task_deliver (task);
    }
}

void
dg_inference_worker_cancel_queue (DgInferenceWorker *w, DgInferenceQueue *queue)
{
  Command *cmd = g_new0 (Command, 1);

  cmd->kind = CMD_CANCEL_QUEUE;
  cmd->queue = dg_inference_worker_queue_ref (w, queue);
  push_command (w, cmd);
}

guint
dg_inference_worker_get_concurrency (DgInferenceWorker *w)
{
  return (guint) g_atomic_int_get ((gint *) &w->concurrency);
}

/* The worker thread applies it (it owns the endpoints' limits and the curl handles). */
void
dg_inference_worker_set_concurrency (DgInferenceWorker *w, guint concurrency)
{
  Command *cmd = g_new0 (Command, 1);

  g_atomic_int_set ((gint *) &w->concurrency, (gint) concurrency);
  cmd->kind = CMD_SET_CONCURRENCY;
  cmd->id = concurrency;
  push_command (w, cmd);
}

void
dg_inference_worker_shutdown (DgInferenceWorker *w)
{
  gboolean join;

  g_mutex_lock (&w->lock);
  w->quit = TRUE;
  join = !w->joined;
  w->joined = TRUE;
  g_mutex_unlock (&w->lock);
  if (!join)
    return;
  curl_multi_wakeup (w->multi);
  g_thread_join (w->thread);
  w->thread = NULL;
}

void
dg_inference_worker_get_stats (DgInferenceWorker *w, DgInferenceStats *out)
{
  g_mutex_lock (&w->stats_lock);
  *out = w->stats;
  g_mutex_unlock (&w->stats_lock);
}

guint
dg_inference_worker_get_endpoint_limit (DgInferenceWorker *w, const char *key)
{
  gpointer value;
  guint limit = dg_inference_worker_get_concurrency (w);

  g_mutex_lock (&w->stats_lock);
  if (g_hash_table_lookup_extended (w->limits, key, NULL, &value))
    limit = GPOINTER_TO_UINT (value);
  g_mutex_unlock (&w->stats_lock);
  return limit;
}
