/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "mutual-ca-token.h"
#include "mutual-jose-private.h"

/* Enrollment tokens are compact JWS (header.payload.signature, base64url). Their
 * payload names the subject and SANs the CA will accept for them, which is what the
 * enrollment form asks for: reading it spares the user typing them again, and typing
 * them differently. The signature is the CA's business and is not checked here. */

void
mutual_ca_token_claims_free (MutualCaTokenClaims *claims)
{
  if (claims == NULL)
    return;
  g_free (claims->subject);
  g_strfreev (claims->sans);
  g_free (claims->issuer);
  g_free (claims);
}

static char *
dup_string_member (JsonObject *object,
                   const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (node));
}

/**
 * mutual_ca_token_peek:
 * @token: a one-time token, as pasted (surrounding white space is ignored)
 *
 * Returns: (transfer full) (nullable): the claims that a form can use, or %NULL when
 *   @token is not a JWT with a JSON payload
 */
MutualCaTokenClaims *
mutual_ca_token_peek (const char *token)
{
  g_autofree char *trimmed = NULL;
  g_auto(GStrv) parts = NULL;
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(MutualCaTokenClaims) claims = NULL;
  JsonObject *object;
  JsonNode *root;
  JsonNode *node;

  g_return_val_if_fail (token != NULL, NULL);

  trimmed = g_strstrip (g_strdup (token));
  parts = g_strsplit (trimmed, ".", 0);
  /* The copies hold the token; they go as soon as its payload is decoded. */
  memset (trimmed, 0, strlen (trimmed));
  if (g_strv_length (parts) != 3 || (payload = _mutual_base64url_decode (parts[1], -1, NULL)) == NULL)
    goto out;
  if (!json_parser_load_from_data (parser, g_bytes_get_data (payload, NULL), g_bytes_get_size (payload), NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    goto out;

  object = json_node_get_object (root);
  claims = g_new0 (MutualCaTokenClaims, 1);
  claims->subject = dup_string_member (object, "sub");
  claims->issuer = dup_string_member (object, "iss");
  node = json_object_get_member (object, "exp");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      (json_node_get_value_type (node) == G_TYPE_INT64 || json_node_get_value_type (node) == G_TYPE_DOUBLE))
    claims->expires = json_node_get_value_type (node) == G_TYPE_INT64 ? json_node_get_int (node)
                                                                      : (gint64) json_node_get_double (node);
  node = json_object_get_member (object, "sans");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (json_node_get_value_type (element) == G_TYPE_STRING)
            g_strv_builder_add (builder, json_node_get_string (element));
        }
      claims->sans = g_strv_builder_end (builder);
    }

out:
  for (guint i = 0; parts != NULL && parts[i] != NULL; i++)
    memset (parts[i], 0, strlen (parts[i]));
  return g_steal_pointer (&claims);
}
