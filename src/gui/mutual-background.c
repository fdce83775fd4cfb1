/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "mutual-background.h"

/* Starting Mutual in the background when the user logs in, so that it keeps renewing
 * certificates with its window closed ("Run in Background" in Preferences).
 *
 * Inside Flatpak, the sandbox cannot write autostart files: the Background portal
 * (org.freedesktop.portal.Background.RequestBackground) asks the user, and writes the
 * autostart entry itself when "autostart" is true, or removes it when false. Outside,
 * Mutual writes, or removes, an XDG autostart entry in $XDG_CONFIG_HOME/autostart.
 * Both start `mutual --background`, which runs the renewal agent without a window.
 *
 * Everything here is asynchronous, and a failure only costs the autostart: it is
 * logged, and running in the background still works while the session lasts. */

#define PORTAL_BUS_NAME "org.freedesktop.portal.Desktop"
#define PORTAL_OBJECT_PATH "/org/freedesktop/portal/desktop"
#define PORTAL_BACKGROUND_INTERFACE "org.freedesktop.portal.Background"

static gboolean
in_flatpak (void)
{
  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
}

/**
 * mutual_background_autostart_path:
 *
 * Returns: (transfer full): the autostart entry written outside Flatpak
 */
char *
mutual_background_autostart_path (void)
{
  g_autofree char *name = g_strconcat (APPLICATION_ID, ".desktop", NULL);

  return g_build_filename (g_get_user_config_dir (), "autostart", name, NULL);
}

/* The Background portal */

static void
background_requested_cb (GObject      *source_object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source_object), result, &error);
  if (reply == NULL)
    g_message ("The Background portal refused the request: %s", error->message);
  /* The user's answer comes later, on the request object; the portal keeps it. */
}

static void
request_background (GtkApplication *application,
                    gboolean        enabled)
{
  GDBusConnection *connection = g_application_get_dbus_connection (G_APPLICATION (application));
  GVariantBuilder options;
  const char *commandline[] = { "mutual", "--" MUTUAL_BACKGROUND_OPTION, NULL };
  g_autofree char *token = g_strdup_printf ("mutual%u", g_random_int ());

  if (connection == NULL)
    {
      g_message ("No session bus: cannot ask the Background portal to start Mutual at login");
      return;
    }

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "handle_token", g_variant_new_string (token));
  g_variant_builder_add (&options, "{sv}", "reason",
                         g_variant_new_string (_("Mutual renews your certificates before they expire, "
                                                 "also while its window is closed")));
  g_variant_builder_add (&options, "{sv}", "autostart", g_variant_new_boolean (enabled));
  g_variant_builder_add (&options, "{sv}", "commandline", g_variant_new_strv (commandline, -1));
  g_variant_builder_add (&options, "{sv}", "dbus-activatable", g_variant_new_boolean (FALSE));

  g_dbus_connection_call (connection, PORTAL_BUS_NAME, PORTAL_OBJECT_PATH, PORTAL_BACKGROUND_INTERFACE,
                          "RequestBackground", g_variant_new ("(sa{sv})", "", &options),
                          G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NONE, 10000, NULL,
                          background_requested_cb, NULL);
}

/* The XDG autostart entry */

static void
written_cb (GObject      *source_object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source_object), result, NULL, &error))
    g_message ("Cannot write the autostart entry %s: %s", g_file_peek_path (G_FILE (source_object)),
               error->message);
}

static void
deleted_cb (GObject      *source_object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!g_file_delete_finish (G_FILE (source_object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    g_message ("Cannot remove the autostart entry %s: %s", g_file_peek_path (G_FILE (source_object)),
               error->message);
}

/* The program that runs now, so that a build run from its folder starts itself. */
static char *
program_path (void)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *found = NULL;

  if (self != NULL)
    return g_steal_pointer (&self);
  found = g_find_program_in_path ("mutual");
  return found != NULL ? g_steal_pointer (&found) : g_strdup ("mutual");
}

static void
write_autostart (gboolean enabled)
{
  g_autofree char *path = mutual_background_autostart_path ();
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *program = NULL;
  g_autofree char *quoted = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize length;

  if (!enabled)
    {
      g_file_delete_async (file, G_PRIORITY_DEFAULT, NULL, deleted_cb, NULL);
      return;
    }

  program = program_path ();
  quoted = g_shell_quote (program);
  contents = g_strdup_printf ("[Desktop Entry]\n"
                              "Type=Application\n"
                              "Name=%s\n"
                              "Comment=%s\n"
                              "Icon=%s\n"
                              "Exec=%s --%s\n"
                              "Terminal=false\n"
                              "NoDisplay=true\n"
                              "X-GNOME-Autostart-enabled=true\n",
                              _("Mutual"), _("Renews your client certificates in the background"),
                              APPLICATION_ID, quoted, MUTUAL_BACKGROUND_OPTION);
  length = strlen (contents);
  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      g_message ("Cannot create %s: %s", folder, g_strerror (errno));
      return;
    }
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL,
                                       written_cb, NULL);
}

/**
 * mutual_background_set_autostart:
 * @enabled: whether Mutual starts in the background when the user logs in
 *
 * Asks the Background portal (inside Flatpak) or writes or removes the XDG autostart
 * entry (outside).
 */
void
mutual_background_set_autostart (GtkApplication *application,
                                 gboolean        enabled)
{
  g_return_if_fail (GTK_IS_APPLICATION (application));

  if (in_flatpak ())
    request_background (application, enabled);
  else
    write_autostart (enabled);
}
