/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The json-schema test executable is four files; each adds its own test cases. */
void dg_test_json_schema_validate_add_tests (void);
void dg_test_json_schema_suite_add_tests (void);
void dg_test_json_schema_cli_add_tests   (void);

G_END_DECLS
