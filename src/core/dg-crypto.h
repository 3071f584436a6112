/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Small cryptographic helpers shared by the engine (password hashes, tokens, encrypted
 * records). Everything here is safe to call from any thread.
 */

#define DG_SHA256_LENGTH 32

/*
 * Initialises libgcrypt once for the whole process (version check, no secure memory,
 * initialisation finished). Every function of this room calls it; code that uses
 * libgcrypt directly calls it first too.
 */
void      dg_crypto_init                (void);

void      dg_crypto_sha256              (const void   *data,
                                         gsize         length,
                                         guint8        out[DG_SHA256_LENGTH]);
void      dg_crypto_hmac_sha256         (const void   *key,
                                         gsize         key_length,
                                         const void   *data,
                                         gsize         length,
                                         guint8        out[DG_SHA256_LENGTH]);

/* Compares two buffers in time that depends only on @length. */
gboolean  dg_crypto_equal               (const void   *a,
                                         const void   *b,
                                         gsize         length);
/* Constant-time comparison of two strings (time depends on their lengths only). */
gboolean  dg_crypto_str_equal           (const char   *a,
                                         const char   *b);

/* Wipes @length bytes at @data in a way the compiler cannot optimise away. */
void      dg_crypto_wipe                (void         *data,
                                         gsize         length);

/*
 * A NUL-terminated secret (password, key) that is wiped before it is freed, on every path:
 * `g_autoptr (DgSecret) password = dg_password_generate ();`.
 */
typedef char DgSecret;
void      dg_secret_free                (char         *secret);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DgSecret, dg_secret_free)

/* base64url (RFC 4648 section 5) without padding, as in JWTs. */
char     *dg_base64url_encode           (const guint8 *data,
                                         gsize         length);
/* Strict: only the base64url alphabet, no padding; NULL when @text is not canonical. */
guint8   *dg_base64url_decode           (const char   *text,
                                         gsize        *out_length);

/*
 * Decodes base64 the way Node's Buffer.from(text, "base64") does: both alphabets
 * (+/ and -_), padding optional, decoding stops at the first '=', other characters
 * are skipped. Never fails (returns an empty buffer for garbage).
 */
guint8   *dg_base64_decode_lenient      (const char   *text,
                                         gsize        *out_length);

G_END_DECLS
