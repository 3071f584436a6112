/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-inference"

#include "config.h"

#include <math.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dg-inference-private.h"

/*
 * The wire formats: request bodies for Ratio1 create_chat_completion and OpenAI-compatible
 * chat/completions (upstream 5.1, 5.3, 5.4 and appendix B), and parsing of every response
 * shape they return (5.5), fixed so that the envelope is never mistaken for the answer.
 */

GString *
dg_inference_build_body (DgInferenceShared *shared, const char *messages_json,
                         gboolean json_object_only, gboolean for_log)
{
  GString *body = g_string_sized_new (
      strlen (messages_json) + (shared->schema_json ? strlen (shared->schema_json) : 0) + 256);

  g_string_append (body, "{\"messages\":");
  g_string_append (body, messages_json);
  if (shared->model_json != NULL)
    {
      g_string_append (body, ",\"model\":");
      g_string_append (body, shared->model_json);
    }
  g_string_append (body, for_log ? shared->params_log_json : shared->params_json);
  g_string_append (body, ",\"response_format\":");
  if (shared->endpoint->backend == DG_INFERENCE_BACKEND_OPENAI)
    {
      if (shared->schema_json != NULL && !json_object_only)
        g_string_append_printf (body,
                                "{\"type\":\"json_schema\",\"json_schema\":{\"name\":%s,"
                                "\"schema\":%s,\"strict\":true}}",
                                shared->schema_name_json, shared->schema_json);
      else
        g_string_append (body, "{\"type\":\"json_object\"}");
    }
  else if (shared->schema_json != NULL)
    g_string_append_printf (body, "{\"type\":\"json_object\",\"schema\":%s}", shared->schema_json);
  else
    g_string_append (body, "{\"type\":\"json_object\"}");
  g_string_append_c (body, '}');
  return body;
}

void
dg_inference_parsed_clear (DgInferenceParsed *parsed)
{
  g_clear_pointer (&parsed->output, json_node_unref);
  g_clear_pointer (&parsed->model, g_free);
}

static JsonNode *
member (JsonNode *node, const char *name)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_object_get_member (json_node_get_object (node), name);
}

static JsonNode *
first_element (JsonNode *node)
{
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return node;
  array = json_node_get_array (node);
  return json_array_get_length (array) > 0 ? json_array_get_element (array, 0) : NULL;
}

static const char *
string_value (JsonNode *node)
{
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return NULL;
}

static gboolean
is_absent (JsonNode *node)
{
  return node == NULL || JSON_NODE_HOLDS_NULL (node);
}

/* JavaScript truthiness, for upstream's `result.error`. */
static gboolean
is_truthy (JsonNode *node)
{
  if (is_absent (node))
    return FALSE;
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);
      if (type == G_TYPE_STRING)
        return *json_node_get_string (node) != '\0';
      if (type == G_TYPE_BOOLEAN)
        return json_node_get_boolean (node);
      if (type == G_TYPE_INT64)
        return json_node_get_int (node) != 0;
      if (type == G_TYPE_DOUBLE)
        return json_node_get_double (node) != 0 && !isnan (json_node_get_double (node));
    }
  return TRUE;
}

static char *
node_text (JsonNode *node)
{
  const char *s = string_value (node);

  return s != NULL ? g_strdup (s) : json_to_string (node, FALSE);
}

/* One part of a content array: "…", {"text":"…"}, {"text":{"value":"…"}}, {"content":{"text":"…"}}. */
static const char *
part_text (JsonNode *part)
{
  const char *s = string_value (part);
  JsonNode *text;

  if (s != NULL)
    return s;
  text = member (part, "text");
  if ((s = string_value (text)) != NULL)
    return s;
  if ((s = string_value (member (text, "value"))) != NULL)
    return s;
  return string_value (member (member (part, "content"), "text"));
}

static char *
content_text (JsonNode *content)
{
  if (JSON_NODE_HOLDS_ARRAY (content))
    {
      JsonArray *parts = json_node_get_array (content);
      GString *out = g_string_new (NULL);
      gboolean found = FALSE;

      for (guint i = 0; i < json_array_get_length (parts); i++)
        {
          const char *s = part_text (json_array_get_element (parts, i));
          if (s == NULL)
            continue;
          if (found)
            g_string_append_c (out, '\n');
          g_string_append (out, s);
          found = TRUE;
        }
      if (!found)
        {
          g_string_free (out, TRUE);
          return NULL;
        }
      return g_strstrip (g_string_free (out, FALSE));
    }
  {
    const char *s = part_text (content);
    return s != NULL ? g_strstrip (g_strdup (s)) : NULL;
  }
}

static gint64
usage_value (JsonNode *usage, const char *name)
{
  JsonNode *v = member (usage, name);

  if (v != NULL && JSON_NODE_HOLDS_VALUE (v) &&
      (json_node_get_value_type (v) == G_TYPE_INT64 ||
       json_node_get_value_type (v) == G_TYPE_DOUBLE))
    {
      gint64 n = json_node_get_int (v);
      return n >= 0 ? n : -1;
    }
  return -1;
}

static gboolean
status_is_ok (const char *status)
{
  g_autofree char *lower = g_ascii_strdown (status, -1);

  return strcmp (lower, "ok") == 0 || strcmp (lower, "success") == 0 ||
         strcmp (lower, "succeeded") == 0 || strcmp (lower, "200") == 0;
}

/**
 * dg_inference_parse_response:
 * @body: a 2xx response body
 * @length: its length
 * @out: (out caller-allocates): the parsed output, usage and model
 * @error: BAD_RESPONSE, RESULT or UNPARSABLE
 *
 * Ratio1 wrapped ({"result":{"FULL_OUTPUT":[…],"TEXT_RESPONSE":[…]}}), Ratio1 raw (the
 * same without "result"), OpenAI ({"choices":[{"message":{"content":…}}]}) and
 * llama-cpp/ollama variants (message.content, content). Only the model's message content
 * is ever the output.
 */
gboolean
dg_inference_parse_response (const char *body, gsize length, DgInferenceParsed *out, GError **error)
{
  g_autoptr (JsonNode) data = NULL;
  g_autofree char *text = NULL;
  JsonNode *envelope, *full, *payload, *choice, *message, *content = NULL, *usage;
  const char *status, *finish;

  memset (out, 0, sizeof *out);
  out->prompt_tokens = out->completion_tokens = -1;

  data = dg_json_repair_parse_strict (body, (gssize) length, error);
  if (data == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (data))
    {
      g_set_error_literal (error, DG_INFERENCE_ERROR, DG_INFERENCE_ERROR_BAD_RESPONSE,
                           "Inference response missing content");
      return FALSE;
    }

  envelope = member (data, "result");
  if (envelope == NULL || !JSON_NODE_HOLDS_OBJECT (envelope))
    envelope = data; /* Ratio1 RAW mode, OpenAI */

  /* Upstream 5.2: a truthy result.error or a status other than ok/success/… is a failure. */
  if (is_truthy (member (envelope, "error")))
    {
      JsonNode *err = member (envelope, "error");
      g_autofree char *msg = NULL;

      msg = string_value (member (err, "message")) != NULL
                ? g_strdup (string_value (member (err, "message")))
                : node_text (err);
      g_set_error (error, DG_INFERENCE_ERROR, DG_INFERENCE_ERROR_RESULT,
                   "Inference result error: %s", msg);
      return FALSE;
    }
  status = string_value (member (envelope, "status"));
  if (status != NULL && !status_is_ok (status))
    {
      g_autofree char *lower = g_ascii_strdown (status, -1);
      g_set_error (error, DG_INFERENCE_ERROR, DG_INFERENCE_ERROR_RESULT,
                   "Inference result error: %s", lower);
      return FALSE;
    }

  full = member (envelope, "FULL_OUTPUT");
  payload = full != NULL ? first_element (full) : envelope;

  /* Tokens were spent even when the content turns out to be unusable: read usage first. */
  usage = member (payload, "usage");
  if (usage == NULL)
    usage = member (envelope, "usage");
  if (usage == NULL)
    usage = member (data, "usage");
  out->prompt_tokens = usage_value (usage, "prompt_tokens");
  out->completion_tokens = usage_value (usage, "completion_tokens");

  if (string_value (member (envelope, "MODEL_NAME")) != NULL)
    out->model = g_strdup (string_value (member (envelope, "MODEL_NAME")));
  else if (string_value (member (payload, "model")) != NULL)
    out->model = g_strdup (string_value (member (payload, "model")));

  choice = first_element (member (payload, "choices"));
  message = member (choice, "message");
  if (message == NULL)
    message = member (payload, "message");
  if (message != NULL)
    content = member (message, "content");
  if (is_absent (content) && choice != NULL)
    content = member (choice, "text"); /* completions-style servers */
  if (is_absent (content))
    content = member (payload, "content");
  if (is_absent (content) && payload != NULL && payload != envelope &&
      string_value (payload) != NULL)
    content = payload; /* FULL_OUTPUT: ["text"] */

  /* OpenAI structured outputs: a refusal instead of content. */
  if (is_absent (content) && string_value (member (message, "refusal")) != NULL)
    {
      g_set_error (error, DG_INFERENCE_ERROR, DG_INFERENCE_ERROR_BAD_RESPONSE, "Model refused: %s",
                   string_value (member (message, "refusal")));
      return FALSE;
    }

  if (!is_absent (content))
    text = content_text (content);

  if ((text == NULL || *text == '\0') && !is_absent (content) && JSON_NODE_HOLDS_OBJECT (content) &&
      part_text (content) == NULL)
    {
      /* A server that returns the parsed JSON as the message content. */
      out->output = json_node_copy (content);
    }
  else if (text == NULL || *text == '\0')
    {
      /* TEXT_RESPONSE fallback, reached whenever there is no usable content. */
      g_clear_pointer (&text, g_free);
      {
        JsonNode *tr = first_element (member (envelope, "TEXT_RESPONSE"));
        const char *s = string_value (tr);
        if (s == NULL && tr != NULL && !JSON_NODE_HOLDS_VALUE (tr) && !JSON_NODE_HOLDS_NULL (tr))
          text = content_text (tr);
        else if (s != NULL)
          text = g_strstrip (g_strdup (s));
      }
      if (text == NULL || *text == '\0')
        {
          g_set_error_literal (error, DG_INFERENCE_ERROR, DG_INFERENCE_ERROR_BAD_RESPONSE,
                               "Inference response missing content");
          return FALSE;
        }
    }

  finish = string_value (member (choice, "finish_reason"));
  out->truncated_by_length = finish != NULL && strcmp (finish, "length") == 0;

  if (out->output == NULL)
    {
      out->output = dg_json_repair_extract (text, -1, &out->repairs, error);
      if (out->output == NULL)
        {
          if (out->truncated_by_length && error != NULL && *error != NULL)
            g_prefix_error (error, "Output cut at max_tokens: ");
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
mentions (const char *body, gsize length, const char *needle)
{
  gsize n = strlen (needle);

  if (length < n)
    return FALSE;
  for (gsize i = 0; i + n <= length; i++)
    if (g_ascii_strncasecmp (body + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

gboolean
dg_inference_is_format_refusal (guint status, const char *body, gsize length)
{
  if (status != 400 && status != 422)
    return FALSE;
  length = MIN (length, 65536);
  return mentions (body, length, "response_format") || mentions (body, length, "json_schema") ||
         mentions (body, length, "response format");
}

char *
dg_inference_error_detail (const char *body, gsize length)
{
  g_autoptr (JsonNode) data = NULL;
  const char *msg = NULL;
  GString *out;

  if (body == NULL || length == 0 || length > 1024 * 1024)
    return NULL;
  data = dg_json_repair_parse_strict (body, (gssize) length, NULL);
  if (data == NULL)
    return NULL;
  msg = string_value (member (member (data, "error"), "message"));
  if (msg == NULL)
    msg = string_value (member (data, "error"));
  if (msg == NULL)
    msg = string_value (member (data, "message"));
  if (msg == NULL)
    msg = string_value (member (data, "detail"));
  if (msg == NULL || *msg == '\0')
    return NULL;

  out = g_string_new (NULL);
  for (const char *p = msg; *p != '\0' && out->len < 200; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      g_string_append_unichar (out, g_unichar_iscntrl (c) ? ' ' : c);
    }
  return g_string_free (out, FALSE);
}

gint64
dg_inference_parse_retry_after (const char *value, gint64 now_unix_s)
{
  g_autofree char *v = NULL;
  gboolean digits = TRUE;
  time_t when;

  if (value == NULL)
    return -1;
  v = g_strstrip (g_strdup (value));
  if (*v == '\0')
    return -1;
  for (const char *p = v; *p; p++)
    if (!g_ascii_isdigit (*p))
      digits = FALSE;
  if (digits)
    {
      guint64 seconds = g_ascii_strtoull (v, NULL, 10);
      return seconds > G_MAXINT64 / 1000 ? G_MAXINT64 : (gint64) seconds * 1000;
    }
  when = curl_getdate (v, NULL);
  if (when == (time_t) -1)
    return -1;
  return when <= now_unix_s ? 0 : ((gint64) when - now_unix_s) * 1000;
}

gint64
dg_inference_parse_retry_after_ms (const char *value)
{
  char *end = NULL;
  double ms;

  if (value == NULL)
    return -1;
  ms = g_ascii_strtod (value, &end);
  if (end == value || !isfinite (ms) || ms < 0)
    return -1;
  while (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')
    end++;
  if (*end != '\0')
    return -1;
  return ms > 1e15 ? G_MAXINT64 : (gint64) ceil (ms);
}

char *
dg_inference_redact (const char *text, gsize length, const char *secret, gsize max_length)
{
  g_autoptr (GString) out = g_string_new_len (text, MIN (length, max_length));

  if (secret != NULL && *secret != '\0')
    g_string_replace (out, secret, "[redacted]", 0);
  if (length > max_length)
    g_string_append_printf (out, "… (%" G_GSIZE_FORMAT " bytes)", length);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static curl_socket_t
open_socket_cb (void *data, curlsocktype purpose, struct curl_sockaddr *address)
{
  DgInferencePolicyGuard *guard = data;
  GError *local_error = NULL;

  if (!dg_url_policy_check_sockaddr (&address->addr, address->addrlen, guard->flags, &local_error))
    {
      if (guard->error == NULL)
        guard->error = local_error;
      else
        g_error_free (local_error);
      return CURL_SOCKET_BAD;
    }
  return socket (address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

void
dg_inference_setup_easy (CURL *easy, DgInferencePolicyGuard *guard, guint connect_timeout_ms,
                         guint timeout_ms)
{
  curl_easy_setopt (easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (easy, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt (easy, CURLOPT_PROTOCOLS_STR, "http,https");
#else
  curl_easy_setopt (easy, CURLOPT_PROTOCOLS, (long) (CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  curl_easy_setopt (easy, CURLOPT_CONNECTTIMEOUT_MS, (long) connect_timeout_ms);
  curl_easy_setopt (easy, CURLOPT_TIMEOUT_MS, (long) timeout_ms);
  curl_easy_setopt (easy, CURLOPT_USERAGENT, "DataGems/" PACKAGE_VERSION);
  curl_easy_setopt (easy, CURLOPT_ACCEPT_ENCODING, "");
  if (!(guard->flags & DG_URL_POLICY_ALLOW_PRIVATE))
    {
      /* Through a proxy the address check would see the proxy, not the target. */
      curl_easy_setopt (easy, CURLOPT_PROXY, "");
      curl_easy_setopt (easy, CURLOPT_OPENSOCKETFUNCTION, open_socket_cb);
      curl_easy_setopt (easy, CURLOPT_OPENSOCKETDATA, guard);
    }
}
