/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-export"

#include "config.h"

#include "dg-export-private.h"

/*
 * Scanning helpers over JSON text. Stored records are compact JSON as
 * JSON.stringify() writes it (dg-json-writer), so the exports work on the text
 * itself and never parse a record into a tree; the scanners still tolerate
 * whitespace, in case a record came from elsewhere.
 */

gboolean
dg_export_writer_flush (DgExportWriter *w)
{
  gsize written;

  if (w->error != NULL)
    return FALSE;
  if (w->len == 0)
    return TRUE;
  if (!g_output_stream_write_all (w->out, w->buf, w->len, &written, w->cancellable, &w->error))
    return FALSE;
  w->len = 0;
  return TRUE;
}

gsize
dg_export_skip_space (const char *s, gsize i, gsize len)
{
  while (i < len && dg_export_is_space (s[i]))
    i++;
  return i;
}

gsize
dg_export_string_end (const char *s, gsize i, gsize len)
{
  gsize start = i + 1;

  for (i = start; i < len;)
    {
      const char *quote = memchr (s + i, '"', len - i);
      gsize at, k;

      if (quote == NULL)
        return len;
      at = (gsize) (quote - s);
      /* Escaped when preceded by an odd run of backslashes (the run cannot reach past
       * the opening quote or an earlier escaped quote). */
      for (k = at; k > start && s[k - 1] == '\\'; k--)
        ;
      if ((at - k) % 2 == 0)
        return at + 1;
      i = at + 1;
    }
  return len;
}

gsize
dg_export_value_end (const char *s, gsize i, gsize len)
{
  guint depth = 0;

  if (i >= len)
    return len;
  if (s[i] == '"')
    return dg_export_string_end (s, i, len);
  if (s[i] != '{' && s[i] != '[')
    {
      while (i < len && s[i] != ',' && s[i] != '}' && s[i] != ']' && !dg_export_is_space (s[i]))
        i++;
      return i;
    }
  while (i < len)
    {
      char c = s[i];

      if (c == '"')
        {
          i = dg_export_string_end (s, i, len);
          continue;
        }
      if (c == '{' || c == '[')
        depth++;
      else if (c == '}' || c == ']')
        {
          if (--depth == 0)
            return i + 1;
        }
      i++;
    }
  return len;
}

void
dg_export_append_compact (GString *out, const char *s, gsize len)
{
  gsize i = 0;

  while (i < len)
    {
      if (s[i] == '"')
        {
          gsize end = dg_export_string_end (s, i, len);

          g_string_append_len (out, s + i, end - i);
          i = end;
          continue;
        }
      if (!dg_export_is_space (s[i]))
        g_string_append_c (out, s[i]);
      i++;
    }
}

gboolean
dg_export_report (gint64 done, gint64 total, DgExportProgressFunc progress, gpointer progress_data,
                  GCancellable *cancellable, GError **error)
{
  if (progress != NULL)
    progress (done, total, progress_data);
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

gboolean
dg_export_for_each_row (DgRecordCursor *cursor, gint64 total, DgExportRowFunc func,
                        gpointer user_data, gint64 progress_offset, gint64 progress_total,
                        DgExportProgressFunc progress, gpointer progress_data,
                        GCancellable *cancellable, GError **error)
{
  const char *data = NULL;
  gsize len = 0;
  gint64 idx = -1;
  gboolean have;
  GError *local_error = NULL;

  have = dg_record_cursor_next (cursor, &idx, &data, &len, &local_error);
  for (gint64 i = 0; i < total; i++)
    {
      if (local_error != NULL)
        break;
      if (have && idx == i)
        {
          if (!func (i, data, len, user_data))
            return FALSE;
          have = dg_record_cursor_next (cursor, &idx, &data, &len, &local_error);
        }
      else if (!func (i, NULL, 0, user_data))
        return FALSE;
      if ((i + 1) % DG_EXPORT_PROGRESS_EVERY == 0 &&
          !dg_export_report (progress_offset + i + 1, progress_total, progress, progress_data,
                             cancellable, error))
        return FALSE;
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}
