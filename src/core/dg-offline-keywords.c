/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-offline"

#include "config.h"

#include <math.h>
#include <string.h>

#include "dg-offline-compiler.h"

static gboolean
get_number (JsonNode *node, double *out)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    return FALSE;
  *out = json_node_get_double (node);
  return isfinite (*out);
}

static gboolean
get_count (JsonNode *node, gint64 *out)
{
  double d;

  if (!get_number (node, &d) || d < 0 || d != floor (d))
    return FALSE;
  *out = d > (double) G_MAXINT32 ? G_MAXINT32 : (gint64) d;
  return TRUE;
}

static gboolean
parse_type (DgPlan *p, JsonNode *node, const char *pointer, GError **error)
{
  static const struct
  {
    const char *name;
    guint bits;
  } names[] = {
    { "null", DG_TYPE_NULL },     { "boolean", DG_TYPE_BOOLEAN }, { "integer", DG_TYPE_INTEGER },
    { "number", DG_TYPE_NUMBER }, { "string", DG_TYPE_STRING },   { "array", DG_TYPE_ARRAY },
    { "object", DG_TYPE_OBJECT },
  };
  guint mask = 0;
  guint n = 1;
  JsonArray *array = NULL;

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      array = json_node_get_array (node);
      n = json_array_get_length (array);
      if (n == 0)
        return dg_compiler_fail (error, DG_OFFLINE_ERROR_INVALID_SCHEMA, pointer,
                                 "\"type\" is an empty array");
    }
  for (guint i = 0; i < n; i++)
    {
      JsonNode *item = array != NULL ? json_array_get_element (array, i) : node;
      const char *name;
      gboolean found = FALSE;

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        return dg_compiler_fail (error, DG_OFFLINE_ERROR_INVALID_SCHEMA, pointer,
                                 "\"type\" must be a string or an array of strings");
      name = json_node_get_string (item);
      for (guint j = 0; j < G_N_ELEMENTS (names); j++)
        if (g_str_equal (name, names[j].name))
          {
            mask |= names[j].bits;
            found = TRUE;
          }
      if (!found)
        return dg_compiler_fail (error, DG_OFFLINE_ERROR_INVALID_SCHEMA, pointer,
                                 "unknown type \"%s\"", name);
    }
  p->types = mask;
  p->explicit_type = TRUE;
  return TRUE;
}

static gboolean
parse_numbers (DgPlan *p, JsonObject *obj, const char *pointer, GError **error)
{
  static const char *const keys[] = { "minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum",
                                      "multipleOf" };
  double values[G_N_ELEMENTS (keys)];
  gboolean present[G_N_ELEMENTS (keys)];

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      JsonNode *node = json_object_get_member (obj, keys[i]);

      present[i] = node != NULL;
      if (node != NULL && !get_number (node, &values[i]))
        return dg_compiler_fail (error, DG_OFFLINE_ERROR_INVALID_SCHEMA, pointer,
                                 "\"%s\" must be a number", keys[i]);
      if (node != NULL)
        p->implied_types |= DG_TYPE_NUMBER;
    }
  if (present[0] || present[1])
    {
      p->has_min = TRUE;
      p->min_exclusive = present[1] && (!present[0] || values[1] >= values[0]);
      p->min = p->min_exclusive ? values[1] : values[0];
    }
  if (present[2] || present[3])
    {
      p->has_max = TRUE;
      p->max_exclusive = present[3] && (!present[2] || values[3] <= values[2]);
      p->max = p->max_exclusive ? values[3] : values[2];
    }
  if (present[4])
    {
      if (values[4] <= 0)
        return dg_compiler_fail (error, DG_OFFLINE_ERROR_INVALID_SCHEMA, pointer,
                                 "\"multipleOf\" must be greater than 0");
      p->multiple_of = values[4];
    }
  if (p->has_min && p->has_max &&
      (p->min > p->max || (p->min == p->max && (p->min_exclusive || p->max_exclusive))))
    return dg_compiler_fail (error, DG_OFFLINE_ERROR_UNSATISFIABLE, pointer,
                             "%s %g is not below %s %g: no number fits",
                             p->min_exclusive ? "exclusiveMinimum" : "minimum", p->min,
                             p->max_exclusive ? "exclusiveMaximum" : "maximum", p->max);
  return TRUE;
}

static gboolean
parse_count_pair (JsonObject *obj, const char *min_key, const char *max_key, gint64 *min,
                  gint64 *max, const char *pointer, GError **error)
{
  JsonNode *node;

  if ((node = json_object_get_member (obj, min_key)) != NULL && !get_count (node, min))
    return dg_compiler_fail (error, DG_OFFLINE_ERROR_INVALID_SCHEMA, pointer,
                             "\"%s\" must be a non-negative integer", min_key);
  if ((node = json_object_get_member (obj, max_key)) != NULL && !get_count (node, max))
    return dg_compiler_fail (error, DG_OFFLINE_ERROR_INVALID_SCHEMA, pointer,
                             "\"%s\" must be a non-negative integer", max_key);
  if (*max >= 0 && *min > *max)
    return dg_compiler_fail (error, DG_OFFLINE_ERROR_UNSATISFIABLE, pointer,
                             "\"%s\" (%" G_GINT64_FORMAT
                             ") is greater than \"%s\" (%" G_GINT64_FORMAT ")",
                             min_key, *min, max_key, *max);
  return TRUE;
}

static gboolean
parse_strings (Compiler *c, DgPlan *p, JsonObject *obj, const char *pointer, GError **error)
{
  JsonNode *node;

  if (!parse_count_pair (obj, "minLength", "maxLength", &p->min_length, &p->max_length, pointer,
                         error))
    return FALSE;
  if (json_object_has_member (obj, "minLength") || json_object_has_member (obj, "maxLength"))
    p->implied_types |= DG_TYPE_STRING;
  if ((node = json_object_get_member (obj, "pattern")) != NULL)
    {
      DgPattern *pattern;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        return dg_compiler_fail (error, DG_OFFLINE_ERROR_INVALID_SCHEMA, pointer,
                                 "\"pattern\" must be a string");
      pattern =
          dg_offline_pattern_new (c->gen, json_node_get_string (node),
                                  dg_compiler_pointer_append (c->gen, pointer, "pattern"), error);
      if (pattern == NULL)
        return FALSE;
      p->patterns = dg_arena_ptr_array (c->gen);
      g_ptr_array_add (p->patterns, pattern);
      p->implied_types |= DG_TYPE_STRING;
    }
  if ((node = json_object_get_member (obj, "format")) != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_STRING)
    {
      p->format = dg_format_from_name (json_node_get_string (node));
      if (p->format != DG_FORMAT_UNKNOWN)
        p->implied_types |= DG_TYPE_STRING;
    }
  return TRUE;
}

static gboolean
parse_arrays (Compiler *c, DgPlan *p, JsonObject *obj, const char *pointer, GError **error)
{
  JsonNode *node;
  JsonNode *prefix = json_object_get_member (obj, "prefixItems");
  JsonNode *items = json_object_get_member (obj, "items");
  JsonNode *additional_items = NULL;

  /* Draft 2019 and earlier spelled prefixItems as an array-valued "items". */
  if (items != NULL && JSON_NODE_HOLDS_ARRAY (items) && prefix == NULL)
    {
      prefix = items;
      items = json_object_get_member (obj, "additionalItems");
      additional_items = items;
    }
  if (prefix != NULL)
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (prefix))
        return dg_compiler_fail (error, DG_OFFLINE_ERROR_INVALID_SCHEMA, pointer,
                                 "\"prefixItems\" must be an array of schemas");
      array = json_node_get_array (prefix);
      p->prefix_items = dg_arena_ptr_array (c->gen);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          DgPlan *child = dg_compiler_compile (c, json_array_get_element (array, i), error);
          if (child == NULL)
            return FALSE;
          g_ptr_array_add (p->prefix_items, child);
        }
      p->implied_types |= DG_TYPE_ARRAY;
    }
  if (items != NULL)
    {
      if (JSON_NODE_HOLDS_ARRAY (items) && additional_items == NULL)
        return dg_compiler_fail (error, DG_OFFLINE_ERROR_INVALID_SCHEMA, pointer,
                                 "\"items\" must be a schema (use \"prefixItems\" for tuples)");
      if ((p->items = dg_compiler_compile (c, items, error)) == NULL)
        return FALSE;
      p->implied_types |= DG_TYPE_ARRAY;
    }
  if (!parse_count_pair (obj, "minItems", "maxItems", &p->min_items, &p->max_items, pointer, error))
    return FALSE;
  if ((node = json_object_get_member (obj, "uniqueItems")) != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        return dg_compiler_fail (error, DG_OFFLINE_ERROR_INVALID_SCHEMA, pointer,
                                 "\"uniqueItems\" must be a boolean");
      p->unique_items = json_node_get_boolean (node);
    }
  if ((node = json_object_get_member (obj, "contains")) != NULL)
    {
      if ((p->contains = dg_compiler_compile (c, node, error)) == NULL)
        return FALSE;
      p->min_contains = 1;
      if (!parse_count_pair (obj, "minContains", "maxContains", &p->min_contains, &p->max_contains,
                             pointer, error))
        return FALSE;
      p->implied_types |= DG_TYPE_ARRAY;
    }
  if (json_object_has_member (obj, "minItems") || json_object_has_member (obj, "maxItems") ||
      p->unique_items)
    p->implied_types |= DG_TYPE_ARRAY;
  return TRUE;
}

static gboolean
is_entity (const DgHint *hint)
{
  switch (hint != NULL ? hint->kind : DG_HINT_NONE)
    {
    case DG_HINT_PRODUCT:
    case DG_HINT_COMPANY:
    case DG_HINT_CITY:
    case DG_HINT_COUNTRY:
    case DG_HINT_DEPARTMENT:
    case DG_HINT_DIAGNOSIS:
    case DG_HINT_MEDICATION:
    case DG_HINT_CATEGORY:
    case DG_HINT_TAG:
    case DG_HINT_LANGUAGE:
    case DG_HINT_JOB_TITLE:
      return TRUE;
    default:
      return FALSE;
    }
}

/*
 * The hint of a property: its name, else its title. A bare "name" or "title"
 * takes the kind of what holds it: the "name" of a "products" item or of an
 * object titled "Company" is a product or company name, not a person's.
 */
static const DgHint *
hint_for_property (Compiler *c, DgPlan *holder, const char *name, JsonNode *schema)
{
  DgOfflineGenerator *gen = c->gen;
  const DgHint *hint = dg_hint_for_name (gen, name);
  const DgHint *context = holder->hint != NULL ? holder->hint : c->context;
  JsonObject *obj;
  const char *title;

  if ((g_ascii_strcasecmp (name, "name") == 0 || g_ascii_strcasecmp (name, "title") == 0) &&
      is_entity (context))
    return context;
  if (hint != NULL || schema == NULL || !JSON_NODE_HOLDS_OBJECT (schema))
    return hint;
  obj = json_node_get_object (schema);
  title = json_object_get_string_member_with_default (obj, "title", NULL);
  return title != NULL ? dg_hint_for_name (gen, title) : NULL;
}

DgProp *
dg_compiler_find_prop (DgPlan *p, const char *name)
{
  for (guint i = 0; p->props != NULL && i < p->props->len; i++)
    if (g_str_equal (g_array_index (p->props, DgProp, i).name, name))
      return &g_array_index (p->props, DgProp, i);
  return NULL;
}

/* Adds @name as a property whose schema comes from patternProperties/additionalProperties. */
DgProp *
dg_compiler_add_implicit_prop (Compiler *c, DgPlan *p, const char *name, GError **error)
{
  DgProp prop = { 0 };
  DgPlan *plan = dg_plan_effective_prop (c->gen, p, name, error);

  if (plan == NULL)
    return NULL;
  prop.name = dg_arena_str (c->gen, name);
  prop.plan = plan;
  prop.hint = dg_hint_for_name (c->gen, name);
  prop.evaluated = dg_plan_evaluates (p, name);
  g_array_append_val (p->props, prop);
  return &g_array_index (p->props, DgProp, p->props->len - 1);
}

static gboolean
parse_string_list (JsonNode *node, GPtrArray *out, DgOfflineGenerator *gen, const char *keyword,
                   const char *pointer, GError **error)
{
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return dg_compiler_fail (error, DG_OFFLINE_ERROR_INVALID_SCHEMA, pointer,
                             "\"%s\" must be an array of strings", keyword);
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        return dg_compiler_fail (error, DG_OFFLINE_ERROR_INVALID_SCHEMA, pointer,
                                 "\"%s\" must be an array of strings", keyword);
      g_ptr_array_add (out, (gpointer) dg_arena_str (gen, json_node_get_string (item)));
    }
  return TRUE;
}

static gboolean
parse_objects (Compiler *c, DgPlan *p, JsonObject *obj, const char *pointer, GError **error)
{
  JsonNode *node;
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;
  g_autoptr (GPtrArray) required = g_ptr_array_new ();

  p->props = dg_arena_array (c->gen, sizeof (DgProp));
  if ((node = json_object_get_member (obj, "patternProperties")) != NULL)
    {
      if (!JSON_NODE_HOLDS_OBJECT (node))
        return dg_compiler_fail (error, DG_OFFLINE_ERROR_INVALID_SCHEMA, pointer,
                                 "\"patternProperties\" must be an object");
      p->pattern_props = dg_arena_array (c->gen, sizeof (DgPatternProp));
      json_object_iter_init_ordered (&iter, json_node_get_object (node));
      while (json_object_iter_next_ordered (&iter, &name, &member))
        {
          DgPatternProp pp;
          const char *pp_pointer = dg_compiler_pointer_append (
              c->gen, dg_compiler_pointer_append (c->gen, pointer, "patternProperties"), name);

          if ((pp.pattern = dg_offline_pattern_new (c->gen, name, pp_pointer, error)) == NULL ||
              (pp.plan = dg_compiler_compile (c, member, error)) == NULL)
            return FALSE;
          g_array_append_val (p->pattern_props, pp);
        }
      p->implied_types |= DG_TYPE_OBJECT;
    }
  if ((node = json_object_get_member (obj, "additionalProperties")) != NULL)
    {
      if ((p->additional = dg_compiler_compile (c, node, error)) == NULL)
        return FALSE;
      p->implied_types |= DG_TYPE_OBJECT;
    }
  if ((node = json_object_get_member (obj, "properties")) != NULL)
    {
      if (!JSON_NODE_HOLDS_OBJECT (node))
        return dg_compiler_fail (error, DG_OFFLINE_ERROR_INVALID_SCHEMA, pointer,
                                 "\"properties\" must be an object");
      json_object_iter_init_ordered (&iter, json_node_get_object (node));
      while (json_object_iter_next_ordered (&iter, &name, &member))
        {
          DgProp prop = { 0 };
          const DgHint *outer = c->context;

          prop.name = dg_arena_str (c->gen, name);
          prop.evaluated = TRUE;
          prop.hint = hint_for_property (c, p, name, member);
          c->context = prop.hint;
          prop.plan = dg_compiler_compile (c, member, error);
          c->context = outer;
          if (prop.plan == NULL)
            return FALSE;
          /* patternProperties apply to declared properties too */
          for (guint i = 0; p->pattern_props != NULL && i < p->pattern_props->len; i++)
            {
              DgPatternProp *pp = &g_array_index (p->pattern_props, DgPatternProp, i);
              if (g_regex_match (pp->pattern->regex, name, 0, NULL) &&
                  (prop.plan = dg_plan_merge (c->gen, prop.plan, pp->plan, error)) == NULL)
                return FALSE;
            }
          g_array_append_val (p->props, prop);
        }
      p->implied_types |= DG_TYPE_OBJECT;
    }
  if ((node = json_object_get_member (obj, "required")) != NULL)
    {
      if (!parse_string_list (node, required, c->gen, "required", pointer, error))
        return FALSE;
      for (guint i = 0; i < required->len; i++)
        {
          DgProp *prop = dg_compiler_find_prop (p, required->pdata[i]);

          if (prop == NULL &&
              (prop = dg_compiler_add_implicit_prop (c, p, required->pdata[i], error)) == NULL)
            return FALSE;
          prop->required = TRUE;
        }
      p->implied_types |= DG_TYPE_OBJECT;
    }
  if (!parse_count_pair (obj, "minProperties", "maxProperties", &p->min_props, &p->max_props,
                         pointer, error))
    return FALSE;
  if ((node = json_object_get_member (obj, "dependentRequired")) != NULL)
    {
      if (!JSON_NODE_HOLDS_OBJECT (node))
        return dg_compiler_fail (error, DG_OFFLINE_ERROR_INVALID_SCHEMA, pointer,
                                 "\"dependentRequired\" must be an object");
      p->dependencies = dg_arena_array (c->gen, sizeof (DgDependency));
      json_object_iter_init_ordered (&iter, json_node_get_object (node));
      while (json_object_iter_next_ordered (&iter, &name, &member))
        {
          DgDependency dep;

          dep.name = dg_arena_str (c->gen, name);
          dep.names = dg_arena_ptr_array (c->gen);
          if (!parse_string_list (member, dep.names, c->gen, "dependentRequired", pointer, error))
            return FALSE;
          for (guint i = 0; i < dep.names->len; i++)
            if (dg_compiler_find_prop (p, dep.names->pdata[i]) == NULL &&
                dg_compiler_add_implicit_prop (c, p, dep.names->pdata[i], error) == NULL)
              return FALSE;
          if (dg_compiler_find_prop (p, name) == NULL &&
              dg_compiler_add_implicit_prop (c, p, name, error) == NULL)
            return FALSE;
          g_array_append_val (p->dependencies, dep);
        }
    }
  if ((node = json_object_get_member (obj, "propertyNames")) != NULL)
    {
      if ((p->property_names = dg_compiler_compile (c, node, error)) == NULL)
        return FALSE;
    }
  if (json_object_has_member (obj, "minProperties") ||
      json_object_has_member (obj, "maxProperties"))
    p->implied_types |= DG_TYPE_OBJECT;
  return TRUE;
}

static gboolean
parse_enum (Compiler *c, DgPlan *p, JsonObject *obj, const char *pointer, GError **error)
{
  JsonNode *node;

  if ((node = json_object_get_member (obj, "enum")) != NULL)
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        return dg_compiler_fail (error, DG_OFFLINE_ERROR_INVALID_SCHEMA, pointer,
                                 "\"enum\" must be an array");
      array = json_node_get_array (node);
      p->enum_values = dg_arena_ptr_array (c->gen);
      for (guint i = 0; i < json_array_get_length (array); i++)
        g_ptr_array_add (p->enum_values, dg_arena_node (c->gen, json_array_get_element (array, i)));
      if (p->enum_values->len == 0)
        return dg_compiler_fail (error, DG_OFFLINE_ERROR_UNSATISFIABLE, pointer,
                                 "\"enum\" is empty");
    }
  if ((node = json_object_get_member (obj, "const")) != NULL)
    {
      JsonNode *value = dg_arena_node (c->gen, node);

      if (p->enum_values != NULL)
        {
          gboolean found = FALSE;
          for (guint i = 0; i < p->enum_values->len; i++)
            found = found || dg_json_equal (p->enum_values->pdata[i], value);
          if (!found)
            return dg_compiler_fail (error, DG_OFFLINE_ERROR_UNSATISFIABLE, pointer,
                                     "\"const\" is not one of the \"enum\" values");
          g_ptr_array_set_size (p->enum_values, 0);
        }
      else
        p->enum_values = dg_arena_ptr_array (c->gen);
      g_ptr_array_add (p->enum_values, value);
    }
  return TRUE;
}

/* The schema object's own keywords, without $ref and the applicators that combine schemas. */
DgPlan *
dg_compiler_keywords (Compiler *c, JsonNode *node, const char *pointer, GError **error)
{
  JsonObject *obj = json_node_get_object (node);
  DgPlan *p = dg_plan_new (c->gen, DG_PLAN_SIMPLE, pointer);
  JsonNode *type = json_object_get_member (obj, "type");
  const char *title = json_object_get_string_member_with_default (obj, "title", NULL);

  if (title != NULL)
    p->hint = dg_hint_for_name (c->gen, title);
  if (type != NULL && !parse_type (p, type, pointer, error))
    return NULL;
  if (!parse_enum (c, p, obj, pointer, error) || !parse_numbers (p, obj, pointer, error) ||
      !parse_strings (c, p, obj, pointer, error) || !parse_arrays (c, p, obj, pointer, error) ||
      !parse_objects (c, p, obj, pointer, error))
    return NULL;
  return dg_plan_settle (c->gen, p, error);
}
