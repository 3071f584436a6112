/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-json-schema"

#include "config.h"

#include <math.h>
#include <string.h>

#include "dg-json-schema-compiler.h"

/*
 * One subschema's keywords, checked and turned into DgJsSchema fields. A keyword whose
 * value has the wrong kind ("minimum": "5") is an error, not silently ignored: a drafted
 * schema that says something we would not enforce must not pass as if we did.
 */

typedef struct
{
  DgJsCompiler *c;
  const DgJsNodeInfo *info;
  JsonObject *object;
  DgJsSchema *s;
} Ctx;

static JsonNode *
member (Ctx *x, const char *keyword)
{
  return json_object_get_member (x->object, keyword);
}

static gboolean
invalid (Ctx *x, const char *keyword, const char *what)
{
  return dg_js_compiler_fail (x->c, x->info->location, DG_JSON_SCHEMA_ERROR_INVALID, keyword,
                              "“%s” must be %s", keyword, what);
}

static gboolean
is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
is_boolean (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN;
}

/* The subschema at @node (below @keyword[/@name or /@index]). */
static DgJsSchema *
subschema (Ctx *x, JsonNode *node, const char *keyword, const char *name, int index)
{
  DgJsNodeInfo fallback = { x->info->resource, x->info->base, NULL };
  DgJsSchema *s;
  g_autofree char *k = dg_js_pointer_escape (keyword);
  g_autofree char *n = name != NULL ? dg_js_pointer_escape (name) : NULL;

  if (name != NULL)
    fallback.location = g_strdup_printf ("%s/%s/%s", x->info->location, k, n);
  else if (index >= 0)
    fallback.location = g_strdup_printf ("%s/%s/%d", x->info->location, k, index);
  else
    fallback.location = g_strdup_printf ("%s/%s", x->info->location, k);
  s = dg_js_compiler_get_schema (x->c, node, &fallback);
  g_free (fallback.location);
  return s;
}

static gboolean
single (Ctx *x, const char *keyword, DgJsSchema **out)
{
  JsonNode *node = member (x, keyword);

  if (node == NULL)
    return TRUE;
  *out = subschema (x, node, keyword, NULL, -1);
  return *out != NULL;
}

static gboolean
schema_array (Ctx *x, const char *keyword, DgJsSchema ***out, guint *n_out)
{
  JsonNode *node = member (x, keyword);
  JsonArray *array;
  guint n;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (json_node_get_array (node)) == 0)
    return invalid (x, keyword, "a non-empty array of schemas");
  array = json_node_get_array (node);
  n = json_array_get_length (array);
  *out = g_new0 (DgJsSchema *, n);
  *n_out = n;
  for (guint i = 0; i < n; i++)
    if (((*out)[i] = subschema (x, json_array_get_element (array, i), keyword, NULL, i)) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
number (Ctx *x, const char *keyword, guint32 bit, DgJsNum *out)
{
  JsonNode *node = member (x, keyword);

  if (node == NULL)
    return TRUE;
  if (!dg_js_num_from_node (node, out))
    return invalid (x, keyword, "a number");
  x->s->keywords |= bit;
  return TRUE;
}

static gboolean
count (Ctx *x, const char *keyword, guint32 bit, gint64 *out)
{
  JsonNode *node = member (x, keyword);
  DgJsNum n;

  if (node == NULL)
    return TRUE;
  if (!dg_js_num_from_node (node, &n) || (dg_js_type_of (node) & DG_JS_T_INTEGER) == 0 ||
      (n.is_int ? n.i < 0 : n.d < 0))
    return invalid (x, keyword, "a non-negative integer");
  *out = n.is_int ? n.i : n.d >= 9.2e18 ? G_MAXINT64 : (gint64) n.d;
  x->s->keywords |= bit;
  return TRUE;
}

static gboolean
string_array (Ctx *x, const char *keyword, JsonNode *node, const char ***out, guint *n_out)
{
  JsonArray *array;
  guint n;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return invalid (x, keyword, "an array of strings");
  array = json_node_get_array (node);
  n = json_array_get_length (array);
  *out = g_new0 (const char *, n + 1);
  *n_out = n;
  for (guint i = 0; i < n; i++)
    {
      JsonNode *e = json_array_get_element (array, i);

      if (!is_string (e))
        return invalid (x, keyword, "an array of strings");
      (*out)[i] = json_node_get_string (e);
    }
  return TRUE;
}

static gboolean
pattern (Ctx *x, const char *keyword, const char *source, DgJsPattern *out)
{
  g_autoptr (GError) error = NULL;

  out->source = source;
  out->regex = dg_js_regex_compile (source, &error);
  if (out->regex == NULL)
    return dg_js_compiler_fail (x->c, x->info->location, DG_JSON_SCHEMA_ERROR_PATTERN, keyword,
                                "%s", error->message);
  out->dfa = dg_js_dfa_compile (source);
  return TRUE;
}

static gboolean
compile_type (Ctx *x)
{
  static const struct
  {
    const char *name;
    guint bits;
  } names[] = {
    { "null", DG_JS_T_NULL },       { "boolean", DG_JS_T_BOOLEAN }, { "object", DG_JS_T_OBJECT },
    { "array", DG_JS_T_ARRAY },     { "number", DG_JS_T_NUMBER },   { "string", DG_JS_T_STRING },
    { "integer", DG_JS_T_INTEGER },
  };
  JsonNode *node = member (x, "type");
  g_autofree const char **types = NULL;
  const char *one[2] = { NULL, NULL };
  guint n = 0;

  if (node == NULL)
    return TRUE;
  if (is_string (node))
    {
      one[0] = json_node_get_string (node);
      n = 1;
    }
  else if (!JSON_NODE_HOLDS_ARRAY (node) || !string_array (x, "type", node, &types, &n))
    return x->c->error != NULL ? FALSE : invalid (x, "type", "a type name or an array of them");
  for (guint i = 0; i < n; i++)
    {
      const char *name = types != NULL ? types[i] : one[i];
      gsize j;

      for (j = 0; j < G_N_ELEMENTS (names); j++)
        if (g_str_equal (name, names[j].name))
          break;
      if (j == G_N_ELEMENTS (names))
        return dg_js_compiler_fail (x->c, x->info->location, DG_JSON_SCHEMA_ERROR_INVALID, "type",
                                    "unknown type “%s”", name);
      x->s->types |= names[j].bits;
    }
  if (x->s->types == 0)
    return invalid (x, "type", "a type name or a non-empty array of them");
  return TRUE;
}

static gboolean
compile_enum (Ctx *x)
{
  JsonNode *node = member (x, "enum");
  JsonArray *array;
  DgJsSchema *s = x->s;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return invalid (x, "enum", "an array");
  array = json_node_get_array (node);
  s->n_enum = json_array_get_length (array);
  s->enum_values = g_new0 (JsonNode *, MAX (s->n_enum, 1));
  s->enum_strings_list = g_new0 (const char *, MAX (s->n_enum, 1));
  for (guint i = 0; i < s->n_enum; i++)
    {
      s->enum_values[i] = json_array_get_element (array, i);
      if (is_string (s->enum_values[i]))
        s->enum_strings_list[i] = json_node_get_string (s->enum_values[i]);
    }
  if (s->n_enum > 8)
    {
      s->enum_strings = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i < s->n_enum; i++)
        if (is_string (s->enum_values[i]))
          g_hash_table_add (s->enum_strings, (gpointer) json_node_get_string (s->enum_values[i]));
    }
  s->keywords |= DG_JS_K_ENUM;
  return TRUE;
}

/* dependentRequired, dependentSchemas, and draft 7's "dependencies" that mixes both. */
static gboolean
compile_dependents (Ctx *x, const char *keyword, gboolean arrays_ok, gboolean schemas_ok)
{
  JsonNode *node = member (x, keyword);
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;
  DgJsSchema *s = x->s;
  guint size;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (x, keyword, "an object");
  size = json_object_get_size (json_node_get_object (node));
  if (arrays_ok)
    s->dependent_required =
        g_renew (DgJsDependent, s->dependent_required, s->n_dependent_required + size);
  if (schemas_ok)
    s->dependent_schemas =
        g_renew (DgJsDepSchema, s->dependent_schemas, s->n_dependent_schemas + size);
  json_object_iter_init (&iter, json_node_get_object (node));
  while (json_object_iter_next (&iter, &name, &value))
    {
      if (arrays_ok && JSON_NODE_HOLDS_ARRAY (value))
        {
          DgJsDependent *d = &s->dependent_required[s->n_dependent_required++];

          d->name = name;
          d->required = NULL;
          if (!string_array (x, keyword, value, &d->required, &d->n_required))
            return FALSE;
        }
      else if (schemas_ok && (JSON_NODE_HOLDS_OBJECT (value) || is_boolean (value)))
        {
          DgJsDepSchema *d = &s->dependent_schemas[s->n_dependent_schemas];

          d->name = name;
          if ((d->schema = subschema (x, value, keyword, name, -1)) == NULL)
            return FALSE;
          s->n_dependent_schemas++;
        }
      else
        return invalid (x, keyword,
                        arrays_ok ? (schemas_ok ? "an object of arrays or schemas"
                                                : "an object of string arrays")
                                  : "an object of schemas");
    }
  return TRUE;
}

static gboolean
compile_properties (Ctx *x)
{
  JsonNode *node = member (x, "properties");
  DgJsSchema *s = x->s;

  if (node != NULL)
    {
      g_autoptr (GList) names = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid (x, "properties", "an object of schemas");
      /* in document order, so errors come in the order the schema lists properties */
      names = json_object_get_members (json_node_get_object (node));
      s->properties = g_new0 (DgJsProp, json_object_get_size (json_node_get_object (node)));
      for (GList *l = names; l != NULL; l = l->next)
        {
          DgJsProp *p = &s->properties[s->n_properties++];
          JsonNode *value = json_object_get_member (json_node_get_object (node), l->data);

          p->name = l->data;
          if ((p->schema = subschema (x, value, "properties", p->name, -1)) == NULL)
            return FALSE;
        }
      s->properties_index = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i < s->n_properties; i++)
        g_hash_table_insert (s->properties_index, (gpointer) s->properties[i].name,
                             &s->properties[i]);
    }

  node = member (x, "patternProperties");
  if (node != NULL)
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid (x, "patternProperties", "an object of schemas");
      s->pattern_properties =
          g_new0 (DgJsPattern, json_object_get_size (json_node_get_object (node)));
      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, &name, &value))
        {
          DgJsPattern *p = &s->pattern_properties[s->n_pattern_properties++];

          if (!pattern (x, "patternProperties", name, p))
            return FALSE;
          if ((p->schema = subschema (x, value, "patternProperties", name, -1)) == NULL)
            return FALSE;
        }
    }
  return single (x, "additionalProperties", &s->additional_properties) &&
         single (x, "propertyNames", &s->property_names) &&
         compile_dependents (x, "dependentSchemas", FALSE, TRUE);
}

static gboolean
compile_items (Ctx *x, DgJsDialect dialect)
{
  DgJsSchema *s = x->s;
  JsonNode *items = member (x, "items");

  if (dialect == DG_JS_DIALECT_2020_12)
    {
      s->prefix_keyword = "prefixItems";
      s->items_keyword = "items";
      if (!schema_array (x, "prefixItems", &s->prefix_items, &s->n_prefix_items))
        return FALSE;
      if (items != NULL && JSON_NODE_HOLDS_ARRAY (items))
        return invalid (x, "items", "a schema (an array is “prefixItems” since 2020-12)");
      if (!single (x, "items", &s->items))
        return FALSE;
    }
  else
    {
      /* 2019-09 and earlier: "items" as an array is the prefix, "additionalItems" the rest. */
      s->prefix_keyword = "items";
      s->items_keyword = "additionalItems";
      if (items != NULL && JSON_NODE_HOLDS_ARRAY (items))
        {
          if (!schema_array (x, "items", &s->prefix_items, &s->n_prefix_items) ||
              !single (x, "additionalItems", &s->items))
            return FALSE;
        }
      else if (items != NULL)
        {
          s->items_keyword = "items";
          if (!single (x, "items", &s->items))
            return FALSE;
        }
    }
  if (s->items != NULL)
    s->keywords |= DG_JS_K_ITEMS_ALL;
  return single (x, "contains", &s->contains);
}

static gboolean
compile_applicators (Ctx *x, DgJsDialect dialect)
{
  DgJsSchema *s = x->s;

  if (!schema_array (x, "allOf", &s->all_of, &s->n_all_of) ||
      !schema_array (x, "anyOf", &s->any_of, &s->n_any_of) ||
      !schema_array (x, "oneOf", &s->one_of, &s->n_one_of) || !single (x, "not", &s->not_schema))
    return FALSE;
  if (member (x, "if") != NULL)
    if (!single (x, "if", &s->if_schema) || !single (x, "then", &s->then_schema) ||
        !single (x, "else", &s->else_schema))
      return FALSE;
  return compile_properties (x) && compile_items (x, dialect) &&
         compile_dependents (x, "dependencies", TRUE, TRUE);
}

static gboolean
compile_validation (Ctx *x)
{
  DgJsSchema *s = x->s;
  JsonNode *node;

  if (!compile_type (x) || !compile_enum (x))
    return FALSE;
  if ((node = member (x, "const")) != NULL)
    {
      s->const_value = node;
      s->keywords |= DG_JS_K_CONST;
    }
  if (!number (x, "multipleOf", DG_JS_K_MULTIPLE_OF, &s->multiple_of) ||
      !number (x, "minimum", DG_JS_K_MINIMUM, &s->minimum) ||
      !number (x, "maximum", DG_JS_K_MAXIMUM, &s->maximum))
    return FALSE;
  if ((s->keywords & DG_JS_K_MULTIPLE_OF) &&
      (dg_js_num_compare (&s->multiple_of, &(DgJsNum){ TRUE, 0, 0 }) <= 0 ||
       !dg_js_num_to_decimal (&s->multiple_of, &s->multiple_of_decimal)))
    return invalid (x, "multipleOf", "a number greater than 0");
  /* draft 4 had boolean exclusiveMinimum/Maximum modifying minimum/maximum */
  if ((node = member (x, "exclusiveMinimum")) != NULL && !is_boolean (node) &&
      !number (x, "exclusiveMinimum", DG_JS_K_EXCL_MINIMUM, &s->exclusive_minimum))
    return FALSE;
  if ((node = member (x, "exclusiveMaximum")) != NULL && !is_boolean (node) &&
      !number (x, "exclusiveMaximum", DG_JS_K_EXCL_MAXIMUM, &s->exclusive_maximum))
    return FALSE;
  if (!count (x, "minLength", DG_JS_K_MIN_LENGTH, &s->min_length) ||
      !count (x, "maxLength", DG_JS_K_MAX_LENGTH, &s->max_length) ||
      !count (x, "minItems", DG_JS_K_MIN_ITEMS, &s->min_items) ||
      !count (x, "maxItems", DG_JS_K_MAX_ITEMS, &s->max_items) ||
      !count (x, "minContains", DG_JS_K_MIN_CONTAINS, &s->min_contains) ||
      !count (x, "maxContains", DG_JS_K_MAX_CONTAINS, &s->max_contains) ||
      !count (x, "minProperties", DG_JS_K_MIN_PROPERTIES, &s->min_properties) ||
      !count (x, "maxProperties", DG_JS_K_MAX_PROPERTIES, &s->max_properties))
    return FALSE;
  if ((node = member (x, "uniqueItems")) != NULL)
    {
      if (!is_boolean (node))
        return invalid (x, "uniqueItems", "a boolean");
      if (json_node_get_boolean (node))
        s->keywords |= DG_JS_K_UNIQUE_ITEMS;
    }
  if ((node = member (x, "pattern")) != NULL)
    {
      if (!is_string (node))
        return invalid (x, "pattern", "a string");
      s->pattern = g_new0 (DgJsPattern, 1);
      if (!pattern (x, "pattern", json_node_get_string (node), s->pattern))
        return FALSE;
    }
  if ((node = member (x, "required")) != NULL &&
      !string_array (x, "required", node, &s->required, &s->n_required))
    return FALSE;
  return compile_dependents (x, "dependentRequired", TRUE, FALSE);
}

static gboolean
compile_refs (Ctx *x, DgJsDialect dialect)
{
  JsonNode *node;
  DgJsNodeInfo fallback = { 0 };
  gboolean ok = TRUE;

  if ((node = member (x, "$ref")) != NULL)
    {
      JsonNode *target;

      if (!is_string (node))
        return invalid (x, "$ref", "a string");
      target = dg_js_compiler_resolve (x->c, json_node_get_string (node), x->info, "$ref",
                                       &fallback, NULL);
      ok = target != NULL &&
           (x->s->ref = dg_js_compiler_get_schema (x->c, target, &fallback)) != NULL;
      g_free (fallback.location);
      fallback.location = NULL;
    }
  if (ok && dialect == DG_JS_DIALECT_2020_12 && (node = member (x, "$dynamicRef")) != NULL)
    {
      g_autofree char *fragment = NULL;
      JsonNode *target, *anchor;

      if (!is_string (node))
        return invalid (x, "$dynamicRef", "a string");
      target = dg_js_compiler_resolve (x->c, json_node_get_string (node), x->info, "$dynamicRef",
                                       &fallback, &fragment);
      ok = target != NULL &&
           (x->s->dynamic_ref = dg_js_compiler_get_schema (x->c, target, &fallback)) != NULL;
      g_free (fallback.location);
      /* It resolves dynamically only when it lands on a matching $dynamicAnchor. */
      if (ok && fragment[0] != '\0' && fragment[0] != '/' && JSON_NODE_HOLDS_OBJECT (target) &&
          (anchor = json_object_get_member (json_node_get_object (target), "$dynamicAnchor")) !=
              NULL &&
          is_string (anchor) && g_str_equal (json_node_get_string (anchor), fragment))
        {
          x->s->dynamic_anchor = g_strdup (fragment);
          g_hash_table_add (x->c->dynamic_names, g_strdup (fragment));
        }
    }
  return ok;
}

/* Marks the properties that are also required, for the counting check of eval-object. */
static void
link_required (DgJsSchema *s)
{
  guint distinct = 0;

  if (s->n_required == 0 || s->properties_index == NULL)
    return;
  for (guint i = 0; i < s->n_required; i++)
    {
      DgJsProp *p = g_hash_table_lookup (s->properties_index, s->required[i]);

      if (p == NULL)
        {
          for (guint j = 0; j < s->n_properties; j++)
            s->properties[j].required = FALSE;
          return;
        }
      if (!p->required)
        distinct++;
      p->required = TRUE;
    }
  s->n_required_in_properties = distinct;
}

void
dg_js_compile_node (DgJsCompiler *c, JsonNode *node, DgJsSchema *s)
{
  Ctx x = { c, g_hash_table_lookup (c->info, node), NULL, s };
  DgJsResource *r = x.info->resource;
  JsonNode *format;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      s->is_bool = TRUE;
      s->bool_value = json_node_get_boolean (node);
      return;
    }
  x.object = json_node_get_object (node);

  if (!compile_refs (&x, r->dialect))
    return;
  if (r->dialect == DG_JS_DIALECT_DRAFT7 && s->ref != NULL)
    return; /* before 2019-09, $ref hides its siblings */

  if ((r->vocab & DG_JS_VOCAB_APPLICATOR) && !compile_applicators (&x, r->dialect))
    return;
  if (r->vocab & DG_JS_VOCAB_UNEVALUATED)
    {
      if (!single (&x, "unevaluatedProperties", &s->unevaluated_properties) ||
          !single (&x, "unevaluatedItems", &s->unevaluated_items))
        return;
      s->collects = s->unevaluated_properties != NULL || s->unevaluated_items != NULL;
    }
  if ((r->vocab & DG_JS_VOCAB_VALIDATION) && !compile_validation (&x))
    return;
  link_required (s);

  format = member (&x, "format");
  if (format != NULL && is_string (format))
    {
      s->format_name = json_node_get_string (format);
      s->format = dg_js_format_lookup (s->format_name);
      s->format_assert = s->format != NULL && ((c->flags & DG_JSON_SCHEMA_FORMAT_ASSERT) ||
                                               (r->vocab & DG_JS_VOCAB_FORMAT_ASSERTION));
    }
}
