/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gnutls/gnutls.h>
#include <json-glib/json-glib.h>
#include <libsecret/secret.h>
#include <libsoup/soup.h>

#include "mutual-version.h"

/**
 * mutual_version_string:
 *
 * Returns: Mutual's own version, for example "0.1.0"
 */
const char *
mutual_version_string (void)
{
  return PACKAGE_VERSION;
}

static void
clear_component (MutualComponentVersion *component)
{
  g_clear_pointer (&component->version, g_free);
}

static void
add_component (GArray     *array,
               const char *name,
               char       *version)
{
  MutualComponentVersion component = { name, version };

  g_array_append_val (array, component);
}

/**
 * mutual_version_components:
 *
 * Lists the libraries that do the security-relevant work, with the versions loaded at
 * run time. Bug reports need these: a handshake that fails with one GnuTLS release may
 * succeed with the next.
 *
 * Returns: (transfer full) (element-type MutualComponentVersion): the components
 */
GArray *
mutual_version_components (void)
{
  GArray *array = g_array_new (FALSE, TRUE, sizeof (MutualComponentVersion));

  g_array_set_clear_func (array, (GDestroyNotify) clear_component);

  add_component (array, "GLib",
                 g_strdup_printf ("%u.%u.%u", glib_major_version, glib_minor_version,
                                  glib_micro_version));
  add_component (array, "GnuTLS", g_strdup (gnutls_check_version (NULL)));
  /* libsecret and json-glib have no run-time version query. */
  add_component (array, "libsecret",
                 g_strdup_printf ("%d.%d.%d", SECRET_MAJOR_VERSION, SECRET_MINOR_VERSION,
                                  SECRET_MICRO_VERSION));
  add_component (array, "libsoup",
                 g_strdup_printf ("%u.%u.%u", soup_get_major_version (),
                                  soup_get_minor_version (), soup_get_micro_version ()));
  add_component (array, "json-glib", g_strdup (JSON_VERSION_S));

  return array;
}
