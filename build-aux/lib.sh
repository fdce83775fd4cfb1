# SPDX-License-Identifier: GPL-3.0-or-later
# Shared by build-aux/run and build-aux/test: the Debian packages Mutual needs, their
# installation when some are missing, and the build in _build/.

# What compiles and links Mutual, and what its build steps call.
BUILD_PACKAGES=(
  meson ninja-build pkg-config gcc libc6-dev
  libglib2.0-dev libglib2.0-dev-bin libglib2.0-bin
  libgtk-4-dev libgtk-4-bin libadwaita-1-dev
  libgnutls28-dev libsecret-1-dev libsoup-3.0-dev libjson-glib-dev
  gettext itstool desktop-file-utils
  ca-certificates
)

# What the application needs at run time beyond its libraries, and what build-aux/run
# needs to show it without a display.
RUN_PACKAGES=(
  adwaita-icon-theme hicolor-icon-theme librsvg2-common fonts-cantarell
  dconf-gsettings-backend
  dbus-daemon at-spi2-core gnome-keyring
  xvfb xauth x11-utils imagemagick
)

# What the test suites run.
TEST_PACKAGES=(
  "${RUN_PACKAGES[@]}"
  libsecret-tools
  appstream yelp-tools libxml2-utils flatpak-builder
)

top_srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
builddir=$top_srcdir/_build

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Installs whichever of the given packages are not installed yet, and nothing when all
# are: a second run does no needless work.
ensure_packages() {
  local missing=() pkg status
  for pkg in "$@"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
    [ "$status" = installed ] || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0

  say "Installing ${#missing[@]} missing Debian packages: ${missing[*]}"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 ||
      die "these packages are missing and this is not root and sudo is not installed: ${missing[*]}"
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q ||
    die "apt-get update failed; check the network and /etc/apt/sources.list"
  "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" ||
    die "apt-get could not install: ${missing[*]}"
}

# Configures _build/ once (CI's options: warnings are errors) and builds it; ninja does
# nothing when nothing changed.
build() {
  if [ ! -f "$builddir/build.ninja" ]; then
    say "Configuring the build in _build/"
    if [ -d "$builddir" ]; then
      meson setup --wipe "$builddir" "$top_srcdir" -Dwerror=true
    else
      meson setup "$builddir" "$top_srcdir" -Dwerror=true
    fi
  fi
  say "Building"
  ninja -C "$builddir"
}
