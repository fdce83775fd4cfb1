/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "mutual-countdown.h"

/* The clock behind a live countdown: it calls its function once now, and again exactly
 * when the function said the text would next change (see
 * mutual_validity_get_next_change()), with one timeout at a time. The timeout exists
 * only while the widget is mapped: a countdown in a hidden window, tab or page costs
 * nothing, and is brought up to date when it is shown again.
 *
 * The widget owns the countdown and drops it in its dispose(). */

/* GLib timeouts follow the monotonic clock, which stands still while the computer is
 * suspended; waking up at least this often bounds how stale a countdown can be after a
 * resume or a change of the wall clock. */
#define MAX_DELAY_MS (10 * 60 * 1000)

struct _MutualCountdown
{
  GObject parent_instance;

  /* Not owned: the widget owns the countdown. */
  GtkWidget *widget;
  MutualCountdownFunc func;
  gpointer user_data;

  guint timeout_id;
  gint64 scheduled;
};

G_DEFINE_FINAL_TYPE (MutualCountdown, mutual_countdown, G_TYPE_OBJECT)

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void schedule (MutualCountdown *self,
                      gint64           when);

static gboolean
timeout_cb (gpointer user_data)
{
  MutualCountdown *self = user_data;

  self->timeout_id = 0;
  schedule (self, self->func (self->user_data, now_seconds ()));

  return G_SOURCE_REMOVE;
}

static void
schedule (MutualCountdown *self,
          gint64           when)
{
  gint64 delay_us = when * G_USEC_PER_SEC - g_get_real_time ();
  /* A few milliseconds late rather than early: the text is computed in whole seconds,
   * and a wake-up just before the second turns would find nothing to change. */
  guint delay_ms = (guint) CLAMP (delay_us / 1000 + 5, 1, MAX_DELAY_MS);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->scheduled = when;
  self->timeout_id = g_timeout_add_full (G_PRIORITY_DEFAULT, delay_ms, timeout_cb, self, NULL);
  g_source_set_name_by_id (self->timeout_id, "[mutual] countdown");
}

static void
stop (MutualCountdown *self)
{
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->scheduled = 0;
}

static void
widget_map_cb (MutualCountdown *self,
               GtkWidget       *widget)
{
  /* Time went by while the widget was hidden. */
  mutual_countdown_update (self);
}

static void
widget_unmap_cb (MutualCountdown *self,
                 GtkWidget       *widget)
{
  stop (self);
}

/**
 * mutual_countdown_new:
 * @widget: the widget that shows the countdown, and owns it
 * @func: redraws @widget for a given time
 *
 * Returns: (transfer full): a countdown that runs while @widget is mapped
 */
MutualCountdown *
mutual_countdown_new (GtkWidget           *widget,
                      MutualCountdownFunc  func,
                      gpointer             user_data)
{
  MutualCountdown *self;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);
  g_return_val_if_fail (func != NULL, NULL);

  self = g_object_new (MUTUAL_TYPE_COUNTDOWN, NULL);
  self->widget = widget;
  self->func = func;
  self->user_data = user_data;
  g_signal_connect_object (widget, "map", G_CALLBACK (widget_map_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (widget, "unmap", G_CALLBACK (widget_unmap_cb), self, G_CONNECT_SWAPPED);

  return self;
}

/**
 * mutual_countdown_update:
 *
 * Redraws now, for example because what is counted down changed, and schedules the next
 * redraw if the widget is mapped.
 */
void
mutual_countdown_update (MutualCountdown *self)
{
  gint64 next;

  g_return_if_fail (MUTUAL_IS_COUNTDOWN (self));

  next = self->func (self->user_data, now_seconds ());
  if (gtk_widget_get_mapped (self->widget))
    schedule (self, next);
  else
    stop (self);
}

/**
 * mutual_countdown_get_scheduled:
 *
 * Returns: the Unix time of the next redraw, or 0 when none is scheduled (the widget is
 *   not mapped)
 */
gint64
mutual_countdown_get_scheduled (MutualCountdown *self)
{
  g_return_val_if_fail (MUTUAL_IS_COUNTDOWN (self), 0);

  return self->scheduled;
}

static void
mutual_countdown_dispose (GObject *object)
{
  MutualCountdown *self = MUTUAL_COUNTDOWN (object);

  stop (self);

  G_OBJECT_CLASS (mutual_countdown_parent_class)->dispose (object);
}

static void
mutual_countdown_class_init (MutualCountdownClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mutual_countdown_dispose;
}

static void
mutual_countdown_init (MutualCountdown *self)
{
}
