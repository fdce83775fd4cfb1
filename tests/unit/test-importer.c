/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The importer against the fixture PKI (tests/fixtures/README.md): every format reads,
 * every fault gets its own error, damaged and oversized inputs fail cleanly. */

#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "mutual-core.h"

#define PASSWORD "fixture-pass"

static char *
fixture_path (const char *name)
{
  const char *folder = g_getenv ("MUTUAL_FIXTURES");

  g_assert_nonnull (folder);
  return g_build_filename (folder, name, NULL);
}

static GBytes *
fixture_bytes (const char *name)
{
  g_autofree char *path = fixture_path (name);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

static MutualBundle *
import_fixture (const char  *name,
                const char  *password,
                GError     **error)
{
  g_autoptr(GBytes) data = fixture_bytes (name);

  return mutual_import_bytes (data, name, password, error);
}

static MutualBundle *
import_ok (const char *name,
           const char *password)
{
  g_autoptr(GError) error = NULL;
  MutualBundle *bundle = import_fixture (name, password, &error);

  g_assert_no_error (error);
  g_assert_nonnull (bundle);
  return bundle;
}

static void
assert_counts (MutualBundle *bundle,
               guint         certificates,
               guint         keys,
               guint         requests)
{
  g_assert_cmpuint (mutual_bundle_get_certificates (bundle)->len, ==, certificates);
  g_assert_cmpuint (mutual_bundle_get_keys (bundle)->len, ==, keys);
  g_assert_cmpuint (mutual_bundle_get_requests (bundle)->len, ==, requests);
}

static void
test_formats (void)
{
  const struct
  {
    const char *file;
    const char *password;
    const char *format;
    guint certificates;
    guint keys;
    guint requests;
  } cases[] = {
    { "client-p256.pem", NULL, "PEM", 1, 0, 0 },
    { "client-rsa2048-fullchain.pem", NULL, "PEM", 3, 0, 0 },
    { "client-p256.der", NULL, "DER", 1, 0, 0 },
    { "chain.p7b", NULL, "PKCS#7", 3, 0, 0 },
    { "chain.p7c.pem", NULL, "PEM", 3, 0, 0 },
    { "openssl3.p12", PASSWORD, "PKCS#12", 3, 1, 0 },
    { "openssl-legacy.p12", PASSWORD, "PKCS#12", 3, 1, 0 },
    { "gnutls.p12", PASSWORD, "PKCS#12", 3, 1, 0 },
    { "rsa2048.p12", PASSWORD, "PKCS#12", 3, 1, 0 },
    { "nopass.p12", NULL, "PKCS#12", 3, 1, 0 },
    { "empty-password.p12", NULL, "PKCS#12", 3, 1, 0 },
    { "key-pkcs8.pem", NULL, "PEM", 0, 1, 0 },
    { "key-pkcs8.der", NULL, "PKCS#8", 0, 1, 0 },
    { "key-pkcs8-encrypted.pem", PASSWORD, "PEM", 0, 1, 0 },
    { "key-pkcs8-encrypted.der", PASSWORD, "PKCS#8", 0, 1, 0 },
    { "key-sec1.pem", NULL, "PEM", 0, 1, 0 },
    { "key-pkcs1.pem", NULL, "PEM", 0, 1, 0 },
    { "key-pkcs1-legacy-encrypted.pem", PASSWORD, "PEM", 0, 1, 0 },
    { "request-p256.csr", NULL, "PEM", 0, 0, 1 },
    { "request-new-header.csr", NULL, "PEM", 0, 0, 1 },
    { "request-rsa.der.csr", NULL, "DER", 0, 0, 1 },
    { "bundle-mixed.pem", NULL, "PEM", 3, 1, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MutualBundle) bundle = NULL;

      g_test_message ("importing %s", cases[i].file);
      bundle = import_ok (cases[i].file, cases[i].password);
      g_assert_cmpstr (mutual_bundle_get_format (bundle), ==, cases[i].format);
      assert_counts (bundle, cases[i].certificates, cases[i].keys, cases[i].requests);
    }
}

static void
test_key_formats_match (void)
{
  const char *p256_keys[] = {
    "key-pkcs8.pem", "key-pkcs8.der", "key-sec1.pem", "client-p256.key",
  };
  g_autoptr(MutualBundle) certificate = import_ok ("client-p256.pem", NULL);
  MutualCertificate *leaf = g_ptr_array_index (mutual_bundle_get_certificates (certificate), 0);
  g_autoptr(MutualBundle) mismatched = import_ok ("mismatched.key", NULL);
  g_autoptr(MutualBundle) p12 = import_ok ("openssl3.p12", PASSWORD);

  for (guint i = 0; i < G_N_ELEMENTS (p256_keys); i++)
    {
      g_autoptr(MutualBundle) bundle = import_ok (p256_keys[i], NULL);
      MutualPrivateKey *key = g_ptr_array_index (mutual_bundle_get_keys (bundle), 0);

      g_assert_true (mutual_private_key_matches (key, leaf));
      g_assert_cmpstr (mutual_private_key_get_key_type (key), ==, "ECDSA P-256");
    }

  g_assert_false (mutual_private_key_matches (g_ptr_array_index (mutual_bundle_get_keys (mismatched), 0),
                                              leaf));
  /* The PKCS#12's key belongs to its first certificate. */
  g_assert_true (mutual_private_key_matches (g_ptr_array_index (mutual_bundle_get_keys (p12), 0),
                                             g_ptr_array_index (mutual_bundle_get_certificates (p12), 0)));
}

static void
assert_import_error (const char *file,
                     const char *password,
                     int         code,
                     const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MutualBundle) bundle = import_fixture (file, password, &error);

  g_test_message ("%s: %s", file, error ? error->message : "(no error)");
  g_assert_null (bundle);
  g_assert_error (error, MUTUAL_ERROR, code);
  g_assert_nonnull (strstr (error->message, file));
  if (fragment != NULL)
    g_assert_nonnull (strstr (error->message, fragment));
}

static void
test_errors (void)
{
  assert_import_error ("bad-base64.pem", NULL, MUTUAL_ERROR_PARSE, "PEM block 3 (CERTIFICATE) is not base64 at line 40");
  assert_import_error ("truncated.der", NULL, MUTUAL_ERROR_PARSE, "truncated");
  assert_import_error ("not-a-cert.txt", NULL, MUTUAL_ERROR_PARSE, "without any PEM block");
  assert_import_error ("empty.pem", NULL, MUTUAL_ERROR_PARSE, "is empty");
  assert_import_error ("openssl3.p12", NULL, MUTUAL_ERROR_NEEDS_PASSWORD, "password");
  assert_import_error ("openssl3.p12", "wrong", MUTUAL_ERROR_BAD_PASSWORD, "MAC verification");
  assert_import_error ("openssl-legacy.p12", "wrong", MUTUAL_ERROR_BAD_PASSWORD, "wrong password?");
  assert_import_error ("key-pkcs8-encrypted.pem", NULL, MUTUAL_ERROR_NEEDS_PASSWORD, "ENCRYPTED PRIVATE KEY");
  assert_import_error ("key-pkcs8-encrypted.pem", "wrong", MUTUAL_ERROR_BAD_PASSWORD, "wrong password?");
  assert_import_error ("key-pkcs8-encrypted.der", NULL, MUTUAL_ERROR_NEEDS_PASSWORD, NULL);
  assert_import_error ("key-pkcs1-legacy-encrypted.pem", NULL, MUTUAL_ERROR_NEEDS_PASSWORD, NULL);
  assert_import_error ("key-pkcs1-legacy-encrypted.pem", "wrong", MUTUAL_ERROR_BAD_PASSWORD, NULL);
}

static void
test_pem_structure_errors (void)
{
  const struct
  {
    const char *text;
    const char *fragment;
  } cases[] = {
    { "-----BEGIN CERTIFICATE-----\nMIIB\n", "has no “-----END CERTIFICATE-----” line" },
    { "-----BEGIN CERTIFICATE-----\nMIIB\n-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
      "has no END line before the next block at line 3" },
    { "-----BEGIN CERTIFICATE-----\nMIIBA\n-----END CERTIFICATE-----\n", "not a multiple of 4" },
    { "-----BEGIN CERTIFICATE-----\nMIIBAA==\n-----END CERTIFICATE-----\n", "does not hold a valid certificate" },
    { "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n", "not a multiple of 4" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) data = g_bytes_new_static (cases[i].text, strlen (cases[i].text));
      g_autoptr(GError) error = NULL;
      g_autoptr(MutualBundle) bundle = mutual_import_bytes (data, "pasted", NULL, &error);

      g_test_message ("%s", error ? error->message : "(no error)");
      g_assert_null (bundle);
      g_assert_error (error, MUTUAL_ERROR, MUTUAL_ERROR_PARSE);
      g_assert_nonnull (strstr (error->message, cases[i].fragment));
    }
}

static void
test_notes_and_requirements (void)
{
  g_autoptr(MutualBundle) mixed = import_ok ("bundle-mixed.pem", NULL);
  g_autoptr(MutualBundle) key = import_ok ("only-key.pem", NULL);
  g_autoptr(MutualBundle) request = import_ok ("request-p256.csr", NULL);
  const char * const *notes = mutual_bundle_get_notes (mixed);
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (g_strv_length ((char **) notes), ==, 1);
  g_assert_nonnull (strstr (notes[0], "X509 CRL"));
  g_assert_true (mutual_bundle_require_certificate (mixed, NULL));

  g_assert_false (mutual_bundle_require_certificate (key, &error));
  g_assert_error (error, MUTUAL_ERROR, MUTUAL_ERROR_NO_CERTIFICATE);
  g_assert_nonnull (strstr (error->message, "is a private key, with no certificate in it"));
  g_clear_error (&error);

  g_assert_false (mutual_bundle_require_certificate (request, &error));
  g_assert_error (error, MUTUAL_ERROR, MUTUAL_ERROR_NO_CERTIFICATE);
  g_assert_nonnull (strstr (error->message, "certificate request"));
}

static void
test_too_large (void)
{
  gsize size = MUTUAL_IMPORT_MAX_SIZE + 1;
  g_autoptr(GBytes) big = g_bytes_new_take (g_malloc0 (size), size);
  g_autoptr(GError) error = NULL;
  g_autoptr(MutualBundle) bundle = mutual_import_bytes (big, "big.pem", NULL, &error);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GBytes) loaded = NULL;

  g_assert_null (bundle);
  g_assert_error (error, MUTUAL_ERROR, MUTUAL_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "big.pem"));
  g_clear_error (&error);

  /* A stream is read only up to the limit, whatever its length. */
  stream = g_memory_input_stream_new_from_bytes (big);
  loaded = mutual_load_stream (stream, "standard input", NULL, &error);
  g_assert_null (loaded);
  g_assert_error (error, MUTUAL_ERROR, MUTUAL_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "standard input"));
}

/* mutual_load_path(), which the CLI uses for plain file names: the same bytes and the
 * same errors as through GIO, for regular files, pipes, missing files, folders and
 * files over the limit (a sparse file, which costs no disk). */
static void
test_load_path (void)
{
  g_autofree char *fixture = g_build_filename (g_getenv ("MUTUAL_FIXTURES"), "client-rsa2048-fullchain.pem", NULL);
  g_autoptr(GBytes) expected = fixture_bytes ("client-rsa2048-fullchain.pem");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *sparse = NULL;
  int fds[2];
  int fd;

  data = mutual_load_path (fixture, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (data, expected));
  g_clear_pointer (&data, g_bytes_unref);

  data = mutual_load_path ("/nonexistent/client.pem", &error);
  g_assert_null (data);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "/nonexistent/client.pem"));
  g_clear_error (&error);

  data = mutual_load_path (g_getenv ("MUTUAL_FIXTURES"), &error);
  g_assert_null (data);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
  g_clear_error (&error);

  folder = g_dir_make_tmp ("mutual-load-XXXXXX", &error);
  g_assert_no_error (error);
  sparse = g_build_filename (folder, "huge.pem", NULL);
  fd = g_open (sparse, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t) MUTUAL_IMPORT_MAX_SIZE + 1), ==, 0);
  close (fd);
  data = mutual_load_path (sparse, &error);
  g_assert_null (data);
  g_assert_error (error, MUTUAL_ERROR, MUTUAL_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "huge.pem"));
  g_clear_error (&error);
  g_unlink (sparse);
  g_rmdir (folder);

  /* A pipe has no size to check first: it is read to its end, within the limit. */
  g_assert_cmpint (pipe (fds), ==, 0);
  {
    gsize length;
    const char *bytes = g_bytes_get_data (expected, &length);
    g_autofree char *path = g_strdup_printf ("/proc/self/fd/%d", fds[0]);

    g_assert_cmpint (write (fds[1], bytes, length), ==, (gssize) length);
    close (fds[1]);
    data = mutual_load_path (path, &error);
    g_assert_no_error (error);
    g_assert_true (g_bytes_equal (data, expected));
    close (fds[0]);
  }
}

static void
test_load_file_errors (void)
{
  g_autoptr(GFile) missing = g_file_new_for_path ("/nonexistent/client.pem");
  g_autoptr(GFile) folder = g_file_new_for_path (g_getenv ("MUTUAL_FIXTURES"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = NULL;

  data = mutual_load_file (missing, NULL, &error);
  g_assert_null (data);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "/nonexistent/client.pem"));
  g_clear_error (&error);

  data = mutual_load_file (folder, NULL, &error);
  g_assert_null (data);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
}

/* Damaged copies of real files: every import ends with a bundle or an error, never a
 * crash, and an error always says something. The loops are bounded. */
static void
test_damaged_inputs (void)
{
  const char *files[] = {
    "client-rsa2048-fullchain.pem", "client-p256.der", "chain.p7b", "openssl3.p12",
    "request-rsa.der.csr", "key-pkcs8-encrypted.der", "server.pem", "unknown-ext.pem",
  };
  guint imported = 0;
  guint rejected = 0;

  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      g_autoptr(GBytes) original = fixture_bytes (files[f]);
      gsize length;
      const guint8 *bytes = g_bytes_get_data (original, &length);

      for (guint round = 0; round < 150; round++)
        {
          g_autofree guint8 *copy = g_memdup2 (bytes, length);
          gsize damaged_length = length;
          g_autoptr(GBytes) damaged = NULL;
          g_autoptr(GError) error = NULL;
          g_autoptr(MutualBundle) bundle = NULL;

          if (round < 50)
            {
              damaged_length = (length * round) / 50; /* truncated */
            }
          else
            {
              for (guint flips = 1 + round % 3; flips > 0; flips--)
                copy[g_test_rand_int_range (0, length)] ^= 1 << g_test_rand_int_range (0, 8);
            }

          damaged = g_bytes_new (copy, damaged_length);
          bundle = mutual_import_bytes (damaged, files[f], PASSWORD, &error);
          if (bundle != NULL)
            {
              GPtrArray *certificates = mutual_bundle_get_certificates (bundle);

              /* Whatever was read must decode without trouble. */
              for (guint c = 0; c < certificates->len; c++)
                {
                  g_autoptr(GPtrArray) sections =
                    mutual_certificate_get_sections (g_ptr_array_index (certificates, c), 0);

                  g_assert_cmpuint (sections->len, >, 3);
                }
              imported++;
            }
          else
            {
              g_assert_nonnull (error);
              g_assert_true (error->domain == MUTUAL_ERROR);
              g_assert_cmpuint (strlen (error->message), >, 10);
              rejected++;
            }
        }
    }

  g_test_message ("%u damaged inputs imported, %u rejected", imported, rejected);
  g_assert_cmpuint (rejected, >, 0);
}

static MutualSection *
find_section (GPtrArray  *sections,
              const char *id)
{
  for (guint i = 0; i < sections->len; i++)
    {
      if (g_str_equal (mutual_section_get_id (g_ptr_array_index (sections, i)), id))
        return g_ptr_array_index (sections, i);
    }
  return NULL;
}

static MutualSection *
find_extension (GPtrArray  *sections,
                const char *oid)
{
  for (guint i = 0; i < sections->len; i++)
    {
      MutualSection *section = g_ptr_array_index (sections, i);

      if (g_strcmp0 (mutual_section_get_oid (section), oid) == 0)
        return section;
    }
  return NULL;
}

static GPtrArray *
sections_of (const char *file)
{
  g_autoptr(MutualBundle) bundle = import_ok (file, NULL);

  return mutual_certificate_get_sections (g_ptr_array_index (mutual_bundle_get_certificates (bundle), 0),
                                          g_get_real_time () / G_USEC_PER_SEC);
}

static guint
count_fields (MutualSection *section,
              const char    *id)
{
  GListModel *fields = mutual_section_get_fields (section);
  guint count = 0;

  for (guint i = 0; i < g_list_model_get_n_items (fields); i++)
    {
      g_autoptr(MutualField) field = g_list_model_get_item (fields, i);

      if (g_str_equal (mutual_field_get_id (field), id))
        count++;
    }
  return count;
}

static void
test_extension_sections (void)
{
  g_autoptr(GPtrArray) client = sections_of ("client-rsa2048.pem");
  g_autoptr(GPtrArray) intermediate = sections_of ("intermediate-ca.pem");
  g_autoptr(GPtrArray) server = sections_of ("server.pem");
  g_autoptr(GPtrArray) unknown = sections_of ("unknown-ext.pem");
  MutualSection *section;

  section = find_section (client, "ext.subjectAltName");
  g_assert_nonnull (section);
  g_assert_cmpstr (mutual_section_lookup (section, "dns"), ==, "client.example.test");
  g_assert_cmpstr (mutual_section_lookup (section, "uri"), ==, "spiffe://example.test/ns/default/sa/client");
  g_assert_cmpstr (mutual_section_lookup (section, "email"), ==, "alice@example.test");
  g_assert_cmpuint (count_fields (section, "ip"), ==, 2);
  g_assert_nonnull (strstr (mutual_section_lookup (section, "otherName"), "alice@example.test"));
  g_assert_nonnull (find_section (client, "ext.authorityInfoAccess"));
  g_assert_cmpstr (mutual_section_lookup (find_section (client, "ext.cRLDistributionPoints"), "uri"), ==,
                   "http://crl.example.test/issuing-ca-1.crl");

  section = find_section (intermediate, "ext.nameConstraints");
  g_assert_nonnull (section);
  g_assert_true (mutual_section_get_critical (section));
  g_assert_cmpuint (count_fields (section, "permitted.dns"), ==, 2);
  g_assert_cmpstr (mutual_section_lookup (section, "excluded.ip"), ==, "10.0.0.0/8");
  section = find_section (intermediate, "ext.certificatePolicies");
  g_assert_nonnull (section);
  g_assert_cmpstr (mutual_section_lookup (section, "cps"), ==, "https://example.test/cps");
  g_assert_cmpuint (count_fields (section, "policy"), ==, 2);
  g_assert_cmpstr (mutual_section_lookup (find_section (intermediate, "ext.basicConstraints"), "pathlen"),
                   ==, "0");

  section = find_section (server, "ext.ctSCTList");
  g_assert_nonnull (section);
  g_assert_cmpuint (count_fields (section, "sct"), ==, 1);
  g_assert_nonnull (strstr (mutual_section_lookup (find_section (server, "ext.tlsFeature"), "feature"),
                            "status_request"));

  section = find_extension (unknown, "1.3.6.1.4.1.55555.99.1");
  g_assert_nonnull (section);
  g_assert_false (mutual_section_get_critical (section));
  g_assert_nonnull (mutual_section_lookup (section, "value"));
  section = find_extension (unknown, "1.3.6.1.4.1.55555.99.2");
  g_assert_nonnull (section);
  g_assert_true (mutual_section_get_critical (section));
}

static void
test_names (void)
{
  g_autoptr(GPtrArray) sections = sections_of ("unicode.pem");
  g_autoptr(MutualBundle) bundle = import_ok ("unicode.pem", NULL);
  MutualCertificate *certificate = g_ptr_array_index (mutual_bundle_get_certificates (bundle), 0);
  MutualSection *subject = find_section (sections, "subject");
  GListModel *fields = mutual_section_get_fields (subject);
  gboolean continued = FALSE;

  g_assert_cmpstr (mutual_certificate_get_subject_name (certificate), ==, "Zoë Müller-Łukasiewicz");
  g_assert_cmpstr (mutual_section_lookup (subject, "CN"), ==, "Zoë Müller-Łukasiewicz");
  g_assert_cmpstr (mutual_section_lookup (subject, "O"), ==, "Ünïcödé GmbH");
  g_assert_cmpstr (mutual_section_lookup (subject, "UID"), ==, "zoe");
  /* The multi-valued RDN shows as one attribute continuing the one before it. */
  for (guint i = 0; i < g_list_model_get_n_items (fields); i++)
    {
      g_autoptr(MutualField) field = g_list_model_get_item (fields, i);

      if (g_str_has_prefix (mutual_field_get_label (field), "+ "))
        continued = TRUE;
    }
  g_assert_true (continued);
}

static void
test_request (void)
{
  g_autoptr(MutualBundle) bundle = import_ok ("request-p256.csr", NULL);
  MutualRequest *request = g_ptr_array_index (mutual_bundle_get_requests (bundle), 0);
  g_autoptr(GPtrArray) sections = mutual_request_get_sections (request);
  MutualJson *writer = mutual_json_new (FALSE);
  g_autofree char *json = NULL;

  g_assert_cmpstr (mutual_request_get_subject_name (request), ==, "request-p256");
  g_assert_true (mutual_request_has_challenge_password (request));
  g_assert_true (mutual_request_signature_valid (request));
  g_assert_cmpstr (mutual_section_lookup (find_section (sections, "attributes"), "challengePassword"), ==,
                   "Present (not shown)");
  g_assert_cmpstr (mutual_section_lookup (find_section (sections, "ext.subjectAltName"), "dns"), ==,
                   "request.example.test");

  /* The challenge password is a secret shared with the CA: it appears nowhere. */
  for (guint i = 0; i < sections->len; i++)
    {
      GListModel *fields = mutual_section_get_fields (g_ptr_array_index (sections, i));

      for (guint j = 0; j < g_list_model_get_n_items (fields); j++)
        {
          g_autoptr(MutualField) field = g_list_model_get_item (fields, j);

          g_assert_null (strstr (mutual_field_get_value (field), "challenge-secret"));
        }
    }
  mutual_request_to_json (request, writer, NULL);
  json = mutual_json_free_to_string (writer);
  g_assert_null (strstr (json, "challenge-secret"));
}

static void
import_file_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  MutualBundle **bundle = user_data;
  g_autoptr(GError) error = NULL;

  *bundle = mutual_import_file_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_async (void)
{
  g_autofree char *path = fixture_path ("openssl3.p12");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(MutualBundle) bundle = NULL;

  mutual_import_file_async (file, PASSWORD, NULL, import_file_cb, &bundle);
  while (bundle == NULL)
    g_main_context_iteration (NULL, TRUE);

  assert_counts (bundle, 3, 1, 0);
  g_assert_cmpstr (mutual_bundle_get_source (bundle), ==, "openssl3.p12");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/importer/formats", test_formats);
  g_test_add_func ("/importer/key-formats-match", test_key_formats_match);
  g_test_add_func ("/importer/errors", test_errors);
  g_test_add_func ("/importer/pem-structure-errors", test_pem_structure_errors);
  g_test_add_func ("/importer/notes-and-requirements", test_notes_and_requirements);
  g_test_add_func ("/importer/too-large", test_too_large);
  g_test_add_func ("/importer/load-file-errors", test_load_file_errors);
  g_test_add_func ("/importer/load-path", test_load_path);
  g_test_add_func ("/importer/damaged-inputs", test_damaged_inputs);
  g_test_add_func ("/importer/extension-sections", test_extension_sections);
  g_test_add_func ("/importer/names", test_names);
  g_test_add_func ("/importer/request", test_request);
  g_test_add_func ("/importer/async", test_async);

  return g_test_run ();
}
