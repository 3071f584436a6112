/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * DgCStore: a client for the Ratio1 CStore HTTP API (ratio1-interop.md section 1),
 * byte-compatible with what edge-sdk-ts and cstore-auth-ts send.
 *
 * Values are written as JSON strings (the caller's text travels double-encoded, like
 * cstore-auth-ts), every POST carries Content-Type: application/json and the configured
 * chainstore_peers. Reads return the stored string; a non-string stored value is returned
 * as its compact JSON text; a missing key is NULL *without* an error (HTTP 404 also counts
 * as missing, as in cstore-auth-ts).
 *
 * Thread safety: one DgCStore may be used from any number of threads at once. The
 * plain calls block (use them on worker threads); the _async variants run them in a
 * GTask thread for main-loop callers. Connections and DNS answers are shared.
 */

#define DG_CSTORE_ERROR (dg_cstore_error_quark ())

typedef enum {
  DG_CSTORE_ERROR_INVALID,       /* the caller passed an empty key / hkey / field */
  DG_CSTORE_ERROR_UNAVAILABLE,   /* no connection (refused, DNS, reset before an answer) */
  DG_CSTORE_ERROR_TIMEOUT,       /* no answer in time: our timeout or the server's 504 */
  DG_CSTORE_ERROR_HTTP,          /* any other non-2xx answer; the message has status and detail */
  DG_CSTORE_ERROR_VALIDATION,    /* HTTP 422: the server rejected the request fields */
  DG_CSTORE_ERROR_BAD_RESPONSE,  /* 2xx but not a JSON envelope with a usable "result" */
  DG_CSTORE_ERROR_NOT_CONFIRMED, /* set/hset answered false: peers did not confirm in time */
} DgCStoreError;

GQuark dg_cstore_error_quark (void);

#define DG_TYPE_CSTORE (dg_cstore_get_type ())
G_DECLARE_FINAL_TYPE (DgCStore, dg_cstore, DG, CSTORE, GObject)

/* Default timeouts (ratio1-interop.md 1.2: writes may block ~30 s on a real node). */
#define DG_CSTORE_DEFAULT_CONNECT_TIMEOUT_MS 10000
#define DG_CSTORE_DEFAULT_TIMEOUT_MS         60000

/*
 * @base_url: "host:port" or "http(s)://host:port[/prefix]"; trailing slashes are removed
 * and http:// is added when no scheme is given.
 * @chainstore_peers: (nullable): node addresses sent as chainstore_peers on set/hset
 * (DgConfig.sdk_chainstore_peers); NULL sends [].
 */
DgCStore   *dg_cstore_new              (const char          *base_url,
                                        const char * const  *chainstore_peers);
const char *dg_cstore_get_base_url     (DgCStore            *self);
/* 0 keeps the current value. Tests shorten these; safe to call before any request. */
void        dg_cstore_set_timeouts     (DgCStore            *self,
                                        guint                connect_timeout_ms,
                                        guint                timeout_ms);

/* GET /get_status: the "result" member (a new node); the caller frees it. */
JsonNode   *dg_cstore_get_status       (DgCStore            *self,
                                        GCancellable        *cancellable,
                                        GError             **error);

/* GET /get?key=: the stored string, or NULL without an error when missing. */
char       *dg_cstore_get              (DgCStore            *self,
                                        const char          *key,
                                        GCancellable        *cancellable,
                                        GError             **error);
/* GET /hget?hkey=&key=: as dg_cstore_get() for one field of a hash. */
char       *dg_cstore_hget             (DgCStore            *self,
                                        const char          *hkey,
                                        const char          *field,
                                        GCancellable        *cancellable,
                                        GError             **error);
/*
 * POST /set. @value is sent as a JSON string; NULL deletes the key (JSON null).
 * A "false" answer is DG_CSTORE_ERROR_NOT_CONFIRMED: on a real node the value then stays
 * stored locally but was not replicated, so callers that need replication retry (a
 * retry of the same value answers true at once) and callers that only need the local
 * replica (cstore-auth-ts ignores the result) may treat that code as success.
 */
gboolean    dg_cstore_set              (DgCStore            *self,
                                        const char          *key,
                                        const char          *value,
                                        GCancellable        *cancellable,
                                        GError             **error);
/* POST /hset: as dg_cstore_set() for one field of a hash. */
gboolean    dg_cstore_hset             (DgCStore            *self,
                                        const char          *hkey,
                                        const char          *field,
                                        const char          *value,
                                        GCancellable        *cancellable,
                                        GError             **error);
/*
 * GET /hgetall?hkey=: field -> string (both owned by the table). Accepts an object map or a
 * flat [k, v, ...] array; null values are dropped, non-string values become their JSON text.
 * An unknown hash gives an empty table.
 */
GHashTable *dg_cstore_hgetall          (DgCStore            *self,
                                        const char          *hkey,
                                        GCancellable        *cancellable,
                                        GError             **error);
/* POST /hsync: merges the hash from peers; returns the "result" object (a new node). */
JsonNode   *dg_cstore_hsync            (DgCStore            *self,
                                        const char          *hkey,
                                        GCancellable        *cancellable,
                                        GError             **error);

/* Main-loop variants: each runs the blocking call in a GTask thread. */
void        dg_cstore_get_status_async (DgCStore            *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
JsonNode   *dg_cstore_get_status_finish (DgCStore           *self,
                                        GAsyncResult        *result,
                                        GError             **error);
void        dg_cstore_get_async        (DgCStore            *self,
                                        const char          *key,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
/* Missing: NULL, no error. */
char       *dg_cstore_get_finish       (DgCStore            *self,
                                        GAsyncResult        *result,
                                        GError             **error);
void        dg_cstore_hget_async       (DgCStore            *self,
                                        const char          *hkey,
                                        const char          *field,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
char       *dg_cstore_hget_finish      (DgCStore            *self,
                                        GAsyncResult        *result,
                                        GError             **error);
void        dg_cstore_set_async        (DgCStore            *self,
                                        const char          *key,
                                        const char          *value,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean    dg_cstore_set_finish       (DgCStore            *self,
                                        GAsyncResult        *result,
                                        GError             **error);
void        dg_cstore_hset_async       (DgCStore            *self,
                                        const char          *hkey,
                                        const char          *field,
                                        const char          *value,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean    dg_cstore_hset_finish      (DgCStore            *self,
                                        GAsyncResult        *result,
                                        GError             **error);
void        dg_cstore_hgetall_async    (DgCStore            *self,
                                        const char          *hkey,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
GHashTable *dg_cstore_hgetall_finish   (DgCStore            *self,
                                        GAsyncResult        *result,
                                        GError             **error);

G_END_DECLS
