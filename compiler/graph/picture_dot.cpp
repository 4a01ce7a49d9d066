// dot_text(): a GraphPicture in Graphviz's language. Clusters nest as `subgraph cluster_...`, and a node belongs to
// the cluster it is first written in, so each node is written inside its own.
#include <fmt/format.h>

#include "graph/picture.h"

namespace nnc {
namespace {

// A DOT string's body: quotes and backslashes escaped, label lines joined by DOT's centred line break.
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string label(const std::vector<std::string>& lines) {
  std::string out = "\"";
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string line = quoted(lines[i]);
    out += (i ? "\\n" : "") + line.substr(1, line.size() - 2);
  }
  return out + "\"";
}

void write_cluster(std::string& out, const GraphPicture& picture, int cluster, int depth) {
  const std::string indent(2 * depth, ' ');
  for (const PictureNode& node : picture.nodes)
    if (node.cluster == cluster)
      out += fmt::format("{}{} [label={}{}];\n", indent, node.id, label(node.lines), node.terminal ? ", shape=oval" : "");
  for (size_t i = 0; i < picture.clusters.size(); ++i) {
    if (picture.clusters[i].parent != cluster) continue;
    out += fmt::format("{}subgraph cluster_{} {{\n{}  label={};\n", indent, picture.clusters[i].id, indent,
                       quoted(picture.clusters[i].label));
    write_cluster(out, picture, static_cast<int>(i), depth + 1);
    out += indent + "}\n";
  }
}

}  // namespace

std::string dot_text(const GraphPicture& picture) {
  std::string out = fmt::format("digraph {} {{\n", quoted(picture.title));
  out += "  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n";
  out += "  edge [fontname=\"Helvetica\", fontsize=10];\n";
  out += "  graph [fontname=\"Helvetica\", style=rounded];\n";
  write_cluster(out, picture, -1, 1);
  for (const PictureEdge& edge : picture.edges)
    out += fmt::format("  {} -> {} [label={}];\n", picture.nodes[edge.from].id, picture.nodes[edge.to].id, quoted(edge.label));
  return out + "}\n";
}

}  // namespace nnc
