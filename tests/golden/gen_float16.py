#!/usr/bin/python3
"""Float16 fixtures with NumPy (tests/sim/test_float16.cpp):

- data/float16/conversions.json: NumPy's float32 -> float16 rounding (astype, round to nearest even) of
  hand-picked tricky floats and random ones, as raw bits; NumPy's float16 -> float32 of every 16-bit pattern
  is checked in C++ against an independent formula, and here of a spread of patterns.
- data/float16/*.npy and data/float16/cases.json: '<f2' files NumPy writes (the reader must return a
  Float16 tensor with these values) and float16 files it must refuse (a substring of the message).

Run with Debian's python (it has numpy):  /usr/bin/python3 tests/golden/gen_float16.py
"""
import io
import json
import os

import numpy as np

from gen_npy_cases import values_of  # the manifest's value encoding: nan / inf as strings

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "float16")


def f32(bits):
    return np.array([bits], dtype="<u4").view("<f4")[0]


def tricky_floats():
    """Bit patterns of float32 values at the edges of float16 rounding."""
    ulp1 = 2.0 ** -10  # float16 spacing in [1, 2)
    values = [0.0, -0.0, 1.0, -1.0, 1 + ulp1 / 2, 1 + 3 * ulp1 / 2, 1 + ulp1 / 2 + 2 ** -20, 1 - 2 ** -12,
              1 + ulp1 / 2 - 2 ** -23, 65504.0, -65504.0, 65519.99, 65520.0, -65520.0, 65536.0, 1e10, -1e30,
              2.0 ** -24, -(2.0 ** -24), 2.0 ** -25, 2.0 ** -25 * 1.0000001, 3 * 2.0 ** -25, 5 * 2.0 ** -25,
              2.0 ** -14, 2.0 ** -14 - 2.0 ** -25, 2.0 ** -14 - 2.0 ** -24, 2.0 ** -15 + 2.0 ** -26, 1e-40,
              -1e-45, 1e-8, 6.1e-5, 0.1, -0.3, 3.14159265, 2049.0, 2051.0, 4097.0, 4099.0, 32769.0, 1000.5]
    bits = [int(np.array([v], dtype="<f4").view("<u4")[0]) for v in values]
    bits += [0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7f800001, 0x7fa00000, 0x7f801000, 0x00000001,
             0x80000001, 0x007fffff, 0x477fefff, 0x477ff000, 0x477ff001, 0x387fffff, 0x38800000, 0x33000000,
             0x33000001, 0x337fffff, 0x33800000]
    return bits


def random_float_bits(rng):
    """Random bit patterns: all over float32, and concentrated on float16's exponent range."""
    anywhere = rng.integers(0, 2 ** 32, size=1500, dtype=np.uint64)
    exponents = rng.integers(98, 145, size=2500, dtype=np.uint64)  # 2^-29 .. 2^17
    near = (rng.integers(0, 2, size=2500, dtype=np.uint64) << 31) | (exponents << 23) | rng.integers(
        0, 2 ** 23, size=2500, dtype=np.uint64)
    return [int(b) for b in np.concatenate([anywhere, near])]


def conversions():
    rng = np.random.default_rng(20240618)
    bits = tricky_floats() + random_float_bits(rng)
    floats = np.array(bits, dtype="<u4").view("<f4")
    with np.errstate(over="ignore", invalid="ignore"):
        halves = floats.astype("<f2").view("<u2")
    to_half = [[b, int(h)] for b, h in zip(bits, halves)]
    # Every subnormal, inf and NaN pattern, both signs, and every 37th pattern in between.
    patterns = sorted(set(list(range(0, 1024)) + list(range(0x7c00, 0x8400)) + list(range(0xfc00, 0x10000)) +
                      list(range(0, 65536, 37))))
    as_float = np.array(patterns, dtype="<u2").view("<f2").astype("<f4").view("<u4")
    to_float = [[p, int(f)] for p, f in zip(patterns, as_float)]
    return {"generator": "tests/golden/gen_float16.py", "numpy_version": np.__version__, "to_half": to_half,
            "to_float": to_float}


def npy_bytes(a, version=None):
    buf = io.BytesIO()
    np.lib.format.write_array(buf, a, version=version)
    return buf.getvalue()


def npy_files():
    cases = []

    def ok(name, a, data):
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        cases.append({"file": name, "shape": list(a.shape) if a.ndim else [1], "values": values_of(a)})

    def bad(name, data, error):
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        cases.append({"file": name, "error": error})

    a3 = np.random.default_rng(5).standard_normal((3, 7, 5)).astype("<f2")
    ok("v1_f2_3x7x5.npy", a3, npy_bytes(a3))
    ok("v2_f2_4x3.npy", a3[0, :4, :3].copy(), npy_bytes(a3[0, :4, :3].copy(), version=(2, 0)))
    sp = np.array([np.nan, np.inf, -np.inf, -0.0, 65504, -(2.0 ** -24), 2.0 ** -14, 1 / 3], dtype="<f2")
    ok("specials_f2.npy", sp, npy_bytes(sp))
    s = np.array(-1.5, dtype="<f2")
    ok("scalar_f2.npy", s, npy_bytes(s))

    bad("big_endian_f2.npy", npy_bytes(a3.astype(">f2")), "dtype '>f2' is not supported, expected '<f4' "
        "(little-endian float32) or '<f2' (little-endian float16)")
    bad("truncated_f2.npy", npy_bytes(a3)[:-6], "shape [3, 7, 5] of float16 needs 210 bytes")
    bad("trailing_bytes_f2.npy", npy_bytes(a3) + b"\0" * 210, "of float16 needs 210 bytes, the file has 420")
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump({"generator": "tests/golden/gen_float16.py", "numpy_version": np.__version__, "cases": cases},
                  f, indent=1)
        f.write("\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "conversions.json"), "w") as f:
        json.dump(conversions(), f, separators=(",", ":"))
        f.write("\n")
    npy_files()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
