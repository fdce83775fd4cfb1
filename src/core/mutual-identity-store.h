/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "mutual-bundle.h"
#include "mutual-identity.h"

G_BEGIN_DECLS

/**
 * MutualExportFormat:
 * @MUTUAL_EXPORT_PEM: certificate, chain and private key in one PEM file; the key is
 *   encrypted when a password is given
 * @MUTUAL_EXPORT_PKCS12: a PKCS#12 file protected by a password
 */
typedef enum
{
  MUTUAL_EXPORT_PEM,
  MUTUAL_EXPORT_PKCS12,
} MutualExportFormat;

/* The output whose password mutual_identity_store_set_output_password_async() keeps. */
#define MUTUAL_OUTPUT_PASSWORD_PKCS12 "pkcs12"

#define MUTUAL_TYPE_IDENTITY_STORE (mutual_identity_store_get_type ())

G_DECLARE_FINAL_TYPE (MutualIdentityStore, mutual_identity_store, MUTUAL, IDENTITY_STORE, GObject)

MutualIdentityStore *mutual_identity_store_new                    (void);
MutualIdentity      *mutual_identity_store_lookup                 (MutualIdentityStore  *self,
                                                                   const char           *id_or_label,
                                                                   GError              **error);
void                 mutual_identity_store_watch                  (MutualIdentityStore  *self);

void                 mutual_identity_store_refresh_async          (MutualIdentityStore  *self,
                                                                   GCancellable         *cancellable,
                                                                   GAsyncReadyCallback   callback,
                                                                   gpointer              user_data);
gboolean             mutual_identity_store_refresh_finish         (MutualIdentityStore  *self,
                                                                   GAsyncResult         *result,
                                                                   GError              **error);
void                 mutual_identity_store_add_async              (MutualIdentityStore  *self,
                                                                   MutualBundle         *bundle,
                                                                   const char           *label,
                                                                   GCancellable         *cancellable,
                                                                   GAsyncReadyCallback   callback,
                                                                   gpointer              user_data);
MutualIdentity      *mutual_identity_store_add_finish             (MutualIdentityStore  *self,
                                                                   GAsyncResult         *result,
                                                                   GError              **error);
void                 mutual_identity_store_add_full_async         (MutualIdentityStore  *self,
                                                                   MutualBundle         *bundle,
                                                                   const char           *label,
                                                                   MutualCaProfile      *ca_profile,
                                                                   GCancellable         *cancellable,
                                                                   GAsyncReadyCallback   callback,
                                                                   gpointer              user_data);
void                 mutual_identity_store_load_certificates_async (MutualIdentityStore *self,
                                                                   MutualIdentity       *identity,
                                                                   GCancellable         *cancellable,
                                                                   GAsyncReadyCallback   callback,
                                                                   gpointer              user_data);
GPtrArray           *mutual_identity_store_load_certificates_finish (MutualIdentityStore *self,
                                                                    GAsyncResult        *result,
                                                                    GError             **error);
void                 mutual_identity_store_load_credentials_async (MutualIdentityStore *self,
                                                                   MutualIdentity       *identity,
                                                                   GCancellable         *cancellable,
                                                                   GAsyncReadyCallback   callback,
                                                                   gpointer              user_data);
MutualBundle        *mutual_identity_store_load_credentials_finish (MutualIdentityStore *self,
                                                                   GAsyncResult        *result,
                                                                   GError             **error);
void                 mutual_identity_store_rename_async           (MutualIdentityStore  *self,
                                                                   MutualIdentity       *identity,
                                                                   const char           *label,
                                                                   GCancellable         *cancellable,
                                                                   GAsyncReadyCallback   callback,
                                                                   gpointer              user_data);
MutualIdentity      *mutual_identity_store_rename_finish          (MutualIdentityStore  *self,
                                                                   GAsyncResult         *result,
                                                                   GError              **error);
void                 mutual_identity_store_replace_async          (MutualIdentityStore  *self,
                                                                   MutualIdentity       *identity,
                                                                   MutualBundle         *bundle,
                                                                   GCancellable         *cancellable,
                                                                   GAsyncReadyCallback   callback,
                                                                   gpointer              user_data);
MutualIdentity      *mutual_identity_store_replace_finish         (MutualIdentityStore  *self,
                                                                   GAsyncResult         *result,
                                                                   GError              **error);
void                 mutual_identity_store_find_async             (MutualIdentityStore  *self,
                                                                   const char           *id_or_label,
                                                                   GCancellable         *cancellable,
                                                                   GAsyncReadyCallback   callback,
                                                                   gpointer              user_data);
MutualIdentity      *mutual_identity_store_find_finish            (MutualIdentityStore  *self,
                                                                   GAsyncResult         *result,
                                                                   GError              **error);
void                 mutual_identity_store_set_ca_profile_async   (MutualIdentityStore  *self,
                                                                   MutualIdentity       *identity,
                                                                   MutualCaProfile      *ca_profile,
                                                                   GCancellable         *cancellable,
                                                                   GAsyncReadyCallback   callback,
                                                                   gpointer              user_data);
MutualIdentity      *mutual_identity_store_set_ca_profile_finish  (MutualIdentityStore  *self,
                                                                   GAsyncResult         *result,
                                                                   GError              **error);
void                 mutual_identity_store_remove_async           (MutualIdentityStore  *self,
                                                                   MutualIdentity       *identity,
                                                                   GCancellable         *cancellable,
                                                                   GAsyncReadyCallback   callback,
                                                                   gpointer              user_data);
gboolean             mutual_identity_store_remove_finish          (MutualIdentityStore  *self,
                                                                   GAsyncResult         *result,
                                                                   GError              **error);
void                 mutual_identity_store_export_async           (MutualIdentityStore  *self,
                                                                   MutualIdentity       *identity,
                                                                   MutualExportFormat    format,
                                                                   const char           *password,
                                                                   GFile                *destination,
                                                                   GCancellable         *cancellable,
                                                                   GAsyncReadyCallback   callback,
                                                                   gpointer              user_data);
gboolean             mutual_identity_store_export_finish          (MutualIdentityStore  *self,
                                                                   GAsyncResult         *result,
                                                                   GError              **error);
void                 mutual_identity_store_set_output_password_async (MutualIdentityStore *self,
                                                                   MutualIdentity       *identity,
                                                                   const char           *purpose,
                                                                   const char           *password,
                                                                   GCancellable         *cancellable,
                                                                   GAsyncReadyCallback   callback,
                                                                   gpointer              user_data);
gboolean             mutual_identity_store_set_output_password_finish (MutualIdentityStore *self,
                                                                   GAsyncResult         *result,
                                                                   GError              **error);
void                 mutual_identity_store_lookup_output_password_async (MutualIdentityStore *self,
                                                                   MutualIdentity       *identity,
                                                                   const char           *purpose,
                                                                   GCancellable         *cancellable,
                                                                   GAsyncReadyCallback   callback,
                                                                   gpointer              user_data);
GBytes              *mutual_identity_store_lookup_output_password_finish (MutualIdentityStore *self,
                                                                   GAsyncResult         *result,
                                                                   GError              **error);

G_END_DECLS
