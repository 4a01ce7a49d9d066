#include "pipeline/share_kernels.h"

#include <fmt/format.h>

#include <cctype>
#include <map>
#include <sstream>
#include <string>

#include "codegen/cpp/code_printer.h"

namespace nnc {
namespace {

bool is_identifier_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Everything the code generators see of a kernel except its name and comment: the printed body
// (float constants exactly) with each argument named by its position, and each argument's size,
// access and alignment. Fused epilogues name their parameters after their layer; the position
// is what matters.
std::string kernel_text(const ir::Function& f) {
  std::map<std::string, size_t> position;
  std::string text;
  for (size_t i = 0; i < f.args.size(); ++i) {
    const ir::Buffer& b = f.args[i];
    position.emplace(b->name, i);
    text += fmt::format("{} {} {} {}\n", i, b->size, b->read_only, b->alignment);
  }
  std::ostringstream body;
  codegen::CodePrinter(body).print(f.body);
  const std::string printed = body.str();
  for (size_t at = 0; at < printed.size();) {
    if (!is_identifier_char(printed[at])) {
      text += printed[at++];
      continue;
    }
    size_t end = at;
    while (end < printed.size() && is_identifier_char(printed[end])) ++end;
    const std::string word = printed.substr(at, end - at);
    auto arg = position.find(word);
    text += arg == position.end() ? word : fmt::format("${}", arg->second);
    at = end;
  }
  return text;
}

}  // namespace

void share_identical_kernels(ir::Module& module) {
  std::map<std::string, size_t> first_with_text;
  std::vector<size_t> shared_index(module.functions.size());
  std::vector<ir::Function> kept;
  for (size_t i = 0; i < module.functions.size(); ++i) {
    auto [it, inserted] = first_with_text.emplace(kernel_text(module.functions[i]), kept.size());
    if (inserted)
      kept.push_back(std::move(module.functions[i]));
    else
      kept[it->second].description += "; and " + module.functions[i].description;
    shared_index[i] = it->second;
  }
  module.functions = std::move(kept);
  for (ir::KernelCall& call : module.entry) call.function = shared_index[call.function];
}

}  // namespace nnc
