// RAFT lookup program factory (AlternateCorrBlock route). Reads top to bottom: work split -> CBs ->
// kernels -> runtime args; the host prepares the pooled fmap2 pyramid.
#include "ops/correlation/corr_lookup_device.hpp"

#include <cmath>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include "kernels/correlation/correlation_kernel_args.hpp"
#include "ops/common/channel_layout.hpp"
#include "tilesim/device_tensor.hpp"
#include "tilesim/error.hpp"

namespace tilesim::ops {

using namespace correlation_device_detail;
using namespace correlation_kernels;

namespace {
constexpr const char* kOp = "corr_lookup";
constexpr uint8_t kF1RowsCb = 0, kF1TilesCb = 1, kCellRowsCb = 2, kCellTilesCb = 3, kProductsCb = 4,
                  kScalarCb = 5, kCellsOutCb = 6, kTapsCb = 7, kWeightsCb = 8, kCoordsCb = 9, kOutCb = 16;
constexpr uint32_t kMaxLevels = kTileRows / kBilinearTaps;  // 4 tap rows per level in one 32-row reduction
constexpr uint32_t kMaxStick = 16 * kTileRows;              // output stick in 16 DEST tiles

struct CorrLookupGeometry {
    uint32_t batch = 0, channels = 0, height = 0, width = 0, levels = 0, radius = 0;
    std::vector<std::pair<int64_t, int64_t>> sizes;  // (h, w) per level
    std::vector<uint32_t> first_page;                // of each level in the pyramid buffer
    uint32_t side() const { return 2 * radius + 1; }
    uint32_t samples() const { return levels * side() * side(); }  // output stick length
    uint32_t cells() const { return (side() + 1) * (side() + 1); }
};

CorrLookupGeometry geometry(const NchwShape& f, int num_levels, int radius) {
    if (radius < 0) fail("{} (sim): radius must be >= 0, got {}", kOp, radius);
    CorrLookupGeometry g;
    g.sizes = corr_pyramid_level_sizes(f.h, f.w, num_levels);  // throws for num_levels < 1 or an empty level
    const uint64_t side = 2 * uint64_t(radius) + 1;
    if (uint32_t(num_levels) > kMaxLevels || num_levels * side * side > kMaxStick) {
        fail(
            "{} (sim): num_levels {} x (2 radius + 1)^2 = {} outputs per query; the simulated program "
            "supports at most {} "
            "levels and {} outputs (RAFT's 4 levels of radius 4 need 324); use backend 'cpu' or 'cuda'",
            kOp, num_levels, num_levels * side * side, kMaxLevels, kMaxStick);
    }
    g.batch = static_cast<uint32_t>(f.n);
    g.channels = static_cast<uint32_t>(f.c);
    g.height = static_cast<uint32_t>(f.h);
    g.width = static_cast<uint32_t>(f.w);
    g.levels = static_cast<uint32_t>(num_levels);
    g.radius = static_cast<uint32_t>(radius);
    uint64_t page = 0;
    for (const auto& [h, w] : g.sizes) {
        g.first_page.push_back(static_cast<uint32_t>(page));
        page += uint64_t(g.batch) * h * w;
    }
    if (page > UINT32_MAX) fail("{} (sim): {} pyramid sticks exceed the 32-bit page ids", kOp, page);
    return g;
}

std::vector<uint32_t> reader_args(const CorrLookupGeometry& g, uint32_t stick_bytes, uint32_t row_bytes) {
    std::vector<uint32_t> a(kCorrLookupReaderLevelDims + 3 * g.levels, 0);
    a[kCorrLookupReaderF1Cb] = kF1RowsCb;
    a[kCorrLookupReaderCellsCb] = kCellRowsCb;
    a[kCorrLookupReaderWeightsCb] = kWeightsCb;
    a[kCorrLookupReaderScalarCb] = kScalarCb;
    a[kCorrLookupReaderCoordsCb] = kCoordsCb;
    a[kCorrLookupReaderStickBytes] = stick_bytes;
    a[kCorrLookupReaderRowBytes] = row_bytes;
    a[kCorrLookupReaderCoordsStickBytes] = 2 * sizeof(float);
    a[kCorrLookupReaderHeight] = g.height;
    a[kCorrLookupReaderWidth] = g.width;
    a[kCorrLookupReaderLevels] = g.levels;
    a[kCorrLookupReaderRadius] = g.radius;
    a[kCorrLookupReaderScalerBits] =
        float_to_bits(1.f / std::sqrt(static_cast<float>(g.channels)));  // RAFT: / sqrt(C)
    for (uint32_t l = 0; l < g.levels; ++l) {
        a[kCorrLookupReaderLevelDims + 3 * l] = static_cast<uint32_t>(g.sizes[l].first);
        a[kCorrLookupReaderLevelDims + 3 * l + 1] = static_cast<uint32_t>(g.sizes[l].second);
        a[kCorrLookupReaderLevelDims + 3 * l + 2] = g.first_page[l];
    }
    return a;
}

struct CorrLookupSizes {
    uint32_t ct, blocks, out_tiles, face_cols, taps_row_bytes;
};

std::vector<uint32_t> compute_args(const CorrLookupGeometry& g, const CorrLookupSizes& s) {
    std::vector<uint32_t> a(kNumCorrLookupComputeArgs, 0);
    a[kCorrLookupComputeF1RowsCb] = kF1RowsCb;
    a[kCorrLookupComputeF1TilesCb] = kF1TilesCb;
    a[kCorrLookupComputeCellsRowsCb] = kCellRowsCb;
    a[kCorrLookupComputeCellsTilesCb] = kCellTilesCb;
    a[kCorrLookupComputeProductsCb] = kProductsCb;
    a[kCorrLookupComputeScalarCb] = kScalarCb;
    a[kCorrLookupComputeCellsOutCb] = kCellsOutCb;
    a[kCorrLookupComputeTapsCb] = kTapsCb;
    a[kCorrLookupComputeWeightsCb] = kWeightsCb;
    a[kCorrLookupComputeOutCb] = kOutCb;
    a[kCorrLookupComputeChannelTiles] = s.ct;
    a[kCorrLookupComputeRowBlocks] = s.blocks;
    a[kCorrLookupComputeLevels] = g.levels;
    a[kCorrLookupComputeOutTiles] = s.out_tiles;
    a[kCorrLookupComputeFaceCols] = s.face_cols;
    a[kCorrLookupComputeTapsRowBytes] = s.taps_row_bytes;
    return a;
}

std::vector<uint32_t> writer_args(const CorrLookupGeometry& g, const CorrLookupSizes& s) {
    std::vector<uint32_t> a(kNumCorrLookupWriterArgs, 0);
    a[kCorrLookupWriterCellsOutCb] = kCellsOutCb;
    a[kCorrLookupWriterTapsCb] = kTapsCb;
    a[kCorrLookupWriterOutCb] = kOutCb;
    a[kCorrLookupWriterLevels] = g.levels;
    a[kCorrLookupWriterRadius] = g.radius;
    a[kCorrLookupWriterRowBlocks] = s.blocks;
    a[kCorrLookupWriterTapsRowBytes] = s.taps_row_bytes;
    a[kCorrLookupWriterFaceCols] = s.face_cols;
    return a;
}

Program corr_lookup_program(Device& device, const CorrLookupGeometry& g, const DeviceRunOptions& o,
                            const std::vector<uint32_t>& addrs, ProgramSummary& info) {
    const std::string factory = "corr_lookup";
    const uint32_t esize = element_size(o.dtype), tile_bytes = kTileValues * esize;
    CorrLookupSizes s;
    s.ct = ceil_div(g.channels, kTileRows);
    s.blocks = ceil_div(g.cells(), kTileRows);
    s.out_tiles = ceil_div(g.samples(), kTileRows);
    s.face_cols = ceil_div(g.samples(), 16);
    s.taps_row_bytes = s.out_tiles * kTileRows * esize;
    info.facts["channel_tiles"] = s.ct;
    info.facts["row_blocks"] = s.blocks;
    // Work split: one unit per query pixel (its output stick).
    const CoreCoord grid = core_grid_of(device, o);
    const WorkSplit split = split_work_to_cores(grid, g.batch * g.height * g.width);
    const CoreRangeSet& cores = split.all_cores;

    Program program;
    // Circular buffers.
    const uint32_t n = o.buffering_factor;
    create_circular_buffer(program, cores, kF1RowsCb, "fmap1 stick x 32 rows", s.ct * tile_bytes, n, o.dtype);
    create_circular_buffer(program, cores, kF1TilesCb, "fmap1 tiles (broadcast rows)", tile_bytes, s.ct,
                           o.dtype);
    create_circular_buffer(program, cores, kCellRowsCb, "32 window cells (fmap2 sticks)", s.ct * tile_bytes,
                           n, o.dtype);
    create_circular_buffer(program, cores, kCellTilesCb, "window cell tiles", tile_bytes, s.ct, o.dtype);
    create_circular_buffer(program, cores, kProductsCb, "product tiles", tile_bytes, s.ct, o.dtype);
    create_circular_buffer(program, cores, kScalarCb, "reduce scaler 1/sqrt(C)", tile_bytes, 1, o.dtype);
    create_circular_buffer(program, cores, kCellsOutCb, "cell dot products (column 0)", tile_bytes, n,
                           o.dtype);
    create_circular_buffer(program, cores, kTapsCb, "4 tap rows per level",
                           g.levels * kBilinearTaps * s.taps_row_bytes, n, o.dtype);
    create_circular_buffer(program, cores, kWeightsCb, "bilinear weights (4 per level)", tile_bytes, n,
                           o.dtype);
    create_circular_buffer(program, cores, kCoordsCb, "coords stick (x, y)",
                           round_up(2 * sizeof(float), device.spec().dram_alignment), 1, DataType::Float32);
    create_circular_buffer(program, cores, kOutCb, "output stick (face-width pages)", 16 * esize,
                           n * s.face_cols, o.dtype);

    // Kernels.
    const KernelHandle reader =
        CreateKernel(program, "kernels/correlation/reader_corr_lookup.cpp", cores,
                     ReaderDataMovementConfig(reader_args(g, g.channels * esize, s.ct * kTileRows * esize)));
    const KernelHandle writer = CreateKernel(program, "kernels/correlation/writer_corr_lookup.cpp", cores,
                                             WriterDataMovementConfig(writer_args(g, s)));
    const KernelHandle compute = CreateKernel(program, "kernels/correlation/compute_corr_lookup.cpp", cores,
                                              compute_config(o, compute_args(g, s)));

    // Runtime args: consecutive queries per core, cores in split_work_to_cores order.
    for (const CoreWork& w : assign_work(split, grid)) {
        SetRuntimeArgs(program, reader, w.core, {addrs[0], addrs[1], addrs[2], w.count, w.start});
        SetRuntimeArgs(program, writer, w.core, {addrs[3], w.count, w.start});
        SetRuntimeArgs(program, compute, w.core, {w.count});
    }
    finish_program(device, program, factory, split, info);
    return program;
}

// One pooled level: (((p00 + p01) + p10) + p11) / 4, the order of the CPU reference's AlternateCorrBlock.
std::vector<float> pool_level(const std::vector<float>& src, uint32_t batch, int64_t h, int64_t w,
                              uint32_t c) {
    const int64_t ph = h / 2, pw = w / 2;
    std::vector<float> dst(static_cast<size_t>(batch * ph * pw * c));
    oneapi::tbb::parallel_for(oneapi::tbb::blocked_range<int64_t>(0, batch * ph), [&](const auto& range) {
        for (int64_t row = range.begin(); row < range.end(); ++row) {
            const int64_t b = row / ph, i = row % ph;
            for (int64_t j = 0; j < pw; ++j) {
                const float* p00 = src.data() + ((b * h + 2 * i) * w + 2 * j) * c;
                const float* p10 = p00 + w * c;
                float* out = dst.data() + ((b * ph + i) * pw + j) * c;
                for (uint32_t k = 0; k < c; ++k)
                    out[k] = (((p00[k] + p00[c + k]) + p10[k]) + p10[c + k]) / 4.f;
            }
        }
    });
    return dst;
}
}  // namespace

Tensor corr_lookup_pooled_pyramid_nhwc(const Tensor& fmap2, int num_levels, bool round_levels_to_bf16) {
    const NchwShape f = nchw_shape_of_channels_last(kOp, "fmap2", fmap2);
    const auto sizes = corr_pyramid_level_sizes(f.h, f.w, num_levels);
    const uint32_t b = static_cast<uint32_t>(f.n), c = static_cast<uint32_t>(f.c);
    std::vector<float> level = fmap2.to_floats(), all;
    auto round = [&](std::vector<float>& v) {
        if (round_levels_to_bf16) {
            for (float& x : v) x = tilesim::round_to_bf16(x);
        }
    };
    round(level);
    all = level;
    for (int l = 1; l < num_levels; ++l) {
        level = pool_level(level, b, sizes[l - 1].first, sizes[l - 1].second, c);
        round(level);
        all.insert(all.end(), level.begin(), level.end());
    }
    return Tensor::from_floats(Shape{static_cast<uint32_t>(all.size() / c), c}, all);
}

ProgramSummary corr_lookup_device_plan(Device& device, const NchwShape& fmap, int num_levels, int radius,
                                       const DeviceRunOptions& opts) {
    validate_device_options(std::string(kOp) + " (sim)", device, opts);
    ProgramSummary info;
    corr_lookup_program(device, geometry(fmap, num_levels, radius), opts, {0, 0, 0, 0}, info);
    return info;
}

CorrelationDeviceResult corr_lookup_device(Device& device, const Tensor& fmap1, const Tensor& fmap2,
                                           const Tensor& coords, int num_levels, int radius,
                                           const DeviceRunOptions& opts, const RunOptions& run) {
    validate_device_options(std::string(kOp) + " (sim)", device, opts);
    const NchwShape f = nchw_shape_of_channels_last(kOp, "fmap1", fmap1);
    if (fmap2.shape() != fmap1.shape()) {
        fail("{} (sim): fmap1 and fmap2 must have the same shape, got {} and {}", kOp, fmap1.shape(),
             fmap2.shape());
    }
    const Shape coords_shape{fmap1.shape()[0], fmap1.shape()[1], fmap1.shape()[2], 2};
    if (coords.shape() != coords_shape) {
        fail("{} (sim): coords must be [B, H, W, 2] = {} (channels-last), got {}", kOp, coords_shape,
             coords.shape());
    }
    const CorrLookupGeometry g = geometry(f, num_levels, radius);
    const DeviceTensor f1_dev = to_device(fmap1.to_dtype(opts.dtype), device);
    const Tensor pyramid =
        corr_lookup_pooled_pyramid_nhwc(fmap2, num_levels, opts.dtype == DataType::BFloat16);
    const DeviceTensor pyramid_dev = to_device(pyramid.to_dtype(opts.dtype), device);
    const DeviceTensor coords_dev = to_device(coords.to_dtype(DataType::Float32), device);
    const DeviceTensor out_dev =
        allocate_on_device(Shape{g.batch, g.height, g.width, g.samples()}, opts.dtype, device);
    CorrelationDeviceResult result;
    Program program = corr_lookup_program(device, g, opts,
                                          {f1_dev.buffer->address(), pyramid_dev.buffer->address(),
                                           coords_dev.buffer->address(), out_dev.buffer->address()},
                                          result.info);
    result.report = run_program(device, program, run, /*units_arg=*/3);
    result.output =
        nhwc_to_nchw(from_device(out_dev).to_dtype(DataType::Float32));  // -> [B, L (2r+1)^2, H, W]
    return result;
}

}  // namespace tilesim::ops
