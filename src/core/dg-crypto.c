/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-crypto"

#include "config.h"

#include <gcrypt.h>
#include <string.h>

#include "dg-crypto.h"
#include "dg-util.h"

#define GCM_IV_LENGTH 12
#define GCM_TAG_LENGTH 16

G_DEFINE_QUARK (dg_crypto_error_quark, dg_crypto_error)

/**
 * dg_crypto_init:
 *
 * Initialises libgcrypt exactly once. Secure memory is disabled: the Argon2
 * work area (64 MiB) cannot live there anyway and we never run setuid, so the
 * only effect of enabling it would be warnings. If another library finished the
 * initialisation first, we leave its choices alone.
 */
void
dg_crypto_init (void)
{
  static gsize initialised = 0;

  if (g_once_init_enter (&initialised))
    {
      if (gcry_check_version (GCRYPT_VERSION) == NULL)
        g_error ("libgcrypt is older than %s, the version DataGems was built with", GCRYPT_VERSION);
      if (!gcry_control (GCRYCTL_INITIALIZATION_FINISHED_P))
        {
          gcry_control (GCRYCTL_DISABLE_SECMEM_WARN);
          gcry_control (GCRYCTL_DISABLE_SECMEM, 0);
          gcry_control (GCRYCTL_INITIALIZATION_FINISHED, 0);
        }
      g_once_init_leave (&initialised, 1);
    }
}

void
dg_crypto_sha256 (const void *data, gsize length, guint8 out[DG_SHA256_LENGTH])
{
  dg_crypto_init ();
  gcry_md_hash_buffer (GCRY_MD_SHA256, out, data, length);
}

void
dg_crypto_hmac_sha256 (const void *key, gsize key_length, const void *data, gsize length,
                       guint8 out[DG_SHA256_LENGTH])
{
  gcry_mac_hd_t hd = NULL;
  size_t out_length = DG_SHA256_LENGTH;
  gcry_error_t err;

  dg_crypto_init ();
  err = gcry_mac_open (&hd, GCRY_MAC_HMAC_SHA256, 0, NULL);
  if (err == 0)
    err = gcry_mac_setkey (hd, key, key_length);
  if (err == 0)
    err = gcry_mac_write (hd, data, length);
  if (err == 0)
    err = gcry_mac_read (hd, out, &out_length);
  gcry_mac_close (hd);
  /* Only an out-of-memory condition can fail here. */
  if (err != 0)
    g_error ("HMAC-SHA256 failed: %s", gcry_strerror (err));
}

gboolean
dg_crypto_equal (const void *a, const void *b, gsize length)
{
  const volatile guint8 *x = a;
  const volatile guint8 *y = b;
  guint8 diff = 0;

  for (gsize i = 0; i < length; i++)
    diff |= x[i] ^ y[i];
  return diff == 0;
}

gboolean
dg_crypto_str_equal (const char *a, const char *b)
{
  const volatile guchar *x = (const guchar *) a;
  const volatile guchar *y = (const guchar *) b;
  gsize la, lb;
  guint diff;

  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  la = strlen (a);
  lb = strlen (b);
  diff = la != lb;
  /* Walk @a only: the time depends on its length, never on where they differ. */
  for (gsize i = 0; i < la; i++)
    diff |= x[i] ^ (i < lb ? y[i] : 0);
  return diff == 0;
}

void
dg_crypto_wipe (void *data, gsize length)
{
  volatile guint8 *p = data;

  if (data == NULL)
    return;
  for (gsize i = 0; i < length; i++)
    p[i] = 0;
}

/**
 * dg_secret_free:
 * @secret: (nullable): a string to wipe and free
 */
void
dg_secret_free (char *secret)
{
  if (secret == NULL)
    return;
  dg_crypto_wipe (secret, strlen (secret));
  g_free (secret);
}

static gcry_cipher_hd_t
gcm_open (const guint8 key[DG_SHA256_LENGTH], const guint8 *iv, const char *aad)
{
  gcry_cipher_hd_t hd = NULL;
  gcry_error_t err;

  dg_crypto_init ();
  err = gcry_cipher_open (&hd, GCRY_CIPHER_AES256, GCRY_CIPHER_MODE_GCM, 0);
  if (err == 0)
    err = gcry_cipher_setkey (hd, key, DG_SHA256_LENGTH);
  if (err == 0)
    err = gcry_cipher_setiv (hd, iv, GCM_IV_LENGTH);
  if (err == 0 && aad != NULL)
    err = gcry_cipher_authenticate (hd, aad, strlen (aad));
  if (err != 0)
    g_error ("AES-256-GCM is unavailable in libgcrypt: %s", gcry_strerror (err));
  return hd;
}

/**
 * dg_crypto_seal:
 * @key: a 256-bit key
 * @aad: (nullable): associated data bound to the result
 * @plain: the text to protect
 *
 * Returns: (transfer full): "iv.tag.ciphertext", each part unpadded base64url.
 */
char *
dg_crypto_seal (const guint8 key[DG_SHA256_LENGTH], const char *aad, const char *plain)
{
  guint8 iv[GCM_IV_LENGTH];
  guint8 tag[GCM_TAG_LENGTH];
  gsize length;
  g_autofree guint8 *ciphertext = NULL;
  g_autofree char *iv_text = NULL;
  g_autofree char *tag_text = NULL;
  g_autofree char *ct_text = NULL;
  gcry_cipher_hd_t hd;
  gcry_error_t err;

  g_return_val_if_fail (key != NULL && plain != NULL, NULL);

  length = strlen (plain);
  ciphertext = g_malloc (MAX (length, 1));
  dg_random_bytes (iv, sizeof iv);
  hd = gcm_open (key, iv, aad);
  err = gcry_cipher_final (hd);
  if (err == 0)
    err = gcry_cipher_encrypt (hd, ciphertext, length, plain, length);
  if (err == 0)
    err = gcry_cipher_gettag (hd, tag, sizeof tag);
  gcry_cipher_close (hd);
  /* Only an out-of-memory condition can fail here. */
  if (err != 0)
    g_error ("AES-256-GCM encryption failed: %s", gcry_strerror (err));
  iv_text = dg_base64url_encode (iv, sizeof iv);
  tag_text = dg_base64url_encode (tag, sizeof tag);
  ct_text = dg_base64url_encode (ciphertext, length);
  return g_strconcat (iv_text, ".", tag_text, ".", ct_text, NULL);
}

/**
 * dg_crypto_open:
 * @key: the key given to dg_crypto_seal()
 * @aad: (nullable): the associated data given to dg_crypto_seal()
 * @sealed: "iv.tag.ciphertext"
 * @flags: how strictly the parts are decoded
 *
 * Returns: (transfer full) (nullable): the plaintext, to be freed with dg_secret_free().
 */
DgSecret *
dg_crypto_open (const guint8 key[DG_SHA256_LENGTH], const char *aad, const char *sealed,
                DgCryptoOpenFlags flags, GError **error)
{
  g_auto (GStrv) parts = NULL;
  g_autofree guint8 *iv = NULL;
  g_autofree guint8 *tag = NULL;
  g_autofree guint8 *ciphertext = NULL;
  g_autofree char *plain = NULL;
  gsize iv_len = 0, tag_len = 0, ct_len = 0;
  gcry_cipher_hd_t hd;
  gcry_error_t err;

  g_return_val_if_fail (key != NULL && sealed != NULL, NULL);

  parts = g_strsplit (sealed, ".", -1);
  if (g_strv_length (parts) != 3)
    {
      g_set_error_literal (error, DG_CRYPTO_ERROR, DG_CRYPTO_ERROR_FORMAT,
                           "The encrypted value does not have three parts");
      return NULL;
    }
  if (flags & DG_CRYPTO_OPEN_LENIENT)
    {
      iv = dg_base64_decode_lenient (parts[0], &iv_len);
      tag = dg_base64_decode_lenient (parts[1], &tag_len);
      ciphertext = dg_base64_decode_lenient (parts[2], &ct_len);
    }
  else
    {
      iv = dg_base64url_decode (parts[0], &iv_len);
      tag = dg_base64url_decode (parts[1], &tag_len);
      ciphertext = dg_base64url_decode (parts[2], &ct_len);
    }
  if (iv == NULL || tag == NULL || ciphertext == NULL || iv_len != GCM_IV_LENGTH ||
      tag_len != GCM_TAG_LENGTH)
    {
      g_set_error_literal (error, DG_CRYPTO_ERROR, DG_CRYPTO_ERROR_FORMAT,
                           "The encrypted value has a wrong IV or tag size");
      return NULL;
    }

  hd = gcm_open (key, iv, aad);
  plain = g_malloc0 (ct_len + 1);
  err = gcry_cipher_final (hd);
  if (err == 0)
    err = gcry_cipher_decrypt (hd, plain, ct_len, ciphertext, ct_len);
  if (err == 0)
    err = gcry_cipher_checktag (hd, tag, GCM_TAG_LENGTH);
  gcry_cipher_close (hd);
  if (err != 0 || memchr (plain, 0, ct_len) != NULL || !g_utf8_validate (plain, ct_len, NULL))
    {
      dg_crypto_wipe (plain, ct_len);
      g_set_error_literal (error, DG_CRYPTO_ERROR, DG_CRYPTO_ERROR_OPEN,
                           "The encrypted value cannot be opened with this key");
      return NULL;
    }
  return g_steal_pointer (&plain);
}

char *
dg_base64url_encode (const guint8 *data, gsize length)
{
  g_autofree char *standard = g_base64_encode (data, length);
  GString *out = g_string_sized_new (strlen (standard));

  for (const char *p = standard; *p != '\0' && *p != '='; p++)
    g_string_append_c (out, *p == '+' ? '-' : *p == '/' ? '_' : *p);
  return g_string_free (out, FALSE);
}

/* Value of a base64 digit in either alphabet, or -1. */
static int
digit_value (char c, gboolean url_only)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '-')
    return 62;
  if (c == '_')
    return 63;
  if (!url_only && c == '+')
    return 62;
  if (!url_only && c == '/')
    return 63;
  return -1;
}

/* Turns base64 digits (6 bits each) into bytes as they come. */
typedef struct
{
  GByteArray *out;
  guint32 acc;
  int bits;
} Sextets;

static void
sextets_push (Sextets *s, int digit)
{
  s->acc = (s->acc << 6) | (guint32) digit;
  s->bits += 6;
  if (s->bits >= 8)
    {
      guint8 byte = (guint8) (s->acc >> (s->bits - 8));

      g_byte_array_append (s->out, &byte, 1);
      s->bits -= 8;
      s->acc &= (1u << s->bits) - 1;
    }
}

static guint8 *
sextets_finish (Sextets *s, gsize *out_length)
{
  *out_length = s->out->len;
  return g_byte_array_free (s->out, FALSE);
}

guint8 *
dg_base64url_decode (const char *text, gsize *out_length)
{
  Sextets s = { NULL, 0, 0 };
  gsize n;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (out_length != NULL, NULL);

  n = strlen (text);
  /* A single leftover digit cannot encode a byte. */
  if (n % 4 == 1)
    return NULL;
  s.out = g_byte_array_sized_new (n * 3 / 4 + 1);
  for (gsize i = 0; i < n; i++)
    {
      int v = digit_value (text[i], TRUE);

      if (v < 0)
        {
          g_byte_array_unref (s.out);
          return NULL;
        }
      sextets_push (&s, v);
    }
  return sextets_finish (&s, out_length);
}

guint8 *
dg_base64_decode_lenient (const char *text, gsize *out_length)
{
  Sextets s = { NULL, 0, 0 };

  g_return_val_if_fail (out_length != NULL, NULL);

  s.out = g_byte_array_new ();
  for (const char *p = text != NULL ? text : ""; *p != '\0' && *p != '='; p++)
    {
      int v = digit_value (*p, FALSE);

      if (v >= 0)
        sextets_push (&s, v);
    }
  return sextets_finish (&s, out_length);
}
