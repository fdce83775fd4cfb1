/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "mutual-cli.h"

struct _MutualCli
{
  const MutualCliCommand *command;
  gboolean json;
};

/* Every command, in the order --help lists them. Those without a definition here are
 * in the mutualctl-services module, loaded when one of them runs. */
static const struct
{
  const char *name;
  const MutualCliCommand *command;
} commands[] = {
  { "inspect", &mutual_cli_command_inspect },
  { "import", NULL },
  { "list", NULL },
  { "show", NULL },
  { "export", NULL },
  { "rename", NULL },
  { "remove", NULL },
  { "enroll", NULL },
  { "renew", NULL },
  { "set-renewal", NULL },
  { "status", NULL },
  { "agent", NULL },
  { "probe", &mutual_cli_command_probe },
  { "version", NULL },
};

static const struct
{
  MutualExit code;
  const char *text;
} exit_texts[] = {
  { MUTUAL_EXIT_OK, N_("Success.") },
  { MUTUAL_EXIT_PROBLEMS, N_("The command completed and found problems (an expired certificate, "
                              "a broken chain, a rejected handshake).") },
  { MUTUAL_EXIT_USAGE, N_("Usage error: unknown command or option, missing or extra argument.") },
  { MUTUAL_EXIT_INPUT, N_("Input error: a file could not be read or parsed.") },
  { MUTUAL_EXIT_UNAVAILABLE, N_("A service was unavailable: the keyring, the CA or the host "
                                 "could not be reached.") },
  { MUTUAL_EXIT_FAILED, N_("The operation was attempted and failed.") },
};

const char *
mutual_cli_exit_describe (MutualExit exit_code)
{
  for (guint i = 0; i < G_N_ELEMENTS (exit_texts); i++)
    {
      if (exit_texts[i].code == exit_code)
        return _(exit_texts[i].text);
    }

  g_return_val_if_reached (NULL);
}

static void
append_exit_codes (GString   *out,
                   const int *codes)
{
  g_string_append_printf (out, "%s\n", _("Exit status:"));

  if (codes == NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (exit_texts); i++)
        g_string_append_printf (out, "  %d  %s\n", exit_texts[i].code, _(exit_texts[i].text));
      return;
    }

  for (guint i = 0; codes[i] >= 0; i++)
    g_string_append_printf (out, "  %d  %s\n", codes[i], mutual_cli_exit_describe (codes[i]));
}

static char *
top_level_help (void)
{
  GString *out = g_string_new (NULL);
  g_autofree char *unavailable = NULL;
  int width = 0;

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    width = MAX (width, (int) strlen (commands[i].name));
  width = MAX (width, (int) strlen ("help"));

  g_string_append_printf (out, "%s\n", _("Usage:"));
  g_string_append (out, "  mutualctl COMMAND [OPTION…] [ARGUMENT…]\n");
  g_string_append (out, "  mutualctl --help | --version\n\n");
  g_string_append_printf (out, "%s\n\n",
                          _("Mutual keeps mutual-TLS client identities in the system keyring and "
                            "explains the certificates they are made of."));
  g_string_append_printf (out, "%s\n", _("Commands:"));
  g_string_append_printf (out, "  %-*s  %s\n", width, "help", _("Show the help of a command"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autoptr(GError) error = NULL;
      const MutualCliCommand *command = mutual_cli_find_command (commands[i].name, &error);

      if (command != NULL)
        g_string_append_printf (out, "  %-*s  %s\n", width, command->name, _(command->summary));
      else if (unavailable == NULL)
        unavailable = g_strdup (error->message);
    }
  if (unavailable != NULL)
    g_string_append_printf (out, "\n%s\n", unavailable);
  g_string_append_printf (out, "\n%s\n", _("Options:"));
  g_string_append_printf (out, "  -h, --help   %s\n", _("Show this help"));
  g_string_append_printf (out, "  --version    %s\n\n", _("Show the version of mutualctl"));
  g_string_append_printf (out, "%s\n\n",
                          _("Every command accepts --json: it then writes exactly one JSON object "
                            "to standard output, with a \"schema\" member naming its format, also "
                            "when it fails (the object then has an \"error\" member); only "
                            "\"probe --targets\" writes one object per line instead. Messages "
                            "for people go to standard error."));
  append_exit_codes (out, NULL);
  g_string_append_printf (out, "\n%s\n", _("Environment:"));
  g_string_append_printf (out, "  G_MESSAGES_DEBUG=Mutual,MutualCli  %s\n\n",
                          _("Print debug messages on standard error"));
  g_string_append (out, _("Run “mutualctl COMMAND --help” for the options of a command, "
                          "and see mutualctl(1)."));
  g_string_append_c (out, '\n');

  return g_string_free (out, FALSE);
}

static gboolean
is_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (g_str_equal (commands[i].name, name))
        return TRUE;
    }

  return FALSE;
}

/**
 * mutual_cli_find_command:
 *
 * Loads the services module when the command is one of its own.
 *
 * Returns: (nullable): the command; %NULL for an unknown name, with @error unset, or
 *   with @error set when the module holding the command cannot be loaded
 */
const MutualCliCommand *
mutual_cli_find_command (const char  *name,
                         GError     **error)
{
  const MutualCliServices *services;

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (!g_str_equal (commands[i].name, name))
        continue;
      if (commands[i].command != NULL)
        return commands[i].command;

      services = mutual_cli_get_services (error);
      if (services == NULL)
        return NULL;
      for (guint j = 0; services->commands[j] != NULL; j++)
        {
          if (g_str_equal (services->commands[j]->name, name))
            return services->commands[j];
        }
      g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_FAILED,
                   _("The installed module of keyring and CA commands has no “%s” command: it "
                     "is from another version of mutualctl. Reinstall Mutual."), name);
      return NULL;
    }

  return NULL;
}

gboolean
mutual_cli_get_json (MutualCli *cli)
{
  return cli->json;
}

/**
 * mutual_cli_parse:
 * @entries: (nullable): the command's own options, terminated by an empty entry
 * @exit_code: (out): set when this returns %FALSE
 *
 * Parses the options of the current command, adding the ones every command shares.
 * `--help` prints the command's help and exits the process with status 0.
 *
 * Returns: %FALSE on a usage error, which has been reported
 */
gboolean
mutual_cli_parse (MutualCli           *cli,
                  const GOptionEntry  *entries,
                  int                 *argc,
                  char              ***argv,
                  int                 *exit_code)
{
  const GOptionEntry shared[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli->json,
      N_("Write one JSON object to standard output instead of text"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) description = g_string_new (NULL);

  context = g_option_context_new (cli->command->parameter_string);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _(cli->command->summary));
  if (cli->command->description != NULL)
    g_string_append_printf (description, "%s\n\n", _(cli->command->description));
  append_exit_codes (description, cli->command->exit_codes);
  g_option_context_set_description (context, description->str);

  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, shared, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *exit_code = mutual_cli_usage_error (cli, "%s", error->message);
      return FALSE;
    }

  return TRUE;
}

static void
write_to_stdout (const char *text,
                 gsize       length,
                 gpointer    user_data)
{
  fwrite (text, 1, length, stdout);
}

/**
 * mutual_cli_json_begin:
 * @schema: the document's format and version, e.g. "mutualctl.inspect/1"
 *
 * Starts the one JSON object a command writes under --json: indented when a person
 * reads the terminal.
 *
 * Returns: (transfer full): the writer, for mutual_cli_json_end()
 */
MutualJson *
mutual_cli_json_begin (MutualCli  *cli,
                       const char *schema)
{
  /* Written as it is made: a thousand certificates are megabytes of JSON. */
  MutualJson *json = mutual_json_new_to_sink (isatty (STDOUT_FILENO), write_to_stdout, NULL);

  mutual_json_begin_object (json, NULL);
  mutual_json_string (json, "schema", schema);
  return json;
}

/**
 * mutual_cli_json_end:
 * @json: (transfer full): a writer from mutual_cli_json_begin()
 *
 * Closes the top-level object and writes the rest of it to standard output.
 */
void
mutual_cli_json_end (MutualCli  *cli,
                     MutualJson *json)
{
  mutual_json_end_object (json);
  mutual_json_finish (json);
  fputc ('\n', stdout);
  fflush (stdout);
}

/**
 * mutual_cli_json_add_error:
 * @member: (nullable): the member name, inside an object
 *
 * Writes {"domain", "code", "message"}.
 */
void
mutual_cli_json_add_error (MutualJson *json,
                           const char *member,
                           const char *domain,
                           int         code,
                           const char *message)
{
  mutual_json_begin_object (json, member);
  mutual_json_string (json, "domain", domain);
  mutual_json_int (json, "code", code);
  mutual_json_string (json, "message", message);
  mutual_json_end_object (json);
}

static void
json_error (MutualCli    *cli,
            MutualExit    exit_code,
            const char   *domain,
            int           code,
            const char   *message)
{
  MutualJson *json = mutual_cli_json_begin (cli, "mutualctl.error/1");

  mutual_json_string (json, "command", cli->command ? cli->command->name : NULL);
  mutual_json_int (json, "exit_code", exit_code);
  mutual_cli_json_add_error (json, "error", domain, code, message);
  mutual_cli_json_end (cli, json);
}

/**
 * mutual_cli_fail:
 *
 * Reports @error on standard error (and as JSON on standard output under --json).
 *
 * Returns: @exit_code, for `return mutual_cli_fail (...)`
 */
int
mutual_cli_fail (MutualCli    *cli,
                 MutualExit    exit_code,
                 const GError *error)
{
  if (cli->command != NULL)
    g_printerr ("mutualctl %s: %s\n", cli->command->name, error->message);
  else
    g_printerr ("mutualctl: %s\n", error->message);
  if (cli->json)
    json_error (cli, exit_code, g_quark_to_string (error->domain), error->code, error->message);

  return exit_code;
}

int
mutual_cli_usage_error (MutualCli  *cli,
                        const char *format,
                        ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (cli->command != NULL)
    {
      g_printerr ("mutualctl %s: %s\n", cli->command->name, message);
      g_printerr (_("Run “mutualctl %s --help” for its usage."), cli->command->name);
    }
  else
    {
      g_printerr ("mutualctl: %s\n", message);
      g_printerr ("%s", _("Run “mutualctl --help” for the list of commands."));
    }
  g_printerr ("\n");

  if (cli->json)
    json_error (cli, MUTUAL_EXIT_USAGE, "mutualctl-usage", 0, message);

  return MUTUAL_EXIT_USAGE;
}

/**
 * mutual_cli_result_cb:
 * @user_data: a `GAsyncResult **`, set to a reference on the result
 *
 * The callback for commands that wait for one asynchronous core operation.
 */
void
mutual_cli_result_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/**
 * mutual_cli_wait:
 *
 * Runs the main context until @result is set by mutual_cli_result_cb(). The core
 * bounds every operation with its own deadline, so this returns.
 */
void
mutual_cli_wait (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
}

/**
 * mutual_cli_print:
 *
 * Writes to standard output through stdio's buffer. g_print() flushes after every
 * call, which makes a long listing cost one system call per line.
 */
void
mutual_cli_print (const char *format,
                  ...)
{
  va_list args;

  va_start (args, format);
  vprintf (format, args);
  va_end (args);
}

/**
 * mutual_cli_load:
 * @arg: a file name from the command line, or a URI
 *
 * Reads an input file within the importer's size limit. A plain file name is read
 * directly; only a URI goes through GIO's virtual file system.
 *
 * Returns: (transfer full): the bytes, or %NULL with @error set
 */
GBytes *
mutual_cli_load (const char  *arg,
                 GError     **error)
{
  g_autoptr(GFile) file = NULL;

  if (g_uri_peek_scheme (arg) == NULL)
    return mutual_load_path (arg, error);

  file = g_file_new_for_commandline_arg (arg);
  return mutual_load_file (file, NULL, error);
}

#define MAX_PASSWORD_LENGTH 1024

/**
 * mutual_cli_read_password_file:
 *
 * Reads a password from the first line of @path (without its line break), so that it
 * never appears on a command line or in the shell's history.
 *
 * Returns: (transfer full): the password, to be freed with mutual_cli_free_password()
 */
char *
mutual_cli_read_password_file (const char  *path,
                               GError     **error)
{
  char buffer[MAX_PASSWORD_LENGTH + 2];
  gssize length = 0;
  char *password;
  int fd;

  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot read the password file %s: %s"), path, g_strerror (saved));
      return NULL;
    }
  while (length < (gssize) sizeof buffer - 1)
    {
      gssize n = read (fd, buffer + length, sizeof buffer - 1 - length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      length += n;
    }
  close (fd);
  buffer[length] = '\0';

  length = strcspn (buffer, "\r\n");
  if (length > MAX_PASSWORD_LENGTH)
    {
      explicit_bzero (buffer, sizeof buffer);
      g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_INVALID_ARGUMENT,
                   _("The password in %s is longer than %d characters"), path, MAX_PASSWORD_LENGTH);
      return NULL;
    }
  password = g_strndup (buffer, length);
  explicit_bzero (buffer, sizeof buffer);

  return password;
}

/**
 * mutual_cli_prompt_password:
 *
 * Asks for a password on the terminal, without echo.
 *
 * Returns: (transfer full) (nullable): the password, or %NULL if there is no terminal
 */
char *
mutual_cli_prompt_password (const char *prompt)
{
  char buffer[MAX_PASSWORD_LENGTH + 2];
  struct termios saved;
  struct termios quiet;
  gboolean restore;
  char *password = NULL;
  FILE *tty;

  tty = fopen ("/dev/tty", "r+e");
  if (tty == NULL)
    return NULL;

  restore = tcgetattr (fileno (tty), &saved) == 0;
  if (restore)
    {
      quiet = saved;
      quiet.c_lflag &= ~(tcflag_t) ECHO;
      tcsetattr (fileno (tty), TCSAFLUSH, &quiet);
    }

  fputs (prompt, tty);
  fflush (tty);
  if (fgets (buffer, sizeof buffer, tty) != NULL)
    {
      buffer[strcspn (buffer, "\r\n")] = '\0';
      password = g_strdup (buffer);
    }
  fputs ("\n", tty);

  if (restore)
    tcsetattr (fileno (tty), TCSAFLUSH, &saved);
  explicit_bzero (buffer, sizeof buffer);
  fclose (tty);

  return password;
}

void
mutual_cli_free_password (char *password)
{
  if (password == NULL)
    return;
  explicit_bzero (password, strlen (password));
  g_free (password);
}

static gboolean
argv_has_json (int    argc,
               char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--"))
        break;
      if (g_str_equal (argv[i], "--json"))
        return TRUE;
    }

  return FALSE;
}

int
mutual_cli_main (int    argc,
                 char **argv)
{
  MutualCli cli = { NULL, FALSE };
  g_autoptr(GError) error = NULL;
  const char *name;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* The program name starts --help's usage line: "mutualctl version [OPTION…]" reads
   * better than a bare "mutualctl" for a command. It can be set only once. */
  if (argc >= 2 && is_command (argv[1]))
    {
      g_autofree char *prgname = g_strdup_printf ("mutualctl %s", argv[1]);

      g_set_prgname (prgname);
    }
  else if (argc >= 3 && g_str_equal (argv[1], "help") && is_command (argv[2]))
    {
      g_autofree char *prgname = g_strdup_printf ("mutualctl %s", argv[2]);

      g_set_prgname (prgname);
    }
  else
    {
      g_set_prgname ("mutualctl");
    }

  if (argc < 2)
    {
      g_autofree char *help = top_level_help ();

      g_printerr ("%s", help);
      return MUTUAL_EXIT_USAGE;
    }

  name = argv[1];

  if (g_str_equal (name, "--help") || g_str_equal (name, "-h") ||
      (g_str_equal (name, "help") && argc == 2))
    {
      g_autofree char *help = top_level_help ();

      g_print ("%s", help);
      return MUTUAL_EXIT_OK;
    }

  if (g_str_equal (name, "--version"))
    {
      g_print ("mutualctl %s\n", PACKAGE_VERSION);
      return MUTUAL_EXIT_OK;
    }

  if (g_str_equal (name, "help"))
    {
      /* "mutualctl help COMMAND" is "mutualctl COMMAND --help". */
      char *help_argv[] = { argv[0], argv[2], (char *) "--help", NULL };

      if (argc > 3)
        return mutual_cli_usage_error (&cli, _("“help” takes at most one command name"));
      cli.command = mutual_cli_find_command (argv[2], &error);
      if (error != NULL)
        return mutual_cli_fail (&cli, MUTUAL_EXIT_FAILED, error);
      if (cli.command == NULL)
        return mutual_cli_usage_error (&cli, _("Unknown command “%s”"), argv[2]);
      return cli.command->run (&cli, 3, help_argv + 1);
    }

  cli.command = mutual_cli_find_command (name, &error);
  if (error != NULL)
    {
      cli.json = argv_has_json (argc, argv);
      return mutual_cli_fail (&cli, MUTUAL_EXIT_FAILED, error);
    }
  if (cli.command == NULL)
    {
      cli.json = argv_has_json (argc, argv);
      if (name[0] == '-')
        return mutual_cli_usage_error (&cli, _("Unknown option “%s” (options go after the command)"),
                                       name);
      return mutual_cli_usage_error (&cli, _("Unknown command “%s”"), name);
    }

  /* The command sees itself as argv[0], so that its options start at argv[1]. */
  return cli.command->run (&cli, argc - 1, argv + 1);
}
