"""Golden fixtures for SparseDrive's deformable aggregation (tilesim op spec §5).

Run with Debian's /usr/bin/python3 (torch 1.13):  /usr/bin/python3 tests/golden/gen_deformable.py
Writes tests/golden/data/deformable_aggregation.json.

The expected values come from the pure-PyTorch formulation (grid_sample per camera and scale at
grid = 2 * loc - 1, bilinear, zeros padding, align_corners=False, then the group-weighted sum), with the
fused CUDA kernel's rule that a sample is skipped unless both coordinates are strictly inside (0, 1).
Gradients come from autograd. Everything is computed in float64 from float32 inputs, then cast to
float32. As a cross-check, the script also evaluates the CUDA kernel's formula directly (gathers at
h = loc_y * H - 0.5, w = loc_x * W - 0.5 in the flattened channels-last features) and asserts that both
agree.
"""
import torch
import torch.nn.functional as F

from golden_io import write_fixture


def feature_maps_format(maps):
    """SparseDrive's feature_maps_format: per-scale [bs, cams, C, H, W] -> (mc_ms_feat, spatial_shape,
    scale_start_index); cameras outer, scales inner in the flattened feature dimension."""
    bs, cams = maps[0].shape[:2]
    flat = torch.cat([m.reshape(bs, cams, m.shape[2], -1) for m in maps], dim=-1)
    mc_ms_feat = flat.permute(0, 1, 3, 2).flatten(1, 2)
    spatial_shape = torch.tensor([[list(m.shape[-2:]) for m in maps]] * cams, dtype=torch.int64)
    sizes = (spatial_shape[..., 0] * spatial_shape[..., 1]).flatten()
    starts = torch.cat([torch.zeros(1, dtype=torch.int64), sizes.cumsum(0)[:-1]]).reshape(cams, -1)
    return mc_ms_feat, spatial_shape, starts


def sampled_mask(loc):
    """[bs, A, P, cams]: True where the fused kernel uses the sample (both coordinates in (0, 1))."""
    return ((loc > 0) & (loc < 1)).all(dim=-1)


def aggregation_grid_sample(maps, loc, weights):
    """grid_sample per scale over all cameras, then the masked group-weighted sum -> [bs, A, C]."""
    bs, A, P, cams, _ = loc.shape
    G = weights.shape[-1]
    grid = (loc * 2 - 1).permute(0, 3, 1, 2, 4).flatten(0, 1)  # [bs*cams, A, P, 2]
    mask = sampled_mask(loc)[..., None]
    out = 0
    for s, fm in enumerate(maps):
        C = fm.shape[2]
        sampled = F.grid_sample(fm.flatten(0, 1), grid, mode="bilinear", padding_mode="zeros",
                                align_corners=False)  # [bs*cams, C, A, P]
        sampled = sampled.reshape(bs, cams, G, C // G, A, P)
        w = torch.where(mask, weights[..., s, :], torch.zeros_like(weights[..., s, :]))  # [bs, A, P, cams, G]
        out = out + torch.einsum("bngkap,bapng->bagk", sampled, w).reshape(bs, A, C)
    return out


def aggregation_kernel_formula(mc_ms_feat, spatial_shape, starts, loc, weights):
    """The CUDA kernel's definition, evaluated with gathers (no autograd needed)."""
    bs, A, P, cams, _ = loc.shape
    C = mc_ms_feat.shape[2]
    G = weights.shape[-1]
    mask = sampled_mask(loc)
    out = torch.zeros(bs, A, C, dtype=mc_ms_feat.dtype)
    bidx = torch.arange(bs).view(bs, 1, 1)
    for cam in range(cams):
        for s in range(spatial_shape.shape[1]):
            H, W = (int(v) for v in spatial_shape[cam, s])
            h_im = loc[..., cam, 1] * H - 0.5
            w_im = loc[..., cam, 0] * W - 0.5
            h0, w0 = torch.floor(h_im), torch.floor(w_im)
            val = 0
            for hi in (h0, h0 + 1):
                for wi in (w0, w0 + 1):
                    weight = (1 - (h_im - hi).abs()) * (1 - (w_im - wi).abs())
                    inside = (hi >= 0) & (hi < H) & (wi >= 0) & (wi < W)
                    idx = int(starts[cam, s]) + hi.clamp(0, H - 1).long() * W + wi.clamp(0, W - 1).long()
                    v = mc_ms_feat[bidx, idx]  # [bs, A, P, C]
                    val = val + torch.where(inside, weight, torch.zeros_like(weight))[..., None] * v
            w = weights[:, :, :, cam, s, :].repeat_interleave(C // G, dim=-1)
            out += torch.where(mask[..., cam, None], w * val, torch.zeros_like(val)).sum(dim=2)
    return out


def make_locations(gen, bs, A, P, cams):
    """Uniform in (-0.15, 1.15) with hand-placed edge cases: exactly 0 / 1 (skipped), just inside."""
    loc = torch.rand(bs, A, P, cams, 2, generator=gen) * 1.3 - 0.15
    edge = [(0.0, 0.5), (1.0, 0.3), (0.5, 1.0), (0.4, 0.0), (0.5, 0.5), (1e-3, 0.999), (0.999, 2e-3)]
    flat = loc.view(-1, 2)
    for i, xy in enumerate(edge):
        flat[(i * 7 + 3) % flat.shape[0]] = torch.tensor(xy)
    return loc


def make_case(name, seed, bs, cams, scales, A, P, C, G):
    gen = torch.Generator().manual_seed(seed)
    maps32 = [torch.randn(bs, cams, C, h, w, generator=gen) for h, w in scales]
    loc32 = make_locations(gen, bs, A, P, cams)
    weights32 = torch.randn(bs, A, P, cams, len(scales), G, generator=gen)
    grad_out32 = torch.randn(bs, A, C, generator=gen)

    maps = [m.double().requires_grad_() for m in maps32]
    loc = loc32.double().requires_grad_()
    weights = weights32.double().requires_grad_()
    out = aggregation_grid_sample(maps, loc, weights)
    out.backward(grad_out32.double())

    mc_ms_feat, spatial_shape, starts = feature_maps_format([m.detach() for m in maps])
    direct = aggregation_kernel_formula(mc_ms_feat, spatial_shape, starts, loc.detach(), weights.detach())
    assert torch.allclose(direct, out.detach(), atol=1e-12), "kernel formula and grid_sample formulation differ"
    grad_mc_ms_feat = feature_maps_format([m.grad for m in maps])[0]

    tensors = {f"feature_map_{s}": m for s, m in enumerate(maps32)}
    tensors.update({
        "mc_ms_feat": mc_ms_feat, "spatial_shape": spatial_shape, "scale_start_index": starts,
        "sampling_location": loc32, "weights": weights32, "grad_output": grad_out32,
        "output": out, "grad_mc_ms_feat": grad_mc_ms_feat, "grad_sampling_location": loc.grad,
        "grad_weights": weights.grad,
    })
    params = {"bs": bs, "num_cams": cams, "num_scale": len(scales), "num_anchor": A, "num_pts": P,
              "channels": C, "num_groups": G, "sampled": int(sampled_mask(loc32).sum())}
    return {"name": name, "params": params, "tensors": tensors}


def main():
    cases = [
        make_case("bs2_cams3_scales2_groups3", 1, bs=2, cams=3, scales=[(5, 7), (3, 4)], A=7, P=3, C=12, G=3),
        make_case("bs1_cams2_scales3_groups1", 2, bs=1, cams=2, scales=[(4, 6), (2, 3), (1, 1)], A=5, P=2, C=5,
                  G=1),
        make_case("bs1_cams1_scale1_group_size1", 3, bs=1, cams=1, scales=[(3, 5)], A=4, P=4, C=6, G=6),
    ]
    write_fixture("deformable_aggregation.json", "tests/golden/gen_deformable.py", cases)


if __name__ == "__main__":
    main()
