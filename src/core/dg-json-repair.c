/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-inference"

#include "config.h"

#include <string.h>

#include "dg-inference.h"
#include "dg-json-repair-private.h"

/*
 * Where the JSON is in a model's answer (upstream 5.6 candidates, in order): the whole text,
 * each Markdown code fence, then the first object or array that starts somewhere in the
 * prose; a string holding JSON is unwrapped. The scanner (dg-json-repair-scan.c) does the
 * repairs.
 */

#define MAX_STARTS 64 /* candidate start positions tried in prose */
#define MAX_UNWRAP 2  /* levels of double-encoded JSON */

/* The whole region as one value (prose around it not allowed). */
static JsonNode *
try_whole (const char *text, gsize start, gsize end, DgJsonRepairFlags *flags)
{
  DgJsonRepairFlags f = 0;
  gsize stop = 0;
  JsonNode *node = dg_json_scan (text, end, start, FALSE, TRUE, &stop, &f, NULL);

  while (node != NULL && stop < end && dg_json_is_ws (text[stop]))
    stop++;
  if (node != NULL && stop != end)
    g_clear_pointer (&node, json_node_unref);
  if (node != NULL)
    *flags |= f;
  return node;
}

/* The first object or array that starts somewhere in the region. */
static JsonNode *
try_starts (const char *text, gsize start, gsize end, DgJsonRepairFlags *flags)
{
  guint tries = 0;

  for (gsize i = start; i < end && tries < MAX_STARTS; i++)
    {
      DgJsonRepairFlags f = 0;
      gsize stop = 0;
      JsonNode *node;

      if (text[i] != '{' && text[i] != '[')
        continue;
      g_autofree char *why = NULL;

      tries++;
      node = dg_json_scan (text, end, i, FALSE, FALSE, &stop, &f, &why);
      /* Nesting beyond the limit here means it is beyond it from every later start too. */
      if (node == NULL && why != NULL && g_str_has_prefix (why, DG_JSON_SCAN_TOO_DEEP))
        return NULL;
      if (node == NULL)
        continue;
      while (stop < end && dg_json_is_ws (text[stop]))
        stop++;
      if (i != start || stop != end)
        f |= DG_JSON_REPAIR_EXTRACTED;
      *flags |= f;
      return node;
    }
  return NULL;
}

static gboolean
find_fence (const char *text, gsize len, gsize from, gsize *inner_start, gsize *inner_end,
            gsize *next)
{
  const char *open = g_strstr_len (text + from, (gssize) (len - from), "```");
  const char *close;
  gsize p;

  if (open == NULL)
    return FALSE;
  p = (gsize) (open - text) + 3;
  /* The info string ("json", "JSON5", "jsonc") up to the end of the line. */
  while (p < len &&
         (g_ascii_isalnum (text[p]) || text[p] == '_' || text[p] == '-' || text[p] == '+'))
    p++;
  while (p < len && (text[p] == ' ' || text[p] == '\t'))
    p++;
  if (p < len && text[p] == '\r')
    p++;
  if (p < len && text[p] == '\n')
    p++;
  *inner_start = p;
  close = g_strstr_len (text + p, (gssize) (len - p), "```");
  *inner_end = close != NULL ? (gsize) (close - text) : len;
  *next = close != NULL ? *inner_end + 3 : len;
  return TRUE;
}

static void
trim_range (const char *text, gsize *start, gsize *end)
{
  while (*start < *end && g_ascii_isspace (text[*start]))
    (*start)++;
  while (*end > *start && g_ascii_isspace (text[*end - 1]))
    (*end)--;
}

static JsonNode *
extract (const char *text, gsize len, guint depth, DgJsonRepairFlags *flags)
{
  gsize start = dg_json_skip_bom (text, len), end = len, from;
  gsize inner_start, inner_end, next;
  JsonNode *node = NULL;

  if (start > 0)
    *flags |= DG_JSON_REPAIR_BOM;
  trim_range (text, &start, &end);
  if (start == end)
    return NULL;

  node = try_whole (text, start, end, flags);

  /* Fenced blocks first: their content is what the model meant as the answer. */
  from = start;
  while (node == NULL && from < end &&
         find_fence (text, end, from, &inner_start, &inner_end, &next))
    {
      trim_range (text, &inner_start, &inner_end);
      if (inner_start < inner_end)
        {
          DgJsonRepairFlags f = DG_JSON_REPAIR_FENCE;

          node = try_whole (text, inner_start, inner_end, &f);
          if (node == NULL)
            node = try_starts (text, inner_start, inner_end, &f);
          if (node != NULL)
            *flags |= f;
        }
      from = next;
    }

  if (node == NULL)
    node = try_starts (text, start, end, flags);
  if (node == NULL)
    return NULL;

  /* Double-encoded: a string that holds an object or array. */
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
      depth < MAX_UNWRAP)
    {
      const char *inner = json_node_get_string (node);
      gsize n = strlen (inner), a = 0, b = n;

      trim_range (inner, &a, &b);
      if (a < b && (inner[a] == '{' || inner[a] == '['))
        {
          DgJsonRepairFlags f = 0;
          JsonNode *unwrapped = extract (inner, n, depth + 1, &f);

          if (unwrapped != NULL)
            {
              json_node_unref (node);
              *flags |= f | DG_JSON_REPAIR_DOUBLE_ENCODED;
              return unwrapped;
            }
        }
    }
  return node;
}

JsonNode *
dg_json_repair_extract (const char *text, gssize length, DgJsonRepairFlags *out_repairs,
                        GError **error)
{
  DgJsonRepairFlags flags = 0;
  JsonNode *node = NULL;
  gsize len;

  g_return_val_if_fail (text != NULL || length == 0, NULL);

  len = length < 0 ? strlen (text) : (gsize) length;
  if (g_utf8_validate (text, (gssize) len, NULL))
    node = extract (text, len, 0, &flags);

  if (out_repairs != NULL)
    *out_repairs = node != NULL ? flags : 0;
  if (node == NULL)
    g_set_error_literal (error, DG_INFERENCE_ERROR, DG_INFERENCE_ERROR_UNPARSABLE,
                         "Failed to parse inference response as JSON");
  return node;
}
