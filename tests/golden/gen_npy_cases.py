"""Writes the .npy reader fixtures in tests/golden/data/npy/ with NumPy, plus cases.json describing what
the reader must return (shape and values) or which error it must raise (a substring of the message).

Run with Debian's python (it has numpy):  /usr/bin/python3 tests/golden/gen_npy_cases.py
"""
import io
import json
import math
import os
import struct

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "npy")


def values_of(a):
    def enc(v):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return float(v)
    return [enc(v) for v in np.ascontiguousarray(a, dtype="<f4").ravel().tolist()]


def npy_bytes(a, version=None):
    buf = io.BytesIO()
    np.lib.format.write_array(buf, a, version=version, allow_pickle=True)
    return buf.getvalue()


def raw_npy(header, data=b"", version=1, magic=b"\x93NUMPY"):
    """A hand-made file: for headers NumPy itself would never write."""
    h = header.encode("latin1")
    h += b" " * ((64 - (len(magic) + 2 + (2 if version == 1 else 4) + len(h) + 1) % 64) % 64) + b"\n"
    size = struct.pack("<H", len(h)) if version == 1 else struct.pack("<I", len(h))
    return magic + bytes([version, 0]) + size + h + data


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = []

    def ok(name, a, data):
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        shape = list(a.shape) if a.ndim > 0 else [1]
        cases.append({"file": name, "shape": shape, "values": values_of(a)})

    def bad(name, data, error):
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        cases.append({"file": name, "error": error})

    a3 = (np.arange(3 * 7 * 5, dtype="<f4") * 0.25 - 3).reshape(3, 7, 5)
    ok("v1_f4_3x7x5.npy", a3, npy_bytes(a3))
    a2 = np.random.default_rng(7).standard_normal((4, 6)).astype("<f4")
    ok("v2_f4_4x6.npy", a2, npy_bytes(a2, version=(2, 0)))
    ok("v3_f4_2x3.npy", a2[:2, :3].copy(), npy_bytes(a2[:2, :3].copy(), version=(3, 0)))
    s = np.array(2.5, dtype="<f4")
    ok("scalar_f4.npy", s, npy_bytes(s))
    e = np.zeros((0, 3), dtype="<f4")
    ok("empty_0x3.npy", e, npy_bytes(e))
    sp = np.array([np.nan, np.inf, -np.inf, -0.0, 1e-40], dtype="<f4")
    ok("specials_f4.npy", sp, npy_bytes(sp))
    # A 1-D array whose header NumPy writes as (5,): the trailing comma form.
    v = np.arange(5, dtype="<f4")
    ok("vector_f4.npy", v, npy_bytes(v))

    bad("f8.npy", npy_bytes(a3.astype("<f8")), "dtype '<f8' is not supported")
    bad("big_endian_f4.npy", npy_bytes(a3.astype(">f4")), "dtype '>f4' is not supported")
    bad("i4.npy", npy_bytes(np.arange(6, dtype="<i4")), "dtype '<i4' is not supported")
    bad("fortran_order.npy", npy_bytes(np.asfortranarray(a2)), "fortran_order True is not supported")
    bad("object.npy", npy_bytes(np.array([1, "x", None], dtype=object)), "dtype '|O' is not supported")
    rec = np.zeros(3, dtype=[("a", "<f4"), ("b", "<f4")])
    bad("structured.npy", npy_bytes(rec), "structured or object arrays")
    good = npy_bytes(a3)
    bad("truncated_data.npy", good[:-10], "(truncated)")
    bad("truncated_header.npy", good[:40], "truncated header")
    bad("trailing_bytes.npy", good + b"\0\0\0\0", "data size mismatch")
    bad("bad_magic.npy", b"\x93NUMPZ" + good[6:], "bad magic")
    bad("tiny.npy", b"\x93NU", "bad magic")
    bad("bad_version.npy", good[:6] + bytes([4, 0]) + good[8:], "unsupported .npy format version 4.0")
    bad("missing_shape.npy", raw_npy("{'descr': '<f4', 'fortran_order': False, }"), "needs the keys")
    bad("unknown_key.npy", raw_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1, }",
                                   b"\0" * 8), "unknown key 'x'")
    bad("not_a_dict.npy", raw_npy("['<f4', False, (2,)]", b"\0" * 8), "expected '{'")
    bad("negative_dim.npy", raw_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 3), }"),
        "dimension '-1' that is not a non-negative integer")
    bad("huge_claim.npy", raw_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000, 1000000), }"),
        "needs 4000000000000000 bytes")
    bad("overflow_dims.npy",
        raw_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967295, 4294967295, 4294967295), }"),
        "too many elements")
    bad("dim_above_u32.npy", raw_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296,), }"),
        "above 2^32 - 1")

    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump({"generator": "tests/golden/gen_npy_cases.py", "numpy_version": np.__version__,
                   "cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
