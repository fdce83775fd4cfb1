/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "mutual-ca-client.h"
#include "mutual-ca-profile-private.h"
#include "mutual-error.h"

/**
 * MutualCaProfile:
 *
 * How an identity is renewed: the CA's protocol (kind), its URL, the SHA-256
 * fingerprint of its root, the provisioner, and when to renew. A profile holds
 * nothing secret. It is kept with the identity, as attributes of its keyring items
 * (help/C/keyring.page), so that it is renewed, renamed and removed with it.
 */
struct _MutualCaProfile
{
  GObject parent_instance;

  char *kind;
  char *url;
  char *fingerprint;
  char *provisioner;
  /* One of the two is set: a fraction of the lifetime, or seconds before expiry. */
  double renew_fraction;
  gint64 renew_before;
  /* Opt-in outputs after each renewal: files, and a command run afterwards. */
  char *out_cert;
  char *out_key;
  /* A PKCS#12 file; its password is a keyring item of its own, never an attribute. */
  char *out_pkcs12;
  char *hook;
  /* Seconds the hook may run, 0 for MUTUAL_CA_DEFAULT_HOOK_TIMEOUT. */
  guint hook_timeout;
};

G_DEFINE_FINAL_TYPE (MutualCaProfile, mutual_ca_profile, G_TYPE_OBJECT)

static void
mutual_ca_profile_finalize (GObject *object)
{
  MutualCaProfile *self = MUTUAL_CA_PROFILE (object);

  g_clear_pointer (&self->kind, g_free);
  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->fingerprint, g_free);
  g_clear_pointer (&self->provisioner, g_free);
  g_clear_pointer (&self->out_cert, g_free);
  g_clear_pointer (&self->out_key, g_free);
  g_clear_pointer (&self->out_pkcs12, g_free);
  g_clear_pointer (&self->hook, g_free);

  G_OBJECT_CLASS (mutual_ca_profile_parent_class)->finalize (object);
}

static void
mutual_ca_profile_class_init (MutualCaProfileClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mutual_ca_profile_finalize;
}

static void
mutual_ca_profile_init (MutualCaProfile *self)
{
  self->renew_fraction = MUTUAL_CA_DEFAULT_RENEW_FRACTION;
}

/**
 * mutual_normalize_fingerprint:
 * @text: a SHA-256 fingerprint in hex, with or without colons, any case
 *
 * Returns: (transfer full) (nullable): 64 lowercase hex digits, or %NULL when @text is
 *   not a SHA-256 fingerprint
 */
char *
mutual_normalize_fingerprint (const char *text)
{
  g_autoptr(GString) hex = g_string_new (NULL);

  g_return_val_if_fail (text != NULL, NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isxdigit (*p))
        g_string_append_c (hex, g_ascii_tolower (*p));
      else if (*p != ':' && *p != ' ')
        return NULL;
    }
  if (hex->len != 64)
    return NULL;
  return g_string_free (g_steal_pointer (&hex), FALSE);
}

/* The CA's base URL: https, a host, an optional port and path, no trailing slash. */
static char *
normalize_url (const char  *text,
               GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  g_autofree char *path = NULL;

  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 || g_uri_get_host (uri) == NULL ||
      g_uri_get_host (uri)[0] == '\0' || g_uri_get_query (uri) != NULL || g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not the URL of a CA: give an https URL such as "
                     "https://ca.example.com:9000"), text);
      return NULL;
    }
  path = g_strdup (g_uri_get_path (uri));
  while (path[0] != '\0' && path[strlen (path) - 1] == '/')
    path[strlen (path) - 1] = '\0';
  return g_uri_join (G_URI_FLAGS_NONE, "https", NULL, g_uri_get_host (uri), g_uri_get_port (uri), path,
                     NULL, NULL);
}

/**
 * mutual_ca_profile_new:
 * @kind: the protocol, %MUTUAL_CA_KIND_STEP_CA
 * @url: the CA's https URL
 * @fingerprint: the SHA-256 fingerprint of its root, hex, colons allowed
 * @provisioner: (nullable): the provisioner's name
 *
 * Returns: (transfer full) (nullable): the profile, with the default renewal policy
 */
MutualCaProfile *
mutual_ca_profile_new (const char  *kind,
                       const char  *url,
                       const char  *fingerprint,
                       const char  *provisioner,
                       GError     **error)
{
  g_autoptr(MutualCaProfile) self = NULL;
  g_autofree char *normalized_url = NULL;
  g_autofree char *normalized_fingerprint = NULL;

  g_return_val_if_fail (kind != NULL && url != NULL && fingerprint != NULL, NULL);

  if (!g_str_equal (kind, MUTUAL_CA_KIND_STEP_CA))
    {
      g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_UNSUPPORTED,
                   _("Mutual does not know CAs of the kind “%s”"), kind);
      return NULL;
    }
  normalized_url = normalize_url (url, error);
  if (normalized_url == NULL)
    return NULL;
  normalized_fingerprint = mutual_normalize_fingerprint (fingerprint);
  if (normalized_fingerprint == NULL)
    {
      g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a SHA-256 fingerprint: give the 64 hexadecimal digits that "
                     "“step certificate fingerprint root_ca.crt” prints"), fingerprint);
      return NULL;
    }

  self = g_object_new (MUTUAL_TYPE_CA_PROFILE, NULL);
  self->kind = g_strdup (kind);
  self->url = g_steal_pointer (&normalized_url);
  self->fingerprint = g_steal_pointer (&normalized_fingerprint);
  self->provisioner = g_strdup (provisioner != NULL && provisioner[0] != '\0' ? provisioner : NULL);
  return g_steal_pointer (&self);
}

const char *
mutual_ca_profile_get_kind (MutualCaProfile *self)
{
  g_return_val_if_fail (MUTUAL_IS_CA_PROFILE (self), NULL);
  return self->kind;
}

/**
 * mutual_ca_profile_get_url:
 *
 * Returns: the CA's base URL, without a trailing slash
 */
const char *
mutual_ca_profile_get_url (MutualCaProfile *self)
{
  g_return_val_if_fail (MUTUAL_IS_CA_PROFILE (self), NULL);
  return self->url;
}

/**
 * mutual_ca_profile_get_fingerprint:
 *
 * Returns: the root's SHA-256 fingerprint, 64 lowercase hex digits
 */
const char *
mutual_ca_profile_get_fingerprint (MutualCaProfile *self)
{
  g_return_val_if_fail (MUTUAL_IS_CA_PROFILE (self), NULL);
  return self->fingerprint;
}

/**
 * mutual_ca_profile_get_provisioner:
 *
 * Returns: (nullable): the provisioner's name
 */
const char *
mutual_ca_profile_get_provisioner (MutualCaProfile *self)
{
  g_return_val_if_fail (MUTUAL_IS_CA_PROFILE (self), NULL);
  return self->provisioner;
}

/**
 * mutual_ca_profile_set_renew_policy:
 * @policy: when to renew: a fraction of the lifetime ("2/3", "0.75", "75%") or a
 *   duration before expiry ("8h", "30m", "90s", "1d")
 */
gboolean
mutual_ca_profile_set_renew_policy (MutualCaProfile  *self,
                                    const char       *policy,
                                    GError          **error)
{
  g_autofree char *text = NULL;
  char *end = NULL;
  double value;

  g_return_val_if_fail (MUTUAL_IS_CA_PROFILE (self), FALSE);
  g_return_val_if_fail (policy != NULL, FALSE);

  text = g_strstrip (g_strdup (policy));
  if (strchr (text, '/') != NULL)
    {
      guint64 numerator = 0, denominator = 0;
      g_auto(GStrv) parts = g_strsplit (text, "/", 2);

      if (g_ascii_string_to_unsigned (parts[0], 10, 1, 1000, &numerator, NULL) &&
          g_ascii_string_to_unsigned (parts[1], 10, 1, 1000, &denominator, NULL) &&
          numerator < denominator)
        {
          self->renew_fraction = (double) numerator / denominator;
          self->renew_before = 0;
          return TRUE;
        }
      goto invalid;
    }

  value = g_ascii_strtod (text, &end);
  if (end == text || !isfinite (value) || value <= 0)
    goto invalid;
  if (*end == '\0' && value < 1)
    {
      self->renew_fraction = value;
      self->renew_before = 0;
      return TRUE;
    }
  if (g_str_equal (end, "%") && value < 100)
    {
      self->renew_fraction = value / 100;
      self->renew_before = 0;
      return TRUE;
    }
  if (g_str_equal (end, "s") || g_str_equal (end, "m") || g_str_equal (end, "h") || g_str_equal (end, "d"))
    {
      double unit = *end == 's' ? 1 : *end == 'm' ? 60 : *end == 'h' ? 3600 : 86400;

      if (value * unit < 1 || value * unit > 365.0 * 86400)
        goto invalid;
      self->renew_before = (gint64) (value * unit);
      self->renew_fraction = 0;
      return TRUE;
    }

invalid:
  g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_INVALID_ARGUMENT,
               _("“%s” is not a renewal policy: give a fraction of the lifetime (2/3, 0.75, 75%%) "
                 "or a time before expiry (8h, 30m, 1d)"), policy);
  return FALSE;
}

/**
 * mutual_ca_profile_get_renew_policy:
 *
 * Returns: (transfer full): the policy, as mutual_ca_profile_set_renew_policy() reads it
 */
char *
mutual_ca_profile_get_renew_policy (MutualCaProfile *self)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_val_if_fail (MUTUAL_IS_CA_PROFILE (self), NULL);

  if (self->renew_before > 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT "s", self->renew_before);
  if (fabs (self->renew_fraction - 2.0 / 3.0) < 1e-9)
    return g_strdup ("2/3");
  return g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%.4g", self->renew_fraction));
}

/**
 * mutual_ca_profile_get_renew_at:
 *
 * Returns: when a certificate with @validity is due for renewal (Unix seconds)
 */
gint64
mutual_ca_profile_get_renew_at (MutualCaProfile      *self,
                                const MutualValidity *validity)
{
  gint64 lifetime;

  g_return_val_if_fail (MUTUAL_IS_CA_PROFILE (self), 0);

  lifetime = MAX (validity->not_after - validity->not_before, 0);
  if (self->renew_before > 0)
    return MAX (validity->not_before, validity->not_after - self->renew_before);
  return validity->not_before + (gint64) (lifetime * self->renew_fraction);
}

static char *
non_empty (const char *text)
{
  return text != NULL && text[0] != '\0' ? g_strdup (text) : NULL;
}

/**
 * mutual_ca_profile_set_outputs:
 * @certificate_path: (nullable): where to write the certificate and its chain (PEM)
 *   after each enrollment and renewal
 * @key_path: (nullable): where to write the private key (PKCS #8 PEM, mode 0600)
 * @hook: (nullable): a shell command to run afterwards, like `step ca renew --exec`;
 *   it gets MUTUAL_IDENTITY_ID, MUTUAL_CERT_FILE and MUTUAL_KEY_FILE
 *
 * Files are replaced atomically and created readable by the user only.
 */
void
mutual_ca_profile_set_outputs (MutualCaProfile *self,
                               const char      *certificate_path,
                               const char      *key_path,
                               const char      *hook)
{
  g_return_if_fail (MUTUAL_IS_CA_PROFILE (self));

  g_free (self->out_cert);
  g_free (self->out_key);
  g_free (self->hook);
  self->out_cert = non_empty (certificate_path);
  self->out_key = non_empty (key_path);
  self->hook = non_empty (hook);
}

const char *
mutual_ca_profile_get_certificate_output (MutualCaProfile *self)
{
  g_return_val_if_fail (MUTUAL_IS_CA_PROFILE (self), NULL);
  return self->out_cert;
}

const char *
mutual_ca_profile_get_key_output (MutualCaProfile *self)
{
  g_return_val_if_fail (MUTUAL_IS_CA_PROFILE (self), NULL);
  return self->out_key;
}

/**
 * mutual_ca_profile_set_pkcs12_output:
 * @path: (nullable): where to write the certificate, its chain and the private key as
 *   a PKCS#12 file after each renewal, encrypted with the password kept in the keyring
 *   (mutual_identity_store_set_output_password_async())
 *
 * Kept apart from mutual_ca_profile_set_outputs(), which leaves it as it is.
 */
void
mutual_ca_profile_set_pkcs12_output (MutualCaProfile *self,
                                     const char      *path)
{
  g_return_if_fail (MUTUAL_IS_CA_PROFILE (self));

  g_free (self->out_pkcs12);
  self->out_pkcs12 = non_empty (path);
}

const char *
mutual_ca_profile_get_pkcs12_output (MutualCaProfile *self)
{
  g_return_val_if_fail (MUTUAL_IS_CA_PROFILE (self), NULL);
  return self->out_pkcs12;
}

const char *
mutual_ca_profile_get_hook (MutualCaProfile *self)
{
  g_return_val_if_fail (MUTUAL_IS_CA_PROFILE (self), NULL);
  return self->hook;
}

/**
 * mutual_ca_profile_set_hook_timeout:
 * @seconds: how long the hook may run before it is stopped, with everything it
 *   started; 0 for %MUTUAL_CA_DEFAULT_HOOK_TIMEOUT; at most a day
 */
void
mutual_ca_profile_set_hook_timeout (MutualCaProfile *self,
                                    guint            seconds)
{
  g_return_if_fail (MUTUAL_IS_CA_PROFILE (self));
  seconds = MIN (seconds, 24 * 3600);
  self->hook_timeout = seconds == MUTUAL_CA_DEFAULT_HOOK_TIMEOUT ? 0 : seconds;
}

/**
 * mutual_ca_profile_get_hook_timeout:
 *
 * Returns: how long the hook may run, in seconds (never 0)
 */
guint
mutual_ca_profile_get_hook_timeout (MutualCaProfile *self)
{
  g_return_val_if_fail (MUTUAL_IS_CA_PROFILE (self), MUTUAL_CA_DEFAULT_HOOK_TIMEOUT);
  return self->hook_timeout > 0 ? self->hook_timeout : MUTUAL_CA_DEFAULT_HOOK_TIMEOUT;
}

/**
 * mutual_ca_profile_copy:
 *
 * An identity's profile is shared with everything that shows the identity: change a
 * copy, then store it with mutual_renewal_set_profile_async().
 *
 * Returns: (transfer full): a copy of @self
 */
MutualCaProfile *
mutual_ca_profile_copy (MutualCaProfile *self)
{
  MutualCaProfile *copy;

  g_return_val_if_fail (MUTUAL_IS_CA_PROFILE (self), NULL);

  copy = g_object_new (MUTUAL_TYPE_CA_PROFILE, NULL);
  copy->kind = g_strdup (self->kind);
  copy->url = g_strdup (self->url);
  copy->fingerprint = g_strdup (self->fingerprint);
  copy->provisioner = g_strdup (self->provisioner);
  copy->renew_fraction = self->renew_fraction;
  copy->renew_before = self->renew_before;
  copy->out_cert = g_strdup (self->out_cert);
  copy->out_key = g_strdup (self->out_key);
  copy->out_pkcs12 = g_strdup (self->out_pkcs12);
  copy->hook = g_strdup (self->hook);
  copy->hook_timeout = self->hook_timeout;
  return copy;
}

/**
 * mutual_ca_profile_to_json:
 *
 * Writes {"kind", "url", "fingerprint", "provisioner", "renew_policy", "output_certificate",
 * "output_key", "output_pkcs12", "hook", "hook_timeout"}.
 */
void
mutual_ca_profile_to_json (MutualCaProfile *self,
                           MutualJson      *json,
                           const char      *member)
{
  g_autofree char *policy = mutual_ca_profile_get_renew_policy (self);

  mutual_json_begin_object (json, member);
  mutual_json_string (json, "kind", self->kind);
  mutual_json_string (json, "url", self->url);
  mutual_json_string (json, "fingerprint", self->fingerprint);
  mutual_json_string (json, "provisioner", self->provisioner);
  mutual_json_string (json, "renew_policy", policy);
  mutual_json_string (json, "output_certificate", self->out_cert);
  mutual_json_string (json, "output_key", self->out_key);
  mutual_json_string (json, "output_pkcs12", self->out_pkcs12);
  mutual_json_string (json, "hook", self->hook);
  mutual_json_int (json, "hook_timeout", mutual_ca_profile_get_hook_timeout (self));
  mutual_json_end_object (json);
}

/* Keyring attributes. */

void
_mutual_ca_profile_add_attributes (MutualCaProfile *self,
                                   GHashTable      *attributes)
{
  g_hash_table_insert (attributes, (gpointer) MUTUAL_ATTRIBUTE_CA_KIND, g_strdup (self->kind));
  g_hash_table_insert (attributes, (gpointer) MUTUAL_ATTRIBUTE_CA_URL, g_strdup (self->url));
  g_hash_table_insert (attributes, (gpointer) MUTUAL_ATTRIBUTE_CA_FINGERPRINT, g_strdup (self->fingerprint));
  g_hash_table_insert (attributes, (gpointer) MUTUAL_ATTRIBUTE_CA_PROVISIONER,
                       g_strdup (self->provisioner ? self->provisioner : ""));
  g_hash_table_insert (attributes, (gpointer) MUTUAL_ATTRIBUTE_CA_RENEW, mutual_ca_profile_get_renew_policy (self));
  if (self->out_cert != NULL)
    g_hash_table_insert (attributes, (gpointer) MUTUAL_ATTRIBUTE_CA_OUT_CERT, g_strdup (self->out_cert));
  if (self->out_key != NULL)
    g_hash_table_insert (attributes, (gpointer) MUTUAL_ATTRIBUTE_CA_OUT_KEY, g_strdup (self->out_key));
  if (self->out_pkcs12 != NULL)
    g_hash_table_insert (attributes, (gpointer) MUTUAL_ATTRIBUTE_CA_OUT_PKCS12, g_strdup (self->out_pkcs12));
  if (self->hook != NULL)
    g_hash_table_insert (attributes, (gpointer) MUTUAL_ATTRIBUTE_CA_HOOK, g_strdup (self->hook));
  if (self->hook != NULL && self->hook_timeout > 0)
    g_hash_table_insert (attributes, (gpointer) MUTUAL_ATTRIBUTE_CA_HOOK_TIMEOUT,
                         g_strdup_printf ("%u", self->hook_timeout));
}

/**
 * _mutual_ca_profile_new_from_attributes:
 *
 * Returns: (transfer full) (nullable): the profile kept in @attributes, or %NULL when
 *   there is none or it is damaged (a warning then says so)
 */
MutualCaProfile *
_mutual_ca_profile_new_from_attributes (GHashTable *attributes)
{
  const char *kind = g_hash_table_lookup (attributes, MUTUAL_ATTRIBUTE_CA_KIND);
  const char *policy = g_hash_table_lookup (attributes, MUTUAL_ATTRIBUTE_CA_RENEW);
  const char *hook_timeout = g_hash_table_lookup (attributes, MUTUAL_ATTRIBUTE_CA_HOOK_TIMEOUT);
  guint64 seconds = 0;
  g_autoptr(MutualCaProfile) self = NULL;
  g_autoptr(GError) error = NULL;

  if (kind == NULL || kind[0] == '\0')
    return NULL;
  self = mutual_ca_profile_new (kind, g_hash_table_lookup (attributes, MUTUAL_ATTRIBUTE_CA_URL) ?: "",
                                g_hash_table_lookup (attributes, MUTUAL_ATTRIBUTE_CA_FINGERPRINT) ?: "",
                                g_hash_table_lookup (attributes, MUTUAL_ATTRIBUTE_CA_PROVISIONER), &error);
  if (self != NULL && policy != NULL && policy[0] != '\0')
    mutual_ca_profile_set_renew_policy (self, policy, &error);
  if (error != NULL)
    {
      g_warning ("An identity’s CA profile is damaged: %s", error->message);
      return NULL;
    }
  mutual_ca_profile_set_outputs (self, g_hash_table_lookup (attributes, MUTUAL_ATTRIBUTE_CA_OUT_CERT),
                                 g_hash_table_lookup (attributes, MUTUAL_ATTRIBUTE_CA_OUT_KEY),
                                 g_hash_table_lookup (attributes, MUTUAL_ATTRIBUTE_CA_HOOK));
  mutual_ca_profile_set_pkcs12_output (self, g_hash_table_lookup (attributes, MUTUAL_ATTRIBUTE_CA_OUT_PKCS12));
  /* A damaged timeout falls back to the default: the hook is still bounded. */
  if (hook_timeout != NULL && g_ascii_string_to_unsigned (hook_timeout, 10, 1, G_MAXUINT32, &seconds, NULL))
    mutual_ca_profile_set_hook_timeout (self, (guint) seconds);
  return g_steal_pointer (&self);
}
