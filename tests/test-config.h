/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dg-config.h"
#include "dg-test-utils.h"

G_BEGIN_DECLS

/* Shared by the config tests: test-config.c, test-config-expand.c, test-config-peers.c. */

/* A configuration from NAME=VALUE strings, with HOME=/home/tester unless the test sets it. */
DgConfig *test_config_load        (const char        *first,
                                   ...) G_GNUC_NULL_TERMINATED;
/* The DG_CONFIG_ERROR that the same environment is refused with (fails the test otherwise). */
GError   *test_config_fail        (const char        *first,
                                   ...) G_GNUC_NULL_TERMINATED;
void      test_config_assert_strv (char             **actual,
                                   const char *const *expected);
/* Whether one of @config's warnings contains @fragment. */
gboolean  test_config_has_warning (DgConfig          *config,
                                   const char        *fragment);

void      test_config_add_expansion_tests (void);
void      test_config_add_peers_tests     (void);

G_END_DECLS
