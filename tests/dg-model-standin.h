/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * DgModelStandin: a stand-in model server for tests and benchmarks.
 *
 * Real HTTP on 127.0.0.1 (a DgTestServer thread). It speaks
 *   POST /create_chat_completion             Ratio1 (wrapped, raw or TEXT_RESPONSE-only shape)
 *   POST /chat/completions, /v1/chat/completions   OpenAI-compatible
 *   GET  /models, /v1/models, /get_models    model lists
 * and answers with records generated from the request's response_format schema.
 *
 * Latency is non-blocking (paused messages and timeouts on the server thread), a cap on
 * concurrent requests answers 429/503 or queues, and faults are injected per request: by
 * arrival number (0-based, in the order requests reach the server) or for a deterministic
 * pseudo-random fraction of requests. Every counter is exact and thread-safe.
 *
 * All setters may be called from any thread at any time; they apply to requests that
 * arrive afterwards.
 */

typedef enum {
  DG_STANDIN_FAULT_NONE,
  DG_STANDIN_FAULT_HTTP_500,        /* 500 with an OpenAI-style error body */
  DG_STANDIN_FAULT_HTTP_503,        /* 503 without Retry-After */
  DG_STANDIN_FAULT_RATE_LIMIT,      /* 429 with the configured Retry-After / retry-after-ms */
  DG_STANDIN_FAULT_HANG,            /* never answers (until the stand-in is freed) */
  DG_STANDIN_FAULT_TRUNCATED_BODY,  /* Content-Length promises more; the connection closes */
  DG_STANDIN_FAULT_TRUNCATED_JSON,  /* 200, complete HTTP, the JSON envelope cut in half */
  DG_STANDIN_FAULT_PROSE,           /* the record with prose before and after it */
  DG_STANDIN_FAULT_FENCED,          /* the record in a ```json fence */
  DG_STANDIN_FAULT_INVALID_RECORD,  /* JSON that breaks the schema (required keys missing) */
  DG_STANDIN_FAULT_NOT_JSON,        /* prose without any JSON */
  DG_STANDIN_FAULT_HTTP_401,        /* 401: not retryable */
  DG_STANDIN_N_FAULTS
} DgStandinFault;

typedef enum {
  DG_STANDIN_RATIO1_WRAPPED,        /* {"result":{…,"TEXT_RESPONSE":[…],"FULL_OUTPUT":[…]},node metadata} */
  DG_STANDIN_RATIO1_RAW,            /* the inner object at the top level */
  DG_STANDIN_RATIO1_TEXT_ONLY,      /* {"result":{…,"TEXT_RESPONSE":[…]}} without FULL_OUTPUT */
} DgStandinRatio1Shape;

typedef enum {
  DG_STANDIN_OVER_CAP_429,
  DG_STANDIN_OVER_CAP_503,
  DG_STANDIN_OVER_CAP_QUEUE,
} DgStandinOverCap;

typedef struct {
  guint total;                      /* chat requests received (faulty ones included) */
  guint ratio1;                     /* of which on /create_chat_completion */
  guint openai;                     /* of which on …/chat/completions */
  guint models;                     /* GET model-list requests */
  guint answered_ok;                /* 200 with a valid record */
  guint faults[DG_STANDIN_N_FAULTS];/* requests per injected fault (NONE: no fault) */
  guint over_cap;                   /* refused by the concurrency cap (429/503) */
  guint queued;                     /* held back by the cap in queue mode */
  guint format_refused;             /* OpenAI json_schema refused with 400 */
  guint unauthorized;               /* wrong or missing API key */
  guint in_flight;                  /* received and not answered yet */
  guint max_in_flight;              /* highest in_flight seen */
} DgStandinStats;

typedef struct _DgModelStandin DgModelStandin;

DgModelStandin *dg_model_standin_new               (void);
void            dg_model_standin_free              (DgModelStandin      *self);
/* "http://127.0.0.1:PORT" (no trailing slash). */
const char     *dg_model_standin_get_url           (DgModelStandin      *self);

void            dg_model_standin_set_latency_ms    (DgModelStandin      *self,
                                                    guint                latency_ms);
/* 0: no cap. */
void            dg_model_standin_set_max_concurrent (DgModelStandin     *self,
                                                    guint                max_concurrent,
                                                    DgStandinOverCap     over_cap);
/* Fault for the request with arrival number @arrival (0-based). */
void            dg_model_standin_set_fault_at      (DgModelStandin      *self,
                                                    guint                arrival,
                                                    DgStandinFault       fault);
/* A deterministic @fraction of requests (by hash of @seed and arrival number) gets one of
 * @faults (chosen by the same hash). Explicit faults (set_fault_at) take precedence. */
void            dg_model_standin_set_fault_fraction (DgModelStandin     *self,
                                                    double               fraction,
                                                    guint64              seed,
                                                    const DgStandinFault *faults,
                                                    guint                n_faults);
/* Headers sent with DG_STANDIN_FAULT_RATE_LIMIT and the cap's 429/503 (NULL: none). */
void            dg_model_standin_set_retry_after   (DgModelStandin      *self,
                                                    const char          *retry_after,
                                                    const char          *retry_after_ms);
void            dg_model_standin_set_ratio1_shape  (DgModelStandin      *self,
                                                    DgStandinRatio1Shape shape);
/* OpenAI: answer 400 to json_schema response formats (as some servers do). */
void            dg_model_standin_set_refuse_json_schema (DgModelStandin *self,
                                                    gboolean             refuse);
/* OpenAI: message content as an array of {"type":"text","text":…} parts. */
void            dg_model_standin_set_content_parts (DgModelStandin      *self,
                                                    gboolean             parts);
/* Requests must carry "Authorization: Bearer @api_key" (NULL: no check). */
void            dg_model_standin_set_api_key       (DgModelStandin      *self,
                                                    const char          *api_key);
/* Every chat request gets exactly this answer (for response-shape tests); NULL to stop.
 * A 3xx status also sends a Location header (back to the chat path). */
void            dg_model_standin_set_fixed_response (DgModelStandin     *self,
                                                    guint                status,
                                                    const char          *body);
/* Model-list answers: @status and @body for /models (and /v1/models) and for /get_models. */
void            dg_model_standin_set_models        (DgModelStandin      *self,
                                                    guint                models_status,
                                                    const char          *models_body,
                                                    guint                get_models_status,
                                                    const char          *get_models_body);

void            dg_model_standin_get_stats         (DgModelStandin      *self,
                                                    DgStandinStats      *out_stats);
/* The last chat request: body text, request path and Authorization header (or NULL). */
char           *dg_model_standin_dup_last_body     (DgModelStandin      *self);
char           *dg_model_standin_dup_last_path     (DgModelStandin      *self);
char           *dg_model_standin_dup_last_authorization (DgModelStandin *self);
/* Arrival times (g_get_monotonic_time) of every chat request, in arrival order. */
GArray         *dg_model_standin_dup_arrivals      (DgModelStandin      *self);
/* Releases every hung request (answers 503) so clients see the end. */
void            dg_model_standin_release_hung      (DgModelStandin      *self);

const char     *dg_standin_fault_to_string         (DgStandinFault       fault);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DgModelStandin, dg_model_standin_free)

G_END_DECLS
