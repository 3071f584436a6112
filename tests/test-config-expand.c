/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-config"

#include "config.h"

#include <string.h>

#include "test-config.h"

/* $NAME / ${NAME} expansion, escapes, cycles and limits; values read raw, never expanded. */

static char *
resolve_ok (DgConfig *c, const char *name)
{
  g_autoptr (GError) error = NULL;
  char *value = dg_config_resolve (c, name, &error);

  g_assert_no_error (error);
  return value;
}

static void
test_expansion (void)
{
  g_autoptr (DgConfig) c = test_config_load (
      "HOST_NAME=localhost", "PORT_NUMBER=8080", "SERVICE_URL=http://$HOST_NAME:${PORT_NUMBER}",
      "UNSET_REF=a${NOPE}b$NOPE2c", "LOWER=$lower ${lower} $Host", "LONE=cost $ 5 $",
      "BRACE=${}x${", "GREEDY=$HOST_NAMEX|$HOST_NAME-x", "NESTED=$SERVICE_URL/api",
      "DEFAULT_REF=port $DATAGEN_APP_PORT", "LEGACY_REF=[$R1EN_CSTORE_AUTH_HKEY]",
      "EE_CSTORE_AUTH_HKEY=auth:legacy", "EMPTY_REF=$EMPTY", "EMPTY=", "UTF8=ăîș $HOST_NAME ț",
      NULL);
  static const struct
  {
    const char *name, *value;
  } cases[] = {
    { "SERVICE_URL", "http://localhost:8080" },
    { "UNSET_REF", "abc" },
    { "LOWER", "$lower ${lower} ost" }, /* names are uppercase only: "$Host" is $H + "ost" */
    { "LONE", "cost $ 5 $" },
    { "BRACE", "${}x${" },
    { "GREEDY", "|localhost-x" },
    { "NESTED", "http://localhost:8080/api" },
    { "DEFAULT_REF", "port 3000" },
    { "LEGACY_REF", "[auth:legacy]" },
    { "EMPTY_REF", "" },
    { "UTF8", "ăîș localhost ț" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *value = resolve_ok (c, cases[i].name);

      g_assert_cmpstr (value, ==, cases[i].value);
    }
  g_assert_null (resolve_ok (c, "NOT_SET_AT_ALL"));
  g_assert_null (resolve_ok (c, "EMPTY"));
}

static void
test_escape (void)
{
  g_autoptr (DgConfig) c = test_config_load ("PRICE=Cost is $$5", "A=x", "THREE=$$$A", "TWO=$$A",
                                             "FOUR=$$$$A", "BRACED=$${A}", NULL);
  g_autofree char *price = resolve_ok (c, "PRICE");
  g_autofree char *three = resolve_ok (c, "THREE");
  g_autofree char *two = resolve_ok (c, "TWO");
  g_autofree char *four = resolve_ok (c, "FOUR");
  g_autofree char *braced = resolve_ok (c, "BRACED");

  g_assert_cmpstr (price, ==, "Cost is $5");
  g_assert_cmpstr (three, ==, "$x");
  g_assert_cmpstr (two, ==, "$A");
  g_assert_cmpstr (four, ==, "$$A");
  g_assert_cmpstr (braced, ==, "${A}");
}

static void
test_cycles (void)
{
  g_autoptr (DgConfig) c =
      test_config_load ("A=$B", "B=$A", "SELF=x${SELF}", "C=$D", "D=ok $E", "E=$C", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) self_error = NULL;
  g_autoptr (GError) long_error = NULL;
  g_autofree char *a = dg_config_resolve (c, "A", &error);
  g_autofree char *self = dg_config_resolve (c, "SELF", &self_error);
  g_autofree char *d = dg_config_resolve (c, "D", &long_error);

  /* An unused cycle does not stop the configuration from loading. */
  g_assert_null (a);
  g_assert_error (error, DG_CONFIG_ERROR, DG_CONFIG_ERROR_CYCLE);
  g_assert_cmpstr (error->message, ==, "Environment variable cycle detected: A -> B -> A");
  g_assert_null (self);
  g_assert_error (self_error, DG_CONFIG_ERROR, DG_CONFIG_ERROR_CYCLE);
  g_assert_cmpstr (self_error->message, ==, "Environment variable cycle detected: SELF -> SELF");
  g_assert_null (d);
  g_assert_cmpstr (long_error->message, ==,
                   "Environment variable cycle detected: D -> E -> C -> D");
}

static void
test_cycle_in_setting (void)
{
  g_autoptr (GError) error =
      test_config_fail ("DATAGEN_SMTP_HOST=mail.$DOMAIN", "DOMAIN=$DATAGEN_SMTP_HOST", NULL);

  g_assert_error (error, DG_CONFIG_ERROR, DG_CONFIG_ERROR_CYCLE);
  g_assert_cmpstr (error->message, ==,
                   "Environment variable cycle detected: DATAGEN_SMTP_HOST -> DOMAIN -> "
                   "DATAGEN_SMTP_HOST");
}

/* Pathological references end in an error instead of exhausting the stack or memory. */
static void
test_expansion_limits (void)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) env = NULL;
  g_autoptr (DgConfig) c = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) deep_error = NULL;
  g_autofree char *wide = NULL;
  g_autofree char *deep = NULL;

  for (int i = 0; i < 40; i++)
    {
      g_autofree char *entry = g_strdup_printf ("W%d=$W%d$W%d", i, i + 1, i + 1);

      g_strv_builder_add (builder, entry);
    }
  g_strv_builder_add (builder, "W40=0123456789abcdef");
  for (int i = 0; i < 100; i++)
    {
      g_autofree char *entry = g_strdup_printf ("N%d=$N%d", i, i + 1);

      g_strv_builder_add (builder, entry);
    }
  env = g_strv_builder_end (builder);
  c = dg_config_new_from_environ ((const char *const *) env, &error);
  g_assert_no_error (error);

  wide = dg_config_resolve (c, "W0", &error);
  g_assert_null (wide);
  g_assert_error (error, DG_CONFIG_ERROR, DG_CONFIG_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "expands to more than"));

  deep = dg_config_resolve (c, "N0", &deep_error);
  g_assert_null (deep);
  g_assert_error (deep_error, DG_CONFIG_ERROR, DG_CONFIG_ERROR_INVALID);
  g_assert_nonnull (strstr (deep_error->message, "N0"));
}

static void
test_legacy_fallbacks (void)
{
  g_autoptr (DgConfig) c =
      test_config_load ("R1EN_CSTORE_AUTH_HKEY=", "EE_CSTORE_AUTH_HKEY=auth:old",
                        "EE_CSTORE_AUTH_SECRET=pep", "EE_CSTORE_AUTH_BOOTSTRAP_ADMIN_PW=boot-pw",
                        "EE_CSTORE_AUTH_BOOTSTRAP_ADMIN_PWD=boot-pwd", NULL);
  g_autofree char *hkey = resolve_ok (c, "R1EN_CSTORE_AUTH_HKEY");
  g_autofree char *secret = resolve_ok (c, "R1EN_CSTORE_AUTH_SECRET");
  g_autofree char *bootstrap = resolve_ok (c, "R1EN_CSTORE_AUTH_BOOTSTRAP_ADMIN_PWD");

  /* The DataGems helper treats an empty variable as unset and tries the legacy names. */
  g_assert_cmpstr (hkey, ==, "auth:old");
  g_assert_cmpstr (secret, ==, "pep");
  g_assert_cmpstr (bootstrap, ==, "boot-pwd");

  /* cstore-auth-ts reads `R1EN ?? EE`: the present-but-empty R1EN name hides the legacy one. */
  g_assert_null (c->auth_hkey);
  g_assert_cmpstr (c->auth_secret, ==, "pep");
  g_assert_cmpstr (c->auth_bootstrap_admin_password, ==, "boot-pw");
}

/* The auth values are what the library reads: raw, verbatim, never expanded. */
static void
test_auth_values_raw (void)
{
  g_autoptr (DgConfig) c = test_config_load (
      "R1EN_CSTORE_AUTH_HKEY=auth:$ZONE", "ZONE=eu", "R1EN_CSTORE_AUTH_SECRET= pe$$pper ",
      "R1EN_CSTORE_AUTH_BOOTSTRAP_ADMIN_PWD= admin pw ", NULL);
  g_autoptr (DgConfig) blank = test_config_load ("R1EN_CSTORE_AUTH_BOOTSTRAP_ADMIN_PWD=  \t ",
                                                 "EE_CSTORE_AUTH_BOOTSTRAP_ADMIN_PW=hidden", NULL);
  g_autofree char *expanded = resolve_ok (c, "R1EN_CSTORE_AUTH_HKEY");

  g_assert_cmpstr (expanded, ==, "auth:eu");
  g_assert_cmpstr (c->auth_hkey, ==, "auth:$ZONE");
  g_assert_cmpstr (c->auth_secret, ==, " pe$$pper ");
  g_assert_cmpstr (c->auth_bootstrap_admin_password, ==, " admin pw ");
  g_assert_null (blank->auth_bootstrap_admin_password);
}

void
test_config_add_expansion_tests (void)
{
  g_test_add_func ("/core/config/expansion", test_expansion);
  g_test_add_func ("/core/config/escape", test_escape);
  g_test_add_func ("/core/config/cycles", test_cycles);
  g_test_add_func ("/core/config/cycle-in-setting", test_cycle_in_setting);
  g_test_add_func ("/core/config/expansion-limits", test_expansion_limits);
  g_test_add_func ("/core/config/legacy-fallbacks", test_legacy_fallbacks);
  g_test_add_func ("/core/config/auth-values-raw", test_auth_values_raw);
}
