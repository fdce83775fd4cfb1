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
