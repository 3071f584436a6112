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

  DgStore *store;
  DgAccounts *accounts;
  DgSessions *sessions;
  DgEngine *engine;
  DgProfiles *profiles;
  GError *load_error;
  GPtrArray *load_waiters; /* GTask*, while the store is opening */
  gboolean loading;
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

static void
dg_application_show_job (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  DgApplication *self = user_data;

  g_application_activate (G_APPLICATION (self));
  if (self->window != NULL)
    dg_window_open_job (self->window, g_variant_get_string (parameter, NULL));
}

static void
dg_application_open_folder (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  DgApplication *self = user_data;

  gtk_show_uri (GTK_WINDOW (self->window), g_variant_get_string (parameter, NULL),
                GDK_CURRENT_TIME);
}

static const GActionEntry app_actions[] = {
  { "quit", dg_application_quit },
  { "about", dg_application_about },
  { "show-job", dg_application_show_job, "s" },
  { "open-folder", dg_application_open_folder, "s" },
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
dg_application_shutdown (GApplication *application)
{
  DgApplication *self = DG_APPLICATION (application);

  /* Finished records are stored and leases released before the process ends. */
  if (self->engine != NULL)
    dg_engine_shutdown (self->engine);
  G_APPLICATION_CLASS (dg_application_parent_class)->shutdown (application);
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
  g_clear_object (&self->profiles);
  g_clear_object (&self->engine);
  g_clear_object (&self->sessions);
  g_clear_object (&self->accounts);
  g_clear_object (&self->store);
  g_clear_error (&self->load_error);
  g_clear_pointer (&self->load_waiters, g_ptr_array_unref);
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
  app_class->shutdown = dg_application_shutdown;
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

static void
dg_application_complete_load (DgApplication *self)
{
  g_autoptr (GPtrArray) waiters = g_steal_pointer (&self->load_waiters);

  self->load_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);

      if (self->load_error != NULL)
        g_task_return_error (task, g_error_copy (self->load_error));
      else
        g_task_return_boolean (task, TRUE);
    }
}

/* The preference is the instance's budget of model requests in flight: running jobs
 * follow it too, not only new ones. */
static void
apply_concurrency (DgApplication *self)
{
  int concurrency = g_settings_get_int (self->settings, "default-concurrency");

  if (self->engine != NULL && concurrency > 0)
    dg_inference_set_concurrency (dg_engine_get_inference (self->engine), (guint) concurrency);
}

static void
on_store_opened (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DgApplication) self = user_data;
  g_autoptr (GError) error = NULL;

  self->loading = FALSE;
  self->store = dg_store_open_finish (result, &error);
  if (self->store == NULL)
    {
      g_prefix_error (&error, _ ("Cannot open the database %s: "), self->config->database_path);
      self->load_error = g_steal_pointer (&error);
    }
  else
    {
      self->engine = dg_engine_new (self->config, self->store, NULL, NULL, &error);
      if (self->engine != NULL)
        self->profiles = dg_profiles_new (self->config, self->store, &error);
      if (self->profiles == NULL)
        self->load_error = g_steal_pointer (&error);
      else
        {
          /* Jobs of a profile take its current server and key when they run. */
          dg_profiles_attach_engine (self->profiles, self->engine);
          apply_concurrency (self);
          g_signal_connect_object (self->settings, "changed::default-concurrency",
                                   G_CALLBACK (apply_concurrency), self, G_CONNECT_SWAPPED);
          self->accounts = dg_accounts_new (self->config, self->store, NULL);
          self->sessions = dg_sessions_new (self->config, self->store);
          /* Jobs left unfinished by an earlier run continue. */
          dg_engine_start (self->engine);
        }
    }
  dg_application_complete_load (self);
}

void
dg_application_load_async (DgApplication *self, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (DG_IS_APPLICATION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dg_application_load_async);

  if (self->store != NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (self->load_error != NULL)
    {
      g_task_return_error (task, g_error_copy (self->load_error));
      return;
    }

  if (self->load_waiters == NULL)
    self->load_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->load_waiters, g_steal_pointer (&task));
  if (!self->loading)
    {
      /* Not the caller's cancellable: other windows may wait for the same store. */
      self->loading = TRUE;
      dg_store_open_async (self->config->database_path, NULL, on_store_opened, g_object_ref (self));
    }
}

gboolean
dg_application_load_finish (DgApplication *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

DgStore *
dg_application_get_store (DgApplication *self)
{
  g_return_val_if_fail (DG_IS_APPLICATION (self), NULL);
  return self->store;
}

DgAccounts *
dg_application_get_accounts (DgApplication *self)
{
  g_return_val_if_fail (DG_IS_APPLICATION (self), NULL);
  return self->accounts;
}

DgSessions *
dg_application_get_sessions (DgApplication *self)
{
  g_return_val_if_fail (DG_IS_APPLICATION (self), NULL);
  return self->sessions;
}

DgEngine *
dg_application_get_engine (DgApplication *self)
{
  g_return_val_if_fail (DG_IS_APPLICATION (self), NULL);
  return self->engine;
}

DgProfiles *
dg_application_get_profiles (DgApplication *self)
{
  g_return_val_if_fail (DG_IS_APPLICATION (self), NULL);
  return self->profiles;
}
