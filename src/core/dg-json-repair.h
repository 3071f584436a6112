/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * Finding the JSON value in what a model wrote (upstream 5.6, without its bugs): the whole
 * text, a Markdown code fence, the first balanced {...} or [...] in prose, and repairs of
 * trailing commas, unquoted fractions (3/4), unclosed strings and brackets and double-encoded
 * JSON. Repairs only ever look at text outside JSON strings, and never invent values: a
 * truncated member without a value is dropped, not filled.
 */

typedef enum {
  DG_JSON_REPAIR_NONE             = 0,
  DG_JSON_REPAIR_FENCE            = 1 << 0, /* taken out of a ``` code fence */
  DG_JSON_REPAIR_EXTRACTED        = 1 << 1, /* prose before or after the value was dropped */
  DG_JSON_REPAIR_TRAILING_COMMA   = 1 << 2,
  DG_JSON_REPAIR_FRACTION         = 1 << 3, /* : 3/4 → : "3/4" */
  DG_JSON_REPAIR_CLOSED_STRING    = 1 << 4,
  DG_JSON_REPAIR_CLOSED_BRACKETS  = 1 << 5,
  DG_JSON_REPAIR_DROPPED_PARTIAL  = 1 << 6, /* a truncated trailing member or element was dropped */
  DG_JSON_REPAIR_DOUBLE_ENCODED   = 1 << 7, /* the value was a string holding JSON */
  DG_JSON_REPAIR_BOM              = 1 << 8,
  DG_JSON_REPAIR_CONTROL_CHARS    = 1 << 9, /* raw newlines/tabs inside strings were escaped */
  DG_JSON_REPAIR_BAD_ESCAPE       = 1 << 10, /* "\x" kept as a literal backslash */
} DgJsonRepairFlags;

/*
 * Returns the value found in @text (@length -1: NUL-terminated), or NULL with
 * DG_INFERENCE_ERROR_UNPARSABLE "Failed to parse inference response as JSON". Scalars are
 * returned only when the whole text is one; prose with a number in it is not JSON.
 * @out_repairs (optional) tells what had to be done.
 */
JsonNode *dg_json_repair_extract (const char         *text,
                                  gssize              length,
                                  DgJsonRepairFlags  *out_repairs,
                                  GError            **error);

/* Strict RFC 8259 parse of a whole document (no repairs, no comments, no trailing data);
 * used for response envelopes. Errors: DG_INFERENCE_ERROR_BAD_RESPONSE with the position. */
JsonNode *dg_json_repair_parse_strict (const char *text,
                                       gssize      length,
                                       GError    **error);

G_END_DECLS
