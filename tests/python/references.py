"""PyTorch implementations of the ops' original definitions (the golden side of the tests): the formulas
of spatial_correlation_sampler, FlowNet's correlation, RAFT's CorrBlock, SparseDrive's grid_sample
formulation of deformable aggregation, and the fused sample_sum / sample_dot. Differentiable, so that
their autograd gradients check tilesim's backward."""

import math

import torch
import torch.nn.functional as F


def spatial_correlation(in1, in2, kernel_size, patch_size, stride, padding, dilation, dilation_patch):
    (kh, kw), (ph_, pw_), (sh, sw), (pad_h, pad_w), (dh, dw), (dph, dpw) = (
        _pair(kernel_size), _pair(patch_size), _pair(stride), _pair(padding), _pair(dilation), _pair(dilation_patch))
    b, c, h, w = in1.shape
    oh = (h + 2 * pad_h - dh * (kh - 1) - 1) // sh + 1
    ow = (w + 2 * pad_w - dw * (kw - 1) - 1) // sw + 1
    big = pad_h + pad_w + (ph_ + pw_) * (dph + dpw) + (kh + kw) * (dh + dw) + 2
    a = F.pad(in1, (big, big, big, big))
    bb = F.pad(in2, (big, big, big, big))
    out = in1.new_zeros((b, ph_, pw_, oh, ow))
    ys = torch.arange(oh) * sh - pad_h + big
    xs = torch.arange(ow) * sw - pad_w + big
    for p in range(ph_):
        for q in range(pw_):
            sy, sx = (p - (ph_ - 1) // 2) * dph, (q - (pw_ - 1) // 2) * dpw
            acc = 0
            for i in range(kh):
                for j in range(kw):
                    y1, x1 = ys + i * dh, xs + j * dw
                    v1 = a[:, :, y1][:, :, :, x1]
                    v2 = bb[:, :, y1 + sy][:, :, :, x1 + sx]
                    # A term counts only when both positions are inside their (unpadded) image.
                    inside = _inside(y1 - big, h)[:, None] & _inside(x1 - big, w)[None, :]
                    inside &= _inside(y1 + sy - big, h)[:, None] & _inside(x1 + sx - big, w)[None, :]
                    acc = acc + ((v1 * v2).sum(1) * inside)
            out[:, p, q] = acc
    return out


def flownet_correlation(a, b, pad_size, kernel_size, max_displacement, stride1, stride2, is_multiply=True):
    n, c, h, w = a.shape
    kr = (kernel_size - 1) // 2
    border = max_displacement + kr
    d = max_displacement // stride2
    big = 2 * (border + pad_size) + 2
    ap = F.pad(a, (pad_size + big,) * 4)
    bp = F.pad(b, (pad_size + big,) * 4)
    oh = math.ceil((h + 2 * pad_size - 2 * border) / stride1)
    ow = math.ceil((w + 2 * pad_size - 2 * border) / stride1)
    ys = torch.arange(oh) * stride1 + border + big
    xs = torch.arange(ow) * stride1 + border + big
    chans = []
    for tj in range(-d, d + 1):
        for ti in range(-d, d + 1):
            dy, dx = tj * stride2, ti * stride2
            acc = 0
            for j in range(-kr, kr + 1):
                for i in range(-kr, kr + 1):
                    v1 = ap[:, :, ys + j][:, :, :, xs + i]
                    v2 = bp[:, :, ys + j + dy][:, :, :, xs + i + dx]
                    acc = acc + ((v1 * v2) if is_multiply else (v1 - v2).abs()).sum(1)
            chans.append(acc / (kernel_size * kernel_size * c))
    return torch.stack(chans, 1)


def corr_lookup(fmap1, fmap2, coords, num_levels, radius):
    """RAFT's CorrBlock(fmap1, fmap2, num_levels, radius)(coords), line for line."""
    batch, dim, ht, wd = fmap1.shape
    corr = torch.matmul(fmap1.view(batch, dim, ht * wd).transpose(1, 2), fmap2.view(batch, dim, ht * wd))
    corr = (corr / math.sqrt(dim)).reshape(batch * ht * wd, 1, ht, wd)
    pyramid = [corr]
    for _ in range(num_levels - 1):
        corr = F.avg_pool2d(corr, 2, stride=2)
        pyramid.append(corr)
    r = radius
    coords = coords.permute(0, 2, 3, 1)
    out = []
    for i, corr in enumerate(pyramid):
        dx = torch.linspace(-r, r, 2 * r + 1)
        dy = torch.linspace(-r, r, 2 * r + 1)
        delta = torch.stack(torch.meshgrid(dy, dx, indexing="ij"), axis=-1)
        centroid = coords.reshape(batch * ht * wd, 1, 1, 2) / 2**i
        coords_lvl = centroid + delta.view(1, 2 * r + 1, 2 * r + 1, 2)
        h, w = corr.shape[-2:]
        xgrid, ygrid = coords_lvl.split([1, 1], dim=-1)
        grid = torch.cat([2 * xgrid / (w - 1) - 1, 2 * ygrid / (h - 1) - 1], dim=-1)
        sampled = F.grid_sample(corr, grid, align_corners=True)
        out.append(sampled.view(batch, ht, wd, -1))
    return torch.cat(out, dim=-1).permute(0, 3, 1, 2).contiguous()


def deformable_aggregation(mc_ms_feat, spatial_shape, scale_start_index, sampling_location, weights):
    """SparseDrive without its CUDA op: grid_sample per camera and scale, then the group-weighted sum."""
    bs, _, c = mc_ms_feat.shape
    _, num_anchor, num_pts, num_cams, _ = sampling_location.shape
    num_scale, num_groups = weights.shape[-2], weights.shape[-1]
    out = mc_ms_feat.new_zeros((bs, num_anchor, c))
    for cam in range(num_cams):
        grid = 2 * sampling_location[:, :, :, cam] - 1  # [bs, A, P, 2]
        for s in range(num_scale):
            h, w = (int(v) for v in spatial_shape[cam, s])
            start = int(scale_start_index[cam, s])
            fmap = mc_ms_feat[:, start:start + h * w].reshape(bs, h, w, c).permute(0, 3, 1, 2)
            sampled = F.grid_sample(fmap, grid, align_corners=False)  # [bs, C, A, P]
            wgt = weights[:, :, :, cam, s].repeat_interleave(c // num_groups, dim=-1)  # [bs, A, P, C]
            out = out + torch.einsum("bcap,bapc->bac", sampled, wgt)
    return out


def sample_sum(images, samples, weights):
    sampled = F.grid_sample(images, samples, align_corners=False)  # [b, c, q, d]
    return torch.einsum("bhqd,bcqd->bhqc", weights, sampled)


def depth_encoding(depths, num_octaves):
    parts = []
    for f in range(num_octaves):
        for phase in (0.0, math.pi / 2):
            parts.append(torch.sin(depths * 2 * math.pi * 2**f + phase))
    return torch.stack(parts, -1)  # [b, q, d, 2 num_octaves]


def sample_dot(images, samples, queries, depths, num_octaves):
    sampled = F.grid_sample(images, samples, align_corners=False)  # [b, c, q, d]
    cq = queries.shape[-1]
    feature = torch.einsum("bcqd,bhqc->bhqd", sampled[:, :cq], queries)
    position = torch.einsum("bcqd,bqdc->bqd", sampled[:, cq:], depth_encoding(depths, num_octaves))
    return feature + position[:, None]


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def _inside(idx, n):
    return (idx >= 0) & (idx < n)
