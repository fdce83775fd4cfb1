/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "mutual-json.h"

G_BEGIN_DECLS

/**
 * MutualProblemKind:
 * @MUTUAL_PROBLEM_EXPIRED: a certificate's validity has ended
 * @MUTUAL_PROBLEM_NOT_YET_VALID: a certificate's validity has not begun
 * @MUTUAL_PROBLEM_MISSING_ISSUER: the issuer of a link is neither given nor trusted
 *   (usually a missing intermediate)
 * @MUTUAL_PROBLEM_UNTRUSTED_ROOT: the chain ends at a root that is not a trust anchor
 * @MUTUAL_PROBLEM_BAD_SIGNATURE: a link's signature does not verify with its issuer
 * @MUTUAL_PROBLEM_NOT_A_CA: a certificate signs another without being a CA
 * @MUTUAL_PROBLEM_WRONG_PURPOSE: extended key usage does not allow the use
 * @MUTUAL_PROBLEM_KEY_USAGE: key usage does not allow the use
 * @MUTUAL_PROBLEM_NAME_CONSTRAINTS: a name violates a CA's name constraints
 * @MUTUAL_PROBLEM_KEY_MISMATCH: the private key does not belong to the certificate
 * @MUTUAL_PROBLEM_NO_KEY: no private key is available
 * @MUTUAL_PROBLEM_WEAK_KEY: the key is too small to be safe
 * @MUTUAL_PROBLEM_INSECURE_SIGNATURE: a signature uses a broken algorithm (SHA-1, MD5)
 * @MUTUAL_PROBLEM_CA_AS_CLIENT: a CA certificate is used as a client certificate
 * @MUTUAL_PROBLEM_OTHER: GnuTLS rejects the chain for another reason, named in the message
 */
typedef enum
{
  MUTUAL_PROBLEM_EXPIRED,
  MUTUAL_PROBLEM_NOT_YET_VALID,
  MUTUAL_PROBLEM_MISSING_ISSUER,
  MUTUAL_PROBLEM_UNTRUSTED_ROOT,
  MUTUAL_PROBLEM_BAD_SIGNATURE,
  MUTUAL_PROBLEM_NOT_A_CA,
  MUTUAL_PROBLEM_WRONG_PURPOSE,
  MUTUAL_PROBLEM_KEY_USAGE,
  MUTUAL_PROBLEM_NAME_CONSTRAINTS,
  MUTUAL_PROBLEM_KEY_MISMATCH,
  MUTUAL_PROBLEM_NO_KEY,
  MUTUAL_PROBLEM_WEAK_KEY,
  MUTUAL_PROBLEM_INSECURE_SIGNATURE,
  MUTUAL_PROBLEM_CA_AS_CLIENT,
  MUTUAL_PROBLEM_OTHER,
} MutualProblemKind;

typedef enum
{
  MUTUAL_SEVERITY_ERROR,
  MUTUAL_SEVERITY_WARNING,
} MutualSeverity;

#define MUTUAL_TYPE_PROBLEM (mutual_problem_get_type ())

G_DECLARE_FINAL_TYPE (MutualProblem, mutual_problem, MUTUAL, PROBLEM, GObject)

MutualProblem     *mutual_problem_new          (MutualProblemKind  kind,
                                                MutualSeverity     severity,
                                                int                link,
                                                const char        *message);
MutualProblemKind  mutual_problem_get_kind     (MutualProblem     *self);
MutualSeverity     mutual_problem_get_severity (MutualProblem     *self);
int                mutual_problem_get_link     (MutualProblem     *self);
const char        *mutual_problem_get_message  (MutualProblem     *self);
const char        *mutual_problem_kind_to_string (MutualProblemKind kind);
void               mutual_problem_to_json      (MutualProblem     *self,
                                                MutualJson        *json,
                                                const char        *member);

G_END_DECLS
