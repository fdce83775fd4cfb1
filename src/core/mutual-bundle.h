/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mutual-certificate.h"
#include "mutual-private-key.h"
#include "mutual-request.h"

G_BEGIN_DECLS

#define MUTUAL_TYPE_BUNDLE (mutual_bundle_get_type ())

G_DECLARE_FINAL_TYPE (MutualBundle, mutual_bundle, MUTUAL, BUNDLE, GObject)

MutualBundle       *mutual_bundle_new_merged       (const char   *source,
                                                    GPtrArray    *bundles);
const char         *mutual_bundle_get_source       (MutualBundle *self);
const char         *mutual_bundle_get_format       (MutualBundle *self);
GPtrArray          *mutual_bundle_get_certificates (MutualBundle *self);
GPtrArray          *mutual_bundle_get_keys         (MutualBundle *self);
GPtrArray          *mutual_bundle_get_requests     (MutualBundle *self);
const char * const *mutual_bundle_get_notes        (MutualBundle *self);
char               *mutual_bundle_describe         (MutualBundle *self);
gboolean            mutual_bundle_require_certificate (MutualBundle *self,
                                                       GError      **error);

G_END_DECLS
