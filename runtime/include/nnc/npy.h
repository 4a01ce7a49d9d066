#pragma once
// NumPy's .npy format for float32 tensors (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html).
//
// Reading accepts format versions 1.0, 2.0 and 3.0, dtype '<f4' in C order, a header padded to any length (numpy
// writes 16- or 64-byte alignment and does not check it on reading), and exactly shape-many elements after it.
// Anything else is an Error naming the file and saying what was expected and what was found.
// Writing produces version 1.0 (2.0 when the header does not fit 1.0's 16-bit length), data 64-byte aligned.
#include <string>
#include <string_view>

#include "nnc/result.h"
#include "nnc/tensor.h"

namespace nnc {

// `name` is the file name used in error messages.
Result<Tensor> decode_npy(std::string_view bytes, std::string_view name);
Result<Tensor> read_npy(const std::string& path);

// The header (magic, version, length, padded dict); the data follows it as the tensor's raw little-endian floats.
std::string npy_header(const Shape& shape);
std::string encode_npy(const Tensor& tensor);
// Atomic: on failure an existing file at `path` is left untouched.
Status write_npy(const std::string& path, const Tensor& tensor);

}  // namespace nnc
