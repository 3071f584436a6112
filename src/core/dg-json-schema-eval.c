/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-json-schema"

#include "config.h"

#include <string.h>

#include "dg-json-schema-eval-private.h"

/*
 * The evaluator. It only reads the compiled schema, so any number of threads may run it
 * on one DgJsonSchema. Instance and keyword locations are chains of stack frames that
 * become strings only when an error is reported, so a valid value costs no allocation
 * (except for propertyNames, which needs a string node, and large uniqueItems arrays).
 *
 * Annotations for unevaluatedProperties/unevaluatedItems are collected only below a
 * schema that has one of them: such a schema passes an DgJsAnnot to its in-place subschemas
 * ($ref, allOf, …); conditional ones (anyOf, oneOf, if, contains) fill a fresh DgJsAnnot that
 * is merged only when they pass.
 */

/* ---- evaluation ---- */

/* Runs @s without collecting errors: for anyOf, oneOf, not, if and contains. */
gboolean
dg_js_probe (DgJsCtx *ctx, const DgJsSchema *s, JsonNode *inst, const DgJsPath *ip,
             const DgJsPath *kp, DgJsAnnot *annot)
{
  GPtrArray *errors = ctx->errors;
  gboolean ok;

  ctx->errors = NULL;
  ok = dg_js_eval (ctx, s, inst, ip, kp, annot);
  ctx->errors = errors;
  return ok;
}

/* A subschema for a member or item, with a readable message when it is `false`. */
gboolean
dg_js_eval_child (DgJsCtx *ctx, const DgJsSchema *s, JsonNode *inst, const DgJsPath *ip,
                  const DgJsPath *kp, const char *what)
{
  if (s->is_bool && !s->bool_value)
    {
      if (ctx->errors != NULL)
        {
          if (ip->key != NULL)
            {
              g_autofree char *name = dg_js_shorten (ip->key);

              dg_js_report (ctx, ip, kp, NULL, "%s “%s” is not allowed", what, name);
            }
          else
            dg_js_report (ctx, ip, kp, NULL, "%s %" G_GSIZE_FORMAT " is not allowed", what,
                          ip->index);
        }
      return FALSE;
    }
  return dg_js_eval (ctx, s, inst, ip, kp, NULL);
}

static gsize
utf8_length_at_most (const char *s, gsize bytes)
{
  gsize n = 0;

  for (gsize i = 0; i < bytes; i++)
    n += ((guchar) s[i] & 0xC0) != 0x80;
  return n;
}

static gboolean
eval_string (DgJsCtx *ctx, const DgJsSchema *s, JsonNode *inst, const DgJsPath *ip,
             const DgJsPath *kp)
{
  const char *str = json_node_get_string (inst);
  gsize bytes = 0;
  gboolean valid = TRUE;

  if (s->keywords & (DG_JS_K_MIN_LENGTH | DG_JS_K_MAX_LENGTH))
    {
      gsize length;

      bytes = strlen (str);
      /* code points lie between bytes/4 and bytes: count only when that decides */
      if (((s->keywords & DG_JS_K_MAX_LENGTH) && (gint64) bytes > s->max_length) ||
          ((s->keywords & DG_JS_K_MIN_LENGTH) && (gint64) (bytes / 4) < s->min_length))
        {
          length = utf8_length_at_most (str, bytes);
          if ((s->keywords & DG_JS_K_MIN_LENGTH) && (gint64) length < s->min_length)
            {
              dg_js_report (ctx, ip, kp, "minLength",
                            "must be at least %" G_GINT64_FORMAT " character%s long", s->min_length,
                            s->min_length == 1 ? "" : "s");
              valid = FALSE;
              if (ctx->errors == NULL)
                return FALSE;
            }
          if ((s->keywords & DG_JS_K_MAX_LENGTH) && (gint64) length > s->max_length)
            {
              dg_js_report (ctx, ip, kp, "maxLength",
                            "must be at most %" G_GINT64_FORMAT " character%s long", s->max_length,
                            s->max_length == 1 ? "" : "s");
              valid = FALSE;
              if (ctx->errors == NULL)
                return FALSE;
            }
        }
    }
  if (s->pattern != NULL && bytes == 0)
    bytes = strlen (str);
  if (s->pattern != NULL && !dg_js_pattern_match (s->pattern, str, bytes))
    {
      g_autofree char *source = dg_js_shorten (s->pattern->source);

      dg_js_report (ctx, ip, kp, "pattern", "must match the pattern “%s”", source);
      valid = FALSE;
      if (ctx->errors == NULL)
        return FALSE;
    }
  if (s->format_assert)
    {
      if (bytes == 0)
        bytes = strlen (str);
      if (!s->format (str, bytes))
        {
          dg_js_report (ctx, ip, kp, "format", "must be a valid %s", s->format_name);
          valid = FALSE;
        }
    }
  return valid;
}

static gboolean
eval_number (DgJsCtx *ctx, const DgJsSchema *s, JsonNode *inst, const DgJsPath *ip,
             const DgJsPath *kp)
{
  gboolean valid = TRUE;
  DgJsNum n;

  if (!(s->keywords & (DG_JS_K_MINIMUM | DG_JS_K_MAXIMUM | DG_JS_K_EXCL_MINIMUM |
                       DG_JS_K_EXCL_MAXIMUM | DG_JS_K_MULTIPLE_OF)))
    return TRUE;
  if (!dg_js_num_from_node (inst, &n))
    return TRUE;

#define LIMIT(bit, field, keyword, test, text)                               \
  if ((s->keywords & bit) && !(dg_js_num_compare (&n, &s->field) test))      \
    {                                                                        \
      if (ctx->errors != NULL)                                               \
        {                                                                    \
          g_autofree char *limit = dg_js_num_to_string (&s->field);          \
          dg_js_report (ctx, ip, kp, keyword, "must be " text " %s", limit); \
        }                                                                    \
      valid = FALSE;                                                         \
      if (ctx->errors == NULL)                                               \
        return FALSE;                                                        \
    }

  LIMIT (DG_JS_K_MINIMUM, minimum, "minimum", >= 0, "≥")
  LIMIT (DG_JS_K_MAXIMUM, maximum, "maximum", <= 0, "≤")
  LIMIT (DG_JS_K_EXCL_MINIMUM, exclusive_minimum, "exclusiveMinimum", > 0, ">")
  LIMIT (DG_JS_K_EXCL_MAXIMUM, exclusive_maximum, "exclusiveMaximum", < 0, "<")
#undef LIMIT

  if ((s->keywords & DG_JS_K_MULTIPLE_OF) &&
      !dg_js_is_multiple_of (&n, &s->multiple_of, &s->multiple_of_decimal))
    {
      if (ctx->errors != NULL)
        {
          g_autofree char *divisor = dg_js_num_to_string (&s->multiple_of);

          dg_js_report (ctx, ip, kp, "multipleOf", "must be a multiple of %s", divisor);
        }
      valid = FALSE;
    }
  return valid;
}

/* Object members, in document order when errors are reported (they read better), else in
 * hash order (no allocation). */
static void
report_alternatives (DgJsCtx *ctx, JsonNode *inst, const DgJsPath *ip, const DgJsPath *kp,
                     const char *keyword, DgJsSchema **alternatives, guint n, const char *summary)
{
  g_autoptr (GPtrArray) best = NULL;
  guint best_index = 0;
  KEY (k1, kp, keyword);

  if (ctx->errors == NULL || ctx->stopped)
    return;
  for (guint i = 0; i < n; i++)
    {
      GPtrArray *saved = ctx->errors;
      g_autoptr (GPtrArray) errors =
          g_ptr_array_new_with_free_func ((GDestroyNotify) dg_json_schema_issue_free);
      INDEX (k2, &k1, i);

      ctx->errors = errors;
      dg_js_eval (ctx, alternatives[i], inst, ip, &k2, NULL);
      ctx->errors = saved;
      ctx->stopped = FALSE; /* the cap counts the real issues only */
      if (errors->len > 0 && (best == NULL || errors->len < best->len))
        {
          g_clear_pointer (&best, g_ptr_array_unref);
          best = g_steal_pointer (&errors);
          best_index = i;
        }
    }
  if (best != NULL)
    {
      DgJsonSchemaIssue *issue = g_ptr_array_index (best, 0);
      g_autofree char *here = dg_js_path_to_string (ip, NULL);
      /* name the place only when it is below the value that failed */
      gboolean deeper = !g_str_equal (issue->instance_location, here);

      dg_js_report (ctx, ip, kp, keyword, "%s (closest, alternative %u: %s%s%s)", summary,
                    best_index, deeper ? issue->instance_location : "", deeper ? " " : "",
                    issue->message);
    }
  else
    dg_js_report (ctx, ip, kp, keyword, "%s", summary);
}

static gboolean
eval_in_place (DgJsCtx *ctx, const DgJsSchema *s, JsonNode *inst, const DgJsPath *ip,
               const DgJsPath *kp, DgJsAnnot *a)
{
  gboolean valid = TRUE;

  for (guint i = 0; i < s->n_all_of; i++)
    {
      KEY (k1, kp, "allOf");
      INDEX (k2, &k1, i);

      CHECK (dg_js_eval (ctx, s->all_of[i], inst, ip, &k2, a));
    }
  if (s->n_any_of > 0)
    {
      guint matches = 0;
      KEY (k1, kp, "anyOf");

      for (guint i = 0; i < s->n_any_of; i++)
        {
          DgJsAnnot sub;
          gboolean ok;
          INDEX (k2, &k1, i);

          if (a != NULL)
            dg_js_annot_init (&sub);
          ok = dg_js_probe (ctx, s->any_of[i], inst, ip, &k2, a != NULL ? &sub : NULL);
          if (a != NULL)
            {
              if (ok)
                dg_js_annot_merge (a, &sub);
              dg_js_annot_clear (&sub);
            }
          if (ok)
            {
              matches++;
              if (a == NULL)
                break; /* annotations need every passing branch; validity needs one */
            }
        }
      if (matches == 0)
        {
          report_alternatives (ctx, inst, ip, kp, "anyOf", s->any_of, s->n_any_of,
                               "must match at least one schema in “anyOf”");
          CHECK (FALSE);
        }
    }
  if (s->n_one_of > 0)
    {
      guint matches = 0, first = 0, second = 0;
      KEY (k1, kp, "oneOf");

      for (guint i = 0; i < s->n_one_of && matches < 2; i++)
        {
          DgJsAnnot sub;
          gboolean ok;
          INDEX (k2, &k1, i);

          if (a != NULL)
            dg_js_annot_init (&sub);
          ok = dg_js_probe (ctx, s->one_of[i], inst, ip, &k2, a != NULL ? &sub : NULL);
          if (ok)
            {
              if (matches == 0)
                first = i;
              else
                second = i;
              matches++;
              if (a != NULL)
                dg_js_annot_merge (a, &sub);
            }
          if (a != NULL)
            dg_js_annot_clear (&sub);
        }
      if (matches == 0)
        {
          report_alternatives (ctx, inst, ip, kp, "oneOf", s->one_of, s->n_one_of,
                               "must match exactly one schema in “oneOf”, but matches none");
          CHECK (FALSE);
        }
      else if (matches > 1)
        {
          dg_js_report (ctx, ip, kp, "oneOf",
                        "must match exactly one schema in “oneOf”, but matches %u and %u", first,
                        second);
          CHECK (FALSE);
        }
    }
  if (s->not_schema != NULL)
    {
      KEY (k1, kp, "not");

      if (dg_js_probe (ctx, s->not_schema, inst, ip, &k1, NULL))
        {
          dg_js_report (ctx, ip, kp, "not", "must not match the schema in “not”");
          CHECK (FALSE);
        }
    }
  if (s->if_schema != NULL)
    {
      DgJsAnnot sub;
      gboolean ok;
      KEY (k1, kp, "if");

      if (a != NULL)
        dg_js_annot_init (&sub);
      ok = dg_js_probe (ctx, s->if_schema, inst, ip, &k1, a != NULL ? &sub : NULL);
      if (a != NULL)
        {
          if (ok)
            dg_js_annot_merge (a, &sub);
          dg_js_annot_clear (&sub);
        }
      if (ok && s->then_schema != NULL)
        {
          KEY (k2, kp, "then");

          CHECK (dg_js_eval (ctx, s->then_schema, inst, ip, &k2, a));
        }
      else if (!ok && s->else_schema != NULL)
        {
          KEY (k2, kp, "else");

          CHECK (dg_js_eval (ctx, s->else_schema, inst, ip, &k2, a));
        }
    }
out:
  return valid;
}

static gboolean
eval_unevaluated (DgJsCtx *ctx, const DgJsSchema *s, JsonNode *inst, guint type, const DgJsPath *ip,
                  const DgJsPath *kp, DgJsAnnot *a)
{
  gboolean valid = TRUE;
  DgJsMembers m = { 0 };

  if (s->unevaluated_properties != NULL && type == DG_JS_T_OBJECT)
    {
      const char *name;
      JsonNode *value;
      KEY (k1, kp, "unevaluatedProperties");

      dg_js_members_init (&m, json_node_get_object (inst), ctx->errors != NULL);
      while (dg_js_members_next (&m, &name, &value))
        {
          KEY (ipc, ip, name);

          if (dg_js_annot_has_prop (a, name))
            continue;
          CHECK (dg_js_eval_child (ctx, s->unevaluated_properties, value, &ipc, &k1,
                                   "unevaluated property"));
        }
      a->all_props = TRUE;
    }
  if (s->unevaluated_items != NULL && type == DG_JS_T_ARRAY)
    {
      JsonArray *array = json_node_get_array (inst);
      guint n = json_array_get_length (array);
      KEY (k1, kp, "unevaluatedItems");

      for (guint i = 0; i < n; i++)
        {
          INDEX (ipc, ip, i);

          if (dg_js_annot_has_item (a, i))
            continue;
          CHECK (dg_js_eval_child (ctx, s->unevaluated_items, json_array_get_element (array, i),
                                   &ipc, &k1, "unevaluated item"));
        }
      a->all_items = TRUE;
    }
out:
  dg_js_members_clear (&m);
  return valid;
}

static const DgJsSchema *
resolve_dynamic (const DgJsCtx *ctx, const DgJsSchema *s)
{
  const DgJsSchema *found = NULL;

  /* the outermost resource in the dynamic scope that has the anchor wins */
  for (const DgJsScope *scope = ctx->scope; scope != NULL; scope = scope->parent)
    {
      const DgJsSchema *t;

      if (scope->resource->dynamic != NULL &&
          (t = g_hash_table_lookup (scope->resource->dynamic, s->dynamic_anchor)) != NULL)
        found = t;
    }
  return found != NULL ? found : s->dynamic_ref;
}

static gboolean
check_enum (const DgJsSchema *s, JsonNode *inst, guint type)
{
  if (type == DG_JS_T_STRING)
    {
      const char *str = json_node_get_string (inst);

      if (s->enum_strings != NULL)
        return g_hash_table_contains (s->enum_strings, str);
      for (guint i = 0; i < s->n_enum; i++)
        if (s->enum_strings_list[i] != NULL && strcmp (s->enum_strings_list[i], str) == 0)
          return TRUE;
      return FALSE;
    }
  for (guint i = 0; i < s->n_enum; i++)
    if (s->enum_strings_list[i] == NULL && dg_js_equal (inst, s->enum_values[i], 0) == 1)
      return TRUE;
  return FALSE;
}

gboolean
dg_js_eval (DgJsCtx *ctx, const DgJsSchema *s, JsonNode *inst, const DgJsPath *ip,
            const DgJsPath *kp, DgJsAnnot *annot)
{
  DgJsScope scope;
  DgJsAnnot local;
  DgJsAnnot *a = annot;
  gboolean valid = TRUE;
  guint t, base_type;

  if (s->is_bool)
    {
      if (!s->bool_value)
        dg_js_report (ctx, ip, kp, NULL, "no value is allowed here (the schema is false)");
      return s->bool_value;
    }
  if (ctx->depth >= DG_JS_MAX_EVAL_DEPTH)
    {
      dg_js_report (ctx, ip, kp, NULL,
                    "evaluation is nested deeper than %d schemas (a recursive schema, or a value "
                    "nested too deeply)",
                    DG_JS_MAX_EVAL_DEPTH);
      return FALSE;
    }
  ctx->depth++;
  scope.parent = ctx->scope;
  scope.resource = s->resource;
  if (ctx->scope == NULL || ctx->scope->resource != s->resource)
    ctx->scope = &scope;
  if (s->collects)
    {
      dg_js_annot_init (&local);
      a = &local;
    }
  t = dg_js_type_of (inst);
  base_type = t & ~DG_JS_T_INTEGER;

  if (s->ref != NULL)
    {
      KEY (k1, kp, "$ref");

      CHECK (dg_js_eval (ctx, s->ref, inst, ip, &k1, a));
    }
  if (s->dynamic_ref != NULL)
    {
      KEY (k1, kp, "$dynamicRef");

      CHECK (dg_js_eval (ctx, s->dynamic_anchor != NULL ? resolve_dynamic (ctx, s) : s->dynamic_ref,
                         inst, ip, &k1, a));
    }
  if (s->types != 0 && (t & s->types) == 0)
    {
      if (ctx->errors != NULL)
        {
          g_autofree char *expected = dg_js_type_list (s->types);

          dg_js_report (ctx, ip, kp, "type", "must be %s, not %s", expected, dg_js_type_name (t));
        }
      CHECK (FALSE);
    }
  if ((s->keywords & DG_JS_K_CONST) && dg_js_equal (inst, s->const_value, 0) != 1)
    {
      if (ctx->errors != NULL)
        {
          g_autofree char *expected = dg_js_value_to_string (s->const_value, 80);

          dg_js_report (ctx, ip, kp, "const", "must be %s", expected);
        }
      CHECK (FALSE);
    }
  if ((s->keywords & DG_JS_K_ENUM) && !check_enum (s, inst, base_type))
    {
      if (ctx->errors != NULL)
        {
          g_autofree char *expected = dg_js_values_to_string (s->enum_values, s->n_enum, 120);

          dg_js_report (ctx, ip, kp, "enum", "must be one of %s", expected);
        }
      CHECK (FALSE);
    }
  switch (base_type)
    {
    case DG_JS_T_STRING:
      CHECK (eval_string (ctx, s, inst, ip, kp));
      break;
    case DG_JS_T_NUMBER:
      CHECK (eval_number (ctx, s, inst, ip, kp));
      break;
    case DG_JS_T_OBJECT:
      CHECK (dg_js_eval_object (ctx, s, inst, ip, kp, a));
      break;
    case DG_JS_T_ARRAY:
      CHECK (dg_js_eval_array (ctx, s, inst, ip, kp, a));
      break;
    default:
      break;
    }
  CHECK (eval_in_place (ctx, s, inst, ip, kp, a));
  if (s->collects)
    CHECK (eval_unevaluated (ctx, s, inst, base_type, ip, kp, a));

out:
  if (s->collects)
    {
      if (valid && annot != NULL)
        dg_js_annot_merge (annot, &local);
      dg_js_annot_clear (&local);
    }
  ctx->scope = scope.parent;
  ctx->depth--;
  return valid;
}

gboolean
dg_js_validate (DgJsonSchema *self, JsonNode *instance, GPtrArray *errors)
{
  DgJsCtx ctx = { errors, FALSE, NULL, 0 };

  return dg_js_eval (&ctx, self->root, instance, NULL, NULL, NULL);
}
