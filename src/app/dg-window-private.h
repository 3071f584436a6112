/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dg-engine.h"
#include "dg-job-editor.h"
#include "dg-job-view.h"
#include "dg-login-page.h"
#include "dg-window.h"

G_BEGIN_DECLS

/* Shared by dg-window*.c only. */
struct _DgWindow
{
  AdwApplicationWindow parent_instance;

  /* template children */
  AdwToastOverlay *toast_overlay;
  GtkStack *main_stack;
  DgLoginPage *login_page;
  AdwLeaflet *leaflet;
  GtkWidget *sidebar;
  guint clamp_source; /* idle that fits the sidebar clamp to the folded state */
  GtkWidget *content;
  GtkSearchBar *search_bar;
  GtkSearchEntry *search_entry;
  GtkDropDown *filter_dropdown;
  GtkStack *jobs_stack;
  GtkListView *jobs_view;
  GtkStack *content_stack;
  AdwWindowTitle *content_title;
  AdwWindowTitle *sidebar_title;

  GSettings *settings;
  GCancellable *cancellable;
  AdwToast *last_toast; /* weak */

  /* the signed-in user, NULL on the login page */
  DgSession *session;
  char *session_token;

  /* jobs (dg-window-jobs.c) */
  DgJobEditor *job_editor;
  DgJobView *job_view;
  GListStore *jobs;         /* DgJobItem*, most recently updated first */
  GHashTable *jobs_by_id;   /* id → DgJobItem (borrowed from the store) */
  GtkFilterListModel *jobs_filtered;
  GtkCustomFilter *jobs_filter;
  GtkSingleSelection *jobs_selection;
  GCancellable *jobs_cancellable; /* the signed-in user's work; fires on sign-out */
  gboolean jobs_loaded;
  DgDraft *draft;
  GCancellable *draft_cancellable;
  gboolean confirming;
  GtkFileChooserNative *export_chooser;
  gboolean exporting;
  double export_fraction;
  char *opened_job_id;      /* the job the page shows (or is loading) */
};

DgApplication *dg_window_get_app           (DgWindow *self);
/* TRUE once the window closed: late async results are dropped. */
gboolean       dg_window_is_closed         (DgWindow *self);
/* Login flow (dg-window-session.c). */
void           dg_window_session_start     (DgWindow *self);
void           dg_window_session_sign_out  (DgWindow *self);
void           dg_window_session_clear     (DgWindow *self);
void           dg_window_on_login_submitted (DgWindow   *self,
                                             const char *username,
                                             const char *password,
                                             gboolean    remember);
/* Jobs (dg-window-jobs.c). */
void           dg_window_jobs_init         (DgWindow *self);
void           dg_window_new_job_init      (DgWindow *self);
void           dg_window_jobs_dispose      (DgWindow *self);
void           dg_window_jobs_signed_in    (DgWindow *self);
void           dg_window_jobs_signed_out   (DgWindow *self);
void           dg_window_jobs_search_changed (DgWindow *self);
void           dg_window_jobs_activate     (DgWindow *self,
                                            guint     position);
void           dg_window_new_job           (DgWindow *self);
void           dg_window_export            (DgWindow *self);

/* Called by the session code once a user is signed in or out. */
void           dg_window_show_workspace    (DgWindow *self);
void           dg_window_show_login        (DgWindow *self);

/* Shorthands of the jobs and new-job halves of the window. */
static inline DgEngine *
dg_window_get_engine (DgWindow *self)
{
  return dg_application_get_engine (dg_window_get_app (self));
}

static inline const char *
dg_window_get_owner (DgWindow *self)
{
  return self->session ? self->session->username : NULL;
}

G_END_DECLS
