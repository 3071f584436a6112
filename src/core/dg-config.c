/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-config"

#include "config.h"

#include <gio/gio.h>
#include <math.h>
#include <string.h>

#include "dg-config.h"
#include "dg-env-private.h"

/*
 * DgConfig: every setting, resolved once from one environment.
 *
 * Upstream variables keep upstream's lenient rules (a value that does not parse falls back to
 * the default); our own DATAGEMS_* variables are strict, so a typo is an error naming the
 * variable instead of a silently different server.
 */

/* clang-format would put spaces into the stringified quark name. */
/* clang-format off */
G_DEFINE_QUARK (dg-config-error-quark, dg_config_error)
/* clang-format on */

#define DEV_SESSION_SECRET "datagems-dev-session-secret"
#define DEFAULT_LOCAL_CACHE_DIR "/_local_cache/datagen"
#define DEFAULT_R1FS_URL "http://localhost:31235"

/* Names in the order they are tried (upstream-behaviour.md 13.2, ratio1-interop.md 1.1). */
typedef struct
{
  const char *host, *port;         /* DataGems' own host/port pair */
  const char *alt_host, *alt_port; /* the second pair DataGems reads */
  const char *url;                 /* DataGems' URL variable, passed to the SDK explicitly */
  const char *sdk_url;             /* read by the SDK itself when DataGems passes nothing */
  const char *node_url;            /* R1EN_ twin the edge node injects (never wins on a node) */
} Endpoint;

static const Endpoint cstore_endpoint = {
  "EE_CHAINSTORE_API_HOST", "EE_CHAINSTORE_API_PORT", "CSTORE_API_HOST",         "CSTORE_API_PORT",
  "EE_CHAINSTORE_API_URL",  "CSTORE_API_URL",         "R1EN_CHAINSTORE_API_URL",
};

static const Endpoint r1fs_endpoint = {
  "EE_R1FS_API_HOST", "EE_R1FS_API_PORT", "R1FS_API_HOST",     "R1FS_API_PORT",
  "EE_R1FS_API_URL",  "R1FS_API_URL",     "R1EN_R1FS_API_URL",
};

/* While loading, the first error sticks and every later step becomes a no-op. */
typedef struct
{
  DgConfig *config;
  GError *error;
  GPtrArray *warnings;
  GPtrArray *ours_set; /* DATAGEMS_* names that were set, for config->source */
} Loader;

static void ld_fail (Loader *ld, DgConfigError code, const char *format, ...) G_GNUC_PRINTF (3, 4);

static void
ld_fail (Loader *ld, DgConfigError code, const char *format, ...)
{
  va_list args;

  if (ld->error != NULL)
    return;
  va_start (args, format);
  ld->error = g_error_new_valist (DG_CONFIG_ERROR, code, format, args);
  va_end (args);
}

static void ld_warn (Loader *ld, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
ld_warn (Loader *ld, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (ld->warnings, g_strdup_vprintf (format, args));
  va_end (args);
}

/* The raw value when present and non-empty (what upstream code reading process.env sees). */
static const char *
ld_raw (Loader *ld, const char *name)
{
  const char *value = dg_env_raw (ld->config->env, name);

  return value != NULL && value[0] != '\0' ? value : NULL;
}

static char *
ld_resolve (Loader *ld, const char *name)
{
  if (ld->error != NULL)
    return NULL;
  return dg_env_resolve (ld->config->env, name, &ld->error);
}

/* A text setting: NULL when unset or when it expands to "". */
static char *
ld_string (Loader *ld, const char *name)
{
  char *value = ld_resolve (ld, name);

  if (value != NULL && value[0] == '\0')
    g_clear_pointer (&value, g_free);
  return value;
}

static gboolean
ld_flag (Loader *ld, const char *name)
{
  g_autofree char *value = ld_resolve (ld, name);

  return dg_config_parse_flag (value);
}

/* Upstream optionalNumberEnv(): FALSE when unset or not a finite number. */
static gboolean
ld_number (Loader *ld, const char *name, double *out)
{
  g_autofree char *value = ld_resolve (ld, name);

  return value != NULL && dg_config_parse_number (value, out);
}

static int
floor_to_int (double value)
{
  value = floor (value);
  if (value >= (double) G_MAXINT)
    return G_MAXINT;
  if (value <= (double) G_MININT)
    return G_MININT;
  return (int) value;
}

static int
ld_int (Loader *ld, const char *name, int fallback)
{
  double value;

  return ld_number (ld, name, &value) ? floor_to_int (value) : fallback;
}

/* Registration limits (10.5): non-numeric or not positive after flooring -> default. */
static int
ld_positive_int (Loader *ld, const char *name, int fallback)
{
  double value;
  int n;

  if (!ld_number (ld, name, &value))
    return fallback;
  n = floor_to_int (value);
  return n > 0 ? n : fallback;
}

/* The host/port rule over two variables; the port is only read when the host is set. */
static char *
ld_host_port (Loader *ld, const char *host_name, const char *port_name)
{
  g_autofree char *host = ld_resolve (ld, host_name);
  g_autofree char *port = NULL;
  g_autofree char *bare = dg_config_host_port_url (host, NULL);

  if (bare == NULL)
    return NULL;
  port = ld_resolve (ld, port_name);
  return dg_config_host_port_url (host, port);
}

/* Our own variables: a value that is set but unusable is an error naming the variable. */
static char *
ld_ours (Loader *ld, const char *name)
{
  if (ld_raw (ld, name) != NULL)
    g_ptr_array_add (ld->ours_set, (gpointer) name);
  return ld_string (ld, name);
}

static void
ld_fail_value (Loader *ld, const char *name, const char *value, const char *expected)
{
  /* Short and printable: the value may be long or contain control characters. */
  g_autofree char *shown = g_utf8_make_valid (value, MIN (strlen (value), 64));

  for (char *p = shown; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      *p = '?';
  ld_fail (ld, DG_CONFIG_ERROR_INVALID, "Invalid value “%s” for %s: expected %s", shown, name,
           expected);
}

static int
ld_our_int (Loader *ld, const char *name, int fallback, int min, int max)
{
  g_autofree char *value = ld_ours (ld, name);
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  guint64 n;

  if (value == NULL)
    return fallback;
  text = g_strstrip (g_strdup (value));
  if (g_ascii_string_to_unsigned (text, 10, min, max, &n, NULL))
    return (int) n;
  expected = g_strdup_printf ("an integer from %d to %d", min, max);
  ld_fail_value (ld, name, value, expected);
  return fallback;
}

static gboolean
ld_our_flag (Loader *ld, const char *name, gboolean fallback)
{
  static const char *const falsy[] = { "0", "false", "no", "off" };
  g_autofree char *value = ld_ours (ld, name);
  g_autofree char *text = NULL;

  if (value == NULL)
    return fallback;
  text = g_strstrip (g_strdup (value));
  if (dg_config_parse_flag (text))
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (falsy); i++)
    if (g_ascii_strcasecmp (text, falsy[i]) == 0)
      return FALSE;
  ld_fail_value (ld, name, value, "one of 1, true, yes, on, 0, false, no, off");
  return fallback;
}

/* A path setting: relative paths are taken from the current directory. */
static char *
ld_our_path (Loader *ld, const char *name, gboolean allow_memory)
{
  g_autofree char *value = ld_ours (ld, name);

  if (value == NULL)
    return NULL;
  if (g_strstrip (value)[0] == '\0')
    {
      ld_fail_value (ld, name, value, "a folder or file path");
      return NULL;
    }
  if (allow_memory && strcmp (value, ":memory:") == 0)
    return g_steal_pointer (&value); /* SQLite's private in-memory database */
  return g_canonicalize_filename (value, NULL);
}

/*
 * Upstream DataGems passes HOST(+PORT), then the second HOST(+PORT), then its URL variable to the
 * SDK, which falls back to its own URL variable. On a real node only the URL variables exist, so
 * this order gives the node's URL there and exactly DataGems' URL in its own deployments.
 */
static char *
ld_endpoint_url (Loader *ld, const Endpoint *endpoint)
{
  g_autofree char *url = ld_host_port (ld, endpoint->host, endpoint->port);
  const char *raw;

  if (url == NULL)
    url = ld_host_port (ld, endpoint->alt_host, endpoint->alt_port);
  if (url == NULL)
    url = ld_string (ld, endpoint->url);
  if (url == NULL && (raw = ld_raw (ld, endpoint->sdk_url)) != NULL)
    url = g_strdup (raw);
  if (url == NULL && (raw = ld_raw (ld, endpoint->node_url)) != NULL)
    url = g_strdup (raw);
  if (url == NULL || ld->error != NULL)
    return NULL;
  return dg_env_service_url (url);
}

/* cstore-auth-ts reads its variables itself: raw, and `a ?? b` (present-but-empty hides b). */
static char *
auth_library_value (Loader *ld, const char *const *names, gboolean blank_is_absent)
{
  const char *value = NULL;
  g_autofree char *trimmed = NULL;

  for (guint i = 0; names[i] != NULL && value == NULL; i++)
    value = dg_env_raw (ld->config->env, names[i]);
  if (value == NULL || value[0] == '\0')
    return NULL;
  trimmed = dg_env_js_trim (value);
  if (blank_is_absent && trimmed[0] == '\0')
    return NULL;
  return g_strdup (value);
}

static void
load_mode (Loader *ld)
{
  static const char *const auth_keys[] = { "R1EN_CSTORE_AUTH_HKEY", "R1EN_CSTORE_AUTH_SECRET",
                                           "R1EN_CSTORE_AUTH_BOOTSTRAP_ADMIN_PWD" };
  static const char *const endpoint_keys[] = { "EE_CHAINSTORE_API_URL", "EE_CHAINSTORE_API_HOST",
                                               "CSTORE_API_HOST" };
  DgConfig *c = ld->config;
  g_autoptr (GPtrArray) missing_auth = g_ptr_array_new ();
  g_autoptr (GPtrArray) reasons = g_ptr_array_new_with_free_func (g_free);
  gboolean have_endpoint = FALSE;

  c->node_env = g_strdup (ld_raw (ld, "NODE_ENV"));
  c->production = g_strcmp0 (c->node_env, "production") == 0;
  c->development =
      g_strcmp0 (c->node_env, "development") == 0 || g_strcmp0 (c->node_env, "test") == 0;
  c->mock_inference = ld_flag (ld, "DATAGEN_MOCK_INFERENCE_API");
  c->mock_cstore = ld_flag (ld, "DATAGEN_MOCK_CSTORE");
  if (c->mock_cstore || !c->development)
    return;

  /* 11.1: development and test fall back to mock mode when the real services are not set up. */
  for (guint i = 0; i < G_N_ELEMENTS (auth_keys); i++)
    {
      g_autofree char *value = ld_string (ld, auth_keys[i]);

      if (value == NULL)
        g_ptr_array_add (missing_auth, (gpointer) auth_keys[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (endpoint_keys); i++)
    {
      g_autofree char *value = ld_string (ld, endpoint_keys[i]);

      have_endpoint = have_endpoint || value != NULL;
    }
  if (missing_auth->len > 0)
    {
      g_autofree char *list = NULL;

      g_ptr_array_add (missing_auth, NULL);
      list = g_strjoinv (", ", (char **) missing_auth->pdata);
      g_ptr_array_add (reasons, g_strdup_printf ("auth env is missing (%s)", list));
    }
  if (!have_endpoint)
    g_ptr_array_add (reasons, g_strdup ("CStore endpoint env is missing"));
  if (reasons->len == 0)
    return;

  c->mock_cstore = TRUE;
  g_ptr_array_add (reasons, NULL);
  {
    g_autofree char *why = g_strjoinv ("; ", (char **) reasons->pdata);

    ld_warn (ld, "Auto-enabling DATAGEN mock mode in %s because %s.", c->node_env, why);
  }
}

static void
load_secrets (Loader *ld)
{
  static const char *const hkey_names[] = { "R1EN_CSTORE_AUTH_HKEY", "EE_CSTORE_AUTH_HKEY", NULL };
  static const char *const secret_names[] = { "R1EN_CSTORE_AUTH_SECRET", "EE_CSTORE_AUTH_SECRET",
                                              NULL };
  /* The library reads only ..._PW as legacy; DataGems also accepted ..._PWD, so we try both. */
  static const char *const bootstrap_names[] = { "R1EN_CSTORE_AUTH_BOOTSTRAP_ADMIN_PWD",
                                                 "EE_CSTORE_AUTH_BOOTSTRAP_ADMIN_PW",
                                                 "EE_CSTORE_AUTH_BOOTSTRAP_ADMIN_PWD", NULL };
  DgConfig *c = ld->config;

  c->session_secret = ld_string (ld, "DATAGEN_SESSION_SECRET");
  if (c->session_secret == NULL && c->development)
    {
      c->session_secret = g_strdup (DEV_SESSION_SECRET);
      c->session_secret_is_dev_default = TRUE;
      ld_warn (ld, "DATAGEN_SESSION_SECRET is not set; using the built-in development secret");
    }
  c->auth_hkey = auth_library_value (ld, hkey_names, FALSE);
  c->auth_secret = auth_library_value (ld, secret_names, FALSE);
  c->auth_bootstrap_admin_password = auth_library_value (ld, bootstrap_names, TRUE);
}

static void
load_services (Loader *ld)
{
  DgConfig *c = ld->config;
  const char *sdk_peers;

  c->cstore_url = ld_endpoint_url (ld, &cstore_endpoint);
  c->r1fs_url = ld_endpoint_url (ld, &r1fs_endpoint);
  if (c->r1fs_url == NULL && c->cstore_url != NULL)
    c->r1fs_url = g_strdup (DEFAULT_R1FS_URL);
  c->connected = c->cstore_url != NULL && !c->mock_cstore;
  sdk_peers = ld_raw (ld, "EE_CHAINSTORE_PEERS");
  if (sdk_peers == NULL)
    c->sdk_chainstore_peers = g_new0 (char *, 1);
  else if (!dg_env_parse_string_array (sdk_peers, &c->sdk_chainstore_peers))
    ld_warn (ld, "EE_CHAINSTORE_PEERS is not a JSON array of strings; using []");
  c->sdk_debug = g_strcmp0 (ld_raw (ld, "DATAGEN_DEBUG"), "true") == 0;
  c->host_id = g_strdup (ld_raw (ld, "R1EN_HOST_ID"));
}

/* Connected mode keeps accounts in the CStore auth hash, so its name and pepper are required. */
static void
check_connected_auth (Loader *ld)
{
  DgConfig *c = ld->config;

  if (c->connected && c->auth_hkey == NULL)
    ld_fail (ld, DG_CONFIG_ERROR_MISSING,
             "Missing required environment variable: R1EN_CSTORE_AUTH_HKEY");
  if (c->connected && c->auth_secret == NULL)
    ld_fail (ld, DG_CONFIG_ERROR_MISSING,
             "Missing required environment variable: R1EN_CSTORE_AUTH_SECRET");
}

/* 7.1 for mock and connected mode; a standalone instance is the single peer "local". */
static void
load_peers (Loader *ld)
{
  DgConfig *c = ld->config;
  g_autofree char *list = ld_string (ld, "R1EN_CHAINSTORE_PEERS");
  g_autofree char *host_value = ld_string (ld, "R1EN_HOST_ADDR");
  g_autofree char *host = host_value != NULL ? dg_env_js_trim (host_value) : NULL;

  if (host != NULL && host[0] == '\0')
    g_clear_pointer (&host, g_free);

  if (!c->mock_cstore && !c->connected)
    {
      const char *const local[] = { "local", NULL };

      c->peers = g_strdupv ((char **) local);
      c->host_addr = g_strdup ("local");
      if (list != NULL || host != NULL)
        ld_warn (ld, "R1EN_CHAINSTORE_PEERS and R1EN_HOST_ADDR are ignored: no CStore is "
                     "configured, so this instance is the single peer “local”");
      return;
    }

  if (list == NULL)
    {
      const char *const single[] = { host != NULL ? host : "local", NULL };

      if (!c->mock_cstore)
        ld_fail (ld, DG_CONFIG_ERROR_MISSING,
                 "Missing required environment variable: R1EN_CHAINSTORE_PEERS");
      c->peers = g_strdupv ((char **) single);
    }
  else
    {
      c->peers = dg_config_parse_peer_list (list);
      if (c->peers[0] == NULL)
        {
          const char *const local[] = { "local", NULL };

          if (!c->mock_cstore)
            ld_fail (ld, DG_CONFIG_ERROR_INVALID, "No peers parsed from R1EN_CHAINSTORE_PEERS");
          g_strfreev (c->peers);
          c->peers = g_strdupv ((char **) local);
        }
    }

  if (host == NULL)
    {
      if (!c->mock_cstore)
        ld_fail (ld, DG_CONFIG_ERROR_MISSING,
                 "Missing required environment variable: R1EN_HOST_ADDR");
      host = g_strdup (c->peers[0]);
    }
  if (!g_strv_contains ((const char *const *) c->peers, host))
    ld_fail (ld, DG_CONFIG_ERROR_INVALID, "R1EN_HOST_ADDR %s not in R1EN_CHAINSTORE_PEERS", host);
  c->host_addr = g_steal_pointer (&host);
}

static void
load_inference (Loader *ld)
{
  DgConfig *c = ld->config;

  c->inference_base_url = ld_host_port (ld, "DATAGEN_INFERENCE_HOST", "DATAGEN_INFERENCE_PORT");
  if (c->inference_base_url == NULL)
    c->inference_base_url = ld_string (ld, "DATAGEN_INFERENCE_BASE_URL");
  c->log_inference_requests = ld_flag (ld, "LOG_INFERENCE_REQUESTS");
  c->retry_inference_on_failure = ld_flag (ld, "RETRY_INFERENCE_ON_FAILURE");
  c->max_external_api_configs = ld_int (ld, "DATAGEN_MAX_EXTERNAL_API_CONFIGS", 10);

  c->inference_concurrency = ld_our_int (ld, "DATAGEMS_INFERENCE_CONCURRENCY", 8, 1, 1024);
  c->inference_max_attempts = ld_our_int (ld, "DATAGEMS_INFERENCE_MAX_ATTEMPTS", 3, 1, 100);
  c->inference_connect_timeout_ms =
      ld_our_int (ld, "DATAGEMS_INFERENCE_CONNECT_TIMEOUT_MS", 10000, 1, 3600 * 1000);
  c->inference_timeout_ms =
      ld_our_int (ld, "DATAGEMS_INFERENCE_TIMEOUT_MS", 120000, 1, 24 * 3600 * 1000);
}

static void
load_jobs (Loader *ld)
{
  DgConfig *c = ld->config;
  double explicit_limit;

  c->app_base_url = ld_host_port (ld, "DATAGEN_APP_HOST", "DATAGEN_APP_PORT");
  c->max_records_per_job = ld_int (ld, "DATAGEN_MAX_RECORDS_PER_JOB", 200);
  c->owner_max_records_per_job = ld_number (ld, "DATAGEN_MAX_RECORDS_PER_JOB", &explicit_limit)
                                     ? c->max_records_per_job
                                     : DG_CONFIG_OWNER_MAX_RECORDS;
  c->job_poll_seconds = ld_int (ld, "DATAGEN_JOB_POLL_SECONDS", 5);
  c->update_every_k_requests = ld_int (ld, "DATAGEN_UPDATE_EVERY_K_REQUESTS", 5);
  c->max_concurrent_jobs = ld_int (ld, "DATAGEN_MAX_CONCURRENT_JOBS_PER_INSTANCE", 1);
  c->local_cache_dir = ld_string (ld, "DATAGEN_LOCAL_CACHE_DIR");
  if (c->local_cache_dir == NULL)
    c->local_cache_dir = g_strdup (DEFAULT_LOCAL_CACHE_DIR);
  c->disable_worker = ld_flag (ld, "DATAGEN_DISABLE_WORKER");
  c->log_r1fs_calls = ld_flag (ld, "DATAGEN_LOG_R1FS_CALLS");
  c->active_poll_seconds = ld_int (ld, "DATAGEN_ACTIVE_POLL_SECONDS", 10);
  c->idle_poll_seconds = ld_int (ld, "DATAGEN_IDLE_POLL_SECONDS", 30);
}

static void
load_mail (Loader *ld)
{
  DgConfig *c = ld->config;
  g_autofree char *port = NULL;
  g_autofree char *port_text = NULL;
  double value;

  c->smtp_host = ld_string (ld, "DATAGEN_SMTP_HOST");
  c->smtp_user = ld_string (ld, "DATAGEN_SMTP_USER");
  c->smtp_pass = ld_string (ld, "DATAGEN_SMTP_PASS");
  c->smtp_from = ld_string (ld, "DATAGEN_SMTP_FROM");

  /* 10.4: a blank port leaves mail unconfigured (0); one that is not a port -> 587. */
  port = ld_resolve (ld, "DATAGEN_SMTP_PORT");
  port_text = port != NULL ? dg_env_js_trim (port) : NULL;
  if (port_text == NULL || port_text[0] == '\0')
    c->smtp_port = 0;
  else if (dg_config_parse_number (port_text, &value) && value >= 1 && value < 65536)
    c->smtp_port = (int) floor (value);
  else
    c->smtp_port = 587;

  c->register_window_seconds = ld_positive_int (ld, "DATAGEN_REGISTER_RATE_WINDOW_SECONDS", 900);
  c->register_max_per_ip = ld_positive_int (ld, "DATAGEN_REGISTER_MAX_PER_IP", 10);
  c->register_max_per_email = ld_positive_int (ld, "DATAGEN_REGISTER_MAX_PER_EMAIL", 3);
  c->resend_window_seconds = ld_positive_int (ld, "DATAGEN_REGISTER_RESEND_WINDOW_SECONDS", 900);
  c->resend_max_per_ip = ld_positive_int (ld, "DATAGEN_REGISTER_RESEND_MAX_PER_IP", 5);
  c->resend_max_per_email = ld_positive_int (ld, "DATAGEN_REGISTER_RESEND_MAX_PER_EMAIL", 2);

  /* 10.4: values under a minute (and non-numbers) mean the default day. */
  c->register_failure_ttl_seconds = ld_int (ld, "DATAGEN_REGISTER_FAILURE_TTL_SECONDS", 86400);
  if (c->register_failure_ttl_seconds < 60)
    c->register_failure_ttl_seconds = 86400;

  c->allow_registration = ld_our_flag (ld, "DATAGEMS_ALLOW_REGISTRATION", TRUE);
}

static void
load_login (Loader *ld)
{
  DgConfig *c = ld->config;
  g_autofree char *proxies = NULL;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  c->login_max_failures = ld_our_int (ld, "DATAGEMS_LOGIN_MAX_FAILURES", 10, 1, 1000000);
  c->login_window_seconds =
      ld_our_int (ld, "DATAGEMS_LOGIN_WINDOW_SECONDS", 900, 1, 365 * 24 * 3600);

  proxies = ld_ours (ld, "DATAGEMS_TRUSTED_PROXIES");
  if (proxies != NULL)
    {
      g_auto (GStrv) parts = g_strsplit (proxies, ",", -1);

      for (guint i = 0; parts[i] != NULL; i++)
        {
          g_autoptr (GInetAddressMask) mask = NULL;
          char *entry = g_strstrip (parts[i]);

          if (entry[0] == '\0')
            continue;
          mask = g_inet_address_mask_new_from_string (entry, NULL);
          if (mask == NULL)
            {
              ld_fail_value (ld, "DATAGEMS_TRUSTED_PROXIES", entry,
                             "comma-separated IP addresses or CIDR ranges");
              break;
            }
          g_strv_builder_add (builder, entry);
        }
    }
  c->trusted_proxies = g_strv_builder_end (builder);
}

/* XDG_DATA_HOME, else HOME/.local/share, read from the environment given (for hermetic tests). */
static char *
default_data_dir (Loader *ld, gboolean process_env)
{
  const char *xdg = ld_raw (ld, "XDG_DATA_HOME");
  const char *home = ld_raw (ld, "HOME");

  if (process_env)
    return g_build_filename (g_get_user_data_dir (), "datagems", NULL);
  if (xdg != NULL && g_path_is_absolute (xdg))
    return g_build_filename (xdg, "datagems", NULL);
  if (home != NULL && g_path_is_absolute (home))
    return g_build_filename (home, ".local", "share", "datagems", NULL);
  return g_build_filename (g_get_user_data_dir (), "datagems", NULL);
}

static void
load_storage (Loader *ld, gboolean process_env)
{
  DgConfig *c = ld->config;
  g_autofree char *bind = NULL;
  g_autofree char *app_port = NULL;
  g_autofree char *app_port_text = NULL;
  double port;

  c->data_dir = ld_our_path (ld, "DATAGEMS_DATA_DIR", FALSE);
  if (c->data_dir == NULL)
    c->data_dir = default_data_dir (ld, process_env);

  c->database_path = ld_our_path (ld, "DATAGEMS_DATABASE", TRUE);
  if (c->database_path == NULL)
    c->database_path = g_build_filename (c->data_dir, "datagems.db", NULL);
  c->use_keyring = ld_our_flag (ld, "DATAGEMS_KEYRING", TRUE);

  bind = ld_ours (ld, "DATAGEMS_BIND");
  if (bind == NULL)
    c->server_bind = g_strdup ("127.0.0.1");
  else
    {
      char *text = g_strstrip (bind);
      gsize len = strlen (text);

      if (len > 2 && text[0] == '[' && text[len - 1] == ']')
        {
          text[len - 1] = '\0';
          text++;
        }
      if (g_hostname_is_ip_address (text) || dg_env_is_hostname (text))
        c->server_bind = g_strdup (text);
      else
        ld_fail_value (ld, "DATAGEMS_BIND", bind, "an IP address or host name");
    }

  /* Without DATAGEMS_PORT, the upstream DATAGEN_APP_PORT (lenient, default 3000) decides. */
  if (ld_raw (ld, "DATAGEMS_PORT") != NULL)
    {
      c->server_port = ld_our_int (ld, "DATAGEMS_PORT", 3000, 0, 65535);
      return;
    }
  c->server_port = 3000;
  app_port = ld_resolve (ld, "DATAGEN_APP_PORT");
  app_port_text = app_port != NULL ? dg_env_js_trim (app_port) : NULL;
  if (app_port_text == NULL || app_port_text[0] == '\0')
    return;
  if (dg_config_parse_number (app_port_text, &port) && port >= 0 && port <= 65535 &&
      port == floor (port))
    c->server_port = (int) port;
  else
    ld_warn (ld, "DATAGEN_APP_PORT is not a port number; using 3000");
}

static char *
describe_source (GPtrArray *ours_set)
{
  GString *out = g_string_new ("environment");

  if (ours_set->len == 0)
    {
      g_string_append (out, " (defaults for all DATAGEMS_* settings)");
      return g_string_free (out, FALSE);
    }
  g_string_append (out, " (");
  for (guint i = 0; i < ours_set->len; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? ", " : "", (const char *) ours_set->pdata[i]);
  g_string_append (out, " set)");
  return g_string_free (out, FALSE);
}

/**
 * dg_config_new_from_environ:
 * @envp: (nullable) (array zero-terminated=1): `NAME=VALUE` strings, or %NULL for this process's
 *   environment
 * @error: return location for a #DG_CONFIG_ERROR
 *
 * Resolves every setting. Fails on a reference cycle, on an unusable DATAGEMS_* value, and in
 * connected mode on missing peers, host address or auth variables (the messages name them).
 *
 * Returns: (transfer full): the configuration, or %NULL with @error set
 */
DgConfig *
dg_config_new_from_environ (const char *const *envp, GError **error)
{
  g_autoptr (DgConfig) config = g_new0 (DgConfig, 1);
  g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) ours_set = g_ptr_array_new ();
  Loader ld = { config, NULL, warnings, ours_set };

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_atomic_ref_count_init (&config->ref_count);
  config->env = dg_env_table_new (envp);

  load_mode (&ld);
  load_secrets (&ld);
  load_services (&ld);
  load_peers (&ld);
  check_connected_auth (&ld);
  load_inference (&ld);
  load_jobs (&ld);
  load_mail (&ld);
  load_login (&ld);
  load_storage (&ld, envp == NULL);
  if (ld.error != NULL)
    {
      g_propagate_error (error, ld.error);
      return NULL;
    }

  config->source = describe_source (ours_set);
  g_ptr_array_add (warnings, NULL);
  config->warnings = (GStrv) g_ptr_array_steal (warnings, NULL);
  return g_steal_pointer (&config);
}

/**
 * dg_config_resolve:
 * @self: a #DgConfig
 * @name: a variable name
 * @error: return location for a #DG_CONFIG_ERROR_CYCLE error
 *
 * Resolves @name from the configuration's environment with the upstream rules: the variable,
 * its legacy names, its built-in default, then `$VAR` expansion.
 *
 * Returns: (transfer full) (nullable): the value; %NULL when unset (check @error to tell a
 *   failure apart); may be "" when the value expands to nothing
 */
char *
dg_config_resolve (DgConfig *self, const char *name, GError **error)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return dg_env_resolve (self->env, name, error);
}

DgConfig *
dg_config_ref (DgConfig *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
dg_config_unref (DgConfig *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_clear_pointer (&self->env, g_hash_table_unref);
  g_free (self->node_env);
  g_free (self->session_secret);
  g_free (self->auth_hkey);
  g_free (self->auth_secret);
  g_free (self->auth_bootstrap_admin_password);
  g_free (self->cstore_url);
  g_free (self->r1fs_url);
  g_strfreev (self->sdk_chainstore_peers);
  g_strfreev (self->peers);
  g_free (self->host_addr);
  g_free (self->host_id);
  g_free (self->inference_base_url);
  g_free (self->app_base_url);
  g_free (self->local_cache_dir);
  g_free (self->smtp_host);
  g_free (self->smtp_user);
  g_free (self->smtp_pass);
  g_free (self->smtp_from);
  g_strfreev (self->trusted_proxies);
  g_free (self->data_dir);
  g_free (self->database_path);
  g_free (self->server_bind);
  g_free (self->source);
  g_strfreev (self->warnings);
  g_free (self);
}
