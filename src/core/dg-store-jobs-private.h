/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Shared by the dg-store-job*.c and dg-store-records.c files only. */

#include "dg-store-private.h"
#include "dg-job.h"

G_BEGIN_DECLS

/* Runs @body inside a write transaction: commit when it succeeds, roll back otherwise. */
#define DG_STORE_IN_TRANSACTION(store, error, body) \
  G_STMT_START                                      \
  {                                                 \
    if (!dg_store_begin ((store), (error)))         \
      return FALSE;                                 \
    if (!(body))                                    \
      {                                             \
        dg_store_rollback (store);                  \
        return FALSE;                               \
      }                                             \
    return dg_store_commit ((store), (error));      \
  }                                                 \
  G_STMT_END

/* The functions below run inside the caller's transaction. */

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


G_END_DECLS
