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
} MutualError;

GQuark mutual_error_quark (void);

G_END_DECLS
