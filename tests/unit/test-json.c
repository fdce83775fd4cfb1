/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The streaming JSON writer: what it writes parses back (with json-glib) to the same
 * values, escapes included, compact and indented alike. */

#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "mutual-core.h"

static char *
write_sample (gboolean pretty)
{
  MutualJson *json = mutual_json_new (pretty);

  mutual_json_begin_object (json, NULL);
  mutual_json_string (json, "plain", "client-p256");
  mutual_json_string (json, "escapes", "quote \" backslash \\ newline \n tab \t bell \a del \x7f");
  mutual_json_string (json, "unicode", "Zoë Müller-Łukasiewicz");
  mutual_json_string (json, "invalid", "bad \xff byte");
  mutual_json_string (json, "missing", NULL);
  mutual_json_int (json, "big", G_GINT64_CONSTANT (-9007199254740991));
  mutual_json_double (json, "fraction", 0.25);
  mutual_json_double (json, "nan", NAN);
  mutual_json_boolean (json, "yes", TRUE);
  mutual_json_null (json, "nothing");
  mutual_json_begin_array (json, "empty");
  mutual_json_end_array (json);
  mutual_json_begin_array (json, "list");
  mutual_json_int (json, NULL, 1);
  mutual_json_begin_object (json, NULL);
  mutual_json_string (json, "inner", "x");
  mutual_json_end_object (json);
  mutual_json_end_array (json);
  mutual_json_end_object (json);

  return mutual_json_free_to_string (json);
}

static void
check_sample (gboolean pretty)
{
  g_autofree char *text = write_sample (pretty);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  JsonArray *list;

  g_test_message ("%s", text);
  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));

  g_assert_cmpstr (json_object_get_string_member (object, "plain"), ==, "client-p256");
  g_assert_cmpstr (json_object_get_string_member (object, "escapes"), ==,
                   "quote \" backslash \\ newline \n tab \t bell \a del \x7f");
  g_assert_cmpstr (json_object_get_string_member (object, "unicode"), ==, "Zoë Müller-Łukasiewicz");
  g_assert_true (g_utf8_validate (json_object_get_string_member (object, "invalid"), -1, NULL));
  g_assert_true (json_object_get_null_member (object, "missing"));
  g_assert_cmpint (json_object_get_int_member (object, "big"), ==, G_GINT64_CONSTANT (-9007199254740991));
  g_assert_cmpfloat (json_object_get_double_member (object, "fraction"), ==, 0.25);
  g_assert_true (json_object_get_null_member (object, "nan"));
  g_assert_true (json_object_get_boolean_member (object, "yes"));
  g_assert_true (json_object_get_null_member (object, "nothing"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "empty")), ==, 0);
  list = json_object_get_array_member (object, "list");
  g_assert_cmpuint (json_array_get_length (list), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 1), "inner"), ==, "x");

  g_assert_true ((strchr (text, '\n') != NULL) == pretty);
}

static void
test_compact (void)
{
  check_sample (FALSE);
}

static void
test_pretty (void)
{
  check_sample (TRUE);
}

/* Writes a document of about 2 MB, enough for many pieces, with @json. */
static void
write_large (MutualJson *json)
{
  mutual_json_begin_object (json, NULL);
  mutual_json_begin_array (json, "certificates");
  for (guint i = 0; i < 20000; i++)
    {
      g_autofree char *name = g_strdup_printf ("client-%u \"quoted\"", i);

      mutual_json_begin_object (json, NULL);
      mutual_json_string (json, "subject_name", name);
      mutual_json_int (json, "index", i);
      mutual_json_string (json, "sha256", "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89");
      mutual_json_end_object (json);
    }
  mutual_json_end_array (json);
  mutual_json_end_object (json);
}

static void
collect (const char *text,
         gsize       length,
         gpointer    user_data)
{
  GPtrArray *pieces = user_data;

  g_assert_cmpuint (length, >, 0);
  g_ptr_array_add (pieces, g_strndup (text, length));
}

/* A writer with a sink hands over the same document, in pieces of bounded size, the
 * first of them before the document is finished. */
static void
test_sink (void)
{
  for (int pretty = 0; pretty <= 1; pretty++)
    {
      MutualJson *buffered = mutual_json_new (pretty);
      g_autoptr(GPtrArray) pieces = g_ptr_array_new_with_free_func (g_free);
      MutualJson *streamed = mutual_json_new_to_sink (pretty, collect, pieces);
      g_autofree char *expected = NULL;
      g_autoptr(GString) joined = g_string_new (NULL);

      write_large (buffered);
      expected = mutual_json_free_to_string (buffered);

      write_large (streamed);
      g_assert_cmpuint (pieces->len, >, 10);
      mutual_json_finish (streamed);

      for (guint i = 0; i < pieces->len; i++)
        {
          const char *piece = g_ptr_array_index (pieces, i);

          /* Handed over soon after 32 KiB: one value more at most. */
          g_assert_cmpuint (strlen (piece), <, 40 * 1024);
          g_string_append (joined, piece);
        }
      g_assert_cmpstr (joined->str, ==, expected);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json/compact", test_compact);
  g_test_add_func ("/json/pretty", test_pretty);
  g_test_add_func ("/json/sink", test_sink);

  return g_test_run ();
}
