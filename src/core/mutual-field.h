/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * MutualFieldFlags:
 * @MUTUAL_FIELD_NONE: plain text
 * @MUTUAL_FIELD_MONOSPACE: a value that reads better in a fixed-width font (hex, OIDs)
 * @MUTUAL_FIELD_COPYABLE: a value users routinely copy (fingerprints, serials, PEM)
 * @MUTUAL_FIELD_WARNING: the value shows a problem (expired, weak key, ...)
 */
typedef enum /*< flags >*/
{
  MUTUAL_FIELD_NONE      = 0,
  MUTUAL_FIELD_MONOSPACE = 1 << 0,
  MUTUAL_FIELD_COPYABLE  = 1 << 1,
  MUTUAL_FIELD_WARNING   = 1 << 2,
} MutualFieldFlags;

#define MUTUAL_TYPE_FIELD (mutual_field_get_type ())

G_DECLARE_FINAL_TYPE (MutualField, mutual_field, MUTUAL, FIELD, GObject)

MutualField      *mutual_field_new       (const char       *id,
                                          const char       *label,
                                          const char       *value,
                                          MutualFieldFlags  flags);
const char       *mutual_field_get_id    (MutualField      *self);
const char       *mutual_field_get_label (MutualField      *self);
const char       *mutual_field_get_value (MutualField      *self);
MutualFieldFlags  mutual_field_get_flags (MutualField      *self);

G_END_DECLS
