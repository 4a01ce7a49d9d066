#include "codegen/cpp/bundle_header.h"

#include <fmt/format.h>

namespace nnc::codegen {

std::string bundle_entry_symbol(const std::string& name) { return "nnc_" + name + "_forward"; }

std::string bundle_header(const ir::Module& module, const std::string& name, const ModelOrigin& origin) {
  const std::string symbol = bundle_entry_symbol(name);
  std::string banner = generated_banner(origin, "obj");
  banner += fmt::format(
      "// The API of {0}.o, which holds the model's machine code for the CPU nnc ran on, and its parameters.\n"
      "// Link it into any C++17 program, e.g. `g++ -std=c++17 main.cpp {0}.o`: it needs only libc and libm (glibc's\n"
      "// vector math, libmvec, comes with -lm, which g++ and clang++ link by default).\n"
      "// Parallel loops (--threads > 1) run on the calling thread.\n",
      name);
  std::string definitions = fmt::format(
      "\n// The object file's entry point.\n"
      "extern \"C\" void {0}(const float* input, float* output, float* workspace);\n\n"
      "namespace {1} {{\n\n"
      "inline void forward(const float* input, float* output, float* workspace) {{ {0}(input, output, workspace); }}\n\n"
      "inline void forward(const float* input, float* output) {{\n"
      "  // Any float-aligned workspace will do; cache-line-aligned ones are faster.\n"
      "  struct alignas(64) CacheLine {{ float floats[16]; }};\n"
      "  thread_local std::vector<CacheLine> workspace((workspace_size + 15) / 16);\n"
      "  forward(input, output, reinterpret_cast<float*>(workspace.data()));\n"
      "}}\n\n"
      "}}  // namespace {1}\n",
      symbol, name);
  return model_header(module, name, {.banner = banner, .extra_includes = "#include <vector>\n", .definitions = definitions});
}

}  // namespace nnc::codegen
