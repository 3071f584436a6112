/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "dg-config.h"
#include "dg-export.h"
#include "dg-inference.h"
#include "dg-job-runner.h"
#include "dg-job.h"
#include "dg-store-metrics.h"
#include "dg-store-records.h"
#include "dg-store.h"

G_BEGIN_DECLS

/*
 * DgEngine: the façade every face (desktop app, REST server, CLI) calls for
 * jobs: draft, confirm, list, get, control, records, export, metrics.
 *
 * Threads: create it on the thread whose main context should receive its
 * signals (normally the main thread). Every slow call has an _async/_finish
 * pair that runs off that context; the plain (blocking) variants are for
 * worker threads, the REST server's handler threads and the CLI. The signals
 * and the progress snapshots let views update without reading the database.
 *
 * Ownership: @owner is the user a call acts for. A job of someone else is
 * "Not found" (DG_ENGINE_ERROR_NOT_FOUND), exactly like a missing one. Only
 * trusted code (the sync, admin tools) passes @owner = NULL to reach every job.
 *
 * Errors: DG_ENGINE_ERROR codes below carry the upstream messages; database
 * problems come through as DG_STORE_ERROR (REST: 503).
 */

#define DG_ENGINE_ERROR (dg_engine_error_quark ())

typedef enum {
  DG_ENGINE_ERROR_NOT_FOUND,       /* "Not found": no such job, or another user's */
  DG_ENGINE_ERROR_INVALID,         /* an argument out of range (title, totalRecords, ...) */
  DG_ENGINE_ERROR_INVALID_DRAFT,   /* "Invalid or expired draft" (malformed, expired, another user's) */
  DG_ENGINE_ERROR_INVALID_SCHEMA,  /* "Invalid schema"; details from dg_engine_confirm_finish() */
  DG_ENGINE_ERROR_NOT_COMPLETED,   /* "Job not completed": export of an unfinished job without PARTIAL */
  DG_ENGINE_ERROR_STATE,           /* the action does not apply to the job's status */
  DG_ENGINE_ERROR_INFERENCE,       /* "Inference failed: <reason>" while drafting */
  DG_ENGINE_ERROR_NOT_CONFIGURED,  /* no signing secret ("Missing required environment variable: …") */
  DG_ENGINE_ERROR_BUSY,            /* another DataGems process is running the job */
} DgEngineError;

GQuark dg_engine_error_quark (void);

#define DG_TYPE_ENGINE (dg_engine_get_type ())
G_DECLARE_FINAL_TYPE (DgEngine, dg_engine, DG, ENGINE, GObject)

/*
 * @inference: (nullable): shared inference engine; NULL creates one from @config.
 * @runner_options: (nullable): runner tuning (tests shrink batch intervals).
 * Resolves the signing secret (may write it to the store the first time).
 * Does not start any job: call dg_engine_start().
 */
DgEngine     *dg_engine_new                (DgConfig                 *config,
                                            DgStore                  *store,
                                            DgInference              *inference,
                                            const DgJobRunnerOptions *runner_options,
                                            GError                  **error);

/* Resumes this instance's unfinished jobs (after a crash too), unless DATAGEN_DISABLE_WORKER. */
void          dg_engine_start              (DgEngine      *self);
/* Starts (or continues) one job here even when the worker is disabled (the CLI). */
void          dg_engine_run_job            (DgEngine      *self,
                                            const char    *job_id);
/* Stops the runner (storing finished records, releasing leases). Blocking; idempotent. */
void          dg_engine_shutdown           (DgEngine      *self);

DgConfig     *dg_engine_get_config         (DgEngine      *self);
DgStore      *dg_engine_get_store          (DgEngine      *self);
DgInference  *dg_engine_get_inference      (DgEngine      *self);
DgJobRunner  *dg_engine_get_runner         (DgEngine      *self);
/* How jobs' record endpoints are built (API keys of profiles): see dg-job-runner.h. */
void          dg_engine_set_endpoint_resolver (DgEngine              *self,
                                               DgJobEndpointResolver  resolver,
                                               gpointer               user_data,
                                               GDestroyNotify         destroy);

/*
 * Tells the faces that @job_id changed behind the engine's back (the sync applied another
 * peer's state with dg_store_job_apply_peer_state()): "job-changed" follows on the main
 * context. Blocking (reads the job): call it from a worker thread.
 */
void          dg_engine_job_changed        (DgEngine      *self,
                                            const char    *job_id);

/* ---- Drafting (upstream 1.10, 3) ---------------------------------------------------- */

typedef struct {
  const char          *title;          /* 1..200 characters */
  gint64               total_records;  /* 1..DATAGEN_MAX_RECORDS_PER_JOB (by_owner: 1..the
                                        * owner's limit, see DgConfig) */
  const char          *description;    /* 1..2000 */
  const char          *instructions;   /* 1..8000 */
  gboolean             dataset_mode;
  const char          *previous_token; /* nullable: a re-draft counts refreshes */
  DgInferenceEndpoint *endpoint;       /* nullable: the configured model, or offline templates */
  JsonObject          *inference;      /* nullable: upstream draft fields the token carries
                                        * (profileId, inferenceBaseUrl, inferencePath,
                                        * inferenceModel, inferenceParams) */
  gboolean             by_owner;       /* asked at this machine by whoever owns the database
                                        * (CLI, desktop), not through the shared web API */
} DgDraftRequest;

/* A schema draft. Read-only. */
typedef struct {
  /*< private >*/
  gatomicrefcount ref_count;
  /*< public >*/
  JsonNode   *schema;             /* as drafted (upstream returns it unsanitised) */
  JsonNode   *sanitized_schema;   /* what confirm uses unless the user edits it */
  GPtrArray  *warnings;           /* char*: what the sanitiser corrected */
  JsonArray  *issues;             /* NULL, or [{"path","message"}] if the sanitised schema is unusable */
  char       *token;              /* the signed draft token (30 minutes) */
  char       *generated_at;       /* ISO 8601, taken before the model call */
  gint64      duration_ms;
  gint64      refreshes;
  guint       failed_attempts;
  gint64      prompt_tokens;      /* -1: unknown (offline, or the server did not say) */
  gint64      completion_tokens;
  char       *backend;            /* "ratio1", "openai", "offline" (templates) or "manual" */
  char       *model;              /* nullable */
  char       *template_id;        /* offline drafts: the dg-templates id picked, else NULL */
} DgDraft;

#define DG_TYPE_DRAFT (dg_draft_get_type ())
GType         dg_draft_get_type            (void) G_GNUC_CONST;
DgDraft      *dg_draft_ref                 (DgDraft       *draft);
void          dg_draft_unref               (DgDraft       *draft);
/* {"schema","schemaGeneratedAt","schemaDurationMs","schemaRefreshes","draftToken","failedAttempts"} */
JsonObject   *dg_draft_to_json             (const DgDraft *draft);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DgDraft, dg_draft_unref)

/*
 * One model call. Without a model (offline endpoint: no inference URL configured, or mock
 * mode) the built-in template that best matches the title, description and instructions
 * is the draft (dg-templates.h; a blank schema when none matches).
 * Errors: INVALID, INFERENCE, NOT_CONFIGURED.
 */
void          dg_engine_draft_async        (DgEngine             *self,
                                            const char           *owner,
                                            const DgDraftRequest *request,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
DgDraft      *dg_engine_draft_finish       (DgEngine             *self,
                                            GAsyncResult         *result,
                                            GError              **error);
/*
 * A draft of a schema that was not drafted by a model (a template, a blank
 * schema built field by field): no model call, just the signed token, so that
 * confirm is the same for every schema. @request->endpoint is ignored.
 */
DgDraft      *dg_engine_draft_from_schema  (DgEngine             *self,
                                            const char           *owner,
                                            const DgDraftRequest *request,
                                            JsonNode             *schema,
                                            GError              **error);

/* ---- Confirm (upstream 1.11) --------------------------------------------------------- */

typedef struct {
  const char *token;                /* the draft token */
  JsonNode   *schema;               /* nullable: the user's edit, replacing the drafted schema */
  const char *backend;              /* nullable: "ratio1", "openai", "offline"; NULL: from @inference/config */
  JsonObject *inference;            /* nullable: details.inference (upstream 4.3): useExternalApi,
                                     * profileId, baseUrl, path, model, parameters */
  gboolean    allow_private_urls;   /* the desktop user and admins may use local model servers */
  gboolean    has_seed;
  guint64     seed;                 /* < 2^53; random when !has_seed */
  guint       concurrency;          /* requests in flight for this job (0: instance default) */
  guint       max_attempts;         /* per record (0: DATAGEMS_INFERENCE_MAX_ATTEMPTS) */
  gboolean    regenerate_duplicates;/* re-ask for exact duplicates so the job yields N distinct records */
} DgConfirmRequest;

/*
 * Creates the job (once per draft: confirming a draft again returns the same
 * job id), its peer slices, run record and metrics, and starts it here unless
 * the worker is disabled. Errors: INVALID_DRAFT, INVALID_SCHEMA (with
 * *@out_details [{"path","message"}] and *@out_warnings), NOT_CONFIGURED.
 */
void          dg_engine_confirm_async      (DgEngine               *self,
                                            const char             *owner,
                                            const DgConfirmRequest *request,
                                            GCancellable           *cancellable,
                                            GAsyncReadyCallback     callback,
                                            gpointer                user_data);
char         *dg_engine_confirm_finish     (DgEngine               *self,
                                            GAsyncResult           *result,
                                            JsonArray             **out_details,
                                            GPtrArray             **out_warnings,
                                            GError                **error);
char         *dg_engine_confirm            (DgEngine               *self,
                                            const char             *owner,
                                            const DgConfirmRequest *request,
                                            JsonArray             **out_details,
                                            GPtrArray             **out_warnings,
                                            GError                **error);

/* ---- Jobs ------------------------------------------------------------------------------ */

/* @owner's jobs, most recently updated first (DgJob*, without slices/details). */
GPtrArray    *dg_engine_list_jobs          (DgEngine      *self,
                                            const char    *owner,
                                            GError       **error);
void          dg_engine_list_jobs_async    (DgEngine      *self,
                                            const char    *owner,
                                            GCancellable  *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer       user_data);
GPtrArray    *dg_engine_list_jobs_finish   (DgEngine      *self,
                                            GAsyncResult  *result,
                                            GError       **error);

/* One job with slices, errors (first 100), details and run record. */
DgJob        *dg_engine_get_job            (DgEngine      *self,
                                            const char    *owner,
                                            const char    *job_id,
                                            GError       **error);
void          dg_engine_get_job_async      (DgEngine      *self,
                                            const char    *owner,
                                            const char    *job_id,
                                            GCancellable  *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer       user_data);
DgJob        *dg_engine_get_job_finish     (DgEngine      *self,
                                            GAsyncResult  *result,
                                            GError       **error);

/*
 * The last progress the runner reported for @job_id (status, counts, rate),
 * from memory: cheap, main context only. NULL when the engine knows nothing yet.
 */
DgJobProgress *dg_engine_get_progress      (DgEngine      *self,
                                            const char    *job_id);

typedef enum {
  DG_JOB_ACTION_PAUSE,          /* queued|running -> paused */
  DG_JOB_ACTION_RESUME,         /* paused -> running */
  DG_JOB_ACTION_CANCEL,         /* queued|running|paused -> cancelled */
  DG_JOB_ACTION_RETRY_FAILED,   /* failed records generated again; a finished job runs again */
  DG_JOB_ACTION_DELETE,         /* the job with its records */
} DgJobAction;

/* "pause", "resume", "cancel", "retry-failed", "delete" */
gboolean      dg_job_action_from_string    (const char    *name,
                                            DgJobAction   *out_action);

/* Errors: NOT_FOUND, STATE ("Job … is succeeded and cannot become paused"), BUSY. */
gboolean      dg_engine_control            (DgEngine      *self,
                                            const char    *owner,
                                            const char    *job_id,
                                            DgJobAction    action,
                                            GError       **error);
void          dg_engine_control_async      (DgEngine      *self,
                                            const char    *owner,
                                            const char    *job_id,
                                            DgJobAction    action,
                                            GCancellable  *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer       user_data);
gboolean      dg_engine_control_finish     (DgEngine      *self,
                                            GAsyncResult  *result,
                                            GError       **error);

/* ---- Records ----------------------------------------------------------------------- */

/* Stored records with index in [offset, offset + limit), for previews of any size. */
typedef struct {
  /*< private >*/
  gatomicrefcount ref_count;
  /*< public >*/
  GPtrArray *rows;           /* DgRecordRow*, index order; indices not stored yet are absent */
  gint64     offset;
  gint64     limit;
  gint64     total_records;  /* the job's size: the preview's row count */
  gint64     stored;         /* ok + failed stored so far */
} DgRecordPage;

#define DG_TYPE_RECORD_PAGE (dg_record_page_get_type ())
GType         dg_record_page_get_type      (void) G_GNUC_CONST;
DgRecordPage *dg_record_page_ref           (DgRecordPage  *page);
void          dg_record_page_unref         (DgRecordPage  *page);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DgRecordPage, dg_record_page_unref)

DgRecordPage *dg_engine_get_records        (DgEngine      *self,
                                            const char    *owner,
                                            const char    *job_id,
                                            gint64         offset,
                                            gint64         limit,
                                            GError       **error);
void          dg_engine_get_records_async  (DgEngine      *self,
                                            const char    *owner,
                                            const char    *job_id,
                                            gint64         offset,
                                            gint64         limit,
                                            GCancellable  *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer       user_data);
DgRecordPage *dg_engine_get_records_finish (DgEngine      *self,
                                            GAsyncResult  *result,
                                            GError       **error);

/* ---- Export -------------------------------------------------------------------------- */

typedef enum {
  DG_ENGINE_EXPORT_NONE       = 0,
  DG_ENGINE_EXPORT_WITH_INDEX = 1 << 0, /* JSONL lines {"i": index, "data": record} */
  DG_ENGINE_EXPORT_PARTIAL    = 1 << 1, /* allow unfinished jobs (upstream refuses: "Job not completed") */
} DgEngineExportFlags;

/*
 * Streams the export of @job_id to @out (not closed). Without PARTIAL only a
 * succeeded job is exported (upstream). Errors: NOT_FOUND, NOT_COMPLETED,
 * G_IO_ERROR_NO_SPACE ("the disk is full") and other write errors,
 * G_IO_ERROR_CANCELLED. @progress runs on the calling thread (blocking
 * variant) or on the engine's main context (async variants).
 */
gboolean      dg_engine_export             (DgEngine             *self,
                                            const char           *owner,
                                            const char           *job_id,
                                            DgExportFormat        format,
                                            DgEngineExportFlags   flags,
                                            GOutputStream        *out,
                                            DgExportProgressFunc  progress,
                                            gpointer              progress_data,
                                            GCancellable         *cancellable,
                                            GError              **error);
void          dg_engine_export_async       (DgEngine             *self,
                                            const char           *owner,
                                            const char           *job_id,
                                            DgExportFormat        format,
                                            DgEngineExportFlags   flags,
                                            GOutputStream        *out,
                                            DgExportProgressFunc  progress,
                                            gpointer              progress_data,
                                            GDestroyNotify        progress_destroy,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
/* To a file: written to a temporary file and renamed at the end, so a failed or
 * cancelled export leaves any existing file as it was. */
void          dg_engine_export_to_file_async (DgEngine           *self,
                                            const char           *owner,
                                            const char           *job_id,
                                            DgExportFormat        format,
                                            DgEngineExportFlags   flags,
                                            GFile                *file,
                                            DgExportProgressFunc  progress,
                                            gpointer              progress_data,
                                            GDestroyNotify        progress_destroy,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gboolean      dg_engine_export_finish      (DgEngine             *self,
                                            GAsyncResult         *result,
                                            GError              **error);
gboolean      dg_engine_export_to_file     (DgEngine             *self,
                                            const char           *owner,
                                            const char           *job_id,
                                            DgExportFormat        format,
                                            DgEngineExportFlags   flags,
                                            GFile                *file,
                                            DgExportProgressFunc  progress,
                                            gpointer              progress_data,
                                            GCancellable         *cancellable,
                                            GError              **error);

/* ---- Metrics (upstream 9, global) ------------------------------------------------------- */

DgMetrics    *dg_engine_get_metrics        (DgEngine      *self,
                                            GError       **error);
void          dg_engine_get_metrics_async  (DgEngine      *self,
                                            GCancellable  *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer       user_data);
DgMetrics    *dg_engine_get_metrics_finish (DgEngine      *self,
                                            GAsyncResult  *result,
                                            GError       **error);

/*
 * Signals (on the engine's main context):
 *   "job-added"   (const char *job_id, const char *owner)
 *   "job-changed" (const char *job_id, const char *owner): status or counts changed;
 *                 coalesced to at most four per second per job (status changes at once).
 *                 dg_engine_get_progress() has the new numbers.
 *   "job-removed" (const char *job_id, const char *owner)
 */

G_END_DECLS
