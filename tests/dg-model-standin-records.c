/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-test"

#include "config.h"

#include <string.h>

#include "dg-model-standin-private.h"

/*
 * A deliberately small record maker for the stand-in: enough of JSON Schema (object,
 * properties, required, enum, const, string lengths and common formats, integer/number
 * bounds, arrays, booleans, null, type unions) to answer like a well-behaved model.
 * Deterministic in @n so tests can predict records. Below it, the answer bodies of both APIs.
 */

static JsonNode *make_value (JsonObject *schema, guint64 n, guint depth);

static const char *const words[] = { "amber",  "basil",  "cedar",  "delta",   "ember",   "fjord",
                                     "garnet", "harbor", "indigo", "juniper", "kestrel", "lumen" };

static gint64
int_member (JsonObject *schema, const char *name, gint64 fallback)
{
  JsonNode *node = json_object_get_member (schema, name);

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      (json_node_get_value_type (node) == G_TYPE_INT64 ||
       json_node_get_value_type (node) == G_TYPE_DOUBLE))
    return (gint64) json_node_get_double (node);
  return fallback;
}

static const char *
schema_type (JsonObject *schema)
{
  JsonNode *type = json_object_get_member (schema, "type");

  if (type == NULL)
    return json_object_has_member (schema, "properties") ? "object" : "string";
  if (JSON_NODE_HOLDS_VALUE (type))
    return json_node_get_string (type);
  if (JSON_NODE_HOLDS_ARRAY (type))
    {
      /* A union: the first non-null type. */
      JsonArray *types = json_node_get_array (type);
      for (guint i = 0; i < json_array_get_length (types); i++)
        {
          const char *t = json_array_get_string_element (types, i);
          if (t != NULL && strcmp (t, "null") != 0)
            return t;
        }
      return "null";
    }
  return "string";
}

static JsonNode *
make_string (JsonObject *schema, guint64 n)
{
  const char *format = json_object_has_member (schema, "format")
                           ? json_object_get_string_member (schema, "format")
                           : NULL;
  gint64 min_len = int_member (schema, "minLength", 0);
  gint64 max_len = int_member (schema, "maxLength", 64);
  g_autoptr (GString) s = g_string_new (NULL);
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  if (g_strcmp0 (format, "email") == 0)
    g_string_printf (s, "user%" G_GUINT64_FORMAT "@example.com", n);
  else if (g_strcmp0 (format, "date") == 0)
    g_string_printf (s, "2024-%02u-%02u", (guint) (n % 12) + 1, (guint) (n % 28) + 1);
  else if (g_strcmp0 (format, "date-time") == 0)
    g_string_printf (s, "2024-%02u-%02uT10:00:00Z", (guint) (n % 12) + 1, (guint) (n % 28) + 1);
  else if (g_strcmp0 (format, "uuid") == 0)
    g_string_printf (s, "00000000-0000-4000-8000-%012" G_GINT64_MODIFIER "x", (gint64) n);
  else if (g_strcmp0 (format, "uri") == 0)
    g_string_printf (s, "https://example.com/item/%" G_GUINT64_FORMAT, n);
  else
    {
      g_string_printf (s, "%s %" G_GUINT64_FORMAT, words[n % G_N_ELEMENTS (words)], n);
      while ((gint64) s->len < min_len)
        g_string_append_c (s, 'x');
      if (max_len >= 0 && (gint64) s->len > max_len)
        g_string_truncate (s, (gsize) MAX (max_len, min_len));
    }
  json_node_set_string (node, s->str);
  return node;
}

static JsonNode *
make_number (JsonObject *schema, guint64 n, gboolean integer)
{
  gint64 lo = int_member (schema, "minimum", 0);
  gint64 hi = int_member (schema, "maximum", lo + 1000);
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  if (json_object_has_member (schema, "exclusiveMinimum"))
    lo = int_member (schema, "exclusiveMinimum", 0) + 1;
  if (json_object_has_member (schema, "exclusiveMaximum"))
    hi = int_member (schema, "exclusiveMaximum", lo + 1001) - 1;
  if (hi < lo)
    hi = lo;
  if (integer)
    json_node_set_int (node, lo + (gint64) (n % (guint64) (hi - lo + 1)));
  else
    {
      /* A fraction when it fits: x.5 stays below the maximum. */
      gint64 whole = lo + (gint64) (n % (guint64) (hi - lo + 1));
      json_node_set_double (node, (double) whole + (whole < hi ? 0.5 : 0.0));
    }
  return node;
}

static JsonNode *
make_array (JsonObject *schema, guint64 n, guint depth)
{
  JsonNode *items = json_object_get_member (schema, "items");
  gint64 min_items = int_member (schema, "minItems", 1);
  gint64 max_items = int_member (schema, "maxItems", min_items + 2);
  gint64 count = MIN (MAX (min_items, 1 + (gint64) (n % 3)), max_items);
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (gint64 i = 0; i < count; i++)
    {
      if (items != NULL && JSON_NODE_HOLDS_OBJECT (items))
        json_array_add_element (
            array, make_value (json_node_get_object (items), n + (guint64) i, depth + 1));
      else
        json_array_add_int_element (array, (gint64) (n + (guint64) i));
    }
  json_node_take_array (node, array);
  return node;
}

static JsonNode *
make_object (JsonObject *schema, guint64 n, guint depth)
{
  JsonNode *props = json_object_get_member (schema, "properties");
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  if (props != NULL && JSON_NODE_HOLDS_OBJECT (props) && depth < 8)
    {
      g_autoptr (GList) names = json_object_get_members (json_node_get_object (props));
      guint i = 0;

      for (GList *l = names; l != NULL; l = l->next, i++)
        {
          JsonNode *sub = json_object_get_member (json_node_get_object (props), l->data);
          if (sub != NULL && JSON_NODE_HOLDS_OBJECT (sub))
            json_object_set_member (object, l->data,
                                    make_value (json_node_get_object (sub), n + i, depth + 1));
        }
    }
  json_node_take_object (node, object);
  return node;
}

static JsonNode *
make_value (JsonObject *schema, guint64 n, guint depth)
{
  JsonNode *options;
  const char *type;

  if ((options = json_object_get_member (schema, "const")) != NULL)
    return json_node_copy (options);
  options = json_object_get_member (schema, "enum");
  if (options != NULL && JSON_NODE_HOLDS_ARRAY (options) &&
      json_array_get_length (json_node_get_array (options)) > 0)
    {
      JsonArray *values = json_node_get_array (options);
      return json_node_copy (
          json_array_get_element (values, (guint) (n % json_array_get_length (values))));
    }

  type = schema_type (schema);
  if (strcmp (type, "object") == 0)
    return make_object (schema, n, depth);
  if (strcmp (type, "array") == 0)
    return make_array (schema, n, depth);
  if (strcmp (type, "integer") == 0)
    return make_number (schema, n, TRUE);
  if (strcmp (type, "number") == 0)
    return make_number (schema, n, FALSE);
  if (strcmp (type, "boolean") == 0)
    {
      JsonNode *node = json_node_new (JSON_NODE_VALUE);
      json_node_set_boolean (node, n % 2 == 0);
      return node;
    }
  if (strcmp (type, "null") == 0)
    return json_node_new (JSON_NODE_NULL);
  return make_string (schema, n);
}

JsonNode *
dg_model_standin_make_record (JsonNode *schema, guint64 n)
{
  if (schema == NULL || !JSON_NODE_HOLDS_OBJECT (schema))
    {
      JsonObject *object = json_object_new ();
      JsonNode *node = json_node_new (JSON_NODE_OBJECT);

      json_object_set_int_member (object, "value", (gint64) n);
      json_node_take_object (node, object);
      return node;
    }
  return make_value (json_node_get_object (schema), n, 0);
}

JsonNode *
dg_model_standin_make_invalid_record (JsonNode *schema, guint64 n)
{
  JsonNode *record = dg_model_standin_make_record (schema, n);
  JsonNode *required = schema != NULL && JSON_NODE_HOLDS_OBJECT (schema)
                           ? json_object_get_member (json_node_get_object (schema), "required")
                           : NULL;

  if (JSON_NODE_HOLDS_OBJECT (record))
    {
      JsonObject *object = json_node_get_object (record);

      if (required != NULL && JSON_NODE_HOLDS_ARRAY (required))
        {
          JsonArray *names = json_node_get_array (required);
          for (guint i = 0; i < json_array_get_length (names); i++)
            {
              const char *name = json_array_get_string_element (names, i);
              if (name != NULL && json_object_has_member (object, name))
                json_object_remove_member (object, name);
            }
        }
      json_object_set_boolean_member (object, "unexpected_field", TRUE);
    }
  return record;
}

/* ---- answers ---- */

JsonNode *
dg_model_standin_request_schema (JsonNode *request, gboolean openai, gboolean *json_schema_format)
{
  JsonObject *body =
      request != NULL && JSON_NODE_HOLDS_OBJECT (request) ? json_node_get_object (request) : NULL;
  JsonNode *format = body != NULL ? json_object_get_member (body, "response_format") : NULL;
  JsonObject *f;
  const char *type;

  *json_schema_format = FALSE;
  if (format == NULL || !JSON_NODE_HOLDS_OBJECT (format))
    return NULL;
  f = json_node_get_object (format);
  type = json_object_has_member (f, "type") ? json_object_get_string_member (f, "type") : NULL;
  if (g_strcmp0 (type, "json_schema") == 0)
    {
      JsonNode *js = json_object_get_member (f, "json_schema");
      *json_schema_format = TRUE;
      if (js != NULL && JSON_NODE_HOLDS_OBJECT (js))
        return json_object_get_member (json_node_get_object (js), "schema");
      return NULL;
    }
  return json_object_get_member (f, "schema");
}

/* Without a schema in response_format (json_object mode), a model follows the prompt: take the
 * JSON after the last "Schema:" in the messages, as dg-prompts writes it. */
JsonNode *
dg_model_standin_prompt_schema (JsonNode *request)
{
  JsonObject *body =
      request != NULL && JSON_NODE_HOLDS_OBJECT (request) ? json_node_get_object (request) : NULL;
  JsonNode *messages = body != NULL ? json_object_get_member (body, "messages") : NULL;
  JsonNode *found = NULL;

  if (messages == NULL || !JSON_NODE_HOLDS_ARRAY (messages))
    return NULL;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (messages)); i++)
    {
      JsonNode *m = json_array_get_element (json_node_get_array (messages), i);
      const char *content, *at;

      if (!JSON_NODE_HOLDS_OBJECT (m))
        continue;
      content =
          json_object_get_string_member_with_default (json_node_get_object (m), "content", "");
      at = g_strrstr (content, "Schema:");
      if (at != NULL)
        {
          JsonNode *schema = json_from_string (at + strlen ("Schema:"), NULL);
          if (schema != NULL)
            {
              g_clear_pointer (&found, json_node_unref);
              found = schema;
            }
        }
    }
  return found;
}

char *
dg_model_standin_content_for (DgStandinFault fault, JsonNode *schema, guint arrival,
                              gboolean *valid)
{
  g_autoptr (JsonNode) record = NULL;
  g_autofree char *json = NULL;

  *valid = fault == DG_STANDIN_FAULT_NONE || fault == DG_STANDIN_FAULT_PROSE ||
           fault == DG_STANDIN_FAULT_FENCED;
  if (fault == DG_STANDIN_FAULT_NOT_JSON)
    return g_strdup ("I am sorry, I cannot produce that record right now.");
  record = fault == DG_STANDIN_FAULT_INVALID_RECORD
               ? dg_model_standin_make_invalid_record (schema, arrival)
               : dg_model_standin_make_record (schema, arrival);
  json = json_to_string (record, fault == DG_STANDIN_FAULT_FENCED);
  if (fault == DG_STANDIN_FAULT_PROSE)
    return g_strdup_printf ("Sure! Here is the record you asked for:\n%s\nLet me know if you "
                            "need another one.",
                            json);
  if (fault == DG_STANDIN_FAULT_FENCED)
    return g_strdup_printf ("```json\n%s\n```", json);
  return g_steal_pointer (&json);
}

JsonNode *
dg_model_standin_chat_payload (const char *content, guint arrival, gboolean parts)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  {
    g_autofree char *id = g_strdup_printf ("chatcmpl-%u", arrival);
    json_builder_add_string_value (b, id);
  }
  json_builder_set_member_name (b, "object");
  json_builder_add_string_value (b, "chat.completion");
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, "standin-model");
  json_builder_set_member_name (b, "choices");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "index");
  json_builder_add_int_value (b, 0);
  json_builder_set_member_name (b, "message");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, "assistant");
  json_builder_set_member_name (b, "content");
  if (parts)
    {
      json_builder_begin_array (b);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, "text");
      json_builder_set_member_name (b, "text");
      json_builder_add_string_value (b, content);
      json_builder_end_object (b);
      json_builder_end_array (b);
    }
  else
    json_builder_add_string_value (b, content);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "finish_reason");
  json_builder_add_string_value (b, "stop");
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "usage");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "prompt_tokens");
  json_builder_add_int_value (b, DG_STANDIN_PROMPT_TOKENS);
  json_builder_set_member_name (b, "completion_tokens");
  json_builder_add_int_value (b, DG_STANDIN_COMPLETION_TOKENS);
  json_builder_set_member_name (b, "total_tokens");
  json_builder_add_int_value (b, DG_STANDIN_PROMPT_TOKENS + DG_STANDIN_COMPLETION_TOKENS);
  json_builder_end_object (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

char *
dg_model_standin_ratio1_body (const char *content, guint arrival, DgStandinRatio1Shape shape)
{
  g_autoptr (JsonNode) payload = dg_model_standin_chat_payload (content, arrival, FALSE);
  JsonObject *inner = json_object_new ();
  JsonArray *text = json_array_new ();
  g_autoptr (JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *request_id = g_strdup_printf ("req-%u", arrival);

  json_object_set_string_member (inner, "REQUEST_ID", request_id);
  json_object_set_string_member (inner, "MODEL_NAME", "standin-ratio1");
  json_array_add_string_element (text, content);
  json_object_set_array_member (inner, "TEXT_RESPONSE", text);
  if (shape != DG_STANDIN_RATIO1_TEXT_ONLY)
    {
      JsonArray *full = json_array_new ();
      json_array_add_element (full, json_node_ref (payload));
      json_object_set_array_member (inner, "FULL_OUTPUT", full);
    }
  if (shape == DG_STANDIN_RATIO1_RAW)
    json_node_take_object (root, inner);
  else
    {
      JsonObject *outer = json_object_new ();
      json_object_set_object_member (outer, "result", inner);
      json_object_set_string_member (outer, "server_node_addr", "0xai_standin");
      json_object_set_string_member (outer, "ee_node_alias", "standin");
      json_node_take_object (root, outer);
    }
  return json_to_string (root, FALSE);
}
