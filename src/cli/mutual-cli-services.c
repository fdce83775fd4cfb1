/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gmodule.h>

#include "mutual-cli.h"

/* The entry point of mutualctl-services: the commands that use the keyring or a CA,
 * and what `probe --identity` needs of the keyring. */

static const MutualCliCommand * const services_commands[] = {
  &mutual_cli_command_import,
  &mutual_cli_command_list,
  &mutual_cli_command_show,
  &mutual_cli_command_export,
  &mutual_cli_command_rename,
  &mutual_cli_command_remove,
  &mutual_cli_command_enroll,
  &mutual_cli_command_renew,
  &mutual_cli_command_set_renewal,
  &mutual_cli_command_status,
  &mutual_cli_command_agent,
  &mutual_cli_command_version,
  NULL,
};

static MutualBundle *
load_identity (const char  *name,
               char       **label,
               int         *exit_code,
               GError     **error)
{
  g_autoptr(MutualIdentityStore) store = mutual_identity_store_new ();
  g_autoptr(MutualIdentity) identity = NULL;
  g_autoptr(MutualBundle) bundle = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  identity = mutual_cli_find_identity (store, name, error);
  if (identity == NULL)
    {
      *exit_code = mutual_cli_exit_code_for (*error);
      return NULL;
    }

  mutual_identity_store_load_credentials_async (store, identity, NULL, mutual_cli_result_cb, &result);
  mutual_cli_wait (&result);
  bundle = mutual_identity_store_load_credentials_finish (store, result, error);
  if (bundle == NULL)
    {
      *exit_code = MUTUAL_EXIT_UNAVAILABLE;
      if ((*error)->domain == MUTUAL_ERROR &&
          ((*error)->code == MUTUAL_ERROR_ITEM_UNREADABLE || (*error)->code == MUTUAL_ERROR_NOT_FOUND))
        *exit_code = MUTUAL_EXIT_FAILED;
      return NULL;
    }

  *label = g_strdup (mutual_identity_get_label (identity));
  return g_steal_pointer (&bundle);
}

static const MutualCliServices services = {
  .commands = services_commands,
  .load_identity = load_identity,
};

G_MODULE_EXPORT const MutualCliServices *mutual_cli_services_init (void);

const MutualCliServices *
mutual_cli_services_init (void)
{
  /* Loaded before the command runs, so before any thread: the CA client's TLS
   * priority goes into the environment now. */
  mutual_ca_client_prepare_process ();
  return &services;
}
