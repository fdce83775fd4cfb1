/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "mutual-ca-profile.h"
#include "mutual-json.h"
#include "mutual-section.h"
#include "mutual-validity.h"

G_BEGIN_DECLS

#define MUTUAL_TYPE_IDENTITY (mutual_identity_get_type ())

G_DECLARE_FINAL_TYPE (MutualIdentity, mutual_identity, MUTUAL, IDENTITY, GObject)

const char           *mutual_identity_get_id         (MutualIdentity *self);
const char           *mutual_identity_get_label      (MutualIdentity *self);
const char           *mutual_identity_get_subject    (MutualIdentity *self);
const char           *mutual_identity_get_issuer     (MutualIdentity *self);
const char           *mutual_identity_get_sha256     (MutualIdentity *self);
const char           *mutual_identity_get_key_type   (MutualIdentity *self);
const char           *mutual_identity_get_profile    (MutualIdentity *self);
MutualCaProfile      *mutual_identity_get_ca_profile (MutualIdentity *self);
const MutualValidity *mutual_identity_get_validity   (MutualIdentity *self);
guint                 mutual_identity_get_generation (MutualIdentity *self);
MutualSection        *mutual_identity_get_section    (MutualIdentity *self);
void                  mutual_identity_to_json        (MutualIdentity *self,
                                                      MutualJson     *json,
                                                      const char     *member,
                                                      gint64          now);

G_END_DECLS
