/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dg-json-schema-private.h"

G_BEGIN_DECLS

/* Shared by the evaluator's files: dg-json-schema-eval.c (schemas, strings, numbers,
 * in-place applicators), dg-json-schema-eval-object.c (objects and arrays) and
 * dg-json-schema-eval-util.c (annotations, messages). */

typedef struct _DgJsPath DgJsPath;
struct _DgJsPath
{
  const DgJsPath *parent;
  const char *key; /* NULL: an array index */
  gsize index;
};

#define KEY(var, parent_, key_) DgJsPath var = { (parent_), (key_), 0 }
#define INDEX(var, parent_, index_) DgJsPath var = { (parent_), NULL, (index_) }

typedef struct _DgJsScope DgJsScope;
struct _DgJsScope
{
  const DgJsScope *parent;
  DgJsResource *resource;
};

typedef struct
{
  GPtrArray *errors; /* NULL: stop at the first failure */
  gboolean stopped;  /* DG_JS_MAX_ISSUES reached: finish as if errors were NULL */
  const DgJsScope *scope;
  guint depth;
} DgJsCtx;

typedef struct
{
  gboolean all_props;
  const char **props;
  guint n_props, cap_props;
  const char *inline_props[8];
  gboolean all_items;
  gsize prefix;
  guint8 *item_bits; /* items matched by contains */
  gsize n_item_bits;
} DgJsAnnot;

typedef struct
{
  JsonObject *object;
  JsonObjectIter iter;
  gboolean ordered;
  GList *list, *l;
} DgJsMembers;

#define CHECK(expr)              \
  G_STMT_START                   \
  {                              \
    if (!(expr))                 \
      {                          \
        valid = FALSE;                              \
        if (ctx->errors == NULL || ctx->stopped)    \
          goto out;                                 \
      }                          \
  }                              \
  G_STMT_END

void        dg_js_annot_init     (DgJsAnnot       *a);
void        dg_js_annot_clear    (DgJsAnnot       *a);
gboolean    dg_js_annot_has_prop (const DgJsAnnot *a,
                                  const char      *name);
void        dg_js_annot_add_prop (DgJsAnnot       *a,
                                  const char      *name);
void        dg_js_annot_set_item (DgJsAnnot       *a,
                                  gsize            index,
                                  gsize            n_items);
gboolean    dg_js_annot_has_item (const DgJsAnnot *a,
                                  gsize            index);
void        dg_js_annot_merge    (DgJsAnnot       *into,
                                  const DgJsAnnot *from);

/* Adds an issue when ctx->errors collects them; @keyword is appended to @kp. */
void        dg_js_report         (DgJsCtx         *ctx,
                                  const DgJsPath  *ip,
                                  const DgJsPath  *kp,
                                  const char      *keyword,
                                  const char      *format,
                                  ...) G_GNUC_PRINTF (5, 6);
char       *dg_js_path_to_string (const DgJsPath  *path,
                                  const char      *last);
char       *dg_js_shorten        (const char      *text);
const char *dg_js_type_name      (guint            type);
char       *dg_js_type_list      (guint            types);

void        dg_js_members_init   (DgJsMembers     *m,
                                  JsonObject      *object,
                                  gboolean         ordered);
gboolean    dg_js_members_next   (DgJsMembers     *m,
                                  const char     **name,
                                  JsonNode       **value);
void        dg_js_members_clear  (DgJsMembers     *m);

gboolean    dg_js_eval           (DgJsCtx          *ctx,
                                  const DgJsSchema *s,
                                  JsonNode         *inst,
                                  const DgJsPath   *ip,
                                  const DgJsPath   *kp,
                                  DgJsAnnot        *annot);
gboolean    dg_js_probe          (DgJsCtx          *ctx,
                                  const DgJsSchema *s,
                                  JsonNode         *inst,
                                  const DgJsPath   *ip,
                                  const DgJsPath   *kp,
                                  DgJsAnnot        *annot);
gboolean    dg_js_eval_child     (DgJsCtx          *ctx,
                                  const DgJsSchema *s,
                                  JsonNode         *inst,
                                  const DgJsPath   *ip,
                                  const DgJsPath   *kp,
                                  const char       *what);
gboolean    dg_js_eval_object    (DgJsCtx          *ctx,
                                  const DgJsSchema *s,
                                  JsonNode         *inst,
                                  const DgJsPath   *ip,
                                  const DgJsPath   *kp,
                                  DgJsAnnot        *a);
gboolean    dg_js_eval_array     (DgJsCtx          *ctx,
                                  const DgJsSchema *s,
                                  JsonNode         *inst,
                                  const DgJsPath   *ip,
                                  const DgJsPath   *kp,
                                  DgJsAnnot        *a);

G_END_DECLS
