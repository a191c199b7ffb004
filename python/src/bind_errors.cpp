// tilesim's C++ exceptions as Python exceptions carrying the C++ message. The hierarchy mirrors
// tilesim/error.hpp; InvalidArgument (and ConfigError, OutOfMemory) also derive from ValueError, so code
// that catches ValueError for a bad argument keeps working.
#include "bindings.hpp"
#include "tilesim/error.hpp"
#include "tilesim/kernel_build.hpp"

namespace tilesim::python {

namespace {
struct PyErrors {
    PyObject* error;
    PyObject* invalid_argument;
    PyObject* config_error;
    PyObject* out_of_memory;
    PyObject* watcher;
    PyObject* deadlock;
    PyObject* watchdog;
    PyObject* backend_unavailable;
    PyObject* kernel_build;
};
PyErrors errors{};  // owned by the module for the interpreter's life

PyObject* new_exception(py::module_& m, const char* name, py::tuple bases, const char* doc) {
    const std::string qualified = std::string("tilesim.") + name;
    PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases.ptr(), nullptr);
    if (type == nullptr) throw py::error_already_set();
    m.add_object(name, py::reinterpret_borrow<py::object>(type));
    return type;
}

void translate(std::exception_ptr p) {
    try {
        if (p) std::rethrow_exception(p);
    } catch (const KernelBuildError& e) {
        py::object err = py::reinterpret_borrow<py::object>(errors.kernel_build)(e.what());
        err.attr("log") = e.log();
        PyErr_SetObject(errors.kernel_build, err.ptr());
    } catch (const RunCancelled& e) {  // Ctrl-C stopped a simulated run (InterruptibleCall)
        PyErr_SetString(PyExc_KeyboardInterrupt, e.what());
    } catch (const DeadlockError& e) {
        PyErr_SetString(errors.deadlock, e.what());
    } catch (const WatcherError& e) {
        PyErr_SetString(errors.watcher, e.what());
    } catch (const WatchdogTimeout& e) {
        PyErr_SetString(errors.watchdog, e.what());
    } catch (const BackendUnavailable& e) {
        PyErr_SetString(errors.backend_unavailable, e.what());
    } catch (const ConfigError& e) {
        PyErr_SetString(errors.config_error, e.what());
    } catch (const OutOfMemory& e) {
        PyErr_SetString(errors.out_of_memory, e.what());
    } catch (const InvalidArgument& e) {
        PyErr_SetString(errors.invalid_argument, e.what());
    } catch (const Error& e) {
        PyErr_SetString(errors.error, e.what());
    }
}
}  // namespace

void bind_errors(py::module_& m) {
    py::handle exception(PyExc_Exception), value_error(PyExc_ValueError);
    errors.error = new_exception(m, "Error", py::make_tuple(exception), "Base of every tilesim error.");
    py::handle error(errors.error);
    errors.invalid_argument = new_exception(m, "InvalidArgument", py::make_tuple(error, value_error),
                                            "An argument, shape, dtype, file or option is invalid.");
    py::handle invalid(errors.invalid_argument);
    errors.config_error = new_exception(m, "ConfigError", py::make_tuple(invalid),
                                        "A device or run configuration file is malformed.");
    errors.out_of_memory =
        new_exception(m, "OutOfMemory", py::make_tuple(invalid), "An allocation does not fit in L1 or DRAM.");
    errors.watcher = new_exception(m, "WatcherError", py::make_tuple(error),
                                   "A watcher-style check failed while a program ran.");
    errors.deadlock = new_exception(m, "DeadlockError", py::make_tuple(error),
                                    "No kernel could make progress; the message lists the blocked kernels.");
    errors.watchdog = new_exception(m, "WatchdogTimeout", py::make_tuple(error),
                                    "Kernels made no progress for watchdog_seconds.");
    errors.backend_unavailable = new_exception(m, "BackendUnavailable", py::make_tuple(error),
                                               "The requested backend is not available (e.g. cuda).");
    errors.kernel_build = new_exception(m, "KernelBuildError", py::make_tuple(error),
                                        "A kernel source failed to compile; .log holds the compiler output.");
    py::register_exception_translator(&translate);
}

}  // namespace tilesim::python
