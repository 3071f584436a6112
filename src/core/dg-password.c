/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-password"

#include "config.h"

#include <errno.h>
#include <gcrypt.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "dg-crypto.h"
#include "dg-password.h"
#include "dg-util.h"

G_DEFINE_QUARK (dg_password_error_quark, dg_password_error)

/*
 * Bounds on parameters read from stored records. A record comes from a shared store that
 * anyone on the network can write (CStore has no access control), so a hostile record must
 * not make a login allocate gigabytes or spin for minutes.
 */
#define MAX_MEMORY_BYTES (G_GUINT64_CONSTANT (1) << 30)
#define MAX_TIME_COST 64
#define MAX_PARALLELISM 64
#define MAX_OUTPUT_LENGTH 1024
#define MIN_SALT_LENGTH 8 /* RustCrypto argon2 (used by cstore-auth-ts) refuses shorter salts */
#define MAX_SALT_LENGTH 1024
#define MAX_SCRYPT_N (G_GUINT64_CONSTANT (1) << 24)
#define MAX_SCRYPT_R 64
#define MAX_SCRYPT_P 64

/* ---------------------------------------------------------------------------------------- */
/*
 * Where hashes run: dedicated threads at a lower priority (nice +10), one fewer than the
 * cores (at least one). Each hash holds 64 MiB and a whole core for a few hundred
 * milliseconds, so the pool caps memory and CPU under a burst of logins, always leaves a
 * core to the rest of the process, and the lower priority lets a main loop (or a request
 * handler) preempt hashing the moment it wakes up. Callers block until their job is done.
 */

#define HASH_THREAD_NICE 10

typedef struct
{
  gboolean (*compute) (gpointer args, GError **error);
  gpointer args;
  gboolean ok;
  GError *error;
  gboolean done;
  GMutex mutex;
  GCond cond;
} HashJob;

int
dg_password_hash_threads (void)
{
  return (int) MAX (1, g_get_num_processors () - 1);
}

static void
hash_worker (gpointer data, gpointer pool_data)
{
  static GPrivate lowered = G_PRIVATE_INIT (NULL);
  HashJob *job = data;
  GError *error = NULL;
  gboolean ok;

  /* Linux nice values are per thread; these threads only ever hash. */
  if (g_private_get (&lowered) == NULL)
    {
      if (setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), HASH_THREAD_NICE) != 0)
        g_debug ("Cannot lower the priority of a hashing thread: %s", g_strerror (errno));
      g_private_set (&lowered, GINT_TO_POINTER (1));
    }
  ok = job->compute (job->args, &error);

  g_mutex_lock (&job->mutex);
  job->ok = ok;
  job->error = error;
  job->done = TRUE;
  g_cond_signal (&job->cond);
  g_mutex_unlock (&job->mutex);
}

static gboolean
run_hash_job (gboolean (*compute) (gpointer args, GError **error), gpointer args, GError **error)
{
  static GThreadPool *pool = NULL;
  HashJob job = { compute, args, FALSE, NULL, FALSE };

  if (g_once_init_enter (&pool))
    {
      /* Exclusive: these threads are niced and must never run anyone else's work. */
      GThreadPool *new_pool =
          g_thread_pool_new (hash_worker, NULL, dg_password_hash_threads (), TRUE, NULL);

      g_once_init_leave (&pool, new_pool);
    }
  dg_crypto_init ();
  g_mutex_init (&job.mutex);
  g_cond_init (&job.cond);
  g_mutex_lock (&job.mutex);
  g_thread_pool_push (pool, &job, NULL);
  while (!job.done)
    g_cond_wait (&job.cond, &job.mutex);
  g_mutex_unlock (&job.mutex);
  g_mutex_clear (&job.mutex);
  g_cond_clear (&job.cond);
  if (!job.ok)
    g_propagate_error (error, job.error);
  return job.ok;
}

/* The arguments of one KDF computation. */
typedef struct
{
  const void *password;
  gsize password_length;
  const void *salt;
  gsize salt_length;
  const void *secret;
  gsize secret_length;
  guint64 cost; /* Argon2 t, scrypt N */
  guint memory; /* Argon2 m (KiB), scrypt r */
  guint lanes;  /* Argon2 p, scrypt p */
  guint8 *out;
  gsize out_length;
} KdfArgs;

/* ---------------------------------------------------------------------------------------- */
/* Raw KDFs */

static gboolean
argon2id_compute (gpointer data, GError **error)
{
  KdfArgs *a = data;
  unsigned long params[4] = { a->out_length, (unsigned long) a->cost, a->memory, a->lanes };
  gcry_kdf_hd_t hd = NULL;
  gcry_error_t err;

  err = gcry_kdf_open (&hd, GCRY_KDF_ARGON2, GCRY_KDF_ARGON2ID, params, G_N_ELEMENTS (params),
                       a->password, a->password_length, a->salt, a->salt_length,
                       a->secret_length > 0 ? a->secret : NULL, a->secret_length, NULL, 0);
  if (err == 0)
    err = gcry_kdf_compute (hd, NULL);
  if (err == 0)
    err = gcry_kdf_final (hd, a->out_length, a->out);
  if (hd != NULL)
    gcry_kdf_close (hd);
  if (err != 0)
    {
      g_set_error (error, DG_PASSWORD_ERROR, DG_PASSWORD_ERROR_FAILED,
                   "Argon2id computation failed: %s", gcry_strerror (err));
      return FALSE;
    }
  return TRUE;
}

/**
 * dg_password_argon2id_raw:
 *
 * Argon2id version 0x13 with an optional secret (the "K" input, where cstore-auth-ts puts
 * its pepper) and no associated data; writes the raw tag to @out.
 */
gboolean
dg_password_argon2id_raw (const void *password, gsize password_length, const void *salt,
                          gsize salt_length, const void *secret, gsize secret_length,
                          guint time_cost, guint memory_cost_kib, guint parallelism, guint8 *out,
                          gsize out_length, GError **error)
{
  KdfArgs args = { password,  password_length, salt,        salt_length, secret,    secret_length,
                   time_cost, memory_cost_kib, parallelism, out,         out_length };

  g_return_val_if_fail (out != NULL, FALSE);

  if (time_cost < 1 || time_cost > MAX_TIME_COST || parallelism < 1 ||
      parallelism > MAX_PARALLELISM || memory_cost_kib < 8 * parallelism ||
      (guint64) memory_cost_kib * 1024 > MAX_MEMORY_BYTES || out_length < 4 ||
      out_length > MAX_OUTPUT_LENGTH || salt_length < MIN_SALT_LENGTH ||
      salt_length > MAX_SALT_LENGTH)
    {
      g_set_error (error, DG_PASSWORD_ERROR, DG_PASSWORD_ERROR_UNSUPPORTED,
                   "Unsupported Argon2id parameters (t=%u, m=%u KiB, p=%u, output %zu bytes, "
                   "salt %zu bytes)",
                   time_cost, memory_cost_kib, parallelism, (size_t) out_length,
                   (size_t) salt_length);
      return FALSE;
    }

  return run_hash_job (argon2id_compute, &args, error);
}

#define ROTL(a, b) (((a) << (b)) | ((a) >> (32 - (b))))

static void
salsa20_8 (guint32 b[16])
{
  guint32 x[16];

  memcpy (x, b, sizeof x);
  for (int i = 0; i < 8; i += 2)
    {
      x[4] ^= ROTL (x[0] + x[12], 7);
      x[8] ^= ROTL (x[4] + x[0], 9);
      x[12] ^= ROTL (x[8] + x[4], 13);
      x[0] ^= ROTL (x[12] + x[8], 18);
      x[9] ^= ROTL (x[5] + x[1], 7);
      x[13] ^= ROTL (x[9] + x[5], 9);
      x[1] ^= ROTL (x[13] + x[9], 13);
      x[5] ^= ROTL (x[1] + x[13], 18);
      x[14] ^= ROTL (x[10] + x[6], 7);
      x[2] ^= ROTL (x[14] + x[10], 9);
      x[6] ^= ROTL (x[2] + x[14], 13);
      x[10] ^= ROTL (x[6] + x[2], 18);
      x[3] ^= ROTL (x[15] + x[11], 7);
      x[7] ^= ROTL (x[3] + x[15], 9);
      x[11] ^= ROTL (x[7] + x[3], 13);
      x[15] ^= ROTL (x[11] + x[7], 18);
      x[1] ^= ROTL (x[0] + x[3], 7);
      x[2] ^= ROTL (x[1] + x[0], 9);
      x[3] ^= ROTL (x[2] + x[1], 13);
      x[0] ^= ROTL (x[3] + x[2], 18);
      x[6] ^= ROTL (x[5] + x[4], 7);
      x[7] ^= ROTL (x[6] + x[5], 9);
      x[4] ^= ROTL (x[7] + x[6], 13);
      x[5] ^= ROTL (x[4] + x[7], 18);
      x[11] ^= ROTL (x[10] + x[9], 7);
      x[8] ^= ROTL (x[11] + x[10], 9);
      x[9] ^= ROTL (x[8] + x[11], 13);
      x[10] ^= ROTL (x[9] + x[8], 18);
      x[12] ^= ROTL (x[15] + x[14], 7);
      x[13] ^= ROTL (x[12] + x[15], 9);
      x[14] ^= ROTL (x[13] + x[12], 13);
      x[15] ^= ROTL (x[14] + x[13], 18);
    }
  for (int i = 0; i < 16; i++)
    b[i] += x[i];
}

/* scrypt BlockMix over 2r 64-byte blocks (as 32-bit words); @y is scratch of the same size. */
static void
block_mix (guint32 *b, guint32 *y, guint r)
{
  guint32 x[16];

  memcpy (x, &b[(2 * r - 1) * 16], 64);
  for (guint i = 0; i < 2 * r; i++)
    {
      for (int k = 0; k < 16; k++)
        x[k] ^= b[i * 16 + k];
      salsa20_8 (x);
      /* Even blocks go to the first half, odd blocks to the second. */
      memcpy (&y[((i % 2) * r + i / 2) * 16], x, 64);
    }
  memcpy (b, y, 128 * r);
}

/* scrypt ROMix on one 128r-byte block, in place. */
static gboolean
ro_mix (guint8 *block, guint64 n, guint r, guint32 *v, guint32 *x, guint32 *y)
{
  gsize words = 32 * r;

  for (gsize k = 0; k < words; k++)
    x[k] = GUINT32_FROM_LE (((guint32 *) (gpointer) block)[k]);
  for (guint64 i = 0; i < n; i++)
    {
      memcpy (&v[i * words], x, words * 4);
      block_mix (x, y, r);
    }
  for (guint64 i = 0; i < n; i++)
    {
      guint64 j = x[(2 * r - 1) * 16] & (n - 1);

      for (gsize k = 0; k < words; k++)
        x[k] ^= v[j * words + k];
      block_mix (x, y, r);
    }
  for (gsize k = 0; k < words; k++)
    ((guint32 *) (gpointer) block)[k] = GUINT32_TO_LE (x[k]);
  return TRUE;
}

/*
 * libgcrypt's scrypt has r fixed at 8 (what every cstore-auth-ts record uses); records
 * written with another r are computed here, with libgcrypt's PBKDF2-HMAC-SHA256 around
 * our own ROMix (RFC 7914).
 */
static gboolean
scrypt_any_r (const void *password, gsize password_length, const void *salt, gsize salt_length,
              guint64 n, guint r, guint p, guint8 *out, gsize out_length, GError **error)
{
  gsize block_length = 128 * (gsize) r;
  g_autofree guint8 *b = g_try_malloc (block_length * p);
  g_autofree guint32 *v = g_try_malloc (block_length * n);
  g_autofree guint32 *x = g_malloc (block_length);
  g_autofree guint32 *y = g_malloc (block_length);
  gcry_error_t err;

  if (b == NULL || v == NULL)
    {
      g_set_error (error, DG_PASSWORD_ERROR, DG_PASSWORD_ERROR_FAILED,
                   "Not enough memory for scrypt (N=%" G_GUINT64_FORMAT ", r=%u)", n, r);
      return FALSE;
    }
  err = gcry_kdf_derive (password, password_length, GCRY_KDF_PBKDF2, GCRY_MD_SHA256, salt,
                         salt_length, 1, block_length * p, b);
  for (guint i = 0; err == 0 && i < p; i++)
    ro_mix (b + i * block_length, n, r, v, x, y);
  if (err == 0)
    err = gcry_kdf_derive (password, password_length, GCRY_KDF_PBKDF2, GCRY_MD_SHA256, b,
                           block_length * p, 1, out_length, out);
  dg_crypto_wipe (b, block_length * p);
  dg_crypto_wipe (v, block_length * n);
  if (err != 0)
    {
      g_set_error (error, DG_PASSWORD_ERROR, DG_PASSWORD_ERROR_FAILED,
                   "scrypt computation failed: %s", gcry_strerror (err));
      return FALSE;
    }
  return TRUE;
}

static gboolean
scrypt_compute (gpointer data, GError **error)
{
  KdfArgs *a = data;
  gcry_error_t err;

  if (a->memory != 8)
    return scrypt_any_r (a->password, a->password_length, a->salt, a->salt_length, a->cost,
                         a->memory, a->lanes, a->out, a->out_length, error);
  err = gcry_kdf_derive (a->password, a->password_length, GCRY_KDF_SCRYPT, (int) a->cost, a->salt,
                         a->salt_length, a->lanes, a->out_length, a->out);
  if (err != 0)
    {
      g_set_error (error, DG_PASSWORD_ERROR, DG_PASSWORD_ERROR_FAILED,
                   "scrypt computation failed: %s", gcry_strerror (err));
      return FALSE;
    }
  return TRUE;
}

/**
 * dg_password_scrypt_raw:
 *
 * scrypt (RFC 7914) of @password with @salt. cstore-auth-ts passes the 16 salt bytes
 * followed by the UTF-8 pepper as @salt.
 */
gboolean
dg_password_scrypt_raw (const void *password, gsize password_length, const void *salt,
                        gsize salt_length, guint64 n, guint r, guint p, guint8 *out,
                        gsize out_length, GError **error)
{
  KdfArgs args = {
    password, password_length, salt, salt_length, NULL, 0, n, r, p, out, out_length
  };

  g_return_val_if_fail (out != NULL, FALSE);

  if (n < 2 || n > MAX_SCRYPT_N || (n & (n - 1)) != 0 || r < 1 || r > MAX_SCRYPT_R || p < 1 ||
      p > MAX_SCRYPT_P || 128 * (guint64) r * n > MAX_MEMORY_BYTES || out_length < 1 ||
      out_length > MAX_OUTPUT_LENGTH)
    {
      g_set_error (error, DG_PASSWORD_ERROR, DG_PASSWORD_ERROR_UNSUPPORTED,
                   "Unsupported scrypt parameters (N=%" G_GUINT64_FORMAT
                   ", r=%u, p=%u, key length %zu)",
                   n, r, p, (size_t) out_length);
      return FALSE;
    }

  return run_hash_job (scrypt_compute, &args, error);
}

/* ---------------------------------------------------------------------------------------- */
/* Records */

static JsonObject *
argon2id_params_object (void)
{
  JsonObject *params = json_object_new ();

  json_object_set_int_member (params, "timeCost", DG_ARGON2ID_TIME_COST);
  json_object_set_int_member (params, "memoryCost", DG_ARGON2ID_MEMORY_COST_KIB);
  json_object_set_int_member (params, "parallelism", DG_ARGON2ID_PARALLELISM);
  json_object_set_int_member (params, "outputLen", DG_ARGON2ID_OUTPUT_LENGTH);
  return params;
}

static JsonObject *
scrypt_params_object (void)
{
  JsonObject *params = json_object_new ();

  json_object_set_int_member (params, "N", DG_SCRYPT_N);
  json_object_set_int_member (params, "r", DG_SCRYPT_R);
  json_object_set_int_member (params, "p", DG_SCRYPT_P);
  json_object_set_int_member (params, "keyLength", DG_SCRYPT_KEY_LENGTH);
  return params;
}

/* Salt for scrypt in cstore-auth-ts: the salt bytes, then the UTF-8 pepper. */
static guint8 *
scrypt_salt (const guint8 *salt, gsize salt_length, const char *pepper, gsize *out_length)
{
  gsize pepper_length = strlen (pepper);
  guint8 *joined = g_malloc (salt_length + pepper_length + 1);

  memcpy (joined, salt, salt_length);
  memcpy (joined + salt_length, pepper, pepper_length);
  *out_length = salt_length + pepper_length;
  return joined;
}

static gboolean
compute_tag (DgPasswordAlgo algo, const char *password, const char *pepper, const guint8 *salt,
             guint8 *tag, GError **error)
{
  if (algo == DG_PASSWORD_ALGO_SCRYPT)
    {
      gsize joined_length;
      g_autofree guint8 *joined =
          scrypt_salt (salt, DG_PASSWORD_SALT_LENGTH, pepper, &joined_length);

      return dg_password_scrypt_raw (password, strlen (password), joined, joined_length,
                                     DG_SCRYPT_N, DG_SCRYPT_R, DG_SCRYPT_P, tag,
                                     DG_SCRYPT_KEY_LENGTH, error);
    }
  return dg_password_argon2id_raw (password, strlen (password), salt, DG_PASSWORD_SALT_LENGTH,
                                   pepper, strlen (pepper), DG_ARGON2ID_TIME_COST,
                                   DG_ARGON2ID_MEMORY_COST_KIB, DG_ARGON2ID_PARALLELISM, tag,
                                   DG_ARGON2ID_OUTPUT_LENGTH, error);
}

/*
 * A stored hash that is wrong locks its user out for good, and on the shared build machine
 * we saw one Argon2id computation in a few hundred come back with a different first byte
 * (libgcrypt 1.10.1, loaded VM; never reproduced since). So a new hash is only written
 * when two computations agree; verification needs no such care (a glitch there costs one
 * retry of a login).
 */
static gboolean
compute_stable_tag (DgPasswordAlgo algo, const char *password, const char *pepper,
                    const guint8 *salt, guint8 *tag, GError **error)
{
  guint8 check[DG_ARGON2ID_OUTPUT_LENGTH];

  if (!compute_tag (algo, password, pepper, salt, tag, error))
    return FALSE;
  for (int attempt = 0; attempt < 3; attempt++)
    {
      gboolean same;

      if (!compute_tag (algo, password, pepper, salt, check, error))
        return FALSE;
      same = dg_crypto_equal (tag, check, sizeof check);
      if (same)
        {
          dg_crypto_wipe (check, sizeof check);
          return TRUE;
        }
      g_message ("Two computations of a new password hash disagreed; computing again");
      memcpy (tag, check, sizeof check);
    }
  dg_crypto_wipe (check, sizeof check);
  g_set_error_literal (error, DG_PASSWORD_ERROR, DG_PASSWORD_ERROR_FAILED,
                       "The password hash could not be computed reliably");
  return FALSE;
}

JsonObject *
dg_password_hash_full (DgPasswordAlgo algo, const char *password, const char *pepper,
                       const guint8 *salt, GError **error)
{
  guint8 salt_bytes[DG_PASSWORD_SALT_LENGTH];
  guint8 tag[DG_ARGON2ID_OUTPUT_LENGTH];
  g_autofree char *hash_b64 = NULL;
  g_autofree char *salt_b64 = NULL;

  G_STATIC_ASSERT (DG_ARGON2ID_OUTPUT_LENGTH == DG_SCRYPT_KEY_LENGTH);
  g_return_val_if_fail (pepper != NULL, NULL);

  if (password == NULL || password[0] == '\0')
    {
      g_set_error_literal (error, DG_PASSWORD_ERROR, DG_PASSWORD_ERROR_INVALID_PASSWORD,
                           "Invalid password: value must be a non-empty string");
      return NULL;
    }

  if (salt != NULL)
    memcpy (salt_bytes, salt, sizeof salt_bytes);
  else
    dg_random_bytes (salt_bytes, sizeof salt_bytes);

  if (!compute_stable_tag (algo, password, pepper, salt_bytes, tag, error))
    return NULL;

  hash_b64 = g_base64_encode (tag, sizeof tag);
  salt_b64 = g_base64_encode (salt_bytes, sizeof salt_bytes);
  dg_crypto_wipe (tag, sizeof tag);
  return dg_password_record_new (algo, hash_b64, salt_b64);
}

/**
 * dg_password_record_new:
 * @algo: the algorithm the hash was made with
 * @hash: the base64 hash
 * @salt: the base64 salt
 *
 * Returns: (transfer full): a password record with the default parameters of @algo
 */
JsonObject *
dg_password_record_new (DgPasswordAlgo algo, const char *hash, const char *salt)
{
  JsonObject *record;

  g_return_val_if_fail (hash != NULL, NULL);
  g_return_val_if_fail (salt != NULL, NULL);

  /* Key order of cstore-auth-ts: algo, hash, salt, version, params. */
  record = json_object_new ();
  json_object_set_string_member (record, "algo",
                                 algo == DG_PASSWORD_ALGO_SCRYPT ? "scrypt" : "argon2id");
  json_object_set_string_member (record, "hash", hash);
  json_object_set_string_member (record, "salt", salt);
  json_object_set_int_member (record, "version", DG_PASSWORD_RECORD_VERSION);
  json_object_set_object_member (record, "params",
                                 algo == DG_PASSWORD_ALGO_SCRYPT ? scrypt_params_object ()
                                                                 : argon2id_params_object ());
  return record;
}

/**
 * dg_password_hash:
 *
 * Returns: (transfer full): a new argon2id password record, or %NULL with @error set
 */
JsonObject *
dg_password_hash (const char *password, const char *pepper, GError **error)
{
  return dg_password_hash_full (DG_PASSWORD_ALGO_ARGON2ID, password, pepper, NULL, error);
}

static gboolean
member_is (JsonObject *object, const char *name, GType type)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (type == G_TYPE_DOUBLE)
    return json_node_get_value_type (node) == G_TYPE_INT64 ||
           json_node_get_value_type (node) == G_TYPE_DOUBLE;
  return json_node_get_value_type (node) == type;
}

/* The member checks of dg_password_record_check(), on the object itself: no reference is
 * taken, so threads may check one record at once (JsonObject's count is not atomic). */
static gboolean
check_record_members (JsonObject *object, GError **error)
{
  static const struct
  {
    const char *name;
    GType type;
  } required[] = {
    { "algo", G_TYPE_STRING },    { "hash", G_TYPE_STRING },    { "salt", G_TYPE_STRING },
    { "version", G_TYPE_DOUBLE }, { "params", G_TYPE_INVALID },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (required); i++)
    {
      gboolean ok;

      if (required[i].type == G_TYPE_INVALID)
        {
          /* typeof "object" and not null: arrays pass, as in cstore-auth-ts. */
          JsonNode *node = json_object_get_member (object, required[i].name);

          ok = node != NULL && (JSON_NODE_HOLDS_OBJECT (node) || JSON_NODE_HOLDS_ARRAY (node));
        }
      else
        ok = member_is (object, required[i].name, required[i].type);
      if (!ok)
        {
          g_set_error (error, DG_PASSWORD_ERROR, DG_PASSWORD_ERROR_MALFORMED,
                       "password.%s is missing or invalid", required[i].name);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
dg_password_record_check (JsonNode *record, GError **error)
{
  /* An array passes cstore-auth-ts' typeof check and then lacks "algo". */
  if (record != NULL && JSON_NODE_HOLDS_ARRAY (record))
    {
      g_set_error_literal (error, DG_PASSWORD_ERROR, DG_PASSWORD_ERROR_MALFORMED,
                           "password.algo is missing or invalid");
      return FALSE;
    }
  if (record == NULL || !JSON_NODE_HOLDS_OBJECT (record))
    {
      g_set_error_literal (error, DG_PASSWORD_ERROR, DG_PASSWORD_ERROR_MALFORMED,
                           "password must be an object when present");
      return FALSE;
    }
  return check_record_members (json_node_get_object (record), error);
}

/* Reads a positive integer parameter (a JSON number with no fractional part). */
static gboolean
read_param (JsonObject *params, const char *name, guint64 *out, GError **error)
{
  JsonNode *node = json_object_get_member (params, name);
  double value;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node))
    {
      if (json_node_get_value_type (node) == G_TYPE_INT64 && json_node_get_int (node) > 0)
        {
          *out = (guint64) json_node_get_int (node);
          return TRUE;
        }
      if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
        {
          value = json_node_get_double (node);
          if (value >= 1 && value <= (double) G_MAXUINT32 && value == (double) (guint64) value)
            {
              *out = (guint64) value;
              return TRUE;
            }
        }
    }
  g_set_error (error, DG_PASSWORD_ERROR, DG_PASSWORD_ERROR_MALFORMED,
               "password.params.%s is missing or invalid", name);
  return FALSE;
}

gboolean
dg_password_verify (JsonObject *record, const char *password, const char *pepper, GError **error)
{
  g_autofree guint8 *salt = NULL;
  g_autofree guint8 *expected = NULL;
  g_autofree guint8 *derived = NULL;
  JsonObject *params;
  const char *algo;
  gsize salt_length, expected_length;
  guint64 out_length;
  gboolean ok, match;

  g_return_val_if_fail (record != NULL, FALSE);
  g_return_val_if_fail (pepper != NULL, FALSE);

  if (!check_record_members (record, error))
    return FALSE;

  algo = json_object_get_string_member (record, "algo");
  if (!g_str_equal (algo, "argon2id") && !g_str_equal (algo, "scrypt"))
    {
      g_set_error (error, DG_PASSWORD_ERROR, DG_PASSWORD_ERROR_UNSUPPORTED,
                   "Password hasher \"%s\" is not available", algo);
      return FALSE;
    }
  params = JSON_NODE_HOLDS_OBJECT (json_object_get_member (record, "params"))
               ? json_object_get_object_member (record, "params")
               : NULL;
  if (params == NULL)
    {
      g_set_error_literal (error, DG_PASSWORD_ERROR, DG_PASSWORD_ERROR_MALFORMED,
                           "password.params is missing or invalid");
      return FALSE;
    }

  /* An empty password never matches (hashing refuses it, so no record can hold one). */
  if (password == NULL || password[0] == '\0')
    return FALSE;

  /* Node's Buffer.from(s, "base64") is lenient; decode the same way. */
  salt = dg_base64_decode_lenient (json_object_get_string_member (record, "salt"), &salt_length);
  expected =
      dg_base64_decode_lenient (json_object_get_string_member (record, "hash"), &expected_length);

  if (g_str_equal (algo, "argon2id"))
    {
      guint64 t, m, p;

      if (!read_param (params, "timeCost", &t, error) ||
          !read_param (params, "memoryCost", &m, error) ||
          !read_param (params, "parallelism", &p, error) ||
          !read_param (params, "outputLen", &out_length, error))
        return FALSE;
      if (t > G_MAXUINT || m > G_MAXUINT || p > G_MAXUINT || out_length > MAX_OUTPUT_LENGTH)
        {
          g_set_error_literal (error, DG_PASSWORD_ERROR, DG_PASSWORD_ERROR_UNSUPPORTED,
                               "Unsupported Argon2id parameters");
          return FALSE;
        }
      derived = g_malloc (out_length);
      ok = dg_password_argon2id_raw (password, strlen (password), salt, salt_length, pepper,
                                     strlen (pepper), (guint) t, (guint) m, (guint) p, derived,
                                     out_length, error);
    }
  else
    {
      guint64 n, r, p;
      gsize joined_length;
      g_autofree guint8 *joined = NULL;

      if (!read_param (params, "N", &n, error) || !read_param (params, "r", &r, error) ||
          !read_param (params, "p", &p, error) ||
          !read_param (params, "keyLength", &out_length, error))
        return FALSE;
      if (r > G_MAXUINT || p > G_MAXUINT || out_length > MAX_OUTPUT_LENGTH)
        {
          g_set_error_literal (error, DG_PASSWORD_ERROR, DG_PASSWORD_ERROR_UNSUPPORTED,
                               "Unsupported scrypt parameters");
          return FALSE;
        }
      joined = scrypt_salt (salt, salt_length, pepper, &joined_length);
      derived = g_malloc (out_length);
      ok = dg_password_scrypt_raw (password, strlen (password), joined, joined_length, n, (guint) r,
                                   (guint) p, derived, out_length, error);
    }
  if (!ok)
    return FALSE;

  if (expected_length != out_length)
    return FALSE;
  match = dg_crypto_equal (derived, expected, out_length);
  dg_crypto_wipe (derived, out_length);
  return match;
}

char *
dg_password_generate (void)
{
  guint8 bytes[12];
  char *password;

  dg_random_bytes (bytes, sizeof bytes);
  password = dg_base64url_encode (bytes, sizeof bytes);
  dg_crypto_wipe (bytes, sizeof bytes);
  return password;
}
