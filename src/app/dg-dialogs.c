/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-app"

#include "config.h"

#include <glib/gi18n.h>

#include "dg-dialogs.h"

GtkWidget *
dg_dialog_new_delete (GtkWindow *parent, const char *name, const char *body)
{
  GtkWidget *dialog = adw_message_dialog_new (parent, NULL, body);

  /* Translators: %s is the name of what is deleted (an account, a model server) */
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _ ("Delete “%s”?"), name);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "delete",
                                    _ ("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  /* A slip of the Enter key must not delete anything. */
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  return dialog;
}

void
dg_dialog_add_responses (AdwMessageDialog *dialog, const char *response, const char *label)
{
  adw_message_dialog_add_responses (dialog, "cancel", _ ("_Cancel"), response, label, NULL);
  adw_message_dialog_set_response_appearance (dialog, response, ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, response);
  adw_message_dialog_set_close_response (dialog, "cancel");
}

GtkListBox *
dg_dialog_add_form (AdwMessageDialog *dialog)
{
  GtkWidget *form = gtk_list_box_new ();

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (form), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (form, "boxed-list");
  adw_message_dialog_set_extra_child (dialog, form);
  return GTK_LIST_BOX (form);
}

GtkWidget *
dg_dialog_add_entry (AdwMessageDialog *dialog, GtkListBox *form, const char *key, const char *title,
                     const char *value, gboolean password)
{
  GtkWidget *row = password ? adw_password_entry_row_new () : adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (value != NULL)
    gtk_editable_set_text (GTK_EDITABLE (row), value);
  gtk_widget_set_name (row, key);
  gtk_list_box_append (form, row);
  g_object_set_data (G_OBJECT (dialog), key, row);
  return row;
}

void
dg_row_add_menu (AdwActionRow *row, GMenu *menu, const char *tooltip)
{
  GtkWidget *button = gtk_menu_button_new ();

  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "view-more-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), G_MENU_MODEL (menu));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_add_css_class (button, "flat");
  adw_action_row_add_suffix (row, button);
}
