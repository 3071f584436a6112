/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-test-profiles"

#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "dg-profiles.h"
#include "dg-test-utils.h"

#define SECRET_KEY "sk-test-0123456789-very-secret"

typedef struct
{
  DgTestDir *dir;
  DgConfig *config;
  DgStore *store;
  DgProfiles *profiles;
  char *db_path;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  /* Keys encrypted in the database; the keyring has its own suite (test-keyring.c). */
  const char *env[] = { "NODE_ENV=test", "DATAGEN_MAX_EXTERNAL_API_CONFIGS=3",
                        "INFERENCE_BASE_URL=http://127.0.0.1:9/internal", "DATAGEMS_KEYRING=off",
                        NULL };

  f->dir = dg_test_dir_new ();
  f->db_path = dg_test_dir_file (f->dir, "profiles.db");
  f->config = dg_config_new_from_environ (env, &error);
  g_assert_no_error (error);
  f->store = dg_store_open (f->db_path, &error);
  g_assert_no_error (error);
  f->profiles = dg_profiles_new (f->config, f->store, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->profiles);
  g_clear_object (&f->store);
  g_clear_pointer (&f->config, dg_config_unref);
  g_free (f->db_path);
  dg_test_dir_free (f->dir);
}

static gboolean
is_hex12 (const char *id)
{
  if (strlen (id) != 12)
    return FALSE;
  for (const char *p = id; *p; p++)
    if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'f'))
      return FALSE;
  return TRUE;
}

static DgProfileSettings *
add (Fixture *f, const char *owner, const char *name, const char *base_url, const char *key,
     gboolean set_active, char **out_id)
{
  g_autoptr (GError) error = NULL;
  DgProfileUpsert u = {
    .name = name, .base_url = base_url, .api_key = key, .set_active = set_active
  };
  DgProfileSettings *s =
      dg_profiles_upsert (f->profiles, owner, &u, DG_URL_POLICY_ALLOW_PRIVATE, out_id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (s);
  return s;
}

static void
test_upsert_rules (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DgProfileSettings) s1 = NULL;
  g_autoptr (DgProfileSettings) s2 = NULL;
  g_autoptr (DgProfileSettings) s3 = NULL;
  g_autoptr (DgProfileSettings) s4 = NULL;
  g_autoptr (DgProfileSettings) none = NULL;
  g_autoptr (DgProfileSettings) other = NULL;
  g_autofree char *id1 = NULL;
  g_autofree char *id2 = NULL;
  const DgProfile *p;
  DgProfileUpsert edit = { 0 };

  none = dg_profiles_list (f->profiles, "alice", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->profiles->len, ==, 0);
  g_assert_null (none->active);
  g_assert_cmpuint (none->max_profiles, ==, 3);

  /* The first profile becomes active; names default to "Profile N". */
  s1 = add (f, "alice", NULL, "http://127.0.0.1:8080/v1", NULL, FALSE, &id1);
  g_assert_true (is_hex12 (id1));
  g_assert_cmpstr (s1->active->id, ==, id1);
  g_assert_cmpstr (s1->active->name, ==, "Profile 1");
  g_assert_false (s1->active->has_api_key);

  s2 = add (f, "alice", "  Remote  ", "https://api.example.com/v1", SECRET_KEY, FALSE, &id2);
  g_assert_cmpuint (s2->profiles->len, ==, 2);
  g_assert_cmpstr (s2->active->id, ==, id1);
  p = dg_profile_settings_find (s2, id2);
  g_assert_cmpstr (p->name, ==, "Remote");
  g_assert_true (p->has_api_key);

  /* Editing keeps absent fields; setActive moves the active profile. */
  edit.id = id2;
  edit.model = "gpt-test";
  edit.set_active = TRUE;
  s3 = dg_profiles_upsert (f->profiles, "alice", &edit, DG_URL_POLICY_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (s3->active->id, ==, id2);
  g_assert_cmpstr (s3->active->model, ==, "gpt-test");
  g_assert_cmpstr (s3->active->base_url, ==, "https://api.example.com/v1");
  g_assert_true (s3->active->has_api_key);

  /* An empty name is stored as "Profile". */
  edit = (DgProfileUpsert){ .id = id1, .name = "" };
  s4 = dg_profiles_upsert (f->profiles, "alice", &edit, DG_URL_POLICY_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dg_profile_settings_find (s4, id1)->name, ==, "Profile");

  /* Unknown id, the URL policy and other users. */
  edit = (DgProfileUpsert){ .id = "000000000000" };
  g_assert_null (
      dg_profiles_upsert (f->profiles, "alice", &edit, DG_URL_POLICY_NONE, NULL, &error));
  g_assert_error (error, DG_PROFILES_ERROR, DG_PROFILES_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "Profile 000000000000 not found");
  g_clear_error (&error);
  edit = (DgProfileUpsert){ .base_url = "http://127.0.0.1:8080/v1" };
  g_assert_null (dg_profiles_upsert (f->profiles, "bob", &edit, DG_URL_POLICY_NONE, NULL, &error));
  g_assert_error (error, DG_URL_POLICY_ERROR, DG_URL_POLICY_ERROR_PRIVATE_IPV4);
  g_clear_error (&error);
  edit = (DgProfileUpsert){ .id = id1, .name = "stolen" };
  g_assert_null (dg_profiles_upsert (f->profiles, "bob", &edit, DG_URL_POLICY_NONE, NULL, &error));
  g_assert_error (error, DG_PROFILES_ERROR, DG_PROFILES_ERROR_NOT_FOUND);
  g_clear_error (&error);
  other = dg_profiles_list (f->profiles, "bob", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (other->profiles->len, ==, 0);
}

static void
test_max_profiles (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  DgProfileUpsert u = { 0 };
  g_autoptr (DgProfileSettings) last = NULL;

  for (guint i = 0; i < 3; i++)
    dg_profile_settings_free (add (f, "alice", NULL, NULL, NULL, FALSE, NULL));
  g_assert_null (dg_profiles_upsert (f->profiles, "alice", &u, DG_URL_POLICY_NONE, NULL, &error));
  g_assert_error (error, DG_PROFILES_ERROR, DG_PROFILES_ERROR_LIMIT);
  g_assert_cmpstr (error->message, ==, "Maximum external API profiles reached (3)");
  g_clear_error (&error);
  last = dg_profiles_list (f->profiles, "alice", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (last->profiles->len, ==, 3);
  g_assert_cmpstr (((DgProfile *) g_ptr_array_index (last->profiles, 2))->name, ==, "Profile 3");
}

static void
test_activate_delete (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autoptr (DgProfileSettings) s = NULL;

  dg_profile_settings_free (add (f, "alice", "A", NULL, NULL, FALSE, &a));
  dg_profile_settings_free (add (f, "alice", "B", NULL, NULL, FALSE, &b));
  dg_profile_settings_free (add (f, "alice", "C", NULL, NULL, FALSE, &c));

  s = dg_profiles_activate (f->profiles, "alice", c, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (s->active->id, ==, c);
  g_clear_pointer (&s, dg_profile_settings_free);
  g_assert_null (dg_profiles_activate (f->profiles, "alice", "nope", &error));
  g_assert_error (error, DG_PROFILES_ERROR, DG_PROFILES_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "Profile nope not found");
  g_clear_error (&error);

  /* Deleting an inactive profile keeps the active one. */
  s = dg_profiles_delete (f->profiles, "alice", b, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (s->profiles->len, ==, 2);
  g_assert_cmpstr (s->active->id, ==, c);
  g_clear_pointer (&s, dg_profile_settings_free);
  /* Deleting the active one makes the first remaining active. */
  s = dg_profiles_delete (f->profiles, "alice", c, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (s->active->id, ==, a);
  g_clear_pointer (&s, dg_profile_settings_free);
  g_assert_null (dg_profiles_delete (f->profiles, "alice", c, &error));
  g_assert_error (error, DG_PROFILES_ERROR, DG_PROFILES_ERROR_NOT_FOUND);
  g_clear_error (&error);
  s = dg_profiles_delete (f->profiles, "alice", a, &error);
  g_assert_no_error (error);
  g_assert_null (s->active);
  g_assert_cmpuint (s->profiles->len, ==, 0);
}

static void
test_key_secrecy (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;
  g_autoptr (DgProfileSettings) s = NULL;
  g_autoptr (JsonObject) view = NULL;
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;
  g_autoptr (DgInferenceEndpoint) endpoint = NULL;
  g_autoptr (DgProfiles) again = NULL;
  g_autoptr (DgInferenceEndpoint) endpoint2 = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int rows = 0;

  s = add (f, "alice", "Remote", "https://api.example.com/v1", SECRET_KEY, TRUE, &id);
  view = dg_profile_settings_to_json (s);
  json_node_set_object (node, view);
  text = json_to_string (node, FALSE);
  g_assert_null (strstr (text, SECRET_KEY));
  g_assert_nonnull (strstr (text, "\"hasApiKey\":true"));
  g_assert_nonnull (strstr (text, "\"maxProfiles\":3"));
  g_assert_cmpint (((DgProfile *) g_ptr_array_index (s->profiles, 0))->key_location, ==,
                   DG_PROFILE_KEY_DATABASE);

  /* The raw column holds ciphertext, never the key. */
  g_assert_cmpint (sqlite3_open_v2 (f->db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (
      sqlite3_prepare_v2 (db, "SELECT api_key_encrypted FROM inference_profiles", -1, &stmt, NULL),
      ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *stored = (const char *) sqlite3_column_text (stmt, 0);

      g_assert_nonnull (stored);
      g_assert_true (g_str_has_prefix (stored, "v1."));
      g_assert_null (strstr (stored, SECRET_KEY));
      g_assert_null (strstr (stored, "very-secret"));
      rows++;
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_assert_cmpint (rows, ==, 1);

  /* Only the endpoint carries the key, also after reopening (same installation secret). */
  endpoint = dg_profiles_endpoint (f->profiles, "alice", NULL, NULL, DG_URL_POLICY_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dg_inference_endpoint_get_base_url (endpoint), ==, "https://api.example.com/v1");
  g_assert_true (dg_inference_endpoint_has_api_key (endpoint));
  again = dg_profiles_new (f->config, f->store, &error);
  g_assert_no_error (error);
  endpoint2 = dg_profiles_endpoint (again, "alice", id, NULL, DG_URL_POLICY_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (dg_inference_endpoint_has_api_key (endpoint2));
}

/* A row written before schema 4 said where its key lives still opens. */
static void
test_key_before_locations (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;
  g_autoptr (DgProfileSettings) s = NULL;
  g_autoptr (DgProfileSettings) listed = NULL;
  g_autoptr (DgInferenceEndpoint) endpoint = NULL;
  sqlite3 *db = NULL;

  s = add (f, "alice", "Earlier", "https://api.example.com/v1", SECRET_KEY, TRUE, &id);
  g_assert_cmpint (sqlite3_open (f->db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (
      sqlite3_exec (db, "UPDATE inference_profiles SET api_key_location = NULL", NULL, NULL, NULL),
      ==, SQLITE_OK);
  sqlite3_close (db);

  listed = dg_profiles_list (f->profiles, "alice", &error);
  g_assert_no_error (error);
  g_assert_true (dg_profile_settings_find (listed, id)->has_api_key);
  g_assert_cmpint (dg_profile_settings_find (listed, id)->key_location, ==,
                   DG_PROFILE_KEY_DATABASE);
  endpoint = dg_profiles_endpoint (f->profiles, "alice", id, NULL, DG_URL_POLICY_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (dg_inference_endpoint_has_api_key (endpoint));
}

static DgJob *
job_with_profile (const char *owner, const char *profile_id)
{
  DgJob *job = dg_job_new ();
  JsonObject *inference = json_object_new ();

  job->owner = g_strdup (owner);
  job->details = json_object_new ();
  job->run = json_object_new ();
  json_object_set_string_member (job->run, "urlPolicy", "allow-private");
  json_object_set_boolean_member (inference, "useExternalApi", profile_id != NULL);
  if (profile_id != NULL)
    json_object_set_string_member (inference, "profileId", profile_id);
  json_object_set_object_member (job->details, "inference", inference);
  return job;
}

static void
test_resolver (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *keyed = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *other = NULL;
  g_autoptr (DgJob) job = NULL;
  g_autoptr (DgInferenceEndpoint) e = NULL;
  g_autoptr (DgProfileSettings) s = NULL;
  DgProfileUpsert moved = { 0 };

  dg_profile_settings_free (
      add (f, "alice", "Keyed", "http://127.0.0.1:8081/v1", SECRET_KEY, FALSE, &keyed));
  dg_profile_settings_free (
      add (f, "alice", "Plain", "http://127.0.0.1:8082/v1", NULL, FALSE, &plain));
  dg_profile_settings_free (
      add (f, "bob", "Bob's", "http://127.0.0.1:8083/v1", "bob-key", FALSE, &other));

  /* The profile's current server and key at run time. */
  job = job_with_profile ("alice", keyed);
  moved.id = keyed;
  moved.base_url = "http://127.0.0.1:8091/v1";
  s = dg_profiles_upsert (f->profiles, "alice", &moved, DG_URL_POLICY_ALLOW_PRIVATE, NULL, &error);
  g_assert_no_error (error);
  e = dg_profiles_resolve_job_endpoint (job, f->profiles, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dg_inference_endpoint_get_base_url (e), ==, "http://127.0.0.1:8091/v1");
  g_assert_true (dg_inference_endpoint_has_api_key (e));
  g_clear_pointer (&e, dg_inference_endpoint_unref);
  g_clear_pointer (&job, dg_job_unref);

  /* A deleted profile fails: the active profile's key is never used instead. */
  g_clear_pointer (&s, dg_profile_settings_free);
  s = dg_profiles_delete (f->profiles, "alice", keyed, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (s->active->id, ==, plain);
  job = job_with_profile ("alice", keyed);
  g_assert_null (dg_profiles_resolve_job_endpoint (job, f->profiles, &error));
  g_assert_error (error, DG_PROFILES_ERROR, DG_PROFILES_ERROR_DELETED);
  g_assert_nonnull (strstr (error->message, "was deleted"));
  g_clear_error (&error);
  g_clear_pointer (&job, dg_job_unref);

  /* Another user's profile id is as good as deleted. */
  job = job_with_profile ("alice", other);
  g_assert_null (dg_profiles_resolve_job_endpoint (job, f->profiles, &error));
  g_assert_error (error, DG_PROFILES_ERROR, DG_PROFILES_ERROR_DELETED);
  g_clear_error (&error);
  g_clear_pointer (&job, dg_job_unref);

  /* Jobs without a profile keep the default rules (no key). */
  job = job_with_profile ("alice", NULL);
  e = dg_profiles_resolve_job_endpoint (job, f->profiles, &error);
  g_assert_no_error (error);
  g_assert_false (dg_inference_endpoint_has_api_key (e));
}

static void
on_settings (GObject *source, GAsyncResult *result, gpointer data)
{
  DgProfileSettings **out = data;
  g_autoptr (GError) error = NULL;

  *out = dg_profiles_settings_finish (DG_PROFILES (source), result, &error);
  g_assert_no_error (error);
}

static gboolean
is_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

static void
on_endpoint (GObject *source, GAsyncResult *result, gpointer data)
{
  DgInferenceEndpoint **out = data;
  g_autoptr (GError) error = NULL;

  *out = dg_profiles_endpoint_finish (DG_PROFILES (source), result, &error);
  g_assert_no_error (error);
}

static void
test_async (Fixture *f, gconstpointer data)
{
  DgInferenceEndpoint *endpoint = NULL;
  DgProfileSettings *s = NULL;
  DgProfileUpsert u = { .name = "Async", .base_url = "http://localhost:8080/v1", .api_key = "k" };
  g_autofree char *id = NULL;

  dg_profiles_upsert_async (f->profiles, "alice", &u, DG_URL_POLICY_ALLOW_PRIVATE, NULL,
                            on_settings, &s);
  g_assert_true (dg_test_wait_until (NULL, is_set, &s, 10000));
  g_assert_cmpuint (s->profiles->len, ==, 1);
  g_assert_true (s->active->has_api_key);
  id = g_strdup (s->active->id);
  g_clear_pointer (&s, dg_profile_settings_free);

  dg_profiles_endpoint_async (f->profiles, "alice", id, NULL, DG_URL_POLICY_ALLOW_PRIVATE, NULL,
                              on_endpoint, &endpoint);
  g_assert_true (dg_test_wait_until (NULL, is_set, &endpoint, 10000));
  g_assert_cmpstr (dg_inference_endpoint_get_base_url (endpoint), ==, "http://localhost:8080/v1");
  g_assert_true (dg_inference_endpoint_has_api_key (endpoint));
  g_clear_pointer (&endpoint, dg_inference_endpoint_unref);

  dg_profiles_list_async (f->profiles, "alice", NULL, on_settings, &s);
  g_assert_true (dg_test_wait_until (NULL, is_set, &s, 10000));
  g_assert_cmpstr (s->active->name, ==, "Async");
  g_clear_pointer (&s, dg_profile_settings_free);

  dg_profiles_activate_async (f->profiles, "alice", id, NULL, on_settings, &s);
  g_assert_true (dg_test_wait_until (NULL, is_set, &s, 10000));
  g_clear_pointer (&s, dg_profile_settings_free);

  dg_profiles_delete_async (f->profiles, "alice", id, NULL, on_settings, &s);
  g_assert_true (dg_test_wait_until (NULL, is_set, &s, 10000));
  g_assert_cmpuint (s->profiles->len, ==, 0);
  g_clear_pointer (&s, dg_profile_settings_free);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/core/profiles/upsert-rules", test_upsert_rules);
  ADD ("/core/profiles/max-profiles", test_max_profiles);
  ADD ("/core/profiles/activate-delete", test_activate_delete);
  ADD ("/core/profiles/key-secrecy", test_key_secrecy);
  ADD ("/core/profiles/key-before-locations", test_key_before_locations);
  ADD ("/core/profiles/resolver", test_resolver);
  ADD ("/core/profiles/async", test_async);
#undef ADD
  return g_test_run ();
}
