/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "mutual-validity.h"

#define MINUTE ((gint64) 60)
#define HOUR (60 * MINUTE)
#define DAY (24 * HOUR)

/* A certificate should be renewed once a third of its lifetime is left (the 2/3 point
 * that step-ca and cert-manager use), and is "expiring" when a tenth is left. Both are
 * capped so that a two-year certificate does not warn eight months ahead. */
#define RENEW_SOON_CAP (30 * DAY)
#define EXPIRING_CAP (7 * DAY)

gint64
mutual_validity_get_lifetime (const MutualValidity *validity)
{
  return MAX (validity->not_after - validity->not_before, 0);
}

/**
 * mutual_validity_get_renew_soon_at:
 *
 * Returns: when the state becomes %MUTUAL_VALIDITY_RENEW_SOON
 */
gint64
mutual_validity_get_renew_soon_at (const MutualValidity *validity)
{
  return validity->not_after - MIN (mutual_validity_get_lifetime (validity) / 3, RENEW_SOON_CAP);
}

/**
 * mutual_validity_get_expiring_at:
 *
 * Returns: when the state becomes %MUTUAL_VALIDITY_EXPIRING
 */
gint64
mutual_validity_get_expiring_at (const MutualValidity *validity)
{
  return validity->not_after - MIN (mutual_validity_get_lifetime (validity) / 10, EXPIRING_CAP);
}

/**
 * mutual_validity_get_state:
 * @now: the time to judge at, in Unix seconds
 *
 * A 24-hour certificate is "renew soon" with 8 hours left and "expiring" with 2 h 24
 * min left; a two-year certificate at 30 and 7 days.
 */
MutualValidityState
mutual_validity_get_state (const MutualValidity *validity,
                           gint64                now)
{
  g_return_val_if_fail (validity != NULL, MUTUAL_VALIDITY_EXPIRED);

  /* X.509 validity is inclusive at both ends. */
  if (now < validity->not_before)
    return MUTUAL_VALIDITY_NOT_YET_VALID;
  if (now > validity->not_after)
    return MUTUAL_VALIDITY_EXPIRED;
  if (now >= mutual_validity_get_expiring_at (validity))
    return MUTUAL_VALIDITY_EXPIRING;
  if (now >= mutual_validity_get_renew_soon_at (validity))
    return MUTUAL_VALIDITY_RENEW_SOON;
  return MUTUAL_VALIDITY_VALID;
}

/**
 * mutual_validity_get_elapsed:
 *
 * Returns: the fraction of the lifetime that has passed at @now, from 0 to 1
 */
double
mutual_validity_get_elapsed (const MutualValidity *validity,
                             gint64                now)
{
  gint64 lifetime = mutual_validity_get_lifetime (validity);

  if (now <= validity->not_before)
    return 0.0;
  if (lifetime == 0 || now >= validity->not_after)
    return 1.0;
  return (double) (now - validity->not_before) / (double) lifetime;
}

const char *
mutual_validity_state_to_string (MutualValidityState state)
{
  switch (state)
    {
    case MUTUAL_VALIDITY_NOT_YET_VALID:
      return "not-yet-valid";
    case MUTUAL_VALIDITY_VALID:
      return "valid";
    case MUTUAL_VALIDITY_RENEW_SOON:
      return "renew-soon";
    case MUTUAL_VALIDITY_EXPIRING:
      return "expiring";
    case MUTUAL_VALIDITY_EXPIRED:
      return "expired";
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
mutual_validity_state_get_label (MutualValidityState state)
{
  switch (state)
    {
    case MUTUAL_VALIDITY_NOT_YET_VALID:
      return _("Not yet valid");
    case MUTUAL_VALIDITY_VALID:
      return _("Valid");
    case MUTUAL_VALIDITY_RENEW_SOON:
      return _("Renew soon");
    case MUTUAL_VALIDITY_EXPIRING:
      return _("Expiring");
    case MUTUAL_VALIDITY_EXPIRED:
      return _("Expired");
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * mutual_format_duration:
 * @seconds: a duration, not negative
 * @with_seconds: whether durations under an hour show seconds (for live countdowns)
 *
 * Formats a duration with the two largest units that matter: "3 days 4 h", "5 h 12
 * min", "12 min" (or "12 min 30 s"), "40 s". Durations of ten days or more show days
 * only.
 */
char *
mutual_format_duration (gint64   seconds,
                        gboolean with_seconds)
{
  gint64 days;
  gint64 hours;
  gint64 minutes;

  seconds = MAX (seconds, 0);
  days = seconds / DAY;
  hours = (seconds % DAY) / HOUR;
  minutes = (seconds % HOUR) / MINUTE;

  if (days >= 10 || (days > 0 && hours == 0))
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%" G_GINT64_FORMAT " day",
                                         "%" G_GINT64_FORMAT " days", days), days);
  if (days > 0)
    {
      g_autofree char *day_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                                "%" G_GINT64_FORMAT " day",
                                                                "%" G_GINT64_FORMAT " days",
                                                                days), days);

      /* Translators: a duration, e.g. "3 days 4 h"; h is the symbol for hours. */
      return g_strdup_printf (_("%s %" G_GINT64_FORMAT " h"), day_text, hours);
    }
  if (hours > 0)
    {
      if (minutes == 0)
        /* Translators: a duration in hours; h is the symbol for hours. */
        return g_strdup_printf (_("%" G_GINT64_FORMAT " h"), hours);
      /* Translators: a duration, e.g. "5 h 12 min". */
      return g_strdup_printf (_("%" G_GINT64_FORMAT " h %" G_GINT64_FORMAT " min"), hours, minutes);
    }
  if (minutes > 0 && (!with_seconds || seconds % MINUTE == 0))
    /* Translators: a duration in minutes. */
    return g_strdup_printf (_("%" G_GINT64_FORMAT " min"), minutes);
  if (minutes > 0)
    /* Translators: a duration, e.g. "12 min 30 s". */
    return g_strdup_printf (_("%" G_GINT64_FORMAT " min %" G_GINT64_FORMAT " s"), minutes,
                            seconds % MINUTE);
  /* Translators: a duration in seconds; s is the symbol for seconds. */
  return g_strdup_printf (_("%" G_GINT64_FORMAT " s"), seconds);
}

/**
 * mutual_validity_describe:
 *
 * Says where a certificate stands, in words: "expires in 5 h 12 min", "expired 3 days
 * ago", "becomes valid in 2 min".
 */
char *
mutual_validity_describe (const MutualValidity *validity,
                          gint64                now,
                          gboolean              with_seconds)
{
  g_autofree char *duration = NULL;

  g_return_val_if_fail (validity != NULL, NULL);

  if (now < validity->not_before)
    {
      duration = mutual_format_duration (validity->not_before - now, with_seconds);
      /* Translators: %s is a duration such as "5 h 12 min". */
      return g_strdup_printf (_("becomes valid in %s"), duration);
    }
  if (now > validity->not_after)
    {
      duration = mutual_format_duration (now - validity->not_after, with_seconds);
      /* Translators: %s is a duration such as "3 days". */
      return g_strdup_printf (_("expired %s ago"), duration);
    }

  duration = mutual_format_duration (validity->not_after - now, with_seconds);
  /* Translators: %s is a duration such as "5 h 12 min". */
  return g_strdup_printf (_("expires in %s"), duration);
}

/* The smallest unit mutual_format_duration() shows for @seconds. */
static gint64
display_unit (gint64   seconds,
              gboolean with_seconds)
{
  if (seconds >= 10 * DAY)
    return DAY;
  if (seconds >= DAY)
    return HOUR;
  if (seconds >= HOUR || !with_seconds)
    return MINUTE;
  return 1;
}

/**
 * mutual_validity_get_next_change:
 * @now: the time the description was made for
 *
 * Tells when mutual_validity_describe() or mutual_validity_get_state() will next give
 * a different answer, so that a countdown is redrawn exactly then and not every second
 * when it shows only days.
 *
 * Returns: a Unix time after @now
 */
gint64
mutual_validity_get_next_change (const MutualValidity *validity,
                                 gint64                now,
                                 gboolean              with_seconds)
{
  gint64 boundaries[] = {
    validity->not_before,
    validity->not_after + 1,
    mutual_validity_get_renew_soon_at (validity),
    mutual_validity_get_expiring_at (validity),
  };
  gint64 reference;
  gint64 distance;
  gint64 unit;
  gint64 next;

  /* Counting down towards the start or the end, or counting up since the end. */
  reference = now < validity->not_before ? validity->not_before : validity->not_after;

  distance = ABS (reference - now);
  unit = display_unit (distance, with_seconds);
  if (now <= reference)
    {
      /* Durations are shown rounded down, so the text changes one second after the
       * remaining time passes a multiple of the unit shown. */
      next = now + distance % unit + 1;
    }
  else
    {
      next = now + (unit - distance % unit);
    }

  for (guint i = 0; i < G_N_ELEMENTS (boundaries); i++)
    {
      if (boundaries[i] > now && boundaries[i] < next)
        next = boundaries[i];
    }

  return MAX (next, now + 1);
}

static char *
format_with (gint64      unix_time,
             GTimeZone  *zone,
             const char *format)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);
  g_autoptr(GDateTime) local = NULL;

  if (utc == NULL)
    return g_strdup_printf ("@%" G_GINT64_FORMAT, unix_time);
  local = g_date_time_to_timezone (utc, zone);
  return g_date_time_format (local, format);
}

/**
 * mutual_format_time:
 *
 * Formats a time in the local zone with the zone's abbreviation: "2026-11-28 14:05:09
 * CET". Certificates start and end at a time of day, which matters for short-lived
 * ones.
 */
char *
mutual_format_time (gint64 unix_time)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_local ();

  return format_with (unix_time, zone, "%Y-%m-%d %H:%M:%S %Z");
}

char *
mutual_format_time_utc (gint64 unix_time)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_utc ();

  return format_with (unix_time, zone, "%Y-%m-%d %H:%M:%S UTC");
}

char *
mutual_format_time_iso8601 (gint64 unix_time)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_utc ();

  return format_with (unix_time, zone, "%Y-%m-%dT%H:%M:%SZ");
}
