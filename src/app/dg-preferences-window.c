/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-app"

#include "config.h"

#include <glib/gi18n.h>

#include "dg-crypto.h"
#include "dg-dialogs.h"
#include "dg-mailer.h"
#include "dg-rate-limit.h"
#include "dg-registration.h"
#include "dg-preferences-window.h"
#include "dg-profiles-group.h"

struct _DgPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  GtkSpinButton *records_spin;
  GtkSwitch *dataset_switch;
  GtkSpinButton *concurrency_spin;
  GtkSwitch *notify_switch;
  AdwPreferencesPage *accounts_page;
  GtkListBox *accounts_list;
  GtkSwitch *registration_switch;
  DgProfilesGroup *profiles_group;

  DgApplication *application;
  DgSession *session;
  GSettings *settings;
  GCancellable *cancellable;
  GPtrArray *accounts; /* DgAccount*, as listed */
  DgRegistration *registration;
  guint busy;
  gboolean loading_registration;
};

G_DEFINE_TYPE (DgPreferencesWindow, dg_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum
{
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
is_admin (DgPreferencesWindow *self)
{
  return self->session != NULL && g_strcmp0 (self->session->role, DG_ACCOUNT_ROLE_ADMIN) == 0;
}

static void
busy_push (DgPreferencesWindow *self)
{
  if (self->busy++ == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
busy_pop (DgPreferencesWindow *self)
{
  g_assert (self->busy > 0);
  if (--self->busy == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
show_error (DgPreferencesWindow *self, const char *what, const GError *error)
{
  g_autofree char *message = g_strdup_printf ("%s: %s", what, error->message);

  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (message));
}

static GtkWidget *
account_row_new (DgPreferencesWindow *self, const DgAccount *account)
{
  GtkWidget *row = adw_action_row_new ();
  g_autoptr (GMenu) menu = g_menu_new ();
  const char *email = dg_account_get_metadata_text (account, "email");
  gboolean admin = dg_account_is_admin (account);
  gboolean self_row = g_strcmp0 (account->username, self->session->username) == 0;
  g_autofree char *subtitle = NULL;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), account->username);
  subtitle = email != NULL
                 ? g_strdup_printf ("%s · %s", admin ? _ ("Administrator") : _ ("User"), email)
                 : g_strdup (admin ? _ ("Administrator") : _ ("User"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_name (row, account->username);

  if (self_row)
    {
      GtkWidget *label = gtk_label_new (_ ("You"));

      gtk_widget_add_css_class (label, "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
      return row;
    }

  {
    g_autofree char *action = g_strdup_printf ("accounts.reset-password('%s')", account->username);

    g_menu_append (menu, _ ("_Reset Password"), action);
  }
  {
    g_autofree char *action =
        g_strdup_printf ("accounts.set-role(('%s','%s'))", account->username,
                         admin ? DG_ACCOUNT_ROLE_USER : DG_ACCOUNT_ROLE_ADMIN);

    g_menu_append (menu, admin ? _ ("Make _User") : _ ("Make _Administrator"), action);
  }
  {
    g_autofree char *action = g_strdup_printf ("accounts.delete('%s')", account->username);

    g_menu_append (menu, _ ("_Delete"), action);
  }
  dg_row_add_menu (ADW_ACTION_ROW (row), menu, _ ("Account Actions"));
  return row;
}

static void
populate_accounts (DgPreferencesWindow *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->accounts_list))) != NULL)
    gtk_list_box_remove (self->accounts_list, child);
  for (guint i = 0; self->accounts != NULL && i < self->accounts->len; i++)
    gtk_list_box_append (self->accounts_list,
                         account_row_new (self, g_ptr_array_index (self->accounts, i)));
}

static void
on_accounts_listed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DgPreferencesWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) accounts = NULL;

  accounts = dg_accounts_list_finish (DG_ACCOUNTS (source), result, &error);
  busy_pop (self);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  if (accounts == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, _ ("Cannot list the accounts"), error);
      return;
    }
  g_clear_pointer (&self->accounts, g_ptr_array_unref);
  self->accounts = g_steal_pointer (&accounts);
  populate_accounts (self);
}

void
dg_preferences_window_reload_accounts (DgPreferencesWindow *self)
{
  g_return_if_fail (DG_IS_PREFERENCES_WINDOW (self));

  if (!is_admin (self))
    return;
  busy_push (self);
  dg_accounts_list_async (dg_application_get_accounts (self->application), FALSE, self->cancellable,
                          on_accounts_listed, g_object_ref (self));
}

/* Completion of create, set-role and delete: report, then show the new list. */
static void
on_account_changed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DgPreferencesWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  gpointer tag = g_task_get_source_tag (G_TASK (result));
  gboolean ok;

  if (tag == dg_accounts_create_async)
    {
      g_autoptr (DgAccount) account =
          dg_accounts_create_finish (DG_ACCOUNTS (source), result, &error);
      ok = account != NULL;
    }
  else if (tag == dg_accounts_set_role_async)
    {
      g_autoptr (DgAccount) account =
          dg_accounts_set_role_finish (DG_ACCOUNTS (source), result, &error);
      ok = account != NULL;
    }
  else
    ok = dg_accounts_soft_delete_finish (DG_ACCOUNTS (source), result, &error);

  busy_pop (self);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  if (!ok)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, _ ("The account was not changed"), error);
      return;
    }
  dg_preferences_window_reload_accounts (self);
}

static void
on_password_reset (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DgPreferencesWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *password = NULL;
  GtkWidget *dialog;
  GtkWidget *label;

  password = dg_accounts_reset_password_finish (DG_ACCOUNTS (source), result, &error);
  busy_pop (self);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  if (password == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, _ ("The password was not reset"), error);
      return;
    }

  /* Shown once, never stored: the administrator passes it on. */
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _ ("New Password"),
                                   _ ("Give this password to its owner. It is shown only once; "
                                      "their other sessions were signed out."));
  label = gtk_label_new (password);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "title-2");
  gtk_widget_add_css_class (label, "monospace");
  gtk_widget_set_name (label, "new-password");
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), label);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
  dg_crypto_wipe (password, strlen (password));
}

static void
reset_password_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  DgPreferencesWindow *self = DG_PREFERENCES_WINDOW (widget);

  busy_push (self);
  dg_accounts_reset_password_async (dg_application_get_accounts (self->application),
                                    self->session->username, g_variant_get_string (parameter, NULL),
                                    self->cancellable, on_password_reset, g_object_ref (self));
}

static void
set_role_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  DgPreferencesWindow *self = DG_PREFERENCES_WINDOW (widget);
  const char *username, *role;

  g_variant_get (parameter, "(&s&s)", &username, &role);
  busy_push (self);
  dg_accounts_set_role_async (dg_application_get_accounts (self->application),
                              self->session->username, username, role, self->cancellable,
                              on_account_changed, g_object_ref (self));
}

static void
on_delete_response (AdwMessageDialog *dialog, const char *response, DgPreferencesWindow *self)
{
  const char *username = g_object_get_data (G_OBJECT (dialog), "username");

  if (g_strcmp0 (response, "delete") != 0)
    return;
  busy_push (self);
  dg_accounts_soft_delete_async (dg_application_get_accounts (self->application),
                                 self->session->username, username, self->cancellable,
                                 on_account_changed, g_object_ref (self));
}

static void
delete_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  DgPreferencesWindow *self = DG_PREFERENCES_WINDOW (widget);
  const char *username = g_variant_get_string (parameter, NULL);
  GtkWidget *dialog;

  dialog = dg_dialog_new_delete (GTK_WINDOW (self), username,
                                 _ ("The account can no longer sign in, and its sessions end at "
                                    "once. Its jobs are kept."));
  g_object_set_data_full (G_OBJECT (dialog), "username", g_strdup (username), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_add_response (AdwMessageDialog *dialog, const char *response, DgPreferencesWindow *self)
{
  GtkEditable *username = g_object_get_data (G_OBJECT (dialog), "username");
  GtkEditable *password = g_object_get_data (G_OBJECT (dialog), "password");
  GtkSwitch *admin = g_object_get_data (G_OBJECT (dialog), "admin");
  g_autofree char *name = NULL;

  if (g_strcmp0 (response, "add") != 0)
    return;
  name = g_strstrip (g_strdup (gtk_editable_get_text (username)));
  busy_push (self);
  dg_accounts_create_async (
      dg_application_get_accounts (self->application), name, gtk_editable_get_text (password),
      gtk_switch_get_active (admin) ? DG_ACCOUNT_ROLE_ADMIN : DG_ACCOUNT_ROLE_USER, NULL,
      self->cancellable, on_account_changed, g_object_ref (self));
}

static void
on_add_input_changed (AdwMessageDialog *dialog)
{
  GtkEditable *username = g_object_get_data (G_OBJECT (dialog), "username");
  GtkEditable *password = g_object_get_data (G_OBJECT (dialog), "password");

  adw_message_dialog_set_response_enabled (
      dialog, "add",
      *gtk_editable_get_text (username) != '\0' &&
          g_utf8_strlen (gtk_editable_get_text (password), -1) >= 8);
}

static void
add_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  DgPreferencesWindow *self = DG_PREFERENCES_WINDOW (widget);
  GtkWidget *dialog, *username, *password, *admin_row, *admin;
  GtkListBox *form;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _ ("Add Account"),
                                   _ ("Choose a username and a first password of at least 8 "
                                      "characters."));
  form = dg_dialog_add_form (ADW_MESSAGE_DIALOG (dialog));
  username = dg_dialog_add_entry (ADW_MESSAGE_DIALOG (dialog), form, "username", _ ("Username"),
                                  NULL, FALSE);
  password = dg_dialog_add_entry (ADW_MESSAGE_DIALOG (dialog), form, "password", _ ("Password"),
                                  NULL, TRUE);
  admin_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (admin_row), _ ("Administrator"));
  admin = gtk_switch_new ();
  gtk_widget_set_valign (admin, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (admin_row), admin);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (admin_row), admin);
  gtk_list_box_append (form, admin_row);
  g_object_set_data (G_OBJECT (dialog), "admin", admin);
  dg_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "add", _ ("_Add"));
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "add", FALSE);
  g_signal_connect_swapped (username, "changed", G_CALLBACK (on_add_input_changed), dialog);
  g_signal_connect_swapped (password, "changed", G_CALLBACK (on_add_input_changed), dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_add_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Self-registration is the engine's setting (gated by DATAGEMS_ALLOW_REGISTRATION); the
 * embedded server's registration page honours it. */
static DgRegistration *
get_registration (DgPreferencesWindow *self)
{
  if (self->registration == NULL)
    {
      DgConfig *config = dg_application_get_config (self->application);
      DgStore *store = dg_application_get_store (self->application);
      g_autoptr (DgMailer) mailer = dg_mailer_new_from_config (config);
      g_autoptr (DgRateLimiter) limiter = dg_rate_limiter_new (config, store, NULL);

      self->registration = dg_registration_new (
          config, store, dg_application_get_accounts (self->application), mailer, limiter, NULL);
    }
  return self->registration;
}

static void
show_registration (DgPreferencesWindow *self, gboolean enabled)
{
  self->loading_registration = TRUE;
  gtk_switch_set_active (self->registration_switch, enabled);
  self->loading_registration = FALSE;
}

static void
on_registration_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DgPreferencesWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  gboolean enabled = dg_registration_is_enabled_finish (DG_REGISTRATION (source), result, &error);

  busy_pop (self);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  if (error != NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, _ ("Cannot read self-registration"), error);
      return;
    }
  show_registration (self, enabled);
}

static void
on_registration_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DgPreferencesWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  busy_pop (self);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  if (!dg_registration_set_enabled_finish (DG_REGISTRATION (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, _ ("Cannot change self-registration"), error);
      /* Show what is in effect. */
      busy_push (self);
      dg_registration_is_enabled_async (DG_REGISTRATION (source), self->cancellable,
                                        on_registration_read, g_object_ref (self));
    }
}

static void
registration_read (DgPreferencesWindow *self)
{
  busy_push (self);
  dg_registration_is_enabled_async (get_registration (self), self->cancellable,
                                    on_registration_read, g_object_ref (self));
}

static void
on_registration_toggled (DgPreferencesWindow *self)
{
  if (self->loading_registration)
    return;
  busy_push (self);
  dg_registration_set_enabled_async (
      get_registration (self), gtk_switch_get_active (self->registration_switch), self->cancellable,
      on_registration_written, g_object_ref (self));
}

static void
dg_preferences_window_dispose (GObject *object)
{
  DgPreferencesWindow *self = DG_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), DG_TYPE_PREFERENCES_WINDOW);
  G_OBJECT_CLASS (dg_preferences_window_parent_class)->dispose (object);
}

static void
dg_preferences_window_finalize (GObject *object)
{
  DgPreferencesWindow *self = DG_PREFERENCES_WINDOW (object);

  g_clear_pointer (&self->accounts, g_ptr_array_unref);
  g_clear_object (&self->registration);
  g_clear_pointer (&self->session, dg_session_free);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->application);
  G_OBJECT_CLASS (dg_preferences_window_parent_class)->finalize (object);
}

static void
dg_preferences_window_get_property (GObject *object, guint prop_id, GValue *value,
                                    GParamSpec *pspec)
{
  DgPreferencesWindow *self = DG_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy > 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dg_preferences_window_class_init (DgPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dg_preferences_window_dispose;
  object_class->finalize = dg_preferences_window_finalize;
  object_class->get_property = dg_preferences_window_get_property;

  properties[PROP_BUSY] =
      g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/ro/smartclover/DataGems/dg-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DgPreferencesWindow, records_spin);
  gtk_widget_class_bind_template_child (widget_class, DgPreferencesWindow, dataset_switch);
  gtk_widget_class_bind_template_child (widget_class, DgPreferencesWindow, concurrency_spin);
  gtk_widget_class_bind_template_child (widget_class, DgPreferencesWindow, notify_switch);
  gtk_widget_class_bind_template_child (widget_class, DgPreferencesWindow, accounts_page);
  gtk_widget_class_bind_template_child (widget_class, DgPreferencesWindow, accounts_list);
  gtk_widget_class_bind_template_child (widget_class, DgPreferencesWindow, registration_switch);
  gtk_widget_class_bind_template_callback (widget_class, on_registration_toggled);

  gtk_widget_class_install_action (widget_class, "accounts.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "accounts.reset-password", "s",
                                   reset_password_action);
  gtk_widget_class_install_action (widget_class, "accounts.set-role", "(ss)", set_role_action);
  gtk_widget_class_install_action (widget_class, "accounts.delete", "s", delete_action);
}

static void
dg_preferences_window_init (DgPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APP_ID);

  g_settings_bind (self->settings, "default-records", self->records_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "default-dataset-mode", self->dataset_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "default-concurrency", self->concurrency_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "notify-on-finish", self->notify_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
}

GtkWidget *
dg_preferences_window_new (GtkWindow *parent, DgApplication *application, const DgSession *session)
{
  DgPreferencesWindow *self;

  g_return_val_if_fail (DG_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (session != NULL, NULL);

  self = g_object_new (DG_TYPE_PREFERENCES_WINDOW, "transient-for", parent, NULL);
  self->application = g_object_ref (application);
  self->session = dg_session_copy (session);

  /* Every user keeps their own model servers (inference profiles). */
  if (dg_application_get_profiles (application) != NULL)
    {
      GtkWidget *page = adw_preferences_page_new ();
      GtkWidget *group =
          dg_profiles_group_new (dg_application_get_profiles (application), session->username);

      adw_preferences_page_set_name (ADW_PREFERENCES_PAGE (page), "model-servers");
      adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (page), _ ("Model Servers"));
      adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (page), "network-server-symbolic");
      adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
      adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), ADW_PREFERENCES_PAGE (page));
      self->profiles_group = DG_PROFILES_GROUP (group);
    }

  /* Account management is for administrators only; others do not see the page. */
  if (is_admin (self))
    {
      dg_preferences_window_reload_accounts (self);
      registration_read (self);
    }
  else
    adw_preferences_window_remove (ADW_PREFERENCES_WINDOW (self), self->accounts_page);
  return GTK_WIDGET (self);
}

GStrv
dg_preferences_window_dup_usernames (DgPreferencesWindow *self)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (DG_IS_PREFERENCES_WINDOW (self), NULL);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->accounts_list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    g_strv_builder_add (builder, adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
  return g_strv_builder_end (builder);
}

DgProfilesGroup *
dg_preferences_window_get_profiles_group (DgPreferencesWindow *self)
{
  g_return_val_if_fail (DG_IS_PREFERENCES_WINDOW (self), NULL);
  return self->profiles_group;
}

gboolean
dg_preferences_window_get_busy (DgPreferencesWindow *self)
{
  g_return_val_if_fail (DG_IS_PREFERENCES_WINDOW (self), FALSE);
  return self->busy > 0;
}
