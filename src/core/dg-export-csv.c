/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-export"

#include "config.h"

#include "dg-export-private.h"

/* CSV as upstream section 8 writes it, with header names quoted like cells (contract fix 12). */

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

/* Characters that make a cell quoted (upstream: ',', '"', '\n'; a lone '\r' does not). */
static inline gboolean
needs_quotes (const char *text, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (text[i] == ',' || text[i] == '"' || text[i] == '\n')
      return TRUE;
  return FALSE;
}

static void
put_csv_text (DgExportWriter *w, const char *text, gsize len)
{
  gsize run = 0;

  if (!needs_quotes (text, len))
    {
      dg_export_writer_put (w, text, len);
      return;
    }
  dg_export_writer_putc (w, '"');
  for (gsize i = 0; i < len; i++)
    if (text[i] == '"')
      {
        /* Doubled: the run up to and including this quote, then one more. */
        dg_export_writer_put (w, text + run, i + 1 - run);
        dg_export_writer_putc (w, '"');
        run = i + 1;
      }
  dg_export_writer_put (w, text + run, len - run);
  dg_export_writer_putc (w, '"');
}

static gboolean
has_space (const char *s, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r')
      return TRUE;
  return FALSE;
}

/*
 * One cell from the value at s[start, end): null -> empty, string -> its text, else compact
 * JSON. Stored records are compact already, so most values are written straight from the
 * record text.
 */
static void
put_csv_value (DgExportWriter *w, GString *scratch, const char *s, gsize start, gsize end)
{
  if (start >= end || (end - start == 4 && memcmp (s + start, "null", 4) == 0))
    return;
  if (s[start] == '"')
    {
      if (end - start >= 2 && memchr (s + start + 1, '\\', end - start - 2) == NULL)
        {
          put_csv_text (w, s + start + 1, end - start - 2);
          return;
        }
      g_string_truncate (scratch, 0);
      append_unescaped (scratch, s, start, end);
    }
  else
    {
      if (!has_space (s + start, end - start))
        {
          put_csv_text (w, s + start, end - start);
          return;
        }
      g_string_truncate (scratch, 0);
      dg_export_append_compact (scratch, s + start, end - start);
    }
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
  gsize i = dg_export_skip_space (s, 0, len);

  g_array_set_size (members, 0);
  if (i >= len || s[i] != '{')
    return FALSE;
  i = dg_export_skip_space (s, i + 1, len);
  while (i < len && s[i] != '}')
    {
      Member m;

      if (s[i] != '"')
        return FALSE;
      m.key_start = i;
      m.key_end = dg_export_string_end (s, i, len);
      i = dg_export_skip_space (s, m.key_end, len);
      if (i >= len || s[i] != ':')
        return FALSE;
      m.value_start = dg_export_skip_space (s, i + 1, len);
      m.value_end = dg_export_value_end (s, m.value_start, len);
      g_array_append_val (members, m);
      i = dg_export_skip_space (s, m.value_end, len);
      if (i < len && s[i] == ',')
        i = dg_export_skip_space (s, i + 1, len);
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

/*
 * The keys of the previous record, as raw text, and their header columns: records of a job
 * nearly always have the same keys in the same order, so a memcmp replaces decoding and
 * hashing every key of every record.
 */
typedef struct
{
  GString *raw;      /* the raw key spans (quotes included), one after the other */
  GArray *positions; /* guint header column + 1 per member (0: none) */
  gboolean valid;
} KeyCache;

static gboolean
key_cache_matches (KeyCache *cache, const char *data, GArray *members)
{
  gsize offset = 0;

  if (!cache->valid || members->len != cache->positions->len)
    return FALSE;
  for (guint m = 0; m < members->len; m++)
    {
      Member *member = &g_array_index (members, Member, m);
      gsize len = member->key_end - member->key_start;

      if (offset + len > cache->raw->len ||
          memcmp (cache->raw->str + offset, data + member->key_start, len) != 0)
        return FALSE;
      offset += len;
    }
  return offset == cache->raw->len;
}

static void
key_cache_remember (KeyCache *cache, const char *data, GArray *members, const guint *positions)
{
  g_string_truncate (cache->raw, 0);
  g_array_set_size (cache->positions, 0);
  for (guint m = 0; m < members->len; m++)
    {
      Member *member = &g_array_index (members, Member, m);
      guint position = positions != NULL ? positions[m] : 0;

      g_string_append_len (cache->raw, data + member->key_start,
                           member->key_end - member->key_start);
      g_array_append_val (cache->positions, position);
    }
  cache->valid = TRUE;
}

typedef struct
{
  DgExportWriter *w;
  KeyCache cache;
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
  if (key_cache_matches (&st->cache, data, st->members))
    return TRUE; /* the same keys as the record before: nothing new */
  for (guint m = 0; m < st->members->len; m++)
    header_add (&st->header,
                member_key (st->key_scratch, data, &g_array_index (st->members, Member, m)));
  key_cache_remember (&st->cache, data, st->members, NULL);
  return TRUE;
}

static gboolean
csv_write_row (gint64 index, const char *data, gsize len, gpointer user_data)
{
  CsvState *st = user_data;
  DgExportWriter *w = st->w;

  memset (st->cells, 0, sizeof (Member) * st->n_cells);
  if (data != NULL && split_object (data, len, st->members))
    {
      if (!key_cache_matches (&st->cache, data, st->members))
        {
          g_autofree guint *positions = g_new0 (guint, st->members->len + 1);

          for (guint m = 0; m < st->members->len; m++)
            positions[m] = GPOINTER_TO_UINT (g_hash_table_lookup (
                st->header.index,
                member_key (st->key_scratch, data, &g_array_index (st->members, Member, m))));
          key_cache_remember (&st->cache, data, st->members, positions);
        }
      for (guint m = 0; m < st->members->len; m++)
        {
          guint pos = g_array_index (st->cache.positions, guint, m);

          if (pos != 0) /* a repeated key: the last one wins, as in JS */
            st->cells[pos - 1] = g_array_index (st->members, Member, m);
        }
    }
  else
    {
      guint pos = GPOINTER_TO_UINT (g_hash_table_lookup (st->header.index, "value"));

      if (pos != 0 && data != NULL)
        {
          st->cells[pos - 1].value_start = dg_export_skip_space (data, 0, len);
          st->cells[pos - 1].value_end = len;
        }
    }

  dg_export_writer_putc (w, '\n');
  for (guint c = 0; c < st->n_cells; c++)
    {
      if (c > 0)
        dg_export_writer_putc (w, ',');
      if (st->cells[c].value_end > st->cells[c].value_start)
        put_csv_value (w, st->scratch, data, st->cells[c].value_start, st->cells[c].value_end);
    }
  return w->error == NULL;
}

gboolean
dg_export_csv (DgExportWriter *w, DgRecordCursor *cursor, gint64 total,
               DgExportProgressFunc progress, gpointer progress_data, GCancellable *cancellable,
               GError **error)
{
  CsvState st = { 0 };
  gboolean ok = FALSE;

  st.w = w;
  st.header.keys = g_ptr_array_new_with_free_func (g_free);
  st.header.index = g_hash_table_new (g_str_hash, g_str_equal);
  st.members = g_array_new (FALSE, FALSE, sizeof (Member));
  st.scratch = g_string_sized_new (256);
  st.key_scratch = g_string_sized_new (64);
  st.cache.raw = g_string_sized_new (256);
  st.cache.positions = g_array_new (FALSE, FALSE, sizeof (guint));

  /* Pass 1: the union of keys in first-seen order. */
  if (!dg_export_for_each_row (cursor, total, csv_collect_keys, &st, 0, total * 2, progress,
                               progress_data, cancellable, error))
    goto out;

  /* No keys at all: the body is empty (upstream). */
  if (st.header.keys->len > 0)
    {
      for (guint k = 0; k < st.header.keys->len; k++)
        {
          const char *key = g_ptr_array_index (st.header.keys, k);

          if (k > 0)
            dg_export_writer_putc (w, ',');
          put_csv_text (w, key, strlen (key));
        }
      st.n_cells = st.header.keys->len;
      st.cells = g_new0 (Member, st.n_cells);
      st.cache.valid = FALSE; /* pass 1 cached no columns */

      /* Pass 2: the rows, in the same snapshot. */
      if (!dg_record_cursor_rewind (cursor, error) ||
          !dg_export_for_each_row (cursor, total, csv_write_row, &st, total, total * 2, progress,
                                   progress_data, cancellable, error))
        goto out;
    }
  ok = TRUE;

out:
  g_string_free (st.cache.raw, TRUE);
  g_array_unref (st.cache.positions);
  g_free (st.cells);
  g_string_free (st.key_scratch, TRUE);
  g_string_free (st.scratch, TRUE);
  g_array_unref (st.members);
  g_hash_table_unref (st.header.index);
  g_ptr_array_unref (st.header.keys);
  return ok;
}
