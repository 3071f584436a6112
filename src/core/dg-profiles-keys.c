/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-profiles"

/*
 * Where a profile's API key lives: in the user's keyring when one is reachable (the row then
 * says "keyring" and holds no key material), otherwise encrypted in the row ("database":
 * "v1." followed by dg_crypto_seal()'s "iv.tag.ciphertext", with the owner and profile id as
 * associated data, so a value copied to another row does not open).
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "dg-keyring.h"
#include "dg-profiles-private.h"

#define FORMAT_PREFIX "v1."

DgProfileKeyLocation
dg_profiles_keys_location (const DgStoreProfileRow *row)
{
  if (g_strcmp0 (row->api_key_location, DG_PROFILES_LOCATION_KEYRING) == 0)
    return DG_PROFILE_KEY_KEYRING;
  if (row->api_key_encrypted != NULL)
    return DG_PROFILE_KEY_DATABASE;
  return DG_PROFILE_KEY_NONE;
}

static char *
encrypt_key (DgProfiles *self, const char *owner, const char *id, const char *api_key)
{
  g_autofree char *aad = g_strconcat (owner, "\n", id, NULL);
  g_autofree char *sealed = dg_crypto_seal (self->key, aad, api_key);

  return g_strconcat (FORMAT_PREFIX, sealed, NULL);
}

static DgSecret *
decrypt_key (DgProfiles *self, const DgStoreProfileRow *row, GError **error)
{
  g_autofree char *aad = g_strconcat (row->owner, "\n", row->id, NULL);
  g_autoptr (GError) local_error = NULL;
  DgSecret *plain = NULL;

  if (g_str_has_prefix (row->api_key_encrypted, FORMAT_PREFIX))
    plain = dg_crypto_open (self->key, aad, row->api_key_encrypted + strlen (FORMAT_PREFIX),
                            DG_CRYPTO_OPEN_NONE, &local_error);
  if (plain != NULL)
    return plain;
  if (local_error == NULL || g_error_matches (local_error, DG_CRYPTO_ERROR, DG_CRYPTO_ERROR_FORMAT))
    g_set_error (error, DG_PROFILES_ERROR, DG_PROFILES_ERROR_DECRYPT,
                 "The API key of profile %s is damaged; enter it again", row->id);
  else
    g_set_error (error, DG_PROFILES_ERROR, DG_PROFILES_ERROR_DECRYPT,
                 "The API key of profile %s cannot be decrypted with this installation's "
                 "secret; enter it again",
                 row->id);
  return NULL;
}

static DgKeyringItem
keyring_item (DgProfiles *self, const char *owner, const char *id)
{
  DgKeyringItem item = { self->installation, owner, id };

  return item;
}

static char *
keyring_label (const DgStoreProfileRow *row)
{
  /* Translators: the name of a keyring item, as shown by Passwords and Keys; %s is the name of
   * a model server profile */
  return g_strdup_printf (_ ("DataGems API key for “%s”"), row->name);
}

gboolean
dg_profiles_keys_reachable (DgProfiles *self)
{
  g_autoptr (GError) error = NULL;

  if (!self->config->use_keyring)
    return FALSE;
  if (dg_keyring_check (NULL, &error))
    return TRUE;
  g_debug ("API keys are encrypted in the database: %s", error->message);
  return FALSE;
}

static void
set_location (DgStoreProfileRow *row, const char *location, char *encrypted)
{
  g_free (row->api_key_location);
  row->api_key_location = g_strdup (location);
  if (row->api_key_encrypted != NULL)
    dg_crypto_wipe (row->api_key_encrypted, strlen (row->api_key_encrypted));
  g_free (row->api_key_encrypted);
  row->api_key_encrypted = encrypted;
}

static gboolean
store_in_keyring (DgProfiles *self, DgStoreProfileRow *row, const char *api_key)
{
  DgKeyringItem item = keyring_item (self, row->owner, row->id);
  g_autofree char *label = keyring_label (row);
  g_autoptr (GError) error = NULL;

  if (!dg_keyring_store (&item, label, api_key, NULL, &error))
    {
      g_debug ("The API key of profile %s stays in the database: %s", row->id, error->message);
      return FALSE;
    }
  set_location (row, DG_PROFILES_LOCATION_KEYRING, NULL);
  return TRUE;
}

gboolean
dg_profiles_keys_save (DgProfiles *self, DgStoreProfileRow *row, const char *api_key,
                       gboolean keyring)
{
  if (keyring && store_in_keyring (self, row, api_key))
    return TRUE;
  /* An older keyring item of this profile, if any, is never read again: the row says where
   * the key is. It goes when the keyring is reachable on delete. */
  set_location (row, DG_PROFILES_LOCATION_DATABASE,
                encrypt_key (self, row->owner, row->id, api_key));
  return FALSE;
}

void
dg_profiles_keys_settle (DgProfiles *self, DgStoreProfileRow *row, gboolean renamed)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DgSecret) api_key = NULL;

  switch (dg_profiles_keys_location (row))
    {
    case DG_PROFILE_KEY_DATABASE:
      /* Keys saved before the keyring was reachable move there on the next save. */
      api_key = decrypt_key (self, row, &error);
      if (api_key != NULL)
        store_in_keyring (self, row, api_key);
      else
        g_debug ("Not moving the API key of profile %s: %s", row->id, error->message);
      break;
    case DG_PROFILE_KEY_KEYRING:
      if (!renamed)
        break;
      api_key = dg_profiles_keys_read (self, row, &error);
      if (api_key != NULL)
        store_in_keyring (self, row, api_key);
      else
        g_debug ("Not relabelling the API key of profile %s: %s", row->id, error->message);
      break;
    case DG_PROFILE_KEY_NONE:
    default:
      break;
    }
}

DgSecret *
dg_profiles_keys_read (DgProfiles *self, const DgStoreProfileRow *row, GError **error)
{
  DgKeyringItem item = keyring_item (self, row->owner, row->id);
  g_autoptr (GError) local_error = NULL;
  DgSecret *api_key;

  switch (dg_profiles_keys_location (row))
    {
    case DG_PROFILE_KEY_DATABASE:
      return decrypt_key (self, row, error);
    case DG_PROFILE_KEY_KEYRING:
      break;
    case DG_PROFILE_KEY_NONE:
    default:
      g_return_val_if_reached (NULL);
    }
  if (!self->config->use_keyring)
    {
      g_set_error (error, DG_PROFILES_ERROR, DG_PROFILES_ERROR_KEYRING,
                   "The API key of profile %s is kept in your keyring, which is switched off "
                   "(DATAGEMS_KEYRING); switch it on or enter the key again",
                   row->id);
      return NULL;
    }
  api_key = dg_keyring_lookup (&item, NULL, &local_error);
  if (api_key != NULL)
    return api_key;
  if (g_error_matches (local_error, DG_KEYRING_ERROR, DG_KEYRING_ERROR_NOT_FOUND))
    g_set_error (error, DG_PROFILES_ERROR, DG_PROFILES_ERROR_KEYRING,
                 "The API key of profile %s is no longer in your keyring; enter it again", row->id);
  else
    g_set_error (error, DG_PROFILES_ERROR, DG_PROFILES_ERROR_KEYRING,
                 "The API key of profile %s is kept in your keyring, which cannot be used now "
                 "(%s); unlock it or enter the key again",
                 row->id, local_error->message);
  return NULL;
}

void
dg_profiles_keys_forget (DgProfiles *self, const char *owner, const char *id)
{
  DgKeyringItem item = keyring_item (self, owner, id);
  g_autoptr (GError) error = NULL;

  if (!self->config->use_keyring)
    return;
  if (!dg_keyring_clear (&item, NULL, &error))
    g_debug ("Cannot remove a keyring item of profile %s: %s", id, error->message);
}
