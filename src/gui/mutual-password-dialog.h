/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define MUTUAL_TYPE_PASSWORD_DIALOG (mutual_password_dialog_get_type ())

G_DECLARE_FINAL_TYPE (MutualPasswordDialog, mutual_password_dialog, MUTUAL, PASSWORD_DIALOG, AdwMessageDialog)

MutualPasswordDialog *mutual_password_dialog_new                 (GtkWindow            *parent,
                                                                  const char           *source);
const char           *mutual_password_dialog_get_source          (MutualPasswordDialog *self);
const char           *mutual_password_dialog_get_password        (MutualPasswordDialog *self);
void                  mutual_password_dialog_set_busy            (MutualPasswordDialog *self,
                                                                  gboolean              busy);
void                  mutual_password_dialog_show_wrong_password (MutualPasswordDialog *self);
gboolean              mutual_password_dialog_get_wrong_password  (MutualPasswordDialog *self);
void                  mutual_password_dialog_finish              (MutualPasswordDialog *self);

G_END_DECLS
