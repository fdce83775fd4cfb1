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
  /* Entry. The section is its own list model, and its fields are plain records: the
   * command line reads them as they are, and a MutualField object is made only for
   * a position that the list model is asked for. A GListStore of objects per section
   * cost more than decoding the extension it holds. */
  GArray *entries;
  /* MutualField or NULL, one per entry; NULL until an item is asked for. */
  GPtrArray *items;
};

typedef struct
{
  char *id;
  char *label;
  char *value;
  MutualFieldFlags flags;
} Entry;

static void
entry_clear (Entry *entry)
{
  g_free (entry->id);
  g_free (entry->label);
  g_free (entry->value);
}

static void mutual_section_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MutualSection, mutual_section, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      mutual_section_list_model_init))

static void
unref_item (gpointer item)
{
  if (item != NULL)
    g_object_unref (item);
}

static GType
mutual_section_get_item_type (GListModel *model)
{
  return MUTUAL_TYPE_FIELD;
}

static guint
mutual_section_get_n_items (GListModel *model)
{
  return MUTUAL_SECTION (model)->entries->len;
}

static gpointer
mutual_section_get_item (GListModel *model,
                         guint       position)
{
  MutualSection *self = MUTUAL_SECTION (model);
  Entry *entry;

  if (position >= self->entries->len)
    return NULL;

  /* The same object each time a position is asked for. */
  if (self->items == NULL)
    {
      self->items = g_ptr_array_new_with_free_func (unref_item);
      g_ptr_array_set_size (self->items, self->entries->len);
    }
  if (g_ptr_array_index (self->items, position) == NULL)
    {
      entry = &g_array_index (self->entries, Entry, position);
      g_ptr_array_index (self->items, position) = mutual_field_new (entry->id, entry->label,
                                                                    entry->value, entry->flags);
    }
  return g_object_ref (g_ptr_array_index (self->items, position));
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
  g_return_if_fail (value != NULL);

  mutual_section_add_take (self, id, label, g_strdup (value), flags);
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
  Entry entry;

  g_return_if_fail (MUTUAL_IS_SECTION (self));
  g_return_if_fail (id != NULL && label != NULL && value != NULL);
  /* Fields are added while the section is built, before anyone lists them. */
  g_return_if_fail (self->items == NULL);

  entry.id = g_strdup (id);
  entry.label = g_strdup (label);
  entry.value = value;
  entry.flags = flags;
  g_array_append_val (self->entries, entry);
}

/**
 * mutual_section_set_label:
 *
 * Changes the label of the field at @position, for the code that builds the section,
 * before it hands it out.
 */
void
mutual_section_set_label (MutualSection *self,
                          guint          position,
                          const char    *label)
{
  Entry *entry;

  g_return_if_fail (MUTUAL_IS_SECTION (self));
  g_return_if_fail (position < self->entries->len);
  g_return_if_fail (self->items == NULL);

  entry = &g_array_index (self->entries, Entry, position);
  g_free (entry->label);
  entry->label = g_strdup (label);
}

/**
 * mutual_section_get_n_fields:
 *
 * The fields can be read by position, without the list model's objects.
 */
guint
mutual_section_get_n_fields (MutualSection *self)
{
  g_return_val_if_fail (MUTUAL_IS_SECTION (self), 0);
  return self->entries->len;
}

static Entry *
get_entry (MutualSection *self,
           guint          position)
{
  g_return_val_if_fail (MUTUAL_IS_SECTION (self), NULL);
  g_return_val_if_fail (position < self->entries->len, NULL);
  return &g_array_index (self->entries, Entry, position);
}

const char *
mutual_section_get_field_id (MutualSection *self,
                             guint          position)
{
  Entry *entry = get_entry (self, position);

  return entry ? entry->id : NULL;
}

const char *
mutual_section_get_field_label (MutualSection *self,
                                guint          position)
{
  Entry *entry = get_entry (self, position);

  return entry ? entry->label : NULL;
}

const char *
mutual_section_get_field_value (MutualSection *self,
                                guint          position)
{
  Entry *entry = get_entry (self, position);

  return entry ? entry->value : NULL;
}

MutualFieldFlags
mutual_section_get_field_flags (MutualSection *self,
                                guint          position)
{
  Entry *entry = get_entry (self, position);

  return entry ? entry->flags : MUTUAL_FIELD_NONE;
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

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = &g_array_index (self->entries, Entry, i);

      if (g_str_equal (entry->id, field_id))
        return entry->value;
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
  g_clear_pointer (&self->entries, g_array_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);

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
  self->entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  g_array_set_clear_func (self->entries, (GDestroyNotify) entry_clear);
}

