/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DG_CONFIG_ERROR (dg_config_error_quark ())

typedef enum {
  DG_CONFIG_ERROR_INVALID,  /* a variable has a value we cannot use; the message names it */
  DG_CONFIG_ERROR_CYCLE,    /* $VAR expansion refers back to itself */
  DG_CONFIG_ERROR_MISSING,  /* a required variable is unset */
} DgConfigError;

GQuark dg_config_error_quark (void);

/*
 * DgConfig: every setting of DataGems, resolved once from an environment.
 *
 * Upstream variables (upstream-behaviour.md section 13) keep their names, defaults and
 * parsing rules; DATAGEMS_* variables are our own. The struct is immutable after
 * dg_config_new_from_environ() and reference counted, so any thread may read it.
 * Strings are NULL when unset (never "").
 */
typedef struct _DgConfig DgConfig;

/* Records per job for the database's owner when DATAGEN_MAX_RECORDS_PER_JOB is not set. */
#define DG_CONFIG_OWNER_MAX_RECORDS 100000000

struct _DgConfig {
  /*< private >*/
  gatomicrefcount ref_count;
  GHashTable *env;           /* the environment it was resolved from */

  /*< public >*/
  /* Mode */
  char *node_env;            /* NODE_ENV */
  gboolean production;       /* NODE_ENV == "production" */
  gboolean development;      /* NODE_ENV is "development" or "test" */
  gboolean mock_cstore;      /* DATAGEN_MOCK_CSTORE (or auto-enabled in development, 11.1) */
  gboolean mock_inference;   /* DATAGEN_MOCK_INFERENCE_API */
  gboolean connected;        /* a CStore endpoint is configured and mock_cstore is off */

  /* Secrets (never log these) */
  char *session_secret;      /* DATAGEN_SESSION_SECRET; dev/test fallback; NULL otherwise (the caller decides) */
  gboolean session_secret_is_dev_default; /* session_secret is the built-in development constant */
  /* The three auth values are read as cstore-auth-ts reads them: raw (no $VAR expansion, so the
   * pepper bytes match other instances) with `??` precedence (a present R1EN_ name hides the legacy
   * one even when empty). Required (hkey, secret) only in connected mode. */
  char *auth_hkey;           /* R1EN_CSTORE_AUTH_HKEY (legacy EE_CSTORE_AUTH_HKEY) */
  char *auth_secret;         /* R1EN_CSTORE_AUTH_SECRET (legacy EE_CSTORE_AUTH_SECRET): the pepper */
  char *auth_bootstrap_admin_password; /* R1EN_CSTORE_AUTH_BOOTSTRAP_ADMIN_PWD (legacy _PW, _PWD); blank -> NULL */

  /* Ratio1 services */
  /* CStore: EE_CHAINSTORE_API_HOST(+PORT) > CSTORE_API_HOST(+PORT) > EE_CHAINSTORE_API_URL >
   * CSTORE_API_URL > R1EN_CHAINSTORE_API_URL; R1FS likewise with EE_R1FS_/R1FS_/R1EN_R1FS_ names. */
  char *cstore_url;          /* resolved CStore base URL, no trailing slash; NULL when none is configured */
  char *r1fs_url;            /* resolved R1FS base URL, no trailing slash; http://localhost:31235 when only
                              * CStore is configured (the SDK default); NULL when neither is */
  GStrv sdk_chainstore_peers;/* EE_CHAINSTORE_PEERS (JSON array), sent as chainstore_peers */
  gboolean sdk_debug;        /* DATAGEN_DEBUG == "true" */
  GStrv peers;               /* R1EN_CHAINSTORE_PEERS parsed (comma list or JSON array); {"local"} standalone */
  char *host_addr;           /* R1EN_HOST_ADDR: this instance's peer id ("local" standalone) */
  char *host_id;             /* R1EN_HOST_ID, raw (no expansion) */

  /* Inference */
  char *inference_base_url;  /* DATAGEN_INFERENCE_HOST/PORT by the host/port rule, else DATAGEN_INFERENCE_BASE_URL */
  gboolean log_inference_requests;   /* LOG_INFERENCE_REQUESTS */
  gboolean retry_inference_on_failure; /* RETRY_INFERENCE_ON_FAILURE */
  int max_external_api_configs;      /* DATAGEN_MAX_EXTERNAL_API_CONFIGS (10) */
  int inference_concurrency;         /* DATAGEMS_INFERENCE_CONCURRENCY (8): requests in flight per instance */
  int inference_max_attempts;        /* DATAGEMS_INFERENCE_MAX_ATTEMPTS (3) */
  int inference_connect_timeout_ms;  /* DATAGEMS_INFERENCE_CONNECT_TIMEOUT_MS (10000) */
  int inference_timeout_ms;          /* DATAGEMS_INFERENCE_TIMEOUT_MS (120000): whole request */

  /* Application / jobs */
  char *app_base_url;        /* DATAGEN_APP_HOST/PORT by the host/port rule (kept for compatibility) */
  int max_records_per_job;   /* DATAGEN_MAX_RECORDS_PER_JOB (200) */
  int owner_max_records_per_job; /* the same when it is set, else DG_CONFIG_OWNER_MAX_RECORDS:
                                  * the web limit binds remote users of a shared server, not
                                  * whoever owns the database (the CLI, the desktop app) */
  int job_poll_seconds;      /* DATAGEN_JOB_POLL_SECONDS (5) */
  int update_every_k_requests; /* DATAGEN_UPDATE_EVERY_K_REQUESTS (5) */
  int max_concurrent_jobs;   /* DATAGEN_MAX_CONCURRENT_JOBS_PER_INSTANCE (1) */
  char *local_cache_dir;     /* DATAGEN_LOCAL_CACHE_DIR (/_local_cache/datagen) */
  gboolean disable_worker;   /* DATAGEN_DISABLE_WORKER */
  gboolean log_r1fs_calls;   /* DATAGEN_LOG_R1FS_CALLS */
  int active_poll_seconds;   /* DATAGEN_ACTIVE_POLL_SECONDS (10) */
  int idle_poll_seconds;     /* DATAGEN_IDLE_POLL_SECONDS (30) */

  /* Mail and registration */
  char *smtp_host;           /* DATAGEN_SMTP_HOST (smtp.resend.com) */
  int smtp_port;             /* DATAGEN_SMTP_PORT (465; non-numeric or out of range -> 587; blank -> 0 = not configured) */
  char *smtp_user;           /* DATAGEN_SMTP_USER (resend) */
  char *smtp_pass;           /* DATAGEN_SMTP_PASS (unset) */
  char *smtp_from;           /* DATAGEN_SMTP_FROM (no-reply@datagems.app) */
  int register_window_seconds;        /* DATAGEN_REGISTER_RATE_WINDOW_SECONDS (900) */
  int register_max_per_ip;            /* DATAGEN_REGISTER_MAX_PER_IP (10) */
  int register_max_per_email;         /* DATAGEN_REGISTER_MAX_PER_EMAIL (3) */
  int resend_window_seconds;          /* DATAGEN_REGISTER_RESEND_WINDOW_SECONDS (900) */
  int resend_max_per_ip;              /* DATAGEN_REGISTER_RESEND_MAX_PER_IP (5) */
  int resend_max_per_email;           /* DATAGEN_REGISTER_RESEND_MAX_PER_EMAIL (2) */
  int register_failure_ttl_seconds;   /* DATAGEN_REGISTER_FAILURE_TTL_SECONDS (86400; < 60 -> 86400) */
  gboolean allow_registration;        /* DATAGEMS_ALLOW_REGISTRATION (on) */

  /* Login throttling (ours) */
  int login_max_failures;    /* DATAGEMS_LOGIN_MAX_FAILURES (10) */
  int login_window_seconds;  /* DATAGEMS_LOGIN_WINDOW_SECONDS (900) */
  GStrv trusted_proxies;     /* DATAGEMS_TRUSTED_PROXIES: addresses whose X-Forwarded-For we believe */

  /* Local storage and the embedded server (ours) */
  char *data_dir;            /* DATAGEMS_DATA_DIR ($XDG_DATA_HOME/datagems) */
  char *database_path;       /* DATAGEMS_DATABASE (data_dir/datagems.db) */
  gboolean use_keyring;      /* DATAGEMS_KEYRING (on): API keys in the user's keyring when one
                              * is reachable; off: always encrypted in the database */
  char *server_bind;         /* DATAGEMS_BIND (127.0.0.1) */
  int server_port;           /* DATAGEMS_PORT (DATAGEN_APP_PORT, 3000) */
  char *source;              /* where settings came from, for `datagems-cli info` */
  GStrv warnings;            /* things worth logging once at start-up (auto mock mode, ignored values);
                              * never contains secrets; empty array when none */
};

DgConfig   *dg_config_new_from_environ (const char * const *envp,
                                        GError            **error);
DgConfig   *dg_config_ref              (DgConfig *self);
void        dg_config_unref            (DgConfig *self);

/* Generic access with the upstream rules: fallbacks, defaults and $VAR expansion. */
char       *dg_config_resolve          (DgConfig    *self,
                                        const char  *name,
                                        GError     **error);
gboolean    dg_config_parse_flag       (const char *value);
gboolean    dg_config_parse_number     (const char *value,
                                        double     *out_number);
char       *dg_config_host_port_url    (const char *host,
                                        const char *port);
GStrv       dg_config_parse_peer_list  (const char *value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DgConfig, dg_config_unref)

G_END_DECLS
