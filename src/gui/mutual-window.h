/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mutual-application.h"
#include "mutual-identity-view.h"
#include "mutual-inspect-view.h"
#include "mutual-test-view.h"

G_BEGIN_DECLS

#define MUTUAL_TYPE_WINDOW (mutual_window_get_type ())

G_DECLARE_FINAL_TYPE (MutualWindow, mutual_window, MUTUAL, WINDOW, AdwApplicationWindow)

MutualWindow        *mutual_window_new                   (MutualApplication *application);
void                 mutual_window_show_help             (MutualWindow      *self,
                                                          const char        *page);
void                 mutual_window_add_toast             (MutualWindow      *self,
                                                          AdwToast          *toast);
void                 mutual_window_choose_files          (MutualWindow      *self);
void                 mutual_window_open_files            (MutualWindow      *self,
                                                          GFile            **files,
                                                          int                n_files);
void                 mutual_window_open_bytes            (MutualWindow      *self,
                                                          GBytes            *data,
                                                          const char        *source);
MutualInspectView   *mutual_window_get_inspect_view      (MutualWindow      *self);

void                 mutual_window_choose_identity_files (MutualWindow      *self);
void                 mutual_window_import_files          (MutualWindow      *self,
                                                          GFile            **files,
                                                          int                n_files);
void                 mutual_window_refresh_identities    (MutualWindow      *self);
MutualIdentityStore *mutual_window_get_identity_store    (MutualWindow      *self);
MutualIdentityView  *mutual_window_get_identity_view     (MutualWindow      *self);
MutualTestView      *mutual_window_get_test_view         (MutualWindow      *self);
void                 mutual_window_show_identity         (MutualWindow      *self,
                                                          MutualIdentity    *identity);

G_END_DECLS
