/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mutual-core.h"

G_BEGIN_DECLS

#define MUTUAL_TYPE_INSPECT_VIEW (mutual_inspect_view_get_type ())

G_DECLARE_FINAL_TYPE (MutualInspectView, mutual_inspect_view, MUTUAL, INSPECT_VIEW, AdwBin)

GtkWidget    *mutual_inspect_view_new              (MutualBundle      *bundle,
                                                    GFile             *file);
MutualBundle *mutual_inspect_view_get_bundle       (MutualInspectView *self);
GFile        *mutual_inspect_view_get_file         (MutualInspectView *self);
gboolean      mutual_inspect_view_get_can_go_back  (MutualInspectView *self);
void          mutual_inspect_view_go_back          (MutualInspectView *self);
void          mutual_inspect_view_show_certificate (MutualInspectView *self,
                                                    MutualCertificate *certificate);
GtkWidget    *mutual_inspect_view_get_visible_page (MutualInspectView *self);
gboolean      mutual_inspect_view_get_verifying    (MutualInspectView *self);

G_END_DECLS
