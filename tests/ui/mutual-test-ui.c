/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Helpers shared by the UI tests: start GTK in the harness's display, wait for the main
 * loop without sleeping blindly, and save screenshots next to the test log. */

#include "config.h"

#include <glib/gstdio.h>

#include "mutual-test-ui.h"

void
mutual_test_ui_init (int    *argc,
                     char ***argv)
{
  /* The harness gives UI tests an Xvfb display and a private bus with the
   * accessibility bus; without them GTK could reach the user's session. */
  g_assert_nonnull (g_getenv ("DISPLAY"));

  gtk_test_init (argc, argv, NULL);
  adw_init ();
}

static gboolean
settled_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
settle (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, settled_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/**
 * mutual_test_ui_screenshot:
 * @name: a file name without folder or extension
 *
 * Renders @widget as it is on screen into MUTUAL_TEST_OUTPUT_DIR/@name.png.
 *
 * Returns: (transfer full): the path of the PNG written
 */
char *
mutual_test_ui_screenshot (GtkWidget  *widget,
                           const char *name)
{
  const char *folder = g_getenv ("MUTUAL_TEST_OUTPUT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file_name = g_strdup_printf ("%s.png", name);
  char *path;
  GskRenderer *renderer;
  int width;
  int height;

  /* Only a drawn widget has its final size; and transitions (a stack crossfading to a
   * new page) take up to a few hundred milliseconds to reach their final frame. */
  gtk_test_widget_wait_for_draw (widget);
  settle (400);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);

  g_assert_nonnull (folder);
  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_nonnull (texture);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, width);

  path = g_build_filename (folder, file_name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s (%d×%d)", path, width, height);

  return path;
}

static gboolean
timeout_cb (gpointer data)
{
  gboolean *timed_out = data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/**
 * mutual_test_ui_spin_until:
 *
 * Runs the main loop until @condition is true, and fails the test when it is still
 * false after @timeout_ms.
 */
void
mutual_test_ui_spin_until (gboolean (*condition) (gpointer),
                           gpointer  data,
                           guint     timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, timeout_cb, &timed_out);

  while (!condition (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (id);

  g_assert_true (condition (data));
}

GtkWindow *
mutual_test_ui_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) &&
          gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }

  return NULL;
}

static gboolean
pointer_cleared (gpointer data)
{
  return *(GObject **) data == NULL;
}

/**
 * mutual_test_ui_wait_finalized:
 * @pointer: a weak pointer (g_object_add_weak_pointer()) to the object
 *
 * Fails the test unless the object is finalized within @timeout_ms. Windows are
 * destroyed from idle handlers, hence the wait.
 */
void
mutual_test_ui_wait_finalized (GObject **pointer,
                               guint     timeout_ms)
{
  mutual_test_ui_spin_until (pointer_cleared, pointer, timeout_ms);
}

/**
 * mutual_test_ui_spin_for:
 *
 * Runs the main loop for @ms, for animations that have no end to wait for.
 */
void
mutual_test_ui_spin_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

/* A condition for mutual_test_ui_spin_until(). */
gboolean
mutual_test_ui_widget_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (GTK_WIDGET (widget));
}

void
mutual_test_ui_present (GtkWindow *window,
                        guint      timeout_ms)
{
  gtk_window_present (window);
  mutual_test_ui_spin_until (mutual_test_ui_widget_mapped, window, timeout_ms);
}

void
mutual_test_ui_close_and_wait (GtkWindow *window,
                               guint      timeout_ms)
{
  GObject *weak = G_OBJECT (window);

  g_object_add_weak_pointer (weak, (gpointer *) &weak);
  gtk_window_destroy (window);
  mutual_test_ui_wait_finalized (&weak, timeout_ms);
}

static void
collect (GtkWidget *widget,
         GType      type,
         GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (found, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect (child, type, found);
}

/**
 * mutual_test_ui_find_all:
 *
 * Returns: (transfer container): every widget of @type in @root's tree, @root included,
 *   in tree order: the tests look for what is on screen, as the user would
 */
GPtrArray *
mutual_test_ui_find_all (GtkWidget *root,
                         GType      type)
{
  GPtrArray *found = g_ptr_array_new ();

  collect (root, type, found);
  return found;
}

/**
 * mutual_test_ui_find_button:
 *
 * Returns: (nullable) (transfer none): the drawn button labelled @label (with its
 *   mnemonic underscore), as the user sees it
 */
GtkButton *
mutual_test_ui_find_button (GtkWidget  *root,
                            const char *label)
{
  g_autoptr(GPtrArray) buttons = mutual_test_ui_find_all (root, GTK_TYPE_BUTTON);

  for (guint i = 0; i < buttons->len; i++)
    {
      GtkButton *button = g_ptr_array_index (buttons, i);

      if (g_strcmp0 (gtk_button_get_label (button), label) == 0 &&
          gtk_widget_is_drawable (GTK_WIDGET (button)))
        return button;
    }
  return NULL;
}

/**
 * mutual_test_ui_activate_entry:
 * @editable: a text field, or a row or widget with one inside
 *
 * Types @text into @editable and presses Enter, as GtkText's key binding does.
 */
void
mutual_test_ui_activate_entry (GtkWidget  *editable,
                               const char *text)
{
  g_autoptr(GPtrArray) texts = mutual_test_ui_find_all (editable, GTK_TYPE_TEXT);

  gtk_editable_set_text (GTK_EDITABLE (editable), text);
  g_assert_cmpuint (texts->len, ==, 1);
  g_signal_emit_by_name (g_ptr_array_index (texts, 0), "activate");
}

GtkWidget *
mutual_test_ui_template_child (gpointer    widget,
                               GType       type,
                               const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  g_assert_true (GTK_IS_WIDGET (child));
  return GTK_WIDGET (child);
}

typedef struct
{
  char *text;
  gboolean done;
} ClipboardRead;

static void
read_text_cb (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  ClipboardRead *read = user_data;
  g_autoptr(GError) error = NULL;

  read->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source_object), result, &error);
  g_assert_no_error (error);
  read->done = TRUE;
}

static gboolean
clipboard_read (gpointer data)
{
  return ((ClipboardRead *) data)->done;
}

/**
 * mutual_test_ui_clipboard_text:
 *
 * Returns: (transfer full) (nullable): the text in @widget's clipboard
 */
char *
mutual_test_ui_clipboard_text (GtkWidget *widget,
                               guint      timeout_ms)
{
  ClipboardRead read = { NULL, FALSE };

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (widget), NULL, read_text_cb, &read);
  mutual_test_ui_spin_until (clipboard_read, &read, timeout_ms);
  return read.text;
}

static void
set_dark (GSettings *settings,
          gboolean   dark)
{
  if (dark)
    g_settings_set_string (settings, "color-scheme", "dark");
  else
    g_settings_reset (settings, "color-scheme");
  g_assert_true (adw_style_manager_get_dark (adw_style_manager_get_default ()) == dark);
}

/**
 * mutual_test_ui_screenshots:
 * @settings: the application's settings, whose color-scheme it follows
 *
 * Saves @widget in the light style as @name, and in the dark style as @name-dark.
 */
void
mutual_test_ui_screenshots (GtkWidget  *widget,
                            const char *name,
                            GSettings  *settings)
{
  g_autofree char *dark_name = g_strdup_printf ("%s-dark", name);
  g_autofree char *light = NULL;
  g_autofree char *dark = NULL;

  /* Past the crossfades and slides. */
  mutual_test_ui_spin_for (500);
  light = mutual_test_ui_screenshot (widget, name);
  set_dark (settings, TRUE);
  mutual_test_ui_spin_for (100);
  dark = mutual_test_ui_screenshot (widget, dark_name);
  set_dark (settings, FALSE);
}

/**
 * mutual_test_ui_find_toast:
 *
 * Returns: (nullable) (transfer none): the first toast in @root's tree, showing or
 *   going: libadwaita's private toast widget
 */
GtkWidget *
mutual_test_ui_find_toast (GtkWidget *root)
{
  GType type = g_type_from_name ("AdwToastWidget");
  g_autoptr(GPtrArray) toasts = NULL;

  if (type == 0)
    return NULL;
  toasts = mutual_test_ui_find_all (root, type);
  return toasts->len > 0 ? g_ptr_array_index (toasts, 0) : NULL;
}

static gboolean
file_chooser_shown (gpointer data)
{
  return mutual_test_ui_find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG) != NULL;
}

/**
 * mutual_test_ui_wait_file_chooser:
 *
 * Returns: (transfer none): the file chooser dialog shown now: with GDK_DEBUG=no-portals
 *   a GtkFileChooserNative is one
 */
GtkFileChooser *
mutual_test_ui_wait_file_chooser (guint timeout_ms)
{
  mutual_test_ui_spin_until (file_chooser_shown, NULL, timeout_ms);
  return GTK_FILE_CHOOSER (mutual_test_ui_find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG));
}

typedef struct
{
  GtkFileChooser *chooser;
  const char *path;
} ChosenFile;

static gboolean
chooser_has_file (gpointer data)
{
  ChosenFile *chosen = data;
  g_autoptr(GFile) file = gtk_file_chooser_get_file (chosen->chooser);

  return file != NULL && g_strcmp0 (g_file_peek_path (file), chosen->path) == 0;
}

/**
 * mutual_test_ui_choose_new_file:
 * @path: a file in the current folder
 *
 * Types a new file name into a Save dialog, and accepts it. The dialog starts in the
 * current folder, which the test must have made its own. (GTK 4.8's Save dialog names
 * the file in the folder it started in even after gtk_file_chooser_set_current_folder().)
 */
void
mutual_test_ui_choose_new_file (GtkFileChooser *chooser,
                                const char     *path,
                                guint           timeout_ms)
{
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *current = g_get_current_dir ();
  ChosenFile chosen = { chooser, path };

  g_assert_cmpstr (folder, ==, current);
  gtk_file_chooser_set_current_name (chooser, name);
  mutual_test_ui_spin_until (chooser_has_file, &chosen, timeout_ms);
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
}

/**
 * mutual_test_ui_choose_file:
 * @path: an existing file
 *
 * Selects @path in an Open dialog, and accepts it. GTK 4.8 loses a selection made
 * while a folder loads, so the selection is made again until it holds.
 */
void
mutual_test_ui_choose_file (GtkFileChooser *chooser,
                            const char     *path,
                            guint           timeout_ms)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  gint64 end = g_get_monotonic_time () + timeout_ms * (gint64) 1000;
  ChosenFile chosen = { chooser, path };

  while (!chooser_has_file (&chosen) && g_get_monotonic_time () < end)
    {
      g_autoptr(GError) error = NULL;

      /* Past the loading of the folder shown now. */
      mutual_test_ui_spin_for (300);
      gtk_file_chooser_set_file (chooser, file, &error);
      g_assert_no_error (error);
      mutual_test_ui_spin_for (100);
    }
  g_assert_true (chooser_has_file (&chosen));
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
}

/**
 * mutual_test_ui_fixture:
 *
 * Returns: (transfer full): the path of the fixture @name (tests/fixtures/README.md)
 */
char *
mutual_test_ui_fixture (const char *name)
{
  const char *folder = g_getenv ("MUTUAL_FIXTURES");

  g_assert_nonnull (folder);
  return g_build_filename (folder, name, NULL);
}
