/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dg-profiles.h"

G_BEGIN_DECLS

#define DG_TYPE_PROFILES_GROUP (dg_profiles_group_get_type ())
G_DECLARE_FINAL_TYPE (DgProfilesGroup, dg_profiles_group, DG, PROFILES_GROUP, AdwPreferencesGroup)

/*
 * DgProfilesGroup: the "Model Servers" preferences of one user: their inference
 * profiles (name, base URL, path, model, API key), which one new jobs use, add,
 * edit and delete. API keys are written, never shown: a saved key only shows as
 * "saved". Actions: profiles.add, profiles.edit (s), profiles.activate (s),
 * profiles.delete (s), the parameter being a profile id.
 */
GtkWidget *dg_profiles_group_new (DgProfiles *profiles, const char *owner);
/* Profile names as listed, in order (tests). */
GStrv dg_profiles_group_dup_names (DgProfilesGroup *self);
/* The listed profile named @name, or NULL (tests). */
const char *dg_profiles_group_find_id (DgProfilesGroup *self, const char *name);
/* TRUE while a profile operation runs. */
gboolean dg_profiles_group_get_busy (DgProfilesGroup *self);

G_END_DECLS
