/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-password"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "dg-accounts.h"
#include "dg-password.h"
#include "dg-test-utils.h"

/*
 * What a login costs: one Argon2id verification (t=3, 64 MiB), alone and with eight at
 * once through dg_accounts_authenticate_async (the hashing pool caps how many run
 * together), plus peak memory. `meson test --benchmark --suite password`.
 */

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1e6;
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

typedef struct
{
  int pending;
  gint64 started;
  double slowest;
} Burst;

static void
login_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Burst *burst = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (DgAccount) account =
      dg_accounts_authenticate_finish (DG_ACCOUNTS (source), result, &error);

  g_assert_no_error (error);
  burst->slowest = MAX (burst->slowest, seconds_since (burst->started));
  burst->pending--;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) record = NULL;
  g_autoptr (DgTestDir) dir = dg_test_dir_new ();
  g_autofree char *path = dg_test_dir_file (dir, "bench.db");
  g_autoptr (DgStore) store = NULL;
  g_autoptr (DgConfig) config = NULL;
  g_autoptr (DgAccounts) accounts = NULL;
  g_autoptr (DgAccount) user = NULL;
  const char *env[] = { "HOME=/nonexistent", "R1EN_CSTORE_AUTH_SECRET=bench-pepper", NULL };
  double singles[7];
  Burst burst = { 0 };
  gint64 start;

  start = g_get_monotonic_time ();
  record = dg_password_hash ("bench-password", "bench-pepper", &error);
  g_assert_no_error (error);
  printf ("hash (new record, computed twice): %.3f s\n", seconds_since (start));

  for (guint i = 0; i < G_N_ELEMENTS (singles); i++)
    {
      start = g_get_monotonic_time ();
      g_assert_true (dg_password_verify (record, "bench-password", "bench-pepper", &error));
      singles[i] = seconds_since (start);
    }
  qsort (singles, G_N_ELEMENTS (singles), sizeof singles[0], compare_doubles);
  printf ("verify (one login): median %.3f s, min %.3f s, max %.3f s\n",
          singles[G_N_ELEMENTS (singles) / 2], singles[0], singles[G_N_ELEMENTS (singles) - 1]);

  store = dg_store_open (path, &error);
  g_assert_no_error (error);
  config = dg_config_new_from_environ (env, &error);
  g_assert_no_error (error);
  accounts = dg_accounts_new (config, store, NULL);
  user = dg_accounts_create (accounts, "bench", "bench-password", NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  burst.started = g_get_monotonic_time ();
  for (int i = 0; i < 8; i++)
    {
      burst.pending++;
      dg_accounts_authenticate_async (accounts, "bench", "bench-password", NULL, login_done,
                                      &burst);
    }
  DG_TEST_WAIT (burst.pending == 0, 300000);
  printf ("8 concurrent logins: all done after %.3f s (%u cores, %d hashing threads)\n",
          burst.slowest, g_get_num_processors (), dg_password_hash_threads ());
  printf ("peak RSS: %ld MiB\n", dg_test_peak_rss_kb () / 1024);
  return 0;
}
