/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "dg-config.h"
#include "dg-store.h"

G_BEGIN_DECLS

/*
 * Shared helpers for every DataGems test: a private data folder per test,
 * bounded waits on the main loop (never sleeps), and stand-in HTTP servers
 * on loopback port 0 running in their own thread.
 */

/* A fresh folder under the test's temporary dir; removed by dg_test_dir_free(). */
typedef struct {
  char *path;
} DgTestDir;

DgTestDir  *dg_test_dir_new       (void);
char       *dg_test_dir_file      (DgTestDir   *dir,
                                   const char  *name);
void        dg_test_dir_free      (DgTestDir   *dir);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DgTestDir, dg_test_dir_free)

gboolean    dg_test_rm_rf         (const char  *path);

/*
 * A configuration from NAME=VALUE strings only (never the process environment), with HOME
 * pointing nowhere useful: a test sees exactly the variables it names. A variable named
 * twice takes its first value, so @env may override HOME. Fails the test on an error.
 */
DgConfig   *dg_test_config_new    (const char  *first,
                                   ...) G_GNUC_NULL_TERMINATED;
DgConfig   *dg_test_config_newv   (const char *const *env);

/* Opens (creating) "datagems.db" in @dir, or fails the test. */
DgStore    *dg_test_store_new     (DgTestDir   *dir);

/* The fixture of the tests that need only a fresh store (g_test_add() with these two). */
typedef struct {
  DgTestDir *dir;
  char      *db_path; /* "datagems.db" in @dir: the file @store has open */
  DgStore   *store;
} DgTestStoreFixture;

void        dg_test_store_fixture_setup    (DgTestStoreFixture *fixture,
                                            gconstpointer       data);
void        dg_test_store_fixture_teardown (DgTestStoreFixture *fixture,
                                            gconstpointer       data);

typedef gboolean (*DgTestPredicate) (gpointer user_data);

/*
 * Iterates @context (NULL: the thread-default one) until @predicate returns
 * TRUE or @timeout_ms passes. Returns the predicate's last value.
 */
gboolean    dg_test_wait_until    (GMainContext    *context,
                                   DgTestPredicate  predicate,
                                   gpointer         user_data,
                                   guint            timeout_ms);

/* Convenience for a condition on local variables: waits on the default context. */
#define DG_TEST_WAIT(cond, timeout_ms)                                              \
  G_STMT_START                                                                      \
  {                                                                                 \
    gint64 dg_test_deadline_ = g_get_monotonic_time () + (gint64) (timeout_ms) * 1000; \
    while (!(cond) && g_get_monotonic_time () < dg_test_deadline_)                  \
      if (!g_main_context_iteration (NULL, FALSE))                                  \
        g_usleep (100);                                                             \
    if (!(cond))                                                                    \
      g_error ("Timed out after %d ms waiting for: %s", (int) (timeout_ms), #cond); \
  }                                                                                 \
  G_STMT_END

/*
 * Repeats a thread-safety check for about @ms milliseconds (at least once), counting in the
 * gint64 @var: long enough to hit a race on a normal build, short under sanitizers.
 */
#define DG_TEST_REPEAT_MS(var, ms)                                                          \
  for (gint64 var = 0, var##_end_ = g_get_monotonic_time () + (gint64) (ms) * 1000;         \
       var == 0 || g_get_monotonic_time () < var##_end_; var++)

/*
 * DgTestServer: a libsoup server bound to 127.0.0.1 on port 0, running in its
 * own thread and main context. @setup runs in that thread to add handlers;
 * handlers may pause messages and attach timeouts to the server's context
 * (dg_test_server_get_context()) to inject latency.
 */
typedef struct _DgTestServer DgTestServer;
typedef void (*DgTestServerSetup) (SoupServer *server,
                                   gpointer    user_data);

DgTestServer *dg_test_server_new         (DgTestServerSetup  setup,
                                          gpointer           user_data);
const char   *dg_test_server_get_url     (DgTestServer      *self);
guint16       dg_test_server_get_port    (DgTestServer      *self);
GMainContext *dg_test_server_get_context (DgTestServer      *self);
/* Runs @func in the server thread and waits for it (to change fault settings safely). */
void          dg_test_server_invoke      (DgTestServer      *self,
                                          GSourceFunc        func,
                                          gpointer           user_data);
void          dg_test_server_free        (DgTestServer      *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DgTestServer, dg_test_server_free)

/* Path of a file in the shared test data, or NULL (the caller skips) when absent. */
char       *dg_test_shared_path   (const char *relative);

/* Peak resident set size of this process in kilobytes (for benchmarks). */
glong       dg_test_peak_rss_kb   (void);

G_END_DECLS
