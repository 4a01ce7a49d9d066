#include "import/onnx_model.h"

#include <fmt/format.h>
#include <onnx/checker.h>
#include <onnx/shape_inference/implementation.h>

#include <algorithm>
#include <set>
#include <stdexcept>

#include "import/attributes.h"
#include "import/isolated.h"
#include "nnc/file_io.h"

namespace nnc::onnx_import {

namespace {

constexpr int64_t kMinOpset = 11, kMaxOpset = 17;

void fail(ImportOutcome& outcome, int status, std::string message) {
  outcome.status = status;
  outcome.errors.push_back(std::move(message));
}

std::string dims_text(const onnx::TensorShapeProto& shape) {
  std::string text;
  for (const auto& d : shape.dim())
    text += (text.empty() ? "" : ", ") + (d.has_dim_value() ? std::to_string(d.dim_value()) : d.has_dim_param() ? d.dim_param() : "?");
  return "[" + text + "]";
}

// The shape when every dimension is a number.
std::optional<std::vector<int64_t>> static_shape(const onnx::ValueInfoProto& info) {
  if (!info.type().has_tensor_type() || !info.type().tensor_type().has_shape()) return std::nullopt;
  std::vector<int64_t> shape;
  for (const auto& d : info.type().tensor_type().shape().dim()) {
    if (!d.has_dim_value()) return std::nullopt;
    shape.push_back(d.dim_value());
  }
  return shape;
}

// libonnx 1.12's shape inference divides by strides and groups without checking them (SIGFPE on 0), so window
// attributes are checked first: an error for each node whose strides, dilations, kernel or group are not positive.
void check_window_attributes(const onnx::GraphProto& graph, ImportOutcome& outcome) {
  static const std::set<std::string> windowed = {"Conv", "ConvTranspose", "MaxPool", "AveragePool", "LpPool"};
  for (const auto& node : graph.node()) {
    if (!windowed.count(node.op_type()) || !(node.domain().empty() || node.domain() == "ai.onnx")) continue;
    for (const auto& attr : node.attribute()) {
      const bool listed = attr.name() == "strides" || attr.name() == "dilations" || attr.name() == "kernel_shape";
      const bool positive = listed ? std::all_of(attr.ints().begin(), attr.ints().end(), [](int64_t v) { return v > 0; })
                                   : attr.name() != "group" || attr.i() > 0;
      if (!positive)
        fail(outcome, kModelError, fmt::format("node '{}' ({}): its {} must be positive", node_label(node),
                                               node.op_type(), attr.name()));
    }
  }
}

// libonnx's shape inference, tried in a child process first: on some malformed attributes it reads out of bounds.
void infer_shapes(onnx::ModelProto& model) {
  model.mutable_graph()->clear_value_info();
  const auto infer = [&] {
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(), onnx::ShapeInferenceOptions(false, 0, true));
  };
  if (auto failure = fails_in_child(infer, std::chrono::seconds(60)))
    throw std::runtime_error(fmt::format("libonnx's shape inference {} on this model; some node's attributes are malformed", *failure));
  infer();
}

ShapeMap known_shapes(const onnx::GraphProto& graph) {
  ShapeMap shapes;
  for (const auto* list : {&graph.input(), &graph.value_info(), &graph.output()})
    for (const auto& info : *list)
      if (auto s = static_shape(info)) shapes[info.name()] = *s;
  return shapes;
}

// Sets the graph input's dimensions to --input-shape, or checks that they are all fixed.
bool fix_input_shape(onnx::ValueInfoProto& input, const std::vector<int64_t>& requested, ImportOutcome& outcome) {
  auto* tensor = input.mutable_type()->mutable_tensor_type();
  if (tensor->elem_type() != onnx::TensorProto::FLOAT) {
    fail(outcome, kModelError, fmt::format("input '{}' has element type {}; nnc models take float32 input", input.name(),
                                           onnx::TensorProto::DataType_Name(static_cast<onnx::TensorProto::DataType>(tensor->elem_type()))));
    return false;
  }
  auto* shape = tensor->mutable_shape();
  if (requested.empty()) {
    for (const auto& d : shape->dim())
      if (!d.has_dim_value() || d.dim_value() < 1) {
        fail(outcome, kModelError, fmt::format("input '{}' has the shape {}, not a fixed one: give --input-shape, e.g. --input-shape 1,3,224,224",
                                               input.name(), dims_text(*shape)));
        return false;
      }
    return true;
  }
  if (tensor->has_shape() && shape->dim_size() != static_cast<int>(requested.size())) {
    fail(outcome, kModelError, fmt::format("--input-shape gives {} dimensions, but input '{}' has the shape {}", requested.size(), input.name(),
                                           dims_text(*shape)));
    return false;
  }
  for (size_t i = 0; i < requested.size(); ++i) {
    const int index = static_cast<int>(i);
    if (index < shape->dim_size() && shape->dim(index).has_dim_value() && shape->dim(index).dim_value() != requested[i]) {
      fail(outcome, kModelError, fmt::format("--input-shape gives dimension {} as {}, but input '{}' fixes it at {} (shape {})", i, requested[i],
                                             input.name(), shape->dim(index).dim_value(), dims_text(*shape)));
      return false;
    }
  }
  shape->clear_dim();
  for (int64_t d : requested) shape->add_dim()->set_dim_value(d);
  return true;
}

// Replaces every node that can be computed now by initializers holding its outputs; the number replaced.
int fold_pass(OnnxModel& model, ImportOutcome& outcome) {
  onnx::GraphProto& graph = *model.proto->mutable_graph();
  google::protobuf::RepeatedPtrField<onnx::NodeProto> kept;
  int count = 0;
  for (auto& node : *graph.mutable_node()) {
    auto folded = fold_node(node, model.constants, model.shapes);
    if (!folded) {
      kept.Add()->Swap(&node);
      continue;
    }
    ++count;
    if (!*folded) {
      fail(outcome, kModelError, fmt::format("node '{}' ({}): {}", node_label(node), node.op_type(), folded->error().message));
      continue;
    }
    for (int i = 0; i < node.output_size() && i < static_cast<int>((*folded)->size()); ++i) {
      const Constant& c = (**folded)[static_cast<size_t>(i)];
      model.constants[node.output(i)] = c;
      *graph.add_initializer() = constant_to_proto(c, node.output(i));
    }
  }
  graph.mutable_node()->Swap(&kept);
  return count;
}

}  // namespace

std::unique_ptr<onnx::ModelProto> parse_onnx(const std::string& path, ImportOutcome& outcome) {
  auto bytes = read_file(path);
  if (!bytes) {
    fail(outcome, kUsageError, bytes.error().message);
    return nullptr;
  }
  return parse_onnx_bytes(*bytes, path, outcome);
}

std::unique_ptr<onnx::ModelProto> parse_onnx_bytes(const std::string& bytes, const std::string& name, ImportOutcome& outcome) {
  auto proto = std::make_unique<onnx::ModelProto>();
  if (!proto->ParseFromString(bytes) || !proto->has_graph()) {
    fail(outcome, kUsageError, fmt::format("{}: not an ONNX model, or a truncated one (protobuf cannot parse it as a ModelProto with a graph)", name));
    return nullptr;
  }
  return proto;
}

std::unique_ptr<OnnxModel> prepare_onnx(std::unique_ptr<onnx::ModelProto> parsed, const ImportRequest& request, ImportOutcome& outcome) {
  auto model = std::make_unique<OnnxModel>();
  model->proto = std::move(parsed);
  onnx::ModelProto& proto = *model->proto;
  try {
    onnx::checker::check_model(proto);
  } catch (const std::exception& e) {
    fail(outcome, kUsageError, fmt::format("{}: the ONNX checker rejects it: {}", request.model_path, e.what()));
    return nullptr;
  }
  for (const auto& opset : proto.opset_import())
    if (opset.domain().empty() || opset.domain() == "ai.onnx") model->opset = opset.version();
  if (model->opset < kMinOpset || model->opset > kMaxOpset) {
    fail(outcome, kModelError, fmt::format("{}: opset {} of the default domain; nnc import reads opsets {} to {}", request.model_path,
                                           model->opset, kMinOpset, kMaxOpset));
    return nullptr;
  }
  onnx::GraphProto& graph = *proto.mutable_graph();
  for (const auto& init : graph.initializer()) {
    auto c = constant_from_proto(init);
    if (!c) fail(outcome, kModelError, c.error().message);
    else model->constants[init.name()] = std::move(*c);
  }
  std::vector<onnx::ValueInfoProto*> inputs;
  for (auto& input : *graph.mutable_input())
    if (!model->constants.count(input.name())) inputs.push_back(&input);
  if (inputs.size() != 1) fail(outcome, kModelError, fmt::format("the graph has {} inputs; an nnc model has exactly one", inputs.size()));
  if (graph.output_size() != 1) fail(outcome, kModelError, fmt::format("the graph has {} outputs; an nnc model has exactly one", graph.output_size()));
  if (outcome.status != 0 || !fix_input_shape(*inputs[0], request.input_shape, outcome)) return nullptr;
  model->input = inputs[0]->name();
  model->output = graph.output(0).name();
  check_window_attributes(graph, outcome);
  if (outcome.status != 0) return nullptr;
  try {
    // Folding a shape computation can make more shapes known (a Resize's sizes, a Reshape's target), which makes
    // more Shape nodes foldable: alternate until nothing folds.
    do {
      infer_shapes(proto);
      model->shapes = known_shapes(graph);
    } while (fold_pass(*model, outcome) > 0 && outcome.status == 0);
    for (const auto& node : graph.node()) model->nodes.push_back(&node);
  } catch (const std::exception& e) {
    fail(outcome, kUsageError, fmt::format("{}: ONNX shape inference fails: {}", request.model_path, e.what()));
    return nullptr;
  }
  if (outcome.status != 0) return nullptr;
  return model;
}

}  // namespace nnc::onnx_import
