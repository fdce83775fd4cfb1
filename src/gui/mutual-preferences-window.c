/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "mutual-preferences-window.h"

struct _MutualPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  GSettings *settings;

  /* Template children */
  AdwComboRow *color_scheme_row;
  GtkSwitch *background_switch;
};

G_DEFINE_FINAL_TYPE (MutualPreferencesWindow, mutual_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The rows of the style combo, in the order of the schema's color-scheme enum. */
static const char *const color_scheme_nicks[] = { "default", "light", "dark" };

static gboolean
color_scheme_get_mapping (GValue   *value,
                          GVariant *variant,
                          gpointer  user_data)
{
  const char *nick = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (color_scheme_nicks); i++)
    {
      if (g_str_equal (nick, color_scheme_nicks[i]))
        {
          g_value_set_uint (value, i);
          return TRUE;
        }
    }

  return FALSE;
}

static GVariant *
color_scheme_set_mapping (const GValue       *value,
                          const GVariantType *expected_type,
                          gpointer            user_data)
{
  guint selected = g_value_get_uint (value);

  if (selected >= G_N_ELEMENTS (color_scheme_nicks))
    return NULL;

  return g_variant_new_string (color_scheme_nicks[selected]);
}

MutualPreferencesWindow *
mutual_preferences_window_new (GSettings *settings)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (MUTUAL_TYPE_PREFERENCES_WINDOW, "settings", settings, NULL);
}

static void
mutual_preferences_window_constructed (GObject *object)
{
  MutualPreferencesWindow *self = MUTUAL_PREFERENCES_WINDOW (object);

  G_OBJECT_CLASS (mutual_preferences_window_parent_class)->constructed (object);

  g_settings_bind_with_mapping (self->settings, "color-scheme",
                                self->color_scheme_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                color_scheme_get_mapping, color_scheme_set_mapping,
                                NULL, NULL);
  g_settings_bind (self->settings, "run-in-background", self->background_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
}

static void
mutual_preferences_window_set_property (GObject      *object,
                                        guint         prop_id,
                                        const GValue *value,
                                        GParamSpec   *pspec)
{
  MutualPreferencesWindow *self = MUTUAL_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_set_object (&self->settings, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mutual_preferences_window_get_property (GObject    *object,
                                        guint       prop_id,
                                        GValue     *value,
                                        GParamSpec *pspec)
{
  MutualPreferencesWindow *self = MUTUAL_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mutual_preferences_window_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), MUTUAL_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (mutual_preferences_window_parent_class)->dispose (object);
}

static void
mutual_preferences_window_finalize (GObject *object)
{
  MutualPreferencesWindow *self = MUTUAL_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (mutual_preferences_window_parent_class)->finalize (object);
}

static void
mutual_preferences_window_class_init (MutualPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = mutual_preferences_window_constructed;
  object_class->dispose = mutual_preferences_window_dispose;
  object_class->finalize = mutual_preferences_window_finalize;
  object_class->get_property = mutual_preferences_window_get_property;
  object_class->set_property = mutual_preferences_window_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE_PATH "/mutual-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MutualPreferencesWindow, color_scheme_row);
  gtk_widget_class_bind_template_child (widget_class, MutualPreferencesWindow, background_switch);
}

static void
mutual_preferences_window_init (MutualPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
