/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-offline"

#include "config.h"

#include <math.h>
#include <string.h>

#include "dg-json-schema-private.h"
#include "dg-offline-private.h"

/* Realistic strings by hint and format. Everything appends to a GString. */

static const char *const email_domains[] = { "example.com", "example.org", "example.net" };
static const char *const host_prefixes[] = { "www", "api", "mail", "app", "shop", "portal", "cdn" };
static const char *const sample_regexes[] = { "^[a-z]+$", "^\\d{3}-\\d{4}$", "[A-Z][a-z]*",
                                              "^(yes|no)$", "^\\w+@\\w+\\.com$" };
static const char *const durations[] = { "P3D", "PT45M", "P1DT12H", "PT2H30M",
                                         "P2W", "P1Y2M", "PT90S",   "P6M" };

typedef struct
{
  guint first, last, email_style;
} Name;

/*
 * The person behind a name field. Slot 0 is the record's own person; the first
 * role noun seen (customer_email) is taken to be that person too, and any other
 * role (assigned_agent) gets its own slot.
 */
static Name
name_of (DgRng *rng, DgPersona *p, const DgHint *hint)
{
  guint role = hint != NULL ? hint->role : 0;
  guint slot = G_N_ELEMENTS (p->names) - 1;
  Name name;

  if (role == 0 || p->main_role == role || p->main_role == 0)
    {
      slot = 0;
      if (role != 0)
        p->main_role = role;
    }
  else
    for (guint i = 1; i < G_N_ELEMENTS (p->names); i++)
      if (!p->names[i].used || p->names[i].role == role)
        {
          slot = i;
          break;
        }
  if (!p->names[slot].used || (slot != 0 && p->names[slot].role != role))
    {
      p->names[slot].used = TRUE;
      p->names[slot].role = role;
      p->names[slot].first = dg_rng_below (rng, dg_words_n_first_names);
      p->names[slot].last = dg_rng_below (rng, dg_words_n_last_names);
      p->names[slot].email_style = dg_rng_below (rng, 4);
    }
  name.first = p->names[slot].first;
  name.last = p->names[slot].last;
  name.email_style = p->names[slot].email_style;
  return name;
}

/* The persona that holds the place: an address object shares its parent's city. */
static DgPersona *
place_of (DgRng *rng, DgPersona *p)
{
  while (p->parent != NULL)
    p = p->parent;
  if (!p->has_place)
    {
      p->city = dg_rng_below (rng, dg_words_n_cities);
      p->street = dg_rng_below (rng, dg_words_n_streets);
      p->house = 1 + dg_rng_below (rng, 240);
      p->has_place = TRUE;
    }
  return p;
}

static void
ensure_company (DgRng *rng, DgPersona *p)
{
  if (p->has_company)
    return;
  p->company = dg_rng_below (rng, dg_words_n_companies);
  p->has_company = TRUE;
}

/* Lower-case ASCII letters and digits of @text; common Latin diacritics are folded. */
static void
append_slug (GString *out, const char *text)
{
  static const struct
  {
    gunichar from;
    char to;
  } folds[] = {
    { 0xe0, 'a' },  { 0xe1, 'a' },  { 0xe2, 'a' },  { 0xe3, 'a' },  { 0xe4, 'a' },  { 0xe5, 'a' },
    { 0x103, 'a' }, { 0xe7, 'c' },  { 0x107, 'c' }, { 0x10d, 'c' }, { 0xe8, 'e' },  { 0xe9, 'e' },
    { 0xea, 'e' },  { 0xeb, 'e' },  { 0xec, 'i' },  { 0xed, 'i' },  { 0xee, 'i' },  { 0xef, 'i' },
    { 0xf1, 'n' },  { 0xf2, 'o' },  { 0xf3, 'o' },  { 0xf4, 'o' },  { 0xf6, 'o' },  { 0xf8, 'o' },
    { 0xf9, 'u' },  { 0xfa, 'u' },  { 0xfb, 'u' },  { 0xfc, 'u' },  { 0x219, 's' }, { 0x15f, 's' },
    { 0x161, 's' }, { 0x21b, 't' }, { 0x163, 't' }, { 0x17e, 'z' }, { 0x142, 'l' }, { 0xdf, 's' },
  };

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_unichar_tolower (g_utf8_get_char (p));

      if (c < 0x80)
        {
          if (g_ascii_isalnum (c))
            g_string_append_c (out, (char) c);
          continue;
        }
      for (guint i = 0; i < G_N_ELEMENTS (folds); i++)
        if (folds[i].from == c)
          {
            g_string_append_c (out, folds[i].to);
            break;
          }
    }
}

static void
append_digits (DgRng *rng, GString *out, guint n)
{
  for (guint i = 0; i < n; i++)
    g_string_append_c (out, '0' + (char) dg_rng_below (rng, 10));
}

/* '#' is a digit, '@' an upper-case letter, anything else is copied. */
static void
append_template (DgRng *rng, GString *out, const char *format)
{
  for (const char *p = format; *p; p++)
    {
      if (*p == '#')
        g_string_append_c (out, '0' + (char) dg_rng_below (rng, 10));
      else if (*p == '@')
        g_string_append_c (out, 'A' + (char) dg_rng_below (rng, 26));
      else
        g_string_append_c (out, *p);
    }
}

/* Fixed-width decimal and hex without printf: dates and UUIDs are on the hot path. */
static void
append_decimal (GString *out, guint value, guint width)
{
  char buf[12];

  for (guint i = width; i-- > 0;)
    {
      buf[i] = '0' + (char) (value % 10);
      value /= 10;
    }
  g_string_append_len (out, buf, width);
}

static void
append_hex (GString *out, guint64 value, guint width)
{
  static const char digits[] = "0123456789abcdef";
  char buf[16];

  for (guint i = width; i-- > 0;)
    {
      buf[i] = digits[value & 0xf];
      value >>= 4;
    }
  g_string_append_len (out, buf, width);
}

/* Appends the strings up to NULL, separated by @sep (printf is slow on the hot path). */
static void
append_joined (GString *out, const char *sep, ...)
{
  va_list args;
  const char *word;
  gboolean first = TRUE;

  va_start (args, sep);
  while ((word = va_arg (args, const char *)) != NULL)
    {
      if (!first)
        g_string_append (out, sep);
      g_string_append (out, word);
      first = FALSE;
    }
  va_end (args);
}

static void
append_uint (GString *out, guint value)
{
  char buf[12];
  guint i = sizeof buf;

  do
    {
      buf[--i] = '0' + (char) (value % 10);
      value /= 10;
    }
  while (value > 0);
  g_string_append_len (out, buf + i, sizeof buf - i);
}

static void
civil_from_days (gint64 z, int *year, int *month, int *day)
{
  gint64 era, doe, yoe, doy, mp;

  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *day = (int) (doy - (153 * mp + 2) / 5 + 1);
  *month = (int) (mp < 10 ? mp + 3 : mp - 9);
  *year = (int) (yoe + era * 400 + (*month <= 2));
}

static gint64
days_from_civil (int y, int m, int d)
{
  gint64 era, yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void
append_date (DgRng *rng, GString *out, gboolean birth)
{
  gint64 lo = birth ? days_from_civil (1945, 1, 1) : days_from_civil (2019, 1, 1);
  gint64 hi = birth ? days_from_civil (2006, 12, 31) : days_from_civil (2025, 12, 31);
  int y, m, d;

  civil_from_days (dg_rng_range (rng, lo, hi), &y, &m, &d);
  append_decimal (out, (guint) y, 4);
  g_string_append_c (out, '-');
  append_decimal (out, (guint) m, 2);
  g_string_append_c (out, '-');
  append_decimal (out, (guint) d, 2);
}

static void
append_time (DgRng *rng, GString *out, gboolean seconds)
{
  int h = 7 + (int) dg_rng_below (rng, 14);
  int min = (int) dg_rng_below (rng, 60);

  append_decimal (out, (guint) h, 2);
  g_string_append_c (out, ':');
  append_decimal (out, (guint) (seconds ? min : min - min % 5), 2);
  if (seconds)
    {
      g_string_append_c (out, ':');
      append_decimal (out, (guint) dg_rng_below (rng, 60), 2);
      g_string_append_c (out, 'Z');
    }
}

static void
append_uuid (DgRng *rng, GString *out)
{
  guint64 a = dg_rng_next (rng);
  guint64 b = dg_rng_next (rng);

  a = (a & G_GUINT64_CONSTANT (0xffffffffffff0fff)) | G_GUINT64_CONSTANT (0x4000);
  b = (b & G_GUINT64_CONSTANT (0x3fffffffffffffff)) | G_GUINT64_CONSTANT (0x8000000000000000);
  append_hex (out, a >> 32, 8);
  g_string_append_c (out, '-');
  append_hex (out, a >> 16, 4);
  g_string_append_c (out, '-');
  append_hex (out, a, 4);
  g_string_append_c (out, '-');
  append_hex (out, b >> 48, 4);
  g_string_append_c (out, '-');
  append_hex (out, b, 12);
}

static void
append_hostname (DgRng *rng, GString *out, DgPersona *persona)
{
  if (dg_rng_chance (rng, 0.5))
    {
      ensure_company (rng, persona);
      append_slug (out, dg_words_companies[persona->company]);
      g_string_append_c (out, '.');
    }
  else
    append_joined (out, "", DG_RNG_PICK (rng, host_prefixes), ".", NULL);
  g_string_append (out, DG_RNG_PICK (rng, email_domains));
}

static void
append_url (DgRng *rng, GString *out, DgPersona *persona)
{
  g_string_append (out, "https://");
  append_hostname (rng, out, persona);
  append_joined (out, "", "/", DG_PICK_WORD (rng, url_paths), NULL);
  if (dg_rng_chance (rng, 0.5))
    {
      g_string_append_c (out, '/');
      append_uint (out, (guint) (100 + dg_rng_below (rng, 9900)));
    }
}

static void
append_email (DgRng *rng, GString *out, DgPersona *persona, const DgHint *hint)
{
  Name name = name_of (rng, persona, hint);
  const char *first = dg_words_first_names[name.first];
  const char *last = dg_words_last_names[name.last];

  switch (name.email_style)
    {
    case 0:
      append_slug (out, first);
      g_string_append_c (out, '.');
      append_slug (out, last);
      break;
    case 1:
      append_slug (out, first);
      append_slug (out, last);
      break;
    case 2:
      {
        gsize start = out->len;
        append_slug (out, first);
        g_string_truncate (out, MIN (out->len, start + 1));
        append_slug (out, last);
      }
      break;
    default:
      append_slug (out, first);
      g_string_append_c (out, '_');
      append_slug (out, last);
      append_digits (rng, out, 2);
      break;
    }
  g_string_append_c (out, '@');
  g_string_append (out, email_domains[(name.first + name.last) % 3]);
}

static void
append_sentence (DgRng *rng, GString *out)
{
  append_joined (out, " ", DG_PICK_WORD (rng, text_subjects), DG_PICK_WORD (rng, text_verbs),
                 DG_PICK_WORD (rng, text_objects), DG_PICK_WORD (rng, text_endings), NULL);
}

static void
append_number_text (DgRng *rng, DgHintKind kind, GString *out)
{
  double lo, hi;
  int decimals;

  dg_hint_number_range (kind, &lo, &hi, &decimals);
  g_string_append_printf (out, "%.*f", decimals, lo + dg_rng_double (rng) * (hi - lo));
}

/* A value for @hint (never NULL); @persona keeps names, emails and places consistent. */
void
dg_value_for_hint (DgRng *rng, const DgHint *hint, DgPersona *persona, GString *out)
{
  DgPersona scratch = { 0 };
  const DgCity *city;
  DgPersona *place;
  Name name;

  if (persona == NULL)
    persona = &scratch;
  switch (hint->kind)
    {
    case DG_HINT_FIRST_NAME:
      g_string_append (out, dg_words_first_names[name_of (rng, persona, hint).first]);
      break;
    case DG_HINT_LAST_NAME:
      g_string_append (out, dg_words_last_names[name_of (rng, persona, hint).last]);
      break;
    case DG_HINT_FULL_NAME:
      name = name_of (rng, persona, hint);
      append_joined (out, " ", dg_words_first_names[name.first], dg_words_last_names[name.last],
                     NULL);
      break;
    case DG_HINT_USERNAME:
      name = name_of (rng, persona, hint);
      append_slug (out, dg_words_first_names[name.first]);
      g_string_append_c (out, name.email_style % 2 ? '_' : '.');
      append_slug (out, dg_words_last_names[name.last]);
      if (name.email_style >= 2)
        append_digits (rng, out, 2);
      break;
    case DG_HINT_EMAIL:
      append_email (rng, out, persona, hint);
      break;
    case DG_HINT_PHONE:
      append_template (rng, out, dg_words_cities[place_of (rng, persona)->city].phone_prefix);
      break;
    case DG_HINT_STREET:
      place = place_of (rng, persona);
      append_uint (out, place->house);
      append_joined (out, "", " ", dg_words_streets[place->street], NULL);
      break;
    case DG_HINT_ADDRESS:
      place = place_of (rng, persona);
      city = &dg_words_cities[place->city];
      append_uint (out, place->house);
      append_joined (out, "", " ", dg_words_streets[place->street], ", ", city->name, " ", NULL);
      append_template (rng, out, city->postal_format);
      append_joined (out, "", ", ", city->country, NULL);
      break;
    case DG_HINT_CITY:
      g_string_append (out, dg_words_cities[place_of (rng, persona)->city].name);
      break;
    case DG_HINT_REGION:
      g_string_append (out, dg_words_cities[place_of (rng, persona)->city].region);
      break;
    case DG_HINT_POSTAL_CODE:
      append_template (rng, out, dg_words_cities[place_of (rng, persona)->city].postal_format);
      break;
    case DG_HINT_COUNTRY:
      g_string_append (out, dg_words_cities[place_of (rng, persona)->city].country);
      break;
    case DG_HINT_COUNTRY_CODE:
      g_string_append (out, dg_words_cities[place_of (rng, persona)->city].country_code);
      break;
    case DG_HINT_COMPANY:
      ensure_company (rng, persona);
      g_string_append (out, dg_words_companies[persona->company]);
      break;
    case DG_HINT_PRODUCT:
      append_joined (out, " ", DG_PICK_WORD (rng, product_adjectives),
                     DG_PICK_WORD (rng, product_materials), DG_PICK_WORD (rng, product_nouns),
                     NULL);
      break;
    case DG_HINT_JOB_TITLE:
      g_string_append (out, DG_PICK_WORD (rng, job_titles));
      break;
    case DG_HINT_DEPARTMENT:
      g_string_append (out, DG_PICK_WORD (rng, departments));
      break;
    case DG_HINT_URL:
      append_url (rng, out, persona);
      break;
    case DG_HINT_HOSTNAME:
      append_hostname (rng, out, persona);
      break;
    case DG_HINT_IPV4:
    case DG_HINT_IPV6:
      dg_value_for_format (rng, hint->kind == DG_HINT_IPV4 ? DG_FORMAT_IPV4 : DG_FORMAT_IPV6, NULL,
                           persona, out);
      break;
    case DG_HINT_UUID:
      append_uuid (rng, out);
      break;
    case DG_HINT_CODE:
      if (hint->prefix == NULL)
        append_uuid (rng, out);
      else
        {
          g_string_append_printf (out, "%s-%c", hint->prefix, '1' + (char) dg_rng_below (rng, 9));
          append_digits (rng, out, 5);
        }
      break;
    case DG_HINT_CURRENCY:
      g_string_append (out, DG_PICK_WORD (rng, currencies));
      break;
    case DG_HINT_COLOR:
      g_string_append (out, DG_PICK_WORD (rng, colors));
      break;
    case DG_HINT_STATUS:
      g_string_append (out, DG_PICK_WORD (rng, statuses));
      break;
    case DG_HINT_PRIORITY:
      g_string_append (out, DG_PICK_WORD (rng, priorities));
      break;
    case DG_HINT_CATEGORY:
      g_string_append (out, DG_PICK_WORD (rng, categories));
      break;
    case DG_HINT_TAG:
      g_string_append (out, DG_PICK_WORD (rng, tags));
      break;
    case DG_HINT_SENTENCE:
      append_sentence (rng, out);
      if (dg_rng_chance (rng, 0.4))
        {
          g_string_append_c (out, ' ');
          append_sentence (rng, out);
        }
      break;
    case DG_HINT_TITLE:
      {
        guint m1 = dg_rng_below (rng, dg_words_n_title_modifiers);
        guint m2 = dg_rng_below (rng, dg_words_n_title_modifiers);

        g_string_append (out, dg_words_title_modifiers[m1]);
        if (m2 != m1 && dg_rng_chance (rng, 0.4))
          append_joined (out, "", " ", dg_words_title_modifiers[m2], NULL);
        append_joined (out, "", " ", DG_PICK_WORD (rng, title_nouns), NULL);
      }
      break;
    case DG_HINT_DATE:
    case DG_HINT_BIRTH_DATE:
      append_date (rng, out, hint->kind == DG_HINT_BIRTH_DATE);
      break;
    case DG_HINT_DATE_TIME:
      dg_value_for_format (rng, DG_FORMAT_DATE_TIME, NULL, persona, out);
      break;
    case DG_HINT_TIME:
      append_time (rng, out, FALSE);
      break;
    case DG_HINT_LANGUAGE:
      g_string_append (out, DG_PICK_WORD (rng, languages));
      break;
    case DG_HINT_GENDER:
      g_string_append (out, DG_PICK_WORD (rng, genders));
      break;
    case DG_HINT_TIMEZONE:
      g_string_append (out, DG_PICK_WORD (rng, timezones));
      break;
    case DG_HINT_DIAGNOSIS:
      g_string_append (out, DG_PICK_WORD (rng, diagnoses));
      break;
    case DG_HINT_MEDICATION:
      g_string_append (out, DG_PICK_WORD (rng, medications));
      break;
    case DG_HINT_PAYMENT_METHOD:
      g_string_append (out, DG_PICK_WORD (rng, payment_methods));
      break;
    case DG_HINT_CHANNEL:
      g_string_append (out, DG_PICK_WORD (rng, channels));
      break;
    case DG_HINT_UNIT:
      g_string_append (out, DG_PICK_WORD (rng, units));
      break;
    case DG_HINT_TOKEN:
      for (guint i = 0; i < 4; i++)
        g_string_append_printf (out, "%08x", (guint) dg_rng_next (rng));
      break;
    case DG_HINT_NONE:
    case DG_HINT_WORD:
      g_string_append (out, DG_PICK_WORD (rng, lorem));
      if (dg_rng_chance (rng, 0.5))
        append_joined (out, "", " ", DG_PICK_WORD (rng, lorem), NULL);
      break;
    default:
      append_number_text (rng, hint->kind, out);
      break;
    }
}

/* A value valid for @format; @hint refines it (birth dates, person-based emails). */
void
dg_value_for_format (DgRng *rng, DgFormat format, const DgHint *hint, DgPersona *persona,
                     GString *out)
{
  DgPersona scratch = { 0 };
  DgHint email = { DG_HINT_EMAIL, NULL, hint != NULL ? hint->role : 0 };

  if (persona == NULL)
    persona = &scratch;
  switch (format)
    {
    case DG_FORMAT_DATE:
      append_date (rng, out, hint != NULL && hint->kind == DG_HINT_BIRTH_DATE);
      break;
    case DG_FORMAT_DATE_TIME:
      append_date (rng, out, hint != NULL && hint->kind == DG_HINT_BIRTH_DATE);
      g_string_append_c (out, 'T');
      append_time (rng, out, TRUE);
      break;
    case DG_FORMAT_TIME:
      append_time (rng, out, TRUE);
      break;
    case DG_FORMAT_DURATION:
      g_string_append (out, DG_RNG_PICK (rng, durations));
      break;
    case DG_FORMAT_EMAIL:
      dg_value_for_hint (rng, &email, persona, out);
      break;
    case DG_FORMAT_HOSTNAME:
      append_hostname (rng, out, persona);
      break;
    case DG_FORMAT_IPV4:
      {
        static const char *const nets[] = { "192.0.2", "198.51.100", "203.0.113" };
        g_string_append_printf (out, "%s.%u", DG_RNG_PICK (rng, nets),
                                (guint) (1 + dg_rng_below (rng, 254)));
      }
      break;
    case DG_FORMAT_IPV6:
      g_string_append (out, "2001:db8");
      for (guint i = 0; i < 6; i++)
        g_string_append_printf (out, ":%x", (guint) dg_rng_below (rng, 0x10000));
      break;
    case DG_FORMAT_URI:
      append_url (rng, out, persona);
      break;
    case DG_FORMAT_URI_REFERENCE:
      g_string_append_printf (out, "/%s/%u", DG_PICK_WORD (rng, url_paths),
                              (guint) (1 + dg_rng_below (rng, 999)));
      break;
    case DG_FORMAT_URI_TEMPLATE:
      g_string_append_printf (out, "https://api.example.com/%s/{id}",
                              DG_PICK_WORD (rng, url_paths));
      break;
    case DG_FORMAT_UUID:
      append_uuid (rng, out);
      break;
    case DG_FORMAT_JSON_POINTER:
      g_string_append_printf (out, "/%s/%u", DG_PICK_WORD (rng, url_paths),
                              (guint) dg_rng_below (rng, 10));
      break;
    case DG_FORMAT_RELATIVE_JSON_POINTER:
      g_string_append_printf (out, "%u/%s", (guint) dg_rng_below (rng, 3),
                              DG_PICK_WORD (rng, url_paths));
      break;
    case DG_FORMAT_REGEX:
      g_string_append (out, DG_RNG_PICK (rng, sample_regexes));
      break;
    case DG_FORMAT_NONE:
    case DG_FORMAT_UNKNOWN:
    default:
      {
        DgHint none = { DG_HINT_WORD, NULL };
        dg_value_for_hint (rng, hint != NULL ? hint : &none, persona, out);
      }
      break;
    }
}

/* Placeholder text of a length in [min_len, max_len] (max -1: no limit), in code points. */
void
dg_value_text (DgRng *rng, gint64 min_len, gint64 max_len, GString *out)
{
  gint64 hi = max_len >= 0 ? max_len : MAX (min_len, 4) + 20;
  gint64 target;
  gsize start = out->len;

  hi = MIN (hi, MAX (min_len, 4) + 40);
  /* an empty string is valid but rarely what anyone wants */
  target = dg_rng_range (rng, MAX (min_len, MIN (3, hi)), MAX (hi, min_len));
  while ((gint64) (out->len - start) < target)
    {
      if (out->len > start)
        g_string_append_c (out, ' ');
      g_string_append (out, DG_PICK_WORD (rng, lorem));
    }
  g_string_truncate (out, start + target);
  if (target > 0 && out->str[out->len - 1] == ' ')
    out->str[out->len - 1] = 'a';
}

static void
add_candidate (DgPattern *pattern, GString *candidate)
{
  if (pattern->pool->len >= 32 || !g_regex_match (pattern->regex, candidate->str, 0, NULL))
    return;
  for (guint i = 0; i < pattern->pool->len; i++)
    if (g_str_equal (pattern->pool->pdata[i], candidate->str))
      return;
  g_ptr_array_add (pattern->pool, g_strdup (candidate->str));
}

/* Values of every kind we can make, kept when they match a pattern outside the subset. */
static void
fill_pool (DgPattern *pattern)
{
  g_autoptr (GString) s = g_string_new (NULL);
  DgRng rng;

  dg_rng_init (&rng, 0x5eed, 0);
  pattern->pool = g_ptr_array_new_with_free_func (g_free);
  for (guint round = 0; round < 3; round++)
    {
      for (int kind = DG_HINT_FIRST_NAME; kind <= DG_HINT_ID_NUMBER; kind++)
        {
          DgHint hint = { kind, "ID" };
          g_string_truncate (s, 0);
          dg_value_for_hint (&rng, &hint, NULL, s);
          add_candidate (pattern, s);
        }
      for (int format = DG_FORMAT_DATE; format < DG_FORMAT_UNKNOWN; format++)
        {
          g_string_truncate (s, 0);
          dg_value_for_format (&rng, format, NULL, NULL, s);
          add_candidate (pattern, s);
        }
    }
  for (guint len = 0; len <= 12; len++)
    {
      static const char *const alphabets[] = { "0123456789", "abcdefghijklmnopqrstuvwxyz",
                                               "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abc123XYZ_-" };
      for (guint a = 0; a < G_N_ELEMENTS (alphabets); a++)
        for (guint round = 0; round < 2; round++)
          {
            g_string_truncate (s, 0);
            for (guint i = 0; i < len; i++)
              g_string_append_c (s, alphabets[a][dg_rng_below (&rng, strlen (alphabets[a]))]);
            add_candidate (pattern, s);
          }
      g_string_truncate (s, 0);
      dg_value_text (&rng, len, len, s);
      add_candidate (pattern, s);
    }
}

static void
pattern_free (gpointer data)
{
  DgPattern *pattern = data;

  g_clear_pointer (&pattern->regex, g_regex_unref);
  g_clear_pointer (&pattern->ast, dg_regex_node_free);
  g_clear_pointer (&pattern->pool, g_ptr_array_unref);
  g_free (pattern);
}

/**
 * dg_offline_pattern_new:
 *
 * Compiles a "pattern" (or patternProperties key) for matching with GRegex
 * and, when it is inside the supported subset, for generation. Outside the
 * subset, a pool of candidate values that match is kept instead.
 */
DgPattern *
dg_offline_pattern_new (DgOfflineGenerator *gen, const char *source, const char *pointer,
                        GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autofree char *why = NULL;
  g_autoptr (GString) sample = g_string_new (NULL);
  DgPattern *pattern = g_new0 (DgPattern, 1);
  guint matched = 0;
  DgRng rng;

  g_ptr_array_add (gen->patterns, pattern);
  pattern->source = dg_arena_str (gen, source);
  /* the validator's ECMA-262 translation: generated strings are judged as records will be */
  pattern->regex = dg_js_regex_compile (source, &local);
  if (pattern->regex == NULL)
    {
      g_set_error (error, DG_OFFLINE_ERROR, DG_OFFLINE_ERROR_INVALID_SCHEMA, "%s at %s",
                   local->message, dg_where (pointer));
      return NULL;
    }
  pattern->ast = dg_regex_parse (source, &why);
  if (pattern->ast != NULL)
    {
      pattern->anchored_start = dg_regex_anchored (pattern->ast, TRUE);
      pattern->anchored_end = dg_regex_anchored (pattern->ast, FALSE);
      /* the subset must agree with the real engine, or we use candidates instead */
      dg_rng_init (&rng, 0xabc, 0);
      for (guint i = 0; i < 8; i++)
        {
          g_string_truncate (sample, 0);
          dg_regex_generate (pattern->ast, &rng, 0, -1, sample);
          matched += g_regex_match (pattern->regex, sample->str, 0, NULL) ? 1 : 0;
        }
      if (matched >= 6)
        return pattern;
      g_clear_pointer (&pattern->ast, dg_regex_node_free);
      g_free (why);
      why = g_strdup ("constructs whose meaning differs from the generator's reading");
    }
  fill_pool (pattern);
  if (pattern->pool->len == 0)
    {
      g_set_error (error, DG_OFFLINE_ERROR, DG_OFFLINE_ERROR_UNSUPPORTED,
                   "pattern \"%s\" uses %s, which the offline generator cannot produce, and no "
                   "candidate value matched it, at %s",
                   source, why, dg_where (pointer));
      return NULL;
    }
  return pattern;
}

void
dg_offline_pattern_free (gpointer pattern)
{
  pattern_free (pattern);
}
