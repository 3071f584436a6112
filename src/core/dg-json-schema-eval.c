/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-json-schema"

#include "config.h"

#include <string.h>

#include "dg-json-schema-private.h"

/*
 * The evaluator. It only reads the compiled schema, so any number of threads may run it
 * on one DgJsonSchema. Instance and keyword locations are chains of stack frames that
 * become strings only when an error is reported, so a valid value costs no allocation
 * (except for propertyNames, which needs a string node, and large uniqueItems arrays).
 *
 * Annotations for unevaluatedProperties/unevaluatedItems are collected only below a
 * schema that has one of them: such a schema passes an Annot to its in-place subschemas
 * ($ref, allOf, …); conditional ones (anyOf, oneOf, if, contains) fill a fresh Annot that
 * is merged only when they pass.
 */

typedef struct _Path Path;
struct _Path
{
  const Path *parent;
  const char *key; /* NULL: an array index */
  gsize index;
};

#define KEY(var, parent_, key_) Path var = { (parent_), (key_), 0 }
#define INDEX(var, parent_, index_) Path var = { (parent_), NULL, (index_) }

typedef struct _Scope Scope;
struct _Scope
{
  const Scope *parent;
  DgJsResource *resource;
};

typedef struct
{
  GPtrArray *errors; /* NULL: stop at the first failure */
  const Scope *scope;
  guint depth;
} Ctx;

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
} Annot;

/* ---- annotations ---- */

static void
annot_init (Annot *a)
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

static void
annot_clear (Annot *a)
{
  if (a->props != a->inline_props)
    g_free (a->props);
  g_free (a->item_bits);
}

static gboolean
annot_has_prop (const Annot *a, const char *name)
{
  if (a->all_props)
    return TRUE;
  for (guint i = 0; i < a->n_props; i++)
    if (a->props[i] == name || strcmp (a->props[i], name) == 0)
      return TRUE;
  return FALSE;
}

static void
annot_add_prop (Annot *a, const char *name)
{
  if (a == NULL || a->all_props || annot_has_prop (a, name))
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

static void
annot_set_item (Annot *a, gsize index, gsize n_items)
{
  if (a->item_bits == NULL)
    {
      a->n_item_bits = n_items;
      a->item_bits = g_new0 (guint8, n_items);
    }
  if (index < a->n_item_bits)
    a->item_bits[index] = 1;
}

static gboolean
annot_has_item (const Annot *a, gsize index)
{
  return a->all_items || index < a->prefix || (index < a->n_item_bits && a->item_bits[index]);
}

static void
annot_merge (Annot *into, const Annot *from)
{
  into->all_props |= from->all_props;
  for (guint i = 0; i < from->n_props; i++)
    annot_add_prop (into, from->props[i]);
  into->all_items |= from->all_items;
  into->prefix = MAX (into->prefix, from->prefix);
  for (gsize i = 0; i < from->n_item_bits; i++)
    if (from->item_bits[i])
      annot_set_item (into, i, from->n_item_bits);
}

/* ---- reporting ---- */

static char *
path_to_string (const Path *path, const char *last)
{
  const Path *frames[64];
  g_autofree const Path **heap = NULL;
  const Path **stack = frames;
  gsize n = 0, cap = G_N_ELEMENTS (frames);
  GString *s = g_string_new (NULL);

  for (const Path *p = path; p != NULL; p = p->parent)
    {
      if (n == cap)
        {
          cap *= 2;
          if (heap == NULL)
            stack = heap = g_memdup2 (frames, sizeof frames);
          stack = heap = g_renew (const Path *, heap, cap);
        }
      stack[n++] = p;
    }
  while (n > 0)
    {
      const Path *p = stack[--n];

      g_string_append_c (s, '/');
      if (p->key != NULL)
        {
          g_autofree char *escaped = dg_js_pointer_escape (p->key);

          g_string_append (s, escaped);
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

static void G_GNUC_PRINTF (5, 6)
    report (Ctx *ctx, const Path *ip, const Path *kp, const char *keyword, const char *format, ...)
{
  DgJsonSchemaIssue *issue;
  va_list args;

  if (ctx->errors == NULL)
    return;
  issue = g_new0 (DgJsonSchemaIssue, 1);
  issue->instance_location = path_to_string (ip, NULL);
  issue->keyword_location = path_to_string (kp, keyword);
  va_start (args, format);
  issue->message = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (ctx->errors, issue);
}

/* A property name or string for a message: at most 60 characters. */
static char *
shorten (const char *text)
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

static const char *
type_name (guint t)
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

static char *
type_list (guint types)
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
        g_string_append (s, order[i] == DG_JS_T_NUMBER ? "number" : type_name (order[i]));
        n++;
      }
  return g_string_free (s, FALSE);
}

/* ---- evaluation ---- */

static gboolean eval (Ctx *ctx, const DgJsSchema *s, JsonNode *inst, const Path *ip, const Path *kp,
                      Annot *annot);

/* Runs @s without collecting errors: for anyOf, oneOf, not, if and contains. */
static gboolean
probe (Ctx *ctx, const DgJsSchema *s, JsonNode *inst, const Path *ip, const Path *kp, Annot *annot)
{
  GPtrArray *errors = ctx->errors;
  gboolean ok;

  ctx->errors = NULL;
  ok = eval (ctx, s, inst, ip, kp, annot);
  ctx->errors = errors;
  return ok;
}

/* A subschema for a member or item, with a readable message when it is `false`. */
static gboolean
eval_child (Ctx *ctx, const DgJsSchema *s, JsonNode *inst, const Path *ip, const Path *kp,
            const char *what)
{
  if (s->is_bool && !s->bool_value)
    {
      if (ctx->errors != NULL)
        {
          if (ip->key != NULL)
            {
              g_autofree char *name = shorten (ip->key);

              report (ctx, ip, kp, NULL, "%s “%s” is not allowed", what, name);
            }
          else
            report (ctx, ip, kp, NULL, "%s %" G_GSIZE_FORMAT " is not allowed", what, ip->index);
        }
      return FALSE;
    }
  return eval (ctx, s, inst, ip, kp, NULL);
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
eval_string (Ctx *ctx, const DgJsSchema *s, JsonNode *inst, const Path *ip, const Path *kp)
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
              report (ctx, ip, kp, "minLength",
                      "must be at least %" G_GINT64_FORMAT " character%s long", s->min_length,
                      s->min_length == 1 ? "" : "s");
              valid = FALSE;
              if (ctx->errors == NULL)
                return FALSE;
            }
          if ((s->keywords & DG_JS_K_MAX_LENGTH) && (gint64) length > s->max_length)
            {
              report (ctx, ip, kp, "maxLength",
                      "must be at most %" G_GINT64_FORMAT " character%s long", s->max_length,
                      s->max_length == 1 ? "" : "s");
              valid = FALSE;
              if (ctx->errors == NULL)
                return FALSE;
            }
        }
    }
  if (s->pattern != NULL && !g_regex_match (s->pattern->regex, str, 0, NULL))
    {
      g_autofree char *source = shorten (s->pattern->source);

      report (ctx, ip, kp, "pattern", "must match the pattern “%s”", source);
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
          report (ctx, ip, kp, "format", "must be a valid %s", s->format_name);
          valid = FALSE;
        }
    }
  return valid;
}

static gboolean
eval_number (Ctx *ctx, const DgJsSchema *s, JsonNode *inst, const Path *ip, const Path *kp)
{
  gboolean valid = TRUE;
  DgJsNum n;

  if (!(s->keywords & (DG_JS_K_MINIMUM | DG_JS_K_MAXIMUM | DG_JS_K_EXCL_MINIMUM |
                       DG_JS_K_EXCL_MAXIMUM | DG_JS_K_MULTIPLE_OF)))
    return TRUE;
  if (!dg_js_num_from_node (inst, &n))
    return TRUE;

#define LIMIT(bit, field, keyword, test, text)                          \
  if ((s->keywords & bit) && !(dg_js_num_compare (&n, &s->field) test)) \
    {                                                                   \
      if (ctx->errors != NULL)                                          \
        {                                                               \
          g_autofree char *limit = dg_js_num_to_string (&s->field);     \
          report (ctx, ip, kp, keyword, "must be " text " %s", limit);  \
        }                                                               \
      valid = FALSE;                                                    \
      if (ctx->errors == NULL)                                          \
        return FALSE;                                                   \
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

          report (ctx, ip, kp, "multipleOf", "must be a multiple of %s", divisor);
        }
      valid = FALSE;
    }
  return valid;
}

/* Object members, in document order when errors are reported (they read better), else in
 * hash order (no allocation). */
typedef struct
{
  JsonObject *object;
  JsonObjectIter iter;
  gboolean ordered;
  GList *list, *l;
} Members;

static void
members_init (Members *m, JsonObject *object, gboolean ordered)
{
  m->object = object;
  m->ordered = ordered;
  m->list = m->l = ordered ? json_object_get_members (object) : NULL;
  if (!ordered)
    json_object_iter_init (&m->iter, object);
}

static gboolean
members_next (Members *m, const char **name, JsonNode **value)
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

static void
members_clear (Members *m)
{
  g_list_free (m->list);
}

#define CHECK(expr)              \
  G_STMT_START                   \
  {                              \
    if (!(expr))                 \
      {                          \
        valid = FALSE;           \
        if (ctx->errors == NULL) \
          goto out;              \
      }                          \
  }                              \
  G_STMT_END

static gboolean
eval_object (Ctx *ctx, const DgJsSchema *s, JsonNode *inst, const Path *ip, const Path *kp,
             Annot *a)
{
  JsonObject *object = json_node_get_object (inst);
  gboolean valid = TRUE;
  Members m = { 0 };
  const char *name;
  JsonNode *value;

  if ((s->keywords & DG_JS_K_MIN_PROPERTIES) &&
      (gint64) json_object_get_size (object) < s->min_properties)
    {
      report (ctx, ip, kp, "minProperties", "must have at least %" G_GINT64_FORMAT " propert%s",
              s->min_properties, s->min_properties == 1 ? "y" : "ies");
      CHECK (FALSE);
    }
  if ((s->keywords & DG_JS_K_MAX_PROPERTIES) &&
      (gint64) json_object_get_size (object) > s->max_properties)
    {
      report (ctx, ip, kp, "maxProperties", "must have at most %" G_GINT64_FORMAT " propert%s",
              s->max_properties, s->max_properties == 1 ? "y" : "ies");
      CHECK (FALSE);
    }
  for (guint i = 0; i < s->n_required; i++)
    if (!json_object_has_member (object, s->required[i]))
      {
        g_autofree char *missing = ctx->errors != NULL ? shorten (s->required[i]) : NULL;

        report (ctx, ip, kp, "required", "missing required property “%s”", missing);
        CHECK (FALSE);
      }
  for (guint i = 0; i < s->n_dependent_required; i++)
    {
      const DgJsDependent *d = &s->dependent_required[i];

      if (!json_object_has_member (object, d->name))
        continue;
      for (guint j = 0; j < d->n_required; j++)
        if (!json_object_has_member (object, d->required[j]))
          {
            KEY (k, kp, "dependentRequired");
            g_autofree char *missing = ctx->errors != NULL ? shorten (d->required[j]) : NULL;
            g_autofree char *present = ctx->errors != NULL ? shorten (d->name) : NULL;

            report (ctx, ip, &k, d->name, "missing property “%s”, required when “%s” is present",
                    missing, present);
            CHECK (FALSE);
          }
    }

  if (s->properties_index != NULL || s->pattern_properties != NULL ||
      s->additional_properties != NULL || s->property_names != NULL)
    {
      members_init (&m, object, ctx->errors != NULL);
      while (members_next (&m, &name, &value))
        {
          gboolean matched = FALSE;
          KEY (ipc, ip, name);

          if (s->properties_index != NULL)
            {
              const DgJsProp *p = g_hash_table_lookup (s->properties_index, name);

              if (p != NULL)
                {
                  KEY (k1, kp, "properties");
                  KEY (k2, &k1, p->name);

                  matched = TRUE;
                  annot_add_prop (a, name);
                  CHECK (eval_child (ctx, p->schema, value, &ipc, &k2, "property"));
                }
            }
          for (guint i = 0; i < s->n_pattern_properties; i++)
            {
              const DgJsPattern *p = &s->pattern_properties[i];

              if (g_regex_match (p->regex, name, 0, NULL))
                {
                  KEY (k1, kp, "patternProperties");
                  KEY (k2, &k1, p->source);

                  matched = TRUE;
                  annot_add_prop (a, name);
                  CHECK (eval_child (ctx, p->schema, value, &ipc, &k2, "property"));
                }
            }
          if (!matched && s->additional_properties != NULL)
            {
              KEY (k1, kp, "additionalProperties");

              CHECK (eval_child (ctx, s->additional_properties, value, &ipc, &k1, "property"));
            }
          if (s->property_names != NULL)
            {
              KEY (k1, kp, "propertyNames");
              g_autoptr (JsonNode) name_node = json_node_init_string (json_node_alloc (), name);

              if (!probe (ctx, s->property_names, name_node, &ipc, &k1, NULL))
                {
                  g_autofree char *shown = ctx->errors != NULL ? shorten (name) : NULL;

                  report (ctx, &ipc, &k1, NULL, "property name “%s” is not allowed", shown);
                  CHECK (FALSE);
                }
            }
        }
      if (a != NULL && s->additional_properties != NULL)
        a->all_props = TRUE;
    }

  for (guint i = 0; i < s->n_dependent_schemas; i++)
    {
      const DgJsDepSchema *d = &s->dependent_schemas[i];

      if (json_object_has_member (object, d->name))
        {
          KEY (k1, kp, "dependentSchemas");
          KEY (k2, &k1, d->name);

          CHECK (eval (ctx, d->schema, inst, ip, &k2, a));
        }
    }
out:
  members_clear (&m);
  return valid;
}

static guint
node_hash (gconstpointer node)
{
  return dg_js_hash ((JsonNode *) node, 0);
}

static gboolean
node_equal (gconstpointer a, gconstpointer b)
{
  return dg_js_equal ((JsonNode *) a, (JsonNode *) b, 0) == 1;
}

/* Returns FALSE with the indexes of two equal items in @first and @second. */
static gboolean
items_unique (JsonArray *array, guint n, guint *first, guint *second)
{
  if (n <= 16)
    {
      for (guint i = 0; i < n; i++)
        for (guint j = i + 1; j < n; j++)
          if (dg_js_equal (json_array_get_element (array, i), json_array_get_element (array, j),
                           0) != 0)
            {
              *first = i;
              *second = j;
              return FALSE;
            }
      return TRUE;
    }
  else
    {
      g_autoptr (GHashTable) seen = g_hash_table_new (node_hash, node_equal);

      for (guint i = 0; i < n; i++)
        {
          JsonNode *e = json_array_get_element (array, i);
          gpointer original;

          if (g_hash_table_lookup_extended (seen, e, &original, NULL))
            {
              for (guint j = 0; j < i; j++)
                if (json_array_get_element (array, j) == original)
                  *first = j;
              *second = i;
              return FALSE;
            }
          g_hash_table_add (seen, e);
        }
      return TRUE;
    }
}

static gboolean
eval_array (Ctx *ctx, const DgJsSchema *s, JsonNode *inst, const Path *ip, const Path *kp, Annot *a)
{
  JsonArray *array = json_node_get_array (inst);
  guint n = json_array_get_length (array);
  gboolean valid = TRUE;
  guint first = 0, second = 0, prefix;

  if ((s->keywords & DG_JS_K_MIN_ITEMS) && (gint64) n < s->min_items)
    {
      report (ctx, ip, kp, "minItems", "must have at least %" G_GINT64_FORMAT " item%s",
              s->min_items, s->min_items == 1 ? "" : "s");
      CHECK (FALSE);
    }
  if ((s->keywords & DG_JS_K_MAX_ITEMS) && (gint64) n > s->max_items)
    {
      report (ctx, ip, kp, "maxItems", "must have at most %" G_GINT64_FORMAT " item%s",
              s->max_items, s->max_items == 1 ? "" : "s");
      CHECK (FALSE);
    }
  if ((s->keywords & DG_JS_K_UNIQUE_ITEMS) && !items_unique (array, n, &first, &second))
    {
      report (ctx, ip, kp, "uniqueItems", "items %u and %u are equal; items must be unique", first,
              second);
      CHECK (FALSE);
    }

  prefix = MIN (n, s->n_prefix_items);
  for (guint i = 0; i < prefix; i++)
    {
      KEY (k1, kp, s->prefix_keyword);
      INDEX (k2, &k1, i);
      INDEX (ipc, ip, i);

      CHECK (eval (ctx, s->prefix_items[i], json_array_get_element (array, i), &ipc, &k2, NULL));
    }
  if (a != NULL)
    a->prefix = MAX (a->prefix, prefix);
  if (s->items != NULL)
    {
      KEY (k1, kp, s->items_keyword);

      if (s->items->is_bool && !s->items->bool_value && n > prefix)
        {
          report (ctx, ip, &k1, NULL, "must have at most %u item%s", prefix,
                  prefix == 1 ? "" : "s");
          CHECK (FALSE);
        }
      else
        for (guint i = prefix; i < n; i++)
          {
            INDEX (ipc, ip, i);

            CHECK (eval (ctx, s->items, json_array_get_element (array, i), &ipc, &k1, NULL));
          }
      if (a != NULL)
        a->all_items = TRUE;
    }
  if (s->contains != NULL)
    {
      gint64 min = (s->keywords & DG_JS_K_MIN_CONTAINS) ? s->min_contains : 1;
      gboolean has_max = (s->keywords & DG_JS_K_MAX_CONTAINS) != 0;
      gint64 matches = 0;
      KEY (k1, kp, "contains");

      for (guint i = 0; i < n; i++)
        {
          INDEX (ipc, ip, i);

          if (probe (ctx, s->contains, json_array_get_element (array, i), &ipc, &k1, NULL))
            {
              matches++;
              if (a != NULL)
                annot_set_item (a, i, n);
              else if (!has_max && matches >= min && ctx->errors == NULL)
                break;
            }
        }
      if (matches < min)
        {
          report (ctx, ip, kp, (s->keywords & DG_JS_K_MIN_CONTAINS) ? "minContains" : "contains",
                  "must contain at least %" G_GINT64_FORMAT " item%s matching “contains”", min,
                  min == 1 ? "" : "s");
          CHECK (FALSE);
        }
      if (has_max && matches > s->max_contains)
        {
          report (ctx, ip, kp, "maxContains",
                  "must contain at most %" G_GINT64_FORMAT " item%s matching “contains”",
                  s->max_contains, s->max_contains == 1 ? "" : "s");
          CHECK (FALSE);
        }
    }
out:
  return valid;
}

/* anyOf/oneOf failed: the message names the alternative that came closest. */
static void
report_alternatives (Ctx *ctx, JsonNode *inst, const Path *ip, const Path *kp, const char *keyword,
                     DgJsSchema **alternatives, guint n, const char *summary)
{
  g_autoptr (GPtrArray) best = NULL;
  guint best_index = 0;
  KEY (k1, kp, keyword);

  if (ctx->errors == NULL)
    return;
  for (guint i = 0; i < n; i++)
    {
      GPtrArray *saved = ctx->errors;
      g_autoptr (GPtrArray) errors =
          g_ptr_array_new_with_free_func ((GDestroyNotify) dg_json_schema_issue_free);
      INDEX (k2, &k1, i);

      ctx->errors = errors;
      eval (ctx, alternatives[i], inst, ip, &k2, NULL);
      ctx->errors = saved;
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

      report (ctx, ip, kp, keyword, "%s (closest, alternative %u: %s%s%s)", summary, best_index,
              issue->instance_location[0] != '\0' ? issue->instance_location : "",
              issue->instance_location[0] != '\0' ? " " : "", issue->message);
    }
  else
    report (ctx, ip, kp, keyword, "%s", summary);
}

static gboolean
eval_in_place (Ctx *ctx, const DgJsSchema *s, JsonNode *inst, const Path *ip, const Path *kp,
               Annot *a)
{
  gboolean valid = TRUE;

  for (guint i = 0; i < s->n_all_of; i++)
    {
      KEY (k1, kp, "allOf");
      INDEX (k2, &k1, i);

      CHECK (eval (ctx, s->all_of[i], inst, ip, &k2, a));
    }
  if (s->n_any_of > 0)
    {
      guint matches = 0;
      KEY (k1, kp, "anyOf");

      for (guint i = 0; i < s->n_any_of; i++)
        {
          Annot sub;
          gboolean ok;
          INDEX (k2, &k1, i);

          if (a != NULL)
            annot_init (&sub);
          ok = probe (ctx, s->any_of[i], inst, ip, &k2, a != NULL ? &sub : NULL);
          if (a != NULL)
            {
              if (ok)
                annot_merge (a, &sub);
              annot_clear (&sub);
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
          Annot sub;
          gboolean ok;
          INDEX (k2, &k1, i);

          if (a != NULL)
            annot_init (&sub);
          ok = probe (ctx, s->one_of[i], inst, ip, &k2, a != NULL ? &sub : NULL);
          if (ok)
            {
              if (matches == 0)
                first = i;
              else
                second = i;
              matches++;
              if (a != NULL)
                annot_merge (a, &sub);
            }
          if (a != NULL)
            annot_clear (&sub);
        }
      if (matches == 0)
        {
          report_alternatives (ctx, inst, ip, kp, "oneOf", s->one_of, s->n_one_of,
                               "must match exactly one schema in “oneOf”, but matches none");
          CHECK (FALSE);
        }
      else if (matches > 1)
        {
          report (ctx, ip, kp, "oneOf",
                  "must match exactly one schema in “oneOf”, but matches %u and %u", first, second);
          CHECK (FALSE);
        }
    }
  if (s->not_schema != NULL)
    {
      KEY (k1, kp, "not");

      if (probe (ctx, s->not_schema, inst, ip, &k1, NULL))
        {
          report (ctx, ip, kp, "not", "must not match the schema in “not”");
          CHECK (FALSE);
        }
    }
  if (s->if_schema != NULL)
    {
      Annot sub;
      gboolean ok;
      KEY (k1, kp, "if");

      if (a != NULL)
        annot_init (&sub);
      ok = probe (ctx, s->if_schema, inst, ip, &k1, a != NULL ? &sub : NULL);
      if (a != NULL)
        {
          if (ok)
            annot_merge (a, &sub);
          annot_clear (&sub);
        }
      if (ok && s->then_schema != NULL)
        {
          KEY (k2, kp, "then");

          CHECK (eval (ctx, s->then_schema, inst, ip, &k2, a));
        }
      else if (!ok && s->else_schema != NULL)
        {
          KEY (k2, kp, "else");

          CHECK (eval (ctx, s->else_schema, inst, ip, &k2, a));
        }
    }
out:
  return valid;
}

static gboolean
eval_unevaluated (Ctx *ctx, const DgJsSchema *s, JsonNode *inst, guint type, const Path *ip,
                  const Path *kp, Annot *a)
{
  gboolean valid = TRUE;
  Members m = { 0 };

  if (s->unevaluated_properties != NULL && type == DG_JS_T_OBJECT)
    {
      const char *name;
      JsonNode *value;
      KEY (k1, kp, "unevaluatedProperties");

      members_init (&m, json_node_get_object (inst), ctx->errors != NULL);
      while (members_next (&m, &name, &value))
        {
          KEY (ipc, ip, name);

          if (annot_has_prop (a, name))
            continue;
          CHECK (eval_child (ctx, s->unevaluated_properties, value, &ipc, &k1,
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

          if (annot_has_item (a, i))
            continue;
          CHECK (eval_child (ctx, s->unevaluated_items, json_array_get_element (array, i), &ipc,
                             &k1, "unevaluated item"));
        }
      a->all_items = TRUE;
    }
out:
  members_clear (&m);
  return valid;
}

static const DgJsSchema *
resolve_dynamic (const Ctx *ctx, const DgJsSchema *s)
{
  const DgJsSchema *found = NULL;

  /* the outermost resource in the dynamic scope that has the anchor wins */
  for (const Scope *scope = ctx->scope; scope != NULL; scope = scope->parent)
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
  if (s->enum_strings != NULL && type == DG_JS_T_STRING)
    return g_hash_table_contains (s->enum_strings, json_node_get_string (inst));
  for (guint i = 0; i < s->n_enum; i++)
    if (dg_js_equal (inst, s->enum_values[i], 0) == 1)
      return TRUE;
  return FALSE;
}

static gboolean
eval (Ctx *ctx, const DgJsSchema *s, JsonNode *inst, const Path *ip, const Path *kp, Annot *annot)
{
  Scope scope;
  Annot local;
  Annot *a = annot;
  gboolean valid = TRUE;
  guint t, base_type;

  if (s->is_bool)
    {
      if (!s->bool_value)
        report (ctx, ip, kp, NULL, "no value is allowed here (the schema is false)");
      return s->bool_value;
    }
  if (ctx->depth >= DG_JS_MAX_EVAL_DEPTH)
    {
      report (ctx, ip, kp, NULL,
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
      annot_init (&local);
      a = &local;
    }
  t = dg_js_type_of (inst);
  base_type = t & ~DG_JS_T_INTEGER;

  if (s->ref != NULL)
    {
      KEY (k1, kp, "$ref");

      CHECK (eval (ctx, s->ref, inst, ip, &k1, a));
    }
  if (s->dynamic_ref != NULL)
    {
      KEY (k1, kp, "$dynamicRef");

      CHECK (eval (ctx, s->dynamic_anchor != NULL ? resolve_dynamic (ctx, s) : s->dynamic_ref, inst,
                   ip, &k1, a));
    }
  if (s->types != 0 && (t & s->types) == 0)
    {
      if (ctx->errors != NULL)
        {
          g_autofree char *expected = type_list (s->types);

          report (ctx, ip, kp, "type", "must be %s, not %s", expected, type_name (t));
        }
      CHECK (FALSE);
    }
  if ((s->keywords & DG_JS_K_CONST) && dg_js_equal (inst, s->const_value, 0) != 1)
    {
      if (ctx->errors != NULL)
        {
          g_autofree char *expected = dg_js_value_to_string (s->const_value, 80);

          report (ctx, ip, kp, "const", "must be %s", expected);
        }
      CHECK (FALSE);
    }
  if ((s->keywords & DG_JS_K_ENUM) && !check_enum (s, inst, base_type))
    {
      if (ctx->errors != NULL)
        {
          g_autoptr (JsonNode) list = json_node_alloc ();
          g_autoptr (JsonArray) array = json_array_new ();
          g_autofree char *expected = NULL;

          for (guint i = 0; i < s->n_enum; i++)
            json_array_add_element (array, json_node_copy (s->enum_values[i]));
          json_node_init_array (list, array);
          expected = dg_js_value_to_string (list, 120);
          report (ctx, ip, kp, "enum", "must be one of %s", expected);
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
      CHECK (eval_object (ctx, s, inst, ip, kp, a));
      break;
    case DG_JS_T_ARRAY:
      CHECK (eval_array (ctx, s, inst, ip, kp, a));
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
        annot_merge (annot, &local);
      annot_clear (&local);
    }
  ctx->scope = scope.parent;
  ctx->depth--;
  return valid;
}

gboolean
dg_js_validate (DgJsonSchema *self, JsonNode *instance, GPtrArray *errors)
{
  Ctx ctx = { errors, NULL, 0 };

  return eval (&ctx, self->root, instance, NULL, NULL, NULL);
}
