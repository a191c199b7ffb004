"""python3 -m tilesim runs the CLI; the package's version and README snippet."""

import os
import pathlib
import re
import subprocess
import sys

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
