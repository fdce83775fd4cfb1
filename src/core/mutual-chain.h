/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mutual-certificate.h"
#include "mutual-private-key.h"
#include "mutual-problem.h"
#include "mutual-trust.h"

G_BEGIN_DECLS

/**
 * MutualPurpose:
 * @MUTUAL_PURPOSE_ANY: no particular use
 * @MUTUAL_PURPOSE_TLS_CLIENT: authenticating a TLS client (mutual TLS)
 * @MUTUAL_PURPOSE_TLS_SERVER: authenticating a TLS server
 */
typedef enum
{
  MUTUAL_PURPOSE_ANY,
  MUTUAL_PURPOSE_TLS_CLIENT,
  MUTUAL_PURPOSE_TLS_SERVER,
} MutualPurpose;

#define MUTUAL_TYPE_CHAIN (mutual_chain_get_type ())

G_DECLARE_FINAL_TYPE (MutualChain, mutual_chain, MUTUAL, CHAIN, GObject)

GPtrArray         *mutual_chain_build_all     (GPtrArray         *certificates);
MutualChain       *mutual_chain_new_for_leaf  (MutualCertificate *leaf,
                                               GPtrArray         *pool);
void               mutual_chain_verify        (MutualChain       *self,
                                               MutualTrust       *trust,
                                               MutualPurpose      purpose,
                                               gint64             now);
GPtrArray         *mutual_chain_get_links     (MutualChain       *self);
MutualCertificate *mutual_chain_get_anchor    (MutualChain       *self);
GPtrArray         *mutual_chain_get_problems  (MutualChain       *self);
GPtrArray         *mutual_chain_get_link_problems (MutualChain   *self,
                                                   int            link);
gboolean           mutual_chain_get_verified  (MutualChain       *self);
gboolean           mutual_chain_get_trusted   (MutualChain       *self);
gboolean           mutual_chain_has_errors    (MutualChain       *self);
char              *mutual_chain_describe      (MutualChain       *self);
void               mutual_chain_to_json       (MutualChain       *self,
                                               MutualJson        *json,
                                               const char        *member);

GPtrArray         *mutual_lint_client_identity (MutualCertificate *leaf,
                                                MutualPrivateKey  *key,
                                                GPtrArray         *extra,
                                                MutualTrust       *trust,
                                                gint64             now,
                                                MutualChain      **chain_out);

G_END_DECLS
