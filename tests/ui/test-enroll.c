/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Enrolling with a real step-ca through the dialog, under Xvfb with the harness's
 * private gnome-keyring. step-ca is built on demand (as the stepca tests do, under
 * their lock) and started with tests/stepca/stepca.py on 127.0.0.1; it is stopped when
 * the test ends, also when it fails (an assertion aborts: a signal handler stops it).
 *
 * The tests go through what a user does: open the dialog from the sidebar's empty state,
 * give a wrong fingerprint (refused before anything secret is sent), the right one
 * (the root is shown), a wrong provisioner password (the CA's refusal is shown), then
 * enroll with the provisioner password and with a pasted token (which fills in the
 * subject). Each new identity is selected in the sidebar and shows its renewal card;
 * Renew Now renews it against the CA, and Change… sets a PKCS#12 output (checked with
 * openssl), keeps its password when it is not typed again, and removes both. Finally
 * "Run in Background" writes and removes the autostart entry. Screenshots go to MUTUAL_TEST_OUTPUT_DIR; the password rows are
 * masked, and no token or password is ever printed. */

#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mutual-application.h"
#include "mutual-background.h"
#include "mutual-enroll-dialog.h"
#include "mutual-identity-row.h"
#include "mutual-identity-view.h"
#include "mutual-preferences-window.h"
#include "mutual-renewal-card.h"
#include "mutual-test-ui.h"
#include "mutual-window.h"

#define WAIT_MS 30000
#define ADMIN "admin@example.test"
#define SHORT "short@example.test"

static MutualApplication *app;
static char *scratch;
static char *state_dir;
static char *ca_url;
static char *ca_fingerprint;
static char *admin_password;
/* The command that stops the CA, ready before anything can fail. */
static char *stop_argv[8];
static gboolean ca_running;

/* The CA */

static void
stop_ca (void)
{
  pid_t pid;
  int status;

  if (!ca_running)
    return;
  ca_running = FALSE;
  /* fork, exec and waitpid only: this also runs from a signal handler. */
  pid = fork ();
  if (pid == 0)
    {
      int null = open ("/dev/null", O_WRONLY);

      dup2 (null, STDOUT_FILENO);
      execv (stop_argv[0], stop_argv);
      _exit (127);
    }
  if (pid > 0)
    waitpid (pid, &status, 0);
}

static void
fatal_signal_handler (int signum)
{
  stop_ca ();
  signal (signum, SIG_DFL);
  raise (signum);
}

static char *
run_stepca (const char  *command,
            const char **extra)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_ptr_array_add (argv, (gpointer) "/usr/bin/python3");
  g_ptr_array_add (argv, (gpointer) g_getenv ("MUTUAL_TEST_STEPCA_PY"));
  g_ptr_array_add (argv, (gpointer) command);
  g_ptr_array_add (argv, (gpointer) "--dir");
  g_ptr_array_add (argv, state_dir);
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) extra[i]);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                               &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    {
      /* Its error output names no secret (stepca.py prints secrets only on stdout). */
      g_test_message ("stepca.py %s failed: %s", command, err);
      g_assert_not_reached ();
    }
  return g_steal_pointer (&out);
}

static void
build_step_ca (const char *binary)
{
  const char *build_root = g_getenv ("MUTUAL_BUILD_ROOT");
  g_autofree char *folder = g_path_get_dirname (binary);
  g_autofree char *lock_path = g_build_filename (folder, "step-ca.build-lock", NULL);
  g_autofree char *target = g_build_filename ("tests", "stepca", "step-ca", NULL);
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { g_getenv ("MUTUAL_TEST_NINJA"), "-C", build_root, target, NULL };
  gint64 started = g_get_monotonic_time ();
  int status = -1;
  int lock;

  g_assert_nonnull (build_root);
  g_assert_nonnull (argv[0]);
  /* One build at a time, with the Python tests that need it too. */
  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  lock = open (lock_path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  g_assert_cmpint (lock, >=, 0);
  g_assert_cmpint (flock (lock, LOCK_EX), ==, 0);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                               &status, &error));
  close (lock);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_test_message ("%s", out);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (g_file_test (binary, G_FILE_TEST_IS_EXECUTABLE));
  g_test_message ("step-ca is built (%.1f s through ninja)",
                  (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC);
}

static void
start_ca (void)
{
  g_autofree char *binary = g_build_filename (g_getenv ("MUTUAL_BUILD_ROOT"), "tests", "stepca", "step-ca", NULL);
  const char *extra[] = { "--binary", binary, NULL };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  JsonObject *state;
  JsonArray *provisioners;

  build_step_ca (binary);

  stop_argv[0] = (char *) "/usr/bin/python3";
  stop_argv[1] = (char *) g_getenv ("MUTUAL_TEST_STEPCA_PY");
  stop_argv[2] = (char *) "stop";
  stop_argv[3] = (char *) "--dir";
  stop_argv[4] = state_dir;
  stop_argv[5] = NULL;
  signal (SIGABRT, fatal_signal_handler);
  signal (SIGTRAP, fatal_signal_handler);
  signal (SIGSEGV, fatal_signal_handler);
  signal (SIGTERM, fatal_signal_handler);

  ca_running = TRUE;
  out = run_stepca ("start", extra);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  state = json_node_get_object (json_parser_get_root (parser));
  ca_url = g_strdup (json_object_get_string_member (state, "url"));
  ca_fingerprint = g_strdup (json_object_get_string_member (state, "fingerprint"));
  provisioners = json_object_get_array_member (state, "provisioners");
  for (guint i = 0; i < json_array_get_length (provisioners); i++)
    {
      JsonObject *provisioner = json_array_get_object_element (provisioners, i);

      if (g_str_equal (json_object_get_string_member (provisioner, "name"), ADMIN))
        admin_password = g_strdup (json_object_get_string_member (provisioner, "password"));
    }
  /* The output held the passwords. */
  memset (out, 0, strlen (out));
  g_assert_nonnull (admin_password);
  g_test_message ("step-ca runs at %s", ca_url);
}

/* Widgets */

static GtkWidget *
child (gpointer    widget,
       GType       type,
       const char *name)
{
  return mutual_test_ui_template_child (widget, type, name);
}

static GtkWidget *
dialog_child (MutualEnrollDialog *dialog,
              const char         *name)
{
  return child (dialog, MUTUAL_TYPE_ENROLL_DIALOG, name);
}

static void
set_row_text (MutualEnrollDialog *dialog,
              const char         *name,
              const char         *text)
{
  gtk_editable_set_text (GTK_EDITABLE (dialog_child (dialog, name)), text);
}

static void
click_widget (GtkWidget *button)
{
  g_assert_true (gtk_widget_is_drawable (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static void
click (GtkWidget  *root,
       const char *label)
{
  GtkButton *button = mutual_test_ui_find_button (root, label);

  g_assert_nonnull (button);
  click_widget (GTK_WIDGET (button));
}

typedef struct
{
  MutualEnrollDialog *dialog;
  const char *page;
} PageWait;

static gboolean
on_page (gpointer data)
{
  PageWait *wait = data;

  return g_strcmp0 (mutual_enroll_dialog_get_page (wait->dialog), wait->page) == 0;
}

static void
wait_page (MutualEnrollDialog *dialog,
           const char         *page)
{
  PageWait wait = { dialog, page };

  mutual_test_ui_spin_until (on_page, &wait, WAIT_MS);
}

static gboolean
dialog_shown (gpointer data)
{
  return mutual_test_ui_find_toplevel (MUTUAL_TYPE_ENROLL_DIALOG) != NULL;
}

static MutualEnrollDialog *
wait_dialog (void)
{
  MutualEnrollDialog *dialog;

  mutual_test_ui_spin_until (dialog_shown, NULL, WAIT_MS);
  dialog = MUTUAL_ENROLL_DIALOG (mutual_test_ui_find_toplevel (MUTUAL_TYPE_ENROLL_DIALOG));
  mutual_test_ui_spin_until (mutual_test_ui_widget_mapped, dialog, WAIT_MS);
  return dialog;
}

static const char *
sidebar_page (MutualWindow *window)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (child (window, MUTUAL_TYPE_WINDOW, "sidebar_stack")));
}

static gboolean
sidebar_settled (gpointer data)
{
  const char *page = sidebar_page (data);

  return g_strcmp0 (page, "empty") == 0 || g_strcmp0 (page, "list") == 0;
}

typedef struct
{
  MutualWindow *window;
  const char *label;
} Shown;

/* The identity labelled so is selected in the sidebar and shown, with its card. */
static gboolean
identity_shown (gpointer data)
{
  Shown *shown = data;
  GtkListBox *list = GTK_LIST_BOX (child (shown->window, MUTUAL_TYPE_WINDOW, "identity_list"));
  GtkListBoxRow *row = gtk_list_box_get_selected_row (list);
  MutualIdentityView *view = mutual_window_get_identity_view (shown->window);
  MutualIdentity *identity;

  if (row == NULL || view == NULL)
    return FALSE;
  identity = mutual_identity_row_get_identity (MUTUAL_IDENTITY_ROW (row));
  return g_str_equal (mutual_identity_get_label (identity), shown->label) &&
         g_str_equal (mutual_identity_get_label (mutual_identity_view_get_identity (view)), shown->label);
}

static MutualRenewalCard *
find_card (MutualWindow *window)
{
  MutualIdentityView *view = mutual_window_get_identity_view (window);
  g_autoptr(GPtrArray) cards = mutual_test_ui_find_all (GTK_WIDGET (view), MUTUAL_TYPE_RENEWAL_CARD);

  g_assert_cmpuint (cards->len, ==, 1);
  g_assert_true (gtk_widget_is_drawable (g_ptr_array_index (cards, 0)));
  return g_ptr_array_index (cards, 0);
}

static const char *
card_subtitle (MutualRenewalCard *card,
               const char        *row)
{
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (child (card, MUTUAL_TYPE_RENEWAL_CARD, row)));
}

static gboolean
card_idle (gpointer data)
{
  return !mutual_renewal_card_get_busy (data);
}

static gboolean
weak_cleared (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static MutualWindow *window;

/* A CA that accepts connections and never answers: what Cancel is for. */
static gboolean
silent_incoming_cb (GSocketService     *service,
                    GSocketConnection  *connection,
                    GObject            *source_object,
                    gpointer            user_data)
{
  g_ptr_array_add (user_data, g_object_ref (connection));
  return TRUE;
}

/* A notification server on the harness's bus (org.freedesktop.Notifications, which
 * GLib's notification backend talks to outside Flatpak), to see what the application
 * notifies, and withdraws. */

static const char notifications_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.Notifications'>"
  "    <method name='Notify'>"
  "      <arg type='s' direction='in'/><arg type='u' direction='in'/><arg type='s' direction='in'/>"
  "      <arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='as' direction='in'/>"
  "      <arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
  "      <arg type='u' direction='out'/>"
  "    </method>"
  "    <method name='CloseNotification'><arg type='u' direction='in'/></method>"
  "    <method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "    <method name='GetServerInformation'>"
  "      <arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "      <arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "    </method>"
  "    <signal name='NotificationClosed'><arg type='u'/><arg type='u'/></signal>"
  "    <signal name='ActionInvoked'><arg type='u'/><arg type='s'/></signal>"
  "  </interface>"
  "</node>";

/* Notification id → its summary, while it is shown. */
static GHashTable *shown_notifications;
static guint last_notification_id;
static gboolean notifications_owned;

static void
notifications_method_cb (GDBusConnection       *connection,
                         const char            *sender,
                         const char            *object_path,
                         const char            *interface_name,
                         const char            *method_name,
                         GVariant              *parameters,
                         GDBusMethodInvocation *invocation,
                         gpointer               user_data)
{
  if (g_str_equal (method_name, "Notify"))
    {
      const char *summary = NULL;
      guint replaces = 0;
      guint id;

      g_variant_get_child (parameters, 1, "u", &replaces);
      g_variant_get_child (parameters, 3, "&s", &summary);
      id = replaces != 0 ? replaces : ++last_notification_id;
      g_hash_table_replace (shown_notifications, GUINT_TO_POINTER (id), g_strdup (summary));
      g_test_message ("notification %u: %s", id, summary);
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", id));
    }
  else if (g_str_equal (method_name, "CloseNotification"))
    {
      guint id = 0;

      g_variant_get (parameters, "(u)", &id);
      g_hash_table_remove (shown_notifications, GUINT_TO_POINTER (id));
      g_test_message ("notification %u closed", id);
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else if (g_str_equal (method_name, "GetCapabilities"))
    {
      const char *capabilities[] = { "body", "actions", NULL };

      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(^as)", capabilities));
    }
  else
    {
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(ssss)", "mutual-test", "Mutual", "1", "1.2"));
    }
}

static void
notifications_name_acquired_cb (GDBusConnection *connection,
                                const char      *name,
                                gpointer         user_data)
{
  notifications_owned = TRUE;
}

static gboolean
notifications_ready (gpointer data)
{
  return notifications_owned;
}

static void
start_notification_server (void)
{
  static const GDBusInterfaceVTable vtable = { notifications_method_cb, NULL, NULL, { 0 } };
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (notifications_xml, NULL);
  g_autoptr(GError) error = NULL;
  GDBusConnection *bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);

  g_assert_no_error (error);
  shown_notifications = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_dbus_connection_register_object (bus, "/org/freedesktop/Notifications", info->interfaces[0], &vtable,
                                     NULL, NULL, &error);
  g_assert_no_error (error);
  g_bus_own_name_on_connection (bus, "org.freedesktop.Notifications", G_BUS_NAME_OWNER_FLAGS_NONE,
                                notifications_name_acquired_cb, NULL, NULL, NULL);
  mutual_test_ui_spin_until (notifications_ready, NULL, WAIT_MS);
  g_object_unref (bus);
}

static gboolean
notification_shown_with (gpointer data)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, shown_notifications);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      if (strstr (value, data) != NULL)
        return TRUE;
    }
  return FALSE;
}

static gboolean
no_notification_shown (gpointer data)
{
  return g_hash_table_size (shown_notifications) == 0;
}

/* Tests */

static void
test_fingerprint (void)
{
  MutualEnrollDialog *dialog;
  AdwStatusPage *failed;
  GtkWidget *error_label;
  gpointer weak;

  window = mutual_window_new (app);
  mutual_test_ui_present (GTK_WINDOW (window), WAIT_MS);
  mutual_test_ui_spin_until (sidebar_settled, window, WAIT_MS);
  g_assert_cmpstr (sidebar_page (window), ==, "empty");
  mutual_test_ui_screenshot (GTK_WIDGET (window), "enroll-empty-state");

  /* From the empty state. */
  click (child (window, MUTUAL_TYPE_WINDOW, "sidebar_stack"), "_Enroll With a CA…");
  dialog = wait_dialog ();
  g_assert_cmpstr (mutual_enroll_dialog_get_page (dialog), ==, "ca");
  g_assert_false (gtk_widget_get_sensitive (dialog_child (dialog, "next_button")));

  /* A typing mistake is said beside the fields, without asking the CA. */
  set_row_text (dialog, "url_row", "http://127.0.0.1:1");
  set_row_text (dialog, "fingerprint_row", ca_fingerprint);
  click_widget (dialog_child (dialog, "next_button"));
  error_label = dialog_child (dialog, "ca_error_label");
  g_assert_true (gtk_widget_get_visible (error_label));
  g_assert_cmpstr (mutual_enroll_dialog_get_page (dialog), ==, "ca");

  /* The right CA with a wrong fingerprint: refused at bootstrap. */
  set_row_text (dialog, "url_row", ca_url);
  set_row_text (dialog, "fingerprint_row", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
  g_assert_false (gtk_widget_get_visible (error_label));
  click_widget (dialog_child (dialog, "next_button"));
  wait_page (dialog, "failed");
  failed = ADW_STATUS_PAGE (dialog_child (dialog, "failed_page"));
  g_assert_cmpstr (adw_status_page_get_title (failed), ==, "Wrong Root Fingerprint");
  g_assert_nonnull (adw_status_page_get_description (failed));
  mutual_test_ui_screenshot (GTK_WIDGET (dialog), "enroll-wrong-fingerprint");
  click (GTK_WIDGET (failed), "_Back");
  g_assert_cmpstr (mutual_enroll_dialog_get_page (dialog), ==, "ca");

  /* A CA that never answers: Cancel stops waiting for it, long before any timeout. */
  {
    g_autoptr(GSocketService) silent = g_socket_service_new ();
    g_autoptr(GPtrArray) connections = g_ptr_array_new_with_free_func (g_object_unref);
    g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
    g_autoptr(GSocketAddress) bound = NULL;
    g_autofree char *silent_url = NULL;
    g_autoptr(GError) error = NULL;
    gint64 started;

    g_socket_listener_add_address (G_SOCKET_LISTENER (silent), address, G_SOCKET_TYPE_STREAM,
                                   G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
    g_assert_no_error (error);
    g_signal_connect (silent, "incoming", G_CALLBACK (silent_incoming_cb), connections);
    silent_url = g_strdup_printf ("https://127.0.0.1:%u",
                                  g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
    set_row_text (dialog, "url_row", silent_url);
    set_row_text (dialog, "fingerprint_row", ca_fingerprint);
    click_widget (dialog_child (dialog, "next_button"));
    g_assert_cmpstr (mutual_enroll_dialog_get_page (dialog), ==, "working");
    g_assert_true (mutual_enroll_dialog_get_busy (dialog));
    mutual_test_ui_spin_for (500);
    mutual_test_ui_screenshot (GTK_WIDGET (dialog), "enroll-working");
    started = g_get_monotonic_time ();
    click_widget (dialog_child (dialog, "cancel_button"));
    wait_page (dialog, "ca");
    g_assert_cmpint (g_get_monotonic_time () - started, <, 5 * G_USEC_PER_SEC);
    g_assert_false (mutual_enroll_dialog_get_busy (dialog));
    g_socket_service_stop (silent);
    g_socket_listener_close (G_SOCKET_LISTENER (silent));
  }

  /* Cancel closes the dialog; nothing was stored. */
  weak = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), &weak);
  click_widget (dialog_child (dialog, "cancel_button"));
  mutual_test_ui_spin_until (weak_cleared, &weak, WAIT_MS);
  g_assert_cmpstr (sidebar_page (window), ==, "empty");
}

static MutualEnrollDialog *
open_at_details (void)
{
  MutualEnrollDialog *dialog;
  g_autofree char *fingerprint = NULL;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.enroll", NULL);
  dialog = wait_dialog ();
  set_row_text (dialog, "url_row", ca_url);
  /* Colons and capitals, as people copy fingerprints. */
  fingerprint = g_ascii_strup (ca_fingerprint, -1);
  set_row_text (dialog, "fingerprint_row", fingerprint);
  click_widget (dialog_child (dialog, "next_button"));
  wait_page (dialog, "details");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (dialog_child (dialog, "root_fingerprint_row"))), ==,
                   ca_fingerprint);
  return dialog;
}

static void
enroll_and_wait (MutualEnrollDialog *dialog,
                 const char         *label)
{
  Shown shown = { window, label };
  gpointer weak = dialog;

  g_object_add_weak_pointer (G_OBJECT (dialog), &weak);
  click_widget (dialog_child (dialog, "next_button"));
  g_assert_true (mutual_enroll_dialog_get_busy (dialog));
  mutual_test_ui_spin_until (weak_cleared, &weak, WAIT_MS);
  mutual_test_ui_spin_until (identity_shown, &shown, WAIT_MS);
}

static gboolean
provisioners_listed (gpointer data)
{
  MutualEnrollDialog *dialog = data;

  return gtk_widget_get_sensitive (dialog_child (dialog, "provisioner_choice_row")) &&
         !gtk_widget_get_visible (dialog_child (dialog, "provisioner_spinner"));
}

/* Picks a provisioner in the list the dialog fetched from the CA. */
static void
choose_provisioner (MutualEnrollDialog *dialog,
                    const char         *name)
{
  AdwComboRow *row = ADW_COMBO_ROW (dialog_child (dialog, "provisioner_choice_row"));
  GListModel *model = adw_combo_row_get_model (row);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      if (g_str_equal (gtk_string_list_get_string (GTK_STRING_LIST (model), i), name))
        {
          adw_combo_row_set_selected (row, i);
          return;
        }
    }
  g_assert_not_reached ();
}

static gboolean
message_dialog_shown (gpointer data)
{
  return mutual_test_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

/* Answers the dialog and closes it, as its buttons do (adw_message_dialog_response()
 * alone leaves it open), then waits for what it saves. */
static void
respond_and_wait (AdwMessageDialog  *change,
                  const char        *response,
                  MutualRenewalCard *card)
{
  gpointer weak = change;

  g_object_add_weak_pointer (G_OBJECT (change), &weak);
  adw_message_dialog_response (change, response);
  gtk_window_destroy (GTK_WINDOW (change));
  mutual_test_ui_spin_until (weak_cleared, &weak, WAIT_MS);
  mutual_test_ui_spin_until (card_idle, card, WAIT_MS);
}

static gboolean
no_message_dialog (gpointer data)
{
  return !message_dialog_shown (data);
}

/* Change…, once the dialog it opened before is gone. */
static AdwMessageDialog *
open_change (MutualRenewalCard *card)
{
  AdwMessageDialog *change;

  mutual_test_ui_spin_until (no_message_dialog, NULL, WAIT_MS);
  click (GTK_WIDGET (card), "C_hange…");
  mutual_test_ui_spin_until (message_dialog_shown, NULL, WAIT_MS);
  change = ADW_MESSAGE_DIALOG (mutual_test_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  mutual_test_ui_spin_until (mutual_test_ui_widget_mapped, change, WAIT_MS);
  return change;
}

static void
test_password (void)
{
  MutualEnrollDialog *dialog = open_at_details ();
  AdwStatusPage *failed = ADW_STATUS_PAGE (dialog_child (dialog, "failed_page"));
  MutualRenewalCard *card;
  MutualIdentity *before;
  guint generation;
  g_autofree char *out_cert = g_build_filename (scratch, "alice.crt", NULL);
  g_autofree char *out_key = g_build_filename (scratch, "alice.key", NULL);
  g_autofree char *hook_ran = g_build_filename (scratch, "hook-ran", NULL);
  g_autofree char *quoted = g_shell_quote (hook_ran);
  g_autofree char *hook = g_strdup_printf ("echo ran >> %s", quoted);
  g_autofree char *ran = NULL;
  AdwMessageDialog *change;
  GtkWidget *policy_entry;

  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (dialog_child (dialog, "root_subject_row"))), !=, "");
  adw_combo_row_set_selected (ADW_COMBO_ROW (dialog_child (dialog, "method_row")), 1);
  g_assert_true (gtk_widget_get_visible (dialog_child (dialog, "password_row")));
  g_assert_false (gtk_widget_get_visible (dialog_child (dialog, "token_row")));

  /* The CA's two JWK provisioners are offered, none picked for the user. */
  mutual_test_ui_spin_until (provisioners_listed, dialog, WAIT_MS);
  g_assert_true (gtk_widget_get_visible (dialog_child (dialog, "provisioner_choice_row")));
  g_assert_false (gtk_widget_get_visible (dialog_child (dialog, "provisioner_row")));
  {
    AdwComboRow *row = ADW_COMBO_ROW (dialog_child (dialog, "provisioner_choice_row"));
    GtkStringList *names = GTK_STRING_LIST (adw_combo_row_get_model (row));

    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (names)), ==, 2);
    g_assert_true (g_str_equal (gtk_string_list_get_string (names, 0), ADMIN) ||
                   g_str_equal (gtk_string_list_get_string (names, 1), ADMIN));
    g_assert_true (g_str_equal (gtk_string_list_get_string (names, 0), SHORT) ||
                   g_str_equal (gtk_string_list_get_string (names, 1), SHORT));
    g_assert_cmpuint (adw_combo_row_get_selected (row), ==, GTK_INVALID_LIST_POSITION);
  }
  set_row_text (dialog, "subject_row", "alice.example.test");
  set_row_text (dialog, "label_row", "Alice at step-ca");
  set_row_text (dialog, "password_row", "not-the-password");
  g_assert_false (gtk_widget_get_sensitive (dialog_child (dialog, "next_button")));
  choose_provisioner (dialog, SHORT);
  choose_provisioner (dialog, ADMIN);
  g_assert_true (gtk_widget_get_sensitive (dialog_child (dialog, "next_button")));

  /* A wrong password: the CA's refusal (or the provisioner key's) is shown. */
  set_row_text (dialog, "password_row", "not-the-password");
  click_widget (dialog_child (dialog, "next_button"));
  wait_page (dialog, "failed");
  g_assert_nonnull (adw_status_page_get_description (failed));
  g_assert_null (strstr (adw_status_page_get_description (failed), "not-the-password"));
  g_test_message ("wrong password: %s", adw_status_page_get_title (failed));
  mutual_test_ui_screenshot (GTK_WIDGET (dialog), "enroll-wrong-password");
  click (GTK_WIDGET (failed), "_Back");
  g_assert_cmpstr (mutual_enroll_dialog_get_page (dialog), ==, "details");

  /* A policy and outputs of the user's: kept in the identity's profile. */
  set_row_text (dialog, "policy_row", "75%");
  set_row_text (dialog, "out_cert_row", out_cert);
  set_row_text (dialog, "out_key_row", out_key);
  set_row_text (dialog, "hook_row", hook);
  set_row_text (dialog, "password_row", admin_password);
  mutual_test_ui_screenshot (GTK_WIDGET (dialog), "enroll-details");
  enroll_and_wait (dialog, "Alice at step-ca");

  card = find_card (window);
  g_assert_cmpstr (card_subtitle (card, "ca_row"), ==, ca_url);
  g_assert_cmpstr (card_subtitle (card, "provisioner_row"), ==, ADMIN);
  g_assert_cmpstr (card_subtitle (card, "policy_row"), ==, "75 % into the certificate’s lifetime");
  g_assert_nonnull (strstr (card_subtitle (card, "outputs_row"), out_cert));
  g_assert_nonnull (strstr (card_subtitle (card, "outputs_row"), out_key));
  g_assert_nonnull (strstr (card_subtitle (card, "outputs_row"), "hook-ran"));
  g_assert_cmpstr (card_subtitle (card, "next_row"), !=, "");
  mutual_test_ui_screenshots (GTK_WIDGET (window), "enroll-window", mutual_application_get_settings (app));
  mutual_test_ui_screenshots (GTK_WIDGET (card), "enroll-renewal-card", mutual_application_get_settings (app));

  /* Renew Now, against the CA: the next generation of the same identity. */
  before = mutual_renewal_card_get_identity (card);
  generation = mutual_identity_get_generation (before);
  click (GTK_WIDGET (card), "_Renew Now");
  g_assert_true (mutual_renewal_card_get_busy (card));
  mutual_test_ui_spin_until (card_idle, card, WAIT_MS);
  g_assert_cmpuint (mutual_identity_get_generation (mutual_renewal_card_get_identity (card)), ==, generation + 1);
  g_assert_nonnull (strstr (card_subtitle (card, "last_row"), "Succeeded"));
  /* The outputs were written, and the hook ran, at enrollment and at renewal. */
  g_assert_true (g_file_test (out_cert, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (out_key, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_get_contents (hook_ran, &ran, NULL, NULL));
  g_assert_nonnull (strstr (ran, "ran\n"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (child (card, MUTUAL_TYPE_RENEWAL_CARD, "ca_status_label"))), ==,
                   "Reachable");
  mutual_test_ui_screenshot (GTK_WIDGET (card), "enroll-renewed");

  /* Change the policy afterwards: the next generation keeps the new one. */
  generation = mutual_identity_get_generation (mutual_renewal_card_get_identity (card));
  change = open_change (card);
  policy_entry = g_object_get_data (G_OBJECT (change), "policy");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (policy_entry)), ==, "0.75");
  gtk_editable_set_text (GTK_EDITABLE (policy_entry), "8h");
  mutual_test_ui_screenshot (GTK_WIDGET (change), "enroll-change-renewal");
  respond_and_wait (change, "change", card);
  g_assert_cmpuint (mutual_identity_get_generation (mutual_renewal_card_get_identity (card)), ==, generation + 1);
  g_assert_cmpstr (card_subtitle (card, "policy_row"), ==, "8 h before the certificate expires");
}

/* The PKCS#12 output, set in the Change dialog */

static GtkEditable *
change_entry (AdwMessageDialog *change,
              const char       *name)
{
  return GTK_EDITABLE (g_object_get_data (G_OBJECT (change), name));
}

static const char *
change_hint (AdwMessageDialog *change)
{
  return gtk_label_get_text (g_object_get_data (G_OBJECT (change), "pkcs12-hint"));
}

/* The keyring was asked whether a password is stored, and answered. */
static gboolean
password_checked (gpointer data)
{
  return strstr (change_hint (data), "Looking") == NULL;
}

/* What `openssl pkcs12 -nokeys -clcerts` reads from @path, the password coming from a
 * file; NULL when it cannot. */
static char *
pkcs12_leaf (const char *path,
             const char *password_file)
{
  g_autofree char *passin = g_strdup_printf ("file:%s", password_file);
  const char *argv[] = { "openssl", "pkcs12", "-in", path, "-passin", passin, "-nokeys", "-clcerts", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status,
                               &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_test_message ("openssl pkcs12 failed: %s", err);
      return NULL;
    }
  return g_steal_pointer (&out);
}

/* The leaf certificate of the identity's PEM output (the first block). */
static char *
leaf_pem (const char *certificate_path)
{
  const char *end_line = "-----END CERTIFICATE-----";
  g_autofree char *pem = NULL;
  char *end;

  g_assert_true (g_file_get_contents (certificate_path, &pem, NULL, NULL));
  end = strstr (pem, end_line);
  g_assert_nonnull (end);
  end[strlen (end_line)] = '\0';
  return g_steal_pointer (&pem);
}

static void
assert_pkcs12_opens (const char *path,
                     const char *password_file,
                     const char *certificate_path)
{
  g_autofree char *leaf = pkcs12_leaf (path, password_file);
  g_autofree char *expected = leaf_pem (certificate_path);
  GStatBuf buf;

  g_assert_cmpint (g_stat (path, &buf), ==, 0);
  g_assert_cmpint (buf.st_mode & 0777, ==, 0600);
  g_assert_nonnull (leaf);
  g_assert_nonnull (strstr (leaf, expected));
}

static void
lookup_done_cb (GObject      *source_object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GError **error = user_data;
  g_autoptr(GBytes) password = NULL;

  password = mutual_identity_store_lookup_output_password_finish (MUTUAL_IDENTITY_STORE (source_object), result,
                                                                  error);
  if (password != NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "a password is stored");
}

static gboolean
error_set (gpointer data)
{
  return *(GError **) data != NULL;
}

static void
test_pkcs12 (void)
{
  MutualRenewalCard *card = find_card (window);
  g_autoptr(MutualIdentityStore) store = NULL;
  g_autofree char *out_cert = g_build_filename (scratch, "alice.crt", NULL);
  g_autofree char *p12 = g_build_filename (scratch, "alice.p12", NULL);
  g_autofree char *password_file = g_build_filename (scratch, "p12-password", NULL);
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *password = g_strdup_printf ("p12-%s", uuid);
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *change;
  guint generation;

  g_object_get (card, "store", &store, NULL);
  g_assert_true (g_file_set_contents_full (password_file, password, -1, G_FILE_SET_CONTENTS_NONE, 0600, &error));
  g_assert_no_error (error);

  /* No password stored yet: a PKCS#12 file without one is refused, and nothing changes. */
  generation = mutual_identity_get_generation (mutual_renewal_card_get_identity (card));
  change = open_change (card);
  gtk_editable_set_text (change_entry (change, "pkcs12"), p12);
  mutual_test_ui_spin_until (password_checked, change, WAIT_MS);
  g_assert_cmpstr (change_hint (change), ==, "The PKCS#12 file needs a password.");
  g_assert_false (adw_message_dialog_get_response_enabled (change, "change"));
  respond_and_wait (change, "change", card);
  g_assert_cmpuint (mutual_identity_get_generation (mutual_renewal_card_get_identity (card)), ==, generation);
  g_assert_false (g_file_test (p12, G_FILE_TEST_EXISTS));

  /* With a password: stored, and the file written at once. */
  change = open_change (card);
  gtk_editable_set_text (change_entry (change, "pkcs12"), p12);
  gtk_editable_set_text (change_entry (change, "pkcs12-password"), password);
  g_assert_true (adw_message_dialog_get_response_enabled (change, "change"));
  mutual_test_ui_screenshot (GTK_WIDGET (change), "enroll-change-pkcs12");
  respond_and_wait (change, "change", card);
  g_assert_cmpuint (mutual_identity_get_generation (mutual_renewal_card_get_identity (card)), ==, generation + 1);
  g_assert_cmpstr (mutual_ca_profile_get_pkcs12_output (
                     mutual_identity_get_ca_profile (mutual_renewal_card_get_identity (card))), ==, p12);
  g_assert_nonnull (strstr (card_subtitle (card, "outputs_row"), p12));
  assert_pkcs12_opens (p12, password_file, out_cert);
  mutual_test_ui_screenshot (GTK_WIDGET (card), "enroll-renewal-card-pkcs12");

  /* Changed again without typing it: the stored password is kept, and the file, written
   * again, opens with it. */
  g_assert_cmpint (g_unlink (p12), ==, 0);
  change = open_change (card);
  g_assert_cmpstr (gtk_editable_get_text (change_entry (change, "pkcs12")), ==, p12);
  g_assert_cmpstr (gtk_editable_get_text (change_entry (change, "pkcs12-password")), ==, "");
  mutual_test_ui_spin_until (password_checked, change, WAIT_MS);
  g_assert_nonnull (strstr (change_hint (change), "Leave the password empty to keep it"));
  g_assert_true (adw_message_dialog_get_response_enabled (change, "change"));
  gtk_editable_set_text (change_entry (change, "policy"), "12h");
  respond_and_wait (change, "change", card);
  g_assert_cmpuint (mutual_identity_get_generation (mutual_renewal_card_get_identity (card)), ==, generation + 2);
  g_assert_cmpstr (card_subtitle (card, "policy_row"), ==, "12 h before the certificate expires");
  assert_pkcs12_opens (p12, password_file, out_cert);

  /* The path cleared: the output is gone, and so is its password. */
  change = open_change (card);
  gtk_editable_set_text (change_entry (change, "pkcs12"), "");
  g_assert_cmpstr (change_hint (change), ==, "");
  respond_and_wait (change, "change", card);
  g_assert_cmpuint (mutual_identity_get_generation (mutual_renewal_card_get_identity (card)), ==, generation + 3);
  g_assert_null (mutual_ca_profile_get_pkcs12_output (
                   mutual_identity_get_ca_profile (mutual_renewal_card_get_identity (card))));
  g_assert_null (strstr (card_subtitle (card, "outputs_row"), "alice.p12"));
  mutual_identity_store_lookup_output_password_async (store, mutual_renewal_card_get_identity (card),
                                                      MUTUAL_OUTPUT_PASSWORD_PKCS12, NULL, lookup_done_cb, &error);
  mutual_test_ui_spin_until (error_set, &error, WAIT_MS);
  g_assert_error (error, MUTUAL_ERROR, MUTUAL_ERROR_ITEM_UNREADABLE);

  explicit_bzero (password, strlen (password));
  g_assert_cmpint (g_unlink (password_file), ==, 0);
}

static void
test_token (void)
{
  const char *extra[] = { "--provisioner", ADMIN, "--subject", "bob.example.test",
                          "--san", "bob.example.test", "--san", "127.0.0.2", NULL };
  g_autofree char *token = run_stepca ("token", extra);
  MutualEnrollDialog *dialog = open_at_details ();
  MutualRenewalCard *card;

  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (dialog_child (dialog, "method_row"))), ==, 0);
  g_assert_false (gtk_widget_get_sensitive (dialog_child (dialog, "next_button")));
  /* Pasted: the subject and SANs come from the token. */
  set_row_text (dialog, "token_row", g_strstrip (token));
  memset (token, 0, strlen (token));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (dialog_child (dialog, "subject_row"))), ==,
                   "bob.example.test");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (dialog_child (dialog, "sans_row"))), ==,
                   "bob.example.test, 127.0.0.2");
  adw_combo_row_set_selected (ADW_COMBO_ROW (dialog_child (dialog, "key_type_row")), 2);
  enroll_and_wait (dialog, "bob.example.test");

  card = find_card (window);
  g_assert_cmpstr (mutual_identity_get_key_type (mutual_identity_view_get_identity (mutual_window_get_identity_view (window))),
                   !=, "");
  mutual_test_ui_screenshot (GTK_WIDGET (card), "enroll-token");
}

/* Whether the autostart entry is there (complete: it is written asynchronously). */
/* The agent's state file, as a failing agent would have left it for @identity. */
static void
write_record (MutualIdentity *identity,
              gboolean        healthy)
{
  g_autofree char *folder = g_build_filename (g_get_user_state_dir (), "mutual", NULL);
  g_autofree char *path = g_build_filename (folder, "renewals.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  text = g_strdup_printf ("[{\"id\": \"%s\", \"next_renewal\": %" G_GINT64_FORMAT ", "
                          "\"last_attempt\": %" G_GINT64_FORMAT ", \"last_success\": 0, \"last_ok\": %s, "
                          "\"last_error\": %s, \"ca_reachable\": 1, \"failures\": %d, "
                          "\"reenroll_needed\": %s, \"planned_for\": \"%s\"}]",
                          mutual_identity_get_id (identity), healthy ? now + 3600 : (gint64) 0, now - 60,
                          healthy ? "true" : "false",
                          healthy ? "null" : "\"The CA does not renew expired certificates: enroll again\"",
                          healthy ? 0 : 3, healthy ? "false" : "true", mutual_identity_get_sha256 (identity));
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
}

typedef struct
{
  MutualRenewalMonitor *monitor;
  const char *id;
  const char *kind;
} Notified;

static gboolean
notified_is (gpointer data)
{
  Notified *notified = data;

  return g_strcmp0 (mutual_renewal_monitor_get_notified (notified->monitor, notified->id), notified->kind) == 0;
}

/* Re-enrollment needed: a notification and the card say so; once renewal is healthy
 * again, the notification goes. */
static void
test_notifications (void)
{
  MutualIdentity *identity = mutual_identity_view_get_identity (mutual_window_get_identity_view (window));
  MutualRenewalMonitor *monitor = mutual_application_get_renewal_monitor (app);
  Notified notified = { monitor, mutual_identity_get_id (identity), NULL };
  MutualRenewalCard *card = find_card (window);

  /* Healthy: nothing shown. */
  g_assert_null (mutual_renewal_monitor_get_notified (monitor, notified.id));
  g_assert_true (no_notification_shown (NULL));

  write_record (identity, FALSE);
  notified.kind = "reenroll";
  mutual_test_ui_spin_until (notified_is, &notified, WAIT_MS);
  mutual_test_ui_spin_until (notification_shown_with, (gpointer) "Enroll “bob.example.test” Again", WAIT_MS);
  g_assert_nonnull (strstr (card_subtitle (card, "next_row"), "Enroll again"));
  g_assert_nonnull (strstr (card_subtitle (card, "last_row"), "Failed"));
  mutual_test_ui_screenshot (GTK_WIDGET (card), "enroll-renewal-reenroll");

  write_record (identity, TRUE);
  notified.kind = NULL;
  mutual_test_ui_spin_until (notified_is, &notified, WAIT_MS);
  mutual_test_ui_spin_until (no_notification_shown, NULL, WAIT_MS);
  g_assert_nonnull (strstr (card_subtitle (card, "last_row"), "Succeeded"));
}

static gboolean
autostart_is (gpointer data)
{
  g_autofree char *path = mutual_background_autostart_path ();
  g_autofree char *contents = NULL;
  gboolean complete = g_file_get_contents (path, &contents, NULL, NULL) &&
                      strstr (contents, "X-GNOME-Autostart-enabled=true\n") != NULL;

  return GPOINTER_TO_INT (data) ? complete : !g_file_test (path, G_FILE_TEST_EXISTS);
}

static gboolean
switch_active (gpointer data)
{
  return gtk_switch_get_active (data);
}

static gboolean
preferences_shown (gpointer data)
{
  return mutual_test_ui_find_toplevel (MUTUAL_TYPE_PREFERENCES_WINDOW) != NULL;
}

static void
test_background (void)
{
  GSettings *settings = mutual_application_get_settings (app);
  MutualRenewalMonitor *monitor = mutual_application_get_renewal_monitor (app);
  g_autofree char *path = mutual_background_autostart_path ();
  g_autofree char *contents = NULL;
  GtkWindow *preferences;
  GtkSwitch *background_switch;

  /* Enrolled identities: the agent runs while the application does. */
  g_assert_true (mutual_renewal_monitor_get_running (monitor));
  /* Renewal is healthy: nothing to tell. */
  g_assert_null (mutual_renewal_monitor_get_notified (monitor, mutual_identity_get_id (
    mutual_identity_view_get_identity (mutual_window_get_identity_view (window)))));

  /* Switched on in Preferences, as the user does. */
  gtk_widget_activate_action (GTK_WIDGET (window), "app.preferences", NULL);
  mutual_test_ui_spin_until (preferences_shown, NULL, WAIT_MS);
  preferences = mutual_test_ui_find_toplevel (MUTUAL_TYPE_PREFERENCES_WINDOW);
  mutual_test_ui_spin_until (mutual_test_ui_widget_mapped, preferences, WAIT_MS);
  background_switch = GTK_SWITCH (child (preferences, MUTUAL_TYPE_PREFERENCES_WINDOW, "background_switch"));
  g_assert_false (gtk_switch_get_active (background_switch));
  mutual_test_ui_screenshot (GTK_WIDGET (preferences), "enroll-preferences");
  g_assert_true (gtk_widget_is_drawable (GTK_WIDGET (background_switch)));
  gtk_widget_activate (GTK_WIDGET (background_switch));
  /* The switch moves, then changes its state. */
  mutual_test_ui_spin_until (switch_active, background_switch, WAIT_MS);
  g_assert_true (g_settings_get_boolean (settings, "run-in-background"));
  mutual_test_ui_spin_until (autostart_is, GINT_TO_POINTER (TRUE), WAIT_MS);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "--background"));
  g_assert_nonnull (strstr (contents, "X-GNOME-Autostart-enabled=true"));

  gtk_switch_set_active (background_switch, FALSE);
  g_assert_false (g_settings_get_boolean (settings, "run-in-background"));
  mutual_test_ui_spin_until (autostart_is, GINT_TO_POINTER (FALSE), WAIT_MS);
  mutual_test_ui_close_and_wait (preferences, WAIT_MS);

  mutual_test_ui_close_and_wait (GTK_WINDOW (window), WAIT_MS);
  window = NULL;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  mutual_test_ui_init (&argc, &argv);

  scratch = g_dir_make_tmp ("mutual-enroll-XXXXXX", &error);
  g_assert_no_error (error);
  state_dir = g_build_filename (scratch, "stepca", NULL);
  start_ca ();

  app = mutual_application_new ();
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  start_notification_server ();

  g_test_add_func ("/enroll/fingerprint", test_fingerprint);
  g_test_add_func ("/enroll/password", test_password);
  g_test_add_func ("/enroll/pkcs12", test_pkcs12);
  g_test_add_func ("/enroll/token", test_token);
  g_test_add_func ("/enroll/notifications", test_notifications);
  g_test_add_func ("/enroll/background", test_background);

  status = g_test_run ();

  stop_ca ();
  g_clear_object (&app);
  g_clear_pointer (&shown_notifications, g_hash_table_unref);
  if (admin_password != NULL)
    memset (admin_password, 0, strlen (admin_password));
  g_clear_pointer (&admin_password, g_free);
  g_clear_pointer (&ca_url, g_free);
  g_clear_pointer (&ca_fingerprint, g_free);
  g_clear_pointer (&state_dir, g_free);
  g_clear_pointer (&scratch, g_free);

  return status;
}
