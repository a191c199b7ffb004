#pragma once
// Shared pieces of the _tilesim extension module: NumPy arrays <-> tilesim tensors and views, the run
// arguments every op takes, and the functions that add each group of bindings to the module.
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "ops/common/front_end.hpp"
#include "ops/common/program_summary.hpp"
#include "ops/correlation/correlation_common.hpp"
#include "ops/common/host_array.hpp"
#include "tilesim/core_coord.hpp"
#include "tilesim/run_report.hpp"
#include "tilesim/runtime.hpp"
#include "tilesim/tensor.hpp"

namespace tilesim::python {

namespace py = pybind11;

// A float32 C-contiguous array. pybind11 passes such an array through untouched (no copy) and converts
// anything else (other dtypes, strides, lists) into a fresh one.
using FloatArray = py::array_t<float, py::array::c_style | py::array::forcecast>;

std::vector<int64_t> dims_of(const py::array& a);
// A tilesim tensor holding a copy of the array's values (tilesim::Tensor owns its storage).
Tensor to_tensor(const FloatArray& a, const char* op, const char* name);
// The array as an op input: a view of its memory (no copy). The array must outlive the call.
ops::FloatInput float_input(const FloatArray& a);
// A read-only view of the array's memory (no copy): for the CPU references' view APIs.
ops::ArrayView<float> array_view(const FloatArray& a);
ops::NchwView nchw_view(const FloatArray& a, const char* op, const char* name);
// The tensor as a float32 NumPy array that owns it: the tensor's storage is handed over, not copied.
py::array to_numpy(Tensor&& t);
py::array to_numpy(std::vector<float>&& values, std::vector<int64_t> shape);
template <class T>
py::array to_numpy(ops::HostArray<T>&& a) {
    auto* owner = new ops::HostArray<T>(std::move(a));
    py::capsule capsule(owner, [](void* p) { delete static_cast<ops::HostArray<T>*>(p); });
    return py::array_t<T>(owner->shape, owner->data.data(), capsule);
}

// Where and how an op runs: the backend, the data type and the simulated device's options.
// Releases the GIL for a call into tilesim. On Python's main thread it also turns Ctrl-C (SIGINT) into a
// request to stop a simulated run (RunOptions::cancel, set by RunArgs::run_options): the run ends with
// RunCancelled, raised in Python as KeyboardInterrupt. A SIGINT during a call that cannot be cancelled
// (a CPU reference) is raised as KeyboardInterrupt when the call returns.
class InterruptibleCall {
  public:
    InterruptibleCall();
    ~InterruptibleCall();
    InterruptibleCall(const InterruptibleCall&) = delete;
    InterruptibleCall& operator=(const InterruptibleCall&) = delete;

  private:
    py::gil_scoped_release release_;
    bool installed_ = false;
    int uncaught_ = 0;
};
// The flag a SIGINT sets while an InterruptibleCall is active.
std::atomic<bool>& interrupt_requested();

struct RunArgs {
    std::string backend = "cpu";
    std::string dtype = "float32";
    std::string device = "wormhole_b0";
    std::pair<uint32_t, uint32_t> core_grid{0, 0};
    uint32_t buffering_factor = 2;
    std::optional<bool> fp32_dest_acc_en;
    uint32_t host_threads = 0;
    bool checks = true;
    bool trace = false;
    double watchdog_seconds = 60;

    ops::Backend parsed_backend() const { return ops::parse_backend(backend); }
    DataType parsed_dtype() const;
    CoreCoord grid() const { return {core_grid.first, core_grid.second}; }
    RunOptions run_options() const;
    // Everything above as an op's DeviceRunOptions (or the base of its arguments).
    ops::DeviceRunOptions device_run_options() const;
};

// (output, report or None); `program` (a dict describing the factory's decisions) becomes report.program.
py::tuple op_result(Tensor&& output, std::optional<RunReport>&& report, py::object program);

// What a program factory decided (work split, CBs, kernels, the op's facts) as a dict: the same keys for
// every op, the facts (grid_sticks, channel_tiles...) as top-level keys.
py::dict program_dict(const ops::ProgramSummary& summary);

// (output, report or None): an op's result; its program summary (sim only) becomes report.program.
template <class Result>
py::tuple op_result(Result&& r) {
    py::object program = r.program ? py::object(program_dict(*r.program)) : py::none();
    return op_result(std::move(r.output), std::move(r.report), program);
}

void bind_errors(py::module_& m);
void bind_report(py::module_& m);
void bind_grid_sample(py::module_& m);
void bind_correlation(py::module_& m);
void bind_sampling_ops(py::module_& m);
void bind_device(py::module_& m);
void bind_program(py::module_& m);

}  // namespace tilesim::python
