/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <nettle/aes.h>
#include <nettle/nist-keywrap.h>
#include <string.h>

#include "mutual-ca-client.h"
#include "mutual-export-private.h"
#include "mutual-jose-private.h"
#include "mutual-private-key-private.h"

/* Written for Mutual from RFC 7515 (JWS), RFC 7516 (JWE), RFC 7517 (JWK), RFC 7518
 * (algorithms) and RFC 8037 (EdDSA). GnuTLS provides PBKDF2, AES-GCM and the
 * signatures, Nettle the AES key wrap (RFC 3394), which GnuTLS does not expose.
 *
 * Why not libjwt (Debian's libjwt-gnutls 1.10): it takes the private key only as a PEM
 * buffer that it copies and frees without wiping, it has no EdDSA, and it covers
 * neither JWE nor JWK. What is left for it to do here is one signature call. */

#define MAX_COMPACT_LENGTH (64 * 1024)
#define MIN_PBES2_ITERATIONS 1000
#define MAX_PBES2_ITERATIONS 10000000

static GBytes *
wiped_bytes_take (guint8 *data,
                  gsize   length)
{
  GBytes *bytes = _mutual_bytes_new_wiped (data, length);

  _mutual_wipe (data, length);
  g_free (data);
  return bytes;
}

/* GnuTLS's base64 is standard base64; base64url differs in two characters and in
 * leaving out the padding. */
char *
_mutual_base64url_encode (gconstpointer data,
                          gsize         length)
{
  g_autofree char *standard = g_base64_encode (data, length);
  gsize end = strlen (standard);

  while (end > 0 && standard[end - 1] == '=')
    end--;
  standard[end] = '\0';
  for (char *p = standard; *p != '\0'; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
    }
  return g_steal_pointer (&standard);
}

GBytes *
_mutual_base64url_decode (const char  *text,
                          gssize       length,
                          GError     **error)
{
  g_autoptr(GString) standard = NULL;
  guint8 *decoded;
  gsize decoded_length = 0;
  int state = 0;
  guint save = 0;

  if (length < 0)
    length = strlen (text);
  if (length % 4 == 1)
    goto invalid;

  standard = g_string_sized_new (length + 3);
  for (gssize i = 0; i < length; i++)
    {
      char c = text[i];

      if (c == '-')
        c = '+';
      else if (c == '_')
        c = '/';
      else if (!g_ascii_isalnum (c))
        goto invalid;
      g_string_append_c (standard, c);
    }
  while (standard->len % 4 != 0)
    g_string_append_c (standard, '=');

  decoded = g_malloc (standard->len / 4 * 3 + 3);
  decoded_length = g_base64_decode_step (standard->str, standard->len, decoded, &state, &save);
  return wiped_bytes_take (decoded, decoded_length);

invalid:
  g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_MALFORMED,
               _("A JOSE object holds text that is not base64url"));
  return NULL;
}

static JsonObject *
parse_object (GBytes      *json,
              const char  *what,
              GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  gsize length;
  const char *data = g_bytes_get_data (json, &length);
  JsonNode *root;

  if (!json_parser_load_from_data (parser, data, length, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_MALFORMED,
                   _("The %s is not a JSON object"), what);
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

static const char *
member_string (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* PBES2 (RFC 7518 4.8): the key-encryption key is PBKDF2 of the password over
 * "alg" || 0x00 || p2s, and it unwraps the content key with AES key wrap. */
gboolean
_mutual_pbes2_unwrap (const char  *algorithm,
                      const char  *password,
                      GBytes      *salt_input,
                      guint        iterations,
                      GBytes      *wrapped,
                      guint8      *cek,
                      gsize        cek_length,
                      GError     **error)
{
  g_autoptr(GByteArray) salt = g_byte_array_new ();
  gnutls_mac_algorithm_t mac;
  gsize kek_length;
  guint8 kek[32];
  gnutls_datum_t key_datum;
  gnutls_datum_t salt_datum;
  gsize salt_length;
  gsize wrapped_length;
  const guint8 *salt_data = g_bytes_get_data (salt_input, &salt_length);
  const guint8 *wrapped_data = g_bytes_get_data (wrapped, &wrapped_length);
  /* RFC 3394's default initial value, which JWE uses. */
  static const guint8 default_iv[8] = { 0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6 };
  union
  {
    struct aes128_ctx aes128;
    struct aes192_ctx aes192;
    struct aes256_ctx aes256;
  } ctx;
  nettle_cipher_func *decrypt;
  gboolean unwrapped = FALSE;
  int ret;

  if (g_str_equal (algorithm, "PBES2-HS256+A128KW"))
    mac = GNUTLS_MAC_SHA256, kek_length = 16;
  else if (g_str_equal (algorithm, "PBES2-HS384+A192KW"))
    mac = GNUTLS_MAC_SHA384, kek_length = 24;
  else if (g_str_equal (algorithm, "PBES2-HS512+A256KW"))
    mac = GNUTLS_MAC_SHA512, kek_length = 32;
  else
    {
      g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_UNSUPPORTED,
                   _("The key is encrypted with “%s”, which Mutual does not support"), algorithm);
      return FALSE;
    }
  if (wrapped_length != cek_length + 8)
    {
      g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_MALFORMED,
                   _("The encrypted content key has the wrong length (%" G_GSIZE_FORMAT " bytes)"),
                   wrapped_length);
      return FALSE;
    }

  g_byte_array_append (salt, (const guint8 *) algorithm, strlen (algorithm) + 1);
  g_byte_array_append (salt, salt_data, salt_length);
  key_datum.data = (unsigned char *) password;
  key_datum.size = strlen (password);
  salt_datum.data = salt->data;
  salt_datum.size = salt->len;
  ret = gnutls_pbkdf2 (mac, &key_datum, &salt_datum, iterations, kek, kek_length);
  if (!_mutual_gnutls_check (ret, error, _("Cannot derive the key from the password")))
    return FALSE;

  if (kek_length == 16)
    {
      aes128_set_decrypt_key (&ctx.aes128, kek);
      decrypt = (nettle_cipher_func *) aes128_decrypt;
    }
  else if (kek_length == 24)
    {
      aes192_set_decrypt_key (&ctx.aes192, kek);
      decrypt = (nettle_cipher_func *) aes192_decrypt;
    }
  else
    {
      aes256_set_decrypt_key (&ctx.aes256, kek);
      decrypt = (nettle_cipher_func *) aes256_decrypt;
    }
  unwrapped = nist_keyunwrap16 (&ctx, decrypt, default_iv, cek_length, cek, wrapped_data);
  _mutual_wipe (&ctx, sizeof ctx);
  _mutual_wipe (kek, sizeof kek);

  /* The key wrap's integrity check is what tells a wrong password. */
  if (!unwrapped)
    {
      _mutual_wipe (cek, cek_length);
      g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_BAD_PASSWORD,
                   _("The password does not decrypt the provisioner’s key"));
      return FALSE;
    }
  return TRUE;
}

GBytes *
_mutual_jwe_decrypt_content (const char    *protected_b64,
                             const guint8  *cek,
                             gsize          cek_length,
                             const char    *iv_b64,
                             const char    *ciphertext_b64,
                             const char    *tag_b64,
                             GError       **error)
{
  g_autoptr(GBytes) iv = _mutual_base64url_decode (iv_b64, -1, error);
  g_autoptr(GBytes) ciphertext = NULL;
  g_autoptr(GBytes) tag = NULL;
  g_autoptr(GByteArray) sealed = NULL;
  gnutls_aead_cipher_hd_t handle = NULL;
  gnutls_cipher_algorithm_t cipher;
  gnutls_datum_t key;
  guint8 *plain;
  size_t plain_length;
  int ret;

  if (iv == NULL || (ciphertext = _mutual_base64url_decode (ciphertext_b64, -1, error)) == NULL ||
      (tag = _mutual_base64url_decode (tag_b64, -1, error)) == NULL)
    return NULL;

  switch (cek_length)
    {
    case 16: cipher = GNUTLS_CIPHER_AES_128_GCM; break;
    case 32: cipher = GNUTLS_CIPHER_AES_256_GCM; break;
    default:
      g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_UNSUPPORTED,
                   _("The content key has an unsupported length"));
      return NULL;
    }
  if (g_bytes_get_size (iv) != 12 || g_bytes_get_size (tag) != 16)
    {
      g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_MALFORMED,
                   _("The encrypted key has an IV or a tag of the wrong size"));
      return NULL;
    }

  sealed = g_byte_array_new ();
  g_byte_array_append (sealed, g_bytes_get_data (ciphertext, NULL), g_bytes_get_size (ciphertext));
  g_byte_array_append (sealed, g_bytes_get_data (tag, NULL), 16);
  key.data = (unsigned char *) cek;
  key.size = cek_length;
  ret = gnutls_aead_cipher_init (&handle, cipher, &key);
  if (!_mutual_gnutls_check (ret, error, _("Cannot start AES-GCM")))
    return NULL;

  plain_length = sealed->len;
  plain = g_malloc (plain_length + 1);
  /* The additional data is the protected header as it was sent: its base64url text. */
  ret = gnutls_aead_cipher_decrypt (handle, g_bytes_get_data (iv, NULL), 12, protected_b64,
                                    strlen (protected_b64), 16, sealed->data, sealed->len, plain,
                                    &plain_length);
  gnutls_aead_cipher_deinit (handle);
  if (ret < 0)
    {
      _mutual_wipe (plain, sealed->len);
      g_free (plain);
      g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_BAD_PASSWORD,
                   _("The provisioner’s encrypted key is damaged (its authentication tag does not "
                     "match)"));
      return NULL;
    }
  return wiped_bytes_take (plain, plain_length);
}

/**
 * _mutual_jwe_decrypt:
 * @compact: a compact JWE: five base64url parts separated by dots
 *
 * Decrypts a password-protected JWE as `step` writes them (PBES2 key wrap, AES-GCM).
 * A wrong password fails with %MUTUAL_ERROR_BAD_PASSWORD.
 *
 * Returns: (transfer full): the payload, in memory that is wiped when released
 */
GBytes *
_mutual_jwe_decrypt (const char  *compact,
                     const char  *password,
                     GError     **error)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GBytes) header_bytes = NULL;
  g_autoptr(JsonObject) header = NULL;
  g_autoptr(GBytes) salt = NULL;
  g_autoptr(GBytes) wrapped = NULL;
  const char *algorithm;
  const char *encryption;
  JsonNode *count;
  gint64 iterations;
  gsize cek_length;
  guint8 cek[32];
  GBytes *payload;

  if (strlen (compact) > MAX_COMPACT_LENGTH ||
      g_strv_length (parts = g_strsplit (compact, ".", 0)) != 5)
    {
      g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_MALFORMED,
                   _("The provisioner’s encrypted key is not a compact JWE"));
      return NULL;
    }

  header_bytes = _mutual_base64url_decode (parts[0], -1, error);
  if (header_bytes == NULL || (header = parse_object (header_bytes, _("JWE header"), error)) == NULL)
    return NULL;
  algorithm = member_string (header, "alg");
  encryption = member_string (header, "enc");
  count = json_object_get_member (header, "p2c");
  if (algorithm == NULL || encryption == NULL || member_string (header, "p2s") == NULL ||
      count == NULL || json_node_get_value_type (count) != G_TYPE_INT64)
    {
      g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_MALFORMED,
                   _("The JWE header lacks alg, enc, p2s or p2c"));
      return NULL;
    }
  if (g_str_equal (encryption, "A128GCM"))
    cek_length = 16;
  else if (g_str_equal (encryption, "A256GCM"))
    cek_length = 32;
  else
    {
      g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_UNSUPPORTED,
                   _("The key is encrypted with “%s”, which Mutual does not support"), encryption);
      return NULL;
    }
  /* The count comes from the CA: bound it, or a hostile one could keep us busy. */
  iterations = json_node_get_int (count);
  if (iterations < MIN_PBES2_ITERATIONS || iterations > MAX_PBES2_ITERATIONS)
    {
      g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_MALFORMED,
                   _("The JWE asks for %" G_GINT64_FORMAT " PBES2 iterations, outside %d–%d"),
                   iterations, MIN_PBES2_ITERATIONS, MAX_PBES2_ITERATIONS);
      return NULL;
    }

  salt = _mutual_base64url_decode (member_string (header, "p2s"), -1, error);
  if (salt == NULL || (wrapped = _mutual_base64url_decode (parts[1], -1, error)) == NULL)
    return NULL;
  if (!_mutual_pbes2_unwrap (algorithm, password, salt, iterations, wrapped, cek, cek_length, error))
    return NULL;

  payload = _mutual_jwe_decrypt_content (parts[0], cek, cek_length, parts[2], parts[3], parts[4], error);
  _mutual_wipe (cek, sizeof cek);
  return payload;
}

static GBytes *
member_bytes (JsonObject  *object,
              const char  *member,
              gsize        length,
              GError     **error)
{
  const char *text = member_string (object, member);
  g_autoptr(GBytes) bytes = NULL;

  if (text == NULL || (bytes = _mutual_base64url_decode (text, -1, NULL)) == NULL ||
      (length != 0 && g_bytes_get_size (bytes) != length))
    {
      g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_MALFORMED,
                   _("The JWK’s “%s” is missing or malformed"), member);
      return NULL;
    }
  return g_steal_pointer (&bytes);
}

static gnutls_datum_t
datum_of (GBytes *bytes)
{
  gsize length;
  gnutls_datum_t datum;

  datum.data = (unsigned char *) g_bytes_get_data (bytes, &length);
  datum.size = length;
  return datum;
}

/**
 * _mutual_jwk_import_private:
 * @json: a private JWK (an EC P-256 key: kty, crv, x, y, d)
 * @kid: (out) (optional): its "kid", or %NULL
 *
 * Returns: (transfer full): the key
 */
gnutls_privkey_t
_mutual_jwk_import_private (GBytes  *json,
                            char   **kid,
                            GError **error)
{
  g_autoptr(JsonObject) jwk = parse_object (json, _("provisioner’s key"), error);
  g_autoptr(GBytes) x = NULL;
  g_autoptr(GBytes) y = NULL;
  g_autoptr(GBytes) d = NULL;
  g_auto(gnutls_privkey_t) key = NULL;
  gnutls_datum_t xd, yd, dd;
  int ret;

  if (jwk == NULL)
    return NULL;
  if (g_strcmp0 (member_string (jwk, "kty"), "EC") != 0 ||
      g_strcmp0 (member_string (jwk, "crv"), "P-256") != 0)
    {
      g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_UNSUPPORTED,
                   _("The provisioner’s key is not an EC P-256 key, the only kind Mutual signs "
                     "tokens with"));
      return NULL;
    }
  x = member_bytes (jwk, "x", 32, error);
  y = x ? member_bytes (jwk, "y", 32, error) : NULL;
  d = y ? member_bytes (jwk, "d", 32, error) : NULL;
  /* json-glib keeps its own copy of the private scalar: wipe it before it is freed. */
  if (member_string (jwk, "d") != NULL)
    _mutual_wipe ((char *) member_string (jwk, "d"), strlen (member_string (jwk, "d")));
  if (d == NULL)
    return NULL;

  xd = datum_of (x);
  yd = datum_of (y);
  dd = datum_of (d);
  ret = gnutls_privkey_init (&key);
  if (ret >= 0)
    ret = gnutls_privkey_import_ecc_raw (key, GNUTLS_ECC_CURVE_SECP256R1, &xd, &yd, &dd);
  if (ret >= 0)
    ret = gnutls_privkey_verify_params (key);
  if (!_mutual_gnutls_check (ret, error, _("The provisioner’s key is not a valid EC key")))
    return NULL;

  if (kid != NULL)
    *kid = g_strdup (member_string (jwk, "kid"));
  return g_steal_pointer (&key);
}

typedef struct
{
  const char *name;
  gnutls_sign_algorithm_t sign;
  guint coordinate_size;
} JwsAlgorithm;

static gboolean
jws_algorithm_for (gnutls_privkey_t  key,
                   JwsAlgorithm     *out)
{
  unsigned int bits = 0;
  int pk = gnutls_privkey_get_pk_algorithm (key, &bits);

  switch (pk)
    {
    case GNUTLS_PK_ECDSA:
      {
        gnutls_ecc_curve_t curve = 0;

        gnutls_privkey_export_ecc_raw2 (key, &curve, NULL, NULL, NULL, GNUTLS_EXPORT_FLAG_NO_LZ);
        if (curve == GNUTLS_ECC_CURVE_SECP256R1)
          *out = (JwsAlgorithm) { "ES256", GNUTLS_SIGN_ECDSA_SHA256, 32 };
        else if (curve == GNUTLS_ECC_CURVE_SECP384R1)
          *out = (JwsAlgorithm) { "ES384", GNUTLS_SIGN_ECDSA_SHA384, 48 };
        else
          return FALSE;
        return TRUE;
      }
    case GNUTLS_PK_RSA:
      *out = (JwsAlgorithm) { "RS256", GNUTLS_SIGN_RSA_SHA256, 0 };
      return TRUE;
    case GNUTLS_PK_EDDSA_ED25519:
      *out = (JwsAlgorithm) { "EdDSA", GNUTLS_SIGN_EDDSA_ED25519, 0 };
      return TRUE;
    default:
      return FALSE;
    }
}

/**
 * _mutual_jws_algorithm:
 *
 * Returns: (nullable): the JWS "alg" that signatures with @key use
 */
const char *
_mutual_jws_algorithm (gnutls_privkey_t key)
{
  JwsAlgorithm algorithm;

  return jws_algorithm_for (key, &algorithm) ? algorithm.name : NULL;
}

static char *
encode_object (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
  g_autofree char *text = json_to_string (node, FALSE);

  return _mutual_base64url_encode (text, strlen (text));
}

/* ECDSA signatures in JWS are r || s, each left-padded to the curve's size (RFC 7518
 * 3.4), not the DER that GnuTLS produces. */
static char *
ecdsa_raw_signature (const gnutls_datum_t *der,
                     guint                 size,
                     GError              **error)
{
  g_auto(MutualGnutlsDatum) r = { NULL, 0 };
  g_auto(MutualGnutlsDatum) s = { NULL, 0 };
  g_autofree guint8 *raw = g_malloc0 (size * 2);
  const gnutls_datum_t *values[2] = { &r, &s };
  int ret = gnutls_decode_rs_value (der, &r, &s);
  char *encoded = NULL;
  gboolean fits = TRUE;

  if (!_mutual_gnutls_check (ret, error, _("Cannot decode an ECDSA signature")))
    return NULL;
  for (guint i = 0; i < 2; i++)
    {
      const guint8 *data = values[i]->data;
      gsize length = values[i]->size;

      while (length > 0 && data[0] == 0)
        data++, length--;
      if (length > size)
        {
          g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_UNSUPPORTED,
                       _("An ECDSA signature value is larger than its curve"));
          fits = FALSE;
          break;
        }
      memcpy (raw + i * size + (size - length), data, length);
    }
  /* The signature is what makes a token usable: no copy of it stays behind. */
  if (fits)
    encoded = _mutual_base64url_encode (raw, size * 2);
  _mutual_wipe (raw, size * 2);
  _mutual_wipe (r.data, r.size);
  _mutual_wipe (s.data, s.size);
  return encoded;
}

/**
 * _mutual_jws_sign:
 * @header: the protected header; its "alg" is set from @key
 * @claims: the payload
 *
 * Returns: (transfer full): the compact JWS
 */
char *
_mutual_jws_sign (gnutls_privkey_t   key,
                  JsonObject        *header,
                  JsonObject        *claims,
                  GError           **error)
{
  JwsAlgorithm algorithm;
  g_autofree char *header_b64 = NULL;
  g_autofree char *claims_b64 = NULL;
  g_autofree char *signing_input = NULL;
  g_autofree char *signature_b64 = NULL;
  g_auto(MutualGnutlsDatum) signature = { NULL, 0 };
  gnutls_datum_t data;
  char *token;
  int ret;

  if (!jws_algorithm_for (key, &algorithm))
    {
      g_set_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_UNSUPPORTED,
                   _("Mutual cannot sign tokens with this kind of key"));
      return NULL;
    }
  json_object_set_string_member (header, "alg", algorithm.name);
  header_b64 = encode_object (header);
  claims_b64 = encode_object (claims);
  signing_input = g_strconcat (header_b64, ".", claims_b64, NULL);

  data.data = (unsigned char *) signing_input;
  data.size = strlen (signing_input);
  ret = gnutls_privkey_sign_data2 (key, algorithm.sign, 0, &data, &signature);
  if (!_mutual_gnutls_check (ret, error, _("Cannot sign the token")))
    return NULL;

  if (algorithm.coordinate_size != 0)
    signature_b64 = ecdsa_raw_signature (&signature, algorithm.coordinate_size, error);
  else
    signature_b64 = _mutual_base64url_encode (signature.data, signature.size);
  /* The token is a credential until it is used or expires: its signature is wiped
   * wherever it was copied; the caller wipes the token itself. */
  _mutual_wipe (signature.data, signature.size);
  if (signature_b64 == NULL)
    return NULL;
  token = g_strconcat (signing_input, ".", signature_b64, NULL);
  _mutual_wipe (signature_b64, strlen (signature_b64));
  return token;
}

/* Secret JSON text: a request body that holds a token or a key. json-glib builds its
 * text in a growing GString and keeps its own copies of the strings, none of it wiped,
 * so such a body is written here instead: the exact size is computed first, the text
 * is written into one allocation, and the caller wipes that when done. */

static gsize
json_escaped_size (const char *text)
{
  gsize size = 0;

  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\' || *p == '\b' || *p == '\f' || *p == '\n' || *p == '\r' || *p == '\t')
        size += 2;
      else if (*p < 0x20)
        size += 6;
      else
        size += 1;
    }
  return size;
}

static char *
json_write_escaped (char       *out,
                    const char *text)
{
  static const char hex[] = "0123456789abcdef";

  *out++ = '"';
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    {
      char escape = 0;

      switch (*p)
        {
        case '"': escape = '"'; break;
        case '\\': escape = '\\'; break;
        case '\b': escape = 'b'; break;
        case '\f': escape = 'f'; break;
        case '\n': escape = 'n'; break;
        case '\r': escape = 'r'; break;
        case '\t': escape = 't'; break;
        default: break;
        }
      if (escape != 0)
        {
          *out++ = '\\';
          *out++ = escape;
        }
      else if (*p < 0x20)
        {
          memcpy (out, "\\u00", 4);
          out += 4;
          *out++ = hex[*p >> 4];
          *out++ = hex[*p & 0xf];
        }
      else
        {
          *out++ = (char) *p;
        }
    }
  *out++ = '"';
  return out;
}

/**
 * _mutual_json_secret_object:
 * @first_member: the first member's name, then its string value, then more pairs,
 *   ending with %NULL
 *
 * Writes {"name":"value",...} (compact, members in the order given) in one allocation
 * of exactly the right size, so that no copy of a value is left in freed memory. Wipe
 * the result with _mutual_wipe() before freeing it.
 *
 * Returns: (transfer full) (nullable): the JSON text, or %NULL when a value is not
 *   UTF-8 (the error names the member, never the value)
 */
char *
_mutual_json_secret_object (GError     **error,
                            const char  *first_member,
                            ...)
{
  va_list args;
  gsize size = 2;
  char *text;
  char *out;
  gboolean first = TRUE;

  va_start (args, first_member);
  for (const char *name = first_member; name != NULL; name = va_arg (args, const char *))
    {
      const char *value = va_arg (args, const char *);

      if (!g_utf8_validate (name, -1, NULL) || value == NULL || !g_utf8_validate (value, -1, NULL))
        {
          va_end (args);
          g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_INVALID_ARGUMENT,
                       _("The “%s” of the request is not text"), g_utf8_validate (name, -1, NULL) ? name : "?");
          return NULL;
        }
      size += (first ? 0 : 1) + json_escaped_size (name) + 2 + 1 + json_escaped_size (value) + 2;
      first = FALSE;
    }
  va_end (args);

  text = g_malloc (size + 1);
  out = text;
  *out++ = '{';
  first = TRUE;
  va_start (args, first_member);
  for (const char *name = first_member; name != NULL; name = va_arg (args, const char *))
    {
      const char *value = va_arg (args, const char *);

      if (!first)
        *out++ = ',';
      out = json_write_escaped (out, name);
      *out++ = ':';
      out = json_write_escaped (out, value);
      first = FALSE;
    }
  va_end (args);
  *out++ = '}';
  *out = '\0';
  g_assert ((gsize) (out - text) == size);
  return text;
}
