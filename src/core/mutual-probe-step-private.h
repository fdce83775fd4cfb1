/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mutual-probe-step.h"

G_BEGIN_DECLS

MutualProbeStep *_mutual_probe_step_new      (MutualStepKind    kind,
                                              const char       *title);
void             _mutual_probe_step_start    (MutualProbeStep  *self,
                                              gint64            offset);
void             _mutual_probe_step_finish   (MutualProbeStep  *self,
                                              MutualStepStatus  status,
                                              gint64            offset,
                                              const char       *summary);
void             _mutual_probe_step_add      (MutualProbeStep  *self,
                                              const char       *id,
                                              const char       *label,
                                              const char       *value);
void             _mutual_probe_step_add_take (MutualProbeStep  *self,
                                              const char       *id,
                                              const char       *label,
                                              char             *value);

G_END_DECLS
