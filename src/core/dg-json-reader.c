/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-json"

#include "config.h"

#include <math.h>
#include <string.h>

#include "dg-json-reader.h"

G_DEFINE_QUARK (dg_json_error_quark, dg_json_error)

/*
 * An iterative reader (explicit stack, no recursion), so the nesting limit is a number and
 * not whatever the C stack allows. Containers are attached to their parent as soon as they
 * open, so an object key is consumed before its value is read and one scratch buffer for
 * keys and one for string values are enough.
 */

/* A growable byte buffer that starts on the caller's stack: no allocation for short strings. */
typedef struct
{
  char *str;
  gsize len;
  gsize cap;
  char inline_storage[256];
} Buf;

static void
buf_init (Buf *b)
{
  b->str = b->inline_storage;
  b->len = 0;
  b->cap = sizeof b->inline_storage;
  b->str[0] = '\0';
}

static void
buf_clear (Buf *b)
{
  if (b->str != b->inline_storage)
    g_free (b->str);
}

static inline void
buf_append (Buf *b, const char *data, gsize len)
{
  if (b->len + len + 1 > b->cap)
    {
      gsize cap = MAX (b->cap * 2, b->len + len + 1);

      if (b->str == b->inline_storage)
        {
          b->str = g_malloc (cap);
          memcpy (b->str, b->inline_storage, b->len);
        }
      else
        b->str = g_realloc (b->str, cap);
      b->cap = cap;
    }
  memcpy (b->str + b->len, data, len);
  b->len += len;
  b->str[b->len] = '\0';
}

static inline void
buf_append_c (Buf *b, char c)
{
  buf_append (b, &c, 1);
}

static void
buf_append_unichar (Buf *b, gunichar u)
{
  char utf8[6];

  buf_append (b, utf8, g_unichar_to_utf8 (u, utf8));
}

typedef struct
{
  JsonNode *node;
  JsonObject *object; /* exactly one of object/array is set */
  JsonArray *array;
  gsize count; /* members or elements read so far */
} Frame;

/* The open containers; the first 64 live on the stack. */
typedef struct
{
  Frame *frames;
  guint len;
  guint cap;
  Frame inline_frames[64];
} Stack;

typedef struct
{
  const char *start;
  const char *p;
  const char *end;
  DgJsonParseFlags flags;
  Buf key;
  Buf value;
  GError **error;
} Reader;

static void
position_of (const Reader *r, const char *at, guint *line, guint *column)
{
  const char *line_start = r->start;

  *line = 1;
  for (const char *q = r->start; q < at; q++)
    if (*q == '\n')
      {
        (*line)++;
        line_start = q + 1;
      }
  *column = 1;
  for (const char *q = line_start; q < at; q++)
    if (((guchar) *q & 0xC0) != 0x80)
      (*column)++;
}

static gboolean G_GNUC_PRINTF (4, 5)
    fail_at (Reader *r, const char *at, DgJsonError code, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;
  guint line, column;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  position_of (r, at, &line, &column);
  g_set_error (r->error, DG_JSON_ERROR, code, "line %u, column %u: %s", line, column, message);
  return FALSE;
}

static const char *
describe_char (const Reader *r, const char *at, char buf[16])
{
  guchar c = (guchar) *at;

  if (c >= 0x20 && c < 0x7F)
    g_snprintf (buf, 16, "'%c'", c);
  else if (c < 0x80)
    g_snprintf (buf, 16, "U+%04X", c);
  else
    {
      gunichar u = g_utf8_get_char_validated (at, r->end - at);

      if (u < 0x110000)
        g_snprintf (buf, 16, "U+%04X", u);
      else
        g_snprintf (buf, 16, "byte 0x%02X", c);
    }
  return buf;
}

static gboolean
unexpected (Reader *r, const char *expected)
{
  char buf[16];

  if (r->p >= r->end)
    return fail_at (r, r->p, DG_JSON_ERROR_TRUNCATED, "unexpected end of input, expected %s",
                    expected);
  return fail_at (r, r->p, DG_JSON_ERROR_SYNTAX, "unexpected %s, expected %s",
                  describe_char (r, r->p, buf), expected);
}

static inline void
skip_ws (Reader *r)
{
  while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
    r->p++;
}

static gboolean
read_hex4 (Reader *r, const char *at, guint *out)
{
  guint v = 0;

  if (r->end - at < 4)
    return fail_at (r, at, DG_JSON_ERROR_TRUNCATED, "unexpected end of input in \\u escape");
  for (int i = 0; i < 4; i++)
    {
      int h = g_ascii_xdigit_value (at[i]);

      if (h < 0)
        return fail_at (r, at - 2, DG_JSON_ERROR_SYNTAX,
                        "invalid \\u escape: expected four hexadecimal digits");
      v = (v << 4) | (guint) h;
    }
  *out = v;
  return TRUE;
}

/* Length of the valid UTF-8 sequence at @p (RFC 3629: no overlongs, no surrogates), or 0. */
static inline gsize
utf8_sequence_length (const guchar *p, const guchar *end)
{
  guchar c = p[0];

  if (c >= 0xC2 && c <= 0xDF)
    return (end - p >= 2 && (p[1] & 0xC0) == 0x80) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF)
    {
      if (end - p < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
        return 0;
      if (c == 0xE0 && p[1] < 0xA0)
        return 0; /* overlong */
      if (c == 0xED && p[1] >= 0xA0)
        return 0; /* surrogate */
      return 3;
    }
  if (c >= 0xF0 && c <= 0xF4)
    {
      if (end - p < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
        return 0;
      if (c == 0xF0 && p[1] < 0x90)
        return 0; /* overlong */
      if (c == 0xF4 && p[1] >= 0x90)
        return 0; /* above U+10FFFF */
      return 4;
    }
  return 0;
}

/* Reads the string whose opening quote is at r->p into @out (NUL-terminated). */
static gboolean
read_string (Reader *r, Buf *out)
{
  const char *run;

  out->len = 0;
  out->str[0] = '\0';
  r->p++; /* opening quote */
  run = r->p;
  for (;;)
    {
      guchar c;

      if (r->p >= r->end)
        return fail_at (r, r->p, DG_JSON_ERROR_TRUNCATED, "unexpected end of input in string");
      c = (guchar) *r->p;
      if (c == '"')
        {
          buf_append (out, run, r->p - run);
          r->p++;
          return TRUE;
        }
      if (c == '\\')
        {
          const char *esc = r->p;
          char ch;

          buf_append (out, run, r->p - run);
          if (r->end - r->p < 2)
            return fail_at (r, r->p, DG_JSON_ERROR_TRUNCATED, "unexpected end of input in string");
          ch = r->p[1];
          r->p += 2;
          switch (ch)
            {
            case '"':
            case '\\':
            case '/':
              buf_append_c (out, ch);
              break;
            case 'b':
              buf_append_c (out, '\b');
              break;
            case 'f':
              buf_append_c (out, '\f');
              break;
            case 'n':
              buf_append_c (out, '\n');
              break;
            case 'r':
              buf_append_c (out, '\r');
              break;
            case 't':
              buf_append_c (out, '\t');
              break;
            case 'u':
              {
                guint u, lo;

                if (!read_hex4 (r, r->p, &u))
                  return FALSE;
                r->p += 4;
                if (u >= 0xDC00 && u <= 0xDFFF)
                  return fail_at (r, esc, DG_JSON_ERROR_ENCODING,
                                  "lone UTF-16 surrogate \\u%04X in string", u);
                if (u >= 0xD800 && u <= 0xDBFF)
                  {
                    if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u')
                      return fail_at (r, esc, DG_JSON_ERROR_ENCODING,
                                      "lone UTF-16 surrogate \\u%04X in string", u);
                    if (!read_hex4 (r, r->p + 2, &lo))
                      return FALSE;
                    if (lo < 0xDC00 || lo > 0xDFFF)
                      return fail_at (r, esc, DG_JSON_ERROR_ENCODING,
                                      "lone UTF-16 surrogate \\u%04X in string", u);
                    r->p += 6;
                    u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                  }
                if (u == 0)
                  {
                    if (!(r->flags & DG_JSON_PARSE_ALLOW_NUL))
                      return fail_at (r, esc, DG_JSON_ERROR_UNSUPPORTED,
                                      "\\u0000 in a string is not supported");
                    buf_append_c (out, '\0');
                  }
                else
                  buf_append_unichar (out, u);
                break;
              }
            default:
              if (g_ascii_isgraph (ch))
                return fail_at (r, esc, DG_JSON_ERROR_SYNTAX, "invalid escape \\%c in string", ch);
              return fail_at (r, esc, DG_JSON_ERROR_SYNTAX, "invalid escape in string");
            }
          run = r->p;
          continue;
        }
      if (c < 0x20)
        return fail_at (r, r->p, DG_JSON_ERROR_SYNTAX,
                        "control character U+%04X in string (it must be escaped)", c);
      if (c < 0x80)
        {
          r->p++;
          continue;
        }
      {
        gsize n = utf8_sequence_length ((const guchar *) r->p, (const guchar *) r->end);

        if (n == 0)
          return fail_at (r, r->p, DG_JSON_ERROR_ENCODING, "invalid UTF-8 in string");
        r->p += n;
      }
    }
}

static gboolean
read_literal (Reader *r, const char *word, gsize len)
{
  if ((gsize) (r->end - r->p) >= len && memcmp (r->p, word, len) == 0)
    {
      r->p += len;
      return TRUE;
    }
  if ((gsize) (r->end - r->p) < len && memcmp (r->p, word, r->end - r->p) == 0)
    return fail_at (r, r->end, DG_JSON_ERROR_TRUNCATED, "unexpected end of input in '%s'", word);
  return unexpected (r, "a JSON value");
}

static JsonNode *
read_number (Reader *r)
{
  const char *s = r->p;
  const char *q = r->p;
  gboolean negative = FALSE, integral = TRUE;
  JsonNode *node;

  if (*q == '-')
    {
      negative = TRUE;
      q++;
    }
  if (q >= r->end || !g_ascii_isdigit (*q))
    {
      r->p = q;
      unexpected (r, "a digit");
      return NULL;
    }
  if (*q == '0')
    {
      q++;
      if (q < r->end && g_ascii_isdigit (*q))
        {
          fail_at (r, s, DG_JSON_ERROR_SYNTAX, "invalid number: leading zeros are not allowed");
          return NULL;
        }
    }
  else
    while (q < r->end && g_ascii_isdigit (*q))
      q++;
  if (q < r->end && *q == '.')
    {
      integral = FALSE;
      q++;
      if (q >= r->end || !g_ascii_isdigit (*q))
        {
          r->p = q;
          unexpected (r, "a digit after the decimal point");
          return NULL;
        }
      while (q < r->end && g_ascii_isdigit (*q))
        q++;
    }
  if (q < r->end && (*q == 'e' || *q == 'E'))
    {
      integral = FALSE;
      q++;
      if (q < r->end && (*q == '+' || *q == '-'))
        q++;
      if (q >= r->end || !g_ascii_isdigit (*q))
        {
          r->p = q;
          unexpected (r, "a digit in the exponent");
          return NULL;
        }
      while (q < r->end && g_ascii_isdigit (*q))
        q++;
    }
  r->p = q;

  if (integral)
    {
      const char *d = s + (negative ? 1 : 0);
      guint64 v = 0;
      gboolean fits = TRUE;

      for (; d < q; d++)
        {
          guint digit = (guint) (*d - '0');

          if (v > (G_MAXUINT64 - digit) / 10)
            {
              fits = FALSE;
              break;
            }
          v = v * 10 + digit;
        }
      if (fits && (negative ? v <= (guint64) G_MAXINT64 + 1 : v <= (guint64) G_MAXINT64))
        {
          node = json_node_alloc ();
          json_node_init_int (node, negative ? (gint64) (0 - v) : (gint64) v);
          return node;
        }
    }

  {
    char small[64];
    g_autofree char *big = NULL;
    gsize len = q - s;
    char *copy = small;
    double d;

    if (len >= sizeof small)
      copy = big = g_malloc (len + 1);
    memcpy (copy, s, len);
    copy[len] = '\0';
    d = g_ascii_strtod (copy, NULL);
    if (!isfinite (d))
      {
        fail_at (r, s, DG_JSON_ERROR_NUMBER, "number %.*s%s is too large for a double",
                 (int) MIN (len, 40), s, len > 40 ? "…" : "");
        return NULL;
      }
    node = json_node_alloc ();
    json_node_init_double (node, d);
    return node;
  }
}

/* Reads one scalar, or opens a container (returned with *opened set). */
static JsonNode *
read_value (Reader *r, gboolean *opened)
{
  JsonNode *node;

  *opened = FALSE;
  if (r->p >= r->end)
    {
      unexpected (r, "a JSON value");
      return NULL;
    }
  switch (*r->p)
    {
    case '{':
      r->p++;
      *opened = TRUE;
      node = json_node_alloc ();
      json_node_take_object (json_node_init (node, JSON_NODE_OBJECT), json_object_new ());
      return node;
    case '[':
      r->p++;
      *opened = TRUE;
      node = json_node_alloc ();
      json_node_take_array (json_node_init (node, JSON_NODE_ARRAY), json_array_new ());
      return node;
    case '"':
      if (!read_string (r, &r->value))
        return NULL;
      node = json_node_alloc ();
      json_node_init_string (node, r->value.str);
      return node;
    case 't':
      if (!read_literal (r, "true", 4))
        return NULL;
      return json_node_init_boolean (json_node_alloc (), TRUE);
    case 'f':
      if (!read_literal (r, "false", 5))
        return NULL;
      return json_node_init_boolean (json_node_alloc (), FALSE);
    case 'n':
      if (!read_literal (r, "null", 4))
        return NULL;
      return json_node_init_null (json_node_alloc ());
    case '-':
    case '0' ... '9':
      return read_number (r);
    default:
      unexpected (r, "a JSON value");
      return NULL;
    }
}

/* Reads the key of an object member and the ':' after it; r->p is at the key's quote. */
static gboolean
read_key (Reader *r)
{
  if (r->p >= r->end || *r->p != '"')
    return unexpected (r, "a string (object key)");
  if (!read_string (r, &r->key))
    return FALSE;
  skip_ws (r);
  if (r->p >= r->end || *r->p != ':')
    return unexpected (r, "':' after object key");
  r->p++;
  skip_ws (r);
  return TRUE;
}

static void
stack_push (Stack *stack, JsonNode *node)
{
  Frame *frame;

  if (stack->len == stack->cap)
    {
      stack->cap *= 2;
      if (stack->frames == stack->inline_frames)
        stack->frames = g_memdup2 (stack->inline_frames, sizeof (Frame) * stack->len);
      stack->frames = g_renew (Frame, stack->frames, stack->cap);
    }
  frame = &stack->frames[stack->len++];
  frame->node = node;
  frame->count = 0;
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      frame->object = json_node_get_object (node);
      frame->array = NULL;
    }
  else
    {
      frame->object = NULL;
      frame->array = json_node_get_array (node);
    }
}

static void
attach (Frame *parent, JsonNode *child, const char *key)
{
  parent->count++;
  if (parent->object != NULL)
    json_object_set_member (parent->object, key, child);
  else
    json_array_add_element (parent->array, child);
}

static JsonNode *
parse (Reader *r, Stack *stack, guint max_depth)
{
  g_autoptr (JsonNode) root = NULL;
  gboolean opened;
  JsonNode *node;

  skip_ws (r);
  if (r->p >= r->end)
    {
      fail_at (r, r->p, DG_JSON_ERROR_TRUNCATED, "no JSON value (empty input)");
      return NULL;
    }
  root = read_value (r, &opened);
  if (root == NULL)
    return NULL;
  if (opened)
    stack_push (stack, root);

  while (stack->len > 0)
    {
      Frame *top = &stack->frames[stack->len - 1];

      /* At the start of a member/element, after '{', '[' or ','. */
      skip_ws (r);
      if (top->count == 0 && r->p < r->end && *r->p == (top->object != NULL ? '}' : ']'))
        {
          r->p++;
          stack->len--;
          goto after_value;
        }
      if (top->object != NULL && !read_key (r))
        return NULL;
      node = read_value (r, &opened);
      if (node == NULL)
        return NULL;
      attach (top, node, r->key.str);
      if (opened)
        {
          if (stack->len >= max_depth)
            {
              fail_at (r, r->p - 1, DG_JSON_ERROR_DEPTH, "nesting deeper than %u levels",
                       max_depth);
              return NULL;
            }
          stack_push (stack, node);
          continue;
        }

    after_value:
      /* After a complete value: close as many containers as the input closes. */
      while (stack->len > 0)
        {
          Frame *f = &stack->frames[stack->len - 1];

          skip_ws (r);
          if (r->p < r->end && *r->p == ',')
            {
              r->p++;
              skip_ws (r);
              if (r->p < r->end && (*r->p == '}' || *r->p == ']'))
                {
                  fail_at (r, r->p, DG_JSON_ERROR_SYNTAX, "trailing comma before '%c'", *r->p);
                  return NULL;
                }
              break;
            }
          if (r->p < r->end && *r->p == (f->object != NULL ? '}' : ']'))
            {
              r->p++;
              stack->len--;
              continue;
            }
          unexpected (r, f->object != NULL ? "',' or '}' after object member"
                                           : "',' or ']' after array element");
          return NULL;
        }
    }
  return g_steal_pointer (&root);
}

JsonNode *
dg_json_parse_full (const char *data, gssize length, DgJsonParseFlags flags, guint max_depth,
                    gsize *end_offset, GError **error)
{
  g_autoptr (JsonNode) root = NULL;
  Reader r;
  Stack stack;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length < 0)
    length = strlen (data);
  if (max_depth == 0)
    max_depth = DG_JSON_DEFAULT_MAX_DEPTH;

  r.start = data;
  r.p = data;
  r.end = data + length;
  r.flags = flags;
  buf_init (&r.key);
  buf_init (&r.value);
  r.error = error;
  stack.frames = stack.inline_frames;
  stack.len = 0;
  stack.cap = G_N_ELEMENTS (stack.inline_frames);

  if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    r.p += 3;

  root = parse (&r, &stack, max_depth);
  buf_clear (&r.key);
  buf_clear (&r.value);
  if (stack.frames != stack.inline_frames)
    g_free (stack.frames);
  if (root == NULL)
    return NULL;

  skip_ws (&r);
  if (end_offset != NULL)
    *end_offset = r.p - r.start;
  else if (r.p < r.end)
    {
      char buf[16];

      fail_at (&r, r.p, DG_JSON_ERROR_TRAILING, "unexpected %s after the JSON value",
               describe_char (&r, r.p, buf));
      return NULL;
    }
  return g_steal_pointer (&root);
}

/**
 * dg_json_parse:
 * @data: JSON text (UTF-8)
 * @length: its length in bytes, or -1 when NUL-terminated
 * @error: return location for a #DG_JSON_ERROR
 *
 * Parses one JSON value with the default limits. Returns: (transfer full) the tree.
 */
JsonNode *
dg_json_parse (const char *data, gssize length, GError **error)
{
  return dg_json_parse_full (data, length, DG_JSON_PARSE_NONE, 0, NULL, error);
}
