// The simulated device and its memory, with tt-metal's names: Device, buffers, core coordinates,
// to_device / from_device, split_work_to_cores, TensorAccessorArgs.
#include <cstring>

#include <pybind11/operators.h>

#include "bindings.hpp"
#include "tilesim/buffer.hpp"
#include "tilesim/device.hpp"
#include "tilesim/device_spec.hpp"
#include "tilesim/device_tensor.hpp"
#include "tilesim/tensor_accessor_args.hpp"
#include "tilesim/work_split.hpp"

namespace tilesim::python {

namespace {
BufferType parse_buffer_type(const std::string& s) {
    if (s == "dram" || s == "DRAM") return BufferType::DRAM;
    if (s == "l1" || s == "L1") return BufferType::L1;
    fail("buffer_type must be 'dram' or 'l1', got '{}'", s);
}

TensorMemoryLayout parse_memory_layout(const std::string& s) {
    if (s == "interleaved" || s == "INTERLEAVED") return TensorMemoryLayout::INTERLEAVED;
    if (s == "height_sharded" || s == "HEIGHT_SHARDED") return TensorMemoryLayout::HEIGHT_SHARDED;
    fail("memory_layout must be 'interleaved' or 'height_sharded', got '{}'", s);
}

Layout parse_layout(const std::string& s) {
    if (s == "row_major" || s == "ROW_MAJOR") return Layout::ROW_MAJOR;
    if (s == "tile" || s == "TILE") return Layout::TILE;
    fail("layout must be 'row_major' or 'tile', got '{}'", s);
}

MemoryConfig memory_config(const std::string& buffer_type, const std::string& memory_layout,
                           std::optional<ShardSpec> shard_spec) {
    return {parse_memory_layout(memory_layout), parse_buffer_type(buffer_type), std::move(shard_spec)};
}

void bind_cores(py::module_& m) {
    py::class_<CoreCoord>(m, "CoreCoord")
        .def(py::init<uint32_t, uint32_t>(), py::arg("x"), py::arg("y"))
        .def(py::init([](std::pair<uint32_t, uint32_t> xy) {
            return CoreCoord{xy.first, xy.second};
        }))
        .def_readwrite("x", &CoreCoord::x)
        .def_readwrite("y", &CoreCoord::y)
        .def(py::self == py::self)
        .def("__hash__", [](CoreCoord c) { return std::hash<uint64_t>{}((uint64_t(c.x) << 32) | c.y); })
        .def("__iter__", [](CoreCoord c) { return py::iter(py::make_tuple(c.x, c.y)); })
        .def("__repr__", [](CoreCoord c) { return fmt::format("CoreCoord(x={}, y={})", c.x, c.y); });
    py::implicitly_convertible<py::tuple, CoreCoord>();
    py::class_<CoreRange>(m, "CoreRange")
        .def(py::init<CoreCoord, CoreCoord>(), py::arg("start"), py::arg("end"))
        .def(py::init([](CoreCoord c) { return CoreRange(c); }), py::arg("core"))
        .def_readonly("start", &CoreRange::start)
        .def_readonly("end", &CoreRange::end)
        .def_property_readonly("size", &CoreRange::size)
        .def("cores", &CoreRange::cores)
        .def("contains", &CoreRange::contains)
        .def(py::self == py::self)
        .def("__repr__", &CoreRange::str);
    py::class_<CoreRangeSet>(m, "CoreRangeSet")
        .def(py::init<>())
        .def(py::init<std::vector<CoreRange>>(), py::arg("ranges"))
        .def_property_readonly("ranges", &CoreRangeSet::ranges)
        .def_property_readonly("num_cores", &CoreRangeSet::num_cores)
        .def("empty", &CoreRangeSet::empty)
        .def("cores", &CoreRangeSet::cores, py::arg("row_wise") = true)
        .def("contains", py::overload_cast<CoreCoord>(&CoreRangeSet::contains, py::const_))
        .def("merge", &CoreRangeSet::merge)
        .def("bounding_box", &CoreRangeSet::bounding_box)
        .def(py::self == py::self)
        .def("__repr__", &CoreRangeSet::str);
}

void bind_buffers(py::module_& m) {
    py::class_<ShardSpec>(m, "ShardSpec")
        .def(py::init([](CoreRangeSet grid, std::pair<uint32_t, uint32_t> shape,
                         const std::string& orientation) {
                 ShardSpec s{std::move(grid), {shape.first, shape.second}, ShardOrientation::ROW_MAJOR};
                 if (orientation == "col_major" || orientation == "COL_MAJOR") {
                     s.orientation = ShardOrientation::COL_MAJOR;
                 } else if (orientation != "row_major" && orientation != "ROW_MAJOR") {
                     fail("ShardSpec: orientation must be 'row_major' or 'col_major', got '{}'", orientation);
                 }
                 return s;
             }),
             py::arg("grid"), py::arg("shape"), py::arg("orientation") = "row_major")
        .def("cores", &ShardSpec::cores);
    py::class_<Buffer, std::shared_ptr<Buffer>>(m, "Buffer", "A device allocation (tt-metal's Buffer).")
        .def_property_readonly("address", &Buffer::address)
        .def_property_readonly("size", &Buffer::size)
        .def_property_readonly("page_size", &Buffer::page_size)
        .def_property_readonly("aligned_page_size", &Buffer::aligned_page_size)
        .def_property_readonly("num_pages", &Buffer::num_pages)
        .def_property_readonly("buffer_type",
                               [](const Buffer& b) { return std::string(to_string(b.buffer_type())); })
        .def_property_readonly("is_dram", &Buffer::is_dram)
        .def(
            "write",
            [](Buffer& b, const py::buffer& data) {
                const py::buffer_info info = data.request();
                if (!PyBuffer_IsContiguous(info.view(), 'C')) fail("Buffer.write: data must be C-contiguous");
                const auto* p = static_cast<const std::byte*>(info.ptr);
                b.write({p, static_cast<size_t>(info.size * info.itemsize)});
            },
            py::arg("data"),
            "Writes every page from a bytes-like object of size() bytes (e.g. a NumPy array).")
        .def(
            "read",
            [](const Buffer& b) {
                py::array_t<uint8_t> out(static_cast<py::ssize_t>(b.size()));
                b.read({reinterpret_cast<std::byte*>(out.mutable_data()), static_cast<size_t>(b.size())});
                return out;
            },
            "Every page, concatenated, as a uint8 NumPy array.")
        .def("__repr__", &Buffer::str);
    py::class_<DeviceTensor>(m, "DeviceTensor", "A tensor in a device buffer (to_device / from_device).")
        .def_readonly("buffer", &DeviceTensor::buffer)
        .def_property_readonly("shape", [](const DeviceTensor& t) { return t.shape.dims(); })
        .def_property_readonly("dtype", [](const DeviceTensor& t) { return std::string(to_string(t.dtype)); })
        .def_property_readonly("layout",
                               [](const DeviceTensor& t) { return std::string(to_string(t.layout)); })
        .def_readonly("stick_bytes", &DeviceTensor::stick_bytes)
        .def_property_readonly("num_sticks", &DeviceTensor::num_sticks);
}
}  // namespace

void bind_device(py::module_& m) {
    bind_cores(m);
    py::class_<Device, std::shared_ptr<Device>>(m, "Device",
                                                "A simulated device: Device('wormhole_b0') or a .json path.")
        .def(py::init([](const std::string& name) { return std::make_shared<Device>(load_device(name)); }),
             py::arg("name") = "wormhole_b0")
        .def_property_readonly("name", [](const Device& d) { return d.spec().name; })
        .def_property_readonly("summary", [](const Device& d) { return d.spec().summary(); })
        .def_property_readonly("l1_size", [](const Device& d) { return d.spec().l1_size_bytes; })
        .def_property_readonly("dram_banks", [](const Device& d) { return d.spec().dram_banks; })
        .def_property_readonly("clock_mhz", [](const Device& d) { return d.spec().clock_mhz; })
        .def("compute_with_storage_grid_size", &Device::compute_with_storage_grid_size)
        .def(
            "create_buffer",
            [](Device& d, uint64_t size, uint32_t page_size, const std::string& buffer_type,
               const std::string& memory_layout, std::optional<ShardSpec> shard_spec) {
                return d.create_buffer({size, page_size, parse_buffer_type(buffer_type),
                                        parse_memory_layout(memory_layout), std::move(shard_spec)});
            },
            py::arg("size"), py::arg("page_size"), py::arg("buffer_type") = "dram",
            py::arg("memory_layout") = "interleaved", py::arg("shard_spec") = py::none(),
            py::keep_alive<0, 1>())
        .def("memory_report", [](const Device& d) { return d.memory_report().str(); });
    bind_buffers(m);

    m.def(
        "to_device",
        [](const FloatArray& array, Device& device, const std::string& dtype, const std::string& layout,
           const std::string& buffer_type, const std::string& memory_layout,
           std::optional<ShardSpec> shard_spec, uint32_t page_size) {
            Tensor t = to_tensor(array, "to_device", "array").to_dtype(parse_data_type(dtype));
            if (parse_layout(layout) == Layout::TILE) t = t.to_layout(Layout::TILE);
            return to_device(t, device, memory_config(buffer_type, memory_layout, std::move(shard_spec)),
                             page_size);
        },
        py::arg("array"), py::arg("device"), py::arg("dtype") = "float32", py::arg("layout") = "row_major",
        py::arg("buffer_type") = "dram", py::arg("memory_layout") = "interleaved",
        py::arg("shard_spec") = py::none(), py::arg("page_size") = 0, py::keep_alive<0, 2>(),
        "Puts an array on the device (values converted to dtype; one page per stick, or per tile).");
    m.def(
        "allocate_on_device",
        [](const std::vector<uint32_t>& shape, Device& device, const std::string& dtype,
           const std::string& layout, const std::string& buffer_type, const std::string& memory_layout,
           std::optional<ShardSpec> shard_spec, uint32_t page_size) {
            DeviceTensor t = allocate_on_device(
                Shape(shape), parse_data_type(dtype), device,
                memory_config(buffer_type, memory_layout, std::move(shard_spec)), page_size);
            if (parse_layout(layout) == Layout::TILE) t.layout = Layout::TILE;
            return t;
        },
        py::arg("shape"), py::arg("device"), py::arg("dtype") = "float32", py::arg("layout") = "row_major",
        py::arg("buffer_type") = "dram", py::arg("memory_layout") = "interleaved",
        py::arg("shard_spec") = py::none(), py::arg("page_size") = 0, py::keep_alive<0, 2>());
    m.def(
        "from_device", [](const DeviceTensor& t) { return to_numpy(from_device(t)); }, py::arg("tensor"),
        "Reads a device tensor back as a float32 NumPy array of its shape.");
    m.def(
        "round_to_dtype",
        [](const FloatArray& array, const std::string& dtype) {
            return to_numpy(to_tensor(array, "round_to_dtype", "array").to_dtype(parse_data_type(dtype)));
        },
        py::arg("array"), py::arg("dtype"),
        "The values as the device stores them in dtype (e.g. bfloat16: round to nearest even), as float32.");

    py::class_<WorkSplit>(m, "WorkSplit")
        .def_readonly("num_cores", &WorkSplit::num_cores)
        .def_readonly("all_cores", &WorkSplit::all_cores)
        .def_readonly("core_group_1", &WorkSplit::core_group_1)
        .def_readonly("core_group_2", &WorkSplit::core_group_2)
        .def_readonly("units_per_core_group_1", &WorkSplit::units_per_core_group_1)
        .def_readonly("units_per_core_group_2", &WorkSplit::units_per_core_group_2)
        .def("__iter__", [](const WorkSplit& s) {
            // tt-metal's structured binding order: (num_cores, all, group 1, group 2, units 1, units 2).
            return py::iter(py::make_tuple(s.num_cores, s.all_cores, s.core_group_1, s.core_group_2,
                                           s.units_per_core_group_1, s.units_per_core_group_2));
        });
    py::class_<CoreWork>(m, "CoreWork")
        .def_readonly("core", &CoreWork::core)
        .def_readonly("start", &CoreWork::start)
        .def_readonly("count", &CoreWork::count)
        .def("__repr__", [](const CoreWork& w) {
            return fmt::format("CoreWork(core={}, start={}, count={})", w.core, w.start, w.count);
        });
    m.def("split_work_to_cores", &split_work_to_cores, py::arg("grid_size"), py::arg("units"),
          py::arg("row_wise") = false);
    m.def("assign_work", &assign_work, py::arg("split"), py::arg("grid_size"), py::arg("row_wise") = false);
    m.def("num_cores_to_corerangeset",
          py::overload_cast<uint32_t, CoreCoord, bool>(&num_cores_to_corerangeset), py::arg("num_cores"),
          py::arg("grid_size"), py::arg("row_wise") = false);
    m.def("core_at_index", &core_at_index, py::arg("index"), py::arg("grid_size"),
          py::arg("row_wise") = false);

    py::class_<TensorAccessorArgs>(m, "TensorAccessorArgs")
        .def(py::init([](const Buffer& b) { return TensorAccessorArgs(b); }), py::arg("buffer"))
        .def(py::init([](const DeviceTensor& t) { return TensorAccessorArgs(*t.buffer); }), py::arg("tensor"))
        .def("get_compile_time_args", &TensorAccessorArgs::get_compile_time_args)
        .def("append_to", [](const TensorAccessorArgs& a, py::list args) {
            for (uint32_t v : a.get_compile_time_args()) args.append(v);
        });
}

}  // namespace tilesim::python
