/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-offline"

#include "config.h"

#include <string.h>

#include "dg-offline-regex.h"

/*
 * A practical subset of ECMA-262 regular expressions, parsed into a tree we
 * can generate strings from: literals, classes ([a-z0-9], negated, \d \w \s
 * and their negations), ".", groups (capturing, (?:...), named),
 * alternation, ^ and $, and the quantifiers ? * + {n} {n,} {n,m} (lazy
 * suffixes accepted). Lookarounds, backreferences, \b and \p{...} are
 * outside the subset; the caller then falls back to candidate values.
 */

typedef struct
{
  const char *p;
  char *unsupported;
  guint depth;
} Parser;

static DgRegexNode *
node_new (RxKind kind)
{
  DgRegexNode *n = g_new0 (DgRegexNode, 1);

  n->kind = kind;
  if (kind == RX_SEQ || kind == RX_ALT)
    n->children = g_ptr_array_new_with_free_func ((GDestroyNotify) dg_regex_node_free);
  if (kind == RX_CLASS)
    n->ranges = g_array_new (FALSE, FALSE, sizeof (gunichar));
  return n;
}

void
dg_regex_node_free (DgRegexNode *node)
{
  if (node == NULL)
    return;
  g_clear_pointer (&node->children, g_ptr_array_unref);
  g_clear_pointer (&node->ranges, g_array_unref);
  dg_regex_node_free (node->child);
  g_free (node);
}

static void
add_range (DgRegexNode *n, gunichar lo, gunichar hi)
{
  g_array_append_val (n->ranges, lo);
  g_array_append_val (n->ranges, hi);
}

static gboolean
unsupported (Parser *ps, const char *what)
{
  if (ps->unsupported == NULL)
    ps->unsupported = g_strdup (what);
  return FALSE;
}

static gboolean
parse_hex (Parser *ps, int digits, gunichar *out)
{
  gunichar value = 0;

  for (int i = 0; i < digits; i++)
    {
      int h = g_ascii_xdigit_value (ps->p[i]);
      if (h < 0)
        return unsupported (ps, "a malformed hexadecimal escape");
      value = value * 16 + h;
    }
  ps->p += digits;
  *out = value;
  return TRUE;
}

/*
 * Parses the escape after a backslash. Class escapes (\d, \w, \s and
 * negations) are added to @cls as ranges; a single character goes to @ch.
 * Returns 1 for a character, 2 for a class escape, 0 on failure.
 */
static int
parse_escape (Parser *ps, gboolean in_class, DgRegexNode *cls, gboolean *negated_class,
              gunichar *ch)
{
  char c = *ps->p;

  if (c == '\0')
    return unsupported (ps, "a trailing backslash");
  ps->p++;
  *negated_class = FALSE;
  switch (c)
    {
    case 'D':
    case 'W':
    case 'S':
      *negated_class = TRUE;
      c = g_ascii_tolower (c);
      G_GNUC_FALLTHROUGH;
    case 'd':
    case 'w':
    case 's':
      if (c == 'd')
        add_range (cls, '0', '9');
      else if (c == 'w')
        {
          add_range (cls, 'a', 'z');
          add_range (cls, 'A', 'Z');
          add_range (cls, '0', '9');
          add_range (cls, '_', '_');
        }
      else
        add_range (cls, ' ', ' '); /* generation only: GRegex does the matching */
      return 2;
    case 'n':
      *ch = '\n';
      return 1;
    case 't':
      *ch = '\t';
      return 1;
    case 'r':
      *ch = '\r';
      return 1;
    case 'f':
      *ch = '\f';
      return 1;
    case 'v':
      *ch = '\v';
      return 1;
    case 'b':
      if (in_class)
        {
          *ch = '\b';
          return 1;
        }
      return unsupported (ps, "word boundaries (\\b)");
    case 'x':
      return parse_hex (ps, 2, ch) ? 1 : 0;
    case 'u':
      if (*ps->p == '{')
        {
          const char *end = strchr (ps->p, '}');
          gunichar value = 0;

          if (end == NULL || end == ps->p + 1 || end - ps->p > 7)
            return unsupported (ps, "a malformed \\u{...} escape");
          for (const char *q = ps->p + 1; q < end; q++)
            {
              if (g_ascii_xdigit_value (*q) < 0)
                return unsupported (ps, "a malformed \\u{...} escape");
              value = value * 16 + g_ascii_xdigit_value (*q);
            }
          ps->p = end + 1;
          *ch = value;
          return 1;
        }
      return parse_hex (ps, 4, ch) ? 1 : 0;
    case 'B':
      return unsupported (ps, "\\B");
    case 'p':
    case 'P':
      return unsupported (ps, "Unicode property escapes (\\p{...})");
    case 'c':
      return unsupported (ps, "control escapes (\\c)");
    case 'k':
      return unsupported (ps, "named backreferences");
    default:
      if (c >= '0' && c <= '9')
        return unsupported (ps, "backreferences");
      if (g_ascii_isalpha (c))
        return unsupported (ps, "an unknown escape");
      *ch = (guchar) c;
      return 1;
    }
}

static gunichar
next_char (Parser *ps)
{
  gunichar c = g_utf8_get_char_validated (ps->p, -1);

  if (c == (gunichar) -1 || c == (gunichar) -2)
    c = (guchar) *ps->p, ps->p++;
  else
    ps->p = g_utf8_next_char (ps->p);
  return c;
}

static DgRegexNode *
parse_class (Parser *ps)
{
  DgRegexNode *n = node_new (RX_CLASS);

  if (*ps->p == '^')
    {
      n->negated = TRUE;
      ps->p++;
    }
  if (*ps->p == ']')
    {
      unsupported (ps, "an empty character class");
      dg_regex_node_free (n);
      return NULL;
    }
  while (*ps->p != ']')
    {
      gunichar lo, hi;

      if (*ps->p == '\0')
        {
          unsupported (ps, "an unterminated character class");
          dg_regex_node_free (n);
          return NULL;
        }
      if (*ps->p == '\\')
        {
          gboolean negated;
          int kind;

          ps->p++;
          kind = parse_escape (ps, TRUE, n, &negated, &lo);
          if (kind == 0 || negated)
            {
              if (negated)
                unsupported (ps, "negated escapes inside a class");
              dg_regex_node_free (n);
              return NULL;
            }
          if (kind == 2)
            continue;
        }
      else
        lo = next_char (ps);
      hi = lo;
      if (ps->p[0] == '-' && ps->p[1] != ']' && ps->p[1] != '\0')
        {
          ps->p++;
          if (*ps->p == '\\')
            {
              gboolean negated;

              ps->p++;
              if (parse_escape (ps, TRUE, n, &negated, &hi) != 1)
                {
                  unsupported (ps, "a class escape as a range end");
                  dg_regex_node_free (n);
                  return NULL;
                }
            }
          else
            hi = next_char (ps);
          if (hi < lo)
            {
              unsupported (ps, "a reversed character range");
              dg_regex_node_free (n);
              return NULL;
            }
        }
      add_range (n, lo, hi);
    }
  ps->p++;
  return n;
}

static DgRegexNode *parse_alt (Parser *ps);

static DgRegexNode *
parse_atom (Parser *ps)
{
  char c = *ps->p;
  DgRegexNode *n;

  switch (c)
    {
    case '(':
      ps->p++;
      if (ps->p[0] == '?')
        {
          if (ps->p[1] == ':')
            ps->p += 2;
          else if ((ps->p[1] == '<' && ps->p[2] != '=' && ps->p[2] != '!') || ps->p[1] == 'P')
            {
              const char *end = strchr (ps->p, '>');
              if (end == NULL)
                {
                  unsupported (ps, "a malformed group name");
                  return NULL;
                }
              ps->p = end + 1;
            }
          else
            {
              unsupported (ps, "lookaround assertions");
              return NULL;
            }
        }
      if (++ps->depth > 64)
        {
          unsupported (ps, "groups nested too deeply");
          return NULL;
        }
      n = parse_alt (ps);
      ps->depth--;
      if (n == NULL)
        return NULL;
      if (*ps->p != ')')
        {
          unsupported (ps, "an unbalanced parenthesis");
          dg_regex_node_free (n);
          return NULL;
        }
      ps->p++;
      return n;
    case '[':
      ps->p++;
      return parse_class (ps);
    case '.':
      ps->p++;
      return node_new (RX_ANY);
    case '^':
      ps->p++;
      return node_new (RX_ANCHOR_START);
    case '$':
      ps->p++;
      return node_new (RX_ANCHOR_END);
    case '\\':
      {
        gboolean negated;
        gunichar ch = 0;
        int kind;

        ps->p++;
        n = node_new (RX_CLASS);
        kind = parse_escape (ps, FALSE, n, &negated, &ch);
        if (kind == 0)
          {
            dg_regex_node_free (n);
            return NULL;
          }
        if (kind == 2)
          {
            n->negated = negated;
            return n;
          }
        dg_regex_node_free (n);
        n = node_new (RX_LITERAL);
        n->ch = ch;
        return n;
      }
    case '*':
    case '+':
    case '?':
    case '{':
    case ')':
    case ']':
    case '}':
      unsupported (ps, "a misplaced quantifier or bracket");
      return NULL;
    default:
      n = node_new (RX_LITERAL);
      n->ch = next_char (ps);
      return n;
    }
}

static gboolean
parse_bound (Parser *ps, gint64 *out)
{
  gint64 value = 0;
  const char *start = ps->p;

  while (g_ascii_isdigit (*ps->p) && value < 100000)
    value = value * 10 + (*ps->p++ - '0');
  *out = value;
  return ps->p != start;
}

static DgRegexNode *
parse_quantified (Parser *ps)
{
  DgRegexNode *atom = parse_atom (ps);
  gint64 lo, hi;

  if (atom == NULL)
    return NULL;
  for (;;)
    {
      DgRegexNode *rep;
      char c = *ps->p;

      if (c == '*')
        lo = 0, hi = -1, ps->p++;
      else if (c == '+')
        lo = 1, hi = -1, ps->p++;
      else if (c == '?')
        lo = 0, hi = 1, ps->p++;
      else if (c == '{')
        {
          const char *save = ps->p;

          ps->p++;
          if (!parse_bound (ps, &lo))
            {
              ps->p = save;
              unsupported (ps, "a literal '{'");
              dg_regex_node_free (atom);
              return NULL;
            }
          hi = lo;
          if (*ps->p == ',')
            {
              ps->p++;
              if (!parse_bound (ps, &hi))
                hi = -1;
            }
          if (*ps->p != '}' || (hi >= 0 && hi < lo))
            {
              unsupported (ps, "a malformed {n,m} quantifier");
              dg_regex_node_free (atom);
              return NULL;
            }
          ps->p++;
        }
      else
        return atom;
      if (*ps->p == '?')
        ps->p++; /* lazy: same language */
      if (atom->kind == RX_ANCHOR_START || atom->kind == RX_ANCHOR_END)
        {
          unsupported (ps, "a quantified anchor");
          dg_regex_node_free (atom);
          return NULL;
        }
      rep = node_new (RX_REPEAT);
      rep->child = atom;
      rep->rep_min = lo;
      rep->rep_max = hi;
      atom = rep;
    }
}

static DgRegexNode *
parse_seq (Parser *ps)
{
  DgRegexNode *seq = node_new (RX_SEQ);

  while (*ps->p != '\0' && *ps->p != '|' && *ps->p != ')')
    {
      DgRegexNode *item = parse_quantified (ps);
      if (item == NULL)
        {
          dg_regex_node_free (seq);
          return NULL;
        }
      g_ptr_array_add (seq->children, item);
    }
  return seq;
}

static DgRegexNode *
parse_alt (Parser *ps)
{
  DgRegexNode *alt = node_new (RX_ALT);

  for (;;)
    {
      DgRegexNode *seq = parse_seq (ps);
      if (seq == NULL)
        {
          dg_regex_node_free (alt);
          return NULL;
        }
      g_ptr_array_add (alt->children, seq);
      if (*ps->p != '|')
        break;
      ps->p++;
    }
  return alt;
}

static gint64
add_len (gint64 a, gint64 b)
{
  return (a < 0 || b < 0) ? -1 : MIN (a + b, G_MAXINT32);
}

static void
compute_lengths (DgRegexNode *n)
{
  switch (n->kind)
    {
    case RX_LITERAL:
    case RX_CLASS:
    case RX_ANY:
      n->min_len = n->max_len = 1;
      break;
    case RX_ANCHOR_START:
    case RX_ANCHOR_END:
      n->min_len = n->max_len = 0;
      break;
    case RX_SEQ:
      n->min_len = n->max_len = 0;
      for (guint i = 0; i < n->children->len; i++)
        {
          DgRegexNode *c = n->children->pdata[i];
          compute_lengths (c);
          n->min_len = MIN (n->min_len + c->min_len, G_MAXINT32);
          n->max_len = add_len (n->max_len, c->max_len);
        }
      break;
    case RX_ALT:
      n->min_len = G_MAXINT32;
      n->max_len = 0;
      for (guint i = 0; i < n->children->len; i++)
        {
          DgRegexNode *c = n->children->pdata[i];
          compute_lengths (c);
          n->min_len = MIN (n->min_len, c->min_len);
          n->max_len = (n->max_len < 0 || c->max_len < 0) ? -1 : MAX (n->max_len, c->max_len);
        }
      break;
    case RX_REPEAT:
      compute_lengths (n->child);
      n->min_len = MIN (n->child->min_len * n->rep_min, G_MAXINT32);
      if (n->child->max_len == 0)
        n->max_len = 0;
      else if (n->rep_max < 0 || n->child->max_len < 0)
        n->max_len = -1;
      else
        n->max_len = MIN (n->child->max_len * n->rep_max, G_MAXINT32);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* Returns NULL and sets *unsupported when the pattern is outside the subset. */
DgRegexNode *
dg_regex_parse (const char *pattern, char **unsupported_out)
{
  Parser ps = { pattern, NULL, 0 };
  DgRegexNode *root = parse_alt (&ps);

  if (root != NULL && *ps.p != '\0')
    {
      unsupported (&ps, "an unbalanced parenthesis");
      g_clear_pointer (&root, dg_regex_node_free);
    }
  if (root == NULL)
    {
      if (unsupported_out != NULL)
        *unsupported_out = g_steal_pointer (&ps.unsupported);
      g_free (ps.unsupported);
      return NULL;
    }
  compute_lengths (root);
  return root;
}

void
dg_regex_length_range (DgRegexNode *node, gint64 *min, gint64 *max)
{
  *min = node->min_len;
  *max = node->max_len;
}

/* Whether every way through @node starts (ends) with an anchor. */
gboolean
dg_regex_anchored (DgRegexNode *node, gboolean at_start)
{
  switch (node->kind)
    {
    case RX_ANCHOR_START:
      return at_start;
    case RX_ANCHOR_END:
      return !at_start;
    case RX_ALT:
      for (guint i = 0; i < node->children->len; i++)
        if (!dg_regex_anchored (node->children->pdata[i], at_start))
          return FALSE;
      return node->children->len > 0;
    case RX_SEQ:
      for (guint k = 0; k < node->children->len; k++)
        {
          guint i = at_start ? k : node->children->len - 1 - k;
          DgRegexNode *c = node->children->pdata[i];

          if (dg_regex_anchored (c, at_start))
            return TRUE;
          if (c->max_len != 0)
            return FALSE;
        }
      return FALSE;
    default:
      return FALSE;
    }
}
