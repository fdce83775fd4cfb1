/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "mutual-countdown.h"
#include "mutual-identity-row.h"

/* One identity in the sidebar: its label, who it is for or who issued it, where it
 * stands (a coloured badge), a live countdown and a thin bar of the lifetime used.
 *
 * Everything comes from the identity's keyring attributes: listing never unlocks the
 * keyring. The countdown shows minutes, and seconds only in its last minute; it is
 * redrawn when its text changes and only while the row is mapped. */

#define MINUTE ((gint64) 60)

struct _MutualIdentityRow
{
  GtkListBoxRow parent_instance;

  MutualIdentity *identity;
  MutualCountdown *countdown;

  /* Template children */
  GtkLabel *title_label;
  GtkLabel *state_label;
  GtkLabel *subtitle_label;
  GtkLabel *countdown_label;
  GtkLevelBar *lifetime_bar;
};

G_DEFINE_FINAL_TYPE (MutualIdentityRow, mutual_identity_row, GTK_TYPE_LIST_BOX_ROW)

enum {
  PROP_0,
  PROP_IDENTITY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *const state_style_classes[] = { "success", "warning", "error", "dim" };

/**
 * mutual_identity_row_get_state_style_class:
 *
 * A certificate that is not valid yet is not a fault, only not usable yet: it is dimmed
 * rather than shown as an error.
 *
 * Returns: the style class that colours @state: "success", "warning", "error" or "dim"
 */
const char *
mutual_identity_row_get_state_style_class (MutualValidityState state)
{
  switch (state)
    {
    case MUTUAL_VALIDITY_VALID:
      return "success";
    case MUTUAL_VALIDITY_RENEW_SOON:
    case MUTUAL_VALIDITY_EXPIRING:
      return "warning";
    case MUTUAL_VALIDITY_NOT_YET_VALID:
      return "dim";
    case MUTUAL_VALIDITY_EXPIRED:
    default:
      return "error";
    }
}

static void
set_state_style (GtkWidget  *widget,
                 const char *wanted)
{
  for (guint i = 0; i < G_N_ELEMENTS (state_style_classes); i++)
    {
      if (g_str_equal (state_style_classes[i], wanted))
        gtk_widget_add_css_class (widget, state_style_classes[i]);
      else
        gtk_widget_remove_css_class (widget, state_style_classes[i]);
    }
}

static void
set_label_text (GtkLabel   *label,
                const char *text)
{
  if (g_strcmp0 (gtk_label_get_text (label), text) != 0)
    gtk_label_set_text (label, text);
}

GtkWidget *
mutual_identity_row_new (MutualIdentity *identity)
{
  g_return_val_if_fail (MUTUAL_IS_IDENTITY (identity), NULL);

  return g_object_new (MUTUAL_TYPE_IDENTITY_ROW, "identity", identity, NULL);
}

MutualIdentity *
mutual_identity_row_get_identity (MutualIdentityRow *self)
{
  g_return_val_if_fail (MUTUAL_IS_IDENTITY_ROW (self), NULL);

  return self->identity;
}

/**
 * mutual_identity_row_get_scheduled_update:
 *
 * Returns: the Unix time at which the countdown is next redrawn, or 0 when the row is
 *   not mapped
 */
gint64
mutual_identity_row_get_scheduled_update (MutualIdentityRow *self)
{
  g_return_val_if_fail (MUTUAL_IS_IDENTITY_ROW (self), 0);

  return mutual_countdown_get_scheduled (self->countdown);
}

static gint64
refresh (gpointer user_data,
         gint64   now)
{
  MutualIdentityRow *self = user_data;
  const MutualValidity *validity = mutual_identity_get_validity (self->identity);
  MutualValidityState state = mutual_validity_get_state (validity, now);
  const char *style_class = mutual_identity_row_get_state_style_class (state);
  gint64 reference = now < validity->not_before ? validity->not_before : validity->not_after;
  /* A sidebar full of ticking seconds would only distract: minutes, until the last one. */
  gboolean with_seconds = ABS (reference - now) < MINUTE;
  g_autofree char *countdown = mutual_validity_describe (validity, now, with_seconds);

  set_label_text (self->state_label, mutual_validity_state_get_label (state));
  set_label_text (self->countdown_label, countdown);
  set_state_style (GTK_WIDGET (self->state_label), style_class);
  set_state_style (GTK_WIDGET (self->lifetime_bar), style_class);
  gtk_level_bar_set_value (self->lifetime_bar, mutual_validity_get_elapsed (validity, now));

  /* The row's class names the state itself, for themes and tests. */
  for (MutualValidityState s = MUTUAL_VALIDITY_NOT_YET_VALID; s <= MUTUAL_VALIDITY_EXPIRED; s++)
    {
      if (s == state)
        gtk_widget_add_css_class (GTK_WIDGET (self), mutual_validity_state_to_string (s));
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self), mutual_validity_state_to_string (s));
    }

  return mutual_validity_get_next_change (validity, now, with_seconds);
}

static void
mutual_identity_row_constructed (GObject *object)
{
  MutualIdentityRow *self = MUTUAL_IDENTITY_ROW (object);
  const char *label;
  const char *subject;
  const char *issuer;
  g_autofree char *issued_by = NULL;
  g_autofree char *tooltip = NULL;

  G_OBJECT_CLASS (mutual_identity_row_parent_class)->constructed (object);

  g_return_if_fail (self->identity != NULL);

  label = mutual_identity_get_label (self->identity);
  subject = mutual_identity_get_subject (self->identity);
  issuer = mutual_identity_get_issuer (self->identity);
  /* Translators: %s is the name of a certificate authority. */
  issued_by = g_strdup_printf (_("Issued by %s"), issuer);

  gtk_label_set_text (self->title_label, label);
  /* The label is the subject unless the user chose another: then the subject is worth
   * a line of its own. */
  gtk_label_set_text (self->subtitle_label, g_str_equal (label, subject) ? issued_by : subject);
  tooltip = g_strdup_printf ("%s\n%s", subject, issued_by);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), tooltip);

  self->countdown = mutual_countdown_new (GTK_WIDGET (self), refresh, self);
  mutual_countdown_update (self->countdown);
}

static void
mutual_identity_row_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  MutualIdentityRow *self = MUTUAL_IDENTITY_ROW (object);

  switch (prop_id)
    {
    case PROP_IDENTITY:
      g_value_set_object (value, self->identity);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mutual_identity_row_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  MutualIdentityRow *self = MUTUAL_IDENTITY_ROW (object);

  switch (prop_id)
    {
    case PROP_IDENTITY:
      self->identity = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mutual_identity_row_dispose (GObject *object)
{
  MutualIdentityRow *self = MUTUAL_IDENTITY_ROW (object);

  g_clear_object (&self->countdown);
  gtk_widget_dispose_template (GTK_WIDGET (self), MUTUAL_TYPE_IDENTITY_ROW);

  G_OBJECT_CLASS (mutual_identity_row_parent_class)->dispose (object);
}

static void
mutual_identity_row_finalize (GObject *object)
{
  MutualIdentityRow *self = MUTUAL_IDENTITY_ROW (object);

  g_clear_object (&self->identity);

  G_OBJECT_CLASS (mutual_identity_row_parent_class)->finalize (object);
}

static void
mutual_identity_row_class_init (MutualIdentityRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = mutual_identity_row_constructed;
  object_class->dispose = mutual_identity_row_dispose;
  object_class->finalize = mutual_identity_row_finalize;
  object_class->get_property = mutual_identity_row_get_property;
  object_class->set_property = mutual_identity_row_set_property;

  properties[PROP_IDENTITY] =
    g_param_spec_object ("identity", NULL, NULL,
                         MUTUAL_TYPE_IDENTITY,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE_PATH "/mutual-identity-row.ui");
  gtk_widget_class_bind_template_child (widget_class, MutualIdentityRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, MutualIdentityRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, MutualIdentityRow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, MutualIdentityRow, countdown_label);
  gtk_widget_class_bind_template_child (widget_class, MutualIdentityRow, lifetime_bar);
}

static void
mutual_identity_row_init (MutualIdentityRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* The bar is coloured by the validity state, not by GtkLevelBar's own thresholds. */
  gtk_level_bar_remove_offset_value (self->lifetime_bar, GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (self->lifetime_bar, GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (self->lifetime_bar, GTK_LEVEL_BAR_OFFSET_FULL);
}
