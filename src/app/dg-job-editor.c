/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-app"

#include "config.h"

#include <glib/gi18n.h>

#include "dg-job-editor.h"
#include "dg-schema-editor.h"
#include "dg-schema-field.h"

/* Upstream limits of POST /api/tasks/schema (1.10). */
#define MAX_TITLE 200
#define MAX_DESCRIPTION 2000
#define MAX_INSTRUCTIONS 8000

struct _DgJobEditor
{
  GtkWidget parent_instance;

  GtkWidget *scroller;
  AdwEntryRow *title_row;
  AdwEntryRow *description_row;
  GtkSpinButton *records_spin;
  GtkAdjustment *records_adjustment;
  GtkSwitch *dataset_switch;
  GtkTextView *instructions_view;
  AdwComboRow *profile_row;
  GtkStringList *profile_list;
  AdwComboRow *model_row;
  GtkStringList *model_list;
  AdwEntryRow *params_row;
  GtkSpinner *draft_spinner;
  GtkLabel *draft_label;
  GtkWidget *cancel_draft_button;
  GtkWidget *templates_button;
  GMenu *templates_section;
  GtkLabel *message_label;
  GtkWidget *schema_group;
  GtkLabel *estimate_label;
  DgSchemaEditor *schema_editor;

  GPtrArray *profile_ids; /* char*, parallel to profile_list */
  gboolean drafting;
  gboolean has_schema;
  const char *problem;
};

G_DEFINE_TYPE (DgJobEditor, dg_job_editor, GTK_TYPE_WIDGET)

enum
{
  SIGNAL_DRAFT,
  SIGNAL_CANCEL_DRAFT,
  SIGNAL_TEMPLATE,
  SIGNAL_CONFIRM,
  SIGNAL_PROFILE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
text_length_ok (const char *text, glong max)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  glong length = g_utf8_strlen (trimmed, -1);

  return length >= 1 && length <= max;
}

static const char *
dg_job_editor_check (DgJobEditor *self)
{
  g_autofree char *instructions = dg_job_editor_dup_instructions (self);
  g_autoptr (JsonObject) params = NULL;
  g_autoptr (GError) error = NULL;

  if (!text_length_ok (dg_job_editor_get_title (self), MAX_TITLE))
    return _ ("Give the job a title (up to 200 characters)");
  if (!text_length_ok (dg_job_editor_get_description (self), MAX_DESCRIPTION))
    return _ ("Describe the dataset (up to 2000 characters)");
  if (!text_length_ok (instructions, MAX_INSTRUCTIONS))
    return _ ("Write the instructions (up to 8000 characters)");
  params = dg_job_editor_dup_parameters (self, &error);
  if (error != NULL)
    return _ ("The advanced parameters must be a JSON object");
  return NULL;
}

static void
dg_job_editor_update (DgJobEditor *self)
{
  GtkWidget *widget = GTK_WIDGET (self);

  self->problem = dg_job_editor_check (self);
  gtk_widget_action_set_enabled (widget, "editor.draft", !self->drafting && self->problem == NULL);
  gtk_widget_action_set_enabled (widget, "editor.cancel-draft", self->drafting);
  gtk_widget_action_set_enabled (widget, "editor.confirm",
                                 !self->drafting && self->problem == NULL && self->has_schema &&
                                     dg_schema_editor_get_valid (self->schema_editor));
  gtk_widget_action_set_enabled (widget, "editor.blank-schema", !self->drafting);
  gtk_widget_action_set_enabled (widget, "editor.template", !self->drafting);
  gtk_widget_set_visible (GTK_WIDGET (self->draft_spinner), self->drafting);
  gtk_spinner_set_spinning (self->draft_spinner, self->drafting);
  gtk_widget_set_visible (self->cancel_draft_button, self->drafting);
  gtk_label_set_text_with_mnemonic (self->draft_label, self->drafting     ? _ ("Drafting…")
                                                       : self->has_schema ? _ ("_Redraft")
                                                                          : _ ("_Draft Schema"));
}

static void
on_input_changed (DgJobEditor *self)
{
  dg_job_editor_update (self);
}

static void
on_profile_selected (DgJobEditor *self)
{
  g_signal_emit (self, signals[SIGNAL_PROFILE_CHANGED], 0);
}

static void
draft_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  DgJobEditor *self = DG_JOB_EDITOR (widget);

  dg_job_editor_update (self);
  if (self->drafting)
    return;
  if (self->problem != NULL)
    {
      dg_job_editor_set_message (self, self->problem, TRUE);
      return;
    }
  dg_job_editor_set_message (self, NULL, FALSE);
  g_signal_emit (self, signals[SIGNAL_DRAFT], 0);
}

static void
cancel_draft_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  g_signal_emit (widget, signals[SIGNAL_CANCEL_DRAFT], 0);
}

static void
confirm_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  DgJobEditor *self = DG_JOB_EDITOR (widget);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) schema = NULL;

  dg_job_editor_update (self);
  if (self->problem != NULL)
    {
      dg_job_editor_set_message (self, self->problem, TRUE);
      return;
    }
  schema = dg_schema_editor_dup_schema (self->schema_editor, &error);
  if (schema == NULL)
    {
      dg_job_editor_set_message (self, error->message, TRUE);
      return;
    }
  dg_job_editor_set_message (self, NULL, FALSE);
  g_signal_emit (self, signals[SIGNAL_CONFIRM], 0);
}

static void
blank_schema_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  DgJobEditor *self = DG_JOB_EDITOR (widget);

  dg_job_editor_set_schema (self, NULL, NULL);
  dg_schema_editor_add_field (self->schema_editor);
}

static void
template_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  g_signal_emit (widget, signals[SIGNAL_TEMPLATE], 0, g_variant_get_string (parameter, NULL));
}

static void
dg_job_editor_dispose (GObject *object)
{
  DgJobEditor *self = DG_JOB_EDITOR (object);

  gtk_widget_dispose_template (GTK_WIDGET (object), DG_TYPE_JOB_EDITOR);
  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  G_OBJECT_CLASS (dg_job_editor_parent_class)->dispose (object);
}

static void
dg_job_editor_finalize (GObject *object)
{
  DgJobEditor *self = DG_JOB_EDITOR (object);

  g_clear_pointer (&self->profile_ids, g_ptr_array_unref);
  G_OBJECT_CLASS (dg_job_editor_parent_class)->finalize (object);
}

static void
dg_job_editor_class_init (DgJobEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dg_job_editor_dispose;
  object_class->finalize = dg_job_editor_finalize;

  signals[SIGNAL_DRAFT] = g_signal_new ("draft", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_CANCEL_DRAFT] =
      g_signal_new ("cancel-draft", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_TEMPLATE] = g_signal_new ("template", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_CONFIRM] = g_signal_new ("confirm", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_PROFILE_CHANGED] =
      g_signal_new ("profile-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 0);

  g_type_ensure (DG_TYPE_SCHEMA_EDITOR);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/ro/smartclover/DataGems/dg-job-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, DgJobEditor, scroller);
  gtk_widget_class_bind_template_child (widget_class, DgJobEditor, title_row);
  gtk_widget_class_bind_template_child (widget_class, DgJobEditor, description_row);
  gtk_widget_class_bind_template_child (widget_class, DgJobEditor, records_spin);
  gtk_widget_class_bind_template_child (widget_class, DgJobEditor, records_adjustment);
  gtk_widget_class_bind_template_child (widget_class, DgJobEditor, dataset_switch);
  gtk_widget_class_bind_template_child (widget_class, DgJobEditor, instructions_view);
  gtk_widget_class_bind_template_child (widget_class, DgJobEditor, profile_row);
  gtk_widget_class_bind_template_child (widget_class, DgJobEditor, profile_list);
  gtk_widget_class_bind_template_child (widget_class, DgJobEditor, model_row);
  gtk_widget_class_bind_template_child (widget_class, DgJobEditor, model_list);
  gtk_widget_class_bind_template_child (widget_class, DgJobEditor, params_row);
  gtk_widget_class_bind_template_child (widget_class, DgJobEditor, draft_spinner);
  gtk_widget_class_bind_template_child (widget_class, DgJobEditor, draft_label);
  gtk_widget_class_bind_template_child (widget_class, DgJobEditor, cancel_draft_button);
  gtk_widget_class_bind_template_child (widget_class, DgJobEditor, templates_button);
  gtk_widget_class_bind_template_child (widget_class, DgJobEditor, templates_section);
  gtk_widget_class_bind_template_child (widget_class, DgJobEditor, message_label);
  gtk_widget_class_bind_template_child (widget_class, DgJobEditor, schema_group);
  gtk_widget_class_bind_template_child (widget_class, DgJobEditor, estimate_label);
  gtk_widget_class_bind_template_child (widget_class, DgJobEditor, schema_editor);
  gtk_widget_class_bind_template_callback (widget_class, on_input_changed);

  gtk_widget_class_install_action (widget_class, "editor.draft", NULL, draft_action);
  gtk_widget_class_install_action (widget_class, "editor.cancel-draft", NULL, cancel_draft_action);
  gtk_widget_class_install_action (widget_class, "editor.confirm", NULL, confirm_action);
  gtk_widget_class_install_action (widget_class, "editor.blank-schema", NULL, blank_schema_action);
  gtk_widget_class_install_action (widget_class, "editor.template", "s", template_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
dg_job_editor_init (DgJobEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->profile_ids = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect_object (gtk_text_view_get_buffer (self->instructions_view), "changed",
                           G_CALLBACK (on_input_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->profile_row, "notify::selected", G_CALLBACK (on_profile_selected),
                           self, G_CONNECT_SWAPPED);
  dg_job_editor_update (self);
}

GtkWidget *
dg_job_editor_new (void)
{
  return g_object_new (DG_TYPE_JOB_EDITOR, NULL);
}

void
dg_job_editor_reset (DgJobEditor *self, int records, gboolean dataset_mode)
{
  g_return_if_fail (DG_IS_JOB_EDITOR (self));

  gtk_editable_set_text (GTK_EDITABLE (self->title_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->description_row), "");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->instructions_view), "", -1);
  gtk_editable_set_text (GTK_EDITABLE (self->params_row), "");
  gtk_spin_button_set_value (self->records_spin, records);
  gtk_switch_set_active (self->dataset_switch, dataset_mode);
  self->has_schema = FALSE;
  self->drafting = FALSE;
  gtk_widget_set_visible (self->schema_group, FALSE);
  dg_schema_editor_set_schema (self->schema_editor, NULL);
  dg_job_editor_set_message (self, NULL, FALSE);
  gtk_adjustment_set_value (
      gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller)), 0);
  dg_job_editor_update (self);
}

void
dg_job_editor_set_max_records (DgJobEditor *self, int max_records)
{
  g_return_if_fail (DG_IS_JOB_EDITOR (self));
  gtk_adjustment_set_upper (self->records_adjustment, MAX (1, max_records));
}

const char *
dg_job_editor_get_title (DgJobEditor *self)
{
  g_return_val_if_fail (DG_IS_JOB_EDITOR (self), NULL);
  return gtk_editable_get_text (GTK_EDITABLE (self->title_row));
}

const char *
dg_job_editor_get_description (DgJobEditor *self)
{
  g_return_val_if_fail (DG_IS_JOB_EDITOR (self), NULL);
  return gtk_editable_get_text (GTK_EDITABLE (self->description_row));
}

char *
dg_job_editor_dup_instructions (DgJobEditor *self)
{
  GtkTextIter start, end;
  GtkTextBuffer *buffer;

  g_return_val_if_fail (DG_IS_JOB_EDITOR (self), NULL);
  buffer = gtk_text_view_get_buffer (self->instructions_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

int
dg_job_editor_get_records (DgJobEditor *self)
{
  g_return_val_if_fail (DG_IS_JOB_EDITOR (self), 0);
  return gtk_spin_button_get_value_as_int (self->records_spin);
}

gboolean
dg_job_editor_get_dataset_mode (DgJobEditor *self)
{
  g_return_val_if_fail (DG_IS_JOB_EDITOR (self), FALSE);
  return gtk_switch_get_active (self->dataset_switch);
}

JsonObject *
dg_job_editor_dup_parameters (DgJobEditor *self, GError **error)
{
  g_autofree char *text = NULL;
  g_autoptr (JsonNode) node = NULL;

  g_return_val_if_fail (DG_IS_JOB_EDITOR (self), NULL);

  text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->params_row))));
  if (*text == '\0')
    return NULL;
  node = json_from_string (text, error);
  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, DG_SCHEMA_FIELD_ERROR, DG_SCHEMA_FIELD_ERROR_NOT_OBJECT,
                           _ ("The advanced parameters must be a JSON object"));
      return NULL;
    }
  return json_object_ref (json_node_get_object (node));
}

JsonNode *
dg_job_editor_dup_schema (DgJobEditor *self, GError **error)
{
  g_return_val_if_fail (DG_IS_JOB_EDITOR (self), NULL);
  return dg_schema_editor_dup_schema (self->schema_editor, error);
}

const char *
dg_job_editor_get_problem (DgJobEditor *self)
{
  g_return_val_if_fail (DG_IS_JOB_EDITOR (self), NULL);
  dg_job_editor_update (self);
  return self->problem;
}

void
dg_job_editor_set_profiles (DgJobEditor *self, const char *const *ids, const char *const *names)
{
  g_return_if_fail (DG_IS_JOB_EDITOR (self));
  g_return_if_fail (g_strv_length ((GStrv) ids) == g_strv_length ((GStrv) names));

  g_ptr_array_set_size (self->profile_ids, 0);
  for (guint i = 0; ids[i] != NULL; i++)
    g_ptr_array_add (self->profile_ids, g_strdup (ids[i]));
  gtk_string_list_splice (self->profile_list, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->profile_list)), names);
  adw_combo_row_set_selected (self->profile_row, 0);
}

const char *
dg_job_editor_get_profile_id (DgJobEditor *self)
{
  guint selected;

  g_return_val_if_fail (DG_IS_JOB_EDITOR (self), NULL);
  selected = adw_combo_row_get_selected (self->profile_row);
  if (selected == GTK_INVALID_LIST_POSITION || selected >= self->profile_ids->len)
    return NULL;
  return g_ptr_array_index (self->profile_ids, selected);
}

void
dg_job_editor_set_models (DgJobEditor *self, const char *const *models)
{
  const char *default_model[] = { _ ("Provider default"), NULL };

  g_return_if_fail (DG_IS_JOB_EDITOR (self));

  gtk_string_list_splice (self->model_list, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->model_list)),
                          default_model);
  if (models != NULL)
    gtk_string_list_splice (self->model_list, 1, 0, models);
  /* Upstream picks the first listed model. */
  adw_combo_row_set_selected (self->model_row, models != NULL && models[0] != NULL ? 1 : 0);
}

void
dg_job_editor_set_model_visible (DgJobEditor *self, gboolean visible)
{
  g_return_if_fail (DG_IS_JOB_EDITOR (self));
  gtk_widget_set_visible (GTK_WIDGET (self->model_row), visible);
}

const char *
dg_job_editor_get_model (DgJobEditor *self)
{
  guint selected;

  g_return_val_if_fail (DG_IS_JOB_EDITOR (self), NULL);
  selected = adw_combo_row_get_selected (self->model_row);
  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION ||
      !gtk_widget_get_visible (GTK_WIDGET (self->model_row)))
    return NULL;
  return gtk_string_list_get_string (self->model_list, selected);
}

void
dg_job_editor_add_template (DgJobEditor *self, const char *id, const char *title)
{
  g_autofree char *action = NULL;

  g_return_if_fail (DG_IS_JOB_EDITOR (self));

  action = g_strdup_printf ("editor.template('%s')", id);
  g_menu_append (self->templates_section, title, action);
}

void
dg_job_editor_set_drafting (DgJobEditor *self, gboolean drafting)
{
  g_return_if_fail (DG_IS_JOB_EDITOR (self));
  self->drafting = !!drafting;
  dg_job_editor_update (self);
}

gboolean
dg_job_editor_get_drafting (DgJobEditor *self)
{
  g_return_val_if_fail (DG_IS_JOB_EDITOR (self), FALSE);
  return self->drafting;
}

void
dg_job_editor_set_schema (DgJobEditor *self, JsonNode *schema, const char *estimate)
{
  g_return_if_fail (DG_IS_JOB_EDITOR (self));

  self->has_schema = TRUE;
  dg_schema_editor_set_schema (self->schema_editor, schema);
  gtk_label_set_label (self->estimate_label, estimate ? estimate : "");
  gtk_widget_set_visible (GTK_WIDGET (self->estimate_label), estimate != NULL);
  gtk_widget_set_visible (self->schema_group, TRUE);
  dg_job_editor_update (self);
}

gboolean
dg_job_editor_has_schema (DgJobEditor *self)
{
  g_return_val_if_fail (DG_IS_JOB_EDITOR (self), FALSE);
  return self->has_schema;
}

void
dg_job_editor_set_message (DgJobEditor *self, const char *message, gboolean is_error)
{
  g_return_if_fail (DG_IS_JOB_EDITOR (self));

  gtk_label_set_label (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "error");
}

GtkWidget *
dg_job_editor_get_schema_editor (DgJobEditor *self)
{
  g_return_val_if_fail (DG_IS_JOB_EDITOR (self), NULL);
  return GTK_WIDGET (self->schema_editor);
}
