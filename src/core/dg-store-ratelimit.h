/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dg-store.h"

G_BEGIN_DECLS

/*
 * The `rate_limits` table: a counter per key with the end of its window (Unix ms).
 * A row whose window ended counts as absent and is purged.
 */

/*
 * Adds one to @key in a single statement: a missing or expired row restarts at 1 with
 * @window_end. Returns the new count and the window end in effect.
 */
gboolean    dg_store_ratelimit_hit   (DgStore     *self,
                                      const char  *key,
                                      gint64       now,
                                      gint64       window_end,
                                      gint64      *out_count,
                                      gint64      *out_window_end,
                                      GError     **error);
/* Reads @key: count 0 (and window end 0) when missing or expired. */
gboolean    dg_store_ratelimit_peek  (DgStore     *self,
                                      const char  *key,
                                      gint64       now,
                                      gint64      *out_count,
                                      gint64      *out_window_end,
                                      GError     **error);
gboolean    dg_store_ratelimit_reset (DgStore     *self,
                                      const char  *key,
                                      GError     **error);
/* Deletes every row whose window ended at or before @now. */
gboolean    dg_store_ratelimit_purge (DgStore     *self,
                                      gint64       now,
                                      GError     **error);

G_END_DECLS
