/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dg-accounts.h"
#include "dg-config.h"
#include "dg-engine.h"
#include "dg-profiles.h"
#include "dg-session.h"
#include "dg-store.h"

G_BEGIN_DECLS

#define DG_TYPE_APPLICATION (dg_application_get_type ())
G_DECLARE_FINAL_TYPE (DgApplication, dg_application, DG, APPLICATION, AdwApplication)

/*
 * DgApplication: the desktop app. It owns the configuration, the GSettings of the app and
 * the engine objects the windows share; it has a single main window.
 */
DgApplication *dg_application_new          (DgConfig      *config);
DgConfig      *dg_application_get_config   (DgApplication *self);
GSettings     *dg_application_get_settings (DgApplication *self);
/* The main window, created on first activation (NULL before). */
GtkWindow     *dg_application_get_main_window (DgApplication *self);

/*
 * Opens the database (in a worker thread) and creates the engine objects on it, once;
 * later calls complete when the first one does. The getters return NULL before.
 */
void           dg_application_load_async   (DgApplication       *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean       dg_application_load_finish  (DgApplication       *self,
                                            GAsyncResult        *result,
                                            GError             **error);
DgStore       *dg_application_get_store    (DgApplication *self);
DgAccounts    *dg_application_get_accounts (DgApplication *self);
DgSessions    *dg_application_get_sessions (DgApplication *self);
DgEngine      *dg_application_get_engine   (DgApplication *self);
/* Inference profiles (model servers) of the users; NULL until loaded. */
DgProfiles    *dg_application_get_profiles (DgApplication *self);

G_END_DECLS
