/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * MutualCaTokenClaims:
 * @subject: (nullable): the common name the token allows ("sub")
 * @sans: (nullable): the subject alternative names it allows ("sans")
 * @issuer: (nullable): the provisioner that made it ("iss")
 * @expires: when it stops being accepted (Unix seconds, "exp"), 0 if unknown
 *
 * What a one-time enrollment token says about itself, read without verifying it:
 * only to fill in a form. The CA checks the token; nothing here is trusted.
 */
typedef struct
{
  char *subject;
  char **sans;
  char *issuer;
  gint64 expires;
} MutualCaTokenClaims;

MutualCaTokenClaims *mutual_ca_token_peek        (const char          *token);
void                 mutual_ca_token_claims_free (MutualCaTokenClaims *claims);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MutualCaTokenClaims, mutual_ca_token_claims_free)

G_END_DECLS
