/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-engine"

#include "config.h"

#include "test-engine-fixture.h"

/* Drafting, confirming and who sees what. The tests of running jobs are in test-engine-run.c. */

static void
test_offline_end_to_end (Fixture *f, gconstpointer data)
{
  g_autoptr (DgDraft) draft = NULL;
  g_autoptr (DgJob) job = NULL;
  g_autoptr (DgMetrics) metrics = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;
  DgConfirmRequest request = { 0 };

  start_engine (f, NULL);
  draft = draft_schema (f, "ana", 40, people_schema);
  g_assert_null (draft->issues);
  request.has_seed = TRUE;
  request.seed = 7;
  id = confirm (f, "ana", draft, &request);
  DG_TEST_WAIT (g_hash_table_contains (f->added, id), 5000);
  wait_status (f, id, DG_JOB_STATUS_SUCCEEDED);

  job = get_job (f, "ana", id);
  g_assert_cmpint (job->status, ==, DG_JOB_STATUS_SUCCEEDED);
  g_assert_cmpint (job->total_ok, ==, 40);
  g_assert_cmpint (job->total_failed, ==, 0);
  g_assert_cmpstr (json_object_get_string_member (job->run, "backend"), ==, "offline");
  g_assert_cmpint (json_object_get_int_member (job->run, "seed"), ==, 7);
  g_assert_cmpstr (json_object_get_string_member (job->base, "status"), ==, "succeeded");
  g_assert_true (dg_job_id_is_valid (id));
  g_assert_cmpint (dg_test_jobs_query_int (f->db_path, "SELECT count(DISTINCT idx) FROM records"),
                   ==, 40);

  metrics = dg_engine_get_metrics (f->engine, &error);
  g_assert_no_error (error);
  g_assert_cmpint (metrics->total_jobs, ==, 1);
  g_assert_cmpint (metrics->total_records_requested, ==, 40);
  g_assert_cmpint (metrics->total_records_generated, ==, 40);
  g_assert_cmpint (metrics->active_jobs, ==, 0);
  g_assert_cmpint (metrics->failed_jobs, ==, 0);
  g_assert_cmpuint (f->changed, >, 0);
}

static void
test_draft_without_model (Fixture *f, gconstpointer data)
{
  DgDraftRequest request = people_request (5);
  g_autoptr (DgDraft) draft = NULL;
  g_autoptr (DgDraft) again = NULL;
  g_autoptr (JsonObject) json = NULL;

  start_engine (f, NULL);
  /* No model configured: the offline templates draft the schema. */
  dg_engine_draft_async (f->engine, "ana", &request, NULL, on_drafted, &draft);
  DG_TEST_WAIT (draft != NULL, 10000);
  g_assert_cmpstr (draft->backend, ==, "offline");
  g_assert_true (JSON_NODE_HOLDS_OBJECT (draft->schema));
  g_assert_nonnull (draft->token);
  g_assert_null (draft->issues);
  g_assert_cmpint (draft->refreshes, ==, 0);
  json = dg_draft_to_json (draft);
  g_assert_true (json_object_has_member (json, "draftToken"));
  g_assert_true (json_object_has_member (json, "schemaGeneratedAt"));

  /* A re-draft with the previous token counts a refresh. */
  request.previous_token = draft->token;
  dg_engine_draft_async (f->engine, "ana", &request, NULL, on_drafted, &again);
  DG_TEST_WAIT (again != NULL, 10000);
  g_assert_cmpint (again->refreshes, ==, 1);
}

static void
test_confirm_once_and_foreign (Fixture *f, gconstpointer data)
{
  g_autoptr (DgDraft) draft = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  DgConfirmRequest request = { 0 };
  char *none;

  start_engine (f, (const char *const[]){ "DATAGEN_DISABLE_WORKER=1", NULL });
  draft = draft_schema (f, "ana", 3, people_schema);
  first = confirm (f, "ana", draft, NULL);
  /* A replayed confirm returns the same job, without a second one or a second count. */
  second = confirm (f, "ana", draft, NULL);
  g_assert_cmpstr (first, ==, second);
  g_assert_cmpint (dg_test_jobs_query_int (f->db_path, "SELECT count(*) FROM jobs"), ==, 1);
  g_assert_cmpint (
      dg_test_jobs_query_int (f->db_path, "SELECT value FROM metrics WHERE name = 'totalJobs'"), ==,
      1);

  /* Bob cannot confirm Ana's draft. */
  request.token = draft->token;
  none = dg_engine_confirm (f->engine, "bob", &request, NULL, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_INVALID_DRAFT);
  g_assert_cmpstr (error->message, ==, "Invalid or expired draft");
  g_clear_error (&error);

  /* Malformed tokens. */
  for (guint i = 0; i < 3; i++)
    {
      const char *const bad[] = { "", "not.a.token", "eyJhbGciOiJIUzI1NiJ9.e30.AAAA" };

      request.token = bad[i];
      none = dg_engine_confirm (f->engine, "ana", &request, NULL, NULL, &error);
      g_assert_null (none);
      g_assert_error (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_INVALID_DRAFT);
      g_clear_error (&error);
    }
}

static void
test_edited_schema (Fixture *f, gconstpointer data)
{
  g_autoptr (DgDraft) draft = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonArray) details = NULL;
  g_autoptr (GPtrArray) warnings = NULL;
  g_autoptr (JsonNode) broken = parse ("{\"type\":\"object\",\"properties\":{\"age\":"
                                       "{\"type\":\"integer\",\"minimum\":\"zero\"}}}");
  g_autoptr (JsonNode) edited =
      parse ("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\",\"minLength\":2}},"
             "\"required\":[\"city\"]}");
  g_autoptr (DgJob) job = NULL;
  g_autofree char *id = NULL;
  DgConfirmRequest request = { 0 };
  char *none;

  start_engine (f, (const char *const[]){ "DATAGEN_DISABLE_WORKER=1", NULL });
  draft = draft_schema (f, "ana", 3, people_schema);
  request.token = draft->token;
  request.schema = broken;
  none = dg_engine_confirm (f->engine, "ana", &request, &details, &warnings, &error);
  g_assert_null (none);
  g_assert_error (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_INVALID_SCHEMA);
  g_assert_cmpstr (error->message, ==, "Invalid schema");
  g_assert_nonnull (details);
  g_assert_cmpuint (json_array_get_length (details), >=, 1);
  g_assert_nonnull (warnings);
  g_assert_cmpint (dg_test_jobs_query_int (f->db_path, "SELECT count(*) FROM jobs"), ==, 0);

  /* A good edit is sanitised and becomes the job's schema. */
  g_clear_error (&error);
  request.schema = edited;
  id = dg_engine_confirm (f->engine, "ana", &request, NULL, NULL, &error);
  g_assert_no_error (error);
  job = get_job (f, "ana", id);
  {
    g_autofree char *text = dg_json_to_string (dg_job_get_schema (job), DG_JSON_WRITE_COMPACT);

    g_assert_cmpstr (text, ==,
                     "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\","
                     "\"minLength\":2}},\"required\":[\"city\"],\"$schema\":"
                     "\"https://json-schema.org/draft/2020-12/schema\","
                     "\"additionalProperties\":false}");
  }
}

static void
test_owner_scoping (Fixture *f, gconstpointer data)
{
  g_autoptr (DgDraft) draft = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr (GPtrArray) bobs = NULL;
  g_autofree char *id = NULL;
  DgJob *none;

  start_engine (f, NULL);
  draft = draft_schema (f, "ana", 5, people_schema);
  id = confirm (f, "ana", draft, NULL);
  wait_status (f, id, DG_JOB_STATUS_SUCCEEDED);

  none = dg_engine_get_job (f->engine, "bob", id, &error);
  g_assert_null (none);
  g_assert_error (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "Not found");
  g_clear_error (&error);
  g_assert_false (dg_engine_export (f->engine, "bob", id, DG_EXPORT_FORMAT_JSON,
                                    DG_ENGINE_EXPORT_NONE, out, NULL, NULL, NULL, &error));
  g_assert_error (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (dg_engine_control (f->engine, "bob", id, DG_JOB_ACTION_DELETE, &error));
  g_assert_error (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (dg_engine_export (f->engine, "ana", "job_1_abcdef", DG_EXPORT_FORMAT_CSV,
                                    DG_ENGINE_EXPORT_NONE, out, NULL, NULL, NULL, &error));
  g_assert_error (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  bobs = dg_engine_list_jobs (f->engine, "bob", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bobs->len, ==, 0);
  {
    g_autoptr (DgJob) mine = dg_engine_get_job (f->engine, "ana", id, NULL);
    g_autoptr (DgJob) trusted = dg_engine_get_job (f->engine, NULL, id, NULL);

    g_assert_nonnull (mine);
    g_assert_nonnull (trusted);
  }
}

static void
test_draft_with_model (Fixture *f, gconstpointer data)
{
  DgDraftRequest request = people_request (5);
  g_autoptr (DgDraft) draft = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *body = NULL;

  f->standin = dg_model_standin_new ();
  base_url =
      g_strdup_printf ("DATAGEN_INFERENCE_BASE_URL=%s", dg_model_standin_get_url (f->standin));
  start_engine (f, (const char *const[]){ base_url, NULL });
  dg_engine_draft_async (f->engine, "ana", &request, NULL, on_drafted, &draft);
  DG_TEST_WAIT (draft != NULL, 10000);
  g_assert_cmpstr (draft->backend, ==, "ratio1");
  g_assert_null (draft->template_id);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (draft->schema));
  g_assert_nonnull (draft->sanitized_schema);
  g_assert_nonnull (draft->token);
  /* One schema call, and the description reaches the model (contract fix 9). */
  body = dg_model_standin_dup_last_body (f->standin);
  g_assert_nonnull (strstr (body, "People in a customer database"));
}

typedef struct
{
  gboolean done;
  GError *error;
} Failure;

static void
on_draft_failed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Failure *failure = user_data;
  DgDraft *draft = dg_engine_draft_finish (DG_ENGINE (source), result, &failure->error);

  g_assert_null (draft);
  failure->done = TRUE;
}

static void
test_draft_failures (Fixture *f, gconstpointer data)
{
  DgDraftRequest request = people_request (5);
  g_autofree char *base_url = NULL;
  Failure failure = { 0 };
  DgDraft *none;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) schema = parse (people_schema);

  f->standin = dg_model_standin_new ();
  dg_model_standin_set_fixed_response (f->standin, 401, "{\"error\":\"bad key\"}");
  base_url =
      g_strdup_printf ("DATAGEN_INFERENCE_BASE_URL=%s", dg_model_standin_get_url (f->standin));
  start_engine (f, (const char *const[]){ base_url, NULL });

  /* The model fails: a clear "Inference failed: …" (upstream answered an empty 500). */
  dg_engine_draft_async (f->engine, "ana", &request, NULL, on_draft_failed, &failure);
  DG_TEST_WAIT (failure.done, 10000);
  g_assert_error (failure.error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_INFERENCE);
  g_assert_true (g_str_has_prefix (failure.error->message, "Inference failed: "));
  g_clear_error (&failure.error);

  /* Bad requests are refused before any model call. */
  request.total_records = 0;
  none = dg_engine_draft_from_schema (f->engine, "ana", &request, schema, &error);
  g_assert_null (none);
  g_assert_error (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_INVALID);
  g_clear_error (&error);
  request = people_request (5);
  request.title = "";
  none = dg_engine_draft_from_schema (f->engine, "ana", &request, schema, &error);
  g_assert_error (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_INVALID);
  g_clear_error (&error);
  request = people_request (201);
  none = dg_engine_draft_from_schema (f->engine, "ana", &request, schema, &error);
  g_assert_error (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "between 1 and 200"));
  g_clear_error (&error);

  /* The web limit binds remote users, not the database's owner at this machine. */
  request.by_owner = TRUE;
  {
    g_autoptr (DgDraft) owner_draft =
        dg_engine_draft_from_schema (f->engine, "ana", &request, schema, &error);

    g_assert_no_error (error);
    g_assert_nonnull (owner_draft);
  }
  request.total_records = (gint64) DG_CONFIG_OWNER_MAX_RECORDS + 1;
  none = dg_engine_draft_from_schema (f->engine, "ana", &request, schema, &error);
  g_assert_error (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_INVALID);
}

/* Several threads draft and confirm from ONE caller-owned schema and inference object.
 * json-glib 1.6 counts references to objects, arrays and values without atomics, so any
 * reference the engine took to the caller's trees (json_node_copy, json_object_ref) instead of
 * a private copy loses counts here: a leak or a use-after-free under ASan, a critical (fatal in
 * tests) or a crash otherwise. Races are not deterministic, so every thread does many drafts. */
#define SHARED_THREADS 6
#define SHARED_DRAFTS 200
#define SHARED_CONFIRM_EVERY 10

typedef struct
{
  Fixture *f;
  JsonNode *schema;      /* shared, read by every thread */
  JsonObject *inference; /* shared, read by every thread */
  gint finished;
  gint confirmed;
} SharedJson;

static void
on_shared_confirmed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  char **id = user_data;
  g_autoptr (GError) error = NULL;

  *id = dg_engine_confirm_finish (DG_ENGINE (source), result, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (*id);
}

static gpointer
shared_json_thread (gpointer data)
{
  SharedJson *shared = data;
  g_autoptr (GMainContext) context = g_main_context_new ();

  g_main_context_push_thread_default (context);
  for (guint i = 0; i < SHARED_DRAFTS; i++)
    {
      DgDraftRequest request = people_request (3);
      g_autoptr (GError) error = NULL;
      g_autoptr (DgDraft) draft = NULL;
      g_autoptr (JsonObject) json = NULL;
      DgConfirmRequest confirm_request = { 0 };
      g_autofree char *id = NULL;

      request.inference = shared->inference;
      draft =
          dg_engine_draft_from_schema (shared->f->engine, "ana", &request, shared->schema, &error);
      g_assert_no_error (error);
      json = dg_draft_to_json (draft);
      g_assert_true (json_object_has_member (json, "schema"));
      if (i % SHARED_CONFIRM_EVERY != 0)
        continue;

      confirm_request.token = draft->token;
      confirm_request.schema = shared->schema;
      confirm_request.inference = shared->inference;
      confirm_request.backend = "offline";
      if ((i / SHARED_CONFIRM_EVERY) % 2 == 0)
        {
          dg_engine_confirm_async (shared->f->engine, "ana", &confirm_request, NULL,
                                   on_shared_confirmed, &id);
          while (id == NULL)
            g_main_context_iteration (context, TRUE);
        }
      else
        {
          id = dg_engine_confirm (shared->f->engine, "ana", &confirm_request, NULL, NULL, &error);
          g_assert_no_error (error);
        }
      g_assert_true (dg_job_id_is_valid (id));
      g_atomic_int_inc (&shared->confirmed);
    }
  g_main_context_pop_thread_default (context);
  g_atomic_int_inc (&shared->finished);
  return NULL;
}

static void
test_shared_json_threads (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) schema = parse (people_schema);
  g_autoptr (JsonObject) inference = json_object_new ();
  g_autoptr (JsonObject) parameters = json_object_new ();
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  GThread *threads[SHARED_THREADS];
  SharedJson shared = { f, schema, inference, 0, 0 };

  start_engine (f, (const char *const[]){ "DATAGEN_DISABLE_WORKER=1", NULL });
  json_object_set_boolean_member (inference, "useExternalApi", FALSE);
  json_object_set_string_member (inference, "baseUrl", "");
  json_object_set_double_member (parameters, "temperature", 0.5);
  json_object_set_object_member (inference, "parameters", g_steal_pointer (&parameters));
  json_node_seal (schema);
  before = dg_json_to_string (schema, DG_JSON_WRITE_COMPACT);

  for (guint i = 0; i < SHARED_THREADS; i++)
    threads[i] = g_thread_new ("shared-json", shared_json_thread, &shared);
  /* The main loop runs meanwhile: the engine emits job-added here. */
  DG_TEST_WAIT (g_atomic_int_get (&shared.finished) == SHARED_THREADS, 120000);
  for (guint i = 0; i < SHARED_THREADS; i++)
    g_thread_join (threads[i]);

  g_assert_cmpint (g_atomic_int_get (&shared.confirmed), ==,
                   SHARED_THREADS *
                       ((SHARED_DRAFTS + SHARED_CONFIRM_EVERY - 1) / SHARED_CONFIRM_EVERY));
  g_assert_cmpint (dg_test_jobs_query_int (f->db_path, "SELECT count(*) FROM jobs"), ==,
                   g_atomic_int_get (&shared.confirmed));
  /* The caller's trees are untouched and still owned by the caller alone (ASan checks the
   * frees at the end of the test). */
  after = dg_json_to_string (schema, DG_JSON_WRITE_COMPACT);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpstr (json_object_get_string_member (inference, "baseUrl"), ==, "");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  ADD_ENGINE_TEST ("/core/engine/offline-end-to-end", test_offline_end_to_end);
  ADD_ENGINE_TEST ("/core/engine/draft-without-model", test_draft_without_model);
  ADD_ENGINE_TEST ("/core/engine/confirm-once-and-foreign", test_confirm_once_and_foreign);
  ADD_ENGINE_TEST ("/core/engine/edited-schema", test_edited_schema);
  ADD_ENGINE_TEST ("/core/engine/owner-scoping", test_owner_scoping);
  ADD_ENGINE_TEST ("/core/engine/draft-with-model", test_draft_with_model);
  ADD_ENGINE_TEST ("/core/engine/draft-failures", test_draft_failures);
  ADD_ENGINE_TEST ("/core/engine/shared-json-threads", test_shared_json_threads);
  add_run_tests ();

  return g_test_run ();
}
