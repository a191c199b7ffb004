// Google Benchmark of the CUDA reference kernels, timed with CUDA events around the kernels alone (inputs
// already on the GPU, through the device-pointer launchers), with the achieved memory bandwidth:
// compulsory bytes (every input read once, every output written once) / kernel time. The shapes are those
// of bench/cuda_vs_pytorch.py, which times PyTorch's CUDA formulations of the same ops and can run this
// program to print both side by side. "cuda/copy/1GiB" (a device-to-device copy) is the memory ceiling that
// the memory-bound grid_sample rows (16x64x256x256) are measured against. Without a CUDA device every
// benchmark is skipped with the reason. bench/gpu_check.sh runs it on the GPU machine.
//   build-*/bench/bench_cuda_ops [--benchmark_filter=grid_sample] [--benchmark_format=json]
#include <cmath>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#ifdef TILESIM_HAVE_CUDA
#include <cuda_runtime_api.h>
#endif

#include "ops/common/cuda_device.hpp"
#include "ops/correlation/correlation_launch_cuda.hpp"
#include "ops/correlation/flownet_correlation_cuda.hpp"
#include "ops/correlation/spatial_correlation_cuda.hpp"
#include "ops/deformable_aggregation/deformable_aggregation_launch_cuda.hpp"
#include "ops/fused_grid_ops/fused_grid_ops_launch_cuda.hpp"
#include "ops/grid_sample/grid_sample_cuda.hpp"

namespace {

namespace ops = tilesim::ops;
using ops::CudaBuffer;

constexpr double kFloat = sizeof(float);

// Device buffers of one benchmark, filled on the host with uniform random values.
class DeviceData {
  public:
    float* uniform(int64_t count, float lo, float hi) {
        std::uniform_real_distribution<float> dist(lo, hi);
        std::vector<float> host(static_cast<size_t>(count));
        for (float& v : host) v = dist(rng_);
        return upload(host);
    }
    float* zeros(int64_t count) {
        buffers_.emplace_back(static_cast<size_t>(count) * sizeof(float));
        buffers_.back().zero();
        return buffers_.back().floats();
    }
    template <class T>
    T* upload(const std::vector<T>& host) {
        buffers_.push_back(ops::to_cuda(host));
        return static_cast<T*>(buffers_.back().get());
    }

  private:
    std::mt19937 rng_{12345};
    std::vector<CudaBuffer> buffers_;
};

// Runs `launch` once to warm up, then times each iteration with CUDA events; reports the mean kernel time
// and the bandwidth that `bytes` per call gives.
void time_kernels(benchmark::State& state, double bytes, const std::function<void()>& launch) {
    launch();
    ops::cuda_synchronize();
    ops::CudaEventTimer timer;
    double total_ms = 0;
    for (auto _ : state) {
        timer.start();
        launch();
        const float ms = timer.stop_ms();
        state.SetIterationTime(ms / 1e3);
        total_ms += ms;
    }
    const double iterations = static_cast<double>(state.iterations());
    state.counters["kernel_ms"] = total_ms / iterations;
    state.counters["GB/s"] = bytes * iterations / (total_ms * 1e-3) / 1e9;
    state.counters["MB"] = bytes / 1e6;
}

// Registers a benchmark that is skipped, with the reason, where no CUDA device is present; `setup`
// allocates the data and returns (bytes per call, launch).
using Setup = std::function<std::pair<double, std::function<void()>>(DeviceData&)>;
void add(const std::string& name, Setup setup) {
    benchmark::RegisterBenchmark(("cuda/" + name).c_str(),
                                 [setup](benchmark::State& state) {
                                     std::string why;
                                     if (!ops::cuda_device_available(&why)) {
                                         state.SkipWithError(("no CUDA device: " + why).c_str());
                                         return;
                                     }
                                     DeviceData data;
                                     const auto [bytes, launch] = setup(data);
                                     time_kernels(state, bytes, launch);
                                 })
        ->UseManualTime()
        ->Unit(benchmark::kMicrosecond);
}

// A rotation by 0.2 rad and a 0.9 zoom of the output pixel centres: a smooth warp, as image warping uses.
// Same grid as warp_grid() in cuda_vs_pytorch.py.
std::vector<float> warp_grid(int64_t n, int64_t out_h, int64_t out_w) {
    std::vector<float> grid(static_cast<size_t>(n * out_h * out_w * 2));
    const double c = 0.9 * std::cos(0.2), s = 0.9 * std::sin(0.2);
    for (int64_t i = 0; i < n * out_h * out_w; ++i) {
        const double u = (2.0 * static_cast<double>(i % out_w) + 1.0) / static_cast<double>(out_w) - 1.0;
        const double v =
            (2.0 * static_cast<double>(i / out_w % out_h) + 1.0) / static_cast<double>(out_h) - 1.0;
        grid[2 * i] = static_cast<float>(c * u - s * v);
        grid[2 * i + 1] = static_cast<float>(s * u + c * v);
    }
    return grid;
}

// The device-to-device copy (cudaMemcpyAsync) of 1 GiB, counted read + write: the memory ceiling that the
// large grid_sample rows are measured against (issue 17: >= 70% of it on memory-bound shapes).
void add_copy() {
#ifdef TILESIM_HAVE_CUDA
    add("copy/1GiB", [](DeviceData& d) {
        const int64_t n = int64_t(1) << 28;  // floats
        const float* src = d.zeros(n);
        float* dst = d.zeros(n);
        return std::pair{2 * kFloat * static_cast<double>(n), std::function<void()>([=] {
                             cudaMemcpyAsync(dst, src, static_cast<size_t>(n) * sizeof(float),
                                             cudaMemcpyDeviceToDevice, nullptr);
                         })};
    });
#endif
}

// grid_sample on shape `s` (named `label`): forward in every mode and layout, backward where it has one.
// The memory-bound variant (16 x 64 x 256 x 256: 256 MiB in, 256 MiB out, many times the 60 MB L2, measured
// against the copy above) runs the bilinear and nearest forwards alone, on zeros (no host-side filling of
// 64 M floats; the values do not change the time).
void add_grid_sample(const ops::GridSampleShape& s, const std::string& label, bool memory_bound) {
    const int64_t in = s.n * s.c * s.h * s.w, out = s.n * s.c * s.out_h * s.out_w,
                  grid = s.n * s.out_h * s.out_w * 2;
    using ModeName = std::pair<ops::GridSampleMode, const char*>;
    using LayoutName = std::pair<ops::ChannelLayout, const char*>;
    for (const ModeName& m : {ModeName{ops::GridSampleMode::Bilinear, "bilinear"},
                              ModeName{ops::GridSampleMode::Nearest, "nearest"},
                              ModeName{ops::GridSampleMode::Bicubic, "bicubic"}}) {
        const ops::GridSampleMode mode = m.first;
        if (memory_bound && mode == ops::GridSampleMode::Bicubic) continue;
        for (const LayoutName& l :
             {LayoutName{ops::ChannelLayout::NCHW, "nchw"}, LayoutName{ops::ChannelLayout::NHWC, "nhwc"}}) {
            const ops::ChannelLayout layout = l.first;
            const ops::GridSampleOptions o{mode, ops::PaddingMode::Zeros, false};
            const std::string suffix = std::string(m.second) + "/" + l.second + "/" + label;
            add("grid_sample_fwd/" + suffix, [=](DeviceData& d) {
                const float *x = memory_bound ? d.zeros(in) : d.uniform(in, -1, 1),
                            *g = d.upload(warp_grid(s.n, s.out_h, s.out_w));
                float* y = d.zeros(out);
                return std::pair{kFloat * (in + grid + out), std::function<void()>([=] {
                                     ops::launch_grid_sample_forward_cuda(x, g, y, s, layout, o);
                                 })};
            });
            if (mode == ops::GridSampleMode::Nearest || memory_bound) continue;
            add("grid_sample_bwd/" + suffix, [=](DeviceData& d) {
                const float *x = d.uniform(in, -1, 1), *g = d.upload(warp_grid(s.n, s.out_h, s.out_w)),
                            *go = d.uniform(out, -1, 1);
                float *gx = d.zeros(in), *gg = d.zeros(grid);
                return std::pair{kFloat * (out + in + grid + in + grid), std::function<void()>([=] {
                                     ops::launch_grid_sample_backward_cuda(go, x, g, gx, gg, s, layout, o);
                                 })};
            });
        }
    }
}

// SparseDrive's default head: 6 cameras, 4 scales of a 256 x 704 image (strides 4 to 32), 900 anchors,
// 13 points, 256 channels in 8 groups.
void add_deformable_aggregation() {
    const ops::DeformableAggregationCudaDims dims{1, 0, 256, 6, 4, 900, 13, 8};
    const int64_t hs[4] = {64, 32, 16, 8}, ws[4] = {176, 88, 44, 22};
    std::vector<int32_t> shape, start;
    int64_t num_feat = 0;
    for (int64_t cam = 0; cam < dims.num_cams; ++cam) {
        for (int sc = 0; sc < 4; ++sc) {
            shape.insert(shape.end(), {static_cast<int32_t>(hs[sc]), static_cast<int32_t>(ws[sc])});
            start.push_back(static_cast<int32_t>(num_feat));
            num_feat += hs[sc] * ws[sc];
        }
    }
    ops::DeformableAggregationCudaDims d = dims;
    d.num_feat = num_feat;
    const int64_t feat = d.bs * num_feat * d.channels, samples = d.bs * d.num_anchor * d.num_pts * d.num_cams;
    const int64_t weights = samples * d.num_scale * d.num_groups, out = d.bs * d.num_anchor * d.channels;
    add("deformable_aggregation_fwd/sparsedrive", [=](DeviceData& dd) {
        const float *f = dd.uniform(feat, -1, 1), *loc = dd.uniform(samples * 2, 0.01f, 0.99f),
                    *w = dd.uniform(weights, 0, 1);
        const int32_t *sh = dd.upload(shape), *st = dd.upload(start);
        float* y = dd.zeros(out);
        return std::pair{kFloat * (feat + 2 * samples + weights + out), std::function<void()>([=] {
                             ops::launch_deformable_aggregation_forward_cuda(f, sh, st, loc, w, y, d);
                         })};
    });
    add("deformable_aggregation_bwd/sparsedrive", [=](DeviceData& dd) {
        const float *f = dd.uniform(feat, -1, 1), *loc = dd.uniform(samples * 2, 0.01f, 0.99f),
                    *w = dd.uniform(weights, 0, 1), *go = dd.uniform(out, -1, 1);
        const int32_t *sh = dd.upload(shape), *st = dd.upload(start);
        float *gf = dd.zeros(feat), *gl = dd.zeros(samples * 2), *gw = dd.zeros(weights);
        return std::pair{kFloat * (2 * (feat + 2 * samples + weights) + out), std::function<void()>([=] {
                             ops::launch_deformable_aggregation_backward_cuda(f, sh, st, loc, w, go, gf, gl,
                                                                              gw, d);
                         })};
    });
}

void add_fused_grid_ops() {
    const ops::FusedGridCudaDims d{2, 128, 64, 96, 1024, 32, 8, 4};
    const int64_t images = d.batch * d.channels * d.height * d.width, samples = d.batch * d.queries * d.depth;
    const int64_t weights = d.batch * d.heads * d.queries * d.depth,
                  sum_out = d.batch * d.heads * d.queries * d.channels;
    const int64_t queries = d.batch * d.heads * d.queries * (d.channels - 2 * d.num_octaves);
    const std::string shape = "2x128x64x96_q1024_d32_hd8";
    add("sample_sum_fwd/" + shape, [=](DeviceData& dd) {
        const float *im = dd.uniform(images, -1, 1), *sa = dd.uniform(2 * samples, -1, 1),
                    *w = dd.uniform(weights, 0, 1);
        float* y = dd.zeros(sum_out);
        return std::pair{kFloat * (images + 2 * samples + weights + sum_out), std::function<void()>([=] {
                             ops::launch_sample_sum_forward_cuda(im, sa, w, y, d);
                         })};
    });
    add("sample_sum_bwd/" + shape, [=](DeviceData& dd) {
        const float *im = dd.uniform(images, -1, 1), *sa = dd.uniform(2 * samples, -1, 1),
                    *w = dd.uniform(weights, 0, 1), *go = dd.uniform(sum_out, -1, 1);
        float *gi = dd.zeros(images), *gs = dd.zeros(2 * samples), *gw = dd.zeros(weights);
        return std::pair{kFloat * (2 * (images + 2 * samples + weights) + sum_out),
                         std::function<void()>(
                             [=] { ops::launch_sample_sum_backward_cuda(im, sa, w, go, gi, gs, gw, d); })};
    });
    add("sample_dot_fwd/" + shape + "_oct4", [=](DeviceData& dd) {
        const float *im = dd.uniform(images, -1, 1), *sa = dd.uniform(2 * samples, -1, 1),
                    *qu = dd.uniform(queries, -1, 1), *de = dd.uniform(samples, 0, 1);
        float* y = dd.zeros(weights);
        return std::pair{kFloat * (images + 3 * samples + queries + weights), std::function<void()>([=] {
                             ops::launch_sample_dot_forward_cuda(im, sa, qu, de, y, d);
                         })};
    });
    add("sample_dot_bwd/" + shape + "_oct4", [=](DeviceData& dd) {
        const float *im = dd.uniform(images, -1, 1), *sa = dd.uniform(2 * samples, -1, 1),
                    *qu = dd.uniform(queries, -1, 1), *de = dd.uniform(samples, 0, 1),
                    *go = dd.uniform(weights, -1, 1);
        float *gi = dd.zeros(images), *gs = dd.zeros(2 * samples), *gq = dd.zeros(queries),
              *gd = dd.zeros(samples);
        return std::pair{kFloat * (2 * (images + 3 * samples + queries) + weights),
                         std::function<void()>([=] {
                             ops::launch_sample_dot_backward_cuda(im, sa, qu, de, go, gi, gs, gq, gd, d);
                         })};
    });
}

// The correlation engine on `shape` with geometry g: forward and backward.
void add_correlation(const std::string& name, const ops::NchwShape& s,
                     const tilesim::ops::detail::CorrelationGeometry& g) {
    const int64_t in = s.volume(), out = g.batch * g.patch_h * g.patch_w * g.out_h * g.out_w;
    add(name + "_fwd", [=](DeviceData& d) {
        const float *a = d.uniform(in, -1, 1), *b = d.uniform(in, -1, 1);
        float* y = d.zeros(out);
        return std::pair{kFloat * (2 * in + out),
                         std::function<void()>([=] { ops::launch_correlation_forward_cuda(a, b, y, g); })};
    });
    add(name + "_bwd", [=](DeviceData& d) {
        const float *a = d.uniform(in, -1, 1), *b = d.uniform(in, -1, 1), *go = d.uniform(out, -1, 1);
        float *ga = d.zeros(in), *gb = d.zeros(in);
        return std::pair{kFloat * (4 * in + out), std::function<void()>([=] {
                             ops::launch_correlation_backward_cuda(go, a, b, ga, gb, g);
                         })};
    });
}

void add_raft() {
    const ops::CorrLookupCudaDims d{2, 256, 46, 62, 4, 4};  // RAFT at 1/8 of a 368 x 496 frame
    const int64_t fmap = d.batch * d.channels * d.height * d.width, coords = d.batch * 2 * d.height * d.width;
    const int64_t out = d.batch * d.num_levels * 81 * d.height * d.width,
                  pyramid = ops::corr_pyramid_floats(d);
    const std::string shape = "2x256x46x62_L4_r4";
    add("corr_pyramid/" + shape, [=](DeviceData& dd) {
        const float *f1 = dd.uniform(fmap, -1, 1), *f2 = dd.uniform(fmap, -1, 1);
        float* p = dd.zeros(pyramid);
        return std::pair{kFloat * (2 * fmap + pyramid),
                         std::function<void()>([=] { ops::launch_corr_pyramid_cuda(f1, f2, p, d); })};
    });
    // The lookup reads each pixel's (2r + 2)^2 window cells per level, not the whole pyramid.
    const int64_t windows = d.batch * d.height * d.width * d.num_levels * 100;
    add("corr_lookup/" + shape, [=](DeviceData& dd) {
        const float *p = dd.uniform(pyramid, -1, 1), *c = dd.uniform(coords, 0, 61);
        float* y = dd.zeros(out);
        return std::pair{kFloat * (windows + coords + out),
                         std::function<void()>([=] { ops::launch_corr_lookup_cuda(p, c, y, d); })};
    });
    add("corr_lookup_alternate/" + shape, [=](DeviceData& dd) {
        const float *f1 = dd.uniform(fmap, -1, 1), *f2 = dd.uniform(fmap, -1, 1),
                    *c = dd.uniform(coords, 0, 61);
        float *y = dd.zeros(out), *ws = dd.zeros(ops::corr_lookup_workspace_floats(d, false));
        return std::pair{kFloat * (2 * fmap + coords + out), std::function<void()>([=] {
                             ops::launch_corr_lookup_alternate_cuda(f1, f2, c, y, ws, d);
                         })};
    });
    add("corr_lookup_bwd/" + shape, [=](DeviceData& dd) {
        const float *f1 = dd.uniform(fmap, -1, 1), *f2 = dd.uniform(fmap, -1, 1),
                    *c = dd.uniform(coords, 0, 61), *go = dd.uniform(out, -1, 1);
        float *g1 = dd.zeros(fmap), *g2 = dd.zeros(fmap),
              *ws = dd.zeros(ops::corr_lookup_workspace_floats(d, true));
        return std::pair{kFloat * (out + 4 * fmap + coords), std::function<void()>([=] {
                             ops::launch_corr_lookup_backward_cuda(go, f1, f2, c, g1, g2, ws, d);
                         })};
    });
}

void register_all() {
    add_copy();
    add_grid_sample({8, 64, 128, 128, 128, 128}, "8x64x128x128", false);
    add_grid_sample({16, 64, 256, 256, 256, 256}, "16x64x256x256", true);
    add_deformable_aggregation();
    add_fused_grid_ops();
    const ops::NchwShape tracker{4, 64, 96, 128}, flownetc{4, 256, 48, 64};
    add_correlation(
        "spatial_correlation_9x9/4x64x96x128", tracker,
        ops::spatial_correlation_cuda_geometry(ops::spatial_correlation_tracker_9x9_preset(), tracker));
    ops::FlowNetCorrelationParams p{20, 1, 20, 1, 2, true};  // FlowNetC's layer
    add_correlation("flownet_correlation/4x256x48x64", flownetc,
                    ops::flownet_correlation_cuda_geometry(p, flownetc));
    add_raft();
}

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    register_all();
    std::string why;
    if (ops::cuda_device_available(&why))
        benchmark::AddCustomContext("cuda_device", ops::cuda_device_description());
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
