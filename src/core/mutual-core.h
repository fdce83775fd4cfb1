/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The public face of libmutual-core. The GUI and the CLI include only this header. */

#include "mutual-core-enums.h"
#include "mutual-error.h"
#include "mutual-version.h"
