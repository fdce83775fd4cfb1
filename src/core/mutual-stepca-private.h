/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mutual-ca-client.h"

G_BEGIN_DECLS

#define MUTUAL_TYPE_STEPCA (mutual_stepca_get_type ())

G_DECLARE_FINAL_TYPE (MutualStepCa, mutual_stepca, MUTUAL, STEPCA, MutualCaClient)

MutualCaClient *_mutual_stepca_new (MutualCaProfile *profile);

G_END_DECLS
