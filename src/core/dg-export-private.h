/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Shared by the dg-export*.c files only. */

#include <string.h>

#include "dg-export.h"
#include "dg-store-records.h"

G_BEGIN_DECLS

#define DG_EXPORT_BUFFER_SIZE (64 * 1024)
#define DG_EXPORT_PROGRESS_EVERY 4096

/* Output buffered in 64 KiB blocks; the first write error sticks and stops the rest. */
typedef struct
{
  GOutputStream *out;
  GCancellable *cancellable;
  char *buf;
  gsize len;
  GError *error;
} DgExportWriter;

gboolean dg_export_writer_flush (DgExportWriter *w);

static inline void
dg_export_writer_put (DgExportWriter *w, const char *data, gsize len)
{
  if (w->error != NULL)
    return;
  if (w->len + len > DG_EXPORT_BUFFER_SIZE)
    {
      if (!dg_export_writer_flush (w))
        return;
      if (len > DG_EXPORT_BUFFER_SIZE)
        {
          gsize written;

          g_output_stream_write_all (w->out, data, len, &written, w->cancellable, &w->error);
          return;
        }
    }
  memcpy (w->buf + w->len, data, len);
  w->len += len;
}

static inline void
dg_export_writer_putc (DgExportWriter *w, char c)
{
  if (w->len + 1 > DG_EXPORT_BUFFER_SIZE && !dg_export_writer_flush (w))
    return;
  if (w->error == NULL)
    w->buf[w->len++] = c;
}

static inline gboolean
dg_export_is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Scanners over JSON text: each returns the index just past what it skipped. */
gsize    dg_export_skip_space     (const char *s,
                                   gsize       i,
                                   gsize       len);
gsize    dg_export_string_end     (const char *s,
                                   gsize       i,
                                   gsize       len);
gsize    dg_export_value_end      (const char *s,
                                   gsize       i,
                                   gsize       len);
/* Appends compact JSON text of @s (whitespace outside strings dropped). */
void     dg_export_append_compact (GString    *out,
                                   const char *s,
                                   gsize       len);

gboolean dg_export_report         (gint64                done,
                                   gint64                total,
                                   DgExportProgressFunc  progress,
                                   gpointer              progress_data,
                                   GCancellable         *cancellable,
                                   GError              **error);

/* Called for each index 0..total-1 with its record's text, or NULL when it has none. */
typedef gboolean (*DgExportRowFunc) (gint64      index,
                                     const char *data,
                                     gsize       len,
                                     gpointer    user_data);

gboolean dg_export_for_each_row   (DgRecordCursor       *cursor,
                                   gint64                total,
                                   DgExportRowFunc       func,
                                   gpointer              user_data,
                                   gint64                progress_offset,
                                   gint64                progress_total,
                                   DgExportProgressFunc  progress,
                                   gpointer              progress_data,
                                   GCancellable         *cancellable,
                                   GError              **error);

/* dg-export-csv.c */
gboolean dg_export_csv            (DgExportWriter       *w,
                                   DgRecordCursor       *cursor,
                                   gint64                total,
                                   DgExportProgressFunc  progress,
                                   gpointer              progress_data,
                                   GCancellable         *cancellable,
                                   GError              **error);

G_END_DECLS
