/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-engine"

#include "config.h"

#include "test-engine-fixture.h"

const char people_schema[] =
    "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\","
    "\"properties\":{\"name\":{\"type\":\"string\",\"minLength\":1},"
    "\"age\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":120}},"
    "\"required\":[\"name\",\"age\"],\"additionalProperties\":false}";

static void
on_added (DgEngine *engine, const char *id, const char *owner, Fixture *f)
{
  g_hash_table_add (f->added, g_strdup (id));
}

static void
on_removed (DgEngine *engine, const char *id, const char *owner, Fixture *f)
{
  g_hash_table_add (f->removed, g_strdup (id));
}

static void
on_changed (DgEngine *engine, const char *id, const char *owner, Fixture *f)
{
  f->changed++;
}

/* Builds the engine over a fresh database with @extra environment entries. */
void
start_engine (Fixture *f, const char *const *extra)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GStrvBuilder) env = g_strv_builder_new ();
  g_auto (GStrv) envp = NULL;
  g_autofree char *data_dir = g_strdup_printf ("DATAGEMS_DATA_DIR=%s", f->dir->path);
  g_autofree char *database = g_strdup_printf ("DATAGEMS_DATABASE=%s", f->db_path);
  DgJobRunnerOptions options = { 0 };

  g_strv_builder_add (env, data_dir);
  g_strv_builder_add (env, database);
  g_strv_builder_add (env, "NODE_ENV=test");
  g_strv_builder_add (env, "DATAGEMS_INFERENCE_CONCURRENCY=4");
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_strv_builder_add (env, extra[i]);
  envp = g_strv_builder_end (env);

  f->config = dg_config_new_from_environ ((const char *const *) envp, &error);
  g_assert_no_error (error);
  f->store = dg_store_open (f->db_path, &error);
  g_assert_no_error (error);
  options.batch_interval_ms = 10;
  options.batch_records = 16;
  f->engine = dg_engine_new (f->config, f->store, NULL, &options, &error);
  g_assert_no_error (error);
  g_signal_connect (f->engine, "job-added", G_CALLBACK (on_added), f);
  g_signal_connect (f->engine, "job-removed", G_CALLBACK (on_removed), f);
  g_signal_connect (f->engine, "job-changed", G_CALLBACK (on_changed), f);
}

void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = dg_test_dir_new ();
  f->db_path = dg_test_dir_file (f->dir, "datagems.db");
  f->added = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  f->removed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

void
fixture_teardown (Fixture *f, gconstpointer data)
{
  if (f->engine != NULL)
    dg_engine_shutdown (f->engine);
  g_clear_object (&f->engine);
  /* Deliver what the runner posted before it stopped. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&f->store);
  g_clear_pointer (&f->config, dg_config_unref);
  g_clear_pointer (&f->standin, dg_model_standin_free);
  g_hash_table_unref (f->added);
  g_hash_table_unref (f->removed);
  g_free (f->db_path);
  dg_test_dir_free (f->dir);
}

JsonNode *
parse (const char *text)
{
  g_autoptr (GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

DgDraftRequest
people_request (gint64 total)
{
  DgDraftRequest request = { 0 };

  request.title = "People";
  request.total_records = total;
  request.description = "People in a customer database";
  request.instructions = "Realistic adult names and ages";
  return request;
}

DgDraft *
draft_schema (Fixture *f, const char *owner, gint64 total, const char *schema_text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) schema = parse (schema_text);
  DgDraftRequest request = people_request (total);
  DgDraft *draft = dg_engine_draft_from_schema (f->engine, owner, &request, schema, &error);

  g_assert_no_error (error);
  g_assert_nonnull (draft);
  return draft;
}

char *
confirm (Fixture *f, const char *owner, DgDraft *draft, const DgConfirmRequest *base)
{
  g_autoptr (GError) error = NULL;
  DgConfirmRequest request = { 0 };
  char *id;

  if (base != NULL)
    request = *base;
  request.token = draft->token;
  id = dg_engine_confirm (f->engine, owner, &request, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (id);
  return id;
}

DgJobStatus
status_of (Fixture *f, const char *id)
{
  g_autoptr (DgJobProgress) progress = dg_engine_get_progress (f->engine, id);

  return progress != NULL ? progress->status : DG_JOB_STATUS_QUEUED;
}

void
wait_status (Fixture *f, const char *id, DgJobStatus status)
{
  DG_TEST_WAIT (status_of (f, id) == status, 20000);
}

DgJob *
get_job (Fixture *f, const char *owner, const char *id)
{
  g_autoptr (GError) error = NULL;
  DgJob *job = dg_engine_get_job (f->engine, owner, id, &error);

  g_assert_no_error (error);
  return job;
}

void
on_drafted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  DgDraft **out = user_data;
  g_autoptr (GError) error = NULL;

  *out = dg_engine_draft_finish (DG_ENGINE (source), result, &error);
  g_assert_no_error (error);
}
