#!/bin/sh
# Build the packaged app from a clone: dist/manualviewer/ (PyInstaller, one folder) and
# dist/manualviewer_<version>_<arch>.deb (dpkg-deb), installing under /opt/manualviewer with
# `manualviewer` on the PATH, a desktop entry, the hicolor icon and AppStream metainfo.
#
#     sh packaging/build-linux.sh            (PYTHON=python3.12 to build with another Python)
#
# Needs Python 3.11+ with venv, dpkg-deb and Qt's system libraries (scripts/system-packages.sh).
# The build's own virtual environment is build/package-venv (reused; delete it for a fresh one).
set -eu
cd "$(dirname "$0")/.."
ID=org.manualviewer.ManualViewer
PYTHON="${PYTHON:-python3}"
VENV=build/package-venv

[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
# Installed, not editable: PyInstaller collects the package with its data (library, icon) from
# site-packages. The second line makes sure this checkout's code replaces an earlier build's.
rm -rf build/lib build/bdist.* # setuptools' leftovers: a stale module must not reach the wheel
"$VENV/bin/python" -m pip install -q ".[package]"
"$VENV/bin/python" -m pip install -q --no-deps --force-reinstall .
VERSION=$("$VENV/bin/python" -c "import manualviewer; print(manualviewer.__version__)")
ARCH=$(dpkg --print-architecture)
grep -q "<release version=\"$VERSION\"" "packaging/linux/$ID.metainfo.xml" || {
    echo "packaging/linux/$ID.metainfo.xml has no <release> for version $VERSION: add one" >&2; exit 1; }

echo "Building dist/manualviewer/ ($VERSION)"
rm -rf dist/manualviewer
"$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller \
    packaging/manualviewer.spec
dist/manualviewer/manualviewer --version

echo "Building dist/manualviewer_${VERSION}_${ARCH}.deb"
STAGE=build/deb/root
rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
    "$STAGE/usr/share/metainfo" "$STAGE/usr/share/doc/manualviewer"
cp -a dist/manualviewer "$STAGE/opt/manualviewer"
# A wrapper rather than a symlink: the app finds its folder from its own path either way, but a
# wrapper keeps working whatever the bootloader does with symlinked executables.
printf '#!/bin/sh\nexec /opt/manualviewer/manualviewer "$@"\n' > "$STAGE/usr/bin/manualviewer"
chmod 755 "$STAGE/usr/bin/manualviewer"
cp "packaging/linux/$ID.desktop" "$STAGE/usr/share/applications/"
cp "packaging/linux/$ID.metainfo.xml" "$STAGE/usr/share/metainfo/"
"$VENV/bin/python" packaging/linux/render_icons.py resources/manualviewer.svg "$STAGE/usr/share/icons/hicolor" "$ID"
# Licences: the code's, the bundled library's OGL attribution, the third-party list.
cp LICENSE "$STAGE/usr/share/doc/manualviewer/copyright"
cp content/README.md "$STAGE/usr/share/doc/manualviewer/OGL-ATTRIBUTION.md"
cp resources/THIRD-PARTY-LICENCES.md "$STAGE/usr/share/doc/manualviewer/"
cp content/README.md "$STAGE/opt/manualviewer/_internal/licences/OGL-ATTRIBUTION.md"
cp packaging/linux/postinst packaging/linux/postrm "$STAGE/DEBIAN/"
chmod -R u=rwX,go=rX "$STAGE"
chmod 755 "$STAGE/DEBIAN/postinst" "$STAGE/DEBIAN/postrm" "$STAGE/opt/manualviewer/manualviewer"
SIZE_KB=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
cat > "$STAGE/DEBIAN/control" <<CONTROL
Package: manualviewer
Version: $VERSION
Architecture: $ARCH
Maintainer: The Manual Viewer developers <manualviewer@localhost>
Installed-Size: $SIZE_KB
Depends: libc6 (>= 2.34), libgl1, libegl1, libfontconfig1, libfreetype6, libglib2.0-0, libdbus-1-3, libxkbcommon0, libxkbcommon-x11-0, libxcb-cursor0, libxcb-icccm4, libxcb-image0, libxcb-keysyms1, libxcb-render-util0, libxcb-shape0, libxcb-xkb1
Section: utils
Priority: optional
Description: search guidance manuals and follow their guided checklists
 Manual Viewer is a desktop app for staff of public bodies: it searches
 internal guidance manuals, shows cross-linked sections and runs the guided
 checklists embedded in the guidance, which write the call note and prepare
 the escalation to the line manager. Self-contained build (Python and Qt
 inside /opt/manualviewer).
CONTROL
DEB="dist/manualviewer_${VERSION}_${ARCH}.deb"
dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$DEB" >/dev/null
echo "Built $DEB ($(du -h "$DEB" | cut -f1)); installed size $(du -sh "$STAGE/opt/manualviewer" | cut -f1)"
