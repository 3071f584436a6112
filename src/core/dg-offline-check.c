/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-offline"

#include "config.h"

#include <math.h>
#include <string.h>

#include "dg-offline-private.h"

/*
 * A small matcher over compiled plans. The generator uses it where it must
 * know whether a value matches a subschema: oneOf exclusivity, "not",
 * if/else, enum filtering and contains counts. Full validation with
 * reporting is dg-json-schema's job.
 */

guint
dg_json_type_bit (JsonNode *value)
{
  switch (json_node_get_node_type (value))
    {
    case JSON_NODE_NULL:
      return DG_TYPE_NULL;
    case JSON_NODE_OBJECT:
      return DG_TYPE_OBJECT;
    case JSON_NODE_ARRAY:
      return DG_TYPE_ARRAY;
    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (value))
        {
        case G_TYPE_BOOLEAN:
          return DG_TYPE_BOOLEAN;
        case G_TYPE_INT64:
          return DG_TYPE_INTEGER;
        case G_TYPE_DOUBLE:
          {
            double d = json_node_get_double (value);
            return isfinite (d) && d == floor (d) ? DG_TYPE_INTEGER : DG_TYPE_FRACTION;
          }
        case G_TYPE_STRING:
          return DG_TYPE_STRING;
        default:
          return 0;
        }
    default:
      return 0;
    }
}

gboolean
dg_json_equal (JsonNode *a, JsonNode *b)
{
  guint ta = dg_json_type_bit (a);
  guint tb = dg_json_type_bit (b);

  if ((ta & DG_TYPE_NUMBER) && (tb & DG_TYPE_NUMBER))
    {
      if (json_node_get_value_type (a) == G_TYPE_INT64 &&
          json_node_get_value_type (b) == G_TYPE_INT64)
        return json_node_get_int (a) == json_node_get_int (b);
      return json_node_get_double (a) == json_node_get_double (b);
    }
  if (ta != tb)
    return FALSE;
  switch (ta)
    {
    case DG_TYPE_NULL:
      return TRUE;
    case DG_TYPE_BOOLEAN:
      return json_node_get_boolean (a) == json_node_get_boolean (b);
    case DG_TYPE_STRING:
      return g_strcmp0 (json_node_get_string (a), json_node_get_string (b)) == 0;
    case DG_TYPE_ARRAY:
      {
        JsonArray *x = json_node_get_array (a);
        JsonArray *y = json_node_get_array (b);
        guint n = json_array_get_length (x);

        if (n != json_array_get_length (y))
          return FALSE;
        for (guint i = 0; i < n; i++)
          if (!dg_json_equal (json_array_get_element (x, i), json_array_get_element (y, i)))
            return FALSE;
        return TRUE;
      }
    case DG_TYPE_OBJECT:
      {
        JsonObject *x = json_node_get_object (a);
        JsonObject *y = json_node_get_object (b);
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        if (json_object_get_size (x) != json_object_get_size (y))
          return FALSE;
        json_object_iter_init (&iter, x);
        while (json_object_iter_next (&iter, &name, &member))
          {
            JsonNode *other = json_object_get_member (y, name);
            if (other == NULL || !dg_json_equal (member, other))
              return FALSE;
          }
        return TRUE;
      }
    default:
      return FALSE;
    }
}

gboolean
dg_number_is_multiple (double value, double multiple_of)
{
  double q = value / multiple_of;
  double scale, sm, sv;
  int d;

  if (!isfinite (q))
    return FALSE;
  if (fabs (q) >= 9007199254740992.0 || fabs (q - round (q)) < 1e-9)
    return TRUE;
  /* decimal multiples: 12 is a multiple of 1e-8 though 12 / 1e-8 is not exact */
  for (d = 0; d <= 15; d++)
    {
      sm = multiple_of * pow (10, d);
      if (fabs (sm - round (sm)) < 1e-9 * fmax (1, fabs (sm)))
        break;
    }
  if (d > 15)
    return FALSE;
  scale = pow (10, d);
  sv = value * scale;
  if (fabs (sv) >= 9007199254740992.0 || fabs (sv - round (sv)) > 1e-6 * fmax (1, fabs (sv)))
    return FALSE;
  return fmod (round (sv), round (sm)) == 0;
}

static gboolean
number_matches (const DgPlan *p, double x)
{
  if (p->has_min && (x < p->min || (p->min_exclusive && x == p->min)))
    return FALSE;
  if (p->has_max && (x > p->max || (p->max_exclusive && x == p->max)))
    return FALSE;
  return p->multiple_of == 0 || dg_number_is_multiple (x, p->multiple_of);
}

static gboolean
string_matches (const DgPlan *p, const char *s)
{
  glong length;

  if (p->min_length > 0 || p->max_length >= 0)
    {
      length = g_utf8_strlen (s, -1);
      if (length < p->min_length || (p->max_length >= 0 && length > p->max_length))
        return FALSE;
    }
  for (guint i = 0; p->patterns != NULL && i < p->patterns->len; i++)
    {
      DgPattern *pattern = p->patterns->pdata[i];
      if (!g_regex_match (pattern->regex, s, 0, NULL))
        return FALSE;
    }
  return TRUE;
}

static gboolean
array_matches (const DgPlan *p, JsonArray *array)
{
  guint n = json_array_get_length (array);
  guint n_prefix = p->prefix_items != NULL ? p->prefix_items->len : 0;
  gint64 contained = 0;

  if (n < p->min_items || (p->max_items >= 0 && n > p->max_items))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      JsonNode *item = json_array_get_element (array, i);

      if (i < n_prefix && !dg_plan_matches (p->prefix_items->pdata[i], item))
        return FALSE;
      if (i >= n_prefix && p->items != NULL && !dg_plan_matches (p->items, item))
        return FALSE;
      if (p->contains != NULL && dg_plan_matches (p->contains, item))
        contained++;
      if (p->unique_items)
        for (guint j = 0; j < i; j++)
          if (dg_json_equal (json_array_get_element (array, j), item))
            return FALSE;
    }
  if (p->contains != NULL &&
      (contained < p->min_contains || (p->max_contains >= 0 && contained > p->max_contains)))
    return FALSE;
  return TRUE;
}

static gboolean
object_matches (const DgPlan *p, JsonObject *obj)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;
  gint64 size = json_object_get_size (obj);

  if (size < p->min_props || (p->max_props >= 0 && size > p->max_props))
    return FALSE;
  json_object_iter_init (&iter, obj);
  while (json_object_iter_next (&iter, &name, &member))
    {
      const DgProp *prop = dg_plan_find_prop (p, name);
      gboolean matched = FALSE;

      if (prop != NULL)
        {
          if (!dg_plan_matches (prop->plan, member))
            return FALSE;
          matched = TRUE;
        }
      else
        for (guint i = 0; p->pattern_props != NULL && i < p->pattern_props->len; i++)
          {
            DgPatternProp *pp = &g_array_index (p->pattern_props, DgPatternProp, i);

            if (!g_regex_match (pp->pattern->regex, name, 0, NULL))
              continue;
            matched = TRUE;
            if (!dg_plan_matches (pp->plan, member))
              return FALSE;
          }
      if (!matched && p->additional != NULL && !dg_plan_matches (p->additional, member))
        return FALSE;
      if (p->property_names != NULL)
        {
          g_autoptr (JsonNode) key = json_node_init_string (json_node_alloc (), name);
          if (!dg_plan_matches (p->property_names, key))
            return FALSE;
        }
    }
  for (guint i = 0; p->props != NULL && i < p->props->len; i++)
    {
      const DgProp *prop = &g_array_index (p->props, DgProp, i);
      if (prop->required && !json_object_has_member (obj, prop->name))
        return FALSE;
    }
  for (guint i = 0; p->dependencies != NULL && i < p->dependencies->len; i++)
    {
      const DgDependency *dep = &g_array_index (p->dependencies, DgDependency, i);

      if (!json_object_has_member (obj, dep->name))
        continue;
      for (guint j = 0; j < dep->names->len; j++)
        if (!json_object_has_member (obj, dep->names->pdata[j]))
          return FALSE;
    }
  return TRUE;
}

/* The plan's own keywords, without its not/oneOf checks. */
gboolean
dg_plan_matches_simple (const DgPlan *p, JsonNode *value, gboolean use_enum)
{
  guint bit = dg_json_type_bit (value);

  if ((bit & p->types) == 0)
    return FALSE;
  if (use_enum && p->enum_values != NULL)
    {
      gboolean found = FALSE;
      for (guint i = 0; i < p->enum_values->len && !found; i++)
        found = dg_json_equal (p->enum_values->pdata[i], value);
      if (!found)
        return FALSE;
    }
  switch (bit)
    {
    case DG_TYPE_INTEGER:
    case DG_TYPE_FRACTION:
      return number_matches (p, json_node_get_double (value));
    case DG_TYPE_STRING:
      return string_matches (p, json_node_get_string (value));
    case DG_TYPE_ARRAY:
      return array_matches (p, json_node_get_array (value));
    case DG_TYPE_OBJECT:
      return object_matches (p, json_node_get_object (value));
    default:
      return TRUE;
    }
}

gboolean
dg_plan_checks_pass (const DgPlan *p, JsonNode *value)
{
  for (guint i = 0; p->nots != NULL && i < p->nots->len; i++)
    if (dg_plan_matches (p->nots->pdata[i], value))
      return FALSE;
  for (guint i = 0; p->musts != NULL && i < p->musts->len; i++)
    if (!dg_plan_matches (p->musts->pdata[i], value))
      return FALSE;
  for (guint i = 0; p->one_ofs != NULL && i < p->one_ofs->len; i++)
    {
      GPtrArray *branches = p->one_ofs->pdata[i];
      guint matching = 0;

      for (guint j = 0; j < branches->len && matching < 2; j++)
        if (dg_plan_matches (branches->pdata[j], value))
          matching++;
      if (matching != 1)
        return FALSE;
    }
  return TRUE;
}

gboolean
dg_plan_matches (const DgPlan *plan, JsonNode *value)
{
  switch (plan->kind)
    {
    case DG_PLAN_EMPTY:
      return FALSE;
    case DG_PLAN_REF:
      /* unresolved only while compiling: assume a match */
      return (plan->target == NULL || dg_plan_matches (plan->target, value)) &&
             dg_plan_checks_pass (plan, value);
    case DG_PLAN_ALTS:
      for (guint i = 0; i < plan->alts->len; i++)
        if (dg_plan_matches (plan->alts->pdata[i], value))
          return TRUE;
      return FALSE;
    case DG_PLAN_SIMPLE:
    default:
      return dg_plan_matches_simple (plan, value, TRUE) && dg_plan_checks_pass (plan, value);
    }
}
