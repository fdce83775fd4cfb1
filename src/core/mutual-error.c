/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "mutual-ca-client.h"
#include "mutual-error.h"

G_DEFINE_QUARK (mutual-error-quark, mutual_error)
/* Here rather than with the CA client: CA profiles, in libmutual-core, report it too. */
G_DEFINE_QUARK (mutual-ca-error-quark, mutual_ca_error)
