#!/usr/bin/env bash
# tilesim's one entry point: installs what a fresh Debian machine lacks, builds, and runs.
#   ./tilesim.sh demo              build (Release) and run the demo
#   ./tilesim.sh test [--sanitize|--tsan]   build and run the test suite (ctest)
#   ./tilesim.sh build             only build
#   ./tilesim.sh bench [ARGS]      build and run every benchmark program
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

# Debian packages tilesim builds against. Why each: oneTBB (kernels as tasks, parallel CPU references),
# fmt (messages), nlohmann-json (device/run configs, reports), CLI11 (command line), Highway (SIMD in
# the CPU references), Boost.Context (syscall-free fiber switches for the kernels of a simulated core),
# GoogleTest and Google Benchmark (tests, bench/), python3-numpy + python3-torch
# (golden fixtures and side-by-side benchmarks only; never a runtime dependency of the C++ library),
# python3-dev + pybind11-dev + python3-numpy + python3-pytest (the `tilesim` Python package, python/, and
# its pytest suite, tests/python/, which checks every op against python3-torch's), python3-distributed
# (Dask: `tilesim.sweep` runs a sweep's points on a cluster; its tests skip without it).
packages=(build-essential cmake ninja-build pkg-config libtbb-dev libfmt-dev nlohmann-json3-dev
          libcli11-dev libhwy-dev libboost-context-dev googletest libgtest-dev libgmock-dev libbenchmark-dev clang-format
          python3-dev pybind11-dev python3-numpy python3-pytest python3-torch python3-distributed)
# Only for `test --sanitize` (clang's sanitizers and libFuzzer) and `test --tsan`.
sanitizer_packages=(clang libclang-rt-dev)

install_missing() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "tilesim.sh: missing Debian packages: ${missing[*]} (run as root, or install them)" >&2
    exit 1
  fi
  echo "tilesim.sh: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

jobs="$(nproc)"
configure_and_build() {  # $1 = build dir, rest = extra cmake args; TILESIM_TARGET limits the build
  local dir="$1"; shift
  local gen=() launcher=()
  command -v ninja >/dev/null && gen=(-G Ninja)
  # ccache, where installed, makes rebuilds (another clone, another build folder) cheap; paths inside the
  # checkout are hashed relative to it.
  if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_CUDA_COMPILER_LAUNCHER=ccache)
    export CCACHE_BASEDIR="$here"
  fi
  if [ ! -f "$dir/CMakeCache.txt" ]; then
    cmake -S . -B "$dir" "${gen[@]}" "${launcher[@]}" -DCMAKE_BUILD_TYPE="${TILESIM_BUILD_TYPE:-Release}" \
      ${CI:+-DTILESIM_WERROR=ON} "$@"
  fi
  cmake --build "$dir" --parallel "$jobs" ${TILESIM_TARGET:+--target "$TILESIM_TARGET"}
}

cmd="${1:-}"; shift || true
case "$cmd" in
  demo)
    install_missing
    configure_and_build build
    exec ./build/tools/tilesim demo "$@"
    ;;
  build)
    install_missing
    configure_and_build build
    ;;
  test)
    case "${1:-}" in --sanitize|--tsan) packages+=("${sanitizer_packages[@]}") ;; esac
    install_missing
    case "${1:-}" in
      --sanitize)
        # One clang build with AddressSanitizer + UndefinedBehaviorSanitizer and libFuzzer coverage: the
        # whole suite runs under the sanitizers, then each fuzz target runs on its seed corpus.
        # Build type "Sanitize": -O1 -g1 compiles much faster than -O2 -g and still gives ASan line numbers.
        CC=clang CXX=clang++ configure_and_build build-asan -DCMAKE_BUILD_TYPE=Sanitize \
          -DCMAKE_CXX_FLAGS_SANITIZE="-O1 -g1" -DCMAKE_C_FLAGS_SANITIZE="-O1 -g1" \
          -DTILESIM_SANITIZE="address;undefined" -DTILESIM_FUZZ=ON -DTILESIM_WERROR=OFF -DTILESIM_BUILD_BENCH=OFF -DTILESIM_CUDA=OFF
        (cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j "$jobs")
        for target in npy device_config run_config; do
          corpus="$(mktemp -d)"
          cp tests/fuzz/corpus/"$target"/* "$corpus"/
          # A fixed seed and run count: the same inputs every time (a CI run is reproducible), capped in time.
          echo "fuzz_$target: ${TILESIM_FUZZ_RUNS:-150000} runs, at most ${TILESIM_FUZZ_SECONDS:-60} s"
          ./build-asan/tests/fuzz/fuzz_"$target" -seed=1 -runs="${TILESIM_FUZZ_RUNS:-150000}" \
            -max_total_time="${TILESIM_FUZZ_SECONDS:-60}" -rss_limit_mb=3072 -timeout=10 -print_final_stats=1 \
            "$corpus" 2>&1 | tail -n 3
          rm -rf "$corpus"
        done ;;
      --tsan)
        # ThreadSanitizer over the runtime tests. TSan cannot follow fiber switches, so a TSan
        # build runs kernels with Executor::Threads (each kernel an OS thread; same CB protocol, same code).
        CC=clang CXX=clang++ TILESIM_TARGET=test_runtime_tsan configure_and_build build-tsan -DCMAKE_BUILD_TYPE=Sanitize \
          -DCMAKE_CXX_FLAGS_SANITIZE="-O1 -g1" -DCMAKE_C_FLAGS_SANITIZE="-O1 -g1" \
          -DTILESIM_SANITIZE=thread -DTILESIM_WERROR=OFF -DTILESIM_BUILD_BENCH=OFF -DTILESIM_CUDA=OFF
        cd build-tsan && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" ./tests/test_runtime_tsan ;;
      "")
        configure_and_build build
        cd build && ctest --output-on-failure -j "$jobs" ;;
      *) echo "tilesim.sh test: unknown option '$1' (expected --sanitize or --tsan)" >&2; exit 2 ;;
    esac
    ;;
  bench)
    install_missing
    configure_and_build build
    for b in build/bench/bench_*; do [ -x "$b" ] && "$b" "$@"; done
    ;;
  *)
    echo "usage: ./tilesim.sh demo | test [--sanitize|--tsan] | build | bench [benchmark args]" >&2
    exit 2
    ;;
esac
