/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-json-schema"

#include "config.h"

#include <string.h>

#include "dg-json-schema-eval-private.h"

/* Object and array keywords. */

gboolean
dg_js_eval_object (DgJsCtx *ctx, const DgJsSchema *s, JsonNode *inst, const DgJsPath *ip,
                   const DgJsPath *kp, DgJsAnnot *a)
{
  JsonObject *object = json_node_get_object (inst);
  gboolean valid = TRUE;
  DgJsMembers m = { 0 };
  const char *name;
  JsonNode *value;
  gboolean counting;
  guint required_seen = 0;

  if ((s->keywords & DG_JS_K_MIN_PROPERTIES) &&
      (gint64) json_object_get_size (object) < s->min_properties)
    {
      dg_js_report (ctx, ip, kp, "minProperties",
                    "must have at least %" G_GINT64_FORMAT " propert%s", s->min_properties,
                    s->min_properties == 1 ? "y" : "ies");
      CHECK (FALSE);
    }
  if ((s->keywords & DG_JS_K_MAX_PROPERTIES) &&
      (gint64) json_object_get_size (object) > s->max_properties)
    {
      dg_js_report (ctx, ip, kp, "maxProperties",
                    "must have at most %" G_GINT64_FORMAT " propert%s", s->max_properties,
                    s->max_properties == 1 ? "y" : "ies");
      CHECK (FALSE);
    }
  /* When every required name is also in "properties", the cheap mode counts them while
   * walking the members instead of looking each one up. */
  counting = ctx->errors == NULL && s->n_required_in_properties > 0;
  for (guint i = 0; i < s->n_required && !counting; i++)
    if (!json_object_has_member (object, s->required[i]))
      {
        g_autofree char *missing = ctx->errors != NULL ? dg_js_shorten (s->required[i]) : NULL;

        dg_js_report (ctx, ip, kp, "required", "missing required property “%s”", missing);
        CHECK (FALSE);
      }
  for (guint i = 0; i < s->n_dependent_required; i++)
    {
      const DgJsDependent *d = &s->dependent_required[i];

      if (!json_object_has_member (object, d->name))
        continue;
      for (guint j = 0; j < d->n_required; j++)
        if (!json_object_has_member (object, d->required[j]))
          {
            KEY (k, kp, "dependentRequired");
            g_autofree char *missing = ctx->errors != NULL ? dg_js_shorten (d->required[j]) : NULL;
            g_autofree char *present = ctx->errors != NULL ? dg_js_shorten (d->name) : NULL;

            dg_js_report (ctx, ip, &k, d->name,
                          "missing property “%s”, required when “%s” is present", missing, present);
            CHECK (FALSE);
          }
    }

  if (s->properties_index != NULL && s->pattern_properties == NULL && s->property_names == NULL)
    {
      /* The common shape: look each property up, in schema order, and walk the value's
       * members only when some member is not a property (additionalProperties then). */
      guint found = 0;

      for (guint i = 0; i < s->n_properties; i++)
        {
          const DgJsProp *p = &s->properties[i];
          JsonNode *member = json_object_get_member (object, p->name);
          KEY (ipc, ip, p->name);
          KEY (k1, kp, "properties");
          KEY (k2, &k1, p->name);

          if (member == NULL)
            continue;
          found++;
          required_seen += p->required;
          dg_js_annot_add_prop (a, p->name);
          CHECK (dg_js_eval_child (ctx, p->schema, member, &ipc, &k2, "property"));
        }
      if (s->additional_properties != NULL && found < json_object_get_size (object))
        {
          KEY (k1, kp, "additionalProperties");

          dg_js_members_init (&m, object, ctx->errors != NULL);
          while (dg_js_members_next (&m, &name, &value))
            {
              KEY (ipc, ip, name);

              if (!g_hash_table_contains (s->properties_index, name))
                CHECK (
                    dg_js_eval_child (ctx, s->additional_properties, value, &ipc, &k1, "property"));
            }
        }
      if (a != NULL && s->additional_properties != NULL)
        a->all_props = TRUE;
    }
  else if (s->properties_index != NULL || s->pattern_properties != NULL ||
           s->additional_properties != NULL || s->property_names != NULL)
    {
      dg_js_members_init (&m, object, ctx->errors != NULL);
      while (dg_js_members_next (&m, &name, &value))
        {
          gboolean matched = FALSE;
          KEY (ipc, ip, name);

          if (s->properties_index != NULL)
            {
              const DgJsProp *p = g_hash_table_lookup (s->properties_index, name);

              if (p != NULL)
                {
                  KEY (k1, kp, "properties");
                  KEY (k2, &k1, p->name);

                  matched = TRUE;
                  required_seen += p->required;
                  dg_js_annot_add_prop (a, name);
                  CHECK (dg_js_eval_child (ctx, p->schema, value, &ipc, &k2, "property"));
                }
            }
          for (guint i = 0; i < s->n_pattern_properties; i++)
            {
              const DgJsPattern *p = &s->pattern_properties[i];

              if (dg_js_pattern_match (p, name, strlen (name)))
                {
                  KEY (k1, kp, "patternProperties");
                  KEY (k2, &k1, p->source);

                  matched = TRUE;
                  dg_js_annot_add_prop (a, name);
                  CHECK (dg_js_eval_child (ctx, p->schema, value, &ipc, &k2, "property"));
                }
            }
          if (!matched && s->additional_properties != NULL)
            {
              KEY (k1, kp, "additionalProperties");

              CHECK (
                  dg_js_eval_child (ctx, s->additional_properties, value, &ipc, &k1, "property"));
            }
          if (s->property_names != NULL)
            {
              KEY (k1, kp, "propertyNames");
              g_autoptr (JsonNode) name_node = json_node_init_string (json_node_alloc (), name);

              if (!dg_js_probe (ctx, s->property_names, name_node, &ipc, &k1, NULL))
                {
                  g_autofree char *shown = ctx->errors != NULL ? dg_js_shorten (name) : NULL;

                  dg_js_report (ctx, &ipc, &k1, NULL, "property name “%s” is not allowed", shown);
                  CHECK (FALSE);
                }
            }
        }
      if (a != NULL && s->additional_properties != NULL)
        a->all_props = TRUE;
    }
  if (counting && required_seen < s->n_required_in_properties)
    CHECK (FALSE);

  for (guint i = 0; i < s->n_dependent_schemas; i++)
    {
      const DgJsDepSchema *d = &s->dependent_schemas[i];

      if (json_object_has_member (object, d->name))
        {
          KEY (k1, kp, "dependentSchemas");
          KEY (k2, &k1, d->name);

          CHECK (dg_js_eval (ctx, d->schema, inst, ip, &k2, a));
        }
    }
out:
  dg_js_members_clear (&m);
  return valid;
}

static guint
node_hash (gconstpointer node)
{
  return dg_js_hash ((JsonNode *) node, 0);
}

static gboolean
node_equal (gconstpointer a, gconstpointer b)
{
  return dg_js_equal ((JsonNode *) a, (JsonNode *) b, 0) == 1;
}

/* Returns FALSE with the indexes of two equal items in @first and @second. */
static gboolean
items_unique (JsonArray *array, guint n, guint *first, guint *second)
{
  if (n <= 16)
    {
      for (guint i = 0; i < n; i++)
        for (guint j = i + 1; j < n; j++)
          if (dg_js_equal (json_array_get_element (array, i), json_array_get_element (array, j),
                           0) != 0)
            {
              *first = i;
              *second = j;
              return FALSE;
            }
      return TRUE;
    }
  else
    {
      g_autoptr (GHashTable) seen = g_hash_table_new (node_hash, node_equal);

      for (guint i = 0; i < n; i++)
        {
          JsonNode *e = json_array_get_element (array, i);
          gpointer original;

          if (g_hash_table_lookup_extended (seen, e, &original, NULL))
            {
              for (guint j = 0; j < i; j++)
                if (json_array_get_element (array, j) == original)
                  *first = j;
              *second = i;
              return FALSE;
            }
          g_hash_table_add (seen, e);
        }
      return TRUE;
    }
}

gboolean
dg_js_eval_array (DgJsCtx *ctx, const DgJsSchema *s, JsonNode *inst, const DgJsPath *ip,
                  const DgJsPath *kp, DgJsAnnot *a)
{
  JsonArray *array = json_node_get_array (inst);
  guint n = json_array_get_length (array);
  gboolean valid = TRUE;
  guint first = 0, second = 0, prefix;

  if ((s->keywords & DG_JS_K_MIN_ITEMS) && (gint64) n < s->min_items)
    {
      dg_js_report (ctx, ip, kp, "minItems", "must have at least %" G_GINT64_FORMAT " item%s",
                    s->min_items, s->min_items == 1 ? "" : "s");
      CHECK (FALSE);
    }
  if ((s->keywords & DG_JS_K_MAX_ITEMS) && (gint64) n > s->max_items)
    {
      dg_js_report (ctx, ip, kp, "maxItems", "must have at most %" G_GINT64_FORMAT " item%s",
                    s->max_items, s->max_items == 1 ? "" : "s");
      CHECK (FALSE);
    }
  if ((s->keywords & DG_JS_K_UNIQUE_ITEMS) && !items_unique (array, n, &first, &second))
    {
      dg_js_report (ctx, ip, kp, "uniqueItems", "items %u and %u are equal; items must be unique",
                    first, second);
      CHECK (FALSE);
    }

  prefix = MIN (n, s->n_prefix_items);
  for (guint i = 0; i < prefix; i++)
    {
      KEY (k1, kp, s->prefix_keyword);
      INDEX (k2, &k1, i);
      INDEX (ipc, ip, i);

      CHECK (
          dg_js_eval (ctx, s->prefix_items[i], json_array_get_element (array, i), &ipc, &k2, NULL));
    }
  if (a != NULL)
    a->prefix = MAX (a->prefix, prefix);
  if (s->items != NULL)
    {
      KEY (k1, kp, s->items_keyword);

      if (s->items->is_bool && !s->items->bool_value && n > prefix)
        {
          dg_js_report (ctx, ip, &k1, NULL, "must have at most %u item%s", prefix,
                        prefix == 1 ? "" : "s");
          CHECK (FALSE);
        }
      else
        for (guint i = prefix; i < n; i++)
          {
            INDEX (ipc, ip, i);

            CHECK (dg_js_eval (ctx, s->items, json_array_get_element (array, i), &ipc, &k1, NULL));
          }
      if (a != NULL)
        a->all_items = TRUE;
    }
  if (s->contains != NULL)
    {
      gint64 min = (s->keywords & DG_JS_K_MIN_CONTAINS) ? s->min_contains : 1;
      gboolean has_max = (s->keywords & DG_JS_K_MAX_CONTAINS) != 0;
      gint64 matches = 0;
      KEY (k1, kp, "contains");

      for (guint i = 0; i < n; i++)
        {
          INDEX (ipc, ip, i);

          if (dg_js_probe (ctx, s->contains, json_array_get_element (array, i), &ipc, &k1, NULL))
            {
              matches++;
              if (a != NULL)
                dg_js_annot_set_item (a, i, n);
              else if (!has_max && matches >= min && ctx->errors == NULL)
                break;
            }
        }
      if (matches < min)
        {
          dg_js_report (ctx, ip, kp,
                        (s->keywords & DG_JS_K_MIN_CONTAINS) ? "minContains" : "contains",
                        "must contain at least %" G_GINT64_FORMAT " item%s matching “contains”",
                        min, min == 1 ? "" : "s");
          CHECK (FALSE);
        }
      if (has_max && matches > s->max_contains)
        {
          dg_js_report (ctx, ip, kp, "maxContains",
                        "must contain at most %" G_GINT64_FORMAT " item%s matching “contains”",
                        s->max_contains, s->max_contains == 1 ? "" : "s");
          CHECK (FALSE);
        }
    }
out:
  return valid;
}

/* anyOf/oneOf failed: the message names the alternative that came closest. */
