/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "mutual-private-key-private.h"
#include "mutual-x509-private.h"

/**
 * MutualPrivateKey:
 *
 * A private key held in memory while it is needed. It can say what kind of key it is
 * and whether it matches a certificate; it never gives its secret parts to a caller
 * outside the core, and GnuTLS clears them when the object is finalized.
 */
struct _MutualPrivateKey
{
  GObject parent_instance;

  gnutls_x509_privkey_t key;
  char *key_type;
  char *key_id;
  char *format;
  char *origin;
  int bits;
};

G_DEFINE_FINAL_TYPE (MutualPrivateKey, mutual_private_key, G_TYPE_OBJECT)

/**
 * _mutual_wipe:
 *
 * Overwrites memory that held secret material before it is freed, in a way the
 * compiler cannot drop.
 */
void
_mutual_wipe (gpointer data,
              gsize    size)
{
  if (data != NULL && size > 0)
    explicit_bzero (data, size);
}

/**
 * _mutual_private_key_new_take:
 * @key: (transfer full): an imported key
 * @format: how it was stored, e.g. "PKCS#8 (encrypted)"
 * @origin: (nullable): where it was read
 */
MutualPrivateKey *
_mutual_private_key_new_take (gnutls_x509_privkey_t   key,
                              const char             *format,
                              const char             *origin,
                              GError                **error)
{
  g_autoptr(MutualPrivateKey) self = g_object_new (MUTUAL_TYPE_PRIVATE_KEY, NULL);
  g_auto(gnutls_privkey_t) abstract = NULL;
  g_auto(gnutls_pubkey_t) pubkey = NULL;
  unsigned int bits = 0;

  self->key = key;
  self->format = g_strdup (format);
  self->origin = g_strdup (origin);

  /* The public half tells the type and the id used to pair the key with certificates. */
  if (!_mutual_gnutls_check (gnutls_privkey_init (&abstract), error, "gnutls_privkey_init") ||
      !_mutual_gnutls_check (gnutls_privkey_import_x509 (abstract, key, 0), error,
                             _("Cannot use the private key")) ||
      !_mutual_gnutls_check (gnutls_pubkey_init (&pubkey), error, "gnutls_pubkey_init") ||
      !_mutual_gnutls_check (gnutls_pubkey_import_privkey (pubkey, abstract, 0, 0), error,
                             _("Cannot derive the public key from the private key")))
    return NULL;

  self->key_type = _mutual_public_key_describe (pubkey);
  self->key_id = _mutual_public_key_id (pubkey);
  if (self->key_id == NULL)
    self->key_id = g_strdup ("");
  gnutls_pubkey_get_pk_algorithm (pubkey, &bits);
  self->bits = bits;

  return g_steal_pointer (&self);
}

gnutls_x509_privkey_t
_mutual_private_key_get_x509 (MutualPrivateKey *self)
{
  g_return_val_if_fail (MUTUAL_IS_PRIVATE_KEY (self), NULL);
  return self->key;
}

/**
 * mutual_private_key_get_key_type:
 *
 * Returns: "RSA 2048 bits", "ECDSA P-256", "Ed25519" ...
 */
const char *
mutual_private_key_get_key_type (MutualPrivateKey *self)
{
  g_return_val_if_fail (MUTUAL_IS_PRIVATE_KEY (self), NULL);
  return self->key_type;
}

int
mutual_private_key_get_bits (MutualPrivateKey *self)
{
  g_return_val_if_fail (MUTUAL_IS_PRIVATE_KEY (self), 0);
  return self->bits;
}

/**
 * mutual_private_key_get_key_id:
 *
 * Returns: the SHA-256 of the public key's SubjectPublicKeyInfo, as in
 *   mutual_certificate_get_key_id(); public information
 */
const char *
mutual_private_key_get_key_id (MutualPrivateKey *self)
{
  g_return_val_if_fail (MUTUAL_IS_PRIVATE_KEY (self), NULL);
  return self->key_id;
}

/**
 * mutual_private_key_get_format:
 *
 * Returns: how the key was stored: "PKCS#8", "PKCS#8 (encrypted)", "PKCS#1", "SEC1",
 *   "PKCS#12"...
 */
const char *
mutual_private_key_get_format (MutualPrivateKey *self)
{
  g_return_val_if_fail (MUTUAL_IS_PRIVATE_KEY (self), NULL);
  return self->format;
}

const char *
mutual_private_key_get_origin (MutualPrivateKey *self)
{
  g_return_val_if_fail (MUTUAL_IS_PRIVATE_KEY (self), NULL);
  return self->origin;
}

/**
 * mutual_private_key_matches:
 *
 * Returns: whether @certificate carries this key's public half
 */
gboolean
mutual_private_key_matches (MutualPrivateKey  *self,
                            MutualCertificate *certificate)
{
  g_return_val_if_fail (MUTUAL_IS_PRIVATE_KEY (self), FALSE);
  g_return_val_if_fail (MUTUAL_IS_CERTIFICATE (certificate), FALSE);

  return self->key_id[0] != '\0' &&
         g_str_equal (self->key_id, mutual_certificate_get_key_id (certificate));
}

/**
 * mutual_private_key_to_json:
 * @member: (nullable): the member name, inside an object
 *
 * Writes what can be said of the key without revealing it: type, size, id, format.
 */
void
mutual_private_key_to_json (MutualPrivateKey *self,
                            MutualJson       *json,
                            const char       *member)
{
  g_return_if_fail (MUTUAL_IS_PRIVATE_KEY (self));

  mutual_json_begin_object (json, member);
  mutual_json_string (json, "type", self->key_type);
  mutual_json_int (json, "bits", self->bits);
  mutual_json_string (json, "spki_sha256", self->key_id);
  mutual_json_string (json, "format", self->format);
  if (self->origin != NULL)
    {
      mutual_json_string (json, "origin", self->origin);
    }
  mutual_json_end_object (json);
}

static void
mutual_private_key_finalize (GObject *object)
{
  MutualPrivateKey *self = MUTUAL_PRIVATE_KEY (object);

  /* GnuTLS zeroes the key's numbers when it frees them. */
  g_clear_pointer (&self->key, gnutls_x509_privkey_deinit);
  g_clear_pointer (&self->key_type, g_free);
  g_clear_pointer (&self->key_id, g_free);
  g_clear_pointer (&self->format, g_free);
  g_clear_pointer (&self->origin, g_free);

  G_OBJECT_CLASS (mutual_private_key_parent_class)->finalize (object);
}

static void
mutual_private_key_class_init (MutualPrivateKeyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mutual_private_key_finalize;
}

static void
mutual_private_key_init (MutualPrivateKey *self)
{
}
