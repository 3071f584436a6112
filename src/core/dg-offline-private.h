/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "dg-json-copy.h"
#include "dg-offline.h"

G_BEGIN_DECLS

/*
 * Internals of dg-offline shared by its files:
 *   dg-offline.c          generator object, generation by type (objects, arrays, choices)
 *   dg-offline-arena.c    plans and the memory they point to
 *   dg-offline-scalars.c  numbers and strings
 *   dg-offline-compile.c  schema walk, $ref resolution, keywords -> plans
 *   dg-offline-merge.c    allOf merging, alternatives, feasibility ("settle")
 *   dg-offline-check.c    a small matcher used for oneOf/not/enum filtering
 *   dg-offline-values.c   realistic strings and numbers by hint and format
 *   dg-offline-words.c    word lists
 *   dg-offline-regex.c    regex-subset parser and length-directed generator
 */

/* ---- PRNG: splitmix64 seeding, xoshiro256** stream ---- */

typedef struct
{
  guint64 s[4];
} DgRng;

static inline guint64
dg_splitmix64 (guint64 *x)
{
  guint64 z = (*x += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static inline void
dg_rng_init (DgRng *rng, guint64 seed, guint64 stream)
{
  guint64 x = seed;
  guint64 mixed;

  mixed = dg_splitmix64 (&x) ^ stream;
  x = mixed * G_GUINT64_CONSTANT (0xd1b54a32d192ed03) + stream;
  for (guint i = 0; i < 4; i++)
    rng->s[i] = dg_splitmix64 (&x);
}

static inline guint64
dg_rng_rotl (guint64 v, int k)
{
  return (v << k) | (v >> (64 - k));
}

static inline guint64
dg_rng_next (DgRng *rng)
{
  guint64 *s = rng->s;
  guint64 result = dg_rng_rotl (s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = dg_rng_rotl (s[3], 45);
  return result;
}

/* Uniform in [0, n); n > 0. Rejection keeps it unbiased. */
static inline guint64
dg_rng_below (DgRng *rng, guint64 n)
{
  guint64 threshold = (0 - n) % n;
  guint64 r;

  do
    r = dg_rng_next (rng);
  while (r < threshold);
  return r % n;
}

/* Uniform in [lo, hi], inclusive; lo <= hi. */
static inline gint64
dg_rng_range (DgRng *rng, gint64 lo, gint64 hi)
{
  guint64 span = (guint64) hi - (guint64) lo;

  if (span == G_MAXUINT64)
    return (gint64) dg_rng_next (rng);
  return (gint64) ((guint64) lo + dg_rng_below (rng, span + 1));
}

/* Uniform in [0, 1). */
static inline double
dg_rng_double (DgRng *rng)
{
  return (double) (dg_rng_next (rng) >> 11) * (1.0 / 9007199254740992.0);
}

static inline gboolean
dg_rng_chance (DgRng *rng, double p)
{
  return dg_rng_double (rng) < p;
}

/* 10^d for 0 <= d <= 15 without calling pow() on the hot path. */
static inline double
dg_pow10 (int d)
{
  static const double table[] = { 1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                  1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };
  return d >= 0 && d < 16 ? table[d] : 1;
}

#define DG_RNG_PICK(rng, array) ((array)[dg_rng_below ((rng), G_N_ELEMENTS (array))])

/* How messages name a subschema: its JSON Pointer, or "the schema root". */
static inline const char *
dg_where (const char *pointer)
{
  return pointer == NULL || *pointer == '\0' ? "the schema root" : pointer;
}

/* ---- types, formats, hints ---- */

typedef enum {
  DG_TYPE_NULL = 1 << 0,
  DG_TYPE_BOOLEAN = 1 << 1,
  DG_TYPE_INTEGER = 1 << 2,  /* integer-valued numbers */
  DG_TYPE_FRACTION = 1 << 3, /* non-integer numbers; "number" is INTEGER|FRACTION */
  DG_TYPE_STRING = 1 << 4,
  DG_TYPE_ARRAY = 1 << 5,
  DG_TYPE_OBJECT = 1 << 6,
  DG_TYPE_ALL = 0x7f,
} DgTypeMask;

#define DG_TYPE_NUMBER (DG_TYPE_INTEGER | DG_TYPE_FRACTION)

typedef enum {
  DG_FORMAT_NONE,
  DG_FORMAT_DATE,
  DG_FORMAT_DATE_TIME,
  DG_FORMAT_TIME,
  DG_FORMAT_DURATION,
  DG_FORMAT_EMAIL,
  DG_FORMAT_HOSTNAME,
  DG_FORMAT_IPV4,
  DG_FORMAT_IPV6,
  DG_FORMAT_URI,
  DG_FORMAT_URI_REFERENCE,
  DG_FORMAT_URI_TEMPLATE,
  DG_FORMAT_UUID,
  DG_FORMAT_JSON_POINTER,
  DG_FORMAT_RELATIVE_JSON_POINTER,
  DG_FORMAT_REGEX,
  DG_FORMAT_UNKNOWN, /* annotation only: generate by hint */
} DgFormat;

typedef enum {
  DG_HINT_NONE,
  /* strings */
  DG_HINT_FIRST_NAME,
  DG_HINT_LAST_NAME,
  DG_HINT_FULL_NAME,
  DG_HINT_USERNAME,
  DG_HINT_EMAIL,
  DG_HINT_PHONE,
  DG_HINT_STREET,
  DG_HINT_ADDRESS,
  DG_HINT_CITY,
  DG_HINT_REGION,
  DG_HINT_POSTAL_CODE,
  DG_HINT_COUNTRY,
  DG_HINT_COUNTRY_CODE,
  DG_HINT_COMPANY,
  DG_HINT_PRODUCT,
  DG_HINT_JOB_TITLE,
  DG_HINT_DEPARTMENT,
  DG_HINT_URL,
  DG_HINT_HOSTNAME,
  DG_HINT_IPV4,
  DG_HINT_IPV6,
  DG_HINT_UUID,
  DG_HINT_CODE,
  DG_HINT_CURRENCY,
  DG_HINT_COLOR,
  DG_HINT_STATUS,
  DG_HINT_PRIORITY,
  DG_HINT_CATEGORY,
  DG_HINT_TAG,
  DG_HINT_SENTENCE,
  DG_HINT_TITLE,
  DG_HINT_DATE,
  DG_HINT_DATE_TIME,
  DG_HINT_TIME,
  DG_HINT_BIRTH_DATE,
  DG_HINT_LANGUAGE,
  DG_HINT_GENDER,
  DG_HINT_TIMEZONE,
  DG_HINT_DIAGNOSIS,
  DG_HINT_MEDICATION,
  DG_HINT_PAYMENT_METHOD,
  DG_HINT_CHANNEL,
  DG_HINT_UNIT,
  DG_HINT_TOKEN,
  DG_HINT_WORD,
  /* numbers */
  DG_HINT_AGE,
  DG_HINT_MONEY,
  DG_HINT_QUANTITY,
  DG_HINT_RATING,
  DG_HINT_PERCENT,
  DG_HINT_YEAR,
  DG_HINT_LATITUDE,
  DG_HINT_LONGITUDE,
  DG_HINT_TEMPERATURE,
  DG_HINT_PRESSURE,
  DG_HINT_WEIGHT,
  DG_HINT_HEIGHT,
  DG_HINT_DURATION,
  DG_HINT_HEART_RATE,
  DG_HINT_ID_NUMBER,
} DgHintKind;

typedef struct
{
  DgHintKind kind;
  const char *prefix; /* for DG_HINT_CODE: "ORD" for order_id; arena string */
  guint role;         /* whose name/email: 0 the record's own person, else a role noun */
} DgHint;

/* ---- regex subset (dg-offline-regex.c) ---- */

typedef struct _DgRegexNode DgRegexNode;

DgRegexNode *dg_regex_parse         (const char   *pattern,
                                     char        **unsupported);
void         dg_regex_node_free     (DgRegexNode  *node);
/* Code-point length bounds; *max is -1 when unbounded. */
void         dg_regex_length_range  (DgRegexNode  *node,
                                     gint64       *min,
                                     gint64       *max);
/* Appends a string the expression matches, aiming at a length in [min_len, max_len]. */
void         dg_regex_generate      (DgRegexNode  *node,
                                     DgRng        *rng,
                                     gint64        min_len,
                                     gint64        max_len,
                                     GString      *out);
gboolean     dg_regex_anchored      (DgRegexNode  *node,
                                     gboolean      at_start);

typedef struct
{
  const char *source;
  GRegex *regex;
  DgRegexNode *ast;        /* NULL when the pattern is outside the subset */
  gboolean anchored_start; /* padding allowed only where the pattern is not anchored */
  gboolean anchored_end;
  GPtrArray *pool;         /* strings found to match when ast is NULL */
} DgPattern;

/* ---- plans ---- */

typedef enum {
  DG_PLAN_SIMPLE, /* a conjunction of keyword constraints */
  DG_PLAN_ALTS,   /* one of several SIMPLE plans */
  DG_PLAN_REF,    /* a recursive $ref, resolved after compilation */
  DG_PLAN_EMPTY,  /* nothing can match (false schema, contradictions) */
} DgPlanKind;

typedef struct _DgPlan DgPlan;

typedef struct
{
  const char *name;
  DgPlan *plan;
  const DgHint *hint;
  gboolean required;
  gboolean evaluated; /* declared, or covered by patternProperties/additionalProperties */
} DgProp;

typedef struct
{
  DgPattern *pattern;
  DgPlan *plan;
} DgPatternProp;

typedef struct
{
  const char *name;
  GPtrArray *names; /* const char * */
} DgDependency;

struct _DgPlan
{
  DgPlanKind kind;
  const char *pointer; /* JSON Pointer of the originating schema */

  const char *empty_reason; /* EMPTY */
  DgPlan *target;           /* REF */
  JsonNode *target_schema;  /* REF, until resolved */
  GPtrArray *alts;          /* ALTS: DgPlan* (SIMPLE) */

  /* SIMPLE */
  guint types;
  gboolean explicit_type;
  guint implied_types; /* what the keywords suggest, for untyped schemas */
  GPtrArray *enum_values; /* JsonNode*, arena-owned; NULL: no enum */

  gboolean has_min, has_max, min_exclusive, max_exclusive;
  double min, max;
  double multiple_of; /* 0: none */
  int multiple_decimals; /* decimals of multiple_of (-1: more than 12), set by settle */

  gint64 min_length, max_length; /* code points; max -1: none */
  GPtrArray *patterns;           /* DgPattern* */
  DgFormat format;

  GPtrArray *prefix_items; /* DgPlan* */
  DgPlan *items;           /* NULL: anything */
  gint64 min_items, max_items;
  gboolean unique_items;
  DgPlan *contains;
  gint64 min_contains, max_contains;
  DgPlan *contains_items;          /* merge (items, contains), computed by settle */
  GPtrArray *contains_prefix;      /* merge (prefix_items[i], contains) */

  GArray *props;               /* DgProp */
  GArray *pattern_props;       /* DgPatternProp */
  DgPlan *additional;          /* NULL: anything */
  gint64 min_props, max_props; /* max -1: none */
  GArray *dependencies;        /* DgDependency */
  DgPlan *property_names;

  const DgHint *hint; /* from title/description when no property name hints */

  /* checks applied to generated values */
  GPtrArray *nots;    /* DgPlan*: must not match */
  GPtrArray *one_ofs; /* GPtrArray* of DgPlan*: exactly one must match */
  GPtrArray *musts;   /* DgPlan*: must match */
};

/* The generator doubles as the arena: every plan, node and string lives as long as it does. */
struct _DgOfflineGenerator
{
  gatomicrefcount ref_count;
  DgPlan *root;
  DgPlan *any;
  GPtrArray *plans;
  GPtrArray *nodes;
  GPtrArray *patterns;
  GPtrArray *arrays;  /* every GPtrArray a plan points to */
  GPtrArray *garrays; /* every GArray a plan points to */
  GPtrArray *memory;  /* g_malloc'ed blocks */
  GStringChunk *strings;
};

DgPlan     *dg_plan_new          (DgOfflineGenerator *gen,
                                  DgPlanKind          kind,
                                  const char         *pointer);
DgPlan     *dg_plan_new_empty    (DgOfflineGenerator *gen,
                                  const char         *pointer,
                                  const char         *reason);
DgPlan     *dg_plan_copy         (DgOfflineGenerator *gen,
                                  const DgPlan       *plan);
gboolean    dg_plan_is_any       (const DgPlan       *plan);
DgPlan     *dg_plan_deref        (DgPlan             *plan);
const char *dg_arena_str         (DgOfflineGenerator *gen,
                                  const char         *str);
JsonNode   *dg_arena_node        (DgOfflineGenerator *gen,
                                  JsonNode           *node);
gpointer    dg_arena_blob        (DgOfflineGenerator *gen,
                                  gsize               size);
GPtrArray  *dg_arena_ptr_array   (DgOfflineGenerator *gen);
GArray     *dg_arena_array       (DgOfflineGenerator *gen,
                                  guint               element_size);

/* dg-offline-compile.c */
DgPlan     *dg_offline_compile   (DgOfflineGenerator *gen,
                                  JsonNode           *schema,
                                  GError            **error);

/* dg-offline-values.c */
DgPattern  *dg_offline_pattern_new (DgOfflineGenerator *gen,
                                    const char         *source,
                                    const char         *pointer,
                                    GError            **error);
void        dg_offline_pattern_free (gpointer          pattern);

/* dg-offline-merge.c */
DgPlan     *dg_plan_merge        (DgOfflineGenerator *gen,
                                  DgPlan             *a,
                                  DgPlan             *b,
                                  GError            **error);
DgPlan     *dg_plan_settle       (DgOfflineGenerator *gen,
                                  DgPlan             *plan,
                                  GError            **error);
DgPlan     *dg_plan_effective_prop (DgOfflineGenerator *gen,
                                    DgPlan             *plan,
                                    const char         *name,
                                    GError            **error);
const DgProp *dg_plan_find_prop  (const DgPlan       *plan,
                                  const char         *name);
gboolean    dg_plan_evaluates    (const DgPlan       *plan,
                                  const char         *name);
/* Smallest positive integer that is a multiple of multipleOf (1 without it); 0 if none. */
double      dg_plan_integer_step (const DgPlan       *plan);

/* dg-offline-check.c */
gboolean    dg_plan_matches      (const DgPlan       *plan,
                                  JsonNode           *value);
gboolean    dg_plan_checks_pass  (const DgPlan       *plan,
                                  JsonNode           *value);
gboolean    dg_plan_matches_simple (const DgPlan     *plan,
                                    JsonNode         *value,
                                    gboolean          use_enum);
gboolean    dg_json_equal        (JsonNode           *a,
                                  JsonNode           *b);
guint       dg_json_type_bit     (JsonNode           *value);
gboolean    dg_number_is_multiple (double             value,
                                   double             multiple_of);

/* dg-offline-values.c: realistic scalars */

typedef struct _DgPersona DgPersona;
struct _DgPersona
{
  DgPersona *parent; /* places are shared with the enclosing object */
  struct
  {
    gboolean used;
    guint role; /* customer_email and assigned_agent are different people */
    guint first, last, email_style;
  } names[4];
  guint main_role; /* the role noun that names slot 0's person, 0 while none */
  gboolean has_place;
  guint city, street, house;
  gboolean has_company;
  guint company;
};

typedef struct
{
  DgOfflineGenerator *gen;
  DgRng rng;
  guint depth;
  guint relaxed; /* retry number after failed checks (0: none): widens the choices */
  GString *buf;
} DgGenCtx;

const DgHint *dg_hint_for_name   (DgOfflineGenerator *gen,
                                  const char         *name);
gboolean    dg_hint_is_numeric   (DgHintKind          kind);
void        dg_hint_number_range (DgHintKind          kind,
                                  double             *lo,
                                  double             *hi,
                                  int                *decimals);
void        dg_value_for_hint    (DgRng              *rng,
                                  const DgHint       *hint,
                                  DgPersona          *persona,
                                  GString            *out);
void        dg_value_for_format  (DgRng              *rng,
                                  DgFormat            format,
                                  const DgHint       *hint,
                                  DgPersona          *persona,
                                  GString            *out);
void        dg_value_text        (DgRng              *rng,
                                  gint64              min_len,
                                  gint64              max_len,
                                  GString            *out);
DgFormat    dg_format_from_name  (const char         *name);

/* dg-offline-words.c */
typedef struct
{
  const char *name;
  const char *region;
  const char *country;
  const char *country_code;
  const char *postal_format; /* '#' is a digit, '@' an upper-case letter */
  const char *phone_prefix;  /* reserved-for-fiction ranges only */
} DgCity;

#define DG_WORDS(name)                                                                             \
  extern const char *const dg_words_##name[];                                                      \
  extern const guint dg_words_n_##name

DG_WORDS (first_names);
DG_WORDS (last_names);
DG_WORDS (streets);
DG_WORDS (companies);
DG_WORDS (product_adjectives);
DG_WORDS (product_materials);
DG_WORDS (product_nouns);
DG_WORDS (job_titles);
DG_WORDS (departments);
DG_WORDS (statuses);
DG_WORDS (priorities);
DG_WORDS (categories);
DG_WORDS (tags);
DG_WORDS (colors);
DG_WORDS (currencies);
DG_WORDS (languages);
DG_WORDS (timezones);
DG_WORDS (diagnoses);
DG_WORDS (medications);
DG_WORDS (payment_methods);
DG_WORDS (channels);
DG_WORDS (units);
DG_WORDS (genders);
DG_WORDS (text_subjects);
DG_WORDS (text_verbs);
DG_WORDS (text_objects);
DG_WORDS (text_endings);
DG_WORDS (title_modifiers);
DG_WORDS (title_nouns);
DG_WORDS (lorem);
DG_WORDS (url_paths);
extern const DgCity dg_words_cities[];
extern const guint dg_words_n_cities;

#define DG_PICK_WORD(rng, name) (dg_words_##name[dg_rng_below ((rng), dg_words_n_##name)])

/* dg-offline-scalars.c */
JsonNode   *dg_offline_gen_integer   (DgGenCtx     *ctx,
                                      const DgPlan *plan,
                                      const DgHint *hint);
JsonNode   *dg_offline_gen_number    (DgGenCtx     *ctx,
                                      const DgPlan *plan,
                                      const DgHint *hint,
                                      GError      **error);
JsonNode   *dg_offline_gen_string    (DgGenCtx     *ctx,
                                      const DgPlan *plan,
                                      const DgHint *hint,
                                      DgPersona    *persona,
                                      GError      **error);
void        dg_offline_pattern_string (DgGenCtx    *ctx,
                                       const DgPlan *plan,
                                       GString      *out);

/* dg-offline.c */
JsonNode   *dg_offline_generate_plan (DgGenCtx     *ctx,
                                      const DgPlan *plan,
                                      const DgHint *hint,
                                      DgPersona    *persona,
                                      GError      **error);

G_END_DECLS
