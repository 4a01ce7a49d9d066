#pragma once
// The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian header size N, N bytes
// of JSON {"KEY": {"dtype": "F32", "shape": [2, 3], "data_offsets": [BEGIN, END]}, ..., "__metadata__": {...}},
// then the data section, which the offsets index.
//
// Reading applies the reference implementation's checks (safetensors/src/tensor.rs: read_metadata, validate):
// N at most 100,000,000 and within the file; the header valid UTF-8 JSON, an object starting with '{';
// "__metadata__" (optional) maps strings to strings; every other key has a known dtype, a shape and two data_offsets
// of non-negative integers; dtype size x element count == END - BEGIN, overflow-checked; sorted by offset, the
// tensors are contiguous, do not overlap and cover the data section exactly. Unknown fields inside a tensor entry
// are ignored, as the reference does. Stricter than the reference: duplicate JSON keys at any level are an error
// (JSON parsers silently keep one of them), and so is nesting deeper than 64 levels.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "nnc/result.h"
#include "nnc/tensor.h"

namespace nnc {

struct SafetensorsEntry {
  std::string dtype;  // "F32", "F16", "BF16", "I64", ...
  Shape shape;
  int64_t begin = 0, end = 0;  // byte offsets into the data section
};

class SafetensorsFile {
 public:
  // `name` is the file name used in error messages.
  static Result<SafetensorsFile> parse(std::string bytes, std::string name);
  // Checks the header size and then the header against the file's size before reading what they describe.
  static Result<SafetensorsFile> read(const std::string& path);

  const std::string& name() const { return name_; }
  const std::map<std::string, SafetensorsEntry>& entries() const { return entries_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

  // The F32 tensor stored under `key`; an error naming the file and the key when it is missing or another dtype.
  Result<Tensor> tensor(const std::string& key) const;

 private:
  // The entries and metadata of the JSON header `text`, checked against the size of the data section.
  static Result<SafetensorsFile> parse_header(std::string_view text, uint64_t data_size, std::string name);

  std::string name_;
  std::string bytes_;  // the data section starts at data_start_ (read() keeps only the data, parse() the whole file)
  std::size_t data_start_ = 0;
  std::map<std::string, SafetensorsEntry> entries_;
  std::map<std::string, std::string> metadata_;
};

// A safetensors file of F32 tensors laid out as the reference writer does: "__metadata__" first when there is
// any, tensors in key order, header padded with spaces to a multiple of 8 bytes. An error for a key that is not
// valid UTF-8 or is "__metadata__".
Result<std::string> encode_safetensors(const std::map<std::string, Tensor>& tensors,
                                       const std::map<std::string, std::string>& metadata = {});
// Atomic: on failure an existing file at `path` is left untouched.
Status write_safetensors(const std::string& path, const std::map<std::string, Tensor>& tensors,
                         const std::map<std::string, std::string>& metadata = {});

}  // namespace nnc
