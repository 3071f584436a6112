/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "dg-job.h"

G_BEGIN_DECLS

#define DG_TYPE_JOB_ITEM (dg_job_item_get_type ())
G_DECLARE_FINAL_TYPE (DgJobItem, dg_job_item, DG, JOB_ITEM, GObject)

/*
 * DgJobItem: one row of the job list, as properties the views bind to. It is filled from a
 * DgJob snapshot (the list query) and kept current from the engine's in-memory progress.
 */
DgJobItem   *dg_job_item_new_from_job          (const DgJob         *job);
void         dg_job_item_update_from_job       (DgJobItem           *self,
                                                const DgJob         *job);
void         dg_job_item_update_from_progress  (DgJobItem           *self,
                                                const DgJobProgress *progress);
const char  *dg_job_item_get_id                (DgJobItem *self);
const char  *dg_job_item_get_title             (DgJobItem *self);
DgJobStatus  dg_job_item_get_status            (DgJobItem *self);
gint64       dg_job_item_get_total_records     (DgJobItem *self);
gint64       dg_job_item_get_total_ok          (DgJobItem *self);
gint64       dg_job_item_get_total_failed      (DgJobItem *self);
double       dg_job_item_get_fraction          (DgJobItem *self);
double       dg_job_item_get_records_per_second (DgJobItem *self);
/* Translated status name, e.g. "Running". */
const char  *dg_job_status_get_label           (DgJobStatus status);
/* "12 of 100 records · 2 failed · 3.4 records/s" (translated). */
char        *dg_job_item_dup_summary           (DgJobItem *self);

G_END_DECLS
