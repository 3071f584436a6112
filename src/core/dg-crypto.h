/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Small cryptographic helpers shared by the engine (password hashes, tokens, encrypted
 * records). Everything here is safe to call from any thread.
 */

#define DG_SHA256_LENGTH 32

#define DG_CRYPTO_ERROR (dg_crypto_error_quark ())

typedef enum
{
  DG_CRYPTO_ERROR_FORMAT, /* not "iv.tag.ciphertext", or a wrong IV or tag size */
  DG_CRYPTO_ERROR_OPEN,   /* wrong key or associated data, altered, or not text */
} DgCryptoError;

GQuark    dg_crypto_error_quark         (void);

typedef enum
{
  DG_CRYPTO_OPEN_NONE    = 0,
  /* Decode the parts the way Node's Buffer.from(x, "base64url") does (values written by the
   * earlier implementation); otherwise only canonical unpadded base64url is accepted. */
  DG_CRYPTO_OPEN_LENIENT = 1 << 0,
} DgCryptoOpenFlags;

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

/*
 * AES-256-GCM with a fresh random 96-bit IV. Returns "iv.tag.ciphertext", each part unpadded
 * base64url (the format of the earlier implementation's encrypted records). @aad (nullable)
 * is authenticated but not stored: the same text must be given to dg_crypto_open().
 */
char     *dg_crypto_seal                (const guint8       key[DG_SHA256_LENGTH],
                                         const char        *aad,
                                         const char        *plain);
/*
 * Opens what dg_crypto_seal() made. Returns the UTF-8 plaintext (a DgSecret: wipe it), or NULL
 * with DG_CRYPTO_ERROR_FORMAT or DG_CRYPTO_ERROR_OPEN.
 */
DgSecret *dg_crypto_open                (const guint8       key[DG_SHA256_LENGTH],
                                         const char        *aad,
                                         const char        *sealed,
                                         DgCryptoOpenFlags  flags,
                                         GError           **error);

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
