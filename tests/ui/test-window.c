/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The application shell under Xvfb: the main window is built and presented, its
 * actions open what they promise, settings are applied and saved, and every window
 * is finalized once closed. Screenshots land in MUTUAL_TEST_OUTPUT_DIR. */

#include "config.h"

#include "mutual-application.h"
#include "mutual-preferences-window.h"
#include "mutual-test-ui.h"
#include "mutual-window.h"

#define WAIT_MS 5000

static MutualApplication *app;

static gboolean
toplevel_shown (gpointer data)
{
  return mutual_test_ui_find_toplevel ((GType) GPOINTER_TO_SIZE (data)) != NULL;
}

static MutualWindow *
present_main_window (void)
{
  MutualWindow *window = mutual_window_new (app);

  gtk_window_present (GTK_WINDOW (window));
  mutual_test_ui_spin_until (mutual_test_ui_widget_mapped, window, WAIT_MS);

  return window;
}

static void
test_window_presented (void)
{
  MutualWindow *window = present_main_window ();
  g_autofree char *path = NULL;
  g_autoptr(GdkTexture) saved = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Mutual");
  g_assert_true (gtk_window_get_application (GTK_WINDOW (window)) == GTK_APPLICATION (app));

  path = mutual_test_ui_screenshot (GTK_WIDGET (window), "window");
  saved = gdk_texture_new_from_filename (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (saved), ==, gtk_widget_get_width (GTK_WIDGET (window)));
  g_assert_cmpint (gdk_texture_get_height (saved), ==, gtk_widget_get_height (GTK_WIDGET (window)));

  mutual_test_ui_close_and_wait (GTK_WINDOW (window), WAIT_MS);
}

static AdwViewStack *
find_view_stack (GtkWidget *widget)
{
  if (ADW_IS_VIEW_STACK (widget))
    return ADW_VIEW_STACK (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      AdwViewStack *found = find_view_stack (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_window_actions (void)
{
  MutualWindow *window = present_main_window ();
  struct
  {
    const char *action;
    GType type;
    const char *screenshot;
    /* The shortcuts window belongs to the main window, which keeps it for reuse. */
    gboolean kept;
  } cases[] = {
    { "app.preferences", MUTUAL_TYPE_PREFERENCES_WINDOW, "preferences", FALSE },
    { "app.about", ADW_TYPE_ABOUT_WINDOW, "about", FALSE },
    { "win.show-help-overlay", GTK_TYPE_SHORTCUTS_WINDOW, "shortcuts", TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GtkWindow *shown;
      g_autofree char *path = NULL;

      g_test_message ("activating %s", cases[i].action);
      g_assert_null (mutual_test_ui_find_toplevel (cases[i].type));
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), cases[i].action, NULL));
      mutual_test_ui_spin_until (toplevel_shown, GSIZE_TO_POINTER (cases[i].type), WAIT_MS);

      shown = mutual_test_ui_find_toplevel (cases[i].type);
      g_assert_true (gtk_window_get_transient_for (shown) == GTK_WINDOW (window));
      mutual_test_ui_spin_until (mutual_test_ui_widget_mapped, shown, WAIT_MS);
      path = mutual_test_ui_screenshot (GTK_WIDGET (shown), cases[i].screenshot);
      if (cases[i].kept)
        {
          gtk_window_close (shown);
          g_assert_false (gtk_widget_get_visible (GTK_WIDGET (shown)));
        }
      else
        {
          mutual_test_ui_close_and_wait (shown, WAIT_MS);
        }
    }

  /* The help browser is not installed in the test environment: the action must not
   * crash and the window must stay usable. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "app.help", NULL));
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (window)));

  /* The welcome page's Test a Connection shows the Test view. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-test", NULL));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (find_view_stack (GTK_WIDGET (window))), ==,
                   "test");

  mutual_test_ui_close_and_wait (GTK_WINDOW (window), WAIT_MS);
}

static void
test_dark_style (void)
{
  GSettings *settings = mutual_application_get_settings (app);
  AdwStyleManager *style_manager = adw_style_manager_get_default ();
  MutualWindow *window = present_main_window ();
  g_autofree char *path = NULL;

  g_settings_set_string (settings, "color-scheme", "dark");
  g_assert_cmpint (adw_style_manager_get_color_scheme (style_manager), ==,
                   ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_true (adw_style_manager_get_dark (style_manager));
  path = mutual_test_ui_screenshot (GTK_WIDGET (window), "window-dark");

  g_settings_set_string (settings, "color-scheme", "light");
  g_assert_false (adw_style_manager_get_dark (style_manager));

  g_settings_reset (settings, "color-scheme");
  g_assert_cmpint (adw_style_manager_get_color_scheme (style_manager), ==,
                   ADW_COLOR_SCHEME_DEFAULT);

  mutual_test_ui_close_and_wait (GTK_WINDOW (window), WAIT_MS);
}

static void
test_preferences_bound_to_settings (void)
{
  GSettings *settings = mutual_application_get_settings (app);
  g_autoptr(GtkWidget) keep = NULL;
  MutualPreferencesWindow *preferences = mutual_preferences_window_new (settings);
  AdwComboRow *row;

  /* The style row is the only control today; find it through the template. */
  row = ADW_COMBO_ROW (gtk_widget_get_template_child (GTK_WIDGET (preferences),
                                                      MUTUAL_TYPE_PREFERENCES_WINDOW,
                                                      "color_scheme_row"));
  g_assert_nonnull (row);
  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, 0);

  adw_combo_row_set_selected (row, 2);
  g_assert_cmpstr (g_settings_get_string (settings, "color-scheme"), ==, "dark");
  g_settings_set_string (settings, "color-scheme", "light");
  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, 1);

  g_settings_reset (settings, "color-scheme");
  mutual_test_ui_close_and_wait (GTK_WINDOW (preferences), WAIT_MS);
}

static void
test_window_size_saved (void)
{
  GSettings *settings = mutual_application_get_settings (app);
  MutualWindow *window;
  GObject *weak;
  int width;
  int height;

  g_settings_set_int (settings, "window-width", 700);
  g_settings_set_int (settings, "window-height", 500);
  window = present_main_window ();
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 700);
  g_assert_cmpint (height, ==, 500);

  gtk_window_set_default_size (GTK_WINDOW (window), 820, 610);
  weak = G_OBJECT (window);
  g_object_add_weak_pointer (weak, (gpointer *) &weak);
  gtk_window_close (GTK_WINDOW (window));
  mutual_test_ui_wait_finalized (&weak, WAIT_MS);

  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 820);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 610);
  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
}

static gboolean
no_windows (gpointer data)
{
  return gtk_application_get_windows (GTK_APPLICATION (app)) == NULL;
}

static void
test_quit_closes_windows (void)
{
  MutualWindow *first = present_main_window ();
  MutualWindow *second = present_main_window ();
  GObject *weak_first = G_OBJECT (first);
  GObject *weak_second = G_OBJECT (second);

  g_object_add_weak_pointer (weak_first, (gpointer *) &weak_first);
  g_object_add_weak_pointer (weak_second, (gpointer *) &weak_second);

  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  mutual_test_ui_spin_until (no_windows, NULL, WAIT_MS);
  mutual_test_ui_wait_finalized (&weak_first, WAIT_MS);
  mutual_test_ui_wait_finalized (&weak_second, WAIT_MS);
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

  g_test_add_func ("/window/presented", test_window_presented);
  g_test_add_func ("/window/actions", test_window_actions);
  g_test_add_func ("/window/dark-style", test_dark_style);
  g_test_add_func ("/window/preferences-bound-to-settings", test_preferences_bound_to_settings);
  g_test_add_func ("/window/size-saved", test_window_size_saved);
  g_test_add_func ("/window/quit-closes-windows", test_quit_closes_windows);

  status = g_test_run ();

  /* A registered GtkApplication keeps a reference to itself for its D-Bus export,
   * so only its windows are checked for finalization. */
  g_clear_object (&app);

  return status;
}
