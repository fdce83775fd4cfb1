/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "mutual-certificate-view.h"
#include "mutual-chain-group.h"
#include "mutual-countdown.h"
#include "mutual-identity-view.h"
#include "mutual-page-stack.h"
#include "mutual-renewal-card.h"
#include "mutual-section-group.h"

/* A stored identity: a status header with a live countdown, what the keyring holds for
 * it, its chain verified against the system's trusted CAs, and every section of its
 * certificate. The chain's links open as pages of a leaflet used as a navigation stack,
 * as in the Inspect view.
 *
 * The header and the identity group come from the keyring attributes and show at once.
 * The certificates are then read with mutual_identity_store_load_certificates_async(),
 * which never reads the private key: showing an identity works with the certificate
 * alone. If reading fails (a locked keyring), the page says why and offers to try
 * again; the header stays. */

#define HOUR ((gint64) 3600)

struct _MutualIdentityView
{
  AdwBin parent_instance;

  MutualIdentityStore *store;
  MutualIdentity *identity;
  /* Cancels reading and verifying the certificates, when the view goes or reads them
   * again. */
  GCancellable *load_cancellable;
  MutualCountdown *countdown;

  /* Leaf first, once loaded. */
  GPtrArray *certificates;
  GError *error;
  /* The groups in sections_box, one per section of the leaf certificate. */
  GPtrArray *section_groups;
  gboolean loading;
  gboolean verifying;
  gboolean can_go_back;

  /* Template children */
  AdwLeaflet *leaflet;
  GtkLabel *title_label;
  GtkLabel *subject_label;
  GtkLabel *issuer_label;
  GtkLabel *state_label;
  GtkLabel *countdown_label;
  GtkLevelBar *lifetime_bar;
  GtkLabel *not_before_label;
  GtkLabel *not_after_label;
  AdwBin *identity_bin;
  AdwBin *renewal_bin;
  AdwPreferencesGroup *load_group;
  GtkSpinner *load_spinner;
  GtkWidget *retry_button;
  GtkBox *chain_box;
  GtkBox *sections_box;
};

G_DEFINE_FINAL_TYPE (MutualIdentityView, mutual_identity_view, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STORE,
  PROP_IDENTITY,
  PROP_LOADING,
  PROP_VERIFYING,
  PROP_CAN_GO_BACK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void start_loading (MutualIdentityView *self);

/**
 * mutual_identity_view_new:
 * @store: the store @identity is in, to read its certificates from
 */
GtkWidget *
mutual_identity_view_new (MutualIdentityStore *store,
                          MutualIdentity      *identity)
{
  g_return_val_if_fail (MUTUAL_IS_IDENTITY_STORE (store), NULL);
  g_return_val_if_fail (MUTUAL_IS_IDENTITY (identity), NULL);

  return g_object_new (MUTUAL_TYPE_IDENTITY_VIEW, "store", store, "identity", identity, NULL);
}

MutualIdentity *
mutual_identity_view_get_identity (MutualIdentityView *self)
{
  g_return_val_if_fail (MUTUAL_IS_IDENTITY_VIEW (self), NULL);

  return self->identity;
}

/**
 * mutual_identity_view_get_certificates:
 *
 * Returns: (nullable) (transfer none) (element-type MutualCertificate): the certificate
 *   and its chain, leaf first, or %NULL until they are read
 */
GPtrArray *
mutual_identity_view_get_certificates (MutualIdentityView *self)
{
  g_return_val_if_fail (MUTUAL_IS_IDENTITY_VIEW (self), NULL);

  return self->certificates;
}

/**
 * mutual_identity_view_get_error:
 *
 * Returns: (nullable) (transfer none): why the certificates could not be read, if they
 *   could not
 */
const GError *
mutual_identity_view_get_error (MutualIdentityView *self)
{
  g_return_val_if_fail (MUTUAL_IS_IDENTITY_VIEW (self), NULL);

  return self->error;
}

gboolean
mutual_identity_view_get_loading (MutualIdentityView *self)
{
  g_return_val_if_fail (MUTUAL_IS_IDENTITY_VIEW (self), FALSE);

  return self->loading;
}

gboolean
mutual_identity_view_get_verifying (MutualIdentityView *self)
{
  g_return_val_if_fail (MUTUAL_IS_IDENTITY_VIEW (self), FALSE);

  return self->verifying;
}

gboolean
mutual_identity_view_get_can_go_back (MutualIdentityView *self)
{
  g_return_val_if_fail (MUTUAL_IS_IDENTITY_VIEW (self), FALSE);

  return self->can_go_back;
}

void
mutual_identity_view_go_back (MutualIdentityView *self)
{
  g_return_if_fail (MUTUAL_IS_IDENTITY_VIEW (self));

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/**
 * mutual_identity_view_get_visible_page:
 *
 * Returns: (transfer none): the page shown: the identity, or a #MutualCertificateView
 */
GtkWidget *
mutual_identity_view_get_visible_page (MutualIdentityView *self)
{
  g_return_val_if_fail (MUTUAL_IS_IDENTITY_VIEW (self), NULL);

  return adw_leaflet_get_visible_child (self->leaflet);
}

static void
set_flag (MutualIdentityView *self,
          gboolean           *flag,
          gboolean            value,
          int                 prop_id)
{
  if (*flag == value)
    return;

  *flag = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

/* Navigation */

/**
 * mutual_identity_view_show_certificate:
 *
 * Opens @certificate on a page of its own, in front of the page shown now.
 */
void
mutual_identity_view_show_certificate (MutualIdentityView *self,
                                       MutualCertificate  *certificate)
{
  g_return_if_fail (MUTUAL_IS_IDENTITY_VIEW (self));
  g_return_if_fail (MUTUAL_IS_CERTIFICATE (certificate));

  mutual_page_stack_push (self->leaflet, mutual_certificate_view_new (certificate));
}

static void
visible_child_changed_cb (MutualIdentityView *self,
                          GParamSpec         *pspec,
                          AdwLeaflet         *leaflet)
{
  set_flag (self, &self->can_go_back, mutual_page_stack_can_go_back (self->leaflet),
            PROP_CAN_GO_BACK);
  mutual_page_stack_settle (self->leaflet);
}

static void
transition_running_changed_cb (MutualIdentityView *self,
                               GParamSpec         *pspec,
                               AdwLeaflet         *leaflet)
{
  mutual_page_stack_settle (self->leaflet);
}

/* The header and the certificate's sections, as they stand now */

static void
set_label_text (GtkLabel   *label,
                const char *text)
{
  /* Setting the same text would drop a selection the user made in it. */
  if (g_strcmp0 (gtk_label_get_text (label), text) != 0)
    gtk_label_set_text (label, text);
}

static void
set_state_style (GtkWidget           *widget,
                 MutualValidityState  state)
{
  static const char *const classes[] = { "success", "warning", "error" };
  const char *wanted = mutual_certificate_view_get_state_style_class (state);

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    {
      if (g_str_equal (classes[i], wanted))
        gtk_widget_add_css_class (widget, classes[i]);
      else
        gtk_widget_remove_css_class (widget, classes[i]);
    }
}

static void
clear_box (GtkBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);
}

static void
refresh_sections (MutualIdentityView *self,
                  gint64              now)
{
  g_autoptr(GPtrArray) sections = NULL;
  gboolean same;

  if (self->certificates == NULL)
    return;

  sections = mutual_certificate_get_sections (g_ptr_array_index (self->certificates, 0), now);
  same = sections->len == self->section_groups->len;
  for (guint i = 0; same && i < sections->len; i++)
    same = mutual_section_group_update (g_ptr_array_index (self->section_groups, i),
                                        g_ptr_array_index (sections, i));
  if (same)
    return;

  clear_box (self->sections_box);
  g_ptr_array_set_size (self->section_groups, 0);
  for (guint i = 0; i < sections->len; i++)
    {
      GtkWidget *group = mutual_section_group_new (g_ptr_array_index (sections, i), NULL);

      g_ptr_array_add (self->section_groups, group);
      gtk_box_append (self->sections_box, group);
    }
}

/* Shows the identity as it stands at @now, and returns when that next changes. */
static gint64
refresh (gpointer user_data,
         gint64   now)
{
  MutualIdentityView *self = user_data;
  const MutualValidity *validity = mutual_identity_get_validity (self->identity);
  MutualValidityState state = mutual_validity_get_state (validity, now);
  gint64 reference = now < validity->not_before ? validity->not_before : validity->not_after;
  /* Seconds are worth showing, and redrawing for, only in the last hour. */
  gboolean with_seconds = ABS (reference - now) < HOUR;
  g_autofree char *countdown = mutual_validity_describe (validity, now, with_seconds);

  set_label_text (self->state_label, mutual_validity_state_get_label (state));
  set_label_text (self->countdown_label, countdown);
  set_state_style (GTK_WIDGET (self->state_label), state);
  set_state_style (GTK_WIDGET (self->lifetime_bar), state);
  gtk_level_bar_set_value (self->lifetime_bar, mutual_validity_get_elapsed (validity, now));

  refresh_sections (self, now);

  return mutual_validity_get_next_change (validity, now, with_seconds);
}

/* The renewal card, for an identity enrolled with a CA. */
static void
show_renewal (MutualIdentityView *self)
{
  GtkWidget *card = adw_bin_get_child (self->renewal_bin);
  gboolean enrolled = mutual_identity_get_ca_profile (self->identity) != NULL;

  if (enrolled && card != NULL)
    mutual_renewal_card_set_identity (MUTUAL_RENEWAL_CARD (card), self->identity);
  else if (enrolled)
    adw_bin_set_child (self->renewal_bin, mutual_renewal_card_new (self->store, self->identity));
  else
    adw_bin_set_child (self->renewal_bin, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->renewal_bin), enrolled);
}

static void
show_identity (MutualIdentityView *self)
{
  const MutualValidity *validity = mutual_identity_get_validity (self->identity);
  const char *label = mutual_identity_get_label (self->identity);
  const char *subject = mutual_identity_get_subject (self->identity);
  g_autoptr(MutualSection) section = mutual_identity_get_section (self->identity);
  g_autofree char *issued_by = NULL;
  g_autofree char *not_before = mutual_format_time (validity->not_before);
  g_autofree char *not_after = mutual_format_time (validity->not_after);
  g_autofree char *from = NULL;
  g_autofree char *until = NULL;
  GtkWidget *group;

  /* Translators: %s is the name of a certificate authority. */
  issued_by = g_strdup_printf (_("Issued by %s"), mutual_identity_get_issuer (self->identity));
  /* Translators: %s is a date and time, under the left end of the lifetime bar. */
  from = g_strdup_printf (_("From %s"), not_before);
  /* Translators: %s is a date and time, under the right end of the lifetime bar. */
  until = g_strdup_printf (_("Until %s"), not_after);

  set_label_text (self->title_label, label);
  /* The label is the subject unless the user chose another one. */
  set_label_text (self->subject_label, subject);
  gtk_widget_set_visible (GTK_WIDGET (self->subject_label), !g_str_equal (label, subject));
  set_label_text (self->issuer_label, issued_by);
  set_label_text (self->not_before_label, from);
  set_label_text (self->not_after_label, until);

  group = adw_bin_get_child (self->identity_bin);
  if (group == NULL || !mutual_section_group_update (MUTUAL_SECTION_GROUP (group), section))
    adw_bin_set_child (self->identity_bin, mutual_section_group_new (section, NULL));

  show_renewal (self);
}

/* Verifying the chain against the system's trusted CAs, which are loaded from disk */

typedef struct
{
  MutualChain *chain;
  char *trust_error;
} Verification;

static void
verification_free (Verification *verification)
{
  g_clear_object (&verification->chain);
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

  if (!mutual_trust_add_system (trust, &error))
    {
      g_debug ("Cannot load the system's trusted CAs: %s", error->message);
      verification->trust_error = g_strdup (error->message);
      g_clear_object (&trust);
    }

  verification->chain = mutual_chain_new_for_leaf (g_ptr_array_index (certificates, 0), certificates);
  mutual_chain_verify (verification->chain, trust,
                       mutual_chain_group_get_purpose (verification->chain),
                       g_get_real_time () / G_USEC_PER_SEC);

  if (!g_task_return_error_if_cancelled (task))
    g_task_return_pointer (task, g_steal_pointer (&verification),
                           (GDestroyNotify) verification_free);
}

static void
show_certificate_cb (MutualIdentityView *self,
                     MutualCertificate  *certificate,
                     MutualChainGroup   *group)
{
  mutual_identity_view_show_certificate (self, certificate);
}

static void
verify_cb (GObject      *source_object,
           GAsyncResult *result,
           gpointer      user_data)
{
  MutualIdentityView *self = MUTUAL_IDENTITY_VIEW (source_object);
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (result));
  g_autoptr(Verification) verification = NULL;
  GtkWidget *group;

  verification = g_task_propagate_pointer (G_TASK (result), NULL);
  /* Cancelled: the view is going away, or shows another certificate now. */
  if (verification == NULL || g_cancellable_is_cancelled (cancellable))
    return;

  clear_box (self->chain_box);
  group = mutual_chain_group_new (verification->chain, NULL, verification->trust_error);
  g_signal_connect_object (group, "show-certificate", G_CALLBACK (show_certificate_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_box_append (self->chain_box, group);
  set_flag (self, &self->verifying, FALSE, PROP_VERIFYING);
}

static GtkWidget *
new_verifying_group (void)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *spinner = gtk_spinner_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Chain"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Checking against the certificate authorities this "
                                           "computer trusts…"));
  gtk_spinner_start (GTK_SPINNER (spinner));
  gtk_widget_set_valign (spinner, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spinner), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Checking"), -1);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), spinner);

  return group;
}

static void
start_verification (MutualIdentityView *self)
{
  g_autoptr(GTask) task = NULL;
  GPtrArray *references;

  clear_box (self->chain_box);
  gtk_box_append (self->chain_box, new_verifying_group ());
  set_flag (self, &self->verifying, TRUE, PROP_VERIFYING);

  task = g_task_new (self, self->load_cancellable, verify_cb, NULL);
  g_task_set_source_tag (task, start_verification);
  g_task_set_name (task, "[mutual] verify identity chain");
  /* The worker gets its own array of references to the immutable certificates. */
  references = g_ptr_array_new_full (self->certificates->len, g_object_unref);
  for (guint i = 0; i < self->certificates->len; i++)
    g_ptr_array_add (references, g_object_ref (g_ptr_array_index (self->certificates, i)));
  g_task_set_task_data (task, references, (GDestroyNotify) g_ptr_array_unref);
  g_task_run_in_thread (task, verify_thread);
}

/* Reading the certificates from the keyring */

static void
show_load_state (MutualIdentityView *self)
{
  g_autofree char *description = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->load_group), self->certificates == NULL);
  gtk_spinner_set_spinning (self->load_spinner, self->loading);
  gtk_widget_set_visible (GTK_WIDGET (self->load_spinner), self->loading);
  gtk_widget_set_visible (self->retry_button, !self->loading && self->error != NULL);

  if (self->loading)
    description = g_strdup (_("Reading the certificate from the keyring…"));
  else if (self->error != NULL)
    /* Group descriptions are Pango markup; error messages are not. */
    description = g_markup_escape_text (self->error->message, -1);
  adw_preferences_group_set_description (self->load_group, description);
}

typedef struct
{
  MutualIdentityView *view;
  GCancellable *cancellable;
} Load;

static void
load_free (Load *load)
{
  g_clear_object (&load->view);
  g_clear_object (&load->cancellable);
  g_free (load);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Load, load_free)

static void
load_cb (GObject      *source_object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(Load) load = user_data;
  MutualIdentityView *self = load->view;
  g_autoptr(GPtrArray) certificates = NULL;
  g_autoptr(GError) error = NULL;

  certificates = mutual_identity_store_load_certificates_finish (MUTUAL_IDENTITY_STORE (source_object),
                                                                 result, &error);
  /* The view went, or reads the certificates again. */
  if (g_cancellable_is_cancelled (load->cancellable))
    return;

  set_flag (self, &self->loading, FALSE, PROP_LOADING);
  if (certificates == NULL)
    {
      g_debug ("Cannot read the certificates of %s: %s", mutual_identity_get_id (self->identity),
               error->message);
      self->error = g_steal_pointer (&error);
      show_load_state (self);
      return;
    }

  self->certificates = g_steal_pointer (&certificates);
  show_load_state (self);
  mutual_countdown_update (self->countdown);
  start_verification (self);
}

static void
start_loading (MutualIdentityView *self)
{
  Load *load;

  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  g_clear_pointer (&self->certificates, g_ptr_array_unref);
  g_clear_error (&self->error);

  clear_box (self->chain_box);
  clear_box (self->sections_box);
  g_ptr_array_set_size (self->section_groups, 0);
  set_flag (self, &self->verifying, FALSE, PROP_VERIFYING);
  set_flag (self, &self->loading, TRUE, PROP_LOADING);
  show_load_state (self);

  load = g_new0 (Load, 1);
  load->view = g_object_ref (self);
  load->cancellable = g_object_ref (self->load_cancellable);
  mutual_identity_store_load_certificates_async (self->store, self->identity, self->load_cancellable,
                                                 load_cb, load);
}

/**
 * mutual_identity_view_reload:
 *
 * Reads the certificates from the keyring again, for example once it is unlocked.
 */
void
mutual_identity_view_reload (MutualIdentityView *self)
{
  g_return_if_fail (MUTUAL_IS_IDENTITY_VIEW (self));

  start_loading (self);
}

static void
retry_clicked_cb (MutualIdentityView *self,
                  GtkButton          *button)
{
  start_loading (self);
}

/**
 * mutual_identity_view_set_identity:
 * @identity: the identity as it is stored now: the same id, renamed or renewed
 *
 * Shows @identity instead, reading its certificates again only when they changed.
 */
void
mutual_identity_view_set_identity (MutualIdentityView *self,
                                   MutualIdentity     *identity)
{
  gboolean same_certificate;

  g_return_if_fail (MUTUAL_IS_IDENTITY_VIEW (self));
  g_return_if_fail (MUTUAL_IS_IDENTITY (identity));

  if (self->identity == identity)
    return;

  same_certificate = self->identity != NULL &&
                     g_str_equal (mutual_identity_get_sha256 (self->identity),
                                  mutual_identity_get_sha256 (identity));
  g_set_object (&self->identity, identity);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDENTITY]);

  /* Until construction is over, constructed() does the rest. */
  if (self->countdown == NULL)
    return;

  show_identity (self);
  mutual_countdown_update (self->countdown);
  if (!same_certificate || self->error != NULL)
    start_loading (self);
}

/* GObject */

static void
mutual_identity_view_constructed (GObject *object)
{
  MutualIdentityView *self = MUTUAL_IDENTITY_VIEW (object);

  G_OBJECT_CLASS (mutual_identity_view_parent_class)->constructed (object);

  g_return_if_fail (self->store != NULL);
  g_return_if_fail (self->identity != NULL);

  show_identity (self);
  self->countdown = mutual_countdown_new (GTK_WIDGET (self), refresh, self);
  mutual_countdown_update (self->countdown);
  start_loading (self);
}

static void
mutual_identity_view_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  MutualIdentityView *self = MUTUAL_IDENTITY_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_IDENTITY:
      g_value_set_object (value, self->identity);
      break;

    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;

    case PROP_VERIFYING:
      g_value_set_boolean (value, self->verifying);
      break;

    case PROP_CAN_GO_BACK:
      g_value_set_boolean (value, self->can_go_back);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mutual_identity_view_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  MutualIdentityView *self = MUTUAL_IDENTITY_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    case PROP_IDENTITY:
      /* Construct-time NULL: constructed() refuses it. */
      if (g_value_get_object (value) != NULL)
        mutual_identity_view_set_identity (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mutual_identity_view_dispose (GObject *object)
{
  MutualIdentityView *self = MUTUAL_IDENTITY_VIEW (object);

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->countdown);
  g_ptr_array_set_size (self->section_groups, 0);
  /* The leaflet's pages going away is no navigation to report. */
  if (self->leaflet != NULL)
    g_signal_handlers_disconnect_by_data (self->leaflet, self);
  /* The bin lets go of its child first: gtk_widget_dispose_template() would unparent a
   * template child behind AdwBin's back. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), MUTUAL_TYPE_IDENTITY_VIEW);

  G_OBJECT_CLASS (mutual_identity_view_parent_class)->dispose (object);
}

static void
mutual_identity_view_finalize (GObject *object)
{
  MutualIdentityView *self = MUTUAL_IDENTITY_VIEW (object);

  g_clear_object (&self->store);
  g_clear_object (&self->identity);
  g_clear_object (&self->load_cancellable);
  g_clear_pointer (&self->certificates, g_ptr_array_unref);
  g_clear_pointer (&self->section_groups, g_ptr_array_unref);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (mutual_identity_view_parent_class)->finalize (object);
}

static void
mutual_identity_view_class_init (MutualIdentityViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = mutual_identity_view_constructed;
  object_class->dispose = mutual_identity_view_dispose;
  object_class->finalize = mutual_identity_view_finalize;
  object_class->get_property = mutual_identity_view_get_property;
  object_class->set_property = mutual_identity_view_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         MUTUAL_TYPE_IDENTITY_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_IDENTITY] =
    g_param_spec_object ("identity", NULL, NULL,
                         MUTUAL_TYPE_IDENTITY,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS |
                         G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_VERIFYING] =
    g_param_spec_boolean ("verifying", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CAN_GO_BACK] =
    g_param_spec_boolean ("can-go-back", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE_PATH "/mutual-identity-view.ui");
  gtk_widget_class_bind_template_child (widget_class, MutualIdentityView, leaflet);
  gtk_widget_class_bind_template_child (widget_class, MutualIdentityView, title_label);
  gtk_widget_class_bind_template_child (widget_class, MutualIdentityView, subject_label);
  gtk_widget_class_bind_template_child (widget_class, MutualIdentityView, issuer_label);
  gtk_widget_class_bind_template_child (widget_class, MutualIdentityView, state_label);
  gtk_widget_class_bind_template_child (widget_class, MutualIdentityView, countdown_label);
  gtk_widget_class_bind_template_child (widget_class, MutualIdentityView, lifetime_bar);
  gtk_widget_class_bind_template_child (widget_class, MutualIdentityView, not_before_label);
  gtk_widget_class_bind_template_child (widget_class, MutualIdentityView, not_after_label);
  gtk_widget_class_bind_template_child (widget_class, MutualIdentityView, identity_bin);
  gtk_widget_class_bind_template_child (widget_class, MutualIdentityView, renewal_bin);
  gtk_widget_class_bind_template_child (widget_class, MutualIdentityView, load_group);
  gtk_widget_class_bind_template_child (widget_class, MutualIdentityView, load_spinner);
  gtk_widget_class_bind_template_child (widget_class, MutualIdentityView, retry_button);
  gtk_widget_class_bind_template_child (widget_class, MutualIdentityView, chain_box);
  gtk_widget_class_bind_template_child (widget_class, MutualIdentityView, sections_box);
  gtk_widget_class_bind_template_callback (widget_class, visible_child_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, transition_running_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, retry_clicked_cb);
}

static void
mutual_identity_view_init (MutualIdentityView *self)
{
  /* The box owns the groups; this array only points at them. */
  self->section_groups = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_level_bar_remove_offset_value (self->lifetime_bar, GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (self->lifetime_bar, GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (self->lifetime_bar, GTK_LEVEL_BAR_OFFSET_FULL);
}
