/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-app"

#include "config.h"

#include <glib/gi18n.h>

#include "dg-job-item.h"
#include "dg-window-private.h"

/*
 * Export of the open job: a file chooser (the format from the chosen filter or the file's
 * extension), progress under the job's title, and a toast with "Open Folder" at the end.
 */

static DgEngine *
get_engine (DgWindow *self)
{
  return dg_application_get_engine (dg_window_get_app (self));
}

static const char *
get_owner (DgWindow *self)
{
  return self->session ? self->session->username : NULL;
}

static void
export_progress (gint64 done, gint64 total, gpointer user_data)
{
  DgWindow *self = user_data;

  self->export_fraction = total > 0 ? (double) done / (double) total : 0;
  if (self->exporting)
    {
      /* Translators: shown under the job title while exporting */
      g_autofree char *text =
          g_strdup_printf (_ ("Exporting… %.0f%%"), self->export_fraction * 100);

      adw_window_title_set_subtitle (self->content_title, text);
    }
}

typedef struct
{
  DgWindow *window;
  GFile *file;
} ExportData;

static void
on_exported (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ExportData *data = user_data;
  g_autoptr (DgWindow) self = data->window;
  g_autoptr (GFile) file = data->file;
  g_autoptr (GError) error = NULL;

  g_free (data);
  if (dg_window_is_closed (self))
    {
      (void) dg_engine_export_finish (DG_ENGINE (source), result, NULL);
      return;
    }
  self->exporting = FALSE;
  adw_window_title_set_subtitle (self->content_title, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export", TRUE);
  if (!dg_engine_export_finish (DG_ENGINE (source), result, &error))
    {
      g_autofree char *message = g_strdup_printf (_ ("Export failed: %s"), error->message);

      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        dg_window_add_toast (self, message, NULL, NULL, NULL);
      return;
    }
  {
    g_autoptr (GFile) parent = file ? g_file_get_parent (file) : NULL;
    g_autofree char *uri = parent ? g_file_get_uri (parent) : NULL;
    g_autofree char *name = file ? g_file_get_basename (file) : NULL;
    /* Translators: %s is a file name */
    g_autofree char *message = g_strdup_printf (_ ("Exported %s"), name ? name : "");

    if (uri != NULL)
      dg_window_add_toast (self, message, _ ("Open Folder"), "app.open-folder",
                           g_variant_new_string (uri));
    else
      dg_window_add_toast (self, message, NULL, NULL, NULL);
  }
}

/* Exports the open job to @file; the format comes from @format, or the file's extension. */
void
dg_window_export_to_file (DgWindow *self, GFile *file, const char *format)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_file_get_path (file);
  DgExportFormat export_format;
  DgJob *job = dg_job_view_get_job (self->job_view);
  DgEngineExportFlags flags = DG_ENGINE_EXPORT_NONE;
  DgJobItem *item;
  ExportData *data;

  g_return_if_fail (DG_IS_WINDOW (self));

  if (job == NULL || self->opened_job_id == NULL)
    {
      dg_window_add_toast (self, _ ("Open a job to export its records"), NULL, NULL, NULL);
      return;
    }
  if (!(format != NULL ? dg_export_format_from_string (format, &export_format, &error)
                       : dg_export_format_from_path (path ? path : "", &export_format, &error)))
    {
      dg_window_add_toast (self, error->message, NULL, NULL, NULL);
      return;
    }
  g_settings_set_string (self->settings, "export-format",
                         dg_export_format_to_string (export_format));
  {
    g_autoptr (GFile) parent = g_file_get_parent (file);
    g_autofree char *folder = parent != NULL ? g_file_get_path (parent) : NULL;

    if (folder != NULL)
      g_settings_set_string (self->settings, "export-folder", folder);
  }
  /* Unfinished jobs export what is there so far. */
  item = g_hash_table_lookup (self->jobs_by_id, job->id);
  if ((item != NULL ? dg_job_item_get_status (item) : job->status) != DG_JOB_STATUS_SUCCEEDED)
    flags |= DG_ENGINE_EXPORT_PARTIAL;

  self->exporting = TRUE;
  self->export_fraction = 0;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export", FALSE);
  export_progress (0, 1, self);
  data = g_new0 (ExportData, 1);
  data->window = g_object_ref (self);
  data->file = g_object_ref (file);
  dg_engine_export_to_file_async (get_engine (self), get_owner (self), job->id, export_format,
                                  flags, file, export_progress, self, NULL, self->jobs_cancellable,
                                  on_exported, data);
}

static void
on_export_chosen (GtkNativeDialog *chooser, int response, DgWindow *self)
{
  g_autoptr (GFile) file = NULL;
  GtkFileFilter *filter;
  const char *format = NULL;
  g_autofree char *path = NULL;
  DgExportFormat by_extension;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      path = g_file_get_path (file);
      filter = gtk_file_chooser_get_filter (GTK_FILE_CHOOSER (chooser));
      /* The extension typed wins; otherwise the chosen filter says the format. */
      if ((path == NULL || !dg_export_format_from_path (path, &by_extension, NULL)) &&
          filter != NULL)
        format = g_object_get_data (G_OBJECT (filter), "dg-format");
    }
  g_clear_object (&self->export_chooser);
  if (file != NULL)
    dg_window_export_to_file (self, file, format);
}

void
dg_window_export (DgWindow *self)
{
  static const struct
  {
    const char *format;
    const char *name;
    const char *pattern;
  } formats[] = {
    { "json", N_ ("JSON array"), "*.json" },
    { "jsonl", N_ ("JSON Lines"), "*.jsonl" },
    { "csv", N_ ("CSV spreadsheet"), "*.csv" },
  };
  g_autofree char *last = g_settings_get_string (self->settings, "export-format");
  g_autofree char *folder = g_settings_get_string (self->settings, "export-folder");
  g_autofree char *name = NULL;
  DgJob *job = dg_job_view_get_job (self->job_view);

  if (job == NULL || self->opened_job_id == NULL)
    {
      dg_window_add_toast (self, _ ("Open a job to export its records"), NULL, NULL, NULL);
      return;
    }
  if (self->exporting || self->export_chooser != NULL)
    return;

  self->export_chooser =
      gtk_file_chooser_native_new (_ ("Export Records"), GTK_WINDOW (self),
                                   GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Export"), _ ("_Cancel"));
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      GtkFileFilter *filter = gtk_file_filter_new ();

      gtk_file_filter_set_name (filter, _ (formats[i].name));
      gtk_file_filter_add_pattern (filter, formats[i].pattern);
      g_object_set_data (G_OBJECT (filter), "dg-format", (gpointer) formats[i].format);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->export_chooser), filter);
      if (g_strcmp0 (last, formats[i].format) == 0)
        gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (self->export_chooser), filter);
      g_object_unref (filter);
    }
  /* The folder of the last export, while it is there. */
  if (*folder != '\0' && g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      g_autoptr (GFile) location = g_file_new_for_path (folder);

      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->export_chooser), location, NULL);
    }
  name = g_strdup_printf ("%s.%s", job->id, last);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->export_chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->export_chooser), TRUE);
  g_signal_connect (self->export_chooser, "response", G_CALLBACK (on_export_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->export_chooser));
}
