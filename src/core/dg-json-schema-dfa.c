/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-json-schema"

#include "config.h"

#include <string.h>

#include "dg-json-schema-dfa-private.h"

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

#define MAX_STATES 512

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

/* ---- Glushkov automaton ---- */

static void
set_or (DgJsDfaSet *a, const DgJsDfaSet *c)
{
  for (int i = 0; i < DG_JS_DFA_WORDS; i++)
    a->w[i] |= c->w[i];
}

static gboolean
set_empty (const DgJsDfaSet *a)
{
  for (int i = 0; i < DG_JS_DFA_WORDS; i++)
    if (a->w[i] != 0)
      return FALSE;
  return TRUE;
}

static gboolean
set_intersects (const DgJsDfaSet *a, const DgJsDfaSet *c)
{
  for (int i = 0; i < DG_JS_DFA_WORDS; i++)
    if (a->w[i] & c->w[i])
      return TRUE;
  return FALSE;
}

/* nullable, first and last of node @n; fills b->follow */
static gboolean
glushkov (DgJsDfaBuilder *b, int n, DgJsDfaSet *first, DgJsDfaSet *last)
{
  DgJsDfaNode *node = &g_array_index (b->nodes, DgJsDfaNode, n);
  DgJsDfaSet f1 = { { 0 } }, l1 = { { 0 } }, f2 = { { 0 } }, l2 = { { 0 } };
  gboolean n1, n2;

  memset (first, 0, sizeof *first);
  memset (last, 0, sizeof *last);
  switch (node->kind)
    {
    case NODE_EMPTY:
      return TRUE;
    case NODE_CLASS:
      if (b->n_positions >= DG_JS_DFA_MAX_POSITIONS)
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
        DgJsDfaNodeKind kind = node->kind;

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
  const DgJsDfaSet *s = key;
  guint64 h = 0;

  for (int i = 0; i < DG_JS_DFA_WORDS; i++)
    h = h * 0x9E3779B97F4A7C15u ^ s->w[i];
  return (guint) (h ^ (h >> 32));
}

static gboolean
set_equal (gconstpointer a, gconstpointer c)
{
  return memcmp (a, c, sizeof (DgJsDfaSet)) == 0;
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
  DgJsDfaBuilder b = { pattern, pattern + strlen (pattern), NULL, TRUE, 0, NULL, NULL };
  g_autoptr (GArray) states = NULL;    /* DgJsDfaSet per state; state 0 is "at the start" */
  g_autoptr (GHashTable) index = NULL; /* DgJsDfaSet* → state + 1 */
  g_autoptr (GArray) next = NULL;
  DgJsDfa *dfa = g_new0 (DgJsDfa, 1);
  DgJsDfaSet first, last, empty = { { 0 } };
  DgJsDfaSet *signatures = NULL;
  int root;

  if (b.p < b.end && *b.p == '^')
    {
      dfa->start_anchored = TRUE;
      b.p++;
    }
  b.nodes = g_array_new (FALSE, FALSE, sizeof (DgJsDfaNode));
  root = dg_js_dfa_parse (&b);
  if (b.ok && b.p < b.end && *b.p == '$' && b.p + 1 == b.end)
    {
      dfa->end_anchored = TRUE;
      b.p++;
    }
  /* anchors beside a top-level '|' bind to one branch only: leave those to GRegex */
  if (b.ok && (b.p != b.end || ((dfa->start_anchored || dfa->end_anchored) &&
                                g_array_index (b.nodes, DgJsDfaNode, root).kind == NODE_ALT)))
    b.ok = FALSE;
  if (b.ok)
    {
      b.position_class = g_new0 (DgJsDfaClass, DG_JS_DFA_MAX_POSITIONS);
      b.follow = g_new0 (DgJsDfaSet, DG_JS_DFA_MAX_POSITIONS);
      dfa->nullable = glushkov (&b, root, &first, &last);
      signatures = g_new0 (DgJsDfaSet, 131);
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
      DgJsDfaSet sig = { { 0 } };
      int cls;

      for (int p = 0; p < b.n_positions; p++)
        {
          const DgJsDfaClass *pc = &b.position_class[p];
          gboolean in =
              ch < 128 ? dg_js_dfa_class_has (pc, ch) : ((pc->non_ascii >> (ch - 128)) & 1) != 0;

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

  states = g_array_new (FALSE, FALSE, sizeof (DgJsDfaSet));
  index = g_hash_table_new (set_hash, set_equal);
  next = g_array_new (FALSE, FALSE, sizeof (guint16));
  g_array_append_val (states, empty); /* the start */
  for (guint s = 0; s < states->len; s++)
    {
      for (int cls = 0; cls < dfa->n_classes; cls++)
        {
          DgJsDfaSet cur = g_array_index (states, DgJsDfaSet, s), to = { { 0 } };
          gpointer found;
          guint16 target;

          for (int p = 0; p < b.n_positions; p++)
            if ((cur.w[p / 64] >> (p % 64)) & 1)
              set_or (&to, &b.follow[p]);
          if (s == 0 || !dfa->start_anchored)
            set_or (&to, &first);
          /* keep the positions that accept this input class */
          for (int i = 0; i < DG_JS_DFA_WORDS; i++)
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
      const DgJsDfaSet *set = &g_array_index (states, DgJsDfaSet, s);

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
