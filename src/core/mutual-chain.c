/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "mutual-certificate-private.h"
#include "mutual-chain.h"
#include "mutual-trust-private.h"
#include "mutual-x509-private.h"

/**
 * MutualChain:
 *
 * A certificate and the certificates that link it to its root, leaf first, as found
 * in what the user gave. Verification adds the trust anchor (when the top link's
 * issuer is a trusted CA outside the chain) and a list of problems, each tied to the
 * link it concerns, so that a view can show "this link expired" and not only "the
 * chain is invalid".
 */
struct _MutualChain
{
  GObject parent_instance;

  GPtrArray *links;
  MutualCertificate *anchor;
  GPtrArray *problems;
  gboolean verified;
  gboolean trusted;
};

G_DEFINE_FINAL_TYPE (MutualChain, mutual_chain, G_TYPE_OBJECT)

#define MAX_CHAIN_LENGTH 16

static MutualCertificate *
find_issuer_in (GPtrArray         *pool,
                MutualCertificate *certificate,
                GPtrArray         *exclude)
{
  MutualCertificate *by_name = NULL;

  for (guint i = 0; i < pool->len; i++)
    {
      MutualCertificate *candidate = g_ptr_array_index (pool, i);

      if (candidate == certificate || g_ptr_array_find (exclude, candidate, NULL) ||
          mutual_certificate_equal (candidate, certificate))
        continue;
      if (!mutual_certificate_issued_by (certificate, candidate))
        continue;
      /* Two CAs may share a name (a renewed intermediate): the one whose key verifies
       * the signature wins. */
      if (mutual_certificate_signature_valid (certificate, candidate))
        return candidate;
      if (by_name == NULL)
        by_name = candidate;
    }

  return by_name;
}

/**
 * mutual_chain_new_for_leaf:
 * @pool: (element-type MutualCertificate): certificates to take issuers from
 *
 * Returns: (transfer full): the chain from @leaf up through @pool, as far as it goes
 */
MutualChain *
mutual_chain_new_for_leaf (MutualCertificate *leaf,
                           GPtrArray         *pool)
{
  MutualChain *self = g_object_new (MUTUAL_TYPE_CHAIN, NULL);
  MutualCertificate *current = leaf;

  g_return_val_if_fail (MUTUAL_IS_CERTIFICATE (leaf), NULL);

  g_ptr_array_add (self->links, g_object_ref (leaf));
  while (self->links->len < MAX_CHAIN_LENGTH && !mutual_certificate_is_self_issued (current))
    {
      MutualCertificate *issuer = pool ? find_issuer_in (pool, current, self->links) : NULL;

      if (issuer == NULL)
        break;
      g_ptr_array_add (self->links, g_object_ref (issuer));
      current = issuer;
    }

  return self;
}

/**
 * mutual_chain_build_all:
 * @certificates: (element-type MutualCertificate): a bag of certificates in any order
 *
 * Orders a bag of certificates into chains: one for each certificate that issued none
 * of the others (a leaf), each going up as far as the bag allows.
 *
 * Returns: (transfer container) (element-type MutualChain): the chains
 */
GPtrArray *
mutual_chain_build_all (GPtrArray *certificates)
{
  GPtrArray *chains = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) pool = g_ptr_array_new ();

  g_return_val_if_fail (certificates != NULL, NULL);

  /* The same certificate given twice is one certificate. */
  for (guint i = 0; i < certificates->len; i++)
    {
      MutualCertificate *certificate = g_ptr_array_index (certificates, i);
      gboolean seen = FALSE;

      for (guint j = 0; j < pool->len && !seen; j++)
        seen = mutual_certificate_equal (certificate, g_ptr_array_index (pool, j));
      if (!seen)
        g_ptr_array_add (pool, certificate);
    }

  for (guint i = 0; i < pool->len; i++)
    {
      MutualCertificate *candidate = g_ptr_array_index (pool, i);
      gboolean issues_another = FALSE;

      for (guint j = 0; j < pool->len && !issues_another; j++)
        {
          MutualCertificate *other = g_ptr_array_index (pool, j);

          issues_another = other != candidate && !mutual_certificate_is_self_issued (other) &&
                           mutual_certificate_issued_by (other, candidate);
        }
      if (!issues_another)
        g_ptr_array_add (chains, mutual_chain_new_for_leaf (candidate, pool));
    }

  return chains;
}

static void
add_problem (MutualChain       *self,
             MutualProblemKind  kind,
             MutualSeverity     severity,
             int                link,
             const char        *format,
             ...) G_GNUC_PRINTF (5, 6);

static void
add_problem (MutualChain       *self,
             MutualProblemKind  kind,
             MutualSeverity     severity,
             int                link,
             const char        *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_ptr_array_add (self->problems, mutual_problem_new (kind, severity, link, message));
}

static gboolean
has_problem (MutualChain       *self,
             MutualProblemKind  kind)
{
  for (guint i = 0; i < self->problems->len; i++)
    {
      if (mutual_problem_get_kind (g_ptr_array_index (self->problems, i)) == kind)
        return TRUE;
    }
  return FALSE;
}

static void
check_dates (MutualChain       *self,
             MutualCertificate *certificate,
             int                link,
             gint64             now)
{
  const MutualValidity *validity = mutual_certificate_get_validity (certificate);
  const char *name = mutual_certificate_get_subject_name (certificate);
  g_autofree char *when = NULL;

  if (now > validity->not_after)
    {
      when = mutual_validity_describe (validity, now, FALSE);
      /* Translators: the first %s is a certificate's name, the second e.g. "expired 3 days ago". */
      add_problem (self, MUTUAL_PROBLEM_EXPIRED, MUTUAL_SEVERITY_ERROR, link,
                   _("%s has expired: it %s"), name, when);
    }
  else if (now < validity->not_before)
    {
      when = mutual_validity_describe (validity, now, FALSE);
      /* Translators: the first %s is a certificate's name, the second e.g. "becomes valid in 2 h". */
      add_problem (self, MUTUAL_PROBLEM_NOT_YET_VALID, MUTUAL_SEVERITY_ERROR, link,
                   _("%s is not valid yet: it %s (check the clocks of this machine and of the CA)"),
                   name, when);
    }
}

static void
check_issuer (MutualChain       *self,
              MutualCertificate *certificate,
              MutualCertificate *issuer,
              int                link)
{
  unsigned int usage = 0;

  if (!mutual_certificate_is_ca (issuer))
    add_problem (self, MUTUAL_PROBLEM_NOT_A_CA, MUTUAL_SEVERITY_ERROR, link + 1,
                 _("%s signed %s but is not a certificate authority (its basicConstraints "
                   "extension does not say CA:TRUE)"),
                 mutual_certificate_get_subject_name (issuer),
                 mutual_certificate_get_subject_name (certificate));
  else if (_mutual_certificate_get_key_usage (issuer, &usage) && !(usage & GNUTLS_KEY_KEY_CERT_SIGN))
    add_problem (self, MUTUAL_PROBLEM_KEY_USAGE, MUTUAL_SEVERITY_ERROR, link + 1,
                 _("%s may not sign certificates: its key usage lacks keyCertSign"),
                 mutual_certificate_get_subject_name (issuer));

  if (!mutual_certificate_signature_valid (certificate, issuer))
    add_problem (self, MUTUAL_PROBLEM_BAD_SIGNATURE, MUTUAL_SEVERITY_ERROR, link,
                 _("The signature on %s does not verify with the key of %s: the certificate "
                   "was altered, or it comes from another CA with the same name"),
                 mutual_certificate_get_subject_name (certificate),
                 mutual_certificate_get_subject_name (issuer));
}

static const char *
purpose_oid (MutualPurpose purpose)
{
  switch (purpose)
    {
    case MUTUAL_PURPOSE_TLS_CLIENT:
      return MUTUAL_OID_CLIENT_AUTH;
    case MUTUAL_PURPOSE_TLS_SERVER:
      return MUTUAL_OID_SERVER_AUTH;
    case MUTUAL_PURPOSE_ANY:
    default:
      return NULL;
    }
}

static void
check_purpose (MutualChain       *self,
               MutualCertificate *certificate,
               int                link,
               MutualPurpose      purpose)
{
  const char *oid = purpose_oid (purpose);
  const char *name = mutual_certificate_get_subject_name (certificate);
  unsigned int usage = 0;

  if (oid == NULL)
    return;

  if (!mutual_certificate_has_purpose (certificate, oid))
    {
      g_auto(GStrv) purposes = mutual_certificate_get_purposes (certificate);
      g_autofree char *allowed = NULL;
      g_autoptr(GString) names = g_string_new (NULL);

      for (guint i = 0; purposes && purposes[i]; i++)
        {
          const char *short_name = _mutual_oid_get_name (purposes[i]);

          if (names->len > 0)
            g_string_append (names, ", ");
          g_string_append (names, short_name ? short_name : purposes[i]);
        }
      if (purpose == MUTUAL_PURPOSE_TLS_CLIENT)
        add_problem (self, MUTUAL_PROBLEM_WRONG_PURPOSE, MUTUAL_SEVERITY_ERROR, link,
                     link == 0 ? _("%s is not meant for TLS clients: its extended key usage allows "
                                   "only %s, not clientAuth")
                               : _("%s restricts the certificates it issues to %s, which excludes "
                                   "TLS clients (clientAuth)"),
                     name, names->str);
      else
        add_problem (self, MUTUAL_PROBLEM_WRONG_PURPOSE, MUTUAL_SEVERITY_ERROR, link,
                     link == 0 ? _("%s is not meant for TLS servers: its extended key usage allows "
                                   "only %s, not serverAuth")
                               : _("%s restricts the certificates it issues to %s, which excludes "
                                   "TLS servers (serverAuth)"),
                     name, names->str);
    }

  if (link == 0 && _mutual_certificate_get_key_usage (certificate, &usage) &&
      !(usage & GNUTLS_KEY_DIGITAL_SIGNATURE) && purpose == MUTUAL_PURPOSE_TLS_CLIENT)
    add_problem (self, MUTUAL_PROBLEM_KEY_USAGE, MUTUAL_SEVERITY_ERROR, link,
                 _("%s may not sign with its key (its key usage lacks digitalSignature), which "
                   "a TLS client must do to prove it holds the key"),
                 name);

  if (link == 0 && purpose == MUTUAL_PURPOSE_TLS_CLIENT && mutual_certificate_is_ca (certificate))
    add_problem (self, MUTUAL_PROBLEM_CA_AS_CLIENT, MUTUAL_SEVERITY_WARNING, link,
                 _("%s is a CA certificate; servers may refuse it as a client certificate"), name);
}

static void
check_algorithms (MutualChain       *self,
                  MutualCertificate *certificate,
                  int                link)
{
  int algorithm = gnutls_x509_crt_get_signature_algorithm (_mutual_certificate_get_crt (certificate));
  const char *key_type = mutual_certificate_get_key_type (certificate);
  int bits = mutual_certificate_get_key_bits (certificate);

  /* A self-signed root's own signature protects nothing: it is trusted by identity. */
  if (!mutual_certificate_is_self_issued (certificate) && algorithm >= 0 &&
      !gnutls_sign_is_secure2 (algorithm, 0))
    add_problem (self, MUTUAL_PROBLEM_INSECURE_SIGNATURE, MUTUAL_SEVERITY_WARNING, link,
                 _("%s is signed with %s, which is no longer secure; modern TLS libraries "
                   "reject it"),
                 mutual_certificate_get_subject_name (certificate),
                 mutual_certificate_get_signature_algorithm (certificate));

  if (g_str_has_prefix (key_type, "RSA") && bits > 0 && bits < 2048)
    add_problem (self, MUTUAL_PROBLEM_WEAK_KEY, MUTUAL_SEVERITY_WARNING, link,
                 _("%s has a %d-bit RSA key; 2048 bits is the usual minimum"),
                 mutual_certificate_get_subject_name (certificate), bits);
}

/* Asks GnuTLS for its verdict and adds what the checks above did not explain. */
static void
verify_with_gnutls (MutualChain   *self,
                    MutualTrust   *trust,
                    MutualPurpose  purpose)
{
  g_autofree gnutls_x509_crt_t *list = g_new0 (gnutls_x509_crt_t, self->links->len);
  gnutls_typed_vdata_st data;
  unsigned int status = 0;
  const char *oid = purpose_oid (purpose);
  int ret;

  for (guint i = 0; i < self->links->len; i++)
    list[i] = _mutual_certificate_get_crt (g_ptr_array_index (self->links, i));

  data.type = GNUTLS_DT_KEY_PURPOSE_OID;
  data.data = (unsigned char *) oid;
  data.size = 0;

  ret = gnutls_x509_trust_list_verify_crt2 (_mutual_trust_get_list (trust), list, self->links->len,
                                            oid ? &data : NULL, oid ? 1 : 0, 0, &status, NULL);
  if (ret < 0)
    {
      add_problem (self, MUTUAL_PROBLEM_OTHER, MUTUAL_SEVERITY_ERROR, -1,
                   _("GnuTLS could not verify the chain: %s"), gnutls_strerror (ret));
      return;
    }

  self->trusted = status == 0;
  if (status == 0)
    return;

  if ((status & GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE) && !has_problem (self, MUTUAL_PROBLEM_NAME_CONSTRAINTS))
    add_problem (self, MUTUAL_PROBLEM_NAME_CONSTRAINTS, MUTUAL_SEVERITY_ERROR, 0,
                 _("A name in %s is outside what an issuing CA may certify (name constraints)"),
                 mutual_certificate_get_subject_name (g_ptr_array_index (self->links, 0)));

  /* Everything else GnuTLS found should already be named; if not, say what it said. */
  if (!mutual_chain_has_errors (self))
    {
      g_auto(MutualGnutlsDatum) text = { NULL, 0 };

      gnutls_certificate_verification_status_print (status, GNUTLS_CRT_X509, &text, 0);
      add_problem (self, MUTUAL_PROBLEM_OTHER, MUTUAL_SEVERITY_ERROR, -1,
                   _("GnuTLS does not trust the chain: %s"),
                   text.data ? (const char *) text.data : "?");
    }
}

/**
 * mutual_chain_verify:
 * @trust: (nullable): what to trust; without it, only the links themselves are checked
 * @purpose: what the leaf will be used for
 * @now: the time to judge validity at, in Unix seconds
 *
 * Checks every link (dates, signatures, CA flags, key usages), finds the trust anchor
 * and has GnuTLS verify the whole. Problems can then be read per link.
 */
void
mutual_chain_verify (MutualChain   *self,
                     MutualTrust   *trust,
                     MutualPurpose  purpose,
                     gint64         now)
{
  MutualCertificate *top;
  int n;

  g_return_if_fail (MUTUAL_IS_CHAIN (self));

  g_ptr_array_set_size (self->problems, 0);
  g_clear_object (&self->anchor);
  self->trusted = FALSE;
  n = self->links->len;

  for (int i = 0; i < n; i++)
    {
      MutualCertificate *certificate = g_ptr_array_index (self->links, i);

      check_dates (self, certificate, i, now);
      check_purpose (self, certificate, i, purpose);
      check_algorithms (self, certificate, i);
      if (i + 1 < n)
        check_issuer (self, certificate, g_ptr_array_index (self->links, i + 1), i);
    }

  top = g_ptr_array_index (self->links, n - 1);
  if (mutual_certificate_is_self_issued (top))
    {
      if (trust != NULL && !mutual_trust_contains (trust, top))
        {
          g_autofree char *trusted = mutual_trust_describe (trust);

          add_problem (self, MUTUAL_PROBLEM_UNTRUSTED_ROOT, MUTUAL_SEVERITY_ERROR, n - 1,
                       _("The chain ends at %s, which is not among %s"),
                       mutual_certificate_get_subject_name (top), trusted);
        }
    }
  else
    {
      self->anchor = trust ? mutual_trust_find_issuer (trust, top) : NULL;
      if (self->anchor != NULL)
        {
          check_dates (self, self->anchor, n, now);
          check_issuer (self, top, self->anchor, n - 1);
        }
      else if (trust != NULL)
        {
          g_autofree char *trusted = mutual_trust_describe (trust);

          add_problem (self, MUTUAL_PROBLEM_MISSING_ISSUER, MUTUAL_SEVERITY_ERROR, n - 1,
                       _("%s was issued by %s, which is neither in the input nor among %s: an "
                         "intermediate certificate is missing"),
                       mutual_certificate_get_subject_name (top),
                       mutual_certificate_get_issuer (top), trusted);
        }
      else
        {
          /* Without trust anchors there is no telling whether the issuer is a root the
           * peer already has or an intermediate that must be sent. */
          add_problem (self, MUTUAL_PROBLEM_MISSING_ISSUER, MUTUAL_SEVERITY_WARNING, n - 1,
                       _("%s was issued by %s, which is not in the input: unless that is a root "
                         "the server trusts, the chain is incomplete"),
                       mutual_certificate_get_subject_name (top),
                       mutual_certificate_get_issuer (top));
        }
    }

  if (trust != NULL)
    verify_with_gnutls (self, trust, purpose);

  /* Whatever GnuTLS says, a chain with a named error is not trusted. */
  if (mutual_chain_has_errors (self))
    self->trusted = FALSE;
  self->verified = trust != NULL;
}

/**
 * mutual_chain_get_links:
 *
 * Returns: (transfer none) (element-type MutualCertificate): leaf first
 */
GPtrArray *
mutual_chain_get_links (MutualChain *self)
{
  g_return_val_if_fail (MUTUAL_IS_CHAIN (self), NULL);
  return self->links;
}

/**
 * mutual_chain_get_anchor:
 *
 * Returns: (transfer none) (nullable): the trusted CA outside the chain that issued its
 *   top link, once verified
 */
MutualCertificate *
mutual_chain_get_anchor (MutualChain *self)
{
  g_return_val_if_fail (MUTUAL_IS_CHAIN (self), NULL);
  return self->anchor;
}

/**
 * mutual_chain_get_problems:
 *
 * Returns: (transfer none) (element-type MutualProblem): all problems found
 */
GPtrArray *
mutual_chain_get_problems (MutualChain *self)
{
  g_return_val_if_fail (MUTUAL_IS_CHAIN (self), NULL);
  return self->problems;
}

/**
 * mutual_chain_get_link_problems:
 * @link: a link index; the number of links stands for the anchor
 *
 * Returns: (transfer container) (element-type MutualProblem): the problems of one link
 */
GPtrArray *
mutual_chain_get_link_problems (MutualChain *self,
                                int          link)
{
  GPtrArray *result = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (MUTUAL_IS_CHAIN (self), result);

  for (guint i = 0; i < self->problems->len; i++)
    {
      MutualProblem *problem = g_ptr_array_index (self->problems, i);

      if (mutual_problem_get_link (problem) == link)
        g_ptr_array_add (result, g_object_ref (problem));
    }
  return result;
}

gboolean
mutual_chain_get_verified (MutualChain *self)
{
  g_return_val_if_fail (MUTUAL_IS_CHAIN (self), FALSE);
  return self->verified;
}

/**
 * mutual_chain_get_trusted:
 *
 * Returns: whether the chain was verified against trust anchors and found sound
 */
gboolean
mutual_chain_get_trusted (MutualChain *self)
{
  g_return_val_if_fail (MUTUAL_IS_CHAIN (self), FALSE);
  return self->trusted;
}

gboolean
mutual_chain_has_errors (MutualChain *self)
{
  g_return_val_if_fail (MUTUAL_IS_CHAIN (self), FALSE);

  for (guint i = 0; i < self->problems->len; i++)
    {
      if (mutual_problem_get_severity (g_ptr_array_index (self->problems, i)) == MUTUAL_SEVERITY_ERROR)
        return TRUE;
    }
  return FALSE;
}

/**
 * mutual_chain_describe:
 *
 * Returns: the links by name, leaf first: "alice ← Issuing CA 1 ← Root CA"
 */
char *
mutual_chain_describe (MutualChain *self)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (MUTUAL_IS_CHAIN (self), NULL);

  for (guint i = 0; i < self->links->len; i++)
    {
      if (i > 0)
        g_string_append (text, " ← ");
      g_string_append (text, mutual_certificate_get_subject_name (g_ptr_array_index (self->links, i)));
    }
  if (self->anchor != NULL)
    {
      g_string_append (text, " ← ");
      /* Translators: marks a CA that is not in the chain but trusted, e.g. "Root CA (trusted)". */
      g_string_append_printf (text, _("%s (trusted)"),
                              mutual_certificate_get_subject_name (self->anchor));
    }

  return g_string_free (text, FALSE);
}

/**
 * mutual_chain_to_json:
 * @member: (nullable): the member name, inside an object
 *
 * Writes {"links": [{"subject_name", "sha256"}], "anchor", "verified", "trusted",
 * "problems": [{"kind", "severity", "link", "message"}]}.
 */
void
mutual_chain_to_json (MutualChain *self,
                      MutualJson  *json,
                      const char  *member)
{
  g_return_if_fail (MUTUAL_IS_CHAIN (self));

  mutual_json_begin_object (json, member);
  mutual_json_begin_array (json, "links");
  for (guint i = 0; i < self->links->len; i++)
    mutual_certificate_reference_to_json (g_ptr_array_index (self->links, i), json, NULL);
  mutual_json_end_array (json);
  if (self->anchor != NULL)
    mutual_certificate_reference_to_json (self->anchor, json, "anchor");
  else
    mutual_json_null (json, "anchor");
  mutual_json_boolean (json, "verified", self->verified);
  mutual_json_boolean (json, "trusted", self->trusted);
  mutual_json_begin_array (json, "problems");
  for (guint i = 0; i < self->problems->len; i++)
    mutual_problem_to_json (g_ptr_array_index (self->problems, i), json, NULL);
  mutual_json_end_array (json);
  mutual_json_end_object (json);
}

/**
 * mutual_lint_client_identity:
 * @key: (nullable): the private key meant to go with @leaf
 * @extra: (nullable) (element-type MutualCertificate): the rest of the chain
 * @trust: (nullable): the CAs the server is expected to trust
 * @chain_out: (out) (optional) (transfer full): the chain that was checked
 *
 * Says whether @leaf, @key and @extra make a usable TLS client identity, and why not:
 * every chain problem for client use, plus a missing or mismatched key.
 *
 * Returns: (transfer container) (element-type MutualProblem): the problems; none means
 *   usable
 */
GPtrArray *
mutual_lint_client_identity (MutualCertificate  *leaf,
                             MutualPrivateKey   *key,
                             GPtrArray          *extra,
                             MutualTrust        *trust,
                             gint64              now,
                             MutualChain       **chain_out)
{
  g_autoptr(MutualChain) chain = NULL;
  GPtrArray *problems;

  g_return_val_if_fail (MUTUAL_IS_CERTIFICATE (leaf), NULL);

  chain = mutual_chain_new_for_leaf (leaf, extra);
  mutual_chain_verify (chain, trust, MUTUAL_PURPOSE_TLS_CLIENT, now);
  problems = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < chain->problems->len; i++)
    g_ptr_array_add (problems, g_object_ref (g_ptr_array_index (chain->problems, i)));

  if (key == NULL)
    g_ptr_array_insert (problems, 0,
                        mutual_problem_new (MUTUAL_PROBLEM_NO_KEY, MUTUAL_SEVERITY_ERROR, 0,
                                            _("There is no private key: a client certificate is "
                                              "useless without it")));
  else if (!mutual_private_key_matches (key, leaf))
    {
      g_autofree char *message =
        g_strdup_printf (_("The private key (%s) does not belong to %s (%s): the server will "
                           "reject the handshake"),
                         mutual_private_key_get_key_type (key),
                         mutual_certificate_get_subject_name (leaf),
                         mutual_certificate_get_key_type (leaf));

      g_ptr_array_insert (problems, 0,
                          mutual_problem_new (MUTUAL_PROBLEM_KEY_MISMATCH, MUTUAL_SEVERITY_ERROR,
                                              0, message));
    }

  if (chain_out != NULL)
    *chain_out = g_steal_pointer (&chain);
  return problems;
}

static void
mutual_chain_finalize (GObject *object)
{
  MutualChain *self = MUTUAL_CHAIN (object);

  g_clear_pointer (&self->links, g_ptr_array_unref);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  g_clear_object (&self->anchor);

  G_OBJECT_CLASS (mutual_chain_parent_class)->finalize (object);
}

static void
mutual_chain_class_init (MutualChainClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mutual_chain_finalize;
}

static void
mutual_chain_init (MutualChain *self)
{
  self->links = g_ptr_array_new_with_free_func (g_object_unref);
  self->problems = g_ptr_array_new_with_free_func (g_object_unref);
}
