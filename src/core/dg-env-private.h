/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The upstream environment helper (upstream-behaviour.md 13.1), used by dg-config.
 * An environment is a GHashTable of name -> value (first definition wins).
 */

GHashTable *dg_env_table_new   (const char * const *envp);

/* The value as the process sees it: "" when present but empty, NULL when absent. */
const char *dg_env_raw         (GHashTable  *env,
                                const char  *name);

/* Variable -> legacy fallbacks -> built-in default -> unset, then $VAR expansion.
 * Returns NULL without an error when unset; may return "" (e.g. "$UNSET"). */
char       *dg_env_resolve     (GHashTable  *env,
                                const char  *name,
                                GError     **error);

/* Removes JavaScript String.prototype.trim() whitespace from both ends. */
char       *dg_env_js_trim     (const char  *text);

/* The SDK's "ensure protocol" (http:// unless http(s)://) without trailing slashes. */
char       *dg_env_service_url (const char  *url);
gboolean    dg_env_is_hostname (const char  *text);
gboolean    dg_env_parse_string_array (const char  *text,
                                       GStrv       *out_strings);

G_END_DECLS
