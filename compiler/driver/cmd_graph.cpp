// `nnc graph MODEL [--format dot|mermaid] [-o PATH]`: a picture of the model, for Graphviz or Mermaid.
#include <unistd.h>

#include <iostream>

#include "driver/commands.h"
#include "graph/picture.h"
#include "nnc/file_io.h"
#include "pipeline/report.h"
#include "support/printable.h"

namespace nnc {

int run_graph(const GraphOptions& options) {
  LoadedModel model = load_model(options.file, {.set = options.set, .keep_written = true});
  print_diagnostics(std::cerr, model, TextStyle{use_color(options.color, STDERR_FILENO)});
  if (model.unreadable()) return kExitUsage;
  if (model.diags.has_errors()) return kExitModelError;
  const GraphPicture picture = graph_picture(model.graph);
  const std::string text = options.format == GraphFormat::Mermaid ? mermaid_text(picture) : dot_text(picture);
  if (options.output.empty() || options.output == "-") {
    std::cout << text;
    return kExitOk;
  }
  if (auto written = write_file_atomically(options.output, {text}); !written) {
    std::cerr << "nnc: error: " << printable(written.error().message) << "\n";
    return kExitUsage;
  }
  return kExitOk;
}

}  // namespace nnc
