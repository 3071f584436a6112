/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define DG_JSON_SCHEMA_ERROR (dg_json_schema_error_quark ())

typedef enum {
  DG_JSON_SCHEMA_ERROR_INVALID,     /* a keyword has a value of the wrong kind ("minimum": "5") */
  DG_JSON_SCHEMA_ERROR_REF,         /* a $ref/$dynamicRef/$schema cannot be resolved */
  DG_JSON_SCHEMA_ERROR_REF_CYCLE,   /* $refs that apply to the same value forever */
  DG_JSON_SCHEMA_ERROR_PATTERN,     /* a pattern that is not ECMA-262 or that GRegex cannot run */
  DG_JSON_SCHEMA_ERROR_VOCABULARY,  /* the meta-schema requires a vocabulary we do not know */
  DG_JSON_SCHEMA_ERROR_TOO_DEEP,    /* the schema document is nested too deeply */
  DG_JSON_SCHEMA_ERROR_METASCHEMA,  /* the built-in meta-schemas are missing or broken */
} DgJsonSchemaError;

GQuark dg_json_schema_error_quark (void);

typedef enum {
  DG_JSON_SCHEMA_NONE = 0,
  /* Fail values that do not match their "format" (date-time, email, uri, …). By default
   * format is an annotation only, as draft 2020-12 says. */
  DG_JSON_SCHEMA_FORMAT_ASSERT = 1 << 0,
} DgJsonSchemaFlags;

/* One validation failure. Locations are JSON Pointers ("" is the whole value). */
typedef struct {
  char *instance_location; /* where in the value, e.g. "/address/zip" */
  char *keyword_location;  /* which keyword failed, through $refs, e.g. "/properties/age/maximum" */
  char *message;           /* short and actionable, e.g. "must be ≤ 120" */
} DgJsonSchemaIssue;

void  dg_json_schema_issue_free      (DgJsonSchemaIssue *issue);
/* One line for a person: `/age: must be ≤ 120 (at /properties/age/maximum)`. */
char *dg_json_schema_issue_to_string (const DgJsonSchemaIssue *issue);
/* The first @max_issues (0: all) issues as one line joined with "; ", then "(and N more)":
 * for a failed record's reason or a re-ask prompt. */
char *dg_json_schema_issues_join     (GPtrArray               *issues,
                                      guint                    max_issues);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DgJsonSchemaIssue, dg_json_schema_issue_free)

/*
 * Looks up a schema document that a $ref names by absolute URI (no fragment), e.g. to map
 * http://localhost:1234/ to a folder. Return a new reference, or NULL: with @error set to
 * fail compilation with that error, without it for "no such document".
 */
typedef JsonNode *(*DgJsonSchemaResolver) (const char  *uri,
                                           gpointer     user_data,
                                           GError     **error);

/*
 * DgJsonSchema: a JSON Schema (draft 2020-12) compiled once into a validator.
 *
 * All $refs are resolved and all patterns compiled when it is created; afterwards it is
 * immutable, so any number of threads may validate with the same object at once.
 * Reference counted.
 */
typedef struct _DgJsonSchema DgJsonSchema;

GType         dg_json_schema_get_type    (void) G_GNUC_CONST;
#define DG_TYPE_JSON_SCHEMA (dg_json_schema_get_type ())

DgJsonSchema *dg_json_schema_new         (JsonNode              *schema,
                                          DgJsonSchemaFlags      flags,
                                          GError               **error);
DgJsonSchema *dg_json_schema_new_full    (JsonNode              *schema,
                                          const char            *base_uri,
                                          DgJsonSchemaFlags      flags,
                                          DgJsonSchemaResolver   resolver,
                                          gpointer               user_data,
                                          GError               **error);
DgJsonSchema *dg_json_schema_ref         (DgJsonSchema          *self);
void          dg_json_schema_unref       (DgJsonSchema          *self);

/*
 * Validates @instance. With @errors NULL it stops at the first failure (the cheap check);
 * otherwise *@errors receives a new GPtrArray of DgJsonSchemaIssue (free with
 * g_ptr_array_unref), empty when valid.
 */
gboolean      dg_json_schema_validate    (DgJsonSchema          *self,
                                          JsonNode              *instance,
                                          GPtrArray            **errors);

/*
 * Checks that @schema is a valid draft 2020-12 schema: against the built-in meta-schemas
 * (with format assertion, so bad patterns and URIs are caught) and then by compiling it
 * (unresolvable $refs, $ref cycles, patterns GRegex cannot run). Returns TRUE when valid;
 * FALSE with *@issues (if not NULL) listing what is wrong, where instance_location points
 * into @schema. @error is set only when the check itself cannot run.
 */
gboolean      dg_json_schema_check_schema (JsonNode             *schema,
                                           GPtrArray           **issues,
                                           GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DgJsonSchema, dg_json_schema_unref)

G_END_DECLS
