/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "mutual-certificate-view.h"
#include "mutual-chain-group.h"
#include "mutual-inspect-view.h"
#include "mutual-page-stack.h"
#include "mutual-section-group.h"

/* Everything one input held: its certificates, private keys (and which certificate each
 * belongs to), certificate requests, the importer's notes, and the chains its
 * certificates make, verified against the system's trusted CAs.
 *
 * Certificates open as pages of a leaflet used as a navigation stack. Verification loads
 * the system's trust store, so it runs in a worker thread on the certificates, which
 * are immutable. */

struct _MutualInspectView
{
  AdwBin parent_instance;

  MutualBundle *bundle;
  GFile *file;
  GCancellable *cancellable;
  /* The state badges of the certificate rows, each with its certificate as data. */
  GPtrArray *state_labels;
  gboolean can_go_back;
  gboolean verifying;

  /* Template children */
  AdwLeaflet *leaflet;
  GtkWidget *overview;
  GtkLabel *source_label;
  GtkLabel *description_label;
  AdwPreferencesGroup *certificates_group;
  AdwPreferencesGroup *keys_group;
  GtkBox *chains_box;
  AdwPreferencesGroup *verifying_group;
  GtkBox *requests_box;
  AdwPreferencesGroup *notes_group;
};

G_DEFINE_FINAL_TYPE (MutualInspectView, mutual_inspect_view, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_BUNDLE,
  PROP_FILE,
  PROP_CAN_GO_BACK,
  PROP_VERIFYING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * mutual_inspect_view_new:
 * @file: (nullable): the file @bundle was read from, if any
 */
GtkWidget *
mutual_inspect_view_new (MutualBundle *bundle,
                         GFile        *file)
{
  g_return_val_if_fail (MUTUAL_IS_BUNDLE (bundle), NULL);
  g_return_val_if_fail (file == NULL || G_IS_FILE (file), NULL);

  return g_object_new (MUTUAL_TYPE_INSPECT_VIEW, "bundle", bundle, "file", file, NULL);
}

MutualBundle *
mutual_inspect_view_get_bundle (MutualInspectView *self)
{
  g_return_val_if_fail (MUTUAL_IS_INSPECT_VIEW (self), NULL);

  return self->bundle;
}

/**
 * mutual_inspect_view_get_file:
 *
 * Returns: (nullable) (transfer none): the file shown, or %NULL for pasted or dropped
 *   text
 */
GFile *
mutual_inspect_view_get_file (MutualInspectView *self)
{
  g_return_val_if_fail (MUTUAL_IS_INSPECT_VIEW (self), NULL);

  return self->file;
}

/**
 * mutual_inspect_view_get_can_go_back:
 *
 * Returns: whether a certificate is shown, with the page it was opened from behind it
 */
gboolean
mutual_inspect_view_get_can_go_back (MutualInspectView *self)
{
  g_return_val_if_fail (MUTUAL_IS_INSPECT_VIEW (self), FALSE);

  return self->can_go_back;
}

void
mutual_inspect_view_go_back (MutualInspectView *self)
{
  g_return_if_fail (MUTUAL_IS_INSPECT_VIEW (self));

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/**
 * mutual_inspect_view_get_visible_page:
 *
 * Returns: (transfer none): the page shown: the overview of the input, or a
 *   #MutualCertificateView
 */
GtkWidget *
mutual_inspect_view_get_visible_page (MutualInspectView *self)
{
  g_return_val_if_fail (MUTUAL_IS_INSPECT_VIEW (self), NULL);

  return adw_leaflet_get_visible_child (self->leaflet);
}

/**
 * mutual_inspect_view_get_verifying:
 *
 * Returns: whether the chains are still being verified
 */
gboolean
mutual_inspect_view_get_verifying (MutualInspectView *self)
{
  g_return_val_if_fail (MUTUAL_IS_INSPECT_VIEW (self), FALSE);

  return self->verifying;
}

/* Navigation */

/**
 * mutual_inspect_view_show_certificate:
 *
 * Opens @certificate on a page of its own, in front of the page shown now.
 */
void
mutual_inspect_view_show_certificate (MutualInspectView *self,
                                      MutualCertificate *certificate)
{
  g_return_if_fail (MUTUAL_IS_INSPECT_VIEW (self));
  g_return_if_fail (MUTUAL_IS_CERTIFICATE (certificate));

  mutual_page_stack_push (self->leaflet, mutual_certificate_view_new (certificate));
}

static void
visible_child_changed_cb (MutualInspectView *self,
                          GParamSpec        *pspec,
                          AdwLeaflet        *leaflet)
{
  gboolean can_go_back = mutual_page_stack_can_go_back (self->leaflet);

  if (can_go_back != self->can_go_back)
    {
      self->can_go_back = can_go_back;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_GO_BACK]);
    }
  mutual_page_stack_settle (self->leaflet);
}

static void
transition_running_changed_cb (MutualInspectView *self,
                               GParamSpec        *pspec,
                               AdwLeaflet        *leaflet)
{
  mutual_page_stack_settle (self->leaflet);
}

/* Certificates, keys, requests, notes */

static GtkWidget *
new_row (const char *title,
         const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  /* Certificate text is not Pango markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);

  return row;
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

static void
certificate_row_activated_cb (AdwActionRow *row,
                              gpointer      user_data)
{
  MutualInspectView *self = user_data;
  MutualCertificate *certificate = g_object_get_data (G_OBJECT (row), "mutual-certificate");

  mutual_inspect_view_show_certificate (self, certificate);
}

/* A row that opens @certificate when activated. */
static GtkWidget *
new_certificate_row (MutualInspectView *self,
                     MutualCertificate *certificate,
                     const char        *subtitle)
{
  GtkWidget *row = new_row (mutual_certificate_get_subject_name (certificate), subtitle);

  g_object_set_data_full (G_OBJECT (row), "mutual-certificate", g_object_ref (certificate),
                          g_object_unref);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_signal_connect_object (row, "activated", G_CALLBACK (certificate_row_activated_cb), self, 0);

  return row;
}

static void
add_go_next (GtkWidget *row)
{
  GtkWidget *arrow = gtk_image_new_from_icon_name ("go-next-symbolic");

  gtk_accessible_update_property (GTK_ACCESSIBLE (arrow),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Show certificate"),
                                  -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), arrow);
}

static void
refresh_states (MutualInspectView *self)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  for (guint i = 0; i < self->state_labels->len; i++)
    {
      GtkWidget *label = g_ptr_array_index (self->state_labels, i);
      MutualCertificate *certificate = g_object_get_data (G_OBJECT (label), "mutual-certificate");
      const MutualValidity *validity = mutual_certificate_get_validity (certificate);
      MutualValidityState state = mutual_validity_get_state (validity, now);
      const char *style_class = mutual_certificate_view_get_state_style_class (state);

      gtk_label_set_text (GTK_LABEL (label), mutual_validity_state_get_label (state));
      gtk_widget_set_css_classes (label, (const char *[]) { "validity-badge", style_class, NULL });
    }
}

static void
overview_mapped_cb (MutualInspectView *self,
                    GtkWidget         *overview)
{
  /* The badges say where each certificate stands now, not when the file was opened. */
  refresh_states (self);
}

static void
add_certificates (MutualInspectView *self)
{
  GPtrArray *certificates = mutual_bundle_get_certificates (self->bundle);

  for (guint i = 0; i < certificates->len; i++)
    {
      MutualCertificate *certificate = g_ptr_array_index (certificates, i);
      g_autofree char *issued_by = NULL;
      GtkWidget *row;
      GtkWidget *badge;

      if (mutual_certificate_is_self_issued (certificate))
        issued_by = g_strdup (_("Self-signed"));
      else
        /* Translators: %s is the name of a certificate authority. */
        issued_by = g_strdup_printf (_("Issued by %s"),
                                     mutual_certificate_get_issuer_name (certificate));

      row = new_certificate_row (self, certificate, issued_by);
      adw_action_row_set_icon_name (ADW_ACTION_ROW (row), "application-certificate-symbolic");
      badge = new_badge ("", "success");
      g_object_set_data_full (G_OBJECT (badge), "mutual-certificate", g_object_ref (certificate),
                              g_object_unref);
      g_ptr_array_add (self->state_labels, badge);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);
      add_go_next (row);
      adw_preferences_group_add (self->certificates_group, row);
    }

  refresh_states (self);
  gtk_widget_set_visible (GTK_WIDGET (self->certificates_group), certificates->len > 0);
}

static void
add_keys (MutualInspectView *self)
{
  GPtrArray *certificates = mutual_bundle_get_certificates (self->bundle);
  GPtrArray *keys = mutual_bundle_get_keys (self->bundle);

  for (guint i = 0; i < keys->len; i++)
    {
      MutualPrivateKey *key = g_ptr_array_index (keys, i);
      g_autoptr(GString) subtitle = g_string_new (mutual_private_key_get_format (key));
      g_autoptr(GString) owners = g_string_new (NULL);
      GtkWidget *row;

      for (guint c = 0; c < certificates->len; c++)
        {
          MutualCertificate *certificate = g_ptr_array_index (certificates, c);

          if (!mutual_private_key_matches (key, certificate))
            continue;
          if (owners->len > 0)
            g_string_append (owners, ", ");
          g_string_append (owners, mutual_certificate_get_subject_name (certificate));
        }

      g_string_append_c (subtitle, '\n');
      if (owners->len > 0)
        /* Translators: %s is the name of one or more certificates. */
        g_string_append_printf (subtitle, _("Belongs to %s"), owners->str);
      else if (certificates->len > 0)
        g_string_append (subtitle, _("Belongs to none of the certificates in this input"));
      else
        g_string_append (subtitle, _("No certificate in this input to match it with"));

      row = new_row (mutual_private_key_get_key_type (key), subtitle->str);
      adw_action_row_set_icon_name (ADW_ACTION_ROW (row), "dialog-password-symbolic");
      if (owners->len == 0 && certificates->len > 0)
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), new_badge (_("No match"), "warning"));
      adw_preferences_group_add (self->keys_group, row);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->keys_group), keys->len > 0);
}

static void
add_requests (MutualInspectView *self)
{
  GPtrArray *requests = mutual_bundle_get_requests (self->bundle);

  for (guint i = 0; i < requests->len; i++)
    {
      MutualRequest *request = g_ptr_array_index (requests, i);
      g_autoptr(GPtrArray) sections = mutual_request_get_sections (request);

      for (guint s = 0; s < sections->len; s++)
        {
          MutualSection *section = g_ptr_array_index (sections, s);
          g_autofree char *title = NULL;

          /* The first section of each request is titled with the request's name, so
           * that several requests stay apart. */
          if (mutual_section_get_kind (section) == MUTUAL_SECTION_SUMMARY)
            /* Translators: %s is the name a certificate request asks a certificate for. */
            title = g_strdup_printf (_("Certificate Request for %s"),
                                     mutual_request_get_subject_name (request));
          gtk_box_append (self->requests_box, mutual_section_group_new (section, title));
        }
    }

  gtk_widget_set_visible (GTK_WIDGET (self->requests_box), requests->len > 0);
}

static void
add_notes (MutualInspectView *self)
{
  const char * const *notes = mutual_bundle_get_notes (self->bundle);
  guint n = 0;

  for (; notes[n] != NULL; n++)
    {
      GtkWidget *row = new_row (notes[n], NULL);

      adw_action_row_set_icon_name (ADW_ACTION_ROW (row), "dialog-information-symbolic");
      adw_preferences_group_add (self->notes_group, row);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->notes_group), n > 0);
}

/* Chains */

typedef struct
{
  GPtrArray *chains;
  char *trust_error;
} Verification;

static void
verification_free (Verification *verification)
{
  g_clear_pointer (&verification->chains, g_ptr_array_unref);
  g_clear_pointer (&verification->trust_error, g_free);
  g_free (verification);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Verification, verification_free)

static void
verify_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GPtrArray *certificates = task_data;
  g_autoptr(Verification) verification = g_new0 (Verification, 1);
  g_autoptr(MutualTrust) trust = mutual_trust_new ();
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (!mutual_trust_add_system (trust, &error))
    {
      g_debug ("Cannot load the system's trusted CAs: %s", error->message);
      verification->trust_error = g_strdup (error->message);
      g_clear_object (&trust);
    }

  verification->chains = mutual_chain_build_all (certificates);
  for (guint i = 0; i < verification->chains->len; i++)
    {
      MutualChain *chain = g_ptr_array_index (verification->chains, i);

      if (g_cancellable_is_cancelled (cancellable))
        break;
      mutual_chain_verify (chain, trust, mutual_chain_group_get_purpose (chain), now);
    }

  if (!g_task_return_error_if_cancelled (task))
    g_task_return_pointer (task, g_steal_pointer (&verification),
                           (GDestroyNotify) verification_free);
}

static void
show_certificate_cb (MutualInspectView *self,
                     MutualCertificate *certificate,
                     MutualChainGroup  *group)
{
  mutual_inspect_view_show_certificate (self, certificate);
}

static GtkWidget *
new_chain_group (MutualInspectView *self,
                 MutualChain       *chain,
                 guint              n_chains,
                 const char        *trust_error)
{
  MutualCertificate *leaf = g_ptr_array_index (mutual_chain_get_links (chain), 0);
  g_autofree char *title = NULL;
  GtkWidget *group;

  if (n_chains > 1)
    /* Translators: the title of a certificate chain; %s is the name of its first certificate. */
    title = g_strdup_printf (_("Chain of %s"), mutual_certificate_get_subject_name (leaf));
  group = mutual_chain_group_new (chain, title, trust_error);
  g_signal_connect_object (group, "show-certificate", G_CALLBACK (show_certificate_cb), self,
                           G_CONNECT_SWAPPED);

  return group;
}

static void
set_verifying (MutualInspectView *self,
               gboolean           verifying)
{
  if (self->verifying == verifying)
    return;

  self->verifying = verifying;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERIFYING]);
}

static void
verify_cb (GObject      *source_object,
           GAsyncResult *result,
           gpointer      user_data)
{
  MutualInspectView *self = MUTUAL_INSPECT_VIEW (source_object);
  g_autoptr(Verification) verification = NULL;
  g_autoptr(GError) error = NULL;

  verification = g_task_propagate_pointer (G_TASK (result), &error);
  if (verification == NULL)
    {
      /* Cancelled: the view is going away. */
      return;
    }

  gtk_box_remove (self->chains_box, GTK_WIDGET (self->verifying_group));
  self->verifying_group = NULL;
  for (guint i = 0; i < verification->chains->len; i++)
    gtk_box_append (self->chains_box,
                    new_chain_group (self, g_ptr_array_index (verification->chains, i),
                                     verification->chains->len, verification->trust_error));

  set_verifying (self, FALSE);
}

static void
start_verification (MutualInspectView *self)
{
  GPtrArray *certificates = mutual_bundle_get_certificates (self->bundle);
  g_autoptr(GTask) task = NULL;
  GPtrArray *references;

  if (certificates->len == 0)
    return;

  gtk_widget_set_visible (GTK_WIDGET (self->chains_box), TRUE);
  set_verifying (self, TRUE);

  task = g_task_new (self, self->cancellable, verify_cb, NULL);
  g_task_set_source_tag (task, start_verification);
  g_task_set_name (task, "[mutual] verify chains");
  /* The worker gets its own array of references: the certificates are immutable, the
   * bundle's array is not the worker's to touch. */
  references = g_ptr_array_new_full (certificates->len, g_object_unref);
  for (guint i = 0; i < certificates->len; i++)
    g_ptr_array_add (references, g_object_ref (g_ptr_array_index (certificates, i)));
  g_task_set_task_data (task, references, (GDestroyNotify) g_ptr_array_unref);
  g_task_run_in_thread (task, verify_thread);
}

/* GObject */

static void
mutual_inspect_view_constructed (GObject *object)
{
  MutualInspectView *self = MUTUAL_INSPECT_VIEW (object);
  GPtrArray *certificates;
  g_autofree char *description = NULL;

  G_OBJECT_CLASS (mutual_inspect_view_parent_class)->constructed (object);

  g_return_if_fail (self->bundle != NULL);

  description = mutual_bundle_describe (self->bundle);
  gtk_label_set_text (self->source_label, mutual_bundle_get_source (self->bundle));
  gtk_label_set_text (self->description_label, description);

  add_certificates (self);
  add_keys (self);
  add_requests (self);
  add_notes (self);
  start_verification (self);

  /* With a single certificate, the certificate is what the user wants to see; the
   * overview, with its chain, stays one step back. */
  certificates = mutual_bundle_get_certificates (self->bundle);
  if (certificates->len == 1)
    mutual_inspect_view_show_certificate (self, g_ptr_array_index (certificates, 0));
}

static void
mutual_inspect_view_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  MutualInspectView *self = MUTUAL_INSPECT_VIEW (object);

  switch (prop_id)
    {
    case PROP_BUNDLE:
      g_value_set_object (value, self->bundle);
      break;

    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;

    case PROP_CAN_GO_BACK:
      g_value_set_boolean (value, self->can_go_back);
      break;

    case PROP_VERIFYING:
      g_value_set_boolean (value, self->verifying);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mutual_inspect_view_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  MutualInspectView *self = MUTUAL_INSPECT_VIEW (object);

  switch (prop_id)
    {
    case PROP_BUNDLE:
      self->bundle = g_value_dup_object (value);
      break;

    case PROP_FILE:
      self->file = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mutual_inspect_view_dispose (GObject *object)
{
  MutualInspectView *self = MUTUAL_INSPECT_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  g_ptr_array_set_size (self->state_labels, 0);
  /* The leaflet's pages going away is no navigation to report. */
  if (self->leaflet != NULL)
    g_signal_handlers_disconnect_by_data (self->leaflet, self);
  /* The bin lets go of its child first: gtk_widget_dispose_template() would unparent a
   * template child behind AdwBin's back. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), MUTUAL_TYPE_INSPECT_VIEW);

  G_OBJECT_CLASS (mutual_inspect_view_parent_class)->dispose (object);
}

static void
mutual_inspect_view_finalize (GObject *object)
{
  MutualInspectView *self = MUTUAL_INSPECT_VIEW (object);

  g_clear_object (&self->bundle);
  g_clear_object (&self->file);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->state_labels, g_ptr_array_unref);

  G_OBJECT_CLASS (mutual_inspect_view_parent_class)->finalize (object);
}

static void
mutual_inspect_view_class_init (MutualInspectViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = mutual_inspect_view_constructed;
  object_class->dispose = mutual_inspect_view_dispose;
  object_class->finalize = mutual_inspect_view_finalize;
  object_class->get_property = mutual_inspect_view_get_property;
  object_class->set_property = mutual_inspect_view_set_property;

  properties[PROP_BUNDLE] =
    g_param_spec_object ("bundle", NULL, NULL,
                         MUTUAL_TYPE_BUNDLE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL,
                         G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_GO_BACK] =
    g_param_spec_boolean ("can-go-back", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_VERIFYING] =
    g_param_spec_boolean ("verifying", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE_PATH "/mutual-inspect-view.ui");
  gtk_widget_class_bind_template_child (widget_class, MutualInspectView, leaflet);
  gtk_widget_class_bind_template_child (widget_class, MutualInspectView, overview);
  gtk_widget_class_bind_template_child (widget_class, MutualInspectView, source_label);
  gtk_widget_class_bind_template_child (widget_class, MutualInspectView, description_label);
  gtk_widget_class_bind_template_child (widget_class, MutualInspectView, certificates_group);
  gtk_widget_class_bind_template_child (widget_class, MutualInspectView, keys_group);
  gtk_widget_class_bind_template_child (widget_class, MutualInspectView, chains_box);
  gtk_widget_class_bind_template_child (widget_class, MutualInspectView, verifying_group);
  gtk_widget_class_bind_template_child (widget_class, MutualInspectView, requests_box);
  gtk_widget_class_bind_template_child (widget_class, MutualInspectView, notes_group);
  gtk_widget_class_bind_template_callback (widget_class, visible_child_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, transition_running_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, overview_mapped_cb);
}

static void
mutual_inspect_view_init (MutualInspectView *self)
{
  self->cancellable = g_cancellable_new ();
  /* The rows own the labels; this array only points at them. */
  self->state_labels = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}
