#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# mutualctl keeps its keyring and CA commands in the module mutualctl-services, loaded
# only when one of them runs (src/cli/meson.build). Checks, with the dynamic loader's
# own trace: inspect and probe start without libsoup, libsecret or the module; the
# module's commands load it; a mutualctl whose module is missing still inspects, and
# says what is wrong for the other commands. TAP output.
set -u
mutualctl=$1
fixtures=$2
installed_module=$3/mutualctl-services.so

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; shift; for line in "$@"; do echo "# $line"; done; }

# loaded LOG NAME: whether the loader's trace in LOG shows NAME being loaded.
loaded() { grep -q "file=[^ ]*$2" "$1"; }

LD_DEBUG=files "$mutualctl" inspect "$fixtures/client-p256.pem" >/dev/null 2>"$work/inspect.log"
status=$?
if ! loaded "$work/inspect.log" libgnutls.so; then
  not_ok "the loader's trace works (LD_DEBUG=files shows libgnutls)" "$(head -5 "$work/inspect.log")"
elif loaded "$work/inspect.log" libsoup-3.0.so || loaded "$work/inspect.log" libsecret-1.so ||
     loaded "$work/inspect.log" mutualctl-services.so; then
  not_ok "inspect loads neither libsoup, libsecret nor the services module" \
    "$(grep -E 'file=[^ ]*(libsoup|libsecret|mutualctl-services)' "$work/inspect.log" | head -5)"
elif [ $status -gt 1 ]; then
  not_ok "inspect loads neither libsoup, libsecret nor the services module" "exit status $status"
else
  ok "inspect loads neither libsoup, libsecret nor the services module"
fi

# Port 1 on the loopback is closed: the probe fails at once, having loaded what it needs.
LD_DEBUG=files "$mutualctl" probe --timeout 5 --cert "$fixtures/client-p256.pem" \
  --key "$fixtures/client-p256.key" 127.0.0.1:1 >/dev/null 2>"$work/probe.log"
if loaded "$work/probe.log" libsoup-3.0.so || loaded "$work/probe.log" mutualctl-services.so; then
  not_ok "probe without --identity does not load the services module" \
    "$(grep -E 'file=[^ ]*(libsoup|mutualctl-services)' "$work/probe.log" | head -5)"
else
  ok "probe without --identity does not load the services module"
fi

LD_DEBUG=files "$mutualctl" version >"$work/version.out" 2>"$work/version.log"
status=$?
if [ $status -ne 0 ] || ! loaded "$work/version.log" mutualctl-services.so ||
   ! loaded "$work/version.log" libsoup-3.0.so || ! grep -q '^  libsoup' "$work/version.out"; then
  not_ok "version loads the services module, and libsoup with it" "exit status $status" \
    "$(cat "$work/version.out")"
else
  ok "version loads the services module, and libsoup with it"
fi

# A copy of the executable outside the build tree looks for the installed module.
cp "$mutualctl" "$work/mutualctl"
if [ -e "$installed_module" ]; then
  echo "ok $((n + 1)) # SKIP $installed_module is installed on this machine, so the missing-module case cannot be made here"
  n=$((n + 1))
else
  "$work/mutualctl" inspect "$fixtures/client-p256.pem" >"$work/copy-inspect.out" 2>&1
  status=$?
  if [ $status -gt 1 ] || ! grep -q 'client' "$work/copy-inspect.out"; then
    not_ok "without the module, inspect still works" "exit status $status" "$(head -5 "$work/copy-inspect.out")"
  else
    ok "without the module, inspect still works"
  fi

  "$work/mutualctl" list >"$work/copy-list.out" 2>"$work/copy-list.err"
  status=$?
  if [ $status -ne 5 ] || ! grep -q "$installed_module" "$work/copy-list.err" ||
     ! grep -q 'Reinstall Mutual' "$work/copy-list.err"; then
    not_ok "without the module, list exits 5 and names the missing file" "exit status $status" \
      "$(cat "$work/copy-list.err")"
  else
    ok "without the module, list exits 5 and names the missing file"
  fi

  "$work/mutualctl" list --json >"$work/copy-json.out" 2>/dev/null
  if ! grep -q '"schema" *: *"mutualctl.error/1"' "$work/copy-json.out" ||
     ! grep -q '"exit_code" *: *5' "$work/copy-json.out"; then
    not_ok "without the module, list --json writes the error object" "$(cat "$work/copy-json.out")"
  else
    ok "without the module, list --json writes the error object"
  fi

  "$work/mutualctl" --help >"$work/copy-help.out" 2>&1
  status=$?
  if [ $status -ne 0 ] || ! grep -q '^  inspect' "$work/copy-help.out" ||
     ! grep -q 'Reinstall Mutual' "$work/copy-help.out"; then
    not_ok "without the module, --help lists what works and says what is missing" \
      "exit status $status" "$(cat "$work/copy-help.out")"
  else
    ok "without the module, --help lists what works and says what is missing"
  fi
fi

echo "1..$n"
exit $failed
