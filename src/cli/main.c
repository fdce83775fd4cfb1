/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "mutual-cli.h"

int
main (int    argc,
      char **argv)
{
  return mutual_cli_main (argc, argv);
}
