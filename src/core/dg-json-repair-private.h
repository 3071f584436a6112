/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dg-json-repair.h"

G_BEGIN_DECLS

/* The start of dg_json_scan()'s error text when the nesting limit is hit. */
#define DG_JSON_SCAN_TOO_DEEP "JSON nested too deeply"

/* Scans one JSON value of @text starting at byte @start. Strict: RFC 8259 only. Otherwise
 * repairs what dg-json-repair.h lists (added to *@flags). *@end is just past the value.
 * NULL on failure, with *@error_text (if not NULL) saying why. */
JsonNode *dg_json_scan      (const char        *text,
                             gsize              len,
                             gsize              start,
                             gboolean           strict,
                             gboolean           allow_scalar,
                             gsize             *end,
                             DgJsonRepairFlags *flags,
                             char             **error_text);
gsize     dg_json_skip_bom  (const char        *text,
                             gsize              len);
gboolean  dg_json_is_ws     (char               c);

G_END_DECLS
