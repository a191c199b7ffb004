"""Golden fixtures for the fused grid ops sample_sum and sample_dot (tilesim op spec §6).

Run with Debian's /usr/bin/python3 (torch 1.13):  /usr/bin/python3 tests/golden/gen_fused_grid_ops.py
Writes tests/golden/data/fused_grid_ops.json.

The expected values come from the seed's unfused PyTorch formulations: grid_sample (bilinear, zeros
padding, align_corners=False) followed by an einsum with the weights (sample_sum) or with the queries
concatenated with the positional encoding of depth (sample_dot). Gradients with respect to every input
come from autograd. Everything is computed in float64 from float32 inputs, then cast to float32.
"""
import math

import torch
import torch.nn.functional as F

from golden_io import write_fixture


def grid_sample(images, samples):
    return F.grid_sample(images, samples, mode="bilinear", padding_mode="zeros", align_corners=False)


def sample_sum(images, samples, weights):
    """[b, c, h, w], [b, q, d, 2], [b, hd, q, d] -> [b, hd, q, c]"""
    return torch.einsum("bcqd,bhqd->bhqc", grid_sample(images, samples), weights)


def positional_encoding(depths, num_octaves):
    """[b, q, d] -> [b, 2 * num_octaves, q, d]: sin(depth * 2π·2^f + φ), order (f0 φ0, f0 φ1, f1 φ0, ...)."""
    freqs = 2 * math.pi * 2 ** torch.arange(num_octaves, dtype=depths.dtype)
    phases = 0.5 * math.pi * torch.tensor([0.0, 1.0], dtype=depths.dtype)
    freqs = freqs.repeat_interleave(2).view(1, -1, 1, 1)
    phases = phases.repeat(num_octaves).view(1, -1, 1, 1)
    return torch.sin(depths[:, None] * freqs + phases)


def sample_dot(images, samples, queries, depths, num_octaves):
    """[b, c, h, w], [b, q, d, 2], [b, hd, q, c - 2 * num_octaves], [b, q, d] -> [b, hd, q, d]"""
    b, hd, q, _ = queries.shape
    d = depths.shape[-1]
    pe = positional_encoding(depths, num_octaves)[:, None].expand(b, hd, -1, q, d)
    full = torch.cat((queries.permute(0, 1, 3, 2)[..., None].expand(-1, -1, -1, -1, d), pe), dim=2)
    return torch.einsum("bcqd,bhcqd->bhqd", grid_sample(images, samples), full)


def make_samples(gen, b, q, d):
    """Uniform in (-1.2, 1.2) with edge cases: exactly -1 / 0 / 1, far outside."""
    samples = torch.rand(b, q, d, 2, generator=gen) * 2.4 - 1.2
    edge = [(-1.0, 0.0), (1.0, 1.0), (0.0, -1.0), (0.0, 0.0), (3.0, 0.2), (-0.999, 0.999)]
    flat = samples.view(-1, 2)
    for i, xy in enumerate(edge):
        flat[(i * 5 + 1) % flat.shape[0]] = torch.tensor(xy)
    return samples


def make_case(name, seed, b, c, h, w, q, d, hd, num_octaves):
    gen = torch.Generator().manual_seed(seed)
    images32 = torch.randn(b, c, h, w, generator=gen)
    samples32 = make_samples(gen, b, q, d)
    weights32 = torch.randn(b, hd, q, d, generator=gen)
    queries32 = torch.randn(b, hd, q, c - 2 * num_octaves, generator=gen)
    depths32 = torch.rand(b, q, d, generator=gen)
    grad_sum32 = torch.randn(b, hd, q, c, generator=gen)
    grad_dot32 = torch.randn(b, hd, q, d, generator=gen)

    leaves = {k: v.double().requires_grad_() for k, v in
              {"images": images32, "samples": samples32, "weights": weights32, "queries": queries32,
               "depths": depths32}.items()}
    out_sum = sample_sum(leaves["images"], leaves["samples"], leaves["weights"])
    sum_grads = torch.autograd.grad(out_sum, [leaves["images"], leaves["samples"], leaves["weights"]],
                                    grad_sum32.double())
    out_dot = sample_dot(leaves["images"], leaves["samples"], leaves["queries"], leaves["depths"], num_octaves)
    dot_grads = torch.autograd.grad(out_dot, [leaves["images"], leaves["samples"], leaves["queries"],
                                              leaves["depths"]], grad_dot32.double())
    tensors = {
        "images": images32, "samples": samples32, "weights": weights32, "queries": queries32,
        "depths": depths32, "grad_sum_output": grad_sum32, "grad_dot_output": grad_dot32,
        "sum_output": out_sum, "sum_grad_images": sum_grads[0], "sum_grad_samples": sum_grads[1],
        "sum_grad_weights": sum_grads[2],
        "dot_output": out_dot, "dot_grad_images": dot_grads[0], "dot_grad_samples": dot_grads[1],
        "dot_grad_queries": dot_grads[2], "dot_grad_depths": dot_grads[3],
    }
    params = {"b": b, "c": c, "h": h, "w": w, "q": q, "d": d, "hd": hd, "num_octaves": num_octaves}
    return {"name": name, "params": params, "tensors": tensors}


def main():
    cases = [
        make_case("b2_c7_h5_w6_q5_d3_hd3_oct2", 1, b=2, c=7, h=5, w=6, q=5, d=3, hd=3, num_octaves=2),
        make_case("b1_c4_h1_w3_q2_d4_hd1_oct0", 2, b=1, c=4, h=1, w=3, q=2, d=4, hd=1, num_octaves=0),
        make_case("b1_c37_h6_w7_q4_d3_hd2_oct3", 3, b=1, c=37, h=6, w=7, q=4, d=3, hd=2, num_octaves=3),
    ]
    write_fixture("fused_grid_ops.json", "tests/golden/gen_fused_grid_ops.py", cases)


if __name__ == "__main__":
    main()
