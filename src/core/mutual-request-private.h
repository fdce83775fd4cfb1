/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mutual-gnutls-private.h"
#include "mutual-request.h"

G_BEGIN_DECLS

MutualRequest *_mutual_request_new_take (gnutls_x509_crq_t   crq,
                                         const char         *origin,
                                         GError            **error);

G_END_DECLS
