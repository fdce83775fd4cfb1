/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sys/file.h>
#include <unistd.h>

#include "mutual-ca-client-private.h"
#include "mutual-finding.h"
#include "mutual-probe.h"
#include "mutual-trust.h"
#include "mutual-renewal.h"

/* Enrolling and renewing identities: the CA protocol, then the checks that make a
 * certificate acceptable, then the keyring. A renewal touches the stored identity
 * only through mutual_identity_store_replace_async(), which writes and verifies the
 * new generation before it deletes the old one: whatever fails before or during it
 * leaves the old identity as it was. */

typedef struct
{
  MutualIdentityStore *store;
  MutualIdentity *identity;
  MutualCaClient *client;
  MutualCaRenewal renewal;
  char *label;
  char *subject;
  int lock_fd;
  MutualBundle *credentials;
  GError *error;
} Job;

static void
job_free (Job *job)
{
  g_clear_object (&job->store);
  g_clear_object (&job->identity);
  g_clear_object (&job->client);
  g_clear_pointer (&job->label, g_free);
  g_clear_pointer (&job->subject, g_free);
  if (job->lock_fd >= 0)
    close (job->lock_fd);
  g_clear_object (&job->credentials);
  g_clear_error (&job->error);
  g_free (job);
}

static gboolean
check_issued (Job           *job,
              MutualBundle  *issued,
              GError       **error)
{
  g_autoptr(MutualCertificate) root = mutual_ca_client_get_root (job->client);

  return _mutual_ca_check_issued (issued, root, job->subject, g_get_real_time () / G_USEC_PER_SEC, error);
}

/* The identity is stored (enrollment) or replaced (renewal). */
static void
stored_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Job *job = g_task_get_task_data (task);
  MutualIdentityStore *store = MUTUAL_IDENTITY_STORE (source);
  GError *error = NULL;
  MutualIdentity *identity = job->identity ? mutual_identity_store_replace_finish (store, result, &error)
                                           : mutual_identity_store_add_finish (store, result, &error);

  if (identity == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, identity, g_object_unref);
}

/* A TLS failure with the CA is explained by the probe: a real handshake with the
 * same chain, key and pinned root, whose first error finding joins the message. */
static void
probed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Job *job = g_task_get_task_data (task);
  MutualProbe *probe = MUTUAL_PROBE (source);
  GError *error = g_steal_pointer (&job->error);

  if (mutual_probe_run_finish (probe, result, NULL))
    {
      GPtrArray *findings = mutual_probe_get_findings (probe);

      for (guint i = 0; findings != NULL && i < findings->len; i++)
        {
          MutualFinding *finding = g_ptr_array_index (findings, i);

          if (mutual_finding_get_severity (finding) != MUTUAL_FINDING_ERROR)
            continue;
          GError *explained;

          /* Translators: the error, then the probe's finding: its title and remedy. */
          explained = g_error_new (error->domain, error->code, _("%s. The probe’s diagnosis: %s %s"),
                                   error->message, mutual_finding_get_title (finding),
                                   mutual_finding_get_remedy (finding) ? mutual_finding_get_remedy (finding) : "");
          g_error_free (error);
          error = explained;
          break;
        }
    }
  g_object_unref (probe);
  g_task_return_error (task, error);
}

static void
diagnose (GTask  *task,
          GError *error)
{
  Job *job = g_task_get_task_data (task);
  MutualCaProfile *profile = mutual_ca_client_get_profile (job->client);
  g_autoptr(MutualCertificate) root = mutual_ca_client_get_root (job->client);
  g_autoptr(GUri) uri = g_uri_parse (mutual_ca_profile_get_url (profile), G_URI_FLAGS_NONE, NULL);
  g_autoptr(MutualTrust) trust = mutual_trust_new ();
  g_autoptr(GPtrArray) chain = g_ptr_array_new_with_free_func (g_object_unref);
  GPtrArray *certificates;
  MutualProbe *probe;
  guint timeout = mutual_ca_client_get_timeout (job->client);

  if (job->credentials == NULL || root == NULL || uri == NULL ||
      !mutual_trust_add_anchor (trust, root, NULL))
    {
      g_task_return_error (task, error);
      return;
    }
  certificates = mutual_bundle_get_certificates (job->credentials);
  for (guint i = 0; i < certificates->len; i++)
    {
      if (i == 0 || !mutual_certificate_is_self_issued (g_ptr_array_index (certificates, i)))
        g_ptr_array_add (chain, g_object_ref (g_ptr_array_index (certificates, i)));
    }

  job->error = error;
  probe = mutual_probe_new (g_uri_get_host (uri), g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : 443);
  mutual_probe_set_protocol (probe, MUTUAL_PROTOCOL_HTTPS);
  mutual_probe_set_trust (probe, trust);
  mutual_probe_set_identity (probe, chain, g_ptr_array_index (mutual_bundle_get_keys (job->credentials), 0));
  mutual_probe_set_timeouts (probe, timeout * 1000, timeout * 2000);
  mutual_probe_run_async (probe, g_task_get_cancellable (task), probed_cb, g_object_ref (task));
}

/* What the CA issued is checked, then stored. */
static void
issued_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Job *job = g_task_get_task_data (task);
  g_autoptr(MutualBundle) issued = NULL;
  GError *error = NULL;

  issued = job->identity ? mutual_ca_client_renew_finish (job->client, result, &error)
                         : mutual_ca_client_enroll_finish (job->client, result, &error);
  if (issued == NULL && g_error_matches (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_TLS_FAILED) &&
      job->credentials != NULL)
    {
      diagnose (task, error);
      return;
    }
  if (issued == NULL || !check_issued (job, issued, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (job->identity != NULL)
    mutual_identity_store_replace_async (job->store, job->identity, issued, g_task_get_cancellable (task),
                                         stored_cb, g_object_ref (task));
  else
    mutual_identity_store_add_full_async (job->store, issued, job->label,
                                          mutual_ca_client_get_profile (job->client),
                                          g_task_get_cancellable (task), stored_cb, g_object_ref (task));
}

/* Enroll */

/**
 * mutual_renewal_enroll_async:
 * @client: a client for the CA, with the profile to keep with the identity
 * @enrollment: (transfer full): what to ask for
 * @label: (nullable): the identity's label; by default its subject
 *
 * Obtains a first certificate for a new key and stores the identity with its CA
 * profile, once the certificate passed the checks (for our key and subject, chained
 * to the pinned root, valid now).
 */
void
mutual_renewal_enroll_async (MutualIdentityStore *store,
                             MutualCaClient      *client,
                             MutualCaEnrollment  *enrollment,
                             const char          *label,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_return_if_fail (MUTUAL_IS_IDENTITY_STORE (store));
  g_return_if_fail (MUTUAL_IS_CA_CLIENT (client));
  g_return_if_fail (enrollment != NULL);

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, mutual_renewal_enroll_async);
  job = g_new0 (Job, 1);
  job->lock_fd = -1;
  job->store = g_object_ref (store);
  job->client = g_object_ref (client);
  job->label = g_strdup (label);
  job->subject = g_strdup (enrollment->subject);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  mutual_ca_client_enroll_async (client, enrollment, cancellable, issued_cb, g_steal_pointer (&task));
}

/**
 * mutual_renewal_enroll_finish:
 *
 * Returns: (transfer full): the stored identity
 */
MutualIdentity *
mutual_renewal_enroll_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mutual_renewal_enroll_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Renew */

/* One renewal of an identity at a time, across processes (the agent, the GUI,
 * mutualctl renew): an exclusive lock on a file named after the identity, held until
 * the job ends, and released by the system if the process dies. */
static int
lock_identity (MutualIdentity  *identity,
               GError         **error)
{
  g_autofree char *folder = g_build_filename (g_get_user_runtime_dir (), "mutual", NULL);
  g_autofree char *name = g_strdup_printf ("renew-%s.lock", mutual_identity_get_id (identity));
  g_autofree char *path = g_build_filename (folder, name, NULL);
  int fd;

  if (g_mkdir_with_parents (folder, 0700) != 0 ||
      (fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Cannot create %s: %s"), path,
                   g_strerror (saved));
      return -1;
    }
  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      close (fd);
      g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_BUSY,
                   _("“%s” is being renewed already, by this or another program"),
                   mutual_identity_get_label (identity));
      return -1;
    }
  return fd;
}

static void
credentials_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Job *job = g_task_get_task_data (task);
  g_autoptr(MutualBundle) credentials = NULL;
  const char *pinned = mutual_ca_profile_get_fingerprint (mutual_ca_client_get_profile (job->client));
  GPtrArray *certificates;
  GError *error = NULL;

  credentials = mutual_identity_store_load_credentials_finish (job->store, result, &error);
  if (credentials == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* The root was kept with the chain at enrollment: no need to fetch it again. */
  certificates = mutual_bundle_get_certificates (credentials);
  for (guint i = 0; i < certificates->len; i++)
    {
      MutualCertificate *certificate = g_ptr_array_index (certificates, i);
      g_autofree char *fingerprint = mutual_normalize_fingerprint (mutual_certificate_get_sha256 (certificate));

      if (g_strcmp0 (fingerprint, pinned) == 0)
        mutual_ca_client_set_root (job->client, certificate);
    }

  job->credentials = g_object_ref (credentials);
  mutual_ca_client_renew_async (job->client, credentials, job->renewal, g_task_get_cancellable (task),
                                issued_cb, g_object_ref (task));
}

/**
 * mutual_renewal_renew_async:
 * @identity: an identity with a CA profile
 * @timeout: seconds to wait for the CA at most, 0 for the default
 *
 * Renews (or rekeys) the identity with its CA and replaces it in the keyring once
 * the new certificate passed the checks. On any failure the stored identity is left
 * as it was. Fails with %MUTUAL_CA_ERROR_NO_PROFILE for an identity that was imported.
 */
void
mutual_renewal_renew_async (MutualIdentityStore *store,
                            MutualIdentity      *identity,
                            MutualCaRenewal      renewal,
                            guint                timeout,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  MutualCaProfile *profile;
  GError *error = NULL;
  Job *job;

  g_return_if_fail (MUTUAL_IS_IDENTITY_STORE (store));
  g_return_if_fail (MUTUAL_IS_IDENTITY (identity));

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, mutual_renewal_renew_async);
  profile = mutual_identity_get_ca_profile (identity);
  if (profile == NULL)
    {
      g_task_return_new_error (task, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_NO_PROFILE,
                               _("“%s” was imported, not enrolled with a CA: Mutual does not know "
                                 "how to renew it"), mutual_identity_get_label (identity));
      return;
    }

  job = g_new0 (Job, 1);
  job->lock_fd = -1;
  job->store = g_object_ref (store);
  job->identity = g_object_ref (identity);
  job->renewal = renewal;
  job->subject = g_strdup (mutual_identity_get_subject (identity));
  job->client = mutual_ca_client_new_for_profile (profile, &error);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  if (job->client == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  job->lock_fd = lock_identity (identity, &error);
  if (job->lock_fd < 0)
    {
      g_task_return_error (task, error);
      return;
    }
  mutual_ca_client_set_timeout (job->client, timeout);
  mutual_identity_store_load_credentials_async (store, identity, cancellable, credentials_cb,
                                                g_steal_pointer (&task));
}

/**
 * mutual_renewal_renew_finish:
 *
 * Returns: (transfer full): the renewed identity (same id, next generation)
 */
MutualIdentity *
mutual_renewal_renew_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mutual_renewal_renew_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * mutual_renewal_get_due:
 *
 * Returns: when the identity is due for renewal by its profile's policy (Unix
 *   seconds), or 0 when it has no CA profile
 */
gint64
mutual_renewal_get_due (MutualIdentity *identity)
{
  MutualCaProfile *profile;

  g_return_val_if_fail (MUTUAL_IS_IDENTITY (identity), 0);

  profile = mutual_identity_get_ca_profile (identity);
  if (profile == NULL)
    return 0;
  return mutual_ca_profile_get_renew_at (profile, mutual_identity_get_validity (identity));
}
