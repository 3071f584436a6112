/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-store"

#include "config.h"

#include "dg-store-metrics.h"
#include "dg-store-private.h"

#define LAST_JOB_AT_KEY "metrics.lastJobAt"

static const char *const counter_names[] = {
  "totalJobs", "totalRecordsRequested", "totalRecordsGenerated", "activeJobs", "failedJobs",
};

void
dg_metrics_clear (DgMetrics *metrics)
{
  g_clear_pointer (&metrics->last_job_at, g_free);
  *metrics = (DgMetrics){ 0 };
}

DgMetrics *
dg_metrics_copy (const DgMetrics *metrics)
{
  DgMetrics *copy = g_memdup2 (metrics, sizeof *metrics);

  copy->last_job_at = g_strdup (metrics->last_job_at);
  return copy;
}

void
dg_metrics_free (DgMetrics *metrics)
{
  if (metrics == NULL)
    return;
  g_free (metrics->last_job_at);
  g_free (metrics);
}

JsonObject *
dg_metrics_to_json (const DgMetrics *metrics)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "totalJobs", metrics->total_jobs);
  json_object_set_int_member (object, "totalRecordsRequested", metrics->total_records_requested);
  json_object_set_int_member (object, "totalRecordsGenerated", metrics->total_records_generated);
  json_object_set_int_member (object, "activeJobs", metrics->active_jobs);
  json_object_set_int_member (object, "failedJobs", metrics->failed_jobs);
  if (metrics->last_job_at != NULL)
    json_object_set_string_member (object, "lastJobAt", metrics->last_job_at);
  else
    json_object_set_null_member (object, "lastJobAt");
  return object;
}

/**
 * dg_store_metrics_get:
 *
 * Reads the counters. A missing counter row reads as 0; a database error is
 * returned as such and changes nothing (upstream reset the counters here).
 */
gboolean
dg_store_metrics_get (DgStore *store, DgMetrics *out_metrics, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (store);
  DgMetrics metrics = { 0 };
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (DG_IS_STORE (store), FALSE);
  g_return_val_if_fail (out_metrics != NULL, FALSE);

  stmt = dg_store_prepare (store, "SELECT name, value FROM metrics", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 0);
      gint64 value = sqlite3_column_int64 (stmt, 1);

      if (g_strcmp0 (name, "totalJobs") == 0)
        metrics.total_jobs = value;
      else if (g_strcmp0 (name, "totalRecordsRequested") == 0)
        metrics.total_records_requested = value;
      else if (g_strcmp0 (name, "totalRecordsGenerated") == 0)
        metrics.total_records_generated = value;
      else if (g_strcmp0 (name, "activeJobs") == 0)
        metrics.active_jobs = value;
      else if (g_strcmp0 (name, "failedJobs") == 0)
        metrics.failed_jobs = value;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      dg_store_set_error (store, rc, "Cannot read the metrics", error);
      return FALSE;
    }

  stmt = dg_store_prepare (store, "SELECT value FROM settings WHERE key = '" LAST_JOB_AT_KEY "'",
                           error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    metrics.last_job_at = dg_store_column_dup (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      dg_store_set_error (store, rc, "Cannot read the metrics", error);
      return FALSE;
    }

  *out_metrics = metrics;
  return TRUE;
}

gboolean
dg_store_metrics_add (DgStore *store, const char *name, gint64 delta, GError **error)
{
  g_autoptr (GRecMutexLocker) locker = dg_store_lock (store);
  gboolean known = FALSE;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (DG_IS_STORE (store), FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (counter_names); i++)
    known |= g_str_equal (counter_names[i], name);
  g_return_val_if_fail (known, FALSE);
  if (delta == 0)
    return TRUE;

  stmt = dg_store_prepare (store,
                           "INSERT INTO metrics (name, value) VALUES (?1, max(0, ?2)) "
                           "ON CONFLICT (name) DO UPDATE SET value = max(0, value + ?2)",
                           error);
  if (stmt == NULL)
    return FALSE;
  dg_store_bind_text (stmt, 1, name);
  sqlite3_bind_int64 (stmt, 2, delta);
  return dg_store_step_done (store, stmt, error);
}

gboolean
dg_store_metrics_set_last_job_at (DgStore *store, const char *iso, GError **error)
{
  return dg_store_set_setting (store, LAST_JOB_AT_KEY, iso, error);
}
