/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-app"

#include "config.h"

#include <glib/gi18n.h>

#include "dg-record-model.h"

/* Rows per read, and how many pages stay cached (items on screen stay alive anyway). */
#define PAGE_SIZE 100
#define MAX_PAGES 64

struct _DgRecordItem
{
  GObject parent_instance;

  gint64 index;
  DgRecordState state;
  JsonNode *data;
  char *error;
};

G_DEFINE_TYPE (DgRecordItem, dg_record_item, G_TYPE_OBJECT)

enum
{
  ITEM_PROP_0,
  ITEM_PROP_STATE,
  ITEM_N_PROPS
};

static GParamSpec *item_properties[ITEM_N_PROPS];

static void
dg_record_item_finalize (GObject *object)
{
  DgRecordItem *self = DG_RECORD_ITEM (object);

  g_clear_pointer (&self->data, json_node_unref);
  g_free (self->error);
  G_OBJECT_CLASS (dg_record_item_parent_class)->finalize (object);
}

static void
dg_record_item_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  DgRecordItem *self = DG_RECORD_ITEM (object);

  switch (prop_id)
    {
    case ITEM_PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dg_record_item_class_init (DgRecordItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dg_record_item_finalize;
  object_class->get_property = dg_record_item_get_property;
  item_properties[ITEM_PROP_STATE] =
      g_param_spec_int ("state", NULL, NULL, 0, G_MAXINT, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, ITEM_N_PROPS, item_properties);
}

static void
dg_record_item_init (DgRecordItem *self)
{
}

static void
dg_record_item_set (DgRecordItem *self, DgRecordState state, const char *data_text,
                    const char *error)
{
  g_clear_pointer (&self->data, json_node_unref);
  g_clear_pointer (&self->error, g_free);
  if (data_text != NULL)
    self->data = json_from_string (data_text, NULL);
  self->error = g_strdup (error);
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), item_properties[ITEM_PROP_STATE]);
}

gint64
dg_record_item_get_index (DgRecordItem *self)
{
  g_return_val_if_fail (DG_IS_RECORD_ITEM (self), -1);
  return self->index;
}

DgRecordState
dg_record_item_get_state (DgRecordItem *self)
{
  g_return_val_if_fail (DG_IS_RECORD_ITEM (self), DG_RECORD_STATE_LOADING);
  return self->state;
}

const char *
dg_record_item_get_error (DgRecordItem *self)
{
  g_return_val_if_fail (DG_IS_RECORD_ITEM (self), NULL);
  return self->error;
}

char *
dg_record_item_dup_value_text (DgRecordItem *self, const char *key)
{
  JsonNode *value;

  g_return_val_if_fail (DG_IS_RECORD_ITEM (self), NULL);

  if (self->data == NULL || !JSON_NODE_HOLDS_OBJECT (self->data))
    return g_strdup ("");
  value = json_object_get_member (json_node_get_object (self->data), key);
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return g_strdup ("");
  if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (value));
  return json_to_string (value, FALSE);
}

typedef struct
{
  gint64 number;
  GPtrArray *items; /* DgRecordItem*, PAGE_SIZE or fewer (last page) */
  gboolean loading;
  gboolean has_pending;
} Page;

static void
page_free (gpointer data)
{
  Page *page = data;

  g_ptr_array_unref (page->items);
  g_free (page);
}

struct _DgRecordModel
{
  GObject parent_instance;

  DgEngine *engine;
  char *owner;
  char *job_id;
  gint64 total_records;
  GHashTable *pages; /* page number → Page */
  GQueue lru;        /* page numbers (GINT_TO_POINTER), most recent first */
  GCancellable *cancellable;
  guint pages_loaded;
  guint loading;
};

static void dg_record_model_list_model_init (GListModelInterface *iface);

G_DEFINE_TYPE_WITH_CODE (DgRecordModel, dg_record_model, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, dg_record_model_list_model_init))

typedef struct
{
  DgRecordModel *model;
  gint64 number;
} PageLoad;

static void
on_page_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PageLoad *load = user_data;
  g_autoptr (DgRecordModel) self = load->model;
  g_autoptr (GError) error = NULL;
  g_autoptr (DgRecordPage) records = NULL;
  Page *page;
  gint64 number = load->number;

  g_free (load);
  records = dg_engine_get_records_finish (DG_ENGINE (source), result, &error);
  self->loading--;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  page = g_hash_table_lookup (self->pages, GINT_TO_POINTER ((int) number));
  if (page == NULL)
    return; /* evicted meanwhile */
  page->loading = FALSE;
  self->pages_loaded++;

  if (records == NULL)
    {
      g_message ("Cannot read records of %s: %s", self->job_id, error->message);
      for (guint i = 0; i < page->items->len; i++)
        dg_record_item_set (g_ptr_array_index (page->items, i), DG_RECORD_STATE_FAILED, NULL,
                            error->message);
      return;
    }

  page->has_pending = FALSE;
  {
    guint row = 0;

    for (guint i = 0; i < page->items->len; i++)
      {
        DgRecordItem *item = g_ptr_array_index (page->items, i);
        DgRecordRow *found = NULL;

        /* Rows come in index order, with the missing indices left out. */
        while (row < records->rows->len &&
               ((DgRecordRow *) g_ptr_array_index (records->rows, row))->index < item->index)
          row++;
        if (row < records->rows->len &&
            ((DgRecordRow *) g_ptr_array_index (records->rows, row))->index == item->index)
          found = g_ptr_array_index (records->rows, row);

        if (found == NULL)
          {
            page->has_pending = TRUE;
            dg_record_item_set (item, DG_RECORD_STATE_PENDING, NULL, NULL);
          }
        else
          dg_record_item_set (item, found->ok ? DG_RECORD_STATE_OK : DG_RECORD_STATE_FAILED,
                              found->data, found->error);
      }
  }
}

static void
dg_record_model_load_page (DgRecordModel *self, Page *page)
{
  PageLoad *load;

  if (page->loading)
    return;
  page->loading = TRUE;
  self->loading++;
  load = g_new0 (PageLoad, 1);
  load->model = g_object_ref (self);
  load->number = page->number;
  dg_engine_get_records_async (self->engine, self->owner, self->job_id, page->number * PAGE_SIZE,
                               PAGE_SIZE, self->cancellable, on_page_read, load);
}

static Page *
dg_record_model_get_page (DgRecordModel *self, gint64 number)
{
  Page *page = g_hash_table_lookup (self->pages, GINT_TO_POINTER ((int) number));
  gint64 first = number * PAGE_SIZE;
  gint64 count = MIN (PAGE_SIZE, self->total_records - first);

  if (page != NULL)
    {
      GList *link = g_queue_find (&self->lru, GINT_TO_POINTER ((int) number));

      g_queue_unlink (&self->lru, link);
      g_queue_push_head_link (&self->lru, link);
      return page;
    }

  page = g_new0 (Page, 1);
  page->number = number;
  page->items = g_ptr_array_new_full ((guint) count, g_object_unref);
  for (gint64 i = 0; i < count; i++)
    {
      DgRecordItem *item = g_object_new (DG_TYPE_RECORD_ITEM, NULL);

      item->index = first + i;
      item->state = DG_RECORD_STATE_LOADING;
      g_ptr_array_add (page->items, item);
    }
  g_hash_table_insert (self->pages, GINT_TO_POINTER ((int) number), page);
  g_queue_push_head (&self->lru, GINT_TO_POINTER ((int) number));

  while (g_queue_get_length (&self->lru) > MAX_PAGES)
    g_hash_table_remove (self->pages, g_queue_pop_tail (&self->lru));

  dg_record_model_load_page (self, page);
  return page;
}

static GType
dg_record_model_get_item_type (GListModel *model)
{
  return DG_TYPE_RECORD_ITEM;
}

static guint
dg_record_model_get_n_items (GListModel *model)
{
  return (guint) DG_RECORD_MODEL (model)->total_records;
}

static gpointer
dg_record_model_get_item (GListModel *model, guint position)
{
  DgRecordModel *self = DG_RECORD_MODEL (model);
  Page *page;

  if (position >= self->total_records)
    return NULL;
  page = dg_record_model_get_page (self, position / PAGE_SIZE);
  return g_object_ref (g_ptr_array_index (page->items, position % PAGE_SIZE));
}

static void
dg_record_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = dg_record_model_get_item_type;
  iface->get_n_items = dg_record_model_get_n_items;
  iface->get_item = dg_record_model_get_item;
}

static void
dg_record_model_dispose (GObject *object)
{
  DgRecordModel *self = DG_RECORD_MODEL (object);

  g_cancellable_cancel (self->cancellable);
  G_OBJECT_CLASS (dg_record_model_parent_class)->dispose (object);
}

static void
dg_record_model_finalize (GObject *object)
{
  DgRecordModel *self = DG_RECORD_MODEL (object);

  g_hash_table_unref (self->pages);
  g_queue_clear (&self->lru);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->engine);
  g_free (self->owner);
  g_free (self->job_id);
  G_OBJECT_CLASS (dg_record_model_parent_class)->finalize (object);
}

static void
dg_record_model_class_init (DgRecordModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dg_record_model_dispose;
  object_class->finalize = dg_record_model_finalize;
}

static void
dg_record_model_init (DgRecordModel *self)
{
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, page_free);
  self->cancellable = g_cancellable_new ();
}

DgRecordModel *
dg_record_model_new (DgEngine *engine, const char *owner, const char *job_id, gint64 total_records)
{
  DgRecordModel *self;

  g_return_val_if_fail (DG_IS_ENGINE (engine), NULL);
  g_return_val_if_fail (job_id != NULL, NULL);

  self = g_object_new (DG_TYPE_RECORD_MODEL, NULL);
  self->engine = g_object_ref (engine);
  self->owner = g_strdup (owner);
  self->job_id = g_strdup (job_id);
  /* GListModel positions are guint. */
  self->total_records = CLAMP (total_records, 0, G_MAXINT);
  return self;
}

void
dg_record_model_refresh (DgRecordModel *self)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (DG_IS_RECORD_MODEL (self));

  g_hash_table_iter_init (&iter, self->pages);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Page *page = value;

      if (page->has_pending)
        dg_record_model_load_page (self, page);
    }
}

guint
dg_record_model_get_pages_loaded (DgRecordModel *self)
{
  g_return_val_if_fail (DG_IS_RECORD_MODEL (self), 0);
  return self->pages_loaded;
}

gboolean
dg_record_model_is_loading (DgRecordModel *self)
{
  g_return_val_if_fail (DG_IS_RECORD_MODEL (self), FALSE);
  return self->loading > 0;
}
