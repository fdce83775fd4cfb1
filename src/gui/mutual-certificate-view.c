/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "mutual-certificate-view.h"
#include "mutual-countdown.h"
#include "mutual-section-group.h"

/* Everything in one certificate: a status header with a live countdown, then every
 * section of the core's model.
 *
 * The countdown (MutualCountdown) is redrawn when its text next changes
 * (mutual_validity_get_next_change()), which is a second away only in the last hour and
 * a day away when only days are shown, and only while the view is mapped: a view in a
 * hidden tab or under another page costs nothing. */

#define HOUR ((gint64) 3600)

struct _MutualCertificateView
{
  AdwBin parent_instance;

  MutualCertificate *certificate;
  /* The groups in sections_box, one per section. */
  GPtrArray *groups;

  MutualCountdown *countdown;

  /* Template children */
  GtkLabel *title_label;
  GtkLabel *issuer_label;
  GtkLabel *state_label;
  GtkLabel *countdown_label;
  GtkLevelBar *lifetime_bar;
  GtkLabel *not_before_label;
  GtkLabel *not_after_label;
  GtkBox *sections_box;
};

G_DEFINE_FINAL_TYPE (MutualCertificateView, mutual_certificate_view, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CERTIFICATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *const state_style_classes[] = { "success", "warning", "error" };

/**
 * mutual_certificate_view_get_state_style_class:
 *
 * Returns: the libadwaita style class that colours @state: "success", "warning" or
 *   "error"
 */
const char *
mutual_certificate_view_get_state_style_class (MutualValidityState state)
{
  switch (state)
    {
    case MUTUAL_VALIDITY_VALID:
      return "success";
    case MUTUAL_VALIDITY_RENEW_SOON:
    case MUTUAL_VALIDITY_EXPIRING:
      return "warning";
    case MUTUAL_VALIDITY_NOT_YET_VALID:
    case MUTUAL_VALIDITY_EXPIRED:
    default:
      return "error";
    }
}

static void
set_state_style (GtkWidget           *widget,
                 MutualValidityState  state)
{
  const char *wanted = mutual_certificate_view_get_state_style_class (state);

  for (guint i = 0; i < G_N_ELEMENTS (state_style_classes); i++)
    {
      if (g_str_equal (state_style_classes[i], wanted))
        gtk_widget_add_css_class (widget, state_style_classes[i]);
      else
        gtk_widget_remove_css_class (widget, state_style_classes[i]);
    }
}

GtkWidget *
mutual_certificate_view_new (MutualCertificate *certificate)
{
  g_return_val_if_fail (MUTUAL_IS_CERTIFICATE (certificate), NULL);

  return g_object_new (MUTUAL_TYPE_CERTIFICATE_VIEW, "certificate", certificate, NULL);
}

MutualCertificate *
mutual_certificate_view_get_certificate (MutualCertificateView *self)
{
  g_return_val_if_fail (MUTUAL_IS_CERTIFICATE_VIEW (self), NULL);

  return self->certificate;
}

/**
 * mutual_certificate_view_get_scheduled_update:
 *
 * Returns: the Unix time at which the countdown is next redrawn, or 0 when no redraw
 *   is scheduled (the view is not mapped)
 */
gint64
mutual_certificate_view_get_scheduled_update (MutualCertificateView *self)
{
  g_return_val_if_fail (MUTUAL_IS_CERTIFICATE_VIEW (self), 0);

  return mutual_countdown_get_scheduled (self->countdown);
}

static void
set_label_text (GtkLabel   *label,
                const char *text)
{
  /* Setting the same text would drop a selection the user made in it. */
  if (g_strcmp0 (gtk_label_get_text (label), text) != 0)
    gtk_label_set_text (label, text);
}

static void
rebuild_sections (MutualCertificateView *self,
                  GPtrArray             *sections)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->sections_box))) != NULL)
    gtk_box_remove (self->sections_box, child);
  g_ptr_array_set_size (self->groups, 0);

  for (guint i = 0; i < sections->len; i++)
    {
      GtkWidget *group = mutual_section_group_new (g_ptr_array_index (sections, i), NULL);

      g_ptr_array_add (self->groups, group);
      gtk_box_append (self->sections_box, group);
    }
}

static void
refresh_sections (MutualCertificateView *self,
                  gint64                 now)
{
  g_autoptr(GPtrArray) sections = mutual_certificate_get_sections (self->certificate, now);
  gboolean same = sections->len == self->groups->len;

  for (guint i = 0; same && i < sections->len; i++)
    same = mutual_section_group_update (g_ptr_array_index (self->groups, i),
                                        g_ptr_array_index (sections, i));
  if (!same)
    rebuild_sections (self, sections);
}

/* Shows the certificate as it stands at @now, and returns when that next changes. */
static gint64
refresh (gpointer user_data,
         gint64   now)
{
  MutualCertificateView *self = user_data;
  const MutualValidity *validity = mutual_certificate_get_validity (self->certificate);
  MutualValidityState state = mutual_validity_get_state (validity, now);
  gint64 reference = now < validity->not_before ? validity->not_before : validity->not_after;
  /* Seconds are worth showing, and redrawing for, only in the last hour. */
  gboolean with_seconds = ABS (reference - now) < HOUR;
  g_autofree char *countdown = mutual_validity_describe (validity, now, with_seconds);

  set_label_text (self->state_label, mutual_validity_state_get_label (state));
  set_label_text (self->countdown_label, countdown);
  set_state_style (GTK_WIDGET (self->state_label), state);
  set_state_style (GTK_WIDGET (self->lifetime_bar), state);
  gtk_level_bar_set_value (self->lifetime_bar, mutual_validity_get_elapsed (validity, now));

  refresh_sections (self, now);

  return mutual_validity_get_next_change (validity, now, with_seconds);
}

static void
copy_pem_action_cb (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  MutualCertificateView *self = MUTUAL_CERTIFICATE_VIEW (widget);
  g_autofree char *pem = mutual_certificate_to_pem (self->certificate);
  GtkWidget *overlay;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), pem);

  overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (_("Copied")));
}

static void
mutual_certificate_view_constructed (GObject *object)
{
  MutualCertificateView *self = MUTUAL_CERTIFICATE_VIEW (object);
  const MutualValidity *validity;
  g_autofree char *issued_by = NULL;
  g_autofree char *not_before = NULL;
  g_autofree char *not_after = NULL;
  g_autofree char *from = NULL;
  g_autofree char *until = NULL;

  G_OBJECT_CLASS (mutual_certificate_view_parent_class)->constructed (object);

  g_return_if_fail (self->certificate != NULL);

  validity = mutual_certificate_get_validity (self->certificate);
  gtk_label_set_text (self->title_label, mutual_certificate_get_subject_name (self->certificate));
  if (mutual_certificate_is_self_issued (self->certificate))
    issued_by = g_strdup (_("Self-signed"));
  else
    /* Translators: %s is the name of a certificate authority. */
    issued_by = g_strdup_printf (_("Issued by %s"),
                                 mutual_certificate_get_issuer_name (self->certificate));
  gtk_label_set_text (self->issuer_label, issued_by);

  not_before = mutual_format_time (validity->not_before);
  not_after = mutual_format_time (validity->not_after);
  /* Translators: %s is a date and time, under the left end of the lifetime bar. */
  from = g_strdup_printf (_("From %s"), not_before);
  /* Translators: %s is a date and time, under the right end of the lifetime bar. */
  until = g_strdup_printf (_("Until %s"), not_after);
  gtk_label_set_text (self->not_before_label, from);
  gtk_label_set_text (self->not_after_label, until);

  /* Shown at once, so that nothing is empty before the first frame; the countdown keeps
   * it current while the view is mapped. */
  self->countdown = mutual_countdown_new (GTK_WIDGET (self), refresh, self);
  mutual_countdown_update (self->countdown);
}

static void
mutual_certificate_view_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  MutualCertificateView *self = MUTUAL_CERTIFICATE_VIEW (object);

  switch (prop_id)
    {
    case PROP_CERTIFICATE:
      g_value_set_object (value, self->certificate);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mutual_certificate_view_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  MutualCertificateView *self = MUTUAL_CERTIFICATE_VIEW (object);

  switch (prop_id)
    {
    case PROP_CERTIFICATE:
      self->certificate = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mutual_certificate_view_dispose (GObject *object)
{
  MutualCertificateView *self = MUTUAL_CERTIFICATE_VIEW (object);

  g_clear_object (&self->countdown);
  g_ptr_array_set_size (self->groups, 0);
  /* The bin lets go of its child first: gtk_widget_dispose_template() would unparent a
   * template child behind AdwBin's back. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), MUTUAL_TYPE_CERTIFICATE_VIEW);

  G_OBJECT_CLASS (mutual_certificate_view_parent_class)->dispose (object);
}

static void
mutual_certificate_view_finalize (GObject *object)
{
  MutualCertificateView *self = MUTUAL_CERTIFICATE_VIEW (object);

  g_clear_object (&self->certificate);
  g_clear_pointer (&self->groups, g_ptr_array_unref);

  G_OBJECT_CLASS (mutual_certificate_view_parent_class)->finalize (object);
}

static void
mutual_certificate_view_class_init (MutualCertificateViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = mutual_certificate_view_constructed;
  object_class->dispose = mutual_certificate_view_dispose;
  object_class->finalize = mutual_certificate_view_finalize;
  object_class->get_property = mutual_certificate_view_get_property;
  object_class->set_property = mutual_certificate_view_set_property;

  properties[PROP_CERTIFICATE] =
    g_param_spec_object ("certificate", NULL, NULL,
                         MUTUAL_TYPE_CERTIFICATE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE_PATH "/mutual-certificate-view.ui");
  gtk_widget_class_bind_template_child (widget_class, MutualCertificateView, title_label);
  gtk_widget_class_bind_template_child (widget_class, MutualCertificateView, issuer_label);
  gtk_widget_class_bind_template_child (widget_class, MutualCertificateView, state_label);
  gtk_widget_class_bind_template_child (widget_class, MutualCertificateView, countdown_label);
  gtk_widget_class_bind_template_child (widget_class, MutualCertificateView, lifetime_bar);
  gtk_widget_class_bind_template_child (widget_class, MutualCertificateView, not_before_label);
  gtk_widget_class_bind_template_child (widget_class, MutualCertificateView, not_after_label);
  gtk_widget_class_bind_template_child (widget_class, MutualCertificateView, sections_box);

  gtk_widget_class_install_action (widget_class, "certificate.copy-pem", NULL, copy_pem_action_cb);
}

static void
mutual_certificate_view_init (MutualCertificateView *self)
{
  /* The box owns the groups; this array only points at them. */
  self->groups = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  /* The bar is coloured by the validity state, not by GtkLevelBar's own thresholds. */
  gtk_level_bar_remove_offset_value (self->lifetime_bar, GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (self->lifetime_bar, GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (self->lifetime_bar, GTK_LEVEL_BAR_OFFSET_FULL);
}
