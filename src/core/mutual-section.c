/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "mutual-section.h"

/**
 * MutualSection:
 *
 * A titled group of fields of a decoded object: the subject, the validity, one
 * extension. Sections are built by the core and are not changed once handed out.
 */
struct _MutualSection
{
  GObject parent_instance;

  MutualSectionKind kind;
  char *id;
  char *title;
  char *oid;
  gboolean critical;
  /* MutualField. The section is its own list model: a GListStore per section costs
   * more than decoding the extension it holds. */
  GPtrArray *fields;
};

static void mutual_section_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MutualSection, mutual_section, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      mutual_section_list_model_init))

static GType
mutual_section_get_item_type (GListModel *model)
{
  return MUTUAL_TYPE_FIELD;
}

static guint
mutual_section_get_n_items (GListModel *model)
{
  return MUTUAL_SECTION (model)->fields->len;
}

static gpointer
mutual_section_get_item (GListModel *model,
                         guint       position)
{
  MutualSection *self = MUTUAL_SECTION (model);

  if (position >= self->fields->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->fields, position));
}

static void
mutual_section_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = mutual_section_get_item_type;
  iface->get_n_items = mutual_section_get_n_items;
  iface->get_item = mutual_section_get_item;
}

/**
 * mutual_section_new:
 * @id: stable, for JSON and tests: "subject", "validity", "ext.subjectAltName" ...
 * @title: for people, translated
 */
MutualSection *
mutual_section_new (MutualSectionKind  kind,
                    const char        *id,
                    const char        *title)
{
  MutualSection *self;

  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (title != NULL, NULL);

  self = g_object_new (MUTUAL_TYPE_SECTION, NULL);
  self->kind = kind;
  self->id = g_strdup (id);
  self->title = g_strdup (title);

  return self;
}

void
mutual_section_add (MutualSection    *self,
                    const char       *id,
                    const char       *label,
                    const char       *value,
                    MutualFieldFlags  flags)
{
  g_return_if_fail (MUTUAL_IS_SECTION (self));

  g_ptr_array_add (self->fields, mutual_field_new (id, label, value, flags));
}

/**
 * mutual_section_add_take:
 * @value: (transfer full): the value, freed by the section
 */
void
mutual_section_add_take (MutualSection    *self,
                         const char       *id,
                         const char       *label,
                         char             *value,
                         MutualFieldFlags  flags)
{
  g_autofree char *owned = value;

  mutual_section_add (self, id, label, owned, flags);
}

/**
 * mutual_section_replace:
 * @field: (transfer full): the field to put at @position
 *
 * For the code that builds the section, before it hands it out.
 */
void
mutual_section_replace (MutualSection *self,
                        guint          position,
                        MutualField   *field)
{
  g_return_if_fail (MUTUAL_IS_SECTION (self));
  g_return_if_fail (MUTUAL_IS_FIELD (field));
  g_return_if_fail (position < self->fields->len);

  g_object_unref (g_ptr_array_index (self->fields, position));
  g_ptr_array_index (self->fields, position) = field;
}

void
mutual_section_set_extension (MutualSection *self,
                              const char    *oid,
                              gboolean       critical)
{
  g_return_if_fail (MUTUAL_IS_SECTION (self));

  g_free (self->oid);
  self->oid = g_strdup (oid);
  self->critical = critical;
}

MutualSectionKind
mutual_section_get_kind (MutualSection *self)
{
  g_return_val_if_fail (MUTUAL_IS_SECTION (self), 0);
  return self->kind;
}

const char *
mutual_section_get_id (MutualSection *self)
{
  g_return_val_if_fail (MUTUAL_IS_SECTION (self), NULL);
  return self->id;
}

const char *
mutual_section_get_title (MutualSection *self)
{
  g_return_val_if_fail (MUTUAL_IS_SECTION (self), NULL);
  return self->title;
}

/**
 * mutual_section_get_oid:
 *
 * Returns: (nullable): the extension's OID, for %MUTUAL_SECTION_EXTENSION sections
 */
const char *
mutual_section_get_oid (MutualSection *self)
{
  g_return_val_if_fail (MUTUAL_IS_SECTION (self), NULL);
  return self->oid;
}

gboolean
mutual_section_get_critical (MutualSection *self)
{
  g_return_val_if_fail (MUTUAL_IS_SECTION (self), FALSE);
  return self->critical;
}

/**
 * mutual_section_get_fields:
 *
 * Returns: (transfer none): a list of #MutualField: the section itself
 */
GListModel *
mutual_section_get_fields (MutualSection *self)
{
  g_return_val_if_fail (MUTUAL_IS_SECTION (self), NULL);
  return G_LIST_MODEL (self);
}

/**
 * mutual_section_lookup:
 *
 * Returns: (nullable): the value of the first field with @field_id
 */
const char *
mutual_section_lookup (MutualSection *self,
                       const char    *field_id)
{
  g_return_val_if_fail (MUTUAL_IS_SECTION (self), NULL);

  for (guint i = 0; i < self->fields->len; i++)
    {
      MutualField *field = g_ptr_array_index (self->fields, i);

      if (g_str_equal (mutual_field_get_id (field), field_id))
        return mutual_field_get_value (field);
    }

  return NULL;
}

static void
mutual_section_finalize (GObject *object)
{
  MutualSection *self = MUTUAL_SECTION (object);

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->oid, g_free);
  g_clear_pointer (&self->fields, g_ptr_array_unref);

  G_OBJECT_CLASS (mutual_section_parent_class)->finalize (object);
}

static void
mutual_section_class_init (MutualSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mutual_section_finalize;
}

static void
mutual_section_init (MutualSection *self)
{
  self->fields = g_ptr_array_new_with_free_func (g_object_unref);
}

