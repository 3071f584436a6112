/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-url-policy"

#include "config.h"

#include <string.h>

#include "dg-url-policy.h"

G_DEFINE_QUARK (dg_url_policy_error_quark, dg_url_policy_error)

#define MSG_INVALID "Inference base URL is invalid"
#define MSG_SCHEME "Inference base URL must use http or https"
#define MSG_CREDENTIALS "Inference base URL must not include credentials"
#define MSG_NO_HOST "Inference base URL host is missing"
#define MSG_HOST "Inference base URL host is not allowed"
#define MSG_IPV4 "Inference base URL private IPv4 addresses are not allowed"
#define MSG_IPV6 "Inference base URL private IPv6 addresses are not allowed"

static const char *const blocked_names[] = {
  "localhost",
  "localhost.localdomain",
  "metadata.google.internal",
};

static const char *const blocked_suffixes[] = {
  ".localhost", ".local", ".internal", ".lan", ".home", ".corp", ".localdomain",
};

/* Upstream's ranges: 0/8, 10/8, 127/8, 100.64/10, 169.254/16, 172.16/12, 192.168/16, >= 224. */
static gboolean
ipv4_is_private (guint32 a)
{
  guint8 b0 = a >> 24, b1 = (a >> 16) & 0xff;

  return b0 == 0 || b0 == 10 || b0 == 127 || (b0 == 100 && (b1 & 0xc0) == 64) ||
         (b0 == 169 && b1 == 254) || (b0 == 172 && (b1 & 0xf0) == 16) || (b0 == 192 && b1 == 168) ||
         b0 >= 224;
}

/* One part of a WHATWG IPv4 host: decimal, 0x hex or 0-prefixed octal. */
static gboolean
parse_ipv4_part (const char *part, gsize n, guint64 *out)
{
  guint base = 10;
  guint64 v = 0;
  gsize i = 0;

  if (n == 0)
    return FALSE;
  if (n >= 2 && part[0] == '0' && (part[1] == 'x' || part[1] == 'X'))
    {
      base = 16;
      i = 2;
    }
  else if (n >= 2 && part[0] == '0')
    {
      base = 8;
      i = 1;
    }
  for (; i < n; i++)
    {
      int d;

      if (g_ascii_isdigit (part[i]))
        d = part[i] - '0';
      else if (base == 16 && g_ascii_isxdigit (part[i]))
        d = g_ascii_xdigit_value (part[i]);
      else
        return FALSE;
      if ((guint) d >= base)
        return FALSE;
      v = v * base + (guint) d;
      if (v > G_MAXUINT32)
        v = (guint64) G_MAXUINT32 + 1; /* keep "too big" without overflowing */
    }
  *out = v;
  return TRUE;
}

typedef enum
{
  HOST_NAME,
  HOST_IPV4,
  HOST_INVALID,
} HostKind;

/*
 * The WHATWG URL host parser turns "2130706433", "0x7f.1" and "127.1" into 127.0.0.1, and
 * refuses a host whose last label is numeric but is not a valid address.
 */
static HostKind
parse_ipv4_host (const char *host, guint32 *out)
{
  g_auto (GStrv) parts = g_strsplit (host, ".", -1);
  guint n = g_strv_length (parts);
  guint64 values[4];
  guint64 addr = 0;
  guint64 last;
  const char *last_part;

  if (n > 1 && parts[n - 1][0] == '\0')
    n--; /* one trailing dot is allowed */
  if (n == 0)
    return HOST_NAME;

  /* Only hosts that end in a number are IPv4 candidates. */
  last_part = parts[n - 1];
  if (!parse_ipv4_part (last_part, strlen (last_part), &last))
    {
      gboolean digits = last_part[0] != '\0';
      for (const char *p = last_part; *p; p++)
        if (!g_ascii_isdigit (*p))
          digits = FALSE;
      return digits ? HOST_INVALID : HOST_NAME;
    }
  if (n > 4)
    return HOST_INVALID;
  for (guint i = 0; i < n; i++)
    if (!parse_ipv4_part (parts[i], strlen (parts[i]), &values[i]))
      return HOST_INVALID;
  for (guint i = 0; i + 1 < n; i++)
    {
      if (values[i] > 255)
        return HOST_INVALID;
      addr |= values[i] << (8 * (3 - i));
    }
  if (values[n - 1] >= ((guint64) 1 << (8 * (5 - n))))
    return HOST_INVALID;
  addr |= values[n - 1];
  *out = (guint32) addr;
  return HOST_IPV4;
}

static gboolean
ipv6_is_private (const guint8 *b)
{
  static const guint8 zero[16] = { 0 };
  guint32 v4 = ((guint32) b[12] << 24) | ((guint32) b[13] << 16) | ((guint32) b[14] << 8) | b[15];

  if (memcmp (b, zero, 16) == 0)
    return TRUE; /* :: */
  if (memcmp (b, zero, 15) == 0 && b[15] == 1)
    return TRUE; /* ::1 */
  if ((b[0] & 0xfe) == 0xfc)
    return TRUE; /* fc00::/7 unique local */
  if (b[0] == 0xfe && (b[1] & 0x80) == 0x80)
    return TRUE; /* fe80::/10 link-local, fec0::/10 old site-local */
  if (b[0] == 0xff)
    return TRUE; /* multicast */
  /* Addresses that carry an IPv4 address: mapped ::ffff:a.b.c.d, compatible ::a.b.c.d,
   * NAT64 64:ff9b::a.b.c.d. */
  if (memcmp (b, zero, 10) == 0 && ((b[10] == 0xff && b[11] == 0xff) || (b[10] == 0 && b[11] == 0)))
    return ipv4_is_private (v4);
  if (b[0] == 0 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && memcmp (b + 4, zero, 8) == 0)
    return ipv4_is_private (v4);
  /* 6to4 2002:a.b.c.d::/48 */
  if (b[0] == 0x20 && b[1] == 0x02)
    return ipv4_is_private (((guint32) b[2] << 24) | ((guint32) b[3] << 16) |
                            ((guint32) b[4] << 8) | b[5]);
  return FALSE;
}

static gboolean
fail (GError **error, DgUrlPolicyError code, const char *message)
{
  g_set_error_literal (error, DG_URL_POLICY_ERROR, code, message);
  return FALSE;
}

/**
 * dg_url_policy_check:
 * @url: a user-supplied base URL
 * @flags: DG_URL_POLICY_ALLOW_PRIVATE to permit local and private hosts
 * @error: the upstream 5.8 message on refusal
 *
 * Returns: TRUE when requests may be sent to @url (subject to the connect-time check).
 */
gboolean
dg_url_policy_check (const char *url, DgUrlPolicyFlags flags, GError **error)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *host = NULL;
  g_autoptr (GUri) uri = NULL;
  const char *scheme, *userinfo, *raw_host;
  gsize host_len;
  guint32 v4;

  g_return_val_if_fail (url != NULL, FALSE);

  trimmed = g_strstrip (g_strdup (url));
  uri = g_uri_parse (trimmed, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return fail (error, DG_URL_POLICY_ERROR_INVALID, MSG_INVALID);

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    return fail (error, DG_URL_POLICY_ERROR_SCHEME, MSG_SCHEME);

  userinfo = g_uri_get_userinfo (uri);
  if (userinfo != NULL && *userinfo != '\0' && strcmp (userinfo, ":") != 0)
    return fail (error, DG_URL_POLICY_ERROR_CREDENTIALS, MSG_CREDENTIALS);

  raw_host = g_uri_get_host (uri);
  if (raw_host == NULL || *raw_host == '\0')
    return fail (error, DG_URL_POLICY_ERROR_NO_HOST, MSG_NO_HOST);

  host = g_ascii_strdown (raw_host, -1);
  if (strchr (host, ':') != NULL)
    {
      g_autoptr (GInetAddress) address = NULL;
      char *zone = strchr (host, '%');

      if (zone != NULL)
        *zone = '\0';
      address = g_inet_address_new_from_string (host);
      if (address == NULL)
        return fail (error, DG_URL_POLICY_ERROR_INVALID, MSG_INVALID);
      if (!(flags & DG_URL_POLICY_ALLOW_PRIVATE) &&
          ipv6_is_private (g_inet_address_to_bytes (address)))
        return fail (error, DG_URL_POLICY_ERROR_PRIVATE_IPV6, MSG_IPV6);
      return TRUE;
    }

  switch (parse_ipv4_host (host, &v4))
    {
    case HOST_INVALID:
      return fail (error, DG_URL_POLICY_ERROR_INVALID, MSG_INVALID);
    case HOST_IPV4:
      if (!(flags & DG_URL_POLICY_ALLOW_PRIVATE) && ipv4_is_private (v4))
        return fail (error, DG_URL_POLICY_ERROR_PRIVATE_IPV4, MSG_IPV4);
      return TRUE;
    case HOST_NAME:
    default:
      break;
    }

  if (flags & DG_URL_POLICY_ALLOW_PRIVATE)
    return TRUE;

  /* "localhost." is "localhost": drop trailing dots before comparing names. */
  host_len = strlen (host);
  while (host_len > 0 && host[host_len - 1] == '.')
    host[--host_len] = '\0';
  if (host_len == 0)
    return fail (error, DG_URL_POLICY_ERROR_NO_HOST, MSG_NO_HOST);
  for (guint i = 0; i < G_N_ELEMENTS (blocked_names); i++)
    if (strcmp (host, blocked_names[i]) == 0)
      return fail (error, DG_URL_POLICY_ERROR_HOST, MSG_HOST);
  for (guint i = 0; i < G_N_ELEMENTS (blocked_suffixes); i++)
    if (g_str_has_suffix (host, blocked_suffixes[i]))
      return fail (error, DG_URL_POLICY_ERROR_HOST, MSG_HOST);
  return TRUE;
}

/**
 * dg_url_policy_check_address:
 * @address: an address a host name resolved to
 * @flags: policy flags
 * @error: refusal message
 *
 * Returns: TRUE when connecting to @address is allowed.
 */
gboolean
dg_url_policy_check_address (GInetAddress *address, DgUrlPolicyFlags flags, GError **error)
{
  const guint8 *bytes;

  g_return_val_if_fail (G_IS_INET_ADDRESS (address), FALSE);

  if (flags & DG_URL_POLICY_ALLOW_PRIVATE)
    return TRUE;
  bytes = g_inet_address_to_bytes (address);
  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4)
    {
      guint32 v4 = ((guint32) bytes[0] << 24) | ((guint32) bytes[1] << 16) |
                   ((guint32) bytes[2] << 8) | bytes[3];
      if (ipv4_is_private (v4))
        return fail (error, DG_URL_POLICY_ERROR_PRIVATE_IPV4, MSG_IPV4);
      return TRUE;
    }
  if (ipv6_is_private (bytes))
    return fail (error, DG_URL_POLICY_ERROR_PRIVATE_IPV6, MSG_IPV6);
  return TRUE;
}

/**
 * dg_url_policy_check_sockaddr:
 * @address: a socket address (AF_INET or AF_INET6)
 * @length: its size
 * @flags: policy flags
 * @error: refusal message
 *
 * Returns: TRUE when connecting to @address is allowed. Other families are refused.
 */
gboolean
dg_url_policy_check_sockaddr (const struct sockaddr *address, gsize length, DgUrlPolicyFlags flags,
                              GError **error)
{
  g_autoptr (GSocketAddress) socket_address = NULL;

  g_return_val_if_fail (address != NULL, FALSE);

  if (flags & DG_URL_POLICY_ALLOW_PRIVATE)
    return TRUE;
  if (address->sa_family != AF_INET && address->sa_family != AF_INET6)
    return fail (error, DG_URL_POLICY_ERROR_HOST, MSG_HOST);
  socket_address = g_socket_address_new_from_native ((gpointer) address, length);
  if (!G_IS_INET_SOCKET_ADDRESS (socket_address))
    return fail (error, DG_URL_POLICY_ERROR_INVALID, MSG_INVALID);
  return dg_url_policy_check_address (
      g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (socket_address)), flags, error);
}
