/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "mutual-certificate-private.h"
#include "mutual-trust-private.h"

/**
 * MutualTrust:
 *
 * The certificate authorities a verification trusts: the system's store, anchors the
 * user chose, or both.
 */
struct _MutualTrust
{
  GObject parent_instance;

  gnutls_x509_trust_list_t list;
  GPtrArray *anchors;
  guint n_system;
  gboolean system;
};

G_DEFINE_FINAL_TYPE (MutualTrust, mutual_trust, G_TYPE_OBJECT)

MutualTrust *
mutual_trust_new (void)
{
  return g_object_new (MUTUAL_TYPE_TRUST, NULL);
}

/**
 * mutual_trust_add_system:
 *
 * Adds the system's trusted CAs (on Debian, /etc/ssl/certs/ca-certificates.crt).
 */
gboolean
mutual_trust_add_system (MutualTrust  *self,
                         GError      **error)
{
  int ret;

  g_return_val_if_fail (MUTUAL_IS_TRUST (self), FALSE);

  if (self->system)
    return TRUE;
  ret = gnutls_x509_trust_list_add_system_trust (self->list, 0, 0);
  if (!_mutual_gnutls_check (ret, error, _("Cannot load the system’s trusted certificates")))
    return FALSE;
  if (ret == 0)
    {
      g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_NOT_FOUND,
                   _("The system has no trusted certificates; install the Debian package "
                     "“ca-certificates” or give the CA with --trust"));
      return FALSE;
    }
  self->system = TRUE;
  self->n_system = ret;
  return TRUE;
}

/* The system's trust, loaded once per process: a fleet of probes verifies every
 * server against it, and reading the system bundle costs more than a handshake. A
 * trust list is not modified once built, so sharing it is safe. */
G_LOCK_DEFINE_STATIC (system_trust);
static MutualTrust *system_trust;

MutualTrust *
_mutual_trust_get_system (GError **error)
{
  MutualTrust *trust = NULL;

  G_LOCK (system_trust);
  if (system_trust == NULL)
    {
      g_autoptr(MutualTrust) loaded = mutual_trust_new ();

      if (mutual_trust_add_system (loaded, error))
        system_trust = g_steal_pointer (&loaded);
    }
  if (system_trust != NULL)
    trust = g_object_ref (system_trust);
  G_UNLOCK (system_trust);

  return trust;
}

gboolean
mutual_trust_add_anchor (MutualTrust        *self,
                         MutualCertificate  *anchor,
                         GError            **error)
{
  gnutls_x509_crt_t copy = NULL;
  GBytes *der;
  gnutls_datum_t datum;
  gsize size;

  g_return_val_if_fail (MUTUAL_IS_TRUST (self), FALSE);
  g_return_val_if_fail (MUTUAL_IS_CERTIFICATE (anchor), FALSE);

  /* The list takes ownership of what it is given: give it its own copy. */
  der = mutual_certificate_get_der (anchor);
  datum.data = (unsigned char *) g_bytes_get_data (der, &size);
  datum.size = size;
  if (!_mutual_gnutls_check (gnutls_x509_crt_init (&copy), error, "gnutls_x509_crt_init"))
    return FALSE;
  if (!_mutual_gnutls_check (gnutls_x509_crt_import (copy, &datum, GNUTLS_X509_FMT_DER), error,
                             _("Cannot use %s as a trust anchor"),
                             mutual_certificate_get_subject_name (anchor)) ||
      !_mutual_gnutls_check (gnutls_x509_trust_list_add_cas (self->list, &copy, 1, 0), error,
                             _("Cannot use %s as a trust anchor"),
                             mutual_certificate_get_subject_name (anchor)))
    {
      gnutls_x509_crt_deinit (copy);
      return FALSE;
    }

  g_ptr_array_add (self->anchors, g_object_ref (anchor));
  return TRUE;
}

/**
 * mutual_trust_add_bundle:
 *
 * Adds every certificate of @bundle as a trust anchor.
 */
gboolean
mutual_trust_add_bundle (MutualTrust   *self,
                         MutualBundle  *bundle,
                         GError       **error)
{
  GPtrArray *certificates = mutual_bundle_get_certificates (bundle);

  if (certificates->len == 0)
    {
      g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_NO_CERTIFICATE,
                   _("%s holds no certificate to trust"), mutual_bundle_get_source (bundle));
      return FALSE;
    }
  for (guint i = 0; i < certificates->len; i++)
    {
      if (!mutual_trust_add_anchor (self, g_ptr_array_index (certificates, i), error))
        return FALSE;
    }
  return TRUE;
}

guint
mutual_trust_get_n_anchors (MutualTrust *self)
{
  g_return_val_if_fail (MUTUAL_IS_TRUST (self), 0);
  return self->anchors->len + self->n_system;
}

/**
 * mutual_trust_describe:
 *
 * Returns: what is trusted, e.g. "the system’s 146 trusted CAs"
 */
char *
mutual_trust_describe (MutualTrust *self)
{
  g_return_val_if_fail (MUTUAL_IS_TRUST (self), NULL);

  if (self->system && self->anchors->len == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "the system’s %u trusted CA",
                                         "the system’s %u trusted CAs", self->n_system),
                            self->n_system);
  if (self->system)
    return g_strdup_printf (_("the system’s trusted CAs and %u chosen anchors"), self->anchors->len);
  if (self->anchors->len == 1)
    return g_strdup_printf (_("the chosen anchor %s"),
                            mutual_certificate_get_subject_name (g_ptr_array_index (self->anchors, 0)));
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u chosen anchor", "%u chosen anchors",
                                       self->anchors->len),
                          self->anchors->len);
}

/**
 * mutual_trust_contains:
 *
 * Returns: whether @certificate itself is one of the trusted CAs
 */
gboolean
mutual_trust_contains (MutualTrust       *self,
                       MutualCertificate *certificate)
{
  g_autoptr(MutualCertificate) issuer = NULL;

  g_return_val_if_fail (MUTUAL_IS_TRUST (self), FALSE);

  issuer = mutual_trust_find_issuer (self, certificate);
  return issuer != NULL && mutual_certificate_equal (issuer, certificate);
}

/**
 * mutual_trust_find_issuer:
 *
 * Returns: (transfer full) (nullable): the trusted CA that issued @certificate
 */
MutualCertificate *
mutual_trust_find_issuer (MutualTrust       *self,
                          MutualCertificate *certificate)
{
  gnutls_x509_crt_t issuer = NULL;

  g_return_val_if_fail (MUTUAL_IS_TRUST (self), NULL);
  g_return_val_if_fail (MUTUAL_IS_CERTIFICATE (certificate), NULL);

  if (gnutls_x509_trust_list_get_issuer (self->list, _mutual_certificate_get_crt (certificate),
                                         &issuer, GNUTLS_TL_GET_COPY) < 0 || issuer == NULL)
    return NULL;

  return _mutual_certificate_new_take (issuer, NULL, self->system ? _("system trust store") : _("trust anchor"),
                                       NULL);
}

gnutls_x509_trust_list_t
_mutual_trust_get_list (MutualTrust *self)
{
  g_return_val_if_fail (MUTUAL_IS_TRUST (self), NULL);
  return self->list;
}

static void
mutual_trust_finalize (GObject *object)
{
  MutualTrust *self = MUTUAL_TRUST (object);

  g_clear_pointer (&self->list, mutual_gnutls_trust_list_free);
  g_clear_pointer (&self->anchors, g_ptr_array_unref);

  G_OBJECT_CLASS (mutual_trust_parent_class)->finalize (object);
}

static void
mutual_trust_class_init (MutualTrustClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mutual_trust_finalize;
}

static void
mutual_trust_init (MutualTrust *self)
{
  gnutls_x509_trust_list_init (&self->list, 0);
  self->anchors = g_ptr_array_new_with_free_func (g_object_unref);
}
