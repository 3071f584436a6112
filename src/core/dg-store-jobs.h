/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "dg-job.h"
#include "dg-store.h"

G_BEGIN_DECLS

/*
 * Typed access to the jobs and job_slices tables. Every function that changes
 * a job does it in one transaction together with the metrics it affects and a
 * read-merge-write of the stored upstream job base (so `base` always mirrors
 * the columns, keeps upstream key order, and keeps keys we do not know).
 * Blocking: call from worker threads (or dg_store_run_async()), not from a UI
 * main loop.
 */

typedef struct {
  const char *id;
  const char *owner;
  const char *title;
  gint64      total_records;
  gboolean    dataset_mode;
  const char *draft_id;      /* nullable; a second insert with the same draft returns the first job */
  JsonObject *base;          /* upstream job base as created (4.1) */
  JsonObject *details;       /* upstream job details (4.3) */
  JsonObject *run;           /* run record */
  GArray     *slices;        /* DgSliceRange, from dg_job_split() */
  gint64      created_ms;
} DgStoreJobSpec;

/*
 * Inserts a queued job with its slices (empty slices are finished at once) and
 * counts it in the metrics. When a job with the same draft id exists, nothing
 * is written and *@out_existing_id is set to it (its owner in *@out_existing_owner).
 */
gboolean    dg_store_job_insert          (DgStore              *store,
                                          const DgStoreJobSpec *spec,
                                          char                **out_existing_id,
                                          char                **out_existing_owner,
                                          GError              **error);

typedef enum {
  DG_STORE_JOB_BASIC       = 0,
  DG_STORE_JOB_WITH_SLICES = 1 << 0,
  DG_STORE_JOB_WITH_ERRORS = 1 << 1,  /* the first DG_STORE_JOB_MAX_ERRORS failures by index */
  DG_STORE_JOB_FULL        = DG_STORE_JOB_WITH_SLICES | DG_STORE_JOB_WITH_ERRORS,
} DgStoreJobFlags;

#define DG_STORE_JOB_MAX_ERRORS 100

/* DG_STORE_ERROR_NOT_FOUND when there is no such job. */
DgJob      *dg_store_job_get             (DgStore              *store,
                                          const char           *id,
                                          DgStoreJobFlags       flags,
                                          GError              **error);
/* The status column alone; DG_STORE_ERROR_NOT_FOUND when there is no such job. */
gboolean    dg_store_job_read_status     (DgStore              *store,
                                          const char           *id,
                                          DgJobStatus          *out_status,
                                          GError              **error);
/* Jobs of @owner (NULL: everyone's), most recently updated first; no details, slices or errors. */
GPtrArray  *dg_store_jobs_list           (DgStore              *store,
                                          const char           *owner,
                                          GError              **error);
/* Ids of queued or running jobs with an unfinished slice for @peer_id, oldest first. */
GStrv       dg_store_jobs_runnable       (DgStore              *store,
                                          const char           *peer_id,
                                          GError              **error);

/*
 * Moves a job to @to if dg_job_status_can_move() allows it (moving to the
 * current status is a no-op that succeeds). Sets the start/finish times and
 * the metrics. DG_STORE_ERROR_CONSTRAINT for a move that is not allowed.
 */
gboolean    dg_store_job_set_status      (DgStore              *store,
                                          const char           *id,
                                          DgJobStatus           to,
                                          DgJobStatus          *out_previous,
                                          GError              **error);

/*
 * The runner starts its slice: a queued job becomes running and the slice
 * gets its start time. Returns the job's status afterwards in *@out_status
 * (a paused or final job is left alone and must not run).
 */
gboolean    dg_store_job_start_slice     (DgStore              *store,
                                          const char           *id,
                                          const char           *peer_id,
                                          DgJobStatus          *out_status,
                                          GError              **error);

/*
 * The runner has processed every index of its slice: the slice is finished,
 * and when every slice of the job is, the job succeeds. *@out_status: the
 * job's status afterwards.
 */
gboolean    dg_store_job_finish_slice    (DgStore              *store,
                                          const char           *id,
                                          const char           *peer_id,
                                          DgJobStatus          *out_status,
                                          GError              **error);

/*
 * Deletes the failed records of a job so that they are generated again; a
 * succeeded or failed job moves back to running (the one way out of a final
 * state). *@out_count: records reset (0 leaves everything unchanged).
 * DG_STORE_ERROR_CONSTRAINT for a cancelled job.
 */
gboolean    dg_store_job_retry_failed    (DgStore              *store,
                                          const char           *id,
                                          gint64               *out_count,
                                          GError              **error);

/* Deletes a job with its slices, records and attempts. */
gboolean    dg_store_job_delete          (DgStore              *store,
                                          const char           *id,
                                          GError              **error);

/* Finds the job confirmed from @draft_id; NULL (no error) when none. */
char       *dg_store_job_find_by_draft   (DgStore              *store,
                                          const char           *draft_id,
                                          char                **out_owner,
                                          GError              **error);

/*
 * Runner leases: one process runs a job at a time. Claiming succeeds when the
 * job is free, already ours, or its lease ran out; otherwise FALSE without an
 * error and *@out_holder names the holder, which the caller may take over
 * with dg_store_job_take_lease() once it knows the holder is gone.
 */
gboolean    dg_store_job_claim           (DgStore              *store,
                                          const char           *id,
                                          const char           *holder,
                                          gint64                until_ms,
                                          char                **out_holder,
                                          GError              **error);
gboolean    dg_store_job_take_lease      (DgStore              *store,
                                          const char           *id,
                                          const char           *holder,
                                          const char           *previous_holder,
                                          gint64                until_ms,
                                          GError              **error);
gboolean    dg_store_job_renew_lease     (DgStore              *store,
                                          const char           *id,
                                          const char           *holder,
                                          gint64                until_ms,
                                          GError              **error);
gboolean    dg_store_job_release         (DgStore              *store,
                                          const char           *id,
                                          const char           *holder,
                                          GError              **error);

/*
 * Applies another peer's upstream peer state (4.2) to its slice: counters, times,
 * resultCid/errorsCid and other keys; the job's totals follow, and the job
 * succeeds once every slice is complete. For the sync (the local slice is the
 * runner's). *@out_status: the job's status afterwards.
 */
gboolean    dg_store_job_apply_peer_state (DgStore             *store,
                                           const char          *id,
                                           JsonObject          *state,
                                           DgJobStatus         *out_status,
                                           GError             **error);

/* Merges @patch into the stored job base (e.g. jobDetailsCid set by the sync). */
gboolean    dg_store_job_merge_base      (DgStore              *store,
                                          const char           *id,
                                          JsonObject           *patch,
                                          GError              **error);

G_END_DECLS
