/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-store-crasher"

/*
 * A child process for the crash-consistency test: it writes batches of
 * records in transactions forever, printing each committed batch number,
 * until the parent kills it with SIGKILL at a moment of its choosing.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "dg-store-private.h"

#define BATCH 100

static void
die (GError *error)
{
  fprintf (stderr, "crasher: %s\n", error->message);
  exit (1);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DgStore) store = NULL;
  g_autofree char *done = NULL;
  gint64 batch;

  if (argc != 2)
    {
      fprintf (stderr, "usage: %s DATABASE\n", argv[0]);
      return 2;
    }

  store = dg_store_open (argv[1], &error);
  if (store == NULL)
    die (error);

  if (!dg_store_exec (store,
                      "INSERT OR IGNORE INTO jobs (id, owner, title, status, total_records, base, "
                      "details, created_at, updated_at) VALUES ('crash', 'tester', 'Crash', "
                      "'running', 1000000, '{}', '{}', '', '')",
                      &error))
    die (error);

  done = dg_store_get_setting (store, "crasher.batches", NULL);
  batch = done != NULL ? g_ascii_strtoll (done, NULL, 10) : 0;

  for (;; batch++)
    {
      g_autofree char *next = g_strdup_printf ("%" G_GINT64_FORMAT, batch + 1);
      sqlite3_stmt *stmt;

      if (!dg_store_begin (store, &error))
        die (error);
      stmt = dg_store_prepare (store,
                               "INSERT INTO records (job_id, idx, status, data, created_at) "
                               "VALUES ('crash', ?, 'ok', ?, 0)",
                               &error);
      if (stmt == NULL)
        die (error);
      for (int i = 0; i < BATCH; i++)
        {
          sqlite3_bind_int64 (stmt, 1, batch * BATCH + i);
          sqlite3_bind_text (stmt, 2, "{\"name\":\"Ada\",\"n\":1}", -1, SQLITE_STATIC);
          if (!dg_store_step_done (store, stmt, &error))
            die (error);
        }
      if (!dg_store_set_setting (store, "crasher.batches", next, &error) ||
          !dg_store_commit (store, &error))
        die (error);
      printf ("%s\n", next);
      fflush (stdout);
    }
}
