/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mutual-ca-profile.h"

G_BEGIN_DECLS

/* A CA profile is kept as attributes of both keyring items of its identity (schema
 * io.github.mutual.Identity, help/C/keyring.page); none of them is secret. */
#define MUTUAL_ATTRIBUTE_CA_KIND "ca-kind"
#define MUTUAL_ATTRIBUTE_CA_URL "ca-url"
#define MUTUAL_ATTRIBUTE_CA_FINGERPRINT "ca-fingerprint"
#define MUTUAL_ATTRIBUTE_CA_PROVISIONER "ca-provisioner"
#define MUTUAL_ATTRIBUTE_CA_RENEW "ca-renew"
#define MUTUAL_ATTRIBUTE_CA_OUT_CERT "ca-out-cert"
#define MUTUAL_ATTRIBUTE_CA_OUT_KEY "ca-out-key"
#define MUTUAL_ATTRIBUTE_CA_OUT_PKCS12 "ca-out-p12"
#define MUTUAL_ATTRIBUTE_CA_HOOK "ca-hook"
#define MUTUAL_ATTRIBUTE_CA_HOOK_TIMEOUT "ca-hook-timeout"

void             _mutual_ca_profile_add_attributes      (MutualCaProfile *self,
                                                         GHashTable      *attributes);
MutualCaProfile *_mutual_ca_profile_new_from_attributes (GHashTable      *attributes);

G_END_DECLS
