#include "ops/common/front_end.hpp"

#include <algorithm>
#include <limits>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "ops/common/detail/transpose_simd.hpp"
#include "ops/common/detail/device_cache.hpp"
#include "tilesim/error.hpp"

namespace tilesim::ops {

namespace {
// "a", "a or b", "a, b or c"
std::string one_of(const std::vector<std::string_view>& names) {
    std::string s;
    for (size_t i = 0; i < names.size(); ++i) {
        if (i) s += i + 1 == names.size() ? " or " : ", ";
        s += names[i];
    }
    return s;
}
}  // namespace

void check_dtype(std::string_view op, const DeviceRunOptions& o, std::initializer_list<DataType> allowed) {
    const bool sim = o.backend == Backend::Sim;
    if (sim && o.dtype == DataType::Float16) {
        fail(
            "{}: dtype float16 is not a device data type (tt-metal has none); use float32 or bfloat16 on "
            "backend 'sim', or backend cpu | cuda for float16",
            op);
    }
    if (std::find(allowed.begin(), allowed.end(), o.dtype) == allowed.end()) {
        std::vector<std::string_view> names;
        for (DataType d : allowed) {
            if (!(sim && d == DataType::Float16)) names.push_back(to_string(d));
        }
        fail("{}: dtype must be {}, got {}", op, one_of(names), o.dtype);
    }
}

void validate_device_options(std::string_view op, const Device& device, const DeviceRunOptions& o) {
    if (o.dtype == DataType::Float16) {
        fail("{}: dtype float16 is not a device data type (tt-metal has none); use float32 or bfloat16", op);
    }
    if (o.dtype != DataType::Float32 && o.dtype != DataType::BFloat16) {
        fail("{}: dtype must be float32 or bfloat16, got {}", op, o.dtype);
    }
    const CoreCoord full = device.compute_with_storage_grid_size();
    if ((o.core_grid.x || o.core_grid.y) &&
        (o.core_grid.x == 0 || o.core_grid.y == 0 || o.core_grid.x > full.x || o.core_grid.y > full.y)) {
        fail("{}: core grid {}x{} must be non-empty and fit the device's worker grid {}x{}", op,
             o.core_grid.x, o.core_grid.y, full.x, full.y);
    }
    if (o.buffering_factor == 0 || o.buffering_factor > kMaxBufferingFactor) {
        fail("{}: buffering factor must be in [1, {}], got {}", op, kMaxBufferingFactor, o.buffering_factor);
    }
}

CoreCoord core_grid_of(const Device& device, const DeviceRunOptions& o) {
    return o.core_grid.x ? o.core_grid : device.compute_with_storage_grid_size();
}

Device& run_device(const DeviceRunOptions& o) {
    return cached_device(o.device);
}

FloatInput::FloatInput(const Tensor& t) {
    shape_.assign(t.shape().dims().begin(), t.shape().dims().end());
    if (t.dtype() == DataType::Float32 && t.layout() == Layout::ROW_MAJOR) {
        values_ = t.data<float>();
        return;
    }
    owned_ = t.to_floats();  // logical row-major order, untilized, padding dropped
    values_ = owned_;
}

FloatInput::FloatInput(std::span<const float> values, std::vector<int64_t> shape)
    : values_(values), shape_(std::move(shape)) {
    check_storage("FloatInput", "values", view());
}

FloatInput FloatInput::rounded_to(DataType dtype) const {
    if (dtype == DataType::Float32) return FloatInput(values_, shape_);
    if (dtype != DataType::BFloat16 && dtype != DataType::Float16) {
        fail("FloatInput::rounded_to: dtype must be bfloat16 or float16, got {}", to_string(dtype));
    }
    FloatInput r(values_, shape_);
    r.owned_.resize(values_.size());
    if (dtype == DataType::BFloat16) {
        std::transform(values_.begin(), values_.end(), r.owned_.begin(), tilesim::round_to_bf16);
    } else {
        std::transform(values_.begin(), values_.end(), r.owned_.begin(), tilesim::round_to_fp16);
    }
    r.values_ = r.owned_;
    return r;
}

namespace {
std::vector<uint32_t> tensor_dims(std::span<const int64_t> shape, std::string_view op,
                                  std::string_view name) {
    std::vector<uint32_t> dims;
    for (int64_t d : shape) {
        if (d > std::numeric_limits<uint32_t>::max()) {
            fail("{}: {} has a dimension of {}, more than a tensor holds (2^32 - 1)", op, name, d);
        }
        dims.push_back(static_cast<uint32_t>(d));
    }
    return dims;
}
}  // namespace

Tensor FloatInput::to_tensor(std::string_view op, std::string_view name) const {
    return Tensor::from_floats(Shape(tensor_dims(shape_, op, name)), values_);
}

Tensor FloatInput::to_nhwc_tensor(std::string_view op, std::string_view name,
                                  std::string_view pattern) const {
    if (rank() != 4) fail("{}: {} must be {}, got {}", op, name, pattern, shape_str(shape_));
    const std::vector<uint32_t> dims = tensor_dims(shape_, op, name);
    const auto d = [&](size_t i) { return dims[i]; };
    // Each image is a C x (H*W) matrix; its transpose is (H*W) x C.
    Tensor out = Tensor::uninitialized(Shape{d(0), d(2), d(3), d(1)}, DataType::Float32);  // written in full
    detail::transpose_planes(values_.data(), out.data<float>().data(), d(0), d(1), d(2) * d(3));
    return out;
}

Tensor reference_output(std::span<const int64_t> dims) {
    std::vector<uint32_t> d(dims.begin(), dims.end());
    return Tensor::uninitialized(Shape(std::move(d)), DataType::Float32);
}

Tensor reference_output(std::span<const int64_t> dims, std::span<const float> values) {
    std::vector<uint32_t> d(dims.begin(), dims.end());
    return Tensor::from_floats(Shape(std::move(d)), values);
}

void round_output(Tensor& output, DataType dtype) {
    if (dtype == DataType::Float32) return;
    for (float& v : output.data<float>())
        v = dtype == DataType::BFloat16 ? tilesim::round_to_bf16(v) : tilesim::round_to_fp16(v);
}

}  // namespace tilesim::ops
