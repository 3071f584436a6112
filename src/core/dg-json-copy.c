/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-json"

#include "config.h"

#include "dg-json-copy.h"

/* A new scalar node: json_node_copy() would share the (non-atomically counted) JsonValue. */
static JsonNode *
copy_scalar (JsonNode *node)
{
  JsonNode *copy = json_node_alloc ();

  if (JSON_NODE_HOLDS_NULL (node))
    return json_node_init_null (copy);
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      return json_node_init_int (copy, json_node_get_int (node));
    case G_TYPE_DOUBLE:
      return json_node_init_double (copy, json_node_get_double (node));
    case G_TYPE_BOOLEAN:
      return json_node_init_boolean (copy, json_node_get_boolean (node));
    case G_TYPE_STRING:
      return json_node_init_string (copy, json_node_get_string (node));
    default:
      /* json-glib stores every scalar as one of the four types above. */
      g_assert_not_reached ();
    }
}

static JsonObject *
copy_object (JsonObject *source, guint max_depth)
{
  g_autoptr (JsonObject) object = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  /* Members in their original order: JSON.stringify-exact writers keep it. */
  json_object_iter_init_ordered (&iter, source);
  while (json_object_iter_next_ordered (&iter, &name, &member))
    {
      JsonNode *child = dg_json_copy_full (member, max_depth);

      if (child == NULL)
        return NULL;
      json_object_set_member (object, name, child);
    }
  return g_steal_pointer (&object);
}

static JsonArray *
copy_array (JsonArray *source, guint max_depth)
{
  guint n = json_array_get_length (source);
  g_autoptr (JsonArray) array = json_array_sized_new (n);

  for (guint i = 0; i < n; i++)
    {
      JsonNode *child = dg_json_copy_full (json_array_get_element (source, i), max_depth);

      if (child == NULL)
        return NULL;
      json_array_add_element (array, child);
    }
  return g_steal_pointer (&array);
}

/**
 * dg_json_copy_full:
 * @node: the tree to copy
 * @max_depth: how many levels to copy at most (a scalar is one level)
 *
 * Returns: (transfer full) (nullable): a copy sharing nothing with @node, or %NULL when
 * @node is deeper than @max_depth
 */
JsonNode *
dg_json_copy_full (JsonNode *node, guint max_depth)
{
  JsonNode *copy;

  g_return_val_if_fail (node != NULL, NULL);

  if (max_depth == 0)
    return NULL;
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = copy_object (json_node_get_object (node), max_depth - 1);

        if (object == NULL)
          return NULL;
        copy = json_node_init_object (json_node_alloc (), NULL);
        json_node_take_object (copy, object);
        return copy;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = copy_array (json_node_get_array (node), max_depth - 1);

        if (array == NULL)
          return NULL;
        copy = json_node_init_array (json_node_alloc (), NULL);
        json_node_take_array (copy, array);
        return copy;
      }
    case JSON_NODE_NULL:
    case JSON_NODE_VALUE:
    default:
      return copy_scalar (node);
    }
}

/**
 * dg_json_copy:
 * @node: the tree to copy
 *
 * Returns: (transfer full): a copy sharing nothing with @node
 */
JsonNode *
dg_json_copy (JsonNode *node)
{
  g_return_val_if_fail (node != NULL, NULL);
  return dg_json_copy_full (node, G_MAXUINT);
}

/**
 * dg_json_object_copy:
 * @object: the object to copy
 *
 * Returns: (transfer full): a copy sharing nothing with @object
 */
JsonObject *
dg_json_object_copy (JsonObject *object)
{
  g_return_val_if_fail (object != NULL, NULL);
  return copy_object (object, G_MAXUINT);
}
