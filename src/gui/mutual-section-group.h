/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mutual-core.h"

G_BEGIN_DECLS

#define MUTUAL_TYPE_SECTION_GROUP (mutual_section_group_get_type ())

G_DECLARE_FINAL_TYPE (MutualSectionGroup, mutual_section_group, MUTUAL, SECTION_GROUP, AdwPreferencesGroup)

GtkWidget     *mutual_section_group_new         (MutualSection      *section,
                                                 const char         *title);
MutualSection *mutual_section_group_get_section (MutualSectionGroup *self);
gboolean       mutual_section_group_update      (MutualSectionGroup *self,
                                                 MutualSection      *section);

G_END_DECLS
