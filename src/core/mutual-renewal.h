/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "mutual-ca-client.h"
#include "mutual-identity-store.h"

G_BEGIN_DECLS

void            mutual_renewal_enroll_async  (MutualIdentityStore *store,
                                              MutualCaClient      *client,
                                              MutualCaEnrollment  *enrollment,
                                              const char          *label,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
void            mutual_renewal_enroll_full_async (MutualIdentityStore *store,
                                                  MutualCaClient      *client,
                                                  MutualCaEnrollment  *enrollment,
                                                  const char          *label,
                                                  const char          *pkcs12_password,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
MutualIdentity *mutual_renewal_enroll_finish (GAsyncResult        *result,
                                              GError             **error);
void            mutual_renewal_renew_async   (MutualIdentityStore *store,
                                              MutualIdentity      *identity,
                                              MutualCaRenewal      renewal,
                                              guint                timeout,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
MutualIdentity *mutual_renewal_renew_finish  (GAsyncResult        *result,
                                              GError             **error);
void            mutual_renewal_set_profile_async  (MutualIdentityStore *store,
                                                   MutualIdentity      *identity,
                                                   MutualCaProfile     *profile,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
void            mutual_renewal_set_profile_full_async (MutualIdentityStore *store,
                                                       MutualIdentity      *identity,
                                                       MutualCaProfile     *profile,
                                                       const char          *pkcs12_password,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
MutualIdentity *mutual_renewal_set_profile_finish (GAsyncResult        *result,
                                                   GError             **error);
int             mutual_renewal_get_hook_status (GAsyncResult     *result);
gboolean        mutual_renewal_get_hook_timed_out (GAsyncResult  *result);
gint64          mutual_renewal_get_due       (MutualIdentity      *identity);

G_END_DECLS
