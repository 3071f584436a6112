/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-test"

#include "config.h"

#include <string.h>

#include "dg-inference-private.h"
#include "dg-json-schema.h"
#include "dg-model-standin-private.h"
#include "dg-prompts.h"
#include "dg-templates.h"
#include "dg-test-utils.h"
#include "test-inference.h"

/* ---- helpers ---- */

DgInference *
test_inference_new (guint concurrency, guint max_attempts, guint timeout_ms)
{
  DgInferenceOptions options = { 0 };

  options.concurrency = concurrency;
  options.max_attempts = max_attempts;
  options.connect_timeout_ms = 2000;
  options.timeout_ms = timeout_ms;
  options.backoff_base_ms = 2;
  options.backoff_max_ms = 10;
  options.retry_after_max_ms = 5000;
  return dg_inference_new (&options);
}

DgInferenceEndpoint *
test_endpoint_new (DgModelStandin *standin, DgInferenceBackend backend)
{
  DgInferenceEndpoint *endpoint =
      dg_inference_endpoint_new (backend, dg_model_standin_get_url (standin));

  dg_inference_endpoint_set_url_policy (endpoint, DG_URL_POLICY_ALLOW_PRIVATE);
  return endpoint;
}

JsonNode *
test_person_schema (void)
{
  return json_from_string ("{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},"
                           "\"age\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":120}},"
                           "\"required\":[\"name\",\"age\"],\"additionalProperties\":false}",
                           NULL);
}

char *
test_validate_person (JsonNode *output, gpointer user_data)
{
  JsonObject *object;
  JsonNode *age;

  if (!JSON_NODE_HOLDS_OBJECT (output))
    return g_strdup ("not an object");
  object = json_node_get_object (output);
  if (json_object_get_size (object) != 2)
    return g_strdup ("must have exactly name and age");
  if (!json_object_has_member (object, "name"))
    return g_strdup ("/name: required");
  age = json_object_get_member (object, "age");
  if (age == NULL || json_node_get_value_type (age) != G_TYPE_INT64)
    return g_strdup ("/age: must be an integer");
  return NULL;
}

DgInferenceRequest *
test_record_request (DgInferenceEndpoint *endpoint, gint64 index)
{
  g_autoptr (JsonArray) messages = json_array_new ();
  g_autoptr (JsonNode) schema = test_person_schema ();
  g_autofree char *schema_text = json_to_string (schema, FALSE);
  g_autofree char *content = g_strconcat ("One person, please. Schema:\n", schema_text, NULL);
  JsonObject *message = json_object_new ();
  DgInferenceRequest *request;

  json_object_set_string_member (message, "role", "user");
  json_object_set_string_member (message, "content", content);
  json_array_add_object_element (messages, message);
  request = dg_inference_request_new (endpoint, DG_INFERENCE_KIND_RECORD, messages);
  dg_inference_request_set_response_schema (request, "person", schema);
  dg_inference_request_set_validate_func (request, test_validate_person, NULL, NULL);
  dg_inference_request_set_record (request, index, 7);
  return request;
}

void
test_collect_cb (DgInferenceResult *result, gpointer user_data)
{
  g_ptr_array_add (user_data, dg_inference_result_ref (result));
}

GPtrArray *
test_run (DgInference *inference, DgInferenceQueue *queue, DgInferenceRequest **requests,
          guint n_requests)
{
  GPtrArray *results = g_ptr_array_new_with_free_func ((GDestroyNotify) dg_inference_result_unref);

  for (guint i = 0; i < n_requests; i++)
    dg_inference_submit (inference, queue, requests[i], NULL, test_collect_cb, results, NULL);
  DG_TEST_WAIT (results->len == n_requests, TEST_WAIT_MS);
  return results;
}

GPtrArray *
test_run_records (DgInference *inference, DgInferenceQueue *queue, DgInferenceEndpoint *endpoint,
                  guint n_requests)
{
  g_autofree DgInferenceRequest **requests = g_new (DgInferenceRequest *, n_requests);
  GPtrArray *results;

  for (guint i = 0; i < n_requests; i++)
    requests[i] = test_record_request (endpoint, i);
  results = test_run (inference, queue, requests, n_requests);
  for (guint i = 0; i < n_requests; i++)
    dg_inference_request_unref (requests[i]);
  return results;
}

void
test_assert_all_ok (GPtrArray *results)
{
  for (guint i = 0; i < results->len; i++)
    g_assert_cmpint (((DgInferenceResult *) results->pdata[i])->status, ==, DG_INFERENCE_STATUS_OK);
}

char *
test_outcomes (DgInferenceResult *result)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < result->attempts->len; i++)
    {
      DgInferenceAttempt *a = result->attempts->pdata[i];
      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, dg_inference_outcome_to_string (a->outcome));
    }
  return g_string_free (out, FALSE);
}

/* One request, waited for. */
static DgInferenceResult *
run_one (DgInference *inference, DgInferenceRequest *request)
{
  g_autoptr (GPtrArray) results = test_run (inference, NULL, &request, 1);

  return dg_inference_result_ref (results->pdata[0]);
}

static void
assert_json_eq (JsonNode *node, const char *expected)
{
  g_autofree char *got = json_to_string (node, FALSE);

  g_assert_cmpstr (got, ==, expected);
}

/* ---- backends ---- */

static void
test_ratio1_request_body (void)
{
  g_autoptr (DgModelStandin) standin = dg_model_standin_new ();
  g_autoptr (DgInference) inference = test_inference_new (4, 3, 5000);
  g_autoptr (DgInferenceEndpoint) endpoint =
      test_endpoint_new (standin, DG_INFERENCE_BACKEND_RATIO1);
  g_autoptr (JsonObject) params = json_object_new ();
  g_autoptr (DgInferenceRequest) request = NULL;
  g_autoptr (DgInferenceResult) result = NULL;
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (JsonNode) schema = test_person_schema ();
  g_autoptr (JsonNode) expected = NULL;
  g_autoptr (GList) keys = NULL;
  g_autofree char *last = NULL, *path = NULL, *auth = NULL, *schema_text = NULL;
  JsonObject *format;
  const char *key_order[] = { "messages", "model", "temperature", "authorization",
                              "response_format" };
  guint i = 0;

  json_object_set_double_member (params, "temperature", 0.5);
  json_object_set_string_member (params, "authorization", "body-token");
  json_object_set_boolean_member (params, "stream", TRUE);
  json_object_set_string_member (params, "messages", "not mine to set");
  dg_inference_endpoint_set_model (endpoint, "llama-3");
  dg_inference_endpoint_set_api_key (endpoint, "sk-test-key");
  dg_inference_endpoint_set_parameters (endpoint, params);
  request = test_record_request (endpoint, 0);

  result = run_one (inference, request);
  g_assert_cmpint (result->status, ==, DG_INFERENCE_STATUS_OK);
  expected = dg_model_standin_make_record (schema, 0);
  g_assert_true (json_node_equal (result->output, expected));
  g_assert_cmpint (result->prompt_tokens, ==, 42);
  g_assert_cmpint (result->completion_tokens, ==, 17);
  g_assert_cmpstr (result->model, ==, "standin-ratio1");
  g_assert_cmpuint (result->attempts->len, ==, 1);
  g_assert_cmpuint (result->failed_attempts, ==, 0);
  g_assert_cmpint (result->index, ==, 0);

  path = dg_model_standin_dup_last_path (standin);
  g_assert_cmpstr (path, ==, "/create_chat_completion");
  auth = dg_model_standin_dup_last_authorization (standin);
  g_assert_cmpstr (auth, ==, "Bearer sk-test-key");
  last = dg_model_standin_dup_last_body (standin);
  body = json_from_string (last, NULL);
  g_assert_nonnull (body);
  /* Upstream key order: messages, model, parameters…, response_format. */
  keys = json_object_get_members (json_node_get_object (body));
  for (GList *l = keys; l != NULL; l = l->next, i++)
    g_assert_cmpstr (l->data, ==, key_order[i]);
  g_assert_cmpuint (i, ==, G_N_ELEMENTS (key_order));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (body), "model"), ==,
                   "llama-3");
  format = json_object_get_object_member (json_node_get_object (body), "response_format");
  g_assert_cmpstr (json_object_get_string_member (format, "type"), ==, "json_object");
  g_assert_true (json_node_equal (json_object_get_member (format, "schema"), schema));
  g_assert_true (
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (json_node_get_object (body), "messages")));
}

static void
test_ratio1_shapes (void)
{
  static const DgStandinRatio1Shape shapes[] = { DG_STANDIN_RATIO1_WRAPPED, DG_STANDIN_RATIO1_RAW,
                                                 DG_STANDIN_RATIO1_TEXT_ONLY };
  g_autoptr (DgModelStandin) standin = dg_model_standin_new ();
  g_autoptr (DgInference) inference = test_inference_new (4, 1, 5000);
  g_autoptr (DgInferenceEndpoint) endpoint =
      test_endpoint_new (standin, DG_INFERENCE_BACKEND_RATIO1);
  g_autoptr (JsonNode) schema = test_person_schema ();

  for (guint i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      g_autoptr (DgInferenceRequest) request = test_record_request (endpoint, i);
      g_autoptr (DgInferenceResult) result = NULL;
      g_autoptr (JsonNode) expected = dg_model_standin_make_record (schema, i);

      dg_model_standin_set_ratio1_shape (standin, shapes[i]);
      result = run_one (inference, request);
      g_assert_cmpint (result->status, ==, DG_INFERENCE_STATUS_OK);
      /* The record, never the envelope (upstream bug 5). */
      g_assert_true (json_node_equal (result->output, expected));
    }
}

static void
test_openai_request_body (void)
{
  g_autoptr (DgModelStandin) standin = dg_model_standin_new ();
  g_autoptr (DgInference) inference = test_inference_new (4, 3, 5000);
  g_autofree char *base = g_strconcat (dg_model_standin_get_url (standin), "/v1/", NULL);
  g_autoptr (DgInferenceEndpoint) endpoint =
      dg_inference_endpoint_new (DG_INFERENCE_BACKEND_OPENAI, base);
  g_autoptr (DgInferenceRequest) request = NULL;
  g_autoptr (DgInferenceResult) result = NULL;
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (JsonNode) schema = test_person_schema ();
  g_autofree char *last = NULL, *path = NULL, *auth = NULL;
  JsonObject *format, *json_schema;

  dg_inference_endpoint_set_url_policy (endpoint, DG_URL_POLICY_ALLOW_PRIVATE);
  dg_inference_endpoint_set_model (endpoint, "gpt-4o-mini");
  request = test_record_request (endpoint, 3);
  result = run_one (inference, request);
  g_assert_cmpint (result->status, ==, DG_INFERENCE_STATUS_OK);
  g_assert_cmpint (result->prompt_tokens, ==, 42);
  g_assert_cmpstr (result->model, ==, "standin-model");

  path = dg_model_standin_dup_last_path (standin);
  g_assert_cmpstr (path, ==, "/v1/chat/completions");
  auth = dg_model_standin_dup_last_authorization (standin);
  g_assert_null (auth);
  last = dg_model_standin_dup_last_body (standin);
  body = json_from_string (last, NULL);
  format = json_object_get_object_member (json_node_get_object (body), "response_format");
  g_assert_cmpstr (json_object_get_string_member (format, "type"), ==, "json_schema");
  json_schema = json_object_get_object_member (format, "json_schema");
  g_assert_cmpstr (json_object_get_string_member (json_schema, "name"), ==, "person");
  g_assert_true (json_object_get_boolean_member (json_schema, "strict"));
  g_assert_true (json_node_equal (json_object_get_member (json_schema, "schema"), schema));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (body), "model"), ==,
                   "gpt-4o-mini");
}

static void
test_openai_content_parts (void)
{
  g_autoptr (DgModelStandin) standin = dg_model_standin_new ();
  g_autoptr (DgInference) inference = test_inference_new (4, 1, 5000);
  g_autoptr (DgInferenceEndpoint) endpoint =
      test_endpoint_new (standin, DG_INFERENCE_BACKEND_OPENAI);
  g_autoptr (DgInferenceRequest) request = test_record_request (endpoint, 5);
  g_autoptr (DgInferenceResult) result = NULL;
  g_autoptr (JsonNode) schema = test_person_schema ();
  g_autoptr (JsonNode) expected = dg_model_standin_make_record (schema, 0);

  dg_model_standin_set_content_parts (standin, TRUE);
  result = run_one (inference, request);
  g_assert_cmpint (result->status, ==, DG_INFERENCE_STATUS_OK);
  g_assert_true (json_node_equal (result->output, expected));
}

static void
test_openai_format_fallback (void)
{
  g_autoptr (DgModelStandin) standin = dg_model_standin_new ();
  g_autoptr (DgInference) inference = test_inference_new (1, 1, 5000);
  g_autoptr (DgInferenceEndpoint) endpoint =
      test_endpoint_new (standin, DG_INFERENCE_BACKEND_OPENAI);
  g_autoptr (DgInferenceRequest) first = test_record_request (endpoint, 0);
  g_autoptr (DgInferenceRequest) second = test_record_request (endpoint, 1);
  g_autoptr (DgInferenceResult) r1 = NULL;
  g_autoptr (DgInferenceResult) r2 = NULL;
  g_autoptr (JsonNode) body = NULL;
  g_autofree char *outcomes = NULL, *last = NULL;
  DgInferenceAttempt *attempt;
  DgStandinStats stats;

  dg_model_standin_set_refuse_json_schema (standin, TRUE);
  r1 = run_one (inference, first);
  outcomes = test_outcomes (r1);
  /* One attempt allowed, yet the record succeeds: the fallback is not a used attempt. */
  if (r1->status != DG_INFERENCE_STATUS_OK)
    g_error ("fallback failed: %s: %s", outcomes, r1->error->message);
  g_assert_cmpstr (outcomes, ==, "format-fallback,ok");
  attempt = r1->attempts->pdata[0];
  g_assert_cmpuint (attempt->http_status, ==, 400);
  g_assert_true (g_str_has_prefix (attempt->error, "Inference call failed with status 400"));

  /* The endpoint remembers: the next request goes straight to json_object. */
  r2 = run_one (inference, second);
  g_assert_cmpint (r2->status, ==, DG_INFERENCE_STATUS_OK);
  g_assert_cmpuint (r2->attempts->len, ==, 1);
  last = dg_model_standin_dup_last_body (standin);
  body = json_from_string (last, NULL);
  g_assert_cmpstr (
      json_object_get_string_member (
          json_object_get_object_member (json_node_get_object (body), "response_format"), "type"),
      ==, "json_object");

  dg_model_standin_get_stats (standin, &stats);
  g_assert_cmpuint (stats.total, ==, 3);
  g_assert_cmpuint (stats.format_refused, ==, 1);
}

typedef struct
{
  const char *body;
  const char *output; /* expected output, or NULL for a failure */
  const char *error;  /* expected error message prefix */
  DgInferenceOutcome outcome;
} ShapeCase;

/* Response shapes (upstream 5.5) handed back verbatim by the stand-in. */
static void
test_response_shapes (void)
{
  static const ShapeCase cases[] = {
    { "{\"choices\":[{\"message\":{\"content\":\"{\\\"a\\\":1}\"}}]}", "{\"a\":1}", NULL, 0 },
    { "{\"message\":{\"content\":\"{\\\"a\\\":2}\"}}", "{\"a\":2}", NULL, 0 },
    { "{\"content\":\"{\\\"a\\\":3}\"}", "{\"a\":3}", NULL, 0 },
    { "{\"choices\":[{\"text\":\"{\\\"a\\\":4}\"}]}", "{\"a\":4}", NULL, 0 },
    { "{\"result\":{\"FULL_OUTPUT\":[],\"TEXT_RESPONSE\":[\"{\\\"a\\\":5}\"]}}", "{\"a\":5}", NULL,
      0 },
    /* Upstream made this envelope the record; the TEXT_RESPONSE fallback now works. */
    { "{\"result\":{\"REQUEST_ID\":\"r\",\"TEXT_RESPONSE\":[\"{\\\"a\\\":6}\"]},\"server_node_"
      "addr\":\"x\"}",
      "{\"a\":6}", NULL, 0 },
    { "{\"FULL_OUTPUT\":[{\"choices\":[{\"message\":{\"content\":\"{\\\"a\\\":7}\"}}]}],\"MODEL_"
      "NAME\":\"m\"}",
      "{\"a\":7}", NULL, 0 },
    { "{\"choices\":[{\"message\":{\"content\":[{\"type\":\"text\",\"text\":{\"value\":\"{"
      "\\\"a\\\":8}\"}}]}}]}",
      "{\"a\":8}", NULL, 0 },
    { "{\"choices\":[{\"message\":{\"content\":[{\"content\":{\"text\":\"{\\\"a\\\":\"}},\"9}\"]}}]"
      "}",
      "{\"a\":9}", NULL, 0 },
    { "{\"choices\":[{\"message\":{\"content\":{\"a\":10}}}]}", "{\"a\":10}", NULL, 0 },
    { "{\"result\":{\"status\":\"Success\",\"TEXT_RESPONSE\":[\"```json\\n{\\\"a\\\":11}\\n```\"]}"
      "}",
      "{\"a\":11}", NULL, 0 },
    { "{\"result\":{\"REQUEST_ID\":\"r\",\"MODEL_NAME\":\"m\"},\"server_node_addr\":\"x\"}", NULL,
      "Inference response missing content", DG_INFERENCE_OUTCOME_BAD_RESPONSE },
    { "{\"result\":{\"error\":\"model overloaded\"}}", NULL,
      "Inference result error: model overloaded", DG_INFERENCE_OUTCOME_RESULT_ERROR },
    { "{\"result\":{\"status\":\"FAILED\",\"TEXT_RESPONSE\":[\"{}\"]}}", NULL,
      "Inference result error: failed", DG_INFERENCE_OUTCOME_RESULT_ERROR },
    { "{\"choices\":[{\"message\":{\"content\":null,\"refusal\":\"I can't help\"}}]}", NULL,
      "Model refused: I can't help", DG_INFERENCE_OUTCOME_BAD_RESPONSE },
    { "{\"choices\":[{\"message\":{\"content\":\"no json at all\"}}]}", NULL,
      "Failed to parse inference response as JSON", DG_INFERENCE_OUTCOME_UNPARSABLE },
    { "{\"choices\":[{\"message\":{\"content\":\"Here is the record you\"}, "
      "\"finish_reason\":\"length\"}]}",
      NULL, "Output cut at max_tokens", DG_INFERENCE_OUTCOME_UNPARSABLE },
    { "<html>Bad gateway</html>", NULL, "Response is not JSON", DG_INFERENCE_OUTCOME_BAD_RESPONSE },
    { "", NULL, "Response body is empty", DG_INFERENCE_OUTCOME_BAD_RESPONSE },
    { "[1,2]", NULL, "Inference response missing content", DG_INFERENCE_OUTCOME_BAD_RESPONSE },
  };
  g_autoptr (DgModelStandin) standin = dg_model_standin_new ();
  g_autoptr (DgInference) inference = test_inference_new (2, 1, 5000);
  g_autoptr (DgInferenceEndpoint) endpoint =
      test_endpoint_new (standin, DG_INFERENCE_BACKEND_RATIO1);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (JsonArray) messages = json_array_new ();
      g_autoptr (DgInferenceRequest) request =
          dg_inference_request_new (endpoint, DG_INFERENCE_KIND_RECORD, messages);
      g_autoptr (DgInferenceResult) result = NULL;

      dg_model_standin_set_fixed_response (standin, 200, cases[i].body);
      result = run_one (inference, request);
      if (cases[i].output != NULL)
        {
          if (result->status != DG_INFERENCE_STATUS_OK)
            g_error ("case %u (%s): %s", i, cases[i].body, result->error->message);
          assert_json_eq (result->output, cases[i].output);
        }
      else
        {
          DgInferenceAttempt *attempt = result->attempts->pdata[0];

          if (result->status != DG_INFERENCE_STATUS_FAILED)
            {
              g_autofree char *got = json_to_string (result->output, FALSE);
              g_error ("case %u (%s) should fail, gave %s", i, cases[i].body, got);
            }
          g_assert_null (result->output);
          if (!g_str_has_prefix (result->error->message, cases[i].error))
            g_error ("case %u (%s): got \"%s\"", i, cases[i].body, result->error->message);
          g_assert_cmpint (attempt->outcome, ==, cases[i].outcome);
          g_assert_cmpuint (attempt->http_status, ==, 200);
        }
    }
}

/* Inference never follows redirects (a redirect could lead anywhere, past the URL policy). */
static void
test_no_redirects (void)
{
  g_autoptr (DgModelStandin) standin = dg_model_standin_new ();
  g_autoptr (DgInference) inference = test_inference_new (2, 3, 5000);
  g_autoptr (DgInferenceEndpoint) endpoint =
      test_endpoint_new (standin, DG_INFERENCE_BACKEND_RATIO1);
  g_autoptr (DgInferenceRequest) request = test_record_request (endpoint, 0);
  g_autoptr (DgInferenceResult) result = NULL;
  g_autofree char *outcomes = NULL;
  DgStandinStats stats;

  dg_model_standin_set_fixed_response (standin, 307, "{}");
  result = run_one (inference, request);
  outcomes = test_outcomes (result);
  g_assert_cmpstr (outcomes, ==, "http-error");
  g_assert_error (result->error, DG_INFERENCE_ERROR, DG_INFERENCE_ERROR_HTTP);
  g_assert_true (
      g_str_has_prefix (result->error->message, "Inference call failed with status 307"));
  dg_model_standin_get_stats (standin, &stats);
  g_assert_cmpuint (stats.total, ==, 1);
}

static void
test_template_requests (void)
{
  g_autoptr (DgModelStandin) standin = dg_model_standin_new ();
  g_autoptr (DgInference) inference = test_inference_new (4, 2, 5000);
  g_autoptr (DgInferenceEndpoint) endpoint =
      test_endpoint_new (standin, DG_INFERENCE_BACKEND_RATIO1);
  g_autoptr (DgInferenceRequest) template_ = test_record_request (endpoint, -1);
  g_autoptr (JsonNode) schema = test_person_schema ();
  g_autoptr (DgRecordPrompt) prompt = dg_record_prompt_new ("People", "Adults only", schema, FALSE);
  DgInferenceRequest *requests[10];
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      g_autoptr (JsonArray) messages = dg_record_prompt_messages (prompt, i, 99);
      requests[i] = dg_inference_request_new_from_template (template_, messages);
      dg_inference_request_set_record (requests[i], i, 99);
    }
  results = test_run (inference, NULL, requests, G_N_ELEMENTS (requests));
  for (guint i = 0; i < results->len; i++)
    {
      DgInferenceResult *r = results->pdata[i];
      g_assert_cmpint (r->status, ==, DG_INFERENCE_STATUS_OK);
      g_hash_table_add (seen, GINT_TO_POINTER ((int) r->index));
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, G_N_ELEMENTS (requests));
  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    dg_inference_request_unref (requests[i]);
}

/* ---- offline ---- */

static void
test_offline (void)
{
  g_autoptr (DgInference) inference = test_inference_new (4, 3, 5000);
  g_autoptr (DgInferenceEndpoint) endpoint =
      dg_inference_endpoint_new (DG_INFERENCE_BACKEND_OFFLINE, NULL);
  const guint n_requests = 20;
  g_autoptr (GPtrArray) first = NULL;
  g_autoptr (GPtrArray) second = NULL;
  DgInferenceStats stats;

  first = test_run_records (inference, NULL, endpoint, n_requests);
  second = test_run_records (inference, NULL, endpoint, n_requests);

  for (guint i = 0; i < first->len; i++)
    {
      DgInferenceResult *a = first->pdata[i];
      g_assert_cmpint (a->status, ==, DG_INFERENCE_STATUS_OK);
      g_assert_null (test_validate_person (a->output, NULL));
      /* Deterministic: the same (seed, index) gives the same record. */
      for (guint j = 0; j < second->len; j++)
        {
          DgInferenceResult *b = second->pdata[j];
          if (b->index == a->index)
            g_assert_true (json_node_equal (a->output, b->output));
        }
    }
  dg_inference_get_stats (inference, &stats);
  g_assert_cmpuint (stats.http_requests, ==, 0);
  g_assert_cmpuint (stats.completed_ok, ==, 40);
}

static void
test_offline_draft (void)
{
  g_autoptr (DgInference) inference = test_inference_new (1, 3, 5000);
  g_autoptr (DgInferenceEndpoint) endpoint =
      dg_inference_endpoint_new (DG_INFERENCE_BACKEND_OFFLINE, NULL);
  g_autoptr (JsonArray) messages =
      dg_prompts_draft_messages ("Shop", "Orders of a web shop", "One order per record", FALSE);
  g_autoptr (DgInferenceRequest) request =
      dg_inference_request_new (endpoint, DG_INFERENCE_KIND_SCHEMA, messages);
  g_autoptr (DgInferenceResult) result = NULL;
  g_autoptr (JsonNode) expected = dg_templates_get_schema ("orders", NULL);

  dg_inference_request_set_draft_input (request, "Shop", "Orders of a web shop",
                                        "One order per record", FALSE);
  result = run_one (inference, request);
  g_assert_cmpint (result->status, ==, DG_INFERENCE_STATUS_OK);
  /* No model: the matching built-in template is the draft. */
  g_assert_true (json_node_equal (result->output, expected));
}

/* ---- the real validator as the re-ask hook ---- */

static char *
validate_with_schema (JsonNode *output, gpointer user_data)
{
  g_autoptr (GPtrArray) issues = NULL;
  GString *reason;

  if (dg_json_schema_validate (user_data, output, &issues))
    return NULL;
  reason = g_string_new (NULL);
  for (guint i = 0; i < issues->len && i < 3; i++)
    {
      g_autofree char *line = dg_json_schema_issue_to_string (issues->pdata[i]);
      if (i > 0)
        g_string_append (reason, "; ");
      g_string_append (reason, line);
    }
  return g_string_free (reason, FALSE);
}

static void
test_json_schema_hook (void)
{
  g_autoptr (DgModelStandin) standin = dg_model_standin_new ();
  g_autoptr (DgInference) inference = test_inference_new (2, 3, 5000);
  g_autoptr (DgInferenceEndpoint) endpoint =
      test_endpoint_new (standin, DG_INFERENCE_BACKEND_RATIO1);
  g_autoptr (JsonNode) schema = test_person_schema ();
  g_autoptr (GError) error = NULL;
  DgJsonSchema *validator = dg_json_schema_new (schema, DG_JSON_SCHEMA_NONE, &error);
  g_autoptr (JsonArray) messages = json_array_new ();
  g_autoptr (DgInferenceRequest) request =
      dg_inference_request_new (endpoint, DG_INFERENCE_KIND_RECORD, messages);
  g_autoptr (DgInferenceResult) result = NULL;
  DgInferenceAttempt *attempt;

  g_assert_no_error (error);
  dg_inference_request_set_response_schema (request, "person", schema);
  dg_inference_request_set_validate_func (request, validate_with_schema, validator,
                                          (GDestroyNotify) dg_json_schema_unref);
  dg_model_standin_set_fault_at (standin, 0, DG_STANDIN_FAULT_INVALID_RECORD);
  result = run_one (inference, request);
  g_assert_cmpint (result->status, ==, DG_INFERENCE_STATUS_OK);
  g_assert_cmpuint (result->attempts->len, ==, 2);
  attempt = result->attempts->pdata[0];
  g_assert_cmpint (attempt->outcome, ==, DG_INFERENCE_OUTCOME_INVALID);
  g_assert_nonnull (strstr (attempt->error, "name"));
  g_assert_true (dg_json_schema_validate (validator, result->output, NULL));
  /* Tokens of the rejected answer were spent too. */
  g_assert_cmpint (attempt->prompt_tokens, ==, 42);
  g_assert_cmpint (result->prompt_tokens, ==, 84);
  g_assert_cmpint (result->completion_tokens, ==, 34);
}

/* ---- endpoints ---- */

static void
test_endpoint_resolve (void)
{
  const char *mock_env[] = { "DATAGEN_MOCK_INFERENCE_API=true",
                             "DATAGEN_INFERENCE_BASE_URL=http://h:1", NULL };
  const char *internal_env[] = { "DATAGEN_INFERENCE_HOST=10.0.0.5", "DATAGEN_INFERENCE_PORT=5002",
                                 NULL };
  const char *empty_env[] = { NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (DgConfig) mock = dg_config_new_from_environ (mock_env, &error);
  g_autoptr (DgConfig) internal = dg_config_new_from_environ (internal_env, &error);
  g_autoptr (DgConfig) empty = dg_config_new_from_environ (empty_env, &error);
  g_autoptr (DgInferenceEndpoint) e1 = NULL, e2 = NULL, e3 = NULL, e4 = NULL, e5 = NULL;
  g_autofree char *url2 = NULL, *url3 = NULL, *url4 = NULL;

  g_assert_no_error (error);
  e1 = dg_inference_endpoint_resolve (mock, -1, "https://api.openai.com/v1", NULL, NULL, "k", NULL,
                                      DG_URL_POLICY_NONE);
  g_assert_cmpint (dg_inference_endpoint_get_backend (e1), ==, DG_INFERENCE_BACKEND_OFFLINE);

  e2 =
      dg_inference_endpoint_resolve (internal, -1, NULL, NULL, "m", NULL, NULL, DG_URL_POLICY_NONE);
  g_assert_cmpint (dg_inference_endpoint_get_backend (e2), ==, DG_INFERENCE_BACKEND_RATIO1);
  g_assert_cmpint (dg_inference_endpoint_get_url_policy (e2), ==, DG_URL_POLICY_ALLOW_PRIVATE);
  url2 = dg_inference_endpoint_dup_request_url (e2);
  g_assert_cmpstr (url2, ==, "http://10.0.0.5:5002/create_chat_completion");

  e3 = dg_inference_endpoint_resolve (internal, -1, "https://api.openai.com/v1/", NULL, "gpt", "k",
                                      NULL, DG_URL_POLICY_NONE);
  g_assert_cmpint (dg_inference_endpoint_get_backend (e3), ==, DG_INFERENCE_BACKEND_OPENAI);
  g_assert_true (dg_inference_endpoint_has_api_key (e3));
  url3 = dg_inference_endpoint_dup_request_url (e3);
  g_assert_cmpstr (url3, ==, "https://api.openai.com/v1/chat/completions");

  /* Upstream 5.1's example: one trailing '/' dropped, a leading '/' added. */
  e4 = dg_inference_endpoint_resolve (internal, DG_INFERENCE_BACKEND_RATIO1, "http://h:1/",
                                      "v1/chat/completions", NULL, NULL, NULL, DG_URL_POLICY_NONE);
  url4 = dg_inference_endpoint_dup_request_url (e4);
  g_assert_cmpstr (url4, ==, "http://h:1/v1/chat/completions");

  /* Nothing configured: the offline generator, never a silent stub. */
  e5 = dg_inference_endpoint_resolve (empty, -1, NULL, NULL, NULL, NULL, NULL, DG_URL_POLICY_NONE);
  g_assert_cmpint (dg_inference_endpoint_get_backend (e5), ==, DG_INFERENCE_BACKEND_OFFLINE);

  g_assert_cmpint (dg_inference_backend_guess ("http://x", "/chat/completions/"), ==,
                   DG_INFERENCE_BACKEND_OPENAI);
  g_assert_cmpint (dg_inference_backend_guess ("http://x", NULL), ==, DG_INFERENCE_BACKEND_RATIO1);
  g_assert_cmpint (dg_inference_backend_guess ("http://x/v1/", ""), ==,
                   DG_INFERENCE_BACKEND_OPENAI);
}

static void
test_url_policy_refused (void)
{
  g_autoptr (DgModelStandin) standin = dg_model_standin_new ();
  g_autoptr (DgInference) inference = test_inference_new (2, 3, 5000);
  g_autoptr (DgInferenceEndpoint) endpoint =
      dg_inference_endpoint_new (DG_INFERENCE_BACKEND_RATIO1, dg_model_standin_get_url (standin));
  g_autoptr (DgInferenceRequest) request = test_record_request (endpoint, 0);
  g_autoptr (DgInferenceResult) result = NULL;
  DgStandinStats stats;

  result = run_one (inference, request);
  g_assert_cmpint (result->status, ==, DG_INFERENCE_STATUS_FAILED);
  g_assert_error (result->error, DG_INFERENCE_ERROR, DG_INFERENCE_ERROR_ENDPOINT);
  g_assert_cmpstr (result->error->message, ==,
                   "Inference base URL private IPv4 addresses are not allowed");
  dg_model_standin_get_stats (standin, &stats);
  g_assert_cmpuint (stats.total, ==, 0);
}

/* A DNS name that resolves to a private address is refused when connecting. */
static void
test_url_policy_dns (void)
{
  g_autoptr (DgModelStandin) standin = dg_model_standin_new ();
  g_autoptr (DgInference) inference = test_inference_new (2, 3, 5000);
  g_autoptr (GResolver) resolver = g_resolver_get_default ();
  g_autolist (GInetAddress) addresses = NULL;
  g_autoptr (DgInferenceEndpoint) endpoint = NULL;
  g_autoptr (DgInferenceRequest) request = NULL;
  g_autoptr (DgInferenceResult) result = NULL;
  g_autofree char *url = NULL;
  const char *host = g_get_host_name ();
  DgStandinStats stats;

  addresses = g_resolver_lookup_by_name (resolver, host, NULL, NULL);
  url =
      g_strdup_printf ("http://%s:%s", host, strrchr (dg_model_standin_get_url (standin), ':') + 1);
  /* Needs a name that passes the text check but resolves to a private address. */
  if (addresses == NULL || !dg_url_policy_check (url, DG_URL_POLICY_NONE, NULL) ||
      dg_url_policy_check_address (addresses->data, DG_URL_POLICY_NONE, NULL))
    {
      g_test_skip ("the host name does not resolve to a private address here");
      return;
    }
  endpoint = dg_inference_endpoint_new (DG_INFERENCE_BACKEND_RATIO1, url);
  request = test_record_request (endpoint, 0);
  result = run_one (inference, request);
  g_assert_cmpint (result->status, ==, DG_INFERENCE_STATUS_FAILED);
  g_assert_error (result->error, DG_INFERENCE_ERROR, DG_INFERENCE_ERROR_ENDPOINT);
  g_assert_cmpuint (result->attempts->len, ==, 1);
  g_assert_cmpint (((DgInferenceAttempt *) result->attempts->pdata[0])->outcome, ==,
                   DG_INFERENCE_OUTCOME_REFUSED);
  dg_model_standin_get_stats (standin, &stats);
  g_assert_cmpuint (stats.total, ==, 0);
}

/* ---- logging ---- */

static GMutex log_lock;

static void
capture_log (const char *domain, GLogLevelFlags level, const char *message, gpointer user_data)
{
  g_mutex_lock (&log_lock);
  g_string_append_printf (user_data, "%s\n", message);
  g_mutex_unlock (&log_lock);
}

static void
test_log_redaction (void)
{
  g_autoptr (DgModelStandin) standin = dg_model_standin_new ();
  DgInferenceOptions options = { .concurrency = 1, .max_attempts = 1, .log_requests = TRUE };
  g_autoptr (DgInference) inference = dg_inference_new (&options);
  g_autoptr (DgInferenceEndpoint) endpoint =
      test_endpoint_new (standin, DG_INFERENCE_BACKEND_RATIO1);
  g_autoptr (JsonObject) params = json_object_new ();
  g_autoptr (DgInferenceRequest) request = NULL;
  g_autoptr (DgInferenceResult) result = NULL;
  g_autoptr (GString) log = g_string_new (NULL);
  guint handler;

  json_object_set_string_member (params, "authorization", "body-secret-123");
  dg_inference_endpoint_set_api_key (endpoint, "sk-very-secret-456");
  dg_inference_endpoint_set_parameters (endpoint, params);
  /* A server that echoes the key back must not make the log leak it either. */
  dg_model_standin_set_fixed_response (
      standin, 200, "{\"content\":\"{\\\"name\\\":\\\"sk-very-secret-456\\\",\\\"age\\\":1}\"}");
  request = test_record_request (endpoint, 0);
  handler = g_log_set_handler ("dg-inference", G_LOG_LEVEL_MESSAGE, capture_log, log);
  result = run_one (inference, request);
  g_log_remove_handler ("dg-inference", handler);

  g_assert_cmpint (result->status, ==, DG_INFERENCE_STATUS_OK);
  g_mutex_lock (&log_lock);
  g_assert_nonnull (strstr (log->str, "Inference request #"));
  g_assert_nonnull (strstr (log->str, "Inference response #"));
  g_assert_nonnull (strstr (log->str, "Authorization: Bearer [redacted]"));
  g_assert_nonnull (strstr (log->str, "\"authorization\":\"[redacted]\""));
  g_assert_null (strstr (log->str, "sk-very-secret-456"));
  g_assert_null (strstr (log->str, "body-secret-123"));
  g_mutex_unlock (&log_lock);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/inference/ratio1/request-body", test_ratio1_request_body);
  g_test_add_func ("/core/inference/ratio1/shapes", test_ratio1_shapes);
  g_test_add_func ("/core/inference/openai/request-body", test_openai_request_body);
  g_test_add_func ("/core/inference/openai/content-parts", test_openai_content_parts);
  g_test_add_func ("/core/inference/openai/format-fallback", test_openai_format_fallback);
  g_test_add_func ("/core/inference/response-shapes", test_response_shapes);
  g_test_add_func ("/core/inference/no-redirects", test_no_redirects);
  g_test_add_func ("/core/inference/template-requests", test_template_requests);
  g_test_add_func ("/core/inference/offline/records", test_offline);
  g_test_add_func ("/core/inference/offline/draft", test_offline_draft);
  g_test_add_func ("/core/inference/json-schema-hook", test_json_schema_hook);
  g_test_add_func ("/core/inference/endpoint-resolve", test_endpoint_resolve);
  g_test_add_func ("/core/inference/url-policy/refused", test_url_policy_refused);
  g_test_add_func ("/core/inference/url-policy/dns", test_url_policy_dns);
  g_test_add_func ("/core/inference/log-redaction", test_log_redaction);
  test_inference_add_flow_tests ();
  test_inference_add_fault_tests ();

  return g_test_run ();
}
