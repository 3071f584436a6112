/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-json-schema"

#include "config.h"

#include <string.h>

#include "dg-json-schema-dfa-private.h"

/* The DFA fast path's front half: character classes and the syntax tree of a pattern in the
 * subset that dg-json-schema-dfa.c describes. */

#define MAX_NODES 2048 /* also bounds the recursion over the syntax tree */

/* ---- classes ---- */

static void
class_add (DgJsDfaClass *c, guint ch)
{
  c->ascii[ch >> 6] |= G_GUINT64_CONSTANT (1) << (ch & 63);
}

static void
class_add_range (DgJsDfaClass *c, guint from, guint to)
{
  for (guint ch = from; ch <= to; ch++)
    class_add (c, ch);
}

static void
class_negate (DgJsDfaClass *c)
{
  c->ascii[0] = ~c->ascii[0];
  c->ascii[1] = ~c->ascii[1];
  c->non_ascii = ~c->non_ascii & (NA_OTHER | NA_SPACE | NA_LINE);
}

static void
class_union (DgJsDfaClass *into, const DgJsDfaClass *c)
{
  into->ascii[0] |= c->ascii[0];
  into->ascii[1] |= c->ascii[1];
  into->non_ascii |= c->non_ascii;
}

gboolean
dg_js_dfa_class_has (const DgJsDfaClass *c, guint ch)
{
  return (c->ascii[ch >> 6] >> (ch & 63)) & 1;
}

/* \d \D \w \W \s \S */
static gboolean
class_escape (char e, DgJsDfaClass *c)
{
  memset (c, 0, sizeof *c);
  switch (g_ascii_tolower (e))
    {
    case 'd':
      class_add_range (c, '0', '9');
      break;
    case 'w':
      class_add_range (c, '0', '9');
      class_add_range (c, 'A', 'Z');
      class_add_range (c, 'a', 'z');
      class_add (c, '_');
      break;
    case 's':
      class_add_range (c, '\t', '\r');
      class_add (c, ' ');
      c->non_ascii = NA_SPACE | NA_LINE;
      break;
    default:
      return FALSE;
    }
  if (g_ascii_isupper (e))
    class_negate (c);
  return TRUE;
}

/* ---- parsing (the subset; anything else sets ok = FALSE) ---- */

static int
node_new (DgJsDfaBuilder *b, DgJsDfaNodeKind kind, int a, int c)
{
  DgJsDfaNode n = { kind, a, c, { { 0, 0 }, 0 }, -1 };

  if (b->nodes->len >= MAX_NODES)
    {
      b->ok = FALSE;
      return 0;
    }
  g_array_append_val (b->nodes, n);
  return b->nodes->len - 1;
}

static int
node_class (DgJsDfaBuilder *b, const DgJsDfaClass *cls)
{
  int n = node_new (b, NODE_CLASS, -1, -1);

  if (b->ok)
    g_array_index (b->nodes, DgJsDfaNode, n).cls = *cls;
  return n;
}

/* A single character escape (not a class escape) as a code point, or -1. */
static int
char_escape (DgJsDfaBuilder *b)
{
  char e;

  if (b->p >= b->end)
    return -1;
  e = *b->p++;
  switch (e)
    {
    case 't':
      return '\t';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 'f':
      return '\f';
    case 'v':
      return '\v';
    case '0':
      return (b->p < b->end && g_ascii_isdigit (*b->p)) ? -1 : 0;
    case 'x':
      if (b->end - b->p >= 2 && g_ascii_isxdigit (b->p[0]) && g_ascii_isxdigit (b->p[1]))
        {
          int v = g_ascii_xdigit_value (b->p[0]) * 16 + g_ascii_xdigit_value (b->p[1]);

          b->p += 2;
          return v < 128 ? v : -1;
        }
      return -1;
    default:
      /* identity escapes of punctuation; letters and digits mean something else */
      return ((guchar) e < 0x80 && g_ascii_ispunct (e)) ? e : -1;
    }
}

static int parse_alt (DgJsDfaBuilder *b);

static gboolean
parse_class (DgJsDfaBuilder *b, DgJsDfaClass *out)
{
  gboolean negated = FALSE;

  memset (out, 0, sizeof *out);
  b->p++; /* '[' */
  if (b->p < b->end && *b->p == '^')
    {
      negated = TRUE;
      b->p++;
    }
  if (b->p < b->end && *b->p == ']')
    return FALSE; /* [] and [^]: leave to GRegex */
  while (b->p < b->end && *b->p != ']')
    {
      int lo;

      if (*b->p == '\\')
        {
          DgJsDfaClass esc;

          b->p++;
          if (b->p < b->end && class_escape (*b->p, &esc))
            {
              b->p++;
              class_union (out, &esc);
              continue;
            }
          if (b->p < b->end && *b->p == 'b')
            {
              b->p++;
              lo = '\b';
            }
          else if ((lo = char_escape (b)) < 0)
            return FALSE;
        }
      else if ((guchar) *b->p >= 0x80 || *b->p == '[')
        return FALSE;
      else
        lo = *b->p++;
      if (b->end - b->p >= 2 && b->p[0] == '-' && b->p[1] != ']')
        {
          int hi;

          b->p++;
          if (*b->p == '\\')
            {
              b->p++;
              if ((hi = char_escape (b)) < 0)
                return FALSE;
            }
          else if ((guchar) *b->p >= 0x80)
            return FALSE;
          else
            hi = *b->p++;
          if (hi < lo)
            return FALSE;
          class_add_range (out, lo, hi);
        }
      else
        class_add (out, lo);
    }
  if (b->p >= b->end)
    return FALSE;
  b->p++;
  if (negated)
    class_negate (out);
  return TRUE;
}

static int
parse_atom (DgJsDfaBuilder *b)
{
  DgJsDfaClass cls = { { 0, 0 }, 0 };
  char c = *b->p;

  switch (c)
    {
    case '(':
      {
        int inner;

        b->p++;
        if (b->p < b->end && *b->p == '?')
          {
            if (b->end - b->p >= 2 && b->p[1] == ':')
              b->p += 2;
            else if (b->end - b->p >= 2 && b->p[1] == '<' && b->p + 2 < b->end && b->p[2] != '=' &&
                     b->p[2] != '!')
              {
                const char *close = memchr (b->p, '>', b->end - b->p);

                if (close == NULL)
                  {
                    b->ok = FALSE;
                    return 0;
                  }
                b->p = close + 1;
              }
            else
              {
                b->ok = FALSE; /* lookaround, modifiers */
                return 0;
              }
          }
        inner = parse_alt (b);
        if (!b->ok || b->p >= b->end || *b->p != ')')
          {
            b->ok = FALSE;
            return 0;
          }
        b->p++;
        return inner;
      }
    case '[':
      if (!parse_class (b, &cls))
        {
          b->ok = FALSE;
          return 0;
        }
      return node_class (b, &cls);
    case '.':
      b->p++;
      class_add_range (&cls, 0, 127);
      cls.ascii[0] &= ~((G_GUINT64_CONSTANT (1) << '\n') | (G_GUINT64_CONSTANT (1) << '\r'));
      cls.non_ascii = NA_OTHER | NA_SPACE;
      return node_class (b, &cls);
    case '\\':
      {
        int ch;

        b->p++;
        if (b->p < b->end && class_escape (*b->p, &cls))
          {
            b->p++;
            return node_class (b, &cls);
          }
        if ((ch = char_escape (b)) < 0)
          {
            b->ok = FALSE;
            return 0;
          }
        class_add (&cls, ch);
        return node_class (b, &cls);
      }
    default:
      if ((guchar) c >= 0x80 || strchr ("^$*+?{}])|", c) != NULL)
        {
          b->ok = FALSE;
          return 0;
        }
      b->p++;
      class_add (&cls, (guchar) c);
      return node_class (b, &cls);
    }
}

static int
copy_tree (DgJsDfaBuilder *b, int n)
{
  DgJsDfaNode node = g_array_index (b->nodes, DgJsDfaNode, n);
  int a = node.a >= 0 ? copy_tree (b, node.a) : -1;
  int c = node.b >= 0 ? copy_tree (b, node.b) : -1;
  int copy = node_new (b, node.kind, a, c);

  if (b->ok)
    g_array_index (b->nodes, DgJsDfaNode, copy).cls = node.cls;
  return copy;
}

/* atom{min,max} (max < 0: unbounded) as concatenated copies */
static int
repeat (DgJsDfaBuilder *b, int atom, int min, int max)
{
  int result = node_new (b, NODE_EMPTY, -1, -1);

  for (int i = 0; i < min && b->ok; i++)
    result = node_new (b, NODE_CAT, result, i == 0 ? atom : copy_tree (b, atom));
  if (max < 0)
    return node_new (b, NODE_CAT, result,
                     node_new (b, NODE_STAR, min == 0 ? atom : copy_tree (b, atom), -1));
  for (int i = min; i < max && b->ok; i++)
    result = node_new (b, NODE_CAT, result,
                       node_new (b, NODE_OPT, i == 0 ? atom : copy_tree (b, atom), -1));
  return result;
}

static int
parse_seq (DgJsDfaBuilder *b)
{
  int seq = node_new (b, NODE_EMPTY, -1, -1);

  while (b->ok && b->p < b->end && *b->p != '|' && *b->p != ')')
    {
      int atom;

      if (*b->p == '$' && b->p + 1 == b->end)
        break; /* the end anchor; the caller checks it is at top level */
      atom = parse_atom (b);
      if (!b->ok)
        return 0;
      if (b->p < b->end && (*b->p == '*' || *b->p == '+' || *b->p == '?'))
        {
          atom = node_new (b,
                           *b->p == '*'   ? NODE_STAR
                           : *b->p == '+' ? NODE_PLUS
                                          : NODE_OPT,
                           atom, -1);
          b->p++;
        }
      else if (b->p < b->end && *b->p == '{')
        {
          const char *q = b->p + 1;
          int min = 0, max;

          while (q < b->end && g_ascii_isdigit (*q) && min < 1000)
            min = min * 10 + (*q++ - '0');
          if (q == b->p + 1 || q >= b->end)
            {
              b->ok = FALSE;
              return 0;
            }
          max = min;
          if (*q == ',')
            {
              q++;
              if (q < b->end && g_ascii_isdigit (*q))
                for (max = 0; q < b->end && g_ascii_isdigit (*q) && max < 1000;)
                  max = max * 10 + (*q++ - '0');
              else
                max = -1;
            }
          if (q >= b->end || *q != '}' || (max >= 0 && max < min))
            {
              b->ok = FALSE;
              return 0;
            }
          b->p = q + 1;
          atom = repeat (b, atom, min, max);
        }
      if (b->p < b->end && *b->p == '?')
        b->p++; /* lazy: the same for "is there a match" */
      if (b->p < b->end && strchr ("*+?{", *b->p) != NULL)
        {
          b->ok = FALSE;
          return 0;
        }
      seq = node_new (b, NODE_CAT, seq, atom);
    }
  return seq;
}

static int
parse_alt (DgJsDfaBuilder *b)
{
  int alt = parse_seq (b);

  while (b->ok && b->p < b->end && *b->p == '|')
    {
      b->p++;
      alt = node_new (b, NODE_ALT, alt, parse_seq (b));
    }
  return alt;
}

/**
 * dg_js_dfa_parse:
 *
 * Parses the pattern at @b->p into @b->nodes (an alternation up to the end or a ')').
 * Returns the root node; @b->ok is FALSE when the pattern is outside the subset.
 */
int
dg_js_dfa_parse (DgJsDfaBuilder *b)
{
  return parse_alt (b);
}
