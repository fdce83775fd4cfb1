/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mutual-gnutls-private.h"
#include "mutual-json.h"
#include "mutual-section.h"

G_BEGIN_DECLS

/* Decoding shared by certificates and certificate requests: names, extensions, keys. */

char          *_mutual_hex                  (const guint8         *data,
                                             gsize                 length,
                                             char                  separator);
char          *_mutual_dn_to_string         (gnutls_x509_dn_t      dn);
char          *_mutual_dn_get_display_name  (gnutls_x509_dn_t      dn);
MutualSection *_mutual_dn_to_section        (gnutls_x509_dn_t      dn,
                                             MutualSectionKind     kind,
                                             const char           *id,
                                             const char           *title);
void           _mutual_dn_to_json           (gnutls_x509_dn_t      dn,
                                             const char           *text,
                                             MutualJson           *json,
                                             const char           *member);
MutualSection *_mutual_extension_to_section (const char           *oid,
                                             gboolean              critical,
                                             const gnutls_datum_t *value);
MutualSection *_mutual_public_key_section   (gnutls_pubkey_t       pubkey,
                                             const guint8         *spki_sha256);
void           _mutual_public_key_to_json   (gnutls_pubkey_t       pubkey,
                                             const guint8         *spki_sha256,
                                             MutualJson           *json,
                                             const char           *member);
char          *_mutual_public_key_describe  (gnutls_pubkey_t       pubkey);
char          *_mutual_public_key_id        (gnutls_pubkey_t       pubkey);
gboolean       _mutual_public_key_spki_sha256 (gnutls_pubkey_t     pubkey,
                                               guint8              digest[32]);
const char    *_mutual_oid_get_name         (const char           *oid);
void           _mutual_sections_to_json     (GPtrArray            *sections,
                                             MutualSectionKind     kind,
                                             MutualJson           *json,
                                             const char           *member);

G_END_DECLS
