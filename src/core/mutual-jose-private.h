/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "mutual-gnutls-private.h"

G_BEGIN_DECLS

/* JOSE, as much as a step-ca client needs: base64url, the compact JWE that protects a
 * JWK provisioner's key (PBES2-HS256+A128KW with AES-GCM, RFC 7516 and RFC 7518), a
 * JWK private key (EC P-256), and compact JWS signatures (ES256, ES384, RS256, EdDSA). */

char             *_mutual_base64url_encode   (gconstpointer   data,
                                              gsize           length);
GBytes           *_mutual_base64url_decode   (const char     *text,
                                              gssize          length,
                                              GError        **error);

GBytes           *_mutual_jwe_decrypt        (const char     *compact,
                                              const char     *password,
                                              GError        **error);
GBytes           *_mutual_jwe_decrypt_content (const char    *protected_b64,
                                               const guint8  *cek,
                                               gsize          cek_length,
                                               const char    *iv_b64,
                                               const char    *ciphertext_b64,
                                               const char    *tag_b64,
                                               GError       **error);
gboolean          _mutual_pbes2_unwrap       (const char     *algorithm,
                                              const char     *password,
                                              GBytes         *salt_input,
                                              guint           iterations,
                                              GBytes         *wrapped,
                                              guint8         *cek,
                                              gsize           cek_length,
                                              GError        **error);

gnutls_privkey_t  _mutual_jwk_import_private (GBytes         *json,
                                              char          **kid,
                                              GError        **error);

const char       *_mutual_jws_algorithm      (gnutls_privkey_t key);
char             *_mutual_jws_sign           (gnutls_privkey_t key,
                                              JsonObject     *header,
                                              JsonObject     *claims,
                                              GError        **error);

char             *_mutual_json_secret_object (GError        **error,
                                              const char     *first_member,
                                              ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
