/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The option that autostart and the Background portal start Mutual with. */
#define MUTUAL_BACKGROUND_OPTION "background"

void  mutual_background_set_autostart  (GtkApplication *application,
                                        gboolean        enabled);
char *mutual_background_autostart_path (void);

G_END_DECLS
