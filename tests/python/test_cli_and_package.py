"""python3 -m tilesim runs the CLI; the package's version and README snippet."""

import os
import pathlib
import re
import subprocess
import sys

import pytest

import tilesim

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_version():
    assert re.fullmatch(r"\d+\.\d+\.\d+", tilesim.__version__)


def test_python_m_tilesim_runs_the_cli():
    r = subprocess.run([sys.executable, "-m", "tilesim", "--version"], capture_output=True, text=True,
                       env=dict(os.environ), check=False)
    assert r.returncode == 0 and tilesim.__version__ in r.stdout
    r = subprocess.run([sys.executable, "-m", "tilesim", "devices", "wormhole_b0"], capture_output=True,
                       text=True, check=False)
    assert r.returncode == 0 and "wormhole_b0" in r.stdout
    r = subprocess.run([sys.executable, "-m", "tilesim", "op", "nope"], capture_output=True, text=True, check=False)
    assert r.returncode != 0


def test_readme_python_snippet_runs(tmp_path, monkeypatch):
    text = (ROOT / "README.md").read_text()
    snippets = re.findall(r"```python\n(.*?)```", text, re.S)
    assert snippets, "README.md has no ```python snippet"
    monkeypatch.chdir(tmp_path)
    for code in snippets:
        exec(compile(code, "README.md", "exec"), {})


def test_cmake_install_gives_an_importable_package(tmp_path):
    build = pathlib.Path(tilesim.__file__).resolve().parents[2]
    if not (build / "CMakeCache.txt").exists():
        pytest.skip(f"tilesim is not imported from a build tree ({tilesim.__file__})")
    subprocess.run(["cmake", "--install", str(build), "--prefix", str(tmp_path)], check=True, capture_output=True)
    site = next(tmp_path.glob("lib/python3*/*-packages"))
    code = ("import numpy as np, tilesim; print(tilesim.__file__); "
            "print(tilesim.grid_sample(np.ones((1, 1, 3, 3), np.float32), np.zeros((1, 1, 1, 2), np.float32), "
            "backend='sim').item())")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TILESIM_CONFIG_DIR")}
    r = subprocess.run([sys.executable, "-c", code], env=dict(env, PYTHONPATH=str(site)), cwd=tmp_path,
                       capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == [str(site / "tilesim" / "__init__.py"), "1.0"]
    r = subprocess.run([sys.executable, "-m", "tilesim", "--version"], env=dict(env, PYTHONPATH=str(site)),
                       capture_output=True, text=True, check=False)
    assert r.returncode == 0 and tilesim.__version__ in r.stdout
