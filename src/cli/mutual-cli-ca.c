/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <string.h>
#include <unistd.h>

#include "mutual-cli.h"

/* mutualctl enroll and renew: identities obtained from a certificate authority. */

#define MAX_TOKEN_LENGTH (16 * 1024)

/**
 * mutual_cli_ca_exit_code_for:
 * @error: an error of the %MUTUAL_CA_ERROR domain
 */
int
mutual_cli_ca_exit_code_for (const GError *error)
{
  switch ((MutualCaError) error->code)
    {
    case MUTUAL_CA_ERROR_UNREACHABLE:
    case MUTUAL_CA_ERROR_TIMED_OUT:
      return MUTUAL_EXIT_UNAVAILABLE;
    case MUTUAL_CA_ERROR_NO_PROVISIONER:
    case MUTUAL_CA_ERROR_NO_PROFILE:
      return MUTUAL_EXIT_INPUT;
    case MUTUAL_CA_ERROR_TLS_FAILED:
    case MUTUAL_CA_ERROR_FINGERPRINT_MISMATCH:
    case MUTUAL_CA_ERROR_UNAUTHORIZED:
    case MUTUAL_CA_ERROR_FORBIDDEN:
    case MUTUAL_CA_ERROR_BAD_REQUEST:
    case MUTUAL_CA_ERROR_CLOCK_SKEW:
    case MUTUAL_CA_ERROR_SERVER_ERROR:
    case MUTUAL_CA_ERROR_MALFORMED:
    case MUTUAL_CA_ERROR_REJECTED_CERTIFICATE:
    case MUTUAL_CA_ERROR_REENROLL_NEEDED:
    case MUTUAL_CA_ERROR_UNSUPPORTED:
    case MUTUAL_CA_ERROR_BUSY:
    default:
      return MUTUAL_EXIT_FAILED;
    }
}

static int
fail (MutualCli    *cli,
      const GError *error)
{
  return mutual_cli_fail (cli, mutual_cli_exit_code_for (error), error);
}

/* A token is a secret like a password: read from a file, never echoed. */
static char *
read_token_file (const char  *path,
                 GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  char *token;

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  if (length > MAX_TOKEN_LENGTH)
    {
      explicit_bzero (contents, length);
      g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_TOO_LARGE, _("%s is too large to hold a token"), path);
      return NULL;
    }
  token = g_strdup (g_strstrip (contents));
  explicit_bzero (contents, length);
  return token;
}

/* A password typed or read from a file, wiped when freed. */
typedef char MutualCliPassword;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MutualCliPassword, mutual_cli_free_password)

/* The PKCS#12 output's password: read from a file, or typed twice at the terminal;
 * never an argument, which every user of the system can read. */
static MutualCliPassword *
read_pkcs12_password (MutualCli  *cli,
                      const char *password_file,
                      int        *exit_code)
{
  g_autoptr(MutualCliPassword) password = NULL;
  g_autoptr(MutualCliPassword) again = NULL;
  g_autoptr(GError) error = NULL;

  if (password_file != NULL)
    {
      password = mutual_cli_read_password_file (password_file, &error);
      if (password == NULL)
        {
          *exit_code = mutual_cli_fail (cli, MUTUAL_EXIT_INPUT, error);
          return NULL;
        }
    }
  else if (isatty (STDIN_FILENO))
    {
      password = mutual_cli_prompt_password (_("Password of the PKCS#12 file: "));
      if (password != NULL)
        again = mutual_cli_prompt_password (_("The same password again: "));
      if (password == NULL || again == NULL || !g_str_equal (password, again))
        {
          *exit_code = mutual_cli_usage_error (cli, again != NULL ? _("The two passwords differ")
                                                                  : _("No password was typed"));
          return NULL;
        }
    }
  else
    {
      *exit_code = mutual_cli_usage_error (cli, _("--out-p12 needs a password, and standard input is not a "
                                                  "terminal to type it: give --p12-password-file FILE"));
      return NULL;
    }
  if (password[0] == '\0')
    {
      *exit_code = mutual_cli_usage_error (cli, _("The password of the PKCS#12 file cannot be empty"));
      return NULL;
    }
  return g_steal_pointer (&password);
}

static char *
describe_validity (MutualIdentity *identity)
{
  return mutual_validity_describe (mutual_identity_get_validity (identity), g_get_real_time () / G_USEC_PER_SEC,
                                   FALSE);
}

static void
print_identity (MutualIdentity *identity,
                const char     *headline)
{
  g_autofree char *due = mutual_format_time (mutual_renewal_get_due (identity));

  mutual_cli_print ("%s\n", headline);
  /* Translators: %s is a date and time. */
  mutual_cli_print (_("Next renewal due: %s"), due);
  mutual_cli_print ("\n");
}

static void
print_hook_status (GAsyncResult *result)
{
  int status = mutual_renewal_get_hook_status (result);

  if (status < 0)
    return;
  if (mutual_renewal_get_hook_timed_out (result))
    /* Translators: %d is the exit status of the command run after a renewal. */
    mutual_cli_print (_("The command run afterwards did not finish in time and was stopped (status %d)"),
                      status);
  else
    /* Translators: %d is the exit status of the command run after a renewal. */
    mutual_cli_print (_("The command run afterwards exited with status %d"), status);
  mutual_cli_print ("\n");
}

static void
hook_json (MutualJson   *json,
           GAsyncResult *result)
{
  if (mutual_renewal_get_hook_status (result) >= 0)
    mutual_json_int (json, "hook_status", mutual_renewal_get_hook_status (result));
  else
    mutual_json_null (json, "hook_status");
  mutual_json_boolean (json, "hook_timed_out", mutual_renewal_get_hook_timed_out (result));
}

static gboolean
parse_hook_timeout (const char  *text,
                    guint       *seconds,
                    GError     **error)
{
  guint64 value = 0;

  if (!g_ascii_string_to_unsigned (text, 10, 1, 24 * 3600, &value, NULL))
    {
      g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a timeout for the command: give seconds, from 1 to 86400"), text);
      return FALSE;
    }
  *seconds = (guint) value;
  return TRUE;
}

static void
identity_json (MutualJson     *json,
               MutualIdentity *identity)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *due = mutual_format_time_iso8601 (mutual_renewal_get_due (identity));

  mutual_identity_to_json (identity, json, "identity", now);
  mutual_ca_profile_to_json (mutual_identity_get_ca_profile (identity), json, "ca");
  mutual_json_string (json, "renew_at", due);
}

/* enroll */

static int
run_enroll (MutualCli  *cli,
            int         argc,
            char      **argv)
{
  g_autofree char *url = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *token_text = NULL;
  g_autofree char *token_file = NULL;
  g_autofree char *provisioner = NULL;
  g_autofree char *password_file = NULL;
  g_autofree char *subject = NULL;
  g_auto(GStrv) sans = NULL;
  g_autofree char *label = NULL;
  g_autofree char *key_type_text = NULL;
  g_autofree char *policy = NULL;
  g_autofree char *out_cert = NULL;
  g_autofree char *out_key = NULL;
  g_autofree char *out_p12 = NULL;
  g_autofree char *p12_password_file = NULL;
  g_autofree char *hook = NULL;
  g_autofree char *hook_timeout_text = NULL;
  guint hook_timeout = 0;
  int timeout = 0;
  const GOptionEntry entries[] = {
    { "ca-url", 0, 0, G_OPTION_ARG_STRING, &url, N_("The CA's URL, e.g. https://ca.example.com"), N_("URL") },
    { "fingerprint", 0, 0, G_OPTION_ARG_STRING, &fingerprint,
      N_("The SHA-256 fingerprint of the CA's root"), N_("FP") },
    { "token", 0, 0, G_OPTION_ARG_STRING, &token_text,
      N_("A one-time token (it shows in the process list: prefer --token-file)"), N_("TOKEN") },
    { "token-file", 0, 0, G_OPTION_ARG_FILENAME, &token_file, N_("Read the one-time token from FILE"),
      N_("FILE") },
    { "provisioner", 0, 0, G_OPTION_ARG_STRING, &provisioner,
      N_("The JWK provisioner that makes the token"), N_("NAME") },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file,
      N_("Read the provisioner's password from FILE (its first line)"), N_("FILE") },
    { "subject", 0, 0, G_OPTION_ARG_STRING, &subject, N_("The certificate's common name"), N_("CN") },
    { "san", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sans,
      N_("A subject alternative name: DNS name, IP address, e-mail or URI (repeat; default: "
         "those of the token, or the subject)"), N_("SAN") },
    { "label", 0, 0, G_OPTION_ARG_STRING, &label, N_("Name the identity LABEL (default: the subject)"),
      N_("LABEL") },
    { "key-type", 0, 0, G_OPTION_ARG_STRING, &key_type_text,
      N_("The key to generate: p256 (default), rsa2048 or ed25519"), N_("TYPE") },
    { "renew-at", 0, 0, G_OPTION_ARG_STRING, &policy,
      N_("When to renew: a fraction of the lifetime (2/3, the default; 0.75; 75%) or a time "
         "before expiry (8h, 30m)"), N_("POLICY") },
    { "out-cert", 0, 0, G_OPTION_ARG_FILENAME, &out_cert,
      N_("After enrollment and each renewal, write the certificate and its chain to FILE"), N_("FILE") },
    { "out-key", 0, 0, G_OPTION_ARG_FILENAME, &out_key,
      N_("After enrollment and each renewal, write the private key, unencrypted, to FILE (mode 0600)"),
      N_("FILE") },
    { "out-p12", 0, 0, G_OPTION_ARG_FILENAME, &out_p12,
      N_("After enrollment and each renewal, write the certificate, its chain and the key to FILE as "
         "PKCS#12, protected by a password kept in the keyring"), N_("FILE") },
    { "p12-password-file", 0, 0, G_OPTION_ARG_FILENAME, &p12_password_file,
      N_("Read the password of the --out-p12 file from FILE (its first line; default: ask twice)"),
      N_("FILE") },
    { "exec", 0, 0, G_OPTION_ARG_STRING, &hook,
      N_("After enrollment and each renewal, run COMMAND with the shell"), N_("COMMAND") },
    { "exec-timeout", 0, 0, G_OPTION_ARG_STRING, &hook_timeout_text,
      N_("Stop the command, and all it started, after SECONDS (default 120)"), N_("SECONDS") },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout,
      N_("Wait at most SECONDS for the CA (default 30)"), N_("SECONDS") },
    { NULL }
  };
  g_autoptr(MutualCaProfile) profile = NULL;
  g_autoptr(MutualCaClient) client = NULL;
  g_autoptr(MutualCaEnrollment) enrollment = NULL;
  g_autoptr(MutualIdentityStore) store = NULL;
  g_autoptr(MutualIdentity) identity = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MutualCliPassword) p12_password = NULL;
  MutualKeyType key_type = MUTUAL_KEY_TYPE_P256;
  g_autofree char *when = NULL;
  g_autofree char *headline = NULL;
  int exit_code;

  if (!mutual_cli_parse (cli, entries, &argc, &argv, &exit_code))
    return exit_code;
  if (argc > 1)
    return mutual_cli_usage_error (cli, _("Unexpected argument “%s”"), argv[1]);
  if (url == NULL || fingerprint == NULL || subject == NULL)
    return mutual_cli_usage_error (cli, _("Give --ca-url, --fingerprint and --subject"));
  if ((token_text != NULL) + (token_file != NULL) + (password_file != NULL) != 1)
    return mutual_cli_usage_error (cli, _("Give either a token (--token or --token-file) or "
                                          "--provisioner with --password-file"));
  if (password_file != NULL && provisioner == NULL)
    return mutual_cli_usage_error (cli, _("--password-file needs --provisioner"));
  if (key_type_text != NULL && !mutual_key_type_from_string (key_type_text, &key_type))
    return mutual_cli_usage_error (cli, _("Unknown key type “%s”: give p256, rsa2048 or ed25519"),
                                   key_type_text);
  if (timeout < 0)
    return mutual_cli_usage_error (cli, _("The timeout cannot be negative"));
  if (label != NULL && label[0] == '\0')
    return mutual_cli_usage_error (cli, _("The label cannot be empty"));
  if (hook_timeout_text != NULL && !parse_hook_timeout (hook_timeout_text, &hook_timeout, &error))
    return mutual_cli_usage_error (cli, "%s", error->message);
  if (p12_password_file != NULL && out_p12 == NULL)
    return mutual_cli_usage_error (cli, _("--p12-password-file needs --out-p12"));
  /* Asked before the CA is: a token is spent by the enrollment. */
  if (out_p12 != NULL && (p12_password = read_pkcs12_password (cli, p12_password_file, &exit_code)) == NULL)
    return exit_code;

  profile = mutual_ca_profile_new (MUTUAL_CA_KIND_STEP_CA, url, fingerprint, provisioner, &error);
  if (profile == NULL || (policy != NULL && !mutual_ca_profile_set_renew_policy (profile, policy, &error)))
    return mutual_cli_usage_error (cli, "%s", error->message);
  /* Absolute paths: the agent may run from another folder. */
  {
    g_autofree char *cert_path = out_cert ? g_canonicalize_filename (out_cert, NULL) : NULL;
    g_autofree char *key_path = out_key ? g_canonicalize_filename (out_key, NULL) : NULL;
    g_autofree char *p12_path = out_p12 ? g_canonicalize_filename (out_p12, NULL) : NULL;

    mutual_ca_profile_set_outputs (profile, cert_path, key_path, hook);
    mutual_ca_profile_set_pkcs12_output (profile, p12_path);
  }
  mutual_ca_profile_set_hook_timeout (profile, hook_timeout);

  enrollment = mutual_ca_enrollment_new (subject);
  enrollment->key_type = key_type;
  enrollment->sans = g_steal_pointer (&sans);
  if (token_text != NULL)
    {
      enrollment->token = g_strdup (token_text);
      explicit_bzero (token_text, strlen (token_text));
    }
  else if (token_file != NULL)
    {
      enrollment->token = read_token_file (token_file, &error);
      if (enrollment->token == NULL)
        return mutual_cli_fail (cli, MUTUAL_EXIT_INPUT, error);
    }
  else
    {
      char *password = mutual_cli_read_password_file (password_file, &error);

      if (password == NULL)
        return mutual_cli_fail (cli, MUTUAL_EXIT_INPUT, error);
      enrollment->password = g_strdup (password);
      mutual_cli_free_password (password);
    }

  client = mutual_ca_client_new_for_profile (profile, &error);
  if (client == NULL)
    return fail (cli, error);
  mutual_ca_client_set_timeout (client, timeout);
  /* The CA is verified against its pinned root: the system's trust store, which GIO
   * would load for every connection, is not needed. */
  mutual_ca_client_trust_nothing_by_default ();
  store = mutual_identity_store_new ();
  /* The password is stored by the enrollment, under the identity's id, before the
   * files are written and the command runs. */
  mutual_renewal_enroll_full_async (store, client, g_steal_pointer (&enrollment), label, p12_password, NULL,
                                    mutual_cli_result_cb, &result);
  mutual_cli_wait (&result);
  identity = mutual_renewal_enroll_finish (result, &error);
  if (identity == NULL)
    return fail (cli, error);

  if (mutual_cli_get_json (cli))
    {
      MutualJson *json = mutual_cli_json_begin (cli, "mutualctl.enroll/1");

      identity_json (json, identity);
      hook_json (json, result);
      mutual_cli_json_end (cli, json);
      return MUTUAL_EXIT_OK;
    }
  when = describe_validity (identity);
  /* Translators: e.g. "Enrolled “alice” as id k3m9x2pq; it expires in 23 h 59 min". */
  headline = g_strdup_printf (_("Enrolled “%s” as id %s; it %s"), mutual_identity_get_label (identity),
                              mutual_identity_get_id (identity), when);
  print_identity (identity, headline);
  print_hook_status (result);
  return MUTUAL_EXIT_OK;
}

/* renew */

static int
run_renew (MutualCli  *cli,
           int         argc,
           char      **argv)
{
  gboolean force = FALSE;
  gboolean rekey = FALSE;
  int timeout = 0;
  const GOptionEntry entries[] = {
    { "force", 0, 0, G_OPTION_ARG_NONE, &force,
      N_("Renew now, even when the renewal is not due yet"), NULL },
    { "rekey", 0, 0, G_OPTION_ARG_NONE, &rekey,
      N_("Generate a new key of the same type and certify it instead"), NULL },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout,
      N_("Wait at most SECONDS for the CA (default 30)"), N_("SECONDS") },
    { NULL }
  };
  g_autoptr(MutualIdentityStore) store = NULL;
  g_autoptr(MutualIdentity) identity = NULL;
  g_autoptr(MutualIdentity) renewed = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *when = NULL;
  g_autofree char *headline = NULL;
  gint64 due;
  int exit_code;

  if (!mutual_cli_parse (cli, entries, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    return mutual_cli_usage_error (cli, argc < 2 ? _("Give the id or label of the identity to renew")
                                                 : _("Renew one identity at a time"));
  if (timeout < 0)
    return mutual_cli_usage_error (cli, _("The timeout cannot be negative"));

  /* No listing of every identity: the one asked for is found by its attributes. */
  store = mutual_identity_store_new ();
  identity = mutual_cli_find_identity (store, argv[1], &error);
  if (identity == NULL)
    return fail (cli, error);
  if (mutual_identity_get_ca_profile (identity) == NULL)
    {
      g_set_error (&error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_NO_PROFILE,
                   _("“%s” was imported, not enrolled with a CA: it cannot be renewed"),
                   mutual_identity_get_label (identity));
      return fail (cli, error);
    }

  due = mutual_renewal_get_due (identity);
  if (!force && !rekey && now < due)
    {
      when = mutual_format_time (due);

      if (mutual_cli_get_json (cli))
        {
          MutualJson *json = mutual_cli_json_begin (cli, "mutualctl.renew/1");

          mutual_json_boolean (json, "renewed", FALSE);
          identity_json (json, identity);
          mutual_cli_json_end (cli, json);
          return MUTUAL_EXIT_OK;
        }
      /* Translators: the first %s is a label, the second a date and time. */
      mutual_cli_print (_("“%s” is not due for renewal before %s: nothing done (--force renews now)"),
                        mutual_identity_get_label (identity), when);
      mutual_cli_print ("\n");
      return MUTUAL_EXIT_OK;
    }

  mutual_ca_client_trust_nothing_by_default ();
  mutual_renewal_renew_async (store, identity, rekey ? MUTUAL_CA_RENEWAL_REKEY : MUTUAL_CA_RENEWAL_RENEW,
                              timeout, NULL, mutual_cli_result_cb, &result);
  mutual_cli_wait (&result);
  renewed = mutual_renewal_renew_finish (result, &error);
  /* A refusal to start (another renewal runs) is not an attempt. */
  if (!g_error_matches (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_BUSY))
    mutual_renewal_records_note_full (identity, renewed, error, mutual_renewal_get_hook_status (result),
                                      mutual_renewal_get_hook_timed_out (result));
  if (renewed == NULL)
    return fail (cli, error);

  if (mutual_cli_get_json (cli))
    {
      MutualJson *json = mutual_cli_json_begin (cli, "mutualctl.renew/1");

      mutual_json_boolean (json, "renewed", TRUE);
      mutual_json_boolean (json, "rekeyed", rekey);
      identity_json (json, renewed);
      hook_json (json, result);
      mutual_json_begin_object (json, "previous");
      mutual_json_string (json, "sha256", mutual_identity_get_sha256 (identity));
      mutual_json_int (json, "generation", mutual_identity_get_generation (identity));
      mutual_json_end_object (json);
      mutual_cli_json_end (cli, json);
      return MUTUAL_EXIT_OK;
    }
  when = describe_validity (renewed);
  if (rekey)
    headline = g_strdup_printf (_("Rekeyed “%s” (id %s); it %s"), mutual_identity_get_label (renewed),
                                mutual_identity_get_id (renewed), when);
  else
    /* Translators: e.g. "Renewed “alice” (id k3m9x2pq); it expires in 23 h 59 min". */
    headline = g_strdup_printf (_("Renewed “%s” (id %s); it %s"), mutual_identity_get_label (renewed),
                                mutual_identity_get_id (renewed), when);
  print_identity (renewed, headline);
  print_hook_status (result);
  return MUTUAL_EXIT_OK;
}

/* set-renewal */

static void
print_profile (MutualIdentity *identity)
{
  MutualCaProfile *profile = mutual_identity_get_ca_profile (identity);
  g_autofree char *policy = mutual_ca_profile_get_renew_policy (profile);
  g_autofree char *due = mutual_format_time (mutual_renewal_get_due (identity));
  const char *none = _("none");

  /* Translators: %s is a label, then an id. */
  mutual_cli_print (_("Renewal of “%s” (id %s)"), mutual_identity_get_label (identity),
                    mutual_identity_get_id (identity));
  mutual_cli_print ("\n");
  mutual_cli_print ("    %-17s %s (%s)\n", _("Renew at"), policy, due);
  mutual_cli_print ("    %-17s %s\n", _("Certificate file"),
                    mutual_ca_profile_get_certificate_output (profile) ?: none);
  mutual_cli_print ("    %-17s %s\n", _("Key file"), mutual_ca_profile_get_key_output (profile) ?: none);
  mutual_cli_print ("    %-17s %s\n", _("PKCS#12 file"), mutual_ca_profile_get_pkcs12_output (profile) ?: none);
  if (mutual_ca_profile_get_hook (profile) != NULL)
    {
      /* Translators: a command, then how long it may run. */
      mutual_cli_print ("    %-17s %s ", _("Command"), mutual_ca_profile_get_hook (profile));
      mutual_cli_print (_("(stopped after %u s)"), mutual_ca_profile_get_hook_timeout (profile));
      mutual_cli_print ("\n");
    }
  else
    {
      mutual_cli_print ("    %-17s %s\n", _("Command"), none);
    }
}

static int
run_set_renewal (MutualCli  *cli,
                 int         argc,
                 char      **argv)
{
  g_autofree char *policy = NULL;
  g_autofree char *out_cert = NULL;
  g_autofree char *out_key = NULL;
  g_autofree char *hook = NULL;
  g_autofree char *hook_timeout_text = NULL;
  g_autofree char *out_p12 = NULL;
  g_autofree char *p12_password_file = NULL;
  gboolean no_outputs = FALSE;
  gboolean no_exec = FALSE;
  const GOptionEntry entries[] = {
    { "renew-at", 0, 0, G_OPTION_ARG_STRING, &policy,
      N_("When to renew: a fraction of the lifetime (2/3, 0.75, 75%) or a time before expiry "
         "(8h, 30m)"), N_("POLICY") },
    { "out-cert", 0, 0, G_OPTION_ARG_FILENAME, &out_cert,
      N_("After each renewal, write the certificate and its chain to FILE (written now too)"),
      N_("FILE") },
    { "out-key", 0, 0, G_OPTION_ARG_FILENAME, &out_key,
      N_("After each renewal, write the private key, unencrypted, to FILE (mode 0600; written now too)"),
      N_("FILE") },
    { "out-p12", 0, 0, G_OPTION_ARG_FILENAME, &out_p12,
      N_("After each renewal, write the certificate, its chain and the key to FILE as PKCS#12, "
         "protected by a password kept in the keyring (written now too)"), N_("FILE") },
    { "p12-password-file", 0, 0, G_OPTION_ARG_FILENAME, &p12_password_file,
      N_("Read the password of the --out-p12 file from FILE (its first line; default: ask twice)"),
      N_("FILE") },
    { "no-outputs", 0, 0, G_OPTION_ARG_NONE, &no_outputs,
      N_("Stop writing files after renewals and forget the PKCS#12 password (the files already "
         "written stay)"), NULL },
    { "exec", 0, 0, G_OPTION_ARG_STRING, &hook,
      N_("After each renewal, run COMMAND with the shell"), N_("COMMAND") },
    { "exec-timeout", 0, 0, G_OPTION_ARG_STRING, &hook_timeout_text,
      N_("Stop the command, and all it started, after SECONDS (default 120)"), N_("SECONDS") },
    { "no-exec", 0, 0, G_OPTION_ARG_NONE, &no_exec, N_("Run no command after renewals"), NULL },
    { NULL }
  };
  g_autoptr(MutualIdentityStore) store = NULL;
  g_autoptr(MutualIdentity) identity = NULL;
  g_autoptr(MutualIdentity) changed = NULL;
  g_autoptr(MutualCaProfile) profile = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MutualCliPassword) p12_password = NULL;
  guint hook_timeout = 0;
  int exit_code;

  if (!mutual_cli_parse (cli, entries, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    return mutual_cli_usage_error (cli, argc < 2 ? _("Give the id or label of the identity to change")
                                                 : _("Change one identity at a time"));
  if (policy == NULL && out_cert == NULL && out_key == NULL && out_p12 == NULL && !no_outputs && hook == NULL &&
      hook_timeout_text == NULL && !no_exec)
    return mutual_cli_usage_error (cli, _("Say what to change: --renew-at, --out-cert, --out-key, --out-p12, "
                                          "--no-outputs, --exec, --exec-timeout or --no-exec"));
  if (no_outputs && (out_cert != NULL || out_key != NULL || out_p12 != NULL))
    return mutual_cli_usage_error (cli, _("--no-outputs cannot go with --out-cert, --out-key or --out-p12"));
  if (p12_password_file != NULL && out_p12 == NULL)
    return mutual_cli_usage_error (cli, _("--p12-password-file needs --out-p12"));
  if (no_exec && (hook != NULL || hook_timeout_text != NULL))
    return mutual_cli_usage_error (cli, _("--no-exec cannot go with --exec or --exec-timeout"));
  if (hook != NULL && hook[0] == '\0')
    return mutual_cli_usage_error (cli, _("The command cannot be empty: to run none, give --no-exec"));
  if (hook_timeout_text != NULL && !parse_hook_timeout (hook_timeout_text, &hook_timeout, &error))
    return mutual_cli_usage_error (cli, "%s", error->message);

  store = mutual_identity_store_new ();
  identity = mutual_cli_find_identity (store, argv[1], &error);
  if (identity == NULL)
    return fail (cli, error);
  if (mutual_identity_get_ca_profile (identity) == NULL)
    {
      g_set_error (&error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_NO_PROFILE,
                   _("“%s” was imported, not enrolled with a CA: it has no renewal to change"),
                   mutual_identity_get_label (identity));
      return fail (cli, error);
    }

  profile = mutual_ca_profile_copy (mutual_identity_get_ca_profile (identity));
  if (policy != NULL && !mutual_ca_profile_set_renew_policy (profile, policy, &error))
    return mutual_cli_usage_error (cli, "%s", error->message);
  {
    /* Absolute paths: the agent may run from another folder. */
    g_autofree char *cert_path = out_cert ? g_canonicalize_filename (out_cert, NULL)
                                 : no_outputs ? NULL
                                 : g_strdup (mutual_ca_profile_get_certificate_output (profile));
    g_autofree char *key_path = out_key ? g_canonicalize_filename (out_key, NULL)
                                : no_outputs ? NULL
                                : g_strdup (mutual_ca_profile_get_key_output (profile));
    g_autofree char *command = hook ? g_strdup (hook)
                               : no_exec ? NULL
                               : g_strdup (mutual_ca_profile_get_hook (profile));

    if (hook_timeout_text != NULL && command == NULL)
      return mutual_cli_usage_error (cli, _("“%s” runs no command: give --exec with --exec-timeout"),
                                     mutual_identity_get_label (identity));
    mutual_ca_profile_set_outputs (profile, cert_path, key_path, command);
  }
  if (hook_timeout_text != NULL)
    mutual_ca_profile_set_hook_timeout (profile, hook_timeout);
  if (out_p12 != NULL)
    {
      g_autofree char *p12_path = g_canonicalize_filename (out_p12, NULL);

      mutual_ca_profile_set_pkcs12_output (profile, p12_path);
      p12_password = read_pkcs12_password (cli, p12_password_file, &exit_code);
      if (p12_password == NULL)
        return exit_code;
    }
  else if (no_outputs)
    {
      mutual_ca_profile_set_pkcs12_output (profile, NULL);
    }

  /* The password is stored only once the profile is saved, before the file is
   * written with it. */
  mutual_renewal_set_profile_full_async (store, identity, profile, p12_password, NULL, mutual_cli_result_cb,
                                         &result);
  mutual_cli_wait (&result);
  changed = mutual_renewal_set_profile_finish (result, &error);
  if (changed == NULL)
    return fail (cli, error);

  if (mutual_cli_get_json (cli))
    {
      MutualJson *json = mutual_cli_json_begin (cli, "mutualctl.set-renewal/1");

      identity_json (json, changed);
      mutual_json_int (json, "generation", mutual_identity_get_generation (changed));
      mutual_json_int (json, "previous_generation", mutual_identity_get_generation (identity));
      mutual_cli_json_end (cli, json);
      return MUTUAL_EXIT_OK;
    }
  print_profile (changed);
  return MUTUAL_EXIT_OK;
}

/* status */

static const char *
reachable_text (int reachable)
{
  return reachable > 0 ? _("reachable") : reachable == 0 ? _("unreachable") : _("unknown");
}

static void
status_json (MutualJson          *json,
             MutualIdentity      *identity,
             MutualRenewalRecord *record,
             gint64               next,
             gboolean             planned)
{
  g_autofree char *next_text = next > 0 ? mutual_format_time_iso8601 (next) : NULL;
  g_autofree char *attempt = record && record->last_attempt ? mutual_format_time_iso8601 (record->last_attempt)
                                                              : NULL;
  g_autofree char *success = record && record->last_success ? mutual_format_time_iso8601 (record->last_success)
                                                              : NULL;

  mutual_json_begin_object (json, NULL);
  identity_json (json, identity);
  mutual_json_string (json, "next_renewal", next_text);
  mutual_json_boolean (json, "planned_by_agent", planned);
  mutual_json_string (json, "last_attempt", attempt);
  mutual_json_string (json, "last_success", success);
  if (record != NULL && record->last_attempt > 0)
    mutual_json_string (json, "last_result", record->last_ok ? "ok" : "failed");
  else
    mutual_json_null (json, "last_result");
  if (record != NULL && record->last_error != NULL)
    mutual_cli_json_add_error (json, "last_error", record->last_error_domain, record->last_error_code,
                               record->last_error);
  else
    mutual_json_null (json, "last_error");
  if (record != NULL && record->ca_reachable >= 0)
    mutual_json_boolean (json, "ca_reachable", record->ca_reachable > 0);
  else
    mutual_json_null (json, "ca_reachable");
  mutual_json_int (json, "failures", record ? record->failures : 0);
  if (record != NULL && record->hook_status >= 0)
    mutual_json_int (json, "hook_status", record->hook_status);
  else
    mutual_json_null (json, "hook_status");
  mutual_json_boolean (json, "hook_timed_out", record != NULL && record->hook_timed_out);
  mutual_json_boolean (json, "reenroll_needed", record != NULL && record->reenroll_needed);
  mutual_json_end_object (json);
}

static int
run_status (MutualCli  *cli,
            int         argc,
            char      **argv)
{
  g_autoptr(MutualIdentityStore) store = NULL;
  g_autoptr(GHashTable) records = NULL;
  g_autoptr(GError) error = NULL;
  MutualJson *json = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gboolean problems = FALSE;
  guint shown = 0;
  int exit_code;

  if (!mutual_cli_parse (cli, NULL, &argc, &argv, &exit_code))
    return exit_code;
  if (argc > 1)
    return mutual_cli_usage_error (cli, _("Unexpected argument “%s”"), argv[1]);

  store = mutual_cli_open_store (&error);
  if (store == NULL)
    return fail (cli, error);
  records = mutual_renewal_records_load ();

  if (mutual_cli_get_json (cli))
    {
      json = mutual_cli_json_begin (cli, "mutualctl.status/1");
      mutual_json_begin_array (json, "identities");
    }
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (store)); i++)
    {
      g_autoptr(MutualIdentity) identity = g_list_model_get_item (G_LIST_MODEL (store), i);
      MutualRenewalRecord *record = g_hash_table_lookup (records, mutual_identity_get_id (identity));
      g_autofree char *expiry = NULL;
      g_autofree char *next_text = NULL;
      g_autofree char *last_text = NULL;
      gboolean planned;
      gint64 next;

      if (mutual_identity_get_ca_profile (identity) == NULL)
        continue;
      /* The agent's plan holds for the certificate it was made for. */
      planned = record != NULL && record->next_renewal > 0 && !record->reenroll_needed &&
                g_strcmp0 (record->planned_for, mutual_identity_get_sha256 (identity)) == 0;
      next = planned ? record->next_renewal
             : record && record->reenroll_needed ? 0 : mutual_renewal_get_due (identity);
      problems |= (record != NULL && (record->failures > 0 || record->reenroll_needed)) ||
                  mutual_validity_get_state (mutual_identity_get_validity (identity), now) ==
                  MUTUAL_VALIDITY_EXPIRED;
      shown++;

      if (json != NULL)
        {
          status_json (json, identity, record, next, planned);
          continue;
        }
      expiry = describe_validity (identity);
      next_text = next > 0 ? mutual_format_time (next) : g_strdup (_("never: enroll again"));
      if (record == NULL || record->last_attempt == 0)
        last_text = g_strdup (_("none yet"));
      else
        {
          g_autofree char *when = mutual_format_time (record->last_attempt);

          last_text = record->last_ok && record->hook_timed_out
                      ? g_strdup_printf (_("%s, renewed; the command after it did not finish in time and "
                                           "was stopped"), when)
                      : record->last_ok && record->hook_status >= 0
                      ? g_strdup_printf (_("%s, renewed; the command after it exited with %d"), when,
                                         record->hook_status)
                      : record->last_ok ? g_strdup_printf (_("%s, renewed"), when)
                                      : g_strdup_printf (_("%s, failed (%u in a row): %s"), when,
                                                         record->failures, record->last_error);
        }
      mutual_cli_print ("%s (%s)\n", mutual_identity_get_label (identity), mutual_identity_get_id (identity));
      mutual_cli_print ("    %-13s %s\n", _("Certificate"), expiry);
      mutual_cli_print ("    %-13s %s\n", _("Next renewal"), next_text);
      mutual_cli_print ("    %-13s %s\n", _("Last attempt"), last_text);
      if (mutual_ca_profile_get_pkcs12_output (mutual_identity_get_ca_profile (identity)) != NULL)
        mutual_cli_print ("    %-13s %s\n", _("PKCS#12 file"),
                          mutual_ca_profile_get_pkcs12_output (mutual_identity_get_ca_profile (identity)));
      mutual_cli_print ("    %-13s %s, %s\n", _("CA"), mutual_ca_profile_get_url (mutual_identity_get_ca_profile (identity)),
                        reachable_text (record ? record->ca_reachable : -1));
    }

  if (json != NULL)
    {
      mutual_json_end_array (json);
      mutual_cli_json_end (cli, json);
    }
  else if (shown == 0)
    {
      mutual_cli_print ("%s\n", _("No identity was enrolled with a CA. Enroll one with “mutualctl enroll”."));
    }
  return problems ? MUTUAL_EXIT_PROBLEMS : MUTUAL_EXIT_OK;
}

/* agent */

static gboolean
quit_cb (gpointer user_data)
{
  gboolean *running = user_data;

  *running = FALSE;
  g_main_context_wakeup (NULL);
  return G_SOURCE_CONTINUE;
}

static void
agent_event (MutualCli  *cli,
             const char *kind,
             const char *id,
             const char *label,
             gint64      when,
             const char *message)
{
  g_autofree char *now = mutual_format_time_iso8601 (g_get_real_time () / G_USEC_PER_SEC);

  if (mutual_cli_get_json (cli))
    {
      MutualJson *json = mutual_json_new (FALSE);
      g_autofree char *when_text = when > 0 ? mutual_format_time_iso8601 (when) : NULL;
      g_autofree char *text = NULL;

      mutual_json_begin_object (json, NULL);
      mutual_json_string (json, "schema", "mutualctl.agent-event/1");
      mutual_json_string (json, "time", now);
      mutual_json_string (json, "event", kind);
      mutual_json_string (json, "id", id);
      mutual_json_string (json, "label", label);
      mutual_json_string (json, "next_renewal", when_text);
      mutual_json_string (json, "message", message);
      mutual_json_end_object (json);
      text = mutual_json_free_to_string (json);
      g_print ("%s\n", text);
      return;
    }
  if (g_str_equal (kind, "planned"))
    {
      g_autofree char *when_text = mutual_format_time (when);

      g_print (_("%s  “%s” (%s): renewal planned for %s"), now, label, id, when_text);
    }
  else if (g_str_equal (kind, "renewed"))
    g_print (_("%s  “%s” (%s): renewed"), now, label, id);
  else
    g_print (_("%s  “%s” (%s): renewal failed: %s"), now, label, id, message);
  g_print ("\n");
}

static void
planned_cb (MutualRenewalAgent *agent,
            const char         *id,
            const char         *label,
            gint64              when,
            gpointer            user_data)
{
  agent_event (user_data, "planned", id, label, when, NULL);
}

static void
finished_cb (MutualRenewalAgent *agent,
             const char         *id,
             const char         *label,
             gboolean            ok,
             const char         *message,
             gpointer            user_data)
{
  agent_event (user_data, ok ? "renewed" : "failed", id, label, 0, message);
}

static int
run_agent (MutualCli  *cli,
           int         argc,
           char      **argv)
{
  int timeout = 0;
  const GOptionEntry entries[] = {
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout,
      N_("Wait at most SECONDS for a CA (default 30)"), N_("SECONDS") },
    { NULL }
  };
  g_autoptr(MutualIdentityStore) store = NULL;
  g_autoptr(MutualRenewalAgent) agent = NULL;
  gboolean running = TRUE;
  guint sigint, sigterm;
  int exit_code;

  if (!mutual_cli_parse (cli, entries, &argc, &argv, &exit_code))
    return exit_code;
  if (argc > 1)
    return mutual_cli_usage_error (cli, _("Unexpected argument “%s”"), argv[1]);
  if (timeout < 0)
    return mutual_cli_usage_error (cli, _("The timeout cannot be negative"));

  store = mutual_identity_store_new ();
  agent = mutual_renewal_agent_new (store);
  mutual_renewal_agent_set_timeout (agent, timeout);
  g_signal_connect (agent, "renewal-planned", G_CALLBACK (planned_cb), cli);
  g_signal_connect (agent, "renewal-finished", G_CALLBACK (finished_cb), cli);
  sigint = g_unix_signal_add (SIGINT, quit_cb, &running);
  sigterm = g_unix_signal_add (SIGTERM, quit_cb, &running);
  mutual_renewal_agent_start (agent);

  while (running)
    g_main_context_iteration (NULL, TRUE);

  mutual_renewal_agent_stop (agent);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  return MUTUAL_EXIT_OK;
}

static const int ca_exit_codes[] = {
  MUTUAL_EXIT_OK, MUTUAL_EXIT_USAGE, MUTUAL_EXIT_INPUT, MUTUAL_EXIT_UNAVAILABLE, MUTUAL_EXIT_FAILED, -1
};

const MutualCliCommand mutual_cli_command_enroll = {
  .name = "enroll",
  .parameter_string = NULL,
  .summary = N_("Obtain a client identity from a step-ca certificate authority"),
  .description = N_("Fetches the CA's root and checks its fingerprint, generates a private key, "
                    "and asks the CA to certify it with a one-time token: one given with "
                    "--token or --token-file, or one made from the JWK provisioner's password "
                    "(--provisioner and --password-file). The identity is stored in the keyring "
                    "with the CA's URL, root fingerprint and provisioner, to renew it later."),
  .exit_codes = ca_exit_codes,
  .run = run_enroll,
};

const MutualCliCommand mutual_cli_command_renew = {
  .name = "renew",
  .parameter_string = N_("ID|LABEL"),
  .summary = N_("Renew an enrolled identity with its certificate authority"),
  .description = N_("Renews over mutual TLS with the current certificate and key, once the "
                    "renewal is due (by default two thirds into the certificate's lifetime), or "
                    "at once with --force. An expired certificate is renewed with a token signed "
                    "by its key when the CA allows it; otherwise enroll again. The new "
                    "certificate must be for the same key and subject, chain to the CA's root and "
                    "be valid now; only then does it replace the old one in the keyring."),
  .exit_codes = ca_exit_codes,
  .run = run_renew,
};

const MutualCliCommand mutual_cli_command_set_renewal = {
  .name = "set-renewal",
  .parameter_string = N_("ID|LABEL"),
  .summary = N_("Change when an enrolled identity is renewed, and what happens afterwards"),
  .description = N_("Changes the renewal policy, the files written after each renewal and the "
                    "command run after it, for an identity obtained from a CA. Options not given "
                    "keep their value. The identity is written again with its new settings, "
                    "atomically, like a renewal (its certificate and key do not change); files "
                    "asked for are written at once. Fails while the identity is being renewed."),
  .exit_codes = ca_exit_codes,
  .run = run_set_renewal,
};

static const int status_exit_codes[] = {
  MUTUAL_EXIT_OK, MUTUAL_EXIT_PROBLEMS, MUTUAL_EXIT_USAGE, MUTUAL_EXIT_UNAVAILABLE, -1
};

const MutualCliCommand mutual_cli_command_status = {
  .name = "status",
  .parameter_string = NULL,
  .summary = N_("Show the renewal of every enrolled identity"),
  .description = N_("For each identity obtained from a CA: when it expires, when it will be renewed "
                    "next, the last attempt and its result, and whether the CA could be reached, as "
                    "the renewal agent last recorded them. Exit status 1 when a renewal keeps "
                    "failing, needs a new enrollment, or a certificate has expired."),
  .exit_codes = status_exit_codes,
  .run = run_status,
};

const MutualCliCommand mutual_cli_command_agent = {
  .name = "agent",
  .parameter_string = NULL,
  .summary = N_("Renew enrolled identities in the background, in the foreground"),
  .description = N_("Runs the renewal agent until it is interrupted: each enrolled identity is "
                    "renewed when its policy says, with a random jitter, retried with exponential "
                    "backoff when it fails, and at once when the network comes back. Prints one line "
                    "per event (with --json, one object per line). The systemd user unit "
                    "mutualctl-agent.service runs it."),
  .exit_codes = ca_exit_codes,
  .run = run_agent,
};
