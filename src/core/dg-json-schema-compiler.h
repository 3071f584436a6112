/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dg-json-schema-private.h"

G_BEGIN_DECLS

/* Shared by dg-json-schema-compile.c (documents, references) and
 * dg-json-schema-keywords.c (one subschema's keywords). */

typedef struct {
  DgJsResource *resource;
  const char *base; /* interned */
  char *location;   /* JSON Pointer within the document */
} DgJsNodeInfo;

typedef struct {
  DgJsonSchema *result;
  DgJsonSchemaFlags flags;
  DgJsonSchemaResolver resolver;
  gpointer user_data;
  GHashTable *resources;     /* uri → DgJsResource* */
  GHashTable *info;          /* JsonNode* → DgJsNodeInfo* */
  GHashTable *compiled;      /* JsonNode* → DgJsSchema* */
  GHashTable *nodes;         /* DgJsSchema* → JsonNode* */
  GQueue queue;              /* JsonNode* waiting to be compiled */
  GHashTable *dynamic_names; /* names used by $dynamicRef that resolve dynamically */
  GStringChunk *strings;
  GError *error;
  char *error_location;
} DgJsCompiler;

/* Records the first error (at @location/@keyword); always returns FALSE. */
gboolean    dg_js_compiler_fail        (DgJsCompiler       *c,
                                        const char         *location,
                                        DgJsonSchemaError   code,
                                        const char         *keyword,
                                        const char         *format,
                                        ...) G_GNUC_PRINTF (5, 6);
/* The (possibly not yet compiled) schema for @node; NULL on error. */
DgJsSchema *dg_js_compiler_get_schema  (DgJsCompiler       *c,
                                        JsonNode           *node,
                                        const DgJsNodeInfo *fallback);
JsonNode   *dg_js_compiler_resolve     (DgJsCompiler       *c,
                                        const char         *reference,
                                        const DgJsNodeInfo *from,
                                        const char         *keyword,
                                        DgJsNodeInfo       *fallback,
                                        char              **fragment_out);

/* dg-json-schema-compile-cycles.c: FALSE (and the error recorded) on a reference cycle. */
gboolean    dg_js_compiler_check_cycles (DgJsCompiler      *c);

/* dg-json-schema-keywords.c */
void        dg_js_compile_node         (DgJsCompiler       *c,
                                        JsonNode           *node,
                                        DgJsSchema         *schema);

G_END_DECLS
