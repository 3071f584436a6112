/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-app"

#include "config.h"

#include <glib/gi18n.h>

#include "dg-login-page.h"
#include "dg-preferences-window.h"
#include "dg-window-private.h"

/* The sidebar's width beside a job (ui/dg-window.ui clamps it to the same). */
#define SIDEBAR_WIDTH 360
/* Folded, the list takes the whole window: a bound far beyond any screen (AdwClamp
 * overflows near G_MAXINT). */
#define SIDEBAR_WIDTH_FOLDED 100000

G_DEFINE_TYPE (DgWindow, dg_window, ADW_TYPE_APPLICATION_WINDOW)

static void
dg_window_save_state (DgWindow *self)
{
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_apply (self->settings);
}

static void
dg_window_restore_state (DgWindow *self)
{
  gtk_window_set_default_size (GTK_WINDOW (self),
                               MAX (360, g_settings_get_int (self->settings, "window-width")),
                               MAX (400, g_settings_get_int (self->settings, "window-height")));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static gboolean
dg_window_close_request (GtkWindow *window)
{
  DgWindow *self = DG_WINDOW (window);

  dg_window_save_state (self);
  g_cancellable_cancel (self->cancellable);
  return GTK_WINDOW_CLASS (dg_window_parent_class)->close_request (window);
}

static void
dg_window_search (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  DgWindow *self = DG_WINDOW (widget);

  /* On a narrow window the list may be hidden behind the current page. */
  adw_leaflet_set_visible_child (self->leaflet, self->sidebar);
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
dg_window_go_back (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  DgWindow *self = DG_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static gboolean
clamp_sidebar (gpointer data)
{
  DgWindow *self = data;
  /* The clamp keeps the sidebar narrow beside a job; folded, the job list is the whole
   * window and must use all of its width. */
  int width = adw_leaflet_get_folded (self->leaflet) ? SIDEBAR_WIDTH_FOLDED : SIDEBAR_WIDTH;

  self->clamp_source = 0;
  adw_clamp_set_tightening_threshold (ADW_CLAMP (self->sidebar), MIN (width, SIDEBAR_WIDTH));
  adw_clamp_set_maximum_size (ADW_CLAMP (self->sidebar), width);
  return G_SOURCE_REMOVE;
}

static void
on_leaflet_folded (DgWindow *self)
{
  /* The leaflet reports folding while it allocates; resizing the clamp from inside that
   * allocation would not be laid out again, so do it right after. */
  if (self->clamp_source == 0)
    self->clamp_source = g_idle_add (clamp_sidebar, self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.go-back",
                                 adw_leaflet_get_folded (self->leaflet));
}

static void
on_search_changed (DgWindow *self)
{
  dg_window_jobs_search_changed (self);
}

static void
on_job_activated (DgWindow *self, guint position)
{
  dg_window_jobs_activate (self, position);
}

static void
dg_window_new_job_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  dg_window_new_job (DG_WINDOW (widget));
}

static void
dg_window_export_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  dg_window_export (DG_WINDOW (widget));
}

static void
dg_window_preferences (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  DgWindow *self = DG_WINDOW (widget);
  GtkWidget *preferences;

  if (self->session == NULL)
    return;
  preferences =
      dg_preferences_window_new (GTK_WINDOW (self), dg_window_get_app (self), self->session);
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
dg_window_sign_out (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  dg_window_session_sign_out (DG_WINDOW (widget));
}

static void
on_login_submitted (DgWindow *self, const char *username, const char *password, gboolean remember)
{
  dg_window_on_login_submitted (self, username, password, remember);
}

/* Actions that need a signed-in user. */
static const char *const session_actions[] = {
  "win.new-job", "win.search", "win.export", "win.preferences", "win.sign-out",
};

static void
dg_window_update_actions (DgWindow *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (session_actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), session_actions[i], self->session != NULL);
}

void
dg_window_show_workspace (DgWindow *self)
{
  gtk_stack_set_visible_child_name (self->main_stack, "workspace");
  dg_window_update_actions (self);
}

void
dg_window_show_login (DgWindow *self)
{
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  gtk_stack_set_visible_child_name (self->main_stack, "login");
  dg_window_update_actions (self);
}

gboolean
dg_window_is_closed (DgWindow *self)
{
  return self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable) ||
         gtk_window_get_application (GTK_WINDOW (self)) == NULL;
}

DgApplication *
dg_window_get_app (DgWindow *self)
{
  return DG_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
}

static void
dg_window_dispose (GObject *object)
{
  DgWindow *self = DG_WINDOW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->clamp_source, g_source_remove);
  dg_window_jobs_dispose (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), DG_TYPE_WINDOW);
  G_OBJECT_CLASS (dg_window_parent_class)->dispose (object);
}

static void
dg_window_finalize (GObject *object)
{
  DgWindow *self = DG_WINDOW (object);

  dg_window_session_clear (self);
  g_clear_weak_pointer (&self->last_toast);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (dg_window_parent_class)->finalize (object);
}

static void
dg_window_class_init (DgWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = dg_window_dispose;
  object_class->finalize = dg_window_finalize;
  window_class->close_request = dg_window_close_request;

  g_type_ensure (DG_TYPE_LOGIN_PAGE);
  g_type_ensure (DG_TYPE_JOB_EDITOR);
  g_type_ensure (DG_TYPE_JOB_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/ro/smartclover/DataGems/dg-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DgWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DgWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, DgWindow, login_page);
  gtk_widget_class_bind_template_child (widget_class, DgWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, DgWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, DgWindow, content);
  gtk_widget_class_bind_template_child (widget_class, DgWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, DgWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, DgWindow, filter_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DgWindow, jobs_stack);
  gtk_widget_class_bind_template_child (widget_class, DgWindow, jobs_view);
  gtk_widget_class_bind_template_child (widget_class, DgWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, DgWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, DgWindow, sidebar_title);
  gtk_widget_class_bind_template_child (widget_class, DgWindow, job_editor);
  gtk_widget_class_bind_template_child (widget_class, DgWindow, job_view);
  gtk_widget_class_bind_template_callback (widget_class, on_leaflet_folded);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_job_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_login_submitted);

  gtk_widget_class_install_action (widget_class, "win.new-job", NULL, dg_window_new_job_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, dg_window_search);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, dg_window_export_action);
  gtk_widget_class_install_action (widget_class, "win.preferences", NULL, dg_window_preferences);
  gtk_widget_class_install_action (widget_class, "win.go-back", NULL, dg_window_go_back);
  gtk_widget_class_install_action (widget_class, "win.sign-out", NULL, dg_window_sign_out);

  /* Every keyboard shortcut of the window, in one place (ui/gtk/help-overlay.ui shows them). */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.new-job",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.export",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_comma, GDK_CONTROL_MASK,
                                       "win.preferences", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_q, GDK_CONTROL_MASK, "app.quit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_question, GDK_CONTROL_MASK,
                                       "win.show-help-overlay", NULL);
}

static void
dg_window_init (DgWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APP_ID);
  dg_window_restore_state (self);
  dg_window_jobs_init (self);
  on_leaflet_folded (self);
  dg_window_update_actions (self);
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
}

DgWindow *
dg_window_new (DgApplication *application)
{
  DgWindow *self;

  g_return_val_if_fail (DG_IS_APPLICATION (application), NULL);

  self = g_object_new (DG_TYPE_WINDOW, "application", application, NULL);
  /* "application" is set after construction, so the login flow starts here. */
  dg_window_session_start (self);
  return self;
}

void
dg_window_add_toast (DgWindow *self, const char *message, const char *action_label,
                     const char *action_name, GVariant *action_target)
{
  AdwToast *toast;

  g_return_if_fail (DG_IS_WINDOW (self));
  g_return_if_fail (message != NULL);
  g_return_if_fail ((action_label == NULL) == (action_name == NULL));

  toast = adw_toast_new (message);
  if (action_label != NULL)
    {
      adw_toast_set_button_label (toast, action_label);
      adw_toast_set_action_name (toast, action_name);
      if (action_target != NULL)
        adw_toast_set_action_target_value (toast, action_target);
    }
  /* A new message replaces the previous one instead of queueing behind it. */
  if (self->last_toast != NULL)
    adw_toast_dismiss (self->last_toast);
  g_set_weak_pointer (&self->last_toast, toast);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
dg_window_dismiss_toast (DgWindow *self)
{
  g_return_if_fail (DG_IS_WINDOW (self));
  if (self->last_toast != NULL)
    adw_toast_dismiss (self->last_toast);
}

GCancellable *
dg_window_get_cancellable (DgWindow *self)
{
  g_return_val_if_fail (DG_IS_WINDOW (self), NULL);
  return self->cancellable;
}

const char *
dg_window_get_page (DgWindow *self)
{
  g_return_val_if_fail (DG_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->main_stack);
}
