// The program API with tt-metal's names, so that a whole program factory can be written in Python:
// Program, CircularBufferConfig, CreateCircularBuffer, CreateKernel (kernel source paths), CreateSemaphore,
// SetRuntimeArgs, ValidateProgram, EnqueueProgram.
#include <map>

#include "bindings.hpp"
#include "tilesim/device.hpp"
#include "tilesim/device_spec.hpp"
#include "tilesim/program.hpp"
#include "tilesim/validate_program.hpp"

namespace tilesim::python {

namespace {
// Where a kernel, CB or semaphore goes: a CoreCoord, CoreRange or CoreRangeSet, an (x, y) tuple, an
// ((x0, y0), (x1, y1)) range, or a list of any of these (a set).
CoreRangeSet core_set(py::handle h) {
    if (py::isinstance<CoreRangeSet>(h)) return h.cast<CoreRangeSet>();
    if (py::isinstance<CoreRange>(h)) return CoreRangeSet({h.cast<CoreRange>()});
    if (py::isinstance<CoreCoord>(h)) return CoreRangeSet({CoreRange(h.cast<CoreCoord>())});
    if (py::isinstance<py::tuple>(h) && py::len(h) == 2) {
        py::tuple t = h.cast<py::tuple>();
        if (py::isinstance<py::int_>(t[0])) return CoreRangeSet({CoreRange(h.cast<CoreCoord>())});
        return CoreRangeSet({CoreRange(t[0].cast<CoreCoord>(), t[1].cast<CoreCoord>())});
    }
    if (py::isinstance<py::list>(h)) {
        CoreRangeSet set;
        for (py::handle item : h.cast<py::list>()) set = set.merge(core_set(item));
        return set;
    }
    fail(
        "cores must be a CoreCoord, CoreRange, CoreRangeSet, (x, y), ((x0, y0), (x1, y1)) or a list of them; "
        "got {}",
        std::string(py::str(py::type::of(h).attr("__name__"))));
}

DataType data_type(py::handle h) {
    if (py::isinstance<DataType>(h)) return h.cast<DataType>();
    return parse_data_type(h.cast<std::string>());
}

MathFidelity parse_fidelity(const std::string& s) {
    if (s == "LoFi") return MathFidelity::LoFi;
    if (s == "HiFi2") return MathFidelity::HiFi2;
    if (s == "HiFi3") return MathFidelity::HiFi3;
    if (s == "HiFi4") return MathFidelity::HiFi4;
    fail("math_fidelity must be one of LoFi, HiFi2, HiFi3, HiFi4; got '{}'", s);
}

KernelConfig kernel_config(py::handle h) {
    if (py::isinstance<ReaderDataMovementConfig>(h)) return h.cast<ReaderDataMovementConfig>();
    if (py::isinstance<WriterDataMovementConfig>(h)) return h.cast<WriterDataMovementConfig>();
    if (py::isinstance<DataMovementConfig>(h)) return h.cast<DataMovementConfig>();
    if (py::isinstance<ComputeConfig>(h)) return h.cast<ComputeConfig>();
    fail(
        "CreateKernel: config must be a ReaderDataMovementConfig, WriterDataMovementConfig, "
        "DataMovementConfig or "
        "ComputeConfig");
}

// What the program holds, derived from it (tt-metal's ProgramDescriptor direction): kernels, CBs, semaphores.
py::dict program_info(const Program& p) {
    py::list kernels, cbs;
    for (const KernelSpec& k : p.kernels()) {
        py::dict d;
        d["path"] = k.path;
        d["name"] = k.name;
        d["kind"] = std::string(to_string(k.kind));
        d["cores"] = k.cores.str();
        d["num_cores"] = k.cores.num_cores();
        d["compile_args"] = k.compile_args;
        d["defines"] = k.defines;
        kernels.append(d);
    }
    for (const CircularBufferSpec& cb : p.circular_buffers()) {
        py::dict d;
        d["index"] = cb.config.index();
        d["holds"] = cb.config.label();
        d["cores"] = cb.cores.str();
        d["total_size"] = cb.config.total_size();
        d["page_size"] = cb.config.page_size();
        d["data_format"] = std::string(to_string(cb.config.data_format()));
        d["globally_allocated"] = cb.config.globally_allocated_buffer() != nullptr;
        cbs.append(d);
    }
    py::dict info;
    info["kernels"] = kernels;
    info["circular_buffers"] = cbs;
    info["semaphores"] = p.semaphores().size();
    return info;
}

using Defines = std::map<std::string, std::string>;
using NamedArgs = std::map<std::string, uint32_t>;

void bind_kernel_configs(py::module_& m) {
    py::class_<DataMovementConfig>(m, "DataMovementConfig")
        .def(py::init([](const std::string& processor, std::vector<uint32_t> compile_args, Defines defines,
                         NamedArgs named_compile_args) {
                 DataMovementConfig c;
                 if (processor == "RISCV_1") {
                     c.processor = DataMovementProcessor::RISCV_1;
                     c.noc = NOC::RISCV_1_default;
                 } else if (processor != "RISCV_0") {
                     fail("DataMovementConfig: processor must be 'RISCV_0' or 'RISCV_1', got '{}'",
                          processor);
                 }
                 c.compile_args = std::move(compile_args);
                 c.defines = std::move(defines);
                 c.named_compile_args = std::move(named_compile_args);
                 return c;
             }),
             py::arg("processor") = "RISCV_0", py::arg("compile_args") = std::vector<uint32_t>{},
             py::arg("defines") = Defines{}, py::arg("named_compile_args") = NamedArgs{})
        .def_readwrite("compile_args", &DataMovementConfig::compile_args)
        .def_readwrite("defines", &DataMovementConfig::defines)
        .def_readwrite("named_compile_args", &DataMovementConfig::named_compile_args);
    py::class_<ReaderDataMovementConfig, DataMovementConfig>(m, "ReaderDataMovementConfig")
        .def(py::init([](std::vector<uint32_t> compile_args, Defines defines, NamedArgs named_compile_args) {
                 ReaderDataMovementConfig c(std::move(compile_args), std::move(defines));
                 c.named_compile_args = std::move(named_compile_args);
                 return c;
             }),
             py::arg("compile_args") = std::vector<uint32_t>{}, py::arg("defines") = Defines{},
             py::arg("named_compile_args") = NamedArgs{});
    py::class_<WriterDataMovementConfig, DataMovementConfig>(m, "WriterDataMovementConfig")
        .def(py::init([](std::vector<uint32_t> compile_args, Defines defines, NamedArgs named_compile_args) {
                 WriterDataMovementConfig c(std::move(compile_args), std::move(defines));
                 c.named_compile_args = std::move(named_compile_args);
                 return c;
             }),
             py::arg("compile_args") = std::vector<uint32_t>{}, py::arg("defines") = Defines{},
             py::arg("named_compile_args") = NamedArgs{});
    py::class_<ComputeConfig>(m, "ComputeConfig")
        .def(py::init([](const std::string& math_fidelity, bool fp32_dest_acc_en, bool math_approx_mode,
                         std::vector<uint32_t> compile_args, Defines defines, NamedArgs named_compile_args) {
                 return ComputeConfig{
                     parse_fidelity(math_fidelity), fp32_dest_acc_en,   math_approx_mode,
                     std::move(compile_args),       std::move(defines), std::move(named_compile_args)};
             }),
             py::arg("math_fidelity") = "HiFi4", py::arg("fp32_dest_acc_en") = false,
             py::arg("math_approx_mode") = false, py::arg("compile_args") = std::vector<uint32_t>{},
             py::arg("defines") = Defines{}, py::arg("named_compile_args") = NamedArgs{})
        .def_readwrite("compile_args", &ComputeConfig::compile_args)
        .def_readwrite("fp32_dest_acc_en", &ComputeConfig::fp32_dest_acc_en);
}
}  // namespace

void bind_program(py::module_& m) {
    py::enum_<DataType>(m, "DataType")
        .value("Float32", DataType::Float32)
        .value("BFloat16", DataType::BFloat16)
        .value("Bfp8_b", DataType::Bfp8_b)
        .value("UInt32", DataType::UInt32)
        .value("UInt16", DataType::UInt16)
        .value("Int32", DataType::Int32)
        .value("Float16", DataType::Float16);
    bind_kernel_configs(m);

    py::class_<CircularBufferConfig>(m, "CircularBufferConfig")
        .def(
            py::init([](uint32_t total_size, const py::dict& data_formats) {
                std::map<uint8_t, DataType> formats;
                for (auto [index, format] : data_formats) formats[index.cast<uint8_t>()] = data_type(format);
                return CircularBufferConfig(total_size, formats);
            }),
            py::arg("total_size"), py::arg("data_formats"),
            "total_size bytes for the CB whose index maps to a data format: {index: DataType or 'bfloat16'}.")
        .def(
            "set_page_size",
            [](CircularBufferConfig& c, uint8_t index, uint32_t page_size) -> CircularBufferConfig& {
                return c.set_page_size(index, page_size);
            },
            py::arg("cb_index"), py::arg("page_size"), py::return_value_policy::reference_internal)
        .def("set_globally_allocated_address", &CircularBufferConfig::set_globally_allocated_address,
             py::arg("buffer"), py::return_value_policy::reference_internal, py::keep_alive<1, 2>())
        .def(
            "set_label",
            [](CircularBufferConfig& c, std::string label) -> CircularBufferConfig& {
                return c.set_label(std::move(label));
            },
            py::arg("label"), py::return_value_policy::reference_internal,
            "tilesim's addition: what the CB holds, shown in program summaries and L1 refusals.")
        .def_property_readonly("label", &CircularBufferConfig::label)
        .def_property_readonly("total_size", &CircularBufferConfig::total_size)
        .def_property_readonly("page_size", &CircularBufferConfig::page_size)
        .def_property_readonly("index", &CircularBufferConfig::index);

    py::class_<Program>(m, "Program", "tt-metal's Program: CBs, kernels, semaphores and runtime args.")
        .def(py::init<>())
        .def_property_readonly("kernels",
                               [](const Program& p) {
                                   py::list out;
                                   for (const KernelSpec& k : p.kernels()) out.append(k.path);
                                   return out;
                               })
        .def_property_readonly("num_circular_buffers",
                               [](const Program& p) { return p.circular_buffers().size(); })
        .def_property_readonly("num_semaphores", [](const Program& p) { return p.semaphores().size(); })
        .def("cores_with_kernels", &Program::cores_with_kernels)
        .def("info", &program_info, "The kernels (path, kind, cores, compile-time args), CBs and semaphores.")
        .def("__repr__", [](const Program& p) {
            return fmt::format("<Program: {} kernels, {} CBs, {} semaphores>", p.kernels().size(),
                               p.circular_buffers().size(), p.semaphores().size());
        });

    m.def(
        "CreateCircularBuffer",
        [](Program& p, py::handle cores, const CircularBufferConfig& c) {
            return CreateCircularBuffer(p, core_set(cores), c);
        },
        py::arg("program"), py::arg("cores"), py::arg("config"));
    m.def(
        "CreateKernel",
        [](Program& p, const std::string& path, py::handle cores, py::handle config) {
            return CreateKernel(p, path, core_set(cores), kernel_config(config));
        },
        py::arg("program"), py::arg("path"), py::arg("cores"), py::arg("config"),
        "Adds a kernel from a tt-metal kernel source file (looked up in $TILESIM_KERNEL_PATH, then tilesim's "
        "root); it is compiled when the program is first enqueued.");
    m.def(
        "CreateSemaphore",
        [](Program& p, py::handle cores, uint32_t initial_value) {
            return CreateSemaphore(p, core_set(cores), initial_value);
        },
        py::arg("program"), py::arg("cores"), py::arg("initial_value") = 0);
    m.def(
        "SetRuntimeArgs",
        [](Program& p, KernelHandle k, py::handle cores, const std::vector<uint32_t>& args) {
            SetRuntimeArgs(p, k, core_set(cores), args);
        },
        py::arg("program"), py::arg("kernel"), py::arg("cores"), py::arg("args"));
    m.def("SetCommonRuntimeArgs", &SetCommonRuntimeArgs, py::arg("program"), py::arg("kernel"),
          py::arg("args"));
    m.def(
        "GetRuntimeArgs",
        [](Program& p, KernelHandle k, CoreCoord core) { return GetRuntimeArgs(p, k, core); },
        py::arg("program"), py::arg("kernel"), py::arg("core"),
        "A copy of the kernel's runtime args on core.");
    m.def(
        "ValidateProgram", [](Device& d, const Program& p) { ValidateProgram(d, p); }, py::arg("device"),
        py::arg("program"));
    m.def(
        "EnqueueProgram",
        [](Device& d, Program& p, uint32_t host_threads, bool checks, bool trace, double watchdog_seconds) {
            RunArgs args;
            args.host_threads = host_threads;
            args.checks = checks;
            args.trace = trace;
            args.watchdog_seconds = watchdog_seconds;
            std::optional<RunReport> report;
            {
                InterruptibleCall call;
                report = EnqueueProgram(d, p, args.run_options());
            }
            py::object r = py::cast(std::move(*report));
            r.attr("program") = program_info(p);
            return r;
        },
        py::arg("device"), py::arg("program"), py::kw_only(), py::arg("host_threads") = 0,
        py::arg("checks") = true, py::arg("trace") = false, py::arg("watchdog_seconds") = 60.0,
        "Runs the program to completion (the GIL is released) and returns its RunReport (report.program: "
        "program.info()).");
}

}  // namespace tilesim::python
