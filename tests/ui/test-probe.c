/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The Test view against a real gnutls-serv on 127.0.0.1 that requires and verifies a
 * client certificate, under Xvfb with the harness's private gnome-keyring. The fixture
 * client identity is stored with mutualctl before the application starts; the server's
 * chain is trusted through the fixture root CA, chosen in the view's file chooser. The
 * tests do what a user does: type the target, choose the identity (or None), press
 * Enter, and read the findings and the timeline. They also cancel a test against a
 * server that never answers, copy the report and save the support bundle, which must
 * hold no private key, and use the advanced options mutualctl has: the IP version, ALPN
 * and a session key log. Screenshots land in MUTUAL_TEST_OUTPUT_DIR. */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "mutual-application.h"
#include "mutual-certificate-view.h"
#include "mutual-field-row.h"
#include "mutual-finding-row.h"
#include "mutual-peer.h"
#include "mutual-step-row.h"
#include "mutual-test-ui.h"
#include "mutual-test-view.h"
#include "mutual-window.h"

#define WAIT_MS 15000
/* Bounded well above a local handshake, and below the meson timeout. */
#define PROBE_MS 60000
#define IDENTITY_LABEL "client-p256"

static MutualApplication *app;
static char *scratch;
static MutualPeer *server;
static char *target;

/* The view, as the user sees it */

static GtkWidget *
view_child (MutualTestView *view,
            const char     *name)
{
  return mutual_test_ui_template_child (view, MUTUAL_TYPE_TEST_VIEW, name);
}

static MutualTestView *
open_test_view (MutualWindow **window_out)
{
  MutualWindow *window = mutual_window_new (app);
  AdwViewStack *stack;
  MutualTestView *view;

  mutual_test_ui_present (GTK_WINDOW (window), WAIT_MS);
  /* The page is shown, and the view switcher offers it. */
  stack = ADW_VIEW_STACK (mutual_test_ui_template_child (window, MUTUAL_TYPE_WINDOW, "view_stack"));
  g_assert_true (adw_view_stack_page_get_visible (adw_view_stack_get_page (stack,
                                                                           adw_view_stack_get_child_by_name (stack, "test"))));
  adw_view_stack_set_visible_child_name (stack, "test");
  view = mutual_window_get_test_view (window);
  mutual_test_ui_spin_until (mutual_test_ui_widget_mapped, view, WAIT_MS);

  *window_out = window;
  return view;
}

static void
select_string (AdwComboRow *row,
               const char  *text)
{
  GListModel *model = adw_combo_row_get_model (row);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (gtk_string_object_get_string (GTK_STRING_OBJECT (item)), text) == 0)
        {
          adw_combo_row_set_selected (row, i);
          return;
        }
    }
  g_error ("No choice “%s”", text);
}

static gboolean
identities_listed (gpointer data)
{
  GListModel *model = adw_combo_row_get_model (ADW_COMBO_ROW (data));

  return model != NULL && g_list_model_get_n_items (model) >= 2;
}

/* Chooses @label in the identity row, or "None" for NULL. */
static void
choose_identity (MutualTestView *view,
                 const char     *label)
{
  AdwComboRow *row = ADW_COMBO_ROW (view_child (view, "identity_row"));
  GListModel *model;

  mutual_test_ui_spin_until (identities_listed, row, WAIT_MS);
  model = adw_combo_row_get_model (row);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);
      gboolean wanted = label != NULL ? MUTUAL_IS_IDENTITY (item) &&
                                          g_str_equal (mutual_identity_get_label (MUTUAL_IDENTITY (item)), label)
                                      : GTK_IS_STRING_OBJECT (item);

      if (wanted)
        {
          adw_combo_row_set_selected (row, i);
          return;
        }
    }
  g_error ("No identity “%s” to choose", label);
}

static gboolean
ca_file_chosen (gpointer data)
{
  return mutual_test_view_get_ca_file (data) != NULL;
}

/* Trusts the fixture root CA for the server, through the view's file chooser. */
static void
choose_ca_file (MutualTestView *view)
{
  g_autofree char *root = mutual_test_ui_fixture ("root-ca.pem");
  g_autoptr(GFile) file = g_file_new_for_path (root);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "probe.choose-ca", NULL));
  mutual_test_ui_choose_file (mutual_test_ui_wait_file_chooser (WAIT_MS), root, WAIT_MS);
  mutual_test_ui_spin_until (ca_file_chosen, view, WAIT_MS);
  g_assert_true (g_file_equal (mutual_test_view_get_ca_file (view), file));
}

/* Types @text as the target and presses Enter in it. */
static void
enter_target (MutualTestView *view,
              const char     *text)
{
  mutual_test_ui_activate_entry (view_child (view, "target_row"), text);
}

static gboolean
probe_finished (gpointer data)
{
  MutualTestView *view = data;

  return !mutual_test_view_get_running (view) && mutual_test_view_get_probe (view) != NULL;
}

static gboolean
has_finding (MutualProbe *probe,
             const char  *id)
{
  GPtrArray *findings = mutual_probe_get_findings (probe);

  for (guint i = 0; i < findings->len; i++)
    {
      if (g_str_equal (mutual_finding_get_id (g_ptr_array_index (findings, i)), id))
        return TRUE;
    }
  return FALSE;
}

static void
log_findings (MutualProbe *probe)
{
  GPtrArray *findings = mutual_probe_get_findings (probe);

  for (guint i = 0; i < findings->len; i++)
    g_test_message ("finding: %s", mutual_finding_get_id (g_ptr_array_index (findings, i)));
}

/* The findings the view shows, by id, in order. */
static GPtrArray *
shown_findings (MutualTestView *view)
{
  g_autoptr(GPtrArray) rows = mutual_test_ui_find_all (view_child (view, "findings_list"),
                                                       MUTUAL_TYPE_FINDING_ROW);
  GPtrArray *ids = g_ptr_array_new ();

  for (guint i = 0; i < rows->len; i++)
    {
      MutualFinding *finding = mutual_finding_row_get_finding (g_ptr_array_index (rows, i));

      g_ptr_array_add (ids, (gpointer) mutual_finding_get_id (finding));
    }
  return ids;
}

/* The timeline shows every step of the probe, each finished, and at least the
 * resolution, the connection and the handshake. */
static void
assert_timeline (MutualTestView *view,
                 MutualProbe    *probe)
{
  GListModel *steps = mutual_probe_get_steps (probe);
  g_autoptr(GPtrArray) rows = mutual_test_ui_find_all (view_child (view, "steps_list"), MUTUAL_TYPE_STEP_ROW);
  gboolean seen[MUTUAL_STEP_UNTRUSTED_CHECK + 1] = { FALSE, };

  g_assert_cmpuint (rows->len, ==, g_list_model_get_n_items (steps));
  g_assert_cmpuint (rows->len, >=, 3);
  for (guint i = 0; i < rows->len; i++)
    {
      MutualProbeStep *step = mutual_step_row_get_step (g_ptr_array_index (rows, i));
      g_autoptr(MutualProbeStep) listed = g_list_model_get_item (steps, i);
      MutualStepStatus status = mutual_probe_step_get_status (step);

      g_autoptr(GPtrArray) evidence = mutual_test_ui_find_all (g_ptr_array_index (rows, i),
                                                               MUTUAL_TYPE_FIELD_ROW);

      /* Each piece of evidence is a row in the step's expander. */
      g_assert_true (step == listed);
      g_assert_cmpuint (evidence->len, ==, g_list_model_get_n_items (mutual_probe_step_get_evidence (step)));
      g_assert_cmpint (status, !=, MUTUAL_STEP_PENDING);
      g_assert_cmpint (status, !=, MUTUAL_STEP_RUNNING);
      seen[mutual_probe_step_get_kind (step)] = TRUE;
    }
  g_assert_true (seen[MUTUAL_STEP_RESOLVE]);
  g_assert_true (seen[MUTUAL_STEP_CONNECT]);
  g_assert_true (seen[MUTUAL_STEP_HANDSHAKE]);
}

static const char *
outcome_text (MutualTestView *view)
{
  return gtk_label_get_text (GTK_LABEL (view_child (view, "outcome_label")));
}

/* Scrolls the view's child @name into sight, for a screenshot that shows it. */
static void
scroll_to (MutualTestView *view,
           const char     *name)
{
  GtkWidget *results = view_child (view, name);
  GtkWidget *scrolled = gtk_widget_get_ancestor (results, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  graphene_rect_t bounds;

  mutual_test_ui_spin_for (200);
  g_assert_true (gtk_widget_compute_bounds (results, gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled)),
                                            &bounds));
  gtk_adjustment_set_value (adjustment, bounds.origin.y - 12);
}

static void
scroll_to_results (MutualTestView *view)
{
  scroll_to (view, "results_box");
}

static MutualProbe *
run_test (MutualTestView *view,
          const char     *identity)
{
  MutualProbe *probe;

  choose_identity (view, identity);
  enter_target (view, target);
  /* Enter started the test, which runs without blocking the main loop. */
  g_assert_true (mutual_test_view_get_running (view));
  g_assert_cmpstr (outcome_text (view), ==, "Running…");
  mutual_test_ui_spin_until (probe_finished, view, PROBE_MS);

  probe = mutual_test_view_get_probe (view);
  g_assert_cmpstr (mutual_probe_get_host (probe), ==, "127.0.0.1");
  g_assert_cmpuint (mutual_probe_get_port (probe), ==, mutual_peer_get_port (server));
  log_findings (probe);
  return probe;
}

/* Tests */

static void
test_without_identity (void)
{
  MutualWindow *window = NULL;
  MutualTestView *view = open_test_view (&window);
  g_autoptr(GPtrArray) shown = NULL;
  g_auto(GStrv) recent = NULL;
  MutualProbe *probe;

  select_string (ADW_COMBO_ROW (view_child (view, "protocol_row")), "TLS Only");
  choose_ca_file (view);
  probe = run_test (view, NULL);

  /* The server asked for a certificate and had none: the first finding says so. */
  g_assert_cmpint (mutual_probe_get_outcome (probe), ==, MUTUAL_PROBE_PROBLEMS);
  g_assert_cmpstr (outcome_text (view), ==, "Failed");
  g_assert_true (has_finding (probe, "client-certificate-missing"));
  shown = shown_findings (view);
  g_assert_cmpuint (shown->len, ==, mutual_probe_get_findings (probe)->len);
  g_assert_cmpstr (g_ptr_array_index (shown, 0), ==, "client-certificate-missing");
  g_assert_true (gtk_widget_is_drawable (view_child (view, "findings_list")));
  assert_timeline (view, probe);

  /* The target is the most recent. */
  recent = g_settings_get_strv (mutual_application_get_settings (app), "recent-targets");
  g_assert_cmpstr (recent[0], ==, target);

  scroll_to_results (view);
  mutual_test_ui_screenshots (GTK_WIDGET (window), "test-probe-no-identity",
                              mutual_application_get_settings (app));
  mutual_test_ui_close_and_wait (GTK_WINDOW (window), WAIT_MS);
}

static gboolean
bundle_written (gpointer data)
{
  g_autofree char *contents = NULL;

  /* Written in one go through a temporary file: once it parses, it is whole. */
  return g_file_get_contents (data, &contents, NULL, NULL) && strstr (contents, "\"probe\"") != NULL &&
         g_str_has_suffix (g_strchomp (contents), "}");
}

static GStrv
read_lines (const char *path)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  return g_strsplit (contents, "\n", -1);
}

/* The key's base64 lines, which must appear nowhere the test view writes. */
static GStrv
key_lines (void)
{
  g_autofree char *path = mutual_test_ui_fixture ("client-p256.key");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) lines = read_lines (path);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (strlen (lines[i]) >= 16 && !g_str_has_prefix (lines[i], "-----"))
        g_strv_builder_add (builder, lines[i]);
    }
  return g_strv_builder_end (builder);
}

static void
assert_no_key (const char *text)
{
  g_auto(GStrv) lines = key_lines ();

  g_assert_nonnull (lines[0]);
  g_assert_null (strstr (text, "PRIVATE KEY"));
  for (guint i = 0; lines[i] != NULL; i++)
    g_assert_null (strstr (text, lines[i]));
}

static void
test_with_identity (void)
{
  MutualWindow *window = NULL;
  MutualTestView *view = open_test_view (&window);
  g_autofree char *report = NULL;
  g_autofree char *bundle_path = g_build_filename (scratch, "bundle.json", NULL);
  g_autofree char *bundle = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) shown = NULL;
  g_autoptr(GPtrArray) chain_rows = NULL;
  JsonObject *root;
  JsonObject *probe_object;
  GtkListBox *chain_list;
  GtkWidget *back_button;
  MutualProbe *probe;

  select_string (ADW_COMBO_ROW (view_child (view, "protocol_row")), "TLS Only");
  choose_ca_file (view);
  probe = run_test (view, IDENTITY_LABEL);

  /* The server verified the fixture client certificate and accepted it, and nothing
   * else went wrong: the fixture server staples its OCSP response. */
  g_assert_cmpint (mutual_probe_get_outcome (probe), ==, MUTUAL_PROBE_SUCCESS);
  g_assert_cmpstr (outcome_text (view), ==, "Accepted");
  g_assert_true (has_finding (probe, "client-accepted"));
  g_assert_false (has_finding (probe, "client-certificate-missing"));
  shown = shown_findings (view);
  g_assert_true (g_ptr_array_find_with_equal_func (shown, "client-accepted", g_str_equal, NULL));
  assert_timeline (view, probe);
  scroll_to_results (view);
  mutual_test_ui_screenshots (GTK_WIDGET (window), "test-probe-accepted",
                              mutual_application_get_settings (app));

  /* The server's chain is listed; its certificate opens in the certificate view, and
   * the window's back button leads back to the test. */
  chain_list = GTK_LIST_BOX (view_child (view, "chain_list"));
  chain_rows = mutual_test_ui_find_all (GTK_WIDGET (chain_list), ADW_TYPE_ACTION_ROW);
  g_assert_cmpuint (chain_rows->len, ==, mutual_probe_get_server_chain (probe)->len);
  g_assert_cmpuint (chain_rows->len, >=, 1);
  g_signal_emit_by_name (chain_list, "row-activated", g_ptr_array_index (chain_rows, 0));
  mutual_test_ui_spin_until (mutual_test_ui_widget_mapped,
                             adw_leaflet_get_visible_child (mutual_test_view_get_page_stack (view)),
                             WAIT_MS);
  g_assert_true (MUTUAL_IS_CERTIFICATE_VIEW (adw_leaflet_get_visible_child (mutual_test_view_get_page_stack (view))));
  g_assert_true (mutual_certificate_view_get_certificate (MUTUAL_CERTIFICATE_VIEW (adw_leaflet_get_visible_child (mutual_test_view_get_page_stack (view)))) ==
                 g_ptr_array_index (mutual_probe_get_server_chain (probe), 0));
  back_button = mutual_test_ui_template_child (window, MUTUAL_TYPE_WINDOW, "back_button");
  mutual_test_ui_spin_until (mutual_test_ui_widget_mapped, back_button, WAIT_MS);
  mutual_test_ui_screenshots (GTK_WIDGET (window), "test-probe-server-certificate",
                              mutual_application_get_settings (app));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.go-back", NULL));
  mutual_test_ui_spin_until (mutual_test_ui_widget_mapped, view_child (view, "test_page"), WAIT_MS);

  /* The report, as text: the target, the finding, no key. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "probe.copy-report", NULL));
  report = mutual_test_ui_clipboard_text (GTK_WIDGET (view), WAIT_MS);
  g_assert_nonnull (report);
  g_assert_nonnull (strstr (report, target));
  g_assert_nonnull (strstr (report, "[client-accepted]"));
  g_assert_nonnull (strstr (report, IDENTITY_LABEL));
  assert_no_key (report);

  /* The support bundle: mutualctl probe's JSON, saved where the user chose, no key. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "probe.save-bundle", NULL));
  mutual_test_ui_choose_new_file (mutual_test_ui_wait_file_chooser (WAIT_MS), bundle_path, WAIT_MS);
  mutual_test_ui_spin_until (bundle_written, bundle_path, WAIT_MS);
  g_assert_true (g_file_get_contents (bundle_path, &bundle, NULL, &error));
  g_assert_no_error (error);
  assert_no_key (bundle);
  g_assert_true (json_parser_load_from_data (parser, bundle, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "schema"), ==, "mutualctl.probe/1");
  probe_object = json_object_get_object_member (root, "probe");
  g_assert_cmpstr (json_object_get_string_member (probe_object, "outcome"), ==, "success");
  g_assert_cmpstr (json_object_get_string_member (probe_object, "host"), ==, "127.0.0.1");
  g_assert_nonnull (strstr (bundle, "\"client-accepted\""));

  mutual_test_ui_close_and_wait (GTK_WINDOW (window), WAIT_MS);
}

static gboolean
step_running (gpointer data)
{
  MutualTestView *view = data;
  MutualProbe *probe = mutual_test_view_get_probe (view);
  GListModel *steps = probe != NULL ? mutual_probe_get_steps (probe) : NULL;
  guint n = steps != NULL ? g_list_model_get_n_items (steps) : 0;
  g_autoptr(MutualProbeStep) last = n > 0 ? g_list_model_get_item (steps, n - 1) : NULL;

  return last != NULL && mutual_probe_step_get_kind (last) == MUTUAL_STEP_HANDSHAKE &&
         mutual_probe_step_get_status (last) == MUTUAL_STEP_RUNNING;
}

static gboolean
not_running (gpointer data)
{
  return !mutual_test_view_get_running (data);
}

/* A server that accepts the connection and never says a word: the test waits for it,
 * the timeline shows the handshake running, and Cancel ends it at once. */
static void
test_cancel (void)
{
  g_autoptr(MutualPeer) silent = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *silent_target = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) spinners = NULL;
  MutualWindow *window = NULL;
  MutualTestView *view;
  GtkWidget *cancel;
  gint64 cancelled_at;

  silent = mutual_peer_start (MUTUAL_PEER_SILENT, NULL, &error);
  g_assert_no_error (error);
  silent_target = g_strdup_printf ("127.0.0.1:%u", mutual_peer_get_port (silent));

  view = open_test_view (&window);
  /* Longer than the test may take: only Cancel can end it in time. */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (view_child (view, "timeout_spin")), 120);
  select_string (ADW_COMBO_ROW (view_child (view, "protocol_row")), "TLS Only");
  choose_identity (view, NULL);
  enter_target (view, silent_target);
  mutual_test_ui_spin_until (step_running, view, WAIT_MS);

  /* The timeline follows the probe: the handshake's row spins while it waits. */
  rows = mutual_test_ui_find_all (view_child (view, "steps_list"), MUTUAL_TYPE_STEP_ROW);
  g_assert_cmpuint (rows->len, >=, 3);
  spinners = mutual_test_ui_find_all (g_ptr_array_index (rows, rows->len - 1), GTK_TYPE_SPINNER);
  g_assert_cmpuint (spinners->len, ==, 1);
  g_assert_true (gtk_widget_is_drawable (g_ptr_array_index (spinners, 0)));
  g_assert_true (gtk_spinner_get_spinning (g_ptr_array_index (spinners, 0)));

  cancel = view_child (view, "cancel_button");
  g_assert_true (gtk_widget_is_drawable (cancel));
  g_assert_false (gtk_widget_is_sensitive (view_child (view, "form_group")));
  scroll_to_results (view);
  mutual_test_ui_screenshots (GTK_WIDGET (window), "test-probe-running",
                              mutual_application_get_settings (app));

  cancelled_at = g_get_monotonic_time ();
  g_signal_emit_by_name (cancel, "clicked");
  mutual_test_ui_spin_until (not_running, view, 5000);
  g_test_message ("cancelled in %.1f ms", (g_get_monotonic_time () - cancelled_at) / 1000.0);
  g_assert_cmpstr (outcome_text (view), ==, "Cancelled");
  g_assert_false (gtk_widget_get_visible (cancel));
  g_assert_true (gtk_widget_is_sensitive (view_child (view, "form_group")));

  mutual_test_ui_close_and_wait (GTK_WINDOW (window), WAIT_MS);
  g_assert_true (mutual_peer_stop (silent, &error));
  g_assert_no_error (error);
}

/* Whether one of @widget's shortcut controllers maps @trigger to @action. */
static gboolean
has_shortcut (GtkWidget  *widget,
              const char *trigger,
              const char *action)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          g_autofree char *shown = gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));
          GtkShortcutAction *named = gtk_shortcut_get_action (shortcut);

          if (g_str_equal (shown, trigger) && GTK_IS_NAMED_ACTION (named) &&
              g_str_equal (gtk_named_action_get_action_name (GTK_NAMED_ACTION (named)), action))
            return TRUE;
        }
    }
  return FALSE;
}

/* A target that is no host name starts nothing and says so; a recent target comes back
 * from the menu. */
static void
test_target (void)
{
  MutualWindow *window = NULL;
  MutualTestView *view = open_test_view (&window);
  GtkWidget *row = view_child (view, "target_row");
  MutualProbe *before = mutual_test_view_get_probe (view);
  GSettings *settings = mutual_application_get_settings (app);
  const char *const recent[] = { "db.example.test:5432", "broker.example.test:8883", NULL };

  /* HTTPS unless the user chooses another protocol, which gives the default port. */
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (view_child (view, "protocol_row"))), ==,
                   "Port 443 unless the target names another");
  select_string (ADW_COMBO_ROW (view_child (view, "protocol_row")), "PostgreSQL");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (view_child (view, "protocol_row"))), ==,
                   "Port 5432 unless the target names another");

  g_assert_false (gtk_widget_is_sensitive (view_child (view, "run_button")));
  enter_target (view, "https://device.example.test/");
  g_assert_false (mutual_test_view_get_running (view));
  g_assert_true (mutual_test_view_get_probe (view) == before);
  g_assert_true (gtk_widget_has_css_class (row, "error"));

  enter_target (view, "device.example.test:99999");
  g_assert_false (mutual_test_view_get_running (view));
  g_assert_true (gtk_widget_has_css_class (row, "error"));

  /* Ctrl+Enter runs the test from anywhere in the view, as the shortcuts window says. */
  g_assert_true (has_shortcut (GTK_WIDGET (view), "<Control>Return", "probe.run"));

  g_settings_set_strv (settings, "recent-targets", recent);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "probe.use-recent", "s", recent[1]));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, recent[1]);
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  g_assert_true (gtk_widget_is_sensitive (view_child (view, "run_button")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "probe.clear-recent", NULL));
  g_assert_false (gtk_widget_is_sensitive (view_child (view, "recent_button")));

  mutual_test_ui_close_and_wait (GTK_WINDOW (window), WAIT_MS);
}

static gboolean
keylog_file_chosen (gpointer data)
{
  return mutual_test_view_get_keylog_file (data) != NULL;
}

/* Whether the session key log at @path holds a client secret of TLS 1.3 or 1.2. Its
 * content is a secret: it never reaches the test's output. */
static gboolean
keylog_has_secret (const char *path)
{
  g_auto(GStrv) lines = read_lines (path);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "CLIENT_HANDSHAKE_TRAFFIC_SECRET ") ||
          g_str_has_prefix (lines[i], "CLIENT_RANDOM "))
        return TRUE;
    }
  return FALSE;
}

static gboolean
toast_shown (gpointer data)
{
  return mutual_test_ui_find_toast (data) != NULL;
}

static gboolean
no_toast (gpointer data)
{
  return mutual_test_ui_find_toast (data) == NULL;
}

/* The title of the toast shown in @window: its first label. */
static const char *
toast_text (MutualWindow *window)
{
  g_autoptr(GPtrArray) labels = NULL;

  mutual_test_ui_spin_until (toast_shown, window, WAIT_MS);
  labels = mutual_test_ui_find_all (mutual_test_ui_find_toast (GTK_WIDGET (window)),
                                    GTK_TYPE_LABEL);
  g_assert_cmpuint (labels->len, >=, 1);
  g_assert_true (gtk_widget_is_drawable (g_ptr_array_index (labels, 0)));
  return gtk_label_get_text (g_ptr_array_index (labels, 0));
}

/* Closes the toast shown in @window with its close button, as the user would. */
static void
close_toast (MutualWindow *window)
{
  g_autoptr(GPtrArray) buttons = NULL;
  gboolean closed = FALSE;

  /* Past the toast's entrance: closing it while that ran crashed here, in libadwaita
   * 1.2's animation code. */
  mutual_test_ui_spin_for (500);
  buttons = mutual_test_ui_find_all (mutual_test_ui_find_toast (GTK_WIDGET (window)),
                                     GTK_TYPE_BUTTON);
  for (guint i = 0; i < buttons->len && !closed; i++)
    {
      GtkButton *button = g_ptr_array_index (buttons, i);

      if (g_strcmp0 (gtk_button_get_icon_name (button), "window-close-symbolic") == 0)
        {
          g_signal_emit_by_name (button, "clicked");
          closed = TRUE;
        }
    }
  g_assert_true (closed);
  mutual_test_ui_spin_until (no_toast, window, WAIT_MS);
}

/* The options mutualctl probe has beyond the basics: the IP version, ALPN and a session
 * key log for Wireshark. */
static void
test_advanced_options (void)
{
  MutualWindow *window = NULL;
  MutualTestView *view = open_test_view (&window);
  GtkWidget *alpn_row = view_child (view, "alpn_row");
  AdwComboRow *family_row = ADW_COMBO_ROW (view_child (view, "family_row"));
  AdwExpanderRow *advanced_row = ADW_EXPANDER_ROW (view_child (view, "advanced_row"));
  AdwActionRow *keylog_row = ADW_ACTION_ROW (view_child (view, "keylog_row"));
  g_autofree char *keylog_path = g_build_filename (scratch, "keylog.txt", NULL);
  g_autoptr(GFile) keylog_file = g_file_new_for_path (keylog_path);
  g_autofree char *long_name = g_strnfill (300, 'a');
  g_autofree char *long_alpn = g_strdup_printf ("h2, %s", long_name);
  g_autoptr(GPtrArray) shown = NULL;
  GStatBuf buf;
  MutualProbe *before;
  MutualProbe *probe;

  select_string (ADW_COMBO_ROW (view_child (view, "protocol_row")), "TLS Only");
  choose_ca_file (view);
  adw_expander_row_set_expanded (advanced_row, TRUE);

  /* An IPv4 address, and only IPv6 allowed: nothing to connect to, and it says why. */
  select_string (family_row, "IPv6 Only");
  probe = run_test (view, NULL);
  g_assert_cmpint (mutual_probe_get_outcome (probe), !=, MUTUAL_PROBE_SUCCESS);
  shown = shown_findings (view);
  g_assert_cmpuint (shown->len, >=, 1);
  g_assert_cmpstr (g_ptr_array_index (shown, 0), ==, "address-family-excluded");
  select_string (family_row, "Any");

  /* A key log chosen in the Save dialog, ALPN offered: the handshake succeeds, and the
   * secrets are in a file only its owner can read. */
  g_assert_cmpstr (adw_action_row_get_subtitle (keylog_row), ==,
                   "Not recorded\nAnyone who has this file can decrypt the traffic it records");
  g_assert_false (gtk_widget_get_visible (view_child (view, "keylog_clear_button")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "probe.choose-keylog", NULL));
  mutual_test_ui_choose_new_file (mutual_test_ui_wait_file_chooser (WAIT_MS), keylog_path, WAIT_MS);
  mutual_test_ui_spin_until (keylog_file_chosen, view, WAIT_MS);
  g_assert_true (g_file_equal (mutual_test_view_get_keylog_file (view), keylog_file));
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (keylog_row), keylog_path));
  g_assert_true (gtk_widget_get_visible (view_child (view, "keylog_clear_button")));
  gtk_editable_set_text (GTK_EDITABLE (alpn_row), "h2, http/1.1");
  probe = run_test (view, IDENTITY_LABEL);
  g_assert_cmpint (mutual_probe_get_outcome (probe), ==, MUTUAL_PROBE_SUCCESS);
  g_assert_cmpstr (outcome_text (view), ==, "Accepted");
  g_assert_true (has_finding (probe, "client-accepted"));
  g_assert_no_errno (g_stat (keylog_path, &buf));
  g_assert_cmpint (buf.st_mode & 0777, ==, 0600);
  g_assert_true (keylog_has_secret (keylog_path));

  /* An ALPN name too long for the handshake starts nothing, and says so; the Advanced
   * Options open to show the field. */
  before = mutual_test_view_get_probe (view);
  adw_expander_row_set_expanded (advanced_row, FALSE);
  g_assert_false (gtk_widget_has_css_class (alpn_row, "error"));
  mutual_test_ui_activate_entry (alpn_row, long_alpn);
  g_assert_false (mutual_test_view_get_running (view));
  g_assert_true (mutual_test_view_get_probe (view) == before);
  g_assert_true (gtk_widget_has_css_class (alpn_row, "error"));
  /* The field is in sight, with the focus in it. */
  g_assert_true (adw_expander_row_get_expanded (advanced_row));
  g_assert_true (gtk_widget_is_drawable (alpn_row));
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)), alpn_row));
  g_assert_cmpstr (toast_text (window), ==, "An ALPN protocol name is longer than 255 bytes");
  close_toast (window);

  /* Mended, the error goes. */
  gtk_editable_set_text (GTK_EDITABLE (alpn_row), "h2, http/1.1");
  g_assert_false (gtk_widget_has_css_class (alpn_row, "error"));

  scroll_to (view, "advanced_row");
  mutual_test_ui_spin_for (500);
  g_free (mutual_test_ui_screenshot (GTK_WIDGET (window), "test-probe-advanced-options"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "probe.clear-keylog", NULL));
  g_assert_null (mutual_test_view_get_keylog_file (view));
  mutual_test_ui_close_and_wait (GTK_WINDOW (window), WAIT_MS);
}

/* Set-up */

static char *
mutualctl_import (const char *certificate,
                  const char *key)
{
  g_autofree char *certificate_path = mutual_test_ui_fixture (certificate);
  g_autofree char *key_path = mutual_test_ui_fixture (key);
  const char *argv[] = { g_getenv ("MUTUALCTL"), "import", certificate_path, key_path, NULL };
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status = -1;

  g_assert_nonnull (argv[0]);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                               &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("mutualctl import failed: %s", err);
  return out;
}

static void
start_server (void)
{
  g_autofree char *server_cert = mutual_test_ui_fixture ("server.pem");
  g_autofree char *server_key = mutual_test_ui_fixture ("server.key");
  g_autofree char *root = mutual_test_ui_fixture ("root-ca.pem");
  g_autofree char *root_key = mutual_test_ui_fixture ("root-ca.key");
  g_autofree char *intermediate = mutual_test_ui_fixture ("intermediate-ca.pem");
  g_autofree char *ocsp = g_build_filename (scratch, "server-ocsp.der", NULL);
  const char *client_cas[] = { root, intermediate, NULL };
  MutualPeerConfig config = { 0 };
  g_autoptr(GError) error = NULL;

  /* server.pem demands a stapled OCSP response (Must-Staple): gnutls-serv staples one. */
  g_assert_true (mutual_peer_make_ocsp_response (server_cert, root, root_key, ocsp, &error));
  g_assert_no_error (error);

  config.server_cert_file = server_cert;
  config.server_key_file = server_key;
  config.client_ca_files = client_cas;
  config.client_auth = MUTUAL_PEER_CLIENT_AUTH_REQUIRE;
  config.tls_versions = MUTUAL_PEER_TLS_1_2_AND_1_3;
  config.ocsp_response_file = ocsp;
  server = mutual_peer_start (MUTUAL_PEER_GNUTLS_SERV, &config, &error);
  g_assert_no_error (error);
  g_assert_nonnull (server);
  target = g_strdup_printf ("%s:%u", mutual_peer_get_host (server), mutual_peer_get_port (server));
  g_test_message ("server: %s", mutual_peer_get_command_line (server));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *imported = NULL;
  int status;

  mutual_test_ui_init (&argc, &argv);

  scratch = g_dir_make_tmp ("mutual-probe-XXXXXX", &error);
  g_assert_no_error (error);
  /* Where Save dialogs start. */
  g_assert_no_errno (g_chdir (scratch));

  /* The identity is in the keyring before the application starts. */
  imported = mutualctl_import ("client-p256.pem", "client-p256.key");
  start_server ();

  app = mutual_application_new ();
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/probe/target", test_target);
  g_test_add_func ("/probe/without-identity", test_without_identity);
  g_test_add_func ("/probe/with-identity", test_with_identity);
  g_test_add_func ("/probe/cancel", test_cancel);
  g_test_add_func ("/probe/advanced-options", test_advanced_options);

  status = g_test_run ();

  g_clear_object (&app);
  g_assert_true (mutual_peer_stop (server, &error));
  g_assert_no_error (error);
  g_clear_pointer (&server, mutual_peer_free);
  g_clear_pointer (&target, g_free);
  /* The harness deletes its private folder, this one included. */
  g_clear_pointer (&scratch, g_free);

  return status;
}
