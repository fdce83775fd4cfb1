#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# mutualctl(1) documents the same commands and exit codes as `mutualctl --help`.
set -eu
mutualctl=$1
manpage=$2
fail=0

help=$("$mutualctl" --help)

help_codes=$(sed -n '/^Exit status:/,/^$/p' <<<"$help" | grep -oE '^  [0-9]+ ' | tr -d ' ' | sort -n)
man_codes=$(sed -n '/^\.SH EXIT STATUS/,/^\.SH /p' "$manpage" | grep -oE '^\.B [0-9]+$' | cut -d' ' -f2 | sort -n)
if [ "$help_codes" != "$man_codes" ]; then
  echo "FAIL: exit codes differ: --help has [$(echo $help_codes)], the man page [$(echo $man_codes)]" >&2
  fail=1
fi

help_commands=$(sed -n '/^Commands:/,/^$/p' <<<"$help" | grep -oE '^  [a-z-]+' | tr -d ' ' | sort)
man_commands=$(sed -n '/^\.SH COMMANDS/,/^\.SH /p' "$manpage" | grep -A1 '^\.TP' | grep -oE '^\.BR? [a-z-]+' | cut -d' ' -f2 | sort)
if [ "$help_commands" != "$man_commands" ]; then
  echo "FAIL: commands differ: --help has [$(echo $help_commands)], the man page [$(echo $man_commands)]" >&2
  fail=1
fi

[ $fail = 0 ] && echo "man page and --help agree on commands [$(echo $help_commands)] and exit codes [$(echo $help_codes)]"
exit $fail
