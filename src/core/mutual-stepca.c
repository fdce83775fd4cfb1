/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "mutual-ca-client-private.h"
#include "mutual-ca-token.h"
#include "mutual-importer.h"
#include "mutual-jose-private.h"
#include "mutual-private-key-private.h"
#include "mutual-stepca-private.h"

/**
 * MutualStepCa:
 *
 * A client of smallstep's step-ca, over its HTTPS API (as of step-ca 0.19):
 *
 * - GET /root/SHA256 returns {"ca": PEM}, the root with that fingerprint (bootstrap);
 * - GET /provisioners returns {"provisioners": [...], "nextCursor": ...}; a JWK
 *   provisioner has its public key ("key", with "kid") and its private key as a
 *   password-protected compact JWE ("encryptedKey");
 * - POST /1.0/sign {"csr", "ott"} signs a request with a one-time token (ES256 JWT,
 *   header kid = the provisioner's key id; iss = provisioner name, aud = this URL,
 *   sub = the request's common name, sans = its SANs exactly, jti, iat, nbf, exp);
 * - POST /1.0/renew over mutual TLS renews the client's certificate, and so does an
 *   "Authorization: Bearer" token signed by the certificate's key with the chain in
 *   the "x5cInsecure" header, which also works after expiry when the provisioner has
 *   allowRenewalAfterExpiry;
 * - POST /1.0/rekey {"csr"} over mutual TLS issues the certificate for a new key.
 *
 * Answers are {"crt", "ca", "certChain"} with 201, errors {"status", "message"}.
 * Every call here blocks: they run in the worker thread of #MutualCaClient, each with
 * its own #SoupSession.
 */
struct _MutualStepCa
{
  MutualCaClient parent_instance;
};

G_DEFINE_FINAL_TYPE (MutualStepCa, mutual_stepca, MUTUAL_TYPE_CA_CLIENT)

#define TOKEN_LIFETIME_SECONDS 300
#define RENEW_TOKEN_ISSUER "step-ca-client/1.0"
/* step-ca accepts token times within a minute of its clock. */
#define CLOCK_LEEWAY_SECONDS 60
#define MAX_RESPONSE_SIZE (1024 * 1024)
#define MAX_PROVISIONER_PAGES 100

typedef struct
{
  guint status;
  GBytes *body;
  JsonObject *object;
  GDateTime *date;
  GTlsCertificate *peer;
} Response;

static void
response_clear (Response *response)
{
  g_clear_pointer (&response->body, g_bytes_unref);
  g_clear_pointer (&response->object, json_object_unref);
  g_clear_pointer (&response->date, g_date_time_unref);
  g_clear_object (&response->peer);
  response->status = 0;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Response, response_clear)

typedef struct
{
  const char *method;
  const char *path;
  /* Secret when it holds a token: wiped after sending. */
  char *body;
  char *bearer;
  GTlsCertificate *client_certificate;
  /* Bootstrap only: accept any server certificate, for a request without secrets. */
  gboolean trust_nothing;
} Request;

static void
request_clear (Request *request)
{
  if (request->body != NULL)
    _mutual_wipe (request->body, strlen (request->body));
  g_clear_pointer (&request->body, g_free);
  if (request->bearer != NULL)
    _mutual_wipe (request->bearer, strlen (request->bearer));
  g_clear_pointer (&request->bearer, g_free);
  g_clear_object (&request->client_certificate);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Request, request_clear)

static const char *
url_of (MutualStepCa *self)
{
  return mutual_ca_profile_get_url (mutual_ca_client_get_profile (MUTUAL_CA_CLIENT (self)));
}

static gboolean
accept_any_cb (SoupMessage          *message,
               GTlsCertificate      *certificate,
               GTlsCertificateFlags  errors,
               gpointer              user_data)
{
  return TRUE;
}

static gboolean
record_refusal_cb (SoupMessage          *message,
                   GTlsCertificate      *certificate,
                   GTlsCertificateFlags  errors,
                   gpointer              user_data)
{
  GTlsCertificateFlags *flags = user_data;

  *flags = errors;
  return FALSE;
}

/* The one place where transport failures become CA errors. */
static void
map_transport_error (MutualStepCa          *self,
                     GError                *original,
                     GTlsCertificateFlags   refused,
                     GError               **error)
{
  guint timeout = mutual_ca_client_get_timeout (MUTUAL_CA_CLIENT (self));

  if (g_error_matches (original, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, original);
      return;
    }

  if (refused != 0)
    {
      g_autofree char *why = _mutual_tls_flags_describe (refused);

      g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_TLS_FAILED,
                   _("The certificate of the CA at %s was refused: %s"), url_of (self), why);
    }
  else if (g_error_matches (original, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_TIMED_OUT,
                 _("The CA at %s did not answer within %u seconds"), url_of (self), timeout);
  else if (original->domain == G_TLS_ERROR)
    g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_TLS_FAILED,
                 _("The TLS handshake with the CA at %s failed: %s"), url_of (self), original->message);
  else if (original->domain == SOUP_SESSION_ERROR)
    g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_MALFORMED,
                 _("The CA at %s did not answer in HTTP: %s"), url_of (self), original->message);
  else
    g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_UNREACHABLE,
                 _("Cannot reach the CA at %s: %s"), url_of (self), original->message);
  g_error_free (original);
}

static const char *
message_of (Response *response)
{
  JsonNode *node;

  if (response->object == NULL)
    return NULL;
  node = json_object_get_member (response->object, "message");
  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* Maps the CA's refusals, keeping the CA's own message. */
static gboolean
check_status (MutualStepCa  *self,
              Response      *response,
              GError       **error)
{
  const char *said = message_of (response);
  g_autofree char *quoted = NULL;

  if (response->status == 200 || response->status == 201)
    {
      if (response->object == NULL)
        {
          g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_MALFORMED,
                       _("The CA at %s answered with something that is not a JSON object"),
                       url_of (self));
          return FALSE;
        }
      return TRUE;
    }

  /* Translators: how the CA's own message is quoted after ours. */
  quoted = said != NULL ? g_strdup_printf (_(" (the CA says: “%s”)"), said) : g_strdup ("");
  switch (response->status)
    {
    case 401:
      if (response->date != NULL)
        {
          g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
          gint64 skew = g_date_time_difference (response->date, now) / G_TIME_SPAN_SECOND;

          if (ABS (skew) > CLOCK_LEEWAY_SECONDS)
            {
              g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_CLOCK_SKEW,
                           _("The CA refused the authorization, and the clocks disagree: the CA’s is %"
                             G_GINT64_FORMAT " seconds %s this computer’s. Set the clock right "
                             "and try again%s"),
                           ABS (skew), skew > 0 ? _("ahead of") : _("behind"), quoted);
              return FALSE;
            }
        }
      g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_UNAUTHORIZED,
                   _("The CA refused the authorization (HTTP 401): the token is wrong, expired or "
                     "already used, or the certificate is not accepted%s"), quoted);
      return FALSE;
    case 403:
      g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_FORBIDDEN,
                   _("The CA refused the request (HTTP 403)%s"), quoted);
      return FALSE;
    case 400:
    case 404:
    case 405:
      g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_BAD_REQUEST,
                   _("The CA rejected the request (HTTP %u)%s"), response->status, quoted);
      return FALSE;
    default:
      if (response->status >= 500)
        g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_SERVER_ERROR,
                     _("The CA at %s failed (HTTP %u)%s"), url_of (self), response->status, quoted);
      else
        g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_MALFORMED,
                     _("The CA at %s answered with an unexpected HTTP status %u%s"), url_of (self),
                     response->status, quoted);
      return FALSE;
    }
}

/* Sends one request on a session of its own, verified against the pinned root (or,
 * for the bootstrap, not verified), and reads the answer. */
static gboolean
send_request (MutualStepCa   *self,
              Request        *request,
              Response       *response,
              GCancellable   *cancellable,
              GError        **error)
{
  MutualCaClient *client = MUTUAL_CA_CLIENT (self);
  g_autoptr(MutualCertificate) root = mutual_ca_client_get_root (client);
  g_autoptr(GTlsDatabase) database = _mutual_pinned_database_new (request->trust_nothing ? NULL : root);
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *url = g_strconcat (url_of (self), request->path, NULL);
  g_autoptr(GError) local_error = NULL;
  GTlsCertificateFlags refused = 0;
  const char *date;
  gsize length;
  const char *data;

  if (!request->trust_nothing && root == NULL)
    {
      g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_TLS_FAILED,
                   _("No root is pinned for the CA at %s"), url_of (self));
      return FALSE;
    }

  session = soup_session_new_with_options ("timeout", mutual_ca_client_get_timeout (client),
                                           "idle-timeout", mutual_ca_client_get_timeout (client),
                                           "user-agent", "Mutual/" PACKAGE_VERSION,
                                           "tls-database", database,
                                           NULL);
  message = soup_message_new (request->method, url);
  if (message == NULL)
    {
      g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_INVALID_ARGUMENT, _("“%s” is not a valid URL"), url);
      return FALSE;
    }
  if (request->body != NULL)
    {
      g_autoptr(GBytes) body = g_bytes_new_static (request->body, strlen (request->body));

      soup_message_set_request_body_from_bytes (message, "application/json", body);
    }
  if (request->bearer != NULL)
    {
      g_autofree char *authorization = g_strconcat ("Bearer ", request->bearer, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization",
                                    authorization);
      _mutual_wipe (authorization, strlen (authorization));
    }
  if (request->client_certificate != NULL)
    soup_message_set_tls_client_certificate (message, request->client_certificate);
  if (request->trust_nothing)
    g_signal_connect (message, "accept-certificate", G_CALLBACK (accept_any_cb), NULL);
  else
    g_signal_connect (message, "accept-certificate", G_CALLBACK (record_refusal_cb), &refused);

  g_debug ("%s %s", request->method, url);
  response->body = soup_session_send_and_read (session, message, cancellable, &local_error);
  if (response->body == NULL)
    {
      map_transport_error (self, g_steal_pointer (&local_error), refused, error);
      return FALSE;
    }

  response->status = soup_message_get_status (message);
  g_debug ("%s %s: HTTP %u, %" G_GSIZE_FORMAT " bytes", request->method, url, response->status,
           g_bytes_get_size (response->body));
  if (soup_message_get_tls_peer_certificate (message) != NULL)
    response->peer = g_object_ref (soup_message_get_tls_peer_certificate (message));
  date = soup_message_headers_get_one (soup_message_get_response_headers (message), "Date");
  if (date != NULL)
    response->date = soup_date_time_new_from_http_string (date);

  data = g_bytes_get_data (response->body, &length);
  if (length > 0 && length <= MAX_RESPONSE_SIZE)
    {
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();
      JsonNode *node;

      if (json_parser_load_from_data (parser, data, length, NULL) &&
          (node = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_OBJECT (node))
        response->object = json_object_ref (json_node_get_object (node));
    }
  return check_status (self, response, error);
}

static MutualCertificate *
parse_one_certificate (MutualStepCa  *self,
                       const char    *pem,
                       GError       **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (pem, strlen (pem));
  g_autoptr(MutualBundle) bundle = mutual_import_bytes (bytes, url_of (self), NULL, NULL);

  if (bundle == NULL || mutual_bundle_get_certificates (bundle)->len != 1)
    {
      g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_MALFORMED,
                   _("The CA at %s sent a certificate that does not parse"), url_of (self));
      return NULL;
    }
  return g_object_ref (g_ptr_array_index (mutual_bundle_get_certificates (bundle), 0));
}

static const char *
string_member (JsonObject *object,
               const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* The chain of a sign, renew or rekey answer: "certChain", or "crt" and "ca". */
static GPtrArray *
parse_chain (MutualStepCa  *self,
             Response      *response,
             GError       **error)
{
  g_autoptr(GPtrArray) chain = g_ptr_array_new_with_free_func (g_object_unref);
  JsonNode *node = json_object_get_member (response->object, "certChain");

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node) && json_array_get_length (json_node_get_array (node)) > 0)
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          MutualCertificate *certificate;

          if (json_node_get_value_type (element) != G_TYPE_STRING)
            goto malformed;
          certificate = parse_one_certificate (self, json_node_get_string (element), error);
          if (certificate == NULL)
            return NULL;
          g_ptr_array_add (chain, certificate);
        }
      return g_steal_pointer (&chain);
    }

  if (string_member (response->object, "crt") == NULL)
    goto malformed;
  for (guint i = 0; i < 2; i++)
    {
      const char *pem = string_member (response->object, i == 0 ? "crt" : "ca");
      MutualCertificate *certificate;

      if (pem == NULL)
        continue;
      certificate = parse_one_certificate (self, pem, error);
      if (certificate == NULL)
        return NULL;
      g_ptr_array_add (chain, certificate);
    }
  return g_steal_pointer (&chain);

malformed:
  g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_MALFORMED,
               _("The CA at %s answered without a certificate (no “crt” or “certChain”)"), url_of (self));
  return NULL;
}

/* Bootstrap */

static MutualCertificate *
stepca_bootstrap (MutualCaClient  *client,
                  GCancellable    *cancellable,
                  GError         **error)
{
  MutualStepCa *self = MUTUAL_STEPCA (client);
  MutualCaProfile *profile = mutual_ca_client_get_profile (client);
  const char *wanted = mutual_ca_profile_get_fingerprint (profile);
  g_auto(Request) request = { "GET", NULL, NULL, NULL, NULL, TRUE };
  g_auto(Response) response = { 0, };
  g_autofree char *path = g_strconcat ("/root/", wanted, NULL);
  g_autoptr(MutualCertificate) root = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GSocketConnectable) identity = NULL;
  g_autofree char *got = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *pem;

  request.path = path;
  if (!send_request (self, &request, &response, cancellable, &local_error))
    {
      if (g_error_matches (local_error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_BAD_REQUEST) && response.status == 404)
        {
          g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_FINGERPRINT_MISMATCH,
                       _("The CA at %s has no root with the fingerprint %s: check the fingerprint "
                         "(“step certificate fingerprint root_ca.crt” on the CA prints it)"),
                       url_of (self), wanted);
          return NULL;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  pem = string_member (response.object, "ca");
  if (pem == NULL)
    {
      g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_MALFORMED,
                   _("The CA at %s answered the request for its root without one"), url_of (self));
      return NULL;
    }
  root = parse_one_certificate (self, pem, error);
  if (root == NULL)
    return NULL;

  got = mutual_normalize_fingerprint (mutual_certificate_get_sha256 (root));
  if (g_strcmp0 (got, wanted) != 0)
    {
      g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_FINGERPRINT_MISMATCH,
                   _("The root that %s sent has the fingerprint %s, not %s: it was not trusted"),
                   url_of (self), got, wanted);
      return NULL;
    }
  if (!mutual_certificate_is_ca (root) || !mutual_certificate_is_self_issued (root))
    {
      g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_FINGERPRINT_MISMATCH,
                   _("The certificate with the fingerprint %s is not a root CA"), wanted);
      return NULL;
    }

  /* The server that sent the root must itself be certified under it. */
  uri = g_uri_parse (url_of (self), G_URI_FLAGS_NONE, NULL);
  identity = g_network_address_new (g_uri_get_host (uri), g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : 443);
  if (response.peer != NULL)
    {
      g_autofree char *root_pem = mutual_certificate_to_pem (root);
      g_autoptr(GTlsCertificate) anchor = g_tls_certificate_new_from_pem (root_pem, -1, NULL);
      GTlsCertificateFlags flags = anchor ? g_tls_certificate_verify (response.peer, identity, anchor)
                                          : G_TLS_CERTIFICATE_GENERIC_ERROR;

      if (flags != 0)
        {
          g_autofree char *why = _mutual_tls_flags_describe (flags);

          g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_TLS_FAILED,
                       _("The CA at %s sent the right root, but its own TLS certificate was refused: "
                         "%s"), url_of (self), why);
          return NULL;
        }
    }
  g_debug ("Pinned the root “%s” of %s", mutual_certificate_get_subject_name (root), url_of (self));
  return g_steal_pointer (&root);
}

/* Tokens */

static char *
random_hex (void)
{
  guint8 bytes[32];

  GString *hex = g_string_sized_new (sizeof bytes * 2);

  gnutls_rnd (GNUTLS_RND_NONCE, bytes, sizeof bytes);
  for (guint i = 0; i < sizeof bytes; i++)
    g_string_append_printf (hex, "%02x", bytes[i]);
  return g_string_free (hex, FALSE);
}

/* The claims every token has; the caller adds its own. */
static JsonObject *
token_claims_new (const char *audience,
                  const char *issuer,
                  const char *subject)
{
  JsonObject *claims = json_object_new ();
  g_autofree char *jti = random_hex ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  json_object_set_string_member (claims, "aud", audience);
  json_object_set_int_member (claims, "exp", now + TOKEN_LIFETIME_SECONDS);
  json_object_set_int_member (claims, "iat", now);
  json_object_set_string_member (claims, "iss", issuer);
  json_object_set_string_member (claims, "jti", jti);
  json_object_set_int_member (claims, "nbf", now);
  json_object_set_string_member (claims, "sub", subject);
  return claims;
}

/* Called for each provisioner in the CA's list, with its name; returns TRUE to stop. */
typedef gboolean (*ProvisionerFunc) (JsonObject *provisioner,
                                     const char *name,
                                     gpointer    user_data);

/* Pages through GET /provisioners, calling @func on each provisioner that has a name.
 * Bounded: at most MAX_PROVISIONER_PAGES pages (a CA that keeps sending cursors is cut
 * short, not followed for ever), and no new page once the client's timeout has passed
 * since the first. */
static gboolean
each_provisioner (MutualStepCa     *self,
                  ProvisionerFunc   func,
                  gpointer          user_data,
                  GCancellable     *cancellable,
                  GError          **error)
{
  gint64 deadline = g_get_monotonic_time () +
                    (gint64) mutual_ca_client_get_timeout (MUTUAL_CA_CLIENT (self)) * G_USEC_PER_SEC;
  g_autofree char *cursor = NULL;

  for (guint page = 0; page < MAX_PROVISIONER_PAGES; page++)
    {
      g_auto(Request) request = { "GET", NULL, NULL, NULL, NULL, FALSE };
      g_auto(Response) response = { 0, };
      g_autofree char *path = NULL;
      g_autofree char *escaped = cursor ? g_uri_escape_string (cursor, NULL, TRUE) : NULL;
      JsonNode *list;
      const char *next;

      if (page > 0 && g_get_monotonic_time () > deadline)
        {
          g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_TIMED_OUT,
                       _("The CA at %s took too long to list its provisioners"), url_of (self));
          return FALSE;
        }
      path = escaped ? g_strconcat ("/provisioners?limit=100&cursor=", escaped, NULL)
                     : g_strdup ("/provisioners?limit=100");
      request.path = path;
      if (!send_request (self, &request, &response, cancellable, error))
        return FALSE;
      list = json_object_get_member (response.object, "provisioners");
      if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
        {
          g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_MALFORMED,
                       _("The CA at %s sent a list of provisioners that Mutual cannot read"), url_of (self));
          return FALSE;
        }
      for (guint i = 0; i < json_array_get_length (json_node_get_array (list)); i++)
        {
          JsonNode *node = json_array_get_element (json_node_get_array (list), i);
          JsonObject *provisioner = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
          const char *name = string_member (provisioner, "name");

          if (name != NULL && func (provisioner, name, user_data))
            return TRUE;
        }
      next = string_member (response.object, "nextCursor");
      if (next == NULL || next[0] == '\0')
        return TRUE;
      g_free (cursor);
      cursor = g_strdup (next);
    }

  g_debug ("%s: more than %u pages of provisioners, the rest not read", url_of (self),
           MAX_PROVISIONER_PAGES);
  return TRUE;
}

typedef struct
{
  const char *name;
  JsonObject *found;
  GString *names;
} FindProvisioner;

static gboolean
find_provisioner_cb (JsonObject *provisioner,
                     const char *name,
                     gpointer    user_data)
{
  FindProvisioner *find = user_data;

  if (g_str_equal (name, find->name))
    {
      find->found = json_object_ref (provisioner);
      return TRUE;
    }
  g_string_append_printf (find->names, "%s“%s”", find->names->len ? ", " : "", name);
  return FALSE;
}

static JsonObject *
find_provisioner (MutualStepCa  *self,
                  const char    *name,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(GString) names = g_string_new (NULL);
  FindProvisioner find = { name, NULL, names };

  if (!each_provisioner (self, find_provisioner_cb, &find, cancellable, error))
    return NULL;
  if (find.found != NULL)
    return find.found;

  g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_NO_PROVISIONER,
               _("The CA at %s has no provisioner “%s” (it has %s)"), url_of (self), name,
               names->len ? names->str : _("none"));
  return NULL;
}

static gboolean
list_provisioner_cb (JsonObject *provisioner,
                     const char *name,
                     gpointer    user_data)
{
  GPtrArray *provisioners = user_data;

  g_ptr_array_add (provisioners, mutual_ca_provisioner_new (name, string_member (provisioner, "type")));
  return FALSE;
}

static GPtrArray *
stepca_list_provisioners (MutualCaClient  *client,
                          GCancellable    *cancellable,
                          GError         **error)
{
  MutualStepCa *self = MUTUAL_STEPCA (client);
  g_autoptr(GPtrArray) provisioners = g_ptr_array_new_with_free_func ((GDestroyNotify) mutual_ca_provisioner_free);

  if (!each_provisioner (self, list_provisioner_cb, provisioners, cancellable, error))
    return NULL;
  return g_steal_pointer (&provisioners);
}

/* A one-time sign token, as `step ca token` makes it, from the provisioner's key. */
static char *
mint_sign_token (MutualStepCa        *self,
                 MutualCaEnrollment  *enrollment,
                 const char * const  *sans,
                 GCancellable        *cancellable,
                 GError             **error)
{
  MutualCaProfile *profile = mutual_ca_client_get_profile (MUTUAL_CA_CLIENT (self));
  const char *name = mutual_ca_profile_get_provisioner (profile);
  g_autoptr(JsonObject) provisioner = NULL;
  g_autoptr(GBytes) jwk = NULL;
  g_auto(gnutls_privkey_t) key = NULL;
  g_autoptr(JsonObject) header = json_object_new ();
  g_autoptr(JsonObject) claims = NULL;
  g_autoptr(JsonArray) san_array = json_array_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *audience = g_strconcat (url_of (self), "/1.0/sign", NULL);
  JsonNode *key_node;
  const char *type;
  const char *encrypted;
  const char *kid;

  if (name == NULL)
    {
      g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_INVALID_ARGUMENT,
                   _("Give the provisioner’s name with its password, or a token"));
      return NULL;
    }
  provisioner = find_provisioner (self, name, cancellable, error);
  if (provisioner == NULL)
    return NULL;

  type = string_member (provisioner, "type");
  encrypted = string_member (provisioner, "encryptedKey");
  key_node = json_object_get_member (provisioner, "key");
  kid = key_node && JSON_NODE_HOLDS_OBJECT (key_node) ? string_member (json_node_get_object (key_node), "kid") : NULL;
  if (g_strcmp0 (type, "JWK") != 0 || encrypted == NULL || kid == NULL)
    {
      g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_UNSUPPORTED,
                   _("The provisioner “%s” is of type %s: Mutual makes tokens only for JWK provisioners "
                     "with an encrypted key. Ask its administrator for a token and give it instead"),
                   name, type ? type : "?");
      return NULL;
    }

  jwk = _mutual_jwe_decrypt (encrypted, enrollment->password, &local_error);
  if (jwk == NULL)
    {
      if (g_error_matches (local_error, MUTUAL_ERROR, MUTUAL_ERROR_BAD_PASSWORD))
        g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_BAD_PASSWORD,
                     _("The password is not that of the provisioner “%s”"), name);
      else
        g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                    _("Cannot decrypt the key of the provisioner “%s”: "), name);
      return NULL;
    }
  key = _mutual_jwk_import_private (jwk, NULL, error);
  if (key == NULL)
    return NULL;

  for (guint i = 0; sans[i] != NULL; i++)
    json_array_add_string_element (san_array, sans[i]);
  claims = token_claims_new (audience, name, enrollment->subject);
  json_object_set_array_member (claims, "sans", g_steal_pointer (&san_array));
  json_object_set_string_member (claims, "sha", mutual_ca_profile_get_fingerprint (profile));
  json_object_set_string_member (header, "kid", kid);
  json_object_set_string_member (header, "typ", "JWT");
  return _mutual_jws_sign (key, header, claims, error);
}

/* Enroll */

static MutualBundle *
stepca_enroll (MutualCaClient      *client,
               MutualCaEnrollment  *enrollment,
               GCancellable        *cancellable,
               GError             **error)
{
  MutualStepCa *self = MUTUAL_STEPCA (client);
  g_autoptr(MutualCertificate) root = mutual_ca_client_get_root (client);
  g_auto(GStrv) sans = NULL;
  g_auto(Request) request = { "POST", "/1.0/sign", NULL, NULL, NULL, FALSE };
  g_auto(Response) response = { 0, };
  g_autoptr(MutualPrivateKey) key = NULL;
  g_autoptr(GPtrArray) chain = NULL;
  g_autofree char *csr = NULL;
  char *token = NULL;

  if (enrollment->sans != NULL && enrollment->sans[0] != NULL)
    sans = g_strdupv (enrollment->sans);
  else if (enrollment->token != NULL)
    {
      /* The request must carry exactly the SANs the token allows; the CA checks. */
      g_autoptr(MutualCaTokenClaims) claims = mutual_ca_token_peek (enrollment->token);

      if (claims != NULL)
        sans = g_steal_pointer (&claims->sans);
    }
  if (sans == NULL || sans[0] == NULL)
    {
      g_strfreev (sans);
      sans = g_new0 (char *, 2);
      sans[0] = g_strdup (enrollment->subject);
    }

  if (enrollment->token != NULL)
    token = g_strdup (enrollment->token);
  else if (enrollment->password != NULL)
    token = mint_sign_token (self, enrollment, (const char * const *) sans, cancellable, error);
  else
    g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_INVALID_ARGUMENT,
                 _("Give a token, or the provisioner and its password"));
  if (token == NULL)
    return NULL;

  key = _mutual_generate_key (enrollment->key_type, error);
  if (key != NULL)
    csr = _mutual_make_csr (key, enrollment->subject, (const char * const *) sans, error);
  if (csr == NULL)
    {
      _mutual_wipe (token, strlen (token));
      g_free (token);
      return NULL;
    }

  /* Not json-glib: its copies of the token would not be wiped. The body is, with the
   * request (request_clear()). */
  request.body = _mutual_json_secret_object (error, "csr", csr, "ott", token, NULL);
  _mutual_wipe (token, strlen (token));
  g_free (token);
  if (request.body == NULL)
    return NULL;

  if (!send_request (self, &request, &response, cancellable, error))
    return NULL;
  chain = parse_chain (self, &response, error);
  if (chain == NULL)
    return NULL;
  return _mutual_ca_bundle_new (url_of (self), chain, root, key);
}

/* Renew and rekey */

/* The token that renews without mutual TLS, also after expiry: signed by the
 * certificate's own key, with the chain in the "x5cInsecure" header. */
static char *
mint_renew_token (MutualStepCa      *self,
                  GPtrArray         *chain,
                  MutualPrivateKey  *key,
                  GError           **error)
{
  g_auto(gnutls_privkey_t) privkey = _mutual_private_key_to_privkey (key, error);
  g_autoptr(JsonObject) header = json_object_new ();
  g_autoptr(JsonObject) claims = NULL;
  g_autoptr(JsonArray) x5c = json_array_new ();
  g_autofree char *audience = g_strconcat (url_of (self), "/1.0/renew", NULL);

  if (privkey == NULL)
    return NULL;
  for (guint i = 0; i < chain->len; i++)
    {
      GBytes *der = mutual_certificate_get_der (g_ptr_array_index (chain, i));
      g_autofree char *encoded = g_base64_encode (g_bytes_get_data (der, NULL), g_bytes_get_size (der));

      json_array_add_string_element (x5c, encoded);
    }
  json_object_set_string_member (header, "typ", "JWT");
  json_object_set_array_member (header, "x5cInsecure", g_steal_pointer (&x5c));
  claims = token_claims_new (audience, RENEW_TOKEN_ISSUER,
                             mutual_certificate_get_subject_name (g_ptr_array_index (chain, 0)));
  return _mutual_jws_sign (privkey, header, claims, error);
}

static GPtrArray *
renew_once (MutualStepCa       *self,
            GPtrArray          *chain,
            MutualPrivateKey   *key,
            MutualPrivateKey   *new_key,
            GCancellable       *cancellable,
            GError            **error)
{
  MutualCertificate *leaf = g_ptr_array_index (chain, 0);
  const MutualValidity *validity = mutual_certificate_get_validity (leaf);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_auto(Request) request = { "POST", "/1.0/renew", NULL, NULL, NULL, FALSE };
  g_auto(Response) response = { 0, };
  g_autoptr(GError) local_error = NULL;

  if (now >= validity->not_after)
    {
      /* Mutual TLS with an expired certificate fails in the handshake: only the
       * renew token can work, and only if the provisioner allows it. */
      request.bearer = mint_renew_token (self, chain, key, error);
      if (request.bearer == NULL)
        return NULL;
      if (!send_request (self, &request, &response, cancellable, &local_error))
        {
          if (g_error_matches (local_error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_UNAUTHORIZED))
            {
              g_autofree char *when = mutual_format_time (validity->not_after);
              const char *said = message_of (&response);

              g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_REENROLL_NEEDED,
                           _("The certificate expired on %s and the CA does not renew it (its "
                             "provisioner does not allow renewal after expiry%s%s): enroll again"),
                           when, said ? _("; the CA says: ") : "", said ? said : "");
              return NULL;
            }
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      return parse_chain (self, &response, error);
    }

  request.client_certificate = _mutual_tls_certificate_new (chain, key, error);
  if (request.client_certificate == NULL)
    return NULL;
  if (new_key != NULL)
    {
      g_autofree char *csr = _mutual_make_csr (new_key, mutual_certificate_get_subject_name (leaf), NULL, error);

      if (csr == NULL)
        return NULL;
      request.path = "/1.0/rekey";
      /* A CSR is not secret, but every body goes the same way. */
      request.body = _mutual_json_secret_object (error, "csr", csr, NULL);
      if (request.body == NULL)
        return NULL;
    }
  else
    {
      request.body = g_strdup ("");
    }
  if (!send_request (self, &request, &response, cancellable, error))
    return NULL;
  return parse_chain (self, &response, error);
}

static MutualBundle *
stepca_renew (MutualCaClient   *client,
              MutualBundle     *credentials,
              MutualCaRenewal   renewal,
              GCancellable     *cancellable,
              GError          **error)
{
  MutualStepCa *self = MUTUAL_STEPCA (client);
  g_autoptr(MutualCertificate) root = mutual_ca_client_get_root (client);
  GPtrArray *keys = mutual_bundle_get_keys (credentials);
  g_autoptr(GPtrArray) chain = NULL;
  g_autoptr(GPtrArray) renewed = NULL;
  g_autoptr(MutualPrivateKey) new_key = NULL;
  MutualPrivateKey *key;
  MutualCertificate *leaf;

  if (mutual_bundle_get_certificates (credentials)->len == 0 || keys->len != 1)
    {
      g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_INVALID_ARGUMENT,
                   _("Renewal needs the identity’s certificate and key"));
      return NULL;
    }
  key = g_ptr_array_index (keys, 0);
  chain = _mutual_ca_chain_without_root (mutual_bundle_get_certificates (credentials));
  leaf = g_ptr_array_index (chain, 0);

  if (renewal == MUTUAL_CA_RENEWAL_REKEY)
    {
      MutualKeyType type = MUTUAL_KEY_TYPE_P256;
      const char *current = mutual_private_key_get_key_type (key);

      /* The new key is of the same kind as the old one. */
      if (g_str_has_prefix (current, "RSA"))
        type = MUTUAL_KEY_TYPE_RSA2048;
      else if (g_str_has_prefix (current, "Ed25519"))
        type = MUTUAL_KEY_TYPE_ED25519;
      new_key = _mutual_generate_key (type, error);
      if (new_key == NULL)
        return NULL;
    }

  if (g_get_real_time () / G_USEC_PER_SEC >= mutual_certificate_get_validity (leaf)->not_after &&
      new_key != NULL)
    {
      /* Rekeying needs mutual TLS: first renew the expired certificate by token. */
      renewed = renew_once (self, chain, key, NULL, cancellable, error);
      if (renewed == NULL)
        return NULL;
      g_clear_pointer (&chain, g_ptr_array_unref);
      chain = g_steal_pointer (&renewed);
    }

  renewed = renew_once (self, chain, key, new_key, cancellable, error);
  if (renewed == NULL)
    return NULL;
  return _mutual_ca_bundle_new (url_of (self), renewed, root, new_key ? new_key : key);
}

static void
mutual_stepca_class_init (MutualStepCaClass *klass)
{
  MutualCaClientClass *client_class = MUTUAL_CA_CLIENT_CLASS (klass);

  client_class->bootstrap = stepca_bootstrap;
  client_class->enroll = stepca_enroll;
  client_class->renew = stepca_renew;
  client_class->list_provisioners = stepca_list_provisioners;
}

static void
mutual_stepca_init (MutualStepCa *self)
{
}

MutualCaClient *
_mutual_stepca_new (MutualCaProfile *profile)
{
  return g_object_new (MUTUAL_TYPE_STEPCA, "profile", profile, NULL);
}
