#!/usr/bin/env bash
# Points per second of one sweep run four ways: serially, with --jobs N, as N shards + sweep merge, and on
# an N-worker Dask LocalCluster (tilesim.sweep); checks that the four CSVs are identical (docs/performance.md).
#   bench/sweep_throughput.sh [CONFIG] [N] [POINTS_PER_TASK]
# Needs a Release build in build/ (./tilesim.sh build) and, for the Dask run, python3-distributed.
set -euo pipefail
cd "$(dirname "$0")/.."
config=$(realpath "${1:-configs/runs/grid_sample_sweep_shapes.json}")
n=${2:-2}
per_task=${3:-1}
cli=$PWD/build/tools/tilesim
py=${PYTHON:-$(command -v /usr/bin/python3 || command -v python3)}  # Debian's, with python3-distributed
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
points=$("$cli" sweep "$config" --dry-run | sed -n 's/.*: \([0-9]*\) of .*/\1/p')
"$cli" sweep "$config" --csv "$out/warm.csv" >/dev/null 2>&1 || true  # kernels built and cached first
clock() { local t0; t0=$(date +%s.%N); "$@" >/dev/null 2>&1; echo "$(date +%s.%N) - $t0" | bc; }
report() { printf '%-34s %7.2f s %8.1f points/s\n' "$1" "$2" "$(echo "$points / $2" | bc -l)"; }
echo "$points points of $config, $(nproc) cores"
report "serial" "$(clock "$cli" sweep "$config" --csv "$out/serial.csv")"
report "--jobs $n" "$(clock "$cli" sweep "$config" --jobs "$n" --csv "$out/jobs.csv")"
shards() {
    for ((i = 0; i < n; i++)); do "$cli" sweep "$config" --shard "$i/$n" --json "$out/slice$i.json" & done
    wait
    "$cli" sweep merge "$out"/slice*.json --csv "$out/merged.csv"
}
report "$n shards at once + merge" "$(clock shards)"
if "$py" -c "import distributed" 2>/dev/null; then
    # A file, not stdin: the cluster's worker processes import the main module again.
    cat >"$out/dask_sweep.py" <<'PY'
import sys

import distributed
import tilesim

if __name__ == "__main__":
    config, n, per_task, csv = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    with distributed.LocalCluster(n_workers=n, threads_per_worker=1, dashboard_address=None) as c, \
            distributed.Client(c) as client:
        tilesim.sweep(config, client, csv=csv, points_per_task=per_task, progress=False)
PY
    dask() { PYTHONPATH=$PWD/build/python "$py" "$out/dask_sweep.py" "$config" "$n" "$per_task" "$out/dask.csv"; }
    report "$n-worker LocalCluster ($per_task pt/task)" "$(clock dask)"
    # The share of that which is starting and stopping the cluster: the same script with no sweep.
    sed 's/^        tilesim.sweep(.*/        pass/' "$out/dask_sweep.py" >"$out/dask_start.py"
    printf '%-34s %7.2f s\n' "  of which cluster start + stop" \
        "$(clock env PYTHONPATH="$PWD/build/python" "$py" "$out/dask_start.py" "$config" "$n" "$per_task" x)"
fi
for f in jobs merged dask; do
    [[ -f $out/$f.csv ]] || continue
    cmp -s "$out/serial.csv" "$out/$f.csv" && echo "$f.csv: identical to serial.csv" || { echo "$f.csv DIFFERS" >&2; exit 1; }
done
