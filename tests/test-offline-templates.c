/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-offline"

#include "config.h"

#include <string.h>

#include "dg-json-schema.h"
#include "dg-templates.h"
#include "test-offline.h"

static void
test_list (void)
{
  g_autoptr (GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  const DgTemplate *templates;
  guint n;

  templates = dg_templates_list (&n);
  g_assert_cmpuint (n, >=, 9);
  g_assert_cmpstr (templates[n - 1].id, ==, DG_TEMPLATE_BLANK_ID);
  for (guint i = 0; i < n; i++)
    {
      const DgTemplate *t = &templates[i];

      g_assert_true (g_hash_table_add (ids, (gpointer) t->id));
      g_assert_true (dg_templates_lookup (t->id) == t);
      g_assert_cmpuint (strlen (dg_template_get_title (t)), >, 2);
      g_assert_cmpuint (strlen (dg_template_get_description (t)), >, 10);
      g_assert_nonnull (t->keywords[0]);
    }
  for (const char *const *id = (const char *const[]){ "people", "customers", "orders", "payments",
                                                      "patients", "patient_visits", "products",
                                                      "support_tickets", "sensor_readings", NULL };
       *id != NULL; id++)
    g_assert_nonnull (dg_templates_lookup (*id));
  g_assert_null (dg_templates_lookup ("no-such-template"));
}

/* Each template is a complete draft 2020-12 object schema that the sanitiser keeps as is. */
static void
test_schemas (void)
{
  const DgTemplate *templates;
  guint n;

  templates = dg_templates_list (&n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (JsonNode) schema = dg_templates_get_schema (templates[i].id, &error);
      g_autoptr (GPtrArray) issues = NULL;
      JsonObject *obj, *props;
      JsonArray *required;
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;
      gboolean blank = g_str_equal (templates[i].id, DG_TEMPLATE_BLANK_ID);

      g_assert_no_error (error);
      g_assert_true (dg_json_schema_check_schema (schema, &issues, &error));
      g_assert_no_error (error);
      obj = json_node_get_object (schema);
      g_assert_cmpstr (json_object_get_string_member (obj, "$schema"), ==,
                       "https://json-schema.org/draft/2020-12/schema");
      g_assert_cmpstr (json_object_get_string_member (obj, "type"), ==, "object");
      g_assert_false (json_object_get_boolean_member (obj, "additionalProperties"));
      props = json_object_get_object_member (obj, "properties");
      required = json_object_get_array_member (obj, "required");
      if (!blank)
        {
          g_assert_nonnull (json_object_get_string_member (obj, "title"));
          g_assert_nonnull (json_object_get_string_member (obj, "description"));
          g_assert_cmpuint (json_object_get_size (props), >=, 8);
          g_assert_cmpuint (json_array_get_length (required), >=, 4);
        }
      json_object_iter_init (&iter, props);
      while (json_object_iter_next (&iter, &name, &member))
        {
          JsonObject *prop = json_node_get_object (member);

          g_assert_nonnull (json_object_get_string_member (prop, "type"));
          g_assert_nonnull (json_object_get_string_member (prop, "description"));
        }
      for (guint k = 0; k < json_array_get_length (required); k++)
        g_assert_true (json_object_has_member (props, json_array_get_string_element (required, k)));
    }
}

static void
test_get (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) first = dg_templates_get_schema ("orders", NULL);
  g_autoptr (JsonNode) second = NULL;
  g_autoptr (JsonNode) blank = dg_templates_blank_schema ();
  g_autoptr (JsonNode) missing = dg_templates_get_schema ("nope", &error);
  g_autofree char *blank_text = test_offline_to_string (blank);

  /* a copy: changing it does not change the next one */
  json_object_remove_member (json_node_get_object (first), "properties");
  second = dg_templates_get_schema ("orders", NULL);
  g_assert_true (json_object_has_member (json_node_get_object (second), "properties"));
  g_assert_cmpstr (blank_text, ==,
                   "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":"
                   "\"object\",\"properties\":{},\"required\":[],\"additionalProperties\":false}");
  g_assert_null (missing);
  g_assert_error (error, DG_TEMPLATES_ERROR, DG_TEMPLATES_ERROR_NOT_FOUND);
}

static void
test_suggest (void)
{
  static const struct
  {
    const char *description;
    const char *id;
  } cases[] = {
    { "A list of hospital patients with their allergies", "patients" },
    { "Customer support tickets from our helpdesk", "support_tickets" },
    { "IoT temperature sensor data from warehouses", "sensor_readings" },
    { "Patient visits to a cardiology clinic", "patient_visits" },
    { "Product reviews with star ratings", "product_reviews" },
    { "Employees of a startup with salaries", "employees" },
    { "People living in Cluj", "people" },
    { "A product catalog for an online store", "products" },
    { "Customer accounts of a SaaS", "customers" },
    { "Card payments and refunds", "payments" },
    { "E-commerce orders with line items", "orders" },
    { "Comenzi online din magazinul nostru", "orders" },
    { "Plăți cu cardul", "payments" },
    { "Recenzii de produse", "product_reviews" },
    { "Tichete de suport pentru clienți", "support_tickets" },
    { "Citiri de la senzori de temperatură", "sensor_readings" },
    { "Angajații unei firme", "employees" },
    { "qwerty zxcv", DG_TEMPLATE_BLANK_ID },
    { "", DG_TEMPLATE_BLANK_ID },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint score = 99;
      const DgTemplate *t = dg_templates_suggest (cases[i].description, &score);
      const char *id = NULL;
      g_autoptr (JsonNode) schema = dg_templates_suggest_schema (cases[i].description, &id);

      g_test_message ("“%s” → %s (%u)", cases[i].description, t->id, score);
      g_assert_cmpstr (t->id, ==, cases[i].id);
      g_assert_cmpstr (id, ==, cases[i].id);
      g_assert_nonnull (schema);
      if (g_str_equal (cases[i].id, DG_TEMPLATE_BLANK_ID))
        g_assert_cmpuint (score, ==, 0);
      else
        g_assert_cmpuint (score, >, 0);
    }
}

void
test_offline_add_template_tests (void)
{
  g_test_add_func ("/core/templates/list", test_list);
  g_test_add_func ("/core/templates/schemas", test_schemas);
  g_test_add_func ("/core/templates/get", test_get);
  g_test_add_func ("/core/templates/suggest", test_suggest);
}
