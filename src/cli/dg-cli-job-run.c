/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-cli"

#include "config.h"

#include <gio/gunixoutputstream.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "dg-cli-job-run.h"

int
dg_cli_job_usage_error (const char *command, const char *prefix, GError *error)
{
  int status = dg_cli_usage_error (command, "%s%s", prefix != NULL ? prefix : "", error->message);

  g_error_free (error);
  return status;
}

char *
dg_cli_job_owner (const char *user_option)
{
  if (user_option != NULL && *user_option != '\0')
    return g_strdup (user_option);
  return g_strdup (g_get_user_name ());
}

DgEngine *
dg_cli_job_engine (guint concurrency, const DgJobRunnerOptions *runner_options, GError **error)
{
  g_autoptr (DgConfig) config = NULL;
  g_autoptr (DgStore) store = NULL;
  g_autoptr (DgInference) inference = NULL;
  DgInferenceOptions options = { 0 };

  config = dg_cli_load_config (error);
  if (config == NULL)
    return NULL;
  store = dg_cli_open_store (config, error);
  if (store == NULL)
    return NULL;
  dg_inference_options_init_from_config (&options, config);
  if (concurrency > 0)
    options.concurrency = concurrency;
  inference = dg_inference_new (&options);
  return dg_engine_new (config, store, inference, runner_options, error);
}

typedef struct
{
  DgEngine *engine;
  const char *job_id;
  GMainLoop *loop;
  gboolean tty;
  gboolean quiet;
  gboolean interrupted;
  gboolean drew_bar;
  gint64 last_draw_us;
  gint64 last_line_us;
  DgJobProgress *last;
} Follow;

static void
format_duration (char *buffer, gsize size, double seconds)
{
  gint64 s = (gint64) (seconds + 0.5);

  if (seconds < 0 || seconds > 99 * 3600)
    g_snprintf (buffer, size, "--:--");
  else if (s >= 3600)
    g_snprintf (buffer, size, "%" G_GINT64_FORMAT ":%02d:%02d", s / 3600, (int) (s / 60 % 60),
                (int) (s % 60));
  else
    g_snprintf (buffer, size, "%d:%02d", (int) (s / 60), (int) (s % 60));
}

static void
draw (Follow *f, const DgJobProgress *p, gboolean force)
{
  gint64 now = g_get_monotonic_time ();
  gint64 done = p->total_ok + p->total_failed;
  double fraction = dg_job_progress_fraction (p);
  double eta =
      p->records_per_second > 0 ? (double) (p->total_records - done) / p->records_per_second : -1;
  char eta_text[32];

  if (f->quiet)
    return;
  format_duration (eta_text, sizeof eta_text, eta);
  if (f->tty)
    {
      char bar[31];
      int filled = (int) (fraction * 30);

      if (!force && now - f->last_draw_us < G_USEC_PER_SEC / 10)
        return;
      f->last_draw_us = now;
      for (int i = 0; i < 30; i++)
        bar[i] = i < filled ? '#' : '-';
      bar[30] = '\0';
      fprintf (stderr,
               "\r\033[K[%s] %3d%%  %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT "  ok %" G_GINT64_FORMAT
               "  failed %" G_GINT64_FORMAT "  %.1f rec/s  ETA %s",
               bar, (int) (fraction * 100), done, p->total_records, p->total_ok, p->total_failed,
               p->records_per_second, eta_text);
      f->drew_bar = TRUE;
    }
  else
    {
      /* Logs and pipes: a plain line every few seconds. */
      if (!force && now - f->last_line_us < 2 * G_USEC_PER_SEC)
        return;
      f->last_line_us = now;
      fprintf (stderr,
               _ ("%s: %s, %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT " records (ok %" G_GINT64_FORMAT
                  ", failed %" G_GINT64_FORMAT "), %.1f records/s, ETA %s\n"),
               p->job_id, dg_job_status_to_string (p->status), done, p->total_records, p->total_ok,
               p->total_failed, p->records_per_second, eta_text);
    }
  fflush (stderr);
}

static void
end_bar (Follow *f)
{
  if (f->drew_bar)
    fputc ('\n', stderr);
  f->drew_bar = FALSE;
}

static void
on_changed (DgEngine *engine, const char *job_id, const char *owner, Follow *f)
{
  g_autoptr (DgJobProgress) progress = NULL;

  if (!g_str_equal (job_id, f->job_id))
    return;
  progress = dg_engine_get_progress (engine, job_id);
  if (progress == NULL)
    return;
  draw (f, progress, progress->final_report);
  g_clear_pointer (&f->last, dg_job_progress_free);
  f->last = g_steal_pointer (&progress);
  /* The runner let go of the job: finished, paused, failed or run elsewhere. */
  if (f->last->final_report)
    g_main_loop_quit (f->loop);
}

static gboolean
on_interrupt (gpointer user_data)
{
  Follow *f = user_data;
  g_autoptr (GError) error = NULL;

  if (f->interrupted)
    {
      /* Stored records are safe: a second Ctrl-C does not wait for the last requests. */
      end_bar (f);
      fprintf (stderr, _ ("Stopped. Continue with: datagems-cli resume %s\n"), f->job_id);
      _exit (DG_CLI_EXIT_INTERRUPTED);
    }
  f->interrupted = TRUE;
  end_bar (f);
  fprintf (stderr, _ ("Pausing… (press Ctrl-C again to quit at once)\n"));
  if (!dg_engine_control (f->engine, NULL, f->job_id, DG_JOB_ACTION_PAUSE, &error))
    g_debug ("Cannot pause %s: %s", f->job_id, error->message);
  return G_SOURCE_CONTINUE;
}

static DgExportFormat
format_of (const char *output)
{
  DgExportFormat format = DG_EXPORT_FORMAT_JSON;

  dg_export_format_from_path (output, &format, NULL);
  return format;
}

int
dg_cli_job_follow (DgEngine *engine, const char *owner, const char *job_id, const char *output,
                   gboolean quiet)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (DgJob) job = NULL;
  g_autoptr (GError) error = NULL;
  Follow f = { 0 };
  gulong handler;
  guint sigint, sigterm;
  gint64 started = g_get_monotonic_time ();
  int status = DG_CLI_EXIT_FAILURE;

  f.engine = engine;
  f.job_id = job_id;
  f.loop = loop;
  f.tty = isatty (STDERR_FILENO);
  f.quiet = quiet;

  handler = g_signal_connect (engine, "job-changed", G_CALLBACK (on_changed), &f);
  sigint = g_unix_signal_add (SIGINT, on_interrupt, &f);
  sigterm = g_unix_signal_add (SIGTERM, on_interrupt, &f);
  dg_engine_run_job (engine, job_id);
  g_main_loop_run (loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  g_signal_handler_disconnect (engine, handler);
  end_bar (&f);

  job = dg_engine_get_job (engine, owner, job_id, &error);
  if (job == NULL)
    {
      fprintf (stderr, "datagems-cli: %s\n", error->message);
      goto out;
    }
  switch (job->status)
    {
    case DG_JOB_STATUS_SUCCEEDED:
      if (!quiet)
        fprintf (stderr,
                 _ ("Job %s succeeded: %" G_GINT64_FORMAT " records (%" G_GINT64_FORMAT
                    " ok, %" G_GINT64_FORMAT " failed) in %.1f s\n"),
                 job_id, job->total_records, job->total_ok, job->total_failed,
                 (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC);
      status = DG_CLI_EXIT_OK;
      if (output != NULL)
        {
          if (!dg_cli_job_export (engine, owner, job_id, format_of (output), DG_ENGINE_EXPORT_NONE,
                                  output, &error))
            {
              fprintf (stderr, "datagems-cli: %s\n", error->message);
              status = DG_CLI_EXIT_FAILURE;
            }
          else if (!quiet)
            fprintf (stderr, _ ("Wrote %s\n"), output);
        }
      else if (!quiet)
        fprintf (stderr, _ ("Export it with: datagems-cli export %s --format jsonl\n"), job_id);
      break;

    case DG_JOB_STATUS_PAUSED:
      if (f.last != NULL && f.last->message != NULL && !f.interrupted)
        fprintf (stderr, "datagems-cli: %s\n", f.last->message);
      fprintf (stderr, _ ("Job %s is paused. Continue with: datagems-cli resume %s\n"), job_id,
               job_id);
      status = f.interrupted ? DG_CLI_EXIT_INTERRUPTED : DG_CLI_EXIT_FAILURE;
      break;

    case DG_JOB_STATUS_QUEUED:
    case DG_JOB_STATUS_RUNNING:
      /* Not ours to run: another process holds it, or the database failed us. */
      fprintf (stderr, "datagems-cli: %s\n",
               f.last != NULL && f.last->message != NULL ? f.last->message
                                                         : _ ("The job stopped running here"));
      break;

    case DG_JOB_STATUS_FAILED:
    case DG_JOB_STATUS_CANCELLED:
    default:
      fprintf (stderr, _ ("Job %s %s%s%s\n"), job_id, dg_job_status_to_string (job->status),
               f.last != NULL && f.last->message != NULL ? ": " : "",
               f.last != NULL && f.last->message != NULL ? f.last->message : "");
      break;
    }

out:
  g_clear_pointer (&f.last, dg_job_progress_free);
  return status;
}

gboolean
dg_cli_job_export (DgEngine *engine, const char *owner, const char *job_id, DgExportFormat format,
                   DgEngineExportFlags flags, const char *output, GError **error)
{
  g_autoptr (GOutputStream) out = NULL;
  g_autoptr (GFile) file = NULL;

  if (output != NULL && !g_str_equal (output, "-"))
    {
      file = g_file_new_for_commandline_arg (output);
      return dg_engine_export_to_file (engine, owner, job_id, format, flags, file, NULL, NULL, NULL,
                                       error);
    }
  out = g_unix_output_stream_new (STDOUT_FILENO, FALSE);
  return dg_engine_export (engine, owner, job_id, format, flags, out, NULL, NULL, NULL, error);
}
