// grid_sample_device: validates the request, lays the tensors out on the device, picks the program
// factory, runs it and reads the output back.
#include "ops/grid_sample/grid_sample_device.hpp"

#include <algorithm>

#include "ops/common/channel_layout.hpp"
#include "ops/grid_sample/detail/grid_sample_program_factory.hpp"
#include "tilesim/device_tensor.hpp"
#include "tilesim/error.hpp"
#include "tilesim/work_split.hpp"

namespace tilesim::ops {

using grid_sample_detail::GridSampleBuffers;
using grid_sample_detail::GridSampleGeometry;

std::string_view to_string(GridSampleMemory m) {
    return m == GridSampleMemory::Interleaved ? "interleaved" : "height_sharded";
}

GridSampleMemory parse_grid_sample_memory(std::string_view s) {
    if (s == "interleaved") return GridSampleMemory::Interleaved;
    if (s == "height_sharded") return GridSampleMemory::HeightSharded;
    fail("grid_sample: memory must be 'interleaved' or 'height_sharded', got '{}'", s);
}

namespace {
void validate(const Device& device, const Shape& in, const Tensor& grid, const GridSampleArgs& o) {
    const Shape& gr = grid.shape();
    if (in.rank() != 4) fail("grid_sample (sim): input must be [N, H, W, C] (channels-last), got {}", in);
    if (gr.rank() != 4 || gr[3] != 2)
        fail("grid_sample (sim): grid must be [N, H_out, W_out, 2], got {}", gr);
    if (in[0] != gr[0]) fail("grid_sample (sim): input batch {} and grid batch {} differ", in[0], gr[0]);
    if (in.volume() == 0 || gr.volume() == 0)
        fail("grid_sample (sim): zero-sized input {} or grid {}", in, gr);
    if (o.mode == GridSampleMode::Bicubic) {
        fail(
            "grid_sample (sim): mode 'bicubic' is not supported on the simulated device (supported: "
            "bilinear, nearest); "
            "use backend 'cpu' or 'cuda'");
    }
    if (o.padding_mode != PaddingMode::Zeros) {
        fail(
            "grid_sample (sim): padding_mode '{}' is not supported on the simulated device (supported: "
            "zeros); use backend "
            "'cpu' or 'cuda'",
            o.padding_mode == PaddingMode::Border ? "border" : "reflection");
    }
    validate_device_options("grid_sample (sim)", device, o);
    if (o.grid_batching == 0 || gr[2] % o.grid_batching != 0) {
        fail("grid_sample (sim): grid batching factor K={} must divide W_out={}", o.grid_batching, gr[2]);
    }
    if (o.split_reader &&
        (o.memory != GridSampleMemory::HeightSharded || o.mode != GridSampleMode::Bilinear)) {
        fail("grid_sample (sim): the split reader is available for bilinear height-sharded grids only");
    }
    if (o.precomputed_grid && (in[1] > 32767 || in[2] > 32767)) {
        fail("grid_sample (sim): a precomputed grid stores int16 indices; input {}x{} is too large", in[1],
             in[2]);
    }
    const uint32_t channel_tiles = (in[3] + 31) / 32;
    if (channel_tiles > 16) {
        fail("grid_sample (sim): C={} needs {} channel tiles; DEST holds 16 (C <= 512 supported)", in[3],
             channel_tiles);
    }
    const uint64_t points = gr.volume() / 2;
    if (points / o.grid_batching > UINT32_MAX || in.volume() / in[3] > UINT32_MAX) {
        fail("grid_sample (sim): {} points or {} input sticks exceed the 32-bit page ids", points,
             in.volume() / in[3]);
    }
}

// The input as channels-last sticks in DRAM: transposed on the way when it is NCHW float32, else
// transposed and converted on the host first.
DeviceTensor upload_input(const Tensor& input, bool nchw, DataType dtype, Device& device) {
    if (nchw && input.dtype() == DataType::Float32 && dtype == DataType::Float32)
        return to_device_nhwc(input, device);
    const Tensor nhwc = nchw ? nchw_to_nhwc(input) : Tensor();
    const Tensor& sticks = nchw ? nhwc : input;
    return sticks.dtype() == dtype ? to_device(sticks, device) : to_device(sticks.to_dtype(dtype), device);
}

GridSampleGeometry geometry(const Device& device, const Shape& in, const Tensor& grid,
                            const GridSampleArgs& o) {
    GridSampleGeometry g;
    const Shape& gr = grid.shape();
    g.batch = in[0];
    g.height = in[1];
    g.width = in[2];
    g.channels = in[3];
    g.out_height = gr[1];
    g.out_width = gr[2];
    g.batching = o.grid_batching;
    g.grid_sticks_per_image = gr[1] * gr[2] / o.grid_batching;
    g.grid_sticks = g.batch * g.grid_sticks_per_image;
    g.element_bytes = element_size(o.dtype);
    g.stick_bytes = g.channels * g.element_bytes;
    const uint32_t dram_align = device.spec().dram_alignment;
    g.slot_bytes = round_up(g.stick_bytes, dram_align);
    const uint32_t words = o.precomputed_grid ? (o.mode == GridSampleMode::Bilinear ? 6 : 2) : 2;
    g.grid_format = o.precomputed_grid ? DataType::UInt16 : o.dtype;
    g.grid_stick_bytes = words * o.grid_batching * element_size(g.grid_format);
    g.grid_stick_stride = round_up(g.grid_stick_bytes, dram_align);
    g.channel_tiles = (g.channels + 31) / 32;
    g.face_cols = (g.channels + 15) / 16;
    g.core_grid = core_grid_of(device, o);
    return g;
}

MemoryConfig sharded_config(CoreCoord grid_size, uint32_t num_cores, uint32_t shard_height,
                            uint32_t columns) {
    ShardSpec spec{num_cores_to_corerangeset(num_cores, grid_size, /*row_wise=*/true),
                   {shard_height, columns},
                   ShardOrientation::ROW_MAJOR};
    return {TensorMemoryLayout::HEIGHT_SHARDED, BufferType::L1, spec};
}
}  // namespace

GridSampleDeviceResult grid_sample_device(Device& device, const Tensor& input, const Tensor& grid,
                                          const GridSampleArgs& opts) {
    const bool nchw = opts.input_layout == ChannelLayout::NCHW;
    const Shape& given = input.shape();
    if (nchw && given.rank() != 4)
        fail("grid_sample (sim): input must be [N, C, H, W] (input_layout nchw), got {}", given);
    const Shape in_nhwc = nchw ? Shape{given[0], given[2], given[3], given[1]} : given;
    validate(device, in_nhwc, grid, opts);
    const GridSampleGeometry g = geometry(device, in_nhwc, grid, opts);
    const bool nearest = opts.mode == GridSampleMode::Nearest;

    // Grid sticks hold K points: [N, H_out, W_out, 2] viewed as [N, H_out, W_out / K, 2K].
    const Tensor batched =
        grid.reshape(Shape{g.batch, g.out_height, g.out_width / g.batching, 2 * g.batching});
    const Tensor device_grid =
        opts.precomputed_grid
            ? prepare_grid_sample_grid(batched, in_nhwc, opts.mode, opts.padding_mode, opts.align_corners)
            : batched.to_dtype(opts.dtype);
    const Shape out_shape{g.batch, g.out_height, g.out_width, g.channels};

    GridSampleBuffers buffers;
    DeviceTensor input_dev = upload_input(input, nchw, opts.dtype, device);
    DeviceTensor grid_dev, output_dev;
    if (opts.memory == GridSampleMemory::Interleaved) {
        grid_dev = to_device(device_grid, device);
        output_dev = allocate_on_device(out_shape, opts.dtype, device);
    } else {
        const uint32_t available = g.core_grid.x * g.core_grid.y;
        const uint32_t want = opts.num_shard_cores ? opts.num_shard_cores : available;
        if (want > available) {
            fail("grid_sample (sim): num_shard_cores {} exceeds the {} worker cores of the {}x{} core grid",
                 want, available, g.core_grid.x, g.core_grid.y);
        }
        const uint32_t shard_h =
            (g.grid_sticks + std::min(want, g.grid_sticks) - 1) / std::min(want, g.grid_sticks);
        const uint32_t cores = (g.grid_sticks + shard_h - 1) / shard_h;
        grid_dev = to_device(device_grid, device,
                             sharded_config(g.core_grid, cores, shard_h, device_grid.shape().back()));
        // Bilinear packs whole 16-wide faces, so each output stick is padded to a multiple of 16 channels.
        const uint32_t out_page = nearest ? 0 : g.face_cols * 16 * g.element_bytes;
        output_dev = allocate_on_device(out_shape, opts.dtype, device,
                                        sharded_config(g.core_grid, cores, shard_h * g.batching, g.channels),
                                        out_page);
    }
    buffers.input = input_dev.buffer;
    buffers.grid = grid_dev.buffer;
    buffers.output = output_dev.buffer;

    GridSampleDeviceResult result;
    namespace detail = grid_sample_detail;
    const bool interleaved = opts.memory == GridSampleMemory::Interleaved;
    Program program =
        nearest ? (interleaved ? detail::nearest_interleaved_program(device, g, opts, buffers, result.info)
                               : detail::nearest_sharded_program(device, g, opts, buffers, result.info))
                : (interleaved ? detail::bilinear_interleaved_program(device, g, opts, buffers, result.info)
                               : detail::bilinear_sharded_program(device, g, opts, buffers, result.info));
    result.info.facts["grid_sticks"] = g.grid_sticks;
    if (!interleaved) result.info.facts["shard_height"] = buffers.grid->pages_per_shard();
    result.report = EnqueueProgram(device, program, opts.run);
    // Units of work per core: grid sticks, from the reader's runtime args (interleaved: arg 2 of 4; sharded:
    // arg 2 of 3).
    for (const auto& k : program.kernels()) {
        if (k.kind != KernelKind::Reader) continue;
        for (const auto& [core, args] : k.runtime_args) {
            if (CoreStats* cs = result.report.find_core(core)) cs->units = args.at(2);
        }
    }
    if (nchw && opts.dtype == DataType::Float32) {
        result.output = from_device_nchw(output_dev);
    } else {
        result.output = from_device(output_dev);
        if (opts.dtype != DataType::Float32) result.output = result.output.to_dtype(DataType::Float32);
        if (nchw) result.output = nhwc_to_nchw(result.output);
    }
    return result;
}

}  // namespace tilesim::ops
