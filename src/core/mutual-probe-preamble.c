/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The start of each protocol before TLS: STARTTLS and its equivalents. Part of
 * mutual-probe.c (included there), so it shares the probe's private state. Each
 * protocol is a small state machine in preamble_step(), driven by input. */

/* What a reply parser says about the input so far. */
typedef enum
{
  REPLY_MORE,
  REPLY_OK,
  REPLY_REFUSED,
} Reply;

/* The length of the first complete line in the input, its newline included, or 0. */
static gsize
input_line_length (MutualProbe *self)
{
  const guint8 *newline = memchr (self->input->data, '\n', self->input->len);

  return newline ? (gsize) (newline - self->input->data) + 1 : 0;
}

static void
consume (MutualProbe *self,
         gsize        length)
{
  g_byte_array_remove_range (self->input, 0, MIN (length, self->input->len));
}

/* SMTP and FTP replies: "250-more" lines, then "250 last". Checks the code of the last
 * line against @code. */
static Reply
numeric_reply (MutualProbe *self,
               const char  *code,
               gboolean     keep_first_line)
{
  for (;;)
    {
      gsize length = input_line_length (self);
      const char *line = (const char *) self->input->data;
      gboolean last;

      if (length == 0)
        return REPLY_MORE;
      transcript (self, "←", line, length);
      if (keep_first_line && self->evidence.server_greeting == NULL)
        self->evidence.server_greeting = g_strchomp (g_strndup (line, length));
      last = length < 4 || line[3] != '-';
      if (last)
        {
          gboolean ok = strncmp (line, code, 3) == 0;

          consume (self, length);
          return ok ? REPLY_OK : REPLY_REFUSED;
        }
      consume (self, length);
    }
}

/* One line that must start with @prefix (IMAP untagged "* OK", POP3 "+OK"). */
static Reply
prefixed_line (MutualProbe *self,
               const char  *prefix,
               const char  *also,
               gboolean     keep_first_line)
{
  gsize length = input_line_length (self);
  const char *line = (const char *) self->input->data;
  gboolean ok;

  if (length == 0)
    return REPLY_MORE;
  transcript (self, "←", line, length);
  if (keep_first_line && self->evidence.server_greeting == NULL)
    self->evidence.server_greeting = g_strchomp (g_strndup (line, length));
  ok = g_str_has_prefix (line, prefix) || (also != NULL && g_str_has_prefix (line, also));
  consume (self, length);
  return ok ? REPLY_OK : REPLY_REFUSED;
}

/* IMAP: untagged lines until the tagged "a1 OK". */
static Reply
tagged_reply (MutualProbe *self,
              const char  *tag)
{
  for (;;)
    {
      gsize length = input_line_length (self);
      const char *line = (const char *) self->input->data;
      gboolean tagged;

      if (length == 0)
        return REPLY_MORE;
      transcript (self, "←", line, length);
      tagged = g_str_has_prefix (line, tag);
      if (tagged)
        {
          gboolean ok = strncmp (line + strlen (tag), " OK", 3) == 0;

          consume (self, length);
          return ok ? REPLY_OK : REPLY_REFUSED;
        }
      consume (self, length);
    }
}

/* XMPP: text up to @marker, or a <failure/>. */
static Reply
xml_until (MutualProbe *self,
           const char  *marker)
{
  g_autofree char *text = g_strndup ((const char *) self->input->data, self->input->len);

  if (strstr (text, "<failure") != NULL || strstr (text, "</stream:stream>") != NULL)
    {
      transcript (self, "←", text, strlen (text));
      consume (self, self->input->len);
      return REPLY_REFUSED;
    }
  if (strstr (text, marker) == NULL)
    return REPLY_MORE;
  transcript (self, "←", text, strlen (text));
  consume (self, self->input->len);
  return REPLY_OK;
}

/* LDAP: one BER message, a StartTLS ExtendedResponse; resultCode 0 is success. */
static Reply
ldap_extended_response (MutualProbe *self)
{
  MutualDerHeader message;
  const guint8 *response;
  gsize response_length;
  const guint8 *code;
  gsize code_length;

  if (!_mutual_der_read_header (self->input->data, self->input->len, &message))
    return self->input->len < 6 ? REPLY_MORE : REPLY_REFUSED;
  if (message.header_length + message.content_length > self->input->len)
    return REPLY_MORE;

  transcript (self, "←", "LDAP ExtendedResponse", 21);
  /* LDAPMessage { messageID, extendedResp [APPLICATION 24] { resultCode ENUMERATED ... } } */
  if (!_mutual_der_child (self->input->data, self->input->len, 1, &response, &response_length) ||
      response[0] != 0x78 ||
      !_mutual_der_child (response, response_length, 0, &code, &code_length) ||
      code[0] != 0x0a || code_length != 3)
    return REPLY_REFUSED;
  {
    g_autofree char *value = g_strdup_printf ("resultCode %u", code[2]);

    _mutual_probe_step_add (self->step, "ldap-result", _("LDAP result"), value);
  }
  consume (self, message.header_length + message.content_length);
  return code[2] == 0 ? REPLY_OK : REPLY_REFUSED;
}

/* MySQL: a packet is a 3-byte length, a sequence number and the payload. */
static gboolean
mysql_packet (MutualProbe   *self,
              const guint8 **payload,
              gsize         *length)
{
  gsize size;

  if (self->input->len < 4)
    return FALSE;
  size = self->input->data[0] | (self->input->data[1] << 8) | (self->input->data[2] << 16);
  if (self->input->len < 4 + size)
    return FALSE;
  *payload = self->input->data + 4;
  *length = size;
  return TRUE;
}

#define MYSQL_CLIENT_LONG_PASSWORD 0x00000001
#define MYSQL_CLIENT_PROTOCOL_41 0x00000200
#define MYSQL_CLIENT_SSL 0x00000800
#define MYSQL_CLIENT_SECURE_CONNECTION 0x00008000
#define MYSQL_CLIENT_PLUGIN_AUTH 0x00080000
#define MYSQL_CAPABILITIES (MYSQL_CLIENT_LONG_PASSWORD | MYSQL_CLIENT_PROTOCOL_41 | MYSQL_CLIENT_SSL | \
                            MYSQL_CLIENT_SECURE_CONNECTION | MYSQL_CLIENT_PLUGIN_AUTH)

static void
put32 (guint8 *out,
       guint32 value)
{
  out[0] = value & 0xff;
  out[1] = (value >> 8) & 0xff;
  out[2] = (value >> 16) & 0xff;
  out[3] = (value >> 24) & 0xff;
}

/* The 32-byte payload shared by MySQL's SSL request and handshake response. */
static void
mysql_client_header (guint8 payload[32])
{
  memset (payload, 0, 32);
  put32 (payload, MYSQL_CAPABILITIES);
  put32 (payload + 4, 16 * 1024 * 1024);
  payload[8] = 45; /* utf8mb4 */
}

static Reply
mysql_greeting (MutualProbe *self)
{
  const guint8 *payload;
  gsize length;
  const guint8 *end;
  const guint8 *p;
  guint32 capabilities;
  g_autofree char *version = NULL;

  if (!mysql_packet (self, &payload, &length))
    return REPLY_MORE;
  end = payload + length;

  /* An error packet instead of a greeting: too many connections, host blocked... */
  if (length > 3 && payload[0] == 0xff)
    {
      g_autofree char *message = g_strndup ((const char *) payload + 3, length - 3);

      transcript (self, "←", message, strlen (message));
      self->evidence.server_greeting = g_steal_pointer (&message);
      return REPLY_REFUSED;
    }
  if (length < 1 || payload[0] != 10)
    return REPLY_REFUSED;

  p = memchr (payload + 1, '\0', length - 1);
  if (p == NULL)
    return REPLY_REFUSED;
  version = g_strndup ((const char *) payload + 1, p - (payload + 1));
  self->evidence.server_greeting = g_strdup_printf ("MySQL %s", version);
  transcript (self, "←", self->evidence.server_greeting, strlen (self->evidence.server_greeting));
  /* connection id 4, auth data 8, filler 1, capability flags (lower 2 bytes) */
  p += 1 + 4 + 8 + 1;
  if (p + 2 > end)
    return REPLY_REFUSED;
  capabilities = p[0] | (p[1] << 8);
  if (p + 7 <= end)
    capabilities |= (guint32) (p[5] | (p[6] << 8)) << 16;
  consume (self, 4 + length);
  if (!(capabilities & MYSQL_CLIENT_SSL))
    {
      self->evidence.starttls_refused = TRUE;
      return REPLY_REFUSED;
    }
  return REPLY_OK;
}

static const guint8 ldap_starttls_request[] = {
  0x30, 0x1d, 0x02, 0x01, 0x01, 0x77, 0x18, 0x80, 0x16,
  '1', '.', '3', '.', '6', '.', '1', '.', '4', '.', '1', '.', '1', '4', '6', '6', '.',
  '2', '0', '0', '3', '7',
};

static gboolean
send_text (MutualProbe *self,
           const char  *text)
{
  transcript (self, "→", text, strlen (text));
  return write_plain (self, text, strlen (text));
}

static void preamble_continue (MutualProbe *self);

/* Runs the protocol's state machine as far as the input allows. Returns when it needs
 * more input, has finished (and started the handshake) or has failed. */
static void
preamble_step (MutualProbe *self)
{
  for (;;)
    {
      Reply reply = REPLY_MORE;
      gboolean done = FALSE;

      switch (self->protocol)
        {
        case MUTUAL_PROTOCOL_SMTP:
          if (self->state == 0 && (reply = numeric_reply (self, "220", TRUE)) == REPLY_OK)
            {
              self->state = 1;
              if (!send_text (self, "EHLO mutual.invalid\r\n"))
                return;
              continue;
            }
          if (self->state == 1)
            {
              reply = numeric_reply (self, "250", FALSE);
              if (reply == REPLY_OK)
                {
                  self->state = 2;
                  if (!send_text (self, "STARTTLS\r\n"))
                    return;
                  continue;
                }
            }
          if (self->state == 2 && (reply = numeric_reply (self, "220", FALSE)) == REPLY_OK)
            done = TRUE;
          break;

        case MUTUAL_PROTOCOL_FTP:
          if (self->state == 0 && (reply = numeric_reply (self, "220", TRUE)) == REPLY_OK)
            {
              self->state = 1;
              if (!send_text (self, "AUTH TLS\r\n"))
                return;
              continue;
            }
          if (self->state == 1 && (reply = numeric_reply (self, "234", FALSE)) == REPLY_OK)
            done = TRUE;
          break;

        case MUTUAL_PROTOCOL_IMAP:
          if (self->state == 0 && (reply = prefixed_line (self, "* OK", "* PREAUTH", TRUE)) == REPLY_OK)
            {
              self->state = 1;
              if (!send_text (self, "a1 STARTTLS\r\n"))
                return;
              continue;
            }
          if (self->state == 1 && (reply = tagged_reply (self, "a1")) == REPLY_OK)
            done = TRUE;
          break;

        case MUTUAL_PROTOCOL_POP3:
          if (self->state == 0 && (reply = prefixed_line (self, "+OK", NULL, TRUE)) == REPLY_OK)
            {
              self->state = 1;
              if (!send_text (self, "STLS\r\n"))
                return;
              continue;
            }
          if (self->state == 1 && (reply = prefixed_line (self, "+OK", NULL, FALSE)) == REPLY_OK)
            done = TRUE;
          break;

        case MUTUAL_PROTOCOL_XMPP:
          if (self->state == 0)
            {
              g_autofree char *header =
                g_strdup_printf ("<?xml version='1.0'?><stream:stream to='%s' xmlns='jabber:client' "
                                 "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>",
                                 _mutual_probe_get_sni (self) ? _mutual_probe_get_sni (self) : self->host);

              self->state = 1;
              if (!send_text (self, header))
                return;
              continue;
            }
          if (self->state == 1 && (reply = xml_until (self, "</stream:features>")) == REPLY_OK)
            {
              self->state = 2;
              if (!send_text (self, "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"))
                return;
              continue;
            }
          if (self->state == 2 && (reply = xml_until (self, "<proceed")) == REPLY_OK)
            done = TRUE;
          break;

        case MUTUAL_PROTOCOL_LDAP:
          if (self->state == 0)
            {
              self->state = 1;
              transcript (self, "→", "LDAP StartTLS ExtendedRequest", 29);
              if (!write_plain (self, ldap_starttls_request, sizeof ldap_starttls_request))
                return;
              continue;
            }
          if ((reply = ldap_extended_response (self)) == REPLY_OK)
            done = TRUE;
          break;

        case MUTUAL_PROTOCOL_POSTGRES:
          if (self->state == 0)
            {
              /* SSLRequest: length 8, code 80877103. */
              static const guint8 request[] = { 0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f };

              self->state = 1;
              transcript (self, "→", "PostgreSQL SSLRequest", 21);
              if (!write_plain (self, request, sizeof request))
                return;
              continue;
            }
          if (self->input->len >= 1)
            {
              char answer = self->input->data[0];

              transcript (self, "←", answer == 'S' ? "S (TLS accepted)" : "N (TLS refused)", 16);
              consume (self, 1);
              reply = answer == 'S' ? REPLY_OK : REPLY_REFUSED;
              if (answer != 'S')
                self->evidence.starttls_refused = TRUE;
              done = reply == REPLY_OK;
            }
          break;

        case MUTUAL_PROTOCOL_MYSQL:
          if (self->state == 0 && (reply = mysql_greeting (self)) == REPLY_OK)
            {
              guint8 packet[4 + 32];

              mysql_client_header (packet + 4);
              packet[0] = 32;
              packet[1] = packet[2] = 0;
              packet[3] = 1;
              self->state = 1;
              transcript (self, "→", "MySQL SSL request", 17);
              if (!write_plain (self, packet, sizeof packet))
                return;
              done = TRUE;
            }
          break;

        case MUTUAL_PROTOCOL_TLS:
        case MUTUAL_PROTOCOL_HTTPS:
        case MUTUAL_PROTOCOL_MQTT:
        default:
          done = TRUE;
          break;
        }

      if (done)
        {
          end_step (self, MUTUAL_STEP_OK, _("The server agreed to start TLS"));
          begin_handshake (self);
          return;
        }
      if (reply == REPLY_REFUSED)
        {
          self->evidence.preamble_failed = TRUE;
          self->evidence.starttls_refused = TRUE;
          self->evidence.preamble_error = g_strdup (_("the server did not agree to start TLS"));
          fail_step (self, _("The server did not agree to start TLS"), MUTUAL_PROBE_PROBLEMS);
          return;
        }
      /* More input needed. */
      wait_for (self, G_IO_IN, preamble_continue);
      return;
    }
}

static void
preamble_continue (MutualProbe *self)
{
  if (!read_plain (self))
    return;
  preamble_step (self);
}

static void
begin_preamble (MutualProbe *self)
{
  g_autofree char *title = g_strdup_printf (_("Start TLS (%s)"), mutual_protocol_to_string (self->protocol));

  begin_step (self, MUTUAL_STEP_PREAMBLE, title);
  self->state = 0;
  g_byte_array_set_size (self->input, 0);
  preamble_step (self);
}
