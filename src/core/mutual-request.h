/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mutual-json.h"
#include "mutual-section.h"

G_BEGIN_DECLS

#define MUTUAL_TYPE_REQUEST (mutual_request_get_type ())

G_DECLARE_FINAL_TYPE (MutualRequest, mutual_request, MUTUAL, REQUEST, GObject)

const char *mutual_request_get_subject                (MutualRequest *self);
const char *mutual_request_get_subject_name           (MutualRequest *self);
const char *mutual_request_get_key_type               (MutualRequest *self);
const char *mutual_request_get_key_id                 (MutualRequest *self);
const char *mutual_request_get_origin                 (MutualRequest *self);
gboolean    mutual_request_has_challenge_password     (MutualRequest *self);
gboolean    mutual_request_signature_valid            (MutualRequest *self);
GPtrArray  *mutual_request_get_sections               (MutualRequest *self);
void        mutual_request_to_json                    (MutualRequest *self,
                                                       MutualJson    *json,
                                                       const char    *member);

G_END_DECLS
