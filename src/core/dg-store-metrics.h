/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "dg-store.h"

G_BEGIN_DECLS

/*
 * The upstream metrics object (section 9) kept as counters in SQLite. Every
 * change happens inside the same transaction as the job change that causes
 * it, so concurrent jobs never lose an update; a read error is an error,
 * never a reset. Counts jobs, not peer runs:
 * - totalJobs, totalRecordsRequested: + at confirm;
 * - totalRecordsGenerated: + per stored successful record;
 * - activeJobs: jobs started and not yet in a final state (paused ones included);
 * - failedJobs: jobs that are failed (a retried failed job leaves the count);
 * - lastJobAt: confirm time, or the time a job started running.
 */
typedef struct {
  gint64  total_jobs;
  gint64  total_records_requested;
  gint64  total_records_generated;
  gint64  active_jobs;
  gint64  failed_jobs;
  char   *last_job_at;   /* ISO 8601 or NULL */
} DgMetrics;

void        dg_metrics_clear            (DgMetrics  *metrics);
DgMetrics  *dg_metrics_copy             (const DgMetrics *metrics);
void        dg_metrics_free             (DgMetrics  *metrics);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DgMetrics, dg_metrics_free)
/* {"totalJobs","totalRecordsRequested","totalRecordsGenerated","activeJobs","failedJobs","lastJobAt"} */
JsonObject *dg_metrics_to_json          (const DgMetrics *metrics);

gboolean    dg_store_metrics_get        (DgStore    *store,
                                         DgMetrics  *out_metrics,
                                         GError    **error);
/* Adds @delta to the counter @name (one of the five upstream names), clamped at 0. */
gboolean    dg_store_metrics_add        (DgStore    *store,
                                         const char *name,
                                         gint64      delta,
                                         GError    **error);
gboolean    dg_store_metrics_set_last_job_at (DgStore    *store,
                                              const char *iso,
                                              GError    **error);

G_END_DECLS
