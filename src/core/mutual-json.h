/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A streaming JSON writer. Building a json-glib tree for a few hundred certificates
 * costs more than decoding them; this writes the text directly. In an object every
 * value has a member name; in an array the name is NULL. */

typedef struct _MutualJson MutualJson;

typedef void (*MutualJsonSink) (const char *text,
                                gsize       length,
                                gpointer    user_data);

MutualJson *mutual_json_new          (gboolean     pretty);
MutualJson *mutual_json_new_to_sink  (gboolean       pretty,
                                      MutualJsonSink sink,
                                      gpointer       user_data);
void        mutual_json_finish       (MutualJson  *self);
void        mutual_json_free         (MutualJson  *self);
char       *mutual_json_free_to_string (MutualJson *self);
void        mutual_json_begin_object (MutualJson  *self,
                                      const char  *member);
void        mutual_json_end_object   (MutualJson  *self);
void        mutual_json_begin_array  (MutualJson  *self,
                                      const char  *member);
void        mutual_json_end_array    (MutualJson  *self);
void        mutual_json_string       (MutualJson  *self,
                                      const char  *member,
                                      const char  *value);
void        mutual_json_int          (MutualJson  *self,
                                      const char  *member,
                                      gint64       value);
void        mutual_json_double       (MutualJson  *self,
                                      const char  *member,
                                      double       value);
void        mutual_json_boolean      (MutualJson  *self,
                                      const char  *member,
                                      gboolean     value);
void        mutual_json_null         (MutualJson  *self,
                                      const char  *member);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MutualJson, mutual_json_free)

G_END_DECLS
