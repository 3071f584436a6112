/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-test"

/*
 * Renders each main view of the desktop app at 1280×800 and at 600 px wide into PNG files
 * (data/screenshots/ through `ninja screenshots`). Run it inside build-aux/with-xvfb.sh.
 * Usage: dg-app-screenshots OUTPUT_DIR
 */

#include "config.h"

#include <locale.h>

#include "dg-app-harness.h"
#include "dg-job-editor.h"
#include "dg-job-view.h"
#include "dg-preferences-window.h"
#include "dg-schema-editor.h"
#include "dg-window-private.h"

static const char *output_dir;

static void
save_window (GtkWindow *window, const char *file)
{
  g_autoptr (GError) error = NULL;

  if (DG_IS_WINDOW (window))
    {
      dg_window_dismiss_toast (DG_WINDOW (window));
      dg_app_harness_wait_frames (GTK_WIDGET (window), 2);
    }
  {
    g_autofree char *path = g_build_filename (output_dir, file, NULL);

    if (!dg_app_harness_save_png (GTK_WIDGET (window), path, &error))
      g_error ("%s: %s", path, error->message);
    g_print ("%s\n", path);
  }
}

static void
fill_editor (DgJobEditor *editor, const char *title, const char *description,
             const char *instructions, int records)
{
  gtk_editable_set_text (GTK_EDITABLE (dg_app_harness_find_id (GTK_WIDGET (editor), "title_row")),
                         title);
  gtk_editable_set_text (
      GTK_EDITABLE (dg_app_harness_find_id (GTK_WIDGET (editor), "description_row")), description);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (
                                dg_app_harness_find_id (GTK_WIDGET (editor), "instructions_view"))),
                            instructions, -1);
  gtk_spin_button_set_value (
      GTK_SPIN_BUTTON (dg_app_harness_find_id (GTK_WIDGET (editor), "records_spin")), records);
}

/* Drafts with the offline backend and waits for the schema. */
static void
draft (DgJobEditor *editor)
{
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.draft", NULL);
  DG_TEST_WAIT (dg_job_editor_has_schema (editor) && !dg_job_editor_get_drafting (editor), 30000);
}

static void
create_job (DgAppHarness *h, const char *title, const char *description, const char *instructions,
            int records)
{
  DgJobEditor *editor =
      DG_JOB_EDITOR (dg_app_harness_find_id (GTK_WIDGET (h->window), "job_editor"));
  DgJobView *view = DG_JOB_VIEW (dg_app_harness_find_id (GTK_WIDGET (h->window), "job_view"));

  gtk_widget_activate_action (GTK_WIDGET (h->window), "win.new-job", NULL);
  fill_editor (editor, title, description, instructions, records);
  draft (editor);
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.confirm", NULL);
  DG_TEST_WAIT (dg_job_view_get_job (view) != NULL &&
                    g_strcmp0 (dg_job_view_get_job (view)->title, title) == 0 &&
                    dg_job_status_is_final (dg_job_view_get_job (view)->status),
                60000);
}

static void
save_view (DgAppHarness *h, const char *name)
{
  static const struct
  {
    const char *suffix;
    int width;
    int height;
  } sizes[] = {
    { "", 1280, 800 },
    { "-narrow", 600, 800 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *file = g_strdup_printf ("%s%s.png", name, sizes[i].suffix);

      dg_app_harness_resize (GTK_WINDOW (h->window), sizes[i].width, sizes[i].height);
      save_window (GTK_WINDOW (h->window), file);
    }
}

static void
take_screenshots (DgAppHarness *h, gpointer data)
{
  DgWindow *window = h->window;
  DgJobEditor *editor = DG_JOB_EDITOR (dg_app_harness_find_id (GTK_WIDGET (window), "job_editor"));
  GtkWidget *preferences;

  /* First run: the administrator account. */
  save_view (h, "login");

  dg_app_harness_login (h, "admin", "administrator", FALSE);
  dg_app_harness_wait_page (h, "workspace");
  save_view (h, "empty");

  create_job (h, "Support tickets", "Customer support tickets of a software company",
              "Short subjects, realistic priorities and categories, English.", 120);
  create_job (h, "Patient intake forms", "Anonymous patient intake forms of a family clinic",
              "Adults only; ages 18 to 90; plausible symptoms.", 60);
  create_job (h, "Product reviews", "Product reviews with a sentiment label",
              "Balanced labels; 2 to 5 sentences each.", 200);

  /* The job page: progress, records, run record (wide), and the list (narrow). */
  adw_leaflet_set_visible_child (window->leaflet, window->content);
  save_view (h, "job-detail");
  adw_leaflet_set_visible_child (window->leaflet, window->sidebar);
  dg_app_harness_resize (GTK_WINDOW (window), 600, 800);
  save_window (GTK_WINDOW (window), "jobs-narrow.png");
  dg_app_harness_resize (GTK_WINDOW (window), 1280, 800);
  dg_app_harness_wait_frames (GTK_WIDGET (window), 3);
  save_window (GTK_WINDOW (window), "jobs.png");

  /* A new job with its drafted schema. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.new-job", NULL);
  fill_editor (editor, "Helpdesk tickets", "Customer support tickets of an online shop",
               "Realistic priorities and categories, short subjects, English.", 150);
  draft (editor);
  dg_schema_editor_set_view (DG_SCHEMA_EDITOR (dg_job_editor_get_schema_editor (editor)), "fields");
  save_view (h, "new-job");
  {
    GtkScrolledWindow *scroller =
        GTK_SCROLLED_WINDOW (dg_app_harness_find_id (GTK_WIDGET (editor), "scroller"));
    GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (scroller);

    dg_app_harness_resize (GTK_WINDOW (window), 1280, 800);
    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
    dg_app_harness_wait_frames (GTK_WIDGET (window), 2);
    save_window (GTK_WINDOW (window), "new-job-schema.png");
  }

  preferences =
      GTK_WIDGET (dg_preferences_window_new (GTK_WINDOW (window), h->app, window->session));
  gtk_window_present (GTK_WINDOW (preferences));
  DG_TEST_WAIT (!dg_preferences_window_get_busy (DG_PREFERENCES_WINDOW (preferences)), 20000);
  dg_app_harness_wait_frames (preferences, 3);
  save_window (GTK_WINDOW (preferences), "preferences.png");
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (preferences), "accounts");
  dg_app_harness_wait_frames (preferences, 3);
  save_window (GTK_WINDOW (preferences), "preferences-accounts.png");
  gtk_window_destroy (GTK_WINDOW (preferences));
}

int
main (int argc, char *argv[])
{
  setlocale (LC_ALL, "");
  if (argc != 2)
    {
      g_printerr ("Usage: %s OUTPUT_DIR\n", argv[0]);
      return 2;
    }
  output_dir = argv[1];
  g_mkdir_with_parents (output_dir, 0755);

  gtk_init ();
  adw_init ();
  /* Pages are captured when they are in place, not halfway through a transition. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  dg_app_harness_run (NULL, take_screenshots, NULL);
  return 0;
}
