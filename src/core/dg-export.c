/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-export"

#include "config.h"

#include <string.h>

#include "dg-export.h"
#include "dg-store-records.h"

G_DEFINE_QUARK (dg - export - error - quark, dg_export_error)

#define BUFFER_SIZE (64 * 1024)
#define PROGRESS_EVERY 4096

/*
 * The stored records are compact JSON as JSON.stringify() writes it
 * (dg-json-writer), so the exports work on the text itself: re-indenting for
 * JSON, copying for JSONL, splitting top-level members for CSV. No record is
 * ever parsed into a tree, which keeps a million-record export fast and small.
 * The scanners still tolerate whitespace, in case a record came from elsewhere.
 */

typedef struct
{
  GOutputStream *out;
  GCancellable *cancellable;
  char *buf;
  gsize len;
  GError *error;
} Writer;

static gboolean
writer_flush (Writer *w)
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

static inline void
writer_put (Writer *w, const char *data, gsize len)
{
  if (w->error != NULL)
    return;
  if (w->len + len > BUFFER_SIZE)
    {
      if (!writer_flush (w))
        return;
      if (len > BUFFER_SIZE)
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
writer_putc (Writer *w, char c)
{
  if (w->len + 1 > BUFFER_SIZE && !writer_flush (w))
    return;
  if (w->error == NULL)
    w->buf[w->len++] = c;
}

static inline void
writer_puts (Writer *w, const char *s)
{
  writer_put (w, s, strlen (s));
}

static inline gboolean
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static gsize
skip_space (const char *s, gsize i, gsize len)
{
  while (i < len && is_space (s[i]))
    i++;
  return i;
}

/* Index just past the string whose opening quote is at @i. */
static gsize
string_end (const char *s, gsize i, gsize len)
{
  for (i++; i < len; i++)
    {
      if (s[i] == '\\')
        i++;
      else if (s[i] == '"')
        return i + 1;
    }
  return len;
}

/* Index just past the value starting at @i. */
static gsize
value_end (const char *s, gsize i, gsize len)
{
  guint depth = 0;

  if (i >= len)
    return len;
  if (s[i] == '"')
    return string_end (s, i, len);
  if (s[i] != '{' && s[i] != '[')
    {
      while (i < len && s[i] != ',' && s[i] != '}' && s[i] != ']' && !is_space (s[i]))
        i++;
      return i;
    }
  while (i < len)
    {
      char c = s[i];

      if (c == '"')
        {
          i = string_end (s, i, len);
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

static void
put_indent (Writer *w, guint level)
{
  static const char spaces[] = "                                                                ";

  writer_putc (w, '\n');
  level *= 2;
  while (level > 0)
    {
      guint n = MIN (level, sizeof spaces - 1);

      writer_put (w, spaces, n);
      level -= n;
    }
}

/* JSON.stringify (value, null, 2) of compact JSON text, nested at @level. */
static void
put_pretty (Writer *w, const char *s, gsize len, guint level)
{
  gsize i = 0;

  while (i < len)
    {
      char c = s[i];

      switch (c)
        {
        case '"':
          {
            gsize end = string_end (s, i, len);

            writer_put (w, s + i, end - i);
            i = end;
            continue;
          }
        case '{':
        case '[':
          {
            gsize next = skip_space (s, i + 1, len);

            if (next < len && s[next] == (c == '{' ? '}' : ']'))
              {
                writer_putc (w, c);
                writer_putc (w, s[next]);
                i = next + 1;
                continue;
              }
            writer_putc (w, c);
            put_indent (w, ++level);
            i = next;
            continue;
          }
        case '}':
        case ']':
          put_indent (w, level > 0 ? --level : 0);
          writer_putc (w, c);
          break;
        case ',':
          writer_putc (w, ',');
          put_indent (w, level);
          i = skip_space (s, i + 1, len);
          continue;
        case ':':
          writer_put (w, ": ", 2);
          i = skip_space (s, i + 1, len);
          continue;
        case ' ':
        case '\t':
        case '\n':
        case '\r':
          break;
        default:
          writer_putc (w, c);
          break;
        }
      i++;
    }
}

/* Appends compact JSON text of @s to @out (whitespace outside strings dropped). */
static void
append_compact (GString *out, const char *s, gsize len)
{
  gsize i = 0;

  while (i < len)
    {
      if (s[i] == '"')
        {
          gsize end = string_end (s, i, len);

          g_string_append_len (out, s + i, end - i);
          i = end;
          continue;
        }
      if (!is_space (s[i]))
        g_string_append_c (out, s[i]);
      i++;
    }
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static gunichar
read_hex4 (const char *s, gsize i, gsize len)
{
  gunichar u = 0;

  if (i + 4 > len)
    return 0xFFFD;
  for (gsize k = 0; k < 4; k++)
    {
      int v = hex_value (s[i + k]);

      if (v < 0)
        return 0xFFFD;
      u = (u << 4) | (gunichar) v;
    }
  return u;
}

/* The text of the JSON string at s[start, end) (quotes included), unescaped. */
static void
append_unescaped (GString *out, const char *s, gsize start, gsize end)
{
  gsize i = start + 1;
  gsize stop = end > start + 1 ? end - 1 : start + 1;

  while (i < stop)
    {
      const char *backslash = memchr (s + i, '\\', stop - i);
      gsize run_end = backslash != NULL ? (gsize) (backslash - s) : stop;

      g_string_append_len (out, s + i, run_end - i);
      i = run_end;
      if (i >= stop)
        break;
      i++; /* the backslash */
      if (i >= stop)
        break;
      switch (s[i])
        {
        case 'b':
          g_string_append_c (out, '\b');
          break;
        case 'f':
          g_string_append_c (out, '\f');
          break;
        case 'n':
          g_string_append_c (out, '\n');
          break;
        case 'r':
          g_string_append_c (out, '\r');
          break;
        case 't':
          g_string_append_c (out, '\t');
          break;
        case 'u':
          {
            gunichar u = read_hex4 (s, i + 1, stop);

            i += 4;
            if (u >= 0xD800 && u <= 0xDBFF && i + 6 < stop + 1 && s[i + 1] == '\\' &&
                s[i + 2] == 'u')
              {
                gunichar low = read_hex4 (s, i + 3, stop);

                if (low >= 0xDC00 && low <= 0xDFFF)
                  {
                    u = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00);
                    i += 6;
                  }
                else
                  u = 0xFFFD;
              }
            else if (u >= 0xD800 && u <= 0xDFFF)
              u = 0xFFFD;
            g_string_append_unichar (out, u);
            break;
          }
        default: /* '"', '\\', '/' */
          g_string_append_c (out, s[i]);
          break;
        }
      i++;
    }
}

static void
put_csv_text (Writer *w, const char *text, gsize len)
{
  gboolean quote = FALSE;

  for (gsize i = 0; i < len && !quote; i++)
    quote = text[i] == ',' || text[i] == '"' || text[i] == '\n';
  if (!quote)
    {
      writer_put (w, text, len);
      return;
    }
  writer_putc (w, '"');
  for (gsize i = 0; i < len; i++)
    {
      if (text[i] == '"')
        writer_putc (w, '"');
      writer_putc (w, text[i]);
    }
  writer_putc (w, '"');
}

/* One cell from the value at s[start, end): null -> empty, string -> its text, else JSON. */
static void
put_csv_value (Writer *w, GString *scratch, const char *s, gsize start, gsize end)
{
  g_string_truncate (scratch, 0);
  if (start >= end || (end - start == 4 && memcmp (s + start, "null", 4) == 0))
    return;
  if (s[start] == '"')
    append_unescaped (scratch, s, start, end);
  else
    append_compact (scratch, s + start, end - start);
  put_csv_text (w, scratch->str, scratch->len);
}

typedef struct
{
  gsize key_start, key_end, value_start, value_end;
} Member;

/* Splits the object at s[0, len) into its top-level members. FALSE if it is not an object. */
static gboolean
split_object (const char *s, gsize len, GArray *members)
{
  gsize i = skip_space (s, 0, len);

  g_array_set_size (members, 0);
  if (i >= len || s[i] != '{')
    return FALSE;
  i = skip_space (s, i + 1, len);
  while (i < len && s[i] != '}')
    {
      Member m;

      if (s[i] != '"')
        return FALSE;
      m.key_start = i;
      m.key_end = string_end (s, i, len);
      i = skip_space (s, m.key_end, len);
      if (i >= len || s[i] != ':')
        return FALSE;
      m.value_start = skip_space (s, i + 1, len);
      m.value_end = value_end (s, m.value_start, len);
      g_array_append_val (members, m);
      i = skip_space (s, m.value_end, len);
      if (i < len && s[i] == ',')
        i = skip_space (s, i + 1, len);
    }
  return TRUE;
}

typedef struct
{
  GPtrArray *keys;   /* char *, first-seen order */
  GHashTable *index; /* key -> position + 1 */
} Header;

static guint
header_add (Header *h, const char *key)
{
  guint pos = GPOINTER_TO_UINT (g_hash_table_lookup (h->index, key));

  if (pos != 0)
    return pos - 1;
  g_ptr_array_add (h->keys, g_strdup (key));
  g_hash_table_insert (h->index, g_ptr_array_index (h->keys, h->keys->len - 1),
                       GUINT_TO_POINTER (h->keys->len));
  return h->keys->len - 1;
}

static const char *
member_key (GString *scratch, const char *s, const Member *m)
{
  g_string_truncate (scratch, 0);
  append_unescaped (scratch, s, m->key_start, m->key_end);
  return scratch->str;
}

static gboolean
report (gint64 done, gint64 total, DgExportProgressFunc progress, gpointer progress_data,
        GCancellable *cancellable, GError **error)
{
  if (progress != NULL)
    progress (done, total, progress_data);
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

/* Walks indices 0..total-1, giving each index its record or NULL. */
typedef gboolean (*RowFunc) (gint64 index, const char *data, gsize len, gpointer user_data);

static gboolean
for_each_row (DgRecordCursor *cursor, gint64 total, RowFunc func, gpointer user_data,
              gint64 progress_offset, gint64 progress_total, DgExportProgressFunc progress,
              gpointer progress_data, GCancellable *cancellable, GError **error)
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
      if ((i + 1) % PROGRESS_EVERY == 0 && !report (progress_offset + i + 1, progress_total,
                                                    progress, progress_data, cancellable, error))
        return FALSE;
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  Writer *w;
  Header header;
  GArray *members;
  GString *scratch;
  GString *key_scratch;
  Member *cells; /* per header column, for the current row */
  guint n_cells;
  gboolean first_line;
} CsvState;

static gboolean
csv_collect_keys (gint64 index, const char *data, gsize len, gpointer user_data)
{
  CsvState *st = user_data;

  if (data == NULL || !split_object (data, len, st->members))
    {
      header_add (&st->header, "value");
      return TRUE;
    }
  for (guint m = 0; m < st->members->len; m++)
    header_add (&st->header,
                member_key (st->key_scratch, data, &g_array_index (st->members, Member, m)));
  return TRUE;
}

static gboolean
csv_write_row (gint64 index, const char *data, gsize len, gpointer user_data)
{
  CsvState *st = user_data;
  Writer *w = st->w;

  memset (st->cells, 0, sizeof (Member) * st->n_cells);
  if (data != NULL && split_object (data, len, st->members))
    {
      for (guint m = 0; m < st->members->len; m++)
        {
          Member *member = &g_array_index (st->members, Member, m);
          const char *key = member_key (st->key_scratch, data, member);
          guint pos = GPOINTER_TO_UINT (g_hash_table_lookup (st->header.index, key));

          if (pos != 0)
            st->cells[pos - 1] = *member; /* a repeated key: the last one wins, as in JS */
        }
    }
  else
    {
      guint pos = GPOINTER_TO_UINT (g_hash_table_lookup (st->header.index, "value"));

      if (pos != 0 && data != NULL)
        {
          st->cells[pos - 1].value_start = skip_space (data, 0, len);
          st->cells[pos - 1].value_end = len;
        }
    }

  writer_putc (w, '\n');
  for (guint c = 0; c < st->n_cells; c++)
    {
      if (c > 0)
        writer_putc (w, ',');
      if (st->cells[c].value_end > st->cells[c].value_start)
        put_csv_value (w, st->scratch, data, st->cells[c].value_start, st->cells[c].value_end);
    }
  return w->error == NULL;
}

static gboolean
export_csv (Writer *w, DgRecordCursor *cursor, gint64 total, DgExportProgressFunc progress,
            gpointer progress_data, GCancellable *cancellable, GError **error)
{
  CsvState st = { 0 };
  gboolean ok = FALSE;

  st.w = w;
  st.header.keys = g_ptr_array_new_with_free_func (g_free);
  st.header.index = g_hash_table_new (g_str_hash, g_str_equal);
  st.members = g_array_new (FALSE, FALSE, sizeof (Member));
  st.scratch = g_string_sized_new (256);
  st.key_scratch = g_string_sized_new (64);

  /* Pass 1: the union of keys in first-seen order. */
  if (!for_each_row (cursor, total, csv_collect_keys, &st, 0, total * 2, progress, progress_data,
                     cancellable, error))
    goto out;

  /* No keys at all: the body is empty (upstream). */
  if (st.header.keys->len > 0)
    {
      for (guint k = 0; k < st.header.keys->len; k++)
        {
          const char *key = g_ptr_array_index (st.header.keys, k);

          if (k > 0)
            writer_putc (w, ',');
          put_csv_text (w, key, strlen (key));
        }
      st.n_cells = st.header.keys->len;
      st.cells = g_new0 (Member, st.n_cells);

      /* Pass 2: the rows, in the same snapshot. */
      if (!dg_record_cursor_rewind (cursor, error) ||
          !for_each_row (cursor, total, csv_write_row, &st, total, total * 2, progress,
                         progress_data, cancellable, error))
        goto out;
    }
  ok = TRUE;

out:
  g_free (st.cells);
  g_string_free (st.key_scratch, TRUE);
  g_string_free (st.scratch, TRUE);
  g_array_unref (st.members);
  g_hash_table_unref (st.header.index);
  g_ptr_array_unref (st.header.keys);
  return ok;
}

static gboolean
json_write_row (gint64 index, const char *data, gsize len, gpointer user_data)
{
  Writer *w = user_data;

  writer_put (w, index > 0 ? ",\n  " : "\n  ", index > 0 ? 4 : 3);
  if (data == NULL)
    writer_put (w, "null", 4);
  else
    put_pretty (w, data, len, 1);
  return w->error == NULL;
}

static gboolean
export_json (Writer *w, DgRecordCursor *cursor, gint64 total, DgExportProgressFunc progress,
             gpointer progress_data, GCancellable *cancellable, GError **error)
{
  if (total == 0)
    {
      writer_put (w, "[]", 2);
      return TRUE;
    }
  writer_putc (w, '[');
  if (!for_each_row (cursor, total, json_write_row, w, 0, total, progress, progress_data,
                     cancellable, error))
    return FALSE;
  writer_put (w, "\n]", 2);
  return TRUE;
}

/* A record on one line: stored records are compact already; others are compacted. */
static void
put_line (Writer *w, GString *scratch, const char *data, gsize len)
{
  if (memchr (data, '\n', len) == NULL && memchr (data, '\r', len) == NULL)
    {
      writer_put (w, data, len);
      return;
    }
  g_string_truncate (scratch, 0);
  append_compact (scratch, data, len);
  writer_put (w, scratch->str, scratch->len);
}

static gboolean
export_jsonl (Writer *w, DgRecordCursor *cursor, gint64 total, DgExportFlags flags,
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

          writer_put (w, prefix,
                      (gsize) g_snprintf (prefix, sizeof prefix,
                                          "{\"i\":%" G_GINT64_FORMAT ",\"data\":", idx));
          put_line (w, scratch, data, len);
          writer_put (w, "}\n", 2);
        }
      else
        {
          put_line (w, scratch, data, len);
          writer_putc (w, '\n');
        }
      if (++n % PROGRESS_EVERY == 0 &&
          !report (idx + 1, total, progress, progress_data, cancellable, error))
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
  Writer w = { 0 };
  gboolean ok = FALSE;

  g_return_val_if_fail (DG_IS_STORE (store), FALSE);
  g_return_val_if_fail (job_id != NULL, FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), FALSE);
  g_return_val_if_fail (total_records >= 0, FALSE);

  cursor = dg_store_record_cursor_new (store, job_id, error);
  if (cursor == NULL)
    return FALSE;

  buffer = g_malloc (BUFFER_SIZE);
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
      ok = export_csv (&w, cursor, total_records, progress, progress_data, cancellable, error);
      break;
    default:
      g_return_val_if_reached (FALSE);
    }

  if (ok && writer_flush (&w))
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
    report (format == DG_EXPORT_FORMAT_CSV ? total_records * 2 : total_records,
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
