/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-inference"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "dg-inference.h"
#include "dg-json-repair-private.h"

/*
 * One scanner serves both the strict parse of response envelopes and the repairing parse of
 * model output. It builds the JsonNode tree directly, so a repair never rewrites text: a
 * trailing comma is skipped, a truncated member is simply never added, an unclosed string
 * keeps what it had, and unclosed containers are ended where the text ends.
 */

#define MAX_DEPTH 512

typedef enum
{
  WANT_VALUE,        /* top level, object value, array element after ',' */
  WANT_VALUE_OR_END, /* just after '[' */
  WANT_KEY,          /* after ',' in an object */
  WANT_KEY_OR_END,   /* just after '{' */
  WANT_COLON,
  WANT_COMMA_OR_END,
} ScanState;

typedef struct
{
  JsonNode *container;
  char *key; /* object: the key whose value is being read */
} Frame;

typedef struct
{
  const char *text;
  gsize len;
  gsize pos;
  gboolean strict;
  gboolean allow_scalar;
  DgJsonRepairFlags flags;
  GArray *frames;
  ScanState state;
  JsonNode *result;
  char *error;
} Scanner;

static void
frame_clear (gpointer data)
{
  Frame *frame = data;

  g_clear_pointer (&frame->container, json_node_unref);
  g_clear_pointer (&frame->key, g_free);
}

static gboolean
scan_fail (Scanner *s, const char *what)
{
  if (s->error == NULL)
    s->error = g_strdup_printf ("%s at byte %" G_GSIZE_FORMAT, what, s->pos);
  return FALSE;
}

static inline gboolean
is_ws (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

gboolean
dg_json_is_ws (char c)
{
  return is_ws (c);
}

static inline gboolean
is_delim (char c)
{
  return is_ws (c) || c == '{' || c == '}' || c == '[' || c == ']' || c == ',' || c == ':' ||
         c == '"';
}

static void
skip_ws (Scanner *s)
{
  while (s->pos < s->len && is_ws (s->text[s->pos]))
    s->pos++;
}

/* A value is complete: attach it to the open container, or make it the result. */
static void
add_value (Scanner *s, JsonNode *node)
{
  Frame *frame;

  if (s->frames->len == 0)
    {
      s->result = node;
      return;
    }
  frame = &g_array_index (s->frames, Frame, s->frames->len - 1);
  if (JSON_NODE_HOLDS_OBJECT (frame->container))
    {
      /* Duplicate keys: the last one wins, as in JavaScript. */
      json_object_set_member (json_node_get_object (frame->container), frame->key, node);
      g_clear_pointer (&frame->key, g_free);
    }
  else
    json_array_add_element (json_node_get_array (frame->container), node);
  s->state = WANT_COMMA_OR_END;
}

static gboolean
push_container (Scanner *s, gboolean object)
{
  Frame frame = { 0 };

  if (s->frames->len >= MAX_DEPTH)
    return scan_fail (s, DG_JSON_SCAN_TOO_DEEP);
  if (object)
    {
      frame.container = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (frame.container, json_object_new ());
      s->state = WANT_KEY_OR_END;
    }
  else
    {
      frame.container = json_node_new (JSON_NODE_ARRAY);
      json_node_take_array (frame.container, json_array_new ());
      s->state = WANT_VALUE_OR_END;
    }
  g_array_append_val (s->frames, frame);
  s->pos++;
  return TRUE;
}

static void
pop_container (Scanner *s)
{
  Frame *frame = &g_array_index (s->frames, Frame, s->frames->len - 1);
  JsonNode *node = g_steal_pointer (&frame->container);

  g_clear_pointer (&frame->key, g_free);
  g_array_set_size (s->frames, s->frames->len - 1);
  add_value (s, node);
}

static int
read_hex4 (const char *p, gsize avail)
{
  int v = 0;

  if (avail < 4)
    return -2; /* truncated */
  for (int i = 0; i < 4; i++)
    {
      int h = g_ascii_xdigit_value (p[i]);
      if (h < 0)
        return -1;
      v = (v << 4) | h;
    }
  return v;
}

/*
 * Reads a string starting at the opening quote into @out. Returns TRUE when closed, FALSE on
 * an error (s->error set) or at the end of the text (*truncated = TRUE, @out holds what was
 * read, any half escape dropped).
 */
static gboolean
scan_string (Scanner *s, GString *out, gboolean *truncated)
{
  *truncated = FALSE;
  s->pos++; /* opening quote */
  while (s->pos < s->len)
    {
      const char *p = s->text + s->pos;
      gsize run = 0;
      guchar c;

      /* Copy plain runs in one go. */
      while (s->pos + run < s->len && p[run] != '"' && p[run] != '\\' && (guchar) p[run] >= 0x20)
        run++;
      if (run > 0)
        {
          g_string_append_len (out, p, run);
          s->pos += run;
          continue;
        }
      c = (guchar) *p;
      if (c == '"')
        {
          s->pos++;
          return TRUE;
        }
      if (c < 0x20)
        {
          if (s->strict)
            return scan_fail (s, "Control character inside a string");
          /* Models put raw newlines in long texts; they mean the escaped character. */
          g_string_append_c (out, (char) c);
          s->flags |= DG_JSON_REPAIR_CONTROL_CHARS;
          s->pos++;
          continue;
        }
      /* Backslash escape. */
      if (s->pos + 1 >= s->len)
        {
          s->pos = s->len;
          *truncated = TRUE;
          return FALSE;
        }
      switch (p[1])
        {
        case '"':
        case '\\':
        case '/':
          g_string_append_c (out, p[1]);
          s->pos += 2;
          break;
        case 'b':
          g_string_append_c (out, '\b');
          s->pos += 2;
          break;
        case 'f':
          g_string_append_c (out, '\f');
          s->pos += 2;
          break;
        case 'n':
          g_string_append_c (out, '\n');
          s->pos += 2;
          break;
        case 'r':
          g_string_append_c (out, '\r');
          s->pos += 2;
          break;
        case 't':
          g_string_append_c (out, '\t');
          s->pos += 2;
          break;
        case 'u':
          {
            int hi = read_hex4 (p + 2, s->len - s->pos - 2);
            gunichar ch;

            if (hi == -2)
              {
                s->pos = s->len;
                *truncated = TRUE;
                return FALSE;
              }
            if (hi < 0)
              {
                if (s->strict)
                  return scan_fail (s, "Invalid \\u escape");
                g_string_append_c (out, '\\');
                s->flags |= DG_JSON_REPAIR_BAD_ESCAPE;
                s->pos += 1;
                break;
              }
            s->pos += 6;
            ch = (gunichar) hi;
            if (ch >= 0xD800 && ch <= 0xDBFF)
              {
                int lo = -1;

                if (s->pos + 1 < s->len && s->text[s->pos] == '\\' && s->text[s->pos + 1] == 'u')
                  {
                    lo = read_hex4 (s->text + s->pos + 2, s->len - s->pos - 2);
                    if (lo == -2)
                      {
                        s->pos = s->len;
                        *truncated = TRUE;
                        return FALSE;
                      }
                  }
                if (lo >= 0xDC00 && lo <= 0xDFFF)
                  {
                    ch = 0x10000 + ((ch - 0xD800) << 10) + ((gunichar) lo - 0xDC00);
                    s->pos += 6;
                  }
                else
                  {
                    if (s->strict)
                      return scan_fail (s, "Lone UTF-16 surrogate in a \\u escape");
                    ch = 0xFFFD;
                    s->flags |= DG_JSON_REPAIR_BAD_ESCAPE;
                  }
              }
            else if (ch >= 0xDC00 && ch <= 0xDFFF)
              {
                if (s->strict)
                  return scan_fail (s, "Lone UTF-16 surrogate in a \\u escape");
                ch = 0xFFFD;
                s->flags |= DG_JSON_REPAIR_BAD_ESCAPE;
              }
            if (ch == 0)
              return scan_fail (s, "U+0000 inside a string is not supported");
            g_string_append_unichar (out, ch);
          }
          break;
        default:
          if (s->strict)
            return scan_fail (s, "Invalid escape in a string");
          /* "\x" is not JSON: keep the backslash as text rather than guess. */
          g_string_append_c (out, '\\');
          s->flags |= DG_JSON_REPAIR_BAD_ESCAPE;
          s->pos += 1;
          break;
        }
    }
  *truncated = TRUE;
  return FALSE;
}

static gboolean
is_json_number (const char *w, gsize n, gboolean *is_integer)
{
  gsize i = 0;

  *is_integer = TRUE;
  if (i < n && w[i] == '-')
    i++;
  if (i >= n)
    return FALSE;
  if (w[i] == '0')
    i++;
  else if (w[i] >= '1' && w[i] <= '9')
    while (i < n && g_ascii_isdigit (w[i]))
      i++;
  else
    return FALSE;
  if (i < n && w[i] == '.')
    {
      gsize start = ++i;
      *is_integer = FALSE;
      while (i < n && g_ascii_isdigit (w[i]))
        i++;
      if (i == start)
        return FALSE;
    }
  if (i < n && (w[i] == 'e' || w[i] == 'E'))
    {
      gsize start;
      *is_integer = FALSE;
      i++;
      if (i < n && (w[i] == '+' || w[i] == '-'))
        i++;
      start = i;
      while (i < n && g_ascii_isdigit (w[i]))
        i++;
      if (i == start)
        return FALSE;
    }
  return i == n;
}

/* "3/4", "-1.5/2": unquoted fractions some models write for ratios. */
static gboolean
is_fraction (const char *w, gsize n)
{
  const char *slash = memchr (w, '/', n);
  gboolean integer;

  if (slash == NULL)
    return FALSE;
  return is_json_number (w, (gsize) (slash - w), &integer) &&
         is_json_number (slash + 1, n - (gsize) (slash - w) - 1, &integer) && slash[1] != '-';
}

static JsonNode *
number_node (const char *w, gsize n, gboolean integer, Scanner *s)
{
  char buf[64];
  g_autofree char *heap = NULL;
  const char *str;
  JsonNode *node;

  if (n < sizeof buf)
    {
      memcpy (buf, w, n);
      buf[n] = '\0';
      str = buf;
    }
  else
    str = heap = g_strndup (w, n);

  if (integer)
    {
      gint64 v;
      errno = 0;
      v = g_ascii_strtoll (str, NULL, 10);
      if (errno == 0)
        {
          node = json_node_new (JSON_NODE_VALUE);
          json_node_set_int (node, v);
          return node;
        }
    }
  {
    double d = g_ascii_strtod (str, NULL);
    if (!isfinite (d))
      {
        scan_fail (s, "Number too large");
        return NULL;
      }
    node = json_node_new (JSON_NODE_VALUE);
    json_node_set_double (node, d);
    return node;
  }
}

static gboolean
is_prefix_of (const char *w, gsize n, const char *literal)
{
  return n <= strlen (literal) && memcmp (w, literal, n) == 0;
}

/*
 * A bare token (number or literal). Returns the node, or NULL: *partial is TRUE when the
 * token runs to the end of the text and could be the start of a valid token ("tru", "-").
 */
static JsonNode *
scan_word (Scanner *s, gboolean *partial)
{
  const char *w = s->text + s->pos;
  gsize n = 0;
  gboolean integer;
  JsonNode *node = NULL;

  *partial = FALSE;
  while (s->pos + n < s->len && !is_delim (w[n]))
    n++;

  if (is_json_number (w, n, &integer))
    node = number_node (w, n, integer, s);
  else if (n == 4 && memcmp (w, "true", 4) == 0)
    {
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_boolean (node, TRUE);
    }
  else if (n == 5 && memcmp (w, "false", 5) == 0)
    {
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_boolean (node, FALSE);
    }
  else if (n == 4 && memcmp (w, "null", 4) == 0)
    node = json_node_new (JSON_NODE_NULL);
  else if (!s->strict && is_fraction (w, n))
    {
      node = json_node_new (JSON_NODE_VALUE);
      g_autofree char *fraction = g_strndup (w, n);

      json_node_set_string (node, fraction);
      s->flags |= DG_JSON_REPAIR_FRACTION;
    }
  else if (s->pos + n == s->len && n > 0 &&
           (is_prefix_of (w, n, "true") || is_prefix_of (w, n, "false") ||
            is_prefix_of (w, n, "null") || w[n - 1] == '-' || w[n - 1] == '.' || w[n - 1] == 'e' ||
            w[n - 1] == 'E' || w[n - 1] == '+'))
    *partial = TRUE;
  else
    scan_fail (s, n == 0 ? "Unexpected character" : "Unexpected token");

  if (node != NULL || *partial)
    s->pos += n;
  return node;
}

static Frame *
top_frame (Scanner *s)
{
  return s->frames->len > 0 ? &g_array_index (s->frames, Frame, s->frames->len - 1) : NULL;
}

/*
 * The text ended inside a value. Keep every complete member, keep a value string cut short
 * (@partial_string), drop a member that has no value yet, and end the open containers.
 */
static gboolean
finish_truncated (Scanner *s, GString *partial_string, gboolean cut_token)
{
  Frame *frame;

  if (s->strict || s->frames->len == 0)
    return scan_fail (s, "Unexpected end of JSON");

  frame = top_frame (s);
  if (partial_string != NULL)
    {
      JsonNode *node = json_node_new (JSON_NODE_VALUE);

      json_node_set_string (node, partial_string->str);
      add_value (s, node);
      s->flags |= DG_JSON_REPAIR_CLOSED_STRING;
    }
  else if (cut_token || s->state == WANT_VALUE || s->state == WANT_KEY || s->state == WANT_COLON)
    {
      /* A key without its value, a comma without the next member, a cut literal. */
      g_clear_pointer (&frame->key, g_free);
      s->flags |= DG_JSON_REPAIR_DROPPED_PARTIAL;
    }

  while (s->frames->len > 0)
    pop_container (s);
  s->flags |= DG_JSON_REPAIR_CLOSED_BRACKETS;
  return TRUE;
}

static gboolean
scan (Scanner *s)
{
  g_autoptr (GString) str = g_string_new (NULL);

  while (s->result == NULL)
    {
      Frame *frame;
      gboolean truncated;
      char c;

      skip_ws (s);
      if (s->pos >= s->len)
        return finish_truncated (s, NULL, FALSE);
      c = s->text[s->pos];
      frame = top_frame (s);

      switch (s->state)
        {
        case WANT_VALUE:
        case WANT_VALUE_OR_END:
          if (c == ']' && frame != NULL && JSON_NODE_HOLDS_ARRAY (frame->container))
            {
              if (s->state == WANT_VALUE)
                {
                  if (s->strict)
                    return scan_fail (s, "Trailing comma");
                  s->flags |= DG_JSON_REPAIR_TRAILING_COMMA;
                }
              s->pos++;
              pop_container (s);
            }
          else if (c == '{' || c == '[')
            {
              if (!push_container (s, c == '{'))
                return FALSE;
            }
          else if (c == '"')
            {
              JsonNode *node;

              g_string_truncate (str, 0);
              if (!scan_string (s, str, &truncated))
                return truncated ? finish_truncated (s, str, FALSE) : FALSE;
              node = json_node_new (JSON_NODE_VALUE);
              json_node_set_string (node, str->str);
              add_value (s, node);
            }
          else if (frame == NULL && !s->allow_scalar)
            return scan_fail (s, "Expected an object or an array");
          else
            {
              gboolean partial;
              JsonNode *node = scan_word (s, &partial);

              if (node == NULL)
                return partial ? finish_truncated (s, NULL, TRUE) : FALSE;
              add_value (s, node);
            }
          break;

        case WANT_KEY:
        case WANT_KEY_OR_END:
          if (c == '}')
            {
              if (s->state == WANT_KEY)
                {
                  if (s->strict)
                    return scan_fail (s, "Trailing comma");
                  s->flags |= DG_JSON_REPAIR_TRAILING_COMMA;
                }
              s->pos++;
              pop_container (s);
              break;
            }
          if (c != '"')
            return scan_fail (s, "Expected a string key");
          g_string_truncate (str, 0);
          if (!scan_string (s, str, &truncated))
            {
              if (!truncated)
                return FALSE;
              return finish_truncated (s, NULL, TRUE); /* a cut key is dropped */
            }
          g_free (frame->key);
          frame->key = g_strndup (str->str, str->len);
          s->state = WANT_COLON;
          break;

        case WANT_COLON:
          if (c != ':')
            return scan_fail (s, "Expected ':'");
          s->pos++;
          s->state = WANT_VALUE;
          break;

        case WANT_COMMA_OR_END:
          if (c == ',')
            {
              s->pos++;
              s->state = JSON_NODE_HOLDS_OBJECT (frame->container) ? WANT_KEY : WANT_VALUE;
            }
          else if ((c == '}' && JSON_NODE_HOLDS_OBJECT (frame->container)) ||
                   (c == ']' && JSON_NODE_HOLDS_ARRAY (frame->container)))
            {
              s->pos++;
              pop_container (s);
            }
          else
            return scan_fail (s, "Expected ',' or a closing bracket");
          break;

        default:
          g_assert_not_reached ();
        }
    }
  return TRUE;
}

/* Scans one value from @start; *end is just past it. NULL on failure (*error_text set). */
JsonNode *
dg_json_scan (const char *text, gsize len, gsize start, gboolean strict, gboolean allow_scalar,
              gsize *end, DgJsonRepairFlags *flags, char **error_text)
{
  Scanner s = { 0 };
  JsonNode *result = NULL;

  s.text = text;
  s.len = len;
  s.pos = start;
  s.strict = strict;
  s.allow_scalar = allow_scalar;
  s.state = WANT_VALUE;
  s.frames = g_array_new (FALSE, TRUE, sizeof (Frame));
  g_array_set_clear_func (s.frames, frame_clear);

  if (scan (&s))
    {
      result = g_steal_pointer (&s.result);
      *end = s.pos;
      *flags |= s.flags;
    }
  else if (error_text != NULL)
    *error_text = g_steal_pointer (&s.error);

  g_clear_pointer (&s.result, json_node_unref);
  g_array_unref (s.frames);
  g_free (s.error);
  return result;
}

gsize
dg_json_skip_bom (const char *text, gsize len)
{
  return len >= 3 && memcmp (text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

JsonNode *
dg_json_repair_parse_strict (const char *text, gssize length, GError **error)
{
  g_autofree char *error_text = NULL;
  DgJsonRepairFlags flags = 0;
  gsize len, start, end = 0;
  JsonNode *node;

  g_return_val_if_fail (text != NULL || length == 0, NULL);

  len = length < 0 ? strlen (text) : (gsize) length;
  if (!g_utf8_validate (text, (gssize) len, NULL))
    {
      g_set_error_literal (error, DG_INFERENCE_ERROR, DG_INFERENCE_ERROR_BAD_RESPONSE,
                           "Response is not valid UTF-8");
      return NULL;
    }
  start = dg_json_skip_bom (text, len);
  while (start < len && is_ws (text[start]))
    start++;
  if (start == len)
    {
      g_set_error_literal (error, DG_INFERENCE_ERROR, DG_INFERENCE_ERROR_BAD_RESPONSE,
                           "Response body is empty");
      return NULL;
    }
  node = dg_json_scan (text, len, start, TRUE, TRUE, &end, &flags, &error_text);
  if (node == NULL)
    {
      g_set_error (error, DG_INFERENCE_ERROR, DG_INFERENCE_ERROR_BAD_RESPONSE,
                   "Response is not JSON: %s", error_text);
      return NULL;
    }
  while (end < len && is_ws (text[end]))
    end++;
  if (end != len)
    {
      json_node_unref (node);
      g_set_error (error, DG_INFERENCE_ERROR, DG_INFERENCE_ERROR_BAD_RESPONSE,
                   "Response is not JSON: unexpected data after the value at byte %" G_GSIZE_FORMAT,
                   end);
      return NULL;
    }
  return node;
}
