/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "mutual-renewal-monitor.h"
#include "mutual-window.h"

/* What the application knows of renewals, for the renewal cards and notifications.
 *
 * The records come from the renewal agent's state file ($XDG_STATE_HOME/mutual/
 * renewals.json), whoever keeps it: the agent this process runs, or `mutualctl agent`
 * from its systemd unit. The file is watched, and read again (in a worker thread) when
 * it changes; "changed" then tells the cards.
 *
 * The agent runs in this process while the store lists an identity enrolled with a CA,
 * or all the time when the application runs in the background (it then lists the
 * identities itself). It stops with mutual_renewal_monitor_stop(), at shutdown.
 *
 * Notifications, one per identity at most (id "renewal-ID"), from the records and the
 * identities' validity: re-enrollment needed; expired; renewal failing while expiry is
 * near (mutual_validity_get_expiring_at()). None while renewal is healthy, and one that
 * was sent is withdrawn once its condition ends. */

#define CHECK_SECONDS 30
#define RELOAD_DELAY_MS 100

struct _MutualRenewalMonitor
{
  GObject parent_instance;

  GApplication *application;
  MutualIdentityStore *store;
  MutualRenewalAgent *agent;
  GHashTable *records;
  /* Identity id → the kind of notification shown for it ("reenroll", "expired",
   * "failing"). */
  GHashTable *notified;
  GFileMonitor *file_monitor;
  GCancellable *cancellable;
  guint reload_source;
  guint check_source;
  gboolean background;
  gboolean reloading;
  gboolean reload_again;
  gboolean stopped;
};

G_DEFINE_FINAL_TYPE (MutualRenewalMonitor, mutual_renewal_monitor, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void reload (MutualRenewalMonitor *self);

/* Notifications */

static char *
notification_id (const char *id)
{
  return g_strconcat ("renewal-", id, NULL);
}

static const char *
condition_of (MutualRenewalMonitor *self,
              MutualIdentity       *identity,
              gint64                now)
{
  const MutualValidity *validity = mutual_identity_get_validity (identity);
  const MutualRenewalRecord *record = mutual_renewal_monitor_lookup (self, mutual_identity_get_id (identity));
  gboolean failing = record != NULL && record->failures > 0 && !record->last_ok;

  if (record != NULL && record->reenroll_needed)
    return "reenroll";
  if (now >= validity->not_after)
    return "expired";
  if (failing && now >= mutual_validity_get_expiring_at (validity))
    return "failing";
  return NULL;
}

static GNotification *
new_notification (MutualRenewalMonitor *self,
                  MutualIdentity       *identity,
                  const char           *condition,
                  gint64                now)
{
  const char *label = mutual_identity_get_label (identity);
  const MutualRenewalRecord *record = mutual_renewal_monitor_lookup (self, mutual_identity_get_id (identity));
  const char *reason = record != NULL && record->last_error != NULL ? record->last_error : NULL;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  GNotification *notification;

  if (g_str_equal (condition, "reenroll"))
    {
      /* Translators: %s is the label of an identity. */
      title = g_strdup_printf (_("Enroll “%s” Again"), label);
      body = g_strdup (reason != NULL ? reason
                                      : _("The CA no longer renews this certificate: enroll again to get a new one."));
    }
  else if (g_str_equal (condition, "expired"))
    {
      /* Translators: %s is the label of an identity. */
      title = g_strdup_printf (_("“%s” Has Expired"), label);
      body = reason != NULL
             /* Translators: %s is why the last renewal failed, in the CA's words. */
             ? g_strdup_printf (_("Renewal did not succeed in time. Last attempt: %s"), reason)
             : g_strdup (_("Servers will refuse this certificate until it is renewed."));
    }
  else
    {
      g_autofree char *left = mutual_format_duration (mutual_identity_get_validity (identity)->not_after - now, FALSE);

      /* Translators: %s is the label of an identity. */
      title = g_strdup_printf (_("Renewing “%s” Keeps Failing"), label);
      /* Translators: the first %s is a duration ("3 h 20 min"), the second why the last
       * renewal failed, in the CA's words. */
      body = g_strdup_printf (_("It expires in %s. Last attempt: %s"), left, reason != NULL ? reason : "");
    }

  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  g_notification_set_priority (notification, g_str_equal (condition, "failing")
                                               ? G_NOTIFICATION_PRIORITY_HIGH
                                               : G_NOTIFICATION_PRIORITY_URGENT);
  g_notification_set_default_action_and_target (notification, "app.show-identity", "s",
                                                mutual_identity_get_id (identity));
  return notification;
}

static void
update_notifications (MutualRenewalMonitor *self)
{
  GListModel *model = G_LIST_MODEL (self->store);
  g_autoptr(GHashTable) present = g_hash_table_new (g_str_hash, g_str_equal);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  GHashTableIter iter;
  gpointer key;
  gpointer value;

  if (self->stopped)
    return;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(MutualIdentity) identity = g_list_model_get_item (model, i);
      const char *id = mutual_identity_get_id (identity);
      const char *condition;
      const char *shown;

      if (mutual_identity_get_ca_profile (identity) == NULL)
        continue;
      g_hash_table_add (present, (gpointer) id);
      condition = condition_of (self, identity, now);
      shown = g_hash_table_lookup (self->notified, id);
      if (g_strcmp0 (condition, shown) == 0)
        continue;

      if (condition != NULL)
        {
          g_autoptr(GNotification) notification = new_notification (self, identity, condition, now);
          g_autofree char *notification_name = notification_id (id);

          g_debug ("Notifying %s for %s", condition, id);
          g_application_send_notification (self->application, notification_name, notification);
          g_hash_table_replace (self->notified, g_strdup (id), g_strdup (condition));
        }
      else
        {
          g_autofree char *notification_name = notification_id (id);

          g_debug ("Withdrawing the notification of %s", id);
          g_application_withdraw_notification (self->application, notification_name);
          g_hash_table_remove (self->notified, id);
        }
    }

  /* Identities gone (deleted, or not listed yet): their notifications go too, unless
   * the store is empty because it has not been read yet. */
  if (g_list_model_get_n_items (model) == 0)
    return;
  g_hash_table_iter_init (&iter, self->notified);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (!g_hash_table_contains (present, key))
        {
          g_autofree char *notification_name = notification_id (key);

          g_application_withdraw_notification (self->application, notification_name);
          g_hash_table_iter_remove (&iter);
        }
    }
}

/**
 * mutual_renewal_monitor_get_notified:
 *
 * Returns: (nullable): the kind of notification shown for the identity @id
 *   ("reenroll", "expired" or "failing"), or %NULL when none is
 */
const char *
mutual_renewal_monitor_get_notified (MutualRenewalMonitor *self,
                                     const char           *id)
{
  g_return_val_if_fail (MUTUAL_IS_RENEWAL_MONITOR (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return g_hash_table_lookup (self->notified, id);
}

static gboolean
check_cb (gpointer user_data)
{
  /* Expiry comes with time alone, without any change to a record. */
  update_notifications (user_data);
  return G_SOURCE_CONTINUE;
}

/* The agent */

static gboolean
has_enrolled_identity (MutualRenewalMonitor *self)
{
  GListModel *model = G_LIST_MODEL (self->store);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(MutualIdentity) identity = g_list_model_get_item (model, i);

      if (mutual_identity_get_ca_profile (identity) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
renewal_finished_cb (MutualRenewalAgent *agent,
                     const char         *id,
                     const char         *label,
                     gboolean            ok,
                     const char         *message,
                     gpointer            user_data)
{
  MutualRenewalMonitor *self = user_data;

  g_debug ("Renewal of %s %s", id, ok ? "succeeded" : "failed");
  /* The agent writes its file right after this signal: read it once it is there. */
  reload (self);
}

static void
update_agent (MutualRenewalMonitor *self)
{
  gboolean wanted = !self->stopped && (self->background || has_enrolled_identity (self));

  if (wanted && self->agent == NULL)
    {
      g_debug ("Starting the renewal agent");
      self->agent = mutual_renewal_agent_new (self->store);
      g_signal_connect_object (self->agent, "renewal-finished", G_CALLBACK (renewal_finished_cb), self, 0);
      mutual_renewal_agent_start (self->agent);
    }
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  MutualRenewalMonitor *self = user_data;

  update_agent (self);
  update_notifications (self);
}

/* The state file */

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  g_task_return_pointer (task, mutual_renewal_records_load (), (GDestroyNotify) g_hash_table_unref);
}

static void
loaded_cb (GObject      *source_object,
           GAsyncResult *result,
           gpointer      user_data)
{
  MutualRenewalMonitor *self = MUTUAL_RENEWAL_MONITOR (source_object);
  GHashTable *records = g_task_propagate_pointer (G_TASK (result), NULL);

  self->reloading = FALSE;
  if (records == NULL || self->stopped)
    {
      g_clear_pointer (&records, g_hash_table_unref);
      return;
    }
  g_clear_pointer (&self->records, g_hash_table_unref);
  self->records = records;
  g_signal_emit (self, signals[CHANGED], 0);
  update_notifications (self);

  if (self->reload_again)
    {
      self->reload_again = FALSE;
      reload (self);
    }
}

static gboolean
reload_cb (gpointer user_data)
{
  MutualRenewalMonitor *self = user_data;
  g_autoptr(GTask) task = NULL;

  self->reload_source = 0;
  if (self->reloading)
    {
      self->reload_again = TRUE;
      return G_SOURCE_REMOVE;
    }
  self->reloading = TRUE;
  task = g_task_new (self, self->cancellable, loaded_cb, NULL);
  g_task_set_source_tag (task, reload_cb);
  g_task_set_name (task, "[mutual] read renewal records");
  g_task_run_in_thread (task, load_thread);
  return G_SOURCE_REMOVE;
}

/* Writes come in bursts (a temporary file, then a rename): one read after them. */
static void
reload (MutualRenewalMonitor *self)
{
  if (self->stopped)
    return;
  g_clear_handle_id (&self->reload_source, g_source_remove);
  self->reload_source = g_timeout_add (RELOAD_DELAY_MS, reload_cb, self);
}

/**
 * mutual_renewal_monitor_reload:
 *
 * Reads the agent's records again.
 */
void
mutual_renewal_monitor_reload (MutualRenewalMonitor *self)
{
  g_return_if_fail (MUTUAL_IS_RENEWAL_MONITOR (self));

  reload (self);
}

static void
file_changed_cb (GFileMonitor      *monitor,
                 GFile             *file,
                 GFile             *other_file,
                 GFileMonitorEvent  event,
                 gpointer           user_data)
{
  reload (user_data);
}

static void
watch_state_file (MutualRenewalMonitor *self)
{
  g_autofree char *folder = g_build_filename (g_get_user_state_dir (), "mutual", NULL);
  g_autoptr(GFile) directory = g_file_new_for_path (folder);
  g_autoptr(GError) error = NULL;

  /* The folder, not the file: the file is replaced by a rename at every write, and
   * may not exist yet. */
  if (g_mkdir_with_parents (folder, 0700) != 0)
    return;
  self->file_monitor = g_file_monitor_directory (directory, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
  if (self->file_monitor == NULL)
    {
      g_debug ("Cannot watch %s: %s", folder, error->message);
      return;
    }
  g_signal_connect (self->file_monitor, "changed", G_CALLBACK (file_changed_cb), self);
}

/* Public */

/**
 * mutual_renewal_monitor_lookup:
 *
 * Returns: (nullable) (transfer none): what the agent recorded of the identity @id
 */
const MutualRenewalRecord *
mutual_renewal_monitor_lookup (MutualRenewalMonitor *self,
                               const char           *id)
{
  g_return_val_if_fail (MUTUAL_IS_RENEWAL_MONITOR (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return self->records != NULL ? g_hash_table_lookup (self->records, id) : NULL;
}

/**
 * mutual_renewal_monitor_set_background:
 *
 * Whether the application runs in the background: the agent then runs even before a
 * window lists the identities.
 */
void
mutual_renewal_monitor_set_background (MutualRenewalMonitor *self,
                                       gboolean              background)
{
  g_return_if_fail (MUTUAL_IS_RENEWAL_MONITOR (self));

  self->background = background;
  update_agent (self);
}

gboolean
mutual_renewal_monitor_get_running (MutualRenewalMonitor *self)
{
  g_return_val_if_fail (MUTUAL_IS_RENEWAL_MONITOR (self), FALSE);

  return self->agent != NULL;
}

/**
 * mutual_renewal_monitor_stop:
 *
 * Stops the agent (cancelling a renewal under way leaves its identity as it was) and
 * the watching; notifications already shown stay.
 */
void
mutual_renewal_monitor_stop (MutualRenewalMonitor *self)
{
  g_return_if_fail (MUTUAL_IS_RENEWAL_MONITOR (self));

  self->stopped = TRUE;
  if (self->agent != NULL)
    {
      mutual_renewal_agent_stop (self->agent);
      g_signal_handlers_disconnect_by_data (self->agent, self);
      g_clear_object (&self->agent);
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  g_clear_handle_id (&self->check_source, g_source_remove);
  if (self->file_monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->file_monitor, self);
      g_file_monitor_cancel (self->file_monitor);
    }
  g_clear_object (&self->file_monitor);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
}

/* The app.show-identity action of notifications. */
static void
show_identity_action_cb (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  MutualRenewalMonitor *self = user_data;
  const char *id = g_variant_get_string (parameter, NULL);
  GtkApplication *application = GTK_APPLICATION (self->application);
  MutualWindow *window = NULL;
  GListModel *model = G_LIST_MODEL (self->store);

  for (GList *l = gtk_application_get_windows (application); l != NULL && window == NULL; l = l->next)
    {
      if (MUTUAL_IS_WINDOW (l->data))
        window = l->data;
    }
  if (window == NULL)
    window = mutual_window_new (MUTUAL_APPLICATION (application));
  gtk_window_present (GTK_WINDOW (window));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(MutualIdentity) identity = g_list_model_get_item (model, i);

      if (g_str_equal (mutual_identity_get_id (identity), id))
        {
          mutual_window_show_identity (window, identity);
          break;
        }
    }
}

/* GObject */

static void
mutual_renewal_monitor_dispose (GObject *object)
{
  MutualRenewalMonitor *self = MUTUAL_RENEWAL_MONITOR (object);

  mutual_renewal_monitor_stop (self);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (mutual_renewal_monitor_parent_class)->dispose (object);
}

static void
mutual_renewal_monitor_finalize (GObject *object)
{
  MutualRenewalMonitor *self = MUTUAL_RENEWAL_MONITOR (object);

  g_clear_pointer (&self->records, g_hash_table_unref);
  g_clear_pointer (&self->notified, g_hash_table_unref);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (mutual_renewal_monitor_parent_class)->finalize (object);
}

static void
mutual_renewal_monitor_class_init (MutualRenewalMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mutual_renewal_monitor_dispose;
  object_class->finalize = mutual_renewal_monitor_finalize;

  /**
   * MutualRenewalMonitor::changed:
   *
   * The records were read again.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
mutual_renewal_monitor_init (MutualRenewalMonitor *self)
{
  self->notified = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->cancellable = g_cancellable_new ();
}

/**
 * mutual_renewal_monitor_new:
 * @application: the application that sends the notifications (it is not referenced:
 *   it owns the monitor)
 * @store: the identities
 */
MutualRenewalMonitor *
mutual_renewal_monitor_new (GApplication        *application,
                            MutualIdentityStore *store)
{
  static const GActionEntry actions[] = {
    { "show-identity", show_identity_action_cb, "s" },
  };
  MutualRenewalMonitor *self;

  g_return_val_if_fail (G_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (MUTUAL_IS_IDENTITY_STORE (store), NULL);

  self = g_object_new (MUTUAL_TYPE_RENEWAL_MONITOR, NULL);
  self->application = application;
  self->store = g_object_ref (store);
  g_signal_connect (store, "items-changed", G_CALLBACK (items_changed_cb), self);
  if (GTK_IS_APPLICATION (application))
    g_action_map_add_action_entries (G_ACTION_MAP (application), actions, G_N_ELEMENTS (actions), self);
  watch_state_file (self);
  self->check_source = g_timeout_add_seconds (CHECK_SECONDS, check_cb, self);
  reload (self);
  update_agent (self);
  return self;
}
