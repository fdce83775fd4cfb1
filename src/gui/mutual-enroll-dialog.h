/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mutual-core.h"

G_BEGIN_DECLS

#define MUTUAL_TYPE_ENROLL_DIALOG (mutual_enroll_dialog_get_type ())

G_DECLARE_FINAL_TYPE (MutualEnrollDialog, mutual_enroll_dialog, MUTUAL, ENROLL_DIALOG, AdwWindow)

MutualEnrollDialog *mutual_enroll_dialog_new            (GtkWindow           *parent,
                                                         MutualIdentityStore *store);
const char         *mutual_enroll_dialog_get_page       (MutualEnrollDialog  *self);
gboolean            mutual_enroll_dialog_get_busy       (MutualEnrollDialog  *self);

const char         *mutual_enroll_dialog_get_error_heading (const GError     *error);

G_END_DECLS
