#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# po/POTFILES lists every source file with translatable strings, and nothing else.
set -eu
cd "$1"
fail=0
listed=$(grep -v '^#' po/POTFILES | sed '/^$/d' | sort)

# C files that mark strings with _(), N_(), C_() or NC_(); UI files with
# translatable="yes"; data files that i18n.merge_file translates.
found=$( {
  grep -rlE '(^|[^A-Za-z0-9_])(N?C?_|g_dgettext|ngettext)[[:space:]]*\(' --include='*.c' src || true
  grep -rl 'translatable="yes"' --include='*.ui' src || true
  ls data/*.desktop.in data/*.metainfo.xml.in data/*.gschema.xml 2>/dev/null || true
} | sort -u)

missing=$(comm -13 <(echo "$listed") <(echo "$found"))
if [ -n "$missing" ]; then
  echo "FAIL: files with translatable strings missing from po/POTFILES:" >&2
  echo "$missing" >&2
  fail=1
fi
for f in $listed; do
  if [ ! -f "$f" ]; then
    echo "FAIL: po/POTFILES lists $f, which does not exist" >&2
    fail=1
  fi
done
extra=$(comm -23 <(echo "$listed") <(echo "$found"))
if [ -n "$extra" ]; then
  echo "FAIL: po/POTFILES lists files without translatable strings:" >&2
  echo "$extra" >&2
  fail=1
fi
[ $fail = 0 ] && echo "po/POTFILES lists all $(echo "$listed" | wc -l) files with translatable strings"
exit $fail
