#pragma once
// NumPy .npy files (format 1.0/2.0/3.0): float32 or float16, little-endian, C order. Anything else is
// refused with a message naming the file, what was found and what is accepted.
#include <filesystem>

#include "tilesim/tensor.hpp"

namespace tilesim {

// Reads a C-order .npy into a ROW_MAJOR tensor of the file's dtype: '<f4' -> Float32, '<f2' -> Float16
// (so a caller can tell a half input; to_dtype(DataType::Float32) converts it exactly). `what` names the
// argument in errors (e.g. "--grid"). Throws InvalidArgument on any problem (missing, truncated, wrong
// dtype/order...).
Tensor read_npy(const std::filesystem::path& path, std::string_view what = "input");
// Parses a whole .npy file already in memory (used by the fuzzer).
Tensor parse_npy(std::span<const std::byte> file_bytes, std::string_view what = "input");
// Writes a float tensor as .npy: a Float16 tensor as '<f2', any other dtype converted to float32 ('<f4').
// Writes to a temporary file in the same folder and renames it, so a failed write leaves no partial file.
void write_npy(const std::filesystem::path& path, const Tensor& tensor);

}  // namespace tilesim
