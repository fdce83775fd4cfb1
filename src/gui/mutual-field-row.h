/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mutual-core.h"

G_BEGIN_DECLS

#define MUTUAL_TYPE_FIELD_ROW (mutual_field_row_get_type ())

G_DECLARE_FINAL_TYPE (MutualFieldRow, mutual_field_row, MUTUAL, FIELD_ROW, AdwPreferencesRow)

GtkWidget   *mutual_field_row_new       (MutualField    *field);
MutualField *mutual_field_row_get_field (MutualFieldRow *self);
void         mutual_field_row_set_field (MutualFieldRow *self,
                                         MutualField    *field);
const char  *mutual_field_row_get_value (MutualFieldRow *self);

G_END_DECLS
