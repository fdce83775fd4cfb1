/* SPDX-License-Identifier: GPL-3.0-or-later */

/* libFuzzer target for the importer and everything that decodes what it returns:
 * sections, JSON, chains. Built with clang -fsanitize=fuzzer,address when meson is
 * configured with -Dfuzzing=true; otherwise replay.c feeds it the corpus in CI. */

#include "config.h"

#include <stdint.h>

#include "mutual-core.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
exercise (MutualBundle *bundle)
{
  GPtrArray *certificates = mutual_bundle_get_certificates (bundle);
  GPtrArray *requests = mutual_bundle_get_requests (bundle);
  GPtrArray *keys = mutual_bundle_get_keys (bundle);
  g_autoptr(MutualJson) json = mutual_json_new (FALSE);
  g_autoptr(GPtrArray) chains = NULL;
  g_autofree char *description = mutual_bundle_describe (bundle);

  mutual_json_begin_array (json, NULL);
  for (guint i = 0; i < certificates->len; i++)
    {
      MutualCertificate *certificate = g_ptr_array_index (certificates, i);
      g_autoptr(GPtrArray) sections = mutual_certificate_get_sections (certificate, 1800000000);
      g_autofree char *pem = mutual_certificate_to_pem (certificate);

      mutual_certificate_to_json (certificate, json, NULL, 1800000000, TRUE);
      for (guint k = 0; k < keys->len; k++)
        mutual_private_key_matches (g_ptr_array_index (keys, k), certificate);
    }
  for (guint i = 0; i < requests->len; i++)
    {
      g_autoptr(GPtrArray) sections = mutual_request_get_sections (g_ptr_array_index (requests, i));

      mutual_request_to_json (g_ptr_array_index (requests, i), json, NULL);
    }
  for (guint i = 0; i < keys->len; i++)
    mutual_private_key_to_json (g_ptr_array_index (keys, i), json, NULL);

  chains = mutual_chain_build_all (certificates);
  for (guint i = 0; i < chains->len; i++)
    {
      mutual_chain_verify (g_ptr_array_index (chains, i), NULL, MUTUAL_PURPOSE_TLS_CLIENT, 1800000000);
      mutual_chain_to_json (g_ptr_array_index (chains, i), json, NULL);
    }
  mutual_json_end_array (json);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  const char *passwords[] = { NULL, "fixture-pass" };

  for (guint i = 0; i < G_N_ELEMENTS (passwords); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MutualBundle) bundle = mutual_import_bytes (bytes, "fuzz", passwords[i], &error);

      if (bundle != NULL)
        exercise (bundle);
      else
        g_assert_nonnull (error);
    }

  return 0;
}
