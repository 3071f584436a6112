/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-app"

#include "config.h"

#include <glib/gi18n.h>

#include "dg-schema-field-row.h"

struct _DgSchemaFieldRow
{
  AdwExpanderRow parent_instance;

  AdwEntryRow *name_row;
  AdwComboRow *type_row;
  GtkStringList *type_list;
  GtkSwitch *required_switch;
  AdwEntryRow *description_row;
  AdwEntryRow *constraints_row;

  DgSchemaField *field;
};

G_DEFINE_TYPE (DgSchemaFieldRow, dg_schema_field_row, ADW_TYPE_EXPANDER_ROW)

enum
{
  REMOVE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
dg_schema_field_row_update_title (DgSchemaFieldRow *self)
{
  const char *name = dg_schema_field_get_name (self->field);
  const char *type = dg_schema_field_get_field_type (self->field);
  g_autofree char *subtitle = NULL;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), *name ? name : _ ("Unnamed field"));
  if (*type == '\0')
    type = _ ("custom type");
  subtitle = dg_schema_field_get_required (self->field)
                 /* Translators: %s is a JSON type such as "string" */
                 ? g_strdup_printf (_ ("%s, required"), type)
                 : g_strdup (type);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), subtitle);
}

static gboolean
type_to_selected (GBinding *binding, const GValue *from, GValue *to, gpointer user_data)
{
  DgSchemaFieldRow *self = user_data;
  const char *type = g_value_get_string (from);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->type_list));

  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (gtk_string_list_get_string (self->type_list, i), type) == 0)
      {
        g_value_set_uint (to, i);
        return TRUE;
      }
  g_value_set_uint (to, GTK_INVALID_LIST_POSITION);
  return TRUE;
}

static gboolean
selected_to_type (GBinding *binding, const GValue *from, GValue *to, gpointer user_data)
{
  DgSchemaFieldRow *self = user_data;
  guint selected = g_value_get_uint (from);

  if (selected == GTK_INVALID_LIST_POSITION)
    return FALSE;
  g_value_set_string (to, gtk_string_list_get_string (self->type_list, selected));
  return TRUE;
}

static void
dg_schema_field_row_remove (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  g_signal_emit (widget, signals[REMOVE], 0);
}

static void
dg_schema_field_row_dispose (GObject *object)
{
  DgSchemaFieldRow *self = DG_SCHEMA_FIELD_ROW (object);

  if (self->field != NULL)
    g_signal_handlers_disconnect_by_data (self->field, self);
  gtk_widget_dispose_template (GTK_WIDGET (object), DG_TYPE_SCHEMA_FIELD_ROW);
  g_clear_object (&self->field);
  G_OBJECT_CLASS (dg_schema_field_row_parent_class)->dispose (object);
}

static void
dg_schema_field_row_class_init (DgSchemaFieldRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dg_schema_field_row_dispose;

  signals[REMOVE] = g_signal_new ("remove", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                  NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/ro/smartclover/DataGems/dg-schema-field-row.ui");
  gtk_widget_class_bind_template_child (widget_class, DgSchemaFieldRow, name_row);
  gtk_widget_class_bind_template_child (widget_class, DgSchemaFieldRow, type_row);
  gtk_widget_class_bind_template_child (widget_class, DgSchemaFieldRow, type_list);
  gtk_widget_class_bind_template_child (widget_class, DgSchemaFieldRow, required_switch);
  gtk_widget_class_bind_template_child (widget_class, DgSchemaFieldRow, description_row);
  gtk_widget_class_bind_template_child (widget_class, DgSchemaFieldRow, constraints_row);
  gtk_widget_class_install_action (widget_class, "field.remove", NULL, dg_schema_field_row_remove);
}

static void
dg_schema_field_row_init (DgSchemaFieldRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_string_list_splice (self->type_list, 0, 0, dg_schema_field_types ());
}

GtkWidget *
dg_schema_field_row_new (DgSchemaField *field)
{
  DgSchemaFieldRow *self;
  GBindingFlags flags = G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL;

  g_return_val_if_fail (DG_IS_SCHEMA_FIELD (field), NULL);

  self = g_object_new (DG_TYPE_SCHEMA_FIELD_ROW, NULL);
  self->field = g_object_ref (field);
  g_object_bind_property (field, "name", self->name_row, "text", flags);
  g_object_bind_property_full (field, "field-type", self->type_row, "selected", flags,
                               type_to_selected, selected_to_type, self, NULL);
  g_object_bind_property (field, "required", self->required_switch, "active", flags);
  g_object_bind_property (field, "description", self->description_row, "text", flags);
  g_object_bind_property (field, "constraints", self->constraints_row, "text", flags);
  g_signal_connect_swapped (field, "notify", G_CALLBACK (dg_schema_field_row_update_title), self);
  dg_schema_field_row_update_title (self);
  return GTK_WIDGET (self);
}

DgSchemaField *
dg_schema_field_row_get_field (DgSchemaFieldRow *self)
{
  g_return_val_if_fail (DG_IS_SCHEMA_FIELD_ROW (self), NULL);
  return self->field;
}
