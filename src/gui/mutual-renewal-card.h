/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mutual-core.h"

G_BEGIN_DECLS

#define MUTUAL_TYPE_RENEWAL_CARD (mutual_renewal_card_get_type ())

G_DECLARE_FINAL_TYPE (MutualRenewalCard, mutual_renewal_card, MUTUAL, RENEWAL_CARD, AdwBin)

GtkWidget      *mutual_renewal_card_new          (MutualIdentityStore *store,
                                                  MutualIdentity      *identity);
MutualIdentity *mutual_renewal_card_get_identity (MutualRenewalCard   *self);
void            mutual_renewal_card_set_identity (MutualRenewalCard   *self,
                                                  MutualIdentity      *identity);
gboolean        mutual_renewal_card_get_busy     (MutualRenewalCard   *self);

G_END_DECLS
