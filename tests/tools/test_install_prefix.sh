#!/usr/bin/env bash
# Installs tilesim into a temporary, non-system prefix and runs what a user runs there with a clean
# environment (no LD_LIBRARY_PATH, no ldconfig, a fresh kernel cache): the CLI's --version, one op on the
# simulated device (its kernels compiled from the installed sources and headers), and the installed
# find_package consumer example.
#   tests/tools/test_install_prefix.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix with space"
cmake --install "$build" --prefix "$prefix" >/dev/null
clean_env=(env -i PATH=/usr/bin:/bin HOME="$work/home" TILESIM_KERNEL_CACHE="$work/kernel-cache")
mkdir -p "$work/home"

echo "installed CLI: --version"
"${clean_env[@]}" "$prefix/bin/tilesim" --version

echo "installed CLI: grid_sample on the simulated device"
"${clean_env[@]}" "$prefix/bin/tilesim" random 1 9 13 4 --seed 1 --out "$work/x.npy" >/dev/null
"${clean_env[@]}" "$prefix/bin/tilesim" random 1 5 7 2 --seed 2 --low -1.1 --high 1.1 --out "$work/g.npy" >/dev/null
"${clean_env[@]}" "$prefix/bin/tilesim" op grid_sample --input "$work/x.npy" --grid "$work/g.npy" --input-layout nhwc \
  --backend sim --out "$work/y.npy" | tail -n 3
test -s "$work/y.npy"

echo "installed consumer example (find_package(tilesim))"
cmake -S docs/examples/consumer -B "$work/consumer" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/consumer" >/dev/null
"${clean_env[@]}" "$work/consumer/consumer"
echo "install prefix test: PASS"
