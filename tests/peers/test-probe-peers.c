/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The probe against real servers: every server of MutualPeer that requires client
 * certificates, in TLS 1.2 and in TLS 1.3, with a good identity and with each client
 * fault; the server-side faults once each; and the hostile peers, which must end
 * within the probe's timeout with a finding. Only the primary finding's id and the
 * outcome are asserted, never wording. README.md beside this file has the matrix.
 *
 * Each server starts once per TLS version and all of its probes run at once on one
 * main loop, as the probe is meant to be used. */

#define _GNU_SOURCE

#include <glib/gstdio.h>
#include <string.h>

#include "mutual-core.h"
#include "mutual-peer.h"

/* A probe's own limits, and how much later than its overall deadline it may end: the
 * no-hang property, not a performance figure. */
#define PROBE_STEP_MS 4000
#define PROBE_TOTAL_MS 10000
#define PROBE_MARGIN_MS 5000
/* Shorter limits for the hostile peers, which are meant to run into them. */
#define HOSTILE_STEP_MS 1500
#define HOSTILE_TOTAL_MS 4000
/* How much the hostile probes together may grow this process: about 1.3 MiB here. A
 * probe that buffers the huge chain's Certificate message (as GnuTLS alone does) grows
 * it by 5 to 13 MiB. */
#define HOSTILE_MAX_GROWTH_KIB (4 * 1024)

typedef enum
{
  FAULT_NONE_GOOD,
  FAULT_NO_CERTIFICATE,
  FAULT_UNTRUSTED_CA,
  FAULT_MISSING_INTERMEDIATE,
  FAULT_EXPIRED,
  FAULT_NOT_YET_VALID,
  FAULT_WRONG_EKU,
  FAULT_KEY_MISMATCH,
  FAULT_REVOKED,
  N_FAULTS,
} ClientFault;

static const struct
{
  const char *name;
  const char *cert;          /* the leaf */
  gboolean with_intermediate;
  const char *key;
  const char *finding;       /* the primary finding that names the fault */
} faults[N_FAULTS] = {
  [FAULT_NONE_GOOD] = { "good", "client-p256.pem", TRUE, "client-p256.key",
    "client-accepted" },
  [FAULT_NO_CERTIFICATE] = { "no-certificate", NULL, FALSE, NULL,
    "client-certificate-missing" },
  [FAULT_UNTRUSTED_CA] = { "untrusted-ca", "foreign-client.pem", TRUE, "foreign-client.key",
    "client-ca-not-accepted" },
  [FAULT_MISSING_INTERMEDIATE] = { "missing-intermediate", "client-p256.pem", FALSE,
    "client-p256.key", "client-chain-incomplete" },
  [FAULT_EXPIRED] = { "expired", "expired.pem", TRUE, "expired.key",
    "client-certificate-expired" },
  [FAULT_NOT_YET_VALID] = { "not-yet-valid", "not-yet-valid.pem", TRUE, "not-yet-valid.key",
    "client-certificate-not-yet-valid" },
  [FAULT_WRONG_EKU] = { "wrong-eku", "wrong-eku.pem", TRUE, "wrong-eku.key",
    "client-certificate-wrong-purpose" },
  [FAULT_KEY_MISMATCH] = { "key-mismatch", "client-p256.pem", TRUE, "mismatched.key",
    "key-mismatch" },
  [FAULT_REVOKED] = { "revoked", "revoked.pem", TRUE, "revoked.key",
    "client-certificate-revoked" },
};

typedef struct
{
  MutualPeerKind kind;
  MutualPeerClientAuth auth;
  MutualProtocol protocol;
} ServerKind;

typedef struct
{
  const ServerKind *server;
  MutualPeerTlsVersions versions;
} ServerCase;

/* gnutls-serv is probed as raw TLS (the bounded read after the handshake), the others
 * with the protocol they speak. */
static const ServerKind server_kinds[] = {
  { MUTUAL_PEER_GNUTLS_SERV, MUTUAL_PEER_CLIENT_AUTH_REQUIRE, MUTUAL_PROTOCOL_TLS },
  { MUTUAL_PEER_OPENSSL_S_SERVER, MUTUAL_PEER_CLIENT_AUTH_REQUIRE, MUTUAL_PROTOCOL_HTTPS },
  { MUTUAL_PEER_NGINX, MUTUAL_PEER_CLIENT_AUTH_REQUIRE, MUTUAL_PROTOCOL_HTTPS },
  { MUTUAL_PEER_NGINX, MUTUAL_PEER_CLIENT_AUTH_REQUEST, MUTUAL_PROTOCOL_HTTPS },
  { MUTUAL_PEER_MOSQUITTO, MUTUAL_PEER_CLIENT_AUTH_REQUIRE, MUTUAL_PROTOCOL_MQTT },
  { MUTUAL_PEER_POSTGRESQL, MUTUAL_PEER_CLIENT_AUTH_REQUIRE, MUTUAL_PROTOCOL_POSTGRES },
};

typedef struct
{
  MutualProbeOutcome outcome;
  const char *finding;
} Expected;

typedef struct
{
  MutualProbe *probe;
  char *label;
  gint64 started;
  gint64 ended;
  gboolean done;
  gboolean ok;
  char *error;
} Run;

static struct
{
  char *fixtures;
  char *scratch;
  char *server_cert;
  char *server_key;
  char *plain_cert;
  char *plain_key;
  char *root;
  char *crl;
  char *ocsp_response;
  const char *client_cas[2];
} paths;
static MutualTrust *trust;
static GString *matrix;

static char *
fixture (const char *name)
{
  return g_build_filename (paths.fixtures, name, NULL);
}

static const char *
auth_name (MutualPeerClientAuth auth)
{
  return auth == MUTUAL_PEER_CLIENT_AUTH_REQUIRE ? "require" : "optional";
}

static const char *
versions_name (MutualPeerTlsVersions versions)
{
  return versions == MUTUAL_PEER_TLS_1_2_ONLY ? "TLSv1.2" : "TLSv1.3";
}

/* Identities ------------------------------------------------------------------------- */

static MutualBundle *
load (const char *name)
{
  g_autofree char *path = fixture (name);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = NULL;
  char *contents = NULL;
  gsize length = 0;
  MutualBundle *bundle;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  data = g_bytes_new_take (contents, length);
  bundle = mutual_import_bytes (data, name, NULL, &error);
  g_assert_no_error (error);
  return bundle;
}

static void
add_certificates (GPtrArray  *chain,
                  const char *name)
{
  g_autoptr(MutualBundle) bundle = load (name);
  GPtrArray *certificates = mutual_bundle_get_certificates (bundle);

  for (guint i = 0; i < certificates->len; i++)
    g_ptr_array_add (chain, g_object_ref (g_ptr_array_index (certificates, i)));
}

static MutualPrivateKey *
load_key (const char *name)
{
  g_autoptr(MutualBundle) bundle = load (name);
  GPtrArray *keys = mutual_bundle_get_keys (bundle);

  g_assert_cmpuint (keys->len, ==, 1);
  return g_object_ref (g_ptr_array_index (keys, 0));
}

static void
set_identity (MutualProbe *probe,
              ClientFault  fault)
{
  g_autoptr(GPtrArray) chain = NULL;
  g_autoptr(MutualPrivateKey) key = NULL;

  if (faults[fault].cert == NULL)
    return;
  chain = g_ptr_array_new_with_free_func (g_object_unref);
  add_certificates (chain, faults[fault].cert);
  /* The foreign identity comes with its own CA, as from a PKCS#12 file of another PKI:
   * a lone leaf from an unknown issuer could as well lack its intermediate. */
  if (faults[fault].with_intermediate)
    add_certificates (chain, fault == FAULT_UNTRUSTED_CA ? "foreign-ca.pem"
                                                         : "intermediate-ca.pem");
  key = load_key (faults[fault].key);
  mutual_probe_set_identity (probe, chain, key);
}

static MutualTrust *
trust_of (const char *name)
{
  g_autoptr(MutualBundle) bundle = load (name);
  g_autoptr(MutualTrust) result = mutual_trust_new ();
  g_autoptr(GError) error = NULL;

  mutual_trust_add_bundle (result, bundle, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&result);
}

/* Running probes ------------------------------------------------------------------------- */

static void
run_free (Run *run)
{
  g_clear_object (&run->probe);
  g_free (run->label);
  g_free (run->error);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

static Run *
run_new (const char     *host,
         guint16         port,
         MutualProtocol  protocol,
         const char     *label)
{
  Run *run = g_new0 (Run, 1);

  run->probe = mutual_probe_new (host, port);
  run->label = g_strdup (label);
  mutual_probe_set_protocol (run->probe, protocol);
  mutual_probe_set_trust (run->probe, trust);
  mutual_probe_set_timeouts (run->probe, PROBE_STEP_MS, PROBE_TOTAL_MS);
  return run;
}

static void
probe_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;

  run->ok = mutual_probe_run_finish (MUTUAL_PROBE (object), result, &error);
  if (error != NULL)
    run->error = g_strdup (error->message);
  run->ended = g_get_monotonic_time ();
  run->done = TRUE;
}

/* Runs every probe of @runs at once and returns when all have ended, or fails the test
 * when one outlives its overall deadline by more than the margin. */
static void
run_all (GPtrArray *runs,
         guint      total_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (total_ms + PROBE_MARGIN_MS) * 1000;
  guint left = runs->len;

  for (guint i = 0; i < runs->len; i++)
    {
      Run *run = g_ptr_array_index (runs, i);

      run->started = g_get_monotonic_time ();
      mutual_probe_run_async (run->probe, NULL, probe_done_cb, run);
    }
  /* Bounded by the deadline: a probe that hangs fails here, not in meson's timeout. */
  while (left > 0 && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      left = 0;
      for (guint i = 0; i < runs->len; i++)
        left += ((Run *) g_ptr_array_index (runs, i))->done ? 0 : 1;
      if (left > 0)
        g_usleep (1000);
    }
  for (guint i = 0; i < runs->len; i++)
    {
      Run *run = g_ptr_array_index (runs, i);

      if (!run->done)
        g_test_fail_printf ("%s: the probe did not end within %u ms", run->label,
                            total_ms + PROBE_MARGIN_MS);
    }
  /* A hung probe still holds a reference to its callback data: do not free it. */
  for (guint i = 0; i < runs->len; i++)
    if (!((Run *) g_ptr_array_index (runs, i))->done)
      g_ptr_array_index (runs, i) = NULL;
}

static const char *
primary_id (Run *run)
{
  GPtrArray *findings = mutual_probe_get_findings (run->probe);

  if (findings == NULL || findings->len == 0)
    return "(none)";
  return mutual_finding_get_id (g_ptr_array_index (findings, 0));
}

static gboolean
has_finding (Run        *run,
             const char *id)
{
  GPtrArray *findings = mutual_probe_get_findings (run->probe);

  for (guint i = 0; findings != NULL && i < findings->len; i++)
    if (g_str_equal (mutual_finding_get_id (g_ptr_array_index (findings, i)), id))
      return TRUE;
  return FALSE;
}

static char *
all_ids (Run *run)
{
  GPtrArray *findings = mutual_probe_get_findings (run->probe);
  GString *text = g_string_new (NULL);

  for (guint i = 0; findings != NULL && i < findings->len; i++)
    g_string_append_printf (text, "%s%s", i ? "," : "",
                            mutual_finding_get_id (g_ptr_array_index (findings, i)));
  return g_string_free (text, FALSE);
}

/* The primary finding's evidence lines that say how the server reacted: its alerts
 * and application answers, for README.md's matrix. */
static char *
reaction (Run *run)
{
  static const char *prefixes[] = { "Alert", "HTTP", "MQTT", "Database" };
  GPtrArray *findings = mutual_probe_get_findings (run->probe);
  const char * const *lines;
  GString *text = g_string_new (NULL);

  if (findings == NULL || findings->len == 0)
    return g_string_free (text, FALSE);
  lines = mutual_finding_get_evidence (g_ptr_array_index (findings, 0));
  for (guint i = 0; lines != NULL && lines[i] != NULL; i++)
    for (guint p = 0; p < G_N_ELEMENTS (prefixes); p++)
      if (g_str_has_prefix (lines[i], prefixes[p]))
        g_string_append_printf (text, "%s%s", text->len ? "; " : "", lines[i]);
  return g_string_free (text, FALSE);
}

static double
elapsed_ms (Run *run)
{
  return (run->ended - run->started) / 1000.0;
}

/* Prints what the probe made of it, and says whether that is what was expected. */
static gboolean
check_run (Run                *run,
           MutualProbeOutcome  outcome,
           const char         *finding)
{
  g_autofree char *ids = NULL;
  g_autofree char *how = NULL;
  MutualProbeOutcome actual;
  gboolean good;

  if (run == NULL)
    return FALSE;
  if (!run->ok)
    {
      g_test_message ("%s: the probe failed: %s", run->label, run->error);
      return FALSE;
    }
  ids = all_ids (run);
  actual = mutual_probe_get_outcome (run->probe);
  good = actual == outcome && g_str_equal (primary_id (run), finding);
  how = reaction (run);
  g_test_message ("probe: %s | %s | %s | %.0f ms | %s%s", run->label,
                  mutual_probe_outcome_to_string (actual), ids, elapsed_ms (run), how,
                  good ? "" : " | MISMATCH");
  if (!good)
    {
      MutualJson *json = mutual_json_new (TRUE);
      g_autofree char *text = NULL;

      mutual_probe_to_json (run->probe, json, NULL);
      text = mutual_json_free_to_string (json);
      g_test_message ("expected %s with %s; the probe's report:\n%s",
                      mutual_probe_outcome_to_string (outcome), finding, text);
    }
  return good;
}

/* The matrix --------------------------------------------------------------------------- */

/* What the probe must conclude: the fault itself, except where a server genuinely
 * lets a fault through (README.md says why). */
static Expected
expected_for (const ServerCase *server,
              ClientFault       fault)
{
  MutualPeerKind kind = server->server->kind;
  Expected expected = { fault == FAULT_NONE_GOOD ? MUTUAL_PROBE_SUCCESS : MUTUAL_PROBE_PROBLEMS,
                        faults[fault].finding };

  /* nginx's "optional" lets a client without a certificate in. */
  if (fault == FAULT_NO_CERTIFICATE && server->server->auth == MUTUAL_PEER_CLIENT_AUTH_REQUEST)
    {
      expected.outcome = MUTUAL_PROBE_SUCCESS;
      expected.finding = "client-certificate-optional";
    }
  /* GnuTLS servers do not check the purpose of a client certificate: accepted, and the
   * probe warns. */
  if (fault == FAULT_WRONG_EKU && kind == MUTUAL_PEER_GNUTLS_SERV)
    expected.outcome = MUTUAL_PROBE_SUCCESS;
  /* GnuTLS answers any failed verification with access_denied, and nginx every
   * certificate error with the same 400: neither says "revoked". */
  if (fault == FAULT_REVOKED && (kind == MUTUAL_PEER_GNUTLS_SERV || kind == MUTUAL_PEER_NGINX))
    expected.finding = "client-certificate-rejected";
  return expected;
}

/* The servers verify clients against the root alone, so a client has to send its
 * intermediate, and check the CRLs of both CAs. server.pem demands a stapled OCSP
 * response: the servers that can staple get it, the others a certificate without
 * Must-Staple. */
static MutualPeerConfig
server_config (MutualPeerKind        kind,
               MutualPeerClientAuth  auth,
               MutualPeerTlsVersions versions)
{
  static const char *roles[] = {
    "client-p256", "foreign-client", "expired", "not-yet-valid", "wrong-eku", "revoked", NULL,
  };
  gboolean staples = kind == MUTUAL_PEER_GNUTLS_SERV || kind == MUTUAL_PEER_OPENSSL_S_SERVER ||
                     kind == MUTUAL_PEER_NGINX;
  MutualPeerConfig config = { 0 };

  config.server_cert_file = staples ? paths.server_cert : paths.plain_cert;
  config.server_key_file = staples ? paths.server_key : paths.plain_key;
  config.ocsp_response_file = staples ? paths.ocsp_response : NULL;
  config.client_ca_files = paths.client_cas;
  config.client_auth = auth;
  config.tls_versions = versions;
  config.crl_file = paths.crl;
  config.postgresql_roles = roles;
  return config;
}

static MutualPeer *
start_peer (MutualPeerKind          kind,
            const MutualPeerConfig *config)
{
  g_autoptr(GError) error = NULL;
  MutualPeer *peer = mutual_peer_start (kind, config, &error);

  /* A missing server program fails here, naming its Debian package. */
  g_assert_no_error (error);
  g_test_message ("started %s in %.2f s: %s", mutual_peer_kind_to_string (kind),
                  mutual_peer_get_startup_time_us (peer) / (double) G_USEC_PER_SEC,
                  mutual_peer_get_command_line (peer));
  return peer;
}

static void
test_server (gconstpointer data)
{
  const ServerCase *server = data;
  MutualPeerConfig config = server_config (server->server->kind, server->server->auth,
                                           server->versions);
  MutualTlsVersion version = server->versions == MUTUAL_PEER_TLS_1_2_ONLY ? MUTUAL_TLS_1_2
                                                                           : MUTUAL_TLS_1_3;
  g_autoptr(MutualPeer) peer = start_peer (server->server->kind, &config);
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func ((GDestroyNotify) run_free);
  guint failures = 0;

  for (ClientFault fault = 0; fault < N_FAULTS; fault++)
    {
      g_autofree char *label = g_strdup_printf ("%s | %s | %s | %s",
                                                mutual_peer_kind_to_string (server->server->kind),
                                                auth_name (server->server->auth),
                                                versions_name (server->versions),
                                                faults[fault].name);
      Run *run = run_new (mutual_peer_get_host (peer), mutual_peer_get_port (peer),
                          server->server->protocol, label);

      mutual_probe_set_versions (run->probe, version, version);
      set_identity (run->probe, fault);
      g_ptr_array_add (runs, run);
    }
  run_all (runs, PROBE_TOTAL_MS);

  for (ClientFault fault = 0; fault < N_FAULTS; fault++)
    {
      Run *run = g_ptr_array_index (runs, fault);
      Expected expected = expected_for (server, fault);
      gboolean good = check_run (run, expected.outcome, expected.finding);

      /* Where a server lets a fault through, the probe still names it. */
      if (good && fault == FAULT_WRONG_EKU && expected.outcome == MUTUAL_PROBE_SUCCESS)
        good = has_finding (run, "client-accepted");
      g_string_append_printf (matrix, "%s | %s | %s\n", run ? run->label : "?",
                              run ? primary_id (run) : "(hung)", good ? "pass" : "FAIL");
      if (!good)
        failures++;
    }
  if (failures > 0)
    {
      g_autofree char *log = mutual_peer_dup_log (peer);

      g_test_message ("server log:\n%s", log);
      g_test_fail_printf ("%u of %u probes were misdiagnosed", failures, (guint) N_FAULTS);
    }
}

/* IPv6 ------------------------------------------------------------------------------ */

/* nginx on [::1] as well: the probe reaches it by its IPv6 literal, presents the
 * identity and reads the verdict as over IPv4; the server certificate names ::1. The
 * forced IPv6 family with an IPv4 literal finds no address and says so. */
static void
test_ipv6 (void)
{
  MutualPeerConfig config = server_config (MUTUAL_PEER_NGINX, MUTUAL_PEER_CLIENT_AUTH_REQUIRE,
                                           MUTUAL_PEER_TLS_1_2_AND_1_3);
  g_autoptr(MutualPeer) peer = NULL;
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func ((GDestroyNotify) run_free);
  static const ClientFault cases[] = { FAULT_NONE_GOOD, FAULT_NO_CERTIFICATE, FAULT_EXPIRED };
  Run *run;

  config.also_ipv6 = TRUE;
  peer = start_peer (MUTUAL_PEER_NGINX, &config);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *label = g_strdup_printf ("nginx on ::1 | %s", faults[cases[i]].name);

      run = run_new ("::1", mutual_peer_get_port (peer), MUTUAL_PROTOCOL_HTTPS, label);
      mutual_probe_set_family (run->probe, G_SOCKET_FAMILY_IPV6);
      set_identity (run->probe, cases[i]);
      g_ptr_array_add (runs, run);
    }
  run = run_new ("127.0.0.1", mutual_peer_get_port (peer), MUTUAL_PROTOCOL_HTTPS,
                 "IPv4 literal, IPv6 only");
  mutual_probe_set_family (run->probe, G_SOCKET_FAMILY_IPV6);
  set_identity (run->probe, FAULT_NONE_GOOD);
  g_ptr_array_add (runs, run);
  run_all (runs, PROBE_TOTAL_MS);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      /* server_kinds[2] is nginx requiring a certificate. */
      ServerCase nginx = { &server_kinds[2], MUTUAL_PEER_TLS_1_2_AND_1_3 };
      Expected expected = expected_for (&nginx, cases[i]);

      run = g_ptr_array_index (runs, i);
      g_assert_nonnull (run);
      if (!check_run (run, expected.outcome, expected.finding))
        {
          g_autofree char *log = mutual_peer_dup_log (peer);

          g_test_message ("server log:\n%s", log);
          g_test_fail_printf ("%s: misdiagnosed", run->label);
        }
    }
  run = g_ptr_array_index (runs, G_N_ELEMENTS (cases));
  g_assert_nonnull (run);
  g_assert_true (run->ok);
  g_test_message ("IPv4 literal with IPv6 only: %s, %s",
                  mutual_probe_outcome_to_string (mutual_probe_get_outcome (run->probe)),
                  primary_id (run));
  g_assert_cmpint (mutual_probe_get_outcome (run->probe), ==, MUTUAL_PROBE_UNREACHABLE);
}

/* Server-side faults, once each ------------------------------------------------------ */

static const struct
{
  const char *label;
  MutualProbeOutcome outcome;
  const char *finding;
} server_faults[] = {
  { "server untrusted", MUTUAL_PROBE_PROBLEMS, "server-untrusted" },
  { "wrong host name", MUTUAL_PROBE_PROBLEMS, "server-name-mismatch" },
  { "plaintext port", MUTUAL_PROBE_PROBLEMS, "needs-starttls" },
  { "plain HTTP port", MUTUAL_PROBE_PROBLEMS, "plaintext-http" },
  { "silent port", MUTUAL_PROBE_PROBLEMS, "tls-silent" },
  { "closed port", MUTUAL_PROBE_UNREACHABLE, "connection-refused" },
  { "unresolvable name", MUTUAL_PROBE_UNREACHABLE, "name-does-not-resolve" },
};

static void
test_server_faults (void)
{
  MutualPeerConfig config = server_config (MUTUAL_PEER_GNUTLS_SERV,
                                           MUTUAL_PEER_CLIENT_AUTH_REQUIRE,
                                           MUTUAL_PEER_TLS_1_2_AND_1_3);
  MutualPeerConfig plain_http = { 0 };
  g_autoptr(MutualPeer) server = start_peer (MUTUAL_PEER_GNUTLS_SERV, &config);
  g_autoptr(MutualPeer) full_chain = NULL;
  g_autoptr(MutualPeer) plaintext = start_peer (MUTUAL_PEER_PLAINTEXT, NULL);
  g_autoptr(MutualPeer) http = NULL;
  g_autoptr(MutualPeer) silent = start_peer (MUTUAL_PEER_SILENT, NULL);
  g_autoptr(MutualPeer) closed = start_peer (MUTUAL_PEER_SILENT, NULL);
  g_autoptr(MutualTrust) foreign = trust_of ("foreign-ca.pem");
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func ((GDestroyNotify) run_free);
  guint16 closed_port = mutual_peer_get_port (closed);
  const char *host = mutual_peer_get_host (server);
  guint16 port = mutual_peer_get_port (server);
  Run *run;

  /* With the root sent too, the chain is complete and only its anchor is unknown: a
   * lone leaf from an unknown issuer could also be a missing intermediate, and the
   * probe says it cannot tell (README.md). */
  config.server_chain_file = paths.root;
  full_chain = start_peer (MUTUAL_PEER_GNUTLS_SERV, &config);
  plain_http.greeting = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
  http = start_peer (MUTUAL_PEER_PLAINTEXT, &plain_http);
  /* A port that was just open and is closed now. */
  g_assert_true (mutual_peer_stop (closed, NULL));

  run = run_new (host, mutual_peer_get_port (full_chain), MUTUAL_PROTOCOL_TLS,
                 server_faults[0].label);
  set_identity (run->probe, FAULT_NONE_GOOD);
  mutual_probe_set_trust (run->probe, foreign);
  g_ptr_array_add (runs, run);

  run = run_new (host, port, MUTUAL_PROTOCOL_TLS, server_faults[1].label);
  set_identity (run->probe, FAULT_NONE_GOOD);
  mutual_probe_set_sni (run->probe, "not-this-server.example.test");
  g_ptr_array_add (runs, run);

  run = run_new (host, mutual_peer_get_port (plaintext), MUTUAL_PROTOCOL_TLS,
                 server_faults[2].label);
  g_ptr_array_add (runs, run);

  run = run_new (host, mutual_peer_get_port (http), MUTUAL_PROTOCOL_TLS, server_faults[3].label);
  g_ptr_array_add (runs, run);

  run = run_new (host, mutual_peer_get_port (silent), MUTUAL_PROTOCOL_TLS, server_faults[4].label);
  mutual_probe_set_timeouts (run->probe, HOSTILE_STEP_MS, HOSTILE_TOTAL_MS);
  g_ptr_array_add (runs, run);

  run = run_new (host, closed_port, MUTUAL_PROTOCOL_TLS, server_faults[5].label);
  g_ptr_array_add (runs, run);

  /* RFC 6761: .invalid never resolves, and the probe does not ask a DNS server. */
  run = run_new ("mutual-probe-test.invalid", 443, MUTUAL_PROTOCOL_TLS, server_faults[6].label);
  g_ptr_array_add (runs, run);

  run_all (runs, PROBE_TOTAL_MS);

  for (guint i = 0; i < runs->len; i++)
    {
      Run *result = g_ptr_array_index (runs, i);
      gboolean good = check_run (result, server_faults[i].outcome, server_faults[i].finding);

      g_string_append_printf (matrix, "%s | %s | %s\n", server_faults[i].label,
                              result ? primary_id (result) : "(hung)", good ? "pass" : "FAIL");
      if (!good)
        g_test_fail_printf ("%s: misdiagnosed", server_faults[i].label);
    }
  /* Nothing was asked of a resolver: it ended at once. */
  g_assert_cmpfloat (elapsed_ms (g_ptr_array_index (runs, runs->len - 1)), <, 1000);
}

/* Hostile peers ------------------------------------------------------------------------- */

typedef struct
{
  const char *name;
  MutualPeerKind kind;
  guint huge_chain_count;
  /* The findings that are right for it; the first error is the one asserted. */
  const char *findings[4];
} HostileCase;

static const HostileCase hostile_cases[] = {
  { "garbage", MUTUAL_PEER_GARBAGE, 0, { "handshake-failed", "tls-silent", NULL } },
  { "silent", MUTUAL_PEER_SILENT, 0, { "tls-silent", NULL } },
  /* Its greeting is text, one byte a second: what arrived before the timeout. */
  { "trickle", MUTUAL_PEER_TRICKLE, 0, { "not-tls", "tls-silent", "needs-starttls" } },
  /* As many copies of server.pem as a Certificate message can hold: 16 MB. */
  { "huge-chain", MUTUAL_PEER_HUGE_CHAIN, G_MAXUINT, { "handshake-too-large", NULL } },
  /* 100 copies: under GnuTLS's limit for a handshake message, so it is taken, and the
   * peer then says nothing more. */
  { "long-chain", MUTUAL_PEER_HUGE_CHAIN, 100, { "tls-silent", NULL } },
};

/* The resident set size of this process in KiB, from /proc/self/status. */
static guint64
resident_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, "\nVmRSS:");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen ("\nVmRSS:"), NULL, 10);
}

static void
test_hostile (void)
{
  g_autoptr(GPtrArray) peers = g_ptr_array_new_with_free_func ((GDestroyNotify) mutual_peer_free);
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func ((GDestroyNotify) run_free);
  g_autofree char *server_cert = fixture ("server.pem");
  guint64 before_kib;
  guint64 after_kib;

  for (guint i = 0; i < G_N_ELEMENTS (hostile_cases); i++)
    {
      MutualPeerConfig config = { 0 };
      MutualPeer *peer;
      Run *run;

      config.server_cert_file = server_cert;
      config.huge_chain_count = hostile_cases[i].huge_chain_count;
      peer = start_peer (hostile_cases[i].kind, &config);
      g_ptr_array_add (peers, peer);
      run = run_new (mutual_peer_get_host (peer), mutual_peer_get_port (peer), MUTUAL_PROTOCOL_TLS,
                     hostile_cases[i].name);
      /* The huge chain is a TLS 1.2 answer. */
      if (hostile_cases[i].kind == MUTUAL_PEER_HUGE_CHAIN)
        mutual_probe_set_versions (run->probe, MUTUAL_TLS_1_2, MUTUAL_TLS_1_2);
      set_identity (run->probe, FAULT_NONE_GOOD);
      mutual_probe_set_timeouts (run->probe, HOSTILE_STEP_MS, HOSTILE_TOTAL_MS);
      g_ptr_array_add (runs, run);
    }

  /* The peers have made their payloads: what grows now is the probes'. */
  before_kib = resident_kib ();
  run_all (runs, HOSTILE_TOTAL_MS);
  after_kib = resident_kib ();
  g_test_message ("resident set: %" G_GUINT64_FORMAT " KiB before the hostile probes, %"
                  G_GUINT64_FORMAT " KiB after", before_kib, after_kib);
  /* The huge chain alone is 16 MB: a probe that kept it would show. */
  g_assert_cmpuint (after_kib, <, before_kib + HOSTILE_MAX_GROWTH_KIB);

  for (guint i = 0; i < G_N_ELEMENTS (hostile_cases); i++)
    {
      Run *run = g_ptr_array_index (runs, i);
      const HostileCase *hostile = &hostile_cases[i];
      const char *primary;
      gboolean known = FALSE;

      g_assert_nonnull (run);
      g_assert_true (run->ok);
      g_assert_cmpint (mutual_probe_get_outcome (run->probe), ==, MUTUAL_PROBE_PROBLEMS);
      g_assert_cmpfloat (elapsed_ms (run), <=, HOSTILE_TOTAL_MS + PROBE_MARGIN_MS);
      primary = primary_id (run);
      for (guint f = 0; hostile->findings[f] != NULL; f++)
        known |= g_str_equal (primary, hostile->findings[f]);
      check_run (run, MUTUAL_PROBE_PROBLEMS, hostile->findings[0]);
      g_string_append_printf (matrix, "%s | %s | %.0f ms | %s\n", hostile->name, primary,
                              elapsed_ms (run), known ? "pass" : "FAIL");
      if (!known)
        g_test_fail_printf ("%s: primary finding %s is none of the expected ones", hostile->name,
                            primary);
      g_assert_cmpuint (mutual_peer_get_connection_count (g_ptr_array_index (peers, i)), >=, 1);
    }
}

/* Set-up --------------------------------------------------------------------------------- */

static void
set_up (void)
{
  g_autofree char *root_key = NULL;
  g_autoptr(GError) error = NULL;

  paths.fixtures = g_strdup (g_getenv ("MUTUAL_FIXTURES"));
  g_assert_nonnull (paths.fixtures);
  paths.server_cert = fixture ("server.pem");
  paths.server_key = fixture ("server.key");
  paths.plain_cert = fixture ("server-no-staple.pem");
  paths.plain_key = fixture ("server-no-staple.key");
  paths.root = fixture ("root-ca.pem");
  paths.crl = fixture ("crl-chain.crl");
  paths.client_cas[0] = paths.root;
  trust = trust_of ("root-ca.pem");

  paths.scratch = g_dir_make_tmp ("test-probe-peers-XXXXXX", &error);
  g_assert_no_error (error);
  root_key = fixture ("root-ca.key");
  paths.ocsp_response = g_build_filename (paths.scratch, "server-ocsp.der", NULL);
  mutual_peer_make_ocsp_response (paths.server_cert, paths.root, root_key, paths.ocsp_response,
                                  &error);
  g_assert_no_error (error);
}

static void
tear_down (void)
{
  g_remove (paths.ocsp_response);
  g_rmdir (paths.scratch);
  g_clear_object (&trust);
  g_free (paths.ocsp_response);
  g_free (paths.scratch);
  g_free (paths.crl);
  g_free (paths.root);
  g_free (paths.plain_key);
  g_free (paths.plain_cert);
  g_free (paths.server_key);
  g_free (paths.server_cert);
  g_free (paths.fixtures);
}

int
main (int    argc,
      char **argv)
{
  static ServerCase cases[G_N_ELEMENTS (server_kinds) * 2];
  int status;

  g_test_init (&argc, &argv, NULL);
  matrix = g_string_new (NULL);
  set_up ();

  for (guint i = 0; i < G_N_ELEMENTS (server_kinds); i++)
    {
      for (guint v = 0; v < 2; v++)
        {
          ServerCase *server = &cases[2 * i + v];
          g_autofree char *path = NULL;

          server->server = &server_kinds[i];
          server->versions = v == 0 ? MUTUAL_PEER_TLS_1_2_ONLY : MUTUAL_PEER_TLS_1_3_ONLY;
          path = g_strdup_printf ("/probe-peers/%s/%s/%s",
                                  mutual_peer_kind_to_string (server_kinds[i].kind),
                                  auth_name (server_kinds[i].auth),
                                  v == 0 ? "tls12" : "tls13");
          g_test_add_data_func (path, server, test_server);
        }
    }
  g_test_add_func ("/probe-peers/server-faults", test_server_faults);
  g_test_add_func ("/probe-peers/hostile", test_hostile);
  g_test_add_func ("/probe-peers/ipv6", test_ipv6);

  status = g_test_run ();

  g_test_message ("matrix (server | auth | version | fault | primary finding | result):\n%s",
                  matrix->str);
  g_string_free (matrix, TRUE);
  tear_down ();
  return status;
}
