/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dg-application.h"

G_BEGIN_DECLS

#define DG_TYPE_WINDOW (dg_window_get_type ())
G_DECLARE_FINAL_TYPE (DgWindow, dg_window, DG, WINDOW, AdwApplicationWindow)

/*
 * DgWindow: the single main window: the login page, then the workspace (a leaflet of the
 * job list and the current page). Its actions ("win.*") carry the keyboard shortcuts.
 */
DgWindow   *dg_window_new         (DgApplication *application);
/* Shows @message as a toast; @action_label/@action_name add a button (both or neither). */
void        dg_window_add_toast   (DgWindow      *self,
                                   const char    *message,
                                   const char    *action_label,
                                   const char    *action_name,
                                   GVariant      *action_target);
/* The window's cancellable: it fires when the window closes. */
GCancellable *dg_window_get_cancellable (DgWindow *self);
/* Name of the visible page: "login" or "workspace". */
const char *dg_window_get_page    (DgWindow      *self);

G_END_DECLS
