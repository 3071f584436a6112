/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dg-config.h"

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

G_END_DECLS
