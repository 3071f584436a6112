/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "dg-cli-commands.h"

static const char *
mode_name (DgConfig *config)
{
  if (config->mock_cstore)
    return "mock";
  return config->connected ? "connected" : "standalone";
}

/* `datagems-cli info`: what a user checks first when something looks off. */
int
dg_cli_info (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (DgConfig) config = NULL;
  g_autoptr (DgStore) store = NULL;
  GError *error = NULL;
  int status;

  g_option_context_set_summary (context,
                                _ ("Show the version, configuration source and database."));
  if (!dg_cli_parse (context, &argc, &argv, "info", &status))
    return status;

  config = dg_cli_load_config (&error);
  if (config == NULL)
    return dg_cli_fail (error);

  printf ("DataGems %s\n", PACKAGE_VERSION);
  printf ("%-16s %s\n", _ ("Configuration:"), config->source);
  printf ("%-16s %s\n", _ ("Mode:"), mode_name (config));
  printf ("%-16s %s\n", _ ("Data folder:"), config->data_dir);
  printf ("%-16s %s\n", _ ("Database:"), config->database_path);

  store = dg_cli_open_store (config, &error);
  if (store == NULL)
    return dg_cli_fail (error);
  printf ("%-16s %d\n", _ ("Schema version:"), dg_store_get_schema_version (store));
  printf ("%-16s %s\n", _ ("Inference:"),
          config->mock_inference               ? _ ("offline generator (mock mode)")
          : config->inference_base_url != NULL ? config->inference_base_url
                                               : _ ("offline generator (no endpoint configured)"));
  if (config->cstore_url != NULL)
    printf ("%-16s %s\n", "CStore:", config->cstore_url);
  return DG_CLI_EXIT_OK;
}
