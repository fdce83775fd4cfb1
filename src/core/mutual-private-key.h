/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mutual-certificate.h"

G_BEGIN_DECLS

#define MUTUAL_TYPE_PRIVATE_KEY (mutual_private_key_get_type ())

G_DECLARE_FINAL_TYPE (MutualPrivateKey, mutual_private_key, MUTUAL, PRIVATE_KEY, GObject)

const char *mutual_private_key_get_key_type (MutualPrivateKey  *self);
int         mutual_private_key_get_bits     (MutualPrivateKey  *self);
const char *mutual_private_key_get_key_id   (MutualPrivateKey  *self);
const char *mutual_private_key_get_format   (MutualPrivateKey  *self);
const char *mutual_private_key_get_origin   (MutualPrivateKey  *self);
gboolean    mutual_private_key_matches      (MutualPrivateKey  *self,
                                             MutualCertificate *certificate);
void        mutual_private_key_to_json      (MutualPrivateKey  *self,
                                             MutualJson        *json,
                                             const char        *member);

G_END_DECLS
