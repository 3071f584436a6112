/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Shared by the stand-in's HTTP side and its direct-access side. */

#include <json-glib/json-glib.h>

#include "dg-cstore-standin.h"
#include "dg-test-utils.h"

G_BEGIN_DECLS

struct _DgCStoreStandin
{
  DgTestServer *server;

  GMutex lock;        /* guards everything below except `held` */
  GHashTable *keys;   /* key -> JsonNode */
  GHashTable *hashes; /* hkey -> GHashTable (field -> JsonNode) */
  GHashTable *counts; /* path -> count */
  guint total;
  GHashTable *last_body;  /* path -> text */
  GHashTable *last_ctype; /* path -> text */
  char *fault_path;
  DgCStoreFault fault;
  guint fault_count;
  guint latency_ms;

  GPtrArray *held; /* Held*, server thread only */
};

/* The lock must be held for these. */
GHashTable *dg_cstore_standin_hash_for     (DgCStoreStandin *self,
                                            const char      *hkey,
                                            gboolean         create);
void        dg_cstore_standin_store_value  (DgCStoreStandin *self,
                                            const char      *hkey,
                                            const char      *key,
                                            JsonNode        *value);
JsonNode   *dg_cstore_standin_lookup_value (DgCStoreStandin *self,
                                            const char      *hkey,
                                            const char      *key);

G_END_DECLS
