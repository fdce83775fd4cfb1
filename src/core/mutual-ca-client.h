/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "mutual-bundle.h"
#include "mutual-ca-profile.h"
#include "mutual-certificate.h"

G_BEGIN_DECLS

#define MUTUAL_CA_ERROR (mutual_ca_error_quark ())

/**
 * MutualCaError:
 * @MUTUAL_CA_ERROR_UNREACHABLE: the CA could not be reached (name resolution, refused
 *   or reset connection)
 * @MUTUAL_CA_ERROR_TIMED_OUT: the CA did not answer in time
 * @MUTUAL_CA_ERROR_TLS_FAILED: the TLS handshake with the CA failed, or its certificate
 *   does not chain to the pinned root
 * @MUTUAL_CA_ERROR_FINGERPRINT_MISMATCH: the root the CA sent does not have the
 *   fingerprint the user gave
 * @MUTUAL_CA_ERROR_UNAUTHORIZED: the CA refused the token or the certificate (401); the
 *   message holds the CA's own
 * @MUTUAL_CA_ERROR_FORBIDDEN: the CA refused what was asked for (403), e.g. a subject
 *   that the token does not allow
 * @MUTUAL_CA_ERROR_BAD_REQUEST: the CA says the request is wrong (400, 404)
 * @MUTUAL_CA_ERROR_CLOCK_SKEW: the CA refused the token and its clock is far from ours
 * @MUTUAL_CA_ERROR_SERVER_ERROR: the CA failed (5xx)
 * @MUTUAL_CA_ERROR_MALFORMED: the CA's answer (or a JOSE object) cannot be parsed
 * @MUTUAL_CA_ERROR_REJECTED_CERTIFICATE: the certificate the CA issued fails Mutual's
 *   checks (another key, another subject, another root, not valid now)
 * @MUTUAL_CA_ERROR_REENROLL_NEEDED: the certificate expired and the CA does not renew
 *   expired certificates: enroll again
 * @MUTUAL_CA_ERROR_NO_PROVISIONER: the CA has no provisioner of that name
 * @MUTUAL_CA_ERROR_UNSUPPORTED: something the CA uses that Mutual does not support
 * @MUTUAL_CA_ERROR_NO_PROFILE: the identity has no CA profile to renew it with
 * @MUTUAL_CA_ERROR_BUSY: the identity is being renewed already (by this process or
 *   another)
 *
 * Errors of CA clients. Messages never hold a token, a password or a key.
 */
typedef enum
{
  MUTUAL_CA_ERROR_UNREACHABLE,
  MUTUAL_CA_ERROR_TIMED_OUT,
  MUTUAL_CA_ERROR_TLS_FAILED,
  MUTUAL_CA_ERROR_FINGERPRINT_MISMATCH,
  MUTUAL_CA_ERROR_UNAUTHORIZED,
  MUTUAL_CA_ERROR_FORBIDDEN,
  MUTUAL_CA_ERROR_BAD_REQUEST,
  MUTUAL_CA_ERROR_CLOCK_SKEW,
  MUTUAL_CA_ERROR_SERVER_ERROR,
  MUTUAL_CA_ERROR_MALFORMED,
  MUTUAL_CA_ERROR_REJECTED_CERTIFICATE,
  MUTUAL_CA_ERROR_REENROLL_NEEDED,
  MUTUAL_CA_ERROR_NO_PROVISIONER,
  MUTUAL_CA_ERROR_UNSUPPORTED,
  MUTUAL_CA_ERROR_NO_PROFILE,
  MUTUAL_CA_ERROR_BUSY,
} MutualCaError;

GQuark mutual_ca_error_quark (void);

/**
 * MutualKeyType:
 * @MUTUAL_KEY_TYPE_P256: ECDSA on NIST P-256 (the default)
 * @MUTUAL_KEY_TYPE_RSA2048: RSA, 2048 bits
 * @MUTUAL_KEY_TYPE_ED25519: Ed25519
 *
 * The private keys Mutual generates for enrollment and rekeying.
 */
typedef enum
{
  MUTUAL_KEY_TYPE_P256,
  MUTUAL_KEY_TYPE_RSA2048,
  MUTUAL_KEY_TYPE_ED25519,
} MutualKeyType;

gboolean    mutual_key_type_from_string (const char    *text,
                                         MutualKeyType *type);
const char *mutual_key_type_to_string   (MutualKeyType  type);

/**
 * MutualCaEnrollment:
 * @subject: the common name to ask for
 * @sans: (nullable): subject alternative names (DNS names, IP addresses, e-mail
 *   addresses); by default the subject
 * @key_type: the key to generate
 * @token: (nullable): a one-time token from the CA's administrator
 * @password: (nullable): the provisioner's password, to make the token locally
 *
 * What an enrollment asks for. The token and the password are wiped when it is freed.
 */
typedef struct
{
  char *subject;
  char **sans;
  MutualKeyType key_type;
  char *token;
  char *password;
} MutualCaEnrollment;

MutualCaEnrollment *mutual_ca_enrollment_new  (const char         *subject);
void                mutual_ca_enrollment_free (MutualCaEnrollment *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MutualCaEnrollment, mutual_ca_enrollment_free)

/**
 * MutualCaProvisioner:
 * @name: the provisioner's name
 * @type: its type as the CA says it ("JWK", "OIDC", "ACME", "X5C", ...)
 * @can_mint: whether Mutual can make tokens for it from its password (JWK)
 *
 * One of the CA's provisioners, as mutual_ca_client_list_provisioners_async() lists
 * them. Nothing in it is secret.
 */
typedef struct
{
  char *name;
  char *type;
  gboolean can_mint;
} MutualCaProvisioner;

#define MUTUAL_TYPE_CA_PROVISIONER (mutual_ca_provisioner_get_type ())

GType                mutual_ca_provisioner_get_type (void) G_GNUC_CONST;
MutualCaProvisioner *mutual_ca_provisioner_new      (const char          *name,
                                                     const char          *type);
MutualCaProvisioner *mutual_ca_provisioner_copy     (MutualCaProvisioner *self);
void                 mutual_ca_provisioner_free     (MutualCaProvisioner *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MutualCaProvisioner, mutual_ca_provisioner_free)

/**
 * MutualCaRenewal:
 * @MUTUAL_CA_RENEWAL_RENEW: a new certificate for the same key
 * @MUTUAL_CA_RENEWAL_REKEY: a new certificate for a new key
 */
typedef enum
{
  MUTUAL_CA_RENEWAL_RENEW,
  MUTUAL_CA_RENEWAL_REKEY,
} MutualCaRenewal;

#define MUTUAL_TYPE_CA_CLIENT (mutual_ca_client_get_type ())

G_DECLARE_DERIVABLE_TYPE (MutualCaClient, mutual_ca_client, MUTUAL, CA_CLIENT, GObject)

/**
 * MutualCaClientClass:
 * @bootstrap: fetches the CA's root and checks it against the profile's fingerprint;
 *   afterwards, every connection is verified against that root only
 * @enroll: obtains a first certificate for a new key
 * @renew: renews the identity in @credentials (its chain and key)
 * @list_provisioners: lists the CA's provisioners, as a #GPtrArray of
 *   #MutualCaProvisioner that frees them; called after the bootstrap
 *
 * A certificate authority's protocol, one subclass per protocol (step-ca; EST next).
 * The base class holds what every protocol shares: the profile, the pinned root and
 * the timeout. The virtual functions block: the base class calls them in a worker
 * thread, never on the main context.
 */
struct _MutualCaClientClass
{
  GObjectClass parent_class;

  MutualCertificate *(*bootstrap) (MutualCaClient      *self,
                                   GCancellable        *cancellable,
                                   GError             **error);
  MutualBundle      *(*enroll)    (MutualCaClient      *self,
                                   MutualCaEnrollment  *enrollment,
                                   GCancellable        *cancellable,
                                   GError             **error);
  MutualBundle      *(*renew)     (MutualCaClient      *self,
                                   MutualBundle        *credentials,
                                   MutualCaRenewal      renewal,
                                   GCancellable        *cancellable,
                                   GError             **error);
  GPtrArray         *(*list_provisioners) (MutualCaClient  *self,
                                           GCancellable    *cancellable,
                                           GError         **error);

  gpointer padding[7];
};

MutualCaClient    *mutual_ca_client_new_for_profile (MutualCaProfile     *profile,
                                                     GError             **error);
MutualCaProfile   *mutual_ca_client_get_profile     (MutualCaClient      *self);
MutualCertificate *mutual_ca_client_get_root        (MutualCaClient      *self);
void               mutual_ca_client_set_root        (MutualCaClient      *self,
                                                     MutualCertificate   *root);
void               mutual_ca_client_set_timeout     (MutualCaClient      *self,
                                                     guint                seconds);
guint              mutual_ca_client_get_timeout     (MutualCaClient      *self);

void               mutual_ca_client_prepare_process (void);
void               mutual_ca_client_trust_nothing_by_default (void);

void               mutual_ca_client_bootstrap_async (MutualCaClient      *self,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
MutualCertificate *mutual_ca_client_bootstrap_finish (MutualCaClient     *self,
                                                      GAsyncResult       *result,
                                                      GError            **error);
void               mutual_ca_client_enroll_async    (MutualCaClient      *self,
                                                     MutualCaEnrollment  *enrollment,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
MutualBundle      *mutual_ca_client_enroll_finish   (MutualCaClient      *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);
void               mutual_ca_client_renew_async     (MutualCaClient      *self,
                                                     MutualBundle        *credentials,
                                                     MutualCaRenewal      renewal,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
MutualBundle      *mutual_ca_client_renew_finish    (MutualCaClient      *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);
void               mutual_ca_client_list_provisioners_async  (MutualCaClient      *self,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
GPtrArray         *mutual_ca_client_list_provisioners_finish (MutualCaClient      *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);

G_END_DECLS
