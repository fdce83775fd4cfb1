/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mutual-bundle-private.h"
#include "mutual-certificate-private.h"
#include "mutual-der-private.h"
#include "mutual-importer.h"
#include "mutual-private-key-private.h"
#include "mutual-request-private.h"

/* The importer turns bytes in any of the formats people are handed (PEM with any mix of
 * objects, DER, PKCS#7, PKCS#12, PKCS#8, PKCS#1, SEC1, PKCS#10) into a MutualBundle.
 * Every failure names the object and what is wrong with it. */

#define MAX_PEM_BLOCKS 100000

typedef enum
{
  KIND_UNKNOWN,
  KIND_CERTIFICATE,
  KIND_TRUSTED_CERTIFICATE,
  KIND_PKCS7,
  KIND_PKCS12,
  KIND_REQUEST,
  KIND_PKCS8,
  KIND_PKCS8_ENCRYPTED,
  KIND_TRADITIONAL_KEY,
  KIND_SKIPPED,
} ObjectKind;

typedef struct
{
  MutualBundle *bundle;
  const char *source;
  const char *password;
} Import;

/* Secure buffers: memory that may hold a private key is wiped before it is freed. */

typedef struct
{
  gpointer data;
  gsize size;
} Wiped;

static void
wiped_free (gpointer user_data)
{
  Wiped *wiped = user_data;

  _mutual_wipe (wiped->data, wiped->size);
  g_free (wiped->data);
  g_free (wiped);
}

static GBytes *
bytes_new_wiped_take (gpointer data,
                      gsize    size)
{
  Wiped *wiped = g_new (Wiped, 1);

  wiped->data = data;
  wiped->size = size;
  return g_bytes_new_with_free_func (data, size, wiped_free, wiped);
}

static void
too_large (GError     **error,
           const char  *source,
           goffset      size)
{
  g_autofree char *size_text = g_format_size (size);
  g_autofree char *max_text = g_format_size (MUTUAL_IMPORT_MAX_SIZE);

  g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_TOO_LARGE,
               _("%s is %s, more than the %s Mutual reads; certificate files are much smaller, "
                 "so this is probably not one"),
               source, size_text, max_text);
}

/* Reads up to @capacity bytes at @buffer; returns the count, 0 at the end, -1 on error. */
typedef gssize (*ReadFunc) (gpointer       source,
                            guint8        *buffer,
                            gsize          capacity,
                            GCancellable  *cancellable,
                            GError       **error);

/* Reads to the end, never more than MUTUAL_IMPORT_MAX_SIZE; starts with @capacity bytes
 * of room and grows, wiping each buffer it leaves behind. */
static GBytes *
load_bounded (ReadFunc       read_func,
              gpointer       read_source,
              gsize          capacity,
              const char    *name,
              GCancellable  *cancellable,
              GError       **error)
{
  gsize length = 0;
  guint8 *buffer;

  capacity = CLAMP (capacity, 1, (gsize) MUTUAL_IMPORT_MAX_SIZE + 1);
  buffer = g_malloc (capacity);
  for (;;)
    {
      gssize n;

      if (length == capacity)
        {
          gsize larger = MIN (capacity * 2, (gsize) MUTUAL_IMPORT_MAX_SIZE + 1);
          guint8 *moved;

          if (larger == capacity)
            {
              _mutual_wipe (buffer, length);
              g_free (buffer);
              too_large (error, name, length);
              return NULL;
            }
          /* Copy by hand so the old buffer can be wiped; g_realloc would leave it. */
          moved = g_malloc (larger);
          memcpy (moved, buffer, length);
          _mutual_wipe (buffer, length);
          g_free (buffer);
          buffer = moved;
          capacity = larger;
        }

      n = read_func (read_source, buffer + length, capacity - length, cancellable, error);
      if (n < 0)
        {
          _mutual_wipe (buffer, length);
          g_free (buffer);
          g_prefix_error (error, _("Cannot read %s: "), name);
          return NULL;
        }
      if (n == 0)
        break;
      length += n;
    }

  if (length > MUTUAL_IMPORT_MAX_SIZE)
    {
      _mutual_wipe (buffer, length);
      g_free (buffer);
      too_large (error, name, length);
      return NULL;
    }

  return bytes_new_wiped_take (buffer, length);
}

static gssize
read_stream (gpointer       source,
             guint8        *buffer,
             gsize          capacity,
             GCancellable  *cancellable,
             GError       **error)
{
  return g_input_stream_read (source, buffer, capacity, cancellable, error);
}

/**
 * mutual_load_stream:
 * @source: the name to use in messages, e.g. "standard input"
 *
 * Reads @stream to its end, but never more than %MUTUAL_IMPORT_MAX_SIZE bytes. The
 * bytes returned are wiped from memory when they are freed, as they may hold a key.
 *
 * Returns: (transfer full): the bytes, or %NULL with @error set
 */
GBytes *
mutual_load_stream (GInputStream  *stream,
                    const char    *source,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);

  return load_bounded (read_stream, stream, 64 * 1024, source, cancellable, error);
}

static gssize
read_fd (gpointer       source,
         guint8        *buffer,
         gsize          capacity,
         GCancellable  *cancellable,
         GError       **error)
{
  int fd = GPOINTER_TO_INT (source);
  gssize n;

  do
    n = read (fd, buffer, capacity);
  while (n < 0 && errno == EINTR);

  if (n < 0)
    {
      int saved = errno;

      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved), g_strerror (saved));
    }
  return n;
}

/**
 * mutual_load_path:
 * @path: a local file name
 *
 * Reads a local file as mutual_load_stream() does, refusing a file known to be too
 * large before reading it. It does not go through GIO's virtual file system, whose
 * first use loads every GIO module installed: a command-line tool that reads one file
 * has no use for them.
 *
 * Returns: (transfer full): the bytes, or %NULL with @error set
 */
GBytes *
mutual_load_path (const char  *path,
                  GError     **error)
{
  g_autofree char *name = NULL;
  struct stat info;
  GBytes *bytes;
  gsize capacity = 64 * 1024;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  name = g_filename_display_name (path);
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY, 0);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot open %s: %s"), name, g_strerror (saved));
      return NULL;
    }
  if (fstat (fd, &info) < 0)
    {
      int saved = errno;

      close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot open %s: %s"), name, g_strerror (saved));
      return NULL;
    }
  if (S_ISDIR (info.st_mode))
    {
      close (fd);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                   _("%s is a folder; give the certificate file inside it"), name);
      return NULL;
    }
  if (S_ISREG (info.st_mode))
    {
      if (info.st_size > MUTUAL_IMPORT_MAX_SIZE)
        {
          close (fd);
          too_large (error, name, info.st_size);
          return NULL;
        }
      /* One more byte than the file has, so that its end is seen without growing. */
      capacity = info.st_size + 1;
    }

  bytes = load_bounded (read_fd, GINT_TO_POINTER (fd), capacity, name, NULL, error);
  close (fd);
  return bytes;
}

/**
 * mutual_load_file:
 *
 * Reads a file as mutual_load_stream() does, refusing a file known to be too large
 * before reading it.
 *
 * Returns: (transfer full): the bytes, or %NULL with @error set
 */
GBytes *
mutual_load_file (GFile         *file,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  name = g_file_get_parse_name (file);
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                            G_FILE_QUERY_INFO_NONE, cancellable, error);
  if (info == NULL)
    {
      g_prefix_error (error, _("Cannot open %s: "), name);
      return NULL;
    }
  if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                   _("%s is a folder; give the certificate file inside it"), name);
      return NULL;
    }
  if (g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR &&
      g_file_info_get_size (info) > MUTUAL_IMPORT_MAX_SIZE)
    {
      too_large (error, name, g_file_info_get_size (info));
      return NULL;
    }

  stream = g_file_read (file, cancellable, error);
  if (stream == NULL)
    {
      g_prefix_error (error, _("Cannot open %s: "), name);
      return NULL;
    }

  return mutual_load_stream (G_INPUT_STREAM (stream), name, cancellable, error);
}

/* Objects */

static gboolean
add_certificate_der (Import        *import,
                     const guint8  *data,
                     gsize          length,
                     const char    *origin,
                     GError       **error)
{
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t datum = { (unsigned char *) data, length };
  g_autoptr(MutualCertificate) certificate = NULL;

  if (!_mutual_gnutls_check (gnutls_x509_crt_init (&crt), error, "gnutls_x509_crt_init"))
    return FALSE;
  if (!_mutual_gnutls_check (gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_DER), error,
                             _("%s does not hold a valid certificate"), origin))
    {
      gnutls_x509_crt_deinit (crt);
      return FALSE;
    }

  {
    g_autoptr(GBytes) der = g_bytes_new (data, length);

    certificate = _mutual_certificate_new_take (crt, der, origin, error);
  }
  if (certificate == NULL)
    return FALSE;
  _mutual_bundle_add_certificate (import->bundle, certificate);
  return TRUE;
}

static gboolean
add_request_der (Import        *import,
                 const guint8  *data,
                 gsize          length,
                 const char    *origin,
                 GError       **error)
{
  gnutls_x509_crq_t crq = NULL;
  gnutls_datum_t datum = { (unsigned char *) data, length };
  g_autoptr(MutualRequest) request = NULL;

  if (!_mutual_gnutls_check (gnutls_x509_crq_init (&crq), error, "gnutls_x509_crq_init"))
    return FALSE;
  if (!_mutual_gnutls_check (gnutls_x509_crq_import (crq, &datum, GNUTLS_X509_FMT_DER), error,
                             _("%s does not hold a valid certificate request"), origin))
    {
      gnutls_x509_crq_deinit (crq);
      return FALSE;
    }

  request = _mutual_request_new_take (crq, origin, error);
  if (request == NULL)
    return FALSE;
  _mutual_bundle_add_request (import->bundle, request);
  return TRUE;
}

static gboolean
needs_password (Import      *import,
                GError     **error,
                const char  *origin)
{
  if (import->password != NULL)
    return FALSE;

  g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_NEEDS_PASSWORD,
               _("%s is encrypted: a password is needed"), origin);
  return TRUE;
}

static void
bad_password (GError     **error,
              const char  *origin,
              int          code)
{
  g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_BAD_PASSWORD,
               _("%s could not be decrypted: wrong password? (%s)"), origin,
               gnutls_strerror (code));
}

static gboolean
add_key (Import                *import,
         gnutls_x509_privkey_t  key,
         const char            *format,
         const char            *origin,
         GError               **error)
{
  g_autoptr(MutualPrivateKey) private_key = _mutual_private_key_new_take (key, format, origin, error);

  if (private_key == NULL)
    return FALSE;
  _mutual_bundle_add_key (import->bundle, private_key);
  return TRUE;
}

/* A PKCS#8 key, plain or encrypted, in DER. */
static gboolean
add_pkcs8_der (Import        *import,
               const guint8  *data,
               gsize          length,
               gboolean       encrypted,
               const char    *origin,
               GError       **error)
{
  gnutls_x509_privkey_t key = NULL;
  gnutls_datum_t datum = { (unsigned char *) data, length };
  int ret;

  if (encrypted && needs_password (import, error, origin))
    return FALSE;
  if (!_mutual_gnutls_check (gnutls_x509_privkey_init (&key), error, "gnutls_x509_privkey_init"))
    return FALSE;

  ret = gnutls_x509_privkey_import_pkcs8 (key, &datum, GNUTLS_X509_FMT_DER,
                                          encrypted ? import->password : NULL,
                                          encrypted ? 0 : GNUTLS_PKCS_PLAIN);
  if (ret < 0)
    {
      gnutls_x509_privkey_deinit (key);
      if (encrypted && ret == GNUTLS_E_DECRYPTION_FAILED)
        bad_password (error, origin, ret);
      else
        _mutual_gnutls_check (ret, error, _("%s does not hold a valid PKCS#8 private key"), origin);
      return FALSE;
    }

  /* Format names are identifiers (they are in the JSON), not translated. */
  return add_key (import, key, encrypted ? "PKCS#8 (encrypted)" : "PKCS#8", origin, error);
}

/* An unencrypted PKCS#1 RSA, SEC1 EC or DSA key in DER. */
static gboolean
add_traditional_key_der (Import        *import,
                         const guint8  *data,
                         gsize          length,
                         const char    *format,
                         const char    *origin,
                         GError       **error)
{
  gnutls_x509_privkey_t key = NULL;
  gnutls_datum_t datum = { (unsigned char *) data, length };

  if (!_mutual_gnutls_check (gnutls_x509_privkey_init (&key), error, "gnutls_x509_privkey_init"))
    return FALSE;
  if (!_mutual_gnutls_check (gnutls_x509_privkey_import (key, &datum, GNUTLS_X509_FMT_DER), error,
                             _("%s does not hold a valid private key"), origin))
    {
      gnutls_x509_privkey_deinit (key);
      return FALSE;
    }

  return add_key (import, key, format, origin, error);
}

static gboolean
add_pkcs7_der (Import        *import,
               const guint8  *data,
               gsize          length,
               const char    *origin,
               GError       **error)
{
  g_auto(gnutls_pkcs7_t) pkcs7 = NULL;
  gnutls_datum_t datum = { (unsigned char *) data, length };
  int count;

  if (!_mutual_gnutls_check (gnutls_pkcs7_init (&pkcs7), error, "gnutls_pkcs7_init") ||
      !_mutual_gnutls_check (gnutls_pkcs7_import (pkcs7, &datum, GNUTLS_X509_FMT_DER), error,
                             _("%s is not a valid PKCS#7 structure"), origin))
    return FALSE;

  count = gnutls_pkcs7_get_crt_count (pkcs7);
  if (count <= 0)
    {
      g_autofree char *note = g_strdup_printf (_("%s holds no certificates"), origin);

      _mutual_bundle_add_note (import->bundle, note);
      return TRUE;
    }

  for (int i = 0; i < count; i++)
    {
      g_auto(MutualGnutlsDatum) der = { NULL, 0 };
      g_autofree char *item_origin = NULL;

      /* Translators: e.g. "chain.p7b, PKCS#7 certificate 2". */
      item_origin = g_strdup_printf (_("%s, certificate %d"), origin, i + 1);
      if (!_mutual_gnutls_check (gnutls_pkcs7_get_crt_raw2 (pkcs7, i, &der), error,
                                 _("Cannot read %s"), item_origin) ||
          !add_certificate_der (import, der.data, der.size, item_origin, error))
        return FALSE;
    }

  return TRUE;
}

static char *
bag_origin (const char          *origin,
            gnutls_pkcs12_bag_t  bag,
            int                  bag_index,
            unsigned int         element)
{
  char *name = NULL;

  if (gnutls_pkcs12_bag_get_friendly_name (bag, element, &name) >= 0 && name != NULL &&
      g_utf8_validate (name, -1, NULL))
    /* Translators: e.g. "client.p12, bag 2 “alice”". */
    return g_strdup_printf (_("%s, bag %d “%s”"), origin, bag_index + 1, name);
  return g_strdup_printf (_("%s, bag %d"), origin, bag_index + 1);
}

static gboolean
add_pkcs12_element (Import               *import,
                    gnutls_pkcs12_bag_t   bag,
                    int                   bag_index,
                    unsigned int          element,
                    const char           *origin,
                    GError              **error)
{
  gnutls_datum_t data = { NULL, 0 };
  g_autofree char *item_origin = bag_origin (origin, bag, bag_index, element);
  int type = gnutls_pkcs12_bag_get_type (bag, element);

  if (!_mutual_gnutls_check (gnutls_pkcs12_bag_get_data (bag, element, &data), error,
                             _("Cannot read %s"), item_origin))
    return FALSE;

  switch (type)
    {
    case GNUTLS_BAG_CERTIFICATE:
      return add_certificate_der (import, data.data, data.size, item_origin, error);

    case GNUTLS_BAG_PKCS8_ENCRYPTED_KEY:
      return add_pkcs8_der (import, data.data, data.size, TRUE, item_origin, error);

    case GNUTLS_BAG_PKCS8_KEY:
      return add_pkcs8_der (import, data.data, data.size, FALSE, item_origin, error);

    case GNUTLS_BAG_CRL:
    case GNUTLS_BAG_SECRET:
    case GNUTLS_BAG_ENCRYPTED:
    case GNUTLS_BAG_EMPTY:
    case GNUTLS_BAG_UNKNOWN:
    default:
      {
        g_autofree char *note = g_strdup_printf (_("%s was skipped: it holds neither a "
                                                   "certificate nor a key"), item_origin);

        _mutual_bundle_add_note (import->bundle, note);
        return TRUE;
      }
    }
}

static gboolean
add_pkcs12_der (Import        *import,
                const guint8  *data,
                gsize          length,
                const char    *origin,
                GError       **error)
{
  g_auto(gnutls_pkcs12_t) pkcs12 = NULL;
  gnutls_datum_t datum = { (unsigned char *) data, length };
  const char *password = import->password;
  gboolean has_mac;
  int ret;

  if (!_mutual_gnutls_check (gnutls_pkcs12_init (&pkcs12), error, "gnutls_pkcs12_init") ||
      !_mutual_gnutls_check (gnutls_pkcs12_import (pkcs12, &datum, GNUTLS_X509_FMT_DER, 0), error,
                             _("%s is not a valid PKCS#12 file"), origin))
    return FALSE;

  /* A file without a MAC has nothing to check the password against. GnuTLS 3.7
   * allocates the MAC's OID even when not asked for it, so ask and free it. */
  {
    char *mac_oid = NULL;

    has_mac = gnutls_pkcs12_mac_info (pkcs12, NULL, NULL, NULL, NULL, &mac_oid) >= 0;
    gnutls_free (mac_oid);
  }
  if (has_mac)
    {
      if (password == NULL)
        {
          /* Many tools write "no password" as an empty one: try that before asking. */
          if (gnutls_pkcs12_verify_mac (pkcs12, "") < 0)
            {
              g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_NEEDS_PASSWORD,
                           _("%s is protected by a password"), origin);
              return FALSE;
            }
          password = "";
        }
      else if ((ret = gnutls_pkcs12_verify_mac (pkcs12, password)) < 0)
        {
          g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_BAD_PASSWORD,
                       _("PKCS#12 MAC verification of %s failed: wrong password? (%s)"), origin,
                       gnutls_strerror (ret));
          return FALSE;
        }
    }

  for (int i = 0;; i++)
    {
      g_auto(gnutls_pkcs12_bag_t) bag = NULL;
      int count;

      if (!_mutual_gnutls_check (gnutls_pkcs12_bag_init (&bag), error, "gnutls_pkcs12_bag_init"))
        return FALSE;
      ret = gnutls_pkcs12_get_bag (pkcs12, i, bag);
      if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        break;
      if (!_mutual_gnutls_check (ret, error, _("Cannot read bag %d of %s"), i + 1, origin))
        return FALSE;

      if (gnutls_pkcs12_bag_get_type (bag, 0) == GNUTLS_BAG_ENCRYPTED)
        {
          g_autofree char *bag_name = g_strdup_printf (_("%s, bag %d"), origin, i + 1);

          if (password == NULL)
            {
              g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_NEEDS_PASSWORD,
                           _("%s is protected by a password"), origin);
              return FALSE;
            }
          ret = gnutls_pkcs12_bag_decrypt (bag, password);
          if (ret == GNUTLS_E_UNKNOWN_CIPHER_TYPE || ret == GNUTLS_E_UNIMPLEMENTED_FEATURE)
            {
              _mutual_gnutls_check (ret, error, _("%s is encrypted with a cipher GnuTLS does not "
                                                  "support"), bag_name);
              return FALSE;
            }
          if (ret < 0)
            {
              bad_password (error, bag_name, ret);
              return FALSE;
            }
        }

      /* Keys in a PKCS#12 are encrypted with the same password as the file. */
      {
        const char *saved = import->password;

        import->password = password;
        count = gnutls_pkcs12_bag_get_count (bag);
        for (int element = 0; element < count; element++)
          {
            if (!add_pkcs12_element (import, bag, i, element, origin, error))
              {
                import->password = saved;
                return FALSE;
              }
          }
        import->password = saved;
      }
    }

  return TRUE;
}

/* Telling DER objects apart */

static gboolean
der_is (const guint8 *data,
        gsize         length,
        guint         index,
        guint8        tag)
{
  const guint8 *child;
  gsize child_length;

  return _mutual_der_child (data, length, index, &child, &child_length) && child[0] == tag;
}

static gboolean
der_child_is_oid (const guint8 *data,
                  gsize         length,
                  guint         index,
                  const guint8 *oid,
                  gsize         oid_length)
{
  const guint8 *child;
  gsize child_length;

  return _mutual_der_child (data, length, index, &child, &child_length) && child[0] == 0x06 &&
         child_length == oid_length + 2 && memcmp (child + 2, oid, oid_length) == 0;
}

/* 1.2.840.113549.1.7.2 signedData and 1.2.840.113549.1.7.1 data */
static const guint8 oid_signed_data[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02 };

static ObjectKind
guess_der_kind (const guint8 *data,
                gsize         length)
{
  const guint8 *first;
  gsize first_length;

  if (!_mutual_der_child (data, length, 0, &first, &first_length))
    return KIND_UNKNOWN;

  /* ContentInfo { contentType signedData, [0] content } */
  if (der_child_is_oid (data, length, 0, oid_signed_data, sizeof oid_signed_data))
    return KIND_PKCS7;

  /* PFX { version 3, authSafe ContentInfo, macData } */
  if (first[0] == 0x02 && first_length == 3 && first[2] == 3 && der_is (data, length, 1, 0x30))
    return KIND_PKCS12;

  /* EncryptedPrivateKeyInfo { AlgorithmIdentifier, OCTET STRING } */
  if (first[0] == 0x30 && der_is (data, length, 1, 0x04) &&
      !_mutual_der_child (data, length, 2, &first, &first_length))
    return KIND_PKCS8_ENCRYPTED;

  /* PrivateKeyInfo { version, AlgorithmIdentifier, OCTET STRING } */
  if (first[0] == 0x02 && der_is (data, length, 1, 0x30) && der_is (data, length, 2, 0x04))
    return KIND_PKCS8;

  /* ECPrivateKey { version 1, OCTET STRING, ... } */
  if (first[0] == 0x02 && der_is (data, length, 1, 0x04))
    return KIND_TRADITIONAL_KEY;

  /* RSAPrivateKey { version, n, e, d, ... }: nine integers */
  if (first[0] == 0x02 && der_is (data, length, 1, 0x02) && der_is (data, length, 8, 0x02))
    return KIND_TRADITIONAL_KEY;

  /* Certificate and CertificationRequest are both { info SEQUENCE, alg, BIT STRING }:
   * a certificate's info starts with [0] version or its serial and has at least six
   * members, a request's has four. */
  if (first[0] == 0x30 && der_is (data, length, 2, 0x03))
    {
      const guint8 *unused;
      gsize unused_length;

      if (_mutual_der_child (first, first_length, 5, &unused, &unused_length))
        return KIND_CERTIFICATE;
      return KIND_REQUEST;
    }

  return KIND_UNKNOWN;
}

static gboolean
add_der_object (Import        *import,
                ObjectKind     kind,
                const guint8  *data,
                gsize          length,
                const char    *origin,
                GError       **error)
{
  switch (kind)
    {
    case KIND_CERTIFICATE:
      return add_certificate_der (import, data, length, origin, error);

    case KIND_TRUSTED_CERTIFICATE:
      {
        /* OpenSSL's TRUSTED CERTIFICATE is a certificate followed by trust settings:
         * keep the certificate. */
        MutualDerHeader header;

        if (_mutual_der_read_header (data, length, &header) &&
            header.header_length + header.content_length <= length)
          length = header.header_length + header.content_length;
        return add_certificate_der (import, data, length, origin, error);
      }

    case KIND_PKCS7:
      return add_pkcs7_der (import, data, length, origin, error);

    case KIND_PKCS12:
      return add_pkcs12_der (import, data, length, origin, error);

    case KIND_REQUEST:
      return add_request_der (import, data, length, origin, error);

    case KIND_PKCS8:
      return add_pkcs8_der (import, data, length, FALSE, origin, error);

    case KIND_PKCS8_ENCRYPTED:
      return add_pkcs8_der (import, data, length, TRUE, origin, error);

    case KIND_TRADITIONAL_KEY:
      return add_traditional_key_der (import, data, length,
                                      der_is (data, length, 1, 0x04) ? "SEC1" : "PKCS#1",
                                      origin, error);

    case KIND_UNKNOWN:
    case KIND_SKIPPED:
    default:
      g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_PARSE,
                   _("%s is DER, but not a certificate, private key, certificate request, "
                     "PKCS#7 or PKCS#12"), origin);
      return FALSE;
    }
}

static gboolean
import_der (Import        *import,
            const guint8  *data,
            gsize          length,
            GError       **error)
{
  MutualDerHeader header;
  gsize total;
  ObjectKind kind;

  if (!_mutual_der_read_header (data, length, &header) || header.tag != 0x30)
    {
      g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_PARSE,
                   _("%s is neither PEM (no “-----BEGIN” line) nor DER (it does not start "
                     "with an ASN.1 SEQUENCE)"), import->source);
      return FALSE;
    }

  total = header.header_length + header.content_length;
  if (total > length)
    {
      g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_PARSE,
                   _("%s is truncated: its DER structure announces %" G_GSIZE_FORMAT
                     " bytes but the file has %" G_GSIZE_FORMAT),
                   import->source, total, length);
      return FALSE;
    }
  if (total < length)
    {
      g_autofree char *note = g_strdup_printf (_("%" G_GSIZE_FORMAT " bytes after the DER object "
                                                 "were ignored"), length - total);

      _mutual_bundle_add_note (import->bundle, note);
    }

  kind = guess_der_kind (data, total);
  switch (kind)
    {
    case KIND_PKCS7:
      _mutual_bundle_set_format (import->bundle, "PKCS#7");
      break;
    case KIND_PKCS12:
      _mutual_bundle_set_format (import->bundle, "PKCS#12");
      break;
    case KIND_PKCS8:
    case KIND_PKCS8_ENCRYPTED:
      _mutual_bundle_set_format (import->bundle, "PKCS#8");
      break;
    case KIND_CERTIFICATE:
    case KIND_TRUSTED_CERTIFICATE:
    case KIND_REQUEST:
    case KIND_TRADITIONAL_KEY:
    case KIND_UNKNOWN:
    case KIND_SKIPPED:
    default:
      _mutual_bundle_set_format (import->bundle, "DER");
      break;
    }

  return add_der_object (import, kind, data, total, import->source, error);
}

/* PEM */

static const struct
{
  const char *label;
  ObjectKind kind;
  const char *format;
} pem_labels[] = {
  { "CERTIFICATE", KIND_CERTIFICATE, NULL },
  { "X509 CERTIFICATE", KIND_CERTIFICATE, NULL },
  { "X.509 CERTIFICATE", KIND_CERTIFICATE, NULL },
  { "TRUSTED CERTIFICATE", KIND_TRUSTED_CERTIFICATE, NULL },
  { "PKCS7", KIND_PKCS7, NULL },
  { "PKCS #7 SIGNED DATA", KIND_PKCS7, NULL },
  { "CMS", KIND_PKCS7, NULL },
  { "PKCS12", KIND_PKCS12, NULL },
  { "CERTIFICATE REQUEST", KIND_REQUEST, NULL },
  { "NEW CERTIFICATE REQUEST", KIND_REQUEST, NULL },
  { "PRIVATE KEY", KIND_PKCS8, NULL },
  { "ENCRYPTED PRIVATE KEY", KIND_PKCS8_ENCRYPTED, NULL },
  { "RSA PRIVATE KEY", KIND_TRADITIONAL_KEY, "PKCS#1" },
  { "EC PRIVATE KEY", KIND_TRADITIONAL_KEY, "SEC1" },
  { "DSA PRIVATE KEY", KIND_TRADITIONAL_KEY, "DSA" },
};

static const struct
{
  const char *label;
  const char *why;
} skipped_labels[] = {
  { "X509 CRL", N_("certificate revocation lists are not shown") },
  { "PUBLIC KEY", N_("a bare public key has no certificate to show") },
  { "RSA PUBLIC KEY", N_("a bare public key has no certificate to show") },
  { "EC PARAMETERS", N_("curve parameters only name the key’s curve") },
  { "DH PARAMETERS", N_("Diffie-Hellman parameters are not certificate material") },
  { "OPENSSH PRIVATE KEY", N_("OpenSSH keys are not X.509 material") },
  { "PGP PUBLIC KEY BLOCK", N_("OpenPGP keys are not X.509 material") },
  { "PGP PRIVATE KEY BLOCK", N_("OpenPGP keys are not X.509 material") },
};

typedef struct
{
  const char *start;
  gsize length;
} Line;

static gboolean
is_base64_char (char c)
{
  return g_ascii_isalnum (c) || c == '+' || c == '/' || c == '=';
}

/* Trims the line break and trailing white space off a line. */
static Line
trimmed (const char *start,
         gsize       length)
{
  Line line = { start, length };

  while (line.length > 0 && g_ascii_isspace (line.start[line.length - 1]))
    line.length--;
  while (line.length > 0 && g_ascii_isspace (line.start[0]))
    {
      line.start++;
      line.length--;
    }
  return line;
}

static char *
pem_label (Line        line,
           const char *marker)
{
  gsize marker_length = strlen (marker);

  if (line.length < marker_length + 5 || strncmp (line.start, marker, marker_length) != 0 ||
      strncmp (line.start + line.length - 5, "-----", 5) != 0)
    return NULL;
  return g_strndup (line.start + marker_length, line.length - marker_length - 5);
}

/* An OpenSSL key encrypted the traditional way (Proc-Type and DEK-Info headers), which
 * GnuTLS reads from the PEM text itself. */
static gboolean
add_legacy_encrypted_key (Import      *import,
                          const char  *pem,
                          gsize        pem_length,
                          const char  *format,
                          const char  *origin,
                          GError     **error)
{
  gnutls_x509_privkey_t key = NULL;
  gnutls_datum_t datum = { (unsigned char *) pem, pem_length };
  g_autofree char *described = NULL;
  int ret;

  if (needs_password (import, error, origin))
    return FALSE;
  if (!_mutual_gnutls_check (gnutls_x509_privkey_init (&key), error, "gnutls_x509_privkey_init"))
    return FALSE;

  ret = gnutls_x509_privkey_import_openssl (key, &datum, import->password);
  if (ret < 0)
    {
      gnutls_x509_privkey_deinit (key);
      if (ret == GNUTLS_E_DECRYPTION_FAILED)
        bad_password (error, origin, ret);
      else
        _mutual_gnutls_check (ret, error, _("%s does not hold a valid encrypted private key"), origin);
      return FALSE;
    }

  described = g_strdup_printf ("%s (OpenSSL encryption)", format);
  return add_key (import, key, described, origin, error);
}

static gboolean
import_pem_block (Import      *import,
                  const char  *label,
                  guint        number,
                  const Line  *lines,
                  guint        first_line,
                  guint        n_lines,
                  guint        first_line_number,
                  const char  *block_text,
                  gsize        block_length,
                  GError     **error)
{
  g_autofree char *origin = NULL;
  g_autoptr(GString) base64 = NULL;
  ObjectKind kind = KIND_UNKNOWN;
  const char *format = NULL;
  gboolean encrypted_headers = FALSE;
  gboolean in_headers = TRUE;
  guchar *der;
  gsize der_length = 0;
  gboolean ok;

  /* Translators: where an object was found, e.g. "bundle.pem, PEM block 3 (CERTIFICATE)". */
  origin = g_strdup_printf (_("%s, PEM block %u (%s)"), import->source, number, label);

  for (guint i = 0; i < G_N_ELEMENTS (skipped_labels); i++)
    {
      if (g_str_equal (label, skipped_labels[i].label))
        {
          g_autofree char *note = g_strdup_printf (_("%s was skipped: %s"), origin,
                                                   _(skipped_labels[i].why));

          _mutual_bundle_add_note (import->bundle, note);
          return TRUE;
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (pem_labels); i++)
    {
      if (g_str_equal (label, pem_labels[i].label))
        {
          kind = pem_labels[i].kind;
          format = pem_labels[i].format;
        }
    }
  if (kind == KIND_UNKNOWN)
    {
      g_autofree char *note = g_strdup_printf (_("%s was skipped: Mutual does not know this "
                                                 "kind of PEM block"), origin);

      _mutual_bundle_add_note (import->bundle, note);
      return TRUE;
    }

  base64 = g_string_new (NULL);
  for (guint i = first_line; i < first_line + n_lines; i++)
    {
      Line line = lines[i];

      /* RFC 1421 headers (Proc-Type, DEK-Info) come first, then a blank line. */
      if (in_headers && memchr (line.start, ':', line.length) != NULL)
        {
          if (line.length >= 10 && strncmp (line.start, "Proc-Type:", 10) == 0 &&
              g_strstr_len (line.start, line.length, "ENCRYPTED") != NULL)
            encrypted_headers = TRUE;
          continue;
        }
      in_headers = FALSE;
      for (gsize c = 0; c < line.length; c++)
        {
          if (!is_base64_char (line.start[c]) && !g_ascii_isspace (line.start[c]))
            {
              g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_PARSE,
                           _("%s: PEM block %u (%s) is not base64 at line %u"),
                           import->source, number, label, first_line_number + (i - first_line));
              return FALSE;
            }
        }
      g_string_append_len (base64, line.start, line.length);
    }

  if (encrypted_headers)
    return add_legacy_encrypted_key (import, block_text, block_length,
                                     format ? format : "PKCS#1", origin, error);

  if (base64->len == 0 || base64->len % 4 != 0)
    {
      g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_PARSE,
                   _("%s: PEM block %u (%s) has %" G_GSIZE_FORMAT " base64 characters, not a "
                     "multiple of 4: it was cut short or damaged"),
                   import->source, number, label, base64->len);
      return FALSE;
    }

  der = g_base64_decode (base64->str, &der_length);
  _mutual_wipe (base64->str, base64->len);
  if (der_length == 0)
    {
      g_free (der);
      g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_PARSE,
                   _("%s: PEM block %u (%s) is empty"), import->source, number, label);
      return FALSE;
    }

  if (kind == KIND_TRADITIONAL_KEY)
    ok = add_traditional_key_der (import, der, der_length, format, origin, error);
  else
    ok = add_der_object (import, kind, der, der_length, origin, error);

  _mutual_wipe (der, der_length);
  g_free (der);
  return ok;
}

static gboolean
import_pem (Import      *import,
            const char  *text,
            gsize        length,
            GError     **error)
{
  g_autoptr(GArray) lines = g_array_new (FALSE, FALSE, sizeof (Line));
  g_autoptr(GArray) raw_lines = g_array_new (FALSE, FALSE, sizeof (Line));
  guint blocks = 0;
  gsize offset = 0;

  _mutual_bundle_set_format (import->bundle, "PEM");

  while (offset < length)
    {
      const char *start = text + offset;
      const char *end = memchr (start, '\n', length - offset);
      gsize line_length = end ? (gsize) (end - start) : length - offset;
      Line raw = { start, line_length };
      Line line = trimmed (start, line_length);

      g_array_append_val (raw_lines, raw);
      g_array_append_val (lines, line);
      offset += line_length + 1;
    }

  for (guint i = 0; i < lines->len; i++)
    {
      Line begin = g_array_index (lines, Line, i);
      g_autofree char *label = pem_label (begin, "-----BEGIN ");
      g_autofree char *end_marker = NULL;
      guint j;

      if (label == NULL)
        continue;

      blocks++;
      if (blocks > MAX_PEM_BLOCKS)
        {
          g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_TOO_LARGE,
                       _("%s has more than %d PEM blocks"), import->source, MAX_PEM_BLOCKS);
          return FALSE;
        }

      end_marker = g_strdup_printf ("-----END %s-----", label);
      for (j = i + 1; j < lines->len; j++)
        {
          Line line = g_array_index (lines, Line, j);
          g_autofree char *other = NULL;

          if (line.length == strlen (end_marker) && strncmp (line.start, end_marker, line.length) == 0)
            break;
          other = pem_label (line, "-----BEGIN ");
          if (other != NULL)
            {
              g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_PARSE,
                           _("%s: PEM block %u (%s) starting at line %u has no END line before "
                             "the next block at line %u"),
                           import->source, blocks, label, i + 1, j + 1);
              return FALSE;
            }
        }
      if (j == lines->len)
        {
          g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_PARSE,
                       _("%s: PEM block %u (%s) starting at line %u has no “%s” line: the text "
                         "was cut short"),
                       import->source, blocks, label, i + 1, end_marker);
          return FALSE;
        }

      {
        const Line *first = &g_array_index (raw_lines, Line, i);
        const Line *last = &g_array_index (raw_lines, Line, j);
        gsize block_length = (gsize) (last->start + last->length - first->start);

        if (!import_pem_block (import, label, blocks, (const Line *) lines->data, i + 1, j - i - 1,
                               i + 2, first->start, block_length, error))
          return FALSE;
      }
      i = j;
    }

  if (blocks == 0)
    {
      g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_PARSE,
                   _("%s has a “-----BEGIN” marker but no complete PEM block"), import->source);
      return FALSE;
    }

  return TRUE;
}

static gboolean
looks_like_text (const guint8 *data,
                 gsize         length)
{
  gsize printable = 0;
  gsize sample = MIN (length, 4096);

  for (gsize i = 0; i < sample; i++)
    {
      if (g_ascii_isprint (data[i]) || g_ascii_isspace (data[i]) || data[i] >= 0x80)
        printable++;
    }
  return printable == sample;
}

/**
 * mutual_import_bytes:
 * @source: the input's name for messages, e.g. "client.pem" or "standard input"
 * @password: (nullable): the password for encrypted keys and PKCS#12 files
 *
 * Reads certificates, private keys and certificate requests from @data, in any format
 * Mutual knows. Without a password, an encrypted object fails the import with
 * %MUTUAL_ERROR_NEEDS_PASSWORD, so that the caller can ask for one and try again; a
 * wrong one fails it with %MUTUAL_ERROR_BAD_PASSWORD.
 *
 * Returns: (transfer full): what @data holds, or %NULL with @error set
 */
MutualBundle *
mutual_import_bytes (GBytes      *data,
                     const char  *source,
                     const char  *password,
                     GError     **error)
{
  g_autoptr(MutualBundle) bundle = NULL;
  Import import;
  const guint8 *bytes;
  gsize length;
  gboolean ok;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (source != NULL, NULL);

  bytes = g_bytes_get_data (data, &length);
  if (length > MUTUAL_IMPORT_MAX_SIZE)
    {
      too_large (error, source, length);
      return NULL;
    }
  if (length == 0)
    {
      g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_PARSE, _("%s is empty"), source);
      return NULL;
    }

  bundle = _mutual_bundle_new (source);
  import.bundle = bundle;
  import.source = source;
  import.password = password;

  if (g_strstr_len ((const char *) bytes, length, "-----BEGIN ") != NULL)
    ok = import_pem (&import, (const char *) bytes, length, error);
  else if (bytes[0] == 0x30)
    ok = import_der (&import, bytes, length, error);
  else if (looks_like_text (bytes, length))
    {
      g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_PARSE,
                   _("%s is text without any PEM block (“-----BEGIN …-----”); it holds no "
                     "certificate or key"), source);
      ok = FALSE;
    }
  else
    ok = import_der (&import, bytes, length, error);

  if (!ok)
    return NULL;

  return g_steal_pointer (&bundle);
}

/* Asynchronous import, in a worker thread: PKCS#12 key derivation can take a while. */

typedef struct
{
  GFile *file;
  GBytes *data;
  char *source;
  char *password;
} ImportTask;

static void
import_task_free (ImportTask *task)
{
  g_clear_object (&task->file);
  g_clear_pointer (&task->data, g_bytes_unref);
  g_clear_pointer (&task->source, g_free);
  if (task->password != NULL)
    {
      _mutual_wipe (task->password, strlen (task->password));
      g_clear_pointer (&task->password, g_free);
    }
  g_free (task);
}

static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ImportTask *import = task_data;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GError) error = NULL;
  MutualBundle *bundle;

  if (import->file != NULL)
    {
      data = mutual_load_file (import->file, cancellable, &error);
      if (data == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  else
    {
      data = g_bytes_ref (import->data);
    }

  bundle = mutual_import_bytes (data, import->source, import->password, &error);
  if (bundle == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, bundle, g_object_unref);
}

static void
start_import (ImportTask          *import,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data,
              gpointer             source_tag)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, import, (GDestroyNotify) import_task_free);
  g_task_run_in_thread (task, import_thread);
}

/**
 * mutual_import_bytes_async:
 *
 * Imports @data as mutual_import_bytes() does, in a worker thread.
 */
void
mutual_import_bytes_async (GBytes              *data,
                           const char          *source,
                           const char          *password,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  ImportTask *import = g_new0 (ImportTask, 1);

  g_return_if_fail (data != NULL);

  import->data = g_bytes_ref (data);
  import->source = g_strdup (source);
  import->password = g_strdup (password);
  start_import (import, cancellable, callback, user_data, mutual_import_bytes_async);
}

MutualBundle *
mutual_import_bytes_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mutual_import_bytes_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * mutual_import_file_async:
 *
 * Loads @file (bounded by %MUTUAL_IMPORT_MAX_SIZE) and imports it, in a worker thread.
 */
void
mutual_import_file_async (GFile               *file,
                          const char          *password,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  ImportTask *import = g_new0 (ImportTask, 1);

  g_return_if_fail (G_IS_FILE (file));

  import->file = g_object_ref (file);
  import->source = g_file_get_basename (file);
  import->password = g_strdup (password);
  start_import (import, cancellable, callback, user_data, mutual_import_file_async);
}

MutualBundle *
mutual_import_file_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mutual_import_file_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
