/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-draft"

#include "config.h"

#include <string.h>

#include "dg-json-copy.h"
#include "dg-json-schema.h"
#include "dg-schema-draft.h"

#define SCHEMA_URL "https://json-schema.org/draft/2020-12/schema"
/* Nesting beyond this is left as it is (the meta-schema check still sees it). */
#define MAX_DEPTH 64

static const char *const json_types[] = {
  "string", "number", "integer", "boolean", "object", "array", "null",
};

typedef struct
{
  const char *alias;
  const char *type;
  const char *format; /* nullable */
} TypeAlias;

/* What models and people write instead of a JSON Schema type. */
static const TypeAlias aliases[] = {
  { "str", "string", NULL },
  { "text", "string", NULL },
  { "varchar", "string", NULL },
  { "char", "string", NULL },
  { "int", "integer", NULL },
  { "long", "integer", NULL },
  { "bigint", "integer", NULL },
  { "float", "number", NULL },
  { "double", "number", NULL },
  { "decimal", "number", NULL },
  { "real", "number", NULL },
  { "bool", "boolean", NULL },
  { "date", "string", "date" },
  { "datetime", "string", "date-time" },
  { "date-time", "string", "date-time" },
  { "timestamp", "string", "date-time" },
  { "time", "string", "time" },
  { "email", "string", "email" },
  { "uri", "string", "uri" },
  { "url", "string", "uri" },
  { "uuid", "string", "uuid" },
  { "list", "array", NULL },
  { "dict", "object", NULL },
  { "map", "object", NULL },
};

/* Keywords that make a schema meaningful without "type". */
static const char *const constraining_keywords[] = {
  "enum", "const", "anyOf", "oneOf", "allOf", "$ref", "not", "if",
};

typedef struct
{
  GPtrArray *warnings;
} Context;

static void warn (Context *ctx, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
warn (Context *ctx, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (ctx->warnings, g_strdup_vprintf (format, args));
  va_end (args);
}

static gboolean
is_json_type (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (json_types); i++)
    if (g_str_equal (name, json_types[i]))
      return TRUE;
  return FALSE;
}

/* The JSON Schema type for @name (a type or an alias), or NULL. */
static const char *
resolve_type (const char *name, const char **out_format)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);
  const char *trimmed = g_strstrip (lower);

  *out_format = NULL;
  for (guint i = 0; i < G_N_ELEMENTS (json_types); i++)
    if (g_str_equal (trimmed, json_types[i]))
      return json_types[i];
  for (guint i = 0; i < G_N_ELEMENTS (aliases); i++)
    if (g_str_equal (trimmed, aliases[i].alias))
      {
        *out_format = aliases[i].format;
        return aliases[i].type;
      }
  return NULL;
}

static const char *
type_of_value (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return "string";
  if (JSON_NODE_HOLDS_OBJECT (node))
    return "object";
  if (JSON_NODE_HOLDS_ARRAY (node))
    return "array";
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_BOOLEAN:
      return "boolean";
    case G_TYPE_STRING:
      return "string";
    default:
      return "number";
    }
}

static char *
child_path (const char *path, const char *key)
{
  return path[0] == '\0' ? g_strdup (key) : g_strdup_printf ("%s.%s", path, key);
}

static JsonNode *sanitize_property (Context *ctx, JsonNode *value, const char *path, guint depth);

/* Sanitises each member of a "properties" object in place. */
static void
sanitize_properties (Context *ctx, JsonObject *properties, const char *path, guint depth)
{
  g_autoptr (GList) names = json_object_get_members (properties);

  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *name = l->data;
      g_autofree char *sub = child_path (path, name);
      JsonNode *replacement =
          sanitize_property (ctx, json_object_get_member (properties, name), sub, depth + 1);

      if (replacement != NULL)
        json_object_set_member (properties, name, replacement);
    }
}

/* Keeps the string entries of a "required" array; NULL when nothing had to go. */
static JsonNode *
clean_required (Context *ctx, JsonNode *required, const char *where)
{
  JsonArray *entries = json_node_get_array (required);
  g_autoptr (JsonArray) kept = json_array_new ();
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean changed = FALSE;
  JsonNode *node;

  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonNode *entry = json_array_get_element (entries, i);
      const char *name;

      if (!JSON_NODE_HOLDS_VALUE (entry) || json_node_get_value_type (entry) != G_TYPE_STRING)
        {
          changed = TRUE;
          continue;
        }
      name = json_node_get_string (entry);
      if (!g_hash_table_add (seen, (gpointer) name))
        {
          changed = TRUE;
          continue;
        }
      json_array_add_string_element (kept, name);
    }
  if (!changed)
    return NULL;
  warn (ctx, "Removed invalid entries from the required list%s%s.", where[0] ? " of " : "", where);
  node = json_node_new (JSON_NODE_ARRAY);
  json_node_set_array (node, kept);
  return node;
}

/* Recurses into the subschemas of an object schema (in place). */
static void
sanitize_subschemas (Context *ctx, JsonObject *schema, const char *path, guint depth)
{
  static const char *const lists[] = { "anyOf", "oneOf", "allOf", "prefixItems" };
  static const char *const maps[] = { "$defs", "definitions", "patternProperties" };
  static const char *const singles[] = {
    "items", "additionalProperties", "not", "if", "then", "else", "contains",
  };
  JsonNode *member;

  if (depth > MAX_DEPTH)
    return;

  member = json_object_get_member (schema, "properties");
  if (member != NULL && JSON_NODE_HOLDS_OBJECT (member))
    sanitize_properties (ctx, json_node_get_object (member), path, depth);

  /* Draft-04 tuple "items": [...] is prefixItems in 2020-12. */
  member = json_object_get_member (schema, "items");
  if (member != NULL && JSON_NODE_HOLDS_ARRAY (member) &&
      !json_object_has_member (schema, "prefixItems"))
    {
      json_object_set_member (schema, "prefixItems", json_node_copy (member));
      json_object_remove_member (schema, "items");
      warn (ctx, "Moved the item list of \"%s\" to prefixItems.", path[0] ? path : "(root)");
    }

  for (guint i = 0; i < G_N_ELEMENTS (singles); i++)
    {
      g_autofree char *sub = NULL;
      JsonNode *replacement;

      member = json_object_get_member (schema, singles[i]);
      if (member == NULL || !JSON_NODE_HOLDS_OBJECT (member))
        continue;
      sub = g_strdup_printf ("%s[%s]", path, singles[i]);
      replacement = sanitize_property (ctx, member, sub, depth + 1);
      if (replacement != NULL)
        json_object_set_member (schema, singles[i], replacement);
    }
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      JsonArray *array;

      member = json_object_get_member (schema, lists[i]);
      if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member))
        continue;
      array = json_node_get_array (member);
      for (guint k = 0; k < json_array_get_length (array); k++)
        {
          JsonNode *element = json_array_get_element (array, k);
          g_autofree char *sub = NULL;

          /* Only object subschemas are repaired; booleans are valid and others are
           * left for the meta-schema check to report. */
          if (!JSON_NODE_HOLDS_OBJECT (element))
            continue;
          sub = g_strdup_printf ("%s[%s/%u]", path, lists[i], k);
          sanitize_subschemas (ctx, json_node_get_object (element), sub, depth + 1);
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (maps); i++)
    {
      member = json_object_get_member (schema, maps[i]);
      if (member != NULL && JSON_NODE_HOLDS_OBJECT (member))
        sanitize_properties (ctx, json_node_get_object (member), path, depth);
    }

  member = json_object_get_member (schema, "required");
  if (member != NULL && path[0] != '\0')
    {
      if (!JSON_NODE_HOLDS_ARRAY (member))
        {
          json_object_remove_member (schema, "required");
          warn (ctx, "Removed the invalid required list of \"%s\".", path);
        }
      else
        {
          JsonNode *cleaned = clean_required (ctx, member, path);

          if (cleaned != NULL)
            json_object_set_member (schema, "required", cleaned);
        }
    }
}

/* Adds "type" as the first member, where people look for it. */
static void
prepend_type (JsonObject *schema, const char *type)
{
  g_autoptr (GList) names = json_object_get_members (schema);
  g_autoptr (GPtrArray) members = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);

  for (GList *l = names; l != NULL; l = l->next)
    {
      g_ptr_array_add (keys, g_strdup (l->data));
      g_ptr_array_add (members, json_node_ref (json_object_get_member (schema, l->data)));
    }
  for (guint i = 0; i < keys->len; i++)
    json_object_remove_member (schema, keys->pdata[i]);
  json_object_set_string_member (schema, "type", type);
  for (guint i = 0; i < keys->len; i++)
    json_object_set_member (schema, keys->pdata[i], json_node_ref (members->pdata[i]));
}

/* Fixes "type" of an object schema in place. Returns TRUE when something changed. */
static gboolean
fix_type (JsonObject *schema)
{
  JsonNode *type = json_object_get_member (schema, "type");
  const char *format = NULL;
  const char *resolved;

  if (type == NULL)
    {
      const char *at_type = json_object_get_string_member_with_default (schema, "@type", NULL);

      if (json_object_has_member (schema, "@type") && at_type != NULL)
        {
          resolved = resolve_type (at_type, &format);
          json_object_remove_member (schema, "@type");
          prepend_type (schema, resolved != NULL ? resolved : "string");
        }
      else
        {
          for (guint i = 0; i < G_N_ELEMENTS (constraining_keywords); i++)
            if (json_object_has_member (schema, constraining_keywords[i]))
              return FALSE; /* valid without a type: the keywords say what it is */
          if (json_object_has_member (schema, "properties"))
            prepend_type (schema, "object");
          else if (json_object_has_member (schema, "items") ||
                   json_object_has_member (schema, "prefixItems"))
            prepend_type (schema, "array");
          else
            prepend_type (schema, "string");
        }
    }
  else if (JSON_NODE_HOLDS_VALUE (type) && json_node_get_value_type (type) == G_TYPE_STRING)
    {
      const char *name = json_node_get_string (type);

      if (is_json_type (name))
        return FALSE;
      resolved = resolve_type (name, &format);
      json_object_set_string_member (schema, "type", resolved != NULL ? resolved : "string");
    }
  else if (JSON_NODE_HOLDS_ARRAY (type))
    {
      JsonArray *names = json_node_get_array (type);
      g_autoptr (JsonArray) fixed = json_array_new ();
      g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
      gboolean changed = FALSE;

      /* A union type is valid JSON Schema: keep it, only repair its members. */
      for (guint i = 0; i < json_array_get_length (names); i++)
        {
          JsonNode *entry = json_array_get_element (names, i);
          const char *member_format = NULL;
          const char *name =
              JSON_NODE_HOLDS_VALUE (entry) && json_node_get_value_type (entry) == G_TYPE_STRING
                  ? json_node_get_string (entry)
                  : NULL;

          resolved = name != NULL ? resolve_type (name, &member_format) : NULL;
          changed |= resolved == NULL || !g_str_equal (resolved, name);
          if (resolved == NULL || !g_hash_table_add (seen, (gpointer) resolved))
            {
              changed = TRUE;
              continue;
            }
          json_array_add_string_element (fixed, resolved);
        }
      if (!changed)
        return FALSE;
      if (json_array_get_length (fixed) == 0)
        json_object_set_string_member (schema, "type", "string");
      else
        json_object_set_array_member (schema, "type", json_array_ref (fixed));
    }
  else
    json_object_set_string_member (schema, "type", "string");

  if (format != NULL && !json_object_has_member (schema, "format"))
    json_object_set_string_member (schema, "format", format);
  return TRUE;
}

/*
 * A property's schema, repaired. Returns a new node to put in its place, or
 * NULL when @value was fine as it is (it may still have been fixed inside).
 */
static JsonNode *
sanitize_property (Context *ctx, JsonNode *value, const char *path, guint depth)
{
  JsonObject *schema;
  JsonNode *result;

  if (JSON_NODE_HOLDS_OBJECT (value))
    {
      if (fix_type (json_node_get_object (value)))
        warn (ctx, "Normalized property schema for \"%s\".", path);
      sanitize_subschemas (ctx, json_node_get_object (value), path, depth);
      return NULL;
    }

  /* Not a schema at all: build one, as upstream did, but keep what it said. */
  schema = json_object_new ();
  if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *array = json_node_get_array (value);
      JsonObject *items = json_object_new ();

      json_object_set_string_member (schema, "type", "array");
      json_object_set_string_member (items, "type",
                                     json_array_get_length (array) > 0
                                         ? type_of_value (json_array_get_element (array, 0))
                                         : "string");
      json_object_set_object_member (schema, "items", items);
    }
  else if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (value);
      const char *format = NULL;
      const char *type = resolve_type (text, &format);

      json_object_set_string_member (schema, "type", type != NULL ? type : "string");
      if (format != NULL)
        json_object_set_string_member (schema, "format", format);
      if (type == NULL && text[0] != '\0')
        json_object_set_string_member (schema, "description", text);
    }
  else
    json_object_set_string_member (schema, "type", type_of_value (value));

  warn (ctx, "Normalized property schema for \"%s\".", path);
  result = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (result, schema);
  return result;
}

/* json_node_copy() shares objects and arrays; the sanitiser edits its own tree. */
static JsonNode *
deep_copy (JsonNode *node)
{
  JsonNode *copy;

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_object_new ();
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init_ordered (&iter, json_node_get_object (node));
      while (json_object_iter_next_ordered (&iter, &name, &member))
        json_object_set_member (object, name, deep_copy (member));
      copy = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (copy, object);
      return copy;
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *source = json_node_get_array (node);
      JsonArray *array = json_array_sized_new (json_array_get_length (source));

      for (guint i = 0; i < json_array_get_length (source); i++)
        json_array_add_element (array, deep_copy (json_array_get_element (source, i)));
      copy = json_node_new (JSON_NODE_ARRAY);
      json_node_take_array (copy, array);
      return copy;
    }
  /* Not json_node_copy(): it would share (and count, without atomics) the caller's value. */
  return dg_json_copy (node);
}

/**
 * dg_schema_sanitize:
 * @schema: a drafted schema (not changed)
 * @out_warnings: (out) (optional): the corrections made, one string each
 *
 * Returns: (transfer full): the sanitised schema.
 */
JsonNode *
dg_schema_sanitize (JsonNode *schema, GPtrArray **out_warnings)
{
  Context ctx = { g_ptr_array_new_with_free_func (g_free) };
  JsonNode *copy;
  JsonObject *root;
  JsonNode *member;

  g_return_val_if_fail (schema != NULL, NULL);

  copy = deep_copy (schema);
  if (!JSON_NODE_HOLDS_OBJECT (copy))
    {
      warn (&ctx, "Schema is not an object; cannot sanitize.");
      goto out;
    }
  root = json_node_get_object (copy);

  member = json_object_get_member (root, "$schema");
  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) ||
      json_node_get_value_type (member) != G_TYPE_STRING ||
      strstr (json_node_get_string (member), "json-schema.org") == NULL)
    {
      json_object_set_string_member (root, "$schema", SCHEMA_URL);
      warn (&ctx, "Replaced invalid $schema with JSON Schema 2020-12 URL.");
    }

  member = json_object_get_member (root, "type");
  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) ||
      json_node_get_value_type (member) != G_TYPE_STRING ||
      !g_str_equal (json_node_get_string (member), "object"))
    {
      json_object_set_string_member (root, "type", "object");
      warn (&ctx, "Forced schema type to object.");
    }

  member = json_object_get_member (root, "properties");
  if (member == NULL || !JSON_NODE_HOLDS_OBJECT (member))
    {
      json_object_set_object_member (root, "properties", json_object_new ());
      warn (&ctx, "Initialized missing properties object.");
    }

  sanitize_subschemas (&ctx, root, "", 0);

  member = json_object_get_member (root, "required");
  if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member))
    {
      JsonArray *required = json_array_new ();
      g_autoptr (GList) names =
          json_object_get_members (json_object_get_object_member (root, "properties"));

      for (GList *l = names; l != NULL; l = l->next)
        json_array_add_string_element (required, l->data);
      json_object_set_array_member (root, "required", required);
      warn (&ctx, "Rebuilt required list from properties.");
    }
  else
    {
      JsonNode *cleaned = clean_required (&ctx, member, "");

      if (cleaned != NULL)
        json_object_set_member (root, "required", cleaned);
    }

  if (!json_object_has_member (root, "additionalProperties"))
    {
      json_object_set_boolean_member (root, "additionalProperties", FALSE);
      warn (&ctx, "Set additionalProperties to false.");
    }

out:
  if (out_warnings != NULL)
    *out_warnings = g_steal_pointer (&ctx.warnings);
  else
    g_ptr_array_unref (ctx.warnings);
  return copy;
}

static void
add_detail (JsonArray *details, const char *path, const char *message)
{
  JsonObject *entry = json_object_new ();

  json_object_set_string_member (entry, "path", path);
  json_object_set_string_member (entry, "message", message);
  json_array_add_object_element (details, entry);
}

/**
 * dg_schema_check:
 *
 * Whether @schema can be a job schema: an object schema for objects that is
 * valid draft 2020-12 and compiles.
 */
gboolean
dg_schema_check (JsonNode *schema, JsonArray **out_details, GError **error)
{
  g_autoptr (JsonArray) details = json_array_new ();
  g_autoptr (GPtrArray) issues = NULL;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (schema != NULL, FALSE);

  if (!JSON_NODE_HOLDS_OBJECT (schema))
    add_detail (details, "", "Schema must be an object");
  else
    {
      JsonObject *root = json_node_get_object (schema);
      JsonNode *type = json_object_get_member (root, "type");

      if (type == NULL || !JSON_NODE_HOLDS_VALUE (type) ||
          json_node_get_value_type (type) != G_TYPE_STRING ||
          !g_str_equal (json_node_get_string (type), "object"))
        add_detail (details, "/type", "Schema type must be 'object'");
      if (!dg_json_schema_check_schema (schema, &issues, &local_error))
        {
          if (local_error != NULL)
            add_detail (details, "", local_error->message);
          for (guint i = 0; issues != NULL && i < issues->len; i++)
            {
              DgJsonSchemaIssue *issue = g_ptr_array_index (issues, i);

              add_detail (details, issue->instance_location, issue->message);
            }
          if (local_error == NULL && (issues == NULL || issues->len == 0))
            add_detail (details, "", "Schema is not valid JSON Schema 2020-12");
        }
    }

  if (json_array_get_length (details) == 0)
    return TRUE;
  g_set_error_literal (error, DG_DRAFT_ERROR, DG_DRAFT_ERROR_INVALID_SCHEMA, "Invalid schema");
  if (out_details != NULL)
    *out_details = g_steal_pointer (&details);
  return FALSE;
}
