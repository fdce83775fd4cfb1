/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * MutualComponentVersion:
 * @name: the library's name, for example "GnuTLS"
 * @version: the version in use at run time where the library can tell, otherwise the
 *   version Mutual was built against
 *
 * One library Mutual is built on, as reported by `mutualctl version`.
 */
typedef struct
{
  const char *name;
  char *version;
} MutualComponentVersion;

const char *mutual_version_string (void);
GArray     *mutual_version_components (void);

G_END_DECLS
