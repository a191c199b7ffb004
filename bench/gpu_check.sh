#!/usr/bin/env bash
# The whole GPU check of issue 17 in one run, for a GPU machine that has nvcc, CMake, Python 3 with PyTorch
# (CUDA) but none of the Debian libraries tilesim builds against: it runs a build made on the CPU machine,
# carried as a bundle (executables + every shared library they need, found with ldd).
#
#   bench/gpu_check.sh --prepare [BUILD_DIR [BUNDLE_DIR]]   on the CPU machine: (configure and) build the
#       CUDA targets in BUILD_DIR (default build-gpu, sm_90), then copy them and their libraries into
#       BUNDLE_DIR (default build-gpu-bundle, ignored by git; must stay under 60 MiB: the device tool carries
#       64 MiB) and check that every library resolves inside the bundle.
#   bench/gpu_check.sh [--bundle BUNDLE_DIR] OUT_DIR       on the GPU machine (OUT_DIR = $OUT there):
#       every CUDA test (each test program with --gtest_filter='*Cuda*', the set `ctest -R Cuda` runs), the
#       CUDA Google Benchmarks (bench_cuda_ops, JSON) and bench/cuda_vs_pytorch.py with the machine's
#       python3. Each stage has a timeout and the whole run a budget (GPU_CHECK_BUDGET_S, default 450 s), so
#       it ends within 8 minutes; a failing stage is recorded and the next one runs.
#
# OUT_DIR receives 7 files (the device tool returns at most 8): gpu_check.log (this script's log),
# tests.log, bench_cuda_ops.json + .log, cuda_vs_pytorch.log + .json, and results.json (every stage, every
# CUDA test, every benchmark row and the PyTorch comparison, with a verdict). Exit status: 0 all passed on a
# GPU, 1 something failed, 3 no GPU (the executables ran and the CUDA tests skipped: a rehearsal),
# 2 usage or bundle error. docs/performance.md ("GPU check") has the commands.
set -u -o pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# What the check runs: the test programs that hold CUDA tests, the CUDA benchmarks, and the CLI (its CUDA
# backend tests in test_tools run it).
TESTS=(test_ops_grid_sample test_ops_correlation test_ops_deformable_aggregation test_ops_fused_grid_ops test_tools)
EXES=("${TESTS[@]}" bench_cuda_ops tilesim)
TARGETS=("${TESTS[@]}" bench_cuda_ops tilesim_cli)
# Provided by the GPU machine itself: the C library and loader (also bundled under lib/glibc, used only if
# the machine's glibc is older than the one the build needs) and the CUDA driver.
SYSTEM_LIBS='^(linux-vdso\.so|ld-linux-x86-64\.so|libc\.so|libm\.so|libpthread\.so|libdl\.so|librt\.so|libresolv\.so|libutil\.so|libcuda\.so|libnvidia-)'
GLIBC_LIBS='^(ld-linux-x86-64\.so|libc\.so|libm\.so|libpthread\.so|libdl\.so|librt\.so)'
# The device tool carries at most 64 MiB: the bundle plus the checkout's own files (tracked and untracked,
# not ignored), with a margin.
MAX_CARRY_BYTES=$((62 * 1024 * 1024))

die() {
    echo "gpu_check.sh: $*" >&2
    exit 2
}

# ---------------------------------------------------------------------------------------------- prepare
prepare() {
    local build=${1:-$REPO/build-gpu} bundle=${2:-$REPO/build-gpu-bundle}
    [[ $build = /* ]] || build=$PWD/$build
    [[ $bundle = /* ]] || bundle=$PWD/$bundle
    command -v cmake >/dev/null || die "cmake not found"
    if [[ ! -f $build/CMakeCache.txt ]]; then
        local launcher=()
        command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_CUDA_COMPILER_LAUNCHER=ccache)
        nice -n 19 cmake -S "$REPO" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 \
            -DTILESIM_WERROR=OFF "${launcher[@]}" || die "configure failed"
    fi
    grep -q '^CMAKE_CUDA_ARCHITECTURES:[A-Z]*=90$' "$build/CMakeCache.txt" ||
        die "$build is not configured with -DCMAKE_CUDA_ARCHITECTURES=90 (the H200 is sm_90)"
    nice -n 19 cmake --build "$build" --parallel "${GPU_CHECK_JOBS:-2}" --target "${TARGETS[@]}" || die "build failed"

    rm -rf "$bundle"
    mkdir -p "$bundle/bin" "$bundle/lib/glibc"
    local exe path line name lib
    for exe in "${EXES[@]}"; do
        path=$(find "$build" -type f -name "$exe" -perm -u+x -not -path '*/CMakeFiles/*' | head -n 1)
        [[ -n $path ]] || die "no $exe under $build"
        cp "$path" "$bundle/bin/$exe"
        # name => /path/lib.so.N (0x...)   (resolved through the build tree's RUNPATH)
        while read -r line; do
            [[ $line == *"not found"* ]] && die "$exe: ldd: $line"
            [[ $line == *" => /"* ]] || continue
            name=${line%% =>*}
            lib=${line#*=> }
            lib=${lib%% (*}
            if [[ $name =~ $GLIBC_LIBS ]]; then
                cp -L "$lib" "$bundle/lib/glibc/$name"
            elif ! [[ $name =~ $SYSTEM_LIBS ]]; then
                cp -L "$lib" "$bundle/lib/$name"
            fi
        done < <(ldd "$path")
    done
    # The loader itself (ldd prints it without "=>").
    cp -L /lib64/ld-linux-x86-64.so.2 "$bundle/lib/glibc/" 2>/dev/null || true
    # Smaller, and free of the build tree: no symbols, no RUNPATH (so nothing can resolve outside the
    # bundle, here either).
    strip --strip-unneeded "$bundle"/bin/* "$bundle"/lib/*.so* 2>/dev/null
    local rpath_script
    rpath_script=$(mktemp --suffix=.cmake)
    for f in "$bundle"/bin/* "$bundle"/lib/*.so*; do
        echo "file(RPATH_REMOVE FILE \"$f\")" >>"$rpath_script"
    done
    cmake -P "$rpath_script" || die "RPATH removal failed"
    rm -f "$rpath_script"

    # Every library of every executable must now resolve inside the bundle (or be the system's C library
    # or CUDA driver): what the GPU machine, which has none of the Debian -dev packages, will see.
    local bad=0
    for exe in "$bundle"/bin/*; do
        while read -r line; do
            [[ $line == *" => "* ]] || continue
            name=${line%% =>*}
            lib=${line#*=> }
            lib=${lib%% (*}
            if [[ $line == *"not found"* ]]; then
                echo "MISSING $(basename "$exe"): $name" >&2
                bad=1
            elif [[ $lib != "$bundle/lib/"* ]] && ! [[ $name =~ $SYSTEM_LIBS ]]; then
                echo "OUTSIDE $(basename "$exe"): $name => $lib" >&2
                bad=1
            fi
        done < <(env -i LD_LIBRARY_PATH="$bundle/lib" ldd "$exe")
    done
    [[ $bad = 0 ]] || die "the bundle does not hold every library its executables need"

    local commit size
    commit=$(git -C "$REPO" rev-parse HEAD 2>/dev/null || echo unknown)
    git -C "$REPO" diff --quiet HEAD 2>/dev/null || commit="$commit (with uncommitted changes)"
    size=$(du -sb "$bundle" | cut -f1)
    {
        echo "tilesim GPU-check bundle (bench/gpu_check.sh --prepare)"
        echo "commit: $commit"
        echo "made: $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -n), $(ldd --version | head -n 1)"
        echo "build: $build (CMAKE_CUDA_ARCHITECTURES=90, $(grep '^CMAKE_BUILD_TYPE:' "$build/CMakeCache.txt" | cut -d= -f2))"
        echo "nvcc: $(grep '^CMAKE_CUDA_COMPILER:' "$build/CMakeCache.txt" | cut -d= -f2)"
        echo "bytes: $size"
        echo
        (cd "$bundle" && find bin lib -type f -printf '%10s  %p\n' | sort -k2)
    } >"$bundle/MANIFEST.txt"
    local tree
    tree=$(cd "$REPO" && git ls-files -z -co --exclude-standard | du -cb --files0-from=- 2>/dev/null | tail -n 1 | cut -f1)
    echo "bundle: $bundle, $((size / 1024 / 1024)) MiB ($size bytes), commit $commit"
    echo "travels with the checkout's $((tree / 1024 / 1024)) MiB: $(((size + tree) / 1024 / 1024)) MiB of the 64 MiB the device tool carries"
    ((size + tree <= MAX_CARRY_BYTES)) || die "bundle + checkout = $((size + tree)) bytes, over the $MAX_CARRY_BYTES allowed"
}

# -------------------------------------------------------------------------------------------------- run
OUT="" B="" TMP="" LOG="" STAGES="" DEADLINE=0 LOADER=()

log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$LOG"; }

# stage NAME CAP_S LOGFILE CMD... : runs CMD with its output appended to LOGFILE, within CAP_S seconds and
# what is left of the budget; records name, exit status, outcome and seconds in $STAGES.
stage() {
    local name=$1 cap=$2 out=$3
    shift 3
    local left=$((DEADLINE - SECONDS)) t0=$SECONDS rc status
    ((cap > left - 5)) && cap=$((left - 5))
    if ((cap < 10)); then
        log "stage $name: SKIPPED (out of time: ${left}s of the budget left)"
        printf '%s\t%s\t%s\t%s\t%s\n' "$name" "" skipped 0 "$*" >>"$STAGES"
        return 0
    fi
    log "stage $name (timeout ${cap}s): $*"
    echo "===== $name: $*" >>"$out"
    if command -v timeout >/dev/null; then
        timeout -k 10 "$cap" "$@" >>"$out" 2>&1
    else
        "$@" >>"$out" 2>&1
    fi
    rc=$?
    case $rc in
        0) status=pass ;;
        124 | 137) status=timeout ;;
        *) status=fail ;;
    esac
    log "stage $name: $status (exit $rc, $((SECONDS - t0))s)"
    printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$rc" "$status" "$((SECONDS - t0))" "$*" >>"$STAGES"
    return 0
}

# Writes $TMP/bundled EXE ARGS... (a command, so that `timeout` can run it): runs a bundled executable with
# the bundle's libraries (only these processes get LD_LIBRARY_PATH: the machine's python3 keeps its own),
# the checkout's test data and configs, and the wrapped CLI; through the bundled loader if LOADER is set.
# And $TMP/tilesim, the CLI that test_tools' CUDA tests run.
write_wrappers() {
    local loader=""
    ((${#LOADER[@]})) && loader=$(printf '"%s" ' "${LOADER[@]}")
    cat >"$TMP/bundled" <<EOF
#!/bin/sh
exe=\$1
shift
export LD_LIBRARY_PATH="$B/lib" TILESIM_SOURCE_DIR="$REPO" TILESIM_CONFIG_DIR="$REPO/configs" TILESIM_CLI="$TMP/tilesim"
exec $loader"$B/bin/\$exe" "\$@"
EOF
    printf '#!/bin/sh\nexec "%s" tilesim "$@"\n' "$TMP/bundled" >"$TMP/tilesim"
    chmod +x "$TMP/bundled" "$TMP/tilesim"
}

run_check() {
    B=$REPO/build-gpu-bundle
    while [[ $# -gt 0 ]]; do
        case $1 in
            --bundle)
                B=$2
                shift 2
                ;;
            -h | --help)
                sed -n '2,20p' "${BASH_SOURCE[0]}"
                exit 0
                ;;
            -*) die "unknown option $1 (see --help)" ;;
            *)
                OUT=$1
                shift
                ;;
        esac
    done
    [[ -n $OUT ]] || die "usage: bench/gpu_check.sh [--bundle DIR] OUT_DIR   (or --prepare; see --help)"
    [[ $B = /* ]] || B=$PWD/$B
    mkdir -p "$OUT" || die "cannot create $OUT"
    OUT=$(cd "$OUT" && pwd)
    [[ -d $B/bin && -d $B/lib ]] || die "no bundle at $B (make it on the CPU machine: bench/gpu_check.sh --prepare)"
    TMP=$(mktemp -d)
    trap 'rm -rf "$TMP"' EXIT
    LOG=$OUT/gpu_check.log STAGES=$TMP/stages.tsv
    : >"$LOG"
    : >"$STAGES"
    DEADLINE=$((SECONDS + ${GPU_CHECK_BUDGET_S:-450}))
    export PYTHONUNBUFFERED=1

    log "gpu_check.sh: repo $REPO, bundle $B, out $OUT, budget ${GPU_CHECK_BUDGET_S:-450}s"
    log "host: $(uname -n), $(uname -r), $(ldd --version 2>/dev/null | head -n 1)"
    [[ -f $B/MANIFEST.txt ]] && log "bundle: $(sed -n 2p "$B/MANIFEST.txt"), $(sed -n 6p "$B/MANIFEST.txt")"
    local head
    if ! head=$(git -C "$REPO" rev-parse HEAD 2>/dev/null); then
        log "note: $REPO is no git checkout: cannot tell whether the bundle matches its commit"
    elif ! grep -q "commit: $head" "$B/MANIFEST.txt" 2>/dev/null; then
        log "WARNING: the bundle was built from another commit than this checkout's $head"
    fi
    chmod +x "$B"/bin/* "$B"/lib/glibc/ld-linux-x86-64.so.2 2>/dev/null

    # 1. The GPU as the driver sees it.
    if command -v nvidia-smi >/dev/null; then
        stage gpu 20 "$LOG" nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem --format=csv
    else
        log "stage gpu: nvidia-smi not found (no NVIDIA driver on this machine)"
        printf '%s\t%s\t%s\t%s\t%s\n' gpu 127 absent 0 "nvidia-smi (not found)" >>"$STAGES"
    fi

    # 2. Every executable starts with the bundle's libraries. If the machine's C library is older than the
    # build's (GLIBC_x.y not found), run everything through the bundled loader and C library instead.
    : >"$TMP/start.txt"
    if [[ ${GPU_CHECK_LOADER:-} == bundled ]] ||
        { ! env LD_LIBRARY_PATH="$B/lib" "$B/bin/tilesim" --version >"$TMP/start.txt" 2>&1 &&
            grep -q GLIBC "$TMP/start.txt"; }; then
        log "using the bundled loader and C library (${GPU_CHECK_LOADER:+forced by GPU_CHECK_LOADER=bundled}$(head -n 1 "$TMP/start.txt"))"
        LOADER=("$B/lib/glibc/ld-linux-x86-64.so.2" --library-path "$B/lib:$B/lib/glibc")
    fi
    write_wrappers
    local bundled=$TMP/bundled
    stage start:tilesim 20 "$LOG" "$bundled" tilesim --version
    stage start:bench_cuda_ops 20 "$LOG" "$bundled" bench_cuda_ops --benchmark_list_tests
    local t
    for t in "${TESTS[@]}"; do
        stage "start:$t" 30 "$TMP/list_$t.txt" "$bundled" "$t" --gtest_list_tests --gtest_filter='*Cuda*'
        log "  $t: $(grep -c '^  ' "$TMP/list_$t.txt") CUDA tests listed"
    done

    # 3. Every CUDA test (forward and backward against the CPU reference).
    for t in "${TESTS[@]}"; do
        stage "tests:$t" 75 "$OUT/tests.log" "$bundled" "$t" --gtest_filter='*Cuda*' --gtest_color=no \
            --gtest_output="json:$TMP/gtest_$t.json"
    done

    # 4. The CUDA Google Benchmarks (kernel times with CUDA events, achieved GB/s).
    stage bench 150 "$OUT/bench_cuda_ops.log" "$bundled" bench_cuda_ops --benchmark_min_time=0.25 \
        --benchmark_out="$OUT/bench_cuda_ops.json" --benchmark_out_format=json

    # 5. PyTorch's CUDA formulations on the same shapes, side by side with the benchmark rows.
    local bench_json=()
    python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$OUT/bench_cuda_ops.json" 2>/dev/null &&
        bench_json=(--bench-json "$OUT/bench_cuda_ops.json")
    stage pytorch 240 "$OUT/cuda_vs_pytorch.log" python3 "$REPO/bench/cuda_vs_pytorch.py" "${bench_json[@]}" \
        --json "$OUT/cuda_vs_pytorch.json"
    if grep -q "no CUDA device" "$OUT/cuda_vs_pytorch.log" 2>/dev/null; then
        # No GPU (a rehearsal): at least every PyTorch formulation runs, on the CPU with tiny shapes.
        stage pytorch-cpu-smoke 120 "$OUT/cuda_vs_pytorch.log" python3 "$REPO/bench/cuda_vs_pytorch.py" \
            --device cpu --small --repeats 2
    fi

    # 6. One JSON of everything, and the verdict.
    python3 - "$OUT" "$TMP" "$STAGES" <<'EOF'
import glob, json, os, re, sys

out, tmp, stages_file = sys.argv[1:4]
stages = []
for line in open(stages_file):
    name, rc, status, seconds, cmd = line.rstrip("\n").split("\t")
    stages.append({"name": name, "exit": int(rc) if rc else None, "status": status, "seconds": int(seconds),
                   "command": cmd})
tests_log = open(os.path.join(out, "tests.log")).read() if os.path.exists(os.path.join(out, "tests.log")) else ""
tests, failed, skipped_no_gpu, skipped_other = {}, [], [], []
for f in sorted(glob.glob(os.path.join(tmp, "gtest_*.json"))):
    prog = os.path.basename(f)[len("gtest_"):-len(".json")]
    counts = {"run": 0, "passed": 0, "failed": 0, "skipped": 0}
    for suite in json.load(open(f)).get("testsuites", []):
        for t in suite.get("testsuite", []):
            full = f"{prog}: {suite['name']}.{t['name']}"
            counts["run"] += 1
            if t.get("failures"):
                counts["failed"] += 1
                failed.append(full)
            elif t.get("result") == "SKIPPED" or t.get("status") == "NOTRUN":
                counts["skipped"] += 1
                # The *Unavailable tests (and the CLI's CudaWithoutGpu case) skip where a GPU is present,
                # every other CUDA test where none is.
                gpu_only = "Unavailable" in suite["name"] or "CudaWithoutGpu" in t["name"]
                (skipped_other if gpu_only else skipped_no_gpu).append(full)
            else:
                counts["passed"] += 1
    tests[prog] = counts
m = re.search(r"no CUDA device: [^\n]*", tests_log)
bench_rows, bench_errors, context = [], [], {}
try:
    bench = json.load(open(os.path.join(out, "bench_cuda_ops.json")))
    context = bench.get("context", {})
    for b in bench["benchmarks"]:
        name = b["name"].split("/", 1)[1].split("/manual_time")[0]
        if b.get("error_occurred"):
            bench_errors.append(f"{name}: {b.get('error_message', '')}")
        else:
            bench_rows.append({"name": name, "kernel_ms": b.get("kernel_ms"), "GBps": b.get("GB/s"),
                               "MB": b.get("MB"), "iterations": b.get("iterations")})
except (OSError, ValueError, KeyError) as e:
    bench_errors.append(f"bench_cuda_ops.json unreadable: {e}")
try:
    pytorch = json.load(open(os.path.join(out, "cuda_vs_pytorch.json")))
except (OSError, ValueError):
    pytorch = None
gpu = "cuda_device" in context or (pytorch is not None and pytorch.get("device") != "cpu")
torch_log = os.path.join(out, "cuda_vs_pytorch.log")
for s in stages:  # cuda_vs_pytorch.py's clean stop without a GPU
    if s["name"] == "pytorch" and s["exit"] == 2 and os.path.exists(torch_log) and "no CUDA device" in open(torch_log).read():
        s["status"] = "no-gpu"
no_gpu_reason = None if gpu else (m.group(0) if m else "no CUDA device seen by the tests or the benchmarks")
bad_stages = [s["name"] for s in stages if s["status"] in ("fail", "timeout", "skipped")]
if not gpu:
    verdict = "no-gpu" if not bad_stages and not failed else "fail"
else:
    verdict = "pass" if not bad_stages and not failed and not skipped_no_gpu and not bench_errors else "fail"
result = {"verdict": verdict, "gpu": gpu, "no_gpu_reason": no_gpu_reason, "cuda_device": context.get("cuda_device"),
          "stages": stages, "tests": tests, "tests_failed": failed, "tests_skipped_for_no_gpu": skipped_no_gpu,
          "tests_skipped_otherwise": skipped_other, "bench": bench_rows, "bench_errors": bench_errors,
          "pytorch": pytorch}
json.dump(result, open(os.path.join(out, "results.json"), "w"), indent=1)
print("\n==== gpu_check summary")
for s in stages:
    print(f"  {s['status']:8} {s['seconds']:4}s  {s['name']}")
for prog, c in tests.items():
    print(f"  tests {prog}: {c['passed']} passed, {c['failed']} failed, {c['skipped']} skipped (of {c['run']})")
total = {k: sum(c[k] for c in tests.values()) for k in ("passed", "failed", "skipped")}
print(f"CUDA tests: {total['passed']} passed, {total['failed']} failed, {total['skipped']} skipped")
for f in failed:
    print(f"  FAILED {f}")
print(f"benchmarks: {len(bench_rows)} timed, {len(bench_errors)} skipped or failed"
      + (f" (first: {bench_errors[0]})" if bench_errors else ""))
if pytorch:
    print(f"pytorch: {len(pytorch['rows'])} rows on {pytorch['device']}, targets missed: {pytorch['missed'] or 'none'}")
print(f"GPU: {context.get('cuda_device') or no_gpu_reason}")
print(f"verdict: {verdict}")
sys.exit({"pass": 0, "no-gpu": 3}.get(verdict, 1))
EOF
    local rc=$?
    log "verdict exit $rc (0 pass, 1 fail, 3 no GPU); files in $OUT: $(cd "$OUT" && echo *)"
    # The comparison table, for the reader of the output's tail.
    [[ $rc != 3 ]] && sed -n '/^torch /,$p' "$OUT/cuda_vs_pytorch.log" 2>/dev/null | tail -n 60
    return $rc
}

case ${1:-} in
    --prepare)
        shift
        prepare "$@"
        ;;
    *) run_check "$@" ;;
esac
