/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "mutual-json.h"

#define MAX_DEPTH 64

/* With a sink, the text is handed over in pieces of about this size. */
#define SINK_CHUNK (32 * 1024)

struct _MutualJson
{
  GString *out;
  MutualJsonSink sink;
  gpointer sink_data;
  gboolean pretty;
  int depth;
  /* How many values each open container holds so far. */
  guint counts[MAX_DEPTH];
};

/**
 * mutual_json_new:
 * @pretty: indent the output for people
 *
 * Returns: (transfer full): a writer; call mutual_json_free_to_string() when done
 */
MutualJson *
mutual_json_new (gboolean pretty)
{
  MutualJson *self = g_new0 (MutualJson, 1);

  self->out = g_string_sized_new (4096);
  self->pretty = pretty;
  return self;
}

/**
 * mutual_json_new_to_sink:
 * @pretty: indent the output for people
 * @sink: (scope call): called with each piece of the document, in order
 *
 * A writer that does not keep the document: the text goes to @sink in pieces of a few
 * tens of KiB as it is written, and the rest when mutual_json_finish() is called, so
 * that a large document never sits whole in memory.
 *
 * Returns: (transfer full): a writer; call mutual_json_finish() when done
 */
MutualJson *
mutual_json_new_to_sink (gboolean       pretty,
                         MutualJsonSink sink,
                         gpointer       user_data)
{
  MutualJson *self = mutual_json_new (pretty);

  g_return_val_if_fail (sink != NULL, self);

  g_string_set_size (self->out, 0);
  self->sink = sink;
  self->sink_data = user_data;
  return self;
}

/**
 * mutual_json_finish:
 * @self: (transfer full): a writer from mutual_json_new_to_sink()
 *
 * Hands the rest of the document to the sink and frees the writer.
 */
void
mutual_json_finish (MutualJson *self)
{
  g_return_if_fail (self != NULL);
  g_warn_if_fail (self->depth == 0);

  if (self->sink != NULL && self->out->len > 0)
    self->sink (self->out->str, self->out->len, self->sink_data);
  mutual_json_free (self);
}

void
mutual_json_free (MutualJson *self)
{
  if (self == NULL)
    return;
  g_string_free (self->out, TRUE);
  g_free (self);
}

/**
 * mutual_json_free_to_string:
 *
 * Returns: (transfer full): the document written, without a trailing newline
 */
char *
mutual_json_free_to_string (MutualJson *self)
{
  char *text;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->sink == NULL, NULL);
  g_warn_if_fail (self->depth == 0);

  text = g_string_free (self->out, FALSE);
  g_free (self);
  return text;
}

static void
newline (MutualJson *self)
{
  if (!self->pretty)
    return;
  g_string_append_c (self->out, '\n');
  for (int i = 0; i < self->depth; i++)
    g_string_append (self->out, "  ");
}

static void
append_escaped (GString    *out,
                const char *text)
{
  const char *run = text;
  const char *p;

  g_string_append_c (out, '"');
  for (p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;
      const char *escape;

      if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
        continue;

      /* Copy the run of plain characters in one go, then the escape. */
      g_string_append_len (out, run, p - run);
      run = p + 1;
      switch (c)
        {
        case '"':
          escape = "\\\"";
          break;
        case '\\':
          escape = "\\\\";
          break;
        case '\n':
          escape = "\\n";
          break;
        case '\r':
          escape = "\\r";
          break;
        case '\t':
          escape = "\\t";
          break;
        default:
          g_string_append_printf (out, "\\u%04x", c);
          continue;
        }
      g_string_append (out, escape);
    }
  g_string_append_len (out, run, p - run);
  g_string_append_c (out, '"');
}

/* Writes what comes before a value: the separator, the indentation, the name. */
static void
begin_value (MutualJson *self,
             const char *member)
{
  if (self->sink != NULL && self->out->len >= SINK_CHUNK)
    {
      self->sink (self->out->str, self->out->len, self->sink_data);
      g_string_truncate (self->out, 0);
    }
  if (self->depth > 0)
    {
      if (self->counts[self->depth - 1]++ > 0)
        g_string_append_c (self->out, ',');
      newline (self);
    }
  if (member != NULL)
    {
      append_escaped (self->out, member);
      g_string_append (self->out, self->pretty ? ": " : ":");
    }
}

static void
open_container (MutualJson *self,
                const char *member,
                char        bracket)
{
  g_return_if_fail (self->depth < MAX_DEPTH);

  begin_value (self, member);
  g_string_append_c (self->out, bracket);
  self->counts[self->depth++] = 0;
}

static void
close_container (MutualJson *self,
                 char        bracket)
{
  gboolean empty;

  g_return_if_fail (self->depth > 0);

  empty = self->counts[--self->depth] == 0;
  if (!empty)
    newline (self);
  g_string_append_c (self->out, bracket);
}

void
mutual_json_begin_object (MutualJson *self,
                          const char *member)
{
  open_container (self, member, '{');
}

void
mutual_json_end_object (MutualJson *self)
{
  close_container (self, '}');
}

void
mutual_json_begin_array (MutualJson *self,
                         const char *member)
{
  open_container (self, member, '[');
}

void
mutual_json_end_array (MutualJson *self)
{
  close_container (self, ']');
}

/**
 * mutual_json_string:
 * @value: (nullable): UTF-8 text; %NULL writes null
 */
void
mutual_json_string (MutualJson *self,
                    const char *member,
                    const char *value)
{
  begin_value (self, member);
  if (value == NULL)
    {
      g_string_append (self->out, "null");
    }
  else if (g_utf8_validate (value, -1, NULL))
    {
      append_escaped (self->out, value);
    }
  else
    {
      g_autofree char *valid = g_utf8_make_valid (value, -1);

      append_escaped (self->out, valid);
    }
}

void
mutual_json_int (MutualJson *self,
                 const char *member,
                 gint64      value)
{
  begin_value (self, member);
  g_string_append_printf (self->out, "%" G_GINT64_FORMAT, value);
}

void
mutual_json_double (MutualJson *self,
                    const char *member,
                    double      value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  begin_value (self, member);
  /* JSON has no NaN or infinity. */
  if (!isfinite (value))
    g_string_append (self->out, "null");
  else
    g_string_append (self->out, g_ascii_dtostr (buffer, sizeof buffer, value));
}

void
mutual_json_boolean (MutualJson *self,
                     const char *member,
                     gboolean    value)
{
  begin_value (self, member);
  g_string_append (self->out, value ? "true" : "false");
}

void
mutual_json_null (MutualJson *self,
                  const char *member)
{
  begin_value (self, member);
  g_string_append (self->out, "null");
}
