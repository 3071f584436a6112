/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dg-application.h"
#include "dg-test-utils.h"
#include "dg-window.h"

G_BEGIN_DECLS

/*
 * Helpers shared by the UI tests and the screenshot tool: a DgApplication on a private data
 * folder, registered (non-unique) and activated so it has its real main window; waits on
 * frames; PNG snapshots of a window; and a check that every widget is finalised at the end.
 */
typedef struct {
  const char    *data_dir;
  DgApplication *app;
  DgWindow      *window;
} DgAppHarness;

typedef void (*DgAppHarnessFunc) (DgAppHarness *harness,
                                  gpointer      user_data);

/*
 * Runs the application as main() does (g_application_run()), calls @func from ::activate
 * with the main window shown, then closes the window and asserts that the window and the
 * application were finalised. @extra_env: NULL-terminated "NAME=value" strings added to
 * the test environment, or NULL.
 */
void          dg_app_harness_run          (const char * const *extra_env,
                                           DgAppHarnessFunc    func,
                                           gpointer            user_data);
/* The same in @data_dir (kept), so a second run finds what the first one stored. */
void          dg_app_harness_run_in       (const char         *data_dir,
                                           const char * const *extra_env,
                                           DgAppHarnessFunc    func,
                                           gpointer            user_data);
/* Called at activation, once the main window exists and before it draws (benchmarks). */
void          dg_app_harness_set_activate_hook (void (*hook) (GApplication *app));
/* Waits until the login page is idle, fills it and submits; returns the page. */
gpointer      dg_app_harness_login        (DgAppHarness       *harness,
                                           const char         *username,
                                           const char         *password,
                                           gboolean            remember);
/* Waits until the window shows @page ("login" or "workspace"). */
void          dg_app_harness_wait_page    (DgAppHarness       *harness,
                                           const char         *page);

/* Iterates the main loop until @widget has drawn @n_frames more frames (bounded). */
void          dg_app_harness_wait_frames  (GtkWidget    *widget,
                                           guint         n_frames);
/* Resizes @window and waits until it is laid out at that size. */
void          dg_app_harness_resize       (GtkWindow    *window,
                                           int           width,
                                           int           height);
/* Renders @widget as it is on screen into a PNG file. */
gboolean      dg_app_harness_save_png     (GtkWidget    *widget,
                                           const char   *path,
                                           GError      **error);
/* Finds a descendant of @root by its GtkBuildable id or widget name (template children). */
GtkWidget    *dg_app_harness_find         (GtkWidget    *root,
                                           GType         type,
                                           const char   *name);
/* Finds the descendant of @root whose GtkBuildable id is @id (a template child). */
GtkWidget    *dg_app_harness_find_id      (GtkWidget    *root,
                                           const char   *id);
/* The first visible toplevel window of @type, or NULL. */
GtkWindow    *dg_app_harness_find_toplevel (GType        type);
/* Presents @window and waits until it has the keyboard focus. */
void          dg_app_harness_focus        (GtkWindow    *window);
/*
 * Presses and releases @accelerator ("<Control>n", "<Control>question", "Escape"…) as real
 * key events through the X server's XTest extension: they reach whichever window has the
 * keyboard focus, as a user's would. FALSE with @error when not on X11 or without XTest.
 */
gboolean      dg_app_harness_press_keys   (GtkWidget    *widget,
                                           const char   *accelerator,
                                           GError      **error);
/* Whether dg_app_harness_press_keys() can work on the default display (else why not). */
gboolean      dg_app_harness_can_press_keys (GError    **error);

G_END_DECLS
