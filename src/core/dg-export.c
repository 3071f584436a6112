/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-export"

#include "config.h"

#include "dg-export-private.h"

G_DEFINE_QUARK (dg - export - error - quark, dg_export_error)

/*
 * JSON and JSONL work on the stored text: re-indenting for JSON, copying for
 * JSONL. No record is ever parsed into a tree, which keeps a million-record
 * export fast and small.
 */

static void
put_indent (DgExportWriter *w, guint level)
{
  static const char spaces[] = "                                                                ";

  dg_export_writer_putc (w, '\n');
  level *= 2;
  while (level > 0)
    {
      guint n = MIN (level, sizeof spaces - 1);

      dg_export_writer_put (w, spaces, n);
      level -= n;
    }
}

static void
put_pretty (DgExportWriter *w, const char *s, gsize len, guint level)
{
  gsize i = 0;

  while (i < len)
    {
      char c = s[i];

      switch (c)
        {
        case '"':
          {
            gsize end = dg_export_string_end (s, i, len);

            dg_export_writer_put (w, s + i, end - i);
            i = end;
            continue;
          }
        case '{':
        case '[':
          {
            gsize next = dg_export_skip_space (s, i + 1, len);

            if (next < len && s[next] == (c == '{' ? '}' : ']'))
              {
                dg_export_writer_putc (w, c);
                dg_export_writer_putc (w, s[next]);
                i = next + 1;
                continue;
              }
            dg_export_writer_putc (w, c);
            put_indent (w, ++level);
            i = next;
            continue;
          }
        case '}':
        case ']':
          put_indent (w, level > 0 ? --level : 0);
          dg_export_writer_putc (w, c);
          break;
        case ',':
          dg_export_writer_putc (w, ',');
          put_indent (w, level);
          i = dg_export_skip_space (s, i + 1, len);
          continue;
        case ':':
          dg_export_writer_put (w, ": ", 2);
          i = dg_export_skip_space (s, i + 1, len);
          continue;
        case ' ':
        case '\t':
        case '\n':
        case '\r':
          break;
        default:
          dg_export_writer_putc (w, c);
          break;
        }
      i++;
    }
}

static gboolean
json_write_row (gint64 index, const char *data, gsize len, gpointer user_data)
{
  DgExportWriter *w = user_data;

  dg_export_writer_put (w, index > 0 ? ",\n  " : "\n  ", index > 0 ? 4 : 3);
  if (data == NULL)
    dg_export_writer_put (w, "null", 4);
  else
    put_pretty (w, data, len, 1);
  return w->error == NULL;
}

static gboolean
export_json (DgExportWriter *w, DgRecordCursor *cursor, gint64 total, DgExportProgressFunc progress,
             gpointer progress_data, GCancellable *cancellable, GError **error)
{
  if (total == 0)
    {
      dg_export_writer_put (w, "[]", 2);
      return TRUE;
    }
  dg_export_writer_putc (w, '[');
  if (!dg_export_for_each_row (cursor, total, json_write_row, w, 0, total, progress, progress_data,
                               cancellable, error))
    return FALSE;
  dg_export_writer_put (w, "\n]", 2);
  return TRUE;
}

/* A record on one line: stored records are compact already; others are compacted. */
static void
put_line (DgExportWriter *w, GString *scratch, const char *data, gsize len)
{
  if (memchr (data, '\n', len) == NULL && memchr (data, '\r', len) == NULL)
    {
      dg_export_writer_put (w, data, len);
      return;
    }
  g_string_truncate (scratch, 0);
  dg_export_append_compact (scratch, data, len);
  dg_export_writer_put (w, scratch->str, scratch->len);
}

static gboolean
export_jsonl (DgExportWriter *w, DgRecordCursor *cursor, gint64 total, DgExportFlags flags,
              DgExportProgressFunc progress, gpointer progress_data, GCancellable *cancellable,
              GError **error)
{
  g_autoptr (GString) scratch = g_string_new (NULL);
  GError *local_error = NULL;
  const char *data;
  gsize len;
  gint64 idx, n = 0;

  while (w->error == NULL && dg_record_cursor_next (cursor, &idx, &data, &len, &local_error))
    {
      if (idx >= total)
        break;
      if (flags & DG_EXPORT_WITH_INDEX)
        {
          char prefix[48];

          dg_export_writer_put (w, prefix,
                                (gsize) g_snprintf (prefix, sizeof prefix,
                                                    "{\"i\":%" G_GINT64_FORMAT ",\"data\":", idx));
          put_line (w, scratch, data, len);
          dg_export_writer_put (w, "}\n", 2);
        }
      else
        {
          put_line (w, scratch, data, len);
          dg_export_writer_putc (w, '\n');
        }
      if (++n % DG_EXPORT_PROGRESS_EVERY == 0 &&
          !dg_export_report (idx + 1, total, progress, progress_data, cancellable, error))
        return FALSE;
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

/**
 * dg_export_write:
 * @total_records: the job's size: JSON and CSV have exactly this many rows
 *
 * Streams the export. Returns FALSE with @error on a read, write or
 * cancellation error; what was written to @out before is left there.
 */
gboolean
dg_export_write (DgStore *store, const char *job_id, gint64 total_records, DgExportFormat format,
                 DgExportFlags flags, GOutputStream *out, DgExportProgressFunc progress,
                 gpointer progress_data, GCancellable *cancellable, GError **error)
{
  g_autoptr (DgRecordCursor) cursor = NULL;
  g_autofree char *buffer = NULL;
  DgExportWriter w = { 0 };
  gboolean ok = FALSE;

  g_return_val_if_fail (DG_IS_STORE (store), FALSE);
  g_return_val_if_fail (job_id != NULL, FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), FALSE);
  g_return_val_if_fail (total_records >= 0, FALSE);

  cursor = dg_store_record_cursor_new (store, job_id, error);
  if (cursor == NULL)
    return FALSE;

  buffer = g_malloc (DG_EXPORT_BUFFER_SIZE);
  w.out = out;
  w.cancellable = cancellable;
  w.buf = buffer;

  switch (format)
    {
    case DG_EXPORT_FORMAT_JSON:
      ok = export_json (&w, cursor, total_records, progress, progress_data, cancellable, error);
      break;
    case DG_EXPORT_FORMAT_JSONL:
      ok = export_jsonl (&w, cursor, total_records, flags, progress, progress_data, cancellable,
                         error);
      break;
    case DG_EXPORT_FORMAT_CSV:
      ok = dg_export_csv (&w, cursor, total_records, progress, progress_data, cancellable, error);
      break;
    default:
      g_return_val_if_reached (FALSE);
    }

  if (ok && dg_export_writer_flush (&w))
    ok = g_output_stream_flush (out, cancellable, &w.error);
  if (w.error != NULL)
    {
      if (g_error_matches (w.error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                     "Cannot write the export: the disk is full (no space left on device)");
      else if (g_error_matches (w.error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&w.error));
      else
        g_set_error (error, w.error->domain, w.error->code, "Cannot write the export: %s",
                     w.error->message);
      g_clear_error (&w.error);
      return FALSE;
    }
  if (ok)
    dg_export_report (format == DG_EXPORT_FORMAT_CSV ? total_records * 2 : total_records,
                      format == DG_EXPORT_FORMAT_CSV ? total_records * 2 : total_records, progress,
                      progress_data, NULL, NULL);
  return ok;
}

gboolean
dg_export_format_from_string (const char *name, DgExportFormat *out_format, GError **error)
{
  g_return_val_if_fail (out_format != NULL, FALSE);

  if (name != NULL && g_ascii_strcasecmp (name, "json") == 0)
    *out_format = DG_EXPORT_FORMAT_JSON;
  else if (name != NULL &&
           (g_ascii_strcasecmp (name, "jsonl") == 0 || g_ascii_strcasecmp (name, "ndjson") == 0))
    *out_format = DG_EXPORT_FORMAT_JSONL;
  else if (name != NULL && g_ascii_strcasecmp (name, "csv") == 0)
    *out_format = DG_EXPORT_FORMAT_CSV;
  else
    {
      g_set_error (error, DG_EXPORT_ERROR, DG_EXPORT_ERROR_FORMAT,
                   "Unknown export format “%s” (use json, jsonl or csv)", name ? name : "");
      return FALSE;
    }
  return TRUE;
}

gboolean
dg_export_format_from_path (const char *path, DgExportFormat *out_format, GError **error)
{
  const char *dot = path != NULL ? strrchr (path, '.') : NULL;
  const char *slash = path != NULL ? strrchr (path, '/') : NULL;

  if (dot == NULL || (slash != NULL && dot < slash) ||
      !dg_export_format_from_string (dot + 1, out_format, NULL))
    {
      g_set_error (error, DG_EXPORT_ERROR, DG_EXPORT_ERROR_FORMAT,
                   "Cannot tell the format of “%s” from its extension (use .json, .jsonl or .csv)",
                   path != NULL ? path : "");
      return FALSE;
    }
  return TRUE;
}

const char *
dg_export_format_to_string (DgExportFormat format)
{
  switch (format)
    {
    case DG_EXPORT_FORMAT_JSONL:
      return "jsonl";
    case DG_EXPORT_FORMAT_CSV:
      return "csv";
    case DG_EXPORT_FORMAT_JSON:
    default:
      return "json";
    }
}

const char *
dg_export_format_content_type (DgExportFormat format)
{
  switch (format)
    {
    case DG_EXPORT_FORMAT_JSONL:
      return "application/jsonl";
    case DG_EXPORT_FORMAT_CSV:
      return "text/csv";
    case DG_EXPORT_FORMAT_JSON:
    default:
      return "application/json";
    }
}

const char *
dg_export_format_extension (DgExportFormat format)
{
  return dg_export_format_to_string (format);
}
