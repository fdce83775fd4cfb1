/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mutual-json.h"
#include "mutual-section.h"
#include "mutual-validity.h"

G_BEGIN_DECLS

#define MUTUAL_TYPE_CERTIFICATE (mutual_certificate_get_type ())

G_DECLARE_FINAL_TYPE (MutualCertificate, mutual_certificate, MUTUAL, CERTIFICATE, GObject)

#define MUTUAL_OID_CLIENT_AUTH "1.3.6.1.5.5.7.3.2"
#define MUTUAL_OID_SERVER_AUTH "1.3.6.1.5.5.7.3.1"
#define MUTUAL_OID_ANY_PURPOSE "2.5.29.37.0"

MutualCertificate    *mutual_certificate_new_from_der      (GBytes            *der,
                                                            GError           **error);
GBytes               *mutual_certificate_get_der           (MutualCertificate *self);
char                 *mutual_certificate_to_pem            (MutualCertificate *self);
const char           *mutual_certificate_get_origin        (MutualCertificate *self);
const char           *mutual_certificate_get_subject       (MutualCertificate *self);
const char           *mutual_certificate_get_issuer        (MutualCertificate *self);
const char           *mutual_certificate_get_subject_name  (MutualCertificate *self);
const char           *mutual_certificate_get_issuer_name   (MutualCertificate *self);
const char           *mutual_certificate_get_serial        (MutualCertificate *self);
const MutualValidity *mutual_certificate_get_validity      (MutualCertificate *self);
const char           *mutual_certificate_get_sha256        (MutualCertificate *self);
const char           *mutual_certificate_get_sha1          (MutualCertificate *self);
const char           *mutual_certificate_get_key_id        (MutualCertificate *self);
const char           *mutual_certificate_get_key_type      (MutualCertificate *self);
int                   mutual_certificate_get_key_bits      (MutualCertificate *self);
const char           *mutual_certificate_get_signature_algorithm (MutualCertificate *self);
gboolean              mutual_certificate_is_ca             (MutualCertificate *self);
gboolean              mutual_certificate_is_self_issued    (MutualCertificate *self);
gboolean              mutual_certificate_has_purpose       (MutualCertificate *self,
                                                            const char        *oid);
GStrv                 mutual_certificate_get_purposes      (MutualCertificate *self);
GStrv                 mutual_certificate_get_dns_names     (MutualCertificate *self);
gboolean              mutual_certificate_equal             (MutualCertificate *self,
                                                            MutualCertificate *other);
gboolean              mutual_certificate_issued_by         (MutualCertificate *self,
                                                            MutualCertificate *issuer);
gboolean              mutual_certificate_signature_valid   (MutualCertificate *self,
                                                            MutualCertificate *issuer);
GPtrArray            *mutual_certificate_get_sections      (MutualCertificate *self,
                                                            gint64             now);
void                  mutual_certificate_to_json           (MutualCertificate *self,
                                                            MutualJson        *json,
                                                            const char        *member,
                                                            gint64             now,
                                                            gboolean           full);

void                  mutual_certificate_reference_to_json (MutualCertificate *self,
                                                            MutualJson        *json,
                                                            const char        *member);

G_END_DECLS
