/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void     mutual_page_stack_push        (AdwLeaflet *leaflet,
                                        GtkWidget  *page);
gboolean mutual_page_stack_can_go_back (AdwLeaflet *leaflet);
void     mutual_page_stack_settle      (AdwLeaflet *leaflet);

G_END_DECLS
