/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mutual-core.h"

G_BEGIN_DECLS

#define MUTUAL_TYPE_CERTIFICATE_VIEW (mutual_certificate_view_get_type ())

G_DECLARE_FINAL_TYPE (MutualCertificateView, mutual_certificate_view, MUTUAL, CERTIFICATE_VIEW, AdwBin)

GtkWidget         *mutual_certificate_view_new                   (MutualCertificate     *certificate);
MutualCertificate *mutual_certificate_view_get_certificate       (MutualCertificateView *self);
gint64             mutual_certificate_view_get_scheduled_update  (MutualCertificateView *self);
const char        *mutual_certificate_view_get_state_style_class (MutualValidityState    state);

G_END_DECLS
