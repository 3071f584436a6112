/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-json-schema"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dg-json-schema-private.h"
#include "dg-json-writer.h"

/*
 * JSON values as JSON Schema sees them: numbers compare by value whatever their
 * representation (1 == 1.0, and a gint64 above 2^53 against a double is exact),
 * multipleOf is decided in decimal arithmetic (0.0075 is a multiple of 0.0001, 1e308 a
 * multiple of 0.5), and equality ignores object member order.
 */

guint
dg_js_type_of (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      return DG_JS_T_OBJECT;
    case JSON_NODE_ARRAY:
      return DG_JS_T_ARRAY;
    case JSON_NODE_NULL:
      return DG_JS_T_NULL;
    case JSON_NODE_VALUE:
    default:
      break;
    }
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return DG_JS_T_STRING;
    case G_TYPE_BOOLEAN:
      return DG_JS_T_BOOLEAN;
    case G_TYPE_INT64:
    case G_TYPE_INT:
      return DG_JS_T_NUMBER | DG_JS_T_INTEGER;
    case G_TYPE_DOUBLE:
    case G_TYPE_FLOAT:
      {
        double d = json_node_get_double (node);

        return isfinite (d) && floor (d) == d ? DG_JS_T_NUMBER | DG_JS_T_INTEGER : DG_JS_T_NUMBER;
      }
    default:
      return 0;
    }
}

gboolean
dg_js_num_from_node (JsonNode *node, DgJsNum *out)
{
  GType type;

  if (JSON_NODE_TYPE (node) != JSON_NODE_VALUE)
    return FALSE;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64 || type == G_TYPE_INT)
    {
      out->is_int = TRUE;
      out->i = json_node_get_int (node);
      out->d = (double) out->i;
      return TRUE;
    }
  if (type == G_TYPE_DOUBLE || type == G_TYPE_FLOAT)
    {
      out->is_int = FALSE;
      out->d = json_node_get_double (node);
      out->i = 0;
      return isfinite (out->d);
    }
  return FALSE;
}

/* Exact comparison of a gint64 with a double. */
static int
compare_int_double (gint64 i, double d)
{
  double t;
  gint64 ti;

  if (d >= 9223372036854775808.0)
    return -1;
  if (d < -9223372036854775808.0)
    return 1;
  t = trunc (d);
  ti = (gint64) t; /* exact: |t| < 2^63 */
  if (i < ti)
    return -1;
  if (i > ti)
    return 1;
  if (d > t)
    return -1;
  if (d < t)
    return 1;
  return 0;
}

int
dg_js_num_compare (const DgJsNum *a, const DgJsNum *b)
{
  if (a->is_int && b->is_int)
    return a->i < b->i ? -1 : a->i > b->i;
  if (!a->is_int && !b->is_int)
    return a->d < b->d ? -1 : a->d > b->d;
  if (a->is_int)
    return compare_int_double (a->i, b->d);
  return -compare_int_double (b->i, a->d);
}

static void
decimal_normalize (DgJsDecimal *dec)
{
  int lead = 0;

  while (lead < dec->n_digits && dec->digits[lead] == '0')
    lead++;
  if (lead > 0)
    {
      memmove (dec->digits, dec->digits + lead, dec->n_digits - lead);
      dec->n_digits -= lead;
    }
  while (dec->n_digits > 0 && dec->digits[dec->n_digits - 1] == '0')
    {
      dec->n_digits--;
      dec->exponent++;
    }
  if (dec->n_digits == 0)
    {
      dec->exponent = 0;
      dec->negative = FALSE;
    }
  dec->digits[dec->n_digits] = '\0';
}

/* The decimal a person wrote: the shortest digits that read back as the same double. */
gboolean
dg_js_num_to_decimal (const DgJsNum *num, DgJsDecimal *out)
{
  memset (out, 0, sizeof *out);
  if (num->is_int)
    {
      guint64 v = num->i < 0 ? (guint64) 0 - (guint64) num->i : (guint64) num->i;
      char buf[32];

      out->negative = num->i < 0;
      g_snprintf (buf, sizeof buf, "%" G_GUINT64_FORMAT, v);
      out->n_digits = strlen (buf);
      memcpy (out->digits, buf, out->n_digits);
      out->exponent = 0;
      decimal_normalize (out);
      return TRUE;
    }
  if (!isfinite (num->d))
    return FALSE;
  for (int precision = 1; precision <= 17; precision++)
    {
      char buf[64];
      char *e;
      int exp10;

      g_snprintf (buf, sizeof buf, "%.*e", precision - 1, num->d);
      if (g_ascii_strtod (buf, NULL) != num->d && precision < 17)
        continue;
      /* buf is [-]D[.DDD]e±XX */
      e = strchr (buf, 'e');
      exp10 = atoi (e + 1);
      *e = '\0';
      out->negative = buf[0] == '-';
      out->n_digits = 0;
      for (const char *c = buf; *c != '\0'; c++)
        if (g_ascii_isdigit (*c))
          out->digits[out->n_digits++] = *c;
      out->exponent = exp10 - (out->n_digits - 1);
      decimal_normalize (out);
      return TRUE;
    }
  return FALSE;
}

gboolean
dg_js_is_multiple_of (const DgJsNum *value, const DgJsNum *divisor,
                      const DgJsDecimal *divisor_decimal)
{
  DgJsDecimal x;
  unsigned __int128 b = 0, r = 0;
  int k;

  if (value->is_int && divisor->is_int && divisor->i > 0)
    return value->i % divisor->i == 0;

  /* Fast path, for divisors like 0.01: with d the divisor's decimals, if m = value × 10^d
   * rounds to an integer below 2^50 that reads back as the value, then m × 10^-d is the
   * decimal the value stands for (the doubles there are far closer together than 10^-d,
   * so no other d-decimal number rounds to it); if it does not read back, the value has
   * more decimals than the divisor and is no multiple of it. */
  if (divisor_decimal->exponent <= 0 && divisor_decimal->exponent >= -22 &&
      divisor_decimal->n_digits > 0 && divisor_decimal->n_digits <= 18)
    {
      static const double powers[] = { 1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };
      int d = -divisor_decimal->exponent;
      double v = value->is_int ? (double) value->i : value->d;
      double scaled = v * powers[d];

      if (fabs (scaled) < 1125899906842624.0 && (!value->is_int || (double) value->i == v))
        {
          gint64 m = llround (scaled), digits = 0;

          if ((double) m / powers[d] != v)
            return FALSE;
          for (int i = 0; i < divisor_decimal->n_digits; i++)
            digits = digits * 10 + (divisor_decimal->digits[i] - '0');
          return m % digits == 0;
        }
    }

  if (!dg_js_num_to_decimal (value, &x))
    return FALSE;
  if (x.n_digits == 0)
    return TRUE; /* zero */
  if (divisor_decimal->n_digits == 0)
    return FALSE;
  for (int i = 0; i < divisor_decimal->n_digits; i++)
    b = b * 10 + (unsigned) (divisor_decimal->digits[i] - '0');

  /* value / divisor = (X / B) × 10^k with X, B the digit strings as integers. */
  k = x.exponent - divisor_decimal->exponent;
  if (k < 0)
    return FALSE; /* X has no trailing zeros, so X / (B × 10^-k) is never an integer */
  for (int i = 0; i < x.n_digits; i++)
    r = (r * 10 + (unsigned) (x.digits[i] - '0')) % b;
  for (int i = 0; i < k && r != 0; i++)
    r = (r * 10) % b;
  return r == 0;
}

char *
dg_js_num_to_string (const DgJsNum *num)
{
  DgJsDecimal dec;
  GString *s;
  int point;

  if (num->is_int)
    return g_strdup_printf ("%" G_GINT64_FORMAT, num->i);
  if (!dg_js_num_to_decimal (num, &dec))
    return g_strdup ("NaN");
  if (dec.n_digits == 0)
    return g_strdup ("0");
  s = g_string_new (dec.negative ? "-" : "");
  point = dec.n_digits + dec.exponent; /* digits before the decimal point */
  if (dec.exponent >= 0 && point <= 21)
    {
      g_string_append (s, dec.digits);
      for (int i = 0; i < dec.exponent; i++)
        g_string_append_c (s, '0');
    }
  else if (dec.exponent < 0 && point > 0)
    {
      g_string_append_len (s, dec.digits, point);
      g_string_append_c (s, '.');
      g_string_append (s, dec.digits + point);
    }
  else if (dec.exponent < 0 && point > -6)
    {
      g_string_append (s, "0.");
      for (int i = 0; i < -point; i++)
        g_string_append_c (s, '0');
      g_string_append (s, dec.digits);
    }
  else
    {
      g_string_append_c (s, dec.digits[0]);
      if (dec.n_digits > 1)
        {
          g_string_append_c (s, '.');
          g_string_append (s, dec.digits + 1);
        }
      g_string_append_printf (s, "e%d", point - 1);
    }
  return g_string_free (s, FALSE);
}

int
dg_js_equal (JsonNode *a, JsonNode *b, guint depth)
{
  guint ta, tb;

  if (depth > DG_JS_MAX_VALUE_DEPTH)
    return -1;
  ta = dg_js_type_of (a);
  tb = dg_js_type_of (b);
  if ((ta & ~DG_JS_T_INTEGER) != (tb & ~DG_JS_T_INTEGER))
    return 0;
  switch (ta & ~DG_JS_T_INTEGER)
    {
    case DG_JS_T_NULL:
      return 1;
    case DG_JS_T_BOOLEAN:
      return !json_node_get_boolean (a) == !json_node_get_boolean (b);
    case DG_JS_T_STRING:
      return strcmp (json_node_get_string (a), json_node_get_string (b)) == 0;
    case DG_JS_T_NUMBER:
      {
        DgJsNum na, nb;

        dg_js_num_from_node (a, &na);
        dg_js_num_from_node (b, &nb);
        return dg_js_num_compare (&na, &nb) == 0;
      }
    case DG_JS_T_ARRAY:
      {
        JsonArray *aa = json_node_get_array (a), *ab = json_node_get_array (b);
        guint n = json_array_get_length (aa);

        if (n != json_array_get_length (ab))
          return 0;
        for (guint i = 0; i < n; i++)
          {
            int eq = dg_js_equal (json_array_get_element (aa, i), json_array_get_element (ab, i),
                                  depth + 1);
            if (eq != 1)
              return eq;
          }
        return 1;
      }
    case DG_JS_T_OBJECT:
      {
        JsonObject *oa = json_node_get_object (a), *ob = json_node_get_object (b);
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        if (json_object_get_size (oa) != json_object_get_size (ob))
          return 0;
        json_object_iter_init (&iter, oa);
        while (json_object_iter_next (&iter, &name, &member))
          {
            JsonNode *other = json_object_get_member (ob, name);
            int eq;

            if (other == NULL)
              return 0;
            eq = dg_js_equal (member, other, depth + 1);
            if (eq != 1)
              return eq;
          }
        return 1;
      }
    default:
      return 0;
    }
}

guint
dg_js_hash (JsonNode *node, guint depth)
{
  guint t = dg_js_type_of (node) & ~DG_JS_T_INTEGER;

  if (depth > DG_JS_MAX_VALUE_DEPTH)
    return 0;
  switch (t)
    {
    case DG_JS_T_NULL:
      return 0x9e3779b9u;
    case DG_JS_T_BOOLEAN:
      return json_node_get_boolean (node) ? 0x85ebca6bu : 0xc2b2ae35u;
    case DG_JS_T_STRING:
      return g_str_hash (json_node_get_string (node));
    case DG_JS_T_NUMBER:
      {
        DgJsNum n;
        double d;

        /* Equal numbers have equal doubles, whatever their representation. */
        dg_js_num_from_node (node, &n);
        d = n.is_int ? (double) n.i : n.d;
        if (d == 0)
          d = 0; /* -0.0 */
        return g_double_hash (&d);
      }
    case DG_JS_T_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint h = 0x27d4eb2fu, n = json_array_get_length (array);

        for (guint i = 0; i < n; i++)
          h = h * 31 + dg_js_hash (json_array_get_element (array, i), depth + 1);
        return h;
      }
    case DG_JS_T_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;
        guint h = 0x165667b1u;

        /* Order-independent: a sum of member hashes. */
        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, &name, &member))
          h += g_str_hash (name) * 2654435761u ^ dg_js_hash (member, depth + 1);
        return h;
      }
    default:
      return 0;
    }
}

/* @text itself when it fits @max_length bytes, else its start and "…"; takes @text. */
static char *
shorten (char *text, gsize max_length)
{
  g_autofree char *long_text = NULL;
  const char *end;

  if (strlen (text) <= max_length)
    return text;
  long_text = text;
  end = g_utf8_find_prev_char (long_text, long_text + max_length);
  if (end == NULL)
    end = long_text;
  return g_strdup_printf ("%.*s…", (int) (end - long_text), long_text);
}

/* Message texts only read the schema's values: json_to_string() would take references to
 * them from whichever thread validates, and json-glib counts without atomics. */
char *
dg_js_value_to_string (JsonNode *node, gsize max_length)
{
  return shorten (dg_json_to_string (node, DG_JSON_WRITE_COMPACT), max_length);
}

char *
dg_js_values_to_string (JsonNode *const *values, guint n_values, gsize max_length)
{
  GString *out = g_string_new ("[");

  for (guint i = 0; i < n_values; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      dg_json_append (out, values[i], DG_JSON_WRITE_COMPACT);
    }
  g_string_append_c (out, ']');
  return shorten (g_string_free (out, FALSE), max_length);
}
