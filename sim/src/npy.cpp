// NumPy .npy reading and writing (format 1.0/2.0/3.0, numpy/lib/format.py). Only little-endian float32
// ('<f4') and float16 ('<f2') in C order are accepted; every size is checked before anything is allocated, so
// a header that claims 10^15 elements is refused cheaply.
#include "tilesim/npy.hpp"

#include <unistd.h>

#include <atomic>
#include <bit>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <tuple>

#include <fmt/ranges.h>

#include "tilesim/error.hpp"

namespace tilesim {
namespace fs = std::filesystem;
static_assert(std::endian::native == std::endian::little, "npy I/O assumes a little-endian host");

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;
constexpr size_t kMaxHeaderLen = 1 << 20;  // numpy itself refuses headers over 10000 bytes by default

// Everything the reader learns from the header.
struct NpyHeader {
    Shape shape;
    DataType dtype = DataType::Float32;
    size_t data_offset = 0;
    uint64_t data_bytes = 0;
};

// Context of one read, for messages: "<what>: <source>: <problem>".
struct Source {
    std::string_view what;
    std::string name;
    template <class... Args>
    [[noreturn]] void fail(fmt::format_string<Args...> format, Args&&... args) const {
        throw InvalidArgument(
            fmt::format("{}: {}: {}", what, name, fmt::format(format, std::forward<Args>(args)...)));
    }
};

// A value of the header dict: a string, a bool, a tuple of integers, or anything else (kept as text).
struct DictValue {
    enum Kind { String, Bool, Tuple, Other } kind = Other;
    std::string text;  // String: the contents; Other: the raw text
    bool boolean = false;
    std::vector<std::string> items;  // Tuple: the raw items, checked by the caller
};

// A strict parser for the Python dict literal numpy writes: {'descr': '<f4', 'fortran_order': False,
// 'shape': (3, 4), }
class DictParser {
  public:
    DictParser(std::string_view s, const Source& src) : s_(s), src_(src) {}

    std::vector<std::pair<std::string, DictValue>> parse() {
        std::vector<std::pair<std::string, DictValue>> out;
        expect('{');
        while (!peek_is('}')) {
            std::string key = parse_string();
            expect(':');
            out.emplace_back(std::move(key), parse_value());
            if (!peek_is('}')) expect(',');
        }
        expect('}');
        skip_space();
        if (pos_ != s_.size()) src_.fail("bad header: unexpected text after the dict: '{}'", s_.substr(pos_));
        return out;
    }

  private:
    void skip_space() {
        while (pos_ < s_.size() &&
               (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\t' || s_[pos_] == '\r'))
            ++pos_;
    }
    bool peek_is(char c) {
        skip_space();
        return pos_ < s_.size() && s_[pos_] == c;
    }
    void expect(char c) {
        if (!peek_is(c)) {
            src_.fail("bad header dict: expected '{}' at offset {} of \"{}\"", c, pos_, s_);
        }
        ++pos_;
    }
    std::string parse_string() {
        skip_space();
        if (pos_ >= s_.size() || (s_[pos_] != '\'' && s_[pos_] != '"')) {
            src_.fail("bad header dict: expected a quoted string at offset {} of \"{}\"", pos_, s_);
        }
        const char quote = s_[pos_++];
        const size_t end = s_.find(quote, pos_);
        if (end == std::string_view::npos) src_.fail("bad header dict: unterminated string in \"{}\"", s_);
        std::string out(s_.substr(pos_, end - pos_));
        pos_ = end + 1;
        return out;
    }
    // Raw text up to the next ',' or '}' at depth 0 (brackets balanced).
    std::string raw_until_separator() {
        const size_t start = pos_;
        int depth = 0;
        for (; pos_ < s_.size(); ++pos_) {
            const char c = s_[pos_];
            if (c == '(' || c == '[' || c == '{') ++depth;
            if (c == ')' || c == ']' || c == '}') {
                if (depth == 0) break;
                --depth;
            }
            if (c == ',' && depth == 0) break;
        }
        return std::string(s_.substr(start, pos_ - start));
    }
    DictValue parse_value() {
        skip_space();
        DictValue v;
        if (pos_ < s_.size() && (s_[pos_] == '\'' || s_[pos_] == '"')) {
            v.kind = DictValue::String;
            v.text = parse_string();
        } else if (s_.substr(pos_, 4) == "True" || s_.substr(pos_, 5) == "False") {
            v.kind = DictValue::Bool;
            v.boolean = s_[pos_] == 'T';
            pos_ += v.boolean ? 4 : 5;
        } else if (peek_is('(')) {
            ++pos_;
            v.kind = DictValue::Tuple;
            while (!peek_is(')')) {
                std::string item = raw_until_separator();
                while (!item.empty() && item.back() == ' ') item.pop_back();
                v.items.push_back(std::move(item));
                if (!peek_is(')')) expect(',');
            }
            expect(')');
        } else {
            v.text = raw_until_separator();
        }
        return v;
    }

    std::string_view s_;
    const Source& src_;
    size_t pos_ = 0;
};

uint32_t parse_dim(const std::string& item, const Source& src, const std::string& shape_text) {
    if (item.empty() || item.size() > 10 || item.find_first_not_of("0123456789") != std::string::npos) {
        src.fail("shape {} has a dimension '{}' that is not a non-negative integer below 2^32", shape_text,
                 item);
    }
    const uint64_t d = std::stoull(item);
    if (d > UINT32_MAX) src.fail("shape {} has a dimension {} above 2^32 - 1", shape_text, d);
    return static_cast<uint32_t>(d);
}

// The tensor dtype of a descr NumPy writes on a little-endian host ('|f2' is not written by NumPy).
constexpr const char* kAccepted = "expected '<f4' (little-endian float32) or '<f2' (little-endian float16)";
DataType dtype_of_descr(const DictValue& descr, const Source& src) {
    if (descr.kind != DictValue::String)
        src.fail("dtype {} is not supported (structured or object arrays), {}", descr.text, kAccepted);
    if (descr.text == "<f4") return DataType::Float32;
    if (descr.text == "<f2") return DataType::Float16;
    src.fail("dtype '{}' is not supported, {}; convert with array.astype('<f4')", descr.text, kAccepted);
}

// Interprets the dict: descr '<f4' or '<f2', fortran_order False, a valid shape, no other key.
std::pair<Shape, DataType> interpret_dict(std::string_view header, const Source& src) {
    std::optional<DictValue> descr, fortran, shape;
    for (auto& [key, value] : DictParser(header, src).parse()) {
        if (key == "descr")
            descr = value;
        else if (key == "fortran_order")
            fortran = value;
        else if (key == "shape")
            shape = value;
        else
            src.fail("bad header dict: unknown key '{}' (expected descr, fortran_order, shape)", key);
    }
    if (!descr || !fortran || !shape) {
        src.fail("bad header dict: needs the keys descr, fortran_order and shape, got \"{}\"", header);
    }
    const DataType dtype = dtype_of_descr(*descr, src);
    if (fortran->kind != DictValue::Bool) src.fail("bad header dict: fortran_order must be True or False");
    if (fortran->boolean) {
        src.fail("fortran_order True is not supported, expected a C-order array (numpy.ascontiguousarray)");
    }
    if (shape->kind != DictValue::Tuple)
        src.fail("bad header dict: shape must be a tuple, got '{}'", shape->text);
    const std::string shape_text = fmt::format("({})", fmt::join(shape->items, ", "));
    std::vector<uint32_t> dims;
    for (const auto& item : shape->items) dims.push_back(parse_dim(item, src, shape_text));
    if (dims.empty()) dims.push_back(1);  // a NumPy scalar (shape ()) is read as one value of shape [1]
    return {Shape(std::move(dims)), dtype};
}

// Reads magic, version and header length from the first bytes; returns the header's [begin, end).
std::pair<size_t, size_t> header_extent(std::span<const std::byte> prefix, uint64_t file_size,
                                        const Source& src) {
    const auto* b = reinterpret_cast<const unsigned char*>(prefix.data());
    if (prefix.size() < kMagicLen + 2 || std::memcmp(b, kMagic, kMagicLen) != 0) {
        src.fail("not a .npy file (bad magic: the file must start with \\x93NUMPY), {} bytes", file_size);
    }
    const unsigned major = b[6], minor = b[7];
    if (major < 1 || major > 3 || minor != 0) {
        src.fail("unsupported .npy format version {}.{}, expected 1.0, 2.0 or 3.0", major, minor);
    }
    const size_t len_bytes = major == 1 ? 2 : 4;
    if (prefix.size() < 8 + len_bytes) src.fail("truncated header: file has {} bytes", file_size);
    uint64_t header_len = b[8] | uint64_t(b[9]) << 8;
    if (len_bytes == 4) header_len |= uint64_t(b[10]) << 16 | uint64_t(b[11]) << 24;
    const size_t begin = 8 + len_bytes;
    if (header_len > kMaxHeaderLen)
        src.fail("header length {} exceeds the limit of {} bytes", header_len, kMaxHeaderLen);
    if (begin + header_len > file_size) {
        src.fail("truncated header: it claims {} bytes but the file has {} bytes in all", header_len,
                 file_size);
    }
    return {begin, begin + header_len};
}

NpyHeader parse_header(std::span<const std::byte> header_bytes, uint64_t file_size, size_t data_offset,
                       const Source& src) {
    std::string_view header(reinterpret_cast<const char*>(header_bytes.data()), header_bytes.size());
    // numpy pads the dict with spaces and ends it with '\n'; drop them so messages quote the dict only.
    while (!header.empty() && (header.back() == ' ' || header.back() == '\n')) header.remove_suffix(1);
    NpyHeader h;
    std::tie(h.shape, h.dtype) = interpret_dict(header, src);
    h.data_offset = data_offset;
    uint64_t volume = 1;
    for (uint32_t d : h.shape.dims()) {
        if (__builtin_mul_overflow(volume, uint64_t(d), &volume) || volume > (UINT64_MAX >> 3)) {
            src.fail("shape {} has too many elements", h.shape);
        }
    }
    h.data_bytes = volume * element_size(h.dtype);
    const uint64_t available = file_size - data_offset;
    if (available != h.data_bytes) {
        src.fail(
            "data size mismatch: shape {} of {} needs {} bytes, the file has {} bytes after the header{}",
            h.shape, h.dtype, h.data_bytes, available, available < h.data_bytes ? " (truncated)" : "");
    }
    return h;
}

Tensor parse_impl(std::span<const std::byte> bytes, const Source& src) {
    const auto [begin, end] = header_extent(bytes, bytes.size(), src);
    const NpyHeader h = parse_header(bytes.subspan(begin, end - begin), bytes.size(), end, src);
    Tensor t(h.shape, h.dtype);
    if (h.data_bytes != 0) std::memcpy(t.bytes().data(), bytes.data() + h.data_offset, h.data_bytes);
    return t;
}

std::string header_for(const Shape& shape, std::string_view descr) {
    std::string dims;
    for (uint32_t d : shape.dims()) dims += fmt::format("{}, ", d);
    if (shape.rank() > 1)
        dims.resize(dims.size() - 2);  // numpy: (3, 4) but (5,)
    else if (!dims.empty())
        dims.pop_back();
    std::string h = fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': ({}), }}", descr, dims);
    // Pad with spaces and a final newline so the data starts on a 64-byte boundary (format 1.0).
    const size_t total = kMagicLen + 2 + 2 + h.size() + 1;
    h.append((64 - total % 64) % 64, ' ');
    h.push_back('\n');
    return h;
}

}  // namespace

Tensor parse_npy(std::span<const std::byte> file_bytes, std::string_view what) {
    return parse_impl(file_bytes, Source{what, "<memory>"});
}

Tensor read_npy(const fs::path& path, std::string_view what) {
    const Source src{what, path.string()};
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) src.fail("no such file (or not a regular file)");
    const uint64_t size = fs::file_size(path, ec);
    if (ec) src.fail("cannot get the file size: {}", ec.message());
    std::ifstream in(path, std::ios::binary);
    if (!in) src.fail("cannot open the file: {}", std::strerror(errno));
    std::vector<std::byte> prefix(std::min<uint64_t>(size, 12));
    in.read(reinterpret_cast<char*>(prefix.data()), std::streamsize(prefix.size()));
    const auto [begin, end] = header_extent(prefix, size, src);
    std::vector<std::byte> header(end - begin);
    in.seekg(std::streamoff(begin));
    in.read(reinterpret_cast<char*>(header.data()), std::streamsize(header.size()));
    if (!in) src.fail("read error in the header");
    const NpyHeader h = parse_header(header, size, end, src);  // sizes checked before allocating
    Tensor t(h.shape, h.dtype);
    in.read(reinterpret_cast<char*>(t.bytes().data()), std::streamsize(h.data_bytes));
    if (uint64_t(in.gcount()) != h.data_bytes)
        src.fail("read error: got {} of {} data bytes", in.gcount(), h.data_bytes);
    return t;
}

void write_npy(const fs::path& path, const Tensor& tensor) {
    static std::atomic<uint64_t> counter{0};
    // A Float16 tensor is written as '<f2', its bits as they are; every other dtype as '<f4'.
    const bool half = tensor.dtype() == DataType::Float16;
    const Tensor halves = half ? tensor.to_layout(Layout::ROW_MAJOR) : Tensor();
    const std::vector<float> values = half ? std::vector<float>() : tensor.to_floats();
    const std::span<const std::byte> data = half ? halves.bytes() : std::as_bytes(std::span(values));
    const std::string header = header_for(tensor.shape(), half ? "<f2" : "<f4");
    if (header.size() > 65535)
        fail("write_npy: {}: shape {} gives a header too long", path.string(), tensor.shape());
    const fs::path tmp = path.string() + fmt::format(".tmp{}.{}", ::getpid(), counter++);
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) fail("write_npy: cannot write {}: {}", path.string(), std::strerror(errno));
        const unsigned char preamble[10] = {0x93,
                                            'N',
                                            'U',
                                            'M',
                                            'P',
                                            'Y',
                                            1,
                                            0,
                                            static_cast<unsigned char>(header.size() & 0xff),
                                            static_cast<unsigned char>(header.size() >> 8)};
        out.write(reinterpret_cast<const char*>(preamble), sizeof preamble);
        out << header;
        out.write(reinterpret_cast<const char*>(data.data()), std::streamsize(data.size()));
        out.close();
        if (!out) {
            std::error_code ec;
            fs::remove(tmp, ec);
            fail("write_npy: writing {} failed: {}", path.string(), std::strerror(errno));
        }
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) {
        const std::string why = ec.message();
        fs::remove(tmp, ec);
        fail("write_npy: cannot write {}: renaming the temporary file failed: {}", path.string(), why);
    }
}

}  // namespace tilesim
