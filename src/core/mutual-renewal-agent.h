/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "mutual-identity-store.h"

G_BEGIN_DECLS

/**
 * MutualRenewalRecord:
 * @id: the identity's id
 * @next_renewal: when the agent plans to renew it next (Unix seconds), 0 if never
 * @last_attempt: when it last tried (Unix seconds), 0 if never
 * @last_success: when a renewal last succeeded (Unix seconds), 0 if never
 * @last_ok: whether the last attempt succeeded
 * @last_error: (nullable): the last attempt's error message
 * @last_error_domain: (nullable): and its domain, e.g. "mutual-ca-error-quark"
 * @last_error_code: and its code
 * @ca_reachable: 1 when the CA answered the last attempt, 0 when it could not be
 *   reached or did not answer, -1 when unknown
 * @failures: consecutive failed attempts
 * @reenroll_needed: the CA refuses to renew: the agent stopped trying
 * @hook_status: the exit status of the hook after the last renewal, -1 if none ran
 * @planned_for: (nullable): the SHA-256 fingerprint of the certificate that
 *   @next_renewal was planned for
 * @hook_timed_out: the hook ran longer than the profile allows and was stopped
 *   (@hook_status then says how it ended, usually 128 + SIGTERM)
 * @planned_policy: (nullable): the renewal policy (as the profile writes it) that
 *   @next_renewal was planned with; a changed policy is planned again
 *
 * What the renewal agent knows of one identity, kept across runs in a state file
 * (nothing secret: `$XDG_STATE_HOME/mutual/renewals.json`). Every process that writes
 * it (agents, mutualctl renew) changes it under a lock on `renewals.json.lock` beside
 * it, from what it reads there under that lock, and replaces it atomically.
 */
typedef struct
{
  char *id;
  gint64 next_renewal;
  gint64 last_attempt;
  gint64 last_success;
  gboolean last_ok;
  char *last_error;
  char *last_error_domain;
  int last_error_code;
  int ca_reachable;
  guint failures;
  gboolean reenroll_needed;
  int hook_status;
  char *planned_for;
  gboolean hook_timed_out;
  char *planned_policy;
} MutualRenewalRecord;

void        mutual_renewal_record_free  (MutualRenewalRecord *record);
GHashTable *mutual_renewal_records_load (void);
void        mutual_renewal_records_note (MutualIdentity      *identity,
                                         MutualIdentity      *renewed,
                                         const GError        *error,
                                         int                  hook_status);
void        mutual_renewal_records_note_full (MutualIdentity *identity,
                                              MutualIdentity *renewed,
                                              const GError   *error,
                                              int             hook_status,
                                              gboolean        hook_timed_out);

#define MUTUAL_TYPE_RENEWAL_AGENT (mutual_renewal_agent_get_type ())

G_DECLARE_FINAL_TYPE (MutualRenewalAgent, mutual_renewal_agent, MUTUAL, RENEWAL_AGENT, GObject)

MutualRenewalAgent *mutual_renewal_agent_new    (MutualIdentityStore *store);
void                mutual_renewal_agent_start  (MutualRenewalAgent  *self);
void                mutual_renewal_agent_stop   (MutualRenewalAgent  *self);
void                mutual_renewal_agent_set_timeout (MutualRenewalAgent *self,
                                                      guint               seconds);

G_END_DECLS
