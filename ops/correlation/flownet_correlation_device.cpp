#include "ops/correlation/flownet_correlation_device.hpp"

#include "ops/common/channel_layout.hpp"
#include "ops/correlation/detail/patch_correlation_device.hpp"

namespace tilesim::ops {

CorrelationDeviceResult flownet_correlation_device(Device& device, const Tensor& input1, const Tensor& input2,
                                                   const FlowNetCorrelationParams& p,
                                                   const DeviceRunOptions& opts, const RunOptions& run) {
    constexpr const char* kOp = "flownet_correlation";
    const NchwShape s1 = correlation_device_detail::nchw_shape_of_channels_last(kOp, "input1", input1);
    const NchwShape s2 = correlation_device_detail::nchw_shape_of_channels_last(kOp, "input2", input2);
    validate(p, s1, s2);
    const auto out = flownet_correlation_output_shape(p, s1);
    const int d = p.max_displacement / p.stride2;
    PatchCorrelationGeometry g;
    g.batch = static_cast<uint32_t>(s1.n);
    g.channels = static_cast<uint32_t>(s1.c);
    g.height = static_cast<uint32_t>(s1.h);
    g.width = static_cast<uint32_t>(s1.w);
    g.out_h = static_cast<uint32_t>(out[2]);
    g.out_w = static_cast<uint32_t>(out[3]);
    g.kernel_h = g.kernel_w = p.kernel_size;
    g.stride_h = g.stride_w = p.stride1;
    // Window top-left = centre - kernel_rad = o * stride1 + max_displacement in the padded image, i.e.
    // max_displacement - pad_size in the stored one; the padding reads as zero sticks.
    g.origin_h = g.origin_w = p.max_displacement - p.pad_size;
    g.patch_h = g.patch_w = 2 * d + 1;
    g.dilation_patch_h = g.dilation_patch_w = p.stride2;
    g.abs_diff = !p.is_multiply;
    g.scaler = 1.f / static_cast<float>(int64_t{p.kernel_size} * p.kernel_size * s1.c);
    CorrelationDeviceResult r = patch_correlation_device(device, input1, input2, g, opts, run, kOp);
    r.output = nhwc_to_nchw(r.output);  // [N, oH, oW, D*D] -> [N, D*D, oH, oW]
    return r;
}

}  // namespace tilesim::ops
