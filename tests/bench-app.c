/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-bench"

/*
 * Desktop app benchmark (`meson test --benchmark --suite app`, under Xvfb):
 *  1. first frame: from main() to the first frame the main window draws;
 *  2. a list of 10,000 jobs: time until it is shown, then scrolling it page by page;
 *  3. a preview of 1,000,000 records: opening the job, scrolling page by page and jumping
 *     to random places, with the time until the rows on screen are read.
 * Frame times are wall-clock times from a scroll step to the next drawn frame.
 */

#include "config.h"

#include <locale.h>

#include "dg-app-harness.h"
#include "dg-job-view.h"
#include "dg-record-model.h"
#include "dg-test-jobs.h"
#include "dg-window-private.h"

#define N_JOBS 10000
#define N_RECORDS 1000000

static gint64 t_main;
static gint64 t_first_frame;

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
report (const char *what, GArray *ms)
{
  double sum = 0;

  g_array_sort (ms, compare_double);
  for (guint i = 0; i < ms->len; i++)
    sum += g_array_index (ms, double, i);
  g_print ("%-44s n=%u mean=%.1f ms p50=%.1f ms p95=%.1f ms max=%.1f ms\n", what, ms->len,
           sum / ms->len, g_array_index (ms, double, ms->len / 2),
           g_array_index (ms, double, (guint) (ms->len * 0.95)),
           g_array_index (ms, double, ms->len - 1));
}

/* Sets @adjustment to @value and returns the ms until the next frame is drawn. */
static double
step (GtkWidget *widget, GtkAdjustment *adjustment, double value)
{
  gint64 start = g_get_monotonic_time ();

  gtk_adjustment_set_value (adjustment, value);
  dg_app_harness_wait_frames (widget, 1);
  return (g_get_monotonic_time () - start) / 1000.0;
}

static gboolean
on_first_frame (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  if (t_first_frame == 0)
    t_first_frame = g_get_monotonic_time ();
  return G_SOURCE_REMOVE;
}

static void
first_frame (DgAppHarness *h, gpointer data)
{
  /* The harness waits for one frame before calling us. */
  g_print ("first frame after start                      %.0f ms\n",
           (t_first_frame - t_main) / 1000.0);
}

static void
on_app_activate (GApplication *app)
{
  GtkWindow *window = dg_application_get_main_window (DG_APPLICATION (app));

  if (window != NULL && t_first_frame == 0)
    gtk_widget_add_tick_callback (GTK_WIDGET (window), on_first_frame, NULL, NULL);
}

static char *job_1m_id;

static void
scroll_views (DgAppHarness *h, gpointer data)
{
  DgWindow *window = h->window;
  GtkWidget *scroller = GTK_WIDGET (gtk_widget_get_parent (GTK_WIDGET (window->jobs_view)));
  GtkAdjustment *adjustment;
  g_autoptr (GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 start;
  DgRecordModel *records;
  GtkColumnView *column_view;
  GRand *rand = g_rand_new_with_seed (42);

  dg_app_harness_resize (GTK_WINDOW (window), 1280, 800);
  dg_app_harness_login (h, "admin", "administrator", FALSE);
  start = g_get_monotonic_time ();
  dg_app_harness_wait_page (h, "workspace");
  DG_TEST_WAIT (g_list_model_get_n_items (G_LIST_MODEL (window->jobs)) == N_JOBS + 1, 120000);
  dg_app_harness_wait_frames (GTK_WIDGET (window), 1);
  g_print ("job list of %d jobs shown after sign-in        %.0f ms\n", N_JOBS + 1,
           (g_get_monotonic_time () - start) / 1000.0);

  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  for (double v = 0; v < gtk_adjustment_get_upper (adjustment) && ms->len < 400;
       v += gtk_adjustment_get_page_size (adjustment))
    {
      double t = step (GTK_WIDGET (window), adjustment, v);

      g_array_append_val (ms, t);
    }
  report ("job list: page-by-page scroll, frame", ms);
  g_array_set_size (ms, 0);
  for (int i = 0; i < 200; i++)
    {
      double t = step (GTK_WIDGET (window), adjustment,
                       g_rand_double_range (rand, 0, gtk_adjustment_get_upper (adjustment)));

      g_array_append_val (ms, t);
    }
  report ("job list: random jumps, frame", ms);

  /* The million-record job. */
  start = g_get_monotonic_time ();
  dg_window_open_job (window, job_1m_id);
  DG_TEST_WAIT (dg_job_view_get_records (window->job_view) != NULL &&
                    g_strcmp0 (dg_job_view_get_job_id (window->job_view), job_1m_id) == 0,
                60000);
  records = dg_job_view_get_records (window->job_view);
  dg_app_harness_wait_frames (GTK_WIDGET (window), 1);
  DG_TEST_WAIT (!dg_record_model_is_loading (records), 60000);
  dg_app_harness_wait_frames (GTK_WIDGET (window), 1);
  g_print ("job of %d records opened, first rows shown   %.0f ms\n", N_RECORDS,
           (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (records)), ==, N_RECORDS);

  column_view = dg_job_view_get_column_view (window->job_view);
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (column_view));
  g_array_set_size (ms, 0);
  for (int i = 0; i < 300; i++)
    {
      double t =
          step (GTK_WIDGET (window), adjustment,
                gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment));

      g_array_append_val (ms, t);
    }
  report ("records: page-by-page scroll, frame", ms);

  {
    g_autoptr (GArray) loaded = g_array_new (FALSE, FALSE, sizeof (double));

    g_array_set_size (ms, 0);
    for (int i = 0; i < 100; i++)
      {
        gint64 t0 = g_get_monotonic_time ();
        double t = step (GTK_WIDGET (window), adjustment,
                         g_rand_double_range (rand, 0,
                                              gtk_adjustment_get_upper (adjustment) -
                                                  gtk_adjustment_get_page_size (adjustment)));
        double l;

        g_array_append_val (ms, t);
        DG_TEST_WAIT (!dg_record_model_is_loading (records), 60000);
        dg_app_harness_wait_frames (GTK_WIDGET (window), 1);
        l = (g_get_monotonic_time () - t0) / 1000.0;
        g_array_append_val (loaded, l);
      }
    report ("records: random jumps, frame", ms);
    report ("records: random jumps, rows read and drawn", loaded);
    g_print ("records: pages read %u, peak RSS %ld MiB\n",
             dg_record_model_get_pages_loaded (records), dg_test_peak_rss_kb () / 1024);
  }
  g_rand_free (rand);
}

/* Fills the database before the app opens it: 10,000 small jobs and one job of a million
 * stored records with a six-field schema. */
static void
prepare (const char *data_dir)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (data_dir, "datagems.db", NULL);
  g_autoptr (DgStore) store = dg_store_open (path, &error);
  g_autoptr (GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  const char *env[] = { NULL, "DATAGEN_DISABLE_WORKER=true", "DATAGEN_MAX_RECORDS_PER_JOB=1000000",
                        NULL };
  g_autofree char *env_dir = g_strdup_printf ("DATAGEMS_DATA_DIR=%s", data_dir);
  g_autoptr (DgConfig) config = NULL;
  g_autoptr (DgEngine) engine = NULL;
  g_autoptr (DgDraft) draft = NULL;
  g_autoptr (JsonNode) schema = NULL;
  DgDraftRequest request = { 0 };
  DgConfirmRequest confirm = { 0 };
  gint64 start = g_get_monotonic_time ();

  g_assert_no_error (error);
  env[0] = env_dir;
  config = dg_config_new_from_environ (env, &error);
  g_assert_no_error (error);

  for (int i = 0; i < N_JOBS; i++)
    g_free (dg_test_jobs_create (store, "admin", 10 + i % 90, NULL));

  engine = dg_engine_new (config, store, NULL, NULL, &error);
  g_assert_no_error (error);
  schema = json_from_string ("{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},"
                             "\"name\":{\"type\":\"string\"},"
                             "\"email\":{\"type\":\"string\"},\"city\":{\"type\":\"string\"},"
                             "\"score\":{\"type\":\"number\"},"
                             "\"active\":{\"type\":\"boolean\"}},\"required\":[\"id\",\"name\"],"
                             "\"additionalProperties\":false}",
                             &error);
  g_assert_no_error (error);
  request.title = "A million customers";
  request.total_records = N_RECORDS;
  request.description = "Customers of a national retailer";
  request.instructions = "Realistic names and cities.";
  draft = dg_engine_draft_from_schema (engine, "admin", &request, schema, &error);
  g_assert_no_error (error);
  confirm.token = draft->token;
  confirm.backend = "offline";
  job_1m_id = dg_engine_confirm (engine, "admin", &confirm, NULL, NULL, &error);
  g_assert_no_error (error);

  for (gint64 first = 0; first < N_RECORDS; first += 100000)
    {
      g_ptr_array_set_size (texts, 0);
      for (gint64 i = 0; i < first + 100000; i++)
        g_ptr_array_add (
            texts,
            i < first ? NULL
                      : g_strdup_printf ("{\"id\":%lld,\"name\":\"Customer %lld\","
                                         "\"email\":\"c%lld@example.com\",\"city\":\"Cluj-Napoca\","
                                         "\"score\":%.2f,\"active\":%s}",
                                         (long long) i, (long long) i, (long long) i,
                                         (i % 1000) / 10.0, i % 3 ? "true" : "false"));
      dg_test_jobs_store (store, job_1m_id, "local", (const char *const *) texts->pdata,
                          texts->len);
    }
  dg_engine_shutdown (engine);
  g_print ("prepared %d jobs and %d records in %.1f s\n", N_JOBS, N_RECORDS,
           (g_get_monotonic_time () - start) / 1e6);
}

int
main (int argc, char *argv[])
{
  g_autoptr (DgTestDir) empty = NULL;
  g_autoptr (DgTestDir) full = NULL;
  const char *env[] = { "DATAGEN_DISABLE_WORKER=true", "DATAGEN_MAX_RECORDS_PER_JOB=1000000",
                        NULL };

  t_main = g_get_monotonic_time ();
  setlocale (LC_ALL, "");
  gtk_init ();
  adw_init ();

  /* 1. First frame of a fresh start (the first-run page). */
  empty = dg_test_dir_new ();
  dg_app_harness_set_activate_hook (on_app_activate);
  dg_app_harness_run_in (empty->path, NULL, first_frame, NULL);
  dg_app_harness_set_activate_hook (NULL);

  /* 2 and 3. */
  full = dg_test_dir_new ();
  prepare (full->path);
  dg_app_harness_run_in (full->path, env, scroll_views, NULL);
  g_free (job_1m_id);
  return 0;
}
