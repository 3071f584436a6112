/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dg-json-schema-private.h"

G_BEGIN_DECLS

/* Shared by dg-json-schema-dfa-parse.c (classes, the pattern's syntax tree) and
 * dg-json-schema-dfa.c (Glushkov automaton, subset construction, matching). */

#define DG_JS_DFA_MAX_POSITIONS 256
#define DG_JS_DFA_WORDS (DG_JS_DFA_MAX_POSITIONS / 64)

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
} DgJsDfaClass;

typedef enum
{
  NODE_EMPTY,
  NODE_CLASS,
  NODE_CAT,
  NODE_ALT,
  NODE_STAR,
  NODE_PLUS,
  NODE_OPT,
} DgJsDfaNodeKind;

typedef struct
{
  DgJsDfaNodeKind kind;
  int a, b;         /* children (node indexes) */
  DgJsDfaClass cls; /* NODE_CLASS */
  int position;     /* NODE_CLASS, assigned by glushkov() */
} DgJsDfaNode;

typedef struct
{
  guint64 w[DG_JS_DFA_WORDS];
} DgJsDfaSet;

typedef struct
{
  const char *p;
  const char *end;
  GArray *nodes;
  gboolean ok;
  int n_positions;
  DgJsDfaClass *position_class;
  DgJsDfaSet *follow;
} DgJsDfaBuilder;

gboolean dg_js_dfa_class_has (const DgJsDfaClass *c,
                              guint               ch);
int      dg_js_dfa_parse     (DgJsDfaBuilder     *b);

G_END_DECLS
