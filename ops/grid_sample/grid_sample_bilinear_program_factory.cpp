// grid_sample bilinear program factories (tt-metal: grid_sample_program_factory.cpp at commit cd724d36,
// later split out as grid_sample_bilinear_program_factory.cpp): reader -> pool compute -> writer
// (interleaved), or reader(s) -> compute into the output shard (height-sharded). Each reads top to bottom:
// work split -> CBs -> kernels -> runtime args. CB indices are allocated in order from c_0, as tt-metal's.
#include <optional>

#include "ops/grid_sample/detail/grid_sample_program_factory.hpp"
#include "tilesim/program.hpp"
#include "tilesim/tensor_accessor_args.hpp"
#include "tilesim/validate_program.hpp"
#include "tilesim/work_split.hpp"

namespace tilesim::ops::grid_sample_detail {

namespace {
using namespace grid_sample_args;

constexpr uint32_t kCorners = 4;               // rows reduced per point: the 4 corner sticks
constexpr uint32_t kMaxTilesPerReduction = 8;  // tt-metal's; tilesim reduces all channel tiles at once
// Each kernel by tilesim's path and by its path in tt-metal's tree at the matched commit (cd724d36).
struct KernelPath {
    const char* tilesim;
    const char* tt_metal;
    const char* operator()(const GridSampleArgs& o) const {
        return o.tt_metal_kernel_paths ? tt_metal : tilesim;
    }
};
constexpr KernelPath kCompute{
    "kernels/grid_sample/compute_grid_sample.cpp",
    "ttnn/cpp/ttnn/operations/pool/generic/device/kernels/compute/compute_pool_2d.cpp"};
constexpr KernelPath kReaderInterleaved{"kernels/grid_sample/reader_grid_sample_interleaved.cpp",
                                        "ttnn/cpp/ttnn/operations/pool/grid_sample/device/kernels/dataflow/"
                                        "reader_grid_sample_interleaved_start_id.cpp"};
constexpr KernelPath kReaderSharded{
    "kernels/grid_sample/reader_grid_sample_sharded.cpp",
    "ttnn/cpp/ttnn/operations/pool/grid_sample/device/kernels/dataflow/reader_grid_sample_sharded.cpp"};
constexpr KernelPath kWriter{
    "kernels/grid_sample/writer_grid_sample.cpp",
    "ttnn/cpp/ttnn/operations/pool/grid_sample/device/kernels/dataflow/writer_grid_sample_interleaved.cpp"};

// The pool compute kernel's compile-time args (grid_sample_args::ComputeCt), as tt-metal's factory passes
// them, then tilesim's corner row stride.
ComputeConfig compute_kernel_config(const GridSampleGeometry& g, const GridSampleArgs& o, bool split,
                                    uint32_t total_interpolations, uint32_t in_cb_0, uint32_t in_cb_1,
                                    uint32_t scalar_cb_0, uint32_t scalar_cb_1, uint32_t out_cb) {
    std::vector<uint32_t> a(kNumComputeArgs, kDummyCb);
    a[kInNtilesC] = g.channel_tiles;
    a[kReductionSize] = kCorners;
    a[kComputeSplitReader] = split ? 1 : 0;
    a[kTotalInterpolations] = total_interpolations;
    a[kChannels] = g.channels;
    a[kInNblocksC] = (g.channel_tiles + kMaxTilesPerReduction - 1) / kMaxTilesPerReduction;
    a[kMaxRowsForReduction] = kCorners;
    a[kInCb0] = in_cb_0;
    a[kInCb1] = in_cb_1;
    a[kScalarCb0] = scalar_cb_0;
    a[kScalarCb1] = scalar_cb_1;
    a[kOutCb] = out_cb;
    a[kOneScalarPerCore] = 0;
    a[18] = 0;
    a[kPreTilizeCb] = kDummyCb;
    a[kIsOutputTiled] = 0;
    a[kIsOutputBlockFormat] = 0;
    a[kRowStrideBytes] = g.slot_bytes;
    ComputeConfig c = compute_config(o, std::move(a));
    // tt-metal: get_defines(Pool2DType::AVG_POOL2D).
    c.defines = {{"REDUCE_OP", "PoolType::SUM"}, {"REDUCE_DIM", "ReduceDim::REDUCE_COL"}};
    return c;
}
}  // namespace

Program bilinear_interleaved_program(Device& device, const GridSampleGeometry& g, const GridSampleArgs& o,
                                     const GridSampleBuffers& b, ProgramSummary& info) {
    const std::string factory = "interleaved";
    // Work split: one unit per grid stick.
    const CoreCoord grid_size = g.core_grid;
    const WorkSplit split = split_work_to_cores(grid_size, g.grid_sticks);
    const CoreRangeSet& cores = split.all_cores;

    Program program;
    // Circular buffers (indices in order from c_0; buffering factor 2 by default).
    const uint8_t grid_cb = 0, input_cb = 1, scalar_cb = 2, output_cb = 3;
    const uint32_t n = o.buffering_factor;
    create_circular_buffer(program, cores, grid_cb, "grid stick", g.grid_stick_stride, 1, g.grid_format);
    create_circular_buffer(program, cores, input_cb, "4 corner sticks",
                           g.channel_tiles * 1024 * g.element_bytes, n, o.dtype);
    create_circular_buffer(program, cores, scalar_cb, "4 bilinear weights", 1024 * g.element_bytes, n,
                           o.dtype);
    create_circular_buffer(program, cores, output_cb, "output stick (face-width pages)", 16 * g.element_bytes,
                           n * g.face_cols, o.dtype);

    // Kernels: reader, pool compute per core group (the point count is a compile-time arg), writer.
    std::vector<uint32_t> reader_args =
        common_reader_args(g, o, input_cb, grid_cb, scalar_cb, g.grid_stick_stride);
    TensorAccessorArgs(*b.input).append_to(reader_args);
    TensorAccessorArgs(*b.grid).append_to(reader_args);
    const KernelHandle reader = CreateKernel(program, kReaderInterleaved(o), cores,
                                             ReaderDataMovementConfig(reader_args, reader_defines(o)));
    for (const auto& [group, units] : {std::pair{&split.core_group_1, split.units_per_core_group_1},
                                       std::pair{&split.core_group_2, split.units_per_core_group_2}}) {
        if (group->num_cores() == 0) continue;
        CreateKernel(program, kCompute(o), *group,
                     compute_kernel_config(g, o, false, units * g.batching, input_cb, kDummyCb, scalar_cb,
                                           kDummyCb, output_cb));
    }
    std::vector<uint32_t> writer_args = {output_cb, g.slot_bytes, g.face_cols};
    TensorAccessorArgs(*b.output).append_to(writer_args);
    const KernelHandle writer =
        CreateKernel(program, kWriter(o), cores, WriterDataMovementConfig(writer_args));

    // Runtime args: consecutive grid sticks per core, cores in split_work_to_cores order; the writer counts
    // output sticks (K per grid stick).
    for (const CoreWork& w : assign_work(split, grid_size)) {
        SetRuntimeArgs(program, reader, w.core, {b.input->address(), b.grid->address(), w.count, w.start});
        SetRuntimeArgs(program, writer, w.core,
                       {b.output->address(), w.count * g.batching, w.start * g.batching});
    }
    ValidateProgram(device, program);
    info = summarize_program(factory, device, program, split);
    return program;
}

Program bilinear_sharded_program(Device& device, const GridSampleGeometry& g, const GridSampleArgs& o,
                                 const GridSampleBuffers& b, ProgramSummary& info) {
    const std::string factory = o.split_reader ? "sharded_split_reader" : "sharded";
    // Work: the shard spec decides it; each core processes its own shard's grid sticks.
    const auto& shard_cores = b.grid->shard_cores();
    const uint32_t shard_h = b.grid->pages_per_shard();
    const WorkSplit work = shard_split(shard_cores, g.grid_sticks, shard_h);
    const uint32_t used = work.num_cores;
    const CoreRangeSet& cores = work.all_cores;

    Program program;
    // Circular buffers in order from c_0: grid (the grid shard), input, [input 2], scalar, [scalar 2],
    // output (the output shard).
    const bool split = o.split_reader;
    uint8_t next = 0;
    const uint8_t grid_cb = next++;
    const uint8_t input_cb_0 = next++;
    const uint8_t input_cb_1 = split ? next++ : kDummyCb;
    const uint8_t scalar_cb_0 = next++;
    const uint8_t scalar_cb_1 = split ? next++ : kDummyCb;
    const uint8_t output_cb = next++;
    const uint32_t input_page = g.channel_tiles * 1024 * g.element_bytes;
    const uint32_t n = o.buffering_factor;
    create_circular_buffer(program, cores, grid_cb, "grid shard", b.grid->aligned_page_size(), shard_h,
                           g.grid_format, b.grid.get());
    create_circular_buffer(program, cores, input_cb_0, "4 corner sticks", input_page, n, o.dtype);
    if (split)
        create_circular_buffer(program, cores, input_cb_1, "4 corner sticks (reader 2)", input_page, n,
                               o.dtype);
    create_circular_buffer(program, cores, scalar_cb_0, "4 bilinear weights", 1024 * g.element_bytes, n,
                           o.dtype);
    if (split)
        create_circular_buffer(program, cores, scalar_cb_1, "4 bilinear weights (reader 2)",
                               1024 * g.element_bytes, n, o.dtype);
    create_circular_buffer(program, cores, output_cb, "output shard (face-width pages)", 16 * g.element_bytes,
                           shard_h * g.batching * g.face_cols, o.dtype, b.output.get());

    // Kernels: one reader, or two taking alternate points; compute; no writer (output is the shard).
    std::vector<uint32_t> reader_args =
        common_reader_args(g, o, input_cb_0, grid_cb, scalar_cb_0, b.grid->aligned_page_size());
    reader_args.push_back(split ? 1 : 0);  // kSplitReader
    reader_args.push_back(0);              // kReaderId
    reader_args.push_back(shard_h);        // kGridSticksPerCore
    TensorAccessorArgs(*b.input).append_to(reader_args);
    std::vector<KernelHandle> readers;
    const char* reader_path = kReaderSharded(o);
    readers.push_back(CreateKernel(
        program, reader_path, cores,
        DataMovementConfig{
            DataMovementProcessor::RISCV_0, NOC::RISCV_0_default, reader_args, reader_defines(o), {}}));
    if (split) {
        reader_args[kInputCb] = input_cb_1;
        reader_args[kScalarCb] = scalar_cb_1;
        reader_args[kReaderId] = 1;
        readers.push_back(CreateKernel(
            program, reader_path, cores,
            DataMovementConfig{
                DataMovementProcessor::RISCV_1, NOC::RISCV_1_default, reader_args, reader_defines(o), {}}));
    }
    // The point count is a runtime arg here (kTotalInterpolations = 0): the last shard may be partial.
    const KernelHandle compute = CreateKernel(
        program, kCompute(o), cores,
        compute_kernel_config(g, o, split, 0, input_cb_0, input_cb_1, scalar_cb_0, scalar_cb_1, output_cb));

    // Runtime args: core i owns grid sticks [i * shard_h, min((i + 1) * shard_h, total)).
    for (uint32_t i = 0; i < used; ++i) {
        const uint32_t start = i * shard_h;
        const uint32_t count = std::min(shard_h, g.grid_sticks - start);
        for (KernelHandle r : readers)
            SetRuntimeArgs(program, r, shard_cores[i], {b.input->address(), start, count});
        SetRuntimeArgs(program, compute, shard_cores[i], {count * g.batching});
    }
    ValidateProgram(device, program);
    info = summarize_program(factory, device, program, work);
    return program;
}

}  // namespace tilesim::ops::grid_sample_detail
