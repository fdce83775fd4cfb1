/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mutual-ca-token.h"
#include "mutual-enroll-dialog.h"

/* Enrolling with a step-ca, in two steps as `step ca bootstrap` and `step ca
 * certificate` do:
 *
 * 1. "ca": the CA's URL and its root's fingerprint. Next fetches the root
 *    (mutual_ca_client_bootstrap_async()), which checks the fingerprint; nothing secret
 *    is sent on that connection.
 * 2. "details": the root that was fetched, for the user to confirm, then how to
 *    authorize (a pasted token, or a JWK provisioner's name and password), and what to
 *    ask for (subject, SANs, label, key type). Enroll runs mutual_renewal_enroll_async(),
 *    which stores the identity only once its certificate passed every check.
 *    Once the root is confirmed, the CA's provisioners are listed in the background
 *    (mutual_ca_client_list_provisioners_async()) for the user to pick a JWK one; if
 *    they cannot be listed, the provisioner's name is typed instead.
 *
 * While either runs, the "working" page shows a spinner and Cancel cancels it; a failure
 * shows on the "failed" page, in the CA's words, with a way back to the step to fix.
 * Secrets (token, password) stay in their password rows, are copied only into the
 * MutualCaEnrollment (which wipes them when freed), and the rows are emptied once the
 * identity is stored or the dialog goes. */

typedef enum
{
  /* The name is typed: the list was not fetched, or could not be. */
  PROVISIONERS_TYPED,
  PROVISIONERS_LOADING,
  /* The name is picked among the CA's JWK provisioners. */
  PROVISIONERS_CHOSEN,
} ProvisionerSource;

struct _MutualEnrollDialog
{
  AdwWindow parent_instance;

  MutualIdentityStore *store;
  GCancellable *cancellable;
  MutualCaClient *client;
  MutualCertificate *root;
  /* The page Back returns to from "failed", and "working" was started from. */
  const char *return_page;
  /* Whether the subject and SANs still hold what a token filled in. */
  char *filled_subject;
  char *filled_sans;
  gboolean busy;
  /* Listing the provisioners, apart from the page's own operation. */
  GCancellable *list_cancellable;
  ProvisionerSource provisioner_source;

  /* Template children */
  GtkWidget *cancel_button;
  GtkWidget *back_button;
  GtkWidget *next_button;
  GtkStack *stack;
  AdwEntryRow *url_row;
  AdwEntryRow *fingerprint_row;
  GtkLabel *ca_error_label;
  AdwActionRow *root_subject_row;
  AdwActionRow *root_fingerprint_row;
  AdwActionRow *root_validity_row;
  AdwComboRow *method_row;
  AdwPasswordEntryRow *token_row;
  AdwEntryRow *provisioner_row;
  AdwComboRow *provisioner_choice_row;
  GtkStringList *provisioner_list;
  GtkSpinner *provisioner_spinner;
  GtkLabel *provisioner_note_label;
  AdwPasswordEntryRow *password_row;
  AdwEntryRow *subject_row;
  AdwEntryRow *sans_row;
  AdwEntryRow *label_row;
  AdwComboRow *key_type_row;
  AdwEntryRow *policy_row;
  AdwEntryRow *out_cert_row;
  AdwEntryRow *out_key_row;
  AdwEntryRow *hook_row;
  AdwStatusPage *working_page;
  GtkSpinner *spinner;
  AdwStatusPage *failed_page;
};

G_DEFINE_FINAL_TYPE (MutualEnrollDialog, mutual_enroll_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_STORE,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  ENROLLED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  METHOD_TOKEN,
  METHOD_PASSWORD,
};

/**
 * mutual_enroll_dialog_new:
 * @parent: (nullable): the window the dialog belongs to
 * @store: where the new identity goes
 */
MutualEnrollDialog *
mutual_enroll_dialog_new (GtkWindow           *parent,
                          MutualIdentityStore *store)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (MUTUAL_IS_IDENTITY_STORE (store), NULL);

  return g_object_new (MUTUAL_TYPE_ENROLL_DIALOG,
                       "transient-for", parent,
                       "store", store,
                       NULL);
}

/**
 * mutual_enroll_dialog_get_page:
 *
 * Returns: the step shown: "ca", "details", "working" or "failed"
 */
const char *
mutual_enroll_dialog_get_page (MutualEnrollDialog *self)
{
  g_return_val_if_fail (MUTUAL_IS_ENROLL_DIALOG (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

gboolean
mutual_enroll_dialog_get_busy (MutualEnrollDialog *self)
{
  g_return_val_if_fail (MUTUAL_IS_ENROLL_DIALOG (self), FALSE);

  return self->busy;
}

/**
 * mutual_enroll_dialog_get_error_heading:
 *
 * Returns: a short title for what went wrong with a CA, above its message
 */
const char *
mutual_enroll_dialog_get_error_heading (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain == MUTUAL_CA_ERROR)
    {
      switch ((MutualCaError) error->code)
        {
        case MUTUAL_CA_ERROR_UNREACHABLE:
          return _("CA Unreachable");
        case MUTUAL_CA_ERROR_TIMED_OUT:
          return _("The CA Did Not Answer");
        case MUTUAL_CA_ERROR_TLS_FAILED:
          return _("Secure Connection to the CA Failed");
        case MUTUAL_CA_ERROR_FINGERPRINT_MISMATCH:
          return _("Wrong Root Fingerprint");
        case MUTUAL_CA_ERROR_UNAUTHORIZED:
          return _("Not Authorized by the CA");
        case MUTUAL_CA_ERROR_FORBIDDEN:
          return _("Refused by the CA");
        case MUTUAL_CA_ERROR_BAD_REQUEST:
          return _("The CA Refused the Request");
        case MUTUAL_CA_ERROR_CLOCK_SKEW:
          return _("Clocks Out of Step");
        case MUTUAL_CA_ERROR_SERVER_ERROR:
          return _("The CA Failed");
        case MUTUAL_CA_ERROR_MALFORMED:
          return _("Unreadable Answer From the CA");
        case MUTUAL_CA_ERROR_REJECTED_CERTIFICATE:
          return _("Certificate Rejected");
        case MUTUAL_CA_ERROR_REENROLL_NEEDED:
          return _("Enroll Again");
        case MUTUAL_CA_ERROR_NO_PROVISIONER:
          return _("No Such Provisioner");
        case MUTUAL_CA_ERROR_UNSUPPORTED:
          return _("Not Supported");
        case MUTUAL_CA_ERROR_NO_PROFILE:
          return _("Not Enrolled With a CA");
        case MUTUAL_CA_ERROR_BUSY:
          return _("Renewal Under Way");
        default:
          break;
        }
    }
  if (g_error_matches (error, MUTUAL_ERROR, MUTUAL_ERROR_BAD_PASSWORD))
    return _("Wrong Password");
  if (g_error_matches (error, MUTUAL_ERROR, MUTUAL_ERROR_INVALID_ARGUMENT))
    return _("Check What You Entered");
  if (g_error_matches (error, MUTUAL_ERROR, MUTUAL_ERROR_KEYRING_LOCKED))
    return _("Keyring Locked");
  if (g_error_matches (error, MUTUAL_ERROR, MUTUAL_ERROR_KEYRING_UNAVAILABLE) ||
      g_error_matches (error, MUTUAL_ERROR, MUTUAL_ERROR_PROMPT_DISMISSED))
    return _("Could Not Store the Identity");
  return _("Enrollment Failed");
}

/* Pages */

static void
set_busy (MutualEnrollDialog *self,
          gboolean            busy)
{
  if (self->busy == busy)
    return;
  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static gboolean
ca_complete (MutualEnrollDialog *self)
{
  return *gtk_editable_get_text (GTK_EDITABLE (self->url_row)) != '\0' &&
         *gtk_editable_get_text (GTK_EDITABLE (self->fingerprint_row)) != '\0';
}

/* The provisioner to make the token with, as typed or picked; NULL while loading. */
static const char *
current_provisioner (MutualEnrollDialog *self)
{
  guint selected;

  switch (self->provisioner_source)
    {
    case PROVISIONERS_LOADING:
      return NULL;
    case PROVISIONERS_CHOSEN:
      selected = adw_combo_row_get_selected (self->provisioner_choice_row);
      if (selected == GTK_INVALID_LIST_POSITION)
        return NULL;
      return gtk_string_list_get_string (self->provisioner_list, selected);
    case PROVISIONERS_TYPED:
    default:
      return gtk_editable_get_text (GTK_EDITABLE (self->provisioner_row));
    }
}

static void
show_provisioner_rows (MutualEnrollDialog *self)
{
  gboolean with_password = adw_combo_row_get_selected (self->method_row) == METHOD_PASSWORD;
  gboolean typed = self->provisioner_source == PROVISIONERS_TYPED;

  gtk_widget_set_visible (GTK_WIDGET (self->provisioner_row), with_password && typed);
  gtk_widget_set_visible (GTK_WIDGET (self->provisioner_choice_row), with_password && !typed);
  gtk_widget_set_visible (GTK_WIDGET (self->provisioner_note_label),
                          with_password && *gtk_label_get_text (self->provisioner_note_label) != '\0');
}

static gboolean
details_complete (MutualEnrollDialog *self)
{
  const char *provisioner;
  gboolean with_token = adw_combo_row_get_selected (self->method_row) == METHOD_TOKEN;
  g_autofree char *subject = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->subject_row))));

  if (subject[0] == '\0' || self->root == NULL)
    return FALSE;
  if (with_token)
    return *gtk_editable_get_text (GTK_EDITABLE (self->token_row)) != '\0';
  provisioner = current_provisioner (self);
  return provisioner != NULL && provisioner[0] != '\0' &&
         *gtk_editable_get_text (GTK_EDITABLE (self->password_row)) != '\0';
}

static void
update_buttons (MutualEnrollDialog *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);
  gboolean on_ca = g_str_equal (page, "ca");
  gboolean on_details = g_str_equal (page, "details");

  gtk_widget_set_visible (self->next_button, on_ca || on_details);
  gtk_widget_set_visible (self->back_button, on_details);
  gtk_button_set_label (GTK_BUTTON (self->next_button), on_details ? _("_Enroll") : _("_Next"));
  gtk_widget_set_sensitive (self->next_button, on_ca ? ca_complete (self) : details_complete (self));
  gtk_button_set_label (GTK_BUTTON (self->cancel_button), _("_Cancel"));
}

static void
show_page (MutualEnrollDialog *self,
           const char         *name)
{
  gboolean working = g_str_equal (name, "working");

  gtk_stack_set_visible_child_name (self->stack, name);
  gtk_spinner_set_spinning (self->spinner, working);
  set_busy (self, working);
  update_buttons (self);

  if (g_str_equal (name, "ca"))
    gtk_widget_grab_focus (GTK_WIDGET (self->url_row));
  else if (g_str_equal (name, "details"))
    gtk_widget_grab_focus (adw_combo_row_get_selected (self->method_row) == METHOD_TOKEN
                           ? GTK_WIDGET (self->token_row)
                           : self->provisioner_source == PROVISIONERS_TYPED
                           ? GTK_WIDGET (self->provisioner_row)
                           : GTK_WIDGET (self->provisioner_choice_row));
}

static void
show_working (MutualEnrollDialog *self,
              const char         *title,
              const char         *description)
{
  adw_status_page_set_title (self->working_page, title);
  adw_status_page_set_description (self->working_page, description);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  show_page (self, "working");
}

static void
show_failure (MutualEnrollDialog *self,
              const GError       *error)
{
  g_autofree char *description = g_markup_escape_text (error->message, -1);

  adw_status_page_set_title (self->failed_page, mutual_enroll_dialog_get_error_heading (error));
  adw_status_page_set_description (self->failed_page, description);
  show_page (self, "failed");
}

static void
clear_secrets (MutualEnrollDialog *self)
{
  /* The rows' buffers are GTK's; emptying them is what can be done from here. */
  gtk_editable_set_text (GTK_EDITABLE (self->token_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
}

static void
wipe_string (char *text)
{
  if (text != NULL)
    memset (text, 0, strlen (text));
  g_free (text);
}

/* The CA's provisioners, listed while the user reads the details page */

static void
set_provisioner_source (MutualEnrollDialog *self,
                        ProvisionerSource   source,
                        const char         *note)
{
  gboolean loading = source == PROVISIONERS_LOADING;
  /* The row about to hide may hold the focus: the one shown instead takes it over. */
  gboolean focus_moves = source == PROVISIONERS_TYPED &&
                         gtk_widget_has_focus (GTK_WIDGET (self->provisioner_choice_row));

  self->provisioner_source = source;
  gtk_label_set_text (self->provisioner_note_label, note != NULL ? note : "");
  gtk_widget_set_sensitive (GTK_WIDGET (self->provisioner_choice_row), !loading);
  gtk_widget_set_visible (GTK_WIDGET (self->provisioner_spinner), loading);
  gtk_spinner_set_spinning (self->provisioner_spinner, loading);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->provisioner_choice_row),
                               loading ? _("Asking the CA for its provisioners…") : NULL);
  show_provisioner_rows (self);
  update_buttons (self);
  if (focus_moves)
    gtk_widget_grab_focus (GTK_WIDGET (self->provisioner_row));
}

static void
provisioners_listed_cb (GObject      *source_object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(MutualEnrollDialog) self = user_data;
  g_autoptr(GPtrArray) provisioners = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  guint others = 0;
  g_autofree char *note = NULL;

  provisioners = mutual_ca_client_list_provisioners_finish (MUTUAL_CA_CLIENT (source_object), result, &error);
  if (gtk_widget_in_destruction (GTK_WIDGET (self)) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (provisioners == NULL)
    {
      g_debug ("Cannot list the CA's provisioners: %s", error->message);
      /* TRANSLATORS: %s is why, in the CA client's words. */
      note = g_strdup_printf (_("Type the provisioner’s name: its list could not be fetched (%s)"),
                              error->message);
      set_provisioner_source (self, PROVISIONERS_TYPED, note);
      return;
    }

  /* Only a JWK provisioner's token can be made here; the others need a pasted one. */
  for (guint i = 0; i < provisioners->len; i++)
    {
      MutualCaProvisioner *provisioner = g_ptr_array_index (provisioners, i);

      if (provisioner->can_mint)
        g_ptr_array_add (names, provisioner->name);
      else
        others++;
    }
  g_ptr_array_add (names, NULL);

  if (names->len == 1)
    {
      note = g_strdup (_("The CA has no JWK provisioner: Mutual cannot make a token from a password. "
                         "Use a one-time token, or type a provisioner’s name."));
      set_provisioner_source (self, PROVISIONERS_TYPED, note);
      return;
    }

  if (others > 0)
    note = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u other provisioner (OIDC, ACME, X5C…) is not listed: "
                                         "it needs a one-time token.",
                                         "%u other provisioners (OIDC, ACME, X5C…) are not listed: "
                                         "they need a one-time token.",
                                         others),
                            others);
  gtk_string_list_splice (self->provisioner_list, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->provisioner_list)),
                          (const char * const *) names->pdata);
  /* With one provisioner there is nothing to choose; with more, the user picks. */
  adw_combo_row_set_selected (self->provisioner_choice_row,
                              names->len == 2 ? 0 : GTK_INVALID_LIST_POSITION);
  set_provisioner_source (self, PROVISIONERS_CHOSEN, note);
}

static void
start_listing_provisioners (MutualEnrollDialog *self)
{
  g_cancellable_cancel (self->list_cancellable);
  g_clear_object (&self->list_cancellable);
  self->list_cancellable = g_cancellable_new ();
  set_provisioner_source (self, PROVISIONERS_LOADING, NULL);
  mutual_ca_client_list_provisioners_async (self->client, self->list_cancellable,
                                            provisioners_listed_cb, g_object_ref (self));
}

/* Step 1: the CA and its root */

static void
bootstrapped_cb (GObject      *source_object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(MutualEnrollDialog) self = user_data;
  g_autoptr(MutualCertificate) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *until = NULL;
  g_autofree char *fingerprint = NULL;

  root = mutual_ca_client_bootstrap_finish (MUTUAL_CA_CLIENT (source_object), result, &error);
  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;
  if (root == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_page (self, "ca");
      else
        show_failure (self, error);
      return;
    }

  g_set_object (&self->root, root);
  until = mutual_format_time (mutual_certificate_get_validity (root)->not_after);
  adw_action_row_set_subtitle (self->root_subject_row, mutual_certificate_get_subject (root));
  /* As `step certificate fingerprint` prints it, which is what the user compares with. */
  fingerprint = mutual_normalize_fingerprint (mutual_certificate_get_sha256 (root));
  adw_action_row_set_subtitle (self->root_fingerprint_row, fingerprint);
  adw_action_row_set_subtitle (self->root_validity_row, until);
  self->return_page = "details";
  show_page (self, "details");
  start_listing_provisioners (self);
}

static void
start_bootstrap (MutualEnrollDialog *self)
{
  g_autoptr(MutualCaProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->url_row))));
  const char *fingerprint = gtk_editable_get_text (GTK_EDITABLE (self->fingerprint_row));

  profile = mutual_ca_profile_new (MUTUAL_CA_KIND_STEP_CA, url, fingerprint, NULL, &error);
  g_clear_object (&self->client);
  if (profile != NULL)
    self->client = mutual_ca_client_new_for_profile (profile, &error);
  if (self->client == NULL)
    {
      /* A typing mistake: said beside the fields, without leaving them. */
      gtk_label_set_text (self->ca_error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->ca_error_label), TRUE);
      return;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->ca_error_label), FALSE);
  g_cancellable_cancel (self->list_cancellable);
  g_clear_object (&self->root);
  self->return_page = "ca";
  show_working (self, _("Contacting the CA…"),
                _("Fetching its root certificate and checking its fingerprint"));
  mutual_ca_client_bootstrap_async (self->client, self->cancellable, bootstrapped_cb, g_object_ref (self));
}

/* Step 2: authorize and enroll */

static char **
parse_sans (const char *text)
{
  g_auto(GStrv) parts = g_strsplit_set (text, ", \t\n", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (parts[i][0] != '\0')
        g_strv_builder_add (builder, parts[i]);
    }
  return g_strv_builder_end (builder);
}

static void
enrolled_cb (GObject      *source_object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(MutualEnrollDialog) self = user_data;
  g_autoptr(MutualIdentity) identity = NULL;
  g_autoptr(GError) error = NULL;

  identity = mutual_renewal_enroll_finish (result, &error);
  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;
  if (identity == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_page (self, "details");
      else
        show_failure (self, error);
      return;
    }

  clear_secrets (self);
  set_busy (self, FALSE);
  g_signal_emit (self, signals[ENROLLED], 0, identity);
  gtk_window_close (GTK_WINDOW (self));
}

static void
start_enroll (MutualEnrollDialog *self)
{
  gboolean with_token = adw_combo_row_get_selected (self->method_row) == METHOD_TOKEN;
  g_autofree char *subject = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->subject_row))));
  g_autofree char *provisioner = NULL;
  g_autofree char *label = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->label_row))));
  g_autofree char *policy = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->policy_row))));
  g_autofree char *out_cert = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->out_cert_row))));
  g_autofree char *out_key = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->out_key_row))));
  g_autofree char *hook = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->hook_row))));
  g_autoptr(MutualCaProfile) profile = NULL;
  g_autoptr(MutualCaClient) client = NULL;
  MutualCaEnrollment *enrollment;
  GError *error = NULL;

  g_return_if_fail (self->root != NULL);

  if (!with_token)
    provisioner = g_strstrip (g_strdup (current_provisioner (self)));
  /* The profile kept with the identity names the provisioner it renews through. */
  profile = mutual_ca_profile_new (MUTUAL_CA_KIND_STEP_CA,
                                   mutual_ca_profile_get_url (mutual_ca_client_get_profile (self->client)),
                                   mutual_ca_profile_get_fingerprint (mutual_ca_client_get_profile (self->client)),
                                   provisioner, &error);
  /* Kept with the identity, for every renewal to come. */
  if (profile != NULL && policy[0] != '\0' && !mutual_ca_profile_set_renew_policy (profile, policy, &error))
    g_clear_object (&profile);
  if (profile != NULL)
    mutual_ca_profile_set_outputs (profile, out_cert, out_key, hook);
  if (profile != NULL)
    client = mutual_ca_client_new_for_profile (profile, &error);
  if (client == NULL)
    {
      show_failure (self, error);
      g_error_free (error);
      return;
    }
  /* The root confirmed on this page: no second bootstrap. */
  mutual_ca_client_set_root (client, self->root);

  enrollment = mutual_ca_enrollment_new (subject);
  enrollment->sans = parse_sans (gtk_editable_get_text (GTK_EDITABLE (self->sans_row)));
  switch (adw_combo_row_get_selected (self->key_type_row))
    {
    case 1:
      enrollment->key_type = MUTUAL_KEY_TYPE_RSA2048;
      break;
    case 2:
      enrollment->key_type = MUTUAL_KEY_TYPE_ED25519;
      break;
    default:
      enrollment->key_type = MUTUAL_KEY_TYPE_P256;
      break;
    }
  if (with_token)
    enrollment->token = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->token_row))));
  else
    enrollment->password = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->password_row)));

  self->return_page = "details";
  show_working (self, _("Enrolling…"),
                _("Generating a key, asking the CA for a certificate, and storing the identity "
                  "in the keyring"));
  /* The enrollment (and the secret in it) belongs to the operation from here on. */
  mutual_renewal_enroll_async (self->store, client, enrollment, label[0] != '\0' ? label : NULL,
                               self->cancellable, enrolled_cb, g_object_ref (self));
}

/* Filling in the subject and SANs from a pasted token */

static void
token_changed_cb (MutualEnrollDialog *self,
                  GtkEditable        *editable)
{
  g_autoptr(MutualCaTokenClaims) claims = NULL;
  const char *subject = gtk_editable_get_text (GTK_EDITABLE (self->subject_row));
  const char *sans = gtk_editable_get_text (GTK_EDITABLE (self->sans_row));
  gboolean subject_untouched = subject[0] == '\0' || g_strcmp0 (subject, self->filled_subject) == 0;
  gboolean sans_untouched = sans[0] == '\0' || g_strcmp0 (sans, self->filled_sans) == 0;

  claims = mutual_ca_token_peek (gtk_editable_get_text (editable));
  if (claims != NULL)
    {
      /* What the user typed stays; only what a token filled in follows the token. */
      if (subject_untouched && claims->subject != NULL)
        {
          g_free (self->filled_subject);
          self->filled_subject = g_strdup (claims->subject);
          gtk_editable_set_text (GTK_EDITABLE (self->subject_row), claims->subject);
        }
      if (sans_untouched && claims->sans != NULL)
        {
          g_free (self->filled_sans);
          self->filled_sans = g_strjoinv (", ", claims->sans);
          gtk_editable_set_text (GTK_EDITABLE (self->sans_row), self->filled_sans);
        }
    }
  update_buttons (self);
}

/* Signals */

static void
ca_changed_cb (MutualEnrollDialog *self,
               GtkEditable        *editable)
{
  gtk_widget_set_visible (GTK_WIDGET (self->ca_error_label), FALSE);
  update_buttons (self);
}

static void
details_changed_cb (MutualEnrollDialog *self,
                    GtkEditable        *editable)
{
  update_buttons (self);
}

static void
method_changed_cb (MutualEnrollDialog *self,
                   GParamSpec         *pspec,
                   AdwComboRow        *row)
{
  gboolean with_token = adw_combo_row_get_selected (row) == METHOD_TOKEN;

  gtk_widget_set_visible (GTK_WIDGET (self->token_row), with_token);
  gtk_widget_set_visible (GTK_WIDGET (self->password_row), !with_token);
  show_provisioner_rows (self);
  update_buttons (self);
}

static void
provisioner_chosen_cb (MutualEnrollDialog *self,
                       GParamSpec         *pspec,
                       AdwComboRow        *row)
{
  update_buttons (self);
}

static void
next_clicked_cb (MutualEnrollDialog *self,
                 GtkButton          *button)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);

  if (!gtk_widget_get_sensitive (self->next_button))
    return;
  if (g_str_equal (page, "ca"))
    start_bootstrap (self);
  else if (g_str_equal (page, "details"))
    start_enroll (self);
}

static void
entry_activated_cb (MutualEnrollDialog *self,
                    AdwEntryRow        *row)
{
  next_clicked_cb (self, GTK_BUTTON (self->next_button));
}

static void
back_clicked_cb (MutualEnrollDialog *self,
                 GtkButton          *button)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);

  if (g_str_equal (page, "failed"))
    show_page (self, self->return_page != NULL ? self->return_page : "ca");
  else if (g_str_equal (page, "details"))
    show_page (self, "ca");
}

static void
cancel_clicked_cb (MutualEnrollDialog *self,
                   GtkButton          *button)
{
  /* While the CA is asked, Cancel stops that, and the callback goes back a page. */
  if (self->busy)
    {
      g_cancellable_cancel (self->cancellable);
      return;
    }
  gtk_window_close (GTK_WINDOW (self));
}

/* GObject */

static gboolean
mutual_enroll_dialog_close_request (GtkWindow *window)
{
  MutualEnrollDialog *self = MUTUAL_ENROLL_DIALOG (window);

  /* Closing (Escape, the window manager) stops what runs: nothing is stored then, as
   * the enrollment commits only at its very end. */
  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->list_cancellable);
  clear_secrets (self);

  return GTK_WINDOW_CLASS (mutual_enroll_dialog_parent_class)->close_request (window);
}

static void
mutual_enroll_dialog_dispose (GObject *object)
{
  MutualEnrollDialog *self = MUTUAL_ENROLL_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->list_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), MUTUAL_TYPE_ENROLL_DIALOG);

  G_OBJECT_CLASS (mutual_enroll_dialog_parent_class)->dispose (object);
}

static void
mutual_enroll_dialog_finalize (GObject *object)
{
  MutualEnrollDialog *self = MUTUAL_ENROLL_DIALOG (object);

  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->list_cancellable);
  g_clear_object (&self->client);
  g_clear_object (&self->root);
  g_clear_pointer (&self->filled_subject, wipe_string);
  g_clear_pointer (&self->filled_sans, wipe_string);

  G_OBJECT_CLASS (mutual_enroll_dialog_parent_class)->finalize (object);
}

static void
mutual_enroll_dialog_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  MutualEnrollDialog *self = MUTUAL_ENROLL_DIALOG (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mutual_enroll_dialog_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  MutualEnrollDialog *self = MUTUAL_ENROLL_DIALOG (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mutual_enroll_dialog_class_init (MutualEnrollDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = mutual_enroll_dialog_dispose;
  object_class->finalize = mutual_enroll_dialog_finalize;
  object_class->get_property = mutual_enroll_dialog_get_property;
  object_class->set_property = mutual_enroll_dialog_set_property;
  window_class->close_request = mutual_enroll_dialog_close_request;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         MUTUAL_TYPE_IDENTITY_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * MutualEnrollDialog::enrolled:
   * @identity: the identity stored, with its CA profile
   *
   * The enrollment succeeded; the dialog closes next.
   */
  signals[ENROLLED] =
    g_signal_new ("enrolled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, MUTUAL_TYPE_IDENTITY);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE_PATH "/mutual-enroll-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, MutualEnrollDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, MutualEnrollDialog, back_button);
  gtk_widget_class_bind_template_child (widget_class, MutualEnrollDialog, next_button);
  gtk_widget_class_bind_template_child (widget_class, MutualEnrollDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, MutualEnrollDialog, url_row);
  gtk_widget_class_bind_template_child (widget_class, MutualEnrollDialog, fingerprint_row);
  gtk_widget_class_bind_template_child (widget_class, MutualEnrollDialog, ca_error_label);
  gtk_widget_class_bind_template_child (widget_class, MutualEnrollDialog, root_subject_row);
  gtk_widget_class_bind_template_child (widget_class, MutualEnrollDialog, root_fingerprint_row);
  gtk_widget_class_bind_template_child (widget_class, MutualEnrollDialog, root_validity_row);
  gtk_widget_class_bind_template_child (widget_class, MutualEnrollDialog, method_row);
  gtk_widget_class_bind_template_child (widget_class, MutualEnrollDialog, token_row);
  gtk_widget_class_bind_template_child (widget_class, MutualEnrollDialog, provisioner_row);
  gtk_widget_class_bind_template_child (widget_class, MutualEnrollDialog, provisioner_choice_row);
  gtk_widget_class_bind_template_child (widget_class, MutualEnrollDialog, provisioner_list);
  gtk_widget_class_bind_template_child (widget_class, MutualEnrollDialog, provisioner_spinner);
  gtk_widget_class_bind_template_child (widget_class, MutualEnrollDialog, provisioner_note_label);
  gtk_widget_class_bind_template_child (widget_class, MutualEnrollDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, MutualEnrollDialog, subject_row);
  gtk_widget_class_bind_template_child (widget_class, MutualEnrollDialog, sans_row);
  gtk_widget_class_bind_template_child (widget_class, MutualEnrollDialog, label_row);
  gtk_widget_class_bind_template_child (widget_class, MutualEnrollDialog, key_type_row);
  gtk_widget_class_bind_template_child (widget_class, MutualEnrollDialog, policy_row);
  gtk_widget_class_bind_template_child (widget_class, MutualEnrollDialog, out_cert_row);
  gtk_widget_class_bind_template_child (widget_class, MutualEnrollDialog, out_key_row);
  gtk_widget_class_bind_template_child (widget_class, MutualEnrollDialog, hook_row);
  gtk_widget_class_bind_template_child (widget_class, MutualEnrollDialog, working_page);
  gtk_widget_class_bind_template_child (widget_class, MutualEnrollDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, MutualEnrollDialog, failed_page);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, next_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, ca_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, details_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, token_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, method_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, provisioner_chosen_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
mutual_enroll_dialog_init (MutualEnrollDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_window_set_default_widget (GTK_WINDOW (self), self->next_button);
  show_page (self, "ca");
}
