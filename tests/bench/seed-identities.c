/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Fills the keyring with N distinct identities for the list benchmark: one key, N
 * certificates with their own names and serials, stored through the identity store
 * as mutualctl import would.
 *
 * gnome-keyring rewrites its whole keyring file for every item written, so seeding
 * thousands of items into the login collection takes the better part of an hour. The
 * seeder first points the "default" alias at gnome-keyring's in-memory "session"
 * collection: the items are the same, listing reads them over D-Bus the same way,
 * and only the disk writes are saved. */

#include "config.h"

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <libsecret/secret.h>

#include "mutual-core.h"

static void
added_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MutualIdentity) identity =
    mutual_identity_store_add_finish (MUTUAL_IDENTITY_STORE (source), result, &error);

  if (identity == NULL)
    g_error ("seeding failed: %s", error->message);
  *(gboolean *) user_data = TRUE;
}

int
main (int    argc,
      char **argv)
{
  guint count = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 1000;
  g_autoptr(MutualIdentityStore) store = mutual_identity_store_new ();
  gnutls_x509_privkey_t key;
  gnutls_datum_t key_pem;
  time_t now = time (NULL);

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(SecretService) service = secret_service_get_sync (SECRET_SERVICE_LOAD_COLLECTIONS, NULL, &error);
    g_autoptr(SecretCollection) session = NULL;

    if (service != NULL)
      session = secret_collection_for_alias_sync (service, SECRET_COLLECTION_SESSION,
                                                  SECRET_COLLECTION_NONE, NULL, &error);
    if (session == NULL || !secret_service_set_alias_sync (service, "default", session, NULL, &error))
      g_error ("cannot use the in-memory collection: %s", error ? error->message : "not found");
  }

  gnutls_x509_privkey_init (&key);
  gnutls_x509_privkey_generate (key, GNUTLS_PK_EC, GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0);
  gnutls_x509_privkey_export2 (key, GNUTLS_X509_FMT_PEM, &key_pem);

  for (guint i = 0; i < count; i++)
    {
      gnutls_x509_crt_t crt;
      gnutls_datum_t crt_pem;
      char name[64];
      guint8 serial[8];
      g_autoptr(GString) pem = g_string_new (NULL);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(MutualBundle) bundle = NULL;
      gboolean done = FALSE;

      g_snprintf (name, sizeof name, "CN=bench-%05u,O=Mutual Benchmarks", i);
      for (guint b = 0; b < sizeof serial; b++)
        serial[b] = (b == 0 ? 0x10 : 0) | ((i >> (8 * (7 - b))) & 0xff);

      gnutls_x509_crt_init (&crt);
      gnutls_x509_crt_set_version (crt, 3);
      gnutls_x509_crt_set_serial (crt, serial, sizeof serial);
      gnutls_x509_crt_set_dn (crt, name, NULL);
      gnutls_x509_crt_set_issuer_dn (crt, name, NULL);
      gnutls_x509_crt_set_activation_time (crt, now - 3600);
      gnutls_x509_crt_set_expiration_time (crt, now + 86400 * (1 + i % 30));
      gnutls_x509_crt_set_key (crt, key);
      gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_CLIENT, 0);
      gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0);
      gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &crt_pem);

      g_string_append_len (pem, (const char *) crt_pem.data, crt_pem.size);
      g_string_append_len (pem, (const char *) key_pem.data, key_pem.size);
      bytes = g_bytes_new (pem->str, pem->len);
      bundle = mutual_import_bytes (bytes, name, NULL, &error);
      if (bundle == NULL)
        g_error ("%s", error->message);

      mutual_identity_store_add_async (store, bundle, NULL, NULL, added_cb, &done);
      while (!done)
        g_main_context_iteration (NULL, TRUE);

      gnutls_free (crt_pem.data);
      gnutls_x509_crt_deinit (crt);
      if ((i + 1) % 100 == 0)
        g_printerr ("seeded %u identities\n", i + 1);
    }

  gnutls_free (key_pem.data);
  gnutls_x509_privkey_deinit (key);
  return 0;
}
