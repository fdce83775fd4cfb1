#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The architecture of ../shared/DESIGN.md: only src/core talks to GnuTLS, libsecret and
# libsoup; src/core and src/cli know nothing of GTK.
set -eu
cd "$1"
fail=0
report() { echo "FAIL: $1" >&2; echo "$2" >&2; fail=1; }

hits=$(grep -rnE '#[[:space:]]*include[[:space:]]*<(gnutls|libsecret|libsoup|nettle)/|\b(gnutls|secret|soup)_[a-z0-9_]+[[:space:]]*\(|\b(GNUTLS|SECRET|SOUP)_[A-Z_]+\b' \
  src/gui src/cli || true)
[ -z "$hits" ] || report "the GUI or the CLI calls GnuTLS, libsecret or libsoup directly:" "$hits"

hits=$(grep -rnE '#[[:space:]]*include[[:space:]]*<(gtk|gdk|adwaita)|\b(gtk|gdk|adw)_[a-z0-9_]+[[:space:]]*\(' \
  src/core src/cli || true)
[ -z "$hits" ] || report "the core or the CLI uses GTK or libadwaita:" "$hits"

[ $fail = 0 ] && echo "layering OK: GnuTLS, libsecret and libsoup are only used in src/core; GTK only in src/gui"
exit $fail
