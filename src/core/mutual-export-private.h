/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mutual-certificate.h"
#include "mutual-private-key.h"

G_BEGIN_DECLS

GBytes *_mutual_bytes_new_wiped   (gconstpointer      data,
                                   gsize              length);
GBytes *_mutual_export_key_pkcs8  (MutualPrivateKey  *key,
                                   const char        *password,
                                   gboolean           pem,
                                   GError           **error);
char   *_mutual_export_pem_chain  (GPtrArray         *certificates);
GBytes *_mutual_export_pem_bundle (GPtrArray         *certificates,
                                   MutualPrivateKey  *key,
                                   const char        *password,
                                   GError           **error);
gboolean _mutual_write_private_file (GFile            *destination,
                                     GBytes           *data,
                                     GError          **error);
GBytes *_mutual_export_pkcs12     (GPtrArray         *certificates,
                                   MutualPrivateKey  *key,
                                   const char        *friendly_name,
                                   const char        *password,
                                   GError           **error);

G_END_DECLS
