/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-test"

#include "config.h"

#include "dg-json-reader.h"
#include "dg-json-schema.h"
#include "dg-test-utils.h"
#include "test-json-schema.h"

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  dg_test_json_schema_suite_add_tests ();
  dg_test_json_schema_cli_add_tests ();
  return g_test_run ();
}
