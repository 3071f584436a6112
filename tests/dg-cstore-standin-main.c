/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-cstore-standin"

#include "config.h"

#include <glib-unix.h>
#include <stdio.h>
#include <unistd.h>

#include "dg-cstore-standin.h"

/*
 * Runs the CStore stand-in on its own for manual checks (for example the Node interop
 * script): prints its URL on the first line of stdout, then serves until SIGINT/SIGTERM
 * or until stdin reaches end of file.
 */

static gboolean
on_signal (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static gboolean
on_stdin (gint fd, GIOCondition condition, gpointer data)
{
  char buffer[256];

  if ((condition & (G_IO_HUP | G_IO_ERR)) || read (fd, buffer, sizeof buffer) <= 0)
    {
      g_main_loop_quit (data);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

int
main (int argc, char **argv)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (DgCStoreStandin) standin = dg_cstore_standin_new ();

  printf ("%s\n", dg_cstore_standin_get_url (standin));
  fflush (stdout);
  g_unix_signal_add (SIGINT, on_signal, loop);
  g_unix_signal_add (SIGTERM, on_signal, loop);
  g_unix_fd_add (0, G_IO_IN | G_IO_HUP | G_IO_ERR, on_stdin, loop);
  g_main_loop_run (loop);
  return 0;
}
