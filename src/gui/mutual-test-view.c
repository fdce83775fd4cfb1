/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mutual-certificate-view.h"
#include "mutual-finding-row.h"
#include "mutual-page-stack.h"
#include "mutual-step-row.h"
#include "mutual-test-view.h"
#include "mutual-window-private.h"

/* The Test view: a form for one connection test (target, identity, protocol and advanced
 * options), then the result of the last test: its findings first, the timeline of its
 * steps, which follows the probe's step list live while it runs, and the certificates
 * the server sent, each of which opens in the certificate view on a page of its own.
 *
 * A run never blocks the main loop: it reads the chosen CA file with the importer (a
 * worker thread), the identity's key from the keyring (asynchronously), then runs the
 * probe, which is event-driven on the main loop. One GCancellable covers the whole run;
 * Cancel and the view going away both cancel it. The identity's key is only ever in
 * memory, held by the last probe until the next test replaces it.
 *
 * The report can be copied as text, and saved as a support bundle: the probe's own JSON
 * (schema mutualctl.probe/1, as `mutualctl probe --json` writes it), which never holds
 * a private key or a session secret. */

#define MAX_RECENT_TARGETS 10
#define RECENT_TARGETS_KEY "recent-targets"

typedef struct _Run Run;

struct _MutualTestView
{
  AdwBin parent_instance;

  GSettings *settings;

  /* The identities to choose from: "None", then the store's list as the window shows it. */
  MutualIdentityStore *store;
  GListModel *identities;
  GtkFlattenListModel *choices;
  /* The id of the identity chosen, kept across refreshes of the store; NULL for none. */
  char *chosen_id;
  gboolean restoring_choice;

  GFile *ca_file;
  GtkFileChooserNative *ca_chooser;
  GFile *keylog_file;
  GtkFileChooserNative *keylog_chooser;
  GtkFileChooserNative *bundle_chooser;

  /* The last test, running or finished, and the run in progress. */
  MutualProbe *probe;
  char *probe_identity_label;
  char *run_error;
  gboolean cancelled;
  Run *run;

  /* Template children */
  AdwLeaflet *leaflet;
  GtkWidget *test_page;
  AdwPreferencesGroup *form_group;
  AdwEntryRow *target_row;
  GtkMenuButton *recent_button;
  GMenu *recent_section;
  AdwComboRow *identity_row;
  AdwComboRow *protocol_row;
  AdwExpanderRow *advanced_row;
  AdwEntryRow *sni_row;
  GtkSwitch *no_sni_switch;
  AdwComboRow *version_row;
  AdwEntryRow *alpn_row;
  AdwComboRow *family_row;
  AdwActionRow *ca_row;
  GtkWidget *ca_clear_button;
  GtkSpinButton *timeout_spin;
  GtkSwitch *untrusted_switch;
  AdwActionRow *keylog_row;
  GtkWidget *keylog_clear_button;
  GtkWidget *run_button;
  GtkWidget *cancel_button;
  GtkWidget *results_box;
  AdwPreferencesGroup *result_group;
  GtkLabel *outcome_label;
  GtkListBox *findings_list;
  GtkListBox *steps_list;
  AdwPreferencesGroup *chain_group;
  GtkListBox *chain_list;
};

G_DEFINE_FINAL_TYPE (MutualTestView, mutual_test_view, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_RUNNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* One run: reading the CA file, reading the identity's key, then the probe. */
struct _Run
{
  MutualTestView *view;
  GCancellable *cancellable;
  MutualProbe *probe;
  MutualIdentity *identity;
  GFile *ca_file;
};

static void
run_free (Run *run)
{
  g_clear_object (&run->view);
  g_clear_object (&run->cancellable);
  g_clear_object (&run->probe);
  g_clear_object (&run->identity);
  g_clear_object (&run->ca_file);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

GtkWidget *
mutual_test_view_new (void)
{
  return g_object_new (MUTUAL_TYPE_TEST_VIEW, NULL);
}

gboolean
mutual_test_view_get_running (MutualTestView *self)
{
  g_return_val_if_fail (MUTUAL_IS_TEST_VIEW (self), FALSE);

  return self->run != NULL;
}

/**
 * mutual_test_view_get_probe:
 *
 * Returns: (nullable) (transfer none): the last test, running or finished, or %NULL
 *   before the first
 */
MutualProbe *
mutual_test_view_get_probe (MutualTestView *self)
{
  g_return_val_if_fail (MUTUAL_IS_TEST_VIEW (self), NULL);

  return self->probe;
}

/**
 * mutual_test_view_get_ca_file:
 *
 * Returns: (nullable) (transfer none): the file of CA certificates the server's chain is
 *   verified against, or %NULL for the certificate authorities this computer trusts
 */
GFile *
mutual_test_view_get_ca_file (MutualTestView *self)
{
  g_return_val_if_fail (MUTUAL_IS_TEST_VIEW (self), NULL);

  return self->ca_file;
}

/**
 * mutual_test_view_get_keylog_file:
 *
 * Returns: (nullable) (transfer none): the file the session secrets of a test are
 *   appended to, or %NULL when they are not recorded
 */
GFile *
mutual_test_view_get_keylog_file (MutualTestView *self)
{
  g_return_val_if_fail (MUTUAL_IS_TEST_VIEW (self), NULL);

  return self->keylog_file;
}

static void
add_toast (MutualTestView *self,
           const char     *title)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (title));
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static void
update_actions (MutualTestView *self)
{
  const char *target = gtk_editable_get_text (GTK_EDITABLE (self->target_row));
  gboolean running = self->run != NULL;
  gboolean finished = self->probe != NULL && !running;
  g_autofree char *stripped = g_strstrip (g_strdup (target));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "probe.run", !running && *stripped != '\0');
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "probe.cancel", running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "probe.copy-report", finished);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "probe.save-bundle", finished);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "probe.clear-ca", self->ca_file != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "probe.clear-keylog", self->keylog_file != NULL);
  gtk_widget_set_visible (self->cancel_button, running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->form_group), !running);
}

/* Navigation between the test and the certificates opened from it */

/**
 * mutual_test_view_get_page_stack:
 *
 * Returns: (transfer none): the pages of the view: the test, then each certificate
 *   opened from it (see mutual-page-stack.c), for the window's back button
 */
AdwLeaflet *
mutual_test_view_get_page_stack (MutualTestView *self)
{
  g_return_val_if_fail (MUTUAL_IS_TEST_VIEW (self), NULL);

  return self->leaflet;
}

/**
 * mutual_test_view_show_certificate:
 *
 * Opens @certificate, for example one the server sent, on a page of its own.
 */
void
mutual_test_view_show_certificate (MutualTestView    *self,
                                   MutualCertificate *certificate)
{
  g_return_if_fail (MUTUAL_IS_TEST_VIEW (self));
  g_return_if_fail (MUTUAL_IS_CERTIFICATE (certificate));

  mutual_page_stack_push (self->leaflet, mutual_certificate_view_new (certificate));
}

static void
page_stack_changed_cb (MutualTestView *self,
                       GParamSpec     *pspec,
                       AdwLeaflet     *leaflet)
{
  mutual_page_stack_settle (self->leaflet);
}

static void
chain_row_activated_cb (MutualTestView *self,
                        GtkListBoxRow  *row,
                        GtkListBox     *list)
{
  MutualCertificate *certificate = g_object_get_data (G_OBJECT (row), "mutual-certificate");

  if (certificate != NULL)
    mutual_test_view_show_certificate (self, certificate);
}

/* Recent targets, most recent first */

static void
recent_targets_changed_cb (MutualTestView *self,
                           const char     *key,
                           GSettings      *settings)
{
  g_auto(GStrv) targets = g_settings_get_strv (self->settings, RECENT_TARGETS_KEY);

  g_menu_remove_all (self->recent_section);
  for (guint i = 0; targets[i] != NULL; i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (targets[i], NULL);

      g_menu_item_set_action_and_target_value (item, "probe.use-recent",
                                               g_variant_new_string (targets[i]));
      g_menu_append_item (self->recent_section, item);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->recent_button), targets[0] != NULL);
}

static void
remember_target (MutualTestView *self,
                 const char     *target)
{
  g_auto(GStrv) old = g_settings_get_strv (self->settings, RECENT_TARGETS_KEY);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) targets = NULL;
  guint n = 1;

  g_strv_builder_add (builder, target);
  for (guint i = 0; old[i] != NULL && n < MAX_RECENT_TARGETS; i++)
    {
      if (g_str_equal (old[i], target))
        continue;
      g_strv_builder_add (builder, old[i]);
      n++;
    }
  targets = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, RECENT_TARGETS_KEY, (const char * const *) targets);
}

static void
use_recent_action_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  MutualTestView *self = MUTUAL_TEST_VIEW (widget);

  gtk_editable_set_text (GTK_EDITABLE (self->target_row), g_variant_get_string (parameter, NULL));
  gtk_editable_set_position (GTK_EDITABLE (self->target_row), -1);
  gtk_widget_grab_focus (GTK_WIDGET (self->target_row));
}

static void
clear_recent_action_cb (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  MutualTestView *self = MUTUAL_TEST_VIEW (widget);

  g_settings_reset (self->settings, RECENT_TARGETS_KEY);
}

/* The form */

/* The protocol row lists the protocols in the order of MutualProtocol. */
static MutualProtocol
chosen_protocol (MutualTestView *self)
{
  guint selected = adw_combo_row_get_selected (self->protocol_row);

  return selected <= MUTUAL_PROTOCOL_FTP ? (MutualProtocol) selected : MUTUAL_PROTOCOL_TLS;
}

static void
protocol_changed_cb (MutualTestView *self,
                     GParamSpec     *pspec,
                     AdwComboRow    *row)
{
  g_autofree char *subtitle = NULL;

  /* Translators: %u is a port number. */
  subtitle = g_strdup_printf (_("Port %u unless the target names another"),
                              mutual_protocol_default_port (chosen_protocol (self)));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->protocol_row), subtitle);
}

static void
target_changed_cb (MutualTestView *self,
                   AdwEntryRow    *row)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->target_row), "error");
  update_actions (self);
}

static void
alpn_changed_cb (MutualTestView *self,
                 AdwEntryRow    *row)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->alpn_row), "error");
}

static void
target_activated_cb (MutualTestView *self,
                     AdwEntryRow    *row)
{
  /* Enter in the target runs the test, as a dialog's default button would. */
  gtk_widget_activate_action (GTK_WIDGET (self), "probe.run", NULL);
}

/* Parses HOST, HOST:PORT, [ADDRESS]:PORT or an IPv6 address, as mutualctl does. */
static gboolean
parse_target (const char  *text,
              guint16      default_port,
              char       **host,
              guint16     *port,
              GError     **error)
{
  g_autoptr(GSocketConnectable) address = NULL;
  const char *name;

  for (const char *c = text; *c != '\0'; c++)
    {
      if (g_ascii_isspace (*c) || *c == '/' || *c == '@')
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("“%s” is not a host name with an optional port, such as "
                         "device.example.org:8443"), text);
          return FALSE;
        }
    }

  address = g_network_address_parse (text, default_port, error);
  if (address == NULL)
    return FALSE;

  name = g_network_address_get_hostname (G_NETWORK_ADDRESS (address));
  if (name == NULL || *name == '\0' || g_network_address_get_port (G_NETWORK_ADDRESS (address)) == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a host name with an optional port, such as "
                     "device.example.org:8443"), text);
      return FALSE;
    }

  *host = g_strdup (name);
  *port = g_network_address_get_port (G_NETWORK_ADDRESS (address));
  return TRUE;
}

/* Parses a list of ALPN protocols separated by commas; spaces around a name and empty
 * items do not count. *@protocols is %NULL when there is no name. */
static gboolean
parse_alpn (const char  *text,
            GStrv       *protocols,
            GError     **error)
{
  g_auto(GStrv) items = g_strsplit (text, ",", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint n = 0;

  for (guint i = 0; items[i] != NULL; i++)
    {
      const char *name = g_strstrip (items[i]);

      if (*name == '\0')
        continue;
      /* A protocol name is sent with a one-byte length. */
      if (strlen (name) > 255)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("An ALPN protocol name is longer than 255 bytes"));
          return FALSE;
        }
      for (const char *c = name; *c != '\0'; c++)
        {
          if (!g_ascii_isprint (*c))
            {
              g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                   _("An ALPN protocol name may only hold printable ASCII "
                                     "characters, such as h2 or http/1.1"));
              return FALSE;
            }
        }
      g_strv_builder_add (builder, name);
      n++;
    }

  *protocols = n > 0 ? g_strv_builder_end (builder) : NULL;
  return TRUE;
}

/* The identity chooser: "None", then the identities in the keyring */

static MutualIdentity *
chosen_identity (MutualTestView *self)
{
  GObject *item = adw_combo_row_get_selected_item (self->identity_row);

  return item != NULL && MUTUAL_IS_IDENTITY (item) ? MUTUAL_IDENTITY (item) : NULL;
}

static char *
choice_label_cb (GObject  *item,
                 gpointer  user_data)
{
  if (MUTUAL_IS_IDENTITY (item))
    return g_strdup (mutual_identity_get_label (MUTUAL_IDENTITY (item)));
  if (GTK_IS_STRING_OBJECT (item))
    return g_strdup (gtk_string_object_get_string (GTK_STRING_OBJECT (item)));
  return g_strdup ("");
}

static void
identity_chosen_cb (MutualTestView *self,
                    GParamSpec     *pspec,
                    AdwComboRow    *row)
{
  MutualIdentity *identity;

  /* The selection the store's refresh moved is not the user's choice. */
  if (self->restoring_choice)
    return;

  identity = chosen_identity (self);
  g_free (self->chosen_id);
  self->chosen_id = identity != NULL ? g_strdup (mutual_identity_get_id (identity)) : NULL;
}

static void
choices_changed_cb (MutualTestView *self,
                    guint           position,
                    guint           removed,
                    guint           added,
                    GListModel     *choices)
{
  guint n = g_list_model_get_n_items (choices);
  guint wanted = 0;

  /* A refresh of the store gives new objects for the same identities: the choice
   * follows the identity's id, and falls back to "None" when it is gone. */
  for (guint i = 1; self->chosen_id != NULL && i < n && wanted == 0; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (choices, i);

      if (MUTUAL_IS_IDENTITY (item) &&
          g_str_equal (mutual_identity_get_id (MUTUAL_IDENTITY (item)), self->chosen_id))
        wanted = i;
    }
  if (wanted == 0)
    g_clear_pointer (&self->chosen_id, g_free);

  self->restoring_choice = TRUE;
  adw_combo_row_set_selected (self->identity_row, wanted);
  self->restoring_choice = FALSE;
}

/**
 * mutual_test_view_set_identities:
 * @store: the store to read an identity's key from, for a test
 * @identities: the identities of @store to offer, as the window lists them
 */
void
mutual_test_view_set_identities (MutualTestView      *self,
                                 MutualIdentityStore *store,
                                 GListModel          *identities)
{
  g_autoptr(GListStore) parts = NULL;
  GtkStringList *none;

  g_return_if_fail (MUTUAL_IS_TEST_VIEW (self));
  g_return_if_fail (MUTUAL_IS_IDENTITY_STORE (store));
  g_return_if_fail (G_IS_LIST_MODEL (identities));

  if (self->choices != NULL)
    g_signal_handlers_disconnect_by_data (self->choices, self);
  g_set_object (&self->store, store);
  g_set_object (&self->identities, identities);

  parts = g_list_store_new (G_TYPE_LIST_MODEL);
  none = gtk_string_list_new (NULL);
  gtk_string_list_append (none, _("None"));
  g_list_store_append (parts, none);
  g_list_store_append (parts, identities);
  g_object_unref (none);

  g_clear_object (&self->choices);
  self->choices = gtk_flatten_list_model_new (G_LIST_MODEL (g_steal_pointer (&parts)));
  self->restoring_choice = TRUE;
  adw_combo_row_set_model (self->identity_row, G_LIST_MODEL (self->choices));
  self->restoring_choice = FALSE;
  /* After the combo row's own handler, which moves the selection first. */
  g_signal_connect_object (self->choices, "items-changed", G_CALLBACK (choices_changed_cb), self,
                           G_CONNECT_SWAPPED);
  choices_changed_cb (self, 0, 0, 0, G_LIST_MODEL (self->choices));
}

/* A modal file chooser for the view's window, whose response goes to @response_cb. */
static GtkFileChooserNative *
new_file_chooser (MutualTestView       *self,
                  const char           *title,
                  GtkFileChooserAction  action,
                  const char           *accept_label,
                  GCallback             response_cb)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         action, accept_label, _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", response_cb, self, 0);
  return chooser;
}

/* The response of the CA file's or the key log's chooser. */
static void
file_chosen_cb (GtkNativeDialog *dialog,
                int              response,
                gpointer         user_data)
{
  MutualTestView *self = user_data;
  g_autoptr(GFile) file = NULL;

  if (response != GTK_RESPONSE_ACCEPT)
    return;

  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  if (dialog == GTK_NATIVE_DIALOG (self->ca_chooser))
    mutual_test_view_set_ca_file (self, file);
  else if (dialog == GTK_NATIVE_DIALOG (self->keylog_chooser))
    mutual_test_view_set_keylog_file (self, file);
}

/* Server trust: the system's CAs, or a file */

static void
show_ca_file (MutualTestView *self)
{
  if (self->ca_file != NULL)
    {
      g_autofree char *name = g_file_get_parse_name (self->ca_file);

      adw_action_row_set_subtitle (self->ca_row, name);
    }
  else
    {
      adw_action_row_set_subtitle (self->ca_row, _("The certificate authorities this computer trusts"));
    }
  gtk_widget_set_visible (self->ca_clear_button, self->ca_file != NULL);
  update_actions (self);
}

/**
 * mutual_test_view_set_ca_file:
 * @file: (nullable): a file of CA certificates to verify the server's chain against, or
 *   %NULL for the certificate authorities this computer trusts
 *
 * The file is read when a test starts, so that it can change between tests.
 */
void
mutual_test_view_set_ca_file (MutualTestView *self,
                              GFile          *file)
{
  g_return_if_fail (MUTUAL_IS_TEST_VIEW (self));
  g_return_if_fail (file == NULL || G_IS_FILE (file));

  g_set_object (&self->ca_file, file);
  show_ca_file (self);
}

static void
choose_ca_action_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  MutualTestView *self = MUTUAL_TEST_VIEW (widget);
  g_autoptr(GtkFileFilter) certificates = NULL;

  if (self->ca_chooser == NULL)
    {
      self->ca_chooser = new_file_chooser (self, _("Choose the CA Certificates to Trust"),
                                           GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"),
                                           G_CALLBACK (file_chosen_cb));
      certificates = _mutual_window_new_certificate_filter ();
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->ca_chooser), certificates);
    }
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->ca_chooser));
}

static void
clear_ca_action_cb (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  mutual_test_view_set_ca_file (MUTUAL_TEST_VIEW (widget), NULL);
}

/* The session key log: none, or a file */

static void
show_keylog_file (MutualTestView *self)
{
  g_autofree char *name = NULL;
  g_autofree char *subtitle = NULL;

  if (self->keylog_file != NULL)
    name = g_file_get_parse_name (self->keylog_file);
  /* The warning stays in sight while a file is chosen. */
  subtitle = g_strdup_printf ("%s\n%s", name != NULL ? name : _("Not recorded"),
                              _("Anyone who has this file can decrypt the traffic it records"));
  adw_action_row_set_subtitle (self->keylog_row, subtitle);
  gtk_widget_set_visible (self->keylog_clear_button, self->keylog_file != NULL);
  gtk_widget_remove_css_class (GTK_WIDGET (self->keylog_row), "error");
  update_actions (self);
}

/**
 * mutual_test_view_set_keylog_file:
 * @file: (nullable): a local file to append the session secrets of each test to, in the
 *   key log format Wireshark reads, or %NULL to record none
 *
 * The probe creates the file with mode 0600, or appends to it.
 */
void
mutual_test_view_set_keylog_file (MutualTestView *self,
                                  GFile          *file)
{
  g_return_if_fail (MUTUAL_IS_TEST_VIEW (self));
  g_return_if_fail (file == NULL || G_IS_FILE (file));

  g_set_object (&self->keylog_file, file);
  show_keylog_file (self);
}

static void
choose_keylog_action_cb (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  MutualTestView *self = MUTUAL_TEST_VIEW (widget);

  if (self->keylog_chooser == NULL)
    self->keylog_chooser = new_file_chooser (self, _("Record the Session Keys"),
                                             GTK_FILE_CHOOSER_ACTION_SAVE, _("_Choose"),
                                             G_CALLBACK (file_chosen_cb));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->keylog_chooser), "mutual-keylog.txt");
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->keylog_chooser));
}

static void
clear_keylog_action_cb (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  mutual_test_view_set_keylog_file (MUTUAL_TEST_VIEW (widget), NULL);
}

/* Showing a test */

static const char *
outcome_label (MutualTestView *self,
               const char    **style)
{
  if (self->run != NULL)
    {
      *style = "dim";
      return _("Running…");
    }
  if (self->cancelled)
    {
      *style = "dim";
      return _("Cancelled");
    }
  if (self->run_error != NULL)
    {
      *style = "error";
      return _("Not Run");
    }

  switch (mutual_probe_get_outcome (self->probe))
    {
    case MUTUAL_PROBE_SUCCESS:
      *style = "success";
      return _("Accepted");
    case MUTUAL_PROBE_PROBLEMS:
      *style = "error";
      return _("Failed");
    case MUTUAL_PROBE_UNREACHABLE:
      *style = "error";
      return _("Unreachable");
    case MUTUAL_PROBE_NOT_RUN:
    default:
      *style = "dim";
      return _("Not Run");
    }
}

static char *
describe_target (MutualTestView *self)
{
  g_autofree char *where = g_strdup_printf ("%s:%u", mutual_probe_get_host (self->probe),
                                            mutual_probe_get_port (self->probe));
  const char *protocol = mutual_protocol_to_string (mutual_probe_get_protocol (self->probe));

  if (self->probe_identity_label != NULL)
    /* Translators: "device.example.org:8443 (https) with the identity “alice”". */
    return g_strdup_printf (_("%s (%s) with the identity “%s”"), where, protocol,
                            self->probe_identity_label);
  /* Translators: "device.example.org:8443 (https) without a client certificate". */
  return g_strdup_printf (_("%s (%s) without a client certificate"), where, protocol);
}

static GtkWidget *
create_step_row_cb (gpointer item,
                    gpointer user_data)
{
  return mutual_step_row_new (MUTUAL_PROBE_STEP (item));
}

static GtkWidget *
new_chain_row (MutualCertificate *certificate)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *arrow = gtk_image_new_from_icon_name ("go-next-symbolic");
  g_autofree char *issuer = NULL;

  /* Translators: %s is the name of a certificate authority. */
  issuer = g_strdup_printf (_("Issued by %s"), mutual_certificate_get_issuer_name (certificate));
  /* Certificate text is not Pango markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 mutual_certificate_get_subject_name (certificate));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), issuer);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "mutual-certificate", g_object_ref (certificate),
                          g_object_unref);

  gtk_accessible_update_property (GTK_ACCESSIBLE (arrow), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Show certificate"), -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), arrow);

  return row;
}

/* Shows the state of the last test: running, or what it found. */
static void
show_result (MutualTestView *self)
{
  const char *style = NULL;
  const char *label;
  g_autoptr(GString) description = g_string_new (NULL);
  g_autofree char *escaped = NULL;
  g_autofree char *target = NULL;
  GPtrArray *findings;
  GPtrArray *chain;

  if (self->probe == NULL)
    {
      gtk_widget_set_visible (self->results_box, FALSE);
      return;
    }
  gtk_widget_set_visible (self->results_box, TRUE);

  label = outcome_label (self, &style);
  gtk_label_set_text (self->outcome_label, label);
  mutual_set_status_style (GTK_WIDGET (self->outcome_label), style);

  target = describe_target (self);
  g_string_append (description, target);
  if (self->run == NULL && self->run_error == NULL && !self->cancelled)
    {
      g_autofree char *duration = mutual_format_elapsed (mutual_probe_get_duration (self->probe));

      g_string_append_c (description, '\n');
      /* Translators: %s is a duration, e.g. "12.3 ms". */
      g_string_append_printf (description, _("Finished in %s"), duration);
    }
  if (self->run_error != NULL)
    {
      g_string_append_c (description, '\n');
      g_string_append (description, self->run_error);
    }
  /* Group descriptions are Pango markup; host names and messages are not. */
  escaped = g_markup_escape_text (description->str, -1);
  adw_preferences_group_set_description (self->result_group, escaped);

  clear_list (self->findings_list);
  clear_list (self->chain_list);
  if (self->run != NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->findings_list), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->chain_group), FALSE);
      return;
    }

  findings = mutual_probe_get_findings (self->probe);
  for (guint i = 0; findings != NULL && i < findings->len; i++)
    gtk_list_box_append (self->findings_list, mutual_finding_row_new (g_ptr_array_index (findings, i)));
  gtk_widget_set_visible (GTK_WIDGET (self->findings_list), findings != NULL && findings->len > 0);

  chain = mutual_probe_get_server_chain (self->probe);
  for (guint i = 0; chain != NULL && i < chain->len; i++)
    gtk_list_box_append (self->chain_list, new_chain_row (g_ptr_array_index (chain, i)));
  gtk_widget_set_visible (GTK_WIDGET (self->chain_group), chain != NULL && chain->len > 0);
}

static void
set_running (MutualTestView *self,
             Run            *run)
{
  self->run = run;
  update_actions (self);
  show_result (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

/* Ends @run, which must be the current one; @error says why it stopped early, if it did. */
static void
end_run (Run          *run,
         const GError *error)
{
  MutualTestView *self = run->view;

  self->cancelled = g_cancellable_is_cancelled (run->cancellable);
  if (error != NULL && !self->cancelled)
    self->run_error = g_strdup (error->message);
  set_running (self, NULL);
}

static void
probe_done_cb (GObject      *source_object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Run) run = user_data;
  g_autoptr(GError) error = NULL;

  mutual_probe_run_finish (MUTUAL_PROBE (source_object), result, &error);
  /* The view went away, and took the run with it. */
  if (run->view->run != run)
    return;

  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("The test of %s failed: %s", mutual_probe_get_host (run->probe), error->message);
  end_run (run, error);
}

static void
start_probe (Run *run)
{
  MutualTestView *self = run->view;

  gtk_list_box_bind_model (self->steps_list, mutual_probe_get_steps (run->probe),
                           create_step_row_cb, NULL, NULL);
  mutual_probe_run_async (run->probe, run->cancellable, probe_done_cb, run);
}

static void
credentials_cb (GObject      *source_object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(MutualBundle) bundle = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *keys;

  bundle = mutual_identity_store_load_credentials_finish (MUTUAL_IDENTITY_STORE (source_object),
                                                          result, &error);
  if (run->view->run != run)
    {
      run_free (run);
      return;
    }
  if (bundle == NULL)
    {
      g_autoptr(GError) wrapped = NULL;

      g_debug ("Cannot read the identity %s: %s", mutual_identity_get_id (run->identity),
               error->message);
      wrapped = g_error_new (error->domain, error->code,
                             /* Translators: %s is an error message. */
                             _("The identity could not be read from the keyring: %s"),
                             error->message);
      end_run (run, wrapped);
      run_free (run);
      return;
    }

  keys = mutual_bundle_get_keys (bundle);
  mutual_probe_set_identity (run->probe, mutual_bundle_get_certificates (bundle),
                             keys->len > 0 ? g_ptr_array_index (keys, 0) : NULL);
  start_probe (run);
}

static void
load_identity (Run *run)
{
  if (run->identity == NULL)
    {
      start_probe (run);
      return;
    }

  mutual_identity_store_load_credentials_async (run->view->store, run->identity, run->cancellable,
                                                credentials_cb, run);
}

static void
ca_file_cb (GObject      *source_object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(MutualBundle) bundle = NULL;
  g_autoptr(MutualTrust) trust = NULL;
  g_autoptr(GError) error = NULL;

  bundle = mutual_import_file_finish (result, &error);
  if (run->view->run != run)
    {
      run_free (run);
      return;
    }

  trust = mutual_trust_new ();
  if (bundle == NULL || !mutual_trust_add_bundle (trust, bundle, &error))
    {
      g_autoptr(GError) wrapped = NULL;

      /* Translators: %s is an error message. */
      wrapped = g_error_new (error->domain, error->code, _("The CA file could not be used: %s"),
                             error->message);
      end_run (run, wrapped);
      run_free (run);
      return;
    }

  mutual_probe_set_trust (run->probe, trust);
  load_identity (run);
}

static MutualProbe *
new_probe (MutualTestView     *self,
           const char         *host,
           guint16             port,
           const char * const *alpn,
           const char         *keylog)
{
  MutualProbe *probe = mutual_probe_new (host, port);
  const char *sni = gtk_editable_get_text (GTK_EDITABLE (self->sni_row));
  guint step_ms = (guint) gtk_spin_button_get_value_as_int (self->timeout_spin) * 1000;
  g_autofree char *stripped = g_strstrip (g_strdup (sni));

  mutual_probe_set_protocol (probe, chosen_protocol (self));
  if (gtk_switch_get_active (self->no_sni_switch))
    mutual_probe_set_sni (probe, "");
  else if (*stripped != '\0')
    mutual_probe_set_sni (probe, stripped);

  switch (adw_combo_row_get_selected (self->version_row))
    {
    case 1:
      mutual_probe_set_versions (probe, MUTUAL_TLS_1_2, MUTUAL_TLS_1_2);
      break;
    case 2:
      mutual_probe_set_versions (probe, MUTUAL_TLS_1_3, MUTUAL_TLS_1_3);
      break;
    default:
      mutual_probe_set_versions (probe, MUTUAL_TLS_ANY, MUTUAL_TLS_ANY);
      break;
    }

  switch (adw_combo_row_get_selected (self->family_row))
    {
    case 1:
      mutual_probe_set_family (probe, G_SOCKET_FAMILY_IPV4);
      break;
    case 2:
      mutual_probe_set_family (probe, G_SOCKET_FAMILY_IPV6);
      break;
    default:
      mutual_probe_set_family (probe, G_SOCKET_FAMILY_INVALID);
      break;
    }

  mutual_probe_set_alpn (probe, alpn);
  mutual_probe_set_keylog (probe, keylog);

  /* Three steps' worth for the whole test, as the probe's own defaults are. */
  mutual_probe_set_timeouts (probe, step_ms, step_ms * 3);
  mutual_probe_set_check_any_certificate (probe, gtk_switch_get_active (self->untrusted_switch));

  return probe;
}

/* Points at the field @row of the form that keeps a test from starting, and says why. */
static void
reject_field (MutualTestView *self,
              GtkWidget      *row,
              const char     *message)
{
  if (gtk_widget_is_ancestor (row, GTK_WIDGET (self->advanced_row)))
    adw_expander_row_set_expanded (self->advanced_row, TRUE);
  gtk_widget_add_css_class (row, "error");
  gtk_widget_grab_focus (row);
  add_toast (self, message);
}

static void
run_action_cb (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  MutualTestView *self = MUTUAL_TEST_VIEW (widget);
  g_autofree char *target = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->target_row))));
  g_autofree char *host = NULL;
  g_auto(GStrv) alpn = NULL;
  g_autofree char *keylog = NULL;
  g_autoptr(GError) error = NULL;
  MutualIdentity *identity = chosen_identity (self);
  guint16 port = 0;
  Run *run;

  if (self->run != NULL || *target == '\0')
    return;

  if (!parse_target (target, mutual_protocol_default_port (chosen_protocol (self)), &host, &port,
                     &error))
    {
      reject_field (self, GTK_WIDGET (self->target_row), error->message);
      return;
    }
  if (!parse_alpn (gtk_editable_get_text (GTK_EDITABLE (self->alpn_row)), &alpn, &error))
    {
      reject_field (self, GTK_WIDGET (self->alpn_row), error->message);
      return;
    }
  if (self->keylog_file != NULL)
    {
      /* The probe writes the file itself, so it must have a path. */
      keylog = g_file_get_path (self->keylog_file);
      if (keylog == NULL)
        {
          reject_field (self, GTK_WIDGET (self->keylog_row),
                        _("The session key log must be a file on this computer"));
          return;
        }
    }
  remember_target (self, target);

  /* Back to the test, from a certificate of the last one. */
  adw_leaflet_set_visible_child (self->leaflet, self->test_page);

  run = g_new0 (Run, 1);
  run->view = g_object_ref (self);
  run->cancellable = g_cancellable_new ();
  run->probe = new_probe (self, host, port, (const char * const *) alpn, keylog);
  run->identity = identity != NULL ? g_object_ref (identity) : NULL;
  run->ca_file = self->ca_file != NULL ? g_object_ref (self->ca_file) : NULL;

  g_set_object (&self->probe, run->probe);
  g_clear_pointer (&self->probe_identity_label, g_free);
  self->probe_identity_label = identity != NULL ? g_strdup (mutual_identity_get_label (identity)) : NULL;
  g_clear_pointer (&self->run_error, g_free);
  self->cancelled = FALSE;
  gtk_list_box_bind_model (self->steps_list, NULL, NULL, NULL, NULL);
  set_running (self, run);

  if (run->ca_file != NULL)
    mutual_import_file_async (run->ca_file, NULL, run->cancellable, ca_file_cb, run);
  else
    load_identity (run);
}

static void
cancel_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  MutualTestView *self = MUTUAL_TEST_VIEW (widget);

  if (self->run != NULL)
    g_cancellable_cancel (self->run->cancellable);
}

/* The report */

static const char *
step_mark (MutualStepStatus status)
{
  switch (status)
    {
    case MUTUAL_STEP_OK:
      return "✓";
    case MUTUAL_STEP_WARNING:
      return "⚠";
    case MUTUAL_STEP_FAILED:
      return "✗";
    case MUTUAL_STEP_SKIPPED:
      return "–";
    case MUTUAL_STEP_PENDING:
    case MUTUAL_STEP_RUNNING:
    default:
      return "…";
    }
}

static void
append_indented (GString    *report,
                 const char *indent,
                 const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    g_string_append_printf (report, "%s%s\n", indent, lines[i]);
}

static void
append_findings (GString   *report,
                 GPtrArray *findings)
{
  if (findings == NULL || findings->len == 0)
    return;

  g_string_append_printf (report, "\n%s\n", _("Findings"));
  for (guint i = 0; i < findings->len; i++)
    {
      MutualFinding *finding = g_ptr_array_index (findings, i);
      const char * const *evidence = mutual_finding_get_evidence (finding);
      const char *remedy = mutual_finding_get_remedy (finding);

      g_string_append_printf (report, "\n%s: %s%s [%s]\n",
                              mutual_finding_severity_get_label (mutual_finding_get_severity (finding)),
                              mutual_finding_get_title (finding),
                              mutual_finding_get_certain (finding) ? "" : _(" (probable)"),
                              mutual_finding_get_id (finding));
      if (mutual_finding_get_explanation (finding) != NULL)
        append_indented (report, "  ", mutual_finding_get_explanation (finding));
      if (remedy != NULL && *remedy != '\0')
        {
          /* Translators: %s is what to do about a finding. */
          g_autofree char *line = g_strdup_printf (_("What to do: %s"), remedy);

          append_indented (report, "  ", line);
        }
      for (guint e = 0; evidence != NULL && evidence[e] != NULL; e++)
        {
          g_autofree char *line = g_strdup_printf ("- %s", evidence[e]);

          append_indented (report, "  ", line);
        }
    }
}

static void
append_steps (GString    *report,
              GListModel *steps)
{
  guint n = g_list_model_get_n_items (steps);

  g_string_append_printf (report, "\n%s\n\n", _("Timeline"));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MutualProbeStep) step = g_list_model_get_item (steps, i);
      GListModel *evidence = mutual_probe_step_get_evidence (step);
      g_autofree char *duration = mutual_format_elapsed (mutual_probe_step_get_duration (step));
      const char *summary = mutual_probe_step_get_summary (step);

      g_string_append_printf (report, "%s %s (%s, %s)\n",
                              step_mark (mutual_probe_step_get_status (step)),
                              mutual_probe_step_get_title (step),
                              mutual_step_status_get_label (mutual_probe_step_get_status (step)),
                              duration);
      if (summary != NULL)
        append_indented (report, "    ", summary);
      for (guint e = 0; e < g_list_model_get_n_items (evidence); e++)
        {
          g_autoptr(MutualField) field = g_list_model_get_item (evidence, e);
          g_autofree char *line = g_strdup_printf ("%s: %s", mutual_field_get_label (field),
                                                   mutual_field_get_value (field));

          append_indented (report, "      ", line);
        }
    }
}

/**
 * mutual_test_view_dup_report:
 *
 * Returns: (transfer full) (nullable): the last test as plain text, for a ticket or a
 *   chat, or %NULL before the first test
 */
char *
mutual_test_view_dup_report (MutualTestView *self)
{
  g_autoptr(GString) report = g_string_new (NULL);
  g_autofree char *target = NULL;
  const char *style;
  GPtrArray *chain;

  g_return_val_if_fail (MUTUAL_IS_TEST_VIEW (self), NULL);

  if (self->probe == NULL)
    return NULL;

  target = describe_target (self);
  /* Translators: the first line of a copied report; %s is the target and the identity. */
  g_string_append_printf (report, _("Mutual connection test of %s"), target);
  g_string_append_c (report, '\n');
  /* Translators: %s is the outcome, e.g. "Accepted". */
  g_string_append_printf (report, _("Result: %s"), outcome_label (self, &style));
  g_string_append_c (report, '\n');
  if (self->run_error != NULL)
    append_indented (report, "", self->run_error);

  append_findings (report, mutual_probe_get_findings (self->probe));
  append_steps (report, mutual_probe_get_steps (self->probe));

  chain = mutual_probe_get_server_chain (self->probe);
  if (chain != NULL && chain->len > 0)
    {
      g_string_append_printf (report, "\n%s\n\n", _("Server certificates"));
      for (guint i = 0; i < chain->len; i++)
        {
          MutualCertificate *certificate = g_ptr_array_index (chain, i);

          g_autofree char *issuer = NULL;

          /* Translators: %s is the name of a certificate authority. */
          issuer = g_strdup_printf (_("Issued by %s"), mutual_certificate_get_issuer_name (certificate));
          g_string_append_printf (report, "%u. %s\n", i + 1, mutual_certificate_get_subject_name (certificate));
          g_string_append_printf (report, "   %s\n", issuer);
          g_string_append_printf (report, "   SHA-256 %s\n", mutual_certificate_get_sha256 (certificate));
        }
    }

  return g_string_free (g_steal_pointer (&report), FALSE);
}

static void
copy_report_action_cb (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  MutualTestView *self = MUTUAL_TEST_VIEW (widget);
  g_autofree char *report = mutual_test_view_dup_report (self);

  if (report == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), report);
  add_toast (self, _("Report copied"));
}

/* The support bundle */

static void
bundle_saved_cb (GObject      *source_object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(MutualTestView) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source_object), result, NULL, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_debug ("Cannot save the support bundle: %s", error->message);
      /* Translators: %s is an error message. */
      message = g_strdup_printf (_("The support bundle could not be saved: %s"), error->message);
      add_toast (self, message);
      return;
    }

  add_toast (self, _("Support bundle saved"));
}

static char *
probe_to_bundle (MutualProbe *probe)
{
  g_autoptr(MutualJson) json = mutual_json_new (TRUE);

  /* The document `mutualctl probe --json` writes, so that the same tools read both. */
  mutual_json_begin_object (json, NULL);
  mutual_json_string (json, "schema", "mutualctl.probe/1");
  mutual_probe_to_json (probe, json, "probe");
  mutual_json_end_object (json);

  return mutual_json_free_to_string (g_steal_pointer (&json));
}

static void
bundle_chooser_response_cb (GtkNativeDialog *dialog,
                            int              response,
                            gpointer         user_data)
{
  MutualTestView *self = user_data;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GBytes) contents = NULL;
  char *text;

  if (response != GTK_RESPONSE_ACCEPT || self->probe == NULL)
    return;

  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  text = probe_to_bundle (self->probe);
  /* The probe's JSON never holds a key; a bundle is for sharing, so make sure. */
  if (strstr (text, "PRIVATE KEY") != NULL)
    {
      g_free (text);
      add_toast (self, _("The support bundle was not saved: it would have held a private key"));
      return;
    }

  contents = g_bytes_new_take (text, strlen (text));
  g_file_replace_contents_bytes_async (file, contents, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       NULL, bundle_saved_cb, g_object_ref (self));
}

static void
save_bundle_action_cb (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  MutualTestView *self = MUTUAL_TEST_VIEW (widget);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *name = NULL;

  if (self->probe == NULL)
    return;

  if (self->bundle_chooser == NULL)
    self->bundle_chooser = new_file_chooser (self, _("Save Support Bundle"),
                                             GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"),
                                             G_CALLBACK (bundle_chooser_response_cb));

  name = g_strdup_printf ("mutual-test-%s-%s.json", mutual_probe_get_host (self->probe), stamp);
  g_strdelimit (name, ":/\\", '_');
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->bundle_chooser), name);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->bundle_chooser));
}

/* GObject */

static void
mutual_test_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  MutualTestView *self = MUTUAL_TEST_VIEW (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, self->run != NULL);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
destroy_chooser (GtkFileChooserNative **chooser)
{
  if (*chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (*chooser));
  g_clear_object (chooser);
}

static void
mutual_test_view_dispose (GObject *object)
{
  MutualTestView *self = MUTUAL_TEST_VIEW (object);

  /* A run still going ends without touching the view: its callbacks see that it is no
   * longer the view's run. */
  if (self->run != NULL)
    {
      g_cancellable_cancel (self->run->cancellable);
      self->run = NULL;
    }
  if (self->choices != NULL)
    g_signal_handlers_disconnect_by_data (self->choices, self);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  destroy_chooser (&self->ca_chooser);
  destroy_chooser (&self->keylog_chooser);
  destroy_chooser (&self->bundle_chooser);
  if (self->steps_list != NULL)
    gtk_list_box_bind_model (self->steps_list, NULL, NULL, NULL, NULL);
  if (self->leaflet != NULL)
    g_signal_handlers_disconnect_by_data (self->leaflet, self);
  /* The bin lets go of its child first: gtk_widget_dispose_template() would unparent a
   * template child behind AdwBin's back. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), MUTUAL_TYPE_TEST_VIEW);

  G_OBJECT_CLASS (mutual_test_view_parent_class)->dispose (object);
}

static void
mutual_test_view_finalize (GObject *object)
{
  MutualTestView *self = MUTUAL_TEST_VIEW (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->store);
  g_clear_object (&self->identities);
  g_clear_object (&self->choices);
  g_clear_pointer (&self->chosen_id, g_free);
  g_clear_object (&self->ca_file);
  g_clear_object (&self->keylog_file);
  g_clear_object (&self->probe);
  g_clear_pointer (&self->probe_identity_label, g_free);
  g_clear_pointer (&self->run_error, g_free);

  G_OBJECT_CLASS (mutual_test_view_parent_class)->finalize (object);
}

static void
mutual_test_view_class_init (MutualTestViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mutual_test_view_dispose;
  object_class->finalize = mutual_test_view_finalize;
  object_class->get_property = mutual_test_view_get_property;

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE_PATH "/mutual-test-view.ui");
  gtk_widget_class_bind_template_child (widget_class, MutualTestView, leaflet);
  gtk_widget_class_bind_template_child (widget_class, MutualTestView, test_page);
  gtk_widget_class_bind_template_child (widget_class, MutualTestView, form_group);
  gtk_widget_class_bind_template_child (widget_class, MutualTestView, target_row);
  gtk_widget_class_bind_template_child (widget_class, MutualTestView, recent_button);
  gtk_widget_class_bind_template_child (widget_class, MutualTestView, recent_section);
  gtk_widget_class_bind_template_child (widget_class, MutualTestView, identity_row);
  gtk_widget_class_bind_template_child (widget_class, MutualTestView, protocol_row);
  gtk_widget_class_bind_template_child (widget_class, MutualTestView, advanced_row);
  gtk_widget_class_bind_template_child (widget_class, MutualTestView, sni_row);
  gtk_widget_class_bind_template_child (widget_class, MutualTestView, no_sni_switch);
  gtk_widget_class_bind_template_child (widget_class, MutualTestView, version_row);
  gtk_widget_class_bind_template_child (widget_class, MutualTestView, alpn_row);
  gtk_widget_class_bind_template_child (widget_class, MutualTestView, family_row);
  gtk_widget_class_bind_template_child (widget_class, MutualTestView, ca_row);
  gtk_widget_class_bind_template_child (widget_class, MutualTestView, ca_clear_button);
  gtk_widget_class_bind_template_child (widget_class, MutualTestView, timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, MutualTestView, untrusted_switch);
  gtk_widget_class_bind_template_child (widget_class, MutualTestView, keylog_row);
  gtk_widget_class_bind_template_child (widget_class, MutualTestView, keylog_clear_button);
  gtk_widget_class_bind_template_child (widget_class, MutualTestView, run_button);
  gtk_widget_class_bind_template_child (widget_class, MutualTestView, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, MutualTestView, results_box);
  gtk_widget_class_bind_template_child (widget_class, MutualTestView, result_group);
  gtk_widget_class_bind_template_child (widget_class, MutualTestView, outcome_label);
  gtk_widget_class_bind_template_child (widget_class, MutualTestView, findings_list);
  gtk_widget_class_bind_template_child (widget_class, MutualTestView, steps_list);
  gtk_widget_class_bind_template_child (widget_class, MutualTestView, chain_group);
  gtk_widget_class_bind_template_child (widget_class, MutualTestView, chain_list);
  gtk_widget_class_bind_template_callback (widget_class, page_stack_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, target_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, target_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, alpn_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, protocol_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, chain_row_activated_cb);

  gtk_widget_class_install_action (widget_class, "probe.run", NULL, run_action_cb);
  gtk_widget_class_install_action (widget_class, "probe.cancel", NULL, cancel_action_cb);
  gtk_widget_class_install_action (widget_class, "probe.copy-report", NULL, copy_report_action_cb);
  gtk_widget_class_install_action (widget_class, "probe.save-bundle", NULL, save_bundle_action_cb);
  gtk_widget_class_install_action (widget_class, "probe.choose-ca", NULL, choose_ca_action_cb);
  gtk_widget_class_install_action (widget_class, "probe.clear-ca", NULL, clear_ca_action_cb);
  gtk_widget_class_install_action (widget_class, "probe.choose-keylog", NULL, choose_keylog_action_cb);
  gtk_widget_class_install_action (widget_class, "probe.clear-keylog", NULL, clear_keylog_action_cb);
  gtk_widget_class_install_action (widget_class, "probe.use-recent", "s", use_recent_action_cb);
  gtk_widget_class_install_action (widget_class, "probe.clear-recent", NULL, clear_recent_action_cb);

  /* From anywhere in the view, text fields included. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "probe.run", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "probe.run", NULL);
}

static void
mutual_test_view_init (MutualTestView *self)
{
  g_autoptr(GtkExpression) label = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (BASE_ID);
  g_signal_connect_object (self->settings, "changed::" RECENT_TARGETS_KEY,
                           G_CALLBACK (recent_targets_changed_cb), self, G_CONNECT_SWAPPED);
  recent_targets_changed_cb (self, RECENT_TARGETS_KEY, self->settings);

  label = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 0, NULL, G_CALLBACK (choice_label_cb),
                                       NULL, NULL);
  adw_combo_row_set_expression (self->identity_row, label);
  g_signal_connect_object (self->identity_row, "notify::selected", G_CALLBACK (identity_chosen_cb),
                           self, G_CONNECT_SWAPPED);

  adw_combo_row_set_selected (self->protocol_row, MUTUAL_PROTOCOL_HTTPS);
  protocol_changed_cb (self, NULL, self->protocol_row);
  show_ca_file (self);
  show_keylog_file (self);
  update_actions (self);
}
