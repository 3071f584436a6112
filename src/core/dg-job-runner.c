/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-runner"

#include "config.h"

#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "dg-job-runner-private.h"
#include "dg-store-jobs.h"
#include "dg-util.h"

G_DEFINE_FINAL_TYPE (DgJobRunner, dg_job_runner, G_TYPE_OBJECT)

static void
dg_job_runner_dispose (GObject *object)
{
  DgJobRunner *self = DG_JOB_RUNNER (object);

  dg_job_runner_shutdown (self);
  G_OBJECT_CLASS (dg_job_runner_parent_class)->dispose (object);
}

static void
dg_job_runner_finalize (GObject *object)
{
  DgJobRunner *self = DG_JOB_RUNNER (object);

  if (self->resolver_destroy != NULL)
    self->resolver_destroy (self->resolver_data);
  g_clear_pointer (&self->jobs, g_hash_table_unref);
  g_clear_pointer (&self->running, g_hash_table_unref);
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->notify_context, g_main_context_unref);
  g_clear_pointer (&self->config, dg_config_unref);
  g_clear_object (&self->store);
  g_clear_object (&self->inference);
  g_free (self->peer_id);
  g_free (self->holder);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (dg_job_runner_parent_class)->finalize (object);
}

static void
dg_job_runner_class_init (DgJobRunnerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dg_job_runner_dispose;
  G_OBJECT_CLASS (klass)->finalize = dg_job_runner_finalize;
}

static void
dg_job_runner_init (DgJobRunner *self)
{
  g_mutex_init (&self->lock);
  self->running = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->jobs =
      g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) runner_job_unref);
}

/* "host:pid:boot": a process that died on this machine is recognised by its pid. */
static char *
make_holder (void)
{
  g_autofree char *boot = NULL;

  if (g_file_get_contents ("/proc/sys/kernel/random/boot_id", &boot, NULL, NULL))
    g_strstrip (boot);
  return g_strdup_printf ("%s:%d:%.8s", g_get_host_name (), (int) getpid (),
                          boot != NULL ? boot : "-");
}

/* Callers hold self->lock or are the runner thread at exit. */
static gint64
cpu_us_locked (DgJobRunner *self)
{
  struct timespec ts;

  if (!self->have_thread_clock || clock_gettime (self->thread_clock, &ts) != 0)
    return self->thread_cpu_base_us;
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gpointer
runner_thread (gpointer data)
{
  DgJobRunner *self = data;
  pthread_t me = pthread_self ();

  g_main_context_push_thread_default (self->context);
  g_mutex_lock (&self->lock);
  self->have_thread_clock = pthread_getcpuclockid (me, &self->thread_clock) == 0;
  g_mutex_unlock (&self->lock);

  g_main_loop_run (self->loop);

  g_mutex_lock (&self->lock);
  self->thread_cpu_base_us = cpu_us_locked (self);
  self->have_thread_clock = FALSE;
  g_mutex_unlock (&self->lock);
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

/**
 * dg_job_runner_new:
 * @options: (nullable): tuning; NULL for the defaults
 *
 * Returns: (transfer full): a runner with its thread started and no job running.
 */
DgJobRunner *
dg_job_runner_new (DgConfig *config, DgStore *store, DgInference *inference, const char *peer_id,
                   const DgJobRunnerOptions *options, DgJobRunnerNotify notify,
                   gpointer notify_data, GMainContext *notify_context)
{
  DgJobRunner *self;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (DG_IS_STORE (store), NULL);
  g_return_val_if_fail (DG_IS_INFERENCE (inference), NULL);
  g_return_val_if_fail (peer_id != NULL, NULL);

  self = g_object_new (DG_TYPE_JOB_RUNNER, NULL);
  self->config = dg_config_ref (config);
  self->store = g_object_ref (store);
  self->inference = g_object_ref (inference);
  self->peer_id = g_strdup (peer_id);
  self->holder = make_holder ();
  if (options != NULL)
    self->options = *options;
  if (self->options.batch_records == 0)
    self->options.batch_records = 256;
  if (self->options.batch_interval_ms == 0)
    self->options.batch_interval_ms = 100;
  if (self->options.max_duplicate_retries == 0)
    self->options.max_duplicate_retries = 3;
  if (self->options.failure_streak == 0)
    self->options.failure_streak = 8;
  if (self->options.lease_ms == 0)
    self->options.lease_ms = 30000;
  self->notify = notify;
  self->notify_data = notify_data;
  self->notify_context = notify_context != NULL ? g_main_context_ref (notify_context)
                                                : g_main_context_ref_thread_default ();

  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->thread = g_thread_new ("dg-job-runner", runner_thread, self);
  return self;
}

void
dg_job_runner_set_endpoint_resolver (DgJobRunner *self, DgJobEndpointResolver resolver,
                                     gpointer user_data, GDestroyNotify destroy)
{
  GDestroyNotify old_destroy;
  gpointer old_data;

  g_return_if_fail (DG_IS_JOB_RUNNER (self));

  g_mutex_lock (&self->lock);
  old_destroy = self->resolver_destroy;
  old_data = self->resolver_data;
  self->resolver = resolver;
  self->resolver_data = user_data;
  self->resolver_destroy = destroy;
  g_mutex_unlock (&self->lock);
  if (old_destroy != NULL)
    old_destroy (old_data);
}

static JsonObject *
object_member (JsonObject *object, const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static const char *
string_member (JsonObject *object, const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/**
 * dg_job_runner_default_endpoint:
 *
 * The endpoint from the job's own record: the backend in its run record, the
 * server in its details (no API key), the configured model otherwise.
 */
DgInferenceEndpoint *
dg_job_runner_default_endpoint (DgConfig *config, DgJob *job, GError **error)
{
  JsonObject *inference = object_member (job->details, "inference");
  const char *backend_name = string_member (job->run, "backend");
  const char *policy = string_member (job->run, "urlPolicy");
  gboolean external = inference != NULL && json_object_get_boolean_member_with_default (
                                               inference, "useExternalApi", FALSE);
  DgInferenceBackend backend;

  if (backend_name != NULL && !dg_inference_backend_from_string (backend_name, &backend))
    {
      g_set_error (error, DG_INFERENCE_ERROR, DG_INFERENCE_ERROR_ENDPOINT,
                   "Unknown inference backend “%s”", backend_name);
      return NULL;
    }
  if (backend_name != NULL && backend == DG_INFERENCE_BACKEND_OFFLINE)
    return dg_inference_endpoint_new (DG_INFERENCE_BACKEND_OFFLINE, NULL);
  return dg_inference_endpoint_resolve (
      config, backend_name != NULL ? (int) backend : -1,
      external ? string_member (inference, "baseUrl") : NULL, string_member (inference, "path"),
      string_member (inference, "model"), NULL, object_member (inference, "parameters"),
      g_strcmp0 (policy, "allow-private") == 0 ? DG_URL_POLICY_ALLOW_PRIVATE : DG_URL_POLICY_NONE);
}

DgInferenceEndpoint *
runner_resolve_endpoint (DgJobRunner *runner, DgJob *job, GError **error)
{
  DgJobEndpointResolver resolver;
  gpointer data;

  g_mutex_lock (&runner->lock);
  resolver = runner->resolver;
  data = runner->resolver_data;
  g_mutex_unlock (&runner->lock);
  if (resolver != NULL)
    return resolver (job, data, error);
  return dg_job_runner_default_endpoint (runner->config, job, error);
}

typedef struct
{
  DgJobRunner *runner;
  DgJobProgress *progress;
} NotifyData;

static void
notify_data_free (gpointer data)
{
  NotifyData *n = data;

  g_object_unref (n->runner);
  dg_job_progress_free (n->progress);
  g_free (n);
}

static gboolean
notify_in_context (gpointer data)
{
  NotifyData *n = data;
  DgJobRunnerNotify notify;
  gpointer notify_data;

  g_mutex_lock (&n->runner->lock);
  notify = n->runner->notify;
  notify_data = n->runner->notify_data;
  g_mutex_unlock (&n->runner->lock);
  if (notify != NULL)
    notify (n->progress, notify_data);
  return G_SOURCE_REMOVE;
}

static double
records_per_second (RunnerJob *job, gint64 now_us)
{
  guint oldest = job->rate_next % G_N_ELEMENTS (job->rate_time_us);
  gint64 dt;

  job->rate_time_us[oldest] = now_us;
  job->rate_count[oldest] = job->processed_here;
  job->rate_next++;
  /* The sample written longest ago (or the first) against this one. */
  oldest = job->rate_next < G_N_ELEMENTS (job->rate_time_us)
               ? 0
               : job->rate_next % G_N_ELEMENTS (job->rate_time_us);
  dt = now_us - job->rate_time_us[oldest];
  if (dt <= 0)
    return 0;
  return (double) (job->processed_here - job->rate_count[oldest]) * G_USEC_PER_SEC / (double) dt;
}

/* Tells the notify context about @job; at most ten times a second unless @force. */
void
runner_post_progress (DgJobRunner *runner, RunnerJob *job, gboolean force)
{
  gint64 now = g_get_monotonic_time ();
  NotifyData *n;

  if (!force && now - job->last_notify_us < G_USEC_PER_SEC / 10)
    return;
  job->last_notify_us = now;

  n = g_new0 (NotifyData, 1);
  n->runner = g_object_ref (runner);
  n->progress = g_new0 (DgJobProgress, 1);
  n->progress->job_id = g_strdup (job->id);
  n->progress->owner = g_strdup (job->owner);
  n->progress->status = job->status;
  n->progress->total_records = job->total_records;
  n->progress->total_ok = job->total_ok;
  n->progress->total_failed = job->total_failed;
  n->progress->in_flight = job->in_flight;
  n->progress->records_per_second = records_per_second (job, now);
  n->progress->message = g_strdup (job->message);
  n->progress->active = !job->dropped;
  n->progress->final_report = job->dropped;
  g_main_context_invoke_full (runner->notify_context, G_PRIORITY_DEFAULT, notify_in_context, n,
                              notify_data_free);
}

static void
wake_waiter (gpointer data, gpointer unused)
{
  RunnerWaiter *waiter = data;

  g_mutex_lock (&waiter->mutex);
  waiter->done = TRUE;
  g_cond_signal (&waiter->cond);
  g_mutex_unlock (&waiter->mutex);
}

/* Called once a job has stopped for good here: forget it and wake who waited. */
void
runner_job_dropped (DgJobRunner *runner, RunnerJob *job)
{
  g_autoptr (GPtrArray) waiters = g_steal_pointer (&job->waiters);

  g_mutex_lock (&runner->lock);
  g_hash_table_remove (runner->running, job->id);
  g_mutex_unlock (&runner->lock);
  /* The table holds the last reference but one (our caller's). */
  g_hash_table_remove (runner->jobs, job->id);
  if (waiters != NULL)
    g_ptr_array_foreach (waiters, wake_waiter, NULL);
  if (runner->quitting && g_hash_table_size (runner->jobs) == 0)
    g_main_loop_quit (runner->loop);
}

typedef struct
{
  DgJobRunner *runner;
  char *job_id;
  RunnerWaiter *waiter;
} Invocation;

static void
invocation_free (gpointer data)
{
  Invocation *inv = data;

  g_object_unref (inv->runner);
  g_free (inv->job_id);
  g_free (inv);
}

static void
invoke (DgJobRunner *self, GSourceFunc func, const char *job_id, RunnerWaiter *waiter)
{
  Invocation *inv = g_new0 (Invocation, 1);

  inv->runner = g_object_ref (self);
  inv->job_id = g_strdup (job_id);
  inv->waiter = waiter;
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, func, inv, invocation_free);
}

static gboolean
run_in_thread (gpointer data)
{
  Invocation *inv = data;

  if (!inv->runner->quitting && !g_hash_table_contains (inv->runner->jobs, inv->job_id))
    runner_job_start (inv->runner, inv->job_id);
  return G_SOURCE_REMOVE;
}

void
dg_job_runner_run (DgJobRunner *self, const char *job_id)
{
  g_return_if_fail (DG_IS_JOB_RUNNER (self));
  g_return_if_fail (job_id != NULL);

  invoke (self, run_in_thread, job_id, NULL);
}

static gboolean
run_pending_in_thread (gpointer data)
{
  Invocation *inv = data;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) ids = NULL;

  if (inv->runner->quitting)
    return G_SOURCE_REMOVE;
  ids = dg_store_jobs_runnable (inv->runner->store, inv->runner->peer_id, &error);
  if (ids == NULL)
    {
      g_message ("Cannot list the jobs to resume: %s", error->message);
      return G_SOURCE_REMOVE;
    }
  for (guint i = 0; ids[i] != NULL; i++)
    if (!g_hash_table_contains (inv->runner->jobs, ids[i]))
      runner_job_start (inv->runner, ids[i]);
  return G_SOURCE_REMOVE;
}

void
dg_job_runner_run_pending (DgJobRunner *self)
{
  g_return_if_fail (DG_IS_JOB_RUNNER (self));

  invoke (self, run_pending_in_thread, NULL, NULL);
}

static gboolean
stop_in_thread (gpointer data)
{
  Invocation *inv = data;
  RunnerJob *job = g_hash_table_lookup (inv->runner->jobs, inv->job_id);

  if (job == NULL)
    {
      if (inv->waiter != NULL)
        wake_waiter (inv->waiter, NULL);
      return G_SOURCE_REMOVE;
    }
  if (inv->waiter != NULL)
    {
      if (job->waiters == NULL)
        job->waiters = g_ptr_array_new ();
      g_ptr_array_add (job->waiters, inv->waiter);
    }
  runner_job_stop (job);
  return G_SOURCE_REMOVE;
}

void
dg_job_runner_stop (DgJobRunner *self, const char *job_id, gboolean wait)
{
  RunnerWaiter waiter = { 0 };

  g_return_if_fail (DG_IS_JOB_RUNNER (self));
  g_return_if_fail (job_id != NULL);
  g_return_if_fail (!wait || g_thread_self () != self->thread);

  if (!wait)
    {
      invoke (self, stop_in_thread, job_id, NULL);
      return;
    }
  g_mutex_lock (&self->lock);
  if (self->thread == NULL)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  g_mutex_unlock (&self->lock);

  g_mutex_init (&waiter.mutex);
  g_cond_init (&waiter.cond);
  invoke (self, stop_in_thread, job_id, &waiter);
  g_mutex_lock (&waiter.mutex);
  while (!waiter.done)
    g_cond_wait (&waiter.cond, &waiter.mutex);
  g_mutex_unlock (&waiter.mutex);
  g_mutex_clear (&waiter.mutex);
  g_cond_clear (&waiter.cond);
}

gboolean
dg_job_runner_is_running (DgJobRunner *self, const char *job_id)
{
  gboolean running;

  g_return_val_if_fail (DG_IS_JOB_RUNNER (self), FALSE);

  g_mutex_lock (&self->lock);
  running = g_hash_table_contains (self->running, job_id);
  g_mutex_unlock (&self->lock);
  return running;
}

static gboolean
shutdown_in_thread (gpointer data)
{
  Invocation *inv = data;
  DgJobRunner *self = inv->runner;
  g_autoptr (GPtrArray) jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) runner_job_unref);
  GHashTableIter iter;
  gpointer value;

  self->quitting = TRUE;
  g_hash_table_iter_init (&iter, self->jobs);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (jobs, runner_job_ref (value));
  for (guint i = 0; i < jobs->len; i++)
    runner_job_stop (g_ptr_array_index (jobs, i));
  if (g_hash_table_size (self->jobs) == 0)
    g_main_loop_quit (self->loop);
  return G_SOURCE_REMOVE;
}

/**
 * dg_job_runner_shutdown:
 *
 * Stops every job, stores what is finished, releases the leases and joins the
 * runner thread. No notification is delivered afterwards.
 */
void
dg_job_runner_shutdown (DgJobRunner *self)
{
  GThread *thread;

  g_return_if_fail (DG_IS_JOB_RUNNER (self));

  g_mutex_lock (&self->lock);
  thread = g_steal_pointer (&self->thread);
  self->notify = NULL;
  self->shut_down = TRUE;
  g_mutex_unlock (&self->lock);
  if (thread == NULL)
    return;

  invoke (self, shutdown_in_thread, NULL, NULL);
  g_thread_join (thread);
  /* Anything still queued for the thread (late invocations) is dropped with the context. */
  while (g_main_context_iteration (self->context, FALSE))
    ;
}

const char *
dg_job_runner_get_holder (DgJobRunner *self)
{
  g_return_val_if_fail (DG_IS_JOB_RUNNER (self), NULL);
  return self->holder;
}

gint64
dg_job_runner_get_cpu_us (DgJobRunner *self)
{
  gint64 us;

  g_return_val_if_fail (DG_IS_JOB_RUNNER (self), 0);
  g_mutex_lock (&self->lock);
  us = cpu_us_locked (self);
  g_mutex_unlock (&self->lock);
  return us + g_atomic_pointer_get (&self->validate_ns) / 1000;
}
