/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "mutual-finding-row.h"
#include "mutual-step-row.h"

/* One finding of the diagnosis, as the Test view shows it above the timeline: the
 * severity as an icon in its colour, the title, the explanation and what to do, all
 * visible at once, and the evidence the finding rests on in an expander. */

struct _MutualFindingRow
{
  GtkListBoxRow parent_instance;

  MutualFinding *finding;

  /* Template children */
  GtkImage *severity_image;
  GtkLabel *title_label;
  GtkLabel *probable_label;
  GtkLabel *explanation_label;
  GtkLabel *remedy_label;
  GtkExpander *evidence_expander;
  GtkLabel *evidence_label;
};

G_DEFINE_FINAL_TYPE (MutualFindingRow, mutual_finding_row, GTK_TYPE_LIST_BOX_ROW)

MutualFinding *
mutual_finding_row_get_finding (MutualFindingRow *self)
{
  g_return_val_if_fail (MUTUAL_IS_FINDING_ROW (self), NULL);

  return self->finding;
}

static void
set_optional_text (GtkLabel   *label,
                   const char *text)
{
  gtk_label_set_text (label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL && *text != '\0');
}

static void
show_finding (MutualFindingRow *self)
{
  MutualFindingSeverity severity = mutual_finding_get_severity (self->finding);
  const char * const *evidence = mutual_finding_get_evidence (self->finding);
  const char *remedy = mutual_finding_get_remedy (self->finding);
  g_autoptr(GString) lines = g_string_new (NULL);
  const char *icon_name;
  const char *style;

  switch (severity)
    {
    case MUTUAL_FINDING_ERROR:
      icon_name = "dialog-error-symbolic";
      style = "error";
      break;
    case MUTUAL_FINDING_WARNING:
      icon_name = "dialog-warning-symbolic";
      style = "warning";
      break;
    case MUTUAL_FINDING_INFO:
    default:
      icon_name = "dialog-information-symbolic";
      style = "accent";
      break;
    }
  gtk_image_set_from_icon_name (self->severity_image, icon_name);
  mutual_set_status_style (GTK_WIDGET (self->severity_image), style);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->severity_image),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  mutual_finding_severity_get_label (severity), -1);

  gtk_label_set_text (self->title_label, mutual_finding_get_title (self->finding));
  gtk_widget_set_visible (GTK_WIDGET (self->probable_label),
                          !mutual_finding_get_certain (self->finding));
  set_optional_text (self->explanation_label, mutual_finding_get_explanation (self->finding));

  if (remedy != NULL && *remedy != '\0')
    {
      g_autofree char *escaped = g_markup_escape_text (remedy, -1);
      g_autofree char *markup = NULL;

      /* Translators: %s is what to do about a finding; the words before it are bold. */
      markup = g_strdup_printf (_("<b>What to do:</b> %s"), escaped);
      gtk_label_set_markup (self->remedy_label, markup);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->remedy_label), remedy != NULL && *remedy != '\0');

  for (guint i = 0; evidence != NULL && evidence[i] != NULL; i++)
    {
      if (lines->len > 0)
        g_string_append_c (lines, '\n');
      g_string_append_printf (lines, "• %s", evidence[i]);
    }
  gtk_label_set_text (self->evidence_label, lines->str);
  gtk_widget_set_visible (GTK_WIDGET (self->evidence_expander), lines->len > 0);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  mutual_finding_get_title (self->finding), -1);
}

GtkWidget *
mutual_finding_row_new (MutualFinding *finding)
{
  MutualFindingRow *self;

  g_return_val_if_fail (MUTUAL_IS_FINDING (finding), NULL);

  self = g_object_new (MUTUAL_TYPE_FINDING_ROW, NULL);
  self->finding = g_object_ref (finding);
  show_finding (self);

  return GTK_WIDGET (self);
}

static void
mutual_finding_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), MUTUAL_TYPE_FINDING_ROW);

  G_OBJECT_CLASS (mutual_finding_row_parent_class)->dispose (object);
}

static void
mutual_finding_row_finalize (GObject *object)
{
  MutualFindingRow *self = MUTUAL_FINDING_ROW (object);

  g_clear_object (&self->finding);

  G_OBJECT_CLASS (mutual_finding_row_parent_class)->finalize (object);
}

static void
mutual_finding_row_class_init (MutualFindingRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mutual_finding_row_dispose;
  object_class->finalize = mutual_finding_row_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE_PATH "/mutual-finding-row.ui");
  gtk_widget_class_bind_template_child (widget_class, MutualFindingRow, severity_image);
  gtk_widget_class_bind_template_child (widget_class, MutualFindingRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, MutualFindingRow, probable_label);
  gtk_widget_class_bind_template_child (widget_class, MutualFindingRow, explanation_label);
  gtk_widget_class_bind_template_child (widget_class, MutualFindingRow, remedy_label);
  gtk_widget_class_bind_template_child (widget_class, MutualFindingRow, evidence_expander);
  gtk_widget_class_bind_template_child (widget_class, MutualFindingRow, evidence_label);
}

static void
mutual_finding_row_init (MutualFindingRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
