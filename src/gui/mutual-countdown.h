/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/**
 * MutualCountdownFunc:
 * @user_data: the data given to mutual_countdown_new()
 * @now: the time to show, in Unix seconds
 *
 * Redraws what depends on the time.
 *
 * Returns: the Unix time at which what is shown next changes
 */
typedef gint64 (*MutualCountdownFunc) (gpointer user_data,
                                       gint64   now);

#define MUTUAL_TYPE_COUNTDOWN (mutual_countdown_get_type ())

G_DECLARE_FINAL_TYPE (MutualCountdown, mutual_countdown, MUTUAL, COUNTDOWN, GObject)

MutualCountdown *mutual_countdown_new           (GtkWidget           *widget,
                                                 MutualCountdownFunc  func,
                                                 gpointer             user_data);
void             mutual_countdown_update        (MutualCountdown     *self);
gint64           mutual_countdown_get_scheduled (MutualCountdown     *self);

G_END_DECLS
