/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "mutual-bundle-private.h"
#include "mutual-ca-client-private.h"
#include "mutual-export-private.h"
#include "mutual-private-key-private.h"
#include "mutual-stepca-private.h"

/**
 * MutualCaClient:
 *
 * A certificate authority that issues and renews client certificates, reached with
 * the settings of a #MutualCaProfile. Each protocol is a subclass (step-ca in
 * mutual-stepca.c); everything they share is here: the pinned root, the deadline,
 * running the protocol in a worker thread, keys and requests, and the checks on what
 * the CA issued.
 *
 * Trust: a client starts knowing only the root's fingerprint. bootstrap() fetches the
 * root without trusting the connection, sends nothing secret on it, and keeps the root
 * only if its SHA-256 is the one given. From then on, every connection is verified
 * against that one root (the system's CAs are not consulted).
 */

#define DEFAULT_TIMEOUT_SECONDS 30

typedef struct
{
  MutualCaProfile *profile;
  GMutex lock;
  MutualCertificate *root;
  guint timeout;
} MutualCaClientPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (MutualCaClient, mutual_ca_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PROFILE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
mutual_ca_client_finalize (GObject *object)
{
  MutualCaClientPrivate *priv = mutual_ca_client_get_instance_private (MUTUAL_CA_CLIENT (object));

  g_clear_object (&priv->profile);
  g_clear_object (&priv->root);
  g_mutex_clear (&priv->lock);

  G_OBJECT_CLASS (mutual_ca_client_parent_class)->finalize (object);
}

static void
mutual_ca_client_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  MutualCaClientPrivate *priv = mutual_ca_client_get_instance_private (MUTUAL_CA_CLIENT (object));

  switch (prop_id)
    {
    case PROP_PROFILE:
      priv->profile = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mutual_ca_client_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  MutualCaClientPrivate *priv = mutual_ca_client_get_instance_private (MUTUAL_CA_CLIENT (object));

  switch (prop_id)
    {
    case PROP_PROFILE:
      g_value_set_object (value, priv->profile);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mutual_ca_client_class_init (MutualCaClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mutual_ca_client_finalize;
  object_class->set_property = mutual_ca_client_set_property;
  object_class->get_property = mutual_ca_client_get_property;

  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL, MUTUAL_TYPE_CA_PROFILE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mutual_ca_client_init (MutualCaClient *self)
{
  MutualCaClientPrivate *priv = mutual_ca_client_get_instance_private (self);

  g_mutex_init (&priv->lock);
  priv->timeout = DEFAULT_TIMEOUT_SECONDS;
}

/**
 * mutual_ca_client_new_for_profile:
 *
 * Returns: (transfer full) (nullable): the client for the profile's kind of CA
 */
MutualCaClient *
mutual_ca_client_new_for_profile (MutualCaProfile  *profile,
                                  GError          **error)
{
  g_return_val_if_fail (MUTUAL_IS_CA_PROFILE (profile), NULL);

  if (g_str_equal (mutual_ca_profile_get_kind (profile), MUTUAL_CA_KIND_STEP_CA))
    return _mutual_stepca_new (profile);

  g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_UNSUPPORTED,
               _("Mutual does not know CAs of the kind “%s”"), mutual_ca_profile_get_kind (profile));
  return NULL;
}

MutualCaProfile *
mutual_ca_client_get_profile (MutualCaClient *self)
{
  MutualCaClientPrivate *priv = mutual_ca_client_get_instance_private (self);

  g_return_val_if_fail (MUTUAL_IS_CA_CLIENT (self), NULL);
  return priv->profile;
}

/**
 * mutual_ca_client_get_root:
 *
 * Returns: (transfer full) (nullable): the pinned root, once known
 */
MutualCertificate *
mutual_ca_client_get_root (MutualCaClient *self)
{
  MutualCaClientPrivate *priv = mutual_ca_client_get_instance_private (self);
  MutualCertificate *root;

  g_return_val_if_fail (MUTUAL_IS_CA_CLIENT (self), NULL);

  g_mutex_lock (&priv->lock);
  root = priv->root ? g_object_ref (priv->root) : NULL;
  g_mutex_unlock (&priv->lock);
  return root;
}

/**
 * mutual_ca_client_set_root:
 * @root: a root whose SHA-256 fingerprint is the profile's
 *
 * Pins a root known from before (kept with the identity), which saves the bootstrap.
 * A root with another fingerprint is refused with a warning.
 */
void
mutual_ca_client_set_root (MutualCaClient    *self,
                           MutualCertificate *root)
{
  MutualCaClientPrivate *priv = mutual_ca_client_get_instance_private (self);
  g_autofree char *fingerprint = NULL;

  g_return_if_fail (MUTUAL_IS_CA_CLIENT (self));
  g_return_if_fail (MUTUAL_IS_CERTIFICATE (root));

  fingerprint = mutual_normalize_fingerprint (mutual_certificate_get_sha256 (root));
  if (g_strcmp0 (fingerprint, mutual_ca_profile_get_fingerprint (priv->profile)) != 0)
    {
      g_warning ("Not pinning a root whose fingerprint is not the profile's");
      return;
    }
  g_mutex_lock (&priv->lock);
  g_set_object (&priv->root, root);
  g_mutex_unlock (&priv->lock);
}

/**
 * mutual_ca_client_set_timeout:
 * @seconds: how long to wait for the CA at most, per connection and per answer
 */
void
mutual_ca_client_set_timeout (MutualCaClient *self,
                              guint           seconds)
{
  MutualCaClientPrivate *priv = mutual_ca_client_get_instance_private (self);

  g_return_if_fail (MUTUAL_IS_CA_CLIENT (self));
  priv->timeout = seconds > 0 ? seconds : DEFAULT_TIMEOUT_SECONDS;
}

guint
mutual_ca_client_get_timeout (MutualCaClient *self)
{
  MutualCaClientPrivate *priv = mutual_ca_client_get_instance_private (self);

  g_return_val_if_fail (MUTUAL_IS_CA_CLIENT (self), 0);
  return priv->timeout;
}

/* The operations, each in a worker thread. */

typedef enum
{
  CA_BOOTSTRAP,
  CA_ENROLL,
  CA_RENEW,
  CA_LIST_PROVISIONERS,
} CaOperationKind;

typedef struct
{
  CaOperationKind kind;
  MutualCaEnrollment *enrollment;
  MutualBundle *credentials;
  MutualCaRenewal renewal;
} CaOperation;

static void
ca_operation_free (CaOperation *operation)
{
  g_clear_pointer (&operation->enrollment, mutual_ca_enrollment_free);
  g_clear_object (&operation->credentials);
  g_free (operation);
}

static gboolean
ensure_root (MutualCaClient  *self,
             GCancellable    *cancellable,
             GError         **error)
{
  MutualCaClientPrivate *priv = mutual_ca_client_get_instance_private (self);
  g_autoptr(MutualCertificate) root = mutual_ca_client_get_root (self);

  if (root != NULL)
    return TRUE;
  root = MUTUAL_CA_CLIENT_GET_CLASS (self)->bootstrap (self, cancellable, error);
  if (root == NULL)
    return FALSE;
  g_mutex_lock (&priv->lock);
  g_set_object (&priv->root, root);
  g_mutex_unlock (&priv->lock);
  return TRUE;
}

static void
ca_operation_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  MutualCaClient *self = source_object;
  MutualCaClientClass *klass = MUTUAL_CA_CLIENT_GET_CLASS (self);
  CaOperation *operation = task_data;
  GError *error = NULL;

  if (!ensure_root (self, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  switch (operation->kind)
    {
    case CA_BOOTSTRAP:
      g_task_return_pointer (task, mutual_ca_client_get_root (self), g_object_unref);
      break;
    case CA_ENROLL:
      {
        MutualBundle *bundle = klass->enroll (self, operation->enrollment, cancellable, &error);

        if (bundle != NULL)
          g_task_return_pointer (task, bundle, g_object_unref);
        else
          g_task_return_error (task, error);
      }
      break;
    case CA_RENEW:
      {
        MutualBundle *bundle = klass->renew (self, operation->credentials, operation->renewal, cancellable,
                                             &error);

        if (bundle != NULL)
          g_task_return_pointer (task, bundle, g_object_unref);
        else
          g_task_return_error (task, error);
      }
      break;
    case CA_LIST_PROVISIONERS:
      {
        GPtrArray *provisioners = NULL;

        if (klass->list_provisioners != NULL)
          provisioners = klass->list_provisioners (self, cancellable, &error);
        else
          g_set_error (&error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_UNSUPPORTED,
                       _("This kind of CA cannot list its provisioners"));
        if (provisioners != NULL)
          g_task_return_pointer (task, provisioners, (GDestroyNotify) g_ptr_array_unref);
        else
          g_task_return_error (task, error);
      }
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
start (MutualCaClient      *self,
       CaOperation         *operation,
       GCancellable        *cancellable,
       GAsyncReadyCallback  callback,
       gpointer             user_data,
       gpointer             source_tag)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, operation, (GDestroyNotify) ca_operation_free);
  g_task_run_in_thread (task, ca_operation_thread);
}

/**
 * mutual_ca_client_bootstrap_async:
 *
 * Fetches and pins the CA's root, unless one is pinned already.
 */
void
mutual_ca_client_bootstrap_async (MutualCaClient      *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  CaOperation *operation;

  g_return_if_fail (MUTUAL_IS_CA_CLIENT (self));

  operation = g_new0 (CaOperation, 1);
  operation->kind = CA_BOOTSTRAP;
  start (self, operation, cancellable, callback, user_data, mutual_ca_client_bootstrap_async);
}

/**
 * mutual_ca_client_bootstrap_finish:
 *
 * Returns: (transfer full): the pinned root
 */
MutualCertificate *
mutual_ca_client_bootstrap_finish (MutualCaClient  *self,
                                   GAsyncResult    *result,
                                   GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * mutual_ca_client_enroll_async:
 * @enrollment: (transfer full): what to ask for
 *
 * Bootstraps if needed, generates a key and obtains a certificate for it.
 */
void
mutual_ca_client_enroll_async (MutualCaClient      *self,
                               MutualCaEnrollment  *enrollment,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  CaOperation *operation;

  g_return_if_fail (MUTUAL_IS_CA_CLIENT (self));
  g_return_if_fail (enrollment != NULL && enrollment->subject != NULL);

  operation = g_new0 (CaOperation, 1);
  operation->kind = CA_ENROLL;
  operation->enrollment = enrollment;
  start (self, operation, cancellable, callback, user_data, mutual_ca_client_enroll_async);
}

/**
 * mutual_ca_client_enroll_finish:
 *
 * Returns: (transfer full): the new key, its certificate, the chain and the root,
 *   not checked yet (see mutual_ca_enroll_identity_async())
 */
MutualBundle *
mutual_ca_client_enroll_finish (MutualCaClient  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * mutual_ca_client_renew_async:
 * @credentials: the identity's chain (leaf first) and key
 *
 * Renews or rekeys. An expired certificate is renewed the way the protocol allows,
 * or the operation fails with %MUTUAL_CA_ERROR_REENROLL_NEEDED.
 */
void
mutual_ca_client_renew_async (MutualCaClient      *self,
                              MutualBundle        *credentials,
                              MutualCaRenewal      renewal,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  CaOperation *operation;

  g_return_if_fail (MUTUAL_IS_CA_CLIENT (self));
  g_return_if_fail (MUTUAL_IS_BUNDLE (credentials));

  operation = g_new0 (CaOperation, 1);
  operation->kind = CA_RENEW;
  operation->credentials = g_object_ref (credentials);
  operation->renewal = renewal;
  start (self, operation, cancellable, callback, user_data, mutual_ca_client_renew_async);
}

/**
 * mutual_ca_client_renew_finish:
 *
 * Returns: (transfer full): the renewed identity's chain, root and key, not checked
 *   yet (see mutual_ca_renew_identity_async())
 */
MutualBundle *
mutual_ca_client_renew_finish (MutualCaClient  *self,
                               GAsyncResult    *result,
                               GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * mutual_ca_client_list_provisioners_async:
 *
 * Bootstraps if needed, then lists the CA's provisioners, for the user to pick the one
 * to enroll through. Nothing secret is sent. The listing is bounded in pages and in
 * time (the client's timeout).
 */
void
mutual_ca_client_list_provisioners_async (MutualCaClient      *self,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  CaOperation *operation;

  g_return_if_fail (MUTUAL_IS_CA_CLIENT (self));

  operation = g_new0 (CaOperation, 1);
  operation->kind = CA_LIST_PROVISIONERS;
  start (self, operation, cancellable, callback, user_data, mutual_ca_client_list_provisioners_async);
}

/**
 * mutual_ca_client_list_provisioners_finish:
 *
 * Returns: (transfer container) (element-type MutualCaProvisioner): the provisioners, in
 *   the CA's order
 */
GPtrArray *
mutual_ca_client_list_provisioners_finish (MutualCaClient  *self,
                                           GAsyncResult    *result,
                                           GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Provisioners */

G_DEFINE_BOXED_TYPE (MutualCaProvisioner, mutual_ca_provisioner,
                     mutual_ca_provisioner_copy, mutual_ca_provisioner_free)

/**
 * mutual_ca_provisioner_new:
 * @name: the provisioner's name
 * @type: (nullable): its type, as the CA spells it
 */
MutualCaProvisioner *
mutual_ca_provisioner_new (const char *name,
                           const char *type)
{
  MutualCaProvisioner *self;

  g_return_val_if_fail (name != NULL, NULL);

  self = g_new0 (MutualCaProvisioner, 1);
  self->name = g_strdup (name);
  self->type = g_strdup (type != NULL ? type : "");
  /* Only a JWK provisioner's key can be decrypted with a password to sign tokens. */
  self->can_mint = g_ascii_strcasecmp (self->type, "JWK") == 0;
  return self;
}

MutualCaProvisioner *
mutual_ca_provisioner_copy (MutualCaProvisioner *self)
{
  MutualCaProvisioner *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = mutual_ca_provisioner_new (self->name, self->type);
  copy->can_mint = self->can_mint;
  return copy;
}

void
mutual_ca_provisioner_free (MutualCaProvisioner *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_free (self->type);
  g_free (self);
}

/* Key types and enrollments */

static const char *key_type_names[] = { "p256", "rsa2048", "ed25519" };

gboolean
mutual_key_type_from_string (const char    *text,
                             MutualKeyType *type)
{
  for (guint i = 0; i < G_N_ELEMENTS (key_type_names); i++)
    {
      if (g_strcmp0 (text, key_type_names[i]) == 0)
        {
          *type = i;
          return TRUE;
        }
    }
  return FALSE;
}

const char *
mutual_key_type_to_string (MutualKeyType type)
{
  g_return_val_if_fail (type < G_N_ELEMENTS (key_type_names), NULL);
  return key_type_names[type];
}

/**
 * mutual_ca_enrollment_new:
 *
 * Returns: (transfer full): an enrollment for @subject, with a P-256 key
 */
MutualCaEnrollment *
mutual_ca_enrollment_new (const char *subject)
{
  MutualCaEnrollment *self = g_new0 (MutualCaEnrollment, 1);

  self->subject = g_strdup (subject);
  self->key_type = MUTUAL_KEY_TYPE_P256;
  return self;
}

static void
free_secret (char **secret)
{
  if (*secret != NULL)
    _mutual_wipe (*secret, strlen (*secret));
  g_clear_pointer (secret, g_free);
}

void
mutual_ca_enrollment_free (MutualCaEnrollment *self)
{
  if (self == NULL)
    return;
  g_free (self->subject);
  g_strfreev (self->sans);
  free_secret (&self->token);
  free_secret (&self->password);
  g_free (self);
}

/* Pinning: a TLS database that trusts one root and nothing else. */

#define MUTUAL_TYPE_PINNED_DATABASE (mutual_pinned_database_get_type ())
G_DECLARE_FINAL_TYPE (MutualPinnedDatabase, mutual_pinned_database, MUTUAL, PINNED_DATABASE, GTlsDatabase)

struct _MutualPinnedDatabase
{
  GTlsDatabase parent_instance;

  GTlsCertificate *root;
};

G_DEFINE_FINAL_TYPE (MutualPinnedDatabase, mutual_pinned_database, G_TYPE_TLS_DATABASE)

static GTlsCertificate *
tls_certificate_from (MutualCertificate *certificate)
{
  g_autofree char *pem = mutual_certificate_to_pem (certificate);

  return g_tls_certificate_new_from_pem (pem, -1, NULL);
}

static GTlsCertificateFlags
pinned_verify_chain (GTlsDatabase             *database,
                     GTlsCertificate          *chain,
                     const char               *purpose,
                     GSocketConnectable       *identity,
                     GTlsInteraction          *interaction,
                     GTlsDatabaseVerifyFlags   flags,
                     GCancellable             *cancellable,
                     GError                  **error)
{
  MutualPinnedDatabase *self = MUTUAL_PINNED_DATABASE (database);

  /* Without a root (bootstrap), nothing is trusted: the connection goes ahead only
   * when the caller accepts the certificate, for a request that carries no secret. */
  if (self->root == NULL)
    return G_TLS_CERTIFICATE_UNKNOWN_CA;
  return g_tls_certificate_verify (chain, identity, self->root);
}

static GTlsCertificate *
pinned_lookup_issuer (GTlsDatabase             *database,
                      GTlsCertificate          *certificate,
                      GTlsInteraction          *interaction,
                      GTlsDatabaseLookupFlags   flags,
                      GCancellable             *cancellable,
                      GError                  **error)
{
  return NULL;
}

static GList *
pinned_lookup_issued_by (GTlsDatabase             *database,
                         GByteArray               *issuer_raw_dn,
                         GTlsInteraction          *interaction,
                         GTlsDatabaseLookupFlags   flags,
                         GCancellable             *cancellable,
                         GError                  **error)
{
  return NULL;
}

static void
mutual_pinned_database_finalize (GObject *object)
{
  g_clear_object (&MUTUAL_PINNED_DATABASE (object)->root);
  G_OBJECT_CLASS (mutual_pinned_database_parent_class)->finalize (object);
}

static void
mutual_pinned_database_class_init (MutualPinnedDatabaseClass *klass)
{
  GTlsDatabaseClass *database_class = G_TLS_DATABASE_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = mutual_pinned_database_finalize;
  database_class->verify_chain = pinned_verify_chain;
  database_class->lookup_certificate_issuer = pinned_lookup_issuer;
  database_class->lookup_certificates_issued_by = pinned_lookup_issued_by;
}

static void
mutual_pinned_database_init (MutualPinnedDatabase *self)
{
}

/**
 * _mutual_pinned_database_new:
 * @root: (nullable): the one root to trust, or %NULL to trust nothing
 */
GTlsDatabase *
_mutual_pinned_database_new (MutualCertificate *root)
{
  MutualPinnedDatabase *self = g_object_new (MUTUAL_TYPE_PINNED_DATABASE, NULL);

  if (root != NULL)
    self->root = tls_certificate_from (root);
  return G_TLS_DATABASE (self);
}

/**
 * mutual_ca_client_prepare_process:
 *
 * Call once from the program's start, before any thread runs (it changes the
 * environment), in every program that talks to CAs: mutualctl and the application.
 *
 * libsoup 3.2 gives the client certificate to the TLS connection only when the server
 * asks for one, after glib-networking has keyed its TLS session cache by the server's
 * address alone: a later connection to the same CA would resume the session of another
 * identity, or of a connection without a certificate, and step-ca would renew that one
 * or refuse. Every CA connection must authenticate afresh, so the process asks for no
 * session tickets, unless the user chose a priority string. Nothing else in Mutual uses
 * GIO's TLS (the probe speaks GnuTLS itself).
 */
void
mutual_ca_client_prepare_process (void)
{
  g_setenv ("G_TLS_GNUTLS_PRIORITY", "NORMAL:%NO_TICKETS", FALSE);
}

/**
 * mutual_ca_client_trust_nothing_by_default:
 *
 * For a short-lived program whose only TLS through GIO is with its CAs (mutualctl
 * renew and enroll): makes the process's default TLS database one that trusts nothing.
 * CA clients verify the CA against its pinned root with a database of their own, but
 * glib-networking still loads the default one, the whole system trust store, when it
 * sets up each connection: about 60 ms of parsing at every start, for nothing. Any
 * other connection that relied on the default would fail verification, not pass it.
 * Never call it in the application, which may make other connections.
 */
void
mutual_ca_client_trust_nothing_by_default (void)
{
  g_autoptr(GTlsDatabase) nothing = _mutual_pinned_database_new (NULL);

  g_tls_backend_set_default_database (g_tls_backend_get_default (), nothing);
}

/**
 * _mutual_tls_certificate_new:
 * @certificates: the chain, leaf first
 * @key: (nullable): the leaf's key, for a client certificate
 *
 * The PEM text that carries the key to GIO is built in memory and wiped.
 */
GTlsCertificate *
_mutual_tls_certificate_new (GPtrArray         *certificates,
                             MutualPrivateKey  *key,
                             GError           **error)
{
  g_autofree char *chain = _mutual_export_pem_chain (certificates);
  g_autoptr(GBytes) key_pem = NULL;
  GTlsCertificate *certificate;
  GByteArray *pem;

  if (key != NULL && (key_pem = _mutual_export_key_pkcs8 (key, NULL, TRUE, error)) == NULL)
    return NULL;

  pem = g_byte_array_new ();
  g_byte_array_append (pem, (const guint8 *) chain, strlen (chain));
  if (key_pem != NULL)
    g_byte_array_append (pem, g_bytes_get_data (key_pem, NULL), g_bytes_get_size (key_pem));
  certificate = g_tls_certificate_new_from_pem ((const char *) pem->data, pem->len, error);
  _mutual_wipe (pem->data, pem->len);
  g_byte_array_unref (pem);
  return certificate;
}

/**
 * _mutual_verify_chain:
 * @certificates: a chain, leaf first (the root may be included)
 * @identity: (nullable): the server's name, for a server certificate
 *
 * Returns: the problems, 0 when @certificates chain to @root and are valid now
 */
GTlsCertificateFlags
_mutual_verify_chain (GPtrArray          *certificates,
                      GSocketConnectable *identity,
                      MutualCertificate  *root)
{
  g_autoptr(GTlsCertificate) chain = _mutual_tls_certificate_new (certificates, NULL, NULL);
  g_autoptr(GTlsCertificate) anchor = tls_certificate_from (root);

  if (chain == NULL || anchor == NULL)
    return G_TLS_CERTIFICATE_GENERIC_ERROR;
  return g_tls_certificate_verify (chain, identity, anchor);
}

/**
 * _mutual_tls_flags_describe:
 *
 * Returns: (transfer full): what is wrong with a certificate, in words
 */
char *
_mutual_tls_flags_describe (GTlsCertificateFlags flags)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();

  if (flags & G_TLS_CERTIFICATE_UNKNOWN_CA)
    g_ptr_array_add (parts, (gpointer) _("it is not issued under the pinned root"));
  if (flags & G_TLS_CERTIFICATE_BAD_IDENTITY)
    g_ptr_array_add (parts, (gpointer) _("it is not for this host name"));
  if (flags & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    g_ptr_array_add (parts, (gpointer) _("it is not valid yet"));
  if (flags & G_TLS_CERTIFICATE_EXPIRED)
    g_ptr_array_add (parts, (gpointer) _("it has expired"));
  if (flags & G_TLS_CERTIFICATE_REVOKED)
    g_ptr_array_add (parts, (gpointer) _("it is revoked"));
  if (flags & G_TLS_CERTIFICATE_INSECURE)
    g_ptr_array_add (parts, (gpointer) _("it uses an insecure algorithm"));
  if (parts->len == 0)
    g_ptr_array_add (parts, (gpointer) _("it cannot be verified"));
  g_ptr_array_add (parts, NULL);
  return g_strjoinv ("; ", (char **) parts->pdata);
}

/* Keys and requests */

/**
 * _mutual_generate_key:
 *
 * Returns: (transfer full): a new private key, in memory only
 */
MutualPrivateKey *
_mutual_generate_key (MutualKeyType   type,
                      GError        **error)
{
  g_auto(gnutls_x509_privkey_t) key = NULL;
  int ret = gnutls_x509_privkey_init (&key);

  if (ret >= 0)
    {
      switch (type)
        {
        case MUTUAL_KEY_TYPE_RSA2048:
          ret = gnutls_x509_privkey_generate (key, GNUTLS_PK_RSA, 2048, 0);
          break;
        case MUTUAL_KEY_TYPE_ED25519:
          ret = gnutls_x509_privkey_generate (key, GNUTLS_PK_EDDSA_ED25519, 0, 0);
          break;
        case MUTUAL_KEY_TYPE_P256:
        default:
          ret = gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
                                              GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0);
          break;
        }
    }
  if (!_mutual_gnutls_check (ret, error, _("Cannot generate a %s key"), mutual_key_type_to_string (type)))
    return NULL;
  return _mutual_private_key_new_take (g_steal_pointer (&key), _("generated"), NULL, error);
}

/**
 * _mutual_private_key_to_privkey:
 *
 * Returns: (transfer full): an abstract GnuTLS key that uses @key's (it does not copy
 *   it); @key must outlive it
 */
gnutls_privkey_t
_mutual_private_key_to_privkey (MutualPrivateKey  *key,
                                GError           **error)
{
  g_auto(gnutls_privkey_t) privkey = NULL;
  int ret = gnutls_privkey_init (&privkey);

  if (ret >= 0)
    ret = gnutls_privkey_import_x509 (privkey, _mutual_private_key_get_x509 (key), 0);
  if (!_mutual_gnutls_check (ret, error, _("Cannot use the private key")))
    return NULL;
  return g_steal_pointer (&privkey);
}

static int
add_san (gnutls_x509_crq_t  crq,
         const char        *san)
{
  GInetAddress *address = g_inet_address_new_from_string (san);

  if (address != NULL)
    {
      gsize size = g_inet_address_get_native_size (address);
      int ret = gnutls_x509_crq_set_subject_alt_name (crq, GNUTLS_SAN_IPADDRESS,
                                                      g_inet_address_to_bytes (address), size,
                                                      GNUTLS_FSAN_APPEND);

      g_object_unref (address);
      return ret;
    }
  if (strchr (san, '@') != NULL)
    return gnutls_x509_crq_set_subject_alt_name (crq, GNUTLS_SAN_RFC822NAME, san, strlen (san),
                                                 GNUTLS_FSAN_APPEND);
  if (strstr (san, "://") != NULL)
    return gnutls_x509_crq_set_subject_alt_name (crq, GNUTLS_SAN_URI, san, strlen (san), GNUTLS_FSAN_APPEND);
  return gnutls_x509_crq_set_subject_alt_name (crq, GNUTLS_SAN_DNSNAME, san, strlen (san), GNUTLS_FSAN_APPEND);
}

/**
 * _mutual_make_csr:
 * @sans: (nullable): subject alternative names: IP addresses, e-mail addresses, URIs
 *   and DNS names, recognised by their form
 *
 * Returns: (transfer full): a PKCS #10 request in PEM, signed with @key
 */
char *
_mutual_make_csr (MutualPrivateKey    *key,
                  const char          *subject,
                  const char * const  *sans,
                  GError             **error)
{
  g_auto(gnutls_x509_crq_t) crq = NULL;
  g_auto(gnutls_privkey_t) privkey = NULL;
  g_auto(MutualGnutlsDatum) pem = { NULL, 0 };
  int ret;

  privkey = _mutual_private_key_to_privkey (key, error);
  if (privkey == NULL)
    return NULL;

  ret = gnutls_x509_crq_init (&crq);
  if (ret >= 0)
    ret = gnutls_x509_crq_set_version (crq, 1);
  if (ret >= 0)
    ret = gnutls_x509_crq_set_dn_by_oid (crq, GNUTLS_OID_X520_COMMON_NAME, 0, subject, strlen (subject));
  if (ret >= 0)
    ret = gnutls_x509_crq_set_key (crq, _mutual_private_key_get_x509 (key));
  for (guint i = 0; ret >= 0 && sans != NULL && sans[i] != NULL; i++)
    ret = add_san (crq, sans[i]);
  if (ret >= 0)
    ret = gnutls_x509_crq_set_key_usage (crq, GNUTLS_KEY_DIGITAL_SIGNATURE);
  if (ret >= 0)
    ret = gnutls_x509_crq_set_key_purpose_oid (crq, GNUTLS_KP_TLS_WWW_CLIENT, 0);
  if (ret >= 0)
    ret = gnutls_x509_crq_privkey_sign (crq, privkey, gnutls_privkey_get_pk_algorithm (privkey, NULL) ==
                                        GNUTLS_PK_EDDSA_ED25519 ? GNUTLS_DIG_SHA512 : GNUTLS_DIG_SHA256, 0);
  if (ret >= 0)
    ret = gnutls_x509_crq_export2 (crq, GNUTLS_X509_FMT_PEM, &pem);
  if (!_mutual_gnutls_check (ret, error, _("Cannot make the certificate request")))
    return NULL;
  return g_strndup ((const char *) pem.data, pem.size);
}

/* What the CA issued */

/**
 * _mutual_ca_chain_without_root:
 * @certificates: a chain, leaf first
 *
 * Returns: (transfer container): the leaf and its intermediates, without the
 *   self-issued root that identities keep at the end: what a client presents, and
 *   what files for other programs hold
 */
GPtrArray *
_mutual_ca_chain_without_root (GPtrArray *certificates)
{
  GPtrArray *chain = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < certificates->len; i++)
    {
      MutualCertificate *certificate = g_ptr_array_index (certificates, i);

      if (i == 0 || !mutual_certificate_is_self_issued (certificate))
        g_ptr_array_add (chain, g_object_ref (certificate));
    }
  return chain;
}

/**
 * _mutual_ca_bundle_new:
 * @chain: what the CA returned, leaf first
 * @root: the pinned root, added at the end unless the CA sent it
 */
MutualBundle *
_mutual_ca_bundle_new (const char        *source,
                       GPtrArray         *chain,
                       MutualCertificate *root,
                       MutualPrivateKey  *key)
{
  MutualBundle *bundle = _mutual_bundle_new (source);
  gboolean has_root = FALSE;

  _mutual_bundle_set_format (bundle, "CA");
  for (guint i = 0; i < chain->len; i++)
    {
      MutualCertificate *certificate = g_ptr_array_index (chain, i);

      has_root |= mutual_certificate_equal (certificate, root);
      _mutual_bundle_add_certificate (bundle, certificate);
    }
  if (!has_root)
    _mutual_bundle_add_certificate (bundle, root);
  _mutual_bundle_add_key (bundle, key);
  return bundle;
}

/**
 * _mutual_ca_check_issued:
 * @issued: the CA's chain (leaf first), the root and the key
 * @subject: (nullable): the common name the certificate must have
 *
 * What makes a certificate from a CA acceptable, whatever the protocol: it is for our
 * key and our subject, it chains to the pinned root, and it is valid now. Fails with
 * %MUTUAL_CA_ERROR_REJECTED_CERTIFICATE.
 */
gboolean
_mutual_ca_check_issued (MutualBundle       *issued,
                         MutualCertificate  *root,
                         const char         *subject,
                         gint64              now,
                         GError            **error)
{
  GPtrArray *certificates = mutual_bundle_get_certificates (issued);
  GPtrArray *keys = mutual_bundle_get_keys (issued);
  MutualCertificate *leaf;
  const MutualValidity *validity;
  GTlsCertificateFlags flags;

  if (certificates->len == 0 || keys->len != 1)
    {
      g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_MALFORMED,
                   _("The CA’s answer holds no certificate"));
      return FALSE;
    }
  leaf = g_ptr_array_index (certificates, 0);
  if (!mutual_private_key_matches (g_ptr_array_index (keys, 0), leaf))
    {
      g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_REJECTED_CERTIFICATE,
                   _("The CA returned a certificate for another key (serial %s): it was not "
                     "stored"), mutual_certificate_get_serial (leaf));
      return FALSE;
    }
  if (subject != NULL && g_strcmp0 (mutual_certificate_get_subject_name (leaf), subject) != 0)
    {
      g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_REJECTED_CERTIFICATE,
                   _("The CA returned a certificate for “%s” instead of “%s”: it was not stored"),
                   mutual_certificate_get_subject_name (leaf), subject);
      return FALSE;
    }
  flags = _mutual_verify_chain (certificates, NULL, root);
  if (flags != 0)
    {
      g_autofree char *why = _mutual_tls_flags_describe (flags);

      g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_REJECTED_CERTIFICATE,
                   _("The CA returned a certificate that does not chain to its pinned root “%s” "
                     "(%s): it was not stored"),
                   mutual_certificate_get_subject_name (root), why);
      return FALSE;
    }
  validity = mutual_certificate_get_validity (leaf);
  if (now < validity->not_before || now >= validity->not_after)
    {
      g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_REJECTED_CERTIFICATE,
                   _("The CA returned a certificate that is not valid now: it was not stored"));
      return FALSE;
    }
  return TRUE;
}
