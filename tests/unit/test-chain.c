/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Chains built from bags of fixture certificates and verified against the fixture
 * root: each fault is named as its own problem, on the link it concerns. */

#include "config.h"

#include <string.h>

#include "mutual-core.h"

static GPtrArray *
load_certificates (const char *first,
                   ...)
{
  GPtrArray *certificates = g_ptr_array_new_with_free_func (g_object_unref);
  const char *name = first;
  va_list args;

  va_start (args, first);
  for (; name != NULL; name = va_arg (args, const char *))
    {
      g_autofree char *path = g_build_filename (g_getenv ("MUTUAL_FIXTURES"), name, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) data = NULL;
      g_autoptr(MutualBundle) bundle = NULL;
      g_autoptr(GFile) file = g_file_new_for_path (path);
      GPtrArray *found;

      data = mutual_load_file (file, NULL, &error);
      g_assert_no_error (error);
      bundle = mutual_import_bytes (data, name, NULL, &error);
      g_assert_no_error (error);
      found = mutual_bundle_get_certificates (bundle);
      for (guint i = 0; i < found->len; i++)
        g_ptr_array_add (certificates, g_object_ref (g_ptr_array_index (found, i)));
    }
  va_end (args);

  return certificates;
}

static MutualTrust *
fixture_trust (void)
{
  g_autoptr(GPtrArray) roots = load_certificates ("root-ca.pem", NULL);
  MutualTrust *trust = mutual_trust_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (mutual_trust_add_anchor (trust, g_ptr_array_index (roots, 0), &error));
  g_assert_no_error (error);
  return trust;
}

static gint64
now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static MutualChain *
verified_chain (GPtrArray     *certificates,
                MutualPurpose  purpose)
{
  g_autoptr(GPtrArray) chains = mutual_chain_build_all (certificates);
  g_autoptr(MutualTrust) trust = fixture_trust ();
  MutualChain *chain;

  /* Every case below has exactly one leaf. */
  g_assert_cmpuint (chains->len, ==, 1);
  chain = g_object_ref (g_ptr_array_index (chains, 0));
  mutual_chain_verify (chain, trust, purpose, now ());
  return chain;
}

static void
assert_problem (MutualChain       *chain,
                MutualProblemKind  kind,
                int                link)
{
  GPtrArray *problems = mutual_chain_get_problems (chain);

  for (guint i = 0; i < problems->len; i++)
    {
      MutualProblem *problem = g_ptr_array_index (problems, i);

      g_test_message ("problem %s on link %d: %s",
                      mutual_problem_kind_to_string (mutual_problem_get_kind (problem)),
                      mutual_problem_get_link (problem), mutual_problem_get_message (problem));
    }
  for (guint i = 0; i < problems->len; i++)
    {
      MutualProblem *problem = g_ptr_array_index (problems, i);

      if (mutual_problem_get_kind (problem) == kind && mutual_problem_get_link (problem) == link)
        {
          g_assert_false (mutual_chain_get_trusted (chain));
          return;
        }
    }
  g_error ("no %s problem on link %d", mutual_problem_kind_to_string (kind), link);
}

static void
test_good_chain (void)
{
  g_autoptr(GPtrArray) certificates = load_certificates ("intermediate-ca.pem", "client-rsa2048.pem",
                                                         NULL);
  g_autoptr(MutualChain) chain = verified_chain (certificates, MUTUAL_PURPOSE_TLS_CLIENT);
  GPtrArray *links = mutual_chain_get_links (chain);
  g_autofree char *text = mutual_chain_describe (chain);

  /* Given out of order, ordered leaf first, completed by the trusted root. */
  g_assert_cmpuint (links->len, ==, 2);
  g_assert_cmpstr (mutual_certificate_get_subject_name (g_ptr_array_index (links, 0)), ==, "client-rsa2048");
  g_assert_nonnull (mutual_chain_get_anchor (chain));
  g_assert_cmpstr (mutual_certificate_get_subject_name (mutual_chain_get_anchor (chain)), ==,
                   "Mutual Test Root CA");
  g_assert_cmpuint (mutual_chain_get_problems (chain)->len, ==, 0);
  g_assert_true (mutual_chain_get_trusted (chain));
  g_assert_cmpstr (text, ==, "client-rsa2048 ← Mutual Test Issuing CA 1 ← Mutual Test Root CA (trusted)");
}

static void
test_faults (void)
{
  const struct
  {
    const char *file;
    gboolean with_intermediate;
    MutualProblemKind kind;
    int link;
  } cases[] = {
    { "expired.pem", TRUE, MUTUAL_PROBLEM_EXPIRED, 0 },
    { "not-yet-valid.pem", TRUE, MUTUAL_PROBLEM_NOT_YET_VALID, 0 },
    { "wrong-eku.pem", TRUE, MUTUAL_PROBLEM_WRONG_PURPOSE, 0 },
    { "no-digitalsignature.pem", TRUE, MUTUAL_PROBLEM_KEY_USAGE, 0 },
    { "self-signed.pem", FALSE, MUTUAL_PROBLEM_UNTRUSTED_ROOT, 0 },
    { "foreign-client.pem", FALSE, MUTUAL_PROBLEM_MISSING_ISSUER, 0 },
    { "bad-signature.pem", TRUE, MUTUAL_PROBLEM_BAD_SIGNATURE, 0 },
    { "client-p256.pem", FALSE, MUTUAL_PROBLEM_MISSING_ISSUER, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) certificates = NULL;
      g_autoptr(MutualChain) chain = NULL;

      g_test_message ("%s", cases[i].file);
      certificates = cases[i].with_intermediate
                     ? load_certificates (cases[i].file, "intermediate-ca.pem", NULL)
                     : load_certificates (cases[i].file, NULL);
      chain = verified_chain (certificates, MUTUAL_PURPOSE_TLS_CLIENT);
      assert_problem (chain, cases[i].kind, cases[i].link);
    }
}

static void
test_not_a_ca (void)
{
  g_autoptr(GPtrArray) certificates = load_certificates ("ca-flag-missing-leaf.pem",
                                                         "ca-flag-missing-intermediate.pem", NULL);
  g_autoptr(GPtrArray) chains = mutual_chain_build_all (certificates);
  g_autoptr(MutualTrust) trust = fixture_trust ();
  MutualChain *chain;

  /* The "intermediate" issued the leaf, so the bag has one leaf, not two. */
  g_assert_cmpuint (chains->len, ==, 1);
  chain = g_ptr_array_index (chains, 0);
  g_assert_cmpuint (mutual_chain_get_links (chain)->len, ==, 2);
  mutual_chain_verify (chain, trust, MUTUAL_PURPOSE_TLS_CLIENT, now ());
  assert_problem (chain, MUTUAL_PROBLEM_NOT_A_CA, 1);
}

static void
test_broken_chain (void)
{
  g_autoptr(GPtrArray) certificates = load_certificates ("broken-chain.pem", NULL);
  g_autoptr(GPtrArray) chains = mutual_chain_build_all (certificates);
  g_autoptr(MutualTrust) trust = fixture_trust ();
  MutualChain *leaf_chain = NULL;
  GPtrArray *problems;

  /* Leaf and root without the intermediate: two separate pieces. */
  g_assert_cmpuint (chains->len, ==, 2);
  for (guint i = 0; i < chains->len; i++)
    {
      MutualChain *chain = g_ptr_array_index (chains, i);

      mutual_chain_verify (chain, trust, MUTUAL_PURPOSE_TLS_CLIENT, now ());
      if (!mutual_certificate_is_ca (g_ptr_array_index (mutual_chain_get_links (chain), 0)))
        leaf_chain = chain;
    }
  g_assert_nonnull (leaf_chain);
  assert_problem (leaf_chain, MUTUAL_PROBLEM_MISSING_ISSUER, 0);
  problems = mutual_chain_get_problems (leaf_chain);
  g_assert_nonnull (strstr (mutual_problem_get_message (g_ptr_array_index (problems, 0)),
                            "Mutual Test Issuing CA 1"));
}

static void
test_time_travel (void)
{
  g_autoptr(GPtrArray) certificates = load_certificates ("client-p256.pem", "intermediate-ca.pem", NULL);
  g_autoptr(GPtrArray) chains = mutual_chain_build_all (certificates);
  MutualChain *chain = g_ptr_array_index (chains, 0);
  const MutualValidity *validity =
    mutual_certificate_get_validity (g_ptr_array_index (mutual_chain_get_links (chain), 0));

  /* Judged at a chosen time without trust: only the links' own checks apply. */
  mutual_chain_verify (chain, NULL, MUTUAL_PURPOSE_TLS_CLIENT, validity->not_after + 60);
  assert_problem (chain, MUTUAL_PROBLEM_EXPIRED, 0);
  mutual_chain_verify (chain, NULL, MUTUAL_PURPOSE_TLS_CLIENT, validity->not_before - 60);
  assert_problem (chain, MUTUAL_PROBLEM_NOT_YET_VALID, 0);
  g_assert_false (mutual_chain_get_verified (chain));
}

static MutualPrivateKey *
load_key (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("MUTUAL_FIXTURES"), name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = mutual_load_file (file, NULL, &error);
  g_autoptr(MutualBundle) bundle = NULL;

  g_assert_no_error (error);
  bundle = mutual_import_bytes (data, name, NULL, &error);
  g_assert_no_error (error);
  return g_object_ref (g_ptr_array_index (mutual_bundle_get_keys (bundle), 0));
}

static gboolean
has_kind (GPtrArray         *problems,
          MutualProblemKind  kind)
{
  for (guint i = 0; i < problems->len; i++)
    {
      if (mutual_problem_get_kind (g_ptr_array_index (problems, i)) == kind)
        return TRUE;
    }
  return FALSE;
}

static void
test_lint (void)
{
  g_autoptr(GPtrArray) leaf = load_certificates ("client-p256.pem", NULL);
  g_autoptr(GPtrArray) chain = load_certificates ("intermediate-ca.pem", NULL);
  g_autoptr(MutualPrivateKey) key = load_key ("client-p256.key");
  g_autoptr(MutualPrivateKey) other = load_key ("mismatched.key");
  g_autoptr(MutualTrust) trust = fixture_trust ();
  g_autoptr(GPtrArray) good = NULL;
  g_autoptr(GPtrArray) mismatch = NULL;
  g_autoptr(GPtrArray) keyless = NULL;
  g_autoptr(GPtrArray) incomplete = NULL;

  good = mutual_lint_client_identity (g_ptr_array_index (leaf, 0), key, chain, trust, now (), NULL);
  g_assert_cmpuint (good->len, ==, 0);

  mismatch = mutual_lint_client_identity (g_ptr_array_index (leaf, 0), other, chain, trust, now (), NULL);
  g_assert_true (has_kind (mismatch, MUTUAL_PROBLEM_KEY_MISMATCH));

  keyless = mutual_lint_client_identity (g_ptr_array_index (leaf, 0), NULL, chain, trust, now (), NULL);
  g_assert_true (has_kind (keyless, MUTUAL_PROBLEM_NO_KEY));

  incomplete = mutual_lint_client_identity (g_ptr_array_index (leaf, 0), key, NULL, trust, now (), NULL);
  g_assert_true (has_kind (incomplete, MUTUAL_PROBLEM_MISSING_ISSUER));
}

static void
test_system_trust (void)
{
  g_autoptr(MutualTrust) trust = mutual_trust_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) certificates = load_certificates ("client-rsa2048-fullchain.pem", NULL);
  g_autoptr(MutualChain) chain = NULL;
  g_autoptr(GPtrArray) chains = NULL;

  g_assert_true (mutual_trust_add_system (trust, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (mutual_trust_get_n_anchors (trust), >, 10);

  /* The fixture root is nobody's trust anchor. */
  chains = mutual_chain_build_all (certificates);
  g_assert_cmpuint (chains->len, ==, 1);
  chain = g_object_ref (g_ptr_array_index (chains, 0));
  mutual_chain_verify (chain, trust, MUTUAL_PURPOSE_TLS_CLIENT, now ());
  assert_problem (chain, MUTUAL_PROBLEM_UNTRUSTED_ROOT, 2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chain/good", test_good_chain);
  g_test_add_func ("/chain/faults", test_faults);
  g_test_add_func ("/chain/not-a-ca", test_not_a_ca);
  g_test_add_func ("/chain/broken", test_broken_chain);
  g_test_add_func ("/chain/time-travel", test_time_travel);
  g_test_add_func ("/chain/lint", test_lint);
  g_test_add_func ("/chain/system-trust", test_system_trust);

  return g_test_run ();
}
