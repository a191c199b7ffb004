// Patch-correlation reader (spatial correlation sampler, FlowNet correlation), channels-last inputs
// interleaved in DRAM. Per output pixel and per tap (i, j) of the kernel window: one row block holding the
// in1 stick in all 32 rows, then ceil(P / 32) row blocks of in2 sticks, row d = the stick displaced by
// displacement d = ph * patch_w + pw. A position outside the image is a zero row: it adds nothing to a
// product, and counts as the zero padding in |a - b| (FlowNet pads explicitly with zeros).
#include <bit>
#include <cstdint>

#include "kernels/correlation/correlation_kernel_common.hpp"

using namespace correlation_kernels;

namespace {
// The geometry, all compile-time args (PatchReaderArg).
constexpr int64_t height = get_compile_time_arg_val(kReaderHeight);
constexpr int64_t width = get_compile_time_arg_val(kReaderWidth);
constexpr int64_t out_h = get_compile_time_arg_val(kReaderOutHeight);
constexpr int64_t out_w = get_compile_time_arg_val(kReaderOutWidth);
constexpr uint32_t kernel_h = get_compile_time_arg_val(kReaderKernelH);
constexpr uint32_t kernel_w = get_compile_time_arg_val(kReaderKernelW);
constexpr int64_t stride_h = get_compile_time_arg_val(kReaderStrideH);
constexpr int64_t stride_w = get_compile_time_arg_val(kReaderStrideW);
constexpr int64_t origin_h = static_cast<int32_t>(get_compile_time_arg_val(kReaderOriginH));
constexpr int64_t origin_w = static_cast<int32_t>(get_compile_time_arg_val(kReaderOriginW));
constexpr int64_t dilation_h = get_compile_time_arg_val(kReaderDilationH);
constexpr int64_t dilation_w = get_compile_time_arg_val(kReaderDilationW);
constexpr uint32_t patch_h = get_compile_time_arg_val(kReaderPatchH);
constexpr uint32_t patch_w = get_compile_time_arg_val(kReaderPatchW);
constexpr int64_t dilation_patch_h = get_compile_time_arg_val(kReaderDilationPatchH);
constexpr int64_t dilation_patch_w = get_compile_time_arg_val(kReaderDilationPatchW);

bool inside(int64_t y, int64_t x) {
    return y >= 0 && y < height && x >= 0 && x < width;
}
}  // namespace

void kernel_main() {
    // Runtime args: 0 in1 address, 1 in2 address, 2 number of output pixels, 3 first output pixel.
    // Compile-time args: PatchReaderArg (correlation_kernel_args.hpp).
    const uint32_t in1_addr = get_arg_val<uint32_t>(0);
    const uint32_t in2_addr = get_arg_val<uint32_t>(1);
    const uint32_t num_units = get_arg_val<uint32_t>(2);
    const uint32_t start = get_arg_val<uint32_t>(3);

    constexpr uint32_t in1_cb = get_compile_time_arg_val(kReaderIn1Cb);
    constexpr uint32_t in2_cb = get_compile_time_arg_val(kReaderIn2Cb);
    constexpr uint32_t scalar_cb = get_compile_time_arg_val(kReaderScalarCb);
    constexpr uint32_t stick_bytes = get_compile_time_arg_val(kReaderStickBytes);
    constexpr uint32_t row_bytes = get_compile_time_arg_val(kReaderRowBytes);
    constexpr bool abs_diff = get_compile_time_arg_val(kReaderAbsDiff) != 0;
    constexpr float scaler = std::bit_cast<float>(get_compile_time_arg_val(kReaderScalerBits));
    constexpr uint32_t displacements = patch_h * patch_w;
    constexpr uint32_t blocks = (displacements + kTileRows - 1) / kTileRows;

    push_scalar_tile(scalar_cb, scaler);
    const InterleavedAddrGen<true> in1{.bank_base_address = in1_addr, .page_size = stick_bytes};
    const InterleavedAddrGen<true> in2{.bank_base_address = in2_addr, .page_size = stick_bytes};
    for (uint32_t u = start; u < start + num_units; ++u) {
        const int64_t b = u / (out_h * out_w), oy = u / out_w % out_h, ox = u % out_w;
        for (uint32_t i = 0; i < kernel_h; ++i) {
            for (uint32_t j = 0; j < kernel_w; ++j) {
                const int64_t y1 = oy * stride_h + origin_h + i * dilation_h;
                const int64_t x1 = ox * stride_w + origin_w + j * dilation_w;
                const bool in1_inside = inside(y1, x1);
                cb_reserve_back(in1_cb, 1);
                const uint32_t in1_block = get_write_ptr(in1_cb);
                if (in1_inside) {
                    read_stick_row(in1, static_cast<uint32_t>((b * height + y1) * width + x1), in1_block,
                                   stick_bytes, row_bytes);
                    noc_async_read_barrier();
                    replicate_first_row(in1_block, row_bytes);
                } else {
                    zero_l1(in1_block, kTileRows * row_bytes);
                }
                cb_push_back(in1_cb, 1);
                // A product with a zero in1 stick is zero: skip the reads (|a - b| still needs them).
                const bool read_in2 = in1_inside || abs_diff;
                for (uint32_t k = 0; k < blocks; ++k) {
                    cb_reserve_back(in2_cb, 1);
                    const uint32_t block = get_write_ptr(in2_cb);
                    for (uint32_t r = 0; r < kTileRows; ++r) {
                        const uint32_t d = k * kTileRows + r;
                        const int64_t ph = d / patch_w, pw = d % patch_w;
                        const int64_t y2 = y1 + (ph - (patch_h - 1) / 2) * dilation_patch_h;
                        const int64_t x2 = x1 + (pw - (patch_w - 1) / 2) * dilation_patch_w;
                        const uint32_t row = block + r * row_bytes;
                        if (read_in2 && d < displacements && inside(y2, x2)) {
                            read_stick_row(in2, static_cast<uint32_t>((b * height + y2) * width + x2), row,
                                           stick_bytes, row_bytes);
                        } else {
                            zero_l1(row, row_bytes);
                        }
                    }
                    noc_async_read_barrier();
                    cb_push_back(in2_cb, 1);
                }
            }
        }
    }
}
