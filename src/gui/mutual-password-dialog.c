/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "mutual-password-dialog.h"

/* Asks for the password of an encrypted key or PKCS#12 file.
 *
 * AdwMessageDialog closes itself when a response button is clicked. This one stays open
 * after "unlock" until its owner calls mutual_password_dialog_finish(): the owner tries
 * the password first, and on a wrong one the dialog says so and the user tries again in
 * the same dialog, with the text selected.
 *
 * The password lives only in the entry's buffer (GtkPasswordEntryBuffer, in non-pageable
 * memory that is cleared when freed); callers pass it on without copying it, and the
 * entry is emptied when the dialog finishes. */

struct _MutualPasswordDialog
{
  AdwMessageDialog parent_instance;

  char *source;
  gboolean finished;
  gboolean wrong_password;
  gboolean in_close_request;

  /* Template children */
  GtkPasswordEntry *entry;
  GtkRevealer *error_revealer;
  GtkLabel *error_label;
};

G_DEFINE_FINAL_TYPE (MutualPasswordDialog, mutual_password_dialog, ADW_TYPE_MESSAGE_DIALOG)

enum {
  PROP_0,
  PROP_SOURCE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * mutual_password_dialog_new:
 * @source: the name of the encrypted input, as the user knows it
 */
MutualPasswordDialog *
mutual_password_dialog_new (GtkWindow  *parent,
                            const char *source)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (source != NULL, NULL);

  return g_object_new (MUTUAL_TYPE_PASSWORD_DIALOG,
                       "transient-for", parent,
                       "source", source,
                       NULL);
}

const char *
mutual_password_dialog_get_source (MutualPasswordDialog *self)
{
  g_return_val_if_fail (MUTUAL_IS_PASSWORD_DIALOG (self), NULL);

  return self->source;
}

/**
 * mutual_password_dialog_get_password:
 *
 * Returns: the password typed, owned by the entry; do not keep it
 */
const char *
mutual_password_dialog_get_password (MutualPasswordDialog *self)
{
  g_return_val_if_fail (MUTUAL_IS_PASSWORD_DIALOG (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->entry));
}

/**
 * mutual_password_dialog_set_busy:
 *
 * While the password is being tried, it cannot be changed or tried again.
 */
void
mutual_password_dialog_set_busy (MutualPasswordDialog *self,
                                 gboolean              busy)
{
  g_return_if_fail (MUTUAL_IS_PASSWORD_DIALOG (self));

  /* Read-only rather than insensitive: the entry keeps the focus, and GTK 4.8's text
   * widget warns when it loses the focus by becoming insensitive. */
  gtk_editable_set_editable (GTK_EDITABLE (self->entry), !busy);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "unlock", !busy);
}

/**
 * mutual_password_dialog_show_wrong_password:
 *
 * Says that the password did not work, and selects it so that typing replaces it.
 */
void
mutual_password_dialog_show_wrong_password (MutualPasswordDialog *self)
{
  g_return_if_fail (MUTUAL_IS_PASSWORD_DIALOG (self));

  self->wrong_password = TRUE;
  mutual_password_dialog_set_busy (self, FALSE);
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->entry), "error");
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->entry),
                               GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                               -1);
  gtk_editable_select_region (GTK_EDITABLE (self->entry), 0, -1);
}

/**
 * mutual_password_dialog_get_wrong_password:
 *
 * Returns: whether the dialog says that the last password was wrong
 */
gboolean
mutual_password_dialog_get_wrong_password (MutualPasswordDialog *self)
{
  g_return_val_if_fail (MUTUAL_IS_PASSWORD_DIALOG (self), FALSE);

  return self->wrong_password;
}

/**
 * mutual_password_dialog_finish:
 *
 * Empties the entry and destroys the dialog.
 */
void
mutual_password_dialog_finish (MutualPasswordDialog *self)
{
  g_return_if_fail (MUTUAL_IS_PASSWORD_DIALOG (self));

  if (self->finished)
    return;

  self->finished = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->entry), "");
  /* GTK 4.8's password entry crashes when its window goes while it has the focus: its
   * text widget outlives it as the window's focus and notifies it. */
  gtk_window_set_focus (GTK_WINDOW (self), NULL);
  /* Closed with Escape: the window is destroyed once its close request returns. */
  if (!self->in_close_request)
    gtk_window_destroy (GTK_WINDOW (self));
}

static void
entry_changed_cb (MutualPasswordDialog *self,
                  GtkEditable          *entry)
{
  /* A new password has not been found wrong yet. */
  if (!self->wrong_password)
    return;

  self->wrong_password = FALSE;
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
  gtk_widget_remove_css_class (GTK_WIDGET (self->entry), "error");
  gtk_accessible_reset_state (GTK_ACCESSIBLE (self->entry), GTK_ACCESSIBLE_STATE_INVALID);
}

static gboolean
mutual_password_dialog_close_request (GtkWindow *window)
{
  MutualPasswordDialog *self = MUTUAL_PASSWORD_DIALOG (window);

  if (self->finished)
    return GTK_WINDOW_CLASS (mutual_password_dialog_parent_class)->close_request (window);

  /* The parent emits the close response ("cancel") when the dialog is closed with
   * Escape, and nothing when a response button closes it. Either way the window stays
   * unless the response handler finished the dialog. */
  self->in_close_request = TRUE;
  GTK_WINDOW_CLASS (mutual_password_dialog_parent_class)->close_request (window);
  self->in_close_request = FALSE;

  return !self->finished;
}

static void
mutual_password_dialog_constructed (GObject *object)
{
  MutualPasswordDialog *self = MUTUAL_PASSWORD_DIALOG (object);

  G_OBJECT_CLASS (mutual_password_dialog_parent_class)->constructed (object);

  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (self),
                                  /* Translators: %s is a file name, or "Clipboard". */
                                  _("“%s” is protected with a password. Enter it to see the "
                                    "certificates and keys inside."),
                                  self->source);
}

static void
mutual_password_dialog_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  MutualPasswordDialog *self = MUTUAL_PASSWORD_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SOURCE:
      g_value_set_string (value, self->source);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mutual_password_dialog_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  MutualPasswordDialog *self = MUTUAL_PASSWORD_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SOURCE:
      self->source = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mutual_password_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), MUTUAL_TYPE_PASSWORD_DIALOG);

  G_OBJECT_CLASS (mutual_password_dialog_parent_class)->dispose (object);
}

static void
mutual_password_dialog_finalize (GObject *object)
{
  MutualPasswordDialog *self = MUTUAL_PASSWORD_DIALOG (object);

  g_clear_pointer (&self->source, g_free);

  G_OBJECT_CLASS (mutual_password_dialog_parent_class)->finalize (object);
}

static void
mutual_password_dialog_class_init (MutualPasswordDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = mutual_password_dialog_constructed;
  object_class->dispose = mutual_password_dialog_dispose;
  object_class->finalize = mutual_password_dialog_finalize;
  object_class->get_property = mutual_password_dialog_get_property;
  object_class->set_property = mutual_password_dialog_set_property;

  window_class->close_request = mutual_password_dialog_close_request;

  properties[PROP_SOURCE] =
    g_param_spec_string ("source", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE_PATH "/mutual-password-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, MutualPasswordDialog, entry);
  gtk_widget_class_bind_template_child (widget_class, MutualPasswordDialog, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, MutualPasswordDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, entry_changed_cb);
}

static void
mutual_password_dialog_init (MutualPasswordDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
