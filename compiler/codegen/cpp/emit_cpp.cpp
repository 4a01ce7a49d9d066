#include "codegen/cpp/emit_cpp.h"

#include <fmt/format.h>

#include <sstream>

#include "codegen/cpp/code_printer.h"
#include "codegen/cpp/weights_file.h"
#include "support/identifier.h"

namespace nnc::codegen {

namespace {

std::string parameter_array(const float* parameters, int64_t count) {
  std::string text = fmt::format("alignas(64) const float parameters[{}] = {{", count > 0 ? count : 1);
  if (count == 0) return text + "0.0f};\n";
  for (int64_t i = 0; i < count; ++i) {
    text += i % 8 == 0 ? "\n    " : " ";
    text += hex_float_literal(parameters[i]);
    text += ",";
  }
  return text + "\n};\n";
}

}  // namespace

CppSources emit_cpp(const ir::Module& module, const float* parameters, const ModelOrigin& origin, ParameterStorage storage) {
  const bool weights_file = storage == ParameterStorage::WeightsFile;
  CppSources out;
  out.name = model_identifier(origin.model_name);
  const std::string banner = generated_banner(origin, "cpp");
  out.header = model_header(module, out.name,
                            {.banner = banner,
                             .extra_includes = weights_file ? "#include <string>\n" : "",
                             .declarations = weights_file ? weights_file_declarations(out.name) + "\n" : ""});

  std::ostringstream src;
  src << banner << "#include \"" << out.name << ".hpp\"\n\n#include <vector>\n\n" << kCppPrologue << "\n";
  if (weights_file) src << kCppWeightsLoader << "\n";
  src << "namespace " << out.name << " {\n\nnamespace {\n\n";
  src << (weights_file ? parameter_table(module.params) : parameter_array(parameters, module.params.total)) << "\n";
  CodePrinter(src, Dialect::Cpp).print_module(module, "run_layers");
  src << "\n}  // namespace\n\n";
  if (weights_file) src << load_weights_definition();
  src << "void forward(const float* input, float* output, float* workspace) {\n"
         "  run_layers(input, output, " << (weights_file ? loaded_parameters(out.name) : "parameters") << ", workspace);\n}\n\n"
         "void forward(const float* input, float* output) {\n"
         "  thread_local std::vector<float> workspace(workspace_size);\n"
         "  forward(input, output, workspace.data());\n}\n\n";
  src << "}  // namespace " << out.name << "\n";
  out.source = src.str();
  return out;
}

}  // namespace nnc::codegen
