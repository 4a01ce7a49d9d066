#pragma once
// `nnc graph`: a typed Graph as a picture. graph_picture() decides what is shown (nodes with their labels, edges
// with shapes, block instances as nested clusters); dot_text() and mermaid_text() only write it down.
#include <string>
#include <vector>

#include "graph/graph.h"

namespace nnc {

struct PictureNode {
  std::string id;     // a plain identifier: n<layer index>, "input", "output"
  std::vector<std::string> lines;  // the label, one entry a line, already printable
  int cluster = -1;   // the innermost cluster holding it, or -1
  bool terminal = false;  // the model's input or output (drawn rounder)
};

struct PictureEdge {
  size_t from = 0, to = 0;  // indices into GraphPicture::nodes
  std::string label;        // the tensor's shape
};

struct PictureCluster {
  std::string id;     // a plain identifier: c<instance index>
  std::string label;  // "layer1.0: basic", "layer1: basic x2"
  int parent = -1;
};

struct GraphPicture {
  std::string title;
  std::vector<PictureNode> nodes;
  std::vector<PictureEdge> edges;
  std::vector<PictureCluster> clusters;
};

// `graph` must have been shape-checked without errors; layers' `written` attributes (ReadOptions::keep_written)
// become the second line of their labels.
GraphPicture graph_picture(const Graph& graph);

std::string dot_text(const GraphPicture& picture);      // Graphviz
std::string mermaid_text(const GraphPicture& picture);  // a Mermaid flowchart

}  // namespace nnc
