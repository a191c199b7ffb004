"""tilesim.sweep: a sweep's points as tasks on a Dask distributed cluster (docs/python.md).

Each task runs a range of points of one shape with the tilesim command-line tool (``tilesim sweep CONFIG
--points FIRST:END --json``), so it computes the reference once, and returns its table; the tables
join with ``tilesim sweep merge``, which checks that every point came back exactly once, so the CSV and
JSON are the ones a serial ``tilesim sweep`` writes, byte for byte. A task whose worker dies is rerun on
another worker by Dask's scheduler (``distributed.scheduler.allowed-failures`` times).
"""

import json as _json
import os
import signal
import subprocess
import sys
import tempfile


def _cli():
    cli = os.environ.get("TILESIM_CLI")
    if not cli:
        from ._paths import CLI as cli
    return cli


def _run_cli(args):
    r = subprocess.run([_cli(), *args], capture_output=True, text=True)
    if r.returncode not in (0, 4):  # 4: a point outside the comparison's tolerance, a result like others
        raise RuntimeError(f"tilesim {' '.join(args)}: exit code {r.returncode}: {r.stderr.strip()}")
    return r


def _config_here(path, text):
    """The config at `path` when this machine has it as sent, else its text in a temporary file."""
    try:
        with open(path) as f:
            if f.read() == text:
                return path
    except OSError:
        pass
    fd, tmp = tempfile.mkstemp(suffix=".json", prefix="tilesim-sweep-")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    return tmp


def run_slice(config_path, config_text, points, threads=1, kill_worker_once=None):
    """One task: the points `points` ("FIRST:END") of the sweep, as the JSON text `tilesim sweep --json`
    writes."""
    if kill_worker_once and not os.path.exists(kill_worker_once):
        # Tests only: this worker process dies in the middle of its task, once.
        open(kill_worker_once, "w").close()
        os.kill(os.getpid(), signal.SIGKILL)
    path = _config_here(config_path, config_text)
    fd, out = tempfile.mkstemp(suffix=".json", prefix="tilesim-slice-")
    os.close(fd)
    try:
        _run_cli(["sweep", path, "--points", points, "--json", out, "--threads", str(threads)])
        with open(out) as f:
            return f.read()
    finally:
        os.unlink(out)
        if path != config_path:
            os.unlink(path)


def plan(config):
    """The sweep's identity and size without running it: {"id", "name", "points", "axes", "shapes", ...}."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "plan.json")
        _run_cli(["sweep", os.path.abspath(config), "--dry-run", "--json", out])
        with open(out) as f:
            return _json.load(f)


def sweep(config, client=None, *, csv=None, json=None, svg=None, html=None, best_by=None, plot_axes=None,
          points_per_task=1, threads=1, progress=True, _kill_worker_once=None):
    """Runs the sweep config `config` (a path) on a Dask cluster and returns its table as a dict (the JSON
    `tilesim sweep --json` writes, "rows" in point order).

    client: a ``distributed.Client``; None starts a ``LocalCluster`` (one worker process per core) for this
    call. A scheduler's address ("tcp://host:8786") connects to that cluster. The workers run the tilesim
    command-line tool and must read the config's input files at the same paths (a shared file system);
    the config itself travels with each task.
    csv, json, svg, html, best_by, plot_axes: as `tilesim sweep` (paths to write; the objective to rank by;
    the picture's two axes "a,b"). points_per_task: the most points in one task (a task holds points of one
    shape and computes its reference once). threads: host threads per simulated run.
    """
    import distributed

    if not isinstance(points_per_task, int) or points_per_task < 1:
        raise ValueError(f"tilesim.sweep: points_per_task must be an integer >= 1, got {points_per_task!r}")
    config = os.path.abspath(os.fspath(config))
    with open(config) as f:
        text = f.read()
    p = plan(config)
    # Ranges of at most points_per_task points within one shape (a shape's points are contiguous).
    per_shape = len(p["settings"])
    ranges = [f"{first}:{min(first + points_per_task, (shape + 1) * per_shape)}"
              for shape in range(len(p["shapes"]))
              for first in range(shape * per_shape, (shape + 1) * per_shape, points_per_task)]
    tasks = len(ranges)
    own = cluster = None  # what this call starts, it stops
    if client is None:
        cluster = distributed.LocalCluster(threads_per_worker=1, processes=True)
        own = client = distributed.Client(cluster)
    elif isinstance(client, str):
        own = client = distributed.Client(client)
    try:
        futures = [client.submit(run_slice, config, text, r, threads, _kill_worker_once, pure=False)
                   for r in ranges]
        with tempfile.TemporaryDirectory() as d:
            slices = []
            for done, future in enumerate(distributed.as_completed(futures), 1):
                path = os.path.join(d, f"slice{len(slices)}.json")
                with open(path, "w") as f:
                    f.write(future.result())
                slices.append(path)
                if progress:
                    print(f"tilesim.sweep: {done}/{tasks} tasks done", file=sys.stderr, flush=True)
            merged = json or os.path.join(d, "merged.json")
            args = ["sweep", "merge", *slices, "--json", merged]
            for flag, value in (("--csv", csv), ("--svg", svg), ("--html", html), ("--best-by", best_by),
                                ("--plot-axes", plot_axes)):
                if value:
                    args += [flag, os.fspath(value)]
            r = _run_cli(args)
            if best_by:
                sys.stdout.write(r.stdout[r.stdout.find("best by"):])
            with open(merged) as f:
                return _json.load(f)
    finally:
        if own is not None:
            own.close()
        if cluster is not None:
            cluster.close()
