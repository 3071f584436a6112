/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-rate-limit"

#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "dg-cstore-standin.h"
#include "dg-rate-limit.h"
#include "dg-store-ratelimit.h"
#include "dg-test-utils.h"

/* 2024-01-01T00:00:00Z is 900 * 1893408 s: the start of a registration window. */
#define EPOCH_S G_GINT64_CONSTANT (1704067200)
#define EPOCH_MS (EPOCH_S * 1000)
#define EPOCH_BUCKET G_GINT64_CONSTANT (1893408)

typedef DgTestStoreFixture Fixture;
#define fixture_setup dg_test_store_fixture_setup
#define fixture_teardown dg_test_store_fixture_teardown

static gint64
count_rows (Fixture *f)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_open_v2 (f->db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM rate_limits", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

/* ---------------------------------------------------------------------------------------- */
/* Keys */

static void
test_keys (void)
{
  static const struct
  {
    const char *in;
    const char *out;
  } encoded[] = {
    { "alice@example.com", "alice%40example.com" },
    { "a b,c/d?e#f&g=h+i", "a%20b%2Cc%2Fd%3Fe%23f%26g%3Dh%2Bi" },
    { "-_.!~*'()", "-_.!~*'()" },
    { "\xc3\xbc\xe2\x9c\x93", "%C3%BC%E2%9C%93" },
    { "::1", "%3A%3A1" },
  };
  g_autofree char *key = NULL;
  g_autofree char *unknown = NULL;
  g_autofree char *login = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (encoded); i++)
    {
      g_autofree char *got = dg_rate_limit_encode_uri_component (encoded[i].in);

      g_assert_cmpstr (got, ==, encoded[i].out);
    }
  /* Upstream's example key (10.5). */
  key = dg_rate_limit_key (DG_RATE_PREFIX_REGISTER_EMAIL, " Alice@Example.COM\t", 1970000);
  g_assert_cmpstr (key, ==, "datagen:rate:register:email:alice%40example.com:1970000");
  unknown = dg_rate_limit_key (DG_RATE_PREFIX_REGISTER_IP, " \xc2\xa0 ", 5);
  g_assert_cmpstr (unknown, ==, "datagen:rate:register:ip:unknown:5");
  login = dg_rate_limit_key (DG_RATE_PREFIX_LOGIN_USER, "Bob", -1);
  g_assert_cmpstr (login, ==, "datagems:rate:login:user:bob");
}

static void
test_client_address (void)
{
  g_autoptr (DgConfig) config =
      dg_test_config_new ("DATAGEMS_TRUSTED_PROXIES=127.0.0.1, 10.0.0.0/8, ::1", NULL);
  g_autoptr (DgConfig) none = dg_test_config_new (NULL, NULL);
  static const struct
  {
    const char *peer;
    const char *forwarded;
    const char *real_ip;
    const char *expected;
  } cases[] = {
    { "127.0.0.1", " 203.0.113.5 , 10.0.0.1", NULL, "203.0.113.5" },
    { "10.20.30.40", "198.51.100.1", NULL, "198.51.100.1" },
    { "::1", "2001:db8::7", NULL, "2001:db8::7" },
    { "::ffff:10.1.2.3", "198.51.100.9", NULL, "198.51.100.9" }, /* IPv4-mapped */
    { "127.0.0.1", NULL, " 198.51.100.7 ", "198.51.100.7" },
    { "127.0.0.1", " , x", NULL, "127.0.0.1" },
    { "127.0.0.1", NULL, NULL, "127.0.0.1" },
    /* Not a trusted proxy: its headers are ignored (anyone can send them). */
    { "192.0.2.1", "203.0.113.5", "203.0.113.6", "192.0.2.1" },
    { "11.0.0.1", "203.0.113.5", NULL, "11.0.0.1" },
    { NULL, "203.0.113.5", NULL, "unknown" },
    { "", NULL, NULL, "unknown" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *address = dg_rate_limit_client_address (
          config, cases[i].peer, cases[i].forwarded, cases[i].real_ip);

      g_assert_cmpstr (address, ==, cases[i].expected);
    }
  {
    g_autofree char *address =
        dg_rate_limit_client_address (none, "127.0.0.1", "203.0.113.5", NULL);

    g_assert_cmpstr (address, ==, "127.0.0.1");
  }
}

/* ---------------------------------------------------------------------------------------- */
/* Registration (upstream 10.5) */

static void
check (DgRateLimiter *limiter, DgRateLimitKind kind, const char *ip, const char *email,
       gint64 now_ms, gboolean allowed, gint64 count, gint64 retry_after)
{
  g_autoptr (GError) error = NULL;
  DgRateLimitResult result = { 0 };

  g_assert_true (
      dg_rate_limiter_check_registration (limiter, kind, ip, email, now_ms, &result, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (result.allowed, ==, allowed);
  g_assert_cmpint (result.count, ==, count);
  if (!allowed)
    g_assert_cmpint (result.retry_after_seconds, ==, retry_after);
}

/* upstream registrationRateLimit.test.ts, first case, with exact counts and Retry-After. */
static void
test_register_per_ip (Fixture *f, gconstpointer data)
{
  g_autoptr (DgConfig) config = dg_test_config_new ("DATAGEN_REGISTER_MAX_PER_IP=2", NULL);
  g_autoptr (DgRateLimiter) limiter = dg_rate_limiter_new (config, f->store, NULL);
  gint64 now = EPOCH_MS + 100 * 1000 + 250;

  check (limiter, DG_RATE_LIMIT_REGISTER, "198.51.100.1", "a@x.io", now, TRUE, 1, 0);
  check (limiter, DG_RATE_LIMIT_REGISTER, "198.51.100.1", "b@x.io", now, TRUE, 1, 0);
  /* Third from the same address: refused for the rest of the 900 s window. */
  check (limiter, DG_RATE_LIMIT_REGISTER, "198.51.100.1", "c@x.io", now, FALSE, 3, 800);
  /* Denied attempts still count. */
  check (limiter, DG_RATE_LIMIT_REGISTER, "198.51.100.1", "c@x.io", now + 799 * 1000, FALSE, 4, 1);
  /* The email counter was not touched by the refused attempts. */
  check (limiter, DG_RATE_LIMIT_REGISTER, "198.51.100.2", "c@x.io", now, TRUE, 1, 0);
  /* A new window starts from zero. */
  check (limiter, DG_RATE_LIMIT_REGISTER, "198.51.100.1", "d@x.io", EPOCH_MS + 900 * 1000, TRUE, 1,
         0);
}

static void
test_register_per_email (Fixture *f, gconstpointer data)
{
  g_autoptr (DgConfig) config =
      dg_test_config_new (NULL, NULL); /* defaults: 10 per IP, 3 per email */
  g_autoptr (DgRateLimiter) limiter = dg_rate_limiter_new (config, f->store, NULL);
  gint64 now = EPOCH_MS;

  for (int i = 1; i <= 3; i++)
    {
      g_autofree char *ip = g_strdup_printf ("203.0.113.%d", i);

      check (limiter, DG_RATE_LIMIT_REGISTER, ip, " Alice@Example.com ", now, TRUE, i, 0);
    }
  check (limiter, DG_RATE_LIMIT_REGISTER, "203.0.113.9", "alice@example.com", now, FALSE, 4, 900);
  /* Ten per address. */
  for (int i = 1; i <= 10; i++)
    {
      g_autofree char *email = g_strdup_printf ("user%d@x.io", i);

      check (limiter, DG_RATE_LIMIT_REGISTER, "192.0.2.50", email, now, TRUE, 1, 0);
    }
  check (limiter, DG_RATE_LIMIT_REGISTER, "192.0.2.50", "z@x.io", now, FALSE, 11, 900);
}

/* upstream's second case: resend with max 1 per email, from another address. */
static void
test_resend (Fixture *f, gconstpointer data)
{
  g_autoptr (DgConfig) config = dg_test_config_new (
      "DATAGEN_REGISTER_RESEND_MAX_PER_EMAIL=1", "DATAGEN_REGISTER_RESEND_WINDOW_SECONDS=60", NULL);
  g_autoptr (DgRateLimiter) limiter = dg_rate_limiter_new (config, f->store, NULL);
  gint64 now = EPOCH_MS + 15 * 1000;

  check (limiter, DG_RATE_LIMIT_RESEND, "198.51.100.1", "a@x.io", now, TRUE, 1, 0);
  check (limiter, DG_RATE_LIMIT_RESEND, "198.51.100.2", "a@x.io", now, FALSE, 2, 45);
  /* Registration counters are separate. */
  check (limiter, DG_RATE_LIMIT_REGISTER, "198.51.100.2", "a@x.io", now, TRUE, 1, 0);
}

/* Expired windows are purged; concurrent hits never lose a count. */
static gpointer
hammer (gpointer data)
{
  DgStore *store = data;

  for (int i = 0; i < 50; i++)
    {
      g_autoptr (GError) error = NULL;
      gint64 count, end;

      g_assert_true (
          dg_store_ratelimit_hit (store, "k", EPOCH_MS, EPOCH_MS + 1000, &count, &end, &error));
      g_assert_no_error (error);
    }
  return NULL;
}

static void
test_store_counters (Fixture *f, gconstpointer data)
{
  g_autoptr (DgConfig) config = dg_test_config_new (NULL, NULL);
  g_autoptr (DgRateLimiter) limiter = dg_rate_limiter_new (config, f->store, NULL);
  g_autoptr (GError) error = NULL;
  GThread *threads[4];
  gint64 count, end;

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("hammer", hammer, f->store);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  g_assert_true (dg_store_ratelimit_peek (f->store, "k", EPOCH_MS, &count, &end, &error));
  g_assert_cmpint (count, ==, 200);
  g_assert_cmpint (end, ==, EPOCH_MS + 1000);
  /* Past its end a counter reads as absent and restarts at 1. */
  g_assert_true (dg_store_ratelimit_peek (f->store, "k", EPOCH_MS + 1000, &count, &end, &error));
  g_assert_cmpint (count, ==, 0);
  g_assert_true (dg_store_ratelimit_hit (f->store, "k", EPOCH_MS + 1000, EPOCH_MS + 5000, &count,
                                         &end, &error));
  g_assert_cmpint (count, ==, 1);
  g_assert_cmpint (end, ==, EPOCH_MS + 5000);

  /* Windows that ended are deleted by the next hit. */
  check (limiter, DG_RATE_LIMIT_REGISTER, "198.51.100.1", "a@x.io", EPOCH_MS, TRUE, 1, 0);
  g_assert_cmpint (count_rows (f), ==, 3);
  check (limiter, DG_RATE_LIMIT_REGISTER, "198.51.100.1", "a@x.io", EPOCH_MS + 3600 * 1000, TRUE, 1,
         0);
  g_assert_cmpint (count_rows (f), ==, 2);
}

/* Connected mode: upstream's plain CStore keys, shared with the earlier DataGems. */
static void
test_cstore_counters (Fixture *f, gconstpointer data)
{
  g_autoptr (DgCStoreStandin) standin = dg_cstore_standin_new ();
  g_autofree char *url =
      g_strdup_printf ("EE_CHAINSTORE_API_URL=%s", dg_cstore_standin_get_url (standin));
  g_autoptr (DgConfig) config =
      dg_test_config_new (url, "R1EN_CHAINSTORE_PEERS=peer-a", "R1EN_HOST_ADDR=peer-a",
                          "R1EN_CSTORE_AUTH_HKEY=auth:test", "R1EN_CSTORE_AUTH_SECRET=pepper",
                          "DATAGEN_REGISTER_MAX_PER_EMAIL=2", NULL);
  g_autoptr (DgCStore) client = dg_cstore_new (dg_cstore_standin_get_url (standin), NULL);
  g_autoptr (DgRateLimiter) limiter = NULL;
  g_autofree char *ip_key =
      g_strdup_printf ("datagen:rate:register:ip:198.51.100.1:%" G_GINT64_FORMAT, EPOCH_BUCKET);
  g_autofree char *email_key =
      g_strdup_printf ("datagen:rate:register:email:a%%40x.io:%" G_GINT64_FORMAT, EPOCH_BUCKET);
  g_autofree char *ip_value = NULL;
  g_autofree char *email_value = NULL;
  g_autofree char *odd_value = NULL;
  g_autofree char *odd_key =
      g_strdup_printf ("datagen:rate:register:email:b%%40x.io:%" G_GINT64_FORMAT, EPOCH_BUCKET);
  g_autofree char *junk_key =
      g_strdup_printf ("datagen:rate:register:email:c%%40x.io:%" G_GINT64_FORMAT, EPOCH_BUCKET);
  g_autofree char *junk_value = NULL;

  g_assert_true (config->connected);
  dg_cstore_set_timeouts (client, 2000, 5000);
  limiter = dg_rate_limiter_new (config, f->store, client);

  check (limiter, DG_RATE_LIMIT_REGISTER, "198.51.100.1", "A@x.io", EPOCH_MS, TRUE, 1, 0);
  check (limiter, DG_RATE_LIMIT_REGISTER, "198.51.100.1", "a@x.io", EPOCH_MS, TRUE, 2, 0);
  check (limiter, DG_RATE_LIMIT_REGISTER, "198.51.100.1", "a@x.io", EPOCH_MS + 1000, FALSE, 3, 899);
  ip_value = dg_cstore_standin_get_string (standin, ip_key);
  email_value = dg_cstore_standin_get_string (standin, email_key);
  g_assert_cmpstr (ip_value, ==, "3");
  g_assert_cmpstr (email_value, ==, "3");
  /* Nothing in SQLite: the counters are the shared ones. */
  g_assert_cmpint (count_rows (f), ==, 0);

  /* parseInt semantics for values another writer left behind. */
  dg_cstore_standin_put_json (standin, odd_key, "\"1abc\"");
  dg_cstore_standin_put_json (standin, junk_key, "\"abc\"");
  check (limiter, DG_RATE_LIMIT_REGISTER, "198.51.100.3", "b@x.io", EPOCH_MS, TRUE, 2, 0);
  check (limiter, DG_RATE_LIMIT_REGISTER, "198.51.100.3", "c@x.io", EPOCH_MS, TRUE, 1, 0);
  odd_value = dg_cstore_standin_get_string (standin, odd_key);
  junk_value = dg_cstore_standin_get_string (standin, junk_key);
  g_assert_cmpstr (odd_value, ==, "2");
  g_assert_cmpstr (junk_value, ==, "1");

  /* An unconfirmed write is still a write (the node keeps it); a failing node is an error. */
  dg_cstore_standin_inject (standin, "/set", DG_CSTORE_FAULT_FALSE, 2, 0);
  check (limiter, DG_RATE_LIMIT_REGISTER, "198.51.100.4", "d@x.io", EPOCH_MS, TRUE, 1, 0);
  dg_cstore_standin_inject (standin, "/get", DG_CSTORE_FAULT_500, 1, 0);
  {
    g_autoptr (GError) error = NULL;
    DgRateLimitResult result;

    g_assert_false (dg_rate_limiter_check_registration (limiter, DG_RATE_LIMIT_REGISTER, "x",
                                                        "y@x.io", EPOCH_MS, &result, NULL, &error));
    g_assert_error (error, DG_CSTORE_ERROR, DG_CSTORE_ERROR_HTTP);
  }
}

/* ---------------------------------------------------------------------------------------- */
/* Login throttling (ours) */

static void
login_failed (DgRateLimiter *limiter, const char *user, const char *address, gint64 now,
              gboolean next_allowed, gint64 count, gint64 retry_after)
{
  g_autoptr (GError) error = NULL;
  DgRateLimitResult result = { 0 };

  g_assert_true (dg_rate_limiter_login_failed (limiter, user, address, now, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (result.allowed, ==, next_allowed);
  g_assert_cmpint (result.count, ==, count);
  if (!next_allowed)
    g_assert_cmpint (result.retry_after_seconds, ==, retry_after);
}

static void
login_check (DgRateLimiter *limiter, const char *user, const char *address, gint64 now,
             gboolean allowed, gint64 retry_after)
{
  g_autoptr (GError) error = NULL;
  DgRateLimitResult result = { 0 };

  g_assert_true (dg_rate_limiter_login_check (limiter, user, address, now, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (result.allowed, ==, allowed);
  if (!allowed)
    g_assert_cmpint (result.retry_after_seconds, ==, retry_after);
}

static void
test_login_defaults (Fixture *f, gconstpointer data)
{
  g_autoptr (DgConfig) config = dg_test_config_new (NULL, NULL);
  g_autoptr (DgRateLimiter) limiter = dg_rate_limiter_new (config, f->store, NULL);
  gint64 now = EPOCH_MS;

  g_assert_cmpint (config->login_max_failures, ==, 10);
  g_assert_cmpint (config->login_window_seconds, ==, 900);
  /* Ten failures are answered normally; the eleventh attempt is refused for 15 minutes. */
  for (int i = 1; i <= 9; i++)
    {
      login_check (limiter, "alice", "198.51.100.1", now, TRUE, 0);
      login_failed (limiter, "alice", "198.51.100.1", now, TRUE, i, 0);
      now += 1000;
    }
  login_check (limiter, "alice", "198.51.100.1", now, TRUE, 0);
  login_failed (limiter, "alice", "198.51.100.1", now, FALSE, 10, 891);
  login_check (limiter, "alice", "198.51.100.1", now, FALSE, 891);
  login_check (limiter, "ALICE ", "198.51.100.9", now + 500, FALSE, 891);
  login_check (limiter, "alice", "198.51.100.1", EPOCH_MS + 899 * 1000 + 1, FALSE, 1);
  /* The window started at the first failure: 900 s later it is over. */
  login_check (limiter, "alice", "198.51.100.1", EPOCH_MS + 900 * 1000, TRUE, 0);
}

static void
test_login_counters (Fixture *f, gconstpointer data)
{
  g_autoptr (DgConfig) config = dg_test_config_new ("DATAGEMS_LOGIN_MAX_FAILURES=3",
                                                    "DATAGEMS_LOGIN_WINDOW_SECONDS=60", NULL);
  g_autoptr (DgRateLimiter) limiter = dg_rate_limiter_new (config, f->store, NULL);
  g_autoptr (GError) error = NULL;
  gint64 now = EPOCH_MS;

  /* Per username, whatever the address. */
  login_failed (limiter, "bob", "198.51.100.1", now, TRUE, 1, 0);
  login_failed (limiter, "bob", "198.51.100.2", now + 10000, TRUE, 2, 0);
  login_failed (limiter, "bob", "198.51.100.3", now + 20000, FALSE, 3, 40);
  login_check (limiter, "bob", "198.51.100.4", now + 30000, FALSE, 30);
  login_check (limiter, "carol", "198.51.100.4", now + 30000, TRUE, 0);

  /* Per address, whatever the username; a success clears the user's count only. */
  now += 100000;
  login_failed (limiter, "dave", "192.0.2.7", now, TRUE, 1, 0);
  login_failed (limiter, "dave", "192.0.2.7", now, TRUE, 2, 0);
  g_assert_true (dg_rate_limiter_login_succeeded (limiter, "dave", now, &error));
  g_assert_no_error (error);
  login_failed (limiter, "erin", "192.0.2.7", now + 1000, FALSE, 3, 59);
  login_check (limiter, "dave", "192.0.2.7", now + 1000, FALSE, 59);
  login_check (limiter, "dave", "192.0.2.8", now + 1000, TRUE, 0);
}

static gint64
longest_key (Fixture *f)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_open_v2 (f->db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (
      sqlite3_prepare_v2 (db, "SELECT max(length(key)) FROM rate_limits", -1, &stmt, NULL), ==,
      SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

/*
 * Login names come from the network at any length, and every failure stores a counter under
 * the name: a huge name is stored by its digest, so a row stays small, while the same name
 * still meets its own counter and another one does not.
 */
static void
test_login_long_names (Fixture *f, gconstpointer data)
{
  g_autoptr (DgConfig) config = dg_test_config_new ("DATAGEMS_LOGIN_MAX_FAILURES=2", NULL);
  g_autoptr (DgRateLimiter) limiter = dg_rate_limiter_new (config, f->store, NULL);
  g_autofree char *huge = g_strnfill (100000, 'x');
  g_autofree char *other = g_strconcat (huge, "y", NULL);
  g_autofree char *upper = g_ascii_strup (huge, -1);
  g_autoptr (GError) error = NULL;

  login_failed (limiter, huge, "192.0.2.1", EPOCH_MS, TRUE, 1, 0);
  g_assert_cmpint (longest_key (f), <, 200);
  login_failed (limiter, other, "192.0.2.2", EPOCH_MS, TRUE, 1, 0);
  /* Names are trimmed and lowercased before they count, long ones too. */
  login_failed (limiter, upper, "192.0.2.3", EPOCH_MS, FALSE, 2, 900);
  login_check (limiter, huge, "192.0.2.4", EPOCH_MS, FALSE, 900);
  login_check (limiter, other, "192.0.2.4", EPOCH_MS, TRUE, 0);
  g_assert_true (dg_rate_limiter_login_succeeded (limiter, huge, EPOCH_MS, &error));
  g_assert_no_error (error);
  login_check (limiter, huge, "192.0.2.4", EPOCH_MS, TRUE, 0);
  g_assert_cmpint (longest_key (f), <, 200);
}

static void
login_checked_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  DgRateLimitResult *out = user_data;
  g_autoptr (GError) error = NULL;

  g_assert_true (
      dg_rate_limiter_login_failed_finish (DG_RATE_LIMITER (source), result, out, &error));
  g_assert_no_error (error);
}

static void
registration_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  DgRateLimitResult *out = user_data;
  g_autoptr (GError) error = NULL;

  g_assert_true (
      dg_rate_limiter_check_registration_finish (DG_RATE_LIMITER (source), result, out, &error));
  g_assert_no_error (error);
}

static void
test_async (Fixture *f, gconstpointer data)
{
  g_autoptr (DgConfig) config = dg_test_config_new ("DATAGEMS_LOGIN_MAX_FAILURES=1", NULL);
  g_autoptr (DgRateLimiter) limiter = dg_rate_limiter_new (config, f->store, NULL);
  DgRateLimitResult failed = { FALSE, 0, -1, 0 };
  DgRateLimitResult registered = { FALSE, 0, -1, 0 };

  dg_rate_limiter_login_failed_async (limiter, "zoe", "192.0.2.1", EPOCH_MS, NULL, login_checked_cb,
                                      &failed);
  DG_TEST_WAIT (failed.count >= 0, 10000);
  g_assert_false (failed.allowed);
  g_assert_cmpint (failed.retry_after_seconds, ==, 900);
  dg_rate_limiter_check_registration_async (limiter, DG_RATE_LIMIT_REGISTER, "192.0.2.1",
                                            "zoe@x.io", EPOCH_MS, NULL, registration_cb,
                                            &registered);
  DG_TEST_WAIT (registered.count >= 0, 10000);
  g_assert_true (registered.allowed);
  g_assert_cmpint (registered.count, ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/rate-limit/keys", test_keys);
  g_test_add_func ("/core/rate-limit/client-address", test_client_address);
#define ADD(path, func) \
  g_test_add ("/core/rate-limit/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("register-per-ip", test_register_per_ip);
  ADD ("register-per-email", test_register_per_email);
  ADD ("resend", test_resend);
  ADD ("store-counters", test_store_counters);
  ADD ("cstore-counters", test_cstore_counters);
  ADD ("login-defaults", test_login_defaults);
  ADD ("login-counters", test_login_counters);
  ADD ("login-long-names", test_login_long_names);
  ADD ("async", test_async);
#undef ADD

  return g_test_run ();
}
