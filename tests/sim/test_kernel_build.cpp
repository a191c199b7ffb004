// Kernels are tt-metal source files: the kernel build compiles them per compile-time args and defines,
// caches them, and reports what goes wrong in one line. The kernels under tests/kernels/tt_metal_style are
// written the way tt-metal's programming examples are, and are reached through TILESIM_KERNEL_PATH.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>

#include "common/compare.hpp"
#include "tilesim/data_format.hpp"
#include "tilesim/device_spec.hpp"
#include "tilesim/kernel_build.hpp"
#include "tilesim/program.hpp"
#include "tilesim/runtime.hpp"
#include "tilesim/tensor_accessor_args.hpp"

using namespace tilesim;
namespace fs = std::filesystem;

namespace {

class KernelBuild : public ::testing::Test {
  protected:
    void SetUp() override {
        const char* old = std::getenv("TILESIM_KERNEL_PATH");
        saved_ = old ? old : "";
        had_ = old != nullptr;
        setenv("TILESIM_KERNEL_PATH", TILESIM_SOURCE_DIR "/tests/kernels", 1);
    }
    void TearDown() override {
        if (had_)
            setenv("TILESIM_KERNEL_PATH", saved_.c_str(), 1);
        else
            unsetenv("TILESIM_KERNEL_PATH");
    }
    std::string saved_;
    bool had_ = false;
};

std::shared_ptr<Buffer> dram(Device& d, uint64_t bytes, uint32_t page) {
    return d.create_buffer({bytes, page, BufferType::DRAM, TensorMemoryLayout::INTERLEAVED, {}});
}

template <class F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST_F(KernelBuild, LoopbackKernelCopiesThroughL1WithTensorAccessorChain) {
    Device device(load_device("wormhole_b0"));
    const uint32_t page = 96, pages = 37;
    std::vector<std::byte> data(page * pages);
    std::mt19937 rng(7);
    for (auto& b : data) b = std::byte(rng() & 0xff);
    auto src = dram(device, data.size(), page), dst = dram(device, data.size(), page);
    auto scratch = device.create_buffer({page, page, BufferType::L1, TensorMemoryLayout::INTERLEAVED, {}});
    src->write(data);
    Program program;
    std::vector<uint32_t> ct = {page};
    TensorAccessorArgs(*src).append_to(ct);
    TensorAccessorArgs(*dst).append_to(ct);
    const CoreCoord core{0, 0};
    auto k = CreateKernel(program, "tt_metal_style/dataflow/loopback_dram_copy.cpp", core,
                          ReaderDataMovementConfig(ct));
    SetRuntimeArgs(program, k, core, {scratch->address(), src->address(), dst->address(), pages});
    EnqueueProgram(device, program);
    std::vector<std::byte> out(data.size());
    dst->read(out);
    EXPECT_EQ(out, data);
}

TEST_F(KernelBuild, EltwiseBinaryProgramInTtMetalFormMatchesHostSum) {
    Device device(load_device("wormhole_b0"));
    const uint32_t tiles = 13, tile_bytes = 1024 * 2;
    std::mt19937 rng(11);
    std::uniform_real_distribution<float> d(-3.f, 3.f);
    std::vector<float> a(tiles * 1024), b(tiles * 1024);
    for (auto& x : a) x = d(rng);
    for (auto& x : b) x = d(rng);
    // Tiles are face-ordered on device; element-wise addition does not care about the order inside a tile.
    auto bf16_bytes = [](const std::vector<float>& v) {
        std::vector<std::byte> out(v.size() * 2);
        for (size_t i = 0; i < v.size(); ++i) {
            const bfloat16_bits x = float_to_bf16(v[i]);
            std::memcpy(out.data() + 2 * i, &x, 2);
        }
        return out;
    };
    auto in0 = dram(device, a.size() * 2, tile_bytes), in1 = dram(device, b.size() * 2, tile_bytes),
         out = dram(device, a.size() * 2, tile_bytes);
    in0->write(bf16_bytes(a));
    in1->write(bf16_bytes(b));
    Program program;
    const CoreRange cores({0, 0}, {0, 0});
    for (uint8_t cb : {uint8_t{0}, uint8_t{1}, uint8_t{16}})
        CreateCircularBuffer(
            program, cores,
            CircularBufferConfig(2 * tile_bytes, {{cb, DataType::BFloat16}}).set_page_size(cb, tile_bytes));
    auto reader =
        CreateKernel(program, "tt_metal_style/dataflow/reader_binary.cpp", cores, ReaderDataMovementConfig{});
    auto writer =
        CreateKernel(program, "tt_metal_style/dataflow/writer_tiles.cpp", cores, WriterDataMovementConfig{});
    auto compute = CreateKernel(program, "tt_metal_style/compute/eltwise_add.cpp", cores, ComputeConfig{});
    SetRuntimeArgs(program, reader, cores, {in0->address(), in1->address(), tiles});
    SetRuntimeArgs(program, writer, cores, {out->address(), tiles});
    SetRuntimeArgs(program, compute, cores, {tiles});
    EnqueueProgram(device, program);
    std::vector<std::byte> bytes(a.size() * 2);
    out->read(bytes);
    std::vector<float> got(a.size()), expected(a.size());
    for (size_t i = 0; i < a.size(); ++i) {
        bfloat16_bits x;
        std::memcpy(&x, bytes.data() + 2 * i, 2);
        got[i] = bf16_to_float(x);
        expected[i] = round_to_bf16(round_to_bf16(a[i]) + round_to_bf16(b[i]));
    }
    EXPECT_CLOSE(got, expected, 0.0, 1.0);
}

namespace {
std::vector<uint32_t> run_constexpr_kernel(Device& device, uint32_t scale, const char* offset,
                                           const std::vector<uint32_t>& input, uint32_t per_page) {
    const uint32_t page = per_page * 4;
    auto src = dram(device, input.size() * 4, page), dst = dram(device, input.size() * 4, page);
    src->write(std::as_bytes(std::span(input)));
    Program program;
    const CoreCoord core{2, 3};
    CreateCircularBuffer(program, core,
                         CircularBufferConfig(page, {{uint8_t{0}, DataType::UInt32}}).set_page_size(0, page));
    std::vector<uint32_t> ct = {scale, per_page};
    TensorAccessorArgs(*src).append_to(ct);
    TensorAccessorArgs(*dst).append_to(ct);
    std::map<std::string, std::string> defines;
    if (offset) defines["ADD_OFFSET"] = offset;
    auto k = CreateKernel(program, "tt_metal_style/dataflow/constexpr_features.cpp", core,
                          ReaderDataMovementConfig(ct, defines));
    SetRuntimeArgs(program, k, core,
                   {src->address(), dst->address(), static_cast<uint32_t>(input.size() / per_page)});
    EnqueueProgram(device, program);
    std::vector<uint32_t> out(input.size());
    dst->read(std::as_writable_bytes(std::span(out)));
    return out;
}
}  // namespace

TEST_F(KernelBuild, CompileTimeArgsAsTemplateArgsIfConstexprDefinesAndRawL1Pointers) {
    Device device(load_device("wormhole_b0"));
    std::vector<uint32_t> input(7 * 24);
    std::iota(input.begin(), input.end(), 5u);
    const auto scaled = run_constexpr_kernel(device, 3, nullptr, input, 24);
    const auto offset = run_constexpr_kernel(device, 1, "1000", input, 24);
    for (size_t i = 0; i < input.size(); ++i) {
        ASSERT_EQ(scaled[i], input[i] * 3) << i;
        ASSERT_EQ(offset[i], input[i] + 1000) << i;
    }
}

TEST_F(KernelBuild, SyntaxErrorIsOneLineNamingTheKernelAndTheCompilerError) {
    Device device(load_device("wormhole_b0"));
    Program program;
    auto k = CreateKernel(program, "tt_metal_style/dataflow/syntax_error.cpp", CoreCoord{0, 0},
                          ReaderDataMovementConfig({4, 5}));
    SetRuntimeArgs(program, k, CoreCoord{0, 0}, {1});
    try {
        EnqueueProgram(device, program);
        FAIL() << "expected KernelBuildError";
    } catch (const KernelBuildError& e) {
        const std::string msg = e.what();
        EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
        EXPECT_NE(
            msg.find("kernel build failed: tt_metal_style/dataflow/syntax_error.cpp (reader; compile-time "
                     "args [4,5])"),
            std::string::npos)
            << msg;
        // (GCC points at line 4, clang at the end of line 3)
        EXPECT_NE(msg.find("syntax_error.cpp:"), std::string::npos) << msg;
        EXPECT_NE(msg.find("error: expected"), std::string::npos) << msg;
        EXPECT_FALSE(e.log().empty());
    }
}

TEST_F(KernelBuild, MissingCompileTimeArgNamesItsIndexAndTheCount) {
    Device device(load_device("wormhole_b0"));
    Program program;
    CreateKernel(program, "tt_metal_style/dataflow/reads_missing_arg.cpp", CoreCoord{0, 0},
                 ReaderDataMovementConfig({10, 20}));
    const std::string msg = error_of([&] { EnqueueProgram(device, program); });
    EXPECT_NE(msg.find("compile-time arg 3 is missing: the kernel reads get_compile_time_arg_val(3) but was "
                       "given 2 compile-time args"),
              std::string::npos)
        << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
}

TEST_F(KernelBuild, UnknownPathListsEveryPlaceItLooked) {
    Program program;
    const std::string msg = error_of([&] {
        CreateKernel(program, "tt_metal_style/dataflow/no_such_kernel.cpp", CoreCoord{0, 0},
                     ReaderDataMovementConfig{});
    });
    EXPECT_NE(msg.find("kernel file 'tt_metal_style/dataflow/no_such_kernel.cpp' not found; looked in"),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find(TILESIM_SOURCE_DIR "/tests/kernels/tt_metal_style/dataflow/no_such_kernel.cpp"),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("TILESIM_KERNEL_PATH"), std::string::npos) << msg;
}

TEST_F(KernelBuild, EditedHeaderRebuildsAndCacheIsReusedOtherwise) {
    const fs::path root = fs::temp_directory_path() / fmt::format("tilesim-kb-{}", ::getpid());
    fs::remove_all(root);
    fs::create_directories(root / "k");
    const fs::path cache = root / "cache";
    setenv("TILESIM_KERNEL_CACHE", cache.c_str(), 1);
    setenv("TILESIM_KERNEL_PATH", root.c_str(), 1);
    auto write = [](const fs::path& p, const std::string& text) { std::ofstream(p) << text; };
    write(root / "k" / "value.h", "constexpr uint32_t kValue = 41;\n");
    write(root / "k" / "store_value.cpp",
          "#include <cstdint>\n#include \"k/value.h\"\nvoid kernel_main() {\n"
          "  auto* p = reinterpret_cast<volatile tt_l1_ptr uint32_t*>(get_arg_val<uint32_t>(0));\n"
          "  *p = kValue;\n  noc_async_write(get_arg_val<uint32_t>(0), "
          "get_noc_addr(get_arg_val<uint32_t>(0)), 4);\n}\n");
    Device device(load_device("wormhole_b0"));
    auto l1 = device.create_buffer({64, 64, BufferType::L1, TensorMemoryLayout::INTERLEAVED, {}});
    auto value_after_run = [&] {
        Program program;
        auto k = CreateKernel(program, "k/store_value.cpp", CoreCoord{0, 0}, ReaderDataMovementConfig{});
        SetRuntimeArgs(program, k, CoreCoord{0, 0}, {l1->address()});
        std::vector<KernelBuildInfo> info;
        auto req = make_build_request(program.kernels()[0], device.spec());
        build_kernels({req}, &info);
        EnqueueProgram(device, program);
        uint32_t v = 0;
        std::memcpy(&v, device.l1({0, 0}) + l1->address(), 4);
        return std::pair{v, info[0].cached};
    };
    const auto first = value_after_run();
    EXPECT_EQ(first.first, 41u);
    EXPECT_FALSE(first.second);
    EXPECT_TRUE(value_after_run().second);  // same combination: from the cache
    write(root / "k" / "value.h", "constexpr uint32_t kValue = 4242;\n");
    const auto edited = value_after_run();
    EXPECT_EQ(edited.first, 4242u);
    EXPECT_FALSE(edited.second);
    EXPECT_EQ(list_cached_kernels().size(), 1u);
    EXPECT_EQ(clean_kernel_cache(), 1u);
    unsetenv("TILESIM_KERNEL_CACHE");
    fs::remove_all(root);
}
