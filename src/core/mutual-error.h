/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MUTUAL_ERROR (mutual_error_quark ())

/**
 * MutualError:
 * @MUTUAL_ERROR_FAILED: an operation failed for a reason no other code describes
 * @MUTUAL_ERROR_INVALID_ARGUMENT: the caller passed something the operation cannot use
 * @MUTUAL_ERROR_TOO_LARGE: an input is over the size Mutual is willing to read
 * @MUTUAL_ERROR_NOT_FOUND: a named object does not exist
 * @MUTUAL_ERROR_PARSE: input is not in a format Mutual reads, or is damaged
 * @MUTUAL_ERROR_NEEDS_PASSWORD: input is encrypted and no password was given
 * @MUTUAL_ERROR_BAD_PASSWORD: the password given does not decrypt the input
 * @MUTUAL_ERROR_UNSUPPORTED: input is well-formed but uses something Mutual or GnuTLS
 *   does not support (an algorithm, an object type)
 * @MUTUAL_ERROR_NO_CERTIFICATE: input holds no certificate where one is needed
 * @MUTUAL_ERROR_NO_KEY: input holds no private key where one is needed
 * @MUTUAL_ERROR_KEY_MISMATCH: a private key does not belong to the certificate
 * @MUTUAL_ERROR_TLS: GnuTLS reported an error no other code describes
 * @MUTUAL_ERROR_EXISTS: the object is already stored
 * @MUTUAL_ERROR_KEYRING_UNAVAILABLE: no Secret Service (or Secret portal) answers
 * @MUTUAL_ERROR_KEYRING_LOCKED: the keyring is locked and was not unlocked
 * @MUTUAL_ERROR_PROMPT_DISMISSED: the user dismissed the keyring's prompt
 * @MUTUAL_ERROR_ITEM_UNREADABLE: a stored item is damaged or incomplete
 * @MUTUAL_ERROR_TIMED_OUT: a service did not answer in time
 *
 * Error codes of the %MUTUAL_ERROR domain. GIO, TLS, libsecret and libsoup errors
 * are passed through in their own domains.
 */
typedef enum
{
  MUTUAL_ERROR_FAILED,
  MUTUAL_ERROR_INVALID_ARGUMENT,
  MUTUAL_ERROR_TOO_LARGE,
  MUTUAL_ERROR_NOT_FOUND,
  MUTUAL_ERROR_PARSE,
  MUTUAL_ERROR_NEEDS_PASSWORD,
  MUTUAL_ERROR_BAD_PASSWORD,
  MUTUAL_ERROR_UNSUPPORTED,
  MUTUAL_ERROR_NO_CERTIFICATE,
  MUTUAL_ERROR_NO_KEY,
  MUTUAL_ERROR_KEY_MISMATCH,
  MUTUAL_ERROR_TLS,
  MUTUAL_ERROR_EXISTS,
  MUTUAL_ERROR_KEYRING_UNAVAILABLE,
  MUTUAL_ERROR_KEYRING_LOCKED,
  MUTUAL_ERROR_PROMPT_DISMISSED,
  MUTUAL_ERROR_ITEM_UNREADABLE,
  MUTUAL_ERROR_TIMED_OUT,
} MutualError;

GQuark mutual_error_quark (void);

G_END_DECLS
