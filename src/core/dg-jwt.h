/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * Compact JWS tokens with HMAC, compatible with the jsonwebtoken package upstream uses:
 * we sign HS256 with header {"alg":"HS256","typ":"JWT"}; verification accepts HS256, HS384
 * and HS512 (jsonwebtoken's default for a string secret), refuses "none", checks "exp"
 * (expired when now >= exp, no leeway) and "nbf" (not active while now < nbf).
 *
 * Every token we issue carries a kind claim ("typ": "session", "draft", ...) and
 * verification requires the expected kind, so a draft token can never pass as a session
 * and the reverse (upstream-behaviour.md 15.19).
 *
 * Pure functions: safe from any thread, and cheap (one HMAC).
 */

#define DG_JWT_ERROR (dg_jwt_error_quark ())

typedef enum {
  DG_JWT_ERROR_MALFORMED,   /* "jwt malformed": not three base64url parts of JSON objects */
  DG_JWT_ERROR_ALGORITHM,   /* "invalid algorithm": not HS256/HS384/HS512 */
  DG_JWT_ERROR_SIGNATURE,   /* "invalid signature" */
  DG_JWT_ERROR_EXPIRED,     /* "jwt expired" */
  DG_JWT_ERROR_NOT_ACTIVE,  /* "jwt not active" (nbf in the future) */
  DG_JWT_ERROR_CLAIM,       /* "invalid exp value" / "invalid nbf value" */
  DG_JWT_ERROR_WRONG_KIND,  /* the kind claim is missing or not the expected one */
  DG_JWT_ERROR_SECRET,      /* empty secret (jsonwebtoken: "secretOrPrivateKey must have a value") */
} DgJwtError;

GQuark dg_jwt_error_quark (void);

/* The claim that says what a token is, and the kinds we issue. */
#define DG_JWT_KIND_CLAIM   "typ"
#define DG_JWT_KIND_SESSION "session"
#define DG_JWT_KIND_DRAFT   "draft"

/*
 * Signs @claims (serialised in their insertion order) with HS256. The kind claim is
 * appended as "typ": @kind unless @claims already has it; a different value is
 * DG_JWT_ERROR_WRONG_KIND. Callers put iat/exp in @claims themselves.
 */
char       *dg_jwt_sign            (JsonObject  *claims,
                                    const char  *kind,
                                    const char  *secret,
                                    GError     **error);
/* As dg_jwt_sign() with "HS256", "HS384" or "HS512" (tests and interop). */
char       *dg_jwt_sign_with_alg   (JsonObject  *claims,
                                    const char  *kind,
                                    const char  *secret,
                                    const char  *alg,
                                    GError     **error);

/*
 * Verifies @token with @secret at @now_seconds (Unix time) and returns its payload, which
 * must carry "typ": @kind.
 */
JsonObject *dg_jwt_verify          (const char  *token,
                                    const char  *kind,
                                    const char  *secret,
                                    gint64       now_seconds,
                                    GError     **error);

G_END_DECLS
