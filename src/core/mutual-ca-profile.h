/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "mutual-json.h"
#include "mutual-validity.h"

G_BEGIN_DECLS

#define MUTUAL_CA_KIND_STEP_CA "step-ca"

/* The default renewal point: two thirds into the certificate's lifetime. */
#define MUTUAL_CA_DEFAULT_RENEW_FRACTION (2.0 / 3.0)

/* How long the command run after a renewal may take before it is stopped. */
#define MUTUAL_CA_DEFAULT_HOOK_TIMEOUT 120

#define MUTUAL_TYPE_CA_PROFILE (mutual_ca_profile_get_type ())

G_DECLARE_FINAL_TYPE (MutualCaProfile, mutual_ca_profile, MUTUAL, CA_PROFILE, GObject)

MutualCaProfile *mutual_ca_profile_new               (const char       *kind,
                                                      const char       *url,
                                                      const char       *fingerprint,
                                                      const char       *provisioner,
                                                      GError          **error);
const char      *mutual_ca_profile_get_kind          (MutualCaProfile  *self);
const char      *mutual_ca_profile_get_url           (MutualCaProfile  *self);
const char      *mutual_ca_profile_get_fingerprint   (MutualCaProfile  *self);
const char      *mutual_ca_profile_get_provisioner   (MutualCaProfile  *self);
gboolean         mutual_ca_profile_set_renew_policy  (MutualCaProfile  *self,
                                                      const char       *policy,
                                                      GError          **error);
char            *mutual_ca_profile_get_renew_policy  (MutualCaProfile  *self);
gint64           mutual_ca_profile_get_renew_at      (MutualCaProfile  *self,
                                                      const MutualValidity *validity);
void             mutual_ca_profile_set_outputs       (MutualCaProfile  *self,
                                                      const char       *certificate_path,
                                                      const char       *key_path,
                                                      const char       *hook);
const char      *mutual_ca_profile_get_certificate_output (MutualCaProfile *self);
const char      *mutual_ca_profile_get_key_output    (MutualCaProfile  *self);
void             mutual_ca_profile_set_pkcs12_output (MutualCaProfile  *self,
                                                      const char       *path);
const char      *mutual_ca_profile_get_pkcs12_output (MutualCaProfile  *self);
const char      *mutual_ca_profile_get_hook          (MutualCaProfile  *self);
void             mutual_ca_profile_set_hook_timeout  (MutualCaProfile  *self,
                                                      guint             seconds);
guint            mutual_ca_profile_get_hook_timeout  (MutualCaProfile  *self);
MutualCaProfile *mutual_ca_profile_copy              (MutualCaProfile  *self);
void             mutual_ca_profile_to_json           (MutualCaProfile  *self,
                                                      MutualJson       *json,
                                                      const char       *member);

char            *mutual_normalize_fingerprint        (const char       *text);

G_END_DECLS
