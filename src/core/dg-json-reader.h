/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define DG_JSON_ERROR (dg_json_error_quark ())

typedef enum {
  DG_JSON_ERROR_SYNTAX,      /* not JSON: unexpected character, missing comma, bad escape, … */
  DG_JSON_ERROR_TRUNCATED,   /* the input ends inside a value (or is empty) */
  DG_JSON_ERROR_ENCODING,    /* invalid UTF-8, or a lone UTF-16 surrogate in a \u escape */
  DG_JSON_ERROR_DEPTH,       /* arrays/objects nested deeper than the limit */
  DG_JSON_ERROR_NUMBER,      /* a number too large for a double (e.g. 1e400) */
  DG_JSON_ERROR_UNSUPPORTED, /* U+0000 in a string: JsonNode strings cannot hold it */
  DG_JSON_ERROR_TRAILING,    /* more data after the value */
} DgJsonError;

GQuark dg_json_error_quark (void);

/* Default nesting limit: deep enough for any real record, shallow enough for any stack. */
#define DG_JSON_DEFAULT_MAX_DEPTH 512

typedef enum {
  DG_JSON_PARSE_NONE = 0,
  /* Accept U+0000 in strings and cut the string there, as json-glib's own parser does,
   * instead of failing with DG_JSON_ERROR_UNSUPPORTED. */
  DG_JSON_PARSE_ALLOW_NUL = 1 << 0,
} DgJsonParseFlags;

/*
 * A strict RFC 8259 reader that builds json-glib trees, several times faster than
 * JsonParser. It validates UTF-8, rejects lone surrogates, comments, trailing commas,
 * NaN and numbers that overflow a double, and limits nesting depth. Integers that fit
 * in gint64 become G_TYPE_INT64 values; every other number is a G_TYPE_DOUBLE. Duplicate
 * object keys keep the last value. Errors name the line and column (1-based, in
 * characters). A leading UTF-8 byte order mark is skipped.
 */
JsonNode *dg_json_parse      (const char        *data,
                              gssize             length,
                              GError           **error);

/*
 * Like dg_json_parse() with a nesting limit (0: DG_JSON_DEFAULT_MAX_DEPTH) and flags.
 * When @end_offset is not NULL, data after the first value is allowed: parsing stops
 * after the value and *@end_offset is set to the byte offset just past it (and past any
 * whitespace that follows), so a caller can read concatenated values or skip prose.
 */
JsonNode *dg_json_parse_full (const char        *data,
                              gssize             length,
                              DgJsonParseFlags   flags,
                              guint              max_depth,
                              gsize             *end_offset,
                              GError           **error);

G_END_DECLS
