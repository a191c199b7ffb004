// _tilesim: the extension module under the `tilesim` Python package. The package (python/tilesim/) gives
// the public functions their PyTorch-style signatures and handles torch tensors; this module works on
// float32 NumPy arrays.
#include <dlfcn.h>

#include "bindings.hpp"

namespace tilesim::python {
namespace {
// Kernels are shared objects that call the simulator through extern "C" hooks resolved in the global
// symbol scope. A program links libtilesim_sim.so globally; Python loads an extension and its libraries
// with RTLD_LOCAL, so the module promotes the simulator library to RTLD_GLOBAL (RTLD_NOLOAD: it is loaded).
void export_simulator_symbols() {
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&EnqueueProgram), &info) == 0 || info.dli_fname == nullptr) return;
    if (dlopen(info.dli_fname, RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD) == nullptr) {
        fail<Error>("tilesim: cannot make {} global: {}", info.dli_fname, dlerror());
    }
}

void bind_run_args(py::module_& m) {
    py::class_<RunArgs>(m, "RunArgs", "Where and how an op runs (backend, dtype, simulated device options).")
        .def(py::init([](std::string backend, std::string dtype, std::string device,
                         std::pair<uint32_t, uint32_t> core_grid, uint32_t buffering_factor,
                         std::optional<bool> fp32_dest_acc_en, uint32_t host_threads, bool checks, bool trace,
                         double watchdog_seconds) {
                 return RunArgs{std::move(backend), std::move(dtype), std::move(device),
                                core_grid,          buffering_factor, fp32_dest_acc_en,
                                host_threads,       checks,           trace,
                                watchdog_seconds};
             }),
             py::kw_only(), py::arg("backend") = "cpu", py::arg("dtype") = "float32",
             py::arg("device") = "wormhole_b0", py::arg("core_grid") = std::pair<uint32_t, uint32_t>{0, 0},
             py::arg("buffering_factor") = 2, py::arg("fp32_dest_acc_en") = py::none(),
             py::arg("host_threads") = 0, py::arg("checks") = true, py::arg("trace") = false,
             py::arg("watchdog_seconds") = 60.0)
        .def_readonly("backend", &RunArgs::backend)
        .def_readonly("dtype", &RunArgs::dtype)
        .def_readonly("device", &RunArgs::device);
}
}  // namespace
}  // namespace tilesim::python

PYBIND11_MODULE(_tilesim, m) {
    using namespace tilesim::python;
    m.doc() = "tilesim's C++ core: ops, run reports and the tt-metal style host API";
    m.attr("__version__") = TILESIM_VERSION;
    export_simulator_symbols();
    bind_errors(m);
    bind_run_args(m);
    bind_report(m);
    bind_grid_sample(m);
    bind_correlation(m);
    bind_sampling_ops(m);
    bind_device(m);
    bind_program(m);
    // The address the C++ side reads an array argument at: equal to the caller's own data pointer when
    // the array is passed without a copy (C-contiguous float32). For the zero-copy tests.
    m.def("_data_address", [](const FloatArray& a) { return reinterpret_cast<uintptr_t>(a.data()); });
}
