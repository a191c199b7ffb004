// grid_sample program factories (tt-metal: grid_sample_program_factory.cpp, ..._sharded.cpp,
// grid_sample_nearest_program_factory.cpp). Each reads top to bottom: work split -> CBs -> kernels ->
// runtime args.
#include "ops/grid_sample/grid_sample_program_factory.hpp"

#include "kernels/grid_sample/grid_sample_reader_common.hpp"
#include "ops/common/program_helpers.hpp"
#include "tilesim/error.hpp"
#include "tilesim/program.hpp"
#include "tilesim/validate_program.hpp"
#include "tilesim/work_split.hpp"

namespace tilesim::ops::grid_sample_detail {

using namespace grid_sample_kernels;

namespace {
constexpr uint8_t kGridCbIndex = 0, kInputCbIndex = 1, kScalarCbIndex = 2, kOutputCbIndex = 3;
constexpr uint8_t kInputCb2Index = 3, kScalarCb2Index = 4, kShardedOutputCbIndex = 16;

void add_cb(Program& program, const CoreRangeSet& cores, GridSampleProgramInfo& info, uint8_t index,
            const char* holds, uint32_t page_size, uint32_t num_pages, DataType format,
            const Buffer* backing = nullptr) {
    create_circular_buffer(program, cores, index, page_size, num_pages, format, backing);
    info.cbs.push_back({index, holds, page_size, num_pages, backing != nullptr});
}

// Compile-time args of every reader (ReaderArg order).
std::vector<uint32_t> reader_compile_args(const GridSampleGeometry& g, const GridSampleDeviceOptions& o,
                                          uint32_t input_cb, uint32_t scalar_cb, uint32_t grid_stick_stride,
                                          uint32_t point_stride, uint32_t point_offset) {
    std::vector<uint32_t> a(kNumReaderArgs + 1, 0);
    a[kInputCb] = input_cb;
    a[kScalarCb] = scalar_cb;
    a[kInputStickBytes] = g.stick_bytes;
    a[kInputSlotBytes] = g.slot_bytes;
    a[kInputHeight] = g.height;
    a[kInputWidth] = g.width;
    a[kGridBatching] = g.batching;
    a[kPrecomputedGrid] = o.precomputed_grid;
    a[kAlignCorners] = o.align_corners;
    a[kDataFormat] = o.dtype == DataType::Float32 ? kFloat32 : kBFloat16;
    a[kGridSticksPerImage] = g.grid_sticks_per_image;
    a[kGridStickBytes] = grid_stick_stride;
    a[kPointStride] = point_stride;
    a[kPointOffset] = point_offset;
    a[kGridCb] = kGridCbIndex;
    return a;
}

}  // namespace

Program interleaved_program(Device& device, const GridSampleGeometry& g, const GridSampleDeviceOptions& o,
                            const GridSampleBuffers& b, GridSampleProgramInfo& info) {
    const bool nearest = o.mode == GridSampleMode::Nearest;
    info.factory = nearest ? "nearest_interleaved" : "interleaved";
    // Work split: one unit per grid stick.
    const CoreCoord grid_size = g.core_grid;
    const WorkSplit split = split_work_to_cores(grid_size, g.grid_sticks);
    record_split(info, split);
    const CoreRangeSet& cores = split.all_cores;

    Program program;
    // Circular buffers (indices in order from c_0; buffering factor 2).
    add_cb(program, cores, info, kGridCbIndex, "grid stick", g.grid_stick_stride, 1, g.grid_format);
    if (nearest) {
        add_cb(program, cores, info, kInputCbIndex, "output stick", g.slot_bytes, o.buffering_factor,
               o.dtype);
    } else {
        const uint32_t n = o.buffering_factor;
        add_cb(program, cores, info, kInputCbIndex, "4 corner sticks",
               g.channel_tiles * 1024 * g.element_bytes, n, o.dtype);
        add_cb(program, cores, info, kScalarCbIndex, "4 bilinear weights", 1024 * g.element_bytes, n,
               o.dtype);
        add_cb(program, cores, info, kOutputCbIndex, "output stick (face-width pages)", 16 * g.element_bytes,
               n * g.face_cols, o.dtype);
    }

    // Kernels.
    const KernelHandle reader =
        CreateKernel(program,
                     nearest ? "kernels/grid_sample/reader_grid_sample_nearest.cpp"
                             : "kernels/grid_sample/reader_grid_sample_interleaved.cpp",
                     cores,
                     ReaderDataMovementConfig(reader_compile_args(g, o, kInputCbIndex, kScalarCbIndex,
                                                                  g.grid_stick_stride, 1, 0)));
    const uint8_t out_cb = nearest ? kInputCbIndex : kOutputCbIndex;
    const KernelHandle writer =
        CreateKernel(program, "kernels/grid_sample/writer_grid_sample.cpp", cores,
                     WriterDataMovementConfig({out_cb, g.stick_bytes, nearest ? 1u : g.face_cols}));
    std::optional<KernelHandle> compute;
    if (!nearest) {
        compute =
            CreateKernel(program, "kernels/grid_sample/compute_grid_sample.cpp", cores,
                         compute_config(o, {kInputCbIndex, kScalarCbIndex, kInputCbIndex, kScalarCbIndex,
                                            kOutputCbIndex, g.channel_tiles, g.face_cols, g.slot_bytes}));
    }
    for (const auto& k : program.kernels()) info.kernels.push_back(k.path);

    // Runtime args: consecutive grid sticks per core, cores in split_work_to_cores order.
    for (const CoreWork& w : assign_work(split, grid_size)) {
        SetRuntimeArgs(program, reader, w.core, {b.input->address(), b.grid->address(), w.count, w.start});
        SetRuntimeArgs(program, writer, w.core,
                       {b.output->address(), w.count * g.batching, w.start * g.batching});
        if (compute) SetRuntimeArgs(program, *compute, w.core, {w.count * g.batching});
    }
    ValidateProgram(device, program);
    return program;
}

Program sharded_program(Device& device, const GridSampleGeometry& g, const GridSampleDeviceOptions& o,
                        const GridSampleBuffers& b, GridSampleProgramInfo& info) {
    const bool nearest = o.mode == GridSampleMode::Nearest;
    info.factory = nearest ? "nearest_sharded" : (o.split_reader ? "sharded_split_reader" : "sharded");
    // Work: the shard spec decides it; each core processes its own shard's grid sticks.
    const auto& shard_cores = b.grid->shard_cores();
    const uint32_t shard_h = b.grid->pages_per_shard();
    info.shard_height = shard_h;
    const auto used = static_cast<uint32_t>((g.grid_sticks + shard_h - 1) / shard_h);
    std::vector<CoreRange> ranges;
    for (uint32_t i = 0; i < used; ++i) ranges.emplace_back(shard_cores[i]);
    const CoreRangeSet cores = CoreRangeSet(std::vector<CoreRange>{}).merge(CoreRangeSet(ranges));
    info.num_cores = used;
    info.units_per_core_group_1 = shard_h;
    info.cores_group_1 = used;

    Program program;
    // Circular buffers: grid and output are backed by their shards (globally allocated).
    add_cb(program, cores, info, kGridCbIndex, "grid shard", b.grid->aligned_page_size(), shard_h,
           g.grid_format, b.grid.get());
    if (nearest) {
        add_cb(program, cores, info, kShardedOutputCbIndex, "output shard", b.output->aligned_page_size(),
               shard_h * g.batching, o.dtype, b.output.get());
    } else {
        const uint32_t input_page = g.channel_tiles * 1024 * g.element_bytes;
        const uint32_t n = o.buffering_factor;
        add_cb(program, cores, info, kInputCbIndex, "4 corner sticks", input_page, n, o.dtype);
        add_cb(program, cores, info, kScalarCbIndex, "4 bilinear weights", 1024 * g.element_bytes, n,
               o.dtype);
        if (o.split_reader) {
            add_cb(program, cores, info, kInputCb2Index, "4 corner sticks (reader 2)", input_page, n,
                   o.dtype);
            add_cb(program, cores, info, kScalarCb2Index, "4 bilinear weights (reader 2)",
                   1024 * g.element_bytes, n, o.dtype);
        }
        add_cb(program, cores, info, kShardedOutputCbIndex, "output shard (face-width pages)",
               16 * g.element_bytes, shard_h * g.batching * g.face_cols, o.dtype, b.output.get());
    }

    // Kernels: one reader, or two taking alternate points; compute; no writer (output is the shard).
    const uint32_t grid_stride = b.grid->aligned_page_size();
    std::vector<KernelHandle> readers;
    if (nearest) {
        auto args = reader_compile_args(g, o, kShardedOutputCbIndex, kScalarCbIndex, grid_stride, 1, 0);
        args[kNumReaderArgs] = 1;  // grid is sharded
        readers.push_back(CreateKernel(program, "kernels/grid_sample/reader_grid_sample_nearest.cpp", cores,
                                       ReaderDataMovementConfig(args)));
    } else {
        const uint32_t stride = o.split_reader ? 2 : 1;
        readers.push_back(CreateKernel(program, "kernels/grid_sample/reader_grid_sample_sharded.cpp", cores,
                                       ReaderDataMovementConfig(reader_compile_args(
                                           g, o, kInputCbIndex, kScalarCbIndex, grid_stride, stride, 0))));
        if (o.split_reader) {
            DataMovementConfig second{
                DataMovementProcessor::RISCV_0,
                NOC::RISCV_0_default,
                reader_compile_args(g, o, kInputCb2Index, kScalarCb2Index, grid_stride, stride, 1),
                {},
                {}};
            readers.push_back(
                CreateKernel(program, "kernels/grid_sample/reader_grid_sample_sharded.cpp", cores, second));
        }
    }
    std::optional<KernelHandle> compute;
    if (!nearest) {
        const uint32_t in2 = o.split_reader ? kInputCb2Index : kInputCbIndex;
        const uint32_t sc2 = o.split_reader ? kScalarCb2Index : kScalarCbIndex;
        compute =
            CreateKernel(program, "kernels/grid_sample/compute_grid_sample.cpp", cores,
                         compute_config(o, {kInputCbIndex, kScalarCbIndex, in2, sc2, kShardedOutputCbIndex,
                                            g.channel_tiles, g.face_cols, g.slot_bytes}));
    }
    for (const auto& k : program.kernels()) info.kernels.push_back(k.path);

    // Runtime args: core i owns grid sticks [i * shard_h, min((i + 1) * shard_h, total)).
    for (uint32_t i = 0; i < used; ++i) {
        const uint32_t start = i * shard_h;
        const uint32_t count = std::min(shard_h, g.grid_sticks - start);
        for (KernelHandle r : readers)
            SetRuntimeArgs(program, r, shard_cores[i], {b.input->address(), b.grid->address(), count, start});
        if (compute) SetRuntimeArgs(program, *compute, shard_cores[i], {count * g.batching});
    }
    ValidateProgram(device, program);
    return program;
}

}  // namespace tilesim::ops::grid_sample_detail
