/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-test"

#include "config.h"

#include "dg-notify-standin.h"

#define NOTIFY_NAME "org.freedesktop.Notifications"
#define NOTIFY_PATH "/org/freedesktop/Notifications"

static const char introspection_xml[] =
    "<node>"
    "  <interface name='org.freedesktop.Notifications'>"
    "    <method name='Notify'>"
    "      <arg type='s' direction='in'/><arg type='u' direction='in'/>"
    "      <arg type='s' direction='in'/><arg type='s' direction='in'/>"
    "      <arg type='s' direction='in'/><arg type='as' direction='in'/>"
    "      <arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
    "      <arg type='u' direction='out'/>"
    "    </method>"
    "    <method name='CloseNotification'><arg type='u' direction='in'/></method>"
    "    <method name='GetCapabilities'><arg type='as' direction='out'/></method>"
    "    <method name='GetServerInformation'>"
    "      <arg type='s' direction='out'/><arg type='s' direction='out'/>"
    "      <arg type='s' direction='out'/><arg type='s' direction='out'/>"
    "    </method>"
    "    <signal name='ActionInvoked'><arg type='u'/><arg type='s'/></signal>"
    "    <signal name='NotificationClosed'><arg type='u'/><arg type='u'/></signal>"
    "  </interface>"
    "</node>";

struct _DgNotifyStandin
{
  GDBusConnection *connection;
  guint registration;
  GPtrArray *calls; /* DgNotifyCall* */
  guint32 next_id;
};

static void
notify_call_free (DgNotifyCall *call)
{
  g_free (call->app_name);
  g_free (call->summary);
  g_free (call->body);
  g_strfreev (call->actions);
  g_free (call);
}

static void
handle_method (GDBusConnection *connection, const char *sender, const char *path,
               const char *interface, const char *method, GVariant *parameters,
               GDBusMethodInvocation *invocation, gpointer user_data)
{
  DgNotifyStandin *self = user_data;

  if (g_str_equal (method, "Notify"))
    {
      DgNotifyCall *call = g_new0 (DgNotifyCall, 1);
      guint32 replaces;

      g_variant_get (parameters, "(susss^as@a{sv}i)", &call->app_name, &replaces, NULL,
                     &call->summary, &call->body, &call->actions, NULL, NULL);
      call->id = replaces != 0 ? replaces : ++self->next_id;
      g_ptr_array_add (self->calls, call);
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", call->id));
    }
  else if (g_str_equal (method, "CloseNotification"))
    g_dbus_method_invocation_return_value (invocation, NULL);
  else if (g_str_equal (method, "GetCapabilities"))
    {
      const char *caps[] = { "actions", "body", NULL };

      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(^as)", caps));
    }
  else
    g_dbus_method_invocation_return_value (
        invocation, g_variant_new ("(ssss)", "dg-notify-standin", "DataGems", "1", "1.2"));
}

static const GDBusInterfaceVTable vtable = { handle_method, NULL, NULL, { 0 } };

DgNotifyStandin *
dg_notify_standin_new (GError **error)
{
  g_autoptr (GDBusNodeInfo) info = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autofree char *address = NULL;
  DgNotifyStandin *self;
  guint32 result = 0;

  address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, error);
  if (address == NULL)
    return NULL;
  self = g_new0 (DgNotifyStandin, 1);
  self->calls = g_ptr_array_new_with_free_func ((GDestroyNotify) notify_call_free);
  /* A connection of its own: the application's calls travel through the bus daemon. */
  self->connection =
      g_dbus_connection_new_for_address_sync (address,
                                              G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                  G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                              NULL, NULL, error);
  if (self->connection == NULL)
    {
      dg_notify_standin_free (self);
      return NULL;
    }
  info = g_dbus_node_info_new_for_xml (introspection_xml, error);
  g_assert_nonnull (info);
  self->registration = g_dbus_connection_register_object (
      self->connection, NOTIFY_PATH, info->interfaces[0], &vtable, self, NULL, error);
  if (self->registration != 0)
    reply = g_dbus_connection_call_sync (
        self->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
        "RequestName", g_variant_new ("(su)", NOTIFY_NAME, 4 /* DO_NOT_QUEUE */),
        G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, error);
  if (reply != NULL)
    g_variant_get (reply, "(u)", &result);
  if (reply != NULL && result != 1 /* PRIMARY_OWNER */)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "%s is owned by another process",
                 NOTIFY_NAME);
  if (result != 1)
    {
      dg_notify_standin_free (self);
      return NULL;
    }
  return self;
}

void
dg_notify_standin_free (DgNotifyStandin *self)
{
  if (self == NULL)
    return;
  if (self->registration != 0)
    g_dbus_connection_unregister_object (self->connection, self->registration);
  if (self->connection != NULL)
    g_dbus_connection_close_sync (self->connection, NULL, NULL);
  g_clear_object (&self->connection);
  g_ptr_array_unref (self->calls);
  g_free (self);
}

guint
dg_notify_standin_get_n_calls (DgNotifyStandin *self)
{
  return self->calls->len;
}

const DgNotifyCall *
dg_notify_standin_get_call (DgNotifyStandin *self, guint index)
{
  g_assert_cmpuint (index, <, self->calls->len);
  return g_ptr_array_index (self->calls, index);
}

void
dg_notify_standin_invoke (DgNotifyStandin *self, guint32 id, const char *action)
{
  g_autoptr (GError) error = NULL;

  g_dbus_connection_emit_signal (self->connection, NULL, NOTIFY_PATH, NOTIFY_NAME, "ActionInvoked",
                                 g_variant_new ("(us)", id, action), &error);
  g_assert_no_error (error);
  g_dbus_connection_flush_sync (self->connection, NULL, &error);
  g_assert_no_error (error);
}
