/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mutual-cli.h"

/* Text output shared by the commands that show certificates. */

#define HEX_WIDTH 48

static int
label_width (GListModel *fields)
{
  int width = 0;

  for (guint i = 0; i < g_list_model_get_n_items (fields); i++)
    {
      g_autoptr(MutualField) field = g_list_model_get_item (fields, i);

      width = MAX (width, (int) g_utf8_strlen (mutual_field_get_label (field), -1));
    }
  return width;
}

static void
print_padded (const char *text,
              int         width)
{
  int pad = width - (int) g_utf8_strlen (text, -1);

  mutual_cli_print ("%s%*s", text, MAX (pad, 0), "");
}

/* Long unbroken values (hex) are folded so that their lines line up. */
static void
print_value (const char *value,
             int         indent)
{
  gsize length = strlen (value);

  if (length <= HEX_WIDTH || strchr (value, ' ') != NULL)
    {
      mutual_cli_print ("%s\n", value);
      return;
    }

  for (gsize offset = 0; offset < length; offset += HEX_WIDTH)
    {
      if (offset > 0)
        mutual_cli_print ("%*s", indent, "");
      mutual_cli_print ("%.*s\n", (int) MIN ((gsize) HEX_WIDTH, length - offset), value + offset);
    }
}

void
mutual_cli_print_section (MutualSection *section,
               gboolean       show_title)
{
  GListModel *fields = mutual_section_get_fields (section);
  int width = label_width (fields);
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

  for (guint i = 0; i < g_list_model_get_n_items (fields); i++)
    {
      g_autoptr(MutualField) field = g_list_model_get_item (fields, i);

      mutual_cli_print ("%*s", indent, "");
      print_padded (mutual_field_get_label (field), width + 2);
      print_value (mutual_field_get_value (field), indent + width + 2);
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

