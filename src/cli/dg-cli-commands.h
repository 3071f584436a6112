/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "dg-config.h"
#include "dg-store.h"

G_BEGIN_DECLS

/*
 * Each datagems-cli subcommand lives in its own dg-cli-<name>.c and is listed
 * in the table in dg-cli.c. A command parses its own options and returns the
 * process exit status: 0 success, 1 failure, 2 usage error.
 */

#define DG_CLI_EXIT_OK      0
#define DG_CLI_EXIT_FAILURE 1
#define DG_CLI_EXIT_USAGE   2

int dg_cli_export (int argc, char **argv);
int dg_cli_generate (int argc, char **argv);
int dg_cli_info (int argc, char **argv);
int dg_cli_jobs (int argc, char **argv);
int dg_cli_resume (int argc, char **argv);
int dg_cli_users (int argc, char **argv);
int dg_cli_validate (int argc, char **argv);

/* dg-cli-common.c: what every command needs. */
DgConfig *dg_cli_load_config  (GError   **error);
DgStore  *dg_cli_open_store   (DgConfig  *config,
                               GError   **error);
/* A JSON file read strictly (dg_json_parse); errors name the file. */
JsonNode *dg_cli_load_json_file (const char *path,
                                 GError    **error);
int       dg_cli_fail         (GError    *error);
int       dg_cli_usage_error  (const char *command,
                               const char *format,
                               ...) G_GNUC_PRINTF (2, 3);
gboolean  dg_cli_parse        (GOptionContext *context,
                               int            *argc,
                               char         ***argv,
                               const char     *command,
                               int            *exit_status);

G_END_DECLS
