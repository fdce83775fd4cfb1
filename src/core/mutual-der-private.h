/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A minimal DER reader: enough to size an object, tell what a blob is before handing
 * it to GnuTLS, and explain why a truncated file cannot be read. */

typedef struct
{
  guint8 tag;
  gsize header_length;
  gsize content_length;
} MutualDerHeader;

gboolean _mutual_der_read_header   (const guint8    *data,
                                    gsize            length,
                                    MutualDerHeader *header);
gboolean _mutual_der_child         (const guint8    *data,
                                    gsize            length,
                                    guint            index,
                                    const guint8   **child,
                                    gsize           *child_length);

G_END_DECLS
