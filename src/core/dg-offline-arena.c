/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-offline"

#include "config.h"

#include "dg-offline-private.h"

/* The generator is the arena: plans, nodes and containers live as long as it does. */

DgPlan *
dg_plan_new (DgOfflineGenerator *gen, DgPlanKind kind, const char *pointer)
{
  DgPlan *p = g_new0 (DgPlan, 1);

  p->kind = kind;
  p->pointer = pointer != NULL ? pointer : "";
  p->types = DG_TYPE_ALL;
  p->max_length = -1;
  p->max_items = -1;
  p->max_contains = -1;
  p->max_props = -1;
  g_ptr_array_add (gen->plans, p);
  return p;
}

DgPlan *
dg_plan_new_empty (DgOfflineGenerator *gen, const char *pointer, const char *reason)
{
  DgPlan *p = dg_plan_new (gen, DG_PLAN_EMPTY, pointer);

  p->types = 0;
  p->empty_reason = dg_arena_str (gen, reason);
  return p;
}

static GPtrArray *
copy_ptr_array (DgOfflineGenerator *gen, GPtrArray *src)
{
  GPtrArray *copy;

  if (src == NULL)
    return NULL;
  copy = dg_arena_ptr_array (gen);
  g_ptr_array_extend (copy, src, NULL, NULL);
  return copy;
}

static GArray *
copy_array (DgOfflineGenerator *gen, GArray *src)
{
  GArray *copy;

  if (src == NULL)
    return NULL;
  copy = dg_arena_array (gen, g_array_get_element_size (src));
  g_array_append_vals (copy, src->data, src->len);
  return copy;
}

/* A copy whose containers can be changed without touching @plan. */
DgPlan *
dg_plan_copy (DgOfflineGenerator *gen, const DgPlan *plan)
{
  DgPlan *p = g_new (DgPlan, 1);

  *p = *plan;
  g_ptr_array_add (gen->plans, p);
  p->alts = copy_ptr_array (gen, plan->alts);
  p->enum_values = copy_ptr_array (gen, plan->enum_values);
  p->patterns = copy_ptr_array (gen, plan->patterns);
  p->prefix_items = copy_ptr_array (gen, plan->prefix_items);
  p->contains_prefix = copy_ptr_array (gen, plan->contains_prefix);
  p->nots = copy_ptr_array (gen, plan->nots);
  p->one_ofs = copy_ptr_array (gen, plan->one_ofs);
  p->musts = copy_ptr_array (gen, plan->musts);
  p->props = copy_array (gen, plan->props);
  p->pattern_props = copy_array (gen, plan->pattern_props);
  p->dependencies = copy_array (gen, plan->dependencies);
  return p;
}

DgPlan *
dg_plan_deref (DgPlan *plan)
{
  /* a REF without checks is just its target */
  while (plan->kind == DG_PLAN_REF && plan->target != NULL && plan->nots == NULL &&
         plan->one_ofs == NULL && plan->musts == NULL)
    plan = plan->target;
  return plan;
}

const char *
dg_arena_str (DgOfflineGenerator *gen, const char *str)
{
  return g_string_chunk_insert_const (gen->strings, str);
}

JsonNode *
dg_arena_node (DgOfflineGenerator *gen, JsonNode *node)
{
  JsonNode *copy = dg_json_copy (node);

  g_ptr_array_add (gen->nodes, copy);
  return copy;
}

gpointer
dg_arena_blob (DgOfflineGenerator *gen, gsize size)
{
  gpointer block = g_malloc0 (size);

  g_ptr_array_add (gen->memory, block);
  return block;
}

GPtrArray *
dg_arena_ptr_array (DgOfflineGenerator *gen)
{
  GPtrArray *array = g_ptr_array_new ();

  g_ptr_array_add (gen->arrays, array);
  return array;
}

GArray *
dg_arena_array (DgOfflineGenerator *gen, guint element_size)
{
  GArray *array = g_array_new (FALSE, TRUE, element_size);

  g_ptr_array_add (gen->garrays, array);
  return array;
}
