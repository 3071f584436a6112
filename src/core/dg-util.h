/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Small helpers shared by every room of the engine. */

/* Wall-clock time in milliseconds since the epoch. */
gint64 dg_now_ms             (void);
/* @unix_ms as JavaScript's Date.toISOString() writes it ("2024-01-01T00:00:00.000Z"). */
char  *dg_iso_timestamp      (gint64 unix_ms);
/* dg_iso_timestamp() of now. */
char  *dg_iso_now            (void);
/* Milliseconds since the epoch of an ISO 8601 timestamp with a zone, or -1. */
gint64 dg_iso_parse_ms       (const char *iso);
/* Fills @buffer from the kernel's CSPRNG (ids, salts, secrets). */
void   dg_random_bytes       (guint8 *buffer,
                              gsize   length);
/* @n_bytes random bytes as 2 × @n_bytes lowercase hex digits. */
char  *dg_random_hex         (gsize   n_bytes);
/* Creates the folder that will hold @path (mode 0700), with its parents. */
gboolean dg_ensure_parent_dir (const char *path,
                               GError    **error);
/* curl_global_init() once per process; call before creating a libcurl handle. */
void   dg_curl_global_init   (void);

G_END_DECLS
