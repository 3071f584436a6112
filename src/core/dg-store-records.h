/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "dg-store.h"

G_BEGIN_DECLS

/*
 * Records and their attempts. The records table's key (job_id, idx) makes
 * each index stored exactly once: a batch that contains an index already
 * stored (a resumed job racing a crash) simply skips it, and its counts are
 * not added twice.
 */

/* One model call made for a record. */
typedef struct {
  guint    attempt;           /* 1-based */
  char    *outcome;           /* dg_inference_outcome_to_string(), "ok", "duplicate", ... */
  char    *detail;            /* error or reason, or NULL */
  guint    http_status;       /* 0: none */
  gint64   duration_ms;
  gint64   prompt_tokens;     /* -1: unknown */
  gint64   completion_tokens; /* -1: unknown */
  gint64   created_at_ms;
} DgStoreAttempt;

void            dg_store_attempt_clear     (DgStoreAttempt *attempt);

/* One record ready to be stored, with what it cost. */
typedef struct {
  gint64   index;
  gboolean ok;
  char    *data;              /* compact JSON (dg_json_to_string), ok records */
  char    *error;             /* why it failed, failed records */
  char    *fingerprint;       /* dg_json_fingerprint(), ok records */
  guint    attempts;          /* model calls made for this index */
  gint64   created_at_ms;
  GArray  *attempt_log;       /* DgStoreAttempt, or NULL */
  /* Added to the job's totals when (and only when) the record is stored: */
  guint    retries;           /* attempts that did not give the record */
  guint    duplicates;        /* duplicate outputs seen for this index (stored or regenerated) */
  gint64   prompt_tokens;
  gint64   completion_tokens;
  gint64   model_ms;
} DgStoreRecord;

DgStoreRecord  *dg_store_record_new        (gint64          index);
void            dg_store_record_free       (DgStoreRecord  *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DgStoreRecord, dg_store_record_free)

/*
 * Stores a batch of @records (DgStoreRecord*) of @peer_id's slice in one
 * transaction, with their attempts, the slice and job counters, token usage
 * and the metrics. *@out_ok / *@out_failed: records actually inserted.
 */
gboolean        dg_store_records_commit    (DgStore        *store,
                                            const char     *job_id,
                                            const char     *peer_id,
                                            GPtrArray      *records,
                                            gint64         *out_ok,
                                            gint64         *out_failed,
                                            GError        **error);

typedef enum {
  DG_STORE_COMMIT_NONE                = 0,
  /* Count ok records whose fingerprint the job already has (record->duplicates += 1). */
  DG_STORE_COMMIT_COUNT_DUPLICATES    = 1 << 0,
  /* Do not store them: hand them back in *out_refused (for regeneration). */
  DG_STORE_COMMIT_REFUSE_DUPLICATES   = 1 << 1,
} DgStoreCommitFlags;

/*
 * dg_store_records_commit() with duplicate handling done inside the same
 * transaction (one lock for the whole batch, not one query per record).
 * *@out_refused (with REFUSE_DUPLICATES) receives the refused records
 * (removed from @records), or NULL when there were none.
 */
gboolean        dg_store_records_commit_full (DgStore           *store,
                                              const char        *job_id,
                                              const char        *peer_id,
                                              GPtrArray         *records,
                                              DgStoreCommitFlags flags,
                                              GPtrArray        **out_refused,
                                              gint64            *out_ok,
                                              gint64            *out_failed,
                                              GError           **error);

/*
 * Which indices of [@start, @end) are stored: a bitmap of (end - start + 7) / 8
 * bytes where bit (i - start) is set for a stored index i. *@out_count: how many.
 */
guint8         *dg_store_records_stored    (DgStore        *store,
                                            const char     *job_id,
                                            gint64          start,
                                            gint64          end,
                                            gint64         *out_count,
                                            GError        **error);

/* Whether an ok record of @job_id has this fingerprint. */
gboolean        dg_store_records_has_fingerprint (DgStore    *store,
                                                  const char *job_id,
                                                  const char *fingerprint,
                                                  gboolean   *out_found,
                                                  GError    **error);

/* A stored record, for previews. */
typedef struct {
  gint64   index;
  gboolean ok;
  char    *data;          /* compact JSON or NULL */
  char    *error;         /* or NULL */
  guint    attempts;
  gint64   created_at_ms;
} DgRecordRow;

void            dg_record_row_free         (DgRecordRow    *row);
/* {"i": index, "ok": bool, "data"|"error": ..., "attempts": n} */
JsonObject     *dg_record_row_to_json      (const DgRecordRow *row);

/*
 * Stored records with index in [@first, @first + @limit), in index order
 * (indices not stored yet are absent). Cheap at any offset of a large job.
 */
GPtrArray      *dg_store_records_range     (DgStore        *store,
                                            const char     *job_id,
                                            gint64          first,
                                            gint64          limit,
                                            GError        **error);
/* Every attempt of one record, in order (DgStoreAttempt). */
GArray         *dg_store_record_attempts   (DgStore        *store,
                                            const char     *job_id,
                                            gint64          index,
                                            GError        **error);

/*
 * DgRecordCursor: the ok records of a job in index order, read through a
 * separate read-only connection inside one read transaction, so a long export
 * sees one consistent snapshot and never blocks the runner's writes.
 * Single-thread use; memory stays constant whatever the job's size.
 */
typedef struct _DgRecordCursor DgRecordCursor;

DgRecordCursor *dg_store_record_cursor_new (DgStore        *store,
                                            const char     *job_id,
                                            GError        **error);
/* The next ok record: TRUE with *@out_data (compact JSON, borrowed until the next call);
 * FALSE at the end (@error unset) or on a read error (@error set). */
gboolean        dg_record_cursor_next      (DgRecordCursor *cursor,
                                            gint64         *out_index,
                                            const char    **out_data,
                                            gsize          *out_length,
                                            GError        **error);
/* Starts again from the first record, in the same snapshot. */
gboolean        dg_record_cursor_rewind    (DgRecordCursor *cursor,
                                            GError        **error);
void            dg_record_cursor_free      (DgRecordCursor *cursor);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DgRecordCursor, dg_record_cursor_free)

G_END_DECLS
