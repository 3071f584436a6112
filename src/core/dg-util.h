/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Small helpers shared by every room of the engine. */

gint64 dg_now_ms             (void);
char  *dg_iso_timestamp      (gint64 unix_ms);
char  *dg_iso_now            (void);
gint64 dg_iso_parse_ms       (const char *iso);
void   dg_random_bytes       (guint8 *buffer,
                              gsize   length);
char  *dg_random_hex         (gsize   n_bytes);
gboolean dg_ensure_parent_dir (const char *path,
                               GError    **error);

G_END_DECLS
