/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The JOSE code of the step-ca client: known vectors from RFC 7516 and RFC 7517, then
 * cross-checks with jwcrypto (python3-jwcrypto), an independent implementation,
 * through jose-crosscheck.py. */

#include <string.h>

#include "mutual-ca-client-private.h"
#include "mutual-ca-client.h"
#include "mutual-jose-private.h"
#include "mutual-private-key-private.h"

static char *
run_helper (const char  *input,
            const char **arguments)
{
  const char *python = g_getenv ("MUTUAL_TEST_PYTHON");
  const char *script = g_getenv ("MUTUAL_TEST_JOSE_CROSSCHECK");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_nonnull (python);
  g_assert_nonnull (script);
  g_ptr_array_add (argv, (gpointer) python);
  g_ptr_array_add (argv, (gpointer) script);
  for (guint i = 0; arguments[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) arguments[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (process))
    {
      g_test_message ("jose-crosscheck.py %s failed: %s", arguments[0], err);
      return NULL;
    }
  return g_strstrip (g_steal_pointer (&out));
}

static void
test_base64url (void)
{
  static const struct
  {
    const char *plain;
    gsize length;
    const char *encoded;
  } vectors[] = {
    { "", 0, "" },
    { "f", 1, "Zg" },
    { "fo", 2, "Zm8" },
    { "foo", 3, "Zm9v" },
    { "\xfb\xff", 2, "-_8" },
    { "\xfb\xef\xbe", 3, "----" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autofree char *encoded = _mutual_base64url_encode (vectors[i].plain, vectors[i].length);
      g_autoptr(GBytes) decoded = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_cmpstr (encoded, ==, vectors[i].encoded);
      decoded = _mutual_base64url_decode (vectors[i].encoded, -1, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (decoded, NULL), g_bytes_get_size (decoded), vectors[i].plain,
                       vectors[i].length);
    }

  for (guint i = 0; i < 3; i++)
    {
      const char *invalid[] = { "Zm9v=", "Zm+v", "Z" };
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) decoded = _mutual_base64url_decode (invalid[i], -1, &error);

      g_assert_null (decoded);
      g_assert_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_MALFORMED);
    }
}

/* RFC 7517, appendix C: a private key encrypted with PBES2-HS256+A128KW. */
static void
test_pbes2_rfc7517 (void)
{
  static const guint8 expected_cek[32] = {
    111, 27, 25, 52, 66, 29, 20, 78, 92, 176, 56, 240, 65, 208, 82, 112,
    161, 131, 36, 55, 202, 236, 185, 172, 129, 23, 153, 194, 195, 48, 253, 182,
  };
  const char *password = "Thus from my lips, by yours, my sin is purged.";
  g_autoptr(GBytes) salt = _mutual_base64url_decode ("2WCTcJZ1Rvd_CJuJripQ1w", -1, NULL);
  g_autoptr(GBytes) wrapped = _mutual_base64url_decode ("TrqXOwuNUfDV9VPTNbyGvEJ9JMjefAVn-TR1uIxR9p6hsRQh9Tk7BA",
                                                        -1, NULL);
  g_autoptr(GError) error = NULL;
  guint8 cek[32];

  g_assert_true (_mutual_pbes2_unwrap ("PBES2-HS256+A128KW", password, salt, 4096, wrapped, cek, sizeof cek,
                                       &error));
  g_assert_no_error (error);
  g_assert_cmpmem (cek, sizeof cek, expected_cek, sizeof expected_cek);

  g_assert_false (_mutual_pbes2_unwrap ("PBES2-HS256+A128KW", "Thus from my lips", salt, 4096, wrapped, cek,
                                        sizeof cek, &error));
  g_assert_error (error, MUTUAL_ERROR, MUTUAL_ERROR_BAD_PASSWORD);
  g_clear_error (&error);

  g_assert_false (_mutual_pbes2_unwrap ("PBES2-HS999+A128KW", password, salt, 4096, wrapped, cek, sizeof cek,
                                        &error));
  g_assert_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_UNSUPPORTED);
}

/* RFC 7516, appendix A.1: AES-256-GCM content encryption, with its CEK. */
static void
test_gcm_rfc7516 (void)
{
  static const guint8 cek[32] = {
    177, 161, 244, 128, 84, 143, 225, 115, 63, 180, 3, 255, 107, 154, 212, 246,
    138, 7, 110, 91, 112, 46, 34, 105, 47, 130, 203, 46, 122, 234, 64, 252,
  };
  const char *protected_b64 = "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ";
  const char *iv = "48V1_ALb6US04U3b";
  const char *ciphertext = "5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6jiSdiwkIr3ajwQzaBtQD_A";
  const char *tag = "XFBoMYUZodetZdvTiFvSkQ";
  const char *plain = "The true sign of intelligence is not knowledge but imagination.";
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GError) error = NULL;

  payload = _mutual_jwe_decrypt_content (protected_b64, cek, sizeof cek, iv, ciphertext, tag, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload), plain, strlen (plain));

  /* The protected header is authenticated: another one fails. */
  g_clear_pointer (&payload, g_bytes_unref);
  payload = _mutual_jwe_decrypt_content ("eyJhbGciOiJkaXIifQ", cek, sizeof cek, iv, ciphertext, tag, &error);
  g_assert_null (payload);
  g_assert_error (error, MUTUAL_ERROR, MUTUAL_ERROR_BAD_PASSWORD);
}

/* A JWE made by jwcrypto, as step makes a provisioner's encryptedKey. */
static void
test_jwe_jwcrypto (void)
{
  const char *payload = "{\"kty\":\"EC\",\"note\":\"made by jwcrypto\"}";
  g_autofree char *compact = run_helper (payload, (const char *[]) { "jwe", "provisioner password", NULL });
  g_autoptr(GBytes) decrypted = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) parts = NULL;
  g_autofree char *forged_header = NULL;
  g_autofree char *forged = NULL;
  const char *header = "{\"alg\":\"PBES2-HS256+A128KW\",\"enc\":\"A128GCM\",\"p2c\":1,\"p2s\":\"AAAAAAAAAAAAAAAAAAAAAA\"}";

  g_assert_nonnull (compact);
  decrypted = _mutual_jwe_decrypt (compact, "provisioner password", &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (decrypted, NULL), g_bytes_get_size (decrypted), payload, strlen (payload));

  g_clear_pointer (&decrypted, g_bytes_unref);
  decrypted = _mutual_jwe_decrypt (compact, "wrong password", &error);
  g_assert_null (decrypted);
  g_assert_error (error, MUTUAL_ERROR, MUTUAL_ERROR_BAD_PASSWORD);
  g_clear_error (&error);

  /* A CA cannot make us run a single PBKDF2 iteration, or a billion. */
  parts = g_strsplit (compact, ".", 0);
  forged_header = _mutual_base64url_encode (header, strlen (header));
  forged = g_strjoin (".", forged_header, parts[1], parts[2], parts[3], parts[4], NULL);
  decrypted = _mutual_jwe_decrypt (forged, "provisioner password", &error);
  g_assert_null (decrypted);
  g_assert_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_MALFORMED);
  g_clear_error (&error);

  decrypted = _mutual_jwe_decrypt ("a.b.c", "provisioner password", &error);
  g_assert_null (decrypted);
  g_assert_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_MALFORMED);
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static JsonObject *
claims_new (void)
{
  JsonObject *claims = json_object_new ();
  JsonArray *sans = json_array_new ();

  json_array_add_string_element (sans, "alice.example.test");
  json_object_set_string_member (claims, "sub", "alice");
  json_object_set_array_member (claims, "sans", sans);
  json_object_set_int_member (claims, "nbf", 1700000000);
  return claims;
}

/* What jwcrypto verified, and the signature's size (raw r || s for ECDSA). */
static void
check_verified (const char *token,
                const char *key_text,
                const char *algorithm,
                gsize       signature_size)
{
  g_autofree char *verified = run_helper (key_text, (const char *[]) { "verify", token, NULL });
  g_autoptr(JsonObject) result = NULL;
  g_auto(GStrv) parts = g_strsplit (token, ".", 0);
  g_autoptr(GBytes) signature = _mutual_base64url_decode (parts[2], -1, NULL);
  JsonObject *header;
  JsonObject *claims;

  g_assert_nonnull (verified);
  result = parse_object (verified);
  header = json_object_get_object_member (result, "header");
  claims = json_object_get_object_member (result, "claims");
  g_assert_cmpstr (json_object_get_string_member (header, "alg"), ==, algorithm);
  g_assert_cmpstr (json_object_get_string_member (claims, "sub"), ==, "alice");
  g_assert_cmpint (json_object_get_int_member (claims, "nbf"), ==, 1700000000);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (claims, "sans"), 0), ==,
                   "alice.example.test");
  if (signature_size != 0)
    g_assert_cmpuint (g_bytes_get_size (signature), ==, signature_size);
}

/* A provisioner key (JWK) from jwcrypto signs an ES256 token that jwcrypto verifies. */
static void
test_es256_jwcrypto (void)
{
  for (guint round = 0; round < 8; round++)
    {
      g_autofree char *jwk_text = run_helper ("", (const char *[]) { "jwk", NULL });
      g_autoptr(JsonObject) jwk = parse_object (jwk_text);
      g_autoptr(GBytes) jwk_bytes = g_bytes_new (jwk_text, strlen (jwk_text));
      g_auto(gnutls_privkey_t) key = NULL;
      g_autoptr(JsonObject) header = json_object_new ();
      g_autoptr(JsonObject) claims = claims_new ();
      g_autofree char *kid = NULL;
      g_autofree char *token = NULL;
      g_autoptr(GError) error = NULL;

      key = _mutual_jwk_import_private (jwk_bytes, &kid, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (kid, ==, json_object_get_string_member (jwk, "kid"));
      g_assert_cmpstr (_mutual_jws_algorithm (key), ==, "ES256");
      json_object_set_string_member (header, "kid", kid);
      token = _mutual_jws_sign (key, header, claims, &error);
      g_assert_no_error (error);
      /* Several rounds: r or s with leading zero bytes must still be 32 bytes each. */
      check_verified (token, jwk_text, "ES256", 64);
    }
}

static char *
public_key_pem (MutualPrivateKey *key)
{
  g_auto(gnutls_privkey_t) privkey = _mutual_private_key_to_privkey (key, NULL);
  g_auto(gnutls_pubkey_t) pubkey = NULL;
  g_auto(MutualGnutlsDatum) pem = { NULL, 0 };

  g_assert_cmpint (gnutls_pubkey_init (&pubkey), >=, 0);
  g_assert_cmpint (gnutls_pubkey_import_privkey (pubkey, privkey, 0, 0), >=, 0);
  g_assert_cmpint (gnutls_pubkey_export2 (pubkey, GNUTLS_X509_FMT_PEM, &pem), >=, 0);
  return g_strndup ((const char *) pem.data, pem.size);
}

/* Renew tokens are signed by the identity's own key, of any type Mutual generates. */
static void
test_generated_keys_jwcrypto (void)
{
  static const struct
  {
    MutualKeyType type;
    const char *algorithm;
    gsize signature_size;
  } cases[] = {
    { MUTUAL_KEY_TYPE_P256, "ES256", 64 },
    { MUTUAL_KEY_TYPE_RSA2048, "RS256", 256 },
    { MUTUAL_KEY_TYPE_ED25519, "EdDSA", 64 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MutualPrivateKey) key = _mutual_generate_key (cases[i].type, &error);
      g_auto(gnutls_privkey_t) privkey = NULL;
      g_autoptr(JsonObject) header = json_object_new ();
      g_autoptr(JsonObject) claims = claims_new ();
      g_autofree char *token = NULL;
      g_autofree char *pem = NULL;
      g_autofree char *csr = NULL;

      g_assert_no_error (error);
      privkey = _mutual_private_key_to_privkey (key, &error);
      g_assert_no_error (error);
      token = _mutual_jws_sign (privkey, header, claims, &error);
      g_assert_no_error (error);
      pem = public_key_pem (key);
      check_verified (token, pem, cases[i].algorithm, cases[i].signature_size);

      csr = _mutual_make_csr (key, "alice", (const char *[]) { "alice.example.test", "192.0.2.7",
                                                                "alice@example.test", NULL }, &error);
      g_assert_no_error (error);
      g_assert_true (g_str_has_prefix (csr, "-----BEGIN NEW CERTIFICATE REQUEST-----") ||
                     g_str_has_prefix (csr, "-----BEGIN CERTIFICATE REQUEST-----"));
    }
}

static void
test_jwk_refused (void)
{
  const char *rsa = "{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}";
  const char *short_d = "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AAAA\",\"y\":\"AAAA\",\"d\":\"AAAA\"}";
  g_autoptr(GBytes) rsa_bytes = g_bytes_new_static (rsa, strlen (rsa));
  g_autoptr(GBytes) short_bytes = g_bytes_new_static (short_d, strlen (short_d));
  g_autoptr(GError) error = NULL;

  g_assert_null (_mutual_jwk_import_private (rsa_bytes, NULL, &error));
  g_assert_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  g_assert_null (_mutual_jwk_import_private (short_bytes, NULL, &error));
  g_assert_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_MALFORMED);
}

static void
test_profile (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MutualCaProfile) profile = NULL;
  g_autofree char *policy = NULL;
  MutualValidity validity = { 1000, 1000 + 86400 };

  profile = mutual_ca_profile_new ("step-ca", "https://ca.example.test:9000/",
                                   "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89",
                                   "admin", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mutual_ca_profile_get_url (profile), ==, "https://ca.example.test:9000");
  g_assert_cmpstr (mutual_ca_profile_get_fingerprint (profile), ==,
                   "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
  g_assert_cmpint (mutual_ca_profile_get_renew_at (profile, &validity), ==, 1000 + 57600);
  policy = mutual_ca_profile_get_renew_policy (profile);
  g_assert_cmpstr (policy, ==, "2/3");

  g_assert_true (mutual_ca_profile_set_renew_policy (profile, "8h", &error));
  g_assert_cmpint (mutual_ca_profile_get_renew_at (profile, &validity), ==, 1000 + 86400 - 8 * 3600);
  g_assert_true (mutual_ca_profile_set_renew_policy (profile, "75%", &error));
  g_assert_cmpint (mutual_ca_profile_get_renew_at (profile, &validity), ==, 1000 + 64800);
  g_assert_false (mutual_ca_profile_set_renew_policy (profile, "3/2", &error));
  g_assert_error (error, MUTUAL_ERROR, MUTUAL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_null (mutual_ca_profile_new ("step-ca", "http://ca.example.test", "00", NULL, &error));
  g_assert_error (error, MUTUAL_ERROR, MUTUAL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (mutual_ca_profile_new ("step-ca", "https://ca.example.test", "00", NULL, &error));
  g_assert_error (error, MUTUAL_ERROR, MUTUAL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (mutual_ca_profile_new ("est", "https://ca.example.test",
                                        "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789", NULL,
                                        &error));
  g_assert_error (error, MUTUAL_CA_ERROR, MUTUAL_CA_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  /* A copy keeps everything, and the hook's timeout goes with it. */
  g_assert_cmpuint (mutual_ca_profile_get_hook_timeout (profile), ==, MUTUAL_CA_DEFAULT_HOOK_TIMEOUT);
  mutual_ca_profile_set_outputs (profile, "/tmp/a.crt", NULL, "true");
  mutual_ca_profile_set_hook_timeout (profile, 7);
  {
    g_autoptr(MutualCaProfile) copy = mutual_ca_profile_copy (profile);
    g_autofree char *copy_policy = mutual_ca_profile_get_renew_policy (copy);

    g_assert_cmpstr (copy_policy, ==, "0.75");
    g_assert_cmpstr (mutual_ca_profile_get_certificate_output (copy), ==, "/tmp/a.crt");
    g_assert_null (mutual_ca_profile_get_key_output (copy));
    g_assert_cmpstr (mutual_ca_profile_get_hook (copy), ==, "true");
    g_assert_cmpuint (mutual_ca_profile_get_hook_timeout (copy), ==, 7);
    g_assert_cmpstr (mutual_ca_profile_get_provisioner (copy), ==, "admin");
  }
  mutual_ca_profile_set_hook_timeout (profile, 0);
  g_assert_cmpuint (mutual_ca_profile_get_hook_timeout (profile), ==, MUTUAL_CA_DEFAULT_HOOK_TIMEOUT);
}

/* Request bodies that hold a token are written without json-glib, so that they can be
 * wiped: the text must still be exact JSON, whatever the values hold. */
static void
test_secret_object (void)
{
  const char *tricky = "quote \" backslash \\ slash / tab \t newline \n nul-ish \x01 \x1f del \x7f é ✓";
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  char *text;
  JsonObject *object;

  text = _mutual_json_secret_object (&error, "csr", "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n", "ott",
                                     "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln", NULL);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "{\"csr\":\"-----BEGIN CERTIFICATE REQUEST-----\\nMIIB\\n\","
                             "\"ott\":\"eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln\"}");
  _mutual_wipe (text, strlen (text));
  g_free (text);

  text = _mutual_json_secret_object (&error, "a\"b", tricky, "empty", "", NULL);
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpuint (json_object_get_size (object), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (object, "a\"b"), ==, tricky);
  g_assert_cmpstr (json_object_get_string_member (object, "empty"), ==, "");
  g_free (text);

  /* Not UTF-8: refused, and the message names the member, not the value. */
  g_assert_null (_mutual_json_secret_object (&error, "ott", "secret\xff", NULL));
  g_assert_error (error, MUTUAL_ERROR, MUTUAL_ERROR_INVALID_ARGUMENT);
  g_assert_null (strstr (error->message, "secret"));
  g_assert_nonnull (strstr (error->message, "ott"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/jose/base64url", test_base64url);
  g_test_add_func ("/jose/pbes2/rfc7517", test_pbes2_rfc7517);
  g_test_add_func ("/jose/gcm/rfc7516", test_gcm_rfc7516);
  g_test_add_func ("/jose/jwe/jwcrypto", test_jwe_jwcrypto);
  g_test_add_func ("/jose/es256/jwcrypto", test_es256_jwcrypto);
  g_test_add_func ("/jose/generated-keys/jwcrypto", test_generated_keys_jwcrypto);
  g_test_add_func ("/jose/jwk/refused", test_jwk_refused);
  g_test_add_func ("/ca/profile", test_profile);
  g_test_add_func ("/jose/secret-object", test_secret_object);

  return g_test_run ();
}
