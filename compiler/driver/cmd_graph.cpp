// `nnc graph MODEL [--format dot|mermaid] [-o PATH]`: a picture of the model, for Graphviz or Mermaid.
#include <unistd.h>

#include <iostream>

#include "driver/commands.h"
#include "driver/text_output.h"
#include "graph/picture.h"
#include "pipeline/report.h"

namespace nnc {

int run_graph(const GraphOptions& options) {
  LoadedModel model = load_model(options.file, {.set = options.set, .keep_written = true});
  print_diagnostics(std::cerr, model, TextStyle{use_color(options.color, STDERR_FILENO)});
  if (model.unreadable()) return kExitUsage;
  if (model.diags.has_errors()) return kExitModelError;
  const GraphPicture picture = graph_picture(model.graph);
  const std::string text = options.format == GraphFormat::Mermaid ? mermaid_text(picture) : dot_text(picture);
  return write_text_output(options.output, text);
}

}  // namespace nnc
