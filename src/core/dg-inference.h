/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "dg-config.h"
#include "dg-inference-endpoint.h"

G_BEGIN_DECLS

/*
 * DgInference: chat-completion calls with many requests in flight.
 *
 * One worker thread drives libcurl multi for every endpoint. Callers (any thread that runs a
 * GMainContext, normally the main thread) submit requests; each result comes back on the
 * thread-default main context of the submitting thread, taken at submit time. The worker
 * never touches the caller's objects: requests are read-only once submitted.
 *
 * Scheduling: at most `concurrency` HTTP requests in flight per DgInference (per instance),
 * shared round-robin first between owners (users), then between the queues (jobs) of an
 * owner. Each endpoint has an adaptive limit that shrinks by a quarter on 429/503 and grows
 * back by one per round of successes; Retry-After / retry-after-ms hold the endpoint. Transport errors,
 * timeouts, 408, 429 and 5xx are retried with exponential backoff and jitter; output that is
 * not JSON, or that the validation hook rejects, is re-asked at once. Other 4xx statuses fail
 * the record at once (retrying a bad key or a bad request cannot help). Every attempt is
 * recorded in the result.
 */

#define DG_INFERENCE_ERROR (dg_inference_error_quark ())

typedef enum {
  DG_INFERENCE_ERROR_HTTP,         /* "Inference call failed with status <code>" */
  DG_INFERENCE_ERROR_TRANSPORT,    /* connection refused/reset, DNS failure, truncated transfer */
  DG_INFERENCE_ERROR_TIMEOUT,      /* connect or whole-request timeout */
  DG_INFERENCE_ERROR_BAD_RESPONSE, /* body not JSON, "Inference response missing content", refusal */
  DG_INFERENCE_ERROR_RESULT,       /* "Inference result error: <error or status>" (Ratio1 result) */
  DG_INFERENCE_ERROR_UNPARSABLE,   /* "Failed to parse inference response as JSON" */
  DG_INFERENCE_ERROR_INVALID,      /* the validation hook rejected the output */
  DG_INFERENCE_ERROR_OFFLINE,      /* the offline generator failed */
  DG_INFERENCE_ERROR_ENDPOINT,     /* unusable endpoint (no base URL, URL policy refused it) */
  DG_INFERENCE_ERROR_SHUTDOWN,     /* the engine was shut down before the request finished */
} DgInferenceError;

GQuark dg_inference_error_quark (void);

/* What one attempt ended with. */
typedef enum {
  DG_INFERENCE_OUTCOME_OK,
  DG_INFERENCE_OUTCOME_TRANSPORT,       /* retried with backoff */
  DG_INFERENCE_OUTCOME_TIMEOUT,         /* retried with backoff */
  DG_INFERENCE_OUTCOME_RATE_LIMITED,    /* 429 (or 503 with Retry-After): retried, limit shrinks */
  DG_INFERENCE_OUTCOME_SERVER_ERROR,    /* 408, 5xx: retried with backoff */
  DG_INFERENCE_OUTCOME_HTTP_ERROR,      /* other non-2xx: not retried */
  DG_INFERENCE_OUTCOME_FORMAT_FALLBACK, /* OpenAI server refused json_schema: re-sent with json_object;
                                         * does not count against max attempts */
  DG_INFERENCE_OUTCOME_BAD_RESPONSE,    /* re-asked */
  DG_INFERENCE_OUTCOME_RESULT_ERROR,    /* re-asked */
  DG_INFERENCE_OUTCOME_UNPARSABLE,      /* re-asked */
  DG_INFERENCE_OUTCOME_INVALID,         /* re-asked */
  DG_INFERENCE_OUTCOME_REFUSED,         /* URL policy refused the resolved address: not retried */
  DG_INFERENCE_OUTCOME_CANCELLED,
} DgInferenceOutcome;

const char *dg_inference_outcome_to_string (DgInferenceOutcome outcome);

typedef struct {
  DgInferenceOutcome outcome;
  guint http_status;         /* 0 when no HTTP response */
  gint64 started_at_ms;      /* wall clock, unix ms */
  guint duration_ms;
  char *error;               /* NULL when ok */
  gint64 prompt_tokens;      /* -1 when the response had no usage */
  gint64 completion_tokens;  /* -1 when the response had no usage */
} DgInferenceAttempt;

typedef enum {
  DG_INFERENCE_STATUS_OK,
  DG_INFERENCE_STATUS_FAILED,
  DG_INFERENCE_STATUS_CANCELLED,
} DgInferenceStatus;

/* Reference counted, immutable once delivered. */
typedef struct {
  /*< private >*/
  gatomicrefcount ref_count;
  /*< public >*/
  DgInferenceStatus status;
  JsonNode *output;          /* the record or schema (OK only); sealed, never the envelope */
  GError *error;             /* why it failed (FAILED: last attempt's error; CANCELLED: G_IO_ERROR_CANCELLED) */
  GPtrArray *attempts;       /* DgInferenceAttempt*, in order */
  guint failed_attempts;     /* attempts that did not give the output (retries) */
  gint64 prompt_tokens;      /* sum over attempts that reported usage; -1 if none did */
  gint64 completion_tokens;
  gint64 index;              /* the record index given at submit (-1 for drafts) */
  char *model;               /* model name the server reported (MODEL_NAME / "model"), or NULL */
  guint duration_ms;         /* submit to result, queueing and backoff included */
} DgInferenceResult;

#define DG_TYPE_INFERENCE_RESULT (dg_inference_result_get_type ())
GType              dg_inference_result_get_type   (void) G_GNUC_CONST;
DgInferenceResult *dg_inference_result_ref        (DgInferenceResult *self);
void               dg_inference_result_unref      (DgInferenceResult *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DgInferenceResult, dg_inference_result_unref)

/*
 * The re-ask hook: returns NULL when @output is acceptable, or a newly allocated reason
 * (e.g. "/age: must be >= 0"); the attempt is then recorded as INVALID and re-asked.
 * It runs on the inference worker thread, so it must be thread-safe and quick; it may be
 * destroyed from any thread.
 */
typedef char *(*DgInferenceValidateFunc) (JsonNode *output,
                                          gpointer  user_data);

typedef enum {
  DG_INFERENCE_KIND_RECORD, /* one record of a job */
  DG_INFERENCE_KIND_SCHEMA, /* a schema draft */
} DgInferenceKind;

/* One model call (with its attempts). Build it, submit it, then do not change it. */
typedef struct _DgInferenceRequest DgInferenceRequest;

#define DG_TYPE_INFERENCE_REQUEST (dg_inference_request_get_type ())
GType               dg_inference_request_get_type             (void) G_GNUC_CONST;

/* @messages: [{"role","content"}...] (see dg-prompts.h); referenced, must not change later. */
DgInferenceRequest *dg_inference_request_new                  (DgInferenceEndpoint    *endpoint,
                                                               DgInferenceKind         kind,
                                                               JsonArray              *messages);
/* A request sharing everything but @messages and the record with @template_ (endpoint,
 * schema, parameters, validation hook): prepared once per job instead of once per record.
 * @template_ can no longer be changed afterwards. */
DgInferenceRequest *dg_inference_request_new_from_template    (DgInferenceRequest     *template_,
                                                               JsonArray              *messages);
DgInferenceRequest *dg_inference_request_ref                  (DgInferenceRequest     *self);
void                dg_inference_request_unref                (DgInferenceRequest     *self);

/* The JSON Schema sent as response_format (Ratio1: {"type":"json_object","schema":…};
 * OpenAI: {"type":"json_schema","json_schema":{"name":@name,"schema":…,"strict":true}}).
 * For offline records it is the schema the generator follows. Referenced, must not change. */
void                dg_inference_request_set_response_schema  (DgInferenceRequest     *self,
                                                               const char             *name,
                                                               JsonNode               *schema);
/* Body keys sent before the endpoint's parameters, which override them (drafting uses
 * temperature 0.2 and max_tokens 1200 as upstream). Copied. */
void                dg_inference_request_set_default_parameters (DgInferenceRequest   *self,
                                                               JsonObject             *parameters);
/* 0: the engine default (DgInferenceOptions.max_attempts). */
void                dg_inference_request_set_max_attempts     (DgInferenceRequest     *self,
                                                               guint                   max_attempts);
void                dg_inference_request_set_validate_func    (DgInferenceRequest     *self,
                                                               DgInferenceValidateFunc func,
                                                               gpointer                user_data,
                                                               GDestroyNotify          destroy);
/* Record index and job seed: reported back in the result, drive the offline generator
 * and the retry jitter. */
void                dg_inference_request_set_record           (DgInferenceRequest     *self,
                                                               gint64                  index,
                                                               guint64                 seed);
/* What the offline backend drafts from (ignored by HTTP backends, whose prompt is in
 * @messages). */
void                dg_inference_request_set_draft_input      (DgInferenceRequest     *self,
                                                               const char             *title,
                                                               const char             *description,
                                                               const char             *instructions,
                                                               gboolean                dataset_mode);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DgInferenceRequest, dg_inference_request_unref)

/*
 * DgInferenceQueue: one job's (or one draft's) share of the engine. Requests of a queue are
 * served in submission order (retries first); queues of the same @owner take turns, and
 * owners take turns. Cancelling a queue stops its requests at once (in-flight transfers are
 * removed from libcurl); their results arrive as CANCELLED.
 */
typedef struct _DgInferenceQueue DgInferenceQueue;

typedef struct _DgInference DgInference;

#define DG_TYPE_INFERENCE_QUEUE (dg_inference_queue_get_type ())
GType             dg_inference_queue_get_type     (void) G_GNUC_CONST;
DgInferenceQueue *dg_inference_queue_new          (DgInference      *inference,
                                                   const char       *owner,
                                                   const char       *label);
DgInferenceQueue *dg_inference_queue_ref          (DgInferenceQueue *self);
void              dg_inference_queue_unref        (DgInferenceQueue *self);
/* Thread-safe; idempotent. Later submissions to the queue complete as CANCELLED. */
void              dg_inference_queue_cancel       (DgInferenceQueue *self);
gboolean          dg_inference_queue_is_cancelled (DgInferenceQueue *self);
/* Submitted requests whose result has not been delivered yet. Thread-safe. */
guint             dg_inference_queue_get_pending  (DgInferenceQueue *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DgInferenceQueue, dg_inference_queue_unref)

typedef struct {
  guint concurrency;          /* HTTP requests in flight per instance (0: 8) */
  guint max_attempts;         /* per record (0: 3) */
  guint connect_timeout_ms;   /* (0: 10000) */
  guint timeout_ms;           /* whole request (0: 120000) */
  guint backoff_base_ms;      /* first retry delay before jitter (0: 500) */
  guint backoff_max_ms;       /* cap of the exponential delay (0: 30000) */
  guint retry_after_max_ms;   /* longest Retry-After we wait (0: 300000); longer is capped */
  gboolean log_requests;      /* LOG_INFERENCE_REQUESTS: keys redacted */
} DgInferenceOptions;

/* Fills @options from the DATAGEMS_INFERENCE_* / LOG_INFERENCE_REQUESTS settings. */
void dg_inference_options_init_from_config (DgInferenceOptions *options,
                                            DgConfig           *config);

/* Called on the submitter's main context. @result is borrowed: ref it to keep it. */
typedef void (*DgInferenceCallback) (DgInferenceResult *result,
                                     gpointer           user_data);

#define DG_TYPE_INFERENCE (dg_inference_get_type ())
G_DECLARE_FINAL_TYPE (DgInference, dg_inference, DG, INFERENCE, GObject)

/* Starts the worker thread. @options may be NULL (all defaults). */
DgInference *dg_inference_new                 (const DgInferenceOptions *options);
DgInference *dg_inference_new_from_config     (DgConfig                 *config);

/*
 * Queues @request. @callback runs exactly once, on the thread-default main context of the
 * calling thread, with OK, FAILED or CANCELLED; then @destroy(@user_data) runs there too.
 * @queue NULL: a shared default queue. @cancellable (optional) cancels this request only;
 * to stop a whole job use dg_inference_queue_cancel() (cheaper than one cancellable per record).
 */
void         dg_inference_submit              (DgInference         *self,
                                               DgInferenceQueue    *queue,
                                               DgInferenceRequest  *request,
                                               GCancellable        *cancellable,
                                               DgInferenceCallback  callback,
                                               gpointer             user_data,
                                               GDestroyNotify       destroy);

/* GTask flavour of dg_inference_submit() for one-off calls such as drafting. */
void               dg_inference_request_async  (DgInference         *self,
                                                DgInferenceQueue    *queue,
                                                DgInferenceRequest  *request,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
/* Always returns the result (attempts included); also sets @error unless it is OK. */
DgInferenceResult *dg_inference_request_finish (DgInference         *self,
                                                GAsyncResult        *result,
                                                GError             **error);

/*
 * Model listing (upstream 1.17, with timeouts, no redirects and the URL policy): GET
 * {base}/models, and if that is not 2xx, GET {base}/get_models; the first 2xx body's "data"
 * array if non-empty, else the body if it is an array, else []. Errors: "Model list failed
 * with status <last status>" (DG_INFERENCE_ERROR_HTTP), transport/timeout/invalid JSON
 * messages otherwise. Offline endpoints list the single model "offline".
 */
void         dg_inference_list_models_async   (DgInference         *self,
                                               DgInferenceEndpoint *endpoint,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
JsonArray   *dg_inference_list_models_finish  (DgInference         *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* Cancels everything and joins the worker; pending results arrive as CANCELLED with
 * DG_INFERENCE_ERROR_SHUTDOWN. Also done on dispose. */
void         dg_inference_shutdown            (DgInference         *self);

guint        dg_inference_get_concurrency     (DgInference         *self);
/* Changes the instance budget of requests in flight, effective at once for queued work
 * (transfers already running finish). Thread-safe. */
void         dg_inference_set_concurrency     (DgInference         *self,
                                               guint                concurrency);

/* Counters for tests, benchmarks and the metrics page. Thread-safe snapshot. */
typedef struct {
  guint in_flight;            /* HTTP transfers running now */
  guint queued;               /* requests waiting (ready or in backoff) */
  guint64 submitted;
  guint64 completed_ok;
  guint64 completed_failed;
  guint64 completed_cancelled;
  guint64 http_requests;      /* transfers started */
  guint max_in_flight;        /* highest in_flight seen */
  gint64 worker_cpu_us;       /* CPU time of the worker thread so far */
} DgInferenceStats;

void         dg_inference_get_stats           (DgInference         *self,
                                               DgInferenceStats    *out_stats);
/* Current adaptive limit of @endpoint's server (the instance concurrency if it was never
 * throttled). */
guint        dg_inference_get_endpoint_limit  (DgInference         *self,
                                               DgInferenceEndpoint *endpoint);

G_END_DECLS
