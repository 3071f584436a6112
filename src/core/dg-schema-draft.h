/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * The schema-first flow: sanitising a drafted schema, checking it, and the
 * signed draft token that carries a draft to the confirm step (upstream 3, 6).
 */

#define DG_DRAFT_ERROR (dg_draft_error_quark ())

typedef enum {
  DG_DRAFT_ERROR_INVALID_TOKEN,  /* "Invalid or expired draft": malformed, bad signature, expired */
  DG_DRAFT_ERROR_FOREIGN_TOKEN,  /* drafted by another user */
  DG_DRAFT_ERROR_INVALID_SCHEMA, /* "Invalid schema" (details come separately) */
} DgDraftError;

GQuark dg_draft_error_quark (void);

/* 30 minutes, as upstream. */
#define DG_DRAFT_TOKEN_TTL_SECONDS 1800

/*
 * Upstream section 6's sanitiser without its bugs: every correction it made
 * is still made (with the same warning text), but union types
 * ({"type": ["string", "null"]}) and descriptions are kept, common type
 * aliases (int, float, bool, date, ...) become real types, nested objects,
 * array items and combinators are sanitised the same way, and a property given
 * as a plain string keeps that string as its description unless it names a
 * type. Returns a new node; @out_warnings (nullable) receives char* warnings.
 */
JsonNode   *dg_schema_sanitize         (JsonNode    *schema,
                                        GPtrArray  **out_warnings);

/*
 * Checks a (sanitised) schema for use as a job schema: a JSON object schema
 * valid against the draft 2020-12 meta-schema that compiles. Returns TRUE
 * when usable; otherwise FALSE with *@out_details (nullable) set to
 * [{"path": JSON pointer, "message": ...}] and @error set to
 * DG_DRAFT_ERROR_INVALID_SCHEMA "Invalid schema".
 */
gboolean    dg_schema_check            (JsonNode    *schema,
                                        JsonArray  **out_details,
                                        GError     **error);

/* What a draft token carries. */
typedef struct {
  char       *draft_id;            /* "jti": one job per draft */
  char       *username;            /* who drafted it: only they may confirm it */
  char       *title;
  gint64      total_records;
  char       *description;
  char       *instructions;
  JsonNode   *schema;              /* as drafted (or as built from a template), not sanitised */
  char       *schema_generated_at; /* ISO 8601 */
  gint64      schema_duration_ms;
  gint64      schema_refreshes;
  gboolean    dataset_mode;
  JsonObject *inference;           /* nullable: upstream's optional draft fields (profileId,
                                    * inferenceBaseUrl, inferencePath, inferenceModel, inferenceParams) */
  gint64      issued_at;           /* Unix seconds */
  gint64      expires_at;
} DgDraftClaims;

DgDraftClaims *dg_draft_claims_new    (void);
void           dg_draft_claims_free   (DgDraftClaims *claims);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DgDraftClaims, dg_draft_claims_free)

/*
 * Signs @claims as an HS256 draft token (kind "draft"), valid for
 * DG_DRAFT_TOKEN_TTL_SECONDS from @now_seconds. A NULL draft_id gets a new
 * random one. Payload keys in upstream order, then our "username" and "jti".
 */
char          *dg_draft_token_sign    (DgDraftClaims *claims,
                                       const char    *secret,
                                       gint64         now_seconds,
                                       GError       **error);

/*
 * Verifies a draft token. Errors: DG_DRAFT_ERROR_INVALID_TOKEN ("Invalid or
 * expired draft") for anything that does not verify (including a session
 * token), DG_DRAFT_ERROR_FOREIGN_TOKEN when @username (nullable: any user)
 * is not the user it was drafted by.
 */
DgDraftClaims *dg_draft_token_verify  (const char    *token,
                                       const char    *username,
                                       const char    *secret,
                                       gint64         now_seconds,
                                       GError       **error);

G_END_DECLS
