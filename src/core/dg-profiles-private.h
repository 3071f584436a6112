/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dg-crypto.h"
#include "dg-profiles.h"
#include "dg-store-profiles.h"

G_BEGIN_DECLS

struct _DgProfiles
{
  GObject parent_instance;
  DgConfig *config;
  DgStore *store;
  guint8 key[DG_SHA256_LENGTH]; /* encrypts keys kept in the database */
  char *installation;           /* dg_keyring_installation_id() of this database */
};

#define DG_PROFILES_LOCATION_DATABASE "database"
#define DG_PROFILES_LOCATION_KEYRING "keyring"

/* Where @row's key is kept (DG_PROFILE_KEY_NONE: it has none). */
DgProfileKeyLocation dg_profiles_keys_location (const DgStoreProfileRow *row);

/* Whether keys saved now go to the keyring (configuration, session bus, unlocked keyring).
 * May start the Secret Service: call it before taking the store's lock. */
gboolean   dg_profiles_keys_reachable   (DgProfiles               *self);

/*
 * Puts @api_key into @row (the caller writes the row): into the keyring when @keyring is
 * TRUE and that works, else encrypted in the row. Returns whether a keyring item was written.
 */
gboolean   dg_profiles_keys_save        (DgProfiles               *self,
                                         DgStoreProfileRow        *row,
                                         const char               *api_key,
                                         gboolean                  keyring);
/* On a save without a new key: moves a key kept in the database into the keyring, or
 * refreshes the keyring item's label after a rename (@renamed). Best effort. */
void       dg_profiles_keys_settle      (DgProfiles               *self,
                                         DgStoreProfileRow        *row,
                                         gboolean                  renamed);
/* The key of @row, from wherever it is kept; DG_PROFILES_ERROR_DECRYPT or _KEYRING. */
DgSecret  *dg_profiles_keys_read        (DgProfiles               *self,
                                         const DgStoreProfileRow  *row,
                                         GError                  **error);
/* Removes the keyring item of @owner's profile @id, if it can (best effort). */
void       dg_profiles_keys_forget      (DgProfiles               *self,
                                         const char               *owner,
                                         const char               *id);

G_END_DECLS
