/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * DgCStoreStandin: a local CStore that answers like a real edge node's CStore HTTP API
 * (ratio1-interop.md 3.4): the same paths, JSON envelope with the 7 node keys, FastAPI error
 * shapes (404/405/422/500/504), JSON values stored as sent, null deletes, "" is a value.
 * It runs on DgTestServer (127.0.0.1, port 0, its own thread). Any thread may call these
 * functions; contents and counters are guarded by a lock.
 */

typedef struct _DgCStoreStandin DgCStoreStandin;

typedef enum {
  DG_CSTORE_FAULT_NONE,
  DG_CSTORE_FAULT_500,       /* 500 {"detail":{...node keys,"error","status_code":500,"logged":true}} */
  DG_CSTORE_FAULT_504,       /* 504 {"detail":{...node keys,"detail":"Error waiting for plugin response: ..."}} */
  DG_CSTORE_FAULT_FALSE,     /* set/hset store the value (as a real node does) but answer false */
  DG_CSTORE_FAULT_HANG,      /* never answer (released with a 504 when the stand-in is freed) */
  DG_CSTORE_FAULT_LATENCY,   /* answer normally after latency_ms */
  DG_CSTORE_FAULT_NOT_JSON,  /* 200 with a plain-text body */
  DG_CSTORE_FAULT_NO_RESULT, /* 200 JSON envelope without "result" */
  DG_CSTORE_FAULT_HTML,      /* 502 with an HTML error page (a proxy in between) */
  DG_CSTORE_FAULT_TRUNCATED, /* 200 whose body stops before its Content-Length, then close */
  DG_CSTORE_FAULT_404,       /* 404 {"detail":"Not Found"} (a wrong base path) */
  DG_CSTORE_FAULT_DEEP_JSON, /* 200 with a "result" nested 100000 arrays deep */
} DgCStoreFault;

DgCStoreStandin *dg_cstore_standin_new          (void);
void             dg_cstore_standin_free         (DgCStoreStandin *self);
/* "http://127.0.0.1:PORT" (no trailing slash). */
const char      *dg_cstore_standin_get_url      (DgCStoreStandin *self);

/*
 * The next @count requests whose path is @path (NULL: any path) get @fault; LATENCY and
 * HANG use @latency_ms (HANG ignores it). A new injection replaces the previous one.
 */
void             dg_cstore_standin_inject       (DgCStoreStandin *self,
                                                 const char      *path,
                                                 DgCStoreFault    fault,
                                                 guint            count,
                                                 guint            latency_ms);
/* Injections not consumed yet. */
guint            dg_cstore_standin_faults_left  (DgCStoreStandin *self);

/* Requests received for @path ("/hset"...; NULL: all), including refused ones. */
guint            dg_cstore_standin_count        (DgCStoreStandin *self,
                                                 const char      *path);
void             dg_cstore_standin_reset_counts (DgCStoreStandin *self);
/* The last request to @path: body (POST) or query (GET), and its Content-Type. */
char            *dg_cstore_standin_last_body    (DgCStoreStandin *self,
                                                 const char      *path);
char            *dg_cstore_standin_last_content_type (DgCStoreStandin *self,
                                                 const char      *path);

/* Direct access to the contents. Values are JSON texts; NULL means missing / delete. */
char            *dg_cstore_standin_get_json     (DgCStoreStandin *self,
                                                 const char      *key);
void             dg_cstore_standin_put_json     (DgCStoreStandin *self,
                                                 const char      *key,
                                                 const char      *json);
char            *dg_cstore_standin_hget_json    (DgCStoreStandin *self,
                                                 const char      *hkey,
                                                 const char      *field);
void             dg_cstore_standin_hput_json    (DgCStoreStandin *self,
                                                 const char      *hkey,
                                                 const char      *field,
                                                 const char      *json);
/* Convenience for the usual case: the stored JSON *string* value, decoded (NULL if not a string). */
char            *dg_cstore_standin_hget_string  (DgCStoreStandin *self,
                                                 const char      *hkey,
                                                 const char      *field);
char            *dg_cstore_standin_get_string   (DgCStoreStandin *self,
                                                 const char      *key);
/* Number of live fields in @hkey. */
guint            dg_cstore_standin_hlen         (DgCStoreStandin *self,
                                                 const char      *hkey);
/* Sorted field names of @hkey (NULL-terminated, free with g_strfreev). */
GStrv            dg_cstore_standin_hkeys        (DgCStoreStandin *self,
                                                 const char      *hkey);
void             dg_cstore_standin_clear        (DgCStoreStandin *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DgCStoreStandin, dg_cstore_standin_free)

G_END_DECLS
