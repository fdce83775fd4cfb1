/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gunixinputstream.h>
#include <glib/gi18n.h>
#include <string.h>
#include <unistd.h>

#include "mutual-cli.h"

/* mutualctl inspect: decode certificates, keys and requests from files or standard
 * input, as text for people or JSON for scripts. */

typedef struct
{
  char *source;
  MutualBundle *bundle;
  GError *error;
} Input;

static void
input_free (Input *input)
{
  g_free (input->source);
  g_clear_object (&input->bundle);
  g_clear_error (&input->error);
  g_free (input);
}

typedef struct
{
  gboolean all_fields;
  gboolean chain;
  MutualPurpose purpose;
  gint64 now;
  GPtrArray *inputs;
  GPtrArray *chains;
  GPtrArray *identities;
  /* Problems found outside chains: validity of single certificates. */
  guint n_problems;
} Inspection;

/* A private key found with the certificate it belongs to, and what the lint says. */
typedef struct
{
  MutualCertificate *certificate;
  MutualPrivateKey *key;
  MutualChain *chain;
  GPtrArray *problems;
} Identity;

static void
identity_free (Identity *identity)
{
  g_clear_object (&identity->certificate);
  g_clear_object (&identity->key);
  g_clear_object (&identity->chain);
  g_clear_pointer (&identity->problems, g_ptr_array_unref);
  g_free (identity);
}

static gboolean
has_errors (GPtrArray *problems)
{
  for (guint i = 0; i < problems->len; i++)
    {
      if (mutual_problem_get_severity (g_ptr_array_index (problems, i)) == MUTUAL_SEVERITY_ERROR)
        return TRUE;
    }
  return FALSE;
}

/* Text output */

static const char *
origin_suffix (const char *origin,
               const char *source)
{
  /* Origins start with the source name, which the heading already shows. */
  if (origin != NULL && g_str_has_prefix (origin, source) && origin[strlen (source)] == ',')
    return origin + strlen (source) + 2;
  return origin;
}

static void
print_bundle (Inspection *inspection,
              Input      *input)
{
  MutualBundle *bundle = input->bundle;
  GPtrArray *certificates = mutual_bundle_get_certificates (bundle);
  GPtrArray *keys = mutual_bundle_get_keys (bundle);
  GPtrArray *requests = mutual_bundle_get_requests (bundle);
  const char * const *notes = mutual_bundle_get_notes (bundle);
  g_autofree char *description = mutual_bundle_describe (bundle);

  mutual_cli_print ("%s — %s\n", input->source, description);

  for (guint i = 0; i < certificates->len; i++)
    {
      MutualCertificate *certificate = g_ptr_array_index (certificates, i);
      g_autoptr(GPtrArray) sections = mutual_certificate_get_sections (certificate, inspection->now);
      const char *where = origin_suffix (mutual_certificate_get_origin (certificate), input->source);

      mutual_cli_print ("\n");
      /* Translators: a heading, e.g. "Certificate 2: Mutual Test Issuing CA 1 (PEM block 2)". */
      mutual_cli_print (_("Certificate %u: %s"), i + 1, mutual_certificate_get_subject_name (certificate));
      if (where != NULL && certificates->len > 1)
        mutual_cli_print (" — %s", where);
      mutual_cli_print ("\n");
      mutual_cli_print_sections (sections, inspection->all_fields);
    }

  for (guint i = 0; i < keys->len; i++)
    {
      MutualPrivateKey *key = g_ptr_array_index (keys, i);
      g_autoptr(GString) matches = g_string_new (NULL);

      for (guint c = 0; c < certificates->len; c++)
        {
          if (mutual_private_key_matches (key, g_ptr_array_index (certificates, c)))
            g_string_append_printf (matches, "%s%u", matches->len ? ", " : "", c + 1);
        }

      mutual_cli_print ("\n");
      /* Translators: a heading, e.g. "Private key 1: ECDSA P-256, PKCS#8". */
      mutual_cli_print (_("Private key %u: %s, %s"), i + 1, mutual_private_key_get_key_type (key),
               mutual_private_key_get_format (key));
      mutual_cli_print ("\n    %s  %s\n", _("Key ID (SHA-256)"), mutual_private_key_get_key_id (key));
      if (matches->len > 0)
        {
          /* Translators: %s is one or more certificate numbers, e.g. "1" or "1, 3". */
          g_autofree char *text = g_strdup_printf (_("Belongs to certificate %s"), matches->str);

          mutual_cli_print ("    %s\n", text);
        }
      else if (certificates->len > 0)
        mutual_cli_print ("    %s\n", _("Belongs to none of the certificates in this input"));
    }

  for (guint i = 0; i < requests->len; i++)
    {
      MutualRequest *request = g_ptr_array_index (requests, i);
      g_autoptr(GPtrArray) sections = mutual_request_get_sections (request);

      mutual_cli_print ("\n");
      /* Translators: a heading, e.g. "Certificate request 1: alice". */
      mutual_cli_print (_("Certificate request %u: %s"), i + 1, mutual_request_get_subject_name (request));
      mutual_cli_print ("\n");
      mutual_cli_print_sections (sections, inspection->all_fields);
    }

  for (guint i = 0; notes[i] != NULL; i++)
    mutual_cli_print ("\n%s %s\n", _("Note:"), notes[i]);
}

static void
print_problems (GPtrArray *problems)
{
  for (guint p = 0; p < problems->len; p++)
    {
      MutualProblem *problem = g_ptr_array_index (problems, p);

      mutual_cli_print ("    %s %s\n",
                        mutual_problem_get_severity (problem) == MUTUAL_SEVERITY_ERROR ? _("Error:")
                                                                                      : _("Warning:"),
                        mutual_problem_get_message (problem));
    }
}

static void
print_identities (Inspection *inspection)
{
  for (guint i = 0; i < inspection->identities->len; i++)
    {
      Identity *identity = g_ptr_array_index (inspection->identities, i);

      mutual_cli_print ("\n");
      /* Translators: a heading, e.g. "Client identity: alice with its ECDSA P-256 key". */
      mutual_cli_print (_("Client identity: %s with its %s key"),
                        mutual_certificate_get_subject_name (identity->certificate),
                        mutual_private_key_get_key_type (identity->key));
      mutual_cli_print ("\n    %s\n", has_errors (identity->problems)
                                       ? _("Not usable as a TLS client identity")
                                       : _("Usable as a TLS client identity"));
      print_problems (identity->problems);
    }
}

static void
print_chains (Inspection *inspection)
{
  for (guint i = 0; i < inspection->chains->len; i++)
    {
      MutualChain *chain = g_ptr_array_index (inspection->chains, i);
      GPtrArray *problems = mutual_chain_get_problems (chain);
      g_autofree char *path = mutual_chain_describe (chain);

      mutual_cli_print ("\n");
      /* Translators: a heading, e.g. "Chain 1: alice ← Issuing CA ← Root CA". */
      mutual_cli_print (_("Chain %u: %s"), i + 1, path);
      mutual_cli_print ("\n    %s\n", mutual_chain_get_trusted (chain) ? _("Trusted") : _("Not trusted"));
      print_problems (problems);
    }
}

/* JSON output */

static void
input_to_json (Inspection  *inspection,
               Input       *input,
               MutualJson  *json)
{
  mutual_json_begin_object (json, NULL);
  mutual_json_string (json, "source", input->source);

  if (input->error != NULL)
    {
      mutual_cli_json_add_error (json, "error", g_quark_to_string (input->error->domain),
                                 input->error->code, input->error->message);
    }
  else
    {
      MutualBundle *bundle = input->bundle;
      GPtrArray *certificates = mutual_bundle_get_certificates (bundle);
      GPtrArray *keys = mutual_bundle_get_keys (bundle);
      GPtrArray *requests = mutual_bundle_get_requests (bundle);
      const char * const *notes = mutual_bundle_get_notes (bundle);

      mutual_json_string (json, "format", mutual_bundle_get_format (bundle));
      mutual_json_begin_array (json, "certificates");
      for (guint i = 0; i < certificates->len; i++)
        mutual_certificate_to_json (g_ptr_array_index (certificates, i), json, NULL,
                                    inspection->now, inspection->all_fields);
      mutual_json_end_array (json);
      mutual_json_begin_array (json, "private_keys");
      for (guint i = 0; i < keys->len; i++)
        mutual_private_key_to_json (g_ptr_array_index (keys, i), json, NULL);
      mutual_json_end_array (json);
      mutual_json_begin_array (json, "requests");
      for (guint i = 0; i < requests->len; i++)
        mutual_request_to_json (g_ptr_array_index (requests, i), json, NULL);
      mutual_json_end_array (json);
      mutual_json_begin_array (json, "notes");
      for (guint i = 0; notes[i] != NULL; i++)
        mutual_json_string (json, NULL, notes[i]);
      mutual_json_end_array (json);
    }
  mutual_json_end_object (json);
}

/* Reading inputs */

static Input *
read_input (const char  *path,
            const char  *password,
            gboolean    *used_stdin)
{
  Input *input = g_new0 (Input, 1);
  g_autoptr(GBytes) data = NULL;

  if (g_str_equal (path, "-"))
    {
      g_autoptr(GInputStream) stream = g_unix_input_stream_new (STDIN_FILENO, FALSE);

      input->source = g_strdup (_("standard input"));
      *used_stdin = TRUE;
      data = mutual_load_stream (stream, input->source, NULL, &input->error);
    }
  else
    {
      input->source = g_strdup (path);
      data = mutual_cli_load (path, &input->error);
    }

  if (data != NULL)
    {
      input->bundle = mutual_import_bytes (data, input->source, password, &input->error);

      /* Ask at the terminal when nobody gave a password and someone is there to type it. */
      if (input->bundle == NULL && password == NULL && !g_str_equal (path, "-") &&
          g_error_matches (input->error, MUTUAL_ERROR, MUTUAL_ERROR_NEEDS_PASSWORD) &&
          isatty (STDIN_FILENO))
        {
          g_autofree char *prompt = g_strdup_printf (_("Password for %s: "), input->source);
          char *typed = mutual_cli_prompt_password (prompt);

          if (typed != NULL)
            {
              g_clear_error (&input->error);
              input->bundle = mutual_import_bytes (data, input->source, typed, &input->error);
              mutual_cli_free_password (typed);
            }
        }
    }

  return input;
}

static int
run_inspect (MutualCli  *cli,
             int         argc,
             char      **argv)
{
  g_autofree char *password_file = NULL;
  g_autofree char *fields = NULL;
  g_autofree char *purpose = NULL;
  g_auto(GStrv) trust_files = NULL;
  gboolean chain = FALSE;
  const GOptionEntry entries[] = {
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file,
      N_("Read the password of encrypted keys and PKCS#12 files from FILE (its first line)"),
      N_("FILE") },
    { "chain", 0, 0, G_OPTION_ARG_NONE, &chain,
      N_("Order the certificates into chains and verify them"), NULL },
    { "trust", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &trust_files,
      N_("Verify chains against the CAs in FILE instead of the system's (repeatable)"),
      N_("FILE") },
    { "purpose", 0, 0, G_OPTION_ARG_STRING, &purpose,
      N_("What the chains are checked for: client (default), server or any"), N_("PURPOSE") },
    { "fields", 0, 0, G_OPTION_ARG_STRING, &fields,
      N_("What to show of each certificate: all (default) or summary"), N_("WHICH") },
    { NULL }
  };
  Inspection inspection = { TRUE, FALSE, MUTUAL_PURPOSE_TLS_CLIENT, 0, NULL, NULL, NULL, 0 };
  g_autoptr(GPtrArray) inputs = g_ptr_array_new_with_free_func ((GDestroyNotify) input_free);
  g_autoptr(GPtrArray) all_certificates = g_ptr_array_new ();
  g_autoptr(GPtrArray) chains = NULL;
  g_autoptr(GPtrArray) identities = g_ptr_array_new_with_free_func ((GDestroyNotify) identity_free);
  g_autoptr(MutualTrust) trust = NULL;
  g_autoptr(GError) error = NULL;
  char *password = NULL;
  gboolean used_stdin = FALSE;
  gboolean any_unparsed = FALSE;
  int exit_code;

  if (!mutual_cli_parse (cli, entries, &argc, &argv, &exit_code))
    return exit_code;

  if (fields != NULL && !g_str_equal (fields, "all") && !g_str_equal (fields, "summary"))
    return mutual_cli_usage_error (cli, _("--fields takes “all” or “summary”, not “%s”"), fields);
  inspection.all_fields = fields == NULL || g_str_equal (fields, "all");

  if (purpose == NULL || g_str_equal (purpose, "client"))
    inspection.purpose = MUTUAL_PURPOSE_TLS_CLIENT;
  else if (g_str_equal (purpose, "server"))
    inspection.purpose = MUTUAL_PURPOSE_TLS_SERVER;
  else if (g_str_equal (purpose, "any"))
    inspection.purpose = MUTUAL_PURPOSE_ANY;
  else
    return mutual_cli_usage_error (cli, _("--purpose takes “client”, “server” or “any”, not “%s”"),
                                   purpose);

  if (argc < 2 && isatty (STDIN_FILENO))
    return mutual_cli_usage_error (cli, _("Give a file to inspect, or “-” to read standard input"));

  if (password_file != NULL)
    {
      password = mutual_cli_read_password_file (password_file, &error);
      if (password == NULL)
        return mutual_cli_fail (cli, MUTUAL_EXIT_INPUT, error);
    }

  inspection.now = g_get_real_time () / G_USEC_PER_SEC;
  inspection.chain = chain || trust_files != NULL;

  if (argc < 2)
    g_ptr_array_add (inputs, read_input ("-", password, &used_stdin));
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "-") && used_stdin)
        {
          mutual_cli_free_password (password);
          return mutual_cli_usage_error (cli, _("Standard input (“-”) can be read only once"));
        }
      g_ptr_array_add (inputs, read_input (argv[i], password, &used_stdin));
    }
  mutual_cli_free_password (password);

  for (guint i = 0; i < inputs->len; i++)
    {
      Input *input = g_ptr_array_index (inputs, i);
      GPtrArray *certificates;

      if (input->error != NULL)
        {
          any_unparsed = TRUE;
          continue;
        }
      certificates = mutual_bundle_get_certificates (input->bundle);
      for (guint c = 0; c < certificates->len; c++)
        {
          MutualCertificate *certificate = g_ptr_array_index (certificates, c);
          MutualValidityState state = mutual_validity_get_state (mutual_certificate_get_validity (certificate),
                                                                 inspection.now);

          g_ptr_array_add (all_certificates, certificate);
          if (state == MUTUAL_VALIDITY_EXPIRED || state == MUTUAL_VALIDITY_NOT_YET_VALID)
            inspection.n_problems++;
        }
    }

  if (inspection.chain)
    {
      trust = mutual_trust_new ();
      if (trust_files == NULL)
        {
          if (!mutual_trust_add_system (trust, &error))
            return mutual_cli_fail (cli, MUTUAL_EXIT_INPUT, error);
        }
      for (guint i = 0; trust_files != NULL && trust_files[i] != NULL; i++)
        {
          g_autoptr(GBytes) data = mutual_cli_load (trust_files[i], &error);
          g_autoptr(MutualBundle) bundle = NULL;

          if (data != NULL)
            bundle = mutual_import_bytes (data, trust_files[i], NULL, &error);
          if (bundle == NULL || !mutual_trust_add_bundle (trust, bundle, &error))
            return mutual_cli_fail (cli, MUTUAL_EXIT_INPUT, error);
        }

      chains = mutual_chain_build_all (all_certificates);
      for (guint i = 0; i < chains->len; i++)
        {
          MutualChain *item = g_ptr_array_index (chains, i);
          MutualCertificate *leaf = g_ptr_array_index (mutual_chain_get_links (item), 0);

          /* A CA at the bottom of a chain is there as a CA, not as a client or server. */
          mutual_chain_verify (item, trust,
                               mutual_certificate_is_ca (leaf) ? MUTUAL_PURPOSE_ANY : inspection.purpose,
                               inspection.now);
          if (mutual_chain_has_errors (item))
            inspection.n_problems++;
        }
    }
  else
    {
      chains = g_ptr_array_new_with_free_func (g_object_unref);
    }

  /* Every private key with the certificate it belongs to is a client identity: say
   * whether it would work. */
  for (guint i = 0; i < inputs->len; i++)
    {
      Input *input = g_ptr_array_index (inputs, i);
      GPtrArray *keys;

      if (input->error != NULL)
        continue;
      keys = mutual_bundle_get_keys (input->bundle);
      for (guint k = 0; k < keys->len; k++)
        {
          MutualPrivateKey *key = g_ptr_array_index (keys, k);

          for (guint c = 0; c < all_certificates->len; c++)
            {
              MutualCertificate *certificate = g_ptr_array_index (all_certificates, c);
              Identity *identity;

              if (!mutual_private_key_matches (key, certificate))
                continue;
              identity = g_new0 (Identity, 1);
              identity->certificate = g_object_ref (certificate);
              identity->key = g_object_ref (key);
              identity->problems = mutual_lint_client_identity (certificate, key, all_certificates,
                                                                trust, inspection.now, &identity->chain);
              if (has_errors (identity->problems))
                inspection.n_problems++;
              g_ptr_array_add (identities, identity);
              break;
            }
        }
    }

  inspection.inputs = inputs;
  inspection.chains = chains;
  inspection.identities = identities;

  if (mutual_cli_get_json (cli))
    {
      MutualJson *json = mutual_cli_json_begin (cli, "mutualctl.inspect/1");
      g_autofree char *now = mutual_format_time_iso8601 (inspection.now);

      mutual_json_string (json, "now", now);
      mutual_json_begin_array (json, "inputs");
      for (guint i = 0; i < inputs->len; i++)
        input_to_json (&inspection, g_ptr_array_index (inputs, i), json);
      mutual_json_end_array (json);
      mutual_json_begin_array (json, "chains");
      for (guint i = 0; i < chains->len; i++)
        mutual_chain_to_json (g_ptr_array_index (chains, i), json, NULL);
      mutual_json_end_array (json);
      mutual_json_begin_array (json, "identities");
      for (guint i = 0; i < identities->len; i++)
        {
          Identity *identity = g_ptr_array_index (identities, i);

          mutual_json_begin_object (json, NULL);
          mutual_json_string (json, "certificate_sha256", mutual_certificate_get_sha256 (identity->certificate));
          mutual_json_string (json, "subject_name", mutual_certificate_get_subject_name (identity->certificate));
          mutual_json_string (json, "key_spki_sha256", mutual_private_key_get_key_id (identity->key));
          mutual_json_boolean (json, "usable", !has_errors (identity->problems));
          mutual_json_begin_array (json, "chain");
          for (guint l = 0; l < mutual_chain_get_links (identity->chain)->len; l++)
            mutual_certificate_reference_to_json (g_ptr_array_index (mutual_chain_get_links (identity->chain), l),
                                                  json, NULL);
          mutual_json_end_array (json);
          mutual_json_begin_array (json, "problems");
          for (guint p = 0; p < identity->problems->len; p++)
            mutual_problem_to_json (g_ptr_array_index (identity->problems, p), json, NULL);
          mutual_json_end_array (json);
          mutual_json_end_object (json);
        }
      mutual_json_end_array (json);
      mutual_json_boolean (json, "problems_found", inspection.n_problems > 0);
      mutual_cli_json_end (cli, json);
    }
  else
    {
      for (guint i = 0; i < inputs->len; i++)
        {
          Input *input = g_ptr_array_index (inputs, i);

          if (i > 0)
            mutual_cli_print ("\n");
          if (input->error != NULL)
            g_printerr ("mutualctl inspect: %s\n", input->error->message);
          else
            print_bundle (&inspection, input);
        }
      print_chains (&inspection);
      print_identities (&inspection);
    }

  if (any_unparsed)
    return MUTUAL_EXIT_INPUT;
  if (inspection.n_problems > 0)
    return MUTUAL_EXIT_PROBLEMS;
  return MUTUAL_EXIT_OK;
}

static const int inspect_exit_codes[] = {
  MUTUAL_EXIT_OK, MUTUAL_EXIT_PROBLEMS, MUTUAL_EXIT_USAGE, MUTUAL_EXIT_INPUT, -1
};

const MutualCliCommand mutual_cli_command_inspect = {
  .name = "inspect",
  .parameter_string = N_("[FILE|-]…"),
  .summary = N_("Show everything in certificates, keys and certificate requests"),
  .description = N_("Reads PEM (any mix of objects), DER, PKCS#7, PKCS#12, PKCS#8, PKCS#1, "
                    "SEC1 and PKCS#10 from each FILE, or from standard input when FILE is “-” "
                    "or absent. Private keys are described, never printed. Problems are "
                    "certificates that are expired or not yet valid and, with --chain, chains "
                    "that do not verify."),
  .exit_codes = inspect_exit_codes,
  .run = run_inspect,
};
