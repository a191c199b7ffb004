// sample_sum_device / sample_dot_device: validate, lay the tensors out on the device, build the program
// (work split -> CBs -> kernels -> runtime args), run it and read the output back.
#include "ops/fused_grid_ops/fused_grid_ops_device.hpp"

#include <cmath>
#include <numbers>

#include "kernels/deformable_aggregation/sampling_layout.hpp"
#include "kernels/fused_grid_ops/fused_grid_layout.hpp"
#include "ops/common/host_array.hpp"
#include "tilesim/device_tensor.hpp"
#include "tilesim/error.hpp"
#include "tilesim/validate_program.hpp"

namespace tilesim::ops {

using namespace sampling_detail;
using namespace sampling_kernels;
using namespace fused_grid_kernels;

namespace {

ArrayView<float> float_view(std::string_view op, const Tensor& t, const char* name) {
    if (t.dtype() != DataType::Float32 || t.layout() != Layout::ROW_MAJOR) {
        fail("{}: {} must be a float32 ROW_MAJOR tensor, got {} {}", op, name, t.dtype(), t.layout());
    }
    return {t.data<float>(), {t.shape().dims().begin(), t.shape().dims().end()}};
}

// Sizes of a fused op on the device: images [b, h, w, c], samples [b, q, d, 2], heads from weights/queries.
struct FusedDims {
    uint32_t batch = 0, height = 0, width = 0, channels = 0, queries = 0, depth = 0, heads = 0;
    uint32_t units() const { return batch * heads * queries; }
};

FusedDims validate_images_and_samples(std::string_view op, const Tensor& images, const Tensor& samples) {
    const ArrayView<float> im = float_view(op, images, "images"), s = float_view(op, samples, "samples");
    check_rank(op, "images", im, 4, "[b, h, w, c] (channels-last)");
    check_rank(op, "samples", s, 4, "[b, q, d, 2]");
    const Shape& i = images.shape();
    FusedDims d{i[0], i[1], i[2], i[3], samples.shape()[1], samples.shape()[2], 0};
    check_shape(op, "samples", s, {d.batch, d.queries, d.depth, 2}, "[b (from images), q, d, 2]");
    return d;
}

// The device's limits beyond the shapes: non-empty pages and 32-bit page ids.
void check_device_limits(std::string_view op, const FusedDims& d) {
    if (d.batch == 0 || d.height == 0 || d.width == 0 || d.channels == 0 || d.queries == 0 || d.depth == 0 ||
        d.heads == 0) {
        fail(
            "{}: zero-sized dimension (b={}, h={}, w={}, c={}, q={}, d={}, hd={}); the simulated device "
            "needs every "
            "dimension >= 1",
            op, d.batch, d.height, d.width, d.channels, d.queries, d.depth, d.heads);
    }
    if (uint64_t(d.batch) * d.height * d.width > UINT32_MAX ||
        uint64_t(d.batch) * d.heads * d.queries > UINT32_MAX) {
        fail("{}: b * h * w or b * hd * q exceeds the 32-bit page ids", op);
    }
}

std::vector<uint32_t> reader_args(const FusedDims& d, const ChannelGeometry& g, uint32_t query_bytes,
                                  uint32_t encoding_bytes) {
    std::vector<uint32_t> a(kNumFusedReaderArgs);
    a[kChannels] = g.channels;
    a[kStickBytes] = g.stick_bytes;
    a[kRowBytes] = g.row_bytes;
    a[kHeight] = d.height;
    a[kWidth] = d.width;
    a[kQueries] = d.queries;
    a[kHeads] = d.heads;
    a[kDepth] = d.depth;
    a[kQueryBytes] = query_bytes;
    a[kEncodingBytes] = encoding_bytes;
    return a;
}

// The part of every fused program before its CBs: the split of the (b, hd, q) units over the cores.
WorkSplit split_units(Device& device, const FusedDims& d, const DeviceRunOptions& o) {
    return split_work_to_cores(core_grid_of(device, o), d.units());
}

Tensor images_on_device_format(const Tensor& images, const FusedDims& d, DataType dtype) {
    const Tensor sticks = images.reshape(Shape{d.batch * d.height * d.width, d.channels});
    return dtype == DataType::Float32 ? sticks : sticks.to_dtype(dtype);
}

FusedGridDeviceResult finish_run(Device& device, Program& program, const RunOptions& run,
                                 const std::vector<CoreWork>& work, const DeviceTensor& output,
                                 DataType dtype, Shape shape, ProgramSummary info) {
    FusedGridDeviceResult result;
    result.report = EnqueueProgram(device, program, run);
    set_units(result.report, work);
    Tensor out = from_device(output);
    if (dtype != DataType::Float32) out = out.to_dtype(DataType::Float32);
    result.output = out.reshape(std::move(shape));
    result.info = std::move(info);
    return result;
}

// The buffers sample_sum's program reads and writes.
struct SampleSumBuffers {
    const DeviceTensor &images, &samples, &weights, &output;
};

Program sample_sum_program(Device& device, const FusedDims& d, const ChannelGeometry& g,
                           const DeviceRunOptions& opts, const SampleSumBuffers& b, ProgramSummary& info,
                           std::vector<CoreWork>& work) {
    const WorkSplit split = split_units(device, d, opts);
    const CoreRangeSet& cores = split.all_cores;
    Program program;
    // Circular buffers: the unit's samples and depth weights, then the weighted row sum's.
    const uint32_t align = device.spec().dram_alignment;
    create_circular_buffer(program, cores, kIndexStickCb, "samples of (b, q)",
                           round_up(2 * d.depth * 4, align), 1, DataType::Float32);
    create_circular_buffer(program, cores, kWeightStickCb, "depth weights of the unit",
                           round_up(d.depth * 4, align), 1, DataType::Float32);
    // Kernels.
    const KernelHandle reader = CreateKernel(program, "kernels/fused_grid_ops/reader_sample_sum.cpp", cores,
                                             ReaderDataMovementConfig(reader_args(d, g, 0, 0)));
    const WeightedSumKernels sum = add_weighted_row_sum(program, cores, g, opts);
    // Runtime args: consecutive units per core.
    work = assign_work(split, core_grid_of(device, opts));
    for (const CoreWork& cw : work) {
        SetRuntimeArgs(program, reader, cw.core,
                       {b.images.buffer->address(), b.samples.buffer->address(), b.weights.buffer->address(),
                        cw.count, cw.start});
        set_weighted_row_sum_args(program, sum, cw, b.output.buffer->address());
    }
    ValidateProgram(device, program);
    info = summarize_program("sample_sum", device, program, split);
    return program;
}

}  // namespace

FusedGridDeviceResult sample_sum_device(Device& device, const Tensor& images, const Tensor& samples,
                                        const Tensor& weights, const DeviceRunOptions& opts,
                                        const RunOptions& run) {
    constexpr std::string_view op = "sample_sum (sim)";
    FusedDims d = validate_images_and_samples(op, images, samples);
    const ArrayView<float> w = float_view(op, weights, "weights");
    check_rank(op, "weights", w, 4, "[b, hd, q, d]");
    d.heads = weights.shape()[1];
    check_shape(op, "weights", w, {d.batch, d.heads, d.queries, d.depth},
                "[b (from images), hd, q, d (from samples)]");
    check_device_limits(op, d);
    validate_options(device, opts, op, d.channels);
    const ChannelGeometry g = channel_geometry(d.channels, opts);

    const DeviceTensor images_dev = to_device(images_on_device_format(images, d, opts.dtype), device);
    const DeviceTensor samples_dev =
        to_device(samples.reshape(Shape{d.batch * d.queries, 2 * d.depth}), device);
    const DeviceTensor weights_dev = to_device(weights.reshape(Shape{d.units(), d.depth}), device);
    const DeviceTensor output = allocate_on_device(Shape{d.units(), d.channels}, opts.dtype, device);

    ProgramSummary info;
    std::vector<CoreWork> work;
    Program program =
        sample_sum_program(device, d, g, opts, {images_dev, samples_dev, weights_dev, output}, info, work);
    return finish_run(device, program, run, work, output, opts.dtype,
                      Shape{d.batch, d.heads, d.queries, d.channels}, std::move(info));
}

namespace {

// sample_dot's sizes: the fused sizes plus the split of c into query channels and encodings.
struct SampleDotDims : FusedDims {
    uint32_t query_channels = 0, encodings = 0;
};

SampleDotDims validate_sample_dot(std::string_view op, const Tensor& images, const Tensor& samples,
                                  const Tensor& queries, const Tensor& depths, int64_t num_octaves) {
    SampleDotDims d{validate_images_and_samples(op, images, samples)};
    if (num_octaves < 0 || 2 * num_octaves > int64_t{d.channels}) {
        fail("{}: num_octaves = {} must be in [0, c / 2] with c = {} (images' channels)", op, num_octaves,
             d.channels);
    }
    d.encodings = static_cast<uint32_t>(2 * num_octaves);
    d.query_channels = d.channels - d.encodings;
    const ArrayView<float> q = float_view(op, queries, "queries");
    check_rank(op, "queries", q, 4, "[b, hd, q, c - 2 * num_octaves]");
    d.heads = queries.shape()[1];
    check_shape(op, "queries", q, {d.batch, d.heads, d.queries, d.query_channels},
                "[b (from images), hd, q (from samples), c - 2 * num_octaves]");
    check_shape(op, "depths", float_view(op, depths, "depths"), {d.batch, d.queries, d.depth},
                "[b, q, d] (from samples)");
    check_device_limits(op, d);
    return d;
}

struct SampleDotBuffers {
    DeviceTensor images, samples, queries, encodings, output;  // queries / encodings: none when 0 channels
};

// CBs: the unit's sticks, one sample's corners and weights, the 32 vector rows, the interpolated rows and
// the tiles of the dot products.
void add_sample_dot_cbs(Program& program, const CoreRangeSet& cores, const SampleDotDims& d,
                        const ChannelGeometry& g, const DeviceRunOptions& o, uint32_t align) {
    const uint32_t n = o.buffering_factor, t = g.channel_tiles,
                   interm_tile = 1024 * element_size(g.intermediate);
    create_circular_buffer(program, cores, kIndexStickCb, "samples of (b, q)",
                           round_up(2 * d.depth * 4, align), 1, DataType::Float32);
    if (d.query_channels) {
        create_circular_buffer(program, cores, kWeightStickCb, "queries of the unit",
                               round_up(d.query_channels * g.element_bytes, align), 1, g.dtype);
    }
    if (d.encodings) {
        create_circular_buffer(program, cores, kEncodingStickCb, "pe of (b, q)",
                               round_up(d.depth * d.encodings * g.element_bytes, align), 1, g.dtype);
    }
    // The reader fills whole batches of samples (one page each), so these CBs hold a multiple of the batch.
    const uint32_t sample_pages = n * kSamplesPerDotBatch;
    create_circular_buffer(program, cores, kValueRowsCb, "4 corner rows of a sample", kCorners * g.row_bytes,
                           sample_pages, g.dtype);
    create_circular_buffer(program, cores, kWeightRowsCb, "4 bilinear weights", g.tile_bytes, sample_pages,
                           g.dtype);
    create_circular_buffer(program, cores, kVectorRowsCb, "32 rows cat(queries, pe)", kTileRows * g.row_bytes,
                           2, g.dtype);
    create_circular_buffer(program, cores, kScalerCb, "reduce scaler (1.0)", g.tile_bytes, 1, g.dtype);
    create_circular_buffer(program, cores, kOutputCb, "dot products (column 0)", g.tile_bytes, 2, g.dtype);
    create_circular_buffer(program, cores, kInterpRowsCb, "interpolated rows", interm_tile / 32 * t,
                           kSamplesPerDotBlock, g.intermediate);
    create_circular_buffer(program, cores, kValueTilesCb, "interpolated tiles", interm_tile, t,
                           g.intermediate);
    create_circular_buffer(program, cores, kWeightTilesCb, "vector tiles", g.tile_bytes, t, g.dtype);
    create_circular_buffer(program, cores, kProductCb, "products", interm_tile, t, g.intermediate);
}

Program sample_dot_program(Device& device, const SampleDotDims& d, const ChannelGeometry& g,
                           const DeviceRunOptions& o, const SampleDotBuffers& b, ProgramSummary& info,
                           std::vector<CoreWork>& work) {
    // Work split: one unit per (b, hd, q).
    const WorkSplit split = split_units(device, d, o);
    const CoreRangeSet& cores = split.all_cores;
    Program program;
    add_sample_dot_cbs(program, cores, d, g, o, device.spec().dram_alignment);
    // Kernels: the compute kernel and the writer share their compile-time args (SampleDotArg).
    const uint32_t query_bytes = d.query_channels * g.element_bytes,
                   encoding_bytes = d.encodings * g.element_bytes;
    std::vector<uint32_t> dot_args(kNumSampleDotArgs);
    dot_args[kDotChannelTiles] = g.channel_tiles;
    dot_args[kDotDepth] = d.depth;
    dot_args[kDotOutputStickBytes] = d.depth * g.element_bytes;
    const KernelHandle reader =
        CreateKernel(program, "kernels/fused_grid_ops/reader_sample_dot.cpp", cores,
                     ReaderDataMovementConfig(reader_args(d, g, query_bytes, encoding_bytes)));
    const KernelHandle compute = CreateKernel(program, "kernels/fused_grid_ops/compute_sample_dot.cpp", cores,
                                              compute_config(o, dot_args));
    const KernelHandle writer = CreateKernel(program, "kernels/fused_grid_ops/writer_sample_dot.cpp", cores,
                                             WriterDataMovementConfig(dot_args));
    // Runtime args: consecutive units per core.
    const uint32_t queries_addr = query_bytes ? b.queries.buffer->address() : 0;
    const uint32_t encodings_addr = encoding_bytes ? b.encodings.buffer->address() : 0;
    work = assign_work(split, core_grid_of(device, o));
    for (const CoreWork& cw : work) {
        SetRuntimeArgs(program, reader, cw.core,
                       {b.images.buffer->address(), b.samples.buffer->address(), queries_addr, encodings_addr,
                        cw.count, cw.start});
        SetRuntimeArgs(program, compute, cw.core, {cw.count});
        SetRuntimeArgs(program, writer, cw.core, {b.output.buffer->address(), cw.count, cw.start});
    }
    ValidateProgram(device, program);
    info = summarize_program("sample_dot", device, program, split);
    return program;
}

}  // namespace

FusedGridDeviceResult sample_dot_device(Device& device, const Tensor& images, const Tensor& samples,
                                        const Tensor& queries, const Tensor& depths, int64_t num_octaves,
                                        const DeviceRunOptions& opts, const RunOptions& run) {
    constexpr std::string_view op = "sample_dot (sim)";
    const SampleDotDims d = validate_sample_dot(op, images, samples, queries, depths, num_octaves);
    validate_options(device, opts, op, d.channels);
    const ChannelGeometry g = channel_geometry(d.channels, opts);

    // One page per pixel, per (b, q) samples and encodings, per unit's queries and outputs.
    SampleDotBuffers b;
    b.images = to_device(images_on_device_format(images, d, opts.dtype), device);
    b.samples = to_device(samples.reshape(Shape{d.batch * d.queries, 2 * d.depth}), device);
    if (d.query_channels) {
        b.queries =
            to_device(queries.reshape(Shape{d.units(), d.query_channels}).to_dtype(opts.dtype), device);
    }
    if (d.encodings) {
        const Tensor pe = sample_dot_encodings(depths, num_octaves);
        b.encodings = to_device(
            pe.reshape(Shape{d.batch * d.queries, d.depth * d.encodings}).to_dtype(opts.dtype), device);
    }
    b.output = allocate_on_device(Shape{d.units(), d.depth}, opts.dtype, device);

    ProgramSummary info;
    std::vector<CoreWork> work;
    Program program = sample_dot_program(device, d, g, opts, b, info, work);
    return finish_run(device, program, run, work, b.output, opts.dtype,
                      Shape{d.batch, d.heads, d.queries, d.depth}, std::move(info));
}

void sample_dot_positional_encoding(float depth, int64_t num_octaves, float* pe) {
    // As the CPU reference: float arithmetic, depth * freq + phase, freq = 2π·2^f.
    constexpr auto two_pi = static_cast<float>(2 * std::numbers::pi);
    constexpr auto half_pi = static_cast<float>(std::numbers::pi / 2);
    for (int64_t f = 0; f < num_octaves; ++f) {
        const float freq = two_pi * std::ldexp(1.f, static_cast<int>(f));
        pe[2 * f] = std::sin(depth * freq + 0.f);
        pe[2 * f + 1] = std::sin(depth * freq + half_pi);
    }
}

Tensor sample_dot_encodings(const Tensor& depths, int64_t num_octaves) {
    std::vector<uint32_t> dims = depths.shape().dims();
    dims.push_back(static_cast<uint32_t>(2 * num_octaves));
    Tensor pe{Shape(dims), DataType::Float32};
    const auto d = depths.data<float>();
    auto out = pe.data<float>();
    for (size_t i = 0; i < d.size(); ++i)
        sample_dot_positional_encoding(d[i], num_octaves, out.data() + i * 2 * num_octaves);
    return pe;
}

}  // namespace tilesim::ops
