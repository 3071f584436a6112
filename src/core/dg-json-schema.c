/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-json-schema"

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "dg-json-reader.h"
#include "dg-json-schema-private.h"
#include "dg-json-schema-resources.h"

G_DEFINE_QUARK (dg_json_schema_error_quark, dg_json_schema_error)

G_DEFINE_BOXED_TYPE (DgJsonSchema, dg_json_schema, dg_json_schema_ref, dg_json_schema_unref)

#define RESOURCE_PATH "/ro/smartclover/DataGems/json-schema/"
#define METASCHEMA_URI "https://json-schema.org/draft/2020-12/schema"

/* ---- the built-in meta-schemas ---- */

typedef struct
{
  GHashTable *documents; /* uri → JsonNode* */
  GError *error;
} Builtins;

static JsonNode *
load_resource (GResource *resource, const char *name, GError **error)
{
  g_autofree char *path = g_strconcat (RESOURCE_PATH, name, NULL);
  g_autoptr (GBytes) bytes = g_resource_lookup_data (resource, path, 0, error);
  gsize size;
  const char *data;

  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &size);
  return dg_json_parse (data, size, error);
}

/*
 * draft2020-12.json is the meta-schema; vocabularies.json (from python3-jsonschema) is an
 * object whose members are the vocabulary meta-schemas keyed by their $id, for 2020-12
 * and 2019-09.
 */
static gpointer
load_builtins (gpointer data)
{
  Builtins *b = g_new0 (Builtins, 1);
  GResource *resource = dg_json_schema_resources_get_resource ();
  g_autoptr (JsonNode) schema = NULL;
  g_autoptr (JsonNode) vocabularies = NULL;
  JsonObjectIter iter;
  const char *uri;
  JsonNode *document;

  b->documents =
      g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_node_unref);
  schema = load_resource (resource, "draft2020-12.json", &b->error);
  if (schema != NULL)
    vocabularies = load_resource (resource, "vocabularies.json", &b->error);
  if (schema == NULL || vocabularies == NULL || !JSON_NODE_HOLDS_OBJECT (vocabularies))
    {
      if (b->error == NULL)
        g_set_error (&b->error, DG_JSON_SCHEMA_ERROR, DG_JSON_SCHEMA_ERROR_METASCHEMA,
                     "the built-in vocabulary meta-schemas are not a JSON object");
      return b;
    }
  json_node_seal (schema);
  json_node_seal (vocabularies);
  g_hash_table_insert (b->documents, g_strdup (METASCHEMA_URI), json_node_ref (schema));
  json_object_iter_init (&iter, json_node_get_object (vocabularies));
  while (json_object_iter_next (&iter, &uri, &document))
    g_hash_table_insert (b->documents, g_strdup (uri), json_node_ref (document));
  return b;
}

static Builtins *
builtins (void)
{
  static GOnce once = G_ONCE_INIT;

  return g_once (&once, load_builtins, NULL);
}

/* A new reference to the built-in document with @uri, or NULL. */
JsonNode *
dg_js_builtin_document (const char *uri)
{
  JsonNode *node = g_hash_table_lookup (builtins ()->documents, uri);

  return node != NULL ? json_node_ref (node) : NULL;
}

/* ---- issues ---- */

/**
 * dg_json_schema_issue_free:
 *
 * Frees a #DgJsonSchemaIssue.
 */
void
dg_json_schema_issue_free (DgJsonSchemaIssue *issue)
{
  if (issue == NULL)
    return;
  g_free (issue->instance_location);
  g_free (issue->keyword_location);
  g_free (issue->message);
  g_free (issue);
}

/**
 * dg_json_schema_issue_to_string:
 *
 * Returns: one line: the instance location ("(root)" for the whole value), the message,
 * and the keyword location in parentheses.
 */
char *
dg_json_schema_issue_to_string (const DgJsonSchemaIssue *issue)
{
  g_return_val_if_fail (issue != NULL, NULL);

  return g_strdup_printf (
      "%s: %s (at %s)", issue->instance_location[0] != '\0' ? issue->instance_location : "(root)",
      issue->message, issue->keyword_location[0] != '\0' ? issue->keyword_location : "#");
}

/**
 * dg_json_schema_issues_join:
 * @issues: (element-type DgJsonSchemaIssue): from dg_json_schema_validate()
 * @max_issues: how many to spell out; 0 for all
 *
 * Returns: one line, e.g. `/age: must be ≤ 120 (at /properties/age/maximum); (root): missing
 * required property “email” (at /required) (and 3 more)`.
 */
char *
dg_json_schema_issues_join (GPtrArray *issues, guint max_issues)
{
  GString *line;
  guint shown;

  g_return_val_if_fail (issues != NULL, NULL);

  line = g_string_new (NULL);
  shown = max_issues == 0 ? issues->len : MIN (max_issues, issues->len);
  for (guint i = 0; i < shown; i++)
    {
      g_autofree char *text = dg_json_schema_issue_to_string (g_ptr_array_index (issues, i));

      if (i > 0)
        g_string_append (line, "; ");
      g_string_append (line, text);
    }
  if (shown < issues->len)
    g_string_append_printf (line, " (and %u more)", issues->len - shown);
  return g_string_free (line, FALSE);
}

/* ---- the validator ---- */

/**
 * dg_json_schema_new_full:
 * @schema: the schema (an object or a boolean); it is copied
 * @base_uri: (nullable): the URI the schema was retrieved from, for relative $ids and $refs
 * @flags: #DgJsonSchemaFlags
 * @resolver: (nullable): finds documents named by $ref or $schema that are neither in
 *   @schema nor built in (the draft 2020-12 meta-schemas are)
 * @user_data: for @resolver, which is only called before this returns
 * @error: a #DG_JSON_SCHEMA_ERROR
 *
 * Compiles @schema: resolves every reference and compiles every pattern.
 *
 * Returns: (transfer full): the validator, or %NULL.
 */
DgJsonSchema *
dg_json_schema_new_full (JsonNode *schema, const char *base_uri, DgJsonSchemaFlags flags,
                         DgJsonSchemaResolver resolver, gpointer user_data, GError **error)
{
  Builtins *b;

  g_return_val_if_fail (schema != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  b = builtins ();
  if (b->error != NULL)
    {
      g_set_error (error, DG_JSON_SCHEMA_ERROR, DG_JSON_SCHEMA_ERROR_METASCHEMA,
                   "cannot load the built-in meta-schemas: %s", b->error->message);
      return NULL;
    }
  return dg_js_compile (schema, base_uri, flags, resolver, user_data, NULL, error);
}

/**
 * dg_json_schema_new:
 *
 * Compiles @schema with no base URI and no resolver; see dg_json_schema_new_full().
 */
DgJsonSchema *
dg_json_schema_new (JsonNode *schema, DgJsonSchemaFlags flags, GError **error)
{
  return dg_json_schema_new_full (schema, NULL, flags, NULL, NULL, error);
}

DgJsonSchema *
dg_json_schema_ref (DgJsonSchema *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
dg_json_schema_unref (DgJsonSchema *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    dg_js_free (self);
}

/**
 * dg_json_schema_validate:
 * @self: a #DgJsonSchema
 * @instance: the value to check
 * @errors: (out) (optional) (element-type DgJsonSchemaIssue): every failure, in order
 *
 * Returns: whether @instance is valid.
 */
gboolean
dg_json_schema_validate (DgJsonSchema *self, JsonNode *instance, GPtrArray **errors)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (instance != NULL, FALSE);

  if (errors == NULL)
    return dg_js_validate (self, instance, NULL);
  *errors = g_ptr_array_new_with_free_func ((GDestroyNotify) dg_json_schema_issue_free);
  return dg_js_validate (self, instance, *errors);
}

/* ---- meta-schema check ---- */

typedef struct
{
  DgJsonSchema *schema;
  GError *error;
} MetaValidator;

static gpointer
compile_metaschema (gpointer data)
{
  MetaValidator *m = g_new0 (MetaValidator, 1);
  g_autoptr (JsonNode) document = dg_js_builtin_document (METASCHEMA_URI);

  if (builtins ()->error != NULL)
    m->error = g_error_copy (builtins ()->error);
  else
    m->schema = dg_js_compile (document, METASCHEMA_URI, DG_JSON_SCHEMA_FORMAT_ASSERT, NULL, NULL,
                               NULL, &m->error);
  return m;
}

/**
 * dg_json_schema_check_schema:
 *
 * See the header. The compiled meta-schema is shared by all callers and threads.
 */
gboolean
dg_json_schema_check_schema (JsonNode *schema, GPtrArray **issues, GError **error)
{
  static GOnce once = G_ONCE_INIT;
  MetaValidator *meta;
  g_autoptr (GPtrArray) found = NULL;
  g_autoptr (DgJsonSchema) compiled = NULL;
  g_autoptr (GError) compile_error = NULL;
  g_autofree char *location = NULL;

  g_return_val_if_fail (schema != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  meta = g_once (&once, compile_metaschema, NULL);
  if (meta->schema == NULL)
    {
      g_set_error (error, DG_JSON_SCHEMA_ERROR, DG_JSON_SCHEMA_ERROR_METASCHEMA,
                   "cannot compile the built-in meta-schema: %s", meta->error->message);
      return FALSE;
    }
  found = g_ptr_array_new_with_free_func ((GDestroyNotify) dg_json_schema_issue_free);
  if (dg_js_validate (meta->schema, schema, found))
    {
      compiled =
          dg_js_compile (schema, NULL, DG_JSON_SCHEMA_NONE, NULL, NULL, &location, &compile_error);
      if (compiled == NULL)
        {
          DgJsonSchemaIssue *issue = g_new0 (DgJsonSchemaIssue, 1);
          g_autofree char *suffix = g_strconcat (" at ", location, NULL);

          issue->instance_location = g_strdup (location != NULL ? location : "");
          issue->keyword_location = g_strdup ("");
          issue->message = g_strdup (compile_error->message);
          /* the location is in instance_location already */
          if (location != NULL && location[0] != '\0' && g_str_has_suffix (issue->message, suffix))
            issue->message[strlen (issue->message) - strlen (suffix)] = '\0';
          g_ptr_array_add (found, issue);
        }
    }
  if (issues != NULL)
    *issues = g_ptr_array_ref (found);
  return found->len == 0;
}
