/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mutual-bundle.h"
#include "mutual-certificate.h"

G_BEGIN_DECLS

#define MUTUAL_TYPE_TRUST (mutual_trust_get_type ())

G_DECLARE_FINAL_TYPE (MutualTrust, mutual_trust, MUTUAL, TRUST, GObject)

MutualTrust       *mutual_trust_new         (void);
gboolean           mutual_trust_add_system  (MutualTrust        *self,
                                             GError            **error);
gboolean           mutual_trust_add_anchor  (MutualTrust        *self,
                                             MutualCertificate  *anchor,
                                             GError            **error);
gboolean           mutual_trust_add_bundle  (MutualTrust        *self,
                                             MutualBundle       *bundle,
                                             GError            **error);
guint              mutual_trust_get_n_anchors (MutualTrust      *self);
char              *mutual_trust_describe    (MutualTrust        *self);
gboolean           mutual_trust_contains    (MutualTrust        *self,
                                             MutualCertificate  *certificate);
MutualCertificate *mutual_trust_find_issuer (MutualTrust        *self,
                                             MutualCertificate  *certificate);

G_END_DECLS
