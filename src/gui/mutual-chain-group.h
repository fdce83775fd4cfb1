/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mutual-core.h"

G_BEGIN_DECLS

#define MUTUAL_TYPE_CHAIN_GROUP (mutual_chain_group_get_type ())

G_DECLARE_FINAL_TYPE (MutualChainGroup, mutual_chain_group, MUTUAL, CHAIN_GROUP, AdwPreferencesGroup)

GtkWidget     *mutual_chain_group_new         (MutualChain      *chain,
                                               const char       *title,
                                               const char       *trust_error);
MutualChain   *mutual_chain_group_get_chain   (MutualChainGroup *self);
MutualPurpose  mutual_chain_group_get_purpose (MutualChain      *chain);

G_END_DECLS
