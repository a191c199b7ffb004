// Patch-correlation reader (spatial correlation sampler, FlowNet correlation), channels-last inputs
// interleaved in DRAM. Per output pixel and per tap (i, j) of the kernel window: one row block holding the
// in1 stick in all 32 rows, then ceil(P / 32) row blocks of in2 sticks, row d = the stick displaced by
// displacement d = ph * patch_w + pw. A position outside the image is a zero row: it adds nothing to a
// product, and counts as the zero padding in |a - b| (FlowNet pads explicitly with zeros).
#include "kernels/correlation/correlation_kernel_common.hpp"

using namespace correlation_kernels;

namespace {
struct PatchGeometry {
    int64_t height, width, out_h, out_w;
    uint32_t kernel_h, kernel_w, patch_h, patch_w;
    int64_t stride_h, stride_w, origin_h, origin_w, dilation_h, dilation_w, dilation_patch_h,
        dilation_patch_w;
};

PatchGeometry geometry_args() {
    PatchGeometry g;
    g.height = get_compile_time_arg_val(kReaderHeight);
    g.width = get_compile_time_arg_val(kReaderWidth);
    g.out_h = get_compile_time_arg_val(kReaderOutHeight);
    g.out_w = get_compile_time_arg_val(kReaderOutWidth);
    g.kernel_h = get_compile_time_arg_val(kReaderKernelH);
    g.kernel_w = get_compile_time_arg_val(kReaderKernelW);
    g.stride_h = get_compile_time_arg_val(kReaderStrideH);
    g.stride_w = get_compile_time_arg_val(kReaderStrideW);
    g.origin_h = static_cast<int32_t>(get_compile_time_arg_val(kReaderOriginH));
    g.origin_w = static_cast<int32_t>(get_compile_time_arg_val(kReaderOriginW));
    g.dilation_h = get_compile_time_arg_val(kReaderDilationH);
    g.dilation_w = get_compile_time_arg_val(kReaderDilationW);
    g.patch_h = get_compile_time_arg_val(kReaderPatchH);
    g.patch_w = get_compile_time_arg_val(kReaderPatchW);
    g.dilation_patch_h = get_compile_time_arg_val(kReaderDilationPatchH);
    g.dilation_patch_w = get_compile_time_arg_val(kReaderDilationPatchW);
    return g;
}

bool inside(const PatchGeometry& g, int64_t y, int64_t x) {
    return y >= 0 && y < g.height && x >= 0 && x < g.width;
}
}  // namespace

TILESIM_KERNEL_MAIN("kernels/correlation/reader_patch_correlation.cpp") {
    // Runtime args: 0 in1 address, 1 in2 address, 2 number of output pixels, 3 first output pixel.
    // Compile-time args: PatchReaderArg (patch_correlation_args.hpp).
    const uint32_t in1_addr = get_arg_val<uint32_t>(0);
    const uint32_t in2_addr = get_arg_val<uint32_t>(1);
    const uint32_t num_units = get_arg_val<uint32_t>(2);
    const uint32_t start = get_arg_val<uint32_t>(3);

    const uint32_t in1_cb = get_compile_time_arg_val(kReaderIn1Cb);
    const uint32_t in2_cb = get_compile_time_arg_val(kReaderIn2Cb);
    const uint32_t stick_bytes = get_compile_time_arg_val(kReaderStickBytes);
    const uint32_t row_bytes = get_compile_time_arg_val(kReaderRowBytes);
    const bool abs_diff = get_compile_time_arg_val(kReaderAbsDiff);
    const uint32_t format = get_compile_time_arg_val(kReaderFormat);
    const PatchGeometry g = geometry_args();
    const uint32_t displacements = g.patch_h * g.patch_w;
    const uint32_t blocks = (displacements + kTileRows - 1) / kTileRows;

    push_scalar_tile(get_compile_time_arg_val(kReaderScalarCb),
                     tilesim::bits_to_float(get_compile_time_arg_val(kReaderScalerBits)), format);
    const InterleavedAddrGen<true> in1{in1_addr, stick_bytes};
    const InterleavedAddrGen<true> in2{in2_addr, stick_bytes};
    for (uint32_t u = start; u < start + num_units; ++u) {
        const int64_t b = u / (g.out_h * g.out_w), oy = u / g.out_w % g.out_h, ox = u % g.out_w;
        for (uint32_t i = 0; i < g.kernel_h; ++i) {
            for (uint32_t j = 0; j < g.kernel_w; ++j) {
                const int64_t y1 = oy * g.stride_h + g.origin_h + i * g.dilation_h;
                const int64_t x1 = ox * g.stride_w + g.origin_w + j * g.dilation_w;
                const bool in1_inside = inside(g, y1, x1);
                cb_reserve_back(in1_cb, 1);
                const uint32_t in1_block = get_write_ptr(in1_cb);
                if (in1_inside) {
                    read_stick_row(in1, static_cast<uint32_t>((b * g.height + y1) * g.width + x1), in1_block,
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
                        const int64_t ph = d / g.patch_w, pw = d % g.patch_w;
                        const int64_t y2 = y1 + (ph - (g.patch_h - 1) / 2) * g.dilation_patch_h;
                        const int64_t x2 = x1 + (pw - (g.patch_w - 1) / 2) * g.dilation_patch_w;
                        const uint32_t row = block + r * row_bytes;
                        if (read_in2 && d < displacements && inside(g, y2, x2)) {
                            read_stick_row(in2, static_cast<uint32_t>((b * g.height + y2) * g.width + x2),
                                           row, stick_bytes, row_bytes);
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
