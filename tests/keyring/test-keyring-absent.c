/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The store without a working keyring: no session bus, a bus without a Secret
 * Service, and a Secret Service that never answers. Each is its own clear error, and
 * none is a hang. */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "mutual-core.h"

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Lists, and returns the error and how long it took. */
static GError *
list_error (gint64 *elapsed_ms)
{
  g_autoptr(MutualIdentityStore) store = mutual_identity_store_new ();
  g_autoptr(GAsyncResult) result = NULL;
  GError *error = NULL;
  gint64 start = g_get_monotonic_time ();

  mutual_identity_store_refresh_async (store, NULL, result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (mutual_identity_store_refresh_finish (store, result, &error));
  *elapsed_ms = (g_get_monotonic_time () - start) / 1000;
  g_test_message ("after %" G_GINT64_FORMAT " ms: %s", *elapsed_ms, error ? error->message : "?");
  return error;
}

static void
test_no_service (void)
{
  g_autoptr(GError) error = NULL;
  gint64 elapsed_ms = 0;

  error = list_error (&elapsed_ms);
  g_assert_error (error, MUTUAL_ERROR, MUTUAL_ERROR_KEYRING_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "No keyring is available"));
  /* The bound: an absent keyring is reported within a second. */
  g_assert_cmpint (elapsed_ms, <, 1000);
}

static void
test_silent_service (void)
{
  const char *argv[] = { g_getenv ("SILENT_SECRETS"), NULL };
  g_autoptr(GError) error = NULL;
  GPid pid = 0;
  int out = -1;
  char ready[8] = { 0 };
  gint64 elapsed_ms = 0;

  g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &pid, NULL, &out,
                            NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (read (out, ready, 6), ==, 6);
  g_assert_cmpstr (ready, ==, "ready\n");

  error = list_error (&elapsed_ms);
  kill (pid, SIGKILL);
  g_spawn_close_pid (pid);
  close (out);

  g_assert_error (error, MUTUAL_ERROR, MUTUAL_ERROR_TIMED_OUT);
  g_assert_cmpint (elapsed_ms, >=, 9000);
  g_assert_cmpint (elapsed_ms, <, 20000);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/keyring-absent/no-service", test_no_service);
  /* Only where there is a bus for the silent service to sit on. */
  if (g_getenv ("SILENT_SECRETS") != NULL)
    g_test_add_func ("/keyring-absent/silent-service", test_silent_service);

  return g_test_run ();
}
