#!/usr/bin/env bash
# Build the macOS disk image from dist/fxcost.app (made by `pyinstaller build.spec`): the app and a link to
# /Applications, so the user drags one onto the other. Usage: installer/macos/make_dmg.sh VERSION
set -euo pipefail
version="${1:?usage: make_dmg.sh VERSION}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
app="$root/dist/fxcost.app"
[ -d "$app" ] || { echo "make_dmg.sh: $app not found; run pyinstaller build.spec first" >&2; exit 1; }
staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
cp -R "$app" "$staging/"
ln -s /Applications "$staging/Applications"
out="$root/dist/fxcost-$version-macos.dmg"
rm -f "$out"
hdiutil create -volname "fxcost $version" -srcfolder "$staging" -fs HFS+ -format UDZO -ov "$out"
echo "$out"
