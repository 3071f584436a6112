/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "dg-config.h"
#include "dg-engine.h"
#include "dg-inference-endpoint.h"
#include "dg-job.h"
#include "dg-store.h"
#include "dg-url-policy.h"

G_BEGIN_DECLS

/*
 * DgProfiles: each user's inference profiles (upstream 1.14-1.16, 4.6): the
 * OpenAI-compatible servers a user generates with. API keys go to the user's
 * keyring (dg-keyring.h) when one is reachable and DATAGEMS_KEYRING is not off;
 * otherwise they are encrypted at rest (AES-256-GCM under a key derived from a
 * per-installation secret in the store's settings). Keys are never logged and
 * never returned: the public view only says hasApiKey and where the key is
 * kept. Only dg_profiles_endpoint() and the job resolver read keys.
 *
 * Threads: the plain calls block on SQLite (worker threads, REST handlers,
 * CLI); the app uses the _async variants. Any thread.
 */

#define DG_PROFILES_ERROR (dg_profiles_error_quark ())

typedef enum
{
  DG_PROFILES_ERROR_NOT_FOUND, /* "Profile <id> not found" */
  DG_PROFILES_ERROR_LIMIT,     /* "Maximum external API profiles reached (<max>)" */
  DG_PROFILES_ERROR_INVALID,   /* a field too long or empty */
  DG_PROFILES_ERROR_DELETED,   /* a job's profile no longer exists (its key is never replaced) */
  DG_PROFILES_ERROR_DECRYPT, /* the stored key cannot be decrypted with this installation's secret */
  DG_PROFILES_ERROR_KEYRING, /* the key is kept in the keyring, which lost it or cannot be used now */
} DgProfilesError;

GQuark dg_profiles_error_quark (void);

/* Where a profile's API key is kept. */
typedef enum
{
  DG_PROFILE_KEY_NONE,     /* the profile has no key */
  DG_PROFILE_KEY_DATABASE, /* encrypted in the DataGems database */
  DG_PROFILE_KEY_KEYRING,  /* in the user's keyring */
} DgProfileKeyLocation;

/* One profile, public view: the key itself is never here. */
typedef struct
{
  char *id;
  char *name;
  char *base_url; /* nullable */
  char *path;     /* nullable */
  char *model;    /* nullable */
  gboolean has_api_key;
  DgProfileKeyLocation key_location;
  char *created_at;
  char *updated_at;
} DgProfile;

/* A user's settings (upstream 1.14). */
typedef struct
{
  GPtrArray *profiles; /* DgProfile*, in order */
  DgProfile *active;   /* nullable, borrowed from @profiles */
  guint max_profiles;
} DgProfileSettings;

#define DG_TYPE_PROFILE_SETTINGS (dg_profile_settings_get_type ())
GType dg_profile_settings_get_type (void) G_GNUC_CONST;
DgProfileSettings *dg_profile_settings_copy (const DgProfileSettings *settings);
void dg_profile_settings_free (DgProfileSettings *settings);
/* The upstream public settings view (1.14): activeProfileId, maxProfiles, profiles, ... */
JsonObject *dg_profile_settings_to_json (const DgProfileSettings *settings);
/* The profile @id, or NULL. */
const DgProfile *dg_profile_settings_find (const DgProfileSettings *settings, const char *id);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DgProfileSettings, dg_profile_settings_free)

/* An upsert (upstream 1.15): NULL fields keep their old value (or stay unset). */
typedef struct
{
  const char *id;       /* NULL: a new profile */
  const char *name;     /* ≤ 120 characters */
  const char *base_url; /* checked with the URL policy */
  const char *path;     /* ≤ 200 */
  const char *model;    /* ≤ 200 */
  const char *api_key;  /* non-empty; kept in the keyring or encrypted */
  gboolean set_active;
} DgProfileUpsert;

#define DG_TYPE_PROFILES (dg_profiles_get_type ())
G_DECLARE_FINAL_TYPE (DgProfiles, dg_profiles, DG, PROFILES, GObject)

/* Reads (or creates, the first time) the installation's profile secret. */
DgProfiles *dg_profiles_new (DgConfig *config, DgStore *store, GError **error);

DgProfileSettings *dg_profiles_list (DgProfiles *self, const char *owner, GError **error);
/*
 * @policy: DG_URL_POLICY_ALLOW_PRIVATE for the desktop user and admins.
 * @out_id: (optional): the upserted profile's id. Errors: NOT_FOUND, LIMIT,
 * INVALID, DG_URL_POLICY_ERROR (upstream messages), DG_STORE_ERROR.
 */
DgProfileSettings *dg_profiles_upsert (DgProfiles *self, const char *owner,
                                       const DgProfileUpsert *upsert, DgUrlPolicyFlags policy,
                                       char **out_id, GError **error);
DgProfileSettings *dg_profiles_activate (DgProfiles *self, const char *owner, const char *id,
                                         GError **error);
/* If @id was active, the first remaining profile becomes active. */
DgProfileSettings *dg_profiles_delete (DgProfiles *self, const char *owner, const char *id,
                                       GError **error);

/*
 * The endpoint of @owner's profile @id (NULL: the active one) with its
 * decrypted key, for drafting and model lists. @parameters: (nullable).
 * No profile at all (and @id NULL) gives the configured endpoint, without a key.
 */
DgInferenceEndpoint *dg_profiles_endpoint (DgProfiles *self, const char *owner, const char *id,
                                           JsonObject *parameters, DgUrlPolicyFlags policy,
                                           GError **error);

/* dg_profiles_endpoint() off the caller's thread. @parameters is not changed and must not be
 * changed by the caller afterwards (it is read on a worker thread). */
void               dg_profiles_endpoint_async (DgProfiles          *self,
                                               const char          *owner,
                                               const char          *id,
                                               JsonObject          *parameters,
                                               DgUrlPolicyFlags     policy,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
DgInferenceEndpoint *dg_profiles_endpoint_finish (DgProfiles        *self,
                                                  GAsyncResult      *result,
                                                  GError           **error);

/*
 * A DgJobEndpointResolver (pass the DgProfiles as user data): jobs whose
 * details.inference names a profileId get that profile's current server and
 * key; a deleted profile fails with DG_PROFILES_ERROR_DELETED rather than
 * sending a key to another server. Other jobs: dg_job_runner_default_endpoint().
 */
DgInferenceEndpoint *dg_profiles_resolve_job_endpoint (DgJob *job, gpointer profiles,
                                                       GError **error);
/* Plugs dg_profiles_resolve_job_endpoint() into @engine (keeps a reference). */
void dg_profiles_attach_engine (DgProfiles *self, DgEngine *engine);

/* _async variants; every one finishes with dg_profiles_settings_finish(). */
void dg_profiles_list_async (DgProfiles *self, const char *owner, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
void dg_profiles_upsert_async (DgProfiles *self, const char *owner, const DgProfileUpsert *upsert,
                               DgUrlPolicyFlags policy, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
void dg_profiles_activate_async (DgProfiles *self, const char *owner, const char *id,
                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer user_data);
void dg_profiles_delete_async (DgProfiles *self, const char *owner, const char *id,
                               GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data);
DgProfileSettings *dg_profiles_settings_finish (DgProfiles *self, GAsyncResult *result,
                                                GError **error);

G_END_DECLS
