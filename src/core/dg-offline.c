/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-offline"

#include "config.h"

#include <math.h>
#include <string.h>

#include "dg-offline-private.h"

G_DEFINE_QUARK (dg_offline_error_quark, dg_offline_error)

#define OPTIONAL_RATIO 0.8 /* share of optional properties present */
#define NULL_RATIO 0.1     /* share of nulls where null is one of several types */
#define SOFT_DEPTH 6       /* deeper than this, optional parts are left out */
#define HARD_DEPTH 48      /* recursion that goes deeper never terminates */
#define CHECK_ATTEMPTS 32
#define UNIQUE_ATTEMPTS 24

/* ---- generation ---- */

static JsonNode *gen_plan (DgGenCtx *ctx, const DgPlan *plan, const DgHint *hint,
                           DgPersona *persona, GError **error);

static gboolean
fail (GError **error, DgOfflineError code, const char *pointer, const char *message)
{
  g_set_error (error, DG_OFFLINE_ERROR, code, "%s at %s", message,
               *pointer ? pointer : "the schema root");
  return FALSE;
}

static guint
choose_type (DgGenCtx *ctx, const DgPlan *p, const DgHint *hint)
{
  guint mask = p->types;
  guint choices[7];
  guint n = 0;

  if ((mask & DG_TYPE_NULL) && (mask & ~DG_TYPE_NULL))
    {
      if (dg_rng_chance (&ctx->rng, NULL_RATIO))
        return DG_TYPE_NULL;
      mask &= ~DG_TYPE_NULL;
    }
  if (!p->explicit_type)
    {
      guint preferred = mask & p->implied_types;

      if (preferred != 0)
        mask = preferred;
      else if (hint != NULL && dg_hint_is_numeric (hint->kind) && (mask & DG_TYPE_NUMBER))
        mask &= DG_TYPE_NUMBER;
      else if (mask & DG_TYPE_STRING)
        mask = DG_TYPE_STRING;
    }
  /* after repeated failed checks, every allowed type gets its chance */
  if (ctx->relaxed)
    mask = p->types & ~DG_TYPE_NULL ? p->types & ~DG_TYPE_NULL : p->types;
  /* deep in a recursive schema, scalars end the recursion */
  if (ctx->depth > SOFT_DEPTH && (mask & ~(DG_TYPE_ARRAY | DG_TYPE_OBJECT)))
    mask &= ~(DG_TYPE_ARRAY | DG_TYPE_OBJECT);
  if (mask & DG_TYPE_NULL)
    choices[n++] = DG_TYPE_NULL;
  if (mask & DG_TYPE_BOOLEAN)
    choices[n++] = DG_TYPE_BOOLEAN;
  if (mask & DG_TYPE_FRACTION)
    choices[n++] = DG_TYPE_FRACTION;
  else if (mask & DG_TYPE_INTEGER)
    choices[n++] = DG_TYPE_INTEGER;
  if (mask & DG_TYPE_STRING)
    choices[n++] = DG_TYPE_STRING;
  if (mask & DG_TYPE_ARRAY)
    choices[n++] = DG_TYPE_ARRAY;
  if (mask & DG_TYPE_OBJECT)
    choices[n++] = DG_TYPE_OBJECT;
  g_assert (n > 0);
  /* relaxed retries walk through the types instead of drawing them */
  if (ctx->relaxed != 0)
    return choices[ctx->relaxed % n];
  return choices[dg_rng_below (&ctx->rng, n)];
}

static gboolean
array_has (JsonArray *array, JsonNode *item)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (dg_json_equal (json_array_get_element (array, i), item))
      return TRUE;
  return FALSE;
}

static gboolean
contains_ok (const DgPlan *p, JsonArray *array)
{
  gint64 count = 0;

  for (guint i = 0; i < json_array_get_length (array); i++)
    if (dg_plan_matches (p->contains, json_array_get_element (array, i)))
      count++;
  return count >= p->min_contains && (p->max_contains < 0 || count <= p->max_contains);
}

static JsonNode *
gen_array (DgGenCtx *ctx, const DgPlan *p, const DgHint *hint, GError **error)
{
  guint n_prefix = p->prefix_items != NULL ? p->prefix_items->len : 0;
  gint64 k = p->contains != NULL ? p->min_contains : 0;
  gint64 n;

  if (ctx->depth > SOFT_DEPTH)
    n = p->min_items;
  else
    {
      gint64 base = MAX (p->min_items, 1);
      gint64 top = base + 3;

      if (p->max_items >= 0)
        {
          base = MIN (base, p->max_items);
          top = MIN (top, p->max_items);
        }
      n = dg_rng_range (&ctx->rng, base, MAX (top, base));
    }
  n = MAX (n, k);
  ctx->depth++;
  for (guint attempt = 0; attempt < 4; attempt++)
    {
      JsonArray *array = json_array_sized_new ((guint) n);
      gboolean ok = TRUE;

      for (gint64 i = 0; i < n && ok; i++)
        {
          gboolean slot = i >= n - k;
          const DgPlan *ip;
          JsonNode *item = NULL;

          if (i < n_prefix)
            ip = slot ? p->contains_prefix->pdata[i] : p->prefix_items->pdata[i];
          else
            ip = slot ? p->contains_items : (p->items != NULL ? p->items : ctx->gen->any);
          if (ip->kind == DG_PLAN_EMPTY)
            {
              ok = FALSE;
              break;
            }
          for (guint u = 0; u < (p->unique_items ? UNIQUE_ATTEMPTS : 1); u++)
            {
              if ((item = gen_plan (ctx, ip, hint, NULL, error)) == NULL)
                {
                  json_array_unref (array);
                  ctx->depth--;
                  return NULL;
                }
              if (!p->unique_items || !array_has (array, item))
                break;
              g_clear_pointer (&item, json_node_unref);
            }
          if (item == NULL)
            {
              /* out of distinct values: stop early if the array is long enough */
              ok = i >= p->min_items && !slot;
              break;
            }
          json_array_add_element (array, item);
        }
      if (ok && (p->contains == NULL || contains_ok (p, array)))
        {
          JsonNode *node = json_node_init_array (json_node_alloc (), array);

          json_array_unref (array);
          ctx->depth--;
          return node;
        }
      json_array_unref (array);
    }
  ctx->depth--;
  fail (error, DG_OFFLINE_ERROR_FAILED, p->pointer,
        "could not generate array items that satisfy uniqueItems/contains");
  return NULL;
}

static gint
prop_index (const DgPlan *p, const char *name)
{
  for (guint i = 0; p->props != NULL && i < p->props->len; i++)
    if (g_str_equal (g_array_index (p->props, DgProp, i).name, name))
      return (gint) i;
  return -1;
}

/* Properties beyond the declared ones, when minProperties asks for more. */
static gboolean
add_extras (DgGenCtx *ctx, const DgPlan *p, JsonObject *obj, gint64 needed, GError **error)
{
  gboolean additional_ok = p->additional == NULL || p->additional->kind != DG_PLAN_EMPTY;
  char name_buf[32];

  for (guint attempt = 0; needed > 0 && attempt < 64; attempt++)
    {
      g_autofree char *name = NULL;
      const DgPlan *plan;
      JsonNode *value;

      if (p->pattern_props != NULL && (!additional_ok || dg_rng_chance (&ctx->rng, 0.5)))
        {
          DgPatternProp *pp = &g_array_index (p->pattern_props, DgPatternProp,
                                              dg_rng_below (&ctx->rng, p->pattern_props->len));
          DgPlan fake = { 0 };

          fake.patterns = g_ptr_array_new ();
          g_ptr_array_add (fake.patterns, pp->pattern);
          fake.max_length = 24;
          g_string_truncate (ctx->buf, 0);
          dg_offline_pattern_string (ctx, &fake, ctx->buf);
          g_ptr_array_unref (fake.patterns);
          name = g_strdup (ctx->buf->str);
          plan = pp->plan;
          for (guint i = 0; i < p->pattern_props->len; i++)
            if (g_regex_match (g_array_index (p->pattern_props, DgPatternProp, i).pattern->regex,
                               name, 0, NULL) &&
                g_array_index (p->pattern_props, DgPatternProp, i).plan != pp->plan)
              plan = NULL; /* governed by two patterns: try another name */
        }
      else if (additional_ok)
        {
          g_snprintf (name_buf, sizeof name_buf, "extra_%u", attempt + 1);
          name = g_strdup (name_buf);
          plan = p->additional != NULL ? p->additional : ctx->gen->any;
        }
      else
        break;
      if (plan == NULL || json_object_has_member (obj, name) || prop_index (p, name) >= 0)
        continue;
      if (p->property_names != NULL)
        {
          g_autoptr (JsonNode) key = json_node_init_string (json_node_alloc (), name);
          if (!dg_plan_matches (p->property_names, key))
            continue;
        }
      if ((value = gen_plan (ctx, plan, NULL, NULL, error)) == NULL)
        return FALSE;
      json_object_set_member (obj, name, value);
      needed--;
    }
  if (needed > 0)
    return fail (error, DG_OFFLINE_ERROR_FAILED, p->pointer,
                 "could not generate enough properties for minProperties");
  return TRUE;
}

static JsonNode *
gen_object (DgGenCtx *ctx, const DgPlan *p, DgPersona *parent, GError **error)
{
  guint n = p->props != NULL ? p->props->len : 0;
  gboolean stack_flags[64];
  g_autofree gboolean *heap_flags = n > 64 ? g_new0 (gboolean, n) : NULL;
  gboolean *present = heap_flags != NULL ? heap_flags : stack_flags;
  DgPersona persona = { .parent = parent };
  JsonObject *obj;
  JsonNode *node;
  gint64 count = 0;

  for (guint i = 0; i < n; i++)
    {
      const DgProp *prop = &g_array_index (p->props, DgProp, i);

      if (prop->plan->kind == DG_PLAN_EMPTY)
        present[i] = FALSE;
      else
        present[i] = prop->required ||
                     (ctx->depth <= SOFT_DEPTH && dg_rng_chance (&ctx->rng, OPTIONAL_RATIO));
    }
  for (guint round = 0; p->dependencies != NULL && round < n; round++)
    for (guint d = 0; d < p->dependencies->len; d++)
      {
        const DgDependency *dep = &g_array_index (p->dependencies, DgDependency, d);
        gint trigger = prop_index (p, dep->name);

        if (trigger < 0 || !present[trigger])
          continue;
        for (guint j = 0; j < dep->names->len; j++)
          {
            gint target = prop_index (p, dep->names->pdata[j]);
            if (target >= 0 && g_array_index (p->props, DgProp, target).plan->kind != DG_PLAN_EMPTY)
              present[target] = TRUE;
          }
      }
  for (guint i = 0; i < n; i++)
    count += present[i] ? 1 : 0;
  for (guint i = n; p->max_props >= 0 && count > p->max_props && i-- > 0;)
    if (present[i] && !g_array_index (p->props, DgProp, i).required)
      present[i] = FALSE, count--;
  for (guint i = 0; i < n && count < p->min_props; i++)
    if (!present[i] && g_array_index (p->props, DgProp, i).plan->kind != DG_PLAN_EMPTY)
      present[i] = TRUE, count++;

  obj = json_object_new ();
  ctx->depth++;
  for (guint i = 0; i < n; i++)
    {
      const DgProp *prop = &g_array_index (p->props, DgProp, i);
      JsonNode *value;

      if (!present[i])
        continue;
      if ((value = gen_plan (ctx, prop->plan, prop->hint, &persona, error)) == NULL)
        {
          ctx->depth--;
          json_object_unref (obj);
          return NULL;
        }
      json_object_set_member (obj, prop->name, value);
    }
  /* relaxed: an extra member can be what a "not" needs */
  if (ctx->relaxed && count >= p->min_props)
    add_extras (ctx, p, obj, 1, NULL);
  if (count < p->min_props && !add_extras (ctx, p, obj, p->min_props - count, error))
    {
      ctx->depth--;
      json_object_unref (obj);
      return NULL;
    }
  ctx->depth--;
  node = json_node_init_object (json_node_alloc (), obj);
  json_object_unref (obj);
  return node;
}

static JsonNode *
gen_simple (DgGenCtx *ctx, const DgPlan *p, const DgHint *hint, DgPersona *persona, GError **error)
{
  if (hint == NULL)
    hint = p->hint;
  if (p->enum_values != NULL)
    return dg_json_copy (p->enum_values->pdata[dg_rng_below (&ctx->rng, p->enum_values->len)]);
  switch (choose_type (ctx, p, hint))
    {
    case DG_TYPE_NULL:
      return json_node_init_null (json_node_alloc ());
    case DG_TYPE_BOOLEAN:
      return json_node_init_boolean (json_node_alloc (), dg_rng_chance (&ctx->rng, 0.5));
    case DG_TYPE_INTEGER:
      return dg_offline_gen_integer (ctx, p, hint);
    case DG_TYPE_FRACTION:
      if (hint != NULL && dg_hint_is_numeric (hint->kind) && (p->types & DG_TYPE_INTEGER))
        {
          double lo, hi;
          int decimals;

          dg_hint_number_range (hint->kind, &lo, &hi, &decimals);
          if (decimals == 0 && p->multiple_of == 0)
            return dg_offline_gen_integer (ctx, p, hint);
        }
      return dg_offline_gen_number (ctx, p, hint, error);
    case DG_TYPE_STRING:
      return dg_offline_gen_string (ctx, p, hint, persona, error);
    case DG_TYPE_ARRAY:
      return gen_array (ctx, p, hint, error);
    case DG_TYPE_OBJECT:
    default:
      return gen_object (ctx, p, persona, error);
    }
}

static JsonNode *
gen_checked (DgGenCtx *ctx, const DgPlan *p, const DgHint *hint, DgPersona *persona, GError **error)
{
  gboolean checks = p->nots != NULL || p->one_ofs != NULL || p->musts != NULL;

  for (guint attempt = 0; attempt < (checks ? CHECK_ATTEMPTS : 1); attempt++)
    {
      guint relaxed = ctx->relaxed;
      JsonNode *v;

      ctx->relaxed = relaxed != 0 ? relaxed : (attempt >= 4 ? attempt : 0);
      v = p->kind == DG_PLAN_REF ? gen_plan (ctx, p->target, hint, persona, error)
                                 : gen_simple (ctx, p, hint, persona, error);
      ctx->relaxed = relaxed;
      if (v == NULL)
        return NULL;
      if (!checks || dg_plan_checks_pass (p, v))
        return v;
      json_node_unref (v);
    }
  fail (error, DG_OFFLINE_ERROR_FAILED, p->pointer,
        "could not generate a value that satisfies its not/oneOf/if constraints");
  return NULL;
}

static JsonNode *
gen_plan (DgGenCtx *ctx, const DgPlan *plan, const DgHint *hint, DgPersona *persona, GError **error)
{
  switch (plan->kind)
    {
    case DG_PLAN_EMPTY:
      fail (error, DG_OFFLINE_ERROR_UNSATISFIABLE, plan->pointer, plan->empty_reason);
      return NULL;
    case DG_PLAN_REF:
      if (ctx->depth > HARD_DEPTH)
        {
          fail (error, DG_OFFLINE_ERROR_FAILED, plan->pointer,
                "the recursive schema does not terminate");
          return NULL;
        }
      return gen_checked (ctx, plan, hint, persona, error);
    case DG_PLAN_ALTS:
      {
        guint n = plan->alts->len;
        guint start = ctx->depth > SOFT_DEPTH ? 0 : dg_rng_below (&ctx->rng, n);

        for (guint k = 0; k < n; k++)
          {
            g_autoptr (GError) local = NULL;
            JsonNode *v =
                gen_checked (ctx, plan->alts->pdata[(start + k) % n], hint, persona, &local);
            if (v != NULL)
              return v;
            if (k == n - 1 || !g_error_matches (local, DG_OFFLINE_ERROR, DG_OFFLINE_ERROR_FAILED))
              {
                g_propagate_error (error, g_steal_pointer (&local));
                return NULL;
              }
          }
        return NULL;
      }
    case DG_PLAN_SIMPLE:
    default:
      return gen_checked (ctx, plan, hint, persona, error);
    }
}

JsonNode *
dg_offline_generate_plan (DgGenCtx *ctx, const DgPlan *plan, const DgHint *hint, DgPersona *persona,
                          GError **error)
{
  return gen_plan (ctx, plan, hint, persona, error);
}

/* ---- public API ---- */

/**
 * dg_offline_generator_new:
 * @schema: a JSON Schema (draft 2020-12); not kept after the call
 * @error: return location for a #DG_OFFLINE_ERROR
 *
 * Compiles @schema into a generation plan. Fails with a message naming the
 * JSON Pointer of the offending subschema when the schema is invalid,
 * unsupported or cannot be satisfied.
 *
 * Returns: (transfer full) (nullable): the generator
 */
DgOfflineGenerator *
dg_offline_generator_new (JsonNode *schema, GError **error)
{
  g_autoptr (DgOfflineGenerator) gen = NULL;
  g_autoptr (JsonNode) trial = NULL;
  DgPlan *root;

  g_return_val_if_fail (schema != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  gen = g_new0 (DgOfflineGenerator, 1);
  g_atomic_ref_count_init (&gen->ref_count);
  gen->plans = g_ptr_array_new_with_free_func (g_free);
  gen->nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  gen->patterns = g_ptr_array_new_with_free_func (dg_offline_pattern_free);
  gen->arrays = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  gen->garrays = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  gen->memory = g_ptr_array_new_with_free_func (g_free);
  gen->strings = g_string_chunk_new (1024);
  gen->any = dg_plan_new (gen, DG_PLAN_SIMPLE, "");

  if ((root = dg_offline_compile (gen, schema, error)) == NULL)
    return NULL;
  root = dg_plan_deref (root);
  if (root->kind == DG_PLAN_EMPTY)
    {
      g_set_error (error, DG_OFFLINE_ERROR, DG_OFFLINE_ERROR_UNSATISFIABLE,
                   "No record can satisfy this schema: %s", root->empty_reason);
      return NULL;
    }
  gen->root = root;
  /* one trial record turns generation-time dead ends into an error here */
  if ((trial = dg_offline_generator_generate (gen, 0, 0, error)) == NULL)
    return NULL;
  return g_steal_pointer (&gen);
}

DgOfflineGenerator *
dg_offline_generator_ref (DgOfflineGenerator *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
dg_offline_generator_unref (DgOfflineGenerator *self)
{
  g_return_if_fail (self != NULL);
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_ptr_array_unref (self->plans);
  g_ptr_array_unref (self->nodes);
  g_ptr_array_unref (self->patterns);
  g_ptr_array_unref (self->arrays);
  g_ptr_array_unref (self->garrays);
  g_ptr_array_unref (self->memory);
  g_string_chunk_free (self->strings);
  g_free (self);
}

/**
 * dg_offline_generator_generate:
 * @seed: the job's seed
 * @index: the record's index in the job
 *
 * Generates one record. The result depends only on the schema, @seed and
 * @index; any number of threads may call this on the same generator.
 *
 * Returns: (transfer full) (nullable): a new record, or %NULL with @error set
 */
JsonNode *
dg_offline_generator_generate (DgOfflineGenerator *self, guint64 seed, gint64 index, GError **error)
{
  DgGenCtx ctx = { 0 };
  JsonNode *record;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ctx.gen = self;
  dg_rng_init (&ctx.rng, seed, (guint64) index);
  ctx.buf = g_string_sized_new (64);
  record = gen_plan (&ctx, self->root, NULL, NULL, error);
  g_string_free (ctx.buf, TRUE);
  return record;
}
