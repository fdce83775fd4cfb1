/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "mutual-chain-group.h"

/* A verified chain as a preferences group: whether it is trusted, the problems of the
 * chain as a whole in its description, then one row per link, leaf first, each with its
 * own problems. Activating a link emits MutualChainGroup::show-certificate, so that the
 * view the group is in opens the certificate on a page of its own. */

struct _MutualChainGroup
{
  AdwPreferencesGroup parent_instance;

  MutualChain *chain;
};

G_DEFINE_FINAL_TYPE (MutualChainGroup, mutual_chain_group, ADW_TYPE_PREFERENCES_GROUP)

enum {
  SIGNAL_SHOW_CERTIFICATE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/**
 * mutual_chain_group_get_purpose:
 *
 * Mutual is for client certificates, so chains are checked for that use, except the
 * chains of CA certificates given on their own. Safe to call from any thread.
 *
 * Returns: the purpose @chain is verified for
 */
MutualPurpose
mutual_chain_group_get_purpose (MutualChain *chain)
{
  MutualCertificate *leaf;

  g_return_val_if_fail (MUTUAL_IS_CHAIN (chain), MUTUAL_PURPOSE_ANY);

  leaf = g_ptr_array_index (mutual_chain_get_links (chain), 0);
  return mutual_certificate_is_ca (leaf) ? MUTUAL_PURPOSE_ANY : MUTUAL_PURPOSE_TLS_CLIENT;
}

MutualChain *
mutual_chain_group_get_chain (MutualChainGroup *self)
{
  g_return_val_if_fail (MUTUAL_IS_CHAIN_GROUP (self), NULL);

  return self->chain;
}

static GtkWidget *
new_badge (const char *text,
           const char *style_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (label, "validity-badge");
  gtk_widget_add_css_class (label, style_class);

  return label;
}

static const char *
link_role (MutualCertificate *certificate,
           gboolean           top)
{
  if (!mutual_certificate_is_ca (certificate))
    return mutual_certificate_is_self_issued (certificate) ? _("Self-signed certificate")
                                                          : _("Certificate");
  if (top && mutual_certificate_is_self_issued (certificate))
    return _("Root certificate authority");
  return _("Intermediate certificate authority");
}

static void
link_row_activated_cb (MutualChainGroup *self,
                       AdwActionRow     *row)
{
  MutualCertificate *certificate = g_object_get_data (G_OBJECT (row), "mutual-certificate");

  g_signal_emit (self, signals[SIGNAL_SHOW_CERTIFICATE], 0, certificate);
}

static GtkWidget *
new_status_icon (const char *icon_name,
                 const char *style_class,
                 const char *label)
{
  GtkWidget *icon = gtk_image_new_from_icon_name (icon_name);

  gtk_widget_add_css_class (icon, style_class);
  gtk_widget_set_valign (icon, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);

  return icon;
}

static GtkWidget *
new_link_row (MutualChainGroup  *self,
              MutualCertificate *certificate,
              int                link,
              const char        *role)
{
  g_autoptr(GPtrArray) problems = mutual_chain_get_link_problems (self->chain, link);
  g_autoptr(GString) subtitle = g_string_new (role);
  gboolean errors = FALSE;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *arrow;

  for (guint p = 0; p < problems->len; p++)
    {
      MutualProblem *problem = g_ptr_array_index (problems, p);

      errors |= mutual_problem_get_severity (problem) == MUTUAL_SEVERITY_ERROR;
      g_string_append_c (subtitle, '\n');
      g_string_append (subtitle, mutual_problem_get_message (problem));
    }

  /* Certificate text is not Pango markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 mutual_certificate_get_subject_name (certificate));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  g_object_set_data_full (G_OBJECT (row), "mutual-certificate", g_object_ref (certificate),
                          g_object_unref);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_signal_connect_object (row, "activated", G_CALLBACK (link_row_activated_cb), self,
                           G_CONNECT_SWAPPED);

  if (errors)
    adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                               new_status_icon ("dialog-error-symbolic", "error", _("Error")));
  else if (problems->len > 0)
    adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                               new_status_icon ("dialog-warning-symbolic", "warning", _("Warning")));
  else
    adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                               new_status_icon ("emblem-ok-symbolic", "success", _("No problems")));

  arrow = gtk_image_new_from_icon_name ("go-next-symbolic");
  gtk_accessible_update_property (GTK_ACCESSIBLE (arrow), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Show certificate"), -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), arrow);

  return row;
}

/**
 * mutual_chain_group_new:
 * @chain: a chain that mutual_chain_verify() has checked
 * @title: (nullable): the group's title, "Chain" by default
 * @trust_error: (nullable): why the system's trusted CAs could not be read, if they
 *   could not
 */
GtkWidget *
mutual_chain_group_new (MutualChain *chain,
                        const char  *title,
                        const char  *trust_error)
{
  MutualChainGroup *self;
  GPtrArray *links;
  MutualCertificate *anchor;
  g_autoptr(GPtrArray) chain_problems = NULL;
  g_autoptr(GString) description = g_string_new (NULL);
  g_autofree char *escaped = NULL;

  g_return_val_if_fail (MUTUAL_IS_CHAIN (chain), NULL);

  self = g_object_new (MUTUAL_TYPE_CHAIN_GROUP, NULL);
  self->chain = g_object_ref (chain);
  links = mutual_chain_get_links (chain);
  anchor = mutual_chain_get_anchor (chain);
  chain_problems = mutual_chain_get_link_problems (chain, -1);

  /* Group titles and descriptions are Pango markup; names in certificates are not. */
  escaped = g_markup_escape_text (title ? title : _("Chain"), -1);
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), escaped);
  g_clear_pointer (&escaped, g_free);

  if (mutual_chain_group_get_purpose (chain) == MUTUAL_PURPOSE_TLS_CLIENT)
    g_string_append (description, _("Checked for use as a TLS client certificate."));
  else
    g_string_append (description, _("Checked as a certificate authority."));
  if (trust_error != NULL)
    {
      g_string_append_c (description, ' ');
      /* Translators: %s is an error message. */
      g_string_append_printf (description, _("The certificate authorities this computer trusts "
                                             "could not be read: %s"), trust_error);
    }
  for (guint p = 0; p < chain_problems->len; p++)
    {
      MutualProblem *problem = g_ptr_array_index (chain_problems, p);

      g_string_append_c (description, '\n');
      g_string_append (description, mutual_problem_get_message (problem));
    }
  escaped = g_markup_escape_text (description->str, -1);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self), escaped);

  if (!mutual_chain_get_verified (chain))
    adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (self),
                                             new_badge (_("Not Verified"), "warning"));
  else if (mutual_chain_get_trusted (chain))
    adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (self),
                                             new_badge (_("Trusted"), "success"));
  else
    adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (self),
                                             new_badge (_("Not Trusted"), "error"));

  for (guint i = 0; i < links->len; i++)
    {
      MutualCertificate *certificate = g_ptr_array_index (links, i);

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self),
                                 new_link_row (self, certificate, i,
                                               link_role (certificate, i + 1 == links->len)));
    }
  if (anchor != NULL)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (self),
                               new_link_row (self, anchor, links->len,
                                             _("Trusted by this computer")));

  return GTK_WIDGET (self);
}

static void
mutual_chain_group_finalize (GObject *object)
{
  MutualChainGroup *self = MUTUAL_CHAIN_GROUP (object);

  g_clear_object (&self->chain);

  G_OBJECT_CLASS (mutual_chain_group_parent_class)->finalize (object);
}

static void
mutual_chain_group_class_init (MutualChainGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mutual_chain_group_finalize;

  /**
   * MutualChainGroup::show-certificate:
   * @certificate: the certificate of the link the user activated
   */
  signals[SIGNAL_SHOW_CERTIFICATE] =
    g_signal_new ("show-certificate",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, MUTUAL_TYPE_CERTIFICATE);
}

static void
mutual_chain_group_init (MutualChainGroup *self)
{
}
