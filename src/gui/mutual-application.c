/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "mutual-application.h"
#include "mutual-background.h"
#include "mutual-preferences-window.h"
#include "mutual-renewal-monitor.h"
#include "mutual-window.h"

struct _MutualApplication
{
  AdwApplication parent_instance;

  GSettings *settings;
  /* The identities in the keyring, shared by every window. */
  MutualIdentityStore *identity_store;
  /* Renewal: the agent's records, the agent, and its notifications. */
  MutualRenewalMonitor *renewal_monitor;
  /* Held while "Run in Background" is on, so that closing the last window does not
   * end the application. */
  gboolean held;
  /* Started with --background (autostart): no window at the first activation. */
  gboolean start_in_background;
};

G_DEFINE_FINAL_TYPE (MutualApplication, mutual_application, ADW_TYPE_APPLICATION)

MutualApplication *
mutual_application_new (void)
{
  /* Before any thread: see there. */
  mutual_ca_client_prepare_process ();

  return g_object_new (MUTUAL_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       /* The Devel profile has another id but the same resources. */
                       "resource-base-path", RESOURCE_BASE_PATH,
                       /* Files given on the command line or opened from Files. */
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       NULL);
}

/**
 * mutual_application_get_settings:
 *
 * Returns: (transfer none): the application's settings (schema io.github.mutual.Mutual)
 */
GSettings *
mutual_application_get_settings (MutualApplication *self)
{
  g_return_val_if_fail (MUTUAL_IS_APPLICATION (self), NULL);

  return self->settings;
}

/**
 * mutual_application_get_identity_store:
 *
 * Returns: (transfer none): the identities in the keyring, kept up to date with changes
 *   other programs make where the keyring announces them; %NULL before startup
 */
MutualIdentityStore *
mutual_application_get_identity_store (MutualApplication *self)
{
  g_return_val_if_fail (MUTUAL_IS_APPLICATION (self), NULL);

  return self->identity_store;
}

/**
 * mutual_application_get_renewal_monitor:
 *
 * Returns: (transfer none) (nullable): what the renewal agent knows of the identities;
 *   %NULL before startup
 */
MutualRenewalMonitor *
mutual_application_get_renewal_monitor (MutualApplication *self)
{
  g_return_val_if_fail (MUTUAL_IS_APPLICATION (self), NULL);

  return self->renewal_monitor;
}

static void
apply_background (MutualApplication *self)
{
  gboolean background = g_settings_get_boolean (self->settings, "run-in-background");

  /* Held, the application outlives its last window, and the agent keeps renewing. */
  if (background && !self->held)
    g_application_hold (G_APPLICATION (self));
  else if (!background && self->held)
    g_application_release (G_APPLICATION (self));
  self->held = background;
  mutual_renewal_monitor_set_background (self->renewal_monitor, background);
}

static void
run_in_background_changed_cb (MutualApplication *self,
                              const char        *key,
                              GSettings         *settings)
{
  apply_background (self);
  /* Only a change made by the user asks for autostart, or stops it. */
  mutual_background_set_autostart (GTK_APPLICATION (self),
                                   g_settings_get_boolean (self->settings, "run-in-background"));
}

static void
apply_color_scheme (MutualApplication *self)
{
  AdwStyleManager *style_manager = adw_style_manager_get_default ();
  AdwColorScheme scheme;

  switch (g_settings_get_enum (self->settings, "color-scheme"))
    {
    case 1:
      scheme = ADW_COLOR_SCHEME_FORCE_LIGHT;
      break;
    case 2:
      scheme = ADW_COLOR_SCHEME_FORCE_DARK;
      break;
    case 0:
    default:
      scheme = ADW_COLOR_SCHEME_DEFAULT;
      break;
    }

  adw_style_manager_set_color_scheme (style_manager, scheme);
}

static void
color_scheme_changed_cb (MutualApplication *self,
                         const char        *key,
                         GSettings         *settings)
{
  apply_color_scheme (self);
}

static MutualWindow *
get_or_create_window (MutualApplication *self)
{
  /* The most recently focused main window; dialogs do not count. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    {
      if (MUTUAL_IS_WINDOW (l->data))
        return l->data;
    }

  return mutual_window_new (self);
}

static void
mutual_application_activate (GApplication *app)
{
  MutualApplication *self = MUTUAL_APPLICATION (app);

  /* Started at login to renew in the background: no window until asked for one. */
  if (self->start_in_background)
    {
      self->start_in_background = FALSE;
      return;
    }

  gtk_window_present (GTK_WINDOW (get_or_create_window (self)));
}

static int
mutual_application_handle_local_options (GApplication *app,
                                         GVariantDict *options)
{
  MutualApplication *self = MUTUAL_APPLICATION (app);

  if (g_variant_dict_contains (options, MUTUAL_BACKGROUND_OPTION))
    self->start_in_background = TRUE;

  /* Go on as usual: the primary instance starts up and is activated. */
  return -1;
}

static void
mutual_application_open (GApplication  *app,
                         GFile        **files,
                         int            n_files,
                         const char    *hint)
{
  MutualApplication *self = MUTUAL_APPLICATION (app);
  MutualWindow *window = get_or_create_window (self);

  mutual_window_open_files (window, files, n_files);
  gtk_window_present (GTK_WINDOW (window));
}

static void
about_action_cb (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  MutualApplication *self = user_data;
  const char *developers[] = { _("The Mutual developers"), NULL };
  GtkWindow *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (GTK_APPLICATION (self)),
                        "application-icon", APPLICATION_ID,
                        "application-name", _("Mutual"),
                        "developer-name", _("The Mutual developers"),
                        "version", PACKAGE_VERSION,
                        "website", PACKAGE_URL,
                        "issue-url", PACKAGE_BUGREPORT,
                        "copyright", _("© 2026 The Mutual developers"),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "developers", developers,
                        /* Translators: replace with your names, one name per line. */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (about);
}

static void
preferences_action_cb (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  MutualApplication *self = user_data;
  MutualPreferencesWindow *preferences;

  preferences = mutual_preferences_window_new (self->settings);
  gtk_window_set_transient_for (GTK_WINDOW (preferences),
                                gtk_application_get_active_window (GTK_APPLICATION (self)));
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
help_action_cb (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  MutualApplication *self = user_data;

  mutual_window_show_help (get_or_create_window (self), NULL);
}

static void
open_action_cb (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  MutualApplication *self = user_data;
  MutualWindow *window = get_or_create_window (self);

  gtk_window_present (GTK_WINDOW (window));
  mutual_window_choose_files (window);
}

static void
import_action_cb (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  MutualApplication *self = user_data;
  MutualWindow *window = get_or_create_window (self);

  gtk_window_present (GTK_WINDOW (window));
  mutual_window_choose_identity_files (window);
}

static void
quit_action_cb (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  MutualApplication *self = user_data;

  /* Quitting ends background renewal too, until the next login starts it again. */
  if (self->held)
    {
      self->held = FALSE;
      g_application_release (G_APPLICATION (self));
    }

  /* Closing each window lets it save its state; the application then ends by itself. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL;)
    {
      GtkWindow *window = l->data;

      l = l->next;
      gtk_window_close (window);
    }
}

static const GActionEntry app_actions[] = {
  { "open", open_action_cb },
  { "import", import_action_cb },
  { "about", about_action_cb },
  { "preferences", preferences_action_cb },
  { "help", help_action_cb },
  { "quit", quit_action_cb },
};

static void
mutual_application_startup (GApplication *app)
{
  MutualApplication *self = MUTUAL_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *help_accels[] = { "F1", NULL };
  static const char *open_accels[] = { "<Control>o", NULL };
  static const char *import_accels[] = { "<Control>i", NULL };

  G_APPLICATION_CLASS (mutual_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.help", help_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.open", open_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.import", import_accels);

  /* Created once, before any window, and watched for the whole run. */
  self->identity_store = mutual_identity_store_new ();
  mutual_identity_store_watch (self->identity_store);

  g_signal_connect_object (self->settings, "changed::color-scheme",
                           G_CALLBACK (color_scheme_changed_cb), self, G_CONNECT_SWAPPED);
  apply_color_scheme (self);

  self->renewal_monitor = mutual_renewal_monitor_new (G_APPLICATION (self), self->identity_store);
  g_signal_connect_object (self->settings, "changed::run-in-background",
                           G_CALLBACK (run_in_background_changed_cb), self, G_CONNECT_SWAPPED);
  apply_background (self);
  /* Started at login, but the user turned background renewal off since: nothing to do. */
  if (self->start_in_background && !self->held)
    g_debug ("Started in the background, but “Run in Background” is off");
}

static void
mutual_application_shutdown (GApplication *app)
{
  MutualApplication *self = MUTUAL_APPLICATION (app);

  /* The agent stops cleanly: a renewal under way is cancelled and leaves its identity
   * as it was. */
  if (self->renewal_monitor != NULL)
    mutual_renewal_monitor_stop (self->renewal_monitor);

  G_APPLICATION_CLASS (mutual_application_parent_class)->shutdown (app);
}

static void
mutual_application_finalize (GObject *object)
{
  MutualApplication *self = MUTUAL_APPLICATION (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->renewal_monitor);
  g_clear_object (&self->identity_store);

  G_OBJECT_CLASS (mutual_application_parent_class)->finalize (object);
}

static void
mutual_application_class_init (MutualApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = mutual_application_finalize;

  app_class->activate = mutual_application_activate;
  app_class->open = mutual_application_open;
  app_class->startup = mutual_application_startup;
  app_class->shutdown = mutual_application_shutdown;
  app_class->handle_local_options = mutual_application_handle_local_options;
}

static void
mutual_application_init (MutualApplication *self)
{
  self->settings = g_settings_new (BASE_ID);

  g_application_add_main_option (G_APPLICATION (self), MUTUAL_BACKGROUND_OPTION, 0, G_OPTION_FLAG_NONE,
                                 G_OPTION_ARG_NONE,
                                 _("Start without a window, to renew certificates in the background"),
                                 NULL);
}
