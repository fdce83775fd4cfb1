/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

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

  profile = mutual_ca_profile_new (MUTUAL_CA_KIND_STEP_CA, url, fingerprint, provisioner, &error);
  if (profile == NULL || (policy != NULL && !mutual_ca_profile_set_renew_policy (profile, policy, &error)))
    return mutual_cli_usage_error (cli, "%s", error->message);

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
  store = mutual_identity_store_new ();
  mutual_renewal_enroll_async (store, client, g_steal_pointer (&enrollment), label, NULL,
                               mutual_cli_result_cb, &result);
  mutual_cli_wait (&result);
  identity = mutual_renewal_enroll_finish (result, &error);
  if (identity == NULL)
    return fail (cli, error);

  if (mutual_cli_get_json (cli))
    {
      MutualJson *json = mutual_cli_json_begin (cli, "mutualctl.enroll/1");

      identity_json (json, identity);
      mutual_cli_json_end (cli, json);
      return MUTUAL_EXIT_OK;
    }
  when = describe_validity (identity);
  /* Translators: e.g. "Enrolled “alice” as id k3m9x2pq; it expires in 23 h 59 min". */
  headline = g_strdup_printf (_("Enrolled “%s” as id %s; it %s"), mutual_identity_get_label (identity),
                              mutual_identity_get_id (identity), when);
  print_identity (identity, headline);
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

  store = mutual_cli_open_store (&error);
  if (store == NULL)
    return fail (cli, error);
  identity = mutual_identity_store_lookup (store, argv[1], &error);
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

  mutual_renewal_renew_async (store, identity, rekey ? MUTUAL_CA_RENEWAL_REKEY : MUTUAL_CA_RENEWAL_RENEW,
                              timeout, NULL, mutual_cli_result_cb, &result);
  mutual_cli_wait (&result);
  renewed = mutual_renewal_renew_finish (result, &error);
  if (renewed == NULL)
    return fail (cli, error);

  if (mutual_cli_get_json (cli))
    {
      MutualJson *json = mutual_cli_json_begin (cli, "mutualctl.renew/1");

      mutual_json_boolean (json, "renewed", TRUE);
      mutual_json_boolean (json, "rekeyed", rekey);
      identity_json (json, renewed);
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
