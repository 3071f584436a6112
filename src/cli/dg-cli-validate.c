/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-cli"

#include "config.h"

#include <gio/gio.h>
#include <gio/gunixinputstream.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "dg-cli-commands.h"
#include "dg-json-reader.h"
#include "dg-json-schema.h"

/*
 * `datagems-cli validate SCHEMA.json [DATA.jsonl|-]`: checks the schema against the
 * 2020-12 meta-schema, then every record of a JSONL file (or of a JSON array file), and
 * prints one line per invalid record. Exit status: 0 when everything is valid, 1 when
 * anything is not (or cannot be read), 2 for usage errors.
 */

typedef struct
{
  DgJsonSchema *schema;
  guint64 records;
  guint64 invalid;
  guint64 not_json;
} Run;

/* $refs to other files next to the schema (file:// URIs) are read from disk. */
static JsonNode *
resolve_file (const char *uri, gpointer user_data, GError **error)
{
  g_autoptr (GFile) file = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  if (!g_str_has_prefix (uri, "file:"))
    return NULL;
  file = g_file_new_for_uri (uri);
  if (!g_file_load_contents (file, NULL, &contents, &length, NULL, error))
    return NULL;
  return dg_json_parse (contents, length, error);
}

/* "line 1, column 7: …" of a one-line record reads better as "column 7: …". */
static const char *
single_line_message (const char *message)
{
  return g_str_has_prefix (message, "line 1, column ") ? message + strlen ("line 1, ") : message;
}

static void
check_record (Run *run, const char *label, JsonNode *record, const GError *parse_error)
{
  g_autoptr (GPtrArray) issues = NULL;
  g_autofree char *joined = NULL;

  run->records++;
  if (record == NULL)
    {
      run->invalid++;
      run->not_json++;
      printf ("%s: %s %s\n", label, _ ("not valid JSON:"),
              single_line_message (parse_error->message));
      return;
    }
  /* the cheap check first; the full report only for records that fail it */
  if (dg_json_schema_validate (run->schema, record, NULL))
    return;
  run->invalid++;
  dg_json_schema_validate (run->schema, record, &issues);
  joined = dg_json_schema_issues_join (issues, 0);
  printf ("%s: %s\n", label, joined);
}

static void
check_line (Run *run, guint64 number, const char *data, gsize length)
{
  g_autoptr (JsonNode) record = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *label = NULL;
  gsize i = 0;

  while (i < length && g_ascii_isspace (data[i]))
    i++;
  if (i == length)
    return; /* blank lines are not records */
  record = dg_json_parse (data, length, &error);
  /* "line N" and "item N" stay untranslated: scripts parse them */
  label = g_strdup_printf ("line %" G_GUINT64_FORMAT, number);
  check_record (run, label, record, error);
}

/* A JSON array file: one record per element. */
static gboolean
check_array (Run *run, JsonNode *document)
{
  JsonArray *array = json_node_get_array (document);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *label = g_strdup_printf ("item %u", i);

      check_record (run, label, json_array_get_element (array, i), NULL);
    }
  return TRUE;
}

static void
check_lines (Run *run, const char *data, gsize length)
{
  const char *p = data, *end = data + length;
  guint64 number = 1;

  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *line_end = nl != NULL ? nl : end;

      check_line (run, number++, p, line_end - p);
      p = nl != NULL ? nl + 1 : end;
    }
}

static gboolean
check_stream (Run *run, GInputStream *input, GError **error)
{
  g_autoptr (GBufferedInputStream) buffered = NULL;
  g_autoptr (GDataInputStream) lines = NULL;
  const char *peek;
  gsize available = 0, i = 0;
  guint64 number = 1;

  buffered = G_BUFFERED_INPUT_STREAM (g_buffered_input_stream_new_sized (input, 1 << 16));
  if (g_buffered_input_stream_fill (buffered, -1, NULL, error) < 0)
    return FALSE;
  peek = g_buffered_input_stream_peek_buffer (buffered, &available);
  while (i < available && g_ascii_isspace (peek[i]))
    i++;

  if (i < available && peek[i] == '[')
    {
      /* Maybe a JSON array file: read it whole. If it is not one JSON value after all, it
       * is JSONL whose first record is an array. */
      g_autoptr (GByteArray) all = g_byte_array_new ();
      g_autoptr (JsonNode) document = NULL;
      guint8 chunk[1 << 16];
      gssize n;

      while ((n = g_input_stream_read (G_INPUT_STREAM (buffered), chunk, sizeof chunk, NULL,
                                       error)) > 0)
        g_byte_array_append (all, chunk, n);
      if (n < 0)
        return FALSE;
      document = dg_json_parse ((const char *) all->data, all->len, NULL);
      if (document != NULL && JSON_NODE_HOLDS_ARRAY (document))
        return check_array (run, document);
      check_lines (run, (const char *) all->data, all->len);
      return TRUE;
    }

  lines = g_data_input_stream_new (G_INPUT_STREAM (buffered));
  g_data_input_stream_set_newline_type (lines, G_DATA_STREAM_NEWLINE_TYPE_LF);
  for (;;)
    {
      g_autofree char *line = NULL;
      gsize length;
      GError *local_error = NULL;

      line = g_data_input_stream_read_line (lines, &length, NULL, &local_error);
      if (line == NULL)
        {
          if (local_error != NULL)
            {
              g_propagate_error (error, local_error);
              return FALSE;
            }
          return TRUE;
        }
      check_line (run, number++, line, length);
    }
}

int
dg_cli_validate (int argc, char **argv)
{
  gboolean format_assert = FALSE;
  const GOptionEntry entries[] = {
    { "format-assert", 0, 0, G_OPTION_ARG_NONE, &format_assert,
      N_ ("Fail values that do not match their “format” (date-time, email, uri, …)"), NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new (_ ("SCHEMA.json [DATA.jsonl|-]"));
  g_autoptr (JsonNode) schema_node = NULL;
  g_autoptr (GPtrArray) issues = NULL;
  g_autoptr (DgJsonSchema) schema = NULL;
  g_autoptr (GInputStream) input = NULL;
  g_autofree char *base_uri = NULL;
  GError *error = NULL;
  Run run = { 0 };
  int status;

  g_option_context_set_summary (
      context, _ ("Checks a JSON Schema (draft 2020-12), then each record of a JSONL file or a "
                  "JSON array file (“-” reads standard input). Prints one line per invalid "
                  "record and exits with 0 only when everything is valid."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!dg_cli_parse (context, &argc, &argv, "validate", &status))
    return status;
  if (argc < 2 || argc > 3)
    return dg_cli_usage_error ("validate", "%s", _ ("expected SCHEMA.json and optionally DATA"));

  schema_node = dg_cli_load_json_file (argv[1], &error);
  if (schema_node == NULL)
    return dg_cli_fail (error);
  if (!dg_json_schema_check_schema (schema_node, &issues, &error))
    {
      if (error != NULL)
        return dg_cli_fail (error);
      printf (_ ("%s: not a valid JSON Schema (draft 2020-12):\n"), argv[1]);
      for (guint i = 0; i < issues->len; i++)
        {
          DgJsonSchemaIssue *issue = g_ptr_array_index (issues, i);

          printf ("  %s: %s\n",
                  issue->instance_location[0] != '\0' ? issue->instance_location : "(root)",
                  issue->message);
        }
      return DG_CLI_EXIT_FAILURE;
    }
  {
    g_autoptr (GFile) file = g_file_new_for_commandline_arg (argv[1]);

    base_uri = g_file_get_uri (file);
  }
  schema = dg_json_schema_new_full (
      schema_node, base_uri, format_assert ? DG_JSON_SCHEMA_FORMAT_ASSERT : DG_JSON_SCHEMA_NONE,
      resolve_file, NULL, &error);
  if (schema == NULL)
    {
      g_prefix_error (&error, "%s: ", argv[1]);
      return dg_cli_fail (error);
    }
  if (argc == 2)
    {
      printf (_ ("%s: a valid JSON Schema\n"), argv[1]);
      return DG_CLI_EXIT_OK;
    }

  if (g_str_equal (argv[2], "-"))
    input = g_unix_input_stream_new (0, FALSE);
  else
    {
      g_autoptr (GFile) file = g_file_new_for_commandline_arg (argv[2]);

      input = G_INPUT_STREAM (g_file_read (file, NULL, &error));
      if (input == NULL)
        return dg_cli_fail (error);
    }
  run.schema = schema;
  if (!check_stream (&run, input, &error))
    {
      g_prefix_error (&error, "%s: ", argv[2]);
      return dg_cli_fail (error);
    }

  {
    g_autofree char *records = g_strdup_printf ("%" G_GUINT64_FORMAT, run.records);
    g_autofree char *valid = g_strdup_printf ("%" G_GUINT64_FORMAT, run.records - run.invalid);
    g_autofree char *invalid = g_strdup_printf ("%" G_GUINT64_FORMAT, run.invalid);
    g_autofree char *not_json = g_strdup_printf ("%" G_GUINT64_FORMAT, run.not_json);

    printf (g_dngettext (GETTEXT_PACKAGE, "%s record: %s valid, %s invalid",
                         "%s records: %s valid, %s invalid", run.records),
            records, valid, invalid);
    if (run.not_json > 0)
      printf (_ (" (%s not JSON)"), not_json);
  }
  printf ("\n");
  return run.invalid == 0 ? DG_CLI_EXIT_OK : DG_CLI_EXIT_FAILURE;
}
