#include "driver/text_output.h"

#include <iostream>

#include "driver/commands.h"
#include "nnc/file_io.h"
#include "support/printable.h"

namespace nnc {

int write_text_output(const std::string& output, const std::string& text) {
  if (output.empty() || output == "-") {
    std::cout << text;
    return kExitOk;
  }
  if (auto written = write_file_atomically(output, {text}); !written) {
    std::cerr << "nnc: error: " << printable(written.error().message) << "\n";
    return kExitUsage;
  }
  return kExitOk;
}

}  // namespace nnc
