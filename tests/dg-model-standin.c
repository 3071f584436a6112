/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-test"

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "dg-model-standin-private.h"
#include "dg-test-utils.h"

struct _DgModelStandin
{
  DgTestServer *server;
  GMutex lock;

  /* Settings (under lock). */
  guint latency_ms;
  guint max_concurrent;
  DgStandinOverCap over_cap;
  GHashTable *faults_at; /* arrival → fault */
  double fraction;
  guint64 seed;
  GArray *fault_mix;
  char *retry_after;
  char *retry_after_ms;
  DgStandinRatio1Shape shape;
  gboolean refuse_json_schema;
  gboolean content_parts;
  char *api_key;
  guint fixed_status;
  char *fixed_body;
  guint models_status[2];
  char *models_body[2];

  /* Counters (under lock). */
  DgStandinStats stats;
  guint arrivals;
  GArray *arrival_times;
  char *last_body;
  char *last_path;
  char *last_auth;

  /* Server thread only. */
  GPtrArray *held; /* Held* paused messages */
  GQueue waiting;  /* Held* queued by the cap */
};

typedef struct
{
  DgModelStandin *self;
  SoupServerMessage *msg; /* strong */
  GSource *source;
  guint status;
  char *body;
  gboolean rate_headers;
  gboolean valid_record;
  gboolean done;        /* answered or disconnected */
  gint64 service_start; /* when the server started on it (arrival, or leaving the queue) */
  gboolean hung;
} Held;

static void
held_free (gpointer data)
{
  Held *held = data;

  if (held->source != NULL)
    {
      g_source_destroy (held->source);
      g_source_unref (held->source);
    }
  if (held->msg != NULL)
    g_signal_handlers_disconnect_by_data (held->msg, held);
  g_clear_object (&held->msg);
  g_free (held->body);
  g_free (held);
}

const char *
dg_standin_fault_to_string (DgStandinFault fault)
{
  static const char *const names[] = {
    "none",           "http-500", "http-503", "rate-limit",     "hang",     "truncated-body",
    "truncated-json", "prose",    "fenced",   "invalid-record", "not-json", "http-401",
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (names) == DG_STANDIN_N_FAULTS);
  return (guint) fault < G_N_ELEMENTS (names) ? names[fault] : "unknown";
}

static guint64
mix64 (guint64 z)
{
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/* Under lock. */
static DgStandinFault
decide_fault (DgModelStandin *self, guint arrival)
{
  gpointer value;
  guint64 h;

  if (g_hash_table_lookup_extended (self->faults_at, GUINT_TO_POINTER (arrival), NULL, &value))
    return GPOINTER_TO_UINT (value);
  if (self->fraction <= 0 || self->fault_mix->len == 0)
    return DG_STANDIN_FAULT_NONE;
  h = mix64 (self->seed + 0x9E3779B97F4A7C15ULL * (arrival + 1));
  if ((double) (h >> 11) / (double) (1ULL << 53) >= self->fraction)
    return DG_STANDIN_FAULT_NONE;
  return g_array_index (self->fault_mix, DgStandinFault, mix64 (h) % self->fault_mix->len);
}

static void
send_response (Held *held)
{
  SoupServerMessage *msg = held->msg;
  DgModelStandin *self = held->self;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  if (held->rate_headers)
    {
      g_mutex_lock (&self->lock);
      if (self->retry_after != NULL)
        soup_message_headers_replace (headers, "Retry-After", self->retry_after);
      if (self->retry_after_ms != NULL)
        soup_message_headers_replace (headers, "retry-after-ms", self->retry_after_ms);
      g_mutex_unlock (&self->lock);
    }
  if (held->status >= 300 && held->status < 400)
    soup_message_headers_replace (headers, "Location", "/create_chat_completion?redirected=1");
  soup_server_message_set_status (msg, held->status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, held->body,
                                    strlen (held->body));
}

static void start_held (Held *held);

/* A request stops counting as in flight: answered, or its client went away. */
static void
leave (Held *held)
{
  DgModelStandin *self = held->self;
  Held *next = NULL;

  if (held->done)
    return;
  held->done = TRUE;
  g_mutex_lock (&self->lock);
  self->stats.in_flight--;
  if (held->valid_record && held->status == 200)
    self->stats.answered_ok++;
  g_mutex_unlock (&self->lock);

  /* Queue mode: the freed slot goes to the oldest waiting request still connected. */
  while ((next = g_queue_pop_head (&self->waiting)) != NULL && next->done)
    ;
  if (next != NULL)
    {
      g_mutex_lock (&self->lock);
      self->stats.in_flight++;
      self->stats.max_in_flight = MAX (self->stats.max_in_flight, self->stats.in_flight);
      g_mutex_unlock (&self->lock);
      start_held (next);
    }
}

static gboolean
release_held (gpointer data)
{
  Held *held = data;

  g_clear_pointer (&held->source, g_source_unref);
  if (!held->done)
    {
      send_response (held);
      soup_server_message_unpause (held->msg);
      leave (held);
    }
  return G_SOURCE_REMOVE;
}

static void
on_disconnected (SoupServerMessage *msg, gpointer data)
{
  leave (data);
}

static void
start_held (Held *held)
{
  gint64 remaining_ms;
  guint latency;

  g_mutex_lock (&held->self->lock);
  latency = held->self->latency_ms;
  g_mutex_unlock (&held->self->lock);
  if (held->hung)
    return;
  /* The latency is the whole answer time, as a model's would be: the work done to build
   * the answer counts towards it. */
  if (held->service_start == 0)
    held->service_start = g_get_monotonic_time ();
  remaining_ms = (gint64) latency - (g_get_monotonic_time () - held->service_start) / 1000;
  held->source = g_timeout_source_new ((guint) MAX (remaining_ms, 0));
  g_source_set_callback (held->source, release_held, held, NULL);
  g_source_attach (held->source, dg_test_server_get_context (held->self->server));
}

static void
respond_truncated (SoupServerMessage *msg)
{
  static const char text[] = "HTTP/1.1 200 OK\r\n"
                             "Content-Type: application/json\r\n"
                             "Content-Length: 4000\r\n"
                             "Connection: close\r\n"
                             "\r\n"
                             "{\"result\":{\"REQUEST_ID\":\"cut\",\"FULL_OUTPUT\":[{\"choices\":";
  g_autoptr (GIOStream) stream = soup_server_message_steal_connection (msg);

  g_output_stream_write_all (g_io_stream_get_output_stream (stream), text, sizeof text - 1, NULL,
                             NULL, NULL);
  g_io_stream_close (stream, NULL, NULL);
}

static void
handle_models (DgModelStandin *self, SoupServerMessage *msg, gboolean get_models)
{
  guint status;
  g_autofree char *body = NULL;

  g_mutex_lock (&self->lock);
  self->stats.models++;
  status = self->models_status[get_models];
  body = g_strdup (self->models_body[get_models]);
  g_mutex_unlock (&self->lock);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body ? body : "",
                                    body ? strlen (body) : 0);
}

static void
handle (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
        gpointer user_data)
{
  DgModelStandin *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);
  const char *auth =
      soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");
  gboolean openai = g_str_has_suffix (path, "/chat/completions");
  gboolean ratio1 = strcmp (path, "/create_chat_completion") == 0;
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *schema = NULL;
  gboolean json_schema_format = FALSE, refused = FALSE, over_cap = FALSE, queue_it = FALSE;
  DgStandinOverCap over_cap_mode = DG_STANDIN_OVER_CAP_429;
  DgStandinFault fault;
  guint arrival;
  Held *held;
  g_autofree char *content = NULL;
  g_autoptr (JsonNode) prompted = NULL;

  if (strcmp (method, "GET") == 0 &&
      (strcmp (path, "/models") == 0 || strcmp (path, "/v1/models") == 0 ||
       strcmp (path, "/get_models") == 0))
    {
      handle_models (self, msg, strcmp (path, "/get_models") == 0);
      return;
    }
  if (strcmp (method, "POST") != 0 || (!openai && !ratio1))
    {
      soup_server_message_set_status (msg, 404, NULL);
      return;
    }

  held = g_new0 (Held, 1);
  held->self = self;
  held->msg = g_object_ref (msg);
  held->service_start = g_get_monotonic_time ();

  g_mutex_lock (&self->lock);
  arrival = self->arrivals++;
  {
    gint64 now = g_get_monotonic_time ();
    g_array_append_val (self->arrival_times, now);
  }
  self->stats.total++;
  if (openai)
    self->stats.openai++;
  else
    self->stats.ratio1++;
  g_free (self->last_body);
  self->last_body = g_strndup (request_body->data, request_body->length);
  g_free (self->last_path);
  self->last_path = g_strdup (path);
  g_free (self->last_auth);
  self->last_auth = g_strdup (auth);
  fault = decide_fault (self, arrival);
  self->stats.faults[fault]++;

  if (self->api_key != NULL)
    {
      g_autofree char *expected = g_strconcat ("Bearer ", self->api_key, NULL);
      if (g_strcmp0 (auth, expected) != 0)
        {
          self->stats.unauthorized++;
          fault = DG_STANDIN_FAULT_HTTP_401;
        }
    }
  over_cap_mode = self->over_cap;
  if (self->max_concurrent > 0 && self->stats.in_flight >= self->max_concurrent)
    {
      if (self->over_cap == DG_STANDIN_OVER_CAP_QUEUE)
        {
          queue_it = TRUE;
          self->stats.queued++;
        }
      else
        {
          over_cap = TRUE;
          self->stats.over_cap++;
        }
    }
  if (!over_cap && !queue_it)
    {
      self->stats.in_flight++;
      self->stats.max_in_flight = MAX (self->stats.max_in_flight, self->stats.in_flight);
    }
  g_mutex_unlock (&self->lock);

  if (over_cap)
    {
      held->status = over_cap_mode == DG_STANDIN_OVER_CAP_503 ? 503 : 429;
      held->body = g_strdup ("{\"error\":{\"message\":\"Too many concurrent requests\"}}");
      held->rate_headers = TRUE;
      held->done = TRUE; /* never counted in flight */
      send_response (held);
      held_free (held);
      return;
    }

  if (fault == DG_STANDIN_FAULT_TRUNCATED_BODY)
    {
      respond_truncated (msg);
      leave (held);
      held_free (held);
      return;
    }

  json_parser_load_from_data (parser, request_body->data, (gssize) request_body->length, NULL);
  schema =
      dg_model_standin_request_schema (json_parser_get_root (parser), openai, &json_schema_format);
  if (schema == NULL)
    schema = prompted = dg_model_standin_prompt_schema (json_parser_get_root (parser));

  g_mutex_lock (&self->lock);
  if (openai && json_schema_format && self->refuse_json_schema)
    {
      refused = TRUE;
      self->stats.format_refused++;
    }
  if (self->fixed_body != NULL)
    {
      held->status = self->fixed_status;
      held->body = g_strdup (self->fixed_body);
    }
  g_mutex_unlock (&self->lock);

  switch (fault)
    {
    case DG_STANDIN_FAULT_HTTP_500:
      held->status = 500;
      held->body = g_strdup ("{\"error\":{\"message\":\"Internal error (injected)\"}}");
      break;
    case DG_STANDIN_FAULT_HTTP_503:
      held->status = 503;
      held->body = g_strdup ("{\"error\":\"Service unavailable (injected)\"}");
      break;
    case DG_STANDIN_FAULT_RATE_LIMIT:
      held->status = 429;
      held->body = g_strdup ("{\"error\":{\"message\":\"Rate limit reached (injected)\"}}");
      held->rate_headers = TRUE;
      break;
    case DG_STANDIN_FAULT_HTTP_401:
      held->status = 401;
      held->body = g_strdup ("{\"error\":{\"message\":\"Invalid API key\"}}");
      break;
    case DG_STANDIN_FAULT_HANG:
      held->hung = TRUE;
      held->status = 503;
      held->body = g_strdup ("{\"error\":\"released\"}");
      break;
    default:
      if (held->body != NULL)
        break; /* fixed response */
      if (refused)
        {
          held->status = 400;
          held->body =
              g_strdup ("{\"error\":{\"message\":\"Invalid parameter: 'response_format' of type "
                        "'json_schema' is not supported with this model.\",\"type\":"
                        "\"invalid_request_error\",\"param\":\"response_format\"}}");
          break;
        }
      content = dg_model_standin_content_for (fault, schema, arrival, &held->valid_record);
      held->status = 200;
      g_mutex_lock (&self->lock);
      if (openai)
        {
          g_autoptr (JsonNode) payload =
              dg_model_standin_chat_payload (content, arrival, self->content_parts);
          held->body = json_to_string (payload, FALSE);
        }
      else
        held->body = dg_model_standin_ratio1_body (content, arrival, self->shape);
      g_mutex_unlock (&self->lock);
      if (fault == DG_STANDIN_FAULT_TRUNCATED_JSON)
        held->body[strlen (held->body) / 2] = '\0';
      break;
    }

  soup_server_message_pause (msg);
  g_signal_connect (msg, "disconnected", G_CALLBACK (on_disconnected), held);
  g_ptr_array_add (self->held, held);
  if (queue_it)
    {
      held->service_start = 0; /* served later, when a slot frees */
      g_queue_push_tail (&self->waiting, held);
    }
  else
    start_held (held);
}

static void
setup (SoupServer *server, gpointer user_data)
{
  soup_server_add_handler (server, NULL, handle, user_data, NULL);
}

DgModelStandin *
dg_model_standin_new (void)
{
  DgModelStandin *self = g_new0 (DgModelStandin, 1);

  g_mutex_init (&self->lock);
  self->faults_at = g_hash_table_new (NULL, NULL);
  self->fault_mix = g_array_new (FALSE, FALSE, sizeof (DgStandinFault));
  self->arrival_times = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->held = g_ptr_array_new_with_free_func (held_free);
  g_queue_init (&self->waiting);
  self->models_status[0] = 200;
  self->models_body[0] = g_strdup ("{\"object\":\"list\",\"data\":[{\"id\":\"standin-model\","
                                   "\"object\":\"model\"}]}");
  self->models_status[1] = 404;
  self->server = dg_test_server_new (setup, self);
  return self;
}

static gboolean
release_hung_cb (gpointer data)
{
  DgModelStandin *self = data;

  for (guint i = 0; i < self->held->len; i++)
    {
      Held *held = self->held->pdata[i];
      if (held->hung && !held->done)
        {
          send_response (held);
          soup_server_message_unpause (held->msg);
          leave (held);
        }
    }
  return G_SOURCE_REMOVE;
}

void
dg_model_standin_release_hung (DgModelStandin *self)
{
  dg_test_server_invoke (self->server, release_hung_cb, self);
}

static gboolean
drop_held_cb (gpointer data)
{
  DgModelStandin *self = data;

  g_queue_clear (&self->waiting);
  g_ptr_array_set_size (self->held, 0);
  return G_SOURCE_REMOVE;
}

void
dg_model_standin_free (DgModelStandin *self)
{
  if (self == NULL)
    return;
  dg_model_standin_release_hung (self);
  dg_test_server_invoke (self->server, drop_held_cb, self);
  dg_test_server_free (self->server);
  g_ptr_array_unref (self->held);
  g_hash_table_unref (self->faults_at);
  g_array_unref (self->fault_mix);
  g_array_unref (self->arrival_times);
  g_free (self->retry_after);
  g_free (self->retry_after_ms);
  g_free (self->api_key);
  g_free (self->fixed_body);
  g_free (self->models_body[0]);
  g_free (self->models_body[1]);
  g_free (self->last_body);
  g_free (self->last_path);
  g_free (self->last_auth);
  g_mutex_clear (&self->lock);
  g_free (self);
}

const char *
dg_model_standin_get_url (DgModelStandin *self)
{
  return dg_test_server_get_url (self->server);
}

#define LOCKED(stmt)              \
  G_STMT_START                    \
  {                               \
    g_mutex_lock (&self->lock);   \
    stmt;                         \
    g_mutex_unlock (&self->lock); \
  }                               \
  G_STMT_END

void
dg_model_standin_set_latency_ms (DgModelStandin *self, guint latency_ms)
{
  LOCKED (self->latency_ms = latency_ms);
}

void
dg_model_standin_set_max_concurrent (DgModelStandin *self, guint max_concurrent,
                                     DgStandinOverCap over_cap)
{
  LOCKED (self->max_concurrent = max_concurrent; self->over_cap = over_cap);
}

void
dg_model_standin_set_fault_at (DgModelStandin *self, guint arrival, DgStandinFault fault)
{
  LOCKED (
      g_hash_table_replace (self->faults_at, GUINT_TO_POINTER (arrival), GUINT_TO_POINTER (fault)));
}

void
dg_model_standin_set_fault_fraction (DgModelStandin *self, double fraction, guint64 seed,
                                     const DgStandinFault *faults, guint n_faults)
{
  g_mutex_lock (&self->lock);
  self->fraction = fraction;
  self->seed = seed;
  g_array_set_size (self->fault_mix, 0);
  g_array_append_vals (self->fault_mix, faults, n_faults);
  g_mutex_unlock (&self->lock);
}

void
dg_model_standin_set_retry_after (DgModelStandin *self, const char *retry_after,
                                  const char *retry_after_ms)
{
  g_mutex_lock (&self->lock);
  g_free (self->retry_after);
  self->retry_after = g_strdup (retry_after);
  g_free (self->retry_after_ms);
  self->retry_after_ms = g_strdup (retry_after_ms);
  g_mutex_unlock (&self->lock);
}

void
dg_model_standin_set_ratio1_shape (DgModelStandin *self, DgStandinRatio1Shape shape)
{
  LOCKED (self->shape = shape);
}

void
dg_model_standin_set_refuse_json_schema (DgModelStandin *self, gboolean refuse)
{
  LOCKED (self->refuse_json_schema = refuse);
}

void
dg_model_standin_set_content_parts (DgModelStandin *self, gboolean parts)
{
  LOCKED (self->content_parts = parts);
}

void
dg_model_standin_set_api_key (DgModelStandin *self, const char *api_key)
{
  g_mutex_lock (&self->lock);
  g_free (self->api_key);
  self->api_key = g_strdup (api_key);
  g_mutex_unlock (&self->lock);
}

void
dg_model_standin_set_fixed_response (DgModelStandin *self, guint status, const char *body)
{
  g_mutex_lock (&self->lock);
  g_free (self->fixed_body);
  self->fixed_body = g_strdup (body);
  self->fixed_status = status;
  g_mutex_unlock (&self->lock);
}

void
dg_model_standin_set_models (DgModelStandin *self, guint models_status, const char *models_body,
                             guint get_models_status, const char *get_models_body)
{
  g_mutex_lock (&self->lock);
  self->models_status[0] = models_status;
  g_free (self->models_body[0]);
  self->models_body[0] = g_strdup (models_body);
  self->models_status[1] = get_models_status;
  g_free (self->models_body[1]);
  self->models_body[1] = g_strdup (get_models_body);
  g_mutex_unlock (&self->lock);
}

void
dg_model_standin_get_stats (DgModelStandin *self, DgStandinStats *out_stats)
{
  LOCKED (*out_stats = self->stats);
}

char *
dg_model_standin_dup_last_body (DgModelStandin *self)
{
  char *copy;

  LOCKED (copy = g_strdup (self->last_body));
  return copy;
}

char *
dg_model_standin_dup_last_path (DgModelStandin *self)
{
  char *copy;

  LOCKED (copy = g_strdup (self->last_path));
  return copy;
}

char *
dg_model_standin_dup_last_authorization (DgModelStandin *self)
{
  char *copy;

  LOCKED (copy = g_strdup (self->last_auth));
  return copy;
}

GArray *
dg_model_standin_dup_arrivals (DgModelStandin *self)
{
  GArray *copy = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_mutex_lock (&self->lock);
  g_array_append_vals (copy, self->arrival_times->data, self->arrival_times->len);
  g_mutex_unlock (&self->lock);
  return copy;
}
