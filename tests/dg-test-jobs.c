/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-test-jobs"

#include "config.h"

#include <gio/gio.h>
#include <sqlite3.h>

#include "dg-json-writer.h"
#include "dg-store-jobs.h"
#include "dg-store-records.h"
#include "dg-test-jobs.h"
#include "dg-util.h"

char *
dg_test_jobs_create (DgStore *store, const char *owner, gint64 total, const char *const *peers)
{
  static const char *const local[] = { "local", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) slices = dg_job_split (total, peers != NULL ? peers : local);
  g_autoptr (JsonObject) base = json_object_new ();
  g_autoptr (JsonObject) details = json_object_new ();
  g_autofree char *existing = NULL;
  char *id = dg_job_new_id ();
  DgStoreJobSpec spec = { 0 };

  json_object_set_string_member (base, "id", id);
  json_object_set_string_member (base, "owner", owner);
  json_object_set_string_member (base, "title", "Test job");
  json_object_set_string_member (base, "status", "queued");
  json_object_set_int_member (base, "totalRecords", total);
  json_object_set_string_member (details, "id", id);
  spec.id = id;
  spec.owner = owner;
  spec.title = "Test job";
  spec.total_records = total;
  spec.base = base;
  spec.details = details;
  spec.slices = slices;
  spec.created_ms = dg_now_ms ();
  g_assert_true (dg_store_job_insert (store, &spec, &existing, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (existing);
  return id;
}

void
dg_test_jobs_store (DgStore *store, const char *job_id, const char *peer_id,
                    const char *const *records, gsize n_records)
{
  g_autoptr (GPtrArray) batch =
      g_ptr_array_new_with_free_func ((GDestroyNotify) dg_store_record_free);
  g_autoptr (GError) error = NULL;

  for (gsize i = 0; i < n_records; i++)
    {
      DgStoreRecord *record;

      if (records[i] == NULL)
        continue;
      record = dg_store_record_new ((gint64) i);
      record->attempts = 1;
      if (records[i][0] == '!')
        record->error = g_strdup (records[i] + 1);
      else
        {
          g_autoptr (JsonNode) node = json_from_string (records[i], &error);

          g_assert_no_error (error);
          record->ok = TRUE;
          record->data = dg_json_to_string (node, DG_JSON_WRITE_COMPACT);
          record->fingerprint = dg_json_fingerprint (node);
        }
      g_ptr_array_add (batch, record);
    }
  g_assert_true (dg_store_records_commit (store, job_id, peer_id, batch, NULL, NULL, &error));
  g_assert_no_error (error);
}

gint64
dg_test_jobs_query_int (const char *db_path, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

#define DG_TYPE_TEST_FULL_STREAM (dg_test_full_stream_get_type ())
G_DECLARE_FINAL_TYPE (DgTestFullStream, dg_test_full_stream, DG, TEST_FULL_STREAM, GOutputStream)

struct _DgTestFullStream
{
  GOutputStream parent_instance;
  gsize limit;
  gsize written;
};

G_DEFINE_FINAL_TYPE (DgTestFullStream, dg_test_full_stream, G_TYPE_OUTPUT_STREAM)

static gssize
full_stream_write (GOutputStream *stream, const void *buffer, gsize count,
                   GCancellable *cancellable, GError **error)
{
  DgTestFullStream *self = DG_TEST_FULL_STREAM (stream);
  gsize room = self->limit - self->written;

  if (room == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "No space left on device");
      return -1;
    }
  count = MIN (count, room);
  self->written += count;
  return (gssize) count;
}

static void
dg_test_full_stream_class_init (DgTestFullStreamClass *klass)
{
  G_OUTPUT_STREAM_CLASS (klass)->write_fn = full_stream_write;
}

static void
dg_test_full_stream_init (DgTestFullStream *self)
{
}

GOutputStream *
dg_test_full_stream_new (gsize limit)
{
  DgTestFullStream *self = g_object_new (DG_TYPE_TEST_FULL_STREAM, NULL);

  self->limit = limit;
  return G_OUTPUT_STREAM (self);
}
