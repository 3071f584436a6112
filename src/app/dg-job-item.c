/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-app"

#include "config.h"

#include <glib/gi18n.h>

#include "dg-job-item.h"

struct _DgJobItem
{
  GObject parent_instance;

  char *id;
  char *title;
  DgJobStatus status;
  gint64 total_records;
  gint64 total_ok;
  gint64 total_failed;
  double records_per_second;
};

G_DEFINE_TYPE (DgJobItem, dg_job_item, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_TITLE,
  PROP_STATUS,
  PROP_TOTAL_RECORDS,
  PROP_TOTAL_OK,
  PROP_TOTAL_FAILED,
  PROP_FRACTION,
  PROP_RECORDS_PER_SECOND,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
dg_job_item_finalize (GObject *object)
{
  DgJobItem *self = DG_JOB_ITEM (object);

  g_free (self->id);
  g_free (self->title);
  G_OBJECT_CLASS (dg_job_item_parent_class)->finalize (object);
}

static void
dg_job_item_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  DgJobItem *self = DG_JOB_ITEM (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_STATUS:
      g_value_set_int (value, self->status);
      break;
    case PROP_TOTAL_RECORDS:
      g_value_set_int64 (value, self->total_records);
      break;
    case PROP_TOTAL_OK:
      g_value_set_int64 (value, self->total_ok);
      break;
    case PROP_TOTAL_FAILED:
      g_value_set_int64 (value, self->total_failed);
      break;
    case PROP_FRACTION:
      g_value_set_double (value, dg_job_item_get_fraction (self));
      break;
    case PROP_RECORDS_PER_SECOND:
      g_value_set_double (value, self->records_per_second);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dg_job_item_class_init (DgJobItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = dg_job_item_finalize;
  object_class->get_property = dg_job_item_get_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  properties[PROP_STATUS] = g_param_spec_int ("status", NULL, NULL, 0, G_MAXINT, 0, flags);
  properties[PROP_TOTAL_RECORDS] =
      g_param_spec_int64 ("total-records", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_TOTAL_OK] = g_param_spec_int64 ("total-ok", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_TOTAL_FAILED] =
      g_param_spec_int64 ("total-failed", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_FRACTION] = g_param_spec_double ("fraction", NULL, NULL, 0, 1, 0, flags);
  properties[PROP_RECORDS_PER_SECOND] =
      g_param_spec_double ("records-per-second", NULL, NULL, 0, G_MAXDOUBLE, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dg_job_item_init (DgJobItem *self)
{
}

/* Sets the counters and notifies once for whatever changed. */
static void
dg_job_item_set_counts (DgJobItem *self, DgJobStatus status, gint64 total, gint64 ok, gint64 failed,
                        double rate)
{
  double old_fraction = dg_job_item_get_fraction (self);

  g_object_freeze_notify (G_OBJECT (self));
  if (self->status != status)
    {
      self->status = status;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
    }
  if (self->total_records != total)
    {
      self->total_records = total;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL_RECORDS]);
    }
  if (self->total_ok != ok)
    {
      self->total_ok = ok;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL_OK]);
    }
  if (self->total_failed != failed)
    {
      self->total_failed = failed;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL_FAILED]);
    }
  if (self->records_per_second != rate)
    {
      self->records_per_second = rate;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECORDS_PER_SECOND]);
    }
  if (old_fraction != dg_job_item_get_fraction (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
  g_object_thaw_notify (G_OBJECT (self));
}

DgJobItem *
dg_job_item_new_from_job (const DgJob *job)
{
  DgJobItem *self;

  g_return_val_if_fail (job != NULL, NULL);

  self = g_object_new (DG_TYPE_JOB_ITEM, NULL);
  self->id = g_strdup (job->id);
  self->title = g_strdup (job->title);
  dg_job_item_update_from_job (self, job);
  return self;
}

void
dg_job_item_update_from_job (DgJobItem *self, const DgJob *job)
{
  g_return_if_fail (DG_IS_JOB_ITEM (self));
  g_return_if_fail (job != NULL);

  if (g_strcmp0 (self->title, job->title) != 0)
    {
      g_free (self->title);
      self->title = g_strdup (job->title);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
    }
  dg_job_item_set_counts (self, job->status, job->total_records, job->total_ok, job->total_failed,
                          job->status == DG_JOB_STATUS_RUNNING ? self->records_per_second : 0);
}

void
dg_job_item_update_from_progress (DgJobItem *self, const DgJobProgress *progress)
{
  g_return_if_fail (DG_IS_JOB_ITEM (self));
  g_return_if_fail (progress != NULL);

  /* A paused or queued job makes nothing: its last speed is no longer true. */
  dg_job_item_set_counts (
      self, progress->status, progress->total_records, progress->total_ok, progress->total_failed,
      progress->status == DG_JOB_STATUS_RUNNING ? progress->records_per_second : 0);
}

const char *
dg_job_item_get_id (DgJobItem *self)
{
  g_return_val_if_fail (DG_IS_JOB_ITEM (self), NULL);
  return self->id;
}

const char *
dg_job_item_get_title (DgJobItem *self)
{
  g_return_val_if_fail (DG_IS_JOB_ITEM (self), NULL);
  return self->title;
}

DgJobStatus
dg_job_item_get_status (DgJobItem *self)
{
  g_return_val_if_fail (DG_IS_JOB_ITEM (self), DG_JOB_STATUS_QUEUED);
  return self->status;
}

gint64
dg_job_item_get_total_records (DgJobItem *self)
{
  g_return_val_if_fail (DG_IS_JOB_ITEM (self), 0);
  return self->total_records;
}

gint64
dg_job_item_get_total_ok (DgJobItem *self)
{
  g_return_val_if_fail (DG_IS_JOB_ITEM (self), 0);
  return self->total_ok;
}

gint64
dg_job_item_get_total_failed (DgJobItem *self)
{
  g_return_val_if_fail (DG_IS_JOB_ITEM (self), 0);
  return self->total_failed;
}

double
dg_job_item_get_fraction (DgJobItem *self)
{
  g_return_val_if_fail (DG_IS_JOB_ITEM (self), 0);
  if (self->total_records <= 0)
    return 0;
  return CLAMP ((double) (self->total_ok + self->total_failed) / (double) self->total_records, 0,
                1);
}

double
dg_job_item_get_records_per_second (DgJobItem *self)
{
  g_return_val_if_fail (DG_IS_JOB_ITEM (self), 0);
  return self->records_per_second;
}

const char *
dg_job_status_get_label (DgJobStatus status)
{
  switch (status)
    {
    case DG_JOB_STATUS_QUEUED:
      return C_ ("job status", "Queued");
    case DG_JOB_STATUS_RUNNING:
      return C_ ("job status", "Running");
    case DG_JOB_STATUS_PAUSED:
      return C_ ("job status", "Paused");
    case DG_JOB_STATUS_SUCCEEDED:
      return C_ ("job status", "Succeeded");
    case DG_JOB_STATUS_FAILED:
      return C_ ("job status", "Failed");
    case DG_JOB_STATUS_CANCELLED:
      return C_ ("job status", "Cancelled");
    default:
      return C_ ("job status", "Unknown");
    }
}

char *
dg_job_item_dup_summary (DgJobItem *self)
{
  GString *text;
  gint64 done;

  g_return_val_if_fail (DG_IS_JOB_ITEM (self), NULL);

  done = self->total_ok + self->total_failed;
  text = g_string_new (NULL);
  /* Translators: records done so far out of the job's total */
  g_string_append_printf (text,
                          g_dngettext (GETTEXT_PACKAGE, "%lld of %lld record",
                                       "%lld of %lld records", (gulong) self->total_records),
                          (long long) done, (long long) self->total_records);
  if (self->total_failed > 0)
    {
      g_string_append (text, " · ");
      g_string_append_printf (
          text,
          g_dngettext (GETTEXT_PACKAGE, "%lld failed", "%lld failed", (gulong) self->total_failed),
          (long long) self->total_failed);
    }
  if (self->records_per_second > 0 && self->status == DG_JOB_STATUS_RUNNING)
    {
      g_string_append (text, " · ");
      /* Translators: generation speed */
      g_string_append_printf (text, _ ("%.1f records/s"), self->records_per_second);
    }
  return g_string_free (text, FALSE);
}
