/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-engine"

#include "config.h"

#include "dg-engine-private.h"
#include "dg-util.h"

/* Control actions on a job, and exports. */

gboolean
dg_job_action_from_string (const char *name, DgJobAction *out_action)
{
  static const char *const names[] = {
    [DG_JOB_ACTION_PAUSE] = "pause",   [DG_JOB_ACTION_RESUME] = "resume",
    [DG_JOB_ACTION_CANCEL] = "cancel", [DG_JOB_ACTION_RETRY_FAILED] = "retry-failed",
    [DG_JOB_ACTION_DELETE] = "delete",
  };

  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (name, names[i]))
      {
        *out_action = (DgJobAction) i;
        return TRUE;
      }
  return FALSE;
}

/* Store refusals of a status move become DG_ENGINE_ERROR_STATE. */
static gboolean
move (DgEngine *self, DgJob *job, DgJobStatus to, GError **error)
{
  g_autoptr (GError) local_error = NULL;

  if (dg_store_job_set_status (self->store, job->id, to, NULL, &local_error))
    return TRUE;
  if (g_error_matches (local_error, DG_STORE_ERROR, DG_STORE_ERROR_CONSTRAINT))
    g_set_error (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_STATE, "%s", local_error->message);
  else if (g_error_matches (local_error, DG_STORE_ERROR, DG_STORE_ERROR_NOT_FOUND))
    g_set_error_literal (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_NOT_FOUND, "Not found");
  else
    g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

static void
clear_reason (DgEngine *self, const char *job_id)
{
  g_autoptr (JsonObject) patch = json_object_new ();

  json_object_set_null_member (patch, "statusReason");
  dg_store_job_merge_base (self->store, job_id, patch, NULL);
}

/* Tells listeners about @job_id as it is now in the store. */
static void
announce (DgEngine *self, const char *job_id)
{
  g_autoptr (DgJob) job = dg_store_job_get (self->store, job_id, DG_STORE_JOB_BASIC, NULL);

  if (job != NULL)
    dg_engine_emit_later (self, SIGNAL_JOB_CHANGED, job);
}

/**
 * dg_engine_control:
 *
 * Blocking version of dg_engine_control_async() (worker threads, CLI).
 */
gboolean
dg_engine_control (DgEngine *self, const char *owner, const char *job_id, DgJobAction action,
                   GError **error)
{
  g_autoptr (DgJob) job = NULL;
  gint64 count = 0;

  g_return_val_if_fail (DG_IS_ENGINE (self), FALSE);

  job = dg_engine_load_job (self, owner, job_id, DG_STORE_JOB_BASIC, error);
  if (job == NULL)
    return FALSE;

  switch (action)
    {
    case DG_JOB_ACTION_PAUSE:
      if (!move (self, job, DG_JOB_STATUS_PAUSED, error))
        return FALSE;
      dg_job_runner_stop (self->runner, job_id, FALSE);
      break;

    case DG_JOB_ACTION_RESUME:
      if (job->status != DG_JOB_STATUS_PAUSED)
        {
          g_set_error (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_STATE, "Job %s is %s, not paused",
                       job_id, dg_job_status_to_string (job->status));
          return FALSE;
        }
      /* A runner of this process may still be storing the last records: let it finish. */
      dg_job_runner_stop (self->runner, job_id, TRUE);
      if (!move (self, job, DG_JOB_STATUS_RUNNING, error))
        return FALSE;
      clear_reason (self, job_id);
      if (!self->config->disable_worker && !self->shut_down)
        dg_job_runner_run (self->runner, job_id);
      break;

    case DG_JOB_ACTION_CANCEL:
      if (!move (self, job, DG_JOB_STATUS_CANCELLED, error))
        return FALSE;
      dg_job_runner_stop (self->runner, job_id, FALSE);
      break;

    case DG_JOB_ACTION_RETRY_FAILED:
      {
        g_autoptr (GError) local_error = NULL;
        DgJobStatus status;

        /* The runner reads which indices are stored when it starts: restart it after. */
        dg_job_runner_stop (self->runner, job_id, TRUE);
        if (!dg_store_job_retry_failed (self->store, job_id, &count, &local_error))
          {
            if (g_error_matches (local_error, DG_STORE_ERROR, DG_STORE_ERROR_CONSTRAINT))
              g_set_error (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_STATE, "%s",
                           local_error->message);
            else
              g_propagate_error (error, g_steal_pointer (&local_error));
            return FALSE;
          }
        if (dg_store_job_read_status (self->store, job_id, &status, NULL) &&
            status == DG_JOB_STATUS_RUNNING && !self->config->disable_worker && !self->shut_down)
          dg_job_runner_run (self->runner, job_id);
        break;
      }

    case DG_JOB_ACTION_DELETE:
      dg_job_runner_stop (self->runner, job_id, TRUE);
      if (!dg_store_job_delete (self->store, job_id, error))
        return FALSE;
      dg_engine_emit_later (self, SIGNAL_JOB_REMOVED, job);
      return TRUE;

    default:
      g_return_val_if_reached (FALSE);
    }

  announce (self, job_id);
  return TRUE;
}

typedef struct
{
  char *owner;
  char *job_id;
  DgJobAction action;
} ControlArgs;

static void
control_args_free (gpointer data)
{
  ControlArgs *args = data;

  g_free (args->owner);
  g_free (args->job_id);
  g_free (args);
}

static void
control_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  ControlArgs *args = task_data;
  GError *error = NULL;

  if (dg_engine_control (source, args->owner, args->job_id, args->action, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
dg_engine_control_async (DgEngine *self, const char *owner, const char *job_id, DgJobAction action,
                         GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  ControlArgs *args;

  g_return_if_fail (DG_IS_ENGINE (self));

  args = g_new0 (ControlArgs, 1);
  args->owner = g_strdup (owner);
  args->job_id = g_strdup (job_id);
  args->action = action;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dg_engine_control_async);
  g_task_set_task_data (task, args, control_args_free);
  g_task_run_in_thread (task, control_thread);
}

gboolean
dg_engine_control_finish (DgEngine *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- Export ---------------------------------------------------------------------------- */

static DgJob *
exportable_job (DgEngine *self, const char *owner, const char *job_id, DgEngineExportFlags flags,
                GError **error)
{
  g_autoptr (DgJob) job = dg_engine_load_job (self, owner, job_id, DG_STORE_JOB_BASIC, error);

  if (job == NULL)
    return NULL;
  if (!(flags & DG_ENGINE_EXPORT_PARTIAL) && job->status != DG_JOB_STATUS_SUCCEEDED)
    {
      g_set_error_literal (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_NOT_COMPLETED,
                           "Job not completed");
      return NULL;
    }
  return g_steal_pointer (&job);
}

static DgExportFlags
export_flags (DgEngineExportFlags flags)
{
  return (flags & DG_ENGINE_EXPORT_WITH_INDEX) ? DG_EXPORT_WITH_INDEX : DG_EXPORT_NONE;
}

/**
 * dg_engine_export:
 *
 * Blocking; streams from a read-only connection in constant memory.
 */
gboolean
dg_engine_export (DgEngine *self, const char *owner, const char *job_id, DgExportFormat format,
                  DgEngineExportFlags flags, GOutputStream *out, DgExportProgressFunc progress,
                  gpointer progress_data, GCancellable *cancellable, GError **error)
{
  g_autoptr (DgJob) job = NULL;

  g_return_val_if_fail (DG_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), FALSE);

  job = exportable_job (self, owner, job_id, flags, error);
  if (job == NULL)
    return FALSE;
  return dg_export_write (self->store, job_id, job->total_records, format, export_flags (flags),
                          out, progress, progress_data, cancellable, error);
}

gboolean
dg_engine_export_to_file (DgEngine *self, const char *owner, const char *job_id,
                          DgExportFormat format, DgEngineExportFlags flags, GFile *file,
                          DgExportProgressFunc progress, gpointer progress_data,
                          GCancellable *cancellable, GError **error)
{
  g_autoptr (DgJob) job = NULL;
  g_autoptr (GFileOutputStream) out = NULL;
  g_autoptr (GCancellable) abort = NULL;
  gboolean existed;

  g_return_val_if_fail (DG_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  job = exportable_job (self, owner, job_id, flags, error);
  if (job == NULL)
    return FALSE;
  existed = g_file_query_exists (file, cancellable);
  /* An existing file is replaced through a temporary file, renamed only at the end. */
  out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, cancellable, error);
  if (out == NULL)
    return FALSE;
  if (dg_export_write (self->store, job_id, job->total_records, format, export_flags (flags),
                       G_OUTPUT_STREAM (out), progress, progress_data, cancellable, error) &&
      g_output_stream_close (G_OUTPUT_STREAM (out), cancellable, error))
    return TRUE;

  /* Closing with a cancelled cancellable drops the temporary file, keeping the old one. */
  abort = g_cancellable_new ();
  g_cancellable_cancel (abort);
  g_output_stream_close (G_OUTPUT_STREAM (out), abort, NULL);
  if (!existed)
    g_file_delete (file, NULL, NULL);
  return FALSE;
}

typedef struct
{
  char *owner;
  char *job_id;
  DgExportFormat format;
  DgEngineExportFlags flags;
  GOutputStream *out;
  GFile *file;
  DgExportProgressFunc progress;
  gpointer progress_data;
  GDestroyNotify progress_destroy;
  gint64 last_post_us;
} ExportState;

static void
export_state_free (gpointer data)
{
  ExportState *st = data;

  g_free (st->owner);
  g_free (st->job_id);
  g_clear_object (&st->out);
  g_clear_object (&st->file);
  if (st->progress_destroy != NULL)
    st->progress_destroy (st->progress_data);
  g_free (st);
}

typedef struct
{
  ExportState *st;
  GTask *task;
  gint64 done;
  gint64 total;
} ProgressPost;

static gboolean
post_progress (gpointer data)
{
  ProgressPost *post = data;

  post->st->progress (post->done, post->total, post->st->progress_data);
  return G_SOURCE_REMOVE;
}

static void
progress_post_free (gpointer data)
{
  ProgressPost *post = data;

  g_object_unref (post->task);
  g_free (post);
}

/* From the export thread: forward to the engine's context, about ten times a second. */
static void
export_progress (gint64 done, gint64 total, gpointer user_data)
{
  GTask *task = user_data;
  ExportState *st = g_task_get_task_data (task);
  gint64 now = g_get_monotonic_time ();
  ProgressPost *post;

  if (st->progress == NULL || (done < total && now - st->last_post_us < G_USEC_PER_SEC / 10))
    return;
  st->last_post_us = now;
  post = g_new0 (ProgressPost, 1);
  post->st = st;
  post->task = g_object_ref (task);
  post->done = done;
  post->total = total;
  g_main_context_invoke_full (g_task_get_context (task), G_PRIORITY_DEFAULT, post_progress, post,
                              progress_post_free);
}

static void
export_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  ExportState *st = task_data;
  GError *error = NULL;
  gboolean ok;

  if (st->file != NULL)
    ok = dg_engine_export_to_file (source, st->owner, st->job_id, st->format, st->flags, st->file,
                                   export_progress, task, cancellable, &error);
  else
    ok = dg_engine_export (source, st->owner, st->job_id, st->format, st->flags, st->out,
                           export_progress, task, cancellable, &error);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
start_export (DgEngine *self, gpointer tag, const char *owner, const char *job_id,
              DgExportFormat format, DgEngineExportFlags flags, GOutputStream *out, GFile *file,
              DgExportProgressFunc progress, gpointer progress_data,
              GDestroyNotify progress_destroy, GCancellable *cancellable,
              GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  ExportState *st = g_new0 (ExportState, 1);

  st->owner = g_strdup (owner);
  st->job_id = g_strdup (job_id);
  st->format = format;
  st->flags = flags;
  st->out = out != NULL ? g_object_ref (out) : NULL;
  st->file = file != NULL ? g_object_ref (file) : NULL;
  st->progress = progress;
  st->progress_data = progress_data;
  st->progress_destroy = progress_destroy;
  g_task_set_source_tag (task, tag);
  g_task_set_task_data (task, st, export_state_free);
  g_task_run_in_thread (task, export_thread);
}

void
dg_engine_export_async (DgEngine *self, const char *owner, const char *job_id,
                        DgExportFormat format, DgEngineExportFlags flags, GOutputStream *out,
                        DgExportProgressFunc progress, gpointer progress_data,
                        GDestroyNotify progress_destroy, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (DG_IS_ENGINE (self));
  g_return_if_fail (G_IS_OUTPUT_STREAM (out));

  start_export (self, dg_engine_export_async, owner, job_id, format, flags, out, NULL, progress,
                progress_data, progress_destroy, cancellable, callback, user_data);
}

void
dg_engine_export_to_file_async (DgEngine *self, const char *owner, const char *job_id,
                                DgExportFormat format, DgEngineExportFlags flags, GFile *file,
                                DgExportProgressFunc progress, gpointer progress_data,
                                GDestroyNotify progress_destroy, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (DG_IS_ENGINE (self));
  g_return_if_fail (G_IS_FILE (file));

  start_export (self, dg_engine_export_async, owner, job_id, format, flags, NULL, file, progress,
                progress_data, progress_destroy, cancellable, callback, user_data);
}

gboolean
dg_engine_export_finish (DgEngine *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
