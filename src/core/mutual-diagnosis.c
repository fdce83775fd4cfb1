/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "mutual-certificate-private.h"
#include "mutual-probe-private.h"

/* The diagnosis: what a probe observed, turned into findings in plain language. The
 * same fault shows differently with different TLS libraries (OpenSSL's alert 48 is
 * GnuTLS's 42, nginx answers 400 after a successful handshake, TLS 1.3 moves the
 * verdict after the client's Finished), so the rules reason from all the evidence:
 * what the server asked for, what was sent, what the identity is, and how the server
 * reacted. Where the evidence allows several causes, the finding says so
 * (certain = FALSE). */

typedef struct
{
  MutualProbe *probe;
  const MutualProbeEvidence *evidence;
  GPtrArray *findings;
  char *target;
} Diagnosis;

static MutualFinding *
add (Diagnosis             *d,
     const char            *id,
     MutualFindingSeverity  severity,
     gboolean               certain,
     char                  *title,
     char                  *explanation,
     const char            *remedy)
{
  MutualFinding *finding = mutual_finding_new (id, severity, certain, title, explanation, remedy);

  g_free (title);
  g_free (explanation);
  g_ptr_array_add (d->findings, finding);
  return finding;
}

static void
evidence (MutualFinding *finding,
          const char    *format,
          ...) G_GNUC_PRINTF (2, 3);

static void
evidence (MutualFinding *finding,
          const char    *format,
          ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  mutual_finding_add_evidence (finding, text);
}

static gboolean
has_error (Diagnosis *d)
{
  for (guint i = 0; i < d->findings->len; i++)
    {
      if (mutual_finding_get_severity (g_ptr_array_index (d->findings, i)) == MUTUAL_FINDING_ERROR)
        return TRUE;
    }
  return FALSE;
}

/* Before TLS */

static gboolean
diagnose_reachability (Diagnosis *d)
{
  const MutualProbeEvidence *e = d->evidence;
  const char *host = mutual_probe_get_host (d->probe);
  guint port = mutual_probe_get_port (d->probe);
  MutualFinding *f;

  if (e->address_family_excluded)
    {
      gboolean ipv6 = strchr (host, ':') != NULL;

      add (d, "address-family-excluded", MUTUAL_FINDING_ERROR, TRUE,
           g_strdup_printf (ipv6 ? _("%s is an IPv6 address, and only IPv4 was allowed")
                                 : _("%s is an IPv4 address, and only IPv6 was allowed"), host),
           g_strdup_printf (_("The probe was limited to one IP version, and %s is of the other: "
                              "there was nothing to connect to, and nothing was sent."), host),
           _("Give an address of the allowed version or a host name, or allow both IP versions."));
      return TRUE;
    }

  if (e->resolve_failed)
    {
      f = add (d, "name-does-not-resolve", MUTUAL_FINDING_ERROR, TRUE,
               g_strdup_printf (_("%s does not resolve"), host),
               g_strdup_printf (_("The name %s has no address: the resolver said “%s”."), host, e->resolve_error),
               _("Check the spelling of the name, and that this machine uses the DNS (or VPN) that knows it."));
      evidence (f, _("Resolver: %s"), e->resolve_error);
      return TRUE;
    }

  if (e->connected_address != NULL)
    return FALSE;

  if (e->addresses->len == 0)
    return FALSE;

  if (e->connect_refused > 0 && e->connect_timed_out == 0 && e->connect_other == 0)
    {
      f = add (d, "connection-refused", MUTUAL_FINDING_ERROR, TRUE,
               g_strdup_printf (_("Nothing listens on port %u of %s"), port, host),
               g_strdup_printf (_("%s refused the TCP connection to port %u: the host is up, but no service "
                                  "accepts connections on that port."), host, port),
               _("Check the port number, and that the service runs and listens on this address."));
    }
  else if (e->connect_timed_out > 0 || e->timed_out)
    {
      f = add (d, "host-silent", MUTUAL_FINDING_ERROR, TRUE,
               g_strdup_printf (_("%s does not answer on port %u"), host, port),
               g_strdup_printf (_("The TCP connection to port %u of %s got no answer at all: a firewall drops "
                                  "the packets, or the host is down or unreachable from here."), port, host),
               _("Check firewalls, security groups and routes between this machine and the host."));
    }
  else
    {
      f = add (d, "connect-failed", MUTUAL_FINDING_ERROR, TRUE,
               g_strdup_printf (_("Cannot connect to %s port %u"), host, port),
               g_strdup_printf (_("The TCP connection failed: %s."), e->connect_error ? e->connect_error : "?"),
               _("Check the network between this machine and the host."));
    }
  for (guint i = 0; i < e->addresses->len; i++)
    evidence (f, _("Address tried: %s"), (char *) g_ptr_array_index (e->addresses, i));
  if (e->connect_error != NULL)
    evidence (f, _("Last error: %s"), e->connect_error);
  return TRUE;
}

/* What the first bytes from a server that is not speaking TLS say it is. */
static const char *
recognise_plaintext (const GByteArray *bytes,
                     const char      **what)
{
  const char *text = (const char *) bytes->data;
  gsize length = bytes->len;

  if (length >= 4 && strncmp (text, "SSH-", 4) == 0)
    {
      *what = _("an SSH server");
      return "ssh-service";
    }
  if (length >= 5 && strncmp (text, "HTTP/", 5) == 0)
    {
      *what = _("a plain HTTP server");
      return "plaintext-http";
    }
  if ((length >= 4 && g_ascii_isdigit (text[0]) && g_ascii_isdigit (text[1]) && g_ascii_isdigit (text[2]) &&
       (text[3] == ' ' || text[3] == '-')) ||
      (length >= 4 && strncmp (text, "* OK", 4) == 0) || (length >= 3 && strncmp (text, "+OK", 3) == 0))
    {
      *what = _("a plaintext protocol that starts with a greeting (SMTP, FTP, IMAP or POP3)");
      return "needs-starttls";
    }
  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isprint (text[i]) && !g_ascii_isspace (text[i]))
        return NULL;
    }
  if (length > 0)
    {
      *what = _("a plaintext service");
      return "not-tls";
    }
  return NULL;
}

static char *
printable (const GByteArray *bytes)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < bytes->len && i < 48; i++)
    {
      guint8 c = bytes->data[i];

      if (c == '\r' || c == '\n')
        break;
      if (g_ascii_isprint (c))
        g_string_append_c (out, c);
      else
        g_string_append_printf (out, "\\x%02x", c);
    }
  return g_string_free (out, FALSE);
}

static gboolean
diagnose_not_tls (Diagnosis *d)
{
  const MutualProbeEvidence *e = d->evidence;
  const char *what = NULL;
  const char *id;
  g_autofree char *first = NULL;
  MutualFinding *f;
  MutualProtocol protocol = mutual_probe_get_protocol (d->probe);

  if (e->preamble_failed)
    {
      const char *greeting = e->server_greeting;

      if (e->starttls_refused)
        {
          f = add (d, "starttls-refused", MUTUAL_FINDING_ERROR, TRUE,
                   g_strdup_printf (_("The %s server does not offer TLS"), mutual_protocol_to_string (protocol)),
                   g_strdup_printf (_("The server speaks %s but refused to switch to TLS, so no certificate can "
                                      "be checked here."), mutual_protocol_to_string (protocol)),
                   _("Enable TLS on the server, or use the port where it offers TLS from the start."));
        }
      else
        {
          f = add (d, "preamble-failed", MUTUAL_FINDING_ERROR, FALSE,
                   g_strdup_printf (_("The server did not answer as a %s server"), mutual_protocol_to_string (protocol)),
                   g_strdup_printf (_("Before TLS, the exchange failed: %s. The service on this port may speak "
                                      "another protocol."), e->preamble_error ? e->preamble_error : "?"),
                   _("Check the port and the protocol chosen for the probe."));
        }
      if (greeting != NULL)
        evidence (f, _("The server said: %s"), greeting);
      return TRUE;
    }

  if (!e->handshake_started || e->handshake_done)
    return FALSE;

  id = recognise_plaintext (e->first_bytes, &what);
  if (id == NULL)
    return FALSE;

  first = printable (e->first_bytes);
  f = add (d, id, MUTUAL_FINDING_ERROR, TRUE,
           g_strdup (_("This is not a TLS service")),
           g_strdup_printf (_("Port %u answered the TLS ClientHello with text, as %s does: it does not speak TLS "
                              "from the first byte."), mutual_probe_get_port (d->probe), what),
           g_str_equal (id, "needs-starttls")
           ? _("If the service offers STARTTLS, probe with the matching protocol (smtp, imap, pop3, ftp); "
               "otherwise use its TLS port.")
           : _("Use the port where the service speaks TLS."));
  evidence (f, _("First bytes received: %s"), first);
  return TRUE;
}

/* The client identity */

/* A message as a sentence, ending with a full stop. */
static char *
sentence (const char *text)
{
  gsize length = strlen (text);

  if (length == 0 || strchr (".!?", text[length - 1]) != NULL)
    return g_strdup (text);
  return g_strconcat (text, ".", NULL);
}

static MutualCertificate *
leaf_of (Diagnosis *d)
{
  GPtrArray *chain = _mutual_probe_get_identity (d->probe);

  return chain != NULL && chain->len > 0 ? g_ptr_array_index (chain, 0) : NULL;
}

static char *
list_text (GPtrArray *strings)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < strings->len; i++)
    g_string_append_printf (text, "%s%s", i ? "; " : "", (char *) g_ptr_array_index (strings, i));
  return g_string_free (text, FALSE);
}

/* Whether any certificate of the chain sent was issued by, or is, a CA the server
 * listed. */
static gboolean
chain_matches_cas (Diagnosis *d)
{
  return d->evidence->identity_ca_listed == 1;
}

static char *
issuer_path (Diagnosis *d)
{
  GPtrArray *chain = _mutual_probe_get_identity (d->probe);
  GString *text = g_string_new (NULL);

  for (guint i = 0; chain != NULL && i < chain->len; i++)
    {
      MutualCertificate *certificate = g_ptr_array_index (chain, i);

      g_string_append_printf (text, "%s%s", i ? " ← " : "", mutual_certificate_get_subject (certificate));
      if (i + 1 == chain->len && !mutual_certificate_is_self_issued (certificate))
        g_string_append_printf (text, " ← %s", mutual_certificate_get_issuer (certificate));
    }
  return g_string_free (text, FALSE);
}

/* Signature algorithm names GnuTLS prints (RSA-SHA256, ECDSA-SECP256R1-SHA256,
 * RSA-PSS-RSAE-SHA256, EdDSA-Ed25519...) that a key of this type can produce. */
static gboolean
key_type_requested (Diagnosis         *d,
                    MutualCertificate *leaf)
{
  const MutualProbeEvidence *e = d->evidence;
  const char *type = mutual_certificate_get_key_type (leaf);

  if (e->requested_signatures->len == 0)
    return TRUE;
  for (guint i = 0; i < e->requested_signatures->len; i++)
    {
      const char *name = g_ptr_array_index (e->requested_signatures, i);

      if (g_str_has_prefix (type, "RSA") && g_str_has_prefix (name, "RSA"))
        return TRUE;
      if (g_str_has_prefix (type, "ECDSA") && g_str_has_prefix (name, "ECDSA"))
        {
          /* TLS 1.3 ties the curve to the hash: ECDSA-SECP256R1-SHA256 for P-256. */
          if (strstr (name, "SECP") == NULL ||
              (strstr (type, "P-256") && strstr (name, "SECP256R1")) ||
              (strstr (type, "P-384") && strstr (name, "SECP384R1")) ||
              (strstr (type, "P-521") && strstr (name, "SECP521R1")))
            return TRUE;
        }
      if (g_str_equal (type, "Ed25519") && strstr (name, "Ed25519"))
        return TRUE;
      if (g_str_equal (type, "Ed448") && strstr (name, "Ed448"))
        return TRUE;
    }
  return FALSE;
}

static void
add_request_evidence (Diagnosis     *d,
                      MutualFinding *f)
{
  const MutualProbeEvidence *e = d->evidence;
  g_autofree char *cas = list_text (e->acceptable_cas);

  if (e->certificate_requested)
    evidence (f, _("The server asked for a client certificate; acceptable CAs: %s"),
              e->acceptable_cas->len ? cas : _("(none named)"));
  if (e->alert_received >= 0)
    evidence (f, _("Alert during the handshake: %s (%d)"), gnutls_alert_get_name (e->alert_received),
              e->alert_received);
  if (e->post_alert >= 0)
    evidence (f, _("Alert after the handshake: %s (%d)"), gnutls_alert_get_name (e->post_alert), e->post_alert);
  if (e->http_status_line != NULL)
    evidence (f, _("HTTP answer: %s — %s"), e->http_status_line, e->http_body_line ? e->http_body_line : "");
  if (e->mqtt_return_code >= 0)
    evidence (f, _("MQTT CONNACK return code %d"), e->mqtt_return_code);
  if (e->sql_state != NULL)
    evidence (f, _("Database error %s: %s"), e->sql_state, e->sql_message ? e->sql_message : "");
}

/* The server refused the client: find out why from what it asked for and what the
 * identity is. @how says where the refusal showed. */
static void
diagnose_client_refusal (Diagnosis  *d,
                         const char *how)
{
  const MutualProbeEvidence *e = d->evidence;
  MutualCertificate *leaf = leaf_of (d);
  MutualPrivateKey *key = _mutual_probe_get_key (d->probe);
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GPtrArray) rest = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *host = mutual_probe_get_host (d->probe);
  MutualFinding *f;
  gboolean found = FALSE;

  if (leaf == NULL || !e->certificate_sent)
    {
      f = add (d, "client-certificate-missing", MUTUAL_FINDING_ERROR, TRUE,
               g_strdup_printf (_("%s requires a client certificate and none was sent"), host),
               g_strdup_printf (_("The server asked for a client certificate and refused the connection without "
                                  "one (%s)."), how),
               leaf == NULL ? _("Choose an identity for this server: one from the keyring, or a certificate and its key.")
                            : _("The identity was not sent: check that its certificate and key are given."));
      add_request_evidence (d, f);
      return;
    }

  /* The identity's own faults, as the lint sees them for client use. */
  rest = g_ptr_array_new ();
  for (guint i = 1; i < _mutual_probe_get_identity (d->probe)->len; i++)
    g_ptr_array_add (rest, g_ptr_array_index (_mutual_probe_get_identity (d->probe), i));
  problems = mutual_lint_client_identity (leaf, key, rest, NULL, now, NULL);
  for (guint i = 0; i < problems->len; i++)
    {
      MutualProblem *problem = g_ptr_array_index (problems, i);
      const char *id = NULL;
      const char *remedy = NULL;
      g_autofree char *title = NULL;
      g_autofree char *message = NULL;
      gboolean certain = TRUE;

      if (mutual_problem_get_severity (problem) != MUTUAL_SEVERITY_ERROR || mutual_problem_get_link (problem) != 0)
        continue;

      switch (mutual_problem_get_kind (problem))
        {
        case MUTUAL_PROBLEM_EXPIRED:
          id = "client-certificate-expired";
          title = g_strdup_printf (_("The client certificate %s has expired"), mutual_certificate_get_subject_name (leaf));
          remedy = _("Renew the certificate, or use a current identity.");
          break;
        case MUTUAL_PROBLEM_NOT_YET_VALID:
          {
            const MutualValidity *validity = mutual_certificate_get_validity (leaf);

            id = "client-certificate-not-yet-valid";
            title = g_strdup_printf (_("The client certificate %s is not valid yet"), mutual_certificate_get_subject_name (leaf));
            /* Minutes off is a clock, not a certificate. */
            remedy = validity->not_before - now < 600
                     ? _("The certificate starts in a few minutes: the clock of this machine, of the CA or of the "
                         "server is probably off. Check their time synchronisation.")
                     : _("Wait until the certificate becomes valid, or ask the CA why it starts in the future.");
          }
          break;
        case MUTUAL_PROBLEM_WRONG_PURPOSE:
          id = "client-certificate-wrong-purpose";
          title = g_strdup_printf (_("The client certificate %s is not meant for TLS clients"),
                                   mutual_certificate_get_subject_name (leaf));
          remedy = _("Ask the CA for a certificate with the clientAuth extended key usage.");
          break;
        case MUTUAL_PROBLEM_KEY_USAGE:
          id = "client-certificate-key-usage";
          title = g_strdup_printf (_("The client certificate %s may not sign"), mutual_certificate_get_subject_name (leaf));
          remedy = _("Ask the CA for a certificate whose key usage includes digitalSignature.");
          break;
        case MUTUAL_PROBLEM_KEY_MISMATCH:
          id = "key-mismatch";
          title = g_strdup (_("The private key does not belong to the client certificate"));
          remedy = _("Use the key that was generated with this certificate's request.");
          break;
        case MUTUAL_PROBLEM_MISSING_ISSUER:
        case MUTUAL_PROBLEM_UNTRUSTED_ROOT:
        case MUTUAL_PROBLEM_BAD_SIGNATURE:
        case MUTUAL_PROBLEM_NOT_A_CA:
        case MUTUAL_PROBLEM_NAME_CONSTRAINTS:
        case MUTUAL_PROBLEM_NO_KEY:
        case MUTUAL_PROBLEM_WEAK_KEY:
        case MUTUAL_PROBLEM_INSECURE_SIGNATURE:
        case MUTUAL_PROBLEM_CA_AS_CLIENT:
        case MUTUAL_PROBLEM_OTHER:
        default:
          certain = FALSE;
          break;
        }
      if (id == NULL || !certain)
        continue;

      f = add (d, id, MUTUAL_FINDING_ERROR, TRUE, g_steal_pointer (&title),
               g_strdup_printf (_("%s The server refused it (%s)."),
                                (message = sentence (mutual_problem_get_message (problem))), how),
               remedy);
      g_clear_pointer (&message, g_free);
      add_request_evidence (d, f);
      found = TRUE;
    }
  if (found)
    return;

  if (!key_type_requested (d, leaf))
    {
      g_autofree char *algorithms = list_text (e->requested_signatures);

      f = add (d, "key-type-not-accepted", MUTUAL_FINDING_ERROR, FALSE,
               g_strdup_printf (_("The server does not accept %s client keys"), mutual_certificate_get_key_type (leaf)),
               g_strdup_printf (_("The server listed the signature algorithms it accepts from clients, and none fits "
                                  "the identity's %s key; it refused the connection (%s)."),
                                mutual_certificate_get_key_type (leaf), how),
               _("Use an identity with a key type the server accepts, or widen the server's signature algorithms."));
      evidence (f, _("Signature algorithms the server accepts: %s"), algorithms);
      add_request_evidence (d, f);
      return;
    }

  if (e->acceptable_cas->len > 0 && !chain_matches_cas (d))
    {
      g_autofree char *cas = list_text (e->acceptable_cas);
      g_autofree char *path = issuer_path (d);
      GPtrArray *chain = _mutual_probe_get_identity (d->probe);
      gboolean lone = chain->len == 1 && !mutual_certificate_is_self_issued (leaf);

      if (lone)
        {
          /* Only the leaf was sent and the server lists other CAs: most often the list
           * names the root, and the intermediate that links to it was not sent. */
          f = add (d, "client-chain-incomplete", MUTUAL_FINDING_ERROR, FALSE,
                   g_strdup_printf (_("The client certificate was sent without its intermediate CA")),
                   g_strdup_printf (_("Only %s was sent. Its issuer, %s, is not among the CAs the server accepts "
                                      "(%s); if one of those is the root above %s, the intermediate certificate that "
                                      "links them is missing from what the client sends. The server refused the "
                                      "connection (%s)."),
                                    mutual_certificate_get_subject (leaf), mutual_certificate_get_issuer (leaf), cas,
                                    mutual_certificate_get_issuer (leaf), how),
                   _("Add the intermediate certificate to the identity (import it with the certificate), or, if "
                     "the issuer is unrelated to the listed CAs, use an identity from one of them."));
        }
      else
        {
          f = add (d, "client-ca-not-accepted", MUTUAL_FINDING_ERROR, TRUE,
                   g_strdup_printf (_("The server does not accept certificates from %s"),
                                    mutual_certificate_get_issuer_name (leaf)),
                   g_strdup_printf (_("The server only accepts client certificates issued by %s; the identity chains "
                                      "%s. It refused the connection (%s)."), cas, path, how),
                   _("Use an identity issued by one of the CAs the server lists, or add this identity's CA to the "
                     "server's client CA file."));
        }
      evidence (f, _("Chain sent: %s"), path);
      add_request_evidence (d, f);
      return;
    }

  /* No list to compare with (mosquitto and other OpenSSL servers that load their CA
   * file without naming it), but the server said "unknown CA": it could not build a
   * path from what was sent to one of its anchors. A chain that ends at its own root
   * is from a CA the server does not trust; one that ends below a root may only lack
   * the intermediate that links it, and the probe cannot tell which. */
  if (e->acceptable_cas->len == 0 &&
      (e->alert_received == GNUTLS_A_UNKNOWN_CA || e->post_alert == GNUTLS_A_UNKNOWN_CA))
    {
      GPtrArray *chain = _mutual_probe_get_identity (d->probe);
      MutualCertificate *top = g_ptr_array_index (chain, chain->len - 1);
      g_autofree char *path = issuer_path (d);

      if (mutual_certificate_is_self_issued (top))
        f = add (d, "client-ca-not-accepted", MUTUAL_FINDING_ERROR, TRUE,
                 g_strdup_printf (_("The server does not accept certificates from %s"),
                                  mutual_certificate_get_subject_name (top)),
                 g_strdup_printf (_("The identity chains %s, up to its root, and the server answered that "
                                    "the CA is unknown to it (%s): %s is not among its trusted CAs."),
                                  path, how, mutual_certificate_get_subject (top)),
                 _("Use an identity issued by a CA the server trusts, or add this identity's CA to the "
                   "server's client CA file."));
      else
        f = add (d, "client-chain-incomplete", MUTUAL_FINDING_ERROR, FALSE,
                 g_strdup (_("The server cannot link the client certificate to a CA it trusts")),
                 g_strdup_printf (_("The identity sent %s, which ends below a root, and the server answered that "
                                    "the CA is unknown to it (%s). Either the intermediate certificate that links "
                                    "%s to the server's CA is missing from what the client sends, or the server "
                                    "does not trust that CA at all."),
                                  path, how, mutual_certificate_get_issuer (top)),
                 _("Add the intermediate certificate to the identity (import it with the certificate), or "
                   "use an identity from a CA the server trusts."));
      evidence (f, _("Chain sent: %s"), path);
      add_request_evidence (d, f);
      return;
    }

  if (e->alert_received == GNUTLS_A_CERTIFICATE_REVOKED || e->post_alert == GNUTLS_A_CERTIFICATE_REVOKED)
    {
      f = add (d, "client-certificate-revoked", MUTUAL_FINDING_ERROR, TRUE,
               g_strdup_printf (_("The server says the client certificate %s is revoked"),
                                mutual_certificate_get_subject_name (leaf)),
               g_strdup_printf (_("The server checked revocation (a CRL or OCSP) and found the certificate revoked "
                                  "(%s)."), how),
               _("Get a new certificate from the CA."));
      add_request_evidence (d, f);
      return;
    }

  {
    g_autofree char *path = issuer_path (d);

    f = add (d, "client-certificate-rejected", MUTUAL_FINDING_ERROR, FALSE,
             g_strdup_printf (_("The server refused the client certificate %s"), mutual_certificate_get_subject_name (leaf)),
             g_strdup_printf (_("The server refused the connection (%s) after receiving the identity, which looks "
                                "sound: its issuer is %s. The server may not trust that CA (its list of acceptable "
                                "CAs does not always tell), check revocation, or restrict the names it accepts. "
                                "The server's logs will say which."),
                              how, mutual_certificate_get_issuer (leaf)),
             _("Compare the server's client CA file with the identity's chain, and read the server's log."));
    evidence (f, _("Chain sent: %s"), path);
    add_request_evidence (d, f);
  }
}

static gboolean
is_certificate_alert (int alert)
{
  switch (alert)
    {
    case GNUTLS_A_BAD_CERTIFICATE:
    case GNUTLS_A_UNSUPPORTED_CERTIFICATE:
    case GNUTLS_A_CERTIFICATE_REVOKED:
    case GNUTLS_A_CERTIFICATE_EXPIRED:
    case GNUTLS_A_CERTIFICATE_UNKNOWN:
    case GNUTLS_A_UNKNOWN_CA:
    case GNUTLS_A_ACCESS_DENIED:
    case GNUTLS_A_DECRYPT_ERROR:
    case GNUTLS_A_HANDSHAKE_FAILURE:
    case GNUTLS_A_CERTIFICATE_REQUIRED:
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
diagnose_handshake (Diagnosis *d)
{
  const MutualProbeEvidence *e = d->evidence;
  MutualFinding *f;

  if (!e->handshake_started || e->handshake_done)
    return FALSE;

  if (e->timed_out)
    {
      f = add (d, "tls-silent", MUTUAL_FINDING_ERROR, FALSE,
               g_strdup (_("The server did not finish the TLS handshake")),
               g_strdup (_("The TCP connection was accepted but the handshake got no (complete) answer in time: the "
                           "service may expect another protocol first, trickle data, or be overloaded.")),
               _("Check that this port speaks TLS, and try again with a longer timeout."));
      add_request_evidence (d, f);
      return TRUE;
    }

  /* Once it has asked for a certificate, an alert from the server answers the
   * client's flight, which carried the certificate. Libraries differ in which alert
   * they send for the same fault (GnuTLS sends internal_error for a key usage it
   * refuses, OpenSSL unknown_ca or bad_certificate), so the alert number alone
   * decides nothing: the refusal analysis weighs the identity against the request. */
  if (e->alert_received >= 0 && e->certificate_requested && e->alert_received != GNUTLS_A_PROTOCOL_VERSION)
    {
      g_autofree char *how = g_strdup_printf (_("alert %s during the handshake"),
                                              gnutls_alert_get_name (e->alert_received));

      diagnose_client_refusal (d, how);
      return TRUE;
    }

  if (e->alert_received == GNUTLS_A_PROTOCOL_VERSION || e->handshake_error == GNUTLS_E_UNSUPPORTED_VERSION_PACKET ||
      (e->alert_received == GNUTLS_A_HANDSHAKE_FAILURE && !e->certificate_requested) ||
      e->handshake_error == GNUTLS_E_NO_CIPHER_SUITES || e->handshake_error == GNUTLS_E_INSUFFICIENT_SECURITY)
    {
      gboolean version = e->alert_received == GNUTLS_A_PROTOCOL_VERSION ||
                         e->handshake_error == GNUTLS_E_UNSUPPORTED_VERSION_PACKET;

      f = add (d, version ? "no-common-version" : "no-common-cipher", MUTUAL_FINDING_ERROR,
               e->alert_received != GNUTLS_A_HANDSHAKE_FAILURE,
               g_strdup (version ? _("The server and Mutual share no TLS version")
                                 : _("The server and Mutual share no cipher suite or group")),
               g_strdup (version ? _("The server refused every TLS version offered.")
                                 : _("The server refused the handshake before asking for a certificate: most often no "
                                     "cipher suite, key exchange group or signature algorithm is acceptable to both.")),
               _("Allow TLS 1.2 or 1.3 on the server (or let the probe offer both versions), and modern cipher suites."));
      evidence (f, _("Handshake error: %s"), e->handshake_error_text);
      add_request_evidence (d, f);
      return TRUE;
    }

  if (e->handshake_too_large)
    {
      f = add (d, "handshake-too-large", MUTUAL_FINDING_ERROR, TRUE,
               g_strdup (_("The server sent far too much during the handshake")),
               g_strdup_printf (_("The server sent over %" G_GUINT64_FORMAT " KiB before the handshake completed; "
                                  "real handshakes, even with long certificate chains and CA lists, send a few "
                                  "dozen. The probe stopped reading: this is not a TLS server that behaves, or "
                                  "it sends an absurd certificate chain."), e->handshake_bytes / 1024),
               _("Check the server's certificate chain and CA list, and that this port speaks TLS."));
      evidence (f, _("Bytes received during the handshake: %" G_GUINT64_FORMAT), e->handshake_bytes);
      add_request_evidence (d, f);
      return TRUE;
    }

  if (e->peer_closed && e->certificate_requested)
    {
      diagnose_client_refusal (d, _("the server closed the connection during the handshake"));
      return TRUE;
    }

  f = add (d, "handshake-failed", MUTUAL_FINDING_ERROR, FALSE,
           g_strdup (_("The TLS handshake failed")),
           g_strdup_printf (_("GnuTLS reports: %s. The evidence does not point to one cause."),
                            e->handshake_error_text ? e->handshake_error_text : "?"),
           _("Compare with the server's log for the same moment."));
  add_request_evidence (d, f);
  return TRUE;
}

static void
diagnose_server (Diagnosis *d)
{
  const MutualProbeEvidence *e = d->evidence;
  GPtrArray *problems;
  MutualFinding *f;

  if (e->server_verification == NULL)
    return;

  problems = mutual_chain_get_problems (e->server_verification);
  for (guint i = 0; i < problems->len; i++)
    {
      MutualProblem *problem = g_ptr_array_index (problems, i);
      const char *id;
      const char *remedy;

      if (mutual_problem_get_severity (problem) != MUTUAL_SEVERITY_ERROR)
        continue;
      switch (mutual_problem_get_kind (problem))
        {
        case MUTUAL_PROBLEM_UNTRUSTED_ROOT:
          id = "server-untrusted";
          remedy = _("If this CA is yours, give it to the probe as the CA to trust (or add it to the trust store); otherwise do not "
                     "trust this server.");
          break;
        case MUTUAL_PROBLEM_MISSING_ISSUER:
          id = "server-chain-incomplete";
          remedy = _("Configure the server to send its intermediate certificates with its own.");
          break;
        case MUTUAL_PROBLEM_EXPIRED:
          id = "server-certificate-expired";
          remedy = _("Renew the server's certificate.");
          break;
        case MUTUAL_PROBLEM_NOT_YET_VALID:
          id = "server-certificate-not-yet-valid";
          remedy = _("Check the clocks of this machine and of the server's CA.");
          break;
        case MUTUAL_PROBLEM_BAD_SIGNATURE:
        case MUTUAL_PROBLEM_NOT_A_CA:
        case MUTUAL_PROBLEM_WRONG_PURPOSE:
        case MUTUAL_PROBLEM_KEY_USAGE:
        case MUTUAL_PROBLEM_NAME_CONSTRAINTS:
        case MUTUAL_PROBLEM_KEY_MISMATCH:
        case MUTUAL_PROBLEM_NO_KEY:
        case MUTUAL_PROBLEM_WEAK_KEY:
        case MUTUAL_PROBLEM_INSECURE_SIGNATURE:
        case MUTUAL_PROBLEM_CA_AS_CLIENT:
        case MUTUAL_PROBLEM_OTHER:
        default:
          id = "server-certificate-invalid";
          remedy = _("Fix the server's certificate.");
          break;
        }
      if (mutual_problem_get_kind (problem) == MUTUAL_PROBLEM_MISSING_ISSUER && e->server_chain->len == 1)
        {
          MutualCertificate *leaf = g_ptr_array_index (e->server_chain, 0);

          /* A lone certificate whose issuer nobody here knows: a left-out intermediate
           * and an unknown CA look the same from the client. */
          f = add (d, id, MUTUAL_FINDING_ERROR, FALSE,
                   g_strdup_printf (_("The server's certificate is not trusted: its issuer %s is unknown here"),
                                    mutual_certificate_get_issuer_name (leaf)),
                   g_strdup_printf (_("The server sent only its own certificate, issued by %s, which is not among the "
                                      "trusted CAs. Either the server leaves out an intermediate certificate, or %s "
                                      "is a CA this machine does not trust. A client that verifies the server, as "
                                      "it should, refuses this connection."),
                                    mutual_certificate_get_issuer (leaf), mutual_certificate_get_issuer_name (leaf)),
                   _("If the issuer is an intermediate, configure the server to send it with its certificate; if it "
                     "is your own CA, give it to the probe as the CA to trust."));
        }
      else
        {
          g_autofree char *message = sentence (mutual_problem_get_message (problem));

          f = add (d, id, MUTUAL_FINDING_ERROR, TRUE,
                   g_strdup_printf (_("The server's certificate is not trusted: %s"),
                                    mutual_problem_kind_to_string (mutual_problem_get_kind (problem))),
                   g_strdup_printf (_("%s A client that verifies the server, as it should, refuses this connection."),
                                    message),
                   remedy);
        }
      {
        g_autofree char *path = mutual_chain_describe (e->server_verification);

        evidence (f, _("Server chain: %s"), path);
      }
    }

  if (e->must_staple && !e->ocsp_stapled)
    {
      MutualCertificate *leaf = g_ptr_array_index (e->server_chain, 0);

      f = add (d, "server-staple-missing", MUTUAL_FINDING_ERROR, TRUE,
               g_strdup (_("The server's certificate requires an OCSP staple, and the server sent none")),
               g_strdup_printf (_("The certificate of %s carries the OCSP Must-Staple feature (RFC 7633): clients "
                                  "that honour it, such as GnuTLS and Firefox, refuse the connection without a "
                                  "stapled OCSP response."), mutual_certificate_get_subject_name (leaf)),
               _("Enable OCSP stapling on the server (nginx “ssl_stapling on”), or reissue the certificate "
                 "without Must-Staple."));
      evidence (f, _("TLS feature: status_request; OCSP response stapled: no"));
    }

  if (e->hostname_mismatch)
    {
      MutualCertificate *leaf = g_ptr_array_index (e->server_chain, 0);
      g_auto(GStrv) names = mutual_certificate_get_dns_names (leaf);
      g_autofree char *joined = g_strjoinv (", ", names);

      f = add (d, "server-name-mismatch", MUTUAL_FINDING_ERROR, TRUE,
               g_strdup_printf (_("The server's certificate is not issued for %s"), e->verified_name),
               g_strdup_printf (_("The certificate of %s names %s, not %s: a verifying client refuses it."),
                                mutual_certificate_get_subject_name (leaf), joined[0] ? joined : _("no DNS name"),
                                e->verified_name),
               _("Connect with a name the certificate holds (or set the server name, SNI, the probe sends), or reissue the certificate with "
                 "this name."));
      evidence (f, _("Name checked: %s"), e->verified_name);
    }
}

static void
diagnose_application (Diagnosis *d)
{
  const MutualProbeEvidence *e = d->evidence;
  MutualFinding *f;
  const char *host = mutual_probe_get_host (d->probe);

  if (!e->handshake_done)
    return;

  if (e->post_alert >= 0)
    {
      g_autofree char *how = g_strdup_printf (_("alert %s after the handshake, as TLS 1.3 servers do"),
                                              gnutls_alert_get_name (e->post_alert));

      /* In TLS 1.3 the server judges the client's certificate after the client's
       * handshake completed; until a session ticket shows it took the client's
       * Finished, an alert is that judgement, whatever its number. */
      if (e->certificate_requested && (is_certificate_alert (e->post_alert) || !e->ticket_after_handshake))
        diagnose_client_refusal (d, how);
      else
        {
          f = add (d, "alert-after-handshake", MUTUAL_FINDING_ERROR, FALSE,
                   g_strdup_printf (_("The server ended the connection with the alert %s"),
                                    gnutls_alert_get_name (e->post_alert)),
                   g_strdup (_("The handshake completed, then the server sent an alert.")),
                   _("Read the server's log for this connection."));
          add_request_evidence (d, f);
        }
      return;
    }

  if (e->http_status == 400 && e->http_body_line != NULL &&
      (strstr (e->http_body_line, "No required SSL certificate") != NULL ||
       strstr (e->http_body_line, "SSL certificate error") != NULL ||
       strstr (e->http_body_line, "certificate") != NULL))
    {
      g_autofree char *how = g_strdup_printf (_("HTTP 400 “%s” after a successful handshake, as nginx does"),
                                              e->http_body_line);

      diagnose_client_refusal (d, how);
      return;
    }

  if (e->http_status == 401 || e->http_status == 403)
    {
      f = add (d, "http-refused", MUTUAL_FINDING_ERROR, TRUE,
               g_strdup_printf (_("%s accepted the TLS connection but refused the request (%d)"), host, e->http_status),
               g_strdup (_("TLS and the client certificate were fine; the web application or its access rules "
                           "refused this identity.")),
               _("Check the application's access rules for this certificate's subject."));
      add_request_evidence (d, f);
      return;
    }

  if (e->mqtt_return_code > 0)
    {
      const char *meaning = e->mqtt_return_code == 5 ? _("not authorized")
                            : e->mqtt_return_code == 4 ? _("bad user name or password")
                            : e->mqtt_return_code == 2 ? _("identifier rejected")
                            : e->mqtt_return_code == 3 ? _("server unavailable")
                            : _("refused");

      f = add (d, "mqtt-refused", MUTUAL_FINDING_ERROR, TRUE,
               g_strdup_printf (_("The MQTT broker refused the client: %s"), meaning),
               g_strdup_printf (_("TLS succeeded; the broker answered CONNECT with return code %d (%s). With "
                                  "use_identity_as_username, the certificate's common name is the user name its "
                                  "access rules see."), e->mqtt_return_code, meaning),
               _("Check the broker's ACL and password file for this certificate's common name."));
      add_request_evidence (d, f);
      return;
    }

  /* PostgreSQL turns a client without a certificate away only after the handshake,
   * with FATAL 28000 "connection requires a valid client certificate". */
  if (e->sql_state != NULL && g_str_equal (e->sql_state, "28000") && e->certificate_requested &&
      !e->certificate_sent && e->sql_message != NULL && strstr (e->sql_message, "certificate") != NULL)
    {
      g_autofree char *how = g_strdup_printf (_("“%s” after a successful handshake"), e->sql_message);

      diagnose_client_refusal (d, how);
      return;
    }

  if (e->sql_state != NULL)
    {
      f = add (d, mutual_probe_get_protocol (d->probe) == MUTUAL_PROTOCOL_MYSQL ? "mysql-refused" : "postgres-refused",
               MUTUAL_FINDING_ERROR, TRUE,
               g_strdup_printf (_("The database refused the login: %s"), e->sql_message ? e->sql_message : e->sql_state),
               g_strdup_printf (_("TLS succeeded; the database then refused the login (SQLSTATE %s). With certificate "
                                  "authentication, the user logged in as must match the certificate's common name "
                                  "(or a mapping)."), e->sql_state),
               _("Check pg_hba.conf (or the user's REQUIRE clause) and that the user name matches the certificate."));
      add_request_evidence (d, f);
      return;
    }

  if (e->application_done && e->http_status >= 400)
    {
      f = add (d, "http-error", MUTUAL_FINDING_WARNING, TRUE,
               g_strdup_printf (_("The server answered %s"), e->http_status_line),
               g_strdup (_("TLS succeeded; the HTTP request to / failed for reasons of its own.")), NULL);
      add_request_evidence (d, f);
    }
}

/* What this server let pass and stricter ones refuse: OpenSSL-based servers (nginx,
 * mosquitto, PostgreSQL) check the extended key usage; GnuTLS's do not by default. */
static void
warn_accepted_identity (Diagnosis         *d,
                        MutualCertificate *leaf)
{
  g_autoptr(GPtrArray) problems = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  problems = mutual_lint_client_identity (leaf, NULL, NULL, NULL, now, NULL);
  for (guint i = 0; i < problems->len; i++)
    {
      MutualProblem *problem = g_ptr_array_index (problems, i);
      g_autofree char *message = NULL;
      const char *remedy;
      const char *id;

      if (mutual_problem_get_link (problem) != 0)
        continue;
      switch (mutual_problem_get_kind (problem))
        {
        case MUTUAL_PROBLEM_WRONG_PURPOSE:
          id = "client-certificate-wrong-purpose";
          remedy = _("Ask the CA for a certificate with the clientAuth extended key usage.");
          break;
        case MUTUAL_PROBLEM_KEY_USAGE:
          id = "client-certificate-key-usage";
          remedy = _("Ask the CA for a certificate whose key usage includes digitalSignature.");
          break;
        case MUTUAL_PROBLEM_EXPIRED:
        case MUTUAL_PROBLEM_NOT_YET_VALID:
        case MUTUAL_PROBLEM_KEY_MISMATCH:
        case MUTUAL_PROBLEM_MISSING_ISSUER:
        case MUTUAL_PROBLEM_UNTRUSTED_ROOT:
        case MUTUAL_PROBLEM_BAD_SIGNATURE:
        case MUTUAL_PROBLEM_NOT_A_CA:
        case MUTUAL_PROBLEM_NAME_CONSTRAINTS:
        case MUTUAL_PROBLEM_NO_KEY:
        case MUTUAL_PROBLEM_WEAK_KEY:
        case MUTUAL_PROBLEM_INSECURE_SIGNATURE:
        case MUTUAL_PROBLEM_CA_AS_CLIENT:
        case MUTUAL_PROBLEM_OTHER:
        default:
          continue;
        }
      message = sentence (mutual_problem_get_message (problem));
      add (d, id, MUTUAL_FINDING_WARNING, TRUE,
           g_strdup_printf (_("This server accepted %s, but stricter servers will refuse it"),
                            mutual_certificate_get_subject_name (leaf)),
           g_strdup_printf (_("%s This server does not check that; servers built on OpenSSL (nginx, "
                              "mosquitto, PostgreSQL) do."), message),
           remedy);
    }
}

static void
diagnose_success (Diagnosis *d)
{
  const MutualProbeEvidence *e = d->evidence;
  MutualCertificate *leaf = leaf_of (d);
  MutualFinding *f;

  if (!e->handshake_done || has_error (d))
    return;

  if (e->certificate_requested && leaf != NULL && e->certificate_sent)
    {
      f = add (d, "client-accepted", MUTUAL_FINDING_INFO, TRUE,
               g_strdup_printf (_("The server accepted the client certificate %s"), mutual_certificate_get_subject_name (leaf)),
               g_strdup_printf (_("Mutual TLS works: %s, %s, with %s issued by %s."), e->version, e->cipher,
                                mutual_certificate_get_subject_name (leaf), mutual_certificate_get_issuer_name (leaf)),
               NULL);
      add_request_evidence (d, f);
      warn_accepted_identity (d, leaf);
      if (e->acceptable_cas->len > 0 && !chain_matches_cas (d))
        {
          g_autofree char *cas = list_text (e->acceptable_cas);

          f = add (d, "client-ca-not-listed", MUTUAL_FINDING_WARNING, TRUE,
                   g_strdup (_("The server accepted a certificate from a CA it does not list")),
                   g_strdup_printf (_("The server lists %s, not %s. Clients that pick a certificate by that list (as "
                                      "OpenSSL and GnuTLS do with files) will send none."), cas,
                                    mutual_certificate_get_issuer (leaf)),
                   _("Add the identity's CA to the list the server sends."));
        }
    }
  else if (e->certificate_requested)
    {
      add (d, "client-certificate-optional", MUTUAL_FINDING_INFO, TRUE,
           g_strdup (_("The server asked for a client certificate but accepted the connection without one")),
           g_strdup (_("Client authentication is optional on this server: it may decide later, in the application.")),
           NULL);
    }
  else
    {
      add (d, "no-client-authentication", MUTUAL_FINDING_INFO, TRUE,
           g_strdup (_("The server did not ask for a client certificate")),
           g_strdup_printf (_("TLS works (%s, %s), but this server does not use mutual TLS."), e->version, e->cipher),
           leaf != NULL ? _("If it should, enable client certificate verification on the server.") : NULL);
    }
}

/* The second connection, with a self-signed certificate nobody issued. */
static void
diagnose_untrusted_check (Diagnosis *d)
{
  const MutualProbeEvidence *e = d->evidence;
  MutualFinding *f;

  if (!e->any_certificate_checked)
    return;

  if (e->any_certificate_accepted)
    {
      f = add (d, "server-accepts-any-certificate", MUTUAL_FINDING_ERROR, TRUE,
               g_strdup_printf (_("%s:%u accepts any client certificate"), mutual_probe_get_host (d->probe),
                                mutual_probe_get_port (d->probe)),
               g_strdup_printf (_("The server asked for a client certificate and completed the connection "
                                  "with %s, a self-signed certificate made for this check that no CA issued. "
                                  "Its client authentication proves nothing about who connects."),
                                e->any_certificate_subject),
               _("Make the server verify client certificates against your CA: nginx "
                 "“ssl_verify_client on” with “ssl_client_certificate”; mosquitto "
                 "“require_certificate true” with “cafile”; PostgreSQL “ssl_ca_file” with "
                 "“clientcert=verify-full”; OpenSSL servers SSL_VERIFY_PEER with a CA store."));
      evidence (f, _("Certificate presented: %s"), e->any_certificate_subject);
      evidence (f, _("The server %s"), e->any_certificate_answer);
    }
  else
    {
      f = add (d, "server-rejects-untrusted-certificate", MUTUAL_FINDING_INFO, TRUE,
               g_strdup (_("The server refused a certificate no trusted CA issued")),
               g_strdup_printf (_("Presented %s, a self-signed certificate made for this check, the server %s. "
                                  "It verifies client certificates."), e->any_certificate_subject,
                                e->any_certificate_answer),
               NULL);
    }
}

/* GLib's sort is stable (since 2.32): findings of one severity keep the rules' order. */
static int
compare_severity (gconstpointer a,
                  gconstpointer b)
{
  MutualFinding *fa = *(MutualFinding **) a;
  MutualFinding *fb = *(MutualFinding **) b;

  return (int) mutual_finding_get_severity (fa) - (int) mutual_finding_get_severity (fb);
}

/**
 * _mutual_diagnose:
 *
 * Returns: (transfer container) (element-type MutualFinding): the findings, the
 *   primary one first
 */
GPtrArray *
_mutual_diagnose (MutualProbe *probe)
{
  Diagnosis d = { probe, _mutual_probe_get_evidence (probe), g_ptr_array_new_with_free_func (g_object_unref), NULL };

  if (diagnose_reachability (&d))
    return d.findings;
  if (diagnose_not_tls (&d))
    return d.findings;
  if (!diagnose_handshake (&d))
    {
      diagnose_application (&d);
      diagnose_success (&d);
      diagnose_server (&d);
    }
  diagnose_untrusted_check (&d);
  /* The primary finding first: errors, then warnings, then notes, each in the order
   * the rules found them. */
  g_ptr_array_sort (d.findings, compare_severity);
  if (d.findings->len == 0 && d.evidence->timed_out)
    add (&d, "timed-out", MUTUAL_FINDING_ERROR, FALSE, g_strdup (_("The server stopped answering")),
         g_strdup (_("A step of the probe got no answer in time.")), _("Try again with a longer timeout."));
  return d.findings;
}
