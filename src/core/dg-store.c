/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-store"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "dg-store-private.h"
#include "dg-util.h"

G_DEFINE_QUARK (dg_store_error_quark, dg_store_error)

/* How long a statement waits for another process's lock before failing. */
#define BUSY_TIMEOUT_MS 5000

struct _DgStore
{
  GObject parent_instance;

  char *path;
  sqlite3 *db;
  GRecMutex mutex;
  GHashTable *statements; /* const char *sql (static) -> sqlite3_stmt * */
  int schema_version;
  gboolean in_transaction;
};

G_DEFINE_FINAL_TYPE (DgStore, dg_store, G_TYPE_OBJECT)

static void
dg_store_finalize (GObject *object)
{
  DgStore *self = DG_STORE (object);

  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  g_rec_mutex_clear (&self->mutex);
  g_free (self->path);

  G_OBJECT_CLASS (dg_store_parent_class)->finalize (object);
}

static void
dg_store_class_init (DgStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dg_store_finalize;
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
dg_store_init (DgStore *self)
{
  g_rec_mutex_init (&self->mutex);
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, finalize_statement);
}

static int
error_code_for (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      return DG_STORE_ERROR_FULL;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return DG_STORE_ERROR_BUSY;
    case SQLITE_CONSTRAINT:
      return DG_STORE_ERROR_CONSTRAINT;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return DG_STORE_ERROR_CORRUPT;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
      return DG_STORE_ERROR_OPEN;
    default:
      return DG_STORE_ERROR_FAILED;
    }
}

void
dg_store_set_error (DgStore *self, int rc, const char *what, GError **error)
{
  const char *message = self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc);

  if ((rc & 0xff) == SQLITE_FULL)
    message = "the disk is full";
  g_set_error (error, DG_STORE_ERROR, error_code_for (rc), "%s: %s", what, message);
}

GRecMutexLocker *
dg_store_lock (DgStore *self)
{
  return g_rec_mutex_locker_new (&self->mutex);
}

sqlite3 *
dg_store_get_db (DgStore *self)
{
  return self->db;
}

sqlite3_stmt *
dg_store_prepare (DgStore *self, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);
  int rc;

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      dg_store_set_error (self, rc, "Cannot prepare a database query", error);
      return NULL;
    }
  /* Keyed by the SQL text's address: callers pass string literals. */
  g_hash_table_insert (self->statements, (gpointer) sql, stmt);
  return stmt;
}

gboolean
dg_store_exec (DgStore *self, const char *sql, GError **error)
{
  char *errmsg = NULL;
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, &errmsg);

  if (rc != SQLITE_OK)
    {
      g_set_error (error, DG_STORE_ERROR, error_code_for (rc), "Database error: %s",
                   (rc & 0xff) == SQLITE_FULL ? "the disk is full"
                   : errmsg != NULL           ? errmsg
                                              : sqlite3_errstr (rc));
      sqlite3_free (errmsg);
      return FALSE;
    }
  return TRUE;
}

gboolean
dg_store_step_done (DgStore *self, sqlite3_stmt *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      dg_store_set_error (self, rc, "Cannot write to the database", error);
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  return TRUE;
}

void
dg_store_bind_text (sqlite3_stmt *stmt, int index, const char *value)
{
  if (value == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, value, -1, SQLITE_TRANSIENT);
}

char *
dg_store_column_dup (sqlite3_stmt *stmt, int column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

int
dg_store_latest_schema_version (void)
{
  guint n;
  const DgStoreMigration *steps = dg_store_migrations (&n);

  return steps[n - 1].version;
}

static int
read_user_version (DgStore *self)
{
  sqlite3_stmt *stmt = NULL;
  int version = -1;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return version;
}

/* Brings the file up to @target, one transaction per step, so a crash
 * mid-upgrade leaves the last complete version behind. */
static gboolean
migrate (DgStore *self, int target, GError **error)
{
  guint n;
  const DgStoreMigration *steps = dg_store_migrations (&n);
  int current = read_user_version (self);

  if (current < 0)
    {
      dg_store_set_error (self, SQLITE_ERROR, "Cannot read the database version", error);
      return FALSE;
    }
  if (current > dg_store_latest_schema_version ())
    {
      g_set_error (error, DG_STORE_ERROR, DG_STORE_ERROR_TOO_NEW,
                   "The database %s was written by a newer DataGems (schema %d, this build "
                   "knows %d); refusing to change it",
                   self->path, current, dg_store_latest_schema_version ());
      return FALSE;
    }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GError) local_error = NULL;
      g_autofree char *set_version = NULL;

      if (steps[i].version <= current || steps[i].version > target)
        continue;

      set_version = g_strdup_printf ("PRAGMA user_version = %d", steps[i].version);
      if (!dg_store_exec (self, "BEGIN IMMEDIATE", &local_error) ||
          !dg_store_exec (self, steps[i].sql, &local_error) ||
          !dg_store_exec (self, set_version, &local_error) ||
          !dg_store_exec (self, "COMMIT", &local_error))
        {
          dg_store_exec (self, "ROLLBACK", NULL);
          g_set_error (error, DG_STORE_ERROR, DG_STORE_ERROR_MIGRATE,
                       "Cannot upgrade the database to version %d (%s): %s", steps[i].version,
                       steps[i].description, local_error->message);
          return FALSE;
        }
      g_debug ("Upgraded %s to schema version %d", self->path, steps[i].version);
      current = steps[i].version;
    }
  self->schema_version = current;
  return TRUE;
}

static gboolean
configure_connection (DgStore *self, sqlite3 *db, gboolean writer, GError **error)
{
  sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);
  sqlite3_extended_result_codes (db, 1);
  /* WAL lets exports and UIs read while the runner writes; NORMAL sync is
   * crash-safe in WAL mode (a power cut may lose the last commits, never
   * consistency). */
  if (writer)
    return dg_store_exec (self,
                          "PRAGMA journal_mode = WAL;"
                          "PRAGMA synchronous = NORMAL;"
                          "PRAGMA foreign_keys = ON;"
                          "PRAGMA temp_store = MEMORY;",
                          error);
  return TRUE;
}

DgStore *
dg_store_open_at_version (const char *path, int version, GError **error)
{
  g_autoptr (DgStore) self = NULL;
  gboolean in_memory;
  gboolean created;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  in_memory = g_str_equal (path, ":memory:");
  if (!in_memory && !dg_ensure_parent_dir (path, error))
    return NULL;
  created = !in_memory && !g_file_test (path, G_FILE_TEST_EXISTS);

  self = g_object_new (DG_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, DG_STORE_ERROR, DG_STORE_ERROR_OPEN, "Cannot open the database %s: %s",
                   path, self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return NULL;
    }
  /* Password hashes, the pepper and the session secret live here: owner only. SQLite gives
   * the WAL and shared-memory files the mode of the database file. */
  if (created && g_chmod (path, 0600) != 0)
    g_message ("Cannot make %s private to its owner: %s", path, g_strerror (errno));

  if (!configure_connection (self, self->db, TRUE, error))
    return NULL;
  if (!migrate (self, version, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * dg_store_open:
 * @path: the database file (created with its folder when missing), or ":memory:"
 *
 * Opens the DataGems database, upgrading an older schema in place.
 */
DgStore *
dg_store_open (const char *path, GError **error)
{
  return dg_store_open_at_version (path, dg_store_latest_schema_version (), error);
}

static void
open_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  DgStore *store = dg_store_open (task_data, &error);

  if (store == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, store, g_object_unref);
}

void
dg_store_open_async (const char *path, GCancellable *cancellable, GAsyncReadyCallback callback,
                     gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, dg_store_open_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, open_thread);
}

DgStore *
dg_store_open_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
dg_store_get_path (DgStore *self)
{
  g_return_val_if_fail (DG_IS_STORE (self), NULL);
  return self->path;
}

int
dg_store_get_schema_version (DgStore *self)
{
  g_return_val_if_fail (DG_IS_STORE (self), -1);
  return self->schema_version;
}

/**
 * dg_store_begin:
 *
 * Starts a write transaction and keeps the store locked for this thread until
 * dg_store_commit() or dg_store_rollback().
 */
gboolean
dg_store_begin (DgStore *self, GError **error)
{
  g_return_val_if_fail (DG_IS_STORE (self), FALSE);

  g_rec_mutex_lock (&self->mutex);
  if (!dg_store_exec (self, "BEGIN IMMEDIATE", error))
    {
      g_rec_mutex_unlock (&self->mutex);
      return FALSE;
    }
  self->in_transaction = TRUE;
  return TRUE;
}

gboolean
dg_store_commit (DgStore *self, GError **error)
{
  gboolean ok;

  g_return_val_if_fail (DG_IS_STORE (self), FALSE);
  g_return_val_if_fail (self->in_transaction, FALSE);

  ok = dg_store_exec (self, "COMMIT", error);
  if (!ok)
    dg_store_exec (self, "ROLLBACK", NULL);
  self->in_transaction = FALSE;
  g_rec_mutex_unlock (&self->mutex);
  return ok;
}

void
dg_store_rollback (DgStore *self)
{
  g_return_if_fail (DG_IS_STORE (self));
  g_return_if_fail (self->in_transaction);

  dg_store_exec (self, "ROLLBACK", NULL);
  self->in_transaction = FALSE;
  g_rec_mutex_unlock (&self->mutex);
}

char *
dg_store_get_setting (DgStore *self, const char *key, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (self);
  sqlite3_stmt *stmt = dg_store_prepare (self, "SELECT value FROM settings WHERE key = ?", error);
  char *value = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  dg_store_bind_text (stmt, 1, key);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    value = dg_store_column_dup (stmt, 0);
  else if (rc == SQLITE_DONE)
    g_set_error (error, DG_STORE_ERROR, DG_STORE_ERROR_NOT_FOUND, "No setting named %s", key);
  else
    dg_store_set_error (self, rc, "Cannot read a setting", error);
  sqlite3_reset (stmt);
  return value;
}

gboolean
dg_store_set_setting (DgStore *self, const char *key, const char *value, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (self);
  sqlite3_stmt *stmt;

  if (value == NULL)
    {
      stmt = dg_store_prepare (self, "DELETE FROM settings WHERE key = ?", error);
      if (stmt == NULL)
        return FALSE;
      dg_store_bind_text (stmt, 1, key);
      return dg_store_step_done (self, stmt, error);
    }

  stmt = dg_store_prepare (self,
                           "INSERT INTO settings (key, value) VALUES (?, ?) "
                           "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                           error);
  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, key);
  dg_store_bind_text (stmt, 2, value);
  return dg_store_step_done (self, stmt, error);
}

sqlite3 *
dg_store_open_reader (DgStore *self, GError **error)
{
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2 (self->path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);

  if (rc != SQLITE_OK)
    {
      g_set_error (error, DG_STORE_ERROR, DG_STORE_ERROR_OPEN, "Cannot open the database %s: %s",
                   self->path, db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close_v2 (db);
      return NULL;
    }
  sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);
  return db;
}

typedef struct
{
  DgStoreFunc func;
  gpointer data;
  GDestroyNotify data_free;
  GDestroyNotify result_free;
} RunData;

static void
run_data_free (RunData *run)
{
  if (run->data_free != NULL && run->data != NULL)
    run->data_free (run->data);
  g_free (run);
}

static void
run_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  RunData *run = task_data;
  GError *error = NULL;
  gpointer result;

  if (g_task_return_error_if_cancelled (task))
    return;
  result = run->func (DG_STORE (source), run->data, cancellable, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, run->result_free);
}

void
dg_store_run_async (DgStore *self, DgStoreFunc func, gpointer data, GDestroyNotify data_free,
                    GDestroyNotify result_free, GCancellable *cancellable,
                    GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  RunData *run;

  g_return_if_fail (DG_IS_STORE (self));
  g_return_if_fail (func != NULL);

  run = g_new0 (RunData, 1);
  run->func = func;
  run->data = data;
  run->data_free = data_free;
  run->result_free = result_free;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dg_store_run_async);
  g_task_set_task_data (task, run, (GDestroyNotify) run_data_free);
  g_task_run_in_thread (task, run_thread);
}

gpointer
dg_store_run_finish (DgStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
