/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-cstore"

#include "config.h"

#include <curl/curl.h>
#include <string.h>

#include "dg-cstore.h"
#include "dg-json-reader.h"
#include "dg-util.h"

/* Answers bigger than this are refused: a whole-hash read of a busy deployment stays far below. */
#define MAX_BODY_BYTES (256 * 1024 * 1024)
/* Idle easy handles kept for reuse; each keeps its own live connections. */
#define POOL_MAX 8
#define DETAIL_MAX_BYTES 300

G_DEFINE_QUARK (dg_cstore_error_quark, dg_cstore_error)

struct _DgCStore
{
  GObject parent_instance;

  char *base_url;
  GStrv peers; /* sent with every write, as a new JSON array each time (see peers_node) */
  int connect_timeout_ms;
  int timeout_ms;

  /* libcurl's shared connection cache is not thread-safe (known bug 11.11 up to 8.x), so only
   * DNS and TLS sessions are shared; connections are reused through the handle pool. */
  CURLSH *share;
  GMutex share_locks[CURL_LOCK_DATA_LAST];
  GMutex pool_lock;
  GPtrArray *pool;
};

G_DEFINE_FINAL_TYPE (DgCStore, dg_cstore, G_TYPE_OBJECT)

static void
share_lock (CURL *handle, curl_lock_data data, curl_lock_access access, void *user_data)
{
  DgCStore *self = user_data;

  g_mutex_lock (&self->share_locks[data]);
}

static void
share_unlock (CURL *handle, curl_lock_data data, void *user_data)
{
  DgCStore *self = user_data;

  g_mutex_unlock (&self->share_locks[data]);
}

static void
dg_cstore_finalize (GObject *object)
{
  DgCStore *self = DG_CSTORE (object);

  g_clear_pointer (&self->pool, g_ptr_array_unref);
  g_clear_pointer (&self->share, curl_share_cleanup);
  for (guint i = 0; i < CURL_LOCK_DATA_LAST; i++)
    g_mutex_clear (&self->share_locks[i]);
  g_mutex_clear (&self->pool_lock);
  g_clear_pointer (&self->peers, g_strfreev);
  g_clear_pointer (&self->base_url, g_free);

  G_OBJECT_CLASS (dg_cstore_parent_class)->finalize (object);
}

static void
dg_cstore_class_init (DgCStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dg_cstore_finalize;
}

static void
dg_cstore_init (DgCStore *self)
{
  dg_curl_global_init ();
  for (guint i = 0; i < CURL_LOCK_DATA_LAST; i++)
    g_mutex_init (&self->share_locks[i]);
  g_mutex_init (&self->pool_lock);
  self->pool = g_ptr_array_new_with_free_func ((GDestroyNotify) curl_easy_cleanup);
  self->connect_timeout_ms = DG_CSTORE_DEFAULT_CONNECT_TIMEOUT_MS;
  self->timeout_ms = DG_CSTORE_DEFAULT_TIMEOUT_MS;

  self->share = curl_share_init ();
  curl_share_setopt (self->share, CURLSHOPT_LOCKFUNC, share_lock);
  curl_share_setopt (self->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
  curl_share_setopt (self->share, CURLSHOPT_USERDATA, self);
  curl_share_setopt (self->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt (self->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
}

static char *
normalize_base_url (const char *base_url)
{
  g_autofree char *url = g_strstrip (g_strdup (base_url));
  gsize len = strlen (url);

  while (len > 0 && url[len - 1] == '/')
    url[--len] = '\0';
  if (g_ascii_strncasecmp (url, "http://", 7) != 0 && g_ascii_strncasecmp (url, "https://", 8) != 0)
    return g_strconcat ("http://", url, NULL);
  return g_steal_pointer (&url);
}

/**
 * dg_cstore_new:
 * @base_url: the CStore API address
 * @chainstore_peers: (nullable): peers sent with every write
 *
 * Returns: (transfer full): a client; no request is made until the first call.
 */
DgCStore *
dg_cstore_new (const char *base_url, const char *const *chainstore_peers)
{
  DgCStore *self;

  g_return_val_if_fail (base_url != NULL, NULL);

  self = g_object_new (DG_TYPE_CSTORE, NULL);
  self->base_url = normalize_base_url (base_url);
  self->peers =
      chainstore_peers != NULL ? g_strdupv ((char **) chainstore_peers) : g_new0 (char *, 1);
  return self;
}

const char *
dg_cstore_get_base_url (DgCStore *self)
{
  g_return_val_if_fail (DG_IS_CSTORE (self), NULL);
  return self->base_url;
}

void
dg_cstore_set_timeouts (DgCStore *self, guint connect_timeout_ms, guint timeout_ms)
{
  g_return_if_fail (DG_IS_CSTORE (self));
  if (connect_timeout_ms > 0)
    g_atomic_int_set (&self->connect_timeout_ms, (int) MIN (connect_timeout_ms, G_MAXINT));
  if (timeout_ms > 0)
    g_atomic_int_set (&self->timeout_ms, (int) MIN (timeout_ms, G_MAXINT));
}

static CURL *
pool_take (DgCStore *self)
{
  CURL *handle = NULL;

  g_mutex_lock (&self->pool_lock);
  if (self->pool->len > 0)
    handle = g_ptr_array_steal_index_fast (self->pool, self->pool->len - 1);
  g_mutex_unlock (&self->pool_lock);
  if (handle == NULL)
    handle = curl_easy_init ();
  else
    curl_easy_reset (handle); /* keeps live connections and caches */
  return handle;
}

static void
pool_give (DgCStore *self, CURL *handle)
{
  g_mutex_lock (&self->pool_lock);
  if (self->pool->len < POOL_MAX)
    {
      g_ptr_array_add (self->pool, handle);
      handle = NULL;
    }
  g_mutex_unlock (&self->pool_lock);
  if (handle != NULL)
    curl_easy_cleanup (handle);
}

typedef struct
{
  GByteArray *body;
  gboolean too_large;
  GCancellable *cancellable;
} Transfer;

static size_t
on_write (char *data, size_t size, size_t nmemb, void *user_data)
{
  Transfer *t = user_data;
  size_t n = size * nmemb;

  if (t->body->len + n > MAX_BODY_BYTES)
    {
      t->too_large = TRUE;
      return 0;
    }
  g_byte_array_append (t->body, (const guint8 *) data, (guint) n);
  return n;
}

static int
on_progress (void *user_data, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
             curl_off_t ulnow)
{
  Transfer *t = user_data;

  return g_cancellable_is_cancelled (t->cancellable) ? 1 : 0;
}

/* Whatever is printable of a server's error text, short and valid UTF-8 (never values we sent). */
static char *
clean_detail (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  char *end;

  if (strlen (valid) > DETAIL_MAX_BYTES)
    {
      end = g_utf8_find_prev_char (valid, valid + DETAIL_MAX_BYTES);
      *end = '\0';
      return g_strconcat (valid, "…", NULL);
    }
  return g_steal_pointer (&valid);
}

/* A strict, depth-limited parse: a hostile answer cannot exhaust the stack. */
static JsonNode *
parse_body (GByteArray *body, GError **error)
{
  return dg_json_parse_full ((const char *) body->data, body->len, DG_JSON_PARSE_ALLOW_NUL, 0, NULL,
                             error);
}

/* The "detail" of a FastAPI error body in its several shapes (ratio1-interop.md 1.4). */
static char *
error_detail (GByteArray *body)
{
  g_autoptr (JsonNode) root = NULL;
  JsonNode *detail;
  JsonObject *obj;

  if (body->len == 0)
    return NULL;
  root = parse_body (body, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  detail = json_object_get_member (json_node_get_object (root), "detail");
  if (detail == NULL)
    return NULL;
  if (JSON_NODE_HOLDS_VALUE (detail) && json_node_get_value_type (detail) == G_TYPE_STRING)
    return clean_detail (json_node_get_string (detail));
  if (JSON_NODE_HOLDS_OBJECT (detail))
    {
      obj = json_node_get_object (detail);
      for (guint i = 0; i < 2; i++)
        {
          const char *name = i == 0 ? "error" : "detail";
          JsonNode *m = json_object_get_member (obj, name);

          if (m != NULL && JSON_NODE_HOLDS_VALUE (m) &&
              json_node_get_value_type (m) == G_TYPE_STRING)
            return clean_detail (json_node_get_string (m));
        }
      return NULL;
    }
  if (JSON_NODE_HOLDS_ARRAY (detail))
    {
      JsonArray *items = json_node_get_array (detail);
      g_autoptr (GString) out = g_string_new (NULL);

      /* pydantic: [{"loc":["query","key"],"msg":"Field required",...}, ...] */
      for (guint i = 0; i < json_array_get_length (items) && i < 5; i++)
        {
          JsonNode *item = json_array_get_element (items, i);
          JsonArray *loc;
          const char *msg;

          if (!JSON_NODE_HOLDS_OBJECT (item))
            continue;
          obj = json_node_get_object (item);
          msg = json_object_get_string_member_with_default (obj, "msg", "invalid");
          if (out->len > 0)
            g_string_append (out, "; ");
          if (json_object_has_member (obj, "loc") &&
              JSON_NODE_HOLDS_ARRAY (json_object_get_member (obj, "loc")))
            {
              loc = json_object_get_array_member (obj, "loc");
              for (guint j = 0; j < json_array_get_length (loc); j++)
                {
                  JsonNode *part = json_array_get_element (loc, j);

                  if (JSON_NODE_HOLDS_VALUE (part))
                    {
                      if (json_node_get_value_type (part) == G_TYPE_STRING)
                        g_string_append (out, json_node_get_string (part));
                      else
                        g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (part));
                      g_string_append_c (out, j + 1 < json_array_get_length (loc) ? '.' : ':');
                    }
                }
              g_string_append_c (out, ' ');
            }
          g_string_append (out, msg);
        }
      return out->len > 0 ? clean_detail (out->str) : NULL;
    }
  return NULL;
}

typedef enum
{
  ON_404_ERROR,
  ON_404_MISSING,
} On404;

/*
 * One HTTP exchange. Returns the envelope's "result" (a new node, possibly a JSON null),
 * or NULL: with @error set on failure, or without an error for a 404 that @on_404 allows.
 */
static JsonNode *
request (DgCStore *self, const char *path, const char *query, const char *post_body, On404 on_404,
         GCancellable *cancellable, GError **error)
{
  g_autofree char *url = NULL;
  g_autoptr (GByteArray) body = g_byte_array_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) local_error = NULL;
  char errbuf[CURL_ERROR_SIZE] = "";
  struct curl_slist *headers = NULL;
  Transfer t = { body, FALSE, cancellable };
  CURLcode rc;
  long status = 0;
  curl_off_t connect_time = 0;
  CURL *handle;
  JsonObject *envelope;
  int total_ms = g_atomic_int_get (&self->timeout_ms);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  url = g_strconcat (self->base_url, path, query ? "?" : "", query, NULL);
  handle = pool_take (self);
  if (handle == NULL)
    {
      g_set_error (error, DG_CSTORE_ERROR, DG_CSTORE_ERROR_UNAVAILABLE,
                   "Cannot start a CStore request (out of memory)");
      return NULL;
    }
  curl_easy_setopt (handle, CURLOPT_URL, url);
  curl_easy_setopt (handle, CURLOPT_SHARE, self->share);
  curl_easy_setopt (handle, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (handle, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt (handle, CURLOPT_CONNECTTIMEOUT_MS,
                    (long) g_atomic_int_get (&self->connect_timeout_ms));
  curl_easy_setopt (handle, CURLOPT_TIMEOUT_MS, (long) total_ms);
  curl_easy_setopt (handle, CURLOPT_WRITEFUNCTION, on_write);
  curl_easy_setopt (handle, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt (handle, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (handle, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt (handle, CURLOPT_XFERINFODATA, &t);
  curl_easy_setopt (handle, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt (handle, CURLOPT_USERAGENT, "DataGems/" PACKAGE_VERSION);
  headers = curl_slist_append (headers, "Accept: application/json");
  if (post_body != NULL)
    {
      headers = curl_slist_append (headers, "Content-Type: application/json");
      curl_easy_setopt (handle, CURLOPT_POSTFIELDS, post_body);
      curl_easy_setopt (handle, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) strlen (post_body));
    }
  else
    curl_easy_setopt (handle, CURLOPT_HTTPGET, 1L);
  /* No "Expect: 100-continue" round trip for big bodies. */
  headers = curl_slist_append (headers, "Expect:");
  curl_easy_setopt (handle, CURLOPT_HTTPHEADER, headers);

  rc = curl_easy_perform (handle);
  curl_easy_getinfo (handle, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo (handle, CURLINFO_CONNECT_TIME_T, &connect_time);
  /* The handle must not keep pointers to this frame once back in the pool. */
  curl_easy_setopt (handle, CURLOPT_ERRORBUFFER, NULL);
  curl_easy_setopt (handle, CURLOPT_HTTPHEADER, NULL);
  pool_give (self, handle);
  curl_slist_free_all (headers);

  if (rc != CURLE_OK)
    {
      const char *why = errbuf[0] != '\0' ? errbuf : curl_easy_strerror (rc);

      if (rc == CURLE_ABORTED_BY_CALLBACK &&
          g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      if (t.too_large)
        g_set_error (error, DG_CSTORE_ERROR, DG_CSTORE_ERROR_BAD_RESPONSE,
                     "CStore answer to %s is larger than %d MiB", path, MAX_BODY_BYTES >> 20);
      else if (rc == CURLE_OPERATION_TIMEDOUT && connect_time > 0)
        g_set_error (error, DG_CSTORE_ERROR, DG_CSTORE_ERROR_TIMEOUT,
                     "CStore at %s did not answer %s within %d ms", self->base_url, path, total_ms);
      else if (rc == CURLE_PARTIAL_FILE)
        g_set_error (error, DG_CSTORE_ERROR, DG_CSTORE_ERROR_BAD_RESPONSE,
                     "CStore answer to %s was cut off: %s", path, why);
      else
        g_set_error (error, DG_CSTORE_ERROR, DG_CSTORE_ERROR_UNAVAILABLE,
                     "CStore at %s is unavailable: %s", self->base_url, why);
      return NULL;
    }

  if (status < 200 || status > 299)
    {
      g_autofree char *detail = error_detail (body);

      if (status == 404 && on_404 == ON_404_MISSING)
        {
          /* cstore-auth-ts reads a 404 as "missing"; a real node never sends it for a missing key,
           * so it usually means a wrong base URL. */
          g_info ("CStore answered 404 to %s; treating it as missing (check the CStore URL)", path);
          return NULL;
        }
      if (status == 422)
        g_set_error (error, DG_CSTORE_ERROR, DG_CSTORE_ERROR_VALIDATION,
                     "CStore rejected the %s request (HTTP 422): %s", path,
                     detail ? detail : "validation failed");
      else if (status == 504)
        g_set_error (error, DG_CSTORE_ERROR, DG_CSTORE_ERROR_TIMEOUT,
                     "CStore timed out handling %s (HTTP 504)%s%s", path, detail ? ": " : "",
                     detail ? detail : "");
      else
        g_set_error (error, DG_CSTORE_ERROR, DG_CSTORE_ERROR_HTTP,
                     "CStore answered HTTP %ld to %s: %s", status, path,
                     detail ? detail : "no error details in the answer");
      return NULL;
    }

  root = parse_body (body, &local_error);
  if (root == NULL)
    {
      g_set_error (error, DG_CSTORE_ERROR, DG_CSTORE_ERROR_BAD_RESPONSE,
                   "CStore answer to %s is not JSON: %s", path, local_error->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, DG_CSTORE_ERROR, DG_CSTORE_ERROR_BAD_RESPONSE,
                   "CStore answer to %s is not a JSON object", path);
      return NULL;
    }
  envelope = json_node_get_object (root);
  if (!json_object_has_member (envelope, "result"))
    {
      g_set_error (error, DG_CSTORE_ERROR, DG_CSTORE_ERROR_BAD_RESPONSE,
                   "CStore answer to %s has no \"result\"", path);
      return NULL;
    }
  return json_node_copy (json_object_get_member (envelope, "result"));
}

static gboolean
check_name (const char *what, const char *value, GError **error)
{
  if (value == NULL || *value == '\0')
    {
      g_set_error (error, DG_CSTORE_ERROR, DG_CSTORE_ERROR_INVALID, "CStore %s is required", what);
      return FALSE;
    }
  if (!g_utf8_validate (value, -1, NULL))
    {
      g_set_error (error, DG_CSTORE_ERROR, DG_CSTORE_ERROR_INVALID, "CStore %s is not valid UTF-8",
                   what);
      return FALSE;
    }
  return TRUE;
}

static char *
escape (const char *s)
{
  return g_uri_escape_string (s, NULL, FALSE);
}

/* A stored value as text: strings as they are, anything else as compact JSON; NULL for null. */
static char *
value_to_text (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  return json_to_string (node, FALSE);
}

static char *
read_value (DgCStore *self, const char *path, const char *query, GCancellable *cancellable,
            GError **error)
{
  g_autoptr (JsonNode) result = NULL;
  GError *local_error = NULL;

  result = request (self, path, query, NULL, ON_404_MISSING, cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  return value_to_text (result);
}

/**
 * dg_cstore_get:
 *
 * Returns: (nullable): the value of @key, or NULL (no error) when it is missing.
 */
char *
dg_cstore_get (DgCStore *self, const char *key, GCancellable *cancellable, GError **error)
{
  g_autofree char *k = NULL;
  g_autofree char *query = NULL;

  g_return_val_if_fail (DG_IS_CSTORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_name ("key", key, error))
    return NULL;
  k = escape (key);
  query = g_strconcat ("key=", k, NULL);
  return read_value (self, "/get", query, cancellable, error);
}

/**
 * dg_cstore_hget:
 *
 * Returns: (nullable): the value of @field in @hkey, or NULL (no error) when it is missing.
 */
char *
dg_cstore_hget (DgCStore *self, const char *hkey, const char *field, GCancellable *cancellable,
                GError **error)
{
  g_autofree char *h = NULL;
  g_autofree char *f = NULL;
  g_autofree char *query = NULL;

  g_return_val_if_fail (DG_IS_CSTORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_name ("hkey", hkey, error) || !check_name ("key", field, error))
    return NULL;
  h = escape (hkey);
  f = escape (field);
  query = g_strconcat ("hkey=", h, "&key=", f, NULL);
  return read_value (self, "/hget", query, cancellable, error);
}

/*
 * The peer list for one request body. Built anew each time: JsonArray's reference count is
 * not atomic, so one array shared by the bodies of several threads would be freed under one.
 */
static JsonNode *
peers_node (DgCStore *self)
{
  JsonNode *node = json_node_alloc ();
  JsonArray *peers = json_array_sized_new (g_strv_length (self->peers));

  for (guint i = 0; self->peers[i] != NULL; i++)
    json_array_add_string_element (peers, self->peers[i]);
  json_node_init_array (node, NULL);
  json_node_take_array (node, peers);
  return node;
}

static gboolean
write_value (DgCStore *self, const char *path, const char *hkey, const char *key, const char *value,
             GCancellable *cancellable, GError **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr (JsonNode) body_node = NULL;
  g_autoptr (JsonNode) result = NULL;
  g_autofree char *body = NULL;

  if (value != NULL && !g_utf8_validate (value, -1, NULL))
    {
      g_set_error (error, DG_CSTORE_ERROR, DG_CSTORE_ERROR_INVALID,
                   "CStore value for %s is not valid UTF-8", path);
      return FALSE;
    }

  /* Member order as edge-sdk-ts sends it. */
  json_builder_begin_object (builder);
  if (hkey != NULL)
    {
      json_builder_set_member_name (builder, "hkey");
      json_builder_add_string_value (builder, hkey);
    }
  json_builder_set_member_name (builder, "key");
  json_builder_add_string_value (builder, key);
  json_builder_set_member_name (builder, "value");
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "chainstore_peers");
  json_builder_add_value (builder, peers_node (self));
  json_builder_end_object (builder);
  body_node = json_builder_get_root (builder);
  body = json_to_string (body_node, FALSE);

  result = request (self, path, NULL, body, ON_404_ERROR, cancellable, error);
  if (result == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (result) || json_node_get_value_type (result) != G_TYPE_BOOLEAN)
    {
      g_set_error (error, DG_CSTORE_ERROR, DG_CSTORE_ERROR_BAD_RESPONSE,
                   "CStore answer to %s is not true or false", path);
      return FALSE;
    }
  if (!json_node_get_boolean (result))
    {
      g_set_error (error, DG_CSTORE_ERROR, DG_CSTORE_ERROR_NOT_CONFIRMED,
                   "CStore %s was not confirmed by its peers in time", path);
      return FALSE;
    }
  return TRUE;
}

/**
 * dg_cstore_set:
 * @value: (nullable): the text to store; NULL deletes @key
 *
 * Returns: TRUE when the node answered true.
 */
gboolean
dg_cstore_set (DgCStore *self, const char *key, const char *value, GCancellable *cancellable,
               GError **error)
{
  g_return_val_if_fail (DG_IS_CSTORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_name ("key", key, error))
    return FALSE;
  return write_value (self, "/set", NULL, key, value, cancellable, error);
}

/**
 * dg_cstore_hset:
 * @value: (nullable): the text to store; NULL deletes @field
 *
 * Returns: TRUE when the node answered true.
 */
gboolean
dg_cstore_hset (DgCStore *self, const char *hkey, const char *field, const char *value,
                GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (DG_IS_CSTORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_name ("hkey", hkey, error) || !check_name ("key", field, error))
    return FALSE;
  return write_value (self, "/hset", hkey, field, value, cancellable, error);
}

/**
 * dg_cstore_hgetall:
 *
 * Returns: (transfer full): field -> value text; empty for an unknown hash.
 */
GHashTable *
dg_cstore_hgetall (DgCStore *self, const char *hkey, GCancellable *cancellable, GError **error)
{
  g_autoptr (GHashTable) table = NULL;
  g_autoptr (JsonNode) result = NULL;
  g_autofree char *h = NULL;
  g_autofree char *query = NULL;

  g_return_val_if_fail (DG_IS_CSTORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_name ("hkey", hkey, error))
    return NULL;
  h = escape (hkey);
  query = g_strconcat ("hkey=", h, NULL);
  result = request (self, "/hgetall", query, NULL, ON_404_ERROR, cancellable, error);
  if (result == NULL)
    return NULL;

  table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (JSON_NODE_HOLDS_OBJECT (result))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (result));
      while (json_object_iter_next (&iter, &name, &member))
        {
          char *text = value_to_text (member);

          if (text != NULL)
            g_hash_table_insert (table, g_strdup (name), text);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (result))
    {
      /* The flat [k1, v1, k2, v2, ...] form cstore-auth-ts also tolerates. */
      JsonArray *items = json_node_get_array (result);
      guint n = json_array_get_length (items);

      for (guint i = 0; i + 1 < n; i += 2)
        {
          JsonNode *name = json_array_get_element (items, i);
          char *text;

          if (!JSON_NODE_HOLDS_VALUE (name) || json_node_get_value_type (name) != G_TYPE_STRING)
            continue;
          text = value_to_text (json_array_get_element (items, i + 1));
          if (text != NULL)
            g_hash_table_insert (table, g_strdup (json_node_get_string (name)), text);
        }
    }
  else if (!JSON_NODE_HOLDS_NULL (result))
    {
      g_set_error (error, DG_CSTORE_ERROR, DG_CSTORE_ERROR_BAD_RESPONSE,
                   "CStore answer to /hgetall is not an object");
      return NULL;
    }
  return g_steal_pointer (&table);
}

/**
 * dg_cstore_get_status:
 *
 * Returns: (transfer full): the node's status "result".
 */
JsonNode *
dg_cstore_get_status (DgCStore *self, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (DG_IS_CSTORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return request (self, "/get_status", NULL, NULL, ON_404_ERROR, cancellable, error);
}

/**
 * dg_cstore_hsync:
 *
 * Returns: (transfer full): the "result" object ({hkey, source_peer, merged_fields}).
 */
JsonNode *
dg_cstore_hsync (DgCStore *self, const char *hkey, GCancellable *cancellable, GError **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr (JsonNode) body_node = NULL;
  g_autofree char *body = NULL;

  g_return_val_if_fail (DG_IS_CSTORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_name ("hkey", hkey, error))
    return NULL;
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "hkey");
  json_builder_add_string_value (builder, hkey);
  json_builder_set_member_name (builder, "chainstore_peers");
  json_builder_add_value (builder, peers_node (self));
  json_builder_end_object (builder);
  body_node = json_builder_get_root (builder);
  body = json_to_string (body_node, FALSE);
  return request (self, "/hsync", NULL, body, ON_404_ERROR, cancellable, error);
}
