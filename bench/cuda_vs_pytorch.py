"""Times PyTorch's CUDA formulations of tilesim's ops on the shapes of bench/bench_cuda_ops.cpp.

    python3 bench/cuda_vs_pytorch.py [--bench build-cuda/bench/bench_cuda_ops | --bench-json bench.json]
                                     [--repeats 50] [--json rows.json]

Each op is timed with CUDA events around the op alone (inputs already on the GPU), and reported with the
same compulsory-bytes model as bench_cuda_ops.cpp (every input read once, every output written once), so
"GB/s" compares directly. With --bench, runs that program too and prints both side by side (rows joined by
name: "cuda/<op>/..." there, "torch/<op>/..." here). Backward rows time autograd's backward only (the
forward graph is built once beforehand). --device cpu --small runs every formulation on tiny shapes on the
CPU (a smoke test where no GPU is present; the timings then mean nothing). Without a CUDA device (or
without PyTorch) and without --device cpu, it exits 2 with one line saying why. bench/gpu_check.sh runs it
on the GPU machine with --bench-json (the JSON of the bench_cuda_ops run it made) and --json.

Targets (issue 17), checked per row where tilesim's row is there: grid_sample at least as fast as
F.grid_sample; on the large memory-bound shapes (16x64x256x256) at least 70% of the measured device copy
bandwidth (the "copy/1GiB" row, read + write); the correlation engine (spatial sampler, FlowNet's layer) and
RAFT's lookup at least 3x their PyTorch formulations; deformable aggregation at least 2x the grid_sample
fallback (the seed claim is 2-5x); sample_sum / sample_dot have no target (reported).

PyTorch formulations: F.grid_sample; deformable aggregation as SparseDrive's fallback (grid_sample per scale
over all cameras, then the group-weighted sum); sample_sum / sample_dot as grid_sample + einsum; the spatial
correlation sampler and FlowNet's layer as one shifted product-sum per displacement; RAFT's CorrBlock
(matmul, avg_pool2d pyramid, grid_sample lookup) as in princeton-vl/RAFT core/corr.py.
"""
import argparse
import json
import math
import subprocess
import sys
import time

try:
    import torch
    import torch.nn.functional as F
except (ImportError, OSError) as e:  # a clean failure, not a traceback, where PyTorch is missing
    print(f"cuda_vs_pytorch.py: PyTorch is not importable with {sys.executable}: {e}", file=sys.stderr)
    sys.exit(2)

FLOAT = 4
LARGE = "16x64x256x256"  # the memory-bound grid_sample shape (bench_cuda_ops.cpp's add_grid_sample_large)


class Timer:
    """Milliseconds of fn(): CUDA events on a GPU, wall time on the CPU; the median of `repeats` runs."""

    def __init__(self, device, repeats):
        self.device, self.repeats = device, repeats

    def __call__(self, fn):
        fn()  # warm-up (and cuDNN / allocator set-up)
        times = []
        for _ in range(self.repeats):
            if self.device == "cuda":
                start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                start.record()
                fn()
                stop.record()
                stop.synchronize()
                times.append(start.elapsed_time(stop))
            else:
                t0 = time.perf_counter()
                fn()
                times.append((time.perf_counter() - t0) * 1e3)
        times.sort()
        return times[len(times) // 2]


def backward_of(outputs, inputs):
    """A callable running autograd's backward of outputs (a tensor) w.r.t. inputs with a random gradient."""
    grad = torch.rand_like(outputs) * 2 - 1
    return lambda: torch.autograd.grad(outputs, inputs, grad, retain_graph=True)


def warp_grid(n, out_h, out_w, device):
    """Rotation by 0.2 rad and 0.9 zoom of the output pixel centres (warp_grid() in bench_cuda_ops.cpp)."""
    j = (2 * torch.arange(out_w, dtype=torch.float64) + 1) / out_w - 1
    i = (2 * torch.arange(out_h, dtype=torch.float64) + 1) / out_h - 1
    v, u = torch.meshgrid(i, j, indexing="ij")
    c, s = 0.9 * math.cos(0.2), 0.9 * math.sin(0.2)
    grid = torch.stack([c * u - s * v, s * u + c * v], -1).float()
    return grid.expand(n, out_h, out_w, 2).contiguous().to(device)


def uniform(shape, lo, hi, device, grad=False):
    return (torch.rand(*shape, device=device) * (hi - lo) + lo).requires_grad_(grad)


def grid_sample_cases(dev, small):
    n, c, h, w = (1, 3, 9, 11) if small else (8, 64, 128, 128)
    shape = "1x3x9x11" if small else "8x64x128x128"
    for mode in ("bilinear", "nearest", "bicubic"):
        for layout in ("nchw", "nhwc"):
            fmt = torch.channels_last if layout == "nhwc" else torch.contiguous_format
            x = uniform((n, c, h, w), -1, 1, dev).contiguous(memory_format=fmt).requires_grad_(True)
            g = warp_grid(n, h, w, dev).requires_grad_(mode != "nearest")
            fwd = lambda x=x, g=g, mode=mode: F.grid_sample(x, g, mode=mode, padding_mode="zeros", align_corners=False)
            inp, out, grid = x.numel(), n * c * h * w, g.numel()
            name = f"{mode}/{layout}/{shape}"
            yield f"grid_sample_fwd/{name}", fwd, FLOAT * (inp + grid + out)
            if mode != "nearest":
                yield f"grid_sample_bwd/{name}", backward_of(fwd(), (x, g)), FLOAT * (out + 2 * inp + 2 * grid)


def copy_cases(dev, small):
    """The device-to-device copy of 1 GiB (read + write counted): the memory ceiling."""
    n = 1 << 10 if small else 1 << 28
    src, dst = torch.zeros(n, device=dev), torch.empty(n, device=dev)
    yield "copy/1GiB", lambda: dst.copy_(src), 2 * FLOAT * n


def grid_sample_large_cases(dev, small):
    """Bilinear and nearest forward on a shape many times the L2: memory-bound, measured against the copy."""
    n, c, h, w = (2, 3, 16, 16) if small else (16, 64, 256, 256)
    for mode in ("bilinear", "nearest"):
        for layout in ("nchw", "nhwc"):
            fmt = torch.channels_last if layout == "nhwc" else torch.contiguous_format
            x = torch.zeros(n, c, h, w, device=dev).contiguous(memory_format=fmt)
            g = warp_grid(n, h, w, dev)
            fwd = lambda x=x, g=g, mode=mode: F.grid_sample(x, g, mode=mode, padding_mode="zeros", align_corners=False)
            yield f"grid_sample_fwd/{mode}/{layout}/{LARGE}", fwd, FLOAT * (2 * n * c * h * w + g.numel())


def deformable_cases(dev, small):
    """SparseDrive's head; the fallback takes the per-scale maps [bs, cams, C, H, W] (before formatting)."""
    bs, cams, C, A, P, G = (1, 2, 8, 5, 3, 2) if small else (1, 6, 256, 900, 13, 8)
    sizes = [(5, 7), (3, 4)] if small else [(64, 176), (32, 88), (16, 44), (8, 22)]
    maps = [uniform((bs, cams, C, hh, ww), -1, 1, dev, True) for hh, ww in sizes]
    loc = uniform((bs, A, P, cams, 2), 0.01, 0.99, dev, True)
    weights = uniform((bs, A, P, cams, len(sizes), G), 0, 1, dev, True)

    def fallback():
        grid = (2 * loc - 1).permute(0, 3, 1, 2, 4).reshape(bs * cams, A, P, 2)
        mask = ((loc > 0) & (loc < 1)).all(-1, keepdim=True)  # [bs, A, P, cams, 1]
        out = 0
        for sc, fmap in enumerate(maps):
            s = F.grid_sample(fmap.flatten(0, 1), grid, align_corners=False)  # [bs * cams, C, A, P]
            s = s.view(bs, cams, G, C // G, A, P)
            w = weights[..., sc, :] * mask  # [bs, A, P, cams, G]
            out = out + torch.einsum("bngkap,bapng->bagk", s, w)
        return out.reshape(bs, A, C)

    feat = sum(m.numel() for m in maps)
    samples, out = bs * A * P * cams, bs * A * C
    name = "small" if small else "sparsedrive"
    yield f"deformable_aggregation_fwd/{name}", fallback, FLOAT * (feat + 2 * samples + weights.numel() + out)
    yield (f"deformable_aggregation_bwd/{name}", backward_of(fallback(), maps + [loc, weights]),
           FLOAT * (2 * (feat + 2 * samples + weights.numel()) + out))


def fused_cases(dev, small):
    b, c, h, w, q, d, hd, octaves = (1, 6, 5, 7, 4, 3, 2, 1) if small else (2, 128, 64, 96, 1024, 32, 8, 4)
    shape = "small" if small else "2x128x64x96_q1024_d32_hd8"
    images = uniform((b, c, h, w), -1, 1, dev, True)
    samples = uniform((b, q, d, 2), -1, 1, dev, True)
    weights = uniform((b, hd, q, d), 0, 1, dev, True)
    queries = uniform((b, hd, q, c - 2 * octaves), -1, 1, dev, True)
    depths = uniform((b, q, d), 0, 1, dev, True)
    cq = c - 2 * octaves

    def sample_sum():
        s = F.grid_sample(images, samples, align_corners=False)  # [b, c, q, d]
        return torch.einsum("bhqd,bcqd->bhqc", weights, s)

    def sample_dot():
        s = F.grid_sample(images, samples, align_corners=False)
        freq = 2 * math.pi * 2.0 ** torch.arange(octaves, device=dev, dtype=torch.float32)
        phase = torch.tensor([0.0, math.pi / 2], device=dev)
        pe = torch.sin(depths[..., None, None] * freq[:, None] + phase).flatten(-2)  # [b, q, d, 2 octaves]
        return torch.einsum("bcqd,bhqc->bhqd", s[:, :cq], queries) + torch.einsum("bjqd,bqdj->bqd", s[:, cq:], pe)[:, None]

    n_img, n_s, n_w, n_q = images.numel(), b * q * d, weights.numel(), queries.numel()
    yield f"sample_sum_fwd/{shape}", sample_sum, FLOAT * (n_img + 2 * n_s + n_w + b * hd * q * c)
    yield (f"sample_sum_bwd/{shape}", backward_of(sample_sum(), (images, samples, weights)),
           FLOAT * (2 * (n_img + 2 * n_s + n_w) + b * hd * q * c))
    yield f"sample_dot_fwd/{shape}_oct4", sample_dot, FLOAT * (n_img + 3 * n_s + n_q + n_w)
    yield (f"sample_dot_bwd/{shape}_oct4", backward_of(sample_dot(), (images, samples, queries, depths)),
           FLOAT * (2 * (n_img + 3 * n_s + n_q) + n_w))


def shifted_products(a, b, radius, step, divisor):
    """out[:, k] = sum_c a * b shifted by (dy, dx) = ((k // D - radius) * step, (k % D - radius) * step) with zero
    padding, D = 2 radius + 1: the spatial sampler with kernel 1, and FlowNet's layer with kernel 1 and
    pad = max_displacement (both give an output of the input's size)."""
    pad = radius * step
    bp = F.pad(b, (pad, pad, pad, pad))
    h, w = a.shape[2:]
    out = [(a * bp[:, :, pad + i * step:pad + i * step + h, pad + j * step:pad + j * step + w]).sum(1)
           for i in range(-radius, radius + 1) for j in range(-radius, radius + 1)]
    return torch.stack(out, 1) / divisor


def correlation_cases(dev, small):
    for name, shape, radius, step, normalise in (
            ("spatial_correlation_9x9", (1, 3, 9, 11) if small else (4, 64, 96, 128), 4, 1, False),
            ("flownet_correlation", (1, 3, 9, 11) if small else (4, 256, 48, 64), 10, 2, True)):
        a, b = uniform(shape, -1, 1, dev, True), uniform(shape, -1, 1, dev, True)
        fwd = lambda a=a, b=b, r=radius, s=step, n=normalise: shifted_products(a, b, r, s, a.shape[1] if n else 1)
        label = "x".join(map(str, shape))
        inp, out = a.numel(), shape[0] * (2 * radius + 1) ** 2 * shape[2] * shape[3]
        yield f"{name}/{label}_fwd", fwd, FLOAT * (2 * inp + out)
        yield f"{name}/{label}_bwd", backward_of(fwd(), (a, b)), FLOAT * (4 * inp + out)


def corr_pyramid(f1, f2, levels):
    """RAFT CorrBlock.__init__: [B*H*W, 1, H, W] levels, each avg-pooled from the previous."""
    B, C, H, W = f1.shape
    corr = torch.matmul(f1.view(B, C, H * W).transpose(1, 2), f2.view(B, C, H * W)) / math.sqrt(C)
    pyramid = [corr.reshape(B * H * W, 1, H, W)]
    for _ in range(levels - 1):
        pyramid.append(F.avg_pool2d(pyramid[-1], 2, stride=2))
    return pyramid


def corr_lookup(pyramid, coords, r):
    """RAFT CorrBlock.__call__ with its bilinear_sampler (grid_sample, align_corners=True)."""
    B, _, H, W = coords.shape
    xy = coords.permute(0, 2, 3, 1)
    d = torch.linspace(-r, r, 2 * r + 1, device=coords.device)
    delta = torch.stack(torch.meshgrid(d, d, indexing="ij"), -1)  # RAFT: meshgrid(dy, dx) added to (x, y)
    out = []
    for i, corr in enumerate(pyramid):
        centroid = xy.reshape(B * H * W, 1, 1, 2) / 2**i
        pts = centroid + delta.view(1, 2 * r + 1, 2 * r + 1, 2)
        h, w = corr.shape[-2:]
        grid = torch.cat([2 * pts[..., :1] / (w - 1) - 1, 2 * pts[..., 1:] / (h - 1) - 1], -1)
        out.append(F.grid_sample(corr, grid, align_corners=True).view(B, H, W, -1))
    return torch.cat(out, -1).permute(0, 3, 1, 2).contiguous()


def raft_cases(dev, small):
    B, C, H, W, L, r = (1, 4, 9, 11, 2, 2) if small else (2, 256, 46, 62, 4, 4)
    shape = "small" if small else "2x256x46x62_L4_r4"
    f1, f2 = uniform((B, C, H, W), -1, 1, dev, True), uniform((B, C, H, W), -1, 1, dev, True)
    coords = uniform((B, 2, H, W), 0, W - 1, dev)
    pyramid = corr_pyramid(f1, f2, L)
    n_pyr, fmap, n_c = sum(p.numel() for p in pyramid), f1.numel(), coords.numel()
    out = B * L * (2 * r + 1) ** 2 * H * W
    windows = B * H * W * L * (2 * r + 2) ** 2
    yield f"corr_pyramid/{shape}", lambda: corr_pyramid(f1, f2, L), FLOAT * (2 * fmap + n_pyr)
    frozen = [p.detach() for p in pyramid]
    yield f"corr_lookup/{shape}", lambda: corr_lookup(frozen, coords, r), FLOAT * (windows + n_c + out)
    yield (f"corr_lookup_bwd/{shape}", backward_of(corr_lookup(pyramid, coords, r), (f1, f2)),
           FLOAT * (out + 4 * fmap + n_c))


def read_tilesim(text):
    """name -> (kernel_ms, GB/s) from bench_cuda_ops --benchmark_format=json (skipped rows left out)."""
    rows = {}
    for b in json.loads(text)["benchmarks"]:
        if b.get("error_occurred"):
            print(f"{b['name']}: {b.get('error_message', 'skipped')}", file=sys.stderr)
            continue
        rows[b["name"].split("/", 1)[1].split("/manual_time")[0]] = (b["kernel_ms"], b["GB/s"])
    return rows


def target(name, ratio, gbs, copy_gbs):
    """(what the issue asks of this row, met?) where there is a target; (None, None) otherwise."""
    if name.startswith("grid_sample") and LARGE in name:
        if copy_gbs is None or gbs is None:
            return ">= 70% of copy", None
        return ">= 70% of copy", gbs >= 0.7 * copy_gbs and ratio >= 1
    if name.startswith("grid_sample"):
        return ">= 1x", ratio >= 1
    if name.startswith(("spatial_correlation", "flownet_correlation", "corr_lookup")):
        return ">= 3x", ratio >= 3
    if name.startswith("deformable_aggregation"):
        return ">= 2x (claim 2-5x)", ratio >= 2
    return None, None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", help="path of bench_cuda_ops: run it and print both side by side")
    parser.add_argument("--bench-json", help="a bench_cuda_ops --benchmark_format=json output to read instead")
    parser.add_argument("--json", help="write every row (and the targets) to this JSON file")
    parser.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    parser.add_argument("--small", action="store_true", help="tiny shapes (a CPU smoke test)")
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--filter", default="", help="only ops whose name contains this")
    args = parser.parse_args()
    if args.device == "cuda" and not torch.cuda.is_available():
        print(f"cuda_vs_pytorch.py: no CUDA device: torch {torch.__version__} (built for CUDA "
              f"{torch.version.cuda}) reports torch.cuda.is_available() False; nothing was timed "
              "(--device cpu --small runs a smoke test)", file=sys.stderr)
        return 2
    torch.manual_seed(1)
    torch.backends.cudnn.benchmark = False
    timer = Timer(args.device, args.repeats)
    tilesim = {}
    if args.bench_json:
        with open(args.bench_json) as f:
            tilesim = read_tilesim(f.read())
    elif args.bench:
        tilesim = read_tilesim(subprocess.run([args.bench, "--benchmark_format=json"], capture_output=True,
                                              text=True, check=True).stdout)
    device_name = torch.cuda.get_device_name() if args.device == "cuda" else "cpu"
    print(f"torch {torch.__version__} on {device_name}; ms = median of {args.repeats}; GB/s = compulsory bytes / time")
    print(f"{'op':58} {'torch ms':>9} {'GB/s':>7} {'tilesim ms':>10} {'GB/s':>7} {'torch/tilesim':>13}  target")
    rows, copy_gbs = [], None
    for cases in (copy_cases, grid_sample_cases, grid_sample_large_cases, deformable_cases, fused_cases,
                  correlation_cases, raft_cases):
        for name, fn, nbytes in cases(args.device, args.small):
            if args.filter not in name:
                continue
            with torch.no_grad() if "_bwd" not in name else torch.enable_grad():
                ms = timer(fn)
            row = {"name": name, "bytes": nbytes, "torch_ms": ms, "torch_GBps": nbytes / ms / 1e6}
            line = f"{name:58} {ms:9.3f} {nbytes / ms / 1e6:7.1f}"
            if name == "copy/1GiB":  # the ceiling: tilesim's cudaMemcpy where measured, else PyTorch's copy
                copy_gbs = tilesim[name][1] if name in tilesim else row["torch_GBps"]
            if name in tilesim:
                t_ms, t_gbs = tilesim[name]
                row.update(tilesim_ms=t_ms, tilesim_GBps=t_gbs, speedup=ms / t_ms)
                line += f" {t_ms:10.3f} {t_gbs:7.1f} {ms / t_ms:13.2f}"
                if copy_gbs:
                    row["fraction_of_copy"] = t_gbs / copy_gbs
                want, met = target(name, ms / t_ms, t_gbs, copy_gbs)
                if want:
                    row.update(target=want, met=met)
                    line += f"  {want}: {'met' if met else 'MISSED'}"
                    if LARGE in name and copy_gbs:
                        line += f" ({100 * t_gbs / copy_gbs:.0f}% of {copy_gbs:.0f} GB/s)"
            rows.append(row)
            print(line, flush=True)
    for name in sorted(set(tilesim) - {r["name"] for r in rows}):  # tilesim rows with no PyTorch formulation
        t_ms, t_gbs = tilesim[name]
        rows.append({"name": name, "tilesim_ms": t_ms, "tilesim_GBps": t_gbs})
        print(f"{name:58} {'-':>9} {'-':>7} {t_ms:10.3f} {t_gbs:7.1f}", flush=True)
    missed = [r["name"] for r in rows if r.get("met") is False]
    if tilesim:
        print(f"targets: {sum(r.get('met') is True for r in rows)} met, {len(missed)} missed"
              + (": " + ", ".join(missed) if missed else ""))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"torch": torch.__version__, "device": device_name, "repeats": args.repeats,
                       "copy_GBps": copy_gbs, "rows": rows, "missed": missed}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
