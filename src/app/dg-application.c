/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-app"

#include "config.h"

#include <glib/gi18n.h>

#include "dg-app-resources.h"
#include "dg-application.h"
#include "dg-window.h"

struct _DgApplication
{
  AdwApplication parent_instance;

  DgConfig *config;
  GSettings *settings;
  DgWindow *window; /* weak: the window belongs to GTK */
};

G_DEFINE_TYPE (DgApplication, dg_application, ADW_TYPE_APPLICATION)

static void
dg_application_quit (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  DgApplication *self = user_data;

  /* Close windows properly so they save their state and cancel their work. */
  if (self->window != NULL)
    gtk_window_close (GTK_WINDOW (self->window));
  g_application_quit (G_APPLICATION (self));
}

static void
dg_application_about (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  DgApplication *self = user_data;
  const char *developers[] = { "SmartClover SRL", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW, "transient-for", self->window, "application-name",
                        _ ("DataGems"), "application-icon", APP_ID, "developer-name",
                        "SmartClover SRL", "version", PACKAGE_VERSION, "comments",
                        _ ("Describe a dataset in words and generate validated "
                           "structured records"),
                        "website", "https://smartclover.ro/", "issue-url",
                        "https://github.com/smartclover/datagems/issues", "developers", developers,
                        /* Translators: put your names here, one per line */
                        "translator-credits", _ ("translator-credits"), "copyright",
                        "© 2026 SmartClover SRL", "license-type", GTK_LICENSE_GPL_3_0, NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_actions[] = {
  { "quit", dg_application_quit },
  { "about", dg_application_about },
};

static void
dg_application_startup (GApplication *application)
{
  DgApplication *self = DG_APPLICATION (application);
  const char *quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (dg_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions),
                                   self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_window_set_default_icon_name (APP_ID);
}

static void
dg_application_activate (GApplication *application)
{
  DgApplication *self = DG_APPLICATION (application);

  if (self->window == NULL)
    {
      self->window = dg_window_new (self);
      g_object_add_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
    }
  gtk_window_present (GTK_WINDOW (self->window));
}

static void
dg_application_finalize (GObject *object)
{
  DgApplication *self = DG_APPLICATION (object);

  if (self->window != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->config, dg_config_unref);
  G_OBJECT_CLASS (dg_application_parent_class)->finalize (object);
}

static void
dg_application_class_init (DgApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  /* Referencing the bundle links it in from the static library; it registers itself. */
  (void) dg_app_get_resource ();

  object_class->finalize = dg_application_finalize;
  app_class->startup = dg_application_startup;
  app_class->activate = dg_application_activate;
}

static void
dg_application_init (DgApplication *self)
{
  self->settings = g_settings_new (APP_ID);
}

DgApplication *
dg_application_new (DgConfig *config)
{
  DgApplication *self;

  g_return_val_if_fail (config != NULL, NULL);

  self = g_object_new (DG_TYPE_APPLICATION, "application-id", APP_ID, "flags",
                       G_APPLICATION_DEFAULT_FLAGS, "resource-base-path",
                       "/ro/smartclover/DataGems", NULL);
  self->config = dg_config_ref (config);
  return self;
}

DgConfig *
dg_application_get_config (DgApplication *self)
{
  g_return_val_if_fail (DG_IS_APPLICATION (self), NULL);
  return self->config;
}

GSettings *
dg_application_get_settings (DgApplication *self)
{
  g_return_val_if_fail (DG_IS_APPLICATION (self), NULL);
  return self->settings;
}

GtkWindow *
dg_application_get_main_window (DgApplication *self)
{
  g_return_val_if_fail (DG_IS_APPLICATION (self), NULL);
  return GTK_WINDOW (self->window);
}
