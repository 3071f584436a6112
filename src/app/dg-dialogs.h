/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/*
 * The small dialogs and row menus of the preferences (accounts, model servers), built alike.
 * Callers keep what a response needs with g_object_set_data() on the dialog, connect
 * "response" and present it.
 */

/* "Delete “@name”?" with @body, a destructive Delete and Cancel as the default and close
 * response. @parent may be NULL. */
GtkWidget *dg_dialog_new_delete      (GtkWindow        *parent,
                                      const char       *name,
                                      const char       *body);
/* Cancel, and @response (suggested, labelled @label) as the default response. */
void       dg_dialog_add_responses   (AdwMessageDialog *dialog,
                                      const char       *response,
                                      const char       *label);
/* A boxed list as the dialog's extra child, for dg_dialog_add_entry(). */
GtkListBox *dg_dialog_add_form       (AdwMessageDialog *dialog);
/* An entry row (a password row if @password) titled @title, named @key and kept on the
 * dialog under @key; @value (nullable) is its first text. */
GtkWidget *dg_dialog_add_entry       (AdwMessageDialog *dialog,
                                      GtkListBox       *form,
                                      const char       *key,
                                      const char       *title,
                                      const char       *value,
                                      gboolean          password);
/* A flat "more" menu button with @menu at the end of @row. */
void       dg_row_add_menu           (AdwActionRow     *row,
                                      GMenu            *menu,
                                      const char       *tooltip);

G_END_DECLS
