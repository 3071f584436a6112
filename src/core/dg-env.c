/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-config"

#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "dg-config.h"
#include "dg-env-private.h"

/*
 * The parsing rules of the upstream environment helper (upstream-behaviour.md 13.1 and 7.1):
 * resolution with fallbacks and defaults, $VAR expansion, flags, JavaScript Number(), the
 * host/port URL rule and peer lists. dg-config.c builds DgConfig on top of these.
 */

/* Limits against pathological environments (A="$B$B", B="$C$C", ...). */
#define MAX_EXPANSION_DEPTH 64
#define MAX_EXPANDED_LENGTH (1024 * 1024)

/* Legacy names tried, in order, when the variable itself is unset or empty. */
static const struct
{
  const char *name;
  const char *fallbacks[3];
} fallback_map[] = {
  { "R1EN_CSTORE_AUTH_HKEY", { "EE_CSTORE_AUTH_HKEY" } },
  { "R1EN_CSTORE_AUTH_SECRET", { "EE_CSTORE_AUTH_SECRET" } },
  { "R1EN_CSTORE_AUTH_BOOTSTRAP_ADMIN_PWD",
    { "EE_CSTORE_AUTH_BOOTSTRAP_ADMIN_PWD", "EE_CSTORE_AUTH_BOOTSTRAP_ADMIN_PW" } },
};

/* Built-in defaults of the helper; they are expanded like any value. */
static const struct
{
  const char *name;
  const char *value;
} default_map[] = {
  { "DATAGEN_APP_HOST", "$R1EN_HOST_IP" },
  { "DATAGEN_APP_PORT", "3000" },
  { "DATAGEN_INFERENCE_HOST", "$R1EN_HOST_IP" },
  { "DATAGEN_INFERENCE_PORT", "$API_PORT" },
  { "DATAGEN_SMTP_HOST", "smtp.resend.com" },
  { "DATAGEN_SMTP_PORT", "465" },
  { "DATAGEN_SMTP_USER", "resend" },
  { "DATAGEN_SMTP_PASS", "" },
  { "DATAGEN_SMTP_FROM", "no-reply@datagems.app" },
  { "DATAGEN_REGISTER_RATE_WINDOW_SECONDS", "900" },
  { "DATAGEN_REGISTER_MAX_PER_IP", "10" },
  { "DATAGEN_REGISTER_MAX_PER_EMAIL", "3" },
  { "DATAGEN_REGISTER_RESEND_WINDOW_SECONDS", "900" },
  { "DATAGEN_REGISTER_RESEND_MAX_PER_IP", "5" },
  { "DATAGEN_REGISTER_RESEND_MAX_PER_EMAIL", "2" },
  { "DATAGEN_REGISTER_FAILURE_TTL_SECONDS", "86400" },
};

/* WhiteSpace and LineTerminator of ECMAScript, as String.prototype.trim() and Number() see them. */
static gboolean
is_js_space (gunichar c)
{
  switch (c)
    {
    case 0x09:
    case 0x0A:
    case 0x0B:
    case 0x0C:
    case 0x0D:
    case 0x20:
    case 0xFEFF:
    case 0x2028:
    case 0x2029:
      return TRUE;
    default:
      return g_unichar_type (c) == G_UNICODE_SPACE_SEPARATOR; /* includes U+00A0 */
    }
}

/* Length in bytes of the JS whitespace character at @p, or 0 (invalid UTF-8 is not space). */
static gsize
js_space_length (const char *p, const char *end)
{
  gunichar c = g_utf8_get_char_validated (p, end - p);

  if (c == (gunichar) -1 || c == (gunichar) -2 || !is_js_space (c))
    return 0;
  return g_utf8_next_char (p) - p;
}

char *
dg_env_js_trim (const char *text)
{
  const char *end, *start, *content_end;
  gsize n;

  g_return_val_if_fail (text != NULL, NULL);

  end = text + strlen (text);
  start = text;
  while (start < end && (n = js_space_length (start, end)) > 0)
    start += n;

  content_end = start;
  for (const char *p = start; p < end;)
    {
      if ((n = js_space_length (p, end)) > 0)
        {
          p += n;
          continue;
        }
      p++;
      content_end = p;
    }
  return g_strndup (start, content_end - start);
}

/**
 * dg_config_parse_flag:
 * @value: (nullable): a resolved value
 *
 * Returns: %TRUE iff @value lowercased is `1`, `true`, `yes` or `on` (no trimming, as upstream).
 */
gboolean
dg_config_parse_flag (const char *value)
{
  static const char *const truthy[] = { "1", "true", "yes", "on" };

  if (value == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (truthy); i++)
    if (g_ascii_strcasecmp (value, truthy[i]) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
parse_radix (const char *digits, guint base, double *out)
{
  double value = 0;

  if (*digits == '\0')
    return FALSE;
  for (const char *p = digits; *p != '\0'; p++)
    {
      int d = g_ascii_xdigit_value (*p);

      if (d < 0 || (guint) d >= base)
        return FALSE;
      value = value * base + d;
    }
  *out = value;
  return TRUE;
}

/* StrDecimalLiteral: [+-] (digits [. digits] | . digits) [e [+-] digits] */
static gboolean
is_decimal_literal (const char *text)
{
  const char *p = text;
  gsize before = 0, after = 0;

  if (*p == '+' || *p == '-')
    p++;
  while (g_ascii_isdigit (p[before]))
    before++;
  p += before;
  if (*p == '.')
    {
      p++;
      while (g_ascii_isdigit (p[after]))
        after++;
      p += after;
    }
  if (before + after == 0)
    return FALSE;
  if (*p == 'e' || *p == 'E')
    {
      p++;
      if (*p == '+' || *p == '-')
        p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }
  return *p == '\0';
}

/**
 * dg_config_parse_number:
 * @value: a resolved value
 * @out_number: (out) (optional): the number
 *
 * Parses @value like JavaScript `Number()`: surrounding whitespace is ignored, "" is 0,
 * `1e3`, `.5`, `0x10`, `0o17` and `0b11` parse, anything else is NaN.
 *
 * Returns: %TRUE when the result is a finite number (NaN and ±Infinity give %FALSE).
 */
gboolean
dg_config_parse_number (const char *value, double *out_number)
{
  g_autofree char *text = NULL;
  double number;

  g_return_val_if_fail (value != NULL, FALSE);

  text = dg_env_js_trim (value);
  if (text[0] == '\0')
    number = 0;
  else if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
    {
      if (!parse_radix (text + 2, 16, &number))
        return FALSE;
    }
  else if (text[0] == '0' && (text[1] == 'o' || text[1] == 'O'))
    {
      if (!parse_radix (text + 2, 8, &number))
        return FALSE;
    }
  else if (text[0] == '0' && (text[1] == 'b' || text[1] == 'B'))
    {
      if (!parse_radix (text + 2, 2, &number))
        return FALSE;
    }
  else if (is_decimal_literal (text))
    number = g_ascii_strtod (text, NULL);
  else
    return FALSE; /* includes "Infinity", which would not be finite anyway */

  if (!isfinite (number))
    return FALSE;
  if (out_number != NULL)
    *out_number = number;
  return TRUE;
}

/* Length of a leading /^[a-z]+:\/\//i, or 0. */
static gsize
scheme_prefix_length (const char *url)
{
  gsize n = 0;

  while (g_ascii_isalpha (url[n]))
    n++;
  if (n > 0 && g_str_has_prefix (url + n, "://"))
    return n + 3;
  return 0;
}

/* /:[0-9]+$/ */
static gboolean
has_port_suffix (const char *host_part)
{
  const char *colon = strrchr (host_part, ':');

  if (colon == NULL || colon[1] == '\0')
    return FALSE;
  for (const char *p = colon + 1; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

/**
 * dg_config_host_port_url:
 * @host: (nullable): the resolved host variable
 * @port: (nullable): the resolved port variable
 *
 * The upstream host/port URL rule: host trimmed, trailing slashes removed, `http://` added when
 * it has no scheme, and `:port` appended when @port is not blank and the host has no port yet.
 *
 * Returns: (transfer full) (nullable): the URL, or %NULL when @host is blank.
 */
char *
dg_config_host_port_url (const char *host, const char *port)
{
  g_autofree char *h = NULL;
  g_autofree char *p = NULL;
  g_autofree char *base = NULL;
  gsize len, scheme_len;

  if (host == NULL)
    return NULL;
  h = dg_env_js_trim (host);
  len = strlen (h);
  while (len > 0 && h[len - 1] == '/')
    h[--len] = '\0';
  if (len == 0)
    return NULL;

  scheme_len = scheme_prefix_length (h);
  base = scheme_len > 0 ? g_strdup (h) : g_strconcat ("http://", h, NULL);
  if (port == NULL)
    return g_steal_pointer (&base);
  p = dg_env_js_trim (port);
  if (p[0] == '\0' || has_port_suffix (h + scheme_len))
    return g_steal_pointer (&base);
  return g_strconcat (base, ":", p, NULL);
}

static void append_js_string (GString *out, JsonNode *node);

/* JavaScript String(value) for a parsed JSON value. */
static void
append_js_string (GString *out, JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_NULL:
      g_string_append (out, "null");
      return;
    case JSON_NODE_OBJECT:
      g_string_append (out, "[object Object]");
      return;
    case JSON_NODE_ARRAY:
      {
        /* Array.prototype.join(","): null elements become "". */
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            JsonNode *element = json_array_get_element (array, i);

            if (i > 0)
              g_string_append_c (out, ',');
            if (!JSON_NODE_HOLDS_NULL (element))
              append_js_string (out, element);
          }
        return;
      }
    case JSON_NODE_VALUE:
    default:
      break;
    }

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      g_string_append (out, json_node_get_string (node));
      break;
    case G_TYPE_BOOLEAN:
      g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
      break;
    case G_TYPE_INT64:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
      break;
    default:
      {
        /* The shortest text that reads back as the same double, as JS prints numbers. */
        double d = json_node_get_double (node);
        char buffer[G_ASCII_DTOSTR_BUF_SIZE];

        if (d == floor (d) && fabs (d) < 1e21)
          {
            g_string_append_printf (out, "%.0f", d == 0 ? 0.0 : d); /* JS prints -0 as "0" */
            break;
          }
        for (int precision = 1; precision <= 17; precision++)
          {
            char format[8];

            g_snprintf (format, sizeof format, "%%.%dg", precision);
            g_ascii_formatd (buffer, sizeof buffer, format, d);
            if (g_ascii_strtod (buffer, NULL) == d)
              break;
          }
        g_string_append (out, buffer);
        break;
      }
    }
}

static gboolean
add_json_array_peers (GStrvBuilder *builder, const char *text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonArray *array;

  if (!json_parser_load_from_data (parser, text, -1, NULL))
    return FALSE;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    return FALSE;

  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autoptr (GString) peer = g_string_new (NULL);
      g_autofree char *trimmed = NULL;

      append_js_string (peer, json_array_get_element (array, i));
      trimmed = dg_env_js_trim (peer->str);
      if (trimmed[0] != '\0')
        g_strv_builder_add (builder, trimmed);
    }
  return TRUE;
}

/**
 * dg_config_parse_peer_list:
 * @value: (nullable): the resolved R1EN_CHAINSTORE_PEERS
 *
 * Trims @value, removes one pair of wrapping single or double quotes, then reads a JSON array
 * (elements stringified and trimmed) or, failing that, a comma-separated list; empty entries are
 * dropped.
 *
 * Returns: (transfer full): the peers, possibly an empty array (never %NULL).
 */
GStrv
dg_config_parse_peer_list (const char *value)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *trimmed = NULL;
  g_autofree char *raw = NULL;
  g_auto (GStrv) parts = NULL;
  gsize len;

  if (value == NULL)
    return g_strv_builder_end (builder);

  trimmed = dg_env_js_trim (value);
  len = strlen (trimmed);
  if (len > 0 && (trimmed[0] == '\'' || trimmed[0] == '"') && trimmed[len - 1] == trimmed[0])
    raw = g_strndup (trimmed + 1, len >= 2 ? len - 2 : 0);
  else
    raw = g_steal_pointer (&trimmed);

  if (raw[0] == '[' && add_json_array_peers (builder, raw))
    return g_strv_builder_end (builder);

  parts = g_strsplit (raw, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autofree char *peer = dg_env_js_trim (parts[i]);

      if (peer[0] != '\0')
        g_strv_builder_add (builder, peer);
    }
  return g_strv_builder_end (builder);
}

GHashTable *
dg_env_table_new (const char *const *envp)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto (GStrv) own = NULL;

  if (envp == NULL)
    envp = (const char *const *) (own = g_get_environ ());

  for (guint i = 0; envp[i] != NULL; i++)
    {
      const char *eq = strchr (envp[i], '=');
      char *name;

      if (eq == NULL || eq == envp[i])
        continue;
      name = g_strndup (envp[i], eq - envp[i]);
      if (g_hash_table_contains (table, name))
        g_free (name); /* getenv() sees the first definition */
      else
        g_hash_table_insert (table, name, g_strdup (eq + 1));
    }
  return table;
}

const char *
dg_env_raw (GHashTable *env, const char *name)
{
  g_return_val_if_fail (env != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return g_hash_table_lookup (env, name);
}

/* The text to expand: the variable if set, else a legacy name, else the default, else NULL. */
static const char *
unexpanded_value (GHashTable *env, const char *name)
{
  const char *value = g_hash_table_lookup (env, name);

  if (value != NULL && value[0] != '\0')
    return value;
  for (guint i = 0; i < G_N_ELEMENTS (fallback_map); i++)
    {
      if (strcmp (fallback_map[i].name, name) != 0)
        continue;
      for (guint j = 0; j < G_N_ELEMENTS (fallback_map[i].fallbacks); j++)
        {
          const char *legacy = fallback_map[i].fallbacks[j];

          if (legacy == NULL)
            break;
          value = g_hash_table_lookup (env, legacy);
          if (value != NULL && value[0] != '\0')
            return value;
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (default_map); i++)
    if (strcmp (default_map[i].name, name) == 0)
      return default_map[i].value;
  return NULL;
}

static gboolean
is_name_char (char c)
{
  return g_ascii_isupper (c) || g_ascii_isdigit (c) || c == '_';
}

static gboolean resolve_in (GHashTable *env, const char *name, GPtrArray *stack, char **out,
                            GError **error);

/* Expands $$, ${NAME} and $NAME (NAME = [A-Z0-9_]+) in @value into @out. */
static gboolean
expand (GHashTable *env, const char *value, GPtrArray *stack, GString *out, GError **error)
{
  const char *p = value;

  while (*p != '\0')
    {
      const char *dollar = strchr (p, '$');
      g_autofree char *name = NULL;
      g_autofree char *resolved = NULL;
      gsize n = 0;

      if (dollar == NULL)
        {
          g_string_append (out, p);
          break;
        }
      g_string_append_len (out, p, dollar - p);
      p = dollar + 1;

      if (*p == '$')
        {
          g_string_append_c (out, '$');
          p++;
          continue;
        }
      if (*p == '{')
        {
          while (is_name_char (p[1 + n]))
            n++;
          if (n > 0 && p[1 + n] == '}')
            {
              name = g_strndup (p + 1, n);
              p += n + 2;
            }
        }
      else
        {
          while (is_name_char (p[n]))
            n++;
          if (n > 0)
            {
              name = g_strndup (p, n);
              p += n;
            }
        }
      if (name == NULL)
        {
          g_string_append_c (out, '$');
          continue;
        }

      if (!resolve_in (env, name, stack, &resolved, error))
        return FALSE;
      if (resolved != NULL)
        g_string_append (out, resolved);
      if (out->len > MAX_EXPANDED_LENGTH)
        {
          g_set_error (error, DG_CONFIG_ERROR, DG_CONFIG_ERROR_INVALID,
                       "Environment variable %s expands to more than %d bytes",
                       (const char *) stack->pdata[0], MAX_EXPANDED_LENGTH);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
resolve_in (GHashTable *env, const char *name, GPtrArray *stack, char **out, GError **error)
{
  const char *value;
  g_autoptr (GString) expanded = NULL;

  *out = NULL;
  for (guint i = 0; i < stack->len; i++)
    {
      if (strcmp (stack->pdata[i], name) == 0)
        {
          g_autoptr (GString) chain = g_string_new (NULL);

          for (guint j = 0; j < stack->len; j++)
            g_string_append_printf (chain, "%s -> ", (const char *) stack->pdata[j]);
          g_string_append (chain, name);
          g_set_error (error, DG_CONFIG_ERROR, DG_CONFIG_ERROR_CYCLE,
                       "Environment variable cycle detected: %s", chain->str);
          return FALSE;
        }
    }
  if (stack->len >= MAX_EXPANSION_DEPTH)
    {
      g_set_error (error, DG_CONFIG_ERROR, DG_CONFIG_ERROR_INVALID,
                   "Environment variable %s nests references more than %d levels deep",
                   (const char *) stack->pdata[0], MAX_EXPANSION_DEPTH);
      return FALSE;
    }

  value = unexpanded_value (env, name);
  if (value == NULL)
    return TRUE;

  expanded = g_string_new (NULL);
  g_ptr_array_add (stack, (gpointer) name);
  if (!expand (env, value, stack, expanded, error))
    return FALSE;
  g_ptr_array_set_size (stack, stack->len - 1);
  *out = g_string_free (g_steal_pointer (&expanded), FALSE);
  return TRUE;
}

char *
dg_env_resolve (GHashTable *env, const char *name, GError **error)
{
  g_autoptr (GPtrArray) stack = g_ptr_array_new ();
  char *value = NULL;

  g_return_val_if_fail (env != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!resolve_in (env, name, stack, &value, error))
    return NULL;
  return value;
}

/* The SDK's "ensure protocol" plus stripping the trailing slashes that would make `//hget`. */
char *
dg_env_service_url (const char *url)
{
  g_autofree char *text = dg_env_js_trim (url);
  GString *out = g_string_new (NULL);

  if (g_ascii_strncasecmp (text, "http://", 7) != 0 &&
      g_ascii_strncasecmp (text, "https://", 8) != 0)
    g_string_append (out, "http://");
  g_string_append (out, text);
  while (out->len > 0 && out->str[out->len - 1] == '/')
    g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}

/* A DNS host name: dot-separated labels of letters, digits and inner hyphens. */
gboolean
dg_env_is_hostname (const char *text)
{
  gsize label = 0, total = 0;

  for (const char *p = text; *p != '\0'; p++, total++)
    {
      if (*p == '.')
        {
          if (label == 0 || p[-1] == '-')
            return FALSE;
          label = 0;
        }
      else if (g_ascii_isalnum (*p) || (*p == '-' && label > 0))
        {
          if (++label > 63)
            return FALSE;
        }
      else
        return FALSE;
    }
  return total > 0 && total <= 253 && label > 0 && text[total - 1] != '-';
}

/* The SDK's EE_CHAINSTORE_PEERS: FALSE, with an empty *out_peers, unless a JSON array of strings. */
gboolean
dg_env_parse_string_array (const char *text, GStrv *out_peers)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonArray *array;

  *out_peers = NULL;
  if (!json_parser_load_from_data (parser, text, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      *out_peers = g_new0 (char *, 1);
      return FALSE;
    }
  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        {
          *out_peers = g_new0 (char *, 1);
          return FALSE;
        }
      g_strv_builder_add (builder, json_node_get_string (element));
    }
  *out_peers = g_strv_builder_end (builder);
  return TRUE;
}
