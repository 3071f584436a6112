/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-engine"

#include "config.h"

#include "dg-crypto.h"
#include "dg-engine-private.h"
#include "dg-session.h"
#include "dg-store-records.h"

G_DEFINE_QUARK (dg - engine - error - quark, dg_engine_error)

G_DEFINE_FINAL_TYPE (DgEngine, dg_engine, G_TYPE_OBJECT)

/* "job-changed" at most this often per job (status changes go out at once). */
#define CHANGED_INTERVAL_MS 250

static guint signals[N_SIGNALS];

static void
dg_engine_dispose (GObject *object)
{
  DgEngine *self = DG_ENGINE (object);

  dg_engine_shutdown (self);
  g_clear_handle_id (&self->changed_source, g_source_remove);
  G_OBJECT_CLASS (dg_engine_parent_class)->dispose (object);
}

static void
dg_engine_finalize (GObject *object)
{
  DgEngine *self = DG_ENGINE (object);

  g_clear_object (&self->runner);
  g_clear_object (&self->inference);
  g_clear_object (&self->store);
  g_clear_pointer (&self->config, dg_config_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->progress, g_hash_table_unref);
  g_clear_pointer (&self->pending_changed, g_hash_table_unref);
  g_clear_error (&self->secret_error);
  /* Wiped in a way the compiler cannot drop (a memset before free may be). */
  g_clear_pointer (&self->secret, dg_secret_free);

  G_OBJECT_CLASS (dg_engine_parent_class)->finalize (object);
}

static void
dg_engine_class_init (DgEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dg_engine_dispose;
  object_class->finalize = dg_engine_finalize;

  /**
   * DgEngine::job-added:
   * @job_id: the new job
   * @owner: its owner
   */
  signals[SIGNAL_JOB_ADDED] =
      g_signal_new ("job-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  /**
   * DgEngine::job-changed:
   *
   * Status or counts of a job changed; dg_engine_get_progress() has the numbers.
   */
  signals[SIGNAL_JOB_CHANGED] =
      g_signal_new ("job-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[SIGNAL_JOB_REMOVED] =
      g_signal_new ("job-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
dg_engine_init (DgEngine *self)
{
  self->progress = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) dg_job_progress_free);
  self->pending_changed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static gboolean
emit_pending_changed (gpointer data)
{
  DgEngine *self = data;
  g_autoptr (GHashTable) pending = g_steal_pointer (&self->pending_changed);
  GHashTableIter iter;
  gpointer id, owner;

  self->pending_changed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->changed_source = 0;
  g_hash_table_iter_init (&iter, pending);
  while (g_hash_table_iter_next (&iter, &id, &owner))
    g_signal_emit (self, signals[SIGNAL_JOB_CHANGED], 0, id, owner);
  return G_SOURCE_REMOVE;
}

/* Main context: a job changed; tell listeners now (status) or on the next tick (counts). */
static void
job_changed (DgEngine *self, const char *job_id, const char *owner, gboolean now)
{
  if (now)
    {
      g_hash_table_remove (self->pending_changed, job_id);
      g_signal_emit (self, signals[SIGNAL_JOB_CHANGED], 0, job_id, owner);
      return;
    }
  g_hash_table_replace (self->pending_changed, g_strdup (job_id), g_strdup (owner));
  if (self->changed_source == 0)
    {
      GSource *source = g_timeout_source_new (CHANGED_INTERVAL_MS);

      g_source_set_callback (source, emit_pending_changed, self, NULL);
      g_source_set_static_name (source, "[dg-engine] job-changed");
      self->changed_source = g_source_attach (source, self->context);
      g_source_unref (source);
    }
}

/* The runner's report, on the engine's context. */
static void
on_runner_progress (const DgJobProgress *progress, gpointer user_data)
{
  DgEngine *self = user_data;
  DgJobProgress *previous = g_hash_table_lookup (self->progress, progress->job_id);
  gboolean status_changed = previous == NULL || previous->status != progress->status;

  g_hash_table_replace (self->progress, g_strdup (progress->job_id),
                        dg_job_progress_copy (progress));
  /* A last report goes out at once: listeners wait for it (the CLI does). */
  job_changed (self, progress->job_id, progress->owner, status_changed || progress->final_report);
}

typedef struct
{
  DgEngine *engine;
  guint signal;
  DgJobProgress *progress;
} Emission;

static void
emission_free (gpointer data)
{
  Emission *e = data;

  g_object_unref (e->engine);
  dg_job_progress_free (e->progress);
  g_free (e);
}

static gboolean
emit_in_context (gpointer data)
{
  Emission *e = data;
  DgEngine *self = e->engine;
  const char *id = e->progress->job_id;
  const char *owner = e->progress->owner;
  DgJobProgress *previous = g_hash_table_lookup (self->progress, id);

  switch (e->signal)
    {
    case SIGNAL_JOB_REMOVED:
      g_hash_table_remove (self->pending_changed, id);
      g_signal_emit (self, signals[SIGNAL_JOB_REMOVED], 0, id, owner);
      g_hash_table_remove (self->progress, id);
      break;
    case SIGNAL_JOB_ADDED:
    case SIGNAL_JOB_CHANGED:
    default:
      /* The runner's rate and in-flight count stay; status and counts are fresher here. */
      if (previous != NULL)
        {
          e->progress->records_per_second = previous->records_per_second;
          e->progress->in_flight = previous->in_flight;
          e->progress->active = previous->active;
          if (e->progress->message == NULL && previous->status == e->progress->status)
            e->progress->message = g_strdup (previous->message);
        }
      g_hash_table_replace (self->progress, g_strdup (id), dg_job_progress_copy (e->progress));
      if (e->signal == SIGNAL_JOB_ADDED)
        g_signal_emit (self, signals[SIGNAL_JOB_ADDED], 0, id, owner);
      else
        job_changed (self, id, owner, TRUE);
      break;
    }
  return G_SOURCE_REMOVE;
}

void
dg_engine_emit_later (DgEngine *self, guint signal, const DgJob *job)
{
  Emission *e = g_new0 (Emission, 1);

  e->engine = g_object_ref (self);
  e->signal = signal;
  e->progress = g_new0 (DgJobProgress, 1);
  e->progress->job_id = g_strdup (job->id);
  e->progress->owner = g_strdup (job->owner);
  e->progress->status = job->status;
  e->progress->total_records = job->total_records;
  e->progress->total_ok = job->total_ok;
  e->progress->total_failed = job->total_failed;
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, emit_in_context, e, emission_free);
}

/**
 * dg_engine_new:
 *
 * Returns: (transfer full): the engine, or NULL with @error when the store cannot be used.
 */
DgEngine *
dg_engine_new (DgConfig *config, DgStore *store, DgInference *inference,
               const DgJobRunnerOptions *runner_options, GError **error)
{
  g_autoptr (DgEngine) self = NULL;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (DG_IS_STORE (store), NULL);
  g_return_val_if_fail (inference == NULL || DG_IS_INFERENCE (inference), NULL);

  self = g_object_new (DG_TYPE_ENGINE, NULL);
  self->config = dg_config_ref (config);
  self->store = g_object_ref (store);
  self->inference =
      inference != NULL ? g_object_ref (inference) : dg_inference_new_from_config (config);
  self->context = g_main_context_ref_thread_default ();
  self->runner = dg_job_runner_new (config, store, self->inference,
                                    config->host_addr != NULL ? config->host_addr : "local",
                                    runner_options, on_runner_progress, self, self->context);
  /* A missing secret only matters to drafts; report it there. */
  self->secret = dg_session_resolve_secret (config, store, &self->secret_error);
  return g_steal_pointer (&self);
}

const char *
dg_engine_get_secret (DgEngine *self, GError **error)
{
  if (self->secret == NULL)
    {
      g_set_error (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_NOT_CONFIGURED, "%s",
                   self->secret_error != NULL ? self->secret_error->message
                                              : "No signing secret is configured");
      return NULL;
    }
  return self->secret;
}

void
dg_engine_start (DgEngine *self)
{
  g_return_if_fail (DG_IS_ENGINE (self));

  if (self->config->disable_worker || self->shut_down)
    return;
  dg_job_runner_run_pending (self->runner);
}

void
dg_engine_run_job (DgEngine *self, const char *job_id)
{
  g_return_if_fail (DG_IS_ENGINE (self));
  g_return_if_fail (job_id != NULL);

  if (!self->shut_down)
    dg_job_runner_run (self->runner, job_id);
}

void
dg_engine_shutdown (DgEngine *self)
{
  g_return_if_fail (DG_IS_ENGINE (self));

  if (self->shut_down)
    return;
  self->shut_down = TRUE;
  if (self->runner != NULL)
    dg_job_runner_shutdown (self->runner);
}

DgConfig *
dg_engine_get_config (DgEngine *self)
{
  g_return_val_if_fail (DG_IS_ENGINE (self), NULL);
  return self->config;
}

DgStore *
dg_engine_get_store (DgEngine *self)
{
  g_return_val_if_fail (DG_IS_ENGINE (self), NULL);
  return self->store;
}

DgInference *
dg_engine_get_inference (DgEngine *self)
{
  g_return_val_if_fail (DG_IS_ENGINE (self), NULL);
  return self->inference;
}

DgJobRunner *
dg_engine_get_runner (DgEngine *self)
{
  g_return_val_if_fail (DG_IS_ENGINE (self), NULL);
  return self->runner;
}

void
dg_engine_set_endpoint_resolver (DgEngine *self, DgJobEndpointResolver resolver, gpointer user_data,
                                 GDestroyNotify destroy)
{
  g_return_if_fail (DG_IS_ENGINE (self));
  dg_job_runner_set_endpoint_resolver (self->runner, resolver, user_data, destroy);
}

void
dg_engine_job_changed (DgEngine *self, const char *job_id)
{
  g_autoptr (DgJob) job = NULL;

  g_return_if_fail (DG_IS_ENGINE (self));
  g_return_if_fail (job_id != NULL);

  job = dg_store_job_get (self->store, job_id, DG_STORE_JOB_BASIC, NULL);
  if (job != NULL)
    dg_engine_emit_later (self, SIGNAL_JOB_CHANGED, job);
}

DgJob *
dg_engine_load_job (DgEngine *self, const char *owner, const char *job_id, DgStoreJobFlags flags,
                    GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (DgJob) job = NULL;

  if (job_id == NULL || *job_id == '\0')
    {
      g_set_error_literal (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_NOT_FOUND, "Not found");
      return NULL;
    }
  job = dg_store_job_get (self->store, job_id, flags, &local_error);
  if (job == NULL)
    {
      if (g_error_matches (local_error, DG_STORE_ERROR, DG_STORE_ERROR_NOT_FOUND))
        g_set_error_literal (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_NOT_FOUND, "Not found");
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  /* Another user's job is exactly as invisible as a missing one. */
  if (owner != NULL && g_strcmp0 (owner, job->owner) != 0)
    {
      g_set_error_literal (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_NOT_FOUND, "Not found");
      return NULL;
    }
  return g_steal_pointer (&job);
}

DgJobProgress *
dg_engine_get_progress (DgEngine *self, const char *job_id)
{
  DgJobProgress *progress;

  g_return_val_if_fail (DG_IS_ENGINE (self), NULL);
  g_return_val_if_fail (job_id != NULL, NULL);

  progress = g_hash_table_lookup (self->progress, job_id);
  return progress != NULL ? dg_job_progress_copy (progress) : NULL;
}

/* ---- Simple reads, blocking and async ---------------------------------------------- */

typedef struct
{
  char *owner;
  char *job_id;
  gint64 offset;
  gint64 limit;
} ReadArgs;

static void
read_args_free (gpointer data)
{
  ReadArgs *args = data;

  g_free (args->owner);
  g_free (args->job_id);
  g_free (args);
}

static GTask *
read_task (DgEngine *self, gpointer source_tag, const char *owner, const char *job_id,
           gint64 offset, gint64 limit, GCancellable *cancellable, GAsyncReadyCallback callback,
           gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  ReadArgs *args = g_new0 (ReadArgs, 1);

  args->owner = g_strdup (owner);
  args->job_id = g_strdup (job_id);
  args->offset = offset;
  args->limit = limit;
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, args, read_args_free);
  return task;
}

GPtrArray *
dg_engine_list_jobs (DgEngine *self, const char *owner, GError **error)
{
  g_return_val_if_fail (DG_IS_ENGINE (self), NULL);
  return dg_store_jobs_list (self->store, owner, error);
}

static void
list_jobs_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  ReadArgs *args = task_data;
  GError *error = NULL;
  GPtrArray *jobs = dg_engine_list_jobs (source, args->owner, &error);

  if (jobs == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, jobs, (GDestroyNotify) g_ptr_array_unref);
}

void
dg_engine_list_jobs_async (DgEngine *self, const char *owner, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (DG_IS_ENGINE (self));
  task = read_task (self, dg_engine_list_jobs_async, owner, NULL, 0, 0, cancellable, callback,
                    user_data);
  g_task_run_in_thread (task, list_jobs_thread);
}

GPtrArray *
dg_engine_list_jobs_finish (DgEngine *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

DgJob *
dg_engine_get_job (DgEngine *self, const char *owner, const char *job_id, GError **error)
{
  g_return_val_if_fail (DG_IS_ENGINE (self), NULL);
  return dg_engine_load_job (self, owner, job_id, DG_STORE_JOB_FULL, error);
}

static void
get_job_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  ReadArgs *args = task_data;
  GError *error = NULL;
  DgJob *job = dg_engine_get_job (source, args->owner, args->job_id, &error);

  if (job == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, job, (GDestroyNotify) dg_job_unref);
}

void
dg_engine_get_job_async (DgEngine *self, const char *owner, const char *job_id,
                         GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (DG_IS_ENGINE (self));
  task = read_task (self, dg_engine_get_job_async, owner, job_id, 0, 0, cancellable, callback,
                    user_data);
  g_task_run_in_thread (task, get_job_thread);
}

DgJob *
dg_engine_get_job_finish (DgEngine *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
record_page_free (DgRecordPage *page)
{
  g_clear_pointer (&page->rows, g_ptr_array_unref);
  g_free (page);
}

DgRecordPage *
dg_record_page_ref (DgRecordPage *page)
{
  g_return_val_if_fail (page != NULL, NULL);
  g_atomic_ref_count_inc (&page->ref_count);
  return page;
}

void
dg_record_page_unref (DgRecordPage *page)
{
  g_return_if_fail (page != NULL);
  if (g_atomic_ref_count_dec (&page->ref_count))
    record_page_free (page);
}

G_DEFINE_BOXED_TYPE (DgRecordPage, dg_record_page, dg_record_page_ref, dg_record_page_unref)

DgRecordPage *
dg_engine_get_records (DgEngine *self, const char *owner, const char *job_id, gint64 offset,
                       gint64 limit, GError **error)
{
  g_autoptr (DgJob) job = NULL;
  DgRecordPage *page;
  GPtrArray *rows;

  g_return_val_if_fail (DG_IS_ENGINE (self), NULL);

  if (offset < 0 || limit < 0 || limit > 100000)
    {
      g_set_error (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_INVALID,
                   "A page starts at 0 or later and holds at most 100000 records");
      return NULL;
    }
  job = dg_engine_load_job (self, owner, job_id, DG_STORE_JOB_BASIC, error);
  if (job == NULL)
    return NULL;
  rows = dg_store_records_range (self->store, job_id, offset, limit, error);
  if (rows == NULL)
    return NULL;
  page = g_new0 (DgRecordPage, 1);
  g_atomic_ref_count_init (&page->ref_count);
  page->rows = rows;
  page->offset = offset;
  page->limit = limit;
  page->total_records = job->total_records;
  page->stored = job->total_ok + job->total_failed;
  return page;
}

static void
get_records_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  ReadArgs *args = task_data;
  GError *error = NULL;
  DgRecordPage *page =
      dg_engine_get_records (source, args->owner, args->job_id, args->offset, args->limit, &error);

  if (page == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, page, (GDestroyNotify) dg_record_page_unref);
}

void
dg_engine_get_records_async (DgEngine *self, const char *owner, const char *job_id, gint64 offset,
                             gint64 limit, GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (DG_IS_ENGINE (self));
  task = read_task (self, dg_engine_get_records_async, owner, job_id, offset, limit, cancellable,
                    callback, user_data);
  g_task_run_in_thread (task, get_records_thread);
}

DgRecordPage *
dg_engine_get_records_finish (DgEngine *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

DgMetrics *
dg_engine_get_metrics (DgEngine *self, GError **error)
{
  DgMetrics metrics = { 0 };
  DgMetrics *copy;

  g_return_val_if_fail (DG_IS_ENGINE (self), NULL);
  if (!dg_store_metrics_get (self->store, &metrics, error))
    return NULL;
  copy = dg_metrics_copy (&metrics);
  dg_metrics_clear (&metrics);
  return copy;
}

static void
metrics_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  DgMetrics *metrics = dg_engine_get_metrics (source, &error);

  if (metrics == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, metrics, (GDestroyNotify) dg_metrics_free);
}

void
dg_engine_get_metrics_async (DgEngine *self, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (DG_IS_ENGINE (self));
  task = read_task (self, dg_engine_get_metrics_async, NULL, NULL, 0, 0, cancellable, callback,
                    user_data);
  g_task_run_in_thread (task, metrics_thread);
}

DgMetrics *
dg_engine_get_metrics_finish (DgEngine *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
