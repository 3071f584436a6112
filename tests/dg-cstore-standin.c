/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-cstore-standin"

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "dg-cstore-standin-private.h"

typedef struct
{
  DgCStoreStandin *self;
  SoupServerMessage *msg;
  GSource *source;
} Held;

/* The node keys of every envelope (ratio1-interop.md 1.3); values are fixed for tests. */
static void
add_node_keys (JsonBuilder *b)
{
  static const char *const pairs[] = {
    "server_node_addr",    "0xai_AgnygSlY8BwnmaCj6mItg36JHlG_Lh3UqqFaTPbuNzy0",
    "evm_network",         "devnet",
    "ee_node_alias",       "dg-standin",
    "ee_node_address",     "0xai_AgnygSlY8BwnmaCj6mItg36JHlG_Lh3UqqFaTPbuNzy0",
    "ee_node_eth_address", "0x0000000000000000000000000000000000000001",
    "ee_node_network",     "devnet",
    "ee_node_ver",         "2.9.0-standin",
  };

  for (guint i = 0; i < G_N_ELEMENTS (pairs); i += 2)
    {
      json_builder_set_member_name (b, pairs[i]);
      json_builder_add_string_value (b, pairs[i + 1]);
    }
}

static char *
builder_text (JsonBuilder *b)
{
  g_autoptr (JsonNode) root = json_builder_get_root (b);

  return json_to_string (root, FALSE);
}

static char *
envelope (JsonNode *result)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  add_node_keys (b);
  json_builder_set_member_name (b, "result");
  json_builder_add_value (b, result);
  json_builder_end_object (b);
  return builder_text (b);
}

static void
respond (SoupServerMessage *msg, guint status, const char *content_type, char *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_TAKE, body, strlen (body));
}

static void
respond_detail (SoupServerMessage *msg, guint status, const char *detail)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "detail");
  json_builder_add_string_value (b, detail);
  json_builder_end_object (b);
  respond (msg, status, "application/json", builder_text (b));
}

static void
respond_500 (SoupServerMessage *msg, const char *error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "detail");
  json_builder_begin_object (b);
  add_node_keys (b);
  json_builder_set_member_name (b, "error");
  json_builder_add_string_value (b, error);
  json_builder_set_member_name (b, "status_code");
  json_builder_add_int_value (b, 500);
  json_builder_set_member_name (b, "logged");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_end_object (b);
  json_builder_end_object (b);
  respond (msg, 500, "application/json", builder_text (b));
}

static void
respond_504 (SoupServerMessage *msg)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "detail");
  json_builder_begin_object (b);
  add_node_keys (b);
  json_builder_set_member_name (b, "detail");
  json_builder_add_string_value (b, "Error waiting for plugin response: timed out");
  json_builder_set_member_name (b, "logged");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_end_object (b);
  json_builder_end_object (b);
  respond (msg, 504, "application/json", builder_text (b));
}

/* pydantic v2 validation errors, collected into one 422 answer. */
static void
add_validation (JsonBuilder *errors, const char *type, const char *where, const char *field,
                const char *msg)
{
  json_builder_begin_object (errors);
  json_builder_set_member_name (errors, "type");
  json_builder_add_string_value (errors, type);
  json_builder_set_member_name (errors, "loc");
  json_builder_begin_array (errors);
  json_builder_add_string_value (errors, where);
  if (field != NULL)
    json_builder_add_string_value (errors, field);
  json_builder_end_array (errors);
  json_builder_set_member_name (errors, "msg");
  json_builder_add_string_value (errors, msg);
  json_builder_set_member_name (errors, "input");
  json_builder_add_null_value (errors);
  json_builder_end_object (errors);
}

static JsonBuilder *
validation_new (void)
{
  JsonBuilder *b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "detail");
  json_builder_begin_array (b);
  return b;
}

static void
respond_validation (SoupServerMessage *msg, JsonBuilder *b)
{
  json_builder_end_array (b);
  json_builder_end_object (b);
  respond (msg, 422, "application/json", builder_text (b));
}

static void
held_free (Held *held)
{
  if (held->source != NULL)
    {
      g_source_destroy (held->source);
      g_source_unref (held->source);
    }
  g_object_unref (held->msg);
  g_free (held);
}

static gboolean
release_latency (gpointer data)
{
  Held *held = data;

  soup_server_message_unpause (held->msg);
  g_ptr_array_remove (held->self->held, held); /* frees it */
  return G_SOURCE_REMOVE;
}

static void
hold (DgCStoreStandin *self, SoupServerMessage *msg, guint latency_ms, gboolean forever)
{
  Held *held = g_new0 (Held, 1);

  held->self = self;
  held->msg = g_object_ref (msg);
  soup_server_message_pause (msg);
  if (!forever)
    {
      held->source = g_timeout_source_new (latency_ms);
      g_source_set_callback (held->source, release_latency, held, NULL);
      g_source_attach (held->source, dg_test_server_get_context (self->server));
    }
  g_ptr_array_add (self->held, held);
}

static void
respond_truncated (SoupServerMessage *msg)
{
  static const char text[] = "HTTP/1.1 200 OK\r\n"
                             "Content-Type: application/json\r\n"
                             "Content-Length: 400\r\n"
                             "Connection: close\r\n"
                             "\r\n"
                             "{\"server_node_addr\":\"0xai_A\",\"result\":\"{\\\"type\\\":";
  g_autoptr (GIOStream) stream = soup_server_message_steal_connection (msg);

  g_output_stream_write_all (g_io_stream_get_output_stream (stream), text, sizeof text - 1, NULL,
                             NULL, NULL);
  g_io_stream_close (stream, NULL, NULL);
}

typedef struct
{
  const char *path;
  const char *method;
} Endpoint;

static const Endpoint endpoints[] = {
  { "/get_status", "GET" }, { "/get", "GET" },   { "/hget", "GET" },   { "/hgetall", "GET" },
  { "/set", "POST" },       { "/hset", "POST" }, { "/hsync", "POST" },
};

/* A required string member of a JSON body; records a validation error when absent. */
static const char *
body_string (JsonObject *body, const char *name, JsonBuilder *errors, gboolean *bad)
{
  JsonNode *node = json_object_get_member (body, name);

  if (node == NULL)
    {
      add_validation (errors, "missing", "body", name, "Field required");
      *bad = TRUE;
      return NULL;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      add_validation (errors, "string_type", "body", name, "Input should be a valid string");
      *bad = TRUE;
      return NULL;
    }
  return json_node_get_string (node);
}

static void
handle_post (DgCStoreStandin *self, SoupServerMessage *msg, const char *path, DgCStoreFault fault)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *req = soup_server_message_get_request_body (msg);
  g_autoptr (GBytes) bytes = soup_message_body_flatten (req);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (JsonBuilder) errors = validation_new ();
  const char *ctype = soup_message_headers_get_content_type (headers, NULL);
  gboolean bad = FALSE;
  JsonObject *body;
  JsonNode *value, *peers;
  const char *hkey = NULL, *key = NULL;
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  /* FastAPI only parses a JSON body when the request says it is JSON. */
  if (ctype == NULL || g_ascii_strcasecmp (ctype, "application/json") != 0 || len == 0)
    {
      add_validation (errors, "missing", "body", NULL, "Field required");
      respond_validation (msg, errors);
      return;
    }
  if (!json_parser_load_from_data (parser, data, len, NULL))
    {
      add_validation (errors, "json_invalid", "body", NULL, "JSON decode error");
      respond_validation (msg, errors);
      return;
    }
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      add_validation (errors, "model_attributes_type", "body", NULL,
                      "Input should be a valid dictionary or object to extract fields from");
      respond_validation (msg, errors);
      return;
    }
  body = json_node_get_object (json_parser_get_root (parser));

  if (strcmp (path, "/set") != 0)
    hkey = body_string (body, "hkey", errors, &bad);
  if (strcmp (path, "/hsync") != 0)
    {
      key = body_string (body, "key", errors, &bad);
      if (!json_object_has_member (body, "value"))
        {
          add_validation (errors, "missing", "body", "value", "Field required");
          bad = TRUE;
        }
    }
  peers = json_object_get_member (body, "chainstore_peers");
  if (peers != NULL && !JSON_NODE_HOLDS_NULL (peers) && !JSON_NODE_HOLDS_ARRAY (peers))
    {
      add_validation (errors, "list_type", "body", "chainstore_peers",
                      "Input should be a valid list");
      bad = TRUE;
    }
  if (bad)
    {
      respond_validation (msg, errors);
      return;
    }

  if (strcmp (path, "/hsync") == 0)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      g_autoptr (JsonNode) result = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "hkey");
      json_builder_add_string_value (b, hkey);
      json_builder_set_member_name (b, "source_peer");
      json_builder_add_null_value (b);
      json_builder_set_member_name (b, "merged_fields");
      json_builder_add_int_value (b, 0);
      json_builder_end_object (b);
      result = json_builder_get_root (b);
      respond (msg, 200, "application/json", envelope (g_steal_pointer (&result)));
      return;
    }

  value = json_object_get_member (body, "value");
  g_mutex_lock (&self->lock);
  dg_cstore_standin_store_value (self, hkey, key, value);
  g_mutex_unlock (&self->lock);
  respond (msg, 200, "application/json",
           envelope (json_node_init_boolean (json_node_alloc (), fault != DG_CSTORE_FAULT_FALSE)));
}

static void
handle_get (DgCStoreStandin *self, SoupServerMessage *msg, const char *path, GHashTable *query)
{
  g_autoptr (JsonBuilder) errors = validation_new ();
  const char *hkey = query ? g_hash_table_lookup (query, "hkey") : NULL;
  const char *key = query ? g_hash_table_lookup (query, "key") : NULL;
  gboolean needs_hkey = g_str_has_prefix (path, "/h");
  gboolean needs_key = strcmp (path, "/get") == 0 || strcmp (path, "/hget") == 0;
  JsonNode *result = NULL;

  if (strcmp (path, "/get_status") == 0)
    {
      JsonObject *status = json_object_new ();

      json_object_set_boolean_member (status, "ok", TRUE);
      json_object_set_string_member (status, "message", "CStore Manager API is running.");
      result = json_node_init_object (json_node_alloc (), status);
      json_object_unref (status);
      respond (msg, 200, "application/json", envelope (result));
      return;
    }
  if ((needs_hkey && hkey == NULL) || (needs_key && key == NULL))
    {
      if (needs_hkey && hkey == NULL)
        add_validation (errors, "missing", "query", "hkey", "Field required");
      if (needs_key && key == NULL)
        add_validation (errors, "missing", "query", "key", "Field required");
      respond_validation (msg, errors);
      return;
    }

  g_mutex_lock (&self->lock);
  if (strcmp (path, "/hgetall") == 0)
    {
      GHashTable *fields = dg_cstore_standin_hash_for (self, hkey, FALSE);
      JsonObject *all = json_object_new ();

      if (fields != NULL)
        {
          GHashTableIter iter;
          gpointer name, node;

          g_hash_table_iter_init (&iter, fields);
          while (g_hash_table_iter_next (&iter, &name, &node))
            json_object_set_member (all, name, json_node_copy (node));
        }
      result = json_node_init_object (json_node_alloc (), all);
      json_object_unref (all);
    }
  else
    result = dg_cstore_standin_lookup_value (self, needs_hkey ? hkey : NULL, key);
  g_mutex_unlock (&self->lock);
  respond (msg, 200, "application/json", envelope (result));
}

static DgCStoreFault
take_fault (DgCStoreStandin *self, const char *path, guint *latency_ms)
{
  DgCStoreFault fault = DG_CSTORE_FAULT_NONE;

  if (self->fault_count > 0 && (self->fault_path == NULL || strcmp (self->fault_path, path) == 0))
    {
      fault = self->fault;
      *latency_ms = self->latency_ms;
      self->fault_count--;
    }
  return fault;
}

static void
record_request (DgCStoreStandin *self, SoupServerMessage *msg, const char *path)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *ctype = soup_message_headers_get_one (headers, "Content-Type");
  SoupMessageBody *req = soup_server_message_get_request_body (msg);
  char *text;

  if (strcmp (soup_server_message_get_method (msg), "POST") == 0)
    {
      g_autoptr (GBytes) bytes = soup_message_body_flatten (req);

      text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
    }
  else
    text = g_strdup (g_uri_get_query (soup_server_message_get_uri (msg)));

  self->total++;
  g_hash_table_insert (
      self->counts, g_strdup (path),
      GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, path)) + 1));
  g_hash_table_insert (self->last_body, g_strdup (path), text);
  g_hash_table_insert (self->last_ctype, g_strdup (path), g_strdup (ctype));
}

static void
handle (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
        gpointer user_data)
{
  DgCStoreStandin *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  const Endpoint *endpoint = NULL;
  DgCStoreFault fault;
  guint latency_ms = 0;

  g_mutex_lock (&self->lock);
  record_request (self, msg, path);
  fault = take_fault (self, path, &latency_ms);
  g_mutex_unlock (&self->lock);

  switch (fault)
    {
    case DG_CSTORE_FAULT_500:
      respond_500 (msg, "Injected failure in the CStore stand-in");
      return;
    case DG_CSTORE_FAULT_504:
      respond_504 (msg);
      return;
    case DG_CSTORE_FAULT_HANG:
      hold (self, msg, 0, TRUE);
      return;
    case DG_CSTORE_FAULT_NOT_JSON:
      respond (msg, 200, "text/plain", g_strdup ("Internal proxy says hello"));
      return;
    case DG_CSTORE_FAULT_NO_RESULT:
      {
        g_autoptr (JsonBuilder) b = json_builder_new ();

        json_builder_begin_object (b);
        add_node_keys (b);
        json_builder_end_object (b);
        respond (msg, 200, "application/json", builder_text (b));
        return;
      }
    case DG_CSTORE_FAULT_HTML:
      respond (msg, 502, "text/html",
               g_strdup ("<html><head><title>502 Bad Gateway</title></head><body><center>"
                         "<h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body>"
                         "</html>\n"));
      return;
    case DG_CSTORE_FAULT_TRUNCATED:
      respond_truncated (msg);
      return;
    case DG_CSTORE_FAULT_404:
      respond_detail (msg, 404, "Not Found");
      return;
    case DG_CSTORE_FAULT_DEEP_JSON:
      {
        GString *deep = g_string_new ("{\"result\":");

        for (int i = 0; i < 100000; i++)
          g_string_append_c (deep, '[');
        respond (msg, 200, "application/json", g_string_free (deep, FALSE));
        return;
      }
    case DG_CSTORE_FAULT_NONE:
    case DG_CSTORE_FAULT_FALSE:
    case DG_CSTORE_FAULT_LATENCY:
    default:
      break;
    }

  for (guint i = 0; i < G_N_ELEMENTS (endpoints); i++)
    if (strcmp (endpoints[i].path, path) == 0)
      endpoint = &endpoints[i];
  if (endpoint == NULL)
    respond_detail (msg, 404, "Not Found");
  else if (strcmp (endpoint->method, method) != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                    endpoint->method);
      respond_detail (msg, 405, "Method Not Allowed");
    }
  else if (strcmp (method, "POST") == 0)
    handle_post (self, msg, path, fault);
  else
    handle_get (self, msg, path, query);

  if (fault == DG_CSTORE_FAULT_LATENCY)
    hold (self, msg, latency_ms, FALSE);
}

static void
setup_server (SoupServer *server, gpointer user_data)
{
  soup_server_add_handler (server, NULL, handle, user_data, NULL);
}

DgCStoreStandin *
dg_cstore_standin_new (void)
{
  DgCStoreStandin *self = g_new0 (DgCStoreStandin, 1);

  g_mutex_init (&self->lock);
  self->keys =
      g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_node_unref);
  self->hashes =
      g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_hash_table_unref);
  self->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->last_body = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->last_ctype = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->held = g_ptr_array_new_with_free_func ((GDestroyNotify) held_free);
  self->server = dg_test_server_new (setup_server, self);
  return self;
}

static gboolean
release_all (gpointer data)
{
  DgCStoreStandin *self = data;

  /* Anyone still waiting gets the answer a real node gives after its REQUEST_TIMEOUT. */
  for (guint i = 0; i < self->held->len; i++)
    {
      Held *held = g_ptr_array_index (self->held, i);

      if (held->source == NULL)
        respond_504 (held->msg);
      soup_server_message_unpause (held->msg);
    }
  g_ptr_array_set_size (self->held, 0);
  return G_SOURCE_REMOVE;
}

void
dg_cstore_standin_free (DgCStoreStandin *self)
{
  if (self == NULL)
    return;
  dg_test_server_invoke (self->server, release_all, self);
  dg_test_server_free (self->server);
  g_ptr_array_unref (self->held);
  g_hash_table_unref (self->keys);
  g_hash_table_unref (self->hashes);
  g_hash_table_unref (self->counts);
  g_hash_table_unref (self->last_body);
  g_hash_table_unref (self->last_ctype);
  g_free (self->fault_path);
  g_mutex_clear (&self->lock);
  g_free (self);
}

const char *
dg_cstore_standin_get_url (DgCStoreStandin *self)
{
  return dg_test_server_get_url (self->server);
}

void
dg_cstore_standin_inject (DgCStoreStandin *self, const char *path, DgCStoreFault fault, guint count,
                          guint latency_ms)
{
  g_mutex_lock (&self->lock);
  g_free (self->fault_path);
  self->fault_path = g_strdup (path);
  self->fault = fault;
  self->fault_count = count;
  self->latency_ms = latency_ms;
  g_mutex_unlock (&self->lock);
}

guint
dg_cstore_standin_faults_left (DgCStoreStandin *self)
{
  guint left;

  g_mutex_lock (&self->lock);
  left = self->fault_count;
  g_mutex_unlock (&self->lock);
  return left;
}

guint
dg_cstore_standin_count (DgCStoreStandin *self, const char *path)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = path == NULL ? self->total : GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, path));
  g_mutex_unlock (&self->lock);
  return n;
}

void
dg_cstore_standin_reset_counts (DgCStoreStandin *self)
{
  g_mutex_lock (&self->lock);
  self->total = 0;
  g_hash_table_remove_all (self->counts);
  g_mutex_unlock (&self->lock);
}

char *
dg_cstore_standin_last_body (DgCStoreStandin *self, const char *path)
{
  char *text;

  g_mutex_lock (&self->lock);
  text = g_strdup (g_hash_table_lookup (self->last_body, path));
  g_mutex_unlock (&self->lock);
  return text;
}

char *
dg_cstore_standin_last_content_type (DgCStoreStandin *self, const char *path)
{
  char *text;

  g_mutex_lock (&self->lock);
  text = g_strdup (g_hash_table_lookup (self->last_ctype, path));
  g_mutex_unlock (&self->lock);
  return text;
}
