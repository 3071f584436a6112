/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dg-store.h"

G_BEGIN_DECLS

/*
 * Typed access to the inference_profiles table (schema v1, v4). Only dg-profiles
 * calls these: the API key column holds the encrypted text, never a key.
 */

typedef struct
{
  char *id;
  char *owner;
  char *name;
  char *base_url;          /* nullable */
  char *path;              /* nullable */
  char *model;             /* nullable */
  char *api_key_encrypted; /* nullable; only with api_key_location "database" */
  char *api_key_location;  /* nullable (no key), "database" or "keyring" */
  gboolean active;
  gint64 position;
  char *created_at;
  char *updated_at;
} DgStoreProfileRow;

void dg_store_profile_row_free (DgStoreProfileRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DgStoreProfileRow, dg_store_profile_row_free)

/* @owner's profiles in their order (DgStoreProfileRow*). */
GPtrArray *dg_store_profiles_list (DgStore *self, const char *owner, GError **error);
gboolean dg_store_profiles_insert (DgStore *self, const DgStoreProfileRow *row, GError **error);
/* Rewrites every column of the row with @row->id and @row->owner. */
gboolean dg_store_profiles_update (DgStore *self, const DgStoreProfileRow *row, GError **error);
gboolean dg_store_profiles_delete (DgStore *self, const char *owner, const char *id,
                                   GError **error);
/* Marks @id (NULL: none) as @owner's only active profile. */
gboolean dg_store_profiles_set_active (DgStore *self, const char *owner, const char *id,
                                       GError **error);

G_END_DECLS
