// mermaid_text(): a GraphPicture as a Mermaid flowchart, block instances as nested subgraphs.
#include <fmt/format.h>

#include "graph/picture.h"

namespace nnc {
namespace {

// A Mermaid quoted label: its own entity codes for the characters that would end or break it.
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "#quot;"; break;
      case '<': out += "#lt;"; break;
      case '>': out += "#gt;"; break;
      case '#': out += "#35;"; break;
      case '`': out += "#96;"; break;  // a label opening with a backtick would be read as Markdown
      default: out += c;
    }
  }
  return out + "\"";
}

std::string label(const std::vector<std::string>& lines) {
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string line = quoted(lines[i]);
    out += (i ? "<br/>" : "") + line.substr(1, line.size() - 2);
  }
  return "\"" + out + "\"";
}

void write_cluster(std::string& out, const GraphPicture& picture, int cluster, int depth) {
  const std::string indent(2 * depth, ' ');
  for (const PictureNode& node : picture.nodes)
    if (node.cluster == cluster)
      out += indent + node.id + (node.terminal ? "([" + label(node.lines) + "])\n" : "[" + label(node.lines) + "]\n");
  for (size_t i = 0; i < picture.clusters.size(); ++i) {
    if (picture.clusters[i].parent != cluster) continue;
    out += fmt::format("{}subgraph {}[{}]\n", indent, picture.clusters[i].id, quoted(picture.clusters[i].label));
    write_cluster(out, picture, static_cast<int>(i), depth + 1);
    out += indent + "end\n";
  }
}

}  // namespace

std::string mermaid_text(const GraphPicture& picture) {
  std::string out = "flowchart TB\n";
  write_cluster(out, picture, -1, 1);
  for (const PictureEdge& edge : picture.edges)
    out += fmt::format("  {} -->|{}| {}\n", picture.nodes[edge.from].id, quoted(edge.label), picture.nodes[edge.to].id);
  return out;
}

}  // namespace nnc
