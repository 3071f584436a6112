/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-offline"

#include "config.h"

#include "dg-offline-regex.h"

/*
 * Length-directed generation from a regex-subset tree: the caller picks a
 * target length within its bounds, and every node hands the length down
 * (sequences split it, alternations pick a branch that can reach it,
 * repetitions choose a count), so minLength/maxLength are met on the
 * first try in most cases.
 */

#define UNBOUNDED_EXTRA 8

static const char friendly_chars[] =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:@";

static gboolean
class_contains (const DgRegexNode *n, gunichar c)
{
  for (guint i = 0; i + 1 < n->ranges->len; i += 2)
    if (c >= g_array_index (n->ranges, gunichar, i) &&
        c <= g_array_index (n->ranges, gunichar, i + 1))
      return TRUE;
  return FALSE;
}

static gunichar
class_pick (const DgRegexNode *n, DgRng *rng)
{
  guint n_ranges = n->ranges->len / 2;
  guint64 total = 0;
  guint64 pick;

  if (n->negated)
    {
      guint start = dg_rng_below (rng, sizeof friendly_chars - 1);

      for (guint i = 0; i < sizeof friendly_chars - 1; i++)
        {
          gunichar c = friendly_chars[(start + i) % (sizeof friendly_chars - 1)];
          if (!class_contains (n, c))
            return c;
        }
      for (gunichar c = 0xC0; c < 0x250; c++)
        if (!class_contains (n, c))
          return c;
      return 0x4E00;
    }
  /* Ranges weigh by size up to 26, so [a-zA-Z0-9] mixes and \u0000-\uFFFF stays readable. */
  for (guint i = 0; i < n_ranges; i++)
    {
      gunichar lo = g_array_index (n->ranges, gunichar, 2 * i);
      gunichar hi = g_array_index (n->ranges, gunichar, 2 * i + 1);
      total += MIN ((guint64) (hi - lo) + 1, 26);
    }
  pick = dg_rng_below (rng, total);
  for (guint i = 0; i < n_ranges; i++)
    {
      gunichar lo = g_array_index (n->ranges, gunichar, 2 * i);
      gunichar hi = g_array_index (n->ranges, gunichar, 2 * i + 1);
      guint64 weight = MIN ((guint64) (hi - lo) + 1, 26);

      if (pick >= weight)
        {
          pick -= weight;
          continue;
        }
      if ((guint64) (hi - lo) + 1 <= 26)
        return lo + (gunichar) pick;
      /* wide range: prefer its printable ASCII part, else stay near its start */
      if (lo <= 'z' && hi >= 'a')
        return MAX (lo, (gunichar) 'a') +
               (gunichar) dg_rng_below (rng,
                                        MIN (hi, (gunichar) 'z') - MAX (lo, (gunichar) 'a') + 1);
      if (lo <= '~' && hi >= '!')
        return MAX (lo, (gunichar) '0') <= MIN (hi, (gunichar) '~')
                   ? MAX (lo, (gunichar) '0') +
                         (gunichar) dg_rng_below (rng, MIN (hi, (gunichar) '~') -
                                                           MAX (lo, (gunichar) '0') + 1)
                   : lo;
      return lo + (gunichar) dg_rng_below (rng, 26);
    }
  return 'a';
}

static void generate (DgRegexNode *n, DgRng *rng, gint64 target, GString *out);

static gint64
clamp_len (const DgRegexNode *n, gint64 target)
{
  if (target < n->min_len)
    return n->min_len;
  if (n->max_len >= 0 && target > n->max_len)
    return n->max_len;
  return target;
}

static void
generate_seq (DgRegexNode *n, DgRng *rng, gint64 target, GString *out)
{
  guint count = n->children->len;
  gint64 *alloc = g_newa (gint64, MAX (count, 1));
  guint *order = g_newa (guint, MAX (count, 1));
  gint64 remaining = target - n->min_len;

  for (guint i = 0; i < count; i++)
    {
      alloc[i] = ((DgRegexNode *) n->children->pdata[i])->min_len;
      order[i] = i;
    }
  for (guint i = count; i > 1; i--)
    {
      guint j = dg_rng_below (rng, i);
      guint t = order[i - 1];
      order[i - 1] = order[j];
      order[j] = t;
    }
  /* hand out the extra length in random order, the last taker gets what is left */
  for (guint pass = 0; pass < 2 && remaining > 0; pass++)
    for (guint k = 0; k < count && remaining > 0; k++)
      {
        DgRegexNode *c = n->children->pdata[order[k]];
        gint64 room = c->max_len < 0 ? remaining : MIN (remaining, c->max_len - alloc[order[k]]);
        gint64 give = (pass == 1 || k == count - 1) ? room : dg_rng_range (rng, 0, MAX (room, 0));

        alloc[order[k]] += give;
        remaining -= give;
      }
  for (guint i = 0; i < count; i++)
    generate (n->children->pdata[i], rng, alloc[i], out);
}

static void
generate_alt (DgRegexNode *n, DgRng *rng, gint64 target, GString *out)
{
  guint fitting = 0;
  guint pick;
  DgRegexNode *best = NULL;
  gint64 best_distance = G_MAXINT64;

  for (guint i = 0; i < n->children->len; i++)
    {
      DgRegexNode *c = n->children->pdata[i];
      if (c->min_len <= target && (c->max_len < 0 || c->max_len >= target))
        fitting++;
    }
  if (fitting > 0)
    {
      pick = dg_rng_below (rng, fitting);
      for (guint i = 0; i < n->children->len; i++)
        {
          DgRegexNode *c = n->children->pdata[i];
          if (c->min_len <= target && (c->max_len < 0 || c->max_len >= target) && pick-- == 0)
            {
              generate (c, rng, target, out);
              return;
            }
        }
    }
  for (guint i = 0; i < n->children->len; i++)
    {
      DgRegexNode *c = n->children->pdata[i];
      gint64 d = ABS (clamp_len (c, target) - target);
      if (d < best_distance)
        best = c, best_distance = d;
    }
  generate (best, rng, clamp_len (best, target), out);
}

static void
generate_repeat (DgRegexNode *n, DgRng *rng, gint64 target, GString *out)
{
  DgRegexNode *c = n->child;
  gint64 rep_max = n->rep_max >= 0 ? n->rep_max : MAX (n->rep_min + UNBOUNDED_EXTRA, target);
  gint64 lo = n->rep_min;
  gint64 hi = rep_max;
  gint64 count;

  if (c->max_len > 0)
    lo = MAX (lo, (target + c->max_len - 1) / c->max_len);
  if (c->min_len > 0)
    hi = MIN (hi, target / c->min_len);
  else if (c->max_len == 0)
    hi = lo;
  if (lo > hi)
    count = c->min_len > 0 && target / c->min_len < n->rep_min ? n->rep_min : MIN (lo, rep_max);
  else if (c->min_len == c->max_len && c->min_len > 0)
    count = MAX (lo, MIN (hi, target / c->min_len));
  else
    count = dg_rng_range (rng, lo, hi);
  count = MAX (count, n->rep_min);
  for (gint64 i = 0; i < count; i++)
    {
      gint64 share = count > 0 ? target / count + (i < target % count ? 1 : 0) : 0;
      generate (c, rng, clamp_len (c, share), out);
    }
}

static void
generate (DgRegexNode *n, DgRng *rng, gint64 target, GString *out)
{
  switch (n->kind)
    {
    case RX_LITERAL:
      g_string_append_unichar (out, n->ch);
      break;
    case RX_CLASS:
      g_string_append_unichar (out, class_pick (n, rng));
      break;
    case RX_ANY:
      g_string_append_c (out, friendly_chars[dg_rng_below (rng, 62)]);
      break;
    case RX_SEQ:
      generate_seq (n, rng, target, out);
      break;
    case RX_ALT:
      generate_alt (n, rng, target, out);
      break;
    case RX_REPEAT:
      generate_repeat (n, rng, target, out);
      break;
    case RX_ANCHOR_START:
    case RX_ANCHOR_END:
    default:
      break;
    }
}

void
dg_regex_generate (DgRegexNode *node, DgRng *rng, gint64 min_len, gint64 max_len, GString *out)
{
  gint64 lo = MAX (min_len, node->min_len);
  gint64 hi;

  if (node->max_len < 0)
    hi = max_len >= 0 ? max_len : lo + UNBOUNDED_EXTRA;
  else
    hi = max_len >= 0 ? MIN (max_len, node->max_len) : node->max_len;
  hi = MIN (hi, lo + 24);
  if (hi < lo)
    hi = lo;
  generate (node, rng, dg_rng_range (rng, lo, hi), out);
}
