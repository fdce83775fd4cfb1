/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sys/file.h>
#include <unistd.h>

#include "mutual-ca-client.h"
#include "mutual-renewal-agent.h"
#include "mutual-renewal.h"

/**
 * MutualRenewalAgent:
 *
 * Renews every identity that has a CA profile, by itself: at the point its policy
 * says (a fraction of the lifetime, or a time before expiry), minus a random jitter so
 * that many clients do not all come at once; after a failure, again with exponential
 * backoff up to a cap; at once when the network comes back after the CA could not be
 * reached. Times are planned on the wall clock and checked at least every minute on
 * the monotonic one, so that a suspend, a resume or a change of the clock only delays
 * a due renewal by that minute at most; where logind is on the system bus, its
 * PrepareForSleep(false) at resume re-plans at once. One identity is never renewed
 * twice at once (mutual_renewal_renew_async() also takes a lock that other processes
 * respect).
 *
 * What it knows of each identity (next renewal, last attempt and its result, whether
 * the CA was reachable) is kept in `$XDG_STATE_HOME/mutual/renewals.json`, which
 * `mutualctl status` reads.
 */
struct _MutualRenewalAgent
{
  GObject parent_instance;

  MutualIdentityStore *store;
  GHashTable *records;
  GHashTable *running;
  /* The ids this agent listed: only their records go when they vanish from the list. */
  GHashTable *known;
  GNetworkMonitor *monitor;
  GDBusConnection *system_bus;
  guint sleep_subscription;
  GCancellable *cancellable;
  gulong items_handler;
  gulong network_handler;
  guint timer;
  guint timeout;
  gint64 armed_wall;
  gint64 armed_monotonic;
};

G_DEFINE_FINAL_TYPE (MutualRenewalAgent, mutual_renewal_agent, G_TYPE_OBJECT)

enum {
  RENEWAL_PLANNED,
  RENEWAL_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The longest the agent sleeps before looking at the wall clock again. */
#define TICK_SECONDS 60
#define BACKOFF_FIRST_SECONDS 30
#define BACKOFF_CAP_SECONDS 3600
/* Jitter: up to a twentieth of the lifetime, at most 15 minutes. */
#define JITTER_CAP_SECONDS 900
/* After a renewal, the next is never planned sooner than this. */
#define MIN_INTERVAL_SECONDS 5
#define CLOCK_JUMP_SECONDS 5

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Records and their file */

void
mutual_renewal_record_free (MutualRenewalRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->id);
  g_free (record->last_error);
  g_free (record->last_error_domain);
  g_free (record->planned_for);
  g_free (record->planned_policy);
  g_free (record);
}

/* Writers of the state file take an exclusive lock on a file beside it for the whole
 * read-change-write, so that an agent and mutualctl renew (or two agents) never write
 * over what the other recorded. Readers need no lock: the file is replaced atomically. */
static int
records_lock (void)
{
  g_autofree char *folder = g_build_filename (g_get_user_state_dir (), "mutual", NULL);
  g_autofree char *path = g_build_filename (folder, "renewals.json.lock", NULL);
  int fd;

  if (g_mkdir_with_parents (folder, 0700) != 0 ||
      (fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0)
    {
      int saved = errno;

      g_warning ("Cannot lock the renewal state (%s): %s", path, g_strerror (saved));
      return -1;
    }
  while (flock (fd, LOCK_EX) != 0)
    {
      if (errno != EINTR)
        {
          g_warning ("Cannot lock the renewal state (%s): %s", path, g_strerror (errno));
          close (fd);
          return -1;
        }
    }
  return fd;
}

static void
records_unlock (int fd)
{
  /* Closing the last descriptor releases the lock. */
  if (fd >= 0)
    close (fd);
}

static char *
state_path (void)
{
  return g_build_filename (g_get_user_state_dir (), "mutual", "renewals.json", NULL);
}

static const char *
string_or_null (JsonObject *object,
                const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node && json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node) : NULL;
}

/**
 * mutual_renewal_records_load:
 *
 * Returns: (transfer full) (element-type utf8 MutualRenewalRecord): the records kept
 *   by the agent, by identity id; empty when it never ran
 */
GHashTable *
mutual_renewal_records_load (void)
{
  GHashTable *records = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                               (GDestroyNotify) mutual_renewal_record_free);
  g_autofree char *path = state_path ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonArray *array;

  if (!json_parser_load_from_file (parser, path, NULL) || (root = json_parser_get_root (parser)) == NULL ||
      !JSON_NODE_HOLDS_ARRAY (root))
    return records;

  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      MutualRenewalRecord *record;

      if (object == NULL || string_or_null (object, "id") == NULL)
        continue;
      record = g_new0 (MutualRenewalRecord, 1);
      record->id = g_strdup (string_or_null (object, "id"));
      record->next_renewal = json_object_get_int_member_with_default (object, "next_renewal", 0);
      record->last_attempt = json_object_get_int_member_with_default (object, "last_attempt", 0);
      record->last_success = json_object_get_int_member_with_default (object, "last_success", 0);
      record->last_ok = json_object_get_boolean_member_with_default (object, "last_ok", FALSE);
      record->last_error = g_strdup (string_or_null (object, "last_error"));
      record->last_error_domain = g_strdup (string_or_null (object, "last_error_domain"));
      record->last_error_code = json_object_get_int_member_with_default (object, "last_error_code", 0);
      record->ca_reachable = json_object_get_int_member_with_default (object, "ca_reachable", -1);
      record->failures = json_object_get_int_member_with_default (object, "failures", 0);
      record->reenroll_needed = json_object_get_boolean_member_with_default (object, "reenroll_needed", FALSE);
      record->planned_for = g_strdup (string_or_null (object, "planned_for"));
      record->planned_policy = g_strdup (string_or_null (object, "planned_policy"));
      record->hook_status = json_object_get_int_member_with_default (object, "hook_status", -1);
      record->hook_timed_out = json_object_get_boolean_member_with_default (object, "hook_timed_out", FALSE);
      g_hash_table_replace (records, record->id, record);
    }
  return records;
}

static void
save_table (GHashTable *records)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *path = state_path ();
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  gpointer value;

  json_builder_begin_array (builder);
  g_hash_table_iter_init (&iter, records);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      MutualRenewalRecord *record = value;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, record->id);
      json_builder_set_member_name (builder, "next_renewal");
      json_builder_add_int_value (builder, record->next_renewal);
      json_builder_set_member_name (builder, "last_attempt");
      json_builder_add_int_value (builder, record->last_attempt);
      json_builder_set_member_name (builder, "last_success");
      json_builder_add_int_value (builder, record->last_success);
      json_builder_set_member_name (builder, "last_ok");
      json_builder_add_boolean_value (builder, record->last_ok);
      json_builder_set_member_name (builder, "last_error");
      json_builder_add_string_value (builder, record->last_error);
      json_builder_set_member_name (builder, "last_error_domain");
      json_builder_add_string_value (builder, record->last_error_domain);
      json_builder_set_member_name (builder, "last_error_code");
      json_builder_add_int_value (builder, record->last_error_code);
      json_builder_set_member_name (builder, "ca_reachable");
      json_builder_add_int_value (builder, record->ca_reachable);
      json_builder_set_member_name (builder, "failures");
      json_builder_add_int_value (builder, record->failures);
      json_builder_set_member_name (builder, "reenroll_needed");
      json_builder_add_boolean_value (builder, record->reenroll_needed);
      json_builder_set_member_name (builder, "hook_status");
      json_builder_add_int_value (builder, record->hook_status);
      json_builder_set_member_name (builder, "hook_timed_out");
      json_builder_add_boolean_value (builder, record->hook_timed_out);
      json_builder_set_member_name (builder, "planned_for");
      json_builder_add_string_value (builder, record->planned_for);
      json_builder_set_member_name (builder, "planned_policy");
      json_builder_add_string_value (builder, record->planned_policy);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, TRUE);

  if (g_mkdir_with_parents (folder, 0700) != 0 ||
      !g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    g_warning ("Cannot keep the renewal state in %s: %s", path, error ? error->message : g_strerror (errno));
}

/* The agent's records are a copy of the file's: before it changes them, it reads the
 * file again under the lock (what mutualctl renew or another agent recorded since
 * wins), and it writes them back before it lets go of the lock. Nothing is held
 * across the two but the lock: record pointers do not survive begin_update(). */
static int
begin_update (MutualRenewalAgent *self)
{
  int fd = records_lock ();
  g_autoptr(GHashTable) stored = mutual_renewal_records_load ();
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, stored);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      g_hash_table_iter_steal (&iter);
      g_hash_table_replace (self->records, ((MutualRenewalRecord *) value)->id, value);
    }
  return fd;
}

static void
end_update (MutualRenewalAgent *self,
            int                 fd)
{
  save_table (self->records);
  records_unlock (fd);
}

static gboolean
ca_unreachable (const GError *error)
{
  return g_error_matches (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_UNREACHABLE) ||
         g_error_matches (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_TIMED_OUT) ||
         g_error_matches (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_TLS_FAILED);
}

/* What an attempt's outcome says about the identity and its CA. */
static void
record_outcome (MutualRenewalRecord *record,
                gint64               now,
                MutualIdentity      *renewed,
                const GError        *error,
                int                  hook_status,
                gboolean             hook_timed_out)
{
  g_clear_pointer (&record->last_error, g_free);
  g_clear_pointer (&record->last_error_domain, g_free);
  record->last_error_code = 0;
  record->last_attempt = now;
  record->last_ok = renewed != NULL;
  if (renewed != NULL)
    {
      record->last_success = now;
      record->hook_status = hook_status;
      record->hook_timed_out = hook_timed_out;
      record->failures = 0;
      record->ca_reachable = 1;
      record->reenroll_needed = FALSE;
      return;
    }
  record->failures++;
  record->last_error = g_strdup (error->message);
  record->last_error_domain = g_strdup (g_quark_to_string (error->domain));
  record->last_error_code = error->code;
  if (error->domain == MUTUAL_CA_ERROR)
    record->ca_reachable = ca_unreachable (error) ? 0 : 1;
  record->reenroll_needed = g_error_matches (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_REENROLL_NEEDED) ||
                            g_error_matches (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_NO_PROFILE);
}

/**
 * mutual_renewal_records_note:
 * @identity: the identity that was renewed, or not
 * @renewed: (nullable): the renewed identity, or %NULL when @error says why not
 * @error: (nullable): why the renewal failed
 * @hook_status: the exit status of the identity's command, -1 if none ran
 *
 * Like mutual_renewal_records_note_full(), for a command that did not time out.
 */
void
mutual_renewal_records_note (MutualIdentity *identity,
                             MutualIdentity *renewed,
                             const GError   *error,
                             int             hook_status)
{
  mutual_renewal_records_note_full (identity, renewed, error, hook_status, FALSE);
}

/**
 * mutual_renewal_records_note_full:
 * @identity: the identity that was renewed, or not
 * @renewed: (nullable): the renewed identity, or %NULL when @error says why not
 * @error: (nullable): why the renewal failed
 * @hook_status: the exit status of the identity's command, -1 if none ran
 * @hook_timed_out: whether the command ran out of time and was stopped
 *
 * Records a renewal made outside the agent (mutualctl renew, the window), so that
 * mutualctl status shows it. Only this identity's record changes, under the state
 * file's lock: a running agent reads it again before it writes its own.
 */
void
mutual_renewal_records_note_full (MutualIdentity *identity,
                                  MutualIdentity *renewed,
                                  const GError   *error,
                                  int             hook_status,
                                  gboolean        hook_timed_out)
{
  g_autoptr(GHashTable) records = NULL;
  MutualRenewalRecord *record;
  int fd;

  g_return_if_fail (MUTUAL_IS_IDENTITY (identity));
  g_return_if_fail (renewed != NULL || error != NULL);

  fd = records_lock ();
  records = mutual_renewal_records_load ();
  record = g_hash_table_lookup (records, mutual_identity_get_id (identity));
  if (record == NULL)
    {
      record = g_new0 (MutualRenewalRecord, 1);
      record->id = g_strdup (mutual_identity_get_id (identity));
      record->ca_reachable = -1;
      record->hook_status = -1;
      g_hash_table_replace (records, record->id, record);
    }
  record_outcome (record, now_seconds (), renewed, error, hook_status, hook_timed_out);
  save_table (records);
  records_unlock (fd);
}

/* Planning */

static MutualRenewalRecord *
record_for (MutualRenewalAgent *self,
            const char         *id)
{
  MutualRenewalRecord *record = g_hash_table_lookup (self->records, id);

  if (record == NULL)
    {
      record = g_new0 (MutualRenewalRecord, 1);
      record->id = g_strdup (id);
      record->ca_reachable = -1;
      record->hook_status = -1;
      g_hash_table_replace (self->records, record->id, record);
    }
  return record;
}

/* The policy's point, minus a random jitter. After a renewal by the agent, never
 * sooner than halfway to the new expiry: CAs backdate certificates (step-ca by a
 * minute), so the policy's point of a certificate of a few minutes can already be
 * past when it is issued, and the agent must not renew it in a loop. */
static gint64
plan_time (MutualRenewalRecord *record,
           MutualIdentity      *identity)
{
  const MutualValidity *validity = mutual_identity_get_validity (identity);
  gint64 lifetime = mutual_validity_get_lifetime (validity);
  gint64 jitter_cap = MIN (lifetime / 20, JITTER_CAP_SECONDS);
  gint64 due = mutual_renewal_get_due (identity);

  if (jitter_cap > 0)
    due -= g_random_int_range (0, (gint32) jitter_cap + 1);
  if (record->last_success > 0)
    due = MAX (due, record->last_success + MAX ((validity->not_after - record->last_success) / 2,
                                                MIN_INTERVAL_SECONDS));
  return due;
}

static void arm_timer (MutualRenewalAgent *self);

/* @started: the list was read just now, when the agent started; records of identities
 * that are not in it belong to identities removed while no agent ran. */
static void
plan (MutualRenewalAgent *self,
      gboolean            started)
{
  g_autoptr(GHashTable) present = g_hash_table_new (g_str_hash, g_str_equal);
  GListModel *model = G_LIST_MODEL (self->store);
  GHashTableIter iter;
  gpointer key;
  int fd = begin_update (self);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(MutualIdentity) identity = g_list_model_get_item (model, i);
      const char *id = mutual_identity_get_id (identity);
      MutualCaProfile *profile = mutual_identity_get_ca_profile (identity);
      g_autofree char *policy = NULL;
      MutualRenewalRecord *record;
      gboolean new_certificate;

      if (profile == NULL)
        continue;
      g_hash_table_add (present, (gpointer) id);
      g_hash_table_add (self->known, g_strdup (id));
      record = record_for (self, id);
      policy = mutual_ca_profile_get_renew_policy (profile);
      new_certificate = g_strcmp0 (record->planned_for, mutual_identity_get_sha256 (identity)) != 0;
      if ((!new_certificate && g_strcmp0 (record->planned_policy, policy) == 0) ||
          g_hash_table_contains (self->running, id))
        continue;

      /* A new certificate (enrolled, renewed, here or elsewhere) starts afresh; a new
       * policy (mutualctl set-renewal, the renewal card) moves the plan, unless the CA
       * already said that only enrolling again helps. */
      g_free (record->planned_policy);
      record->planned_policy = g_steal_pointer (&policy);
      if (new_certificate)
        {
          g_free (record->planned_for);
          record->planned_for = g_strdup (mutual_identity_get_sha256 (identity));
          record->failures = 0;
          record->reenroll_needed = FALSE;
        }
      else if (record->reenroll_needed)
        continue;
      record->next_renewal = plan_time (record, identity);
      g_signal_emit (self, signals[RENEWAL_PLANNED], 0, id, mutual_identity_get_label (identity),
                     record->next_renewal);
    }

  /* An identity this agent listed before and no longer does was removed. One it never
   * listed may be newer than its list (enrolled and renewed by mutualctl meanwhile):
   * its record stays, except at the start. */
  g_hash_table_iter_init (&iter, self->records);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      if (!g_hash_table_contains (present, key) &&
          (started || g_hash_table_contains (self->known, key)))
        {
          g_hash_table_remove (self->known, key);
          g_hash_table_iter_remove (&iter);
        }
    }
  end_update (self, fd);
  arm_timer (self);
}

typedef struct
{
  MutualRenewalAgent *self;
  char *id;
  char *label;
} Attempt;

static void
attempt_free (Attempt *attempt)
{
  g_object_unref (attempt->self);
  g_free (attempt->id);
  g_free (attempt->label);
  g_free (attempt);
}

static void
renewed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Attempt *attempt = user_data;
  MutualRenewalAgent *self = attempt->self;
  g_autoptr(MutualIdentity) renewed = NULL;
  g_autoptr(GError) error = NULL;
  MutualRenewalRecord *record;
  gint64 now = now_seconds ();
  int fd;

  renewed = mutual_renewal_renew_finish (result, &error);
  g_hash_table_remove (self->running, attempt->id);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      attempt_free (attempt);
      return;
    }

  fd = begin_update (self);
  record = record_for (self, attempt->id);
  record_outcome (record, now, renewed, error, mutual_renewal_get_hook_status (result),
                  mutual_renewal_get_hook_timed_out (result));
  if (renewed != NULL)
    {
      MutualCaProfile *profile = mutual_identity_get_ca_profile (renewed);

      g_free (record->planned_for);
      record->planned_for = g_strdup (mutual_identity_get_sha256 (renewed));
      g_free (record->planned_policy);
      record->planned_policy = profile != NULL ? mutual_ca_profile_get_renew_policy (profile) : NULL;
      record->next_renewal = plan_time (record, renewed);
      g_signal_emit (self, signals[RENEWAL_FINISHED], 0, attempt->id, attempt->label, TRUE, NULL);
      g_signal_emit (self, signals[RENEWAL_PLANNED], 0, attempt->id, attempt->label, record->next_renewal);
    }
  else
    {
      if (record->reenroll_needed)
        {
          /* Retrying cannot help; the user must enroll again. */
          record->next_renewal = 0;
        }
      else
        {
          gint64 delay = BACKOFF_FIRST_SECONDS << MIN (record->failures - 1, 16);

          delay = MIN (delay, BACKOFF_CAP_SECONDS);
          /* ±10 %, so that clients that failed together do not retry together. */
          delay += g_random_int_range (-(gint32) delay / 10, (gint32) delay / 10 + 1);
          record->next_renewal = now + delay;
        }
      g_signal_emit (self, signals[RENEWAL_FINISHED], 0, attempt->id, attempt->label, FALSE, error->message);
      if (record->next_renewal > 0)
        g_signal_emit (self, signals[RENEWAL_PLANNED], 0, attempt->id, attempt->label, record->next_renewal);
    }

  end_update (self, fd);
  arm_timer (self);
  attempt_free (attempt);
}

static void
renew_due (MutualRenewalAgent *self)
{
  GListModel *model = G_LIST_MODEL (self->store);
  gint64 now = now_seconds ();
  int fd = begin_update (self);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(MutualIdentity) identity = g_list_model_get_item (model, i);
      const char *id = mutual_identity_get_id (identity);
      MutualRenewalRecord *record = g_hash_table_lookup (self->records, id);
      Attempt *attempt;

      if (record == NULL || record->reenroll_needed || record->next_renewal == 0 ||
          record->next_renewal > now || g_hash_table_contains (self->running, id))
        continue;

      record->last_attempt = now;
      g_hash_table_add (self->running, g_strdup (id));
      attempt = g_new0 (Attempt, 1);
      attempt->self = g_object_ref (self);
      attempt->id = g_strdup (id);
      attempt->label = g_strdup (mutual_identity_get_label (identity));
      g_debug ("Renewing “%s” (%s)", attempt->label, id);
      mutual_renewal_renew_async (self->store, identity, MUTUAL_CA_RENEWAL_RENEW, self->timeout,
                                  self->cancellable, renewed_cb, attempt);
    }
  end_update (self, fd);
}

static gboolean
tick_cb (gpointer user_data)
{
  MutualRenewalAgent *self = user_data;
  gint64 wall = g_get_real_time ();
  gint64 monotonic = g_get_monotonic_time ();
  gint64 drift = ((wall - self->armed_wall) - (monotonic - self->armed_monotonic)) / G_USEC_PER_SEC;

  self->timer = 0;
  /* The wall clock moved other than the monotonic one: the system slept, or the
   * clock was set. Plans are in wall-clock time: looking again is the re-plan. */
  if (ABS (drift) > CLOCK_JUMP_SECONDS)
    g_message ("The clock jumped by %" G_GINT64_FORMAT " s (suspend, resume or a clock change): "
               "checking the renewal plan", drift);
  renew_due (self);
  arm_timer (self);
  return G_SOURCE_REMOVE;
}

static void
arm_timer (MutualRenewalAgent *self)
{
  GHashTableIter iter;
  gpointer value;
  gint64 now = g_get_real_time ();
  gint64 earliest = G_MAXINT64;
  gint64 delay_ms;

  if (self->cancellable == NULL)
    return;
  g_hash_table_iter_init (&iter, self->records);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      MutualRenewalRecord *record = value;

      if (!record->reenroll_needed && record->next_renewal > 0 &&
          !g_hash_table_contains (self->running, record->id))
        earliest = MIN (earliest, record->next_renewal);
    }

  delay_ms = earliest == G_MAXINT64 ? TICK_SECONDS * 1000
                                    : CLAMP (earliest * 1000 - now / 1000, 0, TICK_SECONDS * 1000);
  g_clear_handle_id (&self->timer, g_source_remove);
  self->armed_wall = now;
  self->armed_monotonic = g_get_monotonic_time ();
  self->timer = g_timeout_add_full (G_PRIORITY_DEFAULT, delay_ms, tick_cb, self, NULL);
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  plan (user_data, FALSE);
}

/* When the network comes back, what failed because the CA was out of reach is tried
 * again at once instead of at the end of its backoff. */
static void
network_changed_cb (GNetworkMonitor *monitor,
                    gboolean         available,
                    gpointer         user_data)
{
  MutualRenewalAgent *self = user_data;
  GHashTableIter iter;
  gpointer value;
  gint64 now = now_seconds ();
  int fd;

  if (!available)
    return;
  fd = begin_update (self);
  g_hash_table_iter_init (&iter, self->records);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      MutualRenewalRecord *record = value;

      if (record->failures > 0 && record->ca_reachable == 0 && !record->reenroll_needed)
        record->next_renewal = MIN (record->next_renewal, now);
    }
  end_update (self, fd);
  arm_timer (self);
}

/* Suspend and resume: logind says PrepareForSleep(true) before the system sleeps and
 * PrepareForSleep(false) after it woke up. After waking, whatever fell due during the
 * sleep is renewed at once instead of at the next tick. Without a system bus or
 * logind, nothing is said: the tick's clock-jump check covers it within a minute. */
static void
prepare_for_sleep_cb (GDBusConnection *connection,
                      const char      *sender,
                      const char      *path,
                      const char      *interface,
                      const char      *signal,
                      GVariant        *parameters,
                      gpointer         user_data)
{
  g_autoptr(MutualRenewalAgent) self = g_weak_ref_get (user_data);
  gboolean sleeping = FALSE;

  if (self == NULL || !g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(b)")))
    return;
  g_variant_get (parameters, "(b)", &sleeping);
  if (sleeping || self->cancellable == NULL)
    return;
  g_message ("The system woke up: checking the renewal plan");
  g_clear_handle_id (&self->timer, g_source_remove);
  renew_due (self);
  arm_timer (self);
}

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

static void
system_bus_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(MutualRenewalAgent) self = user_data;
  g_autoptr(GError) error = NULL;
  GDBusConnection *bus = g_bus_get_finish (result, &error);
  GWeakRef *weak;

  if (bus == NULL)
    {
      g_debug ("No system bus, so no word of suspend and resume from logind: %s", error->message);
      return;
    }
  if (self->cancellable == NULL)
    {
      /* Stopped meanwhile. */
      g_object_unref (bus);
      return;
    }
  /* A system bus that goes away must not end the agent with it. */
  g_dbus_connection_set_exit_on_close (bus, FALSE);
  self->system_bus = bus;
  /* A weak reference: a signal already queued may still come after unsubscribing. */
  weak = g_new0 (GWeakRef, 1);
  g_weak_ref_init (weak, self);
  self->sleep_subscription =
    g_dbus_connection_signal_subscribe (bus, "org.freedesktop.login1", "org.freedesktop.login1.Manager",
                                        "PrepareForSleep", "/org/freedesktop/login1", NULL,
                                        G_DBUS_SIGNAL_FLAGS_NONE, prepare_for_sleep_cb, weak, weak_ref_free);
}

static void
refreshed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(MutualRenewalAgent) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!mutual_identity_store_refresh_finish (self->store, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot list the identities: %s", error->message);
      arm_timer (self);
      return;
    }
  plan (self, TRUE);
}

/**
 * mutual_renewal_agent_start:
 *
 * Lists the identities, plans their renewals and keeps doing so until
 * mutual_renewal_agent_stop(), following the keyring's changes.
 */
void
mutual_renewal_agent_start (MutualRenewalAgent *self)
{
  g_return_if_fail (MUTUAL_IS_RENEWAL_AGENT (self));

  if (self->cancellable != NULL)
    return;
  self->cancellable = g_cancellable_new ();
  self->items_handler = g_signal_connect (self->store, "items-changed", G_CALLBACK (items_changed_cb), self);
  self->monitor = g_object_ref (g_network_monitor_get_default ());
  self->network_handler = g_signal_connect (self->monitor, "network-changed", G_CALLBACK (network_changed_cb),
                                            self);
  g_bus_get (G_BUS_TYPE_SYSTEM, self->cancellable, system_bus_cb, g_object_ref (self));
  mutual_identity_store_watch (self->store);
  mutual_identity_store_refresh_async (self->store, self->cancellable, refreshed_cb, g_object_ref (self));
}

/**
 * mutual_renewal_agent_stop:
 *
 * Stops planning and cancels the renewals under way; a cancelled renewal leaves its
 * identity as it was.
 */
void
mutual_renewal_agent_stop (MutualRenewalAgent *self)
{
  g_return_if_fail (MUTUAL_IS_RENEWAL_AGENT (self));

  if (self->cancellable == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->timer, g_source_remove);
  g_clear_signal_handler (&self->items_handler, self->store);
  if (self->monitor != NULL)
    g_clear_signal_handler (&self->network_handler, self->monitor);
  g_clear_object (&self->monitor);
  if (self->sleep_subscription != 0)
    {
      g_dbus_connection_signal_unsubscribe (self->system_bus, self->sleep_subscription);
      self->sleep_subscription = 0;
    }
  g_clear_object (&self->system_bus);
}

/**
 * mutual_renewal_agent_set_timeout:
 * @seconds: how long to wait for a CA, 0 for the default
 */
void
mutual_renewal_agent_set_timeout (MutualRenewalAgent *self,
                                  guint               seconds)
{
  g_return_if_fail (MUTUAL_IS_RENEWAL_AGENT (self));
  self->timeout = seconds;
}

static void
mutual_renewal_agent_dispose (GObject *object)
{
  MutualRenewalAgent *self = MUTUAL_RENEWAL_AGENT (object);

  mutual_renewal_agent_stop (self);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (mutual_renewal_agent_parent_class)->dispose (object);
}

static void
mutual_renewal_agent_finalize (GObject *object)
{
  MutualRenewalAgent *self = MUTUAL_RENEWAL_AGENT (object);

  g_clear_pointer (&self->records, g_hash_table_unref);
  g_clear_pointer (&self->running, g_hash_table_unref);
  g_clear_pointer (&self->known, g_hash_table_unref);

  G_OBJECT_CLASS (mutual_renewal_agent_parent_class)->finalize (object);
}

static void
mutual_renewal_agent_class_init (MutualRenewalAgentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mutual_renewal_agent_dispose;
  object_class->finalize = mutual_renewal_agent_finalize;

  /**
   * MutualRenewalAgent::renewal-planned:
   * @id: the identity's id
   * @label: its label
   * @when: when it will be renewed (Unix seconds)
   */
  signals[RENEWAL_PLANNED] =
    g_signal_new ("renewal-planned", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_INT64);

  /**
   * MutualRenewalAgent::renewal-finished:
   * @id: the identity's id
   * @label: its label
   * @ok: whether it was renewed
   * @message: (nullable): why not
   */
  signals[RENEWAL_FINISHED] =
    g_signal_new ("renewal-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 4, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_BOOLEAN, G_TYPE_STRING);
}

static void
mutual_renewal_agent_init (MutualRenewalAgent *self)
{
  self->records = mutual_renewal_records_load ();
  self->running = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * mutual_renewal_agent_new:
 *
 * Returns: (transfer full): an agent for the identities of @store
 */
MutualRenewalAgent *
mutual_renewal_agent_new (MutualIdentityStore *store)
{
  MutualRenewalAgent *self;

  g_return_val_if_fail (MUTUAL_IS_IDENTITY_STORE (store), NULL);

  self = g_object_new (MUTUAL_TYPE_RENEWAL_AGENT, NULL);
  self->store = g_object_ref (store);
  return self;
}
