/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gunixinputstream.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mutual-cli.h"

/* mutualctl import, list, show, export, rename and remove: identities in the keyring. */

/**
 * mutual_cli_exit_code_for:
 *
 * Returns: the exit code for an error of the core
 */
int
mutual_cli_exit_code_for (const GError *error)
{
  if (error->domain == MUTUAL_CA_ERROR)
    return mutual_cli_ca_exit_code_for (error);
  if (error->domain != MUTUAL_ERROR)
    return MUTUAL_EXIT_INPUT;

  switch ((MutualError) error->code)
    {
    case MUTUAL_ERROR_KEYRING_UNAVAILABLE:
    case MUTUAL_ERROR_KEYRING_LOCKED:
    case MUTUAL_ERROR_PROMPT_DISMISSED:
    case MUTUAL_ERROR_TIMED_OUT:
      return MUTUAL_EXIT_UNAVAILABLE;
    case MUTUAL_ERROR_EXISTS:
    case MUTUAL_ERROR_ITEM_UNREADABLE:
    case MUTUAL_ERROR_FAILED:
    case MUTUAL_ERROR_TLS:
      return MUTUAL_EXIT_FAILED;
    case MUTUAL_ERROR_INVALID_ARGUMENT:
    case MUTUAL_ERROR_TOO_LARGE:
    case MUTUAL_ERROR_NOT_FOUND:
    case MUTUAL_ERROR_PARSE:
    case MUTUAL_ERROR_NEEDS_PASSWORD:
    case MUTUAL_ERROR_BAD_PASSWORD:
    case MUTUAL_ERROR_UNSUPPORTED:
    case MUTUAL_ERROR_NO_CERTIFICATE:
    case MUTUAL_ERROR_NO_KEY:
    case MUTUAL_ERROR_KEY_MISMATCH:
    default:
      return MUTUAL_EXIT_INPUT;
    }
}

static int
fail (MutualCli    *cli,
      const GError *error)
{
  return mutual_cli_fail (cli, mutual_cli_exit_code_for (error), error);
}

/**
 * mutual_cli_open_store:
 *
 * Returns: (transfer full): a store with its list loaded, for the commands that name
 *   an identity
 */
MutualIdentityStore *
mutual_cli_open_store (GError **error)
{
  g_autoptr(MutualIdentityStore) store = mutual_identity_store_new ();
  g_autoptr(GAsyncResult) result = NULL;

  mutual_identity_store_refresh_async (store, NULL, mutual_cli_result_cb, &result);
  mutual_cli_wait (&result);
  if (!mutual_identity_store_refresh_finish (store, result, error))
    return NULL;
  return g_steal_pointer (&store);
}

/**
 * mutual_cli_find_identity:
 * @name: an id, or a label
 *
 * The one identity a command names, as stored now, found by its keyring attributes:
 * no listing of every identity, for the commands that need only one.
 *
 * Returns: (transfer full) (nullable): the identity, or %NULL with @error set
 */
MutualIdentity *
mutual_cli_find_identity (MutualIdentityStore  *store,
                          const char           *name,
                          GError              **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  mutual_identity_store_find_async (store, name, NULL, mutual_cli_result_cb, &result);
  mutual_cli_wait (&result);
  return mutual_identity_store_find_finish (store, result, error);
}

/* import */

static int
run_import (MutualCli  *cli,
            int         argc,
            char      **argv)
{
  g_autofree char *label = NULL;
  g_autofree char *password_file = NULL;
  const GOptionEntry entries[] = {
    { "label", 0, 0, G_OPTION_ARG_STRING, &label,
      N_("Name the identity LABEL (default: the certificate's subject)"), N_("LABEL") },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file,
      N_("Read the password of encrypted keys and PKCS#12 files from FILE (its first line)"),
      N_("FILE") },
    { NULL }
  };
  g_autoptr(GPtrArray) bundles = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GString) sources = g_string_new (NULL);
  g_autoptr(MutualBundle) merged = NULL;
  g_autoptr(MutualIdentityStore) store = NULL;
  g_autoptr(MutualIdentity) identity = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *when = NULL;
  char *password = NULL;
  int exit_code;

  if (!mutual_cli_parse (cli, entries, &argc, &argv, &exit_code))
    return exit_code;
  if (argc < 2)
    return mutual_cli_usage_error (cli, _("Give the files of the identity: a PKCS#12 file, or the "
                                          "certificate and key files"));
  if (label != NULL && label[0] == '\0')
    return mutual_cli_usage_error (cli, _("The label cannot be empty"));

  if (password_file != NULL)
    {
      password = mutual_cli_read_password_file (password_file, &error);
      if (password == NULL)
        return mutual_cli_fail (cli, MUTUAL_EXIT_INPUT, error);
    }

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GBytes) data = mutual_cli_load (argv[i], &error);
      MutualBundle *bundle = NULL;

      if (data != NULL)
        bundle = mutual_import_bytes (data, argv[i], password, &error);
      if (bundle == NULL && password == NULL && isatty (STDIN_FILENO) &&
          g_error_matches (error, MUTUAL_ERROR, MUTUAL_ERROR_NEEDS_PASSWORD))
        {
          g_autofree char *prompt = g_strdup_printf (_("Password for %s: "), argv[i]);

          password = mutual_cli_prompt_password (prompt);
          if (password != NULL)
            {
              g_clear_error (&error);
              bundle = mutual_import_bytes (data, argv[i], password, &error);
            }
        }
      if (bundle == NULL)
        {
          mutual_cli_free_password (password);
          return fail (cli, error);
        }
      g_ptr_array_add (bundles, bundle);
      g_string_append_printf (sources, "%s%s", sources->len ? ", " : "", argv[i]);
    }
  mutual_cli_free_password (password);

  merged = mutual_bundle_new_merged (sources->str, bundles);
  store = mutual_identity_store_new ();
  mutual_identity_store_add_async (store, merged, label, NULL, mutual_cli_result_cb, &result);
  mutual_cli_wait (&result);
  identity = mutual_identity_store_add_finish (store, result, &error);
  if (identity == NULL)
    return fail (cli, error);

  if (mutual_cli_get_json (cli))
    {
      MutualJson *json = mutual_cli_json_begin (cli, "mutualctl.import/1");

      mutual_identity_to_json (identity, json, "identity", g_get_real_time () / G_USEC_PER_SEC);
      mutual_cli_json_end (cli, json);
      return MUTUAL_EXIT_OK;
    }

  when = mutual_validity_describe (mutual_identity_get_validity (identity),
                                   g_get_real_time () / G_USEC_PER_SEC, FALSE);
  /* Translators: e.g. "Stored “alice” as id k3m9x2pq; it expires in 23 h 59 min". */
  mutual_cli_print (_("Stored “%s” as id %s; it %s"), mutual_identity_get_label (identity),
                    mutual_identity_get_id (identity), when);
  mutual_cli_print ("\n");
  return MUTUAL_EXIT_OK;
}

/* list */

static int
run_list (MutualCli  *cli,
          int         argc,
          char      **argv)
{
  g_autoptr(MutualIdentityStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  int exit_code;
  guint n;

  if (!mutual_cli_parse (cli, NULL, &argc, &argv, &exit_code))
    return exit_code;
  if (argc > 1)
    return mutual_cli_usage_error (cli, _("Unexpected argument “%s”"), argv[1]);

  store = mutual_cli_open_store (&error);
  if (store == NULL)
    return fail (cli, error);
  n = g_list_model_get_n_items (G_LIST_MODEL (store));

  if (mutual_cli_get_json (cli))
    {
      MutualJson *json = mutual_cli_json_begin (cli, "mutualctl.list/1");

      mutual_json_begin_array (json, "identities");
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(MutualIdentity) identity = g_list_model_get_item (G_LIST_MODEL (store), i);

          mutual_identity_to_json (identity, json, NULL, now);
        }
      mutual_json_end_array (json);
      mutual_cli_json_end (cli, json);
      return MUTUAL_EXIT_OK;
    }

  if (n == 0)
    {
      g_printerr ("%s\n", _("No identities are stored. Add one with “mutualctl import FILE…”."));
      return MUTUAL_EXIT_OK;
    }

  {
    const char *headings[] = { N_("ID"), N_("LABEL"), N_("SUBJECT"), N_("ISSUER"), N_("STATE"),
                               N_("VALIDITY") };
    g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
    int widths[G_N_ELEMENTS (headings)] = { 0 };

    for (guint c = 0; c < G_N_ELEMENTS (headings); c++)
      widths[c] = g_utf8_strlen (_(headings[c]), -1);
    for (guint i = 0; i < n; i++)
      {
        g_autoptr(MutualIdentity) identity = g_list_model_get_item (G_LIST_MODEL (store), i);
        const MutualValidity *validity = mutual_identity_get_validity (identity);
        char **row = g_new0 (char *, G_N_ELEMENTS (headings) + 1);

        row[0] = g_strdup (mutual_identity_get_id (identity));
        row[1] = g_strdup (mutual_identity_get_label (identity));
        row[2] = g_strdup (mutual_identity_get_subject (identity));
        row[3] = g_strdup (mutual_identity_get_issuer (identity));
        row[4] = g_strdup (mutual_validity_state_get_label (mutual_validity_get_state (validity, now)));
        row[5] = mutual_validity_describe (validity, now, FALSE);
        for (guint c = 0; c < G_N_ELEMENTS (headings); c++)
          widths[c] = MAX (widths[c], (int) g_utf8_strlen (row[c], -1));
        g_ptr_array_add (rows, row);
      }

    for (guint c = 0; c < G_N_ELEMENTS (headings); c++)
      mutual_cli_print ("%s%*s", _(headings[c]),
                        c + 1 < G_N_ELEMENTS (headings) ? widths[c] - (int) g_utf8_strlen (_(headings[c]), -1) + 2 : 0,
                        "");
    mutual_cli_print ("\n");
    for (guint i = 0; i < rows->len; i++)
      {
        char **row = g_ptr_array_index (rows, i);

        for (guint c = 0; c < G_N_ELEMENTS (headings); c++)
          mutual_cli_print ("%s%*s", row[c],
                            c + 1 < G_N_ELEMENTS (headings) ? widths[c] - (int) g_utf8_strlen (row[c], -1) + 2 : 0,
                            "");
        mutual_cli_print ("\n");
      }
  }
  return MUTUAL_EXIT_OK;
}

/* show */

static int
run_show (MutualCli  *cli,
          int         argc,
          char      **argv)
{
  g_autofree char *fields = NULL;
  const GOptionEntry entries[] = {
    { "fields", 0, 0, G_OPTION_ARG_STRING, &fields,
      N_("What to show of each certificate: all or summary (default)"), N_("WHICH") },
    { NULL }
  };
  g_autoptr(MutualIdentityStore) store = NULL;
  g_autoptr(MutualIdentity) identity = NULL;
  g_autoptr(GPtrArray) certificates = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gboolean all_fields;
  int exit_code;

  if (!mutual_cli_parse (cli, entries, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    return mutual_cli_usage_error (cli, _("Give one identity, by id or label"));
  if (fields != NULL && !g_str_equal (fields, "all") && !g_str_equal (fields, "summary"))
    return mutual_cli_usage_error (cli, _("--fields takes “all” or “summary”, not “%s”"), fields);
  all_fields = fields != NULL && g_str_equal (fields, "all");

  store = mutual_identity_store_new ();
  identity = mutual_cli_find_identity (store, argv[1], &error);
  if (identity == NULL)
    return fail (cli, error);

  /* The certificates only: showing an identity never reads its private key. */
  mutual_identity_store_load_certificates_async (store, identity, NULL, mutual_cli_result_cb, &result);
  mutual_cli_wait (&result);
  certificates = mutual_identity_store_load_certificates_finish (store, result, &error);
  if (certificates == NULL)
    return fail (cli, error);

  if (mutual_cli_get_json (cli))
    {
      MutualJson *json = mutual_cli_json_begin (cli, "mutualctl.show/1");

      mutual_identity_to_json (identity, json, "identity", now);
      mutual_json_begin_array (json, "certificates");
      for (guint i = 0; i < certificates->len; i++)
        mutual_certificate_to_json (g_ptr_array_index (certificates, i), json, NULL, now, all_fields);
      mutual_json_end_array (json);
      mutual_cli_json_end (cli, json);
      return MUTUAL_EXIT_OK;
    }

  mutual_cli_print ("%s (%s) — %s\n", mutual_identity_get_label (identity),
                    mutual_identity_get_id (identity), mutual_identity_get_key_type (identity));
  for (guint i = 0; i < certificates->len; i++)
    {
      g_autoptr(GPtrArray) sections = mutual_certificate_get_sections (g_ptr_array_index (certificates, i), now);

      mutual_cli_print ("\n");
      mutual_cli_print (i == 0 ? _("Certificate: %s") : _("Chain certificate: %s"),
                        mutual_certificate_get_subject_name (g_ptr_array_index (certificates, i)));
      mutual_cli_print ("\n");
      mutual_cli_print_sections (sections, all_fields);
    }
  return MUTUAL_EXIT_OK;
}

/* export */

static int
run_export (MutualCli  *cli,
            int         argc,
            char      **argv)
{
  g_autofree char *format = NULL;
  g_autofree char *out = NULL;
  g_autofree char *password_file = NULL;
  const GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &format,
      N_("pem (certificate, chain and key in one file) or p12 (PKCS#12)"), N_("FORMAT") },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out,
      N_("Write to PATH (created with mode 0600, replaced atomically)"), N_("PATH") },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file,
      N_("Protect the key with the password in FILE (its first line); required for p12"),
      N_("FILE") },
    { NULL }
  };
  g_autoptr(MutualIdentityStore) store = NULL;
  g_autoptr(MutualIdentity) identity = NULL;
  g_autoptr(GFile) destination = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  MutualExportFormat export_format;
  char *password = NULL;
  gboolean ok;
  int exit_code;

  if (!mutual_cli_parse (cli, entries, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    return mutual_cli_usage_error (cli, _("Give one identity, by id or label"));
  if (format == NULL || out == NULL)
    return mutual_cli_usage_error (cli, _("--format and --out are required"));
  if (g_str_equal (format, "pem"))
    export_format = MUTUAL_EXPORT_PEM;
  else if (g_str_equal (format, "p12") || g_str_equal (format, "pkcs12"))
    export_format = MUTUAL_EXPORT_PKCS12;
  else
    return mutual_cli_usage_error (cli, _("--format takes “pem” or “p12”, not “%s”"), format);
  if (export_format == MUTUAL_EXPORT_PKCS12 && password_file == NULL)
    return mutual_cli_usage_error (cli, _("A PKCS#12 file needs a password: give --password-file"));

  if (password_file != NULL)
    {
      password = mutual_cli_read_password_file (password_file, &error);
      if (password == NULL)
        return mutual_cli_fail (cli, MUTUAL_EXIT_INPUT, error);
    }

  store = mutual_identity_store_new ();
  identity = mutual_cli_find_identity (store, argv[1], &error);
  if (identity == NULL)
    {
      mutual_cli_free_password (password);
      return fail (cli, error);
    }

  destination = g_file_new_for_commandline_arg (out);
  mutual_identity_store_export_async (store, identity, export_format, password, destination, NULL,
                                      mutual_cli_result_cb, &result);
  mutual_cli_free_password (password);
  mutual_cli_wait (&result);
  ok = mutual_identity_store_export_finish (store, result, &error);
  if (!ok)
    return fail (cli, error);

  if (mutual_cli_get_json (cli))
    {
      MutualJson *json = mutual_cli_json_begin (cli, "mutualctl.export/1");

      mutual_json_string (json, "id", mutual_identity_get_id (identity));
      mutual_json_string (json, "format", export_format == MUTUAL_EXPORT_PKCS12 ? "p12" : "pem");
      mutual_json_string (json, "path", out);
      mutual_cli_json_end (cli, json);
      return MUTUAL_EXIT_OK;
    }

  /* Translators: the first %s is a label, the second a file. */
  g_printerr (_("Exported “%s” with its private key to %s (readable by you only)"),
              mutual_identity_get_label (identity), out);
  g_printerr ("\n");
  return MUTUAL_EXIT_OK;
}

/* rename */

static int
run_rename (MutualCli  *cli,
            int         argc,
            char      **argv)
{
  g_autoptr(MutualIdentityStore) store = NULL;
  g_autoptr(MutualIdentity) identity = NULL;
  g_autoptr(MutualIdentity) renamed = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code;

  if (!mutual_cli_parse (cli, NULL, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 3)
    return mutual_cli_usage_error (cli, _("Give the identity (id or label) and its new label"));
  if (argv[2][0] == '\0')
    return mutual_cli_usage_error (cli, _("The label cannot be empty"));

  store = mutual_identity_store_new ();
  identity = mutual_cli_find_identity (store, argv[1], &error);
  if (identity == NULL)
    return fail (cli, error);

  mutual_identity_store_rename_async (store, identity, argv[2], NULL, mutual_cli_result_cb, &result);
  mutual_cli_wait (&result);
  renamed = mutual_identity_store_rename_finish (store, result, &error);
  if (renamed == NULL)
    return fail (cli, error);

  if (mutual_cli_get_json (cli))
    {
      MutualJson *json = mutual_cli_json_begin (cli, "mutualctl.rename/1");

      mutual_identity_to_json (renamed, json, "identity", g_get_real_time () / G_USEC_PER_SEC);
      mutual_cli_json_end (cli, json);
      return MUTUAL_EXIT_OK;
    }
  g_printerr (_("Renamed %s to “%s”"), mutual_identity_get_id (renamed), mutual_identity_get_label (renamed));
  g_printerr ("\n");
  return MUTUAL_EXIT_OK;
}

/* remove */

static gboolean
confirm (const char *question)
{
  char answer[16] = { 0 };
  FILE *tty = fopen ("/dev/tty", "r+e");
  gboolean yes;

  if (tty == NULL)
    return FALSE;
  fprintf (tty, "%s ", question);
  fflush (tty);
  yes = fgets (answer, sizeof answer, tty) != NULL && (answer[0] == 'y' || answer[0] == 'Y');
  fclose (tty);
  return yes;
}

static int
run_remove (MutualCli  *cli,
            int         argc,
            char      **argv)
{
  gboolean yes = FALSE;
  const GOptionEntry entries[] = {
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &yes, N_("Do not ask for confirmation"), NULL },
    { NULL }
  };
  g_autoptr(MutualIdentityStore) store = NULL;
  g_autoptr(MutualIdentity) identity = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code;

  if (!mutual_cli_parse (cli, entries, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    return mutual_cli_usage_error (cli, _("Give one identity, by id or label"));
  if (!yes && !isatty (STDIN_FILENO))
    return mutual_cli_usage_error (cli, _("Removing deletes the private key: confirm with --yes"));

  store = mutual_identity_store_new ();
  identity = mutual_cli_find_identity (store, argv[1], &error);
  if (identity == NULL)
    return fail (cli, error);

  if (!yes)
    {
      g_autofree char *question = g_strdup_printf (_("Remove “%s” (%s) and its private key from the "
                                                     "keyring? [y/N]"),
                                                   mutual_identity_get_label (identity),
                                                   mutual_identity_get_id (identity));

      if (!confirm (question))
        {
          g_printerr ("%s\n", _("Nothing was removed."));
          return MUTUAL_EXIT_FAILED;
        }
    }

  mutual_identity_store_remove_async (store, identity, NULL, mutual_cli_result_cb, &result);
  mutual_cli_wait (&result);
  if (!mutual_identity_store_remove_finish (store, result, &error))
    return fail (cli, error);

  if (mutual_cli_get_json (cli))
    {
      MutualJson *json = mutual_cli_json_begin (cli, "mutualctl.remove/1");

      mutual_json_string (json, "id", mutual_identity_get_id (identity));
      mutual_json_boolean (json, "removed", TRUE);
      mutual_cli_json_end (cli, json);
      return MUTUAL_EXIT_OK;
    }
  g_printerr (_("Removed “%s” (%s)"), mutual_identity_get_label (identity), mutual_identity_get_id (identity));
  g_printerr ("\n");
  return MUTUAL_EXIT_OK;
}

static const int store_exit_codes[] = {
  MUTUAL_EXIT_OK, MUTUAL_EXIT_USAGE, MUTUAL_EXIT_INPUT, MUTUAL_EXIT_UNAVAILABLE, MUTUAL_EXIT_FAILED, -1
};

const MutualCliCommand mutual_cli_command_import = {
  .name = "import",
  .parameter_string = N_("FILE…"),
  .summary = N_("Store a client identity (certificate, chain and key) in the keyring"),
  .description = N_("Reads the identity from a PKCS#12 file, a PEM bundle, or separate "
                    "certificate and key files, and stores it in the keyring. The files can "
                    "then be deleted: the private key is kept only in the keyring."),
  .exit_codes = store_exit_codes,
  .run = run_import,
};

const MutualCliCommand mutual_cli_command_list = {
  .name = "list",
  .parameter_string = NULL,
  .summary = N_("List the identities in the keyring, with their validity"),
  .description = N_("Reads only what the keyring shows without being unlocked."),
  .exit_codes = store_exit_codes,
  .run = run_list,
};

const MutualCliCommand mutual_cli_command_show = {
  .name = "show",
  .parameter_string = N_("ID|LABEL"),
  .summary = N_("Show an identity's certificate and chain"),
  .description = N_("The private key is not read."),
  .exit_codes = store_exit_codes,
  .run = run_show,
};

const MutualCliCommand mutual_cli_command_export = {
  .name = "export",
  .parameter_string = N_("ID|LABEL"),
  .summary = N_("Write an identity, private key included, to a file"),
  .description = N_("The file is created readable by you only (mode 0600) and replaced "
                    "atomically. With --password-file, the key in a PEM bundle is encrypted."),
  .exit_codes = store_exit_codes,
  .run = run_export,
};

const MutualCliCommand mutual_cli_command_rename = {
  .name = "rename",
  .parameter_string = N_("ID|LABEL NEW-LABEL"),
  .summary = N_("Change an identity's label"),
  .description = NULL,
  .exit_codes = store_exit_codes,
  .run = run_rename,
};

const MutualCliCommand mutual_cli_command_remove = {
  .name = "remove",
  .parameter_string = N_("ID|LABEL"),
  .summary = N_("Delete an identity and its private key from the keyring"),
  .description = N_("Asks for confirmation unless --yes is given."),
  .exit_codes = store_exit_codes,
  .run = run_remove,
};
