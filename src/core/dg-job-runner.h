/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "dg-config.h"
#include "dg-inference.h"
#include "dg-job.h"
#include "dg-store.h"

G_BEGIN_DECLS

/*
 * DgJobRunner: runs this instance's slices of jobs, several jobs at once, on
 * its own thread (with its own main context, so SQLite writes never touch a
 * UI loop).
 *
 * For each job it keeps a window of record requests submitted to DgInference
 * (which shares the instance's concurrency fairly between jobs), or generates
 * records with dg-offline when the job's backend is offline. Every record is
 * validated against the job's schema (compiled once per job), fingerprinted
 * for duplicate detection, and stored with its attempts in batches: every
 * batch_records records or batch_interval_ms, whichever comes first, in one
 * transaction that also updates the slice and job counters and the metrics.
 * On start it reads the indices already stored and never requests them again;
 * the records table key makes each index stored exactly once whatever crashes.
 *
 * A job fails only when it cannot continue (its schema does not compile, its
 * endpoint cannot be built, the database refuses writes). When the model
 * server keeps failing (transport errors, timeouts, refused credentials) the
 * job is paused with the reason instead of burning through its records.
 *
 * Leases in the jobs table make sure that two processes on one database (the
 * desktop app and the CLI) never run the same job; a lease of a process that
 * died is taken over at once.
 */

#define DG_TYPE_JOB_RUNNER (dg_job_runner_get_type ())
G_DECLARE_FINAL_TYPE (DgJobRunner, dg_job_runner, DG, JOB_RUNNER, GObject)

typedef struct {
  guint batch_records;         /* records per transaction at most (0: 256) */
  guint batch_interval_ms;     /* longest a finished record waits to be stored (0: 100) */
  guint window;                /* record requests submitted per job at once (0: 2 × concurrency) */
  guint max_duplicate_retries; /* regenerations of one index when duplicates are refused (0: 3) */
  guint failure_streak;        /* consecutive endpoint failures that pause a job (0: 8) */
  guint lease_ms;              /* lease length, renewed while running (0: 30000) */
  gboolean regenerate_duplicates_default; /* for jobs whose run record does not say */
} DgJobRunnerOptions;

/*
 * Builds the endpoint of a job's record calls. Runs on the runner thread and
 * may block (to look up an API key). The default (NULL resolver) uses the
 * job's run record and details with dg_inference_endpoint_resolve().
 */
typedef DgInferenceEndpoint *(*DgJobEndpointResolver) (DgJob    *job,
                                                       gpointer  user_data,
                                                       GError  **error);

/* The default: backend from the run record ("backend", "urlPolicy"), server from the details
 * ("inference": useExternalApi, baseUrl, path, model, parameters), else the configuration. */
DgInferenceEndpoint *dg_job_runner_default_endpoint (DgConfig  *config,
                                                     DgJob     *job,
                                                     GError   **error);

/* Called on the notify context with the runner's latest view of a job. */
typedef void (*DgJobRunnerNotify) (const DgJobProgress *progress,
                                   gpointer             user_data);

/*
 * @peer_id: this instance's peer (config->host_addr); @notify_context: where
 * @notify runs (NULL: the thread-default context of the caller).
 */
DgJobRunner  *dg_job_runner_new           (DgConfig                 *config,
                                           DgStore                  *store,
                                           DgInference              *inference,
                                           const char               *peer_id,
                                           const DgJobRunnerOptions *options,
                                           DgJobRunnerNotify         notify,
                                           gpointer                  notify_data,
                                           GMainContext             *notify_context);

void          dg_job_runner_set_endpoint_resolver (DgJobRunner           *self,
                                                   DgJobEndpointResolver  resolver,
                                                   gpointer               user_data,
                                                   GDestroyNotify         destroy);

/* Starts (or keeps running) @job_id if it is queued or running. Thread-safe. */
void          dg_job_runner_run           (DgJobRunner  *self,
                                           const char   *job_id);
/* Starts every queued or running job with an unfinished slice of this peer. Thread-safe. */
void          dg_job_runner_run_pending   (DgJobRunner  *self);
/*
 * Stops @job_id here (for pause, cancel, delete or retry): its requests are
 * cancelled, finished records are stored, its lease released. With @wait,
 * returns only once that is done (never call it with @wait on the runner
 * thread). Thread-safe.
 */
void          dg_job_runner_stop          (DgJobRunner  *self,
                                           const char   *job_id,
                                           gboolean      wait);
gboolean      dg_job_runner_is_running    (DgJobRunner  *self,
                                           const char   *job_id);
/* Stops every job (storing what is finished) and joins the thread. Idempotent. */
void          dg_job_runner_shutdown      (DgJobRunner  *self);

/* The lease holder name of this process ("host:pid:boot"). */
const char   *dg_job_runner_get_holder    (DgJobRunner  *self);
/* CPU time of the runner so far, in microseconds (benchmarks): its thread, plus the
 * validation of model output it hooks into the inference worker. */
gint64        dg_job_runner_get_cpu_us    (DgJobRunner  *self);

G_END_DECLS
