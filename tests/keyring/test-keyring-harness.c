/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The keyring harness itself: the private gnome-keyring the wrapper starts stores and
 * returns secrets through libsecret, its default collection is unlocked, and anything
 * that would prompt fails quickly instead of hanging. Later keyring tests rely on all
 * three. */

#include <libsecret/secret.h>

static const SecretSchema test_schema = {
  "io.github.mutual.Test.Harness", SECRET_SCHEMA_NONE,
  {
    { "name", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "NULL", 0 },
  }
};

static void
test_private_environment (void)
{
  const char *address = g_getenv ("DBUS_SESSION_BUS_ADDRESS");
  const char *home = g_getenv ("HOME");
  const char *tmp = g_getenv ("TMPDIR");

  /* The wrapper's private bus and folders, never the user's. */
  g_assert_nonnull (address);
  g_assert_nonnull (home);
  g_assert_nonnull (tmp);
  {
    g_autofree char *root = g_path_get_dirname (tmp);

    g_assert_true (g_str_has_prefix (home, root));
  }
  g_assert_nonnull (strstr (home, "mutual-test-"));
  g_assert_nonnull (g_getenv ("GNOME_KEYRING_TEST_PROMPTER"));
}

static void
test_store_and_lookup (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *found = NULL;
  gboolean ok;

  ok = secret_password_store_sync (&test_schema, SECRET_COLLECTION_DEFAULT, "harness test",
                                   "s3cr3t value", NULL, &error, "name", "round-trip", NULL);
  g_assert_no_error (error);
  g_assert_true (ok);

  found = secret_password_lookup_sync (&test_schema, NULL, &error, "name", "round-trip", NULL);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, "s3cr3t value");

  ok = secret_password_clear_sync (&test_schema, NULL, &error, "name", "round-trip", NULL);
  g_assert_no_error (error);
  g_assert_true (ok);

  g_clear_pointer (&found, g_free);
  found = secret_password_lookup_sync (&test_schema, NULL, &error, "name", "round-trip", NULL);
  g_assert_no_error (error);
  g_assert_null (found);
}

static void
test_binary_secret (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretValue) value = NULL;
  g_autoptr(SecretValue) found = NULL;
  const guchar bytes[] = { 0x30, 0x82, 0x00, 0xff, 0x00, 0x01 };
  const guchar *data;
  gsize length;
  gboolean ok;

  value = secret_value_new ((const char *) bytes, sizeof bytes, "application/octet-stream");
  ok = secret_password_store_binary_sync (&test_schema, SECRET_COLLECTION_DEFAULT, "binary",
                                          value, NULL, &error, "name", "binary", NULL);
  g_assert_no_error (error);
  g_assert_true (ok);

  found = secret_password_lookup_binary_sync (&test_schema, NULL, &error, "name", "binary", NULL);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  data = (const guchar *) secret_value_get (found, &length);
  g_assert_cmpmem (data, length, bytes, sizeof bytes);
}

static void
test_default_collection_unlocked (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretService) service = NULL;
  g_autoptr(SecretCollection) collection = NULL;

  service = secret_service_get_sync (SECRET_SERVICE_LOAD_COLLECTIONS, NULL, &error);
  g_assert_no_error (error);

  collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                                 SECRET_COLLECTION_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (collection);
  g_assert_false (secret_collection_get_locked (collection));
}

static void
test_prompt_fails_fast (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretCollection) collection = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed_ms;

  /* Creating a collection asks for its password through a prompt. The prompter name
   * the harness sets is owned by nobody, so the prompt must end at once: dismissed or
   * failed, but never shown and never hanging. */
  collection = secret_collection_create_sync (NULL, "Needs A Prompt", NULL,
                                              SECRET_COLLECTION_CREATE_NONE, NULL, &error);
  elapsed_ms = (g_get_monotonic_time () - start) / 1000;
  g_test_message ("collection creation ended after %" G_GINT64_FORMAT " ms: %s",
                  elapsed_ms, error ? error->message : "no error");

  g_assert_null (collection);
  g_assert_nonnull (error);
  g_assert_cmpint (elapsed_ms, <, 10000);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/keyring-harness/private-environment", test_private_environment);
  g_test_add_func ("/keyring-harness/store-and-lookup", test_store_and_lookup);
  g_test_add_func ("/keyring-harness/binary-secret", test_binary_secret);
  g_test_add_func ("/keyring-harness/default-collection-unlocked", test_default_collection_unlocked);
  g_test_add_func ("/keyring-harness/prompt-fails-fast", test_prompt_fails_fast);

  return g_test_run ();
}
