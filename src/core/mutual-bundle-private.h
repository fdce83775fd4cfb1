/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mutual-bundle.h"

G_BEGIN_DECLS

MutualBundle *_mutual_bundle_new             (const char        *source);
void          _mutual_bundle_set_format      (MutualBundle      *self,
                                              const char        *format);
void          _mutual_bundle_add_certificate (MutualBundle      *self,
                                              MutualCertificate *certificate);
void          _mutual_bundle_add_key         (MutualBundle      *self,
                                              MutualPrivateKey  *key);
void          _mutual_bundle_add_request     (MutualBundle      *self,
                                              MutualRequest     *request);
void          _mutual_bundle_add_note        (MutualBundle      *self,
                                              const char        *note);

G_END_DECLS
