/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * Copies of json-glib trees that share nothing with the original.
 *
 * json_node_copy() is shallow: the copy shares the original's JsonObject, JsonArray or
 * scalar value, and json-glib 1.6 counts references to those without atomics (only JsonNode
 * itself is counted atomically). json_to_string() copies its root the same way. So a tree
 * that crosses threads (handed to a worker, kept by an object that several threads use) must
 * be copied with these functions; the copy is unsealed and may be changed freely.
 */

/* A copy of @node; NULL when it nests deeper than @max_depth levels (a scalar is one). */
JsonNode   *dg_json_copy_full   (JsonNode   *node,
                                 guint       max_depth);
/* A copy of @node, however deep (callers pass trees of bounded depth, e.g. parsed ones). */
JsonNode   *dg_json_copy        (JsonNode   *node);
/* A copy of @object. */
JsonObject *dg_json_object_copy (JsonObject *object);

G_END_DECLS
