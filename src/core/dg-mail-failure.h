/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * The record kept when the credentials email of a registration could not be delivered
 * (upstream-behaviour.md 4.8 and 10.4), byte-compatible with the earlier implementation:
 *
 *   {"email","username","passwordEncrypted","attempts":1,"status":"pending",
 *    "failedAt","updatedAt","lastErrorCode":"delivery_failed"}
 *
 * passwordEncrypted = base64url(iv) "." base64url(tag) "." base64url(ciphertext), unpadded,
 * AES-256-GCM with a random 12-byte IV and key SHA-256(secret || ":datagen:register-failure:v1")
 * where secret is the session signing secret (DATAGEN_SESSION_SECRET).
 *
 * The records are JsonObjects so that members written by another implementation survive
 * our updates in place (as JavaScript's object spread keeps them).
 */

#define DG_MAIL_FAILURES_HKEY "datagen:register-mail-failures"

#define DG_MAIL_FAILURE_ERROR (dg_mail_failure_error_quark ())

typedef enum {
  DG_MAIL_FAILURE_ERROR_FORMAT,  /* not three base64url parts of the right sizes */
  DG_MAIL_FAILURE_ERROR_DECRYPT, /* the tag does not match: other secret or tampered data */
} DgMailFailureError;

GQuark dg_mail_failure_error_quark (void);

#define DG_MAIL_FAILURE_STATUS_PENDING "pending"
#define DG_MAIL_FAILURE_STATUS_SENT    "sent"
#define DG_MAIL_FAILURE_STATUS_EXPIRED "expired"
#define DG_MAIL_FAILURE_CODE_DELIVERY_FAILED "delivery_failed"
#define DG_MAIL_FAILURE_CODE_SENT            "sent"
#define DG_MAIL_FAILURE_CODE_DECRYPT_FAILED  "decrypt_failed"

/* Encrypts @password (UTF-8) under @secret. */
char       *dg_mail_failure_encrypt          (const char  *secret,
                                              const char  *password);
/* The password, or NULL with DG_MAIL_FAILURE_ERROR_FORMAT / _DECRYPT. */
char       *dg_mail_failure_decrypt          (const char  *secret,
                                              const char  *token,
                                              GError     **error);

/* A new pending record (attempts 1, failedAt = updatedAt = @now_ms). */
JsonObject *dg_mail_failure_record_new       (const char  *email,
                                              const char  *username,
                                              const char  *password_encrypted,
                                              gint64       now_ms);
/* A stored record; NULL (with a debug note) when @text is not a JSON object. */
JsonObject *dg_mail_failure_record_parse     (const char  *text);
char       *dg_mail_failure_record_to_string (JsonObject  *record);

/* Accessors tolerant of foreign or broken records (NULL / 0 when absent or mistyped). */
const char *dg_mail_failure_record_get_string (JsonObject *record,
                                               const char *member);
gint64      dg_mail_failure_record_get_attempts (JsonObject *record);
gboolean    dg_mail_failure_record_is_pending (JsonObject *record);
/* now - failedAt > ttl; an unparsable failedAt counts as expired. */
gboolean    dg_mail_failure_record_is_expired (JsonObject *record,
                                               gint64      now_ms,
                                               gint64      ttl_seconds);

/* The state changes of 10.4, each setting updatedAt = @now_ms. */
void        dg_mail_failure_record_mark_sent           (JsonObject *record,
                                                        gint64      now_ms);
void        dg_mail_failure_record_mark_expired        (JsonObject *record,
                                                        gint64      now_ms);
void        dg_mail_failure_record_mark_decrypt_failed (JsonObject *record,
                                                        gint64      now_ms);
void        dg_mail_failure_record_mark_retry_failed   (JsonObject *record,
                                                        gint64      now_ms);

G_END_DECLS
