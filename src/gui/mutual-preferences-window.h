/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define MUTUAL_TYPE_PREFERENCES_WINDOW (mutual_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (MutualPreferencesWindow, mutual_preferences_window, MUTUAL, PREFERENCES_WINDOW, AdwPreferencesWindow)

MutualPreferencesWindow *mutual_preferences_window_new (GSettings *settings);

G_END_DECLS
