/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mutual-error.h"
#include "mutual-identity.h"

G_BEGIN_DECLS

/* The keyring schema io.github.mutual.Identity, documented in help/C/keyring.page.
 * Every identity is two items with the same id and generation: the certificate chain
 * (PEM, not secret but kept with the key) and the private key (PKCS#8). Listing needs
 * only the attributes, which the Secret Service shows without unlocking. */
#define MUTUAL_SCHEMA_NAME "io.github.mutual.Identity"
#define MUTUAL_SCHEMA_VERSION "1"

#define MUTUAL_ATTRIBUTE_KIND "kind"
#define MUTUAL_ATTRIBUTE_ID "id"
#define MUTUAL_ATTRIBUTE_GENERATION "generation"
#define MUTUAL_ATTRIBUTE_LABEL "label"
#define MUTUAL_ATTRIBUTE_SUBJECT "subject"
#define MUTUAL_ATTRIBUTE_ISSUER "issuer"
#define MUTUAL_ATTRIBUTE_NOT_BEFORE "not-before"
#define MUTUAL_ATTRIBUTE_NOT_AFTER "not-after"
#define MUTUAL_ATTRIBUTE_SHA256 "sha256"
#define MUTUAL_ATTRIBUTE_KEY_TYPE "key-type"
#define MUTUAL_ATTRIBUTE_PROFILE "profile"
#define MUTUAL_ATTRIBUTE_VERSION "schema-version"

#define MUTUAL_ITEM_CERTIFICATE "certificate"
#define MUTUAL_ITEM_KEY "key"

MutualIdentity *_mutual_identity_new_from_attributes (GHashTable           *attributes,
                                                      GError              **error);
MutualIdentity *_mutual_identity_new                 (const char           *id,
                                                      const char           *label,
                                                      const char           *subject,
                                                      const char           *issuer,
                                                      const char           *sha256,
                                                      const char           *key_type,
                                                      const char           *profile,
                                                      const MutualValidity *validity,
                                                      guint                 generation);
void            _mutual_identity_set_ca_profile      (MutualIdentity       *self,
                                                      MutualCaProfile      *profile);
GHashTable     *_mutual_identity_to_attributes       (MutualIdentity       *self,
                                                      const char           *kind);

G_END_DECLS
