/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "dg-offline.h"

G_BEGIN_DECLS

/* Shared by the files of the "offline" suite (test-offline*.c). */

void                test_offline_add_validation_tests (void);
void                test_offline_add_template_tests   (void);

/* Parses @json (must be valid). */
JsonNode           *test_offline_parse                (const char         *json);
/* Compiles @json and asserts success. */
DgOfflineGenerator *test_offline_compile              (const char         *json);
/* Generates record (@seed, @index) and asserts success. */
JsonNode           *test_offline_generate             (DgOfflineGenerator *gen,
                                                       guint64             seed,
                                                       gint64              index);
char               *test_offline_to_string            (JsonNode           *node);

G_END_DECLS
