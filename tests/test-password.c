/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-password"

#include "config.h"

#include <string.h>

#include "dg-crypto.h"
#include "dg-password.h"
#include "dg-test-utils.h"

/*
 * The vectors of ../shared/testdata/cstore-auth-vectors.json (ratio1-interop.md 4.5),
 * written here too so the suite runs without the shared folder; when the file is present
 * /core/password/vectors-file checks that both agree.
 */
typedef struct
{
  const char *password;
  const char *pepper;
  const char *salt;
  const char *argon2id;
  const char *argon2id_without_pepper;
  const char *scrypt;
} RawVector;

static const RawVector raw_vectors[] = {
  { "S3curePassw0rd", "super-secret-pepper", "AAECAwQFBgcICQoLDA0ODw==",
    "7KnjuTwQp/9p7g2rcknwo5YJZPJltgOQ7t9FHDrow1Q=", "n6+rOXC+pUUCZW/5PU1LiHWTtR3T5427RAtNTiFxUJM=",
    "K1hvCMZ9v57wx4qyvRGzbdeM/UuRbH84mjb308hfwaA=" },
  { "boot-password", "integration-test-secret-pepper-key", "oaKjpKWmp6ipqqusra6vsA==",
    "2gdzo2qlKG9Ca0SN1gQle00q3kyBPqfm/K2oD52s9xg=", "7qHiZ4bQBtPSfjjUxvwlF6UrD67jtXqT2//QhkTgiKY=",
    "ko5W2tRnFJUJds6ddWe0kegg+pNep63rNkzf+TL+L9c=" },
  { "p\xc3\xa4ssw\xc3\xb6rd\xe2\x9c\x93", "p", "QkJCQkJCQkJCQkJCQkJCQg==",
    "b/pXmCGwblhS7Kb/Ef1P+q0REPpbDSc7tdi0MXUgxLM=", "LPjByPvYBIrcCZOYdUOPYny6e9A8Ak9OruiYp80/QoU=",
    "ndSkPz46YHuhwi8Vz7QoHnpqmKR1V2smV/l8UCgTQMk=" },
};

typedef struct
{
  const char *field;
  const char *algo;
  const char *password;
  const char *salt;
  const char *hash;
} StoredVector;

static const char stored_pepper[] = "super-secret-pepper";

static const StoredVector stored_vectors[] = {
  { "alice", "argon2id", "S3curePassw0rd",
    "Ccf7SxLdyi4dtesX6CzKOA==", "s+myniHx29ZgD3X6TD6UW+KHvFAPdG+65q2D7ozhVWc=" },
  { "admin", "argon2id", "boot-password",
    "HzIEOeO4WVU90x1lifbvVw==", "BIypjZCKwtTWMZ+RfR9PL+DcN7GXCzkd7WwNmb8GH98=" },
  { "alice", "scrypt", "S3curePassw0rd",
    "rRIOMMWivx4Za0kMwmrlyQ==", "K42YN2b7X3XGaflbWw2p5gWIcdQB0gB634KAYlejnc8=" },
  { "admin", "scrypt", "boot-password",
    "xrzQsKY9dw58sAWBDK5aCw==", "e9x4Mqa3Z9xDJqN/50mVEeJYFOu0AeiokJhCYOxh0r0=" },
};

/* The vectors file parsed, or NULL when ../shared is not there. */
static JsonObject *
load_vectors_file (void)
{
  g_autofree char *path = dg_test_shared_path ("cstore-auth-vectors.json");
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (GError) error = NULL;

  if (path == NULL)
    return NULL;
  parser = json_parser_new ();
  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static char *
b64 (const guint8 *data, gsize length)
{
  return g_base64_encode (data, length);
}

static guint8 *
unb64 (const char *text, gsize *length)
{
  return g_base64_decode (text, length);
}

/* Every constant above equals the shared file, so the constants are the vectors. */
static void
test_vectors_match_shared_file (void)
{
  g_autoptr (JsonObject) root = load_vectors_file ();
  JsonArray *raw;
  JsonObject *stored;
  JsonArray *records;

  if (root == NULL)
    {
      g_test_skip ("DG_SHARED_TESTDATA/cstore-auth-vectors.json is not available");
      return;
    }
  raw = json_object_get_array_member (root, "raw");
  g_assert_cmpuint (json_array_get_length (raw), ==, G_N_ELEMENTS (raw_vectors));
  for (guint i = 0; i < G_N_ELEMENTS (raw_vectors); i++)
    {
      JsonObject *v = json_array_get_object_element (raw, i);

      g_assert_cmpstr (json_object_get_string_member (v, "password"), ==, raw_vectors[i].password);
      g_assert_cmpstr (json_object_get_string_member (v, "pepper"), ==, raw_vectors[i].pepper);
      g_assert_cmpstr (json_object_get_string_member (v, "salt"), ==, raw_vectors[i].salt);
      g_assert_cmpstr (json_object_get_string_member (v, "argon2id"), ==, raw_vectors[i].argon2id);
      g_assert_cmpstr (json_object_get_string_member (v, "argon2id_without_pepper"), ==,
                       raw_vectors[i].argon2id_without_pepper);
      g_assert_cmpstr (json_object_get_string_member (v, "scrypt"), ==, raw_vectors[i].scrypt);
    }
  stored = json_object_get_object_member (root, "stored_records");
  g_assert_cmpstr (json_object_get_string_member (stored, "pepper"), ==, stored_pepper);
  records = json_object_get_array_member (stored, "records");
  g_assert_cmpuint (json_array_get_length (records), ==, G_N_ELEMENTS (stored_vectors));
  for (guint i = 0; i < G_N_ELEMENTS (stored_vectors); i++)
    {
      JsonObject *v = json_array_get_object_element (records, i);

      g_assert_cmpstr (json_object_get_string_member (v, "field"), ==, stored_vectors[i].field);
      g_assert_cmpstr (json_object_get_string_member (v, "algo"), ==, stored_vectors[i].algo);
      g_assert_cmpstr (json_object_get_string_member (v, "password"), ==,
                       stored_vectors[i].password);
      g_assert_cmpstr (json_object_get_string_member (v, "salt"), ==, stored_vectors[i].salt);
      g_assert_cmpstr (json_object_get_string_member (v, "hash"), ==, stored_vectors[i].hash);
    }
}

static void
test_raw_argon2id (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (raw_vectors); i++)
    {
      const RawVector *v = &raw_vectors[i];
      g_autoptr (GError) error = NULL;
      g_autofree guint8 *salt = NULL;
      g_autofree char *with = NULL;
      g_autofree char *without = NULL;
      guint8 out[32];
      gsize salt_length;

      salt = unb64 (v->salt, &salt_length);
      g_assert_true (dg_password_argon2id_raw (v->password, strlen (v->password), salt, salt_length,
                                               v->pepper, strlen (v->pepper), 3, 65536, 1, out,
                                               sizeof out, &error));
      g_assert_no_error (error);
      with = b64 (out, sizeof out);
      g_assert_cmpstr (with, ==, v->argon2id);

      /* The negative: what a library without an Argon2 secret input (libsodium) produces. */
      g_assert_true (dg_password_argon2id_raw (v->password, strlen (v->password), salt, salt_length,
                                               NULL, 0, 3, 65536, 1, out, sizeof out, &error));
      without = b64 (out, sizeof out);
      g_assert_cmpstr (without, ==, v->argon2id_without_pepper);
      g_assert_cmpstr (without, !=, v->argon2id);
    }
}

static void
test_raw_scrypt (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (raw_vectors); i++)
    {
      const RawVector *v = &raw_vectors[i];
      g_autoptr (GError) error = NULL;
      g_autofree guint8 *salt = NULL;
      g_autofree char *got = NULL;
      g_autoptr (GByteArray) joined = g_byte_array_new ();
      guint8 out[32];
      gsize salt_length;

      salt = unb64 (v->salt, &salt_length);
      g_byte_array_append (joined, salt, salt_length);
      g_byte_array_append (joined, (const guint8 *) v->pepper, strlen (v->pepper));
      g_assert_true (dg_password_scrypt_raw (v->password, strlen (v->password), joined->data,
                                             joined->len, 32768, 8, 1, out, sizeof out, &error));
      g_assert_no_error (error);
      got = b64 (out, sizeof out);
      g_assert_cmpstr (got, ==, v->scrypt);
    }
}

/* Records with r != 8 go through our own ROMix (libgcrypt fixes r at 8). */
static void
test_scrypt_other_r (void)
{
  /* RFC 7914 section 12, second vector (r = 8: libgcrypt's path). */
  static const char rfc_vector[] = "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b37316"
                                   "22eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc"
                                   "0640";
  /* Python hashlib.scrypt (OpenSSL): the same input with r = 1, and with r = 3, p = 2 over
   * vector 1's salt || pepper (our own ROMix). */
  static const char r1_vector[] = "aec6b7483ed26e08802b41f4032086a0e886be7ac48fcfd92ff0cef8109752"
                                  "f4ac74b077263256a65a99701b7a304d46611c8aa391e799ce10a27753e7e9"
                                  "c09a";
  static const char r3_vector[] =
      "a907f8c9eae6a8b7e96d6c93660bafb246e0d4b744667ff423639123f972888e";
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) hex = g_string_new (NULL);
  g_autoptr (GByteArray) salt = g_byte_array_new ();
  guint8 out[64];

  g_assert_true (dg_password_scrypt_raw ("password", 8, "NaCl", 4, 1024, 8, 16, out, 64, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 64; i++)
    g_string_append_printf (hex, "%02x", out[i]);
  g_assert_cmpstr (hex->str, ==, rfc_vector);

  g_assert_true (dg_password_scrypt_raw ("password", 8, "NaCl", 4, 16, 1, 1, out, 64, &error));
  g_assert_no_error (error);
  g_string_truncate (hex, 0);
  for (guint i = 0; i < 64; i++)
    g_string_append_printf (hex, "%02x", out[i]);
  g_assert_cmpstr (hex->str, ==, r1_vector);

  for (guint8 i = 0; i < 16; i++)
    g_byte_array_append (salt, &i, 1);
  g_byte_array_append (salt, (const guint8 *) "super-secret-pepper", 19);
  g_assert_true (dg_password_scrypt_raw ("S3curePassw0rd", 14, salt->data, salt->len, 1024, 3, 2,
                                         out, 32, &error));
  g_assert_no_error (error);
  g_string_truncate (hex, 0);
  for (guint i = 0; i < 32; i++)
    g_string_append_printf (hex, "%02x", out[i]);
  g_assert_cmpstr (hex->str, ==, r3_vector);
}

static char *
record_to_string (JsonObject *record)
{
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), record);

  return json_to_string (node, FALSE);
}

/* A record written with vector 1's salt is byte for byte what cstore-auth-ts writes. */
static void
test_record_format (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree guint8 *salt = NULL;
  g_autoptr (JsonObject) record = NULL;
  g_autofree char *text = NULL;
  gsize salt_length;

  salt = unb64 (raw_vectors[0].salt, &salt_length);
  record = dg_password_hash_full (DG_PASSWORD_ALGO_ARGON2ID, raw_vectors[0].password,
                                  raw_vectors[0].pepper, salt, &error);
  g_assert_no_error (error);
  text = record_to_string (record);
  g_assert_cmpstr (text, ==,
                   "{\"algo\":\"argon2id\",\"hash\":\"7KnjuTwQp/9p7g2rcknwo5YJZPJltgOQ7t9FHDrow1Q="
                   "\",\"salt\":\"AAECAwQFBgcICQoLDA0ODw==\",\"version\":1,\"params\":{"
                   "\"timeCost\":3,\"memoryCost\":65536,\"parallelism\":1,\"outputLen\":32}}");

  g_clear_pointer (&record, json_object_unref);
  g_clear_pointer (&text, g_free);
  record = dg_password_hash_full (DG_PASSWORD_ALGO_SCRYPT, raw_vectors[0].password,
                                  raw_vectors[0].pepper, salt, &error);
  g_assert_no_error (error);
  text = record_to_string (record);
  g_assert_cmpstr (text, ==,
                   "{\"algo\":\"scrypt\",\"hash\":\"K1hvCMZ9v57wx4qyvRGzbdeM/UuRbH84mjb308hfwaA=\","
                   "\"salt\":\"AAECAwQFBgcICQoLDA0ODw==\",\"version\":1,\"params\":{\"N\":32768,"
                   "\"r\":8,\"p\":1,\"keyLength\":32}}");
}

static JsonObject *
stored_record (const StoredVector *v)
{
  g_autofree char *json = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  if (g_str_equal (v->algo, "argon2id"))
    json = g_strdup_printf ("{\"algo\":\"argon2id\",\"hash\":\"%s\",\"salt\":\"%s\",\"version\":1,"
                            "\"params\":{\"timeCost\":3,\"memoryCost\":65536,\"parallelism\":1,"
                            "\"outputLen\":32}}",
                            v->hash, v->salt);
  else
    json = g_strdup_printf ("{\"algo\":\"scrypt\",\"hash\":\"%s\",\"salt\":\"%s\",\"version\":1,"
                            "\"params\":{\"N\":32768,\"r\":8,\"p\":1,\"keyLength\":32}}",
                            v->hash, v->salt);
  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* Records written by the published library: the right password is accepted, others refused. */
static void
test_stored_records (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (stored_vectors); i++)
    {
      const StoredVector *v = &stored_vectors[i];
      g_autoptr (JsonObject) record = stored_record (v);
      g_autoptr (GError) error = NULL;
      g_autofree char *wrong = g_strconcat (v->password, "x", NULL);

      g_assert_true (dg_password_verify (record, v->password, stored_pepper, &error));
      g_assert_no_error (error);
      g_assert_false (dg_password_verify (record, wrong, stored_pepper, &error));
      g_assert_no_error (error);
      /* The right password with the wrong pepper is refused too. */
      g_assert_false (dg_password_verify (record, v->password, "other-pepper", &error));
      g_assert_no_error (error);
      /* Empty passwords never match and cost nothing. */
      g_assert_false (dg_password_verify (record, "", stored_pepper, &error));
      g_assert_no_error (error);
    }
}

static void
test_hash_roundtrip (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) record = dg_password_hash ("correct horse", "pepper", &error);
  g_autofree guint8 *salt = NULL;
  g_autofree guint8 *hash = NULL;
  gsize salt_length, hash_length;

  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (record, "algo"), ==, "argon2id");
  salt = unb64 (json_object_get_string_member (record, "salt"), &salt_length);
  hash = unb64 (json_object_get_string_member (record, "hash"), &hash_length);
  g_assert_cmpuint (salt_length, ==, 16);
  g_assert_cmpuint (hash_length, ==, 32);
  g_assert_true (dg_password_verify (record, "correct horse", "pepper", &error));
  g_assert_false (dg_password_verify (record, "correct horse ", "pepper", &error));
  g_assert_no_error (error);
}

static void
test_hash_empty_password (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) record = dg_password_hash ("", "pepper", &error);

  g_assert_null (record);
  g_assert_error (error, DG_PASSWORD_ERROR, DG_PASSWORD_ERROR_INVALID_PASSWORD);
  g_assert_cmpstr (error->message, ==, "Invalid password: value must be a non-empty string");
}

static JsonObject *
parse_object (const char *json)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* Records that cannot be used are errors, decided before any hashing. */
static void
test_unusable_records (void)
{
  static const struct
  {
    const char *json;
    int code;
    const char *message;
  } cases[] = {
    { "{\"hash\":\"x\",\"salt\":\"x\",\"version\":1,\"params\":{}}", DG_PASSWORD_ERROR_MALFORMED,
      "password.algo is missing or invalid" },
    { "{\"algo\":\"argon2id\",\"hash\":1,\"salt\":\"x\",\"version\":1,\"params\":{}}",
      DG_PASSWORD_ERROR_MALFORMED, "password.hash is missing or invalid" },
    { "{\"algo\":\"argon2id\",\"hash\":\"x\",\"salt\":\"x\",\"version\":\"1\",\"params\":{}}",
      DG_PASSWORD_ERROR_MALFORMED, "password.version is missing or invalid" },
    { "{\"algo\":\"argon2id\",\"hash\":\"x\",\"salt\":\"x\",\"version\":1,\"params\":null}",
      DG_PASSWORD_ERROR_MALFORMED, "password.params is missing or invalid" },
    { "{\"algo\":\"bcrypt\",\"hash\":\"x\",\"salt\":\"x\",\"version\":1,\"params\":{}}",
      DG_PASSWORD_ERROR_UNSUPPORTED, "Password hasher \"bcrypt\" is not available" },
    { "{\"algo\":\"argon2id\",\"hash\":\"x\",\"salt\":\"AAAAAAAAAAAAAAAAAAAAAA==\",\"version\":1,"
      "\"params\":{\"timeCost\":3,\"memoryCost\":65536,\"parallelism\":1}}",
      DG_PASSWORD_ERROR_MALFORMED, "password.params.outputLen is missing or invalid" },
    { "{\"algo\":\"argon2id\",\"hash\":\"x\",\"salt\":\"AAAAAAAAAAAAAAAAAAAAAA==\",\"version\":1,"
      "\"params\":{\"timeCost\":3,\"memoryCost\":1.5,\"parallelism\":1,\"outputLen\":32}}",
      DG_PASSWORD_ERROR_MALFORMED, "password.params.memoryCost is missing or invalid" },
    /* A hostile record asking for 64 GiB is refused without allocating anything. */
    { "{\"algo\":\"argon2id\",\"hash\":\"x\",\"salt\":\"AAAAAAAAAAAAAAAAAAAAAA==\",\"version\":1,"
      "\"params\":{\"timeCost\":3,\"memoryCost\":67108864,\"parallelism\":1,\"outputLen\":32}}",
      DG_PASSWORD_ERROR_UNSUPPORTED, NULL },
    { "{\"algo\":\"argon2id\",\"hash\":\"x\",\"salt\":\"AAAA\",\"version\":1,"
      "\"params\":{\"timeCost\":3,\"memoryCost\":65536,\"parallelism\":1,\"outputLen\":32}}",
      DG_PASSWORD_ERROR_UNSUPPORTED, NULL },
    { "{\"algo\":\"scrypt\",\"hash\":\"x\",\"salt\":\"AAAA\",\"version\":1,"
      "\"params\":{\"N\":1000,\"r\":8,\"p\":1,\"keyLength\":32}}",
      DG_PASSWORD_ERROR_UNSUPPORTED, NULL },
    { "{\"algo\":\"scrypt\",\"hash\":\"x\",\"salt\":\"AAAA\",\"version\":1,"
      "\"params\":{\"N\":1073741824,\"r\":8,\"p\":1,\"keyLength\":32}}",
      DG_PASSWORD_ERROR_UNSUPPORTED, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (JsonObject) record = parse_object (cases[i].json);
      g_autoptr (GError) error = NULL;

      g_assert_false (dg_password_verify (record, "password", "pepper", &error));
      g_assert_error (error, DG_PASSWORD_ERROR, cases[i].code);
      if (cases[i].message != NULL)
        g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

/* A stored hash of another length never matches (and is not an error), as upstream. */
static void
test_hash_length_mismatch (void)
{
  g_autoptr (JsonObject) record = stored_record (&stored_vectors[2]);
  g_autoptr (GError) error = NULL;

  json_object_set_string_member (record, "hash", "K42YN2b7X3XGaflbWw2p5gWIcdQB0gB634KAYlejnQ==");
  g_assert_false (dg_password_verify (record, "S3curePassw0rd", stored_pepper, &error));
  g_assert_no_error (error);
}

/*
 * Logins share one record across threads (DgAccounts' dummy record for unknown users).
 * json-glib's JsonObject reference count is not atomic, so verifying must never take a
 * reference to the record: a lost update frees it under another thread (a json-glib
 * critical, or a use after free under ASan). Cheap refusals repeat the check many times.
 */
static gpointer
verify_shared_thread (gpointer data)
{
  JsonObject *record = data;

  DG_TEST_REPEAT_MS (i, 500)
  {
    g_autoptr (GError) error = NULL;

    g_assert_false (dg_password_verify (record, i % 2 == 0 ? "" : "pw", "pepper", &error));
    if (i % 2 != 0)
      g_assert_error (error, DG_PASSWORD_ERROR, DG_PASSWORD_ERROR_UNSUPPORTED);
  }
  return NULL;
}

static void
test_verify_shared_record (void)
{
  g_autoptr (JsonObject) record = parse_object (
      "{\"algo\":\"bcrypt\",\"hash\":\"x\",\"salt\":\"x\",\"version\":1,\"params\":{}}");
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("verify", verify_shared_thread, record);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  g_assert_cmpstr (json_object_get_string_member (record, "algo"), ==, "bcrypt");
}

static void
test_generate (void)
{
  g_autofree char *a = dg_password_generate ();
  g_autofree char *b = dg_password_generate ();

  g_assert_cmpuint (strlen (a), ==, 16);
  g_assert_cmpstr (a, !=, b);
  for (const char *p = a; *p; p++)
    g_assert_true (g_ascii_isalnum (*p) || *p == '-' || *p == '_');
}

static void
test_base64 (void)
{
  static const guint8 data[] = { 0xfb, 0xff, 0xfe, 0x00, 0x41 };
  g_autofree char *url = dg_base64url_encode (data, sizeof data);
  g_autofree guint8 *back = NULL;
  g_autofree guint8 *lenient = NULL;
  g_autofree guint8 *garbage = NULL;
  gsize length;

  g_assert_cmpstr (url, ==, "-__-AEE");
  back = dg_base64url_decode (url, &length);
  g_assert_cmpmem (back, length, data, sizeof data);
  g_assert_null (dg_base64url_decode ("+__-AEE", &length));
  g_assert_null (dg_base64url_decode ("-__-A", &length));
  g_assert_null (dg_base64url_decode ("-__-AEE=", &length));

  /* Node's Buffer.from(s, "base64"): both alphabets, padding optional, junk skipped. */
  lenient = dg_base64_decode_lenient ("+/_-\nAEE=ignored", &length);
  g_assert_cmpmem (lenient, length, data, sizeof data);
  garbage = dg_base64_decode_lenient ("!!", &length);
  g_assert_cmpuint (length, ==, 0);

  g_assert_true (dg_crypto_str_equal ("abc", "abc"));
  g_assert_false (dg_crypto_str_equal ("abc", "abd"));
  g_assert_false (dg_crypto_str_equal ("abc", "ab"));
  g_assert_false (dg_crypto_str_equal ("ab", "abc"));
  g_assert_true (dg_crypto_str_equal ("", ""));
}

static void
test_hmac_sha256 (void)
{
  /* RFC 4231 test case 2. */
  guint8 mac[32];
  g_autoptr (GString) hex = g_string_new (NULL);

  dg_crypto_hmac_sha256 ("Jefe", 4, "what do ya want for nothing?", 28, mac);
  for (guint i = 0; i < 32; i++)
    g_string_append_printf (hex, "%02x", mac[i]);
  g_assert_cmpstr (hex->str, ==,
                   "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

/* dg_crypto_seal/open: AES-256-GCM "iv.tag.ciphertext" bound to its associated data. */
static void
test_seal_open (void)
{
  guint8 key[DG_SHA256_LENGTH];
  guint8 other[DG_SHA256_LENGTH];
  g_autofree char *sealed = NULL;
  g_autofree char *again = NULL;
  g_autofree char *padded = NULL;
  g_autoptr (DgSecret) plain = NULL;
  g_autoptr (DgSecret) lenient = NULL;
  g_autoptr (DgSecret) empty = NULL;
  g_autofree char *sealed_empty = NULL;
  g_auto (GStrv) parts = NULL;
  GError *error = NULL;

  dg_crypto_sha256 ("key", 3, key);
  dg_crypto_sha256 ("other", 5, other);
  sealed = dg_crypto_seal (key, "alice\nid", "sk-ünicode-key");
  again = dg_crypto_seal (key, "alice\nid", "sk-ünicode-key");
  g_assert_cmpstr (sealed, !=, again); /* a fresh IV each time */
  parts = g_strsplit (sealed, ".", -1);
  g_assert_cmpuint (g_strv_length (parts), ==, 3);
  g_assert_cmpuint (strlen (parts[0]), ==, 16); /* 12 bytes */
  g_assert_cmpuint (strlen (parts[1]), ==, 22); /* 16 bytes */

  plain = dg_crypto_open (key, "alice\nid", sealed, DG_CRYPTO_OPEN_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (plain, ==, "sk-ünicode-key");

  /* Wrong key, wrong associated data, none at all: refused. */
  g_assert_null (dg_crypto_open (other, "alice\nid", sealed, DG_CRYPTO_OPEN_NONE, &error));
  g_assert_error (error, DG_CRYPTO_ERROR, DG_CRYPTO_ERROR_OPEN);
  g_clear_error (&error);
  g_assert_null (dg_crypto_open (key, "bob\nid", sealed, DG_CRYPTO_OPEN_NONE, &error));
  g_assert_error (error, DG_CRYPTO_ERROR, DG_CRYPTO_ERROR_OPEN);
  g_clear_error (&error);
  g_assert_null (dg_crypto_open (key, NULL, sealed, DG_CRYPTO_OPEN_NONE, &error));
  g_assert_error (error, DG_CRYPTO_ERROR, DG_CRYPTO_ERROR_OPEN);
  g_clear_error (&error);

  /* Malformed: too few parts, padding only the lenient reader accepts. */
  g_assert_null (dg_crypto_open (key, NULL, "abc.def", DG_CRYPTO_OPEN_NONE, &error));
  g_assert_error (error, DG_CRYPTO_ERROR, DG_CRYPTO_ERROR_FORMAT);
  g_clear_error (&error);
  padded = g_strconcat (parts[0], ".", parts[1], "==.", parts[2], NULL);
  g_assert_null (dg_crypto_open (key, "alice\nid", padded, DG_CRYPTO_OPEN_NONE, &error));
  g_assert_error (error, DG_CRYPTO_ERROR, DG_CRYPTO_ERROR_FORMAT);
  g_clear_error (&error);
  lenient = dg_crypto_open (key, "alice\nid", padded, DG_CRYPTO_OPEN_LENIENT, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lenient, ==, "sk-ünicode-key");

  sealed_empty = dg_crypto_seal (key, NULL, "");
  empty = dg_crypto_open (key, NULL, sealed_empty, DG_CRYPTO_OPEN_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (empty, ==, "");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/password/vectors-file", test_vectors_match_shared_file);
  g_test_add_func ("/core/password/argon2id-raw", test_raw_argon2id);
  g_test_add_func ("/core/password/scrypt-raw", test_raw_scrypt);
  g_test_add_func ("/core/password/scrypt-other-r", test_scrypt_other_r);
  g_test_add_func ("/core/password/record-format", test_record_format);
  g_test_add_func ("/core/password/stored-records", test_stored_records);
  g_test_add_func ("/core/password/roundtrip", test_hash_roundtrip);
  g_test_add_func ("/core/password/empty-password", test_hash_empty_password);
  g_test_add_func ("/core/password/unusable-records", test_unusable_records);
  g_test_add_func ("/core/password/length-mismatch", test_hash_length_mismatch);
  g_test_add_func ("/core/password/verify-shared-record", test_verify_shared_record);
  g_test_add_func ("/core/password/generate", test_generate);
  g_test_add_func ("/core/password/base64", test_base64);
  g_test_add_func ("/core/password/hmac-sha256", test_hmac_sha256);
  g_test_add_func ("/core/password/seal-open", test_seal_open);

  return g_test_run ();
}
