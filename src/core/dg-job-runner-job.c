/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-runner"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "dg-job-runner-private.h"
#include "dg-json-copy.h"
#include "dg-store-jobs.h"
#include "dg-store-records.h"
#include "dg-util.h"

/*
 * One job on the runner thread: pick the next index not stored, ask for it,
 * check what comes back, and store it in batches. Everything here runs on the
 * runner's main context; inference results arrive there too.
 */

#define OFFLINE_CHUNK 256
#define MAX_FLUSH_FAILURES 5
#define FLUSH_RETRY_MS 1000

RunnerJob *
runner_job_ref (RunnerJob *job)
{
  g_atomic_ref_count_inc (&job->ref_count);
  return job;
}

void
runner_job_unref (RunnerJob *job)
{
  if (!g_atomic_ref_count_dec (&job->ref_count))
    return;
  g_assert (job->flush_source == NULL && job->lease_source == NULL); /* they hold references */
  g_free (job->id);
  g_free (job->owner);
  g_free (job->stored);
  g_queue_clear (&job->retry);
  g_clear_pointer (&job->carry, g_hash_table_unref);
  g_clear_pointer (&job->batch_fingerprints, g_hash_table_unref);
  g_clear_pointer (&job->batch, g_ptr_array_unref);
  g_clear_pointer (&job->suspects, g_ptr_array_unref);
  g_clear_pointer (&job->waiters, g_ptr_array_unref);
  g_clear_pointer (&job->schema_node, json_node_unref);
  g_clear_pointer (&job->schema, dg_json_schema_unref);
  g_clear_pointer (&job->prompt, dg_record_prompt_unref);
  g_clear_pointer (&job->template_request, dg_inference_request_unref);
  g_clear_pointer (&job->queue, dg_inference_queue_unref);
  g_clear_pointer (&job->endpoint, dg_inference_endpoint_unref);
  g_clear_pointer (&job->generator, dg_offline_generator_unref);
  g_free (job->message);
  g_object_unref (job->runner);
  g_free (job);
}

static inline gboolean
is_stored (RunnerJob *job, gint64 offset)
{
  return (job->stored[offset / 8] >> (offset % 8)) & 1;
}

static inline void
mark_stored (RunnerJob *job, gint64 offset)
{
  if (!is_stored (job, offset))
    {
      job->stored[offset / 8] |= (guint8) (1u << (offset % 8));
      job->stored_count++;
    }
}

/* The next offset to ask for: regenerations first, then indices not stored yet. */
static gint64
next_offset (RunnerJob *job)
{
  gint64 size = job->end - job->start;

  if (!g_queue_is_empty (&job->retry))
    return GPOINTER_TO_INT (g_queue_pop_head (&job->retry));
  while (job->cursor < size && is_stored (job, job->cursor))
    job->cursor++;
  if (job->cursor >= size)
    return -1;
  return job->cursor++;
}

static void set_message (RunnerJob *job, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
set_message (RunnerJob *job, const char *format, ...)
{
  va_list args;

  g_free (job->message);
  va_start (args, format);
  job->message = g_strdup_vprintf (format, args);
  va_end (args);
}

/* Records why the job stopped, in the stored job base ("statusReason"). */
static void
store_reason (RunnerJob *job)
{
  g_autoptr (JsonObject) patch = json_object_new ();
  g_autoptr (GError) error = NULL;

  json_object_set_string_member (patch, "statusReason", job->message);
  if (!dg_store_job_merge_base (job->runner->store, job->id, patch, &error))
    g_debug ("Cannot record why job %s stopped: %s", job->id, error->message);
}

static void finish_stop (RunnerJob *job);
static void pump (RunnerJob *job);
static gboolean flush (RunnerJob *job);

/* The job cannot go on: mark it failed (if it still can be) and stop. */
static void
fail_job (RunnerJob *job)
{
  g_autoptr (GError) error = NULL;

  g_message ("Job %s failed: %s", job->id, job->message);
  if (dg_store_job_set_status (job->runner->store, job->id, DG_JOB_STATUS_FAILED, NULL, &error))
    job->status = DG_JOB_STATUS_FAILED;
  else
    g_message ("Cannot mark job %s failed: %s", job->id, error->message);
  store_reason (job);
  runner_job_stop (job);
}

/* The model server keeps failing: pause rather than fail every record. */
static void
pause_job (RunnerJob *job, const char *reason)
{
  g_autoptr (GError) error = NULL;

  set_message (job, "Paused because the model server keeps failing: %s", reason);
  g_message ("Job %s: %s", job->id, job->message);
  /* Those failures were the server's, not the records': ask for them again on resume. */
  g_ptr_array_set_size (job->suspects, 0);
  if (dg_store_job_set_status (job->runner->store, job->id, DG_JOB_STATUS_PAUSED, NULL, &error))
    job->status = DG_JOB_STATUS_PAUSED;
  store_reason (job);
  runner_job_stop (job);
}

/* Sources live on the runner's context: destroy them by pointer, not by id. */
static void
cancel_flush (RunnerJob *job)
{
  GSource *source = g_steal_pointer (&job->flush_source);

  if (source != NULL)
    {
      g_source_destroy (source);
      g_source_unref (source);
    }
}

static gboolean
flush_timeout (gpointer data)
{
  RunnerJob *job = data;

  g_clear_pointer (&job->flush_source, g_source_unref);
  if (!job->dropped)
    {
      flush (job);
      pump (job);
    }
  return G_SOURCE_REMOVE;
}

static void
schedule_flush (RunnerJob *job, guint delay_ms)
{
  GSource *source;

  if (job->flush_source != NULL)
    return;
  source = g_timeout_source_new (delay_ms);
  g_source_set_callback (source, flush_timeout, runner_job_ref (job),
                         (GDestroyNotify) runner_job_unref);
  g_source_set_static_name (source, "[dg-runner] flush");
  g_source_attach (source, job->runner->context);
  job->flush_source = source;
}

/* Keeps this process's lease on the job; FALSE (and the job stops here) when it was lost. */
static gboolean
renew_lease (RunnerJob *job)
{
  DgJobRunner *runner = job->runner;
  g_autoptr (GError) error = NULL;
  gint64 now_ms = dg_now_ms ();

  job->last_renew_ms = now_ms;
  if (dg_store_job_renew_lease (runner->store, job->id, runner->holder,
                                now_ms + runner->options.lease_ms, &error))
    return TRUE;
  if (error != NULL)
    {
      /* A busy database is no proof that someone else runs the job: keep going. */
      g_debug ("Cannot renew the lease of job %s: %s", job->id, error->message);
      return TRUE;
    }
  set_message (job, "Another DataGems process took over this job");
  runner_job_stop (job);
  return FALSE;
}

/* Renews the lease while no record is stored (a slow model), so it never runs out. */
static gboolean
lease_tick (gpointer data)
{
  RunnerJob *job = data;

  if (job->stopping || job->dropped)
    return G_SOURCE_REMOVE;
  if (dg_now_ms () - job->last_renew_ms >= job->runner->options.lease_ms / 3)
    renew_lease (job);
  return job->stopping ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

static void
start_lease_timer (RunnerJob *job)
{
  GSource *source = g_timeout_source_new (MAX (job->runner->options.lease_ms / 3, 1));

  g_source_set_callback (source, lease_tick, runner_job_ref (job),
                         (GDestroyNotify) runner_job_unref);
  g_source_set_static_name (source, "[dg-runner] lease");
  g_source_attach (source, job->runner->context);
  job->lease_source = source;
}

/* Stores the batch in one transaction. FALSE when it could not (it is kept for later). */
static gboolean
flush (RunnerJob *job)
{
  DgJobRunner *runner = job->runner;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) refused = NULL;
  gint64 n_ok = 0, n_failed = 0;
  gint64 now_ms;

  cancel_flush (job);
  if (job->batch->len == 0)
    return TRUE;

  if (!dg_store_records_commit_full (runner->store, job->id, runner->peer_id, job->batch,
                                     job->regenerate_duplicates ? DG_STORE_COMMIT_REFUSE_DUPLICATES
                                                                : DG_STORE_COMMIT_COUNT_DUPLICATES,
                                     &refused, &n_ok, &n_failed, &error))
    {
      if (g_error_matches (error, DG_STORE_ERROR, DG_STORE_ERROR_CONSTRAINT) ||
          g_error_matches (error, DG_STORE_ERROR, DG_STORE_ERROR_NOT_FOUND))
        {
          /* The job was deleted under us. */
          g_ptr_array_set_size (job->batch, 0);
          set_message (job, "The job was deleted");
          runner_job_stop (job);
          return FALSE;
        }
      g_message ("Cannot store records of job %s: %s", job->id, error->message);
      if (++job->flush_failures >= MAX_FLUSH_FAILURES)
        {
          set_message (job, "Cannot store records: %s", error->message);
          g_ptr_array_set_size (job->batch, 0);
          fail_job (job);
          return FALSE;
        }
      schedule_flush (job, FLUSH_RETRY_MS);
      return FALSE;
    }
  for (guint i = 0; i < job->batch->len; i++)
    mark_stored (job, ((DgStoreRecord *) g_ptr_array_index (job->batch, i))->index - job->start);
  job->total_ok += n_ok;
  job->total_failed += n_failed;
  job->processed_here += n_ok + n_failed;
  g_ptr_array_set_size (job->batch, 0);
  g_hash_table_remove_all (job->batch_fingerprints);
  job->flush_failures = 0;
  if (refused != NULL)
    runner_requeue_refused (job, refused);

  now_ms = dg_now_ms ();
  if (now_ms - job->last_renew_ms > runner->options.lease_ms / 3 && !renew_lease (job))
    return TRUE;
  runner_post_progress (runner, job, FALSE);
  return TRUE;
}

void
runner_add_record (RunnerJob *job, DgStoreRecord *record)
{
  g_ptr_array_add (job->batch, record);
  if (job->batch->len >= job->runner->options.batch_records)
    flush (job);
  else
    schedule_flush (job, job->runner->options.batch_interval_ms);
}

/* The server answered something usable: earlier suspect failures were the records' own. */
static void
clear_suspects (RunnerJob *job)
{
  job->failure_streak = 0;
  while (job->suspects->len > 0)
    runner_add_record (job, g_ptr_array_steal_index (job->suspects, 0));
}

static void
on_result (DgInferenceResult *result, gpointer user_data)
{
  RunnerJob *job = user_data;
  gint64 offset = result->index - job->start;

  g_assert (job->in_flight > 0);
  job->in_flight--;
  if (job->dropped)
    return;

  switch (result->status)
    {
    case DG_INFERENCE_STATUS_OK:
      runner_carry_add_result (runner_carry_get (job, offset), result);
      clear_suspects (job);
      runner_accept_output (job, offset, result->output);
      break;
    case DG_INFERENCE_STATUS_FAILED:
      runner_carry_add_result (runner_carry_get (job, offset), result);
      if (runner_is_endpoint_failure (result))
        {
          g_ptr_array_add (job->suspects,
                           runner_record_from_carry (job, offset, NULL, NULL,
                                                     g_strdup (result->error->message)));
          if (++job->failure_streak >= job->runner->options.failure_streak && !job->stopping)
            pause_job (job, result->error->message);
          break;
        }
      clear_suspects (job);
      runner_add_record (
          job, runner_record_from_carry (
                   job, offset, NULL, NULL,
                   g_strdup (result->error != NULL ? result->error->message : "Inference failed")));
      break;
    case DG_INFERENCE_STATUS_CANCELLED:
    default:
      /* Not stored: a later run asks for it again. */
      g_hash_table_remove (job->carry, GINT_TO_POINTER (offset));
      break;
    }

  if (job->stopping)
    {
      if (job->in_flight == 0)
        finish_stop (job);
      return;
    }
  pump (job);
}

static void
submit (RunnerJob *job, gint64 offset)
{
  DgJobRunner *runner = job->runner;
  gint64 index = job->start + offset;
  Carry *carry = g_hash_table_lookup (job->carry, GINT_TO_POINTER (offset));
  guint64 seed = runner_round_seed (job->seed, carry != NULL ? carry->rounds : 0);
  g_autoptr (JsonArray) messages = dg_record_prompt_messages (job->prompt, index, seed);
  g_autoptr (DgInferenceRequest) request =
      dg_inference_request_new_from_template (job->template_request, messages);

  dg_inference_request_set_record (request, index, seed);
  job->in_flight++;
  dg_inference_submit (runner->inference, job->queue, request, NULL, on_result,
                       runner_job_ref (job), (GDestroyNotify) runner_job_unref);
}

static void maybe_complete (RunnerJob *job);

static gboolean
offline_step (gpointer data)
{
  RunnerJob *job = data;

  for (guint n = 0; n < OFFLINE_CHUNK; n++)
    {
      gint64 offset;

      if (job->stopping || job->dropped)
        {
          job->offline_source = 0;
          return G_SOURCE_REMOVE;
        }
      offset = next_offset (job);
      if (offset < 0)
        {
          job->offline_source = 0;
          maybe_complete (job);
          return G_SOURCE_REMOVE;
        }
      runner_generate_offline (job, offset);
    }
  return G_SOURCE_CONTINUE;
}

/* Record requests this job keeps submitted: twice the instance budget, which can change
 * while the job runs (the desktop's preference), so that the budget is never idle. */
static guint
job_window (RunnerJob *job)
{
  DgJobRunner *runner = job->runner;
  guint window = runner->options.window > 0
                     ? runner->options.window
                     : 2 * MAX (dg_inference_get_concurrency (runner->inference), 1);

  return job->requested_window > 0 ? MIN (job->requested_window, window) : window;
}

static void
pump (RunnerJob *job)
{
  if (job->stopping || job->dropped)
    return;
  if (job->generator != NULL)
    {
      if (job->offline_source == 0)
        {
          GSource *source = g_idle_source_new ();

          g_source_set_priority (source, G_PRIORITY_DEFAULT_IDLE);
          g_source_set_callback (source, offline_step, runner_job_ref (job),
                                 (GDestroyNotify) runner_job_unref);
          g_source_set_static_name (source, "[dg-runner] offline");
          job->offline_source = g_source_attach (source, job->runner->context);
          g_source_unref (source);
        }
      return;
    }
  while (job->in_flight < job_window (job))
    {
      gint64 offset = next_offset (job);

      if (offset < 0)
        break;
      submit (job, offset);
    }
  maybe_complete (job);
}

/* Everything asked for has come back: store the rest and finish the slice. */
static void
maybe_complete (RunnerJob *job)
{
  DgJobRunner *runner = job->runner;
  g_autoptr (GError) error = NULL;
  gint64 size = job->end - job->start;
  DgJobStatus status;

  if (job->stopping || job->dropped || job->in_flight > 0 || job->offline_source != 0 ||
      !g_queue_is_empty (&job->retry) || job->cursor < size)
    return;

  clear_suspects (job);
  if (!flush (job) || job->stopping)
    return;

  if (job->stored_count < size)
    {
      /* Indices we did not get (should not happen): read the truth and go again. */
      g_autofree guint8 *stored = dg_store_records_stored (runner->store, job->id, job->start,
                                                           job->end, &job->stored_count, &error);

      if (stored == NULL)
        {
          set_message (job, "Cannot read the stored records: %s", error->message);
          fail_job (job);
          return;
        }
      g_free (job->stored);
      job->stored = g_steal_pointer (&stored);
      job->cursor = 0;
      if (job->stored_count < size)
        {
          pump (job);
          return;
        }
    }

  if (!dg_store_job_finish_slice (runner->store, job->id, runner->peer_id, &status, &error))
    {
      set_message (job, "Cannot finish the job: %s", error->message);
      fail_job (job);
      return;
    }
  job->status = status;
  runner_job_stop (job);
}

static void
release_lease (RunnerJob *job)
{
  g_autoptr (GError) error = NULL;

  if (job->not_ours)
    return;

  if (!dg_store_job_release (job->runner->store, job->id, job->runner->holder, &error))
    g_debug ("Cannot release the lease of job %s: %s", job->id, error->message);
}

/* The last request is back: store what is finished, then let go of the job. */
static void
finish_stop (RunnerJob *job)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) refused = NULL;
  DgJobStatus status;

  if (job->dropped)
    return;
  runner_job_ref (job);
  cancel_flush (job);
  if (job->lease_source != NULL)
    {
      g_source_destroy (job->lease_source);
      g_clear_pointer (&job->lease_source, g_source_unref);
    }
  /* Suspect failures are dropped: those indices are asked for again next time. */
  g_ptr_array_set_size (job->suspects, 0);
  /* Refused duplicates are not stored: their indices are asked for again next time. */
  if (job->batch->len > 0 &&
      !dg_store_records_commit_full (job->runner->store, job->id, job->runner->peer_id, job->batch,
                                     job->regenerate_duplicates ? DG_STORE_COMMIT_REFUSE_DUPLICATES
                                                                : DG_STORE_COMMIT_COUNT_DUPLICATES,
                                     &refused, NULL, NULL, &error))
    g_message ("Cannot store the last records of job %s: %s", job->id, error->message);
  else
    g_ptr_array_set_size (job->batch, 0);
  release_lease (job);
  if (dg_store_job_read_status (job->runner->store, job->id, &status, NULL))
    job->status = status;
  job->dropped = TRUE;
  {
    g_autoptr (DgJob) snapshot =
        dg_store_job_get (job->runner->store, job->id, DG_STORE_JOB_BASIC, NULL);

    if (snapshot != NULL)
      {
        job->total_ok = snapshot->total_ok;
        job->total_failed = snapshot->total_failed;
        job->total_records = snapshot->total_records;
        if (job->owner == NULL)
          job->owner = g_strdup (snapshot->owner);
      }
  }
  runner_post_progress (job->runner, job, TRUE);
  runner_job_dropped (job->runner, job);
  runner_job_unref (job);
}

void
runner_job_stop (RunnerJob *job)
{
  if (job->stopping || job->dropped)
    return;
  runner_job_ref (job);
  job->stopping = TRUE;
  if (job->queue != NULL)
    dg_inference_queue_cancel (job->queue);
  if (job->in_flight == 0)
    finish_stop (job);
  runner_job_unref (job);
}

/* Whether the lease holder @holder is a process of this machine that no longer runs. */
static gboolean
holder_is_gone (DgJobRunner *runner, const char *holder)
{
  g_auto (GStrv) ours = g_strsplit (runner->holder, ":", 3);
  g_auto (GStrv) theirs = holder != NULL ? g_strsplit (holder, ":", 3) : NULL;
  gint64 pid;

  if (holder == NULL)
    return TRUE;
  if (g_strv_length (theirs) != 3 || g_strv_length (ours) != 3 || !g_str_equal (ours[0], theirs[0]))
    return FALSE;
  if (!g_str_equal (ours[2], theirs[2]))
    return TRUE; /* the machine rebooted since */
  pid = g_ascii_strtoll (theirs[1], NULL, 10);
  return pid > 0 && kill ((pid_t) pid, 0) != 0 && errno == ESRCH;
}

static gboolean
claim (DgJobRunner *runner, const char *job_id, GError **error)
{
  g_autofree char *holder = NULL;
  gint64 until = dg_now_ms () + runner->options.lease_ms;

  if (dg_store_job_claim (runner->store, job_id, runner->holder, until, &holder, error))
    return TRUE;
  if (error != NULL && *error != NULL)
    return FALSE;
  if (holder_is_gone (runner, holder) &&
      dg_store_job_take_lease (runner->store, job_id, runner->holder, holder, until, error))
    return TRUE;
  if (error != NULL && *error == NULL)
    g_set_error (error, DG_STORE_ERROR, DG_STORE_ERROR_BUSY,
                 "Job %s is being run by another DataGems process (%s)", job_id,
                 holder != NULL ? holder : "unknown");
  return FALSE;
}

static guint64
run_uint (JsonObject *run, const char *name, guint64 fallback)
{
  JsonNode *node = run != NULL ? json_object_get_member (run, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64 || json_node_get_int (node) < 0)
    return fallback;
  return (guint64) json_node_get_int (node);
}

/* Everything a job needs before its first request. FALSE with job->message when it cannot run. */
static gboolean
prepare (RunnerJob *job, DgJob *snapshot)
{
  DgJobRunner *runner = job->runner;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonArray) no_messages = json_array_new ();
  JsonNode *schema = dg_job_get_schema (snapshot);
  JsonNode *regenerate;

  job->seed = run_uint (snapshot->run, "seed", 0);
  job->max_attempts = (guint) run_uint (snapshot->run, "maxAttempts", 0);
  if (job->max_attempts == 0)
    job->max_attempts = (guint) MAX (runner->config->inference_max_attempts, 1);
  job->requested_window = (guint) run_uint (snapshot->run, "concurrency", 0);
  regenerate =
      snapshot->run != NULL ? json_object_get_member (snapshot->run, "regenerateDuplicates") : NULL;
  job->regenerate_duplicates = regenerate != NULL && JSON_NODE_HOLDS_VALUE (regenerate)
                                   ? json_node_get_boolean (regenerate)
                                   : runner->options.regenerate_duplicates_default;

  if (schema == NULL || !JSON_NODE_HOLDS_OBJECT (schema))
    {
      set_message (job, "The job has no schema");
      return FALSE;
    }
  /* @snapshot's tree belongs to this thread, but the job may be freed on another one: keep a
   * private copy rather than a second reference to the snapshot's (non-atomic) objects. */
  job->schema_node = dg_json_copy (schema);
  job->schema = dg_json_schema_new (schema, DG_JSON_SCHEMA_NONE, &error);
  if (job->schema == NULL)
    {
      set_message (job, "The job's schema cannot be used: %s", error->message);
      return FALSE;
    }

  job->endpoint = runner_resolve_endpoint (runner, snapshot, &error);
  if (job->endpoint == NULL)
    {
      set_message (job, "Cannot reach the job's model: %s",
                   error != NULL ? error->message : "no endpoint");
      return FALSE;
    }
  if (dg_inference_endpoint_get_backend (job->endpoint) == DG_INFERENCE_BACKEND_OFFLINE)
    {
      job->generator = dg_offline_generator_new (schema, &error);
      if (job->generator == NULL)
        {
          set_message (job, "The offline generator cannot follow this schema: %s", error->message);
          return FALSE;
        }
    }
  else
    {
      const char *description = dg_job_get_description (snapshot);

      job->prompt = dg_record_prompt_new (
          description != NULL ? description : "",
          json_object_get_string_member_with_default (snapshot->details, "instructions", ""),
          schema, snapshot->dataset_mode);
      job->template_request =
          dg_inference_request_new (job->endpoint, DG_INFERENCE_KIND_RECORD, no_messages);
      dg_inference_request_set_response_schema (job->template_request, "record", job->schema_node);
      dg_inference_request_set_max_attempts (job->template_request, job->max_attempts);
      runner_set_validator (job->template_request, job->schema, runner);
      job->queue = dg_inference_queue_new (runner->inference, job->owner, job->id);
    }

  job->stored = dg_store_records_stored (runner->store, job->id, job->start, job->end,
                                         &job->stored_count, &error);
  if (job->stored == NULL)
    {
      set_message (job, "Cannot read the stored records: %s", error->message);
      return FALSE;
    }
  return TRUE;
}

/**
 * runner_job_start:
 *
 * Takes @job_id's lease and starts its slice here, unless it is paused,
 * finished, run by another process, or has nothing for this peer.
 */
void
runner_job_start (DgJobRunner *runner, const char *job_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DgJob) snapshot = NULL;
  DgJobSlice *slice;
  DgJobStatus status;
  RunnerJob *job;

  job = g_new0 (RunnerJob, 1);
  g_atomic_ref_count_init (&job->ref_count);
  job->runner = g_object_ref (runner);
  job->id = g_strdup (job_id);
  job->carry = g_hash_table_new_full (NULL, NULL, NULL, runner_carry_free);
  job->batch_fingerprints = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  job->batch = g_ptr_array_new_with_free_func ((GDestroyNotify) dg_store_record_free);
  job->suspects = g_ptr_array_new_with_free_func ((GDestroyNotify) dg_store_record_free);
  job->last_renew_ms = dg_now_ms ();
  g_queue_init (&job->retry);
  g_hash_table_insert (runner->jobs, job->id, job);
  g_mutex_lock (&runner->lock);
  g_hash_table_add (runner->running, g_strdup (job_id));
  g_mutex_unlock (&runner->lock);

  if (!claim (runner, job_id, &error))
    {
      g_message ("Not running job %s: %s", job_id, error->message);
      set_message (job, "%s", error->message);
      job->not_ours = TRUE;
      runner_job_stop (job);
      return;
    }
  if (!dg_store_job_start_slice (runner->store, job_id, runner->peer_id, &status, &error))
    {
      set_message (job, "Cannot start: %s", error->message);
      job->status = DG_JOB_STATUS_QUEUED;
      runner_job_stop (job);
      return;
    }
  job->status = status;
  snapshot = dg_store_job_get (runner->store, job_id, DG_STORE_JOB_WITH_SLICES, &error);
  if (snapshot == NULL)
    {
      set_message (job, "Cannot read the job: %s", error->message);
      runner_job_stop (job);
      return;
    }
  job->owner = g_strdup (snapshot->owner);
  job->total_records = snapshot->total_records;
  job->total_ok = snapshot->total_ok;
  job->total_failed = snapshot->total_failed;
  if (status != DG_JOB_STATUS_RUNNING)
    {
      runner_job_stop (job);
      return;
    }
  slice = dg_job_find_slice (snapshot, runner->peer_id);
  if (slice == NULL)
    {
      runner_job_stop (job);
      return;
    }
  job->start = slice->range_start;
  job->end = slice->range_end;
  if (!prepare (job, snapshot))
    {
      fail_job (job);
      return;
    }
  g_debug ("Running job %s [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "), %" G_GINT64_FORMAT
           " stored",
           job_id, job->start, job->end, job->stored_count);
  runner_post_progress (runner, job, TRUE);
  start_lease_timer (job);
  pump (job);
}
