/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-offline"

#include "config.h"

#include <math.h>
#include <string.h>

#include "dg-offline-private.h"

/* Numbers and strings within their schema bounds, realistic where a hint says how. */

#define STRING_ATTEMPTS 24
#define MAX_SAFE_INTEGER 9007199254740991.0

static gboolean
fail (GError **error, DgOfflineError code, const char *pointer, const char *message)
{
  g_set_error (error, DG_OFFLINE_ERROR, code, "%s at %s", message,
               *pointer ? pointer : "the schema root");
  return FALSE;
}

/* The part of [lo, hi] a hint suggests, or a window next to the schema's own bound. */
static void
pick_window (const DgPlan *p, const DgHint *hint, double lo, double hi, double *a, double *b,
             int *decimals)
{
  double hlo, hhi;

  dg_hint_number_range (hint != NULL ? hint->kind : DG_HINT_NONE, &hlo, &hhi, decimals);
  *a = MAX (lo, hlo);
  *b = MIN (hi, hhi);
  /* a sliver of the hint's range (body temperature vs. weather) is no better than the schema's */
  if (*a <= *b && (*b - *a >= 0.25 * (hhi - hlo) || !p->has_min || !p->has_max))
    return;
  if (p->has_min && p->has_max)
    *a = lo, *b = hi;
  else if (p->has_min)
    *a = lo, *b = MIN (hi, lo + (hhi - hlo));
  else
    *b = hi, *a = MAX (lo, hi - (hhi - hlo));
}

/* A whole number k in [lo, hi] (doubles, so huge multiplier counts cannot overflow). */
static double
pick_k (DgGenCtx *ctx, double lo, double hi)
{
  double span = hi - lo + 1;

  if (span <= 1)
    return lo;
  if (span < 9007199254740992.0)
    return lo + (double) dg_rng_below (&ctx->rng, (guint64) span);
  return lo + floor (dg_rng_double (&ctx->rng) * 9007199254740992.0);
}

JsonNode *
dg_offline_gen_integer (DgGenCtx *ctx, const DgPlan *p, const DgHint *hint)
{
  double lo = -MAX_SAFE_INTEGER, hi = MAX_SAFE_INTEGER;
  double step = dg_plan_integer_step (p);
  double a, b, k_lo, k_hi;
  int decimals;

  if (p->has_min)
    lo = MAX (lo, p->min_exclusive ? floor (p->min) + 1 : ceil (p->min));
  if (p->has_max)
    hi = MIN (hi, p->max_exclusive ? ceil (p->max) - 1 : floor (p->max));
  pick_window (p, hint, lo, hi, &a, &b, &decimals);
  k_lo = ceil (a / step);
  k_hi = floor (b / step);
  if (k_lo > k_hi)
    {
      k_lo = ceil (lo / step);
      k_hi = MIN (floor (hi / step), k_lo + 1000);
    }
  return json_node_init_int (json_node_alloc (), (gint64) (step * pick_k (ctx, k_lo, k_hi)));
}

static gboolean
number_ok (const DgPlan *p, double v, gboolean fraction_only)
{
  if (!isfinite (v) || (fraction_only && v == floor (v)))
    return FALSE;
  if (p->has_min && (v < p->min || (p->min_exclusive && v == p->min)))
    return FALSE;
  if (p->has_max && (v > p->max || (p->max_exclusive && v == p->max)))
    return FALSE;
  return p->multiple_of == 0 || dg_number_is_multiple (v, p->multiple_of);
}

static JsonNode *
number_node (const DgPlan *p, double v, int decimals)
{
  if (decimals == 0 && v == floor (v) && fabs (v) <= MAX_SAFE_INTEGER &&
      (p->types & DG_TYPE_INTEGER))
    return json_node_init_int (json_node_alloc (), (gint64) v);
  return json_node_init_double (json_node_alloc (), v);
}

JsonNode *
dg_offline_gen_number (DgGenCtx *ctx, const DgPlan *p, const DgHint *hint, GError **error)
{
  double lo = p->has_min ? p->min : -1e15;
  double hi = p->has_max ? p->max : 1e15;
  gboolean fraction_only = !(p->types & DG_TYPE_INTEGER);
  double a, b, v;
  int decimals;

  pick_window (p, hint, lo, hi, &a, &b, &decimals);
  if (p->multiple_of != 0)
    {
      double m = p->multiple_of;
      int d = p->multiple_decimals;
      double k_lo = ceil (a / m), k_hi = floor (b / m);

      if (k_lo > k_hi)
        k_lo = ceil (lo / m), k_hi = MIN (floor (hi / m), k_lo + 1000);
      for (guint attempt = 0; attempt < 16 && k_lo <= k_hi; attempt++)
        {
          v = m * pick_k (ctx, k_lo, k_hi);
          if (d >= 0)
            v = round (v * dg_pow10 (d)) / dg_pow10 (d);
          if (number_ok (p, v, fraction_only))
            return number_node (p, v, d);
        }
      for (double k = k_lo; k <= k_hi && k < k_lo + 64; k++)
        if (number_ok (p, k * m, fraction_only))
          return number_node (p, k * m, d);
    }
  else
    {
      double scale = dg_pow10 (decimals);

      for (guint attempt = 0; attempt < 16; attempt++)
        {
          double raw = a + dg_rng_double (&ctx->rng) * (b - a);

          v = round (raw * scale) / scale;
          if (number_ok (p, v, fraction_only))
            return number_node (p, v, decimals);
          if (number_ok (p, raw, fraction_only))
            return number_node (p, raw, -1);
        }
      v = (a + b) / 2;
      if (number_ok (p, v, fraction_only))
        return number_node (p, v, -1);
    }
  fail (error, DG_OFFLINE_ERROR_FAILED, p->pointer, "could not generate a number");
  return NULL;
}

static gboolean
string_fits (const DgPlan *p, GString *s)
{
  /* a UTF-8 string has between len/4 and len code points: count only when that matters */
  if (((gint64) s->len < 4 * p->min_length) ||
      (p->max_length >= 0 && (gint64) s->len > p->max_length))
    {
      glong length = g_utf8_strlen (s->str, s->len);

      if (length < p->min_length || (p->max_length >= 0 && length > p->max_length))
        return FALSE;
    }
  for (guint i = 0; p->patterns != NULL && i < p->patterns->len; i++)
    if (!g_regex_match (((DgPattern *) p->patterns->pdata[i])->regex, s->str, 0, NULL))
      return FALSE;
  return TRUE;
}

static gboolean
is_text_hint (const DgHint *hint)
{
  return hint == NULL || hint->kind == DG_HINT_SENTENCE || hint->kind == DG_HINT_TITLE ||
         hint->kind == DG_HINT_WORD || hint->kind == DG_HINT_PRODUCT ||
         hint->kind == DG_HINT_JOB_TITLE || hint->kind == DG_HINT_ADDRESS;
}

/* Drops words a cut sentence should not end with ("according to the"). */
static void
trim_dangling_words (GString *s, gint64 min_length)
{
  static const char *const dangling[] = { "the",    "to",     "a",       "an",    "of",
                                          "for",    "in",     "and",     "with",  "on",
                                          "at",     "by",     "before",  "after", "across",
                                          "during", "within", "without", "as",    "according" };
  gboolean changed = TRUE;

  while (changed)
    {
      const char *space = strrchr (s->str, ' ');
      const char *word = space != NULL ? space + 1 : NULL;

      changed = FALSE;
      while (s->len > 0 && (s->str[s->len - 1] == ',' || s->str[s->len - 1] == ' ') &&
             g_utf8_strlen (s->str, s->len - 1) >= min_length)
        g_string_truncate (s, s->len - 1), changed = TRUE;
      if (word == NULL || g_utf8_strlen (s->str, space - s->str) < min_length)
        continue;
      for (guint i = 0; i < G_N_ELEMENTS (dangling); i++)
        if (g_ascii_strcasecmp (word, dangling[i]) == 0)
          {
            g_string_truncate (s, space - s->str);
            changed = TRUE;
            break;
          }
    }
}

/* Shortens text at a word boundary or pads it with words to fit the length bounds. */
static void
fit_text (DgRng *rng, const DgPlan *p, GString *s)
{
  glong length = g_utf8_strlen (s->str, s->len);

  if (p->max_length >= 0 && length > p->max_length)
    {
      const char *end = g_utf8_offset_to_pointer (s->str, p->max_length);
      const char *space = end;

      g_string_truncate (s, end - s->str);
      while (space > s->str && *space != ' ')
        space--;
      if (space > s->str && g_utf8_strlen (s->str, space - s->str) >= MAX (p->min_length, 1))
        g_string_truncate (s, space - s->str);
      trim_dangling_words (s, p->min_length);
      length = g_utf8_strlen (s->str, s->len);
      if (length < p->max_length && length >= p->min_length && s->len > 0 &&
          g_ascii_isalpha (s->str[s->len - 1]) && strchr (s->str, '.') != NULL)
        g_string_append_c (s, '.'), length++;
    }
  if (length < p->min_length)
    {
      g_string_append_c (s, ' ');
      dg_value_text (rng, p->min_length - length - 1,
                     p->max_length >= 0 ? p->max_length - length - 1 : -1, s);
      if (s->len > 0 && s->str[s->len - 1] == ' ')
        s->str[s->len - 1] = 'a';
    }
}

void
dg_offline_pattern_string (DgGenCtx *ctx, const DgPlan *p, GString *s)
{
  DgPattern *pattern = NULL;
  glong length;

  for (guint i = 0; i < p->patterns->len && pattern == NULL; i++)
    if (((DgPattern *) p->patterns->pdata[i])->ast != NULL)
      pattern = p->patterns->pdata[i];
  if (pattern == NULL)
    {
      GPtrArray *pool = ((DgPattern *) p->patterns->pdata[0])->pool;
      guint start = dg_rng_below (&ctx->rng, pool->len);

      for (guint i = 0; i < pool->len; i++)
        {
          const char *candidate = pool->pdata[(start + i) % pool->len];
          length = g_utf8_strlen (candidate, -1);
          if (length >= p->min_length && (p->max_length < 0 || length <= p->max_length))
            {
              g_string_append (s, candidate);
              return;
            }
        }
      g_string_append (s, pool->pdata[start]);
      return;
    }
  dg_regex_generate (pattern->ast, &ctx->rng, p->min_length, p->max_length, s);
  length = g_utf8_strlen (s->str, s->len);
  /* an unanchored pattern matches inside a longer string */
  if (length < p->min_length && (!pattern->anchored_end || !pattern->anchored_start))
    {
      g_autoptr (GString) pad = g_string_new (NULL);

      dg_value_text (&ctx->rng, p->min_length - length, p->min_length - length, pad);
      if (!pattern->anchored_end)
        g_string_append (s, pad->str);
      else
        g_string_prepend (s, pad->str);
    }
}

JsonNode *
dg_offline_gen_string (DgGenCtx *ctx, const DgPlan *p, const DgHint *hint, DgPersona *persona,
                       GError **error)
{
  GString *s = ctx->buf;

  for (guint attempt = 0; attempt < STRING_ATTEMPTS; attempt++)
    {
      g_string_truncate (s, 0);
      /* a realistic value that happens to match the pattern beats a random match */
      if (p->patterns != NULL && attempt < 3 && p->format != DG_FORMAT_NONE &&
          p->format != DG_FORMAT_UNKNOWN)
        dg_value_for_format (&ctx->rng, p->format, hint, persona, s);
      else if (p->patterns != NULL && attempt < 3 && hint != NULL)
        dg_value_for_hint (&ctx->rng, hint, persona, s);
      else if (p->patterns != NULL)
        dg_offline_pattern_string (ctx, p, s);
      else if (p->format != DG_FORMAT_NONE && p->format != DG_FORMAT_UNKNOWN && attempt < 8)
        dg_value_for_format (&ctx->rng, p->format, hint, persona, s);
      else if (hint != NULL && attempt < 8)
        dg_value_for_hint (&ctx->rng, hint, persona, s);
      else if (hint != NULL && is_text_hint (hint) && attempt < 12)
        {
          dg_value_for_hint (&ctx->rng, hint, persona, s);
          fit_text (&ctx->rng, p, s);
        }
      else
        dg_value_text (&ctx->rng, p->min_length, p->max_length, s);
      if (string_fits (p, s))
        return json_node_init_string (json_node_alloc (), s->str);
    }
  fail (error, DG_OFFLINE_ERROR_FAILED, p->pointer,
        "could not generate a string that satisfies minLength/maxLength/pattern");
  return NULL;
}
