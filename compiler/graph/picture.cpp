#include "graph/picture.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "support/printable.h"

namespace nnc {
namespace {

// Label lines are kept about this wide, so that one layer's attributes do not make its box wider than the rest.
constexpr size_t kLineWidth = 40;
constexpr size_t kMaxAttributeLines = 4;

std::string shown(std::string_view text) {
  std::string line = printable(text);
  if (line.size() <= kLineWidth + 8) return line;
  size_t cut = kLineWidth;
  while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
  return line.substr(0, cut) + "...";
}

// The attributes as written ("out_channels: 8, padding: [1, 2]"), split at the commas between them (not those inside
// a list) and packed into lines of about kLineWidth; past kMaxAttributeLines, "...".
std::vector<std::string> attribute_lines(std::string_view written) {
  std::vector<std::string> pieces;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < written.size(); ++i) {
    if (written[i] == '[' || written[i] == '{') ++depth;
    if (written[i] == ']' || written[i] == '}') --depth;
    if (depth == 0 && written.substr(i).starts_with(", ")) {
      pieces.emplace_back(written.substr(start, i - start));
      start = i + 2;
    }
  }
  if (start < written.size()) pieces.emplace_back(written.substr(start));
  std::vector<std::string> lines;
  for (const std::string& piece : pieces) {
    if (!lines.empty() && lines.back().size() + 2 + piece.size() <= kLineWidth) lines.back() += ", " + piece;
    else lines.push_back(piece);
  }
  if (lines.size() > kMaxAttributeLines) {
    lines.resize(kMaxAttributeLines);
    lines.back() = "...";
  }
  for (std::string& line : lines) line = shown(line);
  return lines;
}

std::string shape_text(const Shape& shape) { return fmt::format("[{}]", fmt::join(shape, ", ")); }

std::string cluster_label(const BlockInstance& instance) {
  return printable(instance.repeat ? fmt::format("{}: {} x{}", instance.name, instance.block, instance.repeat)
                                   : fmt::format("{}: {}", instance.name, instance.block));
}

}  // namespace

GraphPicture graph_picture(const Graph& graph) {
  GraphPicture picture;
  picture.title = printable(graph.name);
  for (size_t i = 0; i < graph.instances.size(); ++i)
    picture.clusters.push_back({fmt::format("c{}", i), cluster_label(graph.instances[i]), graph.instances[i].parent});

  picture.nodes.push_back({"input", {shown(graph.input_name), shape_text(graph.input_shape)}, -1, true});
  const size_t first_layer = picture.nodes.size();
  for (size_t i = 0; i < graph.layers.size(); ++i) {
    const Layer& layer = graph.layers[i];
    PictureNode node{fmt::format("n{}", i), {shown(layer.name)}, layer.instance, false};
    node.lines.push_back(layer.op);
    for (std::string& line : attribute_lines(layer.written)) node.lines.push_back(std::move(line));
    picture.nodes.push_back(std::move(node));
  }
  for (size_t i = 0; i < graph.layers.size(); ++i)
    for (const InputRef& ref : graph.layers[i].inputs) {
      const Shape* shape = graph.shape_of(ref);
      const size_t from = ref.layer >= 0 ? first_layer + ref.layer : 0;
      picture.edges.push_back({from, first_layer + i, shape ? shape_text(*shape) : ""});
    }
  if (graph.output >= 0) {
    const Layer& output = graph.layers[graph.output];
    picture.nodes.push_back({"output", {"output"}, -1, true});
    picture.edges.push_back({first_layer + graph.output, picture.nodes.size() - 1, output.shape ? shape_text(*output.shape) : ""});
  }
  return picture;
}

}  // namespace nnc
