/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "dg-config.h"
#include "dg-url-policy.h"

G_BEGIN_DECLS

/*
 * DgInferenceEndpoint: where and how one model call is made.
 *
 * A small reference-counted value: backend kind, base URL, path, model, API key,
 * parameters merged into every request body, timeouts and the outbound-address policy.
 * Build it on any thread with the setters, then hand it to dg_inference_request_new();
 * from then on it is shared with the inference worker thread and is read-only (the setters
 * refuse to change an endpoint that has been submitted).
 *
 * Requests to endpoints with the same backend, request URL and model share one adaptive
 * concurrency limit, one Retry-After hold and the memory that a server refused
 * json_schema response formats, whatever the API key or job.
 */

typedef enum {
  DG_INFERENCE_BACKEND_RATIO1,  /* POST {base}{path, default /create_chat_completion} */
  DG_INFERENCE_BACKEND_OPENAI,  /* POST {base}{path, default /chat/completions} */
  DG_INFERENCE_BACKEND_OFFLINE, /* dg-offline, no HTTP */
} DgInferenceBackend;

typedef struct _DgInferenceEndpoint DgInferenceEndpoint;

#define DG_TYPE_INFERENCE_ENDPOINT (dg_inference_endpoint_get_type ())
GType                dg_inference_endpoint_get_type        (void) G_GNUC_CONST;

/* @base_url may be NULL only for DG_INFERENCE_BACKEND_OFFLINE. URL policy defaults to
 * DG_URL_POLICY_NONE (strict: private addresses refused); set DG_URL_POLICY_ALLOW_PRIVATE for
 * the desktop user, admins and the configured internal endpoint. */
DgInferenceEndpoint *dg_inference_endpoint_new             (DgInferenceBackend   backend,
                                                            const char          *base_url);
DgInferenceEndpoint *dg_inference_endpoint_ref             (DgInferenceEndpoint *self);
void                 dg_inference_endpoint_unref           (DgInferenceEndpoint *self);

/* Blank or NULL path: the backend default. A missing leading '/' is added. */
void                 dg_inference_endpoint_set_path        (DgInferenceEndpoint *self,
                                                            const char          *path);
void                 dg_inference_endpoint_set_model       (DgInferenceEndpoint *self,
                                                            const char          *model);
/* Sent as "Authorization: Bearer <key>"; never logged. */
void                 dg_inference_endpoint_set_api_key     (DgInferenceEndpoint *self,
                                                            const char          *api_key);
/* Keys merged at the top level of every request body (after request defaults such as the
 * drafting temperature, before response_format, which is always ours). Copied. */
void                 dg_inference_endpoint_set_parameters  (DgInferenceEndpoint *self,
                                                            JsonObject          *parameters);
/* 0 keeps the engine default (DgInferenceOptions). */
void                 dg_inference_endpoint_set_timeouts    (DgInferenceEndpoint *self,
                                                            guint                connect_timeout_ms,
                                                            guint                timeout_ms);
void                 dg_inference_endpoint_set_url_policy  (DgInferenceEndpoint *self,
                                                            DgUrlPolicyFlags     flags);

DgInferenceBackend   dg_inference_endpoint_get_backend     (DgInferenceEndpoint *self);
const char          *dg_inference_endpoint_get_base_url    (DgInferenceEndpoint *self);
const char          *dg_inference_endpoint_get_path        (DgInferenceEndpoint *self);
const char          *dg_inference_endpoint_get_model       (DgInferenceEndpoint *self);
gboolean             dg_inference_endpoint_has_api_key     (DgInferenceEndpoint *self);
JsonObject          *dg_inference_endpoint_get_parameters  (DgInferenceEndpoint *self);
DgUrlPolicyFlags     dg_inference_endpoint_get_url_policy  (DgInferenceEndpoint *self);
/* The full request URL (base without one trailing '/', plus path); NULL for offline. */
char                *dg_inference_endpoint_dup_request_url (DgInferenceEndpoint *self);

/*
 * The endpoint a job or a draft uses, by the rules of issue 3 / upstream 5.1 and 1.10:
 * - config->mock_inference on: always the offline generator;
 * - @base_url given (a profile or an override): that server, with @path/@model/@api_key/
 *   @parameters; @backend is the profile's API, or dg_inference_backend_guess() when the
 *   caller passes -1;
 * - else config->inference_base_url (Ratio1 API, local addresses allowed, never checked),
 *   still with the profile's @path/@model/@api_key/@parameters as upstream does;
 * - else the offline generator (never upstream's silent "stubbed" output).
 * @url_policy applies to a caller-supplied @base_url only.
 */
DgInferenceEndpoint *dg_inference_endpoint_resolve         (DgConfig            *config,
                                                            int                  backend,
                                                            const char          *base_url,
                                                            const char          *path,
                                                            const char          *model,
                                                            const char          *api_key,
                                                            JsonObject          *parameters,
                                                            DgUrlPolicyFlags     url_policy);

/* Profiles that do not say which API they speak: a path ending in "chat/completions", or no
 * path and a base URL ending in "/v1", is OpenAI-compatible; anything else is Ratio1. */
DgInferenceBackend   dg_inference_backend_guess            (const char          *base_url,
                                                            const char          *path);
const char          *dg_inference_backend_to_string        (DgInferenceBackend   backend);
/* "ratio1", "openai", "offline" → backend; FALSE for anything else. */
gboolean             dg_inference_backend_from_string      (const char          *name,
                                                            DgInferenceBackend  *out_backend);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DgInferenceEndpoint, dg_inference_endpoint_unref)

G_END_DECLS
