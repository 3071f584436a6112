/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-bench"

#include "config.h"

#include "dg-cstore-standin.h"
#include "dg-cstore.h"
#include "dg-test-utils.h"

/*
 * CStore client throughput against the local stand-in over loopback HTTP: hset + hget of a
 * ~600-byte account-like record, (1) from one thread with a fresh client per pair (a new
 * connection each time), (2) from one thread through one shared client (pooled keep-alive
 * connections), (3) from 4 threads sharing that client. Prints requests per second.
 * The stand-in is serial (like a real node), so (3) mostly measures client-side overhead.
 *
 * Usage: bench-cstore [PAIRS]
 */

static const char record[] =
    "{\"type\":\"simple\",\"password\":{\"algo\":\"argon2id\",\"hash\":\"s+myniHx29ZgD3X6TD6UW+"
    "KHvFAPdG+65q2D7ozhVWc=\",\"salt\":\"Ccf7SxLdyi4dtesX6CzKOA==\",\"version\":1,\"params\":{"
    "\"timeCost\":3,\"memoryCost\":65536,\"parallelism\":1,\"outputLen\":32}},\"role\":\"user\","
    "\"metadata\":{\"name\":\"Ana Pop\",\"email\":\"ana.pop@example.com\",\"country\":\"Romania\"},"
    "\"createdAt\":\"2026-02-17T10:11:12.345Z\",\"updatedAt\":\"2026-02-17T10:11:12.345Z\"}";

typedef struct
{
  DgCStore *client;
  const char *url;
  int index;
  int pairs;
  gboolean fresh_client;
  int failures;
} Worker;

static gpointer
run_worker (gpointer data)
{
  Worker *w = data;

  for (int i = 0; i < w->pairs; i++)
    {
      g_autoptr (DgCStore) fresh = w->fresh_client ? dg_cstore_new (w->url, NULL) : NULL;
      DgCStore *client = fresh != NULL ? fresh : w->client;
      g_autofree char *field = g_strdup_printf ("user-%d-%d", w->index, i);
      g_autofree char *value = NULL;
      g_autoptr (GError) error = NULL;

      if (!dg_cstore_hset (client, "auth:bench", field, record, NULL, &error))
        w->failures++;
      value = dg_cstore_hget (client, "auth:bench", field, NULL, &error);
      if (value == NULL)
        w->failures++;
    }
  return NULL;
}

static void
run (const char *label, DgCStoreStandin *standin, int threads, int pairs, gboolean fresh)
{
  g_autoptr (DgCStore) client = dg_cstore_new (dg_cstore_standin_get_url (standin), NULL);
  Worker *workers = g_new0 (Worker, threads);
  GThread **handles = g_new0 (GThread *, threads);
  gint64 start = g_get_monotonic_time ();
  double seconds;
  int failures = 0;

  for (int t = 0; t < threads; t++)
    {
      workers[t] =
          (Worker){ client, dg_cstore_standin_get_url (standin), t, pairs / threads, fresh };
      handles[t] = g_thread_new ("bench", run_worker, &workers[t]);
    }
  for (int t = 0; t < threads; t++)
    {
      g_thread_join (handles[t]);
      failures += workers[t].failures;
    }
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  g_print ("%-34s %6d requests in %6.2f s: %8.0f requests/s (%d failed)\n", label,
           2 * (pairs / threads) * threads, seconds, 2.0 * (pairs / threads) * threads / seconds,
           failures);
  g_free (workers);
  g_free (handles);
  if (failures > 0)
    g_error ("%d requests failed", failures);
}

int
main (int argc, char **argv)
{
  int pairs = argc > 1 ? atoi (argv[1]) : 2000;
  g_autoptr (DgCStoreStandin) standin = NULL;

  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  if (pairs <= 0)
    pairs = 2000;
  standin = dg_cstore_standin_new ();
  run ("1 thread, new client per pair", standin, 1, pairs / 4, TRUE);
  run ("1 thread, shared client", standin, 1, pairs, FALSE);
  run ("4 threads, shared client", standin, 4, pairs, FALSE);
  g_print ("peak RSS %ld kB\n", dg_test_peak_rss_kb ());
  return 0;
}
