/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dg-inference-private.h"

G_BEGIN_DECLS

/* Shared by dg-inference-worker.c (life cycle, submission, delivery) and
 * dg-inference-worker-loop.c (the thread: scheduling, transfers, attempts). */

typedef struct
{
  char *key;
  guint in_flight;
  double limit;             /* adaptive (AIMD), 1 .. concurrency */
  gint64 last_decrease_us;  /* transfers started before this do not shrink the limit again */
  gint64 hold_until_us;     /* Retry-After */
  gboolean json_schema_refused;
} EndpointState;

typedef struct
{
  char *name;
  GQueue queues;     /* DgInferenceQueue* (strong) with ready work, in turn order */
  gboolean active;   /* in worker->owner_rr */
} OwnerState;

typedef enum {
  TASK_NEW,
  TASK_READY,
  TASK_WAITING,
  TASK_RUNNING,
  TASK_DONE,
} TaskState;

typedef struct
{
  guint64 id;
  DgInferenceWorker *worker;
  DgInferenceRequest *request;
  DgInferenceQueue *queue;
  GMainContext *context;
  DgInferenceCallback callback;
  gpointer user_data;
  GDestroyNotify destroy;
  GCancellable *cancellable;
  gulong cancel_handler;

  /* Worker thread only. */
  TaskState state;
  EndpointState *ep;
  GList *link; /* in queue->ready or worker->waiting */
  gint64 wake_us;
  DgInferenceResult *result;
  guint counted_attempts;
  guint max_attempts;
  gboolean json_object_only;
  gint64 submitted_us;
  guint64 rng;

  CURL *easy;
  struct curl_slist *headers;
  GString *body;
  GString *response;
  gboolean too_large;
  gint64 retry_after_ms;
  gint64 attempt_start_us;
  gint64 attempt_start_ms;
  DgInferencePolicyGuard guard;
  char errbuf[CURL_ERROR_SIZE];
} Task;

typedef enum {
  CMD_SUBMIT,
  CMD_CANCEL_TASK,
  CMD_CANCEL_QUEUE,
  CMD_SET_CONCURRENCY,
} CommandKind;

typedef struct
{
  CommandKind kind;
  Task *task;
  guint64 id;               /* CMD_CANCEL_TASK: the task; CMD_SET_CONCURRENCY: the new budget */
  DgInferenceQueue *queue;
} Command;

struct _DgInferenceWorker
{
  gatomicrefcount ref_count;
  DgInferenceOptions options; /* options.concurrency: the budget the worker thread applies */
  guint concurrency;          /* atomic: the budget last asked for, for other threads */
  GThread *thread;
  CURLM *multi;
  DgInferenceQueue *default_queue;
  gsize next_id; /* atomic */

  GMutex lock; /* commands, quit, joined */
  GQueue commands;
  gboolean quit;
  gboolean joined;

  GMutex stats_lock;
  DgInferenceStats stats;
  GHashTable *limits; /* endpoint key → limit, a copy for other threads */

  /* Worker thread only. */
  GHashTable *tasks;     /* id → Task* */
  GHashTable *endpoints; /* key → EndpointState* */
  GHashTable *owners;    /* name → OwnerState* */
  GQueue owner_rr;       /* OwnerState* with ready work */
  GQueue waiting;        /* Task* in backoff, by wake time */
  GQueue idle_easy;      /* CURL* for reuse */
  guint http_in_flight;
  guint offline_ready;
};

typedef enum
{
  RETRY_NONE,      /* final: deliver */
  RETRY_BACKOFF,   /* transport, timeout, 408, 429, 5xx */
  RETRY_IMMEDIATE, /* re-ask: unparsable, invalid, bad response */
} RetryKind;

gpointer dg_inference_worker_thread (gpointer data);
void dg_inference_worker_publish_limit (DgInferenceWorker *w, EndpointState *ep);
void dg_inference_worker_release_transfer (DgInferenceWorker *w, Task *t);
void dg_inference_worker_update_in_flight (DgInferenceWorker *w);
/* Records the attempt, then delivers, re-asks or waits. Takes @error and @output. */
void dg_inference_worker_conclude (DgInferenceWorker *w, Task *t, DgInferenceOutcome outcome,
                                   guint http_status, GError *error, JsonNode *output,
                                   gint64 prompt_tokens, gint64 completion_tokens,
                                   RetryKind retry, gint64 retry_after_ms);
gboolean dg_inference_worker_validate (Task *t, JsonNode *output, GError **error);

/* dg-inference-transfer.c */
void dg_inference_transfer_start (DgInferenceWorker *w, Task *t);
void dg_inference_transfer_complete (DgInferenceWorker *w, Task *t, CURLcode rc);
void dg_inference_task_deliver (Task *task);
void dg_inference_task_free (Task *task);
DgInferenceQueue *dg_inference_worker_queue_ref (DgInferenceWorker *w, DgInferenceQueue *q);
void dg_inference_worker_queue_unref (DgInferenceWorker *w, DgInferenceQueue *q);

G_END_DECLS
