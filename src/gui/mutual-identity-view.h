/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mutual-core.h"

G_BEGIN_DECLS

#define MUTUAL_TYPE_IDENTITY_VIEW (mutual_identity_view_get_type ())

G_DECLARE_FINAL_TYPE (MutualIdentityView, mutual_identity_view, MUTUAL, IDENTITY_VIEW, AdwBin)

GtkWidget      *mutual_identity_view_new              (MutualIdentityStore *store,
                                                       MutualIdentity      *identity);
MutualIdentity *mutual_identity_view_get_identity     (MutualIdentityView  *self);
void            mutual_identity_view_set_identity     (MutualIdentityView  *self,
                                                       MutualIdentity      *identity);
GPtrArray      *mutual_identity_view_get_certificates (MutualIdentityView  *self);
const GError   *mutual_identity_view_get_error        (MutualIdentityView  *self);
gboolean        mutual_identity_view_get_loading      (MutualIdentityView  *self);
gboolean        mutual_identity_view_get_verifying    (MutualIdentityView  *self);
void            mutual_identity_view_reload           (MutualIdentityView  *self);
gboolean        mutual_identity_view_get_can_go_back  (MutualIdentityView  *self);
void            mutual_identity_view_go_back          (MutualIdentityView  *self);
void            mutual_identity_view_show_certificate (MutualIdentityView  *self,
                                                       MutualCertificate   *certificate);
GtkWidget      *mutual_identity_view_get_visible_page (MutualIdentityView  *self);

G_END_DECLS
