/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "mutual-enroll-dialog.h"
#include "mutual-window-private.h"

/* win.enroll: the enrollment dialog, from the primary menu and the sidebar's empty
 * state. The identity it stores is selected in the sidebar as soon as the store lists
 * it, as an imported one is. */

static MutualIdentity *
find_listed (MutualWindow *self,
             const char   *id)
{
  GListModel *model = G_LIST_MODEL (self->identities);

  for (guint i = 0; model != NULL && i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(MutualIdentity) identity = g_list_model_get_item (model, i);

      if (g_str_equal (mutual_identity_get_id (identity), id))
        return g_steal_pointer (&identity);
    }
  return NULL;
}

static void
enrolled_cb (MutualWindow       *self,
             MutualIdentity     *identity,
             MutualEnrollDialog *dialog)
{
  g_autofree char *escaped = g_markup_escape_text (mutual_identity_get_label (identity), -1);
  g_autoptr(MutualIdentity) listed = NULL;

  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  /* Translators: %s is the label of an identity. */
  mutual_window_add_toast (self, adw_toast_new_format (_("Enrolled “%s”"), escaped));
  listed = find_listed (self, mutual_identity_get_id (identity));
  if (listed != NULL)
    {
      mutual_window_show_identity (self, listed);
    }
  else
    {
      g_free (self->select_when_listed);
      self->select_when_listed = g_strdup (mutual_identity_get_id (identity));
      mutual_window_refresh_identities (self);
    }
}

static void
enroll_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  MutualWindow *self = MUTUAL_WINDOW (widget);
  MutualEnrollDialog *dialog;

  dialog = mutual_enroll_dialog_new (GTK_WINDOW (self), mutual_window_get_identity_store (self));
  g_signal_connect_object (dialog, "enrolled", G_CALLBACK (enrolled_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
_mutual_window_enroll_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.enroll", NULL, enroll_action_cb);
}
