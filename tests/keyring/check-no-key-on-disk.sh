#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# An import and an export under strace: no file but the explicit export target is
# opened for writing, and the key never reaches standard output or error.
set -u
mutualctl=$1
fixtures=$2
if ! command -v strace >/dev/null 2>&1; then
  echo "Bail out! strace is not installed; install the Debian package \"strace\""
  exit 99
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "1..4"

# A line of the key's base64, to look for in what the program writes.
needle=$(sed -n '2p' "$fixtures/client-p256.key")
target=$work/exported/identity.pem
mkdir -p "$work/exported"

trace() {
  local name=$1; shift
  strace -f -qq -s 4096 -e trace=openat,open,creat,rename,renameat,renameat2,link,linkat,truncate,write \
    -o "$work/$name.trace" "$mutualctl" "$@" >"$work/$name.out" 2>"$work/$name.err"
}

written_files() {
  # openat(..., "path", O_WRONLY|O_CREAT...) and creat("path"...)
  grep -E 'open(at)?\(.*(O_WRONLY|O_RDWR|O_CREAT)|creat\(' "$1" | grep -v ENOENT |
    sed -E 's/.*"([^"]*)".*/\1/' | sort -u
}

check_files() {
  local name=$1 allowed=$2 bad
  bad=$(written_files "$work/$name.trace" | grep -v -E "$allowed" || true)
  if [ -n "$bad" ]; then
    echo "not ok - $name wrote to files other than its target:"; echo "$bad" | sed 's/^/# /'
    return 1
  fi
  echo "ok - $name opened for writing only: $(written_files "$work/$name.trace" | tr '\n' ' ')"
}

check_output() {
  local name=$1
  if grep -qF "$needle" "$work/$name.out" "$work/$name.err"; then
    echo "not ok - $name printed key material"
    return 1
  fi
  echo "ok - $name printed no key material"
}

status=0
trace import import --label strace "$fixtures/client-p256.pem" "$fixtures/client-p256.key" || {
  echo "Bail out! import failed: $(cat "$work/import.err")"; exit 1; }
check_files import '^/dev/(null|tty)$' || status=1
check_output import || status=1

trace export export strace --format pem --out "$target" || {
  echo "Bail out! export failed: $(cat "$work/export.err")"; exit 1; }
check_files export "^(/dev/(null|tty)|$(dirname "$target")/\.identity\.pem\.[A-Za-z0-9]{6})$" || status=1
check_output export || status=1
# The export itself holds the key: the check above would be meaningless otherwise.
grep -qF "$needle" "$target" || { echo "# the export does not hold the key"; status=1; }
exit $status
