"""tilesim.sweep on a Dask LocalCluster: the same CSV as the serial `tilesim sweep`, also when a worker dies
in the middle of a task. Skipped without Dask (Debian: python3-distributed)."""

import json
import os
import subprocess

import pytest

import tilesim
from tilesim._sweep import _cli

distributed = pytest.importorskip("distributed")

CONFIG = {
    "name": "dask", "op": "grid_sample", "device": "wormhole_b0", "args": {"dtype": "float32"},
    "compare": {"max_abs": 1e-4, "min_pcc": 0.999},
    "inputs": {"input": {"seed": 1}, "grid": {"seed": 2}},
    "shapes": [{"name": "a", "input": [1, 8, 6, 10], "grid": [1, 6, 4, 2]},
               {"name": "b", "input": [1, 8, 3, 5], "grid": [1, 2, 4, 2]}],
    "sweep": {"grid_batching": [1, 4], "core_grid": [[1, 1], [2, 2]]},
}


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as c, distributed.Client(c) as client:
        yield client


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "sweep.json"
    path.write_text(json.dumps(CONFIG))
    subprocess.run([_cli(), "sweep", str(path), "--csv", str(tmp_path / "serial.csv")], check=True,
                   capture_output=True)
    return path


def test_dask_sweep_writes_the_serial_table(cluster, config, tmp_path):
    table = tilesim.sweep(config, cluster, csv=tmp_path / "dask.csv", best_by="predicted_us", progress=False)
    assert (tmp_path / "dask.csv").read_text() == (tmp_path / "serial.csv").read_text()
    assert [r["point"] for r in table["rows"]] == list(range(8))
    assert table["points"] == 8 and table["shapes"] == ["a", "b"]


def test_a_worker_killed_mid_task_loses_no_point(cluster, config, tmp_path):
    marker = tmp_path / "killed"
    workers_before = set(cluster.scheduler_info()["workers"])
    table = tilesim.sweep(config, cluster, csv=tmp_path / "dask.csv", points_per_task=2, progress=False,
                          _kill_worker_once=str(marker))
    assert marker.exists()  # a worker process did die (SIGKILL) in the middle of its task
    assert (tmp_path / "dask.csv").read_text() == (tmp_path / "serial.csv").read_text()
    assert len(table["rows"]) == 8
    cluster.wait_for_workers(2)
    assert set(cluster.scheduler_info()["workers"]) != workers_before  # the nanny started another


def test_without_a_client_a_local_cluster_runs_for_the_call(config, tmp_path):
    table = tilesim.sweep(config, csv=tmp_path / "local.csv", points_per_task=4, progress=False)
    assert (tmp_path / "local.csv").read_text() == (tmp_path / "serial.csv").read_text()
    assert len(table["rows"]) == 8


def test_points_per_task_must_be_positive(config):
    with pytest.raises(ValueError, match="points_per_task must be an integer >= 1, got 0"):
        tilesim.sweep(config, client=object(), points_per_task=0)


def test_plan_gives_the_size_without_running(config):
    plan = tilesim._sweep.plan(config)
    assert plan["points"] == 8 and plan["rows"] == [] and len(plan["id"]) == 16
    assert os.path.exists(config)
