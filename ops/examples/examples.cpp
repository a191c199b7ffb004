#include "ops/examples/examples.hpp"

#include <cstring>

#include "tilesim/data_format.hpp"
#include "tilesim/error.hpp"
#include "tilesim/program.hpp"
#include "tilesim/tensor_accessor_args.hpp"
#include "tilesim/validate_program.hpp"
#include "tilesim/work_split.hpp"

namespace tilesim::ops::examples {

namespace {
std::shared_ptr<Buffer> dram_buffer(Device& device, uint64_t bytes, uint32_t page_size) {
    return device.create_buffer({bytes, page_size, BufferType::DRAM, TensorMemoryLayout::INTERLEAVED, {}});
}

}  // namespace

BytesResult loopback(Device& device, std::span<const std::byte> data, uint32_t page_size,
                     const RunOptions& options) {
    if (page_size == 0 || data.empty() || data.size() % page_size != 0) {
        fail("loopback: data size {} must be a positive multiple of page_size {}", data.size(), page_size);
    }
    auto src = dram_buffer(device, data.size(), page_size);
    auto dst = dram_buffer(device, data.size(), page_size);
    auto scratch =
        device.create_buffer({page_size, page_size, BufferType::L1, TensorMemoryLayout::INTERLEAVED, {}});
    src->write(data);
    const CoreCoord core{0, 0};
    Program program;
    const KernelHandle k =
        CreateKernel(program, "kernels/examples/dataflow_loopback.cpp", core, DataMovementConfig{});
    // Interleaved L1 page 0 lives on core (0, 0), so the scratch address is valid there.
    SetRuntimeArgs(program, k, core,
                   {scratch->address(), src->address(), dst->address(),
                    static_cast<uint32_t>(data.size() / page_size), page_size});
    BytesResult r;
    r.report = EnqueueProgram(device, program, options);
    r.output.resize(data.size());
    dst->read(r.output);
    return r;
}

FloatsResult eltwise_add_bf16(Device& device, std::span<const float> a, std::span<const float> b,
                              const RunOptions& options) {
    constexpr uint32_t kTileValues = 1024, tile_bytes = kTileValues * 2;
    if (a.size() != b.size() || a.empty() || a.size() % kTileValues != 0) {
        fail(
            "eltwise_add_bf16: inputs must have equal sizes that are positive multiples of 1024, got {} and "
            "{}",
            a.size(), b.size());
    }
    const auto num_tiles = static_cast<uint32_t>(a.size() / kTileValues);
    auto to_bf16_bytes = [](std::span<const float> v) {
        std::vector<std::byte> bytes(v.size() * 2);
        for (size_t i = 0; i < v.size(); ++i) {
            const bfloat16_bits x = float_to_bf16(v[i]);
            std::memcpy(bytes.data() + 2 * i, &x, 2);
        }
        return bytes;
    };
    auto buf_a = dram_buffer(device, a.size() * 2, tile_bytes);
    auto buf_b = dram_buffer(device, b.size() * 2, tile_bytes);
    auto buf_out = dram_buffer(device, a.size() * 2, tile_bytes);
    buf_a->write(to_bf16_bytes(a));
    buf_b->write(to_bf16_bytes(b));

    const CoreCoord grid = device.compute_with_storage_grid_size();
    const WorkSplit split = split_work_to_cores(grid, num_tiles);
    Program program;
    for (uint8_t cb : {uint8_t{0}, uint8_t{1}, uint8_t{16}}) {
        CreateCircularBuffer(
            program, split.all_cores,
            CircularBufferConfig(2 * tile_bytes, {{cb, DataType::BFloat16}}).set_page_size(cb, tile_bytes));
    }
    const KernelHandle reader = CreateKernel(program, "kernels/examples/reader_binary_tiles.cpp",
                                             split.all_cores, ReaderDataMovementConfig({tile_bytes}));
    const KernelHandle writer = CreateKernel(program, "kernels/examples/writer_unary_pages.cpp",
                                             split.all_cores, WriterDataMovementConfig({tile_bytes, 16}));
    // The compute kernel takes its tile count at compile time, so each core group gets its own kernel.
    for (const auto& [group, units] : {std::pair{split.core_group_1, split.units_per_core_group_1},
                                       std::pair{split.core_group_2, split.units_per_core_group_2}}) {
        if (!group.empty()) {
            ComputeConfig compute;
            compute.compile_args = {units};
            CreateKernel(program, "kernels/examples/compute_add_tiles.cpp", group, compute);
        }
    }
    for (const CoreWork& w : assign_work(split, grid)) {
        SetRuntimeArgs(program, reader, w.core, {buf_a->address(), buf_b->address(), w.count, w.start});
        SetRuntimeArgs(program, writer, w.core, {buf_out->address(), w.count, w.start});
    }
    ValidateProgram(device, program);
    FloatsResult r;
    r.report = EnqueueProgram(device, program, options);
    std::vector<std::byte> out(a.size() * 2);
    buf_out->read(out);
    r.output.resize(a.size());
    for (size_t i = 0; i < a.size(); ++i) {
        bfloat16_bits x;
        std::memcpy(&x, out.data() + 2 * i, 2);
        r.output[i] = bf16_to_float(x);
    }
    return r;
}

BytesResult multicore_copy(Device& device, std::span<const std::byte> sticks, uint32_t stick_bytes,
                           uint32_t cb_pages, const RunOptions& options) {
    if (stick_bytes == 0 || sticks.empty() || sticks.size() % stick_bytes != 0) {
        fail("multicore_copy: data size {} must be a positive multiple of stick_bytes {}", sticks.size(),
             stick_bytes);
    }
    if (cb_pages == 0) fail("multicore_copy: cb_pages must be >= 1, got 0");
    const auto num_sticks = static_cast<uint32_t>(sticks.size() / stick_bytes);
    auto src = dram_buffer(device, sticks.size(), stick_bytes);
    auto dst = dram_buffer(device, sticks.size(), stick_bytes);
    src->write(sticks);
    const CoreCoord grid = device.compute_with_storage_grid_size();
    const WorkSplit split = split_work_to_cores(grid, num_sticks);
    const uint32_t aligned = (stick_bytes + device.spec().dram_alignment - 1) / device.spec().dram_alignment *
                             device.spec().dram_alignment;
    Program program;
    CreateCircularBuffer(program, split.all_cores,
                         CircularBufferConfig(cb_pages * aligned, {{uint8_t{0}, DataType::Float32}})
                             .set_page_size(0, aligned));
    std::vector<uint32_t> reader_args = {stick_bytes};
    TensorAccessorArgs(*src).append_to(reader_args);
    const KernelHandle reader = CreateKernel(program, "kernels/examples/reader_unary_pages.cpp",
                                             split.all_cores, ReaderDataMovementConfig(reader_args));
    const KernelHandle writer = CreateKernel(program, "kernels/examples/writer_unary_pages.cpp",
                                             split.all_cores, WriterDataMovementConfig({stick_bytes, 0}));
    for (const CoreWork& w : assign_work(split, grid)) {
        SetRuntimeArgs(program, reader, w.core, {src->address(), w.count, w.start});
        SetRuntimeArgs(program, writer, w.core, {dst->address(), w.count, w.start});
    }
    ValidateProgram(device, program);
    BytesResult r;
    r.report = EnqueueProgram(device, program, options);
    r.output.resize(sticks.size());
    dst->read(r.output);
    return r;
}

}  // namespace tilesim::ops::examples
