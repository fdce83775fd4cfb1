/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mutual-gnutls-private.h"
#include "mutual-private-key.h"

G_BEGIN_DECLS

MutualPrivateKey      *_mutual_private_key_new_take (gnutls_x509_privkey_t  key,
                                                     const char            *format,
                                                     const char            *origin,
                                                     GError               **error);
gnutls_x509_privkey_t  _mutual_private_key_get_x509 (MutualPrivateKey      *self);

void                   _mutual_wipe                 (gpointer               data,
                                                     gsize                  size);

G_END_DECLS
