/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-keyring"

#include "config.h"

#include <libsecret/secret.h>
#include <string.h>

#include "dg-keyring.h"

#define SECRETS_NAME "org.freedesktop.secrets"
#define PORTAL_NAME "org.freedesktop.portal.Desktop"
#define INSTALLATION_CONTEXT ":datagems:keyring-installation:v1"
/* Bus daemon calls answer at once; this only bounds a wedged bus. */
#define BUS_TIMEOUT_MS 5000

G_DEFINE_QUARK (dg_keyring_error_quark, dg_keyring_error)

static const SecretSchema api_key_schema = {
  .name = "ro.smartclover.DataGems.ApiKey",
  .flags = SECRET_SCHEMA_NONE,
  .attributes = {
    { "installation", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "owner", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "profile", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

/**
 * dg_keyring_installation_id:
 * @secret: a per-installation secret
 *
 * Returns: (transfer full): 16 hex digits that reveal nothing about @secret.
 */
char *
dg_keyring_installation_id (const char *secret)
{
  g_autofree char *material = NULL;
  guint8 digest[DG_SHA256_LENGTH];
  GString *out = g_string_sized_new (16);

  g_return_val_if_fail (secret != NULL, NULL);

  material = g_strconcat (secret, INSTALLATION_CONTEXT, NULL);
  dg_crypto_sha256 (material, strlen (material), digest);
  dg_crypto_wipe (material, strlen (material));
  for (guint i = 0; i < 8; i++)
    g_string_append_printf (out, "%02x", digest[i]);
  return g_string_free (out, FALSE);
}

/* DATAGEMS_KEYRING=off (0, false, no) in the process environment wins over everything, so a
 * test harness that builds its configuration from a private environment stays off too. */
static gboolean
switched_off (void)
{
  static const char *const falsy[] = { "0", "false", "no", "off" };
  g_autofree char *value = g_strdup (g_getenv ("DATAGEMS_KEYRING"));

  if (value == NULL)
    return FALSE;
  g_strstrip (value);
  for (guint i = 0; i < G_N_ELEMENTS (falsy); i++)
    if (g_ascii_strcasecmp (value, falsy[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Only a bus that is really there: GLib would otherwise try to autolaunch one through X11. */
static gboolean
session_bus_configured (void)
{
  const char *address = g_getenv ("DBUS_SESSION_BUS_ADDRESS");
  g_autofree char *socket = NULL;

  if (address != NULL && *address != '\0')
    return TRUE;
  socket = g_build_filename (g_get_user_runtime_dir (), "bus", NULL);
  return g_file_test (socket, G_FILE_TEST_EXISTS);
}

static GVariant *
bus_call (GDBusConnection *bus, const char *method, GVariant *args, const char *reply_type,
          GCancellable *cancellable)
{
  return g_dbus_connection_call_sync (
      bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", method, args,
      G_VARIANT_TYPE (reply_type), G_DBUS_CALL_FLAGS_NONE, BUS_TIMEOUT_MS, cancellable, NULL);
}

/* Whether @name is owned or can be started on @bus. */
static gboolean
name_present (GDBusConnection *bus, const char *name, GCancellable *cancellable)
{
  g_autoptr (GVariant) owned = NULL;
  g_autoptr (GVariant) names = NULL;
  g_autofree const char **list = NULL;
  gboolean has_owner = FALSE;

  owned = bus_call (bus, "NameHasOwner", g_variant_new ("(s)", name), "(b)", cancellable);
  if (owned != NULL)
    g_variant_get (owned, "(b)", &has_owner);
  if (has_owner)
    return TRUE;
  names = bus_call (bus, "ListActivatableNames", NULL, "(as)", cancellable);
  if (names == NULL)
    return FALSE;
  g_variant_get (names, "(^a&s)", &list);
  return g_strv_contains ((const char *const *) list, name);
}

/* Inside a Flatpak sandbox (or when asked with SECRET_BACKEND=file) libsecret keeps secrets in
 * a file of the app's own, encrypted with a key from the Secret portal: nothing to unlock. */
static gboolean
uses_portal (GDBusConnection *bus, GCancellable *cancellable)
{
  const char *backend = g_getenv ("SECRET_BACKEND");

  if (backend != NULL && *backend != '\0')
    return g_strcmp0 (backend, "file") == 0;
  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS) &&
         name_present (bus, PORTAL_NAME, cancellable);
}

static void
set_failed (GError **error, GError *cause)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, cause);
  else
    {
      g_set_error (error, DG_KEYRING_ERROR, DG_KEYRING_ERROR_FAILED, "The keyring failed: %s",
                   cause->message);
      g_error_free (cause);
    }
}

/* dg_keyring_check(); @out_portal: whether libsecret goes through the Secret portal. */
static gboolean
check (GCancellable *cancellable, gboolean *out_portal, GError **error)
{
  g_autoptr (GDBusConnection) bus = NULL;
  g_autoptr (SecretService) service = NULL;
  g_autoptr (SecretCollection) collection = NULL;
  GError *local_error = NULL;

  if (switched_off ())
    {
      g_set_error_literal (error, DG_KEYRING_ERROR, DG_KEYRING_ERROR_UNAVAILABLE,
                           "The keyring is switched off (DATAGEMS_KEYRING)");
      return FALSE;
    }
  if (!session_bus_configured ())
    {
      g_set_error_literal (error, DG_KEYRING_ERROR, DG_KEYRING_ERROR_UNAVAILABLE,
                           "There is no D-Bus session bus");
      return FALSE;
    }
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, cancellable, &local_error);
  if (bus == NULL)
    {
      g_set_error (error, DG_KEYRING_ERROR, DG_KEYRING_ERROR_UNAVAILABLE,
                   "The D-Bus session bus cannot be reached: %s", local_error->message);
      g_error_free (local_error);
      return FALSE;
    }
  *out_portal = uses_portal (bus, cancellable);
  if (*out_portal)
    return TRUE;
  if (!name_present (bus, SECRETS_NAME, cancellable))
    {
      g_set_error_literal (error, DG_KEYRING_ERROR, DG_KEYRING_ERROR_UNAVAILABLE,
                           "No Secret Service (keyring) runs on the session bus");
      return FALSE;
    }
  /* libsecret would prompt to create or unlock the default keyring; we never do. */
  service = secret_service_get_sync (SECRET_SERVICE_NONE, cancellable, &local_error);
  if (service != NULL)
    collection = secret_collection_for_alias_sync (
        service, SECRET_COLLECTION_DEFAULT, SECRET_COLLECTION_NONE, cancellable, &local_error);
  if (local_error != NULL)
    {
      set_failed (error, local_error);
      return FALSE;
    }
  if (collection == NULL)
    {
      g_set_error_literal (error, DG_KEYRING_ERROR, DG_KEYRING_ERROR_UNAVAILABLE,
                           "The Secret Service has no default keyring");
      return FALSE;
    }
  if (secret_collection_get_locked (collection))
    {
      g_set_error_literal (error, DG_KEYRING_ERROR, DG_KEYRING_ERROR_LOCKED,
                           "Your keyring is locked; unlock it and try again");
      return FALSE;
    }
  return TRUE;
}

/**
 * dg_keyring_check:
 *
 * Returns: whether the keyring can be used now, without any prompt.
 */
gboolean
dg_keyring_check (GCancellable *cancellable, GError **error)
{
  gboolean portal = FALSE;

  return check (cancellable, &portal, error);
}

static GHashTable *
item_attributes (const DgKeyringItem *item)
{
  GHashTable *attributes = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (attributes, (gpointer) "installation", (gpointer) item->installation);
  g_hash_table_insert (attributes, (gpointer) "owner", (gpointer) item->owner);
  g_hash_table_insert (attributes, (gpointer) "profile", (gpointer) item->profile);
  return attributes;
}

static gboolean
item_valid (const DgKeyringItem *item)
{
  return item != NULL && item->installation != NULL && item->owner != NULL && item->profile != NULL;
}

/**
 * dg_keyring_store:
 * @item: which key
 * @label: what the user sees in their keyring manager
 * @secret: the key
 *
 * Returns: whether @secret is now in the default keyring.
 */
gboolean
dg_keyring_store (const DgKeyringItem *item, const char *label, const char *secret,
                  GCancellable *cancellable, GError **error)
{
  g_autoptr (GHashTable) attributes = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (item_valid (item), FALSE);
  g_return_val_if_fail (label != NULL && secret != NULL, FALSE);

  if (!dg_keyring_check (cancellable, error))
    return FALSE;
  attributes = item_attributes (item);
  if (!secret_password_storev_sync (&api_key_schema, attributes, SECRET_COLLECTION_DEFAULT, label,
                                    secret, cancellable, &local_error))
    {
      set_failed (error, local_error);
      return FALSE;
    }
  g_debug ("Stored the API key of profile %s in the keyring", item->profile);
  return TRUE;
}

/**
 * dg_keyring_lookup:
 * @item: which key
 *
 * Returns: (transfer full) (nullable): the key, to be freed with dg_secret_free().
 */
/* Through the Secret portal: libsecret's own file, nothing can be locked. */
static DgSecret *
lookup_in_portal (GHashTable *attributes, GCancellable *cancellable, GError **error)
{
  GError *local_error = NULL;
  char *found;
  DgSecret *secret;

  found = secret_password_lookupv_sync (&api_key_schema, attributes, cancellable, &local_error);
  if (local_error != NULL)
    {
      set_failed (error, local_error);
      return NULL;
    }
  if (found == NULL)
    {
      g_set_error_literal (error, DG_KEYRING_ERROR, DG_KEYRING_ERROR_NOT_FOUND,
                           "The keyring has no such item");
      return NULL;
    }
  secret = g_strdup (found);
  secret_password_free (found); /* wipes its copy */
  return secret;
}

/* Through the Secret Service: a search that never unlocks (so never prompts); a locked item is
 * an error. (This path also avoids libsecret 0.20's lookup, which leaks every reply.) */
static DgSecret *
lookup_in_service (GHashTable *attributes, GCancellable *cancellable, GError **error)
{
  g_autoptr (SecretService) service = NULL;
  GList *items = NULL;
  GError *local_error = NULL;
  DgSecret *secret = NULL;
  gboolean locked = FALSE;

  service = secret_service_get_sync (SECRET_SERVICE_OPEN_SESSION, cancellable, &local_error);
  if (service != NULL)
    items = secret_service_search_sync (service, &api_key_schema, attributes,
                                        SECRET_SEARCH_ALL | SECRET_SEARCH_LOAD_SECRETS, cancellable,
                                        &local_error);
  if (local_error != NULL)
    {
      set_failed (error, local_error);
      return NULL;
    }
  for (GList *l = items; l != NULL && secret == NULL; l = l->next)
    {
      g_autoptr (SecretValue) value = secret_item_get_secret (l->data);
      const char *text = value != NULL ? secret_value_get_text (value) : NULL;

      if (text != NULL)
        secret = g_strdup (text);
      else if (secret_item_get_locked (l->data))
        locked = TRUE;
    }
  g_list_free_full (items, g_object_unref);
  if (secret != NULL)
    return secret;
  if (locked)
    g_set_error_literal (error, DG_KEYRING_ERROR, DG_KEYRING_ERROR_LOCKED,
                         "The keyring that holds the key is locked; unlock it and try again");
  else
    g_set_error_literal (error, DG_KEYRING_ERROR, DG_KEYRING_ERROR_NOT_FOUND,
                         "The keyring has no such item");
  return NULL;
}

DgSecret *
dg_keyring_lookup (const DgKeyringItem *item, GCancellable *cancellable, GError **error)
{
  g_autoptr (GHashTable) attributes = NULL;
  gboolean portal = FALSE;

  g_return_val_if_fail (item_valid (item), NULL);

  if (!check (cancellable, &portal, error))
    return NULL;
  attributes = item_attributes (item);
  if (portal)
    return lookup_in_portal (attributes, cancellable, error);
  return lookup_in_service (attributes, cancellable, error);
}

/**
 * dg_keyring_clear:
 * @item: which key
 *
 * Returns: FALSE only when the keyring could not be asked.
 */
gboolean
dg_keyring_clear (const DgKeyringItem *item, GCancellable *cancellable, GError **error)
{
  g_autoptr (GHashTable) attributes = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (item_valid (item), FALSE);

  if (!dg_keyring_check (cancellable, error))
    return FALSE;
  attributes = item_attributes (item);
  if (!secret_password_clearv_sync (&api_key_schema, attributes, cancellable, &local_error) &&
      local_error != NULL)
    {
      set_failed (error, local_error);
      return FALSE;
    }
  g_debug ("Removed the API key of profile %s from the keyring", item->profile);
  return TRUE;
}
