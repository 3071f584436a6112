/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-registration"

#include "config.h"

#include <string.h>

#include "dg-mail-failure.h"
#include "dg-registration.h"
#include "test-registration.h"

/* Pure parts of registration: the encrypted failure record and the generated credentials. */

#define DEV_SECRET "datagems-dev-session-secret"

static void
test_encrypt_roundtrip (void)
{
  g_autofree char *token = dg_mail_failure_encrypt (DEV_SECRET, "Zm9vYmFyYmF6cXV4");
  g_autofree char *other = dg_mail_failure_encrypt (DEV_SECRET, "Zm9vYmFyYmF6cXV4");
  g_autofree char *plain = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) parts = g_strsplit (token, ".", -1);

  /* base64url(12) . base64url(16) . base64url(16), unpadded */
  g_assert_cmpuint (g_strv_length (parts), ==, 3);
  g_assert_cmpuint (strlen (parts[0]), ==, 16);
  g_assert_cmpuint (strlen (parts[1]), ==, 22);
  g_assert_cmpuint (strlen (parts[2]), ==, 22);
  g_assert_null (strpbrk (token, "=+/"));
  g_assert_null (strstr (token, "Zm9vYmFy"));
  /* A random IV per record. */
  g_assert_cmpstr (token, !=, other);

  plain = dg_mail_failure_decrypt (DEV_SECRET, token, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (plain, ==, "Zm9vYmFyYmF6cXV4");
}

/* Written by Node's crypto exactly as the earlier implementation does (fixed IV 00..0b). */
static void
test_decrypt_node_vector (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *plain = dg_mail_failure_decrypt (
      DEV_SECRET, "AAECAwQFBgcICQoL._5iAtkJTsIW4mdx3bvW4iA.ckcdTqAoqJjdEsXZGbRqgw", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (plain, ==, "Zm9vYmFyYmF6cXV4");
}

static void
test_decrypt_failures (void)
{
  g_autofree char *token = dg_mail_failure_encrypt (DEV_SECRET, "pw-123");
  g_autofree char *tampered = g_strdup (token);
  const char *bad_formats[] = { "", "a.b", "a.b.c.d", "AAECAwQFBgcICQoL.AAAA.AAAA",
                                "AAAA._5iAtkJTsIW4mdx3bvW4iA.ckcdTqAoqJjdEsXZGbRqgw" };
  char *last;

  {
    g_autoptr (GError) error = NULL;
    g_autofree char *plain = dg_mail_failure_decrypt ("a-rotated-secret", token, &error);

    g_assert_error (error, DG_MAIL_FAILURE_ERROR, DG_MAIL_FAILURE_ERROR_DECRYPT);
    g_assert_null (plain);
  }
  /* Flip one ciphertext character. */
  last = tampered + strlen (tampered) - 2;
  *last = *last == 'A' ? 'B' : 'A';
  {
    g_autoptr (GError) error = NULL;
    g_autofree char *plain = dg_mail_failure_decrypt (DEV_SECRET, tampered, &error);

    g_assert_error (error, DG_MAIL_FAILURE_ERROR, DG_MAIL_FAILURE_ERROR_DECRYPT);
    g_assert_null (plain);
  }
  for (guint i = 0; i < G_N_ELEMENTS (bad_formats); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *plain = dg_mail_failure_decrypt (DEV_SECRET, bad_formats[i], &error);

      g_assert_error (error, DG_MAIL_FAILURE_ERROR, DG_MAIL_FAILURE_ERROR_FORMAT);
      g_assert_null (plain);
    }
}

static void
test_record_lifecycle (void)
{
  gint64 t0 = dg_test_registration_epoch_ms ();
  g_autoptr (JsonObject) record =
      dg_mail_failure_record_new ("alice@example.com", "alice_8aa2", "IV.TAG.CT", t0);
  g_autofree char *text = dg_mail_failure_record_to_string (record);
  g_autoptr (JsonObject) parsed = NULL;
  g_autofree char *text2 = NULL;
  g_autofree char *text3 = NULL;
  g_autofree char *text4 = NULL;

  g_assert_cmpstr (
      text, ==,
      "{\"email\":\"alice@example.com\",\"username\":\"alice_8aa2\","
      "\"passwordEncrypted\":\"IV.TAG.CT\",\"attempts\":1,\"status\":\"pending\","
      "\"failedAt\":\"2026-02-17T10:11:12.345Z\",\"updatedAt\":\"2026-02-17T10:11:12.345Z\","
      "\"lastErrorCode\":\"delivery_failed\"}");
  g_assert_true (dg_mail_failure_record_is_pending (record));

  /* TTL runs from failedAt; the boundary itself is not expired. */
  g_assert_false (dg_mail_failure_record_is_expired (record, t0 + 86400 * 1000, 86400));
  g_assert_true (dg_mail_failure_record_is_expired (record, t0 + 86400 * 1000 + 1, 86400));
  g_assert_true (dg_mail_failure_record_is_expired (record, t0 + 61 * 1000, 60));

  /* A failed retry keeps failedAt and member order. */
  parsed = dg_mail_failure_record_parse (text);
  g_assert_nonnull (parsed);
  dg_mail_failure_record_mark_retry_failed (parsed, t0 + 1000);
  text2 = dg_mail_failure_record_to_string (parsed);
  g_assert_cmpstr (
      text2, ==,
      "{\"email\":\"alice@example.com\",\"username\":\"alice_8aa2\","
      "\"passwordEncrypted\":\"IV.TAG.CT\",\"attempts\":2,\"status\":\"pending\","
      "\"failedAt\":\"2026-02-17T10:11:12.345Z\",\"updatedAt\":\"2026-02-17T10:11:13.345Z\","
      "\"lastErrorCode\":\"delivery_failed\"}");

  dg_mail_failure_record_mark_sent (parsed, t0 + 2000);
  text3 = dg_mail_failure_record_to_string (parsed);
  g_assert_cmpstr (text3, ==,
                   "{\"email\":\"alice@example.com\",\"username\":\"alice_8aa2\",\"attempts\":2,"
                   "\"status\":\"sent\",\"failedAt\":\"2026-02-17T10:11:12.345Z\","
                   "\"updatedAt\":\"2026-02-17T10:11:14.345Z\",\"lastErrorCode\":\"sent\"}");
  g_assert_false (dg_mail_failure_record_is_pending (parsed));

  dg_mail_failure_record_mark_expired (record, t0 + 3000);
  g_assert_cmpstr (dg_mail_failure_record_get_string (record, "status"), ==, "expired");
  g_assert_null (dg_mail_failure_record_get_string (record, "passwordEncrypted"));
  g_assert_cmpstr (dg_mail_failure_record_get_string (record, "lastErrorCode"), ==,
                   "delivery_failed");

  {
    g_autoptr (JsonObject) r = dg_mail_failure_record_new ("b@c.de", "b_0000", "x.y.z", t0);

    dg_mail_failure_record_mark_decrypt_failed (r, t0);
    text4 = dg_mail_failure_record_to_string (r);
    g_assert_nonnull (strstr (text4, "\"status\":\"expired\""));
    g_assert_nonnull (strstr (text4, "\"lastErrorCode\":\"decrypt_failed\""));
  }
}

static void
test_record_foreign (void)
{
  /* Unknown members survive; broken values are tolerated. */
  g_autoptr (JsonObject) r = dg_mail_failure_record_parse (
      "{\"email\":\"a@b.cd\",\"extra\":{\"k\":1},\"attempts\":\"x\",\"status\":\"pending\","
      "\"failedAt\":\"not a date\"}");
  g_autofree char *text = NULL;

  g_assert_nonnull (r);
  g_assert_cmpint (dg_mail_failure_record_get_attempts (r), ==, 0);
  g_assert_true (dg_mail_failure_record_is_expired (r, dg_test_registration_epoch_ms (), 86400));
  dg_mail_failure_record_mark_retry_failed (r, dg_test_registration_epoch_ms ());
  text = dg_mail_failure_record_to_string (r);
  g_assert_true (
      g_str_has_prefix (text, "{\"email\":\"a@b.cd\",\"extra\":{\"k\":1},\"attempts\":1,"));

  g_assert_null (dg_mail_failure_record_parse ("[1,2]"));
  g_assert_null (dg_mail_failure_record_parse ("{oops"));
  g_assert_null (dg_mail_failure_record_parse ("\"text\""));
}

static void
assert_username (const char *email, const char *base)
{
  g_autofree char *username = dg_registration_generate_username (email);
  g_autofree char *pattern = g_strdup_printf ("^%s_[0-9a-f]{4}$", base);

  g_test_message ("%s -> %s", email, username);
  g_assert_true (g_regex_match_simple (pattern, username, 0, 0));
}

static void
test_username (void)
{
  g_autofree char *long_local = g_strnfill (70, 'a');
  g_autofree char *long_email = g_strconcat (long_local, "@example.com", NULL);
  g_autofree char *long_name = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* upstream 10.3 examples */
  assert_username ("john.smith@example.com", "john_smith");
  assert_username ("__x__@a.io", "x");
  assert_username ("-.-@a.io", "user");
  assert_username ("o'neil+tag@a.io", "o_neil_tag");
  assert_username ("a__b@a.io", "a__b");

  /* Bug 18 fixed: the suffix survives a long local part, and the total is at most 64. */
  long_name = dg_registration_generate_username (long_email);
  g_assert_cmpuint (strlen (long_name), ==, 64);
  g_assert_true (g_regex_match_simple ("^a{59}_[0-9a-f]{4}$", long_name, 0, 0));

  /* The suffix is random: 50 names from one address are not all the same. */
  for (int i = 0; i < 50; i++)
    g_hash_table_add (seen, dg_registration_generate_username ("same@example.com"));
  g_assert_cmpuint (g_hash_table_size (seen), >, 40);
}

static void
test_password (void)
{
  for (int i = 0; i < 20; i++)
    {
      g_autofree char *password = dg_registration_generate_password ();

      g_assert_cmpuint (strlen (password), ==, 16);
      g_assert_true (g_regex_match_simple ("^[A-Za-z0-9_-]{16}$", password, 0, 0));
    }
}

static void
test_email_rules (void)
{
  const char *valid[] = { "a@b.cd", "John.Smith@Example.com", "o'neil+tag@mail.example.org",
                          "x_y-z@a-b.io", "A@B.CO" };
  const char *invalid[] = { "a@b",       "a@b.c",    " a@b.cd", "a@b.cd ", ".a@b.cd",
                            "a..b@c.de", "a.@b.cd",  "a@-b.cd", "a@b..cd", "a b@c.de",
                            "@b.cd",     "a@b.cd\n", "ä@b.cd",  "" };
  g_autofree char *local = g_strnfill (190, 'a');
  g_autofree char *too_long = g_strconcat (local, "@example.com", NULL);
  g_autofree char *norm = dg_registration_normalize_email ("John.Smith@Example.COM");

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    g_assert_true (dg_registration_email_is_valid (valid[i]));
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_test_message ("invalid: %s", invalid[i]);
      g_assert_false (dg_registration_email_is_valid (invalid[i]));
    }
  g_assert_false (dg_registration_email_is_valid (too_long));
  g_assert_false (dg_registration_email_is_valid (NULL));
  g_assert_cmpstr (norm, ==, "john.smith@example.com");
}

static void
test_result_json (void)
{
  DgRegistrationResult ok = { 200, (char *) DG_REGISTRATION_MSG_CREATED, (char *) "alice_8aa2" };
  DgRegistrationResult failed = { 502, (char *) DG_REGISTRATION_MSG_MAIL_FAILED,
                                  (char *) "bob_0001", TRUE };
  DgRegistrationResult limited = { 429, (char *) DG_REGISTRATION_MSG_RATE_REGISTER, NULL, FALSE,
                                   30 };
  g_autoptr (JsonNode) a = dg_registration_result_to_json (&ok);
  g_autoptr (JsonNode) b = dg_registration_result_to_json (&failed);
  g_autoptr (JsonNode) c = dg_registration_result_to_json (&limited);
  g_autofree char *ta = json_to_string (a, FALSE);
  g_autofree char *tb = json_to_string (b, FALSE);
  g_autofree char *tc = json_to_string (c, FALSE);

  g_assert_cmpstr (
      ta, ==,
      "{\"username\":\"alice_8aa2\",\"message\":\"Account created. Credentials sent by "
      "email.\"}");
  g_assert_cmpstr (
      tb, ==,
      "{\"error\":\"Account created, but email delivery failed. Use the resend endpoint "
      "to retry.\",\"canResend\":true}");
  g_assert_cmpstr (tc, ==,
                   "{\"error\":\"Too many registration attempts. Please try again later.\"}");
}

void
dg_test_registration_add_record_tests (void)
{
  g_test_add_func ("/core/registration/record/encrypt-roundtrip", test_encrypt_roundtrip);
  g_test_add_func ("/core/registration/record/node-vector", test_decrypt_node_vector);
  g_test_add_func ("/core/registration/record/decrypt-failures", test_decrypt_failures);
  g_test_add_func ("/core/registration/record/lifecycle", test_record_lifecycle);
  g_test_add_func ("/core/registration/record/foreign", test_record_foreign);
  g_test_add_func ("/core/registration/username", test_username);
  g_test_add_func ("/core/registration/password", test_password);
  g_test_add_func ("/core/registration/email-rules", test_email_rules);
  g_test_add_func ("/core/registration/result-json", test_result_json);
}
