/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The engine tests' shared fixture: a fresh database and engine per test. */

#include "dg-engine.h"
#include "dg-json-writer.h"
#include "dg-model-standin.h"
#include "dg-test-jobs.h"
#include "dg-test-utils.h"

G_BEGIN_DECLS

typedef struct
{
  DgTestDir *dir;
  char *db_path;
  DgModelStandin *standin;
  DgConfig *config;
  DgStore *store;
  DgEngine *engine;
  GHashTable *added;   /* job id set, from "job-added" */
  GHashTable *removed; /* job id set, from "job-removed" */
  guint changed;
} Fixture;

/* A schema every backend can fill. */
extern const char people_schema[];

void            fixture_setup    (Fixture          *f,
                                  gconstpointer     data);
void            fixture_teardown (Fixture          *f,
                                  gconstpointer     data);
/* Builds the engine over a fresh database with @extra environment entries. */
void            start_engine     (Fixture          *f,
                                  const char *const *extra);
JsonNode       *parse            (const char       *text);
DgDraftRequest  people_request   (gint64            total);
DgDraft        *draft_schema     (Fixture          *f,
                                  const char       *owner,
                                  gint64            total,
                                  const char       *schema_text);
char           *confirm          (Fixture          *f,
                                  const char       *owner,
                                  DgDraft          *draft,
                                  const DgConfirmRequest *base);
DgJobStatus     status_of        (Fixture          *f,
                                  const char       *id);
void            wait_status      (Fixture          *f,
                                  const char       *id,
                                  DgJobStatus       status);
DgJob          *get_job          (Fixture          *f,
                                  const char       *owner,
                                  const char       *id);
/* dg_engine_draft_async() callback storing the draft in (DgDraft **) @user_data. */
void            on_drafted       (GObject          *source,
                                  GAsyncResult     *result,
                                  gpointer          user_data);

/* test-engine-run.c: the tests of jobs running. */
void            add_run_tests    (void);

#define ADD_ENGINE_TEST(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

G_END_DECLS
