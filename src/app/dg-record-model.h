/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "dg-engine.h"

G_BEGIN_DECLS

typedef enum {
  DG_RECORD_STATE_LOADING, /* its page is being read */
  DG_RECORD_STATE_PENDING, /* not generated yet */
  DG_RECORD_STATE_OK,
  DG_RECORD_STATE_FAILED,
} DgRecordState;

#define DG_TYPE_RECORD_ITEM (dg_record_item_get_type ())
G_DECLARE_FINAL_TYPE (DgRecordItem, dg_record_item, DG, RECORD_ITEM, GObject)

/* One record of the preview. Emits notify::state when its page arrives. */
gint64         dg_record_item_get_index    (DgRecordItem *self);
DgRecordState  dg_record_item_get_state    (DgRecordItem *self);
/* The record's value at top-level @key as display text ("" when absent). */
char          *dg_record_item_dup_value_text (DgRecordItem *self,
                                              const char   *key);
/* The failure reason of a failed record, or NULL. */
const char    *dg_record_item_get_error    (DgRecordItem *self);

#define DG_TYPE_RECORD_MODEL (dg_record_model_get_type ())
G_DECLARE_FINAL_TYPE (DgRecordModel, dg_record_model, DG, RECORD_MODEL, GObject)

/*
 * DgRecordModel: a GListModel of every record index of a job (n_items = the job's size),
 * read lazily page by page with dg_engine_get_records_async() when a view asks for an
 * item, keeping a bounded number of pages, so a million-record preview costs what is on
 * screen.
 */
DgRecordModel *dg_record_model_new         (DgEngine    *engine,
                                            const char  *owner,
                                            const char  *job_id,
                                            gint64       total_records);
/* Re-reads the cached pages that still have records not generated (the job went on). */
void           dg_record_model_refresh     (DgRecordModel *self);
/* Pages read so far (for tests and measurements). */
guint          dg_record_model_get_pages_loaded (DgRecordModel *self);
/* TRUE while a page is being read. */
gboolean       dg_record_model_is_loading  (DgRecordModel *self);

G_END_DECLS
