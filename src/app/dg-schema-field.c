/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-app"

#include "config.h"

#include <glib/gi18n.h>

#include "dg-schema-field.h"

#define DRAFT_2020_12 "https://json-schema.org/draft/2020-12/schema"

struct _DgSchemaField
{
  GObject parent_instance;

  char *name;
  char *field_type;
  gboolean required;
  char *description;
  char *constraints;
};

G_DEFINE_TYPE (DgSchemaField, dg_schema_field, G_TYPE_OBJECT)
G_DEFINE_QUARK (dg - schema - field - error - quark, dg_schema_field_error)

enum
{
  PROP_0,
  PROP_NAME,
  PROP_FIELD_TYPE,
  PROP_REQUIRED,
  PROP_DESCRIPTION,
  PROP_CONSTRAINTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *const field_types[] = {
  "string", "integer", "number", "boolean", "array", "object", NULL,
};

const char *const *
dg_schema_field_types (void)
{
  return field_types;
}

static void
dg_schema_field_finalize (GObject *object)
{
  DgSchemaField *self = DG_SCHEMA_FIELD (object);

  g_free (self->name);
  g_free (self->field_type);
  g_free (self->description);
  g_free (self->constraints);
  G_OBJECT_CLASS (dg_schema_field_parent_class)->finalize (object);
}

static void
dg_schema_field_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  DgSchemaField *self = DG_SCHEMA_FIELD (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_FIELD_TYPE:
      g_value_set_string (value, self->field_type);
      break;
    case PROP_REQUIRED:
      g_value_set_boolean (value, self->required);
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;
    case PROP_CONSTRAINTS:
      g_value_set_string (value, self->constraints);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dg_schema_field_set_property (GObject *object, guint prop_id, const GValue *value,
                              GParamSpec *pspec)
{
  DgSchemaField *self = DG_SCHEMA_FIELD (object);

  switch (prop_id)
    {
    case PROP_NAME:
      dg_schema_field_set_name (self, g_value_get_string (value));
      break;
    case PROP_FIELD_TYPE:
      dg_schema_field_set_field_type (self, g_value_get_string (value));
      break;
    case PROP_REQUIRED:
      dg_schema_field_set_required (self, g_value_get_boolean (value));
      break;
    case PROP_DESCRIPTION:
      dg_schema_field_set_description (self, g_value_get_string (value));
      break;
    case PROP_CONSTRAINTS:
      dg_schema_field_set_constraints (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dg_schema_field_class_init (DgSchemaFieldClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = dg_schema_field_finalize;
  object_class->get_property = dg_schema_field_get_property;
  object_class->set_property = dg_schema_field_set_property;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, "", flags);
  properties[PROP_FIELD_TYPE] = g_param_spec_string ("field-type", NULL, NULL, "string", flags);
  properties[PROP_REQUIRED] = g_param_spec_boolean ("required", NULL, NULL, TRUE, flags);
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, "", flags);
  properties[PROP_CONSTRAINTS] = g_param_spec_string ("constraints", NULL, NULL, "", flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dg_schema_field_init (DgSchemaField *self)
{
  self->name = g_strdup ("");
  self->field_type = g_strdup ("string");
  self->required = TRUE;
  self->description = g_strdup ("");
  self->constraints = g_strdup ("");
}

DgSchemaField *
dg_schema_field_new (const char *name, const char *field_type)
{
  return g_object_new (DG_TYPE_SCHEMA_FIELD, "name", name ? name : "", "field-type",
                       field_type ? field_type : "string", NULL);
}

/* Replaces *@slot with @value (NULL → ""); TRUE when it changed. */
static gboolean
set_text (char **slot, const char *value)
{
  if (value == NULL)
    value = "";
  if (g_strcmp0 (*slot, value) == 0)
    return FALSE;
  g_free (*slot);
  *slot = g_strdup (value);
  return TRUE;
}

const char *
dg_schema_field_get_name (DgSchemaField *self)
{
  g_return_val_if_fail (DG_IS_SCHEMA_FIELD (self), NULL);
  return self->name;
}

void
dg_schema_field_set_name (DgSchemaField *self, const char *name)
{
  g_return_if_fail (DG_IS_SCHEMA_FIELD (self));
  if (set_text (&self->name, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

const char *
dg_schema_field_get_field_type (DgSchemaField *self)
{
  g_return_val_if_fail (DG_IS_SCHEMA_FIELD (self), NULL);
  return self->field_type;
}

void
dg_schema_field_set_field_type (DgSchemaField *self, const char *field_type)
{
  g_return_if_fail (DG_IS_SCHEMA_FIELD (self));
  if (set_text (&self->field_type, field_type))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIELD_TYPE]);
}

gboolean
dg_schema_field_get_required (DgSchemaField *self)
{
  g_return_val_if_fail (DG_IS_SCHEMA_FIELD (self), FALSE);
  return self->required;
}

void
dg_schema_field_set_required (DgSchemaField *self, gboolean required)
{
  g_return_if_fail (DG_IS_SCHEMA_FIELD (self));
  required = !!required;
  if (self->required == required)
    return;
  self->required = required;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REQUIRED]);
}

const char *
dg_schema_field_get_description (DgSchemaField *self)
{
  g_return_val_if_fail (DG_IS_SCHEMA_FIELD (self), NULL);
  return self->description;
}

void
dg_schema_field_set_description (DgSchemaField *self, const char *description)
{
  g_return_if_fail (DG_IS_SCHEMA_FIELD (self));
  if (set_text (&self->description, description))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESCRIPTION]);
}

const char *
dg_schema_field_get_constraints (DgSchemaField *self)
{
  g_return_val_if_fail (DG_IS_SCHEMA_FIELD (self), NULL);
  return self->constraints;
}

void
dg_schema_field_set_constraints (DgSchemaField *self, const char *constraints)
{
  g_return_if_fail (DG_IS_SCHEMA_FIELD (self));
  if (set_text (&self->constraints, constraints))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONSTRAINTS]);
}

static char *
to_compact_json (JsonNode *node)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

GListStore *
dg_schema_fields_from_schema (JsonNode *schema, JsonObject **out_rest, GError **error)
{
  g_autoptr (GListStore) store = NULL;
  g_autoptr (JsonObject) rest = NULL;
  g_autoptr (GHashTable) required = NULL;
  JsonObject *object, *props = NULL;
  JsonNode *required_node;

  if (schema == NULL || !JSON_NODE_HOLDS_OBJECT (schema))
    {
      g_set_error_literal (error, DG_SCHEMA_FIELD_ERROR, DG_SCHEMA_FIELD_ERROR_NOT_OBJECT,
                           _ ("The schema must be a JSON object"));
      return NULL;
    }
  object = json_node_get_object (schema);
  if (json_object_has_member (object, "properties"))
    {
      JsonNode *node = json_object_get_member (object, "properties");

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error_literal (error, DG_SCHEMA_FIELD_ERROR, DG_SCHEMA_FIELD_ERROR_NOT_OBJECT,
                               _ ("“properties” must be a JSON object"));
          return NULL;
        }
      props = json_node_get_object (node);
    }

  required = g_hash_table_new (g_str_hash, g_str_equal);
  required_node = json_object_get_member (object, "required");
  if (required_node != NULL && JSON_NODE_HOLDS_ARRAY (required_node))
    {
      JsonArray *array = json_node_get_array (required_node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING)
            g_hash_table_add (required, (gpointer) json_node_get_string (item));
        }
    }

  store = g_list_store_new (DG_TYPE_SCHEMA_FIELD);
  if (props != NULL)
    {
      g_autoptr (GList) names = json_object_get_members (props);

      for (GList *l = names; l != NULL; l = l->next)
        {
          const char *name = l->data;
          JsonNode *node = json_object_get_member (props, name);
          g_autoptr (DgSchemaField) field = dg_schema_field_new (name, "");
          g_autoptr (JsonObject) constraints = json_object_new ();
          JsonObject *prop;

          if (!JSON_NODE_HOLDS_OBJECT (node))
            {
              g_set_error (error, DG_SCHEMA_FIELD_ERROR, DG_SCHEMA_FIELD_ERROR_NOT_OBJECT,
                           _ ("The schema of field “%s” must be a JSON object"), name);
              return NULL;
            }
          prop = json_node_get_object (node);
          {
            g_autoptr (GList) keys = json_object_get_members (prop);

            for (GList *k = keys; k != NULL; k = k->next)
              {
                const char *key = k->data;
                JsonNode *value = json_object_get_member (prop, key);

                if (g_str_equal (key, "type") && JSON_NODE_HOLDS_VALUE (value) &&
                    json_node_get_value_type (value) == G_TYPE_STRING)
                  dg_schema_field_set_field_type (field, json_node_get_string (value));
                else if (g_str_equal (key, "description") && JSON_NODE_HOLDS_VALUE (value) &&
                         json_node_get_value_type (value) == G_TYPE_STRING)
                  dg_schema_field_set_description (field, json_node_get_string (value));
                else
                  json_object_set_member (constraints, key, json_node_copy (value));
              }
          }
          if (json_object_get_size (constraints) > 0)
            {
              g_autoptr (JsonNode) wrapper =
                  json_node_init_object (json_node_alloc (), constraints);
              g_autofree char *text = to_compact_json (wrapper);

              dg_schema_field_set_constraints (field, text);
            }
          dg_schema_field_set_required (field, g_hash_table_contains (required, name));
          g_list_store_append (store, field);
        }
    }

  if (out_rest != NULL)
    {
      g_autoptr (GList) keys = json_object_get_members (object);

      rest = json_object_new ();
      for (GList *k = keys; k != NULL; k = k->next)
        if (!g_str_equal (k->data, "properties") && !g_str_equal (k->data, "required"))
          json_object_set_member (rest, k->data,
                                  json_node_copy (json_object_get_member (object, k->data)));
      *out_rest = g_steal_pointer (&rest);
    }
  return g_steal_pointer (&store);
}

JsonNode *
dg_schema_fields_to_schema (GListModel *fields, JsonObject *rest, GError **error)
{
  g_autoptr (JsonObject) object = json_object_new ();
  g_autoptr (JsonObject) props = json_object_new ();
  g_autoptr (JsonArray) required = json_array_new ();
  guint n = g_list_model_get_n_items (fields);

  if (rest != NULL)
    {
      g_autoptr (GList) keys = json_object_get_members (rest);

      for (GList *k = keys; k != NULL; k = k->next)
        if (!g_str_equal (k->data, "properties") && !g_str_equal (k->data, "required"))
          json_object_set_member (object, k->data,
                                  json_node_copy (json_object_get_member (rest, k->data)));
    }
  if (!json_object_has_member (object, "$schema"))
    json_object_set_string_member (object, "$schema", DRAFT_2020_12);
  if (!json_object_has_member (object, "type"))
    json_object_set_string_member (object, "type", "object");

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (DgSchemaField) field = g_list_model_get_item (fields, i);
      g_autoptr (JsonObject) prop = json_object_new ();
      g_autofree char *name = g_strstrip (g_strdup (field->name));

      if (*name == '\0')
        {
          g_set_error (error, DG_SCHEMA_FIELD_ERROR, DG_SCHEMA_FIELD_ERROR_NAME,
                       _ ("Field %u has no name"), i + 1);
          return NULL;
        }
      if (json_object_has_member (props, name))
        {
          g_set_error (error, DG_SCHEMA_FIELD_ERROR, DG_SCHEMA_FIELD_ERROR_NAME,
                       _ ("There are two fields named “%s”"), name);
          return NULL;
        }
      if (*field->field_type != '\0')
        json_object_set_string_member (prop, "type", field->field_type);
      if (*field->description != '\0')
        json_object_set_string_member (prop, "description", field->description);
      g_autofree char *constraints = g_strstrip (g_strdup (field->constraints));

      if (*constraints != '\0')
        {
          g_autoptr (JsonParser) parser = json_parser_new ();
          g_autoptr (GError) parse_error = NULL;
          JsonNode *root;

          if (!json_parser_load_from_data (parser, constraints, -1, &parse_error))
            {
              g_set_error (error, DG_SCHEMA_FIELD_ERROR, DG_SCHEMA_FIELD_ERROR_CONSTRAINTS,
                           _ ("The constraints of “%s” are not valid JSON: %s"), name,
                           parse_error->message);
              return NULL;
            }
          root = json_parser_get_root (parser);
          if (!JSON_NODE_HOLDS_OBJECT (root))
            {
              g_set_error (error, DG_SCHEMA_FIELD_ERROR, DG_SCHEMA_FIELD_ERROR_CONSTRAINTS,
                           _ ("The constraints of “%s” must be a JSON object such as "
                              "{\"minimum\": 0}"),
                           name);
              return NULL;
            }
          {
            JsonObject *extra = json_node_get_object (root);
            g_autoptr (GList) keys = json_object_get_members (extra);

            for (GList *k = keys; k != NULL; k = k->next)
              json_object_set_member (prop, k->data,
                                      json_node_copy (json_object_get_member (extra, k->data)));
          }
        }
      json_object_set_object_member (props, name, g_steal_pointer (&prop));
      if (field->required)
        json_array_add_string_element (required, name);
    }

  json_object_set_object_member (object, "properties", g_steal_pointer (&props));
  json_object_set_array_member (object, "required", g_steal_pointer (&required));
  if (!json_object_has_member (object, "additionalProperties"))
    json_object_set_boolean_member (object, "additionalProperties", FALSE);
  return json_node_init_object (json_node_alloc (), object);
}
