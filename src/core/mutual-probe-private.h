/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mutual-chain.h"
#include "mutual-finding.h"
#include "mutual-probe.h"

G_BEGIN_DECLS

/* What a probe observed, for the diagnosis. Every member is filled by the step that
 * observes it and left at its zero value when that step did not run. */
typedef struct
{
  /* Name resolution */
  gboolean resolve_failed;
  char *resolve_error;
  /* The address given is of the family the probe was told not to use. */
  gboolean address_family_excluded;
  GPtrArray *addresses;                  /* char *, in the order tried */

  /* TCP */
  guint connect_refused;
  guint connect_timed_out;
  guint connect_other;
  char *connect_error;
  char *connected_address;

  /* Before TLS */
  gboolean preamble_failed;
  char *preamble_error;
  char *server_greeting;                 /* the first line a server sent unasked */
  gboolean starttls_refused;

  /* The handshake */
  gboolean handshake_started;
  gboolean handshake_done;
  int handshake_error;                   /* a GnuTLS code, 0 for none */
  char *handshake_error_text;
  int alert_received;                    /* a TLS alert number, -1 for none */
  gboolean timed_out;                    /* a step's or the overall deadline passed */
  gboolean peer_closed;                  /* the server closed the connection */
  gboolean write_refused;                /* a write met the closed connection */
  GByteArray *first_bytes;               /* the first bytes the server sent, up to 64 */
  guint64 handshake_bytes;               /* what the server sent before the handshake ended */
  gboolean handshake_too_large;          /* the probe stopped reading: too much of it */
  gboolean certificate_requested;
  GPtrArray *acceptable_cas;             /* char * DN strings, possibly empty */
  int identity_ca_listed;                /* 1 when a CA of the identity's chain is in the
                                          * server's list, 0 when not, -1 when no list or
                                          * no identity */
  GPtrArray *requested_signatures;       /* char * algorithm names */
  gboolean certificate_sent;
  guint certificates_sent;
  char *version;
  char *cipher;
  char *group;
  char *alpn;
  gboolean resumed;
  gboolean ocsp_stapled;

  /* The server's chain */
  GPtrArray *server_chain;               /* MutualCertificate, as sent */
  MutualChain *server_verification;
  unsigned int verify_status;            /* GnuTLS status bits */
  gboolean hostname_mismatch;
  gboolean must_staple;                  /* the server's certificate requires a staple */
  char *verified_name;

  /* The check with a throwaway certificate (mutual_probe_set_check_any_certificate) */
  gboolean any_certificate_checked;
  gboolean any_certificate_accepted;
  char *any_certificate_subject;
  char *any_certificate_answer;          /* what the server did with it, in words */

  /* After the handshake */
  gboolean application_done;
  gboolean ticket_after_handshake;       /* a TLS 1.3 NewSessionTicket: the server took
                                          * the client's Finished, and so its certificate */
  int post_alert;                        /* an alert read after the handshake, -1 for none */
  int post_error;                        /* a GnuTLS code after the handshake, 0 for none */
  int http_status;                       /* 0 for none */
  char *http_status_line;
  char *http_body_line;
  int mqtt_return_code;                  /* -1 for none */
  char *sql_state;                       /* PostgreSQL or MySQL SQLSTATE */
  char *sql_message;
  char *application_reply;               /* the first line of another protocol's answer */
} MutualProbeEvidence;

const MutualProbeEvidence *_mutual_probe_get_evidence  (MutualProbe *self);
GPtrArray                 *_mutual_probe_get_identity  (MutualProbe *self);
MutualPrivateKey          *_mutual_probe_get_key       (MutualProbe *self);
const char                *_mutual_probe_get_sni       (MutualProbe *self);
MutualTrust               *_mutual_probe_get_trust     (MutualProbe *self);

GPtrArray                 *_mutual_diagnose            (MutualProbe *self);

G_END_DECLS
