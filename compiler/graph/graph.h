#pragma once
// The Graph: a typed DAG of layers, each with its op, attributes, inputs, source location and,
// after shape inference, its output shape, parameters and cost.
#include <any>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "graph/attributes.h"
#include "nnc/shape.h"
#include "support/diagnostics.h"

namespace nnc {

struct OpSchema;

// Documented limits (docs/model-format.md): past them compile time and memory would grow without
// bound, so the front end refuses a model before any work is done on it.
constexpr size_t kMaxLayers = 100'000;  // layers in a model
constexpr size_t kMaxInputs = 256;      // tensors one layer joins (add, concat)

// Where a layer reads a tensor from.
struct InputRef {
  static constexpr int kModelInput = -1;
  static constexpr int kUnresolved = -2;

  std::string name;
  SourceLoc loc;
  int layer = kUnresolved;  // index of the producing layer, or kModelInput
};

// How a parameter without a constant initial value is drawn (from the seed), as PyTorch draws it.
enum class ParamInit {
  FanInUniform,   // uniform in +-1/sqrt(fan_in) (conv2d's, linear's kaiming_uniform(a=sqrt(5)))
  XavierUniform,  // uniform in +-sqrt(6 / (fan_in + fan_out)) (multihead_attention's in_proj_weight)
  Normal,         // standard normal (a `parameter`'s torch.randn)
};

struct ParamSpec {
  // "weight", "bias", "running_mean", ... (the weights file key is "<layer>.<key>"); empty: the key is the layer's
  // name itself (a `parameter`).
  std::string key;
  Shape shape;
  bool learnable = true;  // false for buffers (batchnorm running statistics)
  // PyTorch's constant initial value (batchnorm's 1 and 0, prelu's 0.25); none: drawn as `init` says.
  std::optional<float> fill;
  ParamInit init = ParamInit::FanInUniform;
};

struct Layer {
  std::string name;
  bool named = false;  // name given in the YAML (else the nn.Sequential index)
  std::string op;
  const OpSchema* schema = nullptr;  // null when the op is unknown
  SourceLoc loc;                     // the `op:` key
  Attrs attrs;
  std::any typed_attrs;  // the op's own attribute struct, decoded from attrs once the layer is read
  std::vector<InputRef> inputs;
  bool valid = true;  // false after a parse error: shape inference skips it quietly
  // In a block instance: the innermost instance (an index into Graph::instances), and one note per instance the
  // layer came through, innermost first, which every diagnostic about the layer carries.
  int instance = -1;
  std::vector<DiagnosticNote> origin;
  std::string written;  // when the reader keeps it: the attributes as written, arguments substituted (flow YAML)

  // Filled by shape inference.
  std::optional<Shape> shape;
  std::vector<ParamSpec> params;
  int64_t macs = 0;
  std::vector<std::string> formulas;  // the window formula worked out, one line per spatial axis
};

// The weights file key of a layer's parameter: "<layer>.<key>", or the layer's name for an empty key.
std::string weights_key(const Layer& layer, const ParamSpec& param);

// A layer's own attribute struct, as its op decoded it (ops/typed_attrs.h).
template <typename T>
const T& attrs_of(const Layer& layer) {
  return std::any_cast<const T&>(layer.typed_attrs);
}

// A block instance (or the group `repeat:` makes of several): its layers are layers[first, last) of the graph.
struct BlockInstance {
  std::string name;   // full name, e.g. "layer1.0"
  std::string block;  // the block it instantiates
  SourceLoc loc;      // the instance's `block:` entry
  int parent = -1;    // the instance it is part of, or -1 at the top level
  int depth = 1;      // 1 for an instance written in the model's layers
  size_t first = 0, last = 0;
  int output = -1;    // the layer whose tensor the instance's name stands for
  int repeat = 0;     // > 0: the group of numbered instances (`repeat:` or `start:`), not one instance
};

struct Graph {
  std::string name;
  std::string input_name = "input";
  Shape input_shape;
  SourceLoc input_loc;
  std::string weights;  // as written, relative to the model file
  std::vector<Layer> layers;
  int output = -1;  // index of the output layer, -1 if unknown
  SourceLoc output_loc;
  std::vector<BlockInstance> instances;  // in the order they begin

  int find_layer(std::string_view name) const;
  const Shape* shape_of(const InputRef& ref) const;
};

// Element counts across a graph, for the summary and JSON.
struct GraphTotals {
  int64_t params = 0;       // learnable parameters
  int64_t stored = 0;       // every parameter and buffer, in elements
  int64_t macs = 0;
  int64_t largest_activation = 0;
  std::string largest_activation_name;
};

GraphTotals totals(const Graph& graph);
int64_t param_count(const Layer& layer);

}  // namespace nnc
