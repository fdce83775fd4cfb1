/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mutual-core.h"

G_BEGIN_DECLS

#define MUTUAL_TYPE_STEP_ROW (mutual_step_row_get_type ())

G_DECLARE_FINAL_TYPE (MutualStepRow, mutual_step_row, MUTUAL, STEP_ROW, AdwExpanderRow)

GtkWidget       *mutual_step_row_new         (MutualProbeStep *step);
MutualProbeStep *mutual_step_row_get_step    (MutualStepRow   *self);
char            *mutual_format_elapsed      (gint64           microseconds);
const char      *mutual_step_status_get_label (MutualStepStatus status);
void             mutual_set_status_style     (GtkWidget       *widget,
                                              const char      *style_class);

G_END_DECLS
