#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# mutualctl inspect --json (full decode of every certificate) against certtool -i over
# the system CA bundle, in the same run: wall time, instructions and page faults.
# Target: ratio <= 1.
set -eu
mutualctl=$1
bundle=${2:-/etc/ssl/certs/ca-certificates.crt}
. "$(dirname "$0")/bench-lib.sh"

command -v certtool >/dev/null || { echo "certtool is missing: install the Debian package gnutls-bin" >&2; exit 1; }
[ -r "$bundle" ] || { echo "$bundle is missing: install the Debian package ca-certificates" >&2; exit 1; }

count=$(grep -c 'BEGIN CERTIFICATE' "$bundle")
echo "input: $bundle ($count certificates)"
compare "inspect --json vs certtool -i" 21 -- \
  "$mutualctl" inspect --json --fields all "$bundle" -- \
  certtool -i --infile "$bundle"
compare "inspect (text) vs certtool -i" 21 -- \
  "$mutualctl" inspect --fields all "$bundle" -- \
  certtool -i --infile "$bundle"
instructions "inspect --json vs certtool -i" -- \
  "$mutualctl" inspect --json --fields all "$bundle" -- \
  certtool -i --infile "$bundle"
instructions "startup (--version)" -- "$mutualctl" --version -- certtool --version
faults "inspect --json vs certtool -i" -- \
  "$mutualctl" inspect --json --fields all "$bundle" -- \
  certtool -i --infile "$bundle"
faults "startup (--version)" -- "$mutualctl" --version -- certtool --version
