/* SPDX-License-Identifier: GPL-3.0-or-later */

/* A Secret Service that never answers: it takes the org.freedesktop.secrets name on
 * the session bus, says so on standard output, and stops itself. Calls to it wait for
 * a reply that does not come, as they would to a hung keyring daemon. */

#include <gio/gio.h>
#include <signal.h>
#include <stdio.h>

int
main (void)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (bus == NULL)
    {
      g_printerr ("silent-secrets: %s\n", error->message);
      return 1;
    }
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", "org.freedesktop.secrets", 4),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
  if (reply == NULL)
    {
      g_printerr ("silent-secrets: %s\n", error->message);
      return 1;
    }

  printf ("ready\n");
  fflush (stdout);
  raise (SIGSTOP);
  return 0;
}
