/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * DgNotifyStandin: a stand-in desktop notification server for the UI tests. It owns
 * org.freedesktop.Notifications on the session bus over a connection of its own, so the
 * application's GNotification (GLib's freedesktop backend) reaches it through the real bus.
 * It records every Notify call and can emit ActionInvoked as if the user clicked one.
 * Runs on the thread-default main context of its creator.
 */
typedef struct _DgNotifyStandin DgNotifyStandin;

typedef struct {
  guint32  id;
  char    *app_name;
  char    *summary;
  char    *body;
  GStrv    actions;
} DgNotifyCall;

/* NULL with @error when there is no session bus or the name is owned already. */
DgNotifyStandin    *dg_notify_standin_new          (GError          **error);
void                dg_notify_standin_free         (DgNotifyStandin  *self);
/* Notify calls received so far. */
guint               dg_notify_standin_get_n_calls  (DgNotifyStandin  *self);
/* The @index-th call (0-based), owned by the stand-in. */
const DgNotifyCall *dg_notify_standin_get_call     (DgNotifyStandin  *self,
                                                    guint             index);
/* Emits ActionInvoked(@id, @action) ("default" is a click on the notification itself). */
void                dg_notify_standin_invoke       (DgNotifyStandin  *self,
                                                    guint32           id,
                                                    const char       *action);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DgNotifyStandin, dg_notify_standin_free)

G_END_DECLS
