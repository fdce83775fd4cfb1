/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mutual-certificate-private.h"
#include "mutual-der-private.h"
#include "mutual-probe-private.h"
#include "mutual-probe-step-private.h"
#include "mutual-private-key-private.h"
#include "mutual-trust-private.h"
#include "mutual-x509-private.h"

/**
 * MutualProbe:
 *
 * A connection test built directly on GnuTLS: resolve, connect, the protocol's own
 * start (STARTTLS and the like), the TLS handshake with the chosen client identity,
 * verification of the server's chain, and a request of the protocol after the
 * handshake, where a TLS 1.3 server's verdict on the client certificate shows.
 *
 * Everything is event-driven on the thread-default main context with non-blocking
 * sockets: a process can run hundreds of probes at once without a thread each. Every
 * step has a deadline and the whole probe has another. Steps are published in
 * mutual_probe_get_steps() as they start and finish; once the probe is done, the
 * diagnosis turns what it observed into findings.
 */
struct _MutualProbe
{
  GObject parent_instance;

  /* Options */
  char *host;
  guint16 port;
  MutualProtocol protocol;
  char *sni;
  gboolean sni_set;
  GPtrArray *chain;
  MutualPrivateKey *key;
  MutualTrust *trust;
  MutualTlsVersion min_version;
  MutualTlsVersion max_version;
  GStrv alpn;
  guint step_ms;
  guint total_ms;
  GSocketFamily family;
  char *keylog_path;
  char *user;
  gboolean check_any;
  guint raw_wait_ms;

  /* A run */
  GTask *task;
  gboolean finishing;
  MutualProbe *check;
  GMainContext *context;
  GCancellable *cancellable;
  gulong cancelled_handler;
  gint64 started;
  gint64 finished;
  GListStore *steps;
  MutualProbeStep *step;
  guint step_timer;
  guint total_timer;
  GSource *io_source;
  void (*resume) (MutualProbe *self);
  GList *addresses;
  GList *next_address;
  GSocket *socket;
  int fd;
  GByteArray *input;
  GByteArray *output;
  guint state;
  gnutls_session_t session;
  gnutls_certificate_credentials_t credentials;
  gnutls_pcert_st *pcerts;
  unsigned int n_pcerts;
  gnutls_privkey_t privkey;
  int keylog_fd;
  MutualProbeEvidence evidence;
  MutualProbeOutcome outcome;
  GPtrArray *findings;
};

G_DEFINE_FINAL_TYPE (MutualProbe, mutual_probe, G_TYPE_OBJECT)

#define DEFAULT_STEP_MS 10000
#define DEFAULT_TOTAL_MS 30000
#define PROBE_MAX_INPUT (64 * 1024)
/* What the server may send before the handshake completes. GnuTLS buffers a whole
 * handshake message before it checks its size (up to 16 MB, the 24-bit length field),
 * and refuses one over 128 KiB only then: a hostile server could make every one of
 * hundreds of concurrent probes hold 16 MB. Real flights, even with long CA lists,
 * stay far below this. */
#define PROBE_MAX_HANDSHAKE_INPUT (256 * 1024)
#define RAW_READ_MS 1000

static void finish (MutualProbe        *self,
                    MutualProbeOutcome  outcome);
static guint add_timeout (MutualProbe *self,
                          guint        ms,
                          GSourceFunc  callback);
static void remove_timeout (MutualProbe *self,
                            guint       *id);
static void begin_connect (MutualProbe *self);
static void try_next_address (MutualProbe *self);
static void begin_preamble (MutualProbe *self);
static void begin_handshake (MutualProbe *self);
static void continue_handshake (MutualProbe *self);
static void begin_application (MutualProbe *self);

/* Protocols */

static const struct
{
  MutualProtocol protocol;
  const char *name;
  guint16 port;
} protocols[] = {
  { MUTUAL_PROTOCOL_TLS, "tls", 443 },
  { MUTUAL_PROTOCOL_HTTPS, "https", 443 },
  { MUTUAL_PROTOCOL_MQTT, "mqtt", 8883 },
  { MUTUAL_PROTOCOL_POSTGRES, "postgres", 5432 },
  { MUTUAL_PROTOCOL_MYSQL, "mysql", 3306 },
  { MUTUAL_PROTOCOL_SMTP, "smtp", 587 },
  { MUTUAL_PROTOCOL_IMAP, "imap", 143 },
  { MUTUAL_PROTOCOL_POP3, "pop3", 110 },
  { MUTUAL_PROTOCOL_LDAP, "ldap", 389 },
  { MUTUAL_PROTOCOL_XMPP, "xmpp", 5222 },
  { MUTUAL_PROTOCOL_FTP, "ftp", 21 },
};

const char *
mutual_protocol_to_string (MutualProtocol protocol)
{
  for (guint i = 0; i < G_N_ELEMENTS (protocols); i++)
    {
      if (protocols[i].protocol == protocol)
        return protocols[i].name;
    }
  return "tls";
}

gboolean
mutual_protocol_from_string (const char     *name,
                             MutualProtocol *protocol)
{
  for (guint i = 0; i < G_N_ELEMENTS (protocols); i++)
    {
      if (g_ascii_strcasecmp (protocols[i].name, name) == 0)
        {
          *protocol = protocols[i].protocol;
          return TRUE;
        }
    }
  if (g_ascii_strcasecmp (name, "postgresql") == 0 || g_ascii_strcasecmp (name, "mqtts") == 0)
    {
      *protocol = g_ascii_strcasecmp (name, "mqtts") == 0 ? MUTUAL_PROTOCOL_MQTT : MUTUAL_PROTOCOL_POSTGRES;
      return TRUE;
    }
  return FALSE;
}

/**
 * mutual_protocol_default_port:
 *
 * Returns: the port a protocol is usually served on: 443 for https, 8883 for MQTT,
 *   5432 for PostgreSQL, 587 for SMTP submission with STARTTLS...
 */
guint16
mutual_protocol_default_port (MutualProtocol protocol)
{
  for (guint i = 0; i < G_N_ELEMENTS (protocols); i++)
    {
      if (protocols[i].protocol == protocol)
        return protocols[i].port;
    }
  return 443;
}

const char *
mutual_probe_outcome_to_string (MutualProbeOutcome outcome)
{
  switch (outcome)
    {
    case MUTUAL_PROBE_NOT_RUN:
      return "not-run";
    case MUTUAL_PROBE_SUCCESS:
      return "success";
    case MUTUAL_PROBE_PROBLEMS:
      return "problems";
    case MUTUAL_PROBE_UNREACHABLE:
      return "unreachable";
    default:
      g_return_val_if_reached ("unknown");
    }
}

/* Options */

/**
 * mutual_probe_new:
 * @host: a host name or an IP address
 * @port: the TCP port, or 0 for the protocol's usual one
 */
MutualProbe *
mutual_probe_new (const char *host,
                  guint16     port)
{
  MutualProbe *self;

  g_return_val_if_fail (host != NULL && host[0] != '\0', NULL);

  self = g_object_new (MUTUAL_TYPE_PROBE, NULL);
  self->host = g_strdup (host);
  self->port = port;
  return self;
}

void
mutual_probe_set_protocol (MutualProbe    *self,
                           MutualProtocol  protocol)
{
  g_return_if_fail (MUTUAL_IS_PROBE (self));
  self->protocol = protocol;
}

/**
 * mutual_probe_set_sni:
 * @sni: (nullable): the server name to send and check, "" to send none; %NULL (the
 *   default) sends the host name unless it is an address
 */
void
mutual_probe_set_sni (MutualProbe *self,
                      const char  *sni)
{
  g_return_if_fail (MUTUAL_IS_PROBE (self));
  g_free (self->sni);
  self->sni = g_strdup (sni);
  self->sni_set = sni != NULL;
}

/**
 * mutual_probe_set_identity:
 * @chain: (nullable) (element-type MutualCertificate): the client certificate first,
 *   then the intermediates to send
 * @key: (nullable): its private key
 *
 * The identity to present. It is presented whenever the server asks, whether or not
 * its issuer is in the server's list of acceptable CAs, so that the server's own
 * verdict is observed.
 */
void
mutual_probe_set_identity (MutualProbe      *self,
                           GPtrArray        *chain,
                           MutualPrivateKey *key)
{
  g_return_if_fail (MUTUAL_IS_PROBE (self));
  g_return_if_fail ((chain == NULL) == (key == NULL));

  g_clear_pointer (&self->chain, g_ptr_array_unref);
  g_clear_object (&self->key);
  if (chain != NULL && chain->len > 0)
    {
      self->chain = g_ptr_array_ref (chain);
      self->key = g_object_ref (key);
    }
}

/**
 * mutual_probe_set_trust:
 * @trust: (nullable): the CAs to verify the server with; %NULL for the system's
 */
void
mutual_probe_set_trust (MutualProbe *self,
                        MutualTrust *trust)
{
  g_return_if_fail (MUTUAL_IS_PROBE (self));
  g_set_object (&self->trust, trust);
}

void
mutual_probe_set_versions (MutualProbe      *self,
                           MutualTlsVersion  min,
                           MutualTlsVersion  max)
{
  g_return_if_fail (MUTUAL_IS_PROBE (self));
  self->min_version = min;
  self->max_version = max;
}

/**
 * mutual_probe_set_alpn:
 * @protocols: (nullable) (array zero-terminated=1): ALPN protocols to offer
 */
void
mutual_probe_set_alpn (MutualProbe        *self,
                       const char * const *protocols_list)
{
  g_return_if_fail (MUTUAL_IS_PROBE (self));
  g_strfreev (self->alpn);
  self->alpn = g_strdupv ((char **) protocols_list);
}

/**
 * mutual_probe_set_timeouts:
 * @step_ms: the longest any one step may take
 * @total_ms: the longest the whole probe may take
 */
void
mutual_probe_set_timeouts (MutualProbe *self,
                           guint        step_ms,
                           guint        total_ms)
{
  g_return_if_fail (MUTUAL_IS_PROBE (self));
  self->step_ms = step_ms > 0 ? step_ms : DEFAULT_STEP_MS;
  self->total_ms = total_ms > 0 ? total_ms : DEFAULT_TOTAL_MS;
}

/**
 * mutual_probe_set_family:
 * @family: %G_SOCKET_FAMILY_IPV4 or %G_SOCKET_FAMILY_IPV6 to use only that, or
 *   %G_SOCKET_FAMILY_INVALID for both in the resolver's order
 */
void
mutual_probe_set_family (MutualProbe   *self,
                         GSocketFamily  family)
{
  g_return_if_fail (MUTUAL_IS_PROBE (self));
  self->family = family;
}

/**
 * mutual_probe_set_keylog:
 * @path: (nullable): append the session's secrets to this file (created with mode
 *   0600) in the NSS key log format Wireshark reads
 */
void
mutual_probe_set_keylog (MutualProbe *self,
                         const char  *path)
{
  g_return_if_fail (MUTUAL_IS_PROBE (self));
  g_free (self->keylog_path);
  self->keylog_path = g_strdup (path);
}

/**
 * mutual_probe_set_user:
 * @user: (nullable): the user name PostgreSQL and MySQL checks log in as; by default
 *   the client certificate's common name
 */
void
mutual_probe_set_user (MutualProbe *self,
                       const char  *user)
{
  g_return_if_fail (MUTUAL_IS_PROBE (self));
  g_free (self->user);
  self->user = g_strdup (user);
}

/**
 * mutual_probe_set_check_any_certificate:
 *
 * After the probe, when the server asked for a client certificate, connect once more
 * presenting a throwaway self-signed certificate that no CA issued. A server that
 * accepts it does not verify client certificates at all; the diagnosis then reports
 * that, and the outcome is a failure. The second connection has its own deadlines.
 */
void
mutual_probe_set_check_any_certificate (MutualProbe *self,
                                        gboolean     check)
{
  g_return_if_fail (MUTUAL_IS_PROBE (self));
  self->check_any = check;
}

const char *
mutual_probe_get_host (MutualProbe *self)
{
  g_return_val_if_fail (MUTUAL_IS_PROBE (self), NULL);
  return self->host;
}

guint16
mutual_probe_get_port (MutualProbe *self)
{
  g_return_val_if_fail (MUTUAL_IS_PROBE (self), 0);
  return self->port ? self->port : mutual_protocol_default_port (self->protocol);
}

MutualProtocol
mutual_probe_get_protocol (MutualProbe *self)
{
  g_return_val_if_fail (MUTUAL_IS_PROBE (self), MUTUAL_PROTOCOL_TLS);
  return self->protocol;
}

/**
 * mutual_probe_get_steps:
 *
 * Returns: (transfer none): the #MutualProbeStep list, growing as the probe runs
 */
GListModel *
mutual_probe_get_steps (MutualProbe *self)
{
  g_return_val_if_fail (MUTUAL_IS_PROBE (self), NULL);
  return G_LIST_MODEL (self->steps);
}

MutualProbeOutcome
mutual_probe_get_outcome (MutualProbe *self)
{
  g_return_val_if_fail (MUTUAL_IS_PROBE (self), MUTUAL_PROBE_NOT_RUN);
  return self->outcome;
}

/**
 * mutual_probe_get_findings:
 *
 * Returns: (transfer none) (element-type MutualFinding): the diagnosis, most
 *   important first; empty until the probe has finished
 */
GPtrArray *
mutual_probe_get_findings (MutualProbe *self)
{
  g_return_val_if_fail (MUTUAL_IS_PROBE (self), NULL);
  return self->findings;
}

/**
 * mutual_probe_get_server_chain:
 *
 * Returns: (transfer none) (element-type MutualCertificate): the certificates the
 *   server sent, in its order
 */
GPtrArray *
mutual_probe_get_server_chain (MutualProbe *self)
{
  g_return_val_if_fail (MUTUAL_IS_PROBE (self), NULL);
  return self->evidence.server_chain;
}

/**
 * mutual_probe_get_duration:
 *
 * Returns: how long the probe took, in microseconds
 */
gint64
mutual_probe_get_duration (MutualProbe *self)
{
  g_return_val_if_fail (MUTUAL_IS_PROBE (self), 0);
  return self->finished > 0 ? self->finished - self->started : 0;
}

const MutualProbeEvidence *
_mutual_probe_get_evidence (MutualProbe *self)
{
  return &self->evidence;
}

GPtrArray *
_mutual_probe_get_identity (MutualProbe *self)
{
  return self->chain;
}

MutualPrivateKey *
_mutual_probe_get_key (MutualProbe *self)
{
  return self->key;
}

MutualTrust *
_mutual_probe_get_trust (MutualProbe *self)
{
  return self->trust;
}

/* The name sent as SNI and checked against the server's certificate. */
const char *
_mutual_probe_get_sni (MutualProbe *self)
{
  if (self->sni_set)
    return self->sni[0] != '\0' ? self->sni : NULL;
  if (g_hostname_is_ip_address (self->host))
    return NULL;
  return self->host;
}

/* Steps and timers */

static gint64
elapsed (MutualProbe *self)
{
  return g_get_monotonic_time () - self->started;
}

static gboolean
step_timeout_cb (gpointer data)
{
  MutualProbe *self = data;
  g_autofree char *summary = g_strdup_printf (_("No answer within %.1f s"), self->step_ms / 1000.0);

  self->step_timer = 0;
  self->evidence.timed_out = TRUE;
  if (self->step != NULL)
    {
      _mutual_probe_step_add (self->step, "timeout", _("Timeout"), summary);
      _mutual_probe_step_finish (self->step, MUTUAL_STEP_FAILED, elapsed (self), summary);
    }
  finish (self, self->evidence.connected_address ? MUTUAL_PROBE_PROBLEMS : MUTUAL_PROBE_UNREACHABLE);
  return G_SOURCE_REMOVE;
}

static void
arm_step_timer (MutualProbe *self)
{
  remove_timeout (self, &self->step_timer);
  self->step_timer = add_timeout (self, self->step_ms, step_timeout_cb);
}

static MutualProbeStep *
begin_step (MutualProbe    *self,
            MutualStepKind  kind,
            const char     *title)
{
  MutualProbeStep *step = _mutual_probe_step_new (kind, title);

  _mutual_probe_step_start (step, elapsed (self));
  g_list_store_append (self->steps, step);
  g_set_object (&self->step, step);
  arm_step_timer (self);
  return step;
}

static void
end_step (MutualProbe      *self,
          MutualStepStatus  status,
          const char       *summary)
{
  remove_timeout (self, &self->step_timer);
  if (self->step != NULL)
    _mutual_probe_step_finish (self->step, status, elapsed (self), summary);
  g_clear_object (&self->step);
}

static void
fail_step (MutualProbe        *self,
           const char         *summary,
           MutualProbeOutcome  outcome)
{
  end_step (self, MUTUAL_STEP_FAILED, summary);
  finish (self, outcome);
}

/* Waiting for the socket */

static gboolean
io_ready_cb (GSocket      *socket,
             GIOCondition  condition,
             gpointer      data)
{
  MutualProbe *self = data;
  void (*resume) (MutualProbe *) = self->resume;

  g_clear_pointer (&self->io_source, g_source_destroy);
  self->resume = NULL;
  if (resume != NULL)
    resume (self);
  return G_SOURCE_REMOVE;
}

static void
wait_for (MutualProbe  *self,
          GIOCondition  condition,
          void        (*resume) (MutualProbe *self))
{
  g_clear_pointer (&self->io_source, g_source_destroy);
  self->resume = resume;
  self->io_source = g_socket_create_source (self->socket, condition | G_IO_ERR | G_IO_HUP, NULL);
  g_source_set_callback (self->io_source, G_SOURCE_FUNC (io_ready_cb), self, NULL);
  g_source_attach (self->io_source, self->context);
  g_source_unref (self->io_source);
}

/* Finishing */

/* Timers run on the context the probe was started on, like its sockets. */
static guint
add_timeout (MutualProbe *self,
             guint        ms,
             GSourceFunc  callback)
{
  GSource *source = g_timeout_source_new (ms);
  guint id;

  g_source_set_callback (source, callback, self, NULL);
  id = g_source_attach (source, self->context);
  g_source_unref (source);
  return id;
}

static void
remove_timeout (MutualProbe *self,
                guint       *id)
{
  GSource *source;

  if (*id == 0)
    return;
  source = g_main_context_find_source_by_id (self->context, *id);
  if (source != NULL)
    g_source_destroy (source);
  *id = 0;
}

static gboolean
total_timeout_cb (gpointer data)
{
  MutualProbe *self = data;
  g_autofree char *summary = g_strdup_printf (_("The probe took longer than %.1f s"),
                                              self->total_ms / 1000.0);

  self->total_timer = 0;
  self->evidence.timed_out = TRUE;
  if (self->step != NULL)
    end_step (self, MUTUAL_STEP_FAILED, summary);
  finish (self, self->evidence.connected_address ? MUTUAL_PROBE_PROBLEMS : MUTUAL_PROBE_UNREACHABLE);
  return G_SOURCE_REMOVE;
}

static void
close_connection (MutualProbe *self)
{
  g_clear_pointer (&self->io_source, g_source_destroy);
  self->resume = NULL;
  if (self->session != NULL)
    {
      gnutls_deinit (self->session);
      self->session = NULL;
    }
  g_clear_pointer (&self->credentials, gnutls_certificate_free_credentials);
  if (self->socket != NULL)
    {
      g_socket_close (self->socket, NULL);
      g_clear_object (&self->socket);
    }
  self->fd = -1;
  if (self->keylog_fd >= 0)
    {
      close (self->keylog_fd);
      self->keylog_fd = -1;
    }
}

/* The diagnosis, and the answer to whoever runs the probe. */
static void
complete (MutualProbe *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  if (self->cancelled_handler != 0)
    {
      g_cancellable_disconnect (self->cancellable, self->cancelled_handler);
      self->cancelled_handler = 0;
    }

  self->finished = g_get_monotonic_time ();
  g_clear_pointer (&self->findings, g_ptr_array_unref);
  self->findings = _mutual_diagnose (self);
  /* Success means nothing went wrong: an error found anywhere (a server that takes
   * any certificate, a missing staple) makes the probe a failure. */
  for (guint i = 0; i < self->findings->len && self->outcome == MUTUAL_PROBE_SUCCESS; i++)
    {
      if (mutual_finding_get_severity (g_ptr_array_index (self->findings, i)) == MUTUAL_FINDING_ERROR)
        self->outcome = MUTUAL_PROBE_PROBLEMS;
    }

  if (g_cancellable_is_cancelled (self->cancellable))
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The probe was cancelled"));
  else
    g_task_return_boolean (task, TRUE);
}

static void begin_untrusted_check (MutualProbe *self);

static void
finish (MutualProbe        *self,
        MutualProbeOutcome  outcome)
{
  if (self->task == NULL || self->finishing)
    return;
  self->finishing = TRUE;

  remove_timeout (self, &self->step_timer);
  remove_timeout (self, &self->total_timer);
  close_connection (self);
  g_clear_object (&self->step);
  self->outcome = outcome;

  if (self->check_any && outcome != MUTUAL_PROBE_UNREACHABLE && self->evidence.certificate_requested &&
      !g_cancellable_is_cancelled (self->cancellable))
    {
      begin_untrusted_check (self);
      return;
    }
  complete (self);
}

static gboolean
cancelled_idle_cb (gpointer data)
{
  MutualProbe *self = data;

  if (self->step != NULL)
    end_step (self, MUTUAL_STEP_FAILED, _("Cancelled"));
  finish (self, MUTUAL_PROBE_PROBLEMS);
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

static void
cancelled_cb (GCancellable *cancellable,
              gpointer      data)
{
  MutualProbe *self = data;
  GSource *source;

  /* The signal may come from another thread, and finishing disconnects from the
   * cancellable, which must not happen within its own "cancelled" handler (it would
   * wait for itself): finish from an idle callback on the probe's context, always. */
  source = g_idle_source_new ();
  g_source_set_callback (source, cancelled_idle_cb, g_object_ref (self), NULL);
  g_source_set_static_name (source, "[mutual] probe cancelled");
  g_source_attach (source, self->context);
  g_source_unref (source);
}

/* Resolving */

static void
resolved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr(MutualProbe) self = data;
  g_autoptr(GError) error = NULL;
  GList *addresses;
  g_autoptr(GString) listed = g_string_new (NULL);

  addresses = g_resolver_lookup_by_name_with_flags_finish (G_RESOLVER (source), result, &error);
  if (self->task == NULL)
    {
      g_resolver_free_addresses (addresses);
      return;
    }
  if (addresses == NULL)
    {
      self->evidence.resolve_failed = TRUE;
      self->evidence.resolve_error = g_strdup (error->message);
      _mutual_probe_step_add (self->step, "error", _("Error"), error->message);
      fail_step (self, _("The name does not resolve"), MUTUAL_PROBE_UNREACHABLE);
      return;
    }

  self->addresses = addresses;
  for (GList *l = addresses; l != NULL; l = l->next)
    {
      g_autofree char *text = g_inet_address_to_string (l->data);

      g_ptr_array_add (self->evidence.addresses, g_strdup (text));
      _mutual_probe_step_add (self->step, "address",
                              g_inet_address_get_family (l->data) == G_SOCKET_FAMILY_IPV6 ? _("IPv6 address")
                                                                                          : _("IPv4 address"),
                              text);
      g_string_append_printf (listed, "%s%s", listed->len ? ", " : "", text);
    }
  end_step (self, MUTUAL_STEP_OK, listed->str);
  begin_connect (self);
}

/* RFC 6761 reserves "invalid" and the names under it, which must never resolve:
 * resolvers should answer at once without asking anyone, and glibc's does not. */
static gboolean
is_invalid_name (const char *host)
{
  g_autofree char *name = g_ascii_strdown (host, -1);
  gsize length = strlen (name);

  if (length > 0 && name[length - 1] == '.')
    name[length - 1] = '\0';
  return g_str_equal (name, "invalid") || g_str_has_suffix (name, ".invalid");
}

static void
begin_resolve (MutualProbe *self)
{
  g_autofree char *title = g_strdup_printf (_("Resolve %s"), self->host);
  g_autoptr(GInetAddress) literal = g_inet_address_new_from_string (self->host);
  GResolverNameLookupFlags flags = G_RESOLVER_NAME_LOOKUP_FLAGS_DEFAULT;

  begin_step (self, MUTUAL_STEP_RESOLVE, title);

  if (literal != NULL && self->family != G_SOCKET_FAMILY_INVALID &&
      g_inet_address_get_family (literal) != self->family)
    {
      self->evidence.address_family_excluded = TRUE;
      g_ptr_array_add (self->evidence.addresses, g_strdup (self->host));
      _mutual_probe_step_add (self->step, "address", _("Address"), self->host);
      fail_step (self, self->family == G_SOCKET_FAMILY_IPV6 ? _("Only IPv6 is allowed, and this is an IPv4 address")
                                                            : _("Only IPv4 is allowed, and this is an IPv6 address"),
                 MUTUAL_PROBE_UNREACHABLE);
      return;
    }

  if (literal != NULL)
    {
      self->addresses = g_list_append (NULL, g_object_ref (literal));
      g_ptr_array_add (self->evidence.addresses, g_strdup (self->host));
      _mutual_probe_step_add (self->step, "address", _("Address"), self->host);
      end_step (self, MUTUAL_STEP_SKIPPED, _("An address was given: nothing to resolve"));
      begin_connect (self);
      return;
    }

  if (is_invalid_name (self->host))
    {
      const char *message = _("Names under “.invalid” never resolve (RFC 6761); no DNS server was asked");

      self->evidence.resolve_failed = TRUE;
      self->evidence.resolve_error = g_strdup (message);
      _mutual_probe_step_add (self->step, "error", _("Error"), message);
      fail_step (self, _("The name does not resolve"), MUTUAL_PROBE_UNREACHABLE);
      return;
    }

  if (self->family == G_SOCKET_FAMILY_IPV4)
    flags = G_RESOLVER_NAME_LOOKUP_FLAGS_IPV4_ONLY;
  else if (self->family == G_SOCKET_FAMILY_IPV6)
    flags = G_RESOLVER_NAME_LOOKUP_FLAGS_IPV6_ONLY;

  {
    g_autoptr(GResolver) resolver = g_resolver_get_default ();

    g_resolver_lookup_by_name_with_flags_async (resolver, self->host, flags, self->cancellable,
                                                resolved_cb, g_object_ref (self));
  }
}

/* Connecting */

static void
connected (MutualProbe *self)
{
  g_autofree char *summary = NULL;
  int one = 1;

  self->fd = g_socket_get_fd (self->socket);
  /* Without it, an alert written just before close can be lost (TESTING.md). */
  setsockopt (self->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  summary = g_strdup_printf (_("Connected to %s"), self->evidence.connected_address);
  end_step (self, MUTUAL_STEP_OK, summary);

  if (self->protocol == MUTUAL_PROTOCOL_TLS || self->protocol == MUTUAL_PROTOCOL_HTTPS ||
      self->protocol == MUTUAL_PROTOCOL_MQTT)
    begin_handshake (self);
  else
    begin_preamble (self);
}

static void
connect_failed (MutualProbe *self,
                GError      *error)
{
  g_autofree char *address = g_inet_address_to_string (self->next_address->data);
  g_autofree char *value = g_strdup_printf ("%s: %s", address, error->message);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    self->evidence.connect_refused++;
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    self->evidence.connect_timed_out++;
  else
    self->evidence.connect_other++;
  g_free (self->evidence.connect_error);
  self->evidence.connect_error = g_strdup (error->message);
  _mutual_probe_step_add (self->step, "attempt", _("Attempt"), value);

  g_socket_close (self->socket, NULL);
  g_clear_object (&self->socket);
  self->next_address = self->next_address->next;
  try_next_address (self);
}

static void
connect_ready (MutualProbe *self)
{
  g_autoptr(GError) error = NULL;

  if (!g_socket_check_connect_result (self->socket, &error))
    {
      connect_failed (self, error);
      return;
    }

  self->evidence.connected_address = g_inet_address_to_string (self->next_address->data);
  {
    g_autofree char *value = g_strdup_printf ("%s: %s", self->evidence.connected_address, _("connected"));

    _mutual_probe_step_add (self->step, "attempt", _("Attempt"), value);
  }
  connected (self);
}

static gboolean
connect_attempt_timeout_cb (gpointer data)
{
  MutualProbe *self = data;
  g_autoptr(GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                         _("no answer within %.1f s"), self->step_ms / 1000.0);

  self->step_timer = 0;
  g_clear_pointer (&self->io_source, g_source_destroy);
  self->resume = NULL;
  connect_failed (self, error);
  return G_SOURCE_REMOVE;
}

static void
try_next_address (MutualProbe *self)
{
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GError) error = NULL;

  if (self->next_address == NULL)
    {
      fail_step (self,
                 self->evidence.connect_refused > 0 ? _("Connection refused")
                 : self->evidence.connect_timed_out > 0 ? _("No answer")
                 : _("Cannot connect"),
                 MUTUAL_PROBE_UNREACHABLE);
      return;
    }

  address = g_inet_socket_address_new (self->next_address->data, mutual_probe_get_port (self));
  self->socket = g_socket_new (g_socket_address_get_family (address), G_SOCKET_TYPE_STREAM,
                               G_SOCKET_PROTOCOL_TCP, &error);
  if (self->socket == NULL)
    {
      g_autoptr(GError) failure = g_steal_pointer (&error);

      self->socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
      connect_failed (self, failure);
      return;
    }
  g_socket_set_blocking (self->socket, FALSE);

  /* Each address gets the whole step time: a silent first address must not use up
   * the time of the next. */
  remove_timeout (self, &self->step_timer);
  self->step_timer = add_timeout (self, self->step_ms, connect_attempt_timeout_cb);

  if (g_socket_connect (self->socket, address, NULL, &error))
    {
      connect_ready (self);
      return;
    }
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PENDING))
    {
      connect_failed (self, error);
      return;
    }
  wait_for (self, G_IO_OUT, connect_ready);
}

static void
begin_connect (MutualProbe *self)
{
  g_autofree char *title = g_strdup_printf (_("Connect to port %u"), mutual_probe_get_port (self));

  begin_step (self, MUTUAL_STEP_CONNECT, title);
  self->next_address = self->addresses;
  try_next_address (self);
}

/* Plain I/O before TLS */

/* Reads what is there into self->input. Returns FALSE when the connection failed or
 * closed, with the step ended. */
static gboolean
read_plain (MutualProbe *self)
{
  guint8 buffer[4096];
  gssize n;
  g_autoptr(GError) error = NULL;

  n = g_socket_receive (self->socket, (char *) buffer, sizeof buffer, NULL, &error);
  if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    return TRUE;
  if (n <= 0)
    {
      self->evidence.peer_closed = n == 0;
      self->evidence.preamble_failed = TRUE;
      self->evidence.preamble_error = g_strdup (n == 0 ? _("the server closed the connection")
                                                       : error->message);
      fail_step (self, self->evidence.preamble_error, MUTUAL_PROBE_PROBLEMS);
      return FALSE;
    }
  if (self->evidence.first_bytes->len < 64)
    g_byte_array_append (self->evidence.first_bytes, buffer,
                         MIN ((gsize) n, 64 - self->evidence.first_bytes->len));
  if (self->input->len + n > PROBE_MAX_INPUT)
    {
      self->evidence.preamble_failed = TRUE;
      self->evidence.preamble_error = g_strdup (_("the server sent more than expected before TLS"));
      fail_step (self, self->evidence.preamble_error, MUTUAL_PROBE_PROBLEMS);
      return FALSE;
    }
  g_byte_array_append (self->input, buffer, n);
  return TRUE;
}

static gboolean
write_plain (MutualProbe  *self,
             gconstpointer data,
             gsize         length)
{
  g_autoptr(GError) error = NULL;
  gsize written = 0;

  /* Preamble messages are a few bytes; a send buffer takes them at once. */
  while (written < length)
    {
      gssize n = g_socket_send (self->socket, (const char *) data + written, length - written, NULL, &error);

      if (n < 0)
        {
          self->evidence.preamble_failed = TRUE;
          self->evidence.preamble_error = g_strdup (error->message);
          fail_step (self, error->message, MUTUAL_PROBE_PROBLEMS);
          return FALSE;
        }
      written += n;
    }
  return TRUE;
}

/* The transcript of a text preamble, as evidence. */
static void
transcript (MutualProbe *self,
            const char  *direction,
            const char  *text,
            gsize        length)
{
  g_autofree char *line = g_strndup (text, length);
  g_autofree char *value = NULL;

  g_strchomp (line);
  if (!g_utf8_validate (line, -1, NULL))
    {
      g_free (line);
      line = g_strdup (_("(binary data)"));
    }
  value = g_strdup_printf ("%s %s", direction, line);
  _mutual_probe_step_add (self->step, "transcript", _("Exchange"), value);
}

#include "mutual-probe-preamble.c"

/* TLS */

static ssize_t
push_cb (gnutls_transport_ptr_t  data,
         const void             *buffer,
         size_t                  length)
{
  MutualProbe *self = data;
  ssize_t n = send (self->fd, buffer, length, MSG_NOSIGNAL);

  /* A server that refuses the client certificate sends its alert and closes; the rest
   * of the client's flight then meets a closed connection. Pretend it went, so that
   * GnuTLS goes on to read, and finds the alert that says why. */
  if (n < 0 && (errno == EPIPE || errno == ECONNRESET) && !self->evidence.handshake_done)
    {
      self->evidence.peer_closed = TRUE;
      self->evidence.write_refused = TRUE;
      return length;
    }
  if (n < 0)
    gnutls_transport_set_errno (self->session, errno);
  return n;
}

static ssize_t
pull_cb (gnutls_transport_ptr_t  data,
         void                   *buffer,
         size_t                  length)
{
  MutualProbe *self = data;
  ssize_t n = recv (self->fd, buffer, length, 0);

  if (n < 0)
    {
      if (errno == ECONNRESET)
        self->evidence.peer_closed = TRUE;
      gnutls_transport_set_errno (self->session, errno);
      return n;
    }
  if (n == 0)
    self->evidence.peer_closed = TRUE;
  if (n > 0 && !self->evidence.handshake_done)
    {
      self->evidence.handshake_bytes += n;
      if (self->evidence.handshake_bytes > PROBE_MAX_HANDSHAKE_INPUT)
        {
          self->evidence.handshake_too_large = TRUE;
          gnutls_transport_set_errno (self->session, EMSGSIZE);
          return -1;
        }
    }
  /* Kept to recognise a server that does not speak TLS. */
  if (n > 0 && self->evidence.first_bytes->len < 64)
    g_byte_array_append (self->evidence.first_bytes, buffer,
                         MIN ((gsize) n, 64 - self->evidence.first_bytes->len));
  return n;
}

/* Whether a CA name the server lists is the issuer (or the subject) of a certificate
 * of the identity's chain, compared as the DER the server sent. */
static gboolean
identity_names_ca (MutualProbe          *self,
                   const gnutls_datum_t *name)
{
  for (guint i = 0; i < self->chain->len; i++)
    {
      gnutls_x509_crt_t crt = _mutual_certificate_get_crt (g_ptr_array_index (self->chain, i));
      gnutls_datum_t issuer = { NULL, 0 };
      gnutls_datum_t subject = { NULL, 0 };
      gboolean match = FALSE;

      if (gnutls_x509_crt_get_raw_issuer_dn (crt, &issuer) >= 0)
        match = issuer.size == name->size && memcmp (issuer.data, name->data, name->size) == 0;
      if (!match && gnutls_x509_crt_get_raw_dn (crt, &subject) >= 0)
        match = subject.size == name->size && memcmp (subject.data, name->data, name->size) == 0;
      gnutls_free (issuer.data);
      gnutls_free (subject.data);
      if (match)
        return TRUE;
    }
  return FALSE;
}

static int
retrieve_cb (gnutls_session_t              session,
             const gnutls_datum_t         *req_ca_rdn,
             int                           nreqs,
             const gnutls_pk_algorithm_t  *pk_algos,
             int                           pk_algos_length,
             gnutls_pcert_st             **pcert,
             unsigned int                 *pcert_length,
             gnutls_privkey_t             *privkey)
{
  MutualProbe *self = gnutls_session_get_ptr (session);
  g_autoptr(GString) cas = g_string_new (NULL);

  self->evidence.certificate_requested = TRUE;
  self->evidence.identity_ca_listed = nreqs > 0 && self->chain != NULL ? 0 : -1;
  for (int i = 0; i < nreqs; i++)
    {
      g_auto(MutualGnutlsDatum) text = { NULL, 0 };

      if (gnutls_x509_rdn_get2 (&req_ca_rdn[i], &text, 0) >= 0)
        g_ptr_array_add (self->evidence.acceptable_cas, g_strndup ((const char *) text.data, text.size));
      if (self->evidence.identity_ca_listed == 0 && identity_names_ca (self, &req_ca_rdn[i]))
        self->evidence.identity_ca_listed = 1;
    }
  for (unsigned int i = 0; i < 64; i++)
    {
      gnutls_sign_algorithm_t algorithm;

      if (gnutls_sign_algorithm_get_requested (session, i, &algorithm) < 0)
        break;
      if (gnutls_sign_get_name (algorithm) != NULL)
        g_ptr_array_add (self->evidence.requested_signatures, g_strdup (gnutls_sign_get_name (algorithm)));
    }

  /* Always the chosen identity, listed CA or not: the server's verdict is the point. */
  if (self->n_pcerts > 0)
    {
      *pcert = self->pcerts;
      *pcert_length = self->n_pcerts;
      *privkey = self->privkey;
      self->evidence.certificate_sent = TRUE;
      self->evidence.certificates_sent = self->n_pcerts;
    }
  else
    {
      *pcert_length = 0;
      *privkey = NULL;
    }
  return 0;
}

static int
hook_cb (gnutls_session_t      session,
         unsigned int          type,
         unsigned int          when,
         unsigned int          incoming,
         const gnutls_datum_t *message)
{
  MutualProbe *self = gnutls_session_get_ptr (session);
  const char *name = gnutls_handshake_description_get_name (type);
  g_autofree char *value = NULL;

  if (type == GNUTLS_HANDSHAKE_NEW_SESSION_TICKET && incoming && self->evidence.handshake_done)
    self->evidence.ticket_after_handshake = TRUE;
  if (self->step == NULL || name == NULL)
    return 0;
  value = g_strdup_printf ("%s %s (%" G_GSIZE_FORMAT " bytes, at %.1f ms)", incoming ? "←" : "→", name,
                           (gsize) message->size, elapsed (self) / 1000.0);
  _mutual_probe_step_add (self->step, "message", _("Message"), value);
  return 0;
}

static int
keylog_cb (gnutls_session_t      session,
           const char           *label,
           const gnutls_datum_t *secret)
{
  MutualProbe *self = gnutls_session_get_ptr (session);
  gnutls_datum_t client_random = { NULL, 0 };
  gnutls_datum_t server_random = { NULL, 0 };
  g_autofree char *random_hex = NULL;
  g_autofree char *secret_hex = NULL;
  g_autofree char *line = NULL;

  if (self->keylog_fd < 0)
    return 0;
  gnutls_session_get_random (session, &client_random, &server_random);
  random_hex = _mutual_hex (client_random.data, client_random.size, '\0');
  secret_hex = _mutual_hex (secret->data, secret->size, '\0');
  line = g_strdup_printf ("%s %s %s\n", label, random_hex, secret_hex);
  if (write (self->keylog_fd, line, strlen (line)) < 0)
    g_debug ("Cannot write the key log: %s", g_strerror (errno));
  _mutual_wipe (secret_hex, strlen (secret_hex));
  _mutual_wipe (line, strlen (line));
  return 0;
}

/* GnuTLS's defaults, with two changes. Key usage violations are let through, so that
 * an identity without digitalSignature is still presented and the server's verdict on
 * it observed (the diagnosis and the server chain check name the fault). And the
 * versions the user chose. */
static char *
priority_string (MutualProbe *self)
{
  GString *priority = g_string_new ("NORMAL:%DEBUG_ALLOW_KEY_USAGE_VIOLATIONS");

  if (self->min_version == MUTUAL_TLS_ANY && self->max_version == MUTUAL_TLS_ANY)
    return g_string_free (priority, FALSE);

  g_string_append (priority, ":-VERS-ALL");
  if (self->min_version != MUTUAL_TLS_1_3 &&
      (self->max_version == MUTUAL_TLS_ANY || self->max_version >= MUTUAL_TLS_1_2))
    g_string_append (priority, ":+VERS-TLS1.2");
  if (self->max_version == MUTUAL_TLS_ANY || self->max_version == MUTUAL_TLS_1_3)
    g_string_append (priority, ":+VERS-TLS1.3");
  return g_string_free (priority, FALSE);
}

static gboolean
prepare_identity (MutualProbe  *self,
                  GError      **error)
{
  if (self->chain == NULL)
    return TRUE;

  self->pcerts = g_new0 (gnutls_pcert_st, self->chain->len);
  for (guint i = 0; i < self->chain->len; i++)
    {
      if (!_mutual_gnutls_check (gnutls_pcert_import_x509 (&self->pcerts[i],
                                                           _mutual_certificate_get_crt (g_ptr_array_index (self->chain, i)),
                                                           0),
                                 error, _("Cannot use the client certificate")))
        return FALSE;
      self->n_pcerts++;
    }
  return _mutual_gnutls_check (gnutls_privkey_init (&self->privkey), error, "gnutls_privkey_init") &&
         _mutual_gnutls_check (gnutls_privkey_import_x509 (self->privkey, _mutual_private_key_get_x509 (self->key), 0),
                               error, _("Cannot use the private key"));
}

static void
handshake_failed (MutualProbe *self,
                  int          code)
{
  g_autofree char *summary = NULL;

  self->evidence.handshake_error = code;
  self->evidence.handshake_error_text = g_strdup_printf ("%s (%s)", gnutls_strerror (code),
                                                         gnutls_strerror_name (code));
  if (code == GNUTLS_E_FATAL_ALERT_RECEIVED || code == GNUTLS_E_WARNING_ALERT_RECEIVED)
    {
      self->evidence.alert_received = gnutls_alert_get (self->session);
      summary = g_strdup_printf (_("The server sent the alert %s (%d)"),
                                 gnutls_alert_get_name (self->evidence.alert_received),
                                 self->evidence.alert_received);
      _mutual_probe_step_add (self->step, "alert", _("Alert received"), summary);
    }
  else if (self->evidence.handshake_too_large)
    {
      summary = g_strdup_printf (_("The server sent more than %u KiB before the handshake completed"),
                                 PROBE_MAX_HANDSHAKE_INPUT / 1024);
    }
  else
    {
      summary = g_strdup (self->evidence.handshake_error_text);
    }
  _mutual_probe_step_add (self->step, "error", _("Error"), self->evidence.handshake_error_text);
  if (self->evidence.certificate_requested)
    _mutual_probe_step_add (self->step, "client-certificate", _("Client certificate"),
                            self->evidence.certificate_sent ? _("sent") : _("requested, none sent"));
  fail_step (self, summary, MUTUAL_PROBE_PROBLEMS);
}

static void
record_session (MutualProbe *self)
{
  const gnutls_datum_t *certificates;
  unsigned int count = 0;
  gnutls_datum_t alpn = { NULL, 0 };
  const char *group;
  g_autofree char *chain_text = NULL;
  g_autoptr(GString) cas = g_string_new (NULL);

  self->evidence.version = g_strdup (gnutls_protocol_get_name (gnutls_protocol_get_version (self->session)));
  /* The IANA name, e.g. TLS_AES_128_GCM_SHA256 or TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256. */
  self->evidence.cipher = g_strdup (gnutls_ciphersuite_get (self->session));
  if (self->evidence.cipher == NULL)
    {
      char *description = gnutls_session_get_desc (self->session);

      self->evidence.cipher = g_strdup (description);
      gnutls_free (description);
    }
  group = gnutls_group_get_name (gnutls_group_get (self->session));
  self->evidence.group = g_strdup (group);
  if (gnutls_alpn_get_selected_protocol (self->session, &alpn) >= 0)
    self->evidence.alpn = g_strndup ((const char *) alpn.data, alpn.size);
  self->evidence.resumed = gnutls_session_is_resumed (self->session);
  /* Whether the server stapled a response. Without flags GnuTLS answers whether it
   * verified one, which only happens inside gnutls_certificate_verify_peers(): the
   * probe verifies the chain itself, so that would always say "none". */
  self->evidence.ocsp_stapled = gnutls_ocsp_status_request_is_checked (self->session,
                                                                       GNUTLS_OCSP_SR_IS_AVAIL);

  certificates = gnutls_certificate_get_peers (self->session, &count);
  for (unsigned int i = 0; i < count; i++)
    {
      g_autoptr(GBytes) der = g_bytes_new (certificates[i].data, certificates[i].size);
      g_autoptr(MutualCertificate) certificate = mutual_certificate_new_from_der (der, NULL);

      if (certificate != NULL)
        g_ptr_array_add (self->evidence.server_chain, g_steal_pointer (&certificate));
    }

  _mutual_probe_step_add (self->step, "version", _("Version"), self->evidence.version);
  _mutual_probe_step_add (self->step, "cipher", _("Cipher suite"), self->evidence.cipher);
  if (group != NULL)
    _mutual_probe_step_add (self->step, "group", _("Key exchange group"), group);
  _mutual_probe_step_add (self->step, "alpn", _("ALPN"), self->evidence.alpn ? self->evidence.alpn : _("none"));
  _mutual_probe_step_add (self->step, "resumed", _("Session resumed"), self->evidence.resumed ? _("yes") : _("no"));
  _mutual_probe_step_add (self->step, "ocsp", _("OCSP staple"),
                          self->evidence.ocsp_stapled ? _("present") : _("none"));
  for (guint i = 0; i < self->evidence.server_chain->len; i++)
    {
      MutualCertificate *certificate = g_ptr_array_index (self->evidence.server_chain, i);
      g_autofree char *value = g_strdup_printf ("%u: %s (issued by %s)", i, mutual_certificate_get_subject_name (certificate),
                                                mutual_certificate_get_issuer_name (certificate));

      _mutual_probe_step_add (self->step, "server-certificate", _("Server certificate"), value);
    }
  if (self->evidence.certificate_requested)
    {
      for (guint i = 0; i < self->evidence.acceptable_cas->len; i++)
        _mutual_probe_step_add (self->step, "acceptable-ca", _("Acceptable CA"),
                                g_ptr_array_index (self->evidence.acceptable_cas, i));
      if (self->evidence.acceptable_cas->len == 0)
        _mutual_probe_step_add (self->step, "acceptable-ca", _("Acceptable CA"), _("(the server names none)"));
      for (guint i = 0; i < self->evidence.requested_signatures->len; i++)
        g_string_append_printf (cas, "%s%s", i ? ", " : "", (char *) g_ptr_array_index (self->evidence.requested_signatures, i));
      if (cas->len > 0)
        _mutual_probe_step_add (self->step, "signature-algorithms", _("Signature algorithms asked for"), cas->str);
      if (self->evidence.identity_ca_listed >= 0)
        _mutual_probe_step_add (self->step, "identity-ca-listed", _("Identity’s CA in the list"),
                                self->evidence.identity_ca_listed ? _("yes") : _("no"));
      _mutual_probe_step_add (self->step, "client-certificate", _("Client certificate"),
                              self->evidence.certificate_sent
                              ? (chain_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "sent (%u certificate)",
                                                                            "sent (%u certificates)",
                                                                            self->evidence.certificates_sent),
                                                               self->evidence.certificates_sent))
                              : _("requested, none sent (no identity chosen)"));
    }
  else
    {
      _mutual_probe_step_add (self->step, "client-certificate", _("Client certificate"),
                              _("not requested by the server"));
    }
}

/* Whether the certificate carries the TLS feature status_request (5). */
static gboolean
requires_staple (MutualCertificate *certificate)
{
  gnutls_x509_tlsfeatures_t features = NULL;
  gboolean found = FALSE;
  unsigned int feature;

  if (gnutls_x509_tlsfeatures_init (&features) < 0)
    return FALSE;
  if (gnutls_x509_crt_get_tlsfeatures (_mutual_certificate_get_crt (certificate), features, 0, NULL) >= 0)
    {
      for (unsigned int i = 0; gnutls_x509_tlsfeatures_get (features, i, &feature) >= 0; i++)
        found |= feature == 5;
    }
  gnutls_x509_tlsfeatures_deinit (features);
  return found;
}

static void
verify_server (MutualProbe *self)
{
  const char *name = _mutual_probe_get_sni (self);
  g_autoptr(MutualTrust) system = NULL;
  MutualTrust *trust = self->trust;
  g_autoptr(GPtrArray) chains = NULL;
  GPtrArray *problems;
  MutualCertificate *leaf;
  const char *summary;
  gboolean ok;
  g_autofree char *title = NULL;

  title = g_strdup (_("Verify the server"));
  begin_step (self, MUTUAL_STEP_VERIFY, title);

  if (self->evidence.server_chain->len == 0)
    {
      end_step (self, MUTUAL_STEP_FAILED, _("The server sent no certificate"));
      return;
    }

  if (trust == NULL)
    {
      system = _mutual_trust_get_system (NULL);
      trust = system;
    }

  leaf = g_ptr_array_index (self->evidence.server_chain, 0);
  self->evidence.server_verification = mutual_chain_new_for_leaf (leaf, self->evidence.server_chain);
  mutual_chain_verify (self->evidence.server_verification, trust, MUTUAL_PURPOSE_TLS_SERVER,
                       g_get_real_time () / G_USEC_PER_SEC);

  /* The name: the SNI sent (or the host), or the address when there is no name. */
  self->evidence.verified_name = g_strdup (name ? name : self->host);
  self->evidence.hostname_mismatch =
    !gnutls_x509_crt_check_hostname2 (_mutual_certificate_get_crt (leaf), self->evidence.verified_name, 0);

  {
    g_autofree char *path = mutual_chain_describe (self->evidence.server_verification);
    g_autofree char *trusted = trust ? mutual_trust_describe (trust) : g_strdup (_("nothing (no trust store)"));

    _mutual_probe_step_add (self->step, "chain", _("Chain"), path);
    _mutual_probe_step_add (self->step, "trust", _("Trusted CAs"), trusted);
    _mutual_probe_step_add (self->step, "name", _("Name checked"), self->evidence.verified_name);
    _mutual_probe_step_add (self->step, "name-match", _("Name matches"),
                            self->evidence.hostname_mismatch ? _("no") : _("yes"));
  }
  problems = mutual_chain_get_problems (self->evidence.server_verification);
  for (guint i = 0; i < problems->len; i++)
    _mutual_probe_step_add (self->step, "problem", _("Problem"),
                            mutual_problem_get_message (g_ptr_array_index (problems, i)));

  /* OCSP Must-Staple (RFC 7633): the certificate promises a stapled status. */
  self->evidence.must_staple = requires_staple (leaf);
  if (self->evidence.must_staple)
    _mutual_probe_step_add (self->step, "must-staple", _("OCSP Must-Staple"),
                            self->evidence.ocsp_stapled ? _("required, and stapled") : _("required, but none stapled"));

  ok = mutual_chain_get_trusted (self->evidence.server_verification) && !self->evidence.hostname_mismatch &&
       (!self->evidence.must_staple || self->evidence.ocsp_stapled);
  if (ok)
    summary = _("Trusted, and issued for this name");
  else if (!mutual_chain_get_trusted (self->evidence.server_verification))
    summary = _("Not trusted");
  else if (self->evidence.hostname_mismatch)
    summary = _("Trusted, but not issued for this name");
  else
    summary = _("Trusted, but the OCSP staple its certificate requires is missing");
  end_step (self, ok ? MUTUAL_STEP_OK : MUTUAL_STEP_WARNING, summary);
}

static void
handshake_done (MutualProbe *self)
{
  g_autofree char *summary = NULL;

  self->evidence.handshake_done = TRUE;
  record_session (self);
  summary = g_strdup_printf (_("%s, %s"), self->evidence.version, self->evidence.cipher);
  end_step (self, MUTUAL_STEP_OK, summary);

  verify_server (self);
  if (self->task != NULL)
    begin_application (self);
}

static void
continue_handshake (MutualProbe *self)
{
  int ret = gnutls_handshake (self->session);

  if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED)
    {
      wait_for (self, gnutls_record_get_direction (self->session) ? G_IO_OUT : G_IO_IN, continue_handshake);
      return;
    }
  if (ret < 0)
    {
      handshake_failed (self, ret);
      return;
    }
  handshake_done (self);
}

static void
begin_handshake (MutualProbe *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *priority = priority_string (self);
  const char *sni = _mutual_probe_get_sni (self);
  const char *error_position = NULL;
  int ret;

  begin_step (self, MUTUAL_STEP_HANDSHAKE, _("TLS handshake"));
  self->evidence.handshake_started = TRUE;

  if (!prepare_identity (self, &error) ||
      !_mutual_gnutls_check (gnutls_certificate_allocate_credentials (&self->credentials), &error,
                             "gnutls_certificate_allocate_credentials") ||
      !_mutual_gnutls_check (gnutls_init (&self->session, GNUTLS_CLIENT | GNUTLS_NONBLOCK | GNUTLS_NO_SIGNAL),
                             &error, "gnutls_init") ||
      !_mutual_gnutls_check (gnutls_priority_set_direct (self->session, priority, &error_position), &error,
                             _("Cannot set the TLS priorities “%s”"), priority) ||
      !_mutual_gnutls_check (gnutls_credentials_set (self->session, GNUTLS_CRD_CERTIFICATE, self->credentials),
                             &error, "gnutls_credentials_set"))
    {
      _mutual_probe_step_add (self->step, "error", _("Error"), error->message);
      fail_step (self, error->message, MUTUAL_PROBE_PROBLEMS);
      return;
    }

  gnutls_certificate_set_retrieve_function2 (self->credentials, retrieve_cb);
  gnutls_session_set_ptr (self->session, self);
  gnutls_transport_set_ptr (self->session, self);
  gnutls_transport_set_push_function (self->session, push_cb);
  gnutls_transport_set_pull_function (self->session, pull_cb);
  gnutls_handshake_set_hook_function (self->session, GNUTLS_HANDSHAKE_ANY, GNUTLS_HOOK_POST, hook_cb);

  if (sni != NULL)
    gnutls_server_name_set (self->session, GNUTLS_NAME_DNS, sni, strlen (sni));
  _mutual_probe_step_add (self->step, "sni", _("Server name sent (SNI)"), sni ? sni : _("none"));
  _mutual_probe_step_add (self->step, "priority", _("GnuTLS priorities"), priority);

  if (self->alpn != NULL && self->alpn[0] != NULL)
    {
      guint n = g_strv_length (self->alpn);
      g_autofree gnutls_datum_t *list = g_new0 (gnutls_datum_t, n);
      g_autofree char *joined = g_strjoinv (", ", self->alpn);

      for (guint i = 0; i < n; i++)
        {
          list[i].data = (unsigned char *) self->alpn[i];
          list[i].size = strlen (self->alpn[i]);
        }
      ret = gnutls_alpn_set_protocols (self->session, list, n, 0);
      if (ret >= 0)
        _mutual_probe_step_add (self->step, "alpn-offered", _("ALPN offered"), joined);
    }

  if (self->keylog_path != NULL)
    {
      self->keylog_fd = open (self->keylog_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
      if (self->keylog_fd >= 0)
        {
          gnutls_session_set_keylog_function (self->session, keylog_cb);
          _mutual_probe_step_add (self->step, "keylog", _("Key log"), self->keylog_path);
        }
      else
        {
          _mutual_probe_step_add_take (self->step, "keylog", _("Key log"),
                                       g_strdup_printf (_("cannot open %s: %s"), self->keylog_path,
                                                        g_strerror (errno)));
        }
    }

  continue_handshake (self);
}

#include "mutual-probe-application.c"

/* The check with a certificate nobody issued */

/* A fresh ECDSA P-256 key and a self-signed client certificate for it, valid for an
 * hour around now. Neither is kept or written anywhere. */
static gboolean
make_throwaway_identity (GPtrArray        **chain,
                         MutualPrivateKey **key,
                         GError           **error)
{
  gnutls_x509_privkey_t x509_key = NULL;
  gnutls_x509_crt_t crt = NULL;
  g_auto(MutualGnutlsDatum) der = { NULL, 0 };
  g_autoptr(MutualCertificate) certificate = NULL;
  g_autoptr(MutualPrivateKey) private_key = NULL;
  g_autofree char *name = NULL;
  guint8 serial[16];
  time_t now = time (NULL);

  for (guint i = 0; i < sizeof serial; i++)
    serial[i] = g_random_int_range (0, 256);
  serial[0] &= 0x7f;
  serial[0] |= 0x01;
  name = g_strdup_printf ("Mutual untrusted probe %02x%02x%02x%02x", serial[1], serial[2], serial[3], serial[4]);

  if (!_mutual_gnutls_check (gnutls_x509_privkey_init (&x509_key), error, "gnutls_x509_privkey_init"))
    return FALSE;
  if (!_mutual_gnutls_check (gnutls_x509_privkey_generate (x509_key, GNUTLS_PK_ECDSA,
                                                           GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0),
                             error, _("Cannot make a throwaway key")) ||
      !_mutual_gnutls_check (gnutls_x509_crt_init (&crt), error, "gnutls_x509_crt_init"))
    {
      gnutls_x509_privkey_deinit (x509_key);
      return FALSE;
    }

  if (!_mutual_gnutls_check (gnutls_x509_crt_set_version (crt, 3), error, "set_version") ||
      !_mutual_gnutls_check (gnutls_x509_crt_set_serial (crt, serial, sizeof serial), error, "set_serial") ||
      !_mutual_gnutls_check (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, name, strlen (name)),
                             error, "set_dn") ||
      !_mutual_gnutls_check (gnutls_x509_crt_set_activation_time (crt, now - 3600), error, "set_activation_time") ||
      !_mutual_gnutls_check (gnutls_x509_crt_set_expiration_time (crt, now + 3600), error, "set_expiration_time") ||
      !_mutual_gnutls_check (gnutls_x509_crt_set_key (crt, x509_key), error, "set_key") ||
      !_mutual_gnutls_check (gnutls_x509_crt_set_basic_constraints (crt, 0, -1), error, "set_basic_constraints") ||
      !_mutual_gnutls_check (gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE), error, "set_key_usage") ||
      !_mutual_gnutls_check (gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_CLIENT, 0), error,
                             "set_key_purpose_oid") ||
      !_mutual_gnutls_check (gnutls_x509_crt_sign2 (crt, crt, x509_key, GNUTLS_DIG_SHA256, 0), error,
                             _("Cannot sign the throwaway certificate")) ||
      !_mutual_gnutls_check (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der), error, "crt_export2"))
    {
      gnutls_x509_crt_deinit (crt);
      gnutls_x509_privkey_deinit (x509_key);
      return FALSE;
    }

  certificate = _mutual_certificate_new_take (crt, g_bytes_new (der.data, der.size), "throwaway", error);
  if (certificate == NULL)
    {
      gnutls_x509_privkey_deinit (x509_key);
      return FALSE;
    }
  private_key = _mutual_private_key_new_take (x509_key, "generated", "throwaway", error);
  if (private_key == NULL)
    return FALSE;

  *chain = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (*chain, g_steal_pointer (&certificate));
  *key = g_steal_pointer (&private_key);
  return TRUE;
}

static void
untrusted_check_done_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      data)
{
  g_autoptr(MutualProbe) self = data;
  g_autoptr(MutualProbe) check = g_steal_pointer (&self->check);
  const MutualProbeEvidence *seen = &check->evidence;
  MutualProbeOutcome outcome = mutual_probe_get_outcome (check);
  GPtrArray *findings = mutual_probe_get_findings (check);
  MutualFinding *primary = findings->len > 0 ? g_ptr_array_index (findings, 0) : NULL;

  mutual_probe_run_finish (check, result, NULL);

  /* Accepted: the handshake completed with the certificate sent, and nothing the
   * server did afterwards refused it. */
  self->evidence.any_certificate_checked = TRUE;
  self->evidence.any_certificate_accepted = outcome == MUTUAL_PROBE_SUCCESS && seen->certificate_sent;
  if (self->evidence.any_certificate_accepted)
    self->evidence.any_certificate_answer = g_strdup (_("accepted it"));
  else if (primary != NULL)
    self->evidence.any_certificate_answer = g_strdup_printf (_("refused it: %s"), mutual_finding_get_title (primary));
  else
    self->evidence.any_certificate_answer = g_strdup (_("refused it"));

  if (self->step != NULL)
    {
      _mutual_probe_step_add (self->step, "answer", _("The server"), self->evidence.any_certificate_answer);
      if (primary != NULL && !self->evidence.any_certificate_accepted)
        _mutual_probe_step_add (self->step, "finding", _("Finding"), mutual_finding_get_id (primary));
      end_step (self, self->evidence.any_certificate_accepted ? MUTUAL_STEP_FAILED : MUTUAL_STEP_OK,
                self->evidence.any_certificate_accepted ? _("The server accepted a certificate nobody issued")
                                                        : _("The server refused a certificate nobody issued"));
    }
  complete (self);
}

static void
begin_untrusted_check (MutualProbe *self)
{
  g_autoptr(GPtrArray) chain = NULL;
  g_autoptr(MutualPrivateKey) key = NULL;
  g_autoptr(GError) error = NULL;

  begin_step (self, MUTUAL_STEP_UNTRUSTED_CHECK, _("Present an untrusted certificate"));
  /* The second probe has deadlines of its own. */
  remove_timeout (self, &self->step_timer);

  if (!make_throwaway_identity (&chain, &key, &error))
    {
      _mutual_probe_step_add (self->step, "error", _("Error"), error->message);
      end_step (self, MUTUAL_STEP_FAILED, error->message);
      complete (self);
      return;
    }

  self->evidence.any_certificate_subject = g_strdup (mutual_certificate_get_subject_name (g_ptr_array_index (chain, 0)));
  _mutual_probe_step_add (self->step, "certificate", _("Certificate presented"), self->evidence.any_certificate_subject);

  self->check = mutual_probe_new (self->host, self->port);
  mutual_probe_set_protocol (self->check, self->protocol);
  if (self->sni_set)
    mutual_probe_set_sni (self->check, self->sni ? self->sni : "");
  mutual_probe_set_identity (self->check, chain, key);
  if (self->trust != NULL)
    mutual_probe_set_trust (self->check, self->trust);
  mutual_probe_set_versions (self->check, self->min_version, self->max_version);
  mutual_probe_set_alpn (self->check, (const char * const *) self->alpn);
  mutual_probe_set_timeouts (self->check, self->step_ms, self->total_ms);
  mutual_probe_set_family (self->check, self->family);
  mutual_probe_set_user (self->check, self->user);
  mutual_probe_run_async (self->check, self->cancellable, untrusted_check_done_cb, g_object_ref (self));
}

/* Running */

/**
 * mutual_probe_run_async:
 *
 * Runs the probe on the thread-default main context. Steps appear in
 * mutual_probe_get_steps() as they happen. A probe runs once.
 */
void
mutual_probe_run_async (MutualProbe         *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (MUTUAL_IS_PROBE (self));
  g_return_if_fail (self->task == NULL && self->started == 0);

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, mutual_probe_run_async);
  self->context = g_main_context_ref_thread_default ();
  self->cancellable = cancellable ? g_object_ref (cancellable) : g_cancellable_new ();
  self->started = g_get_monotonic_time ();
  self->total_timer = add_timeout (self, self->total_ms, total_timeout_cb);
  if (cancellable != NULL)
    self->cancelled_handler = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), self, NULL);

  begin_resolve (self);
}

gboolean
mutual_probe_run_finish (MutualProbe   *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * mutual_probe_to_json:
 * @member: (nullable): the member name, inside an object
 *
 * Writes the target, the outcome, the findings and every step with its evidence.
 * Nothing secret is in it: no key, no session secret.
 */
void
mutual_probe_to_json (MutualProbe *self,
                      MutualJson  *json,
                      const char  *member)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->steps));

  g_return_if_fail (MUTUAL_IS_PROBE (self));

  mutual_json_begin_object (json, member);
  mutual_json_string (json, "host", self->host);
  mutual_json_int (json, "port", mutual_probe_get_port (self));
  mutual_json_string (json, "protocol", mutual_protocol_to_string (self->protocol));
  mutual_json_string (json, "sni", _mutual_probe_get_sni (self));
  if (self->chain != NULL)
    mutual_certificate_reference_to_json (g_ptr_array_index (self->chain, 0), json, "identity");
  else
    mutual_json_null (json, "identity");
  mutual_json_string (json, "outcome", mutual_probe_outcome_to_string (self->outcome));
  mutual_json_double (json, "duration_ms", mutual_probe_get_duration (self) / 1000.0);
  mutual_json_string (json, "address", self->evidence.connected_address);
  if (self->evidence.handshake_done)
    {
      mutual_json_begin_object (json, "tls");
      mutual_json_string (json, "version", self->evidence.version);
      mutual_json_string (json, "cipher_suite", self->evidence.cipher);
      mutual_json_string (json, "group", self->evidence.group);
      mutual_json_string (json, "alpn", self->evidence.alpn);
      mutual_json_boolean (json, "resumed", self->evidence.resumed);
      mutual_json_boolean (json, "ocsp_stapled", self->evidence.ocsp_stapled);
      mutual_json_end_object (json);
    }
  else
    {
      mutual_json_null (json, "tls");
    }
  mutual_json_begin_object (json, "client_authentication");
  mutual_json_boolean (json, "requested", self->evidence.certificate_requested);
  mutual_json_begin_array (json, "acceptable_cas");
  for (guint i = 0; i < self->evidence.acceptable_cas->len; i++)
    mutual_json_string (json, NULL, g_ptr_array_index (self->evidence.acceptable_cas, i));
  mutual_json_end_array (json);
  if (self->evidence.identity_ca_listed < 0)
    mutual_json_null (json, "identity_ca_listed");
  else
    mutual_json_boolean (json, "identity_ca_listed", self->evidence.identity_ca_listed == 1);
  mutual_json_int (json, "certificates_sent", self->evidence.certificate_sent ? self->evidence.certificates_sent : 0);
  mutual_json_end_object (json);
  /* The server's certificates are public: the PEM lets whoever reads a support bundle
   * inspect them. */
  mutual_json_begin_array (json, "server_chain");
  for (guint i = 0; i < self->evidence.server_chain->len; i++)
    {
      MutualCertificate *certificate = g_ptr_array_index (self->evidence.server_chain, i);
      g_autofree char *pem = mutual_certificate_to_pem (certificate);

      mutual_json_begin_object (json, NULL);
      mutual_json_string (json, "subject_name", mutual_certificate_get_subject_name (certificate));
      mutual_json_string (json, "issuer_name", mutual_certificate_get_issuer_name (certificate));
      mutual_json_string (json, "sha256", mutual_certificate_get_sha256 (certificate));
      mutual_json_string (json, "pem", pem);
      mutual_json_end_object (json);
    }
  mutual_json_end_array (json);
  mutual_json_begin_array (json, "findings");
  for (guint i = 0; self->findings != NULL && i < self->findings->len; i++)
    mutual_finding_to_json (g_ptr_array_index (self->findings, i), json, NULL);
  mutual_json_end_array (json);
  mutual_json_begin_array (json, "steps");
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MutualProbeStep) step = g_list_model_get_item (G_LIST_MODEL (self->steps), i);

      mutual_probe_step_to_json (step, json, NULL);
    }
  mutual_json_end_array (json);
  mutual_json_end_object (json);
}

static void
evidence_clear (MutualProbeEvidence *evidence)
{
  g_clear_pointer (&evidence->resolve_error, g_free);
  g_clear_pointer (&evidence->addresses, g_ptr_array_unref);
  g_clear_pointer (&evidence->connect_error, g_free);
  g_clear_pointer (&evidence->connected_address, g_free);
  g_clear_pointer (&evidence->preamble_error, g_free);
  g_clear_pointer (&evidence->server_greeting, g_free);
  g_clear_pointer (&evidence->handshake_error_text, g_free);
  g_clear_pointer (&evidence->first_bytes, g_byte_array_unref);
  g_clear_pointer (&evidence->acceptable_cas, g_ptr_array_unref);
  g_clear_pointer (&evidence->requested_signatures, g_ptr_array_unref);
  g_clear_pointer (&evidence->version, g_free);
  g_clear_pointer (&evidence->cipher, g_free);
  g_clear_pointer (&evidence->group, g_free);
  g_clear_pointer (&evidence->alpn, g_free);
  g_clear_pointer (&evidence->server_chain, g_ptr_array_unref);
  g_clear_object (&evidence->server_verification);
  g_clear_pointer (&evidence->verified_name, g_free);
  g_clear_pointer (&evidence->http_status_line, g_free);
  g_clear_pointer (&evidence->http_body_line, g_free);
  g_clear_pointer (&evidence->sql_state, g_free);
  g_clear_pointer (&evidence->sql_message, g_free);
  g_clear_pointer (&evidence->application_reply, g_free);
  g_clear_pointer (&evidence->any_certificate_subject, g_free);
  g_clear_pointer (&evidence->any_certificate_answer, g_free);
}

static void
mutual_probe_dispose (GObject *object)
{
  MutualProbe *self = MUTUAL_PROBE (object);

  close_connection (self);
  remove_timeout (self, &self->step_timer);
  remove_timeout (self, &self->total_timer);

  G_OBJECT_CLASS (mutual_probe_parent_class)->dispose (object);
}

static void
mutual_probe_finalize (GObject *object)
{
  MutualProbe *self = MUTUAL_PROBE (object);

  g_clear_pointer (&self->host, g_free);
  g_clear_pointer (&self->sni, g_free);
  g_clear_pointer (&self->chain, g_ptr_array_unref);
  g_clear_object (&self->key);
  g_clear_object (&self->trust);
  g_clear_pointer (&self->alpn, g_strfreev);
  g_clear_pointer (&self->keylog_path, g_free);
  g_clear_pointer (&self->user, g_free);
  g_clear_object (&self->check);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_object (&self->steps);
  g_clear_object (&self->step);
  g_list_free_full (self->addresses, g_object_unref);
  g_clear_pointer (&self->input, g_byte_array_unref);
  g_clear_pointer (&self->output, g_byte_array_unref);
  for (unsigned int i = 0; i < self->n_pcerts; i++)
    gnutls_pcert_deinit (&self->pcerts[i]);
  g_clear_pointer (&self->pcerts, g_free);
  g_clear_pointer (&self->privkey, gnutls_privkey_deinit);
  g_clear_pointer (&self->findings, g_ptr_array_unref);
  evidence_clear (&self->evidence);

  G_OBJECT_CLASS (mutual_probe_parent_class)->finalize (object);
}

static void
mutual_probe_class_init (MutualProbeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mutual_probe_dispose;
  object_class->finalize = mutual_probe_finalize;
}

static void
mutual_probe_init (MutualProbe *self)
{
  self->step_ms = DEFAULT_STEP_MS;
  self->total_ms = DEFAULT_TOTAL_MS;
  self->family = G_SOCKET_FAMILY_INVALID;
  self->fd = -1;
  self->keylog_fd = -1;
  self->steps = g_list_store_new (MUTUAL_TYPE_PROBE_STEP);
  self->input = g_byte_array_new ();
  self->output = g_byte_array_new ();
  self->findings = g_ptr_array_new_with_free_func (g_object_unref);
  self->evidence.addresses = g_ptr_array_new_with_free_func (g_free);
  self->evidence.first_bytes = g_byte_array_new ();
  self->evidence.acceptable_cas = g_ptr_array_new_with_free_func (g_free);
  self->evidence.requested_signatures = g_ptr_array_new_with_free_func (g_free);
  self->evidence.server_chain = g_ptr_array_new_with_free_func (g_object_unref);
  self->evidence.alert_received = -1;
  self->evidence.identity_ca_listed = -1;
  self->evidence.post_alert = -1;
  self->evidence.mqtt_return_code = -1;
}
