#pragma once
// The subcommands of the `nnc` driver. Each returns the process exit status.
#include <string>
#include <vector>

namespace nnc {

// Exit statuses shared by every command (model-format.md section 3).
enum ExitCode : int { kExitOk = 0, kExitModelError = 1, kExitUsage = 2, kExitBug = 3 };

enum class ColorMode { Auto, Always, Never };
enum class CheckFormat { Text, Json, Github };

struct CheckOptions {
  std::vector<std::string> files;
  bool strict = false;
  CheckFormat format = CheckFormat::Text;
  ColorMode color = ColorMode::Auto;
};

struct SummaryOptions {
  std::string file;
  ColorMode color = ColorMode::Auto;
};

int run_check(const CheckOptions& options);
int run_summary(const SummaryOptions& options);

// Colour only on a terminal, and never when NO_COLOR is set.
bool use_color(ColorMode mode, int fd);

}  // namespace nnc
