/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mutual-application.h"
#include "mutual-countdown.h"
#include "mutual-enroll-dialog.h"
#include "mutual-renewal-card.h"
#include "mutual-renewal-monitor.h"

/* The renewal of an identity enrolled with a CA, on its page: when it is renewed next
 * (with a live countdown), how the last renewal went, whether the CA answered, the
 * provisioner and the policy, and Renew Now.
 *
 * What the agent knows comes from the application's MutualRenewalMonitor (the agent's
 * records); without one (a window outside MutualApplication), the card shows what the
 * identity's own profile says. Renew Now runs mutual_renewal_renew_async(), which
 * replaces the identity only once the new certificate passed every check; its result
 * is told in a toast.
 *
 * Change… edits the policy, the files written after each renewal (PEM files and a
 * PKCS#12 file, whose password the core keeps in the keyring) and the command run
 * then, through mutual_renewal_set_profile_full_async(). */

#define HOUR ((gint64) 3600)

struct _MutualRenewalCard
{
  AdwBin parent_instance;

  MutualIdentityStore *store;
  MutualIdentity *identity;
  MutualRenewalMonitor *monitor;
  MutualCountdown *countdown;
  GCancellable *cancellable;
  gboolean busy;
  /* The last Renew Now of this card, which the agent's records do not know of. */
  gint64 own_attempt;
  gboolean own_ok;
  int own_reachable;
  int own_hook_status;
  char *own_error;

  /* Template children */
  GtkSpinner *spinner;
  GtkWidget *renew_button;
  AdwActionRow *next_row;
  GtkLabel *countdown_label;
  AdwActionRow *last_row;
  GtkImage *last_icon;
  AdwActionRow *ca_row;
  GtkLabel *ca_status_label;
  AdwActionRow *provisioner_row;
  AdwActionRow *policy_row;
  GtkWidget *change_button;
  AdwActionRow *outputs_row;
  AdwActionRow *agent_row;
};

G_DEFINE_FINAL_TYPE (MutualRenewalCard, mutual_renewal_card, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STORE,
  PROP_IDENTITY,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GtkWidget *
mutual_renewal_card_new (MutualIdentityStore *store,
                         MutualIdentity      *identity)
{
  g_return_val_if_fail (MUTUAL_IS_IDENTITY_STORE (store), NULL);
  g_return_val_if_fail (MUTUAL_IS_IDENTITY (identity), NULL);

  return g_object_new (MUTUAL_TYPE_RENEWAL_CARD, "store", store, "identity", identity, NULL);
}

MutualIdentity *
mutual_renewal_card_get_identity (MutualRenewalCard *self)
{
  g_return_val_if_fail (MUTUAL_IS_RENEWAL_CARD (self), NULL);

  return self->identity;
}

gboolean
mutual_renewal_card_get_busy (MutualRenewalCard *self)
{
  g_return_val_if_fail (MUTUAL_IS_RENEWAL_CARD (self), FALSE);

  return self->busy;
}

/* Showing */

static void
set_subtitle (AdwActionRow *row,
              const char   *text)
{
  /* Subtitles are Pango markup; these texts are not. */
  g_autofree char *escaped = g_markup_escape_text (text != NULL ? text : "", -1);

  if (g_strcmp0 (adw_action_row_get_subtitle (row), escaped) != 0)
    adw_action_row_set_subtitle (row, escaped);
}

static void
set_badge (GtkLabel   *label,
           const char *text,
           const char *style)
{
  static const char *const styles[] = { "success", "warning", "error", "dim-label" };

  gtk_label_set_text (label, text);
  for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
    {
      if (g_strcmp0 (styles[i], style) == 0)
        gtk_widget_add_css_class (GTK_WIDGET (label), styles[i]);
      else
        gtk_widget_remove_css_class (GTK_WIDGET (label), styles[i]);
    }
}

static char *
describe_policy (MutualCaProfile *profile)
{
  g_autofree char *policy = mutual_ca_profile_get_renew_policy (profile);
  gsize length = strlen (policy);

  if (length > 1 && policy[length - 1] == 's' && g_ascii_isdigit (policy[0]))
    {
      g_autofree char *before = mutual_format_duration (g_ascii_strtoll (policy, NULL, 10), FALSE);

      /* Translators: %s is a duration, e.g. "8 h". */
      return g_strdup_printf (_("%s before the certificate expires"), before);
    }
  if (g_str_equal (policy, "2/3"))
    return g_strdup (_("Two thirds into the certificate’s lifetime (the default)"));
  /* Translators: %d is a percentage of a certificate's lifetime, e.g. 75. */
  return g_strdup_printf (_("%d %% into the certificate’s lifetime"),
                          (int) (g_ascii_strtod (policy, NULL) * 100 + 0.5));
}

static void append_line (GString    *text,
                         const char *format,
                         ...) G_GNUC_PRINTF (2, 3);

/* Appends a line to @text, which holds one per output. */
static void
append_line (GString    *text,
             const char *format,
             ...)
{
  va_list args;

  if (text->len > 0)
    g_string_append_c (text, '\n');
  va_start (args, format);
  g_string_append_vprintf (text, format, args);
  va_end (args);
}

/* The files written and the command run after each renewal, one per line. */
static char *
describe_outputs (MutualCaProfile *profile)
{
  g_autoptr(GString) text = g_string_new (NULL);
  const char *certificate = mutual_ca_profile_get_certificate_output (profile);
  const char *key = mutual_ca_profile_get_key_output (profile);
  const char *pkcs12 = mutual_ca_profile_get_pkcs12_output (profile);
  const char *hook = mutual_ca_profile_get_hook (profile);

  if (certificate != NULL)
    /* Translators: %s is a file's path. */
    append_line (text, _("Writes the certificate to %s"), certificate);
  if (key != NULL)
    /* Translators: %s is a file's path. */
    append_line (text, _("Writes the private key to %s"), key);
  if (pkcs12 != NULL)
    /* Translators: %s is a file's path. */
    append_line (text, _("Writes the certificate and key as PKCS#12 to %s"), pkcs12);
  if (hook != NULL)
    /* Translators: %s is a shell command. */
    append_line (text, _("Then runs %s"), hook);
  if (text->len == 0)
    return g_strdup (_("Nothing: no files are written and no command runs"));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static const MutualRenewalRecord *
current_record (MutualRenewalCard *self)
{
  if (self->monitor == NULL)
    return NULL;
  return mutual_renewal_monitor_lookup (self->monitor, mutual_identity_get_id (self->identity));
}

/* When the identity is renewed next: the agent's plan for this very certificate, or
 * else what the policy says. 0 when nothing is planned. */
static gint64
next_renewal (MutualRenewalCard         *self,
              const MutualRenewalRecord *record,
              gboolean                  *planned)
{
  *planned = record != NULL && g_strcmp0 (record->planned_for, mutual_identity_get_sha256 (self->identity)) == 0;
  if (record != NULL && record->reenroll_needed)
    return 0;
  if (*planned || (record != NULL && record->failures > 0))
    return record->next_renewal;
  return mutual_renewal_get_due (self->identity);
}

static gint64
refresh (gpointer user_data,
         gint64   now)
{
  MutualRenewalCard *self = user_data;
  const MutualRenewalRecord *record = current_record (self);
  gboolean planned = FALSE;
  gint64 when = next_renewal (self, record, &planned);
  g_autofree char *time_text = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *countdown = NULL;
  gboolean with_seconds;

  if (when == 0)
    {
      set_subtitle (self->next_row, record != NULL && record->reenroll_needed
                                    ? _("None: the CA will not renew this certificate. Enroll again.")
                                    : _("Not planned"));
      gtk_label_set_text (self->countdown_label, "");
      return now + 60;
    }

  with_seconds = ABS (when - now) < HOUR;
  time_text = mutual_format_time (when);
  if (when <= now)
    {
      /* Translators: %s is a date and time. */
      subtitle = g_strdup_printf (_("Due since %s"), time_text);
      countdown = g_strdup (self->busy ? _("Renewing") : _("Due"));
    }
  else
    {
      g_autofree char *left = mutual_format_duration (when - now, with_seconds);

      subtitle = g_strdup (time_text);
      /* Translators: %s is a duration, e.g. "5 h 12 min". */
      countdown = g_strdup_printf (_("in %s"), left);
    }
  if (record != NULL && record->failures > 0 && !record->last_ok)
    {
      g_autofree char *retry = g_steal_pointer (&subtitle);

      /* Translators: %s is a date and time; %u the number of failed attempts. */
      subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Retrying at %s, after %u failed attempt",
                                               "Retrying at %s, after %u failed attempts", record->failures),
                                  retry, record->failures);
    }
  else if (!planned)
    {
      g_autofree char *due = g_steal_pointer (&subtitle);

      /* Translators: %s is a date and time; the agent has not planned it yet. */
      subtitle = g_strdup_printf (_("%s, by the renewal policy"), due);
    }
  set_subtitle (self->next_row, subtitle);
  gtk_label_set_text (self->countdown_label, countdown);

  if (when <= now)
    return now + 60;
  /* Redraw when the countdown's last unit changes. */
  return with_seconds ? now + 1 : now + 60 - (when - now) % 60;
}

static void
show_record (MutualRenewalCard *self)
{
  const MutualRenewalRecord *record = current_record (self);
  GSettings *settings = NULL;
  GApplication *application = g_application_get_default ();
  gboolean background = FALSE;
  /* The latest attempt, the agent's or this card's. */
  gboolean own = self->own_attempt > 0 && (record == NULL || self->own_attempt >= record->last_attempt);
  gint64 attempt = own ? self->own_attempt : record != NULL ? record->last_attempt : 0;
  gboolean ok = own ? self->own_ok : record != NULL && record->last_ok;
  const char *reason = own ? self->own_error : record != NULL ? record->last_error : NULL;
  int reachable = own ? self->own_reachable : record != NULL ? record->ca_reachable : -1;
  int hook_status = own ? self->own_hook_status : record != NULL ? record->hook_status : -1;

  if (attempt == 0)
    {
      set_subtitle (self->last_row, _("Not renewed by Mutual yet"));
      gtk_widget_set_visible (GTK_WIDGET (self->last_icon), FALSE);
    }
  else
    {
      g_autofree char *when = mutual_format_time (attempt);
      g_autofree char *text = NULL;

      if (ok && hook_status > 0)
        /* Translators: %s is a date and time, %d an exit status. */
        text = g_strdup_printf (_("Succeeded on %s, but the command afterwards failed (exit status %d)"),
                                when, hook_status);
      else if (ok)
        /* Translators: %s is a date and time. */
        text = g_strdup_printf (_("Succeeded on %s"), when);
      else
        /* Translators: the first %s is a date and time, the second why it failed. */
        text = g_strdup_printf (_("Failed on %s: %s"), when, reason != NULL ? reason : "");
      set_subtitle (self->last_row, text);
      gtk_image_set_from_icon_name (self->last_icon, ok ? "emblem-ok-symbolic" : "dialog-warning-symbolic");
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->last_icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      ok ? _("Succeeded") : _("Failed"), -1);
      gtk_widget_set_visible (GTK_WIDGET (self->last_icon), TRUE);
    }

  if (reachable < 0)
    set_badge (self->ca_status_label, _("Unknown"), "dim-label");
  else if (reachable > 0)
    set_badge (self->ca_status_label, _("Reachable"), "success");
  else
    set_badge (self->ca_status_label, _("Unreachable"), "error");

  if (MUTUAL_IS_APPLICATION (application))
    settings = mutual_application_get_settings (MUTUAL_APPLICATION (application));
  if (settings != NULL)
    background = g_settings_get_boolean (settings, "run-in-background");
  if (self->monitor == NULL || !mutual_renewal_monitor_get_running (self->monitor))
    set_subtitle (self->agent_row, _("Not running: use Renew Now, or run “mutualctl agent”"));
  else if (background)
    set_subtitle (self->agent_row, _("On, also while Mutual’s window is closed"));
  else
    set_subtitle (self->agent_row, _("On while Mutual is open. Turn on “Run in Background” in "
                                      "Preferences to renew while it is closed."));
}

static void
show_identity (MutualRenewalCard *self)
{
  MutualCaProfile *profile = mutual_identity_get_ca_profile (self->identity);
  g_autofree char *policy = NULL;
  g_autofree char *outputs = NULL;

  if (profile == NULL)
    return;
  policy = describe_policy (profile);
  outputs = describe_outputs (profile);
  set_subtitle (self->outputs_row, outputs);
  set_subtitle (self->ca_row, mutual_ca_profile_get_url (profile));
  set_subtitle (self->provisioner_row, mutual_ca_profile_get_provisioner (profile) != NULL
                                       ? mutual_ca_profile_get_provisioner (profile)
                                       : _("None: enrolled with a one-time token"));
  set_subtitle (self->policy_row, policy);
  show_record (self);
  if (self->countdown != NULL)
    mutual_countdown_update (self->countdown);
}

static void
monitor_changed_cb (MutualRenewalCard    *self,
                    MutualRenewalMonitor *monitor)
{
  show_record (self);
  mutual_countdown_update (self->countdown);
}

/* Renew Now */

static void
set_busy (MutualRenewalCard *self,
          gboolean           busy)
{
  if (self->busy == busy)
    return;
  self->busy = busy;
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_sensitive (self->renew_button, !busy);
  gtk_widget_set_sensitive (self->change_button, !busy);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
add_toast (MutualRenewalCard *self,
           AdwToast          *toast)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  else
    g_object_unref (g_object_ref_sink (toast));
}

/* A failure, shown until it is dismissed. */
static void
error_toast (MutualRenewalCard *self,
             const GError      *error)
{
  g_autofree char *message = g_markup_escape_text (error->message, -1);
  AdwToast *toast;

  /* Translators: the first %s is a short title ("CA Unreachable"), the second the
   * CA's or the core's message. */
  toast = adw_toast_new_format (_("%s: %s"), mutual_enroll_dialog_get_error_heading (error), message);
  adw_toast_set_timeout (toast, 0);
  add_toast (self, toast);
}

/* Noting the renewal in the agent's state file, for `mutualctl status`: a small file,
 * read and written in a worker thread all the same. */
typedef struct
{
  MutualIdentity *identity;
  MutualIdentity *renewed;
  GError *error;
  int hook_status;
} Note;

static void
note_free (Note *note)
{
  g_clear_object (&note->identity);
  g_clear_object (&note->renewed);
  g_clear_error (&note->error);
  g_free (note);
}

static void
note_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Note *note = task_data;

  mutual_renewal_records_note (note->identity, note->renewed, note->error, note->hook_status);
  g_task_return_boolean (task, TRUE);
}

static void
noted_cb (GObject      *source_object,
          GAsyncResult *result,
          gpointer      user_data)
{
  MutualRenewalMonitor *monitor = user_data;

  if (monitor != NULL)
    mutual_renewal_monitor_reload (monitor);
  g_clear_object (&monitor);
}

static void
note_renewal (MutualRenewalCard *self,
              MutualIdentity    *renewed,
              const GError      *error,
              int                hook_status)
{
  g_autoptr(GTask) task = NULL;
  Note *note = g_new0 (Note, 1);

  note->identity = g_object_ref (self->identity);
  note->renewed = renewed != NULL ? g_object_ref (renewed) : NULL;
  note->error = error != NULL ? g_error_copy (error) : NULL;
  note->hook_status = hook_status;
  task = g_task_new (NULL, NULL, noted_cb, self->monitor != NULL ? g_object_ref (self->monitor) : NULL);
  g_task_set_source_tag (task, note_renewal);
  g_task_set_name (task, "[mutual] note a renewal");
  g_task_set_task_data (task, note, (GDestroyNotify) note_free);
  g_task_run_in_thread (task, note_thread);
}

static void
renewed_cb (GObject      *source_object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(MutualRenewalCard) self = user_data;
  g_autoptr(MutualIdentity) renewed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *escaped = NULL;

  int hook_status = mutual_renewal_get_hook_status (result);

  renewed = mutual_renewal_renew_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  escaped = g_markup_escape_text (mutual_identity_get_label (self->identity), -1);
  note_renewal (self, renewed, error, hook_status);
  self->own_attempt = g_get_real_time () / G_USEC_PER_SEC;
  self->own_ok = renewed != NULL;
  self->own_hook_status = hook_status;
  g_clear_pointer (&self->own_error, g_free);
  if (renewed != NULL)
    self->own_reachable = 1;
  else if (error->domain != MUTUAL_CA_ERROR)
    self->own_reachable = -1;
  else
    self->own_reachable = g_error_matches (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_UNREACHABLE) ||
                          g_error_matches (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_TIMED_OUT) ||
                          g_error_matches (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_TLS_FAILED) ? 0 : 1;
  if (renewed != NULL)
    {
      if (hook_status > 0)
        /* Translators: %s is the label of an identity, %d an exit status. */
        add_toast (self, adw_toast_new_format (_("Renewed “%s”, but the command afterwards failed "
                                                 "(exit status %d)"), escaped, hook_status));
      else
        /* Translators: %s is the label of an identity. */
        add_toast (self, adw_toast_new_format (_("Renewed “%s”"), escaped));
      mutual_renewal_card_set_identity (self, renewed);
    }
  else
    {
      error_toast (self, error);
      self->own_error = g_strdup (error->message);
    }
  show_record (self);
}

static void
renew_clicked_cb (MutualRenewalCard *self,
                  GtkButton         *button)
{
  if (self->busy)
    return;
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  mutual_renewal_renew_async (self->store, self->identity, MUTUAL_CA_RENEWAL_RENEW, 0, self->cancellable,
                              renewed_cb, g_object_ref (self));
}

/* Changing the policy, the output files and the command */

/* Whether the PKCS#12 output's password is in the keyring, as the Change dialog knows. */
typedef enum
{
  PASSWORD_CHECKING,
  PASSWORD_STORED,
  PASSWORD_NONE,
} PasswordState;

/* A copy of a typed password, wiped when freed. */
typedef char TypedPassword;

static void
typed_password_free (TypedPassword *password)
{
  explicit_bzero (password, strlen (password));
  g_free (password);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TypedPassword, typed_password_free)

static void
profile_changed_cb (GObject      *source_object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(MutualRenewalCard) self = user_data;
  g_autoptr(MutualIdentity) changed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *escaped = NULL;

  changed = mutual_renewal_set_profile_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (changed == NULL)
    {
      error_toast (self, error);
      return;
    }
  mutual_renewal_card_set_identity (self, changed);
  escaped = g_markup_escape_text (mutual_identity_get_label (changed), -1);
  /* Translators: %s is the label of an identity. */
  add_toast (self, adw_toast_new_format (_("Changed how “%s” is renewed"), escaped));
}

static GtkEditable *
dialog_entry (AdwMessageDialog *dialog,
              const char       *name)
{
  return GTK_EDITABLE (g_object_get_data (G_OBJECT (dialog), name));
}

static const char *
entry_text (AdwMessageDialog *dialog,
            const char       *name)
{
  return gtk_editable_get_text (dialog_entry (dialog, name));
}

static PasswordState
password_state (AdwMessageDialog *dialog)
{
  return GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "pkcs12-password-state"));
}

/* A PKCS#12 file without a password typed or stored: nothing can be saved. */
static gboolean
pkcs12_password_missing (AdwMessageDialog *dialog)
{
  g_autofree char *path = g_strstrip (g_strdup (entry_text (dialog, "pkcs12")));

  return path[0] != '\0' && entry_text (dialog, "pkcs12-password")[0] == '\0' &&
         password_state (dialog) != PASSWORD_STORED;
}

/* Says below the rows what the password row needs, and allows Change once it has it. */
static void
update_pkcs12_hint (AdwMessageDialog *dialog)
{
  GtkLabel *hint = g_object_get_data (G_OBJECT (dialog), "pkcs12-hint");
  g_autofree char *path = g_strstrip (g_strdup (entry_text (dialog, "pkcs12")));
  const char *text;

  if (path[0] == '\0' || (entry_text (dialog, "pkcs12-password")[0] != '\0' &&
                            password_state (dialog) != PASSWORD_STORED))
    text = "";
  else if (password_state (dialog) == PASSWORD_STORED)
    text = _("A password for the PKCS#12 file is in the keyring. Leave the password empty to keep it.");
  else if (password_state (dialog) == PASSWORD_CHECKING)
    text = _("Looking for the password of the PKCS#12 file in the keyring…");
  else
    text = _("The PKCS#12 file needs a password.");
  gtk_label_set_text (hint, text);
  gtk_widget_set_visible (GTK_WIDGET (hint), text[0] != '\0');
  gtk_accessible_update_property (GTK_ACCESSIBLE (dialog_entry (dialog, "pkcs12-password")),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
  adw_message_dialog_set_response_enabled (dialog, "change", !pkcs12_password_missing (dialog));
}

static void
pkcs12_row_changed_cb (AdwMessageDialog *dialog,
                       GtkEditable      *editable)
{
  update_pkcs12_hint (dialog);
}

static void
password_looked_up_cb (GObject      *source_object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(AdwMessageDialog) dialog = user_data;
  g_autoptr(GBytes) password = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable = g_object_get_data (G_OBJECT (dialog), "pkcs12-lookup");

  /* Only whether it is there matters: the bytes wipe themselves when unreferenced. */
  password = mutual_identity_store_lookup_output_password_finish (MUTUAL_IDENTITY_STORE (source_object), result,
                                                                  &error);
  if (g_cancellable_is_cancelled (cancellable))
    return;
  /* A keyring that cannot be read counts as none: a new password is asked for. */
  g_object_set_data (G_OBJECT (dialog), "pkcs12-password-state",
                     GINT_TO_POINTER (password != NULL ? PASSWORD_STORED : PASSWORD_NONE));
  g_clear_pointer (&password, g_bytes_unref);
  if (error != NULL && !g_error_matches (error, MUTUAL_ERROR, MUTUAL_ERROR_ITEM_UNREADABLE))
    g_debug ("Could not look for the PKCS#12 password: %s", error->message);
  update_pkcs12_hint (dialog);
}

static void
change_response_cb (AdwMessageDialog  *dialog,
                    const char        *response,
                    MutualRenewalCard *self)
{
  MutualCaProfile *current = mutual_identity_get_ca_profile (self->identity);
  g_autoptr(TypedPassword) password = g_strdup (entry_text (dialog, "pkcs12-password"));
  g_autoptr(MutualCaProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *policy = NULL;
  g_autofree char *pkcs12 = NULL;

  /* The dialog closes with any response: the typed password goes with it. */
  gtk_editable_set_text (dialog_entry (dialog, "pkcs12-password"), "");
  g_cancellable_cancel (g_object_get_data (G_OBJECT (dialog), "pkcs12-lookup"));
  if (!g_str_equal (response, "change") || self->busy)
    return;

  profile = mutual_ca_profile_copy (current);
  policy = g_strstrip (g_strdup (entry_text (dialog, "policy")));
  if (policy[0] != '\0' && !mutual_ca_profile_set_renew_policy (profile, policy, &error))
    {
      g_autofree char *message = g_markup_escape_text (error->message, -1);

      add_toast (self, adw_toast_new (message));
      return;
    }
  pkcs12 = g_strstrip (g_strdup (entry_text (dialog, "pkcs12")));
  if (pkcs12[0] != '\0' && password[0] == '\0' && password_state (dialog) != PASSWORD_STORED)
    {
      add_toast (self, adw_toast_new (_("Nothing was changed: the PKCS#12 file needs a password")));
      return;
    }
  mutual_ca_profile_set_outputs (profile, entry_text (dialog, "certificate"), entry_text (dialog, "key"),
                                 entry_text (dialog, "hook"));
  mutual_ca_profile_set_pkcs12_output (profile, pkcs12[0] != '\0' ? pkcs12 : NULL);

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  /* The core stores a typed password once the profile is saved, and deletes the stored
   * one when the PKCS#12 output is gone. */
  mutual_renewal_set_profile_full_async (self->store, self->identity, profile,
                                         pkcs12[0] != '\0' && password[0] != '\0' ? password : NULL,
                                         self->cancellable, profile_changed_cb, g_object_ref (self));
}

static GtkWidget *
add_row (GtkListBox *list,
         GtkWidget  *dialog,
         GtkWidget  *row,
         const char *name,
         const char *title,
         const char *text)
{
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
  gtk_list_box_append (list, row);
  g_object_set_data (G_OBJECT (dialog), name, row);
  return row;
}

static GtkWidget *
add_entry_row (GtkListBox *list,
               GtkWidget  *dialog,
               const char *name,
               const char *title,
               const char *text)
{
  return add_row (list, dialog, adw_entry_row_new (), name, title, text);
}

static void
change_clicked_cb (MutualRenewalCard *self,
                   GtkButton         *button)
{
  MutualCaProfile *profile = mutual_identity_get_ca_profile (self->identity);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GCancellable) lookup = g_cancellable_new ();
  g_autofree char *heading = NULL;
  g_autofree char *policy = NULL;
  GtkWidget *dialog;
  GtkWidget *box;
  GtkWidget *list;
  GtkWidget *hint;

  if (profile == NULL || self->busy)
    return;

  /* Translators: %s is the label of an identity. */
  heading = g_strdup_printf (_("Change How “%s” Is Renewed"), mutual_identity_get_label (self->identity));
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading,
                                   _("Renew at a fraction of the lifetime (2/3, 75%) or a time before "
                                     "expiry (8h, 30m). Files and the command are optional; the files "
                                     "are written at once."));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_box_append (GTK_BOX (box), list);
  policy = mutual_ca_profile_get_renew_policy (profile);
  gtk_widget_grab_focus (add_entry_row (GTK_LIST_BOX (list), dialog, "policy", _("Re_new At"), policy));
  add_entry_row (GTK_LIST_BOX (list), dialog, "certificate", _("Certificate _File (Optional)"),
                 mutual_ca_profile_get_certificate_output (profile));
  add_entry_row (GTK_LIST_BOX (list), dialog, "key", _("Private Ke_y File (Optional)"),
                 mutual_ca_profile_get_key_output (profile));
  add_entry_row (GTK_LIST_BOX (list), dialog, "pkcs12", _("_PKCS#12 File (Optional)"),
                 mutual_ca_profile_get_pkcs12_output (profile));
  add_row (GTK_LIST_BOX (list), dialog, adw_password_entry_row_new (), "pkcs12-password",
           _("PKCS#12 Pass_word"), NULL);
  add_entry_row (GTK_LIST_BOX (list), dialog, "hook", _("Command to _Run Afterwards (Optional)"),
                 mutual_ca_profile_get_hook (profile));
  hint = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (hint), TRUE);
  gtk_label_set_xalign (GTK_LABEL (hint), 0);
  gtk_widget_add_css_class (hint, "caption");
  gtk_widget_add_css_class (hint, "dim-label");
  gtk_box_append (GTK_BOX (box), hint);
  g_object_set_data (G_OBJECT (dialog), "pkcs12-hint", hint);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "change", _("C_hange"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "change", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "change");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (change_response_cb), self, 0);
  g_signal_connect_object (g_object_get_data (G_OBJECT (dialog), "pkcs12"), "changed",
                           G_CALLBACK (pkcs12_row_changed_cb), dialog, G_CONNECT_SWAPPED);
  g_signal_connect_object (g_object_get_data (G_OBJECT (dialog), "pkcs12-password"), "changed",
                           G_CALLBACK (pkcs12_row_changed_cb), dialog, G_CONNECT_SWAPPED);

  /* Whether a password is stored decides whether one must be typed; the keyring is
   * asked without waiting for it. */
  g_object_set_data (G_OBJECT (dialog), "pkcs12-password-state", GINT_TO_POINTER (PASSWORD_CHECKING));
  g_object_set_data_full (G_OBJECT (dialog), "pkcs12-lookup", g_object_ref (lookup), g_object_unref);
  mutual_identity_store_lookup_output_password_async (self->store, self->identity, MUTUAL_OUTPUT_PASSWORD_PKCS12,
                                                      lookup, password_looked_up_cb, g_object_ref (dialog));
  update_pkcs12_hint (ADW_MESSAGE_DIALOG (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * mutual_renewal_card_set_identity:
 * @identity: the identity as it is stored now (the same id, renewed or renamed)
 */
void
mutual_renewal_card_set_identity (MutualRenewalCard *self,
                                  MutualIdentity    *identity)
{
  g_return_if_fail (MUTUAL_IS_RENEWAL_CARD (self));
  g_return_if_fail (MUTUAL_IS_IDENTITY (identity));

  if (self->identity == identity)
    return;
  /* An older generation (a late answer) never replaces a newer one. */
  if (self->identity != NULL &&
      g_str_equal (mutual_identity_get_id (self->identity), mutual_identity_get_id (identity)) &&
      mutual_identity_get_generation (identity) < mutual_identity_get_generation (self->identity))
    return;
  g_set_object (&self->identity, identity);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDENTITY]);
  if (self->countdown != NULL)
    show_identity (self);
}

/* GObject */

static void
mutual_renewal_card_constructed (GObject *object)
{
  MutualRenewalCard *self = MUTUAL_RENEWAL_CARD (object);
  GApplication *application = g_application_get_default ();

  G_OBJECT_CLASS (mutual_renewal_card_parent_class)->constructed (object);

  g_return_if_fail (self->store != NULL && self->identity != NULL);

  if (MUTUAL_IS_APPLICATION (application))
    self->monitor = mutual_application_get_renewal_monitor (MUTUAL_APPLICATION (application));
  if (self->monitor != NULL)
    {
      g_object_ref (self->monitor);
      g_signal_connect_object (self->monitor, "changed", G_CALLBACK (monitor_changed_cb), self,
                               G_CONNECT_SWAPPED);
    }
  self->countdown = mutual_countdown_new (GTK_WIDGET (self), refresh, self);
  show_identity (self);
}

static void
mutual_renewal_card_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  MutualRenewalCard *self = MUTUAL_RENEWAL_CARD (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_IDENTITY:
      g_value_set_object (value, self->identity);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mutual_renewal_card_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  MutualRenewalCard *self = MUTUAL_RENEWAL_CARD (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    case PROP_IDENTITY:
      if (g_value_get_object (value) != NULL)
        mutual_renewal_card_set_identity (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mutual_renewal_card_dispose (GObject *object)
{
  MutualRenewalCard *self = MUTUAL_RENEWAL_CARD (object);

  /* A renewal cut short leaves the identity as it was. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->countdown);
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), MUTUAL_TYPE_RENEWAL_CARD);

  G_OBJECT_CLASS (mutual_renewal_card_parent_class)->dispose (object);
}

static void
mutual_renewal_card_finalize (GObject *object)
{
  MutualRenewalCard *self = MUTUAL_RENEWAL_CARD (object);

  g_clear_object (&self->store);
  g_clear_object (&self->identity);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->own_error, g_free);

  G_OBJECT_CLASS (mutual_renewal_card_parent_class)->finalize (object);
}

static void
mutual_renewal_card_class_init (MutualRenewalCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = mutual_renewal_card_constructed;
  object_class->dispose = mutual_renewal_card_dispose;
  object_class->finalize = mutual_renewal_card_finalize;
  object_class->get_property = mutual_renewal_card_get_property;
  object_class->set_property = mutual_renewal_card_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         MUTUAL_TYPE_IDENTITY_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_IDENTITY] =
    g_param_spec_object ("identity", NULL, NULL,
                         MUTUAL_TYPE_IDENTITY,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS |
                         G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE_PATH "/mutual-renewal-card.ui");
  gtk_widget_class_bind_template_child (widget_class, MutualRenewalCard, spinner);
  gtk_widget_class_bind_template_child (widget_class, MutualRenewalCard, renew_button);
  gtk_widget_class_bind_template_child (widget_class, MutualRenewalCard, next_row);
  gtk_widget_class_bind_template_child (widget_class, MutualRenewalCard, countdown_label);
  gtk_widget_class_bind_template_child (widget_class, MutualRenewalCard, last_row);
  gtk_widget_class_bind_template_child (widget_class, MutualRenewalCard, last_icon);
  gtk_widget_class_bind_template_child (widget_class, MutualRenewalCard, ca_row);
  gtk_widget_class_bind_template_child (widget_class, MutualRenewalCard, ca_status_label);
  gtk_widget_class_bind_template_child (widget_class, MutualRenewalCard, provisioner_row);
  gtk_widget_class_bind_template_child (widget_class, MutualRenewalCard, policy_row);
  gtk_widget_class_bind_template_child (widget_class, MutualRenewalCard, outputs_row);
  gtk_widget_class_bind_template_child (widget_class, MutualRenewalCard, agent_row);
  gtk_widget_class_bind_template_child (widget_class, MutualRenewalCard, change_button);
  gtk_widget_class_bind_template_callback (widget_class, renew_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, change_clicked_cb);
}

static void
mutual_renewal_card_init (MutualRenewalCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
