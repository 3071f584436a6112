/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dg-application.h"
#include "dg-profiles-group.h"

G_BEGIN_DECLS

#define DG_TYPE_PREFERENCES_WINDOW (dg_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (DgPreferencesWindow, dg_preferences_window, DG, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

/*
 * DgPreferencesWindow: GSettings preferences, and for administrators the accounts of this
 * installation (create, reset password, change role, delete) and self-registration.
 * @session: the signed-in user; the accounts page is shown only to admins.
 */
GtkWidget  *dg_preferences_window_new           (GtkWindow       *parent,
                                                 DgApplication   *application,
                                                 const DgSession *session);
/* Re-reads the account list; done at construction for admins. */
void        dg_preferences_window_reload_accounts (DgPreferencesWindow *self);
/* Rows shown in the account list (usernames, in order), for tests. */
GStrv       dg_preferences_window_dup_usernames (DgPreferencesWindow *self);
/* The "Model Servers" group (NULL before the application loaded), for tests. */
DgProfilesGroup *dg_preferences_window_get_profiles_group (DgPreferencesWindow *self);
/* TRUE while an account operation runs. */
gboolean    dg_preferences_window_get_busy      (DgPreferencesWindow *self);

G_END_DECLS
