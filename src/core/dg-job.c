/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-jobs"

#include "config.h"

#include <string.h>

#include "dg-job.h"
#include "dg-util.h"

static const char *const status_names[] = {
  [DG_JOB_STATUS_QUEUED] = "queued", [DG_JOB_STATUS_RUNNING] = "running",
  [DG_JOB_STATUS_PAUSED] = "paused", [DG_JOB_STATUS_SUCCEEDED] = "succeeded",
  [DG_JOB_STATUS_FAILED] = "failed", [DG_JOB_STATUS_CANCELLED] = "cancelled",
};

const char *
dg_job_status_to_string (DgJobStatus status)
{
  g_return_val_if_fail ((guint) status < G_N_ELEMENTS (status_names), "failed");
  return status_names[status];
}

gboolean
dg_job_status_from_string (const char *text, DgJobStatus *status)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (status_names); i++)
    if (g_str_equal (text, status_names[i]))
      {
        *status = (DgJobStatus) i;
        return TRUE;
      }
  return FALSE;
}

gboolean
dg_job_status_is_final (DgJobStatus status)
{
  return status == DG_JOB_STATUS_SUCCEEDED || status == DG_JOB_STATUS_FAILED ||
         status == DG_JOB_STATUS_CANCELLED;
}

gboolean
dg_job_status_can_move (DgJobStatus from, DgJobStatus to)
{
  switch (from)
    {
    case DG_JOB_STATUS_QUEUED:
      return to == DG_JOB_STATUS_RUNNING || to == DG_JOB_STATUS_PAUSED ||
             to == DG_JOB_STATUS_CANCELLED || to == DG_JOB_STATUS_FAILED;
    case DG_JOB_STATUS_RUNNING:
      return to == DG_JOB_STATUS_PAUSED || to == DG_JOB_STATUS_SUCCEEDED ||
             to == DG_JOB_STATUS_FAILED || to == DG_JOB_STATUS_CANCELLED;
    case DG_JOB_STATUS_PAUSED:
      return to == DG_JOB_STATUS_RUNNING || to == DG_JOB_STATUS_CANCELLED;
    case DG_JOB_STATUS_SUCCEEDED:
    case DG_JOB_STATUS_FAILED:
    case DG_JOB_STATUS_CANCELLED:
    default:
      return FALSE;
    }
}

/**
 * dg_job_new_id:
 *
 * Returns: a new job id in the upstream format, "job_<epoch ms>_<6 hex>".
 */
char *
dg_job_new_id (void)
{
  g_autofree char *hex = dg_random_hex (3);

  return g_strdup_printf ("job_%" G_GINT64_FORMAT "_%s", dg_now_ms (), hex);
}

gboolean
dg_job_id_is_valid (const char *id)
{
  const char *p;
  const char *underscore;

  if (id == NULL || !g_str_has_prefix (id, "job_"))
    return FALSE;
  p = id + 4;
  underscore = strchr (p, '_');
  if (underscore == NULL || underscore == p || underscore - p > 16)
    return FALSE;
  for (; p < underscore; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  p = underscore + 1;
  if (strlen (p) != 6)
    return FALSE;
  for (; *p != '\0'; p++)
    if (!g_ascii_isxdigit (*p) || g_ascii_isupper (*p))
      return FALSE;
  return TRUE;
}

static void
slice_range_clear (gpointer data)
{
  DgSliceRange *range = data;

  g_free (range->peer_id);
}

GArray *
dg_job_split (gint64 total_records, const char *const *peers)
{
  GArray *ranges = g_array_new (FALSE, TRUE, sizeof (DgSliceRange));
  guint n = peers != NULL ? g_strv_length ((char **) peers) : 0;
  gint64 base, rem, start = 0;

  g_array_set_clear_func (ranges, slice_range_clear);
  if (n == 0 || total_records < 0)
    return ranges;

  base = total_records / n;
  rem = total_records % n;
  for (guint i = 0; i < n; i++)
    {
      DgSliceRange range = { 0 };
      gint64 assigned = base + ((gint64) i < rem ? 1 : 0);

      range.peer_id = g_strdup (peers[i]);
      range.position = i;
      range.range_start = start;
      range.range_end = start + assigned;
      start += assigned;
      g_array_append_val (ranges, range);
    }
  return ranges;
}

void
dg_job_slice_free (DgJobSlice *slice)
{
  if (slice == NULL)
    return;
  g_free (slice->peer_id);
  g_free (slice->started_at);
  g_free (slice->finished_at);
  g_free (slice->last_update_at);
  g_clear_pointer (&slice->extra, json_object_unref);
  g_free (slice);
}

static void
job_error_clear (gpointer data)
{
  DgJobError *error = data;

  g_free (error->message);
}

DgJob *
dg_job_new (void)
{
  DgJob *job = g_new0 (DgJob, 1);

  g_atomic_ref_count_init (&job->ref_count);
  job->slices = g_ptr_array_new_with_free_func ((GDestroyNotify) dg_job_slice_free);
  job->errors = g_array_new (FALSE, TRUE, sizeof (DgJobError));
  g_array_set_clear_func (job->errors, job_error_clear);
  return job;
}

DgJob *
dg_job_ref (DgJob *job)
{
  g_return_val_if_fail (job != NULL, NULL);
  g_atomic_ref_count_inc (&job->ref_count);
  return job;
}

void
dg_job_unref (DgJob *job)
{
  g_return_if_fail (job != NULL);
  if (!g_atomic_ref_count_dec (&job->ref_count))
    return;
  g_free (job->id);
  g_free (job->owner);
  g_free (job->title);
  g_free (job->draft_id);
  g_free (job->created_at);
  g_free (job->updated_at);
  g_free (job->started_at);
  g_free (job->finished_at);
  g_clear_pointer (&job->base, json_object_unref);
  g_clear_pointer (&job->details, json_object_unref);
  g_clear_pointer (&job->run, json_object_unref);
  g_ptr_array_unref (job->slices);
  g_array_unref (job->errors);
  g_free (job);
}

G_DEFINE_BOXED_TYPE (DgJob, dg_job, dg_job_ref, dg_job_unref)

gint64
dg_job_get_processed (const DgJob *job)
{
  g_return_val_if_fail (job != NULL, 0);
  return job->total_ok + job->total_failed;
}

const char *
dg_job_get_description (const DgJob *job)
{
  g_return_val_if_fail (job != NULL, NULL);
  if (job->details == NULL || !json_object_has_member (job->details, "description"))
    return NULL;
  return json_object_get_string_member_with_default (job->details, "description", NULL);
}

JsonNode *
dg_job_get_schema (const DgJob *job)
{
  g_return_val_if_fail (job != NULL, NULL);
  if (job->details == NULL)
    return NULL;
  return json_object_get_member (job->details, "schema");
}

DgJobSlice *
dg_job_find_slice (const DgJob *job, const char *peer_id)
{
  g_return_val_if_fail (job != NULL, NULL);
  for (guint i = 0; i < job->slices->len; i++)
    {
      DgJobSlice *slice = g_ptr_array_index (job->slices, i);

      if (g_strcmp0 (slice->peer_id, peer_id) == 0)
        return slice;
    }
  return NULL;
}

/**
 * dg_job_slice_to_json:
 * @errors: (nullable): DgJobError entries; those inside the slice's range are attached
 *
 * Returns: the upstream peer state (4.2): peerId, assigned, range, generatedOk,
 * generatedFailed, then the timestamps and extra keys that are set.
 */
JsonObject *
dg_job_slice_to_json (const DgJobSlice *slice, GArray *errors)
{
  JsonObject *object = json_object_new ();
  JsonObject *range = json_object_new ();

  json_object_set_string_member (object, "peerId", slice->peer_id);
  json_object_set_int_member (object, "assigned", slice->range_end - slice->range_start);
  json_object_set_int_member (range, "start", slice->range_start);
  json_object_set_int_member (range, "end", slice->range_end);
  json_object_set_object_member (object, "range", range);
  json_object_set_int_member (object, "generatedOk", slice->generated_ok);
  json_object_set_int_member (object, "generatedFailed", slice->generated_failed);
  if (slice->last_update_at != NULL)
    json_object_set_string_member (object, "lastUpdateAt", slice->last_update_at);
  if (slice->started_at != NULL)
    json_object_set_string_member (object, "startedAt", slice->started_at);
  if (slice->finished_at != NULL)
    json_object_set_string_member (object, "finishedAt", slice->finished_at);
  if (slice->extra != NULL)
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init_ordered (&iter, slice->extra);
      while (json_object_iter_next_ordered (&iter, &name, &member))
        if (!json_object_has_member (object, name))
          json_object_set_member (object, name, json_node_copy (member));
    }
  if (errors != NULL)
    {
      JsonArray *list = NULL;

      for (guint i = 0; i < errors->len; i++)
        {
          DgJobError *error = &g_array_index (errors, DgJobError, i);
          JsonObject *entry;

          if (error->index < slice->range_start || error->index >= slice->range_end)
            continue;
          if (list == NULL)
            list = json_array_new ();
          entry = json_object_new ();
          json_object_set_int_member (entry, "index", error->index);
          json_object_set_string_member (entry, "message", error->message);
          json_array_add_object_element (list, entry);
        }
      if (list != NULL)
        json_object_set_array_member (object, "errors", list);
    }
  return object;
}

JsonObject *
dg_job_to_json (const DgJob *job)
{
  JsonObject *object = json_object_new ();
  JsonArray *peers = json_array_new ();
  JsonArray *errors = json_array_new ();

  g_return_val_if_fail (job != NULL, object);

  json_object_set_object_member (
      object, "job", job->base != NULL ? json_object_ref (job->base) : json_object_new ());
  for (guint i = 0; i < job->slices->len; i++)
    json_array_add_object_element (
        peers, dg_job_slice_to_json (g_ptr_array_index (job->slices, i), job->errors));
  json_object_set_array_member (object, "peers", peers);
  json_object_set_object_member (object, "details",
                                 job->details != NULL ? json_object_ref (job->details)
                                                      : json_object_new ());
  if (job->run != NULL)
    json_object_set_object_member (object, "run", json_object_ref (job->run));
  for (guint i = 0; i < job->errors->len; i++)
    {
      DgJobError *error = &g_array_index (job->errors, DgJobError, i);
      JsonObject *entry = json_object_new ();

      json_object_set_int_member (entry, "index", error->index);
      json_object_set_string_member (entry, "message", error->message);
      json_array_add_object_element (errors, entry);
    }
  json_object_set_array_member (object, "errors", errors);
  return object;
}

DgJobProgress *
dg_job_progress_copy (const DgJobProgress *progress)
{
  DgJobProgress *copy;

  g_return_val_if_fail (progress != NULL, NULL);
  copy = g_memdup2 (progress, sizeof *progress);
  copy->job_id = g_strdup (progress->job_id);
  copy->owner = g_strdup (progress->owner);
  copy->message = g_strdup (progress->message);
  return copy;
}

void
dg_job_progress_free (DgJobProgress *progress)
{
  if (progress == NULL)
    return;
  g_free (progress->job_id);
  g_free (progress->owner);
  g_free (progress->message);
  g_free (progress);
}

G_DEFINE_BOXED_TYPE (DgJobProgress, dg_job_progress, dg_job_progress_copy, dg_job_progress_free)

double
dg_job_progress_fraction (const DgJobProgress *progress)
{
  g_return_val_if_fail (progress != NULL, 0);
  if (progress->total_records <= 0)
    return progress->status == DG_JOB_STATUS_SUCCEEDED ? 1.0 : 0.0;
  return CLAMP ((double) (progress->total_ok + progress->total_failed) /
                    (double) progress->total_records,
                0.0, 1.0);
}
