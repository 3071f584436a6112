/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-app"

#include "config.h"

#include <glib/gi18n.h>

#include "dg-job-item.h"
#include "dg-job-row.h"
#include "dg-job-view.h"
#include "dg-util.h"
#include "dg-window.h"

/* At most this many schema fields get a column; the rest stay in the JSON export. */
#define MAX_FIELD_COLUMNS 16

struct _DgJobView
{
  GtkWidget parent_instance;

  GtkWidget *scroller;
  GtkLabel *title_label;
  GtkLabel *status_label;
  GtkLabel *description_label;
  GtkProgressBar *progress_bar;
  GtkLabel *summary_label;
  GtkLabel *message_label;
  GtkColumnView *records_view;
  GtkWidget *pause_button;
  GtkWidget *resume_button;
  GtkWidget *cancel_button;
  GtkWidget *retry_button;
  AdwPreferencesGroup *timings_group;
  AdwPreferencesGroup *run_group;
  AdwPreferencesGroup *peers_group;
  AdwPreferencesGroup *errors_group;

  DgEngine *engine;
  char *owner;
  DgJob *job;
  DgJobItem *item; /* the live numbers, shared formatting with the list */
  DgRecordModel *records;
  GPtrArray *rows; /* rows added to the groups, removed on the next job */
  const char *status_class;
  GCancellable *cancellable;
  guint busy;
  gint64 last_refresh_us;
};

G_DEFINE_TYPE (DgJobView, dg_job_view, GTK_TYPE_WIDGET)

static void
dg_job_view_update_actions (DgJobView *self)
{
  DgJobStatus status = self->item ? dg_job_item_get_status (self->item) : DG_JOB_STATUS_CANCELLED;
  gboolean idle = self->job != NULL && self->busy == 0;
  GtkWidget *widget = GTK_WIDGET (self);

  gtk_widget_action_set_enabled (widget, "job.pause",
                                 idle && dg_job_status_can_move (status, DG_JOB_STATUS_PAUSED));
  gtk_widget_action_set_enabled (widget, "job.resume", idle && status == DG_JOB_STATUS_PAUSED);
  gtk_widget_action_set_enabled (widget, "job.cancel",
                                 idle && dg_job_status_can_move (status, DG_JOB_STATUS_CANCELLED));
  gtk_widget_action_set_enabled (widget, "job.retry-failed",
                                 idle && dg_job_status_is_final (status) && self->item != NULL &&
                                     dg_job_item_get_total_failed (self->item) > 0);
  gtk_widget_action_set_enabled (widget, "job.delete", idle);

  /* Only what applies to the job now is shown. */
  gtk_widget_set_visible (self->pause_button,
                          dg_job_status_can_move (status, DG_JOB_STATUS_PAUSED));
  gtk_widget_set_visible (self->resume_button, status == DG_JOB_STATUS_PAUSED);
  gtk_widget_set_visible (self->cancel_button,
                          dg_job_status_can_move (status, DG_JOB_STATUS_CANCELLED));
  gtk_widget_set_visible (self->retry_button, dg_job_status_is_final (status) &&
                                                  self->item != NULL &&
                                                  dg_job_item_get_total_failed (self->item) > 0);
}

static void
dg_job_view_update_header (DgJobView *self)
{
  if (self->item == NULL)
    return;
  dg_job_row_present_item (self->item, self->status_label, &self->status_class, self->progress_bar,
                           self->summary_label);
  dg_job_view_update_actions (self);
}

static void
add_row (DgJobView *self, AdwPreferencesGroup *group, const char *title, const char *value)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value && *value ? value : "—");
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  gtk_widget_add_css_class (row, "property");
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->rows, g_object_ref (row));
  g_object_set_data (G_OBJECT (row), "dg-group", group);
}

static void
clear_rows (DgJobView *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);

      adw_preferences_group_remove (g_object_get_data (G_OBJECT (row), "dg-group"), row);
    }
  g_ptr_array_set_size (self->rows, 0);
}

static char *
format_duration (gint64 ms)
{
  if (ms < 0)
    return NULL;
  /* Upstream's style: two decimals below 10 s, one above. */
  if (ms < 10000)
    return g_strdup_printf (_ ("%.2f s"), ms / 1000.0);
  if (ms < 600000)
    return g_strdup_printf (_ ("%.1f s"), ms / 1000.0);
  return g_strdup_printf (_ ("%lld min %lld s"), (long long) (ms / 60000),
                          (long long) ((ms / 1000) % 60));
}

/* An ISO 8601 timestamp as local date and time, or NULL. */
static char *
format_timestamp (const char *iso)
{
  g_autoptr (GDateTime) utc = NULL;
  g_autoptr (GDateTime) local = NULL;
  gint64 ms;

  if (iso == NULL || (ms = dg_iso_parse_ms (iso)) <= 0)
    return NULL;
  utc = g_date_time_new_from_unix_utc (ms / 1000);
  local = utc ? g_date_time_to_local (utc) : NULL;
  /* Translators: date and time format, see g_date_time_format() */
  return local ? g_date_time_format (local, _ ("%e %b %Y, %H:%M:%S")) : NULL;
}

static char *
node_to_text (JsonNode *node)
{
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  return json_to_string (node, FALSE);
}

static void
fill_details (DgJobView *self)
{
  DgJob *job = self->job;

  clear_rows (self);

  {
    g_autofree char *created = format_timestamp (job->created_at);
    g_autofree char *started = format_timestamp (job->started_at);
    g_autofree char *finished = format_timestamp (job->finished_at);

    add_row (self, self->timings_group, _ ("Created"), created);
    add_row (self, self->timings_group, _ ("Started"), started);
    add_row (self, self->timings_group, _ ("Finished"), finished);
  }
  if (job->started_at != NULL)
    {
      gint64 start = dg_iso_parse_ms (job->started_at);
      gint64 end = job->finished_at ? dg_iso_parse_ms (job->finished_at) : dg_now_ms ();
      g_autofree char *text = start > 0 && end >= start ? format_duration (end - start) : NULL;

      add_row (self, self->timings_group, _ ("Generation time"), text);
    }
  if (job->model_ms > 0)
    {
      g_autofree char *text = format_duration (job->model_ms);

      add_row (self, self->timings_group, _ ("Model time (all calls)"), text);
    }

  if (job->run != NULL)
    {
      g_autoptr (GList) keys = json_object_get_members (job->run);

      for (GList *l = keys; l != NULL; l = l->next)
        {
          g_autofree char *text = node_to_text (json_object_get_member (job->run, l->data));

          add_row (self, self->run_group, l->data, text);
        }
    }
  {
    g_autofree char *tokens =
        g_strdup_printf (_ ("%lld prompt, %lld completion"), (long long) job->prompt_tokens,
                         (long long) job->completion_tokens);
    g_autofree char *retries = g_strdup_printf ("%lld", (long long) job->total_retries);

    add_row (self, self->run_group, _ ("Tokens"), tokens);
    add_row (self, self->run_group, _ ("Retries"), retries);
  }
  gtk_widget_set_visible (GTK_WIDGET (self->run_group), TRUE);

  for (guint i = 0; job->slices != NULL && i < job->slices->len; i++)
    {
      DgJobSlice *slice = g_ptr_array_index (job->slices, i);
      g_autofree char *text = g_strdup_printf (
          /* Translators: a peer's share of a job: generated/assigned, failed, times */
          _ ("%lld of %lld generated · %lld failed · %s – %s"), (long long) slice->generated_ok,
          (long long) (slice->range_end - slice->range_start), (long long) slice->generated_failed,
          slice->started_at ? slice->started_at : "—",
          slice->finished_at ? slice->finished_at : "—");

      add_row (self, self->peers_group, slice->peer_id, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->peers_group),
                          job->slices != NULL && job->slices->len > 0);

  for (guint i = 0; job->errors != NULL && i < job->errors->len; i++)
    {
      DgJobError *error = &g_array_index (job->errors, DgJobError, i);
      /* Translators: %lld is a record number */
      g_autofree char *title = g_strdup_printf (_ ("Record %lld"), (long long) error->index);

      add_row (self, self->errors_group, title, error->message);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->errors_group),
                          job->errors != NULL && job->errors->len > 0);
}

/* ---- record preview columns ---- */

static void
update_cell (GtkListItem *list_item)
{
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (list_item));
  DgRecordItem *item = gtk_list_item_get_item (list_item);
  const char *key = g_object_get_data (G_OBJECT (label), "dg-key");
  g_autofree char *text = NULL;

  if (item == NULL)
    return;
  if (g_strcmp0 (key, "#") == 0)
    text = g_strdup_printf ("%lld", (long long) dg_record_item_get_index (item));
  else if (g_strcmp0 (key, "@status") == 0)
    {
      switch (dg_record_item_get_state (item))
        {
        case DG_RECORD_STATE_LOADING:
          text = g_strdup ("…");
          break;
        case DG_RECORD_STATE_PENDING:
          text = g_strdup (C_ ("record", "Pending"));
          break;
        case DG_RECORD_STATE_OK:
          text = g_strdup (C_ ("record", "OK"));
          break;
        case DG_RECORD_STATE_FAILED:
          text = g_strdup (C_ ("record", "Failed"));
          break;
        }
    }
  else if (dg_record_item_get_state (item) == DG_RECORD_STATE_FAILED)
    text = g_strdup (g_strcmp0 (key, g_object_get_data (G_OBJECT (label), "dg-first-key")) == 0
                         ? dg_record_item_get_error (item)
                         : "");
  else
    text = dg_record_item_dup_value_text (item, key);
  gtk_label_set_label (label, text ? text : "");
}

static void
cell_setup (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  g_object_set_data_full (G_OBJECT (label), "dg-key",
                          g_strdup (g_object_get_data (G_OBJECT (factory), "dg-key")), g_free);
  g_object_set_data_full (G_OBJECT (label), "dg-first-key",
                          g_strdup (g_object_get_data (G_OBJECT (factory), "dg-first-key")),
                          g_free);
  gtk_list_item_set_child (list_item, label);
}

static void
cell_bind (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  g_signal_connect_swapped (gtk_list_item_get_item (list_item), "notify::state",
                            G_CALLBACK (update_cell), list_item);
  update_cell (list_item);
}

static void
cell_unbind (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  g_signal_handlers_disconnect_by_func (gtk_list_item_get_item (list_item), update_cell, list_item);
}

static void
add_column (DgJobView *self, const char *title, const char *key, const char *first_key,
            gboolean expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  g_object_set_data_full (G_OBJECT (factory), "dg-key", g_strdup (key), g_free);
  g_object_set_data_full (G_OBJECT (factory), "dg-first-key", g_strdup (first_key), g_free);
  g_signal_connect (factory, "setup", G_CALLBACK (cell_setup), self);
  g_signal_connect (factory, "bind", G_CALLBACK (cell_bind), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (cell_unbind), self);
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_append_column (self->records_view, column);
  g_object_unref (column);
}

static void
fill_records (DgJobView *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->records_view);
  g_autoptr (GtkNoSelection) selection = NULL;
  JsonNode *schema = dg_job_get_schema (self->job);
  JsonObject *props = NULL;
  g_autoptr (GList) keys = NULL;
  guint n = 0;

  while (g_list_model_get_n_items (columns) > 0)
    {
      g_autoptr (GtkColumnViewColumn) column = g_list_model_get_item (columns, 0);

      gtk_column_view_remove_column (self->records_view, column);
    }

  if (schema != NULL && JSON_NODE_HOLDS_OBJECT (schema))
    {
      JsonNode *node = json_object_get_member (json_node_get_object (schema), "properties");

      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        props = json_node_get_object (node);
    }
  if (props != NULL)
    keys = json_object_get_members (props);

  add_column (self, C_ ("record column", "#"), "#", NULL, FALSE);
  add_column (self, C_ ("record column", "Status"), "@status", NULL, FALSE);
  for (GList *l = keys; l != NULL && n < MAX_FIELD_COLUMNS; l = l->next, n++)
    add_column (self, l->data, l->data, keys->data, TRUE);

  g_clear_object (&self->records);
  self->records =
      dg_record_model_new (self->engine, self->owner, self->job->id, self->job->total_records);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->records)));
  gtk_column_view_set_model (self->records_view, GTK_SELECTION_MODEL (selection));
}

/* ---- actions ---- */

static void
on_control_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DgJobView) self = user_data;
  g_autoptr (GError) error = NULL;

  self->busy--;
  if (!dg_engine_control_finish (DG_ENGINE (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

      if (DG_IS_WINDOW (root))
        dg_window_add_toast (DG_WINDOW (root), error->message, NULL, NULL, NULL);
    }
  dg_job_view_update_actions (self);
}

static void
run_control (DgJobView *self, DgJobAction action)
{
  if (self->job == NULL)
    return;
  self->busy++;
  dg_job_view_update_actions (self);
  dg_engine_control_async (self->engine, self->owner, self->job->id, action, self->cancellable,
                           on_control_done, g_object_ref (self));
}

static void
control_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  DgJobAction action;

  if (dg_job_action_from_string (action_name + strlen ("job."), &action))
    run_control (DG_JOB_VIEW (widget), action);
}

static void
on_delete_response (AdwMessageDialog *dialog, const char *response, DgJobView *self)
{
  if (g_strcmp0 (response, "delete") == 0)
    run_control (self, DG_JOB_ACTION_DELETE);
}

static void
delete_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  DgJobView *self = DG_JOB_VIEW (widget);
  GtkWidget *dialog;

  if (self->job == NULL)
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), NULL, NULL);
  /* Translators: %s is a job title */
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _ ("Delete “%s”?"),
                                     self->job->title);
  adw_message_dialog_set_body (
      ADW_MESSAGE_DIALOG (dialog),
      _ ("The job and all its records are deleted. This cannot be undone."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "delete",
                                    _ ("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
dg_job_view_dispose (GObject *object)
{
  DgJobView *self = DG_JOB_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->rows != NULL)
    clear_rows (self);
  gtk_widget_dispose_template (GTK_WIDGET (object), DG_TYPE_JOB_VIEW);
  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  g_clear_object (&self->records);
  G_OBJECT_CLASS (dg_job_view_parent_class)->dispose (object);
}

static void
dg_job_view_finalize (GObject *object)
{
  DgJobView *self = DG_JOB_VIEW (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->job, dg_job_unref);
  g_clear_object (&self->item);
  g_clear_object (&self->engine);
  g_clear_object (&self->cancellable);
  g_free (self->owner);
  G_OBJECT_CLASS (dg_job_view_parent_class)->finalize (object);
}

static void
dg_job_view_class_init (DgJobViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dg_job_view_dispose;
  object_class->finalize = dg_job_view_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/ro/smartclover/DataGems/dg-job-view.ui");
  gtk_widget_class_bind_template_child (widget_class, DgJobView, scroller);
  gtk_widget_class_bind_template_child (widget_class, DgJobView, title_label);
  gtk_widget_class_bind_template_child (widget_class, DgJobView, status_label);
  gtk_widget_class_bind_template_child (widget_class, DgJobView, description_label);
  gtk_widget_class_bind_template_child (widget_class, DgJobView, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, DgJobView, summary_label);
  gtk_widget_class_bind_template_child (widget_class, DgJobView, message_label);
  gtk_widget_class_bind_template_child (widget_class, DgJobView, records_view);
  gtk_widget_class_bind_template_child (widget_class, DgJobView, pause_button);
  gtk_widget_class_bind_template_child (widget_class, DgJobView, resume_button);
  gtk_widget_class_bind_template_child (widget_class, DgJobView, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, DgJobView, retry_button);
  gtk_widget_class_bind_template_child (widget_class, DgJobView, timings_group);
  gtk_widget_class_bind_template_child (widget_class, DgJobView, run_group);
  gtk_widget_class_bind_template_child (widget_class, DgJobView, peers_group);
  gtk_widget_class_bind_template_child (widget_class, DgJobView, errors_group);

  gtk_widget_class_install_action (widget_class, "job.pause", NULL, control_action);
  gtk_widget_class_install_action (widget_class, "job.resume", NULL, control_action);
  gtk_widget_class_install_action (widget_class, "job.cancel", NULL, control_action);
  gtk_widget_class_install_action (widget_class, "job.retry-failed", NULL, control_action);
  gtk_widget_class_install_action (widget_class, "job.delete", NULL, delete_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
dg_job_view_init (DgJobView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
  dg_job_view_update_actions (self);
}

GtkWidget *
dg_job_view_new (void)
{
  return g_object_new (DG_TYPE_JOB_VIEW, NULL);
}

void
dg_job_view_set_job (DgJobView *self, DgEngine *engine, const char *owner, DgJob *job)
{
  g_autofree char *owner_copy = g_strdup (owner);
  const char *description;

  g_return_if_fail (DG_IS_JOB_VIEW (self));
  g_return_if_fail (DG_IS_ENGINE (engine));
  g_return_if_fail (job != NULL);

  g_set_object (&self->engine, engine);
  g_free (self->owner);
  self->owner = g_steal_pointer (&owner_copy);
  g_clear_pointer (&self->job, dg_job_unref);
  self->job = dg_job_ref (job);
  g_clear_object (&self->item);
  self->item = dg_job_item_new_from_job (job);

  gtk_label_set_label (self->title_label, job->title);
  description = dg_job_get_description (job);
  gtk_label_set_label (self->description_label, description ? description : "");
  gtk_widget_set_visible (GTK_WIDGET (self->description_label), description != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), FALSE);
  dg_job_view_update_header (self);
  fill_details (self);
  fill_records (self);
  gtk_adjustment_set_value (
      gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller)), 0);
}

DgJob *
dg_job_view_get_job (DgJobView *self)
{
  g_return_val_if_fail (DG_IS_JOB_VIEW (self), NULL);
  return self->job;
}

const char *
dg_job_view_get_job_id (DgJobView *self)
{
  g_return_val_if_fail (DG_IS_JOB_VIEW (self), NULL);
  return self->job ? self->job->id : NULL;
}

void
dg_job_view_update_progress (DgJobView *self, const DgJobProgress *progress)
{
  gint64 now = g_get_monotonic_time ();

  g_return_if_fail (DG_IS_JOB_VIEW (self));

  if (self->item == NULL || progress == NULL || g_strcmp0 (progress->job_id, self->job->id) != 0)
    return;
  dg_job_item_update_from_progress (self->item, progress);
  dg_job_view_update_header (self);
  gtk_label_set_label (self->message_label, progress->message ? progress->message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), progress->message != NULL);

  /* New records show up in the preview at most twice a second, and when the job ends. */
  if (self->records != NULL && (now - self->last_refresh_us > G_USEC_PER_SEC / 2 ||
                                dg_job_status_is_final (progress->status)))
    {
      self->last_refresh_us = now;
      dg_record_model_refresh (self->records);
    }
}

DgRecordModel *
dg_job_view_get_records (DgJobView *self)
{
  g_return_val_if_fail (DG_IS_JOB_VIEW (self), NULL);
  return self->records;
}

GtkColumnView *
dg_job_view_get_column_view (DgJobView *self)
{
  g_return_val_if_fail (DG_IS_JOB_VIEW (self), NULL);
  return self->records_view;
}

gboolean
dg_job_view_get_busy (DgJobView *self)
{
  g_return_val_if_fail (DG_IS_JOB_VIEW (self), FALSE);
  return self->busy > 0;
}
