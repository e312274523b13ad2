#!/bin/sh
# Debian/Ubuntu packages Qt needs: offscreen (tests) and xcb (a real window, and the Xvfb smoke
# test); for the package build and its test (packaging/): PyInstaller's objdump (binutils),
# xwininfo (x11-utils), and the validators of the desktop entry and metainfo (desktop-file-utils,
# appstream). Installs only what is missing; needs root or sudo for that, and says so otherwise.
set -eu
PACKAGES="libgl1 libegl1 libfontconfig1 libglib2.0-0 libdbus-1-3 libxkbcommon0 \
xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 \
libxcb-render0 libxcb-shape0 libxcb-util1 libxcb-xkb1 libxkbcommon-x11-0 x11-utils \
binutils desktop-file-utils appstream"
command -v dpkg-query >/dev/null 2>&1 || exit 0   # not Debian-like: install Qt's libraries yourself
missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "Missing system packages:$missing (install them as root)" >&2; exit 1
fi
echo "Installing system packages:$missing"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
