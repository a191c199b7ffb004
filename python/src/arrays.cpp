// NumPy arrays <-> tilesim tensors and reference views; the run arguments shared by every op.
#include <pthread.h>
#include <csignal>
#include <limits>

#include "bindings.hpp"
#include "tilesim/error.hpp"

namespace tilesim::python {

std::vector<int64_t> dims_of(const py::array& a) {
    std::vector<int64_t> dims;
    for (py::ssize_t i = 0; i < a.ndim(); ++i) dims.push_back(static_cast<int64_t>(a.shape(i)));
    return dims;
}

Tensor to_tensor(const FloatArray& a, const char* op, const char* name) {
    std::vector<uint32_t> dims;
    for (int64_t d : dims_of(a)) {
        if (d > std::numeric_limits<uint32_t>::max()) {
            fail("{}: {} has a dimension of {}, more than tilesim tensors hold (2^32 - 1)", op, name, d);
        }
        dims.push_back(static_cast<uint32_t>(d));
    }
    return Tensor::from_floats(Shape(std::move(dims)), {a.data(), static_cast<size_t>(a.size())});
}

ops::FloatInput float_input(const FloatArray& a) {
    return {{a.data(), static_cast<size_t>(a.size())}, dims_of(a)};
}

ops::ArrayView<float> array_view(const FloatArray& a) {
    return {{a.data(), static_cast<size_t>(a.size())}, dims_of(a)};
}

ops::NchwView nchw_view(const FloatArray& a, const char* op, const char* name) {
    if (a.ndim() != 4) fail("{}: {} must be [N, C, H, W], got {}", op, name, ops::shape_str(dims_of(a)));
    return {{a.data(), static_cast<size_t>(a.size())}, {a.shape(0), a.shape(1), a.shape(2), a.shape(3)}};
}

py::array to_numpy(Tensor&& t) {
    if (t.dtype() != DataType::Float32 || t.layout() != Layout::ROW_MAJOR) {
        t = t.to_layout(Layout::ROW_MAJOR).to_dtype(DataType::Float32);
    }
    std::vector<py::ssize_t> shape(t.shape().dims().begin(), t.shape().dims().end());
    auto* owner = new Tensor(std::move(t));
    py::capsule capsule(owner, [](void* p) { delete static_cast<Tensor*>(p); });
    return py::array_t<float>(shape, owner->data<float>().data(), capsule);
}

py::array to_numpy(std::vector<float>&& values, std::vector<int64_t> shape) {
    return to_numpy(ops::HostArray<float>(std::move(shape), std::move(values)));
}

DataType RunArgs::parsed_dtype() const {
    return parse_data_type(dtype);
}

RunOptions RunArgs::run_options() const {
    RunOptions o;
    o.host_threads = host_threads;
    o.checks = checks;
    o.trace = trace;
    o.watchdog_seconds = watchdog_seconds;
    o.cancel = &interrupt_requested();
    return o;
}

ops::DeviceRunOptions RunArgs::device_run_options() const {
    ops::DeviceRunOptions o;
    o.backend = parsed_backend();
    o.dtype = parsed_dtype();
    o.device = device;
    o.core_grid = grid();
    o.buffering_factor = buffering_factor;
    o.fp32_dest_acc_en = fp32_dest_acc_en;
    o.run = run_options();
    return o;
}

std::atomic<bool>& interrupt_requested() {
    static std::atomic<bool> flag{false};
    return flag;
}

namespace {
struct sigaction g_previous_sigint {};
pthread_t g_main_thread = pthread_self();  // the thread that imported the module: Python's main thread
extern "C" void on_sigint(int) {
    interrupt_requested().store(true);
}
}  // namespace

InterruptibleCall::InterruptibleCall() : uncaught_(std::uncaught_exceptions()) {
    if (!pthread_equal(pthread_self(), g_main_thread)) return;
    interrupt_requested().store(false);
    struct sigaction action {};
    action.sa_handler = on_sigint;
    sigemptyset(&action.sa_mask);
    installed_ = sigaction(SIGINT, &action, &g_previous_sigint) == 0;
}

InterruptibleCall::~InterruptibleCall() {
    if (!installed_) return;
    sigaction(SIGINT, &g_previous_sigint, nullptr);
    // A run that was cancelled throws RunCancelled (translated to KeyboardInterrupt); otherwise hand the
    // interrupt to Python, which raises KeyboardInterrupt once the call returns.
    if (interrupt_requested().exchange(false) && std::uncaught_exceptions() == uncaught_)
        PyErr_SetInterrupt();
}

py::dict program_dict(const ops::ProgramSummary& p) {
    py::dict d;
    d["factory"] = p.factory;
    d["units"] = p.units;
    d["num_cores"] = p.num_cores;
    d["cores_group_1"] = p.cores_group_1;
    d["cores_group_2"] = p.cores_group_2;
    d["units_per_core_group_1"] = p.units_per_core_group_1;
    d["units_per_core_group_2"] = p.units_per_core_group_2;
    py::list cbs;
    for (const auto& cb : p.cbs) {
        py::dict c;
        c["index"] = cb.index;
        c["holds"] = cb.holds;
        c["page_size"] = cb.page_size;
        c["num_pages"] = cb.num_pages;
        c["total_size"] = cb.total_size();
        c["format"] = std::string(to_string(cb.format));
        c["globally_allocated"] = cb.globally_allocated;
        cbs.append(c);
    }
    d["circular_buffers"] = cbs;
    d["cb_bytes_per_core"] = p.cb_bytes_per_core;
    d["l1_bytes_per_core"] = p.l1_bytes_per_core;
    py::list kernels;
    for (const auto& k : p.kernels) {
        py::dict kd;
        kd["path"] = k.path;
        kd["kind"] = std::string(to_string(k.kind));
        kd["num_cores"] = k.num_cores;
        kd["compile_args"] = k.compile_args;
        kd["defines"] = k.defines;
        kernels.append(kd);
    }
    d["kernels"] = kernels;
    for (const auto& [name, value] : p.facts) d[py::str(name)] = value;
    return d;
}

py::tuple op_result(Tensor&& output, std::optional<RunReport>&& report, py::object program) {
    py::object out = to_numpy(std::move(output));
    if (!report) return py::make_tuple(out, py::none());
    py::object r = py::cast(std::move(*report));
    r.attr("program") = program;
    return py::make_tuple(out, r);
}

}  // namespace tilesim::python
