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

G_END_DECLS
