/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "mutual-error.h"

G_DEFINE_QUARK (mutual-error-quark, mutual_error)
