/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mutual-identity-view.h"
#include "mutual-test-view.h"
#include "mutual-window.h"

G_BEGIN_DECLS

/* The window is written in two files: mutual-window.c (the window, the content area and
 * opening files to inspect them) and mutual-window-identities.c (the sidebar of stored
 * identities, their pages, and importing, exporting, renaming and deleting them). */

struct _MutualWindow
{
  AdwApplicationWindow parent_instance;

  GSettings *settings;
  /* Cancels what the window started when it goes away. */
  GCancellable *cancellable;

  GtkFileChooserNative *file_chooser;
  /* The dialog listing inputs that could not be opened, while it is shown. */
  AdwMessageDialog *error_dialog;

  /* Identities: the application's store, as the sidebar shows it (without those
   * deleted but still undoable). */
  MutualIdentityStore *store;
  GtkFilterListModel *identities;
  GtkCustomFilter *filter;
  /* Deletions by identity id: hidden from the sidebar, undoable until their toast goes. */
  GHashTable *deletions;
  GError *refresh_error;
  gboolean refreshing;
  gboolean refresh_again;
  gboolean refreshed;
  /* Retry was clicked: a spinner, not the old error, until the keyring answers. */
  gboolean retrying;
  /* The identity to select as soon as the store lists it (a new import). */
  char *select_when_listed;
  /* The tab showing an identity; there is at most one. */
  AdwTabPage *identity_page;
  /* Set while the sidebar's selection follows the tabs, not the user. */
  gboolean syncing_selection;
  GtkFileChooserNative *import_chooser;

  /* Template children */
  AdwToastOverlay *toast_overlay;
  AdwLeaflet *leaflet;
  GtkWidget *sidebar;
  GtkWidget *content;
  GtkStack *sidebar_stack;
  GtkListBox *identity_list;
  AdwStatusPage *error_page;
  AdwViewStack *view_stack;
  AdwViewSwitcherTitle *switcher_title;
  GtkWidget *identities_back_button;
  GtkWidget *back_button;
  GtkWidget *identity_menu_button;
  GtkStack *content_stack;
  AdwTabView *tab_view;
  MutualTestView *test_view;
};

GtkFileFilter      *_mutual_window_new_certificate_filter  (void);
GtkFileChooserNative *_mutual_window_new_certificate_chooser (MutualWindow *self,
                                                              const char   *title,
                                                              const char   *accept_label,
                                                              GCallback     response_cb);
void                _mutual_window_update_title            (MutualWindow      *self);
void                _mutual_window_update_navigation       (MutualWindow      *self);

void                _mutual_window_identities_class_init   (GtkWidgetClass    *widget_class);
void                _mutual_window_identities_init         (MutualWindow      *self);
void                _mutual_window_identities_constructed  (MutualWindow      *self);
void                _mutual_window_identities_close        (MutualWindow      *self);
void                _mutual_window_identities_dispose      (MutualWindow      *self);
void                _mutual_window_identities_finalize     (MutualWindow      *self);
void                _mutual_window_identities_page_changed (MutualWindow      *self);

/* mutual-window-enroll.c: win.enroll, enrolling a new identity with a CA. */
void                _mutual_window_enroll_class_init       (GtkWidgetClass    *widget_class);

G_END_DECLS
