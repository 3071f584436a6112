/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-app"

#include "config.h"

#include <glib/gi18n.h>

#include "dg-json-schema.h"
#include "dg-schema-editor.h"
#include "dg-schema-field-row.h"
#include "dg-schema-field.h"

/* Pause after the last key press before the JSON text is parsed again. */
#define JSON_EDIT_DELAY_MS 300

struct _DgSchemaEditor
{
  GtkWidget parent_instance;

  GtkWidget *box;
  GtkLabel *summary_label;
  GtkLabel *issues_label;
  GtkStack *stack;
  GtkListBox *fields_list;
  GtkTextView *json_view;

  GListStore *fields;
  JsonObject *rest; /* top-level keywords besides properties/required */
  char *issues;
  gboolean valid;
  gboolean syncing;    /* set while one view is rewritten from the other */
  guint regenerate_id; /* idle: fields → JSON */
  guint parse_id;      /* timeout: JSON → fields */
};

G_DEFINE_TYPE (DgSchemaEditor, dg_schema_editor, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_VALID,
  PROP_ISSUES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void dg_schema_editor_watch_field (DgSchemaEditor *self, DgSchemaField *field);

static void
dg_schema_editor_set_problems (DgSchemaEditor *self, const char *issues)
{
  gboolean valid = issues == NULL || *issues == '\0';

  if (issues == NULL)
    issues = "";
  gtk_label_set_label (self->issues_label, issues);
  gtk_widget_set_visible (GTK_WIDGET (self->issues_label), !valid);
  if (g_strcmp0 (self->issues, issues) != 0)
    {
      g_free (self->issues);
      self->issues = g_strdup (issues);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ISSUES]);
    }
  if (self->valid != valid)
    {
      self->valid = valid;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALID]);
    }
}

static void
dg_schema_editor_update_summary (DgSchemaEditor *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->fields));
  g_autofree char *text =
      g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u field", "%u fields", n), n);

  gtk_label_set_label (self->summary_label, text);
}

/* The meta-schema check; returns the problems as text, or NULL when the schema is valid. */
static char *
check_schema (JsonNode *schema)
{
  g_autoptr (GPtrArray) issues = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) text = NULL;

  if (dg_json_schema_check_schema (schema, &issues, &error))
    return NULL;
  if (error != NULL)
    return g_strdup (error->message);

  text = g_string_new (NULL);
  for (guint i = 0; issues != NULL && i < issues->len; i++)
    {
      g_autofree char *line = dg_json_schema_issue_to_string (g_ptr_array_index (issues, i));

      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, line);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
to_pretty_json (JsonNode *node)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

/* Fields → JSON text. */
static gboolean
dg_schema_editor_regenerate (gpointer user_data)
{
  DgSchemaEditor *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) schema = NULL;
  g_autofree char *text = NULL;
  g_autofree char *problems = NULL;

  self->regenerate_id = 0;
  dg_schema_editor_update_summary (self);
  schema = dg_schema_fields_to_schema (G_LIST_MODEL (self->fields), self->rest, &error);
  if (schema == NULL)
    {
      dg_schema_editor_set_problems (self, error->message);
      return G_SOURCE_REMOVE;
    }

  text = to_pretty_json (schema);
  self->syncing = TRUE;
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->json_view), text, -1);
  self->syncing = FALSE;

  problems = check_schema (schema);
  dg_schema_editor_set_problems (self, problems);
  return G_SOURCE_REMOVE;
}

static void
dg_schema_editor_queue_regenerate (DgSchemaEditor *self)
{
  if (self->syncing || self->regenerate_id != 0)
    return;
  self->regenerate_id = g_idle_add (dg_schema_editor_regenerate, self);
}

static void
on_field_notify (DgSchemaEditor *self)
{
  dg_schema_editor_queue_regenerate (self);
}

static void
dg_schema_editor_watch_field (DgSchemaEditor *self, DgSchemaField *field)
{
  g_signal_connect_object (field, "notify", G_CALLBACK (on_field_notify), self, G_CONNECT_SWAPPED);
}

/* Replaces the fields (and the other keywords) without writing the JSON text back. */
static void
dg_schema_editor_load (DgSchemaEditor *self, GListStore *fields, JsonObject *rest)
{
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (self->fields));
  guint n_new = g_list_model_get_n_items (G_LIST_MODEL (fields));
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n_old; i++)
    {
      g_autoptr (DgSchemaField) old = g_list_model_get_item (G_LIST_MODEL (self->fields), i);

      g_signal_handlers_disconnect_by_data (old, self);
    }
  for (guint i = 0; i < n_new; i++)
    {
      DgSchemaField *field = g_list_model_get_item (G_LIST_MODEL (fields), i);

      dg_schema_editor_watch_field (self, field);
      g_ptr_array_add (items, field);
    }
  g_clear_pointer (&self->rest, json_object_unref);
  self->rest = json_object_ref (rest);

  self->syncing = TRUE;
  g_list_store_splice (self->fields, 0, n_old, items->pdata, items->len);
  self->syncing = FALSE;
  dg_schema_editor_update_summary (self);
}

/* JSON text → fields. */
static gboolean
dg_schema_editor_parse (gpointer user_data)
{
  DgSchemaEditor *self = user_data;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->json_view);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GListStore) fields = NULL;
  g_autoptr (JsonObject) rest = NULL;
  g_autofree char *text = NULL;
  g_autofree char *problems = NULL;
  GtkTextIter start, end;

  self->parse_id = 0;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  if (!json_parser_load_from_data (parser, text, -1, &error))
    {
      g_autofree char *message = g_strdup_printf (_ ("The JSON is not valid: %s"), error->message);

      dg_schema_editor_set_problems (self, message);
      return G_SOURCE_REMOVE;
    }
  fields = dg_schema_fields_from_schema (json_parser_get_root (parser), &rest, &error);
  if (fields == NULL)
    {
      dg_schema_editor_set_problems (self, error->message);
      return G_SOURCE_REMOVE;
    }
  dg_schema_editor_load (self, fields, rest);
  problems = check_schema (json_parser_get_root (parser));
  dg_schema_editor_set_problems (self, problems);
  return G_SOURCE_REMOVE;
}

static void
on_json_changed (DgSchemaEditor *self)
{
  if (self->syncing)
    return;
  g_clear_handle_id (&self->parse_id, g_source_remove);
  self->parse_id = g_timeout_add (JSON_EDIT_DELAY_MS, dg_schema_editor_parse, self);
}

static void
on_field_remove (DgSchemaEditor *self, DgSchemaFieldRow *row)
{
  DgSchemaField *field = dg_schema_field_row_get_field (row);
  guint position;

  if (g_list_store_find (self->fields, field, &position))
    {
      g_signal_handlers_disconnect_by_data (field, self);
      g_list_store_remove (self->fields, position);
    }
}

static GtkWidget *
create_field_row (gpointer item, gpointer user_data)
{
  DgSchemaEditor *self = user_data;
  GtkWidget *row = dg_schema_field_row_new (item);

  g_signal_connect_object (row, "remove", G_CALLBACK (on_field_remove), self, G_CONNECT_SWAPPED);
  return row;
}

static void
on_items_changed (DgSchemaEditor *self)
{
  dg_schema_editor_queue_regenerate (self);
}

static void
dg_schema_editor_add_field_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  dg_schema_editor_add_field (DG_SCHEMA_EDITOR (widget));
}

static void
dg_schema_editor_dispose (GObject *object)
{
  DgSchemaEditor *self = DG_SCHEMA_EDITOR (object);

  g_clear_handle_id (&self->regenerate_id, g_source_remove);
  g_clear_handle_id (&self->parse_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (object), DG_TYPE_SCHEMA_EDITOR);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  G_OBJECT_CLASS (dg_schema_editor_parent_class)->dispose (object);
}

static void
dg_schema_editor_finalize (GObject *object)
{
  DgSchemaEditor *self = DG_SCHEMA_EDITOR (object);

  g_clear_object (&self->fields);
  g_clear_pointer (&self->rest, json_object_unref);
  g_free (self->issues);
  G_OBJECT_CLASS (dg_schema_editor_parent_class)->finalize (object);
}

static void
dg_schema_editor_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  DgSchemaEditor *self = DG_SCHEMA_EDITOR (object);

  switch (prop_id)
    {
    case PROP_VALID:
      g_value_set_boolean (value, self->valid);
      break;
    case PROP_ISSUES:
      g_value_set_string (value, self->issues);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dg_schema_editor_class_init (DgSchemaEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dg_schema_editor_dispose;
  object_class->finalize = dg_schema_editor_finalize;
  object_class->get_property = dg_schema_editor_get_property;

  properties[PROP_VALID] =
      g_param_spec_boolean ("valid", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ISSUES] =
      g_param_spec_string ("issues", NULL, NULL, "",
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/ro/smartclover/DataGems/dg-schema-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, DgSchemaEditor, box);
  gtk_widget_class_bind_template_child (widget_class, DgSchemaEditor, summary_label);
  gtk_widget_class_bind_template_child (widget_class, DgSchemaEditor, issues_label);
  gtk_widget_class_bind_template_child (widget_class, DgSchemaEditor, stack);
  gtk_widget_class_bind_template_child (widget_class, DgSchemaEditor, fields_list);
  gtk_widget_class_bind_template_child (widget_class, DgSchemaEditor, json_view);
  gtk_widget_class_install_action (widget_class, "schema.add-field", NULL,
                                   dg_schema_editor_add_field_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
dg_schema_editor_init (DgSchemaEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->fields = g_list_store_new (DG_TYPE_SCHEMA_FIELD);
  self->rest = json_object_new ();
  self->issues = g_strdup ("");
  gtk_list_box_bind_model (self->fields_list, G_LIST_MODEL (self->fields), create_field_row, self,
                           NULL);
  g_signal_connect_object (self->fields, "items-changed", G_CALLBACK (on_items_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_text_view_get_buffer (self->json_view), "changed",
                           G_CALLBACK (on_json_changed), self, G_CONNECT_SWAPPED);
  dg_schema_editor_set_schema (self, NULL);
}

GtkWidget *
dg_schema_editor_new (void)
{
  return g_object_new (DG_TYPE_SCHEMA_EDITOR, NULL);
}

void
dg_schema_editor_set_schema (DgSchemaEditor *self, JsonNode *schema)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GListStore) fields = NULL;
  g_autoptr (JsonObject) rest = NULL;

  g_return_if_fail (DG_IS_SCHEMA_EDITOR (self));

  g_clear_handle_id (&self->parse_id, g_source_remove);
  if (schema != NULL)
    fields = dg_schema_fields_from_schema (schema, &rest, &error);
  if (fields == NULL)
    {
      fields = g_list_store_new (DG_TYPE_SCHEMA_FIELD);
      rest = json_object_new ();
    }
  dg_schema_editor_load (self, fields, rest);

  if (error != NULL)
    {
      /* Keep the model's text so the user can repair it in the JSON view. */
      g_autofree char *text = to_pretty_json (schema);

      self->syncing = TRUE;
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->json_view), text, -1);
      self->syncing = FALSE;
      dg_schema_editor_set_problems (self, error->message);
      gtk_stack_set_visible_child_name (self->stack, "json");
      return;
    }
  g_clear_handle_id (&self->regenerate_id, g_source_remove);
  dg_schema_editor_regenerate (self);
}

JsonNode *
dg_schema_editor_dup_schema (DgSchemaEditor *self, GError **error)
{
  g_autoptr (JsonNode) schema = NULL;

  g_return_val_if_fail (DG_IS_SCHEMA_EDITOR (self), NULL);

  dg_schema_editor_flush (self);
  if (!self->valid)
    {
      g_set_error_literal (error, DG_SCHEMA_FIELD_ERROR, DG_SCHEMA_FIELD_ERROR_INVALID,
                           self->issues);
      return NULL;
    }
  schema = dg_schema_fields_to_schema (G_LIST_MODEL (self->fields), self->rest, error);
  return g_steal_pointer (&schema);
}

gboolean
dg_schema_editor_get_valid (DgSchemaEditor *self)
{
  g_return_val_if_fail (DG_IS_SCHEMA_EDITOR (self), FALSE);
  return self->valid;
}

GListModel *
dg_schema_editor_get_fields (DgSchemaEditor *self)
{
  g_return_val_if_fail (DG_IS_SCHEMA_EDITOR (self), NULL);
  return G_LIST_MODEL (self->fields);
}

void
dg_schema_editor_add_field (DgSchemaEditor *self)
{
  g_autoptr (DgSchemaField) field = NULL;
  g_autofree char *name = NULL;
  guint n;
  GtkListBoxRow *row;

  g_return_if_fail (DG_IS_SCHEMA_EDITOR (self));

  dg_schema_editor_flush (self);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->fields));
  name = g_strdup_printf ("field_%u", n + 1);
  field = dg_schema_field_new (name, "string");
  dg_schema_editor_watch_field (self, field);
  g_list_store_append (self->fields, field);
  gtk_stack_set_visible_child_name (self->stack, "fields");
  row = gtk_list_box_get_row_at_index (self->fields_list, (int) n);
  if (row != NULL)
    adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
}

const char *
dg_schema_editor_get_issues (DgSchemaEditor *self)
{
  g_return_val_if_fail (DG_IS_SCHEMA_EDITOR (self), NULL);
  return self->issues;
}

void
dg_schema_editor_set_view (DgSchemaEditor *self, const char *view)
{
  g_return_if_fail (DG_IS_SCHEMA_EDITOR (self));
  dg_schema_editor_flush (self);
  gtk_stack_set_visible_child_name (self->stack, view);
}

GtkTextBuffer *
dg_schema_editor_get_json_buffer (DgSchemaEditor *self)
{
  g_return_val_if_fail (DG_IS_SCHEMA_EDITOR (self), NULL);
  return gtk_text_view_get_buffer (self->json_view);
}

void
dg_schema_editor_flush (DgSchemaEditor *self)
{
  g_return_if_fail (DG_IS_SCHEMA_EDITOR (self));

  if (self->parse_id != 0)
    {
      g_clear_handle_id (&self->parse_id, g_source_remove);
      dg_schema_editor_parse (self);
    }
  if (self->regenerate_id != 0)
    {
      g_clear_handle_id (&self->regenerate_id, g_source_remove);
      dg_schema_editor_regenerate (self);
    }
}
