#include "ops/correlation/spatial_correlation_device.hpp"

#include "ops/common/channel_layout.hpp"
#include "ops/correlation/detail/patch_correlation_device.hpp"

namespace tilesim::ops {

CorrelationDeviceResult spatial_correlation_device(Device& device, const Tensor& input1, const Tensor& input2,
                                                   const SpatialCorrelationParams& p,
                                                   const DeviceRunOptions& opts, const RunOptions& run) {
    constexpr const char* kOp = "spatial_correlation";
    const NchwShape s1 = correlation_device_detail::nchw_shape_of_channels_last(kOp, "input1", input1);
    const NchwShape s2 = correlation_device_detail::nchw_shape_of_channels_last(kOp, "input2", input2);
    validate(p, s1, s2);
    const auto out = spatial_correlation_output_shape(p, s1);
    PatchCorrelationGeometry g;
    g.batch = static_cast<uint32_t>(s1.n);
    g.channels = static_cast<uint32_t>(s1.c);
    g.height = static_cast<uint32_t>(s1.h);
    g.width = static_cast<uint32_t>(s1.w);
    g.out_h = static_cast<uint32_t>(out[3]);
    g.out_w = static_cast<uint32_t>(out[4]);
    g.kernel_h = p.kH;
    g.kernel_w = p.kW;
    g.stride_h = p.strideH;
    g.stride_w = p.strideW;
    g.dilation_h = p.dilationH;
    g.dilation_w = p.dilationW;
    g.origin_h = -p.padH;  // padding is virtual: positions outside the image read zeros
    g.origin_w = -p.padW;
    g.patch_h = p.patchH;
    g.patch_w = p.patchW;
    g.dilation_patch_h = p.dilation_patchH;
    g.dilation_patch_w = p.dilation_patchW;
    CorrelationDeviceResult r = patch_correlation_device(device, input1, input2, g, opts, run, kOp);
    // Output sticks [B, oH, oW, P] -> [B, P, oH, oW] -> the original [B, patchH, patchW, oH, oW].
    r.output = nhwc_to_nchw(r.output).reshape(Shape{g.batch, g.patch_h, g.patch_w, g.out_h, g.out_w});
    return r;
}

}  // namespace tilesim::ops
