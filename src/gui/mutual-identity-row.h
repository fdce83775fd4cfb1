/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mutual-core.h"

G_BEGIN_DECLS

#define MUTUAL_TYPE_IDENTITY_ROW (mutual_identity_row_get_type ())

G_DECLARE_FINAL_TYPE (MutualIdentityRow, mutual_identity_row, MUTUAL, IDENTITY_ROW, GtkListBoxRow)

GtkWidget      *mutual_identity_row_new                  (MutualIdentity    *identity);
MutualIdentity *mutual_identity_row_get_identity         (MutualIdentityRow *self);
gint64          mutual_identity_row_get_scheduled_update (MutualIdentityRow *self);
const char     *mutual_identity_row_get_state_style_class (MutualValidityState state);

G_END_DECLS
