/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-prompts"

#include "config.h"

#include <string.h>

#include "dg-prompts.h"

/*
 * Prompt texts. Models follow short, concrete rules best; every rule below exists because a
 * model broke it (prose around the JSON, schemas instead of records, example values inside
 * schemas, labels leaking into free text). Changing any text means bumping PROMPTS_VERSION.
 */

static const char schema_system_prompt[] =
    "You design JSON Schemas (draft 2020-12) for synthetic datasets.\n"
    "Write exactly one JSON Schema that describes ONE record of the dataset the user asks for.\n"
    "Rules:\n"
    "- The root is {\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", \"type\": "
    "\"object\", \"properties\": {...}, \"required\": [...], \"additionalProperties\": false}.\n"
    "- Every property value is itself a schema object with a \"type\" (string, number, integer, "
    "boolean, array, object or null, or an array of these).\n"
    "- Use only standard keywords; add helpful constraints (enum, minimum, maximum, minLength, "
    "maxLength, pattern, format, minItems, maxItems) where the data has natural limits.\n"
    "- Give each property a short \"description\". Do not include examples or default values.\n"
    "- List in \"required\" every property a complete record must have.\n"
    "- Answer with the JSON Schema object only: no prose, no Markdown, no code fences.";

static const char dataset_schema_system_prompt[] =
    "You design JSON Schemas (draft 2020-12) for labelled machine-learning datasets.\n"
    "Write exactly one JSON Schema that describes ONE row (record) of the dataset the user asks "
    "for.\n"
    "Rules:\n"
    "- The root is {\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", \"type\": "
    "\"object\", \"properties\": {...}, \"required\": [...], \"additionalProperties\": false}.\n"
    "- Every property value is itself a schema object with a \"type\".\n"
    "- Include a required \"label\" property: the ground-truth class. Use an \"enum\" of the "
    "classes the user names, or of 2 to 7 sensible classes you infer. Use a string for one "
    "label per row, or an array of enum strings when a row can have several labels.\n"
    "- Prefer a required \"record_id\" string property.\n"
    "- Do not add properties that restate or encode the label. In the descriptions of free-text "
    "properties, say that the text must not state the label.\n"
    "- Use only standard keywords, add helpful constraints, give each property a short "
    "\"description\", and do not include examples or default values.\n"
    "- Answer with the JSON Schema object only: no prose, no Markdown, no code fences.";

static const char record_system_prompt[] =
    "You generate synthetic data. Reply with exactly one JSON object (RFC 8259) that is a "
    "record conforming to the JSON Schema you are given.\n"
    "Rules:\n"
    "- Include every required property; use the exact property names, types, formats, enums and "
    "limits of the schema; add no other properties.\n"
    "- The record is data, never a schema: no \"type\"/\"properties\" descriptions.\n"
    "- Use fictional but realistic values: invented people and companies, example.com / "
    "example.org addresses, reserved phone numbers. Never use real personal data.\n"
    "- Vary the values from one request to the next: different names, numbers, dates, "
    "categories and wording.\n"
    "- Reply with the JSON object only: no prose, no Markdown, no code fences.";

static const char dataset_record_system_prompt[] =
    "You generate rows of a labelled machine-learning dataset. Reply with exactly one JSON object "
    "(RFC 8259) that is a record conforming to the JSON Schema you are given.\n"
    "Rules:\n"
    "- Include every required property; use the exact property names, types, formats, enums and "
    "limits of the schema; add no other properties.\n"
    "- The \"label\" is the ground truth: choose it first, then write the other fields so that "
    "the label is consistent with them and can be predicted from them.\n"
    "- Never leak the label: do not write the label's text (or an obvious synonym) in free-text "
    "fields or identifiers.\n"
    "- Use fictional but realistic values, never real personal data, and vary rows from one "
    "request to the next, across all labels.\n"
    "- Reply with the JSON object only: no prose, no Markdown, no code fences.";

/* Upstream 5.3's three closing lines, in our words. */
static const char draft_closing[] =
    "Return only the JSON Schema object for one record.\n"
    "Do not put example values inside \"properties\"; describe types and constraints only.\n"
    "Every property value must be a schema object with a \"type\" field.";

/* Upstream 5.3's response_format schema for drafts. */
static const char draft_response_schema[] =
    "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
    "\"$id\":\"https://json-schema.org/draft/2020-12/schema\","
    "\"title\":\"JSON Schema Meta-Schema (draft 2020-12)\","
    "\"type\":\"object\","
    "\"required\":[\"type\",\"properties\",\"required\",\"additionalProperties\"],"
    "\"properties\":{"
    "\"$id\":{\"type\":\"string\"},"
    "\"title\":{\"type\":\"string\"},"
    "\"description\":{\"type\":\"string\"},"
    "\"type\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"array\",\"items\":{\"type\":\"string\"}"
    "}]},"
    "\"properties\":{\"type\":\"object\"},"
    "\"required\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
    "\"additionalProperties\":{\"anyOf\":[{\"type\":\"boolean\"},{\"type\":\"object\"}]},"
    "\"items\":{\"anyOf\":[{\"type\":\"object\"},{\"type\":\"array\"}]},"
    "\"enum\":{\"type\":\"array\"},"
    "\"pattern\":{\"type\":\"string\"},"
    "\"format\":{\"type\":\"string\"},"
    "\"minimum\":{\"type\":\"number\"},"
    "\"maximum\":{\"type\":\"number\"},"
    "\"minLength\":{\"type\":\"number\"},"
    "\"maxLength\":{\"type\":\"number\"},"
    "\"minItems\":{\"type\":\"number\"},"
    "\"maxItems\":{\"type\":\"number\"}"
    "},"
    "\"additionalProperties\":true}";

const char *
dg_prompts_version (void)
{
  return PROMPTS_VERSION;
}

static void
add_message (JsonArray *messages, const char *role, const char *content)
{
  JsonObject *message = json_object_new ();

  json_object_set_string_member (message, "role", role);
  json_object_set_string_member (message, "content", content);
  json_array_add_object_element (messages, message);
}

static gboolean
is_blank (const char *s)
{
  if (s == NULL)
    return TRUE;
  for (; *s != '\0'; s++)
    if (!g_ascii_isspace (*s))
      return FALSE;
  return TRUE;
}

/* "Title: …\nDescription: …\n\n<instructions>" with blank parts left out. */
static char *
describe_job (const char *title, const char *description, const char *instructions)
{
  GString *out = g_string_new (NULL);

  if (!is_blank (title))
    g_string_append_printf (out, "Dataset: %s\n", title);
  if (!is_blank (description))
    g_string_append_printf (out, "Description: %s\n", description);
  if (!is_blank (instructions))
    {
      if (out->len > 0)
        g_string_append_c (out, '\n');
      g_string_append_printf (out, "Instructions:\n%s", instructions);
    }
  while (out->len > 0 && out->str[out->len - 1] == '\n')
    g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}

/**
 * dg_prompts_draft_messages:
 * @title: (nullable): the job title
 * @description: (nullable): what the dataset is for
 * @instructions: (nullable): the user's instructions
 * @dataset_mode: TRUE for a labelled ML dataset
 *
 * Returns: (transfer full): [system, user] messages for a schema draft.
 */
JsonArray *
dg_prompts_draft_messages (const char *title, const char *description, const char *instructions,
                           gboolean dataset_mode)
{
  JsonArray *messages = json_array_new ();
  g_autofree char *job = describe_job (title, description, instructions);
  g_autofree char *user = NULL;

  user = *job != '\0' ? g_strconcat (job, "\n\n", draft_closing, NULL) : g_strdup (draft_closing);
  add_message (messages, "system",
               dataset_mode ? dataset_schema_system_prompt : schema_system_prompt);
  add_message (messages, "user", user);
  return messages;
}

JsonObject *
dg_prompts_draft_parameters (void)
{
  JsonObject *params = json_object_new ();

  json_object_set_double_member (params, "temperature", 0.2);
  json_object_set_int_member (params, "max_tokens", 1200);
  return params;
}

JsonNode *
dg_prompts_draft_response_schema (void)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) error = NULL;

  json_parser_load_from_data (parser, draft_response_schema, -1, &error);
  g_assert_no_error (error);
  return json_node_ref (json_parser_get_root (parser));
}

struct _DgRecordPrompt
{
  gatomicrefcount ref_count;
  const char *system;
  char *job;         /* description + instructions */
  char *schema_head; /* the request line before the per-record line */
  char *schema_tail; /* the schema itself */
};

/**
 * dg_record_prompt_new:
 * @description: (nullable): the job description (it reaches the model)
 * @instructions: (nullable): the user's instructions
 * @schema: (nullable): the job's JSON Schema
 * @dataset_mode: TRUE for a labelled ML dataset
 *
 * Returns: (transfer full): the prepared prompt of a job.
 */
DgRecordPrompt *
dg_record_prompt_new (const char *description, const char *instructions, JsonNode *schema,
                      gboolean dataset_mode)
{
  DgRecordPrompt *self = g_new0 (DgRecordPrompt, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->system = dataset_mode ? dataset_record_system_prompt : record_system_prompt;
  self->job = describe_job (NULL, description, instructions);
  if (schema != NULL && JSON_NODE_HOLDS_OBJECT (schema))
    {
      g_autofree char *compact = json_to_string (schema, FALSE);

      self->schema_head = g_strdup ("Generate one example record that conforms to the JSON "
                                    "Schema below.\n"
                                    "Return only the record object, never the schema itself.");
      self->schema_tail = g_strconcat ("Schema:\n", compact, NULL);
    }
  else
    self->schema_head = g_strdup ("Generate one example record as a JSON object.");
  return self;
}

DgRecordPrompt *
dg_record_prompt_ref (DgRecordPrompt *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
dg_record_prompt_unref (DgRecordPrompt *self)
{
  g_return_if_fail (self != NULL);
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_free (self->job);
  g_free (self->schema_head);
  g_free (self->schema_tail);
  g_free (self);
}

/**
 * dg_record_prompt_messages:
 * @self: a prepared prompt
 * @index: the record index (0-based)
 * @seed: the job seed
 *
 * Returns: (transfer full): the messages for record @index.
 */
JsonArray *
dg_record_prompt_messages (DgRecordPrompt *self, gint64 index, guint64 seed)
{
  JsonArray *messages;
  g_autofree char *request = NULL;
  guint64 mix = seed ^ ((guint64) index * 0x9E3779B97F4A7C15ULL);

  g_return_val_if_fail (self != NULL, NULL);

  mix ^= mix >> 31;
  mix *= 0xBF58476D1CE4E5B9ULL;
  mix ^= mix >> 29;

  messages = json_array_new ();
  add_message (messages, "system", self->system);
  if (*self->job != '\0')
    add_message (messages, "user", self->job);
  /* The index and a per-record token make identical requests rare, which keeps caching
   * servers and low temperatures from returning the same record again. */
  request = g_strdup_printf ("%s\nThis is record number %" G_GINT64_FORMAT
                             " of the dataset (variation key %08x); make it different from "
                             "the others.%s%s",
                             self->schema_head, index + 1, (guint) (mix & 0xffffffffu),
                             self->schema_tail != NULL ? "\n" : "",
                             self->schema_tail != NULL ? self->schema_tail : "");
  add_message (messages, "user", request);
  return messages;
}
