/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "mutual-certificate-private.h"
#include "mutual-export-private.h"
#include "mutual-private-key-private.h"

/* Encoding an identity for the keyring and for export files. Every buffer that holds
 * the key in the clear is wiped before it is freed. */

static void
wiped_bytes_free (gpointer data)
{
  GByteArray *array = data;

  _mutual_wipe (array->data, array->len);
  g_byte_array_unref (array);
}

/**
 * _mutual_bytes_new_wiped:
 *
 * Returns: (transfer full): a copy of @data whose memory is wiped when freed
 */
GBytes *
_mutual_bytes_new_wiped (gconstpointer data,
                         gsize         length)
{
  GByteArray *array = g_byte_array_sized_new (length);

  g_byte_array_append (array, data, length);
  return g_bytes_new_with_free_func (array->data, array->len, wiped_bytes_free, array);
}

/* Copies what GnuTLS allocated into wiped bytes, and wipes and frees the original. */
static GBytes *
take_datum (gnutls_datum_t *datum)
{
  GBytes *bytes = _mutual_bytes_new_wiped (datum->data, datum->size);

  _mutual_wipe (datum->data, datum->size);
  gnutls_free (datum->data);
  datum->data = NULL;
  datum->size = 0;
  return bytes;
}

/**
 * _mutual_export_key_pkcs8:
 * @password: (nullable): encrypt with PBES2/AES-256 when given
 * @pem: PEM rather than DER
 *
 * Returns: (transfer full): the key, in memory that is wiped when freed
 */
GBytes *
_mutual_export_key_pkcs8 (MutualPrivateKey  *key,
                          const char        *password,
                          gboolean           pem,
                          GError           **error)
{
  gnutls_datum_t datum = { NULL, 0 };
  int ret;

  ret = gnutls_x509_privkey_export2_pkcs8 (_mutual_private_key_get_x509 (key),
                                           pem ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER,
                                           password,
                                           password ? GNUTLS_PKCS_PBES2_AES_256 : GNUTLS_PKCS_PLAIN,
                                           &datum);
  if (!_mutual_gnutls_check (ret, error, _("Cannot encode the private key")))
    return NULL;
  return take_datum (&datum);
}

/**
 * _mutual_export_pem_chain:
 * @certificates: (element-type MutualCertificate): leaf first
 *
 * Returns: (transfer full): the certificates as concatenated PEM blocks
 */
char *
_mutual_export_pem_chain (GPtrArray *certificates)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < certificates->len; i++)
    {
      g_autofree char *pem = mutual_certificate_to_pem (g_ptr_array_index (certificates, i));

      g_string_append (text, pem);
    }
  return g_string_free (text, FALSE);
}

/**
 * _mutual_export_pem_bundle:
 * @password: (nullable): encrypt the key with it
 *
 * Returns: (transfer full): certificate, chain and key as one PEM file, in memory that
 *   is wiped when freed
 */
GBytes *
_mutual_export_pem_bundle (GPtrArray         *certificates,
                           MutualPrivateKey  *key,
                           const char        *password,
                           GError           **error)
{
  g_autofree char *chain = _mutual_export_pem_chain (certificates);
  g_autoptr(GBytes) key_pem = _mutual_export_key_pkcs8 (key, password, TRUE, error);
  g_autoptr(GByteArray) all = NULL;
  const guint8 *data;
  gsize length;
  GBytes *result;

  if (key_pem == NULL)
    return NULL;

  data = g_bytes_get_data (key_pem, &length);
  all = g_byte_array_sized_new (strlen (chain) + length);
  g_byte_array_append (all, (const guint8 *) chain, strlen (chain));
  g_byte_array_append (all, data, length);
  result = _mutual_bytes_new_wiped (all->data, all->len);
  _mutual_wipe (all->data, all->len);
  return result;
}

/**
 * _mutual_export_pkcs12:
 * @certificates: (element-type MutualCertificate): leaf first
 * @friendly_name: the name importers show for the identity
 * @password: not empty
 *
 * Builds a PKCS#12 file as current tools expect it: certificates and key encrypted
 * with PBES2/AES-256, a SHA-256 MAC, and the leaf and key tied by a local key id.
 *
 * Returns: (transfer full): the file's bytes, wiped when freed
 */
GBytes *
_mutual_export_pkcs12 (GPtrArray         *certificates,
                       MutualPrivateKey  *key,
                       const char        *friendly_name,
                       const char        *password,
                       GError           **error)
{
  g_auto(gnutls_pkcs12_t) pkcs12 = NULL;
  g_auto(gnutls_pkcs12_bag_t) certificate_bag = NULL;
  g_auto(gnutls_pkcs12_bag_t) key_bag = NULL;
  g_autoptr(GBytes) key_der = NULL;
  gnutls_datum_t out = { NULL, 0 };
  gnutls_datum_t key_id_datum;
  gnutls_datum_t key_datum;
  guint8 key_id[20];
  size_t key_id_size = sizeof key_id;
  gsize length;
  int index;

  g_return_val_if_fail (password != NULL && password[0] != '\0', NULL);

  if (!_mutual_gnutls_check (gnutls_x509_crt_get_key_id (_mutual_certificate_get_crt (g_ptr_array_index (certificates, 0)),
                                                         0, key_id, &key_id_size),
                             error, _("Cannot compute the key identifier")))
    return NULL;
  key_id_datum.data = key_id;
  key_id_datum.size = key_id_size;

  if (!_mutual_gnutls_check (gnutls_pkcs12_init (&pkcs12), error, "gnutls_pkcs12_init") ||
      !_mutual_gnutls_check (gnutls_pkcs12_bag_init (&certificate_bag), error, "gnutls_pkcs12_bag_init") ||
      !_mutual_gnutls_check (gnutls_pkcs12_bag_init (&key_bag), error, "gnutls_pkcs12_bag_init"))
    return NULL;

  for (guint i = 0; i < certificates->len; i++)
    {
      index = gnutls_pkcs12_bag_set_crt (certificate_bag,
                                         _mutual_certificate_get_crt (g_ptr_array_index (certificates, i)));
      if (!_mutual_gnutls_check (index, error, _("Cannot add a certificate to the PKCS#12 file")))
        return NULL;
      if (i == 0 &&
          (!_mutual_gnutls_check (gnutls_pkcs12_bag_set_friendly_name (certificate_bag, index, friendly_name),
                                  error, "gnutls_pkcs12_bag_set_friendly_name") ||
           !_mutual_gnutls_check (gnutls_pkcs12_bag_set_key_id (certificate_bag, index, &key_id_datum),
                                  error, "gnutls_pkcs12_bag_set_key_id")))
        return NULL;
    }
  if (!_mutual_gnutls_check (gnutls_pkcs12_bag_encrypt (certificate_bag, password, GNUTLS_PKCS_PBES2_AES_256),
                             error, _("Cannot encrypt the certificates")) ||
      !_mutual_gnutls_check (gnutls_pkcs12_set_bag (pkcs12, certificate_bag), error,
                             "gnutls_pkcs12_set_bag"))
    return NULL;

  key_der = _mutual_export_key_pkcs8 (key, password, FALSE, error);
  if (key_der == NULL)
    return NULL;
  key_datum.data = (unsigned char *) g_bytes_get_data (key_der, &length);
  key_datum.size = length;
  index = gnutls_pkcs12_bag_set_data (key_bag, GNUTLS_BAG_PKCS8_ENCRYPTED_KEY, &key_datum);
  if (!_mutual_gnutls_check (index, error, _("Cannot add the key to the PKCS#12 file")) ||
      !_mutual_gnutls_check (gnutls_pkcs12_bag_set_friendly_name (key_bag, index, friendly_name), error,
                             "gnutls_pkcs12_bag_set_friendly_name") ||
      !_mutual_gnutls_check (gnutls_pkcs12_bag_set_key_id (key_bag, index, &key_id_datum), error,
                             "gnutls_pkcs12_bag_set_key_id") ||
      !_mutual_gnutls_check (gnutls_pkcs12_set_bag (pkcs12, key_bag), error, "gnutls_pkcs12_set_bag") ||
      !_mutual_gnutls_check (gnutls_pkcs12_generate_mac2 (pkcs12, GNUTLS_MAC_SHA256, password), error,
                             _("Cannot protect the PKCS#12 file")) ||
      !_mutual_gnutls_check (gnutls_pkcs12_export2 (pkcs12, GNUTLS_X509_FMT_DER, &out), error,
                             _("Cannot encode the PKCS#12 file")))
    return NULL;

  return take_datum (&out);
}
