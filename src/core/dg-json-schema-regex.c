/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-json-schema"

#include "config.h"

#include <string.h>

#include "dg-json-schema-private.h"

/*
 * JSON Schema patterns are ECMA-262 regular expressions (with the "u" flag). GRegex runs
 * PCRE2 with Unicode properties on (PCRE2_UCP), whose \d, \w, \s, \b, '.' and '$' differ
 * from ECMA-262, and which has syntax ECMA-262 lacks. So each pattern is parsed here as
 * ECMA-262 (rejecting what it does not allow, e.g. \a, (?P<n>), (?i)) and rewritten into
 * an equivalent PCRE2 pattern:
 *
 *   \d \w \s (and negations)  → explicit ASCII / ECMA whitespace classes
 *   \b \B                     → lookaround on [A-Za-z0-9_]
 *   .                         → any character but \n \r U+2028 U+2029
 *   $                         → end of input only (G_REGEX_DOLLAR_ENDONLY)
 *   \uXXXX, \u{X}, \cX, \v    → \x{…}
 *   [] and [^]                → never / any character
 *   \p{Letter}, \p{gc=Lu}     → \p{L}, \p{Lu}
 *
 * Left to PCRE2: variable-width lookbehind (an ECMA-262 feature PCRE2 10.42 rejects; such
 * patterns are valid for format "regex" but fail to compile with a clear error).
 * For readability, punctuation escapes outside the u-flag's strict set (e.g. \- or \@
 * outside a class) are accepted as literals, as browsers do without the flag.
 */

#define WORD_CLASS "A-Za-z0-9_"
#define NOT_WORD_RANGES "\\x{0}-\\x{2F}\\x{3A}-\\x{40}\\x{5B}-\\x{5E}\\x{60}\\x{7B}-\\x{10FFFF}"
#define NOT_DIGIT_RANGES "\\x{0}-\\x{2F}\\x{3A}-\\x{10FFFF}"
#define SPACE_CLASS                                                                             \
  "\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}" \
  "\\x{3000}\\x{FEFF}"
#define NOT_SPACE_RANGES                                                             \
  "\\x{0}-\\x{08}\\x{0E}-\\x{1F}\\x{21}-\\x{9F}\\x{A1}-\\x{167F}\\x{1681}-\\x{1FFF}" \
  "\\x{200B}-\\x{2027}\\x{202A}-\\x{202E}\\x{2030}-\\x{205E}\\x{2060}-\\x{2FFF}"     \
  "\\x{3001}-\\x{FEFE}\\x{FF00}-\\x{10FFFF}"

typedef struct
{
  const char *start;
  const char *p;
  const char *end;
  GString *out;
  char *error;
  int depth;
} Tx;

static gboolean G_GNUC_PRINTF (2, 3) tx_fail (Tx *tx, const char *format, ...)
{
  va_list args;

  if (tx->error == NULL)
    {
      g_autofree char *message = NULL;

      va_start (args, format);
      message = g_strdup_vprintf (format, args);
      va_end (args);
      tx->error = g_strdup_printf ("%s at offset %d", message, (int) (tx->p - tx->start));
    }
  return FALSE;
}

static const struct
{
  const char *long_name;
  const char *short_name;
} general_categories[] = {
  { "Letter", "L" },
  { "Cased_Letter", "L&" },
  { "LC", "L&" },
  { "Uppercase_Letter", "Lu" },
  { "Lowercase_Letter", "Ll" },
  { "Titlecase_Letter", "Lt" },
  { "Modifier_Letter", "Lm" },
  { "Other_Letter", "Lo" },
  { "Mark", "M" },
  { "Combining_Mark", "M" },
  { "Nonspacing_Mark", "Mn" },
  { "Spacing_Mark", "Mc" },
  { "Enclosing_Mark", "Me" },
  { "Number", "N" },
  { "Decimal_Number", "Nd" },
  { "digit", "Nd" },
  { "Letter_Number", "Nl" },
  { "Other_Number", "No" },
  { "Punctuation", "P" },
  { "punct", "P" },
  { "Connector_Punctuation", "Pc" },
  { "Dash_Punctuation", "Pd" },
  { "Open_Punctuation", "Ps" },
  { "Close_Punctuation", "Pe" },
  { "Initial_Punctuation", "Pi" },
  { "Final_Punctuation", "Pf" },
  { "Other_Punctuation", "Po" },
  { "Symbol", "S" },
  { "Math_Symbol", "Sm" },
  { "Currency_Symbol", "Sc" },
  { "Modifier_Symbol", "Sk" },
  { "Other_Symbol", "So" },
  { "Separator", "Z" },
  { "Space_Separator", "Zs" },
  { "Line_Separator", "Zl" },
  { "Paragraph_Separator", "Zp" },
  { "Other", "C" },
  { "Control", "Cc" },
  { "cntrl", "Cc" },
  { "Format", "Cf" },
  { "Surrogate", "Cs" },
  { "Private_Use", "Co" },
  { "Unassigned", "Cn" },
};

static const char *
map_general_category (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (general_categories); i++)
    if (g_str_equal (name, general_categories[i].long_name) ||
        g_str_equal (name, general_categories[i].short_name))
      return general_categories[i].short_name;
  return NULL;
}

/* \p{…} / \P{…}; r->p is after the 'p' or 'P'. */
static gboolean
tx_property (Tx *tx, gboolean negated)
{
  const char *close;
  g_autofree char *name = NULL;
  const char *eq, *mapped;

  if (tx->p >= tx->end || *tx->p != '{')
    return tx_fail (tx, "\\%c must be followed by {property}", negated ? 'P' : 'p');
  close = memchr (tx->p, '}', tx->end - tx->p);
  if (close == NULL || close == tx->p + 1)
    return tx_fail (tx, "unterminated \\%c{…}", negated ? 'P' : 'p');
  name = g_strndup (tx->p + 1, close - tx->p - 1);
  for (const char *c = name; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && *c != '_' && *c != '=')
      return tx_fail (tx, "invalid Unicode property name '%s'", name);
  tx->p = close + 1;
  g_string_append (tx->out, negated ? "\\P{" : "\\p{");
  eq = strchr (name, '=');
  if (eq != NULL)
    {
      g_autofree char *key = g_strndup (name, eq - name);

      if (g_str_equal (key, "General_Category") || g_str_equal (key, "gc"))
        {
          mapped = map_general_category (eq + 1);
          if (mapped == NULL)
            return tx_fail (tx, "unknown General_Category '%s'", eq + 1);
          g_string_append (tx->out, mapped);
        }
      else if (g_str_equal (key, "Script") || g_str_equal (key, "sc") ||
               g_str_equal (key, "Script_Extensions") || g_str_equal (key, "scx"))
        g_string_append (tx->out, name);
      else
        return tx_fail (tx, "unknown Unicode property '%s'", key);
    }
  else if ((mapped = map_general_category (name)) != NULL)
    g_string_append (tx->out, mapped);
  else
    g_string_append (tx->out, name);
  g_string_append_c (tx->out, '}');
  return TRUE;
}

static int
hex_digit (char c)
{
  return g_ascii_isxdigit (c) ? g_ascii_xdigit_value (c) : -1;
}

/* Reads \uXXXX (and a following low surrogate) or \u{X…}; tx->p is after the 'u'. */
static gboolean
tx_unicode_escape (Tx *tx, gunichar *out)
{
  guint v = 0;

  if (tx->p < tx->end && *tx->p == '{')
    {
      int n = 0;

      for (tx->p++; tx->p < tx->end && *tx->p != '}'; tx->p++, n++)
        {
          if (hex_digit (*tx->p) < 0 || n >= 6)
            return tx_fail (tx, "invalid \\u{…} escape");
          v = v * 16 + hex_digit (*tx->p);
        }
      if (tx->p >= tx->end || n == 0 || v > 0x10FFFF)
        return tx_fail (tx, "invalid \\u{…} escape");
      tx->p++;
    }
  else
    {
      if (tx->end - tx->p < 4)
        return tx_fail (tx, "invalid \\u escape");
      for (int i = 0; i < 4; i++)
        {
          if (hex_digit (tx->p[i]) < 0)
            return tx_fail (tx, "invalid \\u escape");
          v = v * 16 + hex_digit (tx->p[i]);
        }
      tx->p += 4;
      if (v >= 0xD800 && v <= 0xDBFF && tx->end - tx->p >= 6 && tx->p[0] == '\\' && tx->p[1] == 'u')
        {
          guint lo = 0;
          gboolean ok = TRUE;

          for (int i = 2; i < 6; i++)
            {
              if (hex_digit (tx->p[i]) < 0)
                ok = FALSE;
              else
                lo = lo * 16 + hex_digit (tx->p[i]);
            }
          if (ok && lo >= 0xDC00 && lo <= 0xDFFF)
            {
              tx->p += 6;
              v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
            }
        }
    }
  if (v >= 0xD800 && v <= 0xDFFF)
    return tx_fail (tx, "lone surrogate \\u%04X cannot match UTF-8 text", v);
  *out = v;
  return TRUE;
}

/* An escape; tx->p is after the backslash. In a class, class escapes become ranges. */
static gboolean
tx_escape (Tx *tx, gboolean in_class, gboolean *is_atom)
{
  char c;
  gunichar u = 0;

  *is_atom = TRUE;
  if (tx->p >= tx->end)
    return tx_fail (tx, "pattern ends with a backslash");
  c = *tx->p++;
  switch (c)
    {
    case 'd':
      g_string_append (tx->out, in_class ? "0-9" : "[0-9]");
      return TRUE;
    case 'D':
      g_string_append (tx->out, in_class ? NOT_DIGIT_RANGES : "[^0-9]");
      return TRUE;
    case 'w':
      g_string_append (tx->out, in_class ? WORD_CLASS : "[" WORD_CLASS "]");
      return TRUE;
    case 'W':
      g_string_append (tx->out, in_class ? NOT_WORD_RANGES : "[^" WORD_CLASS "]");
      return TRUE;
    case 's':
      g_string_append (tx->out, in_class ? SPACE_CLASS : "[" SPACE_CLASS "]");
      return TRUE;
    case 'S':
      g_string_append (tx->out, in_class ? NOT_SPACE_RANGES : "[^" SPACE_CLASS "]");
      return TRUE;
    case 'b':
      if (in_class)
        g_string_append (tx->out, "\\x{08}");
      else
        {
          *is_atom = FALSE;
          g_string_append (tx->out, "(?:(?<=[" WORD_CLASS "])(?![" WORD_CLASS "])|(?<![" WORD_CLASS
                                    "])(?=[" WORD_CLASS "]))");
        }
      return TRUE;
    case 'B':
      if (in_class)
        return tx_fail (tx, "\\B is not allowed in a character class");
      *is_atom = FALSE;
      g_string_append (tx->out, "(?:(?<=[" WORD_CLASS "])(?=[" WORD_CLASS "])|(?<![" WORD_CLASS
                                "])(?![" WORD_CLASS "]))");
      return TRUE;
    case 't':
    case 'n':
    case 'r':
    case 'f':
      g_string_append_c (tx->out, '\\');
      g_string_append_c (tx->out, c);
      return TRUE;
    case 'v':
      g_string_append (tx->out, "\\x{0B}");
      return TRUE;
    case '0':
      if (tx->p < tx->end && g_ascii_isdigit (*tx->p))
        return tx_fail (tx, "octal escapes are not allowed");
      g_string_append (tx->out, "\\x{0}");
      return TRUE;
    case 'c':
      if (tx->p >= tx->end || !g_ascii_isalpha (*tx->p))
        return tx_fail (tx, "\\c must be followed by a letter");
      g_string_append_printf (tx->out, "\\x{%X}", (guint) (*tx->p++ % 32));
      return TRUE;
    case 'x':
      if (tx->end - tx->p < 2 || hex_digit (tx->p[0]) < 0 || hex_digit (tx->p[1]) < 0)
        return tx_fail (tx, "\\x must be followed by two hexadecimal digits");
      g_string_append_printf (tx->out, "\\x{%c%c}", tx->p[0], tx->p[1]);
      tx->p += 2;
      return TRUE;
    case 'u':
      if (!tx_unicode_escape (tx, &u))
        return FALSE;
      g_string_append_printf (tx->out, "\\x{%X}", u);
      return TRUE;
    case 'p':
    case 'P':
      return tx_property (tx, c == 'P');
    case 'k':
      {
        const char *close;

        if (in_class || tx->p >= tx->end || *tx->p != '<' ||
            (close = memchr (tx->p, '>', tx->end - tx->p)) == NULL || close == tx->p + 1)
          return tx_fail (tx, "\\k must be followed by <name>");
        g_string_append (tx->out, "\\k");
        g_string_append_len (tx->out, tx->p, close - tx->p + 1);
        tx->p = close + 1;
        return TRUE;
      }
    case '1' ... '9':
      {
        int n = c - '0';

        if (in_class)
          return tx_fail (tx, "backreferences are not allowed in a character class");
        while (tx->p < tx->end && g_ascii_isdigit (*tx->p) && n < 10000)
          n = n * 10 + (*tx->p++ - '0');
        g_string_append_printf (tx->out, "\\g{%d}", n);
        return TRUE;
      }
    default:
      if ((guchar) c < 0x80 && g_ascii_ispunct (c))
        {
          g_string_append_c (tx->out, '\\');
          g_string_append_c (tx->out, c);
          return TRUE;
        }
      tx->p--;
      if ((guchar) c >= 0x80)
        return tx_fail (tx, "invalid escape of a non-ASCII character");
      return tx_fail (tx, "invalid escape \\%c", c);
    }
}

static gboolean
tx_class (Tx *tx)
{
  gboolean negated = FALSE, dummy;

  tx->p++; /* '[' */
  if (tx->p < tx->end && *tx->p == '^')
    {
      negated = TRUE;
      tx->p++;
    }
  if (tx->p < tx->end && *tx->p == ']')
    {
      tx->p++;
      g_string_append (tx->out, negated ? "(?s:.)" : "(?!)");
      return TRUE;
    }
  g_string_append (tx->out, negated ? "[^" : "[");
  while (tx->p < tx->end && *tx->p != ']')
    {
      if (*tx->p == '\\')
        {
          tx->p++;
          if (tx->p < tx->end && *tx->p == '-')
            {
              tx->p++;
              g_string_append (tx->out, "\\-");
            }
          else if (!tx_escape (tx, TRUE, &dummy))
            return FALSE;
        }
      else if (*tx->p == '[')
        {
          tx->p++;
          g_string_append (tx->out, "\\[");
        }
      else
        {
          const char *next = g_utf8_next_char (tx->p);

          g_string_append_len (tx->out, tx->p, next - tx->p);
          tx->p = next;
        }
    }
  if (tx->p >= tx->end)
    return tx_fail (tx, "unterminated character class");
  tx->p++;
  g_string_append_c (tx->out, ']');
  return TRUE;
}

/* {n}, {n,}, {n,m} at tx->p; returns its length or 0 when it is not a quantifier. */
static gsize
brace_quantifier_length (const Tx *tx)
{
  const char *q = tx->p + 1;
  const char *digits = q;

  while (q < tx->end && g_ascii_isdigit (*q))
    q++;
  if (q == digits)
    return 0;
  if (q < tx->end && *q == ',')
    {
      q++;
      while (q < tx->end && g_ascii_isdigit (*q))
        q++;
    }
  if (q >= tx->end || *q != '}')
    return 0;
  return q - tx->p + 1;
}

static gboolean
tx_group_open (Tx *tx)
{
  const char *g = tx->p + 1;

  tx->depth++;
  if (g >= tx->end || *g != '?')
    {
      g_string_append_c (tx->out, '(');
      tx->p = g;
      return TRUE;
    }
  g++;
  if (g < tx->end && (*g == ':' || *g == '=' || *g == '!'))
    {
      g_string_append_len (tx->out, tx->p, g + 1 - tx->p);
      tx->p = g + 1;
      return TRUE;
    }
  if (g < tx->end && *g == '<')
    {
      const char *name = g + 1, *q = name;

      if (q < tx->end && (*q == '=' || *q == '!'))
        {
          g_string_append_len (tx->out, tx->p, q + 1 - tx->p);
          tx->p = q + 1;
          return TRUE;
        }
      while (q < tx->end && (g_ascii_isalnum (*q) || *q == '_'))
        q++;
      if (q == name || g_ascii_isdigit (*name) || q >= tx->end || *q != '>')
        {
          tx->p = g;
          return tx_fail (tx, "invalid group name");
        }
      g_string_append_len (tx->out, tx->p, q + 1 - tx->p);
      tx->p = q + 1;
      return TRUE;
    }
  /* Modifiers (?ims-ims:…) (ES2025); a global (?i) is not ECMA-262. */
  {
    const char *q = g;

    while (q < tx->end && strchr ("ims", *q) != NULL && *q != '\0')
      q++;
    if (q < tx->end && *q == '-')
      for (q++; q < tx->end && *q != '\0' && strchr ("ims", *q) != NULL; q++)
        ;
    if (q > g && q < tx->end && *q == ':')
      {
        g_string_append_len (tx->out, tx->p, q + 1 - tx->p);
        tx->p = q + 1;
        return TRUE;
      }
  }
  tx->p = g;
  return tx_fail (tx, "invalid group syntax (?%c", g < tx->end ? *g : ' ');
}

static char *
translate (const char *pattern, char **error)
{
  Tx tx = { pattern, pattern, pattern + strlen (pattern), g_string_new (NULL), NULL, 0 };
  gboolean can_quantify = FALSE;

  while (tx.p < tx.end && tx.error == NULL)
    {
      char c = *tx.p;

      switch (c)
        {
        case '\\':
          tx.p++;
          if (tx_escape (&tx, FALSE, &can_quantify))
            continue;
          break;
        case '[':
          if (tx_class (&tx))
            can_quantify = TRUE;
          continue;
        case '(':
          tx_group_open (&tx);
          can_quantify = FALSE;
          continue;
        case ')':
          if (--tx.depth < 0)
            {
              tx_fail (&tx, "unmatched ')'");
              break;
            }
          g_string_append_c (tx.out, ')');
          tx.p++;
          can_quantify = TRUE;
          continue;
        case '.':
          g_string_append (tx.out, "[^\\n\\r\\x{2028}\\x{2029}]");
          tx.p++;
          can_quantify = TRUE;
          continue;
        case '*':
        case '+':
        case '?':
        case '{':
          {
            gsize n = c == '{' ? brace_quantifier_length (&tx) : 1;

            if (c == '{' && n == 0)
              {
                /* A lone brace: a literal, as without the u flag. */
                g_string_append (tx.out, "\\{");
                tx.p++;
                can_quantify = TRUE;
                continue;
              }
            if (!can_quantify)
              {
                tx_fail (&tx, "nothing to repeat before '%c'", c);
                break;
              }
            g_string_append_len (tx.out, tx.p, n);
            tx.p += n;
            if (tx.p < tx.end && *tx.p == '?')
              {
                g_string_append_c (tx.out, '?');
                tx.p++;
              }
            can_quantify = FALSE;
            continue;
          }
        case '}':
        case ']':
          g_string_append_c (tx.out, '\\');
          g_string_append_c (tx.out, c);
          tx.p++;
          can_quantify = TRUE;
          continue;
        case '|':
        case '^':
        case '$':
          g_string_append_c (tx.out, c);
          tx.p++;
          can_quantify = FALSE;
          continue;
        default:
          {
            const char *next = g_utf8_next_char (tx.p);

            g_string_append_len (tx.out, tx.p, next - tx.p);
            tx.p = next;
            can_quantify = TRUE;
            continue;
          }
        }
    }
  if (tx.error == NULL && tx.depth > 0)
    tx_fail (&tx, "missing ')'");
  if (tx.error != NULL)
    {
      *error = tx.error;
      g_string_free (tx.out, TRUE);
      return NULL;
    }
  *error = NULL;
  return g_string_free (tx.out, FALSE);
}

/**
 * dg_js_regex_compile:
 *
 * Compiles an ECMA-262 pattern into a GRegex with ECMA-262 semantics (see above).
 */
GRegex *
dg_js_regex_compile (const char *pattern, GError **error)
{
  g_autofree char *reason = NULL;
  g_autofree char *pcre = NULL;
  g_autoptr (GError) local_error = NULL;
  GRegex *regex;

  if (!g_utf8_validate (pattern, -1, NULL))
    {
      g_set_error (error, DG_JSON_SCHEMA_ERROR, DG_JSON_SCHEMA_ERROR_PATTERN,
                   "pattern is not valid UTF-8");
      return NULL;
    }
  pcre = translate (pattern, &reason);
  if (pcre == NULL)
    {
      g_set_error (error, DG_JSON_SCHEMA_ERROR, DG_JSON_SCHEMA_ERROR_PATTERN,
                   "pattern “%s” is not an ECMA-262 regular expression: %s", pattern, reason);
      return NULL;
    }
  regex = g_regex_new (pcre, G_REGEX_OPTIMIZE | G_REGEX_DOLLAR_ENDONLY, 0, &local_error);
  if (regex == NULL)
    {
      /* GRegex quotes the translated pattern; keep only its reason */
      const char *why = strstr (local_error->message, " at char ");

      why = why != NULL ? strstr (why, ": ") : NULL;
      g_set_error (error, DG_JSON_SCHEMA_ERROR, DG_JSON_SCHEMA_ERROR_PATTERN,
                   "pattern “%s” cannot be compiled: %s", pattern,
                   why != NULL ? why + 2 : local_error->message);
    }
  return regex;
}

gboolean
dg_js_regex_is_valid (const char *pattern)
{
  g_autofree char *reason = NULL;
  g_autofree char *pcre = NULL;

  if (!g_utf8_validate (pattern, -1, NULL))
    return FALSE;
  pcre = translate (pattern, &reason);
  return pcre != NULL;
}

gboolean
dg_js_format_regex (const char *s, gsize len)
{
  if (memchr (s, '\0', len) != NULL)
    return FALSE;
  return dg_js_regex_is_valid (s);
}
