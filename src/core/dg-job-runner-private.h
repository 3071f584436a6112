/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Shared by dg-job-runner.c (the thread and control) and dg-job-runner-job.c (one job). */

#include "dg-job-runner.h"
#include "dg-json-schema.h"
#include "dg-offline.h"
#include "dg-prompts.h"

G_BEGIN_DECLS

typedef struct _RunnerJob RunnerJob;

struct _DgJobRunner
{
  GObject parent_instance;

  DgConfig *config;
  DgStore *store;
  DgInference *inference;
  char *peer_id;
  char *holder;
  DgJobRunnerOptions options;

  GMutex lock; /* guards notify*, resolver*, running and shut_down */
  DgJobRunnerNotify notify;
  gpointer notify_data;
  GMainContext *notify_context;
  DgJobEndpointResolver resolver;
  gpointer resolver_data;
  GDestroyNotify resolver_destroy;
  GHashTable *running; /* job id set, for dg_job_runner_is_running() from any thread */
  gboolean shut_down;

  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  gint64 thread_cpu_base_us;
  gssize validate_ns; /* atomic: CPU time of record validation on the inference worker */
  clockid_t thread_clock;
  gboolean have_thread_clock;

  /* Runner thread only. */
  GHashTable *jobs; /* id -> RunnerJob */
  gboolean quitting;
};

/* A thread waiting for a job to stop. */
typedef struct
{
  GMutex mutex;
  GCond cond;
  gboolean done;
} RunnerWaiter;

struct _RunnerJob
{
  gatomicrefcount ref_count;
  DgJobRunner *runner; /* strong reference */
  char *id;
  char *owner;
  gint64 start, end; /* this peer's slice */
  gint64 total_records;

  guint8 *stored; /* bitmap of [start, end): stored indices */
  gint64 stored_count;
  gint64 cursor; /* next index to consider */
  GQueue retry;  /* indices to request again (GINT_TO_POINTER (offset)) */
  GHashTable *carry; /* offset -> Carry: cost of outputs thrown away for this index */
  GHashTable *batch_fingerprints;
  GPtrArray *batch;    /* DgStoreRecord* not stored yet */
  GPtrArray *suspects; /* failures that may be the endpoint's fault */
  GSource *flush_source;
  guint offline_source;
  guint in_flight;
  gboolean stopping;
  gboolean dropped;
  gboolean not_ours; /* another process holds the lease */
  GPtrArray *waiters; /* RunnerWaiter* */

  guint64 seed;
  gboolean regenerate_duplicates;
  guint window;
  guint max_attempts;
  JsonNode *schema_node;
  DgJsonSchema *schema;
  DgRecordPrompt *prompt;
  DgInferenceEndpoint *endpoint;
  DgInferenceRequest *template_request;
  DgInferenceQueue *queue;
  DgOfflineGenerator *generator;

  gint64 total_ok, total_failed; /* job-wide, as stored */
  gint64 processed_here;         /* stored by this run */
  guint failure_streak;
  guint flush_failures;
  char *message;
  DgJobStatus status;
  gint64 last_notify_us;
  gint64 last_renew_ms;
  gint64 rate_time_us[8];
  gint64 rate_count[8];
  guint rate_next;
};

/* dg-job-runner-job.c: runs on the runner thread. */
void       runner_job_start          (DgJobRunner *runner,
                                      const char  *job_id);
void       runner_job_stop           (RunnerJob   *job);
RunnerJob *runner_job_ref            (RunnerJob   *job);
void       runner_job_unref          (RunnerJob   *job);

/* dg-job-runner.c */
void       runner_post_progress      (DgJobRunner *runner,
                                      RunnerJob   *job,
                                      gboolean     force);
void       runner_job_dropped        (DgJobRunner *runner,
                                      RunnerJob   *job);
DgInferenceEndpoint *runner_resolve_endpoint (DgJobRunner *runner,
                                              DgJob       *job,
                                              GError     **error);

G_END_DECLS
