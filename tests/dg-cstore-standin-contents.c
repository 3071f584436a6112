/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-cstore-standin"

#include "config.h"

#include "dg-cstore-standin-private.h"

/* The stand-in's contents: storage rules shared with the HTTP side, and direct access for tests. */

GHashTable *
dg_cstore_standin_hash_for (DgCStoreStandin *self, const char *hkey, gboolean create)
{
  GHashTable *fields = g_hash_table_lookup (self->hashes, hkey);

  if (fields == NULL && create)
    {
      fields =
          g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_node_unref);
      g_hash_table_insert (self->hashes, g_strdup (hkey), fields);
    }
  return fields;
}

/* Stores @value (a copy) or deletes on null. Lock held. */
void
dg_cstore_standin_store_value (DgCStoreStandin *self, const char *hkey, const char *key,
                               JsonNode *value)
{
  GHashTable *table = hkey != NULL ? dg_cstore_standin_hash_for (self, hkey, TRUE) : self->keys;

  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    {
      g_hash_table_remove (table, key);
      if (hkey != NULL && g_hash_table_size (table) == 0)
        g_hash_table_remove (self->hashes, hkey);
    }
  else
    g_hash_table_insert (table, g_strdup (key), json_node_copy (value));
}

JsonNode *
dg_cstore_standin_lookup_value (DgCStoreStandin *self, const char *hkey, const char *key)
{
  GHashTable *table = hkey != NULL ? dg_cstore_standin_hash_for (self, hkey, FALSE) : self->keys;
  JsonNode *node = table != NULL ? g_hash_table_lookup (table, key) : NULL;

  return node != NULL ? json_node_copy (node) : json_node_new (JSON_NODE_NULL);
}

static char *
get_json (DgCStoreStandin *self, const char *hkey, const char *key)
{
  g_autoptr (JsonNode) node = NULL;

  g_mutex_lock (&self->lock);
  node = dg_cstore_standin_lookup_value (self, hkey, key);
  g_mutex_unlock (&self->lock);
  return JSON_NODE_HOLDS_NULL (node) ? NULL : json_to_string (node, FALSE);
}

static void
put_json (DgCStoreStandin *self, const char *hkey, const char *key, const char *json)
{
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;

  if (json != NULL)
    {
      node = json_from_string (json, &error);
      g_assert_no_error (error);
    }
  g_mutex_lock (&self->lock);
  dg_cstore_standin_store_value (self, hkey, key, node);
  g_mutex_unlock (&self->lock);
}

char *
dg_cstore_standin_get_json (DgCStoreStandin *self, const char *key)
{
  return get_json (self, NULL, key);
}

void
dg_cstore_standin_put_json (DgCStoreStandin *self, const char *key, const char *json)
{
  put_json (self, NULL, key, json);
}

char *
dg_cstore_standin_hget_json (DgCStoreStandin *self, const char *hkey, const char *field)
{
  return get_json (self, hkey, field);
}

void
dg_cstore_standin_hput_json (DgCStoreStandin *self, const char *hkey, const char *field,
                             const char *json)
{
  put_json (self, hkey, field, json);
}

static char *
get_string (DgCStoreStandin *self, const char *hkey, const char *key)
{
  g_autoptr (JsonNode) node = NULL;
  char *text = NULL;

  g_mutex_lock (&self->lock);
  node = dg_cstore_standin_lookup_value (self, hkey, key);
  g_mutex_unlock (&self->lock);
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    text = g_strdup (json_node_get_string (node));
  return text;
}

char *
dg_cstore_standin_hget_string (DgCStoreStandin *self, const char *hkey, const char *field)
{
  return get_string (self, hkey, field);
}

char *
dg_cstore_standin_get_string (DgCStoreStandin *self, const char *key)
{
  return get_string (self, NULL, key);
}

guint
dg_cstore_standin_hlen (DgCStoreStandin *self, const char *hkey)
{
  GHashTable *fields;
  guint n;

  g_mutex_lock (&self->lock);
  fields = dg_cstore_standin_hash_for (self, hkey, FALSE);
  n = fields != NULL ? g_hash_table_size (fields) : 0;
  g_mutex_unlock (&self->lock);
  return n;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

GStrv
dg_cstore_standin_hkeys (DgCStoreStandin *self, const char *hkey)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  GHashTable *fields;

  g_mutex_lock (&self->lock);
  fields = dg_cstore_standin_hash_for (self, hkey, FALSE);
  if (fields != NULL)
    {
      GHashTableIter iter;
      gpointer name;

      g_hash_table_iter_init (&iter, fields);
      while (g_hash_table_iter_next (&iter, &name, NULL))
        g_ptr_array_add (names, g_strdup (name));
    }
  g_mutex_unlock (&self->lock);
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

void
dg_cstore_standin_clear (DgCStoreStandin *self)
{
  g_mutex_lock (&self->lock);
  g_hash_table_remove_all (self->keys);
  g_hash_table_remove_all (self->hashes);
  g_mutex_unlock (&self->lock);
}
