/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "mutual-validity.h"
#include "mutual-x509-private.h"

/* Decoding of X.509 names, extensions and public keys into sections of fields. GnuTLS
 * parses; this file decides how each value is shown and named. */

char *
_mutual_hex (const guint8 *data,
             gsize         length,
             char          separator)
{
  static const char digits[] = "0123456789ABCDEF";
  GString *out = g_string_sized_new (length * 3);

  for (gsize i = 0; i < length; i++)
    {
      if (i > 0 && separator != '\0')
        g_string_append_c (out, separator);
      g_string_append_c (out, digits[data[i] >> 4]);
      g_string_append_c (out, digits[data[i] & 0xf]);
    }

  return g_string_free (out, FALSE);
}

static char *
datum_hex (const gnutls_datum_t *datum)
{
  return _mutual_hex (datum->data, datum->size, ':');
}

/* Names */

typedef struct
{
  const char *oid;
  const char *short_name;
  const char *label;
} AttributeName;

static const AttributeName attribute_names[] = {
  { "2.5.4.3", "CN", N_("Common name") },
  { "2.5.4.6", "C", N_("Country") },
  { "2.5.4.7", "L", N_("Locality") },
  { "2.5.4.8", "ST", N_("State or province") },
  { "2.5.4.9", "street", N_("Street") },
  { "2.5.4.10", "O", N_("Organization") },
  { "2.5.4.11", "OU", N_("Organizational unit") },
  { "2.5.4.12", "title", N_("Title") },
  { "2.5.4.4", "SN", N_("Surname") },
  { "2.5.4.42", "GN", N_("Given name") },
  { "2.5.4.43", "initials", N_("Initials") },
  { "2.5.4.44", "generationQualifier", N_("Generation qualifier") },
  { "2.5.4.5", "serialNumber", N_("Serial number") },
  { "2.5.4.46", "dnQualifier", N_("DN qualifier") },
  { "2.5.4.65", "pseudonym", N_("Pseudonym") },
  { "2.5.4.17", "postalCode", N_("Postal code") },
  { "2.5.4.97", "organizationIdentifier", N_("Organization identifier") },
  { "0.9.2342.19200300.100.1.1", "UID", N_("User ID") },
  { "0.9.2342.19200300.100.1.25", "DC", N_("Domain component") },
  { "1.2.840.113549.1.9.1", "emailAddress", N_("Email address") },
  { "1.3.6.1.4.1.311.60.2.1.3", "jurisdictionC", N_("Jurisdiction country") },
  { "1.3.6.1.4.1.311.60.2.1.2", "jurisdictionST", N_("Jurisdiction state") },
  { "1.3.6.1.4.1.311.60.2.1.1", "jurisdictionL", N_("Jurisdiction locality") },
  { "2.5.4.15", "businessCategory", N_("Business category") },
};

static const AttributeName *
lookup_attribute (const char *oid)
{
  for (guint i = 0; i < G_N_ELEMENTS (attribute_names); i++)
    {
      if (g_str_equal (attribute_names[i].oid, oid))
        return &attribute_names[i];
    }
  return NULL;
}

/* Converts one directory string to UTF-8 according to its ASN.1 type, so that a BMP
 * or Teletex name shows as text and not as bytes. Returns NULL when it cannot. */
static char *
ava_value_to_utf8 (const gnutls_x509_ava_st *ava)
{
  const char *data = (const char *) ava->value.data;
  gsize size = ava->value.size;

  switch (ava->value_tag)
    {
    case 12: /* UTF8String */
    case 19: /* PrintableString */
    case 22: /* IA5String */
    case 26: /* VisibleString */
    case 18: /* NumericString */
      if (g_utf8_validate (data, size, NULL))
        return g_strndup (data, size);
      return NULL;
    case 20: /* TeletexString: in practice Latin-1 */
      return g_convert (data, size, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
    case 30: /* BMPString */
      return g_convert (data, size, "UTF-8", "UTF-16BE", NULL, NULL, NULL);
    case 28: /* UniversalString */
      return g_convert (data, size, "UTF-8", "UTF-32BE", NULL, NULL, NULL);
    default:
      return NULL;
    }
}

static char *
ava_value (const gnutls_x509_ava_st *ava)
{
  char *text = ava_value_to_utf8 (ava);

  if (text != NULL)
    return text;

  /* As RFC 4514 writes a value it cannot show as a string. */
  {
    g_autofree char *hex = _mutual_hex (ava->value.data, ava->value.size, '\0');
    return g_strdup_printf ("#%s", hex);
  }
}

/* Calls @func for each attribute of @dn in order, with whether it continues a
 * multi-valued RDN. Returns FALSE if the name could not be walked. */
typedef void (*AvaFunc) (const gnutls_x509_ava_st *ava,
                         int                       rdn,
                         gboolean                  continues_rdn,
                         gpointer                  data);

static gboolean
foreach_ava (gnutls_x509_dn_t dn,
             AvaFunc          func,
             gpointer         data)
{
  for (int irdn = 0; irdn < 1024; irdn++)
    {
      for (int iava = 0; iava < 64; iava++)
        {
          gnutls_x509_ava_st ava;
          int ret = gnutls_x509_dn_get_rdn_ava (dn, irdn, iava, &ava);

          if (ret == GNUTLS_E_ASN1_ELEMENT_NOT_FOUND)
            {
              if (iava == 0)
                return TRUE;
              break;
            }
          if (ret < 0)
            return FALSE;
          func (&ava, irdn, iava > 0, data);
        }
    }
  return TRUE;
}

char *
_mutual_dn_to_string (gnutls_x509_dn_t dn)
{
  g_auto(MutualGnutlsDatum) str = { NULL, 0 };

  if (gnutls_x509_dn_get_str2 (dn, &str, 0) < 0 || str.data == NULL)
    return g_strdup ("");
  if (!g_utf8_validate ((const char *) str.data, str.size, NULL))
    return g_utf8_make_valid ((const char *) str.data, str.size);
  return g_strndup ((const char *) str.data, str.size);
}

typedef struct
{
  char *cn;
  char *o;
  char *first;
} DisplayNameSearch;

static void
display_name_ava (const gnutls_x509_ava_st *ava,
                  int                       rdn,
                  gboolean                  continues_rdn,
                  gpointer                  data)
{
  DisplayNameSearch *search = data;
  g_autofree char *oid = g_strndup ((const char *) ava->oid.data, ava->oid.size);

  /* The most specific CN is the last one in the DER order. */
  if (g_str_equal (oid, "2.5.4.3"))
    {
      g_free (search->cn);
      search->cn = ava_value (ava);
    }
  else if (g_str_equal (oid, "2.5.4.10") && search->o == NULL)
    search->o = ava_value (ava);
  else if (search->first == NULL)
    search->first = ava_value (ava);
}

/**
 * _mutual_dn_get_display_name:
 *
 * Returns: the name a person would use for the holder: its common name, else its
 *   organization, else the first attribute, else the whole name
 */
char *
_mutual_dn_get_display_name (gnutls_x509_dn_t dn)
{
  DisplayNameSearch search = { NULL, NULL, NULL };
  char *result;

  foreach_ava (dn, display_name_ava, &search);

  if (search.cn != NULL)
    result = g_steal_pointer (&search.cn);
  else if (search.o != NULL)
    result = g_steal_pointer (&search.o);
  else if (search.first != NULL)
    result = g_steal_pointer (&search.first);
  else
    result = _mutual_dn_to_string (dn);

  g_free (search.cn);
  g_free (search.o);
  g_free (search.first);

  return result;
}

static void
section_ava (const gnutls_x509_ava_st *ava,
             int                       rdn,
             gboolean                  continues_rdn,
             gpointer                  data)
{
  MutualSection *section = data;
  g_autofree char *oid = g_strndup ((const char *) ava->oid.data, ava->oid.size);
  const AttributeName *name = lookup_attribute (oid);
  g_autofree char *label = NULL;
  g_autofree char *value = ava_value (ava);
  const char *base = name ? _(name->label) : oid;

  /* A multi-valued RDN such as CN=x+UID=y is shown as one attribute per line, the
   * later ones marked as belonging to the same RDN. */
  label = continues_rdn ? g_strdup_printf ("+ %s", base) : g_strdup (base);
  mutual_section_add (section, name ? name->short_name : oid, label, value,
                      name ? MUTUAL_FIELD_NONE : MUTUAL_FIELD_MONOSPACE);
}

MutualSection *
_mutual_dn_to_section (gnutls_x509_dn_t   dn,
                       MutualSectionKind  kind,
                       const char        *id,
                       const char        *title)
{
  MutualSection *section = mutual_section_new (kind, id, title);

  if (!foreach_ava (dn, section_ava, section))
    mutual_section_add (section, "error", _("Error"), _("The name could not be decoded"),
                        MUTUAL_FIELD_WARNING);
  if (mutual_section_get_n_fields (section) == 0)
    mutual_section_add (section, "empty", _("Name"), _("(empty)"), MUTUAL_FIELD_NONE);

  return section;
}

typedef struct
{
  MutualJson  *json;
  int open_rdn;
} JsonDnState;

static void
json_ava (const gnutls_x509_ava_st *ava,
          int                       rdn,
          gboolean                  continues_rdn,
          gpointer                  data)
{
  JsonDnState *state = data;
  g_autofree char *oid = g_strndup ((const char *) ava->oid.data, ava->oid.size);
  const AttributeName *name = lookup_attribute (oid);
  g_autofree char *value = ava_value (ava);

  if (!continues_rdn)
    {
      if (state->open_rdn >= 0)
        mutual_json_end_array (state->json);
      mutual_json_begin_array (state->json, NULL);
      state->open_rdn = rdn;
    }

  mutual_json_begin_object (state->json, NULL);
  mutual_json_string (state->json, "type", name ? name->short_name : oid);
  mutual_json_string (state->json, "oid", oid);
  mutual_json_string (state->json, "value", value);
  mutual_json_end_object (state->json);
}

/**
 * _mutual_dn_to_json:
 * @text: (nullable): the name as a string, if the caller has it already
 *
 * Writes {"dn": "...", "rdns": [[{"type", "oid", "value"}...]...]}.
 */
void
_mutual_dn_to_json (gnutls_x509_dn_t  dn,
                    const char       *text,
                    MutualJson       *json,
                    const char       *member)
{
  JsonDnState state = { json, -1 };
  g_autofree char *owned = text ? NULL : _mutual_dn_to_string (dn);

  mutual_json_begin_object (json, member);
  mutual_json_string (json, "dn", text ? text : owned);
  mutual_json_begin_array (json, "rdns");
  foreach_ava (dn, json_ava, &state);
  if (state.open_rdn >= 0)
    mutual_json_end_array (json);
  mutual_json_end_array (json);
  mutual_json_end_object (json);
}

/* Object identifiers */

typedef struct
{
  const char *oid;
  const char *id;
  const char *title;
} OidName;

static const OidName extension_names[] = {
  { "2.5.29.17", "subjectAltName", N_("Subject alternative names") },
  { "2.5.29.18", "issuerAltName", N_("Issuer alternative names") },
  { "2.5.29.15", "keyUsage", N_("Key usage") },
  { "2.5.29.37", "extKeyUsage", N_("Extended key usage") },
  { "2.5.29.19", "basicConstraints", N_("Basic constraints") },
  { "2.5.29.14", "subjectKeyIdentifier", N_("Subject key identifier") },
  { "2.5.29.35", "authorityKeyIdentifier", N_("Authority key identifier") },
  { "1.3.6.1.5.5.7.1.1", "authorityInfoAccess", N_("Authority information access") },
  { "1.3.6.1.5.5.7.1.11", "subjectInfoAccess", N_("Subject information access") },
  { "2.5.29.31", "cRLDistributionPoints", N_("CRL distribution points") },
  { "2.5.29.46", "freshestCRL", N_("Freshest CRL") },
  { "2.5.29.32", "certificatePolicies", N_("Certificate policies") },
  { "2.5.29.30", "nameConstraints", N_("Name constraints") },
  { "2.5.29.36", "policyConstraints", N_("Policy constraints") },
  { "2.5.29.33", "policyMappings", N_("Policy mappings") },
  { "2.5.29.54", "inhibitAnyPolicy", N_("Inhibit any policy") },
  { "2.5.29.16", "privateKeyUsagePeriod", N_("Private key usage period") },
  { "2.5.29.9", "subjectDirectoryAttributes", N_("Subject directory attributes") },
  { "1.3.6.1.4.1.11129.2.4.2", "ctSCTList", N_("Signed certificate timestamps") },
  { "1.3.6.1.4.1.11129.2.4.3", "ctPrecertificatePoison", N_("Precertificate poison") },
  { "1.3.6.1.5.5.7.1.24", "tlsFeature", N_("TLS feature") },
  { "1.3.6.1.5.5.7.1.3", "qcStatements", N_("Qualified certificate statements") },
  { "1.3.6.1.5.5.7.1.14", "proxyCertInfo", N_("Proxy certificate information") },
  { "1.3.6.1.5.5.7.48.1.5", "ocspNoCheck", N_("OCSP no check") },
  { "2.16.840.1.113730.1.1", "nsCertType", N_("Netscape certificate type") },
  { "2.16.840.1.113730.1.13", "nsComment", N_("Netscape comment") },
  { "1.3.6.1.4.1.311.20.2", "msCertificateTemplateName", N_("Microsoft certificate template name") },
  { "1.3.6.1.4.1.311.21.7", "msCertificateTemplate", N_("Microsoft certificate template") },
  { "1.3.6.1.4.1.311.21.10", "msApplicationPolicies", N_("Microsoft application policies") },
};

static const OidName purpose_names[] = {
  { "1.3.6.1.5.5.7.3.1", "serverAuth", N_("TLS server authentication") },
  { "1.3.6.1.5.5.7.3.2", "clientAuth", N_("TLS client authentication") },
  { "1.3.6.1.5.5.7.3.3", "codeSigning", N_("Code signing") },
  { "1.3.6.1.5.5.7.3.4", "emailProtection", N_("Email protection") },
  { "1.3.6.1.5.5.7.3.5", "ipsecEndSystem", N_("IPsec end system") },
  { "1.3.6.1.5.5.7.3.6", "ipsecTunnel", N_("IPsec tunnel") },
  { "1.3.6.1.5.5.7.3.7", "ipsecUser", N_("IPsec user") },
  { "1.3.6.1.5.5.7.3.8", "timeStamping", N_("Time stamping") },
  { "1.3.6.1.5.5.7.3.9", "OCSPSigning", N_("OCSP signing") },
  { "1.3.6.1.5.5.7.3.17", "ipsecIKE", N_("IPsec IKE") },
  { "2.5.29.37.0", "anyExtendedKeyUsage", N_("Any purpose") },
  { "1.3.6.1.4.1.311.20.2.2", "msSmartcardLogin", N_("Smart card logon") },
  { "1.3.6.1.4.1.311.10.3.4", "msEFS", N_("Encrypting file system") },
  { "1.3.6.1.5.2.3.4", "pkInitClientAuth", N_("Kerberos client authentication") },
  { "1.3.6.1.5.2.3.5", "pkInitKDC", N_("Kerberos KDC") },
};

static const OidName policy_names[] = {
  { "2.5.29.32.0", "anyPolicy", N_("Any policy") },
  { "2.23.140.1.1", "ev", N_("Extended validation (CA/Browser Forum)") },
  { "2.23.140.1.2.1", "dv", N_("Domain validated (CA/Browser Forum)") },
  { "2.23.140.1.2.2", "ov", N_("Organization validated (CA/Browser Forum)") },
  { "2.23.140.1.2.3", "iv", N_("Individual validated (CA/Browser Forum)") },
};

static const OidName access_methods[] = {
  { "1.3.6.1.5.5.7.48.1", "ocsp", N_("OCSP responder") },
  { "1.3.6.1.5.5.7.48.2", "caIssuers", N_("CA issuers") },
  { "1.3.6.1.5.5.7.48.3", "timeStamping", N_("Time stamping") },
  { "1.3.6.1.5.5.7.48.5", "caRepository", N_("CA repository") },
};

static const OidName *
lookup_oid (const OidName *table,
            gsize          length,
            const char    *oid)
{
  for (gsize i = 0; i < length; i++)
    {
      if (g_str_equal (table[i].oid, oid))
        return &table[i];
    }
  return NULL;
}

#define LOOKUP(table, oid) lookup_oid (table, G_N_ELEMENTS (table), oid)

/**
 * _mutual_oid_get_name:
 *
 * Returns: (nullable): the short name of an extension or key purpose OID, for example
 *   "clientAuth"
 */
const char *
_mutual_oid_get_name (const char *oid)
{
  const OidName *name = LOOKUP (extension_names, oid);

  if (name == NULL)
    name = LOOKUP (purpose_names, oid);
  if (name == NULL)
    name = LOOKUP (policy_names, oid);
  return name ? name->id : NULL;
}

static char *
oid_with_name (const OidName *table,
               gsize          length,
               const char    *oid)
{
  const OidName *name = lookup_oid (table, length, oid);

  if (name == NULL)
    return g_strdup (oid);
  /* Translators: a named object identifier, e.g. "TLS client authentication (1.3.6.1.5.5.7.3.2)". */
  return g_strdup_printf (_("%s (%s)"), _(name->title), oid);
}

/* General names (subjectAltName and friends) */

static char *
ip_to_string (const gnutls_datum_t *data)
{
  g_autoptr(GInetAddress) address = NULL;

  if (data->size == 4)
    address = g_inet_address_new_from_bytes (data->data, G_SOCKET_FAMILY_IPV4);
  else if (data->size == 16)
    address = g_inet_address_new_from_bytes (data->data, G_SOCKET_FAMILY_IPV6);
  else
    return datum_hex (data);

  return g_inet_address_to_string (address);
}

/* Name constraints carry an address and a mask: 10.0.0.0/8. */
static char *
ip_range_to_string (const gnutls_datum_t *data)
{
  gnutls_datum_t address;
  guint prefix = 0;
  g_autofree char *text = NULL;

  if (data->size != 8 && data->size != 32)
    return datum_hex (data);

  address.data = data->data;
  address.size = data->size / 2;
  for (guint i = address.size; i < data->size; i++)
    {
      for (guint8 bits = data->data[i]; bits & 0x80; bits <<= 1)
        prefix++;
    }
  text = ip_to_string (&address);
  return g_strdup_printf ("%s/%u", text, prefix);
}

static char *
datum_text (const gnutls_datum_t *data)
{
  if (g_utf8_validate ((const char *) data->data, data->size, NULL))
    return g_strndup ((const char *) data->data, data->size);
  return datum_hex (data);
}

static void
add_othername (MutualSection        *section,
               const char           *prefix,
               const gnutls_datum_t *value,
               const gnutls_datum_t *oid_datum)
{
  g_autofree char *oid = g_strndup ((const char *) oid_datum->data, oid_datum->size);
  g_auto(MutualGnutlsDatum) virt = { NULL, 0 };
  unsigned int virt_type = 0;
  g_autofree char *id = g_strdup_printf ("%sotherName", prefix);

  if (gnutls_x509_othername_to_virtual (oid, value, &virt_type, &virt) >= 0)
    {
      g_autofree char *text = datum_text (&virt);
      const char *label;

      switch (virt_type)
        {
        case GNUTLS_SAN_OTHERNAME_XMPP:
          label = _("XMPP address");
          break;
        case GNUTLS_SAN_OTHERNAME_KRB5PRINCIPAL:
          label = _("Kerberos principal");
          break;
        case GNUTLS_SAN_OTHERNAME_MSUSERPRINCIPAL:
          label = _("Microsoft user principal name");
          break;
        case GNUTLS_SAN_OTHERNAME_SRV:
          label = _("DNS SRV name");
          break;
        default:
          label = _("Other name");
          break;
        }
      mutual_section_add_take (section, id, label, g_strdup_printf ("%s (%s)", text, oid),
                               MUTUAL_FIELD_NONE);
      return;
    }

  /* Most other names are a single UTF8String: show it as text when it is one. */
  if (value->size >= 2 && value->data[0] == 0x0c && value->data[1] < 0x80 &&
      value->data[1] == value->size - 2 &&
      g_utf8_validate ((const char *) value->data + 2, value->size - 2, NULL))
    {
      g_autofree char *text = g_strndup ((const char *) value->data + 2, value->size - 2);

      mutual_section_add_take (section, id, _("Other name"),
                               g_strdup_printf ("%s: %s", oid, text), MUTUAL_FIELD_NONE);
      return;
    }

  {
    g_autofree char *hex = datum_hex (value);

    mutual_section_add_take (section, id, _("Other name"), g_strdup_printf ("%s: %s", oid, hex),
                             MUTUAL_FIELD_MONOSPACE);
  }
}

/* Adds one general name with an id such as "dns" or "permitted.dns". */
static void
add_general_name (MutualSection        *section,
                  const char           *prefix,
                  unsigned int          type,
                  const gnutls_datum_t *value,
                  const gnutls_datum_t *othername_oid,
                  gboolean              is_constraint)
{
  g_autofree char *id = NULL;
  g_autofree char *text = NULL;
  const char *label;

  switch (type)
    {
    case GNUTLS_SAN_DNSNAME:
      id = g_strdup_printf ("%sdns", prefix);
      label = _("DNS name");
      text = datum_text (value);
      break;
    case GNUTLS_SAN_RFC822NAME:
      id = g_strdup_printf ("%semail", prefix);
      label = _("Email address");
      text = datum_text (value);
      break;
    case GNUTLS_SAN_URI:
      id = g_strdup_printf ("%suri", prefix);
      text = datum_text (value);
      /* SPIFFE IDs identify workloads in service meshes; say so. */
      label = g_str_has_prefix (text, "spiffe://") ? _("URI (SPIFFE ID)") : _("URI");
      break;
    case GNUTLS_SAN_IPADDRESS:
      id = g_strdup_printf ("%sip", prefix);
      label = _("IP address");
      text = is_constraint ? ip_range_to_string (value) : ip_to_string (value);
      break;
    case GNUTLS_SAN_DN:
      {
        gnutls_x509_dn_t dn = NULL;

        id = g_strdup_printf ("%sdirectoryName", prefix);
        label = _("Directory name");
        if (gnutls_x509_dn_init (&dn) >= 0 && gnutls_x509_dn_import (dn, value) >= 0)
          text = _mutual_dn_to_string (dn);
        else
          text = datum_hex (value);
        if (dn != NULL)
          gnutls_x509_dn_deinit (dn);
      }
      break;
    case GNUTLS_SAN_REGISTERED_ID:
      id = g_strdup_printf ("%sregisteredID", prefix);
      label = _("Registered ID");
      text = datum_text (value);
      break;
    case GNUTLS_SAN_OTHERNAME:
      if (othername_oid != NULL && othername_oid->data != NULL)
        {
          add_othername (section, prefix, value, othername_oid);
          return;
        }
      G_GNUC_FALLTHROUGH;
    default:
      {
        g_autofree char *hex = datum_hex (value);

        id = g_strdup_printf ("%sunknown", prefix);
        label = _("Unknown name type");
        text = g_strdup_printf ("%u: %s", type, hex);
      }
      break;
    }

  mutual_section_add (section, id, label, text,
                      type == GNUTLS_SAN_IPADDRESS ? MUTUAL_FIELD_MONOSPACE : MUTUAL_FIELD_NONE);
}

/* Extensions, one decoder each. Each returns FALSE when GnuTLS cannot parse the value;
 * the caller then shows it as hex, marked as undecodable. */

static gboolean
decode_alt_names (MutualSection        *section,
                  const gnutls_datum_t *value)
{
  g_auto(gnutls_subject_alt_names_t) sans = NULL;

  if (gnutls_subject_alt_names_init (&sans) < 0 ||
      gnutls_x509_ext_import_subject_alt_names (value, sans, 0) < 0)
    return FALSE;

  for (unsigned int i = 0;; i++)
    {
      gnutls_datum_t name = { NULL, 0 };
      gnutls_datum_t oid = { NULL, 0 };
      unsigned int type = 0;

      if (gnutls_subject_alt_names_get (sans, i, &type, &name, &oid) < 0)
        break;
      add_general_name (section, "", type, &name, &oid, FALSE);
    }
  return TRUE;
}

static gboolean
decode_key_usage (MutualSection        *section,
                  const gnutls_datum_t *value)
{
  static const struct
  {
    unsigned int bit;
    const char *id;
    const char *label;
  } usages[] = {
    { GNUTLS_KEY_DIGITAL_SIGNATURE, "digitalSignature", N_("Digital signature") },
    { GNUTLS_KEY_NON_REPUDIATION, "contentCommitment", N_("Content commitment (non-repudiation)") },
    { GNUTLS_KEY_KEY_ENCIPHERMENT, "keyEncipherment", N_("Key encipherment") },
    { GNUTLS_KEY_DATA_ENCIPHERMENT, "dataEncipherment", N_("Data encipherment") },
    { GNUTLS_KEY_KEY_AGREEMENT, "keyAgreement", N_("Key agreement") },
    { GNUTLS_KEY_KEY_CERT_SIGN, "keyCertSign", N_("Certificate signing") },
    { GNUTLS_KEY_CRL_SIGN, "cRLSign", N_("CRL signing") },
    { GNUTLS_KEY_ENCIPHER_ONLY, "encipherOnly", N_("Encipher only") },
    { GNUTLS_KEY_DECIPHER_ONLY, "decipherOnly", N_("Decipher only") },
  };
  unsigned int bits = 0;

  if (gnutls_x509_ext_import_key_usage (value, &bits) < 0)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (usages); i++)
    {
      if (bits & usages[i].bit)
        mutual_section_add (section, usages[i].id, _("Usage"), _(usages[i].label), MUTUAL_FIELD_NONE);
    }
  if (bits == 0)
    mutual_section_add (section, "none", _("Usage"), _("(none)"), MUTUAL_FIELD_WARNING);
  return TRUE;
}

static gboolean
decode_key_purposes (MutualSection        *section,
                     const gnutls_datum_t *value)
{
  g_auto(gnutls_x509_key_purposes_t) purposes = NULL;

  if (gnutls_x509_key_purpose_init (&purposes) < 0 ||
      gnutls_x509_ext_import_key_purposes (value, purposes, 0) < 0)
    return FALSE;

  for (unsigned int i = 0;; i++)
    {
      gnutls_datum_t oid_datum = { NULL, 0 };
      g_autofree char *oid = NULL;

      if (gnutls_x509_key_purpose_get (purposes, i, &oid_datum) < 0)
        break;
      oid = g_strndup ((const char *) oid_datum.data, oid_datum.size);
      mutual_section_add_take (section, "purpose", _("Purpose"),
                               oid_with_name (purpose_names, G_N_ELEMENTS (purpose_names), oid),
                               MUTUAL_FIELD_NONE);
    }
  return TRUE;
}

static gboolean
decode_basic_constraints (MutualSection        *section,
                          const gnutls_datum_t *value)
{
  unsigned int ca = 0;
  int pathlen = -1;

  if (gnutls_x509_ext_import_basic_constraints (value, &ca, &pathlen) < 0)
    return FALSE;

  mutual_section_add (section, "ca", _("Certificate authority"), ca ? _("Yes") : _("No"),
                      MUTUAL_FIELD_NONE);
  if (ca)
    mutual_section_add_take (section, "pathlen", _("Maximum path length"),
                             pathlen < 0 ? g_strdup (_("Unlimited")) : g_strdup_printf ("%d", pathlen),
                             MUTUAL_FIELD_NONE);
  return TRUE;
}

static gboolean
decode_subject_key_id (MutualSection        *section,
                       const gnutls_datum_t *value)
{
  g_auto(MutualGnutlsDatum) id = { NULL, 0 };

  if (gnutls_x509_ext_import_subject_key_id (value, &id) < 0)
    return FALSE;

  mutual_section_add_take (section, "keyIdentifier", _("Key identifier"), datum_hex (&id),
                           MUTUAL_FIELD_MONOSPACE | MUTUAL_FIELD_COPYABLE);
  return TRUE;
}

static gboolean
decode_authority_key_id (MutualSection        *section,
                         const gnutls_datum_t *value)
{
  g_auto(gnutls_x509_aki_t) aki = NULL;
  gnutls_datum_t id = { NULL, 0 };

  if (gnutls_x509_aki_init (&aki) < 0 ||
      gnutls_x509_ext_import_authority_key_id (value, aki, 0) < 0)
    return FALSE;

  if (gnutls_x509_aki_get_id (aki, &id) >= 0 && id.size > 0)
    mutual_section_add_take (section, "keyIdentifier", _("Key identifier"), datum_hex (&id),
                             MUTUAL_FIELD_MONOSPACE | MUTUAL_FIELD_COPYABLE);

  for (unsigned int i = 0;; i++)
    {
      gnutls_datum_t name = { NULL, 0 };
      gnutls_datum_t oid = { NULL, 0 };
      gnutls_datum_t serial = { NULL, 0 };
      unsigned int type = 0;

      if (gnutls_x509_aki_get_cert_issuer (aki, i, &type, &name, &oid, &serial) < 0)
        break;
      add_general_name (section, "issuer.", type, &name, &oid, FALSE);
      if (i == 0 && serial.size > 0)
        mutual_section_add_take (section, "serial", _("Issuer's serial number"),
                                 datum_hex (&serial), MUTUAL_FIELD_MONOSPACE);
    }
  return TRUE;
}

static gboolean
decode_info_access (MutualSection        *section,
                    const gnutls_datum_t *value)
{
  g_auto(gnutls_x509_aia_t) aia = NULL;

  if (gnutls_x509_aia_init (&aia) < 0 || gnutls_x509_ext_import_aia (value, aia, 0) < 0)
    return FALSE;

  for (unsigned int i = 0;; i++)
    {
      gnutls_datum_t oid_datum = { NULL, 0 };
      gnutls_datum_t location = { NULL, 0 };
      unsigned int type = 0;
      g_autofree char *oid = NULL;
      g_autofree char *text = NULL;
      const OidName *method;

      if (gnutls_x509_aia_get (aia, i, &oid_datum, &type, &location) < 0)
        break;
      oid = g_strndup ((const char *) oid_datum.data, oid_datum.size);
      method = LOOKUP (access_methods, oid);
      text = type == GNUTLS_SAN_URI ? datum_text (&location) : datum_hex (&location);
      mutual_section_add (section, method ? method->id : oid, method ? _(method->title) : oid,
                          text, MUTUAL_FIELD_NONE);
    }
  return TRUE;
}

static gboolean
decode_crl_dist_points (MutualSection        *section,
                        const gnutls_datum_t *value)
{
  g_auto(gnutls_x509_crl_dist_points_t) points = NULL;

  if (gnutls_x509_crl_dist_points_init (&points) < 0 ||
      gnutls_x509_ext_import_crl_dist_points (value, points, 0) < 0)
    return FALSE;

  for (unsigned int i = 0;; i++)
    {
      gnutls_datum_t name = { NULL, 0 };
      unsigned int type = 0;
      unsigned int reasons = 0;

      if (gnutls_x509_crl_dist_points_get (points, i, &type, &name, &reasons) < 0)
        break;
      add_general_name (section, "", type, &name, NULL, FALSE);
    }
  return TRUE;
}

static gboolean
decode_policies (MutualSection        *section,
                 const gnutls_datum_t *value)
{
  g_auto(gnutls_x509_policies_t) policies = NULL;

  if (gnutls_x509_policies_init (&policies) < 0 ||
      gnutls_x509_ext_import_policies (value, policies, 0) < 0)
    return FALSE;

  for (unsigned int i = 0;; i++)
    {
      struct gnutls_x509_policy_st policy;

      if (gnutls_x509_policies_get (policies, i, &policy) < 0)
        break;
      mutual_section_add_take (section, "policy", _("Policy"),
                               oid_with_name (policy_names, G_N_ELEMENTS (policy_names), policy.oid),
                               MUTUAL_FIELD_NONE);
      for (unsigned int q = 0; q < policy.qualifiers && q < GNUTLS_MAX_QUALIFIERS; q++)
        {
          g_autofree char *text = NULL;

          /* A damaged qualifier may come back without data. */
          if (policy.qualifier[q].data == NULL)
            continue;
          text = g_strndup (policy.qualifier[q].data, policy.qualifier[q].size);
          if (!g_utf8_validate (text, -1, NULL))
            {
              g_free (text);
              text = g_strdup ("?");
            }
          if (policy.qualifier[q].type == GNUTLS_X509_QUALIFIER_URI)
            mutual_section_add (section, "cps", _("Practice statement"), text, MUTUAL_FIELD_NONE);
          else if (policy.qualifier[q].type == GNUTLS_X509_QUALIFIER_NOTICE)
            mutual_section_add (section, "notice", _("User notice"), text, MUTUAL_FIELD_NONE);
        }
    }
  return TRUE;
}

static gboolean
decode_name_constraints (MutualSection        *section,
                         const gnutls_datum_t *value)
{
  g_auto(gnutls_x509_name_constraints_t) constraints = NULL;

  if (gnutls_x509_name_constraints_init (&constraints) < 0 ||
      gnutls_x509_ext_import_name_constraints (value, constraints, 0) < 0)
    return FALSE;

  for (unsigned int i = 0;; i++)
    {
      gnutls_datum_t name = { NULL, 0 };
      unsigned int type = 0;

      if (gnutls_x509_name_constraints_get_permitted (constraints, i, &type, &name) < 0)
        break;
      add_general_name (section, "permitted.", type, &name, NULL, TRUE);
    }
  for (unsigned int i = 0;; i++)
    {
      gnutls_datum_t name = { NULL, 0 };
      unsigned int type = 0;

      if (gnutls_x509_name_constraints_get_excluded (constraints, i, &type, &name) < 0)
        break;
      add_general_name (section, "excluded.", type, &name, NULL, TRUE);
    }

  /* The labels say which list a name is in: "Permitted DNS name". */
  for (guint i = 0; i < mutual_section_get_n_fields (section); i++)
    {
      const char *id = mutual_section_get_field_id (section, i);
      g_autofree char *label = NULL;

      /* Translators: a name constraint, e.g. "Permitted: DNS name". */
      label = g_strdup_printf (g_str_has_prefix (id, "permitted.") ? _("Permitted: %s")
                                                                    : _("Excluded: %s"),
                               mutual_section_get_field_label (section, i));
      mutual_section_set_label (section, i, label);
    }
  return TRUE;
}

static gboolean
decode_scts (MutualSection        *section,
             const gnutls_datum_t *value)
{
  g_auto(gnutls_x509_ct_scts_t) scts = NULL;

  if (gnutls_x509_ext_ct_scts_init (&scts) < 0 ||
      gnutls_x509_ext_ct_import_scts (value, scts, 0) < 0)
    return FALSE;

  for (unsigned int i = 0;; i++)
    {
      g_auto(MutualGnutlsDatum) log_id = { NULL, 0 };
      g_auto(MutualGnutlsDatum) signature = { NULL, 0 };
      gnutls_sign_algorithm_t algorithm = GNUTLS_SIGN_UNKNOWN;
      time_t timestamp = 0;
      unsigned int version = 0;
      const char *algorithm_name;
      g_autofree char *when = NULL;
      g_autofree char *log_hex = NULL;

      if (gnutls_x509_ct_sct_get (scts, i, &timestamp, &log_id, &algorithm, &signature) < 0)
        break;
      /* GnuTLS counts versions from 1, as RFC 6962 names them (v1 is 0 on the wire). */
      gnutls_x509_ct_sct_get_version (scts, i, &version);
      algorithm_name = gnutls_sign_get_name (algorithm);
      when = mutual_format_time_utc ((gint64) timestamp);
      log_hex = datum_hex (&log_id);
      mutual_section_add_take (section, "sct",
                               _("Timestamp"),
                               g_strdup_printf (_("Log %s, v%u, %s, %s"), log_hex, version,
                                                when, algorithm_name ? algorithm_name : "?"),
                               MUTUAL_FIELD_MONOSPACE);
    }
  return TRUE;
}

static gboolean
decode_tls_features (MutualSection        *section,
                     const gnutls_datum_t *value)
{
  g_auto(gnutls_x509_tlsfeatures_t) features = NULL;

  if (gnutls_x509_tlsfeatures_init (&features) < 0 ||
      gnutls_x509_ext_import_tlsfeatures (value, features, 0) < 0)
    return FALSE;

  for (unsigned int i = 0;; i++)
    {
      unsigned int feature = 0;

      if (gnutls_x509_tlsfeatures_get (features, i, &feature) < 0)
        break;
      if (feature == 5)
        mutual_section_add (section, "feature", _("Feature"),
                            _("status_request (OCSP must-staple)"), MUTUAL_FIELD_NONE);
      else if (feature == 17)
        mutual_section_add (section, "feature", _("Feature"),
                            _("status_request_v2 (OCSP multi-staple)"), MUTUAL_FIELD_NONE);
      else
        mutual_section_add_take (section, "feature", _("Feature"),
                                 g_strdup_printf (_("TLS extension %u"), feature),
                                 MUTUAL_FIELD_NONE);
    }
  return TRUE;
}

static gboolean
decode_key_usage_period (MutualSection        *section,
                         const gnutls_datum_t *value)
{
  time_t activation = -1;
  time_t expiration = -1;

  if (gnutls_x509_ext_import_private_key_usage_period (value, &activation, &expiration) < 0)
    return FALSE;
  if (activation != (time_t) -1)
    mutual_section_add_take (section, "notBefore", _("Not before"),
                             mutual_format_time_utc (activation), MUTUAL_FIELD_NONE);
  if (expiration != (time_t) -1)
    mutual_section_add_take (section, "notAfter", _("Not after"),
                             mutual_format_time_utc (expiration), MUTUAL_FIELD_NONE);
  return TRUE;
}

static gboolean
decode_inhibit_any_policy (MutualSection        *section,
                           const gnutls_datum_t *value)
{
  unsigned int skip = 0;

  if (gnutls_x509_ext_import_inhibit_anypolicy (value, &skip) < 0)
    return FALSE;
  mutual_section_add_take (section, "skipCerts", _("Certificates to skip"),
                           g_strdup_printf ("%u", skip), MUTUAL_FIELD_NONE);
  return TRUE;
}

static gboolean
decode_poison (MutualSection        *section,
               const gnutls_datum_t *value)
{
  /* An ASN.1 NULL: the certificate is a precertificate, not meant for use. */
  if (value->size != 2 || value->data[0] != 0x05 || value->data[1] != 0x00)
    return FALSE;
  mutual_section_add (section, "precertificate", _("Meaning"),
                      _("This is a Certificate Transparency precertificate; it cannot be used"),
                      MUTUAL_FIELD_WARNING);
  return TRUE;
}

typedef gboolean (*ExtensionDecoder) (MutualSection        *section,
                                      const gnutls_datum_t *value);

static const struct
{
  const char *oid;
  ExtensionDecoder decode;
} decoders[] = {
  { "2.5.29.17", decode_alt_names },
  { "2.5.29.18", decode_alt_names },
  { "2.5.29.15", decode_key_usage },
  { "2.5.29.37", decode_key_purposes },
  { "2.5.29.19", decode_basic_constraints },
  { "2.5.29.14", decode_subject_key_id },
  { "2.5.29.35", decode_authority_key_id },
  { "1.3.6.1.5.5.7.1.1", decode_info_access },
  { "1.3.6.1.5.5.7.1.11", decode_info_access },
  { "2.5.29.31", decode_crl_dist_points },
  { "2.5.29.46", decode_crl_dist_points },
  { "2.5.29.32", decode_policies },
  { "2.5.29.30", decode_name_constraints },
  { "1.3.6.1.4.1.11129.2.4.2", decode_scts },
  { "1.3.6.1.4.1.11129.2.4.3", decode_poison },
  { "1.3.6.1.5.5.7.1.24", decode_tls_features },
  { "2.5.29.16", decode_key_usage_period },
  { "2.5.29.54", decode_inhibit_any_policy },
};

/**
 * _mutual_extension_to_section:
 *
 * Decodes one extension by its OID. Unknown extensions, and known ones GnuTLS cannot
 * parse, are kept as OID, critical flag and hex, so that nothing is hidden.
 */
MutualSection *
_mutual_extension_to_section (const char           *oid,
                              gboolean              critical,
                              const gnutls_datum_t *value)
{
  const OidName *name = LOOKUP (extension_names, oid);
  g_autofree char *id = g_strdup_printf ("ext.%s", name ? name->id : oid);
  MutualSection *section;
  ExtensionDecoder decode = NULL;

  section = mutual_section_new (MUTUAL_SECTION_EXTENSION, id,
                                name ? _(name->title) : _("Unknown extension"));
  mutual_section_set_extension (section, oid, critical);

  for (guint i = 0; i < G_N_ELEMENTS (decoders); i++)
    {
      if (g_str_equal (decoders[i].oid, oid))
        decode = decoders[i].decode;
    }

  if (decode != NULL && decode (section, value))
    return section;

  if (decode != NULL)
    {
      /* The decoder may have added fields before it failed: start over. */
      g_object_unref (section);
      section = mutual_section_new (MUTUAL_SECTION_EXTENSION, id, _(name->title));
      mutual_section_set_extension (section, oid, critical);
      mutual_section_add (section, "error", _("Error"),
                          _("The value of this extension is malformed"), MUTUAL_FIELD_WARNING);
    }

  mutual_section_add (section, "oid", _("Object identifier"), oid, MUTUAL_FIELD_MONOSPACE);
  mutual_section_add_take (section, "value", _("Value"), datum_hex (value),
                           MUTUAL_FIELD_MONOSPACE | MUTUAL_FIELD_COPYABLE);
  return section;
}

/* Public keys */

gboolean
_mutual_public_key_spki_sha256 (gnutls_pubkey_t pubkey,
                                guint8          digest[32])
{
  g_auto(MutualGnutlsDatum) der = { NULL, 0 };

  if (gnutls_pubkey_export2 (pubkey, GNUTLS_X509_FMT_DER, &der) < 0)
    return FALSE;
  return gnutls_hash_fast (GNUTLS_DIG_SHA256, der.data, der.size, digest) >= 0;
}

/**
 * _mutual_public_key_id:
 *
 * Returns: (nullable): the SHA-256 of the SubjectPublicKeyInfo as colon hex; a
 *   certificate and a private key match when their ids are equal
 */
char *
_mutual_public_key_id (gnutls_pubkey_t pubkey)
{
  guint8 digest[32];

  if (!_mutual_public_key_spki_sha256 (pubkey, digest))
    return NULL;
  return _mutual_hex (digest, sizeof digest, ':');
}

/* The NIST names (P-256) are the ones people and TLS libraries' logs use. */
static const char *
curve_display_name (gnutls_ecc_curve_t curve)
{
  static const struct
  {
    gnutls_ecc_curve_t curve;
    const char *name;
  } nist[] = {
    { GNUTLS_ECC_CURVE_SECP192R1, "P-192" },
    { GNUTLS_ECC_CURVE_SECP224R1, "P-224" },
    { GNUTLS_ECC_CURVE_SECP256R1, "P-256" },
    { GNUTLS_ECC_CURVE_SECP384R1, "P-384" },
    { GNUTLS_ECC_CURVE_SECP521R1, "P-521" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (nist); i++)
    {
      if (nist[i].curve == curve)
        return nist[i].name;
    }
  return gnutls_ecc_curve_get_name (curve);
}

static const char *
curve_name (gnutls_pubkey_t pubkey)
{
  gnutls_ecc_curve_t curve = GNUTLS_ECC_CURVE_INVALID;

  if (gnutls_pubkey_export_ecc_raw2 (pubkey, &curve, NULL, NULL, 0) < 0)
    return NULL;
  return curve_display_name (curve);
}

/**
 * _mutual_public_key_describe:
 *
 * Returns: "RSA 2048 bits", "ECDSA P-256", "Ed25519" ...
 */
char *
_mutual_public_key_describe (gnutls_pubkey_t pubkey)
{
  unsigned int bits = 0;
  int algorithm = gnutls_pubkey_get_pk_algorithm (pubkey, &bits);
  const char *name = gnutls_pk_get_name (algorithm);
  const char *curve;

  switch (algorithm)
    {
    case GNUTLS_PK_EC:
      curve = curve_name (pubkey);
      return g_strdup_printf ("ECDSA %s", curve ? curve : "?");
    case GNUTLS_PK_EDDSA_ED25519:
      return g_strdup ("Ed25519");
    case GNUTLS_PK_EDDSA_ED448:
      return g_strdup ("Ed448");
    default:
      /* Translators: a key type and size, e.g. "RSA 2048 bits". */
      return g_strdup_printf (_("%s %u bits"), name ? name : "?", bits);
    }
}

/**
 * _mutual_public_key_section:
 * @spki_sha256: (nullable): the key's SPKI digest, if the caller has it already
 */
MutualSection *
_mutual_public_key_section (gnutls_pubkey_t  pubkey,
                            const guint8    *spki_sha256)
{
  MutualSection *section = mutual_section_new (MUTUAL_SECTION_PUBLIC_KEY, "publicKey",
                                               _("Public key"));
  unsigned int bits = 0;
  int algorithm = gnutls_pubkey_get_pk_algorithm (pubkey, &bits);
  const char *name = gnutls_pk_get_name (algorithm);
  guint8 digest[32];

  mutual_section_add_take (section, "type", _("Type"), _mutual_public_key_describe (pubkey),
                           MUTUAL_FIELD_NONE);
  mutual_section_add (section, "algorithm", _("Algorithm"), name ? name : "?", MUTUAL_FIELD_NONE);
  mutual_section_add_take (section, "bits", _("Size"), g_strdup_printf (_("%u bits"), bits),
                           (algorithm == GNUTLS_PK_RSA && bits < 2048) ? MUTUAL_FIELD_WARNING
                                                                       : MUTUAL_FIELD_NONE);

  if (algorithm == GNUTLS_PK_RSA || algorithm == GNUTLS_PK_RSA_PSS)
    {
      g_auto(MutualGnutlsDatum) modulus = { NULL, 0 };
      g_auto(MutualGnutlsDatum) exponent = { NULL, 0 };

      if (gnutls_pubkey_export_rsa_raw2 (pubkey, &modulus, &exponent, GNUTLS_EXPORT_FLAG_NO_LZ) >= 0)
        {
          guint64 e = 0;

          for (guint i = 0; i < exponent.size && i < 8; i++)
            e = (e << 8) | exponent.data[i];
          mutual_section_add_take (section, "exponent", _("Exponent"),
                                   g_strdup_printf ("%" G_GUINT64_FORMAT, e), MUTUAL_FIELD_NONE);
          mutual_section_add_take (section, "modulus", _("Modulus"), datum_hex (&modulus),
                                   MUTUAL_FIELD_MONOSPACE);
        }
    }
  else if (algorithm == GNUTLS_PK_EC || algorithm == GNUTLS_PK_EDDSA_ED25519 ||
           algorithm == GNUTLS_PK_EDDSA_ED448)
    {
      g_auto(MutualGnutlsDatum) x = { NULL, 0 };
      g_auto(MutualGnutlsDatum) y = { NULL, 0 };
      gnutls_ecc_curve_t curve = GNUTLS_ECC_CURVE_INVALID;

      if (gnutls_pubkey_export_ecc_raw2 (pubkey, &curve, &x, algorithm == GNUTLS_PK_EC ? &y : NULL,
                                         GNUTLS_EXPORT_FLAG_NO_LZ) >= 0)
        {
          const char *curve_text = curve_display_name (curve);

          mutual_section_add (section, "curve", _("Curve"), curve_text ? curve_text : "?",
                              MUTUAL_FIELD_NONE);
          mutual_section_add_take (section, "x", algorithm == GNUTLS_PK_EC ? _("Point x") : _("Key"),
                                   datum_hex (&x), MUTUAL_FIELD_MONOSPACE);
          if (y.data != NULL)
            mutual_section_add_take (section, "y", _("Point y"), datum_hex (&y),
                                     MUTUAL_FIELD_MONOSPACE);
        }
    }

  if (spki_sha256 != NULL)
    memcpy (digest, spki_sha256, sizeof digest);
  if (spki_sha256 != NULL || _mutual_public_key_spki_sha256 (pubkey, digest))
    {
      g_autofree char *pin = g_base64_encode (digest, sizeof digest);

      mutual_section_add_take (section, "keyId", _("Key ID (SHA-256)"),
                               _mutual_hex (digest, sizeof digest, ':'),
                               MUTUAL_FIELD_MONOSPACE | MUTUAL_FIELD_COPYABLE);
      /* The form curl's --pinnedpubkey and HPKP-style pinning use. */
      mutual_section_add_take (section, "pin", _("Pin (SHA-256, base64)"),
                               g_strdup_printf ("sha256//%s", pin),
                               MUTUAL_FIELD_MONOSPACE | MUTUAL_FIELD_COPYABLE);
    }

  return section;
}

/**
 * _mutual_public_key_to_json:
 * @spki_sha256: (nullable): the key's SPKI digest, if the caller has it already
 */
void
_mutual_public_key_to_json (gnutls_pubkey_t  pubkey,
                            const guint8    *spki_sha256,
                            MutualJson      *json,
                            const char      *member)
{
  unsigned int bits = 0;
  int algorithm = gnutls_pubkey_get_pk_algorithm (pubkey, &bits);
  const char *name = gnutls_pk_get_name (algorithm);
  const char *curve = NULL;
  g_autofree char *description = _mutual_public_key_describe (pubkey);
  guint8 digest[32];

  if (algorithm == GNUTLS_PK_EC || algorithm == GNUTLS_PK_EDDSA_ED25519 ||
      algorithm == GNUTLS_PK_EDDSA_ED448)
    curve = curve_name (pubkey);

  mutual_json_begin_object (json, member);
  mutual_json_string (json, "type", description);
  mutual_json_string (json, "algorithm", name);
  mutual_json_int (json, "bits", bits);
  mutual_json_string (json, "curve", curve);
  if (spki_sha256 != NULL)
    memcpy (digest, spki_sha256, sizeof digest);
  if (spki_sha256 != NULL || _mutual_public_key_spki_sha256 (pubkey, digest))
    {
      g_autofree char *hex = _mutual_hex (digest, sizeof digest, ':');
      g_autofree char *pin = g_base64_encode (digest, sizeof digest);

      mutual_json_string (json, "spki_sha256", hex);
      mutual_json_string (json, "spki_sha256_base64", pin);
    }
  mutual_json_end_object (json);
}

/**
 * _mutual_sections_to_json:
 *
 * Writes an array of the sections of @kind:
 * [{"id", "name", "oid", "critical", "fields": [{"id", "label", "value"}]}]
 */
void
_mutual_sections_to_json (GPtrArray         *sections,
                          MutualSectionKind  kind,
                          MutualJson        *json,
                          const char        *member)
{
  mutual_json_begin_array (json, member);
  for (guint i = 0; i < sections->len; i++)
    {
      MutualSection *section = g_ptr_array_index (sections, i);
      guint n = mutual_section_get_n_fields (section);
      const char *id = mutual_section_get_id (section);

      if (mutual_section_get_kind (section) != kind)
        continue;

      mutual_json_begin_object (json, NULL);
      /* Extension ids are "ext.NAME": the JSON keeps only NAME. */
      mutual_json_string (json, "id", g_str_has_prefix (id, "ext.") ? id + 4 : id);
      mutual_json_string (json, "name", mutual_section_get_title (section));
      if (mutual_section_get_oid (section) != NULL)
        {
          mutual_json_string (json, "oid", mutual_section_get_oid (section));
          mutual_json_boolean (json, "critical", mutual_section_get_critical (section));
        }
      mutual_json_begin_array (json, "fields");
      for (guint j = 0; j < n; j++)
        {
          mutual_json_begin_object (json, NULL);
          mutual_json_string (json, "id", mutual_section_get_field_id (section, j));
          mutual_json_string (json, "label", mutual_section_get_field_label (section, j));
          mutual_json_string (json, "value", mutual_section_get_field_value (section, j));
          mutual_json_end_object (json);
        }
      mutual_json_end_array (json);
      mutual_json_end_object (json);
    }
  mutual_json_end_array (json);
}
