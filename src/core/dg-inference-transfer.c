/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-inference"

#include "config.h"

#include <string.h>
#include <time.h>

#include "dg-inference-worker-private.h"
#include "dg-util.h"

/*
 * One HTTP attempt: the libcurl transfer of a request body, and what its answer means:
 * retry with backoff (transport, timeout, 408, 429, 5xx; Retry-After honoured), fall back
 * from json_schema, re-ask (unusable output), or deliver. 429/503 shrink the endpoint's
 * adaptive limit; successes let it grow back.
 */

static size_t
write_cb (char *ptr, size_t size, size_t nmemb, void *data)
{
  Task *t = data;
  size_t n = size * nmemb;

  if (t->response->len + n > DG_INFERENCE_MAX_RESPONSE_BYTES)
    {
      t->too_large = TRUE;
      return 0;
    }
  g_string_append_len (t->response, ptr, (gssize) n);
  return n;
}

static size_t
header_cb (char *buffer, size_t size, size_t nitems, void *data)
{
  Task *t = data;
  size_t n = size * nitems;
  g_autofree char *line = g_strndup (buffer, n);
  char *colon;

  if (g_str_has_prefix (line, "HTTP/"))
    {
      t->retry_after_ms = -1; /* a new response (after 1xx): forget earlier headers */
      return n;
    }
  colon = strchr (line, ':');
  if (colon == NULL)
    return n;
  *colon = '\0';
  g_strstrip (line);
  if (g_ascii_strcasecmp (line, "retry-after-ms") == 0)
    {
      gint64 ms = dg_inference_parse_retry_after_ms (g_strstrip (colon + 1));
      if (ms >= 0)
        t->retry_after_ms = ms;
    }
  else if (g_ascii_strcasecmp (line, "retry-after") == 0 && t->retry_after_ms < 0)
    t->retry_after_ms = dg_inference_parse_retry_after (colon + 1, (gint64) time (NULL));
  return n;
}

static void
log_request (DgInferenceWorker *w, Task *t)
{
  DgInferenceShared *shared = t->request->shared;
  g_autoptr (GString) body =
      dg_inference_build_body (shared, t->request->messages_json, t->json_object_only, TRUE);
  g_autofree char *text =
      dg_inference_redact (body->str, body->len, shared->endpoint->api_key, 256 * 1024);

  g_message ("Inference request #%" G_GUINT64_FORMAT ": POST %s; headers: Content-Type: "
             "application/json%s; body: %s",
             t->id, shared->request_url,
             shared->auth_header != NULL ? ", Authorization: Bearer [redacted]" : "", text);
}

static void
log_response (Task *t, CURLcode rc, long status)
{
  DgInferenceShared *shared = t->request->shared;
  g_autofree char *text = dg_inference_redact (t->response->str, t->response->len,
                                               shared->endpoint->api_key, 256 * 1024);

  g_message ("Inference response #%" G_GUINT64_FORMAT ": %s, status %ld; body: %s", t->id,
             rc == CURLE_OK ? "done" : curl_easy_strerror (rc), status, text);
}

void
dg_inference_transfer_start (DgInferenceWorker *w, Task *t)
{
  DgInferenceShared *shared = t->request->shared;
  DgInferenceEndpoint *endpoint = shared->endpoint;
  gboolean json_object_only = t->json_object_only || t->ep->json_schema_refused;

  t->state = TASK_RUNNING;
  t->json_object_only = json_object_only;
  t->easy = g_queue_pop_head (&w->idle_easy);
  if (t->easy != NULL)
    curl_easy_reset (t->easy);
  else
    t->easy = curl_easy_init ();
  t->body = dg_inference_build_body (shared, t->request->messages_json, json_object_only, FALSE);
  t->response = g_string_sized_new (4096);
  t->too_large = FALSE;
  t->retry_after_ms = -1;
  t->errbuf[0] = '\0';
  t->guard.flags = endpoint->url_policy;
  t->guard.error = NULL;

  t->headers = curl_slist_append (NULL, "Content-Type: application/json");
  t->headers = curl_slist_append (t->headers, "Accept: application/json");
  t->headers = curl_slist_append (t->headers, "Expect:");
  if (shared->auth_header != NULL)
    t->headers = curl_slist_append (t->headers, shared->auth_header);

  curl_easy_setopt (t->easy, CURLOPT_URL, shared->request_url);
  curl_easy_setopt (t->easy, CURLOPT_POST, 1L);
  curl_easy_setopt (t->easy, CURLOPT_POSTFIELDS, t->body->str);
  curl_easy_setopt (t->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) t->body->len);
  curl_easy_setopt (t->easy, CURLOPT_HTTPHEADER, t->headers);
  curl_easy_setopt (t->easy, CURLOPT_WRITEFUNCTION, write_cb);
  curl_easy_setopt (t->easy, CURLOPT_WRITEDATA, t);
  curl_easy_setopt (t->easy, CURLOPT_HEADERFUNCTION, header_cb);
  curl_easy_setopt (t->easy, CURLOPT_HEADERDATA, t);
  curl_easy_setopt (t->easy, CURLOPT_PRIVATE, t);
  curl_easy_setopt (t->easy, CURLOPT_ERRORBUFFER, t->errbuf);
  dg_inference_setup_easy (t->easy, &t->guard,
                           endpoint->connect_timeout_ms ? endpoint->connect_timeout_ms
                                                        : w->options.connect_timeout_ms,
                           endpoint->timeout_ms ? endpoint->timeout_ms : w->options.timeout_ms);

  if (w->options.log_requests)
    log_request (w, t);

  t->attempt_start_us = g_get_monotonic_time ();
  t->attempt_start_ms = dg_now_ms ();
  t->ep->in_flight++;
  w->http_in_flight++;
  curl_multi_add_handle (w->multi, t->easy);

  g_mutex_lock (&w->stats_lock);
  w->stats.http_requests++;
  g_mutex_unlock (&w->stats_lock);
  dg_inference_worker_update_in_flight (w);
}

static void
shrink_limit (DgInferenceWorker *w, Task *t)
{
  EndpointState *ep = t->ep;

  /* Cut by a quarter (gentler than halving: injected or sporadic 503s should not starve a
   * healthy server), at most once per round trip: answers to requests sent before the last
   * cut say nothing about the new limit. */
  if (t->attempt_start_us < ep->last_decrease_us)
    return;
  ep->limit = MAX (1.0, (double) (guint) (ep->limit * 0.75));
  ep->last_decrease_us = g_get_monotonic_time ();
  dg_inference_worker_publish_limit (w, ep);
  g_debug ("Endpoint %s throttled: limit now %u", ep->key, (guint) ep->limit);
}

static void
grow_limit (DgInferenceWorker *w, EndpointState *ep)
{
  double before = ep->limit;

  /* Additive increase: about +1 per round of successes. */
  ep->limit = MIN ((double) w->options.concurrency, ep->limit + 1.0 / ep->limit);
  if ((guint) ep->limit != (guint) before)
    dg_inference_worker_publish_limit (w, ep);
}

static DgInferenceOutcome
outcome_for_error (const GError *error)
{
  if (error->domain == DG_INFERENCE_ERROR)
    switch (error->code)
      {
      case DG_INFERENCE_ERROR_RESULT:
        return DG_INFERENCE_OUTCOME_RESULT_ERROR;
      case DG_INFERENCE_ERROR_UNPARSABLE:
        return DG_INFERENCE_OUTCOME_UNPARSABLE;
      default:
        break;
      }
  return DG_INFERENCE_OUTCOME_BAD_RESPONSE;
}

void
dg_inference_transfer_complete (DgInferenceWorker *w, Task *t, CURLcode rc)
{
  DgInferenceShared *shared = t->request->shared;
  DgInferenceParsed parsed = { 0 };
  GError *error = NULL;
  long status = 0;
  gint64 retry_after_ms = t->retry_after_ms;

  curl_easy_getinfo (t->easy, CURLINFO_RESPONSE_CODE, &status);
  if (w->options.log_requests)
    log_response (t, rc, status);

  if (rc != CURLE_OK)
    {
      DgInferenceOutcome outcome;
      RetryKind retry = RETRY_BACKOFF;

      if (t->guard.error != NULL)
        {
          error = g_error_new (DG_INFERENCE_ERROR, DG_INFERENCE_ERROR_ENDPOINT, "%s",
                               t->guard.error->message);
          outcome = DG_INFERENCE_OUTCOME_REFUSED;
          retry = RETRY_NONE;
        }
      else if (t->too_large)
        {
          error = g_error_new (DG_INFERENCE_ERROR, DG_INFERENCE_ERROR_BAD_RESPONSE,
                               "Inference response is larger than %d MiB",
                               DG_INFERENCE_MAX_RESPONSE_BYTES / (1024 * 1024));
          outcome = DG_INFERENCE_OUTCOME_BAD_RESPONSE;
          retry = RETRY_IMMEDIATE;
        }
      else if (rc == CURLE_OPERATION_TIMEDOUT)
        {
          error = g_error_new (DG_INFERENCE_ERROR, DG_INFERENCE_ERROR_TIMEOUT,
                               "Inference request timed out (%s)",
                               t->errbuf[0] ? t->errbuf : curl_easy_strerror (rc));
          outcome = DG_INFERENCE_OUTCOME_TIMEOUT;
        }
      else
        {
          error = g_error_new (DG_INFERENCE_ERROR, DG_INFERENCE_ERROR_TRANSPORT,
                               "Inference request failed: %s",
                               t->errbuf[0] ? t->errbuf : curl_easy_strerror (rc));
          outcome = DG_INFERENCE_OUTCOME_TRANSPORT;
        }
      dg_inference_worker_release_transfer (w, t);
      dg_inference_worker_conclude (w, t, outcome, 0, error, NULL, -1, -1, retry, -1);
      return;
    }

  if (status < 200 || status >= 300)
    {
      g_autofree char *detail = dg_inference_error_detail (t->response->str, t->response->len);
      DgInferenceOutcome outcome;
      RetryKind retry = RETRY_BACKOFF;

      error = g_error_new (DG_INFERENCE_ERROR, DG_INFERENCE_ERROR_HTTP,
                           "Inference call failed with status %ld%s%s", status,
                           detail != NULL ? ": " : "", detail != NULL ? detail : "");
      if (shared->endpoint->backend == DG_INFERENCE_BACKEND_OPENAI && shared->schema_json != NULL &&
          !t->json_object_only &&
          dg_inference_is_format_refusal ((guint) status, t->response->str, t->response->len))
        {
          /* Remember it for this server, and re-send at once with json_object. */
          t->ep->json_schema_refused = TRUE;
          t->json_object_only = TRUE;
          outcome = DG_INFERENCE_OUTCOME_FORMAT_FALLBACK;
          retry = RETRY_IMMEDIATE;
          g_message ("%s does not accept json_schema response formats; using json_object",
                     shared->request_url);
        }
      else if (status == 429 || (status == 503 && retry_after_ms >= 0))
        {
          outcome = DG_INFERENCE_OUTCOME_RATE_LIMITED;
          shrink_limit (w, t);
        }
      else if (status == 503)
        {
          outcome = DG_INFERENCE_OUTCOME_SERVER_ERROR;
          shrink_limit (w, t);
        }
      else if (status == 408 || status >= 500)
        outcome = DG_INFERENCE_OUTCOME_SERVER_ERROR;
      else
        {
          outcome = DG_INFERENCE_OUTCOME_HTTP_ERROR;
          retry = RETRY_NONE;
        }
      if (retry == RETRY_BACKOFF && retry_after_ms >= 0)
        {
          gint64 hold = MIN (retry_after_ms, (gint64) w->options.retry_after_max_ms);
          t->ep->hold_until_us = MAX (t->ep->hold_until_us, g_get_monotonic_time () + hold * 1000);
        }
      dg_inference_worker_release_transfer (w, t);
      dg_inference_worker_conclude (w, t, outcome, (guint) status, error, NULL, -1, -1, retry,
                                    retry == RETRY_BACKOFF ? retry_after_ms : -1);
      return;
    }

  /* The server answered: whatever the model wrote, the endpoint is healthy. */
  grow_limit (w, t->ep);
  if (!dg_inference_parse_response (t->response->str, t->response->len, &parsed, &error))
    {
      DgInferenceOutcome outcome = outcome_for_error (error);

      dg_inference_worker_release_transfer (w, t);
      dg_inference_worker_conclude (w, t, outcome, (guint) status, error, NULL,
                                    parsed.prompt_tokens, parsed.completion_tokens, RETRY_IMMEDIATE,
                                    -1);
      dg_inference_parsed_clear (&parsed);
      return;
    }
  dg_inference_worker_release_transfer (w, t);

  if (parsed.model != NULL && t->result->model == NULL)
    t->result->model = g_strdup (parsed.model);
  if (!dg_inference_worker_validate (t, parsed.output, &error))
    dg_inference_worker_conclude (w, t, DG_INFERENCE_OUTCOME_INVALID, (guint) status, error,
                                  g_steal_pointer (&parsed.output), parsed.prompt_tokens,
                                  parsed.completion_tokens, RETRY_IMMEDIATE, -1);
  else
    dg_inference_worker_conclude (w, t, DG_INFERENCE_OUTCOME_OK, (guint) status, NULL,
                                  g_steal_pointer (&parsed.output), parsed.prompt_tokens,
                                  parsed.completion_tokens, RETRY_NONE, -1);
  dg_inference_parsed_clear (&parsed);
}
