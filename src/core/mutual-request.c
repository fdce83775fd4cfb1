/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "mutual-der-private.h"
#include "mutual-request-private.h"
#include "mutual-x509-private.h"

/**
 * MutualRequest:
 *
 * A PKCS#10 certificate signing request, immutable: who asks, for which key, with
 * which extensions. A challenge password is reported as present, never shown.
 */
struct _MutualRequest
{
  GObject parent_instance;

  gnutls_x509_crq_t crq;
  gnutls_pubkey_t pubkey;
  char *origin;
  char *subject;
  char *subject_name;
  char *key_type;
  char *key_id;
  gboolean challenge_password;
};

G_DEFINE_FINAL_TYPE (MutualRequest, mutual_request, G_TYPE_OBJECT)

#define OID_CHALLENGE_PASSWORD "1.2.840.113549.1.9.7"
#define OID_EXTENSION_REQUEST "1.2.840.113549.1.9.14"

/* GnuTLS has no accessor for a request's subject as a name object: find the Name in
 * the DER (CertificationRequest > certificationRequestInfo > subject) and import it. */
static gnutls_x509_dn_t
subject_dn (gnutls_x509_crq_t crq)
{
  g_auto(MutualGnutlsDatum) der = { NULL, 0 };
  const guint8 *info;
  const guint8 *name;
  gsize info_length;
  gsize name_length;
  gnutls_datum_t raw;
  gnutls_x509_dn_t dn = NULL;

  if (gnutls_x509_crq_export2 (crq, GNUTLS_X509_FMT_DER, &der) < 0 ||
      !_mutual_der_child (der.data, der.size, 0, &info, &info_length) ||
      !_mutual_der_child (info, info_length, 1, &name, &name_length))
    return NULL;

  raw.data = (unsigned char *) name;
  raw.size = name_length;
  if (gnutls_x509_dn_init (&dn) < 0)
    return NULL;
  if (gnutls_x509_dn_import (dn, &raw) < 0)
    {
      gnutls_x509_dn_deinit (dn);
      return NULL;
    }
  return dn;
}

MutualRequest *
_mutual_request_new_take (gnutls_x509_crq_t   crq,
                          const char         *origin,
                          GError            **error)
{
  g_autoptr(MutualRequest) self = g_object_new (MUTUAL_TYPE_REQUEST, NULL);
  gnutls_x509_dn_t dn = NULL;

  self->crq = crq;
  self->origin = g_strdup (origin);

  if (!_mutual_gnutls_check (gnutls_pubkey_init (&self->pubkey), error, "gnutls_pubkey_init") ||
      !_mutual_gnutls_check (gnutls_pubkey_import_x509_crq (self->pubkey, crq, 0), error,
                             _("Cannot read the request’s public key")))
    return NULL;

  dn = subject_dn (crq);
  if (dn != NULL)
    {
      self->subject = _mutual_dn_to_string (dn);
      self->subject_name = _mutual_dn_get_display_name (dn);
      gnutls_x509_dn_deinit (dn);
    }
  if (self->subject == NULL)
    {
      self->subject = g_strdup ("");
      self->subject_name = g_strdup ("");
    }

  self->key_type = _mutual_public_key_describe (self->pubkey);
  self->key_id = _mutual_public_key_id (self->pubkey);
  if (self->key_id == NULL)
    self->key_id = g_strdup ("");

  for (unsigned int i = 0; i < 64; i++)
    {
      char oid[128];
      size_t size = sizeof oid;

      if (gnutls_x509_crq_get_attribute_info (crq, i, oid, &size) < 0)
        break;
      if (g_str_equal (oid, OID_CHALLENGE_PASSWORD))
        self->challenge_password = TRUE;
    }

  return g_steal_pointer (&self);
}

const char *
mutual_request_get_subject (MutualRequest *self)
{
  g_return_val_if_fail (MUTUAL_IS_REQUEST (self), NULL);
  return self->subject;
}

const char *
mutual_request_get_subject_name (MutualRequest *self)
{
  g_return_val_if_fail (MUTUAL_IS_REQUEST (self), NULL);
  return self->subject_name;
}

const char *
mutual_request_get_key_type (MutualRequest *self)
{
  g_return_val_if_fail (MUTUAL_IS_REQUEST (self), NULL);
  return self->key_type;
}

const char *
mutual_request_get_key_id (MutualRequest *self)
{
  g_return_val_if_fail (MUTUAL_IS_REQUEST (self), NULL);
  return self->key_id;
}

const char *
mutual_request_get_origin (MutualRequest *self)
{
  g_return_val_if_fail (MUTUAL_IS_REQUEST (self), NULL);
  return self->origin;
}

gboolean
mutual_request_has_challenge_password (MutualRequest *self)
{
  g_return_val_if_fail (MUTUAL_IS_REQUEST (self), FALSE);
  return self->challenge_password;
}

/**
 * mutual_request_signature_valid:
 *
 * Returns: whether the request is signed by the key it carries (proof of possession)
 */
gboolean
mutual_request_signature_valid (MutualRequest *self)
{
  g_return_val_if_fail (MUTUAL_IS_REQUEST (self), FALSE);
  return gnutls_x509_crq_verify (self->crq, 0) >= 0;
}

static MutualSection *
attributes_section (MutualRequest *self)
{
  MutualSection *section = mutual_section_new (MUTUAL_SECTION_ATTRIBUTES, "attributes",
                                               _("Attributes"));

  for (unsigned int i = 0; i < 64; i++)
    {
      char oid[128];
      size_t size = sizeof oid;

      if (gnutls_x509_crq_get_attribute_info (self->crq, i, oid, &size) < 0)
        break;
      if (g_str_equal (oid, OID_CHALLENGE_PASSWORD))
        /* A secret shared with the CA: say it is there, never print it. */
        mutual_section_add (section, "challengePassword", _("Challenge password"),
                            _("Present (not shown)"), MUTUAL_FIELD_NONE);
      else if (g_str_equal (oid, OID_EXTENSION_REQUEST))
        mutual_section_add (section, "extensionRequest", _("Requested extensions"),
                            _("See below"), MUTUAL_FIELD_NONE);
      else
        mutual_section_add (section, "attribute", _("Attribute"), oid, MUTUAL_FIELD_MONOSPACE);
    }
  if (mutual_section_get_n_fields (section) == 0)
    mutual_section_add (section, "none", _("Attributes"), _("(none)"), MUTUAL_FIELD_NONE);

  return section;
}

static void
add_extension_sections (MutualRequest *self,
                        GPtrArray     *sections)
{
  for (unsigned int i = 0; i < 256; i++)
    {
      gnutls_datum_t value = { NULL, 0 };
      char oid[128];
      size_t oid_size = sizeof oid;
      unsigned int critical = 0;

      if (gnutls_x509_crq_get_extension_info (self->crq, i, oid, &oid_size, &critical) < 0)
        break;
      if (gnutls_x509_crq_get_extension_data2 (self->crq, i, &value) < 0)
        continue;
      g_ptr_array_add (sections, _mutual_extension_to_section (oid, critical, &value));
      gnutls_free (value.data);
    }
}

/**
 * mutual_request_get_sections:
 *
 * Returns: (transfer container) (element-type MutualSection): summary, subject,
 *   public key, attributes, requested extensions and signature
 */
GPtrArray *
mutual_request_get_sections (MutualRequest *self)
{
  GPtrArray *sections = g_ptr_array_new_with_free_func (g_object_unref);
  MutualSection *summary;
  MutualSection *signature;
  gnutls_x509_dn_t dn = NULL;
  int algorithm;

  g_return_val_if_fail (MUTUAL_IS_REQUEST (self), NULL);

  summary = mutual_section_new (MUTUAL_SECTION_SUMMARY, "summary", _("Summary"));
  mutual_section_add (summary, "subject", _("Requested for"), self->subject_name,
                      MUTUAL_FIELD_NONE);
  mutual_section_add (summary, "key", _("Key"), self->key_type, MUTUAL_FIELD_NONE);
  mutual_section_add (summary, "signature", _("Signature"),
                      mutual_request_signature_valid (self) ? _("Valid (the requester holds the key)")
                                                            : _("Invalid"),
                      mutual_request_signature_valid (self) ? MUTUAL_FIELD_NONE : MUTUAL_FIELD_WARNING);
  g_ptr_array_add (sections, summary);

  dn = subject_dn (self->crq);
  if (dn != NULL)
    {
      g_ptr_array_add (sections, _mutual_dn_to_section (dn, MUTUAL_SECTION_SUBJECT, "subject",
                                                        _("Subject")));
      gnutls_x509_dn_deinit (dn);
    }
  g_ptr_array_add (sections, _mutual_public_key_section (self->pubkey, NULL));
  g_ptr_array_add (sections, attributes_section (self));
  add_extension_sections (self, sections);

  signature = mutual_section_new (MUTUAL_SECTION_SIGNATURE, "signature", _("Signature"));
  algorithm = gnutls_x509_crq_get_signature_algorithm (self->crq);
  mutual_section_add (signature, "algorithm", _("Algorithm"),
                      algorithm >= 0 && gnutls_sign_get_name (algorithm) ? gnutls_sign_get_name (algorithm)
                                                                         : _("unknown"),
                      MUTUAL_FIELD_NONE);
  g_ptr_array_add (sections, signature);

  return sections;
}

/**
 * mutual_request_to_json:
 * @member: (nullable): the member name, inside an object
 */
void
mutual_request_to_json (MutualRequest *self,
                        MutualJson    *json,
                        const char    *member)
{
  g_autoptr(GPtrArray) sections = g_ptr_array_new_with_free_func (g_object_unref);
  gnutls_x509_dn_t dn = NULL;

  g_return_if_fail (MUTUAL_IS_REQUEST (self));

  mutual_json_begin_object (json, member);
  mutual_json_string (json, "subject_name", self->subject_name);
  dn = subject_dn (self->crq);
  if (dn != NULL)
    {
      _mutual_dn_to_json (dn, self->subject, json, "subject");
      gnutls_x509_dn_deinit (dn);
    }
  else
    {
      mutual_json_null (json, "subject");
    }
  _mutual_public_key_to_json (self->pubkey, NULL, json, "public_key");
  mutual_json_boolean (json, "challenge_password_present", self->challenge_password);
  mutual_json_boolean (json, "signature_valid", mutual_request_signature_valid (self));
  add_extension_sections (self, sections);
  _mutual_sections_to_json (sections, MUTUAL_SECTION_EXTENSION, json, "extensions");
  if (self->origin != NULL)
    mutual_json_string (json, "origin", self->origin);
  mutual_json_end_object (json);
}

static void
mutual_request_finalize (GObject *object)
{
  MutualRequest *self = MUTUAL_REQUEST (object);

  g_clear_pointer (&self->crq, gnutls_x509_crq_deinit);
  g_clear_pointer (&self->pubkey, gnutls_pubkey_deinit);
  g_clear_pointer (&self->origin, g_free);
  g_clear_pointer (&self->subject, g_free);
  g_clear_pointer (&self->subject_name, g_free);
  g_clear_pointer (&self->key_type, g_free);
  g_clear_pointer (&self->key_id, g_free);

  G_OBJECT_CLASS (mutual_request_parent_class)->finalize (object);
}

static void
mutual_request_class_init (MutualRequestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mutual_request_finalize;
}

static void
mutual_request_init (MutualRequest *self)
{
}
