// deformable_aggregation_device: validates the request, lays the tensors out on the device, builds the
// program (work split -> CBs -> kernels -> runtime args), runs it and reads the output back.
#include "ops/deformable_aggregation/deformable_aggregation_device.hpp"

#include "kernels/deformable_aggregation/reader_deformable_aggregation_args.hpp"
#include "kernels/deformable_aggregation/sampling_layout.hpp"
#include "ops/deformable_aggregation/detail/deformable_aggregation_inputs.hpp"
#include "tilesim/device_tensor.hpp"
#include "tilesim/error.hpp"
#include "tilesim/validate_program.hpp"

namespace tilesim::ops {

using namespace sampling_detail;

namespace {

constexpr std::string_view kOp = "deformable_aggregation (sim)";

ArrayView<float> float_view(const Tensor& t, const char* name) {
    if (t.dtype() != DataType::Float32 || t.layout() != Layout::ROW_MAJOR) {
        fail("{}: {} must be a float32 ROW_MAJOR tensor, got {} {}", kOp, name, t.dtype(), t.layout());
    }
    return {t.data<float>(), {t.shape().dims().begin(), t.shape().dims().end()}};
}

// The device's limits beyond the reference's checks: non-empty pages and 32-bit page ids.
void check_device_limits(const detail::DeformableDims& d) {
    if (d.bs == 0 || d.num_anchor == 0 || d.channels == 0 || d.num_pts == 0 || d.num_cams == 0 ||
        d.num_scale == 0) {
        fail(
            "{}: zero-sized dimension (bs={}, num_anchor={}, C={}, num_pts={}, num_cams={}, num_scale={}); "
            "the simulated "
            "device needs every dimension >= 1",
            kOp, d.bs, d.num_anchor, d.channels, d.num_pts, d.num_cams, d.num_scale);
    }
    if (d.bs * d.num_feat > UINT32_MAX || d.bs * d.num_anchor > UINT32_MAX) {
        fail("{}: bs * num_feat = {} or bs * num_anchor = {} exceeds the 32-bit page ids", kOp,
             d.bs * d.num_feat, d.bs * d.num_anchor);
    }
}

struct DeformableBuffers {
    DeviceTensor feat, locations, weights, output;
};

std::vector<uint32_t> reader_compile_args(const detail::DeformableDims& d, const ChannelGeometry& g) {
    using namespace deformable_kernels;
    std::vector<uint32_t> a(kFirstMapArg + 3 * d.maps.size());
    a[kChannels] = g.channels;
    a[kStickBytes] = g.stick_bytes;
    a[kRowBytes] = g.row_bytes;
    a[kAnchorsPerBatch] = static_cast<uint32_t>(d.num_anchor);
    a[kPts] = static_cast<uint32_t>(d.num_pts);
    a[kCams] = static_cast<uint32_t>(d.num_cams);
    a[kScales] = static_cast<uint32_t>(d.num_scale);
    a[kGroups] = static_cast<uint32_t>(d.num_groups);
    a[kNumFeat] = static_cast<uint32_t>(d.num_feat);
    a[kLocationStickBytes] = static_cast<uint32_t>(d.num_pts * d.num_cams * 2 * 4);
    a[kWeightStickBytes] = static_cast<uint32_t>(d.num_pts * d.num_cams * d.num_scale * d.num_groups * 4);
    for (size_t m = 0; m < d.maps.size(); ++m) {
        a[kFirstMapArg + 3 * m] = static_cast<uint32_t>(d.maps[m].height);
        a[kFirstMapArg + 3 * m + 1] = static_cast<uint32_t>(d.maps[m].width);
        a[kFirstMapArg + 3 * m + 2] = static_cast<uint32_t>(d.maps[m].start);
    }
    return a;
}

Program deformable_aggregation_program(Device& device, const detail::DeformableDims& d,
                                       const ChannelGeometry& g, const DeviceRunOptions& o,
                                       const DeformableBuffers& b, ProgramSummary& info,
                                       std::vector<CoreWork>& work) {
    using namespace sampling_kernels;
    // Work split: one unit per anchor (b, a).
    const CoreCoord grid = core_grid_of(device, o);
    const WorkSplit split = split_work_to_cores(grid, static_cast<uint32_t>(d.bs * d.num_anchor));
    const CoreRangeSet& cores = split.all_cores;

    Program program;
    // Circular buffers: the anchor's location and weight sticks, then the weighted row sum's.
    const std::vector<uint32_t> args = reader_compile_args(d, g);
    const uint32_t align = device.spec().dram_alignment;
    create_circular_buffer(program, cores, kIndexStickCb, "sampling locations of the anchor",
                           round_up(args[deformable_kernels::kLocationStickBytes], align), 1,
                           DataType::Float32);
    create_circular_buffer(program, cores, kWeightStickCb, "attention weights of the anchor",
                           round_up(args[deformable_kernels::kWeightStickBytes], align), 1,
                           DataType::Float32);
    // Kernels.
    const KernelHandle reader =
        CreateKernel(program, "kernels/deformable_aggregation/reader_deformable_aggregation.cpp", cores,
                     ReaderDataMovementConfig(args));
    const WeightedSumKernels sum = add_weighted_row_sum(program, cores, g, o);

    // Runtime args: consecutive anchors per core, cores in split_work_to_cores order.
    work = assign_work(split, grid);
    for (const CoreWork& w : work) {
        SetRuntimeArgs(program, reader, w.core,
                       {b.feat.buffer->address(), b.locations.buffer->address(), b.weights.buffer->address(),
                        w.count, w.start});
        set_weighted_row_sum_args(program, sum, w, b.output.buffer->address());
    }
    ValidateProgram(device, program);
    info = summarize_program("deformable_aggregation", device, program, split);
    return program;
}

}  // namespace

DeformableAggregationDeviceResult deformable_aggregation_device(
    Device& device, const Tensor& mc_ms_feat, const ArrayView<int32_t>& spatial_shape,
    const ArrayView<int32_t>& scale_start_index, const Tensor& sampling_location, const Tensor& weights,
    const DeviceRunOptions& opts, const RunOptions& run) {
    const detail::DeformableDims d = detail::validate_deformable_inputs(
        kOp, float_view(mc_ms_feat, "mc_ms_feat"), spatial_shape, scale_start_index,
        float_view(sampling_location, "sampling_location"), float_view(weights, "weights"));
    check_device_limits(d);
    validate_options(device, opts, kOp, static_cast<uint64_t>(d.channels));
    const ChannelGeometry g = channel_geometry(static_cast<uint32_t>(d.channels), opts);

    // One page per pixel, per anchor's locations, per anchor's weights, per output stick.
    const auto rows = static_cast<uint32_t>(d.bs * d.num_anchor);
    const Tensor feat = mc_ms_feat.reshape(Shape{static_cast<uint32_t>(d.bs * d.num_feat), g.channels});
    DeformableBuffers b;
    b.feat = to_device(opts.dtype == DataType::Float32 ? feat : feat.to_dtype(opts.dtype), device);
    b.locations = to_device(
        sampling_location.reshape(Shape{rows, static_cast<uint32_t>(d.num_pts * d.num_cams * 2)}), device);
    b.weights = to_device(weights.reshape(Shape{rows, static_cast<uint32_t>(d.num_pts * d.num_cams *
                                                                            d.num_scale * d.num_groups)}),
                          device);
    b.output = allocate_on_device(Shape{rows, g.channels}, opts.dtype, device);

    DeformableAggregationDeviceResult result;
    std::vector<CoreWork> work;
    Program program = deformable_aggregation_program(device, d, g, opts, b, result.info, work);
    result.report = EnqueueProgram(device, program, run);
    set_units(result.report, work);
    Tensor out = from_device(b.output);
    if (opts.dtype != DataType::Float32) out = out.to_dtype(DataType::Float32);
    result.output =
        out.reshape(Shape{static_cast<uint32_t>(d.bs), static_cast<uint32_t>(d.num_anchor), g.channels});
    return result;
}

}  // namespace tilesim::ops
