#pragma once
// The front end every op shares, whatever the backend: where and how it runs (DeviceRunOptions), its
// float inputs as views of the caller's memory or converted copies (FloatInput), the device it runs on
// (one cached Device per config, as a tt-metal program opens its device once) and the result it returns
// (OpResult). An op's own front end only validates its arguments and picks the reference or factory.
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ops/common/backend.hpp"
#include "ops/common/host_array.hpp"
#include "tilesim/core_coord.hpp"
#include "tilesim/device.hpp"
#include "tilesim/run_report.hpp"
#include "tilesim/runtime.hpp"
#include "tilesim/tensor.hpp"

namespace tilesim::ops {

// Where an op runs and, on the simulated device, how its program is built and run. The fields after
// `dtype` apply to backend sim only.
struct DeviceRunOptions {
    Backend backend = Backend::Cpu;
    // The data type the op computes in. Float32 everywhere; BFloat16: the op's data inputs and its output
    // rounded to bf16 (references compute in fp32; the device holds bf16); Float16 on the references of
    // ops that take it (correlation), never on the device (tt-metal has no fp16 data format).
    DataType dtype = DataType::Float32;
    std::string device = "wormhole_b0";    // device config name or path
    CoreCoord core_grid{0, 0};             // worker grid to split over (0x0: the device's whole grid)
    uint32_t buffering_factor = 2;         // pages of the streamed CBs per item in flight (1: no overlap)
    std::optional<bool> fp32_dest_acc_en;  // default: true for Float32, false for BFloat16 (as tt-metal)
    RunOptions run;
};

// The largest buffering factor any op accepts (the smallest is 1).
inline constexpr uint32_t kMaxBufferingFactor = 64;

// Throws InvalidArgument naming `op` unless `o.dtype` is one of `allowed`; on backend sim Float16 is
// refused with the reason (tt-metal has no fp16 data format).
void check_dtype(std::string_view op, const DeviceRunOptions& o, std::initializer_list<DataType> allowed);
// Throws InvalidArgument naming `op` (e.g. "sample_sum (sim)") unless the options can build a program on
// `device`: a device data type (Float32 or BFloat16), a core grid within the device's worker grid, a
// buffering factor in [1, kMaxBufferingFactor].
void validate_device_options(std::string_view op, const Device& device, const DeviceRunOptions& o);
// The grid the work is split over: o.core_grid, or the device's whole worker grid.
CoreCoord core_grid_of(const Device& device, const DeviceRunOptions& o);

// The simulated device named by `o.device`: one per (host thread, config), reused across calls.
Device& run_device(const DeviceRunOptions& o);

// A float argument of an op, as its references read it: float32 values in row-major order and their
// shape. A view of the caller's memory when it already is that (a Float32 ROW_MAJOR tensor, or a float32
// C-contiguous array handed over by the Python package): no copy of what may be megabytes. Anything else
// (other dtypes, TILE layout) is converted once into a copy the input owns.
class FloatInput {
  public:
    FloatInput(const Tensor& t);  // NOLINT(google-explicit-constructor): every op takes tensors
    // A view of `values` with `shape` (row-major); the memory must outlive the input.
    FloatInput(std::span<const float> values, std::vector<int64_t> shape);
    FloatInput(FloatInput&&) = default;
    FloatInput& operator=(FloatInput&&) = default;
    FloatInput(const FloatInput&) = delete;
    FloatInput& operator=(const FloatInput&) = delete;

    const std::vector<int64_t>& shape() const { return shape_; }
    size_t rank() const { return shape_.size(); }
    int64_t dim(size_t i) const { return shape_.at(i); }
    std::span<const float> values() const { return values_; }
    const float* data() const { return values_.data(); }
    ArrayView<float> view() const { return {values_, shape_}; }
    operator ArrayView<float>() const { return view(); }  // NOLINT: feeds the references' view APIs
    // Whether the values were converted into a copy (false: a view of the caller's memory).
    bool is_copy() const { return !owned_.empty() || values_.empty(); }

    // The values rounded to `dtype` (BFloat16 or Float16) and kept as float32: what such a tensor looks
    // like to an fp32 reference. Float32: a view of this input.
    FloatInput rounded_to(DataType dtype) const;
    // A ROW_MAJOR Float32 tensor holding a copy of the values (the simulated device's host side).
    // `op` and `name` name the argument in the error when a dimension does not fit a tensor's uint32.
    Tensor to_tensor(std::string_view op, std::string_view name) const;
    // The [N, C, H, W] values as a channels-last [N, H, W, C] tensor (as tt-metal's ops hold them);
    // throws "<op>: <name> must be <pattern>, got <shape>" unless the input has rank 4.
    Tensor to_nhwc_tensor(std::string_view op, std::string_view name,
                          std::string_view pattern = "[N, C, H, W]") const;

  private:
    std::vector<float> owned_;
    std::span<const float> values_;
    std::vector<int64_t> shape_;
};

// What every op returns: the output (Float32, values rounded to the op's dtype, in the op's documented
// layout) and, on the simulated device, the run report and what the program factory decided.
template <class ProgramInfo>
struct OpResult {
    Tensor output;
    std::optional<RunReport> report;     // sim only
    std::optional<ProgramInfo> program;  // sim only: work split, CBs, kernels
};

// A Float32 tensor of `dims` whose values are left as allocated: a reference writes every one of them.
Tensor reference_output(std::span<const int64_t> dims);
// A reference's result (row-major values of shape `dims`) as a tensor.
Tensor reference_output(std::span<const int64_t> dims, std::span<const float> values);
inline Tensor reference_output(const HostArray<float>& values) {
    return reference_output(values.shape, values.data);
}
// Rounds the output of a reference that ran on rounded inputs to the op's dtype (no-op for Float32).
void round_output(Tensor& output, DataType dtype);

}  // namespace tilesim::ops
