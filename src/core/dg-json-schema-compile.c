/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-json-schema"

#include "config.h"

#include <math.h>
#include <string.h>

#include "dg-json-copy.h"
#include "dg-json-schema-compiler.h"

/*
 * Compilation, in three steps:
 *
 * 1. Every document (the schema, then any document a $ref or $schema names: built-in
 *    meta-schemas first, then the caller's resolver) is scanned once through the keywords
 *    that hold subschemas, recording each subschema's resource and base URI, every $id
 *    (a new resource) and every $anchor/$dynamicAnchor. $id inside enum, const or an
 *    unknown keyword is data, not an identifier, so those are never scanned.
 * 2. Subschemas are compiled into DgJsSchema with a work queue, not recursion: a $ref
 *    gets the target's (possibly still empty) DgJsSchema, so reference cycles are just
 *    pointer cycles and long $ref chains cannot exhaust the stack.
 * 3. Checks that need the whole graph: $dynamicAnchor targets are compiled, and chains of
 *    in-place applicators ($ref, allOf, …) that lead back to themselves without consuming
 *    any part of the value are rejected, since they could never finish.
 */

#define DEFAULT_BASE_URI "urn:x-datagems:schema"

gboolean
dg_js_compiler_fail (DgJsCompiler *c, const char *location, DgJsonSchemaError code,
                     const char *keyword, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (c->error != NULL)
    return FALSE;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  c->error_location = g_strdup_printf ("%s%s%s", location != NULL ? location : "",
                                       keyword != NULL ? "/" : "", keyword != NULL ? keyword : "");
  g_set_error (&c->error, DG_JSON_SCHEMA_ERROR, code, "%s%s%s", message,
               c->error_location[0] != '\0' ? " at " : "",
               c->error_location[0] != '\0' ? c->error_location : "");
  return FALSE;
}

static void
node_info_free (gpointer data)
{
  DgJsNodeInfo *info = data;

  g_free (info->location);
  g_free (info);
}

static char *
child_location (const char *parent, const char *keyword, const char *name, int index)
{
  g_autofree char *k = dg_js_pointer_escape (keyword);

  if (name != NULL)
    {
      g_autofree char *n = dg_js_pointer_escape (name);

      return g_strdup_printf ("%s/%s/%s", parent, k, n);
    }
  if (index >= 0)
    return g_strdup_printf ("%s/%s/%d", parent, k, index);
  return g_strdup_printf ("%s/%s", parent, k);
}

/* ---- resources and vocabularies ---- */

static DgJsResource *
resource_new (DgJsCompiler *c, const char *uri, JsonNode *node, DgJsResource *parent)
{
  DgJsResource *r = g_new0 (DgJsResource, 1);

  r->uri = g_strdup (uri);
  r->node = node;
  r->anchors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  r->dynamic_nodes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  r->vocab = parent != NULL ? parent->vocab : DG_JS_VOCAB_ALL;
  r->dialect = parent != NULL ? parent->dialect : DG_JS_DIALECT_2020_12;
  g_ptr_array_add (c->result->resources, r);
  if (!g_hash_table_contains (c->resources, uri))
    g_hash_table_insert (c->resources, g_strdup (uri), r);
  return r;
}

static gboolean add_document (DgJsCompiler *c, JsonNode *document, const char *uri);

/* The document with absolute URI @uri (no fragment): known, built in, or resolved. */
static DgJsResource *
find_resource (DgJsCompiler *c, const char *uri)
{
  DgJsResource *r = g_hash_table_lookup (c->resources, uri);
  g_autoptr (JsonNode) document = NULL;
  g_autoptr (GError) error = NULL;

  if (r != NULL)
    return r;
  document = dg_js_builtin_document (uri);
  if (document == NULL && c->resolver != NULL)
    {
      document = c->resolver (uri, c->user_data, &error);
      if (document == NULL && error != NULL)
        {
          dg_js_compiler_fail (c, NULL, DG_JSON_SCHEMA_ERROR_REF, NULL, "cannot load “%s”: %s", uri,
                               error->message);
          return NULL;
        }
    }
  if (document == NULL)
    return NULL;
  if (!add_document (c, document, uri))
    return NULL;
  return g_hash_table_lookup (c->resources, uri);
}

static const char *const known_vocabularies[] = {
  "https://json-schema.org/draft/2020-12/vocab/core",
  "https://json-schema.org/draft/2020-12/vocab/applicator",
  "https://json-schema.org/draft/2020-12/vocab/unevaluated",
  "https://json-schema.org/draft/2020-12/vocab/validation",
  "https://json-schema.org/draft/2020-12/vocab/meta-data",
  "https://json-schema.org/draft/2020-12/vocab/format-annotation",
  "https://json-schema.org/draft/2020-12/vocab/format-assertion",
  "https://json-schema.org/draft/2020-12/vocab/content",
};

/* Sets @r's vocabularies and dialect from the meta-schema @uri ($schema). */
static gboolean
apply_metaschema (DgJsCompiler *c, DgJsResource *r, const char *schema_uri, const char *location,
                  guint nesting)
{
  g_autofree char *uri = dg_js_uri_strip_fragment (schema_uri, NULL);
  DgJsResource *meta;
  JsonObject *object;
  JsonNode *vocabulary;

  if (g_str_equal (uri, "https://json-schema.org/draft/2020-12/schema"))
    {
      r->vocab = DG_JS_VOCAB_ALL;
      r->dialect = DG_JS_DIALECT_2020_12;
      return TRUE;
    }
  if (g_str_equal (uri, "https://json-schema.org/draft/2019-09/schema"))
    {
      r->vocab = DG_JS_VOCAB_ALL;
      r->dialect = DG_JS_DIALECT_2019_09;
      return TRUE;
    }
  if (g_str_has_prefix (uri, "http://json-schema.org/draft-0"))
    {
      r->vocab = DG_JS_VOCAB_ALL & ~DG_JS_VOCAB_UNEVALUATED;
      r->dialect = DG_JS_DIALECT_DRAFT7;
      return TRUE;
    }
  if (nesting > 8)
    return dg_js_compiler_fail (c, location, DG_JSON_SCHEMA_ERROR_REF, "$schema",
                                "meta-schemas name each other in a loop");
  meta = find_resource (c, uri);
  if (meta == NULL)
    return dg_js_compiler_fail (c, location, DG_JSON_SCHEMA_ERROR_REF, "$schema",
                                "unknown meta-schema “%s”", schema_uri);
  if (!JSON_NODE_HOLDS_OBJECT (meta->node))
    return dg_js_compiler_fail (c, location, DG_JSON_SCHEMA_ERROR_REF, "$schema",
                                "meta-schema “%s” is not an object", schema_uri);
  object = json_node_get_object (meta->node);
  if (json_object_has_member (object, "$schema") &&
      JSON_NODE_HOLDS_VALUE (json_object_get_member (object, "$schema")) &&
      json_object_get_string_member (object, "$schema") != NULL &&
      !apply_metaschema (c, r, json_object_get_string_member (object, "$schema"), location,
                         nesting + 1))
    return FALSE;
  vocabulary = json_object_get_member (object, "$vocabulary");
  if (vocabulary != NULL && JSON_NODE_HOLDS_OBJECT (vocabulary))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *required;

      r->vocab = 0;
      json_object_iter_init (&iter, json_node_get_object (vocabulary));
      while (json_object_iter_next (&iter, &name, &required))
        {
          gboolean known = FALSE;

          for (gsize i = 0; i < G_N_ELEMENTS (known_vocabularies); i++)
            known |= g_str_equal (name, known_vocabularies[i]);
          if (g_str_has_suffix (name, "/vocab/applicator"))
            r->vocab |= DG_JS_VOCAB_APPLICATOR;
          else if (g_str_has_suffix (name, "/vocab/unevaluated"))
            r->vocab |= DG_JS_VOCAB_UNEVALUATED;
          else if (g_str_has_suffix (name, "/vocab/validation"))
            r->vocab |= DG_JS_VOCAB_VALIDATION;
          else if (g_str_has_suffix (name, "/vocab/format-assertion"))
            r->vocab |= DG_JS_VOCAB_FORMAT_ASSERTION;
          if (!known && JSON_NODE_HOLDS_VALUE (required) && json_node_get_boolean (required))
            return dg_js_compiler_fail (c, location, DG_JSON_SCHEMA_ERROR_VOCABULARY, "$schema",
                                        "meta-schema “%s” requires the unknown vocabulary “%s”",
                                        schema_uri, name);
        }
    }
  return TRUE;
}

/* ---- scanning ---- */

static const char *const single_schema_keywords[] = {
  "additionalProperties",
  "unevaluatedProperties",
  "items",
  "additionalItems",
  "unevaluatedItems",
  "contains",
  "propertyNames",
  "not",
  "if",
  "then",
  "else",
  "contentSchema",
};
static const char *const schema_map_keywords[] = {
  "properties", "patternProperties", "$defs", "dependentSchemas", "dependencies", "definitions",
};
static const char *const schema_array_keywords[] = {
  "allOf", "anyOf", "oneOf", "prefixItems", "items",
};

static gboolean
scan (DgJsCompiler *c, JsonNode *node, const char *base, DgJsResource *resource,
      const char *location, gboolean document_root)
{
  JsonObject *object;
  JsonNode *member;
  DgJsNodeInfo *info;

  if (g_hash_table_contains (c->info, node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      info = g_new0 (DgJsNodeInfo, 1);
      info->resource = resource;
      info->base = base;
      info->location = g_strdup (location);
      g_hash_table_insert (c->info, node, info);
      return TRUE;
    }
  object = json_node_get_object (node);

  member = json_object_get_member (object, "$id");
  if (member != NULL && JSON_NODE_HOLDS_VALUE (member) &&
      json_node_get_value_type (member) == G_TYPE_STRING &&
      resource->dialect != DG_JS_DIALECT_DRAFT7)
    {
      g_autofree char *resolved = dg_js_uri_resolve (base, json_node_get_string (member));
      g_autofree char *fragment = NULL;
      g_autofree char *uri = dg_js_uri_strip_fragment (resolved, &fragment);

      if (fragment[0] != '\0')
        return dg_js_compiler_fail (c, location, DG_JSON_SCHEMA_ERROR_INVALID, "$id",
                                    "$id “%s” must not have a fragment",
                                    json_node_get_string (member));
      if (document_root)
        {
          if (!g_hash_table_contains (c->resources, uri))
            g_hash_table_insert (c->resources, g_strdup (uri), resource);
        }
      else
        resource = resource_new (c, uri, node, resource);
      base = g_string_chunk_insert_const (c->strings, uri);
    }

  member = json_object_get_member (object, "$schema");
  if (member != NULL && JSON_NODE_HOLDS_VALUE (member) &&
      json_node_get_value_type (member) == G_TYPE_STRING &&
      (document_root || resource->node == node))
    if (!apply_metaschema (c, resource, json_node_get_string (member), location, 0))
      return FALSE;

  info = g_new0 (DgJsNodeInfo, 1);
  info->resource = resource;
  info->base = base;
  info->location = g_strdup (location);
  g_hash_table_insert (c->info, node, info);

  for (int i = 0; i < 2; i++)
    {
      const char *keyword = i == 0 ? "$anchor" : "$dynamicAnchor";

      member = json_object_get_member (object, keyword);
      if (member == NULL)
        continue;
      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING)
        return dg_js_compiler_fail (c, location, DG_JSON_SCHEMA_ERROR_INVALID, keyword,
                                    "%s must be a string", keyword);
      if (!g_hash_table_contains (resource->anchors, json_node_get_string (member)))
        g_hash_table_insert (resource->anchors, g_strdup (json_node_get_string (member)), node);
      if (i == 1 && !g_hash_table_contains (resource->dynamic_nodes, json_node_get_string (member)))
        g_hash_table_insert (resource->dynamic_nodes, g_strdup (json_node_get_string (member)),
                             node);
    }

  for (gsize i = 0; i < G_N_ELEMENTS (single_schema_keywords); i++)
    {
      const char *keyword = single_schema_keywords[i];

      member = json_object_get_member (object, keyword);
      if (member != NULL && (JSON_NODE_HOLDS_OBJECT (member) || JSON_NODE_HOLDS_VALUE (member)))
        {
          g_autofree char *loc = child_location (location, keyword, NULL, -1);

          if (!scan (c, member, base, resource, loc, FALSE))
            return FALSE;
        }
    }
  for (gsize i = 0; i < G_N_ELEMENTS (schema_map_keywords); i++)
    {
      const char *keyword = schema_map_keywords[i];
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      member = json_object_get_member (object, keyword);
      if (member == NULL || !JSON_NODE_HOLDS_OBJECT (member))
        continue;
      if (g_str_equal (keyword, "definitions") && resource->dialect != DG_JS_DIALECT_DRAFT7)
        continue;
      json_object_iter_init (&iter, json_node_get_object (member));
      while (json_object_iter_next (&iter, &name, &value))
        {
          g_autofree char *loc = NULL;

          if (!JSON_NODE_HOLDS_OBJECT (value) && !JSON_NODE_HOLDS_VALUE (value))
            continue;
          loc = child_location (location, keyword, name, -1);
          if (!scan (c, value, base, resource, loc, FALSE))
            return FALSE;
        }
    }
  for (gsize i = 0; i < G_N_ELEMENTS (schema_array_keywords); i++)
    {
      const char *keyword = schema_array_keywords[i];
      JsonArray *array;

      member = json_object_get_member (object, keyword);
      if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member))
        continue;
      array = json_node_get_array (member);
      for (guint j = 0; j < json_array_get_length (array); j++)
        {
          g_autofree char *loc = child_location (location, keyword, NULL, j);

          if (!scan (c, json_array_get_element (array, j), base, resource, loc, FALSE))
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
add_document (DgJsCompiler *c, JsonNode *document, const char *uri)
{
  DgJsResource *r;
  const char *base = g_string_chunk_insert_const (c->strings, uri);

  g_ptr_array_add (c->result->documents, json_node_ref (document));
  r = resource_new (c, uri, document, NULL);
  return scan (c, document, base, r, "", TRUE);
}

/* ---- references ---- */

static char *
unescape_token (const char *token, gsize len)
{
  GString *s = g_string_sized_new (len);

  for (gsize i = 0; i < len; i++)
    {
      if (token[i] == '~' && i + 1 < len && token[i + 1] == '0')
        {
          g_string_append_c (s, '~');
          i++;
        }
      else if (token[i] == '~' && i + 1 < len && token[i + 1] == '1')
        {
          g_string_append_c (s, '/');
          i++;
        }
      else
        g_string_append_c (s, token[i]);
    }
  return g_string_free (s, FALSE);
}

/*
 * Resolves @reference (from a subschema with @from) to a node. *@fallback receives what
 * an unscanned target inherits (a pointer into an unknown keyword, e.g. "#/examples/0").
 */
JsonNode *
dg_js_compiler_resolve (DgJsCompiler *c, const char *reference, const DgJsNodeInfo *from,
                        const char *keyword, DgJsNodeInfo *fallback, char **fragment_out)
{
  g_autofree char *absolute = dg_js_uri_resolve (from->base, reference);
  g_autofree char *fragment = NULL;
  g_autofree char *uri = dg_js_uri_strip_fragment (absolute, &fragment);
  DgJsResource *r = find_resource (c, uri);
  JsonNode *node;
  DgJsNodeInfo *info;

  if (r == NULL)
    {
      dg_js_compiler_fail (c, from->location, DG_JSON_SCHEMA_ERROR_REF, keyword,
                           "cannot resolve %s “%s”: no schema has the URI “%s”", keyword, reference,
                           uri);
      return NULL;
    }
  node = r->node;
  info = g_hash_table_lookup (c->info, node);
  fallback->resource = info->resource;
  fallback->base = info->base;
  g_free (fallback->location);
  fallback->location = g_strdup (info->location);

  if (fragment[0] == '/')
    {
      g_autofree char *pointer = g_uri_unescape_string (fragment, NULL);
      const char *p;

      if (pointer == NULL)
        {
          dg_js_compiler_fail (c, from->location, DG_JSON_SCHEMA_ERROR_REF, keyword,
                               "invalid percent-encoding in %s “%s”", keyword, reference);
          return NULL;
        }
      p = pointer + 1;
      for (;;)
        {
          gsize len = strcspn (p, "/");
          g_autofree char *token = unescape_token (p, len);
          g_autofree char *escaped = dg_js_pointer_escape (token);
          char *location;

          if (JSON_NODE_HOLDS_OBJECT (node) &&
              json_object_has_member (json_node_get_object (node), token))
            node = json_object_get_member (json_node_get_object (node), token);
          else if (JSON_NODE_HOLDS_ARRAY (node) && token[0] != '\0' &&
                   strspn (token, "0123456789") == strlen (token) &&
                   (token[0] != '0' || token[1] == '\0') &&
                   g_ascii_strtoull (token, NULL, 10) <
                       json_array_get_length (json_node_get_array (node)))
            node = json_array_get_element (json_node_get_array (node),
                                           g_ascii_strtoull (token, NULL, 10));
          else
            {
              dg_js_compiler_fail (c, from->location, DG_JSON_SCHEMA_ERROR_REF, keyword,
                                   "cannot resolve %s “%s”: “%s” does not exist", keyword,
                                   reference, fragment);
              return NULL;
            }
          info = g_hash_table_lookup (c->info, node);
          if (info != NULL)
            {
              fallback->resource = info->resource;
              fallback->base = info->base;
              location = g_strdup (info->location);
            }
          else
            location = g_strdup_printf ("%s/%s", fallback->location, escaped);
          g_free (fallback->location);
          fallback->location = location;
          p += len;
          if (*p == '\0')
            break;
          p++;
        }
    }
  else if (fragment[0] != '\0')
    {
      node = g_hash_table_lookup (r->anchors, fragment);
      if (node == NULL)
        {
          dg_js_compiler_fail (c, from->location, DG_JSON_SCHEMA_ERROR_REF, keyword,
                               "cannot resolve %s “%s”: no $anchor “%s” in “%s”", keyword,
                               reference, fragment, uri);
          return NULL;
        }
    }
  if (fragment_out != NULL)
    *fragment_out = g_steal_pointer (&fragment);
  return node;
}

DgJsSchema *
dg_js_compiler_get_schema (DgJsCompiler *c, JsonNode *node, const DgJsNodeInfo *fallback)
{
  DgJsSchema *s = g_hash_table_lookup (c->compiled, node);
  DgJsNodeInfo *info;

  if (s != NULL)
    return s;
  if (!JSON_NODE_HOLDS_OBJECT (node) &&
      !(JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN))
    {
      dg_js_compiler_fail (c, fallback->location, DG_JSON_SCHEMA_ERROR_INVALID, NULL,
                           "a schema must be an object or a boolean");
      return NULL;
    }
  info = g_hash_table_lookup (c->info, node);
  if (info == NULL)
    {
      if (!scan (c, node, fallback->base, fallback->resource, fallback->location, FALSE))
        return NULL;
      info = g_hash_table_lookup (c->info, node);
    }
  s = g_new0 (DgJsSchema, 1);
  s->resource = info->resource;
  s->location = g_strdup (info->location);
  g_ptr_array_add (c->result->schemas, s);
  g_hash_table_insert (c->compiled, node, s);
  g_hash_table_insert (c->nodes, s, node);
  g_queue_push_tail (&c->queue, node);
  return s;
}

static gboolean
drain (DgJsCompiler *c)
{
  JsonNode *node;

  while (c->error == NULL && (node = g_queue_pop_head (&c->queue)) != NULL)
    dg_js_compile_node (c, node, g_hash_table_lookup (c->compiled, node));
  return c->error == NULL;
}

/* Compiles the $dynamicAnchor targets a $dynamicRef may land on, until nothing changes. */
static gboolean
compile_dynamic_anchors (DgJsCompiler *c)
{
  gboolean changed = TRUE;

  while (changed && c->error == NULL)
    {
      changed = FALSE;
      for (guint i = 0; i < c->result->resources->len; i++)
        {
          DgJsResource *r = g_ptr_array_index (c->result->resources, i);
          GHashTableIter iter;
          gpointer name, node;

          g_hash_table_iter_init (&iter, r->dynamic_nodes);
          while (g_hash_table_iter_next (&iter, &name, &node))
            {
              if (!g_hash_table_contains (c->dynamic_names, name))
                continue;
              if (r->dynamic == NULL)
                r->dynamic = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
              if (g_hash_table_contains (r->dynamic, name))
                continue;
              {
                DgJsNodeInfo *info = g_hash_table_lookup (c->info, node);
                DgJsSchema *s = dg_js_compiler_get_schema (c, node, info);

                if (s == NULL)
                  return FALSE;
                g_hash_table_insert (r->dynamic, g_strdup (name), s);
                changed = TRUE;
              }
            }
        }
      if (!drain (c))
        return FALSE;
    }
  return c->error == NULL;
}

DgJsonSchema *
dg_js_compile (JsonNode *schema, const char *base_uri, DgJsonSchemaFlags flags,
               DgJsonSchemaResolver resolver, gpointer user_data, char **error_location,
               GError **error)
{
  DgJsCompiler c = { 0 };
  g_autoptr (JsonNode) copy = NULL;
  g_autofree char *base = NULL;
  DgJsNodeInfo *root_info;
  DgJsonSchema *result;

  copy = dg_json_copy_full (schema, DG_JS_MAX_SCHEMA_DEPTH);
  if (copy == NULL)
    {
      g_set_error (error, DG_JSON_SCHEMA_ERROR, DG_JSON_SCHEMA_ERROR_TOO_DEEP,
                   "the schema is nested deeper than %d levels", DG_JS_MAX_SCHEMA_DEPTH);
      if (error_location != NULL)
        *error_location = g_strdup ("");
      return NULL;
    }

  result = g_new0 (DgJsonSchema, 1);
  g_atomic_ref_count_init (&result->ref_count);
  result->flags = flags;
  result->schemas = g_ptr_array_new ();
  result->resources = g_ptr_array_new ();
  result->documents = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

  c.result = result;
  c.flags = flags;
  c.resolver = resolver;
  c.user_data = user_data;
  c.resources = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  c.info = g_hash_table_new_full (NULL, NULL, NULL, node_info_free);
  c.compiled = g_hash_table_new (NULL, NULL);
  c.nodes = g_hash_table_new (NULL, NULL);
  c.dynamic_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  c.strings = g_string_chunk_new (256);
  g_queue_init (&c.queue);

  base = g_strdup (base_uri != NULL ? base_uri : DEFAULT_BASE_URI);
  if (strchr (base, '#') != NULL)
    *strchr (base, '#') = '\0';

  if (add_document (&c, copy, base))
    {
      root_info = g_hash_table_lookup (c.info, copy);
      result->root = dg_js_compiler_get_schema (&c, copy, root_info);
      if (result->root != NULL && drain (&c) && compile_dynamic_anchors (&c))
        dg_js_compiler_check_cycles (&c);
    }

  g_hash_table_unref (c.resources);
  g_hash_table_unref (c.info);
  g_hash_table_unref (c.compiled);
  g_hash_table_unref (c.nodes);
  g_hash_table_unref (c.dynamic_names);
  g_string_chunk_free (c.strings);
  g_queue_clear (&c.queue);

  if (c.error != NULL)
    {
      g_propagate_error (error, c.error);
      if (error_location != NULL)
        *error_location = g_steal_pointer (&c.error_location);
      g_free (c.error_location);
      dg_js_free (result);
      return NULL;
    }
  g_free (c.error_location);
  return result;
}

static void
pattern_clear (DgJsPattern *p)
{
  g_clear_pointer (&p->regex, g_regex_unref);
  g_clear_pointer (&p->dfa, dg_js_dfa_free);
}

static void
schema_free (DgJsSchema *s)
{
  g_free (s->location);
  g_free (s->dynamic_anchor);
  g_free (s->enum_values);
  g_free (s->enum_strings_list);
  g_clear_pointer (&s->enum_strings, g_hash_table_unref);
  if (s->pattern != NULL)
    {
      pattern_clear (s->pattern);
      g_free (s->pattern);
    }
  g_free (s->required);
  for (guint i = 0; i < s->n_dependent_required; i++)
    g_free (s->dependent_required[i].required);
  g_free (s->dependent_required);
  g_free (s->all_of);
  g_free (s->any_of);
  g_free (s->one_of);
  g_free (s->properties);
  g_clear_pointer (&s->properties_index, g_hash_table_unref);
  for (guint i = 0; i < s->n_pattern_properties; i++)
    pattern_clear (&s->pattern_properties[i]);
  g_free (s->pattern_properties);
  g_free (s->dependent_schemas);
  g_free (s->prefix_items);
  g_free (s);
}

static void
resource_free (DgJsResource *r)
{
  g_free (r->uri);
  g_hash_table_unref (r->anchors);
  g_hash_table_unref (r->dynamic_nodes);
  g_clear_pointer (&r->dynamic, g_hash_table_unref);
  g_free (r);
}

void
dg_js_free (DgJsonSchema *self)
{
  for (guint i = 0; i < self->schemas->len; i++)
    schema_free (g_ptr_array_index (self->schemas, i));
  g_ptr_array_unref (self->schemas);
  for (guint i = 0; i < self->resources->len; i++)
    resource_free (g_ptr_array_index (self->resources, i));
  g_ptr_array_unref (self->resources);
  g_ptr_array_unref (self->documents);
  g_free (self);
}
