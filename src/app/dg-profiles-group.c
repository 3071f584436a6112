/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-app"

#include "config.h"

#include <glib/gi18n.h>

#include "dg-dialogs.h"
#include "dg-profiles-group.h"

struct _DgProfilesGroup
{
  AdwPreferencesGroup parent_instance;

  GtkListBox *list;
  DgProfiles *profiles;
  char *owner;
  GCancellable *cancellable;
  DgProfileSettings *settings; /* as listed */
  guint busy;
};

G_DEFINE_TYPE (DgProfilesGroup, dg_profiles_group, ADW_TYPE_PREFERENCES_GROUP)

/* Desktop users sit at this workstation: local model servers are theirs to use. */
#define APP_URL_POLICY DG_URL_POLICY_ALLOW_PRIVATE

static void
toast (DgProfilesGroup *self, const char *what, const GError *error)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *message = g_strdup_printf ("%s: %s", what, error->message);

  if (ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), adw_toast_new (message));
}

static GtkWidget *
profile_row_new (DgProfilesGroup *self, const DgProfile *profile)
{
  GtkWidget *row = adw_action_row_new ();
  g_autoptr (GMenu) menu = g_menu_new ();
  g_autoptr (GString) subtitle =
      g_string_new (profile->base_url != NULL ? profile->base_url : _ ("Built-in server"));
  gboolean active = profile == self->settings->active;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), profile->name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (profile->model != NULL)
    g_string_append_printf (subtitle, " · %s", profile->model);
  /* Where the key is kept: the user's keyring, or the fallback without one. */
  if (profile->key_location == DG_PROFILE_KEY_KEYRING)
    g_string_append_printf (subtitle, " · %s", _ ("API key in your keyring"));
  else if (profile->key_location == DG_PROFILE_KEY_DATABASE)
    g_string_append_printf (subtitle, " · %s", _ ("API key encrypted in the DataGems database"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  gtk_widget_set_name (row, profile->id);

  if (active)
    {
      GtkWidget *label = gtk_label_new (_ ("In Use"));

      gtk_widget_add_css_class (label, "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
    }

#define ITEM(label, action)                                                        \
  G_STMT_START                                                                     \
  {                                                                                \
    g_autofree char *detailed = g_strdup_printf ("%s('%s')", action, profile->id); \
    g_menu_append (menu, label, detailed);                                         \
  }                                                                                \
  G_STMT_END
  ITEM (_ ("_Edit"), "profiles.edit");
  if (!active)
    ITEM (_ ("_Use for New Jobs"), "profiles.activate");
  ITEM (_ ("_Delete"), "profiles.delete");
#undef ITEM

  dg_row_add_menu (ADW_ACTION_ROW (row), menu, _ ("Model Server Actions"));
  return row;
}

static void
populate (DgProfilesGroup *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  for (guint i = 0; self->settings != NULL && i < self->settings->profiles->len; i++)
    gtk_list_box_append (self->list,
                         profile_row_new (self, g_ptr_array_index (self->settings->profiles, i)));
  gtk_widget_set_visible (GTK_WIDGET (self->list),
                          self->settings != NULL && self->settings->profiles->len > 0);
}

static void
on_settings (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DgProfilesGroup) self = user_data;
  g_autoptr (GError) error = NULL;
  DgProfileSettings *settings = dg_profiles_settings_finish (DG_PROFILES (source), result, &error);

  self->busy--;
  if (settings == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
          !g_cancellable_is_cancelled (self->cancellable))
        toast (self, _ ("Cannot change the model servers"), error);
      return;
    }
  g_clear_pointer (&self->settings, dg_profile_settings_free);
  self->settings = settings;
  populate (self);
}

static const DgProfile *
find_profile (DgProfilesGroup *self, const char *id)
{
  return self->settings != NULL ? dg_profile_settings_find (self->settings, id) : NULL;
}

/* NULL when the entry is blank: upstream keeps the old value of absent fields. */
static const char *
entry_value (AdwMessageDialog *dialog, const char *key)
{
  GtkEditable *editable = g_object_get_data (G_OBJECT (dialog), key);
  const char *text = gtk_editable_get_text (editable);

  for (const char *p = text; p != NULL && *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return text;
  return NULL;
}

static void
on_edit_response (AdwMessageDialog *dialog, const char *response, DgProfilesGroup *self)
{
  const char *id = g_object_get_data (G_OBJECT (dialog), "id");
  GtkEditable *key_entry = g_object_get_data (G_OBJECT (dialog), "api-key");
  DgProfileUpsert upsert = { 0 };

  if (g_strcmp0 (response, "save") != 0)
    return;
  upsert.id = id;
  upsert.name = gtk_editable_get_text (g_object_get_data (G_OBJECT (dialog), "name"));
  upsert.base_url = entry_value (dialog, "base-url");
  upsert.path = entry_value (dialog, "path");
  upsert.model = entry_value (dialog, "model");
  upsert.api_key = entry_value (dialog, "api-key");
  self->busy++;
  dg_profiles_upsert_async (self->profiles, self->owner, &upsert, APP_URL_POLICY, self->cancellable,
                            on_settings, g_object_ref (self));
  /* The key now lives only in the keyring or, encrypted, in the store. */
  gtk_editable_set_text (key_entry, "");
}

static void
open_editor (DgProfilesGroup *self, const DgProfile *profile)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;
  GtkListBox *form;

  dialog =
      adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                              profile != NULL ? _ ("Edit Model Server") : _ ("Add Model Server"),
                              _ ("An OpenAI-compatible server, such as llama.cpp, Ollama, "
                                 "vLLM or a hosted API. The API key is kept in your keyring "
                                 "(or, without one, encrypted in the DataGems database) and "
                                 "never shown again."));
  form = dg_dialog_add_form (ADW_MESSAGE_DIALOG (dialog));
  dg_dialog_add_entry (ADW_MESSAGE_DIALOG (dialog), form, "name", _ ("Name"),
                       profile != NULL ? profile->name : NULL, FALSE);
  dg_dialog_add_entry (ADW_MESSAGE_DIALOG (dialog), form, "base-url",
                       _ ("Base URL, e.g. http://localhost:8080/v1"),
                       profile != NULL ? profile->base_url : NULL, FALSE);
  dg_dialog_add_entry (ADW_MESSAGE_DIALOG (dialog), form, "path",
                       _ ("Path, e.g. /chat/completions"), profile != NULL ? profile->path : NULL,
                       FALSE);
  dg_dialog_add_entry (ADW_MESSAGE_DIALOG (dialog), form, "model", _ ("Model"),
                       profile != NULL ? profile->model : NULL, FALSE);
  dg_dialog_add_entry (ADW_MESSAGE_DIALOG (dialog), form, "api-key",
                       profile != NULL && profile->has_api_key
                           ? _ ("API Key (saved; type to replace)")
                           : _ ("API Key (optional)"),
                       NULL, TRUE);
  dg_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "save", _ ("_Save"));
  if (profile != NULL)
    g_object_set_data_full (G_OBJECT (dialog), "id", g_strdup (profile->id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_edit_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  open_editor (DG_PROFILES_GROUP (widget), NULL);
}

static void
edit_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  DgProfilesGroup *self = DG_PROFILES_GROUP (widget);
  const DgProfile *profile = find_profile (self, g_variant_get_string (parameter, NULL));

  if (profile != NULL)
    open_editor (self, profile);
}

static void
activate_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  DgProfilesGroup *self = DG_PROFILES_GROUP (widget);

  self->busy++;
  dg_profiles_activate_async (self->profiles, self->owner, g_variant_get_string (parameter, NULL),
                              self->cancellable, on_settings, g_object_ref (self));
}

static void
on_delete_response (AdwMessageDialog *dialog, const char *response, DgProfilesGroup *self)
{
  if (g_strcmp0 (response, "delete") != 0)
    return;
  self->busy++;
  dg_profiles_delete_async (self->profiles, self->owner,
                            g_object_get_data (G_OBJECT (dialog), "id"), self->cancellable,
                            on_settings, g_object_ref (self));
}

static void
delete_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  DgProfilesGroup *self = DG_PROFILES_GROUP (widget);
  const DgProfile *profile = find_profile (self, g_variant_get_string (parameter, NULL));
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog;

  if (profile == NULL)
    return;
  dialog = dg_dialog_new_delete (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, profile->name,
                                 _ ("Its API key is deleted too. Jobs that use this server "
                                    "stop with an error instead of using another server."));
  g_object_set_data_full (G_OBJECT (dialog), "id", g_strdup (profile->id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
dg_profiles_group_dispose (GObject *object)
{
  DgProfilesGroup *self = DG_PROFILES_GROUP (object);

  g_cancellable_cancel (self->cancellable);
  G_OBJECT_CLASS (dg_profiles_group_parent_class)->dispose (object);
}

static void
dg_profiles_group_finalize (GObject *object)
{
  DgProfilesGroup *self = DG_PROFILES_GROUP (object);

  g_clear_pointer (&self->settings, dg_profile_settings_free);
  g_clear_object (&self->profiles);
  g_clear_object (&self->cancellable);
  g_free (self->owner);
  G_OBJECT_CLASS (dg_profiles_group_parent_class)->finalize (object);
}

static void
dg_profiles_group_class_init (DgProfilesGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dg_profiles_group_dispose;
  object_class->finalize = dg_profiles_group_finalize;
  gtk_widget_class_install_action (widget_class, "profiles.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "profiles.edit", "s", edit_action);
  gtk_widget_class_install_action (widget_class, "profiles.activate", "s", activate_action);
  gtk_widget_class_install_action (widget_class, "profiles.delete", "s", delete_action);
}

static void
dg_profiles_group_init (DgProfilesGroup *self)
{
  GtkWidget *add = gtk_button_new ();
  GtkWidget *content = adw_button_content_new ();

  self->cancellable = g_cancellable_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), _ ("Model Servers"));
  adw_preferences_group_set_description (
      ADW_PREFERENCES_GROUP (self),
      _ ("Your own inference servers. New jobs use the one marked “In Use”; without any, "
         "DataGems uses the configured server or its offline generator."));
  adw_button_content_set_icon_name (ADW_BUTTON_CONTENT (content), "list-add-symbolic");
  adw_button_content_set_label (ADW_BUTTON_CONTENT (content), _ ("_Add"));
  adw_button_content_set_use_underline (ADW_BUTTON_CONTENT (content), TRUE);
  gtk_button_set_child (GTK_BUTTON (add), content);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (add), "profiles.add");
  gtk_widget_set_valign (add, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (add, "flat");
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (self), add);

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  gtk_widget_set_visible (GTK_WIDGET (self->list), FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), GTK_WIDGET (self->list));
}

GtkWidget *
dg_profiles_group_new (DgProfiles *profiles, const char *owner)
{
  DgProfilesGroup *self;

  g_return_val_if_fail (DG_IS_PROFILES (profiles), NULL);
  g_return_val_if_fail (owner != NULL, NULL);

  self = g_object_new (DG_TYPE_PROFILES_GROUP, NULL);
  self->profiles = g_object_ref (profiles);
  self->owner = g_strdup (owner);
  self->busy++;
  dg_profiles_list_async (profiles, owner, self->cancellable, on_settings, g_object_ref (self));
  return GTK_WIDGET (self);
}

GStrv
dg_profiles_group_dup_names (DgProfilesGroup *self)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (DG_IS_PROFILES_GROUP (self), NULL);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    g_strv_builder_add (builder, adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
  return g_strv_builder_end (builder);
}

const char *
dg_profiles_group_find_id (DgProfilesGroup *self, const char *name)
{
  g_return_val_if_fail (DG_IS_PROFILES_GROUP (self), NULL);

  for (guint i = 0; self->settings != NULL && i < self->settings->profiles->len; i++)
    {
      const DgProfile *p = g_ptr_array_index (self->settings->profiles, i);

      if (g_strcmp0 (p->name, name) == 0)
        return p->id;
    }
  return NULL;
}

gboolean
dg_profiles_group_get_busy (DgProfilesGroup *self)
{
  g_return_val_if_fail (DG_IS_PROFILES_GROUP (self), FALSE);
  return self->busy > 0;
}
