/* SPDX-License-Identifier: GPL-3.0-or-later */

/* MutualPeer's own test: every server kind really starts, really requires and verifies
 * client certificates, enforces its TLS version, and is always stopped; the hostile
 * peers behave as documented. Everything is checked with the reference clients
 * (gnutls-cli, openssl s_client, curl, mosquitto_pub, psql), never with Mutual's code.
 *
 * The way each server rejects a client is printed as "signal:" TAP comments and
 * checked against README.md's table. */

#define _GNU_SOURCE

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "mutual-peer.h"

#define CLIENT_TIMEOUT_S 30
#define GONE_TIMEOUT_MS 10000
#define HTTP_REQUEST "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n"
#define GOOD_USER "client-p256"
#define FOREIGN_USER "foreign-client"

typedef enum
{
  CLIENT_GOOD,
  CLIENT_NONE,
  CLIENT_FOREIGN,
} ClientKind;

static const char *client_names[] = { "good", "none", "foreign" };

typedef struct
{
  MutualPeerKind kind;
  MutualPeerTlsVersions versions;
  MutualPeerClientAuth auth;
} ServerCase;

typedef struct
{
  int status;
  char *output;
} ClientRun;

static char *scratch_dir;
static char *ocsp_response;
static char *client_chain;
static GString *signal_table;

static void
client_run_free (ClientRun *run)
{
  g_free (run->output);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ClientRun, client_run_free)

static char *
fixture (const char *name)
{
  const char *dir = g_getenv ("MUTUAL_FIXTURES");

  g_assert_nonnull (dir);
  return g_build_filename (dir, name, NULL);
}

static char *
scratch (const char *name)
{
  return g_build_filename (scratch_dir, name, NULL);
}

static const char *
version_path (MutualPeerTlsVersions versions)
{
  switch (versions)
    {
    case MUTUAL_PEER_TLS_1_2_ONLY:
      return "tls12";
    case MUTUAL_PEER_TLS_1_3_ONLY:
      return "tls13";
    case MUTUAL_PEER_TLS_1_2_AND_1_3:
    default:
      return "tls12-13";
    }
}

static const char *
version_label (MutualPeerTlsVersions versions)
{
  switch (versions)
    {
    case MUTUAL_PEER_TLS_1_2_ONLY:
      return "TLSv1.2";
    case MUTUAL_PEER_TLS_1_3_ONLY:
      return "TLSv1.3";
    case MUTUAL_PEER_TLS_1_2_AND_1_3:
    default:
      return "TLSv1.2+1.3";
    }
}

/* Argument vectors own copies of their arguments (g_ptr_array_new_with_free_func
 * (g_free)); mutual_peer_argv_add() appends them. */
static void
add_arg (GPtrArray  *argv,
         const char *arg)
{
  mutual_peer_argv_add (argv, arg, NULL);
}

/* Runs a reference client under timeout(1), so that no client can hang the test. */
static ClientRun *
run_client_with_timeout (guint               timeout_s,
                         const char         *input,
                         const char * const *argv)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) full = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GBytes) stdin_bytes = NULL;
  g_autoptr(GBytes) stdout_bytes = NULL;
  g_autoptr(GError) error = NULL;
  ClientRun *run = g_new0 (ClientRun, 1);
  gsize length = 0;
  const char *data;

  g_ptr_array_add (full, g_strdup ("timeout"));
  g_ptr_array_add (full, g_strdup ("--kill-after=5"));
  g_ptr_array_add (full, g_strdup_printf ("%u", timeout_s));
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (full, g_strdup (argv[i]));
  g_ptr_array_add (full, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_MERGE);
  /* The clients are not the test: none of its GLib or malloc hardening. */
  g_subprocess_launcher_unsetenv (launcher, "G_DEBUG");
  g_subprocess_launcher_unsetenv (launcher, "MALLOC_CHECK_");
  g_subprocess_launcher_unsetenv (launcher, "MALLOC_PERTURB_");
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) full->pdata, &error);
  g_assert_no_error (error);

  /* With a pipe, standard input is at least closed at once. */
  stdin_bytes = g_bytes_new_static (input ? input : "", input ? strlen (input) : 0);
  g_subprocess_communicate (process, stdin_bytes, NULL, &stdout_bytes, NULL, &error);
  g_assert_no_error (error);

  run->status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process)
                                                     : -1;
  data = stdout_bytes ? g_bytes_get_data (stdout_bytes, &length) : NULL;
  run->output = data != NULL ? g_utf8_make_valid (data, length) : g_strdup ("");
  return run;
}

static ClientRun *
run_client (const char *input,
            const char *first,
            ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  va_list args;

  va_start (args, first);
  mutual_peer_argv_add_valist (argv, first, args);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  return run_client_with_timeout (CLIENT_TIMEOUT_S, input, (const char * const *) argv->pdata);
}

static void
require_program (const char *program,
                 const char *package)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = mutual_peer_find_program (program, package, &error);

  /* A missing reference client is a failure that names its package, not a skip. */
  g_assert_no_error (error);
  g_assert_nonnull (path);
}

/* Signals ------------------------------------------------------------------------------ */

static char *
match_group (const char *output,
             const char *pattern)
{
  g_autoptr(GRegex) regex = g_regex_new (pattern, G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  g_assert_nonnull (regex);
  if (!g_regex_match (regex, output, 0, &match))
    return NULL;
  return g_match_info_fetch (match, 1);
}

static char *
gnutls_cli_signal (ClientRun *run)
{
  g_autofree char *alert = match_group (run->output, "^\\*\\*\\* Received alert (\\[.*)$");
  g_autofree char *fatal = match_group (run->output, "^\\*\\*\\* Fatal error: (.*)$");

  if (alert != NULL)
    return g_strdup_printf ("alert %s", alert);
  if (fatal != NULL)
    return g_strdup_printf ("error: %s", fatal);
  if (run->status == 124)
    return g_strdup ("no answer until killed by the timeout");
  return g_strdup_printf ("exit %d, no alert", run->status);
}

static char *
openssl_reason (const char *output)
{
  /* error:CODE:SSL routines:FUNCTION:REASON:FILE:LINE:DETAIL (OpenSSL 3.0) or
   * error:CODE:SSL routines::REASON (libssl's own printer). */
  g_autofree char *reason = match_group (output, "error:[0-9A-F]+:SSL routines:[a-z0-9_]*:([^:\\n]+)");

  return g_steal_pointer (&reason);
}

static char *
s_client_signal (ClientRun *run)
{
  g_autofree char *number = match_group (run->output, "SSL alert number ([0-9]+)");
  g_autofree char *reason = openssl_reason (run->output);

  if (number != NULL)
    return g_strdup_printf ("alert %s (%s)", number, reason ? reason : "?");
  if (reason != NULL)
    return g_strdup_printf ("no alert: %s", reason);
  if (strstr (run->output, "CONNECTION ESTABLISHED") != NULL)
    return g_strdup ("handshake completed, no alert");
  return g_strdup_printf ("exit %d", run->status);
}

static char *
curl_signal (ClientRun *run)
{
  g_autofree char *status = match_group (run->output, "^HTTP_STATUS=([0-9]+)$");
  g_autofree char *title = match_group (run->output, "<title>[0-9]+ (.*)</title>");
  g_autofree char *verify = match_group (run->output, "^verify=(.*)$");
  g_autofree char *error = match_group (run->output, "^curl: (.*)$");

  if (error != NULL)
    return g_strdup_printf ("curl: %s", error);
  return g_strdup_printf ("HTTP %s%s%s%s%s", status ? status : "?", title ? " " : "",
                          title ? title : "", verify ? " verify=" : "", verify ? verify : "");
}

static char *
mosquitto_signal (ClientRun *run)
{
  g_autofree char *connack = match_group (run->output, "received CONNACK \\(([0-9]+)\\)");
  /* A failure inside connect() is "Unable to connect (…).", a later one "Error: …". */
  g_autofree char *early = match_group (run->output, "Unable to connect \\((.*)\\)\\.");
  g_autofree char *late = match_group (run->output, "(?<!OpenSSL )Error: ([^\n]*)");
  const char *error = early ? early : late;
  g_autofree char *reason = openssl_reason (run->output);

  if (connack != NULL && run->status == 0)
    return g_strdup_printf ("CONNACK %s", connack);
  return g_strdup_printf ("%s%s%s%s%s%s", connack ? "CONNACK " : "", connack ? connack : "",
                          connack ? ", " : "", error ? error : "no error line",
                          reason ? " / TLS: " : "", reason ? reason : "");
}

static char *
psql_signal (ClientRun *run)
{
  g_autofree char *failure = match_group (run->output, "failed: (.*)$");

  if (failure != NULL)
    return g_strdup (failure);
  return g_strdup_printf ("exit %d", run->status);
}

/* How each server rejects (or serves) each client, as the reference client reports it:
 * the table between the "signals" markers of README.md, read at start-up. Keys are
 * "SERVER AUTH VERSION CLIENT TOOL", "*" matching any one word. mosquitto_pub's report
 * races with its own CONNECT (../../shared/TESTING.md): it names the alert only when
 * it read it before its write failed. */
static GPtrArray *signal_keys;
static GPtrArray *signal_patterns;

/* The cells of a Markdown table row: "|" separates them, "\|" is a "|" inside one, and
 * a cell in backticks loses them. */
static GPtrArray *
table_cells (const char *row)
{
  GPtrArray *cells = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) cell = g_string_new (NULL);

  /* The row starts with a "|": cells begin after it. */
  for (const char *p = row + 1; *p != '\0'; p++)
    {
      if (p[0] == '\\' && p[1] == '|')
        {
          g_string_append_c (cell, '|');
          p++;
          continue;
        }
      if (*p != '|')
        {
          g_string_append_c (cell, *p);
          continue;
        }
      {
        g_autofree char *text = g_strstrip (g_strdup (cell->str));
        gsize length = strlen (text);

        if (length >= 2 && text[0] == '`' && text[length - 1] == '`')
          g_ptr_array_add (cells, g_strndup (text + 1, length - 2));
        else
          g_ptr_array_add (cells, g_steal_pointer (&text));
        g_string_truncate (cell, 0);
      }
    }
  return cells;
}

static void
load_signal_table (void)
{
  const char *path = g_getenv ("MUTUAL_PEERS_README");
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  gboolean inside = FALSE;

  g_assert_nonnull (path);
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  signal_keys = g_ptr_array_new_with_free_func (g_free);
  signal_patterns = g_ptr_array_new_with_free_func (g_free);

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) cells = NULL;

      if (g_str_has_prefix (lines[i], "<!-- signals:"))
        inside = g_str_has_prefix (lines[i], "<!-- signals:begin");
      if (!inside || !g_str_has_prefix (lines[i], "| ") || g_str_has_prefix (lines[i], "| Server |"))
        continue;
      cells = table_cells (lines[i]);
      g_assert_cmpuint (cells->len, ==, 6);
      g_ptr_array_add (signal_keys, g_strdup_printf ("%s %s %s %s %s",
                                                     (char *) cells->pdata[0],
                                                     (char *) cells->pdata[1],
                                                     (char *) cells->pdata[2],
                                                     (char *) cells->pdata[3],
                                                     (char *) cells->pdata[4]));
      g_ptr_array_add (signal_patterns, g_strdup (cells->pdata[5]));
    }
  /* Every server, client and tool has its rows: an empty table would check nothing. */
  g_assert_cmpuint (signal_keys->len, >=, 50);
}

/* Servers write their log a moment after the client has its answer. */
static gboolean
log_shows (MutualPeer *peer,
           const char *needle)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autofree char *log = mutual_peer_dup_log (peer);

      if (strstr (log, needle) != NULL)
        return TRUE;
      if (g_get_monotonic_time () >= deadline)
        return FALSE;
      g_usleep (20 * 1000);
    }
}

/* Whether @key matches @pattern_key, where "*" matches any one word. */
static gboolean
key_matches (const char *pattern_key,
             const char *key)
{
  g_auto(GStrv) want = g_strsplit (pattern_key, " ", 5);
  g_auto(GStrv) have = g_strsplit (key, " ", 5);

  if (g_strv_length (want) != 5 || g_strv_length (have) != 5)
    return FALSE;
  for (guint i = 0; i < 5; i++)
    if (!g_str_equal (want[i], "*") && !g_str_equal (want[i], have[i]))
      return FALSE;
  return TRUE;
}

static const char *
expected_pattern (const char *key)
{
  for (guint i = 0; i < signal_keys->len; i++)
    if (key_matches (g_ptr_array_index (signal_keys, i), key))
      return g_ptr_array_index (signal_patterns, i);
  return NULL;
}

/* Prints the signal, keeps it for the summary, and says whether it is the documented
 * one. */
static gboolean
record_signal_line (const char *server,
                    const char *auth,
                    const char *version,
                    const char *client,
                    const char *tool,
                    const char *signal_text)
{
  g_autofree char *key = g_strdup_printf ("%s %s %s %s %s", server, auth, version, client, tool);
  g_autofree char *line = g_strdup_printf ("%s | %s | %s | %s | %s | %s", server, auth, version,
                                           client, tool, signal_text);
  const char *pattern = expected_pattern (key);

  g_test_message ("signal: %s", line);
  g_string_append_printf (signal_table, "%s\n", line);
  if (pattern == NULL)
    {
      g_test_message ("no documented signal for “%s”", key);
      return FALSE;
    }
  if (!g_regex_match_simple (pattern, signal_text, 0, 0))
    {
      g_test_message ("“%s” is not the documented signal for “%s” (%s)", signal_text, key,
                      pattern);
      return FALSE;
    }
  return TRUE;
}

static gboolean
record_signal (const ServerCase *server,
               ClientKind        client,
               const char       *tool,
               const char       *signal_text)
{
  return record_signal_line (mutual_peer_kind_to_string (server->kind),
                             server->auth == MUTUAL_PEER_CLIENT_AUTH_REQUIRE ? "require"
                                                                             : "request",
                             version_label (server->versions), client_names[client], tool,
                             signal_text);
}

/* Reports everything a failing check needs, then fails. */
static void
fail_with (MutualPeer *peer,
           ClientRun  *run,
           const char *what)
{
  g_autofree char *log = peer ? mutual_peer_dup_log (peer) : g_strdup ("");

  g_test_message ("FAILED: %s", what);
  if (run != NULL)
    g_test_message ("client exit %d, output:\n%s", run->status, run->output);
  g_test_message ("peer log:\n%s", log);
  g_test_fail_printf ("%s", what);
}

#define check(peer, run, condition, what)                                                  \
  G_STMT_START                                                                              \
  {                                                                                         \
    if (!(condition))                                                                       \
      {                                                                                     \
        fail_with ((peer), (run), (what));                                                  \
        return;                                                                             \
      }                                                                                     \
  }                                                                                         \
  G_STMT_END

/* Clients ----------------------------------------------------------------------------- */

static const char *
gnutls_priority (MutualPeerTlsVersions versions)
{
  switch (versions)
    {
    case MUTUAL_PEER_TLS_1_2_ONLY:
      return "NORMAL:-VERS-ALL:+VERS-TLS1.2";
    case MUTUAL_PEER_TLS_1_3_ONLY:
      return "NORMAL:-VERS-ALL:+VERS-TLS1.3";
    case MUTUAL_PEER_TLS_1_2_AND_1_3:
    default:
      return "NORMAL";
    }
}

static void
client_files (ClientKind   client,
              char       **cert,
              char       **key)
{
  switch (client)
    {
    case CLIENT_GOOD:
      /* The leaf and the intermediate: the servers trust the root only for the
       * chain, but have the intermediate too. */
      *cert = g_strdup (client_chain);
      *key = fixture ("client-p256.key");
      break;
    case CLIENT_FOREIGN:
      *cert = fixture ("foreign-client.pem");
      *key = fixture ("foreign-client.key");
      break;
    case CLIENT_NONE:
    default:
      *cert = NULL;
      *key = NULL;
      break;
    }
}

/* The client's certificate and key options, when it has any. */
static void
add_identity (GPtrArray  *argv,
              ClientKind  client,
              const char *cert_option,
              const char *key_option)
{
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;

  client_files (client, &cert, &key);
  if (cert != NULL)
    mutual_peer_argv_add (argv, cert_option, cert, key_option, key, NULL);
}

static ClientRun *
run_argv (GPtrArray  *argv,
          guint       timeout_s,
          const char *input)
{
  g_ptr_array_add (argv, NULL);
  return run_client_with_timeout (timeout_s, input, (const char * const *) argv->pdata);
}

static ClientRun *
gnutls_cli (MutualPeer            *peer,
            MutualPeerTlsVersions  versions,
            ClientKind             client,
            guint                  timeout_s)
{
  g_autofree char *port = g_strdup_printf ("%u", mutual_peer_get_port (peer));
  g_autofree char *ca = fixture ("root-ca.pem");
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);

  mutual_peer_argv_add (argv, "gnutls-cli", "--port", port, "--priority", gnutls_priority (versions),
            "--x509cafile", ca, NULL);
  add_identity (argv, client, "--x509certfile", "--x509keyfile");
  add_arg (argv, mutual_peer_get_host (peer));
  return run_argv (argv, timeout_s, HTTP_REQUEST);
}

/* openssl s_client sees the TLS layer of every server: the negotiated version, and the
 * alert a server sends. It sends an HTTP request and reads until the server closes. */
static ClientRun *
s_client (MutualPeer *peer,
          const char *version_flag,
          ClientKind  client)
{
  g_autofree char *connect = g_strdup_printf ("%s:%u", mutual_peer_get_host (peer),
                                              mutual_peer_get_port (peer));
  g_autofree char *ca = fixture ("root-ca.pem");
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);

  mutual_peer_argv_add (argv, "openssl", "s_client", "-brief", "-ign_eof", "-verify_return_error",
            "-verify_ip", "127.0.0.1", "-connect", connect, "-CAfile", ca, NULL);
  if (version_flag != NULL)
    add_arg (argv, version_flag);
  if (mutual_peer_get_kind (peer) == MUTUAL_PEER_POSTGRESQL)
    mutual_peer_argv_add (argv, "-starttls", "postgres", NULL);
  add_identity (argv, client, "-cert", "-key");
  return run_argv (argv, CLIENT_TIMEOUT_S, HTTP_REQUEST);
}

static ClientRun *
curl (MutualPeer            *peer,
      MutualPeerTlsVersions  versions,
      ClientKind             client)
{
  g_autofree char *url = g_strdup_printf ("https://%s:%u/", mutual_peer_get_host (peer),
                                          mutual_peer_get_port (peer));
  g_autofree char *ca = fixture ("root-ca.pem");
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);

  mutual_peer_argv_add (argv, "curl", "--silent", "--show-error", "--max-time", "20", "--cacert", ca,
            "--write-out", "\nHTTP_STATUS=%{http_code}\n", NULL);
  switch (versions)
    {
    case MUTUAL_PEER_TLS_1_2_ONLY:
      mutual_peer_argv_add (argv, "--tlsv1.2", "--tls-max", "1.2", NULL);
      break;
    case MUTUAL_PEER_TLS_1_3_ONLY:
      mutual_peer_argv_add (argv, "--tlsv1.3", "--tls-max", "1.3", NULL);
      break;
    case MUTUAL_PEER_TLS_1_2_AND_1_3:
    default:
      break;
    }
  add_identity (argv, client, "--cert", "--key");
  add_arg (argv, url);
  return run_argv (argv, CLIENT_TIMEOUT_S, NULL);
}

static ClientRun *
mosquitto_pub (MutualPeer *peer,
               ClientKind  client)
{
  g_autofree char *port = g_strdup_printf ("%u", mutual_peer_get_port (peer));
  g_autofree char *ca = fixture ("root-ca.pem");
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);

  /* QoS 1: the broker must acknowledge the message. */
  mutual_peer_argv_add (argv, "mosquitto_pub", "-d", "-h", mutual_peer_get_host (peer), "-p", port,
            "--cafile", ca, "-q", "1", "-t", "mutual/test", "-m", "hello", NULL);
  add_identity (argv, client, "--cert", "--key");
  return run_argv (argv, CLIENT_TIMEOUT_S, NULL);
}

static ClientRun *
psql (MutualPeer *peer,
      ClientKind  client)
{
  g_autofree char *ca = fixture ("root-ca.pem");
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autofree char *conninfo = NULL;

  client_files (client, &cert, &key);
  if (cert == NULL)
    {
      /* libpq reads ~/.postgresql/postgresql.crt unless told otherwise; a file that
       * does not exist means no certificate. */
      cert = scratch ("no-such-client.crt");
      key = scratch ("no-such-client.key");
    }
  /* The foreign client logs in as a role that exists, so that only its certificate
   * can be the reason for a rejection. */
  conninfo = g_strdup_printf ("host=localhost hostaddr=%s port=%u dbname=postgres user=%s "
                              "sslmode=verify-full sslrootcert=%s sslcert=%s sslkey=%s "
                              "connect_timeout=20",
                              mutual_peer_get_host (peer), mutual_peer_get_port (peer),
                              client == CLIENT_FOREIGN ? FOREIGN_USER : GOOD_USER, ca, cert, key);

  return run_client (NULL, "psql", "--no-psqlrc", "--no-align", "--tuples-only",
                     "--command",
                     "SELECT current_user, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                     conninfo, NULL);
}

/* Process checks ---------------------------------------------------------------------- */

static void
assert_server_gone (GPid    pid,
                    guint16 port)
{
  gint64 deadline = g_get_monotonic_time () + GONE_TIMEOUT_MS * 1000;

  while (mutual_peer_process_alive (pid, TRUE) && g_get_monotonic_time () < deadline)
    g_usleep (20 * 1000);
  g_assert_false (mutual_peer_process_alive (pid, TRUE));
  g_assert_false (mutual_peer_port_accepts (port, 500));
}

/* Real servers ------------------------------------------------------------------------ */

static MutualPeerConfig
server_config (const ServerCase *server)
{
  static char *cert, *key, *root, *intermediate;
  static const char *client_cas[3];
  static const char *roles[] = { GOOD_USER, FOREIGN_USER, NULL };
  MutualPeerConfig config = { 0 };

  if (cert == NULL)
    {
      cert = fixture ("server.pem");
      key = fixture ("server.key");
      root = fixture ("root-ca.pem");
      intermediate = fixture ("intermediate-ca.pem");
      /* Clients are issued by the intermediate: a server needs both to verify them. */
      client_cas[0] = root;
      client_cas[1] = intermediate;
      client_cas[2] = NULL;
    }

  config.server_cert_file = cert;
  config.server_key_file = key;
  config.client_ca_files = client_cas;
  config.client_auth = server->auth;
  config.tls_versions = server->versions;
  /* server.pem demands a stapled OCSP response; the servers that can, staple one. */
  if (server->kind == MUTUAL_PEER_GNUTLS_SERV || server->kind == MUTUAL_PEER_OPENSSL_S_SERVER ||
      server->kind == MUTUAL_PEER_NGINX)
    config.ocsp_response_file = ocsp_response;
  config.postgresql_roles = roles;
  return config;
}

static ClientRun *
run_gnutls_cli (MutualPeer       *peer,
                const ServerCase *server,
                ClientKind        client)
{
  return gnutls_cli (peer, server->versions, client, CLIENT_TIMEOUT_S);
}

static ClientRun *
run_curl (MutualPeer       *peer,
          const ServerCase *server,
          ClientKind        client)
{
  return curl (peer, server->versions, client);
}

static ClientRun *
run_mosquitto_pub (MutualPeer       *peer,
                   const ServerCase *server,
                   ClientKind        client)
{
  return mosquitto_pub (peer, client);
}

static ClientRun *
run_psql (MutualPeer       *peer,
          const ServerCase *server,
          ClientKind        client)
{
  return psql (peer, client);
}

/* Whether the application on top of TLS served the client, and whether it saw the
 * expected client identity (nginx and PostgreSQL tell). */
static gboolean
http_accepted (ClientKind  client,
               ClientRun  *run)
{
  return run->status == 0 && g_regex_match_simple ("^HTTP/1\\.0 200", run->output,
                                                   G_REGEX_MULTILINE, 0);
}

static gboolean
nginx_accepted (ClientKind  client,
                ClientRun  *run)
{
  return run->status == 0 && strstr (run->output, "HTTP_STATUS=200") != NULL &&
         strstr (run->output, client == CLIENT_GOOD ? "verify=SUCCESS\nsubject=CN=client-p256"
                                                    : "verify=NONE\n") != NULL;
}

static gboolean
mosquitto_accepted (ClientKind  client,
                    ClientRun  *run)
{
  return run->status == 0 && strstr (run->output, "received CONNACK (0)") != NULL &&
         strstr (run->output, "received PUBACK") != NULL;
}

static gboolean
psql_accepted (ClientKind  client,
               ClientRun  *run)
{
  return run->status == 0 && g_str_has_prefix (run->output, GOOD_USER "|TLSv1.");
}

/* What each real server's test needs to know: the client that speaks its application
 * protocol and how to read its report, how that client shows the version it
 * negotiated (the text around the version's number, "1.2"; NULL when it does not tell:
 * s_client checks mosquitto's), and what the server logs when it turns a client away
 * without a certificate and with a bad one (README.md repeats these). */
static const struct
{
  const char *tool;
  const char *package;
  ClientRun *(*run) (MutualPeer *peer, const ServerCase *server, ClientKind client);
  char *(*signal) (ClientRun *run);
  gboolean (*accepted) (ClientKind client, ClientRun *run);
  const char *version_before;
  const char *version_after;
  const char *log_no_certificate;
  const char *log_bad_certificate;
} server_facts[] = {
  [MUTUAL_PEER_GNUTLS_SERV] = {
    "gnutls-cli", "gnutls-bin", run_gnutls_cli, gnutls_cli_signal, http_accepted, "(TLS", "-",
    /* TLS 1.3 ("Certificate is required.") is handled in server_log_line(). */
    "Error in handshake: No certificate was found.",
    "Error in handshake: Error in the certificate." },
  [MUTUAL_PEER_OPENSSL_S_SERVER] = {
    "gnutls-cli", "gnutls-bin", run_gnutls_cli, gnutls_cli_signal, http_accepted, "(TLS", "-",
    "peer did not return a certificate", "certificate verify failed" },
  [MUTUAL_PEER_NGINX] = {
    "curl", "curl", run_curl, curl_signal, nginx_accepted, "protocol=TLSv", "\n",
    "client sent no required SSL certificate",
    "client SSL certificate verify error: (21:unable to verify the first certificate)" },
  [MUTUAL_PEER_MOSQUITTO] = {
    "mosquitto_pub", "mosquitto-clients", run_mosquitto_pub, mosquitto_signal,
    mosquitto_accepted, NULL, NULL,
    "peer did not return a certificate", "certificate verify failed" },
  [MUTUAL_PEER_POSTGRESQL] = {
    "psql", "postgresql-client", run_psql, psql_signal, psql_accepted, "|TLSv", "\n",
    "FATAL:  connection requires a valid client certificate",
    "could not accept SSL connection: certificate verify failed" },
};

static MutualPeerKind
real_server (const ServerCase *server)
{
  g_assert_cmpuint (server->kind, <, G_N_ELEMENTS (server_facts));
  return server->kind;
}

static const char *
client_tool (const ServerCase *server)
{
  return server_facts[real_server (server)].tool;
}

static ClientRun *
application_client (MutualPeer       *peer,
                    const ServerCase *server,
                    ClientKind        client)
{
  return server_facts[real_server (server)].run (peer, server, client);
}

static char *
application_signal (const ServerCase *server,
                    ClientRun        *run)
{
  return server_facts[real_server (server)].signal (run);
}

static gboolean
application_accepted (const ServerCase *server,
                      ClientKind        client,
                      ClientRun        *run)
{
  return server_facts[real_server (server)].accepted (client, run);
}

/* Whether the good client negotiated @version ("TLSv1.2"), as the client reports it. */
static gboolean
negotiated (const ServerCase *server,
            ClientRun        *run,
            const char       *version)
{
  MutualPeerKind kind = real_server (server);
  g_autofree char *needle = NULL;

  if (server_facts[kind].version_before == NULL)
    return TRUE;
  needle = g_strconcat (server_facts[kind].version_before, version + strlen ("TLSv"),
                        server_facts[kind].version_after, NULL);
  return strstr (run->output, needle) != NULL;
}

/* What the server logs when it turns @client away. */
static const char *
server_log_line (const ServerCase *server,
                 ClientKind        client)
{
  if (client != CLIENT_NONE)
    return server_facts[real_server (server)].log_bad_certificate;
  if (server->kind == MUTUAL_PEER_GNUTLS_SERV && server->versions != MUTUAL_PEER_TLS_1_2_ONLY)
    return "Error in handshake: Certificate is required.";
  return server_facts[real_server (server)].log_no_certificate;
}

static void
test_server (gconstpointer data)
{
  const ServerCase *server = data;
  MutualPeerConfig config = server_config (server);
  g_autoptr(MutualPeer) peer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *work_dir = NULL;
  g_autofree char *tmp_prefix = NULL;
  const char *expected_version = NULL;
  GPid pid;
  guint16 port;

  require_program ("openssl", "openssl");
  require_program (client_tool (server), server_facts[real_server (server)].package);

  peer = mutual_peer_start (server->kind, &config, &error);
  g_assert_no_error (error);
  g_assert_nonnull (peer);

  pid = mutual_peer_get_pid (peer);
  port = mutual_peer_get_port (peer);
  work_dir = g_strdup (mutual_peer_get_work_dir (peer));
  tmp_prefix = g_strconcat (g_get_tmp_dir (), "/", NULL);
  g_assert_cmpint (pid, >, 0);
  g_assert_cmpuint (port, >, 0);
  g_assert_cmpstr (mutual_peer_get_host (peer), ==, "127.0.0.1");
  g_assert_true (g_str_has_prefix (work_dir, tmp_prefix));
  g_assert_true (g_file_test (work_dir, G_FILE_TEST_IS_DIR));
  g_test_message ("started %s (%s, %s) on port %u in %.3f s: %s",
                  mutual_peer_kind_to_string (server->kind), version_label (server->versions),
                  server->auth == MUTUAL_PEER_CLIENT_AUTH_REQUIRE ? "require" : "request", port,
                  mutual_peer_get_startup_time_us (peer) / (double) G_USEC_PER_SEC,
                  mutual_peer_get_command_line (peer));

  if (server->versions == MUTUAL_PEER_TLS_1_2_ONLY)
    expected_version = "TLSv1.2";
  else
    expected_version = "TLSv1.3";

  /* A good certificate with its intermediate is accepted. */
  {
    g_autoptr(ClientRun) run = application_client (peer, server, CLIENT_GOOD);

    check (peer, run, application_accepted (server, CLIENT_GOOD, run),
           "the good client certificate was not accepted");
    check (peer, run, negotiated (server, run, expected_version),
           "the good client did not negotiate the expected version");
  }

  /* GnuTLS insists on the OCSP response that server.pem demands: nginx staples it. */
  if (server->kind == MUTUAL_PEER_NGINX)
    {
      g_autoptr(ClientRun) run = gnutls_cli (peer, server->versions, CLIENT_GOOD,
                                             CLIENT_TIMEOUT_S);

      check (peer, run, run->status == 0 && strstr (run->output, "HTTP/1.1 200 OK") != NULL &&
             strstr (run->output, "verify=SUCCESS") != NULL,
             "gnutls-cli with a good certificate was not served by nginx");
    }

  /* No certificate: rejected when required, served when only requested. */
  {
    g_autoptr(ClientRun) run = application_client (peer, server, CLIENT_NONE);
    g_autofree char *text = application_signal (server, run);

    check (peer, run, record_signal (server, CLIENT_NONE, client_tool (server), text),
           "a client without a certificate did not get the documented answer");
    if (server->auth == MUTUAL_PEER_CLIENT_AUTH_REQUIRE)
      check (peer, run, !application_accepted (server, CLIENT_NONE, run) &&
             (run->status != 0 || strstr (run->output, "HTTP_STATUS=400") != NULL),
             "a client without a certificate was accepted");
    else
      check (peer, run, application_accepted (server, CLIENT_NONE, run),
             "a client without a certificate was refused although it is optional");
  }

  /* A certificate from another CA is always rejected. */
  {
    g_autoptr(ClientRun) run = application_client (peer, server, CLIENT_FOREIGN);
    g_autofree char *text = application_signal (server, run);

    check (peer, run, record_signal (server, CLIENT_FOREIGN, client_tool (server), text),
           "a client with a foreign certificate did not get the documented answer");
    check (peer, run, !application_accepted (server, CLIENT_FOREIGN, run) &&
           (run->status != 0 || strstr (run->output, "HTTP_STATUS=400") != NULL),
           "a client certificate from a foreign CA was accepted");
  }

  /* The server's own account of the rejections. */
  if (server->auth == MUTUAL_PEER_CLIENT_AUTH_REQUIRE)
    check (peer, NULL, log_shows (peer, server_log_line (server, CLIENT_NONE)),
           "the server log does not show the client without a certificate");
  check (peer, NULL, log_shows (peer, server_log_line (server, CLIENT_FOREIGN)),
         "the server log does not show the foreign certificate");

  /* The TLS layer as openssl s_client sees it: the alert, if any. */
  for (ClientKind client = CLIENT_NONE; client <= CLIENT_FOREIGN; client++)
    {
      g_autoptr(ClientRun) run = s_client (peer, NULL, client);
      g_autofree char *text = s_client_signal (run);

      check (peer, run, record_signal (server, client, "s_client", text),
             "s_client did not get the documented answer");
    }

  /* The version is enforced by the server: the other one fails the handshake. */
  if (server->versions != MUTUAL_PEER_TLS_1_2_AND_1_3)
    {
      gboolean only_12 = server->versions == MUTUAL_PEER_TLS_1_2_ONLY;
      g_autoptr(ClientRun) right = s_client (peer, only_12 ? "-tls1_2" : "-tls1_3", CLIENT_GOOD);
      g_autoptr(ClientRun) wrong = s_client (peer, only_12 ? "-tls1_3" : "-tls1_2", CLIENT_GOOD);
      g_autofree char *needle = g_strdup_printf ("Protocol version: %s", expected_version);
      g_autofree char *text = s_client_signal (wrong);
      g_autofree char *line = g_strdup_printf ("s_client %s", only_12 ? "-tls1_3" : "-tls1_2");

      check (peer, right, strstr (right->output, needle) != NULL,
             "s_client did not negotiate the server's version");
      check (peer, wrong, strstr (wrong->output, "CONNECTION ESTABLISHED") == NULL &&
             strstr (wrong->output, "Protocol version:") == NULL,
             "s_client negotiated a version the server should refuse");
      check (peer, wrong, record_signal (server, CLIENT_GOOD, line, text),
             "s_client with the wrong version did not get the documented answer");
    }

  /* Stopped means gone: the process and its group, and the port. */
  mutual_peer_free (g_steal_pointer (&peer));
  assert_server_gone (pid, port);
  if (g_getenv ("MUTUAL_TEST_KEEP") == NULL)
    g_assert_false (g_file_test (work_dir, G_FILE_TEST_EXISTS));
}

/* Hostile peers ------------------------------------------------------------------------ */

typedef struct
{
  GByteArray *data;
  GArray *arrival_us;
  gboolean end_of_stream;
  gboolean timed_out;
} BoundedRead;

static void
bounded_read_clear (BoundedRead *read)
{
  g_clear_pointer (&read->data, g_byte_array_unref);
  g_clear_pointer (&read->arrival_us, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (BoundedRead, bounded_read_clear)

/* Reads from @socket until @max_bytes arrived, @stop_at is seen, the peer closes or
 * @timeout_ms passed, one recv() at a time. */
static void
bounded_read (GSocket     *socket,
              gsize        max_bytes,
              const char  *stop_at,
              guint        timeout_ms,
              BoundedRead *read)
{
  gint64 start = g_get_monotonic_time ();
  gint64 deadline = start + (gint64) timeout_ms * 1000;

  read->data = g_byte_array_new ();
  read->arrival_us = g_array_new (FALSE, FALSE, sizeof (gint64));

  while (read->data->len < max_bytes)
    {
      g_autoptr(GError) error = NULL;
      gint64 left = deadline - g_get_monotonic_time ();
      char buffer[4096];
      gssize count;

      if (left <= 0 || !g_socket_condition_timed_wait (socket, G_IO_IN, left, NULL, &error))
        {
          read->timed_out = TRUE;
          break;
        }
      count = g_socket_receive (socket, buffer, MIN (sizeof buffer, max_bytes - read->data->len),
                                NULL, &error);
      if (count < 0)
        g_assert_no_error (error);
      if (count == 0)
        {
          read->end_of_stream = TRUE;
          break;
        }
      for (gssize i = 0; i < count; i++)
        {
          gint64 at = g_get_monotonic_time () - start;

          g_array_append_val (read->arrival_us, at);
        }
      g_byte_array_append (read->data, (guint8 *) buffer, count);
      if (stop_at != NULL && read->data->len >= strlen (stop_at) &&
          memcmp (read->data->data + read->data->len - strlen (stop_at), stop_at,
                  strlen (stop_at)) == 0)
        break;
    }
}

static GSocket *
connect_to (MutualPeer *peer)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  g_socket_client_set_timeout (client, 5);
  connection = g_socket_client_connect_to_host (client, mutual_peer_get_host (peer),
                                                mutual_peer_get_port (peer), NULL, &error);
  g_assert_no_error (error);
  /* The socket outlives the connection object only with a reference of its own. */
  return g_object_ref (g_socket_connection_get_socket (connection));
}

static void
wait_for_connections (MutualPeer *peer,
                      guint       count)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (mutual_peer_get_connection_count (peer) < count && g_get_monotonic_time () < deadline)
    g_usleep (10 * 1000);
  g_assert_cmpuint (mutual_peer_get_connection_count (peer), >=, count);
}

static void
record_hostile (MutualPeerKind  kind,
                const char     *tool,
                const char     *text)
{
  gboolean documented = record_signal_line (mutual_peer_kind_to_string (kind), "-", "-", "-",
                                            tool, text);

  /* Only the reference client's view needs a documented pattern; the reads are
   * asserted where they happen. */
  if (!g_str_equal (tool, "bounded read"))
    g_assert_true (documented);
}

/* What gnutls-cli (as the future probe's reference) makes of a peer that is no TLS
 * server; bounded by @timeout_s. */
static void
handshake_against (MutualPeer *peer,
                   guint       timeout_s)
{
  g_autoptr(ClientRun) run = gnutls_cli (peer, MUTUAL_PEER_TLS_1_2_AND_1_3, CLIENT_GOOD,
                                         timeout_s);
  g_autofree char *text = gnutls_cli_signal (run);

  g_assert_cmpint (run->status, !=, 0);
  g_assert_null (strstr (run->output, "Handshake was completed"));
  record_hostile (mutual_peer_get_kind (peer), "gnutls-cli", text);
}

static void
assert_closed_after_free (MutualPeer **peer,
                          GSocket     *open_socket)
{
  guint16 port = mutual_peer_get_port (*peer);
  g_autofree char *work_dir = g_strdup (mutual_peer_get_work_dir (*peer));

  g_clear_pointer (peer, mutual_peer_free);
  g_assert_false (mutual_peer_port_accepts (port, 500));
  if (g_getenv ("MUTUAL_TEST_KEEP") == NULL)
    g_assert_false (g_file_test (work_dir, G_FILE_TEST_EXISTS));

  /* A connection that was still open is closed by the peer's stop. */
  if (open_socket != NULL)
    {
      g_auto(BoundedRead) read = { 0 };

      bounded_read (open_socket, 65536, NULL, 2000, &read);
      g_assert_true (read.end_of_stream);
    }
}

static void
check_plaintext (const BoundedRead *read)
{
  g_assert_false (read->timed_out);
  g_assert_cmpmem (read->data->data, read->data->len, "220 hello\r\n", strlen ("220 hello\r\n"));
}

static void
check_silent (const BoundedRead *read)
{
  /* Accepted, still open, and not a byte. */
  g_assert_true (read->timed_out);
  g_assert_false (read->end_of_stream);
  g_assert_cmpuint (read->data->len, ==, 0);
}

static void
check_garbage (const BoundedRead *read)
{
  guint distinct = 0;
  gboolean seen[256] = { FALSE };

  g_assert_cmpuint (read->data->len, ==, 4096);
  for (guint i = 0; i < read->data->len; i++)
    {
      if (!seen[read->data->data[i]])
        distinct++;
      seen[read->data->data[i]] = TRUE;
    }
  /* 4096 random bytes use nearly every byte value. */
  g_assert_cmpuint (distinct, >, 200);
}

static void
check_trickle (const BoundedRead *read)
{
  g_assert_true (read->timed_out);
  /* One byte a second: three (or, on a slow machine, two) in 3.5 s. */
  g_assert_cmpuint (read->data->len, >=, 2);
  g_assert_cmpuint (read->data->len, <=, 4);
  g_assert_cmpmem (read->data->data, read->data->len, "220 slow", read->data->len);
  /* The first byte comes after one interval, not at once. (The gaps between later
   * bytes are not checked: a stalled reader gets two at a time.) */
  g_assert_cmpint (g_array_index (read->arrival_us, gint64, 0), >=, 800 * 1000);
}

/* Each hostile peer: what a bounded read of its first connection sees, then what
 * gnutls-cli makes of it (within @handshake_s; 0 for no handshake). */
typedef struct
{
  MutualPeerKind kind;
  gsize read_max;
  const char *read_stop_at;
  guint read_ms;
  void (*check_read) (const BoundedRead *read);
  const char *observed;
  guint handshake_s;
} HostileCase;

static const HostileCase hostile_cases[] = {
  { MUTUAL_PEER_PLAINTEXT, 1024, "\r\n", 5000, check_plaintext,
    "\"220 hello\\r\\n\" at once", 10 },
  /* gnutls-cli has no handshake timeout: only timeout(1) ends it. */
  { MUTUAL_PEER_SILENT, 1024, NULL, 1500, check_silent, "nothing within 1.5 s, connection open", 3 },
  { MUTUAL_PEER_GARBAGE, 4096, NULL, 5000, check_garbage, "4096 random bytes at once, then open",
    10 },
  { MUTUAL_PEER_TRICKLE, 1024, NULL, 3500, check_trickle, "one byte a second", 0 },
};

static void
test_hostile (gconstpointer data)
{
  const HostileCase *hostile = data;
  MutualPeerConfig config = { .garbage_size = 4096 };
  g_autoptr(GSocket) socket = NULL;
  g_auto(BoundedRead) read = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(MutualPeer) peer = mutual_peer_start (hostile->kind, &config, &error);

  g_assert_no_error (error);
  /* In-process: no server program. */
  g_assert_cmpint (mutual_peer_get_pid (peer), ==, 0);
  socket = connect_to (peer);
  wait_for_connections (peer, 1);
  bounded_read (socket, hostile->read_max, hostile->read_stop_at, hostile->read_ms, &read);
  hostile->check_read (&read);
  record_hostile (hostile->kind, "bounded read", hostile->observed);

  if (hostile->handshake_s > 0)
    {
      handshake_against (peer, hostile->handshake_s);
      wait_for_connections (peer, 2);
    }
  assert_closed_after_free (&peer, socket);
}

/* Clean-up when the test dies ----------------------------------------------------------- */

static const ServerCase crash_cases[] = {
  { MUTUAL_PEER_GNUTLS_SERV, MUTUAL_PEER_TLS_1_3_ONLY, MUTUAL_PEER_CLIENT_AUTH_REQUIRE },
  { MUTUAL_PEER_OPENSSL_S_SERVER, MUTUAL_PEER_TLS_1_3_ONLY, MUTUAL_PEER_CLIENT_AUTH_REQUIRE },
  { MUTUAL_PEER_NGINX, MUTUAL_PEER_TLS_1_3_ONLY, MUTUAL_PEER_CLIENT_AUTH_REQUIRE },
  { MUTUAL_PEER_MOSQUITTO, MUTUAL_PEER_TLS_1_3_ONLY, MUTUAL_PEER_CLIENT_AUTH_REQUIRE },
  { MUTUAL_PEER_POSTGRESQL, MUTUAL_PEER_TLS_1_3_ONLY, MUTUAL_PEER_CLIENT_AUTH_REQUIRE },
};

/* In a subprocess: starts every server, says where they are, and dies the hardest way,
 * with no chance to clean up. */
static void
crash_with_servers (const char *report)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (crash_cases); i++)
    {
      MutualPeerConfig config = server_config (&crash_cases[i]);
      MutualPeer *peer = mutual_peer_start (crash_cases[i].kind, &config, &error);

      g_assert_no_error (error);
      g_string_append_printf (text, "%d %u %s\n", (int) mutual_peer_get_pid (peer),
                              mutual_peer_get_port (peer), mutual_peer_get_work_dir (peer));
      /* Deliberately never freed. */
    }
  g_file_set_contents (report, text->str, text->len, &error);
  g_assert_no_error (error);
  kill (getpid (), SIGKILL);
}

static void
test_crash (void)
{
  g_autofree char *report = scratch ("crash-report.txt");
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  guint servers = 0;

  if (g_test_subprocess ())
    {
      crash_with_servers (report);
      return;
    }

  g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_failed ();

  g_file_get_contents (report, &text, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], " ", 3);
      pid_t pid = (pid_t) g_ascii_strtoll (fields[0], NULL, 10);
      guint16 port = (guint16) g_ascii_strtoull (fields[1], NULL, 10);
      g_autoptr(ClientRun) removed = NULL;

      g_assert_cmpint (pid, >, 0);
      /* The parent-death signal did it: nobody else stopped these servers. */
      assert_server_gone (pid, port);
      g_test_message ("crashed test: %s (pid %d, port %u) is gone",
                      mutual_peer_kind_to_string (crash_cases[i].kind), (int) pid, port);
      /* The folder stays behind, as the test had no chance to remove it. */
      g_assert_true (g_str_has_prefix (fields[2], g_get_tmp_dir ()));
      removed = run_client (NULL, "rm", "-rf", "--one-file-system", fields[2], NULL);
      g_assert_cmpint (removed->status, ==, 0);
      servers++;
    }
  g_assert_cmpuint (servers, ==, G_N_ELEMENTS (crash_cases));
}

/* Configuration errors ------------------------------------------------------------------ */

static void
test_errors (void)
{
  ServerCase server = { MUTUAL_PEER_GNUTLS_SERV, MUTUAL_PEER_TLS_1_3_ONLY,
                        MUTUAL_PEER_CLIENT_AUTH_REQUIRE };
  MutualPeerConfig config = server_config (&server);
  g_autoptr(MutualPeer) peer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  /* A missing program names its Debian package. */
  path = mutual_peer_find_program ("mutual-no-such-server", "mutual-no-such-package", &error);
  g_assert_null (path);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "“mutual-no-such-package”"));
  g_clear_error (&error);
  for (MutualPeerKind kind = MUTUAL_PEER_GNUTLS_SERV; kind <= MUTUAL_PEER_POSTGRESQL; kind++)
    g_assert_nonnull (mutual_peer_kind_get_package (kind));
  g_assert_null (mutual_peer_kind_get_package (MUTUAL_PEER_SILENT));

  /* Verifying clients needs a CA: no server that would accept anybody. */
  config.client_ca_files = NULL;
  peer = mutual_peer_start (MUTUAL_PEER_GNUTLS_SERV, &config, &error);
  g_assert_null (peer);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* mosquitto has no "optional certificate" mode, and cannot staple. */
  server.kind = MUTUAL_PEER_MOSQUITTO;
  server.auth = MUTUAL_PEER_CLIENT_AUTH_REQUEST;
  config = server_config (&server);
  peer = mutual_peer_start (MUTUAL_PEER_MOSQUITTO, &config, &error);
  g_assert_null (peer);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  server.auth = MUTUAL_PEER_CLIENT_AUTH_REQUIRE;
  config = server_config (&server);
  config.ocsp_response_file = ocsp_response;
  peer = mutual_peer_start (MUTUAL_PEER_MOSQUITTO, &config, &error);
  g_assert_null (peer);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
}

/* Set-up ---------------------------------------------------------------------------------- */

static const ServerCase server_cases[] = {
  { MUTUAL_PEER_GNUTLS_SERV, MUTUAL_PEER_TLS_1_2_ONLY, MUTUAL_PEER_CLIENT_AUTH_REQUIRE },
  { MUTUAL_PEER_GNUTLS_SERV, MUTUAL_PEER_TLS_1_3_ONLY, MUTUAL_PEER_CLIENT_AUTH_REQUIRE },
  { MUTUAL_PEER_GNUTLS_SERV, MUTUAL_PEER_TLS_1_2_AND_1_3, MUTUAL_PEER_CLIENT_AUTH_REQUEST },
  { MUTUAL_PEER_OPENSSL_S_SERVER, MUTUAL_PEER_TLS_1_2_ONLY, MUTUAL_PEER_CLIENT_AUTH_REQUIRE },
  { MUTUAL_PEER_OPENSSL_S_SERVER, MUTUAL_PEER_TLS_1_3_ONLY, MUTUAL_PEER_CLIENT_AUTH_REQUIRE },
  { MUTUAL_PEER_OPENSSL_S_SERVER, MUTUAL_PEER_TLS_1_2_AND_1_3, MUTUAL_PEER_CLIENT_AUTH_REQUEST },
  { MUTUAL_PEER_NGINX, MUTUAL_PEER_TLS_1_2_ONLY, MUTUAL_PEER_CLIENT_AUTH_REQUIRE },
  { MUTUAL_PEER_NGINX, MUTUAL_PEER_TLS_1_3_ONLY, MUTUAL_PEER_CLIENT_AUTH_REQUIRE },
  { MUTUAL_PEER_NGINX, MUTUAL_PEER_TLS_1_2_ONLY, MUTUAL_PEER_CLIENT_AUTH_REQUEST },
  { MUTUAL_PEER_NGINX, MUTUAL_PEER_TLS_1_3_ONLY, MUTUAL_PEER_CLIENT_AUTH_REQUEST },
  { MUTUAL_PEER_MOSQUITTO, MUTUAL_PEER_TLS_1_2_ONLY, MUTUAL_PEER_CLIENT_AUTH_REQUIRE },
  { MUTUAL_PEER_MOSQUITTO, MUTUAL_PEER_TLS_1_3_ONLY, MUTUAL_PEER_CLIENT_AUTH_REQUIRE },
  { MUTUAL_PEER_POSTGRESQL, MUTUAL_PEER_TLS_1_2_ONLY, MUTUAL_PEER_CLIENT_AUTH_REQUIRE },
  { MUTUAL_PEER_POSTGRESQL, MUTUAL_PEER_TLS_1_3_ONLY, MUTUAL_PEER_CLIENT_AUTH_REQUIRE },
  { MUTUAL_PEER_POSTGRESQL, MUTUAL_PEER_TLS_1_2_AND_1_3, MUTUAL_PEER_CLIENT_AUTH_REQUEST },
};

static void
make_client_files (void)
{
  g_autofree char *leaf = fixture ("client-p256.pem");
  g_autofree char *intermediate = fixture ("intermediate-ca.pem");
  g_autofree char *server = fixture ("server.pem");
  g_autofree char *root = fixture ("root-ca.pem");
  g_autofree char *root_key = fixture ("root-ca.key");
  g_autofree char *leaf_text = NULL;
  g_autofree char *intermediate_text = NULL;
  g_autofree char *chain = NULL;
  g_autoptr(GError) error = NULL;

  /* The crash test's subprocess uses its parent's files. */
  if (g_test_subprocess ())
    {
      scratch_dir = g_strdup (g_getenv ("MUTUAL_PEER_TEST_SCRATCH"));
      g_assert_nonnull (scratch_dir);
      client_chain = scratch ("client-p256-chain.pem");
      ocsp_response = scratch ("server-ocsp.der");
      return;
    }

  scratch_dir = g_dir_make_tmp ("test-peers-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("MUTUAL_PEER_TEST_SCRATCH", scratch_dir, TRUE);

  g_file_get_contents (leaf, &leaf_text, NULL, &error);
  g_assert_no_error (error);
  g_file_get_contents (intermediate, &intermediate_text, NULL, &error);
  g_assert_no_error (error);
  chain = g_strconcat (leaf_text, intermediate_text, NULL);
  client_chain = scratch ("client-p256-chain.pem");
  g_file_set_contents (client_chain, chain, -1, &error);
  g_assert_no_error (error);

  ocsp_response = scratch ("server-ocsp.der");
  mutual_peer_make_ocsp_response (server, root, root_key, ocsp_response, &error);
  g_assert_no_error (error);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  signal_table = g_string_new (NULL);

  /* Only what every test needs; the subprocess of the crash test needs it too. */
  make_client_files ();
  load_signal_table ();

  for (guint i = 0; i < G_N_ELEMENTS (server_cases); i++)
    {
      const ServerCase *server = &server_cases[i];
      g_autofree char *path = g_strdup_printf ("/peers/%s/%s/%s",
                                               mutual_peer_kind_to_string (server->kind),
                                               server->auth == MUTUAL_PEER_CLIENT_AUTH_REQUIRE
                                                 ? "require" : "request",
                                               version_path (server->versions));

      g_test_add_data_func (path, server, test_server);
    }
  for (guint i = 0; i < G_N_ELEMENTS (hostile_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/peers/hostile/%s",
                                               mutual_peer_kind_to_string (hostile_cases[i].kind));

      g_test_add_data_func (path, &hostile_cases[i], test_hostile);
    }
  g_test_add_func ("/peers/cleanup/crash", test_crash);
  g_test_add_func ("/peers/errors", test_errors);

  status = g_test_run ();

  if (signal_table->len > 0)
    g_test_message ("rejection signals (server | auth | version | client | tool | signal):\n%s",
                    signal_table->str);

  if (!g_test_subprocess ())
    {
      g_autoptr(ClientRun) removed = run_client (NULL, "rm", "-rf", scratch_dir, NULL);
    }
  g_string_free (signal_table, TRUE);
  g_ptr_array_unref (signal_keys);
  g_ptr_array_unref (signal_patterns);
  g_free (scratch_dir);
  g_free (client_chain);
  g_free (ocsp_response);
  return status;
}
