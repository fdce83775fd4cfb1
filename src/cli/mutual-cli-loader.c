/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <gmodule.h>

#include "mutual-cli.h"

/* Loads mutualctl-services, the module of keyring and CA commands, the first time a
 * command needs it. Why it is a module: src/cli/meson.build. */

#define SERVICES_MODULE "mutualctl-services.so"

/* Run from the build tree, as the tests do, the module is the one built beside the
 * executable; installed, it is the one in the package's library folder. */
static char *
services_module_path (void)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *folder = self != NULL ? g_path_get_dirname (self) : NULL;

  if (folder != NULL && g_str_equal (folder, MUTUAL_CLI_BUILD_DIR))
    return g_build_filename (folder, SERVICES_MODULE, NULL);
  return g_build_filename (MUTUAL_CLI_MODULE_DIR, SERVICES_MODULE, NULL);
}

/**
 * mutual_cli_get_services:
 *
 * Loads the module once per process; it stays loaded.
 *
 * Returns: (transfer none): the module's commands and functions, or %NULL with @error
 *   set when it cannot be loaded (a broken installation)
 */
const MutualCliServices *
mutual_cli_get_services (GError **error)
{
  static const MutualCliServices *services = NULL;
  static char *failure = NULL;
  g_autofree char *path = NULL;
  MutualCliServicesInit init = NULL;
  GModule *module;

  if (services != NULL)
    return services;

  if (failure == NULL)
    {
      path = services_module_path ();
      /* Every symbol is bound now: a module from another build fails here, whole,
       * rather than in the middle of a command. */
      module = g_module_open (path, G_MODULE_BIND_LOCAL);
      if (module == NULL)
        {
          /* GModule's message names the file. */
          failure = g_strdup_printf (_("mutualctl’s keyring and CA commands cannot be loaded: "
                                       "%s. Reinstall Mutual."),
                                     g_module_error ());
        }
      else if (!g_module_symbol (module, MUTUAL_CLI_SERVICES_INIT, (gpointer *) &init) ||
               init == NULL)
        {
          failure = g_strdup_printf (_("%s is not mutualctl’s module of keyring and CA "
                                       "commands: %s. Reinstall Mutual."),
                                     path, g_module_error ());
          g_module_close (module);
        }
      else
        {
          g_module_make_resident (module);
          services = init ();
          return services;
        }
    }

  g_set_error_literal (error, MUTUAL_ERROR, MUTUAL_ERROR_FAILED, failure);
  return NULL;
}
