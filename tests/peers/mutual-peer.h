/* SPDX-License-Identifier: GPL-3.0-or-later */

/* MutualPeer: a real server on 127.0.0.1 for tests, started in a fresh temporary folder
 * and always stopped. See README.md beside this file for each server's command line,
 * its start-up time and how it rejects a client certificate. */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  /* Real TLS servers, each a program from a Debian package. */
  MUTUAL_PEER_GNUTLS_SERV,
  MUTUAL_PEER_OPENSSL_S_SERVER,
  MUTUAL_PEER_NGINX,
  MUTUAL_PEER_MOSQUITTO,
  MUTUAL_PEER_POSTGRESQL,
  /* Hostile or odd peers, implemented in this library on a thread of their own. */
  MUTUAL_PEER_PLAINTEXT,
  MUTUAL_PEER_SILENT,
  MUTUAL_PEER_GARBAGE,
  MUTUAL_PEER_TRICKLE,
  /* A TLS 1.2 ServerHello, then a Certificate message of huge_chain_count copies of
   * the server certificate (see MutualPeerConfig), then silence. */
  MUTUAL_PEER_HUGE_CHAIN,
} MutualPeerKind;

typedef enum
{
  /* The safe default: ask for a client certificate, fail the connection without one,
   * and verify it against the client CA files. */
  MUTUAL_PEER_CLIENT_AUTH_REQUIRE = 0,
  /* Ask for a certificate and verify one that is sent, but accept a client without. */
  MUTUAL_PEER_CLIENT_AUTH_REQUEST,
  /* Do not ask for a client certificate. */
  MUTUAL_PEER_CLIENT_AUTH_NONE,
} MutualPeerClientAuth;

typedef enum
{
  MUTUAL_PEER_TLS_1_2_AND_1_3 = 0,
  MUTUAL_PEER_TLS_1_2_ONLY,
  MUTUAL_PEER_TLS_1_3_ONLY,
} MutualPeerTlsVersions;

typedef struct
{
  /* The server's certificate and key (PEM), and optionally a PEM file of intermediates
   * sent after it. The peer copies them into its folder. */
  const char *server_cert_file;
  const char *server_key_file;
  const char *server_chain_file;
  /* PEM files concatenated into the file the server verifies clients with, and whose
   * subjects it announces as acceptable CAs: everything it needs to build a client's
   * chain to a trust anchor. NULL-terminated; NULL or empty for none. */
  const char * const *client_ca_files;
  MutualPeerClientAuth client_auth;
  MutualPeerTlsVersions tls_versions;
  /* A DER OCSP response for the server certificate, stapled by gnutls-serv,
   * openssl s_server and nginx (see mutual_peer_make_ocsp_response()). The fixture
   * server.pem requires stapling (TLS feature status_request), which GnuTLS clients
   * enforce. Other kinds refuse it. */
  const char *ocsp_response_file;
  /* PEM CRLs the server checks client certificates against (gnutls-serv --x509crlfile,
   * openssl s_server -CRL with -crl_check, nginx ssl_crl, mosquitto crlfile, PostgreSQL
   * ssl_crl_file). nginx and PostgreSQL check every CA of the chain and need a CRL of
   * each. NULL for none. */
  const char *crl_file;

  /* PostgreSQL: the roles to create. A client certificate whose CN is a role's name
   * logs in as that role with `cert` authentication. */
  const char * const *postgresql_roles;

  /* Plaintext peer: the greeting (default "220 hello\r\n"). Trickle peer: the bytes
   * to send one at a time (default "220 slow hello from the trickle peer\r\n"). */
  const char *greeting;
  /* Trickle peer: the pause before each byte (default 1000 ms). */
  guint trickle_interval_ms;
  /* Garbage peer: how many random bytes each connection gets (default 4096). */
  gsize garbage_size;
  /* Huge-chain peer: the certificate it repeats (server_cert_file, PEM; required) and
   * how many times (default 5000, about 5 MB with the fixture server.pem). The
   * Certificate message declares exactly what it sends. */
  guint huge_chain_count;

  /* nginx: also listen on [::1] at the same port (IPv6 loopback). Other kinds refuse it. */
  gboolean also_ipv6;

  /* How long the start may take before it fails (default 20 s, PostgreSQL 60 s). */
  guint startup_timeout_ms;
} MutualPeerConfig;

typedef struct _MutualPeer MutualPeer;

MutualPeer     *mutual_peer_start                   (MutualPeerKind          kind,
                                                     const MutualPeerConfig *config,
                                                     GError                **error);
gboolean        mutual_peer_stop                    (MutualPeer             *self,
                                                     GError                **error);
void            mutual_peer_free                    (MutualPeer             *self);

MutualPeerKind  mutual_peer_get_kind                (MutualPeer             *self);
const char     *mutual_peer_get_host                (MutualPeer             *self);
guint16         mutual_peer_get_port                (MutualPeer             *self);
const char     *mutual_peer_get_work_dir            (MutualPeer             *self);
GPid            mutual_peer_get_pid                 (MutualPeer             *self);
gint64          mutual_peer_get_startup_time_us     (MutualPeer             *self);
const char     *mutual_peer_get_command_line        (MutualPeer             *self);
char           *mutual_peer_dup_log                 (MutualPeer             *self);
guint           mutual_peer_get_connection_count    (MutualPeer             *self);

const char     *mutual_peer_kind_to_string          (MutualPeerKind          kind);
gboolean        mutual_peer_kind_is_tls             (MutualPeerKind          kind);
const char     *mutual_peer_kind_get_package        (MutualPeerKind          kind);

char           *mutual_peer_find_program            (const char             *program,
                                                     const char             *package,
                                                     GError                **error);
gboolean        mutual_peer_make_ocsp_response      (const char             *cert_file,
                                                     const char             *issuer_file,
                                                     const char             *issuer_key_file,
                                                     const char             *output_file,
                                                     GError                **error);
gboolean        mutual_peer_port_accepts            (guint16                 port,
                                                     guint                   timeout_ms);
gboolean        mutual_peer_process_alive           (GPid                    pid,
                                                     gboolean                with_group);
void            mutual_peer_argv_add                (GPtrArray              *argv,
                                                     const char             *first,
                                                     ...) G_GNUC_NULL_TERMINATED;
void            mutual_peer_argv_add_valist         (GPtrArray              *argv,
                                                     const char             *first,
                                                     va_list                 args);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MutualPeer, mutual_peer_free)

G_END_DECLS
