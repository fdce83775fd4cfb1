/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "mutual-field.h"

/**
 * MutualField:
 *
 * One labelled value of a decoded object, such as "Not after" or one DNS name of a
 * subjectAltName. Immutable. The id is stable (it is part of the JSON schema); the
 * label is for people and translated.
 */
struct _MutualField
{
  GObject parent_instance;

  char *id;
  char *label;
  char *value;
  MutualFieldFlags flags;
};

G_DEFINE_FINAL_TYPE (MutualField, mutual_field, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_LABEL,
  PROP_VALUE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

MutualField *
mutual_field_new (const char       *id,
                  const char       *label,
                  const char       *value,
                  MutualFieldFlags  flags)
{
  MutualField *self;

  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (label != NULL, NULL);
  g_return_val_if_fail (value != NULL, NULL);

  self = g_object_new (MUTUAL_TYPE_FIELD, NULL);
  self->id = g_strdup (id);
  self->label = g_strdup (label);
  self->value = g_strdup (value);
  self->flags = flags;

  return self;
}

const char *
mutual_field_get_id (MutualField *self)
{
  g_return_val_if_fail (MUTUAL_IS_FIELD (self), NULL);
  return self->id;
}

const char *
mutual_field_get_label (MutualField *self)
{
  g_return_val_if_fail (MUTUAL_IS_FIELD (self), NULL);
  return self->label;
}

const char *
mutual_field_get_value (MutualField *self)
{
  g_return_val_if_fail (MUTUAL_IS_FIELD (self), NULL);
  return self->value;
}

MutualFieldFlags
mutual_field_get_flags (MutualField *self)
{
  g_return_val_if_fail (MUTUAL_IS_FIELD (self), MUTUAL_FIELD_NONE);
  return self->flags;
}

static void
mutual_field_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  MutualField *self = MUTUAL_FIELD (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;
    case PROP_VALUE:
      g_value_set_string (value, self->value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mutual_field_finalize (GObject *object)
{
  MutualField *self = MUTUAL_FIELD (object);

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->label, g_free);
  g_clear_pointer (&self->value, g_free);

  G_OBJECT_CLASS (mutual_field_parent_class)->finalize (object);
}

static void
mutual_field_class_init (MutualFieldClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mutual_field_finalize;
  object_class->get_property = mutual_field_get_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL,
                                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LABEL] = g_param_spec_string ("label", NULL, NULL, NULL,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_VALUE] = g_param_spec_string ("value", NULL, NULL, NULL,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mutual_field_init (MutualField *self)
{
}
