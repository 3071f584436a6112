/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-test"

#include "config.h"

#include "test-json-schema.h"

void
dg_test_json_schema_cli_add_tests (void)
{
}
