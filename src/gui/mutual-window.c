/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mutual-identity-view.h"
#include "mutual-inspect-view.h"
#include "mutual-page-stack.h"
#include "mutual-password-dialog.h"
#include "mutual-test-view.h"
#include "mutual-window-private.h"

/* The main window. The sidebar lists the identities in the keyring
 * (mutual-window-identities.c); the content area shows, one tab each, the identity
 * selected there and what the user opened: files from the Open dialog, the command line,
 * Files or drag and drop, and text from the clipboard or a drop. Each input is imported
 * by the core in a worker thread; an encrypted one asks for its password, and one that
 * cannot be read says why in the core's own words. */

G_DEFINE_FINAL_TYPE (MutualWindow, mutual_window, ADW_TYPE_APPLICATION_WINDOW)

MutualWindow *
mutual_window_new (MutualApplication *application)
{
  g_return_val_if_fail (MUTUAL_IS_APPLICATION (application), NULL);

  return g_object_new (MUTUAL_TYPE_WINDOW, "application", application, NULL);
}

void
mutual_window_add_toast (MutualWindow *self,
                         AdwToast     *toast)
{
  g_return_if_fail (MUTUAL_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
show_help_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(MutualWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!gtk_show_uri_full_finish (GTK_WINDOW (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *title = NULL;

      g_message ("Could not open the help: %s", error->message);
      /* Translators: %s is an error message. */
      title = g_strdup_printf (_("Could not open the help: %s"), error->message);
      mutual_window_add_toast (self, adw_toast_new (title));
    }
}

/**
 * mutual_window_show_help:
 * @page: (nullable): a page of the Mallard help, or %NULL for its index
 *
 * Opens the user help in the help browser, or says in a toast why it could not.
 */
void
mutual_window_show_help (MutualWindow *self,
                         const char   *page)
{
  g_autofree char *uri = NULL;

  g_return_if_fail (MUTUAL_IS_WINDOW (self));

  if (page != NULL)
    uri = g_strdup_printf ("help:%s/%s", HELP_ID, page);
  else
    uri = g_strdup ("help:" HELP_ID);

  gtk_show_uri_full (GTK_WINDOW (self), uri, GDK_CURRENT_TIME, self->cancellable,
                     show_help_cb, g_object_ref (self));
}

/**
 * mutual_window_get_inspect_view:
 *
 * Returns: (nullable) (transfer none): the view of the input in the selected tab, or
 *   %NULL when nothing is open or the selected tab shows an identity
 */
MutualInspectView *
mutual_window_get_inspect_view (MutualWindow *self)
{
  AdwTabPage *page;
  GtkWidget *child;

  g_return_val_if_fail (MUTUAL_IS_WINDOW (self), NULL);

  page = adw_tab_view_get_selected_page (self->tab_view);
  if (page == NULL)
    return NULL;
  child = adw_tab_page_get_child (page);
  return MUTUAL_IS_INSPECT_VIEW (child) ? MUTUAL_INSPECT_VIEW (child) : NULL;
}

/**
 * mutual_window_get_identity_view:
 *
 * Returns: (nullable) (transfer none): the view of the identity in the selected tab, or
 *   %NULL when the selected tab shows no identity
 */
MutualIdentityView *
mutual_window_get_identity_view (MutualWindow *self)
{
  AdwTabPage *page;
  GtkWidget *child;

  g_return_val_if_fail (MUTUAL_IS_WINDOW (self), NULL);

  page = adw_tab_view_get_selected_page (self->tab_view);
  child = page != NULL ? adw_tab_page_get_child (page) : NULL;

  return child != NULL && MUTUAL_IS_IDENTITY_VIEW (child) ? MUTUAL_IDENTITY_VIEW (child) : NULL;
}

/**
 * mutual_window_get_test_view:
 *
 * Returns: (transfer none): the view of the Test page
 */
MutualTestView *
mutual_window_get_test_view (MutualWindow *self)
{
  g_return_val_if_fail (MUTUAL_IS_WINDOW (self), NULL);

  return self->test_view;
}

/* Title and navigation */

void
_mutual_window_update_title (MutualWindow *self)
{
  MutualInspectView *view;
  MutualIdentityView *identity_view;
  MutualBundle *bundle;
  g_autofree char *description = NULL;

  /* Tabs closing as the window goes change nothing anyone will see. */
  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;

  identity_view = mutual_window_get_identity_view (self);
  if (identity_view != NULL)
    {
      MutualIdentity *identity = mutual_identity_view_get_identity (identity_view);

      adw_view_switcher_title_set_title (self->switcher_title, mutual_identity_get_label (identity));
      adw_view_switcher_title_set_subtitle (self->switcher_title, _("Identity in the keyring"));
      gtk_window_set_title (GTK_WINDOW (self), mutual_identity_get_label (identity));
      return;
    }

  view = mutual_window_get_inspect_view (self);
  if (view == NULL)
    {
      adw_view_switcher_title_set_title (self->switcher_title, _("Mutual"));
      adw_view_switcher_title_set_subtitle (self->switcher_title, NULL);
      gtk_window_set_title (GTK_WINDOW (self), _("Mutual"));
      return;
    }

  bundle = mutual_inspect_view_get_bundle (view);
  description = mutual_bundle_describe (bundle);
  adw_view_switcher_title_set_title (self->switcher_title, mutual_bundle_get_source (bundle));
  adw_view_switcher_title_set_subtitle (self->switcher_title, description);
  gtk_window_set_title (GTK_WINDOW (self), mutual_bundle_get_source (bundle));
}

static gboolean
test_page_shown (MutualWindow *self)
{
  return g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "test") == 0;
}

void
_mutual_window_update_navigation (MutualWindow *self)
{
  MutualInspectView *view;
  MutualIdentityView *identity_view;
  gboolean can_go_back;

  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;

  view = mutual_window_get_inspect_view (self);
  identity_view = mutual_window_get_identity_view (self);
  /* The back button belongs to the page of the view stack that is shown. */
  if (test_page_shown (self))
    can_go_back = mutual_page_stack_can_go_back (mutual_test_view_get_page_stack (self->test_view));
  else
    can_go_back = (view != NULL && mutual_inspect_view_get_can_go_back (view)) ||
                  (identity_view != NULL && mutual_identity_view_get_can_go_back (identity_view));

  gtk_widget_set_visible (self->back_button, can_go_back);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.go-back", can_go_back);
  /* One back button at a time: the certificate's first, then the identities'. */
  gtk_widget_set_visible (self->identities_back_button,
                          adw_leaflet_get_folded (self->leaflet) && !can_go_back);
}

static void
folded_changed_cb (MutualWindow *self,
                   GParamSpec   *pspec,
                   AdwLeaflet   *leaflet)
{
  _mutual_window_update_navigation (self);
}

static void
can_go_back_changed_cb (MutualWindow      *self,
                        GParamSpec        *pspec,
                        MutualInspectView *view)
{
  _mutual_window_update_navigation (self);
}

/* The page shown changed: in the view stack, or in the Test view's pages. */
static void
visible_page_changed_cb (MutualWindow *self,
                         GParamSpec   *pspec,
                         GObject      *stack)
{
  _mutual_window_update_navigation (self);
}

static void
selected_page_changed_cb (MutualWindow *self,
                          GParamSpec   *pspec,
                          AdwTabView   *tab_view)
{
  _mutual_window_update_title (self);
  _mutual_window_update_navigation (self);
  _mutual_window_identities_page_changed (self);
}

static void
n_pages_changed_cb (MutualWindow *self,
                    GParamSpec   *pspec,
                    AdwTabView   *tab_view)
{
  gboolean open = adw_tab_view_get_n_pages (tab_view) > 0;

  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;

  /* The empty state comes back when the last tab is closed. */
  gtk_stack_set_visible_child_name (self->content_stack, open ? "documents" : "empty");

  _mutual_window_update_title (self);
  _mutual_window_update_navigation (self);
}

static void
go_back_action_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  MutualWindow *self = MUTUAL_WINDOW (widget);
  MutualInspectView *view = mutual_window_get_inspect_view (self);
  MutualIdentityView *identity_view = mutual_window_get_identity_view (self);

  if (test_page_shown (self))
    adw_leaflet_navigate (mutual_test_view_get_page_stack (self->test_view),
                          ADW_NAVIGATION_DIRECTION_BACK);
  else if (view != NULL)
    mutual_inspect_view_go_back (view);
  else if (identity_view != NULL)
    mutual_identity_view_go_back (identity_view);
}

/* Showing what was opened */

static AdwTabPage *
find_page_for_file (MutualWindow *self,
                    GFile        *file)
{
  for (int i = 0; i < adw_tab_view_get_n_pages (self->tab_view); i++)
    {
      AdwTabPage *page = adw_tab_view_get_nth_page (self->tab_view, i);
      GtkWidget *child = adw_tab_page_get_child (page);
      GFile *shown;

      if (!MUTUAL_IS_INSPECT_VIEW (child))
        continue;
      shown = mutual_inspect_view_get_file (MUTUAL_INSPECT_VIEW (child));

      if (shown != NULL && g_file_equal (shown, file))
        return page;
    }

  return NULL;
}

static void
add_document (MutualWindow *self,
              MutualBundle *bundle,
              GFile        *file)
{
  GtkWidget *view = mutual_inspect_view_new (bundle, file);
  AdwTabPage *previous = file != NULL ? find_page_for_file (self, file) : NULL;
  g_autofree char *tooltip = NULL;
  AdwTabPage *page;

  /* Opening a file again shows it as it is now, in the tab it had. */
  if (previous != NULL)
    {
      page = adw_tab_view_insert (self->tab_view, view,
                                  adw_tab_view_get_page_position (self->tab_view, previous));
      adw_tab_view_close_page (self->tab_view, previous);
    }
  else
    {
      page = adw_tab_view_append (self->tab_view, view);
    }

  if (file != NULL)
    {
      g_autofree char *name = g_file_get_parse_name (file);

      tooltip = g_markup_escape_text (name, -1);
    }
  else
    {
      tooltip = g_markup_escape_text (mutual_bundle_get_source (bundle), -1);
    }
  adw_tab_page_set_title (page, mutual_bundle_get_source (bundle));
  adw_tab_page_set_tooltip (page, tooltip);

  g_signal_connect_object (view, "notify::can-go-back", G_CALLBACK (can_go_back_changed_cb),
                           self, G_CONNECT_SWAPPED);
  adw_tab_view_set_selected_page (self->tab_view, page);
  /* In a narrow window, what was opened is on the next page. */
  adw_leaflet_set_visible_child (self->leaflet, self->content);
  _mutual_window_update_title (self);
  _mutual_window_update_navigation (self);
}

static void
error_dialog_response_cb (AdwMessageDialog *dialog,
                          const char       *response,
                          gpointer          user_data)
{
  MutualWindow *self = user_data;

  /* A later failure starts a new dialog. */
  g_clear_weak_pointer (&self->error_dialog);
}

static void
show_error (MutualWindow *self,
            const char   *source,
            gboolean      is_file,
            const GError *error)
{
  AdwMessageDialog *dialog;

  g_debug ("Could not open %s: %s", source, error->message);

  /* Failures that come while the dialog is shown are listed in it. */
  if (self->error_dialog != NULL)
    {
      g_autofree char *body = g_strdup_printf ("%s\n\n%s",
                                               adw_message_dialog_get_body (self->error_dialog),
                                               error->message);

      adw_message_dialog_set_heading (self->error_dialog, _("Some Inputs Could Not Be Opened"));
      adw_message_dialog_set_body (self->error_dialog, body);
      return;
    }

  /* The core's message names the input and says what is wrong with it. */
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       is_file ? _("Could Not Open File")
                                                               : _("Could Not Read the Text"),
                                                       error->message));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  adw_message_dialog_set_default_response (dialog, "close");
  adw_message_dialog_set_close_response (dialog, "close");
  g_signal_connect_object (dialog, "response", G_CALLBACK (error_dialog_response_cb), self, 0);
  g_set_weak_pointer (&self->error_dialog, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Importing, with a password when the input is encrypted */

typedef struct
{
  MutualWindow *window;
  GFile *file;
  GBytes *data;
  char *source;
  GCancellable *cancellable;
  /* Shown once the input turned out to be encrypted. */
  MutualPasswordDialog *dialog;
} OpenJob;

static void
open_job_clear (gpointer data)
{
  OpenJob *job = data;

  g_clear_weak_pointer (&job->dialog);
  g_clear_object (&job->window);
  g_clear_object (&job->file);
  g_clear_pointer (&job->data, g_bytes_unref);
  g_clear_pointer (&job->source, g_free);
  g_clear_object (&job->cancellable);
}

static OpenJob *
open_job_ref (OpenJob *job)
{
  return g_rc_box_acquire (job);
}

static void
open_job_unref (OpenJob *job)
{
  g_rc_box_release_full (job, open_job_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OpenJob, open_job_unref)

static void
open_job_closure_notify (gpointer  data,
                         GClosure *closure)
{
  open_job_unref (data);
}

static void import_cb (GObject      *source_object,
                       GAsyncResult *result,
                       gpointer      user_data);

/* @password is only passed on: the core copies it and wipes its copy after use. */
static void
open_job_import (OpenJob    *job,
                 const char *password)
{
  if (job->file != NULL)
    mutual_import_file_async (job->file, password, job->cancellable, import_cb, open_job_ref (job));
  else
    mutual_import_bytes_async (job->data, job->source, password, job->cancellable, import_cb,
                               open_job_ref (job));
}

static void
password_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      gpointer          user_data)
{
  OpenJob *job = user_data;
  MutualPasswordDialog *password_dialog = MUTUAL_PASSWORD_DIALOG (dialog);

  if (g_str_equal (response, "unlock"))
    {
      mutual_password_dialog_set_busy (password_dialog, TRUE);
      open_job_import (job, mutual_password_dialog_get_password (password_dialog));
    }
  else
    {
      g_cancellable_cancel (job->cancellable);
      mutual_password_dialog_finish (password_dialog);
    }
}

static void
ask_password (OpenJob *job)
{
  MutualPasswordDialog *dialog = mutual_password_dialog_new (GTK_WINDOW (job->window), job->source);

  g_set_weak_pointer (&job->dialog, dialog);
  g_signal_connect_data (dialog, "response", G_CALLBACK (password_response_cb),
                         open_job_ref (job), open_job_closure_notify, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
import_cb (GObject      *source_object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(OpenJob) job = user_data;
  MutualWindow *self = job->window;
  g_autoptr(MutualBundle) bundle = NULL;
  g_autoptr(GError) error = NULL;

  if (job->file != NULL)
    bundle = mutual_import_file_finish (result, &error);
  else
    bundle = mutual_import_bytes_finish (result, &error);

  /* The user cancelled the password dialog, or closed the window. */
  if (g_cancellable_is_cancelled (job->cancellable) ||
      g_cancellable_is_cancelled (self->cancellable))
    {
      if (job->dialog != NULL)
        mutual_password_dialog_finish (job->dialog);
      return;
    }

  if (bundle != NULL)
    {
      if (job->dialog != NULL)
        mutual_password_dialog_finish (job->dialog);
      add_document (self, bundle, job->file);
      return;
    }

  if (job->dialog == NULL && g_error_matches (error, MUTUAL_ERROR, MUTUAL_ERROR_NEEDS_PASSWORD))
    {
      ask_password (job);
      return;
    }
  if (job->dialog != NULL && g_error_matches (error, MUTUAL_ERROR, MUTUAL_ERROR_BAD_PASSWORD))
    {
      mutual_password_dialog_show_wrong_password (job->dialog);
      return;
    }

  if (job->dialog != NULL)
    mutual_password_dialog_finish (job->dialog);
  show_error (self, job->source, job->file != NULL, error);
}

static void
open_job_start (MutualWindow *self,
                GFile        *file,
                GBytes       *data,
                const char   *source)
{
  g_autoptr(OpenJob) job = g_rc_box_new0 (OpenJob);

  job->window = g_object_ref (self);
  job->file = file ? g_object_ref (file) : NULL;
  job->data = data ? g_bytes_ref (data) : NULL;
  /* The name the core gives a file's bundle, for the password dialog and errors. */
  job->source = file ? g_file_get_basename (file) : g_strdup (source);
  job->cancellable = g_cancellable_new ();

  open_job_import (job, NULL);
}

/**
 * mutual_window_open_files:
 * @files: (array length=n_files): files to import and show
 *
 * Imports each file with the core, in a worker thread, and shows it in a tab of its
 * own; an encrypted file asks for its password first.
 */
void
mutual_window_open_files (MutualWindow  *self,
                          GFile        **files,
                          int            n_files)
{
  g_return_if_fail (MUTUAL_IS_WINDOW (self));
  g_return_if_fail (files != NULL || n_files == 0);

  for (int i = 0; i < n_files; i++)
    open_job_start (self, files[i], NULL, NULL);
}

/**
 * mutual_window_open_bytes:
 * @source: what to call the input, e.g. "Clipboard"
 *
 * Imports @data, which did not come from a file, and shows it in a tab of its own.
 */
void
mutual_window_open_bytes (MutualWindow *self,
                          GBytes       *data,
                          const char   *source)
{
  g_return_if_fail (MUTUAL_IS_WINDOW (self));
  g_return_if_fail (data != NULL);
  g_return_if_fail (source != NULL);

  open_job_start (self, NULL, data, source);
}

/* Text may hold a private key: it is wiped before it is freed. */
static void
free_text (gpointer data)
{
  char *text = data;

  explicit_bzero (text, strlen (text));
  g_free (text);
}

static GBytes *
bytes_new_take_text (char *text)
{
  return g_bytes_new_with_free_func (text, strlen (text), free_text, text);
}

static void
open_file_list (MutualWindow *self,
                GSList       *files)
{
  for (GSList *l = files; l != NULL; l = l->next)
    open_job_start (self, l->data, NULL, NULL);
}

/* The Open dialog */

static void
file_chooser_response_cb (GtkNativeDialog *dialog,
                          int              response,
                          gpointer         user_data)
{
  MutualWindow *self = user_data;
  g_autoptr(GListModel) files = NULL;

  if (response != GTK_RESPONSE_ACCEPT)
    return;

  files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
  for (guint i = 0; i < g_list_model_get_n_items (files); i++)
    {
      g_autoptr(GFile) file = g_list_model_get_item (files, i);

      open_job_start (self, file, NULL, NULL);
    }
}

/* The types of the desktop file's MimeType key, and the usual file name extensions for
 * systems whose MIME database does not know them. */
static const char *const certificate_mime_types[] = {
  "application/pkix-cert",
  "application/pkix-cert+pem",
  "application/x-x509-ca-cert",
  "application/x-x509-user-cert",
  "application/x-pem-file",
  "application/x-pem-key",
  "application/pkcs12",
  "application/x-pkcs12",
  "application/pkcs12+pem",
  "application/pkcs7-mime",
  "application/pkcs7-mime+pem",
  "application/x-pkcs7-certificates",
  "application/pkcs10",
  "application/pkcs10+pem",
  "application/pkcs8",
  "application/pkcs8+pem",
  "application/pkcs8-encrypted",
};

static const char *const certificate_suffixes[] = {
  "pem", "crt", "cer", "der", "key", "p12", "pfx", "p7b", "p7c", "p8", "csr", "req",
};

GtkFileFilter *
_mutual_window_new_certificate_filter (void)
{
  GtkFileFilter *certificates = gtk_file_filter_new ();

  gtk_file_filter_set_name (certificates, _("Certificates and Keys"));
  for (guint i = 0; i < G_N_ELEMENTS (certificate_mime_types); i++)
    gtk_file_filter_add_mime_type (certificates, certificate_mime_types[i]);
  for (guint i = 0; i < G_N_ELEMENTS (certificate_suffixes); i++)
    gtk_file_filter_add_suffix (certificates, certificate_suffixes[i]);

  return certificates;
}

/*
 * _mutual_window_new_certificate_chooser:
 * @response_cb: connected to "response", with @self as its data
 *
 * A modal Open dialog for several files, showing certificates and keys first and all
 * files on request. Each window keeps its dialogs for reuse: they remember their folder.
 *
 * Returns: (transfer full): the dialog, not shown yet
 */
GtkFileChooserNative *
_mutual_window_new_certificate_chooser (MutualWindow *self,
                                        const char   *title,
                                        const char   *accept_label,
                                        GCallback     response_cb)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) certificates = _mutual_window_new_certificate_filter ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                         accept_label, _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);

  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), certificates);
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
  gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (chooser), certificates);

  g_signal_connect_object (chooser, "response", response_cb, self, 0);
  return chooser;
}

/**
 * mutual_window_choose_files:
 *
 * Shows the Open dialog, which opens the files chosen in this window.
 */
void
mutual_window_choose_files (MutualWindow *self)
{
  g_return_if_fail (MUTUAL_IS_WINDOW (self));

  if (self->file_chooser == NULL)
    self->file_chooser = _mutual_window_new_certificate_chooser (self, _("Open Certificates"), _("_Open"),
                                                                 G_CALLBACK (file_chooser_response_cb));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->file_chooser));
}

/* Paste */

static void
paste_text_cb (GObject      *source_object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(MutualWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = NULL;
  char *text;

  text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source_object), result, &error);
  if (text == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_debug ("Cannot read the clipboard: %s", error ? error->message : "no text");
          mutual_window_add_toast (self, adw_toast_new (_("The clipboard holds no text to paste")));
        }
      return;
    }

  data = bytes_new_take_text (text);
  mutual_window_open_bytes (self, data, _("Clipboard"));
}

static void
paste_files_cb (GObject      *source_object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(MutualWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  const GValue *value;
  g_autoptr(GSList) files = NULL;

  value = gdk_clipboard_read_value_finish (GDK_CLIPBOARD (source_object), result, &error);
  if (value == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_debug ("Cannot read the clipboard: %s", error->message);
          mutual_window_add_toast (self,
                                   adw_toast_new (_("The files in the clipboard could not be read")));
        }
      return;
    }

  files = gdk_file_list_get_files (g_value_get_boxed (value));
  open_file_list (self, files);
}

static void
paste_action_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  MutualWindow *self = MUTUAL_WINDOW (widget);
  GdkClipboard *clipboard = gtk_widget_get_clipboard (widget);
  GdkContentFormats *formats = gdk_clipboard_get_formats (clipboard);

  /* Files copied in Files are opened as files; anything else is read as text. */
  if (gdk_content_formats_contain_gtype (formats, GDK_TYPE_FILE_LIST))
    gdk_clipboard_read_value_async (clipboard, GDK_TYPE_FILE_LIST, G_PRIORITY_DEFAULT,
                                    self->cancellable, paste_files_cb, g_object_ref (self));
  else
    gdk_clipboard_read_text_async (clipboard, self->cancellable, paste_text_cb,
                                   g_object_ref (self));
}

/* Drag and drop */

static gboolean
drop_accept_cb (GtkDropTarget *target,
                GdkDrop       *drop,
                gpointer       user_data)
{
  /* Text dragged out of Mutual's own labels is already shown. */
  if (gdk_drop_get_drag (drop) != NULL)
    return FALSE;

  return (gdk_drop_get_actions (drop) & gtk_drop_target_get_actions (target)) != 0 &&
         gdk_content_formats_match (gtk_drop_target_get_formats (target),
                                    gdk_drop_get_formats (drop));
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         gpointer       user_data)
{
  MutualWindow *self = user_data;

  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      g_autoptr(GSList) files = gdk_file_list_get_files (g_value_get_boxed (value));

      open_file_list (self, files);
      return files != NULL;
    }

  if (G_VALUE_HOLDS_STRING (value) && g_value_get_string (value) != NULL)
    {
      g_autoptr(GBytes) data = bytes_new_take_text (g_value_dup_string (value));

      mutual_window_open_bytes (self, data, _("Dropped text"));
      return TRUE;
    }

  return FALSE;
}

static void
setup_drop_target (MutualWindow *self)
{
  GtkDropTarget *target = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  GType types[] = { GDK_TYPE_FILE_LIST, G_TYPE_STRING };

  gtk_drop_target_set_gtypes (target, types, G_N_ELEMENTS (types));
  g_signal_connect (target, "accept", G_CALLBACK (drop_accept_cb), self);
  g_signal_connect (target, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->toast_overlay), GTK_EVENT_CONTROLLER (target));
}

static void
load_window_state (MutualWindow *self)
{
  int width = g_settings_get_int (self->settings, "window-width");
  int height = g_settings_get_int (self->settings, "window-height");

  gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
save_window_state (MutualWindow *self)
{
  int width;
  int height;

  /* The unmaximized size is what the next start should restore. */
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);

  g_settings_delay (self->settings);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  if (width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_apply (self->settings);
}

static void
show_sidebar_action_cb (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  MutualWindow *self = MUTUAL_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/* The welcome page's way to the Test view, which the view switcher also shows. */
static void
show_test_action_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  MutualWindow *self = MUTUAL_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, "test");
}

static gboolean
mutual_window_close_request (GtkWindow *window)
{
  MutualWindow *self = MUTUAL_WINDOW (window);

  save_window_state (self);
  _mutual_window_identities_close (self);
  g_cancellable_cancel (self->cancellable);

  return GTK_WINDOW_CLASS (mutual_window_parent_class)->close_request (window);
}

static void
mutual_window_constructed (GObject *object)
{
  MutualWindow *self = MUTUAL_WINDOW (object);
  GtkApplication *application;

  G_OBJECT_CLASS (mutual_window_parent_class)->constructed (object);

  application = gtk_window_get_application (GTK_WINDOW (self));
  if (MUTUAL_IS_APPLICATION (application))
    self->settings = g_object_ref (mutual_application_get_settings (MUTUAL_APPLICATION (application)));
  else
    self->settings = g_settings_new (BASE_ID);

  load_window_state (self);
  _mutual_window_identities_constructed (self);
}

static void
mutual_window_dispose (GObject *object)
{
  MutualWindow *self = MUTUAL_WINDOW (object);

  _mutual_window_identities_dispose (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_weak_pointer (&self->error_dialog);
  if (self->file_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->file_chooser));
  g_clear_object (&self->file_chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), MUTUAL_TYPE_WINDOW);

  G_OBJECT_CLASS (mutual_window_parent_class)->dispose (object);
}

static void
mutual_window_finalize (GObject *object)
{
  MutualWindow *self = MUTUAL_WINDOW (object);

  _mutual_window_identities_finalize (self);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (mutual_window_parent_class)->finalize (object);
}

static void
mutual_window_class_init (MutualWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = mutual_window_constructed;
  object_class->dispose = mutual_window_dispose;
  object_class->finalize = mutual_window_finalize;

  window_class->close_request = mutual_window_close_request;

  g_type_ensure (MUTUAL_TYPE_TEST_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE_PATH "/mutual-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MutualWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MutualWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, MutualWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, MutualWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, MutualWindow, identities_back_button);
  gtk_widget_class_bind_template_child (widget_class, MutualWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, MutualWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, MutualWindow, tab_view);
  gtk_widget_class_bind_template_child (widget_class, MutualWindow, test_view);
  gtk_widget_class_bind_template_callback (widget_class, folded_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, visible_page_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, selected_page_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, n_pages_changed_cb);
  _mutual_window_identities_class_init (widget_class);
  _mutual_window_enroll_class_init (widget_class);

  gtk_widget_class_install_action (widget_class, "win.show-sidebar", NULL, show_sidebar_action_cb);
  gtk_widget_class_install_action (widget_class, "win.go-back", NULL, go_back_action_cb);
  gtk_widget_class_install_action (widget_class, "win.show-test", NULL, show_test_action_cb);
  gtk_widget_class_install_action (widget_class, "win.paste", NULL, paste_action_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
  /* A binding, not an application accelerator: a text field with the focus pastes into
   * itself first. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK,
                                       "win.paste", NULL);
}

static void
mutual_window_init (MutualWindow *self)
{
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  setup_drop_target (self);
  _mutual_window_identities_init (self);
  /* The Test page's back button follows its pages. */
  g_signal_connect_object (mutual_test_view_get_page_stack (self->test_view), "notify::visible-child",
                           G_CALLBACK (visible_page_changed_cb), self, G_CONNECT_SWAPPED);
  _mutual_window_update_navigation (self);

#if DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif
}
