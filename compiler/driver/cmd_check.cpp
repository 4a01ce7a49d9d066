// `nnc check FILE...`: parse and shape-check only; never touches LLVM.
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "driver/commands.h"
#include "driver/executable_path.h"
#include "pipeline/report.h"
#include "pipeline/report_sarif.h"

namespace nnc {

bool use_color(ColorMode mode, int fd) {
  if (mode != ColorMode::Auto) return mode == ColorMode::Always;
  return std::getenv("NO_COLOR") == nullptr && isatty(fd);
}

namespace {

// The documentation installed with this nnc (share/doc/nnc beside bin/), as SARIF's tool.driver.informationUri.
std::string documentation_uri() {
  auto directory = executable_directory();
  const std::filesystem::path prefix = directory ? directory->parent_path() : std::filesystem::path("/usr");
  return path_uri((prefix / "share/doc/nnc/using-nnc.md").string());
}

}  // namespace

int run_check(const CheckOptions& options) {
  const TextStyle style{use_color(options.color, STDOUT_FILENO)};
  nlohmann::ordered_json files = nlohmann::ordered_json::array(), sarif = nlohmann::ordered_json::array();
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
      case CheckFormat::Sarif:
        for (auto& result : sarif_results(model)) sarif.push_back(std::move(result));
        break;
    }
  }
  const int count = static_cast<int>(options.files.size());
  if (options.format == CheckFormat::Json) {
    nlohmann::ordered_json doc = {{"files", files},
                          {"summary", {{"files", count}, {"failed", failed}, {"errors", errors}, {"warnings", warnings}}}};
    // A model file may hold any bytes; JSON must be UTF-8, and in ASCII no name in it can drive a terminal.
    std::cout << doc.dump(-1, ' ', true, nlohmann::ordered_json::error_handler_t::replace) << '\n';
  } else if (options.format == CheckFormat::Sarif) {
    const auto log = sarif_log({.version = NNC_VERSION, .information_uri = documentation_uri()}, std::move(sarif));
    std::cout << log.dump(-1, ' ', true, nlohmann::ordered_json::error_handler_t::replace) << '\n';
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
