/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "mutual-field-row.h"
#include "mutual-step-row.h"

/* One step of a connection test in the timeline: an icon for its status (a spinner while
 * it runs), its title, its one-line summary and its duration, and, expanded, the evidence
 * it observed. The step is a live object: the row follows its notifications and the
 * evidence list as the probe fills them in. */

struct _MutualStepRow
{
  AdwExpanderRow parent_instance;

  MutualProbeStep *step;
  /* The evidence rows inside the expander, in the order of the step's list. The
   * expander owns them; this array only points at them. */
  GPtrArray *evidence_rows;

  GtkWidget *status_image;
  GtkWidget *spinner;
  GtkWidget *duration_label;
};

G_DEFINE_FINAL_TYPE (MutualStepRow, mutual_step_row, ADW_TYPE_EXPANDER_ROW)

/**
 * mutual_format_elapsed:
 * @microseconds: a duration
 *
 * Returns: (transfer full): @microseconds in milliseconds or seconds, with the precision
 *   that matters at that scale
 */
char *
mutual_format_elapsed (gint64 microseconds)
{
  double ms = microseconds / 1000.0;

  if (ms >= 1000.0)
    /* Translators: a duration in seconds. */
    return g_strdup_printf (_("%.2f s"), ms / 1000.0);
  if (ms >= 100.0)
    /* Translators: a duration in milliseconds. */
    return g_strdup_printf (_("%.0f ms"), ms);
  /* Translators: a duration in milliseconds. */
  return g_strdup_printf (_("%.1f ms"), ms);
}

/**
 * mutual_step_status_get_label:
 *
 * Returns: the status as a word, for screen readers and the text report
 */
const char *
mutual_step_status_get_label (MutualStepStatus status)
{
  switch (status)
    {
    case MUTUAL_STEP_PENDING:
      return _("Waiting");
    case MUTUAL_STEP_RUNNING:
      return _("Running");
    case MUTUAL_STEP_OK:
      return _("Done");
    case MUTUAL_STEP_WARNING:
      return _("Done, with warnings");
    case MUTUAL_STEP_FAILED:
      return _("Failed");
    case MUTUAL_STEP_SKIPPED:
      return _("Skipped");
    default:
      g_return_val_if_reached ("");
    }
}

MutualProbeStep *
mutual_step_row_get_step (MutualStepRow *self)
{
  g_return_val_if_fail (MUTUAL_IS_STEP_ROW (self), NULL);

  return self->step;
}

/**
 * mutual_set_status_style:
 * @style_class: (nullable): "success", "warning", "error", "accent", "dim" (a badge's) or
 *   "dim-label", or %NULL for none
 *
 * Gives @widget that one of the style classes that colour a status.
 */
void
mutual_set_status_style (GtkWidget  *widget,
                         const char *style_class)
{
  static const char *const classes[] = { "success", "warning", "error", "accent", "dim", "dim-label" };

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    {
      if (g_strcmp0 (classes[i], style_class) == 0)
        gtk_widget_add_css_class (widget, classes[i]);
      else
        gtk_widget_remove_css_class (widget, classes[i]);
    }
}

static void
show_status (MutualStepRow *self)
{
  MutualStepStatus status = mutual_probe_step_get_status (self->step);
  const char *summary = mutual_probe_step_get_summary (self->step);
  const char *icon_name = NULL;
  const char *style = NULL;
  gboolean running = status == MUTUAL_STEP_RUNNING;

  switch (status)
    {
    case MUTUAL_STEP_OK:
      icon_name = "emblem-ok-symbolic";
      style = "success";
      break;
    case MUTUAL_STEP_WARNING:
      icon_name = "dialog-warning-symbolic";
      style = "warning";
      break;
    case MUTUAL_STEP_FAILED:
      icon_name = "dialog-error-symbolic";
      style = "error";
      break;
    case MUTUAL_STEP_SKIPPED:
      icon_name = "action-unavailable-symbolic";
      style = "dim-label";
      break;
    case MUTUAL_STEP_PENDING:
    case MUTUAL_STEP_RUNNING:
    default:
      icon_name = "content-loading-symbolic";
      style = "dim-label";
      break;
    }

  gtk_image_set_from_icon_name (GTK_IMAGE (self->status_image), icon_name);
  mutual_set_status_style (self->status_image, style);
  gtk_widget_set_visible (self->status_image, !running);
  gtk_widget_set_visible (self->spinner, running);
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), running);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->status_image),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, mutual_step_status_get_label (status),
                                  -1);

  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), summary != NULL ? summary : "");

  if (status == MUTUAL_STEP_PENDING || running)
    {
      gtk_label_set_text (GTK_LABEL (self->duration_label), "");
    }
  else
    {
      g_autofree char *duration = mutual_format_elapsed (mutual_probe_step_get_duration (self->step));

      gtk_label_set_text (GTK_LABEL (self->duration_label), duration);
    }
}

static void
step_changed_cb (MutualStepRow   *self,
                 GParamSpec      *pspec,
                 MutualProbeStep *step)
{
  show_status (self);
}

static void
evidence_changed_cb (MutualStepRow *self,
                     guint          position,
                     guint          removed,
                     guint          added,
                     GListModel    *evidence)
{
  guint n = g_list_model_get_n_items (evidence);

  /* The probe only appends; anything else shows the list again from @position. */
  while (self->evidence_rows->len > position)
    {
      GtkWidget *row = g_ptr_array_steal_index (self->evidence_rows, self->evidence_rows->len - 1);

      adw_expander_row_remove (ADW_EXPANDER_ROW (self), row);
    }
  for (guint i = position; i < n; i++)
    {
      g_autoptr(MutualField) field = g_list_model_get_item (evidence, i);
      GtkWidget *row = mutual_field_row_new (field);

      g_ptr_array_add (self->evidence_rows, row);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (self), row);
    }

  /* Enabling expansion also expands the row: the evidence stays folded until asked for. */
  if (adw_expander_row_get_enable_expansion (ADW_EXPANDER_ROW (self)) != (n > 0))
    {
      adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (self), n > 0);
      adw_expander_row_set_expanded (ADW_EXPANDER_ROW (self), FALSE);
    }
}

/**
 * mutual_step_row_new:
 * @step: a step of a probe, running or finished
 */
GtkWidget *
mutual_step_row_new (MutualProbeStep *step)
{
  MutualStepRow *self;
  GListModel *evidence;

  g_return_val_if_fail (MUTUAL_IS_PROBE_STEP (step), NULL);

  self = g_object_new (MUTUAL_TYPE_STEP_ROW, NULL);
  self->step = g_object_ref (step);
  evidence = mutual_probe_step_get_evidence (step);

  /* Step titles and summaries are plain text. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), mutual_probe_step_get_title (step));

  g_signal_connect_object (step, "notify", G_CALLBACK (step_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (evidence, "items-changed", G_CALLBACK (evidence_changed_cb), self,
                           G_CONNECT_SWAPPED);
  evidence_changed_cb (self, 0, 0, g_list_model_get_n_items (evidence), evidence);
  show_status (self);

  return GTK_WIDGET (self);
}

static void
mutual_step_row_dispose (GObject *object)
{
  MutualStepRow *self = MUTUAL_STEP_ROW (object);

  if (self->step != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->step, self);
      g_signal_handlers_disconnect_by_data (mutual_probe_step_get_evidence (self->step), self);
    }
  g_ptr_array_set_size (self->evidence_rows, 0);

  G_OBJECT_CLASS (mutual_step_row_parent_class)->dispose (object);
}

static void
mutual_step_row_finalize (GObject *object)
{
  MutualStepRow *self = MUTUAL_STEP_ROW (object);

  g_clear_object (&self->step);
  g_clear_pointer (&self->evidence_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (mutual_step_row_parent_class)->finalize (object);
}

static void
mutual_step_row_class_init (MutualStepRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mutual_step_row_dispose;
  object_class->finalize = mutual_step_row_finalize;
}

static void
mutual_step_row_init (MutualStepRow *self)
{
  GtkWidget *status = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

  self->evidence_rows = g_ptr_array_new ();

  /* The icon and the spinner share one slot: only one of them is visible. */
  self->status_image = gtk_image_new ();
  self->spinner = gtk_spinner_new ();
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->spinner), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Running"), -1);
  gtk_widget_set_valign (status, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (status), self->status_image);
  gtk_box_append (GTK_BOX (status), self->spinner);
  adw_expander_row_add_prefix (ADW_EXPANDER_ROW (self), status);

  self->duration_label = gtk_label_new (NULL);
  gtk_widget_set_valign (self->duration_label, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (self->duration_label, "numeric");
  gtk_widget_add_css_class (self->duration_label, "dim-label");
  adw_expander_row_add_action (ADW_EXPANDER_ROW (self), self->duration_label);
}
