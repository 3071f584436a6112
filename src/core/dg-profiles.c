/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-profiles"

#include "config.h"

#include <string.h>

#include "dg-crypto.h"
#include "dg-job-runner.h"
#include "dg-keyring.h"
#include "dg-profiles-private.h"
#include "dg-store-sessions.h"
#include "dg-util.h"

/* Settings key of the per-installation secret the API-key encryption key derives from. */
#define SECRET_SETTING "profiles.secret"
#define KEY_CONTEXT ":datagems:inference-profile-key:v1"
#define MAX_NAME 120
#define MAX_FIELD 200

G_DEFINE_QUARK (dg_profiles_error_quark, dg_profiles_error)

G_DEFINE_TYPE (DgProfiles, dg_profiles, G_TYPE_OBJECT)

/* ---------------------------------------------------------------------------------------- */
/* Public view */

static void
profile_free (DgProfile *p)
{
  g_free (p->id);
  g_free (p->name);
  g_free (p->base_url);
  g_free (p->path);
  g_free (p->model);
  g_free (p->created_at);
  g_free (p->updated_at);
  g_free (p);
}

static DgProfile *
profile_copy (const DgProfile *p)
{
  DgProfile *c = g_new0 (DgProfile, 1);

  c->id = g_strdup (p->id);
  c->name = g_strdup (p->name);
  c->base_url = g_strdup (p->base_url);
  c->path = g_strdup (p->path);
  c->model = g_strdup (p->model);
  c->has_api_key = p->has_api_key;
  c->key_location = p->key_location;
  c->created_at = g_strdup (p->created_at);
  c->updated_at = g_strdup (p->updated_at);
  return c;
}

void
dg_profile_settings_free (DgProfileSettings *settings)
{
  if (settings == NULL)
    return;
  g_clear_pointer (&settings->profiles, g_ptr_array_unref);
  g_free (settings);
}

DgProfileSettings *
dg_profile_settings_copy (const DgProfileSettings *settings)
{
  DgProfileSettings *c = g_new0 (DgProfileSettings, 1);

  c->profiles = g_ptr_array_new_with_free_func ((GDestroyNotify) profile_free);
  for (guint i = 0; i < settings->profiles->len; i++)
    {
      const DgProfile *p = g_ptr_array_index (settings->profiles, i);

      g_ptr_array_add (c->profiles, profile_copy (p));
      if (p == settings->active)
        c->active = g_ptr_array_index (c->profiles, i);
    }
  c->max_profiles = settings->max_profiles;
  return c;
}

G_DEFINE_BOXED_TYPE (DgProfileSettings, dg_profile_settings, dg_profile_settings_copy,
                     dg_profile_settings_free)

const DgProfile *
dg_profile_settings_find (const DgProfileSettings *settings, const char *id)
{
  g_return_val_if_fail (settings != NULL, NULL);

  for (guint i = 0; id != NULL && i < settings->profiles->len; i++)
    {
      const DgProfile *p = g_ptr_array_index (settings->profiles, i);

      if (g_strcmp0 (p->id, id) == 0)
        return p;
    }
  return NULL;
}

static void
set_nullable (JsonObject *o, const char *name, const char *value)
{
  if (value != NULL)
    json_object_set_string_member (o, name, value);
  else
    json_object_set_null_member (o, name);
}

static JsonObject *
profile_to_json (const DgProfile *p)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "id", p->id);
  json_object_set_string_member (o, "name", p->name);
  set_nullable (o, "baseUrl", p->base_url);
  set_nullable (o, "model", p->model);
  set_nullable (o, "path", p->path);
  json_object_set_boolean_member (o, "hasApiKey", p->has_api_key);
  json_object_set_string_member (o, "createdAt", p->created_at);
  json_object_set_string_member (o, "updatedAt", p->updated_at);
  return o;
}

/**
 * dg_profile_settings_to_json:
 *
 * Returns: (transfer full): the upstream 1.14 public settings view; never a key.
 */
JsonObject *
dg_profile_settings_to_json (const DgProfileSettings *settings)
{
  JsonObject *o = json_object_new ();
  JsonArray *profiles = json_array_new ();
  const DgProfile *active;

  g_return_val_if_fail (settings != NULL, NULL);

  active = settings->active;
  set_nullable (o, "activeProfileId", active != NULL ? active->id : NULL);
  json_object_set_int_member (o, "maxProfiles", settings->max_profiles);
  for (guint i = 0; i < settings->profiles->len; i++)
    json_array_add_object_element (profiles,
                                   profile_to_json (g_ptr_array_index (settings->profiles, i)));
  json_object_set_array_member (o, "profiles", profiles);
  if (active != NULL)
    json_object_set_object_member (o, "activeProfile", profile_to_json (active));
  else
    json_object_set_null_member (o, "activeProfile");
  set_nullable (o, "baseUrl", active != NULL ? active->base_url : NULL);
  set_nullable (o, "model", active != NULL ? active->model : NULL);
  set_nullable (o, "path", active != NULL ? active->path : NULL);
  json_object_set_boolean_member (o, "hasApiKey", active != NULL && active->has_api_key);
  return o;
}

/* ---------------------------------------------------------------------------------------- */

static void
dg_profiles_finalize (GObject *object)
{
  DgProfiles *self = DG_PROFILES (object);

  dg_crypto_wipe (self->key, sizeof self->key);
  g_free (self->installation);
  g_clear_pointer (&self->config, dg_config_unref);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (dg_profiles_parent_class)->finalize (object);
}

static void
dg_profiles_class_init (DgProfilesClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dg_profiles_finalize;
}

static void
dg_profiles_init (DgProfiles *self)
{
}

/**
 * dg_profiles_new:
 *
 * Returns: (transfer full) (nullable): the profiles of @store's users, or NULL with a
 * DG_STORE_ERROR when the installation secret cannot be read or stored.
 */
DgProfiles *
dg_profiles_new (DgConfig *config, DgStore *store, GError **error)
{
  g_autoptr (DgProfiles) self = NULL;
  g_autofree char *candidate = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *material = NULL;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (DG_IS_STORE (store), NULL);

  candidate = dg_random_hex (32);
  secret = dg_store_settings_ensure (store, SECRET_SETTING, candidate, error);
  dg_crypto_wipe (candidate, strlen (candidate));
  if (secret == NULL)
    return NULL;
  self = g_object_new (DG_TYPE_PROFILES, NULL);
  self->config = dg_config_ref (config);
  self->store = g_object_ref (store);
  self->installation = dg_keyring_installation_id (secret);
  material = g_strconcat (secret, KEY_CONTEXT, NULL);
  dg_crypto_sha256 (material, strlen (material), self->key);
  dg_crypto_wipe (material, strlen (material));
  dg_crypto_wipe (secret, strlen (secret));
  return g_steal_pointer (&self);
}

static DgProfileSettings *
settings_from_rows (DgProfiles *self, GPtrArray *rows)
{
  DgProfileSettings *settings = g_new0 (DgProfileSettings, 1);

  settings->profiles = g_ptr_array_new_with_free_func ((GDestroyNotify) profile_free);
  settings->max_profiles = (guint) MAX (self->config->max_external_api_configs, 0);
  for (guint i = 0; i < rows->len; i++)
    {
      DgStoreProfileRow *row = g_ptr_array_index (rows, i);
      DgProfile *p = g_new0 (DgProfile, 1);

      p->id = g_strdup (row->id);
      p->name = g_strdup (row->name);
      p->base_url = g_strdup (row->base_url);
      p->path = g_strdup (row->path);
      p->model = g_strdup (row->model);
      p->key_location = dg_profiles_keys_location (row);
      p->has_api_key = p->key_location != DG_PROFILE_KEY_NONE;
      p->created_at = g_strdup (row->created_at);
      p->updated_at = g_strdup (row->updated_at);
      g_ptr_array_add (settings->profiles, p);
      if (row->active && settings->active == NULL)
        settings->active = p;
    }
  /* Upstream: the stored active id, else the first profile. */
  if (settings->active == NULL && settings->profiles->len > 0)
    settings->active = g_ptr_array_index (settings->profiles, 0);
  return settings;
}

static DgStoreProfileRow *
find_row (GPtrArray *rows, const char *id)
{
  for (guint i = 0; id != NULL && i < rows->len; i++)
    {
      DgStoreProfileRow *row = g_ptr_array_index (rows, i);

      if (g_strcmp0 (row->id, id) == 0)
        return row;
    }
  return NULL;
}

static gboolean
has_active (GPtrArray *rows)
{
  for (guint i = 0; i < rows->len; i++)
    if (((DgStoreProfileRow *) g_ptr_array_index (rows, i))->active)
      return TRUE;
  return FALSE;
}

static void
set_str (char **field, const char *value)
{
  char *old = *field;

  *field = g_strdup (value);
  g_free (old);
}

static void
set_not_found (GError **error, const char *id)
{
  g_set_error (error, DG_PROFILES_ERROR, DG_PROFILES_ERROR_NOT_FOUND, "Profile %s not found", id);
}

DgProfileSettings *
dg_profiles_list (DgProfiles *self, const char *owner, GError **error)
{
  g_autoptr (GPtrArray) rows = NULL;

  g_return_val_if_fail (DG_IS_PROFILES (self), NULL);
  g_return_val_if_fail (owner != NULL, NULL);

  rows = dg_store_profiles_list (self->store, owner, error);
  return rows != NULL ? settings_from_rows (self, rows) : NULL;
}

static gboolean
check_upsert (const DgProfileUpsert *u, DgUrlPolicyFlags policy, GError **error)
{
  struct
  {
    const char *value;
    glong max;
    const char *name;
  } fields[] = { { u->name, MAX_NAME, "name" },
                 { u->model, MAX_FIELD, "model" },
                 { u->path, MAX_FIELD, "path" } };

  if (u->id != NULL && *u->id == '\0')
    {
      g_set_error_literal (error, DG_PROFILES_ERROR, DG_PROFILES_ERROR_INVALID,
                           "The profile id must not be empty");
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (fields[i].value != NULL && (!g_utf8_validate (fields[i].value, -1, NULL) ||
                                    g_utf8_strlen (fields[i].value, -1) > fields[i].max))
      {
        g_set_error (error, DG_PROFILES_ERROR, DG_PROFILES_ERROR_INVALID,
                     "The profile %s must be at most %ld characters", fields[i].name,
                     fields[i].max);
        return FALSE;
      }
  if (u->api_key != NULL && *u->api_key == '\0')
    {
      g_set_error_literal (error, DG_PROFILES_ERROR, DG_PROFILES_ERROR_INVALID,
                           "The API key must not be empty");
      return FALSE;
    }
  return u->base_url == NULL || dg_url_policy_check (u->base_url, policy, error);
}

typedef struct
{
  const DgProfileUpsert *upsert;
  gboolean keyring;    /* keys may go to the keyring (checked before the transaction) */
  char *keyring_fresh; /* a new profile whose key went to the keyring: undone on failure */
} UpsertData;

static gboolean
upsert_in_transaction (DgProfiles *self, const char *owner, UpsertData *data, char **out_id,
                       GError **error)
{
  const DgProfileUpsert *u = data->upsert;
  g_autoptr (GPtrArray) rows = dg_store_profiles_list (self->store, owner, error);
  g_autofree char *now = dg_iso_now ();
  DgStoreProfileRow *row;
  gboolean make_active;
  gboolean ok;

  if (rows == NULL)
    return FALSE;
  make_active = u->set_active || !has_active (rows);
  if (u->id != NULL)
    {
      row = find_row (rows, u->id);
      if (row == NULL)
        {
          set_not_found (error, u->id);
          return FALSE;
        }
      gboolean renamed = u->name != NULL && g_strcmp0 (u->name, row->name) != 0;

      if (u->name != NULL)
        set_str (&row->name, u->name);
      if (u->base_url != NULL)
        set_str (&row->base_url, u->base_url);
      if (u->path != NULL)
        set_str (&row->path, u->path);
      if (u->model != NULL)
        set_str (&row->model, u->model);
      /* Persisting re-normalises: an empty name becomes "Profile". */
      if (row->name == NULL || *row->name == '\0')
        set_str (&row->name, "Profile");
      if (u->api_key != NULL)
        dg_profiles_keys_save (self, row, u->api_key, data->keyring);
      else if (data->keyring)
        dg_profiles_keys_settle (self, row, renamed);
      set_str (&row->updated_at, now);
      ok = dg_store_profiles_update (self->store, row, error);
    }
  else
    {
      g_autoptr (DgStoreProfileRow) fresh = g_new0 (DgStoreProfileRow, 1);
      g_autofree char *trimmed = g_strstrip (g_strdup (u->name != NULL ? u->name : ""));
      gint64 position = 0;

      if (rows->len >= (guint) MAX (self->config->max_external_api_configs, 0))
        {
          g_set_error (error, DG_PROFILES_ERROR, DG_PROFILES_ERROR_LIMIT,
                       "Maximum external API profiles reached (%d)",
                       self->config->max_external_api_configs);
          return FALSE;
        }
      for (guint i = 0; i < rows->len; i++)
        position =
            MAX (position, ((DgStoreProfileRow *) g_ptr_array_index (rows, i))->position + 1);
      do
        {
          g_free (fresh->id);
          fresh->id = dg_random_hex (6); /* upstream: 12 lowercase hex characters */
        }
      while (find_row (rows, fresh->id) != NULL);
      fresh->owner = g_strdup (owner);
      fresh->name =
          *trimmed != '\0' ? g_strdup (trimmed) : g_strdup_printf ("Profile %u", rows->len + 1);
      fresh->base_url = g_strdup (u->base_url);
      fresh->path = g_strdup (u->path);
      fresh->model = g_strdup (u->model);
      if (u->api_key != NULL && dg_profiles_keys_save (self, fresh, u->api_key, data->keyring))
        data->keyring_fresh = g_strdup (fresh->id);
      fresh->position = position;
      fresh->created_at = g_strdup (now);
      fresh->updated_at = g_strdup (now);
      ok = dg_store_profiles_insert (self->store, fresh, error);
      row = fresh;
      if (ok && out_id != NULL)
        *out_id = g_strdup (fresh->id);
      if (ok && make_active)
        ok = dg_store_profiles_set_active (self->store, owner, fresh->id, error);
      return ok;
    }
  if (ok && out_id != NULL)
    *out_id = g_strdup (row->id);
  if (ok && make_active)
    ok = dg_store_profiles_set_active (self->store, owner, row->id, error);
  return ok;
}

/* Runs @func inside one transaction. */
typedef gboolean (*ChangeFunc) (DgProfiles *self, const char *owner, gpointer data, char **out_id,
                                GError **error);

static gboolean
transact (DgProfiles *self, const char *owner, ChangeFunc func, gpointer data, char **out_id,
          GError **error)
{
  if (!dg_store_begin (self->store, error))
    return FALSE;
  if (!func (self, owner, data, out_id, error))
    {
      dg_store_rollback (self->store);
      if (out_id != NULL)
        g_clear_pointer (out_id, g_free);
      return FALSE;
    }
  if (!dg_store_commit (self->store, error))
    {
      if (out_id != NULL)
        g_clear_pointer (out_id, g_free);
      return FALSE;
    }
  return TRUE;
}

/* transact(), then lists the owner's settings. */
static DgProfileSettings *
change (DgProfiles *self, const char *owner, ChangeFunc func, gpointer data, char **out_id,
        GError **error)
{
  if (!transact (self, owner, func, data, out_id, error))
    return NULL;
  return dg_profiles_list (self, owner, error);
}

static gboolean
upsert_func (DgProfiles *self, const char *owner, gpointer data, char **out_id, GError **error)
{
  return upsert_in_transaction (self, owner, data, out_id, error);
}

DgProfileSettings *
dg_profiles_upsert (DgProfiles *self, const char *owner, const DgProfileUpsert *upsert,
                    DgUrlPolicyFlags policy, char **out_id, GError **error)
{
  g_autofree char *keyring_fresh = NULL;
  UpsertData data = { upsert, FALSE, NULL };
  gboolean ok;
  g_return_val_if_fail (DG_IS_PROFILES (self), NULL);
  g_return_val_if_fail (owner != NULL && upsert != NULL, NULL);

  if (!check_upsert (upsert, policy, error))
    return NULL;
  /* Asked outside the transaction: it may start the Secret Service. */
  data.keyring = dg_profiles_keys_reachable (self);
  ok = transact (self, owner, upsert_func, &data, out_id, error);
  keyring_fresh = g_steal_pointer (&data.keyring_fresh);
  if (!ok)
    {
      /* The new profile is not there: neither is its key. */
      if (keyring_fresh != NULL)
        dg_profiles_keys_forget (self, owner, keyring_fresh);
      return NULL;
    }
  return dg_profiles_list (self, owner, error);
}

static gboolean
activate_func (DgProfiles *self, const char *owner, gpointer data, char **out_id, GError **error)
{
  g_autoptr (GPtrArray) rows = dg_store_profiles_list (self->store, owner, error);

  if (rows == NULL)
    return FALSE;
  if (find_row (rows, data) == NULL)
    {
      set_not_found (error, data);
      return FALSE;
    }
  return dg_store_profiles_set_active (self->store, owner, data, error);
}

DgProfileSettings *
dg_profiles_activate (DgProfiles *self, const char *owner, const char *id, GError **error)
{
  g_return_val_if_fail (DG_IS_PROFILES (self), NULL);
  g_return_val_if_fail (owner != NULL && id != NULL, NULL);

  return change (self, owner, activate_func, (gpointer) id, NULL, error);
}

static gboolean
delete_func (DgProfiles *self, const char *owner, gpointer data, char **out_id, GError **error)
{
  g_autoptr (GPtrArray) rows = dg_store_profiles_list (self->store, owner, error);
  DgStoreProfileRow *row;
  gboolean was_active;

  if (rows == NULL)
    return FALSE;
  row = find_row (rows, data);
  if (row == NULL)
    {
      set_not_found (error, data);
      return FALSE;
    }
  /* With no stored active flag the first profile was the active one. */
  was_active = row->active || (!has_active (rows) && row == g_ptr_array_index (rows, 0));
  if (!dg_store_profiles_delete (self->store, owner, data, error))
    return FALSE;
  g_ptr_array_remove (rows, row);
  if (was_active && rows->len > 0)
    return dg_store_profiles_set_active (
        self->store, owner, ((DgStoreProfileRow *) g_ptr_array_index (rows, 0))->id, error);
  return TRUE;
}

DgProfileSettings *
dg_profiles_delete (DgProfiles *self, const char *owner, const char *id, GError **error)
{
  g_return_val_if_fail (DG_IS_PROFILES (self), NULL);
  g_return_val_if_fail (owner != NULL && id != NULL, NULL);

  if (!transact (self, owner, delete_func, (gpointer) id, NULL, error))
    return NULL;
  /* After the commit: the key goes with the profile. Keys kept in the database went with the
   * row; an item left from an earlier save in the keyring goes too. */
  dg_profiles_keys_forget (self, owner, id);
  return dg_profiles_list (self, owner, error);
}

/* ---------------------------------------------------------------------------------------- */
/* Endpoints */

static const char *
string_member (JsonObject *o, const char *name)
{
  JsonNode *node = o != NULL ? json_object_get_member (o, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonObject *
object_member (JsonObject *o, const char *name)
{
  JsonNode *node = o != NULL ? json_object_get_member (o, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* The profile's server with its key. A profile without a base URL uses the configured
 * server and never gets the key: a key only goes to the server it was saved with. */
static DgInferenceEndpoint *
profile_endpoint (DgProfiles *self, const DgStoreProfileRow *row, int backend, const char *path,
                  const char *model, JsonObject *parameters, DgUrlPolicyFlags policy,
                  GError **error)
{
  g_autoptr (DgSecret) key = NULL;
  DgInferenceEndpoint *endpoint;

  if (dg_profiles_keys_location (row) != DG_PROFILE_KEY_NONE && row->base_url != NULL)
    {
      key = dg_profiles_keys_read (self, row, error);
      if (key == NULL)
        return NULL;
    }
  endpoint = dg_inference_endpoint_resolve (
      self->config, backend, row->base_url, path != NULL ? path : row->path,
      model != NULL ? model : row->model, key, parameters, policy);
  return endpoint;
}

/**
 * dg_profiles_endpoint:
 *
 * Returns: (transfer full) (nullable): the endpoint of @owner's profile @id
 * (NULL: the active one), with its decrypted API key.
 */
DgInferenceEndpoint *
dg_profiles_endpoint (DgProfiles *self, const char *owner, const char *id, JsonObject *parameters,
                      DgUrlPolicyFlags policy, GError **error)
{
  g_autoptr (GPtrArray) rows = NULL;
  DgStoreProfileRow *row = NULL;

  g_return_val_if_fail (DG_IS_PROFILES (self), NULL);
  g_return_val_if_fail (owner != NULL, NULL);

  rows = dg_store_profiles_list (self->store, owner, error);
  if (rows == NULL)
    return NULL;
  if (id != NULL)
    {
      row = find_row (rows, id);
      if (row == NULL)
        {
          set_not_found (error, id);
          return NULL;
        }
    }
  for (guint i = 0; row == NULL && i < rows->len; i++)
    if (((DgStoreProfileRow *) g_ptr_array_index (rows, i))->active)
      row = g_ptr_array_index (rows, i);
  if (row == NULL && rows->len > 0)
    row = g_ptr_array_index (rows, 0);
  if (row == NULL)
    return dg_inference_endpoint_resolve (self->config, -1, NULL, NULL, NULL, NULL, parameters,
                                          policy);
  if (row->base_url != NULL && !dg_url_policy_check (row->base_url, policy, error))
    return NULL;
  return profile_endpoint (self, row, -1, NULL, NULL, parameters, policy, error);
}

/**
 * dg_profiles_resolve_job_endpoint:
 * @profiles: the DgProfiles
 *
 * Returns: (transfer full) (nullable): the endpoint of @job's record calls.
 */
DgInferenceEndpoint *
dg_profiles_resolve_job_endpoint (DgJob *job, gpointer profiles, GError **error)
{
  DgProfiles *self = profiles;
  JsonObject *inference = object_member (job->details, "inference");
  const char *profile_id = string_member (inference, "profileId");
  const char *backend_name = string_member (job->run, "backend");
  DgUrlPolicyFlags policy = g_strcmp0 (string_member (job->run, "urlPolicy"), "allow-private") == 0
                                ? DG_URL_POLICY_ALLOW_PRIVATE
                                : DG_URL_POLICY_NONE;
  g_autoptr (GPtrArray) rows = NULL;
  DgStoreProfileRow *row;
  DgInferenceBackend backend;

  g_return_val_if_fail (DG_IS_PROFILES (self), NULL);

  if (profile_id == NULL || job->owner == NULL ||
      !json_object_get_boolean_member_with_default (inference, "useExternalApi", FALSE))
    return dg_job_runner_default_endpoint (self->config, job, error);
  if (backend_name != NULL && !dg_inference_backend_from_string (backend_name, &backend))
    {
      g_set_error (error, DG_INFERENCE_ERROR, DG_INFERENCE_ERROR_ENDPOINT,
                   "Unknown inference backend “%s”", backend_name);
      return NULL;
    }
  if (backend_name != NULL && backend == DG_INFERENCE_BACKEND_OFFLINE)
    return dg_inference_endpoint_new (DG_INFERENCE_BACKEND_OFFLINE, NULL);

  rows = dg_store_profiles_list (self->store, job->owner, error);
  if (rows == NULL)
    return NULL;
  row = find_row (rows, profile_id);
  if (row == NULL)
    {
      /* Upstream bug 10: never fall back to another profile and send its key elsewhere. */
      g_set_error (error, DG_PROFILES_ERROR, DG_PROFILES_ERROR_DELETED,
                   "The job's inference profile %s was deleted; no other profile's API key is "
                   "used",
                   profile_id);
      return NULL;
    }
  return profile_endpoint (self, row, backend_name != NULL ? (int) backend : -1,
                           string_member (inference, "path"), string_member (inference, "model"),
                           object_member (inference, "parameters"), policy, error);
}

/**
 * dg_profiles_attach_engine:
 *
 * Makes @engine's jobs take their profile's current server and key at run time.
 */
void
dg_profiles_attach_engine (DgProfiles *self, DgEngine *engine)
{
  g_return_if_fail (DG_IS_PROFILES (self));
  g_return_if_fail (DG_IS_ENGINE (engine));

  dg_engine_set_endpoint_resolver (engine, dg_profiles_resolve_job_endpoint, g_object_ref (self),
                                   g_object_unref);
}
