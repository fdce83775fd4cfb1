/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mutual-core.h"

G_BEGIN_DECLS

#define MUTUAL_TYPE_FINDING_ROW (mutual_finding_row_get_type ())

G_DECLARE_FINAL_TYPE (MutualFindingRow, mutual_finding_row, MUTUAL, FINDING_ROW, GtkListBoxRow)

GtkWidget     *mutual_finding_row_new           (MutualFinding         *finding);
MutualFinding *mutual_finding_row_get_finding   (MutualFindingRow      *self);

G_END_DECLS
