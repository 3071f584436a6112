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

static const char *output_dir;

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
      g_autoptr (GError) error = NULL;
      g_autofree char *file = g_strdup_printf ("%s%s.png", name, sizes[i].suffix);
      g_autofree char *path = g_build_filename (output_dir, file, NULL);

      dg_app_harness_resize (GTK_WINDOW (h->window), sizes[i].width, sizes[i].height);
      if (!dg_app_harness_save_png (GTK_WIDGET (h->window), path, &error))
        g_error ("%s: %s", path, error->message);
      g_print ("%s\n", path);
    }
}

static void
take_screenshots (DgAppHarness *h, gpointer data)
{
  save_view (h, "login");
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
  dg_app_harness_run (NULL, take_screenshots, NULL);
  return 0;
}
