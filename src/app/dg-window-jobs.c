/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-app"

#include "config.h"

#include <glib/gi18n.h>

#include "dg-job-item.h"
#include "dg-job-row.h"
#include "dg-window-private.h"

/*
 * The jobs side of the window: the live job list, the job page, and the "job finished"
 * notification (the new-job page is dg-window-new-job.c, export dg-window-export.c). The
 * list follows the engine's signals, never polling the database.
 */

/* ---- the job list ---- */

static void
update_jobs_page (DgWindow *self)
{
  const char *page;

  if (g_list_model_get_n_items (G_LIST_MODEL (self->jobs)) == 0)
    page = "empty";
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->jobs_filtered)) == 0)
    page = "no-match";
  else
    page = "list";
  gtk_stack_set_visible_child_name (self->jobs_stack, page);
}

static gboolean
job_matches (gpointer item, gpointer user_data)
{
  DgWindow *self = user_data;
  DgJobStatus status = dg_job_item_get_status (item);
  const char *search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  switch (gtk_drop_down_get_selected (self->filter_dropdown))
    {
    case 1: /* active */
      if (dg_job_status_is_final (status))
        return FALSE;
      break;
    case 2: /* finished */
      if (!dg_job_status_is_final (status))
        return FALSE;
      break;
    case 3: /* failed */
      if (status != DG_JOB_STATUS_FAILED && dg_job_item_get_total_failed (item) == 0)
        return FALSE;
      break;
    default:
      break;
    }
  if (search != NULL && *search != '\0')
    {
      g_autofree char *needle = g_utf8_casefold (search, -1);
      g_autofree char *title = g_utf8_casefold (dg_job_item_get_title (item), -1);

      if (strstr (title, needle) == NULL && strstr (dg_job_item_get_id (item), search) == NULL)
        return FALSE;
    }
  return TRUE;
}

void
dg_window_jobs_search_changed (DgWindow *self)
{
  if (self->jobs_filter != NULL)
    gtk_filter_changed (GTK_FILTER (self->jobs_filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
row_setup (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  gtk_list_item_set_child (list_item, dg_job_row_new ());
}

static void
row_bind (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  dg_job_row_set_item (DG_JOB_ROW (gtk_list_item_get_child (list_item)),
                       gtk_list_item_get_item (list_item));
}

static void
row_unbind (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  dg_job_row_set_item (DG_JOB_ROW (gtk_list_item_get_child (list_item)), NULL);
}

static void
add_job_item (DgWindow *self, const DgJob *job, gboolean at_top)
{
  DgJobItem *existing = g_hash_table_lookup (self->jobs_by_id, job->id);
  g_autoptr (DgJobItem) item = NULL;

  if (existing != NULL)
    {
      dg_job_item_update_from_job (existing, job);
      return;
    }
  item = dg_job_item_new_from_job (job);
  g_hash_table_insert (self->jobs_by_id, g_strdup (job->id), item);
  if (at_top)
    g_list_store_insert (self->jobs, 0, item);
  else
    g_list_store_append (self->jobs, item);
}

static void
on_jobs_listed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DgWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) jobs = dg_engine_list_jobs_finish (DG_ENGINE (source), result, &error);
  g_autoptr (GPtrArray) items = NULL;

  if (dg_window_is_closed (self))
    return;
  if (jobs == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        dg_window_add_toast (self, error->message, NULL, NULL, NULL);
      return;
    }

  /* One splice for the whole list: 10,000 jobs are one items-changed. */
  items = g_ptr_array_new_full (jobs->len, g_object_unref);
  for (guint i = 0; i < jobs->len; i++)
    {
      DgJob *job = g_ptr_array_index (jobs, i);
      DgJobItem *item;

      if (g_hash_table_contains (self->jobs_by_id, job->id))
        continue;
      item = dg_job_item_new_from_job (job);
      g_hash_table_insert (self->jobs_by_id, g_strdup (job->id), item);
      g_ptr_array_add (items, item);
    }
  g_list_store_splice (self->jobs, g_list_model_get_n_items (G_LIST_MODEL (self->jobs)), 0,
                       items->pdata, items->len);
  self->jobs_loaded = TRUE;
  update_jobs_page (self);
}

static void
notify_finished (DgWindow *self, DgJobItem *item)
{
  g_autoptr (GNotification) notification = NULL;
  g_autofree char *body = NULL;
  DgJobStatus status = dg_job_item_get_status (item);

  if (gtk_window_is_active (GTK_WINDOW (self)) ||
      !g_settings_get_boolean (self->settings, "notify-on-finish"))
    return;

  notification = g_notification_new (status == DG_JOB_STATUS_SUCCEEDED ? _ ("Job Finished")
                                     : status == DG_JOB_STATUS_FAILED  ? _ ("Job Failed")
                                                                       : _ ("Job Cancelled"));
  body = dg_job_item_dup_summary (item);
  {
    g_autofree char *text = g_strdup_printf ("%s\n%s", dg_job_item_get_title (item), body);

    g_notification_set_body (notification, text);
  }
  g_notification_set_default_action_and_target (notification, "app.show-job", "s",
                                                dg_job_item_get_id (item));
  g_application_send_notification (G_APPLICATION (dg_window_get_app (self)), "job-finished",
                                   notification);
}

static void
on_job_reloaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DgWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (DgJob) job = dg_engine_get_job_finish (DG_ENGINE (source), result, &error);

  if (dg_window_is_closed (self))
    return;
  if (job == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("Cannot read job: %s", error->message);
      return;
    }
  add_job_item (self, job, TRUE);
  update_jobs_page (self);
  if (g_strcmp0 (self->opened_job_id, job->id) == 0)
    {
      dg_job_view_set_job (self->job_view, dg_window_get_engine (self), dg_window_get_owner (self),
                           job);
      adw_window_title_set_title (self->content_title, job->title);
      gtk_stack_set_visible_child_name (self->content_stack, "job");
    }
}

static void
reload_job (DgWindow *self, const char *job_id)
{
  dg_engine_get_job_async (dg_window_get_engine (self), dg_window_get_owner (self), job_id,
                           self->jobs_cancellable, on_job_reloaded, g_object_ref (self));
}

static void
on_job_added (DgEngine *engine, const char *job_id, const char *owner, DgWindow *self)
{
  if (self->session == NULL || g_strcmp0 (owner, dg_window_get_owner (self)) != 0)
    return;
  if (!g_hash_table_contains (self->jobs_by_id, job_id))
    reload_job (self, job_id);
}

static void
on_job_changed (DgEngine *engine, const char *job_id, const char *owner, DgWindow *self)
{
  DgJobItem *item;
  DgJobProgress *progress;
  gboolean was_final, matched;

  if (self->session == NULL || g_strcmp0 (owner, dg_window_get_owner (self)) != 0)
    return;
  item = g_hash_table_lookup (self->jobs_by_id, job_id);
  progress = dg_engine_get_progress (engine, job_id);
  if (item == NULL || progress == NULL)
    {
      g_clear_pointer (&progress, dg_job_progress_free);
      if (item == NULL)
        reload_job (self, job_id);
      return;
    }

  was_final = dg_job_status_is_final (dg_job_item_get_status (item));
  matched = job_matches (item, self);
  dg_job_item_update_from_progress (item, progress);
  if (g_strcmp0 (dg_job_view_get_job_id (self->job_view), job_id) == 0)
    dg_job_view_update_progress (self->job_view, progress);
  if (!was_final && dg_job_status_is_final (progress->status))
    {
      notify_finished (self, item);
      /* Timings, errors and the run record are final now. */
      if (g_strcmp0 (self->opened_job_id, job_id) == 0)
        reload_job (self, job_id);
    }
  dg_job_progress_free (progress);
  /* Refiltering walks every job: only when this one enters or leaves the filter (a status
   * change), not at each of the runner's progress reports. */
  if (job_matches (item, self) != matched)
    gtk_filter_changed (GTK_FILTER (self->jobs_filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
on_job_removed (DgEngine *engine, const char *job_id, const char *owner, DgWindow *self)
{
  DgJobItem *item = g_hash_table_lookup (self->jobs_by_id, job_id);
  guint position;

  if (item != NULL && g_list_store_find (self->jobs, item, &position))
    {
      g_list_store_remove (self->jobs, position);
      g_hash_table_remove (self->jobs_by_id, job_id);
    }
  if (g_strcmp0 (self->opened_job_id, job_id) == 0)
    {
      g_clear_pointer (&self->opened_job_id, g_free);
      gtk_stack_set_visible_child_name (self->content_stack, "empty");
      adw_window_title_set_title (self->content_title, "");
      adw_leaflet_set_visible_child (self->leaflet, self->sidebar);
    }
  update_jobs_page (self);
}

void
dg_window_jobs_signed_in (DgWindow *self)
{
  DgEngine *engine = dg_window_get_engine (self);

  g_clear_object (&self->jobs_cancellable);
  self->jobs_cancellable = g_cancellable_new ();
  self->jobs_loaded = FALSE;
  g_signal_connect_object (engine, "job-added", G_CALLBACK (on_job_added), self, 0);
  g_signal_connect_object (engine, "job-changed", G_CALLBACK (on_job_changed), self, 0);
  g_signal_connect_object (engine, "job-removed", G_CALLBACK (on_job_removed), self, 0);
  dg_engine_list_jobs_async (engine, dg_window_get_owner (self), self->jobs_cancellable,
                             on_jobs_listed, g_object_ref (self));
}

void
dg_window_jobs_signed_out (DgWindow *self)
{
  DgEngine *engine = dg_window_get_engine (self);

  if (self->jobs_cancellable != NULL)
    g_cancellable_cancel (self->jobs_cancellable);
  if (self->draft_cancellable != NULL)
    g_cancellable_cancel (self->draft_cancellable);
  if (engine != NULL)
    g_signal_handlers_disconnect_by_data (engine, self);
  g_clear_pointer (&self->draft, dg_draft_unref);
  g_clear_pointer (&self->opened_job_id, g_free);
  g_hash_table_remove_all (self->jobs_by_id);
  g_list_store_remove_all (self->jobs);
  gtk_stack_set_visible_child_name (self->content_stack, "empty");
  adw_window_title_set_title (self->content_title, "");
  update_jobs_page (self);
}

void
dg_window_jobs_activate (DgWindow *self, guint position)
{
  g_autoptr (DgJobItem) item = g_list_model_get_item (G_LIST_MODEL (self->jobs_filtered), position);

  if (item != NULL)
    dg_window_open_job (self, dg_job_item_get_id (item));
}

void
dg_window_open_job (DgWindow *self, const char *job_id)
{
  g_return_if_fail (DG_IS_WINDOW (self));

  if (self->session == NULL)
    return;
  g_free (self->opened_job_id);
  self->opened_job_id = g_strdup (job_id);
  adw_leaflet_set_visible_child (self->leaflet, self->content);
  reload_job (self, job_id);
}

/* ---- set-up ---- */

void
dg_window_jobs_init (DgWindow *self)
{
  GtkListItemFactory *factory;

  self->jobs = g_list_store_new (DG_TYPE_JOB_ITEM);
  self->jobs_by_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->jobs_filter = gtk_custom_filter_new (job_matches, self, NULL);
  self->jobs_filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->jobs)),
                                                   g_object_ref (GTK_FILTER (self->jobs_filter)));
  self->jobs_selection =
      gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->jobs_filtered)));
  gtk_single_selection_set_autoselect (self->jobs_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->jobs_selection, TRUE);
  g_signal_connect_object (self->jobs_filtered, "items-changed", G_CALLBACK (update_jobs_page),
                           self, G_CONNECT_SWAPPED);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (row_setup), self);
  g_signal_connect (factory, "bind", G_CALLBACK (row_bind), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (row_unbind), self);
  gtk_list_view_set_factory (self->jobs_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->jobs_view, GTK_SELECTION_MODEL (self->jobs_selection));

  dg_window_new_job_init (self);
  update_jobs_page (self);
}

void
dg_window_jobs_dispose (DgWindow *self)
{
  if (self->jobs_cancellable != NULL)
    g_cancellable_cancel (self->jobs_cancellable);
  if (self->draft_cancellable != NULL)
    g_cancellable_cancel (self->draft_cancellable);
  if (self->export_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->export_chooser));
  g_clear_object (&self->export_chooser);
  if (self->jobs_view != NULL)
    gtk_list_view_set_model (self->jobs_view, NULL);
  g_clear_object (&self->jobs_selection);
  g_clear_object (&self->jobs_filtered);
  g_clear_object (&self->jobs_filter);
  g_clear_object (&self->jobs);
  g_clear_pointer (&self->jobs_by_id, g_hash_table_unref);
  g_clear_pointer (&self->draft, dg_draft_unref);
  g_clear_object (&self->draft_cancellable);
  g_clear_object (&self->jobs_cancellable);
  g_clear_pointer (&self->opened_job_id, g_free);
}
