/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "mutual-field-row.h"
#include "mutual-section-group.h"

/* A section of the core's certificate model as a preferences group: the section's title,
 * the OID (and whether it is critical) for an extension, and one row per field. */

struct _MutualSectionGroup
{
  AdwPreferencesGroup parent_instance;

  MutualSection *section;
  /* The rows, in the order of the section's fields. */
  GPtrArray *rows;
};

G_DEFINE_FINAL_TYPE (MutualSectionGroup, mutual_section_group, ADW_TYPE_PREFERENCES_GROUP)

static void
set_escaped (AdwPreferencesGroup *group,
             const char          *title,
             const char          *description)
{
  /* AdwPreferencesGroup shows both as Pango markup; certificate text is not markup. */
  g_autofree char *escaped_title = g_markup_escape_text (title, -1);
  g_autofree char *escaped_description = NULL;

  if (description != NULL)
    escaped_description = g_markup_escape_text (description, -1);

  adw_preferences_group_set_title (group, escaped_title);
  adw_preferences_group_set_description (group, escaped_description);
}

/**
 * mutual_section_group_new:
 * @title: (nullable): a title to use instead of the section's
 */
GtkWidget *
mutual_section_group_new (MutualSection *section,
                          const char    *title)
{
  MutualSectionGroup *self;
  GListModel *fields;
  g_autofree char *description = NULL;

  g_return_val_if_fail (MUTUAL_IS_SECTION (section), NULL);

  self = g_object_new (MUTUAL_TYPE_SECTION_GROUP, NULL);
  self->section = g_object_ref (section);

  if (mutual_section_get_oid (section) != NULL)
    {
      if (mutual_section_get_critical (section))
        /* Translators: describes a certificate extension; %s is its object identifier. */
        description = g_strdup_printf (_("OID %s, critical"), mutual_section_get_oid (section));
      else
        /* Translators: describes a certificate extension; %s is its object identifier. */
        description = g_strdup_printf (_("OID %s"), mutual_section_get_oid (section));
    }
  set_escaped (ADW_PREFERENCES_GROUP (self), title ? title : mutual_section_get_title (section),
               description);

  fields = mutual_section_get_fields (section);
  for (guint i = 0; i < g_list_model_get_n_items (fields); i++)
    {
      g_autoptr(MutualField) field = g_list_model_get_item (fields, i);
      GtkWidget *row = mutual_field_row_new (field);

      g_ptr_array_add (self->rows, row);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
    }

  return GTK_WIDGET (self);
}

MutualSection *
mutual_section_group_get_section (MutualSectionGroup *self)
{
  g_return_val_if_fail (MUTUAL_IS_SECTION_GROUP (self), NULL);

  return self->section;
}

/**
 * mutual_section_group_update:
 * @section: the same section, computed at another time
 *
 * Shows the values of @section in the existing rows, so that a time-dependent value
 * ("expires in 5 h") changes without rebuilding the group.
 *
 * Returns: %FALSE, changing nothing, when @section does not have the same fields
 */
gboolean
mutual_section_group_update (MutualSectionGroup *self,
                             MutualSection      *section)
{
  GListModel *fields;

  g_return_val_if_fail (MUTUAL_IS_SECTION_GROUP (self), FALSE);
  g_return_val_if_fail (MUTUAL_IS_SECTION (section), FALSE);

  fields = mutual_section_get_fields (section);
  if (g_strcmp0 (mutual_section_get_id (section), mutual_section_get_id (self->section)) != 0 ||
      g_list_model_get_n_items (fields) != self->rows->len)
    return FALSE;

  for (guint i = 0; i < self->rows->len; i++)
    {
      g_autoptr(MutualField) field = g_list_model_get_item (fields, i);
      MutualFieldRow *row = g_ptr_array_index (self->rows, i);

      if (g_strcmp0 (mutual_field_get_id (field),
                     mutual_field_get_id (mutual_field_row_get_field (row))) != 0)
        return FALSE;
    }

  for (guint i = 0; i < self->rows->len; i++)
    {
      g_autoptr(MutualField) field = g_list_model_get_item (fields, i);

      mutual_field_row_set_field (g_ptr_array_index (self->rows, i), field);
    }
  g_set_object (&self->section, section);

  return TRUE;
}

static void
mutual_section_group_finalize (GObject *object)
{
  MutualSectionGroup *self = MUTUAL_SECTION_GROUP (object);

  g_clear_object (&self->section);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (mutual_section_group_parent_class)->finalize (object);
}

static void
mutual_section_group_class_init (MutualSectionGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mutual_section_group_finalize;
}

static void
mutual_section_group_init (MutualSectionGroup *self)
{
  /* The group's children own the rows; this array only points at them. */
  self->rows = g_ptr_array_new ();
}
