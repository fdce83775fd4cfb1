#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# With N identities in a private gnome-keyring (run under the harness with
# MUTUAL_TEST_NEEDS=keyring), mutualctl list --json against secret-tool search --all
# over the same items, in the same run. Target: ratio <= 1, and no secret transfer.
set -eu
mutualctl=$1
seed=$2
count=${3:-1000}
. "$(dirname "$0")/bench-lib.sh"

command -v secret-tool >/dev/null || { echo "secret-tool is missing: install the Debian package libsecret-tools" >&2; exit 1; }

start=$(date +%s)
"$seed" "$count" 2>/dev/null
echo "seeded $count identities ($((count * 2)) keyring items) in $(( $(date +%s) - start )) s"
listed=$("$mutualctl" list --json | grep -o '"id":' | wc -l)
echo "mutualctl lists $listed identities"

# secret-tool search --all prints every matching item with its secret: the work a
# tool without summary attributes has to do. mutualctl reads attributes only.
compare "list --json vs secret-tool search --all" 11 -- \
  "$mutualctl" list --json -- \
  secret-tool search --all xdg:schema io.github.mutual.Identity
