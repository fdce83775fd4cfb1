#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The application icon exists in scalable and symbolic form, is well-formed SVG of the
# right size, and the symbolic one uses no colour but the one GTK recolours.
set -eu
icons=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
if ! command -v xmllint >/dev/null 2>&1; then
  echo "Bail out! xmllint is not installed; install the Debian package \"libxml2-utils\"" >&2
  exit 99
fi

scalable=$icons/hicolor/scalable/apps/io.github.mutual.Mutual.svg
symbolic=$icons/hicolor/symbolic/apps/io.github.mutual.Mutual-symbolic.svg
[ -f "$scalable" ] || fail "missing $scalable"
[ -f "$symbolic" ] || fail "missing $symbolic"

xmllint --noout "$scalable" || fail "$scalable is not well-formed XML"
xmllint --noout "$symbolic" || fail "$symbolic is not well-formed XML"

grep -q 'viewBox="0 0 128 128"' "$scalable" || fail "the scalable icon must be drawn on a 128×128 canvas"
grep -q 'viewBox="0 0 16 16"' "$symbolic" || fail "the symbolic icon must be drawn on a 16×16 canvas"
colours=$(grep -o '#[0-9a-fA-F]\{6\}' "$symbolic" | sort -u)
[ "$colours" = "#222222" ] || fail "the symbolic icon uses colours other than #222222: $colours"
echo "icons OK"
