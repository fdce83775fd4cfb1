/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "mutual-page-stack.h"

/* An AdwLeaflet that never unfolds, used as a navigation stack: the views that open
 * certificates on pages of their own (Inspect, an identity, a connection test) push a
 * page, and the user goes back with the back button or a swipe. Pages in front of the
 * visible one were navigated away from: they go once they have slid out of sight. The
 * view calls mutual_page_stack_settle() when the leaflet's visible child or its
 * transition changes. (AdwNavigationView does this from libadwaita 1.4.) */

static void
remove_pages_after_visible (AdwLeaflet *leaflet)
{
  GtkWidget *next;

  while ((next = adw_leaflet_get_adjacent_child (leaflet, ADW_NAVIGATION_DIRECTION_FORWARD)) != NULL)
    adw_leaflet_remove (leaflet, next);
}

/**
 * mutual_page_stack_push:
 * @page: (transfer floating): the page to show in front of the page shown now
 */
void
mutual_page_stack_push (AdwLeaflet *leaflet,
                        GtkWidget  *page)
{
  g_return_if_fail (ADW_IS_LEAFLET (leaflet));
  g_return_if_fail (GTK_IS_WIDGET (page));

  remove_pages_after_visible (leaflet);
  adw_leaflet_append (leaflet, page);
  adw_leaflet_set_visible_child (leaflet, page);
}

/**
 * mutual_page_stack_can_go_back:
 *
 * Returns: whether a page is behind the one shown
 */
gboolean
mutual_page_stack_can_go_back (AdwLeaflet *leaflet)
{
  g_return_val_if_fail (ADW_IS_LEAFLET (leaflet), FALSE);

  return adw_leaflet_get_adjacent_child (leaflet, ADW_NAVIGATION_DIRECTION_BACK) != NULL;
}

/**
 * mutual_page_stack_settle:
 *
 * Removes the pages the user went back from, unless one is still sliding out.
 */
void
mutual_page_stack_settle (AdwLeaflet *leaflet)
{
  g_return_if_fail (ADW_IS_LEAFLET (leaflet));

  if (!adw_leaflet_get_child_transition_running (leaflet))
    remove_pages_after_visible (leaflet);
}
