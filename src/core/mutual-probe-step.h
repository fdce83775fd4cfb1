/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "mutual-field.h"
#include "mutual-json.h"

G_BEGIN_DECLS

/**
 * MutualStepKind:
 * @MUTUAL_STEP_RESOLVE: name resolution
 * @MUTUAL_STEP_CONNECT: TCP connection, per address tried
 * @MUTUAL_STEP_PREAMBLE: the protocol's own start before TLS (STARTTLS and the like)
 * @MUTUAL_STEP_HANDSHAKE: the TLS handshake as the client sees it
 * @MUTUAL_STEP_VERIFY: verification of the server's certificate chain and name
 * @MUTUAL_STEP_APPLICATION: a request of the protocol after the handshake, which is
 *   where a TLS 1.3 server's verdict on the client certificate shows
 * @MUTUAL_STEP_UNTRUSTED_CHECK: a second connection presenting a self-signed
 *   certificate, to see whether the server accepts any certificate
 */
typedef enum
{
  MUTUAL_STEP_RESOLVE,
  MUTUAL_STEP_CONNECT,
  MUTUAL_STEP_PREAMBLE,
  MUTUAL_STEP_HANDSHAKE,
  MUTUAL_STEP_VERIFY,
  MUTUAL_STEP_APPLICATION,
  MUTUAL_STEP_UNTRUSTED_CHECK,
} MutualStepKind;

/**
 * MutualStepStatus:
 * @MUTUAL_STEP_PENDING: not started
 * @MUTUAL_STEP_RUNNING: in progress
 * @MUTUAL_STEP_OK: done, as it should be
 * @MUTUAL_STEP_WARNING: done, with something worth a look
 * @MUTUAL_STEP_FAILED: failed; later steps did not run
 * @MUTUAL_STEP_SKIPPED: not needed for this probe
 */
typedef enum
{
  MUTUAL_STEP_PENDING,
  MUTUAL_STEP_RUNNING,
  MUTUAL_STEP_OK,
  MUTUAL_STEP_WARNING,
  MUTUAL_STEP_FAILED,
  MUTUAL_STEP_SKIPPED,
} MutualStepStatus;

#define MUTUAL_TYPE_PROBE_STEP (mutual_probe_step_get_type ())

G_DECLARE_FINAL_TYPE (MutualProbeStep, mutual_probe_step, MUTUAL, PROBE_STEP, GObject)

MutualStepKind    mutual_probe_step_get_kind      (MutualProbeStep *self);
const char       *mutual_probe_step_get_title     (MutualProbeStep *self);
MutualStepStatus  mutual_probe_step_get_status    (MutualProbeStep *self);
const char       *mutual_probe_step_get_summary   (MutualProbeStep *self);
gint64            mutual_probe_step_get_start     (MutualProbeStep *self);
gint64            mutual_probe_step_get_duration  (MutualProbeStep *self);
GListModel       *mutual_probe_step_get_evidence  (MutualProbeStep *self);
const char       *mutual_probe_step_kind_to_string (MutualStepKind  kind);
const char       *mutual_probe_step_status_to_string (MutualStepStatus status);
void              mutual_probe_step_to_json       (MutualProbeStep *self,
                                                   MutualJson      *json,
                                                   const char      *member);

G_END_DECLS
