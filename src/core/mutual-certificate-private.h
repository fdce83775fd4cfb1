/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mutual-certificate.h"
#include "mutual-gnutls-private.h"

G_BEGIN_DECLS

MutualCertificate *_mutual_certificate_new_take (gnutls_x509_crt_t  crt,
                                                 GBytes            *der,
                                                 const char        *origin,
                                                 GError           **error);
gnutls_x509_crt_t  _mutual_certificate_get_crt  (MutualCertificate *self);
gboolean           _mutual_certificate_get_key_usage (MutualCertificate *self,
                                                      unsigned int      *usage);
gnutls_pubkey_t    _mutual_certificate_get_pubkey (MutualCertificate *self);

G_END_DECLS
