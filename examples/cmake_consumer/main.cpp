// Runs the emitted model once and prints its output, one value a line.
//   classify [INPUT]   INPUT: the input as raw float32 (tiny_net::input_size values); default: all zeros
#include <cstdio>
#include <fstream>
#include <vector>

#include "tiny_net.hpp"

int main(int argc, char** argv) {
  std::vector<float> input(tiny_net::input_size), output(tiny_net::output_size);
  if (argc > 1) {
    std::ifstream file(argv[1], std::ios::binary);
    if (!file.read(reinterpret_cast<char*>(input.data()), static_cast<std::streamsize>(input.size() * sizeof(float)))) {
      std::fprintf(stderr, "classify: %s does not hold %zu float32 values\n", argv[1], input.size());
      return 2;
    }
  }
  tiny_net::forward(input.data(), output.data());
  for (float value : output) std::printf("%.9g\n", value);
  return 0;
}
