/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dg-job.h"
#include "dg-store.h"

G_BEGIN_DECLS

/* Helpers shared by the jobs, export, engine and CLI job tests. */

/* A queued job of @total records owned by @owner over @peers (NULL: {"local"}). */
char     *dg_test_jobs_create       (DgStore            *store,
                                     const char         *owner,
                                     gint64              total,
                                     const char * const *peers);

/*
 * Stores records for @job_id as @peer_id: @records[i] is the JSON text of
 * index i, NULL to leave it missing, or "!reason" for a failed record.
 */
void      dg_test_jobs_store        (DgStore            *store,
                                     const char         *job_id,
                                     const char         *peer_id,
                                     const char * const *records,
                                     gsize               n_records);

/* One integer from a read-only raw connection (independent of the store). */
gint64    dg_test_jobs_query_int    (const char         *db_path,
                                     const char         *sql);

/* A GOutputStream that accepts @limit bytes, then fails with G_IO_ERROR_NO_SPACE. */
GOutputStream *dg_test_full_stream_new (gsize limit);

G_END_DECLS
