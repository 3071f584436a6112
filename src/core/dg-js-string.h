/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * JavaScript string semantics for UTF-8 text, where our results must equal the earlier
 * implementation's (usernames, rate-limit keys, emails). Engine-internal.
 */

/* A WhiteSpace or LineTerminator code point (what String.prototype.trim() strips). */
gboolean  dg_js_is_space     (gunichar    c);
/* String.prototype.trim(). @text must be valid UTF-8. */
char     *dg_js_trim         (const char *text);
/* String.prototype.toLowerCase(), independent of the locale. @text must be valid UTF-8. */
char     *dg_js_to_lower     (const char *text);
/* trim() then toLowerCase(); NULL when @text is NULL or not valid UTF-8. */
char     *dg_js_trim_lower   (const char *text);
/* String.prototype.length: UTF-16 code units. */
gsize     dg_js_utf16_length (const char *text);

G_END_DECLS
