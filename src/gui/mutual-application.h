/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mutual-core.h"
#include "mutual-renewal-monitor.h"

G_BEGIN_DECLS

#define MUTUAL_TYPE_APPLICATION (mutual_application_get_type ())

G_DECLARE_FINAL_TYPE (MutualApplication, mutual_application, MUTUAL, APPLICATION, AdwApplication)

MutualApplication   *mutual_application_new                (void);
GSettings           *mutual_application_get_settings       (MutualApplication *self);
MutualIdentityStore *mutual_application_get_identity_store (MutualApplication *self);

MutualRenewalMonitor *mutual_application_get_renewal_monitor (MutualApplication *self);

G_END_DECLS
