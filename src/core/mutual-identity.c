/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "mutual-ca-profile-private.h"
#include "mutual-identity-private.h"

/**
 * MutualIdentity:
 *
 * What the keyring says about a stored client identity without being unlocked: its
 * stable id, label, subject, issuer, validity, fingerprint and key type. The
 * certificates and the key themselves are loaded through #MutualIdentityStore when
 * they are needed. Immutable: a renamed or renewed identity is a new object with the
 * same id.
 */
struct _MutualIdentity
{
  GObject parent_instance;

  char *id;
  char *label;
  char *subject;
  char *issuer;
  char *sha256;
  char *key_type;
  char *profile;
  MutualCaProfile *ca_profile;
  MutualValidity validity;
  guint generation;
};

G_DEFINE_FINAL_TYPE (MutualIdentity, mutual_identity, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_LABEL,
  PROP_SUBJECT,
  PROP_ISSUER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
attribute (GHashTable *attributes,
           const char *name)
{
  const char *value = g_hash_table_lookup (attributes, name);

  return value ? value : "";
}

static gboolean
parse_int64 (const char *text,
             gint64     *value)
{
  return g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, value, NULL);
}

/**
 * _mutual_identity_new_from_attributes:
 * @attributes: (element-type utf8 utf8): an item's attributes
 *
 * Returns: (transfer full) (nullable): the identity, or %NULL with @error set when the
 *   attributes are not those of a Mutual identity item
 */
MutualIdentity *
_mutual_identity_new_from_attributes (GHashTable  *attributes,
                                      GError     **error)
{
  g_autoptr(MutualIdentity) self = g_object_new (MUTUAL_TYPE_IDENTITY, NULL);
  guint64 generation = 0;

  self->id = g_strdup (attribute (attributes, MUTUAL_ATTRIBUTE_ID));
  self->label = g_strdup (attribute (attributes, MUTUAL_ATTRIBUTE_LABEL));
  self->subject = g_strdup (attribute (attributes, MUTUAL_ATTRIBUTE_SUBJECT));
  self->issuer = g_strdup (attribute (attributes, MUTUAL_ATTRIBUTE_ISSUER));
  self->sha256 = g_strdup (attribute (attributes, MUTUAL_ATTRIBUTE_SHA256));
  self->key_type = g_strdup (attribute (attributes, MUTUAL_ATTRIBUTE_KEY_TYPE));
  self->profile = g_strdup (attribute (attributes, MUTUAL_ATTRIBUTE_PROFILE));
  self->ca_profile = _mutual_ca_profile_new_from_attributes (attributes);

  if (self->id[0] == '\0' ||
      !parse_int64 (attribute (attributes, MUTUAL_ATTRIBUTE_NOT_BEFORE), &self->validity.not_before) ||
      !parse_int64 (attribute (attributes, MUTUAL_ATTRIBUTE_NOT_AFTER), &self->validity.not_after) ||
      !g_ascii_string_to_unsigned (attribute (attributes, MUTUAL_ATTRIBUTE_GENERATION), 10, 1,
                                   G_MAXUINT, &generation, NULL))
    {
      g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_ITEM_UNREADABLE,
                   _("A keyring item of Mutual (id “%s”) has damaged attributes"), self->id);
      return NULL;
    }
  self->generation = generation;

  return g_steal_pointer (&self);
}

/**
 * _mutual_identity_new:
 *
 * Returns: (transfer full): an identity with these values
 */
MutualIdentity *
_mutual_identity_new (const char           *id,
                      const char           *label,
                      const char           *subject,
                      const char           *issuer,
                      const char           *sha256,
                      const char           *key_type,
                      const char           *profile,
                      const MutualValidity *validity,
                      guint                 generation)
{
  MutualIdentity *self = g_object_new (MUTUAL_TYPE_IDENTITY, NULL);

  self->id = g_strdup (id);
  self->label = g_strdup (label);
  self->subject = g_strdup (subject);
  self->issuer = g_strdup (issuer);
  self->sha256 = g_strdup (sha256);
  self->key_type = g_strdup (key_type);
  self->profile = g_strdup (profile ? profile : "");
  self->validity = *validity;
  self->generation = generation;

  return self;
}

/**
 * _mutual_identity_to_attributes:
 * @kind: %MUTUAL_ITEM_CERTIFICATE or %MUTUAL_ITEM_KEY
 *
 * Returns: (transfer full) (element-type utf8 utf8): the attributes of one of the
 *   identity's two keyring items
 */
GHashTable *
_mutual_identity_to_attributes (MutualIdentity *self,
                                const char     *kind)
{
  GHashTable *attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_hash_table_insert (attributes, (gpointer) MUTUAL_ATTRIBUTE_KIND, g_strdup (kind));
  g_hash_table_insert (attributes, (gpointer) MUTUAL_ATTRIBUTE_ID, g_strdup (self->id));
  g_hash_table_insert (attributes, (gpointer) MUTUAL_ATTRIBUTE_GENERATION,
                       g_strdup_printf ("%u", self->generation));
  g_hash_table_insert (attributes, (gpointer) MUTUAL_ATTRIBUTE_LABEL, g_strdup (self->label));
  g_hash_table_insert (attributes, (gpointer) MUTUAL_ATTRIBUTE_SUBJECT, g_strdup (self->subject));
  g_hash_table_insert (attributes, (gpointer) MUTUAL_ATTRIBUTE_ISSUER, g_strdup (self->issuer));
  g_hash_table_insert (attributes, (gpointer) MUTUAL_ATTRIBUTE_NOT_BEFORE,
                       g_strdup_printf ("%" G_GINT64_FORMAT, self->validity.not_before));
  g_hash_table_insert (attributes, (gpointer) MUTUAL_ATTRIBUTE_NOT_AFTER,
                       g_strdup_printf ("%" G_GINT64_FORMAT, self->validity.not_after));
  g_hash_table_insert (attributes, (gpointer) MUTUAL_ATTRIBUTE_SHA256, g_strdup (self->sha256));
  g_hash_table_insert (attributes, (gpointer) MUTUAL_ATTRIBUTE_KEY_TYPE, g_strdup (self->key_type));
  g_hash_table_insert (attributes, (gpointer) MUTUAL_ATTRIBUTE_PROFILE, g_strdup (self->profile));
  if (self->ca_profile != NULL)
    _mutual_ca_profile_add_attributes (self->ca_profile, attributes);
  g_hash_table_insert (attributes, (gpointer) MUTUAL_ATTRIBUTE_VERSION,
                       g_strdup (MUTUAL_SCHEMA_VERSION));

  return attributes;
}

/**
 * mutual_identity_get_id:
 *
 * Returns: the identity's id: short, stable across renames and renewals
 */
const char *
mutual_identity_get_id (MutualIdentity *self)
{
  g_return_val_if_fail (MUTUAL_IS_IDENTITY (self), NULL);
  return self->id;
}

const char *
mutual_identity_get_label (MutualIdentity *self)
{
  g_return_val_if_fail (MUTUAL_IS_IDENTITY (self), NULL);
  return self->label;
}

/**
 * mutual_identity_get_subject:
 *
 * Returns: the certificate holder's name (its common name when it has one)
 */
const char *
mutual_identity_get_subject (MutualIdentity *self)
{
  g_return_val_if_fail (MUTUAL_IS_IDENTITY (self), NULL);
  return self->subject;
}

const char *
mutual_identity_get_issuer (MutualIdentity *self)
{
  g_return_val_if_fail (MUTUAL_IS_IDENTITY (self), NULL);
  return self->issuer;
}

/**
 * mutual_identity_get_sha256:
 *
 * Returns: the SHA-256 fingerprint of the identity's certificate, colon hex
 */
const char *
mutual_identity_get_sha256 (MutualIdentity *self)
{
  g_return_val_if_fail (MUTUAL_IS_IDENTITY (self), NULL);
  return self->sha256;
}

const char *
mutual_identity_get_key_type (MutualIdentity *self)
{
  g_return_val_if_fail (MUTUAL_IS_IDENTITY (self), NULL);
  return self->key_type;
}

/**
 * mutual_identity_get_profile:
 *
 * Returns: the kind of CA profile that renews the identity (such as "step-ca", see
 *   mutual_identity_get_ca_profile()), or "" for none
 */
const char *
mutual_identity_get_profile (MutualIdentity *self)
{
  g_return_val_if_fail (MUTUAL_IS_IDENTITY (self), NULL);
  return self->profile;
}

/**
 * mutual_identity_get_ca_profile:
 *
 * Returns: (transfer none) (nullable): how the identity is renewed, or %NULL when it
 *   was imported rather than enrolled
 */
MutualCaProfile *
mutual_identity_get_ca_profile (MutualIdentity *self)
{
  g_return_val_if_fail (MUTUAL_IS_IDENTITY (self), NULL);
  return self->ca_profile;
}

/* Gives the identity a CA profile; the "profile" attribute then names its kind. */
void
_mutual_identity_set_ca_profile (MutualIdentity  *self,
                                 MutualCaProfile *profile)
{
  g_set_object (&self->ca_profile, profile);
  g_free (self->profile);
  self->profile = g_strdup (profile ? mutual_ca_profile_get_kind (profile) : "");
}

const MutualValidity *
mutual_identity_get_validity (MutualIdentity *self)
{
  g_return_val_if_fail (MUTUAL_IS_IDENTITY (self), NULL);
  return &self->validity;
}

/**
 * mutual_identity_get_generation:
 *
 * Returns: how many times the identity was written: 1 when imported, one more for each
 *   rename or renewal
 */
guint
mutual_identity_get_generation (MutualIdentity *self)
{
  g_return_val_if_fail (MUTUAL_IS_IDENTITY (self), 0);
  return self->generation;
}

/**
 * mutual_identity_get_section:
 *
 * Describes what the keyring holds for the identity, besides its certificates: its
 * label, its id and its private key. Nothing is read from the keyring: the certificate
 * itself is described by mutual_certificate_get_sections().
 *
 * Returns: (transfer full): a section with the id "identity"
 */
MutualSection *
mutual_identity_get_section (MutualIdentity *self)
{
  MutualSection *section;

  g_return_val_if_fail (MUTUAL_IS_IDENTITY (self), NULL);

  section = mutual_section_new (MUTUAL_SECTION_SUMMARY, "identity", _("Identity"));
  mutual_section_add (section, "label", _("Label"), self->label, MUTUAL_FIELD_NONE);
  mutual_section_add (section, "id", _("Id"), self->id,
                      MUTUAL_FIELD_MONOSPACE | MUTUAL_FIELD_COPYABLE);
  mutual_section_add_take (section, "key", _("Private key"),
                           /* Translators: %s is a key type, e.g. "ECDSA P-256". */
                           g_strdup_printf (_("%s, kept in the keyring"), self->key_type),
                           MUTUAL_FIELD_NONE);
  if (self->ca_profile != NULL)
    mutual_section_add_take (section, "profile", _("Renewed with"),
                             /* Translators: e.g. "step-ca at https://ca.example.com". */
                             g_strdup_printf (_("%s at %s"), mutual_ca_profile_get_kind (self->ca_profile),
                                              mutual_ca_profile_get_url (self->ca_profile)),
                             MUTUAL_FIELD_NONE);
  else if (self->profile[0] != '\0')
    mutual_section_add (section, "profile", _("Renewed with"), self->profile, MUTUAL_FIELD_NONE);

  return section;
}

/**
 * mutual_identity_to_json:
 * @member: (nullable): the member name, inside an object
 *
 * Writes {"id", "label", "subject", "issuer", "sha256", "key_type", "profile",
 * "not_before", "not_after", "remaining_seconds", "state", "description"}.
 */
void
mutual_identity_to_json (MutualIdentity *self,
                         MutualJson     *json,
                         const char     *member,
                         gint64          now)
{
  g_autofree char *not_before = mutual_format_time_iso8601 (self->validity.not_before);
  g_autofree char *not_after = mutual_format_time_iso8601 (self->validity.not_after);
  g_autofree char *description = mutual_validity_describe (&self->validity, now, FALSE);

  g_return_if_fail (MUTUAL_IS_IDENTITY (self));

  mutual_json_begin_object (json, member);
  mutual_json_string (json, "id", self->id);
  mutual_json_string (json, "label", self->label);
  mutual_json_string (json, "subject", self->subject);
  mutual_json_string (json, "issuer", self->issuer);
  mutual_json_string (json, "sha256", self->sha256);
  mutual_json_string (json, "key_type", self->key_type);
  mutual_json_string (json, "profile", self->profile[0] ? self->profile : NULL);
  mutual_json_string (json, "not_before", not_before);
  mutual_json_string (json, "not_after", not_after);
  mutual_json_int (json, "remaining_seconds", self->validity.not_after - now);
  mutual_json_string (json, "state",
                      mutual_validity_state_to_string (mutual_validity_get_state (&self->validity, now)));
  mutual_json_string (json, "description", description);
  mutual_json_end_object (json);
}

static void
mutual_identity_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  MutualIdentity *self = MUTUAL_IDENTITY (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;
    case PROP_SUBJECT:
      g_value_set_string (value, self->subject);
      break;
    case PROP_ISSUER:
      g_value_set_string (value, self->issuer);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mutual_identity_finalize (GObject *object)
{
  MutualIdentity *self = MUTUAL_IDENTITY (object);

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->label, g_free);
  g_clear_pointer (&self->subject, g_free);
  g_clear_pointer (&self->issuer, g_free);
  g_clear_pointer (&self->sha256, g_free);
  g_clear_pointer (&self->key_type, g_free);
  g_clear_pointer (&self->profile, g_free);
  g_clear_object (&self->ca_profile);

  G_OBJECT_CLASS (mutual_identity_parent_class)->finalize (object);
}

static void
mutual_identity_class_init (MutualIdentityClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mutual_identity_finalize;
  object_class->get_property = mutual_identity_get_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL,
                                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LABEL] = g_param_spec_string ("label", NULL, NULL, NULL,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SUBJECT] = g_param_spec_string ("subject", NULL, NULL, NULL,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ISSUER] = g_param_spec_string ("issuer", NULL, NULL, NULL,
                                                 G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mutual_identity_init (MutualIdentity *self)
{
}
