/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-test"

#include "config.h"

#include <glib/gstdio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>

#include "dg-test-utils.h"

DgTestDir *
dg_test_dir_new (void)
{
  g_autoptr (GError) error = NULL;
  DgTestDir *dir = g_new0 (DgTestDir, 1);

  dir->path = g_dir_make_tmp ("datagems-test-XXXXXX", &error);
  g_assert_no_error (error);
  return dir;
}

char *
dg_test_dir_file (DgTestDir *dir, const char *name)
{
  return g_build_filename (dir->path, name, NULL);
}

gboolean
dg_test_rm_rf (const char *path)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    return g_unlink (path) == 0;

  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      dg_test_rm_rf (child);
    }
  return g_rmdir (path) == 0;
}

void
dg_test_dir_free (DgTestDir *dir)
{
  if (dir == NULL)
    return;
  dg_test_rm_rf (dir->path);
  g_free (dir->path);
  g_free (dir);
}

/* Last, so that a test's own HOME comes first and wins. */
#define HERMETIC_HOME "HOME=/nonexistent/datagems-test-home"

DgConfig *
dg_test_config_newv (const char *const *env)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) full = NULL;
  DgConfig *config;

  if (env != NULL)
    g_strv_builder_addv (builder, (const char **) env);
  g_strv_builder_add (builder, HERMETIC_HOME);
  full = g_strv_builder_end (builder);
  config = dg_config_new_from_environ ((const char *const *) full, &error);
  g_assert_no_error (error);
  g_assert_nonnull (config);
  return config;
}

DgConfig *
dg_test_config_new (const char *first, ...)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) env = NULL;
  va_list args;

  va_start (args, first);
  for (const char *item = first; item != NULL; item = va_arg (args, const char *))
    g_strv_builder_add (builder, item);
  va_end (args);
  env = g_strv_builder_end (builder);
  return dg_test_config_newv ((const char *const *) env);
}

DgStore *
dg_test_store_new (DgTestDir *dir)
{
  g_autofree char *path = dg_test_dir_file (dir, "datagems.db");
  g_autoptr (GError) error = NULL;
  DgStore *store = dg_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

void
dg_test_store_fixture_setup (DgTestStoreFixture *f, gconstpointer data)
{
  f->dir = dg_test_dir_new ();
  f->db_path = dg_test_dir_file (f->dir, "datagems.db");
  f->store = dg_test_store_new (f->dir);
}

void
dg_test_store_fixture_teardown (DgTestStoreFixture *f, gconstpointer data)
{
  g_clear_object (&f->store);
  g_clear_pointer (&f->db_path, g_free);
  g_clear_pointer (&f->dir, dg_test_dir_free);
}

gboolean
dg_test_wait_until (GMainContext *context, DgTestPredicate predicate, gpointer user_data,
                    guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  gboolean done;

  if (context == NULL)
    context = g_main_context_get_thread_default ();
  if (context == NULL)
    context = g_main_context_default ();

  while (!(done = predicate (user_data)) && g_get_monotonic_time () < deadline)
    {
      /* Non-blocking iteration so the deadline is always honoured; yield when idle. */
      if (!g_main_context_iteration (context, FALSE))
        g_usleep (200);
    }
  return done;
}

struct _DgTestServer
{
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  SoupServer *server;
  DgTestServerSetup setup;
  gpointer setup_data;
  char *url;
  guint16 port;

  GMutex mutex;
  GCond cond;
  gboolean ready;
};

/* libsoup writes headers and body separately; without TCP_NODELAY a kept-alive
 * connection stalls on Nagle + delayed ACK for tens of milliseconds, which would
 * distort every latency and throughput figure measured against a stand-in. */
static void
on_request_started (SoupServer *server, SoupServerMessage *msg, gpointer user_data)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  if (socket != NULL)
    g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
}

static gpointer
server_thread (gpointer data)
{
  DgTestServer *self = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocket) listener = NULL;
  GSList *uris;

  g_main_context_push_thread_default (self->context);

  self->server = soup_server_new ("server-header", "datagems-test-server", NULL);
  g_signal_connect (self->server, "request-started", G_CALLBACK (on_request_started), NULL);
  if (self->setup != NULL)
    self->setup (self->server, self->setup_data);
  /* Load tests open dozens of connections at once: GLib's default backlog of 10 would drop
   * connection attempts (each costing the client a one-second SYN retry). */
  listener =
      g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_set_listen_backlog (listener, 512);
  g_socket_bind (listener, address, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (listener, &error);
  g_assert_no_error (error);
  soup_server_listen_socket (self->server, listener, 0, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (self->server);
  g_assert_nonnull (uris);
  self->port = (guint16) g_uri_get_port (uris->data);
  self->url = g_strdup_printf ("http://127.0.0.1:%u", self->port);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_mutex_lock (&self->mutex);
  self->ready = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);

  g_main_loop_run (self->loop);

  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  /* Let pending sources (paused messages, timeouts) be released in this thread. */
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

DgTestServer *
dg_test_server_new (DgTestServerSetup setup, gpointer user_data)
{
  DgTestServer *self = g_new0 (DgTestServer, 1);

  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->setup = setup;
  self->setup_data = user_data;
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->thread = g_thread_new ("dg-test-server", server_thread, self);

  g_mutex_lock (&self->mutex);
  while (!self->ready)
    g_cond_wait (&self->cond, &self->mutex);
  g_mutex_unlock (&self->mutex);
  return self;
}

const char *
dg_test_server_get_url (DgTestServer *self)
{
  return self->url;
}

guint16
dg_test_server_get_port (DgTestServer *self)
{
  return self->port;
}

GMainContext *
dg_test_server_get_context (DgTestServer *self)
{
  return self->context;
}

typedef struct
{
  GSourceFunc func;
  gpointer data;
  GMutex mutex;
  GCond cond;
  gboolean done;
} Invocation;

static gboolean
run_invocation (gpointer data)
{
  Invocation *inv = data;

  inv->func (inv->data);
  g_mutex_lock (&inv->mutex);
  inv->done = TRUE;
  g_cond_signal (&inv->cond);
  g_mutex_unlock (&inv->mutex);
  return G_SOURCE_REMOVE;
}

void
dg_test_server_invoke (DgTestServer *self, GSourceFunc func, gpointer user_data)
{
  Invocation inv = { func, user_data };

  g_mutex_init (&inv.mutex);
  g_cond_init (&inv.cond);
  g_main_context_invoke (self->context, run_invocation, &inv);
  g_mutex_lock (&inv.mutex);
  while (!inv.done)
    g_cond_wait (&inv.cond, &inv.mutex);
  g_mutex_unlock (&inv.mutex);
  g_mutex_clear (&inv.mutex);
  g_cond_clear (&inv.cond);
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
dg_test_server_free (DgTestServer *self)
{
  if (self == NULL)
    return;
  g_main_context_invoke (self->context, quit_loop, self->loop);
  g_thread_join (self->thread);
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self->url);
  g_free (self);
}

char *
dg_test_shared_path (const char *relative)
{
  const char *root = g_getenv ("DG_SHARED_TESTDATA");
  g_autofree char *path = NULL;

  if (root == NULL || *root == '\0')
    return NULL;
  path = g_build_filename (root, relative, NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return NULL;
  return g_steal_pointer (&path);
}

glong
dg_test_peak_rss_kb (void)
{
  struct rusage usage;

  if (getrusage (RUSAGE_SELF, &usage) != 0)
    return -1;
  return usage.ru_maxrss;
}
