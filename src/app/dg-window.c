/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-app"

#include "config.h"

#include <glib/gi18n.h>

#include "dg-login-page.h"
#include "dg-window.h"

struct _DgWindow
{
  AdwApplicationWindow parent_instance;

  /* template children */
  AdwToastOverlay *toast_overlay;
  GtkStack *main_stack;
  DgLoginPage *login_page;
  AdwLeaflet *leaflet;
  GtkWidget *sidebar;
  GtkWidget *content;
  GtkSearchBar *search_bar;
  GtkSearchEntry *search_entry;
  GtkDropDown *filter_dropdown;
  GtkStack *jobs_stack;
  GtkListView *jobs_view;
  GtkStack *content_stack;
  AdwWindowTitle *content_title;

  GSettings *settings;
  GCancellable *cancellable;
};

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

static void
on_leaflet_folded (DgWindow *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.go-back",
                                 adw_leaflet_get_folded (self->leaflet));
}

static void
on_search_changed (DgWindow *self)
{
}

static void
on_job_activated (DgWindow *self, guint position)
{
}

static void
dg_window_dispose (GObject *object)
{
  DgWindow *self = DG_WINDOW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), DG_TYPE_WINDOW);
  G_OBJECT_CLASS (dg_window_parent_class)->dispose (object);
}

static void
dg_window_finalize (GObject *object)
{
  DgWindow *self = DG_WINDOW (object);

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
  gtk_widget_class_bind_template_callback (widget_class, on_leaflet_folded);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_job_activated);

  gtk_widget_class_install_action (widget_class, "win.search", NULL, dg_window_search);
  gtk_widget_class_install_action (widget_class, "win.go-back", NULL, dg_window_go_back);

  /* Every keyboard shortcut of the window, in one place (ui/gtk/help-overlay.ui shows them). */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search",
                                       NULL);
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
  on_leaflet_folded (self);
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
}

DgWindow *
dg_window_new (DgApplication *application)
{
  g_return_val_if_fail (DG_IS_APPLICATION (application), NULL);

  return g_object_new (DG_TYPE_WINDOW, "application", application, NULL);
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
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
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
