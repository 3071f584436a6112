/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dg-json-schema.h"

G_BEGIN_DECLS

/*
 * Internals of dg-json-schema, shared by its files:
 *   dg-json-schema.c          public API, issues, meta-schema check
 *   dg-json-schema-compile.c  documents, resources, $id/$anchor scan, keyword compilation
 *   dg-json-schema-eval.c     the evaluator (thread-safe, allocation-free when valid)
 *   dg-json-schema-value.c    JSON equality/hash, exact number comparison, multipleOf
 *   dg-json-schema-uri.c      RFC 3986 references, uri/iri formats
 *   dg-json-schema-regex.c    ECMA-262 → PCRE2 translation
 *   dg-json-schema-format*.c  format checkers
 */

/* Limits that keep hostile schemas and values from exhausting the stack. */
#define DG_JS_MAX_EVAL_DEPTH   1000 /* nested schema evaluations per validation */
#define DG_JS_MAX_SCHEMA_DEPTH 1000 /* nesting of the schema document itself */
#define DG_JS_MAX_VALUE_DEPTH  1000 /* nesting compared by const/enum/uniqueItems */
#define DG_JS_MAX_ISSUES       100  /* issues reported per validation */

/* Type bits; an integer-valued number has both NUMBER and INTEGER. */
enum {
  DG_JS_T_NULL = 1 << 0,
  DG_JS_T_BOOLEAN = 1 << 1,
  DG_JS_T_OBJECT = 1 << 2,
  DG_JS_T_ARRAY = 1 << 3,
  DG_JS_T_NUMBER = 1 << 4,
  DG_JS_T_STRING = 1 << 5,
  DG_JS_T_INTEGER = 1 << 6,
};

/* Vocabularies a schema resource uses (from its meta-schema's $vocabulary). */
enum {
  DG_JS_VOCAB_APPLICATOR = 1 << 0,
  DG_JS_VOCAB_UNEVALUATED = 1 << 1,
  DG_JS_VOCAB_VALIDATION = 1 << 2,
  DG_JS_VOCAB_FORMAT_ASSERTION = 1 << 3,
  DG_JS_VOCAB_ALL = DG_JS_VOCAB_APPLICATOR | DG_JS_VOCAB_UNEVALUATED | DG_JS_VOCAB_VALIDATION,
};

typedef enum {
  DG_JS_DIALECT_2020_12,
  DG_JS_DIALECT_2019_09, /* items as array, additionalItems, no prefixItems/$dynamicRef */
  DG_JS_DIALECT_DRAFT7,  /* as 2019-09, plus "dependencies" and $ref hiding its siblings */
} DgJsDialect;

/* A number from a schema or a value: exactly one of the two representations. */
typedef struct {
  gboolean is_int;
  gint64 i;
  double d;
} DgJsNum;

/* A finite decimal: value = digits × 10^exponent, digits without leading zeros. */
typedef struct {
  gboolean negative;
  char digits[32];
  int n_digits;
  int exponent;
} DgJsDecimal;

typedef struct _DgJsSchema DgJsSchema;
typedef struct _DgJsResource DgJsResource;

typedef gboolean (*DgJsFormatFunc) (const char *value, gsize length);

/* Names and sources point into the documents the DgJsonSchema keeps. */
typedef struct {
  const char *name;
  DgJsSchema *schema;
  gboolean required; /* also in "required" */
} DgJsProp;

typedef struct _DgJsDfa DgJsDfa;

typedef struct {
  const char *source;
  GRegex *regex;
  DgJsDfa *dfa;       /* the fast path, when the pattern allows (dg-json-schema-dfa.c) */
  DgJsSchema *schema; /* NULL for "pattern" itself */
} DgJsPattern;

typedef struct {
  const char *name;
  const char **required;
  guint n_required;
  guint n_required_in_properties; /* distinct; 0 unless every required name is a property */
} DgJsDependent;

typedef struct {
  const char *name;
  DgJsSchema *schema;
} DgJsDepSchema;

/* Keyword presence bits (what DgJsSchema fields are set). */
enum {
  DG_JS_K_MINIMUM = 1 << 0,
  DG_JS_K_MAXIMUM = 1 << 1,
  DG_JS_K_EXCL_MINIMUM = 1 << 2,
  DG_JS_K_EXCL_MAXIMUM = 1 << 3,
  DG_JS_K_MULTIPLE_OF = 1 << 4,
  DG_JS_K_MIN_LENGTH = 1 << 5,
  DG_JS_K_MAX_LENGTH = 1 << 6,
  DG_JS_K_MIN_ITEMS = 1 << 7,
  DG_JS_K_MAX_ITEMS = 1 << 8,
  DG_JS_K_MIN_PROPERTIES = 1 << 9,
  DG_JS_K_MAX_PROPERTIES = 1 << 10,
  DG_JS_K_MIN_CONTAINS = 1 << 11,
  DG_JS_K_MAX_CONTAINS = 1 << 12,
  DG_JS_K_UNIQUE_ITEMS = 1 << 13,
  DG_JS_K_CONST = 1 << 14,
  DG_JS_K_ENUM = 1 << 15,
  DG_JS_K_ITEMS_ALL = 1 << 16, /* "items" (or 2019-09 "additionalItems") applies past prefix */
};

struct _DgJsSchema {
  gboolean is_bool;
  gboolean bool_value;
  guint32 keywords;    /* DG_JS_K_* */
  guint types;         /* DG_JS_T_* accepted by "type"; 0 when absent */
  DgJsResource *resource;
  char *location;      /* JSON Pointer of this schema in its document, for messages */
  gboolean collects;   /* has unevaluatedProperties/unevaluatedItems: needs annotations */

  /* core */
  DgJsSchema *ref;
  DgJsSchema *dynamic_ref;    /* static target of $dynamicRef */
  char *dynamic_anchor;       /* set when the target bears this $dynamicAnchor */

  /* validation */
  DgJsNum minimum, maximum, exclusive_minimum, exclusive_maximum, multiple_of;
  DgJsDecimal multiple_of_decimal;
  gint64 min_length, max_length, min_items, max_items, min_properties, max_properties;
  gint64 min_contains, max_contains;
  JsonNode *const_value;
  JsonNode **enum_values;
  const char **enum_strings_list; /* per value: the string, or NULL for other values */
  guint n_enum;
  GHashTable *enum_strings; /* string members of enum, for large enums */
  DgJsPattern *pattern;
  const char **required;
  guint n_required;
  guint n_required_in_properties; /* distinct; 0 unless every required name is a property */
  DgJsDependent *dependent_required;
  guint n_dependent_required;

  /* format */
  const char *format_name;
  DgJsFormatFunc format;
  gboolean format_assert;

  /* applicator */
  DgJsSchema **all_of, **any_of, **one_of;
  guint n_all_of, n_any_of, n_one_of;
  DgJsSchema *not_schema, *if_schema, *then_schema, *else_schema;
  DgJsProp *properties;
  guint n_properties;
  GHashTable *properties_index; /* name → DgJsProp*, for objects with many members */
  DgJsPattern *pattern_properties;
  guint n_pattern_properties;
  DgJsSchema *additional_properties;
  DgJsSchema *property_names;
  DgJsDepSchema *dependent_schemas;
  guint n_dependent_schemas;
  DgJsSchema **prefix_items;
  guint n_prefix_items;
  const char *prefix_keyword; /* "prefixItems", or "items" in 2019-09 */
  DgJsSchema *items;
  const char *items_keyword;  /* "items", or "additionalItems" in 2019-09 */
  DgJsSchema *contains;

  /* unevaluated */
  DgJsSchema *unevaluated_properties;
  DgJsSchema *unevaluated_items;
};

/* A schema resource: a document root or a subschema with $id. */
struct _DgJsResource {
  char *uri;                  /* absolute, without fragment */
  JsonNode *node;
  GHashTable *anchors;        /* name → JsonNode* ($anchor and $dynamicAnchor) */
  GHashTable *dynamic_nodes;  /* name → JsonNode* ($dynamicAnchor) */
  GHashTable *dynamic;        /* name → DgJsSchema*, compiled */
  guint vocab;
  DgJsDialect dialect;
  gboolean vocab_known;
};

struct _DgJsonSchema {
  gatomicrefcount ref_count;
  DgJsonSchemaFlags flags;
  DgJsSchema *root;
  GPtrArray *schemas;    /* every DgJsSchema, owned */
  GPtrArray *resources;  /* every DgJsResource, owned */
  GPtrArray *documents;  /* JsonNode roots the schemas point into, owned */
};

/* dg-json-schema-compile.c */
DgJsonSchema *dg_js_compile (JsonNode             *schema,
                             const char           *base_uri,
                             DgJsonSchemaFlags     flags,
                             DgJsonSchemaResolver  resolver,
                             gpointer              user_data,
                             char                **error_location,
                             GError              **error);
void          dg_js_free    (DgJsonSchema *self);

/* dg-json-schema.c: the built-in meta-schemas (https://json-schema.org/draft/…), parsed once. */
JsonNode *dg_js_builtin_document (const char *uri);

/* dg-json-schema-eval.c */
gboolean dg_js_validate (DgJsonSchema *self,
                         JsonNode     *instance,
                         GPtrArray    *errors);

/* dg-json-schema-value.c */
guint    dg_js_type_of          (JsonNode *node);
gboolean dg_js_num_from_node    (JsonNode *node,
                                 DgJsNum  *out);
int      dg_js_num_compare      (const DgJsNum *a,
                                 const DgJsNum *b);
gboolean dg_js_num_to_decimal   (const DgJsNum *num,
                                 DgJsDecimal   *out);
gboolean dg_js_is_multiple_of   (const DgJsNum     *value,
                                 const DgJsNum     *divisor,
                                 const DgJsDecimal *divisor_decimal);
char    *dg_js_num_to_string    (const DgJsNum *num);
/* -1 when too deeply nested to compare */
int      dg_js_equal            (JsonNode *a,
                                 JsonNode *b,
                                 guint     depth);
guint    dg_js_hash             (JsonNode *node,
                                 guint     depth);
char    *dg_js_value_to_string  (JsonNode *node,
                                 gsize     max_length);
/* "[v1,v2,…]" of @values, shortened like dg_js_value_to_string(). */
char    *dg_js_values_to_string (JsonNode *const *values,
                                 guint            n_values,
                                 gsize            max_length);

/* dg-json-schema-uri.c */
char    *dg_js_uri_resolve      (const char *base,
                                 const char *reference);
char    *dg_js_uri_strip_fragment (const char *uri,
                                   char      **fragment);
char    *dg_js_pointer_escape   (const char *token);
gboolean dg_js_format_uri       (const char *s, gsize len);
gboolean dg_js_format_uri_reference (const char *s, gsize len);
gboolean dg_js_format_iri       (const char *s, gsize len);
gboolean dg_js_format_iri_reference (const char *s, gsize len);
gboolean dg_js_format_uri_template (const char *s, gsize len);

/* dg-json-schema-regex.c */
GRegex  *dg_js_regex_compile    (const char  *pattern,
                                 GError     **error);
gboolean dg_js_regex_is_valid   (const char  *pattern);
gboolean dg_js_format_regex     (const char *s, gsize len);

/* dg-json-schema-dfa.c */
DgJsDfa *dg_js_dfa_compile      (const char    *pattern);
gboolean dg_js_dfa_match        (const DgJsDfa *dfa,
                                 const char    *s,
                                 gsize          length);
void     dg_js_dfa_free         (DgJsDfa       *dfa);

static inline gboolean
dg_js_pattern_match (const DgJsPattern *pattern,
                     const char        *s,
                     gsize              length)
{
  if (pattern->dfa != NULL)
    return dg_js_dfa_match (pattern->dfa, s, length);
  return g_regex_match_full (pattern->regex, s, length, 0, 0, NULL, NULL);
}

/* dg-json-schema-format.c */
DgJsFormatFunc dg_js_format_lookup (const char *name);
gboolean dg_js_format_ipv4      (const char *s, gsize len);
gboolean dg_js_format_ipv6      (const char *s, gsize len);

/* dg-json-schema-format-idn.c */
gboolean dg_js_format_hostname     (const char *s, gsize len);
gboolean dg_js_format_idn_hostname (const char *s, gsize len);
gboolean dg_js_format_email        (const char *s, gsize len);
gboolean dg_js_format_idn_email    (const char *s, gsize len);

G_END_DECLS
