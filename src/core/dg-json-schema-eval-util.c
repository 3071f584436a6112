/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-json-schema"

#include "config.h"

#include <string.h>

#include "dg-json-schema-eval-private.h"

/* Annotations, messages and member iteration for the evaluator. */

/* ---- annotations ---- */

void
dg_js_annot_init (DgJsAnnot *a)
{
  a->all_props = FALSE;
  a->props = a->inline_props;
  a->n_props = 0;
  a->cap_props = G_N_ELEMENTS (a->inline_props);
  a->all_items = FALSE;
  a->prefix = 0;
  a->item_bits = NULL;
  a->n_item_bits = 0;
}

void
dg_js_annot_clear (DgJsAnnot *a)
{
  if (a->props != a->inline_props)
    g_free (a->props);
  g_free (a->item_bits);
}

gboolean
dg_js_annot_has_prop (const DgJsAnnot *a, const char *name)
{
  if (a->all_props)
    return TRUE;
  for (guint i = 0; i < a->n_props; i++)
    if (a->props[i] == name || strcmp (a->props[i], name) == 0)
      return TRUE;
  return FALSE;
}

void
dg_js_annot_add_prop (DgJsAnnot *a, const char *name)
{
  if (a == NULL || a->all_props || dg_js_annot_has_prop (a, name))
    return;
  if (a->n_props == a->cap_props)
    {
      a->cap_props *= 2;
      if (a->props == a->inline_props)
        a->props = g_memdup2 (a->inline_props, sizeof a->inline_props);
      a->props = g_renew (const char *, a->props, a->cap_props);
    }
  a->props[a->n_props++] = name;
}

void
dg_js_annot_set_item (DgJsAnnot *a, gsize index, gsize n_items)
{
  if (a->item_bits == NULL)
    {
      a->n_item_bits = n_items;
      a->item_bits = g_new0 (guint8, n_items);
    }
  if (index < a->n_item_bits)
    a->item_bits[index] = 1;
}

gboolean
dg_js_annot_has_item (const DgJsAnnot *a, gsize index)
{
  return a->all_items || index < a->prefix || (index < a->n_item_bits && a->item_bits[index]);
}

void
dg_js_annot_merge (DgJsAnnot *into, const DgJsAnnot *from)
{
  into->all_props |= from->all_props;
  for (guint i = 0; i < from->n_props; i++)
    dg_js_annot_add_prop (into, from->props[i]);
  into->all_items |= from->all_items;
  into->prefix = MAX (into->prefix, from->prefix);
  for (gsize i = 0; i < from->n_item_bits; i++)
    if (from->item_bits[i])
      dg_js_annot_set_item (into, i, from->n_item_bits);
}

/* ---- reporting ---- */

char *
dg_js_path_to_string (const DgJsPath *path, const char *last)
{
  const DgJsPath *frames[64];
  g_autofree const DgJsPath **heap = NULL;
  const DgJsPath **stack = frames;
  gsize n = 0, cap = G_N_ELEMENTS (frames);
  GString *s = g_string_new (NULL);

  for (const DgJsPath *p = path; p != NULL; p = p->parent)
    {
      if (n == cap)
        {
          cap *= 2;
          if (heap == NULL)
            stack = heap = g_memdup2 (frames, sizeof frames);
          stack = heap = g_renew (const DgJsPath *, heap, cap);
        }
      stack[n++] = p;
    }
  while (n > 0)
    {
      const DgJsPath *p = stack[--n];

      g_string_append_c (s, '/');
      if (p->key != NULL)
        for (const char *c = p->key; *c != '\0'; c++)
          {
            if (*c == '~')
              g_string_append (s, "~0");
            else if (*c == '/')
              g_string_append (s, "~1");
            else
              g_string_append_c (s, *c);
          }
      else
        g_string_append_printf (s, "%" G_GSIZE_FORMAT, p->index);
    }
  if (last != NULL)
    {
      g_string_append_c (s, '/');
      g_string_append (s, last);
    }
  return g_string_free (s, FALSE);
}

void
dg_js_report (DgJsCtx *ctx, const DgJsPath *ip, const DgJsPath *kp, const char *keyword,
              const char *format, ...)
{
  DgJsonSchemaIssue *issue;
  va_list args;

  if (ctx->errors == NULL || ctx->stopped)
    return;
  if (ctx->errors->len >= DG_JS_MAX_ISSUES)
    {
      /* a hostile value must not make a million issues: say so and stop */
      issue = g_new0 (DgJsonSchemaIssue, 1);
      issue->instance_location = g_strdup ("");
      issue->keyword_location = g_strdup ("");
      issue->message =
          g_strdup_printf ("more than %d errors; validation stopped here", DG_JS_MAX_ISSUES);
      g_ptr_array_add (ctx->errors, issue);
      ctx->stopped = TRUE;
      return;
    }
  issue = g_new0 (DgJsonSchemaIssue, 1);
  issue->instance_location = dg_js_path_to_string (ip, NULL);
  issue->keyword_location = dg_js_path_to_string (kp, keyword);
  va_start (args, format);
  issue->message = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (ctx->errors, issue);
}

/* A property name or string for a message: at most 60 characters. */
char *
dg_js_shorten (const char *text)
{
  const char *end = text;
  int n = 0;

  while (*end != '\0' && n < 60)
    {
      end = g_utf8_next_char (end);
      n++;
    }
  if (*end == '\0')
    return g_strdup (text);
  return g_strdup_printf ("%.*s…", (int) (end - text), text);
}

const char *
dg_js_type_name (guint t)
{
  if (t & DG_JS_T_INTEGER)
    return "integer";
  if (t & DG_JS_T_NUMBER)
    return "number";
  if (t & DG_JS_T_STRING)
    return "string";
  if (t & DG_JS_T_OBJECT)
    return "object";
  if (t & DG_JS_T_ARRAY)
    return "array";
  if (t & DG_JS_T_BOOLEAN)
    return "boolean";
  return "null";
}

char *
dg_js_type_list (guint types)
{
  static const guint order[] = { DG_JS_T_STRING, DG_JS_T_NUMBER, DG_JS_T_INTEGER, DG_JS_T_BOOLEAN,
                                 DG_JS_T_OBJECT, DG_JS_T_ARRAY,  DG_JS_T_NULL };
  GString *s = g_string_new (NULL);
  guint n = 0, total = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (order); i++)
    total += (types & order[i]) != 0;
  for (gsize i = 0; i < G_N_ELEMENTS (order); i++)
    if (types & order[i])
      {
        if (n > 0)
          g_string_append (s, n + 1 == total ? " or " : ", ");
        g_string_append (s, order[i] == DG_JS_T_NUMBER ? "number" : dg_js_type_name (order[i]));
        n++;
      }
  return g_string_free (s, FALSE);
}

/* ---- members ---- */

void
dg_js_members_init (DgJsMembers *m, JsonObject *object, gboolean ordered)
{
  m->object = object;
  m->ordered = ordered;
  m->list = m->l = ordered ? json_object_get_members (object) : NULL;
  if (!ordered)
    json_object_iter_init (&m->iter, object);
}

gboolean
dg_js_members_next (DgJsMembers *m, const char **name, JsonNode **value)
{
  if (!m->ordered)
    return json_object_iter_next (&m->iter, name, value);
  if (m->l == NULL)
    return FALSE;
  *name = m->l->data;
  *value = json_object_get_member (m->object, *name);
  m->l = m->l->next;
  return TRUE;
}

void
dg_js_members_clear (DgJsMembers *m)
{
  g_list_free (m->list);
}
