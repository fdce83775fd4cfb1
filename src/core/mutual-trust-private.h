/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mutual-gnutls-private.h"
#include "mutual-trust.h"

G_BEGIN_DECLS

gnutls_x509_trust_list_t _mutual_trust_get_list   (MutualTrust  *self);
MutualTrust             *_mutual_trust_get_system (GError      **error);

G_END_DECLS
