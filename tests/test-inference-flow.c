/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-test"

#include "config.h"

#include <string.h>

#include "dg-inference-private.h"
#include "dg-prompts.h"
#include "dg-test-utils.h"
#include "test-inference.h"

/* Model listing, cancellation, fair sharing, shutdown, drafting and prompts. */

/* ---- model listing ---- */

static void
models_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (res);
}

static JsonArray *
list_models (DgInference *inference, DgInferenceEndpoint *endpoint, GError **error)
{
  g_autoptr (GAsyncResult) res = NULL;

  dg_inference_list_models_async (inference, endpoint, NULL, models_done, &res);
  DG_TEST_WAIT (res != NULL, TEST_WAIT_MS);
  return dg_inference_list_models_finish (inference, res, error);
}

static void
test_models (void)
{
  g_autoptr (DgModelStandin) standin = dg_model_standin_new ();
  g_autoptr (DgInference) inference = test_inference_new (2, 1, 5000);
  g_autofree char *base = g_strconcat (dg_model_standin_get_url (standin), "/", NULL);
  g_autoptr (DgInferenceEndpoint) endpoint =
      dg_inference_endpoint_new (DG_INFERENCE_BACKEND_OPENAI, base);
  g_autoptr (DgInferenceEndpoint) strict = test_endpoint_new (standin, DG_INFERENCE_BACKEND_OPENAI);
  g_autoptr (DgInferenceEndpoint) offline =
      dg_inference_endpoint_new (DG_INFERENCE_BACKEND_OFFLINE, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonArray) models = NULL;
  g_autofree char *auth = NULL;
  DgStandinStats stats;

  dg_inference_endpoint_set_url_policy (endpoint, DG_URL_POLICY_ALLOW_PRIVATE);
  dg_inference_endpoint_set_api_key (endpoint, "sk-models");
  dg_model_standin_set_api_key (standin, NULL);

  /* {base}/models answers: its "data" array. */
  models = list_models (inference, endpoint, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (models), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (models, 0), "id"),
                   ==, "standin-model");
  g_clear_pointer (&models, json_array_unref);

  /* /models fails: /get_models, whose body is an array. */
  dg_model_standin_set_models (standin, 404, "{}", 200, "[\"a\",\"b\"]");
  models = list_models (inference, endpoint, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (models), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (models, 1), ==, "b");
  g_clear_pointer (&models, json_array_unref);

  /* An object without a usable "data": no models. */
  dg_model_standin_set_models (standin, 200, "{\"data\":[]}", 404, NULL);
  models = list_models (inference, endpoint, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (models), ==, 0);
  g_clear_pointer (&models, json_array_unref);

  dg_model_standin_set_models (standin, 500, "{}", 502, "{}");
  models = list_models (inference, endpoint, &error);
  g_assert_null (models);
  g_assert_error (error, DG_INFERENCE_ERROR, DG_INFERENCE_ERROR_HTTP);
  g_assert_cmpstr (error->message, ==, "Model list failed with status 502");
  g_clear_error (&error);

  dg_model_standin_set_models (standin, 200, "not json", 404, NULL);
  models = list_models (inference, endpoint, &error);
  g_assert_null (models);
  g_assert_error (error, DG_INFERENCE_ERROR, DG_INFERENCE_ERROR_BAD_RESPONSE);
  g_clear_error (&error);

  dg_model_standin_get_stats (standin, &stats);
  g_assert_cmpuint (stats.models, ==, 7);

  /* A LAN user may not list models on a loopback server. */
  dg_inference_endpoint_unref (strict);
  strict =
      dg_inference_endpoint_new (DG_INFERENCE_BACKEND_OPENAI, dg_model_standin_get_url (standin));
  models = list_models (inference, strict, &error);
  g_assert_null (models);
  g_assert_error (error, DG_URL_POLICY_ERROR, DG_URL_POLICY_ERROR_PRIVATE_IPV4);
  g_clear_error (&error);
  dg_model_standin_get_stats (standin, &stats);
  g_assert_cmpuint (stats.models, ==, 7);

  models = list_models (inference, offline, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_array_get_string_element (models, 0), ==, "offline");
}

/* ---- cancellation, fairness, shutdown ---- */

static void
test_cancel_queue (void)
{
  g_autoptr (DgModelStandin) standin = dg_model_standin_new ();
  g_autoptr (DgInference) inference = test_inference_new (4, 3, 60000);
  g_autoptr (DgInferenceEndpoint) endpoint =
      test_endpoint_new (standin, DG_INFERENCE_BACKEND_RATIO1);
  g_autoptr (DgInferenceQueue) queue = dg_inference_queue_new (inference, "alice", "job_1");
  g_autoptr (GPtrArray) results =
      g_ptr_array_new_with_free_func ((GDestroyNotify) dg_inference_result_unref);
  DgStandinStats stats;
  gint64 start;

  dg_model_standin_set_latency_ms (standin, 60000);
  for (guint i = 0; i < 6; i++)
    {
      g_autoptr (DgInferenceRequest) request = test_record_request (endpoint, i);
      dg_inference_submit (inference, queue, request, NULL, test_collect_cb, results, NULL);
    }
  g_assert_cmpuint (dg_inference_queue_get_pending (queue), ==, 6);
  DG_TEST_WAIT ((dg_model_standin_get_stats (standin, &stats), stats.in_flight == 4), TEST_WAIT_MS);

  start = g_get_monotonic_time ();
  dg_inference_queue_cancel (queue);
  DG_TEST_WAIT (results->len == 6, TEST_WAIT_MS);
  /* At once: nowhere near the server's 60 s. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  for (guint i = 0; i < results->len; i++)
    {
      DgInferenceResult *r = results->pdata[i];
      g_assert_cmpint (r->status, ==, DG_INFERENCE_STATUS_CANCELLED);
      g_assert_error (r->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    }
  g_assert_cmpuint (dg_inference_queue_get_pending (queue), ==, 0);
  g_assert_true (dg_inference_queue_is_cancelled (queue));
  dg_model_standin_get_stats (standin, &stats);
  g_assert_cmpuint (stats.total, ==, 4);

  /* Later submissions to a cancelled queue end at once. */
  {
    g_autoptr (DgInferenceRequest) request = test_record_request (endpoint, 9);
    dg_inference_submit (inference, queue, request, NULL, test_collect_cb, results, NULL);
    DG_TEST_WAIT (results->len == 7, TEST_WAIT_MS);
    g_assert_cmpint (((DgInferenceResult *) results->pdata[6])->status, ==,
                     DG_INFERENCE_STATUS_CANCELLED);
  }
  dg_model_standin_release_hung (standin);
}

static void
test_cancel_cancellable (void)
{
  g_autoptr (DgModelStandin) standin = dg_model_standin_new ();
  g_autoptr (DgInference) inference = test_inference_new (4, 3, 60000);
  g_autoptr (DgInferenceEndpoint) endpoint =
      test_endpoint_new (standin, DG_INFERENCE_BACKEND_RATIO1);
  g_autoptr (GPtrArray) results =
      g_ptr_array_new_with_free_func ((GDestroyNotify) dg_inference_result_unref);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GCancellable) cancelled = g_cancellable_new ();
  g_autoptr (DgInferenceRequest) a = test_record_request (endpoint, 0);
  g_autoptr (DgInferenceRequest) b = test_record_request (endpoint, 1);
  g_autoptr (DgInferenceRequest) c = test_record_request (endpoint, 2);
  DgStandinStats stats;

  dg_model_standin_set_latency_ms (standin, 200);
  g_cancellable_cancel (cancelled);
  dg_inference_submit (inference, NULL, a, cancellable, test_collect_cb, results, NULL);
  dg_inference_submit (inference, NULL, b, NULL, test_collect_cb, results, NULL);
  dg_inference_submit (inference, NULL, c, cancelled, test_collect_cb, results, NULL);
  DG_TEST_WAIT ((dg_model_standin_get_stats (standin, &stats), stats.in_flight == 2), TEST_WAIT_MS);
  g_cancellable_cancel (cancellable);
  DG_TEST_WAIT (results->len == 3, TEST_WAIT_MS);
  for (guint i = 0; i < results->len; i++)
    {
      DgInferenceResult *r = results->pdata[i];
      g_assert_cmpint (r->status, ==,
                       r->index == 1 ? DG_INFERENCE_STATUS_OK : DG_INFERENCE_STATUS_CANCELLED);
    }
}

/* The desktop's preference changes the instance budget while requests are queued. */
static void
test_concurrency_change (void)
{
  g_autoptr (DgModelStandin) standin = dg_model_standin_new ();
  g_autoptr (DgInference) inference = test_inference_new (2, 3, 60000);
  g_autoptr (DgInferenceEndpoint) endpoint =
      test_endpoint_new (standin, DG_INFERENCE_BACKEND_RATIO1);
  g_autoptr (DgInferenceQueue) queue = dg_inference_queue_new (inference, "alice", "job_1");
  g_autoptr (GPtrArray) results =
      g_ptr_array_new_with_free_func ((GDestroyNotify) dg_inference_result_unref);
  DgStandinStats stats;

  dg_model_standin_set_latency_ms (standin, 60000);
  for (guint i = 0; i < 10; i++)
    {
      g_autoptr (DgInferenceRequest) request = test_record_request (endpoint, i);
      dg_inference_submit (inference, queue, request, NULL, test_collect_cb, results, NULL);
    }
  DG_TEST_WAIT ((dg_model_standin_get_stats (standin, &stats), stats.in_flight == 2), TEST_WAIT_MS);
  g_assert_cmpuint (dg_inference_get_concurrency (inference), ==, 2);
  g_assert_cmpuint (dg_inference_get_endpoint_limit (inference, endpoint), ==, 2);

  /* Raised: the queued requests start at once. */
  dg_inference_set_concurrency (inference, 6);
  g_assert_cmpuint (dg_inference_get_concurrency (inference), ==, 6);
  DG_TEST_WAIT ((dg_model_standin_get_stats (standin, &stats), stats.in_flight == 6), TEST_WAIT_MS);
  g_assert_cmpuint (dg_inference_get_endpoint_limit (inference, endpoint), ==, 6);

  /* Lowered: running transfers finish; later dispatches keep to the new budget. */
  dg_inference_set_concurrency (inference, 3);
  DG_TEST_WAIT (dg_inference_get_endpoint_limit (inference, endpoint) == 3, TEST_WAIT_MS);
  dg_inference_queue_cancel (queue);
  DG_TEST_WAIT (results->len == 10, TEST_WAIT_MS);

  {
    /* A second server: the cancelled transfers of the first may linger there. */
    g_autoptr (DgModelStandin) second = dg_model_standin_new ();
    g_autoptr (DgInferenceEndpoint) second_endpoint =
        test_endpoint_new (second, DG_INFERENCE_BACKEND_RATIO1);
    g_autoptr (DgInferenceQueue) second_queue =
        dg_inference_queue_new (inference, "alice", "job_2");
    DgInferenceStats inference_stats;

    dg_model_standin_set_latency_ms (second, 60000);
    for (guint i = 0; i < 5; i++)
      {
        g_autoptr (DgInferenceRequest) request = test_record_request (second_endpoint, i);
        dg_inference_submit (inference, second_queue, request, NULL, test_collect_cb, results,
                             NULL);
      }
    DG_TEST_WAIT ((dg_model_standin_get_stats (second, &stats), stats.in_flight == 3),
                  TEST_WAIT_MS);
    DG_TEST_WAIT ((dg_inference_get_stats (inference, &inference_stats),
                   inference_stats.queued == 2 && inference_stats.in_flight == 3),
                  TEST_WAIT_MS);
    dg_inference_queue_cancel (second_queue);
    DG_TEST_WAIT (results->len == 15, TEST_WAIT_MS);
  }
}

static void
record_order_cb (DgInferenceResult *result, gpointer user_data)
{
  GString *order = user_data;

  g_string_append_c (order, (char) result->index);
}

/*
 * Fills @n slots with requests that hang, so that everything submitted next is queued
 * before any of it is scheduled (submission speed then cannot change the order).
 */
static void
block_slots (DgModelStandin *standin, DgInference *inference, DgInferenceEndpoint *endpoint,
             guint n, GString *order)
{
  g_autoptr (DgInferenceQueue) blockers = dg_inference_queue_new (inference, "zz", "blockers");
  DgStandinStats stats;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (DgInferenceRequest) request = test_record_request (endpoint, 'z');

      dg_model_standin_set_fault_at (standin, i, DG_STANDIN_FAULT_HANG);
      dg_inference_submit (inference, blockers, request, NULL, record_order_cb, order, NULL);
    }
  DG_TEST_WAIT ((dg_model_standin_get_stats (standin, &stats), stats.in_flight == n), TEST_WAIT_MS);
}

static void
release_slots (DgModelStandin *standin, DgInference *inference, guint n_queued)
{
  DgInferenceStats stats;

  DG_TEST_WAIT ((dg_inference_get_stats (inference, &stats), stats.queued == n_queued),
                TEST_WAIT_MS);
  dg_model_standin_release_hung (standin);
}

/* Removes the blockers' marks from a completion order. */
static void
strip_blockers (GString *order)
{
  char *p;

  while ((p = strchr (order->str, 'z')) != NULL)
    g_string_erase (order, p - order->str, 1);
}

/* Two jobs share the slots: the second job does not wait for the first one's 12 records. */
static void
test_fairness (void)
{
  g_autoptr (DgModelStandin) standin = dg_model_standin_new ();
  g_autoptr (DgInference) inference = test_inference_new (2, 1, 10000);
  g_autoptr (DgInferenceEndpoint) endpoint =
      test_endpoint_new (standin, DG_INFERENCE_BACKEND_RATIO1);
  g_autoptr (DgInferenceQueue) job_a = dg_inference_queue_new (inference, "alice", "A");
  g_autoptr (DgInferenceQueue) job_b = dg_inference_queue_new (inference, "bob", "B");
  g_autoptr (GString) order = g_string_new (NULL);
  DgStandinStats stats;
  const char *last_b;

  dg_model_standin_set_latency_ms (standin, 5);
  block_slots (standin, inference, endpoint, 2, order);
  for (guint i = 0; i < 12; i++)
    {
      g_autoptr (DgInferenceRequest) request = test_record_request (endpoint, 'a');
      dg_inference_submit (inference, job_a, request, NULL, record_order_cb, order, NULL);
    }
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr (DgInferenceRequest) request = test_record_request (endpoint, 'b');
      dg_inference_submit (inference, job_b, request, NULL, record_order_cb, order, NULL);
    }
  release_slots (standin, inference, 16);
  DG_TEST_WAIT (order->len == 18, TEST_WAIT_MS);
  strip_blockers (order);
  /* Round robin: "abababab" then the rest of a (strict FIFO would put b last). */
  last_b = strrchr (order->str, 'b');
  g_assert_nonnull (last_b);
  g_assert_cmpint (last_b - order->str, <, 10);
  dg_model_standin_get_stats (standin, &stats);
  g_assert_cmpuint (stats.max_in_flight, <=, 2);
}

/* One owner with two jobs and another with one: owners get equal turns. */
static void
test_fairness_owners (void)
{
  g_autoptr (DgModelStandin) standin = dg_model_standin_new ();
  g_autoptr (DgInference) inference = test_inference_new (1, 1, 10000);
  g_autoptr (DgInferenceEndpoint) endpoint =
      test_endpoint_new (standin, DG_INFERENCE_BACKEND_RATIO1);
  g_autoptr (DgInferenceQueue) a1 = dg_inference_queue_new (inference, "alice", "A1");
  g_autoptr (DgInferenceQueue) a2 = dg_inference_queue_new (inference, "alice", "A2");
  g_autoptr (DgInferenceQueue) b1 = dg_inference_queue_new (inference, "bob", "B1");
  g_autoptr (GString) order = g_string_new (NULL);
  DgInferenceQueue *queues[] = { a1, a2, b1 };
  const char tags[] = { 'x', 'y', 'b' };
  guint counts[256] = { 0 };

  block_slots (standin, inference, endpoint, 1, order);
  for (guint q = 0; q < G_N_ELEMENTS (queues); q++)
    for (guint i = 0; i < 6; i++)
      {
        g_autoptr (DgInferenceRequest) request = test_record_request (endpoint, tags[q]);
        dg_inference_submit (inference, queues[q], request, NULL, record_order_cb, order, NULL);
      }
  release_slots (standin, inference, 18);
  DG_TEST_WAIT (order->len == 19, TEST_WAIT_MS);
  strip_blockers (order);
  /* One slot, so the order is exact: owners alternate, alice's jobs alternate. */
  for (guint i = 0; i < 12; i++)
    counts[(guchar) order->str[i]]++;
  g_assert_cmpuint (counts['b'], ==, 6);
  g_assert_cmpuint (counts['x'], ==, 3);
  g_assert_cmpuint (counts['y'], ==, 3);
}

static void
test_shutdown (void)
{
  g_autoptr (DgModelStandin) standin = dg_model_standin_new ();
  DgInference *inference = test_inference_new (2, 3, 60000);
  g_autoptr (DgInferenceEndpoint) endpoint =
      test_endpoint_new (standin, DG_INFERENCE_BACKEND_RATIO1);
  g_autoptr (GPtrArray) results =
      g_ptr_array_new_with_free_func ((GDestroyNotify) dg_inference_result_unref);
  g_autoptr (DgInferenceQueue) queue = dg_inference_queue_new (inference, "carol", "job");
  DgStandinStats stats;

  dg_model_standin_set_latency_ms (standin, 60000);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (DgInferenceRequest) request = test_record_request (endpoint, i);
      dg_inference_submit (inference, queue, request, NULL, test_collect_cb, results, NULL);
    }
  DG_TEST_WAIT ((dg_model_standin_get_stats (standin, &stats), stats.in_flight == 2), TEST_WAIT_MS);
  g_object_unref (inference);
  DG_TEST_WAIT (results->len == 3, TEST_WAIT_MS);
  for (guint i = 0; i < results->len; i++)
    g_assert_error (((DgInferenceResult *) results->pdata[i])->error, DG_INFERENCE_ERROR,
                    DG_INFERENCE_ERROR_SHUTDOWN);
  dg_model_standin_release_hung (standin);
}

/* ---- drafting through the GTask flavour ---- */

static void
request_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (res);
}

static void
test_draft_async (void)
{
  g_autoptr (DgModelStandin) standin = dg_model_standin_new ();
  g_autoptr (DgInference) inference = test_inference_new (2, 2, 5000);
  g_autoptr (DgInferenceEndpoint) endpoint =
      test_endpoint_new (standin, DG_INFERENCE_BACKEND_RATIO1);
  g_autoptr (JsonArray) messages =
      dg_prompts_draft_messages ("Shop", "Orders of a web shop", "Include a total price", TRUE);
  g_autoptr (JsonObject) defaults = dg_prompts_draft_parameters ();
  g_autoptr (JsonNode) meta = dg_prompts_draft_response_schema ();
  g_autoptr (DgInferenceRequest) request =
      dg_inference_request_new (endpoint, DG_INFERENCE_KIND_SCHEMA, messages);
  g_autoptr (JsonObject) user_params = json_object_new ();
  g_autoptr (GAsyncResult) res = NULL;
  g_autoptr (DgInferenceResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) body = NULL;
  g_autofree char *last = NULL;
  JsonObject *b;

  json_object_set_double_member (user_params, "temperature", 0.9);
  dg_inference_endpoint_set_parameters (endpoint, user_params);
  dg_inference_request_set_default_parameters (request, defaults);
  dg_inference_request_set_response_schema (request, "json_schema", meta);
  dg_model_standin_set_fault_at (standin, 0, DG_STANDIN_FAULT_HTTP_500);

  dg_inference_request_async (inference, NULL, request, NULL, request_done, &res);
  DG_TEST_WAIT (res != NULL, TEST_WAIT_MS);
  result = dg_inference_request_finish (inference, res, &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->status, ==, DG_INFERENCE_STATUS_OK);
  g_assert_cmpuint (result->failed_attempts, ==, 1);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (result->output));
  g_assert_true (json_object_has_member (json_node_get_object (result->output), "properties"));

  last = dg_model_standin_dup_last_body (standin);
  body = json_from_string (last, NULL);
  b = json_node_get_object (body);
  /* The user's temperature overrides the drafting default, max_tokens stays. */
  g_assert_cmpfloat (json_object_get_double_member (b, "temperature"), ==, 0.9);
  g_assert_cmpint (json_object_get_int_member (b, "max_tokens"), ==, 1200);
  g_assert_true (json_node_equal (
      json_object_get_member (json_object_get_object_member (b, "response_format"), "schema"),
      meta));
}

/* ---- prompts ---- */

static const char *
message_content (JsonArray *messages, guint i)
{
  return json_object_get_string_member (json_array_get_object_element (messages, i), "content");
}

static void
test_prompts (void)
{
  g_autoptr (JsonArray) draft = dg_prompts_draft_messages (
      "Churn", "Telecom customers who may leave", "Add a tenure in months", FALSE);
  g_autoptr (JsonArray) dataset_draft = dg_prompts_draft_messages (NULL, NULL, "Spam or not", TRUE);
  g_autoptr (JsonNode) schema = test_person_schema ();
  g_autoptr (DgRecordPrompt) prompt =
      dg_record_prompt_new ("A description", "Some rules", schema, TRUE);
  g_autoptr (JsonArray) r1 = dg_record_prompt_messages (prompt, 0, 5);
  g_autoptr (JsonArray) r2 = dg_record_prompt_messages (prompt, 1, 5);
  g_autoptr (JsonNode) meta = dg_prompts_draft_response_schema ();
  JsonArray *required;

  g_assert_cmpstr (dg_prompts_version (), ==, PROMPTS_VERSION);

  g_assert_cmpuint (json_array_get_length (draft), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (draft, 0), "role"),
                   ==, "system");
  /* The description reaches the model (upstream bug 17). */
  g_assert_nonnull (strstr (message_content (draft, 1), "Telecom customers who may leave"));
  g_assert_nonnull (strstr (message_content (draft, 1), "Add a tenure in months"));
  g_assert_nonnull (strstr (message_content (draft, 1), "\"type\" field"));
  g_assert_null (strstr (message_content (draft, 0), "label"));
  g_assert_nonnull (strstr (message_content (dataset_draft, 0), "label"));

  g_assert_cmpuint (json_array_get_length (r1), ==, 3);
  g_assert_nonnull (strstr (message_content (r1, 0), "label"));
  g_assert_nonnull (strstr (message_content (r1, 1), "A description"));
  g_assert_nonnull (strstr (message_content (r1, 2), "record number 1 "));
  g_assert_nonnull (strstr (message_content (r2, 2), "record number 2 "));
  g_assert_nonnull (strstr (message_content (r1, 2), "\"required\":[\"name\",\"age\"]"));
  g_assert_cmpstr (message_content (r1, 2), !=, message_content (r2, 2));

  required = json_object_get_array_member (json_node_get_object (meta), "required");
  g_assert_cmpuint (json_array_get_length (required), ==, 4);
}

void
test_inference_add_flow_tests (void)
{
  g_test_add_func ("/core/inference/draft-async", test_draft_async);
  g_test_add_func ("/core/inference/prompts", test_prompts);
  g_test_add_func ("/core/inference/models", test_models);
  g_test_add_func ("/core/inference/cancel/queue", test_cancel_queue);
  g_test_add_func ("/core/inference/cancel/cancellable", test_cancel_cancellable);
  g_test_add_func ("/core/inference/concurrency/change", test_concurrency_change);
  g_test_add_func ("/core/inference/fairness/jobs", test_fairness);
  g_test_add_func ("/core/inference/fairness/owners", test_fairness_owners);
  g_test_add_func ("/core/inference/shutdown", test_shutdown);
}
