/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * Password records exactly as @ratio1/cstore-auth-ts writes them (ratio1-interop.md 4.2-4.5):
 *
 *   {"algo":"argon2id","hash":<b64>,"salt":<b64>,"version":1,
 *    "params":{"timeCost":3,"memoryCost":65536,"parallelism":1,"outputLen":32}}
 *
 * New hashes are Argon2id v0x13 with the pepper as the Argon2 secret (K); verification also
 * accepts scrypt records (salt bytes followed by the pepper) and always uses the parameters
 * stored in the record. Comparison is constant time.
 *
 * Every function here is slow on purpose (~0.1-0.3 s and 64 MiB per call) and blocks: call
 * it from a worker thread, never from a main loop. Hashes run on dg_password_hash_threads()
 * dedicated low-priority threads (the callers wait), which caps memory use under a burst of
 * logins and leaves a core to the rest of the process.
 */

#define DG_PASSWORD_ERROR (dg_password_error_quark ())

typedef enum {
  DG_PASSWORD_ERROR_INVALID_PASSWORD, /* "Invalid password: value must be a non-empty string" */
  DG_PASSWORD_ERROR_MALFORMED,        /* the record lacks a field or a field has the wrong type */
  DG_PASSWORD_ERROR_UNSUPPORTED,      /* unknown algo, or parameters outside what we will compute */
  DG_PASSWORD_ERROR_FAILED,           /* the KDF itself failed (out of memory) */
} DgPasswordError;

GQuark dg_password_error_quark (void);

typedef enum {
  DG_PASSWORD_ALGO_ARGON2ID,
  DG_PASSWORD_ALGO_SCRYPT,
} DgPasswordAlgo;

/* What cstore-auth-ts writes (and we write). */
#define DG_PASSWORD_SALT_LENGTH        16
#define DG_PASSWORD_RECORD_VERSION     1
#define DG_ARGON2ID_TIME_COST          3
#define DG_ARGON2ID_MEMORY_COST_KIB    65536
#define DG_ARGON2ID_PARALLELISM        1
#define DG_ARGON2ID_OUTPUT_LENGTH      32
#define DG_SCRYPT_N                    32768
#define DG_SCRYPT_R                    8
#define DG_SCRYPT_P                    1
#define DG_SCRYPT_KEY_LENGTH           32

/* Raw KDFs (the building blocks; also what the test vectors check). */
gboolean    dg_password_argon2id_raw   (const void     *password,
                                        gsize           password_length,
                                        const void     *salt,
                                        gsize           salt_length,
                                        const void     *secret,
                                        gsize           secret_length,
                                        guint           time_cost,
                                        guint           memory_cost_kib,
                                        guint           parallelism,
                                        guint8         *out,
                                        gsize           out_length,
                                        GError        **error);
gboolean    dg_password_scrypt_raw     (const void     *password,
                                        gsize           password_length,
                                        const void     *salt,
                                        gsize           salt_length,
                                        guint64         n,
                                        guint           r,
                                        guint           p,
                                        guint8         *out,
                                        gsize           out_length,
                                        GError        **error);

/*
 * Hashes @password (UTF-8, not trimmed or normalised) with @pepper into a new password
 * record (a JSON object in cstore-auth-ts key order) with a random 16-byte salt.
 * An empty password is DG_PASSWORD_ERROR_INVALID_PASSWORD.
 */
JsonObject *dg_password_hash           (const char     *password,
                                        const char     *pepper,
                                        GError        **error);
/* As dg_password_hash() with a chosen algorithm and, when not NULL, a fixed 16-byte salt. */
JsonObject *dg_password_hash_full      (DgPasswordAlgo  algo,
                                        const char     *password,
                                        const char     *pepper,
                                        const guint8   *salt,
                                        GError        **error);

/*
 * The record cstore-auth-ts writes for an existing @hash and @salt (base64), with the
 * default parameters of @algo (for built-in records; new hashes come from dg_password_hash).
 */
JsonObject *dg_password_record_new     (DgPasswordAlgo  algo,
                                        const char     *hash,
                                        const char     *salt);

/*
 * Checks that @record has the shape cstore-auth-ts requires of a non-null password
 * (algo, hash and salt strings, a numeric version, a params object).
 */
gboolean    dg_password_record_check   (JsonNode       *record,
                                        GError        **error);

/*
 * Verifies @password against @record with @pepper. Returns TRUE when it matches; FALSE
 * without an error when it does not (also for an empty password); FALSE with an error when
 * the record cannot be used (malformed, unknown algo, unsupported parameters).
 * Several threads may verify against one record at once: it is only read, never referenced.
 */
gboolean    dg_password_verify         (JsonObject     *record,
                                        const char     *password,
                                        const char     *pepper,
                                        GError        **error);

/* How many hashes run at once in this process: one fewer than the cores, at least one. */
int         dg_password_hash_threads   (void);

/* A new random password: 16 characters, URL-safe base64 of 12 random bytes (as upstream). */
char       *dg_password_generate       (void);

G_END_DECLS
