"""RunReport from a simulated run: numbers, per-core / per-kernel / CB stats, JSON, files, HTML."""

import json

import numpy as np
import pytest

import tilesim
from conftest import uniform


@pytest.fixture(scope="module")
def report():
    rng = np.random.default_rng(7)
    x, grid = uniform(rng, (1, 6, 9, 11)), uniform(rng, (1, 5, 8, 2))
    _, r = tilesim.grid_sample(x, grid, backend="sim", trace=True, return_report=True)
    return r


def test_summary_numbers(report):
    assert report.device == "wormhole_b0"
    assert report.predicted_us == pytest.approx(report.predicted_cycles / report.clock_mhz)
    assert isinstance(report.bound, str) and report.bound and report.bound_detail
    assert report.grid == (8, 8) and report.traced


def test_per_core_kernel_and_cb_stats(report):
    assert len(report.cores) == report.program["num_cores"]
    core = report.cores[0]
    assert {k.kind for k in core.kernels} <= {"reader", "writer", "compute"}
    assert core.end_cycle <= report.predicted_cycles
    assert all(cb.high_water_pages <= cb.num_pages for cb in core.circular_buffers)
    names = [k["name"] for k in report.kernels]
    assert any(n.startswith("reader_grid_sample") for n in names)
    assert all(cb["max_high_water"] <= cb["max_pages"] for cb in report.circular_buffers)


def test_scalar_work_and_what_is_not_modelled(report):
    # The reader computes coordinates in software float: its own work is counted, part of its busy time.
    readers = [k for c in report.cores for k in c.kernels if k.kind == "reader"]
    assert readers and all(0 < k.scalar_cycles <= k.busy_cycles for k in readers)
    reader = next(k for k in report.kernels if k["name"].startswith("reader_grid_sample"))
    assert reader["scalar_mean"] > 0
    assert any("RISC-V pipeline timing" in line for line in report.not_modelled)
    assert any("dispatch" in line for line in report.not_modelled)


def test_program_info(report):
    assert report.program["factory"] == "interleaved"
    assert report.program["grid_sticks"] == 40
    assert {cb["index"] for cb in report.program["circular_buffers"]}
    assert all(k["path"].endswith(".cpp") and k["kind"] in ("reader", "writer", "compute")
               for k in report.program["kernels"])


def test_json_and_dict_agree(report):
    d = report.to_dict()
    assert d == json.loads(report.to_json())
    assert d["device"] == "wormhole_b0" and len(d["cores"]) == len(report.cores)


def test_files(report, tmp_path):
    report.save_trace(tmp_path / "trace.json")
    report.save_heatmap(tmp_path / "heat.svg", metric="units")
    report.save_timeline(tmp_path / "timeline.svg", max_cores=2)
    report.save_l1_chart(tmp_path / "l1.svg")
    report.save_json(tmp_path / "report.json")
    assert "traceEvents" in json.loads((tmp_path / "trace.json").read_text())
    for name in ("heat.svg", "timeline.svg", "l1.svg"):
        assert (tmp_path / name).read_text().lstrip().startswith(("<svg", "<?xml"))
    with pytest.raises(ValueError, match="heatmap metric"):
        report.save_heatmap(tmp_path / "x.svg", metric="colour")


def test_repr_html_has_summary_and_heatmap(report):
    html = report._repr_html_()
    assert "predicted" in html and "<svg" in html and "wormhole_b0" in repr(report)


def test_cpu_backend_has_no_report():
    out, r = tilesim.grid_sample(np.ones((1, 1, 2, 2), np.float32), np.zeros((1, 1, 1, 2), np.float32),
                                 return_report=True)
    assert r is None and out.shape == (1, 1, 1, 1)
