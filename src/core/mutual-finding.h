/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "mutual-json.h"

G_BEGIN_DECLS

/**
 * MutualFindingSeverity:
 * @MUTUAL_FINDING_ERROR: this is why the connection failed or was refused
 * @MUTUAL_FINDING_WARNING: something that will cause trouble, or did elsewhere
 * @MUTUAL_FINDING_INFO: worth knowing
 */
typedef enum
{
  MUTUAL_FINDING_ERROR,
  MUTUAL_FINDING_WARNING,
  MUTUAL_FINDING_INFO,
} MutualFindingSeverity;

#define MUTUAL_TYPE_FINDING (mutual_finding_get_type ())

G_DECLARE_FINAL_TYPE (MutualFinding, mutual_finding, MUTUAL, FINDING, GObject)

MutualFinding         *mutual_finding_new             (const char            *id,
                                                       MutualFindingSeverity  severity,
                                                       gboolean               certain,
                                                       const char            *title,
                                                       const char            *explanation,
                                                       const char            *remedy);
void                   mutual_finding_add_evidence    (MutualFinding         *self,
                                                       const char            *evidence);
const char            *mutual_finding_get_id          (MutualFinding         *self);
MutualFindingSeverity  mutual_finding_get_severity    (MutualFinding         *self);
const char            *mutual_finding_severity_get_label (MutualFindingSeverity severity);
gboolean               mutual_finding_get_certain     (MutualFinding         *self);
const char            *mutual_finding_get_title       (MutualFinding         *self);
const char            *mutual_finding_get_explanation (MutualFinding         *self);
const char            *mutual_finding_get_remedy      (MutualFinding         *self);
const char * const    *mutual_finding_get_evidence    (MutualFinding         *self);
void                   mutual_finding_to_json         (MutualFinding         *self,
                                                       MutualJson            *json,
                                                       const char            *member);

G_END_DECLS
