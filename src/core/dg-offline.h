/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * dg-offline: the built-in record generator that needs no model.
 *
 * A JSON Schema (draft 2020-12) is compiled once into a generation plan;
 * generating is then a pure function of (schema, seed, index): the same
 * triple always gives the same record, on any thread. Records are meant
 * to be valid against the schema and to look realistic (names, emails on
 * example.com, reserved phone ranges, dates, prices, …) based on formats
 * and property-name hints.
 */

#define DG_OFFLINE_ERROR (dg_offline_error_quark ())

typedef enum {
  DG_OFFLINE_ERROR_INVALID_SCHEMA, /* a keyword has the wrong type or value */
  DG_OFFLINE_ERROR_UNSUPPORTED,    /* valid JSON Schema the generator cannot handle */
  DG_OFFLINE_ERROR_UNSATISFIABLE,  /* no instance can satisfy the schema */
  DG_OFFLINE_ERROR_FAILED,         /* generation gave up after its bounded retries */
} DgOfflineError;

GQuark dg_offline_error_quark (void);

typedef struct _DgOfflineGenerator DgOfflineGenerator;

DgOfflineGenerator *dg_offline_generator_new      (JsonNode            *schema,
                                                   GError             **error);
DgOfflineGenerator *dg_offline_generator_ref      (DgOfflineGenerator  *self);
void                dg_offline_generator_unref    (DgOfflineGenerator  *self);
JsonNode           *dg_offline_generator_generate (DgOfflineGenerator  *self,
                                                   guint64              seed,
                                                   gint64               index,
                                                   GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DgOfflineGenerator, dg_offline_generator_unref)

G_END_DECLS
