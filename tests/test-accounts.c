/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-accounts"

#include "config.h"

#include <string.h>

#include "dg-store-accounts.h"
#include "test-accounts.h"

/* Shared by the accounts tests (test-accounts.h); the rules and mock mode are tested here. */

gint64
test_accounts_clock (gpointer user_data)
{
  return *(gint64 *) user_data;
}

JsonObject *
test_accounts_parse_object (const char *json)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

void
test_accounts_fixture_setup (TestAccountsFixture *f, gconstpointer data)
{
  f->dir = dg_test_dir_new ();
  f->store = dg_test_store_new (f->dir);
  f->now_ms = TEST_ACCOUNTS_EPOCH_MS;
}

void
test_accounts_fixture_teardown (TestAccountsFixture *f, gconstpointer data)
{
  g_clear_object (&f->store);
  dg_test_dir_free (f->dir);
}

DgAccounts *
test_accounts_standalone (TestAccountsFixture *f, const char *pepper, const char *bootstrap)
{
  g_autofree char *pepper_var =
      pepper != NULL ? g_strdup_printf ("R1EN_CSTORE_AUTH_SECRET=%s", pepper) : NULL;
  g_autofree char *bootstrap_var =
      bootstrap != NULL ? g_strdup_printf ("R1EN_CSTORE_AUTH_BOOTSTRAP_ADMIN_PWD=%s", bootstrap)
                        : NULL;
  const char *env[3] = { NULL };
  guint n = 0;
  g_autoptr (DgConfig) config = NULL;
  DgAccounts *accounts;

  if (pepper_var != NULL)
    env[n++] = pepper_var;
  if (bootstrap_var != NULL)
    env[n++] = bootstrap_var;
  config = dg_test_config_newv (env);
  accounts = dg_accounts_new (config, f->store, NULL);
  g_assert_cmpint (dg_accounts_get_backend_kind (accounts), ==, DG_ACCOUNTS_BACKEND_SQLITE);
  dg_accounts_set_clock (accounts, test_accounts_clock, &f->now_ms);
  return accounts;
}

void
test_accounts_put_raw (TestAccountsFixture *f, const char *username, const char *record)
{
  g_autoptr (GError) error = NULL;
  DgStoreAccountRow row = { username, record, "user", NULL, FALSE, "x", "x" };

  g_assert_true (dg_store_accounts_put (f->store, &row, &error));
  g_assert_no_error (error);
}

char *
test_accounts_get_raw (TestAccountsFixture *f, const char *username)
{
  g_autoptr (GError) error = NULL;
  char *text = dg_store_accounts_get (f->store, username, &error);

  g_assert_no_error (error);
  return text;
}

/* ---------------------------------------------------------------------------------------- */
/* Username rules (ratio1-interop.md 4.6) */

static void
test_username_rules (void)
{
  static const struct
  {
    const char *input;
    const char *canonical; /* NULL: refused with @message */
    const char *message;
  } cases[] = {
    { "  Alice ", "alice", NULL },
    { "\xe2\x84\xaa"
      "elvin",
      "kelvin", NULL }, /* U+212A KELVIN SIGN lowercases to "k" */
    { "\xc2\xa0"
      "bob\xe3\x80\x80\xef\xbb\xbf",
      "bob", NULL }, /* NBSP, ideographic space, BOM */
    { "\xe2\x80\xa8"
      "carol\t\n",
      "carol", NULL },
    { "J.Doe-2_x", "j.doe-2_x", NULL },
    { "ABC", "abc", NULL },
    { "", NULL, "Invalid username: value must not be empty" },
    { " \t\xe2\x80\x83 ", NULL, "Invalid username: value must not be empty" },
    { "ab", NULL, "Invalid username: length must be between 3 and 64 characters" },
    { "??", NULL, "Invalid username: length must be between 3 and 64 characters" },
    { "a@b.c", NULL,
      "Invalid username: only lowercase letters, numbers, \".\", \"-\", and \"_\" are allowed "
      "after canonicalization" },
    /* U+0130 becomes "i" + U+0307: long enough, then refused by the pattern. */
    { "\xc4\xb0"
      "x",
      NULL,
      "Invalid username: only lowercase letters, numbers, \".\", \"-\", and \"_\" are allowed "
      "after canonicalization" },
    /* An emoji counts two UTF-16 units: 2 + 1 = 3 passes the length, fails the pattern. */
    { "\xf0\x9f\x98\x80"
      "a",
      NULL,
      "Invalid username: only lowercase letters, numbers, \".\", \"-\", and \"_\" are allowed "
      "after canonicalization" },
    { "\xc3\xa9", NULL, "Invalid username: length must be between 3 and 64 characters" },
    { "\xff\xfe"
      "abc",
      NULL, "Invalid username: value must be a string" },
  };
  g_autofree char *max = g_strnfill (64, 'a');
  g_autofree char *too_long = g_strnfill (65, 'a');
  g_autoptr (GError) error = NULL;
  g_autofree char *ok = NULL;
  g_autofree char *refused = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) case_error = NULL;
      g_autofree char *canonical = dg_accounts_canonicalize_username (cases[i].input, &case_error);

      if (cases[i].canonical != NULL)
        {
          g_assert_no_error (case_error);
          g_assert_cmpstr (canonical, ==, cases[i].canonical);
        }
      else
        {
          g_assert_null (canonical);
          g_assert_error (case_error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_INVALID_USERNAME);
          g_assert_cmpstr (case_error->message, ==, cases[i].message);
        }
    }
  ok = dg_accounts_canonicalize_username (max, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ok, ==, max);
  refused = dg_accounts_canonicalize_username (too_long, &error);
  g_assert_null (refused);
  g_assert_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_INVALID_USERNAME);
  g_clear_error (&error);
  g_assert_null (dg_accounts_canonicalize_username (NULL, &error));
  g_assert_cmpstr (error->message, ==, "Invalid username: value must be a string");
}

static int
compare_names (const void *a, const void *b)
{
  return dg_accounts_compare_usernames (*(const char *const *) a, *(const char *const *) b);
}

/* Usernames sort as JavaScript's localeCompare sorts them (root collation). */
static void
test_username_order (void)
{
  const char *names[] = { "b", "ab", "a1", "a.b", "a_b", "a-b", "a", "0z" };
  const char *expected[] = { "0z", "a", "a_b", "a-b", "a.b", "a1", "ab", "b" };

  qsort (names, G_N_ELEMENTS (names), sizeof names[0], compare_names);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_cmpstr (names[i], ==, expected[i]);
}

/* ---------------------------------------------------------------------------------------- */
typedef TestAccountsFixture Fixture;

/* Mock mode (upstream 11.1) */

static DgAccounts *
mock_accounts (Fixture *f)
{
  g_autoptr (DgConfig) config = dg_test_config_new ("DATAGEN_MOCK_CSTORE=1", NULL);
  DgAccounts *accounts = dg_accounts_new (config, f->store, NULL);

  g_assert_true (dg_accounts_is_mock (accounts));
  return accounts;
}

static void
test_mock_login (Fixture *f, gconstpointer data)
{
  g_autoptr (DgAccounts) accounts = mock_accounts (f);
  static const struct
  {
    const char *username;
    const char *password;
    const char *expected; /* NULL: refused */
  } cases[] = {
    { "admin", "admin", "admin" },
    { "admin", " admin ", "admin" },           /* trimmed password */
    { "admin/admin", "admin/admin", "admin" }, /* the shorthand in both fields */
    { " ADMIN/admin ", "", "admin" },          /* the shorthand with an empty password */
    { " Test_User ", "testtest", "test_user" },
    { "admin", "testtest", NULL },
    { "/admin", "/admin", NULL },
    { "admin/", "admin/", NULL },
    { "nobody", "admin", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (DgAccount) account =
          dg_accounts_authenticate (accounts, cases[i].username, cases[i].password, NULL, &error);

      if (cases[i].expected != NULL)
        {
          g_assert_no_error (error);
          g_assert_cmpstr (account->username, ==, cases[i].expected);
        }
      else
        {
          g_assert_null (account);
          g_assert_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_INVALID_CREDENTIALS);
        }
    }
}

static void
test_mock_accounts (Fixture *f, gconstpointer data)
{
  g_autoptr (DgAccounts) accounts = mock_accounts (f);
  g_autoptr (GError) error = NULL;
  g_autoptr (DgAccount) created = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GPtrArray) after = NULL;
  DgAccount *duplicate;

  g_assert_false (dg_accounts_needs_first_admin (accounts, NULL, &error));
  list = dg_accounts_list (accounts, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (((DgAccount *) list->pdata[0])->username, ==, "admin");
  g_assert_cmpstr (((DgAccount *) list->pdata[0])->role, ==, "admin");
  g_assert_cmpstr (((DgAccount *) list->pdata[1])->username, ==, "test_user");
  g_assert_cmpstr (((DgAccount *) list->pdata[1])->role, ==, "user");

  /* No username validation in mock mode; an unknown role becomes "user". */
  created = dg_accounts_create (accounts, " Ab ", "pw", "boss", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (created->username, ==, "ab");
  g_assert_cmpstr (created->role, ==, "user");
  duplicate = dg_accounts_create (accounts, "AB", "pw", NULL, NULL, NULL, &error);
  g_assert_null (duplicate);
  g_assert_error (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_EXISTS);
  g_clear_error (&error);

  /* Upstream's mock deletes for real. */
  g_assert_true (dg_accounts_soft_delete (accounts, "admin", "ab", NULL, &error));
  g_assert_no_error (error);
  after = dg_accounts_list (accounts, TRUE, NULL, &error);
  g_assert_cmpuint (after->len, ==, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/accounts/username-rules", test_username_rules);
  g_test_add_func ("/core/accounts/username-order", test_username_order);
  g_test_add ("/core/accounts/mock/login", Fixture, NULL, test_accounts_fixture_setup,
              test_mock_login, test_accounts_fixture_teardown);
  g_test_add ("/core/accounts/mock/accounts", Fixture, NULL, test_accounts_fixture_setup,
              test_mock_accounts, test_accounts_fixture_teardown);
  test_accounts_add_sqlite_tests ();
  test_accounts_add_async_tests ();
  test_accounts_add_cstore_tests ();
  test_accounts_add_cli_tests ();

  return g_test_run ();
}
