// libFuzzer target: any bytes, read as a safetensors file by both of nnc's readers: the runtime's (nnc run, nnc
// emit) and the loader pasted into code emitted with --weights-file. Nothing may crash, hang or throw; the two
// readers must accept the same files and find the same tensors in them; and the F32 tensors of an accepted file
// must come back unchanged from writing and reading it again.
//
//   build/bin/fuzz_safetensors -max_total_time=60 build/tests/fuzz/safetensors_seeds
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>

#include "codegen/cpp/weights_loader.hpp"
#include "nnc/safetensors.h"
#include "same_bits.h"

namespace {

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "%s\n", what.c_str());
  std::abort();
}

// What the emitted loader makes of the file: true with its entries, or false with its reason.
bool emitted_loader_reads(const std::string& bytes, std::map<std::string, nnc_weights::Entry>& entries, std::string& problem) {
  std::istringstream in(bytes);
  uint64_t file_size = 0;
  std::string header;
  return nnc_weights::read_header(in, file_size, header, problem) && nnc_weights::parse_header(header, entries, problem) &&
         nnc_weights::check_layout(entries, file_size - 8 - header.size(), problem);
}


// The runtime ignores fields it does not know inside a tensor entry, as the reference reader does; the emitted
// loader, which has no JSON library to skip them with, rejects them.
bool only_unknown_fields(const std::string& problem) { return problem.find("unknown field") != std::string::npos; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  auto file = nnc::SafetensorsFile::parse(bytes, "fuzz.safetensors");
  std::map<std::string, nnc_weights::Entry> entries;
  std::string problem;
  const bool emitted_ok = emitted_loader_reads(bytes, entries, problem);
  if (!file) {
    if (file.error().message.rfind("fuzz.safetensors", 0) != 0) fail("the error does not name the file: " + file.error().message);
    if (emitted_ok) fail("the emitted loader accepts a file the runtime rejects: " + file.error().message);
    return 0;
  }
  if (!emitted_ok) {
    if (only_unknown_fields(problem)) return 0;
    fail("the runtime accepts a file the emitted loader rejects: " + problem);
  }
  if (entries.size() != file->entries().size()) fail("the readers find different numbers of tensors");
  std::map<std::string, nnc::Tensor> tensors;
  for (const auto& [key, entry] : file->entries()) {
    auto it = entries.find(key);
    if (it == entries.end() || it->second.dtype != entry.dtype || it->second.shape != entry.shape ||
        it->second.offsets != std::vector<int64_t>{entry.begin, entry.end})
      fail("the readers disagree about tensor '" + key + "'");
    auto tensor = file->tensor(key);
    if (!tensor) {
      if (entry.dtype == "F32") fail("an F32 tensor cannot be read: " + tensor.error().message);
      continue;
    }
    tensors.emplace(key, std::move(*tensor));
  }
  auto again = nnc::encode_safetensors(tensors, file->metadata());
  if (!again) return 0;  // keys that are not UTF-8 are read but never written
  auto reread = nnc::SafetensorsFile::parse(*again, "again.safetensors");
  if (!reread || reread->metadata() != file->metadata()) fail("a file written from what was read cannot be read back");
  for (const auto& [key, tensor] : tensors) {
    auto back = reread->tensor(key);
    if (!back || !same_bits(*back, tensor))
      fail("tensor '" + key + "' does not survive writing and reading");
  }
  return 0;
}
