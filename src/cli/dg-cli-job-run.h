/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dg-cli-commands.h"
#include "dg-engine.h"

G_BEGIN_DECLS

/*
 * What the job commands (generate, resume, jobs, export) share.
 *
 * The CLI acts as a local user: the account name given with --user, or else
 * the operating-system user name (g_get_user_name()). Jobs created from the
 * CLI belong to that name, and the CLI sees only that name's jobs, exactly as
 * a REST client or the desktop app would.
 */

#define DG_CLI_EXIT_INTERRUPTED 130

/* dg_cli_usage_error() with @error's message; frees @error. */
int       dg_cli_job_usage_error (const char *command,
                                  const char *prefix,
                                  GError     *error);

/* --user, or the OS user name. */
char     *dg_cli_job_owner     (const char  *user_option);

/* Hidden tuning options of generate and resume (tests, benchmarks). */
#define DG_CLI_RUNNER_OPTION_ENTRIES(batch_records, batch_interval_ms)                          \
  { "batch-records", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &(batch_records), NULL, NULL },  \
  { "batch-interval-ms", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &(batch_interval_ms), NULL,  \
    NULL }

/*
 * The engine over the configured database (dg_engine_get_config() / _get_store() reach
 * them); @concurrency > 0 overrides DATAGEMS_INFERENCE_CONCURRENCY.
 * @options: (nullable): runner tuning.
 */
DgEngine *dg_cli_job_engine    (guint                     concurrency,
                                const DgJobRunnerOptions *options,
                                GError                  **error);

/*
 * Runs @job_id here until it finishes, fails or stops, drawing a progress bar
 * on a terminal (records/s, ok/failed, ETA) and plain lines otherwise. Ctrl-C
 * pauses the job cleanly (a second Ctrl-C quits at once; stored records are
 * safe either way). With @output, a succeeded job is exported there (format
 * from the extension). Returns the exit status: 0 succeeded, 1 failed or
 * stopped, 130 paused by Ctrl-C.
 */
int       dg_cli_job_follow    (DgEngine    *engine,
                                const char  *owner,
                                const char  *job_id,
                                const char  *output,
                                gboolean     quiet);

/* Exports a job to @output (a file; NULL or "-": standard output). */
gboolean  dg_cli_job_export    (DgEngine             *engine,
                                const char           *owner,
                                const char           *job_id,
                                DgExportFormat        format,
                                DgEngineExportFlags   flags,
                                const char           *output,
                                GError              **error);

G_END_DECLS
