/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "mutual-window.h"

struct _MutualWindow
{
  AdwApplicationWindow parent_instance;

  GSettings *settings;
  /* Cancels what the window started when it goes away. */
  GCancellable *cancellable;

  /* Template children */
  AdwToastOverlay *toast_overlay;
  AdwLeaflet *leaflet;
  AdwViewStack *view_stack;
};

G_DEFINE_FINAL_TYPE (MutualWindow, mutual_window, ADW_TYPE_APPLICATION_WINDOW)

MutualWindow *
mutual_window_new (MutualApplication *application)
{
  g_return_val_if_fail (MUTUAL_IS_APPLICATION (application), NULL);

  return g_object_new (MUTUAL_TYPE_WINDOW, "application", application, NULL);
}

void
mutual_window_add_toast (MutualWindow *self,
                         AdwToast     *toast)
{
  g_return_if_fail (MUTUAL_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
show_help_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(MutualWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!gtk_show_uri_full_finish (GTK_WINDOW (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *title = NULL;

      g_message ("Could not open the help: %s", error->message);
      /* Translators: %s is an error message. */
      title = g_strdup_printf (_("Could not open the help: %s"), error->message);
      mutual_window_add_toast (self, adw_toast_new (title));
    }
}

/**
 * mutual_window_show_help:
 * @page: (nullable): a page of the Mallard help, or %NULL for its index
 *
 * Opens the user help in the help browser, or says in a toast why it could not.
 */
void
mutual_window_show_help (MutualWindow *self,
                         const char   *page)
{
  g_autofree char *uri = NULL;

  g_return_if_fail (MUTUAL_IS_WINDOW (self));

  if (page != NULL)
    uri = g_strdup_printf ("help:%s/%s", HELP_ID, page);
  else
    uri = g_strdup ("help:" HELP_ID);

  gtk_show_uri_full (GTK_WINDOW (self), uri, GDK_CURRENT_TIME, self->cancellable,
                     show_help_cb, g_object_ref (self));
}

static void
load_window_state (MutualWindow *self)
{
  int width = g_settings_get_int (self->settings, "window-width");
  int height = g_settings_get_int (self->settings, "window-height");

  gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
save_window_state (MutualWindow *self)
{
  int width;
  int height;

  /* The unmaximized size is what the next start should restore. */
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);

  g_settings_delay (self->settings);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  if (width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_apply (self->settings);
}

static void
show_sidebar_action_cb (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  MutualWindow *self = MUTUAL_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static gboolean
mutual_window_close_request (GtkWindow *window)
{
  MutualWindow *self = MUTUAL_WINDOW (window);

  save_window_state (self);
  g_cancellable_cancel (self->cancellable);

  return GTK_WINDOW_CLASS (mutual_window_parent_class)->close_request (window);
}

static void
mutual_window_constructed (GObject *object)
{
  MutualWindow *self = MUTUAL_WINDOW (object);
  GtkApplication *application;

  G_OBJECT_CLASS (mutual_window_parent_class)->constructed (object);

  application = gtk_window_get_application (GTK_WINDOW (self));
  if (MUTUAL_IS_APPLICATION (application))
    self->settings = g_object_ref (mutual_application_get_settings (MUTUAL_APPLICATION (application)));
  else
    self->settings = g_settings_new (BASE_ID);

  load_window_state (self);
}

static void
mutual_window_dispose (GObject *object)
{
  MutualWindow *self = MUTUAL_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), MUTUAL_TYPE_WINDOW);

  G_OBJECT_CLASS (mutual_window_parent_class)->dispose (object);
}

static void
mutual_window_finalize (GObject *object)
{
  MutualWindow *self = MUTUAL_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (mutual_window_parent_class)->finalize (object);
}

static void
mutual_window_class_init (MutualWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = mutual_window_constructed;
  object_class->dispose = mutual_window_dispose;
  object_class->finalize = mutual_window_finalize;

  window_class->close_request = mutual_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE_PATH "/mutual-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MutualWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MutualWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, MutualWindow, view_stack);

  gtk_widget_class_install_action (widget_class, "win.show-sidebar", NULL, show_sidebar_action_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
}

static void
mutual_window_init (MutualWindow *self)
{
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

#if DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif
}
