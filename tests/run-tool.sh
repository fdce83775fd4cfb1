#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Usage: run-tool.sh PACKAGE PROGRAM [ARGUMENT...]
# Runs PROGRAM, or fails naming the Debian PACKAGE that provides it.
set -eu
package=$1
program=$2
shift 2
if ! command -v "$program" >/dev/null 2>&1; then
  echo "Bail out! $program is not installed; install the Debian package \"$package\"" >&2
  exit 99
fi
exec "$program" "$@"
