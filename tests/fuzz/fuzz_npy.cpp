// libFuzzer target: any bytes, read as a .npy file. Nothing may crash, hang or throw, and a file that is read
// must come back unchanged from writing and reading it again.
//
//   build/bin/fuzz_npy -max_total_time=60 build/tests/fuzz/npy_seeds
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "nnc/npy.h"
#include "same_bits.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto tensor = nnc::decode_npy(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.npy");
  if (!tensor) {
    if (tensor.error().message.rfind("fuzz.npy", 0) != 0) {
      std::fprintf(stderr, "the error does not name the file: %s\n", tensor.error().message.c_str());
      std::abort();
    }
    return 0;
  }
  const std::string again = nnc::encode_npy(*tensor);
  auto reread = nnc::decode_npy(again, "again.npy");
  if (!reread || !same_bits(*reread, *tensor)) {
    std::fprintf(stderr, "a tensor read from .npy does not survive writing and reading\n");
    std::abort();
  }
  return 0;
}
