/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-test"

#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include "dg-url-policy.h"

typedef struct
{
  const char *url;
  const char *message; /* NULL: allowed */
} Case;

#define INVALID "Inference base URL is invalid"
#define SCHEME "Inference base URL must use http or https"
#define CREDENTIALS "Inference base URL must not include credentials"
#define NO_HOST "Inference base URL host is missing"
#define HOST "Inference base URL host is not allowed"
#define IPV4 "Inference base URL private IPv4 addresses are not allowed"
#define IPV6 "Inference base URL private IPv6 addresses are not allowed"

static void
check_cases (const Case *cases, gsize n, DgUrlPolicyFlags flags)
{
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr (GError) error = NULL;
      gboolean ok = dg_url_policy_check (cases[i].url, flags, &error);

      if (cases[i].message == NULL)
        {
          if (!ok)
            g_error ("%s should be allowed, got: %s", cases[i].url, error->message);
        }
      else
        {
          if (ok)
            g_error ("%s should be refused with: %s", cases[i].url, cases[i].message);
          g_assert_true (error->domain == DG_URL_POLICY_ERROR);
          if (g_strcmp0 (error->message, cases[i].message) != 0)
            g_error ("%s: got \"%s\", expected \"%s\"", cases[i].url, error->message,
                     cases[i].message);
        }
    }
}

/* Upstream 5.8, message for message. */
static void
test_upstream_messages (void)
{
  static const Case cases[] = {
    { "not a url", INVALID },
    { "ftp://example.com", SCHEME },
    { "file:///etc/passwd", SCHEME },
    { "http://user:pass@example.com", CREDENTIALS },
    { "http://user@example.com", CREDENTIALS },
    { "http://localhost:8080", HOST },
    { "http://LOCALHOST", HOST },
    { "http://localhost.localdomain", HOST },
    { "http://metadata.google.internal/computeMetadata", HOST },
    { "http://printer.local", HOST },
    { "http://a.b.localhost", HOST },
    { "http://db.internal", HOST },
    { "http://nas.lan", HOST },
    { "http://router.home", HOST },
    { "http://intranet.corp", HOST },
    { "http://box.localdomain", HOST },
    { "http://10.1.2.3", IPV4 },
    { "http://127.0.0.1:11434/v1", IPV4 },
    { "http://0.0.0.0", IPV4 },
    { "http://169.254.169.254/latest/meta-data", IPV4 },
    { "http://172.16.0.1", IPV4 },
    { "http://172.31.255.255", IPV4 },
    { "http://192.168.1.10", IPV4 },
    { "http://100.64.0.1", IPV4 },
    { "http://224.0.0.1", IPV4 },
    { "http://255.255.255.255", IPV4 },
    { "http://[::1]:8000", IPV6 },
    { "http://[::]", IPV6 },
    { "http://[fc00::1]", IPV6 },
    { "http://[fd12:3456::1]", IPV6 },
    { "http://[fe80::1]", IPV6 },
    { "http://[feb0::1]", IPV6 },
    { "https://api.openai.com/v1", NULL },
    { "http://8.8.8.8", NULL },
    { "http://172.32.0.1", NULL },
    { "http://100.128.0.1", NULL },
    { "https://[2001:4860:4860::8888]/", NULL },
  };

  check_cases (cases, G_N_ELEMENTS (cases), DG_URL_POLICY_NONE);
}

/* Forms upstream let through (5.8 "Not caught") and numeric hosts the URL parser normalises. */
static void
test_bypasses_closed (void)
{
  static const Case cases[] = {
    { "http://[::ffff:127.0.0.1]", IPV6 },
    { "http://[::ffff:7f00:1]", IPV6 },
    { "http://[::ffff:10.0.0.1]:80", IPV6 },
    { "http://[::127.0.0.1]", IPV6 },
    { "http://[64:ff9b::169.254.169.254]", IPV6 },
    { "http://[2002:c0a8:0101::1]", IPV6 },
    { "http://[ff02::1]", IPV6 },
    { "http://localhost.", HOST },
    { "http://localhost..", HOST },
    { "http://printer.local.", HOST },
    { "http://2130706433", IPV4 },
    { "http://0x7f.1", IPV4 },
    { "http://127.1", IPV4 },
    { "http://0177.0.0.1", IPV4 },
    { "http://10.0.0.1.", IPV4 },
    { "http://%6c%6fcalhost", HOST },
    { "http://256.1.1.1", INVALID },
    { "http://1.2.3.4.5", INVALID },
    { "http://[::ffff:8.8.8.8]", NULL },
    { "http://example.com.", NULL },
  };

  check_cases (cases, G_N_ELEMENTS (cases), DG_URL_POLICY_NONE);
}

static void
test_allow_private (void)
{
  static const Case cases[] = {
    { "http://localhost:8080/v1", NULL },
    { "http://127.0.0.1:11434", NULL },
    { "http://[::1]:8000", NULL },
    { "http://192.168.1.20", NULL },
    { "http://llm.lan", NULL },
    /* Scheme and credentials still apply to the desktop user. */
    { "ftp://localhost", SCHEME },
    { "http://me:secret@localhost", CREDENTIALS },
    { "http://256.0.0.1", INVALID },
  };

  check_cases (cases, G_N_ELEMENTS (cases), DG_URL_POLICY_ALLOW_PRIVATE);
}

static void
check_address (const char *text, gboolean allowed)
{
  g_autoptr (GInetAddress) address = g_inet_address_new_from_string (text);
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (address);
  g_assert_cmpint (dg_url_policy_check_address (address, DG_URL_POLICY_NONE, &error), ==, allowed);
  if (!allowed)
    g_assert_true (error->domain == DG_URL_POLICY_ERROR);
  g_clear_error (&error);
  g_assert_true (dg_url_policy_check_address (address, DG_URL_POLICY_ALLOW_PRIVATE, &error));
  g_assert_no_error (error);
}

/* What a DNS name resolved to (checked at connect time by dg-inference). */
static void
test_addresses (void)
{
  struct sockaddr_in v4 = { 0 };
  struct sockaddr_in6 v6 = { 0 };
  g_autoptr (GError) error = NULL;

  check_address ("127.0.0.1", FALSE);
  check_address ("10.20.30.40", FALSE);
  check_address ("169.254.169.254", FALSE);
  check_address ("::1", FALSE);
  check_address ("::ffff:192.168.0.1", FALSE);
  check_address ("fd00::5", FALSE);
  check_address ("93.184.216.34", TRUE);
  check_address ("2606:4700::1111", TRUE);

  v4.sin_family = AF_INET;
  inet_pton (AF_INET, "127.0.0.53", &v4.sin_addr);
  g_assert_false (dg_url_policy_check_sockaddr ((struct sockaddr *) &v4, sizeof v4,
                                                DG_URL_POLICY_NONE, &error));
  g_assert_error (error, DG_URL_POLICY_ERROR, DG_URL_POLICY_ERROR_PRIVATE_IPV4);
  g_clear_error (&error);

  v6.sin6_family = AF_INET6;
  inet_pton (AF_INET6, "::ffff:127.0.0.1", &v6.sin6_addr);
  g_assert_false (dg_url_policy_check_sockaddr ((struct sockaddr *) &v6, sizeof v6,
                                                DG_URL_POLICY_NONE, &error));
  /* GLib turns a mapped socket address into the IPv4 address it carries. */
  g_assert_error (error, DG_URL_POLICY_ERROR, DG_URL_POLICY_ERROR_PRIVATE_IPV4);
  g_clear_error (&error);

  inet_pton (AF_INET6, "fe80::1", &v6.sin6_addr);
  g_assert_false (dg_url_policy_check_sockaddr ((struct sockaddr *) &v6, sizeof v6,
                                                DG_URL_POLICY_NONE, &error));
  g_assert_error (error, DG_URL_POLICY_ERROR, DG_URL_POLICY_ERROR_PRIVATE_IPV6);
  g_clear_error (&error);

  inet_pton (AF_INET, "1.1.1.1", &v4.sin_addr);
  g_assert_true (dg_url_policy_check_sockaddr ((struct sockaddr *) &v4, sizeof v4,
                                               DG_URL_POLICY_NONE, &error));
  g_assert_no_error (error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/url-policy/upstream-messages", test_upstream_messages);
  g_test_add_func ("/core/url-policy/bypasses-closed", test_bypasses_closed);
  g_test_add_func ("/core/url-policy/allow-private", test_allow_private);
  g_test_add_func ("/core/url-policy/addresses", test_addresses);

  return g_test_run ();
}
