/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Shared by dg-job-runner.c (the thread and control) and dg-job-runner-job.c (one job). */

#include "dg-job-runner.h"
#include "dg-json-schema.h"
#include "dg-offline.h"
#include "dg-prompts.h"
#include "dg-store-records.h"

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
  GSource *lease_source;
  guint offline_source;
  guint in_flight;
  gboolean stopping;
  gboolean dropped;
  gboolean not_ours; /* another process holds the lease */
  GPtrArray *waiters; /* RunnerWaiter* */

  guint64 seed;
  gboolean regenerate_duplicates;
  guint requested_window; /* the run record's "concurrency" (0: follow the instance budget) */
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

/* What earlier outputs for one index cost, when they were thrown away (duplicates, re-asks). */
typedef struct
{
  guint rounds;     /* regenerations so far (each uses a new seed) */
  guint duplicates; /* duplicate outputs seen */
  GArray *attempts; /* DgStoreAttempt */
  gint64 prompt_tokens;
  gint64 completion_tokens;
  gint64 model_ms;
} Carry;

/* The seed of regeneration @round of an index: a new output each time. */
static inline guint64
runner_round_seed (guint64 seed, guint round)
{
  return seed ^ ((guint64) round * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));
}

/* dg-job-runner-records.c */
void           runner_carry_free           (gpointer            data);
Carry         *runner_carry_get            (RunnerJob          *job,
                                            gint64              offset);
void           runner_carry_add_result     (Carry              *carry,
                                            DgInferenceResult  *result);
DgStoreRecord *runner_record_from_carry    (RunnerJob          *job,
                                            gint64              offset,
                                            char               *data,
                                            char               *fingerprint,
                                            char               *error);
void           runner_accept_output        (RunnerJob          *job,
                                            gint64              offset,
                                            JsonNode           *output);
void           runner_requeue_refused      (RunnerJob          *job,
                                            GPtrArray          *refused);
gboolean       runner_is_endpoint_failure  (DgInferenceResult  *result);
void           runner_generate_offline     (RunnerJob          *job,
                                            gint64              offset);
void           runner_set_validator        (DgInferenceRequest *request,
                                            DgJsonSchema       *schema,
                                            DgJobRunner        *runner);

/* dg-job-runner-job.c: runs on the runner thread. */
void       runner_add_record         (RunnerJob     *job,
                                      DgStoreRecord *record);
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
