// Runs an emitted model on a raw float32 input file and writes its raw float32 output. Build with
// `-include NAME.hpp -DNNC_MODEL=NAME` next to NAME.cpp (--emit cpp) or NAME.o (--emit obj); add
// -DNNC_WEIGHTS_FILE for code emitted with --weights-file, which then takes the safetensors file to load as a
// third argument.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#ifndef NNC_MODEL
#error "define NNC_MODEL as the emitted model's namespace"
#endif

#ifdef NNC_WEIGHTS_FILE
constexpr int kArgs = 4;
constexpr const char* kUsage = "INPUT.f32 OUTPUT.f32 WEIGHTS.safetensors";
#else
constexpr int kArgs = 3;
constexpr const char* kUsage = "INPUT.f32 OUTPUT.f32";
#endif

int main(int argc, char** argv) {
  if (argc != kArgs) {
    std::fprintf(stderr, "usage: %s %s\n", argv[0], kUsage);
    return 2;
  }
#ifdef NNC_WEIGHTS_FILE
  std::string error;
  if (!NNC_MODEL::load_weights(argv[3], &error)) {
    std::fprintf(stderr, "load_weights failed: %s\n", error.c_str());
    return 1;
  }
#endif
  std::vector<float> input(NNC_MODEL::input_size), output(NNC_MODEL::output_size);
  std::FILE* in = std::fopen(argv[1], "rb");
  if (!in || std::fread(input.data(), sizeof(float), input.size(), in) != input.size() || std::fgetc(in) != EOF) {
    std::fprintf(stderr, "%s: cannot read %zu floats\n", argv[1], input.size());
    return 1;
  }
  std::fclose(in);
  NNC_MODEL::forward(input.data(), output.data());

  // The caller-workspace variant computes the same, and a second call is unaffected by the first.
  std::vector<float> workspace(NNC_MODEL::workspace_size), again(NNC_MODEL::output_size);
  NNC_MODEL::forward(input.data(), again.data(), workspace.data());
  if (std::memcmp(output.data(), again.data(), output.size() * sizeof(float)) != 0) {
    std::fprintf(stderr, "forward with a caller's workspace differs\n");
    return 1;
  }
  std::FILE* out = std::fopen(argv[2], "wb");
  if (!out || std::fwrite(output.data(), sizeof(float), output.size(), out) != output.size() || std::fclose(out) != 0) {
    std::fprintf(stderr, "%s: cannot write\n", argv[2]);
    return 1;
  }
  return 0;
}
