/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-inference"

#include "config.h"

#include <string.h>
#include <time.h>

#include "dg-inference-worker-private.h"
#include "dg-util.h"

/*
 * The worker thread: takes commands, hands out slots fairly, drives libcurl multi, turns
 * each finished transfer into an attempt, and either retries, re-asks or delivers.
 */

#define OFFLINE_BATCH 64 /* offline records per loop turn, so HTTP work is never starved */
#define MAX_POLL_MS 1000

static guint64
next_random (Task *t)
{
  /* splitmix64: cheap, and seeded per task so jitter is reproducible in a run. */
  guint64 z = (t->rng += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

void
dg_inference_worker_publish_limit (DgInferenceWorker *w, EndpointState *ep)
{
  g_mutex_lock (&w->stats_lock);
  g_hash_table_replace (w->limits, g_strdup (ep->key),
                        GUINT_TO_POINTER (MAX (1, (guint) ep->limit)));
  g_mutex_unlock (&w->stats_lock);
}

static EndpointState *
endpoint_for (DgInferenceWorker *w, DgInferenceShared *shared)
{
  EndpointState *ep;

  if (shared->endpoint->backend == DG_INFERENCE_BACKEND_OFFLINE)
    return NULL;
  ep = g_hash_table_lookup (w->endpoints, shared->endpoint_key);
  if (ep == NULL)
    {
      ep = g_new0 (EndpointState, 1);
      ep->key = g_strdup (shared->endpoint_key);
      ep->limit = w->options.concurrency;
      g_hash_table_insert (w->endpoints, ep->key, ep);
    }
  return ep;
}

static OwnerState *
owner_for (DgInferenceWorker *w, DgInferenceQueue *q)
{
  OwnerState *owner = q->owner_state;

  if (owner == NULL)
    {
      owner = g_hash_table_lookup (w->owners, q->owner);
      if (owner == NULL)
        {
          owner = g_new0 (OwnerState, 1);
          owner->name = g_strdup (q->owner);
          g_hash_table_insert (w->owners, owner->name, owner);
        }
      q->owner_state = owner;
    }
  return owner;
}

static void
make_ready (DgInferenceWorker *w, Task *t, gboolean first)
{
  DgInferenceQueue *q = t->queue;

  t->state = TASK_READY;
  if (first)
    {
      g_queue_push_head (&q->ready, t);
      t->link = q->ready.head;
    }
  else
    {
      g_queue_push_tail (&q->ready, t);
      t->link = q->ready.tail;
    }
  if (t->ep == NULL)
    w->offline_ready++;

  if (!q->active)
    {
      OwnerState *owner = owner_for (w, q);

      q->active = TRUE;
      g_queue_push_tail (&owner->queues, dg_inference_worker_queue_ref (w, q));
      if (!owner->active)
        {
          owner->active = TRUE;
          g_queue_push_tail (&w->owner_rr, owner);
        }
    }
}

static void
wait_until (DgInferenceWorker *w, Task *t, gint64 wake_us)
{
  GList *l;

  t->state = TASK_WAITING;
  t->wake_us = wake_us;
  /* Keep the list sorted; new waits are usually the latest, so search from the tail. */
  for (l = w->waiting.tail; l != NULL && ((Task *) l->data)->wake_us > wake_us; l = l->prev)
    ;
  if (l == NULL)
    {
      g_queue_push_head (&w->waiting, t);
      t->link = w->waiting.head;
    }
  else
    {
      g_queue_insert_after (&w->waiting, l, t);
      t->link = l->next;
    }
}

void
dg_inference_worker_update_in_flight (DgInferenceWorker *w)
{
  g_mutex_lock (&w->stats_lock);
  w->stats.in_flight = w->http_in_flight;
  w->stats.max_in_flight = MAX (w->stats.max_in_flight, w->http_in_flight);
  w->stats.queued = g_hash_table_size (w->tasks) - w->http_in_flight;
  g_mutex_unlock (&w->stats_lock);
}

void
dg_inference_worker_release_transfer (DgInferenceWorker *w, Task *t)
{
  curl_multi_remove_handle (w->multi, t->easy);
  if (w->idle_easy.length < w->options.concurrency + 8)
    g_queue_push_head (&w->idle_easy, t->easy);
  else
    curl_easy_cleanup (t->easy);
  t->easy = NULL;
  g_clear_pointer (&t->headers, curl_slist_free_all);
  if (t->body != NULL)
    g_string_free (t->body, TRUE);
  t->body = NULL;
  if (t->response != NULL)
    g_string_free (t->response, TRUE);
  t->response = NULL;
  g_clear_error (&t->guard.error);
  t->ep->in_flight--;
  w->http_in_flight--;
}

static void
add_attempt (Task *t, DgInferenceOutcome outcome, guint http_status, const char *error,
             gint64 prompt_tokens, gint64 completion_tokens)
{
  DgInferenceAttempt *a = g_new0 (DgInferenceAttempt, 1);
  DgInferenceResult *r = t->result;

  a->outcome = outcome;
  a->http_status = http_status;
  a->started_at_ms = t->attempt_start_ms;
  a->duration_ms = (guint) MAX (0, (g_get_monotonic_time () - t->attempt_start_us) / 1000);
  a->error = g_strdup (error);
  a->prompt_tokens = prompt_tokens;
  a->completion_tokens = completion_tokens;
  g_ptr_array_add (r->attempts, a);

  if (prompt_tokens >= 0)
    r->prompt_tokens = MAX (r->prompt_tokens, 0) + prompt_tokens;
  if (completion_tokens >= 0)
    r->completion_tokens = MAX (r->completion_tokens, 0) + completion_tokens;
}

/* Ends the task: fills the result and sends it to the submitter. Takes @error and @output. */
static void
finish (DgInferenceWorker *w, Task *t, DgInferenceStatus status, GError *error, JsonNode *output)
{
  DgInferenceResult *r = t->result;

  g_hash_table_remove (w->tasks, &t->id);
  t->state = TASK_DONE;
  t->link = NULL;

  r->status = status;
  r->error = error;
  if (output != NULL)
    {
      json_node_seal (output);
      r->output = output;
    }
  r->failed_attempts = r->attempts->len - (status == DG_INFERENCE_STATUS_OK ? 1 : 0);
  r->duration_ms = (guint) ((g_get_monotonic_time () - t->submitted_us) / 1000);

  g_mutex_lock (&w->stats_lock);
  if (status == DG_INFERENCE_STATUS_OK)
    w->stats.completed_ok++;
  else if (status == DG_INFERENCE_STATUS_FAILED)
    w->stats.completed_failed++;
  else
    w->stats.completed_cancelled++;
  g_mutex_unlock (&w->stats_lock);

  dg_inference_task_deliver (t);
}

static gint64
backoff_ms (DgInferenceWorker *w, Task *t)
{
  guint n = MAX (1, t->counted_attempts);
  guint64 d = w->options.backoff_base_ms;

  for (guint i = 1; i < n && d < w->options.backoff_max_ms; i++)
    d *= 2;
  d = MIN (d, w->options.backoff_max_ms);
  /* "Equal jitter": half fixed, half random, so retries of one burst spread out. */
  return (gint64) (d / 2 + (d > 1 ? next_random (t) % (d - d / 2 + 1) : 0));
}

/*
 * One attempt is over. Records it, then delivers, re-asks at once, or waits (backoff,
 * Retry-After). Takes @error and @output.
 */
void
dg_inference_worker_conclude (DgInferenceWorker *w, Task *t, DgInferenceOutcome outcome,
                              guint http_status, GError *error, JsonNode *output,
                              gint64 prompt_tokens, gint64 completion_tokens, RetryKind retry,
                              gint64 retry_after_ms)
{
  gint64 delay_ms = 0;

  add_attempt (t, outcome, http_status, error != NULL ? error->message : NULL, prompt_tokens,
               completion_tokens);
  if (outcome != DG_INFERENCE_OUTCOME_FORMAT_FALLBACK)
    t->counted_attempts++;

  if (outcome == DG_INFERENCE_OUTCOME_OK)
    {
      finish (w, t, DG_INFERENCE_STATUS_OK, NULL, output);
      return;
    }
  g_clear_pointer (&output, json_node_unref);

  if (retry == RETRY_NONE || t->counted_attempts >= t->max_attempts)
    {
      finish (w, t, DG_INFERENCE_STATUS_FAILED, error, NULL);
      return;
    }
  g_clear_error (&error);

  if (retry == RETRY_BACKOFF)
    delay_ms = retry_after_ms >= 0 ? MIN (retry_after_ms, (gint64) w->options.retry_after_max_ms)
                                   : backoff_ms (w, t);
  if (delay_ms <= 0)
    make_ready (w, t, TRUE);
  else
    wait_until (w, t, g_get_monotonic_time () + delay_ms * 1000);
}

gboolean
dg_inference_worker_validate (Task *t, JsonNode *output, GError **error)
{
  DgInferenceShared *shared = t->request->shared;
  g_autofree char *reason = NULL;

  if (shared->validate == NULL)
    return TRUE;
  reason = shared->validate (output, shared->validate_data);
  if (reason == NULL)
    return TRUE;
  g_set_error (error, DG_INFERENCE_ERROR, DG_INFERENCE_ERROR_INVALID, "%s", reason);
  return FALSE;
}

static void
run_offline (DgInferenceWorker *w, Task *t)
{
  DgInferenceRequest *req = t->request;
  GError *error = NULL;
  JsonNode *output;

  t->attempt_start_us = g_get_monotonic_time ();
  t->attempt_start_ms = dg_now_ms ();
  /* Each attempt of a record gets its own deterministic variant. */
  output = dg_inference_offline_run (
      req->shared, req->index, req->seed + (guint64) t->counted_attempts * 0x9E3779B97F4A7C15ULL,
      &error);
  if (output == NULL)
    dg_inference_worker_conclude (w, t, DG_INFERENCE_OUTCOME_BAD_RESPONSE, 0, error, NULL, -1, -1,
                                  RETRY_IMMEDIATE, -1);
  else if (!dg_inference_worker_validate (t, output, &error))
    dg_inference_worker_conclude (w, t, DG_INFERENCE_OUTCOME_INVALID, 0, error, output, -1, -1,
                                  RETRY_IMMEDIATE, -1);
  else
    dg_inference_worker_conclude (w, t, DG_INFERENCE_OUTCOME_OK, 0, NULL, output, -1, -1,
                                  RETRY_NONE, -1);
}

static void
read_completions (DgInferenceWorker *w, guint *n_done)
{
  CURLMsg *msg;
  int left;

  while ((msg = curl_multi_info_read (w->multi, &left)) != NULL)
    {
      Task *t = NULL;

      if (msg->msg != CURLMSG_DONE)
        continue;
      curl_easy_getinfo (msg->easy_handle, CURLINFO_PRIVATE, (char **) &t);
      dg_inference_transfer_complete (w, t, msg->data.result);
      (*n_done)++;
    }
  dg_inference_worker_update_in_flight (w);
}

/* Removes the task from wherever it waits; a running transfer is aborted. */
static void
detach (DgInferenceWorker *w, Task *t, gboolean record_attempt)
{
  switch (t->state)
    {
    case TASK_READY:
      g_queue_delete_link (&t->queue->ready, t->link);
      if (t->ep == NULL)
        w->offline_ready--;
      break;
    case TASK_WAITING:
      g_queue_delete_link (&w->waiting, t->link);
      break;
    case TASK_RUNNING:
      dg_inference_worker_release_transfer (w, t);
      if (record_attempt)
        add_attempt (t, DG_INFERENCE_OUTCOME_CANCELLED, 0, "Cancelled", -1, -1);
      dg_inference_worker_update_in_flight (w);
      break;
    case TASK_NEW:
    case TASK_DONE:
    default:
      break;
    }
  t->link = NULL;
}

static void
cancel_task (DgInferenceWorker *w, Task *t, gboolean shutdown)
{
  detach (w, t, TRUE);
  finish (w, t, DG_INFERENCE_STATUS_CANCELLED,
          shutdown ? g_error_new_literal (DG_INFERENCE_ERROR, DG_INFERENCE_ERROR_SHUTDOWN,
                                          "The inference engine has been shut down")
                   : g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled"),
          NULL);
}

static void
take_task (DgInferenceWorker *w, Task *t)
{
  DgInferenceShared *shared = t->request->shared;

  t->state = TASK_NEW;
  t->ep = endpoint_for (w, shared);
  t->max_attempts = shared->max_attempts ? shared->max_attempts : w->options.max_attempts;
  t->rng = t->request->seed ^ ((guint64) t->request->index * 0x2545F4914F6CDD1DULL) ^ t->id;
  g_hash_table_insert (w->tasks, &t->id, t);

  if (g_atomic_int_get (&t->queue->cancelled) ||
      (t->cancellable != NULL && g_cancellable_is_cancelled (t->cancellable)))
    cancel_task (w, t, FALSE);
  else if (shared->url_error != NULL || (shared->request_url == NULL &&
                                         shared->endpoint->backend != DG_INFERENCE_BACKEND_OFFLINE))
    finish (w, t, DG_INFERENCE_STATUS_FAILED,
            g_error_new_literal (DG_INFERENCE_ERROR, DG_INFERENCE_ERROR_ENDPOINT,
                                 shared->url_error != NULL ? shared->url_error
                                                           : "Inference endpoint has no base URL"),
            NULL);
  else
    make_ready (w, t, FALSE);
}

/* A new instance budget: throttled endpoints keep their lower limits, the others follow. */
static void
apply_concurrency (DgInferenceWorker *w, guint concurrency)
{
  guint before = w->options.concurrency;
  GHashTableIter iter;
  gpointer value;

  w->options.concurrency = concurrency;
  curl_multi_setopt (w->multi, CURLMOPT_MAXCONNECTS, (long) concurrency * 2 + 4);
  g_hash_table_iter_init (&iter, w->endpoints);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      EndpointState *ep = value;

      if (ep->limit > concurrency || ep->limit >= before)
        {
          ep->limit = concurrency;
          dg_inference_worker_publish_limit (w, ep);
        }
    }
  g_debug ("Inference budget now %u requests in flight (was %u)", concurrency, before);
}

/* Returns TRUE when the worker must stop. */
static gboolean
process_commands (DgInferenceWorker *w)
{
  GQueue commands = G_QUEUE_INIT;
  gboolean quit;
  Command *cmd;

  g_mutex_lock (&w->lock);
  commands = w->commands;
  g_queue_init (&w->commands);
  quit = w->quit;
  g_mutex_unlock (&w->lock);

  while ((cmd = g_queue_pop_head (&commands)) != NULL)
    {
      switch (cmd->kind)
        {
        case CMD_SUBMIT:
          take_task (w, cmd->task);
          break;
        case CMD_CANCEL_TASK:
          {
            Task *t = g_hash_table_lookup (w->tasks, &cmd->id);
            if (t != NULL)
              cancel_task (w, t, FALSE);
          }
          break;
        case CMD_CANCEL_QUEUE:
          {
            GHashTableIter iter;
            gpointer value;
            g_autoptr (GPtrArray) victims = g_ptr_array_new ();

            g_hash_table_iter_init (&iter, w->tasks);
            while (g_hash_table_iter_next (&iter, NULL, &value))
              if (((Task *) value)->queue == cmd->queue)
                g_ptr_array_add (victims, value);
            for (guint i = 0; i < victims->len; i++)
              cancel_task (w, victims->pdata[i], FALSE);
            dg_inference_worker_queue_unref (w, cmd->queue);
          }
          break;
        case CMD_SET_CONCURRENCY:
          apply_concurrency (w, (guint) cmd->id);
          break;
        default:
          g_assert_not_reached ();
        }
      g_free (cmd);
    }
  return quit;
}

static void
wake_waiting (DgInferenceWorker *w, gint64 now)
{
  Task *t;

  while ((t = g_queue_peek_head (&w->waiting)) != NULL && t->wake_us <= now)
    {
      g_queue_pop_head (&w->waiting);
      t->link = NULL;
      make_ready (w, t, TRUE); /* retries go before new records of their job */
    }
}

static gboolean
can_start (DgInferenceWorker *w, Task *t, gint64 now, gboolean http_free, gboolean offline_ok)
{
  EndpointState *ep = t->ep;

  if (ep == NULL)
    return offline_ok;
  return http_free && now >= ep->hold_until_us && ep->in_flight < MAX (1u, (guint) ep->limit);
}

static void
deactivate_queue (DgInferenceWorker *w, DgInferenceQueue *q)
{
  q->active = FALSE;
  dg_inference_worker_queue_unref (w, q);
}

/* Round robin: owners take turns, then the queues of an owner. */
static Task *
pick (DgInferenceWorker *w, gint64 now, gboolean http_free, gboolean offline_ok)
{
  guint n_owners = w->owner_rr.length;

  for (guint i = 0; i < n_owners; i++)
    {
      OwnerState *owner = g_queue_pop_head (&w->owner_rr);
      guint n_queues = owner->queues.length;
      Task *found = NULL;

      for (guint j = 0; j < n_queues && found == NULL; j++)
        {
          DgInferenceQueue *q = g_queue_pop_head (&owner->queues);
          Task *t = g_queue_peek_head (&q->ready);

          if (t == NULL)
            {
              deactivate_queue (w, q);
              continue;
            }
          if (can_start (w, t, now, http_free, offline_ok))
            {
              g_queue_pop_head (&q->ready);
              t->link = NULL;
              if (t->ep == NULL)
                w->offline_ready--;
              found = t;
              if (g_queue_is_empty (&q->ready))
                {
                  deactivate_queue (w, q);
                  continue;
                }
            }
          g_queue_push_tail (&owner->queues, q);
        }

      if (!g_queue_is_empty (&owner->queues))
        g_queue_push_tail (&w->owner_rr, owner);
      else
        owner->active = FALSE;
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
dispatch (DgInferenceWorker *w, gint64 now)
{
  guint offline_budget = OFFLINE_BATCH;

  for (;;)
    {
      gboolean http_free = w->http_in_flight < w->options.concurrency;
      gboolean offline_ok = offline_budget > 0 && w->offline_ready > 0;
      Task *t;

      if (!http_free && !offline_ok)
        break;
      t = pick (w, now, http_free, offline_ok);
      if (t == NULL)
        break;
      if (t->ep == NULL)
        {
          offline_budget--;
          run_offline (w, t);
        }
      else
        dg_inference_transfer_start (w, t);
    }
}

static long
compute_timeout (DgInferenceWorker *w, gint64 now)
{
  long timeout = MAX_POLL_MS, curl_timeout = -1;
  Task *t;
  GHashTableIter iter;
  gpointer value;

  if (w->offline_ready > 0)
    return 0;
  curl_multi_timeout (w->multi, &curl_timeout);
  if (curl_timeout >= 0)
    timeout = MIN (timeout, curl_timeout);
  if ((t = g_queue_peek_head (&w->waiting)) != NULL)
    timeout = MIN (timeout, MAX (0, (t->wake_us - now + 999) / 1000));
  g_hash_table_iter_init (&iter, w->endpoints);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      EndpointState *ep = value;
      if (ep->hold_until_us > now)
        timeout = MIN (timeout, (ep->hold_until_us - now + 999) / 1000);
    }
  return timeout;
}

static void
update_cpu (DgInferenceWorker *w)
{
  struct timespec ts;

  if (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
    return;
  g_mutex_lock (&w->stats_lock);
  w->stats.worker_cpu_us = (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
  g_mutex_unlock (&w->stats_lock);
}

static void
stop_all (DgInferenceWorker *w)
{
  g_autoptr (GPtrArray) tasks = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, w->tasks);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (tasks, value);

  for (guint i = 0; i < tasks->len; i++)
    cancel_task (w, tasks->pdata[i], TRUE);

  g_queue_clear_full (&w->owner_rr, NULL);
  g_hash_table_iter_init (&iter, w->owners);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      OwnerState *owner = value;
      DgInferenceQueue *q;

      while ((q = g_queue_pop_head (&owner->queues)) != NULL)
        deactivate_queue (w, q);
      owner->active = FALSE;
    }
  dg_inference_worker_update_in_flight (w);
}

gpointer
dg_inference_worker_thread (gpointer data)
{
  DgInferenceWorker *w = data;

  for (;;)
    {
      guint n_done = 0;
      gint64 now;
      int running = 0;

      if (process_commands (w))
        break;
      now = g_get_monotonic_time ();
      wake_waiting (w, now);
      dispatch (w, now);
      curl_multi_perform (w->multi, &running);
      read_completions (w, &n_done);
      update_cpu (w);
      if (n_done > 0)
        continue; /* slots were freed: fill them before sleeping */
      curl_multi_poll (w->multi, NULL, 0, (int) compute_timeout (w, g_get_monotonic_time ()), NULL);
    }

  /* Commands that raced with the stop are cancelled too. */
  process_commands (w);
  stop_all (w);
  update_cpu (w);
  return NULL;
}
