/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dg-engine.h"
#include "dg-record-model.h"

G_BEGIN_DECLS

#define DG_TYPE_JOB_VIEW (dg_job_view_get_type ())
G_DECLARE_FINAL_TYPE (DgJobView, dg_job_view, DG, JOB_VIEW, GtkWidget)

/*
 * DgJobView: one job: progress, timings, run record, peers, errors and a paged preview of
 * its records, with the control actions (pause, resume, cancel, retry failed, delete).
 */
GtkWidget     *dg_job_view_new              (void);
/* Shows @job (a full snapshot from dg_engine_get_job()) for @owner. */
void           dg_job_view_set_job          (DgJobView   *self,
                                             DgEngine    *engine,
                                             const char  *owner,
                                             DgJob       *job);
DgJob         *dg_job_view_get_job          (DgJobView   *self);
const char    *dg_job_view_get_job_id       (DgJobView   *self);
/* Live numbers from the engine (no database read). */
void           dg_job_view_update_progress  (DgJobView           *self,
                                             const DgJobProgress *progress);
DgRecordModel *dg_job_view_get_records      (DgJobView   *self);
GtkColumnView *dg_job_view_get_column_view  (DgJobView   *self);
/* TRUE while a control action runs. */
gboolean       dg_job_view_get_busy         (DgJobView   *self);

G_END_DECLS
