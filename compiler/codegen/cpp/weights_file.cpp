#include "codegen/cpp/weights_file.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "support/internal_error.h"

namespace nnc::codegen {

namespace {

constexpr size_t kLoaderMaxRank = 8;  // nnc_weights::max_rank in weights_loader.hpp

}  // namespace

std::string weights_file_name(const std::string& model_id) { return model_id + ".safetensors"; }

std::string weights_file_declarations(const std::string& model_id) {
  return fmt::format(
      "// The parameters are not compiled in: load_weights reads them from a safetensors file (nnc writes one, named\n"
      "// weights_file, beside this header; trained weights under the same keys work too). It checks that every\n"
      "// parameter is there with dtype F32 and the model's shape (keys the model does not use are ignored), and on any\n"
      "// problem returns false, with the reason in *error, and keeps the weights loaded before. Call it before forward,\n"
      "// never while another thread is in forward. forward before a successful load_weights prints to stderr and aborts.\n"
      "constexpr const char* weights_file = {};\n"
      "bool load_weights(const char* path, std::string* error = nullptr);\n",
      cpp_string_literal(weights_file_name(model_id)));
}

std::string parameter_table(const ParamLayout& layout) {
  std::string rows;
  for (const ParamSlot& slot : layout.slots) {
    if (slot.shape.size() > kLoaderMaxRank)
      internal_error(fmt::format("parameter '{}' has rank {}, above the emitted loader's limit of {}", slot.key,
                                 slot.shape.size(), kLoaderMaxRank));
    rows += fmt::format("    {{{}, {}, {{{}}}, {}, {}}},\n", cpp_string_literal(slot.key), slot.shape.size(), fmt::join(slot.shape, ", "),
                        slot.offset, slot.row_block);
  }
  std::string table = fmt::format("// Each parameter's key, rank, shape, offset in the block of {} floats, and row block (0: not packed).\n", layout.total);
  table += fmt::format("constexpr std::array<nnc_weights::Param, {}> parameter_table{{", layout.slots.size());
  table += rows.empty() ? "};\n" : "{\n" + rows + "}};\n";
  table += fmt::format("constexpr std::int64_t parameter_floats = {};\n", layout.total);
  return table + "nnc_weights::Block loaded_weights;\n";
}

std::string load_weights_definition() {
  return "bool load_weights(const char* path, std::string* error) {\n"
         "  return nnc_weights::load(path, parameter_table.data(), parameter_table.size(), parameter_floats, loaded_weights, error);\n"
         "}\n\n";
}

std::string loaded_parameters(const std::string& model_id) {
  return fmt::format("nnc_weights::loaded(loaded_weights, {})", cpp_string_literal(model_id));
}

std::string cpp_string_literal(const std::string& text) {
  std::string literal = "\"";
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\' || c == '?') {  // '?' too, so that no trigraph can form
      literal += '\\';
      literal += c;
    } else if (byte >= 0x20 && byte < 0x7f) {
      literal += c;
    } else {
      literal += fmt::format("\\{:03o}", byte);
    }
  }
  return literal + "\"";
}

}  // namespace nnc::codegen
