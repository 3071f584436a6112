/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Shared by dg-store-jobs.c and dg-store-records.c only. Call inside a transaction. */

#include "dg-store-private.h"
#include "dg-job.h"

G_BEGIN_DECLS

/* Rewrites jobs.base from the columns (status, totals, timestamps), keeping other keys. */
gboolean dg_store_job_sync_base (DgStore    *store,
                                 const char *id,
                                 GError    **error);

/* Moves status with times and metrics; the caller checked that the move is allowed. */
gboolean dg_store_job_apply_status (DgStore     *store,
                                    const char  *id,
                                    DgJobStatus  from,
                                    DgJobStatus  to,
                                    gint64       now_ms,
                                    GError     **error);

/* Reads the status column; DG_STORE_ERROR_NOT_FOUND when there is no such job. */
gboolean dg_store_job_read_status (DgStore     *store,
                                   const char  *id,
                                   DgJobStatus *out_status,
                                   GError     **error);

G_END_DECLS
