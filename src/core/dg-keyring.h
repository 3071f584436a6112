/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "dg-crypto.h"

G_BEGIN_DECLS

/*
 * The user's keyring (the freedesktop Secret Service through libsecret; inside a Flatpak
 * sandbox libsecret goes through the Secret portal instead). DataGems keeps inference
 * profiles' API keys there, one item per profile under the schema
 * "ro.smartclover.DataGems.ApiKey" with the attributes installation, owner and profile.
 *
 * Every call blocks on D-Bus: call from worker threads, never from the main loop. Nothing
 * here ever prompts: a missing or locked default keyring is reported as an error (the caller
 * falls back to encrypting in the database), so a headless server or a test can never hang
 * on a dialog. DATAGEMS_KEYRING=off in the process environment switches the keyring off
 * whatever the configuration says. Secrets are never logged.
 */

#define DG_KEYRING_ERROR (dg_keyring_error_quark ())

typedef enum
{
  DG_KEYRING_ERROR_UNAVAILABLE, /* switched off, no session bus, no Secret Service, no keyring */
  DG_KEYRING_ERROR_LOCKED,      /* the default keyring is locked (we never prompt to unlock it) */
  DG_KEYRING_ERROR_NOT_FOUND,   /* no item for this profile */
  DG_KEYRING_ERROR_FAILED,      /* the Secret Service refused or failed */
} DgKeyringError;

GQuark    dg_keyring_error_quark        (void);

/* Identifies one API key item. */
typedef struct
{
  const char *installation; /* dg_keyring_installation_id() of the database */
  const char *owner;
  const char *profile;
} DgKeyringItem;

/* A short public id (hex) derived from a per-installation secret, so that two databases of
 * one user never share items. */
char     *dg_keyring_installation_id    (const char          *secret);

/*
 * Whether a key stored now would go to the keyring: not switched off, a session bus, a
 * Secret Service (running or activatable) with an unlocked default keyring. Fast when there
 * is none. Errors: UNAVAILABLE, LOCKED.
 */
gboolean  dg_keyring_check              (GCancellable        *cancellable,
                                         GError             **error);

/* Stores (or replaces) @item's key in the default keyring, labelled @label. */
gboolean  dg_keyring_store              (const DgKeyringItem *item,
                                         const char          *label,
                                         const char          *secret,
                                         GCancellable        *cancellable,
                                         GError             **error);
/* @item's key (wipe it: DgSecret), or NULL with NOT_FOUND, UNAVAILABLE, LOCKED or FAILED. */
DgSecret *dg_keyring_lookup             (const DgKeyringItem *item,
                                         GCancellable        *cancellable,
                                         GError             **error);
/* Removes @item's key; no item is not an error. */
gboolean  dg_keyring_clear              (const DgKeyringItem *item,
                                         GCancellable        *cancellable,
                                         GError             **error);

G_END_DECLS
