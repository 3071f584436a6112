/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-json-schema"

#include "config.h"

#include <string.h>

#include "dg-json-schema-private.h"

/*
 * The "format" checkers of draft 2020-12 (dates and times after RFC 3339, addresses, UUIDs,
 * JSON Pointers). Each gets the string and its length in bytes, accepts only ASCII digits
 * where digits are meant, and never allocates on the common path. Host names and e-mail
 * live in dg-json-schema-format-idn.c, URIs in dg-json-schema-uri.c.
 */

static inline gboolean
digits (const char *s, int n, int *out)
{
  int v = 0;

  for (int i = 0; i < n; i++)
    {
      if (s[i] < '0' || s[i] > '9')
        return FALSE;
      v = v * 10 + (s[i] - '0');
    }
  *out = v;
  return TRUE;
}

static gboolean
leap_year (int y)
{
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static gboolean
full_date (const char *s, gsize len)
{
  static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  int y, m, d;

  if (len != 10 || s[4] != '-' || s[7] != '-')
    return FALSE;
  if (!digits (s, 4, &y) || !digits (s + 5, 2, &m) || !digits (s + 8, 2, &d))
    return FALSE;
  if (m < 1 || m > 12 || d < 1)
    return FALSE;
  return d <= days[m - 1] + (m == 2 && leap_year (y));
}

static gboolean
format_date (const char *s, gsize len)
{
  return full_date (s, len);
}

/* full-time: HH:MM:SS[.frac](Z|±HH:MM); a leap second only at 23:59 UTC. */
static gboolean
full_time (const char *s, gsize len)
{
  int hh, mm, ss, oh = 0, om = 0, utc_minutes;
  gsize i = 8;

  if (len < 9 || s[2] != ':' || s[5] != ':')
    return FALSE;
  if (!digits (s, 2, &hh) || !digits (s + 3, 2, &mm) || !digits (s + 6, 2, &ss))
    return FALSE;
  if (hh > 23 || mm > 59 || ss > 60)
    return FALSE;
  if (s[i] == '.')
    {
      gsize start = ++i;

      while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
      if (i == start)
        return FALSE;
    }
  if (i >= len)
    return FALSE;
  if (s[i] == 'Z' || s[i] == 'z')
    {
      if (i + 1 != len)
        return FALSE;
    }
  else if (s[i] == '+' || s[i] == '-')
    {
      if (len - i != 6 || s[i + 3] != ':' || !digits (s + i + 1, 2, &oh) ||
          !digits (s + i + 4, 2, &om) || oh > 23 || om > 59)
        return FALSE;
      if (s[i] == '-')
        {
          oh = -oh;
          om = -om;
        }
    }
  else
    return FALSE;
  if (ss == 60)
    {
      utc_minutes = ((hh * 60 + mm - (oh * 60 + om)) % 1440 + 1440) % 1440;
      if (utc_minutes != 23 * 60 + 59)
        return FALSE;
    }
  return TRUE;
}

static gboolean
format_time (const char *s, gsize len)
{
  return full_time (s, len);
}

static gboolean
format_date_time (const char *s, gsize len)
{
  if (len < 11 || (s[10] != 'T' && s[10] != 't'))
    return FALSE;
  return full_date (s, 10) && full_time (s + 11, len - 11);
}

/* RFC 3339 appendix A (ISO 8601 durations). */
static gboolean
format_duration (const char *s, gsize len)
{
  static const char date_units[] = "YMD";
  static const char time_units[] = "HMS";
  gsize i = 1;
  int last = -1; /* index of the last unit in date_units/time_units */
  gboolean any = FALSE;

  if (len < 2 || s[0] != 'P')
    return FALSE;

  /* weeks stand alone: P<n>W */
  if (s[len - 1] == 'W')
    {
      for (i = 1; i < len - 1; i++)
        if (s[i] < '0' || s[i] > '9')
          return FALSE;
      return len > 2;
    }

  while (i < len && s[i] != 'T')
    {
      gsize start = i;
      const char *unit;
      int idx;

      while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
      if (i == start || i >= len || (unit = strchr (date_units, s[i])) == NULL || s[i] == '\0')
        return FALSE;
      idx = unit - date_units;
      /* Y may be followed by M, M by D: each unit follows the one before it directly. */
      if (last >= 0 && idx != last + 1)
        return FALSE;
      last = idx;
      any = TRUE;
      i++;
    }
  if (i < len)
    {
      /* s[i] == 'T' */
      gboolean any_time = FALSE;

      last = -1;
      i++;
      while (i < len)
        {
          gsize start = i;
          const char *unit;
          int idx;

          while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
          if (i == start || i >= len || (unit = strchr (time_units, s[i])) == NULL || s[i] == '\0')
            return FALSE;
          idx = unit - time_units;
          if (last >= 0 && idx != last + 1)
            return FALSE;
          last = idx;
          any_time = TRUE;
          i++;
        }
      return any_time;
    }
  return any;
}

gboolean
dg_js_format_ipv4 (const char *s, gsize len)
{
  gsize i = 0;

  for (int part = 0; part < 4; part++)
    {
      gsize start = i;
      int v = 0;

      if (part > 0)
        {
          if (i >= len || s[i] != '.')
            return FALSE;
          start = ++i;
        }
      while (i < len && s[i] >= '0' && s[i] <= '9' && i - start < 3)
        v = v * 10 + (s[i++] - '0');
      if (i == start || v > 255 || (i - start > 1 && s[start] == '0'))
        return FALSE;
    }
  return i == len;
}

/* RFC 4291 section 2.2 text form, with an optional dotted IPv4 tail; no zone, no prefix. */
gboolean
dg_js_format_ipv6 (const char *s, gsize len)
{
  int groups = 0;
  gboolean compressed = FALSE;
  gsize i = 0;

  if (len < 2)
    return FALSE;
  if (s[0] == ':')
    {
      if (s[1] != ':')
        return FALSE;
      compressed = TRUE;
      i = 2;
      if (i == len)
        return TRUE;
    }
  while (i < len)
    {
      gsize start = i;

      while (i < len && g_ascii_isxdigit (s[i]) && i - start < 5)
        i++;
      if (i < len && s[i] == '.')
        {
          /* dotted IPv4 in place of the last two groups */
          if (!dg_js_format_ipv4 (s + start, len - start))
            return FALSE;
          groups += 2;
          i = len;
          break;
        }
      if (i == start || i - start > 4)
        return FALSE;
      groups++;
      if (i == len)
        break;
      if (s[i] != ':')
        return FALSE;
      i++;
      if (i < len && s[i] == ':')
        {
          if (compressed)
            return FALSE;
          compressed = TRUE;
          i++;
          if (i == len)
            break;
        }
      else if (i == len)
        return FALSE; /* trailing single ':' */
    }
  return compressed ? groups <= 7 : groups == 8;
}

static gboolean
format_uuid (const char *s, gsize len)
{
  if (len != 36)
    return FALSE;
  for (gsize i = 0; i < 36; i++)
    {
      if (i == 8 || i == 13 || i == 18 || i == 23)
        {
          if (s[i] != '-')
            return FALSE;
        }
      else if (!g_ascii_isxdigit (s[i]))
        return FALSE;
    }
  return TRUE;
}

static gboolean
json_pointer (const char *s, gsize len)
{
  if (len > 0 && s[0] != '/')
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (s[i] == '~' && (i + 1 >= len || (s[i + 1] != '0' && s[i + 1] != '1')))
      return FALSE;
  return TRUE;
}

static gboolean
format_json_pointer (const char *s, gsize len)
{
  return json_pointer (s, len);
}

static gboolean
format_relative_json_pointer (const char *s, gsize len)
{
  gsize i = 0;

  while (i < len && s[i] >= '0' && s[i] <= '9')
    i++;
  if (i == 0 || (i > 1 && s[0] == '0'))
    return FALSE;
  if (i < len && s[i] == '#')
    return i + 1 == len;
  return json_pointer (s + i, len - i);
}

static const struct
{
  const char *name;
  DgJsFormatFunc func;
} formats[] = {
  { "date-time", format_date_time },
  { "date", format_date },
  { "time", format_time },
  { "duration", format_duration },
  { "email", dg_js_format_email },
  { "idn-email", dg_js_format_idn_email },
  { "hostname", dg_js_format_hostname },
  { "idn-hostname", dg_js_format_idn_hostname },
  { "ipv4", dg_js_format_ipv4 },
  { "ipv6", dg_js_format_ipv6 },
  { "uri", dg_js_format_uri },
  { "uri-reference", dg_js_format_uri_reference },
  { "iri", dg_js_format_iri },
  { "iri-reference", dg_js_format_iri_reference },
  { "uri-template", dg_js_format_uri_template },
  { "uuid", format_uuid },
  { "json-pointer", format_json_pointer },
  { "relative-json-pointer", format_relative_json_pointer },
  { "regex", dg_js_format_regex },
};

/* The checker for a format name, or NULL for formats we do not know (never asserted). */
DgJsFormatFunc
dg_js_format_lookup (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (formats); i++)
    if (g_str_equal (formats[i].name, name))
      return formats[i].func;
  return NULL;
}
