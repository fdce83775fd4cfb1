/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "mutual-field.h"

G_BEGIN_DECLS

/**
 * MutualSectionKind:
 * @MUTUAL_SECTION_SUMMARY: who, issued by, validity and status, in a few lines
 * @MUTUAL_SECTION_SUBJECT: the subject name, one field per attribute
 * @MUTUAL_SECTION_ISSUER: the issuer name, one field per attribute
 * @MUTUAL_SECTION_VALIDITY: validity period, lifetime and remaining time
 * @MUTUAL_SECTION_IDENTIFIERS: version, serial number and fingerprints
 * @MUTUAL_SECTION_PUBLIC_KEY: the public key
 * @MUTUAL_SECTION_EXTENSION: one extension; see mutual_section_get_oid()
 * @MUTUAL_SECTION_ATTRIBUTES: attributes of a certificate request
 * @MUTUAL_SECTION_SIGNATURE: the signature algorithm and value
 */
typedef enum
{
  MUTUAL_SECTION_SUMMARY,
  MUTUAL_SECTION_SUBJECT,
  MUTUAL_SECTION_ISSUER,
  MUTUAL_SECTION_VALIDITY,
  MUTUAL_SECTION_IDENTIFIERS,
  MUTUAL_SECTION_PUBLIC_KEY,
  MUTUAL_SECTION_EXTENSION,
  MUTUAL_SECTION_ATTRIBUTES,
  MUTUAL_SECTION_SIGNATURE,
} MutualSectionKind;

#define MUTUAL_TYPE_SECTION (mutual_section_get_type ())

G_DECLARE_FINAL_TYPE (MutualSection, mutual_section, MUTUAL, SECTION, GObject)

MutualSection     *mutual_section_new          (MutualSectionKind  kind,
                                                const char        *id,
                                                const char        *title);
void               mutual_section_add          (MutualSection     *self,
                                                const char        *id,
                                                const char        *label,
                                                const char        *value,
                                                MutualFieldFlags   flags);
void               mutual_section_add_take     (MutualSection     *self,
                                                const char        *id,
                                                const char        *label,
                                                char              *value,
                                                MutualFieldFlags   flags);
void               mutual_section_set_label    (MutualSection     *self,
                                                guint              position,
                                                const char        *label);
void               mutual_section_set_extension (MutualSection    *self,
                                                 const char       *oid,
                                                 gboolean          critical);
MutualSectionKind  mutual_section_get_kind     (MutualSection     *self);
const char        *mutual_section_get_id       (MutualSection     *self);
const char        *mutual_section_get_title    (MutualSection     *self);
const char        *mutual_section_get_oid      (MutualSection     *self);
gboolean           mutual_section_get_critical (MutualSection     *self);
GListModel        *mutual_section_get_fields   (MutualSection     *self);
guint              mutual_section_get_n_fields (MutualSection     *self);
const char        *mutual_section_get_field_id (MutualSection     *self,
                                                guint              position);
const char        *mutual_section_get_field_label (MutualSection  *self,
                                                   guint           position);
const char        *mutual_section_get_field_value (MutualSection  *self,
                                                   guint           position);
MutualFieldFlags   mutual_section_get_field_flags (MutualSection  *self,
                                                   guint           position);
const char        *mutual_section_lookup       (MutualSection     *self,
                                                const char        *field_id);

G_END_DECLS
