/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-offline"

#include "config.h"

#include <string.h>

#include "dg-json-schema.h"
#include "dg-offline.h"
#include "dg-templates.h"
#include "dg-test-utils.h"
#include "test-offline.h"

/*
 * Every generated record must pass the real validator (dg-json-schema), with
 * format assertion on, for the templates and for schemas that exercise each
 * keyword; and for the official JSON-Schema-Test-Suite groups the generator
 * supports.
 */

static const char *const extra_schemas[] = {
  /* nested objects, arrays of objects, nullable and enum fields */
  "{\"type\":\"object\",\"properties\":{\"order_id\":{\"type\":\"string\",\"pattern\":"
  "\"^ORD-\\\\d{6}$\"},\"items\":{\"type\":\"array\",\"minItems\":1,\"maxItems\":4,\"items\":"
  "{\"type\":\"object\",\"properties\":{\"sku\":{\"type\":\"string\"},\"qty\":{\"type\":"
  "\"integer\",\"minimum\":1}},\"required\":[\"sku\",\"qty\"],\"additionalProperties\":false}},"
  "\"coupon\":{\"type\":[\"string\",\"null\"],\"maxLength\":12},\"status\":{\"enum\":[\"new\","
  "\"paid\",null]}},\"required\":[\"order_id\",\"items\"],\"additionalProperties\":false}",
  /* every format */
  "{\"type\":\"object\",\"properties\":{\"a\":{\"format\":\"date\",\"type\":\"string\"},"
  "\"b\":{\"format\":\"date-time\",\"type\":\"string\"},\"c\":{\"format\":\"time\",\"type\":"
  "\"string\"},\"d\":{\"format\":\"email\",\"type\":\"string\"},\"e\":{\"format\":\"uuid\","
  "\"type\":\"string\"},\"f\":{\"format\":\"ipv4\",\"type\":\"string\"},\"g\":{\"format\":"
  "\"ipv6\",\"type\":\"string\"},\"h\":{\"format\":\"uri\",\"type\":\"string\"},\"i\":{\"format\":"
  "\"hostname\",\"type\":\"string\"},\"j\":{\"format\":\"duration\",\"type\":\"string\"},"
  "\"k\":{\"format\":\"uri-reference\",\"type\":\"string\"},\"l\":{\"format\":\"json-pointer\","
  "\"type\":\"string\"},\"m\":{\"format\":\"regex\",\"type\":\"string\"},\"n\":{\"format\":"
  "\"idn-email\",\"type\":\"string\"},\"o\":{\"format\":\"iri\",\"type\":\"string\"},"
  "\"p\":{\"format\":\"relative-json-pointer\",\"type\":\"string\"},\"q\":{\"format\":"
  "\"uri-template\",\"type\":\"string\"}},\"required\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\","
  "\"h\",\"i\",\"j\",\"k\",\"l\",\"m\",\"n\",\"o\",\"p\",\"q\"]}",
  /* numbers at their edges */
  "{\"type\":\"object\",\"properties\":{\"price\":{\"type\":\"number\",\"exclusiveMinimum\":0,"
  "\"maximum\":10,\"multipleOf\":0.01},\"qty\":{\"type\":\"integer\",\"multipleOf\":5,\"minimum\":"
  "-20,\"maximum\":20},\"ratio\":{\"type\":\"number\",\"minimum\":0,\"maximum\":1},\"big\":"
  "{\"type\":\"integer\",\"minimum\":9000000000000}},\"required\":[\"price\",\"qty\",\"ratio\","
  "\"big\"]}",
  /* $defs, $ref, recursion */
  "{\"$defs\":{\"person\":{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},"
  "\"friends\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/person\"},\"maxItems\":2}},"
  "\"required\":[\"name\"],\"additionalProperties\":false}},\"$ref\":\"#/$defs/person\"}",
  /* allOf with an object split in two */
  "{\"allOf\":[{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\",\"format\":"
  "\"uuid\"}},\"required\":[\"id\"]},{\"properties\":{\"score\":{\"type\":\"integer\",\"minimum\":"
  "0,\"maximum\":10}},\"required\":[\"score\"]}],\"unevaluatedProperties\":false}",
  /* anyOf, oneOf, not, if/then/else */
  "{\"type\":\"object\",\"properties\":{\"contact\":{\"oneOf\":[{\"type\":\"string\",\"format\":"
  "\"email\"},{\"type\":\"string\",\"pattern\":\"^\\\\+\\\\d{8,12}$\"}]},\"value\":{\"anyOf\":"
  "[{\"type\":\"integer\",\"maximum\":0},{\"type\":\"string\",\"minLength\":2}]},\"code\":"
  "{\"type\":\"integer\",\"minimum\":0,\"maximum\":20,\"not\":{\"multipleOf\":2}},\"kind\":"
  "{\"enum\":[\"a\",\"b\"]},\"detail\":{\"type\":\"string\"}},\"required\":[\"contact\",\"value\","
  "\"code\",\"kind\",\"detail\"],\"if\":{\"properties\":{\"kind\":{\"const\":\"a\"}}},\"then\":"
  "{\"properties\":{\"detail\":{\"maxLength\":5}}},\"else\":{\"properties\":{\"detail\":"
  "{\"minLength\":30}}}}",
  /* tuples, contains, uniqueness */
  "{\"type\":\"object\",\"properties\":{\"point\":{\"type\":\"array\",\"prefixItems\":[{\"type\":"
  "\"number\"},{\"type\":\"number\"}],\"items\":false,\"minItems\":2},\"tags\":{\"type\":\"array\","
  "\"items\":{\"type\":\"string\",\"minLength\":2},\"uniqueItems\":true,\"minItems\":2,"
  "\"maxItems\":5},\"scores\":{\"type\":\"array\",\"items\":{\"type\":\"integer\",\"minimum\":0,"
  "\"maximum\":100},\"contains\":{\"minimum\":95},\"maxContains\":1}},\"required\":[\"point\","
  "\"tags\",\"scores\"]}",
  /* patternProperties, minProperties, propertyNames, dependentRequired */
  "{\"type\":\"object\",\"properties\":{\"card\":{\"type\":\"string\"},\"cvv\":{\"type\":"
  "\"string\",\"pattern\":\"^\\\\d{3}$\"}},\"patternProperties\":{\"^meta_[a-z]+$\":{\"type\":"
  "\"string\"}},\"additionalProperties\":false,\"minProperties\":4,\"propertyNames\":"
  "{\"maxLength\":12},\"dependentRequired\":{\"card\":[\"cvv\"]}}",
  /* strings with lengths and patterns */
  "{\"type\":\"object\",\"properties\":{\"sku\":{\"type\":\"string\",\"pattern\":"
  "\"^[A-Z]{3}-[0-9]{4}$\"},\"slug\":{\"type\":\"string\",\"pattern\":\"^[a-z0-9]+(-[a-z0-9]+)*$\","
  "\"maxLength\":30},\"note\":{\"type\":\"string\",\"minLength\":50,\"maxLength\":60},\"initial\":"
  "{\"type\":\"string\",\"minLength\":1,\"maxLength\":1}},\"required\":[\"sku\",\"slug\",\"note\","
  "\"initial\"]}",
  /* draft-07 spellings: definitions and tuple items */
  "{\"definitions\":{\"pos\":{\"type\":\"integer\",\"minimum\":1}},\"type\":\"object\","
  "\"properties\":{\"n\":{\"$ref\":\"#/definitions/pos\"}},\"required\":[\"n\"]}",
};

static void
check_records (JsonNode *schema, const char *label, guint n)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DgJsonSchema) validator =
      dg_json_schema_new (schema, DG_JSON_SCHEMA_FORMAT_ASSERT, &error);
  g_autoptr (DgOfflineGenerator) gen = NULL;

  g_assert_no_error (error);
  gen = dg_offline_generator_new (schema, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (JsonNode) record = test_offline_generate (gen, 2026, i);
      g_autoptr (GPtrArray) issues = NULL;

      if (!dg_json_schema_validate (validator, record, &issues))
        {
          g_autofree char *text = test_offline_to_string (record);
          g_autofree char *why = dg_json_schema_issue_to_string (issues->pdata[0]);

          g_error ("%s: record %u is invalid: %s\n  %s", label, i, why, text);
        }
    }
}

static void
test_validates (void)
{
  const DgTemplate *templates;
  guint n_templates, n_schemas = 0;

  templates = dg_templates_list (&n_templates);
  for (guint i = 0; i < n_templates; i++)
    {
      g_autoptr (JsonNode) schema = dg_templates_get_schema (templates[i].id, NULL);

      check_records (schema, templates[i].id, 150);
      n_schemas++;
    }
  for (guint i = 0; i < G_N_ELEMENTS (extra_schemas); i++)
    {
      g_autoptr (JsonNode) schema = test_offline_parse (extra_schemas[i]);
      g_autofree char *label = g_strdup_printf ("extra schema %u", i);

      check_records (schema, label, 150);
      n_schemas++;
    }
  g_assert_cmpuint (n_schemas, >=, 20);
}

static gboolean
has_valid_instance (JsonObject *group)
{
  JsonArray *tests = json_object_get_array_member (group, "tests");

  for (guint j = 0; j < json_array_get_length (tests); j++)
    if (json_object_get_boolean_member (json_array_get_object_element (tests, j), "valid"))
      return TRUE;
  return FALSE;
}

/*
 * For each group of the official suite with at least one valid instance: when
 * the generator supports the schema, 25 records must all be valid.
 */
static void
test_official_suite (void)
{
  g_autofree char *dir_path = dg_test_shared_path ("json-schema-test-suite/tests/draft2020-12");
  g_autoptr (GDir) dir = NULL;
  guint groups = 0, supported = 0;
  const char *name;

  if (dir_path == NULL)
    {
      g_test_skip ("DG_SHARED_TESTDATA has no json-schema-test-suite/tests/draft2020-12");
      return;
    }
  dir = g_dir_open (dir_path, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_autoptr (GError) error = NULL;
      JsonArray *array;

      if (!g_str_has_suffix (name, ".json"))
        continue;
      json_parser_load_from_file (parser, path, &error);
      g_assert_no_error (error);
      array = json_node_get_array (json_parser_get_root (parser));
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonObject *group = json_array_get_object_element (array, i);
          JsonNode *schema = json_object_get_member (group, "schema");
          const char *description = json_object_get_string_member (group, "description");
          g_autoptr (DgOfflineGenerator) gen = NULL;
          g_autoptr (DgJsonSchema) validator = NULL;
          g_autoptr (GError) local = NULL;

          if (!has_valid_instance (group))
            continue;
          groups++;
          if ((validator = dg_json_schema_new (schema, DG_JSON_SCHEMA_NONE, &local)) == NULL ||
              (gen = dg_offline_generator_new (schema, &local)) == NULL)
            {
              g_test_message ("skipped %s / %s: %s", name, description, local->message);
              continue;
            }
          supported++;
          for (guint k = 0; k < 25; k++)
            {
              g_autoptr (JsonNode) record = test_offline_generate (gen, 17, k);

              if (!dg_json_schema_validate (validator, record, NULL))
                {
                  g_autofree char *text = test_offline_to_string (record);
                  g_error ("%s / %s: generated %s is invalid", name, description, text);
                }
            }
        }
    }
  g_test_message ("official suite: %u of %u groups supported and valid", supported, groups);
  g_assert_cmpuint (groups, >, 300);
  g_assert_cmpuint (supported * 100, >=, groups * 85);
}

void
test_offline_add_validation_tests (void)
{
  g_test_add_func ("/core/offline/validates", test_validates);
  g_test_add_func ("/core/offline/official-suite", test_official_suite);
}
