"""Shared fixtures of the tilesim Python tests (run by CTest: tests/CMakeLists.txt, or by hand:
PYTHONPATH=build/python python3 -m pytest tests/python)."""

import numpy as np
import pytest

import tilesim  # noqa: F401  (fails the whole run early when the module is not importable)


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


def uniform(rng, shape, low=-1.0, high=1.0):
    return rng.uniform(low, high, shape).astype(np.float32)
