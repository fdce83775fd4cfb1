/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "mutual-certificate-private.h"
#include "mutual-x509-private.h"

/**
 * MutualCertificate:
 *
 * One X.509 certificate, immutable. The GnuTLS handle is owned by the object; what
 * every view needs (names, dates, fingerprints) is decoded once at construction, the
 * rest (sections, JSON) on demand.
 */
struct _MutualCertificate
{
  GObject parent_instance;

  gnutls_x509_crt_t crt;
  gnutls_pubkey_t pubkey;
  GBytes *der;
  char *origin;

  char *subject;
  char *issuer;
  char *subject_name;
  char *issuer_name;
  char *serial;
  char *sha256;
  char *sha1;
  char *key_id;
  char *key_type;
  char *signature_algorithm;
  guint8 spki_sha256[32];
  gboolean has_spki_sha256;
  int key_bits;
  MutualValidity validity;
  gboolean is_ca;
};

G_DEFINE_FINAL_TYPE (MutualCertificate, mutual_certificate, G_TYPE_OBJECT)

/* From the DER we hold: GnuTLS would encode the certificate again for each digest. */
static char *
fingerprint (GBytes                    *der,
             gnutls_digest_algorithm_t  algorithm)
{
  guint8 digest[64];
  gsize length;
  const guint8 *data = g_bytes_get_data (der, &length);

  if (gnutls_hash_fast (algorithm, data, length, digest) < 0)
    return g_strdup ("");
  return _mutual_hex (digest, gnutls_hash_get_len (algorithm), ':');
}

static char *
dn_string (gnutls_x509_crt_t crt,
           gboolean          issuer,
           gboolean          display)
{
  gnutls_x509_dn_t dn = NULL;
  int ret = issuer ? gnutls_x509_crt_get_issuer (crt, &dn) : gnutls_x509_crt_get_subject (crt, &dn);

  /* The dn belongs to the certificate. */
  if (ret < 0)
    return g_strdup ("");
  return display ? _mutual_dn_get_display_name (dn) : _mutual_dn_to_string (dn);
}

/**
 * _mutual_certificate_new_take:
 * @crt: (transfer full): an imported certificate
 * @der: (nullable): its DER encoding, when the caller has it
 * @origin: (nullable): where it was read, e.g. "bundle.pem, PEM block 2"
 *
 * Returns: (transfer full) (nullable): the certificate, or %NULL if GnuTLS cannot
 *   export what it imported
 */
MutualCertificate *
_mutual_certificate_new_take (gnutls_x509_crt_t   crt,
                              GBytes             *der,
                              const char         *origin,
                              GError            **error)
{
  g_autoptr(MutualCertificate) self = g_object_new (MUTUAL_TYPE_CERTIFICATE, NULL);
  guint8 serial[64];
  size_t serial_size = sizeof serial;
  unsigned int critical = 0;
  unsigned int bits = 0;
  int sign_algorithm;
  int ret;

  self->crt = crt;
  self->origin = g_strdup (origin);

  if (der != NULL)
    {
      self->der = g_bytes_ref (der);
    }
  else
    {
      g_auto(MutualGnutlsDatum) encoded = { NULL, 0 };

      if (!_mutual_gnutls_check (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &encoded), error,
                                 _("Cannot encode the certificate")))
        return NULL;
      self->der = g_bytes_new (encoded.data, encoded.size);
    }

  if (!_mutual_gnutls_check (gnutls_pubkey_init (&self->pubkey), error, "gnutls_pubkey_init") ||
      !_mutual_gnutls_check (gnutls_pubkey_import_x509 (self->pubkey, crt, 0), error,
                             _("Cannot read the certificate’s public key")))
    return NULL;

  self->subject = dn_string (crt, FALSE, FALSE);
  self->issuer = dn_string (crt, TRUE, FALSE);
  self->subject_name = dn_string (crt, FALSE, TRUE);
  self->issuer_name = dn_string (crt, TRUE, TRUE);

  if (gnutls_x509_crt_get_serial (crt, serial, &serial_size) >= 0)
    self->serial = _mutual_hex (serial, serial_size, ':');
  else
    self->serial = g_strdup ("");

  self->sha256 = fingerprint (self->der, GNUTLS_DIG_SHA256);
  self->sha1 = fingerprint (self->der, GNUTLS_DIG_SHA1);
  self->has_spki_sha256 = _mutual_public_key_spki_sha256 (self->pubkey, self->spki_sha256);
  self->key_id = self->has_spki_sha256 ? _mutual_hex (self->spki_sha256, 32, ':') : g_strdup ("");
  self->key_type = _mutual_public_key_describe (self->pubkey);
  gnutls_pubkey_get_pk_algorithm (self->pubkey, &bits);
  self->key_bits = bits;

  sign_algorithm = gnutls_x509_crt_get_signature_algorithm (crt);
  self->signature_algorithm = g_strdup (sign_algorithm >= 0 && gnutls_sign_get_name (sign_algorithm)
                                        ? gnutls_sign_get_name (sign_algorithm)
                                        : _("unknown"));

  self->validity.not_before = gnutls_x509_crt_get_activation_time (crt);
  self->validity.not_after = gnutls_x509_crt_get_expiration_time (crt);

  ret = gnutls_x509_crt_get_basic_constraints (crt, &critical, NULL, NULL);
  self->is_ca = ret > 0;

  return g_steal_pointer (&self);
}

/**
 * mutual_certificate_new_from_der:
 *
 * Returns: (transfer full): the certificate, or %NULL with @error set
 */
MutualCertificate *
mutual_certificate_new_from_der (GBytes  *der,
                                 GError **error)
{
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t datum;
  gsize size;

  g_return_val_if_fail (der != NULL, NULL);

  datum.data = (unsigned char *) g_bytes_get_data (der, &size);
  datum.size = size;

  if (!_mutual_gnutls_check (gnutls_x509_crt_init (&crt), error, "gnutls_x509_crt_init"))
    return NULL;
  if (!_mutual_gnutls_check (gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_DER), error,
                             _("Not a DER certificate")))
    {
      gnutls_x509_crt_deinit (crt);
      return NULL;
    }

  return _mutual_certificate_new_take (crt, der, NULL, error);
}

gnutls_x509_crt_t
_mutual_certificate_get_crt (MutualCertificate *self)
{
  g_return_val_if_fail (MUTUAL_IS_CERTIFICATE (self), NULL);
  return self->crt;
}

gnutls_pubkey_t
_mutual_certificate_get_pubkey (MutualCertificate *self)
{
  g_return_val_if_fail (MUTUAL_IS_CERTIFICATE (self), NULL);
  return self->pubkey;
}

/**
 * _mutual_certificate_get_key_usage:
 * @usage: (out): the GNUTLS_KEY_* bits
 *
 * Returns: whether the certificate has a key usage extension
 */
gboolean
_mutual_certificate_get_key_usage (MutualCertificate *self,
                                   unsigned int      *usage)
{
  unsigned int critical = 0;

  *usage = 0;
  return gnutls_x509_crt_get_key_usage (self->crt, usage, &critical) >= 0;
}

/**
 * mutual_certificate_get_der:
 *
 * Returns: (transfer none): the certificate's DER encoding
 */
GBytes *
mutual_certificate_get_der (MutualCertificate *self)
{
  g_return_val_if_fail (MUTUAL_IS_CERTIFICATE (self), NULL);
  return self->der;
}

char *
mutual_certificate_to_pem (MutualCertificate *self)
{
  g_auto(MutualGnutlsDatum) pem = { NULL, 0 };

  g_return_val_if_fail (MUTUAL_IS_CERTIFICATE (self), NULL);

  if (gnutls_x509_crt_export2 (self->crt, GNUTLS_X509_FMT_PEM, &pem) < 0)
    return NULL;
  return g_strndup ((const char *) pem.data, pem.size);
}

/**
 * mutual_certificate_get_origin:
 *
 * Returns: (nullable): where the certificate was read from, for messages
 */
const char *
mutual_certificate_get_origin (MutualCertificate *self)
{
  g_return_val_if_fail (MUTUAL_IS_CERTIFICATE (self), NULL);
  return self->origin;
}

/**
 * mutual_certificate_get_subject:
 *
 * Returns: the subject as an RFC 4514 string
 */
const char *
mutual_certificate_get_subject (MutualCertificate *self)
{
  g_return_val_if_fail (MUTUAL_IS_CERTIFICATE (self), NULL);
  return self->subject;
}

const char *
mutual_certificate_get_issuer (MutualCertificate *self)
{
  g_return_val_if_fail (MUTUAL_IS_CERTIFICATE (self), NULL);
  return self->issuer;
}

/**
 * mutual_certificate_get_subject_name:
 *
 * Returns: the holder's name as people use it: the common name when there is one
 */
const char *
mutual_certificate_get_subject_name (MutualCertificate *self)
{
  g_return_val_if_fail (MUTUAL_IS_CERTIFICATE (self), NULL);
  return self->subject_name;
}

const char *
mutual_certificate_get_issuer_name (MutualCertificate *self)
{
  g_return_val_if_fail (MUTUAL_IS_CERTIFICATE (self), NULL);
  return self->issuer_name;
}

/**
 * mutual_certificate_get_serial:
 *
 * Returns: the serial number as colon-separated hex, as `openssl x509 -serial` prints
 *   it without the colons
 */
const char *
mutual_certificate_get_serial (MutualCertificate *self)
{
  g_return_val_if_fail (MUTUAL_IS_CERTIFICATE (self), NULL);
  return self->serial;
}

const MutualValidity *
mutual_certificate_get_validity (MutualCertificate *self)
{
  g_return_val_if_fail (MUTUAL_IS_CERTIFICATE (self), NULL);
  return &self->validity;
}

const char *
mutual_certificate_get_sha256 (MutualCertificate *self)
{
  g_return_val_if_fail (MUTUAL_IS_CERTIFICATE (self), NULL);
  return self->sha256;
}

const char *
mutual_certificate_get_sha1 (MutualCertificate *self)
{
  g_return_val_if_fail (MUTUAL_IS_CERTIFICATE (self), NULL);
  return self->sha1;
}

/**
 * mutual_certificate_get_key_id:
 *
 * Returns: the SHA-256 of the certificate's SubjectPublicKeyInfo, colon hex
 */
const char *
mutual_certificate_get_key_id (MutualCertificate *self)
{
  g_return_val_if_fail (MUTUAL_IS_CERTIFICATE (self), NULL);
  return self->key_id;
}

/**
 * mutual_certificate_get_key_type:
 *
 * Returns: "RSA 2048 bits", "ECDSA P-256", "Ed25519" ...
 */
const char *
mutual_certificate_get_key_type (MutualCertificate *self)
{
  g_return_val_if_fail (MUTUAL_IS_CERTIFICATE (self), NULL);
  return self->key_type;
}

int
mutual_certificate_get_key_bits (MutualCertificate *self)
{
  g_return_val_if_fail (MUTUAL_IS_CERTIFICATE (self), 0);
  return self->key_bits;
}

const char *
mutual_certificate_get_signature_algorithm (MutualCertificate *self)
{
  g_return_val_if_fail (MUTUAL_IS_CERTIFICATE (self), NULL);
  return self->signature_algorithm;
}

/**
 * mutual_certificate_is_ca:
 *
 * Returns: whether basicConstraints says this is a CA certificate
 */
gboolean
mutual_certificate_is_ca (MutualCertificate *self)
{
  g_return_val_if_fail (MUTUAL_IS_CERTIFICATE (self), FALSE);
  return self->is_ca;
}

/**
 * mutual_certificate_is_self_issued:
 *
 * Returns: whether subject and issuer are the same name (a root, or a self-signed leaf)
 */
gboolean
mutual_certificate_is_self_issued (MutualCertificate *self)
{
  g_return_val_if_fail (MUTUAL_IS_CERTIFICATE (self), FALSE);
  return gnutls_x509_crt_check_issuer (self->crt, self->crt) != 0;
}

/**
 * mutual_certificate_get_purposes:
 *
 * Returns: (transfer full) (nullable): the extended key usage OIDs, or %NULL when the
 *   certificate has no extendedKeyUsage extension (which means any purpose)
 */
GStrv
mutual_certificate_get_purposes (MutualCertificate *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  gboolean any = FALSE;

  g_return_val_if_fail (MUTUAL_IS_CERTIFICATE (self), NULL);

  for (unsigned int i = 0; i < 256; i++)
    {
      char oid[128];
      size_t size = sizeof oid;
      int ret = gnutls_x509_crt_get_key_purpose_oid (self->crt, i, oid, &size, NULL);

      if (ret < 0)
        break;
      g_strv_builder_add (builder, oid);
      any = TRUE;
    }

  return any ? g_strv_builder_end (builder) : NULL;
}

/**
 * mutual_certificate_has_purpose:
 * @oid: an extended key usage, e.g. %MUTUAL_OID_CLIENT_AUTH
 *
 * Returns: whether the certificate may be used for @oid: it has no extendedKeyUsage,
 *   or lists @oid or anyExtendedKeyUsage
 */
gboolean
mutual_certificate_has_purpose (MutualCertificate *self,
                                const char        *oid)
{
  g_auto(GStrv) purposes = mutual_certificate_get_purposes (self);

  if (purposes == NULL)
    return TRUE;
  return g_strv_contains ((const char * const *) purposes, oid) ||
         g_strv_contains ((const char * const *) purposes, MUTUAL_OID_ANY_PURPOSE);
}

/**
 * mutual_certificate_get_dns_names:
 *
 * Returns: (transfer full): the DNS names of the subjectAltName extension
 */
GStrv
mutual_certificate_get_dns_names (MutualCertificate *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (MUTUAL_IS_CERTIFICATE (self), NULL);

  for (unsigned int i = 0; i < 1024; i++)
    {
      char name[1024];
      size_t size = sizeof name - 1;
      int ret = gnutls_x509_crt_get_subject_alt_name (self->crt, i, name, &size, NULL);

      if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        break;
      if (ret == GNUTLS_SAN_DNSNAME)
        {
          name[size] = '\0';
          g_strv_builder_add (builder, name);
        }
    }
  return g_strv_builder_end (builder);
}

gboolean
mutual_certificate_equal (MutualCertificate *self,
                          MutualCertificate *other)
{
  g_return_val_if_fail (MUTUAL_IS_CERTIFICATE (self), FALSE);
  g_return_val_if_fail (MUTUAL_IS_CERTIFICATE (other), FALSE);
  return g_bytes_equal (self->der, other->der);
}

/**
 * mutual_certificate_issued_by:
 *
 * Returns: whether @issuer's subject is @self's issuer and, where both carry key
 *   identifiers, the identifiers match. The signature is not checked here.
 */
gboolean
mutual_certificate_issued_by (MutualCertificate *self,
                              MutualCertificate *issuer)
{
  g_return_val_if_fail (MUTUAL_IS_CERTIFICATE (self), FALSE);
  g_return_val_if_fail (MUTUAL_IS_CERTIFICATE (issuer), FALSE);
  return gnutls_x509_crt_check_issuer (self->crt, issuer->crt) != 0;
}

/**
 * mutual_certificate_signature_valid:
 *
 * Returns: whether @issuer's key verifies @self's signature. Dates, constraints and
 *   trust are not judged here.
 */
gboolean
mutual_certificate_signature_valid (MutualCertificate *self,
                                    MutualCertificate *issuer)
{
  unsigned int status = 0;
  unsigned int flags = GNUTLS_VERIFY_DISABLE_TIME_CHECKS | GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS |
                       GNUTLS_VERIFY_DISABLE_CA_SIGN | GNUTLS_VERIFY_ALLOW_ANY_X509_V1_CA_CRT |
                       GNUTLS_VERIFY_ALLOW_BROKEN;
  gnutls_x509_crt_t cas[1];

  g_return_val_if_fail (MUTUAL_IS_CERTIFICATE (self), FALSE);
  g_return_val_if_fail (MUTUAL_IS_CERTIFICATE (issuer), FALSE);

  cas[0] = issuer->crt;
  if (gnutls_x509_crt_verify (self->crt, cas, 1, flags, &status) < 0)
    return FALSE;
  /* Other bits (name constraints, purpose) are judged elsewhere. */
  return (status & GNUTLS_CERT_SIGNATURE_FAILURE) == 0;
}

/* Sections */

static char *
time_both_zones (gint64 unix_time)
{
  g_autofree char *local = mutual_format_time (unix_time);
  g_autofree char *utc = mutual_format_time_utc (unix_time);

  if (g_str_has_suffix (local, " UTC"))
    return g_steal_pointer (&local);
  /* Translators: a time in the local zone followed by the same time in UTC. */
  return g_strdup_printf (_("%s (%s)"), local, utc);
}

static char *
status_text (MutualCertificate *self,
             gint64             now)
{
  MutualValidityState state = mutual_validity_get_state (&self->validity, now);
  g_autofree char *describe = mutual_validity_describe (&self->validity, now, FALSE);

  /* Translators: e.g. "Valid, expires in 5 h 12 min". */
  return g_strdup_printf (_("%s, %s"), mutual_validity_state_get_label (state), describe);
}

static char *
purposes_text (MutualCertificate *self)
{
  g_auto(GStrv) purposes = mutual_certificate_get_purposes (self);
  g_autoptr(GString) text = g_string_new (NULL);

  if (purposes == NULL)
    return g_strdup (_("Any (no extended key usage)"));

  for (guint i = 0; purposes[i] != NULL; i++)
    {
      const char *name = _mutual_oid_get_name (purposes[i]);

      if (text->len > 0)
        g_string_append (text, ", ");
      g_string_append (text, name ? name : purposes[i]);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static MutualSection *
summary_section (MutualCertificate *self,
                 gint64             now)
{
  MutualSection *section = mutual_section_new (MUTUAL_SECTION_SUMMARY, "summary", _("Summary"));
  MutualValidityState state = mutual_validity_get_state (&self->validity, now);
  gboolean bad = state == MUTUAL_VALIDITY_EXPIRED || state == MUTUAL_VALIDITY_NOT_YET_VALID;

  mutual_section_add (section, "subject", _("Issued to"), self->subject_name, MUTUAL_FIELD_NONE);
  mutual_section_add (section, "issuer", _("Issued by"),
                      mutual_certificate_is_self_issued (self) ? _("Itself (self-signed)")
                                                               : self->issuer_name,
                      MUTUAL_FIELD_NONE);
  mutual_section_add_take (section, "notBefore", _("Valid from"),
                           time_both_zones (self->validity.not_before), MUTUAL_FIELD_NONE);
  mutual_section_add_take (section, "notAfter", _("Valid until"),
                           time_both_zones (self->validity.not_after), MUTUAL_FIELD_NONE);
  mutual_section_add_take (section, "status", _("Status"), status_text (self, now),
                           bad ? MUTUAL_FIELD_WARNING : MUTUAL_FIELD_NONE);
  mutual_section_add (section, "key", _("Key"), self->key_type, MUTUAL_FIELD_NONE);
  mutual_section_add_take (section, "purposes", _("Purposes"), purposes_text (self),
                           MUTUAL_FIELD_NONE);
  if (self->is_ca)
    mutual_section_add (section, "ca", _("Certificate authority"), _("Yes"), MUTUAL_FIELD_NONE);
  mutual_section_add (section, "sha256", _("SHA-256"), self->sha256,
                      MUTUAL_FIELD_MONOSPACE | MUTUAL_FIELD_COPYABLE);

  return section;
}

static MutualSection *
validity_section (MutualCertificate *self,
                  gint64             now)
{
  MutualSection *section = mutual_section_new (MUTUAL_SECTION_VALIDITY, "validity", _("Validity"));
  MutualValidityState state = mutual_validity_get_state (&self->validity, now);
  double elapsed = mutual_validity_get_elapsed (&self->validity, now);

  mutual_section_add_take (section, "notBefore", _("Not before"),
                           time_both_zones (self->validity.not_before), MUTUAL_FIELD_NONE);
  mutual_section_add_take (section, "notAfter", _("Not after"),
                           time_both_zones (self->validity.not_after), MUTUAL_FIELD_NONE);
  mutual_section_add_take (section, "lifetime", _("Lifetime"),
                           mutual_format_duration (mutual_validity_get_lifetime (&self->validity),
                                                   FALSE),
                           MUTUAL_FIELD_NONE);
  mutual_section_add_take (section, "remaining", _("Remaining"),
                           mutual_validity_describe (&self->validity, now, FALSE),
                           state == MUTUAL_VALIDITY_VALID ? MUTUAL_FIELD_NONE : MUTUAL_FIELD_WARNING);
  /* Translators: the share of the lifetime that has passed, e.g. "25 %". */
  mutual_section_add_take (section, "elapsed", _("Lifetime used"),
                           g_strdup_printf (_("%.0f %%"), elapsed * 100.0), MUTUAL_FIELD_NONE);
  mutual_section_add (section, "state", _("State"), mutual_validity_state_get_label (state),
                      state == MUTUAL_VALIDITY_VALID ? MUTUAL_FIELD_NONE : MUTUAL_FIELD_WARNING);

  return section;
}

static MutualSection *
identifiers_section (MutualCertificate *self)
{
  MutualSection *section = mutual_section_new (MUTUAL_SECTION_IDENTIFIERS, "identifiers",
                                               _("Identifiers"));

  mutual_section_add_take (section, "version", _("Version"),
                           g_strdup_printf ("%d", gnutls_x509_crt_get_version (self->crt)),
                           MUTUAL_FIELD_NONE);
  mutual_section_add (section, "serial", _("Serial number"), self->serial,
                      MUTUAL_FIELD_MONOSPACE | MUTUAL_FIELD_COPYABLE);
  mutual_section_add (section, "sha256", _("SHA-256 fingerprint"), self->sha256,
                      MUTUAL_FIELD_MONOSPACE | MUTUAL_FIELD_COPYABLE);
  mutual_section_add (section, "sha1", _("SHA-1 fingerprint"), self->sha1,
                      MUTUAL_FIELD_MONOSPACE | MUTUAL_FIELD_COPYABLE);

  return section;
}

static MutualSection *
signature_section (MutualCertificate *self)
{
  MutualSection *section = mutual_section_new (MUTUAL_SECTION_SIGNATURE, "signature",
                                               _("Signature"));
  int algorithm = gnutls_x509_crt_get_signature_algorithm (self->crt);
  gboolean weak = algorithm >= 0 && !gnutls_sign_is_secure2 (algorithm, 0);
  char oid[128];
  size_t oid_size = sizeof oid;

  mutual_section_add (section, "algorithm", _("Algorithm"), self->signature_algorithm,
                      weak ? MUTUAL_FIELD_WARNING : MUTUAL_FIELD_NONE);
  if (gnutls_x509_crt_get_signature_oid (self->crt, oid, &oid_size) >= 0)
    mutual_section_add (section, "oid", _("Object identifier"), oid, MUTUAL_FIELD_MONOSPACE);
  {
    char buffer[2048];
    size_t size = sizeof buffer;

    if (gnutls_x509_crt_get_signature (self->crt, buffer, &size) >= 0)
      mutual_section_add_take (section, "value", _("Value"),
                               _mutual_hex ((const guint8 *) buffer, size, ':'),
                               MUTUAL_FIELD_MONOSPACE);
  }

  return section;
}

static void
add_extension_sections (MutualCertificate *self,
                        GPtrArray         *sections)
{
  for (unsigned int i = 0; i < 256; i++)
    {
      g_auto(MutualGnutlsDatum) value = { NULL, 0 };
      char oid[128];
      size_t oid_size = sizeof oid;
      unsigned int critical = 0;

      if (gnutls_x509_crt_get_extension_info (self->crt, i, oid, &oid_size, &critical) < 0)
        break;
      if (gnutls_x509_crt_get_extension_data2 (self->crt, i, &value) < 0)
        continue;
      g_ptr_array_add (sections, _mutual_extension_to_section (oid, critical, &value));
    }
}

/**
 * mutual_certificate_get_sections:
 * @now: the time the validity is judged at, in Unix seconds
 *
 * Everything in the certificate, as titled sections of labelled fields: summary,
 * subject, issuer, validity, identifiers, public key, each extension, signature.
 *
 * Returns: (transfer container) (element-type MutualSection): the sections
 */
GPtrArray *
mutual_certificate_get_sections (MutualCertificate *self,
                                 gint64             now)
{
  GPtrArray *sections = g_ptr_array_new_with_free_func (g_object_unref);
  gnutls_x509_dn_t dn = NULL;

  g_return_val_if_fail (MUTUAL_IS_CERTIFICATE (self), NULL);

  g_ptr_array_add (sections, summary_section (self, now));
  if (gnutls_x509_crt_get_subject (self->crt, &dn) >= 0)
    g_ptr_array_add (sections, _mutual_dn_to_section (dn, MUTUAL_SECTION_SUBJECT, "subject",
                                                      _("Subject")));
  if (gnutls_x509_crt_get_issuer (self->crt, &dn) >= 0)
    g_ptr_array_add (sections, _mutual_dn_to_section (dn, MUTUAL_SECTION_ISSUER, "issuer",
                                                      _("Issuer")));
  g_ptr_array_add (sections, validity_section (self, now));
  g_ptr_array_add (sections, identifiers_section (self));
  g_ptr_array_add (sections, _mutual_public_key_section (self->pubkey, self->has_spki_sha256 ? self->spki_sha256 : NULL));
  add_extension_sections (self, sections);
  g_ptr_array_add (sections, signature_section (self));

  return sections;
}

static void
add_time (MutualJson *json,
          const char *name,
          gint64      unix_time)
{
  g_autofree char *text = mutual_format_time_iso8601 (unix_time);

  mutual_json_string (json, name, text);
}

/**
 * mutual_certificate_to_json:
 * @member: (nullable): the member name, inside an object
 * @now: the time the validity is judged at, in Unix seconds
 * @full: whether to add the version, extensions, signature and PEM, not only the
 *   summary members
 *
 * Writes the certificate as one object. The members are documented in
 * data/json/mutualctl-inspect-1.schema.json.
 */
void
mutual_certificate_to_json (MutualCertificate *self,
                            MutualJson        *json,
                            const char        *member,
                            gint64             now,
                            gboolean           full)
{
  gnutls_x509_dn_t dn = NULL;
  MutualValidityState state;
  g_auto(GStrv) purposes = NULL;

  g_return_if_fail (MUTUAL_IS_CERTIFICATE (self));
  g_return_if_fail (json != NULL);

  state = mutual_validity_get_state (&self->validity, now);
  purposes = mutual_certificate_get_purposes (self);

  mutual_json_begin_object (json, member);
  mutual_json_string (json, "subject_name", self->subject_name);
  mutual_json_string (json, "issuer_name", self->issuer_name);
  if (gnutls_x509_crt_get_subject (self->crt, &dn) >= 0)
    _mutual_dn_to_json (dn, self->subject, json, "subject");
  else
    mutual_json_null (json, "subject");
  if (gnutls_x509_crt_get_issuer (self->crt, &dn) >= 0)
    _mutual_dn_to_json (dn, self->issuer, json, "issuer");
  else
    mutual_json_null (json, "issuer");
  mutual_json_string (json, "serial", self->serial);

  mutual_json_begin_object (json, "validity");
  add_time (json, "not_before", self->validity.not_before);
  add_time (json, "not_after", self->validity.not_after);
  mutual_json_int (json, "lifetime_seconds", mutual_validity_get_lifetime (&self->validity));
  mutual_json_int (json, "remaining_seconds", self->validity.not_after - now);
  mutual_json_double (json, "elapsed_fraction", mutual_validity_get_elapsed (&self->validity, now));
  mutual_json_string (json, "state", mutual_validity_state_to_string (state));
  mutual_json_end_object (json);

  mutual_json_begin_object (json, "fingerprints");
  mutual_json_string (json, "sha256", self->sha256);
  mutual_json_string (json, "sha1", self->sha1);
  mutual_json_end_object (json);

  mutual_json_boolean (json, "is_ca", self->is_ca);
  mutual_json_boolean (json, "self_issued", mutual_certificate_is_self_issued (self));
  if (purposes == NULL)
    {
      mutual_json_null (json, "extended_key_usage");
    }
  else
    {
      mutual_json_begin_array (json, "extended_key_usage");
      for (guint i = 0; purposes[i] != NULL; i++)
        {
          const char *name = _mutual_oid_get_name (purposes[i]);

          mutual_json_string (json, NULL, name ? name : purposes[i]);
        }
      mutual_json_end_array (json);
    }
  _mutual_public_key_to_json (self->pubkey, self->has_spki_sha256 ? self->spki_sha256 : NULL,
                              json, "public_key");

  if (full)
    {
      g_autoptr(GPtrArray) sections = g_ptr_array_new_with_free_func (g_object_unref);
      g_autofree char *pem = mutual_certificate_to_pem (self);

      int version = gnutls_x509_crt_get_version (self->crt);

      if (version > 0)
        mutual_json_int (json, "version", version);
      else
        mutual_json_null (json, "version");
      add_extension_sections (self, sections);
      _mutual_sections_to_json (sections, MUTUAL_SECTION_EXTENSION, json, "extensions");
      mutual_json_string (json, "signature_algorithm", self->signature_algorithm);
      mutual_json_string (json, "pem", pem);
    }

  if (self->origin != NULL)
    mutual_json_string (json, "origin", self->origin);
  mutual_json_end_object (json);
}

/**
 * mutual_certificate_reference_to_json:
 * @member: (nullable): the member name, inside an object
 *
 * Writes {"subject_name", "sha256"}: enough to name a certificate listed elsewhere.
 */
void
mutual_certificate_reference_to_json (MutualCertificate *self,
                                      MutualJson        *json,
                                      const char        *member)
{
  g_return_if_fail (MUTUAL_IS_CERTIFICATE (self));

  mutual_json_begin_object (json, member);
  mutual_json_string (json, "subject_name", self->subject_name);
  mutual_json_string (json, "sha256", self->sha256);
  mutual_json_end_object (json);
}

static void
mutual_certificate_finalize (GObject *object)
{
  MutualCertificate *self = MUTUAL_CERTIFICATE (object);

  g_clear_pointer (&self->crt, gnutls_x509_crt_deinit);
  g_clear_pointer (&self->pubkey, gnutls_pubkey_deinit);
  g_clear_pointer (&self->der, g_bytes_unref);
  g_clear_pointer (&self->origin, g_free);
  g_clear_pointer (&self->subject, g_free);
  g_clear_pointer (&self->issuer, g_free);
  g_clear_pointer (&self->subject_name, g_free);
  g_clear_pointer (&self->issuer_name, g_free);
  g_clear_pointer (&self->serial, g_free);
  g_clear_pointer (&self->sha256, g_free);
  g_clear_pointer (&self->sha1, g_free);
  g_clear_pointer (&self->key_id, g_free);
  g_clear_pointer (&self->key_type, g_free);
  g_clear_pointer (&self->signature_algorithm, g_free);

  G_OBJECT_CLASS (mutual_certificate_parent_class)->finalize (object);
}

static void
mutual_certificate_class_init (MutualCertificateClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mutual_certificate_finalize;
}

static void
mutual_certificate_init (MutualCertificate *self)
{
}
