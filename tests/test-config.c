/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-config"

#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "dg-config.h"
#include "dg-test-utils.h"

/* What a connected instance needs besides a CStore endpoint. */
#define CONNECTED_ENV                                                                    \
  "R1EN_CHAINSTORE_PEERS=a,b", "R1EN_HOST_ADDR=a", "R1EN_CSTORE_AUTH_HKEY=auth:default", \
      "R1EN_CSTORE_AUTH_SECRET=pepper"

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

static DgConfig *config_load (const char *first, ...) G_GNUC_NULL_TERMINATED;

static DgConfig *
config_load (const char *first, ...)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) env = NULL;
  DgConfig *config;
  va_list args;

  va_start (args, first);
  env = make_env (first, args);
  va_end (args);
  config = dg_config_new_from_environ ((const char *const *) env, &error);
  g_assert_no_error (error);
  g_assert_nonnull (config);
  return config;
}

static GError *config_fail (const char *first, ...) G_GNUC_NULL_TERMINATED;

static GError *
config_fail (const char *first, ...)
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

static void
assert_strv (char **actual, const char *const *expected)
{
  g_assert_nonnull (actual);
  g_assert_cmpuint (g_strv_length (actual), ==, g_strv_length ((char **) expected));
  for (guint i = 0; expected[i] != NULL; i++)
    g_assert_cmpstr (actual[i], ==, expected[i]);
}

static gboolean
has_warning (DgConfig *config, const char *fragment)
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
  g_autoptr (DgConfig) c = config_load (NULL, NULL);
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
  assert_strv (c->sdk_chainstore_peers, none);
  g_assert_false (c->sdk_debug);
  assert_strv (c->peers, local);
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
  assert_strv (c->trusted_proxies, none);

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
  g_autoptr (DgConfig) c = config_load (
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
  assert_strv (c->sdk_chainstore_peers, sdk_peers);
  g_assert_cmpuint (g_strv_length (c->warnings), ==, 0);
}

/* env.test.ts: the documented defaults as the helper returns them. */
static void
test_resolve_defaults (void)
{
  g_autoptr (DgConfig) c =
      config_load ("R1EN_HOST_IP=172.18.0.3", "API_PORT=15035", "DATAGEN_APP_HOST=", NULL);
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

static char *
resolve_ok (DgConfig *c, const char *name)
{
  g_autoptr (GError) error = NULL;
  char *value = dg_config_resolve (c, name, &error);

  g_assert_no_error (error);
  return value;
}

static void
test_expansion (void)
{
  g_autoptr (DgConfig) c = config_load (
      "HOST_NAME=localhost", "PORT_NUMBER=8080", "SERVICE_URL=http://$HOST_NAME:${PORT_NUMBER}",
      "UNSET_REF=a${NOPE}b$NOPE2c", "LOWER=$lower ${lower} $Host", "LONE=cost $ 5 $",
      "BRACE=${}x${", "GREEDY=$HOST_NAMEX|$HOST_NAME-x", "NESTED=$SERVICE_URL/api",
      "DEFAULT_REF=port $DATAGEN_APP_PORT", "LEGACY_REF=[$R1EN_CSTORE_AUTH_HKEY]",
      "EE_CSTORE_AUTH_HKEY=auth:legacy", "EMPTY_REF=$EMPTY", "EMPTY=", "UTF8=ăîș $HOST_NAME ț",
      NULL);
  static const struct
  {
    const char *name, *value;
  } cases[] = {
    { "SERVICE_URL", "http://localhost:8080" },
    { "UNSET_REF", "abc" },
    { "LOWER", "$lower ${lower} ost" }, /* names are uppercase only: "$Host" is $H + "ost" */
    { "LONE", "cost $ 5 $" },
    { "BRACE", "${}x${" },
    { "GREEDY", "|localhost-x" },
    { "NESTED", "http://localhost:8080/api" },
    { "DEFAULT_REF", "port 3000" },
    { "LEGACY_REF", "[auth:legacy]" },
    { "EMPTY_REF", "" },
    { "UTF8", "ăîș localhost ț" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *value = resolve_ok (c, cases[i].name);

      g_assert_cmpstr (value, ==, cases[i].value);
    }
  g_assert_null (resolve_ok (c, "NOT_SET_AT_ALL"));
  g_assert_null (resolve_ok (c, "EMPTY"));
}

static void
test_escape (void)
{
  g_autoptr (DgConfig) c = config_load ("PRICE=Cost is $$5", "A=x", "THREE=$$$A", "TWO=$$A",
                                        "FOUR=$$$$A", "BRACED=$${A}", NULL);
  g_autofree char *price = resolve_ok (c, "PRICE");
  g_autofree char *three = resolve_ok (c, "THREE");
  g_autofree char *two = resolve_ok (c, "TWO");
  g_autofree char *four = resolve_ok (c, "FOUR");
  g_autofree char *braced = resolve_ok (c, "BRACED");

  g_assert_cmpstr (price, ==, "Cost is $5");
  g_assert_cmpstr (three, ==, "$x");
  g_assert_cmpstr (two, ==, "$A");
  g_assert_cmpstr (four, ==, "$$A");
  g_assert_cmpstr (braced, ==, "${A}");
}

static void
test_cycles (void)
{
  g_autoptr (DgConfig) c =
      config_load ("A=$B", "B=$A", "SELF=x${SELF}", "C=$D", "D=ok $E", "E=$C", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) self_error = NULL;
  g_autoptr (GError) long_error = NULL;
  g_autofree char *a = dg_config_resolve (c, "A", &error);
  g_autofree char *self = dg_config_resolve (c, "SELF", &self_error);
  g_autofree char *d = dg_config_resolve (c, "D", &long_error);

  /* An unused cycle does not stop the configuration from loading. */
  g_assert_null (a);
  g_assert_error (error, DG_CONFIG_ERROR, DG_CONFIG_ERROR_CYCLE);
  g_assert_cmpstr (error->message, ==, "Environment variable cycle detected: A -> B -> A");
  g_assert_null (self);
  g_assert_error (self_error, DG_CONFIG_ERROR, DG_CONFIG_ERROR_CYCLE);
  g_assert_cmpstr (self_error->message, ==, "Environment variable cycle detected: SELF -> SELF");
  g_assert_null (d);
  g_assert_cmpstr (long_error->message, ==,
                   "Environment variable cycle detected: D -> E -> C -> D");
}

static void
test_cycle_in_setting (void)
{
  g_autoptr (GError) error =
      config_fail ("DATAGEN_SMTP_HOST=mail.$DOMAIN", "DOMAIN=$DATAGEN_SMTP_HOST", NULL);

  g_assert_error (error, DG_CONFIG_ERROR, DG_CONFIG_ERROR_CYCLE);
  g_assert_cmpstr (error->message, ==,
                   "Environment variable cycle detected: DATAGEN_SMTP_HOST -> DOMAIN -> "
                   "DATAGEN_SMTP_HOST");
}

/* Pathological references end in an error instead of exhausting the stack or memory. */
static void
test_expansion_limits (void)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) env = NULL;
  g_autoptr (DgConfig) c = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) deep_error = NULL;
  g_autofree char *wide = NULL;
  g_autofree char *deep = NULL;

  for (int i = 0; i < 40; i++)
    {
      g_autofree char *entry = g_strdup_printf ("W%d=$W%d$W%d", i, i + 1, i + 1);

      g_strv_builder_add (builder, entry);
    }
  g_strv_builder_add (builder, "W40=0123456789abcdef");
  for (int i = 0; i < 100; i++)
    {
      g_autofree char *entry = g_strdup_printf ("N%d=$N%d", i, i + 1);

      g_strv_builder_add (builder, entry);
    }
  env = g_strv_builder_end (builder);
  c = dg_config_new_from_environ ((const char *const *) env, &error);
  g_assert_no_error (error);

  wide = dg_config_resolve (c, "W0", &error);
  g_assert_null (wide);
  g_assert_error (error, DG_CONFIG_ERROR, DG_CONFIG_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "expands to more than"));

  deep = dg_config_resolve (c, "N0", &deep_error);
  g_assert_null (deep);
  g_assert_error (deep_error, DG_CONFIG_ERROR, DG_CONFIG_ERROR_INVALID);
  g_assert_nonnull (strstr (deep_error->message, "N0"));
}

static void
test_legacy_fallbacks (void)
{
  g_autoptr (DgConfig) c =
      config_load ("R1EN_CSTORE_AUTH_HKEY=", "EE_CSTORE_AUTH_HKEY=auth:old",
                   "EE_CSTORE_AUTH_SECRET=pep", "EE_CSTORE_AUTH_BOOTSTRAP_ADMIN_PW=boot-pw",
                   "EE_CSTORE_AUTH_BOOTSTRAP_ADMIN_PWD=boot-pwd", NULL);
  g_autofree char *hkey = resolve_ok (c, "R1EN_CSTORE_AUTH_HKEY");
  g_autofree char *secret = resolve_ok (c, "R1EN_CSTORE_AUTH_SECRET");
  g_autofree char *bootstrap = resolve_ok (c, "R1EN_CSTORE_AUTH_BOOTSTRAP_ADMIN_PWD");

  /* The DataGems helper treats an empty variable as unset and tries the legacy names. */
  g_assert_cmpstr (hkey, ==, "auth:old");
  g_assert_cmpstr (secret, ==, "pep");
  g_assert_cmpstr (bootstrap, ==, "boot-pwd");

  /* cstore-auth-ts reads `R1EN ?? EE`: the present-but-empty R1EN name hides the legacy one. */
  g_assert_null (c->auth_hkey);
  g_assert_cmpstr (c->auth_secret, ==, "pep");
  g_assert_cmpstr (c->auth_bootstrap_admin_password, ==, "boot-pw");
}

/* The auth values are what the library reads: raw, verbatim, never expanded. */
static void
test_auth_values_raw (void)
{
  g_autoptr (DgConfig) c = config_load ("R1EN_CSTORE_AUTH_HKEY=auth:$ZONE", "ZONE=eu",
                                        "R1EN_CSTORE_AUTH_SECRET= pe$$pper ",
                                        "R1EN_CSTORE_AUTH_BOOTSTRAP_ADMIN_PWD= admin pw ", NULL);
  g_autoptr (DgConfig) blank = config_load ("R1EN_CSTORE_AUTH_BOOTSTRAP_ADMIN_PWD=  \t ",
                                            "EE_CSTORE_AUTH_BOOTSTRAP_ADMIN_PW=hidden", NULL);
  g_autofree char *expanded = resolve_ok (c, "R1EN_CSTORE_AUTH_HKEY");

  g_assert_cmpstr (expanded, ==, "auth:eu");
  g_assert_cmpstr (c->auth_hkey, ==, "auth:$ZONE");
  g_assert_cmpstr (c->auth_secret, ==, " pe$$pper ");
  g_assert_cmpstr (c->auth_bootstrap_admin_password, ==, " admin pw ");
  g_assert_null (blank->auth_bootstrap_admin_password);
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
    g_autoptr (DgConfig) c =
        config_load ("DATAGEN_DISABLE_WORKER=Yes", "FLAG_TARGET=on",
                     "LOG_INFERENCE_REQUESTS=$FLAG_TARGET", "DATAGEN_LOG_R1FS_CALLS=enabled", NULL);

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
    g_autoptr (DgConfig) c = config_load (
        "DATAGEN_MAX_RECORDS_PER_JOB= 50 ", "DATAGEN_JOB_POLL_SECONDS=0",
        "DATAGEN_UPDATE_EVERY_K_REQUESTS=0x10", "DATAGEN_MAX_CONCURRENT_JOBS_PER_INSTANCE=1e1",
        "DATAGEN_MAX_EXTERNAL_API_CONFIGS=abc", "DATAGEN_ACTIVE_POLL_SECONDS=Infinity",
        "DATAGEN_IDLE_POLL_SECONDS=7.9", NULL);
    g_autoptr (DgConfig) d =
        config_load ("DATAGEN_JOB_POLL_SECONDS=-3", "DATAGEN_MAX_RECORDS_PER_JOB=1e30",
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
    g_assert_cmpint (d->update_every_k_requests, ==, 0); /* Number(" ") is 0 */
  }
}

/* 10.5: non-positive or non-numeric -> default; fractional -> floored. 10.4: TTL < 60 -> a day. */
static void
test_rate_limits (void)
{
  g_autoptr (DgConfig) c = config_load (
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
      g_autoptr (DgConfig) t = config_load (entry, NULL);

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
      g_autoptr (DgConfig) c = config_load (entry, NULL);

      g_assert_cmpint (c->smtp_port, ==, ports[i].expected);
    }

  {
    g_autoptr (DgConfig) c =
        config_load ("DATAGEN_SMTP_PASS=$KEY", "KEY=re_123", "DATAGEN_SMTP_USER=$NOBODY", NULL);

    g_assert_cmpstr (c->smtp_pass, ==, "re_123");
    g_assert_null (c->smtp_user); /* expands to "": unset, so mail is not configured */
  }
}

static void
test_host_port_rule (void)
{
  static const struct
  {
    const char *host, *port, *url;
  } cases[] = {
    { "example.com", "8080", "http://example.com:8080" },
    { "  example.com/// ", "8080", "http://example.com:8080" },
    { "https://x.io", "443", "https://x.io:443" },
    { "https://x.io/", NULL, "https://x.io" },
    { "http://x.io:9000", "8080", "http://x.io:9000" },
    { "x.io:9000", "1", "http://x.io:9000" },
    { "x.io:", "81", "http://x.io::81" },
    { "x.io", NULL, "http://x.io" },
    { "x.io", "   ", "http://x.io" },
    { "x.io", " 81 ", "http://x.io:81" },
    { "HTTP://X", "1", "HTTP://X:1" },
    { "10.0.0.1", "31234", "http://10.0.0.1:31234" },
    { "", "80", NULL },
    { "  ", "80", NULL },
    { "///", "80", NULL },
    { NULL, "80", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *url = dg_config_host_port_url (cases[i].host, cases[i].port);

      g_assert_cmpstr (url, ==, cases[i].url);
    }

  {
    /* Host defaults to $R1EN_HOST_IP and port to $API_PORT; base URL is the fallback. */
    g_autoptr (DgConfig) host_only = config_load ("DATAGEN_INFERENCE_HOST=infer.lan", NULL);
    g_autoptr (DgConfig) fallback = config_load ("DATAGEN_INFERENCE_BASE_URL=http://base.lan:1/",
                                                 "DATAGEN_INFERENCE_PORT=99", NULL);
    g_autoptr (DgConfig) both = config_load ("R1EN_HOST_IP=10.1.1.1", "API_PORT=5000",
                                             "DATAGEN_INFERENCE_BASE_URL=http://base.lan", NULL);

    g_assert_cmpstr (host_only->inference_base_url, ==, "http://infer.lan");
    g_assert_cmpstr (fallback->inference_base_url, ==, "http://base.lan:1/");
    g_assert_cmpstr (both->inference_base_url, ==, "http://10.1.1.1:5000");
  }
}

typedef struct
{
  const char *const *env;
  const char *cstore_url;
  const char *r1fs_url;
} EndpointCase;

static void
test_service_urls (void)
{
  const char *const node[] = { "EE_CHAINSTORE_API_URL=http://172.17.0.1:31234",
                               "R1EN_CHAINSTORE_API_URL=http://172.17.0.1:31234",
                               "EE_R1FS_API_URL=http://172.17.0.1:31235",
                               "R1EN_R1FS_API_URL=http://172.17.0.1:31235", NULL };
  const char *const host_wins[] = {
    "EE_CHAINSTORE_API_HOST=10.0.0.2/", "EE_CHAINSTORE_API_PORT=4000",
    "CSTORE_API_HOST=10.0.0.3",         "EE_CHAINSTORE_API_URL=http://10.0.0.4:31234",
    "EE_R1FS_API_HOST=10.0.0.2",        "R1FS_API_HOST=10.0.0.3",
    "EE_R1FS_API_URL=http://10.0.0.4",  NULL
  };
  const char *const alt_pair[] = { "CSTORE_API_HOST=https://cs.example",
                                   "CSTORE_API_PORT=8443",
                                   "EE_CHAINSTORE_API_URL=http://ignored",
                                   "R1FS_API_HOST=fs.example:9000",
                                   "R1FS_API_PORT=1",
                                   NULL };
  const char *const datagems_url_first[] = { "EE_CHAINSTORE_API_URL=http://dg:1//",
                                             "CSTORE_API_URL=http://sdk:2", "R1FS_API_URL=sdk-fs:3",
                                             NULL };
  const char *const sdk_url[] = { "CSTORE_API_URL=localhost:31234/",
                                  "R1EN_CHAINSTORE_API_URL=http://node:9", NULL };
  const char *const node_twin[] = { "R1EN_CHAINSTORE_API_URL=HTTPS://node:9/",
                                    "R1EN_R1FS_API_URL=node:10", NULL };
  const char *const expanded[] = { "EE_CHAINSTORE_API_HOST=$R1EN_HOST_IP", "R1EN_HOST_IP=10.9.9.9",
                                   "EE_CHAINSTORE_API_PORT=${CS_PORT}", "CS_PORT=31234", NULL };
  const EndpointCase cases[] = {
    { node, "http://172.17.0.1:31234", "http://172.17.0.1:31235" },
    { host_wins, "http://10.0.0.2:4000", "http://10.0.0.2" },
    { alt_pair, "https://cs.example:8443", "http://fs.example:9000" },
    { datagems_url_first, "http://dg:1", "http://sdk-fs:3" },
    { sdk_url, "http://localhost:31234", "http://localhost:31235" },
    { node_twin, "HTTPS://node:9", "http://node:10" },
    { expanded, "http://10.9.9.9:31234", "http://localhost:31235" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
      const char *const connected[] = { CONNECTED_ENV, NULL };
      g_autoptr (GError) error = NULL;
      g_autoptr (DgConfig) c = NULL;
      g_auto (GStrv) env = NULL;

      g_strv_builder_addv (builder, (const char **) cases[i].env);
      g_strv_builder_addv (builder, (const char **) connected);
      env = g_strv_builder_end (builder);
      c = dg_config_new_from_environ ((const char *const *) env, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (c->cstore_url, ==, cases[i].cstore_url);
      g_assert_cmpstr (c->r1fs_url, ==, cases[i].r1fs_url);
      g_assert_true (c->connected);
    }

  {
    /* R1FS alone does not make an instance connected. */
    g_autoptr (DgConfig) c = config_load ("EE_R1FS_API_URL=http://fs:1", NULL);

    g_assert_null (c->cstore_url);
    g_assert_cmpstr (c->r1fs_url, ==, "http://fs:1");
    g_assert_false (c->connected);
  }
}

static void
test_peer_list_parsing (void)
{
  static const struct
  {
    const char *value;
    const char *peers[4];
  } cases[] = {
    { "a,b,c", { "a", "b", "c" } },
    { " a , ,b ,", { "a", "b" } },
    { "[\"x\", \" y \", \"\"]", { "x", "y" } },
    { "'[\"0xai_A\",\"0xai_B\"]'", { "0xai_A", "0xai_B" } },
    { "  \"a,b\"  ", { "a", "b" } },
    { "\"' a '\"", { "' a '" } },
    { "'a,b\"", { "'a", "b\"" } },
    { "[1, true, null]", { "1", "true", "null" } },
    { "[1.5, 1e3, -0]", { "1.5", "1000", "0" } },
    { "[[1,null,2],{\"k\":1}]", { "1,,2", "[object Object]" } },
    { "[a, b]", { "[a", "b]" } }, /* not JSON: split on commas */
    { "{\"a\":1}", { "{\"a\":1}" } },
    { "\" [\"a\"] \"", { "[\"a\"]" } },
    { "", { NULL } },
    { "''", { NULL } },
    { "'", { NULL } },
    { " , , ", { NULL } },
    { "[]", { NULL } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto (GStrv) peers = dg_config_parse_peer_list (cases[i].value);

      assert_strv (peers, cases[i].peers);
    }
  {
    g_auto (GStrv) peers = dg_config_parse_peer_list (NULL);

    g_assert_nonnull (peers);
    g_assert_null (peers[0]);
  }
}

/* peers.test.ts: JSON-array peer env parsing and the mock default peer `local`. */
static void
test_peers_mock (void)
{
  const char *const local[] = { "local", NULL };
  const char *const me[] = { "me", NULL };
  const char *const ab[] = { "0xai_A", "0xai_B", NULL };
  g_autoptr (DgConfig) plain = config_load ("DATAGEN_MOCK_CSTORE=1", NULL);
  g_autoptr (DgConfig) with_host =
      config_load ("DATAGEN_MOCK_CSTORE=1", "R1EN_HOST_ADDR= me ", NULL);
  g_autoptr (DgConfig) json = config_load (
      "DATAGEN_MOCK_CSTORE=1", "R1EN_CHAINSTORE_PEERS='[\"0xai_A\", \"0xai_B\"]'", NULL);
  g_autoptr (DgConfig) empty =
      config_load ("DATAGEN_MOCK_CSTORE=1", "R1EN_CHAINSTORE_PEERS= , ", NULL);
  g_autoptr (GError) error =
      config_fail ("DATAGEN_MOCK_CSTORE=1", "R1EN_CHAINSTORE_PEERS=a,b", "R1EN_HOST_ADDR=c", NULL);

  g_assert_true (plain->mock_cstore);
  g_assert_false (plain->connected);
  assert_strv (plain->peers, local);
  g_assert_cmpstr (plain->host_addr, ==, "local");
  assert_strv (with_host->peers, me);
  g_assert_cmpstr (with_host->host_addr, ==, "me");
  assert_strv (json->peers, ab);
  g_assert_cmpstr (json->host_addr, ==, "0xai_A"); /* the first peer */
  assert_strv (empty->peers, local);
  g_assert_cmpstr (empty->host_addr, ==, "local");
  g_assert_error (error, DG_CONFIG_ERROR, DG_CONFIG_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "R1EN_HOST_ADDR c not in R1EN_CHAINSTORE_PEERS");
}

/* peers.test.ts: production without peer env throws mentioning R1EN_CHAINSTORE_PEERS. */
static void
test_peers_connected (void)
{
  g_autoptr (GError) missing =
      config_fail ("NODE_ENV=production", "EE_CHAINSTORE_API_URL=http://cs:1", "R1EN_HOST_ADDR=a",
                   "R1EN_CSTORE_AUTH_HKEY=h", "R1EN_CSTORE_AUTH_SECRET=s", NULL);
  g_autoptr (GError) empty = config_fail (
      "EE_CHAINSTORE_API_URL=http://cs:1", "R1EN_CHAINSTORE_PEERS='  ,, '", "R1EN_HOST_ADDR=a",
      "R1EN_CSTORE_AUTH_HKEY=h", "R1EN_CSTORE_AUTH_SECRET=s", NULL);
  g_autoptr (GError) no_host = config_fail (
      "EE_CHAINSTORE_API_URL=http://cs:1", "R1EN_CHAINSTORE_PEERS=a,b",
      "R1EN_HOST_ADDR=  ", "R1EN_CSTORE_AUTH_HKEY=h", "R1EN_CSTORE_AUTH_SECRET=s", NULL);
  g_autoptr (GError) stranger = config_fail (
      "EE_CHAINSTORE_API_URL=http://cs:1", "R1EN_CHAINSTORE_PEERS=[\"a\",\"b\"]",
      "R1EN_HOST_ADDR=z", "R1EN_CSTORE_AUTH_HKEY=h", "R1EN_CSTORE_AUTH_SECRET=s", NULL);
  g_autoptr (DgConfig) good = config_load (
      "EE_CHAINSTORE_API_URL=http://cs:1", "R1EN_CHAINSTORE_PEERS=\"[\"0xai_A\",\"0xai_B\"]\"",
      "R1EN_HOST_ADDR= 0xai_B ", "R1EN_CSTORE_AUTH_HKEY=h", "R1EN_CSTORE_AUTH_SECRET=s", NULL);
  const char *const ab[] = { "0xai_A", "0xai_B", NULL };

  g_assert_error (missing, DG_CONFIG_ERROR, DG_CONFIG_ERROR_MISSING);
  g_assert_cmpstr (missing->message, ==,
                   "Missing required environment variable: R1EN_CHAINSTORE_PEERS");
  g_assert_error (empty, DG_CONFIG_ERROR, DG_CONFIG_ERROR_INVALID);
  g_assert_cmpstr (empty->message, ==, "No peers parsed from R1EN_CHAINSTORE_PEERS");
  g_assert_error (no_host, DG_CONFIG_ERROR, DG_CONFIG_ERROR_MISSING);
  g_assert_cmpstr (no_host->message, ==, "Missing required environment variable: R1EN_HOST_ADDR");
  g_assert_error (stranger, DG_CONFIG_ERROR, DG_CONFIG_ERROR_INVALID);
  g_assert_cmpstr (stranger->message, ==, "R1EN_HOST_ADDR z not in R1EN_CHAINSTORE_PEERS");

  g_assert_true (good->connected);
  assert_strv (good->peers, ab);
  g_assert_cmpstr (good->host_addr, ==, "0xai_B");
}

static void
test_standalone_peers (void)
{
  const char *const local[] = { "local", NULL };
  g_autoptr (DgConfig) c =
      config_load ("R1EN_CHAINSTORE_PEERS=a,b", "R1EN_HOST_ADDR=b", "NODE_ENV=production", NULL);

  g_assert_false (c->connected);
  g_assert_false (c->mock_cstore);
  assert_strv (c->peers, local);
  g_assert_cmpstr (c->host_addr, ==, "local");
  g_assert_true (has_warning (c, "R1EN_CHAINSTORE_PEERS and R1EN_HOST_ADDR are ignored"));
}

static void
test_connected_auth_required (void)
{
  g_autoptr (GError) no_hkey =
      config_fail ("EE_CHAINSTORE_API_URL=http://cs:1", "R1EN_CHAINSTORE_PEERS=a",
                   "R1EN_HOST_ADDR=a", "R1EN_CSTORE_AUTH_SECRET=s", NULL);
  g_autoptr (GError) empty_hides_legacy = config_fail (
      "EE_CHAINSTORE_API_URL=http://cs:1", "R1EN_CHAINSTORE_PEERS=a", "R1EN_HOST_ADDR=a",
      "R1EN_CSTORE_AUTH_HKEY=h", "R1EN_CSTORE_AUTH_SECRET=", "EE_CSTORE_AUTH_SECRET=s", NULL);
  g_autoptr (DgConfig) legacy = config_load (
      "EE_CHAINSTORE_API_URL=http://cs:1", "R1EN_CHAINSTORE_PEERS=a", "R1EN_HOST_ADDR=a",
      "EE_CSTORE_AUTH_HKEY=auth:legacy", "EE_CSTORE_AUTH_SECRET=legacy-pepper", NULL);

  g_assert_error (no_hkey, DG_CONFIG_ERROR, DG_CONFIG_ERROR_MISSING);
  g_assert_cmpstr (no_hkey->message, ==,
                   "Missing required environment variable: R1EN_CSTORE_AUTH_HKEY");
  g_assert_error (empty_hides_legacy, DG_CONFIG_ERROR, DG_CONFIG_ERROR_MISSING);
  g_assert_cmpstr (empty_hides_legacy->message, ==,
                   "Missing required environment variable: R1EN_CSTORE_AUTH_SECRET");
  g_assert_cmpstr (legacy->auth_hkey, ==, "auth:legacy");
  g_assert_cmpstr (legacy->auth_secret, ==, "legacy-pepper");
  g_assert_null (legacy->auth_bootstrap_admin_password);
}

/* mockMode.test.ts, and 11.1's automatic mock mode in development and test. */
static void
test_mock_mode (void)
{
  g_autoptr (DgConfig) forced =
      config_load ("NODE_ENV=production", "DATAGEN_MOCK_CSTORE=true", CONNECTED_ENV,
                   "EE_CHAINSTORE_API_URL=http://cs:1", NULL);
  g_autoptr (DgConfig) dev_missing = config_load ("NODE_ENV=development", NULL);
  g_autoptr (DgConfig) prod_real =
      config_load ("NODE_ENV=production", CONNECTED_ENV, "EE_CHAINSTORE_API_URL=http://cs:1", NULL);
  g_autoptr (DgConfig) prod_none = config_load ("NODE_ENV=production", NULL);
  g_autoptr (DgConfig) dev_real =
      config_load ("NODE_ENV=development", CONNECTED_ENV,
                   "R1EN_CSTORE_AUTH_BOOTSTRAP_ADMIN_PWD=boot", "CSTORE_API_HOST=cs", NULL);
  g_autoptr (DgConfig) test_no_endpoint =
      config_load ("NODE_ENV=test", CONNECTED_ENV, "EE_CSTORE_AUTH_BOOTSTRAP_ADMIN_PW=boot", NULL);
  g_autoptr (DgConfig) dev_sdk_url_only =
      config_load ("NODE_ENV=development", CONNECTED_ENV,
                   "R1EN_CSTORE_AUTH_BOOTSTRAP_ADMIN_PWD=boot", "CSTORE_API_URL=http://cs:1", NULL);

  g_assert_true (forced->mock_cstore);
  g_assert_false (forced->connected);
  g_assert_cmpstr (forced->cstore_url, ==, "http://cs:1"); /* still resolved, for `info` */

  g_assert_true (dev_missing->mock_cstore);
  g_assert_false (dev_missing->connected);
  g_assert_true (has_warning (
      dev_missing, "Auto-enabling DATAGEN mock mode in development because auth env is missing "
                   "(R1EN_CSTORE_AUTH_HKEY, R1EN_CSTORE_AUTH_SECRET, "
                   "R1EN_CSTORE_AUTH_BOOTSTRAP_ADMIN_PWD); CStore endpoint env is missing."));

  g_assert_false (prod_real->mock_cstore);
  g_assert_true (prod_real->connected);
  g_assert_false (prod_none->mock_cstore);
  g_assert_false (prod_none->connected);

  g_assert_false (dev_real->mock_cstore);
  g_assert_true (dev_real->connected);
  g_assert_false (has_warning (dev_real, "Auto-enabling"));

  g_assert_true (test_no_endpoint->mock_cstore);
  g_assert_true (has_warning (test_no_endpoint, "in test because CStore endpoint env is missing."));

  /* Upstream only looks at EE_CHAINSTORE_API_URL/_HOST and CSTORE_API_HOST here. */
  g_assert_true (dev_sdk_url_only->mock_cstore);

  {
    g_autoptr (DgConfig) inference = config_load ("DATAGEN_MOCK_INFERENCE_API=1", NULL);

    g_assert_true (inference->mock_inference);
    g_assert_false (inference->mock_cstore);
  }
}

/* signingSecret.test.ts: dev/test fall back to the built-in secret, production does not. */
static void
test_session_secret (void)
{
  g_autoptr (DgConfig) dev = config_load ("NODE_ENV=development", NULL);
  g_autoptr (DgConfig) test = config_load ("NODE_ENV=test", NULL);
  g_autoptr (DgConfig) prod = config_load ("NODE_ENV=production", NULL);
  g_autoptr (DgConfig) unset = config_load (NULL, NULL);
  g_autoptr (DgConfig) set = config_load (
      "NODE_ENV=development", "DATAGEN_SESSION_SECRET=${SECRET_SRC}x", "SECRET_SRC=abc", NULL);

  g_assert_cmpstr (dev->session_secret, ==, "datagems-dev-session-secret");
  g_assert_true (dev->session_secret_is_dev_default);
  g_assert_true (has_warning (dev, "DATAGEN_SESSION_SECRET is not set"));
  g_assert_cmpstr (test->session_secret, ==, "datagems-dev-session-secret");
  g_assert_null (prod->session_secret);
  g_assert_false (prod->session_secret_is_dev_default);
  g_assert_null (unset->session_secret);
  g_assert_cmpstr (set->session_secret, ==, "abcx");
  g_assert_false (set->session_secret_is_dev_default);
  g_assert_false (has_warning (set, "DATAGEN_SESSION_SECRET"));

  /* Warnings never carry secret values. */
  for (guint i = 0; set->warnings[i] != NULL; i++)
    g_assert_null (strstr (set->warnings[i], "abcx"));
}

static void
test_sdk_settings (void)
{
  g_autoptr (DgConfig) c = config_load ("EE_CHAINSTORE_PEERS=[\"a\", \"b\"]", "DATAGEN_DEBUG=TRUE",
                                        "R1EN_HOST_ID=$NOT_EXPANDED", NULL);
  g_autoptr (DgConfig) bad = config_load ("EE_CHAINSTORE_PEERS=a,b", NULL);
  g_autoptr (DgConfig) mixed = config_load ("EE_CHAINSTORE_PEERS=[\"a\", 1]", NULL);
  const char *const ab[] = { "a", "b", NULL };

  assert_strv (c->sdk_chainstore_peers, ab);
  g_assert_false (c->sdk_debug); /* "true" exactly */
  g_assert_cmpstr (c->host_id, ==, "$NOT_EXPANDED");
  g_assert_nonnull (bad->sdk_chainstore_peers);
  g_assert_null (bad->sdk_chainstore_peers[0]);
  g_assert_true (has_warning (bad, "EE_CHAINSTORE_PEERS is not a JSON array"));
  g_assert_null (mixed->sdk_chainstore_peers[0]);
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
      g_autoptr (GError) error = config_fail (entry, NULL);

      g_assert_error (error, DG_CONFIG_ERROR, DG_CONFIG_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, cases[i][0]));
    }

  g_assert_cmpstr (g_quark_to_string (DG_CONFIG_ERROR), ==, "dg-config-error-quark");
  {
    g_autoptr (GError) error = config_fail ("DATAGEMS_PORT=\x01\x02 9", NULL);

    g_assert_cmpstr (error->message, ==,
                     "Invalid value “?? 9” for DATAGEMS_PORT: expected an integer from 0 to 65535");
  }
}

static void
test_ours_valid (void)
{
  g_autoptr (DgConfig) c = config_load (
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
  assert_strv (c->trusted_proxies, proxies);
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
        g_autoptr (DgConfig) b = config_load (entry, NULL);

        g_assert_cmpstr (b->server_bind, ==, binds[i][1]);
      }
  }
  {
    g_autoptr (DgConfig) yes = config_load ("DATAGEMS_ALLOW_REGISTRATION= YES ", NULL);
    g_autoptr (DgConfig) app_port_bad = config_load ("DATAGEN_APP_PORT=abc", NULL);
    g_autoptr (DgConfig) app_port_range = config_load ("DATAGEN_APP_PORT=99999", NULL);

    g_assert_true (yes->allow_registration);
    g_assert_cmpint (app_port_bad->server_port, ==, 3000); /* upstream variable: lenient */
    g_assert_true (has_warning (app_port_bad, "DATAGEN_APP_PORT is not a port number"));
    g_assert_cmpint (app_port_range->server_port, ==, 3000);
    g_assert_true (has_warning (app_port_range, "DATAGEN_APP_PORT is not a port number"));
  }
}

static void
test_storage_paths (void)
{
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *relative = g_build_filename (cwd, "local-data", NULL);
  g_autofree char *relative_db = g_build_filename (cwd, "x", "my.db", NULL);
  g_autoptr (DgConfig) xdg = config_load ("XDG_DATA_HOME=/xdg/data", NULL);
  g_autoptr (DgConfig) xdg_relative = config_load ("XDG_DATA_HOME=rel/data", "HOME=/h", NULL);
  g_autoptr (DgConfig) rel =
      config_load ("DATAGEMS_DATA_DIR=./local-data/", "DATAGEMS_DATABASE=x/../x/my.db", NULL);
  g_autoptr (DgConfig) memory = config_load ("DATAGEMS_DATABASE=:memory:", NULL);
  g_autoptr (DgConfig) db_only = config_load ("DATAGEMS_DATABASE=/var/lib/dg.db", NULL);

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
  DgConfig *c = config_load ("R1EN_HOST_IP=10.0.0.1", NULL);
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
  g_test_add_func ("/core/config/expansion", test_expansion);
  g_test_add_func ("/core/config/escape", test_escape);
  g_test_add_func ("/core/config/cycles", test_cycles);
  g_test_add_func ("/core/config/cycle-in-setting", test_cycle_in_setting);
  g_test_add_func ("/core/config/expansion-limits", test_expansion_limits);
  g_test_add_func ("/core/config/legacy-fallbacks", test_legacy_fallbacks);
  g_test_add_func ("/core/config/auth-values-raw", test_auth_values_raw);
  g_test_add_func ("/core/config/flags", test_flags);
  g_test_add_func ("/core/config/numbers", test_numbers);
  g_test_add_func ("/core/config/rate-limits", test_rate_limits);
  g_test_add_func ("/core/config/smtp", test_smtp);
  g_test_add_func ("/core/config/host-port-rule", test_host_port_rule);
  g_test_add_func ("/core/config/service-urls", test_service_urls);
  g_test_add_func ("/core/config/peer-list-parsing", test_peer_list_parsing);
  g_test_add_func ("/core/config/peers-mock", test_peers_mock);
  g_test_add_func ("/core/config/peers-connected", test_peers_connected);
  g_test_add_func ("/core/config/standalone-peers", test_standalone_peers);
  g_test_add_func ("/core/config/connected-auth-required", test_connected_auth_required);
  g_test_add_func ("/core/config/mock-mode", test_mock_mode);
  g_test_add_func ("/core/config/session-secret", test_session_secret);
  g_test_add_func ("/core/config/sdk-settings", test_sdk_settings);
  g_test_add_func ("/core/config/ours-invalid", test_ours_invalid);
  g_test_add_func ("/core/config/ours-valid", test_ours_valid);
  g_test_add_func ("/core/config/storage-paths", test_storage_paths);
  g_test_add_func ("/core/config/process-environment", test_process_environment);
  g_test_add_func ("/core/config/refcount-threads", test_refcount_threads);

  return g_test_run ();
}
