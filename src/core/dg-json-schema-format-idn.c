/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-json-schema"

#include "config.h"

#include <string.h>

#include "dg-json-schema-private.h"

/*
 * Host names and e-mail addresses: hostname (RFC 1123, with A-labels checked as IDNA2008
 * says), idn-hostname (RFC 5890-5893), email (RFC 5321 mailbox) and idn-email (RFC 6531).
 *
 * IDNA2008 needs Unicode data GLib does not expose (derived properties, Bidi classes,
 * joining types); they are approximated from GLib's general categories and scripts:
 * a code point is PVALID when it is a letter, mark or digit that is stable under NFKC and
 * case folding, plus the RFC 5892 exceptions; R/AL Bidi classes come from the Hebrew,
 * Arabic, Syriac, Thaana and N'Ko scripts, and joining letters from Arabic-like scripts.
 */

#define MAX_LABEL 63
#define MAX_NAME 253

/* ---- Punycode (RFC 3492) ---- */

enum
{
  PC_BASE = 36,
  PC_TMIN = 1,
  PC_TMAX = 26,
  PC_SKEW = 38,
  PC_DAMP = 700,
  PC_INITIAL_BIAS = 72,
  PC_INITIAL_N = 128,
  PC_MAX_OUT = 256,
};

static guint
adapt (guint delta, guint numpoints, gboolean first)
{
  guint k = 0;

  delta = first ? delta / PC_DAMP : delta / 2;
  delta += delta / numpoints;
  while (delta > ((PC_BASE - PC_TMIN) * PC_TMAX) / 2)
    {
      delta /= PC_BASE - PC_TMIN;
      k += PC_BASE;
    }
  return k + (PC_BASE - PC_TMIN + 1) * delta / (delta + PC_SKEW);
}

static int
decode_digit (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0' + 26;
  if (c >= 'a' && c <= 'z')
    return c - 'a';
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  return -1;
}

static char
encode_digit (guint d)
{
  return d < 26 ? 'a' + d : '0' + (d - 26);
}

/* Decodes the part after "xn--"; returns the number of code points or -1. */
static int
punycode_decode (const char *in, gsize len, gunichar *out, int max_out)
{
  guint n = PC_INITIAL_N, i = 0, bias = PC_INITIAL_BIAS;
  int count = 0;
  gsize b = 0, pos;

  for (gsize j = 0; j < len; j++)
    if (in[j] == '-')
      b = j;
  if (b > 0 || (len > 0 && in[0] == '-'))
    {
      for (gsize j = 0; j < b; j++)
        {
          if ((guchar) in[j] >= 0x80 || count >= max_out)
            return -1;
          out[count++] = (guchar) in[j];
        }
      pos = b + 1;
    }
  else
    pos = 0;

  while (pos < len)
    {
      guint oldi = i, w = 1;

      for (guint k = PC_BASE;; k += PC_BASE)
        {
          int digit;
          guint t;

          if (pos >= len)
            return -1;
          digit = decode_digit (in[pos++]);
          if (digit < 0 || (guint) digit > (G_MAXUINT32 - i) / w)
            return -1;
          i += digit * w;
          t = k <= bias ? PC_TMIN : k >= bias + PC_TMAX ? PC_TMAX : k - bias;
          if ((guint) digit < t)
            break;
          if (w > G_MAXUINT32 / (PC_BASE - t))
            return -1;
          w *= PC_BASE - t;
        }
      bias = adapt (i - oldi, count + 1, oldi == 0);
      if (i / (count + 1) > 0x10FFFF - n)
        return -1;
      n += i / (count + 1);
      i %= count + 1;
      if (count >= max_out || n > 0x10FFFF || (n >= 0xD800 && n <= 0xDFFF))
        return -1;
      memmove (out + i + 1, out + i, (count - i) * sizeof (gunichar));
      out[i++] = n;
      count++;
    }
  return count;
}

/* Encodes @in as the part after "xn--" (lower case). */
static gboolean
punycode_encode (const gunichar *in, int len, GString *out)
{
  guint n = PC_INITIAL_N, delta = 0, bias = PC_INITIAL_BIAS;
  int h, b = 0;

  for (int j = 0; j < len; j++)
    if (in[j] < 0x80)
      {
        g_string_append_c (out, (char) g_ascii_tolower (in[j]));
        b++;
      }
  h = b;
  if (b > 0)
    g_string_append_c (out, '-');
  while (h < len)
    {
      guint m = G_MAXUINT32;

      for (int j = 0; j < len; j++)
        if (in[j] >= n && in[j] < m)
          m = in[j];
      if ((m - n) > (G_MAXUINT32 - delta) / (guint) (h + 1))
        return FALSE;
      delta += (m - n) * (h + 1);
      n = m;
      for (int j = 0; j < len; j++)
        {
          if (in[j] < n && ++delta == 0)
            return FALSE;
          if (in[j] == n)
            {
              guint q = delta;

              for (guint k = PC_BASE;; k += PC_BASE)
                {
                  guint t = k <= bias ? PC_TMIN : k >= bias + PC_TMAX ? PC_TMAX : k - bias;

                  if (q < t)
                    break;
                  g_string_append_c (out, encode_digit (t + (q - t) % (PC_BASE - t)));
                  q = (q - t) / (PC_BASE - t);
                }
              g_string_append_c (out, encode_digit (q));
              bias = adapt (delta, h + 1, h == b);
              delta = 0;
              h++;
            }
        }
      delta++;
      n++;
    }
  return TRUE;
}

/* ---- IDNA2008 code points (RFC 5892), approximated ---- */

typedef enum
{
  CP_PVALID,
  CP_CONTEXTJ,
  CP_CONTEXTO,
  CP_DISALLOWED,
} CodePointClass;

static gboolean
stable_under_nfkc_casefold (gunichar c)
{
  char utf8[8];
  int n = g_unichar_to_utf8 (c, utf8);
  g_autofree char *nfkc = g_utf8_normalize (utf8, n, G_NORMALIZE_NFKC);
  g_autofree char *folded = nfkc != NULL ? g_utf8_casefold (nfkc, -1) : NULL;
  g_autofree char *again = folded != NULL ? g_utf8_normalize (folded, -1, G_NORMALIZE_NFKC) : NULL;

  utf8[n] = '\0';
  return again != NULL && strcmp (again, utf8) == 0;
}

static CodePointClass
classify (gunichar c)
{
  switch (c)
    {
    case 0x00DF:
    case 0x03C2:
    case 0x06FD:
    case 0x06FE:
    case 0x0F0B:
    case 0x3007:
      return CP_PVALID;
    case 0x00B7:
    case 0x0375:
    case 0x05F3:
    case 0x05F4:
    case 0x30FB:
      return CP_CONTEXTO;
    case 0x0640:
    case 0x07FA:
    case 0x302E:
    case 0x302F:
    case 0x3031 ... 0x3035:
    case 0x303B:
      return CP_DISALLOWED;
    case 0x200C:
    case 0x200D:
      return CP_CONTEXTJ;
    case 0x0660 ... 0x0669:
    case 0x06F0 ... 0x06F9:
      return CP_CONTEXTO;
    default:
      break;
    }
  if (c < 0x80)
    return (g_ascii_islower (c) || g_ascii_isdigit (c) || c == '-') ? CP_PVALID : CP_DISALLOWED;
  if ((c >= 0x1100 && c <= 0x11FF) || (c >= 0xA960 && c <= 0xA97F) || (c >= 0xD7B0 && c <= 0xD7FF))
    return CP_DISALLOWED; /* old Hangul jamo */
  switch (g_unichar_type (c))
    {
    case G_UNICODE_LOWERCASE_LETTER:
    case G_UNICODE_OTHER_LETTER:
    case G_UNICODE_MODIFIER_LETTER:
    case G_UNICODE_NON_SPACING_MARK:
    case G_UNICODE_SPACING_MARK:
    case G_UNICODE_DECIMAL_NUMBER:
      return stable_under_nfkc_casefold (c) ? CP_PVALID : CP_DISALLOWED;
    default:
      return CP_DISALLOWED;
    }
}

static gboolean
is_mark (gunichar c)
{
  GUnicodeType t = g_unichar_type (c);

  return t == G_UNICODE_NON_SPACING_MARK || t == G_UNICODE_SPACING_MARK ||
         t == G_UNICODE_ENCLOSING_MARK;
}

static gboolean
is_joining_letter (gunichar c)
{
  GUnicodeScript s = g_unichar_get_script (c);

  return (s == G_UNICODE_SCRIPT_ARABIC || s == G_UNICODE_SCRIPT_SYRIAC ||
          s == G_UNICODE_SCRIPT_NKO || s == G_UNICODE_SCRIPT_MONGOLIAN) &&
         !is_mark (c) && g_unichar_isalpha (c);
}

static gboolean
is_transparent (gunichar c)
{
  GUnicodeType t = g_unichar_type (c);

  return t == G_UNICODE_NON_SPACING_MARK || t == G_UNICODE_ENCLOSING_MARK || t == G_UNICODE_FORMAT;
}

/* RFC 5892 appendix A */
static gboolean
context_ok (const gunichar *label, int len, int i)
{
  gunichar c = label[i];

  switch (c)
    {
    case 0x200D:
      return i > 0 && g_unichar_combining_class (label[i - 1]) == 9;
    case 0x200C:
      {
        int j;

        if (i > 0 && g_unichar_combining_class (label[i - 1]) == 9)
          return TRUE;
        for (j = i - 1; j >= 0 && is_transparent (label[j]); j--)
          ;
        if (j < 0 || !is_joining_letter (label[j]))
          return FALSE;
        for (j = i + 1; j < len && is_transparent (label[j]); j++)
          ;
        return j < len && is_joining_letter (label[j]);
      }
    case 0x00B7:
      return i > 0 && i + 1 < len && label[i - 1] == 'l' && label[i + 1] == 'l';
    case 0x0375:
      return i + 1 < len && g_unichar_get_script (label[i + 1]) == G_UNICODE_SCRIPT_GREEK;
    case 0x05F3:
    case 0x05F4:
      return i > 0 && g_unichar_get_script (label[i - 1]) == G_UNICODE_SCRIPT_HEBREW;
    case 0x30FB:
      for (int j = 0; j < len; j++)
        {
          GUnicodeScript s = g_unichar_get_script (label[j]);

          if (label[j] != 0x30FB && (s == G_UNICODE_SCRIPT_HIRAGANA ||
                                     s == G_UNICODE_SCRIPT_KATAKANA || s == G_UNICODE_SCRIPT_HAN))
            return TRUE;
        }
      return FALSE;
    default:
      if (c >= 0x0660 && c <= 0x0669)
        {
          for (int j = 0; j < len; j++)
            if (label[j] >= 0x06F0 && label[j] <= 0x06F9)
              return FALSE;
          return TRUE;
        }
      if (c >= 0x06F0 && c <= 0x06F9)
        {
          for (int j = 0; j < len; j++)
            if (label[j] >= 0x0660 && label[j] <= 0x0669)
              return FALSE;
          return TRUE;
        }
      return FALSE;
    }
}

/* ---- Bidi rule (RFC 5893), approximated ---- */

typedef enum
{
  BIDI_L,
  BIDI_R, /* R or AL */
  BIDI_AN,
  BIDI_EN,
  BIDI_NSM,
  BIDI_OTHER, /* ES, CS, ET, ON, BN */
} BidiClass;

static BidiClass
bidi_class (gunichar c)
{
  GUnicodeScript script;

  if (c >= '0' && c <= '9')
    return BIDI_EN;
  if ((c >= 0x0660 && c <= 0x0669) || (c >= 0x0600 && c <= 0x0605) || c == 0x066B || c == 0x066C ||
      c == 0x06DD)
    return BIDI_AN;
  if (c >= 0x06F0 && c <= 0x06F9)
    return BIDI_EN;
  if (g_unichar_type (c) == G_UNICODE_NON_SPACING_MARK ||
      g_unichar_type (c) == G_UNICODE_ENCLOSING_MARK)
    return BIDI_NSM;
  script = g_unichar_get_script (c);
  if (script == G_UNICODE_SCRIPT_HEBREW || script == G_UNICODE_SCRIPT_ARABIC ||
      script == G_UNICODE_SCRIPT_SYRIAC || script == G_UNICODE_SCRIPT_THAANA ||
      script == G_UNICODE_SCRIPT_NKO)
    return BIDI_R;
  if (g_unichar_isalpha (c) || g_unichar_type (c) == G_UNICODE_SPACING_MARK ||
      g_unichar_type (c) == G_UNICODE_DECIMAL_NUMBER)
    return BIDI_L;
  return BIDI_OTHER;
}

static gboolean
is_rtl_label (const gunichar *label, int len)
{
  for (int i = 0; i < len; i++)
    {
      BidiClass b = bidi_class (label[i]);

      if (b == BIDI_R || b == BIDI_AN)
        return TRUE;
    }
  return FALSE;
}

static gboolean
bidi_rule_ok (const gunichar *label, int len)
{
  BidiClass first = bidi_class (label[0]);
  gboolean has_en = FALSE, has_an = FALSE;
  int last = len - 1;

  if (first != BIDI_L && first != BIDI_R)
    return FALSE;
  while (last > 0 && bidi_class (label[last]) == BIDI_NSM)
    last--;
  for (int i = 0; i < len; i++)
    {
      BidiClass b = bidi_class (label[i]);

      if (first == BIDI_R && b == BIDI_L)
        return FALSE;
      if (first == BIDI_L && (b == BIDI_R || b == BIDI_AN))
        return FALSE;
      has_en |= b == BIDI_EN;
      has_an |= b == BIDI_AN;
    }
  if (first == BIDI_R)
    {
      BidiClass b = bidi_class (label[last]);

      return (b == BIDI_R || b == BIDI_EN || b == BIDI_AN) && !(has_en && has_an);
    }
  return bidi_class (label[last]) == BIDI_L || bidi_class (label[last]) == BIDI_EN;
}

/* ---- labels ---- */

typedef struct
{
  gunichar cp[MAX_LABEL * 4];
  int len;
  gsize alabel_len; /* length of its ASCII form */
} Label;

/* Checks a U-label (RFC 5891 section 5.4) given as code points. */
static gboolean
ulabel_ok (const Label *l)
{
  if (l->len == 0)
    return FALSE;
  if (l->len >= 4 && l->cp[2] == '-' && l->cp[3] == '-')
    return FALSE;
  if (l->cp[0] == '-' || l->cp[l->len - 1] == '-')
    return FALSE;
  if (is_mark (l->cp[0]))
    return FALSE;
  for (int i = 0; i < l->len; i++)
    {
      switch (classify (l->cp[i]))
        {
        case CP_PVALID:
          break;
        case CP_CONTEXTJ:
        case CP_CONTEXTO:
          if (!context_ok (l->cp, l->len, i))
            return FALSE;
          break;
        case CP_DISALLOWED:
        default:
          return FALSE;
        }
    }
  return TRUE;
}

/* Parses one label of a host name into @l. ASCII labels are LDH checked, and "xn--" ones
 * decoded and checked as the U-label they stand for. */
static gboolean
parse_label (const char *s, gsize len, gboolean idn, Label *l)
{
  gboolean ascii = TRUE;

  l->len = 0;
  if (len == 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if ((guchar) s[i] >= 0x80)
      ascii = FALSE;

  if (ascii)
    {
      if (len > MAX_LABEL)
        return FALSE;
      for (gsize i = 0; i < len; i++)
        if (!g_ascii_isalnum (s[i]) && s[i] != '-')
          return FALSE;
      if (s[0] == '-' || s[len - 1] == '-')
        return FALSE;
      l->alabel_len = len;
      if (len >= 4 && s[2] == '-' && s[3] == '-')
        {
          g_autoptr (GString) again = g_string_new (NULL);
          gboolean any_non_ascii = FALSE;

          if (g_ascii_strncasecmp (s, "xn", 2) != 0)
            return FALSE; /* reserved LDH label */
          l->len = punycode_decode (s + 4, len - 4, l->cp, G_N_ELEMENTS (l->cp));
          if (l->len <= 0)
            return FALSE;
          for (int i = 0; i < l->len; i++)
            any_non_ascii |= l->cp[i] >= 0x80;
          if (!any_non_ascii)
            return FALSE;
          /* canonical: encoding the result gives the label back */
          if (!punycode_encode (l->cp, l->len, again) || again->len != len - 4 ||
              g_ascii_strncasecmp (again->str, s + 4, len - 4) != 0)
            return FALSE;
          return ulabel_ok (l);
        }
      for (gsize i = 0; i < len; i++)
        l->cp[l->len++] = (guchar) s[i];
      return TRUE;
    }

  if (!idn)
    return FALSE;
  {
    const char *p = s, *end = s + len;
    g_autoptr (GString) encoded = g_string_new (NULL);

    while (p < end)
      {
        if (l->len >= (int) G_N_ELEMENTS (l->cp))
          return FALSE;
        l->cp[l->len++] = g_utf8_get_char (p);
        p = g_utf8_next_char (p);
      }
    if (!ulabel_ok (l) || !punycode_encode (l->cp, l->len, encoded))
      return FALSE;
    l->alabel_len = encoded->len + 4;
    return l->alabel_len <= MAX_LABEL;
  }
}

static gboolean
is_label_separator (const char *p, gsize left, gsize *sep_len)
{
  if (*p == '.')
    {
      *sep_len = 1;
      return TRUE;
    }
  /* U+3002, U+FF0E, U+FF61 */
  if (left >= 3 && (memcmp (p, "\xE3\x80\x82", 3) == 0 || memcmp (p, "\xEF\xBC\x8E", 3) == 0 ||
                    memcmp (p, "\xEF\xBD\xA1", 3) == 0))
    {
      *sep_len = 3;
      return TRUE;
    }
  return FALSE;
}

/* The common case, without allocating: ASCII LDH labels, none of them an A-label.
 * Returns TRUE with *@valid set when it could decide. */
static gboolean
quick_ascii_host_name (const char *s, gsize len, gboolean *valid)
{
  gsize label_start = 0;

  for (gsize i = 0; i <= len; i++)
    {
      if (i == len || s[i] == '.')
        {
          gsize n = i - label_start;
          const char *l = s + label_start;

          if (n == 0 || n > MAX_LABEL || l[0] == '-' || l[n - 1] == '-')
            {
              *valid = FALSE;
              return TRUE;
            }
          if (n >= 4 && l[2] == '-' && l[3] == '-')
            return FALSE; /* an A-label or reserved label: the full check decides */
          label_start = i + 1;
        }
      else if (!g_ascii_isalnum (s[i]) && s[i] != '-')
        {
          if ((guchar) s[i] >= 0x80)
            return FALSE;
          *valid = FALSE;
          return TRUE;
        }
    }
  *valid = len <= MAX_NAME;
  return TRUE;
}

static gboolean
check_host_name (const char *s, gsize len, gboolean idn)
{
  const char *p = s, *end = s + len;
  gsize total = 0;
  gboolean bidi_domain = FALSE;
  g_autoptr (GArray) labels = NULL;
  gboolean ok = TRUE;

  if (len == 0 || memchr (s, '\0', len) != NULL)
    return FALSE;
  if (quick_ascii_host_name (s, len, &ok))
    return ok;
  if (!g_utf8_validate (s, len, NULL))
    return FALSE;
  if (!idn && len > MAX_NAME)
    return FALSE;
  labels = g_array_new (FALSE, FALSE, sizeof (Label *));

  while (ok)
    {
      const char *start = p;
      gsize sep = 0;
      Label *l;

      while (p < end && !(idn ? is_label_separator (p, end - p, &sep) : *p == '.'))
        p = g_utf8_next_char (p);
      if (!idn && p < end)
        sep = 1;
      l = g_new (Label, 1);
      g_array_append_val (labels, l);
      if (!parse_label (start, p - start, idn, l))
        ok = FALSE;
      total += l->alabel_len + (p < end ? 1 : 0);
      if (p >= end)
        break;
      p += sep;
      if (p >= end)
        ok = FALSE; /* trailing dot */
    }
  if (ok && total > MAX_NAME)
    ok = FALSE;
  for (guint i = 0; ok && i < labels->len; i++)
    {
      Label *l = g_array_index (labels, Label *, i);

      bidi_domain |= is_rtl_label (l->cp, l->len);
    }
  for (guint i = 0; ok && bidi_domain && i < labels->len; i++)
    {
      Label *l = g_array_index (labels, Label *, i);

      if (!bidi_rule_ok (l->cp, l->len))
        ok = FALSE;
    }
  for (guint i = 0; i < labels->len; i++)
    g_free (g_array_index (labels, Label *, i));
  return ok;
}

gboolean
dg_js_format_hostname (const char *s, gsize len)
{
  return check_host_name (s, len, FALSE);
}

gboolean
dg_js_format_idn_hostname (const char *s, gsize len)
{
  return check_host_name (s, len, TRUE);
}

/* ---- e-mail ---- */

static gboolean
is_atext (guchar c, gboolean idn)
{
  if (c >= 0x80)
    return idn;
  return g_ascii_isalnum (c) || (c != 0 && strchr ("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

static gboolean
check_email (const char *s, gsize len, gboolean idn)
{
  const char *p = s, *end = s + len;
  const char *domain;

  if (len == 0 || memchr (s, '\0', len) != NULL || !g_utf8_validate (s, len, NULL))
    return FALSE;
  if (*p == '"')
    {
      for (p++; p < end && *p != '"'; p++)
        {
          guchar c = (guchar) *p;

          if (c == '\\')
            {
              if (++p >= end || (guchar) *p < 32 || (guchar) *p == 127)
                return FALSE;
            }
          else if (c < 32 || c == 127 || (c >= 0x80 && !idn))
            return FALSE;
        }
      if (p >= end)
        return FALSE;
      p++;
    }
  else
    {
      gboolean after_dot = TRUE;

      for (; p < end && *p != '@'; p++)
        {
          if (*p == '.')
            {
              if (after_dot)
                return FALSE;
              after_dot = TRUE;
            }
          else if (is_atext ((guchar) *p, idn))
            after_dot = FALSE;
          else
            return FALSE;
        }
      if (after_dot)
        return FALSE; /* empty local part, or ends with a dot */
    }
  if (p >= end || *p != '@' || p - s > 64)
    return FALSE;
  domain = p + 1;
  if (domain >= end)
    return FALSE;
  if (*domain == '[')
    {
      gsize dlen = end - domain;

      if (dlen < 3 || end[-1] != ']')
        return FALSE;
      if (dlen > 6 && g_ascii_strncasecmp (domain + 1, "IPv6:", 5) == 0)
        return dg_js_format_ipv6 (domain + 6, dlen - 7);
      return dg_js_format_ipv4 (domain + 1, dlen - 2);
    }
  return check_host_name (domain, end - domain, idn);
}

gboolean
dg_js_format_email (const char *s, gsize len)
{
  return check_email (s, len, FALSE);
}

gboolean
dg_js_format_idn_email (const char *s, gsize len)
{
  return check_email (s, len, TRUE);
}
