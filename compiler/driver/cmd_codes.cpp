// `nnc codes [--format text|markdown|json]`: every diagnostic code with its severity and meaning,
// straight from kDiagCodes (docs/model-format.md embeds the markdown; the diagnostics tests read the json).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>

#include "driver/commands.h"
#include "support/diagnostics.h"

namespace nnc {

int run_codes(const CodesOptions& options) {
  nlohmann::ordered_json codes = nlohmann::ordered_json::array();
  if (options.format == CodesFormat::Markdown) std::cout << "| code | severity | meaning |\n|---|---|---|\n";
  for (const DiagCodeInfo& code : kDiagCodes) {
    const char* severity = severity_name(code.severity);
    switch (options.format) {
      case CodesFormat::Text: std::cout << fmt::format("{:<28} {:<8} {}\n", code.name, severity, code.meaning); break;
      case CodesFormat::Markdown: std::cout << fmt::format("| `{}` | {} | {} |\n", code.name, severity, code.meaning); break;
      case CodesFormat::Json: codes.push_back({{"code", code.name}, {"severity", severity}, {"meaning", code.meaning}}); break;
    }
  }
  if (options.format == CodesFormat::Json) std::cout << codes.dump() << '\n';
  return kExitOk;
}

}  // namespace nnc
