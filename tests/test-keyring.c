/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-test-keyring"

/*
 * Profile API keys in a real Secret Service: build-aux/with-keyring.sh runs this inside a
 * private D-Bus session with a throwaway, unlocked gnome-keyring (and sets DG_TEST_KEYRING).
 * The fallback cases (switched off, no Secret Service, no session bus) need no keyring.
 */

#include "config.h"

#include <libsecret/secret.h>
#include <sqlite3.h>
#include <string.h>

#include "dg-inference-private.h"
#include "dg-keyring.h"
#include "dg-profiles.h"
#include "dg-test-utils.h"

#define SECRET_KEY "sk-keyring-0123456789-very-secret"
#define OTHER_KEY "sk-keyring-other-key-abcdef"
#define BASE_URL "https://api.example.com/v1"

/* The schema as a keyring manager sees it: looked up by owner and profile only. */
static const SecretSchema test_schema = {
  .name = "ro.smartclover.DataGems.ApiKey",
  .flags = SECRET_SCHEMA_NONE,
  .attributes = {
    { "owner", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "profile", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

typedef struct
{
  DgTestDir *dir;
  DgConfig *config;
  DgStore *store;
  DgProfiles *profiles;
  char *db_path;
} Fixture;

static DgConfig *
config_new (gboolean keyring)
{
  g_autoptr (GError) error = NULL;
  const char *env[] = { "NODE_ENV=test", keyring ? "DATAGEMS_KEYRING=on" : "DATAGEMS_KEYRING=off",
                        NULL };
  DgConfig *config = dg_config_new_from_environ (env, &error);

  g_assert_no_error (error);
  g_assert_cmpint (config->use_keyring, ==, keyring);
  return config;
}

static void
fixture_open (Fixture *f, gboolean keyring)
{
  g_autoptr (GError) error = NULL;

  f->dir = dg_test_dir_new ();
  f->db_path = dg_test_dir_file (f->dir, "keyring.db");
  f->config = config_new (keyring);
  f->store = dg_store_open (f->db_path, &error);
  g_assert_no_error (error);
  f->profiles = dg_profiles_new (f->config, f->store, &error);
  g_assert_no_error (error);
}

static void
fixture_close (Fixture *f)
{
  g_clear_object (&f->profiles);
  g_clear_object (&f->store);
  g_clear_pointer (&f->config, dg_config_unref);
  g_free (f->db_path);
  dg_test_dir_free (f->dir);
}

/* Keyring cases need with-keyring.sh; anywhere else they say so and skip. */
static gboolean
need_keyring (void)
{
  g_autoptr (GError) error = NULL;

  if (g_getenv ("DG_TEST_KEYRING") == NULL)
    {
      g_test_skip ("needs a private Secret Service: run through build-aux/with-keyring.sh");
      return FALSE;
    }
  g_assert_true (dg_keyring_check (NULL, &error));
  g_assert_no_error (error);
  return TRUE;
}

static void
set_up (Fixture *f, gconstpointer data)
{
  fixture_open (f, GPOINTER_TO_INT (data));
}

static void
tear_down (Fixture *f, gconstpointer data)
{
  fixture_close (f);
}

static char *
save (Fixture *f, const char *id, const char *name, const char *key)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DgProfileSettings) settings = NULL;
  DgProfileUpsert u = { .id = id, .name = name, .base_url = BASE_URL, .api_key = key };
  char *out_id = NULL;

  settings =
      dg_profiles_upsert (f->profiles, "alice", &u, DG_URL_POLICY_ALLOW_PRIVATE, &out_id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (settings);
  return out_id;
}

static DgProfileKeyLocation
location_of (Fixture *f, const char *id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DgProfileSettings) settings = dg_profiles_list (f->profiles, "alice", &error);
  const DgProfile *p;

  g_assert_no_error (error);
  p = dg_profile_settings_find (settings, id);
  g_assert_nonnull (p);
  g_assert_cmpint (p->has_api_key, ==, p->key_location != DG_PROFILE_KEY_NONE);
  return p->key_location;
}

/* The row's api_key_location and api_key_encrypted, straight from SQLite. */
static void
read_row (Fixture *f, const char *id, char **location, char **encrypted)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open (f->db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT api_key_location, api_key_encrypted FROM "
                                       "inference_profiles WHERE id = ?",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  *location = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  *encrypted = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

/* No byte of @key anywhere in the database files. */
static void
assert_not_in_files (Fixture *f, const char *key)
{
  const char *suffixes[] = { "", "-wal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (f->db_path, suffixes[i], NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (!g_file_get_contents (path, &contents, &length, NULL))
        continue;
      for (gsize at = 0; at + strlen (key) <= length; at++)
        g_assert_false (memcmp (contents + at, key, strlen (key)) == 0);
    }
}

/* What the keyring itself holds for @id, asked directly through libsecret. (A search rather
 * than secret_password_lookup_sync(), which leaks every reply in libsecret 0.20.) */
static char *
keyring_value (const char *id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SecretService) service =
      secret_service_get_sync (SECRET_SERVICE_OPEN_SESSION, NULL, &error);
  g_autoptr (GHashTable) attributes = NULL;
  GList *items;
  char *value = NULL;

  g_assert_no_error (error);
  attributes = secret_attributes_build (&test_schema, "owner", "alice", "profile", id, NULL);
  items = secret_service_search_sync (service, &test_schema, attributes,
                                      SECRET_SEARCH_ALL | SECRET_SEARCH_LOAD_SECRETS, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (items), <=, 1);
  if (items != NULL)
    {
      g_autoptr (SecretValue) secret = secret_item_get_secret (items->data);

      g_assert_nonnull (secret);
      value = g_strdup (secret_value_get_text (secret));
    }
  g_list_free_full (items, g_object_unref);
  return value;
}

static char *
endpoint_key_with (DgProfiles *profiles, const char *id, GError **error)
{
  g_autoptr (DgInferenceEndpoint) endpoint =
      dg_profiles_endpoint (profiles, "alice", id, NULL, DG_URL_POLICY_ALLOW_PRIVATE, error);

  return endpoint != NULL ? g_strdup (endpoint->api_key) : NULL;
}

static char *
endpoint_key (Fixture *f, const char *id, GError **error)
{
  return endpoint_key_with (f->profiles, id, error);
}

static void
assert_endpoint_key (Fixture *f, const char *id, const char *expected)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *key = endpoint_key (f, id, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, expected);
}

static void
test_save_read_update_delete (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DgProfileSettings) after = NULL;
  g_autofree char *id = NULL;
  g_autofree char *location = NULL;
  g_autofree char *encrypted = NULL;
  g_autofree char *held = NULL;
  g_autofree char *held_new = NULL;
  g_autofree char *held_gone = NULL;

  if (!need_keyring ())
    return;

  id = save (f, NULL, "Remote", SECRET_KEY);
  g_assert_cmpint (location_of (f, id), ==, DG_PROFILE_KEY_KEYRING);
  /* The database says where the key is, and holds no key material. */
  read_row (f, id, &location, &encrypted);
  g_assert_cmpstr (location, ==, "keyring");
  g_assert_null (encrypted);
  assert_not_in_files (f, SECRET_KEY);
  held = keyring_value (id);
  g_assert_cmpstr (held, ==, SECRET_KEY);
  assert_endpoint_key (f, id, SECRET_KEY);

  /* A new key replaces the item; a save without a key keeps it. */
  g_free (save (f, id, NULL, OTHER_KEY));
  held_new = keyring_value (id);
  g_assert_cmpstr (held_new, ==, OTHER_KEY);
  g_free (save (f, id, "Renamed", NULL));
  g_assert_cmpint (location_of (f, id), ==, DG_PROFILE_KEY_KEYRING);
  assert_endpoint_key (f, id, OTHER_KEY);

  /* Deleting the profile removes its item. */
  after = dg_profiles_delete (f->profiles, "alice", id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->profiles->len, ==, 0);
  held_gone = keyring_value (id);
  g_assert_null (held_gone);
}

static void
test_removed_behind_our_back (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) clear_error = NULL;
  g_autoptr (DgProfileSettings) settings = NULL;
  g_autofree char *id = NULL;
  g_autofree char *other = NULL;
  g_autofree char *key = NULL;

  if (!need_keyring ())
    return;

  id = save (f, NULL, "Gone", SECRET_KEY);
  other = save (f, NULL, "Kept", OTHER_KEY);
  g_assert_true (secret_password_clear_sync (&test_schema, NULL, &clear_error, "owner", "alice",
                                             "profile", id, NULL));
  g_assert_no_error (clear_error);

  key = endpoint_key (f, id, &error);
  g_assert_null (key);
  g_assert_error (error, DG_PROFILES_ERROR, DG_PROFILES_ERROR_KEYRING);
  g_assert_nonnull (strstr (error->message, "enter it again"));
  g_assert_null (strstr (error->message, SECRET_KEY));
  g_clear_error (&error);

  /* Nothing else is lost: both profiles are listed, the other key still works. */
  settings = dg_profiles_list (f->profiles, "alice", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (settings->profiles->len, ==, 2);
  assert_endpoint_key (f, other, OTHER_KEY);

  /* Entering the key again mends it. */
  g_free (save (f, id, NULL, SECRET_KEY));
  assert_endpoint_key (f, id, SECRET_KEY);
}

/* Keys saved while the keyring was off keep working and move there on the next save. */
static void
test_moves_from_database (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DgConfig) off = config_new (FALSE);
  g_autoptr (DgProfiles) without = NULL;
  g_autoptr (DgProfileSettings) settings = NULL;
  g_autofree char *id = NULL;
  g_autofree char *location = NULL;
  g_autofree char *encrypted = NULL;
  g_autofree char *held = NULL;
  DgProfileUpsert u = { .name = "Earlier", .base_url = BASE_URL, .api_key = SECRET_KEY };

  if (!need_keyring ())
    return;

  without = dg_profiles_new (off, f->store, &error);
  g_assert_no_error (error);
  settings = dg_profiles_upsert (without, "alice", &u, DG_URL_POLICY_ALLOW_PRIVATE, &id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (location_of (f, id), ==, DG_PROFILE_KEY_DATABASE);
  held = keyring_value (id);
  g_assert_null (held);
  assert_endpoint_key (f, id, SECRET_KEY);

  g_free (save (f, id, "Later", NULL));
  g_assert_cmpint (location_of (f, id), ==, DG_PROFILE_KEY_KEYRING);
  read_row (f, id, &location, &encrypted);
  g_assert_cmpstr (location, ==, "keyring");
  g_assert_null (encrypted);
  assert_endpoint_key (f, id, SECRET_KEY);

  /* With the keyring switched off, such a key cannot be read: a clear error, no crash. */
  g_clear_pointer (&held, g_free);
  held = endpoint_key_with (without, id, &error);
  g_assert_null (held);
  g_assert_error (error, DG_PROFILES_ERROR, DG_PROFILES_ERROR_KEYRING);
}

/* A locked keyring never prompts: saves fall back to the database, reads fail clearly, both at
 * once. Runs last: gnome-keyring can only be unlocked again through a prompt. */
static void
test_locked (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SecretService) service = NULL;
  g_autoptr (SecretCollection) collection = NULL;
  g_autofree char *in_keyring = NULL;
  g_autofree char *in_database = NULL;
  g_autofree char *key = NULL;
  GList *to_lock = NULL;
  gint64 start;

  if (!need_keyring ())
    return;

  in_keyring = save (f, NULL, "Before", SECRET_KEY);
  g_assert_cmpint (location_of (f, in_keyring), ==, DG_PROFILE_KEY_KEYRING);
  service = secret_service_get_sync (SECRET_SERVICE_NONE, NULL, &error);
  g_assert_no_error (error);
  collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                                 SECRET_COLLECTION_NONE, NULL, &error);
  g_assert_no_error (error);
  to_lock = g_list_append (NULL, collection);
  secret_service_lock_sync (service, to_lock, NULL, NULL, &error);
  g_list_free (to_lock);
  g_assert_no_error (error);

  start = g_get_monotonic_time ();
  g_assert_false (dg_keyring_check (NULL, &error));
  g_assert_error (error, DG_KEYRING_ERROR, DG_KEYRING_ERROR_LOCKED);
  g_clear_error (&error);
  in_database = save (f, NULL, "While locked", OTHER_KEY);
  g_assert_cmpint (location_of (f, in_database), ==, DG_PROFILE_KEY_DATABASE);
  assert_endpoint_key (f, in_database, OTHER_KEY);
  key = endpoint_key (f, in_keyring, &error);
  g_assert_null (key);
  g_assert_error (error, DG_PROFILES_ERROR, DG_PROFILES_ERROR_KEYRING);
  g_assert_nonnull (strstr (error->message, "locked"));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
}

/* DATAGEMS_KEYRING=off in the configuration: keys are encrypted in the database. */
static void
test_switched_off (Fixture *f, gconstpointer data)
{
  g_autofree char *id = NULL;
  g_autofree char *location = NULL;
  g_autofree char *encrypted = NULL;

  id = save (f, NULL, "Local", SECRET_KEY);
  g_assert_cmpint (location_of (f, id), ==, DG_PROFILE_KEY_DATABASE);
  read_row (f, id, &location, &encrypted);
  g_assert_cmpstr (location, ==, "database");
  g_assert_true (g_str_has_prefix (encrypted, "v1."));
  assert_not_in_files (f, SECRET_KEY);
  assert_endpoint_key (f, id, SECRET_KEY);
  if (g_getenv ("DG_TEST_KEYRING") != NULL)
    {
      g_autofree char *held = keyring_value (id);

      g_assert_null (held);
    }
}

/* A save falls back to the database, and fast (no D-Bus timeouts). Runs in a subprocess that
 * prepares its own environment first. */
static void
assert_fast_fallback (void)
{
  Fixture f = { 0 };
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;
  gint64 start;

  fixture_open (&f, TRUE);
  start = g_get_monotonic_time ();
  g_assert_false (dg_keyring_check (NULL, &error));
  g_assert_error (error, DG_KEYRING_ERROR, DG_KEYRING_ERROR_UNAVAILABLE);
  id = save (&f, NULL, "Fallback", SECRET_KEY);
  g_assert_cmpint (location_of (&f, id), ==, DG_PROFILE_KEY_DATABASE);
  assert_endpoint_key (&f, id, SECRET_KEY);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
  fixture_close (&f);
}

static void
test_process_env_off (void)
{
  if (g_test_subprocess ())
    {
      /* The process environment wins over a configuration that says on. */
      g_setenv ("DATAGEMS_KEYRING", "Off", TRUE);
      assert_fast_fallback ();
      return;
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_bus_without_secret_service (void)
{
  g_autofree char *dbus_daemon = g_find_program_in_path ("dbus-daemon");

  if (g_test_subprocess ())
    {
      g_autoptr (GTestDBus) bus = g_test_dbus_new (G_TEST_DBUS_NONE);

      /* A private session bus where nothing provides or can start org.freedesktop.secrets. */
      g_setenv ("DATAGEMS_KEYRING", "on", TRUE);
      g_test_dbus_up (bus);
      assert_fast_fallback ();
      g_test_dbus_down (bus);
      return;
    }
  if (dbus_daemon == NULL)
    {
      g_test_skip ("dbus-daemon is not installed");
      return;
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_no_session_bus (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr (DgTestDir) runtime = dg_test_dir_new ();

      g_setenv ("DATAGEMS_KEYRING", "on", TRUE);
      g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
      g_unsetenv ("DISPLAY");
      g_setenv ("XDG_RUNTIME_DIR", runtime->path, TRUE);
      assert_fast_fallback ();
      return;
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, keyring) \
  g_test_add ("/core/keyring/" path, Fixture, GINT_TO_POINTER (keyring), set_up, func, tear_down)
  ADD ("save-read-update-delete", test_save_read_update_delete, TRUE);
  ADD ("removed-behind-our-back", test_removed_behind_our_back, TRUE);
  ADD ("moves-from-database", test_moves_from_database, TRUE);
  ADD ("switched-off", test_switched_off, FALSE);
#undef ADD
  g_test_add_func ("/core/keyring/process-env-off", test_process_env_off);
  g_test_add_func ("/core/keyring/bus-without-secret-service", test_bus_without_secret_service);
  g_test_add_func ("/core/keyring/no-session-bus", test_no_session_bus);
  /* Last: it leaves the test keyring locked. */
  g_test_add ("/core/keyring/locked", Fixture, GINT_TO_POINTER (TRUE), set_up, test_locked,
              tear_down);
  return g_test_run ();
}
