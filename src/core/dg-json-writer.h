/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * JSON text exactly as JavaScript's JSON.stringify() writes it: numbers in
 * the shortest form that reads back to the same double (1, 0.1, 1e+21,
 * 1.5e-7), strings with only '"', '\\' and control characters escaped, and
 * key order kept. Records, job records and exports go through this so that
 * files match the earlier implementation byte for byte (json-glib's own
 * generator writes 0.1 as 0.10000000000000001).
 */

typedef enum {
  DG_JSON_WRITE_COMPACT   = 0,
  DG_JSON_WRITE_PRETTY    = 1 << 0, /* JSON.stringify (value, null, 2) */
  DG_JSON_WRITE_SORT_KEYS = 1 << 1, /* canonical form (fingerprints): keys in byte order */
} DgJsonWriteFlags;

char  *dg_json_to_string      (JsonNode         *node,
                               DgJsonWriteFlags  flags);
void   dg_json_append         (GString          *out,
                               JsonNode         *node,
                               DgJsonWriteFlags  flags);
char  *dg_json_object_to_string (JsonObject     *object,
                                 DgJsonWriteFlags flags);

/* A quoted, escaped JSON string. */
void   dg_json_append_string  (GString          *out,
                               const char       *str);
/* A number as JavaScript's Number.prototype.toString() writes it (NaN/Infinity -> null). */
void   dg_json_append_double  (GString          *out,
                               double            value);

/*
 * Hex SHA-256 of the canonical form (sorted keys, compact): equal for two
 * records that hold the same data whatever their key order.
 */
char  *dg_json_fingerprint    (JsonNode         *node);

G_END_DECLS
