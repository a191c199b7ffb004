// Patch-correlation program factory (spatial correlation sampler, FlowNet correlation). Reads top to
// bottom: work split -> CBs -> kernels -> runtime args.
#include "ops/correlation/detail/patch_correlation_device.hpp"

#include "kernels/correlation/correlation_kernel_args.hpp"
#include "tilesim/device_tensor.hpp"
#include "tilesim/error.hpp"

namespace tilesim::ops {

using namespace correlation_device_detail;
using namespace correlation_kernels;

namespace {
constexpr uint8_t kIn1RowsCb = 0, kIn1TilesCb = 1, kIn2RowsCb = 2, kIn2TilesCb = 3, kProductsCb = 4,
                  kScalarCb = 5, kPartialCb = 6, kOutCb = 16;

std::vector<uint32_t> reader_args(const PatchCorrelationGeometry& g, uint32_t stick_bytes,
                                  uint32_t row_bytes) {
    std::vector<uint32_t> a(kNumPatchReaderArgs, 0);
    a[kReaderIn1Cb] = kIn1RowsCb;
    a[kReaderIn2Cb] = kIn2RowsCb;
    a[kReaderScalarCb] = kScalarCb;
    a[kReaderStickBytes] = stick_bytes;
    a[kReaderRowBytes] = row_bytes;
    a[kReaderHeight] = g.height;
    a[kReaderWidth] = g.width;
    a[kReaderOutHeight] = g.out_h;
    a[kReaderOutWidth] = g.out_w;
    a[kReaderKernelH] = g.kernel_h;
    a[kReaderKernelW] = g.kernel_w;
    a[kReaderStrideH] = g.stride_h;
    a[kReaderStrideW] = g.stride_w;
    a[kReaderOriginH] = static_cast<uint32_t>(g.origin_h);
    a[kReaderOriginW] = static_cast<uint32_t>(g.origin_w);
    a[kReaderDilationH] = g.dilation_h;
    a[kReaderDilationW] = g.dilation_w;
    a[kReaderPatchH] = g.patch_h;
    a[kReaderPatchW] = g.patch_w;
    a[kReaderDilationPatchH] = g.dilation_patch_h;
    a[kReaderDilationPatchW] = g.dilation_patch_w;
    a[kReaderAbsDiff] = g.abs_diff;
    a[kReaderScalerBits] = float_to_bits(g.scaler);
    return a;
}

std::vector<uint32_t> compute_args(const PatchCorrelationGeometry& g, uint32_t ct, uint32_t blocks) {
    std::vector<uint32_t> a(kNumPatchComputeArgs, 0);
    a[kComputeIn1RowsCb] = kIn1RowsCb;
    a[kComputeIn1TilesCb] = kIn1TilesCb;
    a[kComputeIn2RowsCb] = kIn2RowsCb;
    a[kComputeIn2TilesCb] = kIn2TilesCb;
    a[kComputeProductsCb] = kProductsCb;
    a[kComputeScalarCb] = kScalarCb;
    a[kComputePartialCb] = kPartialCb;
    a[kComputeOutCb] = kOutCb;
    a[kComputeChannelTiles] = ct;
    a[kComputeRowBlocks] = blocks;
    a[kComputeWindowTaps] = g.kernel_h * g.kernel_w;
    a[kComputeAbsDiff] = g.abs_diff;
    return a;
}

void validate(const char* op, const Device& device, const Tensor& in1, const Tensor& in2,
              const PatchCorrelationGeometry& g, const DeviceRunOptions& o) {
    validate_device_options(std::string(op) + " (sim)", device, o);
    if (in1.shape().rank() != 4 || in1.shape() != in2.shape()) {
        fail("{} (sim): inputs must be two [B, H, W, C] tensors of the same shape, got {} and {}", op,
             in1.shape(), in2.shape());
    }
    const uint64_t sticks = uint64_t(g.batch) * g.height * g.width,
                   units = uint64_t(g.batch) * g.out_h * g.out_w;
    if (sticks > UINT32_MAX || units > UINT32_MAX) {
        fail("{} (sim): {} input sticks or {} output sticks exceed the 32-bit page ids", op, sticks, units);
    }
}
}  // namespace

Program patch_correlation_program(Device& device, const PatchCorrelationGeometry& g,
                                  const DeviceRunOptions& o, uint32_t in1_addr, uint32_t in2_addr,
                                  uint32_t out_addr, ProgramSummary& info) {
    const std::string factory = "patch_correlation";
    const uint32_t esize = element_size(o.dtype);
    const uint32_t ct = ceil_div(g.channels, kTileRows);
    const uint32_t blocks = ceil_div(g.displacements(), kTileRows);
    const uint32_t taps = g.kernel_h * g.kernel_w;
    const uint32_t tile_bytes = kTileValues * esize, row_bytes = ct * kTileRows * esize;
    info.facts["channel_tiles"] = ct;
    info.facts["row_blocks"] = blocks;
    // Work split: one unit per output pixel (its output stick).
    const CoreCoord grid = core_grid_of(device, o);
    const WorkSplit split = split_work_to_cores(grid, g.batch * g.out_h * g.out_w);
    const CoreRangeSet& cores = split.all_cores;

    Program program;
    // Circular buffers (row blocks: 32 sticks as rows, ct * 32 channels per row).
    const uint32_t n = o.buffering_factor;
    create_circular_buffer(program, cores, kIn1RowsCb, "in1 stick x 32 rows", ct * tile_bytes, n, o.dtype);
    create_circular_buffer(program, cores, kIn1TilesCb, "in1 tiles (broadcast rows)", tile_bytes, ct,
                           o.dtype);
    create_circular_buffer(program, cores, kIn2RowsCb, "32 in2 sticks (displacements)", ct * tile_bytes, n,
                           o.dtype);
    create_circular_buffer(program, cores, kIn2TilesCb, "in2 tiles", tile_bytes, ct, o.dtype);
    create_circular_buffer(program, cores, kProductsCb, g.abs_diff ? "|in2 - in1| tiles" : "product tiles",
                           tile_bytes, ct, o.dtype);
    create_circular_buffer(program, cores, kScalarCb, "reduce scaler", tile_bytes, 1, o.dtype);
    if (taps > 1)
        create_circular_buffer(program, cores, kPartialCb, "partial sums (one per block)", tile_bytes, blocks,
                               o.dtype);
    create_circular_buffer(program, cores, kOutCb, "reduced tiles (column 0)", tile_bytes, n, o.dtype);

    // Kernels.
    const KernelHandle reader =
        CreateKernel(program, "kernels/correlation/reader_patch_correlation.cpp", cores,
                     ReaderDataMovementConfig(reader_args(g, g.channels * esize, row_bytes)));
    std::vector<uint32_t> writer_args(kNumPatchWriterArgs);
    writer_args[kWriterOutCb] = kOutCb;
    writer_args[kWriterDisplacements] = g.displacements();
    writer_args[kWriterRowBlocks] = blocks;
    const KernelHandle writer = CreateKernel(program, "kernels/correlation/writer_patch_correlation.cpp",
                                             cores, WriterDataMovementConfig(writer_args));
    const KernelHandle compute = CreateKernel(program, "kernels/correlation/compute_patch_correlation.cpp",
                                              cores, compute_config(o, compute_args(g, ct, blocks)));

    // Runtime args: consecutive output pixels per core, cores in split_work_to_cores order.
    for (const CoreWork& w : assign_work(split, grid)) {
        SetRuntimeArgs(program, reader, w.core, {in1_addr, in2_addr, w.count, w.start});
        SetRuntimeArgs(program, writer, w.core, {out_addr, w.count, w.start});
        SetRuntimeArgs(program, compute, w.core, {w.count});
    }
    finish_program(device, program, factory, split, info);
    return program;
}

CorrelationDeviceResult patch_correlation_device(Device& device, const Tensor& in1, const Tensor& in2,
                                                 const PatchCorrelationGeometry& g, const DeviceRunOptions& o,
                                                 const RunOptions& run, const char* op) {
    validate(op, device, in1, in2, g, o);
    const DeviceTensor in1_dev = to_device(in1.to_dtype(o.dtype), device);
    const DeviceTensor in2_dev = to_device(in2.to_dtype(o.dtype), device);
    const Shape out_shape{g.batch, g.out_h, g.out_w, g.displacements()};
    const DeviceTensor out_dev = allocate_on_device(out_shape, o.dtype, device);
    CorrelationDeviceResult result;
    Program program =
        patch_correlation_program(device, g, o, in1_dev.buffer->address(), in2_dev.buffer->address(),
                                  out_dev.buffer->address(), result.info);
    result.report = run_program(device, program, run, /*units_arg=*/2);
    result.output = from_device(out_dev).to_dtype(DataType::Float32);
    return result;
}

}  // namespace tilesim::ops
