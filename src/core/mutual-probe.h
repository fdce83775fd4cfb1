/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "mutual-certificate.h"
#include "mutual-json.h"
#include "mutual-private-key.h"
#include "mutual-probe-step.h"
#include "mutual-trust.h"

G_BEGIN_DECLS

/**
 * MutualProtocol:
 * @MUTUAL_PROTOCOL_TLS: TLS from the first byte, then a bounded read
 * @MUTUAL_PROTOCOL_HTTPS: HTTP over TLS; a GET after the handshake
 * @MUTUAL_PROTOCOL_MQTT: MQTT over TLS; CONNECT and CONNACK after the handshake
 * @MUTUAL_PROTOCOL_POSTGRES: PostgreSQL's SSLRequest, then a startup message
 * @MUTUAL_PROTOCOL_MYSQL: MySQL's SSL request, then a handshake response
 * @MUTUAL_PROTOCOL_SMTP: SMTP STARTTLS
 * @MUTUAL_PROTOCOL_IMAP: IMAP STARTTLS
 * @MUTUAL_PROTOCOL_POP3: POP3 STLS
 * @MUTUAL_PROTOCOL_LDAP: LDAP StartTLS extended operation
 * @MUTUAL_PROTOCOL_XMPP: XMPP (client to server) STARTTLS
 * @MUTUAL_PROTOCOL_FTP: FTP AUTH TLS
 */
typedef enum
{
  MUTUAL_PROTOCOL_TLS,
  MUTUAL_PROTOCOL_HTTPS,
  MUTUAL_PROTOCOL_MQTT,
  MUTUAL_PROTOCOL_POSTGRES,
  MUTUAL_PROTOCOL_MYSQL,
  MUTUAL_PROTOCOL_SMTP,
  MUTUAL_PROTOCOL_IMAP,
  MUTUAL_PROTOCOL_POP3,
  MUTUAL_PROTOCOL_LDAP,
  MUTUAL_PROTOCOL_XMPP,
  MUTUAL_PROTOCOL_FTP,
} MutualProtocol;

/**
 * MutualTlsVersion:
 * @MUTUAL_TLS_ANY: no limit
 * @MUTUAL_TLS_1_2: TLS 1.2
 * @MUTUAL_TLS_1_3: TLS 1.3
 */
typedef enum
{
  MUTUAL_TLS_ANY,
  MUTUAL_TLS_1_2,
  MUTUAL_TLS_1_3,
} MutualTlsVersion;

/**
 * MutualProbeOutcome:
 * @MUTUAL_PROBE_NOT_RUN: the probe has not finished
 * @MUTUAL_PROBE_SUCCESS: connected, handshake done, the server accepted the client
 * @MUTUAL_PROBE_PROBLEMS: connected, and something failed or was refused: the
 *   findings say what
 * @MUTUAL_PROBE_UNREACHABLE: no connection: the name, the address or the port
 */
typedef enum
{
  MUTUAL_PROBE_NOT_RUN,
  MUTUAL_PROBE_SUCCESS,
  MUTUAL_PROBE_PROBLEMS,
  MUTUAL_PROBE_UNREACHABLE,
} MutualProbeOutcome;

#define MUTUAL_TYPE_PROBE (mutual_probe_get_type ())

G_DECLARE_FINAL_TYPE (MutualProbe, mutual_probe, MUTUAL, PROBE, GObject)

MutualProbe        *mutual_probe_new                (const char          *host,
                                                     guint16              port);
void                mutual_probe_set_protocol       (MutualProbe         *self,
                                                     MutualProtocol       protocol);
void                mutual_probe_set_sni            (MutualProbe         *self,
                                                     const char          *sni);
void                mutual_probe_set_identity       (MutualProbe         *self,
                                                     GPtrArray           *chain,
                                                     MutualPrivateKey    *key);
void                mutual_probe_set_trust          (MutualProbe         *self,
                                                     MutualTrust         *trust);
void                mutual_probe_set_versions       (MutualProbe         *self,
                                                     MutualTlsVersion     min,
                                                     MutualTlsVersion     max);
void                mutual_probe_set_alpn           (MutualProbe         *self,
                                                     const char * const  *protocols);
void                mutual_probe_set_timeouts       (MutualProbe         *self,
                                                     guint                step_ms,
                                                     guint                total_ms);
void                mutual_probe_set_family         (MutualProbe         *self,
                                                     GSocketFamily        family);
void                mutual_probe_set_keylog         (MutualProbe         *self,
                                                     const char          *path);
void                mutual_probe_set_user           (MutualProbe         *self,
                                                     const char          *user);
void                mutual_probe_set_check_any_certificate (MutualProbe  *self,
                                                     gboolean             check);
const char         *mutual_probe_get_host           (MutualProbe         *self);
guint16             mutual_probe_get_port           (MutualProbe         *self);
MutualProtocol      mutual_probe_get_protocol       (MutualProbe         *self);
GListModel         *mutual_probe_get_steps          (MutualProbe         *self);
MutualProbeOutcome  mutual_probe_get_outcome        (MutualProbe         *self);
GPtrArray          *mutual_probe_get_findings       (MutualProbe         *self);
GPtrArray          *mutual_probe_get_server_chain   (MutualProbe         *self);
gint64              mutual_probe_get_duration       (MutualProbe         *self);

void                mutual_probe_run_async          (MutualProbe         *self,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean            mutual_probe_run_finish         (MutualProbe         *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

void                mutual_probe_to_json            (MutualProbe         *self,
                                                     MutualJson          *json,
                                                     const char          *member);

const char         *mutual_protocol_to_string       (MutualProtocol       protocol);
gboolean            mutual_protocol_from_string     (const char          *name,
                                                     MutualProtocol      *protocol);
guint16             mutual_protocol_default_port    (MutualProtocol       protocol);
const char         *mutual_probe_outcome_to_string  (MutualProbeOutcome   outcome);

G_END_DECLS
