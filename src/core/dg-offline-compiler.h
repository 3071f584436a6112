/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dg-offline-private.h"

G_BEGIN_DECLS

/* State shared by dg-offline-compile.c (references, applicators) and dg-offline-keywords.c. */
typedef struct
{
  DgOfflineGenerator *gen;
  GHashTable *pointers;  /* JsonNode* -> const char* */
  GHashTable *bases;     /* JsonNode* -> const char* */
  GHashTable *resources; /* const char* URI -> JsonNode* */
  GHashTable *anchors;   /* const char* "URI#name" -> JsonNode* */
  GHashTable *memo;      /* JsonNode* -> DgPlan*, or IN_PROGRESS */
  GPtrArray *refs;       /* REF plans to resolve at the end */
  const DgHint *context; /* hint of the property being compiled, for nested "name"s */
  guint depth;
} Compiler;

gboolean    dg_compiler_fail              (GError            **error,
                                           DgOfflineError      code,
                                           const char         *pointer,
                                           const char         *format,
                                           ...) G_GNUC_PRINTF (4, 5);
const char *dg_compiler_pointer_append    (DgOfflineGenerator *gen,
                                           const char         *pointer,
                                           const char         *token);
DgPlan     *dg_compiler_compile           (Compiler           *c,
                                           JsonNode           *node,
                                           GError            **error);
DgPlan     *dg_compiler_keywords          (Compiler           *c,
                                           JsonNode           *node,
                                           const char         *pointer,
                                           GError            **error);
DgProp     *dg_compiler_find_prop         (DgPlan             *plan,
                                           const char         *name);
DgProp     *dg_compiler_add_implicit_prop (Compiler           *c,
                                           DgPlan             *plan,
                                           const char         *name,
                                           GError            **error);

G_END_DECLS
