/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mutual-core.h"

G_BEGIN_DECLS

#define MUTUAL_TYPE_TEST_VIEW (mutual_test_view_get_type ())

G_DECLARE_FINAL_TYPE (MutualTestView, mutual_test_view, MUTUAL, TEST_VIEW, AdwBin)

GtkWidget   *mutual_test_view_new              (void);
void         mutual_test_view_set_identities   (MutualTestView      *self,
                                                MutualIdentityStore *store,
                                                GListModel          *identities);
void         mutual_test_view_set_ca_file      (MutualTestView      *self,
                                                GFile               *file);
GFile       *mutual_test_view_get_ca_file      (MutualTestView      *self);
void         mutual_test_view_set_keylog_file  (MutualTestView      *self,
                                                GFile               *file);
GFile       *mutual_test_view_get_keylog_file  (MutualTestView      *self);
gboolean     mutual_test_view_get_running      (MutualTestView      *self);
MutualProbe *mutual_test_view_get_probe        (MutualTestView      *self);
char        *mutual_test_view_dup_report       (MutualTestView      *self);
AdwLeaflet  *mutual_test_view_get_page_stack   (MutualTestView      *self);
void         mutual_test_view_show_certificate (MutualTestView      *self,
                                                MutualCertificate   *certificate);

G_END_DECLS
