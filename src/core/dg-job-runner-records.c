/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-runner"

#include "config.h"

#include <time.h>

#include "dg-job-runner-private.h"
#include "dg-json-writer.h"
#include "dg-util.h"

/*
 * What the runner does with one output: the cost carried by an index across re-asks and
 * regenerations, duplicate handling, the offline generator, and the validation hook.
 * Runner thread only (the validation hook: the inference worker).
 */

void
runner_carry_free (gpointer data)
{
  Carry *carry = data;

  g_clear_pointer (&carry->attempts, g_array_unref);
  g_free (carry);
}

Carry *
runner_carry_get (RunnerJob *job, gint64 offset)
{
  Carry *carry = g_hash_table_lookup (job->carry, GINT_TO_POINTER (offset));

  if (carry == NULL)
    {
      carry = g_new0 (Carry, 1);
      carry->attempts = g_array_new (FALSE, TRUE, sizeof (DgStoreAttempt));
      g_array_set_clear_func (carry->attempts, (GDestroyNotify) dg_store_attempt_clear);
      g_hash_table_insert (job->carry, GINT_TO_POINTER (offset), carry);
    }
  return carry;
}

static void
carry_add_attempt (Carry *carry, const char *outcome, const char *detail, guint http_status,
                   gint64 duration_ms, gint64 prompt_tokens, gint64 completion_tokens,
                   gint64 started_at_ms)
{
  DgStoreAttempt attempt = { 0 };

  attempt.attempt = carry->attempts->len + 1;
  attempt.outcome = g_strdup (outcome);
  attempt.detail = g_strdup (detail);
  attempt.http_status = http_status;
  attempt.duration_ms = duration_ms;
  attempt.prompt_tokens = prompt_tokens;
  attempt.completion_tokens = completion_tokens;
  attempt.created_at_ms = started_at_ms;
  g_array_append_val (carry->attempts, attempt);
  carry->prompt_tokens += MAX (prompt_tokens, 0);
  carry->completion_tokens += MAX (completion_tokens, 0);
  carry->model_ms += duration_ms;
}

void
runner_carry_add_result (Carry *carry, DgInferenceResult *result)
{
  for (guint i = 0; result->attempts != NULL && i < result->attempts->len; i++)
    {
      DgInferenceAttempt *a = g_ptr_array_index (result->attempts, i);

      carry_add_attempt (carry, dg_inference_outcome_to_string (a->outcome), a->error,
                         a->http_status, a->duration_ms, a->prompt_tokens, a->completion_tokens,
                         a->started_at_ms);
    }
}

/* Turns the carried cost of @offset into the record to store (ok when @data is set). */
DgStoreRecord *
runner_record_from_carry (RunnerJob *job, gint64 offset, char *data, char *fingerprint, char *error)
{
  DgStoreRecord *record = dg_store_record_new (job->start + offset);
  Carry *carry = runner_carry_get (job, offset);

  record->ok = data != NULL;
  record->data = data;
  record->fingerprint = fingerprint;
  record->error = error;
  record->attempts = MAX (carry->attempts->len, 1);
  record->retries = record->attempts - 1;
  record->duplicates = carry->duplicates;
  record->prompt_tokens = carry->prompt_tokens;
  record->completion_tokens = carry->completion_tokens;
  record->model_ms = carry->model_ms;
  record->attempt_log = g_steal_pointer (&carry->attempts);
  g_hash_table_remove (job->carry, GINT_TO_POINTER (offset));
  return record;
}

/*
 * A duplicate output for @offset (its cost is in the carry): ask again with a
 * new seed, or give up on the index after max_duplicate_retries.
 */
static void
regenerate (RunnerJob *job, gint64 offset, Carry *carry)
{
  if (carry->attempts->len > 0)
    {
      DgStoreAttempt *last =
          &g_array_index (carry->attempts, DgStoreAttempt, carry->attempts->len - 1);

      g_free (last->outcome);
      last->outcome = g_strdup ("duplicate");
    }
  if (carry->rounds < job->runner->options.max_duplicate_retries)
    {
      carry->rounds++;
      g_queue_push_tail (&job->retry, GINT_TO_POINTER (offset));
      return;
    }
  runner_add_record (
      job, runner_record_from_carry (job, offset, NULL, NULL,
                                     g_strdup_printf ("Duplicate of an earlier record, still "
                                                      "after %u regenerations",
                                                      job->runner->options.max_duplicate_retries)));
}

/*
 * A good record came back. Duplicates within the batch are caught here; those
 * of records already stored are caught when the batch is stored (flush), in
 * the same transaction.
 */
void
runner_accept_output (RunnerJob *job, gint64 offset, JsonNode *output)
{
  char *fingerprint = dg_json_fingerprint (output);
  Carry *carry = runner_carry_get (job, offset);

  if (g_hash_table_contains (job->batch_fingerprints, fingerprint))
    {
      carry->duplicates++;
      if (job->regenerate_duplicates)
        {
          g_free (fingerprint);
          regenerate (job, offset, carry);
          return;
        }
    }
  g_hash_table_add (job->batch_fingerprints, g_strdup (fingerprint));
  runner_add_record (
      job, runner_record_from_carry (job, offset, dg_json_to_string (output, DG_JSON_WRITE_COMPACT),
                                     fingerprint, NULL));
}

/* Records the store refused as duplicates of stored ones: back to their carry, then again. */
void
runner_requeue_refused (RunnerJob *job, GPtrArray *refused)
{
  for (guint i = 0; i < refused->len; i++)
    {
      DgStoreRecord *record = g_ptr_array_index (refused, i);
      gint64 offset = record->index - job->start;
      Carry *carry = runner_carry_get (job, offset);

      if (record->attempt_log != NULL)
        {
          g_array_unref (carry->attempts);
          carry->attempts = g_steal_pointer (&record->attempt_log);
        }
      carry->prompt_tokens = record->prompt_tokens;
      carry->completion_tokens = record->completion_tokens;
      carry->model_ms = record->model_ms;
      /* In this mode every earlier duplicate was regenerated: rounds match duplicates. */
      carry->rounds = record->duplicates;
      carry->duplicates = record->duplicates + 1;
      regenerate (job, offset, carry);
    }
}

/* Failures that say more about the server than about the record. */
gboolean
runner_is_endpoint_failure (DgInferenceResult *result)
{
  DgInferenceAttempt *last;

  if (result->error == NULL || result->error->domain != DG_INFERENCE_ERROR)
    return FALSE;
  switch (result->error->code)
    {
    case DG_INFERENCE_ERROR_TRANSPORT:
    case DG_INFERENCE_ERROR_TIMEOUT:
    case DG_INFERENCE_ERROR_ENDPOINT:
      return TRUE;
    case DG_INFERENCE_ERROR_HTTP:
      if (result->attempts == NULL || result->attempts->len == 0)
        return FALSE;
      last = g_ptr_array_index (result->attempts, result->attempts->len - 1);
      return last->http_status == 401 || last->http_status == 403 || last->http_status == 404 ||
             last->http_status == 407;
    default:
      return FALSE;
    }
}

/* One record from the offline generator (no model): validated like any other. */
void
runner_generate_offline (RunnerJob *job, gint64 offset)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = NULL;
  Carry *carry = runner_carry_get (job, offset);
  guint64 seed = runner_round_seed (job->seed, carry->rounds);
  gint64 started = g_get_monotonic_time ();
  gint64 started_ms = dg_now_ms ();
  gint64 elapsed;

  node = dg_offline_generator_generate (job->generator, seed, job->start + offset, &error);
  elapsed = (g_get_monotonic_time () - started) / 1000;
  if (node == NULL)
    {
      carry_add_attempt (carry, "offline-error", error->message, 0, elapsed, -1, -1, started_ms);
      runner_add_record (
          job, runner_record_from_carry (job, offset, NULL, NULL, g_strdup (error->message)));
      return;
    }
  if (!dg_json_schema_validate (job->schema, node, NULL))
    {
      g_autoptr (GPtrArray) issues = NULL;
      g_autofree char *reason = NULL;

      dg_json_schema_validate (job->schema, node, &issues);
      reason = issues != NULL && issues->len > 0
                   ? dg_json_schema_issue_to_string (g_ptr_array_index (issues, 0))
                   : g_strdup ("the record does not match the schema");
      carry_add_attempt (carry, "invalid", reason, 0, elapsed, -1, -1, started_ms);
      /* Another seed may do better; the generator is deterministic for one seed. */
      if (carry->attempts->len < job->max_attempts)
        {
          carry->rounds++;
          g_queue_push_tail (&job->retry, GINT_TO_POINTER (offset));
          return;
        }
      runner_add_record (
          job, runner_record_from_carry (job, offset, NULL, NULL, g_steal_pointer (&reason)));
      return;
    }
  carry_add_attempt (carry, "ok", NULL, 0, elapsed, -1, -1, started_ms);
  runner_accept_output (job, offset, node);
}

typedef struct
{
  DgJsonSchema *schema;
  DgJobRunner *runner;
} Validator;

static void
validator_free (gpointer data)
{
  Validator *v = data;

  dg_json_schema_unref (v->schema);
  g_object_unref (v->runner);
  g_free (v);
}

static gint64
thread_cpu_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The re-ask hook, on the inference worker thread: its CPU time counts as the runner's. */
static char *
validate_record (JsonNode *output, gpointer user_data)
{
  Validator *v = user_data;
  g_autoptr (GPtrArray) issues = NULL;
  gint64 started = thread_cpu_ns ();
  char *reason = NULL;

  if (!dg_json_schema_validate (v->schema, output, NULL))
    {
      dg_json_schema_validate (v->schema, output, &issues);
      reason = issues != NULL && issues->len > 0
                   ? dg_json_schema_issue_to_string (g_ptr_array_index (issues, 0))
                   : g_strdup ("the record does not match the schema");
    }
  g_atomic_pointer_add (&v->runner->validate_ns, (gssize) (thread_cpu_ns () - started));
  return reason;
}

void
runner_set_validator (DgInferenceRequest *request, DgJsonSchema *schema, DgJobRunner *runner)
{
  Validator *validator = g_new0 (Validator, 1);

  validator->schema = dg_json_schema_ref (schema);
  validator->runner = g_object_ref (runner);
  dg_inference_request_set_validate_func (request, validate_record, validator, validator_free);
}
