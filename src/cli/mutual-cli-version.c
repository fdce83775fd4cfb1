/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "mutual-cli.h"

static int
run_version (MutualCli  *cli,
             int         argc,
             char      **argv)
{
  g_autoptr(GArray) components = NULL;
  int exit_code;

  if (!mutual_cli_parse (cli, NULL, &argc, &argv, &exit_code))
    return exit_code;
  if (argc > 1)
    return mutual_cli_usage_error (cli, _("Unexpected argument “%s”"), argv[1]);

  components = mutual_version_components ();

  if (mutual_cli_get_json (cli))
    {
      MutualJson *json = mutual_cli_json_begin (cli, "mutualctl.version/1");

      mutual_json_string (json, "version", mutual_version_string ());
      mutual_json_string (json, "profile", PROFILE);
      mutual_json_begin_object (json, "components");
      for (guint i = 0; i < components->len; i++)
        {
          const MutualComponentVersion *c = &g_array_index (components, MutualComponentVersion, i);

          mutual_json_string (json, c->name, c->version);
        }
      mutual_json_end_object (json);
      mutual_cli_json_end (cli, json);
      return MUTUAL_EXIT_OK;
    }

  g_print ("mutualctl %s\n", mutual_version_string ());
  for (guint i = 0; i < components->len; i++)
    {
      const MutualComponentVersion *c = &g_array_index (components, MutualComponentVersion, i);

      g_print ("  %-10s %s\n", c->name, c->version);
    }

  return MUTUAL_EXIT_OK;
}

static const int version_exit_codes[] = { MUTUAL_EXIT_OK, MUTUAL_EXIT_USAGE, -1 };

const MutualCliCommand mutual_cli_command_version = {
  .name = "version",
  .parameter_string = NULL,
  .summary = N_("Show the versions of Mutual and of the libraries it uses"),
  .description = N_("The TLS and keyring libraries are listed with the versions loaded at run "
                    "time; include this output in bug reports."),
  .exit_codes = version_exit_codes,
  .run = run_version,
};
