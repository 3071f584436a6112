/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-app"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "dg-application.h"

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DgConfig) config = NULL;
  g_autoptr (DgApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  config = dg_config_new_from_environ (NULL, &error);
  if (config == NULL)
    {
      g_printerr (_ ("DataGems cannot start: %s\n"), error->message);
      return 1;
    }

  app = dg_application_new (config);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
