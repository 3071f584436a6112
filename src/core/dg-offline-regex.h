/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dg-offline-private.h"

G_BEGIN_DECLS

/* The regex-subset tree, shared by its parser (dg-offline-regex.c) and generator (-regex-gen.c). */

typedef enum
{
  RX_LITERAL,
  RX_CLASS,
  RX_ANY,
  RX_SEQ,
  RX_ALT,
  RX_REPEAT,
  RX_ANCHOR_START,
  RX_ANCHOR_END,
} RxKind;

struct _DgRegexNode
{
  RxKind kind;
  gunichar ch;             /* LITERAL */
  GArray *ranges;          /* CLASS: gunichar pairs */
  gboolean negated;        /* CLASS */
  GPtrArray *children;     /* SEQ, ALT */
  DgRegexNode *child;      /* REPEAT */
  gint64 rep_min, rep_max; /* REPEAT; max -1 unbounded */
  gint64 min_len, max_len; /* computed; max -1 unbounded */
};

G_END_DECLS
