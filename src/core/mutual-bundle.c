/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "mutual-bundle-private.h"
#include "mutual-error.h"

/**
 * MutualBundle:
 *
 * What one input held: certificates, private keys and certificate requests in the
 * order they were found, and notes about what was skipped. Made by the importer and
 * not changed afterwards.
 */
struct _MutualBundle
{
  GObject parent_instance;

  char *source;
  char *format;
  GPtrArray *certificates;
  GPtrArray *keys;
  GPtrArray *requests;
  GPtrArray *notes;
};

G_DEFINE_FINAL_TYPE (MutualBundle, mutual_bundle, G_TYPE_OBJECT)

MutualBundle *
_mutual_bundle_new (const char *source)
{
  MutualBundle *self = g_object_new (MUTUAL_TYPE_BUNDLE, NULL);

  self->source = g_strdup (source);
  return self;
}

void
_mutual_bundle_set_format (MutualBundle *self,
                           const char   *format)
{
  g_free (self->format);
  self->format = g_strdup (format);
}

void
_mutual_bundle_add_certificate (MutualBundle      *self,
                                MutualCertificate *certificate)
{
  g_ptr_array_add (self->certificates, g_object_ref (certificate));
}

void
_mutual_bundle_add_key (MutualBundle     *self,
                        MutualPrivateKey *key)
{
  g_ptr_array_add (self->keys, g_object_ref (key));
}

void
_mutual_bundle_add_request (MutualBundle  *self,
                            MutualRequest *request)
{
  g_ptr_array_add (self->requests, g_object_ref (request));
}

void
_mutual_bundle_add_note (MutualBundle *self,
                         const char   *note)
{
  /* Keep the array NULL-terminated for mutual_bundle_get_notes(). */
  g_ptr_array_insert (self->notes, self->notes->len - 1, g_strdup (note));
}

static gpointer
ref_copy (gconstpointer object,
          gpointer      data)
{
  return g_object_ref ((gpointer) object);
}

/**
 * mutual_bundle_new_merged:
 * @source: the name of the whole, e.g. "client.pem, client.key"
 * @bundles: (element-type MutualBundle): what several inputs held
 *
 * For an identity that comes as separate files: one bundle with all their objects.
 *
 * Returns: (transfer full): the merged bundle
 */
MutualBundle *
mutual_bundle_new_merged (const char *source,
                          GPtrArray  *bundles)
{
  MutualBundle *self = _mutual_bundle_new (source);

  for (guint i = 0; i < bundles->len; i++)
    {
      MutualBundle *bundle = g_ptr_array_index (bundles, i);

      g_ptr_array_extend (self->certificates, bundle->certificates, ref_copy, NULL);
      g_ptr_array_extend (self->keys, bundle->keys, ref_copy, NULL);
      g_ptr_array_extend (self->requests, bundle->requests, ref_copy, NULL);
      for (guint n = 0; n + 1 < bundle->notes->len; n++)
        _mutual_bundle_add_note (self, g_ptr_array_index (bundle->notes, n));
    }
  _mutual_bundle_set_format (self, bundles->len == 1 ? mutual_bundle_get_format (g_ptr_array_index (bundles, 0))
                                                     : "");
  return self;
}

/**
 * mutual_bundle_get_source:
 *
 * Returns: the name the input was given: a file name, or "standard input"
 */
const char *
mutual_bundle_get_source (MutualBundle *self)
{
  g_return_val_if_fail (MUTUAL_IS_BUNDLE (self), NULL);
  return self->source;
}

/**
 * mutual_bundle_get_format:
 *
 * Returns: the container the input was in: "PEM", "DER", "PKCS#7", "PKCS#12"...
 */
const char *
mutual_bundle_get_format (MutualBundle *self)
{
  g_return_val_if_fail (MUTUAL_IS_BUNDLE (self), NULL);
  return self->format ? self->format : "";
}

/**
 * mutual_bundle_get_certificates:
 *
 * Returns: (transfer none) (element-type MutualCertificate): the certificates
 */
GPtrArray *
mutual_bundle_get_certificates (MutualBundle *self)
{
  g_return_val_if_fail (MUTUAL_IS_BUNDLE (self), NULL);
  return self->certificates;
}

/**
 * mutual_bundle_get_keys:
 *
 * Returns: (transfer none) (element-type MutualPrivateKey): the private keys
 */
GPtrArray *
mutual_bundle_get_keys (MutualBundle *self)
{
  g_return_val_if_fail (MUTUAL_IS_BUNDLE (self), NULL);
  return self->keys;
}

/**
 * mutual_bundle_get_requests:
 *
 * Returns: (transfer none) (element-type MutualRequest): the certificate requests
 */
GPtrArray *
mutual_bundle_get_requests (MutualBundle *self)
{
  g_return_val_if_fail (MUTUAL_IS_BUNDLE (self), NULL);
  return self->requests;
}

/**
 * mutual_bundle_get_notes:
 *
 * Returns: (transfer none): what the importer skipped and why, for people
 */
const char * const *
mutual_bundle_get_notes (MutualBundle *self)
{
  g_return_val_if_fail (MUTUAL_IS_BUNDLE (self), NULL);
  return (const char * const *) self->notes->pdata;
}

/**
 * mutual_bundle_describe:
 *
 * Returns: what the input held, e.g. "PEM: 3 certificates, 1 private key"
 */
char *
mutual_bundle_describe (MutualBundle *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (MUTUAL_IS_BUNDLE (self), NULL);

  if (self->certificates->len > 0)
    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u certificate",
                                               "%u certificates", self->certificates->len),
                            self->certificates->len);
  if (self->keys->len > 0)
    {
      if (text->len > 0)
        g_string_append (text, ", ");
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u private key",
                                                 "%u private keys", self->keys->len),
                              self->keys->len);
    }
  if (self->requests->len > 0)
    {
      if (text->len > 0)
        g_string_append (text, ", ");
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u certificate request",
                                                 "%u certificate requests", self->requests->len),
                              self->requests->len);
    }
  if (text->len == 0)
    g_string_append (text, _("nothing Mutual can show"));

  return g_strdup_printf ("%s: %s", mutual_bundle_get_format (self), text->str);
}

/**
 * mutual_bundle_require_certificate:
 *
 * For callers that need a certificate: fails, saying what the input held instead,
 * when it holds none.
 */
gboolean
mutual_bundle_require_certificate (MutualBundle  *self,
                                   GError       **error)
{
  g_return_val_if_fail (MUTUAL_IS_BUNDLE (self), FALSE);

  if (self->certificates->len > 0)
    return TRUE;

  if (self->keys->len > 0)
    g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_NO_CERTIFICATE,
                 _("%s is a private key, with no certificate in it"), self->source);
  else if (self->requests->len > 0)
    g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_NO_CERTIFICATE,
                 _("%s is a certificate request, not a certificate; the CA turns it into one"),
                 self->source);
  else
    g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_NO_CERTIFICATE,
                 _("%s holds no certificate"), self->source);
  return FALSE;
}

static void
mutual_bundle_finalize (GObject *object)
{
  MutualBundle *self = MUTUAL_BUNDLE (object);

  g_clear_pointer (&self->source, g_free);
  g_clear_pointer (&self->format, g_free);
  g_clear_pointer (&self->certificates, g_ptr_array_unref);
  g_clear_pointer (&self->keys, g_ptr_array_unref);
  g_clear_pointer (&self->requests, g_ptr_array_unref);
  g_clear_pointer (&self->notes, g_ptr_array_unref);

  G_OBJECT_CLASS (mutual_bundle_parent_class)->finalize (object);
}

static void
mutual_bundle_class_init (MutualBundleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mutual_bundle_finalize;
}

static void
mutual_bundle_init (MutualBundle *self)
{
  self->certificates = g_ptr_array_new_with_free_func (g_object_unref);
  self->keys = g_ptr_array_new_with_free_func (g_object_unref);
  self->requests = g_ptr_array_new_with_free_func (g_object_unref);
  self->notes = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->notes, NULL);
}
