/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-config"

#include "config.h"

#include <string.h>

#include "test-config.h"

/* Service endpoints, peers, connected and mock modes, and the session secret. */

/* What a connected instance needs besides a CStore endpoint. */
#define CONNECTED_ENV                                                                    \
  "R1EN_CHAINSTORE_PEERS=a,b", "R1EN_HOST_ADDR=a", "R1EN_CSTORE_AUTH_HKEY=auth:default", \
      "R1EN_CSTORE_AUTH_SECRET=pepper"

typedef struct
{
  const char *const *env;
  const char *cstore_url;
  const char *r1fs_url;
} EndpointCase;

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
    g_autoptr (DgConfig) host_only = test_config_load ("DATAGEN_INFERENCE_HOST=infer.lan", NULL);
    g_autoptr (DgConfig) fallback = test_config_load (
        "DATAGEN_INFERENCE_BASE_URL=http://base.lan:1/", "DATAGEN_INFERENCE_PORT=99", NULL);
    g_autoptr (DgConfig) both =
        test_config_load ("R1EN_HOST_IP=10.1.1.1", "API_PORT=5000",
                          "DATAGEN_INFERENCE_BASE_URL=http://base.lan", NULL);

    g_assert_cmpstr (host_only->inference_base_url, ==, "http://infer.lan");
    g_assert_cmpstr (fallback->inference_base_url, ==, "http://base.lan:1/");
    g_assert_cmpstr (both->inference_base_url, ==, "http://10.1.1.1:5000");
  }
}

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
    g_autoptr (DgConfig) c = test_config_load ("EE_R1FS_API_URL=http://fs:1", NULL);

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

      test_config_assert_strv (peers, cases[i].peers);
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
  g_autoptr (DgConfig) plain = test_config_load ("DATAGEN_MOCK_CSTORE=1", NULL);
  g_autoptr (DgConfig) with_host =
      test_config_load ("DATAGEN_MOCK_CSTORE=1", "R1EN_HOST_ADDR= me ", NULL);
  g_autoptr (DgConfig) json = test_config_load (
      "DATAGEN_MOCK_CSTORE=1", "R1EN_CHAINSTORE_PEERS='[\"0xai_A\", \"0xai_B\"]'", NULL);
  g_autoptr (DgConfig) empty =
      test_config_load ("DATAGEN_MOCK_CSTORE=1", "R1EN_CHAINSTORE_PEERS= , ", NULL);
  g_autoptr (GError) error = test_config_fail ("DATAGEN_MOCK_CSTORE=1", "R1EN_CHAINSTORE_PEERS=a,b",
                                               "R1EN_HOST_ADDR=c", NULL);

  g_assert_true (plain->mock_cstore);
  g_assert_false (plain->connected);
  test_config_assert_strv (plain->peers, local);
  g_assert_cmpstr (plain->host_addr, ==, "local");
  test_config_assert_strv (with_host->peers, me);
  g_assert_cmpstr (with_host->host_addr, ==, "me");
  test_config_assert_strv (json->peers, ab);
  g_assert_cmpstr (json->host_addr, ==, "0xai_A"); /* the first peer */
  test_config_assert_strv (empty->peers, local);
  g_assert_cmpstr (empty->host_addr, ==, "local");
  g_assert_error (error, DG_CONFIG_ERROR, DG_CONFIG_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "R1EN_HOST_ADDR c not in R1EN_CHAINSTORE_PEERS");
}

/* peers.test.ts: production without peer env throws mentioning R1EN_CHAINSTORE_PEERS. */
static void
test_peers_connected (void)
{
  g_autoptr (GError) missing = test_config_fail (
      "NODE_ENV=production", "EE_CHAINSTORE_API_URL=http://cs:1", "R1EN_HOST_ADDR=a",
      "R1EN_CSTORE_AUTH_HKEY=h", "R1EN_CSTORE_AUTH_SECRET=s", NULL);
  g_autoptr (GError) empty = test_config_fail (
      "EE_CHAINSTORE_API_URL=http://cs:1", "R1EN_CHAINSTORE_PEERS='  ,, '", "R1EN_HOST_ADDR=a",
      "R1EN_CSTORE_AUTH_HKEY=h", "R1EN_CSTORE_AUTH_SECRET=s", NULL);
  g_autoptr (GError) no_host = test_config_fail (
      "EE_CHAINSTORE_API_URL=http://cs:1", "R1EN_CHAINSTORE_PEERS=a,b",
      "R1EN_HOST_ADDR=  ", "R1EN_CSTORE_AUTH_HKEY=h", "R1EN_CSTORE_AUTH_SECRET=s", NULL);
  g_autoptr (GError) stranger = test_config_fail (
      "EE_CHAINSTORE_API_URL=http://cs:1", "R1EN_CHAINSTORE_PEERS=[\"a\",\"b\"]",
      "R1EN_HOST_ADDR=z", "R1EN_CSTORE_AUTH_HKEY=h", "R1EN_CSTORE_AUTH_SECRET=s", NULL);
  g_autoptr (DgConfig) good = test_config_load (
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
  test_config_assert_strv (good->peers, ab);
  g_assert_cmpstr (good->host_addr, ==, "0xai_B");
}

static void
test_standalone_peers (void)
{
  const char *const local[] = { "local", NULL };
  g_autoptr (DgConfig) c = test_config_load ("R1EN_CHAINSTORE_PEERS=a,b", "R1EN_HOST_ADDR=b",
                                             "NODE_ENV=production", NULL);

  g_assert_false (c->connected);
  g_assert_false (c->mock_cstore);
  test_config_assert_strv (c->peers, local);
  g_assert_cmpstr (c->host_addr, ==, "local");
  g_assert_true (
      test_config_has_warning (c, "R1EN_CHAINSTORE_PEERS and R1EN_HOST_ADDR are ignored"));
}

static void
test_connected_auth_required (void)
{
  g_autoptr (GError) no_hkey =
      test_config_fail ("EE_CHAINSTORE_API_URL=http://cs:1", "R1EN_CHAINSTORE_PEERS=a",
                        "R1EN_HOST_ADDR=a", "R1EN_CSTORE_AUTH_SECRET=s", NULL);
  g_autoptr (GError) empty_hides_legacy = test_config_fail (
      "EE_CHAINSTORE_API_URL=http://cs:1", "R1EN_CHAINSTORE_PEERS=a", "R1EN_HOST_ADDR=a",
      "R1EN_CSTORE_AUTH_HKEY=h", "R1EN_CSTORE_AUTH_SECRET=", "EE_CSTORE_AUTH_SECRET=s", NULL);
  g_autoptr (DgConfig) legacy = test_config_load (
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
      test_config_load ("NODE_ENV=production", "DATAGEN_MOCK_CSTORE=true", CONNECTED_ENV,
                        "EE_CHAINSTORE_API_URL=http://cs:1", NULL);
  g_autoptr (DgConfig) dev_missing = test_config_load ("NODE_ENV=development", NULL);
  g_autoptr (DgConfig) prod_real = test_config_load ("NODE_ENV=production", CONNECTED_ENV,
                                                     "EE_CHAINSTORE_API_URL=http://cs:1", NULL);
  g_autoptr (DgConfig) prod_none = test_config_load ("NODE_ENV=production", NULL);
  g_autoptr (DgConfig) dev_real =
      test_config_load ("NODE_ENV=development", CONNECTED_ENV,
                        "R1EN_CSTORE_AUTH_BOOTSTRAP_ADMIN_PWD=boot", "CSTORE_API_HOST=cs", NULL);
  g_autoptr (DgConfig) test_no_endpoint = test_config_load (
      "NODE_ENV=test", CONNECTED_ENV, "EE_CSTORE_AUTH_BOOTSTRAP_ADMIN_PW=boot", NULL);
  g_autoptr (DgConfig) dev_sdk_url_only = test_config_load (
      "NODE_ENV=development", CONNECTED_ENV, "R1EN_CSTORE_AUTH_BOOTSTRAP_ADMIN_PWD=boot",
      "CSTORE_API_URL=http://cs:1", NULL);

  g_assert_true (forced->mock_cstore);
  g_assert_false (forced->connected);
  g_assert_cmpstr (forced->cstore_url, ==, "http://cs:1"); /* still resolved, for `info` */

  g_assert_true (dev_missing->mock_cstore);
  g_assert_false (dev_missing->connected);
  g_assert_true (test_config_has_warning (
      dev_missing, "Auto-enabling DATAGEN mock mode in development because auth env is missing "
                   "(R1EN_CSTORE_AUTH_HKEY, R1EN_CSTORE_AUTH_SECRET, "
                   "R1EN_CSTORE_AUTH_BOOTSTRAP_ADMIN_PWD); CStore endpoint env is missing."));

  g_assert_false (prod_real->mock_cstore);
  g_assert_true (prod_real->connected);
  g_assert_false (prod_none->mock_cstore);
  g_assert_false (prod_none->connected);

  g_assert_false (dev_real->mock_cstore);
  g_assert_true (dev_real->connected);
  g_assert_false (test_config_has_warning (dev_real, "Auto-enabling"));

  g_assert_true (test_no_endpoint->mock_cstore);
  g_assert_true (test_config_has_warning (test_no_endpoint,
                                          "in test because CStore endpoint env is missing."));

  /* Upstream only looks at EE_CHAINSTORE_API_URL/_HOST and CSTORE_API_HOST here. */
  g_assert_true (dev_sdk_url_only->mock_cstore);

  {
    g_autoptr (DgConfig) inference = test_config_load ("DATAGEN_MOCK_INFERENCE_API=1", NULL);

    g_assert_true (inference->mock_inference);
    g_assert_false (inference->mock_cstore);
  }
}

/* signingSecret.test.ts: dev/test fall back to the built-in secret, production does not. */
static void
test_session_secret (void)
{
  g_autoptr (DgConfig) dev = test_config_load ("NODE_ENV=development", NULL);
  g_autoptr (DgConfig) test = test_config_load ("NODE_ENV=test", NULL);
  g_autoptr (DgConfig) prod = test_config_load ("NODE_ENV=production", NULL);
  g_autoptr (DgConfig) unset = test_config_load (NULL, NULL);
  g_autoptr (DgConfig) set = test_config_load (
      "NODE_ENV=development", "DATAGEN_SESSION_SECRET=${SECRET_SRC}x", "SECRET_SRC=abc", NULL);

  g_assert_cmpstr (dev->session_secret, ==, "datagems-dev-session-secret");
  g_assert_true (dev->session_secret_is_dev_default);
  g_assert_true (test_config_has_warning (dev, "DATAGEN_SESSION_SECRET is not set"));
  g_assert_cmpstr (test->session_secret, ==, "datagems-dev-session-secret");
  g_assert_null (prod->session_secret);
  g_assert_false (prod->session_secret_is_dev_default);
  g_assert_null (unset->session_secret);
  g_assert_cmpstr (set->session_secret, ==, "abcx");
  g_assert_false (set->session_secret_is_dev_default);
  g_assert_false (test_config_has_warning (set, "DATAGEN_SESSION_SECRET"));

  /* Warnings never carry secret values. */
  for (guint i = 0; set->warnings[i] != NULL; i++)
    g_assert_null (strstr (set->warnings[i], "abcx"));
}

static void
test_sdk_settings (void)
{
  g_autoptr (DgConfig) c =
      test_config_load ("EE_CHAINSTORE_PEERS=[\"a\", \"b\"]", "DATAGEN_DEBUG=TRUE",
                        "R1EN_HOST_ID=$NOT_EXPANDED", NULL);
  g_autoptr (DgConfig) bad = test_config_load ("EE_CHAINSTORE_PEERS=a,b", NULL);
  g_autoptr (DgConfig) mixed = test_config_load ("EE_CHAINSTORE_PEERS=[\"a\", 1]", NULL);
  const char *const ab[] = { "a", "b", NULL };

  test_config_assert_strv (c->sdk_chainstore_peers, ab);
  g_assert_false (c->sdk_debug); /* "true" exactly */
  g_assert_cmpstr (c->host_id, ==, "$NOT_EXPANDED");
  g_assert_nonnull (bad->sdk_chainstore_peers);
  g_assert_null (bad->sdk_chainstore_peers[0]);
  g_assert_true (test_config_has_warning (bad, "EE_CHAINSTORE_PEERS is not a JSON array"));
  g_assert_null (mixed->sdk_chainstore_peers[0]);
}

void
test_config_add_peers_tests (void)
{
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
}
