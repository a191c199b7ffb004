#include "ops/deformable_aggregation/sampling_program_device.hpp"

#include "kernels/deformable_aggregation/sampling_layout.hpp"
#include "tilesim/error.hpp"

namespace tilesim::ops::sampling_detail {

using namespace sampling_kernels;

void validate_options(const Device& device, const DeviceRunOptions& o, std::string_view op,
                      uint64_t channels) {
    validate_device_options(op, device, o);
    const uint64_t channel_tiles = (channels + 31) / 32;
    if (channel_tiles > 16) {
        fail(
            "{}: C={} needs {} channel tiles; DEST holds 16 (C <= 512 supported on the simulated device; use "
            "backend "
            "'cpu' or 'cuda' for more)",
            op, channels, channel_tiles);
    }
}

ChannelGeometry channel_geometry(uint32_t channels, const DeviceRunOptions& o) {
    ChannelGeometry g;
    g.channels = channels;
    g.dtype = o.dtype;
    g.element_bytes = element_size(o.dtype);
    g.stick_bytes = channels * g.element_bytes;
    g.channel_tiles = (channels + 31) / 32;
    g.row_bytes = g.channel_tiles * 32 * g.element_bytes;
    g.tile_bytes = 1024 * g.element_bytes;
    g.intermediate = o.fp32_dest_acc_en.value_or(o.dtype == DataType::Float32) ? DataType::Float32 : o.dtype;
    return g;
}

WeightedSumKernels add_weighted_row_sum(Program& program, const CoreRangeSet& cores, const ChannelGeometry& g,
                                        const DeviceRunOptions& o) {
    const uint32_t n = o.buffering_factor, block_bytes = kTileRows * g.row_bytes, t = g.channel_tiles;
    const uint32_t tile = 1024 * element_size(g.intermediate);
    create_circular_buffer(program, cores, kCountCb, "blocks of the unit (uint32)", 16, 2, DataType::UInt32);
    create_circular_buffer(program, cores, kValueRowsCb, "value block (8 samples x 4 corners)", block_bytes,
                           n, g.dtype);
    create_circular_buffer(program, cores, kWeightRowsCb, "weight block", block_bytes, n, g.dtype);
    create_circular_buffer(program, cores, kScalerCb, "reduce scaler (1.0)", g.tile_bytes, 1, g.dtype);
    // The compute kernel packs row 0 of its channel tiles (pack_untilize_dest): C values padded to whole
    // tiles; the writer sends the first C.
    create_circular_buffer(program, cores, kOutputCb, "output stick", g.row_bytes, 2, g.dtype);
    create_circular_buffer(program, cores, kValueTilesCb, "value tiles", g.tile_bytes, t, g.dtype);
    create_circular_buffer(program, cores, kWeightTilesCb, "weight tiles", g.tile_bytes, t, g.dtype);
    create_circular_buffer(program, cores, kProductCb, "value x weight tiles", tile, t, g.intermediate);
    create_circular_buffer(program, cores, kPartialCb, "column sums so far", tile, t, g.intermediate);

    WeightedSumKernels k;
    std::vector<uint32_t> compute_args(kNumWeightedSumComputeArgs);
    compute_args[kSumChannelTiles] = g.channel_tiles;
    k.compute = CreateKernel(program, "kernels/deformable_aggregation/compute_weighted_row_sum.cpp", cores,
                             compute_config(o, compute_args));
    // One CB page per output stick, to output page start + i.
    std::vector<uint32_t> writer_args(kNumOutputStickWriterArgs);
    writer_args[kWriterOutputCb] = kOutputCb;
    writer_args[kWriterStickBytes] = g.stick_bytes;
    k.writer = CreateKernel(program, "kernels/deformable_aggregation/writer_output_sticks.cpp", cores,
                            WriterDataMovementConfig(writer_args));
    return k;
}

void set_weighted_row_sum_args(Program& program, const WeightedSumKernels& k, const CoreWork& w,
                               uint32_t output_address) {
    SetRuntimeArgs(program, k.compute, w.core, {w.count});
    SetRuntimeArgs(program, k.writer, w.core, {output_address, w.count, w.start});
}

}  // namespace tilesim::ops::sampling_detail
