/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * dg-templates: built-in JSON Schemas (draft 2020-12) of common domains, for
 * drafting without a model. Every template is an object schema with
 * "$schema", "title", "description", "properties" (each with a string
 * "type"), "required" and "additionalProperties": false, so it passes the
 * confirm-time sanitiser unchanged. The last entry is the blank schema.
 */

#define DG_TEMPLATES_ERROR (dg_templates_error_quark ())

typedef enum {
  DG_TEMPLATES_ERROR_NOT_FOUND, /* no template has that id */
} DgTemplatesError;

GQuark dg_templates_error_quark (void);

#define DG_TEMPLATE_BLANK_ID "blank"

typedef struct
{
  const char *id;                /* stable, e.g. "support_tickets" */
  const char *title;             /* English; show dg_template_get_title() */
  const char *description;       /* English; show dg_template_get_description() */
  const char *const *keywords;   /* lower-case ASCII stems matched against descriptions */
} DgTemplate;

/* All templates (static, never free), the blank schema last. */
const DgTemplate *dg_templates_list            (guint             *n_templates);
/* The template with @id, or NULL. */
const DgTemplate *dg_templates_lookup          (const char        *id);
/* Title and description translated to the user's language. */
const char       *dg_template_get_title        (const DgTemplate  *self);
const char       *dg_template_get_description  (const DgTemplate  *self);
/* A new copy of the template's schema; DG_TEMPLATES_ERROR_NOT_FOUND for an unknown id. */
JsonNode         *dg_templates_get_schema      (const char        *id,
                                                GError           **error);
/* A new copy of {"$schema":…,"type":"object","properties":{},"required":[],"additionalProperties":false}. */
JsonNode         *dg_templates_blank_schema    (void);

/*
 * Picks the template whose keywords best match a free-text dataset description
 * (English or Romanian, diacritics ignored), for drafting when no model is
 * configured. Returns the blank template when nothing matches; *@score (if not
 * NULL) receives the number of matched keywords (0 for blank).
 */
const DgTemplate *dg_templates_suggest         (const char        *description,
                                                guint             *score);
/* dg_templates_suggest() then dg_templates_get_schema(): never NULL. */
JsonNode         *dg_templates_suggest_schema  (const char        *description,
                                                const char       **template_id);

G_END_DECLS
