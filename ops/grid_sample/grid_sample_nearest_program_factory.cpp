// grid_sample nearest program factories (tt-metal: grid_sample_nearest_program_factory.cpp): one input
// stick per point, no weights and no compute kernel. The reader copies the nearest stick (or zeros) into
// the output CB, drained by the writer (interleaved) or backed by the output shard (height-sharded).
// The reader takes the bilinear readers' compile-time layout (grid_sample_args::ReaderCt).
#include "ops/grid_sample/detail/grid_sample_program_factory.hpp"
#include "tilesim/program.hpp"
#include "tilesim/tensor_accessor_args.hpp"
#include "tilesim/validate_program.hpp"
#include "tilesim/work_split.hpp"

namespace tilesim::ops::grid_sample_detail {

namespace {
using namespace grid_sample_args;
constexpr const char* kReader = "kernels/grid_sample/reader_grid_sample_nearest.cpp";
}  // namespace

Program nearest_interleaved_program(Device& device, const GridSampleGeometry& g, const GridSampleArgs& o,
                                    const GridSampleBuffers& b, ProgramSummary& info) {
    const std::string factory = "nearest_interleaved";
    // Work split: one unit per grid stick.
    const CoreCoord grid_size = g.core_grid;
    const WorkSplit split = split_work_to_cores(grid_size, g.grid_sticks);
    const CoreRangeSet& cores = split.all_cores;

    Program program;
    const uint8_t grid_cb = 0, output_cb = 1;
    create_circular_buffer(program, cores, grid_cb, "grid stick", g.grid_stick_stride, 1, g.grid_format);
    create_circular_buffer(program, cores, output_cb, "output stick", g.slot_bytes, o.buffering_factor,
                           o.dtype);

    std::vector<uint32_t> reader_args =
        common_reader_args(g, o, output_cb, grid_cb, kDummyCb, g.grid_stick_stride);
    TensorAccessorArgs(*b.input).append_to(reader_args);
    TensorAccessorArgs(*b.grid).append_to(reader_args);
    const KernelHandle reader =
        CreateKernel(program, kReader, cores, ReaderDataMovementConfig(reader_args, reader_defines(o)));
    std::vector<uint32_t> writer_args = {output_cb, g.slot_bytes, 1};
    TensorAccessorArgs(*b.output).append_to(writer_args);
    const KernelHandle writer = CreateKernel(program, "kernels/grid_sample/writer_grid_sample.cpp", cores,
                                             WriterDataMovementConfig(writer_args));

    for (const CoreWork& w : assign_work(split, grid_size)) {
        SetRuntimeArgs(program, reader, w.core, {b.input->address(), b.grid->address(), w.count, w.start});
        SetRuntimeArgs(program, writer, w.core,
                       {b.output->address(), w.count * g.batching, w.start * g.batching});
    }
    ValidateProgram(device, program);
    info = summarize_program(factory, device, program, split);
    return program;
}

Program nearest_sharded_program(Device& device, const GridSampleGeometry& g, const GridSampleArgs& o,
                                const GridSampleBuffers& b, ProgramSummary& info) {
    const std::string factory = "nearest_sharded";
    // Work: the shard spec decides it; each core processes its own shard's grid sticks.
    const auto& shard_cores = b.grid->shard_cores();
    const uint32_t shard_h = b.grid->pages_per_shard();
    const WorkSplit split = shard_split(shard_cores, g.grid_sticks, shard_h);
    const uint32_t used = split.num_cores;
    const CoreRangeSet& cores = split.all_cores;

    Program program;
    // Grid and output CBs are backed by their shards (globally allocated).
    const uint8_t grid_cb = 0, output_cb = 1;
    create_circular_buffer(program, cores, grid_cb, "grid shard", b.grid->aligned_page_size(), shard_h,
                           g.grid_format, b.grid.get());
    create_circular_buffer(program, cores, output_cb, "output shard", b.output->aligned_page_size(),
                           shard_h * g.batching, o.dtype, b.output.get());

    std::vector<uint32_t> reader_args =
        common_reader_args(g, o, output_cb, grid_cb, kDummyCb, b.grid->aligned_page_size());
    // The output shard's pages are the L1-aligned stick: each point fills one.
    reader_args[kInputStickBytes] = b.output->aligned_page_size();
    reader_args.insert(reader_args.end(), {0u, 0u, shard_h});  // kSplitReader, kReaderId, kGridSticksPerCore
    TensorAccessorArgs(*b.input).append_to(reader_args);
    auto defines = reader_defines(o);
    defines.emplace("GRID_SHARDED", "1");
    const KernelHandle reader =
        CreateKernel(program, kReader, cores, ReaderDataMovementConfig(reader_args, defines));

    for (uint32_t i = 0; i < used; ++i) {
        const uint32_t start = i * shard_h;
        const uint32_t count = std::min(shard_h, g.grid_sticks - start);
        SetRuntimeArgs(program, reader, shard_cores[i], {b.input->address(), start, count});
    }
    ValidateProgram(device, program);
    info = summarize_program(factory, device, program, split);
    return program;
}

}  // namespace tilesim::ops::grid_sample_detail
