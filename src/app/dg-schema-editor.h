/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define DG_TYPE_SCHEMA_EDITOR (dg_schema_editor_get_type ())
G_DECLARE_FINAL_TYPE (DgSchemaEditor, dg_schema_editor, DG, SCHEMA_EDITOR, GtkWidget)

/*
 * DgSchemaEditor: a record schema shown two ways that stay in step: a form of fields
 * (name, type, required, description, constraints) and the JSON text. Problems (JSON
 * syntax, field mistakes, the 2020-12 meta-schema check) are listed inline. "valid" is
 * TRUE when the schema can be confirmed.
 */
GtkWidget  *dg_schema_editor_new          (void);
/* Replaces the schema being edited (copied); NULL starts a blank schema. */
void        dg_schema_editor_set_schema   (DgSchemaEditor *self,
                                           JsonNode       *schema);
/* The schema as edited now, or NULL with @error when it has a problem. */
JsonNode   *dg_schema_editor_dup_schema   (DgSchemaEditor *self,
                                           GError        **error);
gboolean    dg_schema_editor_get_valid    (DgSchemaEditor *self);
/* The field list the form edits (DgSchemaField items). */
GListModel *dg_schema_editor_get_fields   (DgSchemaEditor *self);
/* Appends a new empty field and opens it in the form. */
void        dg_schema_editor_add_field    (DgSchemaEditor *self);
/* The problems shown, one per line ("" when none). */
const char *dg_schema_editor_get_issues   (DgSchemaEditor *self);
/* Shows the "fields" or "json" view. */
void        dg_schema_editor_set_view     (DgSchemaEditor *self,
                                           const char     *view);
/* The JSON text view's buffer (the JSON view edits it). */
GtkTextBuffer *dg_schema_editor_get_json_buffer (DgSchemaEditor *self);
/* Applies pending JSON edits now instead of after the typing pause. */
void        dg_schema_editor_flush        (DgSchemaEditor *self);

G_END_DECLS
