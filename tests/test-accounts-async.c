/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-accounts"

#include "config.h"

#include <string.h>

#include "test-accounts.h"

/* Main-loop callers: the _async API, and hashing that never holds up the main loop. */

typedef TestAccountsFixture Fixture;

typedef struct
{
  int pending;
  int succeeded;
  int refused;
} Logins;

static void
login_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Logins *logins = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (DgAccount) account =
      dg_accounts_authenticate_finish (DG_ACCOUNTS (source), result, &error);

  if (account != NULL)
    logins->succeeded++;
  else
    {
      g_assert_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_INVALID_CREDENTIALS);
      logins->refused++;
    }
  logins->pending--;
}

typedef struct
{
  gint64 last;
  gint64 worst_late_us;
  guint ticks;
} Ticker;

static gboolean
tick (gpointer user_data)
{
  Ticker *ticker = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 late = now - ticker->last - 10 * 1000;

  ticker->worst_late_us = MAX (ticker->worst_late_us, late);
  ticker->last = now;
  ticker->ticks++;
  return G_SOURCE_CONTINUE;
}

/* Runs eight logins at once while a 10 ms timer ticks; returns its worst lateness (µs). */
static gint64
measure_logins (DgAccounts *accounts)
{
  Logins logins = { 0 };
  Ticker ticker = { 0 };
  guint source;

  ticker.last = g_get_monotonic_time ();
  source = g_timeout_add (10, tick, &ticker);
  for (int i = 0; i < 8; i++)
    {
      logins.pending++;
      dg_accounts_authenticate_async (accounts, "loaduser",
                                      i % 2 == 0 ? "load-password" : "wrong-password", NULL,
                                      login_done, &logins);
    }
  DG_TEST_WAIT (logins.pending == 0, 120000);
  g_source_remove (source);

  g_assert_cmpint (logins.succeeded, ==, 4);
  g_assert_cmpint (logins.refused, ==, 4);
  /* The logins took many ticks: the timer really ran while they were being hashed. */
  g_assert_cmpuint (ticker.ticks, >, 5);
  g_test_message ("%u ticks, worst lateness %.1f ms", ticker.ticks, ticker.worst_late_us / 1000.0);
  return ticker.worst_late_us;
}

/*
 * Eight logins verified at once (~0.2 s and 64 MiB of Argon2id each) never hold up the
 * main loop: a 10 ms timer keeps firing on time (never more than 20 ms late).
 *
 * Other processes on a busy machine can delay any timer, so a run may be repeated: a hash
 * on the main loop would make every run at least one whole hash (~200 ms) late, while
 * outside noise does not repeat three times in a row.
 */
static void
test_login_off_main_loop (Fixture *f, gconstpointer data)
{
  g_autoptr (DgAccounts) accounts = test_accounts_standalone (f, "pepper", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (DgAccount) user = NULL;
  gint64 worst = G_MAXINT64;

  user = dg_accounts_create (accounts, "loaduser", "load-password", NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  for (int run = 0; run < 3 && worst > 20 * 1000; run++)
    worst = measure_logins (accounts);
  g_assert_cmpint (worst, <=, 20 * 1000);
}

static void
first_run_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  int *state = user_data;
  g_autoptr (GError) error = NULL;

  g_assert_true (dg_accounts_needs_first_admin_finish (DG_ACCOUNTS (source), result, &error));
  g_assert_no_error (error);
  *state = 1;
}

static void
created_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  DgAccount **out = user_data;
  g_autoptr (GError) error = NULL;

  *out = dg_accounts_create_first_admin_finish (DG_ACCOUNTS (source), result, &error);
  g_assert_no_error (error);
}

static void
list_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GPtrArray **out = user_data;
  g_autoptr (GError) error = NULL;

  *out = dg_accounts_list_finish (DG_ACCOUNTS (source), result, &error);
  g_assert_no_error (error);
}

static void
reset_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  char **out = user_data;
  g_autoptr (GError) error = NULL;

  *out = dg_accounts_reset_password_finish (DG_ACCOUNTS (source), result, &error);
  g_assert_no_error (error);
}

static void
delete_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GError **out = user_data;

  g_assert_false (dg_accounts_soft_delete_finish (DG_ACCOUNTS (source), result, out));
}

/* The desktop's first run, through the main-loop API. */
static void
test_async_first_run (Fixture *f, gconstpointer data)
{
  g_autoptr (DgAccounts) accounts = test_accounts_standalone (f, NULL, NULL);
  g_autoptr (DgAccount) admin = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autofree char *password = NULL;
  g_autoptr (GError) delete_error = NULL;
  int state = 0;

  dg_accounts_needs_first_admin_async (accounts, NULL, first_run_done, &state);
  DG_TEST_WAIT (state == 1, 10000);
  dg_accounts_create_first_admin_async (accounts, "owner", "pw", NULL, created_done, &admin);
  DG_TEST_WAIT (admin != NULL, 30000);
  dg_accounts_list_async (accounts, FALSE, NULL, list_done, &list);
  DG_TEST_WAIT (list != NULL, 10000);
  g_assert_cmpuint (list->len, ==, 1);
  dg_accounts_reset_password_async (accounts, NULL, "owner", NULL, reset_done, &password);
  DG_TEST_WAIT (password != NULL, 30000);
  g_assert_cmpuint (strlen (password), ==, 16);
  dg_accounts_soft_delete_async (accounts, "owner", "owner", NULL, delete_done, &delete_error);
  DG_TEST_WAIT (delete_error != NULL, 10000);
  g_assert_error (delete_error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_SELF_ACTION);
}

void
test_accounts_add_async_tests (void)
{
#define ADD(path, func)                                                                       \
  g_test_add ("/core/accounts/async/" path, Fixture, NULL, test_accounts_fixture_setup, func, \
              test_accounts_fixture_teardown)
  ADD ("first-run", test_async_first_run);
  ADD ("login-off-main-loop", test_login_off_main_loop);
#undef ADD
}
