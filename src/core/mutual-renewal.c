/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include "mutual-ca-client-private.h"
#include "mutual-export-private.h"
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
  MutualBundle *issued;
  MutualIdentity *result;
  int hook_status;
  /* The hook runs in a process group of its own, so that a timeout stops everything
   * it started; the leader's pid names the group. */
  GPid hook_group;
  guint hook_timer;
  guint hook_kill_timer;
  gboolean hook_timed_out;
  MutualCaProfile *new_profile;
  /* The PKCS#12 output's password, read from the keyring after the identity is stored,
   * or why it could not be. When the caller gave it (pkcs12_password_given), it is
   * stored instead of read. */
  GBytes *pkcs12_password;
  gboolean pkcs12_password_given;
  GError *password_error;
  void (*after_password) (GTask *task);
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
  g_clear_object (&job->issued);
  g_clear_object (&job->result);
  g_clear_handle_id (&job->hook_timer, g_source_remove);
  g_clear_handle_id (&job->hook_kill_timer, g_source_remove);
  g_clear_object (&job->new_profile);
  g_clear_pointer (&job->pkcs12_password, g_bytes_unref);
  g_clear_error (&job->password_error);
  g_free (job);
}

static Job *
job_new (MutualIdentityStore *store,
         MutualIdentity      *identity)
{
  Job *job = g_new0 (Job, 1);

  job->lock_fd = -1;
  job->hook_status = -1;
  job->store = g_object_ref (store);
  job->identity = identity ? g_object_ref (identity) : NULL;
  return job;
}

/* Keeps a copy of the caller's PKCS#12 password, with its NUL, wiped when the job
 * ends. */
static void
job_give_password (Job        *job,
                   const char *password)
{
  if (password == NULL)
    return;
  job->pkcs12_password = _mutual_bytes_new_wiped (password, strlen (password) + 1);
  job->pkcs12_password_given = TRUE;
}

static gboolean
check_issued (Job           *job,
              MutualBundle  *issued,
              GError       **error)
{
  g_autoptr(MutualCertificate) root = mutual_ca_client_get_root (job->client);

  return _mutual_ca_check_issued (issued, root, job->subject, g_get_real_time () / G_USEC_PER_SEC, error);
}

/* The opt-in outputs: the certificate with its chain and the key, and the two in a
 * PKCS#12 file protected by the password kept in the keyring, written atomically and
 * readable by the user only, for the tools that want files. */
static gboolean
write_outputs (Job              *job,
               MutualCaProfile  *profile,
               GError          **error)
{
  const char *cert_path = mutual_ca_profile_get_certificate_output (profile);
  const char *key_path = mutual_ca_profile_get_key_output (profile);
  const char *pkcs12_path = mutual_ca_profile_get_pkcs12_output (profile);
  g_autoptr(GPtrArray) chain = _mutual_ca_chain_without_root (mutual_bundle_get_certificates (job->issued));

  if (cert_path != NULL)
    {
      g_autofree char *pem = _mutual_export_pem_chain (chain);
      g_autoptr(GBytes) bytes = g_bytes_new (pem, strlen (pem));
      g_autoptr(GFile) file = g_file_new_for_path (cert_path);

      if (!_mutual_write_private_file (file, bytes, error))
        return FALSE;
    }
  if (key_path != NULL)
    {
      g_autoptr(GBytes) key = _mutual_export_key_pkcs8 (g_ptr_array_index (mutual_bundle_get_keys (job->issued), 0),
                                                        NULL, TRUE, error);
      g_autoptr(GFile) file = g_file_new_for_path (key_path);

      if (key == NULL || !_mutual_write_private_file (file, key, error))
        return FALSE;
    }
  if (pkcs12_path != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_path (pkcs12_path);
      g_autoptr(GBytes) pkcs12 = NULL;

      if (job->pkcs12_password == NULL)
        {
          if (job->password_error != NULL)
            g_propagate_error (error, g_steal_pointer (&job->password_error));
          else
            g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_ITEM_UNREADABLE,
                         _("The password of %s was not read from the keyring"), pkcs12_path);
          return FALSE;
        }
      pkcs12 = _mutual_export_pkcs12 (chain, g_ptr_array_index (mutual_bundle_get_keys (job->issued), 0),
                                      mutual_identity_get_label (job->result),
                                      g_bytes_get_data (job->pkcs12_password, NULL), error);
      if (pkcs12 == NULL || !_mutual_write_private_file (file, pkcs12, error))
        return FALSE;
    }
  return TRUE;
}

static void
password_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Job *job = g_task_get_task_data (task);

  /* A failure is kept for write_outputs(), which reports it with the other files'. */
  job->pkcs12_password = mutual_identity_store_lookup_output_password_finish (job->store, result,
                                                                              &job->password_error);
  job->after_password (task);
}

static void
password_stored_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Job *job = g_task_get_task_data (task);

  /* Unstored, it is not used either: the file would open with a password nobody can
   * look up. The failure is reported by write_outputs(). */
  if (!mutual_identity_store_set_output_password_finish (job->store, result, &job->password_error))
    g_clear_pointer (&job->pkcs12_password, g_bytes_unref);
  job->after_password (task);
}

/* Reads the PKCS#12 output's password when @profile has that output, then goes on
 * with @next. A password the caller gave is stored under the identity's id instead,
 * once the identity or its profile is: then it is used as given, not read back. */
static void
read_password_then (GTask           *task,
                    MutualCaProfile *profile,
                    void           (*next) (GTask *task))
{
  Job *job = g_task_get_task_data (task);

  if (profile == NULL || mutual_ca_profile_get_pkcs12_output (profile) == NULL)
    {
      next (task);
      return;
    }
  job->after_password = next;
  if (job->pkcs12_password_given)
    {
      mutual_identity_store_set_output_password_async (job->store, job->result, MUTUAL_OUTPUT_PASSWORD_PKCS12,
                                                       g_bytes_get_data (job->pkcs12_password, NULL),
                                                       g_task_get_cancellable (task), password_stored_cb,
                                                       g_object_ref (task));
      return;
    }
  mutual_identity_store_lookup_output_password_async (job->store, job->result, MUTUAL_OUTPUT_PASSWORD_PKCS12,
                                                      g_task_get_cancellable (task), password_cb,
                                                      g_object_ref (task));
}

/* Seconds between asking a hook that ran out of time to stop (SIGTERM) and making it
 * (SIGKILL). */
#define HOOK_KILL_GRACE_SECONDS 5

static void
hook_child_setup (gpointer user_data)
{
  /* In the child, before exec: a process group of its own. */
  setpgid (0, 0);
}

/* While these run, hook_cb() has not run yet: the leader is alive, or was waited for a
 * moment ago, and a group id is not reused while any member of the group lives, so
 * the group is still the hook's. Never kill (0, …), which would signal our own. */
static gboolean
hook_kill_cb (gpointer user_data)
{
  Job *job = user_data;

  job->hook_kill_timer = 0;
  if (job->hook_group > 0)
    kill (-job->hook_group, SIGKILL);
  return G_SOURCE_REMOVE;
}

static gboolean
hook_timeout_cb (gpointer user_data)
{
  Job *job = user_data;

  job->hook_timer = 0;
  job->hook_timed_out = TRUE;
  g_message ("The command after the renewal of “%s” did not finish within %u s: stopping it",
             mutual_identity_get_label (job->result),
             mutual_ca_profile_get_hook_timeout (mutual_identity_get_ca_profile (job->result)));
  if (job->hook_group > 0)
    kill (-job->hook_group, SIGTERM);
  job->hook_kill_timer = g_timeout_add (HOOK_KILL_GRACE_SECONDS * 1000, hook_kill_cb, job);
  return G_SOURCE_REMOVE;
}

static void
hook_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Job *job = g_task_get_task_data (task);
  GSubprocess *hook = G_SUBPROCESS (source);
  g_autoptr(GError) error = NULL;

  g_clear_handle_id (&job->hook_timer, g_source_remove);
  g_clear_handle_id (&job->hook_kill_timer, g_source_remove);
  /* What the hook left behind in its group after it was told to stop goes too. */
  if (job->hook_timed_out && job->hook_group > 0)
    kill (-job->hook_group, SIGKILL);

  if (!g_subprocess_wait_finish (hook, result, &error))
    g_warning ("The hook of “%s” could not be waited for: %s", mutual_identity_get_label (job->result),
               error->message);
  else if (g_subprocess_get_if_exited (hook))
    job->hook_status = g_subprocess_get_exit_status (hook);
  else if (g_subprocess_get_if_signaled (hook))
    job->hook_status = 128 + g_subprocess_get_term_sig (hook);
  g_debug ("The hook of “%s” ended with status %d%s", mutual_identity_get_label (job->result), job->hook_status,
           job->hook_timed_out ? " after its timeout" : "");
  g_task_return_pointer (task, g_object_ref (job->result), g_object_unref);
}

/* The outputs of the stored identity, then its command. */
static void
outputs_then_hook (GTask *task)
{
  Job *job = g_task_get_task_data (task);
  GError *error = NULL;
  MutualCaProfile *profile = mutual_identity_get_ca_profile (job->result);
  const char *command;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) hook = NULL;

  if (profile != NULL && !write_outputs (job, profile, &error))
    {
      if (job->identity != NULL)
        g_prefix_error (&error, _("“%s” was renewed and is in the keyring, but its files were not written: "),
                        mutual_identity_get_label (job->result));
      else
        g_prefix_error (&error, _("“%s” was enrolled and is in the keyring, but its files were not written: "),
                        mutual_identity_get_label (job->result));
      g_task_return_error (task, error);
      return;
    }
  command = profile ? mutual_ca_profile_get_hook (profile) : NULL;
  if (command == NULL)
    {
      g_task_return_pointer (task, g_object_ref (job->result), g_object_unref);
      return;
    }

  /* Like `step ca renew --exec`: a shell command, told which identity and files. Its
   * output goes to standard error, so that the agent's own output stays readable. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_child_setup (launcher, hook_child_setup, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "MUTUAL_IDENTITY_ID", mutual_identity_get_id (job->result), TRUE);
  g_subprocess_launcher_setenv (launcher, "MUTUAL_IDENTITY_LABEL", mutual_identity_get_label (job->result), TRUE);
  if (mutual_ca_profile_get_certificate_output (profile) != NULL)
    g_subprocess_launcher_setenv (launcher, "MUTUAL_CERT_FILE", mutual_ca_profile_get_certificate_output (profile),
                                  TRUE);
  if (mutual_ca_profile_get_key_output (profile) != NULL)
    g_subprocess_launcher_setenv (launcher, "MUTUAL_KEY_FILE", mutual_ca_profile_get_key_output (profile), TRUE);
  if (mutual_ca_profile_get_pkcs12_output (profile) != NULL)
    g_subprocess_launcher_setenv (launcher, "MUTUAL_PKCS12_FILE", mutual_ca_profile_get_pkcs12_output (profile),
                                  TRUE);
  g_subprocess_launcher_take_stdout_fd (launcher, dup (STDERR_FILENO));
  hook = g_subprocess_launcher_spawn (launcher, &error, "/bin/sh", "-c", command, NULL);
  if (hook == NULL)
    {
      g_warning ("The hook of “%s” did not start: %s", mutual_identity_get_label (job->result), error->message);
      g_clear_error (&error);
      job->hook_status = 127;
      g_task_return_pointer (task, g_object_ref (job->result), g_object_unref);
      return;
    }
  /* No identifier: the hook already ended, there is nothing to time. */
  if (g_subprocess_get_identifier (hook) != NULL)
    job->hook_group = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (hook), NULL, 10);
  /* The timer dies with the job, and the job lives while the hook is waited for. Not
   * g_timeout_add_seconds(), which may fire up to a second early. */
  if (job->hook_group > 0)
    job->hook_timer = g_timeout_add (mutual_ca_profile_get_hook_timeout (profile) * 1000, hook_timeout_cb, job);
  g_subprocess_wait_async (hook, NULL, hook_cb, g_object_ref (task));
}

/* The identity is stored (enrollment) or replaced (renewal); then the outputs. */
static void
stored_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Job *job = g_task_get_task_data (task);
  MutualIdentityStore *store = MUTUAL_IDENTITY_STORE (source);
  GError *error = NULL;

  job->result = job->identity ? mutual_identity_store_replace_finish (store, result, &error)
                              : mutual_identity_store_add_finish (store, result, &error);
  if (job->result == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  read_password_then (task, mutual_identity_get_ca_profile (job->result), outputs_then_hook);
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
  g_autoptr(GPtrArray) chain = NULL;
  MutualProbe *probe;
  guint timeout = mutual_ca_client_get_timeout (job->client);

  if (job->credentials == NULL || root == NULL || uri == NULL ||
      !mutual_trust_add_anchor (trust, root, NULL))
    {
      g_task_return_error (task, error);
      return;
    }
  chain = _mutual_ca_chain_without_root (mutual_bundle_get_certificates (job->credentials));

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
  job->issued = g_object_ref (issued);
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
 * to the pinned root, valid now). Then the profile's output files are written and
 * its command runs, as after a renewal.
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
  mutual_renewal_enroll_full_async (store, client, enrollment, label, NULL, cancellable, callback, user_data);
}

/**
 * mutual_renewal_enroll_full_async:
 * @client: a client for the CA, with the profile to keep with the identity
 * @enrollment: (transfer full): what to ask for
 * @label: (nullable): the identity's label; by default its subject
 * @pkcs12_password: (nullable): the password of the profile's PKCS#12 output, which
 *   the profile must then have
 *
 * Like mutual_renewal_enroll_async(), and keeps @pkcs12_password in the keyring
 * (mutual_identity_store_set_output_password_async()) as soon as the identity is
 * stored and has its id, before the output files are written and the command runs:
 * the command finds the PKCS#12 file written. When the password cannot be stored,
 * the identity stays enrolled, and the enrollment fails like one whose files could
 * not be written. Finish with mutual_renewal_enroll_finish(). The password is copied
 * and the copy wiped when no longer needed.
 */
void
mutual_renewal_enroll_full_async (MutualIdentityStore *store,
                                  MutualCaClient      *client,
                                  MutualCaEnrollment  *enrollment,
                                  const char          *label,
                                  const char          *pkcs12_password,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_return_if_fail (MUTUAL_IS_IDENTITY_STORE (store));
  g_return_if_fail (MUTUAL_IS_CA_CLIENT (client));
  g_return_if_fail (enrollment != NULL);
  g_return_if_fail (pkcs12_password == NULL ||
                    mutual_ca_profile_get_pkcs12_output (mutual_ca_client_get_profile (client)) != NULL);

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, mutual_renewal_enroll_async);
  job = job_new (store, NULL);
  job->client = g_object_ref (client);
  job->label = g_strdup (label);
  job->subject = g_strdup (enrollment->subject);
  job_give_password (job, pkcs12_password);
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

  job = job_new (store, identity);
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

/* Changing the profile */

static void
profile_files_failed (GTask  *task,
                      GError *error)
{
  Job *job = g_task_get_task_data (task);

  g_prefix_error (&error, _("The renewal settings of “%s” were saved, but its files were not written: "),
                  mutual_identity_get_label (job->result));
  g_task_return_error (task, error);
}

static void
profile_outputs (GTask *task)
{
  Job *job = g_task_get_task_data (task);
  GError *error = NULL;

  if (!write_outputs (job, job->new_profile, &error))
    {
      profile_files_failed (task, error);
      return;
    }
  g_task_return_pointer (task, g_object_ref (job->result), g_object_unref);
}

static void
profile_credentials_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Job *job = g_task_get_task_data (task);
  GError *error = NULL;

  job->issued = mutual_identity_store_load_credentials_finish (job->store, result, &error);
  if (job->issued == NULL)
    {
      profile_files_failed (task, error);
      return;
    }
  profile_outputs (task);
}

static void
profile_load_credentials (GTask *task)
{
  Job *job = g_task_get_task_data (task);

  mutual_identity_store_load_credentials_async (job->store, job->result, g_task_get_cancellable (task),
                                                profile_credentials_cb, g_object_ref (task));
}

/* The saved profile's files, written now rather than at the next renewal: the tools
 * that read them can start using them. The command runs after renewals only. */
static void
profile_write_files (GTask *task)
{
  Job *job = g_task_get_task_data (task);

  if (mutual_ca_profile_get_certificate_output (job->new_profile) == NULL &&
      mutual_ca_profile_get_key_output (job->new_profile) == NULL &&
      mutual_ca_profile_get_pkcs12_output (job->new_profile) == NULL)
    {
      g_task_return_pointer (task, g_object_ref (job->result), g_object_unref);
      return;
    }
  /* A password given with the profile is stored first, so that it is kept even when
   * the files cannot be written now. */
  read_password_then (task, job->new_profile, profile_load_credentials);
}

static void
password_forgotten_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Job *job = g_task_get_task_data (task);
  GError *error = NULL;

  if (!mutual_identity_store_set_output_password_finish (job->store, result, &error))
    {
      g_prefix_error (&error, _("The renewal settings of “%s” were saved, but the password of its "
                                "PKCS#12 file was not deleted from the keyring: "),
                      mutual_identity_get_label (job->result));
      g_task_return_error (task, error);
      return;
    }
  profile_write_files (task);
}

static void
profile_stored_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Job *job = g_task_get_task_data (task);
  GError *error = NULL;

  job->result = mutual_identity_store_set_ca_profile_finish (job->store, result, &error);
  if (job->result == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* A profile without a PKCS#12 output keeps no password for one. Deleted only now:
   * until the profile was saved, renewals still wrote the file. */
  if (mutual_ca_profile_get_pkcs12_output (job->new_profile) == NULL)
    {
      mutual_identity_store_set_output_password_async (job->store, job->result, MUTUAL_OUTPUT_PASSWORD_PKCS12,
                                                       NULL, g_task_get_cancellable (task),
                                                       password_forgotten_cb, g_object_ref (task));
      return;
    }
  profile_write_files (task);
}

/**
 * mutual_renewal_set_profile_async:
 * @identity: an identity enrolled with a CA
 * @profile: its new profile (a changed copy of its own, from mutual_ca_profile_copy())
 *
 * Changes how an identity is renewed (policy, output files, command), with
 * mutual_identity_store_set_ca_profile_async(), while holding the identity's renewal
 * lock: fails with %MUTUAL_CA_ERROR_BUSY while a renewal of it runs, here or in
 * another process. When the new profile names output files, they are written at once.
 * When it has no PKCS#12 output, the password kept for one is deleted.
 */
void
mutual_renewal_set_profile_async (MutualIdentityStore *store,
                                  MutualIdentity      *identity,
                                  MutualCaProfile     *profile,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  mutual_renewal_set_profile_full_async (store, identity, profile, NULL, cancellable, callback, user_data);
}

/**
 * mutual_renewal_set_profile_full_async:
 * @identity: an identity enrolled with a CA
 * @profile: its new profile (a changed copy of its own, from mutual_ca_profile_copy())
 * @pkcs12_password: (nullable): a new password for the profile's PKCS#12 output,
 *   which @profile must then have
 *
 * Like mutual_renewal_set_profile_async(), and keeps @pkcs12_password in the keyring
 * once the profile is saved, before the files are written: when the profile cannot
 * be saved, the password stored before stays as it was. When the password cannot be
 * stored, the change fails like one whose files could not be written. Finish with
 * mutual_renewal_set_profile_finish(). The password is copied and the copy wiped when
 * no longer needed.
 */
void
mutual_renewal_set_profile_full_async (MutualIdentityStore *store,
                                       MutualIdentity      *identity,
                                       MutualCaProfile     *profile,
                                       const char          *pkcs12_password,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  Job *job;

  g_return_if_fail (MUTUAL_IS_IDENTITY_STORE (store));
  g_return_if_fail (MUTUAL_IS_IDENTITY (identity));
  g_return_if_fail (MUTUAL_IS_CA_PROFILE (profile));
  g_return_if_fail (pkcs12_password == NULL || mutual_ca_profile_get_pkcs12_output (profile) != NULL);

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, mutual_renewal_set_profile_async);
  job = job_new (store, identity);
  job->new_profile = mutual_ca_profile_copy (profile);
  job_give_password (job, pkcs12_password);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  if (mutual_identity_get_ca_profile (identity) == NULL)
    {
      g_task_return_new_error (task, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_NO_PROFILE,
                               _("“%s” was imported, not enrolled with a CA: it has no renewal to "
                                 "change"), mutual_identity_get_label (identity));
      return;
    }
  job->lock_fd = lock_identity (identity, &error);
  if (job->lock_fd < 0)
    {
      g_task_return_error (task, error);
      return;
    }
  mutual_identity_store_set_ca_profile_async (store, identity, profile, cancellable, profile_stored_cb,
                                              g_steal_pointer (&task));
}

/**
 * mutual_renewal_set_profile_finish:
 *
 * Returns: (transfer full): the identity as now stored, with its new profile
 */
MutualIdentity *
mutual_renewal_set_profile_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mutual_renewal_set_profile_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * mutual_renewal_get_hook_status:
 * @result: the result given to the callback of an enrollment or a renewal
 *
 * Returns: the exit status of the identity's hook (128 + the signal when a signal
 *   ended it), or -1 when no hook ran
 */
int
mutual_renewal_get_hook_status (GAsyncResult *result)
{
  Job *job;

  g_return_val_if_fail (G_IS_TASK (result), -1);

  job = g_task_get_task_data (G_TASK (result));
  return job ? job->hook_status : -1;
}

/**
 * mutual_renewal_get_hook_timed_out:
 * @result: the result given to the callback of an enrollment or a renewal
 *
 * Returns: whether the identity's hook ran longer than its profile allows and was
 *   stopped (its status then says how it ended)
 */
gboolean
mutual_renewal_get_hook_timed_out (GAsyncResult *result)
{
  Job *job;

  g_return_val_if_fail (G_IS_TASK (result), FALSE);

  job = g_task_get_task_data (G_TASK (result));
  return job ? job->hook_timed_out : FALSE;
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
