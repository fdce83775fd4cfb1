/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <string.h>
#include <unistd.h>

#include "mutual-bundle-private.h"
#include "mutual-ca-profile-private.h"
#include "mutual-chain.h"
#include "mutual-export-private.h"
#include "mutual-identity-private.h"
#include "mutual-identity-store.h"
#include "mutual-importer.h"
#include "mutual-private-key-private.h"

/**
 * MutualIdentityStore:
 *
 * Client identities in the keyring, as a #GListModel of #MutualIdentity sorted by
 * label. Only libsecret's password API is used (secret_password_*), the one part of
 * libsecret that works both against the Secret Service on the desktop and through the
 * Secret portal inside Flatpak.
 *
 * Every operation runs in a worker thread with a deadline, so that a keyring that
 * never answers costs a clear error after %KEYRING_TIMEOUT_SECONDS, not a hang.
 *
 * An identity is two items, certificate and key, tagged with the identity's id and a
 * generation. Replacing an identity writes the next generation, reads it back and
 * checks it, and only then deletes the previous one; readers take the highest
 * generation that has both items. Whatever point a crash interrupts, one complete
 * generation remains.
 */
struct _MutualIdentityStore
{
  GObject parent_instance;

  GPtrArray *identities;
  GDBusConnection *watch_connection;
  guint watch_subscription;
  guint watch_debounce;
  gboolean watching;
  gboolean refreshing;
  gboolean refresh_again;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MutualIdentityStore, mutual_identity_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

#define KEYRING_TIMEOUT_SECONDS 10
#define ID_LENGTH 8

static const SecretSchema *
identity_schema (void)
{
  static const SecretSchema schema = {
    MUTUAL_SCHEMA_NAME, SECRET_SCHEMA_NONE,
    {
      { MUTUAL_ATTRIBUTE_KIND, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { MUTUAL_ATTRIBUTE_ID, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { MUTUAL_ATTRIBUTE_GENERATION, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { MUTUAL_ATTRIBUTE_LABEL, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { MUTUAL_ATTRIBUTE_SUBJECT, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { MUTUAL_ATTRIBUTE_ISSUER, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { MUTUAL_ATTRIBUTE_NOT_BEFORE, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { MUTUAL_ATTRIBUTE_NOT_AFTER, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { MUTUAL_ATTRIBUTE_SHA256, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { MUTUAL_ATTRIBUTE_KEY_TYPE, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { MUTUAL_ATTRIBUTE_PROFILE, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { MUTUAL_ATTRIBUTE_VERSION, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { MUTUAL_ATTRIBUTE_CA_KIND, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { MUTUAL_ATTRIBUTE_CA_URL, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { MUTUAL_ATTRIBUTE_CA_FINGERPRINT, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { MUTUAL_ATTRIBUTE_CA_PROVISIONER, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { MUTUAL_ATTRIBUTE_CA_RENEW, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { MUTUAL_ATTRIBUTE_CA_OUT_CERT, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { MUTUAL_ATTRIBUTE_CA_OUT_KEY, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { MUTUAL_ATTRIBUTE_CA_OUT_PKCS12, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { MUTUAL_ATTRIBUTE_CA_HOOK, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { MUTUAL_ATTRIBUTE_CA_HOOK_TIMEOUT, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

/* The password of an output file (a PKCS#12 file), chosen by the user: an item of its
 * own, tagged with the identity's id and the output it protects. Renewals and renames
 * replace the identity's items only (their schema), so it stays; removing the identity
 * deletes it. */
#define MUTUAL_PASSWORD_SCHEMA_NAME "io.github.mutual.OutputPassword"
#define MUTUAL_ATTRIBUTE_PURPOSE "purpose"

static const SecretSchema *
password_schema (void)
{
  static const SecretSchema schema = {
    MUTUAL_PASSWORD_SCHEMA_NAME, SECRET_SCHEMA_NONE,
    {
      { MUTUAL_ATTRIBUTE_ID, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { MUTUAL_ATTRIBUTE_PURPOSE, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

/* Deadlines: a watchdog thread cancels the operation's cancellable when time is up. */

typedef struct
{
  GCancellable *cancellable;
  GCancellable *caller;
  gulong caller_handler;
  GMutex lock;
  GCond cond;
  gboolean done;
  gboolean fired;
  GThread *thread;
} Deadline;

static gpointer
deadline_thread (gpointer data)
{
  Deadline *deadline = data;
  gint64 end = g_get_monotonic_time () + KEYRING_TIMEOUT_SECONDS * G_TIME_SPAN_SECOND;

  g_mutex_lock (&deadline->lock);
  while (!deadline->done)
    {
      if (!g_cond_wait_until (&deadline->cond, &deadline->lock, end))
        {
          deadline->fired = TRUE;
          g_cancellable_cancel (deadline->cancellable);
          break;
        }
    }
  g_mutex_unlock (&deadline->lock);
  return NULL;
}

static void
caller_cancelled_cb (GCancellable *caller,
                     gpointer      data)
{
  g_cancellable_cancel (data);
}

static void
deadline_start (Deadline     *deadline,
                GCancellable *caller)
{
  memset (deadline, 0, sizeof *deadline);
  deadline->cancellable = g_cancellable_new ();
  g_mutex_init (&deadline->lock);
  g_cond_init (&deadline->cond);
  if (caller != NULL)
    {
      deadline->caller = g_object_ref (caller);
      deadline->caller_handler = g_cancellable_connect (caller, G_CALLBACK (caller_cancelled_cb),
                                                        deadline->cancellable, NULL);
    }
  deadline->thread = g_thread_new ("mutual-keyring-deadline", deadline_thread, deadline);
}

static void
deadline_stop (Deadline *deadline)
{
  g_mutex_lock (&deadline->lock);
  deadline->done = TRUE;
  g_cond_signal (&deadline->cond);
  g_mutex_unlock (&deadline->lock);
  g_thread_join (deadline->thread);

  if (deadline->caller != NULL)
    {
      g_cancellable_disconnect (deadline->caller, deadline->caller_handler);
      g_clear_object (&deadline->caller);
    }
  g_clear_object (&deadline->cancellable);
  g_mutex_clear (&deadline->lock);
  g_cond_clear (&deadline->cond);
}

/* The one place where keyring errors become Mutual's: every condition gets its own
 * code and a message that says what to do. */
static void
map_keyring_error (GError   **error,
                   Deadline  *deadline)
{
  GError *original;

  if (error == NULL || *error == NULL)
    return;
  original = *error;

  if (deadline->fired)
    {
      *error = g_error_new (MUTUAL_ERROR, MUTUAL_ERROR_TIMED_OUT,
                            _("The keyring did not answer within %d seconds; it may be waiting "
                              "for a prompt that cannot be shown, or be stuck (%s)"),
                            KEYRING_TIMEOUT_SECONDS, original->message);
    }
  else if (g_error_matches (original, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      return;
    }
  else if (g_error_matches (original, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    {
      *error = g_error_new (MUTUAL_ERROR, MUTUAL_ERROR_KEYRING_LOCKED,
                            _("The keyring is locked: unlock it (for example in Passwords and "
                              "Keys, or by logging in again) and try again"));
    }
  else if (g_error_matches (original, G_IO_ERROR, G_IO_ERROR_WRONG_ETAG))
    {
      /* libsecret's file backend, used inside Flatpak, reads its file once and refuses
       * to write over changes another process made. */
      *error = g_error_new (MUTUAL_ERROR, MUTUAL_ERROR_KEYRING_UNAVAILABLE,
                            _("The keyring file was changed by another program (another Mutual "
                              "or mutualctl): close Mutual and start it again"));
    }
  else if (original->domain == G_DBUS_ERROR || original->domain == G_IO_ERROR)
    {
      *error = g_error_new (MUTUAL_ERROR, MUTUAL_ERROR_KEYRING_UNAVAILABLE,
                            _("No keyring is available: start gnome-keyring or another Secret "
                              "Service, or use Mutual in a desktop session (%s)"),
                            original->message);
    }
  else if (original->domain == SECRET_ERROR)
    {
      *error = g_error_new (MUTUAL_ERROR, MUTUAL_ERROR_ITEM_UNREADABLE,
                            _("The keyring could not read an item of Mutual: %s"), original->message);
    }
  else
    {
      return;
    }

  g_error_free (original);
}

/* Listing */

typedef struct
{
  GHashTable *attributes;
  guint kinds;
} Generation;

#define HAS_CERTIFICATE (1 << 0)
#define HAS_KEY (1 << 1)

static int
compare_identities (gconstpointer a,
                    gconstpointer b)
{
  MutualIdentity *first = *(MutualIdentity **) a;
  MutualIdentity *second = *(MutualIdentity **) b;
  int by_label = g_utf8_collate (mutual_identity_get_label (first), mutual_identity_get_label (second));

  return by_label != 0 ? by_label : strcmp (mutual_identity_get_id (first), mutual_identity_get_id (second));
}

static void
generation_free (gpointer data)
{
  Generation *generation = data;

  g_clear_pointer (&generation->attributes, g_hash_table_unref);
  g_free (generation);
}

/* Groups keyring items into identities, from their attributes alone: for each id, the
 * highest generation that has both items. Incomplete generations (a crash mid-write)
 * are skipped. */
static GPtrArray *
identities_from_items (GList *items)
{
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                     (GDestroyNotify) g_hash_table_unref);
  g_autoptr(GPtrArray) identities = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer key;
  gpointer value;

  for (GList *l = items; l != NULL; l = l->next)
    {
      g_autoptr(GHashTable) attributes = secret_retrievable_get_attributes (l->data);
      const char *id = g_hash_table_lookup (attributes, MUTUAL_ATTRIBUTE_ID);
      const char *generation_text = g_hash_table_lookup (attributes, MUTUAL_ATTRIBUTE_GENERATION);
      const char *kind = g_hash_table_lookup (attributes, MUTUAL_ATTRIBUTE_KIND);
      GHashTable *generations;
      Generation *generation;

      if (id == NULL || generation_text == NULL || kind == NULL)
        continue;

      generations = g_hash_table_lookup (ids, id);
      if (generations == NULL)
        {
          generations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, generation_free);
          g_hash_table_insert (ids, g_strdup (id), generations);
        }
      generation = g_hash_table_lookup (generations, generation_text);
      if (generation == NULL)
        {
          generation = g_new0 (Generation, 1);
          g_hash_table_insert (generations, g_strdup (generation_text), generation);
        }
      if (g_str_equal (kind, MUTUAL_ITEM_CERTIFICATE))
        {
          generation->kinds |= HAS_CERTIFICATE;
          g_clear_pointer (&generation->attributes, g_hash_table_unref);
          generation->attributes = g_hash_table_ref (attributes);
        }
      else if (g_str_equal (kind, MUTUAL_ITEM_KEY))
        {
          generation->kinds |= HAS_KEY;
        }
    }

  g_hash_table_iter_init (&iter, ids);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GHashTableIter generations;
      gpointer generation_key;
      gpointer generation_value;
      Generation *best = NULL;
      guint64 best_number = 0;

      g_hash_table_iter_init (&generations, value);
      while (g_hash_table_iter_next (&generations, &generation_key, &generation_value))
        {
          Generation *generation = generation_value;
          guint64 number = 0;

          if (generation->kinds != (HAS_CERTIFICATE | HAS_KEY) ||
              !g_ascii_string_to_unsigned (generation_key, 10, 1, G_MAXUINT, &number, NULL))
            continue;
          if (number > best_number)
            {
              best = generation;
              best_number = number;
            }
        }

      if (best != NULL)
        {
          g_autoptr(GError) damaged = NULL;
          MutualIdentity *identity = _mutual_identity_new_from_attributes (best->attributes, &damaged);

          if (identity != NULL)
            g_ptr_array_add (identities, identity);
          else
            g_warning ("%s", damaged->message);
        }
    }

  g_ptr_array_sort (identities, compare_identities);
  return g_steal_pointer (&identities);
}

/* The identities whose items match @query (all of them for an empty query), from
 * their attributes: no secret is transferred and the keyring is not unlocked. */
static GPtrArray *
search_identities (GHashTable    *query,
                   GCancellable  *cancellable,
                   GError       **error)
{
  GPtrArray *identities;
  GList *items;
  GError *local_error = NULL;

  items = secret_password_searchv_sync (identity_schema (), query, SECRET_SEARCH_ALL, cancellable,
                                        &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  identities = identities_from_items (items);
  g_list_free_full (items, g_object_unref);
  return identities;
}

static GPtrArray *
list_sync (GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GHashTable) query = g_hash_table_new (g_str_hash, g_str_equal);

  return search_identities (query, cancellable, error);
}

/* One identity by id, else by label, through the keyring's attribute index: the
 * items of that identity only, however many others there are. Same answers as
 * mutual_identity_store_lookup() on a fresh list. */
static MutualIdentity *
find_sync (const char    *id_or_label,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GHashTable) query = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) found = NULL;

  g_hash_table_insert (query, (gpointer) MUTUAL_ATTRIBUTE_ID, (gpointer) id_or_label);
  found = search_identities (query, cancellable, error);
  if (found == NULL)
    return NULL;
  if (found->len == 1)
    return g_object_ref (g_ptr_array_index (found, 0));

  /* By label: the label is on every item of every generation, so a renamed identity's
   * old generation (if a crash left one) could match; only identities whose current
   * generation has that label count. */
  g_hash_table_remove_all (query);
  g_clear_pointer (&found, g_ptr_array_unref);
  g_hash_table_insert (query, (gpointer) MUTUAL_ATTRIBUTE_LABEL, (gpointer) id_or_label);
  found = search_identities (query, cancellable, error);
  if (found == NULL)
    return NULL;
  for (guint i = found->len; i > 0; i--)
    {
      MutualIdentity *candidate = g_ptr_array_index (found, i - 1);
      g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
      g_autoptr(GPtrArray) current = NULL;

      g_hash_table_insert (by_id, (gpointer) MUTUAL_ATTRIBUTE_ID, (gpointer) mutual_identity_get_id (candidate));
      current = search_identities (by_id, cancellable, error);
      if (current == NULL)
        return NULL;
      if (current->len != 1 ||
          mutual_identity_get_generation (g_ptr_array_index (current, 0)) !=
          mutual_identity_get_generation (candidate))
        g_ptr_array_remove_index (found, i - 1);
    }

  if (found->len == 1)
    return g_object_ref (g_ptr_array_index (found, 0));
  if (found->len > 1)
    g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_INVALID_ARGUMENT,
                 _("%u identities are labelled “%s”: use the id instead"), found->len, id_or_label);
  else
    g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_NOT_FOUND,
                 _("No identity has the id or label “%s”"), id_or_label);
  return NULL;
}

/* Reading and writing items */

static GHashTable *
item_query (MutualIdentity *identity,
            const char     *kind)
{
  GHashTable *query = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_hash_table_insert (query, (gpointer) MUTUAL_ATTRIBUTE_ID, g_strdup (mutual_identity_get_id (identity)));
  g_hash_table_insert (query, (gpointer) MUTUAL_ATTRIBUTE_GENERATION,
                       g_strdup_printf ("%u", mutual_identity_get_generation (identity)));
  if (kind != NULL)
    g_hash_table_insert (query, (gpointer) MUTUAL_ATTRIBUTE_KIND, g_strdup (kind));
  return query;
}

/* Reads one item's secret. A NULL answer without an error means "not there" or
 * "locked": ask to unlock, and if the item stays locked, say so; if there is no item,
 * say that @what of @identity is missing. */
static SecretValue *
read_secret (const SecretSchema *schema,
             GHashTable         *query,
             MutualIdentity     *identity,
             const char         *what,
             GCancellable       *cancellable,
             GError            **error)
{
  SecretValue *value;
  GList *items;
  GError *local_error = NULL;

  value = secret_password_lookupv_binary_sync (schema, query, cancellable, &local_error);
  if (value != NULL || local_error != NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, local_error);
      return value;
    }

  items = secret_password_searchv_sync (schema, query, SECRET_SEARCH_UNLOCK | SECRET_SEARCH_LOAD_SECRETS,
                                        cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (items != NULL)
    value = secret_retrievable_retrieve_secret_sync (items->data, cancellable, &local_error);
  g_list_free_full (items, g_object_unref);

  if (local_error != NULL)
    g_propagate_error (error, local_error);
  else if (value == NULL && items != NULL)
    g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_KEYRING_LOCKED,
                 _("The keyring holding “%s” is locked and was not unlocked: unlock it and try "
                   "again"), mutual_identity_get_label (identity));
  else if (value == NULL)
    g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_ITEM_UNREADABLE,
                 _("The %s of “%s” is missing from the keyring"), what, mutual_identity_get_label (identity));
  return value;
}

/* The identity was listed, so its items are there (or locked). */
static SecretValue *
read_item (MutualIdentity  *identity,
           const char      *kind,
           GCancellable    *cancellable,
           GError         **error)
{
  g_autoptr(GHashTable) query = item_query (identity, kind);

  return read_secret (identity_schema (), query, identity,
                      g_str_equal (kind, MUTUAL_ITEM_KEY) ? _("private key") : _("certificate"), cancellable,
                      error);
}

static MutualBundle *
parse_item (SecretValue  *value,
            const char   *source,
            GError      **error)
{
  g_autoptr(GBytes) bytes = NULL;
  gsize length = 0;
  const char *data = secret_value_get (value, &length);
  MutualBundle *bundle;

  /* The secret stays in libsecret's non-pageable memory; the bytes only point at it. */
  bytes = g_bytes_new_static (data, length);
  bundle = mutual_import_bytes (bytes, source, NULL, error);
  if (bundle == NULL)
    g_prefix_error (error, _("A keyring item of Mutual is damaged: "));
  return bundle;
}

static GPtrArray *
load_certificates_sync (MutualIdentity  *identity,
                        GCancellable    *cancellable,
                        GError         **error)
{
  g_autoptr(SecretValue) value = read_item (identity, MUTUAL_ITEM_CERTIFICATE, cancellable, error);
  g_autoptr(MutualBundle) bundle = NULL;
  GPtrArray *certificates;

  if (value == NULL)
    return NULL;
  bundle = parse_item (value, mutual_identity_get_label (identity), error);
  if (bundle == NULL)
    return NULL;

  certificates = mutual_bundle_get_certificates (bundle);
  if (certificates->len == 0)
    {
      g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_ITEM_UNREADABLE,
                   _("The certificate item of “%s” holds no certificate"),
                   mutual_identity_get_label (identity));
      return NULL;
    }
  return g_ptr_array_ref (certificates);
}

static MutualPrivateKey *
load_key_sync (MutualIdentity  *identity,
               GCancellable    *cancellable,
               GError         **error)
{
  g_autoptr(SecretValue) value = read_item (identity, MUTUAL_ITEM_KEY, cancellable, error);
  g_autoptr(MutualBundle) bundle = NULL;

  if (value == NULL)
    return NULL;
  bundle = parse_item (value, mutual_identity_get_label (identity), error);
  if (bundle == NULL)
    return NULL;
  if (mutual_bundle_get_keys (bundle)->len != 1)
    {
      g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_ITEM_UNREADABLE,
                   _("The key item of “%s” does not hold one private key"),
                   mutual_identity_get_label (identity));
      return NULL;
    }
  return g_object_ref (g_ptr_array_index (mutual_bundle_get_keys (bundle), 0));
}

static gboolean
write_item (MutualIdentity  *identity,
            const char      *kind,
            GBytes          *secret,
            GCancellable    *cancellable,
            GError         **error)
{
  g_autoptr(GHashTable) attributes = _mutual_identity_to_attributes (identity, kind);
  g_autoptr(SecretValue) value = NULL;
  g_autofree char *item_label = NULL;
  gsize length;
  const char *data = g_bytes_get_data (secret, &length);

  /* secret_value_new() copies into non-pageable memory. */
  value = secret_value_new (data, length, "application/x-pem-file");
  /* Translators: the keyring item's name as other keyring tools show it. */
  item_label = g_strdup_printf (g_str_equal (kind, MUTUAL_ITEM_KEY) ? _("Mutual: %s (private key)")
                                                                    : _("Mutual: %s (certificate)"),
                                mutual_identity_get_label (identity));

  return secret_password_storev_binary_sync (identity_schema (), attributes, SECRET_COLLECTION_DEFAULT,
                                             item_label, value, cancellable, error);
}

static gboolean
delete_generation (MutualIdentity  *identity,
                   GCancellable    *cancellable,
                   GError         **error)
{
  g_autoptr(GHashTable) query = item_query (identity, NULL);
  GError *local_error = NULL;

  secret_password_clearv_sync (identity_schema (), query, cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

static GHashTable *
password_query (MutualIdentity *identity,
                const char     *purpose)
{
  GHashTable *query = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (query, (gpointer) MUTUAL_ATTRIBUTE_ID, (gpointer) mutual_identity_get_id (identity));
  if (purpose != NULL)
    g_hash_table_insert (query, (gpointer) MUTUAL_ATTRIBUTE_PURPOSE, (gpointer) purpose);
  return query;
}

/* Stores (or replaces: same attributes, same item) an output's password, or deletes it
 * when @password is %NULL; @purpose %NULL deletes the passwords of every output. */
static gboolean
set_output_password_sync (MutualIdentity  *identity,
                          const char      *purpose,
                          const char      *password,
                          GCancellable    *cancellable,
                          GError         **error)
{
  g_autoptr(GHashTable) query = password_query (identity, purpose);
  g_autofree char *item_label = NULL;
  GError *local_error = NULL;

  if (password == NULL)
    {
      secret_password_clearv_sync (password_schema (), query, cancellable, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      return TRUE;
    }

  /* Translators: the keyring item's name as other keyring tools show it. */
  item_label = g_strdup_printf (_("Mutual: %s (password of its PKCS#12 file)"), mutual_identity_get_label (identity));
  return secret_password_storev_sync (password_schema (), query, SECRET_COLLECTION_DEFAULT, item_label, password,
                                      cancellable, error);
}

/* The password as wiped bytes that end with a NUL, so that they can be read as a
 * string. */
static GBytes *
lookup_output_password_sync (MutualIdentity  *identity,
                             const char      *purpose,
                             GCancellable    *cancellable,
                             GError         **error)
{
  g_autoptr(GHashTable) query = password_query (identity, purpose);
  g_autoptr(SecretValue) value = NULL;
  g_autofree char *text = NULL;
  GBytes *bytes;
  gsize length = 0;
  const char *data;

  value = read_secret (password_schema (), query, identity, _("PKCS#12 file password"), cancellable, error);
  if (value == NULL)
    return NULL;
  data = secret_value_get (value, &length);
  text = g_malloc (length + 1);
  memcpy (text, data, length);
  text[length] = '\0';
  bytes = _mutual_bytes_new_wiped (text, length + 1);
  _mutual_wipe (text, length + 1);
  return bytes;
}

/* Fault injection for the atomic-replace tests: MUTUAL_FAULT_INJECTION=write:N makes
 * the process exit right after step N of a write, as a crash or a kill would. It is
 * read only when set and has no other effect. */
static void
fault_point (guint step)
{
  const char *spec = g_getenv ("MUTUAL_FAULT_INJECTION");
  guint64 wanted = 0;

  if (spec == NULL || !g_str_has_prefix (spec, "write:") ||
      !g_ascii_string_to_unsigned (spec + 6, 10, 1, 10, &wanted, NULL) || wanted != step)
    return;
  g_printerr ("MUTUAL_FAULT_INJECTION: exiting after step %u of a keyring write\n", step);
  _exit (86);
}

/* What an identity looks like once written: the summary that goes into attributes. */
static MutualIdentity *
describe (const char        *id,
          const char        *label,
          MutualCertificate *leaf,
          const char        *profile,
          MutualCaProfile   *ca_profile,
          guint              generation)
{
  MutualIdentity *identity = _mutual_identity_new (id, label, mutual_certificate_get_subject_name (leaf),
                                                   mutual_certificate_get_issuer_name (leaf),
                                                   mutual_certificate_get_sha256 (leaf),
                                                   mutual_certificate_get_key_type (leaf), profile,
                                                   mutual_certificate_get_validity (leaf), generation);

  if (ca_profile != NULL)
    _mutual_identity_set_ca_profile (identity, ca_profile);
  return identity;
}

/* Writes a complete generation, key first, reads it back and checks it. */
static gboolean
write_generation (MutualIdentity     *identity,
                  GPtrArray          *certificates,
                  MutualPrivateKey   *key,
                  GCancellable       *cancellable,
                  GError            **error)
{
  g_autoptr(GBytes) key_pem = _mutual_export_key_pkcs8 (key, NULL, TRUE, error);
  g_autofree char *chain_pem = NULL;
  g_autoptr(GBytes) chain_bytes = NULL;
  g_autoptr(GPtrArray) stored_certificates = NULL;
  g_autoptr(MutualPrivateKey) stored_key = NULL;

  if (key_pem == NULL)
    return FALSE;
  chain_pem = _mutual_export_pem_chain (certificates);
  chain_bytes = g_bytes_new (chain_pem, strlen (chain_pem));

  if (!write_item (identity, MUTUAL_ITEM_KEY, key_pem, cancellable, error))
    return FALSE;
  fault_point (1);
  if (!write_item (identity, MUTUAL_ITEM_CERTIFICATE, chain_bytes, cancellable, error))
    return FALSE;
  fault_point (2);

  stored_certificates = load_certificates_sync (identity, cancellable, error);
  if (stored_certificates == NULL)
    return FALSE;
  stored_key = load_key_sync (identity, cancellable, error);
  if (stored_key == NULL)
    return FALSE;
  if (!mutual_certificate_equal (g_ptr_array_index (stored_certificates, 0),
                                 g_ptr_array_index (certificates, 0)) ||
      stored_certificates->len != certificates->len ||
      !mutual_private_key_matches (stored_key, g_ptr_array_index (stored_certificates, 0)))
    {
      g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_ITEM_UNREADABLE,
                   _("The keyring returned something else than what was stored for “%s”"),
                   mutual_identity_get_label (identity));
      return FALSE;
    }
  fault_point (3);
  return TRUE;
}

/* Splits a bundle into the identity it holds: one key, the certificate it belongs to,
 * and that certificate's chain from the rest. */
static gboolean
identity_parts (MutualBundle       *bundle,
                MutualCertificate **leaf_out,
                GPtrArray         **chain_out,
                MutualPrivateKey  **key_out,
                GError            **error)
{
  GPtrArray *certificates = mutual_bundle_get_certificates (bundle);
  GPtrArray *keys = mutual_bundle_get_keys (bundle);
  const char *source = mutual_bundle_get_source (bundle);
  g_autoptr(MutualChain) chain = NULL;
  MutualPrivateKey *key;
  MutualCertificate *leaf = NULL;
  GPtrArray *links;

  if (keys->len == 0 && certificates->len == 0)
    return mutual_bundle_require_certificate (bundle, error);
  if (keys->len == 0)
    {
      g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_NO_KEY,
                   _("%s holds a certificate but no private key: give the key too (for example "
                     "mutualctl import cert.pem key.pem)"), source);
      return FALSE;
    }
  if (certificates->len == 0)
    {
      g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_NO_CERTIFICATE,
                   _("%s holds a private key but no certificate: give the certificate too (for "
                     "example mutualctl import cert.pem key.pem)"), source);
      return FALSE;
    }
  if (keys->len > 1)
    {
      g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_INVALID_ARGUMENT,
                   _("%s holds %u private keys: import one identity at a time"), source, keys->len);
      return FALSE;
    }

  key = g_ptr_array_index (keys, 0);
  for (guint i = 0; i < certificates->len && leaf == NULL; i++)
    {
      if (mutual_private_key_matches (key, g_ptr_array_index (certificates, i)))
        leaf = g_ptr_array_index (certificates, i);
    }
  if (leaf == NULL)
    {
      g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_KEY_MISMATCH,
                   _("The private key (%s) does not belong to the certificate “%s” (%s) or to any "
                     "other certificate given"),
                   mutual_private_key_get_key_type (key),
                   mutual_certificate_get_subject_name (g_ptr_array_index (certificates, 0)),
                   mutual_certificate_get_key_type (g_ptr_array_index (certificates, 0)));
      return FALSE;
    }

  chain = mutual_chain_new_for_leaf (leaf, certificates);
  links = mutual_chain_get_links (chain);
  *leaf_out = g_object_ref (leaf);
  *chain_out = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < links->len; i++)
    g_ptr_array_add (*chain_out, g_object_ref (g_ptr_array_index (links, i)));
  *key_out = g_object_ref (key);
  return TRUE;
}

/* Looks for a stored certificate item with @attribute = @value, other than those of
 * @except_id, by the keyring's attribute index: one call, however many identities
 * there are. */
static gboolean
certificate_item_exists (const char   *attribute,
                         const char   *value,
                         const char   *except_id,
                         GHashTable  **found,
                         GCancellable *cancellable,
                         GError      **error)
{
  g_autoptr(GHashTable) query = g_hash_table_new (g_str_hash, g_str_equal);
  GList *items;
  GError *local_error = NULL;
  gboolean exists = FALSE;

  g_hash_table_insert (query, (gpointer) MUTUAL_ATTRIBUTE_KIND, (gpointer) MUTUAL_ITEM_CERTIFICATE);
  g_hash_table_insert (query, (gpointer) attribute, (gpointer) value);
  items = secret_password_searchv_sync (identity_schema (), query, SECRET_SEARCH_ALL, cancellable,
                                        &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  for (GList *l = items; l != NULL && !exists; l = l->next)
    {
      g_autoptr(GHashTable) attributes = secret_retrievable_get_attributes (l->data);

      if (g_strcmp0 (g_hash_table_lookup (attributes, MUTUAL_ATTRIBUTE_ID), except_id) == 0)
        continue;
      exists = TRUE;
      if (found != NULL)
        *found = g_steal_pointer (&attributes);
    }
  g_list_free_full (items, g_object_unref);
  return exists;
}

static char *
new_id (GCancellable  *cancellable,
        GError       **error)
{
  /* No 0/o or 1/l: ids are read aloud and typed. */
  static const char alphabet[] = "abcdefghijkmnpqrstuvwxyz23456789";

  for (guint attempt = 0; attempt < 16; attempt++)
    {
      char id[ID_LENGTH + 1];
      g_autoptr(GHashTable) query = g_hash_table_new (g_str_hash, g_str_equal);
      GList *items;
      GError *local_error = NULL;

      for (guint i = 0; i < ID_LENGTH; i++)
        id[i] = alphabet[g_random_int_range (0, sizeof alphabet - 1)];
      id[ID_LENGTH] = '\0';

      g_hash_table_insert (query, (gpointer) MUTUAL_ATTRIBUTE_ID, id);
      items = secret_password_searchv_sync (identity_schema (), query, SECRET_SEARCH_ALL, cancellable,
                                            &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return NULL;
        }
      if (items == NULL)
        return g_strdup (id);
      g_list_free_full (items, g_object_unref);
    }

  g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_FAILED, _("Cannot find a free identity id"));
  return NULL;
}

static MutualIdentity *
add_sync (MutualBundle  *bundle,
          const char    *label,
          MutualCaProfile *ca_profile,
          GCancellable  *cancellable,
          GError       **error)
{
  g_autoptr(MutualCertificate) leaf = NULL;
  g_autoptr(GPtrArray) chain = NULL;
  g_autoptr(MutualPrivateKey) key = NULL;
  g_autoptr(MutualIdentity) identity = NULL;
  g_autoptr(GHashTable) other = NULL;
  g_autofree char *id = NULL;
  g_autofree char *chosen_label = NULL;
  GError *local_error = NULL;

  if (!identity_parts (bundle, &leaf, &chain, &key, error))
    return NULL;

  if (certificate_item_exists (MUTUAL_ATTRIBUTE_SHA256, mutual_certificate_get_sha256 (leaf), NULL, &other,
                               cancellable, &local_error))
    {
      g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_EXISTS,
                   _("This certificate is already stored as “%s” (id %s)"),
                   (const char *) g_hash_table_lookup (other, MUTUAL_ATTRIBUTE_LABEL),
                   (const char *) g_hash_table_lookup (other, MUTUAL_ATTRIBUTE_ID));
      return NULL;
    }

  if (local_error == NULL && label != NULL &&
      certificate_item_exists (MUTUAL_ATTRIBUTE_LABEL, label, NULL, NULL, cancellable, &local_error))
    {
      g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_EXISTS,
                   _("Another identity is already labelled “%s”: choose another label"), label);
      return NULL;
    }

  chosen_label = g_strdup (label ? label : mutual_certificate_get_subject_name (leaf));
  for (guint n = 2; local_error == NULL && label == NULL && n < 1000 &&
                    certificate_item_exists (MUTUAL_ATTRIBUTE_LABEL, chosen_label, NULL, NULL, cancellable,
                                             &local_error);
       n++)
    {
      g_free (chosen_label);
      chosen_label = g_strdup_printf ("%s (%u)", mutual_certificate_get_subject_name (leaf), n);
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }

  id = new_id (cancellable, error);
  if (id == NULL)
    return NULL;
  identity = describe (id, chosen_label, leaf, "", ca_profile, 1);
  if (!write_generation (identity, chain, key, cancellable, error))
    {
      /* Leave nothing half-written behind. */
      delete_generation (identity, NULL, NULL);
      return NULL;
    }
  return g_steal_pointer (&identity);
}

/* Deletes every generation of @identity older than its own: the one it replaces and
 * any left by an earlier interrupted write. */
static gboolean
delete_older_generations (MutualIdentity  *identity,
                          GCancellable    *cancellable,
                          GError         **error)
{
  g_autoptr(GHashTable) query = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GList *items;
  GError *local_error = NULL;
  gboolean first = TRUE;

  g_hash_table_insert (query, (gpointer) MUTUAL_ATTRIBUTE_ID, (gpointer) mutual_identity_get_id (identity));
  items = secret_password_searchv_sync (identity_schema (), query, SECRET_SEARCH_ALL, cancellable,
                                        &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  for (GList *l = items; l != NULL; l = l->next)
    {
      g_autoptr(GHashTable) attributes = secret_retrievable_get_attributes (l->data);
      const char *text = g_hash_table_lookup (attributes, MUTUAL_ATTRIBUTE_GENERATION);
      g_autoptr(GHashTable) old = NULL;
      guint64 generation = 0;

      if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT, &generation, NULL) ||
          generation >= mutual_identity_get_generation (identity) || g_hash_table_contains (seen, text))
        continue;
      g_hash_table_add (seen, g_strdup (text));

      old = g_hash_table_new (g_str_hash, g_str_equal);
      g_hash_table_insert (old, (gpointer) MUTUAL_ATTRIBUTE_ID, (gpointer) mutual_identity_get_id (identity));
      g_hash_table_insert (old, (gpointer) MUTUAL_ATTRIBUTE_GENERATION, (gpointer) text);
      secret_password_clearv_sync (identity_schema (), old, cancellable, &local_error);
      if (local_error != NULL)
        break;
      if (first)
        fault_point (4);
      first = FALSE;
    }
  g_list_free_full (items, g_object_unref);

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

/* Writes generation n + 1 and removes generation n and anything older. */
static MutualIdentity *
replace_sync (MutualIdentity  *identity,
              const char      *label,
              MutualCaProfile *ca_profile,
              GPtrArray       *certificates,
              MutualPrivateKey *key,
              GCancellable    *cancellable,
              GError         **error)
{
  g_autoptr(MutualIdentity) next = NULL;

  next = describe (mutual_identity_get_id (identity), label ? label : mutual_identity_get_label (identity),
                   g_ptr_array_index (certificates, 0), mutual_identity_get_profile (identity),
                   ca_profile ? ca_profile : mutual_identity_get_ca_profile (identity),
                   mutual_identity_get_generation (identity) + 1);

  if (!write_generation (next, certificates, key, cancellable, error))
    {
      /* The old generation is untouched: only the unfinished new one goes. */
      delete_generation (next, NULL, NULL);
      return NULL;
    }

  if (!delete_older_generations (next, cancellable, error))
    return NULL;

  return g_steal_pointer (&next);
}

/* Operations */

typedef enum
{
  OPERATION_REFRESH,
  OPERATION_ADD,
  OPERATION_LOAD_CERTIFICATES,
  OPERATION_LOAD_CREDENTIALS,
  OPERATION_RENAME,
  OPERATION_REPLACE,
  OPERATION_REMOVE,
  OPERATION_EXPORT,
  OPERATION_FIND,
  OPERATION_SET_CA_PROFILE,
  OPERATION_SET_OUTPUT_PASSWORD,
  OPERATION_LOOKUP_OUTPUT_PASSWORD,
} OperationKind;

typedef struct
{
  OperationKind kind;
  MutualIdentity *identity;
  MutualBundle *bundle;
  char *label;
  char *password;
  MutualCaProfile *ca_profile;
  GFile *destination;
  MutualExportFormat format;
  char *purpose;
} Operation;

static void
operation_free (Operation *operation)
{
  g_clear_object (&operation->identity);
  g_clear_object (&operation->bundle);
  g_clear_pointer (&operation->label, g_free);
  g_clear_pointer (&operation->purpose, g_free);
  g_clear_object (&operation->ca_profile);
  if (operation->password != NULL)
    {
      _mutual_wipe (operation->password, strlen (operation->password));
      g_clear_pointer (&operation->password, g_free);
    }
  g_clear_object (&operation->destination);
  g_free (operation);
}

/* Writes @data to @destination atomically and readable by the user alone: a
 * temporary file beside it, created with mode 0600, written, synced and renamed. A
 * crash leaves either the old file or the new one, never a partial one. */
gboolean
_mutual_write_private_file (GFile    *destination,
                    GBytes   *data,
                    GError  **error)
{
  g_autofree char *path = g_file_get_path (destination);
  g_autofree char *folder = NULL;
  g_autofree char *base = NULL;
  g_autofree char *temporary = NULL;
  const guint8 *bytes;
  gsize length;
  gsize written = 0;
  int saved;
  int fd;

  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (destination);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Cannot write %s: exports go to local files only"), uri);
      return FALSE;
    }

  folder = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  temporary = g_strdup_printf ("%s/.%s.XXXXXX", folder, base);
  fd = g_mkstemp_full (temporary, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Cannot write %s: %s"), path,
                   g_strerror (saved));
      return FALSE;
    }

  bytes = g_bytes_get_data (data, &length);
  while (written < length)
    {
      gssize n = write (fd, bytes + written, length - written);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        break;
      written += n;
    }
  saved = written == length ? 0 : errno;
  if (saved == 0 && fsync (fd) != 0)
    saved = errno;
  if (close (fd) != 0 && saved == 0)
    saved = errno;
  if (saved == 0 && rename (temporary, path) != 0)
    saved = errno;

  if (saved != 0)
    {
      unlink (temporary);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Cannot write %s: %s"), path,
                   g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static gboolean
export_sync (Operation     *operation,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GPtrArray) certificates = load_certificates_sync (operation->identity, cancellable, error);
  g_autoptr(MutualPrivateKey) key = NULL;
  g_autoptr(GBytes) data = NULL;

  if (certificates == NULL)
    return FALSE;
  key = load_key_sync (operation->identity, cancellable, error);
  if (key == NULL)
    return FALSE;

  if (operation->format == MUTUAL_EXPORT_PKCS12)
    data = _mutual_export_pkcs12 (certificates, key, mutual_identity_get_label (operation->identity),
                                  operation->password, error);
  else
    data = _mutual_export_pem_bundle (certificates, key, operation->password, error);
  if (data == NULL)
    return FALSE;

  return _mutual_write_private_file (operation->destination, data, error);
}

/* The chain and the key, for a connection. The key stays in memory that is wiped
 * when the last reference to it goes. */
static MutualBundle *
load_credentials_sync (MutualIdentity  *identity,
                       GCancellable    *cancellable,
                       GError         **error)
{
  g_autoptr(GPtrArray) certificates = load_certificates_sync (identity, cancellable, error);
  g_autoptr(MutualPrivateKey) key = NULL;
  g_autoptr(MutualBundle) bundle = NULL;
  g_autofree char *source = NULL;

  if (certificates == NULL)
    return NULL;
  key = load_key_sync (identity, cancellable, error);
  if (key == NULL)
    return NULL;

  /* Translators: where a bundle came from; %s is the identity's label. */
  source = g_strdup_printf (_("the keyring’s identity “%s”"), mutual_identity_get_label (identity));
  bundle = _mutual_bundle_new (source);
  _mutual_bundle_set_format (bundle, "keyring");
  for (guint i = 0; i < certificates->len; i++)
    _mutual_bundle_add_certificate (bundle, g_ptr_array_index (certificates, i));
  _mutual_bundle_add_key (bundle, key);
  return g_steal_pointer (&bundle);
}

static GMutex keyring_lock;

static void
operation_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Operation *operation = task_data;
  g_autoptr(GError) error = NULL;
  Deadline deadline;

  /* One keyring operation at a time in a process: libsecret 0.20's synchronous calls
   * from several threads at once can complete one of its internal tasks twice (seen
   * when the renewal agent renewed two identities while the list was refreshed), and
   * the keyring serialises them anyway. */
  g_mutex_lock (&keyring_lock);
  deadline_start (&deadline, cancellable);

  switch (operation->kind)
    {
    case OPERATION_REFRESH:
      {
        GPtrArray *identities = list_sync (deadline.cancellable, &error);

        map_keyring_error (&error, &deadline);
        if (identities != NULL)
          g_task_return_pointer (task, identities, (GDestroyNotify) g_ptr_array_unref);
      }
      break;

    case OPERATION_ADD:
      {
        MutualIdentity *identity = add_sync (operation->bundle, operation->label, operation->ca_profile,
                                             deadline.cancellable, &error);

        map_keyring_error (&error, &deadline);
        if (identity != NULL)
          g_task_return_pointer (task, identity, g_object_unref);
      }
      break;

    case OPERATION_LOAD_CERTIFICATES:
      {
        GPtrArray *certificates = load_certificates_sync (operation->identity, deadline.cancellable,
                                                          &error);

        map_keyring_error (&error, &deadline);
        if (certificates != NULL)
          g_task_return_pointer (task, certificates, (GDestroyNotify) g_ptr_array_unref);
      }
      break;

    case OPERATION_LOAD_CREDENTIALS:
      {
        MutualBundle *bundle = load_credentials_sync (operation->identity, deadline.cancellable,
                                                      &error);

        map_keyring_error (&error, &deadline);
        if (bundle != NULL)
          g_task_return_pointer (task, bundle, g_object_unref);
      }
      break;

    case OPERATION_RENAME:
    case OPERATION_REPLACE:
      {
        g_autoptr(GPtrArray) certificates = NULL;
        g_autoptr(MutualPrivateKey) key = NULL;
        g_autoptr(MutualCertificate) leaf = NULL;
        MutualIdentity *identity = NULL;

        if (operation->kind == OPERATION_RENAME)
          {
            if (certificate_item_exists (MUTUAL_ATTRIBUTE_LABEL, operation->label,
                                         mutual_identity_get_id (operation->identity), NULL,
                                         deadline.cancellable, &error))
              g_set_error (&error, MUTUAL_ERROR, MUTUAL_ERROR_EXISTS,
                           _("Another identity is already labelled “%s”: choose another label"),
                           operation->label);
            if (error == NULL)
              certificates = load_certificates_sync (operation->identity, deadline.cancellable, &error);
            if (certificates != NULL)
              key = load_key_sync (operation->identity, deadline.cancellable, &error);
          }
        else
          {
            identity_parts (operation->bundle, &leaf, &certificates, &key, &error);
          }

        if (key != NULL)
          identity = replace_sync (operation->identity, operation->label, NULL, certificates, key,
                                   deadline.cancellable, &error);
        map_keyring_error (&error, &deadline);
        if (identity != NULL)
          g_task_return_pointer (task, identity, g_object_unref);
      }
      break;

    case OPERATION_REMOVE:
      {
        g_autoptr(GHashTable) query = g_hash_table_new (g_str_hash, g_str_equal);

        g_hash_table_insert (query, (gpointer) MUTUAL_ATTRIBUTE_ID,
                             (gpointer) mutual_identity_get_id (operation->identity));
        secret_password_clearv_sync (identity_schema (), query, deadline.cancellable, &error);
        /* Its outputs' passwords go with it. */
        if (error == NULL)
          set_output_password_sync (operation->identity, NULL, NULL, deadline.cancellable, &error);
        map_keyring_error (&error, &deadline);
        if (error == NULL)
          g_task_return_boolean (task, TRUE);
      }
      break;

    case OPERATION_SET_OUTPUT_PASSWORD:
      if (set_output_password_sync (operation->identity, operation->purpose, operation->password,
                                    deadline.cancellable, &error))
        g_task_return_boolean (task, TRUE);
      map_keyring_error (&error, &deadline);
      break;

    case OPERATION_LOOKUP_OUTPUT_PASSWORD:
      {
        GBytes *password = lookup_output_password_sync (operation->identity, operation->purpose,
                                                        deadline.cancellable, &error);

        map_keyring_error (&error, &deadline);
        if (password != NULL)
          g_task_return_pointer (task, password, (GDestroyNotify) g_bytes_unref);
      }
      break;

    case OPERATION_FIND:
      {
        MutualIdentity *identity = find_sync (operation->label, deadline.cancellable, &error);

        map_keyring_error (&error, &deadline);
        if (identity != NULL)
          g_task_return_pointer (task, identity, g_object_unref);
      }
      break;

    case OPERATION_SET_CA_PROFILE:
      {
        g_autoptr(MutualIdentity) current = NULL;
        g_autoptr(GPtrArray) certificates = NULL;
        g_autoptr(MutualPrivateKey) key = NULL;
        MutualIdentity *identity = NULL;

        /* The generation stored now, not the one the caller listed: it may have been
         * renewed since, and writing after an old one would fork the identity. */
        current = find_sync (mutual_identity_get_id (operation->identity), deadline.cancellable, &error);
        if (current != NULL && !g_str_equal (mutual_identity_get_id (current),
                                             mutual_identity_get_id (operation->identity)))
          g_set_error (&error, MUTUAL_ERROR, MUTUAL_ERROR_NOT_FOUND, _("“%s” is no longer in the keyring"),
                       mutual_identity_get_label (operation->identity));
        if (error == NULL)
          certificates = load_certificates_sync (current, deadline.cancellable, &error);
        if (certificates != NULL)
          key = load_key_sync (current, deadline.cancellable, &error);
        if (key != NULL)
          identity = replace_sync (current, NULL, operation->ca_profile, certificates, key,
                                   deadline.cancellable, &error);
        map_keyring_error (&error, &deadline);
        if (identity != NULL)
          g_task_return_pointer (task, identity, g_object_unref);
      }
      break;

    case OPERATION_EXPORT:
      if (export_sync (operation, deadline.cancellable, &error))
        g_task_return_boolean (task, TRUE);
      map_keyring_error (&error, &deadline);
      break;

    default:
      g_assert_not_reached ();
    }

  deadline_stop (&deadline);
  g_mutex_unlock (&keyring_lock);
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
}

static GTask *
start_operation (MutualIdentityStore *self,
                 Operation           *operation,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data,
                 gpointer             source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, operation, (GDestroyNotify) operation_free);
  /* Writes to one keyring are serialised by the keyring itself; runs in parallel would
   * only race on the "highest complete generation". */
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, operation_thread);
  return task;
}

static Operation *
operation_new (OperationKind   kind,
               MutualIdentity *identity)
{
  Operation *operation = g_new0 (Operation, 1);

  operation->kind = kind;
  operation->identity = identity ? g_object_ref (identity) : NULL;
  return operation;
}

/* The list model */

/* An identity is immutable for a given generation: a rename or a renewal writes a new
 * one. */
static gboolean
same_identity (MutualIdentity *first,
               MutualIdentity *second)
{
  return mutual_identity_get_generation (first) == mutual_identity_get_generation (second) &&
         g_str_equal (mutual_identity_get_id (first), mutual_identity_get_id (second));
}

/* Replaces the list and announces only the range that changed. Refreshes are frequent
 * (every time a window is activated) and mostly change nothing: views then keep their
 * rows, and with them the selection and the keyboard focus. */
static void
set_identities (MutualIdentityStore *self,
                GPtrArray           *identities)
{
  guint old_length = self->identities->len;
  guint new_length = identities->len;
  guint prefix = 0;
  guint suffix = 0;
  guint removed;
  guint added;

  while (prefix < old_length && prefix < new_length &&
         same_identity (g_ptr_array_index (self->identities, prefix),
                        g_ptr_array_index (identities, prefix)))
    prefix++;
  while (suffix < old_length - prefix && suffix < new_length - prefix &&
         same_identity (g_ptr_array_index (self->identities, old_length - 1 - suffix),
                        g_ptr_array_index (identities, new_length - 1 - suffix)))
    suffix++;

  removed = old_length - prefix - suffix;
  added = new_length - prefix - suffix;
  if (removed == 0 && added == 0)
    return;

  g_ptr_array_remove_range (self->identities, prefix, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (self->identities, prefix + i,
                        g_object_ref (g_ptr_array_index (identities, prefix + i)));
  g_list_model_items_changed (G_LIST_MODEL (self), prefix, removed, added);
}

static void refresh_after (MutualIdentityStore *self);

static void
background_refresh_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  MutualIdentityStore *self = MUTUAL_IDENTITY_STORE (source);
  g_autoptr(GError) error = NULL;

  if (!mutual_identity_store_refresh_finish (self, result, &error))
    g_debug ("Refreshing the identities failed: %s", error->message);

  self->refreshing = FALSE;
  if (self->refresh_again)
    {
      self->refresh_again = FALSE;
      refresh_after (self);
    }
}

/* Refreshes after a change. Listing reads every item's attributes, so changes that
 * come while a refresh runs are folded into one more refresh after it. */
static void
refresh_after (MutualIdentityStore *self)
{
  /* Only a model someone watches is kept up to date: a one-shot command does not pay
   * for listing everything after each change. */
  if (!self->watching)
    return;
  if (self->refreshing)
    {
      self->refresh_again = TRUE;
      return;
    }
  self->refreshing = TRUE;
  mutual_identity_store_refresh_async (self, NULL, background_refresh_cb, NULL);
}

MutualIdentityStore *
mutual_identity_store_new (void)
{
  return g_object_new (MUTUAL_TYPE_IDENTITY_STORE, NULL);
}

/**
 * mutual_identity_store_lookup:
 * @id_or_label: an identity's id, or its label when no other identity has the same
 *
 * Looks in the list as last refreshed.
 *
 * Returns: (transfer full) (nullable): the identity, or %NULL with @error set
 */
MutualIdentity *
mutual_identity_store_lookup (MutualIdentityStore  *self,
                              const char           *id_or_label,
                              GError              **error)
{
  MutualIdentity *by_label = NULL;
  guint label_matches = 0;

  g_return_val_if_fail (MUTUAL_IS_IDENTITY_STORE (self), NULL);
  g_return_val_if_fail (id_or_label != NULL, NULL);

  for (guint i = 0; i < self->identities->len; i++)
    {
      MutualIdentity *identity = g_ptr_array_index (self->identities, i);

      if (g_str_equal (mutual_identity_get_id (identity), id_or_label))
        return g_object_ref (identity);
      if (g_str_equal (mutual_identity_get_label (identity), id_or_label))
        {
          by_label = identity;
          label_matches++;
        }
    }

  if (label_matches == 1)
    return g_object_ref (by_label);
  if (label_matches > 1)
    g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_INVALID_ARGUMENT,
                 _("%u identities are labelled “%s”: use the id instead"), label_matches, id_or_label);
  else
    g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_NOT_FOUND,
                 _("No identity has the id or label “%s”"), id_or_label);
  return NULL;
}

/**
 * mutual_identity_store_refresh_async:
 *
 * Reads the list of identities from the keyring (attributes only: nothing is
 * unlocked) and updates the model.
 */
void
mutual_identity_store_refresh_async (MutualIdentityStore *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MUTUAL_IS_IDENTITY_STORE (self));

  task = start_operation (self, operation_new (OPERATION_REFRESH, NULL), cancellable, callback,
                          user_data, mutual_identity_store_refresh_async);
}

gboolean
mutual_identity_store_refresh_finish (MutualIdentityStore  *self,
                                      GAsyncResult         *result,
                                      GError              **error)
{
  g_autoptr(GPtrArray) identities = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  identities = g_task_propagate_pointer (G_TASK (result), error);
  if (identities == NULL)
    return FALSE;
  set_identities (self, identities);
  return TRUE;
}

/**
 * mutual_identity_store_add_async:
 * @bundle: what the importer read: one private key, its certificate, and optionally
 *   the rest of the chain
 * @label: (nullable): the label; by default the certificate's subject name
 *
 * Stores a new identity. Fails with %MUTUAL_ERROR_NO_KEY, %MUTUAL_ERROR_NO_CERTIFICATE
 * or %MUTUAL_ERROR_KEY_MISMATCH when the bundle is not one, and %MUTUAL_ERROR_EXISTS
 * when the certificate is already stored.
 */
void
mutual_identity_store_add_async (MutualIdentityStore *self,
                                 MutualBundle        *bundle,
                                 const char          *label,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Operation *operation;

  g_return_if_fail (MUTUAL_IS_IDENTITY_STORE (self));
  g_return_if_fail (MUTUAL_IS_BUNDLE (bundle));

  operation = operation_new (OPERATION_ADD, NULL);
  operation->bundle = g_object_ref (bundle);
  operation->label = g_strdup (label);
  task = start_operation (self, operation, cancellable, callback, user_data,
                          mutual_identity_store_add_async);
}

/**
 * mutual_identity_store_add_full_async:
 * @bundle: one private key, its certificate and its chain
 * @label: (nullable): the label; by default the certificate's subject name
 * @ca_profile: (nullable): how the identity is renewed, kept with it
 *
 * Like mutual_identity_store_add_async(), for an identity obtained from a CA; finish
 * it with mutual_identity_store_add_finish().
 */
void
mutual_identity_store_add_full_async (MutualIdentityStore *self,
                                      MutualBundle        *bundle,
                                      const char          *label,
                                      MutualCaProfile     *ca_profile,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Operation *operation;

  g_return_if_fail (MUTUAL_IS_IDENTITY_STORE (self));
  g_return_if_fail (MUTUAL_IS_BUNDLE (bundle));
  g_return_if_fail (ca_profile == NULL || MUTUAL_IS_CA_PROFILE (ca_profile));

  operation = operation_new (OPERATION_ADD, NULL);
  operation->bundle = g_object_ref (bundle);
  operation->label = g_strdup (label);
  operation->ca_profile = ca_profile ? g_object_ref (ca_profile) : NULL;
  task = start_operation (self, operation, cancellable, callback, user_data,
                          mutual_identity_store_add_async);
}

static gpointer
finish_pointer (MutualIdentityStore  *self,
                GAsyncResult         *result,
                gpointer              source_tag,
                gboolean              refresh,
                GError              **error)
{
  gpointer value;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  value = g_task_propagate_pointer (G_TASK (result), error);
  if (value != NULL && refresh)
    refresh_after (self);
  return value;
}

/**
 * mutual_identity_store_add_finish:
 *
 * Returns: (transfer full): the new identity, or %NULL with @error set
 */
MutualIdentity *
mutual_identity_store_add_finish (MutualIdentityStore  *self,
                                  GAsyncResult         *result,
                                  GError              **error)
{
  return finish_pointer (self, result, mutual_identity_store_add_async, TRUE, error);
}

/**
 * mutual_identity_store_load_certificates_async:
 *
 * Loads the identity's certificate and chain (not its key).
 */
void
mutual_identity_store_load_certificates_async (MutualIdentityStore *self,
                                               MutualIdentity      *identity,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MUTUAL_IS_IDENTITY_STORE (self));
  g_return_if_fail (MUTUAL_IS_IDENTITY (identity));

  task = start_operation (self, operation_new (OPERATION_LOAD_CERTIFICATES, identity), cancellable,
                          callback, user_data, mutual_identity_store_load_certificates_async);
}

/**
 * mutual_identity_store_load_certificates_finish:
 *
 * Returns: (transfer container) (element-type MutualCertificate): leaf first
 */
GPtrArray *
mutual_identity_store_load_certificates_finish (MutualIdentityStore  *self,
                                                GAsyncResult         *result,
                                                GError              **error)
{
  return finish_pointer (self, result, mutual_identity_store_load_certificates_async, FALSE, error);
}

/**
 * mutual_identity_store_load_credentials_async:
 *
 * Loads the identity's certificate, chain and private key, to present them in a
 * handshake. The key is held in memory only, and wiped when released.
 */
void
mutual_identity_store_load_credentials_async (MutualIdentityStore *self,
                                              MutualIdentity      *identity,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MUTUAL_IS_IDENTITY_STORE (self));
  g_return_if_fail (MUTUAL_IS_IDENTITY (identity));

  task = start_operation (self, operation_new (OPERATION_LOAD_CREDENTIALS, identity), cancellable,
                          callback, user_data, mutual_identity_store_load_credentials_async);
}

/**
 * mutual_identity_store_load_credentials_finish:
 *
 * Returns: (transfer full): a bundle with the chain (leaf first) and the one key
 */
MutualBundle *
mutual_identity_store_load_credentials_finish (MutualIdentityStore  *self,
                                               GAsyncResult         *result,
                                               GError              **error)
{
  return finish_pointer (self, result, mutual_identity_store_load_credentials_async, FALSE, error);
}

/**
 * mutual_identity_store_rename_async:
 *
 * Changes an identity's label. The keyring API available inside Flatpak cannot change
 * an item's attributes, so this is a replace with the same material.
 */
void
mutual_identity_store_rename_async (MutualIdentityStore *self,
                                    MutualIdentity      *identity,
                                    const char          *label,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Operation *operation;

  g_return_if_fail (MUTUAL_IS_IDENTITY_STORE (self));
  g_return_if_fail (MUTUAL_IS_IDENTITY (identity));
  g_return_if_fail (label != NULL && label[0] != '\0');

  operation = operation_new (OPERATION_RENAME, identity);
  operation->label = g_strdup (label);
  task = start_operation (self, operation, cancellable, callback, user_data,
                          mutual_identity_store_rename_async);
}

/**
 * mutual_identity_store_rename_finish:
 *
 * Returns: (transfer full): the renamed identity
 */
MutualIdentity *
mutual_identity_store_rename_finish (MutualIdentityStore  *self,
                                     GAsyncResult         *result,
                                     GError              **error)
{
  return finish_pointer (self, result, mutual_identity_store_rename_async, TRUE, error);
}

/**
 * mutual_identity_store_replace_async:
 * @bundle: the new key, certificate and chain
 *
 * Replaces an identity's material atomically (renewal): the new generation is written,
 * read back and checked before the old one is deleted. The id and label stay.
 */
void
mutual_identity_store_replace_async (MutualIdentityStore *self,
                                     MutualIdentity      *identity,
                                     MutualBundle        *bundle,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Operation *operation;

  g_return_if_fail (MUTUAL_IS_IDENTITY_STORE (self));
  g_return_if_fail (MUTUAL_IS_IDENTITY (identity));
  g_return_if_fail (MUTUAL_IS_BUNDLE (bundle));

  operation = operation_new (OPERATION_REPLACE, identity);
  operation->bundle = g_object_ref (bundle);
  task = start_operation (self, operation, cancellable, callback, user_data,
                          mutual_identity_store_replace_async);
}

/**
 * mutual_identity_store_replace_finish:
 *
 * Returns: (transfer full): the identity as it is now stored
 */
MutualIdentity *
mutual_identity_store_replace_finish (MutualIdentityStore  *self,
                                      GAsyncResult         *result,
                                      GError              **error)
{
  return finish_pointer (self, result, mutual_identity_store_replace_async, TRUE, error);
}

/**
 * mutual_identity_store_find_async:
 * @id_or_label: an identity's id, or its label when no other identity has the same
 *
 * Reads one identity from the keyring, as it is stored now, without listing the
 * others: a search by the id attribute (and by the label when no id matches), which
 * costs the same however many identities there are. Attributes only: nothing is
 * unlocked. The model is not changed.
 */
void
mutual_identity_store_find_async (MutualIdentityStore *self,
                                  const char          *id_or_label,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Operation *operation;

  g_return_if_fail (MUTUAL_IS_IDENTITY_STORE (self));
  g_return_if_fail (id_or_label != NULL);

  operation = operation_new (OPERATION_FIND, NULL);
  operation->label = g_strdup (id_or_label);
  task = start_operation (self, operation, cancellable, callback, user_data, mutual_identity_store_find_async);
}

/**
 * mutual_identity_store_find_finish:
 *
 * Returns: (transfer full): the identity, or %NULL with @error set
 *   (%MUTUAL_ERROR_NOT_FOUND, or %MUTUAL_ERROR_INVALID_ARGUMENT for a label that
 *   several identities have)
 */
MutualIdentity *
mutual_identity_store_find_finish (MutualIdentityStore  *self,
                                   GAsyncResult         *result,
                                   GError              **error)
{
  return finish_pointer (self, result, mutual_identity_store_find_async, FALSE, error);
}

/**
 * mutual_identity_store_set_ca_profile_async:
 * @identity: an identity; its current generation is the one changed
 * @ca_profile: the profile to keep with it from now on (renewal policy, outputs, hook)
 *
 * Changes the CA profile kept with an identity, atomically: like a renewal, the next
 * generation is written with the same certificate and key, read back and checked, and
 * only then is the previous one deleted. The key is read for that: the keyring API
 * that also works inside Flatpak (secret_password_*) cannot change an item's
 * attributes, and storing with other attributes makes a new item, which needs the
 * secret. Callers that may race with a renewal use mutual_renewal_set_profile_async(),
 * which holds the identity's renewal lock.
 */
void
mutual_identity_store_set_ca_profile_async (MutualIdentityStore *self,
                                            MutualIdentity      *identity,
                                            MutualCaProfile     *ca_profile,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Operation *operation;

  g_return_if_fail (MUTUAL_IS_IDENTITY_STORE (self));
  g_return_if_fail (MUTUAL_IS_IDENTITY (identity));
  g_return_if_fail (MUTUAL_IS_CA_PROFILE (ca_profile));

  operation = operation_new (OPERATION_SET_CA_PROFILE, identity);
  operation->ca_profile = mutual_ca_profile_copy (ca_profile);
  task = start_operation (self, operation, cancellable, callback, user_data,
                          mutual_identity_store_set_ca_profile_async);
}

/**
 * mutual_identity_store_set_ca_profile_finish:
 *
 * Returns: (transfer full): the identity as it is now stored, with the new profile
 */
MutualIdentity *
mutual_identity_store_set_ca_profile_finish (MutualIdentityStore  *self,
                                             GAsyncResult         *result,
                                             GError              **error)
{
  return finish_pointer (self, result, mutual_identity_store_set_ca_profile_async, TRUE, error);
}

void
mutual_identity_store_remove_async (MutualIdentityStore *self,
                                    MutualIdentity      *identity,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MUTUAL_IS_IDENTITY_STORE (self));
  g_return_if_fail (MUTUAL_IS_IDENTITY (identity));

  task = start_operation (self, operation_new (OPERATION_REMOVE, identity), cancellable, callback,
                          user_data, mutual_identity_store_remove_async);
}

gboolean
mutual_identity_store_remove_finish (MutualIdentityStore  *self,
                                     GAsyncResult         *result,
                                     GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  refresh_after (self);
  return TRUE;
}

/**
 * mutual_identity_store_export_async:
 * @password: (nullable): required for %MUTUAL_EXPORT_PKCS12; encrypts the key of a
 *   %MUTUAL_EXPORT_PEM bundle when given
 *
 * Writes the identity, private key included, to @destination, atomically and with
 * mode 0600. This is the only way a private key leaves the keyring.
 */
void
mutual_identity_store_export_async (MutualIdentityStore *self,
                                    MutualIdentity      *identity,
                                    MutualExportFormat   format,
                                    const char          *password,
                                    GFile               *destination,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Operation *operation;

  g_return_if_fail (MUTUAL_IS_IDENTITY_STORE (self));
  g_return_if_fail (MUTUAL_IS_IDENTITY (identity));
  g_return_if_fail (G_IS_FILE (destination));

  if (format == MUTUAL_EXPORT_PKCS12 && (password == NULL || password[0] == '\0'))
    {
      g_task_report_new_error (self, callback, user_data, mutual_identity_store_export_async,
                               MUTUAL_ERROR, MUTUAL_ERROR_INVALID_ARGUMENT,
                               _("A PKCS#12 file needs a password"));
      return;
    }

  operation = operation_new (OPERATION_EXPORT, identity);
  operation->format = format;
  operation->password = g_strdup (password);
  operation->destination = g_object_ref (destination);
  task = start_operation (self, operation, cancellable, callback, user_data,
                          mutual_identity_store_export_async);
}

gboolean
mutual_identity_store_export_finish (MutualIdentityStore  *self,
                                     GAsyncResult         *result,
                                     GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * mutual_identity_store_set_output_password_async:
 * @identity: an identity
 * @purpose: the output the password protects: %MUTUAL_OUTPUT_PASSWORD_PKCS12
 * @password: (nullable): the password, or %NULL to delete the one stored
 *
 * Keeps the password of one of the identity's output files as a keyring item of its
 * own (schema io.github.mutual.OutputPassword, with the identity's id and @purpose),
 * replacing the one stored before. It is never one of the identity's attributes; it
 * stays across renewals and renames and is deleted with the identity.
 */
void
mutual_identity_store_set_output_password_async (MutualIdentityStore *self,
                                                 MutualIdentity      *identity,
                                                 const char          *purpose,
                                                 const char          *password,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Operation *operation;

  g_return_if_fail (MUTUAL_IS_IDENTITY_STORE (self));
  g_return_if_fail (MUTUAL_IS_IDENTITY (identity));
  g_return_if_fail (purpose != NULL);

  if (password != NULL && password[0] == '\0')
    {
      g_task_report_new_error (self, callback, user_data, mutual_identity_store_set_output_password_async,
                               MUTUAL_ERROR, MUTUAL_ERROR_INVALID_ARGUMENT, _("The password cannot be empty"));
      return;
    }

  operation = operation_new (OPERATION_SET_OUTPUT_PASSWORD, identity);
  operation->purpose = g_strdup (purpose);
  operation->password = g_strdup (password);
  task = start_operation (self, operation, cancellable, callback, user_data,
                          mutual_identity_store_set_output_password_async);
}

gboolean
mutual_identity_store_set_output_password_finish (MutualIdentityStore  *self,
                                                  GAsyncResult         *result,
                                                  GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * mutual_identity_store_lookup_output_password_async:
 * @identity: an identity
 * @purpose: the output the password protects: %MUTUAL_OUTPUT_PASSWORD_PKCS12
 *
 * Reads the password kept with mutual_identity_store_set_output_password_async().
 */
void
mutual_identity_store_lookup_output_password_async (MutualIdentityStore *self,
                                                    MutualIdentity      *identity,
                                                    const char          *purpose,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Operation *operation;

  g_return_if_fail (MUTUAL_IS_IDENTITY_STORE (self));
  g_return_if_fail (MUTUAL_IS_IDENTITY (identity));
  g_return_if_fail (purpose != NULL);

  operation = operation_new (OPERATION_LOOKUP_OUTPUT_PASSWORD, identity);
  operation->purpose = g_strdup (purpose);
  task = start_operation (self, operation, cancellable, callback, user_data,
                          mutual_identity_store_lookup_output_password_async);
}

/**
 * mutual_identity_store_lookup_output_password_finish:
 *
 * Returns: (transfer full): the password, as bytes that end with a NUL (counted in
 *   their size) and are wiped when freed; %NULL with @error set when there is none
 *   (%MUTUAL_ERROR_ITEM_UNREADABLE) or the keyring is locked
 *   (%MUTUAL_ERROR_KEYRING_LOCKED)
 */
GBytes *
mutual_identity_store_lookup_output_password_finish (MutualIdentityStore  *self,
                                                     GAsyncResult         *result,
                                                     GError              **error)
{
  return finish_pointer (self, result, mutual_identity_store_lookup_output_password_async, FALSE, error);
}

/* Watching for changes made elsewhere (mutualctl, another instance): the Secret
 * Service announces created, changed and deleted items. Inside Flatpak the portal
 * backend has no such signals; the application refreshes when its window is
 * activated instead. */

static gboolean
watch_debounce_cb (gpointer data)
{
  MutualIdentityStore *self = data;

  self->watch_debounce = 0;
  refresh_after (self);
  return G_SOURCE_REMOVE;
}

static void
secret_signal_cb (GDBusConnection *connection,
                  const char      *sender,
                  const char      *path,
                  const char      *interface,
                  const char      *signal,
                  GVariant        *parameters,
                  gpointer         data)
{
  MutualIdentityStore *self = data;

  /* A write is several signals: refresh once they settle. */
  g_clear_handle_id (&self->watch_debounce, g_source_remove);
  self->watch_debounce = g_timeout_add (250, watch_debounce_cb, self);
}

/**
 * mutual_identity_store_watch:
 *
 * Keeps the model up to date: after every change made through this store, and after
 * changes made by other programs where the keyring announces them. Refreshes once now.
 * Without it, the model changes only on mutual_identity_store_refresh_async().
 */
void
mutual_identity_store_watch (MutualIdentityStore *self)
{
  g_return_if_fail (MUTUAL_IS_IDENTITY_STORE (self));

  self->watching = TRUE;
  refresh_after (self);
  if (self->watch_connection != NULL)
    return;

  self->watch_connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  if (self->watch_connection == NULL)
    return;
  self->watch_subscription =
    g_dbus_connection_signal_subscribe (self->watch_connection, "org.freedesktop.secrets",
                                        "org.freedesktop.Secret.Collection", NULL, NULL, NULL,
                                        G_DBUS_SIGNAL_FLAGS_NONE, secret_signal_cb, self, NULL);
}

static GType
list_model_get_item_type (GListModel *model)
{
  return MUTUAL_TYPE_IDENTITY;
}

static guint
list_model_get_n_items (GListModel *model)
{
  return MUTUAL_IDENTITY_STORE (model)->identities->len;
}

static gpointer
list_model_get_item (GListModel *model,
                     guint       position)
{
  MutualIdentityStore *self = MUTUAL_IDENTITY_STORE (model);

  if (position >= self->identities->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->identities, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = list_model_get_item_type;
  iface->get_n_items = list_model_get_n_items;
  iface->get_item = list_model_get_item;
}

static void
mutual_identity_store_dispose (GObject *object)
{
  MutualIdentityStore *self = MUTUAL_IDENTITY_STORE (object);

  g_clear_handle_id (&self->watch_debounce, g_source_remove);
  if (self->watch_subscription != 0)
    {
      g_dbus_connection_signal_unsubscribe (self->watch_connection, self->watch_subscription);
      self->watch_subscription = 0;
    }
  g_clear_object (&self->watch_connection);

  G_OBJECT_CLASS (mutual_identity_store_parent_class)->dispose (object);
}

static void
mutual_identity_store_finalize (GObject *object)
{
  MutualIdentityStore *self = MUTUAL_IDENTITY_STORE (object);

  g_clear_pointer (&self->identities, g_ptr_array_unref);

  G_OBJECT_CLASS (mutual_identity_store_parent_class)->finalize (object);
}

static void
mutual_identity_store_class_init (MutualIdentityStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mutual_identity_store_dispose;
  object_class->finalize = mutual_identity_store_finalize;
}

static void
mutual_identity_store_init (MutualIdentityStore *self)
{
  self->identities = g_ptr_array_new_with_free_func (g_object_unref);
}
