/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The identities in the keyring, in the window, under Xvfb with the harness's private
 * gnome-keyring. Three identities are stored with mutualctl before the application
 * starts (valid, expiring within the hour, expired); the tests then go through what a
 * user does: read the sidebar, open an identity, rename, export, delete with and
 * without undo, import (with a password, with the key in a second file, and with
 * errors), and see a change made by mutualctl while the window is open. Every change is
 * checked in the keyring itself, with mutualctl.
 *
 * Run without a keyring (MUTUAL_TEST_NO_KEYRING=1, the meson test "identities-no-keyring"),
 * the sidebar must say that no keyring is available, in the core's words, instead of
 * showing an empty list. */

#include "config.h"

#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <string.h>
#include <sys/stat.h>

#include "mutual-application.h"
#include "mutual-certificate-view.h"
#include "mutual-identity-row.h"
#include "mutual-identity-view.h"
#include "mutual-password-dialog.h"
#include "mutual-test-ui.h"
#include "mutual-window.h"

#define WAIT_MS 15000
#define PASSWORD "fixture-pass"

static MutualApplication *app;
static char *scratch;

/* Widget tree helpers: the tests look for what is on screen, as the user would. */

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

static const char *
row_text (MutualIdentityRow *row,
          const char        *name)
{
  return gtk_label_get_text (GTK_LABEL (mutual_test_ui_template_child (row, MUTUAL_TYPE_IDENTITY_ROW, name)));
}

static const char *
view_text (MutualIdentityView *view,
           const char         *name)
{
  return gtk_label_get_text (GTK_LABEL (mutual_test_ui_template_child (view, MUTUAL_TYPE_IDENTITY_VIEW, name)));
}

static void
click (GtkWidget  *root,
       const char *label)
{
  GtkButton *button = mutual_test_ui_find_button (root, label);

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (button)));
  g_signal_emit_by_name (button, "clicked");
}

static GtkListBox *
identity_list (MutualWindow *window)
{
  return GTK_LIST_BOX (mutual_test_ui_template_child (window, MUTUAL_TYPE_WINDOW, "identity_list"));
}

static guint
n_rows (MutualWindow *window)
{
  guint n = 0;

  while (gtk_list_box_get_row_at_index (identity_list (window), n) != NULL)
    n++;
  return n;
}

static MutualIdentityRow *
find_row (MutualWindow *window,
          const char   *label)
{
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (identity_list (window), i)) != NULL; i++)
    {
      if (g_str_equal (row_text (MUTUAL_IDENTITY_ROW (row), "title_label"), label))
        return MUTUAL_IDENTITY_ROW (row);
    }
  return NULL;
}

static const char *
row_id (MutualIdentityRow *row)
{
  return mutual_identity_get_id (mutual_identity_row_get_identity (row));
}

static const char *
sidebar_page (MutualWindow *window)
{
  GtkStack *stack = GTK_STACK (mutual_test_ui_template_child (window, MUTUAL_TYPE_WINDOW, "sidebar_stack"));

  return gtk_stack_get_visible_child_name (stack);
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

/* Main loop conditions */

static gboolean
toplevel_shown (gpointer data)
{
  return mutual_test_ui_find_toplevel ((GType) GPOINTER_TO_SIZE (data)) != NULL;
}

typedef struct
{
  MutualWindow *window;
  guint n;
} RowCount;

static gboolean
rows_listed (gpointer data)
{
  RowCount *count = data;

  return n_rows (count->window) == count->n;
}

static void
wait_rows (MutualWindow *window,
           guint         n)
{
  RowCount count = { window, n };

  mutual_test_ui_spin_until (rows_listed, &count, WAIT_MS);
}

typedef struct
{
  MutualWindow *window;
  const char *label;
} RowLabel;

static gboolean
row_listed (gpointer data)
{
  RowLabel *wanted = data;

  return find_row (wanted->window, wanted->label) != NULL;
}

static gboolean
row_gone (gpointer data)
{
  return !row_listed (data);
}

static MutualIdentityRow *
wait_row (MutualWindow *window,
          const char   *label)
{
  RowLabel wanted = { window, label };

  mutual_test_ui_spin_until (row_listed, &wanted, WAIT_MS);
  return find_row (window, label);
}

typedef struct
{
  MutualWindow *window;
  const char *label;
} ShownIdentity;

static gboolean
identity_shown (gpointer data)
{
  ShownIdentity *shown = data;
  MutualIdentityView *view = mutual_window_get_identity_view (shown->window);

  return view != NULL && gtk_widget_get_mapped (GTK_WIDGET (view)) &&
         g_str_equal (mutual_identity_get_label (mutual_identity_view_get_identity (view)),
                      shown->label) &&
         !mutual_identity_view_get_loading (view) && !mutual_identity_view_get_verifying (view);
}

/* Selects @label in the sidebar, as a click does, and waits for its page. */
static MutualIdentityView *
select_identity (MutualWindow *window,
                 const char   *label)
{
  MutualIdentityRow *row = wait_row (window, label);
  ShownIdentity shown = { window, label };

  gtk_list_box_select_row (identity_list (window), GTK_LIST_BOX_ROW (row));
  mutual_test_ui_spin_until (identity_shown, &shown, WAIT_MS);
  g_assert_true (gtk_list_box_get_selected_row (identity_list (window)) == GTK_LIST_BOX_ROW (row));

  return mutual_window_get_identity_view (window);
}

static gboolean
page_is_certificate_view (gpointer data)
{
  GtkWidget *page = mutual_identity_view_get_visible_page (MUTUAL_IDENTITY_VIEW (data));

  return MUTUAL_IS_CERTIFICATE_VIEW (page) && gtk_widget_get_mapped (page);
}

static gboolean
page_is_identity (gpointer data)
{
  GtkWidget *page = mutual_identity_view_get_visible_page (MUTUAL_IDENTITY_VIEW (data));

  return !MUTUAL_IS_CERTIFICATE_VIEW (page) && gtk_widget_get_mapped (page);
}

/* The dialog shown over @window, other than the ones already there. */
static AdwMessageDialog *
wait_message_dialog (const char *heading)
{
  gint64 end = g_get_monotonic_time () + WAIT_MS * 1000;

  while (g_get_monotonic_time () < end)
    {
      GListModel *toplevels = gtk_window_get_toplevels ();

      for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
        {
          g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

          if (ADW_IS_MESSAGE_DIALOG (window) && !MUTUAL_IS_PASSWORD_DIALOG (window) &&
              gtk_widget_get_mapped (GTK_WIDGET (window)) &&
              g_strcmp0 (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (window)), heading) == 0)
            {
              /* Past the dialog's opening animation. */
              mutual_test_ui_spin_for (300);
              return ADW_MESSAGE_DIALOG (window);
            }
        }
      g_main_context_iteration (NULL, FALSE);
    }

  g_error ("No dialog “%s” was shown", heading);
}

static gboolean
no_message_dialog (gpointer data)
{
  return mutual_test_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) == NULL;
}

/* The toast shown now: libadwaita's private toast widget, with its buttons. */
static GtkWidget *
find_toast (MutualWindow *window)
{
  GType type = g_type_from_name ("AdwToastWidget");
  g_autoptr(GPtrArray) toasts = NULL;

  if (type == 0)
    return NULL;
  toasts = mutual_test_ui_find_all (GTK_WIDGET (window), type);
  for (guint i = 0; i < toasts->len; i++)
    {
      GtkWidget *toast = g_ptr_array_index (toasts, i);

      /* A toast that is hiding cannot be clicked any more. */
      if (gtk_widget_get_can_target (toast))
        return toast;
    }
  return NULL;
}

static void
close_toast (GtkWidget *toast)
{
  g_autoptr(GPtrArray) buttons = mutual_test_ui_find_all (toast, GTK_TYPE_BUTTON);

  for (guint i = 0; i < buttons->len; i++)
    {
      GtkButton *button = g_ptr_array_index (buttons, i);

      if (g_strcmp0 (gtk_button_get_icon_name (button), "window-close-symbolic") == 0)
        {
          g_signal_emit_by_name (button, "clicked");
          return;
        }
    }
  g_assert_not_reached ();
}

typedef struct
{
  MutualWindow *window;
  const char *title;
} ToastTitle;

static gboolean
toast_shown (gpointer data)
{
  ToastTitle *wanted = data;
  GtkWidget *toast = find_toast (wanted->window);

  return toast != NULL && has_label (toast, wanted->title);
}

static GtkWidget *
wait_toast (MutualWindow *window,
            const char   *title)
{
  ToastTitle wanted = { window, title };

  mutual_test_ui_spin_until (toast_shown, &wanted, WAIT_MS);
  /* Until it has fully appeared (up to 500 ms), as a user sees it before clicking it:
   * libadwaita 1.2 frees a toast dismissed while it appears before its appearing ends
   * (fixed upstream by "toast-overlay: Prevent show_done from firing after hide_done"). */
  mutual_test_ui_spin_for (700);
  return find_toast (window);
}

/* mutualctl, on the same keyring */

static char *
mutualctl (const char *first,
           ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg;
  int status = -1;
  va_list args;

  g_assert_nonnull (g_getenv ("MUTUALCTL"));
  g_ptr_array_add (argv, (gpointer) g_getenv ("MUTUALCTL"));
  va_start (args, first);
  for (arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("mutualctl %s failed: %s", first, err);
  return g_steal_pointer (&out);
}

static void
mutualctl_import (const char *first,
                  ...)
{
  g_autofree char *certificate = mutual_test_ui_fixture (first);
  g_autofree char *out = NULL;
  va_list args;
  const char *key;

  va_start (args, first);
  key = va_arg (args, const char *);
  va_end (args);

  if (g_path_is_absolute (key))
    out = mutualctl ("import", first, key, NULL);
  else
    {
      g_autofree char *key_path = mutual_test_ui_fixture (key);

      out = mutualctl ("import", certificate, key_path, NULL);
    }
}

static gboolean
keyring_lists (const char *id)
{
  g_autofree char *json = mutualctl ("list", "--json", NULL);
  g_autofree char *member = g_strdup_printf ("\"id\":\"%s\"", id);

  return strstr (json, member) != NULL;
}

static gboolean
keyring_forgot (gpointer data)
{
  return !keyring_lists (data);
}

static gboolean
keyring_lists_label (gpointer data)
{
  g_autofree char *json = mutualctl ("list", "--json", NULL);
  g_autofree char *member = g_strdup_printf ("\"label\":\"%s\"", (const char *) data);

  return strstr (json, member) != NULL;
}

/* Windows */

static MutualWindow *
present_main_window (void)
{
  MutualWindow *window = mutual_window_new (app);

  mutual_test_ui_present (GTK_WINDOW (window), WAIT_MS);
  return window;
}

/* Fixtures made for the moment the test runs */

static void
run_certtool (const char *first,
              ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "TZ", "UTC", TRUE);
  g_autoptr(GError) error = NULL;
  const char *arg;
  int status = -1;
  va_list args;

  g_ptr_array_add (argv, (gpointer) "certtool");
  va_start (args, first);
  for (arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, envp,
                               G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
}

/* A 24-hour client certificate from the fixture intermediate with one hour left, as a
 * short-lived certificate is just before its renewal is overdue. */
static void
make_expiring_soon (char **certificate_out,
                    char **key_out)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GDateTime) start = g_date_time_new_from_unix_utc (now - 23 * 3600);
  g_autoptr(GDateTime) end = g_date_time_new_from_unix_utc (now + 3600);
  g_autofree char *start_text = g_date_time_format (start, "%Y-%m-%d %H:%M:%S");
  g_autofree char *end_text = g_date_time_format (end, "%Y-%m-%d %H:%M:%S");
  g_autofree char *template_text = NULL;
  g_autofree char *template = g_build_filename (scratch, "expiring-soon.tmpl", NULL);
  g_autofree char *ca = mutual_test_ui_fixture ("intermediate-ca.pem");
  g_autofree char *ca_key = mutual_test_ui_fixture ("intermediate-ca.key");
  g_autoptr(GError) error = NULL;
  char *key = g_build_filename (scratch, "expiring-soon.key", NULL);
  char *certificate = g_build_filename (scratch, "expiring-soon.pem", NULL);

  template_text = g_strdup_printf ("organization = \"Mutual Tests\"\ncn = \"expiring-soon\"\n"
                                   "tls_www_client\nsigning_key\n"
                                   "activation_date = \"%s\"\nexpiration_date = \"%s\"\n",
                                   start_text, end_text);
  g_assert_true (g_file_set_contents (template, template_text, -1, &error));
  g_assert_no_error (error);

  run_certtool ("--generate-privkey", "--key-type=ecdsa", "--no-text", "--outfile", key, NULL);
  run_certtool ("--generate-certificate", "--no-text", "--load-privkey", key,
                "--load-ca-certificate", ca, "--load-ca-privkey", ca_key,
                "--template", template, "--outfile", certificate, NULL);

  *certificate_out = certificate;
  *key_out = key;
}

/* Tests */

static void
test_sidebar (void)
{
  MutualWindow *window = present_main_window ();
  struct
  {
    const char *label;
    const char *state;
    const char *style_class;
    const char *row_class;
    const char *countdown;
  } expected[] = {
    /* Sorted by label. */
    { "client-p256", "Valid", "success", "valid", "expires in " },
    { "expired", "Expired", "error", "expired", "expired " },
    { "expiring-soon", "Expiring", "warning", "expiring", "expires in " },
  };
  gint64 now;

  wait_rows (window, 3);
  g_assert_cmpstr (sidebar_page (window), ==, "list");

  now = g_get_real_time () / G_USEC_PER_SEC;
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      MutualIdentityRow *row = MUTUAL_IDENTITY_ROW (gtk_list_box_get_row_at_index (identity_list (window), i));
      GtkWidget *state = mutual_test_ui_template_child (row, MUTUAL_TYPE_IDENTITY_ROW, "state_label");
      GtkWidget *bar = mutual_test_ui_template_child (row, MUTUAL_TYPE_IDENTITY_ROW, "lifetime_bar");

      g_test_message ("row %u: %s, %s, %s", i, row_text (row, "title_label"),
                      row_text (row, "state_label"), row_text (row, "countdown_label"));
      g_assert_cmpstr (row_text (row, "title_label"), ==, expected[i].label);
      g_assert_cmpstr (row_text (row, "state_label"), ==, expected[i].state);
      g_assert_true (gtk_widget_has_css_class (state, expected[i].style_class));
      g_assert_true (gtk_widget_has_css_class (bar, expected[i].style_class));
      g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (row), expected[i].row_class));
      g_assert_true (g_str_has_prefix (row_text (row, "countdown_label"), expected[i].countdown));
      g_assert_cmpstr (row_text (row, "subtitle_label"), ==, "Issued by Mutual Test Issuing CA 1");

      /* One redraw scheduled per row, for when its text next changes. */
      g_assert_cmpint (mutual_identity_row_get_scheduled_update (row), >=, now - 1);
    }
  /* A year left shows days: nothing to redraw for hours. The expiring one counts down in
   * minutes: it is redrawn within a minute. */
  g_assert_cmpint (mutual_identity_row_get_scheduled_update (find_row (window, "client-p256")), >,
                   now + 3600);
  g_assert_cmpint (mutual_identity_row_get_scheduled_update (find_row (window, "expiring-soon")), <=,
                   now + 61);
  g_assert_cmpfloat (gtk_level_bar_get_value (GTK_LEVEL_BAR (mutual_test_ui_template_child (find_row (window, "expired"),
                                                                              MUTUAL_TYPE_IDENTITY_ROW,
                                                                              "lifetime_bar"))), ==, 1.0);

  mutual_test_ui_screenshots (GTK_WIDGET (window), "identities", mutual_application_get_settings (app));

  /* No timers while the window is hidden. */
  gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpint (mutual_identity_row_get_scheduled_update (find_row (window, expected[i].label)), ==, 0);
  gtk_window_present (GTK_WINDOW (window));
  mutual_test_ui_spin_until (mutual_test_ui_widget_mapped, find_row (window, "expired"), WAIT_MS);
  g_assert_cmpint (mutual_identity_row_get_scheduled_update (find_row (window, "expired")), >, 0);

  mutual_test_ui_close_and_wait (GTK_WINDOW (window), WAIT_MS);
}

static void
test_page (void)
{
  MutualWindow *window = present_main_window ();
  MutualIdentityView *view;
  GPtrArray *certificates;
  AdwPreferencesGroup *chain;
  g_autoptr(GPtrArray) rows = NULL;
  GtkWidget *page;
  g_autofree char *copied = NULL;

  view = select_identity (window, "client-p256");

  /* The header, from the keyring's attributes. */
  g_assert_cmpstr (view_text (view, "title_label"), ==, "client-p256");
  g_assert_cmpstr (view_text (view, "issuer_label"), ==, "Issued by Mutual Test Issuing CA 1");
  g_assert_cmpstr (view_text (view, "state_label"), ==, "Valid");
  g_assert_true (g_str_has_prefix (view_text (view, "countdown_label"), "expires in "));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "client-p256");

  /* The certificate, read from the keyring: its subject and every section. */
  certificates = mutual_identity_view_get_certificates (view);
  g_assert_nonnull (certificates);
  g_assert_cmpuint (certificates->len, ==, 1);
  g_assert_cmpstr (mutual_certificate_get_subject (g_ptr_array_index (certificates, 0)), ==,
                   "CN=client-p256,O=Mutual Tests");
  g_assert_nonnull (find_group (GTK_WIDGET (view), "Subject"));
  g_assert_true (has_label (GTK_WIDGET (find_group (GTK_WIDGET (view), "Subject")), "client-p256"));
  g_assert_true (has_label (GTK_WIDGET (find_group (GTK_WIDGET (view), "Subject")), "Mutual Tests"));
  g_assert_nonnull (find_group (GTK_WIDGET (view), "Identity"));
  g_assert_nonnull (find_group (GTK_WIDGET (view), "Key usage"));

  /* The chain as stored: the leaf alone, whose issuer is not there. */
  chain = find_group (GTK_WIDGET (view), "Chain");
  g_assert_nonnull (chain);
  rows = mutual_test_ui_find_all (GTK_WIDGET (chain), ADW_TYPE_ACTION_ROW);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (adw_preferences_row_get_title (g_ptr_array_index (rows, 0)), ==, "client-p256");

  /* The identity's actions are there for it, in the header bar. */
  g_assert_true (gtk_widget_get_visible (mutual_test_ui_template_child (window, MUTUAL_TYPE_WINDOW,
                                                         "identity_menu_button")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "identity.copy-fingerprint", NULL));
  wait_toast (window, "Copied");

  mutual_test_ui_screenshots (GTK_WIDGET (window), "identity-page", mutual_application_get_settings (app));
  scroll_to (GTK_WIDGET (chain));
  mutual_test_ui_screenshots (GTK_WIDGET (window), "identity-page-chain", mutual_application_get_settings (app));

  /* A link of the chain opens its certificate; back returns to the identity. */
  adw_action_row_activate (g_ptr_array_index (rows, 0));
  mutual_test_ui_spin_until (page_is_certificate_view, view, WAIT_MS);
  page = mutual_identity_view_get_visible_page (view);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (mutual_test_ui_template_child (page, MUTUAL_TYPE_CERTIFICATE_VIEW,
                                                                  "title_label"))), ==, "client-p256");
  g_assert_true (gtk_widget_get_visible (mutual_test_ui_template_child (window, MUTUAL_TYPE_WINDOW, "back_button")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.go-back", NULL));
  mutual_test_ui_spin_until (page_is_identity, view, WAIT_MS);

  mutual_test_ui_close_and_wait (GTK_WINDOW (window), WAIT_MS);
}

/* Overwrites the secret of an identity's private key item with garbage, leaving its
 * certificate item and every attribute as they are. */
static void
damage_key (const char *id)
{
  static const SecretSchema schema = {
    "io.github.mutual.Identity", SECRET_SCHEMA_NONE,
    {
      { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "id", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "generation", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "label", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "subject", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "issuer", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "not-before", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "not-after", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "sha256", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "key-type", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "profile", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "schema-version", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };
  g_autoptr(GHashTable) query = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(SecretValue) garbage = secret_value_new ("not a private key", -1, "text/plain");
  g_autoptr(GError) error = NULL;
  GList *items;

  g_hash_table_insert (query, (gpointer) "id", (gpointer) id);
  g_hash_table_insert (query, (gpointer) "kind", (gpointer) "key");
  items = secret_password_searchv_sync (&schema, query, SECRET_SEARCH_ALL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  attributes = secret_retrievable_get_attributes (items->data);
  g_list_free_full (items, g_object_unref);
  g_hash_table_remove (attributes, "xdg:schema");

  /* The same attributes: the item is replaced. */
  g_assert_true (secret_password_storev_binary_sync (&schema, attributes, SECRET_COLLECTION_DEFAULT,
                                                     "damaged by test-identities", garbage, NULL,
                                                     &error));
  g_assert_no_error (error);
}

/* Fills in the Export dialog, then the file chooser, as the user does. */
static void
export_identity (MutualWindow *window,
                 const char   *heading,
                 gboolean      pem,
                 const char   *password,
                 const char   *path)
{
  AdwMessageDialog *dialog;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  GtkFileChooser *chooser;
  g_autofree char *name = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "identity.export", NULL));
  dialog = wait_message_dialog (heading);
  entries = mutual_test_ui_find_all (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW);
  checks = mutual_test_ui_find_all (GTK_WIDGET (dialog), GTK_TYPE_CHECK_BUTTON);
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_cmpuint (checks->len, ==, 2);

  /* PKCS#12 needs the password, twice. */
  g_assert_true (gtk_check_button_get_active (g_ptr_array_index (checks, 0)));
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (mutual_test_ui_find_button (GTK_WIDGET (dialog), "_Choose File…"))));
  if (pem)
    gtk_check_button_set_active (g_ptr_array_index (checks, 1), TRUE);
  gtk_editable_set_text (g_ptr_array_index (entries, 0), password);
  gtk_editable_set_text (g_ptr_array_index (entries, 1), "something else");
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (mutual_test_ui_find_button (GTK_WIDGET (dialog), "_Choose File…"))));
  gtk_editable_set_text (g_ptr_array_index (entries, 1), password);
  if (!pem)
    g_free (mutual_test_ui_screenshot (GTK_WIDGET (dialog), "export-dialog"));
  click (GTK_WIDGET (dialog), "_Choose File…");

  chooser = mutual_test_ui_wait_file_chooser (WAIT_MS);
  name = gtk_file_chooser_get_current_name (chooser);
  g_assert_true (g_str_has_suffix (name, pem ? ".pem" : ".p12"));
  mutual_test_ui_choose_new_file (chooser, path, WAIT_MS);
}

static void
test_page_without_key (void)
{
  MutualWindow *window = present_main_window ();
  MutualIdentityView *view;
  AdwMessageDialog *dialog;
  g_autofree char *path = g_build_filename (scratch, "expired.p12", NULL);
  MutualIdentityRow *row = wait_row (window, "expired");

  /* With its key damaged in the keyring, the identity still shows in full: showing it
   * never reads the key... */
  damage_key (row_id (row));
  view = select_identity (window, "expired");
  g_assert_nonnull (mutual_identity_view_get_certificates (view));
  g_assert_null (mutual_identity_view_get_error (view));
  g_assert_cmpstr (view_text (view, "state_label"), ==, "Expired");
  g_assert_true (has_label (GTK_WIDGET (find_group (GTK_WIDGET (view), "Subject")), "expired"));

  /* ...which exporting does, and finds damaged. */
  export_identity (window, "Export “expired”", FALSE, "export-pass", path);
  dialog = wait_message_dialog ("Could Not Export the Identity");
  g_test_message ("%s", adw_message_dialog_get_body (dialog));
  g_assert_true (g_str_has_prefix (adw_message_dialog_get_body (dialog),
                                   "A keyring item of Mutual is damaged"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  click (GTK_WIDGET (dialog), "_Close");
  mutual_test_ui_spin_until (no_message_dialog, NULL, WAIT_MS);

  mutual_test_ui_close_and_wait (GTK_WINDOW (window), WAIT_MS);
}

static void
test_export (void)
{
  MutualWindow *window = present_main_window ();
  g_autofree char *path = g_build_filename (scratch, "client-p256.p12", NULL);
  g_autofree char *pem_path = g_build_filename (scratch, "client-p256.pem", NULL);
  g_autoptr(GBytes) data = NULL;
  g_autoptr(MutualBundle) bundle = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf status;

  select_identity (window, "client-p256");
  export_identity (window, "Export “client-p256”", FALSE, "export-pass", path);
  wait_toast (window, "Exported to client-p256.p12");

  /* Readable by the user alone, and a real PKCS#12 of the identity. */
  g_assert_cmpint (g_stat (path, &status), ==, 0);
  g_assert_cmpint (status.st_mode & 0777, ==, 0600);
  file = g_file_new_for_path (path);
  data = mutual_load_file (file, NULL, &error);
  g_assert_no_error (error);
  bundle = mutual_import_bytes (data, "client-p256.p12", "export-pass", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mutual_bundle_get_keys (bundle)->len, ==, 1);
  g_assert_cmpstr (mutual_certificate_get_subject_name (g_ptr_array_index (mutual_bundle_get_certificates (bundle), 0)),
                   ==, "client-p256");

  /* PEM, with the key encrypted. */
  export_identity (window, "Export “client-p256”", TRUE, "export-pass", pem_path);
  wait_toast (window, "Exported to client-p256.pem");
  g_clear_object (&file);
  g_clear_pointer (&data, g_bytes_unref);
  g_clear_object (&bundle);
  file = g_file_new_for_path (pem_path);
  data = mutual_load_file (file, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (g_bytes_get_data (data, NULL), "ENCRYPTED PRIVATE KEY"));

  mutual_test_ui_close_and_wait (GTK_WINDOW (window), WAIT_MS);
  g_assert_no_errno (g_unlink (path));
  g_assert_no_errno (g_unlink (pem_path));
}

static void
test_rename (void)
{
  MutualWindow *window = present_main_window ();
  MutualIdentityView *view;
  AdwMessageDialog *dialog;
  GtkWidget *entry;
  MutualIdentityRow *row;
  g_autofree char *id = NULL;

  view = select_identity (window, "expiring-soon");
  id = g_strdup (mutual_identity_get_id (mutual_identity_view_get_identity (view)));

  /* F2, as the shortcut does. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "identity.rename", NULL));
  dialog = wait_message_dialog ("Rename Identity");
  entry = adw_message_dialog_get_extra_child (dialog);
  g_assert_true (GTK_IS_EDITABLE (entry));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "expiring-soon");
  /* The same label, or none, is no rename. */
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (mutual_test_ui_find_button (GTK_WIDGET (dialog), "_Rename"))));
  gtk_editable_set_text (GTK_EDITABLE (entry), "   ");
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (mutual_test_ui_find_button (GTK_WIDGET (dialog), "_Rename"))));
  gtk_editable_set_text (GTK_EDITABLE (entry), "work laptop");
  g_free (mutual_test_ui_screenshot (GTK_WIDGET (dialog), "rename-dialog"));
  click (GTK_WIDGET (dialog), "_Rename");

  /* The row and the page follow, and the identity keeps its id and its selection. */
  row = wait_row (window, "work laptop");
  g_assert_null (find_row (window, "expiring-soon"));
  g_assert_cmpstr (row_id (row), ==, id);
  g_assert_cmpstr (row_text (row, "subtitle_label"), ==, "expiring-soon");
  g_assert_true (gtk_list_box_get_selected_row (identity_list (window)) == GTK_LIST_BOX_ROW (row));
  view = mutual_window_get_identity_view (window);
  g_assert_cmpstr (view_text (view, "title_label"), ==, "work laptop");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "work laptop");
  g_assert_true (keyring_lists_label ((gpointer) "work laptop"));

  mutual_test_ui_close_and_wait (GTK_WINDOW (window), WAIT_MS);
}

static void
delete_selected (MutualWindow *window,
                 const char   *label)
{
  g_autofree char *heading = g_strdup_printf ("Delete “%s”?", label);
  AdwMessageDialog *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "identity.delete", NULL));
  dialog = wait_message_dialog (heading);
  click (GTK_WIDGET (dialog), "_Delete");
}

/* What the Delete key does in the sidebar: its shortcut, activated on the list. */
static void
press_delete_in_list (MutualWindow *window)
{
  GtkWidget *list = GTK_WIDGET (identity_list (window));
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (list);
  g_autoptr(GdkEvent) event = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);
      g_autoptr(GListModel) shortcuts = NULL;

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      shortcuts = G_LIST_MODEL (g_object_ref (controller));
      for (guint j = 0; j < g_list_model_get_n_items (shortcuts); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (shortcuts, j);
          g_autofree char *trigger = gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));

          if (strstr (trigger, "Delete") == NULL)
            continue;
          g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut),
                                                       GTK_SHORTCUT_ACTION_EXCLUSIVE, list, NULL));
          return;
        }
    }
  g_assert_not_reached ();
}

static void
test_delete_undo (void)
{
  MutualWindow *window = present_main_window ();
  g_autofree char *id = NULL;
  g_autofree char *title = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *toast;
  guint before;

  select_identity (window, "client-p256");
  id = g_strdup (row_id (find_row (window, "client-p256")));
  before = n_rows (window);

  /* Delete on the selected row asks first; Cancel keeps it. */
  press_delete_in_list (window);
  dialog = wait_message_dialog ("Delete “client-p256”?");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (mutual_test_ui_find_button (GTK_WIDGET (dialog), "_Delete")),
                                           "destructive"));
  g_free (mutual_test_ui_screenshot (GTK_WIDGET (dialog), "delete-dialog"));
  click (GTK_WIDGET (dialog), "_Cancel");
  mutual_test_ui_spin_until (no_message_dialog, NULL, WAIT_MS);
  g_assert_cmpuint (n_rows (window), ==, before);

  /* Deleted: gone from the sidebar and its tab at once, still in the keyring. */
  delete_selected (window, "client-p256");
  toast = wait_toast (window, "Deleted “client-p256”");
  g_assert_cmpuint (n_rows (window), ==, before - 1);
  g_assert_null (find_row (window, "client-p256"));
  g_assert_null (mutual_window_get_identity_view (window));
  g_assert_true (keyring_lists (id));
  mutual_test_ui_screenshots (GTK_WIDGET (window), "identity-deleted", mutual_application_get_settings (app));

  /* Undo: back, selected and shown, and never touched in the keyring. */
  click (toast, "_Undo");
  wait_rows (window, before);
  g_assert_nonnull (find_row (window, "client-p256"));
  g_assert_nonnull (mutual_window_get_identity_view (window));
  mutual_test_ui_spin_for (500);
  g_assert_true (keyring_lists (id));

  mutual_test_ui_close_and_wait (GTK_WINDOW (window), WAIT_MS);
  g_assert_true (keyring_lists (id));
}

static void
test_delete (void)
{
  MutualWindow *window = present_main_window ();
  g_autofree char *id = NULL;
  GtkWidget *toast;
  guint before;

  select_identity (window, "client-p256");
  id = g_strdup (row_id (find_row (window, "client-p256")));
  before = n_rows (window);

  delete_selected (window, "client-p256");
  toast = wait_toast (window, "Deleted “client-p256”");
  g_assert_cmpuint (n_rows (window), ==, before - 1);
  g_assert_true (keyring_lists (id));

  /* Only once the toast goes (its close button here) is the identity removed from the
   * keyring. */
  close_toast (toast);
  mutual_test_ui_spin_until (keyring_forgot, id, WAIT_MS);
  mutual_test_ui_spin_for (500);
  g_assert_cmpuint (n_rows (window), ==, before - 1);
  g_assert_null (find_row (window, "client-p256"));

  mutual_test_ui_close_and_wait (GTK_WINDOW (window), WAIT_MS);
}

static void
test_delete_on_close (void)
{
  MutualWindow *window = present_main_window ();
  g_autofree char *id = NULL;

  select_identity (window, "client-p256");
  id = g_strdup (row_id (find_row (window, "client-p256")));
  delete_selected (window, "client-p256");
  wait_toast (window, "Deleted “client-p256”");
  g_assert_true (keyring_lists (id));

  /* Closing the window while the toast shows does not keep the identity. */
  gtk_window_close (GTK_WINDOW (window));
  mutual_test_ui_spin_until (keyring_forgot, id, WAIT_MS);
}

static void
activate_entry (MutualPasswordDialog *dialog,
                const char           *password)
{
  mutual_test_ui_activate_entry (mutual_test_ui_template_child (dialog, MUTUAL_TYPE_PASSWORD_DIALOG, "entry"),
                                 password);
}

static gboolean
wrong_password_shown (gpointer data)
{
  return mutual_password_dialog_get_wrong_password (data);
}

static MutualPasswordDialog *
wait_password_dialog (GObject **weak)
{
  MutualPasswordDialog *dialog;

  mutual_test_ui_spin_until (toplevel_shown, GSIZE_TO_POINTER (MUTUAL_TYPE_PASSWORD_DIALOG), WAIT_MS);
  dialog = MUTUAL_PASSWORD_DIALOG (mutual_test_ui_find_toplevel (MUTUAL_TYPE_PASSWORD_DIALOG));
  *weak = G_OBJECT (dialog);
  g_object_add_weak_pointer (*weak, (gpointer *) weak);
  mutual_test_ui_spin_until (mutual_test_ui_widget_mapped, dialog, WAIT_MS);
  mutual_test_ui_spin_for (300);
  return dialog;
}

static void
import_fixtures (MutualWindow *window,
                 const char   *first,
                 ...)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  const char *name;
  va_list args;

  va_start (args, first);
  for (name = first; name != NULL; name = va_arg (args, const char *))
    {
      g_autofree char *path = mutual_test_ui_fixture (name);

      g_ptr_array_add (files, g_file_new_for_path (path));
    }
  va_end (args);

  mutual_window_import_files (window, (GFile **) files->pdata, files->len);
}

static void
result_cb (GObject      *source_object,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* What the core says when @first... are stored together, from a store of the test's own. */
static GError *
add_error (const char *first,
           ...)
{
  g_autoptr(GPtrArray) bundles = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(MutualIdentityStore) store = mutual_identity_store_new ();
  g_autoptr(MutualBundle) merged = NULL;
  g_autoptr(MutualIdentity) identity = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GError *error = NULL;
  const char *name;
  va_list args;

  va_start (args, first);
  for (name = first; name != NULL; name = va_arg (args, const char *))
    {
      g_autofree char *path = mutual_test_ui_fixture (name);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(GBytes) data = mutual_load_file (file, NULL, &error);

      g_assert_no_error (error);
      g_ptr_array_add (bundles, mutual_import_bytes (data, name, NULL, &error));
      g_assert_no_error (error);
    }
  va_end (args);

  merged = mutual_bundle_new_merged ("test", bundles);
  mutual_identity_store_add_async (store, merged, NULL, NULL, result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  identity = mutual_identity_store_add_finish (store, result, &error);
  g_assert_null (identity);

  return error;
}

static void
test_import_errors (void)
{
  MutualWindow *window = present_main_window ();
  MutualPasswordDialog *password_dialog;
  AdwMessageDialog *dialog;
  g_autoptr(GError) expected = NULL;
  GObject *weak;

  wait_rows (window, 3);

  /* A PKCS#12 file of an identity already stored: the password, then the core's word. */
  import_fixtures (window, "openssl3.p12", NULL);
  password_dialog = wait_password_dialog (&weak);
  g_assert_cmpstr (mutual_password_dialog_get_source (password_dialog), ==, "openssl3.p12");
  activate_entry (password_dialog, PASSWORD);
  mutual_test_ui_wait_finalized (&weak, WAIT_MS);
  dialog = wait_message_dialog ("Already in the Keyring");
  g_assert_true (g_str_has_prefix (adw_message_dialog_get_body (dialog),
                                   "This certificate is already stored as “client-p256” (id "));
  click (GTK_WIDGET (dialog), "_Close");
  mutual_test_ui_spin_until (no_message_dialog, NULL, WAIT_MS);

  /* A key that is not the certificate's. */
  import_fixtures (window, "client-rsa2048.pem", "mismatched.key", NULL);
  dialog = wait_message_dialog ("The Key Does Not Match");
  expected = add_error ("client-rsa2048.pem", "mismatched.key", NULL);
  g_assert_error (expected, MUTUAL_ERROR, MUTUAL_ERROR_KEY_MISMATCH);
  g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==, expected->message);
  g_free (mutual_test_ui_screenshot (GTK_WIDGET (dialog), "import-error-dialog"));
  click (GTK_WIDGET (dialog), "_Close");
  mutual_test_ui_spin_until (no_message_dialog, NULL, WAIT_MS);

  /* Not a certificate at all. */
  import_fixtures (window, "not-a-cert.txt", NULL);
  dialog = wait_message_dialog ("Could Not Import");
  g_assert_true (strstr (adw_message_dialog_get_body (dialog), "not-a-cert.txt") != NULL);
  click (GTK_WIDGET (dialog), "_Close");
  mutual_test_ui_spin_until (no_message_dialog, NULL, WAIT_MS);

  g_assert_cmpuint (n_rows (window), ==, 3);
  mutual_test_ui_close_and_wait (GTK_WINDOW (window), WAIT_MS);
}

static void
test_import (void)
{
  MutualWindow *window = present_main_window ();
  MutualPasswordDialog *password_dialog;
  MutualIdentityView *view;
  ShownIdentity shown = { window, "client-p256" };
  GObject *weak;

  wait_row (window, "expired");
  g_assert_null (find_row (window, "client-p256"));

  /* The dialog's path: a PKCS#12 file, a wrong password, then the right one. */
  import_fixtures (window, "openssl3.p12", NULL);
  password_dialog = wait_password_dialog (&weak);
  activate_entry (password_dialog, "not-the-password");
  mutual_test_ui_spin_until (wrong_password_shown, password_dialog, WAIT_MS);
  g_assert_nonnull (weak);
  activate_entry (password_dialog, PASSWORD);
  mutual_test_ui_wait_finalized (&weak, WAIT_MS);

  /* Stored, selected and shown, with the chain the file held. */
  wait_toast (window, "Imported “client-p256”");
  mutual_test_ui_spin_until (identity_shown, &shown, WAIT_MS);
  view = mutual_window_get_identity_view (window);
  g_assert_cmpuint (mutual_identity_view_get_certificates (view)->len, ==, 3);
  g_assert_true (gtk_list_box_get_selected_row (identity_list (window)) ==
                 GTK_LIST_BOX_ROW (find_row (window, "client-p256")));
  g_assert_true (keyring_lists_label ((gpointer) "client-p256"));
  mutual_test_ui_screenshots (GTK_WIDGET (window), "identity-imported", mutual_application_get_settings (app));

  mutual_test_ui_close_and_wait (GTK_WINDOW (window), WAIT_MS);
}

static gboolean
chooser_in_fixtures (gpointer data)
{
  g_autoptr(GFile) folder = gtk_file_chooser_get_current_folder (data);
  g_autoptr(GFile) fixtures = g_file_new_for_path (g_getenv ("MUTUAL_FIXTURES"));

  return folder != NULL && g_file_equal (folder, fixtures);
}

static void
test_import_pairing (void)
{
  MutualWindow *window = present_main_window ();
  AdwMessageDialog *dialog;
  GtkFileChooser *chooser;
  g_autofree char *key = mutual_test_ui_fixture ("client-rsa2048.key");
  ShownIdentity shown = { window, "client-rsa2048" };

  wait_row (window, "expired");

  /* A certificate alone: Mutual asks for its key, in a second file. */
  import_fixtures (window, "client-rsa2048.pem", NULL);
  dialog = wait_message_dialog ("Private Key Missing");
  g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==,
                   "“client-rsa2048.pem” holds a certificate but not its private key. Choose the "
                   "file with the key to store them together.");
  g_free (mutual_test_ui_screenshot (GTK_WIDGET (dialog), "import-key-missing"));
  click (GTK_WIDGET (dialog), "_Choose File…");

  chooser = mutual_test_ui_wait_file_chooser (WAIT_MS);
  g_assert_false (gtk_file_chooser_get_select_multiple (chooser));
  /* It opens where the certificate is. The key is picked once that has loaded, as a
   * user would: GTK 4.8 loses a selection made while the first folder loads. */
  mutual_test_ui_spin_until (chooser_in_fixtures, chooser, WAIT_MS);
  mutual_test_ui_choose_file (chooser, key, WAIT_MS);

  wait_toast (window, "Imported “client-rsa2048”");
  mutual_test_ui_spin_until (identity_shown, &shown, WAIT_MS);
  g_assert_true (keyring_lists_label ((gpointer) "client-rsa2048"));

  mutual_test_ui_close_and_wait (GTK_WINDOW (window), WAIT_MS);
}

static void
test_drop (void)
{
  MutualWindow *window = present_main_window ();
  GtkWidget *sidebar = mutual_test_ui_template_child (window, MUTUAL_TYPE_WINDOW, "sidebar");
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (sidebar);
  g_autofree char *certificate = mutual_test_ui_fixture ("client-ed25519.pem");
  g_autofree char *key = mutual_test_ui_fixture ("client-ed25519.key");
  g_autoptr(GFile) certificate_file = g_file_new_for_path (certificate);
  g_autoptr(GFile) key_file = g_file_new_for_path (key);
  g_autoptr(GSList) files = g_slist_append (g_slist_append (NULL, certificate_file), key_file);
  ShownIdentity shown = { window, "client-ed25519" };
  GtkDropTarget *target = NULL;
  GValue value = G_VALUE_INIT;
  gboolean accepted = FALSE;

  wait_row (window, "expired");
  for (guint i = 0; i < g_list_model_get_n_items (controllers) && target == NULL; i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        target = GTK_DROP_TARGET (controller);
    }
  g_assert_nonnull (target);

  /* A certificate and its key dropped together on the sidebar: one identity, stored. */
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_list (files));
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &accepted);
  g_value_unset (&value);
  g_assert_true (accepted);
  wait_toast (window, "Imported “client-ed25519”");
  mutual_test_ui_spin_until (identity_shown, &shown, WAIT_MS);
  g_assert_true (keyring_lists_label ((gpointer) "client-ed25519"));
  /* Stored, not opened to inspect. */
  g_assert_null (mutual_window_get_inspect_view (window));

  mutual_test_ui_close_and_wait (GTK_WINDOW (window), WAIT_MS);
}

static void
test_outside_change (void)
{
  MutualWindow *window = present_main_window ();
  RowLabel gone = { window, "client-p384" };
  g_autofree char *out = NULL;
  gint64 start;

  wait_row (window, "expired");
  g_assert_null (find_row (window, "client-p384"));
  /* Past the refreshes of the window's showing and activation. */
  mutual_test_ui_spin_for (1000);

  /* mutualctl, another process, stores an identity: the keyring announces it and the
   * open window lists it, without being activated again. */
  start = g_get_monotonic_time ();
  mutualctl_import ("client-p384.pem", "client-p384.key");
  wait_row (window, "client-p384");
  g_test_message ("listed %" G_GINT64_FORMAT " ms after mutualctl started",
                  (g_get_monotonic_time () - start) / 1000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);

  /* And removes one. */
  out = mutualctl ("remove", "--yes", "client-p384", NULL);
  mutual_test_ui_spin_until (row_gone, &gone, 5000);

  mutual_test_ui_close_and_wait (GTK_WINDOW (window), WAIT_MS);
}

static gboolean
leaflet_folded (gpointer data)
{
  return adw_leaflet_get_folded (data);
}

static void
test_narrow (void)
{
  GSettings *settings = mutual_application_get_settings (app);
  MutualWindow *window;
  AdwLeaflet *leaflet;
  MutualIdentityRow *row;
  ShownIdentity shown = { NULL, "expired" };

  /* A phone-sized window starts on the identities, and an identity opens on a page of
   * its own, with the way back in its header bar. */
  g_settings_set_int (settings, "window-width", 360);
  g_settings_set_int (settings, "window-height", 720);
  window = present_main_window ();
  shown.window = window;
  leaflet = ADW_LEAFLET (mutual_test_ui_template_child (window, MUTUAL_TYPE_WINDOW, "leaflet"));
  row = wait_row (window, "expired");
  mutual_test_ui_spin_until (leaflet_folded, leaflet, WAIT_MS);
  g_assert_true (adw_leaflet_get_visible_child (leaflet) == mutual_test_ui_template_child (window, MUTUAL_TYPE_WINDOW, "sidebar"));
  mutual_test_ui_screenshots (GTK_WIDGET (window), "identities-narrow", mutual_application_get_settings (app));

  g_signal_emit_by_name (row, "activate");
  mutual_test_ui_spin_until (identity_shown, &shown, WAIT_MS);
  g_assert_true (adw_leaflet_get_visible_child (leaflet) == mutual_test_ui_template_child (window, MUTUAL_TYPE_WINDOW, "content"));
  g_assert_true (gtk_widget_get_visible (mutual_test_ui_template_child (window, MUTUAL_TYPE_WINDOW, "identities_back_button")));
  mutual_test_ui_screenshots (GTK_WIDGET (window), "identity-page-narrow", mutual_application_get_settings (app));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-sidebar", NULL));
  mutual_test_ui_spin_for (500);
  g_assert_true (adw_leaflet_get_visible_child (leaflet) == mutual_test_ui_template_child (window, MUTUAL_TYPE_WINDOW, "sidebar"));

  mutual_test_ui_close_and_wait (GTK_WINDOW (window), WAIT_MS);
  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
}

static gboolean
inspect_view_shown (gpointer data)
{
  MutualInspectView *view = mutual_window_get_inspect_view (data);

  return view != NULL && gtk_widget_get_mapped (GTK_WIDGET (view));
}

static void
test_with_files (void)
{
  MutualWindow *window = present_main_window ();
  AdwTabView *tab_view = ADW_TAB_VIEW (mutual_test_ui_template_child (window, MUTUAL_TYPE_WINDOW, "tab_view"));
  g_autofree char *path = mutual_test_ui_fixture ("chain.p7b");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  AdwTabPage *identity_page;

  /* Opening a file to inspect it stores nothing: it opens in a tab beside the
   * identity's. */
  select_identity (window, "expired");
  mutual_window_open_files (window, &file, 1);
  mutual_test_ui_spin_until (inspect_view_shown, window, WAIT_MS);
  g_assert_cmpint (adw_tab_view_get_n_pages (tab_view), ==, 2);
  g_assert_null (gtk_list_box_get_selected_row (identity_list (window)));
  g_assert_false (gtk_widget_get_visible (mutual_test_ui_template_child (window, MUTUAL_TYPE_WINDOW, "identity_menu_button")));
  /* The identity actions are off: Delete asks nothing. */
  gtk_widget_activate_action (GTK_WIDGET (window), "identity.delete", NULL);
  mutual_test_ui_spin_for (300);
  g_assert_null (mutual_test_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  mutual_test_ui_screenshots (GTK_WIDGET (window), "identity-and-file", mutual_application_get_settings (app));

  /* Back to the identity's tab: it is selected in the sidebar again. */
  identity_page = adw_tab_view_get_nth_page (tab_view, 0);
  adw_tab_view_set_selected_page (tab_view, identity_page);
  g_assert_nonnull (mutual_window_get_identity_view (window));
  g_assert_true (gtk_list_box_get_selected_row (identity_list (window)) ==
                 GTK_LIST_BOX_ROW (find_row (window, "expired")));

  /* Another identity reuses the identity's tab. */
  select_identity (window, "work laptop");
  g_assert_cmpint (adw_tab_view_get_n_pages (tab_view), ==, 2);

  /* Closing it leaves nothing selected. */
  adw_tab_view_close_page (tab_view, adw_tab_view_get_selected_page (tab_view));
  mutual_test_ui_spin_for (300);
  g_assert_cmpint (adw_tab_view_get_n_pages (tab_view), ==, 1);
  g_assert_null (gtk_list_box_get_selected_row (identity_list (window)));

  mutual_test_ui_close_and_wait (GTK_WINDOW (window), WAIT_MS);
}

/* Locks the harness's login collection, as the screen lock or a timeout does. There is no
 * unlocking it again without a prompt, so this test runs last. */
static void
lock_keyring (void)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *collections[] = { "/org/freedesktop/secrets/collection/login" };

  g_assert_nonnull (bus);
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets", "/org/freedesktop/secrets",
                                       "org.freedesktop.Secret.Service", "Lock",
                                       g_variant_new ("(@ao)", g_variant_new_objv (collections, 1)),
                                       G_VARIANT_TYPE ("(aoo)"), G_DBUS_CALL_FLAGS_NONE, 5000, NULL,
                                       &error);
  g_assert_no_error (error);
}

static gboolean
identity_failed (gpointer data)
{
  MutualIdentityView *view = mutual_window_get_identity_view (data);

  return view != NULL && !mutual_identity_view_get_loading (view) &&
         mutual_identity_view_get_error (view) != NULL;
}

static void
test_locked (void)
{
  MutualWindow *window = present_main_window ();
  MutualIdentityRow *row;
  MutualIdentityView *view;
  AdwPreferencesGroup *group;
  guint before;

  /* What the earlier tests left: client-ed25519, client-rsa2048, expired and work
   * laptop. */
  wait_rows (window, 4);
  before = n_rows (window);
  lock_keyring ();

  /* Listing needs no unlocking: the sidebar is the same after a refresh. */
  mutual_window_refresh_identities (window);
  mutual_test_ui_spin_for (1000);
  g_assert_cmpstr (sidebar_page (window), ==, "list");
  g_assert_cmpuint (n_rows (window), ==, before);

  /* Reading a certificate does, and nobody can answer the prompt: the page says so and
   * offers to try again, while its header still shows what the keyring lists. */
  row = find_row (window, "expired");
  gtk_list_box_select_row (identity_list (window), GTK_LIST_BOX_ROW (row));
  mutual_test_ui_spin_until (identity_failed, window, WAIT_MS);
  view = mutual_window_get_identity_view (window);
  g_test_message ("%s", mutual_identity_view_get_error (view)->message);
  g_assert_null (mutual_identity_view_get_certificates (view));
  g_assert_cmpstr (view_text (view, "state_label"), ==, "Expired");
  group = ADW_PREFERENCES_GROUP (mutual_test_ui_template_child (view, MUTUAL_TYPE_IDENTITY_VIEW, "load_group"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (group)));
  g_assert_nonnull (mutual_test_ui_find_button (GTK_WIDGET (group), "_Try Again"));
  mutual_test_ui_screenshots (GTK_WIDGET (window), "identity-locked", mutual_application_get_settings (app));

  mutual_test_ui_close_and_wait (GTK_WINDOW (window), WAIT_MS);
}

static void
test_no_keyring (void)
{
  MutualWindow *window = present_main_window ();
  g_autoptr(MutualIdentityStore) store = mutual_identity_store_new ();
  g_autoptr(GError) expected = NULL;
  AdwStatusPage *page = ADW_STATUS_PAGE (mutual_test_ui_template_child (window, MUTUAL_TYPE_WINDOW, "error_page"));
  GAsyncResult *result = NULL;

  /* What the core says about this keyring, from a store of the test's own. */
  mutual_identity_store_refresh_async (store, NULL, result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (mutual_identity_store_refresh_finish (store, result, &expected));
  g_clear_object (&result);
  g_assert_error (expected, MUTUAL_ERROR, MUTUAL_ERROR_KEYRING_UNAVAILABLE);

  /* The sidebar says the same, and is not an empty list. */
  while (g_strcmp0 (sidebar_page (window), "error") != 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (adw_status_page_get_title (page), ==, "No Keyring");
  g_assert_cmpstr (adw_status_page_get_description (page), ==, expected->message);
  g_assert_nonnull (mutual_test_ui_find_button (GTK_WIDGET (page), "_Retry"));
  mutual_test_ui_screenshots (GTK_WIDGET (window), "identities-no-keyring", mutual_application_get_settings (app));

  /* Retry asks again, with a spinner meanwhile, and gets the same answer. */
  click (GTK_WIDGET (page), "_Retry");
  g_assert_cmpstr (sidebar_page (window), ==, "loading");
  while (g_strcmp0 (sidebar_page (window), "error") != 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (adw_status_page_get_description (page), ==, expected->message);

  mutual_test_ui_close_and_wait (GTK_WINDOW (window), WAIT_MS);
}

static void
seed_keyring (void)
{
  g_autofree char *certificate = NULL;
  g_autofree char *key = NULL;

  make_expiring_soon (&certificate, &key);
  mutualctl_import ("client-p256.pem", "client-p256.key");
  mutualctl_import (certificate, key);
  mutualctl_import ("expired.pem", "expired.key");
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  gboolean no_keyring = g_getenv ("MUTUAL_TEST_NO_KEYRING") != NULL;
  int status;

  mutual_test_ui_init (&argc, &argv);

  scratch = g_dir_make_tmp ("mutual-identities-XXXXXX", &error);
  g_assert_no_error (error);
  /* Where Save dialogs start. */
  g_assert_no_errno (g_chdir (scratch));

  /* The identities are there before the application starts. */
  if (!no_keyring)
    seed_keyring ();

  app = mutual_application_new ();
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  if (no_keyring)
    {
      g_test_add_func ("/identities/no-keyring", test_no_keyring);
    }
  else
    {
      g_test_add_func ("/identities/sidebar", test_sidebar);
      g_test_add_func ("/identities/page", test_page);
      g_test_add_func ("/identities/page-without-key", test_page_without_key);
      g_test_add_func ("/identities/export", test_export);
      g_test_add_func ("/identities/rename", test_rename);
      g_test_add_func ("/identities/delete-undo", test_delete_undo);
      g_test_add_func ("/identities/narrow", test_narrow);
      g_test_add_func ("/identities/with-files", test_with_files);
      g_test_add_func ("/identities/import-errors", test_import_errors);
      g_test_add_func ("/identities/delete", test_delete);
      g_test_add_func ("/identities/import", test_import);
      g_test_add_func ("/identities/import-pairing", test_import_pairing);
      g_test_add_func ("/identities/drop", test_drop);
      g_test_add_func ("/identities/outside-change", test_outside_change);
      g_test_add_func ("/identities/delete-on-close", test_delete_on_close);
      g_test_add_func ("/identities/locked", test_locked);
    }

  status = g_test_run ();

  g_clear_object (&app);
  /* The harness deletes its private folder, this one included. */
  g_clear_pointer (&scratch, g_free);

  return status;
}
