/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-json-schema"

#include "config.h"

#include <string.h>

#include "dg-json-schema-private.h"

/*
 * URI references (RFC 3986): resolution for $id/$ref, and the strict grammar behind the
 * uri, uri-reference, iri and iri-reference formats (RFC 3987 for the IRI ones), plus
 * uri-template (RFC 6570).
 */

typedef struct
{
  const char *scheme, *authority, *path, *query, *fragment; /* NULL when undefined */
  gsize scheme_len, authority_len, path_len, query_len, fragment_len;
} Parts;

/* RFC 3986 appendix B: split without validating. */
static void
split (const char *s, Parts *p)
{
  const char *c = s;
  const char *end;

  memset (p, 0, sizeof *p);
  end = s + strcspn (s, ":/?#");
  if (*end == ':' && end > s)
    {
      p->scheme = s;
      p->scheme_len = end - s;
      c = end + 1;
    }
  if (c[0] == '/' && c[1] == '/')
    {
      c += 2;
      p->authority = c;
      p->authority_len = strcspn (c, "/?#");
      c += p->authority_len;
    }
  p->path = c;
  p->path_len = strcspn (c, "?#");
  c += p->path_len;
  if (*c == '?')
    {
      c++;
      p->query = c;
      p->query_len = strcspn (c, "#");
      c += p->query_len;
    }
  if (*c == '#')
    {
      c++;
      p->fragment = c;
      p->fragment_len = strlen (c);
    }
}

/* RFC 3986 5.2.4 */
static char *
remove_dot_segments (const char *path, gsize len)
{
  g_autofree char *input = g_strndup (path, len);
  GString *out = g_string_sized_new (len);
  char *in = input;

  while (*in != '\0')
    {
      if (g_str_has_prefix (in, "../"))
        in += 3;
      else if (g_str_has_prefix (in, "./"))
        in += 2;
      else if (g_str_has_prefix (in, "/./"))
        in += 2;
      else if (strcmp (in, "/.") == 0)
        in[1] = '\0';
      else if (g_str_has_prefix (in, "/../") || strcmp (in, "/..") == 0)
        {
          char *slash;

          if (in[3] == '/')
            in += 3;
          else
            {
              in += 2;
              in[0] = '/';
            }
          slash = strrchr (out->str, '/');
          g_string_truncate (out, slash != NULL ? (gsize) (slash - out->str) : 0);
        }
      else if (strcmp (in, ".") == 0 || strcmp (in, "..") == 0)
        in += strlen (in);
      else
        {
          gsize n = strcspn (in + 1, "/") + 1;

          g_string_append_len (out, in, n);
          in += n;
        }
    }
  return g_string_free (out, FALSE);
}

static void
append_scheme (GString *t, const Parts *p)
{
  if (p->scheme != NULL)
    {
      g_string_append_len (t, p->scheme, p->scheme_len);
      g_string_append_c (t, ':');
    }
}

static void
append_authority (GString *t, const Parts *p)
{
  if (p->authority != NULL)
    {
      g_string_append (t, "//");
      g_string_append_len (t, p->authority, p->authority_len);
    }
}

/* RFC 3986 5.2.3: a relative path joined to the base's directory. */
static char *
merge_paths (const Parts *b, const Parts *r)
{
  g_autoptr (GString) merged = g_string_new (NULL);

  if (b->authority != NULL && b->path_len == 0)
    g_string_append_c (merged, '/');
  else
    {
      const char *slash = g_strrstr_len (b->path, b->path_len, "/");

      if (slash != NULL)
        g_string_append_len (merged, b->path, slash - b->path + 1);
    }
  g_string_append_len (merged, r->path, r->path_len);
  return remove_dot_segments (merged->str, merged->len);
}

/**
 * dg_js_uri_resolve:
 *
 * Resolves @reference against the absolute URI @base (RFC 3986 section 5.2).
 */
char *
dg_js_uri_resolve (const char *base, const char *reference)
{
  Parts b, r;
  GString *t = g_string_new (NULL);
  g_autofree char *path = NULL;
  const char *query;
  gsize query_len;

  split (base, &b);
  split (reference, &r);

  /* 5.2.2: the first of scheme, authority and path that the reference has is taken from
   * it, with everything after it; the parts before come from the base. */
  append_scheme (t, r.scheme != NULL ? &r : &b);
  query = r.query;
  query_len = r.query_len;
  if (r.scheme != NULL || r.authority != NULL)
    {
      append_authority (t, &r);
      path = remove_dot_segments (r.path, r.path_len);
    }
  else
    {
      append_authority (t, &b);
      if (r.path_len == 0)
        {
          path = g_strndup (b.path, b.path_len);
          if (r.query == NULL)
            {
              query = b.query;
              query_len = b.query_len;
            }
        }
      else if (r.path[0] == '/')
        path = remove_dot_segments (r.path, r.path_len);
      else
        path = merge_paths (&b, &r);
    }
  g_string_append (t, path);
  if (query != NULL)
    {
      g_string_append_c (t, '?');
      g_string_append_len (t, query, query_len);
    }
  if (r.fragment != NULL)
    {
      g_string_append_c (t, '#');
      g_string_append_len (t, r.fragment, r.fragment_len);
    }
  return g_string_free (t, FALSE);
}

/* Returns @uri without its fragment; *@fragment gets the fragment ("" when absent). */
char *
dg_js_uri_strip_fragment (const char *uri, char **fragment)
{
  const char *hash = strchr (uri, '#');

  if (fragment != NULL)
    *fragment = g_strdup (hash != NULL ? hash + 1 : "");
  return hash != NULL ? g_strndup (uri, hash - uri) : g_strdup (uri);
}

char *
dg_js_pointer_escape (const char *token)
{
  GString *s;

  if (strpbrk (token, "~/") == NULL)
    return g_strdup (token);
  s = g_string_new (NULL);
  for (const char *c = token; *c != '\0'; c++)
    {
      if (*c == '~')
        g_string_append (s, "~0");
      else if (*c == '/')
        g_string_append (s, "~1");
      else
        g_string_append_c (s, *c);
    }
  return g_string_free (s, FALSE);
}

/* ---- grammar ---- */

typedef struct
{
  const char *p;
  const char *end;
  gboolean iri;
} Scan;

static gboolean
is_unreserved (gunichar c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '.' || c == '_' || c == '~';
}

static gboolean
is_sub_delim (gunichar c)
{
  return c != 0 && strchr ("!$&'()*+,;=", c) != NULL;
}

static gboolean
is_ucschar (gunichar c)
{
  return (c >= 0xA0 && c <= 0xD7FF) || (c >= 0xF900 && c <= 0xFDCF) ||
         (c >= 0xFDF0 && c <= 0xFFEF) || (c >= 0x10000 && c <= 0xEFFFD && (c & 0xFFFF) <= 0xFFFD);
}

static gboolean
is_iprivate (gunichar c)
{
  return (c >= 0xE000 && c <= 0xF8FF) || (c >= 0xF0000 && c <= 0xFFFFD) ||
         (c >= 0x100000 && c <= 0x10FFFD);
}

/* Consumes one character of the class: unreserved, pct-encoded, sub-delims, the ASCII
 * characters in @extra, and for IRIs ucschar (and iprivate when @private_ok). */
static gboolean
scan_char (Scan *s, const char *extra, gboolean private_ok)
{
  guchar c;

  if (s->p >= s->end)
    return FALSE;
  c = (guchar) *s->p;
  if (c == '%')
    {
      if (s->end - s->p < 3 || !g_ascii_isxdigit (s->p[1]) || !g_ascii_isxdigit (s->p[2]))
        return FALSE;
      s->p += 3;
      return TRUE;
    }
  if (c < 0x80)
    {
      if (is_unreserved (c) || is_sub_delim (c) || (c != 0 && strchr (extra, c) != NULL))
        {
          s->p++;
          return TRUE;
        }
      return FALSE;
    }
  if (s->iri)
    {
      gunichar u = g_utf8_get_char_validated (s->p, s->end - s->p);

      if (u < 0x110000 && (is_ucschar (u) || (private_ok && is_iprivate (u))))
        {
          s->p = g_utf8_next_char (s->p);
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
valid_ip_literal (const char *s, gsize len)
{
  g_autofree char *inner = NULL;

  if (len >= 2 && (s[0] == 'v' || s[0] == 'V'))
    {
      /* IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" ) */
      gsize i = 1;

      while (i < len && g_ascii_isxdigit (s[i]))
        i++;
      if (i == 1 || i >= len || s[i] != '.' || i + 1 >= len)
        return FALSE;
      for (i++; i < len; i++)
        if (!is_unreserved ((guchar) s[i]) && !is_sub_delim ((guchar) s[i]) && s[i] != ':')
          return FALSE;
      return TRUE;
    }
  return dg_js_format_ipv6 (s, len);
}

static gboolean
scan_authority (Scan *s)
{
  const char *start = s->p;
  const char *end = s->p + strcspn (s->p, "/?#");
  const char *at, *host;

  if (end > s->end)
    end = s->end;
  at = memchr (start, '@', end - start);
  if (at != NULL)
    {
      Scan u = { start, at, s->iri };

      while (u.p < u.end)
        if (!scan_char (&u, ":", FALSE))
          return FALSE;
      host = at + 1;
    }
  else
    host = start;

  if (host < end && *host == '[')
    {
      const char *close = memchr (host, ']', end - host);

      if (close == NULL || !valid_ip_literal (host + 1, close - host - 1))
        return FALSE;
      s->p = close + 1;
    }
  else
    {
      Scan h = { host, end, s->iri };

      while (h.p < h.end && *h.p != ':')
        if (!scan_char (&h, "", FALSE))
          return FALSE;
      s->p = h.p;
    }
  if (s->p < end)
    {
      if (*s->p != ':')
        return FALSE;
      for (s->p++; s->p < end; s->p++)
        if (!g_ascii_isdigit (*s->p))
          return FALSE;
    }
  return TRUE;
}

/* path, query and fragment after the scheme/authority. */
static gboolean
scan_rest (Scan *s, gboolean no_colon_in_first_segment)
{
  gboolean first_segment = TRUE;

  while (s->p < s->end && *s->p != '?' && *s->p != '#')
    {
      if (*s->p == '/')
        {
          first_segment = FALSE;
          s->p++;
          continue;
        }
      if (*s->p == ':' && first_segment && no_colon_in_first_segment)
        return FALSE;
      if (!scan_char (s, ":@", FALSE))
        return FALSE;
    }
  if (s->p < s->end && *s->p == '?')
    for (s->p++; s->p < s->end && *s->p != '#';)
      if (!scan_char (s, ":@/?", TRUE))
        return FALSE;
  if (s->p < s->end && *s->p == '#')
    for (s->p++; s->p < s->end;)
      if (!scan_char (s, ":@/?", FALSE))
        return FALSE;
  return s->p == s->end;
}

static gboolean
check_uri (const char *str, gsize len, gboolean iri, gboolean reference)
{
  Scan s = { str, str + len, iri };
  const char *c = str;

  if (memchr (str, '\0', len) != NULL)
    return FALSE;
  if (iri && !g_utf8_validate (str, len, NULL))
    return FALSE;

  /* A scheme is letters then [a-z0-9+.-] up to ':' */
  if (c < s.end && g_ascii_isalpha (*c))
    {
      while (c < s.end && (g_ascii_isalnum (*c) || *c == '+' || *c == '-' || *c == '.'))
        c++;
      if (c < s.end && *c == ':')
        {
          s.p = c + 1;
          if (s.end - s.p >= 2 && s.p[0] == '/' && s.p[1] == '/')
            {
              s.p += 2;
              if (!scan_authority (&s))
                return FALSE;
            }
          return scan_rest (&s, FALSE);
        }
    }
  if (!reference)
    return FALSE;
  if (s.end - s.p >= 2 && s.p[0] == '/' && s.p[1] == '/')
    {
      s.p += 2;
      if (!scan_authority (&s))
        return FALSE;
      return scan_rest (&s, FALSE);
    }
  return scan_rest (&s, TRUE);
}

gboolean
dg_js_format_uri (const char *s, gsize len)
{
  return check_uri (s, len, FALSE, FALSE);
}

gboolean
dg_js_format_uri_reference (const char *s, gsize len)
{
  return check_uri (s, len, FALSE, TRUE);
}

gboolean
dg_js_format_iri (const char *s, gsize len)
{
  return check_uri (s, len, TRUE, FALSE);
}

gboolean
dg_js_format_iri_reference (const char *s, gsize len)
{
  return check_uri (s, len, TRUE, TRUE);
}

/* RFC 6570 level 4 */
gboolean
dg_js_format_uri_template (const char *str, gsize len)
{
  const char *p = str, *end = str + len;

  if (!g_utf8_validate (str, len, NULL))
    return FALSE;
  while (p < end)
    {
      guchar c = (guchar) *p;

      if (c == '{')
        {
          p++;
          if (p < end && strchr ("+#./;?&", *p) != NULL && *p != '\0')
            p++;
          for (;;)
            {
              gboolean last_dot = TRUE; /* a name cannot start with '.' */
              gsize n = 0;

              while (p < end)
                {
                  if (*p == '%')
                    {
                      if (end - p < 3 || !g_ascii_isxdigit (p[1]) || !g_ascii_isxdigit (p[2]))
                        return FALSE;
                      p += 3;
                    }
                  else if (g_ascii_isalnum (*p) || *p == '_')
                    p++;
                  else if (*p == '.' && !last_dot)
                    {
                      p++;
                      last_dot = TRUE;
                      n++;
                      continue;
                    }
                  else
                    break;
                  last_dot = FALSE;
                  n++;
                }
              if (n == 0 || last_dot)
                return FALSE;
              if (p < end && *p == ':')
                {
                  const char *digits = ++p;

                  if (p >= end || *p < '1' || *p > '9')
                    return FALSE;
                  while (p < end && g_ascii_isdigit (*p))
                    p++;
                  if (p - digits > 4)
                    return FALSE;
                }
              else if (p < end && *p == '*')
                p++;
              if (p < end && *p == ',')
                {
                  p++;
                  continue;
                }
              break;
            }
          if (p >= end || *p != '}')
            return FALSE;
          p++;
          continue;
        }
      if (c == '%')
        {
          if (end - p < 3 || !g_ascii_isxdigit (p[1]) || !g_ascii_isxdigit (p[2]))
            return FALSE;
          p += 3;
          continue;
        }
      if (c >= 0x80)
        {
          gunichar u = g_utf8_get_char (p);

          if (!is_ucschar (u) && !is_iprivate (u))
            return FALSE;
          p = g_utf8_next_char (p);
          continue;
        }
      if (c <= 0x20 || c == 0x7F || strchr ("\"<>\\^`{|}", c) != NULL)
        return FALSE;
      p++;
    }
  return TRUE;
}
