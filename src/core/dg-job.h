/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * The job model shared by the store, the runner, the engine and every face:
 * statuses and their allowed moves, job ids, the peer split, and DgJob, a
 * read-only snapshot of one job with its slices (upstream sections 4.1-4.3, 7.2).
 */

typedef enum {
  DG_JOB_STATUS_QUEUED,
  DG_JOB_STATUS_RUNNING,
  DG_JOB_STATUS_PAUSED,
  DG_JOB_STATUS_SUCCEEDED,
  DG_JOB_STATUS_FAILED,
  DG_JOB_STATUS_CANCELLED,
} DgJobStatus;

const char *dg_job_status_to_string   (DgJobStatus  status);
gboolean    dg_job_status_from_string (const char  *text,
                                       DgJobStatus *status);
gboolean    dg_job_status_is_final    (DgJobStatus  status);
/*
 * Whether the runner or a control action may move a job from @from to @to:
 * queued -> running | paused | cancelled | failed; running -> paused |
 * succeeded | failed | cancelled; paused -> running | cancelled. Nothing
 * leaves a final state (succeeded, failed, cancelled) except the explicit
 * "retry failed records" action, which the store checks on its own.
 */
gboolean    dg_job_status_can_move    (DgJobStatus  from,
                                       DgJobStatus  to);

/* "job_<epoch ms>_<6 lowercase hex>" (upstream 4.14). */
char       *dg_job_new_id             (void);
gboolean    dg_job_id_is_valid        (const char  *id);

/* One peer's contiguous half-open range of record indices (upstream 7.2). */
typedef struct {
  char   *peer_id;
  guint   position;
  gint64  range_start;
  gint64  range_end;
} DgSliceRange;

/*
 * The upstream split: floor(total / n) each, the first (total mod n) peers
 * one more, contiguous ranges from 0 in list order. Peers that get nothing
 * still get an (empty) range. Returns an array of DgSliceRange.
 */
GArray     *dg_job_split              (gint64               total_records,
                                       const char * const  *peers);

typedef struct {
  char       *peer_id;
  guint       position;
  gint64      range_start;
  gint64      range_end;
  gint64      generated_ok;
  gint64      generated_failed;
  char       *started_at;      /* ISO 8601 or NULL */
  char       *finished_at;     /* ISO 8601 or NULL */
  char       *last_update_at;  /* ISO 8601 or NULL */
  JsonObject *extra;           /* other peer-state keys (resultCid, errorsCid, ...) or NULL */
} DgJobSlice;

typedef struct {
  gint64  index;
  char   *message;
} DgJobError;

/*
 * DgJob: a snapshot of one job as stored. Fields are read-only; the JSON
 * objects are the upstream shapes (base: 4.1, details: 4.3) and our run
 * record. Get one from the engine (dg_engine_get_job_async()) or the store.
 */
typedef struct {
  /*< private >*/
  gatomicrefcount ref_count;

  /*< public >*/
  char        *id;
  char        *owner;
  char        *title;
  DgJobStatus  status;
  gint64       total_records;
  gboolean     dataset_mode;
  char        *draft_id;
  gint64       total_ok;
  gint64       total_failed;
  gint64       total_retries;
  gint64       duplicates;        /* exact duplicates stored (or regenerated away) */
  gint64       prompt_tokens;
  gint64       completion_tokens;
  gint64       model_ms;          /* summed wall time of every model call */
  char        *created_at;
  char        *updated_at;
  char        *started_at;        /* NULL until it first ran */
  char        *finished_at;       /* NULL until it reached a final state */
  JsonObject  *base;              /* upstream job base, current totals and status */
  JsonObject  *details;           /* upstream job details (description, instructions, schema, inference) */
  JsonObject  *run;               /* run record: backend, model, parameters, seed, usage, timing */
  GPtrArray   *slices;            /* DgJobSlice*, in peer-list order (may be empty for list queries) */
  GArray      *errors;            /* DgJobError, the first failures by index (bounded; may be empty) */
} DgJob;

#define DG_TYPE_JOB (dg_job_get_type ())
GType       dg_job_get_type           (void) G_GNUC_CONST;

DgJob      *dg_job_new                (void);
DgJob      *dg_job_ref                (DgJob       *job);
void        dg_job_unref              (DgJob       *job);

/* Records processed so far: ok + failed (never more than total_records). */
gint64      dg_job_get_processed      (const DgJob *job);
/* The description, instructions and schema, from the details (borrowed, may be NULL). */
const char *dg_job_get_description    (const DgJob *job);
JsonNode   *dg_job_get_schema         (const DgJob *job);
/* A slice of @peer_id, or NULL. */
DgJobSlice *dg_job_find_slice         (const DgJob *job,
                                       const char  *peer_id);

/* The upstream peer state (4.2) of one slice, with "errors" when @errors is given. */
JsonObject *dg_job_slice_to_json      (const DgJobSlice *slice,
                                       GArray           *errors);
/*
 * GET /api/tasks/{id} shape: {"job": base, "peers": [...], "details": ...},
 * with our additions "run" and "errors" after them.
 */
JsonObject *dg_job_to_json            (const DgJob *job);

void        dg_job_slice_free         (DgJobSlice  *slice);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DgJob, dg_job_unref)

/*
 * DgJobProgress: what the runner last reported about a job, kept in memory so
 * that views and push channels update without reading the database.
 */
typedef struct {
  char        *job_id;
  char        *owner;
  DgJobStatus  status;
  gint64       total_records;
  gint64       total_ok;        /* job-wide, as stored */
  gint64       total_failed;
  gint64       in_flight;       /* requests of this instance not answered yet */
  double       records_per_second;
  char        *message;         /* why the job paused or failed, or NULL */
  gboolean     active;          /* this instance's runner is working on it */
  gboolean     final_report;    /* this is the runner's last report: it let go of the job
                                 * (finished, paused, failed, or run by another process);
                                 * never set by other changes (control actions) */
} DgJobProgress;

#define DG_TYPE_JOB_PROGRESS (dg_job_progress_get_type ())
GType          dg_job_progress_get_type (void) G_GNUC_CONST;
DgJobProgress *dg_job_progress_copy     (const DgJobProgress *progress);
void           dg_job_progress_free     (DgJobProgress       *progress);
/* Fraction done in [0, 1]. */
double         dg_job_progress_fraction (const DgJobProgress *progress);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DgJobProgress, dg_job_progress_free)

G_END_DECLS
