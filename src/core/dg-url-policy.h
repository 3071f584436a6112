/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sys/socket.h>
#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Outbound-address policy for URLs that users give us (inference base URLs, model lists):
 * contract fix 10 / upstream 5.8, with upstream's gaps closed (IPv4-mapped IPv6, trailing-dot
 * hosts, numeric IPv4 forms, DNS names resolving to private addresses, redirects).
 *
 * dg_url_policy_check() checks the URL text with upstream's exact messages. The
 * resolution-time check (the address actually connected to) is done by dg-inference
 * through dg_url_policy_check_address() from libcurl's open-socket callback.
 */

#define DG_URL_POLICY_ERROR (dg_url_policy_error_quark ())

typedef enum {
  DG_URL_POLICY_ERROR_INVALID,       /* "Inference base URL is invalid" */
  DG_URL_POLICY_ERROR_SCHEME,        /* "... must use http or https" */
  DG_URL_POLICY_ERROR_CREDENTIALS,   /* "... must not include credentials" */
  DG_URL_POLICY_ERROR_NO_HOST,       /* "... host is missing" */
  DG_URL_POLICY_ERROR_HOST,          /* "... host is not allowed" */
  DG_URL_POLICY_ERROR_PRIVATE_IPV4,  /* "... private IPv4 addresses are not allowed" */
  DG_URL_POLICY_ERROR_PRIVATE_IPV6,  /* "... private IPv6 addresses are not allowed" */
} DgUrlPolicyError;

GQuark dg_url_policy_error_quark (void);

typedef enum {
  DG_URL_POLICY_NONE = 0,
  /* The desktop user, admins and the configured internal endpoint may use local servers
   * (llama.cpp, Ollama, vLLM on localhost or the LAN). Scheme and credential checks still apply. */
  DG_URL_POLICY_ALLOW_PRIVATE = 1 << 0,
} DgUrlPolicyFlags;

/* Checks @url (text only, no DNS). Returns FALSE with an upstream-worded message. */
gboolean dg_url_policy_check             (const char       *url,
                                          DgUrlPolicyFlags  flags,
                                          GError          **error);

/* Checks one resolved address (IPv4-mapped and IPv4-compatible IPv6 included). */
gboolean dg_url_policy_check_address     (GInetAddress     *address,
                                          DgUrlPolicyFlags  flags,
                                          GError          **error);

/* Checks a raw socket address as libcurl hands it to CURLOPT_OPENSOCKETFUNCTION. */
gboolean dg_url_policy_check_sockaddr    (const struct sockaddr *address,
                                          gsize                  length,
                                          DgUrlPolicyFlags       flags,
                                          GError               **error);

G_END_DECLS
