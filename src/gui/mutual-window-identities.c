/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mutual-identity-row.h"
#include "mutual-identity-view.h"
#include "mutual-password-dialog.h"
#include "mutual-window-private.h"

/* The window's identities: the sidebar lists the application's MutualIdentityStore, and
 * the identity selected there is shown in a tab of the content area (one tab, reused as
 * the selection moves). The identity.* actions work on that identity.
 *
 * The store is refreshed when the window is shown and whenever it becomes active: the
 * Secret Service announces changes, which the store watches, but the Secret portal
 * inside Flatpak does not. When the keyring cannot be read, the sidebar says why and
 * offers to retry, so that a locked or missing keyring never looks like an empty one.
 *
 * Deleting is undoable without ever reading the key back: the identity is hidden from
 * the sidebar at once, and removed from the keyring only when the toast that offers to
 * undo goes away. Closing the window removes every deletion still pending; keyring
 * writes keep the application running until they are done. If the process is killed
 * while a toast is shown, the identity stays in the keyring: nothing is lost.
 *
 * Importing reads each file with the core (asking for passwords), merges what they hold
 * into one identity and stores it. When a certificate comes without its key, or a key
 * without its certificate, the window offers to pick the missing file. */

static const char *const identity_actions[] = {
  "identity.export",
  "identity.rename",
  "identity.copy-fingerprint",
  "identity.delete",
};

/* Helpers */

static gboolean
window_closed (MutualWindow *self)
{
  /* The window's cancellable is cancelled when it is closed or destroyed. */
  return g_cancellable_is_cancelled (self->cancellable);
}

static void
show_error_dialog (MutualWindow *self,
                   const char   *heading,
                   const char   *message)
{
  AdwMessageDialog *dialog;

  /* The core's message says what happened and what to do, in its own words. */
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, message));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  adw_message_dialog_set_default_response (dialog, "close");
  adw_message_dialog_set_close_response (dialog, "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_toast (MutualWindow *self,
           AdwToast     *toast)
{
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static MutualIdentity *
find_identity (GListModel *model,
               const char *id)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(MutualIdentity) identity = g_list_model_get_item (model, i);

      if (g_str_equal (mutual_identity_get_id (identity), id))
        return g_steal_pointer (&identity);
    }
  return NULL;
}

static GtkListBoxRow *
find_row (MutualWindow *self,
          const char   *id)
{
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->identity_list, i)) != NULL; i++)
    {
      MutualIdentity *identity = mutual_identity_row_get_identity (MUTUAL_IDENTITY_ROW (row));

      if (g_str_equal (mutual_identity_get_id (identity), id))
        return row;
    }
  return NULL;
}

/* The identity of the selected tab, which the identity.* actions work on. */
static MutualIdentity *
current_identity (MutualWindow *self)
{
  MutualIdentityView *view = mutual_window_get_identity_view (self);

  return view != NULL ? mutual_identity_view_get_identity (view) : NULL;
}

/* A keyring write (adding, renaming, exporting, removing) keeps the application running
 * until it is done, even when its window is closed meanwhile: a write cut short is
 * harmless to the store, but it is not what the user asked for. */
typedef struct
{
  GWeakRef window;
  GApplication *application;
  MutualIdentity *identity;
  GFile *file;
} Write;

static Write *
write_new (MutualWindow   *self,
           MutualIdentity *identity)
{
  Write *write = g_new0 (Write, 1);
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));

  g_weak_ref_init (&write->window, self);
  write->application = application != NULL ? g_object_ref (G_APPLICATION (application)) : NULL;
  if (write->application != NULL)
    g_application_hold (write->application);
  write->identity = identity != NULL ? g_object_ref (identity) : NULL;

  return write;
}

static void
write_free (Write *write)
{
  if (write->application != NULL)
    g_application_release (write->application);
  g_clear_object (&write->application);
  g_weak_ref_clear (&write->window);
  g_clear_object (&write->identity);
  g_clear_object (&write->file);
  g_free (write);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Write, write_free)

/* The window the write was started from, if it is still open. */
static MutualWindow *
write_get_window (Write *write)
{
  MutualWindow *self = g_weak_ref_get (&write->window);

  if (self != NULL && window_closed (self))
    g_clear_object (&self);
  return self;
}

/* The sidebar */

static void
update_sidebar (MutualWindow *self)
{
  const char *page;

  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;

  if (self->retrying)
    {
      page = "loading";
    }
  else if (self->refresh_error != NULL)
    {
      const char *title;
      const char *icon;

      if (g_error_matches (self->refresh_error, MUTUAL_ERROR, MUTUAL_ERROR_KEYRING_LOCKED))
        {
          title = _("Keyring Locked");
          icon = "system-lock-screen-symbolic";
        }
      else if (g_error_matches (self->refresh_error, MUTUAL_ERROR, MUTUAL_ERROR_TIMED_OUT))
        {
          title = _("Keyring Not Responding");
          icon = "dialog-warning-symbolic";
        }
      else if (g_error_matches (self->refresh_error, MUTUAL_ERROR, MUTUAL_ERROR_KEYRING_UNAVAILABLE))
        {
          title = _("No Keyring");
          icon = "dialog-warning-symbolic";
        }
      else
        {
          title = _("Cannot Read the Keyring");
          icon = "dialog-warning-symbolic";
        }
      adw_status_page_set_title (self->error_page, title);
      adw_status_page_set_icon_name (self->error_page, icon);
      adw_status_page_set_description (self->error_page, self->refresh_error->message);
      page = "error";
    }
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->identities)) > 0)
    {
      page = "list";
    }
  else if (!self->refreshed)
    {
      page = "loading";
    }
  else
    {
      page = "empty";
    }

  gtk_stack_set_visible_child_name (self->sidebar_stack, page);
}

static void refresh_identities (MutualWindow *self);

static void
refresh_cb (GObject      *source_object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(MutualWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  mutual_identity_store_refresh_finish (MUTUAL_IDENTITY_STORE (source_object), result, &error);
  if (window_closed (self))
    return;

  self->refreshing = FALSE;
  self->refreshed = TRUE;
  self->retrying = FALSE;
  g_clear_error (&self->refresh_error);
  if (error != NULL)
    {
      g_debug ("Cannot list the identities: %s", error->message);
      self->refresh_error = g_steal_pointer (&error);
    }
  update_sidebar (self);

  if (self->refresh_again)
    {
      self->refresh_again = FALSE;
      refresh_identities (self);
    }
}

static void bind_store (MutualWindow *self);

static void
refresh_identities (MutualWindow *self)
{
  bind_store (self);

  /* One refresh at a time; a request meanwhile runs once the current one is done. */
  if (self->refreshing)
    {
      self->refresh_again = TRUE;
      return;
    }

  self->refreshing = TRUE;
  mutual_identity_store_refresh_async (self->store, self->cancellable, refresh_cb,
                                       g_object_ref (self));
}

/**
 * mutual_window_refresh_identities:
 *
 * Reads the list of identities from the keyring again, and shows why in the sidebar if
 * it cannot be read.
 */
void
mutual_window_refresh_identities (MutualWindow *self)
{
  g_return_if_fail (MUTUAL_IS_WINDOW (self));

  refresh_identities (self);
}

/**
 * mutual_window_get_identity_store:
 *
 * Returns: (transfer none): the store the sidebar lists
 */
MutualIdentityStore *
mutual_window_get_identity_store (MutualWindow *self)
{
  g_return_val_if_fail (MUTUAL_IS_WINDOW (self), NULL);

  return self->store;
}

static void
refresh_action_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  MutualWindow *self = MUTUAL_WINDOW (widget);

  /* The click shows at once, also when the keyring takes its time to answer. */
  self->retrying = TRUE;
  update_sidebar (self);
  refresh_identities (self);
}

static void
is_active_changed_cb (MutualWindow *self,
                      GParamSpec   *pspec,
                      gpointer      user_data)
{
  /* Inside Flatpak the keyring announces no changes: coming back to the window is when
   * changes made meanwhile (by mutualctl, say) are looked for. */
  if (gtk_window_is_active (GTK_WINDOW (self)))
    refresh_identities (self);
}

static void
window_mapped_cb (MutualWindow *self,
                  gpointer      user_data)
{
  refresh_identities (self);
}

static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  return mutual_identity_row_new (MUTUAL_IDENTITY (item));
}

static gboolean
filter_cb (gpointer item,
           gpointer user_data)
{
  MutualWindow *self = user_data;

  /* Deleted, but still undoable. */
  return !g_hash_table_contains (self->deletions, mutual_identity_get_id (MUTUAL_IDENTITY (item)));
}

/* The sidebar's selection follows the selected tab: the identity it shows, or none. */
static void
sync_selection (MutualWindow *self)
{
  MutualIdentityView *view = mutual_window_get_identity_view (self);
  GtkListBoxRow *row = NULL;

  if (view != NULL)
    row = find_row (self, mutual_identity_get_id (mutual_identity_view_get_identity (view)));

  self->syncing_selection = TRUE;
  if (row != NULL)
    gtk_list_box_select_row (self->identity_list, row);
  else
    gtk_list_box_unselect_all (self->identity_list);
  self->syncing_selection = FALSE;
}

static void
update_identity_actions (MutualWindow *self)
{
  gboolean shown = mutual_window_get_identity_view (self) != NULL;

  for (guint i = 0; i < G_N_ELEMENTS (identity_actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), identity_actions[i], shown);
  gtk_widget_set_visible (self->identity_menu_button, shown);
}

void
_mutual_window_identities_page_changed (MutualWindow *self)
{
  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;

  sync_selection (self);
  update_identity_actions (self);
}

/* The identity's tab */

static void
identity_can_go_back_changed_cb (MutualWindow       *self,
                                 GParamSpec         *pspec,
                                 MutualIdentityView *view)
{
  _mutual_window_update_navigation (self);
}

static void
update_identity_page (MutualWindow *self)
{
  MutualIdentityView *view;
  MutualIdentity *identity;
  g_autofree char *tooltip = NULL;

  if (self->identity_page == NULL)
    return;

  view = MUTUAL_IDENTITY_VIEW (adw_tab_page_get_child (self->identity_page));
  identity = mutual_identity_view_get_identity (view);
  tooltip = g_markup_escape_text (mutual_identity_get_subject (identity), -1);
  adw_tab_page_set_title (self->identity_page, mutual_identity_get_label (identity));
  adw_tab_page_set_tooltip (self->identity_page, tooltip);
}

static AdwTabPage *
insert_identity_page (MutualWindow   *self,
                      MutualIdentity *identity,
                      int             position)
{
  GtkWidget *view = mutual_identity_view_new (self->store, identity);
  g_autoptr(GIcon) icon = g_themed_icon_new ("dialog-password-symbolic");
  AdwTabPage *page;

  page = adw_tab_view_insert (self->tab_view, view, position);
  adw_tab_page_set_icon (page, icon);
  g_signal_connect_object (view, "notify::can-go-back",
                           G_CALLBACK (identity_can_go_back_changed_cb), self, G_CONNECT_SWAPPED);

  return page;
}

/**
 * mutual_window_show_identity:
 *
 * Shows @identity in the identity tab, and selects it in the sidebar.
 */
void
mutual_window_show_identity (MutualWindow   *self,
                             MutualIdentity *identity)
{
  MutualIdentityView *view;

  g_return_if_fail (MUTUAL_IS_WINDOW (self));
  g_return_if_fail (MUTUAL_IS_IDENTITY (identity));

  view = self->identity_page != NULL
         ? MUTUAL_IDENTITY_VIEW (adw_tab_page_get_child (self->identity_page))
         : NULL;

  if (view != NULL && g_str_equal (mutual_identity_get_id (mutual_identity_view_get_identity (view)),
                                   mutual_identity_get_id (identity)))
    {
      mutual_identity_view_set_identity (view, identity);
    }
  else if (view != NULL)
    {
      /* Another identity: a fresh view in the same tab, so that its scroll position and
       * its pages do not carry over. The new page is selected before the old one goes,
       * so that the selection does not jump to a neighbour meanwhile. */
      AdwTabPage *old = self->identity_page;

      self->identity_page = insert_identity_page (self, identity,
                                                  adw_tab_view_get_page_position (self->tab_view, old));
      adw_tab_view_set_selected_page (self->tab_view, self->identity_page);
      adw_tab_view_close_page (self->tab_view, old);
    }
  else
    {
      self->identity_page = insert_identity_page (self, identity, 0);
    }

  update_identity_page (self);
  adw_tab_view_set_selected_page (self->tab_view, self->identity_page);
  /* When the page was selected already, nothing else says that the identity changed. */
  _mutual_window_update_title (self);
  _mutual_window_update_navigation (self);
  _mutual_window_identities_page_changed (self);
}

static void
page_detached_cb (MutualWindow *self,
                  AdwTabPage   *page,
                  int           position,
                  AdwTabView   *tab_view)
{
  if (page != self->identity_page)
    return;

  self->identity_page = NULL;
  _mutual_window_identities_page_changed (self);
}

static void
identity_selected_cb (MutualWindow  *self,
                      GtkListBoxRow *row,
                      GtkListBox    *list)
{
  /* The selection also goes when rows are replaced, or when another tab is selected:
   * only a row the user selects shows an identity. */
  if (self->syncing_selection || row == NULL)
    return;

  mutual_window_show_identity (self, mutual_identity_row_get_identity (MUTUAL_IDENTITY_ROW (row)));
}

static void
identity_activated_cb (MutualWindow  *self,
                       GtkListBoxRow *row,
                       GtkListBox    *list)
{
  mutual_window_show_identity (self, mutual_identity_row_get_identity (MUTUAL_IDENTITY_ROW (row)));

  /* In a narrow window, the identity is on the next page. */
  adw_leaflet_set_visible_child (self->leaflet, self->content);
}

/* What the sidebar shows changed: an identity came, went, was renamed or renewed, or a
 * deletion was made or undone. The list box has updated its rows already. */
static void
identities_changed_cb (MutualWindow *self,
                       guint         position,
                       guint         removed,
                       guint         added,
                       GListModel   *model)
{
  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;

  if (self->identity_page != NULL)
    {
      MutualIdentityView *view = MUTUAL_IDENTITY_VIEW (adw_tab_page_get_child (self->identity_page));
      const char *id = mutual_identity_get_id (mutual_identity_view_get_identity (view));
      g_autoptr(MutualIdentity) current = find_identity (model, id);

      if (current == NULL)
        {
          /* Deleted here, or elsewhere. */
          adw_tab_view_close_page (self->tab_view, self->identity_page);
        }
      else
        {
          mutual_identity_view_set_identity (view, current);
          update_identity_page (self);
          _mutual_window_update_title (self);
        }
    }

  if (self->select_when_listed != NULL)
    {
      g_autoptr(MutualIdentity) listed = find_identity (model, self->select_when_listed);

      if (listed != NULL)
        {
          g_clear_pointer (&self->select_when_listed, g_free);
          mutual_window_show_identity (self, listed);
        }
    }

  sync_selection (self);
  update_sidebar (self);
}

/* Deleting, with undo */

typedef struct
{
  MutualWindow *window;
  MutualIdentity *identity;
  AdwToast *toast;
  gboolean committed;
} Deletion;

static void
deletion_disconnect (Deletion *deletion)
{
  if (deletion->toast != NULL)
    g_signal_handlers_disconnect_by_data (deletion->toast, deletion);
}

static void
deletion_free (gpointer data)
{
  Deletion *deletion = data;

  deletion_disconnect (deletion);
  g_clear_object (&deletion->toast);
  g_clear_object (&deletion->identity);
  g_free (deletion);
}

static void
removed_cb (GObject      *source_object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Write) write = user_data;
  g_autoptr(MutualWindow) self = write_get_window (write);
  g_autoptr(GError) error = NULL;
  const char *id = mutual_identity_get_id (write->identity);

  if (mutual_identity_store_remove_finish (MUTUAL_IDENTITY_STORE (source_object), result, &error))
    return;

  if (self == NULL)
    {
      g_message ("Could not delete the identity %s: %s", id, error->message);
      return;
    }

  /* It is still there: show it again, and say why. */
  g_hash_table_remove (self->deletions, id);
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_LESS_STRICT);
  show_error_dialog (self, _("Could Not Delete the Identity"), error->message);
}

static void
deletion_commit (Deletion *deletion)
{
  MutualWindow *self = deletion->window;

  if (deletion->committed)
    return;

  deletion->committed = TRUE;
  deletion_disconnect (deletion);
  /* Not cancellable: the user was told it is deleted. */
  mutual_identity_store_remove_async (self->store, deletion->identity, NULL, removed_cb,
                                      write_new (self, deletion->identity));
}

static void
deletion_dismissed_cb (AdwToast *toast,
                       gpointer  user_data)
{
  deletion_commit (user_data);
}

static void
deletion_undo_cb (AdwToast *toast,
                  gpointer  user_data)
{
  Deletion *deletion = user_data;
  MutualWindow *self = deletion->window;
  g_autoptr(MutualIdentity) identity = g_object_ref (deletion->identity);

  /* The toast hides itself; its "dismissed" must not delete now. */
  g_hash_table_remove (self->deletions, mutual_identity_get_id (identity));
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_LESS_STRICT);

  /* Back where it was, as if nothing happened. */
  g_clear_pointer (&self->select_when_listed, g_free);
  if (find_row (self, mutual_identity_get_id (identity)) != NULL)
    mutual_window_show_identity (self, identity);
}

static void
delete_identity (MutualWindow   *self,
                 MutualIdentity *identity)
{
  Deletion *deletion = g_new0 (Deletion, 1);
  /* Toast titles are Pango markup; labels are not. */
  g_autofree char *escaped = g_markup_escape_text (mutual_identity_get_label (identity), -1);

  deletion->window = self;
  deletion->identity = g_object_ref (identity);
  /* Translators: %s is the label of an identity. */
  deletion->toast = g_object_ref (adw_toast_new_format (_("Deleted “%s”"), escaped));
  adw_toast_set_button_label (deletion->toast, _("_Undo"));
  g_signal_connect (deletion->toast, "button-clicked", G_CALLBACK (deletion_undo_cb), deletion);
  g_signal_connect (deletion->toast, "dismissed", G_CALLBACK (deletion_dismissed_cb), deletion);

  g_hash_table_replace (self->deletions, g_strdup (mutual_identity_get_id (identity)), deletion);
  /* Hidden at once; its tab closes as the sidebar changes. */
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_MORE_STRICT);
  add_toast (self, deletion->toast);
}

/* Removes from the keyring every deletion whose toast is still shown. */
static void
commit_deletions (MutualWindow *self)
{
  GHashTableIter iter;
  gpointer value;

  if (self->deletions == NULL)
    return;

  g_hash_table_iter_init (&iter, self->deletions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    deletion_commit (value);
}

static void
store_changed_cb (MutualWindow *self,
                  guint         position,
                  guint         removed,
                  guint         added,
                  GListModel   *store)
{
  GHashTableIter iter;
  gpointer value;

  /* The keyring answered: whatever kept it from answering before is over. */
  if (self->refresh_error != NULL)
    {
      g_clear_error (&self->refresh_error);
      update_sidebar (self);
    }

  /* Deletions are forgotten once the store no longer lists their identity. */
  g_hash_table_iter_init (&iter, self->deletions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Deletion *deletion = value;
      g_autoptr(MutualIdentity) listed = NULL;

      if (!deletion->committed)
        continue;
      listed = find_identity (store, mutual_identity_get_id (deletion->identity));
      if (listed == NULL)
        g_hash_table_iter_remove (&iter);
    }
}

static void
delete_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  MutualWindow *self = user_data;
  MutualIdentity *identity = g_object_get_data (G_OBJECT (dialog), "mutual-identity");

  if (g_str_equal (response, "delete"))
    delete_identity (self, identity);
}

static void
delete_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  MutualWindow *self = MUTUAL_WINDOW (widget);
  MutualIdentity *identity = current_identity (self);
  AdwMessageDialog *dialog;

  if (identity == NULL)
    return;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), NULL, NULL));
  /* Translators: %s is the label of an identity. */
  adw_message_dialog_format_heading (dialog, _("Delete “%s”?"),
                                     mutual_identity_get_label (identity));
  adw_message_dialog_set_body (dialog, _("The certificate and its private key will be removed from "
                                         "the keyring. Export the identity first if you may need "
                                         "it again."));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "mutual-identity", g_object_ref (identity),
                          g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Renaming */

static void
renamed_cb (GObject      *source_object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Write) write = user_data;
  g_autoptr(MutualWindow) self = write_get_window (write);
  g_autoptr(MutualIdentity) renamed = NULL;
  g_autoptr(GError) error = NULL;

  renamed = mutual_identity_store_rename_finish (MUTUAL_IDENTITY_STORE (source_object), result, &error);
  if (renamed != NULL || self == NULL)
    return;

  show_error_dialog (self, _("Could Not Rename the Identity"), error->message);
}

static char *
entered_label (GtkEditable *entry)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (entry)));
}

static void
rename_entry_changed_cb (AdwMessageDialog *dialog,
                         GtkEditable      *entry)
{
  MutualIdentity *identity = g_object_get_data (G_OBJECT (dialog), "mutual-identity");
  g_autofree char *label = entered_label (entry);

  adw_message_dialog_set_response_enabled (dialog, "rename",
                                           label[0] != '\0' &&
                                           !g_str_equal (label, mutual_identity_get_label (identity)));
}

static void
rename_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  MutualWindow *self = user_data;
  MutualIdentity *identity = g_object_get_data (G_OBJECT (dialog), "mutual-identity");
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  g_autofree char *label = NULL;

  if (!g_str_equal (response, "rename"))
    return;

  label = entered_label (entry);
  mutual_identity_store_rename_async (self->store, identity, label, NULL, renamed_cb,
                                      write_new (self, identity));
}

static void
rename_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  MutualWindow *self = MUTUAL_WINDOW (widget);
  MutualIdentity *identity = current_identity (self);
  AdwMessageDialog *dialog;
  GtkWidget *entry;

  if (identity == NULL)
    return;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Rename Identity"),
                                                       NULL));
  adw_message_dialog_format_body (dialog,
                                  /* Translators: the label, then the id of an identity. */
                                  _("Choose a new label for “%s”. Its id, %s, stays the same."),
                                  mutual_identity_get_label (identity),
                                  mutual_identity_get_id (identity));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "rename", _("_Rename"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "rename", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "rename");
  adw_message_dialog_set_close_response (dialog, "cancel");
  adw_message_dialog_set_response_enabled (dialog, "rename", FALSE);
  g_object_set_data_full (G_OBJECT (dialog), "mutual-identity", g_object_ref (identity),
                          g_object_unref);

  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), mutual_identity_get_label (identity));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Label"),
                                  -1);
  g_signal_connect_object (entry, "changed", G_CALLBACK (rename_entry_changed_cb), dialog,
                           G_CONNECT_SWAPPED);
  adw_message_dialog_set_extra_child (dialog, entry);

  g_signal_connect_object (dialog, "response", G_CALLBACK (rename_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  /* Typing replaces the label; the arrow keys edit it. */
  gtk_widget_grab_focus (entry);
  gtk_editable_select_region (GTK_EDITABLE (entry), 0, -1);
}

/* Copying the fingerprint */

static void
copy_fingerprint_action_cb (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  MutualWindow *self = MUTUAL_WINDOW (widget);
  MutualIdentity *identity = current_identity (self);

  if (identity == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), mutual_identity_get_sha256 (identity));
  add_toast (self, adw_toast_new (_("Copied")));
}

/* Exporting: the format and the password first, then where to */

typedef struct
{
  /* Weak: a dialog left open does not keep the window. */
  MutualWindow *window;
  MutualIdentityStore *store;
  MutualIdentity *identity;
  /* Hidden, not destroyed, while the file is chosen: the password stays in its entry's
   * non-pageable buffer and is never copied. */
  AdwMessageDialog *dialog;
  GtkCheckButton *pkcs12_check;
  GtkEditable *password;
  GtkEditable *confirm;
  GtkLabel *hint;
  GtkFileChooserNative *chooser;
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  gtk_editable_set_text (job->password, "");
  gtk_editable_set_text (job->confirm, "");
  /* GTK 4.8's password text crashes when its window goes while it has the focus. */
  gtk_window_set_focus (GTK_WINDOW (job->dialog), NULL);
  gtk_window_destroy (GTK_WINDOW (job->dialog));
  g_clear_object (&job->dialog);
  if (job->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (job->chooser));
  g_clear_object (&job->chooser);
  g_clear_object (&job->identity);
  g_clear_object (&job->store);
  g_clear_weak_pointer (&job->window);
  g_free (job);
}

static gboolean
export_job_free_cb (gpointer data)
{
  export_job_free (data);
  return G_SOURCE_REMOVE;
}

/* From one of the job's own dialogs' handlers: once they have returned. */
static void
export_job_finish (ExportJob *job)
{
  g_idle_add (export_job_free_cb, job);
}

static MutualExportFormat
export_job_get_format (ExportJob *job)
{
  return gtk_check_button_get_active (job->pkcs12_check) ? MUTUAL_EXPORT_PKCS12 : MUTUAL_EXPORT_PEM;
}

static void
export_job_update (ExportJob *job)
{
  const char *password = gtk_editable_get_text (job->password);
  const char *confirm = gtk_editable_get_text (job->confirm);
  gboolean pkcs12 = export_job_get_format (job) == MUTUAL_EXPORT_PKCS12;
  gboolean matching = g_str_equal (password, confirm);
  const char *hint;
  gboolean valid;

  if (!matching && confirm[0] != '\0')
    {
      hint = _("The passwords do not match.");
      valid = FALSE;
    }
  else if (pkcs12)
    {
      hint = _("A PKCS#12 file needs a password, entered twice.");
      valid = password[0] != '\0' && matching;
    }
  else if (password[0] == '\0')
    {
      hint = _("Without a password, the private key is written unencrypted.");
      valid = confirm[0] == '\0';
    }
  else
    {
      hint = _("The private key is encrypted with this password, entered twice.");
      valid = matching;
    }

  gtk_label_set_text (job->hint, hint);
  if (!matching && confirm[0] != '\0')
    gtk_widget_add_css_class (GTK_WIDGET (job->hint), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (job->hint), "error");
  adw_message_dialog_set_response_enabled (job->dialog, "choose", valid);
}

/* Swapped: @emitter is the check button or the entry that changed. */
static void
export_changed_cb (ExportJob *job,
                   gpointer   emitter)
{
  export_job_update (job);
}

static void
exported_cb (GObject      *source_object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Write) write = user_data;
  g_autoptr(MutualWindow) self = write_get_window (write);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *escaped = NULL;

  if (!mutual_identity_store_export_finish (MUTUAL_IDENTITY_STORE (source_object), result, &error))
    {
      if (self != NULL)
        show_error_dialog (self, _("Could Not Export the Identity"), error->message);
      return;
    }

  if (self == NULL)
    return;
  name = g_file_get_basename (write->file);
  escaped = g_markup_escape_text (name, -1);
  /* Translators: %s is a file name. */
  add_toast (self, adw_toast_new_format (_("Exported to %s"), escaped));
}

static void
export_chooser_response_cb (GtkNativeDialog *chooser,
                            int              response,
                            gpointer         user_data)
{
  ExportJob *job = user_data;
  MutualWindow *self = job->window;
  const char *password = gtk_editable_get_text (job->password);
  Write *write;

  if (response == GTK_RESPONSE_ACCEPT && self != NULL && !window_closed (self))
    {
      write = write_new (self, job->identity);
      write->file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      /* The core copies the password into memory it wipes; the entry is emptied next. */
      mutual_identity_store_export_async (job->store, job->identity, export_job_get_format (job),
                                          password[0] != '\0' ? password : NULL, write->file, NULL,
                                          exported_cb, write);
    }

  export_job_finish (job);
}

static void
export_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  ExportJob *job = user_data;
  MutualWindow *self = job->window;
  g_autofree char *name = NULL;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (!g_str_equal (response, "choose") || self == NULL || window_closed (self))
    {
      export_job_finish (job);
      return;
    }

  job->chooser = gtk_file_chooser_native_new (_("Export Identity"), GTK_WINDOW (self),
                                              GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"),
                                              _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (job->chooser), TRUE);
  /* Labels often come from certificate subjects: no path separators in a file name. */
  name = g_strdup_printf ("%s.%s", mutual_identity_get_label (job->identity),
                          export_job_get_format (job) == MUTUAL_EXPORT_PKCS12 ? "p12" : "pem");
  g_strdelimit (name, "/\\", '-');
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (job->chooser), name);
  if (export_job_get_format (job) == MUTUAL_EXPORT_PKCS12)
    {
      gtk_file_filter_set_name (filter, _("PKCS#12 Files"));
      gtk_file_filter_add_suffix (filter, "p12");
      gtk_file_filter_add_suffix (filter, "pfx");
    }
  else
    {
      gtk_file_filter_set_name (filter, _("PEM Files"));
      gtk_file_filter_add_suffix (filter, "pem");
    }
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (job->chooser), filter);
  g_signal_connect (job->chooser, "response", G_CALLBACK (export_chooser_response_cb), job);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (job->chooser));
}

static GtkWidget *
new_format_row (const char      *title,
                const char      *subtitle,
                GtkCheckButton  *check)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (GTK_WIDGET (check), GTK_ALIGN_CENTER);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), GTK_WIDGET (check));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), GTK_WIDGET (check));

  return row;
}

static GtkWidget *
new_boxed_list (void)
{
  GtkWidget *list = gtk_list_box_new ();

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");

  return list;
}

static void
export_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  MutualWindow *self = MUTUAL_WINDOW (widget);
  MutualIdentity *identity = current_identity (self);
  ExportJob *job;
  GtkWidget *box;
  GtkWidget *formats;
  GtkWidget *passwords;
  GtkWidget *pem_check;
  GtkWidget *row;

  if (identity == NULL)
    return;

  job = g_new0 (ExportJob, 1);
  g_set_weak_pointer (&job->window, self);
  job->store = g_object_ref (self->store);
  job->identity = g_object_ref (identity);
  job->dialog = ADW_MESSAGE_DIALOG (g_object_ref_sink (adw_message_dialog_new (GTK_WINDOW (self),
                                                                               NULL, NULL)));
  /* Translators: %s is the label of an identity. */
  adw_message_dialog_format_heading (job->dialog, _("Export “%s”"),
                                     mutual_identity_get_label (identity));
  adw_message_dialog_set_body (job->dialog, _("The file holds the certificate, its chain and the "
                                              "private key. Only you will be able to read it."));
  adw_message_dialog_add_responses (job->dialog,
                                    "cancel", _("_Cancel"),
                                    "choose", _("_Choose File…"),
                                    NULL);
  adw_message_dialog_set_response_appearance (job->dialog, "choose", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (job->dialog, "choose");
  adw_message_dialog_set_close_response (job->dialog, "cancel");
  gtk_window_set_hide_on_close (GTK_WINDOW (job->dialog), TRUE);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  formats = new_boxed_list ();
  job->pkcs12_check = GTK_CHECK_BUTTON (gtk_check_button_new ());
  pem_check = gtk_check_button_new ();
  gtk_check_button_set_group (GTK_CHECK_BUTTON (pem_check), job->pkcs12_check);
  gtk_check_button_set_active (job->pkcs12_check, TRUE);
  gtk_list_box_append (GTK_LIST_BOX (formats),
                       new_format_row (_("PKCS#12"), _("One .p12 file, protected by a password"),
                                       job->pkcs12_check));
  gtk_list_box_append (GTK_LIST_BOX (formats),
                       new_format_row (_("PEM"), _("One text file with the certificates and the key"),
                                       GTK_CHECK_BUTTON (pem_check)));
  gtk_box_append (GTK_BOX (box), formats);

  passwords = new_boxed_list ();
  row = adw_password_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Password"));
  job->password = GTK_EDITABLE (row);
  gtk_list_box_append (GTK_LIST_BOX (passwords), row);
  row = adw_password_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Confirm Password"));
  adw_entry_row_set_activates_default (ADW_ENTRY_ROW (row), TRUE);
  job->confirm = GTK_EDITABLE (row);
  gtk_list_box_append (GTK_LIST_BOX (passwords), row);
  gtk_box_append (GTK_BOX (box), passwords);

  job->hint = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (job->hint, TRUE);
  gtk_label_set_xalign (job->hint, 0.0);
  gtk_widget_add_css_class (GTK_WIDGET (job->hint), "caption");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (job->hint));
  gtk_accessible_update_relation (GTK_ACCESSIBLE (job->confirm),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, job->hint, NULL,
                                  -1);

  adw_message_dialog_set_extra_child (job->dialog, box);

  g_signal_connect_swapped (job->pkcs12_check, "toggled", G_CALLBACK (export_changed_cb), job);
  g_signal_connect_swapped (job->password, "changed", G_CALLBACK (export_changed_cb), job);
  g_signal_connect_swapped (job->confirm, "changed", G_CALLBACK (export_changed_cb), job);
  g_signal_connect (job->dialog, "response", G_CALLBACK (export_response_cb), job);
  export_job_update (job);

  gtk_window_present (GTK_WINDOW (job->dialog));
  gtk_widget_grab_focus (GTK_WIDGET (job->password));
}

/* Importing: every file is read by the core, asking for a password when one is
 * encrypted; what they hold is merged into one identity and stored. */

typedef struct
{
  MutualWindow *window;
  /* The files chosen, then the one picked for the missing part. */
  GPtrArray *files;
  /* What each file held, in the same order, as far as they were read. */
  GPtrArray *bundles;
  GCancellable *cancellable;
  /* Shown once a file turned out to be encrypted. */
  MutualPasswordDialog *dialog;
  GtkFileChooserNative *chooser;
  /* Held while the identity is written. */
  GApplication *application;
} ImportJob;

static void
import_job_clear (gpointer data)
{
  ImportJob *job = data;

  g_clear_weak_pointer (&job->dialog);
  if (job->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (job->chooser));
  g_clear_object (&job->chooser);
  g_clear_object (&job->window);
  g_clear_pointer (&job->files, g_ptr_array_unref);
  g_clear_pointer (&job->bundles, g_ptr_array_unref);
  g_clear_object (&job->cancellable);
  if (job->application != NULL)
    g_application_release (job->application);
  g_clear_object (&job->application);
}

static ImportJob *
import_job_ref (ImportJob *job)
{
  return g_rc_box_acquire (job);
}

static void
import_job_unref (ImportJob *job)
{
  g_rc_box_release_full (job, import_job_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImportJob, import_job_unref)

static void
import_job_closure_notify (gpointer  data,
                           GClosure *closure)
{
  import_job_unref (data);
}

/* "client.pem, client.key": what the files are called together, as the core names a
 * merged bundle. */
static char *
import_job_describe (ImportJob *job)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < job->files->len; i++)
    {
      g_autofree char *name = g_file_get_basename (g_ptr_array_index (job->files, i));

      if (names->len > 0)
        g_string_append (names, ", ");
      g_string_append (names, name);
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static void import_read_cb (GObject      *source_object,
                            GAsyncResult *result,
                            gpointer      user_data);

/* Reads the next file. @password is only passed on: the core copies it and wipes its
 * copy after use. */
static void
import_read_next (ImportJob  *job,
                  const char *password)
{
  GFile *file = g_ptr_array_index (job->files, job->bundles->len);

  mutual_import_file_async (file, password, job->cancellable, import_read_cb, import_job_ref (job));
}

static void
import_password_response_cb (AdwMessageDialog *dialog,
                             const char       *response,
                             gpointer          user_data)
{
  ImportJob *job = user_data;
  MutualPasswordDialog *password_dialog = MUTUAL_PASSWORD_DIALOG (dialog);

  if (g_str_equal (response, "unlock"))
    {
      mutual_password_dialog_set_busy (password_dialog, TRUE);
      import_read_next (job, mutual_password_dialog_get_password (password_dialog));
    }
  else
    {
      g_cancellable_cancel (job->cancellable);
      mutual_password_dialog_finish (password_dialog);
    }
}

static void
import_ask_password (ImportJob *job)
{
  g_autofree char *name = g_file_get_basename (g_ptr_array_index (job->files, job->bundles->len));
  MutualPasswordDialog *dialog = mutual_password_dialog_new (GTK_WINDOW (job->window), name);

  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  /* Translators: %s is a file name. */
                                  _("“%s” is protected with a password. Enter it to import the "
                                    "identity inside."),
                                  name);
  g_set_weak_pointer (&job->dialog, dialog);
  g_signal_connect_data (dialog, "response", G_CALLBACK (import_password_response_cb),
                         import_job_ref (job), import_job_closure_notify, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void import_continue (ImportJob *job);

static void
missing_chooser_response_cb (GtkNativeDialog *chooser,
                             int              response,
                             gpointer         user_data)
{
  g_autoptr(ImportJob) job = user_data;
  g_autoptr(GFile) file = NULL;

  if (response != GTK_RESPONSE_ACCEPT || window_closed (job->window))
    return;

  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_ptr_array_add (job->files, g_steal_pointer (&file));
  import_continue (job);
}

static void
missing_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     gpointer          user_data)
{
  ImportJob *job = user_data;
  gboolean need_key = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "mutual-need-key"));
  g_autoptr(GtkFileFilter) filter = NULL;

  if (!g_str_equal (response, "choose") || window_closed (job->window))
    return;

  if (job->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (job->chooser));
  g_clear_object (&job->chooser);
  job->chooser = gtk_file_chooser_native_new (need_key ? _("Choose the Private Key")
                                                       : _("Choose the Certificate"),
                                              GTK_WINDOW (job->window), GTK_FILE_CHOOSER_ACTION_OPEN,
                                              _("_Choose"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (job->chooser), TRUE);
  /* Beside the files already chosen, where the other part usually is. */
  gtk_file_chooser_set_file (GTK_FILE_CHOOSER (job->chooser), g_ptr_array_index (job->files, 0), NULL);
  filter = _mutual_window_new_certificate_filter ();
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (job->chooser), filter);
  g_signal_connect (job->chooser, "response", G_CALLBACK (missing_chooser_response_cb),
                    import_job_ref (job));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (job->chooser));
}

/* A certificate without its key, or a key without its certificate: the other part is
 * often a file of its own. */
static void
import_offer_missing_part (ImportJob *job,
                           gboolean   need_key)
{
  g_autofree char *names = import_job_describe (job);
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (job->window),
                                                       need_key ? _("Private Key Missing")
                                                                : _("Certificate Missing"),
                                                       NULL));
  if (need_key)
    adw_message_dialog_format_body (dialog,
                                    /* Translators: %s is one file name or several. */
                                    g_dngettext (GETTEXT_PACKAGE,
                                                 "“%s” holds a certificate but not its private key. "
                                                 "Choose the file with the key to store them "
                                                 "together.",
                                                 "“%s” hold a certificate but not its private key. "
                                                 "Choose the file with the key to store them "
                                                 "together.",
                                                 job->files->len),
                                    names);
  else
    adw_message_dialog_format_body (dialog,
                                    /* Translators: %s is one file name or several. */
                                    g_dngettext (GETTEXT_PACKAGE,
                                                 "“%s” holds a private key but not its certificate. "
                                                 "Choose the file with the certificate to store "
                                                 "them together.",
                                                 "“%s” hold a private key but not its certificate. "
                                                 "Choose the file with the certificate to store "
                                                 "them together.",
                                                 job->files->len),
                                    names);
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "choose", _("_Choose File…"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "choose", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "choose");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data (G_OBJECT (dialog), "mutual-need-key", GINT_TO_POINTER (need_key));
  g_signal_connect_data (dialog, "response", G_CALLBACK (missing_response_cb),
                         import_job_ref (job), import_job_closure_notify, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static const char *
import_error_heading (const GError *error)
{
  if (g_error_matches (error, MUTUAL_ERROR, MUTUAL_ERROR_KEY_MISMATCH))
    return _("The Key Does Not Match");
  if (g_error_matches (error, MUTUAL_ERROR, MUTUAL_ERROR_EXISTS))
    return _("Already in the Keyring");
  if (g_error_matches (error, MUTUAL_ERROR, MUTUAL_ERROR_KEYRING_LOCKED))
    return _("Keyring Locked");
  if (g_error_matches (error, MUTUAL_ERROR, MUTUAL_ERROR_KEYRING_UNAVAILABLE) ||
      g_error_matches (error, MUTUAL_ERROR, MUTUAL_ERROR_TIMED_OUT) ||
      g_error_matches (error, MUTUAL_ERROR, MUTUAL_ERROR_PROMPT_DISMISSED))
    return _("Could Not Store the Identity");
  return _("Could Not Import");
}

static void
import_added_cb (GObject      *source_object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(ImportJob) job = user_data;
  MutualWindow *self = job->window;
  g_autoptr(MutualIdentity) identity = NULL;
  g_autoptr(MutualIdentity) listed = NULL;
  g_autoptr(GError) error = NULL;

  identity = mutual_identity_store_add_finish (MUTUAL_IDENTITY_STORE (source_object), result, &error);
  if (job->application != NULL)
    g_application_release (job->application);
  g_clear_object (&job->application);
  if (window_closed (self))
    return;

  if (identity != NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (mutual_identity_get_label (identity), -1);

      /* Translators: %s is the label of an identity. */
      add_toast (self, adw_toast_new_format (_("Imported “%s”"), escaped));
      /* The store lists it once it has refreshed, which may have happened already. */
      listed = find_identity (G_LIST_MODEL (self->identities), mutual_identity_get_id (identity));
      if (listed != NULL)
        {
          mutual_window_show_identity (self, listed);
        }
      else
        {
          g_free (self->select_when_listed);
          self->select_when_listed = g_strdup (mutual_identity_get_id (identity));
        }
      return;
    }

  if (g_error_matches (error, MUTUAL_ERROR, MUTUAL_ERROR_NO_KEY))
    import_offer_missing_part (job, TRUE);
  else if (g_error_matches (error, MUTUAL_ERROR, MUTUAL_ERROR_NO_CERTIFICATE) &&
           job->bundles->len > 0)
    import_offer_missing_part (job, FALSE);
  else
    show_error_dialog (self, import_error_heading (error), error->message);
}

static void
import_continue (ImportJob *job)
{
  g_autofree char *names = NULL;
  g_autoptr(MutualBundle) bundle = NULL;
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (job->window));
  gboolean has_key = FALSE;

  if (job->bundles->len < job->files->len)
    {
      import_read_next (job, NULL);
      return;
    }

  /* A file with neither a key nor a certificate is no half of an identity: the core
   * says what it is instead. */
  for (guint i = 0; i < job->bundles->len; i++)
    has_key |= mutual_bundle_get_keys (g_ptr_array_index (job->bundles, i))->len > 0;

  names = import_job_describe (job);
  bundle = mutual_bundle_new_merged (names, job->bundles);
  if (!has_key && mutual_bundle_get_certificates (bundle)->len == 0)
    {
      g_autoptr(GError) error = NULL;

      mutual_bundle_require_certificate (bundle, &error);
      show_error_dialog (job->window, _("Could Not Import"),
                         error != NULL ? error->message : _("The files hold no identity"));
      return;
    }

  /* Not cancellable, and the application stays until it is done: a write completes. */
  if (application != NULL)
    {
      job->application = g_object_ref (G_APPLICATION (application));
      g_application_hold (job->application);
    }
  mutual_identity_store_add_async (job->window->store, bundle, NULL, NULL, import_added_cb,
                                   import_job_ref (job));
}

static void
import_read_cb (GObject      *source_object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(ImportJob) job = user_data;
  g_autoptr(MutualBundle) bundle = NULL;
  g_autoptr(GError) error = NULL;

  bundle = mutual_import_file_finish (result, &error);

  /* The user cancelled the password dialog, or closed the window. */
  if (g_cancellable_is_cancelled (job->cancellable) || window_closed (job->window))
    {
      if (job->dialog != NULL)
        mutual_password_dialog_finish (job->dialog);
      return;
    }

  if (bundle != NULL)
    {
      if (job->dialog != NULL)
        mutual_password_dialog_finish (job->dialog);
      g_ptr_array_add (job->bundles, g_steal_pointer (&bundle));
      import_continue (job);
      return;
    }

  if (job->dialog == NULL && g_error_matches (error, MUTUAL_ERROR, MUTUAL_ERROR_NEEDS_PASSWORD))
    {
      import_ask_password (job);
      return;
    }
  if (job->dialog != NULL && g_error_matches (error, MUTUAL_ERROR, MUTUAL_ERROR_BAD_PASSWORD))
    {
      mutual_password_dialog_show_wrong_password (job->dialog);
      return;
    }

  if (job->dialog != NULL)
    mutual_password_dialog_finish (job->dialog);
  show_error_dialog (job->window, _("Could Not Import"), error->message);
}

/**
 * mutual_window_import_files:
 * @files: (array length=n_files): one identity: a PKCS#12 file, a PEM bundle, or a
 *   certificate and its key in separate files
 *
 * Reads @files with the core, in worker threads, asking for passwords as needed, and
 * stores what they hold as one identity in the keyring. The new identity is then
 * selected. Errors are shown in the core's words; a certificate without its key (or a
 * key without its certificate) offers to pick the missing file.
 */
void
mutual_window_import_files (MutualWindow  *self,
                            GFile        **files,
                            int            n_files)
{
  g_autoptr(ImportJob) job = NULL;

  g_return_if_fail (MUTUAL_IS_WINDOW (self));
  g_return_if_fail (files != NULL || n_files == 0);

  if (n_files == 0)
    return;

  job = g_rc_box_new0 (ImportJob);
  job->window = g_object_ref (self);
  job->files = g_ptr_array_new_with_free_func (g_object_unref);
  for (int i = 0; i < n_files; i++)
    g_ptr_array_add (job->files, g_object_ref (files[i]));
  job->bundles = g_ptr_array_new_with_free_func (g_object_unref);
  job->cancellable = g_cancellable_new ();

  import_continue (job);
}

static void
import_chooser_response_cb (GtkNativeDialog *dialog,
                            int              response,
                            gpointer         user_data)
{
  MutualWindow *self = user_data;
  g_autoptr(GListModel) files = NULL;
  g_autoptr(GPtrArray) array = g_ptr_array_new_with_free_func (g_object_unref);

  if (response != GTK_RESPONSE_ACCEPT)
    return;

  files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
  for (guint i = 0; i < g_list_model_get_n_items (files); i++)
    g_ptr_array_add (array, g_list_model_get_item (files, i));
  mutual_window_import_files (self, (GFile **) array->pdata, array->len);
}

/**
 * mutual_window_choose_identity_files:
 *
 * Shows the Import dialog: the files chosen together are imported as one identity.
 */
void
mutual_window_choose_identity_files (MutualWindow *self)
{
  g_return_if_fail (MUTUAL_IS_WINDOW (self));

  if (self->import_chooser == NULL)
    self->import_chooser = _mutual_window_new_certificate_chooser (self, _("Import Identity"), _("_Import"),
                                                                   G_CALLBACK (import_chooser_response_cb));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->import_chooser));
}

/* Files dropped on the sidebar are imported, as one identity. */

static gboolean
sidebar_drop_accept_cb (GtkDropTarget *target,
                        GdkDrop       *drop,
                        gpointer       user_data)
{
  return gdk_drop_get_drag (drop) == NULL &&
         (gdk_drop_get_actions (drop) & gtk_drop_target_get_actions (target)) != 0 &&
         gdk_content_formats_match (gtk_drop_target_get_formats (target),
                                    gdk_drop_get_formats (drop));
}

static gboolean
sidebar_drop_cb (GtkDropTarget *target,
                 const GValue  *value,
                 double         x,
                 double         y,
                 gpointer       user_data)
{
  MutualWindow *self = user_data;
  g_autoptr(GSList) files = NULL;
  g_autoptr(GPtrArray) array = g_ptr_array_new ();

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;

  files = gdk_file_list_get_files (g_value_get_boxed (value));
  for (GSList *l = files; l != NULL; l = l->next)
    g_ptr_array_add (array, l->data);
  mutual_window_import_files (self, (GFile **) array->pdata, array->len);

  return array->len > 0;
}

/* The window's life */

/* The sidebar shows the application's store: one for the whole application, which
 * watches the keyring. A window without a MutualApplication gets a store of its own. */
static void
bind_store (MutualWindow *self)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));

  if (self->store != NULL)
    return;

  if (MUTUAL_IS_APPLICATION (application))
    {
      self->store = g_object_ref (mutual_application_get_identity_store (MUTUAL_APPLICATION (application)));
    }
  else
    {
      self->store = mutual_identity_store_new ();
      mutual_identity_store_watch (self->store);
    }

  self->filter = gtk_custom_filter_new (filter_cb, self, NULL);
  self->identities = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->store)),
                                                g_object_ref (GTK_FILTER (self->filter)));
  gtk_list_box_bind_model (self->identity_list, G_LIST_MODEL (self->identities), create_row_cb,
                           NULL, NULL);
  /* After the list box's own handler: the rows are there. */
  g_signal_connect_object (self->identities, "items-changed", G_CALLBACK (identities_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "items-changed", G_CALLBACK (store_changed_cb), self,
                           G_CONNECT_SWAPPED);
  /* The Test view offers the identities the sidebar lists. */
  mutual_test_view_set_identities (self->test_view, self->store, G_LIST_MODEL (self->identities));
  update_sidebar (self);
}

static void
application_changed_cb (MutualWindow *self,
                        GParamSpec   *pspec,
                        gpointer      user_data)
{
  /* GtkWindow:application is set after construction. */
  if (MUTUAL_IS_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))))
    bind_store (self);
}

void
_mutual_window_identities_constructed (MutualWindow *self)
{
  if (MUTUAL_IS_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))))
    bind_store (self);
}

void
_mutual_window_identities_close (MutualWindow *self)
{
  commit_deletions (self);
}

void
_mutual_window_identities_dispose (MutualWindow *self)
{
  /* Destroyed without being closed: the deletions still go through. */
  commit_deletions (self);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  if (self->identities != NULL)
    g_signal_handlers_disconnect_by_data (self->identities, self);
  g_clear_pointer (&self->deletions, g_hash_table_unref);
  if (self->filter != NULL)
    gtk_custom_filter_set_filter_func (self->filter, NULL, NULL, NULL);
  if (self->identity_list != NULL)
    gtk_list_box_bind_model (self->identity_list, NULL, NULL, NULL, NULL);
  if (self->tab_view != NULL)
    g_signal_handlers_disconnect_by_func (self->tab_view, page_detached_cb, self);
  self->identity_page = NULL;
  if (self->import_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->import_chooser));
  g_clear_object (&self->import_chooser);
}

void
_mutual_window_identities_finalize (MutualWindow *self)
{
  g_clear_object (&self->identities);
  g_clear_object (&self->filter);
  g_clear_object (&self->store);
  g_clear_error (&self->refresh_error);
  g_clear_pointer (&self->select_when_listed, g_free);
}

void
_mutual_window_identities_init (MutualWindow *self)
{
  GtkDropTarget *target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();
  GtkShortcutTrigger *delete_keys;

  self->deletions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, deletion_free);

  g_signal_connect (target, "accept", G_CALLBACK (sidebar_drop_accept_cb), self);
  g_signal_connect (target, "drop", G_CALLBACK (sidebar_drop_cb), self);
  gtk_widget_add_controller (self->sidebar, GTK_EVENT_CONTROLLER (target));

  /* Delete on a selected identity asks to delete it; only in the list, where it cannot
   * mean deleting text. */
  delete_keys = gtk_alternative_trigger_new (gtk_keyval_trigger_new (GDK_KEY_Delete, 0),
                                            gtk_keyval_trigger_new (GDK_KEY_KP_Delete, 0));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (delete_keys,
                                                          gtk_named_action_new ("identity.delete")));
  gtk_widget_add_controller (GTK_WIDGET (self->identity_list), shortcuts);

  g_signal_connect_swapped (self->tab_view, "page-detached", G_CALLBACK (page_detached_cb), self);
  g_signal_connect (self, "notify::application", G_CALLBACK (application_changed_cb), NULL);
  g_signal_connect (self, "notify::is-active", G_CALLBACK (is_active_changed_cb), NULL);
  g_signal_connect (self, "map", G_CALLBACK (window_mapped_cb), NULL);

  update_identity_actions (self);
}

void
_mutual_window_identities_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, MutualWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, MutualWindow, content);
  gtk_widget_class_bind_template_child (widget_class, MutualWindow, sidebar_stack);
  gtk_widget_class_bind_template_child (widget_class, MutualWindow, identity_list);
  gtk_widget_class_bind_template_child (widget_class, MutualWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, MutualWindow, identity_menu_button);
  gtk_widget_class_bind_template_callback (widget_class, identity_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, identity_activated_cb);

  gtk_widget_class_install_action (widget_class, "win.refresh-identities", NULL, refresh_action_cb);
  gtk_widget_class_install_action (widget_class, "identity.export", NULL, export_action_cb);
  gtk_widget_class_install_action (widget_class, "identity.rename", NULL, rename_action_cb);
  gtk_widget_class_install_action (widget_class, "identity.copy-fingerprint", NULL,
                                   copy_fingerprint_action_cb);
  gtk_widget_class_install_action (widget_class, "identity.delete", NULL, delete_action_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F2, 0, "identity.rename", NULL);
}
