/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>

#include "mutual-core.h"

typedef struct
{
  char *out;
  char *err;
  int status;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* Runs mutualctl with @args (NULL-terminated) and records what it printed and how it
 * exited. */
static void
run_mutualctl (Run *run,
               ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *arg;
  int wait_status = 0;
  va_list args;

  g_ptr_array_add (argv, (gpointer) g_getenv ("MUTUALCTL"));
  va_start (args, run);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &run->out, &run->err, &wait_status, &error);
  g_assert_no_error (error);

  g_assert_true (WIFEXITED (wait_status));
  run->status = WEXITSTATUS (wait_status);
}

static JsonObject *
parse_json_object (const char *text,
                   JsonParser *parser)
{
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));

  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_version (void)
{
  g_auto(Run) run = { 0 };
  g_autofree char *expected = g_strdup_printf ("mutualctl %s\n", mutual_version_string ());

  run_mutualctl (&run, "--version", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, expected);
  g_assert_cmpstr (run.err, ==, "");
}

static void
test_version_command_json (void)
{
  g_auto(Run) run = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  JsonObject *components;

  run_mutualctl (&run, "version", "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);

  object = parse_json_object (run.out, parser);
  g_assert_cmpstr (json_object_get_string_member (object, "schema"), ==, "mutualctl.version/1");
  g_assert_cmpstr (json_object_get_string_member (object, "version"), ==,
                   mutual_version_string ());
  components = json_object_get_object_member (object, "components");
  g_assert_nonnull (components);
  /* The versions are the ones loaded at run time, so only their form is checked. */
  g_assert_true (g_regex_match_simple ("^3\\.[0-9]+\\.[0-9]+$",
                                       json_object_get_string_member (components, "GnuTLS"),
                                       0, 0));
  g_assert_true (g_regex_match_simple ("^2\\.[0-9]+\\.[0-9]+$",
                                       json_object_get_string_member (components, "GLib"),
                                       0, 0));
  g_assert_true (json_object_has_member (components, "libsecret"));
  g_assert_true (json_object_has_member (components, "libsoup"));
}

static void
test_help (void)
{
  g_auto(Run) run = { 0 };
  g_auto(Run) help_command = { 0 };

  run_mutualctl (&run, "--help", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Usage:"));
  g_assert_nonnull (strstr (run.out, "Commands:"));
  g_assert_nonnull (strstr (run.out, "  version "));
  g_assert_nonnull (strstr (run.out, "Exit status:"));
  g_assert_nonnull (strstr (run.out, "--json"));
  for (int code = 0; code <= 5; code++)
    {
      g_autofree char *line = g_strdup_printf ("\n  %d  ", code);

      g_assert_nonnull (strstr (run.out, line));
    }

  /* "help" without a command is the same text. */
  run_mutualctl (&help_command, "help", NULL);
  g_assert_cmpint (help_command.status, ==, 0);
  g_assert_cmpstr (help_command.out, ==, run.out);
}

static void
test_command_help (void)
{
  g_auto(Run) run = { 0 };
  g_auto(Run) via_help = { 0 };

  run_mutualctl (&run, "version", "--help", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "mutualctl version"));
  g_assert_nonnull (strstr (run.out, "--json"));
  g_assert_nonnull (strstr (run.out, "Exit status:"));

  run_mutualctl (&via_help, "help", "version", NULL);
  g_assert_cmpint (via_help.status, ==, 0);
  g_assert_cmpstr (via_help.out, ==, run.out);
}

static void
test_usage_errors (void)
{
  g_auto(Run) none = { 0 };
  g_auto(Run) unknown = { 0 };
  g_auto(Run) bad_option = { 0 };
  g_auto(Run) extra = { 0 };
  g_auto(Run) unknown_json = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  JsonObject *error;

  run_mutualctl (&none, NULL);
  g_assert_cmpint (none.status, ==, 2);
  g_assert_cmpstr (none.out, ==, "");
  g_assert_nonnull (strstr (none.err, "Usage:"));

  run_mutualctl (&unknown, "frobnicate", NULL);
  g_assert_cmpint (unknown.status, ==, 2);
  g_assert_nonnull (strstr (unknown.err, "frobnicate"));
  g_assert_nonnull (strstr (unknown.err, "mutualctl --help"));

  run_mutualctl (&bad_option, "version", "--no-such-option", NULL);
  g_assert_cmpint (bad_option.status, ==, 2);
  g_assert_nonnull (strstr (bad_option.err, "--no-such-option"));

  run_mutualctl (&extra, "version", "surplus", NULL);
  g_assert_cmpint (extra.status, ==, 2);
  g_assert_nonnull (strstr (extra.err, "surplus"));

  /* Under --json, a failure is still one JSON object on standard output. */
  run_mutualctl (&unknown_json, "frobnicate", "--json", NULL);
  g_assert_cmpint (unknown_json.status, ==, 2);
  object = parse_json_object (unknown_json.out, parser);
  g_assert_cmpstr (json_object_get_string_member (object, "schema"), ==, "mutualctl.error/1");
  g_assert_cmpint (json_object_get_int_member (object, "exit_code"), ==, 2);
  error = json_object_get_object_member (object, "error");
  g_assert_nonnull (strstr (json_object_get_string_member (error, "message"), "frobnicate"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_assert_nonnull (g_getenv ("MUTUALCTL"));

  g_test_add_func ("/cli/version", test_version);
  g_test_add_func ("/cli/version-command-json", test_version_command_json);
  g_test_add_func ("/cli/help", test_help);
  g_test_add_func ("/cli/command-help", test_command_help);
  g_test_add_func ("/cli/usage-errors", test_usage_errors);

  return g_test_run ();
}
