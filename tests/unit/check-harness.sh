#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The test harness cleans up after a test however it ends: normal exit, crash, or
# meson's timeout (SIGTERM to the test's process group, SIGKILL half a second later).
# Each case starts a bus, a keyring and a display, then checks that the daemons are
# gone and the private folder deleted.
set -u
wrapper=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0

# The command run under the harness: records its private folder and the daemons'
# process group, then behaves as the case asks.
inner='
  root=$(dirname "$HOME")
  echo "$root" > "$1/root"
  cat "$root/daemon-group" > "$1/group"
  case "$2" in
    exit) exit 3 ;;
    crash) kill -SEGV $$ ;;
    hang) trap "" TERM; echo ready > "$1/ready"; while :; do sleep 0.1; done ;;
  esac'

# Counts the live (not zombie) processes of a process group. A zombie is dead already;
# only the reaping is left, to whichever process adopted it.
alive_in_group() {
  local group=$1 count=0 stat rest state pgid
  for stat in /proc/[0-9]*/stat; do
    rest=$(cat "$stat" 2>/dev/null) || continue
    rest=${rest##*) }
    read -r state _ pgid _ <<<"$rest"
    [ "$pgid" = "$group" ] && [ "$state" != Z ] && count=$((count + 1))
  done
  echo "$count"
}

check_cleaned() {
  local name=$1 root group
  root=$(cat "$work/$name/root" 2>/dev/null) || { echo "FAIL [$name]: the command never ran" >&2; fail=1; return; }
  group=$(cat "$work/$name/group")
  for _ in $(seq 1 50); do
    if [ "$(alive_in_group "$group")" = 0 ] && [ ! -e "$root" ]; then
      echo "ok [$name]: daemons of group $group stopped and $root deleted"
      return
    fi
    sleep 0.1
  done
  [ "$(alive_in_group "$group")" = 0 ] || echo "FAIL [$name]: daemons of group $group still run" >&2
  [ -e "$root" ] && echo "FAIL [$name]: $root was not deleted" >&2
  kill -KILL -- "-$group" 2>/dev/null
  fail=1
}

for case in exit crash; do
  mkdir -p "$work/$case"
  MUTUAL_TEST_NEEDS=keyring,display "$wrapper" bash -c "$inner" bash "$work/$case" "$case" >/dev/null 2>&1
  status=$?
  case $case in
    exit) expected=3 ;;
    crash) expected=139 ;;
  esac
  if [ "$status" -ne "$expected" ]; then
    echo "FAIL [$case]: the harness exited with $status, the test with $expected" >&2
    fail=1
  fi
  check_cleaned "$case"
done

# A test that ignores SIGTERM, killed the way meson kills a test that timed out.
mkdir -p "$work/timeout"
MUTUAL_TEST_NEEDS=keyring,display setsid "$wrapper" bash -c "$inner" bash "$work/timeout" hang >/dev/null 2>&1 &
leader=$!
for _ in $(seq 1 200); do [ -e "$work/timeout/ready" ] && break; sleep 0.05; done
kill -TERM -- "-$leader" 2>/dev/null
sleep 0.5
kill -KILL -- "-$leader" 2>/dev/null
wait "$leader" 2>/dev/null
check_cleaned timeout

# A missing program fails the test and names the package.
out=$(PATH=/nonexistent MUTUAL_TEST_NEEDS=display "$wrapper" /bin/true 2>&1)
status=$?
if [ "$status" -ne 99 ] || ! grep -q 'Debian package' <<<"$out"; then
  echo "FAIL [missing]: expected exit 99 naming a package, got $status: $out" >&2
  fail=1
else
  echo "ok [missing]: $(head -n1 <<<"$out")"
fi
exit $fail
