/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The validity model: states with thresholds scaled to the lifetime, human durations
 * and the time of the next visible change. Pure arithmetic on fixed times. */

#include "config.h"

#include "mutual-core.h"

#define MINUTE ((gint64) 60)
#define HOUR (60 * MINUTE)
#define DAY (24 * HOUR)

static const gint64 start = 1800000000; /* 2027-01-15 08:00:00 UTC */

static void
test_states_daily (void)
{
  MutualValidity day = { start, start + DAY };

  g_assert_cmpint (mutual_validity_get_state (&day, start - 1), ==, MUTUAL_VALIDITY_NOT_YET_VALID);
  g_assert_cmpint (mutual_validity_get_state (&day, start), ==, MUTUAL_VALIDITY_VALID);
  /* A third of 24 h is 8 h; a tenth is 2 h 24 min. */
  g_assert_cmpint (mutual_validity_get_state (&day, start + 16 * HOUR - 1), ==, MUTUAL_VALIDITY_VALID);
  g_assert_cmpint (mutual_validity_get_state (&day, start + 16 * HOUR), ==, MUTUAL_VALIDITY_RENEW_SOON);
  g_assert_cmpint (mutual_validity_get_state (&day, start + DAY - 144 * MINUTE - 1), ==,
                   MUTUAL_VALIDITY_RENEW_SOON);
  g_assert_cmpint (mutual_validity_get_state (&day, start + DAY - 144 * MINUTE), ==,
                   MUTUAL_VALIDITY_EXPIRING);
  /* X.509 validity includes its last second. */
  g_assert_cmpint (mutual_validity_get_state (&day, start + DAY), ==, MUTUAL_VALIDITY_EXPIRING);
  g_assert_cmpint (mutual_validity_get_state (&day, start + DAY + 1), ==, MUTUAL_VALIDITY_EXPIRED);
}

static void
test_states_long_lived (void)
{
  MutualValidity two_years = { start, start + 730 * DAY };

  /* Capped: 30 days and 7 days before the end, not 243 and 73. */
  g_assert_cmpint (mutual_validity_get_state (&two_years, start + 500 * DAY), ==, MUTUAL_VALIDITY_VALID);
  g_assert_cmpint (mutual_validity_get_state (&two_years, start + 700 * DAY - 1), ==, MUTUAL_VALIDITY_VALID);
  g_assert_cmpint (mutual_validity_get_state (&two_years, start + 700 * DAY), ==, MUTUAL_VALIDITY_RENEW_SOON);
  g_assert_cmpint (mutual_validity_get_state (&two_years, start + 723 * DAY), ==, MUTUAL_VALIDITY_EXPIRING);
  g_assert_cmpint (mutual_validity_get_renew_soon_at (&two_years), ==, start + 700 * DAY);
  g_assert_cmpint (mutual_validity_get_expiring_at (&two_years), ==, start + 723 * DAY);
}

static void
test_elapsed (void)
{
  MutualValidity day = { start, start + DAY };
  MutualValidity empty = { start, start };

  g_assert_cmpfloat (mutual_validity_get_elapsed (&day, start - HOUR), ==, 0.0);
  g_assert_cmpfloat_with_epsilon (mutual_validity_get_elapsed (&day, start + 6 * HOUR), 0.25, 1e-9);
  g_assert_cmpfloat (mutual_validity_get_elapsed (&day, start + 2 * DAY), ==, 1.0);
  g_assert_cmpfloat (mutual_validity_get_elapsed (&empty, start + 1), ==, 1.0);
}

static void
check_duration (gint64      seconds,
                gboolean    with_seconds,
                const char *expected)
{
  g_autofree char *text = mutual_format_duration (seconds, with_seconds);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_durations (void)
{
  check_duration (0, FALSE, "0 s");
  check_duration (40, FALSE, "40 s");
  check_duration (12 * MINUTE + 30, FALSE, "12 min");
  check_duration (12 * MINUTE + 30, TRUE, "12 min 30 s");
  check_duration (12 * MINUTE, TRUE, "12 min");
  check_duration (5 * HOUR + 12 * MINUTE + 59, TRUE, "5 h 12 min");
  check_duration (5 * HOUR, FALSE, "5 h");
  check_duration (DAY, FALSE, "1 day");
  check_duration (3 * DAY + 4 * HOUR + 59 * MINUTE, FALSE, "3 days 4 h");
  check_duration (12 * DAY + 5 * HOUR, FALSE, "12 days");
  check_duration (-5, FALSE, "0 s");
}

static void
check_describe (const MutualValidity *validity,
                gint64                now,
                const char           *expected)
{
  g_autofree char *text = mutual_validity_describe (validity, now, FALSE);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_describe (void)
{
  MutualValidity day = { start, start + DAY };

  check_describe (&day, start + DAY - (5 * HOUR + 12 * MINUTE), "expires in 5 h 12 min");
  check_describe (&day, start + DAY + 3 * DAY, "expired 3 days ago");
  check_describe (&day, start - 2 * MINUTE, "becomes valid in 2 min");
}

static void
test_next_change (void)
{
  MutualValidity day = { start, start + DAY };
  MutualValidity year = { start, start + 365 * DAY };
  gint64 now;
  gint64 next;

  /* Minutes shown: the text changes one second after the remainder runs out. */
  now = start + DAY - (5 * HOUR + 12 * MINUTE + 30);
  next = mutual_validity_get_next_change (&day, now, FALSE);
  g_assert_cmpint (next, ==, now + 31);
  {
    g_autofree char *before = mutual_validity_describe (&day, next - 1, FALSE);
    g_autofree char *after = mutual_validity_describe (&day, next, FALSE);

    g_assert_cmpstr (before, ==, "expires in 5 h 12 min");
    g_assert_cmpstr (after, ==, "expires in 5 h 11 min");
  }

  /* With seconds under an hour, every second. */
  now = start + DAY - 10 * MINUTE;
  g_assert_cmpint (mutual_validity_get_next_change (&day, now, TRUE), ==, now + 1);

  /* Only days shown for a long way off: no wake-up for a day, unless a state changes. */
  now = start + 100 * DAY + 7;
  next = mutual_validity_get_next_change (&year, now, FALSE);
  g_assert_cmpint (next - now, >, HOUR);
  g_assert_cmpint (next - now, <=, DAY);

  /* A state boundary comes first when it is closer than the next text change. */
  now = mutual_validity_get_renew_soon_at (&year) - 10;
  next = mutual_validity_get_next_change (&year, now, FALSE);
  g_assert_cmpint (next, ==, mutual_validity_get_renew_soon_at (&year));

  /* Expired: counts up. */
  now = start + DAY + 5 * MINUTE + 20;
  next = mutual_validity_get_next_change (&day, now, FALSE);
  g_assert_cmpint (next, ==, start + DAY + 6 * MINUTE);
}

static void
test_format_time (void)
{
  g_autofree char *utc = mutual_format_time_utc (start);
  g_autofree char *iso = mutual_format_time_iso8601 (start);

  g_assert_cmpstr (utc, ==, "2027-01-15 08:00:00 UTC");
  g_assert_cmpstr (iso, ==, "2027-01-15T08:00:00Z");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/validity/states-daily", test_states_daily);
  g_test_add_func ("/validity/states-long-lived", test_states_long_lived);
  g_test_add_func ("/validity/elapsed", test_elapsed);
  g_test_add_func ("/validity/durations", test_durations);
  g_test_add_func ("/validity/describe", test_describe);
  g_test_add_func ("/validity/next-change", test_next_change);
  g_test_add_func ("/validity/format-time", test_format_time);

  return g_test_run ();
}
