/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-json-schema"

#include "config.h"

#include <string.h>

#include "dg-json-schema-private.h"

/*
 * A fast path for the patterns schemas usually have (^[A-Z]{2}-\d{4}$, ^[a-z0-9._-]+$, …):
 * a DFA over ASCII character classes, built at compile time, so matching costs one table
 * lookup per character and no allocation, where a GRegex match allocates match data each
 * time. Validation only asks "is there a match", so greedy and lazy quantifiers are the
 * same here and no backtracking order matters.
 *
 * The subset: ASCII literals, '.', classes of ASCII characters and \d \w \s (and their
 * negations), groups, alternation, * + ? {n} {n,} {n,m}, and ^ at the very start and $ at
 * the very end. Anything else (lookaround, backreferences, \b, \p{…}, non-ASCII literals,
 * too many states) returns NULL and the caller uses GRegex, which handles everything.
 * Non-ASCII characters fall into three kinds ECMA-262 tells apart: line separators
 * (U+2028/9, matched by \s but not '.'), other \s whitespace, and everything else.
 */

#define MAX_POSITIONS 256
#define WORDS (MAX_POSITIONS / 64)
#define MAX_STATES 512
#define MAX_NODES 2048 /* also bounds the recursion over the syntax tree */

enum
{
  NA_OTHER = 1 << 0, /* non-ASCII, not whitespace */
  NA_SPACE = 1 << 1, /* non-ASCII \s but not a line terminator */
  NA_LINE = 1 << 2,  /* U+2028, U+2029 */
};

typedef struct
{
  guint64 ascii[2];
  guint non_ascii;
} Class;

typedef enum
{
  NODE_EMPTY,
  NODE_CLASS,
  NODE_CAT,
  NODE_ALT,
  NODE_STAR,
  NODE_PLUS,
  NODE_OPT,
} NodeKind;

typedef struct
{
  NodeKind kind;
  int a, b;     /* children (node indexes) */
  Class cls;    /* NODE_CLASS */
  int position; /* NODE_CLASS, assigned by glushkov() */
} Node;

typedef struct
{
  guint64 w[WORDS];
} Set;

typedef struct
{
  const char *p;
  const char *end;
  GArray *nodes;
  gboolean ok;
  int n_positions;
  Class *position_class;
  Set *follow;
} Builder;

struct _DgJsDfa
{
  guint8 ascii_class[128];
  guint8 non_ascii_class[3]; /* for NA_OTHER, NA_SPACE, NA_LINE */
  int n_classes;
  int n_states;
  guint16 *next;     /* n_states × n_classes */
  guint8 *accepting; /* per state */
  guint8 *dead;      /* per state */
  gboolean start_anchored, end_anchored, nullable;
};

/* ---- classes ---- */

static void
class_add (Class *c, guint ch)
{
  c->ascii[ch >> 6] |= G_GUINT64_CONSTANT (1) << (ch & 63);
}

static void
class_add_range (Class *c, guint from, guint to)
{
  for (guint ch = from; ch <= to; ch++)
    class_add (c, ch);
}

static void
class_negate (Class *c)
{
  c->ascii[0] = ~c->ascii[0];
  c->ascii[1] = ~c->ascii[1];
  c->non_ascii = ~c->non_ascii & (NA_OTHER | NA_SPACE | NA_LINE);
}

static void
class_union (Class *into, const Class *c)
{
  into->ascii[0] |= c->ascii[0];
  into->ascii[1] |= c->ascii[1];
  into->non_ascii |= c->non_ascii;
}

static gboolean
class_has (const Class *c, guint ch)
{
  return (c->ascii[ch >> 6] >> (ch & 63)) & 1;
}

/* \d \D \w \W \s \S */
static gboolean
class_escape (char e, Class *c)
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
node_new (Builder *b, NodeKind kind, int a, int c)
{
  Node n = { kind, a, c, { { 0, 0 }, 0 }, -1 };

  if (b->nodes->len >= MAX_NODES)
    {
      b->ok = FALSE;
      return 0;
    }
  g_array_append_val (b->nodes, n);
  return b->nodes->len - 1;
}

static int
node_class (Builder *b, const Class *cls)
{
  int n = node_new (b, NODE_CLASS, -1, -1);

  if (b->ok)
    g_array_index (b->nodes, Node, n).cls = *cls;
  return n;
}

/* A single character escape (not a class escape) as a code point, or -1. */
static int
char_escape (Builder *b)
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

static int parse_alt (Builder *b);

static gboolean
parse_class (Builder *b, Class *out)
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
          Class esc;

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
parse_atom (Builder *b)
{
  Class cls = { { 0, 0 }, 0 };
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
copy_tree (Builder *b, int n)
{
  Node node = g_array_index (b->nodes, Node, n);
  int a = node.a >= 0 ? copy_tree (b, node.a) : -1;
  int c = node.b >= 0 ? copy_tree (b, node.b) : -1;
  int copy = node_new (b, node.kind, a, c);

  if (b->ok)
    g_array_index (b->nodes, Node, copy).cls = node.cls;
  return copy;
}

/* atom{min,max} (max < 0: unbounded) as concatenated copies */
static int
repeat (Builder *b, int atom, int min, int max)
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
parse_seq (Builder *b)
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
parse_alt (Builder *b)
{
  int alt = parse_seq (b);

  while (b->ok && b->p < b->end && *b->p == '|')
    {
      b->p++;
      alt = node_new (b, NODE_ALT, alt, parse_seq (b));
    }
  return alt;
}

/* ---- Glushkov automaton ---- */

static void
set_or (Set *a, const Set *c)
{
  for (int i = 0; i < WORDS; i++)
    a->w[i] |= c->w[i];
}

static gboolean
set_empty (const Set *a)
{
  for (int i = 0; i < WORDS; i++)
    if (a->w[i] != 0)
      return FALSE;
  return TRUE;
}

static gboolean
set_intersects (const Set *a, const Set *c)
{
  for (int i = 0; i < WORDS; i++)
    if (a->w[i] & c->w[i])
      return TRUE;
  return FALSE;
}

/* nullable, first and last of node @n; fills b->follow */
static gboolean
glushkov (Builder *b, int n, Set *first, Set *last)
{
  Node *node = &g_array_index (b->nodes, Node, n);
  Set f1 = { { 0 } }, l1 = { { 0 } }, f2 = { { 0 } }, l2 = { { 0 } };
  gboolean n1, n2;

  memset (first, 0, sizeof *first);
  memset (last, 0, sizeof *last);
  switch (node->kind)
    {
    case NODE_EMPTY:
      return TRUE;
    case NODE_CLASS:
      if (b->n_positions >= MAX_POSITIONS)
        {
          b->ok = FALSE;
          return FALSE;
        }
      node->position = b->n_positions++;
      b->position_class[node->position] = node->cls;
      first->w[node->position / 64] |= G_GUINT64_CONSTANT (1) << (node->position % 64);
      *last = *first;
      return FALSE;
    case NODE_CAT:
      {
        int a = node->a, c = node->b;

        n1 = glushkov (b, a, &f1, &l1);
        n2 = glushkov (b, c, &f2, &l2);
        for (int p = 0; p < b->n_positions; p++)
          if ((l1.w[p / 64] >> (p % 64)) & 1)
            set_or (&b->follow[p], &f2);
        *first = f1;
        if (n1)
          set_or (first, &f2);
        *last = l2;
        if (n2)
          set_or (last, &l1);
        return n1 && n2;
      }
    case NODE_ALT:
      {
        int a = node->a, c = node->b;

        n1 = glushkov (b, a, &f1, &l1);
        n2 = glushkov (b, c, &f2, &l2);
        *first = f1;
        set_or (first, &f2);
        *last = l1;
        set_or (last, &l2);
        return n1 || n2;
      }
    case NODE_STAR:
    case NODE_PLUS:
    case NODE_OPT:
    default:
      {
        NodeKind kind = node->kind;

        n1 = glushkov (b, node->a, first, last);
        if (kind != NODE_OPT)
          for (int p = 0; p < b->n_positions; p++)
            if ((last->w[p / 64] >> (p % 64)) & 1)
              set_or (&b->follow[p], first);
        return kind == NODE_PLUS ? n1 : TRUE;
      }
    }
}

/* ---- subset construction ---- */

static guint
set_hash (gconstpointer key)
{
  const Set *s = key;
  guint64 h = 0;

  for (int i = 0; i < WORDS; i++)
    h = h * 0x9E3779B97F4A7C15u ^ s->w[i];
  return (guint) (h ^ (h >> 32));
}

static gboolean
set_equal (gconstpointer a, gconstpointer c)
{
  return memcmp (a, c, sizeof (Set)) == 0;
}

static void
free_keys (GHashTable *table)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_free (key);
}

static void
dfa_free (DgJsDfa *dfa)
{
  g_free (dfa->next);
  g_free (dfa->accepting);
  g_free (dfa->dead);
  g_free (dfa);
}

/**
 * dg_js_dfa_compile:
 *
 * Returns: a DFA for @pattern (an ECMA-262 pattern), or %NULL when it is outside the
 * subset described above (then GRegex must be used).
 */
DgJsDfa *
dg_js_dfa_compile (const char *pattern)
{
  Builder b = { pattern, pattern + strlen (pattern), NULL, TRUE, 0, NULL, NULL };
  g_autoptr (GArray) states = NULL;    /* Set per state; state 0 is "at the start" */
  g_autoptr (GHashTable) index = NULL; /* Set* → state + 1 */
  g_autoptr (GArray) next = NULL;
  DgJsDfa *dfa = g_new0 (DgJsDfa, 1);
  Set first, last, empty = { { 0 } };
  Set *signatures = NULL;
  int root;

  if (b.p < b.end && *b.p == '^')
    {
      dfa->start_anchored = TRUE;
      b.p++;
    }
  b.nodes = g_array_new (FALSE, FALSE, sizeof (Node));
  root = parse_alt (&b);
  if (b.ok && b.p < b.end && *b.p == '$' && b.p + 1 == b.end)
    {
      dfa->end_anchored = TRUE;
      b.p++;
    }
  /* anchors beside a top-level '|' bind to one branch only: leave those to GRegex */
  if (b.ok && (b.p != b.end || ((dfa->start_anchored || dfa->end_anchored) &&
                                g_array_index (b.nodes, Node, root).kind == NODE_ALT)))
    b.ok = FALSE;
  if (b.ok)
    {
      b.position_class = g_new0 (Class, MAX_POSITIONS);
      b.follow = g_new0 (Set, MAX_POSITIONS);
      dfa->nullable = glushkov (&b, root, &first, &last);
      signatures = g_new0 (Set, 131);
    }
  g_array_unref (b.nodes);
  if (!b.ok)
    {
      g_free (b.position_class);
      g_free (b.follow);
      dfa_free (dfa);
      return NULL;
    }

  /* Input classes: characters that every position treats alike (the same set of
   * positions accepts them). 0..127 are ASCII, then the three kinds of non-ASCII. */
  for (guint ch = 0; ch < 131; ch++)
    {
      Set sig = { { 0 } };
      int cls;

      for (int p = 0; p < b.n_positions; p++)
        {
          const Class *pc = &b.position_class[p];
          gboolean in = ch < 128 ? class_has (pc, ch) : ((pc->non_ascii >> (ch - 128)) & 1) != 0;

          if (in)
            sig.w[p / 64] |= G_GUINT64_CONSTANT (1) << (p % 64);
        }
      for (cls = 0; cls < dfa->n_classes; cls++)
        if (set_equal (&signatures[cls], &sig))
          break;
      if (cls == dfa->n_classes)
        signatures[dfa->n_classes++] = sig;
      if (ch < 128)
        dfa->ascii_class[ch] = cls;
      else
        dfa->non_ascii_class[ch - 128] = cls;
    }

  states = g_array_new (FALSE, FALSE, sizeof (Set));
  index = g_hash_table_new (set_hash, set_equal);
  next = g_array_new (FALSE, FALSE, sizeof (guint16));
  g_array_append_val (states, empty); /* the start */
  for (guint s = 0; s < states->len; s++)
    {
      for (int cls = 0; cls < dfa->n_classes; cls++)
        {
          Set cur = g_array_index (states, Set, s), to = { { 0 } };
          gpointer found;
          guint16 target;

          for (int p = 0; p < b.n_positions; p++)
            if ((cur.w[p / 64] >> (p % 64)) & 1)
              set_or (&to, &b.follow[p]);
          if (s == 0 || !dfa->start_anchored)
            set_or (&to, &first);
          /* keep the positions that accept this input class */
          for (int i = 0; i < WORDS; i++)
            to.w[i] &= signatures[cls].w[i];
          found = g_hash_table_lookup (index, &to);
          if (found != NULL)
            target = GPOINTER_TO_UINT (found) - 1;
          else
            {
              if (states->len >= MAX_STATES)
                {
                  g_free (signatures);
                  g_free (b.position_class);
                  g_free (b.follow);
                  free_keys (index);
                  dfa_free (dfa);
                  return NULL;
                }
              g_array_append_val (states, to);
              target = states->len - 1;
              /* states->data may have moved: key the table by a copy */
              g_hash_table_insert (index, g_memdup2 (&to, sizeof to),
                                   GUINT_TO_POINTER (target + 1));
            }
          g_array_append_val (next, target);
        }
    }
  dfa->n_states = states->len;
  dfa->next = (guint16 *) g_array_free (g_steal_pointer (&next), FALSE);
  dfa->accepting = g_new0 (guint8, dfa->n_states);
  dfa->dead = g_new0 (guint8, dfa->n_states);
  for (int s = 0; s < dfa->n_states; s++)
    {
      const Set *set = &g_array_index (states, Set, s);

      dfa->accepting[s] = s != 0 && set_intersects (set, &last);
      dfa->dead[s] = s != 0 && dfa->start_anchored && set_empty (set);
    }
  free_keys (index);
  g_free (signatures);
  g_free (b.position_class);
  g_free (b.follow);
  return dfa;
}

/* Is there a match in @s (valid UTF-8, @len bytes)? */
gboolean
dg_js_dfa_match (const DgJsDfa *dfa, const char *s, gsize len)
{
  const guchar *p = (const guchar *) s, *end = p + len;
  guint state = 0;

  if (dfa->nullable && !(dfa->start_anchored && dfa->end_anchored))
    return TRUE; /* the empty match */
  while (p < end)
    {
      guint cls;

      if (*p < 0x80)
        cls = dfa->ascii_class[*p++];
      else
        {
          gunichar u = g_utf8_get_char ((const char *) p);
          guint kind;

          p = (const guchar *) g_utf8_next_char (p);
          if (u == 0x2028 || u == 0x2029)
            kind = 2;
          else if (u == 0xA0 || u == 0x1680 || (u >= 0x2000 && u <= 0x200A) || u == 0x202F ||
                   u == 0x205F || u == 0x3000 || u == 0xFEFF)
            kind = 1;
          else
            kind = 0;
          cls = dfa->non_ascii_class[kind];
        }
      state = dfa->next[state * dfa->n_classes + cls];
      if (dfa->dead[state])
        return FALSE;
      if (!dfa->end_anchored && dfa->accepting[state])
        return TRUE;
    }
  return dfa->accepting[state] || (dfa->nullable && len == 0);
}

void
dg_js_dfa_free (DgJsDfa *dfa)
{
  if (dfa != NULL)
    dfa_free (dfa);
}
