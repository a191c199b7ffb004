#!/usr/bin/env bash
# Regenerates the pictures in docs/images from a real run of the demo op (grid_sample bilinear, bf16,
# interleaved, Wormhole B0, 1x64x128x128 -> 128x128): the SVGs tilesim writes, and PNG renderings of them
# made with headless Chromium (tests/tools/render_svg.sh).
#   docs/images/make_images.sh [build/tools/tilesim]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tilesim="$(realpath "${1:-$here/../../build/tools/tilesim}")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
"$tilesim" random 1 64 128 128 --seed 1 --out input.npy >/dev/null
"$tilesim" random 1 128 128 2 --seed 2 --low -1.05 --high 1.05 --out grid.npy >/dev/null
"$tilesim" op grid_sample --input input.npy --grid grid.npy --out out.npy --backend sim --dtype bfloat16 \
  --heatmap "$here/demo_heatmap.svg" --timeline "$here/demo_timeline.svg" --timeline-us 12 >/dev/null
for picture in demo_heatmap demo_timeline; do
  "$here/../../tests/tools/render_svg.sh" "$here/$picture.svg" "$here/$picture.png" >/dev/null
done
ls -l "$here"
