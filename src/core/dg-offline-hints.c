/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-offline"

#include "config.h"

#include <string.h>

#include "dg-offline-private.h"

/*
 * Property-name hints: "customer_email", "firstName", "unit_price" and
 * "created_at" tell what a realistic value looks like. English compounds
 * put the head noun last ("product_description" is a description, not a
 * product), so the last token decides first, then known two-word phrases,
 * then earlier tokens.
 */

typedef struct
{
  const char *token;
  DgHintKind kind;
} TokenHint;

static const TokenHint token_hints[] = {
  { "email", DG_HINT_EMAIL },
  { "mail", DG_HINT_EMAIL },
  { "username", DG_HINT_USERNAME },
  { "login", DG_HINT_USERNAME },
  { "handle", DG_HINT_USERNAME },
  { "nickname", DG_HINT_USERNAME },
  { "user", DG_HINT_USERNAME },
  { "firstname", DG_HINT_FIRST_NAME },
  { "forename", DG_HINT_FIRST_NAME },
  { "lastname", DG_HINT_LAST_NAME },
  { "surname", DG_HINT_LAST_NAME },
  { "fullname", DG_HINT_FULL_NAME },
  { "phone", DG_HINT_PHONE },
  { "telephone", DG_HINT_PHONE },
  { "mobile", DG_HINT_PHONE },
  { "tel", DG_HINT_PHONE },
  { "fax", DG_HINT_PHONE },
  { "uuid", DG_HINT_UUID },
  { "guid", DG_HINT_UUID },
  { "ip", DG_HINT_IPV4 },
  { "ipv4", DG_HINT_IPV4 },
  { "ipv6", DG_HINT_IPV6 },
  { "url", DG_HINT_URL },
  { "uri", DG_HINT_URL },
  { "website", DG_HINT_URL },
  { "homepage", DG_HINT_URL },
  { "link", DG_HINT_URL },
  { "avatar", DG_HINT_URL },
  { "image", DG_HINT_URL },
  { "photo", DG_HINT_URL },
  { "picture", DG_HINT_URL },
  { "hostname", DG_HINT_HOSTNAME },
  { "host", DG_HINT_HOSTNAME },
  { "domain", DG_HINT_HOSTNAME },
  { "zip", DG_HINT_POSTAL_CODE },
  { "zipcode", DG_HINT_POSTAL_CODE },
  { "postal", DG_HINT_POSTAL_CODE },
  { "postcode", DG_HINT_POSTAL_CODE },
  { "currency", DG_HINT_CURRENCY },
  { "country", DG_HINT_COUNTRY },
  { "nationality", DG_HINT_COUNTRY },
  { "city", DG_HINT_CITY },
  { "town", DG_HINT_CITY },
  { "region", DG_HINT_REGION },
  { "province", DG_HINT_REGION },
  { "county", DG_HINT_REGION },
  { "state", DG_HINT_REGION },
  { "street", DG_HINT_STREET },
  { "address", DG_HINT_ADDRESS },
  { "company", DG_HINT_COMPANY },
  { "employer", DG_HINT_COMPANY },
  { "organization", DG_HINT_COMPANY },
  { "organisation", DG_HINT_COMPANY },
  { "vendor", DG_HINT_COMPANY },
  { "supplier", DG_HINT_COMPANY },
  { "manufacturer", DG_HINT_COMPANY },
  { "brand", DG_HINT_COMPANY },
  { "merchant", DG_HINT_COMPANY },
  { "business", DG_HINT_COMPANY },
  { "insurer", DG_HINT_COMPANY },
  { "carrier", DG_HINT_COMPANY },
  { "insurance", DG_HINT_COMPANY },
  { "provider", DG_HINT_COMPANY },
  { "publisher", DG_HINT_COMPANY },
  { "product", DG_HINT_PRODUCT },
  { "item", DG_HINT_PRODUCT },
  { "job", DG_HINT_JOB_TITLE },
  { "occupation", DG_HINT_JOB_TITLE },
  { "position", DG_HINT_JOB_TITLE },
  { "profession", DG_HINT_JOB_TITLE },
  { "role", DG_HINT_JOB_TITLE },
  { "department", DG_HINT_DEPARTMENT },
  { "team", DG_HINT_DEPARTMENT },
  { "specialty", DG_HINT_DEPARTMENT },
  { "speciality", DG_HINT_DEPARTMENT },
  { "ward", DG_HINT_DEPARTMENT },
  { "status", DG_HINT_STATUS },
  { "priority", DG_HINT_PRIORITY },
  { "severity", DG_HINT_PRIORITY },
  { "urgency", DG_HINT_PRIORITY },
  { "method", DG_HINT_CHANNEL },
  { "channel", DG_HINT_CHANNEL },
  { "source", DG_HINT_CHANNEL },
  { "gender", DG_HINT_GENDER },
  { "sex", DG_HINT_GENDER },
  { "language", DG_HINT_LANGUAGE },
  { "lang", DG_HINT_LANGUAGE },
  { "timezone", DG_HINT_TIMEZONE },
  { "tz", DG_HINT_TIMEZONE },
  { "diagnosis", DG_HINT_DIAGNOSIS },
  { "condition", DG_HINT_DIAGNOSIS },
  { "symptom", DG_HINT_DIAGNOSIS },
  { "medication", DG_HINT_MEDICATION },
  { "drug", DG_HINT_MEDICATION },
  { "prescription", DG_HINT_MEDICATION },
  { "medicine", DG_HINT_MEDICATION },
  { "color", DG_HINT_COLOR },
  { "colour", DG_HINT_COLOR },
  { "unit", DG_HINT_UNIT },
  { "token", DG_HINT_TOKEN },
  { "password", DG_HINT_TOKEN },
  { "secret", DG_HINT_TOKEN },
  { "hash", DG_HINT_TOKEN },
  { "checksum", DG_HINT_TOKEN },
  { "birthday", DG_HINT_BIRTH_DATE },
  { "birthdate", DG_HINT_BIRTH_DATE },
  { "dob", DG_HINT_BIRTH_DATE },
  { "birth", DG_HINT_BIRTH_DATE },
  { "timestamp", DG_HINT_DATE_TIME },
  { "datetime", DG_HINT_DATE_TIME },
  { "at", DG_HINT_DATE_TIME },
  { "created", DG_HINT_DATE_TIME },
  { "updated", DG_HINT_DATE_TIME },
  { "modified", DG_HINT_DATE_TIME },
  { "date", DG_HINT_DATE },
  { "day", DG_HINT_DATE },
  { "since", DG_HINT_DATE },
  { "expiry", DG_HINT_DATE },
  { "expiration", DG_HINT_DATE },
  { "due", DG_HINT_DATE },
  { "on", DG_HINT_DATE },
  { "time", DG_HINT_TIME },
  { "duration", DG_HINT_DURATION },
  { "minute", DG_HINT_DURATION },
  { "second", DG_HINT_DURATION },
  { "hour", DG_HINT_DURATION },
  { "ms", DG_HINT_DURATION },
  { "elapsed", DG_HINT_DURATION },
  { "latency", DG_HINT_DURATION },
  { "age", DG_HINT_AGE },
  { "year", DG_HINT_YEAR },
  { "latitude", DG_HINT_LATITUDE },
  { "lat", DG_HINT_LATITUDE },
  { "longitude", DG_HINT_LONGITUDE },
  { "lon", DG_HINT_LONGITUDE },
  { "lng", DG_HINT_LONGITUDE },
  { "price", DG_HINT_MONEY },
  { "amount", DG_HINT_MONEY },
  { "total", DG_HINT_MONEY },
  { "cost", DG_HINT_MONEY },
  { "fee", DG_HINT_MONEY },
  { "salary", DG_HINT_MONEY },
  { "balance", DG_HINT_MONEY },
  { "subtotal", DG_HINT_MONEY },
  { "tax", DG_HINT_MONEY },
  { "revenue", DG_HINT_MONEY },
  { "income", DG_HINT_MONEY },
  { "budget", DG_HINT_MONEY },
  { "spend", DG_HINT_MONEY },
  { "spent", DG_HINT_MONEY },
  { "refund", DG_HINT_MONEY },
  { "wage", DG_HINT_MONEY },
  { "charge", DG_HINT_MONEY },
  { "percent", DG_HINT_PERCENT },
  { "percentage", DG_HINT_PERCENT },
  { "pct", DG_HINT_PERCENT },
  { "humidity", DG_HINT_PERCENT },
  { "discount", DG_HINT_PERCENT },
  { "battery", DG_HINT_PERCENT },
  { "score", DG_HINT_PERCENT },
  { "pulse", DG_HINT_HEART_RATE },
  { "bpm", DG_HINT_HEART_RATE },
  { "temperature", DG_HINT_TEMPERATURE },
  { "temp", DG_HINT_TEMPERATURE },
  { "pressure", DG_HINT_PRESSURE },
  { "weight", DG_HINT_WEIGHT },
  { "kg", DG_HINT_WEIGHT },
  { "mass", DG_HINT_WEIGHT },
  { "height", DG_HINT_HEIGHT },
  { "cm", DG_HINT_HEIGHT },
  { "rating", DG_HINT_RATING },
  { "stars", DG_HINT_RATING },
  { "quantity", DG_HINT_QUANTITY },
  { "qty", DG_HINT_QUANTITY },
  { "count", DG_HINT_QUANTITY },
  { "stock", DG_HINT_QUANTITY },
  { "inventory", DG_HINT_QUANTITY },
  { "num", DG_HINT_QUANTITY },
  { "id", DG_HINT_CODE },
  { "sku", DG_HINT_CODE },
  { "code", DG_HINT_CODE },
  { "reference", DG_HINT_CODE },
  { "ref", DG_HINT_CODE },
  { "number", DG_HINT_CODE },
  { "serial", DG_HINT_CODE },
  { "isbn", DG_HINT_CODE },
  { "title", DG_HINT_TITLE },
  { "subject", DG_HINT_TITLE },
  { "headline", DG_HINT_TITLE },
  { "heading", DG_HINT_TITLE },
  { "caption", DG_HINT_TITLE },
  { "description", DG_HINT_SENTENCE },
  { "summary", DG_HINT_SENTENCE },
  { "comment", DG_HINT_SENTENCE },
  { "note", DG_HINT_SENTENCE },
  { "message", DG_HINT_SENTENCE },
  { "body", DG_HINT_SENTENCE },
  { "text", DG_HINT_SENTENCE },
  { "content", DG_HINT_SENTENCE },
  { "details", DG_HINT_SENTENCE },
  { "detail", DG_HINT_SENTENCE },
  { "bio", DG_HINT_SENTENCE },
  { "feedback", DG_HINT_SENTENCE },
  { "review", DG_HINT_SENTENCE },
  { "reason", DG_HINT_SENTENCE },
  { "remark", DG_HINT_SENTENCE },
  { "instruction", DG_HINT_SENTENCE },
  { "resolution", DG_HINT_SENTENCE },
  { "complaint", DG_HINT_SENTENCE },
  { "about", DG_HINT_SENTENCE },
  { "tag", DG_HINT_TAG },
  { "keyword", DG_HINT_TAG },
  { "label", DG_HINT_TAG },
  { "topic", DG_HINT_TAG },
  { "skill", DG_HINT_TAG },
  { "interest", DG_HINT_TAG },
  { "hobby", DG_HINT_TAG },
  { "category", DG_HINT_CATEGORY },
  { "type", DG_HINT_CATEGORY },
  { "kind", DG_HINT_CATEGORY },
  { "genre", DG_HINT_CATEGORY },
  { "segment", DG_HINT_CATEGORY },
  { "tier", DG_HINT_CATEGORY },
  { "plan", DG_HINT_CATEGORY },
  { "class", DG_HINT_CATEGORY },
  { "group", DG_HINT_CATEGORY },
  { "name", DG_HINT_FULL_NAME },
  { "customer", DG_HINT_FULL_NAME },
  { "patient", DG_HINT_FULL_NAME },
  { "doctor", DG_HINT_FULL_NAME },
  { "physician", DG_HINT_FULL_NAME },
  { "author", DG_HINT_FULL_NAME },
  { "owner", DG_HINT_FULL_NAME },
  { "assignee", DG_HINT_FULL_NAME },
  { "contact", DG_HINT_FULL_NAME },
  { "recipient", DG_HINT_FULL_NAME },
  { "sender", DG_HINT_FULL_NAME },
  { "agent", DG_HINT_FULL_NAME },
  { "manager", DG_HINT_FULL_NAME },
  { "person", DG_HINT_FULL_NAME },
  { "employee", DG_HINT_FULL_NAME },
  { "reviewer", DG_HINT_FULL_NAME },
  { "guest", DG_HINT_FULL_NAME },
  { "member", DG_HINT_FULL_NAME },
  { "student", DG_HINT_FULL_NAME },
  { "teacher", DG_HINT_FULL_NAME },
};

static const struct
{
  const char *first;
  const char *second;
  DgHintKind kind;
} phrase_hints[] = {
  { "first", "name", DG_HINT_FIRST_NAME },
  { "given", "name", DG_HINT_FIRST_NAME },
  { "middle", "name", DG_HINT_FIRST_NAME },
  { "last", "name", DG_HINT_LAST_NAME },
  { "family", "name", DG_HINT_LAST_NAME },
  { "sur", "name", DG_HINT_LAST_NAME },
  { "full", "name", DG_HINT_FULL_NAME },
  { "display", "name", DG_HINT_FULL_NAME },
  { "user", "name", DG_HINT_USERNAME },
  { "screen", "name", DG_HINT_USERNAME },
  { "host", "name", DG_HINT_HOSTNAME },
  { "domain", "name", DG_HINT_HOSTNAME },
  { "payment", "method", DG_HINT_PAYMENT_METHOD },
  { "payment", "type", DG_HINT_PAYMENT_METHOD },
  { "heart", "rate", DG_HINT_HEART_RATE },
  { "zip", "code", DG_HINT_POSTAL_CODE },
  { "postal", "code", DG_HINT_POSTAL_CODE },
  { "post", "code", DG_HINT_POSTAL_CODE },
  { "country", "code", DG_HINT_COUNTRY_CODE },
  { "currency", "code", DG_HINT_CURRENCY },
  { "phone", "number", DG_HINT_PHONE },
  { "mobile", "number", DG_HINT_PHONE },
  { "ip", "address", DG_HINT_IPV4 },
  { "email", "address", DG_HINT_EMAIL },
  { "e", "mail", DG_HINT_EMAIL },
  { "street", "address", DG_HINT_STREET },
  { "job", "title", DG_HINT_JOB_TITLE },
  { "time", "zone", DG_HINT_TIMEZONE },
  { "unit", "price", DG_HINT_MONEY },
  { "last", "login", DG_HINT_DATE_TIME },
  { "start", "time", DG_HINT_DATE_TIME },
  { "birth", "date", DG_HINT_BIRTH_DATE },
  { "end", "time", DG_HINT_DATE_TIME },
};

/* Heads that are qualified by the word before them: product_name, order_id, job_title. */
static const char *const qualified_heads[] = { "name",      "id",  "code",   "number", "ref",
                                               "reference", "sku", "serial", "title",  NULL };

/* Nouns that name a second person in a record: customer_email vs. assigned_agent. */
static const char *const role_nouns[] = {
  "customer", "client", "patient",   "doctor",     "physician", "author",    "owner",
  "assignee", "agent",  "manager",   "contact",    "recipient", "sender",    "reviewer",
  "employee", "guest",  "member",    "student",    "teacher",   "buyer",     "seller",
  "driver",   "nurse",  "emergency", "supervisor", "reporter",  "requester", "approver",
  "parent",   "spouse", "referrer",  NULL,
};

#define MAX_TOKENS 8

static guint
tokenize (const char *name, char tokens[MAX_TOKENS][32])
{
  guint n = 0;
  guint len = 0;
  gboolean prev_lower = FALSE;

  for (const char *p = name;; p++)
    {
      gboolean alnum = *p != '\0' && g_ascii_isalnum (*p);
      gboolean boundary = !alnum || (g_ascii_isupper (*p) && prev_lower);

      if (boundary && len > 0)
        {
          tokens[n][len] = '\0';
          n++;
          len = 0;
          if (n == MAX_TOKENS)
            break;
        }
      if (*p == '\0')
        break;
      if (alnum && len < 31)
        tokens[n][len++] = g_ascii_tolower (*p);
      prev_lower = alnum && (g_ascii_islower (*p) || g_ascii_isdigit (*p));
    }
  return n;
}

static DgHintKind
lookup_exact (const char *token)
{
  for (guint i = 0; i < G_N_ELEMENTS (token_hints); i++)
    if (strcmp (token_hints[i].token, token) == 0)
      return token_hints[i].kind;
  return DG_HINT_NONE;
}

/* Exact, then singular forms: "addresses", "categories", "tags". */
static DgHintKind
lookup (const char *token)
{
  DgHintKind kind = lookup_exact (token);
  gsize len = strlen (token);
  char singular[40];

  if (kind != DG_HINT_NONE || len < 3)
    return kind;
  if (len > 3 && g_str_has_suffix (token, "ies"))
    {
      g_snprintf (singular, sizeof singular, "%.*sy", (int) len - 3, token);
      if ((kind = lookup_exact (singular)) != DG_HINT_NONE)
        return kind;
    }
  if (len > 3 && g_str_has_suffix (token, "es"))
    {
      g_snprintf (singular, sizeof singular, "%.*s", (int) len - 2, token);
      if ((kind = lookup_exact (singular)) != DG_HINT_NONE)
        return kind;
    }
  if (token[len - 1] == 's')
    {
      g_snprintf (singular, sizeof singular, "%.*s", (int) len - 1, token);
      kind = lookup_exact (singular);
    }
  return kind;
}

static gboolean
is_qualified_head (const char *token)
{
  for (guint i = 0; qualified_heads[i]; i++)
    if (strcmp (qualified_heads[i], token) == 0)
      return TRUE;
  return FALSE;
}

static DgHintKind
kind_for_tokens (char tokens[MAX_TOKENS][32], guint n, const char **prefix_token)
{
  const char *head = tokens[n - 1];
  DgHintKind prev = DG_HINT_NONE;

  *prefix_token = NULL;
  for (guint i = n - 1; i-- > 0;)
    for (guint k = 0; k < G_N_ELEMENTS (phrase_hints); k++)
      if (strcmp (phrase_hints[k].first, tokens[i]) == 0 &&
          strcmp (phrase_hints[k].second, tokens[i + 1]) == 0)
        return phrase_hints[k].kind;

  if (is_qualified_head (head))
    {
      for (guint i = n - 1; i-- > 0 && prev == DG_HINT_NONE;)
        prev = lookup (tokens[i]);
      if (g_str_equal (head, "name"))
        {
          switch (prev)
            {
            case DG_HINT_PRODUCT:
            case DG_HINT_COMPANY:
            case DG_HINT_CITY:
            case DG_HINT_COUNTRY:
            case DG_HINT_REGION:
            case DG_HINT_DEPARTMENT:
            case DG_HINT_DIAGNOSIS:
            case DG_HINT_MEDICATION:
            case DG_HINT_CATEGORY:
            case DG_HINT_STREET:
            case DG_HINT_TAG:
            case DG_HINT_COLOR:
            case DG_HINT_LANGUAGE:
            case DG_HINT_HOSTNAME:
            case DG_HINT_JOB_TITLE:
            case DG_HINT_STATUS:
              return prev;
            default:
              return DG_HINT_FULL_NAME;
            }
        }
      if (g_str_equal (head, "title"))
        return prev == DG_HINT_JOB_TITLE ? DG_HINT_JOB_TITLE : DG_HINT_TITLE;
      if (n == 1 && g_str_equal (head, "id"))
        return DG_HINT_UUID;
      *prefix_token = n > 1 ? tokens[0] : head;
      return DG_HINT_CODE;
    }
  for (guint i = n; i-- > 0;)
    {
      DgHintKind kind = lookup (tokens[i]);
      if (kind != DG_HINT_NONE)
        return kind;
    }
  return DG_HINT_NONE;
}

/**
 * dg_hint_for_name:
 *
 * Returns: (nullable): the hint for a property name or title, owned by @gen.
 */
const DgHint *
dg_hint_for_name (DgOfflineGenerator *gen, const char *name)
{
  char tokens[MAX_TOKENS][32];
  guint n = tokenize (name, tokens);
  const char *prefix_token = NULL;
  DgHintKind kind;
  DgHint *hint;

  if (n == 0 || (kind = kind_for_tokens (tokens, n, &prefix_token)) == DG_HINT_NONE)
    return NULL;
  hint = dg_arena_blob (gen, sizeof (DgHint));
  hint->kind = kind;
  if (kind == DG_HINT_FIRST_NAME || kind == DG_HINT_LAST_NAME || kind == DG_HINT_FULL_NAME ||
      kind == DG_HINT_EMAIL || kind == DG_HINT_USERNAME)
    for (guint i = 0; i < n && hint->role == 0; i++)
      for (guint r = 0; role_nouns[r] != NULL; r++)
        if (g_str_has_prefix (tokens[i], role_nouns[r]))
          {
            hint->role = r + 1;
            break;
          }
  if (prefix_token != NULL)
    {
      char prefix[4] = { 0 };

      for (guint i = 0; i < 3 && prefix_token[i]; i++)
        prefix[i] = g_ascii_toupper (prefix_token[i]);
      hint->prefix = dg_arena_str (gen, prefix);
    }
  return hint;
}

gboolean
dg_hint_is_numeric (DgHintKind kind)
{
  return kind >= DG_HINT_AGE;
}

/* A realistic range for numbers with this hint; the schema's bounds still win. */
void
dg_hint_number_range (DgHintKind kind, double *lo, double *hi, int *decimals)
{
  static const struct
  {
    DgHintKind kind;
    double lo, hi;
    int decimals;
  } ranges[] = {
    { DG_HINT_AGE, 18, 90, 0 },
    { DG_HINT_MONEY, 5, 500, 2 },
    { DG_HINT_QUANTITY, 1, 20, 0 },
    { DG_HINT_RATING, 1, 5, 0 },
    { DG_HINT_PERCENT, 0, 100, 1 },
    { DG_HINT_YEAR, 1970, 2025, 0 },
    { DG_HINT_LATITUDE, -60, 70, 6 },
    { DG_HINT_LONGITUDE, -180, 180, 6 },
    { DG_HINT_TEMPERATURE, -5, 35, 1 },
    { DG_HINT_PRESSURE, 980, 1040, 1 },
    { DG_HINT_WEIGHT, 45, 110, 1 },
    { DG_HINT_HEIGHT, 150, 200, 0 },
    { DG_HINT_DURATION, 1, 120, 0 },
    { DG_HINT_HEART_RATE, 55, 110, 0 },
    { DG_HINT_ID_NUMBER, 1000, 99999, 0 },
    { DG_HINT_CODE, 1000, 99999, 0 },
    { DG_HINT_UUID, 1000, 99999, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
    if (ranges[i].kind == kind)
      {
        *lo = ranges[i].lo;
        *hi = ranges[i].hi;
        *decimals = ranges[i].decimals;
        return;
      }
  *lo = 1;
  *hi = 1000;
  *decimals = 2;
}

DgFormat
dg_format_from_name (const char *name)
{
  static const struct
  {
    const char *name;
    DgFormat format;
  } formats[] = {
    { "date", DG_FORMAT_DATE },
    { "date-time", DG_FORMAT_DATE_TIME },
    { "time", DG_FORMAT_TIME },
    { "duration", DG_FORMAT_DURATION },
    { "email", DG_FORMAT_EMAIL },
    { "idn-email", DG_FORMAT_EMAIL },
    { "hostname", DG_FORMAT_HOSTNAME },
    { "idn-hostname", DG_FORMAT_HOSTNAME },
    { "ipv4", DG_FORMAT_IPV4 },
    { "ipv6", DG_FORMAT_IPV6 },
    { "uri", DG_FORMAT_URI },
    { "iri", DG_FORMAT_URI },
    { "uri-reference", DG_FORMAT_URI_REFERENCE },
    { "iri-reference", DG_FORMAT_URI_REFERENCE },
    { "uri-template", DG_FORMAT_URI_TEMPLATE },
    { "uuid", DG_FORMAT_UUID },
    { "json-pointer", DG_FORMAT_JSON_POINTER },
    { "relative-json-pointer", DG_FORMAT_RELATIVE_JSON_POINTER },
    { "regex", DG_FORMAT_REGEX },
  };

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    if (g_str_equal (formats[i].name, name))
      return formats[i].format;
  return DG_FORMAT_UNKNOWN;
}
