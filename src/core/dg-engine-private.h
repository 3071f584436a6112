/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Shared by the dg-engine*.c files only. */

#include "dg-engine.h"
#include "dg-store-jobs.h"

G_BEGIN_DECLS

struct _DgEngine
{
  GObject parent_instance;

  DgConfig *config;
  DgStore *store;
  DgInference *inference;
  DgJobRunner *runner;
  GMainContext *context; /* where signals are emitted */

  char *secret;          /* signing secret for draft tokens, or NULL ... */
  GError *secret_error;  /* ... with the reason */

  /* Main context only. */
  GHashTable *progress;        /* job id -> DgJobProgress* */
  GHashTable *pending_changed; /* job id -> owner, "job-changed" waiting for the next tick */
  guint changed_source;
  gboolean shut_down;
};

enum
{
  SIGNAL_JOB_ADDED,
  SIGNAL_JOB_CHANGED,
  SIGNAL_JOB_REMOVED,
  N_SIGNALS
};

/* Emits @signal for @job (as it is now) on the engine's context, from any thread. */
void      dg_engine_emit_later        (DgEngine    *self,
                                       guint        signal,
                                       const DgJob *job);

/*
 * The job if @owner may see it: NULL with DG_ENGINE_ERROR_NOT_FOUND "Not found"
 * for a missing job or another user's (database errors pass through).
 */
DgJob    *dg_engine_load_job          (DgEngine        *self,
                                       const char      *owner,
                                       const char      *job_id,
                                       DgStoreJobFlags  flags,
                                       GError         **error);

/* The signing secret, or NULL with DG_ENGINE_ERROR_NOT_CONFIGURED. */
const char *dg_engine_get_secret      (DgEngine    *self,
                                       GError     **error);

G_END_DECLS
