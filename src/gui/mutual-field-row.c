/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "mutual-field-row.h"

/* One field of a certificate section: its label above its value, which wraps and can be
 * selected, in a fixed-width font for hex and OIDs, flagged when it shows a problem,
 * and with a copy button for values people paste elsewhere (fingerprints, serials). */

struct _MutualFieldRow
{
  AdwPreferencesRow parent_instance;

  MutualField *field;

  /* Template children */
  GtkLabel *label_label;
  GtkLabel *value_label;
  GtkImage *warning_image;
  GtkButton *copy_button;
};

G_DEFINE_FINAL_TYPE (MutualFieldRow, mutual_field_row, ADW_TYPE_PREFERENCES_ROW)

enum {
  PROP_0,
  PROP_FIELD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GtkWidget *
mutual_field_row_new (MutualField *field)
{
  g_return_val_if_fail (MUTUAL_IS_FIELD (field), NULL);

  return g_object_new (MUTUAL_TYPE_FIELD_ROW, "field", field, NULL);
}

MutualField *
mutual_field_row_get_field (MutualFieldRow *self)
{
  g_return_val_if_fail (MUTUAL_IS_FIELD_ROW (self), NULL);

  return self->field;
}

/**
 * mutual_field_row_get_value:
 *
 * Returns: the value shown, as the user would copy it
 */
const char *
mutual_field_row_get_value (MutualFieldRow *self)
{
  g_return_val_if_fail (MUTUAL_IS_FIELD_ROW (self), NULL);

  return self->field != NULL ? mutual_field_get_value (self->field) : NULL;
}

static void
set_css_class (GtkWidget  *widget,
               const char *css_class,
               gboolean    set)
{
  if (set)
    gtk_widget_add_css_class (widget, css_class);
  else
    gtk_widget_remove_css_class (widget, css_class);
}

/**
 * mutual_field_row_set_field:
 *
 * Shows @field. Text that did not change is left alone, so that a selection in it
 * survives the periodic refresh of time-dependent fields.
 */
void
mutual_field_row_set_field (MutualFieldRow *self,
                            MutualField    *field)
{
  MutualFieldFlags flags;
  const char *label;
  const char *value;

  g_return_if_fail (MUTUAL_IS_FIELD_ROW (self));
  g_return_if_fail (MUTUAL_IS_FIELD (field));

  if (!g_set_object (&self->field, field))
    return;

  flags = mutual_field_get_flags (field);
  label = mutual_field_get_label (field);
  value = mutual_field_get_value (field);

  if (g_strcmp0 (gtk_label_get_text (self->label_label), label) != 0)
    {
      gtk_label_set_text (self->label_label, label);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->copy_button),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, label,
                                      -1);
    }
  if (g_strcmp0 (gtk_label_get_text (self->value_label), value) != 0)
    gtk_label_set_text (self->value_label, value);

  set_css_class (GTK_WIDGET (self->value_label), "monospace",
                 (flags & MUTUAL_FIELD_MONOSPACE) != 0);
  set_css_class (GTK_WIDGET (self->value_label), "warning", (flags & MUTUAL_FIELD_WARNING) != 0);
  gtk_widget_set_visible (GTK_WIDGET (self->warning_image), (flags & MUTUAL_FIELD_WARNING) != 0);
  gtk_widget_set_visible (GTK_WIDGET (self->copy_button), (flags & MUTUAL_FIELD_COPYABLE) != 0);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIELD]);
}

static void
copy_action_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  MutualFieldRow *self = MUTUAL_FIELD_ROW (widget);
  GtkWidget *overlay;

  if (self->field == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), mutual_field_get_value (self->field));

  overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (_("Copied")));
}

static void
mutual_field_row_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  MutualFieldRow *self = MUTUAL_FIELD_ROW (object);

  switch (prop_id)
    {
    case PROP_FIELD:
      g_value_set_object (value, self->field);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mutual_field_row_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  MutualFieldRow *self = MUTUAL_FIELD_ROW (object);

  switch (prop_id)
    {
    case PROP_FIELD:
      if (g_value_get_object (value) != NULL)
        mutual_field_row_set_field (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mutual_field_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), MUTUAL_TYPE_FIELD_ROW);

  G_OBJECT_CLASS (mutual_field_row_parent_class)->dispose (object);
}

static void
mutual_field_row_finalize (GObject *object)
{
  MutualFieldRow *self = MUTUAL_FIELD_ROW (object);

  g_clear_object (&self->field);

  G_OBJECT_CLASS (mutual_field_row_parent_class)->finalize (object);
}

static void
mutual_field_row_class_init (MutualFieldRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mutual_field_row_dispose;
  object_class->finalize = mutual_field_row_finalize;
  object_class->get_property = mutual_field_row_get_property;
  object_class->set_property = mutual_field_row_set_property;

  properties[PROP_FIELD] =
    g_param_spec_object ("field", NULL, NULL,
                         MUTUAL_TYPE_FIELD,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE_PATH "/mutual-field-row.ui");
  gtk_widget_class_bind_template_child (widget_class, MutualFieldRow, label_label);
  gtk_widget_class_bind_template_child (widget_class, MutualFieldRow, value_label);
  gtk_widget_class_bind_template_child (widget_class, MutualFieldRow, warning_image);
  gtk_widget_class_bind_template_child (widget_class, MutualFieldRow, copy_button);

  gtk_widget_class_install_action (widget_class, "field.copy", NULL, copy_action_cb);
}

static void
mutual_field_row_init (MutualFieldRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
