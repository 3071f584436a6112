/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dg-schema-field.h"

G_BEGIN_DECLS

#define DG_TYPE_SCHEMA_FIELD_ROW (dg_schema_field_row_get_type ())
G_DECLARE_FINAL_TYPE (DgSchemaFieldRow, dg_schema_field_row, DG, SCHEMA_FIELD_ROW, AdwExpanderRow)

/* One field of the schema form, bound both ways to its DgSchemaField. Emits ::remove. */
GtkWidget     *dg_schema_field_row_new       (DgSchemaField    *field);
DgSchemaField *dg_schema_field_row_get_field (DgSchemaFieldRow *self);

G_END_DECLS
