/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Runs the fuzz target over files and folders given on the command line, the way
 * libFuzzer replays a corpus, for builds without clang's fuzzer. Prints TAP. */

#include "config.h"

#include <glib.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
collect (const char *path,
         GPtrArray  *files)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_ptr_array_add (files, g_strdup (path));
      return;
    }

  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (files, g_steal_pointer (&child));
    }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);

  for (int i = 1; i < argc; i++)
    collect (argv[i], files);
  g_ptr_array_sort (files, (GCompareFunc) g_strcmp0);

  if (files->len == 0)
    {
      g_print ("Bail out! no corpus files found\n");
      return 1;
    }

  g_print ("1..%u\n", files->len);
  for (guint i = 0; i < files->len; i++)
    {
      const char *path = g_ptr_array_index (files, i);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (!g_file_get_contents (path, &contents, &length, NULL))
        {
          g_print ("not ok %u - cannot read %s\n", i + 1, path);
          continue;
        }
      LLVMFuzzerTestOneInput ((const uint8_t *) contents, length);
      g_print ("ok %u - %s\n", i + 1, path);
    }

  return 0;
}
