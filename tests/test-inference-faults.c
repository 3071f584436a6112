/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-test"

#include "config.h"

#include <string.h>

#include "dg-inference-private.h"
#include "dg-test-utils.h"
#include "test-inference.h"

/*
 * Every fault the stand-in can inject, with the exact number of requests each one costs,
 * plus Retry-After, the adaptive limit, timeouts and a mixed-fault run.
 */

typedef struct
{
  DgStandinFault fault;
  DgInferenceBackend backend;
  const char *outcomes; /* attempts, in order */
  DgInferenceStatus status;
  guint requests;    /* requests the server saw */
  const char *error; /* error of the first attempt (prefix) */
} FaultCase;

static const FaultCase fault_cases[] = {
  { DG_STANDIN_FAULT_NONE, DG_INFERENCE_BACKEND_RATIO1, "ok", DG_INFERENCE_STATUS_OK, 1, NULL },
  { DG_STANDIN_FAULT_HTTP_500, DG_INFERENCE_BACKEND_RATIO1, "server-error,ok",
    DG_INFERENCE_STATUS_OK, 2, "Inference call failed with status 500: Internal error (injected)" },
  { DG_STANDIN_FAULT_HTTP_503, DG_INFERENCE_BACKEND_OPENAI, "server-error,ok",
    DG_INFERENCE_STATUS_OK, 2,
    "Inference call failed with status 503: Service unavailable (injected)" },
  { DG_STANDIN_FAULT_RATE_LIMIT, DG_INFERENCE_BACKEND_RATIO1, "rate-limited,ok",
    DG_INFERENCE_STATUS_OK, 2, "Inference call failed with status 429" },
  { DG_STANDIN_FAULT_HANG, DG_INFERENCE_BACKEND_RATIO1, "timeout,ok", DG_INFERENCE_STATUS_OK, 2,
    "Inference request timed out" },
  { DG_STANDIN_FAULT_TRUNCATED_BODY, DG_INFERENCE_BACKEND_RATIO1, "transport,ok",
    DG_INFERENCE_STATUS_OK, 2, "Inference request failed" },
  { DG_STANDIN_FAULT_TRUNCATED_JSON, DG_INFERENCE_BACKEND_OPENAI, "bad-response,ok",
    DG_INFERENCE_STATUS_OK, 2, "Response is not JSON" },
  /* Repairable output needs no second request. */
  { DG_STANDIN_FAULT_PROSE, DG_INFERENCE_BACKEND_RATIO1, "ok", DG_INFERENCE_STATUS_OK, 1, NULL },
  { DG_STANDIN_FAULT_FENCED, DG_INFERENCE_BACKEND_OPENAI, "ok", DG_INFERENCE_STATUS_OK, 1, NULL },
  { DG_STANDIN_FAULT_INVALID_RECORD, DG_INFERENCE_BACKEND_RATIO1, "invalid,ok",
    DG_INFERENCE_STATUS_OK, 2, "must have exactly name and age" },
  { DG_STANDIN_FAULT_NOT_JSON, DG_INFERENCE_BACKEND_OPENAI, "unparsable,ok", DG_INFERENCE_STATUS_OK,
    2, "Failed to parse inference response as JSON" },
  /* A bad key does not get better by asking again. */
  { DG_STANDIN_FAULT_HTTP_401, DG_INFERENCE_BACKEND_OPENAI, "http-error",
    DG_INFERENCE_STATUS_FAILED, 1, "Inference call failed with status 401: Invalid API key" },
};

static void
test_each_fault (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (fault_cases); i++)
    {
      const FaultCase *c = &fault_cases[i];
      g_autoptr (DgModelStandin) standin = dg_model_standin_new ();
      /* Long enough for a normal answer under ASan; only the hang waits for it. */
      g_autoptr (DgInference) inference = test_inference_new (4, 3, 1500);
      g_autoptr (DgInferenceEndpoint) endpoint = test_endpoint_new (standin, c->backend);
      g_autoptr (DgInferenceRequest) request = test_record_request (endpoint, 0);
      g_autoptr (GPtrArray) results = NULL;
      g_autofree char *outcomes = NULL;
      DgInferenceResult *result;
      DgStandinStats stats;

      g_test_message ("fault %s", dg_standin_fault_to_string (c->fault));
      dg_model_standin_set_fault_at (standin, 0, c->fault);
      dg_model_standin_set_retry_after (standin, NULL, "1");
      results = test_run (inference, NULL, &request, 1);
      result = results->pdata[0];
      outcomes = test_outcomes (result);
      if (g_strcmp0 (outcomes, c->outcomes) != 0)
        g_error ("fault %s: attempts %s, expected %s (%s)", dg_standin_fault_to_string (c->fault),
                 outcomes, c->outcomes, result->error ? result->error->message : "no error");
      g_assert_cmpint (result->status, ==, c->status);
      g_assert_cmpuint (result->failed_attempts, ==,
                        c->requests - (c->status == DG_INFERENCE_STATUS_OK));
      if (c->error != NULL)
        {
          DgInferenceAttempt *first = result->attempts->pdata[0];
          if (!g_str_has_prefix (first->error, c->error))
            g_error ("fault %s: first error \"%s\"", dg_standin_fault_to_string (c->fault),
                     first->error);
        }
      if (c->status == DG_INFERENCE_STATUS_OK)
        g_assert_null (test_validate_person (result->output, NULL));
      else
        g_assert_nonnull (result->error);

      dg_model_standin_get_stats (standin, &stats);
      g_assert_cmpuint (stats.total, ==, c->requests);
      g_assert_cmpuint (stats.faults[c->fault], ==, 1);
      g_assert_cmpuint (stats.faults[DG_STANDIN_FAULT_NONE], ==,
                        c->requests - (c->fault != DG_STANDIN_FAULT_NONE));
      dg_model_standin_release_hung (standin);
    }
}

static void
test_attempts_exhausted (void)
{
  g_autoptr (DgModelStandin) standin = dg_model_standin_new ();
  g_autoptr (DgInference) inference = test_inference_new (4, 3, 5000);
  g_autoptr (DgInferenceEndpoint) endpoint =
      test_endpoint_new (standin, DG_INFERENCE_BACKEND_RATIO1);
  g_autoptr (DgInferenceRequest) request = test_record_request (endpoint, 0);
  g_autoptr (DgInferenceRequest) request2 = test_record_request (endpoint, 1);
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GPtrArray) results2 = NULL;
  g_autofree char *outcomes = NULL;
  DgInferenceResult *result;
  DgStandinStats stats;

  for (guint i = 0; i < 5; i++)
    dg_model_standin_set_fault_at (
        standin, i, i % 2 ? DG_STANDIN_FAULT_HTTP_500 : DG_STANDIN_FAULT_INVALID_RECORD);
  results = test_run (inference, NULL, &request, 1);
  result = results->pdata[0];
  outcomes = test_outcomes (result);
  g_assert_cmpstr (outcomes, ==, "invalid,server-error,invalid");
  g_assert_cmpint (result->status, ==, DG_INFERENCE_STATUS_FAILED);
  g_assert_error (result->error, DG_INFERENCE_ERROR, DG_INFERENCE_ERROR_INVALID);
  g_assert_cmpuint (result->failed_attempts, ==, 3);
  g_assert_null (result->output);

  /* A per-request maximum overrides the engine's. */
  dg_inference_request_set_max_attempts (request2, 1);
  results2 = test_run (inference, NULL, &request2, 1);
  result = results2->pdata[0];
  g_assert_cmpint (result->status, ==, DG_INFERENCE_STATUS_FAILED);
  g_assert_error (result->error, DG_INFERENCE_ERROR, DG_INFERENCE_ERROR_HTTP);
  g_assert_cmpuint (result->attempts->len, ==, 1);

  dg_model_standin_get_stats (standin, &stats);
  g_assert_cmpuint (stats.total, ==, 4);
}

static gint64
gap_ms (DgModelStandin *standin, guint a, guint b)
{
  g_autoptr (GArray) arrivals = dg_model_standin_dup_arrivals (standin);

  g_assert_cmpuint (arrivals->len, >, b);
  return (g_array_index (arrivals, gint64, b) - g_array_index (arrivals, gint64, a)) / 1000;
}

static void
test_retry_after_seconds (void)
{
  g_autoptr (DgModelStandin) standin = dg_model_standin_new ();
  g_autoptr (DgInference) inference = test_inference_new (4, 3, 5000);
  g_autoptr (DgInferenceEndpoint) endpoint =
      test_endpoint_new (standin, DG_INFERENCE_BACKEND_RATIO1);
  g_autoptr (DgInferenceRequest) request = test_record_request (endpoint, 0);
  g_autoptr (GPtrArray) results = NULL;

  dg_model_standin_set_fault_at (standin, 0, DG_STANDIN_FAULT_RATE_LIMIT);
  dg_model_standin_set_retry_after (standin, "1", NULL);
  results = test_run (inference, NULL, &request, 1);
  g_assert_cmpint (((DgInferenceResult *) results->pdata[0])->status, ==, DG_INFERENCE_STATUS_OK);
  /* Backoff alone would retry after a few milliseconds. */
  g_assert_cmpint (gap_ms (standin, 0, 1), >=, 1000);
}

/* retry-after-ms holds the whole endpoint, not just the request that got the 429. */
static void
test_retry_after_holds_endpoint (void)
{
  g_autoptr (DgModelStandin) standin = dg_model_standin_new ();
  g_autoptr (DgInference) inference = test_inference_new (1, 3, 5000);
  g_autoptr (DgInferenceEndpoint) endpoint =
      test_endpoint_new (standin, DG_INFERENCE_BACKEND_OPENAI);
  const guint n_requests = 3;
  g_autoptr (GPtrArray) results = NULL;
  DgStandinStats stats;

  dg_model_standin_set_fault_at (standin, 0, DG_STANDIN_FAULT_RATE_LIMIT);
  dg_model_standin_set_retry_after (standin, "30", "250");
  results = test_run_records (inference, NULL, endpoint, n_requests);
  test_assert_all_ok (results);
  /* retry-after-ms wins over Retry-After, and nothing reaches the server during the hold. */
  g_assert_cmpint (gap_ms (standin, 0, 1), >=, 250);
  g_assert_cmpint (gap_ms (standin, 0, 1), <, 5000);
  dg_model_standin_get_stats (standin, &stats);
  g_assert_cmpuint (stats.total, ==, 4);
}

static void
test_retry_after_parsing (void)
{
  const gint64 now = 1445412450; /* Wed, 21 Oct 2015 07:27:30 GMT */

  g_assert_cmpint (dg_inference_parse_retry_after ("120", now), ==, 120000);
  g_assert_cmpint (dg_inference_parse_retry_after (" 0 ", now), ==, 0);
  g_assert_cmpint (dg_inference_parse_retry_after ("Wed, 21 Oct 2015 07:28:00 GMT", now), ==,
                   30000);
  g_assert_cmpint (dg_inference_parse_retry_after ("Wed, 21 Oct 2015 07:00:00 GMT", now), ==, 0);
  g_assert_cmpint (dg_inference_parse_retry_after ("soon", now), ==, -1);
  g_assert_cmpint (dg_inference_parse_retry_after ("-5", now), ==, -1);
  g_assert_cmpint (dg_inference_parse_retry_after ("", now), ==, -1);
  g_assert_cmpint (dg_inference_parse_retry_after_ms ("1.5"), ==, 2);
  g_assert_cmpint (dg_inference_parse_retry_after_ms ("250"), ==, 250);
  g_assert_cmpint (dg_inference_parse_retry_after_ms ("x"), ==, -1);
  g_assert_cmpint (dg_inference_parse_retry_after_ms ("-1"), ==, -1);
}

/* A server that takes 4 at a time: the limit shrinks from 16, then grows back. */
static void
test_adaptive_limit (void)
{
  g_autoptr (DgModelStandin) standin = dg_model_standin_new ();
  g_autoptr (DgInference) inference = test_inference_new (16, 8, 5000);
  g_autoptr (DgInferenceEndpoint) endpoint =
      test_endpoint_new (standin, DG_INFERENCE_BACKEND_RATIO1);
  const guint n_requests = 32;
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GPtrArray) more = NULL;
  DgStandinStats stats;
  guint shrunk, grown;

  dg_model_standin_set_latency_ms (standin, 20);
  dg_model_standin_set_max_concurrent (standin, 4, DG_STANDIN_OVER_CAP_429);
  results = test_run_records (inference, NULL, endpoint, n_requests);
  test_assert_all_ok (results);

  shrunk = dg_inference_get_endpoint_limit (inference, endpoint);
  g_assert_cmpuint (shrunk, <, 16);
  dg_model_standin_get_stats (standin, &stats);
  g_assert_cmpuint (stats.over_cap, >, 0);
  /* Without adaptation every round would waste 12 of 16 requests (three refusals per record);
   * cutting 16 → 12 → 9 → 6 → 4 costs fewer than two per record. */
  g_assert_cmpuint (stats.over_cap, <, 2 * n_requests);
  g_assert_cmpuint (stats.answered_ok, ==, n_requests);
  g_assert_cmpuint (stats.max_in_flight, <=, 4);

  /* The server recovers: the limit grows again. */
  dg_model_standin_set_max_concurrent (standin, 0, DG_STANDIN_OVER_CAP_429);
  more = test_run_records (inference, NULL, endpoint, n_requests);
  grown = dg_inference_get_endpoint_limit (inference, endpoint);
  g_assert_cmpuint (grown, >, shrunk);
}

/* Beyond the cap the server queues: nothing fails, nothing is refused. */
static void
test_server_queue (void)
{
  g_autoptr (DgModelStandin) standin = dg_model_standin_new ();
  g_autoptr (DgInference) inference = test_inference_new (8, 1, 5000);
  g_autoptr (DgInferenceEndpoint) endpoint =
      test_endpoint_new (standin, DG_INFERENCE_BACKEND_RATIO1);
  const guint n_requests = 16;
  g_autoptr (GPtrArray) results = NULL;
  DgStandinStats stats;

  dg_model_standin_set_latency_ms (standin, 10);
  dg_model_standin_set_max_concurrent (standin, 3, DG_STANDIN_OVER_CAP_QUEUE);
  results = test_run_records (inference, NULL, endpoint, n_requests);
  test_assert_all_ok (results);
  dg_model_standin_get_stats (standin, &stats);
  g_assert_cmpuint (stats.total, ==, 16);
  g_assert_cmpuint (stats.max_in_flight, ==, 3);
  g_assert_cmpuint (stats.queued, >, 0);
}

/* A server that never answers cannot hold a job: every attempt times out, then it ends. */
static void
test_hung_server (void)
{
  static const DgStandinFault hang[] = { DG_STANDIN_FAULT_HANG };
  g_autoptr (DgModelStandin) standin = dg_model_standin_new ();
  g_autoptr (DgInference) inference = test_inference_new (4, 2, 150);
  g_autoptr (DgInferenceEndpoint) endpoint =
      test_endpoint_new (standin, DG_INFERENCE_BACKEND_RATIO1);
  const guint n_requests = 3;
  g_autoptr (GPtrArray) results = NULL;
  DgStandinStats stats;
  gint64 start = g_get_monotonic_time ();

  dg_model_standin_set_fault_fraction (standin, 1.0, 1, hang, 1);
  results = test_run_records (inference, NULL, endpoint, n_requests);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  for (guint i = 0; i < results->len; i++)
    {
      DgInferenceResult *r = results->pdata[i];
      g_autofree char *outcomes = test_outcomes (r);

      g_assert_cmpint (r->status, ==, DG_INFERENCE_STATUS_FAILED);
      g_assert_error (r->error, DG_INFERENCE_ERROR, DG_INFERENCE_ERROR_TIMEOUT);
      g_assert_cmpstr (outcomes, ==, "timeout,timeout");
    }
  dg_model_standin_get_stats (standin, &stats);
  g_assert_cmpuint (stats.total, ==, 6);
  g_assert_cmpuint (stats.faults[DG_STANDIN_FAULT_HANG], ==, 6);
  dg_model_standin_release_hung (standin);
}

static void
test_connection_refused (void)
{
  g_autoptr (GSocket) socket =
      g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (DgInference) inference = test_inference_new (2, 2, 2000);
  g_autoptr (DgInferenceEndpoint) endpoint = NULL;
  g_autoptr (DgInferenceRequest) request = NULL;
  g_autoptr (GPtrArray) results = NULL;
  g_autofree char *url = NULL, *outcomes = NULL;
  DgInferenceResult *r;

  /* A port that was just free: nobody listens there. */
  g_assert_true (g_socket_bind (socket, any, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  url = g_strdup_printf ("http://127.0.0.1:%u",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_socket_close (socket, NULL);
  endpoint = dg_inference_endpoint_new (DG_INFERENCE_BACKEND_OPENAI, url);
  dg_inference_endpoint_set_url_policy (endpoint, DG_URL_POLICY_ALLOW_PRIVATE);
  request = test_record_request (endpoint, 0);
  results = test_run (inference, NULL, &request, 1);
  r = results->pdata[0];
  outcomes = test_outcomes (r);
  g_assert_cmpstr (outcomes, ==, "transport,transport");
  g_assert_error (r->error, DG_INFERENCE_ERROR, DG_INFERENCE_ERROR_TRANSPORT);
}

/* 20 % of responses fail in mixed ways: every record ends valid or failed with a reason,
 * within the attempts, and the server saw exactly the attempts the results list. Hangs are
 * left to test_hung_server and the benchmark: their timeout would have to be shorter than a
 * normal answer takes under ASan. */
static void
test_mixed_faults (void)
{
  static const DgStandinFault mix[] = {
    DG_STANDIN_FAULT_HTTP_500,       DG_STANDIN_FAULT_HTTP_503,       DG_STANDIN_FAULT_RATE_LIMIT,
    DG_STANDIN_FAULT_TRUNCATED_BODY, DG_STANDIN_FAULT_TRUNCATED_JSON, DG_STANDIN_FAULT_PROSE,
    DG_STANDIN_FAULT_FENCED,         DG_STANDIN_FAULT_INVALID_RECORD, DG_STANDIN_FAULT_NOT_JSON,
  };
  g_autoptr (DgModelStandin) standin = dg_model_standin_new ();
  g_autoptr (DgInference) inference = test_inference_new (8, 3, 5000);
  g_autoptr (DgInferenceEndpoint) endpoint =
      test_endpoint_new (standin, DG_INFERENCE_BACKEND_RATIO1);
  g_autoptr (DgInferenceQueue) queue = dg_inference_queue_new (inference, "dave", "mixed");
  const guint n_requests = 40;
  g_autoptr (GPtrArray) results = NULL;
  guint ok = 0, failed = 0, attempts = 0;
  DgStandinStats stats;

  dg_model_standin_set_latency_ms (standin, 2);
  dg_model_standin_set_retry_after (standin, NULL, "5");
  dg_model_standin_set_fault_fraction (standin, 0.2, 42, mix, G_N_ELEMENTS (mix));
  results = test_run_records (inference, queue, endpoint, n_requests);
  for (guint i = 0; i < results->len; i++)
    {
      DgInferenceResult *r = results->pdata[i];

      g_assert_cmpuint (r->attempts->len, >=, 1);
      g_assert_cmpuint (r->attempts->len, <=, 3);
      attempts += r->attempts->len;
      if (r->status == DG_INFERENCE_STATUS_OK)
        {
          g_assert_null (test_validate_person (r->output, NULL));
          ok++;
        }
      else
        {
          g_assert_cmpint (r->status, ==, DG_INFERENCE_STATUS_FAILED);
          g_assert_nonnull (r->error);
          g_autofree char *outcomes = test_outcomes (r);

          g_test_message ("record %" G_GINT64_FORMAT " failed: %s (%s)", r->index, outcomes,
                          r->error->message);
          g_assert_cmpuint (r->attempts->len, ==, 3);
          failed++;
        }
    }
  g_assert_cmpuint (ok + failed, ==, n_requests);
  dg_model_standin_get_stats (standin, &stats);
  /* Every valid answer ended a record, and every good record came from one. */
  g_assert_cmpuint (ok, ==, stats.answered_ok);
  g_assert_cmpuint (ok, >, n_requests / 2);
  g_assert_cmpuint (stats.total, ==, attempts);
  g_assert_cmpuint (stats.faults[DG_STANDIN_FAULT_NONE], >, stats.total / 2);
  dg_model_standin_release_hung (standin);
}

void
test_inference_add_fault_tests (void)
{
  g_test_add_func ("/core/inference/faults/each", test_each_fault);
  g_test_add_func ("/core/inference/faults/attempts-exhausted", test_attempts_exhausted);
  g_test_add_func ("/core/inference/faults/retry-after-seconds", test_retry_after_seconds);
  g_test_add_func ("/core/inference/faults/retry-after-holds-endpoint",
                   test_retry_after_holds_endpoint);
  g_test_add_func ("/core/inference/faults/retry-after-parsing", test_retry_after_parsing);
  g_test_add_func ("/core/inference/faults/adaptive-limit", test_adaptive_limit);
  g_test_add_func ("/core/inference/faults/server-queue", test_server_queue);
  g_test_add_func ("/core/inference/faults/hung-server", test_hung_server);
  g_test_add_func ("/core/inference/faults/connection-refused", test_connection_refused);
  g_test_add_func ("/core/inference/faults/mixed", test_mixed_faults);
}
