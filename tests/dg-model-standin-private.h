/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dg-model-standin.h"

G_BEGIN_DECLS

/* A record that satisfies @schema (simple subset of JSON Schema), varied by @n. */
JsonNode *dg_model_standin_make_record         (JsonNode *schema,
                                                guint64   n);
/* A record that breaks @schema: required members missing, an extra member added. */
JsonNode *dg_model_standin_make_invalid_record (JsonNode *schema,
                                                guint64   n);

G_END_DECLS
