/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * MutualValidityState:
 * @MUTUAL_VALIDITY_NOT_YET_VALID: the validity period has not started
 * @MUTUAL_VALIDITY_VALID: valid, with plenty of time left
 * @MUTUAL_VALIDITY_RENEW_SOON: valid, and past the point where it should be renewed
 * @MUTUAL_VALIDITY_EXPIRING: valid, and close enough to its end to warn
 * @MUTUAL_VALIDITY_EXPIRED: the validity period has ended
 *
 * Where a certificate stands in its lifetime. The thresholds are proportional to the
 * lifetime and capped for long-lived certificates: see mutual_validity_get_state().
 */
typedef enum
{
  MUTUAL_VALIDITY_NOT_YET_VALID,
  MUTUAL_VALIDITY_VALID,
  MUTUAL_VALIDITY_RENEW_SOON,
  MUTUAL_VALIDITY_EXPIRING,
  MUTUAL_VALIDITY_EXPIRED,
} MutualValidityState;

/* Times are Unix seconds (UTC). */
typedef struct
{
  gint64 not_before;
  gint64 not_after;
} MutualValidity;

MutualValidityState mutual_validity_get_state          (const MutualValidity *validity,
                                                        gint64                now);
double              mutual_validity_get_elapsed        (const MutualValidity *validity,
                                                        gint64                now);
gint64              mutual_validity_get_lifetime       (const MutualValidity *validity);
gint64              mutual_validity_get_renew_soon_at  (const MutualValidity *validity);
gint64              mutual_validity_get_expiring_at    (const MutualValidity *validity);
gint64              mutual_validity_get_next_change    (const MutualValidity *validity,
                                                        gint64                now,
                                                        gboolean              with_seconds);
char               *mutual_validity_describe           (const MutualValidity *validity,
                                                        gint64                now,
                                                        gboolean              with_seconds);
const char         *mutual_validity_state_to_string    (MutualValidityState   state);
const char         *mutual_validity_state_get_label    (MutualValidityState   state);

char               *mutual_format_duration             (gint64                seconds,
                                                        gboolean              with_seconds);
char               *mutual_format_time                 (gint64                unix_time);
char               *mutual_format_time_utc             (gint64                unix_time);
char               *mutual_format_time_iso8601         (gint64                unix_time);

G_END_DECLS
