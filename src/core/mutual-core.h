/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The public face of libmutual-core. The GUI and the CLI include only this header. */

#include "mutual-bundle.h"
#include "mutual-ca-client.h"
#include "mutual-ca-profile.h"
#include "mutual-certificate.h"
#include "mutual-chain.h"
#include "mutual-core-enums.h"
#include "mutual-error.h"
#include "mutual-field.h"
#include "mutual-finding.h"
#include "mutual-identity.h"
#include "mutual-identity-store.h"
#include "mutual-importer.h"
#include "mutual-json.h"
#include "mutual-private-key.h"
#include "mutual-probe.h"
#include "mutual-probe-step.h"
#include "mutual-problem.h"
#include "mutual-renewal.h"
#include "mutual-renewal-agent.h"
#include "mutual-request.h"
#include "mutual-section.h"
#include "mutual-trust.h"
#include "mutual-validity.h"
#include "mutual-version.h"
