/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-js-string"

#include "config.h"

#include <string.h>

#include "dg-js-string.h"

/* String.prototype.trim() strips WhiteSpace and LineTerminator code points. */
gboolean
dg_js_is_space (gunichar c)
{
  switch (c)
    {
    case 0x0009:
    case 0x000A:
    case 0x000B:
    case 0x000C:
    case 0x000D:
    case 0x0020:
    case 0x00A0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
    case 0xFEFF:
      return TRUE;
    default:
      return c >= 0x2000 && c <= 0x200A;
    }
}

char *
dg_js_trim (const char *text)
{
  const char *start = text;
  const char *end;

  g_return_val_if_fail (text != NULL, NULL);

  while (*start != '\0' && dg_js_is_space (g_utf8_get_char (start)))
    start = g_utf8_next_char (start);
  end = start + strlen (start);
  while (end > start)
    {
      const char *prev = g_utf8_prev_char (end);

      if (!dg_js_is_space (g_utf8_get_char (prev)))
        break;
      end = prev;
    }
  return g_strndup (start, end - start);
}

/*
 * String.prototype.toLowerCase(): full Unicode lowercasing, independent of the locale.
 * g_utf8_strdown() would switch to Turkish or Lithuanian rules under those locales, so
 * map each code point with g_unichar_tolower() (U+212A KELVIN SIGN becomes "k") and add
 * the one unconditional multi-character mapping, U+0130 -> "i" U+0307. The contextual
 * final sigma only changes which non-ASCII letter comes out, and any non-ASCII result is
 * refused by the username pattern anyway.
 */
char *
dg_js_to_lower (const char *text)
{
  GString *out = g_string_sized_new (strlen (text));

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x80)
        g_string_append_c (out, g_ascii_tolower ((char) c));
      else if (c == 0x0130)
        g_string_append (out, "i\xcc\x87");
      else
        g_string_append_unichar (out, g_unichar_tolower (c));
    }
  return g_string_free (out, FALSE);
}

char *
dg_js_trim_lower (const char *text)
{
  g_autofree char *trimmed = NULL;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return NULL;
  trimmed = dg_js_trim (text);
  return dg_js_to_lower (trimmed);
}

/* Length in UTF-16 code units, as JavaScript's String.length counts. */
gsize
dg_js_utf16_length (const char *text)
{
  gsize n = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    n += g_utf8_get_char (p) >= 0x10000 ? 2 : 1;
  return n;
}
