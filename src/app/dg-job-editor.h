/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define DG_TYPE_JOB_EDITOR (dg_job_editor_get_type ())
G_DECLARE_FINAL_TYPE (DgJobEditor, dg_job_editor, DG, JOB_EDITOR, GtkWidget)

/*
 * DgJobEditor: the "new job" page. It collects and checks the request (title, description,
 * instructions, records, dataset mode, profile, model, parameters) and shows the drafted
 * schema in a DgSchemaEditor; it emits ::draft, ::cancel-draft, ::template and ::confirm and
 * the window talks to the engine, then reports back with the setters.
 */
GtkWidget  *dg_job_editor_new              (void);
/* Clears the form for a new job; @records and @dataset_mode are the defaults to show. */
void        dg_job_editor_reset            (DgJobEditor *self,
                                            int          records,
                                            gboolean     dataset_mode);
void        dg_job_editor_set_max_records  (DgJobEditor *self,
                                            int          max_records);

const char *dg_job_editor_get_title        (DgJobEditor *self);
const char *dg_job_editor_get_description  (DgJobEditor *self);
char       *dg_job_editor_dup_instructions (DgJobEditor *self);
int         dg_job_editor_get_records      (DgJobEditor *self);
gboolean    dg_job_editor_get_dataset_mode (DgJobEditor *self);
/* The advanced parameters: NULL when empty, an object, or NULL + @error when not an object. */
JsonObject *dg_job_editor_dup_parameters   (DgJobEditor *self,
                                            GError     **error);
/* The schema as edited, or NULL + @error. */
JsonNode   *dg_job_editor_dup_schema       (DgJobEditor *self,
                                            GError     **error);
/* Why the request cannot be sent yet, or NULL. */
const char *dg_job_editor_get_problem      (DgJobEditor *self);

/* Inference profiles: @ids and @names in the same order; the first one is selected. */
void        dg_job_editor_set_profiles     (DgJobEditor        *self,
                                            const char * const *ids,
                                            const char * const *names);
/* The id of the selected profile, or NULL. */
const char *dg_job_editor_get_profile_id   (DgJobEditor *self);
/* The models the selected profile's endpoint lists (NULL or empty: the provider default). */
void        dg_job_editor_set_models       (DgJobEditor        *self,
                                            const char * const *models);
/* Shows or hides the model row (the offline generator has no models). */
void        dg_job_editor_set_model_visible (DgJobEditor *self,
                                             gboolean     visible);
/* The selected model, or NULL for the provider default. */
const char *dg_job_editor_get_model        (DgJobEditor *self);
/* Built-in templates offered in the Templates menu (id → title). */
void        dg_job_editor_add_template     (DgJobEditor *self,
                                            const char  *id,
                                            const char  *title);

/* Drafting state: spinner and Cancel while TRUE. */
void        dg_job_editor_set_drafting     (DgJobEditor *self,
                                            gboolean     drafting);
gboolean    dg_job_editor_get_drafting     (DgJobEditor *self);
/* Shows a schema (drafted, from a template or blank) and the estimate line (nullable). */
void        dg_job_editor_set_schema       (DgJobEditor *self,
                                            JsonNode    *schema,
                                            const char  *estimate);
gboolean    dg_job_editor_has_schema       (DgJobEditor *self);
/* A message under the buttons: an error (red) or information; NULL hides it. */
void        dg_job_editor_set_message      (DgJobEditor *self,
                                            const char  *message,
                                            gboolean     is_error);
/* The embedded schema editor (for tests and the window). */
GtkWidget  *dg_job_editor_get_schema_editor (DgJobEditor *self);

G_END_DECLS
