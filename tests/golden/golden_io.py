"""Shared writer for golden fixtures (see tests/common/golden.hpp for the format)."""
import json
import math
import os

import torch

DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


def _encode(v):
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return float(v)


def tensor_entry(t: torch.Tensor):
    t = t.detach().to(torch.float32).contiguous().cpu()
    return {"shape": list(t.shape), "data": [_encode(v) for v in t.flatten().tolist()]}


def write_fixture(file_name: str, generator: str, cases):
    """cases: list of dicts {name, params, tensors: {name: torch.Tensor}}"""
    os.makedirs(DATA_DIR, exist_ok=True)
    out = {"generator": generator, "torch_version": torch.__version__, "cases": []}
    for c in cases:
        out["cases"].append({"name": c["name"], "params": c.get("params", {}),
                             "tensors": {k: tensor_entry(v) for k, v in c["tensors"].items()}})
    path = os.path.join(DATA_DIR, file_name)
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print(f"wrote {path}: {len(cases)} cases")
