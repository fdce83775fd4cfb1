/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The request after the handshake. A TLS 1.3 server judges the client certificate
 * after the client's handshake has completed: its refusal arrives as an alert on the
 * first read, or as the protocol's own error (nginx's 400, MQTT's CONNACK, PostgreSQL's
 * FATAL). Part of mutual-probe.c (included there). */

static void application_continue (MutualProbe *self);

static const char *
default_user (MutualProbe *self)
{
  if (self->user != NULL)
    return self->user;
  if (self->chain != NULL)
    return mutual_certificate_get_subject_name (g_ptr_array_index (self->chain, 0));
  return "mutual";
}

static void
application_done (MutualProbe      *self,
                  MutualStepStatus  status,
                  const char       *summary)
{
  gboolean server_ok;

  self->evidence.application_done = TRUE;
  end_step (self, status, summary);

  server_ok = self->evidence.server_verification != NULL &&
              mutual_chain_get_trusted (self->evidence.server_verification) &&
              !self->evidence.hostname_mismatch;
  finish (self, status == MUTUAL_STEP_OK && server_ok ? MUTUAL_PROBE_SUCCESS : MUTUAL_PROBE_PROBLEMS);
}

/* A read or write error after the handshake: an alert is the server's verdict. */
static void
application_error (MutualProbe *self,
                   int          code)
{
  g_autofree char *summary = NULL;

  self->evidence.post_error = code;
  if (code == GNUTLS_E_FATAL_ALERT_RECEIVED || code == GNUTLS_E_WARNING_ALERT_RECEIVED)
    {
      self->evidence.post_alert = gnutls_alert_get (self->session);
      summary = g_strdup_printf (_("The server sent the alert %s (%d) after the handshake"),
                                 gnutls_alert_get_name (self->evidence.post_alert), self->evidence.post_alert);
      _mutual_probe_step_add (self->step, "alert", _("Alert received"), summary);
      application_done (self, MUTUAL_STEP_FAILED, summary);
      return;
    }

  summary = g_strdup_printf (_("The connection ended: %s"), gnutls_strerror (code));
  _mutual_probe_step_add (self->step, "error", _("Error"), summary);
  application_done (self, MUTUAL_STEP_FAILED, summary);
}

/* Queues the request; application_flush() sends it. */
static void
application_queue (MutualProbe  *self,
                   gconstpointer data,
                   gsize         length)
{
  g_byte_array_append (self->output, data, length);
}

static void
application_flush (MutualProbe *self)
{
  while (self->output->len > 0)
    {
      ssize_t n = gnutls_record_send (self->session, self->output->data, self->output->len);

      if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
        {
          wait_for (self, G_IO_OUT, application_flush);
          return;
        }
      if (n < 0)
        {
          /* A write can fail before the alert that explains it has been read: read. */
          guint8 buffer[256];
          ssize_t r = gnutls_record_recv (self->session, buffer, sizeof buffer);

          application_error (self, r < 0 && r != GNUTLS_E_AGAIN ? (int) r : (int) n);
          return;
        }
      g_byte_array_remove_range (self->output, 0, n);
    }
  application_continue (self);
}

/* What each protocol's answer says, once enough of it is there. */
static Reply
application_reply (MutualProbe *self)
{
  const guint8 *data = self->input->data;
  gsize length = self->input->len;

  switch (self->protocol)
    {
    case MUTUAL_PROTOCOL_HTTPS:
      {
        g_autofree char *text = NULL;
        char *headers_end;
        char *line_end;
        int status = 0;

        /* An empty GByteArray has no data at all, and g_strndup (NULL, 0) is NULL. */
        if (length == 0)
          return REPLY_MORE;
        text = g_strndup ((const char *) data, length);
        headers_end = strstr (text, "\r\n\r\n");
        line_end = strstr (text, "\r\n");

        if (line_end == NULL || headers_end == NULL)
          return self->evidence.peer_closed && length > 0 ? REPLY_REFUSED : REPLY_MORE;
        *line_end = '\0';
        g_free (self->evidence.http_status_line);
        self->evidence.http_status_line = g_strdup (text);
        if (sscanf (text, "HTTP/%*s %d", &status) == 1)
          self->evidence.http_status = status;
        {
          char *body = headers_end + 4;
          char *body_end = strpbrk (body, "\r\n");

          char *title = strstr (body, "<title>");
          char *title_end = title ? strstr (title, "</title>") : NULL;

          /* nginx says why in the page's <title> ("400 No required SSL certificate was
           * sent"); otherwise the first line of the body with text in it. */
          if (body_end == NULL && !self->evidence.peer_closed && strlen (body) < 4096)
            return REPLY_MORE;
          if (title != NULL && title_end != NULL)
            {
              g_autofree char *line = g_strndup (title + strlen ("<title>"),
                                                 title_end - title - strlen ("<title>"));

              g_strstrip (line);
              if (line[0] != '\0')
                self->evidence.http_body_line = g_steal_pointer (&line);
            }
          while (self->evidence.http_body_line == NULL && *body != '\0')
            {
              char *end = strpbrk (body, "\r\n");
              g_autofree char *line = end ? g_strndup (body, end - body) : g_strdup (body);

              g_strstrip (line);
              if (line[0] != '\0')
                {
                  self->evidence.http_body_line = g_steal_pointer (&line);
                  break;
                }
              if (end == NULL)
                break;
              body = end + 1;
            }
        }
        return self->evidence.http_status >= 200 && self->evidence.http_status < 400 ? REPLY_OK : REPLY_REFUSED;
      }

    case MUTUAL_PROTOCOL_MQTT:
      if (length < 4)
        return REPLY_MORE;
      if (data[0] != 0x20)
        return REPLY_REFUSED;
      self->evidence.mqtt_return_code = data[3];
      return data[3] == 0 ? REPLY_OK : REPLY_REFUSED;

    case MUTUAL_PROTOCOL_POSTGRES:
      {
        guint32 size;

        if (length < 5)
          return REPLY_MORE;
        size = (data[1] << 24) | (data[2] << 16) | (data[3] << 8) | data[4];
        if (size < 4 || size > PROBE_MAX_INPUT)
          return REPLY_REFUSED;
        if (length < 1 + size)
          return REPLY_MORE;
        if (data[0] == 'R')
          {
            guint32 auth = size >= 8 ? (guint32) ((data[5] << 24) | (data[6] << 16) | (data[7] << 8) | data[8]) : 99;

            self->evidence.application_reply = g_strdup_printf (auth == 0 ? "AuthenticationOk"
                                                                         : "Authentication request %u", auth);
            return auth == 0 ? REPLY_OK : REPLY_REFUSED;
          }
        if (data[0] == 'E')
          {
            /* Fields: a type byte, then a NUL-terminated string; S severity, C code, M message. */
            const guint8 *p = data + 5;
            const guint8 *end = data + 1 + size;

            while (p < end && *p != '\0')
              {
                char type = *p++;
                const guint8 *nul = memchr (p, '\0', end - p);

                if (nul == NULL)
                  break;
                if (type == 'C')
                  self->evidence.sql_state = g_strndup ((const char *) p, nul - p);
                else if (type == 'M')
                  self->evidence.sql_message = g_strndup ((const char *) p, nul - p);
                p = nul + 1;
              }
            return REPLY_REFUSED;
          }
        return REPLY_REFUSED;
      }

    case MUTUAL_PROTOCOL_MYSQL:
      {
        const guint8 *payload;
        gsize size;

        if (!mysql_packet (self, &payload, &size) || size == 0)
          return REPLY_MORE;
        if (payload[0] == 0xff && size >= 9)
          {
            self->evidence.sql_state = g_strndup ((const char *) payload + 4, 5);
            self->evidence.sql_message = g_strndup ((const char *) payload + 9, size - 9);
            return REPLY_REFUSED;
          }
        /* OK, an authentication switch or more data: the server accepted the TLS
         * client and is authenticating the user. */
        self->evidence.application_reply = g_strdup (payload[0] == 0x00 ? "OK" : _("authentication continues"));
        return REPLY_OK;
      }

    case MUTUAL_PROTOCOL_SMTP:
      {
        Reply reply = numeric_reply (self, "250", FALSE);

        if (reply != REPLY_MORE)
          self->evidence.application_reply = g_strdup (reply == REPLY_OK ? "250" : _("refused"));
        return reply;
      }

    case MUTUAL_PROTOCOL_FTP:
      {
        Reply reply = numeric_reply (self, "211", FALSE);

        if (reply != REPLY_MORE)
          self->evidence.application_reply = g_strdup (reply == REPLY_OK ? "211" : _("refused"));
        return reply;
      }

    case MUTUAL_PROTOCOL_IMAP:
      return tagged_reply (self, "a2");

    case MUTUAL_PROTOCOL_POP3:
      return prefixed_line (self, "+OK", NULL, FALSE);

    case MUTUAL_PROTOCOL_XMPP:
      return xml_until (self, "<stream:features");

    case MUTUAL_PROTOCOL_LDAP:
      {
        MutualDerHeader message;

        if (!_mutual_der_read_header (data, length, &message) ||
            message.header_length + message.content_length > length)
          return REPLY_MORE;
        return REPLY_OK;
      }

    case MUTUAL_PROTOCOL_TLS:
    default:
      return length > 0 || self->evidence.ticket_after_handshake ? REPLY_OK : REPLY_MORE;
    }
}

static void
application_evaluate (MutualProbe *self)
{
  Reply reply = application_reply (self);
  g_autofree char *summary = NULL;

  if (reply == REPLY_MORE)
    {
      if (self->evidence.peer_closed)
        {
          application_done (self, MUTUAL_STEP_FAILED, _("The server closed the connection without answering"));
          return;
        }
      wait_for (self, G_IO_IN, application_continue);
      return;
    }

  if (self->evidence.http_status_line != NULL)
    _mutual_probe_step_add (self->step, "status", _("Status"), self->evidence.http_status_line);
  if (self->evidence.http_body_line != NULL && self->evidence.http_status >= 400)
    _mutual_probe_step_add (self->step, "body", _("Body"), self->evidence.http_body_line);
  if (self->evidence.mqtt_return_code >= 0)
    _mutual_probe_step_add_take (self->step, "connack", _("CONNACK return code"),
                                 g_strdup_printf ("%d", self->evidence.mqtt_return_code));
  if (self->evidence.sql_state != NULL)
    _mutual_probe_step_add_take (self->step, "sqlstate", _("SQL error"),
                                 g_strdup_printf ("%s: %s", self->evidence.sql_state,
                                                  self->evidence.sql_message ? self->evidence.sql_message : ""));
  if (self->evidence.application_reply != NULL)
    _mutual_probe_step_add (self->step, "reply", _("Reply"), self->evidence.application_reply);

  if (self->evidence.http_status_line != NULL)
    summary = g_strdup (self->evidence.http_status_line);
  else if (self->evidence.mqtt_return_code >= 0)
    summary = g_strdup_printf (_("CONNACK %d"), self->evidence.mqtt_return_code);
  else if (self->evidence.sql_state != NULL)
    summary = g_strdup_printf ("%s %s", self->evidence.sql_state, self->evidence.sql_message ? self->evidence.sql_message : "");
  else if (self->protocol == MUTUAL_PROTOCOL_TLS && self->input->len == 0 && self->evidence.ticket_after_handshake)
    summary = g_strdup (_("The server sent a session ticket after the client’s Finished: it took the "
                          "client’s handshake"));
  else
    summary = g_strdup (reply == REPLY_OK ? _("The server answered") : _("The server refused the request"));

  application_done (self, reply == REPLY_OK ? MUTUAL_STEP_OK : MUTUAL_STEP_FAILED, summary);
}

static void
application_continue (MutualProbe *self)
{
  guint8 buffer[4096];
  ssize_t n;

  for (;;)
    {
      n = gnutls_record_recv (self->session, buffer, sizeof buffer);
      if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
        break;
      if (n == 0 || n == GNUTLS_E_PREMATURE_TERMINATION)
        {
          self->evidence.peer_closed = TRUE;
          break;
        }
      if (n < 0)
        {
          application_error (self, (int) n);
          return;
        }
      if (self->input->len + n > PROBE_MAX_INPUT)
        break;
      g_byte_array_append (self->input, buffer, n);
    }

  application_evaluate (self);
}

static gboolean
raw_read_timeout_cb (gpointer data)
{
  MutualProbe *self = data;

  self->step_timer = 0;
  g_clear_pointer (&self->io_source, g_source_destroy);
  self->resume = NULL;
  if (self->raw_wait_ms == 0)
    {
      _mutual_probe_step_add (self->step, "read", _("Read"), _("nothing waiting, and no alert"));
      application_done (self, MUTUAL_STEP_OK,
                        _("TLS 1.2: the server’s Finished came after its verdict on the client"));
    }
  else
    {
      _mutual_probe_step_add_take (self->step, "read", _("Read"),
                                   g_strdup_printf (_("nothing within %.1f s, and no alert"),
                                                    self->raw_wait_ms / 1000.0));
      application_done (self, MUTUAL_STEP_OK, _("No alert after the handshake: the server kept the connection"));
    }
  return G_SOURCE_REMOVE;
}

static void
begin_application (MutualProbe *self)
{
  g_autofree char *title = NULL;
  const char *user = default_user (self);

  title = g_strdup_printf (_("Talk %s after the handshake"), mutual_protocol_to_string (self->protocol));
  begin_step (self, MUTUAL_STEP_APPLICATION, title);
  g_byte_array_set_size (self->input, 0);
  self->evidence.peer_closed = FALSE;

  switch (self->protocol)
    {
    case MUTUAL_PROTOCOL_HTTPS:
      {
        const char *name = _mutual_probe_get_sni (self);
        g_autofree char *host = NULL;
        g_autofree char *request = NULL;

        /* RFC 9110: an IPv6 literal goes in brackets, and a port other than 443 after
         * the name; nginx answers 400 to "Host: ::1". */
        if (name == NULL)
          name = self->host;
        host = g_strdup_printf (strchr (name, ':') != NULL ? "[%s]" : "%s", name);
        if (mutual_probe_get_port (self) != 443)
          {
            g_autofree char *bare = g_steal_pointer (&host);

            host = g_strdup_printf ("%s:%u", bare, mutual_probe_get_port (self));
          }
        request = g_strdup_printf ("GET / HTTP/1.1\r\nHost: %s\r\nUser-Agent: mutual-probe\r\nConnection: close\r\n\r\n",
                                   host);

        transcript (self, "→", request, strcspn (request, "\r"));
        application_queue (self, request, strlen (request));
      }
      break;

    case MUTUAL_PROTOCOL_MQTT:
      {
        static const guint8 connect[] = {
          0x10, 24, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60,
          0, 12, 'm', 'u', 't', 'u', 'a', 'l', '-', 'p', 'r', 'o', 'b', 'e',
        };

        transcript (self, "→", "MQTT CONNECT", 12);
        application_queue (self, connect, sizeof connect);
      }
      break;

    case MUTUAL_PROTOCOL_POSTGRES:
      {
        g_autoptr(GByteArray) message = g_byte_array_new ();
        guint8 header[8] = { 0, 0, 0, 0, 0x00, 0x03, 0x00, 0x00 };
        const char *pairs[] = { "user", user, "database", user, "application_name", "mutual-probe" };
        g_autofree char *line = g_strdup_printf ("StartupMessage user=%s", user);

        g_byte_array_append (message, header, sizeof header);
        for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
          g_byte_array_append (message, (const guint8 *) pairs[i], strlen (pairs[i]) + 1);
        g_byte_array_append (message, (const guint8 *) "", 1);
        message->data[0] = (message->len >> 24) & 0xff;
        message->data[1] = (message->len >> 16) & 0xff;
        message->data[2] = (message->len >> 8) & 0xff;
        message->data[3] = message->len & 0xff;
        transcript (self, "→", line, strlen (line));
        application_queue (self, message->data, message->len);
      }
      break;

    case MUTUAL_PROTOCOL_MYSQL:
      {
        g_autoptr(GByteArray) packet = g_byte_array_new ();
        guint8 header[4 + 32];
        const char *plugin = "mysql_native_password";
        guint8 empty = 0;
        g_autofree char *line = g_strdup_printf ("HandshakeResponse user=%s", user);

        mysql_client_header (header + 4);
        g_byte_array_append (packet, header, sizeof header);
        g_byte_array_append (packet, (const guint8 *) user, strlen (user) + 1);
        g_byte_array_append (packet, &empty, 1);
        g_byte_array_append (packet, (const guint8 *) plugin, strlen (plugin) + 1);
        packet->data[0] = (packet->len - 4) & 0xff;
        packet->data[1] = ((packet->len - 4) >> 8) & 0xff;
        packet->data[2] = 0;
        packet->data[3] = 2;
        transcript (self, "→", line, strlen (line));
        application_queue (self, packet->data, packet->len);
      }
      break;

    case MUTUAL_PROTOCOL_SMTP:
      transcript (self, "→", "EHLO mutual.invalid", 19);
      application_queue (self, "EHLO mutual.invalid\r\n", 21);
      break;

    case MUTUAL_PROTOCOL_IMAP:
      transcript (self, "→", "a2 CAPABILITY", 13);
      application_queue (self, "a2 CAPABILITY\r\n", 15);
      break;

    case MUTUAL_PROTOCOL_POP3:
      transcript (self, "→", "CAPA", 4);
      application_queue (self, "CAPA\r\n", 6);
      break;

    case MUTUAL_PROTOCOL_FTP:
      transcript (self, "→", "FEAT", 4);
      application_queue (self, "FEAT\r\n", 6);
      break;

    case MUTUAL_PROTOCOL_XMPP:
      {
        g_autofree char *header =
          g_strdup_printf ("<?xml version='1.0'?><stream:stream to='%s' xmlns='jabber:client' "
                           "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>",
                           _mutual_probe_get_sni (self) ? _mutual_probe_get_sni (self) : self->host);

        transcript (self, "→", "XMPP stream restart", 19);
        application_queue (self, header, strlen (header));
      }
      break;

    case MUTUAL_PROTOCOL_LDAP:
      {
        /* WhoAmI extended operation (RFC 4532). */
        static const guint8 whoami[] = {
          0x30, 0x1e, 0x02, 0x01, 0x02, 0x77, 0x19, 0x80, 0x17,
          '1', '.', '3', '.', '6', '.', '1', '.', '4', '.', '1', '.', '4', '2', '0', '3', '.',
          '1', '.', '1', '1', '.', '3',
        };

        transcript (self, "→", "LDAP WhoAmI", 11);
        application_queue (self, whoami, sizeof whoami);
      }
      break;

    case MUTUAL_PROTOCOL_TLS:
    default:
      /* Nothing to say. In TLS 1.3 a bounded read catches an alert sent after the
       * handshake, and ends early at a session ticket, which the server sends only
       * once it has taken the client's Finished. In TLS 1.2 the server's Finished
       * already followed its verdict: only what is waiting is read. */
      self->raw_wait_ms = gnutls_protocol_get_version (self->session) == GNUTLS_TLS1_3
                          ? MIN (self->step_ms, RAW_READ_MS) : 0;
      remove_timeout (self, &self->step_timer);
      self->step_timer = add_timeout (self, self->raw_wait_ms, raw_read_timeout_cb);
      break;
    }

  application_flush (self);
}
