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
/* Hides the last toast shown (if still there). */
void        dg_window_dismiss_toast (DgWindow *self);
/* The window's cancellable: it fires when the window closes. */
GCancellable *dg_window_get_cancellable (DgWindow *self);
/* Shows the job @job_id (of the signed-in user) on the job page. */
void        dg_window_open_job    (DgWindow      *self,
                                   const char    *job_id);
/* Exports the job on the job page to @file as @format ("json", "jsonl", "csv"; NULL: from
 * the file's extension), with progress and a toast at the end. */
void        dg_window_export_to_file (DgWindow   *self,
                                      GFile      *file,
                                      const char *format);
/* Name of the visible page: "login" or "workspace". */
const char *dg_window_get_page    (DgWindow      *self);

G_END_DECLS
