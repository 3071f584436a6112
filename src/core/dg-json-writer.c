/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-json"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dg-json-writer.h"

/* Integers up to 2^53 print exactly as their digits; beyond that JavaScript shows the
 * shortest digits that read back to the same double, padded with zeros. */
#define MAX_SAFE_INTEGER 9007199254740992.0

void
dg_json_append_string (GString *out, const char *str)
{
  static const char hex[] = "0123456789abcdef";
  const char *run = str;
  const char *p;

  g_string_append_c (out, '"');
  for (p = str; *p != '\0'; p++)
    {
      unsigned char c = (unsigned char) *p;
      const char *escape = NULL;
      char unicode[7];

      if (c >= 0x20 && c != '"' && c != '\\')
        continue;
      switch (c)
        {
        case '"':
          escape = "\\\"";
          break;
        case '\\':
          escape = "\\\\";
          break;
        case '\b':
          escape = "\\b";
          break;
        case '\f':
          escape = "\\f";
          break;
        case '\n':
          escape = "\\n";
          break;
        case '\r':
          escape = "\\r";
          break;
        case '\t':
          escape = "\\t";
          break;
        default:
          unicode[0] = '\\';
          unicode[1] = 'u';
          unicode[2] = '0';
          unicode[3] = '0';
          unicode[4] = hex[c >> 4];
          unicode[5] = hex[c & 0xf];
          unicode[6] = '\0';
          escape = unicode;
          break;
        }
      g_string_append_len (out, run, p - run);
      g_string_append (out, escape);
      run = p + 1;
    }
  g_string_append_len (out, run, p - run);
  g_string_append_c (out, '"');
}

/* The shortest decimal digits of a positive finite @value and its decimal exponent n
 * (value = 0.DIGITS × 10^n), as ECMAScript's Number::toString defines them. */
static int
shortest_digits (double value, char digits[32], int *n)
{
  char buf[40];
  int k = 0;

  for (int precision = 1; precision <= 17; precision++)
    {
      static const char *const formats[] = { "%.0e",  "%.1e",  "%.2e",  "%.3e",  "%.4e",  "%.5e",
                                             "%.6e",  "%.7e",  "%.8e",  "%.9e",  "%.10e", "%.11e",
                                             "%.12e", "%.13e", "%.14e", "%.15e", "%.16e" };
      char *exponent;

      /* g_ascii_formatd: the C locale's '.', whatever the user's locale says. */
      g_ascii_formatd (buf, sizeof buf, formats[precision - 1], value);
      if (precision < 17 && g_ascii_strtod (buf, NULL) != value)
        continue;
      exponent = strchr (buf, 'e');
      g_assert (exponent != NULL);
      for (char *p = buf; p < exponent; p++)
        if (g_ascii_isdigit (*p))
          digits[k++] = *p;
      while (k > 1 && digits[k - 1] == '0')
        k--;
      digits[k] = '\0';
      *n = atoi (exponent + 1) + 1;
      return k;
    }
  g_assert_not_reached ();
}

void
dg_json_append_double (GString *out, double value)
{
  char digits[32];
  int k, n;

  if (!isfinite (value))
    {
      g_string_append (out, "null");
      return;
    }
  if (value == 0)
    {
      g_string_append_c (out, '0');
      return;
    }
  if (value == floor (value) && fabs (value) <= MAX_SAFE_INTEGER)
    {
      g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) value);
      return;
    }
  if (value < 0)
    {
      g_string_append_c (out, '-');
      value = -value;
    }

  k = shortest_digits (value, digits, &n);
  if (k <= n && n <= 21)
    {
      g_string_append (out, digits);
      for (int i = 0; i < n - k; i++)
        g_string_append_c (out, '0');
    }
  else if (0 < n && n <= 21)
    {
      g_string_append_len (out, digits, n);
      g_string_append_c (out, '.');
      g_string_append (out, digits + n);
    }
  else if (-6 < n && n <= 0)
    {
      g_string_append (out, "0.");
      for (int i = 0; i < -n; i++)
        g_string_append_c (out, '0');
      g_string_append (out, digits);
    }
  else
    {
      g_string_append_c (out, digits[0]);
      if (k > 1)
        {
          g_string_append_c (out, '.');
          g_string_append (out, digits + 1);
        }
      g_string_append_printf (out, "e%c%d", n - 1 >= 0 ? '+' : '-', ABS (n - 1));
    }
}

static void
append_indent (GString *out, guint level)
{
  g_string_append_c (out, '\n');
  for (guint i = 0; i < level; i++)
    g_string_append (out, "  ");
}

static void append_node (GString *out, JsonNode *node, DgJsonWriteFlags flags, guint level);

static void
append_value (GString *out, JsonNode *node)
{
  GType type = json_node_get_value_type (node);

  if (type == G_TYPE_INT64 || type == G_TYPE_INT || type == G_TYPE_LONG)
    {
      gint64 i = json_node_get_int (node);

      if (i <= G_GINT64_CONSTANT (9007199254740992) && i >= -G_GINT64_CONSTANT (9007199254740992))
        g_string_append_printf (out, "%" G_GINT64_FORMAT, i);
      else
        dg_json_append_double (out, (double) i);
    }
  else if (type == G_TYPE_DOUBLE || type == G_TYPE_FLOAT)
    dg_json_append_double (out, json_node_get_double (node));
  else if (type == G_TYPE_BOOLEAN)
    g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
  else if (type == G_TYPE_STRING)
    dg_json_append_string (out,
                           json_node_get_string (node) != NULL ? json_node_get_string (node) : "");
  else
    g_string_append (out, "null");
}

static int
compare_keys (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
append_object (GString *out, JsonObject *object, DgJsonWriteFlags flags, guint level)
{
  gboolean pretty = (flags & DG_JSON_WRITE_PRETTY) != 0;
  g_autoptr (GPtrArray) keys = g_ptr_array_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &name, &member))
    g_ptr_array_add (keys, (gpointer) name);
  if (keys->len == 0)
    {
      g_string_append (out, "{}");
      return;
    }
  if (flags & DG_JSON_WRITE_SORT_KEYS)
    g_ptr_array_sort (keys, compare_keys);

  g_string_append_c (out, '{');
  for (guint i = 0; i < keys->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      if (pretty)
        append_indent (out, level + 1);
      dg_json_append_string (out, keys->pdata[i]);
      g_string_append (out, pretty ? ": " : ":");
      append_node (out, json_object_get_member (object, keys->pdata[i]), flags, level + 1);
    }
  if (pretty)
    append_indent (out, level);
  g_string_append_c (out, '}');
}

static void
append_array (GString *out, JsonArray *array, DgJsonWriteFlags flags, guint level)
{
  gboolean pretty = (flags & DG_JSON_WRITE_PRETTY) != 0;
  guint n = json_array_get_length (array);

  if (n == 0)
    {
      g_string_append (out, "[]");
      return;
    }
  g_string_append_c (out, '[');
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      if (pretty)
        append_indent (out, level + 1);
      append_node (out, json_array_get_element (array, i), flags, level + 1);
    }
  if (pretty)
    append_indent (out, level);
  g_string_append_c (out, ']');
}

static void
append_node (GString *out, JsonNode *node, DgJsonWriteFlags flags, guint level)
{
  if (node == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      append_object (out, json_node_get_object (node), flags, level);
      break;
    case JSON_NODE_ARRAY:
      append_array (out, json_node_get_array (node), flags, level);
      break;
    case JSON_NODE_VALUE:
      append_value (out, node);
      break;
    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
      break;
    }
}

/**
 * dg_json_append:
 *
 * Appends @node to @out as JSON.stringify() would write it.
 */
void
dg_json_append (GString *out, JsonNode *node, DgJsonWriteFlags flags)
{
  g_return_if_fail (out != NULL);
  append_node (out, node, flags, 0);
}

char *
dg_json_to_string (JsonNode *node, DgJsonWriteFlags flags)
{
  GString *out = g_string_sized_new (256);

  append_node (out, node, flags, 0);
  return g_string_free (out, FALSE);
}

char *
dg_json_object_to_string (JsonObject *object, DgJsonWriteFlags flags)
{
  GString *out = g_string_sized_new (256);

  g_return_val_if_fail (object != NULL, NULL);
  append_object (out, object, flags, 0);
  return g_string_free (out, FALSE);
}

char *
dg_json_fingerprint (JsonNode *node)
{
  g_autoptr (GString) canonical = g_string_sized_new (256);

  append_node (canonical, node, DG_JSON_WRITE_SORT_KEYS, 0);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) canonical->str,
                                      canonical->len);
}
