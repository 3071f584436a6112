/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-offline"

#include "config.h"

#include <math.h>
#include <string.h>

#include "dg-offline-private.h"

#define MAX_ALTERNATIVES 64

const DgProp *
dg_plan_find_prop (const DgPlan *plan, const char *name)
{
  for (guint i = 0; plan->props != NULL && i < plan->props->len; i++)
    if (g_str_equal (g_array_index (plan->props, DgProp, i).name, name))
      return &g_array_index (plan->props, DgProp, i);
  return NULL;
}

/* Whether some keyword of @plan evaluates member @name (for unevaluatedProperties). */
gboolean
dg_plan_evaluates (const DgPlan *plan, const char *name)
{
  const DgProp *prop;

  if (plan->kind != DG_PLAN_SIMPLE)
    return FALSE;
  if ((prop = dg_plan_find_prop (plan, name)) != NULL && prop->evaluated)
    return TRUE;
  if (plan->additional != NULL)
    return TRUE;
  for (guint i = 0; plan->pattern_props != NULL && i < plan->pattern_props->len; i++)
    if (g_regex_match (g_array_index (plan->pattern_props, DgPatternProp, i).pattern->regex, name,
                       0, NULL))
      return TRUE;
  return FALSE;
}

/* The plan that governs member @name of an object matched by @plan. */
DgPlan *
dg_plan_effective_prop (DgOfflineGenerator *gen, DgPlan *plan, const char *name, GError **error)
{
  const DgProp *prop;
  DgPlan *result = NULL;

  plan = dg_plan_deref (plan);
  if (plan->kind != DG_PLAN_SIMPLE)
    return gen->any;
  if ((prop = dg_plan_find_prop (plan, name)) != NULL)
    return prop->plan;
  for (guint i = 0; plan->pattern_props != NULL && i < plan->pattern_props->len; i++)
    {
      DgPatternProp *pp = &g_array_index (plan->pattern_props, DgPatternProp, i);

      if (!g_regex_match (pp->pattern->regex, name, 0, NULL))
        continue;
      result = result == NULL ? pp->plan : dg_plan_merge (gen, result, pp->plan, error);
      if (result == NULL)
        return NULL;
    }
  if (result != NULL)
    return result;
  return plan->additional != NULL ? plan->additional : gen->any;
}

static int
decimals_of (double value)
{
  for (int d = 0; d <= 12; d++)
    {
      double scaled = value * pow (10, d);
      if (fabs (scaled - round (scaled)) < 1e-9 * fmax (1, fabs (scaled)))
        return d;
    }
  return -1;
}

double
dg_plan_integer_step (const DgPlan *plan)
{
  double m = plan->multiple_of;
  int d;

  if (m == 0)
    return 1;
  d = decimals_of (m);
  if (d >= 0 && d <= 9)
    {
      /* m = a / 10^d: the smallest integer multiple is a / gcd (a, 10^d) */
      double a = round (m * pow (10, d));
      double x = a, y = pow (10, d);

      while (y != 0)
        {
          double t = fmod (x, y);
          x = y;
          y = t;
        }
      return a / x;
    }
  for (int q = 1; q <= 1000; q++)
    {
      double candidate = m * q;
      if (fabs (candidate - round (candidate)) < 1e-9 * fmax (1, candidate))
        return round (candidate);
    }
  return 0;
}

static gboolean
integer_feasible (const DgPlan *p)
{
  double step = dg_plan_integer_step (p);
  double lo = -INFINITY;
  double hi = INFINITY;

  if (step == 0)
    return FALSE;
  if (p->has_min)
    lo = p->min_exclusive ? floor (p->min) + 1 : ceil (p->min);
  if (p->has_max)
    hi = p->max_exclusive ? ceil (p->max) - 1 : floor (p->max);
  if (lo > hi)
    return FALSE;
  if (!isfinite (lo) || !isfinite (hi))
    return TRUE;
  return ceil (lo / step) <= floor (hi / step);
}

static gboolean
fraction_feasible (const DgPlan *p)
{
  double m = p->multiple_of;
  double k_lo, k_hi;

  if (m == 0)
    {
      if (!p->has_min || !p->has_max)
        return TRUE;
      if (p->max > p->min)
        return TRUE;
      return p->min == p->max && !p->min_exclusive && !p->max_exclusive && p->min != floor (p->min);
    }
  if (decimals_of (m) == 0)
    return FALSE;
  if (!p->has_min || !p->has_max)
    return TRUE;
  k_lo = ceil (p->min / m);
  k_hi = floor (p->max / m);
  for (double k = k_lo; k <= k_hi && k < k_lo + 1000; k++)
    {
      double v = k * m;
      if ((v > p->min || (v == p->min && !p->min_exclusive)) &&
          (v < p->max || (v == p->max && !p->max_exclusive)) && v != floor (v))
        return TRUE;
    }
  return FALSE;
}

gboolean
dg_plan_is_any (const DgPlan *p)
{
  return p->kind == DG_PLAN_SIMPLE && p->types == DG_TYPE_ALL && p->enum_values == NULL &&
         !p->has_min && !p->has_max && p->multiple_of == 0 && p->min_length == 0 &&
         p->max_length < 0 && p->patterns == NULL && p->prefix_items == NULL && p->items == NULL &&
         p->min_items == 0 && p->max_items < 0 && !p->unique_items && p->contains == NULL &&
         (p->props == NULL || p->props->len == 0) && p->pattern_props == NULL &&
         p->additional == NULL && p->min_props == 0 && p->max_props < 0 &&
         p->dependencies == NULL && p->property_names == NULL && p->nots == NULL &&
         p->one_ofs == NULL && p->musts == NULL;
}

static gboolean
is_types_only (const DgPlan *p)
{
  DgPlan copy = *p;

  copy.types = DG_TYPE_ALL;
  return dg_plan_is_any (&copy);
}

static const char *reason (DgOfflineGenerator *gen, const char *format, ...) G_GNUC_PRINTF (2, 3);

static const char *
reason (DgOfflineGenerator *gen, const char *format, ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  return dg_arena_str (gen, text);
}

static gint64
min_count (gint64 a, gint64 b)
{
  if (a < 0)
    return b;
  if (b < 0)
    return a;
  return MIN (a, b);
}

static void
settle_arrays (DgOfflineGenerator *gen, DgPlan *p, const char **why)
{
  gint64 limit = p->max_items;
  guint n_prefix = p->prefix_items != NULL ? p->prefix_items->len : 0;
  gboolean any_contains = FALSE;

  for (guint i = 0; i < n_prefix; i++)
    if (dg_plan_deref (p->prefix_items->pdata[i])->kind == DG_PLAN_EMPTY)
      {
        limit = min_count (limit, i);
        break;
      }
  if (p->items != NULL && dg_plan_deref (p->items)->kind == DG_PLAN_EMPTY)
    limit = min_count (limit, n_prefix);
  p->max_items = limit;
  if (p->contains != NULL)
    {
      DgPlan *ci = dg_plan_merge (gen, p->items != NULL ? p->items : gen->any, p->contains, NULL);

      p->contains_items = ci != NULL ? ci : dg_plan_new_empty (gen, p->pointer, "contains");
      any_contains = dg_plan_deref (p->contains_items)->kind != DG_PLAN_EMPTY;
      p->contains_prefix = dg_arena_ptr_array (gen);
      for (guint i = 0; i < n_prefix; i++)
        {
          DgPlan *m = dg_plan_merge (gen, p->prefix_items->pdata[i], p->contains, NULL);

          m = m != NULL ? m : dg_plan_new_empty (gen, p->pointer, "contains");
          any_contains = any_contains || dg_plan_deref (m)->kind != DG_PLAN_EMPTY;
          g_ptr_array_add (p->contains_prefix, m);
        }
      if (p->min_contains > 0 && (!any_contains || (limit >= 0 && p->min_contains > limit)))
        {
          *why =
              reason (gen, "no array item can satisfy \"contains\" at %s", dg_where (p->pointer));
          p->types &= ~DG_TYPE_ARRAY;
        }
    }
  if (limit >= 0 && p->min_items > limit)
    {
      *why = reason (gen,
                     "arrays need at least %" G_GINT64_FORMAT " items but at most %" G_GINT64_FORMAT
                     " are possible at %s",
                     p->min_items, limit, dg_where (p->pointer));
      p->types &= ~DG_TYPE_ARRAY;
    }
}

static void
settle_objects (DgOfflineGenerator *gen, DgPlan *p, const char **why)
{
  gint64 n_required = 0;
  gint64 n_possible = 0;
  gboolean extras;

  if (p->property_names != NULL && p->props != NULL)
    for (guint i = 0; i < p->props->len; i++)
      {
        DgProp *prop = &g_array_index (p->props, DgProp, i);
        g_autoptr (JsonNode) name = json_node_init_string (json_node_alloc (), prop->name);

        if (!dg_plan_matches (p->property_names, name))
          prop->plan = dg_plan_new_empty (gen, p->pointer, "the name fails propertyNames");
      }
  for (guint i = 0; p->props != NULL && i < p->props->len; i++)
    {
      DgProp *prop = &g_array_index (p->props, DgProp, i);
      DgPlan *plan = dg_plan_deref (prop->plan);

      if (plan->kind != DG_PLAN_EMPTY)
        n_possible++;
      if (!prop->required)
        continue;
      n_required++;
      if (plan->kind == DG_PLAN_EMPTY)
        {
          *why = reason (gen, "required property \"%s\" can never be valid (%s) at %s", prop->name,
                         plan->empty_reason, dg_where (p->pointer));
          p->types &= ~DG_TYPE_OBJECT;
        }
    }
  if (p->max_props >= 0 && n_required > p->max_props)
    {
      *why = reason (gen,
                     "%" G_GINT64_FORMAT
                     " properties are required but maxProperties is %" G_GINT64_FORMAT " at %s",
                     n_required, p->max_props, dg_where (p->pointer));
      p->types &= ~DG_TYPE_OBJECT;
    }
  extras = p->pattern_props != NULL || p->additional == NULL ||
           dg_plan_deref (p->additional)->kind != DG_PLAN_EMPTY;
  if (!extras && p->min_props > n_possible)
    {
      *why = reason (gen,
                     "minProperties is %" G_GINT64_FORMAT " but only %" G_GINT64_FORMAT
                     " properties are allowed at %s",
                     p->min_props, n_possible, dg_where (p->pointer));
      p->types &= ~DG_TYPE_OBJECT;
    }
}

/**
 * dg_plan_settle:
 *
 * Normalises a freshly built SIMPLE plan in place: drops the types no value
 * can have, applies type-only "not"s, filters enum values and precomputes
 * what generation needs. Returns @plan, or an EMPTY plan with a reason.
 */
DgPlan *
dg_plan_settle (DgOfflineGenerator *gen, DgPlan *p, GError **error)
{
  const char *why = NULL;

  if (p->kind != DG_PLAN_SIMPLE)
    return p;
  p->multiple_decimals = p->multiple_of != 0 ? decimals_of (p->multiple_of) : 0;
  for (guint i = 0; p->nots != NULL && i < p->nots->len;)
    {
      DgPlan *n = dg_plan_deref (p->nots->pdata[i]);

      if (n->kind == DG_PLAN_EMPTY)
        g_ptr_array_remove_index (p->nots, i);
      else if (n->kind == DG_PLAN_SIMPLE && is_types_only (n))
        {
          p->types &= ~n->types;
          why = reason (gen, "\"not\" excludes every remaining type at %s", dg_where (p->pointer));
          g_ptr_array_remove_index (p->nots, i);
        }
      else
        i++;
    }
  if (p->nots != NULL && p->nots->len == 0)
    p->nots = NULL;
  if ((p->types & DG_TYPE_INTEGER) && !integer_feasible (p))
    {
      p->types &= ~DG_TYPE_INTEGER;
      why = reason (gen, "no integer satisfies the numeric bounds and multipleOf at %s",
                    dg_where (p->pointer));
    }
  if ((p->types & DG_TYPE_FRACTION) && !fraction_feasible (p))
    {
      p->types &= ~DG_TYPE_FRACTION;
      why = why != NULL ? why
                        : reason (gen, "no number satisfies the numeric bounds at %s",
                                  dg_where (p->pointer));
    }
  if ((p->types & DG_TYPE_STRING) && p->max_length >= 0 && p->min_length > p->max_length)
    {
      p->types &= ~DG_TYPE_STRING;
      why = reason (gen, "minLength is greater than maxLength at %s", dg_where (p->pointer));
    }
  if ((p->types & DG_TYPE_STRING) && p->patterns != NULL)
    for (guint i = 0; i < p->patterns->len; i++)
      {
        DgPattern *pattern = p->patterns->pdata[i];
        gint64 lo, hi;

        if (pattern->ast == NULL || !pattern->anchored_start || !pattern->anchored_end)
          continue;
        dg_regex_length_range (pattern->ast, &lo, &hi);
        if ((p->max_length >= 0 && lo > p->max_length) || (hi >= 0 && hi < p->min_length))
          {
            p->types &= ~DG_TYPE_STRING;
            why = reason (gen, "pattern \"%s\" cannot match the allowed lengths at %s",
                          pattern->source, dg_where (p->pointer));
          }
      }
  if (p->types & DG_TYPE_ARRAY)
    settle_arrays (gen, p, &why);
  if (p->types & DG_TYPE_OBJECT)
    settle_objects (gen, p, &why);
  if (p->enum_values != NULL)
    {
      GPtrArray *kept = dg_arena_ptr_array (gen);

      for (guint i = 0; i < p->enum_values->len; i++)
        if ((dg_json_type_bit (p->enum_values->pdata[i]) & p->types) &&
            dg_plan_matches_simple (p, p->enum_values->pdata[i], FALSE) &&
            dg_plan_checks_pass (p, p->enum_values->pdata[i]))
          g_ptr_array_add (kept, p->enum_values->pdata[i]);
      p->enum_values = kept;
      if (kept->len == 0)
        return dg_plan_new_empty (gen, p->pointer,
                                  reason (gen,
                                          "no enum/const value satisfies the other keywords at %s",
                                          dg_where (p->pointer)));
    }
  if (p->types == 0)
    return dg_plan_new_empty (
        gen, p->pointer,
        why != NULL ? why : reason (gen, "no type is allowed at %s", dg_where (p->pointer)));
  return p;
}

static void
append_all (DgOfflineGenerator *gen, GPtrArray **dest, GPtrArray *src)
{
  if (src == NULL || src->len == 0)
    return;
  if (*dest == NULL)
    {
      *dest = dg_arena_ptr_array (gen);
    }
  g_ptr_array_extend (*dest, src, NULL, NULL);
}

static gboolean
merge_multiple (DgPlan *m, double other, GError **error)
{
  double a = m->multiple_of;
  int da, db, d;
  double ia, ib, x, y, g;

  if (a == 0 || a == other)
    {
      m->multiple_of = other;
      return TRUE;
    }
  if (dg_number_is_multiple (a, other))
    return TRUE;
  if (dg_number_is_multiple (other, a))
    {
      m->multiple_of = other;
      return TRUE;
    }
  da = decimals_of (a);
  db = decimals_of (other);
  d = MAX (da, db);
  if (da < 0 || db < 0 || d > 9)
    {
      g_set_error (error, DG_OFFLINE_ERROR, DG_OFFLINE_ERROR_UNSUPPORTED,
                   "cannot combine multipleOf %g and %g at %s", a, other, dg_where (m->pointer));
      return FALSE;
    }
  ia = round (a * pow (10, d));
  ib = round (other * pow (10, d));
  for (x = ia, y = ib; y != 0;)
    {
      double t = fmod (x, y);
      x = y;
      y = t;
    }
  g = x;
  m->multiple_of = (ia / g) * ib / pow (10, d);
  return TRUE;
}

static DgPlan *
merge_props (DgOfflineGenerator *gen, DgPlan *m, const DgPlan *a, const DgPlan *b, GError **error)
{
  GArray *props = dg_arena_array (gen, sizeof (DgProp));
  guint na = a->props != NULL ? a->props->len : 0;
  guint nb = b->props != NULL ? b->props->len : 0;

  for (guint pass = 0; pass < 2; pass++)
    {
      const DgPlan *self = pass == 0 ? a : b;
      DgPlan *other = (DgPlan *) (pass == 0 ? b : a);
      guint n = pass == 0 ? na : nb;

      for (guint i = 0; i < n; i++)
        {
          DgProp prop = g_array_index (self->props, DgProp, i);
          const DgProp *twin = dg_plan_find_prop (other, prop.name);
          DgPlan *other_plan;

          if (pass == 1 && twin != NULL)
            continue; /* already merged in the first pass */
          other_plan =
              twin != NULL ? twin->plan : dg_plan_effective_prop (gen, other, prop.name, error);
          if (other_plan == NULL ||
              (prop.plan = dg_plan_merge (gen, prop.plan, other_plan, error)) == NULL)
            return NULL;
          prop.evaluated = prop.evaluated || dg_plan_evaluates (other, prop.name);
          if (twin != NULL)
            {
              prop.required = prop.required || twin->required;
              prop.hint = prop.hint != NULL ? prop.hint : twin->hint;
            }
          g_array_append_val (props, prop);
        }
    }
  m->props = props;
  return m;
}

static DgPlan *
merge_simple (DgOfflineGenerator *gen, const DgPlan *a, const DgPlan *b, GError **error)
{
  DgPlan *m = dg_plan_copy (gen, a);

  m->types &= b->types;
  m->explicit_type = a->explicit_type || b->explicit_type;
  m->implied_types |= b->implied_types;
  if (b->enum_values != NULL)
    {
      if (m->enum_values == NULL)
        m->enum_values = b->enum_values;
      else
        {
          GPtrArray *both = dg_arena_ptr_array (gen);

          for (guint i = 0; i < a->enum_values->len; i++)
            for (guint j = 0; j < b->enum_values->len; j++)
              if (dg_json_equal (a->enum_values->pdata[i], b->enum_values->pdata[j]))
                {
                  g_ptr_array_add (both, a->enum_values->pdata[i]);
                  break;
                }
          m->enum_values = both;
        }
    }

  if (b->has_min && (!m->has_min || b->min > m->min || (b->min == m->min && b->min_exclusive)))
    {
      m->has_min = TRUE;
      m->min = b->min;
      m->min_exclusive = b->min_exclusive;
    }
  if (b->has_max && (!m->has_max || b->max < m->max || (b->max == m->max && b->max_exclusive)))
    {
      m->has_max = TRUE;
      m->max = b->max;
      m->max_exclusive = b->max_exclusive;
    }
  if (b->multiple_of != 0 && !merge_multiple (m, b->multiple_of, error))
    return NULL;

  m->min_length = MAX (m->min_length, b->min_length);
  m->max_length = min_count (m->max_length, b->max_length);
  append_all (gen, &m->patterns, b->patterns);
  if (m->format == DG_FORMAT_NONE)
    m->format = b->format;

  if (a->prefix_items != NULL || b->prefix_items != NULL)
    {
      guint la = a->prefix_items != NULL ? a->prefix_items->len : 0;
      guint lb = b->prefix_items != NULL ? b->prefix_items->len : 0;

      m->prefix_items = dg_arena_ptr_array (gen);
      for (guint i = 0; i < MAX (la, lb); i++)
        {
          DgPlan *pa = i < la ? a->prefix_items->pdata[i] : (a->items ? a->items : gen->any);
          DgPlan *pb = i < lb ? b->prefix_items->pdata[i] : (b->items ? b->items : gen->any);
          DgPlan *merged = dg_plan_merge (gen, pa, pb, error);

          if (merged == NULL)
            return NULL;
          g_ptr_array_add (m->prefix_items, merged);
        }
    }
  if (b->items != NULL &&
      (m->items = dg_plan_merge (gen, a->items ? a->items : gen->any, b->items, error)) == NULL)
    return NULL;
  m->min_items = MAX (m->min_items, b->min_items);
  m->max_items = min_count (m->max_items, b->max_items);
  m->unique_items = a->unique_items || b->unique_items;
  if (b->contains != NULL)
    {
      if (a->contains != NULL && a->contains != b->contains)
        {
          /* one "contains" steers generation; the other is checked on each result */
          DgPlan *check = dg_plan_new (gen, DG_PLAN_SIMPLE, b->pointer);

          check->contains = b->contains;
          check->min_contains = b->min_contains;
          check->max_contains = b->max_contains;
          if (m->musts == NULL)
            m->musts = dg_arena_ptr_array (gen);
          g_ptr_array_add (m->musts, check);
        }
      else
        {
          m->contains = b->contains;
          m->min_contains = b->min_contains;
          m->max_contains = b->max_contains;
        }
    }

  if ((a->props != NULL && a->props->len > 0) || (b->props != NULL && b->props->len > 0))
    if (merge_props (gen, m, a, b, error) == NULL)
      return NULL;
  if (b->pattern_props != NULL)
    {
      GArray *pp = dg_arena_array (gen, sizeof (DgPatternProp));

      if (a->pattern_props != NULL)
        g_array_append_vals (pp, a->pattern_props->data, a->pattern_props->len);
      g_array_append_vals (pp, b->pattern_props->data, b->pattern_props->len);
      m->pattern_props = pp;
    }
  if (b->additional != NULL &&
      (m->additional = dg_plan_merge (gen, a->additional ? a->additional : gen->any, b->additional,
                                      error)) == NULL)
    return NULL;
  m->min_props = MAX (m->min_props, b->min_props);
  m->max_props = min_count (m->max_props, b->max_props);
  if (b->dependencies != NULL)
    {
      GArray *deps = dg_arena_array (gen, sizeof (DgDependency));

      if (a->dependencies != NULL)
        g_array_append_vals (deps, a->dependencies->data, a->dependencies->len);
      g_array_append_vals (deps, b->dependencies->data, b->dependencies->len);
      m->dependencies = deps;
    }
  if (b->property_names != NULL &&
      (m->property_names = dg_plan_merge (gen, a->property_names ? a->property_names : gen->any,
                                          b->property_names, error)) == NULL)
    return NULL;

  m->hint = m->hint != NULL ? m->hint : b->hint;
  append_all (gen, &m->nots, b->nots);
  append_all (gen, &m->one_ofs, b->one_ofs);
  append_all (gen, &m->musts, b->musts);
  return dg_plan_settle (gen, m, error);
}

/**
 * dg_plan_merge:
 *
 * The conjunction of two plans (allOf). Alternatives distribute: the
 * result of merging (a1|a2) with b is (a1&b)|(a2&b).
 */
DgPlan *
dg_plan_merge (DgOfflineGenerator *gen, DgPlan *a, DgPlan *b, GError **error)
{
  g_autoptr (GPtrArray) alts = NULL;
  const char *why = NULL;
  DgPlan *result;
  guint na, nb;

  a = dg_plan_deref (a);
  b = dg_plan_deref (b);
  if (a == b || a->kind == DG_PLAN_EMPTY || dg_plan_is_any (b))
    return a;
  if (b->kind == DG_PLAN_EMPTY || dg_plan_is_any (a))
    return b;
  if (a->kind == DG_PLAN_REF || b->kind == DG_PLAN_REF)
    {
      g_set_error (error, DG_OFFLINE_ERROR, DG_OFFLINE_ERROR_UNSUPPORTED,
                   "a recursive $ref combined with other keywords is not supported at %s",
                   a->kind == DG_PLAN_REF ? b->pointer : dg_where (a->pointer));
      return NULL;
    }
  if (a->kind == DG_PLAN_SIMPLE && b->kind == DG_PLAN_SIMPLE)
    return merge_simple (gen, a, b, error);

  na = a->kind == DG_PLAN_ALTS ? a->alts->len : 1;
  nb = b->kind == DG_PLAN_ALTS ? b->alts->len : 1;
  if (na * nb > MAX_ALTERNATIVES)
    {
      g_set_error (error, DG_OFFLINE_ERROR, DG_OFFLINE_ERROR_UNSUPPORTED,
                   "combining anyOf/oneOf branches gives more than %d alternatives at %s",
                   MAX_ALTERNATIVES, dg_where (a->pointer));
      return NULL;
    }
  alts = g_ptr_array_new ();
  for (guint i = 0; i < na; i++)
    for (guint j = 0; j < nb; j++)
      {
        DgPlan *x = a->kind == DG_PLAN_ALTS ? a->alts->pdata[i] : a;
        DgPlan *y = b->kind == DG_PLAN_ALTS ? b->alts->pdata[j] : b;
        DgPlan *m = merge_simple (gen, x, y, error);

        if (m == NULL)
          return NULL;
        if (m->kind == DG_PLAN_EMPTY)
          why = why != NULL ? why : m->empty_reason;
        else
          g_ptr_array_add (alts, m);
      }
  if (alts->len == 0)
    return dg_plan_new_empty (gen, a->pointer,
                              why != NULL ? why : "no combination of branches is satisfiable");
  if (alts->len == 1)
    return alts->pdata[0];
  result = dg_plan_new (gen, DG_PLAN_ALTS, a->pointer);
  result->alts = dg_arena_ptr_array (gen);
  g_ptr_array_extend (result->alts, alts, NULL, NULL);
  return result;
}
