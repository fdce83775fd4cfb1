/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "mutual-cli.h"

/* Text output shared by the commands that show certificates. A CA bundle is thousands
 * of lines: they are written with fputs() and fwrite(), not through printf(). */

#define HEX_WIDTH 48

static void
put_spaces (int count)
{
  static const char spaces[] = "                                ";

  while (count > 0)
    {
      int n = MIN (count, (int) sizeof spaces - 1);

      fwrite (spaces, 1, n, stdout);
      count -= n;
    }
}

static int
label_width (MutualSection *section)
{
  int width = 0;

  for (guint i = 0; i < mutual_section_get_n_fields (section); i++)
    width = MAX (width, (int) g_utf8_strlen (mutual_section_get_field_label (section, i), -1));
  return width;
}

static void
print_padded (const char *text,
              int         width)
{
  fputs (text, stdout);
  put_spaces (width - (int) g_utf8_strlen (text, -1));
}

/* Long unbroken values (hex) are folded so that their lines line up. */
static void
print_value (const char *value,
             int         indent)
{
  gsize length = strlen (value);

  if (length <= HEX_WIDTH || strchr (value, ' ') != NULL)
    {
      fputs (value, stdout);
      fputc ('\n', stdout);
      return;
    }

  for (gsize offset = 0; offset < length; offset += HEX_WIDTH)
    {
      if (offset > 0)
        put_spaces (indent);
      fwrite (value + offset, 1, MIN ((gsize) HEX_WIDTH, length - offset), stdout);
      fputc ('\n', stdout);
    }
}

void
mutual_cli_print_section (MutualSection *section,
               gboolean       show_title)
{
  int width = label_width (section);
  const int indent = 4;

  if (show_title)
    {
      mutual_cli_print ("  %s", mutual_section_get_title (section));
      if (mutual_section_get_oid (section) != NULL)
        {
          mutual_cli_print (" [%s]", mutual_section_get_oid (section));
          if (mutual_section_get_critical (section))
            mutual_cli_print (" (%s)", _("critical"));
        }
      mutual_cli_print ("\n");
    }

  for (guint i = 0; i < mutual_section_get_n_fields (section); i++)
    {
      put_spaces (indent);
      print_padded (mutual_section_get_field_label (section, i), width + 2);
      print_value (mutual_section_get_field_value (section, i), indent + width + 2);
    }
}

void
mutual_cli_print_sections (GPtrArray *sections,
                gboolean   all_fields)
{
  for (guint i = 0; i < sections->len; i++)
    {
      MutualSection *section = g_ptr_array_index (sections, i);
      gboolean summary = mutual_section_get_kind (section) == MUTUAL_SECTION_SUMMARY;

      if (!all_fields && !summary)
        continue;
      if (i > 0)
        mutual_cli_print ("\n");
      mutual_cli_print_section (section, !summary);
    }
}

