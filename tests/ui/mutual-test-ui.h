/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void       mutual_test_ui_init             (int          *argc,
                                            char       ***argv);
char      *mutual_test_ui_screenshot       (GtkWidget    *widget,
                                            const char   *name);
void       mutual_test_ui_spin_until       (gboolean    (*condition) (gpointer),
                                            gpointer      data,
                                            guint         timeout_ms);
GtkWindow *mutual_test_ui_find_toplevel    (GType         type);
void       mutual_test_ui_wait_finalized   (GObject     **pointer,
                                            guint         timeout_ms);
void       mutual_test_ui_spin_for         (guint         ms);
gboolean   mutual_test_ui_widget_mapped    (gpointer      widget);
void       mutual_test_ui_present          (GtkWindow    *window,
                                            guint         timeout_ms);
void       mutual_test_ui_close_and_wait   (GtkWindow    *window,
                                            guint         timeout_ms);

GPtrArray *mutual_test_ui_find_all         (GtkWidget    *root,
                                            GType         type);
GtkButton *mutual_test_ui_find_button      (GtkWidget    *root,
                                            const char   *label);
void       mutual_test_ui_activate_entry   (GtkWidget    *editable,
                                            const char   *text);
GtkWidget *mutual_test_ui_template_child   (gpointer      widget,
                                            GType         type,
                                            const char   *name);
char      *mutual_test_ui_clipboard_text   (GtkWidget    *widget,
                                            guint         timeout_ms);
void       mutual_test_ui_screenshots      (GtkWidget    *widget,
                                            const char   *name,
                                            GSettings    *settings);
GtkWidget *mutual_test_ui_find_toast      (GtkWidget    *root);
GtkFileChooser *mutual_test_ui_wait_file_chooser (guint   timeout_ms);
void       mutual_test_ui_choose_file      (GtkFileChooser *chooser,
                                            const char   *path,
                                            guint         timeout_ms);
void       mutual_test_ui_choose_new_file  (GtkFileChooser *chooser,
                                            const char   *path,
                                            guint         timeout_ms);
char      *mutual_test_ui_fixture          (const char   *name);

G_END_DECLS
