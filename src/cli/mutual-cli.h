/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mutual-core.h"

G_BEGIN_DECLS

/* The exit codes of mutualctl. They are part of its interface: scripts test them, and
 * `mutualctl --help` and mutualctl(1) list them. Never renumber one. */
typedef enum
{
  MUTUAL_EXIT_OK          = 0,
  MUTUAL_EXIT_PROBLEMS    = 1,
  MUTUAL_EXIT_USAGE       = 2,
  MUTUAL_EXIT_INPUT       = 3,
  MUTUAL_EXIT_UNAVAILABLE = 4,
  MUTUAL_EXIT_FAILED      = 5,
} MutualExit;

typedef struct _MutualCli MutualCli;

typedef struct
{
  const char *name;
  /* Shown after the command name in usage lines, e.g. "[FILE...]". */
  const char *parameter_string;
  /* One line for the command list, translatable. */
  const char *summary;
  /* Paragraphs for `mutualctl COMMAND --help`, translatable, may be NULL. */
  const char *description;
  /* Exit codes the command can return, in the order to list them, ending with -1. */
  const int *exit_codes;
  int (*run) (MutualCli *cli, int argc, char **argv);
} MutualCliCommand;

/* The keyring and CA side of mutualctl: the module mutualctl-services, loaded on first
 * use by mutual_cli_get_services() (mutual-cli-loader.c). */
typedef struct
{
  /* Its commands, ending with NULL. */
  const MutualCliCommand * const *commands;
  /* For `probe --identity`: the stored identity's chain and key, and its label. On
   * failure @exit_code says which exit status the error calls for. */
  MutualBundle *(*load_identity) (const char  *name,
                                  char       **label,
                                  int         *exit_code,
                                  GError     **error);
} MutualCliServices;

/* The module's entry point, looked up by this name. */
typedef const MutualCliServices *(*MutualCliServicesInit) (void);
#define MUTUAL_CLI_SERVICES_INIT "mutual_cli_services_init"

const MutualCliServices *mutual_cli_get_services (GError **error);
const MutualCliCommand  *mutual_cli_find_command (const char *name,
                                                  GError    **error);

gboolean     mutual_cli_parse           (MutualCli           *cli,
                                         const GOptionEntry  *entries,
                                         int                 *argc,
                                         char              ***argv,
                                         int                 *exit_code);
gboolean     mutual_cli_get_json        (MutualCli           *cli);
MutualJson  *mutual_cli_json_begin      (MutualCli           *cli,
                                         const char          *schema);
void         mutual_cli_json_end        (MutualCli           *cli,
                                         MutualJson          *json);
void         mutual_cli_json_add_error  (MutualJson          *json,
                                         const char          *member,
                                         const char          *domain,
                                         int                  code,
                                         const char          *message);
int          mutual_cli_fail            (MutualCli           *cli,
                                         MutualExit           exit_code,
                                         const GError        *error);
int          mutual_cli_usage_error     (MutualCli           *cli,
                                         const char          *format,
                                         ...) G_GNUC_PRINTF (2, 3);
const char  *mutual_cli_exit_describe   (MutualExit           exit_code);

void         mutual_cli_result_cb       (GObject             *source,
                                         GAsyncResult        *result,
                                         gpointer             user_data);
void         mutual_cli_wait            (GAsyncResult       **result);
void         mutual_cli_print           (const char          *format,
                                         ...) G_GNUC_PRINTF (1, 2);
void         mutual_cli_print_section   (MutualSection       *section,
                                         gboolean             show_title);
void         mutual_cli_print_sections  (GPtrArray           *sections,
                                         gboolean             all_fields);
GBytes      *mutual_cli_load            (const char       *arg,
                                         GError          **error);
char        *mutual_cli_read_password_file (const char       *path,
                                            GError          **error);
char        *mutual_cli_prompt_password    (const char       *prompt);
void         mutual_cli_free_password      (char             *password);

int          mutual_cli_exit_code_for      (const GError     *error);
int          mutual_cli_ca_exit_code_for   (const GError     *error);
MutualIdentityStore *mutual_cli_open_store (GError          **error);
MutualIdentity *mutual_cli_find_identity   (MutualIdentityStore *store,
                                            const char          *name,
                                            GError             **error);

int          mutual_cli_main            (int                  argc,
                                         char               **argv);

/* Commands, one per file. inspect and probe are in the executable, the others in the
 * mutualctl-services module. */
extern const MutualCliCommand mutual_cli_command_agent;
extern const MutualCliCommand mutual_cli_command_enroll;
extern const MutualCliCommand mutual_cli_command_export;
extern const MutualCliCommand mutual_cli_command_import;
extern const MutualCliCommand mutual_cli_command_inspect;
extern const MutualCliCommand mutual_cli_command_list;
extern const MutualCliCommand mutual_cli_command_probe;
extern const MutualCliCommand mutual_cli_command_remove;
extern const MutualCliCommand mutual_cli_command_rename;
extern const MutualCliCommand mutual_cli_command_renew;
extern const MutualCliCommand mutual_cli_command_set_renewal;
extern const MutualCliCommand mutual_cli_command_show;
extern const MutualCliCommand mutual_cli_command_status;
extern const MutualCliCommand mutual_cli_command_version;

G_END_DECLS
