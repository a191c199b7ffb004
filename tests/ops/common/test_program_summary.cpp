// ProgramSummary: what a factory decided, read back from the Program and its work split.
#include <gtest/gtest.h>

#include "common/expect_throw_msg.hpp"
#include "ops/common/front_end.hpp"
#include "ops/common/program_helpers.hpp"
#include "ops/common/program_summary.hpp"
#include "tilesim/error.hpp"

namespace tilesim::ops {
namespace {

TEST(ProgramSummary, ReadsTheSplitTheLabelledCbsAndTheKernelsFromTheProgram) {
    Device& device = run_device({});
    const WorkSplit split = split_work_to_cores({3, 2}, 17);  // 6 cores: 5 x 3 + 1 x 2
    Program program;
    create_circular_buffer(program, split.all_cores, 0, "grid stick", 64, 1, DataType::Float32);
    create_circular_buffer(program, split.all_cores, 1, "4 corner sticks", 2048, 3, DataType::BFloat16);
    // A CB on one core only: that core gives its CBs the most L1.
    create_circular_buffer(program, CoreRangeSet({CoreRange({0, 0})}), 5, "extra", 512, 2, DataType::Float32);
    CreateKernel(program, "kernels/examples/reader_unary_pages.cpp", split.all_cores,
                 ReaderDataMovementConfig({7, 9}));
    const ProgramSummary s = summarize_program("test_factory", device, program, split);
    EXPECT_EQ(s.factory, "test_factory");
    EXPECT_EQ(s.units, 17u);
    EXPECT_EQ(s.num_cores, 6u);
    EXPECT_EQ(s.cores_group_1 * s.units_per_core_group_1 + s.cores_group_2 * s.units_per_core_group_2, 17u);
    EXPECT_EQ(s.cores_group_1 + s.cores_group_2, 6u);
    ASSERT_EQ(s.cbs.size(), 3u);
    EXPECT_EQ(s.cbs[1].index, 1u);
    EXPECT_EQ(s.cbs[1].holds, "4 corner sticks");
    EXPECT_EQ(s.cbs[1].page_size, 2048u);
    EXPECT_EQ(s.cbs[1].num_pages, 3u);
    EXPECT_EQ(s.cbs[1].format, DataType::BFloat16);
    EXPECT_EQ(s.cb_bytes_per_core, 64u + 3 * 2048 + 2 * 512);
    EXPECT_EQ(s.l1_bytes_per_core, device.spec().l1_size_bytes);
    ASSERT_EQ(s.kernels.size(), 1u);
    EXPECT_EQ(s.kernels[0].path, "kernels/examples/reader_unary_pages.cpp");
    EXPECT_EQ(s.kernels[0].kind, KernelKind::Reader);
    EXPECT_EQ(s.kernels[0].num_cores, 6u);
    EXPECT_EQ(s.kernels[0].compile_args, (std::vector<uint32_t>{7, 9}));
    const std::string text = describe(s, "sticks");
    EXPECT_NE(text.find("program: test_factory factory, 17 sticks on 6 cores"), std::string::npos) << text;
    EXPECT_NE(text.find("CB c_1  4 corner sticks"), std::string::npos) << text;
    EXPECT_NE(text.find("reader  kernels/examples/reader_unary_pages.cpp on 6 cores, 2 compile-time args"),
              std::string::npos)
        << text;
    EXPECT_NE(
        text.find(fmt::format("CBs per core: {} B of {} B of L1", s.cb_bytes_per_core, s.l1_bytes_per_core)),
        std::string::npos)
        << text;
}

TEST(ProgramSummary, ACbBackedByAShardTakesNoCbSpace) {
    Device& device = run_device({});
    const CoreRangeSet cores({CoreRange({0, 0}, {1, 0})});
    ShardSpec shard{cores, {4, 8}, ShardOrientation::ROW_MAJOR};
    const auto buffer =
        device.create_buffer({2 * 4 * 32, 32, BufferType::L1, TensorMemoryLayout::HEIGHT_SHARDED, shard});
    WorkSplit split;
    split.num_cores = 2;
    split.all_cores = split.core_group_1 = cores;
    split.units_per_core_group_1 = 4;
    Program program;
    create_circular_buffer(program, cores, 0, "grid shard", 32, 4, DataType::Float32, buffer.get());
    create_circular_buffer(program, cores, 1, "output stick", 128, 2, DataType::Float32);
    const ProgramSummary s = summarize_program("sharded", device, program, split);
    ASSERT_EQ(s.cbs.size(), 2u);
    EXPECT_TRUE(s.cbs[0].globally_allocated);
    EXPECT_FALSE(s.cbs[1].globally_allocated);
    EXPECT_EQ(s.cb_bytes_per_core, 256u);
    EXPECT_EQ(s.units, 8u);
}

TEST(ProgramSummary, AFactNamesWhatTheSummaryHas) {
    ProgramSummary s;
    s.factory = "patch_correlation";
    s.facts["row_blocks"] = 14;
    s.facts["channel_tiles"] = 2;
    EXPECT_EQ(s.fact("row_blocks"), 14u);
    EXPECT_THROW_MSG((void)s.fact("grid_sticks"), InvalidArgument,
                     "program summary of factory 'patch_correlation' has no fact 'grid_sticks' (it has: "
                     "channel_tiles, row_blocks)");
}

}  // namespace
}  // namespace tilesim::ops
