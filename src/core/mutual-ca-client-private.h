/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mutual-ca-client.h"
#include "mutual-gnutls-private.h"
#include "mutual-private-key.h"

G_BEGIN_DECLS

/* Shared by the CA protocols: pinning, keys and requests, answers and checks. */

GTlsDatabase     *_mutual_pinned_database_new    (MutualCertificate   *root);
GTlsCertificate  *_mutual_tls_certificate_new    (GPtrArray           *certificates,
                                                  MutualPrivateKey    *key,
                                                  GError             **error);
GTlsCertificateFlags _mutual_verify_chain        (GPtrArray           *certificates,
                                                  GSocketConnectable  *identity,
                                                  MutualCertificate   *root);
char             *_mutual_tls_flags_describe     (GTlsCertificateFlags flags);

MutualPrivateKey *_mutual_generate_key           (MutualKeyType        type,
                                                  GError             **error);
char             *_mutual_make_csr               (MutualPrivateKey    *key,
                                                  const char          *subject,
                                                  const char * const  *sans,
                                                  GError             **error);
gnutls_privkey_t  _mutual_private_key_to_privkey (MutualPrivateKey    *key,
                                                  GError             **error);

GPtrArray        *_mutual_ca_chain_without_root  (GPtrArray           *certificates);
MutualBundle     *_mutual_ca_bundle_new          (const char          *source,
                                                  GPtrArray           *chain,
                                                  MutualCertificate   *root,
                                                  MutualPrivateKey    *key);
gboolean          _mutual_ca_check_issued        (MutualBundle        *issued,
                                                  MutualCertificate   *root,
                                                  const char          *subject,
                                                  gint64               now,
                                                  GError             **error);

G_END_DECLS
