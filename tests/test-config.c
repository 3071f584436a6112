/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-config"

#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "test-config.h"

/*
 * Builds a hermetic environment from NAME=VALUE strings. HOME comes last, so a test can
 * override it (the first definition wins, as with getenv()).
 */
static GStrv
make_env (const char *first, va_list args)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  for (const char *entry = first; entry != NULL; entry = va_arg (args, const char *))
    g_strv_builder_add (builder, entry);
  g_strv_builder_add (builder, "HOME=/home/tester");
  return g_strv_builder_end (builder);
}

DgConfig *
test_config_load (const char *first, ...)
{
  g_auto (GStrv) env = NULL;
  va_list args;

  va_start (args, first);
  env = make_env (first, args);
  va_end (args);
  return dg_test_config_newv ((const char *const *) env);
}

GError *
test_config_fail (const char *first, ...)
{
  GError *error = NULL;
  g_auto (GStrv) env = NULL;
  DgConfig *config;
  va_list args;

  va_start (args, first);
  env = make_env (first, args);
  va_end (args);
  config = dg_config_new_from_environ ((const char *const *) env, &error);
  g_assert_null (config);
  g_assert_nonnull (error);
  g_assert_true (error->domain == DG_CONFIG_ERROR);
  return error;
}

void
test_config_assert_strv (char **actual, const char *const *expected)
{
  g_assert_nonnull (actual);
  g_assert_cmpuint (g_strv_length (actual), ==, g_strv_length ((char **) expected));
  for (guint i = 0; expected[i] != NULL; i++)
    g_assert_cmpstr (actual[i], ==, expected[i]);
}

gboolean
test_config_has_warning (DgConfig *config, const char *fragment)
{
  for (guint i = 0; config->warnings[i] != NULL; i++)
    if (strstr (config->warnings[i], fragment) != NULL)
      return TRUE;
  return FALSE;
}

/* Every upstream variable unset: the defaults of upstream-behaviour.md 13.2. */
static void
test_defaults (void)
{
  g_autoptr (DgConfig) c = test_config_load (NULL, NULL);
  const char *const local[] = { "local", NULL };
  const char *const none[] = { NULL };

  g_assert_null (c->node_env);
  g_assert_false (c->production);
  g_assert_false (c->development);
  g_assert_false (c->mock_cstore);
  g_assert_false (c->mock_inference);
  g_assert_false (c->connected);
  g_assert_null (c->session_secret);
  g_assert_false (c->session_secret_is_dev_default);
  g_assert_null (c->auth_hkey);
  g_assert_null (c->auth_secret);
  g_assert_null (c->auth_bootstrap_admin_password);
  g_assert_null (c->cstore_url);
  g_assert_null (c->r1fs_url);
  test_config_assert_strv (c->sdk_chainstore_peers, none);
  g_assert_false (c->sdk_debug);
  test_config_assert_strv (c->peers, local);
  g_assert_cmpstr (c->host_addr, ==, "local");
  g_assert_null (c->host_id);

  g_assert_null (c->inference_base_url);
  g_assert_false (c->log_inference_requests);
  g_assert_false (c->retry_inference_on_failure);
  g_assert_cmpint (c->max_external_api_configs, ==, 10);
  g_assert_cmpint (c->inference_concurrency, ==, 8);
  g_assert_cmpint (c->inference_max_attempts, ==, 3);
  g_assert_cmpint (c->inference_connect_timeout_ms, ==, 10000);
  g_assert_cmpint (c->inference_timeout_ms, ==, 120000);

  g_assert_null (c->app_base_url); /* $R1EN_HOST_IP is unset */
  g_assert_cmpint (c->max_records_per_job, ==, 200);
  g_assert_cmpint (c->owner_max_records_per_job, ==, DG_CONFIG_OWNER_MAX_RECORDS);
  g_assert_cmpint (c->job_poll_seconds, ==, 5);
  g_assert_cmpint (c->update_every_k_requests, ==, 5);
  g_assert_cmpint (c->max_concurrent_jobs, ==, 1);
  g_assert_cmpstr (c->local_cache_dir, ==, "/_local_cache/datagen");
  g_assert_false (c->disable_worker);
  g_assert_false (c->log_r1fs_calls);
  g_assert_cmpint (c->active_poll_seconds, ==, 10);
  g_assert_cmpint (c->idle_poll_seconds, ==, 30);

  g_assert_cmpstr (c->smtp_host, ==, "smtp.resend.com");
  g_assert_cmpint (c->smtp_port, ==, 465);
  g_assert_cmpstr (c->smtp_user, ==, "resend");
  g_assert_null (c->smtp_pass);
  g_assert_cmpstr (c->smtp_from, ==, "no-reply@datagems.app");
  g_assert_cmpint (c->register_window_seconds, ==, 900);
  g_assert_cmpint (c->register_max_per_ip, ==, 10);
  g_assert_cmpint (c->register_max_per_email, ==, 3);
  g_assert_cmpint (c->resend_window_seconds, ==, 900);
  g_assert_cmpint (c->resend_max_per_ip, ==, 5);
  g_assert_cmpint (c->resend_max_per_email, ==, 2);
  g_assert_cmpint (c->register_failure_ttl_seconds, ==, 86400);
  g_assert_true (c->allow_registration);

  g_assert_cmpint (c->login_max_failures, ==, 10);
  g_assert_cmpint (c->login_window_seconds, ==, 900);
  test_config_assert_strv (c->trusted_proxies, none);

  g_assert_cmpstr (c->data_dir, ==, "/home/tester/.local/share/datagems");
  g_assert_cmpstr (c->database_path, ==, "/home/tester/.local/share/datagems/datagems.db");
  g_assert_cmpstr (c->server_bind, ==, "127.0.0.1");
  g_assert_cmpint (c->server_port, ==, 3000);
  g_assert_cmpstr (c->source, ==, "environment (defaults for all DATAGEMS_* settings)");
  g_assert_cmpuint (g_strv_length (c->warnings), ==, 0);
}

/* Every upstream variable set to a non-default value reaches its field. */
static void
test_upstream_overrides (void)
{
  g_autoptr (DgConfig) c = test_config_load (
      "NODE_ENV=production", "DATAGEN_SESSION_SECRET=s3cret", "DATAGEN_MOCK_INFERENCE_API=on",
      "DATAGEN_INFERENCE_BASE_URL=http://infer.example/", "LOG_INFERENCE_REQUESTS=1",
      "RETRY_INFERENCE_ON_FAILURE=yes", "DATAGEN_MAX_EXTERNAL_API_CONFIGS=4",
      "DATAGEN_APP_HOST=app.example", "DATAGEN_APP_PORT=8080", "DATAGEN_MAX_RECORDS_PER_JOB=500",
      "DATAGEN_JOB_POLL_SECONDS=2", "DATAGEN_UPDATE_EVERY_K_REQUESTS=10",
      "DATAGEN_MAX_CONCURRENT_JOBS_PER_INSTANCE=3", "DATAGEN_LOCAL_CACHE_DIR=/tmp/cache",
      "DATAGEN_DISABLE_WORKER=true", "DATAGEN_LOG_R1FS_CALLS=TRUE", "DATAGEN_ACTIVE_POLL_SECONDS=3",
      "DATAGEN_IDLE_POLL_SECONDS=60", "DATAGEN_SMTP_HOST=mail.example", "DATAGEN_SMTP_PORT=587",
      "DATAGEN_SMTP_USER=mailer", "DATAGEN_SMTP_PASS=api-key", "DATAGEN_SMTP_FROM=me@example.com",
      "DATAGEN_REGISTER_RATE_WINDOW_SECONDS=60", "DATAGEN_REGISTER_MAX_PER_IP=20",
      "DATAGEN_REGISTER_MAX_PER_EMAIL=4", "DATAGEN_REGISTER_RESEND_WINDOW_SECONDS=120",
      "DATAGEN_REGISTER_RESEND_MAX_PER_IP=6", "DATAGEN_REGISTER_RESEND_MAX_PER_EMAIL=1",
      "DATAGEN_REGISTER_FAILURE_TTL_SECONDS=3600", "R1EN_HOST_ID=node-7", "DATAGEN_DEBUG=true",
      "EE_CHAINSTORE_PEERS=[\"0xai_A\",\"0xai_B\"]", NULL);
  const char *const sdk_peers[] = { "0xai_A", "0xai_B", NULL };

  g_assert_cmpstr (c->node_env, ==, "production");
  g_assert_true (c->production);
  g_assert_false (c->development);
  g_assert_cmpstr (c->session_secret, ==, "s3cret");
  g_assert_false (c->session_secret_is_dev_default);
  g_assert_true (c->mock_inference);
  g_assert_false (c->mock_cstore);
  g_assert_cmpstr (c->inference_base_url, ==, "http://infer.example/");
  g_assert_true (c->log_inference_requests);
  g_assert_true (c->retry_inference_on_failure);
  g_assert_cmpint (c->max_external_api_configs, ==, 4);
  g_assert_cmpstr (c->app_base_url, ==, "http://app.example:8080");
  g_assert_cmpint (c->server_port, ==, 8080); /* DATAGEN_APP_PORT when DATAGEMS_PORT is unset */
  g_assert_cmpint (c->max_records_per_job, ==, 500);
  g_assert_cmpint (c->owner_max_records_per_job, ==, 500); /* set: it binds the owner too */
  g_assert_cmpint (c->job_poll_seconds, ==, 2);
  g_assert_cmpint (c->update_every_k_requests, ==, 10);
  g_assert_cmpint (c->max_concurrent_jobs, ==, 3);
  g_assert_cmpstr (c->local_cache_dir, ==, "/tmp/cache");
  g_assert_true (c->disable_worker);
  g_assert_true (c->log_r1fs_calls);
  g_assert_cmpint (c->active_poll_seconds, ==, 3);
  g_assert_cmpint (c->idle_poll_seconds, ==, 60);
  g_assert_cmpstr (c->smtp_host, ==, "mail.example");
  g_assert_cmpint (c->smtp_port, ==, 587);
  g_assert_cmpstr (c->smtp_user, ==, "mailer");
  g_assert_cmpstr (c->smtp_pass, ==, "api-key");
  g_assert_cmpstr (c->smtp_from, ==, "me@example.com");
  g_assert_cmpint (c->register_window_seconds, ==, 60);
  g_assert_cmpint (c->register_max_per_ip, ==, 20);
  g_assert_cmpint (c->register_max_per_email, ==, 4);
  g_assert_cmpint (c->resend_window_seconds, ==, 120);
  g_assert_cmpint (c->resend_max_per_ip, ==, 6);
  g_assert_cmpint (c->resend_max_per_email, ==, 1);
  g_assert_cmpint (c->register_failure_ttl_seconds, ==, 3600);
  g_assert_cmpstr (c->host_id, ==, "node-7");
  g_assert_true (c->sdk_debug);
  test_config_assert_strv (c->sdk_chainstore_peers, sdk_peers);
  g_assert_cmpuint (g_strv_length (c->warnings), ==, 0);
}

/* env.test.ts: the documented defaults as the helper returns them. */
static void
test_resolve_defaults (void)
{
  g_autoptr (DgConfig) c =
      test_config_load ("R1EN_HOST_IP=172.18.0.3", "API_PORT=15035", "DATAGEN_APP_HOST=", NULL);
  static const struct
  {
    const char *name, *value;
  } expected[] = {
    { "DATAGEN_APP_HOST", "172.18.0.3" }, /* empty counts as unset */
    { "DATAGEN_APP_PORT", "3000" },
    { "DATAGEN_INFERENCE_HOST", "172.18.0.3" },
    { "DATAGEN_INFERENCE_PORT", "15035" },
    { "DATAGEN_SMTP_HOST", "smtp.resend.com" },
    { "DATAGEN_SMTP_PORT", "465" },
    { "DATAGEN_SMTP_USER", "resend" },
    { "DATAGEN_SMTP_FROM", "no-reply@datagems.app" },
    { "DATAGEN_SMTP_PASS", "" },
    { "DATAGEN_REGISTER_RATE_WINDOW_SECONDS", "900" },
    { "DATAGEN_REGISTER_MAX_PER_IP", "10" },
    { "DATAGEN_REGISTER_MAX_PER_EMAIL", "3" },
    { "DATAGEN_REGISTER_RESEND_WINDOW_SECONDS", "900" },
    { "DATAGEN_REGISTER_RESEND_MAX_PER_IP", "5" },
    { "DATAGEN_REGISTER_RESEND_MAX_PER_EMAIL", "2" },
    { "DATAGEN_REGISTER_FAILURE_TTL_SECONDS", "86400" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *value = dg_config_resolve (c, expected[i].name, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (value, ==, expected[i].value);
    }
  g_assert_cmpstr (c->inference_base_url, ==, "http://172.18.0.3:15035");
  g_assert_cmpstr (c->app_base_url, ==, "http://172.18.0.3:3000");
}

static void
test_flags (void)
{
  static const char *const yes[] = { "1", "true", "TRUE", "True", "yes", "YES", "on", "On" };
  static const char *const no[] = { "",  "0", "false", "no",    "off", "y",
                                    "t", "2", " true", "true ", "ja",  "enabled" };

  for (guint i = 0; i < G_N_ELEMENTS (yes); i++)
    g_assert_true (dg_config_parse_flag (yes[i]));
  for (guint i = 0; i < G_N_ELEMENTS (no); i++)
    g_assert_false (dg_config_parse_flag (no[i]));
  g_assert_false (dg_config_parse_flag (NULL));

  {
    g_autoptr (DgConfig) c = test_config_load ("DATAGEN_DISABLE_WORKER=Yes", "FLAG_TARGET=on",
                                               "LOG_INFERENCE_REQUESTS=$FLAG_TARGET",
                                               "DATAGEN_LOG_R1FS_CALLS=enabled", NULL);

    g_assert_true (c->disable_worker);
    g_assert_true (c->log_inference_requests); /* flags are expanded first */
    g_assert_false (c->log_r1fs_calls);
  }
}

static void
test_numbers (void)
{
  static const struct
  {
    const char *text;
    double value;
  } good[] = {
    { "5", 5 },
    { " 5 ", 5 },
    { "\t\n42\r", 42 },
    { "1e3", 1000 },
    { "1E+2", 100 },
    { "2.5e-1", 0.25 },
    { "0x10", 16 },
    { "0XfF", 255 },
    { "0o17", 15 },
    { "0b101", 5 },
    { "", 0 },
    { "   ", 0 },
    { ".5", 0.5 },
    { "5.", 5 },
    { "-2.5", -2.5 },
    { "+3", 3 },
    { "007", 7 },
    { "-0", 0 },
    { "\xc2\xa0 7\xe2\x80\x83", 7 },
    { "\xef\xbb\xbf"
      "8",
      8 },
  };
  static const char *const bad[] = { "abc",   "1_000", "Infinity", "-Infinity", "1e400", "0x",
                                     "-0x10", "0x1g",  "12px",     "1,5",       ".",     "e5",
                                     "1e",    "0b2",   "0o8",      "NaN",       "5 5",   "--1" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      double value = -1;

      g_assert_true (dg_config_parse_number (good[i].text, &value));
      g_assert_cmpfloat (value, ==, good[i].value);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_false (dg_config_parse_number (bad[i], NULL));

  {
    g_autoptr (DgConfig) c = test_config_load (
        "DATAGEN_MAX_RECORDS_PER_JOB= 50 ", "DATAGEN_JOB_POLL_SECONDS=0",
        "DATAGEN_UPDATE_EVERY_K_REQUESTS=0x10", "DATAGEN_MAX_CONCURRENT_JOBS_PER_INSTANCE=1e1",
        "DATAGEN_MAX_EXTERNAL_API_CONFIGS=abc", "DATAGEN_ACTIVE_POLL_SECONDS=Infinity",
        "DATAGEN_IDLE_POLL_SECONDS=7.9", NULL);
    g_autoptr (DgConfig) d =
        test_config_load ("DATAGEN_JOB_POLL_SECONDS=-3", "DATAGEN_MAX_RECORDS_PER_JOB=1e30",
                          "DATAGEN_UPDATE_EVERY_K_REQUESTS= ", NULL);

    g_assert_cmpint (c->max_records_per_job, ==, 50);
    g_assert_cmpint (c->job_poll_seconds, ==, 0);
    g_assert_cmpint (c->update_every_k_requests, ==, 16);
    g_assert_cmpint (c->max_concurrent_jobs, ==, 10);
    g_assert_cmpint (c->max_external_api_configs, ==, 10); /* non-numeric -> default */
    g_assert_cmpint (c->active_poll_seconds, ==, 10);      /* non-finite -> default */
    g_assert_cmpint (c->idle_poll_seconds, ==, 7);
    g_assert_cmpint (d->job_poll_seconds, ==, -3); /* the worker repeats at once, as upstream */
    g_assert_cmpint (d->max_records_per_job, ==, G_MAXINT);
    g_assert_cmpint (d->owner_max_records_per_job, ==, G_MAXINT);
    g_assert_cmpint (d->update_every_k_requests, ==, 0); /* Number(" ") is 0 */
  }
}

/* 10.5: non-positive or non-numeric -> default; fractional -> floored. 10.4: TTL < 60 -> a day. */
static void
test_rate_limits (void)
{
  g_autoptr (DgConfig) c = test_config_load (
      "DATAGEN_REGISTER_RATE_WINDOW_SECONDS=0", "DATAGEN_REGISTER_MAX_PER_IP=-5",
      "DATAGEN_REGISTER_MAX_PER_EMAIL=abc", "DATAGEN_REGISTER_RESEND_WINDOW_SECONDS=2.7",
      "DATAGEN_REGISTER_RESEND_MAX_PER_IP=0.5", "DATAGEN_REGISTER_RESEND_MAX_PER_EMAIL=1e2",
      "DATAGEN_REGISTER_FAILURE_TTL_SECONDS=59", NULL);
  static const struct
  {
    const char *ttl;
    int expected;
  } ttls[] = { { "60", 60 },     { "120.9", 120 },   { "0", 86400 },  { "-100", 86400 },
               { "abc", 86400 }, { "59.99", 86400 }, { "0x100", 256 } };

  g_assert_cmpint (c->register_window_seconds, ==, 900);
  g_assert_cmpint (c->register_max_per_ip, ==, 10);
  g_assert_cmpint (c->register_max_per_email, ==, 3);
  g_assert_cmpint (c->resend_window_seconds, ==, 2);
  g_assert_cmpint (c->resend_max_per_ip, ==, 5); /* floors to 0, which is not positive */
  g_assert_cmpint (c->resend_max_per_email, ==, 100);
  g_assert_cmpint (c->register_failure_ttl_seconds, ==, 86400);

  for (guint i = 0; i < G_N_ELEMENTS (ttls); i++)
    {
      g_autofree char *entry =
          g_strdup_printf ("DATAGEN_REGISTER_FAILURE_TTL_SECONDS=%s", ttls[i].ttl);
      g_autoptr (DgConfig) t = test_config_load (entry, NULL);

      g_assert_cmpint (t->register_failure_ttl_seconds, ==, ttls[i].expected);
    }
}

static void
test_smtp (void)
{
  static const struct
  {
    const char *port;
    int expected;
  } ports[] = { { "587", 587 },   { " 2525 ", 2525 }, { "abc", 587 },
                { "0x1d1", 465 }, { "70000", 587 },   { "0", 587 },
                { "-25", 587 },   { "465", 465 },     { "$NOT_SET", 0 } };

  for (guint i = 0; i < G_N_ELEMENTS (ports); i++)
    {
      g_autofree char *entry = g_strdup_printf ("DATAGEN_SMTP_PORT=%s", ports[i].port);
      g_autoptr (DgConfig) c = test_config_load (entry, NULL);

      g_assert_cmpint (c->smtp_port, ==, ports[i].expected);
    }

  {
    g_autoptr (DgConfig) c = test_config_load ("DATAGEN_SMTP_PASS=$KEY", "KEY=re_123",
                                               "DATAGEN_SMTP_USER=$NOBODY", NULL);

    g_assert_cmpstr (c->smtp_pass, ==, "re_123");
    g_assert_null (c->smtp_user); /* expands to "": unset, so mail is not configured */
  }
}

/* Our own settings are strict: every unusable value is an error naming its variable. */
static void
test_ours_invalid (void)
{
  static const char *const cases[][2] = {
    { "DATAGEMS_PORT", "abc" },
    { "DATAGEMS_PORT", "70000" },
    { "DATAGEMS_PORT", "-1" },
    { "DATAGEMS_PORT", "80.5" },
    { "DATAGEMS_PORT", "1e3" },
    { "DATAGEMS_INFERENCE_CONCURRENCY", "0" },
    { "DATAGEMS_INFERENCE_CONCURRENCY", "2000" },
    { "DATAGEMS_INFERENCE_CONCURRENCY", "8x" },
    { "DATAGEMS_INFERENCE_MAX_ATTEMPTS", "0" },
    { "DATAGEMS_INFERENCE_CONNECT_TIMEOUT_MS", "0" },
    { "DATAGEMS_INFERENCE_TIMEOUT_MS", "soon" },
    { "DATAGEMS_LOGIN_MAX_FAILURES", "0" },
    { "DATAGEMS_LOGIN_WINDOW_SECONDS", "-5" },
    { "DATAGEMS_ALLOW_REGISTRATION", "maybe" },
    { "DATAGEMS_TRUSTED_PROXIES", "10.0.0.1, proxy.local" },
    { "DATAGEMS_TRUSTED_PROXIES", "10.0.0.0/33" },
    { "DATAGEMS_BIND", "not a host!" },
    { "DATAGEMS_BIND", "-bad-.example" },
    { "DATAGEMS_DATA_DIR", "   " },
    { "DATAGEMS_DATABASE", " " },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *entry = g_strdup_printf ("%s=%s", cases[i][0], cases[i][1]);
      g_autoptr (GError) error = test_config_fail (entry, NULL);

      g_assert_error (error, DG_CONFIG_ERROR, DG_CONFIG_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, cases[i][0]));
    }

  g_assert_cmpstr (g_quark_to_string (DG_CONFIG_ERROR), ==, "dg-config-error-quark");
  {
    g_autoptr (GError) error = test_config_fail ("DATAGEMS_PORT=\x01\x02 9", NULL);

    g_assert_cmpstr (error->message, ==,
                     "Invalid value “?? 9” for DATAGEMS_PORT: expected an integer from 0 to 65535");
  }
}

static void
test_ours_valid (void)
{
  g_autoptr (DgConfig) c = test_config_load (
      "DATAGEMS_INFERENCE_CONCURRENCY=32", "DATAGEMS_INFERENCE_MAX_ATTEMPTS=5",
      "DATAGEMS_INFERENCE_CONNECT_TIMEOUT_MS=2500", "DATAGEMS_INFERENCE_TIMEOUT_MS= 60000 ",
      "DATAGEMS_ALLOW_REGISTRATION=Off", "DATAGEMS_LOGIN_MAX_FAILURES=3",
      "DATAGEMS_LOGIN_WINDOW_SECONDS=60", "DATAGEMS_TRUSTED_PROXIES= 127.0.0.1, 10.0.0.0/8,,::1 ",
      "DATAGEMS_DATA_DIR=$BASE/dg", "BASE=/srv", "DATAGEMS_BIND=[::1]", "DATAGEMS_PORT=0",
      "DATAGEN_APP_PORT=4000", NULL);
  const char *const proxies[] = { "127.0.0.1", "10.0.0.0/8", "::1", NULL };

  g_assert_cmpint (c->inference_concurrency, ==, 32);
  g_assert_cmpint (c->inference_max_attempts, ==, 5);
  g_assert_cmpint (c->inference_connect_timeout_ms, ==, 2500);
  g_assert_cmpint (c->inference_timeout_ms, ==, 60000);
  g_assert_false (c->allow_registration);
  g_assert_cmpint (c->login_max_failures, ==, 3);
  g_assert_cmpint (c->login_window_seconds, ==, 60);
  test_config_assert_strv (c->trusted_proxies, proxies);
  g_assert_cmpstr (c->data_dir, ==, "/srv/dg");
  g_assert_cmpstr (c->database_path, ==, "/srv/dg/datagems.db");
  g_assert_cmpstr (c->server_bind, ==, "::1");
  g_assert_cmpint (c->server_port, ==, 0); /* DATAGEMS_PORT wins; 0 = any free port */
  g_assert_cmpstr (
      c->source, ==,
      "environment (DATAGEMS_INFERENCE_CONCURRENCY, DATAGEMS_INFERENCE_MAX_ATTEMPTS, "
      "DATAGEMS_INFERENCE_CONNECT_TIMEOUT_MS, DATAGEMS_INFERENCE_TIMEOUT_MS, "
      "DATAGEMS_ALLOW_REGISTRATION, DATAGEMS_LOGIN_MAX_FAILURES, DATAGEMS_LOGIN_WINDOW_SECONDS, "
      "DATAGEMS_TRUSTED_PROXIES, DATAGEMS_DATA_DIR, DATAGEMS_BIND, DATAGEMS_PORT set)");

  {
    static const char *const binds[][2] = {
      { "0.0.0.0", "0.0.0.0" },
      { "::", "::" },
      { " localhost ", "localhost" },
      { "my-host.lan", "my-host.lan" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (binds); i++)
      {
        g_autofree char *entry = g_strdup_printf ("DATAGEMS_BIND=%s", binds[i][0]);
        g_autoptr (DgConfig) b = test_config_load (entry, NULL);

        g_assert_cmpstr (b->server_bind, ==, binds[i][1]);
      }
  }
  {
    g_autoptr (DgConfig) yes = test_config_load ("DATAGEMS_ALLOW_REGISTRATION= YES ", NULL);
    g_autoptr (DgConfig) app_port_bad = test_config_load ("DATAGEN_APP_PORT=abc", NULL);
    g_autoptr (DgConfig) app_port_range = test_config_load ("DATAGEN_APP_PORT=99999", NULL);

    g_assert_true (yes->allow_registration);
    g_assert_cmpint (app_port_bad->server_port, ==, 3000); /* upstream variable: lenient */
    g_assert_true (test_config_has_warning (app_port_bad, "DATAGEN_APP_PORT is not a port number"));
    g_assert_cmpint (app_port_range->server_port, ==, 3000);
    g_assert_true (
        test_config_has_warning (app_port_range, "DATAGEN_APP_PORT is not a port number"));
  }
}

static void
test_storage_paths (void)
{
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *relative = g_build_filename (cwd, "local-data", NULL);
  g_autofree char *relative_db = g_build_filename (cwd, "x", "my.db", NULL);
  g_autoptr (DgConfig) xdg = test_config_load ("XDG_DATA_HOME=/xdg/data", NULL);
  g_autoptr (DgConfig) xdg_relative = test_config_load ("XDG_DATA_HOME=rel/data", "HOME=/h", NULL);
  g_autoptr (DgConfig) rel =
      test_config_load ("DATAGEMS_DATA_DIR=./local-data/", "DATAGEMS_DATABASE=x/../x/my.db", NULL);
  g_autoptr (DgConfig) memory = test_config_load ("DATAGEMS_DATABASE=:memory:", NULL);
  g_autoptr (DgConfig) db_only = test_config_load ("DATAGEMS_DATABASE=/var/lib/dg.db", NULL);

  g_assert_cmpstr (xdg->data_dir, ==, "/xdg/data/datagems");
  g_assert_cmpstr (xdg->database_path, ==, "/xdg/data/datagems/datagems.db");
  g_assert_cmpstr (xdg_relative->data_dir, ==, "/h/.local/share/datagems");
  g_assert_cmpstr (rel->data_dir, ==, relative);
  g_assert_cmpstr (rel->database_path, ==, relative_db);
  g_assert_cmpstr (memory->database_path, ==, ":memory:");
  g_assert_cmpstr (memory->source, ==, "environment (DATAGEMS_DATABASE set)");
  g_assert_cmpstr (db_only->database_path, ==, "/var/lib/dg.db");
  g_assert_cmpstr (db_only->data_dir, ==, "/home/tester/.local/share/datagems");
}

/* With no environment given, the process's own is used (nothing is written there). */
static void
test_process_environment (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DgConfig) c = dg_config_new_from_environ (NULL, &error);
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "datagems", NULL);

  g_assert_no_error (error);
  g_assert_nonnull (c);
  if (g_getenv ("DATAGEMS_DATA_DIR") == NULL)
    g_assert_cmpstr (c->data_dir, ==, expected);
}

static gpointer
read_config_thread (gpointer data)
{
  DgConfig *c = data;
  g_autoptr (GError) error = NULL;

  for (int i = 0; i < 200; i++)
    {
      g_autofree char *value = dg_config_resolve (c, "DATAGEN_INFERENCE_HOST", &error);

      g_assert_no_error (error);
      g_assert_cmpstr (value, ==, "10.0.0.1");
    }
  dg_config_unref (c);
  return NULL;
}

/* Immutable and reference counted: other threads may hold and read it. */
static void
test_refcount_threads (void)
{
  DgConfig *c = test_config_load ("R1EN_HOST_IP=10.0.0.1", NULL);
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("config-reader", read_config_thread, dg_config_ref (c));
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  g_assert_cmpstr (c->inference_base_url, ==, "http://10.0.0.1");
  dg_config_unref (c);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/config/defaults", test_defaults);
  g_test_add_func ("/core/config/upstream-overrides", test_upstream_overrides);
  g_test_add_func ("/core/config/resolve-defaults", test_resolve_defaults);
  g_test_add_func ("/core/config/flags", test_flags);
  g_test_add_func ("/core/config/numbers", test_numbers);
  g_test_add_func ("/core/config/rate-limits", test_rate_limits);
  g_test_add_func ("/core/config/smtp", test_smtp);
  g_test_add_func ("/core/config/ours-invalid", test_ours_invalid);
  g_test_add_func ("/core/config/ours-valid", test_ours_valid);
  g_test_add_func ("/core/config/storage-paths", test_storage_paths);
  g_test_add_func ("/core/config/process-environment", test_process_environment);
  g_test_add_func ("/core/config/refcount-threads", test_refcount_threads);

  test_config_add_expansion_tests ();
  test_config_add_peers_tests ();

  return g_test_run ();
}
