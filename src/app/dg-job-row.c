/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-app"

#include "config.h"

#include <glib/gi18n.h>

#include "dg-job-row.h"

struct _DgJobRow
{
  GtkWidget parent_instance;

  GtkWidget *box;
  GtkLabel *title_label;
  GtkLabel *status_label;
  GtkProgressBar *progress_bar;
  GtkLabel *summary_label;

  DgJobItem *item;
  const char *status_class;
};

G_DEFINE_TYPE (DgJobRow, dg_job_row, GTK_TYPE_WIDGET)

static void
dg_job_row_update (DgJobRow *self)
{
  if (self->item == NULL)
    return;
  gtk_label_set_label (self->title_label, dg_job_item_get_title (self->item));
  dg_job_row_present_item (self->item, self->status_label, &self->status_class, self->progress_bar,
                           self->summary_label);
}

void
dg_job_row_present_item (DgJobItem *item, GtkLabel *status_label, const char **status_class,
                         GtkProgressBar *progress_bar, GtkLabel *summary_label)
{
  DgJobStatus status = dg_job_item_get_status (item);
  g_autofree char *summary = dg_job_item_dup_summary (item);

  gtk_label_set_label (status_label, dg_job_status_get_label (status));
  if (*status_class != NULL)
    gtk_widget_remove_css_class (GTK_WIDGET (status_label), *status_class);
  *status_class = dg_job_status_to_string (status);
  gtk_widget_add_css_class (GTK_WIDGET (status_label), *status_class);
  gtk_progress_bar_set_fraction (progress_bar, dg_job_item_get_fraction (item));
  gtk_label_set_label (summary_label, summary);
}

void
dg_job_row_set_item (DgJobRow *self, DgJobItem *item)
{
  g_return_if_fail (DG_IS_JOB_ROW (self));

  if (self->item == item)
    return;
  if (self->item != NULL)
    g_signal_handlers_disconnect_by_data (self->item, self);
  g_set_object (&self->item, item);
  if (item != NULL)
    {
      g_signal_connect_swapped (item, "notify", G_CALLBACK (dg_job_row_update), self);
      dg_job_row_update (self);
    }
}

static void
dg_job_row_dispose (GObject *object)
{
  DgJobRow *self = DG_JOB_ROW (object);

  dg_job_row_set_item (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), DG_TYPE_JOB_ROW);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  G_OBJECT_CLASS (dg_job_row_parent_class)->dispose (object);
}

static void
dg_job_row_class_init (DgJobRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dg_job_row_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/ro/smartclover/DataGems/dg-job-row.ui");
  gtk_widget_class_bind_template_child (widget_class, DgJobRow, box);
  gtk_widget_class_bind_template_child (widget_class, DgJobRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, DgJobRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, DgJobRow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, DgJobRow, summary_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
dg_job_row_init (DgJobRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
dg_job_row_new (void)
{
  return g_object_new (DG_TYPE_JOB_ROW, NULL);
}
