/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The identity store against a real keyring: gnome-keyring on a private bus (the
 * harness's "keyring" need), or libsecret's file backend, the one Flatpak's Secret
 * portal uses, when MUTUAL_TEST_SECRET_BACKEND=file. */

#include "config.h"

#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <json-glib/json-glib.h>

#include "mutual-core.h"

#define PASSWORD "fixture-pass"
#define WAIT_SECONDS 30

static gboolean file_backend;

static char *
fixture (const char *name)
{
  return g_build_filename (g_getenv ("MUTUAL_FIXTURES"), name, NULL);
}

static MutualBundle *
read_files (const char *password,
            ...)
{
  g_autoptr(GPtrArray) bundles = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GString) names = g_string_new (NULL);
  const char *name;
  va_list args;

  va_start (args, password);
  while ((name = va_arg (args, const char *)) != NULL)
    {
      g_autofree char *path = fixture (name);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) data = mutual_load_file (file, NULL, &error);
      MutualBundle *bundle;

      g_assert_no_error (error);
      bundle = mutual_import_bytes (data, name, password, &error);
      g_assert_no_error (error);
      g_ptr_array_add (bundles, bundle);
      g_string_append_printf (names, "%s%s", names->len ? ", " : "", name);
    }
  va_end (args);

  return mutual_bundle_new_merged (names->str, bundles);
}

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **result)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

  while (*result == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  return *result;
}

static void
refresh (MutualIdentityStore *store)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  mutual_identity_store_refresh_async (store, NULL, result_cb, &result);
  g_assert_true (mutual_identity_store_refresh_finish (store, wait_result (&result), &error));
  g_assert_no_error (error);
}

static MutualIdentity *
add (MutualIdentityStore  *store,
     MutualBundle         *bundle,
     const char           *label,
     GError              **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  mutual_identity_store_add_async (store, bundle, label, NULL, result_cb, &result);
  return mutual_identity_store_add_finish (store, wait_result (&result), error);
}

static GPtrArray *
load_certificates (MutualIdentityStore  *store,
                   MutualIdentity       *identity,
                   GError              **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  mutual_identity_store_load_certificates_async (store, identity, NULL, result_cb, &result);
  return mutual_identity_store_load_certificates_finish (store, wait_result (&result), error);
}

static gboolean
export (MutualIdentityStore  *store,
        MutualIdentity       *identity,
        MutualExportFormat    format,
        const char           *password,
        const char           *path,
        GError              **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);

  mutual_identity_store_export_async (store, identity, format, password, file, NULL, result_cb, &result);
  return mutual_identity_store_export_finish (store, wait_result (&result), error);
}

static void
remove_identity (MutualIdentityStore *store,
                 MutualIdentity      *identity)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  mutual_identity_store_remove_async (store, identity, NULL, result_cb, &result);
  g_assert_true (mutual_identity_store_remove_finish (store, wait_result (&result), &error));
  g_assert_no_error (error);
}

static void
remove_all (MutualIdentityStore *store)
{
  refresh (store);
  while (g_list_model_get_n_items (G_LIST_MODEL (store)) > 0)
    {
      g_autoptr(MutualIdentity) identity = g_list_model_get_item (G_LIST_MODEL (store), 0);

      remove_identity (store, identity);
      refresh (store);
    }
}

static MutualBundle *
reimport (const char *path,
          const char *password)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = mutual_load_file (file, NULL, &error);
  MutualBundle *bundle;

  g_assert_no_error (error);
  bundle = mutual_import_bytes (data, path, password, &error);
  g_assert_no_error (error);
  return bundle;
}

static void
assert_private_file (const char *path)
{
  struct stat st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

/* Import, list, load, export in both formats, read the exports back, remove: for every
 * form an identity comes in. */
static void
test_round_trips (void)
{
  const struct
  {
    const char *files[3];
    const char *password;
    const char *subject;
    guint chain_length;
  } cases[] = {
    { { "openssl3.p12" }, PASSWORD, "client-p256", 3 },
    { { "openssl-legacy.p12" }, PASSWORD, "client-p256", 3 },
    { { "gnutls.p12" }, PASSWORD, "client-p256", 3 },
    { { "nopass.p12" }, NULL, "client-p256", 3 },
    { { "client-rsa2048.pem", "client-rsa2048.key", "intermediate-ca.pem" }, NULL, "client-rsa2048", 2 },
    { { "client-p384.pem", "key-pkcs8.pem" }, NULL, NULL, 0 },
    { { "client-p256.pem", "key-sec1.pem" }, NULL, "client-p256", 1 },
    { { "client-rsa2048.pem", "key-pkcs1.pem" }, NULL, "client-rsa2048", 1 },
    { { "client-p256.der", "key-pkcs8-encrypted.der" }, PASSWORD, "client-p256", 1 },
    { { "client-ed25519.pem", "client-ed25519.key" }, NULL, "client-ed25519", 1 },
    { { "bundle-mixed.pem" }, NULL, "client-p256", 3 },
  };
  g_autoptr(MutualIdentityStore) store = mutual_identity_store_new ();
  const char *tmp = g_get_tmp_dir ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MutualBundle) bundle = NULL;
      g_autoptr(MutualIdentity) identity = NULL;
      g_autoptr(MutualIdentity) listed = NULL;
      g_autoptr(GPtrArray) certificates = NULL;
      g_autoptr(MutualBundle) pem = NULL;
      g_autoptr(MutualBundle) p12 = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *pem_path = g_build_filename (tmp, "export.pem", NULL);
      g_autofree char *p12_path = g_build_filename (tmp, "export.p12", NULL);

      g_test_message ("case %u: %s %s", i, cases[i].files[0], cases[i].files[1] ? cases[i].files[1] : "");
      bundle = read_files (cases[i].password, cases[i].files[0], cases[i].files[1], cases[i].files[2], NULL);
      identity = add (store, bundle, NULL, &error);

      if (cases[i].subject == NULL)
        {
          /* The P-256 key does not belong to the P-384 certificate. */
          g_assert_null (identity);
          g_assert_error (error, MUTUAL_ERROR, MUTUAL_ERROR_KEY_MISMATCH);
          continue;
        }
      g_assert_no_error (error);
      g_assert_cmpstr (mutual_identity_get_subject (identity), ==, cases[i].subject);
      g_assert_cmpuint (mutual_identity_get_generation (identity), ==, 1);

      refresh (store);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 1);
      listed = mutual_identity_store_lookup (store, mutual_identity_get_id (identity), &error);
      g_assert_no_error (error);
      g_assert_cmpstr (mutual_identity_get_sha256 (listed), ==, mutual_identity_get_sha256 (identity));

      certificates = load_certificates (store, listed, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (certificates->len, ==, cases[i].chain_length);
      g_assert_cmpstr (mutual_certificate_get_sha256 (g_ptr_array_index (certificates, 0)), ==,
                       mutual_identity_get_sha256 (identity));

      g_assert_true (export (store, listed, MUTUAL_EXPORT_PEM, NULL, pem_path, &error));
      g_assert_no_error (error);
      assert_private_file (pem_path);
      g_assert_true (export (store, listed, MUTUAL_EXPORT_PKCS12, "export-pass", p12_path, &error));
      g_assert_no_error (error);
      assert_private_file (p12_path);

      pem = reimport (pem_path, NULL);
      p12 = reimport (p12_path, "export-pass");
      g_assert_cmpuint (mutual_bundle_get_certificates (pem)->len, ==, cases[i].chain_length);
      g_assert_cmpuint (mutual_bundle_get_certificates (p12)->len, ==, cases[i].chain_length);
      g_assert_true (mutual_private_key_matches (g_ptr_array_index (mutual_bundle_get_keys (pem), 0),
                                                 g_ptr_array_index (certificates, 0)));
      g_assert_true (mutual_private_key_matches (g_ptr_array_index (mutual_bundle_get_keys (p12), 0),
                                                 g_ptr_array_index (certificates, 0)));

      remove_identity (store, listed);
      refresh (store);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
      g_unlink (pem_path);
      g_unlink (p12_path);
    }
}

static void
test_refusals (void)
{
  g_autoptr(MutualIdentityStore) store = mutual_identity_store_new ();
  g_autoptr(MutualBundle) good = read_files (NULL, "client-p256.pem", "client-p256.key", NULL);
  g_autoptr(MutualBundle) again = read_files (PASSWORD, "openssl3.p12", NULL);
  g_autoptr(MutualBundle) no_key = read_files (NULL, "client-p256.pem", NULL);
  g_autoptr(MutualBundle) no_certificate = read_files (NULL, "only-key.pem", NULL);
  g_autoptr(MutualBundle) mismatch = read_files (NULL, "client-p256.pem", "mismatched.key", NULL);
  g_autoptr(MutualBundle) other = read_files (NULL, "client-rsa2048.pem", "client-rsa2048.key", NULL);
  g_autoptr(MutualIdentity) first = NULL;
  g_autoptr(MutualIdentity) duplicate = NULL;
  g_autoptr(MutualIdentity) same_label = NULL;
  g_autoptr(GError) error = NULL;

  first = add (store, good, "laptop", &error);
  g_assert_no_error (error);

  duplicate = add (store, again, NULL, &error);
  g_assert_null (duplicate);
  g_assert_error (error, MUTUAL_ERROR, MUTUAL_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, "laptop"));
  g_clear_error (&error);

  g_assert_null (add (store, no_key, NULL, &error));
  g_assert_error (error, MUTUAL_ERROR, MUTUAL_ERROR_NO_KEY);
  g_clear_error (&error);
  g_assert_null (add (store, no_certificate, NULL, &error));
  g_assert_error (error, MUTUAL_ERROR, MUTUAL_ERROR_NO_CERTIFICATE);
  g_clear_error (&error);
  g_assert_null (add (store, mismatch, NULL, &error));
  g_assert_error (error, MUTUAL_ERROR, MUTUAL_ERROR_KEY_MISMATCH);
  g_clear_error (&error);

  same_label = add (store, other, "laptop", &error);
  g_assert_null (same_label);
  g_assert_error (error, MUTUAL_ERROR, MUTUAL_ERROR_EXISTS);
  g_clear_error (&error);

  refresh (store);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 1);
  g_assert_null (mutual_identity_store_lookup (store, "desktop", &error));
  g_assert_error (error, MUTUAL_ERROR, MUTUAL_ERROR_NOT_FOUND);
  remove_all (store);
}

static void
test_rename_and_replace (void)
{
  g_autoptr(MutualIdentityStore) store = mutual_identity_store_new ();
  g_autoptr(MutualBundle) original = read_files (NULL, "client-p256.pem", "client-p256.key", NULL);
  g_autoptr(MutualBundle) renewed = read_files (NULL, "client-p384.pem", "client-p384.key", NULL);
  g_autoptr(MutualIdentity) identity = NULL;
  g_autoptr(MutualIdentity) renamed = NULL;
  g_autoptr(MutualIdentity) replaced = NULL;
  g_autoptr(GAsyncResult) rename_result = NULL;
  g_autoptr(GAsyncResult) replace_result = NULL;
  g_autoptr(GPtrArray) certificates = NULL;
  g_autoptr(GError) error = NULL;

  identity = add (store, original, "before", &error);
  g_assert_no_error (error);

  mutual_identity_store_rename_async (store, identity, "after", NULL, result_cb, &rename_result);
  renamed = mutual_identity_store_rename_finish (store, wait_result (&rename_result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mutual_identity_get_id (renamed), ==, mutual_identity_get_id (identity));
  g_assert_cmpstr (mutual_identity_get_label (renamed), ==, "after");
  g_assert_cmpuint (mutual_identity_get_generation (renamed), ==, 2);

  mutual_identity_store_replace_async (store, renamed, renewed, NULL, result_cb, &replace_result);
  replaced = mutual_identity_store_replace_finish (store, wait_result (&replace_result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mutual_identity_get_id (replaced), ==, mutual_identity_get_id (identity));
  g_assert_cmpstr (mutual_identity_get_label (replaced), ==, "after");
  g_assert_cmpstr (mutual_identity_get_subject (replaced), ==, "client-p384");

  refresh (store);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 1);
  certificates = load_certificates (store, replaced, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mutual_certificate_get_subject_name (g_ptr_array_index (certificates, 0)), ==,
                   "client-p384");
  remove_all (store);
}

static gboolean
set_output_password (MutualIdentityStore  *store,
                     MutualIdentity       *identity,
                     const char           *password,
                     GError              **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  mutual_identity_store_set_output_password_async (store, identity, MUTUAL_OUTPUT_PASSWORD_PKCS12, password, NULL,
                                                   result_cb, &result);
  return mutual_identity_store_set_output_password_finish (store, wait_result (&result), error);
}

static GBytes *
lookup_output_password (MutualIdentityStore  *store,
                        MutualIdentity       *identity,
                        GError              **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  mutual_identity_store_lookup_output_password_async (store, identity, MUTUAL_OUTPUT_PASSWORD_PKCS12, NULL,
                                                      result_cb, &result);
  return mutual_identity_store_lookup_output_password_finish (store, wait_result (&result), error);
}

/* An output's password: an item of its own, replaced when set again, kept across a
 * rename and a renewal (which replace the identity's items), not an identity in the
 * list, and deleted with the identity. */
static void
test_output_password (void)
{
  g_autoptr(MutualIdentityStore) store = mutual_identity_store_new ();
  g_autoptr(MutualBundle) original = read_files (NULL, "client-p256.pem", "client-p256.key", NULL);
  g_autoptr(MutualBundle) renewed = read_files (NULL, "client-p384.pem", "client-p384.key", NULL);
  g_autoptr(MutualIdentity) identity = NULL;
  g_autoptr(MutualIdentity) renamed = NULL;
  g_autoptr(MutualIdentity) replaced = NULL;
  g_autoptr(GAsyncResult) rename_result = NULL;
  g_autoptr(GAsyncResult) replace_result = NULL;
  g_autoptr(GBytes) password = NULL;
  g_autoptr(GError) error = NULL;

  identity = add (store, original, "with-p12", &error);
  g_assert_no_error (error);

  password = lookup_output_password (store, identity, &error);
  g_assert_error (error, MUTUAL_ERROR, MUTUAL_ERROR_ITEM_UNREADABLE);
  g_assert_null (password);
  g_clear_error (&error);
  g_assert_false (set_output_password (store, identity, "", &error));
  g_assert_error (error, MUTUAL_ERROR, MUTUAL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_true (set_output_password (store, identity, "first", &error));
  g_assert_no_error (error);
  g_assert_true (set_output_password (store, identity, "second secret", &error));
  g_assert_no_error (error);

  mutual_identity_store_rename_async (store, identity, "renamed-p12", NULL, result_cb, &rename_result);
  renamed = mutual_identity_store_rename_finish (store, wait_result (&rename_result), &error);
  g_assert_no_error (error);
  mutual_identity_store_replace_async (store, renamed, renewed, NULL, result_cb, &replace_result);
  replaced = mutual_identity_store_replace_finish (store, wait_result (&replace_result), &error);
  g_assert_no_error (error);

  password = lookup_output_password (store, replaced, &error);
  g_assert_no_error (error);
  g_assert_nonnull (password);
  g_assert_cmpuint (g_bytes_get_size (password), ==, strlen ("second secret") + 1);
  g_assert_cmpstr (g_bytes_get_data (password, NULL), ==, "second secret");
  g_clear_pointer (&password, g_bytes_unref);

  refresh (store);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 1);

  g_assert_true (set_output_password (store, replaced, NULL, &error));
  g_assert_no_error (error);
  password = lookup_output_password (store, replaced, &error);
  g_assert_error (error, MUTUAL_ERROR, MUTUAL_ERROR_ITEM_UNREADABLE);
  g_clear_error (&error);

  /* Removing the identity deletes its password. */
  g_assert_true (set_output_password (store, replaced, "third", &error));
  g_assert_no_error (error);
  remove_identity (store, replaced);
  password = lookup_output_password (store, replaced, &error);
  g_assert_error (error, MUTUAL_ERROR, MUTUAL_ERROR_ITEM_UNREADABLE);
  g_assert_null (password);
  g_clear_error (&error);
  remove_all (store);
}

/* The items the keyring holds for an id, by generation and kind: what a crash left. */
static guint
count_items (const char *id)
{
  static const SecretSchema schema = { "io.github.mutual.Identity", SECRET_SCHEMA_DONT_MATCH_NAME,
                                       { { "id", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } } };
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) query = g_hash_table_new (g_str_hash, g_str_equal);
  GList *items;
  guint count;

  g_hash_table_insert (query, (gpointer) "id", (gpointer) id);
  items = secret_password_searchv_sync (&schema, query, SECRET_SEARCH_ALL, NULL, &error);
  g_assert_no_error (error);
  count = g_list_length (items);
  g_list_free_full (items, g_object_unref);
  return count;
}

/* Runs mutualctl, a fresh process each time, as a user would after a crash. */
static JsonObject *
mutualctl_json (JsonParser  *parser,
                int          expected_status,
                const char  *fault,
                const char  *first,
                ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) env = g_get_environ ();
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg;
  int status = 0;
  va_list args;

  g_ptr_array_add (argv, (gpointer) g_getenv ("MUTUALCTL"));
  va_start (args, first);
  for (arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, (gpointer) "--json");
  g_ptr_array_add (argv, NULL);
  if (fault != NULL)
    env = g_environ_setenv (env, "MUTUAL_FAULT_INJECTION", fault, TRUE);

  g_spawn_sync (NULL, (char **) argv->pdata, env, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, expected_status);
  if (expected_status != 0 && fault != NULL)
    return NULL;

  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

/* A rename is a replace. Kill mutualctl after each step of it, then check with a new
 * process that the store shows exactly one complete, usable identity, and that the
 * next write cleans up whatever the crash left. */
static void
test_interrupted_replace (void)
{
  g_autofree char *certificate = fixture ("client-p256.pem");
  g_autofree char *key = fixture ("client-p256.key");
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  g_autofree char *id = NULL;
  g_autofree char *sha256 = NULL;

  object = mutualctl_json (parser, 0, NULL, "import", "--label", "crash-0", certificate, key, NULL);
  object = json_object_get_object_member (object, "identity");
  id = g_strdup (json_object_get_string_member (object, "id"));
  sha256 = g_strdup (json_object_get_string_member (object, "sha256"));

  for (guint step = 1; step <= 4; step++)
    {
      g_autofree char *fault = g_strdup_printf ("write:%u", step);
      g_autofree char *label = g_strdup_printf ("crash-%u", step);
      g_autofree char *previous = g_strdup_printf ("crash-%u", step - 1);
      g_autoptr(JsonParser) list_parser = json_parser_new ();
      g_autoptr(JsonParser) show_parser = json_parser_new ();
      JsonArray *identities;
      JsonArray *certificates;
      JsonObject *listed;

      mutualctl_json (parser, 86, fault, "rename", id, label, NULL);

      object = mutualctl_json (list_parser, 0, NULL, "list", NULL);
      identities = json_object_get_array_member (object, "identities");
      g_assert_cmpuint (json_array_get_length (identities), ==, 1);
      listed = json_array_get_object_element (identities, 0);
      g_test_message ("after step %u: “%s”", step, json_object_get_string_member (listed, "label"));
      /* Until the new certificate item exists, the old generation is the identity. */
      g_assert_cmpstr (json_object_get_string_member (listed, "label"), ==, step == 1 ? previous : label);
      g_assert_cmpstr (json_object_get_string_member (listed, "id"), ==, id);

      object = mutualctl_json (show_parser, 0, NULL, "show", id, NULL);
      certificates = json_object_get_array_member (object, "certificates");
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_array_get_object_element (certificates, 0),
                                                                                     "fingerprints"),
                                                      "sha256"), ==, sha256);

      /* Step 1 leaves a lone key item of the next generation: a write must cope. */
      if (step == 1)
        mutualctl_json (parser, 0, NULL, "rename", id, label, NULL);
    }

  mutualctl_json (parser, 0, NULL, "rename", id, "clean", NULL);
  if (!file_backend)
    g_assert_cmpuint (count_items (id), ==, 2);
  mutualctl_json (parser, 0, NULL, "remove", "--yes", id, NULL);
}

static void
test_locked (void)
{
  g_autoptr(MutualIdentityStore) store = mutual_identity_store_new ();
  g_autoptr(MutualBundle) bundle = read_files (NULL, "client-p256.pem", "client-p256.key", NULL);
  g_autoptr(MutualBundle) other = read_files (NULL, "client-rsa2048.pem", "client-rsa2048.key", NULL);
  g_autoptr(MutualIdentity) identity = NULL;
  g_autoptr(MutualIdentity) refused = NULL;
  g_autoptr(SecretService) service = NULL;
  g_autoptr(SecretCollection) collection = NULL;
  g_autoptr(GPtrArray) certificates = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "locked.pem", NULL);
  GList *objects;

  identity = add (store, bundle, "locked", &error);
  g_assert_no_error (error);

  service = secret_service_get_sync (SECRET_SERVICE_LOAD_COLLECTIONS, NULL, &error);
  g_assert_no_error (error);
  collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                                 SECRET_COLLECTION_NONE, NULL, &error);
  g_assert_no_error (error);
  objects = g_list_append (NULL, collection);
  secret_service_lock_sync (service, objects, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (secret_collection_get_locked (collection));

  /* A locked keyring still lists: it must not look like an empty one. */
  refresh (store);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 1);

  /* Reading needs unlocking, which the harness's prompter refuses. */
  certificates = load_certificates (store, identity, &error);
  g_assert_null (certificates);
  g_assert_error (error, MUTUAL_ERROR, MUTUAL_ERROR_KEYRING_LOCKED);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_false (export (store, identity, MUTUAL_EXPORT_PEM, NULL, path, &error));
  g_assert_error (error, MUTUAL_ERROR, MUTUAL_ERROR_KEYRING_LOCKED);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  refused = add (store, other, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, MUTUAL_ERROR, MUTUAL_ERROR_KEYRING_LOCKED);
  g_clear_error (&error);

  /* The keyring stays locked: this test runs last, in a keyring of its own. */
  g_list_free (objects);
}

int
main (int    argc,
      char **argv)
{
  if (g_strcmp0 (g_getenv ("MUTUAL_TEST_SECRET_BACKEND"), "file") == 0)
    {
      g_autofree char *path = g_build_filename (g_get_tmp_dir (), "keyring-file", NULL);

      /* libsecret reads these before its first call. */
      g_setenv ("SECRET_BACKEND", "file", TRUE);
      g_setenv ("SECRET_FILE_TEST_PATH", path, TRUE);
      g_setenv ("SECRET_FILE_TEST_PASSWORD", "mutual-test-file-keyring", TRUE);
      file_backend = TRUE;
    }

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/round-trips", test_round_trips);
  g_test_add_func ("/store/refusals", test_refusals);
  g_test_add_func ("/store/rename-and-replace", test_rename_and_replace);
  g_test_add_func ("/store/output-password", test_output_password);
  /* After the in-process tests: other processes write the keyring, and the file
   * backend's copy in this process does not see their changes. */
  g_test_add_func ("/store/interrupted-replace", test_interrupted_replace);
  /* The file backend has no lock to test. Last: the keyring stays locked. */
  if (!file_backend)
    g_test_add_func ("/store/locked", test_locked);

  return g_test_run ();
}
