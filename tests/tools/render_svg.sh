#!/usr/bin/env bash
# Renders an SVG to a PNG with headless Chromium, to check by eye that a picture tilesim wrote draws well.
#   tests/tools/render_svg.sh picture.svg [out.png] [width height]
# Width and height default to the SVG's width/height attributes. Needs Debian's `chromium`.
set -euo pipefail
if [[ $# -lt 1 || $# -gt 4 ]]; then
    echo "usage: $0 picture.svg [out.png] [width height]" >&2
    exit 2
fi
svg=$(realpath "$1")
png=$(realpath -m "${2:-${1%.svg}.png}")
browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z "$browser" ]]; then
    echo "$0: chromium not found (Debian: apt-get install chromium)" >&2
    exit 3
fi
attr() { sed -n "s/.*<svg[^>]* $1=\"\([0-9]*\)\".*/\1/p" "$svg" | head -n 1; }
width=${3:-$(attr width)}
height=${4:-$(attr height)}
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
    --disable-sync --no-first-run --hide-scrollbars --user-data-dir="$profile" \
    --window-size="${width:-1200},${height:-800}" --screenshot="$png" "file://$svg" >/dev/null 2>&1
[[ -s "$png" ]] || { echo "$0: chromium wrote no $png" >&2; exit 1; }
echo "$png"
