#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The Flatpak manifest parses, and its sandbox holes are exactly the minimal set.
set -eu
manifest=$1
if ! command -v flatpak-builder >/dev/null 2>&1; then
  echo "Bail out! flatpak-builder is not installed; install the Debian package \"flatpak-builder\"" >&2
  exit 99
fi
shown=$(flatpak-builder --show-manifest "$manifest")

fail() { echo "FAIL: $*" >&2; exit 1; }

grep -q '"id" *: *"io.github.mutual.Mutual"' <<<"$shown" || fail "app id is not io.github.mutual.Mutual"
grep -q '"runtime" *: *"org.gnome.Platform"' <<<"$shown" || fail "runtime is not org.gnome.Platform"
grep -q '"sdk" *: *"org.gnome.Sdk"' <<<"$shown" || fail "sdk is not org.gnome.Sdk"

# The finish-args array, one argument per line.
args=$(sed -n '/"finish-args"/,/\]/p' <<<"$shown" | grep -o '"--[^"]*"' | tr -d '"' | sort)
expected=$(printf '%s\n' --device=dri --share=ipc --share=network --socket=fallback-x11 --socket=wayland | sort)
if [ "$args" != "$expected" ]; then
  echo "finish-args are:" >&2; echo "$args" >&2
  fail "finish-args must be exactly: $(echo $expected)"
fi
if grep -q -- '--filesystem' <<<"$shown"; then
  fail "the manifest grants host filesystem access"
fi
echo "flatpak manifest OK: $(echo $args)"
