/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>

#include "dg-store.h"
#include "dg-test-utils.h"

typedef struct
{
  DgTestDir *dir;
  char *db_path;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = dg_test_dir_new ();
  f->db_path = dg_test_dir_file (f->dir, "sub/folder/datagems.db");
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_free (f->db_path);
  dg_test_dir_free (f->dir);
}

/* Reads one integer with a raw connection, independent of the store. */
static gint64
query_int (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static char *
query_text (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *value;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static void
exec_raw (const char *path, const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static void
test_open_creates (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DgStore) store = dg_store_open (f->db_path, &error);
  g_autofree char *mode = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_cmpint (dg_store_get_schema_version (store), ==, dg_store_latest_schema_version ());
  g_assert_cmpint (dg_store_get_schema_version (store), >=, 2);
  g_assert_cmpstr (dg_store_get_path (store), ==, f->db_path);
  g_assert_true (g_file_test (f->db_path, G_FILE_TEST_IS_REGULAR));

  mode = query_text (f->db_path, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");
  g_assert_cmpint (query_int (f->db_path, "SELECT count(*) FROM metrics"), ==, 5);
  g_assert_cmpint (query_int (f->db_path, "PRAGMA user_version"), ==,
                   dg_store_latest_schema_version ());
}

static void
test_reopen_keeps_data (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *value = NULL;

  {
    g_autoptr (DgStore) store = dg_store_open (f->db_path, &error);
    g_assert_no_error (error);
    g_assert_true (dg_store_set_setting (store, "registration", "off", &error));
    g_assert_no_error (error);
  }
  {
    g_autoptr (DgStore) store = dg_store_open (f->db_path, &error);
    g_assert_no_error (error);
    value = dg_store_get_setting (store, "registration", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (value, ==, "off");
  }
}

static void
test_upgrade_from_v1 (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  /* A database exactly as the first schema version wrote it, with data in it. */
  {
    g_autoptr (DgStore) store = dg_store_open_at_version (f->db_path, 1, &error);
    g_assert_no_error (error);
    g_assert_cmpint (dg_store_get_schema_version (store), ==, 1);
  }
  exec_raw (f->db_path,
            "INSERT INTO jobs (id, owner, title, status, total_records, base, details, "
            "created_at, updated_at) VALUES ('job_1_abcdef', 'ana', 'People', 'succeeded', 2, "
            "'{}', '{}', 'a', 'b');"
            "INSERT INTO records (job_id, idx, status, data, created_at) VALUES "
            "('job_1_abcdef', 0, 'ok', '{\"n\":1}', 1), ('job_1_abcdef', 1, 'failed', NULL, 1);");
  g_assert_cmpint (query_int (f->db_path, "SELECT count(*) FROM pragma_table_info('records') "
                                          "WHERE name = 'fingerprint'"),
                   ==, 0);

  {
    g_autoptr (DgStore) store = dg_store_open (f->db_path, &error);
    g_assert_no_error (error);
    g_assert_cmpint (dg_store_get_schema_version (store), ==, dg_store_latest_schema_version ());
  }
  g_assert_cmpint (query_int (f->db_path, "PRAGMA user_version"), ==,
                   dg_store_latest_schema_version ());
  g_assert_cmpint (query_int (f->db_path, "SELECT count(*) FROM pragma_table_info('records') "
                                          "WHERE name = 'fingerprint'"),
                   ==, 1);
  g_assert_cmpint (query_int (f->db_path, "SELECT count(*) FROM records"), ==, 2);
  g_assert_cmpint (query_int (f->db_path, "SELECT total_records FROM jobs"), ==, 2);
}

static void
test_refuses_newer (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DgStore) store = NULL;

  {
    g_autoptr (DgStore) first = dg_store_open (f->db_path, &error);
    g_assert_no_error (error);
  }
  exec_raw (f->db_path, "PRAGMA user_version = 999");

  store = dg_store_open (f->db_path, &error);
  g_assert_null (store);
  g_assert_error (error, DG_STORE_ERROR, DG_STORE_ERROR_TOO_NEW);
  g_assert_nonnull (strstr (error->message, "newer DataGems"));
  g_assert_cmpint (query_int (f->db_path, "PRAGMA user_version"), ==, 999);
}

static void
test_not_a_database (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DgStore) store = NULL;
  g_autofree char *path = dg_test_dir_file (f->dir, "garbage.db");
  g_autofree char *after = NULL;
  const char *garbage = "this is not an SQLite database, it is a text file with words in it";

  g_assert_true (g_file_set_contents (path, garbage, -1, NULL));
  store = dg_store_open (path, &error);
  g_assert_null (store);
  g_assert_nonnull (error);
  g_assert_true (error->domain == DG_STORE_ERROR);
  /* The user's file is left exactly as it was. */
  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, garbage);
}

static void
test_unwritable_folder (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DgStore) store = NULL;
  g_autofree char *blocker = dg_test_dir_file (f->dir, "file");
  g_autofree char *path = g_build_filename (blocker, "datagems.db", NULL);

  g_assert_true (g_file_set_contents (blocker, "x", -1, NULL));
  store = dg_store_open (path, &error);
  g_assert_null (store);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "Cannot create folder"));
}

static void
test_settings (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DgStore) store = dg_store_open (f->db_path, &error);
  g_autofree char *missing = NULL;
  g_autofree char *value = NULL;

  g_assert_no_error (error);
  missing = dg_store_get_setting (store, "nope", &error);
  g_assert_null (missing);
  g_assert_error (error, DG_STORE_ERROR, DG_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (dg_store_set_setting (store, "k", "one", &error));
  g_assert_true (dg_store_set_setting (store, "k", "two", &error));
  value = dg_store_get_setting (store, "k", &error);
  g_assert_cmpstr (value, ==, "two");
  g_assert_true (dg_store_set_setting (store, "k", NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&value, g_free);
  value = dg_store_get_setting (store, "k", &error);
  g_assert_null (value);
  g_assert_error (error, DG_STORE_ERROR, DG_STORE_ERROR_NOT_FOUND);
}

static void
test_transaction_rollback (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DgStore) store = dg_store_open (f->db_path, &error);
  g_autofree char *value = NULL;

  g_assert_true (dg_store_set_setting (store, "k", "before", &error));
  g_assert_true (dg_store_begin (store, &error));
  g_assert_true (dg_store_set_setting (store, "k", "inside", &error));
  dg_store_rollback (store);
  value = dg_store_get_setting (store, "k", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "before");

  g_assert_true (dg_store_begin (store, &error));
  g_assert_true (dg_store_set_setting (store, "k", "after", &error));
  g_assert_true (dg_store_commit (store, &error));
  g_clear_pointer (&value, g_free);
  value = dg_store_get_setting (store, "k", &error);
  g_assert_cmpstr (value, ==, "after");
}

static void
on_result (GObject *source, GAsyncResult *result, gpointer data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static gpointer
read_setting_in_thread (DgStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  g_assert_false (g_main_context_is_owner (g_main_context_default ()));
  return dg_store_get_setting (store, data, error);
}

static void
test_async (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (DgStore) store = NULL;
  g_autofree char *value = NULL;

  dg_store_open_async (f->db_path, NULL, on_result, &result);
  DG_TEST_WAIT (result != NULL, 10000);
  store = dg_store_open_finish (result, &error);
  g_assert_no_error (error);
  g_assert_true (DG_IS_STORE (store));
  g_clear_object (&result);

  g_assert_true (dg_store_set_setting (store, "theme", "dark", &error));
  dg_store_run_async (store, read_setting_in_thread, g_strdup ("theme"), g_free, g_free, NULL,
                      on_result, &result);
  DG_TEST_WAIT (result != NULL, 10000);
  value = dg_store_run_finish (store, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "dark");
}

static void
test_async_cancelled (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (DgStore) store = dg_store_open (f->db_path, &error);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  gpointer value;

  g_cancellable_cancel (cancellable);
  dg_store_run_async (store, read_setting_in_thread, g_strdup ("theme"), g_free, g_free,
                      cancellable, on_result, &result);
  DG_TEST_WAIT (result != NULL, 10000);
  value = dg_store_run_finish (store, result, &error);
  g_assert_null (value);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* Reads the crasher's stdout until it reports @target committed batches. */
static gint64
wait_for_batches (GDataInputStream *out, gint64 target)
{
  gint64 last = -1;

  while (last < target)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *line = g_data_input_stream_read_line (out, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      last = g_ascii_strtoll (line, NULL, 10);
    }
  return last;
}

static void
test_crash_consistency (Fixture *f, gconstpointer data)
{
  const char *crasher = g_getenv ("DG_STORE_CRASHER");
  gint64 committed_seen = 0;

  if (crasher == NULL)
    {
      g_test_skip ("DG_STORE_CRASHER is not set (run through meson test)");
      return;
    }

  for (int round = 0; round < 6; round++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GSubprocess) child = NULL;
      g_autoptr (GDataInputStream) out = NULL;
      g_autofree char *integrity = NULL;
      gint64 reported, batches, rows, max_idx;

      child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, crasher, f->db_path, NULL);
      g_assert_no_error (error);
      out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));

      /* Kill it mid-write, after a random number of further commits. */
      reported = wait_for_batches (out, committed_seen + g_test_rand_int_range (1, 15));
      g_subprocess_send_signal (child, SIGKILL);
      g_subprocess_wait (child, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_if_signaled (child));

      integrity = query_text (f->db_path, "PRAGMA integrity_check");
      g_assert_cmpstr (integrity, ==, "ok");
      batches = query_int (
          f->db_path, "SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'crasher.batches'");
      rows = query_int (f->db_path, "SELECT count(*) FROM records");
      max_idx = query_int (f->db_path, "SELECT coalesce(max(idx), -1) FROM records");

      /* Every reported commit survived, and nothing half-written did. */
      g_assert_cmpint (batches, >=, reported);
      g_assert_cmpint (rows, ==, batches * 100);
      g_assert_cmpint (max_idx, ==, batches * 100 - 1);
      committed_seen = batches;
    }
}

static guint
file_mode (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 0777;
}

/*
 * The database holds password hashes, the accounts' pepper and the session secret: a new file
 * (and its WAL and shared-memory files) is readable by its owner only, also in a folder that
 * others can read.
 */
static void
test_private_files (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *open_dir = dg_test_dir_file (f->dir, "shared");
  g_autofree char *path = g_build_filename (open_dir, "datagems.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autoptr (DgStore) store = NULL;

  g_assert_cmpint (g_mkdir (open_dir, 0755), ==, 0);
  g_assert_cmpint (g_chmod (open_dir, 0755), ==, 0);
  store = dg_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (dg_store_set_setting (store, "k", "v", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (file_mode (path), ==, 0600);
  g_assert_cmpuint (file_mode (wal), ==, 0600);
  g_assert_cmpuint (file_mode (shm), ==, 0600);
  g_clear_object (&store);

  /* An existing file keeps the mode its owner chose. */
  g_assert_cmpint (g_chmod (path, 0640), ==, 0);
  store = dg_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (file_mode (path), ==, 0640);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/core/store/open-creates", test_open_creates);
  ADD ("/core/store/private-files", test_private_files);
  ADD ("/core/store/reopen-keeps-data", test_reopen_keeps_data);
  ADD ("/core/store/upgrade-from-v1", test_upgrade_from_v1);
  ADD ("/core/store/refuses-newer", test_refuses_newer);
  ADD ("/core/store/not-a-database", test_not_a_database);
  ADD ("/core/store/unwritable-folder", test_unwritable_folder);
  ADD ("/core/store/settings", test_settings);
  ADD ("/core/store/transaction-rollback", test_transaction_rollback);
  ADD ("/core/store/async", test_async);
  ADD ("/core/store/async-cancelled", test_async_cancelled);
  ADD ("/core/store/crash-consistency", test_crash_consistency);
#undef ADD

  return g_test_run ();
}
