// Feeds weights files to the load_weights of code emitted with --weights-file. Build with `-include NAME.hpp
// -DNNC_MODEL=NAME` next to NAME.cpp.
//
//   probe GOOD BAD...       loads GOOD, then each BAD in turn, printing "accepted" or "rejected: MESSAGE" (newlines
//                           in MESSAGE as "\n"); after a rejection the weights from GOOD must still be in use.
//                           Exit 0 when every load behaved, 1 when one did not (said on stderr), 2 on usage.
//   probe --forward-first   calls forward without loading any weights, which must abort.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#ifndef NNC_MODEL
#error "define NNC_MODEL as the emitted model's namespace"
#endif

namespace {

std::vector<float> forward_ones() {
  std::vector<float> input(NNC_MODEL::input_size, 1.0f), output(NNC_MODEL::output_size);
  NNC_MODEL::forward(input.data(), output.data());
  return output;
}

std::string one_line(const std::string& text) {
  std::string line;
  for (char c : text) line += c == '\n' ? std::string("\\n") : std::string(1, c);
  return line;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::strcmp(argv[1], "--forward-first") == 0) {
    forward_ones();
    return 0;
  }
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s GOOD BAD... | --forward-first\n", argv[0]);
    return 2;
  }
  std::string error = "not cleared";
  if (!NNC_MODEL::load_weights(argv[1], &error) || !error.empty()) {
    std::fprintf(stderr, "%s: load_weights failed or left an error behind: %s\n", argv[1], error.c_str());
    return 1;
  }
  const std::vector<float> expected = forward_ones();
  for (int i = 2; i < argc; ++i) {
    if (NNC_MODEL::load_weights(argv[i], &error)) {
      std::printf("accepted\n");
      if (!NNC_MODEL::load_weights(argv[1])) return 1;
      continue;
    }
    std::printf("rejected: %s\n", one_line(error).c_str());
    if (error.rfind(argv[i], 0) != 0) {
      std::fprintf(stderr, "%s: the message does not start with the file's name: %s\n", argv[i], error.c_str());
      return 1;
    }
    if (forward_ones() != expected) {
      std::fprintf(stderr, "%s: a failed load changed the weights in use\n", argv[i]);
      return 1;
    }
  }
  return 0;
}
