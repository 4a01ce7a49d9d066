// `nnc check FILE...`: parse and shape-check only; never touches LLVM.
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "driver/commands.h"
#include "pipeline/report.h"

namespace nnc {

bool use_color(ColorMode mode, int fd) {
  if (mode != ColorMode::Auto) return mode == ColorMode::Always;
  return std::getenv("NO_COLOR") == nullptr && isatty(fd);
}

int run_check(const CheckOptions& options) {
  const TextStyle style{use_color(options.color, STDOUT_FILENO)};
  nlohmann::ordered_json files = nlohmann::ordered_json::array();
  int unreadable = 0, failed = 0, errors = 0, warnings = 0;
  for (const std::string& path : options.files) {
    LoadedModel model = load_model(path, {.set = options.set});
    unreadable += model.unreadable();
    failed += !model_ok(model, options.strict);
    errors += model.diags.error_count();
    warnings += model.diags.warning_count();
    switch (options.format) {
      case CheckFormat::Text: print_diagnostics(std::cout, model, style); break;
      case CheckFormat::Github: print_github_annotations(std::cout, model); break;
      case CheckFormat::Json: files.push_back(model_json(model, options.strict)); break;
    }
  }
  const int count = static_cast<int>(options.files.size());
  if (options.format == CheckFormat::Json) {
    nlohmann::ordered_json doc = {{"files", files},
                          {"summary", {{"files", count}, {"failed", failed}, {"errors", errors}, {"warnings", warnings}}}};
    // A model file may hold any bytes; JSON must be UTF-8, and in ASCII no name in it can drive a terminal.
    std::cout << doc.dump(-1, ' ', true, nlohmann::ordered_json::error_handler_t::replace) << '\n';
  } else if (options.format == CheckFormat::Text) {
    auto plural = [](int n, const char* word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); };
    std::cout << "checked " << plural(count, "file") << ": " << plural(errors, "error") << ", " << plural(warnings, "warning")
              << (failed ? ", " + std::to_string(failed) + " failed" + (options.strict ? " (--strict)" : "") : std::string())
              << '\n';
  }
  std::cout.flush();
  if (unreadable) return kExitUsage;
  return failed ? kExitModelError : kExitOk;
}

}  // namespace nnc
