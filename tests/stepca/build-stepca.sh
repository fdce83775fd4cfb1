#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Usage: build-stepca.sh MAIN_GO OUTPUT DEPFILE GOCACHE
#
# Builds smallstep's step-ca from Debian's Go packages, offline: GOPATH mode
# (GO111MODULE=off) over /usr/share/gocode, where golang-github-smallstep-certificates-dev
# and its dependencies put their sources. The Go build cache lives in the build folder,
# so HOME may be read-only or private. Writes a depfile listing every Go, C and assembly
# source the binary was built from, the standard library's included, so that ninja
# rebuilds after a Debian update and does nothing otherwise.
set -eu
set -o pipefail

main_go=$1
output=$2
depfile=$3
gocache=$4

fail() {
  printf 'step-ca build: %s\n' "$*" >&2
  exit 1
}

command -v go >/dev/null 2>&1 ||
  fail 'the Go compiler is missing: install the Debian package "golang-go" (apt-get install golang-go)'
command -v gcc >/dev/null 2>&1 ||
  fail 'the C compiler that cgo needs is missing: install the Debian package "gcc"'
gocode=/usr/share/gocode
[ -f "$gocode/src/github.com/smallstep/certificates/commands/app.go" ] ||
  fail "smallstep's sources are missing from $gocode: install the Debian package \"golang-github-smallstep-certificates-dev\""
[ -f /usr/include/PCSC/winscard.h ] ||
  fail 'the PC/SC headers that step-ca links against are missing: install the Debian package "libpcsclite-dev"'

mkdir -p "$gocache"
case $gocache in /*) ;; *) gocache=$PWD/$gocache ;; esac

# Only what this build needs from the environment: no user Go configuration, no module
# proxy, no toolchain download, no writes outside the build folder.
export GO111MODULE=off GOPATH=$gocode GOCACHE=$gocache GOENV=off GOFLAGS= \
  GOPROXY=off GOTOOLCHAIN=local GOTMPDIR= CGO_ENABLED=1 \
  CGO_CFLAGS='-O2 -Wno-deprecated-declarations'

tmp=$output.tmp.$$
trap 'rm -f "$tmp"' EXIT
log=$(mktemp)
trap 'rm -f "$tmp" "$log"' EXIT

if ! go build -buildvcs=false -trimpath -ldflags='-s -w' -o "$tmp" "$main_go" >"$log" 2>&1; then
  cat "$log" >&2
  missing=$(sed -n 's/.*cannot find package "\([^"]*\)".*/\1/p' "$log" | sort -u | head -5 | tr '\n' ' ')
  if [ -n "$missing" ]; then
    fail "Go packages are missing from $gocode: ${missing}; reinstall the Debian package \"golang-github-smallstep-certificates-dev\", which depends on all of them"
  fi
  fail "go build failed (see above); the Go toolchain is $(go version 2>/dev/null || echo unknown)"
fi
# Keep what go said (warnings) visible, quietly.
[ -s "$log" ] && sed 's/^/go: /' "$log" >&2

# The depfile: every source file of every package in the build, and main.go.
{
  printf '%s:' "$output"
  printf ' \\\n  %s' "$main_go"
  go list -deps \
    -f '{{$d := .Dir}}{{range .GoFiles}}{{$d}}/{{.}}
{{end}}{{range .CgoFiles}}{{$d}}/{{.}}
{{end}}{{range .CFiles}}{{$d}}/{{.}}
{{end}}{{range .HFiles}}{{$d}}/{{.}}
{{end}}{{range .SFiles}}{{$d}}/{{.}}
{{end}}' "$main_go" | awk 'NF { gsub(/ /, "\\ "); printf " \\\n  %s", $0 }'
  printf '\n'
} >"$depfile.tmp"
mv "$depfile.tmp" "$depfile"
mv "$tmp" "$output"
