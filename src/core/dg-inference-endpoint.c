/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-inference"

#include "config.h"

#include <string.h>

#include "dg-inference-private.h"
#include "dg-json-copy.h"

G_DEFINE_BOXED_TYPE (DgInferenceEndpoint, dg_inference_endpoint, dg_inference_endpoint_ref,
                     dg_inference_endpoint_unref)

/**
 * dg_inference_endpoint_new:
 * @backend: the API the server speaks
 * @base_url: (nullable): the server's base URL; NULL only for the offline backend
 *
 * Returns: (transfer full): a new endpoint with the backend's default path.
 */
DgInferenceEndpoint *
dg_inference_endpoint_new (DgInferenceBackend backend, const char *base_url)
{
  DgInferenceEndpoint *self;

  g_return_val_if_fail (backend <= DG_INFERENCE_BACKEND_OFFLINE, NULL);
  g_return_val_if_fail (base_url != NULL || backend == DG_INFERENCE_BACKEND_OFFLINE, NULL);

  self = g_new0 (DgInferenceEndpoint, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->backend = backend;
  self->base_url = g_strdup (base_url);
  return self;
}

DgInferenceEndpoint *
dg_inference_endpoint_ref (DgInferenceEndpoint *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
dg_inference_endpoint_unref (DgInferenceEndpoint *self)
{
  g_return_if_fail (self != NULL);
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_free (self->base_url);
  g_free (self->path);
  g_free (self->model);
  if (self->api_key != NULL)
    explicit_bzero (self->api_key, strlen (self->api_key));
  g_free (self->api_key);
  g_clear_pointer (&self->parameters, json_object_unref);
  g_free (self);
}

void
dg_inference_endpoint_freeze (DgInferenceEndpoint *self)
{
  g_atomic_int_set (&self->frozen, TRUE);
}

#define RETURN_IF_FROZEN(self)                            \
  G_STMT_START                                            \
  {                                                       \
    g_return_if_fail (self != NULL);                      \
    g_return_if_fail (!g_atomic_int_get (&self->frozen)); \
  }                                                       \
  G_STMT_END

void
dg_inference_endpoint_set_path (DgInferenceEndpoint *self, const char *path)
{
  g_autofree char *stripped = NULL;

  RETURN_IF_FROZEN (self);
  g_clear_pointer (&self->path, g_free);
  if (path == NULL)
    return;
  stripped = g_strstrip (g_strdup (path));
  if (*stripped == '\0')
    return;
  self->path = stripped[0] == '/' ? g_steal_pointer (&stripped) : g_strconcat ("/", stripped, NULL);
}

void
dg_inference_endpoint_set_model (DgInferenceEndpoint *self, const char *model)
{
  RETURN_IF_FROZEN (self);
  g_free (self->model);
  self->model = model != NULL && *model != '\0' ? g_strdup (model) : NULL;
}

void
dg_inference_endpoint_set_api_key (DgInferenceEndpoint *self, const char *api_key)
{
  RETURN_IF_FROZEN (self);
  if (self->api_key != NULL)
    explicit_bzero (self->api_key, strlen (self->api_key));
  g_free (self->api_key);
  self->api_key = api_key != NULL && *api_key != '\0' ? g_strdup (api_key) : NULL;
}

void
dg_inference_endpoint_set_parameters (DgInferenceEndpoint *self, JsonObject *parameters)
{
  RETURN_IF_FROZEN (self);
  g_clear_pointer (&self->parameters, json_object_unref);
  /* A private copy: requests on other threads read it, and json-glib counts without atomics. */
  if (parameters != NULL)
    self->parameters = dg_json_object_copy (parameters);
}

void
dg_inference_endpoint_set_timeouts (DgInferenceEndpoint *self, guint connect_timeout_ms,
                                    guint timeout_ms)
{
  RETURN_IF_FROZEN (self);
  self->connect_timeout_ms = connect_timeout_ms;
  self->timeout_ms = timeout_ms;
}

void
dg_inference_endpoint_set_url_policy (DgInferenceEndpoint *self, DgUrlPolicyFlags flags)
{
  RETURN_IF_FROZEN (self);
  self->url_policy = flags;
}

DgInferenceBackend
dg_inference_endpoint_get_backend (DgInferenceEndpoint *self)
{
  g_return_val_if_fail (self != NULL, DG_INFERENCE_BACKEND_OFFLINE);
  return self->backend;
}

const char *
dg_inference_endpoint_get_base_url (DgInferenceEndpoint *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->base_url;
}

/**
 * dg_inference_endpoint_get_path:
 * @self: an endpoint
 *
 * Returns: the path requests go to (the backend default when none was set), or NULL for
 * the offline backend.
 */
const char *
dg_inference_endpoint_get_path (DgInferenceEndpoint *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  if (self->path != NULL)
    return self->path;
  switch (self->backend)
    {
    case DG_INFERENCE_BACKEND_RATIO1:
      return "/create_chat_completion";
    case DG_INFERENCE_BACKEND_OPENAI:
      return "/chat/completions";
    case DG_INFERENCE_BACKEND_OFFLINE:
    default:
      return NULL;
    }
}

const char *
dg_inference_endpoint_get_model (DgInferenceEndpoint *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->model;
}

gboolean
dg_inference_endpoint_has_api_key (DgInferenceEndpoint *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->api_key != NULL;
}

JsonObject *
dg_inference_endpoint_get_parameters (DgInferenceEndpoint *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->parameters;
}

DgUrlPolicyFlags
dg_inference_endpoint_get_url_policy (DgInferenceEndpoint *self)
{
  g_return_val_if_fail (self != NULL, DG_URL_POLICY_NONE);
  return self->url_policy;
}

char *
dg_inference_endpoint_dup_request_url (DgInferenceEndpoint *self)
{
  gsize len;

  g_return_val_if_fail (self != NULL, NULL);
  if (self->backend == DG_INFERENCE_BACKEND_OFFLINE || self->base_url == NULL)
    return NULL;
  /* Upstream 5.1: one trailing '/' of the base is dropped, then the path is appended. */
  len = strlen (self->base_url);
  if (len > 0 && self->base_url[len - 1] == '/')
    len--;
  return g_strdup_printf ("%.*s%s", (int) len, self->base_url,
                          dg_inference_endpoint_get_path (self));
}

char *
dg_inference_endpoint_dup_key (DgInferenceEndpoint *self)
{
  g_autofree char *url = dg_inference_endpoint_dup_request_url (self);

  return g_strdup_printf ("%s %s %s", dg_inference_backend_to_string (self->backend),
                          url != NULL ? url : "-", self->model != NULL ? self->model : "-");
}

DgInferenceEndpoint *
dg_inference_endpoint_resolve (DgConfig *config, int backend, const char *base_url,
                               const char *path, const char *model, const char *api_key,
                               JsonObject *parameters, DgUrlPolicyFlags url_policy)
{
  DgInferenceEndpoint *self;
  DgInferenceBackend kind;

  g_return_val_if_fail (config != NULL, NULL);

  if (base_url != NULL && *base_url == '\0')
    base_url = NULL;

  if (config->mock_inference || (base_url == NULL && config->inference_base_url == NULL))
    {
      self = dg_inference_endpoint_new (DG_INFERENCE_BACKEND_OFFLINE, NULL);
      dg_inference_endpoint_set_model (self, model);
      dg_inference_endpoint_set_parameters (self, parameters);
      return self;
    }

  if (base_url == NULL)
    {
      /* The internal server speaks Ratio1 and is the operator's choice: never checked. */
      self = dg_inference_endpoint_new (DG_INFERENCE_BACKEND_RATIO1, config->inference_base_url);
      dg_inference_endpoint_set_url_policy (self, DG_URL_POLICY_ALLOW_PRIVATE);
    }
  else
    {
      kind = backend >= 0 && backend <= DG_INFERENCE_BACKEND_OFFLINE
                 ? (DgInferenceBackend) backend
                 : dg_inference_backend_guess (base_url, path);
      self =
          dg_inference_endpoint_new (kind, kind == DG_INFERENCE_BACKEND_OFFLINE ? NULL : base_url);
      dg_inference_endpoint_set_url_policy (self, url_policy);
    }
  dg_inference_endpoint_set_path (self, path);
  dg_inference_endpoint_set_model (self, model);
  dg_inference_endpoint_set_api_key (self, api_key);
  dg_inference_endpoint_set_parameters (self, parameters);
  return self;
}

DgInferenceBackend
dg_inference_backend_guess (const char *base_url, const char *path)
{
  g_autofree char *p = path != NULL ? g_strstrip (g_strdup (path)) : NULL;
  g_autofree char *b = base_url != NULL ? g_strstrip (g_strdup (base_url)) : NULL;

  if (p != NULL && *p != '\0')
    {
      gsize len = strlen (p);
      while (len > 0 && p[len - 1] == '/')
        p[--len] = '\0';
      return g_str_has_suffix (p, "chat/completions") ? DG_INFERENCE_BACKEND_OPENAI
                                                      : DG_INFERENCE_BACKEND_RATIO1;
    }
  if (b != NULL)
    {
      gsize len = strlen (b);
      while (len > 0 && b[len - 1] == '/')
        b[--len] = '\0';
      if (g_str_has_suffix (b, "/v1"))
        return DG_INFERENCE_BACKEND_OPENAI;
    }
  return DG_INFERENCE_BACKEND_RATIO1;
}

const char *
dg_inference_backend_to_string (DgInferenceBackend backend)
{
  switch (backend)
    {
    case DG_INFERENCE_BACKEND_RATIO1:
      return "ratio1";
    case DG_INFERENCE_BACKEND_OPENAI:
      return "openai";
    case DG_INFERENCE_BACKEND_OFFLINE:
      return "offline";
    default:
      return "unknown";
    }
}

gboolean
dg_inference_backend_from_string (const char *name, DgInferenceBackend *out_backend)
{
  static const DgInferenceBackend all[] = { DG_INFERENCE_BACKEND_RATIO1,
                                            DG_INFERENCE_BACKEND_OPENAI,
                                            DG_INFERENCE_BACKEND_OFFLINE };

  g_return_val_if_fail (out_backend != NULL, FALSE);
  if (name == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    if (g_ascii_strcasecmp (name, dg_inference_backend_to_string (all[i])) == 0)
      {
        *out_backend = all[i];
        return TRUE;
      }
  return FALSE;
}
