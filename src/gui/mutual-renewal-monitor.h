/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "mutual-core.h"

G_BEGIN_DECLS

#define MUTUAL_TYPE_RENEWAL_MONITOR (mutual_renewal_monitor_get_type ())

G_DECLARE_FINAL_TYPE (MutualRenewalMonitor, mutual_renewal_monitor, MUTUAL, RENEWAL_MONITOR, GObject)

MutualRenewalMonitor      *mutual_renewal_monitor_new            (GApplication         *application,
                                                                  MutualIdentityStore  *store);
const MutualRenewalRecord *mutual_renewal_monitor_lookup         (MutualRenewalMonitor *self,
                                                                  const char           *id);
void                       mutual_renewal_monitor_set_background (MutualRenewalMonitor *self,
                                                                  gboolean              background);
gboolean                   mutual_renewal_monitor_get_running    (MutualRenewalMonitor *self);
void                       mutual_renewal_monitor_reload         (MutualRenewalMonitor *self);
void                       mutual_renewal_monitor_stop           (MutualRenewalMonitor *self);
const char                *mutual_renewal_monitor_get_notified   (MutualRenewalMonitor *self,
                                                                  const char           *id);

G_END_DECLS
