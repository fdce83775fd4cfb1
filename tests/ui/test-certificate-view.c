/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The Inspect views under Xvfb, fed the fixture PKI through the window's own open path:
 * what the user reads in the certificate view (name, countdown, state, sections), the
 * overview of a mixed bundle with its verified chain, the password dialog of a PKCS#12
 * file, errors in the core's words, paste, and the application's "open". Screenshots, in
 * the light and the dark style, land in MUTUAL_TEST_OUTPUT_DIR. */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "mutual-application.h"
#include "mutual-certificate-view.h"
#include "mutual-field-row.h"
#include "mutual-inspect-view.h"
#include "mutual-password-dialog.h"
#include "mutual-test-ui.h"
#include "mutual-window.h"

#define WAIT_MS 10000

static MutualApplication *app;

/* Widget tree helpers: the tests look for what is on screen, as the user would. */

static AdwPreferencesGroup *
find_group (GtkWidget  *root,
            const char *title)
{
  g_autoptr(GPtrArray) groups = mutual_test_ui_find_all (root, ADW_TYPE_PREFERENCES_GROUP);

  for (guint i = 0; i < groups->len; i++)
    {
      AdwPreferencesGroup *group = g_ptr_array_index (groups, i);

      if (g_strcmp0 (adw_preferences_group_get_title (group), title) == 0)
        return group;
    }
  return NULL;
}

static GPtrArray *
row_titles (AdwPreferencesGroup *group)
{
  g_autoptr(GPtrArray) rows = mutual_test_ui_find_all (GTK_WIDGET (group), ADW_TYPE_ACTION_ROW);
  GPtrArray *titles = g_ptr_array_new ();

  for (guint i = 0; i < rows->len; i++)
    g_ptr_array_add (titles, (gpointer) adw_preferences_row_get_title (g_ptr_array_index (rows, i)));
  return titles;
}

static gboolean
has_label (GtkWidget  *root,
           const char *text)
{
  g_autoptr(GPtrArray) labels = mutual_test_ui_find_all (root, GTK_TYPE_LABEL);

  for (guint i = 0; i < labels->len; i++)
    {
      GtkWidget *label = g_ptr_array_index (labels, i);

      if (gtk_widget_is_drawable (label) &&
          g_strcmp0 (gtk_label_get_text (GTK_LABEL (label)), text) == 0)
        return TRUE;
    }
  return FALSE;
}

static const char *
template_label (GtkWidget  *widget,
                GType       type,
                const char *name)
{
  GObject *label = gtk_widget_get_template_child (widget, type, name);

  g_assert_true (GTK_IS_LABEL (label));
  return gtk_label_get_text (GTK_LABEL (label));
}

/* What the certificate view shows in its header. */
static const char *
header_text (GtkWidget  *view,
             const char *name)
{
  return template_label (view, MUTUAL_TYPE_CERTIFICATE_VIEW, name);
}

static gint64
scheduled_update (GtkWidget *view)
{
  return mutual_certificate_view_get_scheduled_update (MUTUAL_CERTIFICATE_VIEW (view));
}

static const MutualValidity *
shown_validity (GtkWidget *view)
{
  MutualCertificateView *certificate_view = MUTUAL_CERTIFICATE_VIEW (view);

  return mutual_certificate_get_validity (mutual_certificate_view_get_certificate (certificate_view));
}

/* Main loop conditions */

typedef struct
{
  MutualWindow *window;
  const char *source;
} ShownSource;

static gboolean
source_shown (gpointer data)
{
  ShownSource *shown = data;
  MutualInspectView *view = mutual_window_get_inspect_view (shown->window);

  if (view == NULL || !gtk_widget_get_mapped (GTK_WIDGET (view)))
    return FALSE;
  return g_strcmp0 (mutual_bundle_get_source (mutual_inspect_view_get_bundle (view)), shown->source) == 0;
}

static gboolean
verified (gpointer data)
{
  return !mutual_inspect_view_get_verifying (MUTUAL_INSPECT_VIEW (data));
}

static gboolean
page_is_certificate_view (gpointer data)
{
  GtkWidget *page = mutual_inspect_view_get_visible_page (MUTUAL_INSPECT_VIEW (data));

  return MUTUAL_IS_CERTIFICATE_VIEW (page) && gtk_widget_get_mapped (page);
}

static gboolean
page_is_overview (gpointer data)
{
  GtkWidget *page = mutual_inspect_view_get_visible_page (MUTUAL_INSPECT_VIEW (data));

  return !MUTUAL_IS_CERTIFICATE_VIEW (page) && gtk_widget_get_mapped (page);
}

static gboolean
toplevel_shown (gpointer data)
{
  return mutual_test_ui_find_toplevel ((GType) GPOINTER_TO_SIZE (data)) != NULL;
}

static gboolean
wrong_password_shown (gpointer data)
{
  MutualPasswordDialog *dialog = data;
  GtkRevealer *revealer = GTK_REVEALER (gtk_widget_get_template_child (GTK_WIDGET (dialog),
                                                                        MUTUAL_TYPE_PASSWORD_DIALOG,
                                                                        "error_revealer"));

  return mutual_password_dialog_get_wrong_password (dialog) &&
         gtk_revealer_get_child_revealed (revealer);
}

/* Windows and fixtures */

static GFile *
fixture (const char *name)
{
  const char *folder = g_getenv ("MUTUAL_FIXTURES");

  g_assert_nonnull (folder);
  return g_file_new_build_filename (folder, name, NULL);
}

static MutualWindow *
present_main_window (void)
{
  MutualWindow *window = mutual_window_new (app);

  gtk_window_present (GTK_WINDOW (window));
  mutual_test_ui_spin_until (mutual_test_ui_widget_mapped, window, WAIT_MS);

  return window;
}

static MutualInspectView *
open_fixture (MutualWindow *window,
              const char   *name)
{
  g_autoptr(GFile) file = fixture (name);
  ShownSource shown = { window, name };

  mutual_window_open_files (window, &file, 1);
  mutual_test_ui_spin_until (source_shown, &shown, WAIT_MS);

  return mutual_window_get_inspect_view (window);
}

static MutualFieldRow *
find_field_row (GtkWidget  *root,
                const char *section_title,
                const char *label)
{
  AdwPreferencesGroup *group = find_group (root, section_title);
  g_autoptr(GPtrArray) rows = NULL;

  g_assert_nonnull (group);
  rows = mutual_test_ui_find_all (GTK_WIDGET (group), MUTUAL_TYPE_FIELD_ROW);
  for (guint i = 0; i < rows->len; i++)
    {
      MutualFieldRow *row = g_ptr_array_index (rows, i);

      if (g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), label) == 0)
        return row;
    }
  return NULL;
}

static void
scroll_to_bottom (GtkWidget *root)
{
  g_autoptr(GPtrArray) scrolled = mutual_test_ui_find_all (root, GTK_TYPE_SCROLLED_WINDOW);

  for (guint i = 0; i < scrolled->len; i++)
    {
      GtkWidget *widget = g_ptr_array_index (scrolled, i);
      GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (widget));

      if (gtk_widget_get_mapped (widget))
        gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
    }
}

/* A certificate whose countdown is in its last hour, made with certtool (as the fixtures
 * are) because it depends on the moment the test runs. */
static GFile *
make_certificate_expiring_in (const char *folder,
                              gint64      seconds)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GDateTime) start = g_date_time_new_from_unix_utc (now - 3600);
  g_autoptr(GDateTime) end = g_date_time_new_from_unix_utc (now + seconds);
  g_autofree char *start_text = g_date_time_format (start, "%Y-%m-%d %H:%M:%S");
  g_autofree char *end_text = g_date_time_format (end, "%Y-%m-%d %H:%M:%S");
  g_autofree char *template_text = NULL;
  g_autofree char *key = g_build_filename (folder, "last-hour.key", NULL);
  g_autofree char *template = g_build_filename (folder, "last-hour.tmpl", NULL);
  g_autofree char *certificate = g_build_filename (folder, "last-hour.pem", NULL);
  const char *key_argv[] = { "certtool", "--generate-privkey", "--key-type=ecdsa", "--no-text",
                             "--outfile", key, NULL };
  const char *certificate_argv[] = { "certtool", "--generate-self-signed", "--no-text",
                                     "--load-privkey", key, "--template", template,
                                     "--outfile", certificate, NULL };
  g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "TZ", "UTC", TRUE);
  g_autoptr(GError) error = NULL;
  int status = -1;

  template_text = g_strdup_printf ("cn = \"last-hour\"\ntls_www_client\nsigning_key\n"
                                   "activation_date = \"%s\"\nexpiration_date = \"%s\"\n",
                                   start_text, end_text);
  g_assert_true (g_file_set_contents (template, template_text, -1, &error));
  g_assert_no_error (error);

  g_assert_true (g_spawn_sync (NULL, (char **) key_argv, envp,
                               G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                               NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_spawn_sync (NULL, (char **) certificate_argv, envp,
                               G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                               NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);

  return g_file_new_for_path (certificate);
}

static void
scroll_to (GtkWidget *widget)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  graphene_rect_t bounds;

  g_assert_true (gtk_widget_compute_bounds (widget, gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled)),
                                            &bounds));
  gtk_adjustment_set_value (adjustment, bounds.origin.y - 12);
}

/* Tests */

static void
test_certificate_view (void)
{
  MutualWindow *window = present_main_window ();
  MutualInspectView *inspect = open_fixture (window, "client-rsa2048.pem");
  GtkWidget *view;
  AdwPreferencesGroup *san;
  MutualFieldRow *fingerprint;
  GtkWidget *copy_button;
  g_autofree char *copied = NULL;
  GObject *weak_inspect = G_OBJECT (inspect);
  GObject *weak_view;
  const MutualValidity *validity;
  gint64 now;
  gint64 next;

  /* One certificate: its view is shown at once, the overview one step back. */
  mutual_test_ui_spin_until (page_is_certificate_view, inspect, WAIT_MS);
  view = mutual_inspect_view_get_visible_page (inspect);
  weak_view = G_OBJECT (view);
  g_object_add_weak_pointer (weak_inspect, (gpointer *) &weak_inspect);
  g_object_add_weak_pointer (weak_view, (gpointer *) &weak_view);

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "client-rsa2048.pem");
  g_assert_true (mutual_inspect_view_get_can_go_back (inspect));
  g_assert_cmpstr (header_text (view, "title_label"), ==, "client-rsa2048");
  g_assert_cmpstr (header_text (view, "issuer_label"), ==,
                   "Issued by Mutual Test Issuing CA 1");
  g_assert_true (g_str_has_prefix (header_text (view, "countdown_label"),
                                   "expires in "));
  g_assert_cmpstr (header_text (view, "state_label"), ==, "Valid");

  san = find_group (view, "Subject alternative names");
  g_assert_nonnull (san);
  g_assert_cmpstr (adw_preferences_group_get_description (san), ==, "OID 2.5.29.17");
  g_assert_true (has_label (GTK_WIDGET (san), "spiffe://example.test/ns/default/sa/client"));
  g_assert_true (has_label (GTK_WIDGET (san), "client.example.test"));
  g_assert_cmpstr (adw_preferences_group_get_description (find_group (view, "Key usage")), ==,
                   "OID 2.5.29.15, critical");

  /* The countdown of a 24-hour certificate with 23 hours left shows minutes: it is
   * redrawn within a minute, not every second, and only while it is on screen. */
  now = g_get_real_time () / G_USEC_PER_SEC;
  next = scheduled_update (view);
  g_assert_cmpint (next, >, now - 1);
  g_assert_cmpint (next, <=, now + 61);
  /* Exactly when the minutes shown turn: one second after a whole minute is left. */
  validity = shown_validity (view);
  g_assert_cmpint ((validity->not_after - next) % 60, ==, 59);
  gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
  g_assert_false (gtk_widget_get_mapped (view));
  g_assert_cmpint (scheduled_update (view), ==, 0);
  gtk_window_present (GTK_WINDOW (window));
  mutual_test_ui_spin_until (mutual_test_ui_widget_mapped, view, WAIT_MS);
  g_assert_cmpint (scheduled_update (view), >, 0);

  /* Copying a fingerprint puts exactly its value on the clipboard. */
  fingerprint = find_field_row (view, "Identifiers", "SHA-256 fingerprint");
  g_assert_nonnull (fingerprint);
  copy_button = mutual_test_ui_template_child (fingerprint, MUTUAL_TYPE_FIELD_ROW, "copy_button");
  g_assert_true (gtk_widget_is_drawable (copy_button));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (copy_button), ==, "Copy");
  g_assert_true (gtk_widget_has_css_class (mutual_test_ui_template_child (fingerprint, MUTUAL_TYPE_FIELD_ROW, "value_label"),
                                           "monospace"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fingerprint), "field.copy", NULL));
  copied = mutual_test_ui_clipboard_text (view, WAIT_MS);
  g_assert_cmpstr (copied, ==, mutual_field_row_get_value (fingerprint));
  g_clear_pointer (&copied, g_free);

  g_assert_true (gtk_widget_activate_action (view, "certificate.copy-pem", NULL));
  copied = mutual_test_ui_clipboard_text (view, WAIT_MS);
  g_assert_true (g_str_has_prefix (copied, "-----BEGIN CERTIFICATE-----"));

  mutual_test_ui_screenshots (GTK_WIDGET (window), "certificate-view", mutual_application_get_settings (app));
  scroll_to (GTK_WIDGET (find_group (view, "Identifiers")));
  mutual_test_ui_screenshots (GTK_WIDGET (window), "certificate-view-fields", mutual_application_get_settings (app));

  /* Back to the overview; the certificate page goes once it has slid away. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.go-back", NULL));
  mutual_test_ui_spin_until (page_is_overview, inspect, WAIT_MS);
  mutual_test_ui_wait_finalized (&weak_view, WAIT_MS);
  g_assert_false (mutual_inspect_view_get_can_go_back (inspect));

  mutual_test_ui_close_and_wait (GTK_WINDOW (window), WAIT_MS);
  mutual_test_ui_wait_finalized (&weak_inspect, WAIT_MS);
}

static void
test_expired (void)
{
  MutualWindow *window = present_main_window ();
  MutualInspectView *inspect = open_fixture (window, "expired.pem");
  GtkWidget *view;
  GtkWidget *bar;

  mutual_test_ui_spin_until (page_is_certificate_view, inspect, WAIT_MS);
  view = mutual_inspect_view_get_visible_page (inspect);

  g_assert_cmpstr (header_text (view, "title_label"), ==, "expired");
  g_assert_cmpstr (header_text (view, "state_label"), ==, "Expired");
  g_assert_true (g_str_has_prefix (header_text (view, "countdown_label"),
                                   "expired "));
  bar = mutual_test_ui_template_child (view, MUTUAL_TYPE_CERTIFICATE_VIEW, "lifetime_bar");
  g_assert_true (gtk_widget_has_css_class (bar, "error"));
  g_assert_cmpfloat (gtk_level_bar_get_value (GTK_LEVEL_BAR (bar)), ==, 1.0);
  mutual_test_ui_spin_for (500);
  g_free (mutual_test_ui_screenshot (GTK_WIDGET (window), "certificate-view-expired"));

  /* The chain says the same, on the overview. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.go-back", NULL));
  mutual_test_ui_spin_until (page_is_overview, inspect, WAIT_MS);
  mutual_test_ui_spin_until (verified, inspect, WAIT_MS);
  g_assert_nonnull (find_group (GTK_WIDGET (inspect), "Chain"));
  g_assert_true (has_label (GTK_WIDGET (find_group (GTK_WIDGET (inspect), "Certificates")), "Expired"));

  mutual_test_ui_close_and_wait (GTK_WINDOW (window), WAIT_MS);
}

static void
test_narrow (void)
{
  GSettings *settings = mutual_application_get_settings (app);
  MutualWindow *window;
  MutualInspectView *inspect;
  GtkWidget *identities_back;
  GtkWidget *back;

  /* A phone-sized window: the identities fold away, and text wraps. */
  g_settings_set_int (settings, "window-width", 360);
  g_settings_set_int (settings, "window-height", 720);
  window = present_main_window ();
  inspect = open_fixture (window, "unicode.pem");
  mutual_test_ui_spin_until (page_is_certificate_view, inspect, WAIT_MS);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <, 500);

  /* One back button at a time: to the overview first. */
  identities_back = mutual_test_ui_template_child (window, MUTUAL_TYPE_WINDOW, "identities_back_button");
  back = mutual_test_ui_template_child (window, MUTUAL_TYPE_WINDOW, "back_button");
  g_assert_true (gtk_widget_get_visible (back));
  g_assert_false (gtk_widget_get_visible (identities_back));
  mutual_test_ui_spin_for (500);
  g_free (mutual_test_ui_screenshot (GTK_WIDGET (window), "certificate-view-narrow"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.go-back", NULL));
  mutual_test_ui_spin_until (page_is_overview, inspect, WAIT_MS);
  g_assert_false (gtk_widget_get_visible (back));
  g_assert_true (gtk_widget_get_visible (identities_back));
  mutual_test_ui_spin_until (verified, inspect, WAIT_MS);
  mutual_test_ui_spin_for (500);
  g_free (mutual_test_ui_screenshot (GTK_WIDGET (window), "inspect-view-narrow"));

  mutual_test_ui_close_and_wait (GTK_WINDOW (window), WAIT_MS);
  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
}

static void
test_inspect_view (void)
{
  MutualWindow *window = present_main_window ();
  MutualInspectView *inspect = open_fixture (window, "bundle-mixed.pem");
  GObject *weak = G_OBJECT (inspect);
  GObject *weak_view;
  AdwPreferencesGroup *group;
  g_autoptr(GPtrArray) titles = NULL;
  g_autoptr(GPtrArray) rows = NULL;

  g_object_add_weak_pointer (weak, (gpointer *) &weak);
  g_assert_true (page_is_overview (inspect));
  g_assert_false (mutual_inspect_view_get_can_go_back (inspect));
  g_assert_true (has_label (GTK_WIDGET (inspect), "PEM: 3 certificates, 1 private key"));

  group = find_group (GTK_WIDGET (inspect), "Certificates");
  g_assert_nonnull (group);
  titles = row_titles (group);
  g_assert_cmpuint (titles->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (titles, 0), ==, "client-p256");
  g_clear_pointer (&titles, g_ptr_array_unref);

  group = find_group (GTK_WIDGET (inspect), "Private Keys");
  g_assert_nonnull (group);
  rows = mutual_test_ui_find_all (GTK_WIDGET (group), ADW_TYPE_ACTION_ROW);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (adw_preferences_row_get_title (g_ptr_array_index (rows, 0)), ==, "ECDSA P-256");
  g_assert_true (g_str_has_suffix (adw_action_row_get_subtitle (g_ptr_array_index (rows, 0)),
                                   "Belongs to client-p256"));

  group = find_group (GTK_WIDGET (inspect), "Notes");
  g_assert_nonnull (group);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = mutual_test_ui_find_all (GTK_WIDGET (group), ADW_TYPE_ACTION_ROW);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_nonnull (strstr (adw_preferences_row_get_title (g_ptr_array_index (rows, 0)), "X509 CRL"));

  /* The chain, leaf first, each link with its own problems. */
  mutual_test_ui_spin_until (verified, inspect, WAIT_MS);
  group = find_group (GTK_WIDGET (inspect), "Chain");
  g_assert_nonnull (group);
  titles = row_titles (group);
  g_assert_cmpuint (titles->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (titles, 0), ==, "client-p256");
  g_assert_cmpstr (g_ptr_array_index (titles, 1), ==, "Mutual Test Issuing CA 1");
  g_assert_cmpstr (g_ptr_array_index (titles, 2), ==, "Mutual Test Root CA");
  /* The fixture root is not among the system's CAs. */
  g_assert_true (has_label (GTK_WIDGET (group), "Not Trusted"));
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = mutual_test_ui_find_all (GTK_WIDGET (group), ADW_TYPE_ACTION_ROW);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (g_ptr_array_index (rows, 2)),
                            "which is not among"));

  mutual_test_ui_screenshots (GTK_WIDGET (window), "inspect-view", mutual_application_get_settings (app));
  scroll_to_bottom (GTK_WIDGET (inspect));
  mutual_test_ui_screenshots (GTK_WIDGET (window), "inspect-view-chain", mutual_application_get_settings (app));

  /* A link opens its certificate. */
  adw_action_row_activate (g_ptr_array_index (rows, 1));
  mutual_test_ui_spin_until (page_is_certificate_view, inspect, WAIT_MS);
  g_assert_cmpstr (header_text (mutual_inspect_view_get_visible_page (inspect), "title_label"), ==,
                   "Mutual Test Issuing CA 1");
  g_assert_true (gtk_widget_get_visible (mutual_test_ui_template_child (window, MUTUAL_TYPE_WINDOW, "back_button")));
  weak_view = G_OBJECT (mutual_inspect_view_get_visible_page (inspect));
  g_object_add_weak_pointer (weak_view, (gpointer *) &weak_view);

  /* Everything goes with the window, the view shown and the one under it. */
  mutual_test_ui_close_and_wait (GTK_WINDOW (window), WAIT_MS);
  mutual_test_ui_wait_finalized (&weak, WAIT_MS);
  mutual_test_ui_wait_finalized (&weak_view, WAIT_MS);
}

static void
activate_entry (MutualPasswordDialog *dialog,
                const char           *password)
{
  GtkWidget *entry = mutual_test_ui_template_child (dialog, MUTUAL_TYPE_PASSWORD_DIALOG, "entry");
  g_autoptr(GPtrArray) texts = mutual_test_ui_find_all (entry, GTK_TYPE_TEXT);

  gtk_editable_set_text (GTK_EDITABLE (entry), password);
  /* Enter in the entry activates the default response, Unlock. */
  g_assert_cmpuint (texts->len, ==, 1);
  g_signal_emit_by_name (g_ptr_array_index (texts, 0), "activate");
}

static void
test_password (void)
{
  MutualWindow *window = present_main_window ();
  g_autoptr(GFile) file = fixture ("openssl3.p12");
  ShownSource shown = { window, "openssl3.p12" };
  MutualPasswordDialog *dialog;
  GObject *weak_dialog;
  MutualInspectView *inspect;
  g_autoptr(GPtrArray) titles = NULL;
  GtkWidget *error_label;

  mutual_window_open_files (window, &file, 1);
  mutual_test_ui_spin_until (toplevel_shown, GSIZE_TO_POINTER (MUTUAL_TYPE_PASSWORD_DIALOG), WAIT_MS);
  dialog = MUTUAL_PASSWORD_DIALOG (mutual_test_ui_find_toplevel (MUTUAL_TYPE_PASSWORD_DIALOG));
  weak_dialog = G_OBJECT (dialog);
  g_object_add_weak_pointer (weak_dialog, (gpointer *) &weak_dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  g_assert_cmpstr (mutual_password_dialog_get_source (dialog), ==, "openssl3.p12");
  g_assert_null (mutual_window_get_inspect_view (window));
  mutual_test_ui_spin_until (mutual_test_ui_widget_mapped, dialog, WAIT_MS);
  mutual_test_ui_spin_for (500);

  /* A wrong password: the same dialog stays, and says so. */
  activate_entry (dialog, "not-the-password");
  mutual_test_ui_spin_until (wrong_password_shown, dialog, WAIT_MS);
  g_assert_nonnull (weak_dialog);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  error_label = mutual_test_ui_template_child (dialog, MUTUAL_TYPE_PASSWORD_DIALOG, "error_label");
  g_assert_true (gtk_widget_is_drawable (error_label));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (error_label)), "wrong"));
  g_assert_null (mutual_window_get_inspect_view (window));

  mutual_test_ui_screenshots (GTK_WIDGET (dialog), "password-dialog", mutual_application_get_settings (app));

  /* The right one opens the file, and the dialog goes. */
  activate_entry (dialog, "fixture-pass");
  mutual_test_ui_spin_until (source_shown, &shown, WAIT_MS);
  mutual_test_ui_wait_finalized (&weak_dialog, WAIT_MS);

  inspect = mutual_window_get_inspect_view (window);
  g_assert_true (has_label (GTK_WIDGET (inspect), "PKCS#12: 3 certificates, 1 private key"));
  titles = row_titles (find_group (GTK_WIDGET (inspect), "Certificates"));
  g_assert_cmpuint (titles->len, ==, 3);
  g_clear_pointer (&titles, g_ptr_array_unref);
  titles = row_titles (find_group (GTK_WIDGET (inspect), "Private Keys"));
  g_assert_cmpuint (titles->len, ==, 1);

  mutual_test_ui_close_and_wait (GTK_WINDOW (window), WAIT_MS);
}

static void
test_password_cancelled (void)
{
  MutualWindow *window = present_main_window ();
  g_autoptr(GFile) file = fixture ("key-pkcs8-encrypted.pem");
  MutualPasswordDialog *dialog;
  GObject *weak_dialog;

  mutual_window_open_files (window, &file, 1);
  mutual_test_ui_spin_until (toplevel_shown, GSIZE_TO_POINTER (MUTUAL_TYPE_PASSWORD_DIALOG), WAIT_MS);
  dialog = MUTUAL_PASSWORD_DIALOG (mutual_test_ui_find_toplevel (MUTUAL_TYPE_PASSWORD_DIALOG));
  weak_dialog = G_OBJECT (dialog);
  g_object_add_weak_pointer (weak_dialog, (gpointer *) &weak_dialog);
  mutual_test_ui_spin_until (mutual_test_ui_widget_mapped, dialog, WAIT_MS);

  /* Escape closes with the Cancel response: nothing opens, nothing is reported. */
  gtk_window_close (GTK_WINDOW (dialog));
  mutual_test_ui_wait_finalized (&weak_dialog, WAIT_MS);
  mutual_test_ui_spin_for (200);
  g_assert_null (mutual_window_get_inspect_view (window));
  g_assert_null (mutual_test_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));

  mutual_test_ui_close_and_wait (GTK_WINDOW (window), WAIT_MS);
}

static void
test_error_in_core_words (void)
{
  MutualWindow *window = present_main_window ();
  g_autoptr(GFile) file = fixture ("not-a-cert.txt");
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GError) expected = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MutualBundle) bundle = NULL;
  AdwMessageDialog *dialog;

  data = g_file_load_bytes (file, NULL, NULL, &error);
  g_assert_no_error (error);
  bundle = mutual_import_bytes (data, "not-a-cert.txt", NULL, &expected);
  g_assert_null (bundle);
  g_assert_nonnull (expected);

  mutual_window_open_files (window, &file, 1);
  mutual_test_ui_spin_until (toplevel_shown, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), WAIT_MS);
  dialog = ADW_MESSAGE_DIALOG (mutual_test_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==, expected->message);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Could Not Open File");
  g_assert_null (mutual_window_get_inspect_view (window));
  mutual_test_ui_spin_until (mutual_test_ui_widget_mapped, dialog, WAIT_MS);
  /* Past the dialog's opening animation. */
  mutual_test_ui_spin_for (500);
  g_free (mutual_test_ui_screenshot (GTK_WIDGET (dialog), "error-dialog"));

  mutual_test_ui_close_and_wait (GTK_WINDOW (window), WAIT_MS);
  g_assert_null (mutual_test_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
}

static void
test_paste (void)
{
  MutualWindow *window = present_main_window ();
  g_autoptr(GFile) file = fixture ("client-p256.pem");
  g_autofree char *pem = NULL;
  g_autoptr(GError) error = NULL;
  ShownSource shown = { window, "Clipboard" };
  MutualInspectView *inspect;

  g_file_load_contents (file, NULL, &pem, NULL, NULL, &error);
  g_assert_no_error (error);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (window)), pem);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.paste", NULL));
  mutual_test_ui_spin_until (source_shown, &shown, WAIT_MS);
  inspect = mutual_window_get_inspect_view (window);
  mutual_test_ui_spin_until (page_is_certificate_view, inspect, WAIT_MS);
  g_assert_cmpstr (header_text (mutual_inspect_view_get_visible_page (inspect), "title_label"), ==, "client-p256");
  g_assert_null (mutual_inspect_view_get_file (inspect));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Clipboard");

  mutual_test_ui_close_and_wait (GTK_WINDOW (window), WAIT_MS);
}

static void
test_tabs (void)
{
  MutualWindow *window = present_main_window ();
  AdwTabView *tab_view = ADW_TAB_VIEW (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                                      MUTUAL_TYPE_WINDOW, "tab_view"));
  GtkStack *stack = GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                              MUTUAL_TYPE_WINDOW, "content_stack"));

  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");

  open_fixture (window, "client-p256.pem");
  open_fixture (window, "request-p256.csr");
  g_assert_cmpint (adw_tab_view_get_n_pages (tab_view), ==, 2);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "documents");
  g_assert_nonnull (find_group (GTK_WIDGET (mutual_window_get_inspect_view (window)),
                                "Certificate Request for request-p256"));
  mutual_test_ui_spin_for (500);
  g_free (mutual_test_ui_screenshot (GTK_WIDGET (window), "inspect-view-request"));

  /* Opening a file again replaces its tab. */
  open_fixture (window, "client-p256.pem");
  g_assert_cmpint (adw_tab_view_get_n_pages (tab_view), ==, 2);

  /* Closing every tab brings the empty state back. */
  while (adw_tab_view_get_n_pages (tab_view) > 0)
    adw_tab_view_close_page (tab_view, adw_tab_view_get_nth_page (tab_view, 0));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Mutual");

  mutual_test_ui_close_and_wait (GTK_WINDOW (window), WAIT_MS);
}

static gboolean
window_shows_source (gpointer data)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    {
      ShownSource shown = { l->data, data };

      if (MUTUAL_IS_WINDOW (l->data) && source_shown (&shown))
        return TRUE;
    }
  return FALSE;
}

static void
test_application_open (void)
{
  g_autoptr(GFile) file = fixture ("chain.p7b");
  GtkWindow *window;

  /* What `mutual FILE` and a double click in Files do. */
  g_application_open (G_APPLICATION (app), &file, 1, "");
  mutual_test_ui_spin_until (window_shows_source, (gpointer) "chain.p7b", WAIT_MS);

  window = gtk_application_get_windows (GTK_APPLICATION (app))->data;
  mutual_test_ui_close_and_wait (window, WAIT_MS);
}

static void
test_countdown_precision (void)
{
  MutualWindow *window = present_main_window ();
  g_autofree char *folder = g_dir_make_tmp ("mutual-test-XXXXXX", NULL);
  g_autoptr(GFile) file = NULL;
  ShownSource shown = { window, "last-hour.pem" };
  MutualInspectView *inspect;
  GtkWidget *view;
  const char *countdown;
  gint64 now;

  /* A year left: days are shown, and nothing is redrawn for at least a minute. */
  inspect = open_fixture (window, "client-p256.pem");
  mutual_test_ui_spin_until (page_is_certificate_view, inspect, WAIT_MS);
  view = mutual_inspect_view_get_visible_page (inspect);
  now = g_get_real_time () / G_USEC_PER_SEC;
  g_assert_true (g_str_has_suffix (header_text (view, "countdown_label"),
                                   " days"));
  g_assert_cmpint (scheduled_update (view), >, now + 60);

  /* Half an hour left: seconds are shown, and redrawn every second. */
  g_assert_nonnull (folder);
  file = make_certificate_expiring_in (folder, 30 * 60 + 30);
  mutual_window_open_files (window, &file, 1);
  mutual_test_ui_spin_until (source_shown, &shown, WAIT_MS);
  inspect = mutual_window_get_inspect_view (window);
  mutual_test_ui_spin_until (page_is_certificate_view, inspect, WAIT_MS);
  view = mutual_inspect_view_get_visible_page (inspect);
  countdown = header_text (view, "countdown_label");
  g_test_message ("countdown: %s", countdown);
  g_assert_true (g_str_has_prefix (countdown, "expires in 30 min "));
  g_assert_true (g_str_has_suffix (countdown, " s"));
  now = g_get_real_time () / G_USEC_PER_SEC;
  g_assert_cmpint (scheduled_update (view), <=, now + 1);
  g_assert_cmpstr (header_text (view, "state_label"), ==,
                   mutual_validity_state_get_label (mutual_validity_get_state (shown_validity (view), now)));

  mutual_test_ui_close_and_wait (GTK_WINDOW (window), WAIT_MS);
  g_assert_no_errno (g_unlink (g_file_peek_path (file)));
  {
    g_autofree char *key = g_build_filename (folder, "last-hour.key", NULL);
    g_autofree char *template = g_build_filename (folder, "last-hour.tmpl", NULL);

    g_assert_no_errno (g_unlink (key));
    g_assert_no_errno (g_unlink (template));
  }
  g_assert_no_errno (g_rmdir (folder));
}

static void
test_drop (void)
{
  MutualWindow *window = present_main_window ();
  GtkWidget *overlay = mutual_test_ui_template_child (window, MUTUAL_TYPE_WINDOW, "toast_overlay");
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (overlay);
  GtkDropTarget *target = NULL;
  g_autoptr(GFile) file = fixture ("chain.p7c.pem");
  g_autoptr(GSList) files = g_slist_append (NULL, file);
  g_autofree char *pem = NULL;
  g_autoptr(GError) error = NULL;
  ShownSource shown_file = { window, "chain.p7c.pem" };
  ShownSource shown_text = { window, "Dropped text" };
  GValue value = G_VALUE_INIT;
  gboolean accepted = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && target == NULL; i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        target = GTK_DROP_TARGET (controller);
    }
  g_assert_nonnull (target);

  /* Files dropped from Files... */
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_list (files));
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &accepted);
  g_value_unset (&value);
  g_assert_true (accepted);
  mutual_test_ui_spin_until (source_shown, &shown_file, WAIT_MS);

  /* ...and text dropped from anywhere. */
  g_file_load_contents (file, NULL, &pem, NULL, NULL, &error);
  g_assert_no_error (error);
  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, pem);
  accepted = FALSE;
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &accepted);
  g_value_unset (&value);
  g_assert_true (accepted);
  mutual_test_ui_spin_until (source_shown, &shown_text, WAIT_MS);
  g_assert_true (has_label (GTK_WIDGET (mutual_window_get_inspect_view (window)),
                            "PEM: 3 certificates"));

  mutual_test_ui_close_and_wait (GTK_WINDOW (window), WAIT_MS);
}

static void
test_open_dialog (void)
{
  MutualWindow *window = present_main_window ();
  GtkWindow *chooser;
  GObject *weak_window = G_OBJECT (window);

  /* Ctrl+O: the Open dialog, for several files, over the window. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "app.open", NULL));
  mutual_test_ui_spin_until (toplevel_shown, GSIZE_TO_POINTER (GTK_TYPE_FILE_CHOOSER_DIALOG), WAIT_MS);
  chooser = mutual_test_ui_find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG);
  g_assert_true (gtk_window_get_transient_for (chooser) == GTK_WINDOW (window));
  g_assert_true (gtk_window_get_modal (chooser));
  g_assert_true (gtk_file_chooser_get_select_multiple (GTK_FILE_CHOOSER (chooser)));
  g_assert_cmpstr (gtk_file_filter_get_name (gtk_file_chooser_get_filter (GTK_FILE_CHOOSER (chooser))), ==,
                   "Certificates and Keys");

  gtk_window_close (chooser);
  mutual_test_ui_spin_for (200);
  g_assert_null (mutual_window_get_inspect_view (window));

  g_object_add_weak_pointer (weak_window, (gpointer *) &weak_window);
  gtk_window_destroy (GTK_WINDOW (window));
  mutual_test_ui_wait_finalized (&weak_window, WAIT_MS);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  mutual_test_ui_init (&argc, &argv);

  app = mutual_application_new ();
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/certificate-view/client", test_certificate_view);
  g_test_add_func ("/certificate-view/expired", test_expired);
  g_test_add_func ("/certificate-view/narrow", test_narrow);
  g_test_add_func ("/certificate-view/countdown-precision", test_countdown_precision);
  g_test_add_func ("/inspect-view/bundle", test_inspect_view);
  g_test_add_func ("/inspect-view/tabs", test_tabs);
  g_test_add_func ("/open/password", test_password);
  g_test_add_func ("/open/password-cancelled", test_password_cancelled);
  g_test_add_func ("/open/error-in-core-words", test_error_in_core_words);
  g_test_add_func ("/open/dialog", test_open_dialog);
  g_test_add_func ("/open/paste", test_paste);
  g_test_add_func ("/open/drop", test_drop);
  g_test_add_func ("/open/application", test_application_open);

  status = g_test_run ();

  g_clear_object (&app);

  return status;
}
