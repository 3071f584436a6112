/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <curl/curl.h>

#include "dg-inference.h"
#include "dg-json-repair.h"

G_BEGIN_DECLS

/* Engine internals shared by dg-inference*.c. Nothing here is for other rooms. */

#define DG_INFERENCE_DEFAULT_CONCURRENCY 8
#define DG_INFERENCE_DEFAULT_MAX_ATTEMPTS 3
#define DG_INFERENCE_DEFAULT_CONNECT_TIMEOUT_MS 10000
#define DG_INFERENCE_DEFAULT_TIMEOUT_MS 120000
#define DG_INFERENCE_DEFAULT_BACKOFF_BASE_MS 500
#define DG_INFERENCE_DEFAULT_BACKOFF_MAX_MS 30000
#define DG_INFERENCE_DEFAULT_RETRY_AFTER_MAX_MS 300000
#define DG_INFERENCE_MAX_RESPONSE_BYTES (16 * 1024 * 1024)

struct _DgInferenceEndpoint
{
  gatomicrefcount ref_count;
  gint frozen; /* atomic: set once a request uses it */
  DgInferenceBackend backend;
  char *base_url;
  char *path;
  char *model;
  char *api_key;
  JsonObject *parameters;
  guint connect_timeout_ms;
  guint timeout_ms;
  DgUrlPolicyFlags url_policy;
};

void dg_inference_endpoint_freeze (DgInferenceEndpoint *self);
/* Identity of the server for shared limits: "backend request-url model". */
char *dg_inference_endpoint_dup_key (DgInferenceEndpoint *self);

/*
 * What requests of one kind have in common; shared between a template request and the
 * requests made from it. Everything the worker reads is prepared here, on the submitting
 * thread, as text: the worker never touches the caller's JsonNodes.
 */
typedef struct
{
  gatomicrefcount ref_count;
  gint frozen; /* atomic */
  GMutex lock; /* guards the lazy offline generator */

  DgInferenceEndpoint *endpoint;
  DgInferenceKind kind;
  char *schema_name;
  JsonNode *schema;        /* sealed copy; for the offline generator */
  JsonObject *default_parameters;
  guint max_attempts;
  DgInferenceValidateFunc validate;
  gpointer validate_data;
  GDestroyNotify validate_destroy;
  char *draft_title;
  char *draft_description;
  char *draft_instructions;
  gboolean draft_dataset_mode;

  /* Prepared at freeze time. */
  char *request_url;
  char *endpoint_key;
  char *model_json;        /* "\"gpt-4o\"" or NULL */
  char *params_json;       /* ",\"temperature\":0.2,…" (may be "") */
  char *params_log_json;   /* the same with secrets redacted */
  char *schema_json;       /* compact schema or NULL */
  char *schema_name_json;  /* quoted name */
  char *auth_header;       /* "Authorization: Bearer …" or NULL */
  char *url_error;         /* the URL policy refused the base URL (upstream 5.8 message) */
  gpointer offline;        /* DgOfflineGenerator*, created lazily under @lock */
  GDestroyNotify offline_free;
} DgInferenceShared;

struct _DgInferenceRequest
{
  gatomicrefcount ref_count;
  gint submitted; /* atomic */
  DgInferenceShared *shared;
  JsonArray *messages;
  char *messages_json; /* prepared at submit */
  gint64 index;
  guint64 seed;
};

DgInferenceShared *dg_inference_shared_ref (DgInferenceShared *shared);
void dg_inference_shared_unref (DgInferenceShared *shared);
/* Prepares the text the worker needs; idempotent; called on the submitting thread. */
void dg_inference_request_prepare (DgInferenceRequest *self);

typedef struct _DgInferenceWorker DgInferenceWorker;

struct _DgInferenceQueue
{
  gatomicrefcount ref_count;
  DgInferenceWorker *worker; /* strong */
  guint64 id;
  char *owner;
  char *label;
  gint cancelled; /* atomic */
  gint pending;   /* atomic */

  /* Worker thread only. */
  GQueue ready;   /* Task*, next first */
  gboolean active; /* in its owner's rotation */
  gpointer owner_state;
};

DgInferenceResult *dg_inference_result_new (void);
void dg_inference_attempt_free (DgInferenceAttempt *attempt);

/* dg-inference.c */
DgInferenceWorker *dg_inference_get_worker (DgInference *self);

/* dg-inference-offline.c: the offline backend (runs on the worker thread, thread-safe). */
JsonNode *dg_inference_offline_run (DgInferenceShared *shared, gint64 index, guint64 seed,
                                    GError **error);

/* dg-inference-worker.c */
DgInferenceWorker *dg_inference_worker_new (const DgInferenceOptions *options);
DgInferenceWorker *dg_inference_worker_ref (DgInferenceWorker *worker);
void dg_inference_worker_unref (DgInferenceWorker *worker);
void dg_inference_worker_submit (DgInferenceWorker *worker, DgInferenceQueue *queue,
                                 DgInferenceRequest *request, GCancellable *cancellable,
                                 DgInferenceCallback callback, gpointer user_data,
                                 GDestroyNotify destroy);
void dg_inference_worker_cancel_queue (DgInferenceWorker *worker, DgInferenceQueue *queue);
DgInferenceQueue *dg_inference_worker_get_default_queue (DgInferenceWorker *worker);
guint64 dg_inference_worker_next_queue_id (DgInferenceWorker *worker);
void dg_inference_worker_shutdown (DgInferenceWorker *worker);
void dg_inference_worker_get_stats (DgInferenceWorker *worker, DgInferenceStats *out_stats);
guint dg_inference_worker_get_endpoint_limit (DgInferenceWorker *worker, const char *key);
guint dg_inference_worker_get_concurrency (DgInferenceWorker *worker);
void dg_inference_worker_set_concurrency (DgInferenceWorker *worker, guint concurrency);
const DgInferenceOptions *dg_inference_worker_get_options (DgInferenceWorker *worker);

/* dg-inference-protocol.c: request bodies and response parsing. */
typedef struct
{
  JsonNode *output;
  gint64 prompt_tokens;
  gint64 completion_tokens;
  char *model;
  DgJsonRepairFlags repairs;
  gboolean truncated_by_length; /* finish_reason "length" */
} DgInferenceParsed;

void dg_inference_parsed_clear (DgInferenceParsed *parsed);
GString *dg_inference_build_body (DgInferenceShared *shared, const char *messages_json,
                                  gboolean json_object_only, gboolean for_log);
gboolean dg_inference_parse_response (const char *body, gsize length, DgInferenceParsed *out,
                                      GError **error);
/* A 400 that says the server does not take json_schema response formats. */
gboolean dg_inference_is_format_refusal (guint status, const char *body, gsize length);
/* Short server-side explanation of an error body ("error.message"), or NULL. */
char *dg_inference_error_detail (const char *body, gsize length);
/* Retry-After (delta seconds or HTTP-date) / retry-after-ms in milliseconds; -1 if absent or bad. */
gint64 dg_inference_parse_retry_after (const char *value, gint64 now_unix_s);
gint64 dg_inference_parse_retry_after_ms (const char *value);
/* Text for LOG_INFERENCE_REQUESTS: @secret (may be NULL) replaced by "[redacted]". */
char *dg_inference_redact (const char *text, gsize length, const char *secret, gsize max_length);
/* The connect-time URL policy of one transfer; @error receives the refusal. */
typedef struct
{
  DgUrlPolicyFlags flags;
  GError *error;
} DgInferencePolicyGuard;

/* Applies the curl options common to every outbound inference transfer: timeouts, no
 * redirects, http/https only, the URL policy on every address connected to. */
void dg_inference_setup_easy (CURL *easy, DgInferencePolicyGuard *guard,
                              guint connect_timeout_ms, guint timeout_ms);

G_END_DECLS
