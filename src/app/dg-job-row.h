/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "dg-job-item.h"

G_BEGIN_DECLS

#define DG_TYPE_JOB_ROW (dg_job_row_get_type ())
G_DECLARE_FINAL_TYPE (DgJobRow, dg_job_row, DG, JOB_ROW, GtkWidget)

/* A row of the job list: title, status, progress bar and counts of one DgJobItem. */
GtkWidget *dg_job_row_new      (void);
/* Shows @item (nullable: unbinds) and follows its changes. */
void       dg_job_row_set_item (DgJobRow  *self,
                                DgJobItem *item);

/*
 * Shows @item's status badge, progress and summary in these widgets: the list row and the
 * detail page's header present a job alike. @status_class holds the badge's current CSS
 * class (a static string) between calls.
 */
void       dg_job_row_present_item (DgJobItem      *item,
                                    GtkLabel       *status_label,
                                    const char    **status_class,
                                    GtkProgressBar *progress_bar,
                                    GtkLabel       *summary_label);

G_END_DECLS
