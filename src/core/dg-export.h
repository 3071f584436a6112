/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "dg-store.h"

G_BEGIN_DECLS

/*
 * Streaming exports of a job's records, straight from the store to a
 * GOutputStream, in constant memory whatever the job's size:
 *
 * - JSON: JSON.stringify (results, null, 2) of the array of total_records
 *   entries, failed and missing ones as null, no trailing newline (upstream 8).
 * - CSV: upstream 8: union header in first-seen order, non-objects (and
 *   null/failed rows) under a "value" column, nested values as compact JSON,
 *   a cell quoted iff it has ',', '"' or '\n', lines joined with '\n', no
 *   trailing newline. Unlike upstream, header names are quoted like cells
 *   (contract fix 12). Two streaming passes: keys, then rows.
 * - JSONL: one record per line (each ending in '\n') in index order, stored
 *   records only; with DG_EXPORT_WITH_INDEX each line is {"i":index,"data":record}.
 *
 * Refusing unfinished jobs is the caller's decision (the engine).
 */

#define DG_EXPORT_ERROR (dg_export_error_quark ())

typedef enum {
  DG_EXPORT_ERROR_FORMAT,    /* unknown format name or file extension */
} DgExportError;

GQuark dg_export_error_quark (void);

typedef enum {
  DG_EXPORT_FORMAT_JSON,
  DG_EXPORT_FORMAT_JSONL,
  DG_EXPORT_FORMAT_CSV,
} DgExportFormat;

typedef enum {
  DG_EXPORT_NONE       = 0,
  DG_EXPORT_WITH_INDEX = 1 << 0, /* JSONL lines as {"i": index, "data": record} */
} DgExportFlags;

/* "json", "jsonl" (also "ndjson"), "csv"; case-insensitive. */
gboolean     dg_export_format_from_string  (const char      *name,
                                            DgExportFormat  *out_format,
                                            GError         **error);
/* From a file name's extension (.json, .jsonl, .ndjson, .csv). */
gboolean     dg_export_format_from_path    (const char      *path,
                                            DgExportFormat  *out_format,
                                            GError         **error);
const char  *dg_export_format_to_string    (DgExportFormat   format);
/* "application/json", "application/jsonl", "text/csv" */
const char  *dg_export_format_content_type (DgExportFormat   format);
/* "json", "jsonl", "csv" */
const char  *dg_export_format_extension    (DgExportFormat   format);

/* Called from the exporting thread every few thousand rows and at the end. */
typedef void (*DgExportProgressFunc) (gint64   done,
                                      gint64   total,
                                      gpointer user_data);

/*
 * Writes the export of @job_id (whose size is @total_records) to @out, read
 * through a separate read-only connection of @store in one snapshot.
 * Blocking: run it on a worker thread. Write errors (a full disk:
 * G_IO_ERROR_NO_SPACE) come back with a clear message; @out is not closed.
 */
gboolean     dg_export_write               (DgStore               *store,
                                            const char            *job_id,
                                            gint64                 total_records,
                                            DgExportFormat         format,
                                            DgExportFlags          flags,
                                            GOutputStream         *out,
                                            DgExportProgressFunc   progress,
                                            gpointer               progress_data,
                                            GCancellable          *cancellable,
                                            GError               **error);

G_END_DECLS
