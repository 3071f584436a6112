/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define DG_SCHEMA_FIELD_ERROR (dg_schema_field_error_quark ())

typedef enum {
  DG_SCHEMA_FIELD_ERROR_NOT_OBJECT,     /* the schema or a property is not a JSON object */
  DG_SCHEMA_FIELD_ERROR_NAME,           /* an empty or repeated field name */
  DG_SCHEMA_FIELD_ERROR_CONSTRAINTS,    /* constraints are not a JSON object */
  DG_SCHEMA_FIELD_ERROR_INVALID,        /* the schema breaks the 2020-12 meta-schema or its JSON is bad */
} DgSchemaFieldError;

GQuark dg_schema_field_error_quark (void);

#define DG_TYPE_SCHEMA_FIELD (dg_schema_field_get_type ())
G_DECLARE_FINAL_TYPE (DgSchemaField, dg_schema_field, DG, SCHEMA_FIELD, GObject)

/*
 * DgSchemaField: one top-level property of a record schema, as the field form edits it:
 * name, type, required, description, and every other keyword ("constraints": minimum,
 * enum, format, items, …) as JSON object text.
 */
DgSchemaField *dg_schema_field_new             (const char    *name,
                                                const char    *field_type);
const char    *dg_schema_field_get_name        (DgSchemaField *self);
void           dg_schema_field_set_name        (DgSchemaField *self,
                                                const char    *name);
/* "string", "integer", "number", "boolean", "array", "object"; "" when "type" is not one string. */
const char    *dg_schema_field_get_field_type  (DgSchemaField *self);
void           dg_schema_field_set_field_type  (DgSchemaField *self,
                                                const char    *field_type);
gboolean       dg_schema_field_get_required    (DgSchemaField *self);
void           dg_schema_field_set_required    (DgSchemaField *self,
                                                gboolean       required);
const char    *dg_schema_field_get_description (DgSchemaField *self);
void           dg_schema_field_set_description (DgSchemaField *self,
                                                const char    *description);
/* Compact JSON object text, "" for none. */
const char    *dg_schema_field_get_constraints (DgSchemaField *self);
void           dg_schema_field_set_constraints (DgSchemaField *self,
                                                const char    *constraints);

/* The type names the form offers, NULL-terminated. */
const char * const *dg_schema_field_types      (void);

/*
 * Splits an object schema into fields (in "properties" order) and the other top-level
 * keywords (@out_rest: $schema, title, additionalProperties, …; "properties" and
 * "required" removed).
 */
GListStore    *dg_schema_fields_from_schema    (JsonNode      *schema,
                                                JsonObject   **out_rest,
                                                GError       **error);
/*
 * Builds the object schema back: @rest (nullable) first, with $schema (2020-12), "type":
 * "object" and "additionalProperties": false added when missing, then "properties" and
 * "required" from @fields.
 */
JsonNode      *dg_schema_fields_to_schema      (GListModel    *fields,
                                                JsonObject    *rest,
                                                GError       **error);

G_END_DECLS
