/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-cstore"

#include "config.h"

#include <json-glib/json-glib.h>

#include "dg-cstore.h"
#include "dg-cstore-standin.h"
#include "dg-test-utils.h"

typedef struct
{
  DgCStoreStandin *standin;
  DgCStore *client;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  const char *peers[] = { "0xai_peerA", "0xai_peerB", NULL };

  f->standin = dg_cstore_standin_new ();
  f->client = dg_cstore_new (dg_cstore_standin_get_url (f->standin), peers);
  dg_cstore_set_timeouts (f->client, 2000, 5000);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->client);
  dg_cstore_standin_free (f->standin);
}

static void
test_base_url (void)
{
  g_autoptr (DgCStore) a = dg_cstore_new ("127.0.0.1:31234//", NULL);
  g_autoptr (DgCStore) b = dg_cstore_new ("HTTPS://node.example/api/", NULL);
  g_autoptr (DgCStore) c = dg_cstore_new (" http://x:1 ", NULL);

  g_assert_cmpstr (dg_cstore_get_base_url (a), ==, "http://127.0.0.1:31234");
  g_assert_cmpstr (dg_cstore_get_base_url (b), ==, "HTTPS://node.example/api");
  g_assert_cmpstr (dg_cstore_get_base_url (c), ==, "http://x:1");
}

static void
test_roundtrip (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *value = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *body = NULL;
  g_autofree char *ctype = NULL;
  const char *record = "{\"type\":\"simple\",\"role\":\"user\",\"note\":\"ü \\\" \\n\"}";

  g_assert_true (dg_cstore_hset (f->client, "auth:test", "alice", record, NULL, &error));
  g_assert_no_error (error);

  /* Double-encoded on the wire: the stored JSON value is a string. */
  raw = dg_cstore_standin_hget_json (f->standin, "auth:test", "alice");
  g_assert_nonnull (raw);
  g_assert_true (raw[0] == '"');
  g_free (raw);
  raw = dg_cstore_standin_hget_string (f->standin, "auth:test", "alice");
  g_assert_cmpstr (raw, ==, record);

  value = dg_cstore_hget (f->client, "auth:test", "alice", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, record);

  /* The request looks like edge-sdk-ts's: JSON content type, member order, peers. */
  body = dg_cstore_standin_last_body (f->standin, "/hset");
  g_assert_true (g_str_has_prefix (body, "{\"hkey\":\"auth:test\",\"key\":\"alice\",\"value\":\""));
  g_assert_true (g_str_has_suffix (body, ",\"chainstore_peers\":[\"0xai_peerA\",\"0xai_peerB\"]}"));
  ctype = dg_cstore_standin_last_content_type (f->standin, "/hset");
  g_assert_cmpstr (ctype, ==, "application/json");

  /* Plain keys. */
  g_clear_pointer (&value, g_free);
  g_assert_true (dg_cstore_set (f->client, "datagen:metrics", "{\"totalJobs\":1}", NULL, &error));
  g_assert_no_error (error);
  value = dg_cstore_get (f->client, "datagen:metrics", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "{\"totalJobs\":1}");
}

static void
test_missing_and_delete (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *value = NULL;
  g_autofree char *body = NULL;

  value = dg_cstore_hget (f->client, "h", "nobody", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (value);
  value = dg_cstore_get (f->client, "nothing", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (value);

  /* The empty string is a value, not a delete. */
  g_assert_true (dg_cstore_hset (f->client, "h", "empty", "", NULL, &error));
  g_assert_no_error (error);
  value = dg_cstore_hget (f->client, "h", "empty", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "");
  g_assert_cmpuint (dg_cstore_standin_hlen (f->standin, "h"), ==, 1);
  g_clear_pointer (&value, g_free);

  /* NULL deletes with an explicit JSON null. */
  g_assert_true (dg_cstore_hset (f->client, "h", "empty", NULL, NULL, &error));
  g_assert_no_error (error);
  body = dg_cstore_standin_last_body (f->standin, "/hset");
  g_assert_nonnull (strstr (body, "\"value\":null"));
  value = dg_cstore_hget (f->client, "h", "empty", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (value);
  g_assert_cmpuint (dg_cstore_standin_hlen (f->standin, "h"), ==, 0);

  g_assert_true (dg_cstore_set (f->client, "k", "v", NULL, &error));
  g_assert_true (dg_cstore_set (f->client, "k", NULL, NULL, &error));
  g_assert_no_error (error);
  value = dg_cstore_standin_get_json (f->standin, "k");
  g_assert_null (value);
}

static void
test_escaping (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *value = NULL;
  const char *hkey = "datagen:user:a b&c=d/é?#";
  const char *field = "x+y %20 z";

  g_assert_true (dg_cstore_hset (f->client, hkey, field, "1", NULL, &error));
  g_assert_no_error (error);
  value = dg_cstore_standin_hget_string (f->standin, hkey, field);
  g_assert_cmpstr (value, ==, "1");
  g_free (value);
  value = dg_cstore_hget (f->client, hkey, field, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "1");
}

static void
test_non_string_values (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) all = NULL;
  g_autofree char *value = NULL;

  /* Written by another client that stored raw JSON (new nodes allow any JSON). */
  dg_cstore_standin_hput_json (f->standin, "h", "obj", "{\"a\":[1,true,null]}");
  dg_cstore_standin_hput_json (f->standin, "h", "num", "42");
  dg_cstore_standin_hput_json (f->standin, "h", "str", "\"plain\"");
  dg_cstore_standin_put_json (f->standin, "n", "1");

  value = dg_cstore_hget (f->client, "h", "obj", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "{\"a\":[1,true,null]}");
  g_free (value);
  value = dg_cstore_get (f->client, "n", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "1");

  all = dg_cstore_hgetall (f->client, "h", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (all), ==, 3);
  g_assert_cmpstr (g_hash_table_lookup (all, "num"), ==, "42");
  g_assert_cmpstr (g_hash_table_lookup (all, "str"), ==, "plain");
  g_assert_cmpstr (g_hash_table_lookup (all, "obj"), ==, "{\"a\":[1,true,null]}");
}

static void
test_hgetall (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) all = NULL;
  g_autoptr (GHashTable) none = NULL;
  g_autoptr (GHashTable) other = NULL;

  for (int i = 0; i < 5; i++)
    {
      g_autofree char *field = g_strdup_printf ("f%d", i);
      g_autofree char *value = g_strdup_printf ("v%d", i);

      g_assert_true (dg_cstore_hset (f->client, "hash:a", field, value, NULL, &error));
      g_assert_no_error (error);
    }
  g_assert_true (dg_cstore_hset (f->client, "hash:b", "f0", "other", NULL, &error));

  all = dg_cstore_hgetall (f->client, "hash:a", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (all), ==, 5);
  g_assert_cmpstr (g_hash_table_lookup (all, "f3"), ==, "v3");
  g_assert_cmpstr (g_hash_table_lookup (all, "f0"), ==, "v0");

  /* Distinct hkeys are isolated; unknown hashes are empty. */
  other = dg_cstore_hgetall (f->client, "hash:b", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (other), ==, 1);
  g_assert_cmpstr (g_hash_table_lookup (other, "f0"), ==, "other");
  none = dg_cstore_hgetall (f->client, "hash:none", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (none), ==, 0);
}

static void
test_status_and_hsync (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) status = NULL;
  g_autoptr (JsonNode) sync = NULL;

  status = dg_cstore_get_status (f->client, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (status));
  g_assert_true (json_object_get_boolean_member (json_node_get_object (status), "ok"));

  sync = dg_cstore_hsync (f->client, "auth:test", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (sync), "hkey"), ==,
                   "auth:test");
}

static void
test_invalid_arguments (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *value = NULL;

  value = dg_cstore_hget (f->client, "", "x", NULL, &error);
  g_assert_error (error, DG_CSTORE_ERROR, DG_CSTORE_ERROR_INVALID);
  g_assert_null (value);
  g_clear_error (&error);
  g_assert_false (dg_cstore_set (f->client, "", "x", NULL, &error));
  g_assert_error (error, DG_CSTORE_ERROR, DG_CSTORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (dg_cstore_hset (f->client, "h", "f", "\xff\xfe", NULL, &error));
  g_assert_error (error, DG_CSTORE_ERROR, DG_CSTORE_ERROR_INVALID);
  g_assert_cmpuint (dg_cstore_standin_count (f->standin, NULL), ==, 0);
}

static void
test_not_confirmed (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *value = NULL;

  dg_cstore_standin_inject (f->standin, "/hset", DG_CSTORE_FAULT_FALSE, 1, 0);
  g_assert_false (dg_cstore_hset (f->client, "h", "f", "v", NULL, &error));
  g_assert_error (error, DG_CSTORE_ERROR, DG_CSTORE_ERROR_NOT_CONFIRMED);
  g_clear_error (&error);
  /* Like a real node, the value was kept locally. */
  value = dg_cstore_hget (f->client, "h", "f", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "v");
  g_assert_true (dg_cstore_hset (f->client, "h", "f", "v", NULL, &error));
  g_assert_no_error (error);
}

static void
test_http_errors (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *value = NULL;

  dg_cstore_standin_inject (f->standin, NULL, DG_CSTORE_FAULT_500, 1, 0);
  value = dg_cstore_hget (f->client, "h", "f", NULL, &error);
  g_assert_error (error, DG_CSTORE_ERROR, DG_CSTORE_ERROR_HTTP);
  g_assert_nonnull (strstr (error->message, "HTTP 500"));
  g_assert_nonnull (strstr (error->message, "Injected failure"));
  g_clear_error (&error);

  dg_cstore_standin_inject (f->standin, NULL, DG_CSTORE_FAULT_504, 1, 0);
  g_assert_false (dg_cstore_hset (f->client, "h", "f", "v", NULL, &error));
  g_assert_error (error, DG_CSTORE_ERROR, DG_CSTORE_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "Error waiting for plugin response"));
  g_clear_error (&error);

  /* A 404 on a read is "missing" (cstore-auth-ts compatibility); on a write it is an error. */
  dg_cstore_standin_inject (f->standin, NULL, DG_CSTORE_FAULT_404, 2, 0);
  value = dg_cstore_hget (f->client, "h", "f", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (value);
  g_assert_false (dg_cstore_set (f->client, "k", "v", NULL, &error));
  g_assert_error (error, DG_CSTORE_ERROR, DG_CSTORE_ERROR_HTTP);
  g_assert_nonnull (strstr (error->message, "HTTP 404"));
  g_assert_nonnull (strstr (error->message, "Not Found"));
  g_clear_error (&error);

  dg_cstore_standin_inject (f->standin, NULL, DG_CSTORE_FAULT_HTML, 1, 0);
  value = dg_cstore_get (f->client, "k", NULL, &error);
  g_assert_error (error, DG_CSTORE_ERROR, DG_CSTORE_ERROR_HTTP);
  g_assert_nonnull (strstr (error->message, "HTTP 502"));
  g_assert_null (strstr (error->message, "<html>"));
  g_assert_cmpuint (dg_cstore_standin_faults_left (f->standin), ==, 0);
}

static void
test_bad_answers (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *value = NULL;
  g_autoptr (GHashTable) all = NULL;

  dg_cstore_standin_inject (f->standin, NULL, DG_CSTORE_FAULT_NOT_JSON, 1, 0);
  value = dg_cstore_hget (f->client, "h", "f", NULL, &error);
  g_assert_error (error, DG_CSTORE_ERROR, DG_CSTORE_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "not JSON"));
  g_clear_error (&error);

  dg_cstore_standin_inject (f->standin, NULL, DG_CSTORE_FAULT_NO_RESULT, 1, 0);
  all = dg_cstore_hgetall (f->client, "h", NULL, &error);
  g_assert_error (error, DG_CSTORE_ERROR, DG_CSTORE_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "result"));
  g_assert_null (all);
  g_clear_error (&error);

  dg_cstore_standin_inject (f->standin, NULL, DG_CSTORE_FAULT_TRUNCATED, 1, 0);
  value = dg_cstore_hget (f->client, "h", "f", NULL, &error);
  g_assert_error (error, DG_CSTORE_ERROR, DG_CSTORE_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "cut off"));
  g_clear_error (&error);

  /* Hostile nesting is refused without recursion. */
  dg_cstore_standin_inject (f->standin, NULL, DG_CSTORE_FAULT_DEEP_JSON, 1, 0);
  value = dg_cstore_get (f->client, "k", NULL, &error);
  g_assert_error (error, DG_CSTORE_ERROR, DG_CSTORE_ERROR_BAD_RESPONSE);
  g_clear_error (&error);

  /* The client recovers once the faults are gone. */
  g_assert_true (dg_cstore_hset (f->client, "h", "f", "ok", NULL, &error));
  g_assert_no_error (error);
}

static void
test_wrong_url (void)
{
  g_autoptr (DgCStoreStandin) standin = dg_cstore_standin_new ();
  g_autofree char *base = g_strconcat (dg_cstore_standin_get_url (standin), "/prefix", NULL);
  g_autoptr (DgCStore) client = dg_cstore_new (base, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *value = NULL;

  /* /prefix/hget is not a CStore path: reads look "missing", writes fail loudly. */
  value = dg_cstore_hget (client, "h", "f", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (value);
  g_assert_false (dg_cstore_hset (client, "h", "f", "v", NULL, &error));
  g_assert_error (error, DG_CSTORE_ERROR, DG_CSTORE_ERROR_HTTP);
}

static void
test_unavailable (void)
{
  g_autoptr (DgCStoreStandin) standin = dg_cstore_standin_new ();
  g_autofree char *url = g_strdup (dg_cstore_standin_get_url (standin));
  g_autoptr (DgCStore) client = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *value = NULL;

  /* Nothing listens on a port that was just released. */
  g_clear_pointer (&standin, dg_cstore_standin_free);
  client = dg_cstore_new (url, NULL);
  dg_cstore_set_timeouts (client, 1000, 2000);
  value = dg_cstore_get (client, "k", NULL, &error);
  g_assert_error (error, DG_CSTORE_ERROR, DG_CSTORE_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, url));
}

static void
test_timeout (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *value = NULL;
  gint64 start;

  dg_cstore_set_timeouts (f->client, 1000, 300);
  dg_cstore_standin_inject (f->standin, "/hget", DG_CSTORE_FAULT_HANG, 1, 0);
  start = g_get_monotonic_time ();
  value = dg_cstore_hget (f->client, "h", "f", NULL, &error);
  g_assert_error (error, DG_CSTORE_ERROR, DG_CSTORE_ERROR_TIMEOUT);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
  g_clear_error (&error);

  /* Latency below the limit is fine. */
  dg_cstore_set_timeouts (f->client, 0, 3000);
  dg_cstore_standin_inject (f->standin, NULL, DG_CSTORE_FAULT_LATENCY, 1, 100);
  g_assert_true (dg_cstore_hset (f->client, "h", "f", "late", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dg_cstore_standin_faults_left (f->standin), ==, 0);
}

typedef struct
{
  DgCStoreStandin *standin;
  GCancellable *cancellable;
} CancelData;

/* Cancels once the stand-in holds the request, so the cancel hits a transfer in flight. */
static gpointer
cancel_when_held (gpointer data)
{
  CancelData *cd = data;
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (dg_cstore_standin_count (cd->standin, "/get") == 0 && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  g_cancellable_cancel (cd->cancellable);
  return NULL;
}

static void
test_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *value = NULL;
  GThread *thread;

  dg_cstore_standin_inject (f->standin, NULL, DG_CSTORE_FAULT_HANG, 1, 0);
  CancelData cd = { f->standin, cancellable };

  thread = g_thread_new ("cancel", cancel_when_held, &cd);
  value = dg_cstore_get (f->client, "k", cancellable, &error);
  g_thread_join (thread);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
on_async_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
test_async (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  GAsyncResult *result = NULL;
  g_autofree char *value = NULL;
  g_autoptr (GHashTable) all = NULL;
  g_autoptr (JsonNode) status = NULL;

  dg_cstore_hset_async (f->client, "h", "f", "async", NULL, on_async_done, &result);
  DG_TEST_WAIT (result != NULL, 5000);
  g_assert_true (dg_cstore_hset_finish (f->client, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  dg_cstore_hget_async (f->client, "h", "f", NULL, on_async_done, &result);
  DG_TEST_WAIT (result != NULL, 5000);
  value = dg_cstore_hget_finish (f->client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "async");
  g_clear_object (&result);
  g_clear_pointer (&value, g_free);

  dg_cstore_set_async (f->client, "k", "plain", NULL, on_async_done, &result);
  DG_TEST_WAIT (result != NULL, 5000);
  g_assert_true (dg_cstore_set_finish (f->client, result, &error));
  g_clear_object (&result);

  dg_cstore_get_async (f->client, "missing", NULL, on_async_done, &result);
  DG_TEST_WAIT (result != NULL, 5000);
  value = dg_cstore_get_finish (f->client, result, &error);
  g_assert_no_error (error);
  g_assert_null (value);
  g_clear_object (&result);

  dg_cstore_hgetall_async (f->client, "h", NULL, on_async_done, &result);
  DG_TEST_WAIT (result != NULL, 5000);
  all = dg_cstore_hgetall_finish (f->client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (all), ==, 1);
  g_clear_object (&result);

  dg_cstore_get_status_async (f->client, NULL, on_async_done, &result);
  DG_TEST_WAIT (result != NULL, 5000);
  status = dg_cstore_get_status_finish (f->client, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (status);
  g_clear_object (&result);

  dg_cstore_standin_inject (f->standin, NULL, DG_CSTORE_FAULT_500, 1, 0);
  dg_cstore_set_async (f->client, "k", "x", NULL, on_async_done, &result);
  DG_TEST_WAIT (result != NULL, 5000);
  g_assert_false (dg_cstore_set_finish (f->client, result, &error));
  g_assert_error (error, DG_CSTORE_ERROR, DG_CSTORE_ERROR_HTTP);
  g_clear_object (&result);
}

typedef struct
{
  DgCStore *client;
  int index;
  int failures;
} Worker;

static gpointer
worker_run (gpointer data)
{
  Worker *w = data;

  for (int i = 0; i < 50; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *field = g_strdup_printf ("t%d-%d", w->index, i);
      g_autofree char *value = NULL;

      if (!dg_cstore_hset (w->client, "threads", field, field, NULL, &error))
        w->failures++;
      value = dg_cstore_hget (w->client, "threads", field, NULL, &error);
      if (g_strcmp0 (value, field) != 0)
        w->failures++;
    }
  return NULL;
}

static void
test_threads (Fixture *f, gconstpointer data)
{
  Worker workers[6];
  GThread *threads[6];

  for (int i = 0; i < 6; i++)
    {
      workers[i] = (Worker){ f->client, i, 0 };
      threads[i] = g_thread_new ("worker", worker_run, &workers[i]);
    }
  for (int i = 0; i < 6; i++)
    {
      g_thread_join (threads[i]);
      g_assert_cmpint (workers[i].failures, ==, 0);
    }
  g_assert_cmpuint (dg_cstore_standin_hlen (f->standin, "threads"), ==, 300);
  g_assert_cmpuint (dg_cstore_standin_count (f->standin, "/hset"), ==, 300);
}

static gpointer
write_cancelled_run (gpointer data)
{
  DgCStore *client = data;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();

  g_cancellable_cancel (cancellable);
  DG_TEST_REPEAT_MS (i, 3000)
  {
    g_autoptr (GError) error = NULL;

    if (i % 2 == 0)
      g_assert_false (dg_cstore_hset (client, "h", "k", "v", cancellable, &error));
    else
      g_assert_null (dg_cstore_hsync (client, "h", cancellable, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  }
  return NULL;
}

/*
 * Every write body carries the peer list. One client serves many threads, and json-glib's
 * array reference count is not atomic: sharing one JsonArray between bodies would lose
 * updates and free it under another thread. Cancelled writes build the body and stop
 * before any I/O, so the check repeats quickly.
 */
static void
test_threads_peer_list (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *body = NULL;
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("writer", write_cancelled_run, f->client);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);

  g_assert_true (dg_cstore_hset (f->client, "h", "k", "v", NULL, &error));
  g_assert_no_error (error);
  body = dg_cstore_standin_last_body (f->standin, "/hset");
  g_assert_true (g_str_has_suffix (body, ",\"chainstore_peers\":[\"0xai_peerA\",\"0xai_peerB\"]}"));
}

/* The stand-in's own error shapes, as a real node answers them (ratio1-interop.md 1.4). */
static void
test_standin_shapes (Fixture *f, gconstpointer data)
{
  struct
  {
    const char *method;
    const char *path;
    const char *body;
    const char *ctype;
    guint status;
    const char *expect;
  } cases[] = {
    { "GET", "//hget?hkey=a&key=b", NULL, NULL, 404, "{\"detail\":\"Not Found\"}" },
    { "GET", "/set", NULL, NULL, 405, "{\"detail\":\"Method Not Allowed\"}" },
    { "GET", "/hget?hkey=a", NULL, NULL, 422, "\"loc\":[\"query\",\"key\"]" },
    { "POST", "/hset", "{\"hkey\":\"a\",\"key\":1,\"value\":\"x\"}", "application/json", 422,
      "string_type" },
    { "POST", "/set", "{\"key\":\"a\"}", "application/json", 422, "\"loc\":[\"body\",\"value\"]" },
    { "POST", "/set", "{not json", "application/json", 422, "json_invalid" },
    { "POST", "/set", "{\"key\":\"a\",\"value\":\"x\"}", "text/plain", 422, "missing" },
    { "POST", "/set", "{\"key\":\"a\",\"value\":{\"n\":1},\"extra\":true}", "application/json", 200,
      "\"result\":true" },
    { "GET", "/get?key=a", NULL, NULL, 200, "\"result\":{\"n\":1}" },
    { "GET", "/get_status", NULL, NULL, 200, "\"ee_node_ver\"" },
  };
  g_autoptr (SoupSession) session = soup_session_new ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *uri =
          g_strconcat (dg_cstore_standin_get_url (f->standin), cases[i].path, NULL);
      g_autoptr (SoupMessage) msg = soup_message_new (cases[i].method, uri);
      g_autoptr (GBytes) reply = NULL;
      g_autoptr (GError) error = NULL;
      g_autofree char *text = NULL;

      if (cases[i].body != NULL)
        {
          g_autoptr (GBytes) body = g_bytes_new_static (cases[i].body, strlen (cases[i].body));

          soup_message_set_request_body_from_bytes (msg, cases[i].ctype, body);
        }
      reply = soup_session_send_and_read (session, msg, NULL, &error);
      g_assert_no_error (error);
      text = g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
      g_test_message ("%s %s -> %u %s", cases[i].method, cases[i].path,
                      soup_message_get_status (msg), text);
      g_assert_cmpuint (soup_message_get_status (msg), ==, cases[i].status);
      g_assert_nonnull (strstr (text, cases[i].expect));
    }
}

int
main (int argc, char **argv)
{
  /* GIO's GNOME proxy module would read the desktop's proxy settings: keep tests hermetic. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/core/cstore/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  g_test_add_func ("/core/cstore/base-url", test_base_url);
  ADD ("roundtrip", test_roundtrip);
  ADD ("missing-and-delete", test_missing_and_delete);
  ADD ("escaping", test_escaping);
  ADD ("non-string-values", test_non_string_values);
  ADD ("hgetall", test_hgetall);
  ADD ("status-and-hsync", test_status_and_hsync);
  ADD ("invalid-arguments", test_invalid_arguments);
  ADD ("not-confirmed", test_not_confirmed);
  ADD ("http-errors", test_http_errors);
  ADD ("bad-answers", test_bad_answers);
  g_test_add_func ("/core/cstore/wrong-url", test_wrong_url);
  g_test_add_func ("/core/cstore/unavailable", test_unavailable);
  ADD ("timeout", test_timeout);
  ADD ("cancel", test_cancel);
  ADD ("async", test_async);
  ADD ("threads", test_threads);
  ADD ("threads-peer-list", test_threads_peer_list);
  ADD ("standin-shapes", test_standin_shapes);
#undef ADD

  return g_test_run ();
}
