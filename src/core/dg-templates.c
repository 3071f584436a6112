/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-templates"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "dg-templates-resources.h"
#include "dg-templates.h"

G_DEFINE_QUARK (dg_templates_error_quark, dg_templates_error)

#define RESOURCE_PREFIX "/ro/smartclover/DataGems/templates/"

/*
 * Keywords are stems (prefix match on folded tokens), English and Romanian.
 * A template also lists its parent domain ("patient" for visits) so that
 * "patient visits" prefers visits over patients.
 */
#define KEYWORDS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const DgTemplate templates[] = {
  { "people", N_ ("People"), N_ ("Names, emails, phones, birth dates and places of residence."),
    KEYWORDS ("person", "people", "individual", "contact", "persoan", "oameni", "demograf",
              "resident", "citizen", "cetatean") },
  { "customers", N_ ("Customers"),
    N_ ("Customer accounts with contact details, segment, lifetime value and address."),
    KEYWORDS ("customer", "client", "crm", "buyer", "consumer", "subscriber", "abonat", "account",
              "cont") },
  { "orders", N_ ("Orders"),
    N_ ("Shop orders with line items, status, totals and shipping address."),
    KEYWORDS ("order", "purchase", "ecommerce", "commerce", "cart", "checkout", "comand", "comenz",
              "achizit", "shop", "magazin", "cumpar") },
  { "payments", N_ ("Payments"), N_ ("Card and bank payments with amount, method and status."),
    KEYWORDS ("payment", "transaction", "transfer", "card", "billing", "plat", "tranzact", "refund",
              "chargeback", "factur") },
  { "patients", N_ ("Patients"),
    N_ ("Fictional patient records with blood type, allergies and emergency contact."),
    KEYWORDS ("patient", "medical", "health", "hospital", "clinic", "pacient", "medic", "sanatat",
              "spital", "allerg") },
  { "patient_visits", N_ ("Patient visits"),
    N_ ("Fictional clinic visits with vital signs, diagnosis and prescriptions."),
    KEYWORDS ("visit", "appointment", "consultation", "encounter", "vital", "diagnos", "vizit",
              "consulta", "programar", "patient", "pacient", "clinic") },
  { "products", N_ ("Products"),
    N_ ("A product catalogue with prices, stock, dimensions and tags."),
    KEYWORDS ("product", "catalog", "inventory", "item", "sku", "merchandise", "stock", "produs",
              "articol", "inventar") },
  { "support_tickets", N_ ("Support tickets"),
    N_ ("Help desk tickets with priority, status, channel and satisfaction score."),
    KEYWORDS ("ticket", "support", "helpdesk", "issue", "complaint", "incident", "tichet", "suport",
              "reclama", "problem") },
  { "sensor_readings", N_ ("Sensor readings"),
    N_ ("IoT measurements: temperature, humidity, pressure, battery and location."),
    KEYWORDS ("sensor", "iot", "telemetr", "reading", "measurement", "device", "temperat",
              "humidity", "senzor", "citir", "masurat", "dispozitiv") },
  { "employees", N_ ("Employees"),
    N_ ("HR records with job title, department, contract type, salary and skills."),
    KEYWORDS ("employee", "staff", "workforce", "personnel", "salary", "payroll", "angajat",
              "salari", "resurse", "colleague") },
  { "product_reviews", N_ ("Product reviews"),
    N_ ("Customer reviews with star rating, headline, text and helpful votes."),
    KEYWORDS ("review", "rating", "feedback", "testimonial", "recenzi", "evaluar", "opini",
              "product", "produs", "stars") },
  { DG_TEMPLATE_BLANK_ID, N_ ("Blank schema"),
    N_ ("An object schema without fields, to build in the form."), KEYWORDS ("blank") },
};

const DgTemplate *
dg_templates_list (guint *n_templates)
{
  if (n_templates != NULL)
    *n_templates = G_N_ELEMENTS (templates);
  return templates;
}

const DgTemplate *
dg_templates_lookup (const char *id)
{
  g_return_val_if_fail (id != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (templates); i++)
    if (g_str_equal (templates[i].id, id))
      return &templates[i];
  return NULL;
}

const char *
dg_template_get_title (const DgTemplate *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_dgettext (GETTEXT_PACKAGE, self->title);
}

const char *
dg_template_get_description (const DgTemplate *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_dgettext (GETTEXT_PACKAGE, self->description);
}

/**
 * dg_templates_get_schema:
 * @id: a template id from dg_templates_list()
 *
 * Returns: (transfer full) (nullable): a new schema the caller may change
 */
JsonNode *
dg_templates_get_schema (const char *id, GError **error)
{
  g_autofree char *path = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (GError) local = NULL;

  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (dg_templates_lookup (id) == NULL)
    {
      g_set_error (error, DG_TEMPLATES_ERROR, DG_TEMPLATES_ERROR_NOT_FOUND,
                   "There is no schema template named “%s”", id);
      return NULL;
    }
  path = g_strconcat (RESOURCE_PREFIX, id, ".json", NULL);
  bytes = g_resource_lookup_data (dg_templates_resources_get_resource (), path,
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, &local);
  parser = json_parser_new_immutable ();
  /* the templates are compiled in: failing to read them is a build error */
  if (bytes == NULL || !json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                                    (gssize) g_bytes_get_size (bytes), &local))
    g_error ("Built-in template %s is broken: %s", id, local->message);
  return json_parser_steal_root (parser);
}

JsonNode *
dg_templates_blank_schema (void)
{
  return dg_templates_get_schema (DG_TEMPLATE_BLANK_ID, NULL);
}

static guint
score_template (const DgTemplate *t, char **tokens, char **alternates)
{
  guint score = 0;

  for (guint k = 0; t->keywords[k] != NULL; k++)
    {
      gboolean found = FALSE;

      for (guint i = 0; tokens[i] != NULL && !found; i++)
        found = g_str_has_prefix (tokens[i], t->keywords[k]);
      for (guint i = 0; alternates[i] != NULL && !found; i++)
        found = g_str_has_prefix (alternates[i], t->keywords[k]);
      score += found ? 1 : 0;
    }
  return score;
}

/**
 * dg_templates_suggest:
 * @description: what the user wants, in their words
 * @score: (out) (optional): how many keywords matched
 *
 * Returns: (transfer none): the best template, or the blank one
 */
const DgTemplate *
dg_templates_suggest (const char *description, guint *score)
{
  g_auto (GStrv) tokens = NULL;
  g_auto (GStrv) alternates = NULL;
  const DgTemplate *best = dg_templates_lookup (DG_TEMPLATE_BLANK_ID);
  guint best_score = 0;

  g_return_val_if_fail (description != NULL, NULL);

  tokens = g_str_tokenize_and_fold (description, NULL, &alternates);
  for (guint i = 0; i < G_N_ELEMENTS (templates); i++)
    {
      guint s;

      if (g_str_equal (templates[i].id, DG_TEMPLATE_BLANK_ID))
        continue;
      s = score_template (&templates[i], tokens, alternates);
      if (s > best_score)
        {
          best = &templates[i];
          best_score = s;
        }
    }
  if (score != NULL)
    *score = best_score;
  return best;
}

JsonNode *
dg_templates_suggest_schema (const char *description, const char **template_id)
{
  const DgTemplate *t;

  g_return_val_if_fail (description != NULL, NULL);

  t = dg_templates_suggest (description, NULL);
  if (template_id != NULL)
    *template_id = t->id;
  return dg_templates_get_schema (t->id, NULL);
}
