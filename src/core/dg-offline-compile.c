/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-offline"

#include "config.h"

#include <math.h>
#include <string.h>

#include "dg-offline-compiler.h"

/* Base URI of a schema without $id, so that relative references resolve. */
#define DEFAULT_BASE "https://dg-offline.invalid/schema.json"
#define MAX_COMPILE_DEPTH 200
#define MAX_ALTERNATIVES 64

static const char in_progress_marker;
#define IN_PROGRESS ((gpointer) &in_progress_marker)

static const char *const single_schema_keywords[] = {
  "items",
  "additionalProperties",
  "unevaluatedProperties",
  "unevaluatedItems",
  "contains",
  "propertyNames",
  "not",
  "if",
  "then",
  "else",
  "additionalItems",
  NULL,
};
static const char *const array_schema_keywords[] = {
  "allOf", "anyOf", "oneOf", "prefixItems", "items", NULL,
};
static const char *const map_schema_keywords[] = {
  "$defs", "definitions", "properties", "patternProperties", "dependentSchemas", NULL,
};

static const char *
where (const char *pointer)
{
  return (pointer == NULL || *pointer == '\0') ? "the schema root" : pointer;
}

gboolean
dg_compiler_fail (GError **error, DgOfflineError code, const char *pointer, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, DG_OFFLINE_ERROR, code, "%s at %s", message, where (pointer));
  return FALSE;
}

const char *
dg_compiler_pointer_append (DgOfflineGenerator *gen, const char *pointer, const char *token)
{
  GString *s = g_string_new (pointer);
  const char *result;

  g_string_append_c (s, '/');
  for (const char *p = token; *p; p++)
    {
      if (*p == '~')
        g_string_append (s, "~0");
      else if (*p == '/')
        g_string_append (s, "~1");
      else
        g_string_append_c (s, *p);
    }
  result = dg_arena_str (gen, s->str);
  g_string_free (s, TRUE);
  return result;
}

static const char *
pointer_index (DgOfflineGenerator *gen, const char *pointer, guint index)
{
  char buf[16];

  g_snprintf (buf, sizeof buf, "%u", index);
  return dg_compiler_pointer_append (gen, pointer, buf);
}

static const char *
strip_fragment (DgOfflineGenerator *gen, const char *uri)
{
  const char *hash = strchr (uri, '#');
  g_autofree char *copy = NULL;

  if (hash == NULL)
    return dg_arena_str (gen, uri);
  copy = g_strndup (uri, hash - uri);
  return dg_arena_str (gen, copy);
}

/* Records the JSON Pointer and base URI of every subschema, and every $id and $anchor. */
static void
walk (Compiler *c, JsonNode *node, const char *pointer, const char *base)
{
  JsonObject *obj;
  const char *id;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    {
      g_hash_table_insert (c->pointers, node, (gpointer) pointer);
      g_hash_table_insert (c->bases, node, (gpointer) base);
      return;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return;
  obj = json_node_get_object (node);
  id = json_object_has_member (obj, "$id") ? json_object_get_string_member (obj, "$id") : NULL;
  if (id != NULL)
    {
      g_autofree char *resolved = g_uri_resolve_relative (base, id, G_URI_FLAGS_NONE, NULL);

      if (resolved != NULL)
        {
          base = strip_fragment (c->gen, resolved);
          if (!g_hash_table_contains (c->resources, base))
            g_hash_table_insert (c->resources, (gpointer) base, node);
        }
    }
  g_hash_table_insert (c->pointers, node, (gpointer) pointer);
  g_hash_table_insert (c->bases, node, (gpointer) base);

  for (guint k = 0; k < 2; k++)
    {
      const char *kw = k == 0 ? "$anchor" : "$dynamicAnchor";
      JsonNode *anchor = json_object_get_member (obj, kw);

      if (anchor != NULL && JSON_NODE_HOLDS_VALUE (anchor) &&
          json_node_get_value_type (anchor) == G_TYPE_STRING)
        {
          g_autofree char *key = g_strdup_printf ("%s#%s", base, json_node_get_string (anchor));
          const char *stored = dg_arena_str (c->gen, key);

          if (!g_hash_table_contains (c->anchors, stored))
            g_hash_table_insert (c->anchors, (gpointer) stored, node);
        }
    }

  for (guint i = 0; single_schema_keywords[i]; i++)
    {
      JsonNode *child = json_object_get_member (obj, single_schema_keywords[i]);
      if (child != NULL)
        walk (c, child, dg_compiler_pointer_append (c->gen, pointer, single_schema_keywords[i]),
              base);
    }
  for (guint i = 0; array_schema_keywords[i]; i++)
    {
      JsonNode *child = json_object_get_member (obj, array_schema_keywords[i]);
      const char *kp;
      JsonArray *array;

      if (child == NULL || !JSON_NODE_HOLDS_ARRAY (child))
        continue;
      kp = dg_compiler_pointer_append (c->gen, pointer, array_schema_keywords[i]);
      array = json_node_get_array (child);
      for (guint j = 0; j < json_array_get_length (array); j++)
        walk (c, json_array_get_element (array, j), pointer_index (c->gen, kp, j), base);
    }
  for (guint i = 0; map_schema_keywords[i]; i++)
    {
      JsonNode *child = json_object_get_member (obj, map_schema_keywords[i]);
      const char *kp;
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      if (child == NULL || !JSON_NODE_HOLDS_OBJECT (child))
        continue;
      kp = dg_compiler_pointer_append (c->gen, pointer, map_schema_keywords[i]);
      json_object_iter_init (&iter, json_node_get_object (child));
      while (json_object_iter_next (&iter, &name, &member))
        walk (c, member, dg_compiler_pointer_append (c->gen, kp, name), base);
    }
}

static const char *
pointer_of (Compiler *c, JsonNode *node)
{
  const char *p = g_hash_table_lookup (c->pointers, node);
  return p != NULL ? p : "";
}

static JsonNode *
follow_pointer (JsonNode *node, const char *fragment)
{
  g_auto (GStrv) tokens = g_strsplit (fragment + 1, "/", -1);

  for (guint i = 0; tokens[i] != NULL && node != NULL; i++)
    {
      g_autofree char *token = NULL;
      GString *t = g_string_new (NULL);

      for (const char *p = tokens[i]; *p; p++)
        {
          if (p[0] == '~' && p[1] == '1')
            g_string_append_c (t, '/'), p++;
          else if (p[0] == '~' && p[1] == '0')
            g_string_append_c (t, '~'), p++;
          else
            g_string_append_c (t, *p);
        }
      token = g_string_free (t, FALSE);
      if (JSON_NODE_HOLDS_OBJECT (node))
        node = json_object_get_member (json_node_get_object (node), token);
      else if (JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *array = json_node_get_array (node);
          char *end = NULL;
          guint64 index = g_ascii_strtoull (token, &end, 10);

          if (*token == '\0' || *end != '\0' || index >= json_array_get_length (array))
            return NULL;
          node = json_array_get_element (array, (guint) index);
        }
      else
        return NULL;
    }
  return node;
}

static JsonNode *
resolve_ref (Compiler *c, JsonNode *at, const char *ref, const char *pointer, GError **error)
{
  const char *base = g_hash_table_lookup (c->bases, at);
  g_autofree char *resolved = NULL;
  g_autofree char *fragment = NULL;
  const char *hash;
  const char *resource_uri;
  JsonNode *resource;
  JsonNode *target;

  resolved =
      g_uri_resolve_relative (base != NULL ? base : DEFAULT_BASE, ref, G_URI_FLAGS_NONE, NULL);
  if (resolved == NULL)
    {
      dg_compiler_fail (error, DG_OFFLINE_ERROR_INVALID_SCHEMA, pointer,
                        "$ref \"%s\" is not a valid URI", ref);
      return NULL;
    }
  hash = strchr (resolved, '#');
  resource_uri = strip_fragment (c->gen, resolved);
  if (hash != NULL)
    fragment = g_uri_unescape_string (hash + 1, NULL);
  resource = g_hash_table_lookup (c->resources, resource_uri);
  if (resource == NULL)
    {
      dg_compiler_fail (
          error, DG_OFFLINE_ERROR_UNSUPPORTED, pointer,
          "$ref \"%s\" points outside this schema; only references within the schema are "
          "supported",
          ref);
      return NULL;
    }
  if (fragment == NULL || *fragment == '\0')
    return resource;
  if (fragment[0] == '/')
    target = follow_pointer (resource, fragment);
  else
    {
      g_autofree char *key = g_strdup_printf ("%s#%s", resource_uri, fragment);
      target = g_hash_table_lookup (c->anchors, key);
    }
  if (target == NULL)
    dg_compiler_fail (error, DG_OFFLINE_ERROR_INVALID_SCHEMA, pointer,
                      "$ref \"%s\" does not resolve", ref);
  return target;
}

static DgPlan *
alternatives (Compiler *c, GPtrArray *plans, const char *pointer, GError **error)
{
  DgPlan *result;
  const char *reason = NULL;
  g_autoptr (GPtrArray) alts = g_ptr_array_new ();

  for (guint i = 0; i < plans->len; i++)
    {
      DgPlan *p = dg_plan_deref (plans->pdata[i]);

      if (p->kind == DG_PLAN_EMPTY)
        reason = reason != NULL ? reason : p->empty_reason;
      else if (p->kind == DG_PLAN_ALTS)
        g_ptr_array_extend (alts, p->alts, NULL, NULL);
      else
        g_ptr_array_add (alts, p);
    }
  if (alts->len > MAX_ALTERNATIVES)
    {
      dg_compiler_fail (error, DG_OFFLINE_ERROR_UNSUPPORTED, pointer,
                        "the combination of anyOf/oneOf/if branches has more than %d alternatives",
                        MAX_ALTERNATIVES);
      return NULL;
    }
  if (alts->len == 0)
    return dg_plan_new_empty (c->gen, pointer,
                              reason != NULL ? reason : "no alternative can be satisfied");
  if (alts->len == 1)
    return alts->pdata[0];
  result = dg_plan_new (c->gen, DG_PLAN_ALTS, pointer);
  result->alts = dg_arena_ptr_array (c->gen);
  g_ptr_array_extend (result->alts, alts, NULL, NULL);
  return result;
}

/* Returns a copy of @plan (each alternative, if any) with an extra check attached. */
static DgPlan *
with_check (Compiler *c, DgPlan *plan, gboolean is_not, gpointer check)
{
  DgPlan *copy;

  plan = dg_plan_deref (plan);
  if (plan->kind == DG_PLAN_EMPTY)
    return plan;
  if (plan->kind == DG_PLAN_ALTS)
    {
      copy = dg_plan_copy (c->gen, plan);
      for (guint i = 0; i < copy->alts->len; i++)
        copy->alts->pdata[i] = with_check (c, copy->alts->pdata[i], is_not, check);
      return copy;
    }
  copy = dg_plan_copy (c->gen, plan);
  /* an unresolved recursive reference keeps its checks and is resolved with the others */
  if (copy->kind == DG_PLAN_REF && copy->target == NULL)
    g_ptr_array_add (c->refs, copy);
  if (is_not)
    {
      if (copy->nots == NULL)
        copy->nots = dg_arena_ptr_array (c->gen);
      g_ptr_array_add (copy->nots, check);
    }
  else
    {
      if (copy->one_ofs == NULL)
        copy->one_ofs = dg_arena_ptr_array (c->gen);
      g_ptr_array_add (copy->one_ofs, check);
    }
  return copy->kind == DG_PLAN_SIMPLE ? dg_plan_settle (c->gen, copy, NULL) : copy;
}

/* A copy of @plan where the object property @name is required (or forbidden). */
static DgPlan *
with_property (Compiler *c, DgPlan *plan, const char *name, gboolean required, GError **error)
{
  DgPlan *copy;
  DgProp *prop;

  plan = dg_plan_deref (plan);
  if (plan->kind == DG_PLAN_EMPTY)
    return plan;
  if (plan->kind == DG_PLAN_REF)
    {
      dg_compiler_fail (error, DG_OFFLINE_ERROR_UNSUPPORTED, plan->pointer,
                        "dependentSchemas on a recursive $ref is not supported");
      return NULL;
    }
  copy = dg_plan_copy (c->gen, plan);
  if (plan->kind == DG_PLAN_ALTS)
    {
      for (guint i = 0; i < copy->alts->len; i++)
        if ((copy->alts->pdata[i] =
                 with_property (c, copy->alts->pdata[i], name, required, error)) == NULL)
          return NULL;
      return alternatives (c, copy->alts, plan->pointer, error);
    }
  if (copy->props == NULL)
    copy->props = dg_arena_array (c->gen, sizeof (DgProp));
  prop = dg_compiler_find_prop (copy, name);
  if (prop == NULL && (prop = dg_compiler_add_implicit_prop (c, copy, name, error)) == NULL)
    return NULL;
  if (required)
    prop->required = TRUE;
  else
    prop->plan = dg_plan_new_empty (c->gen, plan->pointer, "property is forbidden");
  return dg_plan_settle (c->gen, copy, error);
}

static DgPlan *
compile_list (Compiler *c, JsonObject *obj, const char *keyword, const char *pointer,
              GPtrArray *out, GError **error)
{
  JsonNode *node = json_object_get_member (obj, keyword);
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (json_node_get_array (node)) == 0)
    {
      dg_compiler_fail (error, DG_OFFLINE_ERROR_INVALID_SCHEMA, pointer,
                        "\"%s\" must be a non-empty array of schemas", keyword);
      return NULL;
    }
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      DgPlan *p = dg_compiler_compile (c, json_array_get_element (array, i), error);
      if (p == NULL)
        return NULL;
      g_ptr_array_add (out, p);
    }
  return c->gen->any;
}

static DgPlan *
apply_unevaluated (Compiler *c, DgPlan *plan, DgPlan *props, DgPlan *items, GError **error)
{
  DgPlan *copy;

  plan = dg_plan_deref (plan);
  if (plan->kind == DG_PLAN_EMPTY || plan->kind == DG_PLAN_REF)
    return plan;
  copy = dg_plan_copy (c->gen, plan);
  if (plan->kind == DG_PLAN_ALTS)
    {
      for (guint i = 0; i < copy->alts->len; i++)
        if ((copy->alts->pdata[i] =
                 apply_unevaluated (c, copy->alts->pdata[i], props, items, error)) == NULL)
          return NULL;
      return copy;
    }
  /* Approximation: what no other keyword evaluates falls to additionalProperties / items. */
  if (props != NULL && copy->additional == NULL && copy->pattern_props == NULL)
    copy->additional = props;
  for (guint i = 0; props != NULL && copy->props != NULL && i < copy->props->len; i++)
    {
      DgProp *prop = &g_array_index (copy->props, DgProp, i);

      if (!prop->evaluated &&
          (prop->plan = dg_plan_merge (c->gen, prop->plan, props, error)) == NULL)
        return NULL;
    }
  if (items != NULL && copy->items == NULL)
    copy->items = items;
  return dg_plan_settle (c->gen, copy, NULL);
}

static DgPlan *
compile_uncached (Compiler *c, JsonNode *node, GError **error)
{
  const char *pointer = pointer_of (c, node);
  JsonObject *obj;
  DgPlan *result;
  JsonNode *member;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (node)
               ? c->gen->any
               : dg_plan_new_empty (c->gen, pointer, "the schema is false");
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      dg_compiler_fail (error, DG_OFFLINE_ERROR_INVALID_SCHEMA, pointer,
                        "a schema must be an object or a boolean");
      return NULL;
    }
  obj = json_node_get_object (node);
  if (json_object_has_member (obj, "$dynamicRef"))
    {
      dg_compiler_fail (error, DG_OFFLINE_ERROR_UNSUPPORTED, pointer,
                        "$dynamicRef is not supported");
      return NULL;
    }
  if ((result = dg_compiler_keywords (c, node, pointer, error)) == NULL)
    return NULL;

  if ((member = json_object_get_member (obj, "$ref")) != NULL)
    {
      JsonNode *target;
      DgPlan *target_plan;

      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING)
        {
          dg_compiler_fail (error, DG_OFFLINE_ERROR_INVALID_SCHEMA, pointer,
                            "\"$ref\" must be a string");
          return NULL;
        }
      if ((target = resolve_ref (c, node, json_node_get_string (member), pointer, error)) == NULL ||
          (target_plan = dg_compiler_compile (c, target, error)) == NULL ||
          (result = dg_plan_merge (c->gen, result, target_plan, error)) == NULL)
        return NULL;
    }
  if (json_object_has_member (obj, "allOf"))
    {
      g_autoptr (GPtrArray) all = g_ptr_array_new ();

      if (compile_list (c, obj, "allOf", pointer, all, error) == NULL)
        return NULL;
      for (guint i = 0; i < all->len; i++)
        if ((result = dg_plan_merge (c->gen, result, all->pdata[i], error)) == NULL)
          return NULL;
    }
  if (json_object_has_member (obj, "anyOf"))
    {
      g_autoptr (GPtrArray) branches = g_ptr_array_new ();

      if (compile_list (c, obj, "anyOf", pointer, branches, error) == NULL)
        return NULL;
      for (guint i = 0; i < branches->len; i++)
        if ((branches->pdata[i] = dg_plan_merge (c->gen, result, branches->pdata[i], error)) ==
            NULL)
          return NULL;
      if ((result = alternatives (c, branches, pointer, error)) == NULL)
        return NULL;
    }
  if (json_object_has_member (obj, "oneOf"))
    {
      GPtrArray *branches = dg_arena_ptr_array (c->gen);
      g_autoptr (GPtrArray) merged = g_ptr_array_new ();

      if (compile_list (c, obj, "oneOf", pointer, branches, error) == NULL)
        return NULL;
      for (guint i = 0; i < branches->len; i++)
        {
          DgPlan *m = dg_plan_merge (c->gen, result, branches->pdata[i], error);
          if (m == NULL)
            return NULL;
          if (branches->len > 1)
            m = with_check (c, m, FALSE, branches);
          g_ptr_array_add (merged, m);
        }
      if ((result = alternatives (c, merged, pointer, error)) == NULL)
        return NULL;
    }
  if ((member = json_object_get_member (obj, "not")) != NULL)
    {
      DgPlan *not = dg_compiler_compile (c, member, error);
      if (not == NULL)
        return NULL;
      result = with_check (c, result, TRUE, not );
    }
  if ((member = json_object_get_member (obj, "if")) != NULL &&
      (json_object_has_member (obj, "then") || json_object_has_member (obj, "else")))
    {
      JsonNode *then_node = json_object_get_member (obj, "then");
      JsonNode *else_node = json_object_get_member (obj, "else");
      DgPlan *if_plan = dg_compiler_compile (c, member, error);
      DgPlan *then_plan = NULL;
      DgPlan *else_plan = NULL;
      g_autoptr (GPtrArray) both = g_ptr_array_new ();
      DgPlan *alt;

      if (if_plan == NULL ||
          (then_node != NULL && (then_plan = dg_compiler_compile (c, then_node, error)) == NULL) ||
          (else_node != NULL && (else_plan = dg_compiler_compile (c, else_node, error)) == NULL))
        return NULL;
      if ((alt = dg_plan_merge (c->gen, result, if_plan, error)) == NULL ||
          (then_plan != NULL && (alt = dg_plan_merge (c->gen, alt, then_plan, error)) == NULL))
        return NULL;
      g_ptr_array_add (both, alt);
      alt = result;
      if (else_plan != NULL && (alt = dg_plan_merge (c->gen, alt, else_plan, error)) == NULL)
        return NULL;
      g_ptr_array_add (both, with_check (c, alt, TRUE, if_plan));
      if ((result = alternatives (c, both, pointer, error)) == NULL)
        return NULL;
    }
  if ((member = json_object_get_member (obj, "dependentSchemas")) != NULL &&
      JSON_NODE_HOLDS_OBJECT (member))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *schema;

      json_object_iter_init_ordered (&iter, json_node_get_object (member));
      while (json_object_iter_next_ordered (&iter, &name, &schema))
        {
          g_autoptr (GPtrArray) both = g_ptr_array_new ();
          DgPlan *dep = dg_compiler_compile (c, schema, error);
          DgPlan *present;
          DgPlan *absent;

          if (dep == NULL || (present = with_property (c, result, name, TRUE, error)) == NULL ||
              (present = dg_plan_merge (c->gen, present, dep, error)) == NULL ||
              (absent = with_property (c, result, name, FALSE, error)) == NULL)
            return NULL;
          g_ptr_array_add (both, absent);
          g_ptr_array_add (both, present);
          if ((result = alternatives (c, both, pointer, error)) == NULL)
            return NULL;
        }
    }
  {
    JsonNode *up = json_object_get_member (obj, "unevaluatedProperties");
    JsonNode *ui = json_object_get_member (obj, "unevaluatedItems");
    DgPlan *up_plan = NULL;
    DgPlan *ui_plan = NULL;

    if ((up != NULL && (up_plan = dg_compiler_compile (c, up, error)) == NULL) ||
        (ui != NULL && (ui_plan = dg_compiler_compile (c, ui, error)) == NULL))
      return NULL;
    if (up_plan != NULL || ui_plan != NULL)
      result = apply_unevaluated (c, result, up_plan, ui_plan, error);
  }
  return result;
}

DgPlan *
dg_compiler_compile (Compiler *c, JsonNode *node, GError **error)
{
  gpointer cached = g_hash_table_lookup (c->memo, node);
  DgPlan *plan;

  if (cached == IN_PROGRESS)
    {
      plan = dg_plan_new (c->gen, DG_PLAN_REF, pointer_of (c, node));
      plan->target_schema = node;
      g_ptr_array_add (c->refs, plan);
      return plan;
    }
  if (cached != NULL)
    return cached;
  if (c->depth >= MAX_COMPILE_DEPTH)
    {
      dg_compiler_fail (error, DG_OFFLINE_ERROR_UNSUPPORTED, pointer_of (c, node),
                        "the schema is nested too deeply");
      return NULL;
    }
  g_hash_table_insert (c->memo, node, IN_PROGRESS);
  c->depth++;
  plan = compile_uncached (c, node, error);
  c->depth--;
  if (plan == NULL)
    {
      g_hash_table_remove (c->memo, node);
      return NULL;
    }
  g_hash_table_insert (c->memo, node, plan);
  return plan;
}

/**
 * dg_offline_compile:
 *
 * Turns @schema into a settled plan owned by @gen. Recursive references
 * stay as REF plans pointing at their (finished) targets.
 */
DgPlan *
dg_offline_compile (DgOfflineGenerator *gen, JsonNode *schema, GError **error)
{
  Compiler c = { 0 };
  DgPlan *root;

  c.gen = gen;
  c.pointers = g_hash_table_new (NULL, NULL);
  c.bases = g_hash_table_new (NULL, NULL);
  c.resources = g_hash_table_new (g_str_hash, g_str_equal);
  c.anchors = g_hash_table_new (g_str_hash, g_str_equal);
  c.memo = g_hash_table_new (NULL, NULL);
  c.refs = g_ptr_array_new ();

  g_hash_table_insert (c.resources, (gpointer) DEFAULT_BASE, schema);
  walk (&c, schema, dg_arena_str (gen, ""), DEFAULT_BASE);
  root = dg_compiler_compile (&c, schema, error);
  for (guint i = 0; root != NULL && i < c.refs->len; i++)
    {
      DgPlan *ref = c.refs->pdata[i];
      DgPlan *target = g_hash_table_lookup (c.memo, ref->target_schema);

      g_assert (target != NULL && target != IN_PROGRESS);
      ref->target = target;
    }

  g_hash_table_unref (c.pointers);
  g_hash_table_unref (c.bases);
  g_hash_table_unref (c.resources);
  g_hash_table_unref (c.anchors);
  g_hash_table_unref (c.memo);
  g_ptr_array_unref (c.refs);
  return root;
}
