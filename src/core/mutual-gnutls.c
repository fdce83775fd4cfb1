/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "mutual-gnutls-private.h"

void
mutual_gnutls_trust_list_free (gnutls_x509_trust_list_t list)
{
  /* The list owns the certificates added to it. */
  gnutls_x509_trust_list_deinit (list, 1);
}

/* Which MutualError code a GnuTLS error is reported with. */
int
_mutual_gnutls_error_code (int code)
{
  switch (code)
    {
    case GNUTLS_E_DECRYPTION_FAILED:
    case GNUTLS_E_MAC_VERIFY_FAILED:
      return MUTUAL_ERROR_BAD_PASSWORD;

    case GNUTLS_E_BASE64_DECODING_ERROR:
    case GNUTLS_E_BASE64_UNEXPECTED_HEADER_ERROR:
    case GNUTLS_E_ASN1_DER_ERROR:
    case GNUTLS_E_ASN1_DER_OVERFLOW:
    case GNUTLS_E_ASN1_ELEMENT_NOT_FOUND:
    case GNUTLS_E_ASN1_IDENTIFIER_NOT_FOUND:
    case GNUTLS_E_ASN1_TAG_ERROR:
    case GNUTLS_E_ASN1_TAG_IMPLICIT:
    case GNUTLS_E_ASN1_TYPE_ANY_ERROR:
    case GNUTLS_E_ASN1_SYNTAX_ERROR:
    case GNUTLS_E_ASN1_VALUE_NOT_FOUND:
    case GNUTLS_E_ASN1_VALUE_NOT_VALID:
    case GNUTLS_E_ASN1_GENERIC_ERROR:
    case GNUTLS_E_ASN1_TIME_ERROR:
    case GNUTLS_E_CERTIFICATE_ERROR:
    case GNUTLS_E_X509_UNKNOWN_SAN:
    case GNUTLS_E_PARSING_ERROR:
    case GNUTLS_E_INVALID_REQUEST:
      return MUTUAL_ERROR_PARSE;

    case GNUTLS_E_UNKNOWN_CIPHER_TYPE:
    case GNUTLS_E_UNKNOWN_PK_ALGORITHM:
    case GNUTLS_E_UNKNOWN_HASH_ALGORITHM:
    case GNUTLS_E_UNKNOWN_ALGORITHM:
    case GNUTLS_E_UNKNOWN_PKCS_CONTENT_TYPE:
    case GNUTLS_E_UNKNOWN_PKCS_BAG_TYPE:
    case GNUTLS_E_UNIMPLEMENTED_FEATURE:
    case GNUTLS_E_ECC_UNSUPPORTED_CURVE:
    case GNUTLS_E_X509_UNSUPPORTED_OID:
    case GNUTLS_E_X509_UNSUPPORTED_EXTENSION:
    case GNUTLS_E_X509_UNSUPPORTED_ATTRIBUTE:
    case GNUTLS_E_X509_UNSUPPORTED_CRITICAL_EXTENSION:
      return MUTUAL_ERROR_UNSUPPORTED;

    case GNUTLS_E_PK_SIG_VERIFY_FAILED:
    case GNUTLS_E_PK_DECRYPTION_FAILED:
    default:
      return MUTUAL_ERROR_TLS;
    }
}

/**
 * _mutual_gnutls_check:
 * @code: what a GnuTLS function returned
 * @format: what was being done, for the start of the message
 *
 * The one place where GnuTLS error codes become GErrors. The message keeps GnuTLS's
 * own description and the code's name, so that a user can search for it.
 *
 * Returns: %TRUE when @code is not an error
 */
gboolean
_mutual_gnutls_check (int          code,
                      GError     **error,
                      const char  *format,
                      ...)
{
  g_autofree char *context = NULL;
  va_list args;

  if (code >= 0)
    return TRUE;

  va_start (args, format);
  context = g_strdup_vprintf (format, args);
  va_end (args);

  /* Translators: the first %s says what was being done, the second is GnuTLS's
   * description of the error, the third its name, e.g. GNUTLS_E_ASN1_DER_ERROR. */
  g_set_error (error, MUTUAL_ERROR, _mutual_gnutls_error_code (code), _("%s: %s (%s)"),
               context, gnutls_strerror (code), gnutls_strerror_name (code));

  return FALSE;
}
